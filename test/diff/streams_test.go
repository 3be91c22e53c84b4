package diff

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/testkit"
)

// Differential tests of the stream commands. Generated IDs and times
// differ between the servers, so most tests use explicit IDs, XCLAIM TIME
// and masked renderings (xsMasked) where a reply holds times.

// xsRender renders v for comparison, replacing integers that are times
// (>= 1e12 ms) or that follow a map key named in idle, with placeholders.
func xsRender(v testkit.Value, idle map[string]bool) string {
	var b strings.Builder
	xsRenderTo(&b, v, idle, false)
	return b.String()
}

func xsRenderTo(b *strings.Builder, v testkit.Value, idle map[string]bool, maskInt bool) {
	switch v.Type {
	case ':':
		switch {
		case v.Int >= 1e12:
			b.WriteString(":<time>")
		case maskInt:
			b.WriteString(":<idle>")
		default:
			fmt.Fprintf(b, ":%d", v.Int)
		}
	case '*', '%', '~', '>':
		if v.Null {
			b.WriteString(string(v.Type) + "null")
			return
		}
		fmt.Fprintf(b, "%c%d[", v.Type, len(v.Elems))
		prevKey := ""
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			xsRenderTo(b, e, idle, idle[prevKey])
			prevKey = ""
			if e.Type == '$' || e.Type == '+' {
				prevKey = e.Str
			}
		}
		b.WriteByte(']')
	default:
		b.WriteString(strconv.Quote(string(v.Raw)))
	}
}

// xsMasked compares the replies of both servers with times masked and the
// values of the map keys in idle (idle times) masked.
func (p *pair) xsMasked(idle []string, args ...string) testkit.Value {
	p.t.Helper()
	m := map[string]bool{}
	for _, k := range idle {
		m[k] = true
	}
	a, b := p.both(args...)
	if xsRender(a, m) != xsRender(b, m) {
		p.t.Errorf("%s (masked)\n redwing: %s\n   redis: %s", show(args), a, b)
	}
	return a
}

// xsPendingExt compares an extended XPENDING reply ignoring the idle
// column (each entry is [id, consumer, idle, deliveries]).
func (p *pair) xsPendingExt(args ...string) {
	p.t.Helper()
	a, b := p.both(args...)
	norm := func(v testkit.Value) string {
		if v.Type != '*' || v.Null {
			return string(v.Raw)
		}
		var s strings.Builder
		for _, e := range v.Elems {
			if len(e.Elems) == 4 {
				if e.Elems[2].Int < 0 || e.Elems[2].Int > 5000 {
					s.WriteString("bad-idle")
				}
				fmt.Fprintf(&s, "[%s %s %d]", e.Elems[0].Str, e.Elems[1].Str, e.Elems[3].Int)
			} else {
				s.WriteString(string(e.Raw))
			}
		}
		return s.String()
	}
	if norm(a) != norm(b) {
		p.t.Errorf("%s (idle ignored)\n redwing: %s\n   redis: %s", show(args), a, b)
	}
}

// xsFill adds n entries with IDs 1-1 .. n-1 to key on both servers.
func xsFill(p *pair, key string, n int, fields ...string) {
	p.t.Helper()
	if len(fields) == 0 {
		fields = []string{"f", "v"}
	}
	for i := 1; i <= n; i++ {
		args := append([]string{"XADD", key, strconv.Itoa(i) + "-1"}, fields...)
		p.mustAgree(args...)
	}
}

func TestStreamXAdd(t *testing.T) {
	p := newPair(t)
	p.run(
		c("XADD", "s", "1-1", "a", "1"),
		c("XADD", "s", "1-2", "a", "2", "b", "3"),
		c("XADD", "s", "1-2", "a", "2"),
		c("XADD", "s", "1-1", "a", "2"),
		c("XADD", "s", "0-5", "a", "2"),
		c("XADD", "s", "1", "a", "2"),
		c("XADD", "s", "2", "a", "2"),
		c("XADD", "s", "2-*", "a", "2"),
		c("XADD", "s", "2-*", "a", "2"),
		c("XADD", "s", "1-*", "a", "2"),
		c("XADD", "s", "3-*", "x", "y"),
		c("XADD", "s", "0-0", "a", "2"),
		c("XADD", "s", "0", "a", "2"),
		c("XADD", "s", "0-*", "a", "2"),
		c("XADD", "new", "0-*", "a", "2"),
		c("XADD", "new2", "0-0", "a", "2"),
		c("EXISTS", "new2"),
		c("XADD", "s", "5-1", "a"),
		c("XADD", "s", "5-1", "a", "b", "c"),
		c("XADD", "s", "5-1"),
		c("XADD", "s"),
		c("XADD", "s", "NOMKSTREAM"),
		c("XADD", "s", "NOMKSTREAM", "5-1"),
		c("XADD", "s", "*"),
		c("XADD", "s", "*", "a"),
		c("XADD", "s", "abc", "a", "b"),
		c("XADD", "s", "-", "a", "b"),
		c("XADD", "s", "+", "a", "b"),
		c("XADD", "s", "5-*-1", "a", "b"),
		c("XADD", "s", "*-1", "a", "b"),
		c("XADD", "s", "**", "a", "b"),
		c("XADD", "nokey", "NOMKSTREAM", "1-1", "a", "b"),
		c("XADD", "nokey", "NOMKSTREAM", "*", "a", "b"),
		c("EXISTS", "nokey"),
		c("XADD", "s", "NOMKSTREAM", "10-1", "a", "b"),
		c("xadd", "s", "nomkstream", "11-1", "a", "b"),
		c("XLEN", "s"),
		c("XLEN", "nokey"),
		c("XRANGE", "s", "-", "+"),
		c("TYPE", "s"),
		c("OBJECT", "ENCODING", "s"),
		c("XADD", "s", "18446744073709551615-18446744073709551614", "a", "b"),
		c("XADD", "s", "18446744073709551615-*", "a", "b"),
		c("XADD", "s", "18446744073709551615-*", "a", "b"),
		c("XADD", "s", "*", "a", "b"),
		c("XADD", "s", "18446744073709551615-18446744073709551615", "a", "b"),
		c("XLEN", "s"),
		c("XADD", "t", "18446744073709551615-18446744073709551615", "a", "b"),
		c("XADD", "t", "*", "a", "b"),
		c("XADD", "u", "5-18446744073709551615", "a", "b"),
		c("XADD", "u", "5-*", "a", "b"),
		c("XADD", "u", "6-*", "a", "b"),
		c("XADD", "e", "1-1", "", ""),
		c("XRANGE", "e", "-", "+"),
		c("XADD", "bin", "1-1", "f\x00\r\n", "v\x00\r\n"),
		c("XRANGE", "bin", "-", "+"),
	)
	// Auto-generated IDs: shape and monotonicity only.
	p.mustAgree("DEL", "auto")
	a, b := p.both("XADD", "auto", "*", "f", "v")
	for _, v := range []testkit.Value{a, b} {
		ms, seq, ok := strings.Cut(v.Str, "-")
		n, err := strconv.ParseInt(ms, 10, 64)
		if !ok || seq != "0" || err != nil || n < time.Now().UnixMilli()-5000 || n > time.Now().UnixMilli()+5000 {
			t.Errorf("XADD * returned %s", v)
		}
	}
	a, _ = p.both("XADD", "auto", "*", "f", "v")
	if a.Type != '$' {
		t.Errorf("second XADD * %s", a)
	}
	p.doType("XADD", "auto", "NOMKSTREAM", "MAXLEN", "5", "*", "f", "v")
	p.do("XLEN", "auto")
	// An ID in the future makes "*" continue its sequence.
	p.run(
		c("XADD", "fut", "99999999999999-5", "a", "b"),
		c("XADD", "fut", "*", "a", "b"),
		c("XADD", "fut", "*", "a", "b"),
		c("XADD", "fut", "99999999999999-*", "a", "b"),
	)
}

func TestStreamIDParsing(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 3)
	ids := []string{
		"", "-", "+", "(", "((", "(-", "(+", "(1", "(1-1", "1-", "-1", "1-2-3", " 1", "1 ", "+1", "+1-+1",
		"00001", "-0", "0-0", "0", "18446744073709551615", "18446744073709551616",
		"18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551616",
		"1-18446744073709551616", "0x10", "1.5", "abc", "\t5", "-00005", " -1", "1-*", "*",
		"\x001", "1\x00garbage", strings.Repeat("1", 127), strings.Repeat("0", 126) + "1",
		strings.Repeat("0", 127) + "1", "9223372036854775808-1", "-9223372036854775808",
		"(18446744073709551615-18446744073709551615", "(0-0", "(0", "(18446744073709551615",
	}
	for _, id := range ids {
		p.do("XRANGE", "s", id, "+")
		p.do("XRANGE", "s", "-", id)
		p.do("XREVRANGE", "s", id, "-")
		p.do("XDEL", "s", id)
		p.do("XADD", "x", id, "f", "v")
		p.do("XREAD", "STREAMS", "s", id)
		p.do("XTRIM", "s", "MINID", id)
		p.do("XSETID", "s", id)
		p.do("XGROUP", "CREATE", "s", "g", id)
		p.do("XGROUP", "SETID", "s", "g", id)
		p.do("XACK", "s", "g", id)
		p.do("XAUTOCLAIM", "s", "g", "c", "0", id)
		p.do("XPENDING", "s", "g", id, "+", "10")
		p.do("XPENDING", "s", "g", "-", id, "10")
		p.do("XCLAIM", "s", "g", "c", "0", id, "JUSTID")
		p.do("XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", id)
		p.do("XGROUP", "DESTROY", "s", "g")
	}
	p.do("XLEN", "s")
	p.do("XRANGE", "x", "-", "+")
}

