package commands

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redwingdb/redwing/internal/clock"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/resp"
)

func init() {
	engine.Register("config|get", cmdConfigGet)
	engine.Register("config|set", cmdConfigSet)
	engine.Register("config|resetstat", cmdConfigResetStat)
	engine.Register("config|rewrite", cmdConfigRewrite)
	engine.Register("config|help", cmdConfigHelp)
	engine.Register("time", cmdTime)
	engine.Register("lastsave", cmdLastSave)
	engine.Register("shutdown", cmdShutdown)
	engine.Register("monitor", cmdMonitor)
	engine.Register("slowlog|get", cmdSlowlogGet)
	engine.Register("slowlog|len", cmdSlowlogLen)
	engine.Register("slowlog|reset", cmdSlowlogReset)
	engine.Register("slowlog|help", cmdSlowlogHelp)
	engine.Register("latency|latest", cmdLatencyLatest)
	engine.Register("latency|history", cmdLatencyHistory)
	engine.Register("latency|reset", cmdLatencyReset)
	engine.Register("latency|doctor", cmdLatencyDoctor)
	engine.Register("latency|graph", cmdLatencyGraph)
	engine.Register("latency|histogram", cmdLatencyHistogram)
	engine.Register("latency|help", cmdLatencyHelp)
}

