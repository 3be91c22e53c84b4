package commands

import (
	"sort"
	"strings"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/glob"
	"github.com/redwingdb/redwing/internal/resp"
)

// COMMAND and its subcommands describe the commands this server has
// registered, from the declarative command table. Redis iterates a hash
// table; Redwing lists commands (and subcommands) sorted by name.

func init() {
	engine.Register("command|count", cmdCommandCount)
	engine.Register("command|info", cmdCommandInfo)
	engine.Register("command|docs", cmdCommandDocs)
	engine.Register("command|list", cmdCommandList)
	engine.Register("command|getkeys", cmdCommandGetKeys)
	engine.Register("command|getkeysandflags", cmdCommandGetKeysAndFlags)
	engine.Register("command|help", cmdCommandHelp)
	engine.Register("command", cmdCommand)
}

// cmdinfoSorted returns the registered top-level commands sorted by name.
func cmdinfoSorted(e *engine.Engine) []*engine.Command {
	m := e.Commands()
	out := make([]*engine.Command, 0, len(m))
	for _, cmd := range m {
		out = append(out, cmd)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.Name < out[j].Spec.Name })
	return out
}

// cmdinfoSubs returns a container's registered subcommands sorted by name.
func cmdinfoSubs(cmd *engine.Command) []*engine.Command {
	out := make([]*engine.Command, 0, len(cmd.Subs))
	for _, sc := range cmd.Subs {
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.Name < out[j].Spec.Name })
	return out
}

// cmdinfoLookup finds a registered command by its full name ("get",
// "client|list"), case-insensitively, as Redis's lookupCommandBySds: a
// name with a subcommand part must name a registered subcommand.
func cmdinfoLookup(e *engine.Engine, name []byte) *engine.Command {
	if len(name) == 0 {
		return nil
	}
	parent, sub, isSub := strings.Cut(string(name), "|")
	if isSub && strings.Contains(sub, "|") {
		return nil
	}
	cmd := e.Lookup([]byte(parent))
	if cmd == nil || !isSub {
		return cmd
	}
	if cmd.Subs == nil {
		return nil
	}
	return cmd.Subs[strings.ToLower(sub)]
}

// COMMAND
func cmdCommand(c *engine.Ctx) {
	all := cmdinfoSorted(c.E)
	c.W.Array(len(all))
	for _, cmd := range all {
		cmdinfoWrite(c.W, cmd)
	}
}

// COMMAND COUNT
func cmdCommandCount(c *engine.Ctx) { c.W.Int(int64(len(c.E.Commands()))) }

// COMMAND INFO [command-name [command-name ...]]
func cmdCommandInfo(c *engine.Ctx) {
	if len(c.Argv) == 2 {
		cmdCommand(c)
		return
	}
	c.W.Array(len(c.Argv) - 2)
	for _, name := range c.Argv[2:] {
		if cmd := cmdinfoLookup(c.E, name); cmd != nil {
			cmdinfoWrite(c.W, cmd)
		} else {
			c.W.Null()
		}
	}
}

// cmdinfoWrite writes one COMMAND INFO entry: name, arity, flags, first
// key, last key, step, ACL categories, tips, key specs, subcommands.
func cmdinfoWrite(w *resp.Writer, cmd *engine.Command) {
	s := cmd.Spec
	w.Array(10)
	w.BulkString(s.Name)
	w.Int(int64(s.Arity))
	cmdinfoStatusSet(w, s.Flags.Names())
	w.Int(int64(s.FirstKey))
	w.Int(int64(s.LastKey))
	w.Int(int64(s.Step))
	cmdinfoStatusSet(w, s.Cats.Names())
	w.Set(len(s.Tips))
	for _, t := range s.Tips {
		w.BulkString(t)
	}
	w.Set(len(s.KeySpecs))
	for i := range s.KeySpecs {
		cmdinfoWriteKeySpec(w, &s.KeySpecs[i])
	}
	if len(cmd.Subs) == 0 {
		w.Set(0)
		return
	}
	subs := cmdinfoSubs(cmd)
	w.Array(len(subs))
	for _, sc := range subs {
		cmdinfoWrite(w, sc)
	}
}

// cmdinfoStatusSet writes names as a set of status replies.
func cmdinfoStatusSet(w *resp.Writer, names []string) {
	w.Set(len(names))
	for _, n := range names {
		w.Simple(n)
	}
}

