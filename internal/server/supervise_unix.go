//go:build unix

package server

import "syscall"

// stopSelf stops the process until its supervisor resumes it (upstart's
// "expect stop").
func stopSelf() { syscall.Kill(syscall.Getpid(), syscall.SIGSTOP) }
