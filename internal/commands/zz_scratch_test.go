package commands

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

func TestScratchStrtod(t *testing.T) {
	if os.Getenv("SCRATCH") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(1))
	parts := []string{"0", "1", "9", "5", ".", "e", "E", "+", "-", "x", "0x", "p", "P", "a", "f", "inf", "nan", "infinity", " ", "\t", "(", ")", "1e308", "e-320", "00", "7"}
	var ins []string
	for i := 0; i < 20000; i++ {
		n := 1 + r.Intn(5)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteString(parts[r.Intn(len(parts))])
		}
		ins = append(ins, b.String())
	}
	ins = append(ins, "1e-310", "4.9e-324", "2.4e-324", "2.5e-324", "2.2250738585072014e-308", "2.2250738585072011e-308", "1.7976931348623157e308", "1.7976931348623159e308", "0x1p-1074", "0x1p-1075", "0x1.8p-1075", "0x1p1024", "0x1.fffffffffffff8p1023", "-1e-400", "0.0000", "000e-999", "123456789012345678901234567890", "1e23", "0X1P3", "INF", "-Infinityx", "NaN(12_a)", "nan(", "nan()")
	cmd := exec.Command("/tmp/scr/strtod")
	cmd.Stdin = strings.NewReader(strings.Join(ins, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	bad := 0
	for i := 0; sc.Scan(); i++ {
		v, n, er := zsStrtod([]byte(ins[i]))
		f := strings.Fields(sc.Text())
		var cv float64
		switch f[0] {
		case "nan", "-nan":
			cv = math.NaN()
		case "inf":
			cv = math.Inf(1)
		case "-inf":
			cv = math.Inf(-1)
		default:
			cv, _ = strconv.ParseFloat(f[0], 64)
		}
		same := (math.IsNaN(v) && math.IsNaN(cv)) || (v == cv && math.Signbit(v) == math.Signbit(cv))
		got := fmt.Sprintf("%v %d %d", v, n, b2i(er))
		want := fmt.Sprintf("%s %s", f[1], f[2])
		if (!same || fmt.Sprintf("%d %d", n, b2i(er)) != want) && bad < 20 {
			bad++
			t.Errorf("%q: go %s c %s", ins[i], got, sc.Text())
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

