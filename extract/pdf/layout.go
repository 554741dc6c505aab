package pdf

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Layout thresholds, in units of the font size (em).
const (
	wordGapEm    = 0.15 // a gap wider than this between glyphs is a space
	segmentGapEm = 3.0  // a gap wider than this ends a line segment
	backStepEm   = 0.6  // stepping back further than this ends a segment
	sameLineEm   = 0.45 // baselines closer than this share a line
	paraPitch    = 1.6  // a line gap this many times the usual one starts a paragraph
)

// segment is a run of glyphs on one baseline, drawn one after the other.
type segment struct {
	words  []string
	wx     []span // x extent of each word, kept only when words are tracked
	x1, x2 float64
	y      float64
	size   float64
	order  int
}

// line is one output line of a page.
type line struct {
	text  string
	y     float64
	size  float64
	para  bool // a paragraph starts here
	zone  int8 // 1 top band of the page, -1 bottom band, 0 body
	flow  int  // lines of one flow (column) share a number
	brk   bool // not furniture-checked (other text directions)
	gone  bool
	first bool // first line of its flow
	// words are the line's words with their boxes and byte spans in
	// text, kept only on pages searched for tables.
	words []lineWord
}

// lineWord is one word of a line: where it is on the page (in the frame
// of the page's main text direction) and which bytes of the line text
// it became.
type lineWord struct {
	x1, x2, y, size float64
	off, end        int
}

// segments groups glyphs of one direction, in drawing order, into line
// segments made of words. With track, each word's x extent is kept.
func segments(gs []glyph, track bool) []segment {
	var out []segment
	var cur *segment
	var word strings.Builder
	var wx span
	space := false
	flush := func() {
		if cur != nil && word.Len() > 0 {
			cur.words = append(cur.words, word.String())
			if track {
				cur.wx = append(cur.wx, wx)
			}
		}
		word.Reset()
	}
	for i := range gs {
		g := &gs[i]
		if g.text == " " || g.text == "\u00a0" {
			space = true
			continue
		}
		if cur != nil {
			size := math.Max(cur.size, g.size)
			gap := g.x - cur.x2
			if math.Abs(g.y-cur.y) < sameLineEm*size && gap < segmentGapEm*size && gap > -backStepEm*size {
				if space || gap > wordGapEm*math.Min(size, g.size*1.5) {
					flush()
				}
				space = false
				if word.Len() == 0 {
					wx = span{g.x, math.Max(g.x2, g.x)}
				}
				wx.hi = math.Max(wx.hi, math.Max(g.x2, g.x))
				word.WriteString(g.text)
				if g.x2 > cur.x2 {
					cur.x2 = g.x2
				}
				if g.size > cur.size*1.2 {
					cur.y, cur.size = g.y, g.size
				}
				continue
			}
			flush()
			out = append(out, *cur)
		}
		space = false
		cur = &segment{x1: g.x, x2: math.Max(g.x2, g.x), y: g.y, size: g.size, order: len(out)}
		wx = span{g.x, math.Max(g.x2, g.x)}
		word.WriteString(g.text)
	}
	if cur != nil {
		flush()
		out = append(out, *cur)
	}
	return out
}

// span is an open interval of x.
type span struct{ lo, hi float64 }

// intersect returns the parts common to two sorted span lists.
func intersect(a, b []span) []span {
	var out []span
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := math.Max(a[i].lo, b[j].lo), math.Min(a[i].hi, b[j].hi)
		if hi > lo {
			out = append(out, span{lo, hi})
		}
		if a[i].hi < b[j].hi {
			i++
		} else {
			j++
		}
	}
	return out
}

func widest(a []span) span {
	var w span
	for _, s := range a {
		if s.hi-s.lo > w.hi-w.lo {
			w = s
		}
	}
	return w
}

// rows clusters segments into rows of (nearly) the same baseline, top
// to bottom.
func rows(segs []segment) [][]segment {
	sorted := slices.Clone(segs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].y > sorted[j].y })
	var out [][]segment
	start := 0
	for i := 1; i <= len(sorted); i++ {
		if i == len(sorted) || math.Abs(sorted[start].y-sorted[i].y) >= sameLineEm*math.Min(sorted[start].size, sorted[i].size) {
			out = append(out, sorted[start:i])
			start = i
		}
	}
	return out
}

