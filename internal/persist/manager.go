package persist

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/persist/aof"
	"github.com/redwingdb/redwing/internal/persist/rdb"
	"github.com/redwingdb/redwing/internal/script"
	"github.com/redwingdb/redwing/internal/types"
)

// AOF states, as Redis's aof_state.
const (
	aofOff = iota
	aofOn
	aofWaitRewrite
)

// Background jobs (Redis's child types).
const (
	jobNone = iota
	jobRDB
	jobAOF
)

// Manager owns a server's persistence.
type Manager struct {
	e    *engine.Engine
	cfg  *config.Config
	logf func(format string, args ...any)
	// Fatal ends the process (AOF write failure under appendfsync always).
	Fatal func(err error)

	sink atomic.Pointer[aof.Sink]

	mu sync.Mutex
	// background job
	job       int
	jobStart  time.Time
	jobCancel bool
	// RDB
	bgsaveScheduled bool
	lastBgsaveOK    bool
	lastBgsaveTry   time.Time
	lastBgsaveSec   int64
	rdbSaves        int64
	lastCOW         int64
	loadedKeys      int64
	loadedExpired   int64
	// AOF
	aofState         int
	man              *aof.Manifest
	rewriteScheduled bool
	rewriteBaseSize  int64
	sizeBeforeIncr   int64 // base + incr files other than the current one
	lastRewriteOK    bool
	lastRewriteSec   int64
	aofRewrites      int64
	rewriteFailures  int64
	tempIncr         string

	loading atomic.Bool
	prog    loadProgress // loading.go
	closed  bool
}

// New creates the persistence of an engine.
func New(e *engine.Engine, cfg *config.Config, logf func(string, ...any)) *Manager {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	m := &Manager{e: e, cfg: cfg, logf: logf, lastBgsaveOK: true, lastRewriteOK: true, lastBgsaveSec: -1, lastRewriteSec: -1}
	m.Fatal = func(err error) {
		m.logf("Can't recover from AOF write error when the AOF fsync policy is 'always': %v. Exiting...", err)
		os.Exit(1)
	}
	e.SetPersister(m)
	cfg.OnChange("appendonly", m.onAppendOnly)
	cfg.OnChange("appendfsync", func(v string) error {
		if s := m.sink.Load(); s != nil {
			s.SetPolicy(aof.ParsePolicy(v))
		}
		return nil
	})
	cfg.OnChange("aof-timestamp-enabled", func(v string) error {
		if s := m.sink.Load(); s != nil {
			s.SetTimestamps(v == "yes")
		}
		return nil
	})
	return m
}

// Loading reports whether a dataset is being loaded.
func (m *Manager) Loading() bool { return m.loading.Load() }

func (m *Manager) dir() string {
	d := m.cfg.String("dir")
	if d == "" {
		d, _ = os.Getwd()
	}
	return d
}

func (m *Manager) rdbPath() string { return filepath.Join(m.dir(), m.cfg.String("dbfilename")) }
func (m *Manager) aofDir() string  { return filepath.Join(m.dir(), m.cfg.String("appenddirname")) }
func (m *Manager) aofPrefix() string {
	return m.cfg.String("appendfilename")
}

func clampInt(v int64) int {
	const most = min(1<<31, math.MaxInt) // fits int on 32-bit targets
	if v > most {
		return most
	}
	if v < 0 {
		return 0
	}
	return int(v)
}

// limits are the encoding thresholds loaded values are built with.
func (m *Manager) limits() rdb.Limits {
	c := m.cfg
	return rdb.Limits{
		HashMaxEntries: clampInt(c.Int("hash-max-listpack-entries")),
		HashMaxValue:   clampInt(c.Int("hash-max-listpack-value")),
		List:           types.ListFill(c.Int("list-max-listpack-size")),
		Set: types.SetLimits{
			MaxIntset:   min(clampInt(c.Int("set-max-intset-entries")), 1<<30),
			MaxListpack: clampInt(c.Int("set-max-listpack-entries")),
			MaxValue:    clampInt(c.Int("set-max-listpack-value")),
		},
		ZSet:   types.ZLimits{Entries: clampInt(c.Int("zset-max-listpack-entries")), Value: clampInt(c.Int("zset-max-listpack-value"))},
		Stream: types.StreamLimits{MaxBytes: c.Int("stream-node-max-bytes"), MaxEntries: c.Int("stream-node-max-entries")},
	}
}

