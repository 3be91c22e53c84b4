package command

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// splitArgs splits a command line on spaces; ” stands for an empty
// argument.
func splitArgs(line string) [][]byte {
	var argv [][]byte
	for _, f := range strings.Fields(line) {
		if f == "''" {
			f = ""
		}
		argv = append(argv, []byte(f))
	}
	return argv
}

type keysCase struct {
	line string
	want []int // nil means no keys
	err  error
}

// keysCases are checked against our own reading of Redis's semantics in
// TestGetKeys and against a live redis-server in TestTableMatchesRedis.
var keysCases = []keysCase{
	{line: "GET k", want: []int{1}},
	{line: "get k", want: []int{1}},
	{line: "GET", err: ErrInvalidArgCount},
	{line: "GET a b", err: ErrInvalidArgCount},
	{line: "MSET a 1 b 2 c 3", want: []int{1, 3, 5}},
	{line: "MGET a b c", want: []int{1, 2, 3}},
	{line: "DEL a b c", want: []int{1, 2, 3}},
	{line: "RENAME a b", want: []int{1, 2}},
	{line: "BLPOP a b 0", want: []int{1, 2}},
	{line: "SET k v", want: []int{1}},
	{line: "SET k v EX 10 GET", want: []int{1}},
	{line: "BITFIELD k GET u8 0", want: []int{1}},
	{line: "BITFIELD_RO k GET u8 0", want: []int{1}},

	// numkeys commands
	{line: "ZUNIONSTORE d 2 a b WEIGHTS 1 2", want: []int{1, 3, 4}},
	{line: "ZINTERSTORE d 1 a", want: []int{1, 3}},
	{line: "ZUNIONSTORE d 3 a b", err: ErrInvalidArgs},
	{line: "ZUNIONSTORE d 0 a", err: ErrInvalidArgs},
	{line: "ZUNIONSTORE d x a", err: ErrInvalidArgs},
	{line: "ZUNIONSTORE d 2x a b", want: []int{3, 4, 1}}, // Redis falls back to atoi
	{line: "ZUNION 2 a b WITHSCORES", want: []int{2, 3}},
	{line: "ZINTERCARD 2 a b LIMIT 1", want: []int{2, 3}},
	{line: "SINTERCARD 3 a b c", want: []int{2, 3, 4}},
	{line: "EVAL s 2 k1 k2 a1", want: []int{3, 4}},
	{line: "EVAL s 0"},
	{line: "EVAL s 0 a1 a2"},
	{line: "EVAL s 01 k", want: []int{3}},
	{line: "EVAL s 2 k"}, // no_mandatory_keys: no keys, no error
	{line: "EVAL s -1 k"},
	{line: "EVALSHA sha 1 k a", want: []int{3}},
	{line: "EVAL_RO s 1 k", want: []int{3}},
	{line: "FCALL f 1 k a", want: []int{3}},
	{line: "FCALL_RO f 0"},
	{line: "LMPOP 2 l1 l2 LEFT", want: []int{2, 3}},
	{line: "LMPOP -1 a LEFT", err: ErrInvalidArgs},
	{line: "BLMPOP 0 2 l1 l2 LEFT COUNT 2", want: []int{3, 4}},
	{line: "ZMPOP 1 z MIN", want: []int{2}},
	{line: "BZMPOP 1.5 2 z1 z2 MAX", want: []int{3, 4}},

	// keyword + range
	{line: "XREAD COUNT 2 STREAMS s1 s2 0 0", want: []int{4, 5}},
	{line: "XREAD BLOCK 0 STREAMS streams 0", want: []int{4}},
	{line: "XREAD COUNT 1 STREAMS a", err: ErrInvalidArgs},
	{line: "XREAD COUNT 1 a b", err: ErrInvalidArgs},
	{line: "XREADGROUP GROUP g c COUNT 1 STREAMS s1 s2 > >", want: []int{7, 8}},
	{line: "GEORADIUS k 15 37 200 km", want: []int{1}},
	{line: "GEORADIUS k 15 37 200 km STORE dst", want: []int{1, 7}},
	{line: "GEORADIUS k 15 37 200 km STORE a STOREDIST b", want: []int{1, 7, 9}},
	{line: "GEORADIUSBYMEMBER k m 100 km STOREDIST d", want: []int{1, 6}},
	{line: "GEORADIUS_RO k 15 37 200 km", want: []int{1}},

	// hand-written finders
	{line: "SORT k", want: []int{1}},
	{line: "SORT k BY w_* GET o_* STORE dst", want: []int{1, 7}},
	{line: "SORT k LIMIT 0 10 STORE d ALPHA", want: []int{1, 6}},
	{line: "SORT k STORE a STORE b", want: []int{1, 5}},
	{line: "SORT k GET store STORE d", want: []int{1, 5}},
	{line: "SORT k store", want: []int{1}},
	{line: "SORT_RO k BY x GET y", want: []int{1}},
	{line: "MIGRATE h 6379 k 0 1000", want: []int{3}},
	{line: "MIGRATE h 6379 k 0 1000 COPY REPLACE", want: []int{3}},
	{line: "MIGRATE h 6379 '' 0 1000 COPY REPLACE AUTH pw KEYS a b c", want: []int{11, 12, 13}},
	{line: "MIGRATE h 6379 '' 0 1000 AUTH2 keys pw KEYS a", want: []int{10}},
	{line: "MIGRATE h 6379 k 0 1000 KEYS a b", err: ErrInvalidArgs},
	{line: "MIGRATE h 6379 '' 0 1000 KEYS", want: []int{3}}, // KEYS last: not searched
	{line: "MIGRATE h 6379 '' 0 1000 KEYS KEYS", want: []int{7}},

	// subcommands
	{line: "OBJECT ENCODING k", want: []int{2}},
	{line: "object freq k", want: []int{2}},
	{line: "OBJECT HELP"},
	{line: "OBJECT FOO k", err: ErrInvalidCommand},
	{line: "OBJECT ENCODING", err: ErrInvalidArgCount},
	{line: "MEMORY USAGE k SAMPLES 5", want: []int{2}},
	{line: "XINFO STREAM s FULL", want: []int{2}},
	{line: "XGROUP CREATE s g $ MKSTREAM", want: []int{2}},
	{line: "CONFIG GET maxmemory"},

	// no keys
	{line: "PING"},
	{line: "PING hello"},
	{line: "SPUBLISH ch msg"},
	{line: "PUBLISH ch msg"},
}

