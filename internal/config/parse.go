package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// errUnbalanced is returned by SplitArgs for a line with unbalanced quotes.
var errUnbalanced = errors.New("Unbalanced quotes in configuration line")

// SplitArgs splits a configuration line into arguments the way Redis's
// sdssplitargs does: arguments are separated by blanks; "double quoted"
// arguments understand \n \r \t \b \a \xHH and \<any> escapes; 'single
// quoted' arguments understand only \'. A closing quote must be followed by
// a blank or the end of the line. A quote inside an unquoted argument starts
// a quoted section of that same argument (foo"bar" is foobar).
func SplitArgs(line string) ([]string, error) {
	if i := strings.IndexByte(line, 0); i >= 0 {
		line = line[:i] // C strings end at NUL
	}
	var out []string
	p := 0
	n := len(line)
	at := func(i int) byte {
		if i < n {
			return line[i]
		}
		return 0
	}
	for {
		for p < n && isCSpace(line[p]) {
			p++
		}
		if p >= n {
			return out, nil
		}
		var cur []byte
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					cur = append(cur, hexVal(at(p+2))*16+hexVal(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					switch e := line[p]; e {
					case 'n':
						cur = append(cur, '\n')
					case 'r':
						cur = append(cur, '\r')
					case 't':
						cur = append(cur, '\t')
					case 'b':
						cur = append(cur, '\b')
					case 'a':
						cur = append(cur, '\a')
					default:
						cur = append(cur, e)
					}
				case c == '"':
					if nx := at(p + 1); nx != 0 && !isCSpace(nx) {
						return nil, errUnbalanced
					}
					done = true
				case c == 0:
					return nil, errUnbalanced
				default:
					cur = append(cur, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if nx := at(p + 1); nx != 0 && !isCSpace(nx) {
						return nil, errUnbalanced
					}
					done = true
				case c == 0:
					return nil, errUnbalanced
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, c)
				}
			}
			if p < n && at(p) != 0 {
				p++
			}
		}
		out = append(out, string(cur))
	}
}

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
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

