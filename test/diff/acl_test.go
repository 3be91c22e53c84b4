package diff

import (
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/server"
	"github.com/redwingdb/redwing/internal/testkit"
)

// ACL differential tests. Every test restores the default user, removes
// its users and clears the ACL log in a cleanup, since all tests share one
// oracle and one Redwing.

func aclPair(t *testing.T) *pair {
	t.Helper()
	p := newPair(t)
	t.Cleanup(func() {
		q := connectPair(t)
		for _, cl := range []*testkit.Client{q.rw, q.rd} {
			cl.Do("AUTH", "default", "aclpw") // in case the test left a password
			cl.Do("CONFIG", "SET", "requirepass", "")
			cl.Do("ACL", "SETUSER", "default", "reset", "on", "nopass", "~*", "&*", "+@all")
			users, _ := cl.Do("ACL", "USERS")
			for _, u := range users.Elems {
				if u.Str != "default" {
					cl.Do("ACL", "DELUSER", u.Str)
				}
			}
			cl.Do("ACL", "LOG", "RESET")
		}
	})
	return p
}

// normRules normalizes an ACL rule description: Redis emits single-command
// rules in the order of its randomly seeded command dictionary, so trailing
// "+cmd"/"-cmd" rules of each selector are compared as a set.
func normRules(s string) string {
	var parts []string
	for _, seg := range strings.Split(s, " (") {
		toks := strings.Fields(seg)
		i := len(toks)
		for i > 0 {
			t := strings.TrimSuffix(toks[i-1], ")")
			if len(t) > 1 && (t[0] == '+' || t[0] == '-') && t[1] != '@' {
				i--
				continue
			}
			break
		}
		tail := append([]string(nil), toks[i:]...)
		for j := range tail {
			tail[j] = strings.TrimSuffix(tail[j], ")")
		}
		sort.Strings(tail)
		parts = append(parts, strings.Join(append(toks[:i:i], tail...), " "))
	}
	return strings.Join(parts, " (")
}

// aclCanon renders a reply with every bulk string normalized by normRules.
func aclCanon(v testkit.Value) string {
	switch v.Type {
	case '*', '~', '%', '>':
		if v.Null {
			return string(v.Raw)
		}
		var b strings.Builder
		b.WriteByte(v.Type)
		b.WriteByte('[')
		for _, e := range v.Elems {
			b.WriteString(aclCanon(e))
			b.WriteByte(',')
		}
		b.WriteByte(']')
		return b.String()
	case '$', '+':
		if v.Null {
			return string(v.Raw)
		}
		return string(v.Type) + normRules(v.Str)
	}
	return string(v.Raw)
}

