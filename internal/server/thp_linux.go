//go:build linux

package server

import "syscall"

const prSetTHPDisable = 41 // PR_SET_THP_DISABLE

// disableTHP keeps transparent huge pages off this process's memory when
// disable-thp is yes (the default), as Redis does at start: huge pages
// make a freed or copied small object cost 2 MB of resident memory and
// give khugepaged work that stalls the process. A server run as a program
// only (Run): an embedding program keeps its own setting.
func (s *Server) disableTHP() {
	if !s.Cfg.Bool("disable-thp") {
		return
	}
	if _, _, errno := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetTHPDisable, 1, 0, 0, 0, 0); errno != 0 {
		s.Log.Printf("WARNING: failed to disable THP: %v", errno)
	}
}
