package resp

import (
	"bytes"
	"fmt"
	"testing"
)

// parseRef is Parse as it was before its header fast path (shortCount):
// the straightforward reading of the protocol, kept as the oracle of
// FuzzParseMatchesReference.
func parseRef(buf []byte, args [][]byte, lim *Limits) ([][]byte, int, error) {
	args = args[:0]
	if len(buf) == 0 {
		return args, 0, ErrIncomplete
	}
	if buf[0] != '*' {
		return parseInline(buf, args, lim)
	}
	nl := bytes.IndexByte(buf, '\n')
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
	count, ok := parseInt(line)
	if !ok || count > 1<<31-1 {
		return args, 0, errInvalidMultibulk
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
		// As Redis, the header line must be complete before its '$' is
		// checked.
		nl := bytes.IndexByte(buf[pos:], '\r')
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
		n, ok := parseInt(buf[pos+1 : pos+nl])
		if !ok || n < 0 {
			return args, 0, errInvalidBulk
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

func FuzzParseMatchesReference(f *testing.F) {
	for _, s := range []string{
		"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "*0\r\n", "*-1\r\n", "*01\r\n$1\r\na\r\n", "*1\r\n$01\r\na\r\n",
		"*1\r\n$0\r\n\r\n", "*1\r\n*1\r\n", "*1\r\n$1\ra\r\n", "*1\r$1\r\na\r\n", "*3\r\n$1\r\na\r\n",
		"*1\r\n$1234567890\r\n", "*1234567890\r\n", "*1\r\n$-1\r\n", "*1\r\n$3",
	} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, unauth bool) {
		lim := &DefaultLimits
		if unauth {
			lim = &UnauthLimits
		}
		// Inline requests are unescaped in place: each parser gets a copy.
		args, n, err := Parse(bytes.Clone(data), nil, lim)
		wantArgs, wantN, wantErr := parseRef(bytes.Clone(data), nil, lim)
		if n != wantN || fmt.Sprint(err) != fmt.Sprint(wantErr) || len(args) != len(wantArgs) {
			t.Fatalf("%q: got %d args, n=%d, err=%v; want %d args, n=%d, err=%v", data, len(args), n, err, len(wantArgs), wantN, wantErr)
		}
		for i := range args {
			if !bytes.Equal(args[i], wantArgs[i]) {
				t.Fatalf("%q: argument %d is %q, want %q", data, i, args[i], wantArgs[i])
			}
		}
	})
}
