// Package errs holds every error text Redwing sends to clients, in one
// place. Clients match on these strings, so each must be Redis's exact text.
// Operations return these values; handlers write them with Ctx.Err.
package errs

// Error is a reply error whose text (including the code prefix) is sent as is.
type Error string

func (e Error) Error() string { return string(e) }

// The closed set of common reply errors.
const (
	WrongType     Error = "WRONGTYPE Operation against a key holding the wrong kind of value"
	NotInt        Error = "ERR value is not an integer or out of range"
	NotFloat      Error = "ERR value is not a valid float"
	Syntax        Error = "ERR syntax error"
	NoSuchKey     Error = "ERR no such key"
	Overflow      Error = "ERR increment or decrement would overflow"
	IncrNaN       Error = "ERR increment would produce NaN or Infinity"
	OutOfRange    Error = "ERR index out of range"
	NoAuth        Error = "NOAUTH Authentication required."
	WrongPass     Error = "WRONGPASS invalid username-password pair or user is disabled."
	DBIndex       Error = "ERR DB index is out of range"
	InvalidExpire Error = "ERR invalid expire time in '%s' command"
	StringTooLong Error = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	BitOffset     Error = "ERR bit offset is not an integer or out of range"
	BitValue      Error = "ERR bit is not an integer or out of range"
	SameObject    Error = "ERR source and destination objects are the same"
	Timeout       Error = "ERR timeout is not a float or out of range"
	TimeoutNeg    Error = "ERR timeout is negative"
	NoMulti       Error = "ERR EXEC without MULTI"
	NestedMulti   Error = "ERR MULTI calls can not be nested"
	ExecAbort     Error = "EXECABORT Transaction discarded because of previous errors."
	OOM           Error = "OOM command not allowed when used memory > 'maxmemory'."
	Busy          Error = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	NoScript      Error = "NOSCRIPT No matching script. Please use EVAL."
	NotPositive   Error = "ERR value is out of range, must be positive"
)
