package aof

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/redwingdb/redwing/internal/config"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File types in the manifest.
const (
	TypeBase    = 'b'
	TypeHistory = 'h'
	TypeIncr    = 'i'
)

// FileInfo is one line of the manifest.
type FileInfo struct {
	Name string
	Seq  int64
	Type byte
}

// Manifest lists the files of a multi-part AOF, as Redis 7.0's aofManifest.
type Manifest struct {
	Base    *FileInfo
	History []FileInfo
	Incr    []FileInfo
	BaseSeq int64 // highest base sequence used
	IncrSeq int64 // highest incr sequence used
}

// ManifestError is a malformed manifest.
type ManifestError struct {
	Line    int
	Text    string
	Message string
}

func (e *ManifestError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("invalid AOF manifest at line %d ('%s'): %s", e.Line, e.Text, e.Message)
	}
	return "invalid AOF manifest: " + e.Message
}

// ParseManifest parses a manifest with Redis's rules: "#" comment lines,
// lines of key/value pairs ("file", "seq", "type"; unknown keys ignored),
// at most one base, strictly increasing incr sequences.
func ParseManifest(data []byte) (*Manifest, error) {
	m := &Manifest{}
	if len(data) == 0 {
		return nil, &ManifestError{Message: "Found an empty AOF manifest"}
	}
	var maxSeq int64
	lines := bytes.SplitAfter(data, []byte("\n"))
	for i, raw := range lines {
		if len(raw) == 0 {
			continue
		}
		ln := i + 1
		if raw[0] == '#' {
			continue
		}
		if len(raw) > 1024 {
			return nil, &ManifestError{Line: ln, Message: "The AOF manifest file contains too long line"}
		}
		if raw[len(raw)-1] != '\n' {
			// Redis needs a newline at the end of every line.
			return nil, &ManifestError{Line: ln, Text: string(raw), Message: "The AOF manifest file contains too long line"}
		}
		line := strings.Trim(string(raw), " \t\r\n")
		if line == "" {
			return nil, &ManifestError{Line: ln, Message: "Invalid AOF manifest file format"}
		}
		args, err := config.SplitArgs(line)
		if err != nil || len(args) < 6 || len(args)%2 != 0 {
			return nil, &ManifestError{Line: ln, Text: line, Message: "Invalid AOF manifest file format"}
		}
		var fi FileInfo
		for j := 0; j < len(args); j += 2 {
			switch strings.ToLower(args[j]) {
			case "file":
				fi.Name = args[j+1]
				if fi.Name != filepath.Base(fi.Name) || strings.ContainsRune(fi.Name, '/') {
					return nil, &ManifestError{Line: ln, Text: line, Message: "File can't be a path, just a filename"}
				}
			case "seq":
				fi.Seq = atoll(args[j+1])
			case "type":
				if args[j+1] != "" {
					fi.Type = args[j+1][0]
				}
			}
		}
		if fi.Name == "" || fi.Seq == 0 || fi.Type == 0 {
			return nil, &ManifestError{Line: ln, Text: line, Message: "Invalid AOF manifest file format"}
		}
		switch fi.Type {
		case TypeBase:
			if m.Base != nil {
				return nil, &ManifestError{Line: ln, Text: line, Message: "Found duplicate base file information"}
			}
			b := fi
			m.Base = &b
			m.BaseSeq = fi.Seq
		case TypeHistory:
			m.History = append(m.History, fi)
		case TypeIncr:
			if fi.Seq <= maxSeq {
				return nil, &ManifestError{Line: ln, Text: line, Message: "Found a non-monotonic sequence number"}
			}
			m.Incr = append(m.Incr, fi)
			m.IncrSeq = fi.Seq
			maxSeq = fi.Seq
		default:
			return nil, &ManifestError{Line: ln, Text: line, Message: "Unknown AOF file type"}
		}
	}
	return m, nil
}

// atoll is C's atoll: leading spaces, sign, digits; 0 if none.
func atoll(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// Clone returns a deep copy.
func (m *Manifest) Clone() *Manifest {
	c := &Manifest{BaseSeq: m.BaseSeq, IncrSeq: m.IncrSeq}
	if m.Base != nil {
		b := *m.Base
		c.Base = &b
	}
	c.History = append([]FileInfo(nil), m.History...)
	c.Incr = append([]FileInfo(nil), m.Incr...)
	return c
}

// Format renders the manifest: base first, then history, then incr files.
func (m *Manifest) Format() []byte {
	var b []byte
	line := func(fi FileInfo) {
		name := fi.Name
		if needsRepr(name) {
			name = config.Quote(name)
		}
		b = append(b, "file "...)
		b = append(b, name...)
		b = append(b, " seq "...)
		b = strconv.AppendInt(b, fi.Seq, 10)
		b = append(b, " type "...)
		b = append(b, fi.Type, '\n')
	}
	if m.Base != nil {
		line(*m.Base)
	}
	for _, fi := range m.History {
		line(fi)
	}
	for _, fi := range m.Incr {
		line(fi)
	}
	return b
}

// NewBaseName moves the current base to history and names a new base.
func (m *Manifest) NewBaseName(prefix string, rdb bool) string {
	if m.Base != nil {
		h := *m.Base
		h.Type = TypeHistory
		m.History = append([]FileInfo{h}, m.History...)
	}
	m.BaseSeq++
	ext := ".aof"
	if rdb {
		ext = ".rdb"
	}
	name := prefix + "." + strconv.FormatInt(m.BaseSeq, 10) + ".base" + ext
	m.Base = &FileInfo{Name: name, Seq: m.BaseSeq, Type: TypeBase}
	return name
}

// NewIncrName adds a new incr file and returns its name.
func (m *Manifest) NewIncrName(prefix string) string {
	m.IncrSeq++
	name := prefix + "." + strconv.FormatInt(m.IncrSeq, 10) + ".incr.aof"
	m.Incr = append(m.Incr, FileInfo{Name: name, Seq: m.IncrSeq, Type: TypeIncr})
	return name
}

// MarkIncrHistory turns every incr file but the last keep ones into
// history files.
func (m *Manifest) MarkIncrHistory(keep int) {
	if len(m.Incr) <= keep {
		return
	}
	n := len(m.Incr) - keep
	for i := n - 1; i >= 0; i-- {
		h := m.Incr[i]
		h.Type = TypeHistory
		m.History = append([]FileInfo{h}, m.History...)
	}
	m.Incr = append([]FileInfo(nil), m.Incr[n:]...)
}

// LastIncr returns the last incr file, or nil.
func (m *Manifest) LastIncr() *FileInfo {
	if len(m.Incr) == 0 {
		return nil
	}
	return &m.Incr[len(m.Incr)-1]
}

// ManifestName returns the manifest's file name for appendfilename prefix.
func ManifestName(prefix string) string { return prefix + ".manifest" }

// WriteManifest atomically replaces dir's manifest: a temp file, fsync,
// rename, directory fsync.
func WriteManifest(dir, prefix string, m *Manifest) error {
	name := ManifestName(prefix)
	tmp := filepath.Join(dir, "temp-"+name)
	if err := writeFileSync(tmp, m.Format()); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// ReadManifest loads dir's manifest; it returns nil, nil when there is none.
func ReadManifest(dir, prefix string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName(prefix)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseManifest(data)
}

func writeFileSync(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// needsRepr is sdsneedsrepr: characters that need quoting.
func needsRepr(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == '\a' || c == '\b' || c < 32 || c > 126 || c == ' ' {
			return true
		}
	}
	return false
}
