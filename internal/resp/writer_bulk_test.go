package resp

import (
	"fmt"
	"strings"
	"testing"
)

// TestBulkHeader checks the one-digit shortcut of bulk headers against
// the general format on both sides of it.
func TestBulkHeader(t *testing.T) {
	for _, n := range []int{0, 1, 5, 9, 10, 11, 99, 100, 12345} {
		s := strings.Repeat("x", n)
		want := fmt.Sprintf("$%d\r\n%s\r\n", n, s)
		var w Writer
		w.Bulk([]byte(s))
		w.BulkString(s)
		if got := string(w.Buf); got != want+want {
			t.Errorf("len %d: %q, want %q twice", n, got, want)
		}
	}
}
