//go:build !linux

package server

// watchOOMScoreAdj: the OOM killer's score is Linux's; elsewhere
// oom-score-adj is accepted and has no effect, as in Redis.
func (s *Server) watchOOMScoreAdj() {}
