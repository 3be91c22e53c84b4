package engine

import (
	"crypto/rand"
	"encoding/hex"
	"math/bits"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/command"
)

// This file holds the engine's observability state: per-command latency
// histograms (INFO latencystats, LATENCY HISTOGRAM), the latency monitor
// (LATENCY LATEST/HISTORY/RESET), the instantaneous metrics of INFO stats,
// and the accessor that ties them, the slow log and the MONITOR clients to
// an engine.
//
// The state lives outside the Engine struct (it is reached through
// e.admin(), which costs one atomic load and a compare when a process runs
// one engine) so that this family did not have to change engine.go; it can
// move into an Engine field without changing any caller. The registry holds
// engines weakly: nothing in adminState points back to its engine, and an
// engine's entry is dropped once the engine is collected (tests create many).

// adminState is the observability state of one engine.
type adminState struct {

	// hists maps every registered command and subcommand to its latency
	// histogram; it is built once and never modified afterwards.
	hists map[*Command]*Histogram

	slow   slowlog
	mon    monitorSet
	events latencyEvents
	ops    opsSampler

	// Cached configuration, refreshed by CONFIG SET hooks.
	slowerThan   atomic.Int64 // slowlog-log-slower-than (usec, <0 disables)
	slowMax      atomic.Int64 // slowlog-max-len
	latThreshold atomic.Int64 // latency-monitor-threshold (ms, 0 disables)
	tracking     atomic.Bool  // latency-tracking

	replID     atomic.Pointer[string]
	replID2    atomic.Pointer[string]
	peakMem    atomic.Uint64
	startupMem atomic.Uint64
}

// admin returns e's observability state (created with the engine).
func (e *Engine) admin() *adminState { return e.adminSt }

type onChanger interface {
	OnChange(name string, fn func(value string) error)
}

func newAdminState(e *Engine) *adminState {
	a := &adminState{hists: map[*Command]*Histogram{}}
	for _, cmd := range e.table {
		if cmd.Proc != nil {
			cmd.hist = &Histogram{}
			a.hists[cmd] = cmd.hist
		}
		for _, sub := range cmd.Subs {
			sub.hist = &Histogram{}
			a.hists[sub] = sub.hist
		}
	}
	cfg := e.Cfg
	a.refreshConfig(cfg)
	if oc, ok := cfg.(onChanger); ok {
		for _, name := range []string{"slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold", "latency-tracking"} {
			oc.OnChange(name, func(string) error { a.refreshConfig(cfg); return nil })
		}
	}
	id := randomReplID()
	a.replID.Store(&id)
	zero := strings.Repeat("0", 40)
	a.replID2.Store(&zero)
	a.ops.init(e, time.Now().UnixMilli())
	// The heap in use when the engine first serves a command stands for
	// Redis's used_memory_startup.
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(heap)
	if heap[0].Value.Kind() == metrics.KindUint64 {
		a.startupMem.Store(heap[0].Value.Uint64())
	}
	return a
}

func (a *adminState) refreshConfig(cfg Settings) {
	if cfg == nil {
		a.slowerThan.Store(10000)
		a.slowMax.Store(128)
		a.tracking.Store(true)
		return
	}
	a.slowerThan.Store(cfg.Int("slowlog-log-slower-than"))
	a.slowMax.Store(cfg.Int("slowlog-max-len"))
	a.latThreshold.Store(cfg.Int("latency-monitor-threshold"))
	a.tracking.Store(cfg.Bool("latency-tracking"))
}

