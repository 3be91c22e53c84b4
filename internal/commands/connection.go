package commands

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
	"github.com/redwingdb/redwing/internal/errs"
	"github.com/redwingdb/redwing/internal/resp"
)

// Connection commands (Redis's networking.c and server.c): the session
// state of one connection and the CLIENT container.
//
// CLIENT LIST and CLIENT KILL read other connections' session fields, which
// their own goroutines write while running commands; they are registered
// Exclusive, so that no other command runs meanwhile.

func init() {
	engine.Register("ping", cmdPing)
	engine.Register("echo", cmdEcho)
	engine.Register("quit", cmdQuit)
	engine.Register("reset", cmdReset)
	engine.Register("select", cmdSelect)
	engine.Register("auth", cmdAuth)
	engine.Register("hello", cmdHello)

	engine.Register("client|id", cmdClientID)
	engine.Register("client|info", cmdClientInfo)
	engine.Register("client|list", cmdClientList, engine.Exclusive)
	engine.Register("client|kill", cmdClientKill, engine.Exclusive)
	engine.Register("client|setname", cmdClientSetName)
	engine.Register("client|getname", cmdClientGetName)
	engine.Register("client|setinfo", cmdClientSetInfo)
	engine.Register("client|no-evict", cmdClientNoEvict)
	engine.Register("client|no-touch", cmdClientNoTouch)
	engine.Register("client|reply", cmdClientReply)
	engine.Register("client|pause", cmdClientPause)
	engine.Register("client|unpause", cmdClientUnpause)
	engine.Register("client|unblock", cmdClientUnblock)
	engine.Register("client|help", cmdClientHelp)
}

// Seams for subsystems that come later; their families replace these in
// their own init functions.
var (
	// connSubscriptions reports a client's pub/sub channel, pattern and
	// shard-channel subscription counts (CLIENT LIST sub=, psub=, ssub=,
	// the P flag, TYPE pubsub, PING in RESP2 subscribed mode).
	connSubscriptions = func(*engine.Client) (channels, patterns, shards int) { return 0, 0, 0 }

	// connResetHooks run during RESET, after the transaction was discarded
	// and before the reply: pub/sub unsubscribes everything, tracking turns
	// itself off.
	connResetHooks []func(c *engine.Ctx)

	// connUserExists reports whether an ACL user exists (CLIENT KILL USER).
	connUserExists = func(e *engine.Engine, user string) bool { return e.ACL.Get(user) != nil }

	// connRole is the replication role HELLO reports.
	connRole = func(e *engine.Engine) string {
		if r := e.Cfg.String("replicaof"); r != "" && !strings.EqualFold(r, "no one") {
			return "replica"
		}
		return "master"
	}
)

// PING [message]
func cmdPing(c *engine.Ctx) {
	if len(c.Argv) > 2 {
		c.ErrString("ERR wrong number of arguments for 'ping' command")
		return
	}
	if c.C.Proto == 2 {
		if ch, pat, sh := connSubscriptions(c.C); ch+pat+sh > 0 {
			c.W.Array(2)
			c.W.BulkString("pong")
			if len(c.Argv) == 1 {
				c.W.BulkString("")
			} else {
				c.W.Bulk(c.Argv[1])
			}
			return
		}
	}
	if len(c.Argv) == 1 {
		c.W.Simple("PONG")
		return
	}
	c.W.Bulk(c.Argv[1])
}

// ECHO message
func cmdEcho(c *engine.Ctx) { c.W.Bulk(c.Argv[1]) }

// QUIT
func cmdQuit(c *engine.Ctx) {
	c.W.OK()
	c.C.Closing = true
}

// RESET
func cmdReset(c *engine.Ctx) {
	cl := c.C
	if c.E.IsMonitor(cl) {
		c.E.StopMonitor(cl)
	}
	cl.DB = 0
	c.DB = c.E.KS.DB(0)
	cl.Proto = 2
	cl.W.Proto = 2
	cl.User, cl.Authed = c.E.ACL.Default, c.E.DefaultAuthed()
	cl.Multi = nil
	c.E.Unwatch(cl)
	for _, h := range connResetHooks {
		h(c)
	}
	cl.SetName("")
	cl.ReplyMode = engine.ReplyOn
	cl.NoEvict = false
	cl.NoTouch = false
	c.W.Simple("RESET")
}

