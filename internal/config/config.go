package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// RedisVersion is the version printed in fatal config file errors.
var RedisVersion = "7.2.5"

// Error is a reply error whose text (with its "ERR " prefix) is Redis's.
type Error string

func (e Error) Error() string { return string(e) }

// value is one immutable snapshot of a parameter's value. Readers load it
// with one atomic pointer load.
type value struct {
	s   string // CONFIG GET form
	n   int64  // Int(): number, bool 0/1, enum value, keyspace flags
	raw int64  // numeric bits as stored by Redis (uint64 for Unsigned, -N for N%)
	x   any    // parsed form of special parameters
}

// Param is a handle on one parameter for hot paths: it skips the name lookup.
type Param struct {
	spec  *Spec
	cur   atomic.Pointer[value]
	def   *value
	hooks []func(string) error // guarded by Config.mu
}

// nameRef is a name (primary or alias) in the shared lookup table.
type nameRef struct {
	name  string
	idx   int // index in specs and Config.params
	alias bool
}

// entry is a looked-up name with its parameter in one Config.
type entry struct {
	*nameRef
	p *Param
}

// Config is the server configuration. Reads (String, Int, Bool, Get) are
// lock free; writers (Set, Load*, ApplyArgs, Rewrite, OnChange) serialise on
// an internal mutex. It is safe for concurrent use.
type Config struct {
	params []*Param            // table order, primary names only
	index  map[string]*nameRef // shared, read-only: lower-case name or alias
	cache  sync.Map            // Cached

	mu struct {
		sync.Mutex
		file       string // absolute path of the main config file, "" if none
		warnings   []string
		directives []Directive
		handlers   map[string]func(d Directive) error
		rewriters  map[string]func() []string
		saveLoaded bool
		loading    bool
	}
}

// Directive is a config file line that is not a parameter (user,
// rename-command, loadmodule, sentinel, module.option). They are recorded in
// order for the packages that own them.
type Directive struct {
	Name string
	Args []string
	File string // "" for command-line options or LoadReader
	Line int
}

// sharedTable is built once: the name index and the default values, which
// are immutable and shared by every Config.
type sharedTable struct {
	index    map[string]*nameRef
	defaults []*value
}

var shared = sync.OnceValue(func() *sharedTable {
	st := &sharedTable{index: make(map[string]*nameRef, 2*len(specs)), defaults: make([]*value, len(specs))}
	for i := range specs {
		sp := &specs[i]
		st.index[sp.Name] = &nameRef{name: sp.Name, idx: i}
		if sp.Alias != "" {
			st.index[sp.Alias] = &nameRef{name: sp.Alias, idx: i, alias: true}
		}
	}
	c := newBare(st.index)
	for i, p := range c.params {
		sp := p.spec
		v := &value{}
		if sp.Name != "dir" {
			var msg string
			v, msg = c.parse(p, defaultArgs(sp), false, nil)
			if msg != "" {
				panic(fmt.Sprintf("config: bad default for %s: %s", sp.Name, msg))
			}
		}
		p.cur.Store(v)
		st.defaults[i] = v
	}
	return st
})

func newBare(index map[string]*nameRef) *Config {
	c := &Config{index: index, params: make([]*Param, len(specs))}
	ps := make([]Param, len(specs))
	for i := range specs {
		ps[i].spec = &specs[i]
		c.params[i] = &ps[i]
	}
	c.mu.handlers = map[string]func(Directive) error{}
	c.mu.rewriters = map[string]func() []string{}
	return c
}

// New returns a configuration with every parameter at its Redis default
// (dir is the current working directory).
func New() *Config {
	st := shared()
	c := newBare(st.index)
	for i, p := range c.params {
		p.def = st.defaults[i]
		if p.spec.Name == "dir" {
			wd, err := os.Getwd()
			if err != nil {
				wd = "/"
			}
			p.def = &value{s: wd}
		}
		p.cur.Store(p.def)
	}
	return c
}

func defaultArgs(sp *Spec) []string {
	if sp.Flags&MultiArg != 0 {
		if sp.Default == "" {
			return nil
		}
		return strings.Split(sp.Default, " ")
	}
	return []string{sp.Default}
}

