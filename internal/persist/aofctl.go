package persist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/persist/aof"
	"github.com/redwingdb/redwing/internal/persist/snapshot"
	"github.com/redwingdb/redwing/internal/script"
)

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return st.Size()
}

// loadAOF loads the multi-part AOF (upgrading an old single-file AOF into
// the directory first, as Redis 7 does).
func (m *Manager) loadAOF() error {
	dir, prefix := m.aofDir(), m.aofPrefix()
	man, err := aof.ReadManifest(dir, prefix)
	if err != nil {
		return fmt.Errorf("*** FATAL AOF MANIFEST FILE ERROR *** %v", err)
	}
	if man == nil {
		man = &aof.Manifest{}
	}
	old := filepath.Join(m.dir(), prefix)
	if fileExists(old) {
		_, derr := os.Stat(dir)
		if derr != nil || (man.Base == nil && len(man.Incr) == 0) ||
			(man.Base != nil && len(man.Incr) == 0 && man.Base.Name == prefix && !fileExists(filepath.Join(dir, prefix))) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("Can't open or create append-only dir %s: %v", dir, err)
			}
			man = &aof.Manifest{Base: &aof.FileInfo{Name: prefix, Seq: 1, Type: aof.TypeBase}, BaseSeq: 1}
			if err := aof.WriteManifest(dir, prefix, man); err != nil {
				return err
			}
			if err := os.Rename(old, filepath.Join(dir, prefix)); err != nil {
				return fmt.Errorf("Error trying to move the old AOF file %s into dir %s: %v", old, dir, err)
			}
			m.logf("Successfully migrated an old-style AOF file (%s) into the AOF directory (%s).", prefix, dir)
		}
	}
	opt := &aof.LoadOptions{
		Dir:         dir,
		Replay:      &aof.EngineReplayer{E: m.e},
		TruncatedOK: m.cfg.Bool("aof-load-truncated"),
		Progress: func(loaded, total int64) {
			m.prog.loaded.Store(loaded)
			m.prog.total.Store(total)
		},
		Logf: m.logf,
		LoadRDB: func(r io.Reader, size int64) (int64, error) {
			info, err := m.loadRDB(r, size, loadOpts{preamble: true})
			return info.End, err
		},
	}
	_, total, base, err := aof.LoadManifest(opt, man)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.man = man
	m.rewriteBaseSize = base
	m.sizeBeforeIncr = total
	m.mu.Unlock()
	return nil
}

// openAOFOnStart opens the last incr file for appending (creating a base
// when the AOF is new), persists the manifest and installs the sink.
func (m *Manager) openAOFOnStart() error {
	dir, prefix := m.aofDir(), m.aofPrefix()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("Can't open or create append-only dir %s: %v", dir, err)
	}
	m.mu.Lock()
	man := m.man
	if man == nil {
		man = &aof.Manifest{}
	}
	m.mu.Unlock()
	if man.Base == nil && len(man.Incr) == 0 {
		name := man.NewBaseName(prefix, m.cfg.Bool("aof-use-rdb-preamble"))
		size, err := m.writeBaseFile(filepath.Join(dir, name), nil)
		if err != nil {
			return fmt.Errorf("can't create the AOF base file %s: %v", name, err)
		}
		m.logf("Creating AOF base file %s on server start", name)
		m.rewriteBaseSize = size
		m.sizeBeforeIncr = size
	}
	created := len(man.Incr) == 0
	var name string
	if li := man.LastIncr(); li != nil {
		name = li.Name
	} else {
		name = man.NewIncrName(prefix)
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("Can't open the append-only file %s: %v", name, err)
	}
	if err := aof.WriteManifest(dir, prefix, man); err != nil {
		f.Close()
		return err
	}
	st, _ := f.Stat()
	size := st.Size()
	if created {
		m.logf("Creating AOF incr file %s on server start", name)
	} else {
		m.logf("Opening AOF incr file %s on server start", name)
	}
	m.mu.Lock()
	m.man = man
	m.sizeBeforeIncr -= size
	if m.sizeBeforeIncr < 0 {
		m.sizeBeforeIncr = 0
	}
	m.aofState = aofOn
	m.mu.Unlock()
	m.installSink(f, size, false)
	return nil
}

