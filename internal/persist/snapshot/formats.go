package snapshot

import (
	"sync"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/persist/rdb"
)

// RDBFormat serialises keys as RDB key/value records.
type RDBFormat struct {
	Opt  rdb.Options
	Meta rdb.KeyMeta
	// Errors counts values that could not be encoded (left out).
	mu   sync.Mutex
	errs []error
	pool sync.Pool
}

// NewRDBFormat returns an RDB record format.
func NewRDBFormat(opt rdb.Options, meta rdb.KeyMeta) *RDBFormat {
	f := &RDBFormat{Opt: opt, Meta: meta}
	f.pool.New = func() any { return rdb.NewEncoder(opt) }
	return f
}

// AppendKey implements Format.
func (f *RDBFormat) AppendKey(dst []byte, db int, key []byte, ent *keyspace.Entry, now int64) []byte {
	enc := f.pool.Get().(*rdb.Encoder)
	out, err := enc.AppendKeyValue(dst, key, ent, f.Meta, now)
	f.pool.Put(enc)
	if err != nil {
		f.mu.Lock()
		if len(f.errs) < 16 {
			f.errs = append(f.errs, err)
		}
		f.mu.Unlock()
	}
	return out
}

// Errors returns encoding errors met so far.
func (f *RDBFormat) Errors() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]error(nil), f.errs...)
}

// RDBOutput writes a snapshot into an rdb.Writer.
type RDBOutput struct{ W *rdb.Writer }

// BeginDB implements Output.
func (o RDBOutput) BeginDB(db int, size, expires int64) error {
	o.W.SelectDB(db, size, expires)
	return nil
}

// Records implements Output.
func (o RDBOutput) Records(p []byte) error {
	_, err := o.W.Write(p)
	return err
}