// Cached returns the value build made for key the first time it was asked
// on this configuration: hot paths resolve parameter handles once
// instead of looking names up on every command.
func (c *Config) Cached(key any, build func() any) any {
	if v, ok := c.cache.Load(key); ok {
		return v
	}
	v, _ := c.cache.LoadOrStore(key, build())
	return v
}

func (c *Config) lookup(name string) entry {
	r, ok := c.index[name]
	if !ok {
		if r, ok = c.index[strings.ToLower(name)]; !ok {
			return entry{}
		}
	}
	return entry{r, c.params[r.idx]}
}

// Param returns the handle of a parameter (by name or alias, any case), or
// nil if there is none.
func (c *Config) Param(name string) *Param {
	if e := c.lookup(name); e.p != nil {
		return e.p
	}
	return nil
}

// Name is the parameter's primary name.
func (p *Param) Name() string { return p.spec.Name }

// Spec is the parameter's table row.
func (p *Param) Spec() *Spec { return p.spec }

// String returns the value as CONFIG GET shows it.
func (p *Param) String() string { return p.cur.Load().s }

// Int returns the numeric value: bytes for memory values (a percentage N%
// of maxmemory-clients is -N), 0/1 for bools, the enum value for enums, the
// flag bits for notify-keyspace-events. Unsigned values above MaxInt64 are
// clamped to MaxInt64.
func (p *Param) Int() int64 { return p.cur.Load().n }

// Bool reports whether the value is set: yes for bools, non-zero for
// numbers, non-empty for strings, anything but the first name ("no",
// "disabled", ...) for enums.
func (p *Param) Bool() bool {
	v := p.cur.Load()
	switch p.spec.Kind {
	case KindString:
		return v.s != ""
	case KindSpecial:
		return v.s != "" || v.n != 0
	}
	return v.n != 0
}

// String returns the value of a parameter as CONFIG GET shows it, or "" for
// an unknown name.
func (c *Config) String(name string) string {
	if e := c.lookup(name); e.p != nil {
		return e.p.cur.Load().s
	}
	return ""
}

// Int returns the numeric value of a parameter (see Param.Int), or 0.
func (c *Config) Int(name string) int64 {
	if e := c.lookup(name); e.p != nil {
		return e.p.cur.Load().n
	}
	return 0
}

// Uint returns the value of an unsigned numeric parameter without clamping.
func (c *Config) Uint(name string) uint64 {
	if e := c.lookup(name); e.p != nil {
		return uint64(e.p.cur.Load().raw)
	}
	return 0
}

// Bool returns the truth of a parameter (see Param.Bool), or false.
func (c *Config) Bool(name string) bool {
	if e := c.lookup(name); e.p != nil {
		return e.p.Bool()
	}
	return false
}

// Names returns every primary parameter name in table order.
func (c *Config) Names() []string {
	out := make([]string, len(c.params))
	for i, p := range c.params {
		out[i] = p.spec.Name
	}
	return out
}

// Canonical returns the primary name for a name or alias (any case).
func (c *Config) Canonical(name string) (string, bool) {
	if e := c.lookup(name); e.p != nil {
		return e.p.spec.Name, true
	}
	return "", false
}

// IsSensitive reports whether CONFIG SET arguments for name must be redacted.
func (c *Config) IsSensitive(name string) bool {
	e := c.lookup(name)
	return e.p != nil && e.p.spec.Flags&Sensitive != 0
}

// SaveParam is one "save <seconds> <changes>" point.
type SaveParam struct {
	Seconds int64
	Changes int64
}

// SaveParams returns the snapshotting points.
func (c *Config) SaveParams() []SaveParam {
	v, _ := c.Param("save").cur.Load().x.([]SaveParam)
	return append([]SaveParam(nil), v...)
}

// BufferLimit is one client-output-buffer-limit class.
type BufferLimit struct {
	Hard, Soft  uint64
	SoftSeconds int64
}

// Client classes of client-output-buffer-limit.
const (
	ClassNormal = iota
	ClassReplica
	ClassPubsub
)

// OutputBufferLimits returns the limits for normal, replica and pubsub clients.
func (c *Config) OutputBufferLimits() [3]BufferLimit {
	v, _ := c.Param("client-output-buffer-limit").cur.Load().x.([3]BufferLimit)
	return v
}

// BindAddrs returns the bind addresses.
func (c *Config) BindAddrs() []string {
	v, _ := c.Param("bind").cur.Load().x.([]string)
	return append([]string(nil), v...)
}

