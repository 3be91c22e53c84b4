package clock

import _ "unsafe" // for go:linkname

// Mono is the runtime's monotonic clock in nanoseconds. Durations on hot
// paths (command timing, the event loops' yields) need nothing else, and
// time.Now reads the wall clock as well: there that second read is
// measurable.
//
//go:linkname Mono runtime.nanotime
func Mono() int64