func TestStreamXRange(t *testing.T) {
	p := newPair(t)
	for i := 1; i <= 5; i++ {
		for s := 0; s < 3; s++ {
			p.mustAgree("XADD", "s", fmt.Sprintf("%d-%d", i, s), "i", strconv.Itoa(i), "s", strconv.Itoa(s))
		}
	}
	ranges := [][2]string{
		{"-", "+"}, {"+", "-"}, {"2", "3"}, {"2-1", "3-1"}, {"(2-1", "(3-1"}, {"(2", "3"}, {"2", "(3"},
		{"(1-0", "+"}, {"-", "(5-2"}, {"(-", "+"}, {"-", "(+"}, {"6", "+"}, {"0", "0"}, {"3-1", "3-1"},
		{"(3-1", "3-1"}, {"3", "3"}, {"(2-18446744073709551615", "3-0"}, {"0-0", "(1-1"},
		{"(18446744073709551615-18446744073709551615", "+"}, {"-", "(0-0"}, {"(0-0", "(1-1"},
	}
	for _, r := range ranges {
		p.do("XRANGE", "s", r[0], r[1])
		p.do("XREVRANGE", "s", r[1], r[0])
		p.do("XRANGE", "s", r[0], r[1], "COUNT", "2")
		p.do("XREVRANGE", "s", r[1], r[0], "COUNT", "2")
	}
	p.run(
		c("XRANGE", "s", "-", "+", "COUNT", "0"),
		c("XRANGE", "s", "-", "+", "COUNT", "-5"),
		c("XRANGE", "s", "-", "+", "COUNT", "1"),
		c("XRANGE", "s", "-", "+", "COUNT", "100"),
		c("XRANGE", "s", "-", "+", "count", "3", "COUNT", "1"),
		c("XRANGE", "s", "-", "+", "COUNT"),
		c("XRANGE", "s", "-", "+", "COUNT", "x"),
		c("XRANGE", "s", "-", "+", "COUNT", "1", "x"),
		c("XRANGE", "s", "-", "+", "LIMIT", "1"),
		c("XRANGE", "nokey", "-", "+"),
		c("XRANGE", "nokey", "-", "+", "COUNT", "0"),
		c("XRANGE", "nokey", "x", "+"),
		c("XREVRANGE", "s", "+", "-", "COUNT", "0"),
		c("XREVRANGE", "nokey", "+", "-"),
		c("XRANGE", "s", "x", "+", "COUNT", "x"),
		c("XRANGE", "s", "-", "+", "COUNT", "x", "COUNT"),
		c("XRANGE", "s", "-"),
		c("XREVRANGE", "s", "+"),
	)
	// Many entries over several nodes, with deletions.
	p.mustAgree("DEL", "big")
	for i := 1; i <= 350; i++ {
		p.mustAgree("XADD", "big", strconv.Itoa(i)+"-0", "n", strconv.Itoa(i), "pad", strings.Repeat("x", i%7))
	}
	for i := 1; i <= 350; i += 3 {
		p.mustAgree("XDEL", "big", strconv.Itoa(i)+"-0")
	}
	p.do("XRANGE", "big", "-", "+")
	p.do("XREVRANGE", "big", "+", "-")
	p.do("XRANGE", "big", "99", "205", "COUNT", "20")
	p.do("XREVRANGE", "big", "205", "99", "COUNT", "20")
	p.do("XRANGE", "big", "(100", "(103")
	p.do("XINFO", "STREAM", "big")
}

func TestStreamXDel(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 10)
	p.run(
		c("XDEL", "s", "1-1"),
		c("XDEL", "s", "1-1"),
		c("XDEL", "s", "2-1", "3-1", "2-1", "99-1"),
		c("XDEL", "s", "5"),
		c("XDEL", "s", "4-1", "bad"),
		c("XLEN", "s"),
		c("XDEL", "nokey", "1-1"),
		c("XDEL", "nokey", "bad"),
		c("XDEL", "s"),
		c("XINFO", "STREAM", "s"),
		c("XDEL", "s", "10-1"),
		c("XINFO", "STREAM", "s"),
		c("XDEL", "s", "4-1", "5-1", "6-1", "7-1", "8-1", "9-1"),
		c("XLEN", "s"),
		c("EXISTS", "s"),
		c("XINFO", "STREAM", "s"),
		c("XRANGE", "s", "-", "+"),
		c("XADD", "s", "9-1", "a", "b"),
		c("XADD", "s", "11-1", "a", "b"),
		c("XINFO", "STREAM", "s"),
	)
}

