//go:build !linux

package server

func (s *Server) disableTHP() {}
