//go:build !unix

package commands

import "time"

type cpuTimes struct{ sys, user, childSys, childUser time.Duration }

// processCPU has no getrusage to read here: INFO cpu reports zeros.
func processCPU() cpuTimes { return cpuTimes{} }