// doRules compares replies that hold rule descriptions (ACL LIST, ACL
// GETUSER).
func (p *pair) doRules(args ...string) testkit.Value {
	p.t.Helper()
	a, b := p.both(args...)
	if aclCanon(a) != aclCanon(b) {
		p.t.Errorf("%s (rules)\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a
}

// auth authenticates both connections of q.
func (q *pair) auth(user, pass string) {
	q.t.Helper()
	q.mustAgree("AUTH", user, pass)
}

func TestACLSetUserDescribe(t *testing.T) {
	p := aclPair(t)
	rules := [][]string{
		{"on", ">p1", "+@read", "~foo"},
		{"+@all", "-@dangerous", "~key:*"},
		{"+@string", "+@hash", "-hset"},
		{"-@all", "+config|get", "+config|set"},
		{"+config", "-config|set"},
		{"-@all", "+select|0", "+select|1", "+SELECT|0"},
		{"+@all", "-debug", "+debug|digest"},
		{"nocommands", "+@fast"},
		{"+@admin"},
		{"allcommands", "-@pubsub", "+publish"},
		{"%R~r*", "%W~w*", "%RW~rw*", "~x", "%WR~y", "%R~x"},
		{"%r", "%RW~*"}, {"%R~", "~*"}, {"~"}, // empty patterns (found by FuzzSetUser)
		{"&chan:*", "&other", "&other"},
		{"allchannels"},
		{"resetchannels", "&a"},
		{"(+get ~k1)", "(+set %W~k2)"},
		{"(+get", "~k1", "&c)", "on"},
		{"on", "#5e884898da28047151d0e56f8dc6292773603d0d7aaeb6b4c3d2ac0e7f82c5f3", ">x", ">x", "<x"},
		{"+@all", "-@read"},
		{"+@slow"},
		{"+@keyspace", "+@stream", "-xadd"},
		{"+client|list", "+client|info"},
		{"+@all", "-client", "+client|id"},
		{"skip-sanitize-payload"},
		{"reset", "on", "nopass"},
		{"+@geo", "+@sortedset"},
		{"+@bitmap", "-@write"},
		{"+acl"},
		{"-@all", "+@all", "-@all"},
		{"+@read", "+@write", "-@keyspace"},
		{"%R"},
		{"allkeys", "resetkeys", "~a"},
		{"nopass", ">x", "resetpass"},
		{"on", "off"},
		{"", "on"},
		{"+@all", "-@scripting", "+eval"},
		{"+@all", "-@admin", "-@dangerous", "+@connection", "-@transaction"},
		{"+@list", "+@blocking", "-blpop"},
		{"clearselectors", "(~x +get)", "clearselectors"},
	}
	for i, r := range rules {
		name := "acltest_" + string(rune('a'+i))
		p.do(append([]string{"ACL", "SETUSER", name}, r...)...)
		p.doRules("ACL", "GETUSER", name)
	}
	p.doRules("ACL", "LIST")
	p.do("ACL", "USERS")
	// Applying rules to an existing user.
	p.do("ACL", "SETUSER", "acltest_a", "+set", "~bar", "(+get ~x)")
	p.doRules("ACL", "GETUSER", "acltest_a")
	p.resp3()
	p.doRules("ACL", "GETUSER", "acltest_a")
	p.doRules("ACL", "GETUSER", "acltest_o")
	p.do("ACL", "GETUSER", "nosuch")
	p.doRules("ACL", "LIST")
}

func TestACLSetUserErrors(t *testing.T) {
	p := aclPair(t)
	bad := [][]string{
		{"%~x"}, {"foo"}, {"+nosuch"}, {"+@nosuch"}, {"-@nosuch"}, {"-get|x"},
		{"+config|get|x"}, {"+select|"}, {"+config|nosuch"}, {"#abc"},
		{"#5E884898DA28047151D0E56F8DC6292773603D0D7AAEB6B4C3D2AC0E7F82C5F3"},
		{"!abc"}, {"<nope"}, {"~a b"}, {"&a b"}, {"%X~a"}, {"%RR~a"},
		{"~*", "~a"}, {"allkeys", "%R~a"}, {"&*", "&a"}, {"allchannels", "&a"},
		{"on", "(+get", "~a"}, {"(+get ~a) (+nosuch)"}, {"(~* ~a)"},
		{"+", "-"}, {"-"}, {"("}, {"on", "+get", "bogus"},
		{"+a|b|c"}, {"-config|"},
	}
	for _, r := range bad {
		p.do(append([]string{"ACL", "SETUSER", "acltest_bad"}, r...)...)
	}
	p.do("ACL", "SETUSER", "acl test")
	p.do("ACL", "SETUSER", "acltest\x00x")
	p.do("ACL", "GETUSER", "acltest_bad")
	p.do("ACL", "SETUSER")
	p.do("ACL", "GETUSER")
	p.do("ACL", "GETUSER", "a", "b")
	// A failed SETUSER changes nothing.
	p.do("ACL", "SETUSER", "acltest_ok", "on", "+get")
	p.do("ACL", "SETUSER", "acltest_ok", "off", "+set", "+nosuch")
	p.doRules("ACL", "GETUSER", "acltest_ok")
}

func TestACLCommands(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "CAT")
	// @hash, @read, @write and @fast also hold the hash-field TTL
	// commands of Redis 7.4, which the 7.0 oracle lacks.
	for _, cat := range []string{"keyspace", "set", "sortedset", "list", "string", "bitmap",
		"hyperloglog", "geo", "stream", "pubsub", "admin", "slow", "blocking", "dangerous",
		"connection", "transaction", "scripting", "KEYSPACE"} {
		p.doSorted("ACL", "CAT", cat)
	}
	p.do("ACL", "CAT", "nosuch")
	p.do("ACL", "CAT", "all")
	p.do("ACL", "CAT", strings.Repeat("x", 200))
	p.do("ACL", "CAT", "a", "b")
	p.do("ACL", "WHOAMI")
	p.do("ACL", "WHOAMI", "x")
	p.do("ACL", "USERS")
	p.do("ACL", "LIST")
	p.do("ACL", "HELP")
	p.do("ACL", "NOSUCH")
	p.do("ACL")
	p.do("ACL", "SAVE")
	p.do("ACL", "LOAD")
	p.do("ACL", "LIST", "x")
	for _, bits := range []string{"0", "-1", "4097", "abc", "1.5"} {
		p.do("ACL", "GENPASS", bits)
	}
	p.do("ACL", "GENPASS", "1", "2")
	for _, bits := range []string{"", "1", "4", "5", "128", "4096"} {
		args := []string{"ACL", "GENPASS"}
		if bits != "" {
			args = append(args, bits)
		}
		a, b := p.both(args...)
		if a.Type != '$' || len(a.Str) != len(b.Str) {
			t.Errorf("%q: redwing %s redis %s", args, a, b)
		}
	}
	p.do("ACL", "DELUSER", "default")
	p.do("ACL", "DELUSER", "acltest_x", "default")
	p.do("ACL", "SETUSER", "acltest_x")
	p.do("ACL", "SETUSER", "acltest_y")
	p.do("ACL", "DELUSER", "acltest_x", "acltest_x", "nosuch", "acltest_y")
	p.do("ACL", "DELUSER")
	p.do("ACL", "LOG", "-1")
	p.do("ACL", "LOG", "x")
	p.do("ACL", "LOG", "1", "2")
	p.do("ACL", "LOG", "reset")
}

func TestACLAuth(t *testing.T) {
	p := aclPair(t)
	p.do("AUTH", "pw")
	p.do("AUTH", "default", "anything")
	p.do("AUTH", "a", "b", "c")
	p.do("ACL", "SETUSER", "acltest_u", "on", ">pw", "+@all", "~*")
	p.do("ACL", "SETUSER", "acltest_off", "off", ">pw", "+@all", "~*")
	p.do("ACL", "SETUSER", "acltest_np", "on", "nopass", "+acl")
	q := p.another()
	q.do("AUTH", "acltest_u", "bad")
	q.do("AUTH", "nosuch", "pw")
	q.do("AUTH", "acltest_off", "pw")
	q.do("ACL", "WHOAMI")
	q.do("AUTH", "acltest_u", "pw")
	q.do("ACL", "WHOAMI")
	q.do("AUTH", "acltest_np", "whatever")
	q.do("ACL", "WHOAMI")
	q.do("GET", "x")
	q.do("HELLO", "2", "AUTH", "acltest_u", "bad")
	q.do("HELLO", "2", "AUTH", "nosuch", "x")
	q.doType("HELLO", "2", "AUTH", "acltest_u", "pw")
	q.do("ACL", "WHOAMI")
	q.do("RESET")
	q.do("ACL", "WHOAMI")
	// Passwords: several, removal by clear text and by hash.
	p.do("ACL", "SETUSER", "acltest_u", ">pw2", "#"+strings.Repeat("ab", 32))
	q.do("AUTH", "acltest_u", "pw2")
	p.do("ACL", "SETUSER", "acltest_u", "<pw2")
	q.do("AUTH", "acltest_u", "pw2")
	q.do("AUTH", "acltest_u", "pw")
	p.do("ACL", "SETUSER", "acltest_u", "!"+strings.Repeat("ab", 32), "!"+strings.Repeat("ab", 32))
	p.doRules("ACL", "GETUSER", "acltest_u")
	// Disabling a user does not log out its connections.
	p.do("ACL", "SETUSER", "acltest_u", "off")
	q.do("ACL", "WHOAMI")
	q.do("AUTH", "acltest_u", "pw")
	// The failures are in the log.
	aclCompareLog(t, p, "ACL", "LOG")
}

func TestACLRequirePass(t *testing.T) {
	p := aclPair(t)
	p.do("CONFIG", "SET", "requirepass", "aclpw")
	p.doRules("ACL", "LIST")
	q := p.another()
	q.do("GET", "x")
	q.do("ACL", "WHOAMI")
	q.do("AUTH", "bad")
	q.do("AUTH", "aclpw")
	q.do("GET", "x")
	r := p.another()
	r.do("HELLO", "2", "AUTH", "default", "bad")
	r.doType("HELLO", "2", "AUTH", "default", "aclpw")
	// Making the default user nopass lets unauthenticated connections in.
	s := p.another()
	s.do("PING")
	p.do("ACL", "SETUSER", "default", "nopass")
	s.do("PING")
	s.do("AUTH", "x")
	p.do("ACL", "SETUSER", "default", "resetpass", ">aclpw")
	p.do("CONFIG", "SET", "requirepass", "")
	p.doRules("ACL", "LIST")
	u := p.another()
	u.do("GET", "x")
	// A disabled default user: new connections must authenticate.
	p.do("ACL", "SETUSER", "default", "off")
	v := p.another()
	v.do("GET", "x")
	v.do("AUTH", "default", "x")
	p.do("ACL", "SETUSER", "default", "on")
	v.do("GET", "x")
}

func TestACLNoPerm(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_u", "on", "nopass", "+@all", "-@dangerous", "-flushall",
		"~k*", "%R~r*", "%W~w*", "&ch*")
	q := p.another()
	q.auth("acltest_u", "x")
	q.run(
		c("SET", "k1", "v"), c("GET", "k1"), c("GET", "x"), c("GET", "w1"), c("GET", "r1"),
		c("SET", "w1", "v"), c("SET", "r1", "v"), c("SET", "w1", "v", "GET"), c("SET", "k2", "v", "GET"),
		c("COPY", "r1", "w1"), c("COPY", "w1", "r1"), c("MSET", "k1", "a", "x", "b"),
		c("MGET", "k1", "r1", "w1"), c("LMOVE", "r1", "w1", "LEFT", "LEFT"), c("LMOVE", "w1", "r1", "LEFT", "LEFT"),
		c("APPEND", "w1", "x"), c("DEL", "w1"), c("DEL", "r1"), c("EXISTS", "w1"), c("EXISTS", "r1"),
		c("BITFIELD", "r1", "GET", "u8", "0"), c("BITFIELD", "r1", "SET", "u8", "0", "1"),
		c("BITFIELD", "w1", "INCRBY", "u8", "0", "1"), c("SORT", "r1", "STORE", "w1"), c("SORT", "w1"),
		c("FLUSHALL"), c("KEYS", "*"), c("DEBUG", "SLEEP", "0"), c("CONFIG", "SET", "x", "y"),
		c("PUBLISH", "ch1", "m"), c("PUBLISH", "other", "m"), c("SPUBLISH", "other", "m"),
		c("OBJECT", "ENCODING", "w1"), c("OBJECT", "ENCODING", "zz"),
		c("ACL", "WHOAMI"), c("ACL", "DELUSER", "x"), c("AUTH", "acltest_u", "x"),
	)
	// Inside MULTI a denial flags the transaction.
	q.run(c("MULTI"), c("GET", "x"), c("SET", "k1", "v"), c("EXEC"))
	q.run(c("MULTI"), c("FLUSHALL"), c("EXEC"))
	// Pub/sub channels, literal for PSUBSCRIBE.
	q.do("SUBSCRIBE", "ch1", "other")
	q.do("PSUBSCRIBE", "ch*", "other*")
	q.do("PSUBSCRIBE", "ch1*")
	q.do("SSUBSCRIBE", "other")
	q.do("SUBSCRIBE", "ch1", "ch2")
	q.do("PSUBSCRIBE", "ch*")
	aclCompareLog(t, p, "ACL", "LOG", "50")
}