// flows puts segments in reading order. The gutter is the vertical strip
// that the most rows leave free with text on both sides. Rows that cross
// it (titles, full-width paragraphs, footers) split the page into
// regions; a region whose rows keep clear of the gutter and hold running
// text on both sides is read left column top to bottom, then right
// column, even where one column has no text beside a line of the other.
// What is left is scanned band by band for other gutters. Columns are
// searched again for further columns.
func flows(segs []segment, depth int) [][]segment {
	if len(segs) < 6 || depth > 2 {
		return [][]segment{segs}
	}
	x0, x1 := math.Inf(1), math.Inf(-1)
	sizes := make([]float64, 0, len(segs))
	for _, s := range segs {
		x0, x1 = math.Min(x0, s.x1), math.Max(x1, s.x2)
		sizes = append(sizes, s.size)
	}
	w := x1 - x0
	if w < 50 {
		return [][]segment{segs}
	}
	slices.Sort(sizes)
	minGap := math.Max(0.5*sizes[len(sizes)/2], 3)
	mid := span{x0 + 0.2*w, x0 + 0.8*w}
	rs := rows(segs)
	open := make([][]span, len(rs))
	for i, r := range rs {
		cur := []span{mid}
		for _, s := range r {
			cur = intersect(cur, []span{{math.Inf(-1), s.x1}, {s.x2, math.Inf(1)}})
		}
		open[i] = cur
	}
	g, ok := gutter(rs, open, mid)
	if !ok || g.hi-g.lo < minGap {
		return bands(rs, open, minGap, depth)
	}
	var out [][]segment
	var prs [][]segment
	var popen [][]span
	flush := func() {
		if len(prs) > 0 {
			out = append(out, bands(prs, popen, minGap, depth)...)
			prs, popen = nil, nil
		}
	}
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && !crosses(rs[j], g) {
			j++
		}
		if j > i {
			if left, right, ok := columnBand(rs[i:j], g, minGap); ok {
				flush()
				out = append(out, flows(left, depth+1)...)
				out = append(out, flows(right, depth+1)...)
				i = j
				continue
			}
		}
		if j == i {
			j++
		}
		prs = append(prs, rs[i:j]...)
		popen = append(popen, open[i:j]...)
		i = j
	}
	flush()
	return out
}

// crosses reports whether a segment of row r reaches into the strip g.
func crosses(r []segment, g span) bool {
	for _, s := range r {
		if s.x1 < g.hi-0.01 && s.x2 > g.lo+0.01 {
			return true
		}
	}
	return false
}

// gutter finds the strip inside mid that the most rows leave free while
// holding text on both sides of it; among equals it prefers the strip
// fewer rows cross, then the one nearest the middle. The strip is as wide
// as those two-sided rows all leave free. It reports false when fewer
// than three rows have text on both sides.
func gutter(rs [][]segment, open [][]span, mid span) (span, bool) {
	const bins = 200
	step := (mid.hi - mid.lo) / bins
	if step <= 0 {
		return span{}, false
	}
	var two, free [bins]int
	for i, r := range rs {
		lx2, rx1 := math.Inf(1), math.Inf(-1)
		for _, s := range r {
			lx2, rx1 = math.Min(lx2, s.x2), math.Max(rx1, s.x1)
		}
		for _, o := range open[i] {
			for b := max(0, int((o.lo-mid.lo)/step)); b < bins; b++ {
				x := mid.lo + (float64(b)+0.5)*step
				if x >= o.hi {
					break
				}
				if x <= o.lo {
					continue
				}
				free[b]++
				if lx2 <= x && x <= rx1 {
					two[b]++
				}
			}
		}
	}
	best := -1
	centre := (mid.lo + mid.hi) / 2
	for b := range bins {
		if two[b] == 0 {
			continue
		}
		if best < 0 || two[b] > two[best] ||
			two[b] == two[best] && (free[b] > free[best] ||
				free[b] == free[best] && math.Abs(float64(b)*step+mid.lo-centre) < math.Abs(float64(best)*step+mid.lo-centre)) {
			best = b
		}
	}
	if best < 0 || two[best] < 3 || 4*two[best] < len(rs) {
		return span{}, false
	}
	x := mid.lo + (float64(best)+0.5)*step
	g := span{math.Inf(-1), math.Inf(1)}
	for i, r := range rs {
		lx2, rx1 := math.Inf(1), math.Inf(-1)
		for _, s := range r {
			lx2, rx1 = math.Min(lx2, s.x2), math.Max(rx1, s.x1)
		}
		if lx2 > x || x > rx1 {
			continue
		}
		for _, o := range open[i] {
			if o.lo < x && x < o.hi {
				g = span{math.Max(g.lo, o.lo), math.Min(g.hi, o.hi)}
			}
		}
	}
	return g, g.hi > g.lo
}

