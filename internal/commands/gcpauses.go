package commands

// Go collector pauses for INFO memory: Redis has no collector, so these
// fields are Redwing's own. They come from the runtime's pause histograms
// (runtime/metrics), counted since start or the last CONFIG RESETSTAT:
//
//	gc_cycles                 collections
//	gc_pause_max_us           longest stop-the-world pause of the collector
//	                          (upper bound of its histogram bucket, ~6%)
//	gc_pause_stopping_max_us  the longest time spent stopping the world:
//	                          waiting for running threads, which on a busy
//	                          machine includes the OS scheduling them
//	gc_pauses_over_1ms        pauses of 1 ms or more

import (
	"math"
	"runtime/metrics"
	"sync"
)

var gcPauses struct {
	sync.Mutex
	samples []metrics.Sample
	base    [3][]uint64 // counts at the last reset: cycles, total, stopping
}

func init() {
	gcPauses.samples = []metrics.Sample{
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/sched/pauses/total/gc:seconds"},
		{Name: "/sched/pauses/stopping/gc:seconds"},
	}
}

type gcPauseStats struct {
	cycles               uint64
	maxUs, stoppingMaxUs uint64
	overOneMs            uint64
}

// readGCPauses returns the pause figures since the last reset; reset makes
// the current counts the new baseline.
func readGCPauses(reset bool) gcPauseStats {
	gcPauses.Lock()
	defer gcPauses.Unlock()
	metrics.Read(gcPauses.samples)
	var st gcPauseStats
	cur := [3][]uint64{}
	if s := gcPauses.samples[0]; s.Value.Kind() == metrics.KindUint64 {
		cur[0] = []uint64{s.Value.Uint64()}
	}
	for i := 1; i <= 2; i++ {
		if s := gcPauses.samples[i]; s.Value.Kind() == metrics.KindFloat64Histogram {
			cur[i] = append([]uint64(nil), s.Value.Float64Histogram().Counts...)
		}
	}
	delta := func(i, j int) uint64 {
		if j < len(cur[i]) {
			if j < len(gcPauses.base[i]) && gcPauses.base[i][j] <= cur[i][j] {
				return cur[i][j] - gcPauses.base[i][j]
			}
			return cur[i][j]
		}
		return 0
	}
	st.cycles = delta(0, 0)
	for i := 1; i <= 2; i++ {
		s := gcPauses.samples[i]
		if s.Value.Kind() != metrics.KindFloat64Histogram {
			continue
		}
		buckets := s.Value.Float64Histogram().Buckets // len(counts)+1 boundaries
		maxUs := uint64(0)
		for j := range cur[i] {
			n := delta(i, j)
			if n == 0 {
				continue
			}
			hi := buckets[j+1]
			if math.IsInf(hi, 1) {
				hi = buckets[j]
			}
			maxUs = uint64(math.Ceil(hi * 1e6))
			if i == 1 && buckets[j] >= 1e-3 {
				st.overOneMs += n
			}
		}
		if i == 1 {
			st.maxUs = maxUs
		} else {
			st.stoppingMaxUs = maxUs
		}
	}
	if reset {
		gcPauses.base = cur
	}
	return st
}
