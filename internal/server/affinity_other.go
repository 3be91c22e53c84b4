//go:build !linux

package server

// applyServerCPUList: sched_setaffinity is Linux's; elsewhere
// server_cpulist is accepted and has no effect (Redis also sets it on the
// BSDs, which Redwing does not build for).
func (s *Server) applyServerCPUList() {}
