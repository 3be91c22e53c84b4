package rdb

import (
	"errors"
	"fmt"
	"io"
)

// Error is a malformed or truncated RDB stream; Offset is the byte offset
// where reading failed.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (at offset %d)", e.Msg, e.Offset) }

// ErrShort is wrapped by errors caused by a stream that ends too early.
var ErrShort = errors.New("unexpected end of file")

// source is a buffered reader that tracks the offset, the CRC-64 of the
// bytes consumed, and the bytes known to remain (so corrupt lengths fail
// instead of allocating).
type source struct {
	rd     io.Reader
	buf    []byte
	pos    int
	end    int
	off    int64 // offset of buf[pos]
	crc    uint64
	crcOn  bool
	remain int64 // bytes left after buf[end] in rd; -1 unknown
	eof    bool
}

func newSource(rd io.Reader, size int64) *source {
	s := &source{rd: rd, buf: make([]byte, 64<<10), remain: size, crcOn: true}
	return s
}

func newBytesSource(b []byte) *source {
	return &source{buf: b, end: len(b), remain: 0, eof: true, crcOn: true}
}

func (s *source) errf(format string, args ...any) error {
	return &Error{Offset: s.off, Msg: fmt.Sprintf(format, args...)}
}

func (s *source) short() error {
	return &Error{Offset: s.off, Msg: ErrShort.Error()}
}

// consume accounts n bytes at buf[pos:] as read.
func (s *source) consume(n int) {
	if s.crcOn {
		s.crc = CRC64(s.crc, s.buf[s.pos:s.pos+n])
	}
	s.pos += n
	s.off += int64(n)
}

// fill makes at least n bytes available in buf[pos:end] (n <= len(buf)).
func (s *source) fill(n int) error {
	if s.end-s.pos >= n {
		return nil
	}
	if s.eof {
		return s.short()
	}
	if s.pos > 0 {
		copy(s.buf, s.buf[s.pos:s.end])
		s.end -= s.pos
		s.pos = 0
	}
	if n > len(s.buf) {
		nb := make([]byte, n)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for s.end < n {
		m, err := s.rd.Read(s.buf[s.end:])
		s.end += m
		if s.remain > 0 {
			s.remain -= int64(m)
		}
		if err != nil {
			if err == io.EOF {
				s.eof = true
				if s.end >= n {
					return nil
				}
				return s.short()
			}
			return &Error{Offset: s.off, Msg: "read error: " + err.Error()}
		}
	}
	return nil
}

func (s *source) readByte() (byte, error) {
	if err := s.fill(1); err != nil {
		return 0, err
	}
	b := s.buf[s.pos]
	s.consume(1)
	return b, nil
}

// peek returns the next n bytes without consuming them (n small).
func (s *source) next(n int) ([]byte, error) {
	if err := s.fill(n); err != nil {
		return nil, err
	}
	b := s.buf[s.pos : s.pos+n]
	s.consume(n)
	return b, nil
}

// available is a bound on the bytes left, or -1 when unknown.
func (s *source) available() int64 {
	if s.remain < 0 {
		return -1
	}
	return int64(s.end-s.pos) + s.remain
}

// readBytes reads n bytes into a new slice.
func (s *source) readBytes(n uint64) ([]byte, error) {
	if av := s.available(); av >= 0 && n > uint64(av) {
		return nil, s.short()
	}
	if n > 1<<40 {
		return nil, s.errf("length %d too large", n)
	}
	out := make([]byte, 0, min(n, 1<<20))
	for uint64(len(out)) < n {
		if s.pos == s.end {
			if err := s.fill(1); err != nil {
				return nil, err
			}
		}
		k := min(uint64(s.end-s.pos), n-uint64(len(out)))
		out = append(out, s.buf[s.pos:s.pos+int(k)]...)
		s.consume(int(k))
	}
	return out, nil
}

// skip discards n bytes.
func (s *source) skip(n uint64) error {
	for n > 0 {
		if s.pos == s.end {
			if err := s.fill(1); err != nil {
				return err
			}
		}
		k := min(uint64(s.end-s.pos), n)
		s.consume(int(k))
		n -= k
	}
	return nil
}
