package commands

import "testing"

// BenchmarkEvalSha runs the side-by-side benchmark's script (an INCR and a
// GET) through the engine: script lookup, run set-up, the Lua VM, two
// redis.call round trips and the reply conversion.
func BenchmarkEvalSha(b *testing.B) {
	x := newCnEnv(&testing.T{})
	c := x.e.NewClient(nil, "127.0.0.1:5000", "127.0.0.1:6379", 7)
	body := "redis.call('incr', KEYS[1]); return redis.call('get', KEYS[1])"
	cnRun(x.e, c, "SCRIPT", "LOAD", body)
	argv := [][]byte{[]byte("EVALSHA"), []byte("4ac348ec08f294448a7793ea9ec5f580dc35a362"), []byte("1"), []byte("counter")}
	c.W.Reset()
	x.e.Exec(c, argv)
	if s := string(c.W.Buf); s != "$1\r\n1\r\n" {
		b.Fatalf("first run replied %q", s)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.W.Reset()
		x.e.Exec(c, argv)
	}
}