func randomReplID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// afterCall records a finished command: its latency histogram, the latency
// monitor, the slow log, MONITOR clients and the instantaneous metrics.
// account calls it for every executed command (not for gate rejections).
func (e *Engine) afterCall(ctx *Ctx, dur time.Duration) {
	// The wall clock is read only on the rare paths that record events.
	a := e.admin()
	usec := dur.Microseconds()
	spec := ctx.Cmd.Spec
	if a.tracking.Load() {
		if h := ctx.Cmd.hist; h != nil {
			// Redis measures in microseconds and records nanoseconds.
			h.Record(usec * 1000)
		}
	}
	if th := a.latThreshold.Load(); th > 0 && usec/1000 >= th {
		event := "command"
		if spec.Has(command.FlagFast) {
			event = "fast-command"
		}
		a.events.add(event, usec/1000, time.Now().Unix())
	}
	if ctx.C != nil {
		if st := a.slowerThan.Load(); st >= 0 && usec >= st && !spec.Has(command.FlagSkipSlowlog) {
			if max := a.slowMax.Load(); max > 0 {
				a.slow.push(ctx.C, redactArgv(spec.Name, ctx.Argv, e.Cfg), usec, time.Now().Unix(), max)
			}
		}
		if a.mon.n.Load() > 0 && !spec.Has(command.FlagAdmin) && !spec.Has(command.FlagSkipMonitor) {
			a.mon.feed(e, ctx.C, ctx.C.DB, redactArgv(spec.Name, ctx.Argv, e.Cfg), false, time.Now())
		}
	}
	if ms := e.KS.CoarseNowMs(); ms >= a.ops.next.Load() {
		a.ops.sample(e, ms)
	}
}

// ---------------------------------------------------------------------------
// Per-command latency histograms.

// The histogram mirrors the HdrHistogram Redis uses for latency tracking:
// values from 1 ns to 1 s, two significant digits (256 sub-buckets per
// power of two, the lower half shared with the previous bucket).
const (
	histSubHalfMag = 7
	histSubHalf    = 1 << histSubHalfMag
	histBuckets    = 23 // 256 << 22 > 1e9
	histLen        = (histBuckets + 1) * histSubHalf
	histMinValue   = 1
	histMaxValue   = 1_000_000_000
)

// Histogram counts command latencies in nanoseconds. It is safe for
// concurrent use; its counters are allocated on the first Record.
type Histogram struct {
	counts atomic.Pointer[[histLen]atomic.Int64]
}

func histBucket(v int64) int { return bits.Len64(uint64(v)|(2*histSubHalf-1)) - (histSubHalfMag + 1) }

func histIndex(v int64) int {
	b := histBucket(v)
	return (b+1)<<histSubHalfMag + int(v>>uint(b)) - histSubHalf
}

// histValueAt is the lowest value counted at index i.
func histValueAt(i int) int64 {
	b := i>>histSubHalfMag - 1
	sb := int64(i&(histSubHalf-1) + histSubHalf)
	if b < 0 {
		sb -= histSubHalf
		b = 0
	}
	return sb << uint(b)
}

// histHighestEquivalent is the highest value counted with v.
func histHighestEquivalent(v int64) int64 {
	b := uint(histBucket(v))
	return (v>>b)<<b + 1<<b - 1
}

// Record adds one value (nanoseconds), clamped to the tracked range.
func (h *Histogram) Record(v int64) {
	if v < histMinValue {
		v = histMinValue
	} else if v > histMaxValue {
		v = histMaxValue
	}
	c := h.counts.Load()
	if c == nil {
		nc := new([histLen]atomic.Int64)
		if h.counts.CompareAndSwap(nil, nc) {
			c = nc
		} else {
			c = h.counts.Load()
		}
	}
	// One atomic add per call: the total is summed when read.
	c[histIndex(v)].Add(1)
}

// Reset clears the histogram.
func (h *Histogram) Reset() { h.counts.Store(nil) }

// HistSnapshot is a consistent copy of a histogram's counters.
type HistSnapshot struct {
	counts [histLen]int64
	total  int64
}

// Snapshot copies the counters into s and reports whether any value was
// recorded.
func (h *Histogram) Snapshot(s *HistSnapshot) bool {
	c := h.counts.Load()
	s.total = 0
	if c == nil {
		return false
	}
	for i := range c {
		n := c[i].Load()
		s.counts[i] = n
		s.total += n
	}
	return s.total > 0
}

// Total is the number of values in the snapshot.
func (s *HistSnapshot) Total() int64 { return s.total }

// ValueAtPercentile returns the value (ns) at percentile p, as
// hdr_value_at_percentile: the highest value equivalent to the recorded
// value reached by the requested count.
func (s *HistSnapshot) ValueAtPercentile(p float64) int64 {
	if p > 100 {
		p = 100
	}
	target := int64(p/100*float64(s.total) + 0.5)
	if target < 1 {
		target = 1
	}
	var acc int64
	for i := range s.counts {
		acc += s.counts[i]
		if acc >= target {
			v := histValueAt(i)
			if p == 0 {
				return v
			}
			return histHighestEquivalent(v)
		}
	}
	return 0
}