// adminHelp writes a subcommand help reply in Redis's format: a header
// line, the given lines and the HELP entry, each a status reply.
func adminHelp(c *engine.Ctx, lines ...string) {
	c.W.Array(len(lines) + 3)
	c.W.Simple(strings.ToUpper(string(c.Argv[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Prints this help.")
}

// adminSubcommandSyntax writes Redis's addReplySubcommandSyntaxError.
func adminSubcommandSyntax(c *engine.Ctx) {
	sub := string(c.Argv[1])
	if len(sub) > 128 {
		sub = sub[:128]
	}
	c.ErrString("ERR unknown subcommand or wrong number of arguments for '" + sub +
		"'. Try " + strings.ToUpper(string(c.Argv[0])) + " HELP.")
}

// ---------------------------------------------------------------------------
// CONFIG

// The configuration methods used here; *config.Config implements them.
type (
	configGetMulti interface {
		GetMulti(patterns ...string) [][2]string
	}
	configGetter interface {
		Get(pattern string) [][2]string
	}
	configSetter interface {
		Set(pairs ...string) error
	}
	configRewriter interface {
		Rewrite() error
	}
)

// CONFIG GET parameter [parameter ...]
func cmdConfigGet(c *engine.Ctx) {
	patterns := make([]string, len(c.Argv)-2)
	for i, a := range c.Argv[2:] {
		patterns[i] = string(a)
	}
	var pairs [][2]string
	switch cfg := c.E.Cfg.(type) {
	case configGetMulti:
		pairs = cfg.GetMulti(patterns...)
	case configGetter:
		seen := map[string]bool{}
		for _, p := range patterns {
			for _, kv := range cfg.Get(p) {
				if !seen[strings.ToLower(kv[0])] {
					seen[strings.ToLower(kv[0])] = true
					pairs = append(pairs, kv)
				}
			}
		}
	}
	c.W.Map(len(pairs))
	for _, kv := range pairs {
		c.W.BulkString(kv[0])
		c.W.BulkString(kv[1])
	}
}

// CONFIG SET parameter value [parameter value ...]
func cmdConfigSet(c *engine.Ctx) {
	cfg, ok := c.E.Cfg.(configSetter)
	if !ok {
		c.ErrString("ERR CONFIG SET is not supported by this server")
		return
	}
	pairs := make([]string, len(c.Argv)-2)
	for i, a := range c.Argv[2:] {
		pairs[i] = string(a)
	}
	var err error
	if ls, ok := c.E.Cfg.(*config.Config); ok {
		// enable-protected-configs local: local clients may set them.
		err = ls.SetWith(config.SetOptions{LocalClient: isLocalClient(c.C)}, pairs...)
	} else {
		err = cfg.Set(pairs...)
	}
	if err != nil {
		c.Err(err)
		return
	}
	c.W.OK()
}

// CONFIG RESETSTAT
func cmdConfigResetStat(c *engine.Ctx) {
	st := &c.E.Stats
	st.Commands.Store(0)
	st.Connections.Store(0)
	st.RejectedConns.Store(0)
	st.KeyspaceHits.Store(0)
	st.KeyspaceMisses.Store(0)
	st.NetInputBytes.Store(0)
	st.NetOutputBytes.Store(0)
	st.UnexpectedError.Store(0)
	st.ResetErrors()
	c.E.KS.ExpiredKeys.Store(0)
	c.E.KS.ResetEvictionStats() // evicted_keys, eviction exceeded time, lazyfreed_objects
	c.E.ResetCommandStats()
	c.E.ResetInstantaneousMetrics()
	readGCPauses(true)
	c.W.OK()
}

// CONFIG REWRITE
func cmdConfigRewrite(c *engine.Ctx) {
	cfg, ok := c.E.Cfg.(configRewriter)
	if !ok {
		c.ErrString("ERR The server is running without a config file")
		return
	}
	if err := cfg.Rewrite(); err != nil {
		c.Err(err)
		return
	}
	c.W.OK()
}

// CONFIG HELP
func cmdConfigHelp(c *engine.Ctx) {
	adminHelp(c,
		"GET <pattern>",
		"    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>",
		"    Set the configuration <directive> to <value>.",
		"RESETSTAT",
		"    Reset statistics reported by the INFO command.",
		"REWRITE",
		"    Rewrite the configuration file.")
}

// ---------------------------------------------------------------------------
// TIME, LASTSAVE, SHUTDOWN, MONITOR

// TIME
func cmdTime(c *engine.Ctx) {
	var sec, usec int64
	if _, real := c.E.KS.Clock.(clock.Real); real || c.E.KS.Clock == nil {
		now := time.Now()
		sec, usec = now.Unix(), int64(now.Nanosecond()/1000)
	} else {
		// An injected clock (tests) has millisecond resolution.
		ms := c.Now()
		sec, usec = ms/1000, ms%1000*1000
	}
	c.W.Array(2)
	c.W.BulkInt(sec)
	c.W.BulkInt(usec)
}

// LASTSAVE
func cmdLastSave(c *engine.Ctx) {
	c.W.Int(c.E.LastSave.Load())
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
func cmdShutdown(c *engine.Ctx) {
	var nosave, save, abort, flags bool
	for _, a := range c.Argv[1:] {
		switch {
		case eqFold(a, "NOSAVE"):
			nosave, flags = true, true
		case eqFold(a, "SAVE"):
			save, flags = true, true
		case eqFold(a, "NOW"), eqFold(a, "FORCE"):
			// Redwing has no replicas to wait for and no save to force.
			flags = true
		case eqFold(a, "ABORT"):
			abort = true
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	if (abort && flags) || (nosave && save) {
		c.Err(errs.Syntax)
		return
	}
	if abort {
		// A shutdown starts and ends within SHUTDOWN: none is ever pending.
		c.ErrString("ERR No shutdown in progress.")
		return
	}
	doSave := save
	if !save && !nosave && c.E.Cfg != nil {
		doSave = strings.TrimSpace(c.E.Cfg.String("save")) != ""
	}
	if c.E.Shutdown == nil || c.E.Shutdown(doSave) != nil {
		c.ErrString("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	// As Redis, which exits: no reply, the connection closes.
	c.C.Closing = true
}

// MONITOR
func cmdMonitor(c *engine.Ctx) {
	c.E.StartMonitor(c)
}

// ---------------------------------------------------------------------------
// SLOWLOG

// SLOWLOG GET [count]
func cmdSlowlogGet(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		adminSubcommandSyntax(c)
		return
	}
	count := int64(10)
	if len(c.Argv) == 3 {
		n, ok := resp.ParseInt(c.Argv[2])
		if !ok || n < -1 {
			c.ErrString("ERR count should be greater than or equal to -1")
			return
		}
		count = n
	}
	entries := c.E.SlowlogGet(count)
	c.W.Array(len(entries))
	for _, e := range entries {
		c.W.Array(6)
		c.W.Int(e.ID)
		c.W.Int(e.Time)
		c.W.Int(e.Duration)
		c.W.Array(len(e.Argv))
		for _, a := range e.Argv {
			c.W.Bulk(a)
		}
		c.W.BulkString(e.Peer)
		c.W.BulkString(e.Name)
	}
}

// SLOWLOG LEN
func cmdSlowlogLen(c *engine.Ctx) {
	c.W.Int(int64(c.E.SlowlogLen()))
}

// SLOWLOG RESET
func cmdSlowlogReset(c *engine.Ctx) {
	c.E.SlowlogReset()
	c.W.OK()
}

// SLOWLOG HELP
func cmdSlowlogHelp(c *engine.Ctx) {
	adminHelp(c,
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.")
}

// ---------------------------------------------------------------------------
// LATENCY

// LATENCY LATEST
func cmdLatencyLatest(c *engine.Ctx) {
	events := c.E.LatencyEvents()
	c.W.Array(len(events))
	for _, ev := range events {
		c.W.Array(4)
		c.W.BulkString(ev.Name)
		c.W.Int(ev.Latest.Time)
		c.W.Int(ev.Latest.Latency)
		c.W.Int(ev.Max)
	}
}

// LATENCY HISTORY event
func cmdLatencyHistory(c *engine.Ctx) {
	ev, _ := c.E.LatencyEvent(string(c.Argv[2]))
	c.W.Array(len(ev.Samples))
	for _, s := range ev.Samples {
		c.W.Array(2)
		c.W.Int(s.Time)
		c.W.Int(s.Latency)
	}
}

// LATENCY RESET [event [event ...]]
func cmdLatencyReset(c *engine.Ctx) {
	names := make([]string, len(c.Argv)-2)
	for i, a := range c.Argv[2:] {
		names[i] = string(a)
	}
	if len(names) == 0 {
		c.W.Int(int64(c.E.ResetLatencyEvents()))
		return
	}
	c.W.Int(int64(c.E.ResetLatencyEvents(names...)))
}

// LATENCY GRAPH event
func cmdLatencyGraph(c *engine.Ctx) {
	ev, ok := c.E.LatencyEvent(string(c.Argv[2]))
	if !ok {
		c.ErrString("ERR No samples available for event '" + string(c.Argv[2]) + "'")
		return
	}
	c.W.Verbatim("txt", latencyGraph(ev, time.Now().Unix()))
}

// latencyGraph draws the event's samples as a small ASCII chart: a title
// line, a rule, four rows of bars (one column per sample, scaled between
// the lowest and highest sample) and each sample's age written vertically.
func latencyGraph(ev engine.LatencyEvent, now int64) string {
	const rows, cols = 4, 80
	var lo, hi int64
	for i, s := range ev.Samples {
		if i == 0 || s.Latency < lo {
			lo = s.Latency
		}
		if i == 0 || s.Latency > hi {
			hi = s.Latency
		}
	}
	var b strings.Builder
	b.WriteString(ev.Name + " - high " + strconv.FormatInt(hi, 10) + " ms, low " +
		strconv.FormatInt(lo, 10) + " ms (all time high " + strconv.FormatInt(ev.Max, 10) + " ms)\n")
	b.WriteString(strings.Repeat("-", cols) + "\n")
	samples := ev.Samples
	if len(samples) > cols {
		samples = samples[len(samples)-cols:]
	}
	// Each row has three levels ('_' low, '-' middle, '`' high); rows
	// under a sample's top level are filled with '|'.
	levels := int64(rows * 3)
	height := make([]int64, len(samples))
	for i, s := range samples {
		if hi == lo {
			height[i] = 1
		} else {
			height[i] = 1 + (s.Latency-lo)*(levels-1)/(hi-lo)
		}
	}
	for r := rows - 1; r >= 0; r-- {
		line := make([]byte, len(samples))
		for i, h := range height {
			switch v := h - int64(3*r); {
			case v > 3:
				line[i] = '|'
			case v == 3:
				line[i] = '`'
			case v == 2:
				line[i] = '-'
			case v == 1:
				line[i] = '_'
			default:
				line[i] = ' '
			}
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	labels := make([]string, len(samples))
	width := 0
	for i, s := range samples {
		labels[i] = ageLabel(now - s.Time)
		if len(labels[i]) > width {
			width = len(labels[i])
		}
	}
	for r := 0; r < width; r++ {
		line := make([]byte, len(labels))
		for i, l := range labels {
			line[i] = ' '
			if r < len(l) {
				line[i] = l[r]
			}
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func ageLabel(sec int64) string {
	switch {
	case sec < 60:
		return strconv.FormatInt(sec, 10) + "s"
	case sec < 3600:
		return strconv.FormatInt(sec/60, 10) + "m"
	case sec < 86400:
		return strconv.FormatInt(sec/3600, 10) + "h"
	}
	return strconv.FormatInt(sec/86400, 10) + "d"
}

// LATENCY DOCTOR
func cmdLatencyDoctor(c *engine.Ctx) {
	c.W.Verbatim("txt", latencyReport(c.E, time.Now().Unix()))
}

// latencyReport is Redwing's own wording of a latency analysis: one line
// per event with its statistics, then advice for the kinds of events seen.
func latencyReport(e *engine.Engine, now int64) string {
	threshold, slower := int64(0), int64(10000)
	if e.Cfg != nil {
		threshold = e.Cfg.Int("latency-monitor-threshold")
		slower = e.Cfg.Int("slowlog-log-slower-than")
	}
	events := e.LatencyEvents()
	if len(events) == 0 && threshold == 0 {
		return "Latency monitoring is disabled. Enable it with " +
			"\"CONFIG SET latency-monitor-threshold <milliseconds>\" to have events " +
			"slower than the threshold recorded and analysed here.\n"
	}
	if len(events) == 0 {
		return "No latency events were recorded since the server started or the " +
			"last LATENCY RESET: nothing took longer than " + strconv.FormatInt(threshold, 10) + " ms.\n"
	}
	var b strings.Builder
	b.WriteString("Latency events recorded by this server:\n\n")
	var slowCmds, fastCmds bool
	for i, ev := range events {
		var sum, mad int64
		period := now
		for _, s := range ev.Samples {
			sum += s.Latency
			if s.Time < period {
				period = s.Time
			}
		}
		n := int64(len(ev.Samples))
		avg := int64(0)
		if n > 0 {
			avg = sum / n
			for _, s := range ev.Samples {
				d := s.Latency - avg
				if d < 0 {
					d = -d
				}
				mad += d
			}
			mad /= n
		}
		span := now - period
		if span <= 0 {
			span = 1
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + ev.Name + ": " + strconv.FormatInt(n, 10) +
			" samples, average " + strconv.FormatInt(avg, 10) + " ms, mean deviation " +
			strconv.FormatInt(mad, 10) + " ms, over the last " + strconv.FormatInt(span, 10) +
			" s; highest ever " + strconv.FormatInt(ev.Max, 10) + " ms.\n")
		switch ev.Name {
		case "command":
			slowCmds = true
		case "fast-command":
			fastCmds = true
		}
	}
	if !slowCmds && !fastCmds {
		return b.String()
	}
	b.WriteString("\nSuggestions:\n\n")
	if slowCmds {
		if slower < 0 {
			b.WriteString("- The slow log is disabled; enable it with 'CONFIG SET slowlog-log-slower-than " +
				strconv.FormatInt(threshold*1000, 10) + "' to see which commands are slow.\n")
		} else if slower/1000 > threshold {
			b.WriteString("- The slow log threshold is above the latency monitor threshold; use " +
				"'CONFIG SET slowlog-log-slower-than " + strconv.FormatInt(threshold*1000, 10) +
				"' to log the same commands.\n")
		}
		b.WriteString("- Look at SLOWLOG GET for the commands that took long. Commands that work on " +
			"whole large values (deleting big keys, SMEMBERS, HGETALL, LRANGE 0 -1 on long lists) are " +
			"usual suspects; split large values or use the incremental SCAN family.\n")
	}
	if fastCmds {
		b.WriteString("- Even constant-time commands were slow: the machine may be overloaded or the " +
			"process starved of CPU (other processes, a noisy virtual machine neighbour, swapping).\n")
	}
	return b.String()
}

// LATENCY HISTOGRAM [command [command ...]]
func cmdLatencyHistogram(c *engine.Ctx) {
	var cmds []*engine.Command
	if len(c.Argv) == 2 {
		forEachCommand(c.E, func(cmd *engine.Command) { cmds = append(cmds, cmd) })
	} else {
		for _, a := range c.Argv[2:] {
			name, sub, isSub := strings.Cut(string(a), "|")
			cmd := c.E.Lookup([]byte(name))
			if cmd == nil {
				continue
			}
			if isSub {
				if s := cmd.Subs[strings.ToLower(sub)]; s != nil {
					cmds = append(cmds, s)
				}
				continue
			}
			if cmd.Proc != nil {
				cmds = append(cmds, cmd)
			}
			subs := make([]string, 0, len(cmd.Subs))
			for s := range cmd.Subs {
				subs = append(subs, s)
			}
			sort.Strings(subs)
			for _, s := range subs {
				cmds = append(cmds, cmd.Subs[s])
			}
		}
	}
	var snap engine.HistSnapshot
	mark := c.W.DeferLen()
	n := 0
	for _, cmd := range cmds {
		h := c.E.CommandHistogram(cmd)
		if h == nil || !h.Snapshot(&snap) {
			continue
		}
		n++
		c.W.BulkString(cmd.Spec.Name)
		c.W.Map(2)
		c.W.BulkString("calls")
		c.W.Int(snap.Total())
		c.W.BulkString("histogram_usec")
		cdf := snap.CDF()
		c.W.Map(len(cdf))
		for _, p := range cdf {
			c.W.Int(p[0])
			c.W.Int(p[1])
		}
	}
	c.W.SetDeferred(mark, '%', n)
}

// LATENCY HELP
func cmdLatencyHelp(c *engine.Ctx) {
	adminHelp(c,
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.")
}