// SELECT index
func cmdSelect(c *engine.Ctx) {
	id, ok := resp.ParseInt(c.Argv[1])
	if !ok {
		c.Err(errs.NotInt)
		return
	}
	if id < math.MinInt32 || id > math.MaxInt32 {
		c.ErrString("ERR value is out of range, value must between -2147483648 and 2147483647")
		return
	}
	if id != 0 && c.E.Cfg.Bool("cluster-enabled") {
		c.ErrString("ERR SELECT is not allowed in cluster mode")
		return
	}
	if id < 0 || id >= int64(c.E.KS.NumDBs()) {
		c.Err(errs.DBIndex)
		return
	}
	c.C.DB = int(id)
	c.W.OK()
}

// AUTH [username] password
func cmdAuth(c *engine.Ctx) {
	if len(c.Argv) > 3 {
		c.Err(errs.Syntax)
		return
	}
	user, pass := []byte("default"), c.Argv[len(c.Argv)-1]
	if len(c.Argv) == 2 {
		if c.E.ACL.Default.Rules().NoPass() {
			c.ErrString("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
	} else {
		user = c.Argv[1]
	}
	u := c.E.ACL.Authenticate(user, pass)
	if u == nil {
		c.E.ACLLogAuth(c.C, c.Argv[0], user)
		c.Err(errs.WrongPass)
		return
	}
	c.C.Authed = true
	c.C.User = u
	c.W.OK()
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
func cmdHello(c *engine.Ctx) {
	var ver int64
	next := 1
	if len(c.Argv) >= 2 {
		v, ok := resp.ParseInt(c.Argv[1])
		if !ok {
			c.ErrString("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.ErrString("NOPROTO unsupported protocol version")
			return
		}
		ver = v
		next = 2
	}
	for j := next; j < len(c.Argv); j++ {
		more := len(c.Argv) - 1 - j
		opt := c.Argv[j]
		switch {
		case eqFold(opt, "AUTH") && more >= 2:
			u := c.E.ACL.Authenticate(c.Argv[j+1], c.Argv[j+2])
			if u == nil {
				c.E.ACLLogAuth(c.C, c.Argv[0], c.Argv[j+1])
				c.Err(errs.WrongPass)
				return
			}
			c.C.Authed = true
			c.C.User = u
			j += 2
		case eqFold(opt, "SETNAME") && more >= 1:
			if !connValidAttr(c.Argv[j+1]) {
				c.ErrString(connBadName)
				return
			}
			c.C.SetName(string(c.Argv[j+1]))
			j++
		default:
			c.ErrString("ERR Syntax error in HELLO option '" + connCString(opt) + "'")
			return
		}
	}
	if !c.C.Authed {
		c.ErrString("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if ver != 0 {
		c.C.Proto = int(ver)
		c.C.W.Proto = int(ver)
	}
	w := c.W
	w.Map(7)
	w.BulkString("server")
	w.BulkString("redis")
	w.BulkString("version")
	w.BulkString(engine.RedisVersion)
	w.BulkString("proto")
	w.Int(int64(c.C.Proto))
	w.BulkString("id")
	w.Int(c.C.ID)
	w.BulkString("mode")
	if c.E.Cfg.Bool("cluster-enabled") {
		w.BulkString("cluster")
	} else {
		w.BulkString("standalone")
	}
	w.BulkString("role")
	w.BulkString(connRole(c.E))
	w.BulkString("modules")
	w.Array(0)
}

// connCString is s as C's %s prints it: up to the first NUL byte.
func connCString(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

const connBadName = "ERR Client names cannot contain spaces, newlines or special characters."

// connValidAttr reports whether a client name or library attribute is
// made only of printable ASCII without spaces ('!' to '~'), as CLIENT
// LIST's space-separated format requires.
func connValidAttr(b []byte) bool {
	for _, ch := range b {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

// CLIENT ID
func cmdClientID(c *engine.Ctx) { c.W.Int(c.C.ID) }

// CLIENT INFO
func cmdClientInfo(c *engine.Ctx) {
	b := connAppendClientInfo(nil, c, c.C, time.Now())
	b = append(b, '\n')
	c.W.Verbatim("txt", string(b))
}

// CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]
func cmdClientList(c *engine.Ctx) {
	now := time.Now()
	var b []byte
	switch {
	case len(c.Argv) == 4 && eqFold(c.Argv[2], "TYPE"):
		typ, ok := connParseClientType(c.Argv[3])
		if !ok {
			c.ErrString("ERR Unknown client type '" + connCString(c.Argv[3]) + "'")
			return
		}
		for _, cl := range c.E.Clients() {
			if !cl.Killed() && connClientType(c, cl) == typ {
				b = connAppendClientInfo(b, c, cl, now)
				b = append(b, '\n')
			}
		}
	case len(c.Argv) > 3 && eqFold(c.Argv[2], "ID"):
		for _, a := range c.Argv[3:] {
			id, ok := resp.ParseInt(a)
			if !ok {
				c.ErrString("ERR Invalid client ID")
				return
			}
			if cl := c.E.Client(id); cl != nil && !cl.Killed() {
				b = connAppendClientInfo(b, c, cl, now)
				b = append(b, '\n')
			}
		}
	case len(c.Argv) != 2:
		c.Err(errs.Syntax)
		return
	default:
		for _, cl := range c.E.Clients() {
			if !cl.Killed() {
				b = connAppendClientInfo(b, c, cl, now)
				b = append(b, '\n')
			}
		}
	}
	c.W.Verbatim("txt", string(b))
}

// Client types, as CLIENT LIST TYPE and CLIENT KILL TYPE name them.
const (
	connTypeNormal = iota
	connTypeReplica
	connTypePubsub
	connTypeMaster
)

func connParseClientType(b []byte) (int, bool) {
	switch {
	case eqFold(b, "NORMAL"):
		return connTypeNormal, true
	case eqFold(b, "SLAVE"), eqFold(b, "REPLICA"):
		return connTypeReplica, true
	case eqFold(b, "PUBSUB"):
		return connTypePubsub, true
	case eqFold(b, "MASTER"):
		return connTypeMaster, true
	}
	return 0, false
}

// connClientType is Redis's getClientType. MONITOR clients are normal;
// replica and master links come with replication.
func connClientType(c *engine.Ctx, cl *engine.Client) int {
	if ch, pat, sh := connSubscriptions(cl); ch+pat+sh > 0 {
		return connTypePubsub
	}
	return connTypeNormal
}

// connIsUnix reports whether cl came in over the Unix socket: its peer
// address is unnamed and its local address is the socket path.
func connIsUnix(cl *engine.Client) bool {
	return (cl.Addr == "" || cl.Addr == "@") && cl.LAddr != "" && !strings.Contains(cl.LAddr, ":")
}

// connPeerID is the addr= field of CLIENT LIST (ip:port, or path:0).
func connPeerID(cl *engine.Client) string {
	if connIsUnix(cl) {
		return cl.LAddr + ":0"
	}
	return cl.Addr
}

// connSockName is the laddr= field of CLIENT LIST.
func connSockName(cl *engine.Client) string {
	if connIsUnix(cl) {
		return cl.LAddr + ":0"
	}
	return cl.LAddr
}

// connAppendClientInfo appends one CLIENT LIST line (without the newline)
// in Redis 7.2's format. Fields Redwing does not track (output buffer
// details, memory) are reported as the closest meaningful value or 0.
func connAppendClientInfo(b []byte, c *engine.Ctx, cl *engine.Client, now time.Time) []byte {
	self := cl == c.C
	ch, pat, sh := connSubscriptions(cl)
	multi := int64(-1)
	var multiMem int64
	if m := cl.Multi; m != nil {
		multi = m.Len()
		multiMem = m.Mem()
	}
	cmd := cl.LastCmd()
	var argvMem, obl int64
	if self {
		// The current command: inside EXEC, Redis reports EXEC itself.
		cmd = c.Cmd.Spec.Name
		for _, a := range c.Argv {
			argvMem += int64(len(a))
		}
		if cl.Multi != nil {
			// Inside EXEC, Redis reports EXEC's own name and argv.
			cmd = "exec"
			argvMem = int64(len("exec"))
		}
		obl = int64(c.W.Len())
	}
	qbuf := cl.QueryBufLen.Load()
	if qbuf < 0 {
		qbuf = 0
	}
	const rbs = 16384
	age := int64(now.Sub(cl.Created) / time.Second)
	idle := (now.UnixMilli() - cl.LastActive.Load()) / 1000
	if idle < 0 {
		idle = 0
	}
	name := cl.Name()
	libName, libVer := cl.LibInfo()

	b = append(b, "id="...)
	b = strconv.AppendInt(b, cl.ID, 10)
	b = append(b, " addr="...)
	b = append(b, connPeerID(cl)...)
	b = append(b, " laddr="...)
	b = append(b, connSockName(cl)...)
	b = append(b, " fd="...)
	b = strconv.AppendInt(b, int64(cl.FD), 10)
	b = append(b, " name="...)
	b = append(b, name...)
	b = append(b, " age="...)
	b = strconv.AppendInt(b, age, 10)
	b = append(b, " idle="...)
	b = strconv.AppendInt(b, idle, 10)
	b = append(b, " flags="...)
	b = connAppendFlags(b, c, cl, ch+pat+sh > 0)
	b = append(b, " db="...)
	b = strconv.AppendInt(b, int64(cl.DB), 10)
	b = append(b, " sub="...)
	b = strconv.AppendInt(b, int64(ch), 10)
	b = append(b, " psub="...)
	b = strconv.AppendInt(b, int64(pat), 10)
	b = append(b, " ssub="...)
	b = strconv.AppendInt(b, int64(sh), 10)
	b = append(b, " multi="...)
	b = strconv.AppendInt(b, multi, 10)
	b = append(b, " qbuf="...)
	b = strconv.AppendInt(b, qbuf, 10)
	b = append(b, " qbuf-free=0 argv-mem="...)
	b = strconv.AppendInt(b, argvMem, 10)
	b = append(b, " multi-mem="...)
	b = strconv.AppendInt(b, multiMem, 10)
	b = append(b, " rbs="...)
	b = strconv.AppendInt(b, rbs, 10)
	b = append(b, " rbp="...)
	b = strconv.AppendInt(b, rbs, 10)
	b = append(b, " obl="...)
	b = strconv.AppendInt(b, obl, 10)
	omem := cl.OutputBacklog()
	b = append(b, " oll=0 omem="...)
	b = strconv.AppendInt(b, omem, 10)
	b = append(b, " tot-mem="...)
	b = strconv.AppendInt(b, qbuf+argvMem+multiMem+rbs+obl+omem, 10)
	b = append(b, " events=r cmd="...)
	b = append(b, cmd...)
	b = append(b, " user="...)
	b = append(b, connUserName(cl)...)
	redir := int64(-1)
	if tr := cl.TrackingInfo(); tr.On {
		redir = tr.Redirect // 0 when tracking without REDIRECT, as Redis
	}
	b = append(b, " redir="...)
	b = strconv.AppendInt(b, redir, 10)
	b = append(b, " resp="...)
	b = strconv.AppendInt(b, int64(cl.Proto), 10)
	b = append(b, " lib-name="...)
	b = append(b, libName...)
	b = append(b, " lib-ver="...)
	b = append(b, libVer...)
	return b
}

// connAppendFlags appends the flags= letters in Redis's order.
func connAppendFlags(b []byte, c *engine.Ctx, cl *engine.Client, pubsub bool) []byte {
	start := len(b)
	if c.E.IsMonitor(cl) {
		b = append(b, 'O')
	}
	if pubsub {
		b = append(b, 'P')
	}
	if cl.Multi != nil {
		b = append(b, 'x')
	}
	if cl.Blocked() {
		b = append(b, 'b')
	}
	if tr := cl.TrackingInfo(); tr.On {
		b = append(b, 't')
		if tr.BrokenRedirect {
			b = append(b, 'R')
		}
		if tr.BCast {
			b = append(b, 'B')
		}
	}
	if c.E.WatchDirty(cl) {
		b = append(b, 'd')
	}
	if cl == c.C && cl.Closing {
		b = append(b, 'c')
	}
	if connIsUnix(cl) {
		b = append(b, 'U')
	}
	if cl.NoEvict {
		b = append(b, 'e')
	}
	if cl.NoTouch {
		b = append(b, 'T')
	}
	if len(b) == start {
		b = append(b, 'N')
	}
	return b
}

// CLIENT KILL ip:port
// CLIENT KILL <ID client-id | TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB |
//
//	USER username | ADDR ip:port | LADDR ip:port | SKIPME YES|NO |
//	MAXAGE maxage> [...]
func cmdClientKill(c *engine.Ctx) {
	var (
		addr, laddr, user *string
		typ               = -1
		id                int64
		maxAge            time.Duration = -1
		skipMe                          = true
	)
	argv := c.Argv
	if len(argv) == 3 {
		s := string(argv[2])
		addr = &s
		skipMe = false // with the old form a client may kill itself
	} else {
		for i := 2; i < len(argv); i += 2 {
			if i+1 >= len(argv) {
				c.Err(errs.Syntax)
				return
			}
			opt, val := argv[i], argv[i+1]
			switch {
			case eqFold(opt, "ID"):
				n, ok := resp.ParseInt(val)
				if !ok || n < 1 {
					c.ErrString("ERR client-id should be greater than 0")
					return
				}
				id = n
			case eqFold(opt, "TYPE"):
				t, ok := connParseClientType(val)
				if !ok {
					c.ErrString("ERR Unknown client type '" + connCString(val) + "'")
					return
				}
				typ = t
			case eqFold(opt, "ADDR"):
				s := string(val)
				addr = &s
			case eqFold(opt, "LADDR"):
				s := string(val)
				laddr = &s
			case eqFold(opt, "USER"):
				s := string(val)
				if !connUserExists(c.E, s) {
					c.ErrString("ERR No such user '" + connCString(val) + "'")
					return
				}
				user = &s
			case eqFold(opt, "SKIPME"):
				switch {
				case eqFold(val, "YES"):
					skipMe = true
				case eqFold(val, "NO"):
					skipMe = false
				default:
					c.Err(errs.Syntax)
					return
				}
			case eqFold(opt, "MAXAGE"):
				// Redis 7.4: connections older than maxage seconds.
				n, ok := resp.ParseInt(val)
				if !ok {
					c.Err(errs.NotInt)
					return
				}
				switch {
				case n < 0:
					maxAge = 0
				case n > math.MaxInt64/int64(time.Second):
					maxAge = math.MaxInt64
				default:
					maxAge = time.Duration(n) * time.Second
				}
			default:
				c.Err(errs.Syntax)
				return
			}
		}
	}
	now := time.Now()
	killed := int64(0)
	closeSelf := false
	for _, cl := range c.E.Clients() {
		if cl.Killed() {
			continue
		}
		if addr != nil && connPeerID(cl) != *addr {
			continue
		}
		if laddr != nil && connSockName(cl) != *laddr {
			continue
		}
		if typ != -1 && connClientType(c, cl) != typ {
			continue
		}
		if id != 0 && cl.ID != id {
			continue
		}
		if user != nil && connUserName(cl) != *user {
			continue
		}
		if maxAge >= 0 && now.Sub(cl.Created) <= maxAge {
			continue
		}
		if cl == c.C {
			if skipMe {
				continue
			}
			closeSelf = true
		} else {
			cl.Kill()
		}
		killed++
	}
	if len(argv) == 3 {
		if killed == 0 {
			c.ErrString("ERR No such client")
		} else {
			c.W.OK()
		}
	} else {
		c.W.Int(killed)
	}
	if closeSelf {
		c.C.Closing = true
	}
}

// CLIENT SETNAME connection-name
func cmdClientSetName(c *engine.Ctx) {
	if !connValidAttr(c.Argv[2]) {
		c.ErrString(connBadName)
		return
	}
	c.C.SetName(string(c.Argv[2]))
	c.W.OK()
}

// CLIENT GETNAME
func cmdClientGetName(c *engine.Ctx) {
	if n := c.C.Name(); n != "" {
		c.W.BulkString(n)
		return
	}
	c.W.Null()
}

// CLIENT SETINFO LIB-NAME libname | LIB-VER libver
func cmdClientSetInfo(c *engine.Ctx) {
	attr, val := c.Argv[2], c.Argv[3]
	var which string
	switch {
	case eqFold(attr, "LIB-NAME"):
		which = "lib-name"
	case eqFold(attr, "LIB-VER"):
		which = "lib-ver"
	default:
		c.ErrString("ERR Unrecognized option '" + connCString(attr) + "'")
		return
	}
	if !connValidAttr(val) {
		c.ErrString("ERR " + connCString(attr) + " cannot contain spaces, newlines or special characters.")
		return
	}
	c.C.SetLibInfo(which, string(val))
	c.W.OK()
}

// connOnOff parses ON|OFF, writing a syntax error otherwise.
func connOnOff(c *engine.Ctx, b []byte) (on, ok bool) {
	switch {
	case eqFold(b, "ON"):
		return true, true
	case eqFold(b, "OFF"):
		return false, true
	}
	c.Err(errs.Syntax)
	return false, false
}

// CLIENT NO-EVICT ON|OFF
func cmdClientNoEvict(c *engine.Ctx) {
	if on, ok := connOnOff(c, c.Argv[2]); ok {
		c.C.NoEvict = on
		c.W.OK()
	}
}

// CLIENT NO-TOUCH ON|OFF
func cmdClientNoTouch(c *engine.Ctx) {
	if on, ok := connOnOff(c, c.Argv[2]); ok {
		c.C.NoTouch = on
		c.W.OK()
	}
}

// CLIENT REPLY ON|OFF|SKIP
func cmdClientReply(c *engine.Ctx) {
	switch a := c.Argv[2]; {
	case eqFold(a, "ON"):
		c.C.ReplyMode = engine.ReplyOn
		c.W.OK()
	case eqFold(a, "OFF"):
		c.C.ReplyMode = engine.ReplyOff
	case eqFold(a, "SKIP"):
		if c.C.ReplyMode != engine.ReplyOff {
			c.C.SkipNextReply()
		}
	default:
		c.Err(errs.Syntax)
	}
}

// CLIENT PAUSE timeout [WRITE|ALL]
func cmdClientPause(c *engine.Ctx) {
	if len(c.Argv) > 4 {
		connSubcommandSyntaxErr(c)
		return
	}
	all := true
	if len(c.Argv) == 4 {
		switch {
		case eqFold(c.Argv[3], "WRITE"):
			all = false
		case eqFold(c.Argv[3], "ALL"):
		default:
			c.ErrString("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	}
	ms, ok := parseMsTimeout(c, c.Argv[2])
	if !ok {
		return
	}
	if ms > 0 {
		ms += time.Now().UnixMilli() // wraps like Redis's mstime addition
	}
	c.E.Pause(ms, all)
	c.W.OK()
}

// CLIENT UNPAUSE
func cmdClientUnpause(c *engine.Ctx) {
	c.E.Unpause()
	c.W.OK()
}

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
// parseMsTimeout parses a timeout in milliseconds as Redis's
// getTimeoutFromObjectOrReply with UNIT_MILLISECONDS (CLIENT PAUSE, WAIT),
// replying its errors.
func parseMsTimeout(c *engine.Ctx, arg []byte) (int64, bool) {
	ms, ok := resp.ParseInt(arg)
	if !ok {
		c.ErrString("ERR timeout is not an integer or out of range")
		return 0, false
	}
	if ms < 0 {
		c.Err(errs.TimeoutNeg)
		return 0, false
	}
	return ms, true
}

func cmdClientUnblock(c *engine.Ctx) {
	if len(c.Argv) > 4 {
		connSubcommandSyntaxErr(c)
		return
	}
	if len(c.Argv) == 4 && !eqFold(c.Argv[3], "TIMEOUT") && !eqFold(c.Argv[3], "ERROR") {
		c.ErrString("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
		return
	}
	id, ok := resp.ParseInt(c.Argv[2])
	if !ok {
		c.Err(errs.NotInt)
		return
	}
	withErr := len(c.Argv) == 4 && eqFold(c.Argv[3], "ERROR")
	if c.E.UnblockClient(id, withErr) {
		c.W.Int(1)
		return
	}
	c.W.Int(0)
}

// CLIENT GETREDIR

// connClientHelp is Redis 7.2's CLIENT HELP text plus MAXAGE.
var connClientHelp = []string{
	"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"GETREDIR",
	"    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"    * MAXAGE <maxage>",
	"      Kill connections older than the specified age, in seconds.",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"UNPAUSE",
	"    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)",
	"    Control the replies sent to the current connection.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"SETINFO <option> <value>",
	"    Set client meta attr. Options are:",
	"    * LIB-NAME: the client lib name.",
	"    * LIB-VER: the client lib version.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]",
	"    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO",
	"    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
	"NO-TOUCH (ON|OFF)",
	"    Will not touch LRU/LFU stats when this mode is on.",
	"HELP",
	"    Prints this help.",
}

// CLIENT HELP
func cmdClientHelp(c *engine.Ctx) { connWriteHelp(c, connClientHelp) }

// connSubcommandSyntaxErr is Redis's addReplySubcommandSyntaxError, for a
// subcommand whose handler rejects its argument count.
func connSubcommandSyntaxErr(c *engine.Ctx) {
	sub := connCString(c.Argv[1])
	if len(sub) > 128 {
		sub = sub[:128]
	}
	parent, _, _ := strings.Cut(c.Cmd.Spec.Name, "|")
	c.ErrString("ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try " + strings.ToUpper(parent) + " HELP.")
}

// connWriteHelp writes help lines as status replies, as addReplyHelp.
func connWriteHelp(c *engine.Ctx, lines []string) {
	c.W.Array(len(lines))
	for _, l := range lines {
		c.W.Simple(l)
	}
}