// CDF returns the cumulative distribution at power-of-two microsecond
// buckets as LATENCY HISTOGRAM reports it: pairs of (bucket upper bound in
// usec, number of calls at or below it), only where the count grows.
func (s *HistSnapshot) CDF() [][2]int64 {
	var out [][2]int64
	var cum, prevCum int64
	next := 0
	for level := int64(1024); ; level *= 2 {
		idx := histIndex(level)
		if idx >= histLen {
			break
		}
		for ; next <= idx; next++ {
			cum += s.counts[next]
		}
		if cum > prevCum {
			out = append(out, [2]int64{histHighestEquivalent(level) / 1000, cum})
		}
		prevCum = cum
		if cum >= s.total {
			break
		}
	}
	return out
}

// CommandHistogram returns the latency histogram of a registered command
// or subcommand (nil for unknown ones).
func (e *Engine) CommandHistogram(cmd *Command) *Histogram { return e.admin().hists[cmd] }

// ResetCommandStats clears every command's INFO commandstats counters and
// latency histogram (CONFIG RESETSTAT).
func (e *Engine) ResetCommandStats() {
	reset := func(cmd *Command) {
		cmd.Stats.Calls.Store(0)
		cmd.Stats.Usec.Store(0)
		cmd.Stats.Rejected.Store(0)
		cmd.Stats.Failed.Store(0)
	}
	for _, cmd := range e.table {
		reset(cmd)
		for _, sub := range cmd.Subs {
			reset(sub)
		}
	}
	for _, h := range e.admin().hists {
		h.Reset()
	}
}

// ---------------------------------------------------------------------------
// Latency monitor (latency-monitor-threshold events).

const latencyTSLen = 160

// LatencySample is one point of an event's time series.
type LatencySample struct {
	Time    int64 // unix seconds
	Latency int64 // milliseconds
}

type latencySeries struct {
	idx     int
	max     int64
	samples [latencyTSLen]LatencySample
}

type latencyEvents struct {
	mu sync.Mutex
	m  map[string]*latencySeries
}

// add records a sample; samples in the same second keep the highest value.
func (l *latencyEvents) add(event string, ms, now int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*latencySeries{}
	}
	ts := l.m[event]
	if ts == nil {
		ts = &latencySeries{}
		l.m[event] = ts
	}
	if ms > ts.max {
		ts.max = ms
	}
	prev := (ts.idx + latencyTSLen - 1) % latencyTSLen
	if ts.samples[prev].Time == now {
		if ms > ts.samples[prev].Latency {
			ts.samples[prev].Latency = ms
		}
		return
	}
	ts.samples[ts.idx] = LatencySample{Time: now, Latency: ms}
	ts.idx = (ts.idx + 1) % latencyTSLen
}

// LatencyEvent is the state of one latency monitor event.
type LatencyEvent struct {
	Name    string
	Latest  LatencySample
	Max     int64           // all-time high since the last reset
	Samples []LatencySample // oldest first
}

// AddLatencySample records a latency monitor sample for event when ms
// reaches latency-monitor-threshold (latencyAddSampleIfNeeded).
func (e *Engine) AddLatencySample(event string, ms int64) {
	a := e.admin()
	if th := a.latThreshold.Load(); th > 0 && ms >= th {
		a.events.add(event, ms, time.Now().Unix())
	}
}

