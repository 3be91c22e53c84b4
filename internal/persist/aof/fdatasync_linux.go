package aof

import (
	"os"
	"syscall"
)

// fdatasync flushes f's data (not its timestamps) as Redis's
// redis_fsync does on Linux.
func fdatasync(f *os.File) error {
	for {
		err := syscall.Fdatasync(int(f.Fd()))
		if err != syscall.EINTR {
			return err
		}
	}
}
