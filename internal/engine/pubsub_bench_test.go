package engine

import (
	"bytes"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/pubsub"
)

// discardConn accepts every write.
type discardConn struct{}

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }
func (discardConn) Close() error                { return nil }

// BenchmarkPublishFanout publishes 64-byte messages to 100 subscribers in
// pipelines of 32 (the drain starts when the publisher's batch ends, as
// in the server).
func BenchmarkPublishFanout(b *testing.B) {
	e, err := New(keyspace.New(16, clock.NewFake(1_000_000)), settings{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		sub := e.NewClient(discardConn{}, "127.0.0.1:1", "127.0.0.1:2", i+10)
		ctx := Ctx{E: e, C: sub, W: &sub.W}
		ctx.Subscribe(pubsub.Channel, [][]byte{[]byte("ch")})
		e.FlushOwn(sub)
	}
	pubc := e.NewClient(nil, "127.0.0.1:3", "127.0.0.1:2", 2)
	e.AfterBatch(pubc)
	ch, msg := []byte("ch"), bytes.Repeat([]byte("x"), 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := pubCtx{self: pubc, shard: -1}
		e.publish(pubsub.Channel, ch, msg, &p)
		if i%32 == 31 {
			e.AfterBatch(pubc)
		}
	}
	e.AfterBatch(pubc)
}
