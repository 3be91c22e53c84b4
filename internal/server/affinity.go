package server

// maxCPUs is the size of the CPU set an affinity list can name (glibc's
// CPU_SETSIZE): Redis ignores CPUs past it.
const maxCPUs = 1024

// parseCPUList reads a list of CPUs as server_cpulist takes it (as taskset
// -c does): comma-separated numbers and ranges, a range optionally with a
// stride ("0,2-3", "0-20:2"). Like Redis it rejects the whole list when
// any part is malformed (ok false: the server's affinity is left alone).
func parseCPUList(s string) (cpus []int, ok bool) {
	num := func() (int, bool) {
		n, digits := 0, 0
		for ; digits < len(s) && s[digits] >= '0' && s[digits] <= '9'; digits++ {
			if n < maxCPUs {
				n = n*10 + int(s[digits]-'0')
			}
		}
		if digits == 0 {
			return 0, false
		}
		s = s[digits:]
		return n, true
	}
	for {
		lo, ok := num()
		if !ok {
			return nil, false
		}
		hi, step := lo, 1
		if len(s) > 0 && s[0] == '-' {
			s = s[1:]
			if hi, ok = num(); !ok {
				return nil, false
			}
			if len(s) > 0 && s[0] == ':' {
				s = s[1:]
				if step, ok = num(); !ok || step == 0 {
					return nil, false
				}
			}
		}
		if lo > hi {
			return nil, false
		}
		for c := lo; c <= hi && c < maxCPUs; c += step {
			cpus = append(cpus, c)
		}
		if len(s) == 0 {
			return cpus, true
		}
		if s[0] != ',' {
			return nil, false
		}
		s = s[1:]
	}
}
