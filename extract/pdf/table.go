package pdf

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Table detection. The grid of a table comes from what the page draws:
// cell backgrounds (filled rectangles, each giving four edges), ruling
// lines (stroked, or the thin filled rectangles browsers draw as
// borders). Edges are snapped together, grouped into connected
// components, and each component's distinct x and y positions make a
// fine grid. Neighbouring fine cells that no edge separates are one cell
// (a span). Words go to the cell that holds the centre of their box.

// Tolerances, in points.
const (
	snapTol   = 2.5 // edges closer than this are one
	joinTol   = 3.0 // collinear edges with a gap smaller than this are joined
	thinEdge  = 3.0 // a filled rectangle thinner than this is a line
	minCellPt = 2.0 // fine rows or columns thinner than this are not cells
	maxEdges  = 4000
)

// edge is a horizontal (at y = pos, from lo to hi in x) or vertical (at
// x = pos, from lo to hi in y) line of a grid.
type edge struct {
	pos, lo, hi float64
}

// fillBox is a filled rectangle with its colour, in the text frame.
type fillBox struct {
	x0, y0, x1, y1 float64
	color          uint32
}

// tword is one word of the page with its box and its bytes in the page
// text.
type tword struct {
	x1, x2, y, size float64
	start, end      int
	line            int // index of its line
}

func (w *tword) cx() float64 { return (w.x1 + w.x2) / 2 }

// cy is the height of the middle of the word's lower-case letters.
func (w *tword) cy() float64 { return w.y + 0.25*w.size }

// pageGraphics is what a page drew that tables are found from, in the
// frame of its main text direction.
type pageGraphics struct {
	grids  []component // edges that may make grids (two or more each way)
	stacks [][]edge    // stacks of horizontal rules that meet no vertical edge
	fills  []fillBox
	words  bool // the lines keep their words: the page may hold tables
}

// pageGrids finds in the shapes of a page, seen in the frame of text
// direction dir, the edges that may make tables.
func pageGrids(shapes []shape, box [4]float64, dir uint8) (g pageGraphics) {
	if !tabular(shapes) {
		return g
	}
	hs, vs, fills := pageEdges(shapes, box, dir)
	if len(hs) < 2 || len(hs) > maxEdges || len(vs) > maxEdges {
		return g
	}
	var lone []edge
	for _, comp := range components(hs, vs) {
		switch {
		case len(comp.v) == 0:
			lone = append(lone, comp.h...)
		case len(comp.v) >= 2 && len(comp.h) >= 2:
			g.grids = append(g.grids, comp)
		}
	}
	g.stacks = ruleStacks(lone)
	if len(g.grids) > 0 || len(g.stacks) > 0 {
		g.fills = fills
	}
	return g
}

// mainDir returns the text direction most glyphs share (the lowest of
// equals), as pageLines chooses it.
func mainDir(gs []glyph) uint8 {
	var count [4]int
	for _, g := range gs {
		count[g.dir]++
	}
	best := uint8(0)
	for d := uint8(1); d < 4; d++ {
		if count[d] > count[best] {
			best = d
		}
	}
	return best
}

// tabular reports whether a page draws enough boxes or lines to be worth
// searching for tables.
func tabular(shapes []shape) bool {
	n := 0
	for _, s := range shapes {
		if s.x1-s.x0 >= 8 || s.y1-s.y0 >= 8 {
			n++
			if n >= 3 {
				return true
			}
		}
	}
	return false
}

// toFrame maps a point of page space into the frame of text direction d
// (see interp.add).
func toFrame(x, y float64, d uint8) (float64, float64) {
	switch d {
	case 1:
		return y, -x
	case 2:
		return -x, -y
	case 3:
		return -y, x
	}
	return x, y
}

