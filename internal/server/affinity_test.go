package server

import (
	"slices"
	"testing"
)

// The list syntax of Redis's server_cpulist (taskset -c's): a malformed
// part rejects the whole list.
func TestParseCPUList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int // nil: rejected
	}{
		{"0", []int{0}},
		{"0,2,3", []int{0, 2, 3}},
		{"0,2-3", []int{0, 2, 3}},
		{"0-6:2", []int{0, 2, 4, 6}},
		{"1-7:3,9", []int{1, 4, 7, 9}},
		{"3-3", []int{3}},
		{"1022-2000", []int{1022, 1023}}, // past the CPU set: ignored
		{"", nil},
		{"a", nil},
		{"1,", nil},
		{",1", nil},
		{"3-1", nil},
		{"0-4:0", nil},
		{"0-", nil},
		{"0-4:", nil},
		{"1 2", nil},
		{"-1", nil},
		{"0;1", nil},
	} {
		got, ok := parseCPUList(c.in)
		if ok != (c.want != nil) || !slices.Equal(got, c.want) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
}
