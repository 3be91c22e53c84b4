package testkit

import "runtime"

// CollectAndScribble runs a full collection and then fills the memory it
// freed with garbage (0xA5 bytes, in objects of every small size class):
// a value that something kept reachable only through memory the collector
// does not scan is freed and overwritten, so a check that reads it next
// sees the damage.
func CollectAndScribble() {
	runtime.GC()
	var junk [][]byte
	for size := 8; size <= 8192; size += 8 {
		for i := 0; i < 4; i++ {
			b := make([]byte, size)
			for j := range b {
				b[j] = 0xA5
			}
			junk = append(junk, b)
		}
	}
	runtime.KeepAlive(junk)
}
