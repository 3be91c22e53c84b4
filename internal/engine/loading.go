package engine

import "github.com/redwingdb/redwing/internal/command"

// The loading gate: Redwing listens while it loads its dataset, as Redis
// does, and answers commands not flagged "loading" with -LOADING until the
// AOF or RDB file is in memory. The AOF replay client passes through.

// LoadingError is Redis's reply to a command refused while loading.
const LoadingError = "LOADING Redis is loading the dataset in memory"

// SetLoading turns the loading gate on or off.
func (e *Engine) SetLoading(on bool) { e.loading.Store(on) }

// Loading reports whether the dataset is still loading.
func (e *Engine) Loading() bool { return e.loading.Load() }

// loadingGate rejects cmd while loading unless it may run then. EXEC is
// refused when a queued command may not (Redis's is_denyloading_command).
func (e *Engine) loadingGate(c *Client, argv [][]byte, spec *command.Spec) bool {
	if c.Loader || !deniedWhileLoading(c, spec) {
		return false
	}
	e.rejectArgv(c, argv, LoadingError)
	return true
}

func deniedWhileLoading(c *Client, spec *command.Spec) bool {
	if !spec.Has(command.FlagLoading) {
		return true
	}
	if spec.Name == "exec" && c.Multi != nil {
		for _, q := range c.Multi.Queue {
			if !q.Cmd.Spec.Has(command.FlagLoading) {
				return true
			}
		}
	}
	return false
}
