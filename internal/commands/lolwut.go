package commands

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/redwingdb/redwing/internal/engine"
)

// LOLWUT [VERSION version] [version arguments ...] draws the computer art
// of a Redis version: 5, Georg Nees's "Schotter" in Braille dots; 6, a city
// skyline in terminal grays; any other version prints the server's version,
// as Redis 7's LOLWUT does. The art's random parts come from Go's
// generator, so they differ from Redis's; the rest (sizes, limits, the
// unrotated first two rows of Schotter, the texts) is the same.

func init() {
	engine.Register("lolwut", cmdLolwut)
}

func cmdLolwut(c *engine.Ctx) {
	first := 1         // the version's own arguments
	major := int64(-1) // the server's own: 7
	if len(c.Argv) >= 3 && eqFold(c.Argv[1], "VERSION") {
		v, ok := c.IntArg(2)
		if !ok {
			return
		}
		major = int64(uint32(v)) // Redis prints it as %u
		first = 3
	}
	switch major {
	case 5:
		lolwutSchotter(c, first)
	case 6:
		lolwutSkyline(c, first)
	default:
		c.W.Verbatim("txt", "Redis ver. "+engine.RedisVersion+"\n")
	}
}

// lolwutArgs parses the integer arguments from c.Argv[first] on over
// defs, each clamped to [1, limits[i]].
func lolwutArgs(c *engine.Ctx, first int, defs, limits []int64) ([]int64, bool) {
	out := append([]int64(nil), defs...)
	for i := range defs {
		if first+i >= len(c.Argv) {
			break
		}
		v, ok := c.IntArg(first + i)
		if !ok {
			return nil, false
		}
		out[i] = min(max(v, 1), limits[i])
	}
	return out, true
}

// lwCanvas is a grid of pixels (colors 0-3).
type lwCanvas struct {
	w, h int
	px   []byte
}

func newLwCanvas(w, h int, bg byte) *lwCanvas {
	cv := &lwCanvas{w: w, h: h, px: make([]byte, w*h)}
	for i := range cv.px {
		cv.px[i] = bg
	}
	return cv
}

func (cv *lwCanvas) set(x, y int, color byte) {
	if x >= 0 && x < cv.w && y >= 0 && y < cv.h {
		cv.px[x+y*cv.w] = color
	}
}

func (cv *lwCanvas) get(x, y int) byte {
	if x >= 0 && x < cv.w && y >= 0 && y < cv.h {
		return cv.px[x+y*cv.w]
	}
	return 0
}

