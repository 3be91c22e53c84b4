package server

import (
	"syscall"
	"time"
	"unsafe"
)

// The event loops' reads, writes and polls are non-blocking: they return
// within microseconds, so they are made without telling the scheduler
// (syscall.Syscall's entersyscall and exitsyscall, a few percent of a
// loaded loop's time). Only a wait that may block goes through
// syscall.EpollWait, so that the runtime can hand the loop's P to other
// goroutines meanwhile; the exception is a leader's nap (rawWait).

func rawRead(fd int, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return rawResult(n, errno)
}

func rawWrite(fd int, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return rawResult(n, errno)
}

// rawWait is epoll_wait with a timeout in milliseconds (0: a poll), made
// as epoll_pwait without a signal mask (arm64 has no epoll_wait). A wait
// that sleeps (a leader's nap) keeps the goroutine's P meanwhile; a
// preemption request (stop-the-world, forEachP) signals the thread, which
// ends the wait with EINTR, and the caller reaches a safe point at its
// next call.
func rawWait(epfd int, events []syscall.EpollEvent, ms int) (int, error) {
	n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), uintptr(ms), 0, 0)
	return rawResult(n, errno)
}

// rawNanosleep sleeps for d keeping the goroutine's P, as a nap
// in rawWait does (a preemption signal ends it early). The thread's timer
// slack is set to a microsecond first: the default 50 µs would more than
// double a short sleep.
func rawNanosleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1000, 0)
	syscall.RawSyscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
}

const prSetTimerSlack = 29 // PR_SET_TIMERSLACK

func rawResult(n uintptr, errno syscall.Errno) (int, error) {
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}
