package engine

// ACL integration (package acl): the registry's wiring to the
// configuration, the permission gate of exec (Redis's processCommand check
// after auth and no-multi), the checks of commands run by scripts, and the
// connections that must be closed when users are deleted or lose channels.

import (
	"strconv"

	"github.com/redwingdb/redwing/internal/acl"
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/config"
	"github.com/redwingdb/redwing/internal/pubsub"
)

// ClientInfoHook formats a client as CLIENT LIST does, for ACL LOG entries
// (set by the connection commands).
var ClientInfoHook func(e *Engine, c *Client) string

type directiveLister interface {
	Directives() []config.Directive
}

type directiveRewriter interface {
	RewriteDirective(name string, fn func() []string)
}

func (e *Engine) initACL() error {
	r := acl.NewRegistry()
	e.ACL = r
	r.PubsubAll.Store(e.Cfg.String("acl-pubsub-default") == "allchannels")
	if n := e.Cfg.Int("acllog-max-len"); n > 0 || e.Cfg.String("acllog-max-len") == "0" {
		r.LogMaxLen.Store(n)
	}
	if rp := e.Cfg.String("requirepass"); rp != "" {
		r.SetDefaultPassword(rp)
	}
	if oc, ok := e.Cfg.(onChanger); ok {
		oc.OnChange("requirepass", func(v string) error { r.SetDefaultPassword(v); return nil })
		oc.OnChange("acl-pubsub-default", func(v string) error { r.PubsubAll.Store(v == "allchannels"); return nil })
		oc.OnChange("acllog-max-len", func(v string) error {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				r.LogMaxLen.Store(n)
			}
			return nil
		})
	}
	if rw, ok := e.Cfg.(directiveRewriter); ok {
		// CONFIG REWRITE writes the users as "user" lines, unless they
		// live in an ACL file (rewriteConfigUserOption).
		aclfile := e.Cfg.String("aclfile") // immutable
		rw.RewriteDirective("user", func() []string {
			if aclfile != "" {
				return nil
			}
			var lines []string
			for _, u := range r.Users() {
				lines = append(lines, "user "+u.Name+" "+u.Rules().Describe())
			}
			return lines
		})
	}
	var users [][]string
	if dl, ok := e.Cfg.(directiveLister); ok {
		for _, d := range dl.Directives() {
			if d.Name != "user" {
				continue
			}
			if err := acl.ValidateConfigUser(d.Args); err != nil {
				return err
			}
			users = append(users, d.Args)
		}
	}
	file := e.Cfg.String("aclfile")
	if file != "" && len(users) > 0 {
		return errString("Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.")
	}
	if err := r.LoadConfigUsers(users); err != nil {
		return err
	}
	if file != "" {
		if _, msg := r.LoadFile(file); msg != "" {
			return errString("Aborting Redis startup because of ACL errors: " + msg)
		}
	}
	return nil
}

type errString string

func (e errString) Error() string { return string(e) }

// DefaultAuthed reports whether a new connection starts authenticated: the
// default user is enabled and nopass.
func (e *Engine) DefaultAuthed() bool {
	rl := e.ACL.Default.Rules()
	return rl.NoPass() && rl.Flags&acl.FlagDisabled == 0
}

// authRequired is Redis's authRequired for a client that is not
// authenticated: false when the default user became nopass meanwhile.
func (e *Engine) authRequired() bool { return !e.DefaultAuthed() }

// aclGate checks the client's permissions for cmd (the caller has
// already seen that the user is restricted). It returns true when it
// rejected the command.
func (e *Engine) aclGate(c *Client, cmd *Command, argv [][]byte) bool {
	if c.Loader {
		return false // the AOF loader, like Redis's fake client, has no user
	}
	if c.aclBuf == nil {
		c.aclBuf = new(acl.Scratch)
	}
	res, pos := c.User.Rules().CheckScratch(cmd.Spec, argv, c.aclBuf)
	if res == acl.OK {
		return false
	}
	ctx := acl.CtxToplevel
	if c.Multi != nil {
		ctx = acl.CtxMulti
	}
	c.lastCmd.Store(&cmd.Spec.Name) // Redis set c->lastcmd before the check
	e.ACLLogDenied(c, res, ctx, cmd.Spec, argv, pos)
	e.rejectArgv(c, argv, NoPermText(res, cmd.Spec))
	return true
}

// NoPermText is the NOPERM error of a denial.
func NoPermText(res int, spec *command.Spec) string {
	switch res {
	case acl.DeniedCmd:
		return "NOPERM this user has no permissions to run the '" + spec.Name + "' command"
	case acl.DeniedKey:
		return "NOPERM this user has no permissions to access one of the keys used as arguments"
	case acl.DeniedChannel:
		return "NOPERM this user has no permissions to access one of the channels used as arguments"
	}
	return "NOPERM no permission"
}

