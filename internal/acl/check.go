package acl

import (
	"strings"

	"github.com/redwingdb/redwing/internal/command"
)

// keyFlags maps a key spec's flags to the permissions it needs: access
// needs read, insert/delete/update need write.
func keyFlags(flags []string) int {
	n := 0
	for _, f := range flags {
		switch f {
		case "access":
			n |= PermRead
		case "insert", "delete", "update":
			n |= PermWrite
		}
	}
	return n
}

// Channel argument kinds of pub/sub commands.
const (
	chanNone = iota
	chanPublish
	chanSubscribe
	chanPattern
)

// CommandKeys returns the key arguments of argv with the permissions each
// needs (Redis's getKeysFromCommandWithSpecs with the key-spec flags). s is
// the resolved (sub)command spec. buf is scratch space.
func CommandKeys(buf []KeyRef, s *command.Spec, argv [][]byte) []KeyRef {
	ci := cmdBySpc[s]
	if ci == nil || !s.HasKeys() {
		return buf
	}
	return ci.keys(buf, nil, argv)
}

// keys appends argv's keys to buf; ib is scratch for key positions.
func (ci *cmdInfo) keys(buf []KeyRef, ib []int, argv [][]byte) []KeyRef {
	s := ci.spec
	idx, err := command.AppendKeys(ib[:0], s, argv)
	if err != nil || len(idx) == 0 {
		return buf
	}
	specFlags := ci.keyPerms
	variable := ci.variableKeys
	switch {
	case s.Name == "set" && variable:
		f := PermWrite
		for _, a := range argv[3:] {
			if len(a) >= 3 && a[0]|0x20 == 'g' && a[1]|0x20 == 'e' && a[2]|0x20 == 't' && (len(a) == 3 || a[3] == 0) {
				f = PermRead | PermWrite
				break
			}
		}
		return append(buf, KeyRef{Pos: idx[0], Flags: f})
	case s.Name == "bitfield" && variable:
		ro := true
		for i := 2; i < len(argv); i++ {
			rem := len(argv) - i - 1
			a := string(argv[i])
			switch {
			case strings.EqualFold(a, "get") && rem >= 2:
				i += 2
			case (strings.EqualFold(a, "set") || strings.EqualFold(a, "incrby")) && rem >= 3:
				ro = false
			case strings.EqualFold(a, "overflow") && rem >= 1:
				i++
			default:
				ro = false
			}
			if !ro {
				break
			}
		}
		f := PermRead
		if !ro {
			f = PermRead | PermWrite
		}
		return append(buf, KeyRef{Pos: idx[0], Flags: f})
	}
	if len(specFlags) == 1 {
		for _, p := range idx {
			buf = append(buf, KeyRef{Pos: p, Flags: specFlags[0]})
		}
		return buf
	}
	// Attribute each key to the spec whose range holds it.
	owner := specOwners(s, argv)
	for _, p := range idx {
		f := 0
		if j, ok := owner[p]; ok {
			f = specFlags[j]
		} else if len(specFlags) > 0 {
			f = specFlags[len(specFlags)-1]
			if p == idx[0] {
				f = specFlags[0]
			}
		}
		buf = append(buf, KeyRef{Pos: p, Flags: f})
	}
	return buf
}

// specOwners maps argument positions to the key spec that names them,
// walking begin-search and find-keys like Redis's getKeysUsingKeySpecs.
func specOwners(s *command.Spec, argv [][]byte) map[int]int {
	out := map[int]int{}
	argc := len(argv)
	for j := range s.KeySpecs {
		ks := &s.KeySpecs[j]
		notKey := false
		for _, f := range ks.Flags {
			if f == "not_key" {
				notKey = true
			}
		}
		if notKey || ks.BeginUnknown || ks.FindUnknown {
			continue
		}
		first := 0
		switch {
		case ks.BeginIndex > 0:
			first = ks.BeginIndex
		case ks.BeginKeyword != "":
			first = keywordPos(argv, ks.BeginKeyword, ks.BeginKeywordPos)
			if first == 0 {
				continue
			}
		default:
			continue
		}
		var last int
		if ks.FindKeynum {
			i := first + ks.KeyNumIdx
			if i >= argc {
				continue
			}
			n := 0
			for _, c := range argv[i] {
				if c < '0' || c > '9' || n > argc {
					n = -1
					break
				}
				n = n*10 + int(c-'0')
			}
			if n < 0 {
				continue
			}
			first += ks.FirstKey
			last = first + n - 1
		} else {
			switch {
			case ks.LastKey >= 0:
				last = first + ks.LastKey
			case ks.Limit <= 0:
				last = argc + ks.LastKey
			default:
				last = first + ((argc-first)/ks.Limit + ks.LastKey)
			}
		}
		step := ks.KeyStep
		if step <= 0 {
			step = 1
		}
		for i := first; i <= last && i < argc; i += step {
			if _, ok := out[i]; !ok {
				out[i] = j
			}
		}
	}
	return out
}