func (m *Manager) newSink(f *os.File, size int64) *aof.Sink {
	s := aof.NewSink(f, size, aof.ParsePolicy(m.cfg.String("appendfsync")), m.cfg.Bool("aof-timestamp-enabled"))
	s.Logf = m.logf
	s.Fatal = func(err error) { m.Fatal(err) }
	return s
}

// installSink attaches a sink on f; locked is true when the caller holds
// the world lock exclusively.
func (m *Manager) installSink(f *os.File, size int64, locked bool) {
	s := m.newSink(f, size)
	if locked {
		m.e.AddSinkLocked(s)
	} else {
		m.e.AddSink(s)
	}
	m.sink.Store(s)
}

// writeBaseFile writes a base file for the current dataset synchronously
// (at start-up, with no clients).
func (m *Manager) writeBaseFile(path string, at func()) (int64, error) {
	if m.cfg.Bool("aof-use-rdb-preamble") {
		snap, f, funcs := m.beginRDBSnapshot(at, false)
		return m.writeSnapshotRDB(path, snap, f, *funcs, true)
	}
	var funcs []string
	host := script.For(m.e)
	snap := snapshot.Begin(m.e, snapshot.Options{Format: aof.Format{}, AtStart: func() {
		funcs = host.FunctionCodes()
		if at != nil {
			at()
		}
	}})
	return m.writeSnapshotAOF(path, snap, funcs)
}

// writeSnapshotAOF writes a command-format base file.
func (m *Manager) writeSnapshotAOF(path string, snap *snapshot.Snapshot, funcs []string) (int64, error) {
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, fmt.Sprintf("temp-rewriteaof-%d-%d.aof", os.Getpid(), tempSeq.Add(1)))
	file, err := os.Create(tmp)
	if err != nil {
		snap.End()
		return 0, err
	}
	bw := bufio.NewWriterSize(file, 256<<10)
	var n int64
	write := func(p []byte) error {
		k, err := bw.Write(p)
		n += int64(k)
		return err
	}
	var hdr []byte
	if m.cfg.Bool("aof-timestamp-enabled") {
		hdr = fmt.Appendf(hdr, "#TS:%d\r\n", time.Now().Unix())
	}
	for _, c := range funcs {
		hdr = aof.AppendFunctionLoad(hdr, c)
	}
	err = write(hdr)
	if err == nil {
		err = snap.Write(aof.Output{Write: write})
	} else {
		snap.End()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, syncDir(dir)
}

// aofSizeLocked is the size of the base and incr files.
func (m *Manager) aofSizeLocked() int64 {
	n := m.sizeBeforeIncr
	if s := m.sink.Load(); s != nil {
		n += s.IncrSize()
	}
	return n
}

// BGRewriteAOF implements BGREWRITEAOF.
func (m *Manager) BGRewriteAOF() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.job == jobAOF:
		return "", errRewriteRunning
	case m.job != jobNone:
		m.rewriteScheduled = true
		m.rewriteFailures = 0
		return "Background append only file rewriting scheduled", nil
	}
	if err := m.startRewriteLocked(); err != nil {
		m.logf("Can't rewrite append only file in background: %v", err)
		return "", errRewriteFailed
	}
	return "Background append only file rewriting started", nil
}

// ScheduleBGSave / ScheduleRewrite are used inside MULTI/EXEC.
func (m *Manager) ScheduleRewrite() {
	m.mu.Lock()
	m.rewriteScheduled = true
	m.mu.Unlock()
}

