package acl

import (
	"strings"
	"unsafe"

	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/glob"
)

// Key permission bits of a key pattern.
const (
	PermRead  = 1
	PermWrite = 2
	PermAll   = PermRead | PermWrite
)

// KeyPattern is one "~pattern", "%R~pattern" or "%W~pattern" rule.
type KeyPattern struct {
	Flags   int
	Pattern string
}

func (p KeyPattern) appendTo(b []byte) []byte {
	switch p.Flags {
	case PermAll:
		b = append(b, '~')
	case PermRead:
		b = append(b, "%R~"...)
	default:
		b = append(b, "%W~"...)
	}
	return append(b, p.Pattern...)
}

// Selector is a set of command, key and channel permissions.
type Selector struct {
	root        bool
	allKeys     bool
	allChannels bool
	allCommands bool
	allowed     [words]uint64
	firstArgs   map[int][]string // command id -> allowed first arguments
	patterns    []KeyPattern
	channels    []string
}

// errKind is the errno ACLSetUser reports (see errText).
type errKind int

const (
	errNone errKind = iota
	errSyntax
	errNoEnt
	errKeysAll
	errChansAll
	errNoPass
	errBadHash
	errChild
)

func (k errKind) text() string {
	switch k {
	case errNoEnt:
		return "Unknown command or category name in ACL"
	case errSyntax:
		return "Syntax error"
	case errKeysAll:
		return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
	case errChansAll:
		return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
	case errNoPass:
		return "The password you are trying to remove from the user does not exist"
	case errBadHash:
		return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
	case errChild:
		return "Allowing first-arg of a subcommand is not supported"
	}
	return "Wrong format"
}

func newSelector(root, allChannels bool) *Selector {
	return &Selector{root: root, allChannels: allChannels}
}

func (s *Selector) clone() *Selector {
	d := *s
	d.patterns = append([]KeyPattern(nil), s.patterns...)
	d.channels = append([]string(nil), s.channels...)
	if s.firstArgs != nil {
		d.firstArgs = make(map[int][]string, len(s.firstArgs))
		for k, v := range s.firstArgs {
			d.firstArgs[k] = append([]string(nil), v...)
		}
	}
	return &d
}

func (s *Selector) bit(id int) bool { return s.allowed[id/64]&(1<<(uint(id)%64)) != 0 }

func (s *Selector) setBit(id int, v bool) {
	if v {
		s.allowed[id/64] |= 1 << (uint(id) % 64)
	} else {
		s.allowed[id/64] &^= 1 << (uint(id) % 64)
		s.allCommands = false
	}
}

// changePerm allows or blocks a command and, for a container, its
// subcommands (ACLChangeSelectorPerm).
func (s *Selector) changePerm(ci *cmdInfo, allow bool) {
	s.setBit(ci.id, allow)
	if s.firstArgs != nil {
		delete(s.firstArgs, ci.id)
	}
	for _, sub := range ci.subs {
		s.setBit(sub.id, allow)
	}
}

func (s *Selector) setCategory(flag command.Category, allow bool) {
	var walk func(list []*cmdInfo)
	walk = func(list []*cmdInfo) {
		for _, ci := range list {
			if ci.spec.Cats&flag != 0 {
				s.changePerm(ci, allow)
			}
			walk(ci.subs)
		}
	}
	walk(topCmds)
}

// countCategory counts the commands of a category the selector allows
// and denies. Commands newer than Redis 7.0 are left out, so that the
// category best-fit of descriptions picks what redis-server 7.0 picks.
func (s *Selector) countCategory(flag command.Category) (on, off int) {
	for _, ci := range allCmds {
		if ci.spec.Cats&flag != 0 && !ci.newer {
			if s.bit(ci.id) {
				on++
			} else {
				off++
			}
		}
	}
	return
}

func (s *Selector) addFirstArg(id int, arg string) {
	if s.firstArgs == nil {
		s.firstArgs = map[int][]string{}
	}
	for _, a := range s.firstArgs[id] {
		if strings.EqualFold(a, arg) {
			return
		}
	}
	s.firstArgs[id] = append(s.firstArgs[id], arg)
}