func TestStreamTrim(t *testing.T) {
	p := newPair(t)
	p.run(
		c("XTRIM", "nokey", "MAXLEN", "0"),
		c("XTRIM", "s", "MAXLEN"),
		c("XTRIM", "s"),
		c("XTRIM", "s", "LIMIT", "5"),
		c("XTRIM", "s", "MAXLEN", "-1"),
		c("XTRIM", "s", "MAXLEN", "x"),
		c("XTRIM", "s", "MAXLEN", "~"),
		c("XTRIM", "s", "MAXLEN", "~", "x"),
		c("XTRIM", "s", "MAXLEN", "=", "-1"),
		c("XTRIM", "s", "MINID", "x"),
		c("XTRIM", "s", "MINID", "~", "+"),
		c("XTRIM", "s", "MINID", "~", "-"),
		c("XTRIM", "s", "MAXLEN", "1", "MINID", "1"),
		c("XTRIM", "s", "MINID", "1", "MAXLEN", "1"),
		c("XTRIM", "s", "MAXLEN", "1", "MAXLEN", "1"),
		c("XTRIM", "s", "MAXLEN", "1", "LIMIT", "10"),
		c("XTRIM", "s", "MAXLEN", "=", "1", "LIMIT", "10"),
		c("XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "-1"),
		c("XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "x"),
		c("XTRIM", "s", "MAXLEN", "1", "LIMIT", "0"),
		c("XTRIM", "s", "LIMIT", "0"),
		c("XTRIM", "s", "LIMIT", "0", "MAXLEN", "~", "1"),
		c("XTRIM", "s", "MAXLEN", "1", "JUNK"),
		c("XTRIM", "s", "NOMKSTREAM", "MAXLEN", "1"),
		c("XADD", "s", "MAXLEN", "-1", "*", "a", "b"),
		c("XADD", "s", "LIMIT", "10", "*", "a", "b"),
		c("XADD", "s", "MAXLEN", "1", "LIMIT", "10", "*", "a", "b"),
		c("XADD", "s", "MAXLEN", "1", "MINID", "5", "*", "a", "b"),
		c("XADD", "s", "MAXLEN"),
		c("XADD", "s", "MAXLEN", "5", "6", "a", "b", "c"),
		c("EXISTS", "s"),
	)
	xsFill(p, "s", 250)
	p.run(
		c("XTRIM", "s", "MAXLEN", "~", "200"),
		c("XLEN", "s"),
		c("XTRIM", "s", "MAXLEN", "~", "120"),
		c("XLEN", "s"),
		c("XINFO", "STREAM", "s"),
		c("XTRIM", "s", "MAXLEN", "=", "120"),
		c("XTRIM", "s", "MAXLEN", "119"),
		c("XLEN", "s"),
		c("XINFO", "STREAM", "s"),
		c("XTRIM", "s", "MINID", "~", "150"),
		c("XTRIM", "s", "MINID", "~", "210"),
		c("XLEN", "s"),
		c("XTRIM", "s", "MINID", "210-1"),
		c("XTRIM", "s", "MINID", "=", "(210-1"),
		c("XLEN", "s"),
		c("XRANGE", "s", "-", "+", "COUNT", "2"),
		c("XINFO", "STREAM", "s"),
		c("XTRIM", "s", "MINID", "0"),
		c("XTRIM", "s", "MAXLEN", "0"),
		c("XLEN", "s"),
		c("EXISTS", "s"),
		c("XINFO", "STREAM", "s"),
	)
	// XADD with trimming, LIMIT and NOMKSTREAM together.
	p.mustAgree("DEL", "s")
	xsFill(p, "s", 300)
	p.run(
		c("XADD", "s", "MAXLEN", "~", "10", "LIMIT", "100", "301-1", "f", "v"),
		c("XLEN", "s"),
		c("XADD", "s", "MAXLEN", "~", "10", "LIMIT", "50", "302-1", "f", "v"),
		c("XLEN", "s"),
		c("XADD", "s", "MAXLEN", "~", "10", "LIMIT", "0", "303-1", "f", "v"),
		c("XLEN", "s"),
		c("XADD", "s", "NOMKSTREAM", "MAXLEN", "5", "304-1", "f", "v"),
		c("XLEN", "s"),
		c("XADD", "s", "MINID", "302", "305-1", "f", "v"),
		c("XRANGE", "s", "-", "+"),
		c("XADD", "s", "MINID", "~", "1000", "306-1", "f", "v"),
		c("XADD", "s", "MINID", "=", "1000", "307-1", "f", "v"),
		c("XLEN", "s"),
		c("XINFO", "STREAM", "s"),
		c("XADD", "s", "MAXLEN", "0", "308-1", "f", "v"),
		c("XLEN", "s"),
		c("XINFO", "STREAM", "s"),
		c("XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "1"),
		c("XTRIM", "s", "MAXLEN", "~", "0"),
		c("XINFO", "STREAM", "s"),
	)
	// Tombstones in the head node: MINID checks the node's last entry.
	p.mustAgree("DEL", "t")
	xsFill(p, "t", 150)
	p.run(
		c("XDEL", "t", "100-1", "99-1"),
		c("XTRIM", "t", "MINID", "~", "100"),
		c("XTRIM", "t", "MINID", "~", "101"),
		c("XINFO", "STREAM", "t"),
		c("XTRIM", "t", "MINID", "101"),
		c("XINFO", "STREAM", "t"),
		c("XTRIM", "t", "MAXLEN", "~", "49"),
		c("XINFO", "STREAM", "t"),
	)
}

func TestStreamNodeSizes(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "stream-node-max-bytes", "4096")
	defer p.do("CONFIG", "SET", "stream-node-max-entries", "100")
	// Large values split nodes by bytes.
	for i := 1; i <= 60; i++ {
		p.mustAgree("XADD", "s", strconv.Itoa(i)+"-0", "field", strings.Repeat("v", i*11), "n", strconv.Itoa(i*1000))
	}
	p.do("XINFO", "STREAM", "s")
	p.do("XTRIM", "s", "MAXLEN", "~", "30")
	p.do("XINFO", "STREAM", "s")
	// Integer-looking fields and values, changing field sets.
	for i := 1; i <= 200; i++ {
		args := []string{"XADD", "i", strconv.Itoa(i) + "-" + strconv.Itoa(i%3)}
		switch i % 4 {
		case 0:
			args = append(args, "1", strconv.Itoa(i*i), "2", "-"+strconv.Itoa(i))
		case 1:
			args = append(args, "1", "x", "2", "y")
		case 2:
			args = append(args, "a", "18446744073709551615", "b", "-9223372036854775808")
		default:
			args = append(args, "1", strings.Repeat("z", 70), "c", "4096", "d", "127")
		}
		p.mustAgree(args...)
	}
	p.do("XINFO", "STREAM", "i")
	p.do("XRANGE", "i", "50", "60")
	p.do("CONFIG", "SET", "stream-node-max-bytes", "300")
	p.do("CONFIG", "SET", "stream-node-max-entries", "7")
	for i := 1; i <= 100; i++ {
		p.mustAgree("XADD", "k", "1-"+strconv.Itoa(i), "field", strings.Repeat("q", i%30))
	}
	p.do("XINFO", "STREAM", "k")
	p.do("XDEL", "k", "1-1", "1-2", "1-3", "1-4")
	p.do("XINFO", "STREAM", "k")
	p.do("XTRIM", "k", "MAXLEN", "~", "50")
	p.do("XINFO", "STREAM", "k")
	p.do("XTRIM", "k", "MAXLEN", "~", "1", "LIMIT", "20")
	p.do("XINFO", "STREAM", "k")
	p.do("CONFIG", "SET", "stream-node-max-entries", "0")
	for i := 1; i <= 100; i++ {
		p.mustAgree("XADD", "z", strconv.Itoa(i)+"-0", "f", strings.Repeat("w", i%9))
	}
	p.do("XINFO", "STREAM", "z")
	p.do("XTRIM", "z", "MAXLEN", "~", "3")
	p.do("XINFO", "STREAM", "z")
	p.do("CONFIG", "SET", "stream-node-max-bytes", "0")
	p.do("CONFIG", "SET", "stream-node-max-entries", "3")
	for i := 1; i <= 20; i++ {
		p.mustAgree("XADD", "y", strconv.Itoa(i)+"-0", "f", "v")
	}
	p.do("XINFO", "STREAM", "y")
}

func TestStreamXRead(t *testing.T) {
	p := newPair(t)
	xsFill(p, "a", 3)
	xsFill(p, "b", 2, "x", "1", "y", "2")
	p.run(
		c("XREAD", "STREAMS", "a", "0"),
		c("XREAD", "STREAMS", "a", "b", "0", "0"),
		c("XREAD", "STREAMS", "a", "b", "2-1", "1"),
		c("XREAD", "STREAMS", "a", "b", "$", "$"),
		c("XREAD", "STREAMS", "a", "nokey", "0", "0"),
		c("XREAD", "STREAMS", "nokey", "0"),
		c("XREAD", "STREAMS", "nokey", "$"),
		c("XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"),
		c("XREAD", "COUNT", "0", "STREAMS", "a", "0"),
		c("XREAD", "COUNT", "-1", "STREAMS", "a", "0"),
		c("XREAD", "count", "2", "streams", "a", "0"),
		c("XREAD", "STREAMS", "a", "a", "0", "1-1"),
		c("XREAD", "STREAMS", "a", "3-1"),
		c("XREAD", "STREAMS", "a", "3"),
		c("XREAD", "STREAMS", "a", "+"),
		c("XREAD", "STREAMS", "a", ">"),
		c("XREAD", "STREAMS", "a", "-"),
		c("XREAD", "STREAMS", "a", "x"),
		c("XREAD", "STREAMS", "a", "b", "0"),
		c("XREAD", "STREAMS", "a"),
		c("XREAD", "STREAMS"),
		c("XREAD", "COUNT", "1", "a", "0"),
		c("XREAD", "COUNT", "x", "STREAMS", "a", "0"),
		c("XREAD", "COUNT", "STREAMS", "a", "0"),
		c("XREAD", "BLOCK", "x", "STREAMS", "a", "0"),
		c("XREAD", "BLOCK", "-1", "STREAMS", "a", "0"),
		c("XREAD", "BLOCK", "0", "STREAMS", "a", "0"),
		c("XREAD", "BLOCK", "10", "COUNT", "1", "STREAMS", "a", "0"),
		c("XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"),
		c("XREAD", "NOACK", "STREAMS", "a", "0"),
		c("XREAD", "JUNK", "STREAMS", "a", "0"),
		c("XREAD", "STREAMS", "a", "0", "junk"),
		c("XREAD", "BLOCK"),
		c("XREAD", "COUNT", "1", "BLOCK", "1"),
	)
	p.mustAgree("DEL", "a")
	p.mustAgree("SET", "str", "x")
	p.run(
		c("XREAD", "STREAMS", "str", "0"),
		c("XREAD", "STREAMS", "b", "str", "0", "0"),
		c("XREAD", "STREAMS", "b", "str", "0", "bad"),
		c("XREAD", "STREAMS", "b", "str", "bad", "0"),
	)
	// Deleted entries and the last entry.
	xsFill(p, "d", 4)
	p.run(
		c("XDEL", "d", "4-1"),
		c("XREAD", "STREAMS", "d", "3-1"),
		c("XREAD", "STREAMS", "d", "2-1"),
		c("XREAD", "STREAMS", "d", "$"),
	)
	p.resp3()
	p.run(
		c("XREAD", "STREAMS", "b", "d", "0", "0"),
		c("XREAD", "STREAMS", "d", "3-1"),
		c("XREAD", "COUNT", "1", "STREAMS", "b", "0"),
		c("XRANGE", "b", "-", "+"),
		c("XRANGE", "b", "-", "+", "COUNT", "0"),
		c("XADD", "b", "NOMKSTREAM", "1-1", "a", "b"),
		c("XADD", "nokey", "NOMKSTREAM", "1-1", "a", "b"),
	)
}

func TestStreamGroups(t *testing.T) {
	p := newPair(t)
	p.run(
		c("XGROUP", "HELP"),
		c("XGROUP", "help"),
		c("XGROUP", "HELP", "x"),
		c("XGROUP"),
		c("XGROUP", "FOO"),
		c("XGROUP", "FOO", "k", "g"),
		c("XGROUP", "CREATE", "s", "g", "$"),
		c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
		c("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
		c("XGROUP", "CREATE", "s", "g2", "0", "MKSTREAM"),
		c("XLEN", "s"),
		c("TYPE", "s"),
		c("XGROUP", "CREATE", "s", "g3", "x"),
		c("XGROUP", "CREATE", "s", "g3", "-"),
		c("XGROUP", "CREATE", "s", "g3", "+"),
		c("XGROUP", "CREATE", "s", "g3", "5"),
		c("XGROUP", "CREATE", "s", "g4", "5-5", "ENTRIESREAD", "3"),
		c("XGROUP", "CREATE", "s", "g5", "5-5", "ENTRIESREAD", "-1"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "ENTRIESREAD", "-2"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "ENTRIESREAD", "x"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "ENTRIESREAD"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "JUNK"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "MKSTREAM", "ENTRIESREAD", "1", "MKSTREAM"),
		c("XGROUP", "CREATE", "s", "g6", "5-5", "mkstream", "entriesread", "1"),
		c("XGROUP", "CREATE", "s"),
		c("XGROUP", "CREATE", "s", "g7"),
		c("XGROUP", "CREATE", "nokey", "g", "0"),
		c("XGROUP", "CREATE", "nokey", "g", "0", "ENTRIESREAD", "5"),
		c("XINFO", "GROUPS", "s"),
		c("XGROUP", "SETID", "s", "g", "10-10"),
		c("XGROUP", "SETID", "s", "g", "-"),
		c("XGROUP", "SETID", "s", "g", "+"),
		c("XGROUP", "SETID", "s", "g", "$"),
		c("XGROUP", "SETID", "s", "g", "7", "ENTRIESREAD", "3"),
		c("XGROUP", "SETID", "s", "g", "7", "ENTRIESREAD", "-3"),
		c("XGROUP", "SETID", "s", "g", "7", "MKSTREAM"),
		c("XGROUP", "SETID", "s", "g", "7", "ENTRIESREAD"),
		c("XGROUP", "SETID", "s", "g", "x"),
		c("XGROUP", "SETID", "s", "nogroup", "0"),
		c("XGROUP", "SETID", "nokey", "g", "0"),
		c("XGROUP", "SETID", "s", "g"),
		c("XINFO", "GROUPS", "s"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "alice"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "alice"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "bob"),
		c("XGROUP", "CREATECONSUMER", "s", "nogroup", "bob"),
		c("XGROUP", "CREATECONSUMER", "nokey", "g", "bob"),
		c("XGROUP", "CREATECONSUMER", "s", "g"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "a", "b"),
		c("XGROUP", "DELCONSUMER", "s", "g", "alice"),
		c("XGROUP", "DELCONSUMER", "s", "g", "alice"),
		c("XGROUP", "DELCONSUMER", "s", "nogroup", "alice"),
		c("XGROUP", "DELCONSUMER", "nokey", "g", "alice"),
		c("XGROUP", "DESTROY", "s", "g2"),
		c("XGROUP", "DESTROY", "s", "g2"),
		c("XGROUP", "DESTROY", "nokey", "g2"),
		c("XGROUP", "DESTROY", "s"),
		c("XGROUP", "DESTROY", "s", "g", "x"),
		c("XINFO", "GROUPS", "s"),
	)
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g")
	p.mustAgree("SET", "str", "v")
	for _, sub := range []string{"CREATE", "SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER"} {
		args := []string{"XGROUP", sub, "str", "g"}
		if sub != "DESTROY" {
			args = append(args, "0")
		}
		p.do(args...)
	}
	p.do("XGROUP", "CREATE", "str", "g", "0", "MKSTREAM")
	p.do("XGROUP", "CREATE", "str", "g", "0", "BAD")
}

func TestStreamReadGroup(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 5)
	p.run(
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "1-1"),
		c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", "0"),
		c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0-0"),
		c("XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", "0"),
		c("XPENDING", "s", "g"),
		c("XINFO", "GROUPS", "s"),
		c("XACK", "s", "g", "1-1"),
		c("XACK", "s", "g", "1-1", "3-1", "99-1"),
		c("XACK", "s", "g", "bad"),
		c("XACK", "s", "nogroup", "bad"),
		c("XACK", "nokey", "g", "bad"),
		c("XACK", "s", "g", "2-1", "bad"),
		c("XPENDING", "s", "g"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "10", "STREAMS", "s", "0"),
		c("XPENDING", "s", "g"),
		c("XDEL", "s", "2-1"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"),
		c("XPENDING", "s", "g"),
		c("XINFO", "GROUPS", "s"),
		// NOACK delivers without PEL entries.
		c("XADD", "s", "6-1", "f", "v"),
		c("XADD", "s", "7-1", "f", "v"),
		c("XREADGROUP", "GROUP", "g", "dave", "NOACK", "COUNT", "1", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "dave", "NOACK", "STREAMS", "s", ">"),
		c("XPENDING", "s", "g"),
		c("XINFO", "GROUPS", "s"),
		// Errors.
		c("XREADGROUP", "GROUP", "nogroup", "c", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "-"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "STREAMS", "s", ">"),
		c("XREADGROUP", "COUNT", "1", "STREAMS", "s", ">", "x"),
		c("XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "BLOCK", "-5", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "JUNK", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "18446744073709551615-18446744073709551615"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "18446744073709551615-18446744073709551614"),
		c("xreadgroup", "group", "g", "c", "count", "1", "noack", "streams", "s", ">"),
	)
	p.mustAgree("SET", "str", "x")
	p.run(
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "str", ">", ">"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", "s", ">", ">"),
	)
	// Several streams, one with a group missing.
	xsFill(p, "t", 2)
	p.run(
		c("XGROUP", "CREATE", "t", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "multi", "STREAMS", "s", "t", ">", ">"),
		c("XREADGROUP", "GROUP", "g", "multi", "STREAMS", "s", "t", "0", ">"),
		c("XREADGROUP", "GROUP", "g", "multi", "STREAMS", "s", "t", "0", "0"),
		c("XGROUP", "CREATE", "u", "h", "0", "MKSTREAM"),
		c("XREADGROUP", "GROUP", "g", "multi", "STREAMS", "t", "u", ">", ">"),
	)
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g")
	// XGROUP SETID back: entries are delivered again and change owner.
	p.run(
		c("XGROUP", "SETID", "s", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"),
		c("XPENDING", "s", "g"),
		c("XINFO", "GROUPS", "s"),
	)
	p.resp3()
	p.run(
		c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"),
		c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "t", "0", "0"),
		c("XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"),
		c("XPENDING", "s", "g"),
		c("XPENDING", "s", "nogroup"),
		c("XINFO", "GROUPS", "s"),
	)
}

func TestStreamEntriesReadLag(t *testing.T) {
	p := newPair(t)
	info := func(key string) {
		p.t.Helper()
		p.do("XINFO", "GROUPS", key)
		p.xsMasked(nil, "XINFO", "STREAM", key, "FULL")
	}
	xsFill(p, "s", 5)
	p.run(
		c("XGROUP", "CREATE", "s", "a", "0"),
		c("XGROUP", "CREATE", "s", "b", "0", "ENTRIESREAD", "0"),
		c("XGROUP", "CREATE", "s", "c", "$"),
		c("XGROUP", "CREATE", "s", "d", "3-1"),
		c("XGROUP", "CREATE", "s", "e", "99-1"),
		c("XGROUP", "CREATE", "s", "f", "3-1", "ENTRIESREAD", "7"),
	)
	info("s")
	p.run(
		c("XREADGROUP", "GROUP", "a", "x", "COUNT", "2", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "b", "x", "COUNT", "2", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "d", "x", "COUNT", "1", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "f", "x", "COUNT", "1", "STREAMS", "s", ">"),
	)
	info("s")
	p.run(
		c("XDEL", "s", "4-1"),
		c("XADD", "s", "6-1", "f", "v"),
	)
	info("s")
	p.run(
		c("XREADGROUP", "GROUP", "a", "x", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "b", "x", "COUNT", "1", "STREAMS", "s", ">"),
	)
	info("s")
	p.run(
		c("XDEL", "s", "1-1"),
		c("XTRIM", "s", "MAXLEN", "2"),
		c("XGROUP", "SETID", "s", "c", "0"),
		c("XGROUP", "SETID", "s", "d", "2-1", "ENTRIESREAD", "2"),
	)
	info("s")
	// Deletions before the first entry, empty streams.
	xsFill(p, "t", 3)
	p.run(
		c("XDEL", "t", "1-1"),
		c("XGROUP", "CREATE", "t", "g", "0-1"),
		c("XGROUP", "CREATE", "t", "h", "0", "ENTRIESREAD", "0"),
		c("XREADGROUP", "GROUP", "h", "c", "COUNT", "1", "STREAMS", "t", ">"),
		c("XDEL", "t", "2-1", "3-1"),
		c("XGROUP", "CREATE", "t", "i", "0"),
		c("XGROUP", "CREATE", "t", "j", "1-1"),
	)
	info("t")
	p.run(
		c("XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"),
		c("XGROUP", "CREATE", "empty", "h", "5-5", "MKSTREAM"),
	)
	info("empty")
	xsFill(p, "u", 3)
	p.run(
		c("XTRIM", "u", "MAXLEN", "0"),
		c("XGROUP", "CREATE", "u", "g", "0"),
		c("XGROUP", "CREATE", "u", "h", "10-0"),
		c("XADD", "u", "11-0", "f", "v"),
		c("XREADGROUP", "GROUP", "g", "c", "STREAMS", "u", ">"),
	)
	info("u")
	p.resp3()
	info("s")
	info("t")
}

func TestStreamPending(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 6)
	p.run(
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XPENDING", "s", "g"),
		c("XPENDING", "s", "g", "-", "+", "10"),
		c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "idle"),
		c("XPENDING", "s", "g"),
		c("XPENDING", "s", "nogroup"),
		c("XPENDING", "nokey", "g"),
		c("XPENDING", "s", "g", "-"),
		c("XPENDING", "s", "g", "-", "+"),
		c("XPENDING", "s", "g", "-", "+", "10", "alice", "x", "y", "z"),
		c("XPENDING", "s", "g", "-", "+", "x"),
		c("XPENDING", "s", "g", "x", "+", "10"),
		c("XPENDING", "s", "g", "-", "x", "10"),
		c("XPENDING", "s", "g", "(-", "+", "10"),
		c("XPENDING", "s", "g", "-", "(+", "10"),
		c("XPENDING", "s", "g", "(18446744073709551615-18446744073709551615", "+", "10"),
		c("XPENDING", "s", "g", "-", "(0-0", "10"),
		c("XPENDING", "s", "g", "IDLE", "x", "-", "+", "10"),
		c("XPENDING", "s", "g", "IDLE", "10", "-", "+"),
		c("XPENDING", "s", "g", "IDLE", "10", "-"),
		c("XPENDING", "nokey", "g", "-", "+", "10"),
		c("XPENDING", "s", "g", "-", "+", "0"),
		c("XPENDING", "s", "g", "-", "+", "-1"),
		c("XPENDING", "s", "g", "-", "+", "10", "nobody"),
		c("XPENDING", "s", "g", "-", "+", "10", "idle"),
		c("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"),
		c("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10", "alice"),
	)
	for _, args := range [][]string{
		{"XPENDING", "s", "g", "-", "+", "10"},
		{"XPENDING", "s", "g", "-", "+", "2"},
		{"XPENDING", "s", "g", "2", "4", "10"},
		{"XPENDING", "s", "g", "(2-1", "(4-1", "10"},
		{"XPENDING", "s", "g", "-", "+", "10", "alice"},
		{"XPENDING", "s", "g", "-", "+", "10", "bob"},
		{"XPENDING", "s", "g", "-", "+", "1", "bob"},
		{"XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"},
		{"XPENDING", "s", "g", "IDLE", "-5", "-", "+", "10"},
		{"XPENDING", "s", "g", "idle", "0", "-", "+", "10", "bob"},
	} {
		p.xsPendingExt(args...)
	}
	// Deliveries counted by history reads and claims (deterministic TIME).
	p.run(
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"),
		c("XCLAIM", "s", "g", "bob", "0", "1-1", "TIME", "1000", "JUSTID"),
	)
	p.xsPendingExt("XPENDING", "s", "g", "-", "+", "10")
	p.xsPendingExt("XPENDING", "s", "g", "IDLE", "1000000", "-", "+", "10")
	p.resp3()
	p.run(
		c("XPENDING", "s", "g"),
		c("XPENDING", "s", "g", "-", "+", "10", "nobody"),
	)
	p.xsPendingExt("XPENDING", "s", "g", "-", "+", "10")
	p.mustAgree("DEL", "e")
	p.run(
		c("XGROUP", "CREATE", "e", "g", "0", "MKSTREAM"),
		c("XPENDING", "e", "g"),
	)
}

func TestStreamClaim(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 6)
	p.run(
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "alice", "COUNT", "4", "STREAMS", "s", ">"),
		c("XCLAIM", "s", "g", "bob", "0", "1-1"),
		c("XCLAIM", "s", "g", "bob", "0", "1-1", "JUSTID"),
		c("XCLAIM", "s", "g", "bob", "0", "2-1", "3-1", "TIME", "1000"),
		c("XCLAIM", "s", "g", "bob", "0", "2-1", "TIME", "2000", "RETRYCOUNT", "7"),
		c("XCLAIM", "s", "g", "bob", "3600000", "1-1", "2-1", "3-1", "4-1"),
		c("XCLAIM", "s", "g", "bob", "0", "5-1", "6-1"),
		c("XCLAIM", "s", "g", "bob", "0", "5-1", "FORCE", "TIME", "3000"),
		c("XCLAIM", "s", "g", "bob", "0", "99-1", "FORCE"),
		c("XCLAIM", "s", "g", "carol", "0", "6-1", "FORCE", "JUSTID", "TIME", "4000"),
		c("XCLAIM", "s", "g", "carol", "0", "6-1", "RETRYCOUNT", "0", "TIME", "5000", "JUSTID"),
		c("XCLAIM", "s", "g", "carol", "0", "6-1", "TIME", "99999999999999", "JUSTID"),
		c("XCLAIM", "s", "g", "carol", "0", "1-1", "TIME", "-5", "JUSTID"),
		c("XPENDING", "s", "g"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "LASTID", "5-1", "JUSTID"),
		c("XINFO", "GROUPS", "s"),
		c("XCLAIM", "s", "g", "dave", "0", "nope", "LASTID", "2-1"),
		c("XINFO", "GROUPS", "s"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "IDLE", "x"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "TIME", "x"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "RETRYCOUNT", "x"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "LASTID", "x"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "IDLE"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "JUNK"),
		c("XCLAIM", "s", "g", "dave", "x", "1-1"),
		c("XCLAIM", "s", "g", "dave", "-5", "1-1", "JUSTID", "TIME", "6000"),
		c("XCLAIM", "s", "nogroup", "dave", "0", "1-1"),
		c("XCLAIM", "nokey", "g", "dave", "0", "1-1"),
		c("XCLAIM", "nokey", "g", "dave", "x", "1-1"),
		c("XCLAIM", "s", "g", "dave", "0"),
		c("XCLAIM", "s", "g", "dave", "0", "JUSTID"),
		c("XCLAIM", "s", "g", "dave", "0", "1-1", "1-1", "JUSTID", "TIME", "7000"),
		c("XCLAIM", "s", "g", "dave", "0", "(1-1"),
		c("XPENDING", "s", "g"),
	)
	p.xsMasked(nil, "XINFO", "STREAM", "s", "FULL")
	// Claiming deleted entries drops them from the PEL.
	p.run(
		c("XDEL", "s", "2-1", "3-1"),
		c("XCLAIM", "s", "g", "erin", "0", "2-1", "3-1", "4-1", "TIME", "8000"),
		c("XPENDING", "s", "g"),
		c("XCLAIM", "s", "g", "erin", "0", "2-1", "FORCE"),
		c("XPENDING", "s", "g"),
	)
	p.xsMasked(nil, "XINFO", "STREAM", "s", "FULL")
	p.resp3()
	p.run(
		c("XCLAIM", "s", "g", "erin", "0", "1-1", "4-1", "TIME", "9000"),
		c("XCLAIM", "s", "g", "erin", "0", "1-1", "JUSTID", "TIME", "9000"),
	)
}

