// Package server owns the listeners and connections: one goroutine per
// connection reads every complete request in its buffer, runs each through
// the engine on that same goroutine, and writes all replies with one write
// per batch. It also runs the periodic jobs (active expiry).
package server
