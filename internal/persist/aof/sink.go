package aof

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
)

// Fsync policies (appendfsync).
const (
	FsyncNo = iota
	FsyncEverySec
	FsyncAlways
)

// ParsePolicy maps an appendfsync value to a policy.
func ParsePolicy(s string) int {
	switch s {
	case "always":
		return FsyncAlways
	case "no":
		return FsyncNo
	}
	return FsyncEverySec
}

// Sink is the engine's AOF effect sink with group commit.
//
// Write (called with the writing command's locks held) only formats the
// effects into an in-memory buffer and advances the appended offset. A
// connection that is about to send replies calls Wait with the offset
// appended so far: one waiter at a time becomes the leader, takes the whole
// buffer, writes it with one write(2) and, under appendfsync always, one
// fdatasync(2), then wakes every waiter the write covered. Concurrent
// clients therefore share writes and fsyncs, and a reply is never sent
// before its write is in the file (everysec, no) or on disk (always).
// Under everysec a background loop fsyncs once a second, so a crash of the
// machine loses at most about a second; a crash of the process alone loses
// nothing that was acknowledged.
type Sink struct {
	mu    sync.Mutex
	cond  *sync.Cond
	buf   []byte
	spare []byte
	f     *os.File
	selDB int
	tsSec int64

	// everysec: a background fsync is running since syncStart (writes
	// are postponed meanwhile, up to two seconds, as Redis does: write(2)
	// would block behind the fsync anyway)
	syncing   bool
	syncStart time.Time

	appended uint64 // bytes appended since the sink started
	written  uint64 // bytes written to the file
	synced   uint64 // bytes known to be on disk
	ioBusy   bool

	// lock-free copies for WaitAll's fast path
	appendedA atomic.Uint64
	doneA     atomic.Uint64

	policy     int
	timestamps bool

	// size of the current incr file (for auto rewrite, and to cut a
	// short write back)
	incrSize int64
	err      error
	lastErr  time.Time
	// Fatal is called when a write or fsync fails under appendfsync
	// always (Redis exits: acknowledged writes could not be made durable).
	Fatal func(err error)
	// Logf logs.
	Logf func(format string, args ...any)
	stop chan struct{}
	done chan struct{}
}

// NewSink starts a sink appending to f (positioned at its end, size bytes).
func NewSink(f *os.File, size int64, policy int, timestamps bool) *Sink {
	s := &Sink{f: f, selDB: -1, policy: policy, timestamps: timestamps, incrSize: size,
		stop: make(chan struct{}), done: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.loop()
	return s
}

// SetPolicy changes appendfsync at runtime.
func (s *Sink) SetPolicy(policy int) {
	s.mu.Lock()
	s.policy = policy
	s.doneA.Store(s.doneLocked())
	s.mu.Unlock()
}

// SetTimestamps changes aof-timestamp-enabled at runtime.
func (s *Sink) SetTimestamps(on bool) {
	s.mu.Lock()
	s.timestamps = on
	s.mu.Unlock()
}

// Policy returns the fsync policy.
func (s *Sink) Policy() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.policy
}

// Write implements engine.EffectSink.
func (s *Sink) Write(batch []engine.Effect) {
	s.mu.Lock()
	before := len(s.buf)
	if s.timestamps {
		if now := time.Now().Unix(); now > s.tsSec {
			s.tsSec = now
			s.buf = append(s.buf, "#TS:"...)
			s.buf = strconv.AppendInt(s.buf, now, 10)
			s.buf = append(s.buf, '\r', '\n')
		}
	}
	for i := range batch {
		ef := &batch[i]
		if ef.DB != s.selDB && ef.DB >= 0 {
			s.buf = append(s.buf, "*2\r\n$6\r\nSELECT\r\n$"...)
			d := strconv.AppendInt(nil, int64(ef.DB), 10)
			s.buf = strconv.AppendInt(s.buf, int64(len(d)), 10)
			s.buf = append(s.buf, '\r', '\n')
			s.buf = append(s.buf, d...)
			s.buf = append(s.buf, '\r', '\n')
			s.selDB = ef.DB
		}
		s.buf = AppendCommand(s.buf, ef.Argv)
	}
	s.appended += uint64(len(s.buf) - before)
	s.appendedA.Store(s.appended)
	s.mu.Unlock()
}

