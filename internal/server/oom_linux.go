//go:build linux

package server

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
)

// oom-score-adj: the server sets the kernel's OOM-killer score of its
// process (/proc/self/oom_score_adj) from oom-score-adj-values, by
// process class (master, replica; Redwing has no background child), as
// Redis's setOOMScoreAdj does: "relative" adds the value to the score the
// process had before the server first changed it, "absolute" writes it,
// "no" puts that first score back.
var oomScore struct {
	sync.Mutex
	adjusted bool
	base     int
}

const oomScoreFile = "/proc/self/oom_score_adj"

var errOOMScoreAdj = errors.New("Failed to set current oom_score_adj. Check server logs.")

func (s *Server) setOOMScoreAdj() error {
	oomScore.Lock()
	defer oomScore.Unlock()
	mode := s.Cfg.Int("oom-score-adj") // 0 no, 1 relative (yes), 2 absolute
	var val int
	switch {
	case mode != 0:
		if !oomScore.adjusted {
			b, err := os.ReadFile(oomScoreFile)
			if err != nil {
				s.Log.Printf("Unable to read oom_score_adj: %v", err)
				return errOOMScoreAdj
			}
			oomScore.base, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			oomScore.adjusted = true
		}
		class := 0
		if _, _, replica := s.Cfg.ReplicaOf(); replica {
			class = 1
		}
		vals := strings.Fields(s.Cfg.String("oom-score-adj-values"))
		if class < len(vals) {
			val, _ = strconv.Atoi(vals[class])
		}
		if mode == 1 {
			val += oomScore.base
		}
		val = min(max(val, -1000), 1000)
	case oomScore.adjusted:
		oomScore.adjusted = false
		val = oomScore.base
	default:
		return nil
	}
	if err := os.WriteFile(oomScoreFile, []byte(strconv.Itoa(val)+"\n"), 0); err != nil {
		s.Log.Printf("Unable to write oom_score_adj: %v", err)
		return errOOMScoreAdj
	}
	return nil
}

// watchOOMScoreAdj applies oom-score-adj at start and on CONFIG SET.
func (s *Server) watchOOMScoreAdj() {
	s.setOOMScoreAdj()
	for _, name := range []string{"oom-score-adj", "oom-score-adj-values"} {
		s.Cfg.OnChange(name, func(string) error { return s.setOOMScoreAdj() })
	}
}
