package aof

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/keyspace"
	"github.com/redwingdb/redwing/internal/persist/rdb"
)

func checkErrOffset(t *testing.T, res CheckResult) int64 {
	t.Helper()
	var le *LoadError
	if !errors.As(res.Err, &le) {
		t.Fatalf("want a LoadError, got %v", res.Err)
	}
	return le.Offset
}

func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	good := cmd("SELECT", "0") + cmd("SET", "a", "1") + "#TS:1700000000\r\n" +
		cmd("MULTI") + cmd("SET", "b", "x\r\ny") + cmd("EXEC") + cmd("DEL", "a")
	writeAOF(t, dir, "ok.aof", good)
	res := CheckFile(filepath.Join(dir, "ok.aof"), nil)
	if res.Err != nil || res.ValidUpTo != int64(len(good)) || res.Commands != 6 {
		t.Fatalf("%+v", res)
	}
	writeAOF(t, dir, "empty.aof", "")
	if res := CheckFile(filepath.Join(dir, "empty.aof"), nil); res.Err != nil {
		t.Fatal(res.Err)
	}

	prefix := cmd("SET", "a", "1")
	for _, tc := range []struct {
		name, tail string
		torn       bool
		errAt      int64 // offset of the error relative to len(prefix)
		validUpTo  int64 // relative to len(prefix)
	}{
		{"torn-header", "*3\r\n$3\r\nSET\r\n$1", true, 13, 0},
		{"torn-bulk", "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\nab", true, 20, 0},
		{"torn-crlf", "*2\r\n$3\r\nDEL\r\n$1\r\nb", true, 13, 0},
		{"torn-argc", "*2", true, 0, 0},
		{"open-multi", cmd("MULTI") + cmd("SET", "b", "2"), true, 0, 0},
		{"bad-prefix", "+OK\r\n", false, 0, 0},
		{"bad-bulk-prefix", "*1\r\n:3\r\n", false, 4, 0},
		{"bad-crlf", "*1\r\n$3\r\nDELxx" + cmd("PING"), false, 11, 0},
		{"bad-number", "*x\r\n", false, 0, 0},
		{"nested-multi", cmd("MULTI") + cmd("MULTI") + cmd("EXEC"), false, 15, 0},
		{"exec-alone", cmd("PING") + cmd("EXEC"), false, 14, 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".aof")
			content := prefix + tc.tail
			writeAOF(t, dir, tc.name+".aof", content)
			res := CheckFile(p, nil)
			if off := checkErrOffset(t, res); off != int64(len(prefix))+tc.errAt {
				t.Errorf("error offset %d, want %d (%v)", off, int64(len(prefix))+tc.errAt, res.Err)
			}
			if res.Torn != tc.torn || res.ValidUpTo != int64(len(prefix))+tc.validUpTo || !res.Fixable() {
				t.Errorf("%+v", res)
			}
			// --fix on a single file truncates it and it becomes valid.
			var out bytes.Buffer
			if err := CheckPath(p, false, &out); err == nil || !strings.Contains(out.String(), "Use the --fix option") {
				t.Errorf("without --fix: %v\n%s", err, out.String())
			}
			out.Reset()
			if err := CheckPath(p, true, &out); err != nil {
				t.Fatalf("--fix: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "Successfully truncated") {
				t.Errorf("%s", out.String())
			}
			data, _ := os.ReadFile(p)
			if string(data) != content[:len(prefix)+int(tc.validUpTo)] {
				t.Errorf("after fix: %q", data)
			}
			if res := CheckFile(p, nil); res.Err != nil {
				t.Error(res.Err)
			}
		})
	}
}

