package engine

import (
	"errors"
	"strings"
)

// RenameCommand implements the rename-command directive: the command
// named from (any case) is removed from the dispatch table and, unless to
// is "", added back under to. COMMAND INFO and the command's error texts
// keep the original name, as in Redis. It must run before the server
// accepts clients. The errors are Redis's fatal config texts.
func (e *Engine) RenameCommand(from, to string) error {
	from = strings.ToLower(from)
	cmd := e.table[from]
	if cmd == nil {
		return errors.New("No such command in rename-command")
	}
	delete(e.table, from)
	if to == "" {
		return nil
	}
	to = strings.ToLower(to)
	if e.table[to] != nil {
		return errors.New("Target command name already exists")
	}
	e.table[to] = cmd
	return nil
}
