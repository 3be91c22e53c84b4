package commands

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

func init() {
	engine.Register("info", cmdInfo)
}

// infoHooks are values other subsystems contribute to INFO. A nil func
// reads as 0; the owning family sets its funcs from its init.
var infoHooks struct {
	BlockedClients     func(e *engine.Engine) int64 // clients blocked on keys or WAIT
	BlockingKeys       func(e *engine.Engine) int64 // keys with blocked clients
	BlockingKeysNoKey  func(e *engine.Engine) int64 // of which unblock on key deletion
	TrackingClients    func(e *engine.Engine) int64
	TimeoutTable       func(e *engine.Engine) int64 // blocked clients with a timeout
	PubsubChannels     func(e *engine.Engine) int64
	PubsubPatterns     func(e *engine.Engine) int64
	PubsubShardChans   func(e *engine.Engine) int64
	CachedScripts      func(e *engine.Engine) int64
	ScriptsMemory      func(e *engine.Engine) int64 // used_memory_scripts_eval
	LuaMemory          func(e *engine.Engine) int64 // used_memory_vm_eval
	Functions          func(e *engine.Engine) int64
	FunctionLibraries  func(e *engine.Engine) int64
	EvictedKeys        func(e *engine.Engine) int64
	TrackingKeys       func(e *engine.Engine) int64
	TrackingItems      func(e *engine.Engine) int64
	TrackingPrefixes   func(e *engine.Engine) int64
	ACLDeniedAuth      func(e *engine.Engine) int64
	ACLDeniedCmd       func(e *engine.Engine) int64
	ACLDeniedKey       func(e *engine.Engine) int64
	ACLDeniedChannel   func(e *engine.Engine) int64
	DumpSanitizations  func(e *engine.Engine) int64
	ReplBacklogActive  func(e *engine.Engine) int64
	ReplOffset         func(e *engine.Engine) int64
	ReplConnectedSlave func(e *engine.Engine) int64
}

func hookVal(f func(e *engine.Engine) int64, e *engine.Engine) int64 {
	if f == nil {
		return 0
	}
	return f(e)
}

// infoSectionsDefault are the sections of INFO without arguments (and of
// INFO default), in output order.
var infoSectionsDefault = []string{"server", "clients", "memory", "persistence", "stats",
	"replication", "cpu", "module_list", "errorstats", "cluster", "keyspace"}

// INFO [section [section ...]]
func cmdInfo(c *engine.Ctx) {
	var sections map[string]bool
	all := false
	if len(c.Argv) == 1 {
		sections = infoDefaultSet
	} else {
		sections = map[string]bool{}
		for _, a := range c.Argv[1:] {
			s := strings.ToLower(string(a))
			switch s {
			case "default":
				for _, d := range infoSectionsDefault {
					sections[d] = true
				}
			case "all", "everything": // no module sections exist
				all = true
			default:
				sections[s] = true
			}
		}
	}
	text := genInfo(c.E, sections, all)
	c.W.Verbatim("txt", string(text))
}

var infoDefaultSet = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range infoSectionsDefault {
		m[s] = true
	}
	return m
}()

// infoBuf builds the INFO text.
type infoBuf struct {
	b        []byte
	sections int
}

func (ib *infoBuf) section(title string) {
	if ib.sections > 0 {
		ib.b = append(ib.b, "\r\n"...)
	}
	ib.sections++
	ib.b = append(ib.b, "# "...)
	ib.b = append(ib.b, title...)
	ib.b = append(ib.b, "\r\n"...)
}

func (ib *infoBuf) str(k, v string) {
	ib.b = append(ib.b, k...)
	ib.b = append(ib.b, ':')
	ib.b = append(ib.b, v...)
	ib.b = append(ib.b, "\r\n"...)
}

func (ib *infoBuf) int(k string, v int64) {
	ib.b = append(ib.b, k...)
	ib.b = append(ib.b, ':')
	ib.b = strconv.AppendInt(ib.b, v, 10)
	ib.b = append(ib.b, "\r\n"...)
}

func (ib *infoBuf) uint(k string, v uint64) {
	ib.b = append(ib.b, k...)
	ib.b = append(ib.b, ':')
	ib.b = strconv.AppendUint(ib.b, v, 10)
	ib.b = append(ib.b, "\r\n"...)
}

