package commands

import "testing"

// BenchmarkCollections runs the redis-benchmark workloads of the hash,
// list and set families through the engine on one connection.
func BenchmarkCollections(b *testing.B) {
	x := newHxEnv(&testing.T{})
	x.e.RemoveSink(x)
	x.e.Notifier = nil
	for _, tc := range [][]string{
		{"LPUSH", "mylist", "xxx"},
		{"RPOP", "mylist"},
		{"LPUSH", "mylist", "xxx"},
		{"LRANGE", "mylist", "0", "99"},
		{"SADD", "myset", "element:__rand_int__"},
		{"SPOP", "myset"},
		{"HSET", "myhash", "element:__rand_int__", "xxx"},
	} {
		argv := make([][]byte, len(tc))
		for i, a := range tc {
			argv[i] = []byte(a)
		}
		b.Run(tc[0], func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				x.c.W.Reset()
				x.e.Exec(x.c, argv)
			}
		})
	}
}
