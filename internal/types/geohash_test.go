package types

import (
	"math"
	"math/big"
	"math/rand"
	"strconv"
	"testing"
)

func TestGeoKnownValues(t *testing.T) {
	// Values from Redis's documentation and redis-server 7.0.
	cases := []struct {
		lon, lat float64
		score    uint64
		hash     string
	}{
		{13.361389, 38.115556, 3479099956230698, "sqc8b49rny0"},
		{15.087269, 37.502669, 3479447370796909, "sqdtr74hyu0"},
	}
	for _, tc := range cases {
		s, ok := GeoScore(tc.lon, tc.lat)
		if !ok || s != tc.score {
			t.Errorf("score of %v,%v = %d, want %d", tc.lon, tc.lat, s, tc.score)
		}
		h, _ := GeoHashString(float64(s))
		if string(h) != tc.hash {
			t.Errorf("geohash %s, want %s", h, tc.hash)
		}
	}
	lon, lat, _ := GeoDecodeScore(3479099956230698)
	if strconv.FormatFloat(lon, 'f', 17, 64) != "13.36138933897018433" ||
		strconv.FormatFloat(lat, 'f', 17, 64) != "38.11555639549629859" {
		t.Errorf("decoded %v %v", lon, lat)
	}
	lon2, lat2, _ := GeoDecodeScore(3479447370796909)
	d := GeoDistance(lon, lat, lon2, lat2)
	if strconv.FormatFloat(d, 'f', 4, 64) != "166274.1516" {
		t.Errorf("distance %v", d)
	}
	if _, ok := GeoScore(181, 0); ok {
		t.Error("out of range longitude accepted")
	}
	if _, ok := GeoScore(0, 85.06); ok {
		t.Error("out of range latitude accepted")
	}
}

func TestGeoEncodeDecodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		lon := r.Float64()*360 - 180
		lat := r.Float64()*2*GeoLatMax - GeoLatMax
		s, ok := GeoScore(lon, lat)
		if !ok {
			t.Fatalf("encode %v %v", lon, lat)
		}
		x, y, _ := GeoDecodeScore(float64(s))
		if math.Abs(x-lon) > 360.0/(1<<26) || math.Abs(y-lat) > 180.0/(1<<26) {
			t.Fatalf("round trip %v,%v -> %v,%v", lon, lat, x, y)
		}
		if s >= 1<<52 {
			t.Fatalf("score %d has more than 52 bits", s)
		}
	}
}

func TestGeoNeighbors(t *testing.T) {
	h, _ := GeoEncode(10, 10, 10)
	n := geoNeighbors(h)
	c, _ := geoDecode(geoLonRange, geoLatRange, h)
	e, _ := geoDecode(geoLonRange, geoLatRange, n.East)
	w, _ := geoDecode(geoLonRange, geoLatRange, n.West)
	no, _ := geoDecode(geoLonRange, geoLatRange, n.North)
	so, _ := geoDecode(geoLonRange, geoLatRange, n.South)
	if e.Longitude.min != c.Longitude.max || w.Longitude.max != c.Longitude.min ||
		no.Latitude.min != c.Latitude.max || so.Latitude.max != c.Latitude.min {
		t.Fatal("neighbours are not adjacent")
	}
}

func TestGeoShapeSearchAreas(t *testing.T) {
	// Every point within the radius lies in one of the nine cells.
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 2000; i++ {
		s := GeoShape{Lon: r.Float64()*300 - 150, Lat: r.Float64()*140 - 70, Radius: r.Float64() * 500, Conversion: 1000}
		areas := GeoAreas(&s)
		cells := areas.Cells()
		for j := 0; j < 20; j++ {
			lon := s.Lon + (r.Float64()*2-1)*0.5
			lat := s.Lat + (r.Float64()*2-1)*0.5
			sc, ok := GeoScore(lon, lat)
			if !ok {
				continue
			}
			x, y, _ := GeoDecodeScore(float64(sc))
			if _, in := s.Within(x, y); !in {
				continue
			}
			found := false
			for _, cell := range cells {
				if cell.IsZero() {
					continue
				}
				min, max := cell.ScoreRange()
				if float64(sc) >= min && float64(sc) < max {
					found = true
				}
			}
			if !found {
				t.Fatalf("point %v,%v within %v km of %v,%v not covered", lon, lat, s.Radius, s.Lon, s.Lat)
			}
		}
	}
}

func bigSinCos(x float64, cos bool) float64 {
	const prec = 300
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	if !cos {
		term.Set(bx)
	}
	sum := new(big.Float).SetPrec(prec).Set(term)
	for n := 1; n < 80; n++ {
		term.Mul(term, x2)
		var d int64
		if cos {
			d = int64((2*n - 1) * (2 * n))
		} else {
			d = int64((2 * n) * (2*n + 1))
		}
		term.Quo(term, new(big.Float).SetInt64(d))
		term.Neg(term)
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

// TestCorrectlyRoundedTrig checks crSin/crCos against a 300-bit Taylor
// series (correct rounding), and crAsin through sin of its result.
func TestCorrectlyRoundedTrig(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 3000; i++ {
		x := (r.Float64()*2 - 1) * math.Pi
		if got, want := crSin(x), bigSinCos(x, false); got != want {
			t.Fatalf("sin(%v) = %v want %v", x, got, want)
		}
		if got, want := crCos(x), bigSinCos(x, true); got != want {
			t.Fatalf("cos(%v) = %v want %v", x, got, want)
		}
	}
	for i := 0; i < 3000; i++ {
		x := r.Float64()*2 - 1
		y := crAsin(x)
		// asin is monotonic: x must lie between sin of y's neighbours.
		lo := bigSinCos(math.Nextafter(y, -10), false)
		hi := bigSinCos(math.Nextafter(y, 10), false)
		if !(lo <= x && x <= hi) {
			t.Fatalf("asin(%v) = %v out of bracket", x, y)
		}
		if math.Abs(y-math.Asin(x)) > 4e-16*math.Max(1, math.Abs(y)) {
			t.Fatalf("asin(%v) = %v far from %v", x, y, math.Asin(x))
		}
	}
	if crAsin(1) != math.Pi/2 || crAsin(-1) != -math.Pi/2 || crAsin(0) != 0 {
		t.Fatal("asin special values")
	}
}