// float writes v with prec decimals (printf "%.<prec>f"), plus suffix.
func (ib *infoBuf) float(k string, v float64, prec int, suffix string) {
	ib.b = append(ib.b, k...)
	ib.b = append(ib.b, ':')
	ib.b = strconv.AppendFloat(ib.b, v, 'f', prec, 64)
	ib.b = append(ib.b, suffix...)
	ib.b = append(ib.b, "\r\n"...)
}

// cpu writes a timeval as "%ld.%06ld".
func (ib *infoBuf) cpu(k string, d time.Duration) {
	ib.b = append(ib.b, k...)
	ib.b = append(ib.b, ':')
	ib.b = strconv.AppendInt(ib.b, int64(d/time.Second), 10)
	ib.b = append(ib.b, '.')
	us := strconv.AppendInt(nil, int64(d%time.Second/time.Microsecond), 10)
	for i := len(us); i < 6; i++ {
		ib.b = append(ib.b, '0')
	}
	ib.b = append(ib.b, us...)
	ib.b = append(ib.b, "\r\n"...)
}

func genInfo(e *engine.Engine, sections map[string]bool, all bool) []byte {
	ib := &infoBuf{b: make([]byte, 0, 4096)}
	want := func(s string) bool { return all || sections[s] }
	now := time.Now()
	cfg := e.Cfg
	if want("server") {
		infoServer(ib, e, now)
	}
	if want("clients") {
		infoClients(ib, e)
	}
	var mem memStats
	if want("memory") {
		readMemStats(e, &mem)
		infoMemory(ib, e, &mem)
	}
	if want("persistence") {
		infoPersistence(ib, e)
	}
	if want("stats") {
		infoStats(ib, e)
	}
	if want("replication") {
		infoReplication(ib, e)
	}
	if want("cpu") {
		infoCPU(ib)
	}
	if want("module_list") || want("modules") {
		ib.section("Modules")
	}
	if want("commandstats") {
		ib.section("Commandstats")
		forEachCommand(e, func(cmd *engine.Command) {
			st := &cmd.Stats
			calls, usec := st.Calls.Load(), st.Usec.Load()
			rejected, failed := st.Rejected.Load(), st.Failed.Load()
			if calls == 0 && rejected == 0 && failed == 0 {
				return
			}
			var per float32
			if calls != 0 {
				per = float32(usec) / float32(calls)
			}
			ib.b = append(ib.b, "cmdstat_"...)
			ib.b = appendSafeInfo(ib.b, cmd.Spec.Name)
			ib.b = append(ib.b, ":calls="...)
			ib.b = strconv.AppendInt(ib.b, calls, 10)
			ib.b = append(ib.b, ",usec="...)
			ib.b = strconv.AppendInt(ib.b, usec, 10)
			ib.b = append(ib.b, ",usec_per_call="...)
			ib.b = strconv.AppendFloat(ib.b, float64(per), 'f', 2, 64)
			ib.b = append(ib.b, ",rejected_calls="...)
			ib.b = strconv.AppendInt(ib.b, rejected, 10)
			ib.b = append(ib.b, ",failed_calls="...)
			ib.b = strconv.AppendInt(ib.b, failed, 10)
			ib.b = append(ib.b, "\r\n"...)
		})
	}
	if want("errorstats") {
		ib.section("Errorstats")
		counts := e.Stats.ErrorCounts()
		codes := make([]string, 0, len(counts))
		for code := range counts {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			ib.b = append(ib.b, "errorstat_"...)
			ib.b = appendSafeInfo(ib.b, code)
			ib.b = append(ib.b, ":count="...)
			ib.b = strconv.AppendInt(ib.b, counts[code], 10)
			ib.b = append(ib.b, "\r\n"...)
		}
	}
	if want("latencystats") {
		ib.section("Latencystats")
		if cfg == nil || cfg.Bool("latency-tracking") {
			pcts := latencyPercentiles(cfg)
			var snap engine.HistSnapshot
			forEachCommand(e, func(cmd *engine.Command) {
				h := e.CommandHistogram(cmd)
				if h == nil || !h.Snapshot(&snap) {
					return
				}
				ib.b = append(ib.b, "latency_percentiles_usec_"...)
				ib.b = appendSafeInfo(ib.b, cmd.Spec.Name)
				ib.b = append(ib.b, ':')
				for i, p := range pcts {
					if i > 0 {
						ib.b = append(ib.b, ',')
					}
					ib.b = append(ib.b, 'p')
					ib.b = appendTrimmedFloat(ib.b, p)
					ib.b = append(ib.b, '=')
					ib.b = strconv.AppendFloat(ib.b, float64(snap.ValueAtPercentile(p))/1000, 'f', 3, 64)
				}
				ib.b = append(ib.b, "\r\n"...)
			})
		}
	}
	if want("cluster") {
		ib.section("Cluster")
		ib.int("cluster_enabled", boolInt(cfg != nil && cfg.Bool("cluster-enabled")))
	}
	if want("keyspace") {
		ib.section("Keyspace")
		ks := e.KS
		for i := 0; i < ks.NumDBs(); i++ {
			db := ks.DBIfUsed(i)
			if db == nil {
				continue
			}
			keys, exp := db.Size(), db.Expires()
			if keys == 0 && exp == 0 {
				continue
			}
			ib.b = append(ib.b, "db"...)
			ib.b = strconv.AppendInt(ib.b, int64(i), 10)
			ib.b = append(ib.b, ":keys="...)
			ib.b = strconv.AppendInt(ib.b, keys, 10)
			ib.b = append(ib.b, ",expires="...)
			ib.b = strconv.AppendInt(ib.b, exp, 10)
			ib.b = append(ib.b, ",avg_ttl=0\r\n"...)
		}
	}
	return ib.b
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// forEachCommand visits every registered command and subcommand, by name
// (a container command before its subcommands).
func forEachCommand(e *engine.Engine, fn func(cmd *engine.Command)) {
	table := e.Commands()
	names := make([]string, 0, len(table))
	for name := range table {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		cmd := table[name]
		fn(cmd) // containers (CONFIG ...) only have rejected calls
		if len(cmd.Subs) > 0 {
			subs := make([]string, 0, len(cmd.Subs))
			for s := range cmd.Subs {
				subs = append(subs, s)
			}
			sort.Strings(subs)
			for _, s := range subs {
				fn(cmd.Subs[s])
			}
		}
	}
}

// appendSafeInfo appends s with the characters INFO cannot carry
// ('#', ':', CR, LF) replaced by '_'.
func appendSafeInfo(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch ch {
		case '#', ':', '\r', '\n':
			ch = '_'
		}
		b = append(b, ch)
	}
	return b
}

