package rdb

import (
	"encoding/binary"
	"errors"

	"github.com/redwingdb/redwing/internal/keyspace"
)

// DUMP payloads: <type> <value> <RDB version uint16 LE> <CRC-64 LE of all
// the preceding bytes>, as Redis's createDumpPayload.

// ErrBadPayload is a payload whose version or checksum is wrong.
var ErrBadPayload = errors.New("ERR DUMP payload version or checksum are wrong")

// ErrBadFormat is a payload whose value cannot be decoded.
var ErrBadFormat = errors.New("ERR Bad data format")

// Dump returns the DUMP payload of ent, appended to dst.
func (e *Encoder) Dump(dst []byte, ent *keyspace.Entry, now int64) ([]byte, error) {
	start := len(dst)
	dst, err := e.AppendValue(dst, ent, now)
	if err != nil {
		return dst[:start], err
	}
	dst = binary.LittleEndian.AppendUint16(dst, uint16(e.Opt.Version))
	crc := CRC64(0, dst[start:])
	return binary.LittleEndian.AppendUint64(dst, crc), nil
}

// VerifyDump checks a payload's footer as verifyDumpPayload: the version
// must be one Redwing reads and, unless skipChecksum, the CRC must match.
func VerifyDump(p []byte, skipChecksum bool) bool {
	if len(p) < 10 {
		return false
	}
	f := p[len(p)-10:]
	ver := binary.LittleEndian.Uint16(f)
	if ver > MaxVersion {
		return false
	}
	if skipChecksum {
		return true
	}
	return CRC64(0, p[:len(p)-8]) == binary.LittleEndian.Uint64(f[2:])
}

// Restore decodes a verified DUMP payload into an entry (Str or Obj).
func Restore(p []byte, lim Limits) (ent keyspace.Entry, err error) {
	if len(p) < 11 {
		return ent, ErrBadFormat
	}
	src := newBytesSource(p[:len(p)-10])
	src.crcOn = false
	defer func() {
		if r := recover(); r != nil {
			err = ErrBadFormat
		}
	}()
	d := &decoder{src: src, lim: lim}
	t, err := src.readByte()
	if err != nil {
		return ent, ErrBadFormat
	}
	if isOpcode(t) {
		return ent, ErrBadFormat
	}
	if err := d.readValue(t, &ent); err != nil {
		return ent, ErrBadFormat
	}
	// As Redis, bytes after the value are not checked.
	return ent, nil
}

func isOpcode(t byte) bool { return t >= OpFunction2 }
