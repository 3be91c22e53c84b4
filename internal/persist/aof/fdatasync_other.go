//go:build !linux

package aof

import "os"

// fdatasync is fsync where the platform has no fdatasync (Redis does the
// same on macOS and the BSDs).
func fdatasync(f *os.File) error { return f.Sync() }
