package aof

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redwingdb/redwing/internal/engine"
)

func TestManifestRoundTrip(t *testing.T) {
	in := "file appendonly.aof.2.base.rdb seq 2 type b\n" +
		"file appendonly.aof.1.incr.aof seq 1 type h\n" +
		"file appendonly.aof.3.incr.aof seq 3 type i\n" +
		"file appendonly.aof.4.incr.aof seq 4 type i\n"
	m, err := ParseManifest([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if m.Base == nil || m.Base.Seq != 2 || len(m.History) != 1 || len(m.Incr) != 2 || m.IncrSeq != 4 {
		t.Fatalf("parsed %+v", m)
	}
	if got := string(m.Format()); got != in {
		t.Fatalf("format:\n%s\nwant:\n%s", got, in)
	}
	// Renaming rules.
	c := m.Clone()
	if n := c.NewIncrName("appendonly.aof"); n != "appendonly.aof.5.incr.aof" {
		t.Fatal(n)
	}
	if n := c.NewBaseName("appendonly.aof", true); n != "appendonly.aof.3.base.rdb" {
		t.Fatal(n)
	}
	c.MarkIncrHistory(1)
	if len(c.Incr) != 1 || c.Incr[0].Seq != 5 || len(c.History) != 4 {
		t.Fatalf("after rewrite %+v", c)
	}
	if m.IncrSeq != 4 || len(m.Incr) != 2 {
		t.Fatal("Clone shares state")
	}
	// Quoted names, comments, unknown keys.
	m2, err := ParseManifest([]byte("# comment\nfile \"a b.aof\" seq 1 type i extra x\n"))
	if err != nil || m2.Incr[0].Name != "a b.aof" {
		t.Fatalf("%v %+v", err, m2)
	}
	if got := string(m2.Format()); got != "file \"a b.aof\" seq 1 type i\n" {
		t.Fatalf("%q", got)
	}
}

func TestManifestErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty AOF manifest"},
		{"file a seq 1 type b\nfile b seq 2 type b\n", "duplicate base"},
		{"file a seq 2 type i\nfile b seq 1 type i\n", "non-monotonic"},
		{"file a seq 1 type x\n", "Unknown AOF file type"},
		{"file a seq 1\n", "Invalid AOF manifest file format"},
		{"file ../a seq 1 type i\n", "can't be a path"},
		{"file a seq 0 type i\n", "Invalid AOF manifest file format"},
		{"file a seq 1 type i", "too long line"},
		{"\n", "Invalid AOF manifest file format"},
	} {
		_, err := ParseManifest([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.in, err, tc.want)
		}
	}
}

// fakeReplay records commands.
type fakeReplay struct {
	cmds  []string
	multi bool
	queue []string
}

func (f *fakeReplay) Begin() { f.multi = false; f.queue = nil }
func (f *fakeReplay) End()   { f.multi = false; f.queue = nil }
func (f *fakeReplay) Exec(argv [][]byte) error {
	s := make([]string, len(argv))
	for i, a := range argv {
		s[i] = string(a)
	}
	line := strings.Join(s, " ")
	switch strings.ToLower(s[0]) {
	case "unknowncmd":
		return errors.New("Unknown command 'unknowncmd' reading the append only file")
	case "multi":
		f.multi = true
		return nil
	case "exec":
		f.multi = false
		f.cmds = append(f.cmds, f.queue...)
		f.queue = nil
		return nil
	}
	if f.multi {
		f.queue = append(f.queue, line)
	} else {
		f.cmds = append(f.cmds, line)
	}
	return nil
}
func (f *fakeReplay) InMulti() bool { return f.multi }

func cmd(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	return string(AppendCommand(nil, b))
}

