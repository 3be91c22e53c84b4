package command

import "github.com/redwingdb/redwing/internal/errs"

// Errors of key extraction, with the texts COMMAND GETKEYS replies.
const (
	// ErrInvalidArgs: the key positions cannot be worked out from the
	// arguments (bad numkeys, missing keyword, too few arguments...).
	ErrInvalidArgs errs.Error = "ERR Invalid arguments specified for command"
	// ErrInvalidArgCount: argv does not satisfy the command's arity.
	ErrInvalidArgCount errs.Error = "ERR Invalid number of arguments specified for command"
	// ErrInvalidCommand: a container command was given an unknown
	// subcommand.
	ErrInvalidCommand errs.Error = "ERR Invalid command specified"
	// ErrNoKeyArgs is what COMMAND GETKEYS replies for a command whose
	// spec has no keys (see Spec.HasKeys); GetKeys itself never returns it.
	ErrNoKeyArgs errs.Error = "ERR The command has no key arguments"
)

// Key spec flag bits that change how keys are extracted.
const (
	ksNotKey uint8 = 1 << iota
	ksIncomplete
	ksVariableFlags
)

// keysProc is a hand-written key finder, the counterpart of a Redis
// getkeys_proc. It appends key positions to dst.
type keysProc func(dst []int, argv [][]byte) []int

// keyInfo is derived from a spec's key specs once, by the registry.
type keyInfo struct {
	ready    bool
	hasKeys  bool     // some key spec names real keys, or there is a proc
	useSpecs bool     // key specs are usable (no variable_flags)
	flags    []uint8  // ks* bits, parallel to KeySpecs
	proc     keysProc // fallback when the specs cannot answer
	// single is the index of the one key of a command whose only key spec
	// is one argument at a fixed index (GET, SET, INCR, LPUSH, ...: most
	// commands), 0 otherwise. AppendKeys answers those without walking
	// the spec.
	single int
}

// keysProcs lists the commands that Redis 7.0 gives a getkeys_proc. Redis
// uses the key specs first and falls back to the proc when a spec is
// unknown, incomplete or cannot be applied to argv, or when the specs have
// variable flags.
var keysProcs = map[string]keysProc{
	"set":         firstArgKey,
	"bitfield":    firstArgKey,
	"sort_ro":     firstArgKey,
	"sort":        sortKeys,
	"migrate":     migrateKeys,
	"xread":       xreadKeys,
	"xreadgroup":  xreadKeys,
	"eval":        numKeys(0, 2, 3),
	"evalsha":     numKeys(0, 2, 3),
	"eval_ro":     numKeys(0, 2, 3),
	"evalsha_ro":  numKeys(0, 2, 3),
	"fcall":       numKeys(0, 2, 3),
	"fcall_ro":    numKeys(0, 2, 3),
	"zunionstore": numKeys(1, 2, 3),
	"zinterstore": numKeys(1, 2, 3),
	"zdiffstore":  numKeys(1, 2, 3),
	"zunion":      numKeys(0, 1, 2),
	"zinter":      numKeys(0, 1, 2),
	"zdiff":       numKeys(0, 1, 2),
	"zintercard":  numKeys(0, 1, 2),
	"sintercard":  numKeys(0, 1, 2),
	"lmpop":       numKeys(0, 1, 2),
	"zmpop":       numKeys(0, 1, 2),
	"blmpop":      numKeys(0, 2, 3),
	"bzmpop":      numKeys(0, 2, 3),
}

func deriveKeyInfo(s *Spec) keyInfo {
	ki := keyInfo{ready: true, useSpecs: true}
	if len(s.KeySpecs) > 0 {
		ki.flags = make([]uint8, len(s.KeySpecs))
	}
	for i := range s.KeySpecs {
		var f uint8
		for _, name := range s.KeySpecs[i].Flags {
			switch name {
			case "not_key":
				f |= ksNotKey
			case "incomplete":
				f |= ksIncomplete
			case "variable_flags":
				f |= ksVariableFlags
			}
		}
		ki.flags[i] = f
		if f&ksNotKey == 0 {
			ki.hasKeys = true
		}
		if f&ksVariableFlags != 0 {
			ki.useSpecs = false
		}
	}
	if !ki.hasKeys {
		ki.useSpecs = false
	}
	if !s.IsContainer() {
		ki.proc = keysProcs[s.Name]
	}
	if ki.proc != nil {
		ki.hasKeys = true
	}
	if ki.useSpecs && len(s.KeySpecs) == 1 && ki.flags[0] == 0 {
		ks := &s.KeySpecs[0]
		if ks.BeginIndex > 0 && !ks.BeginUnknown && !ks.FindKeynum && !ks.FindUnknown && ks.LastKey == 0 && ks.KeyStep > 0 {
			ki.single = ks.BeginIndex
		}
	}
	return ki
}

