package types

import "math"

// Geohash support with Redis's conventions (geohash.c, geohash_helper.c):
// a position is a 52-bit interleaved geohash (26 bits of longitude on the
// even bits, 26 of latitude on the odd bits) over longitude -180..180 and
// latitude -85.05112878..85.05112878 (Web Mercator limits), stored as the
// member's sorted-set score. Radius and box searches look at the 3x3
// geohash boxes around the centre at a precision chosen from the radius,
// exactly as Redis does, so that results and their order match.
//
// Floating point expressions keep Redis's evaluation order; products that
// feed a sum are wrapped in float64() so the compiler never fuses them into
// FMA instructions (Redis is built without FMA).

// Geo limits.
const (
	GeoLatMin  = -85.05112878
	GeoLatMax  = 85.05112878
	GeoLongMin = -180.0
	GeoLongMax = 180.0
	GeoStepMax = 26

	geoEarthRadius = 6372797.560856
	geoMercatorMax = 20037726.37
)

// geoDR is C's (M_PI / 180.0): the double nearest pi divided by 180 in
// double arithmetic (a Go constant expression would round only once).
var geoDR = func() float64 { pi := math.Pi; return pi / 180.0 }()

// GeoHashBits is a geohash of 2*Step bits.
type GeoHashBits struct {
	Bits uint64
	Step uint8
}

func (h GeoHashBits) isZero() bool { return h.Bits == 0 && h.Step == 0 }

type geoRange struct{ min, max float64 }

// GeoHashArea is the cell covered by a geohash.
type GeoHashArea struct {
	Hash      GeoHashBits
	Longitude geoRange
	Latitude  geoRange
}

// GeoNeighbors are the 8 cells around a geohash cell.
type GeoNeighbors struct {
	North, East, West, South                   GeoHashBits
	NorthEast, SouthEast, NorthWest, SouthWest GeoHashBits
}

func interleave64(xlo, ylo uint32) uint64 {
	B := [...]uint64{0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF}
	S := [...]uint{1, 2, 4, 8, 16}
	x, y := uint64(xlo), uint64(ylo)
	for i := 4; i >= 0; i-- {
		x = (x | (x << S[i])) & B[i]
		y = (y | (y << S[i])) & B[i]
	}
	return x | (y << 1)
}

func deinterleave64(v uint64) uint64 {
	B := [...]uint64{0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF, 0x00000000FFFFFFFF}
	S := [...]uint{0, 1, 2, 4, 8, 16}
	x := v
	y := v >> 1
	for i := 0; i < 6; i++ {
		x = (x | (x >> S[i])) & B[i]
		y = (y | (y >> S[i])) & B[i]
	}
	return x | (y << 32)
}

func geoEncode(lonR, latR geoRange, longitude, latitude float64, step uint8) (GeoHashBits, bool) {
	if step > 32 || step == 0 {
		return GeoHashBits{}, false
	}
	if longitude > GeoLongMax || longitude < GeoLongMin || latitude > GeoLatMax || latitude < GeoLatMin {
		return GeoHashBits{}, false
	}
	if latitude < latR.min || latitude > latR.max || longitude < lonR.min || longitude > lonR.max {
		return GeoHashBits{}, false
	}
	latOff := (latitude - latR.min) / (latR.max - latR.min)
	lonOff := (longitude - lonR.min) / (lonR.max - lonR.min)
	latOff *= float64(uint64(1) << step)
	lonOff *= float64(uint64(1) << step)
	return GeoHashBits{Bits: interleave64(uint32(latOff), uint32(lonOff)), Step: step}, true
}

var (
	geoLonRange = geoRange{GeoLongMin, GeoLongMax}
	geoLatRange = geoRange{GeoLatMin, GeoLatMax}
)

// GeoEncode encodes a position with Redis's ranges at step bits per axis.
func GeoEncode(longitude, latitude float64, step uint8) (GeoHashBits, bool) {
	return geoEncode(geoLonRange, geoLatRange, longitude, latitude, step)
}