// RDBOptions returns the format options from the configuration.
func (m *Manager) rdbOptions() rdb.Options {
	v := rdb.Version
	if s := os.Getenv("REDWING_RDB_VERSION"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 10 && n <= rdb.Version {
			v = n
		}
	}
	return rdb.Options{Version: v, Compress: m.cfg.Bool("rdbcompression")}
}

func (m *Manager) keyMeta() rdb.KeyMeta {
	pol := m.cfg.String("maxmemory-policy")
	return rdb.KeyMeta{
		LRU:      strings.HasSuffix(pol, "-lru"),
		LFU:      strings.HasSuffix(pol, "-lfu"),
		LFUDecay: m.cfg.Int("lfu-decay-time"),
	}
}

// Load loads the dataset at start-up, before the server listens: the AOF
// when appendonly is yes, the RDB file otherwise. It then opens the AOF for
// appending when enabled.
func (m *Manager) Load() (err error) {
	m.loading.Store(true)
	m.cfg.SetLoading(true)
	m.e.SetLoading(true)
	m.prog.begin()
	defer func() {
		if err != nil {
			return // the server exits: clients keep getting -LOADING until then
		}
		m.loading.Store(false)
		m.cfg.SetLoading(false)
		m.e.SetLoading(false)
	}()
	start := time.Now()
	if m.cfg.Bool("appendonly") {
		if err := m.loadAOF(); err != nil {
			return err
		}
		m.logf("DB loaded from append only file: %.3f seconds", time.Since(start).Seconds())
		return m.openAOFOnStart()
	}
	opened, err := m.loadRDBFile(loadOpts{})
	switch {
	case !opened && errors.Is(err, os.ErrNotExist):
		return nil
	case !opened:
		return fmt.Errorf("Fatal error loading the DB: %v. Exiting.", err)
	case err != nil:
		return fmt.Errorf("Fatal error loading the DB (%s): %v. Exiting.", m.rdbPath(), err)
	}
	m.logf("Done loading RDB, keys loaded: %d, keys expired: %d.", m.loadedKeys, m.loadedExpired)
	m.logf("DB loaded from disk: %.3f seconds", time.Since(start).Seconds())
	m.e.LastSave.Store(time.Now().Unix())
	return nil
}

// loadRDBFile loads the RDB file (dbfilename in dir); opened reports
// whether the file could be opened, telling the errors apart.
func (m *Manager) loadRDBFile(o loadOpts) (opened bool, err error) {
	f, err := os.Open(m.rdbPath())
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, _ := f.Stat()
	m.prog.total.Store(st.Size())
	_, err = m.loadRDB(f, st.Size(), o)
	return true, err
}

// loadOpts modify loadRDB.
type loadOpts struct {
	preamble bool // an AOF base file: expired keys are kept (the AOF tail may refer to them)
	locked   bool // the caller holds the exclusive world lock (DEBUG RELOAD)
	merge    bool // a key or library already present is replaced (DEBUG RELOAD MERGE)
}