func keywordPos(argv [][]byte, kw string, startfrom int) int {
	argc := len(argv)
	start, end, step := startfrom, argc-1, 1
	if startfrom < 0 {
		start, end, step = argc+startfrom, 0, -1
	}
	for i := start; ; i += step {
		if step > 0 && i > end || step < 0 && i < end {
			break
		}
		if i <= 0 || i >= argc {
			break
		}
		if strings.EqualFold(string(argv[i]), kw) {
			return i + 1
		}
	}
	return 0
}

// channelArgs returns the channel arguments of a pub/sub command and
// whether they are matched literally (PSUBSCRIBE patterns).
func channelArgs(ci *cmdInfo, argv [][]byte) (first, last int, literal, ok bool) {
	switch ci.channels {
	case chanPublish:
		return 1, 1, false, true
	case chanSubscribe:
		return 1, len(argv) - 1, false, true
	case chanPattern:
		return 1, len(argv) - 1, true, true
	}
	return 0, 0, false, false
}

// keyCache holds a command's keys between the selectors of one check.
type keyCache struct {
	refs []KeyRef // scratch, then the keys
	idx  []int    // scratch for key positions
	done bool
}

// Scratch is caller-owned space for a permission check, so that checks of
// restricted users do not allocate.
type Scratch struct {
	refs [16]KeyRef
	idx  [16]int
}

// check is ACLSelectorCheckCmd.
func (s *Selector) check(ci *cmdInfo, argv [][]byte, kc *keyCache) (int, int) {
	spec := ci.spec
	if !s.allCommands && !spec.Has(command.FlagNoAuth) && !s.bit(ci.id) {
		fa := s.firstArgs[ci.id]
		if len(argv) < 2 || fa == nil {
			return DeniedCmd, 0
		}
		i := 1
		if ci.parent != nil {
			i = 2
		}
		if i >= len(argv) {
			return DeniedCmd, 0
		}
		found := false
		arg := cstr(string(argv[i]))
		for _, a := range fa {
			if strings.EqualFold(arg, cstr(a)) {
				found = true
				break
			}
		}
		if !found {
			return DeniedCmd, 0
		}
	}
	if !s.allKeys && spec.HasKeys() {
		if !kc.done {
			kc.refs = ci.keys(kc.refs[:0], kc.idx, argv)
			kc.done = true
		}
		for _, k := range kc.refs {
			if !s.checkKey(argv[k.Pos], k.Flags) {
				return DeniedKey, k.Pos
			}
		}
	}
	if !s.allChannels {
		if first, last, literal, ok := channelArgs(ci, argv); ok {
			for j := first; j <= last && j < len(argv); j++ {
				if !checkChannelList(s.channels, argv[j], literal) {
					return DeniedChannel, j
				}
			}
		}
	}
	return OK, 0
}

// Check is ACLCheckAllUserCommandPerm: whether the rules allow the
// command spec s with arguments argv (argv[0] is the command name). On
// denial it returns the reason and, for keys and channels, the position of
// the offending argument.
func (r *Rules) Check(s *command.Spec, argv [][]byte) (result, pos int) {
	return r.CheckScratch(s, argv, nil)
}

// CheckScratch is Check using sc (which may be nil) as scratch space.
func (r *Rules) CheckScratch(s *command.Spec, argv [][]byte, sc *Scratch) (result, pos int) {
	if r.Unrestricted {
		return OK, 0
	}
	ci := cmdBySpc[s]
	if ci == nil {
		ci = lookupCmd(s.Name)
		if ci == nil {
			return DeniedCmd, 0
		}
	}
	var kc keyCache
	if sc != nil {
		kc.refs, kc.idx = sc.refs[:0], sc.idx[:0]
	}
	relevant, last := DeniedCmd, 0
	for _, sel := range r.Selectors {
		res, p := sel.check(ci, argv, &kc)
		if res == OK {
			return OK, 0
		}
		if res > relevant || (res == relevant && p > last) {
			relevant, last = res, p
		}
	}
	return relevant, last
}

// ChannelAllowed reports whether some selector allows the channel (or, with
// literal, exactly the pattern): ACLUserCheckChannelPerm.
func (r *Rules) ChannelAllowed(ch []byte, literal bool) bool {
	for _, s := range r.Selectors {
		if s.allChannels || checkChannelList(s.channels, ch, literal) {
			return true
		}
	}
	return false
}

// KeyAllowed reports whether some selector allows the key with the given
// permissions (ACLUserCheckKeyPerm).
func (r *Rules) KeyAllowed(key []byte, flags int) bool {
	for _, s := range r.Selectors {
		if s.checkKey(key, flags) {
			return true
		}
	}
	return false
}

// LookupCommand resolves "name" or "name|sub" in the ACL command universe
// and returns its spec.
func LookupCommand(name string) *command.Spec {
	if ci := lookupCmd(name); ci != nil {
		return ci.spec
	}
	return nil
}