// LatencyPercentiles returns latency-tracking-info-percentiles.
func (c *Config) LatencyPercentiles() []float64 {
	v, _ := c.Param("latency-tracking-info-percentiles").cur.Load().x.([]float64)
	return append([]float64(nil), v...)
}

// ReplicaOf returns the configured master, if any.
func (c *Config) ReplicaOf() (host string, port int, ok bool) {
	v, _ := c.Param("replicaof").cur.Load().x.(*replicaOf)
	if v == nil {
		return "", 0, false
	}
	return v.host, v.port, true
}

// ConfigFile returns the absolute path of the loaded config file, or "".
func (c *Config) ConfigFile() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.file
}

// Warnings returns the warnings collected while loading configuration.
func (c *Config) Warnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.mu.warnings...)
}

// Directives returns the non-parameter directives met while loading.
func (c *Config) Directives() []Directive {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Directive(nil), c.mu.directives...)
}

// HandleDirective registers fn for a non-parameter directive (for example
// "user" or "rename-command") met in later loads; an error it returns becomes
// the fatal config error for that line. Unhandled directives are recorded
// and produce a warning.
func (c *Config) HandleDirective(name string, fn func(d Directive) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.handlers[strings.ToLower(name)] = fn
}

// RewriteDirective registers fn to produce the lines of a non-parameter
// directive (such as "user") on CONFIG REWRITE; old lines of that directive
// are replaced by them. Without it such lines are kept as they are.
func (c *Config) RewriteDirective(name string, fn func() []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.rewriters[strings.ToLower(name)] = fn
}