func TestStreamAutoClaim(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 10)
	p.run(
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"),
		c("XAUTOCLAIM", "s", "g", "bob", "0", "0", "COUNT", "3"),
		c("XAUTOCLAIM", "s", "g", "bob", "0", "4-1", "COUNT", "3", "JUSTID"),
		c("XAUTOCLAIM", "s", "g", "bob", "0", "(4-1", "COUNT", "2", "JUSTID"),
		c("XAUTOCLAIM", "s", "g", "bob", "3600000", "0"),
		c("XAUTOCLAIM", "s", "g", "bob", "0", "9-1"),
		c("XAUTOCLAIM", "s", "g", "bob", "0", "11"),
		c("XDEL", "s", "2-1", "5-1", "6-1"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "2"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "4", "JUSTID"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "JUSTID"),
		c("XPENDING", "s", "g"),
		c("XAUTOCLAIM", "s", "g", "carol", "x", "0"),
		c("XAUTOCLAIM", "s", "g", "carol", "-1", "0", "COUNT", "1", "JUSTID"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "x"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "(18446744073709551615-18446744073709551615"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "-"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "+"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "0"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "-1"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "x"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "576460752303423488"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "576460752303423487"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "COUNT", "1000000"),
		c("XAUTOCLAIM", "s", "g", "carol", "0", "0", "JUNK"),
		c("XAUTOCLAIM", "s", "nogroup", "carol", "0", "0"),
		c("XAUTOCLAIM", "nokey", "g", "carol", "0", "0"),
		c("XAUTOCLAIM", "nokey", "g", "carol", "0", "0", "JUNK"),
		c("XAUTOCLAIM", "s", "g", "carol", "0"),
	)
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g")
	// Attempts: COUNT*10 PEL entries are examined at most.
	p.mustAgree("DEL", "t")
	xsFill(p, "t", 40)
	p.run(
		c("XGROUP", "CREATE", "t", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "a", "STREAMS", "t", ">"),
		c("XAUTOCLAIM", "t", "g", "b", "3600000", "0", "COUNT", "1"),
		c("XAUTOCLAIM", "t", "g", "b", "3600000", "0", "COUNT", "3"),
		c("XAUTOCLAIM", "t", "g", "b", "3600000", "0", "COUNT", "4"),
	)
	p.resp3()
	p.run(
		c("XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "2"),
		c("XAUTOCLAIM", "s", "g", "dave", "0", "0", "JUSTID"),
		c("XDEL", "s", "10-1"),
		c("XAUTOCLAIM", "s", "g", "dave", "0", "0"),
	)
}

