package acl

import (
	"testing"

	"github.com/redwingdb/redwing/internal/command"
)

func BenchmarkCheck(b *testing.B) {
	r := NewRegistry()
	ch, _ := r.SetUser("u", []string{"on", "nopass", "+@all", "-@dangerous", "~key:*"})
	rl := ch.User.Rules()
	cases := []struct {
		name string
		argv [][]byte
	}{
		{"GET", [][]byte{[]byte("get"), []byte("key:1")}},
		{"SET", [][]byte{[]byte("set"), []byte("key:1"), []byte("v")}},
		{"MSET", [][]byte{[]byte("mset"), []byte("key:1"), []byte("v"), []byte("key:2"), []byte("v")}},
	}
	for _, tc := range cases {
		spec := command.LookupBytes(tc.argv[0])
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var sc Scratch
			for i := 0; i < b.N; i++ {
				if res, _ := rl.CheckScratch(spec, tc.argv, &sc); res != OK {
					b.Fatal(res)
				}
			}
		})
	}
	b.Run("Unrestricted", func(b *testing.B) {
		b.ReportAllocs()
		u := r.Default
		for i := 0; i < b.N; i++ {
			if !u.Unrestricted() {
				b.Fatal()
			}
		}
	})
}