// rdbBytes is a small RDB stream with two keys.
func rdbBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	w := rdb.NewWriter(&buf, rdb.Options{}, true)
	w.Header()
	w.Aux("aof-base", "1")
	w.SelectDB(0, 2, 0)
	w.KeyValue([]byte("k1"), new(keyspace.StrEntry([]byte("v1"))), rdb.KeyMeta{}, 0)
	w.KeyValue([]byte("k2"), new(keyspace.StrEntry([]byte("v2"))), rdb.KeyMeta{}, 0)
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckPreamble(t *testing.T) {
	dir := t.TempDir()
	pre := rdbBytes(t)
	tail := cmd("SET", "a", "1")
	writeAOF(t, dir, "appendonly.aof", string(pre)+tail+"*1\r\n$4\r\nPI")
	p := filepath.Join(dir, "appendonly.aof")
	res := CheckFile(p, nil)
	if !res.RDB || res.RDBEnd != int64(len(pre)) || !res.Torn || res.ValidUpTo != int64(len(pre)+len(tail)) {
		t.Fatalf("%+v", res)
	}
	var out bytes.Buffer
	if err := CheckPath(p, true, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "RDB preamble is OK") {
		t.Error(out.String())
	}
	if st, _ := os.Stat(p); st.Size() != int64(len(pre)+len(tail)) {
		t.Errorf("size %d", st.Size())
	}
	// A corrupt preamble is reported and not fixable.
	bad := append([]byte(nil), pre...)
	bad[len(bad)-3] ^= 0xff // in the checksum
	writeAOF(t, dir, "bad.aof", string(bad)+tail)
	p = filepath.Join(dir, "bad.aof")
	res = CheckFile(p, nil)
	if res.Err == nil || !res.RDBErr || res.Fixable() || !strings.Contains(res.Err.Error(), "checksum") {
		t.Fatalf("%+v", res)
	}
	out.Reset()
	if err := CheckPath(p, true, &out); err == nil || !strings.Contains(out.String(), "not sane") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if st, _ := os.Stat(p); st.Size() != int64(len(bad)+len(tail)) {
		t.Error("corrupt preamble was truncated")
	}
}

func TestCheckMultiPart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "appendonlydir")
	os.Mkdir(dir, 0o755)
	m := &Manifest{
		Base: &FileInfo{Name: "appendonly.aof.2.base.rdb", Seq: 2, Type: TypeBase},
		Incr: []FileInfo{
			{Name: "appendonly.aof.1.incr.aof", Seq: 1, Type: TypeIncr},
			{Name: "appendonly.aof.2.incr.aof", Seq: 2, Type: TypeIncr},
		},
		History: []FileInfo{{Name: "appendonly.aof.1.base.rdb", Seq: 1, Type: TypeHistory}},
	}
	if err := WriteManifest(dir, "appendonly.aof", m); err != nil {
		t.Fatal(err)
	}
	writeAOF(t, dir, "appendonly.aof.2.base.rdb", string(rdbBytes(t)))
	first := cmd("SELECT", "0") + cmd("SET", "a", "1")
	writeAOF(t, dir, "appendonly.aof.1.incr.aof", first)
	last := cmd("SELECT", "0") + cmd("INCR", "a")
	writeAOF(t, dir, "appendonly.aof.2.incr.aof", last)

	var out bytes.Buffer
	for _, target := range []string{dir, filepath.Join(dir, "appendonly.aof.manifest")} {
		out.Reset()
		if err := CheckPath(target, false, &out); err != nil {
			t.Fatalf("%s: %v\n%s", target, err, out.String())
		}
		for _, want := range []string{"Start to check BASE AOF (RDB format)", "INCR AOF appendonly.aof.2.incr.aof is valid", "All AOF files and manifest are valid"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("missing %q in\n%s", want, out.String())
			}
		}
	}

	// A torn tail of the last incr file: reported, then fixed.
	writeAOF(t, dir, "appendonly.aof.2.incr.aof", last+"*2\r\n$4\r\nINCR\r\n$1\r\n")
	out.Reset()
	if err := CheckPath(dir, false, &out); err == nil ||
		!strings.Contains(out.String(), "ok_up_to="+strconv.Itoa(len(last))) || !strings.Contains(out.String(), "is not valid") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	out.Reset()
	if err := CheckPath(dir, true, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "appendonly.aof.2.incr.aof")); string(data) != last {
		t.Fatalf("after fix %q", data)
	}
	if err := CheckPath(dir, false, &out); err != nil {
		t.Fatal(err)
	}

	// A torn non-last file cannot be fixed.
	writeAOF(t, dir, "appendonly.aof.1.incr.aof", first+"*1\r\n")
	out.Reset()
	if err := CheckPath(dir, true, &out); err == nil || !strings.Contains(out.String(), "not the last file") {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "appendonly.aof.1.incr.aof")); string(data) != first+"*1\r\n" {
		t.Fatal("non-last file modified")
	}

	// A missing file listed in the manifest.
	os.Remove(filepath.Join(dir, "appendonly.aof.1.incr.aof"))
	if err := CheckPath(dir, false, &out); err == nil {
		t.Fatal("missing file accepted")
	}
	// A directory without a manifest.
	if err := CheckPath(t.TempDir(), false, &out); err == nil {
		t.Fatal("empty directory accepted")
	}
}
