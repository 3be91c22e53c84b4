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

func TestScratchTrig(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(1))
	var xs []float64
	for i := 0; i < 300000; i++ {
		switch i % 6 {
		case 0:
			xs = append(xs, (r.Float64()*2-1)*math.Pi)
		case 1:
			xs = append(xs, r.Float64()*2-1)
		case 2:
			xs = append(xs, 1-r.Float64()*1e-6)
		case 3:
			xs = append(xs, (r.Float64()*2-1)*1e-3)
		case 4:
			xs = append(xs, float64(r.Intn(36000000))/100000*0.017453292519943295)
		case 5:
			xs = append(xs, (r.Float64()*2-1)*8)
		}
	}
	var in strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&in, "%016x\n", math.Float64bits(x))
	}
	cmd := exec.Command("/tmp/scr/trig")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	var bad [3]int
	var goBad [3]int
	for i := 0; sc.Scan(); i++ {
		f := strings.Fields(sc.Text())
		x := xs[i]
		mine := []float64{crSin(x), crCos(x), crAsin(x)}
		gos := []float64{math.Sin(x), math.Cos(x), math.Asin(x)}
		for j := 0; j < 3; j++ {
			u, _ := strconv.ParseUint(f[j], 16, 64)
			cv := math.Float64frombits(u)
			if math.IsNaN(cv) && math.IsNaN(mine[j]) {
				continue
			}
			if math.Float64bits(cv) != math.Float64bits(mine[j]) {
				if bad[j] < 5 {
					t.Logf("fn %d x=%v (%x): c=%v mine=%v", j, x, math.Float64bits(x), cv, mine[j])
				}
				bad[j]++
			}
			if math.Float64bits(cv) != math.Float64bits(gos[j]) {
				goBad[j]++
			}
		}
	}
	t.Logf("mismatches sin/cos/asin: %v (go math: %v) of %d", bad, goBad, len(xs))
}
