package resp

import (
	"bytes"
	"errors"
)

// Limits bound what a single request may claim.
type Limits struct {
	MaxMultibulk int64 // number of arguments in one request
	MaxBulk      int64 // bytes in one argument (proto-max-bulk-len)
	MaxInline    int   // bytes in one inline request line
	Unauth       bool  // the client has not authenticated: the stricter caps below apply too
}

// Redis's extra caps for clients that must still authenticate; they are
// checked after the ordinary limits (a bulk length above proto-max-bulk-len
// is "invalid bulk length" even before AUTH).
const (
	unauthMaxMultibulk = 10
	unauthMaxBulk      = 16384
)

// DefaultLimits are Redis's defaults for authenticated clients.
var DefaultLimits = Limits{MaxMultibulk: 1<<31 - 1, MaxBulk: 512 * 1024 * 1024, MaxInline: 64 * 1024}

// UnauthLimits are Redis's limits before a client authenticated.
var UnauthLimits = Limits{MaxMultibulk: 1<<31 - 1, MaxBulk: 512 * 1024 * 1024, MaxInline: 64 * 1024, Unauth: true}

// ProtocolError is a malformed request; the connection must be closed after
// replying with its text.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "ERR Protocol error: " + e.Msg }

var (
	errInvalidMultibulk = &ProtocolError{"invalid multibulk length"}
	errInvalidBulk      = &ProtocolError{"invalid bulk length"}
	errTooBigInline     = &ProtocolError{"too big inline request"}
	errTooBigMultibulk  = &ProtocolError{"too big mbulk count string"}
	errTooBigBulk       = &ProtocolError{"too big bulk count string"}
	errUnbalancedQuotes = &ProtocolError{"unbalanced quotes in request"}
	errUnauthMultibulk  = &ProtocolError{"unauthenticated multibulk length"}
	errUnauthBulk       = &ProtocolError{"unauthenticated bulk length"}
)

// ErrIncomplete means the buffer does not yet hold a whole request.
var ErrIncomplete = errors.New("resp: incomplete request")

// Parse reads one request from buf. It returns the arguments (slices into
// buf, or into scratch for inline requests with quotes), the number of bytes
// consumed, and an error: ErrIncomplete when more data is needed, or a
// *ProtocolError. An empty request (blank inline line, "*0" or "*-1")
// returns zero args with n > 0.
//
// With ErrIncomplete, n is 0 or a lower bound on the length buf must reach
// before a new attempt can succeed (more than len(buf)): the caller may
// skip parsing until then, which keeps a request with a million arguments
// arriving in many reads linear instead of quadratic.
func Parse(buf []byte, args [][]byte, lim *Limits) ([][]byte, int, error) {
	args = args[:0]
	if len(buf) == 0 {
		return args, 0, ErrIncomplete
	}
	if buf[0] != '*' {
		return parseInline(buf, args, lim)
	}
	count, digits := shortCount(buf)
	nl := 1 + digits + 1 // the '\n' of "*<count>\r\n"
	if digits == 0 || nl >= len(buf) || buf[nl] != '\n' {
		nl = bytes.IndexByte(buf, '\n')
		if nl < 0 {
			if len(buf) > lim.MaxInline {
				return args, 0, errTooBigMultibulk
			}
			return args, 0, ErrIncomplete
		}
		if nl > lim.MaxInline {
			return args, 0, errTooBigMultibulk
		}
		// Redis parses up to '\r'; the line must end with "\r\n".
		line := buf[1:nl]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		var ok bool
		count, ok = parseInt(line)
		if !ok || count > 1<<31-1 {
			return args, 0, errInvalidMultibulk
		}
	}
	if count > lim.MaxMultibulk {
		return args, 0, errInvalidMultibulk
	}
	if lim.Unauth && count > unauthMaxMultibulk {
		return args, 0, errUnauthMultibulk
	}
	pos := nl + 1
	if count <= 0 {
		return args, pos, nil
	}
	// need is what buf must hold at least: the rest of arguments i..count,
	// each at least "$0\r\n\r\n".
	need := func(from int, i int64) int {
		rest := (count - i) * 6
		if rest > 1<<40 {
			rest = 1 << 40
		}
		return max(from+int(rest), len(buf)+1)
	}
	for i := int64(0); i < count; i++ {
		if pos >= len(buf) {
			return args, need(pos, i), ErrIncomplete
		}
		n, digits := shortCount(buf[pos:])
		nl := 1 + digits // the '\r' of "$<n>\r\n"
		if digits == 0 || buf[pos] != '$' {
			// As Redis, the header line must be complete before its '$'
			// is checked.
			nl = bytes.IndexByte(buf[pos:], '\r')
			if nl < 0 {
				if len(buf)-pos > lim.MaxInline {
					return args, 0, errTooBigBulk
				}
				return args, need(pos, i), ErrIncomplete
			}
			if nl > lim.MaxInline {
				return args, 0, errTooBigBulk
			}
			if buf[pos] != '$' {
				return args, 0, &ProtocolError{"expected '$', got '" + string(buf[pos]) + "'"}
			}
			var ok bool
			n, ok = parseInt(buf[pos+1 : pos+nl])
			if !ok || n < 0 {
				return args, 0, errInvalidBulk
			}
		}
		if n > lim.MaxBulk {
			return args, 0, errInvalidBulk
		}
		if lim.Unauth && n > unauthMaxBulk {
			return args, 0, errUnauthBulk
		}
		start := pos + nl + 2 // skip "\r\n"
		end := start + int(n)
		if end+2 > len(buf) {
			return args, need(end+2, i+1), ErrIncomplete
		}
		args = append(args, buf[start:end:end])
		pos = end + 2
	}
	return args, pos, nil
}