// found is a table found on a page, with its grid boundaries (in the
// text frame) kept for matching a continuation on the next page.
type found struct {
	t        extract.Table
	xs       []float64 // column boundaries, left to right
	top, bot float64   // y of its top and bottom edges
	atTop    bool      // nothing of the page's body text is above it
	atBottom bool      // nothing of the page's body text is below it
}

// recoverTables turns a panic in table detection into a page without
// tables. The fuzz test turns it off to see the panic.
var recoverTables = true

// tableState carries what a document's pages need to know of the
// previous page: the table at its bottom, if any.
type tableState struct {
	lastXs []float64 // column boundaries of the table ending the last page
}

// pageTables finds the tables of one page. lines are the page's lines
// (words are tracked on lines of pages worth searching), offs where each
// starts in text (-1 for dropped lines), and text the page text.
func pageTables(lines []line, offs []int, text string, g pageGraphics, st *tableState) (tables []extract.Table) {
	if recoverTables {
		defer func() {
			if x := recover(); x != nil {
				// A table is an addition to the text: a bug here must
				// not cost the page.
				tables = nil
				st.lastXs = nil
			}
		}()
	}
	words, bodyYs := pageWords(lines, offs, text)
	var prevXs []float64
	prevXs, st.lastXs = st.lastXs, nil
	if len(words) == 0 {
		return nil
	}
	var out []found
	for _, comp := range g.grids {
		if f, ok := buildTable(comp.h, comp.v, g.fills, words, text); ok {
			out = append(out, f)
		}
	}
	out = append(out, textTables(words, out, text)...)
	// Rules stacked across the page, where no table is yet.
	for _, rules := range g.stacks {
		if overlapsFound(rules, out) {
			continue
		}
		if vs := gutterEdges(rules, words); vs != nil {
			if f, ok := buildTable(rules, vs, g.fills, words, text); ok && f.t.Rows >= 2 {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	// Reading order: top down, tables side by side left first.
	sort.SliceStable(out, func(i, j int) bool {
		if math.Abs(out[i].top-out[j].top) > snapTol {
			return out[i].top > out[j].top
		}
		return out[i].xs[0] < out[j].xs[0]
	})
	for i := range out {
		f := &out[i]
		f.atTop, f.atBottom = true, true
		for _, y := range bodyYs {
			if y > f.top+1 {
				f.atTop = false
			}
			if y < f.bot-1 {
				f.atBottom = false
			}
		}
	}
	if prevXs != nil && out[0].atTop && sameColumns(prevXs, out[0].xs) {
		out[0].t.Continued = true
	}
	if last := out[len(out)-1]; last.atBottom {
		st.lastXs = last.xs
	}
	tables = make([]extract.Table, len(out))
	for i := range out {
		tables[i] = out[i].t
	}
	return tables
}

// ruleStacks groups horizontal rules that touch no vertical edge into
// stacks of three or more, one under the other across the same width:
// the rows of a table ruled only horizontally.
func ruleStacks(hs []edge) [][]edge {
	sort.Slice(hs, func(i, j int) bool { return hs[i].pos > hs[j].pos })
	var out [][]edge
	used := make([]bool, len(hs))
	for i := range hs {
		if used[i] {
			continue
		}
		stack := []edge{hs[i]}
		used[i] = true
		for j := i + 1; j < len(hs); j++ {
			last := stack[len(stack)-1]
			if used[j] || last.pos-hs[j].pos > maxRowPt {
				continue
			}
			lo, hi := math.Max(last.lo, hs[j].lo), math.Min(last.hi, hs[j].hi)
			if hi-lo >= 0.9*math.Max(last.hi-last.lo, hs[j].hi-hs[j].lo) {
				stack = append(stack, hs[j])
				used[j] = true
			}
		}
		if len(stack) >= 3 {
			out = append(out, stack)
		}
	}
	return out
}

// overlapsFound reports whether the box of a stack of rules overlaps a
// table already found.
func overlapsFound(rules []edge, fs []found) bool {
	top, bot := rules[0].pos, rules[len(rules)-1].pos
	left, right := math.Inf(1), math.Inf(-1)
	for _, r := range rules {
		left, right = math.Min(left, r.lo), math.Max(right, r.hi)
	}
	for _, f := range fs {
		if len(f.xs) > 0 && f.xs[0] < right && f.xs[len(f.xs)-1] > left && f.bot < top && f.top > bot {
			return true
		}
	}
	return false
}

// maxRowPt is the tallest row of a table ruled only horizontally.
const maxRowPt = 200.0

// gutterEdges returns vertical edges for a stack of horizontal rules:
// its two sides and the middle of each strip that every word between
// the rules leaves free, at least an em wide. It returns nil when there
// is no such strip.
func gutterEdges(rules []edge, words []tword) []edge {
	top, bot := rules[0].pos, rules[len(rules)-1].pos
	left, right := math.Inf(1), math.Inf(-1)
	for _, r := range rules {
		left, right = math.Min(left, r.lo), math.Max(right, r.hi)
	}
	free := []span{{left, right}}
	var sizes []float64
	for i := range words {
		w := &words[i]
		if x, y := w.cx(), w.cy(); x < left || x > right || y > top || y < bot {
			continue
		}
		free = intersect(free, []span{{math.Inf(-1), w.x1}, {w.x2, math.Inf(1)}})
		sizes = append(sizes, w.size)
	}
	if len(sizes) < 2 {
		return nil
	}
	slices.Sort(sizes)
	em := sizes[len(sizes)/2]
	vs := []edge{{left, bot, top}}
	for _, g := range free {
		if g.hi-g.lo >= gutterMinEm*em && g.lo > left+0.01 && g.hi < right-0.01 {
			vs = append(vs, edge{(g.lo + g.hi) / 2, bot, top})
		}
	}
	if len(vs) < 2 {
		return nil
	}
	return append(vs, edge{right, bot, top})
}

// sameColumns reports whether two tables have the same column
// boundaries.
func sameColumns(a, b []float64) bool {
	if len(a) != len(b) || len(a) < 2 {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 2*snapTol {
			return false
		}
	}
	return true
}

// pageWords collects the tracked words of the lines kept in the text,
// with their spans in text, and the baselines of the kept lines of the
// page body (not in the header and footer bands).
func pageWords(lines []line, offs []int, text string) (words []tword, ys []float64) {
	// Each kept line ends where the next kept line starts at the latest
	// (a word broken by a hyphen loses the hyphen when joined).
	next := len(text)
	ends := make([]int, len(lines))
	for i := len(lines) - 1; i >= 0; i-- {
		ends[i] = next
		if i < len(offs) && offs[i] >= 0 {
			next = offs[i]
		}
	}
	for i, l := range lines {
		if i >= len(offs) || offs[i] < 0 {
			continue
		}
		if !l.brk && l.zone == 0 {
			ys = append(ys, l.y)
		}
		for _, w := range l.words {
			s, e := offs[i]+w.off, min(offs[i]+w.end, ends[i], len(text))
			if s < 0 || s >= e {
				continue
			}
			words = append(words, tword{x1: w.x1, x2: w.x2, y: w.y, size: w.size, start: s, end: e, line: i})
		}
	}
	return words, ys
}

// pageEdges turns the page's shapes into snapped, joined horizontal and
// vertical edges, and keeps the filled areas.
func pageEdges(shapes []shape, box [4]float64, dir uint8) (hs, vs []edge, fills []fillBox) {
	px0, py0 := toFrame(box[0], box[1], dir)
	px1, py1 := toFrame(box[2], box[3], dir)
	pageArea := math.Abs((px1 - px0) * (py1 - py0))
	for _, s := range shapes {
		x0, y0 := toFrame(s.x0, s.y0, dir)
		x1, y1 := toFrame(s.x1, s.y1, dir)
		if x0 > x1 {
			x0, x1 = x1, x0
		}
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		w, h := x1-x0, y1-y0
		switch {
		case w < thinEdge && h < thinEdge:
			// a dot, a bullet
		case h < thinEdge && w >= 3*h:
			hs = append(hs, edge{(y0 + y1) / 2, x0, x1})
		case w < thinEdge && h >= 3*w:
			vs = append(vs, edge{(x0 + x1) / 2, y0, y1})
		case !s.fill:
			// a thick stroke: a bar or a frame, seldom a cell's edge
		case pageArea > 0 && w*h > 0.6*pageArea:
			// a page background
		default:
			hs = append(hs, edge{y0, x0, x1}, edge{y1, x0, x1})
			vs = append(vs, edge{x0, y0, y1}, edge{x1, y0, y1})
			fills = append(fills, fillBox{x0, y0, x1, y1, s.color})
		}
	}
	return snapEdges(hs), snapEdges(vs), fills
}

// snapEdges gives edges within snapTol of each other one position, and
// joins collinear edges that touch or overlap.
func snapEdges(es []edge) []edge {
	if len(es) == 0 {
		return nil
	}
	sort.Slice(es, func(i, j int) bool { return es[i].pos < es[j].pos })
	var out []edge
	for i := 0; i < len(es); {
		j := i + 1
		sum := es[i].pos
		for j < len(es) && es[j].pos-es[j-1].pos <= snapTol && es[j].pos-es[i].pos <= 2*snapTol {
			sum += es[j].pos
			j++
		}
		pos := sum / float64(j-i)
		grp := es[i:j]
		sort.Slice(grp, func(a, b int) bool { return grp[a].lo < grp[b].lo })
		cur := edge{pos, grp[0].lo, grp[0].hi}
		for _, e := range grp[1:] {
			if e.lo <= cur.hi+joinTol {
				cur.hi = math.Max(cur.hi, e.hi)
				continue
			}
			out = append(out, cur)
			cur = edge{pos, e.lo, e.hi}
		}
		out = append(out, cur)
		i = j
	}
	return out
}

// component is one connected set of edges.
type component struct {
	h, v []edge
}

// unionFind groups the integers 0..n-1 into disjoint sets.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

// find returns the representative of i's set.
func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

// union joins the sets of a and b; a's representative stands for both.
func (u unionFind) union(a, b int) {
	if a, b = u.find(a), u.find(b); a != b {
		u[b] = a
	}
}

// components groups edges that cross or touch.
func components(hs, vs []edge) []component {
	sets := newUnionFind(len(hs) + len(vs))
	find := sets.find
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.lo-snapTol && v.pos <= h.hi+snapTol && h.pos >= v.lo-snapTol && h.pos <= v.hi+snapTol {
				sets.union(len(hs)+j, i)
			}
		}
	}
	idx := map[int]int{}
	var out []component
	get := func(root int) *component {
		k, ok := idx[root]
		if !ok {
			k = len(out)
			idx[root] = k
			out = append(out, component{})
		}
		return &out[k]
	}
	for i, h := range hs {
		c := get(find(i))
		c.h = append(c.h, h)
	}
	for j, v := range vs {
		c := get(find(len(hs) + j))
		c.v = append(c.v, v)
	}
	return out
}

// positions returns the distinct positions of edges, sorted, merging
// those closer than minCellPt.
func positions(es []edge) []float64 {
	ps := make([]float64, 0, len(es))
	for _, e := range es {
		ps = append(ps, e.pos)
	}
	slices.Sort(ps)
	out := ps[:0]
	for _, p := range ps {
		if len(out) > 0 && p-out[len(out)-1] < minCellPt {
			continue
		}
		out = append(out, p)
	}
	return out
}

// bucket sorts edges to the grid position each lies on (within
// minCellPt); edges at no position are left out. ps is sorted, up or
// down.
func bucket(es []edge, ps []float64) [][]edge {
	out := make([][]edge, len(ps))
	down := len(ps) > 1 && ps[0] > ps[len(ps)-1]
	for _, e := range es {
		i := sort.Search(len(ps), func(k int) bool {
			if down {
				return ps[k] <= e.pos
			}
			return ps[k] >= e.pos
		})
		if i > 0 && (i == len(ps) || math.Abs(e.pos-ps[i-1]) < math.Abs(ps[i]-e.pos)) {
			i--
		}
		if i < len(ps) && math.Abs(ps[i]-e.pos) <= minCellPt {
			out[i] = append(out[i], e)
		}
	}
	return out
}

// covers reports whether one of es covers the point t along it.
func covers(es []edge, t float64) bool {
	for _, e := range es {
		if e.lo-snapTol <= t && t <= e.hi+snapTol {
			return true
		}
	}
	return false
}

// cellBox is a merged cell of the fine grid: rows r0..r1, columns c0..c1
// (inclusive), rows counted from the top.
type cellBox struct {
	r0, r1, c0, c1 int
	words          []int
}

// buildTable makes a table from one component of edges.
func buildTable(hs, vs []edge, fills []fillBox, words []tword, text string) (found, bool) {
	if len(hs) < 2 || len(vs) < 2 {
		return found{}, false
	}
	xs := positions(vs)
	ys := positions(hs)
	if len(xs) < 2 || len(ys) < 2 {
		return found{}, false
	}
	slices.Reverse(ys) // top to bottom
	// The words inside the table's box; most components (figures,
	// boxes) hold none or one.
	var inside []int
	for i := range words {
		w := &words[i]
		if x, y := w.cx(), w.cy(); x >= xs[0] && x <= xs[len(xs)-1] && y <= ys[0] && y >= ys[len(ys)-1] {
			inside = append(inside, i)
		}
	}
	if len(inside) < 2 {
		return found{}, false
	}
	xs, ys = dropGaps(xs, ys, words, inside)
	nc, nr := len(xs)-1, len(ys)-1
	if nc < 1 || nr < 1 || nc*nr > 10000 {
		return found{}, false
	}
	// Union-find over fine cells: neighbours that no edge separates are
	// one cell.
	sets := newUnionFind(nr * nc)
	find, union := sets.find, sets.union
	vb, hb := bucket(vs, xs), bucket(hs, ys)
	for r := range nr {
		ym := (ys[r] + ys[r+1]) / 2
		for c := 0; c+1 < nc; c++ {
			if !covers(vb[c+1], ym) {
				union(r*nc+c, r*nc+c+1)
			}
		}
	}
	for c := range nc {
		xm := (xs[c] + xs[c+1]) / 2
		for r := 0; r+1 < nr; r++ {
			if !covers(hb[r+1], xm) {
				union(r*nc+c, (r+1)*nc+c)
			}
		}
	}
	boxes := map[int]*cellBox{}
	var order []int
	for r := range nr {
		for c := range nc {
			root := find(r*nc + c)
			b, ok := boxes[root]
			if !ok {
				b = &cellBox{r0: r, r1: r, c0: c, c1: c}
				boxes[root] = b
				order = append(order, root)
			}
			b.r0, b.r1 = min(b.r0, r), max(b.r1, r)
			b.c0, b.c1 = min(b.c0, c), max(b.c1, c)
		}
	}
	for _, i := range inside {
		w := &words[i]
		x, y := w.cx(), w.cy()
		if x < xs[0] || x > xs[nc] || y > ys[0] || y < ys[nr] {
			continue
		}
		c := sort.SearchFloat64s(xs, x) - 1
		c = max(0, min(c, nc-1))
		r := 0
		for r < nr-1 && y < ys[r+1] {
			r++
		}
		b := boxes[find(r*nc+c)]
		b.words = append(b.words, i)
	}
	cells := make([]*cellBox, 0, len(order))
	for _, root := range order {
		cells = append(cells, boxes[root])
	}
	cells = splitSpans(cells, words, xs)
	// Keep the boundaries some cell uses.
	colUsed := make([]bool, nc+1)
	rowUsed := make([]bool, nr+1)
	filled := 0
	for _, b := range cells {
		colUsed[b.c0], colUsed[b.c1+1] = true, true
		rowUsed[b.r0], rowUsed[b.r1+1] = true, true
		if len(b.words) > 0 {
			filled++
		}
	}
	colIdx, cols := renumber(colUsed)
	rowIdx, rows := renumber(rowUsed)
	if filled < 2 || cols < 2 || !spread(cells, colIdx) {
		return found{}, false
	}
	t := extract.Table{Rows: rows, Cols: cols}
	for _, b := range cells {
		cell := extract.Cell{Row: rowIdx[b.r0], Col: colIdx[b.c0]}
		if rs := rowIdx[b.r1+1] - rowIdx[b.r0]; rs > 1 {
			cell.RowSpan = rs
		}
		if cs := colIdx[b.c1+1] - colIdx[b.c0]; cs > 1 {
			cell.ColSpan = cs
		}
		cell.Text, cell.Start, cell.End = cellText(b.words, words, text)
		t.Cells = append(t.Cells, cell)
	}
	sort.SliceStable(t.Cells, func(i, j int) bool {
		a, b := t.Cells[i], t.Cells[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Col < b.Col
	})
	first := true
	for _, c := range t.Cells {
		if c.Text == "" {
			continue
		}
		if first || c.Start < t.Start {
			t.Start = c.Start
		}
		if first || c.End > t.End {
			t.End = c.End
		}
		first = false
	}
	var bxs []float64
	for i, u := range colUsed {
		if u {
			bxs = append(bxs, xs[i])
		}
	}
	bys := usedYs(ys, rowUsed)
	t.HeaderRows = headerRows(&t, fills, bxs, bys)
	return found{t: t, xs: bxs, top: bys[0], bot: bys[len(bys)-1]}, true
}

// Fine rows or columns narrower than gapPt holding no text are the
// spacing between cells, not cells.
const gapPt = 6.0

// dropGaps merges each narrow, empty fine column and row of the grid
// (xs left to right, ys top to bottom) into a neighbour; ids are the
// words inside the grid.
func dropGaps(xs, ys []float64, words []tword, ids []int) ([]float64, []float64) {
	if len(xs) < 3 && len(ys) < 3 {
		return xs, ys
	}
	top, bot := ys[0], ys[len(ys)-1]
	left, right := xs[0], xs[len(xs)-1]
	emptyX := func(a, b float64) bool {
		for _, i := range ids {
			w := &words[i]
			if x, y := w.cx(), w.cy(); x >= a && x < b && y <= top && y >= bot {
				return false
			}
		}
		return true
	}
	emptyY := func(a, b float64) bool { // a above b
		for _, i := range ids {
			w := &words[i]
			if x, y := w.cx(), w.cy(); y <= a && y > b && x >= left && x <= right {
				return false
			}
		}
		return true
	}
	out := []float64{xs[0]}
	for c := 1; c < len(xs); c++ {
		if xs[c]-xs[c-1] < gapPt && len(xs) > 2 && emptyX(xs[c-1], xs[c]) {
			if c == len(xs)-1 {
				out[len(out)-1] = xs[c] // the last: keep the outer edge
			}
			continue
		}
		out = append(out, xs[c])
	}
	oy := []float64{ys[0]}
	for r := 1; r < len(ys); r++ {
		if ys[r-1]-ys[r] < gapPt && len(ys) > 2 && emptyY(ys[r-1], ys[r]) {
			if r == len(ys)-1 {
				oy[len(oy)-1] = ys[r]
			}
			continue
		}
		oy = append(oy, ys[r])
	}
	return out, oy
}

// maxSplitWords bounds the words of a cell that splitSpans looks at
// (its test is quadratic): bigger cells are prose, not rows of a grid.
const maxSplitWords = 1000

// splitSpans splits a cell spanning several columns at a column
// boundary that none of its words crosses and that parts two words of
// one line by a wide gap: the table drew no line there, but its text
// keeps the columns apart.
func splitSpans(cells []*cellBox, words []tword, xs []float64) []*cellBox {
	out := cells[:0:0]
	for _, b := range cells {
		if b.c1 == b.c0 || len(b.words) < 2 || len(b.words) > maxSplitWords {
			out = append(out, b)
			continue
		}
		var cuts []int
		for k := b.c0 + 1; k <= b.c1; k++ {
			if columnCut(b.words, words, xs[k]) {
				cuts = append(cuts, k)
			}
		}
		if len(cuts) == 0 {
			out = append(out, b)
			continue
		}
		lo := b.c0
		for i := 0; i <= len(cuts); i++ {
			hi := b.c1 + 1
			if i < len(cuts) {
				hi = cuts[i]
			}
			p := &cellBox{r0: b.r0, r1: b.r1, c0: lo, c1: hi - 1}
			for _, id := range b.words {
				if x := words[id].cx(); x >= xs[lo] && (x < xs[hi] || hi == b.c1+1) {
					p.words = append(p.words, id)
				}
			}
			out = append(out, p)
			lo = hi
		}
	}
	return out
}

// columnCut reports whether x parts the words ids: none crosses it, and
// on two lines or more a word ends left of it and another starts right
// of it after a gap of at least chunkGapEm.
func columnCut(ids []int, words []tword, x float64) bool {
	var ys []float64
	for _, i := range ids {
		a := &words[i]
		if a.x1 < x && a.x2 > x {
			return false
		}
		if a.x2 > x {
			continue
		}
		for _, j := range ids {
			b := &words[j]
			if b.x1 >= x && math.Abs(a.y-b.y) < sameLineEm*math.Min(a.size, b.size) && b.x1-a.x2 >= chunkGapEm*math.Max(a.size, b.size) {
				if !slices.ContainsFunc(ys, func(y float64) bool { return math.Abs(y-a.y) < sameLineEm*a.size }) {
					ys = append(ys, a.y)
				}
				break
			}
		}
	}
	return len(ys) >= 2
}

// spread reports whether words sit in at least two columns: a box of
// text with a rule across it is not a table.
func spread(boxes []*cellBox, colIdx []int) bool {
	first := -1
	for _, b := range boxes {
		if len(b.words) == 0 {
			continue
		}
		c := colIdx[b.c0]
		if first >= 0 && c != first {
			return true
		}
		first = c
	}
	return false
}

// usedYs returns the row boundaries in use, top to bottom.
func usedYs(ys []float64, used []bool) []float64 {
	var out []float64
	for i, u := range used {
		if u && i < len(ys) {
			out = append(out, ys[i])
		}
	}
	return out
}

// renumber maps fine-grid boundaries to the boundaries in use: idx[i] is
// the number of used boundaries before boundary i, n the count of
// intervals between them.
func renumber(used []bool) (idx []int, n int) {
	idx = make([]int, len(used))
	k := -1
	for i, u := range used {
		if u {
			k++
		}
		idx[i] = max(k, 0)
	}
	return idx, max(k, 0)
}

// cellText joins a cell's words in reading order (lines top to bottom,
// words left to right) and returns the span of page text they cover.
func cellText(ids []int, words []tword, text string) (string, int, int) {
	if len(ids) == 0 {
		return "", 0, 0
	}
	ws := make([]tword, len(ids))
	for i, id := range ids {
		ws[i] = words[id]
	}
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].y > ws[j].y })
	var b strings.Builder
	start, end := ws[0].start, ws[0].end
	for i := 0; i < len(ws); {
		j := i + 1
		for j < len(ws) && math.Abs(ws[i].y-ws[j].y) < sameLineEm*math.Min(ws[i].size, ws[j].size) {
			j++
		}
		ln := ws[i:j]
		sort.SliceStable(ln, func(a, b int) bool { return ln[a].x1 < ln[b].x1 })
		for _, w := range ln {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(text[w.start:w.end])
			start, end = min(start, w.start), max(end, w.end)
		}
		i = j
	}
	return b.String(), start, end
}