// bands scans rows top to bottom: a run of rows that all leave the same
// vertical strip free, with text on both sides, is a band of two columns,
// read left column first.
func bands(rs [][]segment, open [][]span, minGap float64, depth int) [][]segment {
	var out [][]segment
	var plain []segment
	for i := 0; i < len(rs); {
		o := open[i]
		j := i + 1
		for j < len(rs) {
			next := intersect(o, open[j])
			if g := widest(next); g.hi-g.lo < minGap {
				break
			}
			o = next
			j++
		}
		g := widest(o)
		if left, right, ok := columnBand(rs[i:j], g, minGap); ok {
			if len(plain) > 0 {
				out = append(out, plain)
				plain = nil
			}
			out = append(out, flows(left, depth+1)...)
			out = append(out, flows(right, depth+1)...)
			i = j
			continue
		}
		plain = append(plain, rs[i]...)
		i++
	}
	if len(plain) > 0 {
		out = append(out, plain)
	}
	return out
}

// columnBand splits rows at the free strip g, and reports whether they
// look like two columns of text rather than, say, a table.
func columnBand(rs [][]segment, g span, minGap float64) (left, right []segment, ok bool) {
	if len(rs) < 3 || g.hi-g.lo < minGap {
		return nil, nil, false
	}
	lrows, rrows := 0, 0
	for _, r := range rs {
		l, rt := false, false
		for _, s := range r {
			if s.x2 <= g.lo+0.01 {
				left = append(left, s)
				l = true
			} else {
				right = append(right, s)
				rt = true
			}
		}
		if l {
			lrows++
		}
		if rt {
			rrows++
		}
	}
	if lrows < 3 || rrows < 3 {
		return nil, nil, false
	}
	// Lines of running text hold several words; table cells mostly do
	// not, and tables read better row by row.
	wordy := func(ss []segment) bool {
		n := make([]int, 0, len(ss))
		for _, s := range ss {
			n = append(n, len(s.words))
		}
		slices.Sort(n)
		return n[len(n)/2] >= 4
	}
	if !wordy(left) && !wordy(right) {
		return nil, nil, false
	}
	return left, right, true
}

// flowLines turns one flow's segments into lines, top to bottom.
func flowLines(segs []segment, flow int) []line {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].y > segs[j].y })
	var out []line
	var group []segment
	emit := func() {
		if len(group) == 0 {
			return
		}
		sort.SliceStable(group, func(i, j int) bool { return group[i].x1 < group[j].x1 })
		var b strings.Builder
		size := 0.0
		var words []lineWord
		if n := countWords(group); n > 0 {
			words = make([]lineWord, 0, n)
		}
		for _, s := range group {
			for k, w := range s.words {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				if k < len(s.wx) {
					words = append(words, lineWord{x1: s.wx[k].lo, x2: s.wx[k].hi, y: s.y, size: s.size, off: b.Len(), end: b.Len() + len(w)})
				}
				b.WriteString(w)
			}
			size = math.Max(size, s.size)
		}
		raw := b.String()
		txt := normalize(raw)
		if strings.TrimSpace(txt) != "" {
			if len(words) > 0 && txt != raw {
				relocate(words, raw, txt)
			}
			out = append(out, line{text: txt, y: group[0].y, size: size, flow: flow, words: words})
		}
		group = group[:0]
	}
	for _, s := range segs {
		if len(group) > 0 {
			g := group[0]
			if math.Abs(g.y-s.y) >= sameLineEm*math.Min(g.size, s.size) {
				emit()
			}
		}
		group = append(group, s)
	}
	emit()
	// Paragraph breaks from unusually large line gaps.
	if len(out) > 0 {
		out[0].para, out[0].first = true, true
	}
	if len(out) > 2 {
		pitches := make([]float64, 0, len(out)-1)
		for i := 1; i < len(out); i++ {
			pitches = append(pitches, out[i-1].y-out[i].y)
		}
		slices.Sort(pitches)
		usual := pitches[len(pitches)/2]
		for i := 1; i < len(out); i++ {
			p := out[i-1].y - out[i].y
			if p > paraPitch*usual && p > 1.3*out[i].size {
				out[i].para = true
			}
		}
	}
	return out
}

