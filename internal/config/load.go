package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// LoadError is a fatal configuration error. Its text is Redis's
// "*** FATAL CONFIG FILE ERROR ***" report.
type LoadError struct {
	File    string // file being read; "" for arguments or a reader
	Line    int    // 1-based line number; 0 when not about a line
	Text    string // the offending line, trimmed
	Message string // Redis's reason, e.g. "Bad directive or wrong number of arguments"
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("*** FATAL CONFIG FILE ERROR (Redis " + RedisVersion + ") ***\n")
	if e.Line > 0 {
		fmt.Fprintf(&b, "Reading the configuration file, at line %d\n", e.Line)
		b.WriteString(">>> '" + e.Text + "'\n")
	}
	b.WriteString(e.Message)
	return b.String()
}

// OpenError is returned when a config file cannot be read.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	return "Fatal error, can't open config file '" + e.Path + "': " + strerror(e.Err)
}

func (e *OpenError) Unwrap() error { return e.Err }

// deprecatedDirectives are accepted and ignored, with their argc range.
var deprecatedDirectives = map[string][2]int{
	"list-max-ziplist-entries": {2, 2},
	"list-max-ziplist-value":   {2, 2},
	"lua-replicate-commands":   {2, 2},
}

// LoadFile reads a redis.conf file and remembers its absolute path for
// CONFIG REWRITE. On error the configuration is left unchanged.
func (c *Config) LoadFile(path string) error {
	return c.load(true, path, false, "")
}

// LoadReader parses configuration text from r (no file is remembered;
// include paths resolve against dir).
func (c *Config) LoadReader(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return c.loadContent("", string(data), false)
}

// ApplyArgs applies redis-server style arguments: an optional config file
// path first (when args[0] does not start with '-'), then "--name value..."
// options, which are appended to the file's content as lines, exactly as
// redis-server does ("-" as the first or last argument reads stdin).
func (c *Config) ApplyArgs(args []string) error {
	file, hasFile := "", false
	j := 0
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, hasFile = args[0], true
		j = 1
	}
	fromStdin := false
	var opts strings.Builder
	handledLast := true
	for ; j < len(args); j++ {
		a := args[j]
		if a == "-" && (j == 0 || j == len(args)-1) {
			fromStdin = true
			continue
		}
		if handledLast && strings.HasPrefix(a, "--") {
			if opts.Len() > 0 {
				opts.WriteString("\n")
			}
			opts.WriteString(a[2:])
			opts.WriteString(" ")
			parts, err := SplitArgs(a)
			if err == nil && len(parts) == 1 {
				handledLast = false
				last := j == len(args)-1
				nextIsOpt := !last && strings.HasPrefix(args[j+1], "--")
				if strings.EqualFold(a, "--save") && (last || nextIsOpt) {
					// "--save" with no value means save "".
					opts.WriteString(`""`)
					handledLast = nextIsOpt
				} else if strings.EqualFold(a, "--sentinel") && nextIsOpt {
					handledLast = true
				}
			} else {
				handledLast = true
			}
			continue
		}
		opts.WriteString(Quote(a))
		opts.WriteString(" ")
		handledLast = true
	}
	if !hasFile && !fromStdin && opts.Len() == 0 {
		return nil
	}
	return c.load(hasFile, file, fromStdin, opts.String())
}

// load reads the main file (if any), stdin (if asked) and the options, and
// parses them as one text, as loadServerConfig does.
func (c *Config) load(hasFile bool, path string, fromStdin bool, options string) error {
	var content strings.Builder
	abs := ""
	if hasFile {
		data, err := readConfigFile(path)
		if err != nil {
			return err
		}
		content.Write(data)
		if a, err := filepath.Abs(path); err == nil {
			abs = a
		}
	}
	if fromStdin {
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		content.Write(data)
	}
	if !hasFile || options != "" || fromStdin {
		content.WriteString("\n")
		content.WriteString(options)
	}
	return c.loadContent(abs, content.String(), true)
}

func readConfigFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &OpenError{Path: path, Err: err}
	}
	return data, nil
}

// loadContent parses text atomically: on error every parameter keeps its
// previous value. mainFile is remembered for REWRITE when remember is set.
func (c *Config) loadContent(mainFile, text string, remember bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := make([]*value, len(c.params))
	for i, p := range c.params {
		snap[i] = p.cur.Load()
	}
	nWarn, nDir, saveLoaded := len(c.mu.warnings), len(c.mu.directives), c.mu.saveLoaded
	err := c.parseTextLocked(mainFile, text, 0)
	if err == nil {
		err = c.finishLoadLocked()
	}
	if err != nil {
		for i, p := range c.params {
			p.cur.Store(snap[i])
		}
		c.mu.warnings = c.mu.warnings[:nWarn]
		c.mu.directives = c.mu.directives[:nDir]
		c.mu.saveLoaded = saveLoaded
		return err
	}
	if remember && mainFile != "" {
		c.mu.file = mainFile
	}
	return nil
}

