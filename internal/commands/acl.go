package commands

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/redwingdb/redwing/internal/acl"
	"github.com/redwingdb/redwing/internal/command"
	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/resp"
)

// ACL commands (Redis's acl.c). The users and the log live in package acl;
// commands that change users are Exclusive, so that the connections they
// close (DELUSER, LOAD, channel permissions that shrink) are not running a
// command meanwhile.

func init() {
	engine.Register("acl|setuser", cmdACLSetUser, engine.Exclusive)
	engine.Register("acl|getuser", cmdACLGetUser)
	engine.Register("acl|deluser", cmdACLDelUser, engine.Exclusive)
	engine.Register("acl|list", cmdACLList)
	engine.Register("acl|users", cmdACLUsers)
	engine.Register("acl|whoami", cmdACLWhoAmI)
	engine.Register("acl|cat", cmdACLCat)
	engine.Register("acl|genpass", cmdACLGenPass)
	engine.Register("acl|log", cmdACLLog)
	engine.Register("acl|dryrun", cmdACLDryRun)
	engine.Register("acl|save", cmdACLSave)
	engine.Register("acl|load", cmdACLLoad, engine.Exclusive)
	engine.Register("acl|help", cmdACLHelp)

	engine.ClientInfoHook = func(e *engine.Engine, cl *engine.Client) string {
		return string(connAppendClientInfo(nil, &engine.Ctx{E: e}, cl, time.Now()))
	}
}

// connUserName is the name of the client's ACL user (CLIENT LIST user=).
func connUserName(cl *engine.Client) string {
	if cl.User == nil {
		return "default"
	}
	return cl.User.Name
}

// ACL SETUSER username [rule [rule ...]]
func cmdACLSetUser(c *engine.Ctx) {
	ops := make([]string, len(c.Argv)-3)
	for i, a := range c.Argv[3:] {
		ops[i] = string(a)
	}
	ch, err := c.E.ACL.SetUser(string(c.Argv[2]), ops)
	if err != nil {
		c.ErrString(err.Error())
		return
	}
	if ch.Old != nil {
		if shrunk, allowed := acl.ChannelsShrunk(ch.Old, ch.User.Rules()); shrunk {
			c.E.KillPubsubClients(ch.User, allowed, c.C)
		}
	}
	c.W.OK()
}

func aclSelectorFields(w *resp.Writer, s *acl.Selector) {
	w.BulkString("commands")
	w.BulkString(s.CommandRules())
	w.BulkString("keys")
	w.BulkString(s.KeysString())
	w.BulkString("channels")
	w.BulkString(s.ChannelsString())
}

// ACL GETUSER username
func cmdACLGetUser(c *engine.Ctx) {
	u := c.E.ACL.Get(string(c.Argv[2]))
	if u == nil {
		c.W.Null()
		return
	}
	rl := u.Rules()
	w := c.W
	w.Map(6)
	w.BulkString("flags")
	flags := rl.FlagNames()
	w.Set(len(flags))
	for _, f := range flags {
		w.BulkString(f)
	}
	w.BulkString("passwords")
	w.Array(len(rl.Passwords))
	for _, p := range rl.Passwords {
		w.BulkString(p)
	}
	aclSelectorFields(w, rl.Root())
	w.BulkString("selectors")
	w.Array(len(rl.Selectors) - 1)
	for _, s := range rl.Selectors[1:] {
		w.Map(3)
		aclSelectorFields(w, s)
	}
}

// ACL DELUSER username [username ...]
func cmdACLDelUser(c *engine.Ctx) {
	names := make([]string, 0, len(c.Argv)-2)
	for _, a := range c.Argv[2:] {
		if connCString(a) == "default" {
			c.ErrString("ERR The 'default' user cannot be removed")
			return
		}
		names = append(names, string(a))
	}
	gone := c.E.ACL.DelUsers(names)
	c.E.KillUserClients(gone, c.C)
	c.W.Int(int64(len(gone)))
}

// ACL LIST
func cmdACLList(c *engine.Ctx) {
	users := c.E.ACL.Users()
	c.W.Array(len(users))
	for _, u := range users {
		c.W.BulkString("user " + u.Name + " " + u.Rules().Describe())
	}
}

// ACL USERS
func cmdACLUsers(c *engine.Ctx) {
	users := c.E.ACL.Users()
	c.W.Array(len(users))
	for _, u := range users {
		c.W.BulkString(u.Name)
	}
}

// ACL WHOAMI
func cmdACLWhoAmI(c *engine.Ctx) {
	if c.C.User == nil {
		c.W.Null()
		return
	}
	c.W.BulkString(c.C.User.Name)
}

