package commands

import (
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// BenchmarkExecACL is BenchmarkExecHotPath for the default user and for a
// restricted user (~key:* +@all -@dangerous): the cost of the ACL gate.
func BenchmarkExecACL(b *testing.B) {
	e, err := engine.New(keyspace.New(16, clock.Real{}), config.New())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.ACL.SetUser("bench", []string{"on", "nopass", "~key:*", "+@all", "-@dangerous"}); err != nil {
		b.Fatal(err)
	}
	def := e.NewClient(nil, "127.0.0.1:1", "127.0.0.1:2", 0)
	restricted := e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", 0)
	restricted.User = e.ACL.Get("bench")
	cases := map[string][][]byte{
		"SET": {[]byte("SET"), []byte("key:000000000001"), []byte("xxx")},
		"GET": {[]byte("GET"), []byte("key:000000000001")},
	}
	for _, name := range []string{"SET", "GET"} {
		argv := cases[name]
		for _, u := range []struct {
			name string
			c    *engine.Client
		}{{"default", def}, {"restricted", restricted}} {
			b.Run(name+"/"+u.name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					u.c.W.Reset()
					e.Exec(u.c, argv)
				}
				if len(u.c.W.Buf) > 0 && u.c.W.Buf[0] == '-' {
					b.Fatalf("%s", u.c.W.Buf)
				}
			})
		}
	}
}