// countWords returns how many words of segs have their extents kept.
func countWords(segs []segment) int {
	n := 0
	for _, s := range segs {
		n += len(s.wx)
	}
	return n
}

// pageLines lays out the glyphs of one page. top and bottom bound the page
// in the frame of its main text direction (bottom < top), for the header
// and footer zones.
//
// With track, or when rows of the main direction look like a table
// aligned by white space, the lines of the main direction keep their
// words (line.words). It also returns the main direction and whether
// words were kept.
func pageLines(gs []glyph, box [4]float64, track bool) ([]line, uint8, bool) {
	if len(gs) == 0 {
		return nil, 0, false
	}
	var count [4]int
	for _, g := range gs {
		count[g.dir]++
	}
	dirs := []uint8{0, 1, 2, 3}
	sort.SliceStable(dirs, func(i, j int) bool { return count[dirs[i]] > count[dirs[j]] })
	var out []line
	flow := 0
	for k, d := range dirs {
		if count[d] == 0 {
			continue
		}
		sub := gs
		if count[d] != len(gs) {
			sub = make([]glyph, 0, count[d])
			for _, g := range gs {
				if g.dir == d {
					sub = append(sub, g)
				}
			}
		}
		segs := segments(sub, track && k == 0)
		if k == 0 && !track && alignedRows(segs) {
			segs, track = segments(sub, true), true
		}
		var lines []line
		for _, f := range flows(segs, 0) {
			lines = append(lines, flowLines(f, flow)...)
			flow++
		}
		if k == 0 {
			markZones(lines, box, d)
		} else {
			for i := range lines {
				lines[i].brk = true
			}
		}
		out = append(out, lines...)
	}
	return out, dirs[0], track
}

// alignedRows reports whether at least three rows of segments hold three
// segments or more: a sign of a table drawn without lines.
func alignedRows(segs []segment) bool {
	if len(segs) < 9 {
		return false
	}
	n := 0
	for _, r := range rows(segs) {
		if len(r) >= 3 {
			if n++; n >= 3 {
				return true
			}
		}
	}
	return false
}

// relocate moves the byte spans of words from raw, a line's text before
// normalisation, to txt, the text after: each word is looked for, in
// order, as it normalises.
func relocate(words []lineWord, raw, txt string) {
	cur := 0
	for i := range words {
		w := &words[i]
		nw := strings.TrimRight(normalize(raw[w.off:w.end]), " \u00ad")
		nw = strings.TrimLeft(nw, " ")
		k := -1
		if nw != "" {
			k = strings.Index(txt[cur:], nw)
		}
		if k < 0 {
			w.off, w.end = cur, cur
			continue
		}
		w.off, w.end = cur+k, cur+k+len(nw)
		cur = w.end
	}
}

// markZones marks up to three lines at the top and at the bottom of the
// page, within 12% of its height from the edge, as header and footer
// candidates.
func markZones(lines []line, box [4]float64, d uint8) {
	lo, hi := frameBounds(box, d)
	if hi <= lo {
		return
	}
	h := hi - lo
	idx := make([]int, len(lines))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return lines[idx[a]].y > lines[idx[b]].y })
	for k := 0; k < 3 && k < len(idx); k++ {
		if l := &lines[idx[k]]; l.y > hi-0.12*h {
			l.zone = 1
		}
	}
	for k := 0; k < 3 && k < len(idx); k++ {
		if l := &lines[idx[len(idx)-1-k]]; l.y < lo+0.12*h && l.zone == 0 {
			l.zone = -1
		}
	}
}

