package acl

import (
	"github.com/redwingdb/redwing/internal/config"

	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"sync/atomic"
)

// User flags, in the order ACL LIST prints them.
const (
	FlagEnabled = 1 << iota
	FlagDisabled
	FlagNoPass
	FlagSkipSanitize
	FlagSanitize
)

var userFlagNames = []struct {
	flag int
	name string
}{
	{FlagEnabled, "on"},
	{FlagDisabled, "off"},
	{FlagNoPass, "nopass"},
	{FlagSkipSanitize, "skip-sanitize-payload"},
	{FlagSanitize, "sanitize-payload"},
}

// Rules is an immutable snapshot of a user's flags, passwords and
// selectors. Selectors[0] is the root selector.
type Rules struct {
	Flags     int
	Passwords []string // SHA-256 hex
	Selectors []*Selector

	// Unrestricted: some selector may run every command on every key
	// and channel, so no check is needed.
	Unrestricted bool
}

// User is an ACL user. Its rules are replaced atomically.
type User struct {
	Name  string
	rules atomic.Pointer[Rules]
}

// Rules returns the user's current rules.
func (u *User) Rules() *Rules { return u.rules.Load() }

// Unrestricted reports whether the user may run anything (the gate's fast path).
func (u *User) Unrestricted() bool { return u.rules.Load().Unrestricted }

func (u *User) store(r *Rules) {
	r.finish()
	u.rules.Store(r)
}

func (r *Rules) finish() {
	r.Unrestricted = false
	for _, s := range r.Selectors {
		if s.allCommands && s.allKeys && s.allChannels {
			r.Unrestricted = true
		}
	}
}

// newRules is the state of a freshly created user.
func newRules(pubsubAll bool) *Rules {
	return &Rules{Flags: FlagDisabled, Selectors: []*Selector{newSelector(true, pubsubAll)}}
}

func (r *Rules) clone() *Rules {
	d := &Rules{Flags: r.Flags, Passwords: append([]string(nil), r.Passwords...)}
	d.Selectors = make([]*Selector, len(r.Selectors))
	for i, s := range r.Selectors {
		d.Selectors[i] = s.clone()
	}
	return d
}

// Enabled reports whether the user can authenticate.
func (r *Rules) Enabled() bool { return r.Flags&FlagDisabled == 0 && r.Flags&FlagEnabled != 0 }

// NoPass reports the nopass flag.
func (r *Rules) NoPass() bool { return r.Flags&FlagNoPass != 0 }

// FlagNames returns the flags as ACL GETUSER lists them.
func (r *Rules) FlagNames() []string {
	var out []string
	for _, f := range userFlagNames {
		if r.Flags&f.flag != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// Root returns the root selector.
func (r *Rules) Root() *Selector { return r.Selectors[0] }

// HashPassword returns the SHA-256 hex of a password.
func HashPassword(p []byte) string {
	h := sha256.Sum256(p)
	return hex.EncodeToString(h[:])
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if (c < 'a' || c > 'f') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// CheckPassword reports whether pass matches (nopass matches anything).
func (r *Rules) CheckPassword(pass []byte) bool {
	if r.Flags&FlagNoPass != 0 {
		return true
	}
	h := HashPassword(pass)
	ok := false
	for _, p := range r.Passwords {
		if subtle.ConstantTimeCompare([]byte(p), []byte(h)) == 1 {
			ok = true
		}
	}
	return ok
}

// apply applies one user rule (ACLSetUser).
func (r *Rules) apply(op string, pubsubAll bool) errKind {
	if len(op) == 0 {
		return errNone
	}
	cop := cstr(op)
	eq := func(s string) bool { return strings.EqualFold(cop, s) }
	switch {
	case eq("on"):
		r.Flags = r.Flags&^FlagDisabled | FlagEnabled
	case eq("off"):
		r.Flags = r.Flags&^FlagEnabled | FlagDisabled
	case eq("skip-sanitize-payload"):
		r.Flags = r.Flags&^FlagSanitize | FlagSkipSanitize
	case eq("sanitize-payload"):
		r.Flags = r.Flags&^FlagSkipSanitize | FlagSanitize
	case eq("nopass"):
		r.Flags |= FlagNoPass
		r.Passwords = nil
	case eq("resetpass"):
		r.Flags &^= FlagNoPass
		r.Passwords = nil
	case op[0] == '>' || op[0] == '#':
		var h string
		if op[0] == '>' {
			h = HashPassword([]byte(op[1:]))
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		found := false
		for _, p := range r.Passwords {
			if p == h {
				found = true
			}
		}
		if !found {
			r.Passwords = append(r.Passwords, h)
		}
		r.Flags &^= FlagNoPass
	case op[0] == '<' || op[0] == '!':
		var h string
		if op[0] == '<' {
			h = HashPassword([]byte(op[1:]))
		} else {
			if !validHash(op[1:]) {
				return errBadHash
			}
			h = op[1:]
		}
		for i, p := range r.Passwords {
			if p == h {
				r.Passwords = append(r.Passwords[:i:i], r.Passwords[i+1:]...)
				return errNone
			}
		}
		return errNoPass
	case op[0] == '(' && op[len(op)-1] == ')':
		s := newSelector(false, pubsubAll)
		args, err := config.SplitArgs(op[1 : len(op)-1])
		if err != nil {
			args = nil
		}
		for _, a := range args {
			if k := s.apply(a); k != errNone {
				return k
			}
		}
		r.Selectors = append(r.Selectors, s)
	case eq("clearselectors"):
		r.Selectors = r.Selectors[:1]
	case eq("reset"):
		r.apply("resetpass", pubsubAll)
		root := r.Root()
		root.apply("resetkeys")
		root.apply("resetchannels")
		if pubsubAll {
			root.apply("allchannels")
		}
		r.apply("off", pubsubAll)
		r.apply("sanitize-payload", pubsubAll)
		r.apply("clearselectors", pubsubAll)
		root.apply("-@all")
	default:
		return r.Root().apply(op)
	}
	return errNone
}

// Describe returns the user's rules in ACL LIST / ACL SAVE form
// (ACLDescribeUser), without the "user <name> " prefix.
func (r *Rules) Describe() string {
	var b []byte
	for _, f := range userFlagNames {
		if r.Flags&f.flag != 0 {
			b = append(b, f.name...)
			b = append(b, ' ')
		}
	}
	for _, p := range r.Passwords {
		b = append(b, '#')
		b = append(b, p...)
		b = append(b, ' ')
	}
	for _, s := range r.Selectors {
		if s.root {
			b = s.describe(b)
		} else {
			b = append(b, " ("...)
			b = s.describe(b)
			b = append(b, ')')
		}
	}
	return string(b)
}

// mergeSelectorArgs joins selector definitions spread over several
// arguments ("(+get" "~k)"), as ACLMergeSelectorArguments. On an unmatched
// parenthesis it returns ok=false and the index of the opening argument.
func mergeSelectorArgs(args []string) (out []string, bad int, ok bool) {
	open := -1
	var sel string
	for j, op := range args {
		if len(op) > 0 && op[0] == '(' && op[len(op)-1] != ')' {
			sel = op
			open = j
			continue
		}
		if open != -1 {
			sel += " " + cstr(op)
			if len(op) > 0 && op[len(op)-1] == ')' {
				open = -1
				out = append(out, sel)
			}
			continue
		}
		out = append(out, op)
	}
	if open != -1 {
		return nil, open, false
	}
	return out, 0, true
}