func TestACLFirstArgsAndSubcommands(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_u", "on", "nopass", "-@all", "+select|0", "+config|get",
		"+client", "-client|kill", "~*", "+@connection")
	q := p.another()
	q.auth("acltest_u", "x")
	q.run(c("SELECT", "0"), c("SELECT", "1"), c("CONFIG", "GET", "maxmemory"), c("CONFIG", "SET", "maxmemory", "0"),
		c("CLIENT", "GETNAME"), c("CLIENT", "KILL", "ID", "999999"), c("OBJECT", "ENCODING", "k"), c("GET", "k"))
	p.do("ACL", "DRYRUN", "acltest_u", "select", "0")
	p.do("ACL", "DRYRUN", "acltest_u", "select", "2")
	p.do("ACL", "DRYRUN", "acltest_u", "config", "set", "a", "b")
	p.do("ACL", "DRYRUN", "acltest_u", "client", "kill", "a")
	aclCompareLog(t, p, "ACL", "LOG")
}

func TestACLSelectors(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_s", "on", "nopass", "-@all", "+get", "~a*", "(+set ~b*)", "(%R~c* +@read)")
	p.doRules("ACL", "GETUSER", "acltest_s")
	q := p.another()
	q.auth("acltest_s", "x")
	q.run(c("GET", "a1"), c("GET", "b1"), c("SET", "b1", "v"), c("SET", "a1", "v"), c("GET", "c1"),
		c("MGET", "a1", "c1"), c("MGET", "a1", "b1"), c("SET", "c1", "v"), c("DEL", "a1"), c("STRLEN", "c1"))
	for _, args := range [][]string{
		{"set", "c1", "x"}, {"mget", "a1", "b1", "c1"}, {"get", "a1"}, {"get", "zz"}, {"del", "a"},
		{"publish", "x", "y"}, {"subscribe", "a"}, {"nosuch"}, {"config", "nosuch"}, {"config"},
		{"get"}, {"GET", "a1"},
	} {
		p.do(append([]string{"ACL", "DRYRUN", "acltest_s"}, args...)...)
	}
	p.do("ACL", "DRYRUN", "nosuch", "get", "x")
	p.do("ACL", "DRYRUN", "acltest_s")
	p.do("ACL", "SETUSER", "acltest_s", "clearselectors")
	p.doRules("ACL", "GETUSER", "acltest_s")
	q.do("SET", "b1", "v")
	aclCompareLog(t, p, "ACL", "LOG")
}

