package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/redwingdb/redwing/internal/persist/rdb"
)

// CheckResult describes one checked AOF file (redis-check-aof's "AOF
// analyzed" line).
type CheckResult struct {
	Name      string
	Size      int64
	RDB       bool  // the file starts with RDB data (an RDB base or preamble)
	RDBEnd    int64 // where the RDB data ended
	Commands  int64 // complete commands read
	ValidUpTo int64 // offset after the last valid command outside MULTI/EXEC
	Lines     int64 // protocol lines up to ValidUpTo
	// Err is nil for a valid file; otherwise a *LoadError whose Offset is
	// where the problem was found.
	Err error
	// Torn reports that the file ends in the middle of a command or of a
	// transaction (the tail aof-load-truncated would cut off).
	Torn bool
	// RDBErr reports that the error is in the RDB part (not fixable).
	RDBErr bool
}

// Fixable reports whether truncating the file at ValidUpTo repairs it.
func (r *CheckResult) Fixable() bool { return r.Err != nil && !r.RDBErr }

var errCheckShort = errors.New("unexpected end of file")

// CheckFile validates one AOF file the way the loader reads it (an RDB
// preamble or base through the RDB reader, then RESP arrays of bulk
// strings and "#" annotation lines), without executing anything. It is
// stricter than the loader: every bulk string must end in CRLF, and MULTI
// and EXEC must pair. logf receives the RDB checker's lines.
func CheckFile(path string, logf func(format string, args ...any)) CheckResult {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	res := CheckResult{Name: filepath.Base(path)}
	fail := func(off int64, msg string) CheckResult {
		res.Err = &LoadError{File: res.Name, Offset: off, Msg: msg}
		return res
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(-1, "can't open the append log file for reading: "+err.Error())
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fail(-1, err.Error())
	}
	res.Size = st.Size()
	br := bufio.NewReaderSize(f, 256<<10)
	var off int64
	if sig, _ := br.Peek(5); string(sig) == "REDIS" {
		res.RDB = true
		logf("[offset 0] Checking RDB file %s", res.Name)
		rep, err := rdb.Check(br, st.Size(), logf)
		if err != nil {
			res.RDBErr = true
			var re *rdb.Error
			o := int64(-1)
			if errors.As(err, &re) {
				o = re.Offset
			}
			return fail(o, "invalid RDB data: "+err.Error())
		}
		logf("[info] %d keys read", rep.Keys)
		logf("[info] %d expires", rep.Expires)
		res.RDBEnd = rep.End
		if _, err := f.Seek(rep.End, io.SeekStart); err != nil {
			return fail(rep.End, err.Error())
		}
		br.Reset(f)
		off = rep.End
	}
	res.ValidUpTo = off

	var lines int64
	var line []byte
	readLine := func() ([]byte, error) {
		line = line[:0]
		for {
			frag, err := br.ReadSlice('\n')
			line = append(line, frag...)
			off += int64(len(frag))
			if err == bufio.ErrBufferFull {
				if len(line) > 64<<10 {
					return nil, errors.New("protocol line longer than 64 KB")
				}
				continue
			}
			if err == io.EOF {
				return line, errCheckShort
			}
			if err != nil {
				return nil, err
			}
			lines++
			return line, nil
		}
	}
	// number parses "<prefix><digits>\r\n" as the loader does.
	number := func(l []byte, prefix byte, start int64) (int64, error) {
		if l[0] != prefix {
			return 0, fmt.Errorf("expected prefix '%c', got: '%c' (offset %d)", prefix, l[0], start)
		}
		if !bytes.HasSuffix(l, []byte("\r\n")) {
			return 0, fmt.Errorf("expected \\r\\n at the end of the line at offset %d", start)
		}
		s := string(l[1 : len(l)-2])
		n := atoll(s)
		if s == "" || strings.Trim(s, "-0123456789") != "" {
			return 0, fmt.Errorf("invalid number '%s' at offset %d", s, start)
		}
		return n, nil
	}
	var multiStart int64 = -1
	var multiLines int64
	validLines := lines
	bad := func(off int64, msg string, err error) CheckResult {
		res.Lines = validLines
		return res.failAt(off, msg, err)
	}
	for {
		start := off
		l, err := readLine()
		if err == errCheckShort && len(l) == 0 {
			break // clean end of file
		}
		if err != nil {
			res.Torn = err == errCheckShort
			return bad(start, "truncated command (unexpected end of file)", err)
		}
		if l[0] == '#' {
			if multiStart < 0 {
				res.ValidUpTo, validLines = off, lines
			}
			continue
		}
		argc, err := number(l, '*', start)
		if err != nil {
			return bad(start, "", err)
		}
		if argc < 1 || argc > 1<<30 {
			return bad(start, fmt.Sprintf("invalid argument count %d", argc), nil)
		}
		var name []byte
		for j := int64(0); j < argc; j++ {
			hdr := off
			l, err := readLine()
			if err != nil {
				res.Torn = err == errCheckShort
				return bad(hdr, "truncated command (unexpected end of file)", err)
			}
			n, err := number(l, '$', hdr)
			if err != nil {
				return bad(hdr, "", err)
			}
			if n < 0 || n > 1<<40 {
				return bad(hdr, fmt.Sprintf("invalid bulk length %d", n), nil)
			}
			if n+2 > st.Size()-off {
				res.Torn = true
				return bad(hdr, "truncated command (unexpected end of file)", nil)
			}
			if j == 0 && n <= 16 {
				name, _ = br.Peek(int(n))
				name = append([]byte(nil), name...)
				if _, err := br.Discard(int(n)); err != nil {
					return bad(hdr, "", err)
				}
			} else if _, err := br.Discard(int(n)); err != nil {
				return bad(hdr, "", err)
			}
			off += n
			crlf, err := br.Peek(2)
			if err != nil {
				res.Torn = true
				return bad(off, "truncated command (unexpected end of file)", nil)
			}
			if crlf[0] != '\r' || crlf[1] != '\n' {
				return bad(off, fmt.Sprintf("expected \\r\\n after the bulk string, got: %02x%02x", crlf[0], crlf[1]), nil)
			}
			br.Discard(2)
			off += 2
			lines++
		}
		res.Commands++
		switch {
		case strings.EqualFold(string(name), "multi"):
			if multiStart >= 0 {
				return bad(start, "unexpected MULTI (nested)", nil)
			}
			multiStart, multiLines = start, validLines
		case strings.EqualFold(string(name), "exec"):
			if multiStart < 0 {
				return bad(start, "unexpected EXEC (no MULTI)", nil)
			}
			multiStart = -1
		}
		if multiStart < 0 {
			res.ValidUpTo, validLines = off, lines
		}
	}
	res.Lines = validLines
	if multiStart >= 0 {
		res.Torn = true
		res.ValidUpTo, res.Lines = multiStart, multiLines
		return bad(multiStart, "reached the end of the file before reading EXEC for MULTI", nil)
	}
	return res
}

