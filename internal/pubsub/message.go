package pubsub

import "strconv"

// Message type names, as the first element of pub/sub replies.
const (
	KindMessage  = "message"
	KindPMessage = "pmessage"
	KindSMessage = "smessage"
)

// AppendMessage appends a published message as a subscriber using protocol
// proto receives it: ["message", channel, payload], ["smessage", ...] or,
// when pattern is non-nil, ["pmessage", pattern, channel, payload]. Under
// RESP3 it is a push frame, under RESP2 an array.
func AppendMessage(dst []byte, proto int, kind string, pattern, channel, payload []byte) []byte {
	n := 3
	if pattern != nil {
		n = 4
	}
	dst = AppendHeader(dst, proto, n)
	dst = AppendBulkString(dst, kind)
	if pattern != nil {
		dst = AppendBulk(dst, pattern)
	}
	dst = AppendBulk(dst, channel)
	return AppendBulk(dst, payload)
}

// AppendHeader appends a push header of n elements (RESP2: an array).
func AppendHeader(dst []byte, proto, n int) []byte {
	if proto >= 3 {
		dst = append(dst, '>')
	} else {
		dst = append(dst, '*')
	}
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, '\r', '\n')
}

// AppendBulk appends a bulk string.
func AppendBulk(dst, b []byte) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(b)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, b...)
	return append(dst, '\r', '\n')
}

// AppendBulkString appends a bulk string from a Go string.
func AppendBulkString(dst []byte, s string) []byte {
	dst = append(dst, '$')
	dst = strconv.AppendInt(dst, int64(len(s)), 10)
	dst = append(dst, '\r', '\n')
	dst = append(dst, s...)
	return append(dst, '\r', '\n')
}