// frameBounds returns the vertical extent of the page box in the frame of
// text direction d.
func frameBounds(b [4]float64, d uint8) (lo, hi float64) {
	switch d {
	case 0:
		return b[1], b[3]
	case 1:
		return -b[2], -b[0]
	case 2:
		return -b[3], -b[1]
	default:
		return b[0], b[2]
	}
}

// normalize cleans the text of one line: ligatures spelt out, odd spaces
// made plain, soft hyphens inside words dropped, private-use bullets made
// into "•", control characters removed.
func normalize(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == 0xFB00:
			b.WriteString("ff")
		case r == 0xFB01:
			b.WriteString("fi")
		case r == 0xFB02:
			b.WriteString("fl")
		case r == 0xFB03:
			b.WriteString("ffi")
		case r == 0xFB04:
			b.WriteString("ffl")
		case r == 0xFB05 || r == 0xFB06:
			b.WriteString("st")
		case r == 0x00A0 || r == 0x2007 || r == 0x202F || (r >= 0x2000 && r <= 0x200A) || r == '\t':
			b.WriteByte(' ')
		case r == 0x00AD:
			if i == len(rs)-1 {
				b.WriteRune(r) // kept at the line end for dehyphenation
			}
		case r == 0xF0B7 || r == 0xF0A7 || r == 0xF076 || r == 0xF0D8 || r == 0xF0FC || r == 0xF0A8 ||
			r == 0xF06E || r == 0xF0E0 || r == 0xF0B2 || r == 0xF0A1 || r == 0xF09F || r == 0x25CF || r == 0x25AA:
			b.WriteString("•")
		case r == 0x200B || r == 0xFEFF:
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// joinLines renders lines as text: a newline between lines, a blank line
// between paragraphs, words broken at a line end by a hyphen joined.
// When offs is not nil (as long as lines), offs[i] is set to the byte
// offset in the text where line i starts, -1 for lines left out.
func joinLines(lines []line, offs []int) string {
	var b strings.Builder
	prevFlow := -1
	started := false
	for i, l := range lines {
		if l.gone {
			if offs != nil {
				offs[i] = -1
			}
			continue
		}
		t := l.text
		if started {
			cur := b.String()
			if l.flow == prevFlow && !l.para && dehyphenate(cur, t) {
				s := strings.TrimSuffix(strings.TrimSuffix(cur, "-"), "\u00ad")
				b.Reset()
				b.WriteString(s)
				if offs != nil {
					offs[i] = b.Len()
				}
				b.WriteString(t)
				prevFlow = l.flow
				continue
			}
			if l.para || l.flow != prevFlow {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		if offs != nil {
			offs[i] = b.Len()
		}
		b.WriteString(t)
		started = true
		prevFlow = l.flow
	}
	out := b.String()
	if offs != nil && strings.Contains(out, "\u00ad") {
		// Soft hyphens are removed below: move the offsets after each.
		var at []int
		for k := 0; ; {
			j := strings.Index(out[k:], "\u00ad")
			if j < 0 {
				break
			}
			at = append(at, k+j)
			k += j + len("\u00ad")
		}
		for i, o := range offs {
			if o > 0 {
				n := sort.SearchInts(at, o)
				offs[i] = o - n*len("\u00ad")
			}
		}
	}
	return strings.ReplaceAll(out, "\u00ad", "")
}

// dehyphenate reports whether prev ends in a word broken by a hyphen that
// next continues.
func dehyphenate(prev, next string) bool {
	r, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLower(r) {
		return false
	}
	if strings.HasSuffix(prev, "\u00ad") {
		return true
	}
	if !strings.HasSuffix(prev, "-") {
		return false
	}
	p, _ := utf8.DecodeLastRuneInString(prev[:len(prev)-1])
	return unicode.IsLower(p)
}
