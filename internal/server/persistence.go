package server

// Persistence wiring: the data is loaded by Load (Run calls it once the
// server listens, as Redis; the embedding API before it listens): the AOF
// when appendonly is yes, the RDB file otherwise. The
// AOF reply barrier runs before every flush of replies, a cron goroutine
// runs save points, scheduled jobs and automatic AOF rewrites, SHUTDOWN and
// SIGTERM save when asked to, and Serve closes the AOF when it returns.

import (
	"time"

	"github.com/redwingdb/redwing/internal/persist"
)

// initPersistence creates the persistence manager and loads the data.
func (s *Server) initPersistence() error {
	m := persist.New(s.Eng, s.Cfg, s.Log.Printf)
	s.persist = m
	prev := s.Eng.Shutdown
	s.Eng.Shutdown = func(save bool) error {
		// SHUTDOWN runs holding the shared world lock, which a snapshot
		// cannot start under: save and stop on another goroutine. If the
		// save fails the server keeps running (as Redis), logging why.
		go func() {
			if err := m.Shutdown(save); err != nil {
				s.Log.Printf("Errors trying to SHUTDOWN: %v", err)
				return
			}
			prev(false)
		}()
		return nil
	}
	return nil
}

// Load loads the dataset (the AOF when appendonly is yes, else the RDB
// file) and starts the persistence cron. A server that already listens
// answers -LOADING meanwhile to commands not allowed while loading.
func (s *Server) Load() error {
	if err := s.persist.Load(); err != nil {
		s.persist.Close()
		return err
	}
	go s.persistCron()
	return nil
}

// Persistence returns the server's persistence manager.
func (s *Server) Persistence() *persist.Manager { return s.persist }

func (s *Server) persistCron() { s.every(100*time.Millisecond, s.persist.Cron) }

// waitDurable holds replies back until the writes before them meet the
// appendfsync guarantee (written to the AOF; fsynced under always).
func (s *Server) waitDurable() {
	if s.persist != nil {
		s.persist.WaitDurable()
	}
}

// waitDurableBatch is waitDurable for an event loop's batch of replies.
func (s *Server) waitDurableBatch() {
	if s.persist != nil {
		s.persist.WaitDurableBatch()
	}
}

// closePersistence flushes and closes the AOF when the server stops.
func (s *Server) closePersistence() {
	if s.persist != nil {
		if err := s.persist.Close(); err != nil {
			s.Log.Printf("Error closing the AOF: %v", err)
		}
	}
}

// signalShutdown is SIGTERM's persistence work: flush the AOF and save an
// RDB snapshot when save points are configured, as Redis's
// prepareForShutdown.
func (s *Server) signalShutdown() {
	if s.persist == nil {
		return
	}
	s.Log.Printf("Received SIGTERM scheduling shutdown...")
	save := len(s.Cfg.SaveParams()) > 0
	if err := s.persist.Shutdown(save); err != nil {
		s.Log.Printf("Error trying to save the DB: %v", err)
	}
}
