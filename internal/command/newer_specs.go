package command

// Commands newer than the redis-server 7.0.15 the table is harvested from.
// Their facts follow the Redis 7.4 command reference (behaviour only; the
// summaries are ours). Tests comparing the table with the oracle skip them
// (Since > 7.0).

func hashTTLSpec(name, unit string, write bool) *Spec {
	s := &Spec{
		Name: name, FirstKey: 1, LastKey: 1, Step: 1,
		Since: "7.4.0", Group: "hash",
		KeySpecs: []KeySpec{{BeginIndex: 1, KeyStep: 1}},
	}
	fields := Arg{Name: "fields", Type: "block", KeySpecIndex: -1, Token: "FIELDS", Args: []Arg{
		{Name: "numfields", Type: "integer", KeySpecIndex: -1},
		{Name: "field", Type: "string", KeySpecIndex: -1, Flags: []string{"multiple"}},
	}}
	key := Arg{Name: "key", Type: "key", KeySpecIndex: 0}
	switch {
	case unit != "": // HEXPIRE family: key time [NX|XX|GT|LT] FIELDS n f...
		s.Arity = -6
		s.Flags = FlagWrite | FlagDenyOOM | FlagFast
		s.Cats = CatWrite | CatHash | CatFast
		s.KeySpecs[0].Flags = []string{"RW", "update"}
		s.Args = []Arg{key, {Name: unit, Type: "integer", KeySpecIndex: -1},
			{Name: "condition", Type: "oneof", KeySpecIndex: -1, Flags: []string{"optional"}, Args: []Arg{
				{Name: "nx", Type: "pure-token", KeySpecIndex: -1, Token: "NX"},
				{Name: "xx", Type: "pure-token", KeySpecIndex: -1, Token: "XX"},
				{Name: "gt", Type: "pure-token", KeySpecIndex: -1, Token: "GT"},
				{Name: "lt", Type: "pure-token", KeySpecIndex: -1, Token: "LT"},
			}}, fields}
	case write: // HPERSIST
		s.Arity = -5
		s.Flags = FlagWrite | FlagFast
		s.Cats = CatWrite | CatHash | CatFast
		s.KeySpecs[0].Flags = []string{"RW", "update"}
		s.Args = []Arg{key, fields}
	default: // HTTL family
		s.Arity = -5
		s.Flags = FlagReadonly | FlagFast
		s.Cats = CatRead | CatHash | CatFast
		s.KeySpecs[0].Flags = []string{"RO", "access"}
		s.Args = []Arg{key, fields}
	}
	s.Summary = newerSummaries[name]
	return s
}

var newerSummaries = map[string]string{
	"hexpire":      "Gives hash fields a time to live in seconds.",
	"hpexpire":     "Gives hash fields a time to live in milliseconds.",
	"hexpireat":    "Makes hash fields expire at a Unix time in seconds.",
	"hpexpireat":   "Makes hash fields expire at a Unix time in milliseconds.",
	"httl":         "Reports the seconds left before hash fields expire.",
	"hpttl":        "Reports the milliseconds left before hash fields expire.",
	"hexpiretime":  "Reports the Unix time in seconds at which hash fields expire.",
	"hpexpiretime": "Reports the Unix time in milliseconds at which hash fields expire.",
	"hpersist":     "Removes the expiration of hash fields.",
}

var newerSpecs = []*Spec{
	hashTTLSpec("hexpire", "seconds", true),
	hashTTLSpec("hpexpire", "milliseconds", true),
	hashTTLSpec("hexpireat", "unix-time-seconds", true),
	hashTTLSpec("hpexpireat", "unix-time-milliseconds", true),
	hashTTLSpec("httl", "", false),
	hashTTLSpec("hpttl", "", false),
	hashTTLSpec("hexpiretime", "", false),
	hashTTLSpec("hpexpiretime", "", false),
	hashTTLSpec("hpersist", "", true),
}

// IsNewerThanOracle reports whether s was added to Redis after 7.0 and is
// therefore absent from the oracle used by the differential tests.
func IsNewerThanOracle(s *Spec) bool { return s.Since >= "7.1" }
