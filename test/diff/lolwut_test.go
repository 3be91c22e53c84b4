package diff

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/testkit"
)

// LOLWUT prints the server's version, which differs between the two
// servers: replies are compared with Redis's version replaced by Redwing's.
func lolwutBoth(t *testing.T, p *pair, args ...string) (testkit.Value, testkit.Value) {
	t.Helper()
	rw, rd := p.both(args...)
	rd.Str = strings.ReplaceAll(rd.Str, "Redis ver. 7.0.15", "Redis ver. "+engine.RedisVersion)
	return rw, rd
}

// TestLolwut compares LOLWUT exactly where its output does not depend on
// random numbers (other versions, errors, argument limits, Schotter with
// at most two rows of squares, which are never rotated), and by shape
// where it does: the same lines of the same widths and the same caption.
func TestLolwut(t *testing.T) {
	p := newPair(t)
	for _, proto := range []string{"2", "3"} {
		p.both("HELLO", proto) // the version and client id differ
		for _, args := range [][]string{
			{"LOLWUT"}, {"LOLWUT", "foo"}, {"LOLWUT", "VERSION"}, {"LOLWUT", "VERSION", "x"},
			{"LOLWUT", "VERSION", "-1"}, {"LOLWUT", "VERSION", "7"}, {"LOLWUT", "VERSION", "4"},
			{"LOLWUT", "VERSION", "5", "x"}, {"LOLWUT", "VERSION", "6", "1", "x"},
			{"LOLWUT", "VERSION", "5", "3", "1", "1"}, {"LOLWUT", "VERSION", "5", "3", "2", "2"},
			{"LOLWUT", "VERSION", "5", "4", "1", "1"}, {"LOLWUT", "VERSION", "5", "40", "6", "2"},
			{"LOLWUT", "VERSION", "5", "0", "0", "0"}, {"LOLWUT", "VERSION", "5", "2000", "300", "1"},
			{"LOLWUT", "version", "5", "66", "8", "-5"},
		} {
			rw, rd := lolwutBoth(t, p, args...)
			if rw.Type != rd.Type || rw.Str != rd.Str {
				t.Errorf("RESP%s %q:\n redwing: %.300q\n   redis: %.300q", proto, args, rw.Str, rd.Str)
			}
		}
		for _, args := range [][]string{
			{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "5", "30", "5", "7"},
			{"LOLWUT", "VERSION", "6"}, {"LOLWUT", "VERSION", "6", "33", "9"}, {"LOLWUT", "VERSION", "6", "1", "1"},
		} {
			rw, rd := lolwutBoth(t, p, args...)
			if rw.Type != rd.Type || lolwutShape(rw.Str) != lolwutShape(rd.Str) {
				t.Errorf("RESP%s %q: shapes differ\n redwing: %s\n   redis: %s", proto, args, lolwutShape(rw.Str), lolwutShape(rd.Str))
			}
		}
	}
}

// lolwutShape describes a drawing: each line's width in characters (escape
// sequences counted as one) and the caption lines verbatim.
func lolwutShape(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "Redis ver.") || strings.HasPrefix(line, "Dedicated") || strings.HasPrefix(line, "txt:Redis") {
			b.WriteString(line + "|")
			continue
		}
		n := utf8.RuneCountInString(line)
		if esc := strings.Count(line, "\033["); esc > 0 {
			n = esc
		}
		b.WriteString(strconv.Itoa(n) + "|")
	}
	return b.String()
}