func TestACLExecRecheck(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_m", "on", "nopass", "+@all", "~*", "&*")
	q := p.another()
	q.auth("acltest_m", "x")
	q.run(c("MULTI"), c("SET", "k", "v"), c("GET", "k"), c("PUBLISH", "ch", "m"))
	p.do("ACL", "SETUSER", "acltest_m", "-set", "resetkeys", "~j", "resetchannels")
	q.do("EXEC")
	aclCompareLog(t, p, "ACL", "LOG")
}

func TestACLScripts(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_l", "on", "nopass", "+@all", "-flushall", "~k*", "%R~r*", "&ch")
	q := p.another()
	q.auth("acltest_l", "x")
	q.do("EVAL", "return redis.call('get','k1')", "0")
	q.do("EVAL", "return redis.call('get','w1')", "0")
	q.do("EVAL", "return redis.call('set','r1','v')", "0")
	q.do("EVAL", "return redis.call('flushall')", "0")
	q.do("EVAL", "return redis.call('publish','x','y')", "0")
	q.do("EVAL", "return redis.call('publish','ch','y')", "0")
	q.do("EVAL", "return redis.pcall('get','w1')", "0")
	q.do("EVAL", "return redis.pcall('flushall')", "0")
	q.do("EVAL", "return redis.call('get',KEYS[1])", "1", "w1")
	aclCompareLog(t, p, "ACL", "LOG")
}