func TestGetKeys(t *testing.T) {
	for _, c := range keysCases {
		argv := splitArgs(c.line)
		s := LookupBytes(argv[0])
		if s == nil {
			t.Fatalf("%s: command not in table", c.line)
		}
		got, err := GetKeys(s, argv)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", c.line, err, c.err)
			continue
		}
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: keys = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestHasKeys(t *testing.T) {
	for name, want := range map[string]bool{
		"get": true, "ping": false, "spublish": false, "ssubscribe": false,
		"publish": false, "eval": true, "sort": true, "migrate": true, "set": true,
		"object": false, "multi": false,
	} {
		if got := Lookup(name).HasKeys(); got != want {
			t.Errorf("%s: HasKeys = %v, want %v", name, got, want)
		}
	}
	if !Lookup("object").Sub("encoding").HasKeys() {
		t.Error("object|encoding: HasKeys = false")
	}
}

func TestAppendKeysNoAlloc(t *testing.T) {
	lines := []string{
		"GET k", "MSET a 1 b 2", "SET k v GET", "ZUNIONSTORE d 2 a b",
		"SORT k STORE d", "XREAD STREAMS a b 0 0", "OBJECT ENCODING k",
		"MIGRATE h 1 '' 0 0 KEYS a b", "PING",
	}
	for _, line := range lines {
		argv := splitArgs(line)
		s := LookupBytes(argv[0])
		buf := make([]int, 0, 16)
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := AppendKeys(buf[:0], s, argv); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocs per AppendKeys", line, allocs)
		}
	}
}

func TestAppendKeysKeepsPrefix(t *testing.T) {
	argv := splitArgs("MGET a b")
	got, err := AppendKeys([]int{7}, Lookup("mget"), argv)
	if err != nil || !reflect.DeepEqual(got, []int{7, 1, 2}) {
		t.Fatalf("got %v, %v", got, err)
	}
	got, err = AppendKeys([]int{7}, Lookup("zunionstore"), splitArgs("ZUNIONSTORE d 0 a"))
	if err == nil || !reflect.DeepEqual(got, []int{7}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestParsers(t *testing.T) {
	for in, want := range map[string]int{
		"12": 12, " 12": 12, "+3": 3, "-4": -4, "3.5": 3, "x": 0, "": 0,
		"2x": 2, "9223372036854775807": -1, "99999999999999999999": -1,
		"4294967297": 1,
	} {
		if got := atoi([]byte(in)); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
	type r struct {
		v  int64
		ok bool
	}
	for in, want := range map[string]r{
		"0": {0, true}, "12": {12, true}, "-12": {-12, true}, "01": {0, false},
		"+1": {0, false}, "-0": {0, false}, "": {0, false}, "-": {0, false},
		" 1": {0, false}, "1 ": {0, false},
		"9223372036854775807":  {1<<63 - 1, true},
		"-9223372036854775808": {-1 << 63, true},
		"9223372036854775808":  {0, false},
		"18446744073709551616": {0, false},
	} {
		v, ok := parseInt64([]byte(in))
		if ok != want.ok || (ok && v != want.v) {
			t.Errorf("parseInt64(%q) = %d, %v; want %d, %v", in, v, ok, want.v, want.ok)
		}
	}
}

// The single-key shortcut answers as the key specs do, for every command
// it applies to and every argument count.
func TestAppendKeysSingleShortcut(t *testing.T) {
	used := 0
	for _, s := range All() {
		for _, sub := range append([]*Spec{s}, s.Subs...) {
			if !sub.keys.ready || sub.keys.single == 0 {
				continue
			}
			used++
			for argc := 1; argc <= 6; argc++ {
				argv := make([][]byte, argc)
				for i := range argv {
					argv[i] = []byte("a")
				}
				got, gotErr := AppendKeys(nil, sub, argv)
				saved := sub.keys
				sub.keys.single = 0
				want, wantErr := AppendKeys(nil, sub, argv)
				sub.keys = saved
				if !reflect.DeepEqual(got, want) || gotErr != wantErr {
					t.Errorf("%s with %d arguments: %v, %v; the specs give %v, %v", sub.Name, argc, got, gotErr, want, wantErr)
				}
			}
		}
	}
	if used < 100 {
		t.Fatalf("the shortcut applies to %d commands only", used)
	}
}