func TestStreamInfo(t *testing.T) {
	p := newPair(t)
	p.run(
		c("XINFO", "HELP"),
		c("XINFO", "help"),
		c("XINFO", "HELP", "x"),
		c("XINFO"),
		c("XINFO", "FOO"),
		c("XINFO", "FOO", "s"),
		c("XINFO", "STREAM"),
		c("XINFO", "STREAM", "nokey"),
		c("XINFO", "STREAM", "nokey", "FULL"),
		c("XINFO", "STREAM", "nokey", "FULL", "BAD"),
		c("XINFO", "GROUPS", "nokey"),
		c("XINFO", "CONSUMERS", "nokey", "g"),
		c("XINFO", "GROUPS"),
		c("XINFO", "CONSUMERS", "s"),
		c("XINFO", "CONSUMERS", "s", "g", "x"),
		c("XINFO", "GROUPS", "s", "x"),
	)
	p.mustAgree("SET", "str", "x")
	p.run(
		c("XINFO", "STREAM", "str"),
		c("XINFO", "GROUPS", "str"),
		c("XINFO", "CONSUMERS", "str", "g"),
	)
	p.mustAgree("XGROUP", "CREATE", "s", "g0", "$", "MKSTREAM")
	p.run(
		c("XINFO", "STREAM", "s"),
		c("XINFO", "STREAM", "s", "FULL"),
		c("XINFO", "GROUPS", "s"),
		c("XINFO", "CONSUMERS", "s", "g0"),
		c("XINFO", "CONSUMERS", "s", "nogroup"),
	)
	xsFill(p, "s", 25, "a", "1", "b", "2")
	p.run(
		c("XGROUP", "CREATE", "s", "g1", "0"),
		c("XGROUP", "CREATE", "s", "g2", "10-1"),
		c("XREADGROUP", "GROUP", "g1", "c1", "COUNT", "12", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g1", "c2", "COUNT", "3", "STREAMS", "s", ">"),
		c("XREADGROUP", "GROUP", "g2", "c1", "COUNT", "1", "STREAMS", "s", ">"),
		c("XCLAIM", "s", "g1", "c3", "0", "1-1", "2-1", "TIME", "12345", "JUSTID"),
		c("XINFO", "STREAM", "s"),
		c("XINFO", "GROUPS", "s"),
	)
	for _, args := range [][]string{
		{"XINFO", "STREAM", "s", "FULL"},
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"},
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "2"},
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "-1"},
		{"XINFO", "STREAM", "s", "full", "count", "100"},
	} {
		p.xsMasked(nil, args...)
	}
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g1")
	p.run(
		c("XINFO", "STREAM", "s", "FULL", "COUNT", "x"),
		c("XINFO", "STREAM", "s", "FULL", "COUNT"),
		c("XINFO", "STREAM", "s", "FULL", "X", "1"),
		c("XINFO", "STREAM", "s", "X"),
		c("XINFO", "STREAM", "s", "FULL", "COUNT", "1", "X"),
	)
	p.resp3()
	p.run(
		c("XINFO", "STREAM", "s"),
		c("XINFO", "GROUPS", "s"),
		c("XINFO", "STREAM", "str"),
	)
	p.xsMasked(nil, "XINFO", "STREAM", "s", "FULL", "COUNT", "3")
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g1")
	p.mustAgree("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM")
	p.run(
		c("XINFO", "STREAM", "e"),
		c("XINFO", "STREAM", "e", "FULL"),
	)
}

func TestStreamXSetID(t *testing.T) {
	p := newPair(t)
	p.run(
		c("XSETID", "nokey", "1-1"),
		c("XSETID", "nokey", "x"),
		c("XSETID", "s"),
	)
	xsFill(p, "s", 3)
	p.run(
		c("XSETID", "s", "2-1"),
		c("XSETID", "s", "3-1"),
		c("XSETID", "s", "3"),
		c("XSETID", "s", "10-1"),
		c("XADD", "s", "9-1", "a", "b"),
		c("XADD", "s", "10-2", "a", "b"),
		c("XSETID", "s", "20-0", "ENTRIESADDED", "2"),
		c("XSETID", "s", "20-0", "ENTRIESADDED", "-1"),
		c("XSETID", "s", "20-0", "ENTRIESADDED", "x"),
		c("XSETID", "s", "20-0", "ENTRIESADDED", "100"),
		c("XSETID", "s", "20-0", "MAXDELETEDID", "30-0"),
		c("XSETID", "s", "20-0", "MAXDELETEDID", "x"),
		c("XSETID", "s", "20-0", "MAXDELETEDID", "15-0"),
		c("XSETID", "s", "14-0"),
		c("XSETID", "s", "20-0", "ENTRIESADDED"),
		c("XSETID", "s", "20-0", "JUNK", "1"),
		c("XSETID", "s", "-"),
		c("XSETID", "s", "+"),
		c("XINFO", "STREAM", "s"),
		c("XDEL", "s", "1-1", "2-1", "3-1", "10-2"),
		c("XSETID", "s", "0-1"),
		c("XDEL", "s", "10-1"),
		c("XSETID", "s", "0-1"),
		c("XSETID", "s", "15-0", "ENTRIESADDED", "0"),
		c("XINFO", "STREAM", "s"),
		c("XSETID", "s", "18446744073709551615-18446744073709551615"),
		c("XADD", "s", "*", "a", "b"),
		c("XADD", "s", "18446744073709551615-18446744073709551615", "a", "b"),
	)
	p.mustAgree("SET", "str", "v")
	p.do("XSETID", "str", "1-1")
}