// aclCompareLog compares ACL LOG replies on their stable fields (not
// age-seconds and client-info).
func aclCompareLog(t *testing.T, p *pair, args ...string) {
	t.Helper()
	a, b := p.both(args...)
	strip := func(v testkit.Value) string {
		if v.Type != '*' {
			return string(v.Raw)
		}
		var out []string
		for _, e := range v.Elems {
			var f []string
			for i := 0; i+1 < len(e.Elems); i += 2 {
				k := e.Elems[i].Str
				if k == "age-seconds" || k == "client-info" {
					f = append(f, k)
					continue
				}
				f = append(f, k+"="+string(e.Elems[i+1].Raw))
			}
			out = append(out, strings.Join(f, " "))
		}
		return strings.Join(out, "\n")
	}
	if sa, sb := strip(a), strip(b); sa != sb {
		t.Errorf("%s\n redwing:\n%s\n   redis:\n%s", show(args), sa, sb)
	}
}

func TestACLLog(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "LOG", "RESET")
	p.do("ACL", "LOG")
	p.do("ACL", "SETUSER", "acltest_g", "on", ">pw", "-@all", "+get", "~a")
	q := p.another()
	for i := 0; i < 3; i++ {
		q.do("AUTH", "acltest_g", "bad")
	}
	q.do("AUTH", "acltest_g", "pw")
	q.do("GET", "b")
	q.do("SET", "a", "1")
	q.do("GET", "b")
	q.do("MULTI")
	q.do("SET", "a", "1")
	q.do("DISCARD")
	q.do("auth", "nosuch", "x")
	aclCompareLog(t, p, "ACL", "LOG")
	aclCompareLog(t, p, "ACL", "LOG", "2")
	aclCompareLog(t, p, "ACL", "LOG", "0")
	p.resp3()
	a, b := p.both("ACL", "LOG", "1")
	if a.Type != '*' || len(a.Elems) != 1 || a.Elems[0].Type != '%' || b.Elems[0].Type != '%' {
		t.Errorf("RESP3 ACL LOG: %s / %s", a, b)
	}
	if a.Elems[0].Elems[11].Type != ',' || b.Elems[0].Elems[11].Type != ',' {
		t.Errorf("age-seconds is not a double: %s / %s", a, b)
	}
	p.do("ACL", "LOG", "RESET")
	p.do("ACL", "LOG")
	// acllog-max-len trims the log.
	p.do("CONFIG", "SET", "acllog-max-len", "2")
	for _, u := range []string{"a", "b", "c"} {
		q.do("AUTH", "acltest_"+u, "x")
	}
	aclCompareLog(t, p, "ACL", "LOG")
	p.do("CONFIG", "SET", "acllog-max-len", "128")
}

