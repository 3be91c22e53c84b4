package commands

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

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

// BenchmarkZAddRandom is redis-benchmark's ZADD with -r 10000: a random
// score for a random one of 10000 members, so that after warm-up nearly
// every call moves an existing member of a skiplist-encoded set.
func BenchmarkZAddRandom(b *testing.B) {
	x := newHxEnv(&testing.T{})
	x.e.RemoveSink(x)
	x.e.Notifier = nil
	r := rand.New(rand.NewPCG(1, 2))
	argvs := make([][][]byte, 1<<14)
	for i := range argvs {
		argvs[i] = [][]byte{[]byte("ZADD"), []byte("myzset"),
			[]byte(strconv.Itoa(r.IntN(10000))), []byte("element:" + strconv.Itoa(r.IntN(10000)))}
	}
	for i := 0; i < 10000; i++ {
		x.e.Exec(x.c, [][]byte{[]byte("ZADD"), []byte("myzset"), []byte(strconv.Itoa(i)), []byte("element:" + strconv.Itoa(i))})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.c.W.Reset()
		x.e.Exec(x.c, argvs[i&(len(argvs)-1)])
	}
}