func (r *CheckResult) failAt(off int64, msg string, err error) CheckResult {
	if msg == "" && err != nil {
		msg = err.Error()
	}
	r.Err = &LoadError{File: r.Name, Offset: off, Msg: msg}
	return *r
}

// Input kinds of CheckPath.
const (
	inputAOF = iota
	inputManifest
)

// isManifest reports whether the file looks like a manifest: its first
// line that is not a comment starts with "file ".
func isManifest(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	for _, l := range bytes.Split(buf[:n], []byte("\n")) {
		if len(l) > 0 && l[0] == '#' {
			continue
		}
		return bytes.HasPrefix(l, []byte("file "))
	}
	return false
}

// findManifest returns the manifest of an AOF directory.
func findManifest(dir string) (string, error) {
	if p := filepath.Join(dir, ManifestName("appendonly.aof")); isManifest(p) {
		return p, nil
	}
	ms, _ := filepath.Glob(filepath.Join(dir, "*.manifest"))
	sort.Strings(ms)
	var found []string
	for _, m := range ms {
		if !strings.HasPrefix(filepath.Base(m), "temp-") && isManifest(m) {
			found = append(found, m)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("no AOF manifest (*.manifest) in directory %s", dir)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("several AOF manifests in directory %s: %s", dir, strings.Join(found, ", "))
}

// CheckPath is redwing check-aof: it validates a single AOF file (with or
// without an RDB preamble), or a multi-part AOF given as its directory or
// its manifest (the base and every incr file the manifest lists), printing
// a report to out. With fix, an invalid tail of the last file is
// truncated at the end of the last valid command (without asking, unlike
// redis-check-aof). It returns nil when everything is valid (or was
// fixed).
func CheckPath(target string, fix bool, out io.Writer) error {
	logf := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	st, err := os.Stat(target)
	if err != nil {
		logf("Cannot check %s: %v", target, err)
		return err
	}
	kind := inputAOF
	manifest := target
	if st.IsDir() {
		if manifest, err = findManifest(target); err != nil {
			logf("%v", err)
			return err
		}
		kind = inputManifest
	} else if isManifest(target) {
		kind = inputManifest
	}
	if kind == inputAOF {
		return checkOne(target, "AOF", true, fix, logf)
	}

	logf("Start checking Multi Part AOF")
	data, err := os.ReadFile(manifest)
	if err != nil {
		logf("Cannot read the AOF manifest %s: %v", manifest, err)
		return err
	}
	m, err := ParseManifest(data)
	if err != nil {
		logf("%v", err)
		return err
	}
	dir := filepath.Dir(manifest)
	if m.Base == nil && len(m.Incr) == 0 {
		err := fmt.Errorf("the AOF manifest %s lists no base or incr file", manifest)
		logf("%v", err)
		return err
	}
	if m.Base != nil {
		p := filepath.Join(dir, m.Base.Name)
		format := "RESP"
		if sig := readSig(p); sig == "REDIS" {
			format = "RDB"
		}
		logf("Start to check BASE AOF (%s format).", format)
		if err := checkOne(p, "BASE AOF", len(m.Incr) == 0, fix, logf); err != nil {
			return err
		}
	}
	if len(m.Incr) > 0 {
		logf("Start to check INCR files.")
		for i, fi := range m.Incr {
			if err := checkOne(filepath.Join(dir, fi.Name), "INCR AOF", i == len(m.Incr)-1, fix, logf); err != nil {
				return err
			}
		}
	}
	logf("All AOF files and manifest are valid")
	return nil
}

func readSig(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var b [5]byte
	n, _ := io.ReadFull(f, b[:])
	return string(b[:n])
}

// checkOne checks (and with fix repairs) one file.
func checkOne(path, what string, last, fix bool, logf func(string, ...any)) error {
	res := CheckFile(path, logf)
	if res.RDB && !res.RDBErr {
		logf("RDB preamble is OK, proceeding with AOF tail...")
	}
	if res.Err == nil {
		logf("AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=0",
			res.Name, res.Size, res.ValidUpTo, res.Lines)
		logf("%s %s is valid (%d commands)", what, res.Name, res.Commands)
		return nil
	}
	var le *LoadError
	if errors.As(res.Err, &le) && le.Offset >= 0 {
		logf("0x%016x: %s", le.Offset, le.Msg)
		logf("Error at offset %d of %s: %s", le.Offset, res.Name, le.Msg)
	} else {
		logf("%v", res.Err)
	}
	if le != nil && le.Offset < 0 {
		return res.Err // could not be read at all
	}
	if res.RDBErr {
		logf("RDB preamble of AOF file %s is not sane, aborting.", res.Name)
		return res.Err
	}
	diff := res.Size - res.ValidUpTo
	logf("AOF analyzed: filename=%s, size=%d, ok_up_to=%d, ok_up_to_line=%d, diff=%d",
		res.Name, res.Size, res.ValidUpTo, res.Lines, diff)
	if !fix {
		logf("%s %s is not valid. Use the --fix option to try fixing it.", what, res.Name)
		return res.Err
	}
	if !last {
		logf("Failed to truncate AOF %s because it is not the last file.", res.Name)
		return res.Err
	}
	logf("This will shrink the AOF %s from %d bytes, with %d bytes, to %d bytes", res.Name, res.Size, diff, res.ValidUpTo)
	if err := os.Truncate(path, res.ValidUpTo); err != nil {
		logf("Failed to truncate AOF %s: %v", res.Name, err)
		return err
	}
	// Validate the repaired file.
	again := CheckFile(path, func(string, ...any) {})
	if again.Err != nil {
		logf("AOF %s is still not valid after truncation: %v", res.Name, again.Err)
		return again.Err
	}
	logf("Successfully truncated AOF %s (%d commands kept)", res.Name, again.Commands)
	return nil
}
