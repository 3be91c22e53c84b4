package rdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/redwingdb/redwing/internal/keyspace"
)

// CheckReport is the outcome of Check: what redis-check-rdb prints as its
// "[info]" lines.
type CheckReport struct {
	Version        int
	Keys           int64  // keys read
	Expires        int64  // keys with a TTL
	AlreadyExpired int64  // keys whose TTL is in the past
	DBs            int    // SELECTDB/RESIZEDB records seen
	Checksum       uint64 // the stored checksum (0: not computed)
	HasChecksum    bool   // version >= 5: a checksum trailer is present
	End            int64  // offset just past the trailer
	LastKey        []byte // the last key read completely
}

// Check reads an RDB stream without loading it anywhere, calling logf
// with redis-check-rdb style lines ("[offset N] ...") for the AUX fields,
// the databases and the checksum. size is the number of bytes available
// in r, or -1 when unknown. A malformed stream returns an *Error with the
// offset where reading failed; the report holds what was read until then.
func Check(r io.Reader, size int64, logf func(format string, args ...any)) (rep CheckReport, err error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	now := time.Now().UnixMilli()
	src := newSource(r, size)
	src.buf = src.buf[:min(len(src.buf), 64<<10)]
	h := Handler{
		Aux: func(k, v []byte) {
			logf("[offset %d] AUX FIELD %s = '%s'", src.off, k, v)
		},
		Function: func(code []byte) error {
			logf("[offset %d] Function library (%d bytes)", src.off, len(code))
			return nil
		},
		ResizeDB: func(db int, keys, expires uint64) {
			rep.DBs++
			logf("[offset %d] Selecting DB ID %d", src.off, db)
			logf("[offset %d] DB %d: %d keys, %d with an expire (RESIZEDB hint)", src.off, db, keys, expires)
		},
		Key: func(db int, key []byte, ent *keyspace.Entry, meta LoadedMeta) error {
			rep.Keys++
			if ent.Expire != 0 {
				rep.Expires++
				if ent.Expire < now {
					rep.AlreadyExpired++
				}
			}
			rep.LastKey = append(rep.LastKey[:0], key...)
			return nil
		},
		Warn: func(msg string) {
			logf("[offset %d] warning: %s", src.off, msg)
		},
	}
	l := &Loader{Limits: DefaultLimits()}
	info, err := l.load(src, h)
	rep.Version = info.Version
	if err != nil {
		return rep, err
	}
	rep.End = info.End
	if info.Version >= 5 {
		rep.HasChecksum = true
		// The checksum is the last 8 bytes consumed; the source keeps them.
		if src.pos >= 8 {
			rep.Checksum = binary.LittleEndian.Uint64(src.buf[src.pos-8 : src.pos])
		}
	}
	switch {
	case !rep.HasChecksum:
		logf("[offset %d] No checksum (RDB version %d < 5)", rep.End, rep.Version)
	case rep.Checksum == 0:
		logf("[offset %d] RDB file was saved with checksum disabled: no check performed.", rep.End)
	default:
		logf("[offset %d] Checksum OK", rep.End)
	}
	return rep, nil
}

// CheckFile runs Check on a file and prints redis-check-rdb's report to
// out. It returns nil when the file is valid, the error otherwise (the
// report has already been printed).
func CheckFile(path string, out io.Writer) error {
	logf := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
	}
	logf("[offset 0] Checking RDB file %s", path)
	f, err := os.Open(path)
	if err != nil {
		logf("[offset 0] Fatal error: can't open the RDB file %s for reading: %v", path, err)
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		logf("[offset 0] Fatal error: %v", err)
		return err
	}
	rep, err := Check(f, st.Size(), logf)
	info := func() {
		logf("[info] %d keys read", rep.Keys)
		logf("[info] %d expires", rep.Expires)
		logf("[info] %d already expired", rep.AlreadyExpired)
	}
	if err != nil {
		logf("--- RDB ERROR DETECTED ---")
		if e, ok := err.(*Error); ok {
			logf("[offset %d] %s", e.Offset, e.Msg)
		} else {
			logf("[offset 0] %v", err)
		}
		if rep.Version > 0 {
			logf("[additional info] RDB format version %d", rep.Version)
		}
		if rep.LastKey != nil {
			logf("[additional info] Last key read successfully: '%s'", rep.LastKey)
		}
		info()
		return err
	}
	if rep.End < st.Size() {
		logf("[offset %d] warning: %d bytes after the end of the RDB data", rep.End, st.Size()-rep.End)
	}
	logf("[offset %d] \\o/ RDB looks OK! \\o/", rep.End)
	info()
	return nil
}
