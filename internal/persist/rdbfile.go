package persist

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/persist/rdb"
	"github.com/redwingdb/redwing/internal/persist/snapshot"
	"github.com/redwingdb/redwing/internal/script"
)

var tempSeq atomic.Int64

// errBusyRDB and friends are Redis's reply texts.
var (
	errBGSaveInProgress = errors.New("ERR Background save already in progress")
	errOtherChild       = errors.New("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	errRewriteRunning   = errors.New("ERR Background append only file rewriting already in progress")
	errRewriteFailed    = errors.New("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
	errGeneric          = errors.New("ERR")
)

// writeSnapshotRDB writes an RDB file from a snapshot to path through a
// temporary file, fsync and rename. aofBase marks AOF base files.
func (m *Manager) writeSnapshotRDB(path string, snap *snapshot.Snapshot, f *snapshot.RDBFormat, funcs []string, aofBase bool) (int64, error) {
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, fmt.Sprintf("temp-%d-%d.rdb", os.Getpid(), tempSeq.Add(1)))
	file, err := os.Create(tmp)
	if err != nil {
		snap.End()
		m.logf("Failed opening the temp RDB file %s (in server root dir %s) for saving: %v", filepath.Base(tmp), dir, err)
		return 0, err
	}
	w := rdb.NewWriter(file, f.Opt, m.cfg.Bool("rdbchecksum"))
	w.Header()
	w.Aux("redis-ver", engine.RedisVersion)
	w.AuxInt("redis-bits", 64)
	w.AuxInt("ctime", time.Now().Unix())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.AuxInt("used-mem", int64(ms.HeapAlloc))
	ab := int64(0)
	if aofBase {
		ab = 1
	}
	w.AuxInt("aof-base", ab)
	for _, code := range funcs {
		w.Function(code)
	}
	err = snap.Write(snapshot.RDBOutput{W: w})
	if err == nil {
		err = w.Finish()
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if errs := f.Errors(); len(errs) > 0 {
			err = errs[0]
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		os.Remove(tmp)
		m.logf("Write error saving DB on disk: %v", err)
		return 0, err
	}
	return w.Written(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// beginRDBSnapshot starts a snapshot for an RDB file; at is run at T0.
// locked: the caller holds the exclusive world lock until the snapshot is
// written (snapshot.Options.Locked).
func (m *Manager) beginRDBSnapshot(at func(), locked bool) (*snapshot.Snapshot, *snapshot.RDBFormat, *[]string) {
	f := snapshot.NewRDBFormat(m.rdbOptions(), m.keyMeta())
	funcs := new([]string)
	host := script.For(m.e)
	snap := snapshot.Begin(m.e, snapshot.Options{Locked: locked, Format: f, AtStart: func() {
		*funcs = host.FunctionCodes()
		if at != nil {
			at()
		}
	}})
	return snap, f, funcs
}

// saveForeground writes the RDB file and waits for it (SAVE, SHUTDOWN).
// Clients keep being served meanwhile.
func (m *Manager) saveForeground() error {
	m.mu.Lock()
	if m.job == jobRDB {
		m.mu.Unlock()
		return errBGSaveInProgress
	}
	// Wait for another job (an AOF rewrite): one snapshot at a time.
	for m.job != jobNone {
		m.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		m.mu.Lock()
	}
	m.job = jobRDB
	m.jobStart = time.Now()
	m.jobCancel = false
	m.mu.Unlock()
	peakCOW, err := m.writeRDB(false)
	m.mu.Lock()
	m.job = jobNone
	m.lastCOW = peakCOW
	if err == nil {
		m.lastBgsaveOK = true
		m.logf("DB saved on disk")
	} else {
		m.lastBgsaveOK = false
	}
	m.mu.Unlock()
	return err
}

// writeRDB writes the RDB file from a snapshot (locked: the caller holds
// the exclusive world lock throughout). On success the dirty counter drops
// by what the snapshot covered and LASTSAVE moves. It returns the
// snapshot's copy-on-write peak.
func (m *Manager) writeRDB(locked bool) (int64, error) {
	var dirtyAt int64
	snap, f, funcs := m.beginRDBSnapshot(func() { dirtyAt = m.e.Stats.Dirty.Load() }, locked)
	if _, err := m.writeSnapshotRDB(m.rdbPath(), snap, f, *funcs, false); err != nil {
		return snap.PeakCOW(), err
	}
	m.e.Stats.Dirty.Add(-dirtyAt)
	m.e.LastSave.Store(time.Now().Unix())
	return snap.PeakCOW(), nil
}

// Save implements SAVE.
func (m *Manager) Save() error {
	m.mu.Lock()
	m.rdbSaves++
	m.mu.Unlock()
	if err := m.saveForeground(); err != nil {
		if err == errBGSaveInProgress {
			return err
		}
		return errGeneric
	}
	return nil
}

// BGSave implements BGSAVE [SCHEDULE].
func (m *Manager) BGSave(schedule bool) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.job == jobRDB:
		return "", errBGSaveInProgress
	case m.job != jobNone:
		if schedule {
			m.bgsaveScheduled = true
			return "Background saving scheduled", nil
		}
		return "", errOtherChild
	}
	if err := m.startBGSaveLocked(); err != nil {
		return "", errGeneric
	}
	return "Background saving started", nil
}

// startBGSaveLocked starts a background RDB save; m.mu is held.
func (m *Manager) startBGSaveLocked() error {
	if m.closed {
		return errors.New("server is shutting down")
	}
	m.job = jobRDB
	m.jobStart = time.Now()
	m.jobCancel = false
	m.lastBgsaveTry = time.Now()
	m.rdbSaves++
	var dirtyAt int64
	// Never wait for the world lock holding m.mu (INFO takes m.mu under
	// the shared world lock); job is set, so nothing else starts.
	m.mu.Unlock()
	snap, f, funcs := m.beginRDBSnapshot(func() { dirtyAt = m.e.Stats.Dirty.Load() }, false)
	m.mu.Lock()
	m.logf("Background saving started")
	go func() {
		start := time.Now()
		_, err := m.writeSnapshotRDB(m.rdbPath(), snap, f, *funcs, false)
		m.mu.Lock()
		m.job = jobNone
		m.lastCOW = snap.PeakCOW()
		m.lastBgsaveSec = int64(time.Since(start).Seconds())
		if err == nil {
			m.e.Stats.Dirty.Add(-dirtyAt)
			m.e.LastSave.Store(time.Now().Unix())
			m.lastBgsaveOK = true
			m.logf("Snapshot: peak memory used by copy-on-write: %.1f MB", float64(m.lastCOW)/(1<<20))
			m.logf("Background saving terminated with success")
		} else {
			m.lastBgsaveOK = false
			m.logf("Background saving error: %v", err)
		}
		m.mu.Unlock()
	}()
	return nil
}

// errReload is DEBUG RELOAD's reply when the file does not load.
var errReload = errors.New("ERR Error trying to load the RDB dump, check server logs.")

// Reload implements DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB
// file (unless !save), empty the keyspace and the function libraries
// (unless !flush), and load the file back; with merge, keys and libraries
// the file repeats replace those in memory instead of failing the load.
// The caller holds the exclusive world lock throughout, so no client sees
// the dataset in between, as with Redis's single thread.
func (m *Manager) Reload(save, flush, merge bool) error {
	if save {
		m.mu.Lock()
		m.rdbSaves++
		m.mu.Unlock()
		if _, err := m.writeRDB(true); err != nil {
			return errGeneric
		}
	}
	ks := m.e.KS
	if flush {
		for i := 0; i < ks.NumDBs(); i++ {
			if db := ks.DBIfUsed(i); db != nil {
				db.Flush()
			}
		}
		script.For(m.e).FunctionFlush()
	}
	if opened, err := m.loadRDBFile(loadOpts{locked: true, merge: merge}); err != nil {
		if opened {
			m.logf("Fatal error loading the DB (%s): %v", m.rdbPath(), err)
		} else {
			m.logf("Fatal error loading the DB: %v", err)
		}
		return errReload
	}
	m.logf("DB reloaded by DEBUG RELOAD")
	return nil
}
