//go:build unix

package server

import (
	"io"
	"log/syslog"
)

// syslogAddr is where syslog lines go: "" for the system's socket
// (/dev/log); tests name a socket of their own.
var syslogAddr = ""

var syslogFacilities = map[string]syslog.Priority{
	"user": syslog.LOG_USER, "local0": syslog.LOG_LOCAL0, "local1": syslog.LOG_LOCAL1,
	"local2": syslog.LOG_LOCAL2, "local3": syslog.LOG_LOCAL3, "local4": syslog.LOG_LOCAL4,
	"local5": syslog.LOG_LOCAL5, "local6": syslog.LOG_LOCAL6, "local7": syslog.LOG_LOCAL7,
}

// withSyslog adds syslog to the log's destination when syslog-enabled is
// yes, as Redis's log does (syslog-ident, syslog-facility). No syslog
// daemon to reach: the lines go to out only, as openlog's do.
func withSyslog(out io.Writer, enabled bool, ident, facility string) io.Writer {
	if !enabled {
		return out
	}
	pri := syslogFacilities[facility] | syslog.LOG_NOTICE
	var w *syslog.Writer
	var err error
	if syslogAddr == "" {
		w, err = syslog.New(pri, ident)
	} else {
		w, err = syslog.Dial("unixgram", syslogAddr, pri, ident)
	}
	if err != nil {
		return out
	}
	return &syslogTee{out: out, w: w}
}

type syslogTee struct {
	out io.Writer
	w   *syslog.Writer
}

// Write sends a log line to both; syslog gets it without the log's date
// and time, which syslog stamps itself.
func (t *syslogTee) Write(b []byte) (int, error) {
	msg := b
	if len(msg) > len("2006/01/02 15:04:05 ") && msg[4] == '/' && msg[13] == ':' {
		msg = msg[len("2006/01/02 15:04:05 "):]
	}
	t.w.Write(msg)
	return t.out.Write(b)
}