// ACLLogDenied adds an ACL LOG entry for a denied command.
func (e *Engine) ACLLogDenied(c *Client, res, context int, spec *command.Spec, argv [][]byte, pos int) {
	var obj string
	switch res {
	case acl.DeniedCmd:
		obj = spec.Name
	case acl.DeniedKey, acl.DeniedChannel:
		if pos < len(argv) {
			obj = string(argv[pos])
		}
	}
	name := "default"
	if c.User != nil {
		name = c.User.Name
	}
	e.ACL.AddLog(res, context, obj, name, e.clientInfo(c))
}

// ACLLogAuth adds an ACL LOG entry for a failed AUTH / HELLO AUTH.
func (e *Engine) ACLLogAuth(c *Client, argv0, user []byte) {
	ctx := acl.CtxToplevel
	if c.Multi != nil {
		ctx = acl.CtxMulti
	}
	e.ACL.AddLog(acl.DeniedAuth, ctx, string(argv0), string(user), e.clientInfo(c))
}

func (e *Engine) clientInfo(c *Client) string {
	if ClientInfoHook == nil || c == nil {
		return ""
	}
	return ClientInfoHook(e, c)
}

// scriptACL checks a command a script runs against the caller's user; it
// returns the script error text, or "".
func (r *ScriptRun) scriptACL(spec *command.Spec, argv [][]byte) string {
	u := r.Caller.User
	if u == nil || u.Unrestricted() || r.Caller.Loader {
		return ""
	}
	res, pos := u.Rules().Check(spec, argv)
	if res == acl.OK {
		return ""
	}
	r.e.ACLLogDenied(r.Caller, res, acl.CtxLua, spec, argv, pos)
	switch res {
	case acl.DeniedCmd:
		return "The user executing the script can't run this command or subcommand"
	case acl.DeniedKey:
		return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
	case acl.DeniedChannel:
		return "The user executing the script can't publish to the channel mentioned in the command"
	}
	return "The user executing the script is lacking the permissions for the command"
}

// KillUserClients closes the connections authenticated as one of users
// (ACL DELUSER, ACL LOAD). The current client gets its reply first. Run it
// from an Exclusive command: other clients' User fields are stable then.
func (e *Engine) KillUserClients(users []*acl.User, current *Client) {
	if len(users) == 0 {
		return
	}
	for _, cl := range e.Clients() {
		for _, u := range users {
			if cl.User == u {
				if cl == current {
					cl.User, cl.Authed = e.ACL.Default, false
					cl.Closing = true
				} else {
					cl.Kill()
				}
				break
			}
		}
	}
}

// KillPubsubClients closes u's connections subscribed to channels or
// patterns that allowed rejects (ACLKillPubsubClientsIfNeeded). Run it from
// an Exclusive command.
func (e *Engine) KillPubsubClients(u *acl.User, allowed func(name string, pattern bool) bool, current *Client) {
	reg := &e.async.reg
	doomed := map[*Client]bool{}
	var names [2][]string
	names[0] = reg.Names(pubsub.Channel, nil)
	names[1] = reg.Names(pubsub.Shard, nil)
	reg.RLock()
	for i, k := range []pubsub.Kind{pubsub.Channel, pubsub.Shard} {
		for _, n := range names[i] {
			if allowed(n, false) {
				continue
			}
			for _, cl := range reg.SubscribersLocked(k, []byte(n)) {
				if cl.User == u {
					doomed[cl] = true
				}
			}
		}
	}
	for _, ps := range reg.PatternsLocked() {
		if allowed(string(ps.Pattern), true) {
			continue
		}
		for _, cl := range ps.Subs {
			if cl.User == u {
				doomed[cl] = true
			}
		}
	}
	reg.RUnlock()
	for cl := range doomed {
		if cl == current {
			cl.Closing = true
		} else {
			cl.Kill()
		}
	}
}

// aclExecDenied re-checks a queued command at EXEC time, as Redis's
// execCommand does; it writes the error and returns true when denied.
func (e *Engine) aclExecDenied(c *Client, q QueuedCmd) bool {
	if c.Loader {
		return false
	}
	res, pos := c.User.Rules().Check(q.Cmd.Spec, q.Argv)
	if res == acl.OK {
		return false
	}
	var reason string
	switch res {
	case acl.DeniedCmd:
		reason = "no permission to execute the command or subcommand"
	case acl.DeniedKey:
		reason = "no permission to touch the specified keys"
	case acl.DeniedChannel:
		reason = "no permission to access one of the channels used as arguments"
	default:
		reason = "no permission"
	}
	e.ACLLogDenied(c, res, acl.CtxMulti, q.Cmd.Spec, q.Argv, pos)
	msg := "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + reason
	e.Stats.CountError(msg)
	c.W.Error(msg)
	return true
}
