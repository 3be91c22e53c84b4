package commands

import "testing"

func BenchmarkEvalSha(b *testing.B) {
	x := newCnEnv(&testing.T{})
	c := x.e.NewClient(nil, "127.0.0.1:5000", "127.0.0.1:6379", 7)
	sha := "2bab3b661081db58bd2341920e0ba7cf5dc77b25"
	cnRun(x.e, c, "SCRIPT", "LOAD", "return redis.call('incr', KEYS[1])")
	argv := [][]byte{[]byte("EVALSHA"), []byte(sha), []byte("1"), []byte("k")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.W.Reset()
		x.e.Exec(c, argv)
	}
}
