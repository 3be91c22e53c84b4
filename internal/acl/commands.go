package acl

import (
	"sort"
	"strings"

	"github.com/redwingdb/redwing/internal/command"
)

// maxBits is the size of a selector's command bitmap (Redis's
// USER_COMMAND_BITS_COUNT); the last bit records "+@all" (future commands).
const (
	maxBits   = 1024
	words     = maxBits / 64
	futureBit = maxBits - 1
)

// cmdInfo is one command or subcommand of the ACL command universe.
type cmdInfo struct {
	spec   *command.Spec
	id     int
	parent *cmdInfo
	subs   []*cmdInfo // sorted by name
	newer  bool       // absent from Redis 7.0 (command.IsNewerThanOracle)

	// Key-spec data for permission checks, derived once.
	keyPerms     []int // PermRead/PermWrite needed, per key spec
	variableKeys bool  // some key spec has variable_flags
	channels     int   // chanNone, chanPublish, chanSubscribe, chanPattern
}

var (
	allCmds  []*cmdInfo          // by id
	topCmds  []*cmdInfo          // top-level, sorted by name
	cmdByKey map[string]*cmdInfo // lower-case full name ("config|get")
	cmdBySpc map[*command.Spec]*cmdInfo
)

func init() {
	cmdByKey = map[string]*cmdInfo{}
	cmdBySpc = map[*command.Spec]*cmdInfo{}
	specs := command.All()
	sort.Slice(specs, func(i, j int) bool { return specs[i].Name < specs[j].Name })
	add := func(s *command.Spec, parent *cmdInfo) *cmdInfo {
		ci := &cmdInfo{spec: s, id: len(allCmds), parent: parent, newer: command.IsNewerThanOracle(s)}
		for i := range s.KeySpecs {
			ci.keyPerms = append(ci.keyPerms, keyFlags(s.KeySpecs[i].Flags))
			for _, f := range s.KeySpecs[i].Flags {
				if f == "variable_flags" {
					ci.variableKeys = true
				}
			}
		}
		switch s.Name {
		case "publish", "spublish":
			ci.channels = chanPublish
		case "subscribe", "ssubscribe":
			ci.channels = chanSubscribe
		case "psubscribe":
			ci.channels = chanPattern
		}
		if ci.id >= futureBit {
			return nil
		}
		allCmds = append(allCmds, ci)
		cmdByKey[s.Name] = ci
		cmdBySpc[s] = ci
		return ci
	}
	for _, s := range specs {
		ci := add(s, nil)
		if ci == nil {
			continue
		}
		topCmds = append(topCmds, ci)
		subs := append([]*command.Spec(nil), s.Subs...)
		sort.Slice(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
		for _, sub := range subs {
			if sc := add(sub, ci); sc != nil {
				ci.subs = append(ci.subs, sc)
			}
		}
	}
}

// lookupCmd finds a command by "name" or "name|sub", case-insensitively,
// like Redis's lookupCommandBySdsLogic over the original command table.
func lookupCmd(name string) *cmdInfo {
	parts := strings.Split(name, "|")
	if len(parts) > 2 {
		return nil
	}
	base := cmdByKey[strings.ToLower(parts[0])]
	if base == nil || base.parent != nil {
		return nil
	}
	if len(parts) == 1 {
		return base
	}
	if len(base.subs) == 0 {
		return nil
	}
	return cmdByKey[strings.ToLower(name)]
}

// CommandsInCategory returns the full names of the commands and subcommands
// in the category named cat (ACL CAT <category>), and false for an unknown
// category.
func CommandsInCategory(cat string) ([]string, bool) {
	flag, ok := command.ParseCategory(cat)
	if !ok {
		return nil, false
	}
	var out []string
	var walk func(list []*cmdInfo)
	walk = func(list []*cmdInfo) {
		for _, ci := range list {
			if ci.spec.Cats&flag != 0 {
				out = append(out, ci.spec.Name)
			}
			walk(ci.subs)
		}
	}
	walk(topCmds)
	return out, true
}