// ACL CAT [category]
func cmdACLCat(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		connSubcommandSyntaxErr(c)
		return
	}
	if len(c.Argv) == 2 {
		c.W.Array(len(command.CategoryNames))
		for _, n := range command.CategoryNames {
			c.W.BulkString(n)
		}
		return
	}
	names, ok := acl.CommandsInCategory(connCString(c.Argv[2]))
	if !ok {
		cat := connCString(c.Argv[2])
		if len(cat) > 128 {
			cat = cat[:128]
		}
		c.ErrString("ERR Unknown category '" + cat + "'")
		return
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// ACL GENPASS [bits]
func cmdACLGenPass(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		connSubcommandSyntaxErr(c)
		return
	}
	bits := int64(256)
	if len(c.Argv) == 3 {
		n, ok := resp.ParseInt(c.Argv[2])
		if !ok {
			c.Err(errs.NotInt)
			return
		}
		bits = n
	}
	if bits <= 0 || bits > 4096 {
		c.ErrString("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
		return
	}
	chars := (bits + 3) / 4
	buf := make([]byte, (chars+1)/2)
	rand.Read(buf)
	c.W.BulkString(hex.EncodeToString(buf)[:chars])
}

// ACL LOG [count | RESET]
func cmdACLLog(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		connSubcommandSyntaxErr(c)
		return
	}
	count := int64(10)
	if len(c.Argv) == 3 {
		if eqFold(c.Argv[2], "RESET") {
			c.E.ACL.ResetLog()
			c.W.OK()
			return
		}
		n, ok := resp.ParseInt(c.Argv[2])
		if !ok {
			c.Err(errs.NotInt)
			return
		}
		if n < 0 {
			n = 0
		}
		count = n
	}
	if count > 1<<20 {
		count = 1 << 20
	}
	entries := c.E.ACL.LogEntries(int(count))
	now := time.Now().UnixMilli()
	w := c.W
	w.Array(len(entries))
	for i := range entries {
		le := &entries[i]
		w.Map(7)
		w.BulkString("count")
		w.Int(le.Count)
		w.BulkString("reason")
		w.BulkString(le.ReasonName())
		w.BulkString("context")
		w.BulkString(le.ContextName())
		w.BulkString("object")
		w.BulkString(le.Object)
		w.BulkString("username")
		w.BulkString(le.Username)
		w.BulkString("age-seconds")
		w.Double(float64(now-le.CTime) / 1000)
		w.BulkString("client-info")
		w.BulkString(le.ClientInfo)
	}
}

// ACL DRYRUN username command [arg [arg ...]]
func cmdACLDryRun(c *engine.Ctx) {
	u := c.E.ACL.Get(string(c.Argv[2]))
	if u == nil {
		c.ErrString("ERR User '" + connCString(c.Argv[2]) + "' not found")
		return
	}
	argv := c.Argv[3:]
	spec := command.LookupBytes(argv[0])
	if spec != nil && spec.IsContainer() && len(argv) > 1 {
		spec = spec.SubBytes(argv[1])
	}
	if spec == nil {
		c.ErrString("ERR Command '" + connCString(argv[0]) + "' not found")
		return
	}
	if !spec.CheckArity(len(argv)) {
		c.ErrString("ERR wrong number of arguments for '" + spec.Name + "' command")
		return
	}
	res, pos := u.Rules().Check(spec, argv)
	switch res {
	case acl.OK:
		c.W.OK()
	case acl.DeniedCmd:
		c.W.BulkString("This user has no permissions to run the '" + spec.Name + "' command")
	case acl.DeniedKey:
		c.W.BulkString("This user has no permissions to access the '" + connCString(argv[pos]) + "' key")
	default:
		c.W.BulkString("This user has no permissions to access the '" + connCString(argv[pos]) + "' channel")
	}
}

const aclNoFile = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration."

// ACL SAVE
func cmdACLSave(c *engine.Ctx) {
	file := c.E.Cfg.String("aclfile")
	if file == "" {
		c.ErrString(aclNoFile)
		return
	}
	if err := c.E.ACL.SaveFile(file); err != nil {
		c.ErrString("ERR There was an error trying to save the ACLs. Please check the server logs for more information")
		return
	}
	c.W.OK()
}

// ACL LOAD
func cmdACLLoad(c *engine.Ctx) {
	file := c.E.Cfg.String("aclfile")
	if file == "" {
		c.ErrString(aclNoFile)
		return
	}
	gone, msg := c.E.ACL.LoadFile(file)
	if msg != "" {
		c.ErrString("ERR " + msg)
		return
	}
	c.E.KillUserClients(gone, c.C)
	c.W.OK()
}

var aclHelp = []string{
	"ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CAT [<category>]",
	"    List all commands that belong to <category>, or all command categories",
	"    when no category is specified.",
	"DELUSER <username> [<username> ...]",
	"    Delete a list of users.",
	"DRYRUN <username> <command> [<arg> ...]",
	"    Returns whether the user can execute the given command without executing the command.",
	"GETUSER <username>",
	"    Get the user's details.",
	"GENPASS [<bits>]",
	"    Generate a secure 256-bit user password. The optional `bits` argument can",
	"    be used to specify a different size.",
	"LIST",
	"    Show users details in config file format.",
	"LOAD",
	"    Reload users from the ACL file.",
	"LOG [<count> | RESET]",
	"    Show the ACL log entries.",
	"SAVE",
	"    Save the current config to the ACL file.",
	"SETUSER <username> <attribute> [<attribute> ...]",
	"    Create or modify a user with the specified attributes.",
	"USERS",
	"    List all the registered usernames.",
	"WHOAMI",
	"    Return the current connection username.",
	"HELP",
	"    Prints this help.",
}

// ACL HELP
func cmdACLHelp(c *engine.Ctx) { connWriteHelp(c, aclHelp) }