// startRewriteLocked starts a background AOF rewrite. m.mu is held on
// entry and exit (released while the snapshot starts).
func (m *Manager) startRewriteLocked() error {
	if m.closed {
		return errors.New("server is shutting down")
	}
	dir, prefix := m.aofDir(), m.aofPrefix()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m.job = jobAOF
	m.jobStart = time.Now()
	m.jobCancel = false
	state := m.aofState
	man := m.man
	if man == nil {
		man = &aof.Manifest{}
	}
	m.mu.Unlock()

	var atErr error
	var newMan *aof.Manifest
	var tempIncr string
	var dirtyAt int64
	at := func() {
		// Under the exclusive world lock: the cut between the base and
		// the new incr file.
		dirtyAt = m.e.Stats.Dirty.Load()
		switch state {
		case aofOn:
			nm := man.Clone()
			name := nm.NewIncrName(prefix)
			f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
			if err != nil {
				atErr = err
				return
			}
			if err := aof.WriteManifest(dir, prefix, nm); err != nil {
				f.Close()
				os.Remove(filepath.Join(dir, name))
				atErr = err
				return
			}
			m.logf("Creating AOF incr file %s on background rewrite", name)
			if s := m.sink.Load(); s != nil {
				old := s.IncrSize()
				s.Rotate(f)
				m.mu.Lock()
				m.sizeBeforeIncr += old
				m.mu.Unlock()
			} else {
				f.Close()
			}
			newMan = nm
		case aofWaitRewrite:
			tempIncr = filepath.Join(dir, "temp-"+prefix+".incr")
			f, err := os.OpenFile(tempIncr, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
			if err != nil {
				atErr = err
				return
			}
			m.installSink(f, 0, true)
		}
	}
	usePreamble := m.cfg.Bool("aof-use-rdb-preamble")
	tmpBase := filepath.Join(dir, fmt.Sprintf("temp-rewriteaof-bg-%d.aof", os.Getpid()))
	var run func() (int64, error)
	if usePreamble {
		snap, f, funcs := m.beginRDBSnapshot(at, false)
		if atErr != nil {
			snap.End()
		}
		run = func() (int64, error) { return m.writeSnapshotRDB(tmpBase, snap, f, *funcs, true) }
	} else {
		var funcs []string
		host := script.For(m.e)
		snap := snapshot.Begin(m.e, snapshot.Options{Format: aof.Format{}, AtStart: func() {
			funcs = host.FunctionCodes()
			at()
		}})
		if atErr != nil {
			snap.End()
		}
		run = func() (int64, error) { return m.writeSnapshotAOF(tmpBase, snap, funcs) }
	}
	m.mu.Lock()
	if atErr != nil {
		m.job = jobNone
		m.rewriteFailures++
		m.lastRewriteOK = false
		if state == aofWaitRewrite {
			m.aofState = aofOff
		}
		return atErr
	}
	if newMan != nil {
		m.man = newMan
	}
	m.tempIncr = tempIncr
	m.logf("Background append only file rewriting started")
	go func() {
		start := time.Now()
		size, err := run()
		m.rewriteDone(err, tmpBase, size, start, dirtyAt)
	}()
	return nil
}

// rewriteDone installs a finished base file: new manifest with the new
// base and the incr file opened at the cut, history files deleted.
func (m *Manager) rewriteDone(err error, tmpBase string, size int64, start time.Time, dirtyAt int64) {
	dir, prefix := m.aofDir(), m.aofPrefix()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.job = jobNone
	m.lastRewriteSec = int64(time.Since(start).Seconds())
	fail := func(err error) {
		os.Remove(tmpBase)
		m.lastRewriteOK = false
		m.rewriteFailures++
		m.logf("Background AOF rewrite terminated with error: %v", err)
		if m.aofState == aofWaitRewrite {
			m.aofState = aofOff
			if s := m.sink.Swap(nil); s != nil {
				go func() { m.e.RemoveSink(s); s.Close(); os.Remove(m.tempIncr) }()
			}
		}
	}
	if err == nil && m.jobCancel {
		err = errors.New("rewrite cancelled")
	}
	if err != nil {
		fail(err)
		return
	}
	man := m.man
	if man == nil {
		man = &aof.Manifest{}
	}
	nm := man.Clone()
	baseName := nm.NewBaseName(prefix, m.cfg.Bool("aof-use-rdb-preamble"))
	switch m.aofState {
	case aofWaitRewrite:
		incrName := nm.NewIncrName(prefix)
		if err := os.Rename(m.tempIncr, filepath.Join(dir, incrName)); err != nil {
			fail(err)
			return
		}
		nm.MarkIncrHistory(1)
	case aofOn:
		nm.MarkIncrHistory(1)
	default:
		nm.MarkIncrHistory(0)
	}
	if err := os.Rename(tmpBase, filepath.Join(dir, baseName)); err != nil {
		fail(err)
		return
	}
	if err := aof.WriteManifest(dir, prefix, nm); err != nil {
		fail(err)
		return
	}
	m.man = nm
	if m.aofState == aofWaitRewrite {
		m.aofState = aofOn
		m.logf("Background AOF rewrite finished successfully")
	} else {
		m.logf("Background AOF rewrite finished successfully")
	}
	m.sizeBeforeIncr = size
	m.rewriteBaseSize = size
	if s := m.sink.Load(); s != nil {
		m.rewriteBaseSize += s.IncrSize()
	}
	m.lastRewriteOK = true
	m.rewriteFailures = 0
	m.aofRewrites++
	_ = dirtyAt
	// Delete history files.
	if !m.cfg.Bool("aof-disable-auto-gc") && len(nm.History) > 0 {
		for _, h := range nm.History {
			m.logf("Removing the history file %s in the background", h.Name)
			os.Remove(filepath.Join(dir, h.Name))
		}
		nm2 := nm.Clone()
		nm2.History = nil
		if err := aof.WriteManifest(dir, prefix, nm2); err == nil {
			m.man = nm2
		}
	}
}

// onAppendOnly is the CONFIG SET appendonly hook. It runs under the
// command's locks, so the switch itself happens on another goroutine.
func (m *Manager) onAppendOnly(v string) error {
	on := v == "yes"
	if on {
		dir := m.aofDir()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			m.logf("Can't open or create append-only dir %s: %v", dir, err)
			return errors.New(config.MsgAOFStartFailed)
		}
	}
	go func() {
		if on {
			m.startAppendOnly()
		} else {
			m.stopAppendOnly()
		}
	}()
	return nil
}

// startAppendOnly turns the AOF on at runtime: a rewrite writes the base
// while new writes go to a temporary incr file.
func (m *Manager) startAppendOnly() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.aofState != aofOff || m.closed {
		return
	}
	m.aofState = aofWaitRewrite
	if m.job != jobNone {
		m.rewriteScheduled = true
		m.logf("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
		return
	}
	if m.man == nil {
		man, err := aof.ReadManifest(m.aofDir(), m.aofPrefix())
		if err == nil && man != nil {
			m.man = man
		}
	}
	if err := m.startRewriteLocked(); err != nil {
		m.aofState = aofOff
		m.logf("Redwing needs to enable the AOF but can't trigger a background AOF rewrite operation: %v", err)
	}
}

// stopAppendOnly turns the AOF off at runtime.
func (m *Manager) stopAppendOnly() {
	m.mu.Lock()
	if m.aofState == aofOff {
		m.mu.Unlock()
		return
	}
	m.aofState = aofOff
	m.rewriteScheduled = false
	if m.job == jobAOF {
		m.jobCancel = true
	}
	s := m.sink.Swap(nil)
	m.mu.Unlock()
	if s != nil {
		m.e.RemoveSink(s)
		s.Close()
	}
}