// loadRDB loads an RDB stream into the keyspace.
func (m *Manager) loadRDB(r io.Reader, size int64, o loadOpts) (rdb.Info, error) {
	preamble := o.preamble
	e := m.e
	ks := e.KS
	now := ks.Clock.NowMs()
	meta := m.keyMeta()
	lfuPolicy := meta.LFU
	l := &rdb.Loader{Limits: m.limits(), SkipChecksum: !m.cfg.Bool("rdbchecksum")}
	if !preamble {
		l.Now = now
	}
	host := script.For(e)
	r = &progressReader{r: r, p: &m.prog}
	// The world lock is released every loadBatch keys so that commands
	// allowed while loading (INFO, PING, ...) get their turn.
	if !o.locked {
		ks.LockWorld()
		defer ks.UnlockWorld()
	}
	batch := 0
	// key-load-delay (a hidden Redis setting for tests) slows loading down
	// by that many microseconds per key.
	delay := time.Duration(m.cfg.Int("key-load-delay")) * time.Microsecond
	h := rdb.Handler{
		Aux: func(k, v []byte) {
			switch string(k) {
			case "redis-ver":
				m.logf("Loading RDB produced by version %s", v)
			case "ctime":
				if t, err := strconv.ParseInt(string(v), 10, 64); err == nil {
					age := time.Now().Unix() - t
					if age < 0 {
						age = 0
					}
					m.logf("RDB age %d seconds", age)
				}
			case "used-mem":
				if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
					m.prog.usedMem.Store(n)
					m.logf("RDB memory usage when created %.2f Mb", float64(n)/(1024*1024))
				}
			}
		},
		Function: func(code []byte) error { return host.LoadFunctionCode(string(code), o.merge) },
		Warn:     func(msg string) { m.logf("%s", msg) },
		Key: func(db int, key []byte, ent *keyspace.Entry, lm rdb.LoadedMeta) error {
			if db >= ks.NumDBs() {
				return fmt.Errorf("FATAL: Data file was created with a Redis server configured to handle more than %d databases", ks.NumDBs())
			}
			if !preamble && ent.Expire != 0 && ent.Expire < now {
				m.loadedExpired++
				return nil
			}
			d := ks.DB(db)
			if d.Peek(key) != nil {
				if !o.merge {
					return fmt.Errorf("RDB has duplicated key '%s' in DB %d", key, db)
				}
				d.Delete(key)
			}
			switch {
			case lfuPolicy && lm.Freq >= 0:
				ent.Access = keyspace.LFUAccess(now, int64(lm.Freq))
			case !lfuPolicy && lm.IdleSec >= 0:
				ent.Access = keyspace.LRUAccess(now, lm.IdleSec)
			}
			d.Set(key, *ent)
			m.loadedKeys++
			if o.locked {
				return nil
			}
			if delay > 0 {
				ks.UnlockWorld()
				time.Sleep(delay)
				ks.LockWorld()
			}
			if batch++; batch == loadBatch {
				batch = 0
				ks.UnlockWorld()
				ks.LockWorld()
			}
			return nil
		},
	}
	return l.Load(r, size, h)
}

// WaitDurable blocks until the write effects emitted so far meet the
// appendfsync guarantee (the server calls it before sending replies).
func (m *Manager) WaitDurable() {
	if s := m.sink.Load(); s != nil {
		s.WaitAll()
	}
}

// WaitDurableBatch is WaitDurable for an event loop that has run a whole
// batch of connections (aof.Sink.WaitBatch).
func (m *Manager) WaitDurableBatch() {
	if s := m.sink.Load(); s != nil {
		s.WaitBatch()
	}
}

// Cron runs periodic work (call it about every 100 ms): save points,
// scheduled jobs and automatic AOF rewrites.
func (m *Manager) Cron() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.job != jobNone {
		return
	}
	now := time.Now()
	if m.rewriteScheduled {
		m.rewriteScheduled = false
		if err := m.startRewriteLocked(); err != nil {
			m.logf("Background AOF rewrite scheduled but could not start: %v", err)
		}
		return
	}
	if m.bgsaveScheduled {
		m.bgsaveScheduled = false
		if err := m.startBGSaveLocked(); err != nil {
			m.logf("Scheduled BGSAVE could not start: %v", err)
		}
		return
	}
	dirty := m.e.Stats.Dirty.Load()
	last := m.e.LastSave.Load()
	for _, sp := range m.cfg.SaveParams() {
		if dirty >= sp.Changes && now.Unix()-last > sp.Seconds &&
			(m.lastBgsaveOK || now.Sub(m.lastBgsaveTry) > 5*time.Second) {
			m.logf("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds)
			if err := m.startBGSaveLocked(); err != nil {
				m.logf("Can't save in background: %v", err)
			}
			return
		}
	}
	// Automatic AOF rewrite.
	if m.aofState == aofOn {
		perc := m.cfg.Int("auto-aof-rewrite-percentage")
		minSize := m.cfg.Int("auto-aof-rewrite-min-size")
		cur := m.aofSizeLocked()
		if perc > 0 && cur > minSize {
			base := m.rewriteBaseSize
			if base == 0 {
				base = 1
			}
			growth := cur*100/base - 100
			if growth >= perc {
				m.logf("Starting automatic rewriting of AOF on %d%% growth", growth)
				if err := m.startRewriteLocked(); err != nil {
					m.logf("Automatic AOF rewrite could not start: %v", err)
				}
			}
		}
	}
}