// aclClosed reports whether both servers closed the connections of q.
func aclClosed(t *testing.T, q *pair) {
	t.Helper()
	for _, cl := range []*testkit.Client{q.rw, q.rd} {
		if err := cl.Send(testkit.Encode("PING")); err != nil {
			continue
		}
		if v, err := cl.ReadTimeout(2 * time.Second); err == nil {
			t.Errorf("connection still open: %s", v)
		}
	}
}

func TestACLDelUserKillsClients(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_k", "on", "nopass", "+@all", "~*")
	q := p.another()
	q.auth("acltest_k", "x")
	q.do("PING")
	r := p.another()
	r.do("PING")
	p.do("ACL", "DELUSER", "acltest_k")
	aclClosed(t, q)
	r.do("PING")
	// A client deleting its own user gets the reply, then is closed.
	p.do("ACL", "SETUSER", "acltest_k", "on", "nopass", "+@all", "~*")
	s := p.another()
	s.auth("acltest_k", "x")
	s.do("ACL", "DELUSER", "acltest_k")
	aclClosed(t, s)
}

func TestACLPubsubKill(t *testing.T) {
	p := aclPair(t)
	p.do("ACL", "SETUSER", "acltest_p", "on", "nopass", "+@all", "~*", "&news.*", "&sports")
	q := p.another()
	q.auth("acltest_p", "x")
	q.do("SUBSCRIBE", "news.1")
	r := p.another()
	r.auth("acltest_p", "x")
	r.do("PSUBSCRIBE", "news.*")
	s := p.another()
	s.auth("acltest_p", "x")
	s.do("SUBSCRIBE", "sports")
	// Still allowed: nobody is killed.
	p.do("ACL", "SETUSER", "acltest_p", "&extra")
	q.do("PING")
	// news.* stays, sports goes.
	p.do("ACL", "SETUSER", "acltest_p", "resetchannels", "&news.*")
	q.do("PING")
	r.do("PING")
	aclClosed(t, s)
	// A narrower channel pattern kills the pattern subscriber.
	p.do("ACL", "SETUSER", "acltest_p", "resetchannels", "&news.1")
	q.do("PING")
	aclClosed(t, r)
}