func (s *Spec) keyInfo() keyInfo {
	if s.keys.ready {
		return s.keys
	}
	return deriveKeyInfo(s)
}

// HasKeys reports whether the command can take key arguments at all. For a
// spec without keys COMMAND GETKEYS replies ErrNoKeyArgs. Channels of the
// sharded pub/sub commands are not keys.
func (s *Spec) HasKeys() bool { return s.keyInfo().hasKeys }

// GetKeys returns the indexes in argv of the key arguments, as Redis 7.0's
// COMMAND GETKEYS computes them. argv[0] is the command name; when s is a
// container, argv[1] selects the subcommand. A command without keys yields
// no keys and no error. Errors are ErrInvalidCommand, ErrInvalidArgCount and
// ErrInvalidArgs (no keys found for a command that needs some).
func GetKeys(s *Spec, argv [][]byte) ([]int, error) {
	return AppendKeys(nil, s, argv)
}

// AppendKeys is GetKeys appending to dst; it does not allocate when dst has
// room for the keys. On error it returns dst unchanged.
func AppendKeys(dst []int, s *Spec, argv [][]byte) ([]int, error) {
	if s.IsContainer() {
		if len(argv) < 2 {
			return dst, nil
		}
		sub := s.SubBytes(argv[1])
		if sub == nil {
			return dst, ErrInvalidCommand
		}
		s = sub
	}
	ki := s.keyInfo()
	if !ki.hasKeys {
		return dst, nil
	}
	if !s.CheckArity(len(argv)) {
		return dst, ErrInvalidArgCount
	}
	if ki.single > 0 && ki.single < len(argv) {
		return append(dst, ki.single), nil // what appendSpecKeys finds
	}
	start := len(dst)
	ok := false
	if ki.useSpecs {
		dst, ok = appendSpecKeys(dst, nil, s, ki.flags, argv)
		if !ok {
			dst = dst[:start]
		}
	}
	if !ok && ki.proc != nil {
		dst = ki.proc(dst, argv)
	}
	if len(dst) == start && !s.Has(FlagNoMandatoryKeys) {
		return dst, ErrInvalidArgs
	}
	return dst, nil
}

// SpecKeys applies s's key specs to argv the way Redis's
// getKeysUsingKeySpecs does, without the getkeys-proc fallback of
// AppendKeys: the key positions, and for each the index in s.KeySpecs of
// the spec that names it (COMMAND GETKEYSANDFLAGS reports its flags). It
// reports false when a spec is unknown or incomplete, or does not fit argv.
func SpecKeys(s *Spec, argv [][]byte) (pos, spec []int, ok bool) {
	pos, ok = appendSpecKeys(nil, &spec, s, s.keyInfo().flags, argv)
	return pos, spec, ok
}

// appendSpecKeys is SpecKeys appending to dst, and to *owners when not nil.
func appendSpecKeys(dst []int, owners *[]int, s *Spec, flags []uint8, argv [][]byte) ([]int, bool) {
	argc := len(argv)
	for j := range s.KeySpecs {
		ks := &s.KeySpecs[j]
		if flags[j]&ksNotKey != 0 {
			continue
		}

		first := 0
		switch {
		case ks.BeginUnknown:
			return dst, false
		case ks.BeginIndex > 0:
			first = ks.BeginIndex
		case ks.BeginKeyword != "":
			first = findKeyword(argv, ks.BeginKeyword, ks.BeginKeywordPos)
			if first == 0 {
				continue // keyword absent: this spec has no keys
			}
		default:
			return dst, false
		}

		var last int
		switch {
		case ks.FindUnknown:
			return dst, false
		case ks.FindKeynum:
			idx := first + ks.KeyNumIdx
			if ks.KeyNumIdx >= argc || idx >= argc {
				return dst, false
			}
			n, ok := parseInt64(argv[idx])
			if !ok || n < 0 {
				return dst, false
			}
			first += ks.FirstKey
			if n > int64(argc) {
				return dst, false // cannot fit
			}
			last = first + int(n) - 1
		default:
			switch {
			case ks.LastKey >= 0:
				last = first + ks.LastKey
			case ks.Limit <= 0:
				last = argc + ks.LastKey
			default:
				last = first + ((argc-first)/ks.Limit + ks.LastKey)
			}
		}

		if last >= argc || last < first || first >= argc || ks.KeyStep <= 0 {
			return dst, false
		}
		for i := first; i <= last; i += ks.KeyStep {
			dst = append(dst, i)
			if owners != nil {
				*owners = append(*owners, j)
			}
		}
		if flags[j]&ksIncomplete != 0 {
			return dst, false
		}
	}
	return dst, true
}

