// Package clock injects time so that expiry can be tested without sleeping.
package clock

import (
	"sync/atomic"
	"time"
)

// Clock returns the current Unix time in milliseconds.
type Clock interface {
	NowMs() int64
}

// Real is the wall clock.
type Real struct{}

// NowMs returns the wall-clock time in Unix milliseconds.
func (Real) NowMs() int64 { return time.Now().UnixMilli() }

// Fake is a manually advanced clock for tests.
type Fake struct{ ms atomic.Int64 }

// NewFake returns a fake clock set to ms.
func NewFake(ms int64) *Fake { f := &Fake{}; f.ms.Store(ms); return f }

// NowMs returns the fake time.
func (f *Fake) NowMs() int64 { return f.ms.Load() }

// Advance moves the fake clock forward by d.
func (f *Fake) Advance(d time.Duration) { f.ms.Add(d.Milliseconds()) }

// Set sets the fake time.
func (f *Fake) Set(ms int64) { f.ms.Store(ms) }
