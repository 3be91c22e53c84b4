//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
)

// startDaemon starts this program again in the background, in a session of
// its own with its standard streams on /dev/null, as Redis's daemonize()
// forks (a Go program cannot fork); the caller then exits.
func startDaemon() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), daemonEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