// shortCount reads the common header of a request or an argument: a
// prefix byte, then 1 to 9 digits without a leading zero (or the single
// digit 0) ending at a '\r'. It returns the number and the count of
// digits, or 0 digits for anything else, which the general path then
// parses (and rejects if it must). One pass over a few bytes instead of a
// search for the line end and a second pass over the digits.
func shortCount(b []byte) (n int64, digits int) {
	if len(b) < 3 || b[1] == '0' && b[2] != '\r' {
		return 0, 0
	}
	for i := 1; i < len(b) && i <= 10; i++ {
		c := b[i]
		if c == '\r' {
			return n, i - 1
		}
		if c < '0' || c > '9' {
			return 0, 0
		}
		n = n*10 + int64(c-'0')
	}
	return 0, 0
}

func parseInline(buf []byte, args [][]byte, lim *Limits) ([][]byte, int, error) {
	nl := bytes.IndexByte(buf, '\n')
	if nl < 0 {
		if len(buf) > lim.MaxInline {
			return args, 0, errTooBigInline
		}
		return args, 0, ErrIncomplete
	}
	if nl > lim.MaxInline {
		return args, 0, errTooBigInline
	}
	line := buf[:nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	args, ok := splitArgs(line, args)
	if !ok {
		return args[:0], 0, errUnbalancedQuotes
	}
	return args, nl + 1, nil
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'
}

// splitArgs splits an inline command line the way redis-cli and Redis's
// sdssplitargs do: whitespace separated, with "double" (escapes) and 'single'
// quoted arguments. Quoted arguments are rewritten in place inside line,
// which is safe because the result is never longer than the source.
func splitArgs(line []byte, args [][]byte) ([][]byte, bool) {
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return args, true
		}
		start := p
		out := p // write position for unescaped bytes
		inq, insq := false, false
		for {
			if inq {
				if p >= len(line) {
					return args, false
				}
				c := line[p]
				if c == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]) {
					line[out] = hexVal(line[p+2])*16 + hexVal(line[p+3])
					out++
					p += 4
					continue
				}
				if c == '\\' && p+1 < len(line) {
					p++
					switch line[p] {
					case 'n':
						c = '\n'
					case 'r':
						c = '\r'
					case 't':
						c = '\t'
					case 'b':
						c = '\b'
					case 'a':
						c = '\a'
					default:
						c = line[p]
					}
					line[out] = c
					out++
					p++
					continue
				}
				if c == '"' {
					// Closing quote must be followed by a space or the end.
					if p+1 < len(line) && !isSpace(line[p+1]) {
						return args, false
					}
					p++
					break
				}
				line[out] = c
				out++
				p++
				continue
			}
			if insq {
				if p >= len(line) {
					return args, false
				}
				c := line[p]
				if c == '\\' && p+1 < len(line) && line[p+1] == '\'' {
					line[out] = '\''
					out++
					p += 2
					continue
				}
				if c == '\'' {
					if p+1 < len(line) && !isSpace(line[p+1]) {
						return args, false
					}
					p++
					break
				}
				line[out] = c
				out++
				p++
				continue
			}
			if p >= len(line) || isSpace(line[p]) {
				break
			}
			switch line[p] {
			case '"':
				inq = true
			case '\'':
				insq = true
			default:
				line[out] = line[p]
				out++
			}
			p++
		}
		args = append(args, line[start:out:out])
	}
}

// parseInt parses a decimal int64 the strict way Redis's string2ll does.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	return ParseInt(b)
}

// ParseInt parses a decimal int64 exactly as Redis's string2ll: no spaces,
// no '+', no leading zeros, no "-0", and no overflow.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