// OnChange registers an apply hook for a parameter. CONFIG SET calls it with
// the new value (CONFIG GET form) after storing every new value; returning
// an error rolls the whole CONFIG SET back and makes it fail with
// "ERR CONFIG SET failed (possibly related to argument '<name>') - <err>".
// Hooks are not called for loads from files or arguments. Hooks run with
// the configuration's write lock held: they may read values but must not
// call Set.
func (c *Config) OnChange(name string, fn func(value string) error) {
	p := c.Param(name)
	if p == nil {
		panic("config: OnChange for unknown parameter " + name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p.hooks = append(p.hooks, fn)
}

// Texts for apply hooks to return, as Redis words them.
const (
	MsgUnableToListen = "Unable to listen on this port. Check server logs."
	MsgBindFailed     = "Failed to bind to specified addresses."
	MsgAOFStartFailed = "Unable to turn on AOF. Check server logs."
	MsgTLSConfigure   = "Unable to update TLS configuration. Check server logs."
)

// SetInternal sets a parameter from config-file style arguments, bypassing
// the Immutable and Protected checks and the hooks: for the server's own
// updates, such as REPLICAOF changing replicaof. It returns Redis's reason
// text on a bad value.
func (c *Config) SetInternal(name string, args ...string) error {
	e := c.lookup(name)
	if e.p == nil {
		return errors.New("Bad directive or wrong number of arguments")
	}
	if e.p.spec.Flags&MultiArg == 0 && len(args) != 1 {
		return errors.New("wrong number of arguments")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, msg := c.parse(e.p, args, false, e.p.cur.Load())
	if msg != "" {
		return errors.New(msg)
	}
	e.p.cur.Store(v)
	return nil
}

// SetLoading marks the server as loading a dataset; CONFIG SET of
// DenyLoading parameters then fails with a LOADING error.
func (c *Config) SetLoading(loading bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mu.loading = loading
}

// Get implements CONFIG GET for one pattern. See GetMulti.
func (c *Config) Get(pattern string) [][2]string {
	return c.GetMulti(pattern)
}

// GetMulti implements CONFIG GET: a pattern without * ? [ is looked up
// exactly (name or alias, any case) and answered under the spelling asked
// for; other patterns are matched with Redis's glob rules, case-insensitive,
// against all names and aliases except hidden parameters. A parameter name
// already answered is not repeated. Results are sorted by name (Redis
// returns hash-table order, which clients must not rely on).
func (c *Config) GetMulti(patterns ...string) [][2]string {
	seen := map[string]bool{}
	var out [][2]string
	add := func(key string, p *Param) {
		out = append(out, [2]string{key, p.cur.Load().s})
		seen[strings.ToLower(key)] = true
	}
	for _, pat := range patterns {
		if !strings.ContainsAny(pat, "[*?") {
			if seen[strings.ToLower(pat)] {
				continue
			}
			if e := c.lookup(pat); e.p != nil {
				add(pat, e.p)
			}
			continue
		}
		for name, r := range c.index {
			p := c.params[r.idx]
			if p.spec.Flags&Hidden != 0 || seen[name] {
				continue
			}
			if Match(pat, name, true) {
				add(name, p)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// SetOptions carry the context of a CONFIG SET.
type SetOptions struct {
	// LocalClient is true for a client on a unix socket or loopback
	// address; with enable-protected-configs "local" it may set Protected
	// parameters.
	LocalClient bool
}

// Set implements CONFIG SET name value [name value ...] for a remote client.
func (c *Config) Set(pairs ...string) error {
	return c.SetWith(SetOptions{}, pairs...)
}

// SetWith implements CONFIG SET: every name is checked first, then all
// values are parsed and stored, then the apply hooks run; any failure
// restores every old value. Errors carry Redis 7's exact text.
func (c *Config) SetWith(opt SetOptions, pairs ...string) error {
	if len(pairs) < 2 {
		return Error("ERR wrong number of arguments for 'config|set' command")
	}
	if len(pairs)%2 != 0 {
		return Error("ERR syntax error")
	}
	c.mu.Lock()
	defer c.mu.Unlock()

	n := len(pairs) / 2
	ents := make([]entry, n)
	var unknown, errName, errStr string
	invalid, denyLoading := false, false
	for i := 0; i < n; i++ {
		name := pairs[2*i]
		e := c.lookup(name)
		if e.p == nil {
			if !invalid {
				unknown = name
				invalid = true
			}
			continue
		}
		if invalid {
			continue
		}
		fl := e.p.spec.Flags
		if fl&Immutable != 0 || (fl&Protected != 0 && !c.allowProtected(opt)) {
			errStr = "can't set protected config"
			if fl&Immutable != 0 {
				errStr = "can't set immutable config"
			}
			errName = name
			invalid = true
			continue
		}
		if c.mu.loading && fl&DenyLoading != 0 {
			denyLoading = true
			invalid = true
			continue
		}
		for j := 0; j < i; j++ {
			if ents[j].nameRef == e.nameRef {
				errStr = "duplicate parameter"
				errName = name
				invalid = true
				break
			}
		}
		ents[i] = e
	}
	if invalid {
		switch {
		case denyLoading:
			return Error("LOADING Redis is loading the dataset in memory")
		case unknown != "":
			return Error("ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'")
		}
		return setFailed(errName, errStr)
	}

	old := make([]*value, n)
	for i, e := range ents {
		old[i] = e.p.cur.Load()
	}
	restore := func(upto int) {
		for i := upto; i >= 0; i-- {
			ents[i].p.cur.Store(old[i])
		}
	}
	changed := make([]bool, n)
	for i, e := range ents {
		var args []string
		if e.p.spec.Flags&MultiArg != 0 {
			args = splitSpace(pairs[2*i+1])
		} else {
			args = []string{pairs[2*i+1]}
		}
		v, msg := c.parse(e.p, args, false, e.p.cur.Load())
		if msg != "" {
			restore(i)
			return setFailed(e.name, msg)
		}
		changed[i] = v.s != e.p.cur.Load().s
		e.p.cur.Store(v)
	}
	// Apply hooks of changed parameters, each parameter once.
	applied := map[*Param]bool{}
	var ran []int
	for i, e := range ents {
		if !changed[i] || applied[e.p] || len(e.p.hooks) == 0 {
			continue
		}
		applied[e.p] = true
		ran = append(ran, i)
		for _, h := range e.p.hooks {
			if err := h(e.p.cur.Load().s); err != nil {
				restore(n - 1)
				for _, k := range ran {
					for _, h2 := range ents[k].p.hooks {
						_ = h2(ents[k].p.cur.Load().s)
					}
				}
				return setFailed(e.name, err.Error())
			}
		}
	}
	return nil
}

func (c *Config) allowProtected(opt SetOptions) bool {
	switch c.Param("enable-protected-configs").cur.Load().n {
	case 1: // yes
		return true
	case 2: // local
		return opt.LocalClient
	}
	return false
}

func setFailed(name, msg string) error {
	if msg == "" {
		return Error("ERR CONFIG SET failed (possibly related to argument '" + name + "')")
	}
	return Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + msg)
}

// splitSpace splits on every single space, like sdssplitlen(v, " "): runs of
// spaces give empty arguments and the empty string gives none.
func splitSpace(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// parse turns arguments into a value for p. cur is the current value (nil
// while building defaults); loading is true for config files and arguments.
// It returns Redis's error text on failure.
func (c *Config) parse(p *Param, args []string, loading bool, cur *value) (*value, string) {
	sp := p.spec
	switch sp.Kind {
	case KindBool:
		var v *value
		switch strings.ToLower(args[0]) {
		case "yes":
			v = &value{s: "yes", n: 1, raw: 1}
		case "no":
			v = &value{s: "no"}
		default:
			return nil, "argument must be 'yes' or 'no'"
		}
		if sp.Check != nil {
			if msg := sp.Check(c, v.s); msg != "" {
				return nil, msg
			}
		}
		return v, ""
	case KindEnum:
		if sp.Flags&BitFlags != 0 {
			flags, ok := 0, len(args) > 0
			for _, a := range args {
				found := false
				for _, it := range sp.Enum {
					if strings.EqualFold(it.Name, a) {
						flags |= it.Value
						found = true
						break
					}
				}
				ok = ok && found
			}
			if ok {
				if flags&ShutdownSave != 0 && flags&ShutdownNoSave != 0 {
					return nil, "shutdown options SAVE and NOSAVE can't be used simultaneously"
				}
				return enumValue(sp, flags), ""
			}
		} else {
			for _, it := range sp.Enum {
				if strings.EqualFold(it.Name, args[0]) {
					return enumValue(sp, it.Value), ""
				}
			}
		}
		var b strings.Builder
		b.WriteString("argument(s) must be one of the following: ")
		for i, it := range sp.Enum {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(it.Name)
		}
		msg := b.String()
		if len(msg) > 255 {
			msg = msg[:255]
		}
		return nil, msg
	case KindString:
		if sp.Check != nil {
			if msg := sp.Check(c, args[0]); msg != "" {
				return nil, msg
			}
		}
		return &value{s: args[0]}, ""
	case KindInt:
		return parseNumeric(sp, args[0])
	case KindSpecial:
		return sp.special.parse(c, args, loading, cur)
	}
	return nil, "unknown parameter kind"
}

func enumValue(sp *Spec, val int) *value {
	if sp.Flags&BitFlags != 0 && val != 0 {
		var parts []string
		rest := val
		for _, it := range sp.Enum {
			if it.Value != 0 && rest&it.Value == it.Value {
				parts = append(parts, it.Name)
				rest &^= it.Value
			}
		}
		return &value{s: strings.Join(parts, " "), n: int64(val), raw: int64(val)}
	}
	for _, it := range sp.Enum {
		if it.Value == val {
			return &value{s: it.Name, n: int64(val), raw: int64(val)}
		}
	}
	return &value{s: "unknown", n: int64(val), raw: int64(val)}
}

func parseNumeric(sp *Spec, s string) (*value, string) {
	var ll int64
	ok := false
	if sp.Flags&Memory != 0 {
		if u, good := ParseMemory(s); good {
			ll, ok = int64(u), true
		}
	}
	if !ok && sp.Flags&Percent != 0 && len(s) > 1 && s[len(s)-1] == '%' {
		if v, good := parseStrictInt(s[:len(s)-1]); good && v >= 0 {
			ll, ok = -v, true
		}
	}
	if !ok && sp.Flags&Octal != 0 {
		if v, full, erange := strtoll(s, 8); full && !erange {
			ll, ok = v, true
		}
	}
	if !ok && sp.Flags&(Memory|Percent|Octal) == 0 {
		ll, ok = parseStrictInt(s)
	}
	if !ok {
		switch {
		case sp.Flags&Memory != 0 && sp.Flags&Percent != 0:
			return nil, "argument must be a memory or percent value"
		case sp.Flags&Memory != 0:
			return nil, "argument must be a memory value"
		case sp.Flags&Octal != 0:
			return nil, "argument couldn't be parsed as an octal number"
		}
		return nil, "argument couldn't be parsed into an integer"
	}
	// Bounds, as numericBoundaryCheck.
	if sp.Flags&Unsigned != 0 {
		u, lo, hi := uint64(ll), uint64(sp.Min), uint64(sp.Max)
		if u > hi || u < lo {
			if sp.Flags&Octal != 0 {
				return nil, fmt.Sprintf("argument must be between %o and %o inclusive", lo, hi)
			}
			return nil, fmt.Sprintf("argument must be between %d and %d inclusive", lo, hi)
		}
	} else if sp.Flags&Percent != 0 && ll < 0 {
		if ll < sp.Min {
			return nil, fmt.Sprintf("percentage argument must be less or equal to %d", -sp.Min)
		}
	} else if ll > sp.Max || ll < sp.Min {
		return nil, fmt.Sprintf("argument must be between %d and %d inclusive", sp.Min, sp.Max)
	}
	switch sp.Name {
	case "hz":
		// Redis accepts any hz but clamps it to [1, 500].
		ll = min(max(ll, 1), 500)
	case "repl-backlog-size":
		// resizeReplicationBacklog raises it to CONFIG_REPL_BACKLOG_MIN_SIZE.
		ll = max(ll, 16*1024)
	}
	v := &value{raw: ll, n: ll}
	switch {
	case sp.Flags&Percent != 0 && ll < 0:
		v.s = strconv.FormatInt(-ll, 10) + "%"
	case sp.Flags&Memory != 0:
		v.s = strconv.FormatUint(uint64(ll), 10)
	case sp.Flags&Octal != 0:
		v.s = strconv.FormatInt(ll, 8)
	default:
		v.s = strconv.FormatInt(ll, 10)
	}
	if sp.Flags&Unsigned != 0 && ll < 0 {
		v.n = math.MaxInt64
	}
	return v, ""
}

// pathIsBaseName is Redis's check that a name has no directory part.
func pathIsBaseName(s string) bool {
	return !strings.ContainsAny(s, "/\\")
}

func checkDBFilename(_ *Config, v string) string {
	if !pathIsBaseName(v) {
		return "dbfilename can't be a path, just a filename"
	}
	return ""
}

func checkAOFFilename(_ *Config, v string) string {
	if v == "" {
		return "appendfilename can't be empty"
	}
	if !pathIsBaseName(v) {
		return "appendfilename can't be a path, just a filename"
	}
	return ""
}

func checkAOFDirname(_ *Config, v string) string {
	if v == "" {
		return "appenddirname can't be empty"
	}
	if !pathIsBaseName(v) {
		return "appenddirname can't be a path, just a dirname"
	}
	return ""
}

func checkHostname(_ *Config, v string) string {
	if len(v) >= 256 {
		return "Hostnames must be less than 256 characters"
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if !((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.') {
			return "Hostnames may only contain alphanumeric characters, hyphens or dots"
		}
	}
	return ""
}

// checkProcTitle validates a proc-title-template the way Redis expands it:
// {{ is a literal brace, {name} must be a known variable, and the expansion
// with an empty title must not be blank.
func checkProcTitle(c *Config, v string) string {
	const bad = "template format is invalid or contains unknown variables"
	var out strings.Builder
	p := v
	for len(p) > 0 {
		i := strings.IndexByte(p, '{')
		if i < 0 {
			out.WriteString(p)
			break
		}
		out.WriteString(p[:i])
		p = p[i+1:]
		if p == "" {
			return bad
		}
		if p[0] == '{' {
			out.WriteByte('{')
			p = p[1:]
			continue
		}
		j := strings.IndexByte(p, '}')
		if j < 0 {
			return bad
		}
		switch p[:j] {
		case "title", "server-mode":
		case "listen-addr", "port", "tls-port":
			out.WriteString("x")
		case "unixsocket":
			if v := c.Param("unixsocket").cur.Load(); v != nil {
				out.WriteString(v.s)
			}
		case "config-file":
			out.WriteString(c.mu.file) // callers hold c.mu
		default:
			return bad
		}
		p = p[j+1:]
	}
	if strings.Trim(out.String(), " ") == "" {
		return bad
	}
	return ""
}

// absPath resolves a path against the configured dir.
func (c *Config) absPath(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(c.String("dir"), path)
}

// LogFile returns the path of the logfile directive, resolved against dir
// as Redis (which runs in dir) resolves it; "" logs to standard output.
func (c *Config) LogFile() string {
	if lf := c.String("logfile"); lf != "" {
		return c.absPath(lf)
	}
	return ""
}
