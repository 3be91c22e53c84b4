package rdb

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/redwingdb/redwing/internal/keyspace"
)

// Writer writes an RDB file: the header, AUX fields, functions, databases
// and the trailer with the CRC-64 checksum.
type Writer struct {
	w        *bufio.Writer
	crc      uint64
	n        int64
	err      error
	Enc      *Encoder
	buf      []byte
	checksum bool
}

// NewWriter starts an RDB stream on w. checksum false writes a zero
// checksum (rdbchecksum no).
func NewWriter(w io.Writer, opt Options, checksum bool) *Writer {
	enc := NewEncoder(opt)
	return &Writer{w: bufio.NewWriterSize(w, 256<<10), Enc: enc, checksum: checksum}
}

// Write appends raw, already encoded bytes (key/value records made with
// Encoder.AppendKeyValue).
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.checksum {
		w.crc = CRC64(w.crc, p)
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	w.err = err
	return n, err
}

// Written returns the number of bytes written so far.
func (w *Writer) Written() int64 { return w.n }

func (w *Writer) flushBuf() {
	w.Write(w.buf)
	w.buf = w.buf[:0]
}

// Header writes "REDIS" and the version.
func (w *Writer) Header() {
	w.buf = append(w.buf[:0], fmt.Sprintf("REDIS%04d", w.Enc.Opt.Version)...)
	w.flushBuf()
}

// Aux writes an AUX field.
func (w *Writer) Aux(key, val string) {
	w.buf = append(w.buf[:0], OpAux)
	w.buf = w.Enc.AppendString(w.buf, []byte(key))
	w.buf = w.Enc.AppendString(w.buf, []byte(val))
	w.flushBuf()
}

// AuxInt writes an integer AUX field.
func (w *Writer) AuxInt(key string, v int64) { w.Aux(key, strconv.FormatInt(v, 10)) }

// Function writes a function library (RDB_OPCODE_FUNCTION2).
func (w *Writer) Function(code string) {
	w.buf = append(w.buf[:0], OpFunction2)
	w.buf = w.Enc.AppendString(w.buf, []byte(code))
	w.flushBuf()
}

// SelectDB writes SELECTDB and RESIZEDB for database db.
func (w *Writer) SelectDB(db int, size, expires int64) {
	w.buf = append(w.buf[:0], OpSelectDB)
	w.buf = AppendLen(w.buf, uint64(db))
	w.buf = append(w.buf, OpResizeDB)
	w.buf = AppendLen(w.buf, uint64(size))
	w.buf = AppendLen(w.buf, uint64(expires))
	w.flushBuf()
}

// KeyValue writes one key.
func (w *Writer) KeyValue(key []byte, ent *keyspace.Entry, meta KeyMeta, now int64) error {
	var err error
	w.buf, err = w.Enc.AppendKeyValue(w.buf[:0], key, ent, meta, now)
	if err != nil {
		return err
	}
	w.flushBuf()
	return w.err
}

