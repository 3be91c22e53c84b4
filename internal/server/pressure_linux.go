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
// server on two CPUs, polling cost 8% of the LPUSH -P 1 rate (0.97 of
// Redis's against 1.05 without). The kernel's pressure stall information
// tells how much of the time some runnable thread waited for a CPU; above
// contendedAbove the loops sleep at once, as Redis does, until it falls
// below contendedBelow. Measured on two CPUs, in 100 ms periods: 40-46%
// with two client processes (Redis: 40%), 28-49% under the paced load with
// forced collections of bench/memory_latency.sh, and with one client
// process 3-11% (at most 23%) while the loops poll (Redis: 1-2%).
//
// Not polling can itself raise the figure: a leader that sleeps after
// every request is woken by every client write, and the kernel often
// queues the woken thread behind the writer on the writer's CPU. With one
// client process that gave 15-18%, which at the earlier thresholds (15%
// and 8%) latched the loops there after a transient, for a tenth of the
// rate. So contendedBelow sits above that, and after probeFirst of
// contention the loops poll again for one period: if the pressure rises
// above contendedAbove meanwhile they stop again and the next probe waits
// twice as long, up to probeMax.
const (
	pressureEvery  = 100 * time.Millisecond
	contendedAbove = 0.25
	contendedBelow = 0.20
	probeFirst     = time.Second
	probeMax       = 8 * time.Second
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
	gate := pressureGate{probeWait: probeFirst}
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
		all.contended.Store(gate.next(share, time.Duration(now)))
	}
}

// pressureGate decides, period after period, whether the loops poll.
type pressureGate struct {
	contended bool
	probing   bool          // the period just measured had polling back on
	since     time.Duration // when contended last turned true
	probeWait time.Duration // contention before the next probe
}

// next takes the fraction of the last period during which some thread
// waited for a CPU, and the time, and tells whether the loops are to sleep
// at once in the next period.
func (g *pressureGate) next(share float64, now time.Duration) bool {
	switch {
	case g.probing:
		g.probing = false
		if share > contendedAbove { // polling is what the other threads wait for
			g.contended, g.since = true, now
			g.probeWait = min(2*g.probeWait, probeMax)
		} else {
			g.contended, g.probeWait = false, probeFirst
		}
	case g.contended && now-g.since >= g.probeWait:
		g.contended, g.probing = false, true
	default:
		was := g.contended
		g.contended = nextContended(was, share)
		if g.contended && !was {
			g.since = now
		}
		if !g.contended {
			g.probeWait = probeFirst
		}
	}
	return g.contended
}

// nextContended applies the hysteresis: share is the fraction of the last
// period during which some thread waited for a CPU.
func nextContended(was bool, share float64) bool {
	if was {
		return share >= contendedBelow
	}
	return share > contendedAbove
}
