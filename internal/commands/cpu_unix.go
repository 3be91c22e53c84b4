//go:build unix

package commands

import (
	"syscall"
	"time"
)

type cpuTimes struct{ sys, user, childSys, childUser time.Duration }

func processCPU() cpuTimes {
	var self, children syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	d := func(tv syscall.Timeval) time.Duration { return time.Duration(tv.Nano()) }
	return cpuTimes{d(self.Stime), d(self.Utime), d(children.Stime), d(children.Utime)}
}
