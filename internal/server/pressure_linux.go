package server

import (
	"bytes"
	"os"
	"strconv"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
)

// A leader polls for events for a few microseconds before it sleeps
// (spinWait): on an otherwise idle CPU that keeps the next request from
// paying a thread wake-up. When other threads wait for a CPU, the same
// polls take time from them: with two redis-benchmark processes and the
// server on two CPUs, not polling then raised the LPUSH -P 1 rate by 5%.
// The kernel's pressure stall information tells how much of the time some
// runnable thread waited for a CPU; above contendedAbove the loops sleep
// at once, as Redis does, until it falls below contendedBelow.
const (
	pressureEvery  = 100 * time.Millisecond
	contendedAbove = 0.15
	contendedBelow = 0.08
)

// pressureFile is read when the loops start (tests point it elsewhere).
var pressureFile = "/proc/pressure/cpu"

// cpuStallMicros reads the total of the "some" line: microseconds during
// which at least one runnable thread waited for a CPU. ok is false without
// pressure stall information (older kernels, or turned off).
func cpuStallMicros(path string, buf []byte) (total int64, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	n, _ := f.Read(buf)
	f.Close()
	return parseStallTotal(buf[:n])
}

// parseStallTotal takes "some avg10=... total=N" out of a pressure file.
func parseStallTotal(b []byte) (int64, bool) {
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	if !bytes.HasPrefix(line, []byte("some ")) {
		return 0, false
	}
	_, v, found := bytes.Cut(line, []byte(" total="))
	if !found {
		return 0, false
	}
	total, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
	return total, err == nil && total >= 0
}

// watchPressure keeps all.contended up to date until the loops stop.
func (all *eventLoops) watchPressure(path string) {
	defer all.wg.Done()
	buf := make([]byte, 256)
	last, ok := cpuStallMicros(path, buf)
	if !ok {
		return
	}
	lastAt := clock.Mono()
	t := time.NewTicker(pressureEvery)
	defer t.Stop()
	for {
		select {
		case <-all.quit:
			return
		case <-t.C:
		}
		total, ok := cpuStallMicros(path, buf)
		now := clock.Mono()
		if !ok {
			all.contended.Store(false)
			return
		}
		share := float64(total-last) * 1e3 / float64(now-lastAt)
		last, lastAt = total, now
		all.contended.Store(nextContended(all.contended.Load(), share))
	}
}

// nextContended applies the hysteresis: share is the fraction of the last
// period during which some thread waited for a CPU.
func nextContended(was bool, share float64) bool {
	if was {
		return share >= contendedBelow
	}
	return share > contendedAbove
}