// line draws a Bresenham line.
func (cv *lwCanvas) line(x1, y1, x2, y2 int, color byte) {
	dx, dy := abs(x2-x1), abs(y2-y1)
	sx, sy := 1, 1
	if x1 >= x2 {
		sx = -1
	}
	if y1 >= y2 {
		sy = -1
	}
	err := dx - dy
	for {
		cv.set(x1, y1, color)
		if x1 == x2 && y1 == y2 {
			return
		}
		e2 := err * 2
		if e2 > -dy {
			err -= dy
			x1 += sx
		}
		if e2 < dx {
			err += dx
			y1 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// square draws a square centred on x, y with the given side and rotation,
// its corners taken on the circumscribed circle (single-precision
// arithmetic, as Redis's drawing).
func (cv *lwCanvas) square(x, y int, side, angle float32) {
	r := float32(math.Round(float64(side / 1.4142135623)))
	var px, py [4]int
	k := float32(math.Pi/4) + angle
	for j := range 4 {
		px[j] = int(math.Round(math.Sin(float64(k))*float64(r) + float64(x)))
		py[j] = int(math.Round(math.Cos(float64(k))*float64(r) + float64(y)))
		k = float32(float64(k) + math.Pi/2)
	}
	for j := range 4 {
		cv.line(px[j], py[j], px[(j+1)%4], py[(j+1)%4], 1)
	}
}

// LOLWUT VERSION 5 [columns] [squares per row] [squares per column]
func lolwutSchotter(c *engine.Ctx, first int) {
	a, ok := lolwutArgs(c, first, []int64{66, 8, 12}, []int64{1000, 200, 200})
	if !ok {
		return
	}
	cols, perRow, perCol := int(a[0]), int(a[1]), int(a[2])
	w := cols * 2
	pad := 0
	if w > 4 {
		pad = 2
	}
	side := float32(w-pad*2) / float32(perRow)
	cv := newLwCanvas(w, int(side*float32(perCol)+float32(pad*2)), 0)
	for y := 0; y < perCol; y++ {
		for x := 0; x < perRow; x++ {
			sx := int(float32(x)*side + side/2 + float32(pad))
			sy := int(float32(y)*side + side/2 + float32(pad))
			var angle float32
			if y > 1 { // order gives way to chaos further down
				spread := float32(y) / float32(perCol)
				r1, r2, r3 := rand.Float32()*spread, rand.Float32()*spread, rand.Float32()*spread
				if rand.IntN(2) == 1 {
					r1 = -r1
				}
				if rand.IntN(2) == 1 {
					r2 = -r2
				}
				if rand.IntN(2) == 1 {
					r3 = -r3
				}
				angle = r1
				sx += int(r2 * side / 3)
				sy += int(r3 * side / 3)
			}
			cv.square(sx, sy, side, angle)
		}
	}
	var b strings.Builder
	for y := 0; y < cv.h; y += 4 {
		for x := 0; x < cv.w; x += 2 {
			// A Braille cell is 2x4 dots; bits 0-2 and 6 are the left
			// column top to bottom, 3-5 and 7 the right one.
			var dots rune
			for i, p := range [8][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {0, 3}, {1, 3}} {
				if cv.get(x+p[0], y+p[1]) != 0 {
					dots |= 1 << i
				}
			}
			b.WriteRune(0x2800 + dots)
		}
		if y != cv.h-1 {
			b.WriteByte('\n')
		}
	}
	b.WriteString("\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. " + engine.RedisVersion + "\n")
	c.W.Verbatim("txt", b.String())
}

// LOLWUT VERSION 6 [columns] [rows]
func lolwutSkyline(c *engine.Ctx, first int) {
	a, ok := lolwutArgs(c, first, []int64{80, 20}, []int64{1000, 1000})
	if !ok {
		return
	}
	cv := newLwCanvas(int(a[0]), int(a[1]), 3)
	// Two passes of buildings without windows, the lighter gray behind,
	// then the black ones with lit windows in front.
	for color := byte(2); color >= 1; color-- {
		for off := -10; off < cv.w; {
			off += rand.IntN(8)
			width := 10 + rand.IntN(9)
			height := cv.h/2 + rand.IntN(cv.h)/2
			if color == 1 {
				height = cv.h/2 + rand.IntN(cv.h)/3
			}
			cv.building(off, width, height, color, false)
			if color == 2 {
				off += width / 2
			} else {
				off += width + 1
			}
		}
	}
	for off := -10; off < cv.w; {
		off += rand.IntN(8)
		width := 5 + rand.IntN(14)
		if width%4 != 0 {
			width += width % 3
		}
		cv.building(off, width, cv.h/3+rand.IntN(cv.h)/2, 0, true)
		off += width + 5
	}
	var b strings.Builder
	for y := 0; y < cv.h; y++ {
		for x := 0; x < cv.w; x++ {
			// Foreground and background set alike: terminals agree more.
			b.WriteString("\033[" + [4]string{"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"}[cv.get(x, y)&3] + " \033[0m")
		}
		if y != cv.h-1 {
			b.WriteByte('\n')
		}
	}
	b.WriteString("\nDedicated to the 8 bit game developers of past and present.\n" +
		"Original 8 bit image from Plaguemon by hikikomori. Redis ver. " + engine.RedisVersion + "\n")
	c.W.Verbatim("txt", b.String())
}

// building draws a skyscraper standing on the bottom row: a roof two
// pixels narrower on each side and, with windows, two-pixel-wide windows
// on every other row in one of the grays it is not.
func (cv *lwCanvas) building(xoff, width, height int, color byte, windows bool) {
	bottom := cv.h - 1
	top := bottom - height + 1
	for y := bottom; y >= top; y-- {
		for x := xoff; x < xoff+width; x++ {
			if y == top && (x <= xoff+1 || x >= xoff+width-2) {
				continue
			}
			px := color
			if windows && x > xoff+1 && x < xoff+width-2 && y > top+1 && y < bottom-1 {
				relx, rely := x-(xoff+1), y-(top+1)
				if relx/2%2 == 1 && rely%2 == 1 {
					px = byte(1 + rand.IntN(2))
					if px == color {
						px = 3 - px
					}
					if relx%2 == 1 {
						px = cv.get(x-1, y)
					}
				}
			}
			cv.set(x, y, px)
		}
	}
}
