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
	"slices"
	"sync"
)

var gcPauses struct {
	sync.Mutex
	samples []metrics.Sample
	// the counts at the last CONFIG RESETSTAT
	baseCycles              uint64
	baseTotal, baseStopping []uint64
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
	var cycles uint64
	if s := gcPauses.samples[0]; s.Value.Kind() == metrics.KindUint64 {
		cycles = s.Value.Uint64()
	}
	total, stopping := histogram(gcPauses.samples[1]), histogram(gcPauses.samples[2])
	st := gcPauseStats{cycles: cycles - gcPauses.baseCycles}
	st.maxUs, st.overOneMs = pausesSince(total, gcPauses.baseTotal)
	st.stoppingMaxUs, _ = pausesSince(stopping, gcPauses.baseStopping)
	if reset {
		gcPauses.baseCycles = cycles
		gcPauses.baseTotal, gcPauses.baseStopping = nil, nil
		if total != nil { // Read reuses the histograms' slices
			gcPauses.baseTotal = slices.Clone(total.Counts)
		}
		if stopping != nil {
			gcPauses.baseStopping = slices.Clone(stopping.Counts)
		}
	}
	return st
}

func histogram(s metrics.Sample) *metrics.Float64Histogram {
	if s.Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s.Value.Float64Histogram()
}

// pausesSince returns the upper bound of the highest bucket of h that
// gained pauses since the counts base, and how many of those pauses took
// 1 ms or more.
func pausesSince(h *metrics.Float64Histogram, base []uint64) (maxUs, overOneMs uint64) {
	if h == nil {
		return 0, 0
	}
	for j, n := range h.Counts {
		if j < len(base) {
			n -= base[j] // counts only grow
		}
		if n == 0 {
			continue
		}
		hi := h.Buckets[j+1] // Buckets holds len(Counts)+1 boundaries
		if math.IsInf(hi, 1) {
			hi = h.Buckets[j]
		}
		maxUs = uint64(math.Ceil(hi * 1e6))
		if h.Buckets[j] >= 1e-3 {
			overOneMs += n
		}
	}
	return maxUs, overOneMs
}