// GeoScore returns the 52-bit score stored for a position.
func GeoScore(longitude, latitude float64) (uint64, bool) {
	h, ok := GeoEncode(longitude, latitude, GeoStepMax)
	if !ok {
		return 0, false
	}
	return GeoAlign52(h), true
}

// GeoAlign52 left-aligns a hash to 52 bits.
func GeoAlign52(h GeoHashBits) uint64 { return h.Bits << (52 - uint(h.Step)*2) }

func geoDecode(lonR, latR geoRange, h GeoHashBits) (GeoHashArea, bool) {
	if h.isZero() {
		return GeoHashArea{}, false
	}
	sep := deinterleave64(h.Bits)
	latScale := latR.max - latR.min
	lonScale := lonR.max - lonR.min
	ilato := uint32(sep)
	ilono := uint32(sep >> 32)
	div := float64(uint64(1) << h.Step)
	var a GeoHashArea
	a.Hash = h
	a.Latitude.min = latR.min + float64((float64(ilato)*1.0/div)*latScale)
	a.Latitude.max = latR.min + float64((float64(uint64(ilato)+1)*1.0/div)*latScale)
	a.Longitude.min = lonR.min + float64((float64(ilono)*1.0/div)*lonScale)
	a.Longitude.max = lonR.min + float64((float64(uint64(ilono)+1)*1.0/div)*lonScale)
	return a, true
}

func geoAreaCenter(a *GeoHashArea) (float64, float64) {
	x := (a.Longitude.min + a.Longitude.max) / 2
	if x > GeoLongMax {
		x = GeoLongMax
	}
	if x < GeoLongMin {
		x = GeoLongMin
	}
	y := (a.Latitude.min + a.Latitude.max) / 2
	if y > GeoLatMax {
		y = GeoLatMax
	}
	if y < GeoLatMin {
		y = GeoLatMin
	}
	return x, y
}

// GeoDecodeScore returns the position (longitude, latitude) of a score.
func GeoDecodeScore(score float64) (float64, float64, bool) {
	h := GeoHashBits{Bits: cvtU64(score), Step: GeoStepMax}
	a, ok := geoDecode(geoLonRange, geoLatRange, h)
	if !ok {
		return 0, 0, false
	}
	x, y := geoAreaCenter(&a)
	return x, y, true
}

// cvtI64 is x86-64's cvttsd2si: truncation, with 1<<63 for values out
// of range (and NaN).
func cvtI64(d float64) int64 {
	if d != d || d >= 0x1p63 || d < -0x1p63 {
		return math.MinInt64
	}
	return int64(d)
}

// cvtU64 is a C (uint64_t) cast of a double as x86-64 gcc compiles it, so
// that scores that are not geohashes decode as in Redis.
func cvtU64(d float64) uint64 {
	if d < 0x1p63 {
		return uint64(cvtI64(d))
	}
	return uint64(cvtI64(d-0x1p63)) ^ (1 << 63)
}

// GeoHashString returns the 11-character standard geohash of a score (as
// GEOHASH: decoded, then re-encoded over -90..90 latitude).
func GeoHashString(score float64) ([]byte, bool) {
	x, y, ok := GeoDecodeScore(score)
	if !ok {
		return nil, false
	}
	const alphabet = "0123456789bcdefghjkmnpqrstuvwxyz"
	h, _ := geoEncode(geoRange{-180, 180}, geoRange{-90, 90}, x, y, 26)
	buf := make([]byte, 11)
	for i := 0; i < 11; i++ {
		idx := 0
		if i != 10 {
			idx = int((h.Bits >> (52 - uint((i+1)*5))) & 0x1f)
		}
		buf[i] = alphabet[idx]
	}
	return buf, true
}

func geoMoveX(h *GeoHashBits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0x5555555555555555) >> (64 - uint(h.Step)*2)
	if d > 0 {
		x = x + (zz + 1)
	} else {
		x = x | zz
		x = x - (zz + 1)
	}
	x &= uint64(0xaaaaaaaaaaaaaaaa) >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