// LatencyEvents returns the recorded events sorted by name.
func (e *Engine) LatencyEvents() []LatencyEvent {
	l := &e.admin().events
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LatencyEvent, 0, len(l.m))
	for name, ts := range l.m {
		out = append(out, ts.event(name))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LatencyEvent returns one event by name.
func (e *Engine) LatencyEvent(name string) (LatencyEvent, bool) {
	l := &e.admin().events
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.m[name]
	if ts == nil {
		return LatencyEvent{}, false
	}
	return ts.event(name), true
}

func (ts *latencySeries) event(name string) LatencyEvent {
	ev := LatencyEvent{Name: name, Max: ts.max}
	ev.Latest = ts.samples[(ts.idx+latencyTSLen-1)%latencyTSLen]
	for j := 0; j < latencyTSLen; j++ {
		s := ts.samples[(ts.idx+j)%latencyTSLen]
		if s.Time != 0 {
			ev.Samples = append(ev.Samples, s)
		}
	}
	return ev
}

// ResetLatencyEvents deletes the named events (all when none are named,
// names compared case-insensitively) and returns how many were deleted.
func (e *Engine) ResetLatencyEvents(names ...string) int {
	l := &e.admin().events
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(names) == 0 {
		n := len(l.m)
		l.m = nil
		return n
	}
	resets := 0
	for _, want := range names {
		for name := range l.m {
			if strings.EqualFold(name, want) {
				delete(l.m, name)
				resets++
			}
		}
	}
	return resets
}

// ---------------------------------------------------------------------------
// Instantaneous metrics (INFO instantaneous_ops_per_sec and kbps).

const (
	opsSamples  = 16  // STATS_METRIC_SAMPLES
	opsPeriodMs = 100 // Redis samples from serverCron every 100 ms
)

type opsSampler struct {
	next atomic.Int64 // unix ms at which the next sample is due
	mu   sync.Mutex
	last int64    // unix ms of the previous sample
	prev [3]int64 // commands, input bytes, output bytes at last
	ring [3][opsSamples]float64
	idx  int
}

func (s *opsSampler) counters(e *Engine) [3]int64 {
	return [3]int64{e.Stats.Commands.Load(), e.Stats.NetInputBytes.Load(), e.Stats.NetOutputBytes.Load()}
}

func (s *opsSampler) init(e *Engine, now int64) {
	s.mu.Lock()
	s.last = now
	s.prev = s.counters(e)
	s.ring = [3][opsSamples]float64{}
	s.next.Store(now + opsPeriodMs)
	s.mu.Unlock()
}

// sample adds one sample per elapsed period (at most a full ring), so that
// an idle server decays to zero as Redis's cron-driven sampling does.
func (s *opsSampler) sample(e *Engine, now int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dt := now - s.last
	if dt < opsPeriodMs {
		return
	}
	cur := s.counters(e)
	steps := int(dt / opsPeriodMs)
	if steps > opsSamples {
		steps = opsSamples
	}
	for k := 0; k < 3; k++ {
		rate := float64(cur[k]-s.prev[k]) * 1000 / float64(dt)
		for i := 0; i < steps; i++ {
			s.ring[k][(s.idx+i)%opsSamples] = rate
		}
	}
	s.idx = (s.idx + steps) % opsSamples
	s.last = now
	s.prev = cur
	s.next.Store(now + opsPeriodMs)
}

// InstantaneousMetrics returns the recent commands per second and input
// and output bytes per second, averaged over the last 16 samples.
func (e *Engine) InstantaneousMetrics() (ops, inBytes, outBytes float64) {
	s := &e.admin().ops
	s.sample(e, time.Now().UnixMilli())
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum [3]float64
	for k := 0; k < 3; k++ {
		for _, v := range s.ring[k] {
			sum[k] += v
		}
	}
	return sum[0] / opsSamples, sum[1] / opsSamples, sum[2] / opsSamples
}

// ResetInstantaneousMetrics clears the samples (CONFIG RESETSTAT).
func (e *Engine) ResetInstantaneousMetrics() {
	e.admin().ops.init(e, time.Now().UnixMilli())
}

// ---------------------------------------------------------------------------
// Replication ids and memory peaks reported by INFO.

// ReplID returns the replication id and the secondary id.
func (e *Engine) ReplID() (string, string) {
	a := e.admin()
	return *a.replID.Load(), *a.replID2.Load()
}

// ChangeReplID assigns a new random replication id (DEBUG CHANGE-REPL-ID).
func (e *Engine) ChangeReplID() {
	id := randomReplID()
	e.admin().replID.Store(&id)
}

// MemoryPeak folds cur into the peak memory and returns the peak.
func (e *Engine) MemoryPeak(cur uint64) uint64 {
	a := e.admin()
	for {
		p := a.peakMem.Load()
		if cur <= p {
			return p
		}
		if a.peakMem.CompareAndSwap(p, cur) {
			return cur
		}
	}
}

// MemoryStartup returns the heap in use when the engine first served a
// command (cur when that could not be read).
func (e *Engine) MemoryStartup(cur uint64) uint64 {
	a := e.admin()
	a.startupMem.CompareAndSwap(0, cur)
	return a.startupMem.Load()
}