func TestStreamWrongTypeAndArity(t *testing.T) {
	p := newPair(t)
	p.mustAgree("SET", "str", "v")
	p.run(
		c("XADD", "str", "*", "a", "b"),
		c("XADD", "str", "NOMKSTREAM", "*", "a", "b"),
		c("XLEN", "str"),
		c("XRANGE", "str", "-", "+"),
		c("XREVRANGE", "str", "+", "-"),
		c("XDEL", "str", "1-1"),
		c("XTRIM", "str", "MAXLEN", "1"),
		c("XREAD", "STREAMS", "str", "0"),
		c("XACK", "str", "g", "1-1"),
		c("XPENDING", "str", "g"),
		c("XCLAIM", "str", "g", "c", "0", "1-1"),
		c("XAUTOCLAIM", "str", "g", "c", "0", "0"),
		c("XSETID", "str", "1-1"),
		c("XRANGE", "str", "x", "+"),
		c("XDEL", "str", "x"),
		c("XTRIM", "str", "MAXLEN", "x"),
	)
	for _, cmd := range [][]string{
		{"XADD"}, {"XADD", "s"}, {"XADD", "s", "*"}, {"XADD", "s", "*", "a"},
		{"XLEN"}, {"XLEN", "a", "b"}, {"XRANGE", "s", "-"}, {"XREVRANGE", "s"},
		{"XDEL", "s"}, {"XTRIM", "s", "MAXLEN"}, {"XREAD", "STREAMS", "s"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"}, {"XACK", "s", "g"},
		{"XPENDING", "s"}, {"XCLAIM", "s", "g", "c", "0"}, {"XAUTOCLAIM", "s", "g", "c", "0"},
		{"XINFO"}, {"XINFO", "STREAM"}, {"XINFO", "GROUPS"}, {"XINFO", "CONSUMERS", "s"},
		{"XGROUP"}, {"XGROUP", "CREATE", "s", "g"}, {"XGROUP", "SETID", "s", "g"},
		{"XGROUP", "DESTROY", "s"}, {"XGROUP", "CREATECONSUMER", "s", "g"},
		{"XGROUP", "DELCONSUMER", "s", "g"}, {"XSETID", "s"},
	} {
		p.do(cmd...)
	}
}

func TestStreamWatchAndTransactions(t *testing.T) {
	p := newPair(t)
	q := p.another()
	cmds := [][]string{
		{"XADD", "s", "9-0", "f", "v"},
		{"XADD", "s", "1-0", "f", "v"},
		{"XGROUP", "CREATE", "s", "g2", "0"},
		{"XGROUP", "SETID", "s", "g", "0"},
		{"XGROUP", "CREATECONSUMER", "s", "g", "cc"},
		{"XGROUP", "DELCONSUMER", "s", "g", "c"},
		{"XGROUP", "DESTROY", "s", "g"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"},
		{"XACK", "s", "g", "1-0"},
		{"XCLAIM", "s", "g", "c2", "0", "1-0", "JUSTID"},
		{"XAUTOCLAIM", "s", "g", "c2", "0", "0", "JUSTID"},
		{"XSETID", "s", "99-0"},
		{"XDEL", "s", "1-0"},
		{"XDEL", "s", "7-0"},
		{"XTRIM", "s", "MAXLEN", "0"},
		{"XTRIM", "s", "MAXLEN", "100"},
		{"XGROUP", "CREATE", "new", "g", "0", "MKSTREAM"},
	}
	for _, cmd := range cmds {
		p.mustAgree("FLUSHALL")
		p.mustAgree("XADD", "s", "1-0", "f", "v")
		p.mustAgree("XADD", "s", "2-0", "f", "v")
		p.mustAgree("XGROUP", "CREATE", "s", "g", "0")
		p.mustAgree("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">")
		p.mustAgree("WATCH", "s", "new")
		q.do(cmd...)
		p.mustAgree("MULTI")
		p.mustAgree("PING")
		p.do("EXEC")
	}
	// Blocking reads inside MULTI do not block.
	p.run(
		c("MULTI"),
		c("XREAD", "BLOCK", "0", "STREAMS", "s", "$"),
		c("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"),
		c("XADD", "s", "5-0", "a", "b"),
		c("XREAD", "BLOCK", "0", "STREAMS", "s", "2-0"),
		c("EXEC"),
	)
	// From scripts BLOCK is an error.
	p.doErr("EVAL", "return redis.call('xread','block','0','streams','s','$')", "0")
	p.do("EVAL", "return redis.call('xread','streams','s','0')", "0")
	p.do("EVAL", "return redis.pcall('XREADGROUP','GROUP','g','c','BLOCK','0','STREAMS','s','>')", "0")
	p.do("EVAL", "return redis.pcall('XREADGROUP','GROUP','g','c','STREAMS','s','>')", "0")
}

func TestStreamCopyAndObject(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 5)
	p.run(
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", "s", ">"),
		c("XCLAIM", "s", "g", "d", "0", "1-1", "TIME", "1000", "JUSTID"),
		c("XDEL", "s", "3-1"),
		c("COPY", "s", "t"),
		c("OBJECT", "ENCODING", "t"),
		c("TYPE", "t"),
		c("XINFO", "STREAM", "t"),
		c("XADD", "t", "9-1", "a", "b"),
		c("XLEN", "s"),
		c("XLEN", "t"),
		c("XACK", "t", "g", "1-1"),
		c("XPENDING", "s", "g"),
		c("XPENDING", "t", "g"),
		c("RENAME", "t", "u"),
		c("XLEN", "u"),
		c("DEL", "u"),
		c("EXISTS", "u"),
	)
	p.xsMasked(nil, "XINFO", "STREAM", "s", "FULL")
}

func TestStreamBlockingXRead(t *testing.T) {
	p := newPair(t)
	q := p.another()
	// $ on a missing key, woken by XADD.
	blkSend(q, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	blkWait(p, 1)
	blkNoReply(q, "XREAD $")
	p.do("XADD", "s", "1-1", "f", "v")
	blkRead(q, "XREAD $ woken")
	blkWait(p, 0)
	// An explicit ID: entries up to it do not wake the reader.
	blkSend(q, "XREAD", "BLOCK", "0", "STREAMS", "s", "5-0")
	blkWait(p, 1)
	p.do("XADD", "s", "3-1", "f", "v")
	blkNoReply(q, "XREAD 5-0")
	p.do("XADD", "s", "5-1", "f", "v", "g", "w")
	blkRead(q, "XREAD 5-0 woken")
	// Timeout.
	blkSend(q, "XREAD", "BLOCK", "50", "STREAMS", "s", "$")
	blkRead(q, "XREAD timeout")
	// Several keys, COUNT, and other readers that wait for later IDs.
	r := p.another()
	blkSend(r, "XREAD", "BLOCK", "0", "STREAMS", "s", "100-0")
	blkWait(p, 1)
	blkSend(q, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "s", "$", "$")
	blkWait(p, 2)
	p.do("MULTI")
	p.do("XADD", "s", "6-1", "a", "1")
	p.do("XADD", "s", "7-1", "a", "2")
	p.do("EXEC")
	blkRead(q, "XREAD COUNT 1 two keys")
	blkNoReply(r, "XREAD 100-0")
	p.do("XADD", "s", "101-0", "a", "3")
	blkRead(r, "XREAD 100-0 woken")
	// A key that is deleted, or another type, keeps XREAD blocked.
	blkSend(q, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	blkWait(p, 1)
	p.do("DEL", "s")
	p.do("SET", "s", "x")
	blkNoReply(q, "XREAD after DEL")
	p.do("DEL", "s")
	p.do("XADD", "s", "1-1", "f", "v")
	blkNoReply(q, "XREAD after recreate with a smaller ID")
	p.do("XADD", "s", "1000-1", "f", "v")
	blkRead(q, "XREAD after recreate")
	// RESP3 blocked reply shape.
	q.resp3()
	blkSend(q, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	blkWait(p, 1)
	p.do("XADD", "s", "1001-1", "f", "v")
	blkRead(q, "XREAD RESP3 woken")
	blkSend(q, "XREAD", "BLOCK", "20", "STREAMS", "s", "$")
	blkRead(q, "XREAD RESP3 timeout")
	// The default COUNT of a served blocked reader is 1000.
	blkSend(r, "XREAD", "BLOCK", "0", "STREAMS", "big", "$")
	blkWait(p, 1)
	var multi strings.Builder
	multi.WriteString("*1\r\n$5\r\nMULTI\r\n")
	for i := 1; i <= 1005; i++ {
		multi.Write(testkit.Encode("XADD", "big", strconv.Itoa(i)+"-0", "f", "v"))
	}
	multi.WriteString("*1\r\n$4\r\nEXEC\r\n")
	for _, cl := range []*testkit.Client{p.rw, p.rd} {
		if err := cl.Send([]byte(multi.String())); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 1007; i++ {
			if _, err := cl.ReadTimeout(3 * time.Second); err != nil {
				t.Fatal(err)
			}
		}
		cl.Conn.SetReadDeadline(time.Time{})
	}
	v := blkRead(r, "XREAD big")
	if len(v.Elems) == 1 && len(v.Elems[0].Elems) == 2 && len(v.Elems[0].Elems[1].Elems) != 1000 {
		t.Errorf("blocked XREAD served %d entries", len(v.Elems[0].Elems[1].Elems))
	}
	// CLIENT UNBLOCK, as a timeout and with an error.
	for _, mode := range []string{"TIMEOUT", "ERROR"} {
		idRW, err1 := q.rw.Do("CLIENT", "ID")
		idRD, err2 := q.rd.Do("CLIENT", "ID")
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		blkSend(q, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
		blkWait(p, 1)
		a, _ := p.rw.Do("CLIENT", "UNBLOCK", strconv.FormatInt(idRW.Int, 10), mode)
		b, _ := p.rd.Do("CLIENT", "UNBLOCK", strconv.FormatInt(idRD.Int, 10), mode)
		if string(a.Raw) != string(b.Raw) {
			t.Errorf("CLIENT UNBLOCK %s: %s vs %s", mode, a, b)
		}
		blkRead(q, "XREAD unblocked "+mode)
	}
}

func TestStreamBlockingXReadGroup(t *testing.T) {
	p := newPair(t)
	q := p.another()
	r := p.another()
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	// Two consumers of one group: one entry goes to one of them.
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	blkSend(r, "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 2)
	p.do("XADD", "s", "1-1", "f", "v")
	blkRead(q, "alice woken")
	blkNoReply(r, "bob still blocked")
	p.do("XADD", "s", "2-1", "f", "v")
	blkRead(r, "bob woken")
	p.do("XPENDING", "s", "g")
	p.do("XINFO", "GROUPS", "s")
	// NOACK and COUNT.
	blkSend(q, "XREADGROUP", "GROUP", "g", "carol", "COUNT", "2", "NOACK", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("MULTI")
	p.do("XADD", "s", "3-1", "f", "v")
	p.do("XADD", "s", "4-1", "f", "v")
	p.do("XADD", "s", "5-1", "f", "v")
	p.do("EXEC")
	blkRead(q, "carol NOACK woken")
	p.do("XPENDING", "s", "g")
	p.do("XINFO", "GROUPS", "s")
	p.xsMasked([]string{"idle"}, "XINFO", "CONSUMERS", "s", "g")
	// Timeout.
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "30", "STREAMS", "s", ">")
	// Pending 5-1 is delivered at once (the group is behind).
	blkRead(q, "alice gets 5-1")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "30", "STREAMS", "s", ">")
	blkRead(q, "alice timeout")
	// Destroying the group unblocks with NOGROUP; deleting the key with UNBLOCKED.
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("XGROUP", "DESTROY", "s", "g")
	blkRead(q, "group destroyed")
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("DEL", "s")
	blkRead(q, "key deleted")
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("SET", "s", "string")
	blkRead(q, "key overwritten")
	p.mustAgree("DEL", "s")
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("MULTI")
	p.do("DEL", "s")
	p.do("XADD", "s", "1-1", "f", "v")
	p.do("EXEC")
	blkRead(q, "key recreated without the group")
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("FLUSHALL")
	blkRead(q, "flushall")
	// RENAME over the key (a stream without the group), RENAME away,
	// SWAPDB and expiry.
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("XADD", "other", "1-1", "f", "v")
	p.do("RENAME", "other", "s")
	blkRead(q, "renamed over")
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("RENAME", "s", "moved")
	blkRead(q, "renamed away")
	p.do("RENAME", "moved", "s")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("SWAPDB", "0", "9")
	blkRead(q, "swapdb")
	p.do("SWAPDB", "0", "9")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("PEXPIRE", "s", "20")
	sleepMs(150)
	p.do("EXISTS", "s")
	blkRead(q, "expired")
	// A plain XREAD and an XREADGROUP on the same key, RESP3.
	p.mustAgree("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	q.resp3()
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	blkSend(r, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	blkWait(p, 2)
	p.do("XADD", "s", "7-1", "f", "v")
	blkRead(q, "RESP3 group reader")
	blkRead(r, "plain reader")
	blkSend(q, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
	blkWait(p, 1)
	p.do("DEL", "s")
	blkRead(q, "RESP3 key deleted")
	// Blocked on two keys.
	p.mustAgree("XGROUP", "CREATE", "a", "g", "$", "MKSTREAM")
	p.mustAgree("XGROUP", "CREATE", "b", "g", "$", "MKSTREAM")
	blkSend(r, "XREADGROUP", "GROUP", "g", "x", "BLOCK", "0", "STREAMS", "a", "b", ">", ">")
	blkWait(p, 1)
	p.do("XADD", "b", "1-1", "f", "v")
	blkRead(r, "two keys")
	p.do("XPENDING", "b", "g")
	p.do("XPENDING", "a", "g")
}

func TestStreamNotify(t *testing.T) {
	p := newPair(t)
	needCommand(p, "psubscribe")
	defer p.do("CONFIG", "SET", "notify-keyspace-events", "")
	p.do("CONFIG", "SET", "notify-keyspace-events", "KEA")
	sub := p.another()
	sub.do("PSUBSCRIBE", "__key*__:*")
	p.run(
		c("XADD", "s", "1-1", "f", "v"),
		c("XADD", "s", "MAXLEN", "1", "2-1", "f", "v"),
		c("XADD", "s", "MAXLEN", "5", "3-1", "f", "v"),
		c("XADD", "s", "1-1", "f", "v"),
		c("XDEL", "s", "9-9"),
		c("XDEL", "s", "3-1"),
		c("XTRIM", "s", "MAXLEN", "5"),
		c("XTRIM", "s", "MAXLEN", "0"),
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XGROUP", "CREATE", "s", "g", "0"),
		c("XGROUP", "CREATE", "m", "g", "0", "MKSTREAM"),
		c("XGROUP", "SETID", "s", "g", "0"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "c"),
		c("XGROUP", "CREATECONSUMER", "s", "g", "c"),
		c("XGROUP", "DELCONSUMER", "s", "g", "c"),
		c("XGROUP", "DELCONSUMER", "s", "g", "c"),
		c("XADD", "s", "5-1", "f", "v"),
		c("XREADGROUP", "GROUP", "g", "r", "STREAMS", "s", ">"),
		c("XCLAIM", "s", "g", "z", "0", "5-1"),
		c("XAUTOCLAIM", "s", "g", "y", "0", "0"),
		c("XACK", "s", "g", "5-1"),
		c("XSETID", "s", "10-1"),
		c("XGROUP", "DESTROY", "s", "g"),
		c("XGROUP", "DESTROY", "s", "g"),
		c("XRANGE", "nokey", "-", "+"),
		c("DEL", "s"),
	)
	for i := 0; i < 200; i++ {
		a, errA := sub.rw.ReadTimeout(200 * time.Millisecond)
		b, errB := sub.rd.ReadTimeout(200 * time.Millisecond)
		if errA != nil || errB != nil {
			if (errA == nil) != (errB == nil) {
				t.Errorf("event %d: redwing %s (%v), redis %s (%v)", i, a, errA, b, errB)
			}
			break
		}
		if string(a.Raw) != string(b.Raw) {
			t.Errorf("event %d:\n redwing: %s\n   redis: %s", i, a, b)
		}
	}
}

// TestStreamRandomOps runs seeded random sequences of stream commands on
// both servers and compares every reply (times masked).
func TestStreamRandomOps(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "stream-node-max-bytes", "4096")
	defer p.do("CONFIG", "SET", "stream-node-max-entries", "100")
	for round := 0; round < xsRounds; round++ {
		rng := newXsRand(uint64(round + 1))
		if round%2 == 1 {
			p.resp3()
		} else {
			p.doType("HELLO", "2")
		}
		p.mustAgree("FLUSHALL")
		p.mustAgree("CONFIG", "SET", "stream-node-max-entries", strconv.Itoa([]int{100, 5, 3, 0, 17, 1}[round%6]))
		p.mustAgree("CONFIG", "SET", "stream-node-max-bytes", strconv.Itoa([]int{4096, 200, 0, 150, 1000, 64}[round%6]))
		ms := 1
		id := func() string {
			// Existing-ish IDs: mostly in range, sometimes beyond.
			return strconv.Itoa(rng.n(ms+2)) + "-" + strconv.Itoa(rng.n(3))
		}
		bound := func() string {
			switch rng.n(6) {
			case 0:
				return "-"
			case 1:
				return "+"
			case 2:
				return "(" + id()
			case 3:
				return strconv.Itoa(rng.n(ms + 2))
			}
			return id()
		}
		groups := []string{"g1", "g2", "g3"}
		consumers := []string{"alice", "bob", "carol"}
		keys := []string{"s", "s", "s", "t"}
		var history []string
		for op := 0; op < 700; op++ {
			key := keys[rng.n(len(keys))]
			g := groups[rng.n(len(groups))]
			cons := consumers[rng.n(len(consumers))]
			var args []string
			masked := false
			switch r := rng.n(100); {
			case r < 30:
				args = []string{"XADD", key}
				switch rng.n(8) {
				case 0:
					args = append(args, "MAXLEN", []string{"~", "=", ""}[rng.n(3)], strconv.Itoa(rng.n(40)))
				case 1:
					args = append(args, "MINID", []string{"~", "="}[rng.n(2)], id())
				case 2:
					args = append(args, "MAXLEN", "~", strconv.Itoa(rng.n(40)), "LIMIT", strconv.Itoa(rng.n(30)))
				}
				if rng.n(10) == 0 {
					args = append(args, "NOMKSTREAM")
				}
				ms += rng.n(3)
				if rng.n(3) == 0 {
					args = append(args, strconv.Itoa(ms)+"-*")
				} else {
					args = append(args, strconv.Itoa(ms)+"-"+strconv.Itoa(rng.n(4)))
				}
				for f := 0; f <= rng.n(3); f++ {
					args = append(args, []string{"a", "b", "1", "temp"}[rng.n(4)], strings.Repeat("v", rng.n(20)))
				}
				if len(args)%2 == 1 {
					args = append(args, "x")
				}
			case r < 36:
				args = []string{"XDEL", key, id(), id()}
			case r < 40:
				if rng.n(2) == 0 {
					args = []string{"XTRIM", key, "MAXLEN", []string{"~", "="}[rng.n(2)], strconv.Itoa(rng.n(50))}
				} else {
					args = []string{"XTRIM", key, "MINID", []string{"~", "="}[rng.n(2)], id()}
				}
			case r < 48:
				args = []string{"XRANGE", key, bound(), bound()}
				if rng.n(2) == 0 {
					args[0] = "XREVRANGE"
				}
				if rng.n(2) == 0 {
					args = append(args, "COUNT", strconv.Itoa(rng.n(5)))
				}
			case r < 52:
				args = []string{"XGROUP", "CREATE", key, g, []string{"$", "0", id()}[rng.n(3)]}
				if rng.n(3) == 0 {
					args = append(args, "ENTRIESREAD", strconv.Itoa(rng.n(10)-1))
				}
				if rng.n(3) == 0 {
					args = append(args, "MKSTREAM")
				}
			case r < 54:
				args = []string{"XGROUP", "SETID", key, g, []string{"$", "0", id()}[rng.n(3)]}
			case r < 55:
				args = []string{"XGROUP", []string{"DESTROY", "DELCONSUMER", "CREATECONSUMER"}[rng.n(3)], key, g}
				if args[1] != "DESTROY" {
					args = append(args, cons)
				}
			case r < 67:
				args = []string{"XREADGROUP", "GROUP", g, cons}
				if rng.n(2) == 0 {
					args = append(args, "COUNT", strconv.Itoa(rng.n(4)))
				}
				if rng.n(5) == 0 {
					args = append(args, "NOACK")
				}
				args = append(args, "STREAMS", key)
				if rng.n(3) == 0 {
					args = append(args, []string{"0", id()}[rng.n(2)])
				} else {
					args = append(args, ">")
				}
			case r < 72:
				args = []string{"XACK", key, g, id(), id(), id()}
			case r < 78:
				args = []string{"XCLAIM", key, g, cons, []string{"0", "100000000"}[rng.n(2)], id(), id()}
				if rng.n(2) == 0 {
					args = append(args, "TIME", strconv.Itoa(1000+rng.n(1000)))
				}
				if rng.n(3) == 0 {
					args = append(args, "JUSTID")
				}
				if rng.n(4) == 0 {
					args = append(args, "FORCE")
				}
				if rng.n(4) == 0 {
					args = append(args, "RETRYCOUNT", strconv.Itoa(rng.n(5)))
				}
				if rng.n(5) == 0 {
					args = append(args, "LASTID", id())
				}
			case r < 82:
				args = []string{"XAUTOCLAIM", key, g, cons, []string{"0", "100000000"}[rng.n(2)], bound(), "COUNT", strconv.Itoa(1 + rng.n(4))}
				if rng.n(2) == 0 {
					args = append(args, "JUSTID")
				}
			case r < 86:
				args = []string{"XPENDING", key, g}
				if rng.n(2) == 0 {
					args = append(args, bound(), bound(), strconv.Itoa(rng.n(6)))
					if rng.n(2) == 0 {
						args = append(args, cons)
					}
					masked = true
				}
			case r < 90:
				args = []string{"XINFO", "STREAM", key}
			case r < 93:
				args = []string{"XINFO", "GROUPS", key}
			case r < 95:
				args = []string{"XINFO", "STREAM", key, "FULL"}
				masked = true
			case r < 97:
				args = []string{"XREAD", "COUNT", strconv.Itoa(rng.n(4)), "STREAMS", key, id()}
			case r < 98:
				if rng.n(2) == 0 {
					args = []string{"XSETID", key, strconv.Itoa(ms+rng.n(3)) + "-" + strconv.Itoa(rng.n(3))}
				} else {
					args = []string{"MEMORY", "USAGE", key, "SAMPLES", strconv.Itoa(rng.n(3))}
				}
			default:
				args = []string{"XLEN", key}
			}
			history = append(history, show(args))
			if masked {
				if args[0] == "XPENDING" && len(args) > 3 {
					p.xsPendingExt(args...)
				} else {
					p.xsMasked(nil, args...)
				}
			} else {
				p.do(args...)
			}
			if t.Failed() {
				if len(history) > 40 {
					history = history[len(history)-40:]
				}
				t.Fatalf("round %d op %d; last commands:\n%s", round, op, strings.Join(history, "\n"))
			}
		}
		for _, key := range []string{"s", "t"} {
			p.xsMasked(nil, "XINFO", "STREAM", key, "FULL", "COUNT", "0")
		}
	}
}

// xsRand is a small deterministic generator for TestStreamRandomOps.
type xsRand struct{ x uint64 }

func newXsRand(seed uint64) *xsRand { return &xsRand{x: seed*0x9E3779B97F4A7C15 + 1} }

func (r *xsRand) n(k int) int {
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	if k <= 0 {
		return 0
	}
	return int(r.x % uint64(k))
}

// xsRounds is the number of TestStreamRandomOps rounds (REDWING_STREAM_ROUNDS).
var xsRounds = func() int {
	if n, err := strconv.Atoi(os.Getenv("REDWING_STREAM_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 6
}()

func TestStreamMemoryUsage(t *testing.T) {
	p := newPair(t)
	defer p.do("CONFIG", "SET", "stream-node-max-bytes", "4096")
	defer p.do("CONFIG", "SET", "stream-node-max-entries", "100")
	usage := func(key string) {
		p.t.Helper()
		p.do("MEMORY", "USAGE", key)
		p.do("MEMORY", "USAGE", key, "SAMPLES", "0")
		p.do("MEMORY", "USAGE", key, "SAMPLES", "1")
	}
	p.mustAgree("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM")
	usage("e")
	p.mustAgree("XADD", "one", "1-1", "f", "v")
	usage("one")
	xsFill(p, "many", 250)
	usage("many")
	p.mustAgree("XGROUP", "CREATE", "many", "g", "0")
	p.mustAgree("XREADGROUP", "GROUP", "g", "c1", "COUNT", "100", "STREAMS", "many", ">")
	usage("many")
	p.mustAgree("XREADGROUP", "GROUP", "g", "consumer2", "STREAMS", "many", ">")
	p.mustAgree("XGROUP", "CREATE", "many", "other", "$")
	usage("many")
	p.mustAgree("XDEL", "many", "1-1", "2-1", "250-1", "249-1")
	p.mustAgree("XACK", "many", "g", "3-1", "4-1", "100-1")
	usage("many")
	p.mustAgree("XTRIM", "many", "MAXLEN", "130")
	usage("many")
	p.mustAgree("COPY", "many", "copy")
	usage("copy")
	// Node counts that cross the listpack integer encodings.
	xsFill(p, "big", 140, "field", strings.Repeat("x", 20))
	usage("big")
	for i := 1; i <= 20; i++ {
		p.mustAgree("XDEL", "big", strconv.Itoa(i)+"-1")
	}
	usage("big")
	p.mustAgree("CONFIG", "SET", "stream-node-max-bytes", "100")
	xsFill(p, "small", 30)
	usage("small")
	p.mustAgree("CONFIG", "SET", "stream-node-max-bytes", "0")
	p.mustAgree("CONFIG", "SET", "stream-node-max-entries", "0")
	xsFill(p, "huge", 600, "f", strings.Repeat("y", 30))
	usage("huge")
	p.mustAgree("XTRIM", "huge", "MAXLEN", "10")
	usage("huge")
}

func TestStreamKeyspaceStats(t *testing.T) {
	p := newPair(t)
	xsFill(p, "s", 3)
	p.mustAgree("XGROUP", "CREATE", "s", "g", "0")
	p.doType("CONFIG", "RESETSTAT")
	for _, cmd := range [][]string{
		{"XLEN", "s"}, {"XLEN", "nokey"}, {"XRANGE", "s", "-", "+"}, {"XRANGE", "nokey", "-", "+"},
		{"XREVRANGE", "s", "+", "-"}, {"XREAD", "STREAMS", "s", "nokey", "0", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}, {"XACK", "s", "g", "1-1"},
		{"XACK", "nokey", "g", "1-1"}, {"XPENDING", "s", "g"}, {"XCLAIM", "s", "g", "d", "0", "2-1"},
		{"XAUTOCLAIM", "s", "g", "d", "0", "0"}, {"XINFO", "STREAM", "s"}, {"XINFO", "GROUPS", "nokey"},
		{"XADD", "s", "9-1", "f", "v"}, {"XDEL", "s", "9-1"}, {"XTRIM", "s", "MAXLEN", "10"},
		{"XSETID", "s", "99-1"}, {"XGROUP", "CREATECONSUMER", "s", "g", "z"},
	} {
		p.do(cmd...)
	}
	a, b := p.both("INFO", "stats")
	pick := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\r\n") {
			if strings.HasPrefix(l, "keyspace_") {
				out = append(out, l)
			}
		}
		return strings.Join(out, " ")
	}
	if pick(a.Str) != pick(b.Str) {
		t.Errorf("keyspace stats differ:\n redwing: %s\n   redis: %s", pick(a.Str), pick(b.Str))
	}
	// IDLE sets the delivery time in the past.
	p.do("XCLAIM", "s", "g", "d", "0", "3-1", "IDLE", "100000", "JUSTID")
	p.xsPendingExt("XPENDING", "s", "g", "IDLE", "99000", "-", "+", "10")
	p.do("XPENDING", "s", "g", "IDLE", "200000", "-", "+", "10")
	p.do("XCLAIM", "s", "g", "d", "50000", "3-1", "JUSTID")
	p.do("XCLAIM", "s", "g", "d", "200000", "3-1", "JUSTID")
	p.do("XAUTOCLAIM", "s", "g", "e", "200000", "0", "JUSTID")
	p.do("XAUTOCLAIM", "s", "g", "e", "50000", "0", "JUSTID")
}