func geoMoveY(h *GeoHashBits, d int) {
	if d == 0 {
		return
	}
	x := h.Bits & 0xaaaaaaaaaaaaaaaa
	y := h.Bits & 0x5555555555555555
	zz := uint64(0xaaaaaaaaaaaaaaaa) >> (64 - uint(h.Step)*2)
	if d > 0 {
		y = y + (zz + 1)
	} else {
		y = y | zz
		y = y - (zz + 1)
	}
	y &= uint64(0x5555555555555555) >> (64 - uint(h.Step)*2)
	h.Bits = x | y
}

func geoNeighbors(h GeoHashBits) GeoNeighbors {
	n := GeoNeighbors{h, h, h, h, h, h, h, h}
	geoMoveX(&n.East, 1)
	geoMoveX(&n.West, -1)
	geoMoveY(&n.South, -1)
	geoMoveY(&n.North, 1)
	geoMoveX(&n.NorthWest, -1)
	geoMoveY(&n.NorthWest, 1)
	geoMoveX(&n.NorthEast, 1)
	geoMoveY(&n.NorthEast, 1)
	geoMoveX(&n.SouthEast, 1)
	geoMoveY(&n.SouthEast, -1)
	geoMoveX(&n.SouthWest, -1)
	geoMoveY(&n.SouthWest, -1)
	return n
}

func geoEstimateSteps(rangeMeters, lat float64) uint8 {
	if rangeMeters == 0 {
		return 26
	}
	step := 1
	for rangeMeters < geoMercatorMax {
		rangeMeters *= 2
		step++
	}
	step -= 2
	if lat > 66 || lat < -66 {
		step--
		if lat > 80 || lat < -80 {
			step--
		}
	}
	if step < 1 {
		step = 1
	}
	if step > 26 {
		step = 26
	}
	return uint8(step)
}

func degRad(a float64) float64 { return a * geoDR }
func radDeg(a float64) float64 { return a / geoDR }

// GeoShape is a search area: a circle (Radius) or an axis-aligned box
// (Width x Height), centred at (Lon, Lat), with sizes in units of
// Conversion meters.
type GeoShape struct {
	Box           bool
	Lon, Lat      float64
	Radius        float64
	Width, Height float64
	Conversion    float64
	bounds        [4]float64
}

func (s *GeoShape) boundingBox() {
	lon, lat := s.Lon, s.Lat
	var height, width float64
	if s.Box {
		height = s.Conversion * (s.Height / 2)
		width = s.Conversion * (s.Width / 2)
	} else {
		height = s.Conversion * s.Radius
		width = s.Conversion * s.Radius
	}
	latDelta := radDeg(height / geoEarthRadius)
	longDeltaTop := radDeg(width / geoEarthRadius / crCos(degRad(lat+latDelta)))
	longDeltaBottom := radDeg(width / geoEarthRadius / crCos(degRad(lat-latDelta)))
	southern := lat < 0
	if southern {
		s.bounds[0] = lon - longDeltaBottom
		s.bounds[2] = lon + longDeltaBottom
	} else {
		s.bounds[0] = lon - longDeltaTop
		s.bounds[2] = lon + longDeltaTop
	}
	s.bounds[1] = lat - latDelta
	s.bounds[3] = lat + latDelta
}

// GeoRadius is the centre cell and its (possibly pruned) neighbours.
type GeoRadius struct {
	Hash      GeoHashBits
	Area      GeoHashArea
	Neighbors GeoNeighbors
}