// appendTrimmedFloat formats v as printf("%f") with trailing zeros and a
// trailing dot removed (Redis's trimDoubleString).
func appendTrimmedFloat(b []byte, v float64) []byte {
	s := strconv.AppendFloat(nil, v, 'f', 6, 64)
	if bytes.IndexByte(s, '.') >= 0 {
		s = bytes.TrimRight(s, "0")
		s = bytes.TrimSuffix(s, []byte("."))
	}
	return append(b, s...)
}

type percentiler interface {
	LatencyPercentiles() []float64
}

func latencyPercentiles(cfg engine.Settings) []float64 {
	if p, ok := cfg.(percentiler); ok {
		return p.LatencyPercentiles()
	}
	if cfg == nil {
		return []float64{50, 99, 99.9}
	}
	var out []float64
	for _, f := range strings.Fields(cfg.String("latency-tracking-info-percentiles")) {
		if v, err := strconv.ParseFloat(f, 64); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Server section.

var (
	infoStaticOnce sync.Once
	infoOS         string
	infoExecutable string
	infoBuildID    string
	infoSysMem     uint64
)

func loadInfoStatic() {
	infoStaticOnce.Do(func() {
		sys := runtime.GOOS
		if sys != "" {
			sys = strings.ToUpper(sys[:1]) + sys[1:]
		}
		release := ""
		if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
			release = strings.TrimSpace(string(b))
		}
		machine := runtime.GOARCH
		switch machine {
		case "amd64":
			machine = "x86_64"
		case "arm64":
			machine = "aarch64"
		case "386":
			machine = "i686"
		}
		infoOS = sys + " " + release + " " + machine
		if exe, err := os.Executable(); err == nil {
			infoExecutable = exe
		}
		infoBuildID = "0"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 16 {
					infoBuildID = s.Value[:16]
				}
			}
		}
		infoSysMem = systemMemory()
	})
}