func cmdinfoWriteKeySpec(w *resp.Writer, ks *command.KeySpec) {
	if ks.Notes != "" {
		w.Map(4)
		w.BulkString("notes")
		w.BulkString(ks.Notes)
	} else {
		w.Map(3)
	}
	w.BulkString("flags")
	cmdinfoStatusSet(w, ks.Flags)

	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	switch {
	case ks.BeginIndex > 0:
		w.BulkString("index")
		w.BulkString("spec")
		w.Map(1)
		w.BulkString("index")
		w.Int(int64(ks.BeginIndex))
	case ks.BeginKeyword != "":
		w.BulkString("keyword")
		w.BulkString("spec")
		w.Map(2)
		w.BulkString("keyword")
		w.BulkString(ks.BeginKeyword)
		w.BulkString("startfrom")
		w.Int(int64(ks.BeginKeywordPos))
	default:
		w.BulkString("unknown")
		w.BulkString("spec")
		w.Map(0)
	}

	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	switch {
	case ks.FindUnknown:
		w.BulkString("unknown")
		w.BulkString("spec")
		w.Map(0)
	case ks.FindKeynum:
		w.BulkString("keynum")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("keynumidx")
		w.Int(int64(ks.KeyNumIdx))
		w.BulkString("firstkey")
		w.Int(int64(ks.FirstKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
	default:
		w.BulkString("range")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("lastkey")
		w.Int(int64(ks.LastKey))
		w.BulkString("keystep")
		w.Int(int64(ks.KeyStep))
		w.BulkString("limit")
		w.Int(int64(ks.Limit))
	}
}

// COMMAND DOCS [command-name [command-name ...]]
func cmdCommandDocs(c *engine.Ctx) {
	w := c.W
	if len(c.Argv) == 2 {
		all := cmdinfoSorted(c.E)
		w.Map(len(all))
		for _, cmd := range all {
			w.BulkString(cmd.Spec.Name)
			cmdinfoWriteDocs(w, cmd)
		}
		return
	}
	var found []*engine.Command
	for _, name := range c.Argv[2:] {
		if cmd := cmdinfoLookup(c.E, name); cmd != nil {
			found = append(found, cmd)
		}
	}
	w.Map(len(found))
	for _, cmd := range found {
		w.BulkString(cmd.Spec.Name)
		cmdinfoWriteDocs(w, cmd)
	}
}

// cmdinfoWriteDocs writes one COMMAND DOCS entry, with the fields Redis 7.0
// has, in its order. Summaries, complexity notes and history descriptions
// are our own (package command's summaries.go, complexity.go, history.go).
func cmdinfoWriteDocs(w *resp.Writer, cmd *engine.Command) {
	s := cmd.Spec
	n := 3
	if s.Complexity != "" {
		n++
	}
	if len(s.DocFlags) > 0 {
		n++
	}
	if s.DeprecatedSince != "" {
		n++
	}
	if s.ReplacedBy != "" {
		n++
	}
	if len(s.History) > 0 {
		n++
	}
	if len(s.Args) > 0 {
		n++
	}
	if len(cmd.Subs) > 0 {
		n++
	}
	w.Map(n)
	w.BulkString("summary")
	w.BulkString(s.Summary)
	w.BulkString("since")
	w.BulkString(s.Since)
	w.BulkString("group")
	w.BulkString(s.Group)
	if s.Complexity != "" {
		w.BulkString("complexity")
		w.BulkString(s.Complexity)
	}
	if len(s.DocFlags) > 0 {
		w.BulkString("doc_flags")
		cmdinfoStatusSet(w, s.DocFlags)
	}
	if s.DeprecatedSince != "" {
		w.BulkString("deprecated_since")
		w.BulkString(s.DeprecatedSince)
	}
	if s.ReplacedBy != "" {
		w.BulkString("replaced_by")
		w.BulkString(s.ReplacedBy)
	}
	if len(s.History) > 0 {
		w.BulkString("history")
		w.Set(len(s.History))
		for _, h := range s.History {
			w.Array(2)
			w.BulkString(h.Version)
			w.BulkString(h.Change)
		}
	}
	if len(s.Args) > 0 {
		w.BulkString("arguments")
		cmdinfoWriteArgs(w, s.Args)
	}
	if len(cmd.Subs) > 0 {
		subs := cmdinfoSubs(cmd)
		w.BulkString("subcommands")
		w.Map(len(subs))
		for _, sc := range subs {
			w.BulkString(sc.Spec.Name)
			cmdinfoWriteDocs(w, sc)
		}
	}
}

func cmdinfoWriteArgs(w *resp.Writer, args []command.Arg) {
	w.Array(len(args))
	for i := range args {
		a := &args[i]
		nested := a.Type == "oneof" || a.Type == "block"
		n := 2
		if a.DisplayText != "" {
			n++
		}
		if a.KeySpecIndex >= 0 {
			n++
		}
		if a.Token != "" {
			n++
		}
		if a.Summary != "" {
			n++
		}
		if a.Since != "" {
			n++
		}
		if a.DeprecatedSince != "" {
			n++
		}
		if len(a.Flags) > 0 {
			n++
		}
		if a.Value != "" {
			n++
		}
		if nested {
			n++
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.Name)
		w.BulkString("type")
		w.BulkString(a.Type)
		if a.DisplayText != "" {
			w.BulkString("display_text")
			w.BulkString(a.DisplayText)
		}
		if a.KeySpecIndex >= 0 {
			w.BulkString("key_spec_index")
			w.Int(int64(a.KeySpecIndex))
		}
		if a.Token != "" {
			w.BulkString("token")
			w.BulkString(a.Token)
		}
		if a.Summary != "" {
			w.BulkString("summary")
			w.BulkString(a.Summary)
		}
		if a.Since != "" {
			w.BulkString("since")
			w.BulkString(a.Since)
		}
		if a.DeprecatedSince != "" {
			w.BulkString("deprecated_since")
			w.BulkString(a.DeprecatedSince)
		}
		if len(a.Flags) > 0 {
			w.BulkString("flags")
			cmdinfoStatusSet(w, a.Flags)
		}
		if a.Value != "" {
			w.BulkString("value")
			w.BulkString(a.Value)
		}
		if nested {
			w.BulkString("arguments")
			cmdinfoWriteArgs(w, a.Args)
		}
	}
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
func cmdCommandList(c *engine.Ctx) {
	var filter func(*command.Spec) bool // reports whether to list the command
	for i := 2; i < len(c.Argv); i += 3 {
		if !eqFold(c.Argv[i], "FILTERBY") || len(c.Argv)-1-i != 2 {
			c.Err(errs.Syntax)
			return
		}
		typ, arg := c.Argv[i+1], string(c.Argv[i+2])
		switch {
		case eqFold(typ, "MODULE"):
			filter = func(*command.Spec) bool { return false } // no modules
		case eqFold(typ, "ACLCAT"):
			cat, ok := command.ParseCategory(arg)
			filter = func(s *command.Spec) bool { return ok && s.Cats&cat != 0 }
		case eqFold(typ, "PATTERN"):
			filter = func(s *command.Spec) bool { return glob.MatchString(arg, s.Name, true) }
		default:
			c.Err(errs.Syntax)
			return
		}
	}
	var names []string
	var add func(cmd *engine.Command)
	add = func(cmd *engine.Command) {
		if filter == nil || filter(cmd.Spec) {
			names = append(names, cmd.Spec.Name)
		}
		if len(cmd.Subs) > 0 {
			for _, sc := range cmdinfoSubs(cmd) {
				add(sc)
			}
		}
	}
	for _, cmd := range cmdinfoSorted(c.E) {
		add(cmd)
	}
	c.W.StringArray(names)
}

// COMMAND GETKEYS command [arg [arg ...]]
func cmdCommandGetKeys(c *engine.Ctx) { cmdinfoGetKeys(c, false) }

// COMMAND GETKEYSANDFLAGS command [arg [arg ...]]
func cmdCommandGetKeysAndFlags(c *engine.Ctx) { cmdinfoGetKeys(c, true) }

const (
	cmdinfoErrInvalidCmd   = "ERR Invalid command specified"
	cmdinfoErrNoKeys       = "ERR The command has no key arguments"
	cmdinfoErrArgCount     = "ERR Invalid number of arguments specified for command"
	cmdinfoErrInvalidArgs  = "ERR Invalid arguments specified for command"
	cmdinfoKeyFlagNotKey   = "not_key"
	cmdinfoKeyFlagVariable = "variable_flags"
)

// cmdinfoGetKeys is Redis's getKeysSubcommandImpl over the registered
// commands.
func cmdinfoGetKeys(c *engine.Ctx, withFlags bool) {
	argv := c.Argv[2:]
	top := c.E.Lookup(argv[0])
	if top == nil {
		c.ErrString(cmdinfoErrInvalidCmd)
		return
	}
	cmd := top
	if len(argv) > 1 && len(top.Subs) > 0 {
		cmd = top.Subs[strings.ToLower(string(argv[1]))]
		if cmd == nil {
			c.ErrString(cmdinfoErrInvalidCmd)
			return
		}
	}
	s := cmd.Spec
	if !s.HasKeys() {
		c.ErrString(cmdinfoErrNoKeys)
		return
	}
	if !s.CheckArity(len(argv)) {
		c.ErrString(cmdinfoErrArgCount)
		return
	}
	refs, ok := cmdinfoKeys(top.Spec, s, argv, withFlags)
	if !ok || (len(refs) == 0 && !s.Has(command.FlagNoMandatoryKeys)) {
		c.ErrString(cmdinfoErrInvalidArgs)
		return
	}
	c.W.Array(len(refs))
	for _, r := range refs {
		if !withFlags {
			c.W.Bulk(argv[r.pos])
			continue
		}
		c.W.Array(2)
		c.W.Bulk(argv[r.pos])
		cmdinfoStatusSet(c.W, r.flags)
	}
}

// cmdinfoKeyRef is one key found in a command line, with the access flags
// COMMAND GETKEYSANDFLAGS reports.
type cmdinfoKeyRef struct {
	pos   int
	flags []string
}

// cmdinfoKeys finds the keys of argv (argv[0] is the command name) as
// Redis's getKeysFromCommandWithSpecs: from the key specs when they are
// complete and their flags fixed, otherwise from the command's key finder
// (command.AppendKeys), whose flags depend on the arguments.
func cmdinfoKeys(top, s *command.Spec, argv [][]byte, withFlags bool) ([]cmdinfoKeyRef, bool) {
	hasKeySpec, varFlags := false, false
	for i := range s.KeySpecs {
		if !cmdinfoHasFlag(s.KeySpecs[i].Flags, cmdinfoKeyFlagNotKey) {
			hasKeySpec = true
		}
		if cmdinfoHasFlag(s.KeySpecs[i].Flags, cmdinfoKeyFlagVariable) {
			varFlags = true
		}
	}
	if hasKeySpec && !varFlags {
		if refs, ok := cmdinfoSpecKeys(s, argv); ok {
			return refs, true
		}
	}
	pos, err := command.AppendKeys(nil, top, argv)
	if err != nil && err != command.ErrInvalidArgs {
		return nil, false
	}
	refs := make([]cmdinfoKeyRef, len(pos))
	for i, p := range pos {
		refs[i].pos = p
		if withFlags {
			refs[i].flags = cmdinfoProcKeyFlags(s.Name, argv, i)
		}
	}
	return refs, true
}

func cmdinfoHasFlag(flags []string, f string) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}

// cmdinfoSpecKeys is command.SpecKeys with each key's spec flags.
func cmdinfoSpecKeys(s *command.Spec, argv [][]byte) ([]cmdinfoKeyRef, bool) {
	pos, spec, ok := command.SpecKeys(s, argv)
	if !ok {
		return nil, false
	}
	refs := make([]cmdinfoKeyRef, len(pos))
	for i, p := range pos {
		refs[i] = cmdinfoKeyRef{pos: p, flags: s.KeySpecs[spec[i]].Flags}
	}
	return refs, true
}

// cmdinfoProcKeyFlags returns the flags Redis's getkeys procs give the
// i-th key they find; the procs of commands whose key specs are complete
// report no flags.
func cmdinfoProcKeyFlags(name string, argv [][]byte, i int) []string {
	switch name {
	case "set":
		for _, a := range argv[3:] {
			if eqFold(a, "GET") {
				return []string{"RW", "access", "update"}
			}
		}
		return []string{"OW", "update"}
	case "bitfield":
		readonly := true
	scan:
		for j := 2; j < len(argv); j++ {
			rem := len(argv) - j - 1
			switch {
			case eqFold(argv[j], "GET") && rem >= 2:
				j += 2
			case (eqFold(argv[j], "SET") || eqFold(argv[j], "INCRBY")) && rem >= 3:
				readonly = false
				break scan
			case eqFold(argv[j], "OVERFLOW") && rem >= 1:
				j++
			default:
				readonly = false
				break scan
			}
		}
		if readonly {
			return []string{"RO", "access"}
		}
		return []string{"RW", "access", "update"}
	case "sort":
		if i > 0 {
			return []string{"OW", "update"}
		}
		return []string{"RO", "access"}
	case "sort_ro":
		return []string{"RO", "access"}
	case "migrate":
		return []string{"RW", "access", "delete"}
	}
	return nil
}

// cmdinfoHelp is COMMAND HELP's text.
var cmdinfoHelp = []string{
	"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"(no subcommand)",
	"    Return details about all Redis commands.",
	"COUNT",
	"    Return the total number of commands in this Redis server.",
	"LIST",
	"    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full Redis command.",
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full Redis command.",
	"HELP",
	"    Prints this help.",
}

// COMMAND HELP
func cmdCommandHelp(c *engine.Ctx) { connWriteHelp(c, cmdinfoHelp) }