// Shutdown runs SHUTDOWN's persistence work: flush the AOF and, when save
// is true, write an RDB snapshot. An error aborts the shutdown.
func (m *Manager) Shutdown(save bool) error {
	m.mu.Lock()
	if m.job != jobNone {
		m.jobCancel = true
	}
	m.mu.Unlock()
	if s := m.sink.Load(); s != nil {
		s.WaitAll()
	}
	if save {
		m.logf("Saving the final RDB snapshot before exiting.")
		if err := m.saveForeground(); err != nil {
			m.logf("Error trying to save the DB, can't exit.")
			return err
		}
		m.logf("DB saved on disk")
	}
	return nil
}

// Close flushes and closes the AOF. Call it once, when the server stops.
func (m *Manager) Close() error {
	m.mu.Lock()
	m.closed = true
	m.jobCancel = true
	m.mu.Unlock()
	m.waitJob(10 * time.Second)
	s := m.sink.Swap(nil)
	if s == nil {
		return nil
	}
	m.e.RemoveSink(s)
	return s.Close()
}

func (m *Manager) waitJob(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		m.mu.Lock()
		j := m.job
		m.mu.Unlock()
		if j == jobNone {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Info returns the persistence fields of INFO.
func (m *Manager) Info() [][2]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	st := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	cur := int64(-1)
	if m.job != jobNone {
		cur = int64(time.Since(m.jobStart).Seconds())
	}
	rdbCur, aofCur := int64(-1), int64(-1)
	if m.job == jobRDB {
		rdbCur = cur
	}
	if m.job == jobAOF {
		aofCur = cur
	}
	lastWrite := "ok"
	if s := m.sink.Load(); s != nil && s.Err() != nil {
		lastWrite = "err"
	}
	out := [][2]string{
		{"loading", b(m.loading.Load())},
		{"rdb_changes_since_last_save", strconv.FormatInt(m.e.Stats.Dirty.Load(), 10)},
		{"rdb_bgsave_in_progress", b(m.job == jobRDB)},
		{"rdb_last_save_time", strconv.FormatInt(m.e.LastSave.Load(), 10)},
		{"rdb_last_bgsave_status", st(m.lastBgsaveOK)},
		{"rdb_last_bgsave_time_sec", strconv.FormatInt(m.lastBgsaveSec, 10)},
		{"rdb_current_bgsave_time_sec", strconv.FormatInt(rdbCur, 10)},
		{"rdb_saves", strconv.FormatInt(m.rdbSaves, 10)},
		{"rdb_last_cow_size", strconv.FormatInt(m.lastCOW, 10)},
		{"rdb_last_load_keys_expired", strconv.FormatInt(m.loadedExpired, 10)},
		{"rdb_last_load_keys_loaded", strconv.FormatInt(m.loadedKeys, 10)},
		{"aof_enabled", b(m.aofState != aofOff)},
		{"aof_rewrite_in_progress", b(m.job == jobAOF)},
		{"aof_rewrite_scheduled", b(m.rewriteScheduled)},
		{"aof_last_rewrite_time_sec", strconv.FormatInt(m.lastRewriteSec, 10)},
		{"aof_current_rewrite_time_sec", strconv.FormatInt(aofCur, 10)},
		{"aof_last_bgrewrite_status", st(m.lastRewriteOK)},
		{"aof_rewrites", strconv.FormatInt(m.aofRewrites, 10)},
		{"aof_rewrites_consecutive_failures", strconv.FormatInt(m.rewriteFailures, 10)},
		{"aof_last_write_status", lastWrite},
	}
	if m.aofState == aofOn {
		out = append(out,
			[2]string{"aof_current_size", strconv.FormatInt(m.aofSizeLocked(), 10)},
			[2]string{"aof_base_size", strconv.FormatInt(m.rewriteBaseSize, 10)})
	}
	if m.loading.Load() {
		out = append(out, m.prog.info(time.Now())...)
	}
	return out
}