// Quote returns s as a double-quoted string that SplitArgs reads back as s,
// escaping exactly like Redis's sdscatrepr.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c >= 0x20 && c <= 0x7e {
				b.WriteByte(c)
			} else {
				const hexd = "0123456789abcdef"
				b.WriteString(`\x`)
				b.WriteByte(hexd[c>>4])
				b.WriteByte(hexd[c&15])
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ParseMemory parses a memory value the way Redis's memtoull does: decimal
// digits followed by an optional case-insensitive unit (b, k=1000, kb=1024,
// m, mb, g, gb). The empty string is 0. Overflowing digit strings saturate
// and the multiplication wraps, as in Redis.
func ParseMemory(s string) (uint64, bool) {
	if strings.HasPrefix(s, "-") {
		return 0, false
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i >= 128 {
		return 0, false
	}
	var v uint64
	if i > 0 {
		var err error
		v, err = strconv.ParseUint(s[:i], 10, 64)
		if err != nil {
			v = math.MaxUint64 // strtoull saturates on ERANGE
		}
	}
	return v * mul, true
}

// formatMemory renders bytes for a config file using the largest exact
// binary unit, like rewriteConfigFormatMemory.
func formatMemory(v uint64) string {
	const kb, mb, gb = 1024, 1024 * 1024, 1024 * 1024 * 1024
	switch {
	case v != 0 && v%gb == 0:
		return strconv.FormatUint(v/gb, 10) + "gb"
	case v != 0 && v%mb == 0:
		return strconv.FormatUint(v/mb, 10) + "mb"
	case v != 0 && v%kb == 0:
		return strconv.FormatUint(v/kb, 10) + "kb"
	}
	return strconv.FormatUint(v, 10)
}

// parseStrictInt is Redis's string2ll: an optional '-', no '+', no leading
// zeros, no blanks, no "-0", within int64.
func parseStrictInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	d := s
	if d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || d[0] < '1' || d[0] > '9' {
		return 0, false
	}
	for i := 1; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// strtoll mimics C's strtoll(s, &end, base) for bases 8 and 10: leading
// blanks, an optional sign, digits. It reports whether the whole string was
// consumed (*end == '\0') and whether the value overflowed (ERANGE).
func strtoll(s string, base int) (v int64, full bool, erange bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var acc uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for i < len(s) {
		d := s[i]
		if d < '0' || d >= '0'+byte(base) || d > '9' {
			break
		}
		if !erange {
			if acc > (limit-uint64(d-'0'))/uint64(base) {
				erange = true
			} else {
				acc = acc*uint64(base) + uint64(d-'0')
			}
		}
		i++
	}
	if i == start {
		// No digits: nothing is consumed, end points at the start.
		return 0, len(s) == 0, false
	}
	full = i == len(s)
	if erange {
		if neg {
			return math.MinInt64, full, true
		}
		return math.MaxInt64, full, true
	}
	if neg {
		return -int64(acc), full, false
	}
	return int64(acc), full, false
}

// parseCDouble is Redis's string2d (strtod): no leading blanks, the whole
// string consumed, no overflow, not NaN. Hexadecimal floats are accepted.
func parseCDouble(s string) (float64, bool) {
	if len(s) == 0 || isCSpace(s[0]) {
		return 0, false
	}
	t := s
	if strings.ContainsRune(t, '_') {
		return 0, false
	}
	lower := strings.ToLower(t)
	body := strings.TrimLeft(lower, "+-")
	if strings.HasPrefix(body, "0x") && !strings.Contains(body, "p") {
		t += "p0"
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) {
		return 0, false
	}
	if math.IsInf(v, 0) && !strings.HasPrefix(body, "inf") {
		return 0, false // ERANGE overflow
	}
	return v, true
}

// formatPercentile renders a float like "%f" with trailing zeros (and a
// trailing dot) removed, as Redis's trimDoubleString.
func formatPercentile(v float64) string {
	s := strconv.FormatFloat(v, 'f', 6, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// Match reports whether str matches the glob pattern with Redis's
// stringmatch rules: * ? [abc] [^a-z] and \ escapes. nocase folds ASCII case.
func Match(pattern, str string, nocase bool) bool {
	skip := false
	return matchImpl(pattern, str, nocase, &skip, 0)
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func matchImpl(pat, str string, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > 1000 {
		return false
	}
	pi, si := 0, 0
	pat0 := func(i int) byte {
		if i < len(pat) {
			return pat[i]
		}
		return 0
	}
	eq := func(a, b byte) bool {
		if nocase {
			return lowerASCII(a) == lowerASCII(b)
		}
		return a == b
	}
	for pi < len(pat) && si < len(str) {
		switch pat[pi] {
		case '*':
			for pi+1 < len(pat) && pat[pi+1] == '*' {
				pi++
			}
			if pi == len(pat)-1 {
				return true
			}
			for si < len(str) {
				if matchImpl(pat[pi+1:], str[si:], nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
				si++
			}
			*skipLonger = true
			return false
		case '?':
			si++
		case '[':
			pi++
			not := pat0(pi) == '^'
			if not {
				pi++
			}
			match := false
			for {
				plen := len(pat) - pi
				switch {
				case pat0(pi) == '\\' && plen >= 2:
					pi++
					if pat[pi] == str[si] {
						match = true
					}
				case pat0(pi) == ']':
					goto closed
				case plen <= 0:
					pi--
					goto closed
				case plen >= 3 && pat[pi+1] == '-':
					start, end, c := pat[pi], pat[pi+2], str[si]
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lowerASCII(start), lowerASCII(end), lowerASCII(c)
					}
					pi += 2
					if c >= start && c <= end {
						match = true
					}
				default:
					if eq(pat[pi], str[si]) {
						match = true
					}
				}
				pi++
			}
		closed:
			if not {
				match = !match
			}
			if !match {
				return false
			}
			si++
		case '\\':
			if len(pat)-pi >= 2 {
				pi++
			}
			fallthrough
		default:
			if !eq(pat[pi], str[si]) {
				return false
			}
			si++
		}
		pi++
		if si == len(str) {
			for pi < len(pat) && pat[pi] == '*' {
				pi++
			}
			break
		}
	}
	return pi >= len(pat) && si == len(str)
}

// Keyspace notification classes, with Redis's bit values, as returned by
// Int("notify-keyspace-events").
const (
	NotifyKeyspace = 1 << 0  // K
	NotifyKeyevent = 1 << 1  // E
	NotifyGeneric  = 1 << 2  // g
	NotifyString   = 1 << 3  // $
	NotifyList     = 1 << 4  // l
	NotifySet      = 1 << 5  // s
	NotifyHash     = 1 << 6  // h
	NotifyZSet     = 1 << 7  // z
	NotifyExpired  = 1 << 8  // x
	NotifyEvicted  = 1 << 9  // e
	NotifyStream   = 1 << 10 // t
	NotifyKeyMiss  = 1 << 11 // m (not part of A)
	NotifyModule   = 1 << 13 // d
	NotifyNew      = 1 << 14 // n (not part of A)
	// NotifyAll is the "A" alias.
	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash |
		NotifyZSet | NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// ParseKeyspaceEvents converts a notify-keyspace-events string to flags.
func ParseKeyspaceEvents(s string) (int, bool) {
	flags := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			flags |= NotifyAll
		case 'g':
			flags |= NotifyGeneric
		case '$':
			flags |= NotifyString
		case 'l':
			flags |= NotifyList
		case 's':
			flags |= NotifySet
		case 'h':
			flags |= NotifyHash
		case 'z':
			flags |= NotifyZSet
		case 'x':
			flags |= NotifyExpired
		case 'e':
			flags |= NotifyEvicted
		case 'K':
			flags |= NotifyKeyspace
		case 'E':
			flags |= NotifyKeyevent
		case 't':
			flags |= NotifyStream
		case 'm':
			flags |= NotifyKeyMiss
		case 'd':
			flags |= NotifyModule
		case 'n':
			flags |= NotifyNew
		default:
			return 0, false
		}
	}
	return flags, true
}

// FormatKeyspaceEvents renders flags in Redis's normalised order.
func FormatKeyspaceEvents(flags int) string {
	var b []byte
	if flags&NotifyAll == NotifyAll {
		b = append(b, 'A')
	} else {
		for _, f := range []struct {
			bit int
			c   byte
		}{{NotifyGeneric, 'g'}, {NotifyString, '$'}, {NotifyList, 'l'}, {NotifySet, 's'},
			{NotifyHash, 'h'}, {NotifyZSet, 'z'}, {NotifyExpired, 'x'}, {NotifyEvicted, 'e'},
			{NotifyStream, 't'}, {NotifyModule, 'd'}, {NotifyNew, 'n'}} {
			if flags&f.bit != 0 {
				b = append(b, f.c)
			}
		}
	}
	if flags&NotifyKeyspace != 0 {
		b = append(b, 'K')
	}
	if flags&NotifyKeyevent != 0 {
		b = append(b, 'E')
	}
	if flags&NotifyKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}
