package types

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestScratchDist(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(2))
	type q struct{ a, b, c, d float64 }
	var qs []q
	var in strings.Builder
	for i := 0; i < 100000; i++ {
		x := q{r.Float64()*360 - 180, r.Float64()*170 - 85, r.Float64()*360 - 180, r.Float64()*170 - 85}
		if i%2 == 0 {
			x.c = x.a + r.Float64()*2 - 1
			x.d = x.b + r.Float64()*2 - 1
		}
		qs = append(qs, x)
		fmt.Fprintf(&in, "%.17g %.17g %.17g %.17g\n", x.a, x.b, x.c, x.d)
	}
	cmd := exec.Command("/tmp/scr/dist2")
	cmd.Stdin = strings.NewReader(in.String())
	out, _ := cmd.Output()
	sc := bufio.NewScanner(bytes.NewReader(out))
	bad, bad4 := 0, 0
	for i := 0; sc.Scan(); i++ {
		u, _ := strconv.ParseUint(sc.Text(), 16, 64)
		cv := math.Float64frombits(u)
		x := qs[i]
		mv := GeoDistance(x.a, x.b, x.c, x.d)
		if cv != mv {
			bad++
			if strconv.FormatFloat(cv, 'f', 4, 64) != strconv.FormatFloat(mv, 'f', 4, 64) {
				bad4++
			}
		}
	}
	t.Logf("distance mismatches %d (%%.4f: %d) of %d", bad, bad4, len(qs))
}