// findKeyword returns the index after the keyword, searching from startfrom
// (counting from the end when negative) the way Redis does, or 0.
func findKeyword(argv [][]byte, kw string, startfrom int) int {
	argc := len(argv)
	start, end := startfrom, argc-1
	if startfrom <= 0 {
		start, end = argc+startfrom, 1
	}
	for i := start; i != end; {
		if i >= argc || i < 1 {
			break
		}
		if equalFold(argv[i], kw) {
			return i + 1
		}
		if start <= end {
			i++
		} else {
			i--
		}
	}
	return 0
}

// parseInt64 parses a strict decimal integer the way Redis's string2ll
// does: optional '-', no '+', no leading zeros, no spaces.
func parseInt64(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '-' {
		neg = true
		i++
		if i == len(b) {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// atoi mimics C's atoi as Redis's getkeys procs use it: leading spaces, an
// optional sign, then digits up to the first non-digit; 0 when there are
// none. Out-of-range values saturate as strtol does and are then truncated
// to a C int.
func atoi(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var v uint64
	over := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if !over {
			v = v*10 + uint64(b[i]-'0')
			if v > 1<<63 {
				over = true
			}
		}
	}
	var l int64
	switch {
	case neg && (over || v >= 1<<63):
		l = -1 << 63
	case neg:
		l = -int64(v)
	case over || v > 1<<63-1:
		l = 1<<63 - 1
	default:
		l = int64(v)
	}
	return int(int32(l))
}

// firstArgKey: the key is always argv[1] (SET, BITFIELD, SORT_RO).
func firstArgKey(dst []int, argv [][]byte) []int {
	return append(dst, 1)
}

// numKeys returns a finder for commands shaped
// NAME [dest] ... numkeys key [key ...] ...; store is the index of the
// destination key or 0, count the index of numkeys, first the index of the
// first key. The destination comes last, as in Redis.
func numKeys(store, count, first int) keysProc {
	return func(dst []int, argv [][]byte) []int {
		if count >= len(argv) {
			return dst
		}
		n := atoi(argv[count])
		if n < 1 || n > len(argv)-first {
			return dst
		}
		for i := 0; i < n; i++ {
			dst = append(dst, first+i)
		}
		if store > 0 {
			dst = append(dst, store)
		}
		return dst
	}
}

// sortKeys: SORT key [BY p] [LIMIT o c] [GET p ...] [ASC|DESC] [ALPHA]
// [STORE dest]; the last STORE wins.
func sortKeys(dst []int, argv [][]byte) []int {
	dst = append(dst, 1)
	store := 0
	for i := 2; i < len(argv); i++ {
		a := argv[i]
		switch {
		case equalFold(a, "limit"):
			i += 2
		case equalFold(a, "store") && i+1 < len(argv):
			store = i + 1
		case equalFold(a, "get"), equalFold(a, "by"):
			i++
		}
	}
	if store > 0 {
		dst = append(dst, store)
	}
	return dst
}

// migrateKeys: MIGRATE host port key|"" db timeout [COPY] [REPLACE]
// [AUTH pw | AUTH2 user pw] [KEYS key ...].
func migrateKeys(dst []int, argv [][]byte) []int {
	first, num := 3, 1
	if len(argv) > 6 {
	scan:
		for i := 6; i < len(argv); i++ {
			a := argv[i]
			switch {
			case equalFold(a, "keys"):
				if len(argv[3]) > 0 {
					num = 0 // syntax error, left to the command
				} else {
					first = i + 1
					num = len(argv) - first
				}
				break scan
			case equalFold(a, "auth"):
				i++
			case equalFold(a, "auth2"):
				i += 2
			}
		}
	}
	for i := 0; i < num; i++ {
		dst = append(dst, first+i)
	}
	return dst
}

// xreadKeys: XREAD/XREADGROUP options then STREAMS key ... id ...
func xreadKeys(dst []int, argv [][]byte) []int {
	streams := -1
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if equalFold(a, "block") || equalFold(a, "count") {
			i++
		} else if equalFold(a, "group") {
			i += 2
		} else if equalFold(a, "noack") {
			continue
		} else if equalFold(a, "streams") {
			streams = i
			break
		} else {
			break
		}
	}
	if streams < 0 {
		return dst
	}
	num := len(argv) - streams - 1
	if num == 0 || num%2 != 0 {
		return dst
	}
	num /= 2
	for i := streams + 1; i < len(argv)-num; i++ {
		dst = append(dst, i)
	}
	return dst
}
