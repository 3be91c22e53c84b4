// Package server owns the listeners and connections: one goroutine per
// connection reads every complete request in its buffer, runs each through
// the engine on that same goroutine, and writes all replies with one write
// per batch. It also runs the periodic jobs (active expiry).
//
// Listeners (listen.go): plain TCP on port and TLS on tls-port, both on
// every bind address ("-" marks an optional address, "*" and "::*" every
// IPv4/IPv6 address), and the Unix socket. CONFIG SET port, tls-port and
// bind rebind at runtime. TLS (tls.go) uses crypto/tls; CONFIG SET of a
// tls-* parameter builds a new configuration that new connections pick up
// at their handshake. tls.go documents how Redis's OpenSSL options map.
//
// Admission and limits, as Redis: maxclients and protected mode are
// checked at accept (the protected mode reply is Redis 7.0's text; whether
// the default user has a password is the DefaultUserNoPass seam); the
// request parser applies proto-max-bulk-len and the stricter limits before
// authentication; client-query-buffer-limit bounds the query buffer;
// client-output-buffer-limit applies to the replies a connection
// accumulates (hard limit after each command, soft limit over time, also
// while a write to a peer that does not read is blocked), the engine
// applying it to pub/sub queues; timeout closes idle clients that are
// neither blocked nor subscribed; tcp-keepalive sets the TCP keepalive
// (idle = the value, interval = a third, 3 probes, as anetKeepAlive).
//
// Unlike Redis, a connection's replies never pile up without bound when
// its peer does not read: its goroutine blocks in the write and stops
// reading further requests, so even with the default "normal 0 0 0" limit
// memory stays at about one batch of replies per connection.
//
// rename-command directives are applied to the engine's dispatch table at
// New; a bad directive is a fatal config error with Redis's text.
package server