// headerWords are the labels of CQC table headers: the key questions and
// the columns of requirement-notice tables.
var headerWords = map[string]bool{
	"safe": true, "effective": true, "caring": true, "responsive": true, "well-led": true,
	"well led": true, "overall": true, "overall rating": true,
	"regulated activity": true, "regulated activities": true, "regulation": true, "regulations": true,
	"key question": true, "key questions": true, "rating": true, "ratings": true,
	"previous rating": true, "date": true, "area": true, "service": true, "services": true,
	"core service": true, "core services": true, "location": true, "hospital": true, "site": true,
	"domain": true, "finding": true, "findings": true, "action": true, "actions": true,
}

// ratingWord reports whether s starts with a CQC rating.
func ratingWord(s string) bool {
	s = strings.ToLower(s)
	for _, r := range []string{"outstanding", "good", "requires improvement", "inadequate", "not rated"} {
		if strings.HasPrefix(s, r) {
			return true
		}
	}
	return false
}

// headerRows counts the rows at the top of t that are column headers:
// rows of short labels that are either key-question or requirement
// column names, or drawn on a background colour no row below uses.
func headerRows(t *extract.Table, fills []fillBox, xs, ys []float64) int {
	n := 0
	for r := 0; r < min(3, t.Rows-1); r++ {
		labels, known := 0, 0
		short := true
		for _, c := range t.Cells {
			if c.Row != r || c.Text == "" {
				continue
			}
			labels++
			if ratingWord(c.Text) || len(strings.Fields(c.Text)) > 5 {
				short = false
			}
			if headerWords[strings.ToLower(strings.TrimRight(c.Text, "*: "))] {
				known++
			}
		}
		if r == 0 && captionRow(t) {
			// A caption row: a header when drawn as one, or with the
			// header rows below it.
			if distinctFill(r, fills, xs, ys) {
				n = 1
			}
			continue
		}
		if labels == 0 || !short {
			break
		}
		if known*2 >= labels && known >= 2 || labels >= 1 && distinctFill(r, fills, xs, ys) {
			n = r + 1
			continue
		}
		break
	}
	return n
}