// finishLoadLocked performs Redis's post-load checks.
func (c *Config) finishLoadLocked() error {
	if lf := c.String("logfile"); lf != "" {
		f, err := os.OpenFile(c.absPath(lf), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return &LoadError{Message: "Can't open the log file: " + strerror(err)}
		}
		f.Close()
	}
	if c.Bool("cluster-enabled") {
		if _, _, ok := c.ReplicaOf(); ok {
			return &LoadError{Message: "replicaof directive not allowed in cluster mode"}
		}
	}
	return nil
}

const maxIncludeDepth = 32

// parseTextLocked parses config text line by line (loadServerConfigFromString).
func (c *Config) parseTextLocked(file, text string, depth int) error {
	lines := strings.Split(text, "\n")
	for i, raw := range lines {
		linenum := i + 1
		if k := strings.IndexByte(raw, 0); k >= 0 {
			raw = raw[:k]
		}
		line := strings.Trim(raw, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		fail := func(msg string) error {
			return &LoadError{File: file, Line: linenum, Text: line, Message: msg}
		}
		argv, err := SplitArgs(line)
		if err != nil {
			return fail(err.Error())
		}
		if len(argv) == 0 {
			continue
		}
		name := strings.ToLower(argv[0])
		if e := c.lookup(name); e.p != nil {
			sp := e.p.spec
			if sp.Flags&MultiArg == 0 && len(argv) != 2 {
				return fail("wrong number of arguments")
			}
			v, msg := c.parse(e.p, argv[1:], true, e.p.cur.Load())
			if msg != "" {
				return fail(msg)
			}
			e.p.cur.Store(v)
			if sp.Flags&Noop != 0 && v.s != e.p.def.s {
				c.mu.warnings = append(c.mu.warnings, fmt.Sprintf(
					"%s: '%s' is accepted for compatibility but has no effect in Redwing", where(file, linenum), name))
			}
			continue
		}
		if r, ok := deprecatedDirectives[name]; ok && len(argv) >= r[0] && len(argv) <= r[1] {
			c.mu.warnings = append(c.mu.warnings, fmt.Sprintf(
				"%s: deprecated directive '%s' ignored", where(file, linenum), name))
			continue
		}
		d := Directive{Name: name, Args: argv[1:], File: file, Line: linenum}
		switch {
		case name == "include" && len(argv) == 2:
			if depth >= maxIncludeDepth {
				return fail("include nesting too deep")
			}
			if err := c.includeLocked(argv[1], depth+1); err != nil {
				return err
			}
			continue
		case name == "rename-command" && len(argv) == 3,
			name == "user" && len(argv) >= 2,
			name == "loadmodule" && len(argv) >= 2:
		case strings.Contains(name, "."):
			if len(argv) != 2 {
				return fail("Module config specified without value")
			}
		case name == "sentinel":
			if len(argv) != 1 {
				return fail("sentinel directive while not in sentinel mode")
			}
			continue
		default:
			return fail("Bad directive or wrong number of arguments")
		}
		c.mu.directives = append(c.mu.directives, d)
		if h := c.mu.handlers[name]; h != nil {
			if err := h(d); err != nil {
				return fail(err.Error())
			}
		} else {
			c.mu.warnings = append(c.mu.warnings, fmt.Sprintf(
				"%s: directive '%s' is not supported by Redwing and was ignored", where(file, linenum), name))
		}
	}
	return nil
}

func where(file string, line int) string {
	if file == "" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// includeLocked loads an included file, or every file matching a glob
// pattern (no match is not an error).
func (c *Config) includeLocked(path string, depth int) error {
	full := c.absPath(path)
	var files []string
	if strings.ContainsAny(path, "*?[") {
		m, err := filepath.Glob(full)
		if err != nil {
			return nil
		}
		files = m
	} else {
		files = []string{full}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			shown := f
			if !strings.ContainsAny(path, "*?[") {
				shown = path
			}
			return &OpenError{Path: shown, Err: err}
		}
		if err := c.parseTextLocked(f, string(data), depth); err != nil {
			return err
		}
	}
	return nil
}
