package command

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file checks the generated table and GetKeys against a live
// redis-server, when one is installed.

type redisConn struct {
	c  net.Conn
	rd *bufio.Reader
}

type replyError string

func startRedis(t *testing.T) *redisConn {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not found on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
	cmd.Dir = t.TempDir()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			t.Cleanup(func() { c.Close() })
			rc := &redisConn{c: c, rd: bufio.NewReader(c)}
			if _, err := rc.do("PING"); err == nil {
				return rc
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not come up: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *redisConn) do(args ...string) (any, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_ = r.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.c.Write(b.Bytes()); err != nil {
		return nil, err
	}
	return readReply(r.rd)
}

func readReply(rd *bufio.Reader) (any, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("short line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return replyError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil, nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = readReply(rd); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("bad reply line %q", line)
}

func rArr(v any) []any { a, _ := v.([]any); return a }

func rStr(v any) string { s, _ := v.(string); return s }

func rInt(v any) int { n, _ := v.(int64); return int(n) }

func rMap(v any) map[string]any {
	a := rArr(v)
	m := make(map[string]any, len(a)/2)
	for i := 0; i+1 < len(a); i += 2 {
		m[rStr(a[i])] = a[i+1]
	}
	return m
}

func rStrs(v any) []string {
	var out []string
	for _, e := range rArr(v) {
		out = append(out, rStr(e))
	}
	return out
}

// ---- COMMAND INFO

func describeReplyInfo(b *strings.Builder, v any, indent string) {
	a := rArr(v)
	fmt.Fprintf(b, "%s%s arity=%d flags=%q keys=%d,%d,%d cats=%q tips=%q\n", indent,
		rStr(a[0]), rInt(a[1]), rStrs(a[2]), rInt(a[3]), rInt(a[4]), rInt(a[5]), rStrs(a[6]), rStrs(a[7]))
	for _, ks := range rArr(a[8]) {
		m := rMap(ks)
		bs, fk := rMap(m["begin_search"]), rMap(m["find_keys"])
		bss, fks := rMap(bs["spec"]), rMap(fk["spec"])
		var bd, fd string
		switch rStr(bs["type"]) {
		case "index":
			bd = fmt.Sprintf("index:%d", rInt(bss["index"]))
		case "keyword":
			bd = fmt.Sprintf("keyword:%s:%d", rStr(bss["keyword"]), rInt(bss["startfrom"]))
		default:
			bd = rStr(bs["type"])
		}
		switch rStr(fk["type"]) {
		case "range":
			fd = fmt.Sprintf("range:%d:%d:%d", rInt(fks["lastkey"]), rInt(fks["keystep"]), rInt(fks["limit"]))
		case "keynum":
			fd = fmt.Sprintf("keynum:%d:%d:%d", rInt(fks["keynumidx"]), rInt(fks["firstkey"]), rInt(fks["keystep"]))
		default:
			fd = rStr(fk["type"])
		}
		fmt.Fprintf(b, "%s  ks flags=%q bs=%s fk=%s\n", indent, rStrs(m["flags"]), bd, fd)
	}
	subs := rArr(a[9])
	sort.Slice(subs, func(i, j int) bool { return rStr(rArr(subs[i])[0]) < rStr(rArr(subs[j])[0]) })
	for _, s := range subs {
		describeReplyInfo(b, s, indent+"    ")
	}
}

func describeSpecInfo(b *strings.Builder, s *Spec, indent string) {
	tips := s.Tips
	if tips == nil {
		tips = []string{}
	}
	fmt.Fprintf(b, "%s%s arity=%d flags=%q keys=%d,%d,%d cats=%q tips=%q\n", indent,
		s.Name, s.Arity, nonNil(s.Flags.Names()), s.FirstKey, s.LastKey, s.Step, nonNil(s.Cats.Names()), tips)
	for _, ks := range s.KeySpecs {
		var bd, fd string
		switch {
		case ks.BeginUnknown:
			bd = "unknown"
		case ks.BeginIndex > 0:
			bd = fmt.Sprintf("index:%d", ks.BeginIndex)
		default:
			bd = fmt.Sprintf("keyword:%s:%d", ks.BeginKeyword, ks.BeginKeywordPos)
		}
		switch {
		case ks.FindUnknown:
			fd = "unknown"
		case ks.FindKeynum:
			fd = fmt.Sprintf("keynum:%d:%d:%d", ks.KeyNumIdx, ks.FirstKey, ks.KeyStep)
		default:
			fd = fmt.Sprintf("range:%d:%d:%d", ks.LastKey, ks.KeyStep, ks.Limit)
		}
		fmt.Fprintf(b, "%s  ks flags=%q bs=%s fk=%s\n", indent, nonNil(ks.Flags), bd, fd)
	}
	for _, sub := range s.Subs {
		describeSpecInfo(b, sub, indent+"    ")
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ---- COMMAND DOCS

func describeReplyDocs(b *strings.Builder, name string, v any, indent string) {
	m := rMap(v)
	var hist []string
	for _, h := range rArr(m["history"]) {
		hist = append(hist, rStr(rArr(h)[0]))
	}
	_, cx := m["complexity"]
	fmt.Fprintf(b, "%s%s since=%s group=%s complexity=%t docflags=%q deprecated=%s replaced=%s history=%q\n", indent, name,
		rStr(m["since"]), rStr(m["group"]), cx, nonNil(rStrs(m["doc_flags"])), rStr(m["deprecated_since"]), rStr(m["replaced_by"]), nonNil(hist))
	describeReplyArgs(b, m["arguments"], indent+"  ")
	subs := rMap(m["subcommands"])
	names := make([]string, 0, len(subs))
	for n := range subs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		describeReplyDocs(b, n, subs[n], indent+"    ")
	}
}

func describeReplyArgs(b *strings.Builder, v any, indent string) {
	for _, av := range rArr(v) {
		m := rMap(av)
		ksi := -1
		if x, ok := m["key_spec_index"]; ok {
			ksi = rInt(x)
		}
		fmt.Fprintf(b, "%sarg %s type=%s display=%s ksi=%d token=%s since=%s dep=%s flags=%q value=%s\n", indent,
			rStr(m["name"]), rStr(m["type"]), rStr(m["display_text"]), ksi, rStr(m["token"]),
			rStr(m["since"]), rStr(m["deprecated_since"]), nonNil(rStrs(m["flags"])), rStr(m["value"]))
		describeReplyArgs(b, m["arguments"], indent+"  ")
	}
}

func describeSpecDocs(b *strings.Builder, s *Spec, indent string) {
	var hist []string
	for _, h := range s.History {
		hist = append(hist, h.Version)
	}
	fmt.Fprintf(b, "%s%s since=%s group=%s complexity=%t docflags=%q deprecated=%s replaced=%s history=%q\n", indent, s.Name,
		s.Since, s.Group, s.Complexity != "", nonNil(s.DocFlags), s.DeprecatedSince, s.ReplacedBy, nonNil(hist))
	describeSpecArgs(b, s.Args, indent+"  ")
	for _, sub := range s.Subs {
		describeSpecDocs(b, sub, indent+"    ")
	}
}

func describeSpecArgs(b *strings.Builder, args []Arg, indent string) {
	for _, a := range args {
		fmt.Fprintf(b, "%sarg %s type=%s display=%s ksi=%d token=%s since=%s dep=%s flags=%q value=%s\n", indent,
			a.Name, a.Type, a.DisplayText, a.KeySpecIndex, a.Token, a.Since, a.DeprecatedSince, nonNil(a.Flags), a.Value)
		describeSpecArgs(b, a.Args, indent+"  ")
	}
}

// ---- the test

func TestTableMatchesRedis(t *testing.T) {
	r := startRedis(t)

	info, err := r.do("COMMAND", "INFO")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range rArr(info) {
		name := rStr(rArr(e)[0])
		seen[name] = true
		s := Lookup(name)
		if s == nil {
			t.Errorf("%s: in redis but not in the table", name)
			continue
		}
		var want, got strings.Builder
		describeReplyInfo(&want, e, "")
		describeSpecInfo(&got, s, "")
		if want.String() != got.String() {
			t.Errorf("COMMAND INFO %s differs:\nredis:\n%s\ntable:\n%s", name, want.String(), got.String())
		}
	}
	for _, s := range All() {
		if !seen[s.Name] && !IsNewerThanOracle(s) {
			t.Errorf("%s: in the table but not in redis", s.Name)
		}
	}

	docs, err := r.do("COMMAND", "DOCS")
	if err != nil {
		t.Fatal(err)
	}
	for name, d := range rMap(docs) {
		s := Lookup(name)
		if s == nil {
			continue // reported above
		}
		var want, got strings.Builder
		describeReplyDocs(&want, name, d, "")
		describeSpecDocs(&got, s, "")
		if want.String() != got.String() {
			t.Errorf("COMMAND DOCS %s differs:\nredis:\n%s\ntable:\n%s", name, want.String(), got.String())
		}
	}

	for _, c := range keysCases {
		argv := splitArgs(c.line)
		if len(argv) < 2 {
			continue // COMMAND GETKEYS itself needs an argument
		}
		args := []string{"COMMAND", "GETKEYS"}
		for _, a := range argv {
			args = append(args, string(a))
		}
		reply, err := r.do(args...)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%q", reply)
		if e, ok := reply.(replyError); ok {
			want = string(e)
		}
		got := ourGetKeysReply(argv)
		if got != want {
			t.Errorf("COMMAND GETKEYS %s: redis %s, ours %s", c.line, want, got)
		}
	}
}

// TestGetKeysFuzzAgainstRedis compares COMMAND GETKEYS on random argument
// lists, built from each command's own tokens, with GetKeys.
func TestGetKeysFuzzAgainstRedis(t *testing.T) {
	r := startRedis(t)
	rng := rand.New(rand.NewSource(1))
	generic := []string{"0", "1", "2", "3", "-1", "2x", "01", "k", "x", "", "KEYS", "STORE", "STREAMS", "GET", "BY", "LIMIT"}
	var specs []*Spec
	for _, s := range All() {
		if IsNewerThanOracle(s) {
			continue
		}
		specs = append(specs, s)
		specs = append(specs, s.Subs...)
	}
	checked := 0
	for _, s := range specs {
		if s.IsContainer() || !s.HasKeys() {
			continue
		}
		pool := append([]string(nil), generic...)
		var collect func(args []Arg)
		collect = func(args []Arg) {
			for _, a := range args {
				if a.Token != "" {
					pool = append(pool, a.Token, strings.ToLower(a.Token))
				}
				collect(a.Args)
			}
		}
		collect(s.Args)
		for _, ks := range s.KeySpecs {
			if ks.BeginKeyword != "" {
				pool = append(pool, ks.BeginKeyword)
			}
		}
		prefix := strings.Split(s.Name, "|")
		min := s.Arity
		if min < 0 {
			min = -min
		}
		for iter := 0; iter < 40; iter++ {
			n := min
			if s.Arity < 0 {
				n += rng.Intn(8)
			} else if iter%10 == 9 {
				n += rng.Intn(3) - 1 // a few arity errors
			}
			if n < 2 {
				n = 2 // COMMAND GETKEYS itself needs an argument
			}
			if n < len(prefix) {
				n = len(prefix)
			}
			argv := make([][]byte, 0, n)
			for _, p := range prefix {
				argv = append(argv, []byte(p))
			}
			for len(argv) < n {
				argv = append(argv, []byte(pool[rng.Intn(len(pool))]))
			}
			args := []string{"COMMAND", "GETKEYS"}
			for _, a := range argv {
				args = append(args, string(a))
			}
			reply, err := r.do(args...)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("%q", reply)
			if e, ok := reply.(replyError); ok {
				want = string(e)
			}
			if got := ourGetKeysReply(argv); got != want {
				t.Errorf("COMMAND GETKEYS %q: redis %s, ours %s", args[2:], want, got)
			}
			checked++
		}
	}
	t.Logf("%d argument lists checked", checked)
}

// ourGetKeysReply renders what COMMAND GETKEYS would reply using the table.
func ourGetKeysReply(argv [][]byte) string {
	s := LookupBytes(argv[0])
	if s == nil {
		return string(ErrInvalidCommand)
	}
	if s.IsContainer() && len(argv) > 1 {
		if s = s.SubBytes(argv[1]); s == nil {
			return string(ErrInvalidCommand)
		}
	}
	if !s.HasKeys() {
		return string(ErrNoKeyArgs)
	}
	keys, err := GetKeys(s, argv)
	if err != nil {
		return err.Error()
	}
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, string(argv[k]))
	}
	return fmt.Sprintf("%q", out)
}
