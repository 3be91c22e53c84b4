package config

import "math"

// Kind is the type of a configuration parameter.
type Kind uint8

// Parameter kinds.
const (
	KindBool    Kind = iota // yes/no
	KindInt                 // integer; with Memory, Percent or Octal flags
	KindEnum                // one of a fixed set of names
	KindString              // free string, optionally validated
	KindSpecial             // its own parser and formatter (save, bind, ...)
)

// Flag qualifies a parameter.
type Flag uint32

// Parameter flags. They mirror Redis's config flags where one exists.
const (
	Immutable   Flag = 1 << iota // CONFIG SET refuses it
	Protected                    // CONFIG SET needs enable-protected-configs
	Hidden                       // left out of CONFIG GET glob matches
	Sensitive                    // value is redacted from logs / slowlog
	DenyLoading                  // CONFIG SET refused while loading
	MultiArg                     // takes several arguments in a config file
	Memory                       // numeric value with memory units
	Percent                      // numeric value may be "N%" (stored as -N)
	Octal                        // numeric value written in octal
	Unsigned                     // numeric bounds compare as unsigned
	EmptyIsNull                  // string whose empty value means "unset"
	Noop                         // accepted for compatibility; Redwing ignores it
	BitFlags                     // enum whose arguments are OR-ed flags
)

// EnumItem is one accepted enum name. Several names may share a value; the
// first one is the canonical (CONFIG GET) spelling.
type EnumItem struct {
	Name  string
	Value int
}

// Spec describes one parameter: the single declarative source for CONFIG
// GET/SET/REWRITE and config file parsing.
type Spec struct {
	Name    string
	Alias   string
	Kind    Kind
	Flags   Flag
	Default string // in config-file syntax; parsed by New
	Min     int64  // numeric lower bound (as uint64 bits if Unsigned)
	Max     int64  // numeric upper bound (as uint64 bits if Unsigned)
	Enum    []EnumItem
	// Check validates a string value; it returns Redis's error text or "".
	Check func(c *Config, v string) string
	// special implements KindSpecial.
	special *specialOps
}

const (
	intMax   = math.MaxInt32
	intMin   = math.MinInt32
	uintMax  = math.MaxUint32
	longMax  = math.MaxInt64
	ullMax   = -1 // math.MaxUint64 as int64 bits, with Unsigned
	noAlias  = ""
	mod      = Flag(0)
	nullable = EmptyIsNull
)

func boolSpec(name, alias string, flags Flag, def bool) Spec {
	d := "no"
	if def {
		d = "yes"
	}
	return Spec{Name: name, Alias: alias, Kind: KindBool, Flags: flags, Default: d}
}

func intSpec(name, alias string, flags Flag, min, max int64, def string) Spec {
	return Spec{Name: name, Alias: alias, Kind: KindInt, Flags: flags, Min: min, Max: max, Default: def}
}

func enumSpec(name, alias string, flags Flag, items []EnumItem, def string) Spec {
	return Spec{Name: name, Alias: alias, Kind: KindEnum, Flags: flags, Enum: items, Default: def}
}

func strSpec(name, alias string, flags Flag, def string, check func(*Config, string) string) Spec {
	return Spec{Name: name, Alias: alias, Kind: KindString, Flags: flags, Default: def, Check: check}
}

func specialSpec(name, alias string, flags Flag, def string, ops *specialOps) Spec {
	return Spec{Name: name, Alias: alias, Kind: KindSpecial, Flags: flags, Default: def, special: ops}
}

func names(ns ...string) []EnumItem {
	out := make([]EnumItem, len(ns))
	for i, n := range ns {
		out[i] = EnumItem{n, i}
	}
	return out
}