func writeAOF(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := cmd("SET", "a", "1") + "#TS:1700000000\r\n" + cmd("MULTI") + cmd("SET", "b", "2") + cmd("EXEC")
	writeAOF(t, dir, "x.aof", good)
	fr := &fakeReplay{}
	opt := &LoadOptions{Dir: dir, Replay: fr, TruncatedOK: true}
	st, err := LoadFile(opt, "x.aof", true)
	if err != nil || st != LoadOK {
		t.Fatal(st, err)
	}
	if strings.Join(fr.cmds, ";") != "SET a 1;SET b 2" {
		t.Fatal(fr.cmds)
	}

	// Torn last command: truncated to the last whole command.
	torn := good + cmd("SET", "c", "3")[:10]
	writeAOF(t, dir, "torn.aof", torn)
	var logs []string
	fr = &fakeReplay{}
	opt = &LoadOptions{Dir: dir, Replay: fr, TruncatedOK: true, Logf: func(f string, a ...any) { logs = append(logs, f) }}
	st, err = LoadFile(opt, "torn.aof", true)
	if err != nil || st != LoadTruncated {
		t.Fatal(st, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "torn.aof")); string(b) != good {
		t.Fatalf("not truncated to the good prefix: %q", b)
	}
	if len(logs) == 0 || !strings.Contains(strings.Join(logs, "\n"), "Truncating") {
		t.Fatal("no truncation log line", logs)
	}

	// Torn, but not the last file: fatal.
	writeAOF(t, dir, "torn2.aof", torn)
	_, err = LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}, TruncatedOK: true}, "torn2.aof", false)
	if err == nil || !strings.Contains(err.Error(), "not the last file") {
		t.Fatal(err)
	}
	// Torn with aof-load-truncated no: fatal, file untouched.
	_, err = LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}}, "torn2.aof", true)
	if err == nil || !strings.Contains(err.Error(), "Unexpected end of file") {
		t.Fatal(err)
	}

	// Incomplete transaction at the end: reverted.
	multi := cmd("SET", "a", "1") + cmd("MULTI") + cmd("SET", "b", "2")
	writeAOF(t, dir, "multi.aof", multi)
	fr = &fakeReplay{}
	st, err = LoadFile(&LoadOptions{Dir: dir, Replay: fr, TruncatedOK: true}, "multi.aof", true)
	if err != nil || st != LoadTruncated || strings.Join(fr.cmds, ";") != "SET a 1" {
		t.Fatal(st, err, fr.cmds)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "multi.aof")); string(b) != cmd("SET", "a", "1") {
		t.Fatalf("%q", b)
	}

	// Corruption in the middle: refuse, naming file and offset.
	off := len(cmd("SET", "a", "1"))
	bad := cmd("SET", "a", "1") + "garbage\r\n" + cmd("SET", "b", "2")
	writeAOF(t, dir, "bad.aof", bad)
	_, err = LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}, TruncatedOK: true}, "bad.aof", true)
	var le *LoadError
	if !errors.As(err, &le) || le.File != "bad.aof" || le.Offset != int64(off) {
		t.Fatalf("%v", err)
	}
	// A bad bulk header inside a command.
	bad2 := cmd("SET", "a", "1") + "*2\r\n$3\r\nGET\r\nxx\r\n"
	writeAOF(t, dir, "bad2.aof", bad2)
	_, err = LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}, TruncatedOK: true}, "bad2.aof", true)
	if !errors.As(err, &le) || le.Offset != int64(off+13) {
		t.Fatalf("%v", err)
	}
	// Unknown command: refuse.
	writeAOF(t, dir, "unk.aof", cmd("UNKNOWNCMD", "x"))
	_, err = LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}}, "unk.aof", true)
	if err == nil || !strings.Contains(err.Error(), "Unknown command") {
		t.Fatal(err)
	}
	// Empty file.
	writeAOF(t, dir, "empty.aof", "")
	if st, err := LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}}, "empty.aof", true); st != LoadEmpty || err != nil {
		t.Fatal(st, err)
	}
}

func TestLoadManifestMissingFile(t *testing.T) {
	dir := t.TempDir()
	m := &Manifest{Incr: []FileInfo{{Name: "gone.aof", Seq: 1, Type: TypeIncr}}}
	_, _, _, err := LoadManifest(&LoadOptions{Dir: dir, Replay: &fakeReplay{}}, m)
	if err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestSinkGroupCommit(t *testing.T) {
	dir := t.TempDir()
	f, err := os.OpenFile(filepath.Join(dir, "i.aof"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSink(f, 0, FsyncAlways, false)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 50; i++ {
				s.Write([]engine.Effect{{DB: g % 2, Argv: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}})
				s.WaitAll()
			}
			done <- struct{}{}
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "i.aof"))
	fr := &fakeReplay{}
	if _, err := LoadFile(&LoadOptions{Dir: dir, Replay: fr}, "i.aof", true); err != nil {
		t.Fatal(err)
	}
	sets := 0
	for _, c := range fr.cmds {
		if c == "SET k v" {
			sets++
		}
	}
	if sets != 400 || len(b) == 0 {
		t.Fatalf("%d SETs", sets)
	}
}

// WaitBatch (an event loop's barrier, which skips the gathering yield
// under everysec and no) returns only once the effects are in the file.
func TestSinkWaitBatchWrites(t *testing.T) {
	for _, policy := range []int{FsyncAlways, FsyncEverySec, FsyncNo} {
		path := filepath.Join(t.TempDir(), "i.aof")
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		s := NewSink(f, 0, policy, false)
		for i := 0; i < 3; i++ {
			s.Write([]engine.Effect{{Argv: [][]byte{[]byte("SET"), []byte("k"), []byte("v")}}})
			s.WaitBatch()
			if !s.Durable(s.Mark()) {
				t.Fatalf("policy %d: WaitBatch returned before its effects were written", policy)
			}
			b, _ := os.ReadFile(path)
			if got := strings.Count(string(b), cmd("SET", "k", "v")); got != i+1 {
				t.Fatalf("policy %d: %d SETs in the file after %d WaitBatch calls", policy, got, i+1)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzLoadFile(f *testing.F) {
	f.Add([]byte(cmd("SET", "a", "1") + cmd("MULTI") + cmd("SET", "b", "2") + cmd("EXEC")))
	f.Add([]byte("#TS:1\r\n*1\r\n$4\r\nPING\r\n"))
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$100\r\nshort"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "f.aof"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, trunc := range []bool{false, true} {
			LoadFile(&LoadOptions{Dir: dir, Replay: &fakeReplay{}, TruncatedOK: trunc}, "f.aof", true)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"))
	f.Add([]byte("file \"a\\x41 b\" seq 2 type h\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil || (m.Base == nil && len(m.History) == 0 && len(m.Incr) == 0) {
			return // (a comment-only manifest lists nothing; Format gives "")
		}
		// What parses formats back into something that parses the same.
		m2, err := ParseManifest(m.Format())
		if err != nil || string(m2.Format()) != string(m.Format()) {
			t.Fatalf("round trip: %v\n%q\n%q", err, m.Format(), data)
		}
	})
}
