package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
)

// Replayer runs the commands of an AOF.
type Replayer interface {
	// Begin starts a file: a fresh session in database 0.
	Begin()
	// Exec runs one command; it fails only for unknown commands.
	Exec(argv [][]byte) error
	// InMulti reports whether a MULTI is open.
	InMulti() bool
	// End finishes a file, dropping an open MULTI.
	End()
}

// LoadError is an AOF that cannot be loaded.
type LoadError struct {
	File   string
	Offset int64
	Msg    string
}

func (e *LoadError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s (file %s, offset %d)", e.Msg, e.File, e.Offset)
	}
	return fmt.Sprintf("%s (file %s)", e.Msg, e.File)
}

// Load results.
const (
	LoadOK = iota
	LoadNotExist
	LoadEmpty
	LoadTruncated
)

// LoadOptions configure loading.
type LoadOptions struct {
	Dir    string // the AOF directory
	Replay Replayer
	// TruncatedOK is aof-load-truncated: a torn last command of the last
	// file is cut off (with a log line) instead of failing.
	TruncatedOK bool
	// LoadRDB loads an RDB stream (a base file, or an old-style preamble)
	// and returns the offset where it ended.
	LoadRDB func(r io.Reader, size int64) (end int64, err error)
	Logf    func(format string, args ...any)
	// Progress, when set, is told every so often how many of the total
	// bytes of the files being loaded were read (INFO loading_*).
	Progress func(loaded, total int64)

	progressBase, progressTotal int64 // set by LoadManifest per file
}

func (o *LoadOptions) progress(off int64) {
	if o.Progress != nil {
		o.Progress(o.progressBase+off, o.progressTotal)
	}
}

func (o *LoadOptions) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}

// LoadManifest replays the base and incr files of m in order. It returns
// LoadNotExist when m lists no files, LoadEmpty when they are all empty,
// and the total size loaded.
func LoadManifest(opt *LoadOptions, m *Manifest) (status int, total int64, baseSize int64, err error) {
	var files []FileInfo
	if m.Base != nil {
		files = append(files, *m.Base)
	}
	files = append(files, m.Incr...)
	if len(files) == 0 {
		return LoadNotExist, 0, 0, nil
	}
	for _, fi := range files {
		st, err := os.Stat(filepath.Join(opt.Dir, fi.Name))
		if err != nil {
			return 0, 0, 0, &LoadError{File: fi.Name, Offset: -1, Msg: "the AOF file listed in the manifest can't be opened: " + err.Error()}
		}
		total += st.Size()
		if m.Base != nil && fi.Name == m.Base.Name {
			baseSize = st.Size()
		}
	}
	if total == 0 {
		return LoadEmpty, 0, 0, nil
	}
	status = LoadOK
	opt.progressTotal = total
	for i, fi := range files {
		last := i == len(files)-1
		st, err := LoadFile(opt, fi.Name, last)
		if err != nil {
			return 0, 0, 0, err
		}
		if fst, err := os.Stat(filepath.Join(opt.Dir, fi.Name)); err == nil {
			opt.progressBase += fst.Size()
			opt.progress(0)
		}
		if st == LoadTruncated {
			status = LoadTruncated
		}
		kind := "incr"
		if m.Base != nil && fi.Name == m.Base.Name {
			kind = "base"
		}
		if st != LoadEmpty {
			opt.logf("DB loaded from %s file %s", kind, fi.Name)
		}
	}
	return status, total, baseSize, nil
}

// countingReader counts consumed bytes.
type countingReader struct {
	r   *bufio.Reader
	off int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.off += int64(n)
	return n, err
}

var errShort = errors.New("short read")
var errFormat = errors.New("bad format")

