//go:build !linux

package server

// Without epoll every connection is served by a goroutine of its own.

const loopsEnabled = false

type eventLoops struct{}

func (s *Server) startLoops()                   {}
func (all *eventLoops) adopt(*trackedConn) bool { return false }
func (all *eventLoops) stop()                   {}