// cstr is s as C's string functions see it: up to the first NUL.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

// apply applies one selector rule (ACLSetSelector).
func (s *Selector) apply(op string) errKind {
	cop := cstr(op)
	at := func(i int) byte {
		if i < len(cop) {
			return cop[i]
		}
		return 0
	}
	switch {
	case strings.EqualFold(cop, "allkeys") || cop == "~*":
		s.allKeys = true
		s.patterns = nil
	case strings.EqualFold(cop, "resetkeys"):
		s.allKeys = false
		s.patterns = nil
	case strings.EqualFold(cop, "allchannels") || cop == "&*":
		s.allChannels = true
		s.channels = nil
	case strings.EqualFold(cop, "resetchannels"):
		s.allChannels = false
		s.channels = nil
	case strings.EqualFold(cop, "allcommands") || strings.EqualFold(cop, "+@all"):
		for i := range s.allowed {
			s.allowed[i] = ^uint64(0)
		}
		s.allCommands = true
		s.firstArgs = nil
	case strings.EqualFold(cop, "nocommands") || strings.EqualFold(cop, "-@all"):
		s.allowed = [words]uint64{}
		s.allCommands = false
		s.firstArgs = nil
	case at(0) == '~' || at(0) == '%':
		if s.allKeys {
			return errKeysAll
		}
		flags, off := 0, 1
		if op[0] == '%' {
			for ; off < len(op); off++ {
				ch := op[off]
				if (ch == 'R' || ch == 'r') && flags&PermRead == 0 {
					flags |= PermRead
				} else if (ch == 'W' || ch == 'w') && flags&PermWrite == 0 {
					flags |= PermWrite
				} else if ch == '~' {
					off++
					break
				} else {
					return errSyntax
				}
			}
			if flags == 0 {
				return errSyntax
			}
		} else {
			flags = PermAll
		}
		pat := ""
		if off < len(op) {
			pat = op[off:]
		}
		if hasSpaces(pat) {
			return errSyntax
		}
		found := false
		for i := range s.patterns {
			if s.patterns[i].Pattern == pat {
				s.patterns[i].Flags |= flags
				found = true
				break
			}
		}
		if !found {
			s.patterns = append(s.patterns, KeyPattern{Flags: flags, Pattern: pat})
		}
		s.allKeys = false
	case at(0) == '&':
		if s.allChannels {
			return errChansAll
		}
		pat := op[1:]
		if hasSpaces(pat) {
			return errSyntax
		}
		found := false
		for _, c := range s.channels {
			if c == pat {
				found = true
				break
			}
		}
		if !found {
			s.channels = append(s.channels, pat)
		}
		s.allChannels = false
	case at(0) == '+' && at(1) != '@':
		name := cop[1:]
		bar := strings.LastIndexByte(name, '|')
		if bar < 0 {
			ci := lookupCmd(name)
			if ci == nil {
				return errNoEnt
			}
			s.changePerm(ci, true)
			break
		}
		base, sub := name[:bar], name[bar+1:]
		ci := lookupCmd(base)
		if ci == nil {
			return errNoEnt
		}
		if ci.parent != nil {
			return errChild
		}
		if sub == "" {
			return errSyntax
		}
		if len(ci.subs) > 0 {
			sc := lookupCmd(name)
			if sc == nil {
				return errNoEnt
			}
			s.changePerm(sc, true)
		} else {
			s.addFirstArg(ci.id, sub)
		}
	case at(0) == '-' && at(1) != '@':
		ci := lookupCmd(cop[1:])
		if ci == nil {
			return errNoEnt
		}
		s.changePerm(ci, false)
	case (at(0) == '+' || at(0) == '-') && at(1) == '@':
		flag, ok := command.ParseCategory(cop[2:])
		if !ok {
			return errNoEnt
		}
		s.setCategory(flag, at(0) == '+')
	default:
		return errSyntax
	}
	return errNone
}