// AppendCommand appends argv as a RESP array of bulk strings.
func AppendCommand(dst []byte, argv [][]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(argv)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range argv {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// Mark returns the offset of everything appended so far.
func (s *Sink) Mark() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appended
}

// Durable reports whether everything up to mark meets the policy's
// guarantee without waiting.
func (s *Sink) Durable(mark uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.doneLocked() >= mark
}

func (s *Sink) doneLocked() uint64 {
	if s.policy == FsyncAlways {
		return s.synced
	}
	return s.written
}

// WaitAll waits for everything appended so far (the reply barrier).
func (s *Sink) WaitAll() { s.waitAppended(false) }

// WaitBatch is WaitAll for a caller that has already run a whole batch of
// connections (an event loop before it writes their replies): under
// everysec and no it writes at once instead of yielding first for other
// connections to append. A yield is not free: it wakes an idle thread to
// look for work, once per batch.
func (s *Sink) WaitBatch() { s.waitAppended(true) }

func (s *Sink) waitAppended(batch bool) {
	a := s.appendedA.Load()
	if s.doneA.Load() >= a {
		return
	}
	s.wait(a, batch)
}

// Wait blocks until everything appended up to mark is written (and, under
// appendfsync always, synced), leading a group write when no other
// goroutine is doing one.
func (s *Sink) Wait(mark uint64) { s.wait(mark, false) }

func (s *Sink) wait(mark uint64, batch bool) {
	s.mu.Lock()
	yielded := batch && s.policy != FsyncAlways
	for s.doneLocked() < mark {
		if s.err != nil && !s.ioBusy {
			// Writes are failing (everysec / no): replies go out, the
			// background loop keeps retrying, as Redis does.
			break
		}
		if s.postponeLocked() {
			// everysec with an fsync in progress: the write waits for it
			// (the background loop writes when it ends); replies go out.
			break
		}
		if s.ioBusy {
			s.cond.Wait()
			continue
		}
		if !yielded {
			// Let the other runnable connections append their effects
			// first, so that one write covers them all (as Redis's one
			// write per event loop iteration). Alone, this costs nothing.
			yielded = true
			s.gatherLocked()
			continue
		}
		s.flushLocked(s.policy == FsyncAlways)
	}
	s.mu.Unlock()
}

// gatherLocked lets the connections that are running append their
// effects before a group write. Under appendfsync always it keeps yielding
// while effects keep arriving (up to maxGather), so that one fsync covers
// every client served meanwhile, as Redis's one fsync per event loop
// iteration does; otherwise, where a write is cheap, it yields once.
func (s *Sink) gatherLocked() {
	always := s.policy == FsyncAlways
	s.mu.Unlock()
	runtime.Gosched()
	if always {
		deadline := time.Now().Add(maxGather)
		for i := 0; i < 64; i++ {
			before := s.appendedA.Load()
			runtime.Gosched()
			if s.appendedA.Load() == before || time.Now().After(deadline) {
				break
			}
		}
	}
	s.mu.Lock()
}

// maxGather bounds how long a group fsync waits for more clients.
const maxGather = 500 * time.Microsecond

// postponeLocked reports whether writes wait for a running background
// fsync (everysec; at most two seconds).
func (s *Sink) postponeLocked() bool {
	return s.policy == FsyncEverySec && s.syncing && time.Since(s.syncStart) < 2*time.Second
}

// flushLocked writes the pending buffer (and fsyncs when sync); s.mu is
// held on entry and exit but released during I/O.
func (s *Sink) flushLocked(sync bool) {
	s.ioBusy = true
	buf := s.buf
	s.buf = s.spare[:0]
	upto := s.appended
	f := s.f
	size := s.incrSize
	s.mu.Unlock()
	var err error
	if len(buf) > 0 {
		err = writeAll(f, buf, size)
	}
	if err == nil && sync {
		err = fdatasync(f)
	}
	s.mu.Lock()
	s.ioBusy = false
	if err != nil {
		s.handleErrLocked(err, buf)
	} else {
		s.incrSize += int64(len(buf))
		s.written = upto
		if sync {
			s.synced = upto
		}
		s.doneA.Store(s.doneLocked())
		if cap(buf) <= 1<<20 {
			s.spare = buf[:0]
		}
		if s.err != nil && s.Logf != nil {
			s.Logf("AOF write error looks solved, Redwing can write again.")
		}
		s.err = nil
	}
	s.cond.Broadcast()
}

func (s *Sink) handleErrLocked(err error, buf []byte) {
	if s.policy == FsyncAlways && s.Fatal != nil {
		s.mu.Unlock()
		s.Fatal(err)
		s.mu.Lock()
	}
	// Keep the data for the next attempt, in front of what arrived since.
	s.buf = append(buf, s.buf...)
	if s.err == nil || time.Since(s.lastErr) > 30*time.Second {
		if s.Logf != nil {
			s.Logf("Error writing to the AOF file: %v", err)
		}
		s.lastErr = time.Now()
	}
	s.err = err
}

// Err returns the last write error (nil once a write succeeded again).
func (s *Sink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// writeAll writes buf at the end of f (size bytes long); on a short write
// it truncates the file back so no partial command is left (Redis's
// aofWrite + ftruncate).
func writeAll(f *os.File, buf []byte, size int64) error {
	n, err := f.Write(buf)
	if err != nil && n > 0 {
		if terr := f.Truncate(size); terr == nil {
			f.Seek(size, 0)
		}
	}
	return err
}

// loop flushes effects nobody waits for (expired keys, closed clients)
// and fsyncs once a second under everysec.
func (s *Sink) loop() {
	defer close(s.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	lastSync := time.Now()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		if !s.ioBusy && s.appended > s.written && !s.postponeLocked() {
			s.flushLocked(s.policy == FsyncAlways)
		}
		if s.policy == FsyncEverySec && s.synced < s.written && time.Since(lastSync) >= time.Second && !s.ioBusy && !s.syncing {
			upto := s.written
			f := s.f
			s.syncing, s.syncStart = true, time.Now()
			s.mu.Unlock()
			go func() {
				err := fdatasync(f)
				s.mu.Lock()
				s.syncing = false
				if err == nil && s.f == f && upto > s.synced {
					s.synced = upto
					s.doneA.Store(s.doneLocked())
				}
				if s.appended > s.written && !s.ioBusy {
					s.flushLocked(false)
				}
				s.mu.Unlock()
			}()
			s.mu.Lock()
			lastSync = time.Now()
		}
		s.mu.Unlock()
	}
}

// Rotate switches appends to f (a new, empty incr file). The caller holds
// the engine's world lock exclusively, so no Write runs. The pending
// buffer goes to the old file first; the old file is synced and closed in
// the background (under always it is already synced).
func (s *Sink) Rotate(f *os.File) {
	s.mu.Lock()
	for s.ioBusy {
		s.cond.Wait()
	}
	if s.appended > s.written {
		s.flushLocked(s.policy == FsyncAlways)
		for s.ioBusy {
			s.cond.Wait()
		}
	}
	old := s.f
	s.f = f
	s.selDB = -1
	s.incrSize = 0
	// What was written to the old file is as durable as its final sync.
	s.mu.Unlock()
	go func() {
		fdatasync(old)
		old.Close()
	}()
}

// IncrSize returns the bytes written to the current incr file.
func (s *Sink) IncrSize() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.incrSize + int64(len(s.buf))
}

// Close flushes, fsyncs and closes the file.
func (s *Sink) Close() error {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	for s.ioBusy {
		s.cond.Wait()
	}
	if s.appended > s.written {
		s.flushLocked(false)
	}
	f := s.f
	s.mu.Unlock()
	err := fdatasync(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
