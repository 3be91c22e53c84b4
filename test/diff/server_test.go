package diff

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing"
	"github.com/redwingdb/redwing/internal/testkit"
)

// Differential tests of the server administration family (server_admin.go,
// info.go, debug.go): CONFIG, INFO, TIME, LASTSAVE, DEBUG, MEMORY, SLOWLOG,
// LATENCY, MONITOR, SHUTDOWN.

// srvInfo parses an INFO reply into section name -> ordered field names and
// field -> value.
type srvInfo struct {
	sections []string
	fields   map[string][]string
	values   map[string]string
}

func srvParseInfo(t *testing.T, v testkit.Value) srvInfo {
	t.Helper()
	text := v.Str
	if v.Type == '=' {
		if !strings.HasPrefix(text, "txt:") {
			t.Fatalf("verbatim INFO without txt: %q", text[:min(len(text), 20)])
		}
		text = text[4:]
	}
	if text != "" && !strings.HasSuffix(text, "\r\n") {
		t.Fatalf("INFO does not end in CRLF: %q", text)
	}
	info := srvInfo{fields: map[string][]string{}, values: map[string]string{}}
	cur := ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		switch {
		case line == "":
		case strings.HasPrefix(line, "# "):
			cur = line[2:]
			info.sections = append(info.sections, cur)
		default:
			k, val, ok := strings.Cut(line, ":")
			if !ok || cur == "" {
				t.Fatalf("malformed INFO line %q", line)
			}
			info.fields[cur] = append(info.fields[cur], k)
			info.values[k] = val
		}
	}
	return info
}

// srvInfoBoth sends INFO args to both servers and checks that Redwing has
// the same sections and every field the oracle reports, well formed.
func srvInfoBoth(t *testing.T, p *pair, args ...string) (srvInfo, srvInfo) {
	t.Helper()
	a, b := p.doType(append([]string{"INFO"}, args...)...)
	rw, rd := srvParseInfo(t, a), srvParseInfo(t, b)
	if strings.Join(rw.sections, ",") != strings.Join(rd.sections, ",") {
		t.Errorf("INFO %v sections\n redwing: %v\n   redis: %v", args, rw.sections, rd.sections)
	}
	for _, sec := range rd.sections {
		have := map[string]bool{}
		for _, f := range rw.fields[sec] {
			have[f] = true
		}
		for _, f := range rd.fields[sec] {
			// Fields that depend on state Redwing does not have.
			if strings.HasPrefix(f, "cmdstat_") || strings.HasPrefix(f, "errorstat_") ||
				strings.HasPrefix(f, "latency_percentiles_usec_") || strings.HasPrefix(f, "db") && sec == "Keyspace" {
				continue
			}
			if !have[f] {
				t.Errorf("INFO %v: section %s lacks field %s", args, sec, f)
				continue
			}
			if !srvSameShape(rd.values[f], rw.values[f]) {
				t.Errorf("INFO %v: field %s is %q, redis has %q", args, f, rw.values[f], rd.values[f])
			}
		}
	}
	return rw, rd
}

var (
	srvIntRe   = regexp.MustCompile(`^-?[0-9]+$`)
	srvFloatRe = regexp.MustCompile(`^-?[0-9]+\.[0-9]+%?$`)
)

// srvSameShape reports whether a value has the same form as the oracle's
// (integer, fixed-point number, percentage, or any text).
func srvSameShape(want, got string) bool {
	switch {
	case srvIntRe.MatchString(want):
		return srvIntRe.MatchString(got)
	case srvFloatRe.MatchString(want):
		return srvFloatRe.MatchString(got) && strings.Count(want, ".") == strings.Count(got, ".") &&
			strings.HasSuffix(want, "%") == strings.HasSuffix(got, "%") &&
			len(want)-strings.Index(want, ".") == len(got)-strings.Index(got, ".")
	}
	return true
}

