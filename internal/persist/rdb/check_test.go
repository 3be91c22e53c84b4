package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redwingdb/redwing/internal/keyspace"
)

// checkTestFile writes a small valid RDB file with every value type and
// returns its bytes.
func checkTestFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{Compress: true}, true)
	w.Header()
	w.Aux("redis-ver", "7.2.5")
	w.AuxInt("ctime", 1700000000)
	vals := testValues()
	w.SelectDB(0, int64(len(vals))+2, 2)
	for k, v := range vals {
		if err := w.KeyValue([]byte(k), v, KeyMeta{}, 0); err != nil {
			t.Fatal(err)
		}
	}
	w.KeyValue([]byte("ttl-past"), new(keyspace.StrEntryTTL([]byte("x"), 1000)), KeyMeta{}, 0)
	w.KeyValue([]byte("ttl-future"), new(keyspace.StrEntryTTL([]byte("x"), time.Now().UnixMilli()+3600e3)), KeyMeta{}, 0)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckValid(t *testing.T) {
	data := checkTestFile(t)
	var out strings.Builder
	if err := CheckFile(writeTemp(t, "dump.rdb", data), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	n := len(testValues()) + 2
	exp, past := 2, 1
	for _, v := range testValues() {
		if v.Expire != 0 {
			exp++
			if v.Expire < time.Now().UnixMilli() {
				past++
			}
		}
	}
	for _, want := range []string{
		"[offset 0] Checking RDB file ",
		"AUX FIELD redis-ver = '7.2.5'",
		"Selecting DB ID 0",
		fmt.Sprintf("[offset %d] Checksum OK", len(data)),
		fmt.Sprintf("[offset %d] \\o/ RDB looks OK! \\o/", len(data)),
		fmt.Sprintf("[info] %d keys read", n),
		fmt.Sprintf("[info] %d expires", exp),
		fmt.Sprintf("[info] %d already expired", past),
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in:\n%s", want, s)
		}
	}
}

func TestCheckCorrupt(t *testing.T) {
	data := checkTestFile(t)
	// A flipped byte in a string value's payload: the structure stays
	// readable, the checksum does not match.
	idx := bytes.Index(data, []byte("7.2.5"))
	bad := append([]byte(nil), data...)
	bad[idx+2] = '9'
	var out strings.Builder
	err := CheckFile(writeTemp(t, "bad.rdb", bad), &out)
	var re *Error
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "checksum") || re.Offset != int64(len(data)-8) {
		t.Fatalf("err %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), fmt.Sprintf("[offset %d] wrong RDB checksum", len(data)-8)) {
		t.Errorf("report:\n%s", out.String())
	}
	// Flipped bytes anywhere: an error with an offset inside the file.
	for i := 9; i < len(data); i += 97 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0xa5
		_, err := Check(bytes.NewReader(bad), int64(len(bad)), nil)
		if !errors.As(err, &re) || re.Offset < 0 || re.Offset > int64(len(bad)) {
			t.Errorf("flip at %d: %v", i, err)
		}
	}
	// Truncated.
	out.Reset()
	err = CheckFile(writeTemp(t, "short.rdb", data[:len(data)/2]), &out)
	if !errors.As(err, &re) || !strings.Contains(out.String(), "unexpected end of file") {
		t.Fatalf("err %v\n%s", err, out.String())
	}
	// Not an RDB file.
	if err := CheckFile(writeTemp(t, "x.rdb", []byte("hello world")), &out); err == nil {
		t.Fatal("bad signature accepted")
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestCheckRedisServerFile checks a file saved by redis-server.
func TestCheckRedisServerFile(t *testing.T) {
	srv, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed")
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed")
	}
	dir := t.TempDir()
	port := fmt.Sprint(freePort(t))
	cmd := exec.Command(srv, "--port", port, "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	run := func(args ...string) string {
		out, err := exec.Command(cli, append([]string{"-p", port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v %s", args, err, out)
		}
		return string(out)
	}
	for i := 0; ; i++ {
		if out, err := exec.Command(cli, "-p", port, "PING").CombinedOutput(); err == nil && strings.Contains(string(out), "PONG") {
			break
		}
		if i > 100 {
			t.Fatal("redis-server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	run("SET", "str", "hello")
	run("SET", "int", "12345")
	run("SET", "ttl", "v", "EX", "1000")
	run("SET", "big", strings.Repeat("abc", 100))
	run("RPUSH", "list", "a", "b", "1")
	run("SADD", "iset", "1", "2", "3")
	run("SADD", "set", "a", "b")
	run("ZADD", "zset", "1", "a", "2.5", "b")
	run("HSET", "hash", "f", "v", "g", "1")
	run("XADD", "stream", "*", "f", "v")
	run("XGROUP", "CREATE", "stream", "g", "0")
	run("XREADGROUP", "GROUP", "g", "c", "STREAMS", "stream", ">")
	if out, err := exec.Command(cli, "-p", port, "-n", "2", "SET", "db2", "x").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	run("SAVE")
	run("SHUTDOWN", "NOSAVE")
	cmd.Wait()
	var out strings.Builder
	if err := CheckFile(filepath.Join(dir, "dump.rdb"), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"AUX FIELD redis-ver", "Checksum OK", "RDB looks OK", "[info] 11 keys read", "[info] 1 expires", "Selecting DB ID 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in:\n%s", want, s)
		}
	}
}
