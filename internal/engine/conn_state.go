package engine

import "strings"

// execAbortPrefix starts the error a rejected EXEC replies with.
const execAbortPrefix = "EXECABORT Transaction discarded because of: "

// rejectArgv is reject for a request whose name is known. As Redis's
// rejectCommand, a rejected EXEC (wrong arity, NOAUTH ...) discards the
// transaction and replies EXECABORT with the reason, without its ERR code.
func (e *Engine) rejectArgv(c *Client, argv [][]byte, msg string) {
	if !isExecName(argv[0]) {
		e.reject(c, msg)
		return
	}
	if c.gateCmd != nil {
		c.gateCmd.Stats.Rejected.Add(1)
	}
	e.DiscardTx(c)
	msg = execAbortPrefix + strings.TrimPrefix(msg, "ERR ")
	e.Stats.CountError(msg)
	c.W.Error(msg)
}

func isExecName(b []byte) bool {
	return len(b) == 4 && b[0]|0x20 == 'e' && b[1]|0x20 == 'x' && b[2]|0x20 == 'e' && b[3]|0x20 == 'c'
}

// isSecurityAttack reports whether the command name is "POST" or "Host:",
// which only an HTTP request smuggled to the port sends.
func isSecurityAttack(name []byte) bool {
	switch len(name) {
	case 4:
		return strings.EqualFold(string(name), "post")
	case 5:
		return strings.EqualFold(string(name), "host:")
	}
	return false
}

// securityWarning drops the connection without a reply, and without the
// replies still buffered for its earlier pipelined commands, as Redis's
// securityWarningCommand (which frees the client asynchronously) does.
func (e *Engine) securityWarning(c *Client) {
	c.W.Reset()
	c.Closing = true
}
