package engine

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/redwingdb/redwing/internal/command"
)

// Handler executes one command.
type Handler func(c *Ctx)

// Option modifies a registration.
type Option func(*Command)

// Exclusive makes the command run alone, under the exclusive world lock.
func Exclusive(cmd *Command) { cmd.Exclusive = true }

// SelfLocking marks a command that locks shards itself (KEYS, SCAN,
// RANDOMKEY, DBSIZE ...): the engine takes only the shared world lock.
func SelfLocking(cmd *Command) { cmd.SelfLocking = true }

// CmdStats are the INFO commandstats counters of one command.
type CmdStats struct {
	Calls, Usec, Rejected, Failed atomic.Int64
}

// Command binds a handler to its spec from the command table.
type Command struct {
	Spec        *command.Spec
	Proc        Handler
	Exclusive   bool
	SelfLocking bool
	NoLock      bool
	Subs        map[string]*Command
	Stats       CmdStats
	hist        *Histogram // LATENCY HISTOGRAM (latency.go)
	// Script marks EVAL/EVALSHA/FCALL and their _RO forms (script_call.go).
	Script bool
}

// FullName is the command's name as used in error messages (e.g. "client|list").
func (cmd *Command) FullName() string { return cmd.Spec.Name }

type registration struct {
	name string
	proc Handler
	opts []Option
}

var registrations []registration

// Register binds a handler to the command-table spec named name ("get",
// "client|list"). Family files call it from init.
func Register(name string, proc Handler, opts ...Option) {
	registrations = append(registrations, registration{strings.ToLower(name), proc, opts})
}

// buildTable resolves registrations against the command table.
func buildTable() (map[string]*Command, error) {
	table := make(map[string]*Command)
	for _, r := range registrations {
		parent, sub, isSub := strings.Cut(r.name, "|")
		spec := command.Lookup(parent)
		if spec == nil {
			return nil, fmt.Errorf("engine: command %q not in the command table", parent)
		}
		if isSub {
			ss := spec.Sub(sub)
			if ss == nil {
				return nil, fmt.Errorf("engine: subcommand %q not in the command table", r.name)
			}
			pc := table[parent]
			if pc == nil {
				pc = &Command{Spec: spec}
				table[parent] = pc
			}
			if pc.Subs == nil {
				pc.Subs = map[string]*Command{}
			}
			sc := &Command{Spec: ss, Proc: r.proc}
			for _, o := range r.opts {
				o(sc)
			}
			pc.Subs[sub] = sc
			continue
		}
		cmd := &Command{Spec: spec, Proc: r.proc, Script: isScriptCommand(spec.Name)}
		if prev := table[parent]; prev != nil {
			// A container with its own handler for the bare form
			// (COMMAND): keep the subcommands registered before it.
			cmd.Subs = prev.Subs
		}
		for _, o := range r.opts {
			o(cmd)
		}
		table[parent] = cmd
	}
	return table, nil
}

// lookup finds a command by name without allocating.
func lookup(table map[string]*Command, name []byte) *Command {
	if len(name) > 32 {
		return table[strings.ToLower(string(name))]
	}
	var buf [32]byte
	lower := true
	for i, ch := range name {
		if ch >= 'A' && ch <= 'Z' {
			lower = false
			ch += 'a' - 'A'
		}
		buf[i] = ch
	}
	if lower {
		return table[string(name)]
	}
	return table[string(buf[:len(name)])]
}
