package snapshot

import (
	"sync"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/keyspace"
)

// Format serialises keys. Implementations must be safe for concurrent use
// (the guard runs on writers' goroutines).
type Format interface {
	// AppendKey appends the record of one key of database db.
	AppendKey(dst []byte, db int, key []byte, ent *keyspace.Entry, now int64) []byte
}

// Output receives the snapshot, database by database, in order.
type Output interface {
	// BeginDB starts database db (skipped for databases empty at T0).
	BeginDB(db int, size, expires int64) error
	// Records receives serialised records of the current database.
	Records(p []byte) error
}

// Options configure a snapshot.
type Options struct {
	Format Format
	// AtStart runs under the exclusive world lock at T0.
	AtStart func()
	// Locked says the caller holds the exclusive world lock from Begin
	// until Write returns (DEBUG RELOAD): nothing changes meanwhile, so
	// no write guard is installed and nothing is locked.
	Locked bool
}

type shardState struct {
	saved bool
	pre   map[string][]byte // key -> record at T0; empty slice: absent at T0
	out   []byte            // records serialised ahead of the saver
}

// Snapshot is a snapshot in progress.
type Snapshot struct {
	e       *engine.Engine
	ks      *keyspace.Keyspace
	f       Format
	StartMs int64
	sizes   [][2]int64
	shards  [][]shardState
	locked  bool

	// cow counts bytes held in pre-images; peak is its maximum.
	cow  atomic.Int64
	peak atomic.Int64

	endOnce sync.Once
}

var absent = []byte{}

// Begin starts a snapshot of e's keyspace.
func Begin(e *engine.Engine, opt Options) *Snapshot {
	ks := e.KS
	s := &Snapshot{e: e, ks: ks, f: opt.Format, locked: opt.Locked}
	n := ks.NumDBs()
	s.sizes = make([][2]int64, n)
	s.shards = make([][]shardState, n)
	if !s.locked {
		ks.LockWorld()
	}
	s.StartMs = ks.Clock.NowMs()
	for i := 0; i < n; i++ {
		db := ks.DBIfUsed(i)
		if db != nil {
			s.sizes[i] = [2]int64{db.Size(), db.Expires()}
		}
		s.shards[i] = make([]shardState, keyspace.NumShards)
		if s.sizes[i][0] == 0 {
			for j := range s.shards[i] {
				s.shards[i][j].saved = true
			}
		}
	}
	if opt.AtStart != nil {
		opt.AtStart()
	}
	if !s.locked {
		e.SetWriteGuardLocked((*guard)(s))
		ks.UnlockWorld()
	}
	return s
}

// guard implements engine.WriteGuard.
type guard Snapshot

func (g *guard) BeforeWrite(db int, key []byte) {
	s := (*Snapshot)(g)
	if db >= len(s.shards) {
		return
	}
	st := &s.shards[db][s.ks.ShardOf(key)]
	if st.saved {
		return
	}
	if _, ok := st.pre[string(key)]; ok {
		return
	}
	if st.pre == nil {
		st.pre = make(map[string][]byte)
	}
	ent := s.ks.DB(db).Peek(key)
	if ent == nil {
		st.pre[string(key)] = absent
		return
	}
	rec := s.f.AppendKey(nil, db, key, ent, s.StartMs)
	st.pre[string(key)] = rec
	if c := s.cow.Add(int64(len(rec) + len(key) + 64)); c > s.peak.Load() {
		s.peak.Store(c)
	}
}

func (g *guard) BeforeWriteAll() {
	s := (*Snapshot)(g)
	// The world lock is held exclusively.
	for i := range s.shards {
		db := s.ks.DBIfUsed(i)
		if db == nil {
			continue // empty when the snapshot began: every shard is saved
		}
		for j := range s.shards[i] {
			st := &s.shards[i][j]
			if st.saved {
				continue
			}
			db.ForEachShard(j, true, func(_ int, m keyspace.ShardKeys) bool {
				st.out = s.serialize(st.out, i, st, m)
				return false
			})
			st.saved = true
			s.cow.Add(int64(len(st.out)))
		}
	}
	if c := s.cow.Load(); c > s.peak.Load() {
		s.peak.Store(c)
	}
}

// serialize appends shard st's records: pre-images where recorded, current
// values otherwise. m is the shard's map (its lock is held).
func (s *Snapshot) serialize(dst []byte, db int, st *shardState, m keyspace.ShardKeys) []byte {
	m.Range(func(k string, ent *keyspace.Entry) bool {
		if rec, ok := st.pre[k]; ok {
			dst = append(dst, rec...)
			return true
		}
		dst = s.f.AppendKey(dst, db, []byte(k), ent, s.StartMs)
		return true
	})
	for k, rec := range st.pre {
		if len(rec) == 0 {
			continue
		}
		if !m.Has(k) {
			dst = append(dst, rec...)
		}
	}
	freed := int64(0)
	for k, rec := range st.pre {
		freed += int64(len(rec) + len(k) + 64)
	}
	s.cow.Add(-freed)
	st.pre = nil
	return dst
}

// Write saves the snapshot to out. Clients keep running; each shard is
// locked only while it is serialised.
func (s *Snapshot) Write(out Output) error {
	defer s.End()
	ks := s.ks
	var buf []byte
	for i := range s.shards {
		if s.sizes[i][0] == 0 {
			continue
		}
		if err := out.BeginDB(i, s.sizes[i][0], s.sizes[i][1]); err != nil {
			return err
		}
		db := ks.DB(i)
		for j := range s.shards[i] {
			st := &s.shards[i][j]
			if s.locked {
				buf = buf[:0]
				db.ForEachShard(j, true, func(_ int, m keyspace.ShardKeys) bool {
					buf = s.serialize(buf, i, st, m)
					return false
				})
				if err := s.records(out, buf); err != nil {
					return err
				}
				continue
			}
			ks.RLockWorld()
			db.LockShard(j)
			if st.saved {
				buf = append(buf[:0], st.out...)
				s.cow.Add(-int64(len(st.out)))
				st.out = nil
				db.UnlockShard(j)
			} else {
				db.UnlockShard(j)
				buf = buf[:0]
				db.ForEachShard(j, false, func(_ int, m keyspace.ShardKeys) bool {
					if !st.saved {
						buf = s.serialize(buf, i, st, m)
						st.saved = true
					} else {
						buf = append(buf, st.out...)
						st.out = nil
					}
					return false
				})
			}
			ks.RUnlockWorld()
			if err := s.records(out, buf); err != nil {
				return err
			}
			if cap(buf) > 4<<20 {
				buf = nil
			}
		}
	}
	return nil
}

func (s *Snapshot) records(out Output, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	return out.Records(buf)
}

// End removes the write guard (Write calls it; call it when abandoning a
// snapshot).
func (s *Snapshot) End() {
	s.endOnce.Do(func() {
		if !s.locked {
			s.ks.LockWorld()
			s.e.SetWriteGuardLocked(nil)
			s.ks.UnlockWorld()
		}
		for i := range s.shards {
			for j := range s.shards[i] {
				s.shards[i][j] = shardState{saved: true}
			}
		}
	})
}

// PeakCOW returns the largest number of bytes held in pre-images at once.
func (s *Snapshot) PeakCOW() int64 { return s.peak.Load() }