func TestServerInfoSections(t *testing.T) {
	p := newPair(t)
	srvInfoBoth(t, p)
	srvInfoBoth(t, p, "default")
	srvInfoBoth(t, p, "all")
	srvInfoBoth(t, p, "everything")
	srvInfoBoth(t, p, "everything", "foo")
	srvInfoBoth(t, p, "SERVER", "clients")
	srvInfoBoth(t, p, "keyspace", "server")
	srvInfoBoth(t, p, "default", "commandstats")
	for _, s := range []string{"server", "clients", "memory", "persistence", "stats", "replication",
		"cpu", "modules", "module_list", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"} {
		srvInfoBoth(t, p, s)
	}
	// Unknown sections give an empty string.
	p.do("INFO", "foo")
	p.do("INFO", "foo", "bar")
	p.do("INFO", "cluster")
	p.do("INFO", "modules")
	p.do("INFO", "keyspace")
	p.do("SET", "a", "1")
	p.do("SET", "b", "2")
	p.do("SELECT", "3")
	p.do("SET", "c", "3")
	p.do("INFO", "keyspace")
	p.do("FLUSHALL")
	p.do("SELECT", "0")

	// Values clients depend on.
	rw, _ := srvInfoBoth(t, p)
	for k, want := range map[string]string{
		"redis_mode": "standalone", "role": "master", "maxmemory_policy": "noeviction",
		"loading": "0", "aof_enabled": "0", "cluster_enabled": "0", "connected_slaves": "0",
		"master_failover_state": "no-failover", "second_repl_offset": "-1",
		"rdb_last_bgsave_status": "ok", "rdb_bgsave_in_progress": "0", "process_supervised": "no",
	} {
		if rw.values[k] != want {
			t.Errorf("INFO %s = %q, want %q", k, rw.values[k], want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(rw.values["run_id"]) ||
		!regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(rw.values["master_replid"]) {
		t.Errorf("run_id %q master_replid %q", rw.values["run_id"], rw.values["master_replid"])
	}
	if v := rw.values["redis_version"]; !regexp.MustCompile(`^7\.[0-9]+\.[0-9]+$`).MatchString(v) {
		t.Errorf("redis_version %q", v)
	}
	if n, _ := strconv.Atoi(rw.values["connected_clients"]); n < 1 {
		t.Errorf("connected_clients %q", rw.values["connected_clients"])
	}
	if n, _ := strconv.Atoi(rw.values["used_memory"]); n <= 0 {
		t.Errorf("used_memory %q", rw.values["used_memory"])
	}
	if n, _ := strconv.Atoi(rw.values["tcp_port"]); n <= 0 || !strings.HasSuffix(redwingAddr, ":"+rw.values["tcp_port"]) {
		t.Errorf("tcp_port %q (addr %s)", rw.values["tcp_port"], redwingAddr)
	}

	// RESP3: a verbatim string.
	p.resp3()
	srvInfoBoth(t, p, "server")
	p.do("INFO", "foo")
	p.do("INFO", "keyspace")
}

func TestServerInfoStats(t *testing.T) {
	p := newPair(t)
	p.do("CONFIG", "RESETSTAT")
	p.do("SET", "a", "1")
	p.do("GET", "a")
	p.do("GET", "nosuch")
	p.do("GET")
	p.do("NOSUCHCMD")
	p.do("INCR", "a", "b")
	p.do("SET", "a", "x")
	p.do("INCR", "a")
	p.do("CONFIG", "FOO")
	p.do("CONFIG", "GET") // wrong arity of a subcommand: a rejected call
	p.do("MULTI")
	p.do("SET", "k") // rejected while queuing: EXEC aborts
	p.do("GET", "a")
	p.do("EXEC")
	p.do("MULTI")
	p.do("GET", "a")
	p.do("EXEC")

	rw, rd := srvInfoBoth(t, p, "errorstats")
	for _, f := range rd.fields["Errorstats"] {
		if rw.values[f] != rd.values[f] {
			t.Errorf("%s: redwing %q, redis %q", f, rw.values[f], rd.values[f])
		}
	}
	if len(rw.fields["Errorstats"]) != len(rd.fields["Errorstats"]) {
		t.Errorf("errorstats: redwing %v, redis %v", rw.fields["Errorstats"], rd.fields["Errorstats"])
	}

	// commandstats: same commands with the same call, rejected and failed
	// counts.
	rw, rd = srvInfoBoth(t, p, "commandstats")
	srvStats := func(in srvInfo) map[string]string {
		out := map[string]string{}
		re := regexp.MustCompile(`^calls=([0-9]+),usec=[0-9]+,usec_per_call=[0-9]+\.[0-9]{2},rejected_calls=([0-9]+),failed_calls=([0-9]+)$`)
		for _, f := range in.fields["Commandstats"] {
			m := re.FindStringSubmatch(in.values[f])
			if m == nil {
				t.Errorf("malformed %s:%s", f, in.values[f])
				continue
			}
			out[f] = m[1] + "/" + m[2] + "/" + m[3]
		}
		return out
	}
	a, b := srvStats(rw), srvStats(rd)
	for k, v := range b {
		if k == "cmdstat_info" {
			continue
		}
		if a[k] != v {
			t.Errorf("%s: redwing %q, redis %q (calls/rejected/failed)", k, a[k], v)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok && k != "cmdstat_info" {
			t.Errorf("%s only in redwing: %s", k, a[k])
		}
	}

	// latencystats: one line per command that ran, three percentiles.
	rw, rd = srvInfoBoth(t, p, "latencystats")
	re := regexp.MustCompile(`^p50=[0-9]+\.[0-9]{3},p99=[0-9]+\.[0-9]{3},p99\.9=[0-9]+\.[0-9]{3}$`)
	for _, f := range rw.fields["Latencystats"] {
		if !re.MatchString(rw.values[f]) {
			t.Errorf("malformed %s:%s", f, rw.values[f])
		}
	}
	for _, f := range rd.fields["Latencystats"] {
		if _, ok := rw.values[f]; !ok {
			t.Errorf("latencystats lacks %s", f)
		}
	}

	// latency-tracking no: the section is empty.
	p.do("CONFIG", "SET", "latency-tracking", "no")
	p.do("CONFIG", "RESETSTAT")
	p.do("GET", "a")
	p.do("INFO", "latencystats")
	p.do("CONFIG", "SET", "latency-tracking", "yes")
	p.do("GET", "a")
	rw, _ = srvInfoBoth(t, p, "latencystats")
	if _, ok := rw.values["latency_percentiles_usec_get"]; !ok {
		t.Errorf("latencystats after re-enabling: %v", rw.fields)
	}

	p.do("CONFIG", "RESETSTAT")
	p.do("GET", "a")
	p.do("GET", "nosuch")
	p.do("GET")
	p.do("NOSUCHCMD")
	p.do("INCR", "a", "b")
	p.do("INCR", "a")
	p.do("CONFIG", "FOO")
	rw, _ = srvInfoBoth(t, p, "stats")
	if n, _ := strconv.Atoi(rw.values["keyspace_hits"]); n != 1 {
		t.Errorf("keyspace_hits %q", rw.values["keyspace_hits"])
	}
	if n, _ := strconv.Atoi(rw.values["keyspace_misses"]); n != 1 {
		t.Errorf("keyspace_misses %q", rw.values["keyspace_misses"])
	}
	if n, _ := strconv.Atoi(rw.values["total_error_replies"]); n != 5 {
		t.Errorf("total_error_replies %q", rw.values["total_error_replies"])
	}
	p.do("CONFIG", "RESETSTAT")
}

// Parameters whose defaults Redwing must report exactly as Redis does (the
// oracle runs with --save "" --appendonly no --enable-debug-command yes).
var srvConfigParams = []string{
	"maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-clients", "maxmemory-eviction-tenacity",
	"hz", "dynamic-hz", "databases", "slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold",
	"latency-tracking", "latency-tracking-info-percentiles", "timeout", "tcp-keepalive", "tcp-backlog",
	"appendonly", "appendfsync", "notify-keyspace-events", "hash-max-listpack-entries",
	"hash-max-ziplist-entries", "hash-max-listpack-value", "list-max-listpack-size", "list-compress-depth",
	"set-max-intset-entries", "zset-max-listpack-entries", "zset-max-listpack-value",
	"stream-node-max-bytes", "stream-node-max-entries", "lua-time-limit", "busy-reply-threshold",
	"maxclients", "proto-max-bulk-len", "client-query-buffer-limit", "enable-debug-command",
	"enable-module-command", "enable-protected-configs", "activerehashing", "lazyfree-lazy-eviction",
	"lazyfree-lazy-user-del", "io-threads", "replica-read-only", "daemonize", "requirepass",
	"lfu-log-factor", "lfu-decay-time", "active-expire-effort", "client-output-buffer-limit",
	"repl-backlog-size", "cluster-enabled", "protected-mode",
}

func TestServerConfigGet(t *testing.T) {
	p := newPair(t)
	p.run(
		c("CONFIG"),
		c("CONFIG", "FOO"),
		c("CONFIG", "HELP"),
		c("CONFIG", "help", "x"),
		c("CONFIG", "GET"),
		c("CONFIG", "GET", "nosuchparameter"),
		c("CONFIG", "GET", "nosuch*"),
	)
	for _, name := range srvConfigParams {
		p.do("CONFIG", "GET", name)
	}
	p.do("CONFIG", "GET", "MAXMEMORY")
	p.do("CONFIG", "GET", "maxmemory", "maxmemory")
	p.doSorted("CONFIG", "GET", "maxmemory", "maxmemory-policy", "hz")
	p.doSorted("CONFIG", "GET", "maxmemory*")
	p.doSorted("CONFIG", "GET", "slowlog*", "latency*")
	p.doSorted("CONFIG", "GET", "zset-max-*")
	p.doSorted("CONFIG", "GET", "hash-max-*", "hash-max-ziplist-entries")
	p.resp3()
	p.do("CONFIG", "GET", "maxmemory")
	p.do("CONFIG", "GET", "nosuch")
	p.doSorted("CONFIG", "GET", "maxmemory*")
}

func TestServerConfigSet(t *testing.T) {
	p := newPair(t)
	p.run(
		c("CONFIG", "SET"),
		c("CONFIG", "SET", "maxmemory"),
		c("CONFIG", "SET", "maxmemory", "1", "hz"),
		c("CONFIG", "SET", "foo", "bar"),
		c("CONFIG", "SET", "maxmemory", "foo"),
		c("CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"),
		c("CONFIG", "SET", "maxmemory", "100mb", "foo", "bar"),
		c("CONFIG", "SET", "maxmemory", "10", "maxmemory-policy", "foo"),
		c("CONFIG", "SET", "maxmemory-policy", "foo"),
		c("CONFIG", "SET", "daemonize", "yes"),
		c("CONFIG", "SET", "enable-debug-command", "no"),
		c("CONFIG", "SET", "hz", "-1"),
		c("CONFIG", "SET", "hz", "abc"),
		c("CONFIG", "SET", "appendfsync", "maybe"),
		c("CONFIG", "SET", "activerehashing", "maybe"),
		c("CONFIG", "SET", "slowlog-log-slower-than", "-2"),
		c("CONFIG", "SET", "latency-tracking-info-percentiles", "50 101"),
		c("CONFIG", "GET", "maxmemory"),
		c("CONFIG", "GET", "hz"),
	)
	// Successful sets, restored afterwards.
	p.run(
		c("CONFIG", "SET", "hz", "20", "slowlog-max-len", "64"),
		c("CONFIG", "GET", "hz"),
		c("CONFIG", "GET", "slowlog-max-len"),
		c("CONFIG", "SET", "HZ", "10", "slowlog-max-len", "128"),
		c("CONFIG", "GET", "hz"),
		c("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"),
		c("CONFIG", "GET", "maxmemory-policy"),
		c("CONFIG", "SET", "maxmemory-policy", "noeviction"),
		c("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"),
		c("CONFIG", "GET", "latency-tracking-info-percentiles"),
	)
	p.run(
		c("CONFIG", "RESETSTAT", "x"),
		c("CONFIG", "RESETSTAT"),
		c("CONFIG", "REWRITE", "x"),
		c("CONFIG", "REWRITE"),
	)
	// INFO follows CONFIG SET.
	p.do("CONFIG", "SET", "maxmemory", "1mb")
	rw, _ := srvInfoBoth(t, p, "memory")
	if rw.values["maxmemory"] != "1048576" || rw.values["maxmemory_human"] != "1.00M" {
		t.Errorf("maxmemory %q %q", rw.values["maxmemory"], rw.values["maxmemory_human"])
	}
	p.do("CONFIG", "SET", "maxmemory", "0")
}

func TestServerTimeLastsave(t *testing.T) {
	p := newPair(t)
	p.run(c("TIME", "x"), c("LASTSAVE", "x"))
	a, b := p.doType("TIME")
	for _, v := range []testkit.Value{a, b} {
		if v.Type != '*' || len(v.Elems) != 2 || v.Elems[0].Type != '$' || v.Elems[1].Type != '$' {
			t.Fatalf("TIME shape %s", v)
		}
	}
	sa, _ := strconv.ParseInt(a.Elems[0].Str, 10, 64)
	sb, _ := strconv.ParseInt(b.Elems[0].Str, 10, 64)
	us, err := strconv.ParseInt(a.Elems[1].Str, 10, 64)
	if err != nil || us < 0 || us > 999999 || sa-sb > 2 || sb-sa > 2 {
		t.Errorf("TIME redwing %s redis %s", a, b)
	}
	if now := time.Now().Unix(); sa < now-2 || sa > now+2 {
		t.Errorf("TIME %d, now %d", sa, now)
	}
	a, _ = p.doType("LASTSAVE")
	if now := time.Now().Unix(); a.Int <= 0 || a.Int > now {
		t.Errorf("LASTSAVE %d", a.Int)
	}
	p.resp3()
	p.doType("TIME")
	p.doType("LASTSAVE")
	p.run(c("MULTI"), c("TIME"), c("LASTSAVE"), c("DISCARD"))
}

// DEBUG RELOAD saves, flushes and loads back every type (and function
// libraries); NOSAVE loads the file as it is; NOSAVE NOFLUSH MERGE adds it
// to what is in memory. (NOFLUSH without MERGE over a repeated key kills
// Redis; Redwing replies the load error instead: TestDebugReloadDuplicate
// in package server.)
func TestServerDebugReload(t *testing.T) {
	p := newPair(t)
	reads := [][]string{
		c("DBSIZE"), c("GET", "s"), c("HGETALL", "h"), c("LRANGE", "l", "0", "-1"), c("SCARD", "st"),
		c("SISMEMBER", "st", "2"), c("ZRANGE", "z", "0", "-1", "WITHSCORES"), c("TTL", "ttl"),
		c("PFCOUNT", "hll"), c("XRANGE", "x", "-", "+"), c("OBJECT", "ENCODING", "h"),
		c("OBJECT", "ENCODING", "st"), c("GET", "new"), c("FUNCTION", "LIST"), c("FCALL", "rl", "0"),
	}
	p.run(
		c("DEBUG", "RELOAD", "BADOPT"),
		c("DEBUG", "RELOAD", "NOSAVE", "merge", "x"),
		c("SET", "s", "v"),
		c("HSET", "h", "f", "1", "g", "2"),
		c("RPUSH", "l", "a", "b", "c"),
		c("SADD", "st", "1", "2", "3"),
		c("ZADD", "z", "1", "a", "2.5", "b"),
		c("SET", "ttl", "v", "EX", "1000"),
		c("PFADD", "hll", "a", "b", "c"),
		c("XADD", "x", "1-1", "f", "v"),
		c("FUNCTION", "LOAD", "#!lua name=reloadlib\nredis.register_function('rl', function() return 1 end)"),
		c("DEBUG", "RELOAD"),
	)
	p.run(reads...)
	p.run(c("SET", "s", "changed"), c("DEL", "h"), c("DEBUG", "RELOAD", "NOSAVE"))
	p.run(reads...)
	p.run(c("SET", "new", "1"), c("SET", "s", "again"), c("DEBUG", "RELOAD", "nosave", "noflush", "merge"))
	p.run(reads...)
	p.run(c("FUNCTION", "FLUSH"), c("FLUSHALL"), c("DEBUG", "RELOAD"), c("DBSIZE"))
}

// DEBUG DIGEST and DIGEST-VALUE agree with Redis on every type, whatever
// the encodings (Redwing keeps small sets as listpacks where Redis 7.0 has
// hashtables), with TTLs and in more than one database.
func TestServerDebugDigest(t *testing.T) {
	p := newPair(t)
	keys := []string{"s", "n", "l", "si", "ss", "zl", "zs", "h", "hb", "x", "ttl", "missing"}
	digests := func() {
		p.run(c("DEBUG", "DIGEST"), c("SELECT", "1"), c("DEBUG", "DIGEST"), c("SELECT", "0"))
		p.run(append(c("DEBUG", "DIGEST-VALUE"), keys...))
	}
	digests()
	p.run(
		c("DEBUG", "DIGEST", "x"),
		c("SET", "s", "hello"),
		c("SET", "n", "12345"),
		c("RPUSH", "l", "a", "b", "c", "1"),
		c("SADD", "si", "1", "2", "3"),
		c("SADD", "ss", "a", "b", "c"),
		c("ZADD", "zl", "0.1", "a", "1e20", "b", "-0", "c", "inf", "d", "-inf", "e", "7", "f"),
		c("SET", "ttl", "v", "EX", "1000"),
		c("HSET", "h", "f", "v", "g", "12"),
		c("XADD", "x", "1-1", "f", "v", "g", "w"),
		c("XADD", "x", "1-2", "f", "v2", "g", "w2"),
		c("XADD", "x", "5-0", "other", "fields"),
		c("XDEL", "x", "1-2"),
		c("SELECT", "1"),
		c("SET", "s", "in db 1"),
		c("SELECT", "0"),
	)
	for i := 0; i < 200; i++ {
		n := strconv.Itoa(i)
		p.run(c("ZADD", "zs", n+".5", "m"+n), c("HSET", "hb", "field"+n, n))
	}
	digests()
	// The order of a list counts; the order of a set's members does not.
	p.run(c("LPUSH", "l", "z"), c("SREM", "ss", "a"), c("SADD", "ss", "a"))
	digests()
}

func TestServerDebug(t *testing.T) {
	p := newPair(t)
	p.run(
		c("DEBUG"),
		c("DEBUG", "FOO"),
		c("DEBUG", "jmap"),
		c("DEBUG", "SLEEP"),
		c("DEBUG", "SLEEP", "0"),
		c("DEBUG", "sleep", "x"),
		c("DEBUG", "SLEEP", "-1"),
		c("DEBUG", "SLEEP", "0.01"),
		c("DEBUG", "SLEEP", "0", "1"),
		c("DEBUG", "OBJECT"),
		c("DEBUG", "OBJECT", "nokey"),
		c("DEBUG", "OBJECT", "nokey", "x"),
		c("DEBUG", "SET-ACTIVE-EXPIRE"),
		c("DEBUG", "SET-ACTIVE-EXPIRE", "1", "2"),
		c("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
		c("DEBUG", "SET-ACTIVE-EXPIRE", "x"),
		c("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
		c("DEBUG", "ERROR", "my message"),
		c("DEBUG", "ERROR", "-MYCODE custom"),
		c("DEBUG", "ERROR"),
		c("DEBUG", "LOG", "hello from the diff tests"),
		c("DEBUG", "CHANGE-REPL-ID"),
		c("DEBUG", "CHANGE-REPL-ID", "x"),
	)
	// Active expiry off: an expired key stays until touched.
	p.run(
		c("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
		c("SET", "e", "v", "PX", "1"),
	)
	sleepMs(150)
	p.run(
		c("DBSIZE"),
		c("GET", "e"),
		c("DBSIZE"),
		c("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
	)
	// DEBUG OBJECT: everything but the address and the LRU clock.
	objRe := regexp.MustCompile(`^Value at:0x[0-9a-f]+ refcount:([0-9]+) encoding:([a-z]+) serializedlength:([0-9]+) lru:[0-9]+ lru_seconds_idle:[0-9]+(.*)$`)
	for _, kv := range [][2]string{{"s", "hello"}, {"n", "123"}, {"neg", "-5"}, {"bign", "123456789012"},
		{"big", strings.Repeat("a", 45)}, {"f", "1.5"}, {"empty", ""}, {"shared", "9999"}, {"notshared", "10000"}} {
		p.do("SET", kv[0], kv[1])
		a, b := p.doType("DEBUG", "OBJECT", kv[0])
		ma, mb := objRe.FindStringSubmatch(a.Str), objRe.FindStringSubmatch(b.Str)
		if ma == nil || mb == nil {
			t.Errorf("DEBUG OBJECT %s\n redwing: %s\n   redis: %s", kv[0], a, b)
			continue
		}
		// Redis LZF-compresses strings over 20 bytes in its serialized length.
		if ma[1] != mb[1] || ma[2] != mb[2] || (len(kv[1]) <= 20 && ma[3] != mb[3]) {
			t.Errorf("DEBUG OBJECT %s: refcount/encoding/serializedlength redwing %v redis %v", kv[0], ma[1:4], mb[1:4])
		}
	}
	// Lists: Redwing may use 7.2's listpack encoding for small lists where
	// Redis 7.0 reports a quicklist; quicklists carry the ql_* fields.
	if srvSupported(p, "RPUSH", "l", "a", "b", "c") {
		a, b := p.doType("DEBUG", "OBJECT", "l")
		ma, mb := objRe.FindStringSubmatch(a.Str), objRe.FindStringSubmatch(b.Str)
		qlRe := regexp.MustCompile(`^ ql_nodes:[0-9]+ ql_avg_node:[0-9]+\.[0-9]{2} ql_listpack_max:-?[0-9]+ ql_compressed:[0-9]+ ql_uncompressed_size:[0-9]+$`)
		switch {
		case ma == nil || mb == nil:
			t.Errorf("DEBUG OBJECT list\n redwing: %s\n   redis: %s", a, b)
		case ma[2] == "quicklist" && !qlRe.MatchString(ma[4]):
			t.Errorf("DEBUG OBJECT list extras %q (redis %q)", ma[4], mb[4])
		case ma[2] != "quicklist" && ma[4] != "":
			t.Errorf("DEBUG OBJECT list extras %q for encoding %s", ma[4], ma[2])
		}
	}

	// DEBUG PROTOCOL in both protocols.
	types := []string{"string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib",
		"push", "true", "false", "verbatim", "foo", "STRING"}
	for _, ty := range types {
		p.do("DEBUG", "PROTOCOL", ty)
	}
	// DEBUG POPULATE.
	p.run(
		c("FLUSHALL"),
		c("DEBUG", "POPULATE"),
		c("DEBUG", "POPULATE", "x"),
		c("DEBUG", "POPULATE", "-1"),
		c("DEBUG", "POPULATE", "5", "p", "-1"),
		c("DEBUG", "POPULATE", "5", "p", "x"),
		c("DEBUG", "POPULATE", "1", "2", "3", "4"),
		c("SET", "key:2", "mine"),
		c("DEBUG", "POPULATE", "10"),
		c("DBSIZE"),
		c("GET", "key:0"),
		c("GET", "key:2"),
		c("GET", "key:9"),
		c("EXISTS", "key:10"),
		c("DEBUG", "POPULATE", "3", "pre", "12"),
		c("GET", "pre:1"),
		c("DEBUG", "POPULATE", "2", "tiny", "3"),
		c("GET", "tiny:1"),
		c("DEBUG", "POPULATE", "0"),
		c("DBSIZE"),
		c("FLUSHALL"),
	)
	p.resp3()
	for _, ty := range types {
		p.do("DEBUG", "PROTOCOL", ty)
	}
	p.do("DEBUG", "OBJECT", "nokey")
	// Inside MULTI the subcommand errors appear at EXEC.
	p.run(c("MULTI"), c("DEBUG", "SLEEP", "0"), c("DEBUG", "FOO"), c("DEBUG", "OBJECT", "nokey"), c("EXEC"))
}

// TestServerDebugDisabled compares DEBUG with enable-debug-command no on a
// dedicated pair of servers.
func TestServerDebugDisabled(t *testing.T) {
	oracle, err := testkit.StartOracle("--enable-debug-command", "no")
	if err != nil {
		t.Fatal(err)
	}
	defer oracle.Stop()
	srv, err := redwing.Start(redwing.Config{Directives: map[string]string{"enable-debug-command": "no"}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := srvPairAt(t, srv.Addr(), oracle.Addr)
	p.run(
		c("DEBUG"),
		c("DEBUG", "HELP"),
		c("DEBUG", "SLEEP", "0"),
		c("DEBUG", "FOO"),
		c("CONFIG", "GET", "enable-debug-command"),
		c("CONFIG", "SET", "enable-debug-command", "yes"),
	)
}

// srvSupported runs args on both servers when Redwing implements the
// command (families written in parallel may not exist yet); it reports
// whether it did.
func srvSupported(p *pair, args ...string) bool {
	p.t.Helper()
	v, err := p.rw.Do(args...)
	if err != nil {
		p.t.Fatal(err)
	}
	if v.Type == '-' && strings.HasPrefix(v.Str, "ERR unknown command") {
		p.t.Logf("%s not implemented in Redwing yet: skipped", args[0])
		return false
	}
	w, err := p.rd.Do(args...)
	if err != nil {
		p.t.Fatal(err)
	}
	if string(v.Raw) != string(w.Raw) {
		p.t.Errorf("%s\n redwing: %s\n   redis: %s", show(args), v, w)
	}
	return true
}

// srvPairAt connects a pair to other servers than the shared ones.
func srvPairAt(t *testing.T, rwAddr, rdAddr string) *pair {
	t.Helper()
	rw, err := testkit.Dial(rwAddr)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := testkit.Dial(rdAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rw.Close(); rd.Close() })
	return &pair{t: t, rw: rw, rd: rd}
}

func TestServerMemory(t *testing.T) {
	p := newPair(t)
	p.run(
		c("MEMORY"),
		c("MEMORY", "FOO"),
		c("MEMORY", "HELP"),
		c("MEMORY", "HELP", "x"),
		c("MEMORY", "USAGE"),
		c("MEMORY", "USAGE", "nokey"),
		c("MEMORY", "DOCTOR", "x"),
		c("MEMORY", "STATS", "x"),
		c("MEMORY", "MALLOC-STATS", "x"),
		c("MEMORY", "PURGE", "x"),
		c("MEMORY", "PURGE"),
	)
	// String values: Redwing follows Redis's allocation sizes exactly.
	for _, kv := range [][2]string{{"s", "hello"}, {"n", "123"}, {"big", strings.Repeat("a", 145)},
		{"e44", strings.Repeat("b", 44)}, {"r45", strings.Repeat("c", 45)}, {"empty", ""},
		{strings.Repeat("k", 40), "v"}, {"huge", strings.Repeat("d", 70000)}, {"neg", "-12345678901"}} {
		p.do("SET", kv[0], kv[1])
		p.do("MEMORY", "USAGE", kv[0])
	}
	p.run(
		c("MEMORY", "USAGE", "s", "SAMPLES"),
		c("MEMORY", "USAGE", "s", "SAMPLES", "0"),
		c("MEMORY", "USAGE", "s", "samples", "10"),
		c("MEMORY", "USAGE", "s", "SAMPLES", "-1"),
		c("MEMORY", "USAGE", "s", "SAMPLES", "x"),
		c("MEMORY", "USAGE", "s", "FOO", "1"),
		c("MEMORY", "USAGE", "s", "SAMPLES", "5", "SAMPLES", "6"),
		c("MEMORY", "USAGE", "nokey", "SAMPLES", "x"),
		c("MEMORY", "USAGE", "nokey", "FOO"),
	)
	// Other types: an integer of the same order of magnitude.
	var a, b testkit.Value
	for _, args := range [][]string{
		{"RPUSH", "l", "a", "b", "c"},
		{"SADD", "st", "1", "2", "3"},
		{"SADD", "st2", "a", "b"},
		{"HSET", "h", "f", "v"},
		{"ZADD", "z", "1", "a"},
	} {
		if srvSupported(p, args...) {
			a, b = p.doType("MEMORY", "USAGE", args[1])
			if a.Type != ':' || a.Int < b.Int/4 || a.Int > b.Int*4 {
				t.Errorf("MEMORY USAGE %s: redwing %s redis %s", args[1], a, b)
			}
		}
	}

	// MEMORY STATS: Redis's field names, in order.
	srvKeys := func(v testkit.Value) []string {
		var out []string
		for i := 0; i+1 < len(v.Elems); i += 2 {
			out = append(out, v.Elems[i].Str+"/"+string(v.Elems[i+1].Type))
		}
		return out
	}
	for _, proto := range []int{2, 3} {
		if proto == 3 {
			p.resp3()
		}
		a, b = p.doType("MEMORY", "STATS")
		ka, kb := srvKeys(a), srvKeys(b)
		if strings.Join(ka, " ") != strings.Join(kb, " ") {
			t.Errorf("MEMORY STATS (RESP%d) fields\n redwing: %v\n   redis: %v", proto, ka, kb)
		}
		p.doType("MEMORY", "DOCTOR")
		p.doType("MEMORY", "MALLOC-STATS")
		p.do("MEMORY", "USAGE", "nokey")
		p.do("MEMORY", "USAGE", "s")
	}
}

// srvSlowlog normalizes SLOWLOG GET: ids relative to the newest, durations
// and timestamps dropped, client addresses checked and replaced.
func srvSlowlog(t *testing.T, v testkit.Value) string {
	t.Helper()
	if v.Type != '*' {
		return string(v.Raw)
	}
	var parts []string
	var first int64
	for i, e := range v.Elems {
		if e.Type != '*' || len(e.Elems) != 6 {
			t.Fatalf("slowlog entry %s", e)
		}
		if i == 0 {
			first = e.Elems[0].Int
		}
		if e.Elems[1].Type != ':' || e.Elems[2].Type != ':' || e.Elems[2].Int < 0 {
			t.Errorf("slowlog entry times %s", e)
		}
		if now := time.Now().Unix(); e.Elems[1].Int < now-5 || e.Elems[1].Int > now+1 {
			t.Errorf("slowlog timestamp %d", e.Elems[1].Int)
		}
		var args []string
		for _, a := range e.Elems[3].Elems {
			args = append(args, strconv.Quote(a.Str))
		}
		if !regexp.MustCompile(`^127\.0\.0\.1:[0-9]+$`).MatchString(e.Elems[4].Str) {
			t.Errorf("slowlog client %q", e.Elems[4].Str)
		}
		parts = append(parts, strconv.FormatInt(first-e.Elems[0].Int, 10)+" ["+strings.Join(args, " ")+"] name="+e.Elems[5].Str)
	}
	return strings.Join(parts, "\n")
}

func TestServerSlowlog(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SLOWLOG"),
		c("SLOWLOG", "FOO"),
		c("SLOWLOG", "HELP"),
		c("SLOWLOG", "HELP", "x"),
		c("SLOWLOG", "LEN", "x"),
		c("SLOWLOG", "RESET", "x"),
		c("SLOWLOG", "GET", "x"),
		c("SLOWLOG", "GET", "-2"),
		c("SLOWLOG", "GET", "1", "2"),
		c("SLOWLOG", "GET", "99999999999999999999"),
		c("SLOWLOG", "GET", "0"),
	)
	t.Cleanup(func() {
		p.do("CONFIG", "SET", "slowlog-log-slower-than", "10000", "slowlog-max-len", "128")
		p.do("SLOWLOG", "RESET")
	})
	p.run(
		c("CONFIG", "SET", "slowlog-log-slower-than", "0"),
		c("SLOWLOG", "RESET"),
		c("SLOWLOG", "LEN"),
		c("SET", "k", strings.Repeat("v", 150)),
		c("GET", "k"),
		c("GET"),
		c("CONFIG", "SET", "requirepass", ""),
		c("CONFIG", "SET", "masterauth", "secret", "hz", "10"),
		c("CONFIG", "SET", "masterauth", ""),
	)
	args := []string{"DEL"}
	for i := 0; i < 35; i++ {
		args = append(args, strconv.Itoa(i))
	}
	p.do(args...)
	p.do("SLOWLOG", "LEN")
	for _, n := range []string{"", "3", "-1", "0", "1"} {
		cmd := []string{"SLOWLOG", "GET"}
		if n != "" {
			cmd = append(cmd, n)
		}
		a, b := p.both(cmd...)
		if x, y := srvSlowlog(t, a), srvSlowlog(t, b); x != y {
			t.Errorf("SLOWLOG GET %s\n redwing:\n%s\n   redis:\n%s", n, x, y)
		}
	}
	// slowlog-max-len trims on the next entry.
	p.run(
		c("CONFIG", "SET", "slowlog-max-len", "2"),
		c("SLOWLOG", "LEN"),
		c("PING"),
		c("SLOWLOG", "LEN"),
		c("CONFIG", "SET", "slowlog-max-len", "0"),
		c("SLOWLOG", "RESET"),
		c("PING"),
		c("SLOWLOG", "LEN"),
		c("CONFIG", "SET", "slowlog-max-len", "128", "slowlog-log-slower-than", "-1"),
		c("SLOWLOG", "RESET"),
		c("PING"),
		c("SLOWLOG", "LEN"),
		c("SLOWLOG", "GET"),
	)
	p.resp3()
	p.do("SLOWLOG", "GET")
	p.do("SLOWLOG", "LEN")
}

func TestServerLatency(t *testing.T) {
	p := newPair(t)
	p.run(
		c("LATENCY"),
		c("LATENCY", "FOO"),
		c("LATENCY", "HELP"),
		c("LATENCY", "HELP", "x"),
		c("LATENCY", "LATEST", "x"),
		c("LATENCY", "HISTORY"),
		c("LATENCY", "GRAPH"),
		c("LATENCY", "DOCTOR", "x"),
		c("LATENCY", "RESET"),
		c("LATENCY", "RESET", "command", "foo"),
		c("LATENCY", "LATEST"),
		c("LATENCY", "HISTORY", "command"),
		c("LATENCY", "HISTORY", "nosuch"),
		c("LATENCY", "GRAPH", "command"),
		c("LATENCY", "GRAPH", "nosuch"),
	)
	p.doType("LATENCY", "DOCTOR")

	// Events above latency-monitor-threshold.
	t.Cleanup(func() {
		p.do("CONFIG", "SET", "latency-monitor-threshold", "0")
		p.do("LATENCY", "RESET")
	})
	p.run(
		c("CONFIG", "SET", "latency-monitor-threshold", "5"),
		c("DEBUG", "SLEEP", "0.01"),
	)
	a, b := p.doType("LATENCY", "LATEST")
	for _, v := range []testkit.Value{a, b} {
		if len(v.Elems) != 1 || len(v.Elems[0].Elems) != 4 || v.Elems[0].Elems[0].Str != "command" ||
			v.Elems[0].Elems[2].Int < 10 || v.Elems[0].Elems[3].Int < 10 {
			t.Errorf("LATENCY LATEST %s", v)
		}
	}
	a, b = p.doType("LATENCY", "HISTORY", "command")
	if len(a.Elems) != 1 || len(b.Elems) != 1 || len(a.Elems[0].Elems) != 2 {
		t.Errorf("LATENCY HISTORY\n redwing: %s\n   redis: %s", a, b)
	}
	a, b = p.doType("LATENCY", "GRAPH", "command")
	for _, v := range []testkit.Value{a, b} {
		if !strings.HasPrefix(v.Str, "command - high ") {
			t.Errorf("LATENCY GRAPH %s", v)
		}
	}
	p.doType("LATENCY", "DOCTOR")
	p.run(
		c("LATENCY", "RESET", "COMMAND"),
		c("LATENCY", "LATEST"),
		c("LATENCY", "RESET"),
	)

	// LATENCY HISTOGRAM: calls counted per command; buckets are powers of two.
	p.do("CONFIG", "RESETSTAT")
	p.run(c("SET", "a", "1"), c("SET", "a", "2"), c("GET", "a"))
	srvHist := func(v testkit.Value) string {
		var parts []string
		for i := 0; i+1 < len(v.Elems); i += 2 {
			h := v.Elems[i+1]
			if len(h.Elems) != 4 || h.Elems[0].Str != "calls" || h.Elems[2].Str != "histogram_usec" {
				t.Errorf("histogram entry %s", h)
				continue
			}
			b := h.Elems[3].Elems
			// Bucket bounds are positive and increasing, cumulative counts
			// never decrease (exact bounds depend on how slow the machine was).
			for j := 0; j+1 < len(b); j += 2 {
				if b[j].Int <= 0 || (j >= 2 && (b[j].Int <= b[j-2].Int || b[j+1].Int < b[j-1].Int)) {
					t.Errorf("histogram bucket %d (count %d)", b[j].Int, b[j+1].Int)
				}
			}
			if len(b) == 0 || b[len(b)-1].Int != h.Elems[1].Int {
				t.Errorf("histogram total %s", h)
			}
			parts = append(parts, v.Elems[i].Str+":"+strconv.FormatInt(h.Elems[1].Int, 10))
		}
		sort.Strings(parts)
		return strings.Join(parts, " ")
	}
	for _, args := range [][]string{{"set"}, {"SET", "get"}, {"get", "nosuch", "set"}, {"nosuch"}, {"config|resetstat"}, {"config"}} {
		a, b := p.both(append([]string{"LATENCY", "HISTOGRAM"}, args...)...)
		if a.Type != b.Type || srvHist(a) != srvHist(b) {
			t.Errorf("LATENCY HISTOGRAM %v\n redwing: %s\n   redis: %s", args, a, b)
		}
	}
	p.resp3()
	a, b = p.both("LATENCY", "HISTOGRAM", "set")
	if a.Type != '%' || b.Type != '%' || srvHist(a) != srvHist(b) {
		t.Errorf("LATENCY HISTOGRAM RESP3\n redwing: %s\n   redis: %s", a, b)
	}
	p.do("LATENCY", "LATEST")
}

// srvMonitorLine normalizes a MONITOR line: the timestamp and the client
// port are replaced.
var srvMonitorRe = regexp.MustCompile(`^\+[0-9]{10}\.[0-9]{6} \[([0-9]+) (127\.0\.0\.1:[0-9]+|lua)\] (.*)$`)

func srvReadMonitor(t *testing.T, cl *testkit.Client, who string) string {
	t.Helper()
	v, err := cl.ReadTimeout(2 * time.Second)
	if err != nil {
		t.Fatalf("%s monitor: %v", who, err)
	}
	m := srvMonitorRe.FindStringSubmatch(strings.TrimSuffix(string(v.Raw), "\r\n"))
	if m == nil {
		t.Fatalf("%s monitor line %q", who, v.Raw)
	}
	addr := "client"
	if m[2] == "lua" {
		addr = "lua"
	}
	return "[" + m[1] + " " + addr + "] " + m[3]
}

func TestServerMonitor(t *testing.T) {
	p := newPair(t)
	mon := p.another()
	mon.do("MONITOR")
	// MONITOR again: no reply at all. The next reply is a monitor line.
	for _, cl := range []*testkit.Client{mon.rw, mon.rd} {
		if err := cl.Send(testkit.Encode("MONITOR")); err != nil {
			t.Fatal(err)
		}
	}
	script := [][]string{
		c("SET", "a", "he\"llo\n\x01\xc3\xa9\\"),
		c("GET", "a"),
		c("MULTI"),
		c("SET", "b", "1"),
		c("INCR", "b"),
		c("EXEC"),
		c("CONFIG", "GET", "maxmemory"), // admin: not shown
		c("DEBUG", "SLEEP", "0"),        // admin: not shown
		c("SLOWLOG", "LEN"),             // admin: not shown
		c("SELECT", "2"),
		c("PING"),
		c("GET"),         // rejected: not shown
		c("NOSUCHCMD"),   // rejected: not shown
		c("INCR", "a"),   // failed: shown
		c("SELECT", "0"), // shown with the new db
		c("ECHO", ""),
	}
	for _, args := range script {
		p.do(args...)
	}
	want := []string{
		`[0 client] "SET" "a" "he\"llo\n\x01\xc3\xa9\\"`,
		`[0 client] "GET" "a"`,
		`[0 client] "MULTI"`,
		`[0 client] "SET" "b" "1"`,
		`[0 client] "INCR" "b"`,
		`[0 client] "EXEC"`,
		`[2 client] "SELECT" "2"`,
		`[2 client] "PING"`,
		`[2 client] "INCR" "a"`,
		`[0 client] "SELECT" "0"`,
		`[0 client] "ECHO" ""`,
	}
	for i, w := range want {
		a := srvReadMonitor(t, mon.rw, "redwing")
		b := srvReadMonitor(t, mon.rd, "redis")
		if a != b {
			t.Errorf("monitor line %d\n redwing: %s\n   redis: %s", i, a, b)
		}
		if b != w {
			t.Errorf("monitor line %d from redis: %s, expected %s", i, b, w)
		}
	}

	// A monitor in RESP3 gets the same status lines.
	mon3 := p.another()
	mon3.resp3()
	mon3.do("MONITOR")
	p.do("SET", "x", "y")
	for _, m := range []*pair{mon, mon3} {
		a := srvReadMonitor(t, m.rw, "redwing")
		b := srvReadMonitor(t, m.rd, "redis")
		if a != b {
			t.Errorf("monitor line\n redwing: %s\n   redis: %s", a, b)
		}
	}

	// MONITOR is refused inside a transaction.
	q := p.another()
	q.run(c("MULTI"), c("MONITOR"), c("EXEC"))
}

// TestServerMonitorSelf checks a monitoring client's own commands: each
// reply comes before the command's monitor line, and CLIENT REPLY OFF
// silences both.
func TestServerMonitorSelf(t *testing.T) {
	p := newPair(t)
	mon := p.another()
	raw := "PING\r\nMONITOR\r\nPING\r\nCLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nECHO hi\r\n"
	read := func(cl *testkit.Client, who string, n int) []string {
		var out []string
		for i := 0; i < n; i++ {
			v, err := cl.ReadTimeout(2 * time.Second)
			if err != nil {
				t.Fatalf("%s: reply %d: %v", who, i, err)
			}
			s := string(v.Raw)
			if m := srvMonitorRe.FindStringSubmatch(strings.TrimSuffix(s, "\r\n")); m != nil {
				s = "[" + m[1] + "] " + m[3]
			}
			out = append(out, s)
		}
		return out
	}
	for _, cl := range []*testkit.Client{mon.rw, mon.rd} {
		if err := cl.Send([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	// +PONG +OK +PONG <PING> +OK <CLIENT REPLY ON> $hi <ECHO>
	const n = 8
	a := read(mon.rw, "redwing", n)
	b := read(mon.rd, "redis", n)
	if strings.Join(a, "|") != strings.Join(b, "|") {
		t.Errorf("monitor self\n redwing: %q\n   redis: %q", a, b)
	}
	p.do("SET", "k", "v")
	if x, y := srvReadMonitor(t, mon.rw, "redwing"), srvReadMonitor(t, mon.rd, "redis"); x != y {
		t.Errorf("monitor line\n redwing: %s\n   redis: %s", x, y)
	}
	// RESET ends monitor mode.
	mon.do("RESET")
	p.do("SET", "k", "w")
	mon.do("PING")
	mon.do("MONITOR")
	p.do("GET", "k")
	if x, y := srvReadMonitor(t, mon.rw, "redwing"), srvReadMonitor(t, mon.rd, "redis"); x != y {
		t.Errorf("monitor line\n redwing: %s\n   redis: %s", x, y)
	}
}

func TestServerShutdownErrors(t *testing.T) {
	p := newPair(t)
	p.run(
		c("SHUTDOWN", "FOO"),
		c("SHUTDOWN", "NOSAVE", "SAVE"),
		c("SHUTDOWN", "save", "nosave", "now"),
		c("SHUTDOWN", "ABORT"),
		c("SHUTDOWN", "abort", "nosave"),
		c("SHUTDOWN", "NOW", "ABORT"),
		c("SHUTDOWN", "FORCE", "abort"),
		c("SHUTDOWN", "NOSAVE", "x"),
		c("MULTI"),
		c("SHUTDOWN"),
		c("SHUTDOWN", "NOSAVE"),
		c("EXEC"),
	)
}

// TestServerShutdown shuts down a dedicated pair of servers.
func TestServerShutdown(t *testing.T) {
	oracle, err := testkit.StartOracle()
	if err != nil {
		t.Fatal(err)
	}
	defer oracle.Stop()
	srv, err := redwing.Start(redwing.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := srvPairAt(t, srv.Addr(), oracle.Addr)
	p.do("SET", "k", "v")
	for _, cl := range []*testkit.Client{p.rw, p.rd} {
		if err := cl.Send(testkit.Encode("SHUTDOWN", "NOSAVE", "NOW", "FORCE")); err != nil {
			t.Fatal(err)
		}
		if v, err := cl.ReadTimeout(3 * time.Second); err == nil {
			t.Errorf("SHUTDOWN replied %s", v)
		}
	}
	// The server is gone.
	time.Sleep(50 * time.Millisecond)
	if cl, err := testkit.Dial(srv.Addr()); err == nil {
		if v, err := cl.Do("PING"); err == nil {
			t.Errorf("redwing still answers after SHUTDOWN: %s", v)
		}
		cl.Close()
	}
}
