package resp

import (
	"math"
	"strconv"
)

// Writer accumulates replies in one buffer; the server flushes it once per
// batch of pipelined commands. Proto selects RESP2 (2) or RESP3 (3) shapes.
type Writer struct {
	Buf   []byte
	Proto int
}

// Len is the number of buffered bytes.
func (w *Writer) Len() int { return len(w.Buf) }

// Reset empties the buffer, keeping its capacity.
func (w *Writer) Reset() { w.Buf = w.Buf[:0] }

func (w *Writer) crlf() { w.Buf = append(w.Buf, '\r', '\n') }

func (w *Writer) prefixed(c byte, n int64) {
	w.Buf = append(w.Buf, c)
	w.Buf = strconv.AppendInt(w.Buf, n, 10)
	w.crlf()
}

// Simple writes a status reply (+OK).
func (w *Writer) Simple(s string) {
	w.Buf = append(w.Buf, '+')
	w.Buf = append(w.Buf, s...)
	w.crlf()
}

// OK writes +OK.
func (w *Writer) OK() { w.Buf = append(w.Buf, "+OK\r\n"...) }

// Error writes an error reply; msg carries its code ("ERR ...", "WRONGTYPE ...").
// Newlines are replaced so the reply stays one line, as Redis does.
func (w *Writer) Error(msg string) {
	w.Buf = append(w.Buf, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.Buf = append(w.Buf, c)
	}
	w.crlf()
}

// Int writes an integer reply.
func (w *Writer) Int(n int64) { w.prefixed(':', n) }

// IntDigits writes an integer reply from its decimal text, which the
// caller has already formatted (INCR formats the new value to store it).
func (w *Writer) IntDigits(digits []byte) {
	w.Buf = append(w.Buf, ':')
	w.Buf = append(w.Buf, digits...)
	w.crlf()
}

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) {
	w.bulkHeader(len(b))
	w.Buf = append(w.Buf, b...)
	w.crlf()
}

// bulkHeader writes $n\r\n; lengths of one digit, the most common in
// replies of many elements (LRANGE, HGETALL of small values), skip the
// number formatting.
func (w *Writer) bulkHeader(n int) {
	if n < 10 {
		w.Buf = append(w.Buf, '$', byte('0'+n), '\r', '\n')
		return
	}
	w.prefixed('$', int64(n))
}

// BulkString writes a bulk string from a Go string.
func (w *Writer) BulkString(s string) {
	w.bulkHeader(len(s))
	w.Buf = append(w.Buf, s...)
	w.crlf()
}

// BulkInt writes an integer as a bulk string.
func (w *Writer) BulkInt(n int64) {
	var tmp [24]byte
	w.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null writes the null bulk string (RESP2 $-1, RESP3 _).
func (w *Writer) Null() {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
	} else {
		w.Buf = append(w.Buf, "$-1\r\n"...)
	}
}

// NullArray writes the null array (RESP2 *-1, RESP3 _).
func (w *Writer) NullArray() {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
	} else {
		w.Buf = append(w.Buf, "*-1\r\n"...)
	}
}

// Array writes an array header of n elements.
func (w *Writer) Array(n int) { w.prefixed('*', int64(n)) }

// Map writes a map header of n pairs (RESP2: an array of 2n elements).
func (w *Writer) Map(n int) {
	if w.Proto >= 3 {
		w.prefixed('%', int64(n))
	} else {
		w.prefixed('*', int64(2*n))
	}
}

// Set writes a set header (RESP2: an array).
func (w *Writer) Set(n int) {
	if w.Proto >= 3 {
		w.prefixed('~', int64(n))
	} else {
		w.prefixed('*', int64(n))
	}
}

// Push writes a push header (RESP2: an array).
func (w *Writer) Push(n int) {
	if w.Proto >= 3 {
		w.prefixed('>', int64(n))
	} else {
		w.prefixed('*', int64(n))
	}
}

// Attribute writes an attribute header (RESP3 only).
func (w *Writer) Attribute(n int) { w.prefixed('|', int64(n)) }