// systemMemory returns the machine's physical memory in bytes.
func systemMemory() uint64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseUint(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

type configFiler interface {
	ConfigFile() string
}

func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux":
		return "epoll"
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "windows":
		return "iocp"
	}
	return "poll"
}

func infoServer(ib *infoBuf, e *engine.Engine, now time.Time) {
	loadInfoStatic()
	cfg := e.Cfg
	uptime := int64(now.Sub(e.Start) / time.Second)
	ib.section("Server")
	ib.str("redis_version", engine.RedisVersion)
	ib.str("redis_git_sha1", "00000000")
	ib.str("redis_git_dirty", "0")
	ib.str("redis_build_id", infoBuildID)
	ib.str("redis_mode", "standalone")
	ib.str("os", infoOS)
	ib.int("arch_bits", strconv.IntSize)
	ib.str("monotonic_clock", "POSIX clock_gettime")
	ib.str("multiplexing_api", multiplexingAPI())
	ib.str("atomicvar_api", "c11-builtin")
	ib.str("gcc_version", "0.0.0")
	ib.int("process_id", int64(os.Getpid()))
	supervised := e.Supervised
	if supervised == "" {
		supervised = "no"
	}
	ib.str("process_supervised", supervised)
	ib.str("run_id", e.RunID)
	ib.int("tcp_port", int64(e.Port))
	ib.int("server_time_usec", now.UnixMicro())
	ib.int("uptime_in_seconds", uptime)
	ib.int("uptime_in_days", uptime/(3600*24))
	hz := int64(10)
	if cfg != nil {
		hz = cfg.Int("hz")
	}
	ib.int("hz", hz)
	ib.int("configured_hz", hz)
	ib.int("lru_clock", (now.UnixMilli()/1000)&(1<<24-1))
	ib.str("executable", infoExecutable)
	cf := ""
	if f, ok := cfg.(configFiler); ok {
		cf = f.ConfigFile()
	}
	ib.str("config_file", cf)
	ib.int("io_threads_active", 0)
	// Redis 7.2 lists its listeners.
	n := 0
	if e.Port != 0 {
		ib.b = append(ib.b, "listener0:name=tcp"...)
		binds := []string{"*", "-::*"}
		if cfg != nil {
			binds = strings.Fields(cfg.String("bind"))
		}
		for _, b := range binds {
			ib.b = append(ib.b, ",bind="...)
			ib.b = append(ib.b, b...)
		}
		ib.b = append(ib.b, ",port="...)
		ib.b = strconv.AppendInt(ib.b, int64(e.Port), 10)
		ib.b = append(ib.b, "\r\n"...)
		n++
	}
	if cfg != nil {
		if us := cfg.String("unixsocket"); us != "" {
			ib.b = append(ib.b, "listener"...)
			ib.b = strconv.AppendInt(ib.b, int64(n), 10)
			ib.b = append(ib.b, ":name=unix,bind="...)
			ib.b = append(ib.b, us...)
			ib.b = append(ib.b, "\r\n"...)
		}
	}
}

// ---------------------------------------------------------------------------
// Clients section.

func infoClients(ib *infoBuf, e *engine.Engine) {
	var maxIn int64
	clients := e.Clients()
	for _, cl := range clients {
		if q := cl.QueryBufLen.Load(); q > maxIn {
			maxIn = q
		}
	}
	maxClients := int64(10000)
	if e.Cfg != nil {
		maxClients = e.Cfg.Int("maxclients")
	}
	ib.section("Clients")
	ib.int("connected_clients", int64(len(clients)))
	ib.int("cluster_connections", 0)
	ib.int("maxclients", maxClients)
	ib.int("client_recent_max_input_buffer", maxIn)
	ib.int("client_recent_max_output_buffer", 0)
	ib.int("blocked_clients", hookVal(infoHooks.BlockedClients, e))
	ib.int("tracking_clients", hookVal(infoHooks.TrackingClients, e))
	ib.int("clients_in_timeout_table", hookVal(infoHooks.TimeoutTable, e))
	ib.int("total_blocking_keys", hookVal(infoHooks.BlockingKeys, e))
	ib.int("total_blocking_keys_on_nokey", hookVal(infoHooks.BlockingKeysNoKey, e))
}

