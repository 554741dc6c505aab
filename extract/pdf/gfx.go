package pdf

import "math"

// The graphics that tables are made of: filled rectangles (cell
// backgrounds, and the thin ones browsers draw as borders) and straight
// stroked lines (ruling). Both are kept as axis-aligned boxes in page
// space; curves, slanted lines and other shapes are not kept.

// shape is one painted axis-aligned box: a filled rectangle, or a stroked
// straight line widened by its line width.
type shape struct {
	x0, y0, x1, y1 float64 // x0 < x1, y0 < y1
	fill           bool    // a filled area (else a stroked line)
	color          uint32  // fill colour as 0xRRGGBB (fills only)
}

// Limits on the graphics kept for one page.
const (
	maxShapes     = 20_000
	maxPathPoints = 4_096
)

// pathPoint is one point of the current path, in user space.
type pathPoint struct {
	x, y float64
	move bool // starts a subpath
}

// path is the path under construction in one content stream.
type path struct {
	pts    []pathPoint
	curved bool // holds curves or too many points: only rectangles from re are kept
	rects  [][4]float64
}

func (p *path) reset() {
	p.pts, p.rects, p.curved = p.pts[:0], p.rects[:0], false
}

func (p *path) moveTo(x, y float64) {
	if len(p.pts) >= maxPathPoints {
		p.curved = true
		return
	}
	p.pts = append(p.pts, pathPoint{x, y, true})
}

func (p *path) lineTo(x, y float64) {
	if len(p.pts) >= maxPathPoints {
		p.curved = true
		return
	}
	p.pts = append(p.pts, pathPoint{x, y, len(p.pts) == 0})
}

// closePath adds a line back to the start of the current subpath.
func (p *path) closePath() {
	for i := len(p.pts) - 1; i >= 0; i-- {
		if p.pts[i].move {
			if i != len(p.pts)-1 {
				p.lineTo(p.pts[i].x, p.pts[i].y)
				p.pts[len(p.pts)-1].move = false
			}
			return
		}
	}
}

// paint records the current path as shapes, filled and/or stroked, with
// the graphics state gs.
func (in *interp) paint(p *path, gs *gstate, fill, stroke bool) {
	if len(in.shapes) >= maxShapes {
		return
	}
	m := gs.ctm
	// Only transformations that keep axes axis-aligned.
	if !(math.Abs(m[1]) < 1e-6 && math.Abs(m[2]) < 1e-6) && !(math.Abs(m[0]) < 1e-6 && math.Abs(m[3]) < 1e-6) {
		return
	}
	tr := func(x, y float64) (float64, float64) {
		return x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]
	}
	box := func(ax, ay, bx, by float64, fill bool, w float64) {
		x0, y0 := tr(ax, ay)
		x1, y1 := tr(bx, by)
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		if w > 0 {
			if x1-x0 < w {
				c := (x0 + x1) / 2
				x0, x1 = c-w/2, c+w/2
			}
			if y1-y0 < w {
				c := (y0 + y1) / 2
				y0, y1 = c-w/2, c+w/2
			}
		}
		if math.IsNaN(x0+y0+x1+y1) || math.IsInf(x0+y0+x1+y1, 0) || len(in.shapes) >= maxShapes {
			return
		}
		s := shape{x0: x0, y0: y0, x1: x1, y1: y1, fill: fill}
		if fill {
			s.color = gs.fillColor
		}
		in.shapes = append(in.shapes, s)
	}
	lw := 0.0
	if stroke {
		// The line width in page units; hairlines (0) are drawn one
		// device pixel wide, shown here as half a point.
		lw = math.Max(gs.lw*scaleOf(m), 0.5)
	}
	for _, r := range p.rects {
		if fill {
			box(r[0], r[1], r[0]+r[2], r[1]+r[3], true, 0)
		}
		if stroke {
			x0, y0, x1, y1 := r[0], r[1], r[0]+r[2], r[1]+r[3]
			box(x0, y0, x1, y0, false, lw)
			box(x0, y1, x1, y1, false, lw)
			box(x0, y0, x0, y1, false, lw)
			box(x1, y0, x1, y1, false, lw)
		}
	}
	if p.curved {
		return
	}
	// Subpaths of straight lines.
	for i := 0; i < len(p.pts); {
		j := i + 1
		for j < len(p.pts) && !p.pts[j].move {
			j++
		}
		sub := p.pts[i:j]
		i = j
		if fill {
			if x0, y0, x1, y1, ok := rectPath(sub); ok {
				box(x0, y0, x1, y1, true, 0)
			}
		}
		if stroke {
			for k := 1; k < len(sub); k++ {
				a, b := sub[k-1], sub[k]
				if math.Abs(a.x-b.x) < 1e-3 || math.Abs(a.y-b.y) < 1e-3 {
					box(a.x, a.y, b.x, b.y, false, lw)
				}
			}
		}
	}
}

// scaleOf returns how much m scales lengths (at least a tiny positive
// number).
func scaleOf(m matrix) float64 {
	return math.Max(math.Max(math.Hypot(m[0], m[1]), math.Hypot(m[2], m[3])), 1e-9)
}

// rectPath reports whether the points of one subpath trace an
// axis-aligned rectangle, and returns it.
func rectPath(pts []pathPoint) (x0, y0, x1, y1 float64, ok bool) {
	n := len(pts)
	if n > 1 && math.Abs(pts[n-1].x-pts[0].x) < 1e-3 && math.Abs(pts[n-1].y-pts[0].y) < 1e-3 {
		n--
	}
	if n != 4 {
		return 0, 0, 0, 0, false
	}
	for k := range 4 {
		a, b := pts[k], pts[(k+1)%4]
		if math.Abs(a.x-b.x) >= 1e-3 && math.Abs(a.y-b.y) >= 1e-3 {
			return 0, 0, 0, 0, false
		}
	}
	x0, y0, x1, y1 = pts[0].x, pts[0].y, pts[0].x, pts[0].y
	for _, p := range pts[1:4] {
		x0, y0, x1, y1 = math.Min(x0, p.x), math.Min(y0, p.y), math.Max(x1, p.x), math.Max(y1, p.y)
	}
	return x0, y0, x1, y1, x1 > x0 && y1 > y0
}

// rgb packs colour components in 0..1 into 0xRRGGBB.
func rgb(r, g, b float64) uint32 {
	c := func(v float64) uint32 {
		if !(v > 0) {
			return 0
		}
		if v >= 1 {
			return 255
		}
		return uint32(math.Round(v * 255))
	}
	return c(r)<<16 | c(g)<<8 | c(b)
}

// cmyk converts CMYK components to a packed RGB colour.
func cmyk(c, m, y, k float64) uint32 {
	return rgb((1-c)*(1-k), (1-m)*(1-k), (1-y)*(1-k))
}
