package engine

import _ "unsafe" // for go:linkname

// nanotime is the runtime's monotonic clock. Command timing (commandstats,
// latency histograms, slowlog) needs only durations, and time.Now reads the
// wall clock as well: on the hot path that second read is measurable.
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64