// captionRow reports whether the first row of t is one cell across the table
// holding a caption, such as "Ratings for Elmstead Hospital".
func captionRow(t *extract.Table) bool {
	for _, c := range t.Cells {
		if c.Row == 0 {
			return t.Cols > 1 && c.Col == 0 && c.ColSpan == t.Cols && c.Text != "" &&
				!ratingWord(c.Text) && len(strings.Fields(c.Text)) <= 12
		}
	}
	return false
}

// distinctFill reports whether row r of the grid is filled with one
// colour that no lower row uses.
func distinctFill(r int, fills []fillBox, xs, ys []float64) bool {
	if r+1 >= len(ys) || len(xs) < 2 {
		return false
	}
	top, bot := ys[r], ys[r+1]
	left, right := xs[0], xs[len(xs)-1]
	var color uint32
	have := false
	for _, f := range fills {
		if f.x1 < left-snapTol || f.x0 > right+snapTol {
			continue
		}
		my := (f.y0 + f.y1) / 2
		if my < top && my > bot {
			if have && f.color != color {
				return false
			}
			color, have = f.color, true
		}
	}
	if !have || color == 0xffffff {
		return false
	}
	for _, f := range fills {
		if f.x1 < left-snapTol || f.x0 > right+snapTol {
			continue
		}
		my := (f.y0 + f.y1) / 2
		if my < bot && my > ys[len(ys)-1] && f.color == color {
			return false
		}
	}
	return true
}