// describeCommands is ACLDescribeSelectorCommandRules: "+@all" or "-@all",
// then the best-fitting categories, then single commands.
func (s *Selector) describeCommands(b []byte) []byte {
	fake := &Selector{}
	additive := !s.bit(futureBit)
	if additive {
		b = append(b, "-@all "...)
	} else {
		b = append(b, "+@all "...)
		fake.apply("+@all")
	}
	temp := &Selector{allowed: s.allowed}
	var applied [32]bool
	for {
		best, mindiff, maxsame := -1, int(^uint(0)>>1), 0
		for j := range command.CategoryNames {
			if applied[j] {
				continue
			}
			on, off := temp.countCategory(1 << uint(j))
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < mindiff || (diff == mindiff && same > maxsame)) {
				best, mindiff, maxsame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		flag := command.Category(1) << uint(best)
		fake.setCategory(flag, additive)
		temp.setCategory(flag, !additive)
		if additive {
			b = append(b, "+@"...)
		} else {
			b = append(b, "-@"...)
		}
		b = append(b, command.CategoryNames[best]...)
		b = append(b, ' ')
		applied[best] = true
	}
	b = s.describeSingle(fake, b, topCmds)
	return b[:len(b)-1]
}

func (s *Selector) describeSingle(fake *Selector, b []byte, list []*cmdInfo) []byte {
	for _, ci := range list {
		user, fb := s.bit(ci.id), fake.bit(ci.id)
		if user != fb {
			if user {
				b = append(b, '+')
			} else {
				b = append(b, '-')
			}
			b = append(b, ci.spec.Name...)
			b = append(b, ' ')
			fake.changePerm(ci, user)
		}
		b = s.describeSingle(fake, b, ci.subs)
		if !user {
			for _, a := range s.firstArgs[ci.id] {
				b = append(b, '+')
				b = append(b, ci.spec.Name...)
				b = append(b, '|')
				b = append(b, a...)
				b = append(b, ' ')
			}
		}
	}
	return b
}

// describe is ACLDescribeSelector: keys, channels, commands.
func (s *Selector) describe(b []byte) []byte {
	if s.allKeys {
		b = append(b, "~* "...)
	} else {
		for _, p := range s.patterns {
			b = p.appendTo(b)
			b = append(b, ' ')
		}
	}
	if s.allChannels {
		b = append(b, "&* "...)
	} else {
		b = append(b, "resetchannels "...)
		for _, c := range s.channels {
			b = append(b, '&')
			b = append(b, c...)
			b = append(b, ' ')
		}
	}
	return s.describeCommands(b)
}

// CommandRules returns the selector's command rules (ACL GETUSER "commands").
func (s *Selector) CommandRules() string { return string(s.describeCommands(nil)) }

// KeysString returns the key patterns as ACL GETUSER shows them.
func (s *Selector) KeysString() string {
	if s.allKeys {
		return "~*"
	}
	var b []byte
	for i, p := range s.patterns {
		if i > 0 {
			b = append(b, ' ')
		}
		b = p.appendTo(b)
	}
	return string(b)
}

// ChannelsString returns the channel patterns as ACL GETUSER shows them.
func (s *Selector) ChannelsString() string {
	if s.allChannels {
		return "&*"
	}
	var b []byte
	for i, c := range s.channels {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, '&')
		b = append(b, c...)
	}
	return string(b)
}

// Check results, numbered as Redis's ACL_* codes (the larger wins when
// selectors disagree).
const (
	OK            = 0
	DeniedCmd     = 1
	DeniedKey     = 2
	DeniedAuth    = 3
	DeniedChannel = 4
)

// KeyRef is a key argument position with its key-spec access flags.
type KeyRef struct {
	Pos   int
	Flags int // PermRead / PermWrite needed
}

func (s *Selector) checkKey(key []byte, need int) bool {
	if s.allKeys {
		return true
	}
	for _, p := range s.patterns {
		if p.Flags&need != need {
			continue
		}
		if glob.Match(unsafe.Slice(unsafe.StringData(p.Pattern), len(p.Pattern)), key, false) {
			return true
		}
	}
	return false
}

func checkChannelList(list []string, ch []byte, literal bool) bool {
	for _, p := range list {
		if literal {
			if cstr(p) == cstr(string(ch)) {
				return true
			}
		} else if glob.Match(unsafe.Slice(unsafe.StringData(p), len(p)), ch, false) {
			return true
		}
	}
	return false
}