var (
	enumMaxmemoryPolicy = names("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
		"allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")
	enumSyslogFacility = names("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7")
	enumLoglevel       = names("debug", "verbose", "notice", "warning")
	enumSupervised     = names("upstart", "systemd", "auto", "no")
	enumAppendfsync    = names("everysec", "always", "no")
	enumDisklessLoad   = names("disabled", "on-empty-db", "swapdb")
	enumTLSAuthClients = names("no", "yes", "optional")
	enumOOMScoreAdj    = []EnumItem{{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}
	enumACLPubsub      = names("allchannels", "resetchannels")
	enumSanitizeDump   = names("no", "yes", "clients")
	enumProtected      = names("no", "yes", "local")
	enumEndpointType   = names("ip", "hostname", "unknown-endpoint")
	enumPropagationErr = names("ignore", "panic", "panic-on-replicas")
	enumShutdownOnSig  = []EnumItem{{"default", 0}, {"save", ShutdownSave}, {"nosave", ShutdownNoSave},
		{"now", ShutdownNow}, {"force", ShutdownForce}}
)

// Shutdown flags of shutdown-on-sigint / shutdown-on-sigterm (Int value).
const (
	ShutdownSave   = 1
	ShutdownNoSave = 2
	ShutdownNow    = 4
	ShutdownForce  = 8
)

// specs is the parameter table: Redis 7.0's parameters with their defaults,
// bounds and flags, plus the 7.2 set-max-listpack-* pair.
var specs = []Spec{
	// Bools.
	boolSpec("rdbchecksum", noAlias, Immutable, true),
	boolSpec("daemonize", noAlias, Immutable, false),
	boolSpec("io-threads-do-reads", noAlias, Immutable|Noop, false),
	boolSpec("always-show-logo", noAlias, Immutable|Noop, false),
	boolSpec("protected-mode", noAlias, mod, true),
	boolSpec("rdbcompression", noAlias, mod, true),
	boolSpec("rdb-del-sync-files", noAlias, mod, false),
	boolSpec("activerehashing", noAlias, mod, true),
	boolSpec("stop-writes-on-bgsave-error", noAlias, mod, true),
	boolSpec("set-proc-title", noAlias, Immutable|Noop, true),
	boolSpec("dynamic-hz", noAlias, mod, true),
	boolSpec("lazyfree-lazy-eviction", noAlias, mod, false),
	boolSpec("lazyfree-lazy-expire", noAlias, mod, false),
	boolSpec("lazyfree-lazy-server-del", noAlias, mod, false),
	boolSpec("lazyfree-lazy-user-del", noAlias, mod, false),
	boolSpec("lazyfree-lazy-user-flush", noAlias, mod, false),
	boolSpec("repl-disable-tcp-nodelay", noAlias, mod, false),
	boolSpec("repl-diskless-sync", noAlias, mod, true),
	boolSpec("aof-rewrite-incremental-fsync", noAlias, mod, true),
	boolSpec("no-appendfsync-on-rewrite", noAlias, mod, false),
	boolSpec("cluster-require-full-coverage", noAlias, mod, true),
	boolSpec("rdb-save-incremental-fsync", noAlias, mod, true),
	boolSpec("aof-load-truncated", noAlias, mod, true),
	boolSpec("aof-use-rdb-preamble", noAlias, mod, true),
	boolSpec("aof-timestamp-enabled", noAlias, mod, false),
	boolSpec("cluster-replica-no-failover", "cluster-slave-no-failover", mod, false),
	boolSpec("replica-lazy-flush", "slave-lazy-flush", mod, false),
	boolSpec("replica-serve-stale-data", "slave-serve-stale-data", mod, true),
	boolSpec("replica-read-only", "slave-read-only", mod, true),
	boolSpec("replica-ignore-maxmemory", "slave-ignore-maxmemory", mod, true),
	boolSpec("jemalloc-bg-thread", noAlias, Noop, true),
	// As a Redis built without its own jemalloc (Debian's): there is no
	// active defragmentation to enable (Redwing's arenas compact by
	// themselves).
	{Name: "activedefrag", Kind: KindBool, Flags: Noop, Default: "no", Check: func(_ *Config, v string) string {
		if v == "yes" {
			return "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"
		}
		return ""
	}},
	boolSpec("syslog-enabled", noAlias, Immutable, false), // server/syslog_unix.go
	boolSpec("cluster-enabled", noAlias, Immutable, false),
	boolSpec("appendonly", noAlias, DenyLoading, false),
	boolSpec("cluster-allow-reads-when-down", noAlias, mod, false),
	boolSpec("cluster-allow-pubsubshard-when-down", noAlias, mod, true),
	boolSpec("crash-log-enabled", noAlias, Noop, true),
	boolSpec("crash-memcheck-enabled", noAlias, Noop, true),
	boolSpec("use-exit-on-panic", noAlias, Hidden|Noop, false),
	boolSpec("disable-thp", noAlias, Immutable, true), // server/thp_linux.go
	boolSpec("cluster-allow-replica-migration", noAlias, mod, true),
	boolSpec("replica-announced", noAlias, mod, true),
	boolSpec("latency-tracking", noAlias, mod, true),
	boolSpec("aof-disable-auto-gc", noAlias, mod, false),
	boolSpec("replica-ignore-disk-write-errors", noAlias, mod, false),
	boolSpec("tls-cluster", noAlias, Noop, false),
	boolSpec("tls-replication", noAlias, Noop, false),
	boolSpec("tls-prefer-server-ciphers", noAlias, Noop, false),
	boolSpec("tls-session-caching", noAlias, mod, true),

	// Strings.
	strSpec("aclfile", noAlias, Immutable, "", nil),
	strSpec("unixsocket", noAlias, Immutable|nullable, "", nil),
	strSpec("pidfile", noAlias, Immutable|nullable, "", nil),
	strSpec("replica-announce-ip", "slave-announce-ip", nullable, "", nil),
	strSpec("masteruser", noAlias, Sensitive|nullable, "", nil),
	strSpec("cluster-announce-ip", noAlias, nullable, "", nil),
	strSpec("cluster-config-file", noAlias, Immutable, "nodes.conf", nil),
	strSpec("cluster-announce-hostname", noAlias, nullable, "", checkHostname),
	strSpec("syslog-ident", noAlias, Immutable, "redis", nil),
	strSpec("dbfilename", noAlias, Protected, "dump.rdb", checkDBFilename),
	strSpec("appendfilename", noAlias, Immutable, "appendonly.aof", checkAOFFilename),
	strSpec("appenddirname", noAlias, Immutable, "appendonlydir", checkAOFDirname),
	strSpec("server_cpulist", noAlias, Immutable|nullable, "", nil), // server/affinity_linux.go
	strSpec("bio_cpulist", noAlias, Immutable|nullable|Noop, "", nil),
	strSpec("aof_rewrite_cpulist", noAlias, Immutable|nullable|Noop, "", nil),
	strSpec("bgsave_cpulist", noAlias, Immutable|nullable|Noop, "", nil),
	strSpec("ignore-warnings", noAlias, mod, "", nil),
	strSpec("proc-title-template", noAlias, Noop, "{title} {listen-addr} {server-mode}", checkProcTitle),
	strSpec("bind-source-addr", noAlias, nullable, "", nil),
	strSpec("logfile", noAlias, Immutable, "", nil),
	strSpec("masterauth", noAlias, Sensitive|nullable, "", nil),
	strSpec("requirepass", noAlias, Sensitive|nullable, "", nil),
	strSpec("tls-cert-file", noAlias, nullable, "", nil),
	strSpec("tls-key-file", noAlias, nullable, "", nil),
	strSpec("tls-key-file-pass", noAlias, Sensitive|nullable, "", nil),
	strSpec("tls-client-cert-file", noAlias, nullable|Noop, "", nil),
	strSpec("tls-client-key-file", noAlias, nullable|Noop, "", nil),
	strSpec("tls-client-key-file-pass", noAlias, Sensitive|nullable|Noop, "", nil),
	strSpec("tls-dh-params-file", noAlias, nullable|Noop, "", nil),
	strSpec("tls-ca-cert-file", noAlias, nullable, "", nil),
	strSpec("tls-ca-cert-dir", noAlias, nullable, "", nil),
	strSpec("tls-protocols", noAlias, nullable, "", nil),
	strSpec("tls-ciphers", noAlias, nullable, "", nil),
	strSpec("tls-ciphersuites", noAlias, nullable, "", nil),

	// Enums.
	enumSpec("supervised", noAlias, Immutable, enumSupervised, "no"),
	enumSpec("syslog-facility", noAlias, Immutable, enumSyslogFacility, "local0"),
	enumSpec("repl-diskless-load", noAlias, DenyLoading, enumDisklessLoad, "disabled"),
	enumSpec("loglevel", noAlias, mod, enumLoglevel, "notice"),
	enumSpec("maxmemory-policy", noAlias, mod, enumMaxmemoryPolicy, "noeviction"),
	enumSpec("appendfsync", noAlias, mod, enumAppendfsync, "everysec"),
	enumSpec("oom-score-adj", noAlias, mod, enumOOMScoreAdj, "no"), // server/oom_linux.go
	enumSpec("acl-pubsub-default", noAlias, mod, enumACLPubsub, "resetchannels"),
	enumSpec("sanitize-dump-payload", noAlias, mod, enumSanitizeDump, "no"),
	enumSpec("enable-protected-configs", noAlias, Immutable, enumProtected, "no"),
	enumSpec("enable-debug-command", noAlias, Immutable, enumProtected, "no"),
	enumSpec("enable-module-command", noAlias, Immutable, enumProtected, "no"),
	enumSpec("cluster-preferred-endpoint-type", noAlias, mod, enumEndpointType, "ip"),
	enumSpec("propagation-error-behavior", noAlias, mod, enumPropagationErr, "ignore"),
	enumSpec("tls-auth-clients", noAlias, mod, enumTLSAuthClients, "yes"),
	enumSpec("shutdown-on-sigint", noAlias, MultiArg|BitFlags, enumShutdownOnSig, "default"),
	enumSpec("shutdown-on-sigterm", noAlias, MultiArg|BitFlags, enumShutdownOnSig, "default"),

	// Integers (int).
	intSpec("databases", noAlias, Immutable, 1, intMax, "16"),
	intSpec("port", noAlias, mod, 0, 65535, "6379"),
	intSpec("io-threads", noAlias, Immutable|Noop, 1, 128, "1"),
	intSpec("auto-aof-rewrite-percentage", noAlias, mod, 0, intMax, "100"),
	intSpec("cluster-replica-validity-factor", "cluster-slave-validity-factor", mod, 0, intMax, "10"),
	intSpec("list-max-listpack-size", "list-max-ziplist-size", mod, intMin, intMax, "-2"),
	intSpec("tcp-keepalive", noAlias, mod, 0, intMax, "300"),
	intSpec("cluster-migration-barrier", noAlias, mod, 0, intMax, "1"),
	intSpec("active-defrag-cycle-min", noAlias, Noop, 1, 99, "1"),
	intSpec("active-defrag-cycle-max", noAlias, Noop, 1, 99, "25"),
	intSpec("active-defrag-threshold-lower", noAlias, Noop, 0, 1000, "10"),
	intSpec("active-defrag-threshold-upper", noAlias, Noop, 0, 1000, "100"),
	intSpec("lfu-log-factor", noAlias, mod, 0, intMax, "10"),
	intSpec("lfu-decay-time", noAlias, mod, 0, intMax, "1"),
	intSpec("replica-priority", "slave-priority", mod, 0, intMax, "100"),
	intSpec("repl-diskless-sync-delay", noAlias, mod, 0, intMax, "5"),
	intSpec("maxmemory-samples", noAlias, mod, 1, intMax, "5"),
	intSpec("maxmemory-eviction-tenacity", noAlias, mod, 0, 100, "10"),
	intSpec("timeout", noAlias, mod, 0, intMax, "0"),
	intSpec("replica-announce-port", "slave-announce-port", mod, 0, 65535, "0"),
	intSpec("tcp-backlog", noAlias, Immutable, 0, intMax, "511"),
	intSpec("cluster-port", noAlias, Immutable, 0, 65535, "0"),
	intSpec("cluster-announce-bus-port", noAlias, mod, 0, 65535, "0"),
	intSpec("cluster-announce-port", noAlias, mod, 0, 65535, "0"),
	intSpec("cluster-announce-tls-port", noAlias, mod, 0, 65535, "0"),
	intSpec("repl-timeout", noAlias, mod, 1, intMax, "60"),
	intSpec("repl-ping-replica-period", "repl-ping-slave-period", mod, 1, intMax, "10"),
	intSpec("list-compress-depth", noAlias, mod, 0, intMax, "0"),
	intSpec("rdb-key-save-delay", noAlias, Hidden, intMin, intMax, "0"),
	intSpec("key-load-delay", noAlias, Hidden, intMin, intMax, "0"),
	// Redwing's own (hidden from CONFIG GET globs, so a dump of the
	// configuration reads like Redis's): event loops serving plain
	// connections, how many (0: one per two CPUs), and whether each has a
	// standby goroutine (when the CPUs outnumber the loops).
	boolSpec("event-loop", noAlias, Immutable|Hidden, true),
	intSpec("event-loops", noAlias, Immutable|Hidden, 0, 1024, "0"),
	boolSpec("event-loop-standby", noAlias, Immutable|Hidden, true),
	intSpec("active-expire-effort", noAlias, mod, 1, 10, "1"),
	intSpec("hz", noAlias, mod, 0, intMax, "10"),
	intSpec("min-replicas-to-write", "min-slaves-to-write", mod, 0, intMax, "0"),
	intSpec("min-replicas-max-lag", "min-slaves-max-lag", mod, 0, intMax, "10"),
	intSpec("watchdog-period", noAlias, Hidden|Noop, 0, intMax, "0"),
	intSpec("shutdown-timeout", noAlias, mod, 0, intMax, "10"),
	intSpec("repl-diskless-sync-max-replicas", noAlias, mod, 0, intMax, "0"),
	intSpec("tls-port", noAlias, mod, 0, 65535, "0"),
	intSpec("tls-session-cache-size", noAlias, Noop, 0, intMax, "20480"),
	intSpec("tls-session-cache-timeout", noAlias, Noop, 0, intMax, "300"),

	// Unsigned int.
	intSpec("maxclients", noAlias, Unsigned, 1, uintMax, "10000"),
	intSpec("unixsocketperm", noAlias, Immutable|Unsigned|Octal, 0, 0o777, "0"),
	intSpec("socket-mark-id", noAlias, Immutable|Unsigned|Noop, 0, uintMax, "0"),

	// Unsigned long (bounds compare as signed in Redis).
	intSpec("active-defrag-max-scan-fields", noAlias, Noop, 1, longMax, "1000"),
	intSpec("slowlog-max-len", noAlias, mod, 0, longMax, "128"),
	intSpec("acllog-max-len", noAlias, mod, 0, longMax, "128"),

	// Long long.
	intSpec("busy-reply-threshold", "lua-time-limit", mod, 0, longMax, "5000"),
	intSpec("cluster-node-timeout", noAlias, mod, 0, longMax, "15000"),
	intSpec("slowlog-log-slower-than", noAlias, mod, -1, longMax, "10000"),
	intSpec("latency-monitor-threshold", noAlias, mod, 0, longMax, "0"),
	intSpec("proto-max-bulk-len", noAlias, Memory, 1024*1024, longMax, "512mb"),
	intSpec("stream-node-max-entries", noAlias, mod, 0, longMax, "100"),
	intSpec("repl-backlog-size", noAlias, Memory, 1, longMax, "1mb"),

	// Unsigned long long.
	intSpec("maxmemory", noAlias, Memory|Unsigned, 0, ullMax, "0"),
	intSpec("cluster-link-sendbuf-limit", noAlias, Memory|Unsigned, 0, ullMax, "0"),

	// size_t (unsigned) and ssize_t.
	intSpec("hash-max-listpack-entries", "hash-max-ziplist-entries", Unsigned, 0, longMax, "512"),
	intSpec("set-max-intset-entries", noAlias, Unsigned, 0, longMax, "512"),
	intSpec("set-max-listpack-entries", noAlias, Unsigned, 0, longMax, "128"),
	intSpec("zset-max-listpack-entries", "zset-max-ziplist-entries", Unsigned, 0, longMax, "128"),
	intSpec("active-defrag-ignore-bytes", noAlias, Memory|Unsigned|Noop, 1, longMax, "100mb"),
	intSpec("hash-max-listpack-value", "hash-max-ziplist-value", Memory|Unsigned, 0, longMax, "64"),
	intSpec("stream-node-max-bytes", noAlias, Memory|Unsigned, 0, longMax, "4096"),
	intSpec("set-max-listpack-value", noAlias, Memory|Unsigned, 0, longMax, "64"),
	intSpec("zset-max-listpack-value", "zset-max-ziplist-value", Memory|Unsigned, 0, longMax, "64"),
	intSpec("hll-sparse-max-bytes", noAlias, Memory|Unsigned, 0, longMax, "3000"),
	intSpec("tracking-table-max-keys", noAlias, Unsigned, 0, longMax, "1000000"),
	intSpec("client-query-buffer-limit", noAlias, Memory|Unsigned, 1024*1024, longMax, "1gb"),
	intSpec("maxmemory-clients", noAlias, Memory|Percent, -100, longMax, "0"),

	// time_t and off_t.
	intSpec("repl-backlog-ttl", noAlias, mod, 0, longMax, "3600"),
	intSpec("auto-aof-rewrite-min-size", noAlias, Memory, 0, longMax, "64mb"),
	intSpec("loading-process-events-interval-bytes", noAlias, Hidden, 1024, intMax, "2097152"),

	// Special.
	specialSpec("dir", noAlias, Protected|DenyLoading, "", specialDir),
	specialSpec("save", noAlias, MultiArg, "3600 1 300 100 60 10000", specialSave),
	specialSpec("client-output-buffer-limit", noAlias, MultiArg,
		"normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", specialCOBL),
	specialSpec("oom-score-adj-values", noAlias, MultiArg, "0 200 800", specialOOMValues),
	specialSpec("notify-keyspace-events", noAlias, mod, "", specialNotify),
	specialSpec("bind", noAlias, MultiArg, "* -::*", specialBind),
	specialSpec("replicaof", "slaveof", Immutable|MultiArg, "no one", specialReplicaOf),
	specialSpec("latency-tracking-info-percentiles", noAlias, MultiArg, "50 99 99.9", specialPercentiles),
}

// redwingOnly lists Redwing's own parameters.
var redwingOnly = map[string]bool{"event-loop": true, "event-loops": true, "event-loop-standby": true}

// newerThanOracle lists parameters that Redis 7.2 has and 7.0 lacks.
var newerThanOracle = map[string]bool{
	"set-max-listpack-entries": true,
	"set-max-listpack-value":   true,
}