// aclServers starts a private oracle and Redwing with extra configuration
// (the ACL file tests need servers of their own).
func aclServers(t *testing.T, oracleArgs []string, directives map[string]string) *pair {
	t.Helper()
	o, err := testkit.StartOracle(oracleArgs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Stop)
	d := map[string]string{"save": ""}
	for k, v := range directives {
		d[k] = v
	}
	srv, err := redwing.Start(redwing.Config{Dir: t.TempDir(), Directives: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rw, err := testkit.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	rd, err := testkit.Dial(o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rw.Close(); rd.Close() })
	return &pair{t: t, rw: rw, rd: rd}
}

func TestACLFile(t *testing.T) {
	dir := t.TempDir()
	const initial = "user default on nopass ~* &* +@all\nuser alice on #5e884898da28047151d0e56f8dc6292773603d0d7aaeb6b4c3d2ac0e7f82c5f3 ~a* -@all +get (+set ~b*)\n\nuser bob off resetchannels &x -@all\n"
	rwFile, rdFile := dir+"/rw.acl", dir+"/rd.acl"
	for _, f := range []string{rwFile, rdFile} {
		if err := os.WriteFile(f, []byte(initial), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := aclServers(t, []string{"--aclfile", rdFile}, map[string]string{"aclfile": rwFile})
	p.doRules("ACL", "LIST")
	p.do("AUTH", "alice", "password")
	p.do("ACL", "WHOAMI")
	p.do("GET", "a1")
	p.do("AUTH", "default", "x")
	p.do("ACL", "SETUSER", "carol", "on", ">pw", "+@all", "-@dangerous", "~c*")
	p.do("ACL", "DELUSER", "bob")
	p.do("ACL", "SAVE")
	a, _ := os.ReadFile(rwFile)
	b, _ := os.ReadFile(rdFile)
	if normRules(string(a)) != normRules(string(b)) {
		t.Errorf("ACL SAVE files differ:\n redwing: %q\n   redis: %q", a, b)
	}
	// ACL LOAD replaces the users and closes connections of the old ones.
	q := &pair{t: t}
	q.rw, _ = testkit.Dial(p.rw.Conn.RemoteAddr().String())
	q.rd, _ = testkit.Dial(p.rd.Conn.RemoteAddr().String())
	t.Cleanup(func() { q.rw.Close(); q.rd.Close() })
	q.do("AUTH", "carol", "pw")
	p.do("ACL", "LOAD")
	aclClosed(t, q)
	p.doRules("ACL", "LIST")
	// Errors: nothing changes, every problem is reported.
	bad := "user default on nopass ~* &* +@all\nuser x on +nosuch\nfoo bar\nuser x\nuser y (+get\nuser z on %~a\n"
	for _, f := range []string{rwFile, rdFile} {
		os.WriteFile(f, []byte(bad), 0o644)
	}
	ra, rb := p.both("ACL", "LOAD")
	if strings.ReplaceAll(ra.Str, rwFile, "F") != strings.ReplaceAll(rb.Str, rdFile, "F") {
		t.Errorf("ACL LOAD errors differ:\n redwing: %s\n   redis: %s", ra, rb)
	}
	p.doRules("ACL", "LIST")
	os.Remove(rwFile)
	os.Remove(rdFile)
	ra, rb = p.both("ACL", "LOAD")
	if strings.ReplaceAll(ra.Str, rwFile, "F") != strings.ReplaceAll(rb.Str, rdFile, "F") {
		t.Errorf("ACL LOAD of a missing file:\n redwing: %s\n   redis: %s", ra, rb)
	}
}

func TestACLConfigUsers(t *testing.T) {
	userArgs := []string{"--user", "cfg", "on", ">pw", "~k*", "+@all", "-@dangerous",
		"--user", "default", "on", "nopass", "+@all", "~*", "-flushall", "(", "+get", "~x*", ")"}
	o, err := testkit.StartOracle(userArgs...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(o.Stop)
	cfg := config.New()
	if err := cfg.ApplyArgs(append([]string{"--save", "", "--dir", t.TempDir()}, userArgs...)); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(cfg, server.Options{ListenAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })
	rw, err := testkit.Dial(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	rd, err := testkit.Dial(o.Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rw.Close(); rd.Close() })
	p := &pair{t: t, rw: rw, rd: rd}
	p.doRules("ACL", "LIST")
	p.do("FLUSHALL")
	p.do("AUTH", "cfg", "pw")
	p.do("GET", "k1")
	p.do("GET", "x")
	p.do("FLUSHALL")

	// A bad user line stops the server from starting.
	bad := config.New()
	if err := bad.ApplyArgs([]string{"--user", "x", "on", "+@nosuch", "%~a"}); err == nil {
		if _, err := server.New(bad, server.Options{ListenAddr: "127.0.0.1:0"}); err == nil {
			t.Error("server started with a bad user directive")
		}
	}
}

func TestACLSlowlogRedaction(t *testing.T) {
	p := aclPair(t)
	p.mustAgree("CONFIG", "SET", "slowlog-log-slower-than", "0")
	t.Cleanup(func() {
		q := connectPair(t)
		q.mustAgree("CONFIG", "SET", "slowlog-log-slower-than", "10000")
		q.mustAgree("SLOWLOG", "RESET")
	})
	p.mustAgree("SLOWLOG", "RESET")
	p.do("ACL", "SETUSER", "acltest_r", "on", ">secret")
	a, b := p.both("SLOWLOG", "GET", "1")
	// Compare the logged arguments only.
	if len(a.Elems) != 1 || len(b.Elems) != 1 || string(a.Elems[0].Elems[3].Raw) != string(b.Elems[0].Elems[3].Raw) {
		t.Errorf("SLOWLOG GET\n redwing: %s\n   redis: %s", a, b)
	}
}

func TestACLMultiAndPubsubDefault(t *testing.T) {
	p := aclPair(t)
	t.Cleanup(func() {
		q := connectPair(t)
		q.mustAgree("CONFIG", "SET", "acl-pubsub-default", "resetchannels")
	})
	p.do("ACL", "SETUSER", "acltest_a", "on", ">pw", "+@all", "~*")
	q := p.another()
	q.run(c("MULTI"), c("AUTH", "acltest_a", "bad"), c("AUTH", "acltest_a", "pw"), c("ACL", "WHOAMI"), c("EXEC"))
	q.run(c("MULTI"), c("ACL", "DELUSER", "nosuch"), c("EXEC"))
	aclCompareLog(t, p, "ACL", "LOG")
	p.do("CONFIG", "SET", "acl-pubsub-default", "allchannels")
	p.do("ACL", "SETUSER", "acltest_b", "(+get)")
	p.do("ACL", "SETUSER", "acltest_c", "reset")
	p.doRules("ACL", "GETUSER", "acltest_b")
	p.doRules("ACL", "GETUSER", "acltest_c")
	p.do("CONFIG", "SET", "acl-pubsub-default", "resetchannels")
	p.do("ACL", "SETUSER", "acltest_d", "(+get)")
	p.doRules("ACL", "LIST")
}