// LoadFile replays one AOF file of the directory. last tells whether a
// torn tail may be truncated (aof-load-truncated applies to the last file
// only).
func LoadFile(opt *LoadOptions, name string, last bool) (int, error) {
	path := filepath.Join(opt.Dir, name)
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return LoadNotExist, &LoadError{File: name, Offset: -1, Msg: "the append log file doesn't exist"}
		}
		return 0, &LoadError{File: name, Offset: -1, Msg: "can't open the append log file for reading: " + err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, &LoadError{File: name, Offset: -1, Msg: err.Error()}
	}
	if st.Size() == 0 {
		return LoadEmpty, nil
	}
	br := bufio.NewReaderSize(f, 256<<10)
	cr := &countingReader{r: br}
	opt.Replay.Begin()
	defer opt.Replay.End()

	// An RDB base, or an old-style AOF with an RDB preamble.
	if sig, _ := br.Peek(5); string(sig) == "REDIS" {
		if opt.LoadRDB == nil {
			return 0, &LoadError{File: name, Offset: 0, Msg: "RDB data in AOF but no RDB loader"}
		}
		end, err := opt.LoadRDB(br, st.Size())
		if err != nil {
			return 0, &LoadError{File: name, Offset: -1, Msg: "error reading the RDB base file: " + err.Error()}
		}
		if _, err := f.Seek(end, io.SeekStart); err != nil {
			return 0, &LoadError{File: name, Offset: end, Msg: err.Error()}
		}
		br.Reset(f)
		cr.off = end
	}

	var validUpTo, validBeforeMulti int64 = cr.off, cr.off
	cmds := 0
	var line []byte
	argv := make([][]byte, 0, 8)
	readLine := func() ([]byte, error) {
		line = line[:0]
		for {
			frag, err := br.ReadSlice('\n')
			line = append(line, frag...)
			cr.off += int64(len(frag))
			if err == bufio.ErrBufferFull {
				if len(line) > 64<<10 {
					return nil, errFormat
				}
				continue
			}
			if err == io.EOF {
				return line, errShort
			}
			if err != nil {
				return nil, err
			}
			return line, nil
		}
	}
	fail := func(off int64, err error) (int, error) {
		if err == errShort {
			return handleShort(opt, path, name, last, validUpTo)
		}
		if err == errFormat {
			return 0, &LoadError{File: name, Offset: off, Msg: "Bad file format reading the append only file: make a backup of your AOF file, then use redwing check-aof --fix <filename.manifest>"}
		}
		return 0, &LoadError{File: name, Offset: off, Msg: "Unrecoverable error reading the append only file: " + err.Error()}
	}
	for {
		start := cr.off
		l, err := readLine()
		if err == errShort && len(l) == 0 {
			break // clean end of file
		}
		if err != nil {
			return fail(start, err)
		}
		if l[0] == '#' {
			if opt.TruncatedOK {
				validUpTo = cr.off
			}
			continue
		}
		if l[0] != '*' {
			return fail(start, errFormat)
		}
		argc := atoll(strings.TrimRight(string(l[1:]), "\r\n"))
		if argc < 1 || argc > 1<<30 {
			return fail(start, errFormat)
		}
		argv = argv[:0]
		for j := int64(0); j < argc; j++ {
			hdrOff := cr.off
			l, err := readLine()
			if err != nil {
				return fail(hdrOff, err)
			}
			if l[0] != '$' {
				return fail(hdrOff, errFormat)
			}
			n := atoll(strings.TrimRight(string(l[1:]), "\r\n"))
			if n < 0 || n > 1<<40 {
				return fail(hdrOff, errFormat)
			}
			if n > st.Size()-cr.off {
				return fail(hdrOff, errShort)
			}
			arg := make([]byte, n+2)
			k, err := io.ReadFull(br, arg)
			cr.off += int64(k)
			if err != nil {
				return fail(hdrOff, errShort)
			}
			argv = append(argv, arg[:n:n])
		}
		if strings.EqualFold(string(argv[0]), "multi") {
			validBeforeMulti = validUpTo
		}
		if err := opt.Replay.Exec(argv); err != nil {
			return 0, &LoadError{File: name, Offset: start, Msg: err.Error()}
		}
		validUpTo = cr.off
		if cmds++; cmds&1023 == 0 {
			opt.progress(cr.off)
		}
	}
	if opt.Replay.InMulti() {
		opt.logf("Revert incomplete MULTI/EXEC transaction in AOF file %s", name)
		return handleShort(opt, path, name, last, validBeforeMulti)
	}
	return LoadOK, nil
}

// handleShort deals with a file that ends in the middle of a command (or
// of a transaction): with aof-load-truncated, on the last file, the tail
// is cut off at validUpTo.
func handleShort(opt *LoadOptions, path, name string, last bool, validUpTo int64) (int, error) {
	if opt.TruncatedOK && last {
		opt.logf("!!! Warning: short read while loading the AOF file %s!!!", name)
		opt.logf("!!! Truncating the AOF %s at offset %d !!!", name, validUpTo)
		if err := os.Truncate(path, validUpTo); err != nil {
			opt.logf("Error truncating the AOF file %s: %v", name, err)
		} else {
			opt.logf("AOF %s loaded anyway because aof-load-truncated is enabled", name)
			return LoadTruncated, nil
		}
	}
	msg := "Unexpected end of file reading the append only file. You can: 1) Make a backup of your AOF file, then use redwing check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
	if !last {
		msg = "Fatal error: the truncated file is not the last file"
	}
	return 0, &LoadError{File: name, Offset: validUpTo, Msg: msg}
}

// EngineReplayer replays commands through an engine with a fake client,
// as Redis's AOF client: replies are discarded and blocking is denied.
type EngineReplayer struct {
	E *engine.Engine
	c *engine.Client
}

// Begin implements Replayer.
func (r *EngineReplayer) Begin() {
	r.End()
	r.c = r.E.NewClient(nil, "", "", -1)
	r.c.DenyBlocking = true
	r.c.Authed = true
	r.c.Loader = true
	r.c.SetName("aof-loader")
}

// Exec implements Replayer.
func (r *EngineReplayer) Exec(argv [][]byte) error {
	if r.E.Lookup(argv[0]) == nil {
		return fmt.Errorf("Unknown command '%s' reading the append only file", argv[0])
	}
	r.E.Exec(r.c, argv)
	r.c.W.Reset()
	return nil
}

// InMulti implements Replayer.
func (r *EngineReplayer) InMulti() bool { return r.c != nil && r.c.Multi != nil }

// End implements Replayer.
func (r *EngineReplayer) End() {
	if r.c != nil {
		if r.c.Multi != nil {
			r.E.DiscardTx(r.c)
		}
		r.E.RemoveClient(r.c)
		r.c = nil
	}
}
