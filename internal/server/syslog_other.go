//go:build !unix

package server

import "io"

// withSyslog: no syslog here (as Redis on Windows ports); logs go to out.
func withSyslog(out io.Writer, _ bool, _, _ string) io.Writer { return out }
