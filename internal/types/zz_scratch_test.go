package types

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/redwingdb/redwing/internal/testkit"
)

func TestScratchHLL(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	c, err := testkit.Dial("127.0.0.1:7777")
	if err != nil {
		t.Fatal(err)
	}
	c.Do("del", "h")
	s := HLLNew()
	for round := 0; round < 8; round++ {
		args := []string{"pfadd", "h"}
		for i := 0; i < 100*(round+1); i++ {
			e := fmt.Sprintf("e%d-%d", round, i*7)
			args = append(args, e)
			s, _ = HLLAdd(s, []byte(e), 3000)
		}
		c.Do(args...)
		HLLInvalidateCache(s)
		v, _ := c.Do("get", "h")
		r := []byte(v.Str)
		cnt, _ := c.Do("pfcount", "h")
		n, _ := HLLCount(s)
		t.Logf("round %d enc=%d/%d len=%d/%d same=%v redis=%d mine=%d", round, s[4], r[4], len(s), len(r), bytes.Equal(r[16:], s[16:]), cnt.Int, n)
	}
}
