package resp

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func parseAll(t *testing.T, in string) [][]string {
	t.Helper()
	buf := []byte(in)
	var out [][]string
	for len(buf) > 0 {
		args, n, err := Parse(buf, nil, &DefaultLimits)
		if err != nil {
			t.Fatalf("Parse(%q): %v", buf, err)
		}
		var row []string
		for _, a := range args {
			row = append(row, string(a))
		}
		if len(row) > 0 {
			out = append(out, row)
		}
		buf = buf[n:]
	}
	return out
}

func TestParseMultibulkPipeline(t *testing.T) {
	got := parseAll(t, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n")
	want := [][]string{{"GET", "k"}, {"SET", "k", ""}}
	if len(got) != 2 || strings.Join(got[0], " ") != "GET k" || len(got[1]) != 3 || got[1][2] != "" {
		t.Fatalf("got %q want %q", got, want)
	}
}

func TestParseIncompleteAtEveryCut(t *testing.T) {
	full := "*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$5\r\nworld\r\n"
	for i := 0; i < len(full); i++ {
		_, need, err := Parse([]byte(full[:i]), nil, &DefaultLimits)
		if !errors.Is(err, ErrIncomplete) {
			t.Fatalf("cut %d: want ErrIncomplete, got %v", i, err)
		}
		// The hint is a lower bound of the whole request's length.
		if need != 0 && (need <= i || need > len(full)) {
			t.Fatalf("cut %d: need %d, request is %d bytes", i, need, len(full))
		}
	}
	args, n, err := Parse([]byte(full), nil, &DefaultLimits)
	if err != nil || n != len(full) || len(args) != 3 || string(args[2]) != "world" {
		t.Fatalf("full parse: %q %d %v", args, n, err)
	}
}

func TestParseInline(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"PING\r\n", []string{"PING"}},
		{"set  a   b\n", []string{"set", "a", "b"}},
		{"set \"a b\" 'c d'\r\n", []string{"set", "a b", "c d"}},
		{"echo \"\\x41\\n\"\r\n", []string{"echo", "A\n"}},
		{"echo 'it\\'s'\r\n", []string{"echo", "it's"}},
		{"echo \"\"\r\n", []string{"echo", ""}},
	}
	for _, c := range cases {
		args, _, err := Parse([]byte(c.in), nil, &DefaultLimits)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		var got []string
		for _, a := range args {
			got = append(got, string(a))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") || len(got) != len(c.want) {
			t.Errorf("%q: got %q want %q", c.in, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"*x\r\n":                       "ERR Protocol error: invalid multibulk length",
		"*1\r\n+GET\r\n":               "ERR Protocol error: expected '$', got '+'",
		"*1\r\n$-5\r\n":                "ERR Protocol error: invalid bulk length",
		"*1\r\n$abc\r\n":               "ERR Protocol error: invalid bulk length",
		"echo \"abc\r\n":               "ERR Protocol error: unbalanced quotes in request",
		"echo \"a\"b\r\n":              "ERR Protocol error: unbalanced quotes in request",
		"*99999999999999999999999\r\n": "ERR Protocol error: invalid multibulk length",
		"*2147483648\r\n":              "ERR Protocol error: invalid multibulk length",
	}
	for in, want := range cases {
		_, _, err := Parse([]byte(in), nil, &DefaultLimits)
		if err == nil || err.Error() != want {
			t.Errorf("%q: got %v want %q", in, err, want)
		}
	}
	// Before AUTH, Redis allows at most 10 arguments and 16KB bulks.
	if _, _, err := Parse([]byte("*11\r\n"), nil, &UnauthLimits); err == nil || err.Error() != "ERR Protocol error: unauthenticated multibulk length" {
		t.Errorf("unauth multibulk: %v", err)
	}
	if _, _, err := Parse([]byte("*1\r\n$16385\r\n"), nil, &UnauthLimits); err == nil || err.Error() != "ERR Protocol error: unauthenticated bulk length" {
		t.Errorf("unauth bulk: %v", err)
	}
	// A bulk length above proto-max-bulk-len is invalid, authenticated or not.
	if _, _, err := Parse([]byte("*1\r\n$536870913\r\n"), nil, &UnauthLimits); err == nil || err.Error() != "ERR Protocol error: invalid bulk length" {
		t.Errorf("unauth huge bulk: %v", err)
	}
	if _, _, err := Parse([]byte("*10\r\n$16384\r\n"), nil, &UnauthLimits); err != ErrIncomplete {
		t.Errorf("unauth at the caps: %v", err)
	}
	big := strings.Repeat("a", 70*1024)
	if _, _, err := Parse([]byte(big), nil, &DefaultLimits); err == nil || err.Error() != "ERR Protocol error: too big inline request" {
		t.Errorf("big inline: %v", err)
	}
}

func TestParseEmptyRequests(t *testing.T) {
	for _, in := range []string{"\r\n", "*0\r\n", "*-1\r\n", "   \r\n"} {
		args, n, err := Parse([]byte(in), nil, &DefaultLimits)
		if err != nil || n != len(in) || len(args) != 0 {
			t.Errorf("%q: args=%q n=%d err=%v", in, args, n, err)
		}
	}
}

func TestParseInt(t *testing.T) {
	good := map[string]int64{"0": 0, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63, "42": 42}
	for s, want := range good {
		if v, ok := ParseInt([]byte(s)); !ok || v != want {
			t.Errorf("ParseInt(%q) = %d, %v", s, v, ok)
		}
	}
	for _, s := range []string{"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "1e3", "0x10", "99999999999999999999"} {
		if _, ok := ParseInt([]byte(s)); ok {
			t.Errorf("ParseInt(%q) accepted", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "PING\r\n", "set \"a\\x41\" 'b'\r\n", "*1\r\n$-1\r\n", "*3\r\n$1\r\na\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		buf := append([]byte(nil), data...)
		for len(buf) > 0 {
			args, n, err := Parse(buf, nil, &DefaultLimits)
			if err == ErrIncomplete && n != 0 && n <= len(buf) {
				t.Fatalf("need hint %d not beyond the %d bytes held", n, len(buf))
			}
			if err == ErrIncomplete && n != 0 && n < 1<<20 {
				// Completing the request with minimal arguments needs
				// at least n bytes: padding to n-1 must stay incomplete
				// or fail, never succeed.
				pad := append(append([]byte(nil), buf...), bytes.Repeat([]byte("\r\n"), (n-1-len(buf))/2+1)...)[:n-1]
				if _, _, err2 := Parse(pad, nil, &DefaultLimits); err2 == nil {
					t.Fatalf("request completed at %d bytes below the hint %d", n-1, n)
				}
			}
			if err != nil {
				return
			}
			if n <= 0 || n > len(buf) {
				t.Fatalf("consumed %d of %d", n, len(buf))
			}
			for _, a := range args {
				if len(a) > len(buf) {
					t.Fatal("argument longer than input")
				}
			}
			buf = buf[n:]
		}
	})
}
