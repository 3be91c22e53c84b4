package acl

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds the users and the ACL log of one server.
type Registry struct {
	// Default is the "default" user; it is never replaced (ACL LOAD copies
	// new rules into it), so connections may keep pointing to it.
	Default *User

	// PubsubAll is acl-pubsub-default: new selectors get allchannels.
	PubsubAll atomic.Bool
	// LogMaxLen is acllog-max-len.
	LogMaxLen atomic.Int64

	mu    sync.RWMutex
	users map[string]*User

	logMu sync.Mutex
	log   []*LogEntry // newest first
}

// NewRegistry returns a registry with the default user (on nopass ~* &* +@all).
func NewRegistry() *Registry {
	r := &Registry{users: map[string]*User{}}
	r.LogMaxLen.Store(128)
	r.Default = &User{Name: "default"}
	r.Default.store(defaultRules())
	r.users["default"] = r.Default
	return r
}

func defaultRules() *Rules {
	rl := newRules(false)
	for _, op := range []string{"+@all", "~*", "&*", "on", "nopass"} {
		rl.apply(op, false)
	}
	return rl
}

// Get returns the user named name, or nil.
func (r *Registry) Get(name string) *User {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.users[name]
}

// Users returns all users sorted by name (Redis's rax order).
func (r *Registry) Users() []*User {
	r.mu.RLock()
	out := make([]*User, 0, len(r.users))
	for _, u := range r.users {
		out = append(out, u)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Authenticate checks a user name and password: the user, or nil when the
// user does not exist, is disabled or the password is wrong.
func (r *Registry) Authenticate(name, pass []byte) *User {
	u := r.Get(string(name))
	if u == nil {
		return nil
	}
	rl := u.Rules()
	if rl.Flags&FlagDisabled != 0 {
		return nil
	}
	if !rl.CheckPassword(pass) {
		return nil
	}
	return u
}

// SetUserError is an ACL SETUSER failure with Redis's reply text.
type SetUserError struct{ Msg string }

func (e *SetUserError) Error() string { return e.Msg }

// Change describes what ACL SETUSER did, for the caller's side effects.
type Change struct {
	User    *User
	Old     *Rules // nil for a new user
	Created bool
}

// SetUser applies ACL SETUSER rules to a user, creating it if needed.
// Either every rule applies or none does.
func (r *Registry) SetUser(name string, ops []string) (*Change, error) {
	if hasSpaces(name) {
		return nil, &SetUserError{"ERR Usernames can't contain spaces or null characters"}
	}
	merged, bad, ok := mergeSelectorArgs(ops)
	if !ok {
		return nil, &SetUserError{"ERR Unmatched parenthesis in acl selector starting at '" + cstr(ops[bad]) + "'."}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pubAll := r.PubsubAll.Load()
	u := r.users[name]
	var tmp *Rules
	if u != nil {
		tmp = u.Rules().clone()
	} else {
		tmp = newRules(pubAll)
	}
	for _, op := range merged {
		if k := tmp.apply(op, pubAll); k != errNone {
			return nil, &SetUserError{"ERR Error in ACL SETUSER modifier '" + cstr(op) + "': " + k.text()}
		}
	}
	ch := &Change{}
	if u == nil {
		u = &User{Name: name}
		r.users[name] = u
		ch.Created = true
	} else {
		ch.Old = u.Rules()
	}
	u.store(tmp)
	ch.User = u
	return ch, nil
}

// SetDefaultPassword implements requirepass: "" makes the default user
// nopass, anything else its only password.
func (r *Registry) SetDefaultPassword(pass string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rl := r.Default.Rules().clone()
	rl.apply("resetpass", false)
	if pass != "" {
		rl.apply(">"+pass, false)
	} else {
		rl.apply("nopass", false)
	}
	r.Default.store(rl)
}

// DelUsers removes users; it returns the removed ones.
func (r *Registry) DelUsers(names []string) []*User {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*User
	for _, n := range names {
		if u := r.users[n]; u != nil && u != r.Default {
			delete(r.users, n)
			out = append(out, u)
		}
	}
	return out
}

// ChannelsShrunk reports whether clients of a user whose rules change from
// old to new may hold subscriptions the new rules disallow
// (ACLKillPubsubClientsIfNeeded's two shortcuts); when true, allowed tells
// whether a subscription is still permitted.
func ChannelsShrunk(old, new *Rules) (shrunk bool, allowed func(name string, pattern bool) bool) {
	for _, s := range new.Selectors {
		if s.allChannels {
			return false, nil
		}
	}
	var upcoming []string
	for _, s := range new.Selectors {
		upcoming = append(upcoming, s.channels...)
	}
	match := true
outer:
	for _, s := range old.Selectors {
		for _, c := range s.channels {
			found := false
			for _, u := range upcoming {
				if u == c {
					found = true
					break
				}
			}
			if !found {
				match = false
				break outer
			}
		}
	}
	if match {
		return false, nil
	}
	return true, func(name string, pattern bool) bool {
		return checkChannelList(upcoming, []byte(name), pattern)
	}
}

// ---------------------------------------------------------------------------
// Config file users and ACL files.

// ValidateConfigUser checks a "user" config directive the way
// ACLAppendUserForLoading does; the error text is Redis's.
func ValidateConfigUser(args []string) error {
	if len(args) < 1 {
		return fmt.Errorf("Wrong format")
	}
	merged, _, ok := mergeSelectorArgs(args[1:])
	if !ok {
		return fmt.Errorf("Unmatched parenthesis in selector definition")
	}
	tmp := newRules(false)
	argv := append([]string{"user"}, args...)
	for j, op := range merged {
		if k := tmp.apply(op, false); k != errNone && k != errNoEnt {
			// Redis names argv[j] of the whole line, j counting the
			// rules: the word two places before the bad rule.
			return fmt.Errorf("Error in user declaration '%s': %s", cstr(argv[j]), k.text())
		}
	}
	return nil
}

// LoadConfigUsers creates the users of "user" config directives (each
// args is the directive's arguments: name, rules...). Errors are fatal at
// startup.
func (r *Registry) LoadConfigUsers(list [][]string) error {
	seen := map[string]bool{}
	for _, args := range list {
		if len(args) < 1 {
			continue
		}
		name := args[0]
		if seen[name] {
			return fmt.Errorf("Duplicate user found. A user can only be defined once in config files")
		}
		seen[name] = true
		if hasSpaces(name) {
			return fmt.Errorf("Spaces not allowed in ACL usernames")
		}
		merged, _, ok := mergeSelectorArgs(args[1:])
		if !ok {
			return fmt.Errorf("Unmatched parenthesis in selector definition")
		}
		r.mu.Lock()
		u := r.users[name]
		var rl *Rules
		if u == nil {
			u = &User{Name: name}
			rl = newRules(r.PubsubAll.Load())
		} else {
			rl = u.Rules().clone()
			rl.apply("reset", r.PubsubAll.Load())
		}
		for _, op := range merged {
			if k := rl.apply(op, r.PubsubAll.Load()); k != errNone {
				r.mu.Unlock()
				return fmt.Errorf("Error loading ACL rule '%s' for the user named '%s': %s", cstr(op), name, k.text())
			}
		}
		u.store(rl)
		r.users[name] = u
		r.mu.Unlock()
	}
	return nil
}

// LoadFile implements ACL LOAD (ACLLoadFromFile): it returns the users
// that were replaced or removed (their connections must be closed), or
// Redis's error text, in which case nothing changed.
func (r *Registry) LoadFile(filename string) ([]*User, string) {
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, fmt.Sprintf("Error loading ACLs, opening file '%s': %s", filename, errnoText(err))
	}
	pubAll := r.PubsubAll.Load()
	users := map[string]*Rules{}
	var errs strings.Builder
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		linenum := i + 1
		line = strings.Trim(line, " \t\r\n")
		if line == "" {
			continue
		}
		argv := strings.Split(line, " ")
		if argv[0] != "user" || len(argv) < 2 {
			fmt.Fprintf(&errs, "%s:%d should start with user keyword followed by the username. ", filename, linenum)
			continue
		}
		if hasSpaces(argv[1]) {
			fmt.Fprintf(&errs, "'%s:%d: username '%s' contains invalid characters. ", filename, linenum, argv[1])
			continue
		}
		if _, dup := users[argv[1]]; dup {
			fmt.Fprintf(&errs, "WARNING: Duplicate user '%s' found on line %d. ", argv[1], linenum)
			continue
		}
		rl := newRules(pubAll)
		users[argv[1]] = rl
		merged, _, ok := mergeSelectorArgs(argv[2:])
		if !ok {
			fmt.Fprintf(&errs, "%s:%d: Unmatched parenthesis in selector definition.", filename, linenum)
		}
		for _, op := range merged {
			op = strings.Trim(op, "\t\r\n")
			if k := rl.apply(op, pubAll); k == errNoEnt {
				// Missing commands are named: they hold no secrets.
				fmt.Fprintf(&errs, "%s:%d: Error in applying operation '%s': %s. ", filename, linenum, cstr(op), k.text())
			} else if k != errNone {
				fmt.Fprintf(&errs, "%s:%d: %s. ", filename, linenum, k.text())
			}
		}
	}
	if errs.Len() > 0 {
		errs.WriteString("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
		return nil, errs.String()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var gone []*User
	for name, u := range r.users {
		if u != r.Default {
			gone = append(gone, u)
			delete(r.users, name)
		}
	}
	def := users["default"]
	if def == nil {
		def = defaultRules()
	}
	delete(users, "default")
	r.Default.store(def)
	// Redis frees the old default user set and kills its clients, but
	// the default user object itself survives with the new rules.
	for name, rl := range users {
		u := &User{Name: name}
		u.store(rl)
		r.users[name] = u
	}
	return gone, ""
}

// SaveFile implements ACL SAVE: users in name order, written to a
// temporary file renamed over filename.
func (r *Registry) SaveFile(filename string) error {
	var b strings.Builder
	for _, u := range r.Users() {
		b.WriteString("user ")
		b.WriteString(u.Name)
		b.WriteByte(' ')
		b.WriteString(u.Rules().Describe())
		b.WriteByte('\n')
	}
	tmp := fmt.Sprintf("%s.tmp-%d-%d", filename, os.Getpid(), time.Now().UnixMilli())
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, filename); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func errnoText(err error) string {
	switch {
	case os.IsNotExist(err):
		return "No such file or directory"
	case os.IsPermission(err):
		return "Permission denied"
	}
	if pe, ok := err.(*os.PathError); ok {
		s := pe.Err.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}
