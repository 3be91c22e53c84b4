package server

import (
	"errors"
	"net"
	"os"
	"time"

	"github.com/redwingdb/redwing/internal/engine"
)

// waitBlocked runs while the client's last command is blocked (BLPOP ...):
// it flushes the replies before it, then waits in the engine, holding no
// lock, while a reader goroutine watches the socket. Bytes that arrive
// meanwhile (pipelined commands) are appended to buf for later parsing, as
// Redis keeps them in the query buffer; EOF or a read error cancels the
// wait. It returns the buffer and false when the connection is gone.
func (s *Server) waitBlocked(nc net.Conn, c *engine.Client, buf []byte) ([]byte, bool) {
	if !s.flush(nc, c) {
		s.Eng.CancelBlocked(c)
		return buf, false
	}
	closed := make(chan struct{})
	done := make(chan struct{})
	var extra []byte
	go func() {
		defer close(done)
		tmp := make([]byte, 4096)
		for {
			n, err := nc.Read(tmp)
			if n > 0 {
				extra = append(extra, tmp[:n]...)
				s.Eng.Stats.NetInputBytes.Add(int64(n))
			}
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					return // interrupted: the wait is over
				}
				close(closed)
				return
			}
		}
	}()
	ok := s.Eng.WaitBlocked(c, closed)
	nc.SetReadDeadline(time.Unix(1, 0))
	<-done
	nc.SetReadDeadline(time.Time{})
	buf = append(buf, extra...)
	if !ok {
		return buf, false
	}
	select {
	case <-closed:
		// The peer closed after the wait ended: flush what we can; the
		// next read reports the close.
	default:
	}
	return buf, true
}
