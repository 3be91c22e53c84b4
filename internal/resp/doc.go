// Package resp implements the Redis serialization protocol: a request parser
// that slices arguments out of one read buffer (RESP multibulk and inline
// commands, with Redis's hard limits) and an append-style reply writer that
// knows the difference between RESP2 and RESP3.
//
// The parser never blocks and never copies: Parse reports how many bytes of
// the buffer a complete command used, or that more input is needed. The
// server owns the buffer and compacts it after a batch of commands ran.
package resp
