package keyspace

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/redwingdb/redwing/internal/clock"
)

// BenchmarkFullGC measures a full collection of a keyspace of small
// strings (REDWING_GC_KEYS keys, 1M by default): the collector's work per
// key is what tail latency pays while a collection runs. It reports the
// CPU time the collector spent (runtime/metrics) per collection.
func BenchmarkFullGC(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("REDWING_GC_KEYS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ks := New(1, clock.Real{})
	memLoad(ks.DB(0), n, 16, false)
	cursor := 0
	ks.MaintainArenas(&cursor, NumShards) // what the server's cron does within seconds
	runtime.GC()
	sample := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(sample)
	before := sample[0].Value.Float64()
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
	}
	metrics.Read(sample)
	b.ReportMetric((sample[0].Value.Float64()-before)*1e3/float64(b.N), "gc-cpu-ms/op")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapObjects), "heap-objects")
	runtime.KeepAlive(ks)
}