// GeoAreas computes the cells to search for shape (Redis's
// geohashCalculateAreasByShapeWGS84).
func GeoAreas(s *GeoShape) GeoRadius {
	s.boundingBox()
	minLon, minLat, maxLon, maxLat := s.bounds[0], s.bounds[1], s.bounds[2], s.bounds[3]
	var radiusMeters float64
	if s.Box {
		radiusMeters = math.Sqrt(float64((s.Width/2)*(s.Width/2)) + float64((s.Height/2)*(s.Height/2)))
	} else {
		radiusMeters = s.Radius
	}
	radiusMeters *= s.Conversion
	steps := geoEstimateSteps(radiusMeters, s.Lat)
	hash, _ := GeoEncode(s.Lon, s.Lat, steps)
	neighbors := geoNeighbors(hash)
	area, _ := geoDecode(geoLonRange, geoLatRange, hash)

	decrease := false
	{
		north, _ := geoDecode(geoLonRange, geoLatRange, neighbors.North)
		south, _ := geoDecode(geoLonRange, geoLatRange, neighbors.South)
		east, _ := geoDecode(geoLonRange, geoLatRange, neighbors.East)
		west, _ := geoDecode(geoLonRange, geoLatRange, neighbors.West)
		if north.Latitude.max < maxLat {
			decrease = true
		}
		if south.Latitude.min > minLat {
			decrease = true
		}
		if east.Longitude.max < maxLon {
			decrease = true
		}
		if west.Longitude.min > minLon {
			decrease = true
		}
	}
	if steps > 1 && decrease {
		steps--
		hash, _ = GeoEncode(s.Lon, s.Lat, steps)
		neighbors = geoNeighbors(hash)
		area, _ = geoDecode(geoLonRange, geoLatRange, hash)
	}
	if steps >= 2 {
		if area.Latitude.min < minLat {
			neighbors.South = GeoHashBits{}
			neighbors.SouthWest = GeoHashBits{}
			neighbors.SouthEast = GeoHashBits{}
		}
		if area.Latitude.max > maxLat {
			neighbors.North = GeoHashBits{}
			neighbors.NorthEast = GeoHashBits{}
			neighbors.NorthWest = GeoHashBits{}
		}
		if area.Longitude.min < minLon {
			neighbors.West = GeoHashBits{}
			neighbors.SouthWest = GeoHashBits{}
			neighbors.NorthWest = GeoHashBits{}
		}
		if area.Longitude.max > maxLon {
			neighbors.East = GeoHashBits{}
			neighbors.SouthEast = GeoHashBits{}
			neighbors.NorthEast = GeoHashBits{}
		}
	}
	return GeoRadius{Hash: hash, Area: area, Neighbors: neighbors}
}

// Cells returns the nine cells in Redis's search order (centre, N, S, E,
// W, NE, NW, SE, SW); pruned cells are zero.
func (r *GeoRadius) Cells() [9]GeoHashBits {
	n := &r.Neighbors
	return [9]GeoHashBits{r.Hash, n.North, n.South, n.East, n.West, n.NorthEast, n.NorthWest, n.SouthEast, n.SouthWest}
}

// IsZero reports a pruned cell.
func (h GeoHashBits) IsZero() bool { return h.isZero() }

// ScoreRange returns the score interval [min, max) of the cell.
func (h GeoHashBits) ScoreRange() (float64, float64) {
	min := GeoAlign52(h)
	h.Bits++
	max := GeoAlign52(h)
	return float64(min), float64(max)
}

// GeoDistance is the haversine distance in meters (Redis's
// geohashGetDistance).
func GeoDistance(lon1d, lat1d, lon2d, lat2d float64) float64 {
	lat1r := degRad(lat1d)
	lon1r := degRad(lon1d)
	lat2r := degRad(lat2d)
	lon2r := degRad(lon2d)
	u := crSin((lat2r - lat1r) / 2)
	v := crSin((lon2r - lon1r) / 2)
	a := float64(u*u) + float64(float64(float64(crCos(lat1r)*crCos(lat2r))*v)*v)
	return 2.0 * geoEarthRadius * crAsin(math.Sqrt(a))
}

// Within reports whether the point (lon, lat) is in the shape and returns
// its distance from the centre in meters.
func (s *GeoShape) Within(lon, lat float64) (float64, bool) {
	if !s.Box {
		d := GeoDistance(s.Lon, s.Lat, lon, lat)
		if d > s.Radius*s.Conversion {
			return 0, false
		}
		return d, true
	}
	lonDist := GeoDistance(lon, lat, s.Lon, lat)
	latDist := GeoDistance(lon, lat, lon, s.Lat)
	if lonDist > s.Width*s.Conversion/2 || latDist > s.Height*s.Conversion/2 {
		return 0, false
	}
	return GeoDistance(s.Lon, s.Lat, lon, lat), true
}