// Finish writes EOF and the checksum and flushes.
func (w *Writer) Finish() error {
	w.buf = append(w.buf[:0], OpEOF)
	w.flushBuf()
	var crc [8]byte
	if w.checksum {
		binary.LittleEndian.PutUint64(crc[:], w.crc)
	}
	if w.err == nil {
		_, w.err = w.w.Write(crc[:])
		w.n += 8
	}
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

// Handler receives what a Loader reads.
type Handler struct {
	// Aux receives AUX fields.
	Aux func(key, val []byte)
	// Function receives a function library's code; its error aborts.
	Function func(code []byte) error
	// Key receives a key of database db; its error aborts. ent.Expire,
	// and for files written with LRU/LFU opcodes IdleSec/Freq, are set.
	Key func(db int, key []byte, ent *keyspace.Entry, meta LoadedMeta) error
	// ResizeDB receives the size hints of the current database.
	ResizeDB func(db int, size, expires uint64)
	// Warn receives warnings (skipped module data, empty keys).
	Warn func(msg string)
}

// LoadedMeta are a loaded key's access opcodes.
type LoadedMeta struct {
	IdleSec int64 // -1 when absent
	Freq    int   // -1 when absent
}

// Info describes a loaded file.
type Info struct {
	Version int
	Keys    int64
	// End is the offset just past the checksum (or past EOF for version
	// < 5): an AOF with an RDB preamble continues there.
	End int64
}

// Loader reads RDB streams.
type Loader struct {
	Limits Limits
	// SkipChecksum disables checksum verification (rdbchecksum no).
	SkipChecksum bool
	// Now (unix ms), when set, drops hash fields whose TTL passed.
	Now int64
}

// Load reads an RDB stream from r. size is the number of bytes available
// in r, or -1 when unknown; the loader never reads past the checksum.
func (l *Loader) Load(r io.Reader, size int64, h Handler) (info Info, err error) {
	src := newSource(r, size)
	src.buf = src.buf[:min(len(src.buf), 64<<10)]
	return l.load(src, h)
}

func (l *Loader) load(src *source, h Handler) (info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Error{Offset: src.off, Msg: fmt.Sprintf("corrupt RDB data (%v)", r)}
		}
	}()
	d := &decoder{src: src, lim: l.Limits, now: l.Now}
	hdr, err := src.next(9)
	if err != nil {
		return info, err
	}
	if string(hdr[:5]) != "REDIS" {
		return info, &Error{Offset: 0, Msg: "wrong signature trying to load DB from file"}
	}
	ver, perr := strconv.Atoi(string(hdr[5:9]))
	if perr != nil || ver < MinVersion || ver > MaxVersion {
		return info, &Error{Offset: 5, Msg: fmt.Sprintf("can't handle RDB format version %s", hdr[5:9])}
	}
	info.Version = ver
	db := 0
	expire := int64(-1)
	meta := LoadedMeta{IdleSec: -1, Freq: -1}
	for {
		t, err := src.readByte()
		if err != nil {
			return info, err
		}
		switch t {
		case OpExpireTime:
			p, err := src.next(4)
			if err != nil {
				return info, err
			}
			expire = int64(int32(binary.LittleEndian.Uint32(p))) * 1000
			continue
		case OpExpireTimeMs:
			if expire, err = d.readMillis(); err != nil {
				return info, err
			}
			continue
		case OpFreq:
			b, err := src.readByte()
			if err != nil {
				return info, err
			}
			meta.Freq = int(b)
			continue
		case OpIdle:
			v, err := d.length()
			if err != nil {
				return info, err
			}
			meta.IdleSec = int64(v)
			continue
		case OpEOF:
			if ver >= 5 {
				want := src.crc
				p, err := src.next(8)
				if err != nil {
					return info, err
				}
				got := binary.LittleEndian.Uint64(p)
				if got != 0 && !l.SkipChecksum && got != want {
					return info, &Error{Offset: src.off - 8, Msg: fmt.Sprintf("wrong RDB checksum expected: (%016x) got: (%016x)", got, want)}
				}
			}
			info.End = src.off
			return info, nil
		case OpSelectDB:
			v, err := d.length()
			if err != nil {
				return info, err
			}
			if v > 1<<20 {
				return info, src.errf("invalid database number %d", v)
			}
			db = int(v)
			continue
		case OpResizeDB:
			a, err := d.length()
			if err != nil {
				return info, err
			}
			b, err := d.length()
			if err != nil {
				return info, err
			}
			if h.ResizeDB != nil {
				h.ResizeDB(db, a, b)
			}
			continue
		case OpAux:
			k, err := d.readString()
			if err != nil {
				return info, err
			}
			v, err := d.readString()
			if err != nil {
				return info, err
			}
			if h.Aux != nil {
				h.Aux(k, v)
			}
			continue
		case OpModuleAux:
			if err := d.skipModuleAux(); err != nil {
				return info, err
			}
			if h.Warn != nil {
				h.Warn("skipping module auxiliary data (Redwing has no modules)")
			}
			continue
		case OpFunction2:
			code, err := d.readString()
			if err != nil {
				return info, err
			}
			if h.Function != nil {
				if err := h.Function(code); err != nil {
					return info, &Error{Offset: src.off, Msg: "failed loading library: " + err.Error()}
				}
			}
			continue
		case OpFunctionPreGA:
			return info, src.errf("pre-release function format not supported")
		}
		// A key.
		key, err := d.readString()
		if err != nil {
			return info, err
		}
		var ent keyspace.Entry
		if err := d.readValue(t, &ent); err != nil {
			if err == errEmptyKey {
				if h.Warn != nil {
					h.Warn("skipping empty key: " + string(key))
				}
				expire, meta = -1, LoadedMeta{IdleSec: -1, Freq: -1}
				continue
			}
			return info, err
		}
		if expire > 0 {
			ent.Expire = expire
		} else if expire == 0 || expire < -1 {
			// An expire of 0 (or negative) is in the distant past.
			ent.Expire = 1
		}
		info.Keys++
		if h.Key != nil {
			if err := h.Key(db, key, &ent, meta); err != nil {
				return info, err
			}
		}
		expire, meta = -1, LoadedMeta{IdleSec: -1, Freq: -1}
	}
}

// skipModuleAux skips an RDB_OPCODE_MODULE_AUX record: the module ID, the
// "when" opcode and value, then typed module opcodes up to EOF (module
// type version 2 and later are self-describing).
func (d *decoder) skipModuleAux() error {
	if _, err := d.length(); err != nil { // module id
		return err
	}
	whenOp, err := d.length()
	if err != nil {
		return err
	}
	if whenOp != 2 { // RDB_MODULE_OPCODE_UINT
		return d.src.errf("bad when opcode in module aux data")
	}
	if _, err := d.length(); err != nil {
		return err
	}
	return d.skipModuleValue()
}

func (d *decoder) skipModuleValue() error {
	for {
		op, err := d.length()
		if err != nil {
			return err
		}
		switch op {
		case 0: // EOF
			return nil
		case 1, 2: // SINT, UINT
			if _, err := d.length(); err != nil {
				return err
			}
		case 3: // FLOAT
			if _, err := d.src.next(4); err != nil {
				return err
			}
		case 4: // DOUBLE
			if _, err := d.src.next(8); err != nil {
				return err
			}
		case 5: // STRING
			if _, err := d.readString(); err != nil {
				return err
			}
		default:
			return d.src.errf("unknown module opcode %d", op)
		}
	}
}