// ---------------------------------------------------------------------------
// Memory section and MEMORY STATS figures.

// memStats are the memory figures INFO memory and MEMORY STATS report,
// taken from the Go runtime in place of the allocator's counters.
type memStats struct {
	used, rss, peak, startup      uint64
	allocated, active, resident   uint64
	overhead, dataset, clients    uint64
	dbOverhead                    []dbOverhead
	keys                          int64
	peakPerc, datasetPerc         float64
	allocFrag, allocRSS, rssExtra float64
	totalFrag                     float64
	maxmemory                     uint64
}

type dbOverhead struct {
	db            int
	main, expires uint64
}

var memSamples = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/unused:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

var memSamplesMu sync.Mutex

func metricU64(s metrics.Sample) uint64 {
	if s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

// processRSS returns the resident set size from /proc/self/statm.
func processRSS() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// Sizes Redis accounts for each key in the main and expires hash tables
// (dictEntry plus a bucket pointer).
const (
	dictEntryOverhead = 24 + 8
	clientOverhead    = 1024
)

func readMemStats(e *engine.Engine, m *memStats) {
	memSamplesMu.Lock()
	metrics.Read(memSamples)
	objects := metricU64(memSamples[0])
	unused := metricU64(memSamples[1])
	total := metricU64(memSamples[2])
	released := metricU64(memSamples[3])
	memSamplesMu.Unlock()

	m.used = keyspace.UsedMemory() // live heap at the last GC + keyspace growth since (keyspace/memory.go)
	m.allocated = objects
	m.active = objects + unused
	m.resident = total - released
	m.rss = processRSS()
	if m.rss == 0 {
		m.rss = m.resident
	}
	m.peak = e.MemoryPeak(m.used)
	m.startup = e.MemoryStartup(m.used)
	for _, c := range e.Clients() {
		m.clients += clientOverhead + uint64(c.QueryBufLen.Load())
	}
	m.overhead = m.startup + m.clients
	ks := e.KS
	m.dbOverhead = m.dbOverhead[:0]
	for i := 0; i < ks.NumDBs(); i++ {
		db := ks.DBIfUsed(i)
		if db == nil {
			continue
		}
		keys, exp := db.Size(), db.Expires()
		if keys == 0 && exp == 0 {
			continue
		}
		d := dbOverhead{db: i, main: uint64(keys) * dictEntryOverhead, expires: uint64(exp) * dictEntryOverhead}
		m.dbOverhead = append(m.dbOverhead, d)
		m.overhead += d.main + d.expires
		m.keys += keys
	}
	if m.overhead > m.used {
		m.overhead = m.used
	}
	m.dataset = m.used - m.overhead
	net := uint64(0)
	if m.used > m.startup {
		net = m.used - m.startup
	}
	if net > 0 {
		m.datasetPerc = float64(float32(m.dataset) * 100 / float32(net))
	}
	if m.peak > 0 {
		m.peakPerc = float64(float32(m.used) * 100 / float32(m.peak))
	}
	m.allocFrag = ratio(m.active, m.allocated)
	m.allocRSS = ratio(m.resident, m.active)
	m.rssExtra = ratio(m.rss, m.resident)
	m.totalFrag = ratio(m.rss, m.used)
	if e.Cfg != nil {
		m.maxmemory = uint64(e.Cfg.Int("maxmemory"))
	}
}

func ratio(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return float64(float32(a) / float32(b))
}

func diff(a, b uint64) int64 { return int64(a) - int64(b) }

// bytesToHuman formats n as Redis's bytesToHuman ("1.50M").
func bytesToHuman(n uint64) string {
	units := []struct {
		limit float64
		unit  string
	}{{1 << 20, "K"}, {1 << 30, "M"}, {1 << 40, "G"}, {1 << 50, "T"}, {1 << 60, "P"}}
	if n < 1024 {
		return strconv.FormatUint(n, 10) + "B"
	}
	div := float64(1024)
	for _, u := range units {
		if float64(n) < u.limit {
			return strconv.FormatFloat(float64(n)/div, 'f', 2, 64) + u.unit
		}
		div *= 1024
	}
	return strconv.FormatUint(n, 10) + "B"
}

func infoMemory(ib *infoBuf, e *engine.Engine, m *memStats) {
	loadInfoStatic()
	lua := hookVal(infoHooks.LuaMemory, e)
	scripts := hookVal(infoHooks.ScriptsMemory, e)
	policy := "noeviction"
	if e.Cfg != nil {
		policy = e.Cfg.String("maxmemory-policy")
	}
	ib.section("Memory")
	ib.uint("used_memory", m.used)
	ib.str("used_memory_human", bytesToHuman(m.used))
	ib.uint("used_memory_rss", m.rss)
	ib.str("used_memory_rss_human", bytesToHuman(m.rss))
	ib.uint("used_memory_peak", m.peak)
	ib.str("used_memory_peak_human", bytesToHuman(m.peak))
	ib.float("used_memory_peak_perc", m.peakPerc, 2, "%")
	ib.uint("used_memory_overhead", m.overhead)
	ib.uint("used_memory_startup", m.startup)
	ib.uint("used_memory_dataset", m.dataset)
	ib.float("used_memory_dataset_perc", m.datasetPerc, 2, "%")
	ib.uint("allocator_allocated", m.allocated)
	ib.uint("allocator_active", m.active)
	ib.uint("allocator_resident", m.resident)
	ib.uint("total_system_memory", infoSysMem)
	ib.str("total_system_memory_human", bytesToHuman(infoSysMem))
	ib.int("used_memory_lua", lua)
	ib.int("used_memory_vm_eval", lua)
	ib.str("used_memory_lua_human", bytesToHuman(uint64(lua)))
	ib.int("used_memory_scripts_eval", scripts)
	ib.int("number_of_cached_scripts", hookVal(infoHooks.CachedScripts, e))
	ib.int("number_of_functions", hookVal(infoHooks.Functions, e))
	ib.int("number_of_libraries", hookVal(infoHooks.FunctionLibraries, e))
	ib.int("used_memory_vm_functions", 0)
	ib.int("used_memory_vm_total", lua)
	ib.str("used_memory_vm_total_human", bytesToHuman(uint64(lua)))
	ib.int("used_memory_functions", 0)
	ib.int("used_memory_scripts", scripts)
	ib.str("used_memory_scripts_human", bytesToHuman(uint64(scripts)))
	ib.uint("maxmemory", m.maxmemory)
	ib.str("maxmemory_human", bytesToHuman(m.maxmemory))
	ib.str("maxmemory_policy", policy)
	ib.float("allocator_frag_ratio", m.allocFrag, 2, "")
	ib.int("allocator_frag_bytes", diff(m.active, m.allocated))
	ib.float("allocator_rss_ratio", m.allocRSS, 2, "")
	ib.int("allocator_rss_bytes", diff(m.resident, m.active))
	ib.float("rss_overhead_ratio", m.rssExtra, 2, "")
	ib.int("rss_overhead_bytes", diff(m.rss, m.resident))
	ib.float("mem_fragmentation_ratio", m.totalFrag, 2, "")
	ib.int("mem_fragmentation_bytes", diff(m.rss, m.used))
	ib.int("mem_not_counted_for_evict", 0)
	ib.int("mem_replication_backlog", 0)
	ib.int("mem_total_replication_buffers", 0)
	ib.int("mem_clients_slaves", 0)
	ib.uint("mem_clients_normal", m.clients)
	ib.int("mem_cluster_links", 0)
	ib.int("mem_aof_buffer", 0)
	ib.str("mem_allocator", "go")
	ib.int("active_defrag_running", 0)
	ib.int("lazyfree_pending_objects", e.KS.LazyfreePendingObjects())
	ib.int("lazyfreed_objects", e.KS.LazyfreedObjects())
	gc := readGCPauses(false) // Redwing's own (gcpauses.go)
	ib.uint("gc_cycles", gc.cycles)
	ib.uint("gc_pause_max_us", gc.maxUs)
	ib.uint("gc_pause_stopping_max_us", gc.stoppingMaxUs)
	ib.uint("gc_pauses_over_1ms", gc.overOneMs)
}

// ---------------------------------------------------------------------------
// Persistence, stats, replication and CPU sections.

func infoPersistence(ib *infoBuf, e *engine.Engine) {
	aof := "0"
	if e.Cfg != nil && e.Cfg.Bool("appendonly") {
		aof = "1"
	}
	// Fields owned by the persistence layer replace the defaults below;
	// fields it adds (aof_current_size ...) follow, as in Redis.
	owned := map[string]string{}
	var ownedOrder []string
	if p := e.Persister(); p != nil {
		for _, kv := range p.Info() {
			owned[kv[0]] = kv[1]
			ownedOrder = append(ownedOrder, kv[0])
		}
	}
	fields := [][2]string{
		{"loading", "0"}, {"async_loading", "0"}, {"current_cow_peak", "0"}, {"current_cow_size", "0"},
		{"current_cow_size_age", "0"}, {"current_fork_perc", "0.00"}, {"current_save_keys_processed", "0"},
		{"current_save_keys_total", "0"},
		{"rdb_changes_since_last_save", strconv.FormatInt(e.Stats.Dirty.Load(), 10)},
		{"rdb_bgsave_in_progress", "0"},
		{"rdb_last_save_time", strconv.FormatInt(e.LastSave.Load(), 10)},
		{"rdb_last_bgsave_status", "ok"}, {"rdb_last_bgsave_time_sec", "-1"}, {"rdb_current_bgsave_time_sec", "-1"},
		{"rdb_saves", "0"}, {"rdb_last_cow_size", "0"}, {"rdb_last_load_keys_expired", "0"},
		{"rdb_last_load_keys_loaded", "0"}, {"aof_enabled", aof}, {"aof_rewrite_in_progress", "0"},
		{"aof_rewrite_scheduled", "0"}, {"aof_last_rewrite_time_sec", "-1"}, {"aof_current_rewrite_time_sec", "-1"},
		{"aof_last_bgrewrite_status", "ok"}, {"aof_rewrites", "0"}, {"aof_rewrites_consecutive_failures", "0"},
		{"aof_last_write_status", "ok"}, {"aof_last_cow_size", "0"}, {"module_fork_in_progress", "0"},
		{"module_fork_last_cow_size", "0"},
	}
	ib.section("Persistence")
	seen := map[string]bool{}
	for _, f := range fields {
		v := f[1]
		if o, ok := owned[f[0]]; ok {
			v = o
		}
		seen[f[0]] = true
		ib.str(f[0], v)
	}
	for _, k := range ownedOrder {
		if !seen[k] {
			ib.str(k, owned[k])
		}
	}
}

func infoStats(ib *infoBuf, e *engine.Engine) {
	st := &e.Stats
	ops, in, out := e.InstantaneousMetrics()
	ib.section("Stats")
	ib.int("total_connections_received", st.Connections.Load())
	ib.int("total_commands_processed", st.Commands.Load())
	ib.int("instantaneous_ops_per_sec", int64(ops))
	ib.int("total_net_input_bytes", st.NetInputBytes.Load())
	ib.int("total_net_output_bytes", st.NetOutputBytes.Load())
	ib.int("total_net_repl_input_bytes", 0)
	ib.int("total_net_repl_output_bytes", 0)
	ib.float("instantaneous_input_kbps", float64(float32(int64(in))/1024), 2, "")
	ib.float("instantaneous_output_kbps", float64(float32(int64(out))/1024), 2, "")
	ib.str("instantaneous_input_repl_kbps", "0.00")
	ib.str("instantaneous_output_repl_kbps", "0.00")
	ib.int("rejected_connections", st.RejectedConns.Load())
	ib.int("sync_full", 0)
	ib.int("sync_partial_ok", 0)
	ib.int("sync_partial_err", 0)
	ib.int("expired_keys", e.KS.ExpiredKeys.Load())
	ib.str("expired_stale_perc", "0.00")
	ib.int("expired_time_cap_reached_count", 0)
	ib.int("expire_cycle_cpu_milliseconds", 0)
	ib.int("evicted_keys", hookVal(infoHooks.EvictedKeys, e))
	ib.int("evicted_clients", 0)
	evTotal, evCur := e.KS.EvictionExceededTime()
	ib.int("total_eviction_exceeded_time", evTotal/1000)
	ib.int("current_eviction_exceeded_time", evCur/1000)
	ib.int("keyspace_hits", st.KeyspaceHits.Load())
	ib.int("keyspace_misses", st.KeyspaceMisses.Load())
	ib.int("pubsub_channels", hookVal(infoHooks.PubsubChannels, e))
	ib.int("pubsub_patterns", hookVal(infoHooks.PubsubPatterns, e))
	ib.int("pubsubshard_channels", hookVal(infoHooks.PubsubShardChans, e))
	ib.int("latest_fork_usec", 0)
	ib.int("total_forks", 0)
	ib.int("migrate_cached_sockets", 0)
	ib.int("slave_expires_tracked_keys", 0)
	ib.int("active_defrag_hits", 0)
	ib.int("active_defrag_misses", 0)
	ib.int("active_defrag_key_hits", 0)
	ib.int("active_defrag_key_misses", 0)
	ib.int("total_active_defrag_time", 0)
	ib.int("current_active_defrag_time", 0)
	ib.int("tracking_total_keys", hookVal(infoHooks.TrackingKeys, e))
	ib.int("tracking_total_items", hookVal(infoHooks.TrackingItems, e))
	ib.int("tracking_total_prefixes", hookVal(infoHooks.TrackingPrefixes, e))
	ib.int("unexpected_error_replies", st.UnexpectedError.Load())
	ib.int("total_error_replies", st.ErrorReplies.Load())
	ib.int("dump_payload_sanitizations", hookVal(infoHooks.DumpSanitizations, e))
	ib.int("total_reads_processed", st.Commands.Load())
	ib.int("total_writes_processed", st.Commands.Load())
	ib.int("io_threaded_reads_processed", 0)
	ib.int("io_threaded_writes_processed", 0)
	ib.int("reply_buffer_shrinks", 0)
	ib.int("reply_buffer_expands", 0)
	ib.int("eventloop_cycles", st.Commands.Load())
	ib.int("eventloop_duration_sum", 0)
	ib.int("eventloop_duration_cmd_sum", 0)
	ib.int("instantaneous_eventloop_cycles_per_sec", int64(ops))
	ib.int("instantaneous_eventloop_duration_usec", 0)
	ib.int("acl_access_denied_auth", hookVal(infoHooks.ACLDeniedAuth, e))
	ib.int("acl_access_denied_cmd", hookVal(infoHooks.ACLDeniedCmd, e))
	ib.int("acl_access_denied_key", hookVal(infoHooks.ACLDeniedKey, e))
	ib.int("acl_access_denied_channel", hookVal(infoHooks.ACLDeniedChannel, e))
}

func infoReplication(ib *infoBuf, e *engine.Engine) {
	id, id2 := e.ReplID()
	backlog := int64(1 << 20)
	if e.Cfg != nil {
		backlog = e.Cfg.Int("repl-backlog-size")
	}
	ib.section("Replication")
	ib.str("role", "master")
	ib.int("connected_slaves", hookVal(infoHooks.ReplConnectedSlave, e))
	ib.str("master_failover_state", "no-failover")
	ib.str("master_replid", id)
	ib.str("master_replid2", id2)
	ib.int("master_repl_offset", hookVal(infoHooks.ReplOffset, e))
	ib.int("second_repl_offset", -1)
	ib.int("repl_backlog_active", hookVal(infoHooks.ReplBacklogActive, e))
	ib.int("repl_backlog_size", backlog)
	ib.int("repl_backlog_first_byte_offset", 0)
	ib.int("repl_backlog_histlen", 0)
}

func infoCPU(ib *infoBuf) {
	t := processCPU() // cpu_unix.go
	ib.section("CPU")
	ib.cpu("used_cpu_sys", t.sys)
	ib.cpu("used_cpu_user", t.user)
	ib.cpu("used_cpu_sys_children", t.childSys)
	ib.cpu("used_cpu_user_children", t.childUser)
	// Redwing has no single main thread: report the process.
	ib.cpu("used_cpu_sys_main_thread", t.sys)
	ib.cpu("used_cpu_user_main_thread", t.user)
}
