package acl

import "time"

// Log contexts.
const (
	CtxToplevel = iota
	CtxMulti
	CtxLua
	CtxModule
)

// groupWindow is ACL_LOG_GROUPING_MAX_TIME_DELTA.
const groupWindow = 60000

// LogEntry is one ACL LOG entry.
type LogEntry struct {
	Count      int64
	Reason     int // DeniedCmd, DeniedKey, DeniedAuth, DeniedChannel
	Context    int
	Object     string
	Username   string
	CTime      int64 // unix ms of the last update
	ClientInfo string
}

// ReasonName is the "reason" field text.
func (e *LogEntry) ReasonName() string {
	switch e.Reason {
	case DeniedCmd:
		return "command"
	case DeniedKey:
		return "key"
	case DeniedChannel:
		return "channel"
	case DeniedAuth:
		return "auth"
	}
	return "unknown"
}

// ContextName is the "context" field text.
func (e *LogEntry) ContextName() string {
	switch e.Context {
	case CtxToplevel:
		return "toplevel"
	case CtxMulti:
		return "multi"
	case CtxLua:
		return "lua"
	case CtxModule:
		return "module"
	}
	return "unknown"
}

// AddLog records a denial (addACLLogEntry): a similar recent entry among
// the 10 newest is bumped and moved to the front instead of adding one.
func (r *Registry) AddLog(reason, context int, object, username, clientInfo string) {
	now := time.Now().UnixMilli()
	r.logMu.Lock()
	defer r.logMu.Unlock()
	for i := 0; i < len(r.log) && i < 10; i++ {
		e := r.log[i]
		d := e.CTime - now
		if d < 0 {
			d = -d
		}
		if e.Reason == reason && e.Context == context && d <= groupWindow && e.Object == object && e.Username == username {
			copy(r.log[1:i+1], r.log[:i])
			r.log[0] = e
			e.ClientInfo = clientInfo
			e.CTime = now
			e.Count++
			return
		}
	}
	e := &LogEntry{Count: 1, Reason: reason, Context: context, Object: object, Username: username, CTime: now, ClientInfo: clientInfo}
	r.log = append(r.log, nil)
	copy(r.log[1:], r.log)
	r.log[0] = e
	max := int(r.LogMaxLen.Load())
	for len(r.log) > max {
		r.log[len(r.log)-1] = nil
		r.log = r.log[:len(r.log)-1]
	}
}

// LogEntries returns copies of up to n newest entries.
func (r *Registry) LogEntries(n int) []LogEntry {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	if n > len(r.log) {
		n = len(r.log)
	}
	out := make([]LogEntry, n)
	for i := 0; i < n; i++ {
		out[i] = *r.log[i]
	}
	return out
}

// ResetLog empties the log (ACL LOG RESET).
func (r *Registry) ResetLog() {
	r.logMu.Lock()
	r.log = nil
	r.logMu.Unlock()
}