// Bool writes a boolean (RESP2: integer 1/0).
func (w *Writer) Bool(b bool) {
	switch {
	case w.Proto >= 3 && b:
		w.Buf = append(w.Buf, "#t\r\n"...)
	case w.Proto >= 3:
		w.Buf = append(w.Buf, "#f\r\n"...)
	case b:
		w.Buf = append(w.Buf, ":1\r\n"...)
	default:
		w.Buf = append(w.Buf, ":0\r\n"...)
	}
}

// FormatDouble formats d as Redis 7.0 does in replies: "%.17g", with
// "inf"/"-inf" and "nan".
func FormatDouble(dst []byte, d float64) []byte {
	switch {
	case math.IsInf(d, 1):
		return append(dst, "inf"...)
	case math.IsInf(d, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(d):
		return append(dst, "nan"...)
	}
	return appendG17(dst, d)
}

// appendG17 mimics C's printf("%.17g").
func appendG17(dst []byte, d float64) []byte {
	if d == 0 {
		if math.Signbit(d) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	// %g: use exponent form if exp < -4 or exp >= precision.
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], d, 'e', 16, 64) // d.dddddddddddddddde±XX
	// find exponent
	ei := len(e) - 1
	for e[ei] != 'e' {
		ei--
	}
	exp, _ := strconv.Atoi(string(e[ei+1:]))
	if exp < -4 || exp >= 17 {
		mant := trimZeros(e[:ei])
		dst = append(dst, mant...)
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		if exp < 10 {
			dst = append(dst, '0')
		}
		return strconv.AppendInt(dst, int64(exp), 10)
	}
	f := strconv.AppendFloat(tmp[:0], d, 'f', 16-exp, 64)
	return append(dst, trimZeros(f)...)
}

func trimZeros(b []byte) []byte {
	dot := -1
	for i, c := range b {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot < 0 {
		return b
	}
	end := len(b)
	for end > dot+1 && b[end-1] == '0' {
		end--
	}
	if end == dot+1 {
		end = dot
	}
	return b[:end]
}

// Double writes a double (RESP3 ',' type; RESP2 bulk string).
func (w *Writer) Double(d float64) {
	var tmp [40]byte
	s := FormatDouble(tmp[:0], d)
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, ',')
		w.Buf = append(w.Buf, s...)
		w.crlf()
		return
	}
	w.Bulk(s)
}

// BigNumber writes a big number (RESP2: bulk string).
func (w *Writer) BigNumber(s string) {
	if w.Proto >= 3 {
		w.Buf = append(w.Buf, '(')
		w.Buf = append(w.Buf, s...)
		w.crlf()
		return
	}
	w.BulkString(s)
}

// Verbatim writes a verbatim string with a 3-letter format (RESP2: bulk string).
func (w *Writer) Verbatim(format, s string) {
	if w.Proto >= 3 {
		w.prefixed('=', int64(len(s)+4))
		w.Buf = append(w.Buf, format...)
		w.Buf = append(w.Buf, ':')
		w.Buf = append(w.Buf, s...)
		w.crlf()
		return
	}
	w.BulkString(s)
}

// Raw appends pre-encoded RESP.
func (w *Writer) Raw(b []byte) { w.Buf = append(w.Buf, b...) }

// StringArray writes an array of bulk strings.
func (w *Writer) StringArray(ss []string) {
	w.Array(len(ss))
	for _, s := range ss {
		w.BulkString(s)
	}
}

// DeferLen reserves room for an aggregate header whose length is not yet
// known and returns a mark for SetDeferred.
func (w *Writer) DeferLen() int {
	m := len(w.Buf)
	return m
}

// SetDeferred inserts an aggregate header at mark. kind is '*', '%', '~' or '>'
// (map and set headers degrade to arrays under RESP2; n counts pairs for maps).
func (w *Writer) SetDeferred(mark int, kind byte, n int) {
	if w.Proto < 3 {
		if kind == '%' {
			n *= 2
		}
		kind = '*'
	}
	var hdr [24]byte
	h := append(hdr[:0], kind)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	w.Buf = append(w.Buf, h...)
	copy(w.Buf[mark+len(h):], w.Buf[mark:len(w.Buf)-len(h)])
	copy(w.Buf[mark:], h)
}
