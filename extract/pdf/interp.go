package pdf

import (
	"errors"
	"fmt"
	"io"
	"math"

	pdflib "github.com/ledongthuc/pdf"

	"github.com/cqcmine/cqcmine/extract"
)

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

// glyph is one shown character, in the coordinate frame of its own text
// direction: x grows along the baseline, y grows upwards.
type glyph struct {
	x, y, x2 float64
	size     float64
	text     string
	dir      uint8 // 0, 1, 2, 3: quarter turns anticlockwise
}

type gstate struct {
	ctm                     matrix
	tc, tw, th, tl, ts, tfs float64
	font                    *font
	lw                      float64 // line width
	fillColor               uint32  // 0xRRGGBB
}

type dupKey struct {
	qx, qy int32
	dir    uint8
	text   string
}

// docState is shared by the pages of one document.
type docState struct {
	fonts  map[uint64]*font
	forms  map[uint64][]byte
	maxStr int64
}

// Limits on the work spent interpreting one page.
const (
	maxFormDepth = 12
	maxPageOps   = 5_000_000
	maxGlyphs    = 2_000_000
)

var errPageTooComplex = errors.New("page too complex")

// interp runs the content streams of one page and collects its glyphs.
type interp struct {
	doc    *docState
	glyphs []glyph
	shapes []shape // filled rectangles and straight stroked lines
	seen   map[dupKey]int32
	ops    int
	forms  []uint64 // forms being run, to catch cycles
	err    error    // first non-fatal problem (a font or form that failed)
}

// readStream returns the decoded bytes of a stream, bounded by max. Data
// read before a decoding error is kept; a stream longer than max gives no
// data, only an error wrapping extract.ErrLimit, so that a decompression
// bomb costs at most max bytes of memory while it is read.
func readStream(v pdflib.Value, max int64) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stream: %v", r)
		}
	}()
	rc := v.Reader()
	defer rc.Close()
	var rd io.Reader = rc
	if max > 0 {
		rd = io.LimitReader(rc, max+1)
	}
	// Read into chunks that grow to 4 MiB, and join them only once the
	// whole stream is known to be within the limit.
	var parts [][]byte
	var total int64
	size := 4 << 10
	for {
		p := make([]byte, size)
		n := 0
		var rerr error
		for n < len(p) && rerr == nil {
			var k int
			k, rerr = rd.Read(p[n:])
			n += k
		}
		if n > 0 {
			parts = append(parts, p[:n])
			total += int64(n)
		}
		if max > 0 && total > max {
			return nil, fmt.Errorf("stream larger than %d bytes: %w", max, extract.ErrLimit)
		}
		if rerr != nil {
			if rerr != io.EOF {
				err = fmt.Errorf("stream: %w", rerr)
			}
			break
		}
		size = min(2*size, 4<<20)
	}
	if len(parts) == 1 {
		return parts[0], err
	}
	b = make([]byte, 0, total)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b, err
}

// contents returns a page's content streams, joined.
func (in *interp) contents(page pdflib.Value) ([]byte, error) {
	c := page.Key("Contents")
	switch c.Kind() {
	case pdflib.Stream:
		return readStream(c, in.doc.maxStr)
	case pdflib.Array:
		var all []byte
		var firstErr error
		for i := 0; i < c.Len(); i++ {
			b, err := readStream(c.Index(i), in.doc.maxStr)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			all = append(all, b...)
			all = append(all, '\n')
			if in.doc.maxStr > 0 && int64(len(all)) > in.doc.maxStr {
				return all, fmt.Errorf("contents larger than %d bytes: %w", in.doc.maxStr, extract.ErrLimit)
			}
		}
		return all, firstErr
	}
	return nil, nil
}

// fontFor loads a font resource, caching it for the document.
func (in *interp) fontFor(fonts pdflib.Value, name string) (f *font) {
	v := fonts.Key(name)
	if v.Kind() != pdflib.Dict {
		return nil
	}
	id, ok := objID(v)
	if ok {
		if f, hit := in.doc.fonts[id]; hit {
			return f
		}
	}
	defer func() {
		if r := recover(); r != nil {
			if in.err == nil {
				in.err = fmt.Errorf("font %s: %v", name, r)
			}
			f = &font{scale: 0.001, dw: 500}
			for c := range f.simple {
				f.simple[c] = string(rune(c))
				f.simpleW[c] = 500
			}
		}
		if ok {
			in.doc.fonts[id] = f
		}
	}()
	return loadFont(v)
}

// run interprets one content stream with its resources.
func (in *interp) run(data []byte, res pdflib.Value, ctm matrix) error {
	lx := lexer{data: data}
	gs := gstate{ctm: ctm, th: 1, lw: 1}
	var stack []gstate
	var pth path
	tm, tlm := identity, identity
	var fonts, xobjs pdflib.Value
	fontsLoaded, xobjsLoaded := false, false
	local := map[string]*font{}

	num := func(i int) float64 {
		if i < len(lx.ops) && lx.ops[i].kind == opNum {
			return lx.ops[i].num
		}
		return 0
	}
	show := func(s []byte) {
		f := gs.font
		if f == nil || len(in.glyphs) >= maxGlyphs {
			return
		}
		sizeScale := f.scale * 1000
		for len(s) > 0 {
			var code uint32
			var n int
			var text string
			var w float64
			if f.composite {
				code, n = f.nextCode(s)
				text = f.text(code)
				w = f.width(code)
			} else {
				code, n = uint32(s[0]), 1
				text = f.simple[code]
				w = f.simpleW[code]
			}
			s = s[n:]
			m := tm.mul(gs.ctm)
			adv := w * f.scale * gs.tfs * gs.th
			x0 := gs.ts*m[2] + m[4]
			y0 := gs.ts*m[3] + m[5]
			x1 := adv*m[0] + x0
			y1 := adv*m[1] + y0
			size := math.Abs(gs.tfs*sizeScale) * math.Hypot(m[2], m[3])
			in.add(x0, y0, x1, y1, m[0], m[1], size, text)
			tx := w*f.scale*gs.tfs + gs.tc
			if n == 1 && code == 32 {
				tx += gs.tw
			}
			tx *= gs.th
			tm[4] += tx * tm[0]
			tm[5] += tx * tm[1]
		}
	}
	nextLine := func(tx, ty float64) {
		tlm = matrix{1, 0, 0, 1, tx, ty}.mul(tlm)
		tm = tlm
	}

	for {
		op := lx.next()
		if op == nil {
			return nil
		}
		in.ops++
		if in.ops > maxPageOps {
			return errPageTooComplex
		}
		switch string(op) {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs = stack[n-1]
				stack = stack[:n-1]
			}
		case "w":
			gs.lw = num(0)
		case "rg":
			gs.fillColor = rgb(num(0), num(1), num(2))
		case "g":
			gs.fillColor = rgb(num(0), num(0), num(0))
		case "k":
			gs.fillColor = cmyk(num(0), num(1), num(2), num(3))
		case "cs":
			gs.fillColor = 0
		case "sc", "scn":
			switch n := len(lx.ops); {
			case n > 0 && lx.ops[n-1].kind != opNum:
			case n == 1:
				gs.fillColor = rgb(num(0), num(0), num(0))
			case n == 3:
				gs.fillColor = rgb(num(0), num(1), num(2))
			case n == 4:
				gs.fillColor = cmyk(num(0), num(1), num(2), num(3))
			}
		case "m":
			pth.moveTo(num(0), num(1))
		case "l":
			pth.lineTo(num(0), num(1))
		case "c", "v", "y":
			pth.curved = true
		case "h":
			pth.closePath()
		case "re":
			if len(pth.rects) < maxPathPoints {
				pth.rects = append(pth.rects, [4]float64{num(0), num(1), num(2), num(3)})
			}
		case "f", "F", "f*":
			in.paint(&pth, &gs, true, false)
			pth.reset()
		case "S":
			in.paint(&pth, &gs, false, true)
			pth.reset()
		case "s":
			pth.closePath()
			in.paint(&pth, &gs, false, true)
			pth.reset()
		case "B", "B*":
			in.paint(&pth, &gs, true, true)
			pth.reset()
		case "b", "b*":
			pth.closePath()
			in.paint(&pth, &gs, true, true)
			pth.reset()
		case "n":
			pth.reset()
		case "cm":
			if len(lx.ops) >= 6 {
				gs.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			gs.tc = num(0)
		case "Tw":
			gs.tw = num(0)
		case "Tz":
			gs.th = num(0) / 100
		case "TL":
			gs.tl = num(0)
		case "Ts":
			gs.ts = num(0)
		case "Tf":
			if len(lx.ops) < 2 || lx.ops[0].kind != opName {
				break
			}
			name := string(lx.ops[0].str)
			gs.tfs = num(1)
			f, ok := local[name]
			if !ok {
				if !fontsLoaded {
					fonts = res.Key("Font")
					fontsLoaded = true
				}
				f = in.fontFor(fonts, name)
				local[name] = f
			}
			gs.font = f
		case "Td":
			nextLine(num(0), num(1))
		case "TD":
			gs.tl = -num(1)
			nextLine(num(0), num(1))
		case "Tm":
			if len(lx.ops) >= 6 {
				tlm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			nextLine(0, -gs.tl)
		case "Tj":
			if len(lx.ops) > 0 && lx.ops[len(lx.ops)-1].kind == opString {
				show(lx.ops[len(lx.ops)-1].str)
			}
		case "'":
			nextLine(0, -gs.tl)
			if len(lx.ops) > 0 && lx.ops[len(lx.ops)-1].kind == opString {
				show(lx.ops[len(lx.ops)-1].str)
			}
		case "\"":
			if len(lx.ops) == 3 {
				gs.tw, gs.tc = num(0), num(1)
			}
			nextLine(0, -gs.tl)
			if len(lx.ops) > 0 && lx.ops[len(lx.ops)-1].kind == opString {
				show(lx.ops[len(lx.ops)-1].str)
			}
		case "TJ":
			if len(lx.ops) == 0 || lx.ops[len(lx.ops)-1].kind != opArray {
				break
			}
			a := lx.ops[len(lx.ops)-1]
			for _, e := range lx.elems[a.lo:a.hi] {
				switch e.kind {
				case opString:
					show(e.str)
				case opNum:
					tx := -e.num / 1000 * gs.tfs * gs.th
					tm[4] += tx * tm[0]
					tm[5] += tx * tm[1]
				}
			}
		case "Do":
			if len(lx.ops) == 0 || lx.ops[0].kind != opName {
				break
			}
			if !xobjsLoaded {
				xobjs = res.Key("XObject")
				xobjsLoaded = true
			}
			if err := in.form(xobjs, string(lx.ops[0].str), res, gs.ctm); err != nil {
				return err
			}
		}
	}
}

// form runs a Form XObject.
func (in *interp) form(xobjs pdflib.Value, name string, parentRes pdflib.Value, ctm matrix) (err error) {
	if len(in.forms) >= maxFormDepth {
		return nil
	}
	defer func() {
		if r := recover(); r != nil && in.err == nil {
			in.err = fmt.Errorf("form %s: %v", name, r)
		}
	}()
	v := xobjs.Key(name)
	if v.Kind() != pdflib.Stream || v.Key("Subtype").Name() != "Form" {
		return nil
	}
	id, ok := objID(v)
	if ok {
		for _, f := range in.forms {
			if f == id {
				return nil
			}
		}
	}
	var data []byte
	if ok {
		data, ok = in.doc.forms[id]
	}
	if !ok {
		var rerr error
		data, rerr = readStream(v, in.doc.maxStr)
		if errors.Is(rerr, extract.ErrLimit) {
			return fmt.Errorf("form %s: %w", name, rerr)
		}
		if rerr != nil && in.err == nil {
			in.err = fmt.Errorf("form %s: %w", name, rerr)
		}
		if id, ok := objID(v); ok {
			in.doc.forms[id] = data
		}
	}
	if len(data) == 0 {
		return nil
	}
	m := identity
	if mv := v.Key("Matrix"); mv.Len() == 6 {
		for i := range m {
			m[i] = mv.Index(i).Float64()
		}
	}
	res := v.Key("Resources")
	if res.Kind() != pdflib.Dict {
		res = parentRes
	}
	in.forms = append(in.forms, id)
	defer func() { in.forms = in.forms[:len(in.forms)-1] }()
	return in.run(data, res, m.mul(ctm))
}

// add records a glyph drawn from (x0,y0) to (x1,y1) whose baseline runs
// along (dx,dy), dropping exact redraws of the same glyph at the same
// spot (fake bold, shadows).
func (in *interp) add(x0, y0, x1, y1, dx, dy, size float64, text string) {
	if text == "" || size <= 0 || math.IsNaN(x0+y0+x1+y1+size) || math.IsInf(x0+y0+x1+y1+size, 0) {
		return
	}
	var dir uint8
	var g glyph
	switch {
	case math.Abs(dx) >= math.Abs(dy) && dx >= 0:
		g = glyph{x: x0, y: y0, x2: x1}
	case math.Abs(dx) < math.Abs(dy) && dy > 0:
		dir = 1
		g = glyph{x: y0, y: -x0, x2: y1}
	case math.Abs(dx) >= math.Abs(dy):
		dir = 2
		g = glyph{x: -x0, y: -y0, x2: -x1}
	default:
		dir = 3
		g = glyph{x: -y0, y: x0, x2: -y1}
	}
	g.size, g.text, g.dir = size, text, dir
	if text != " " {
		if in.seen == nil {
			in.seen = make(map[dupKey]int32)
		}
		tol := math.Min(1, 0.15*size)
		qx, qy := int32(math.Floor(g.x)), int32(math.Round(g.y))
		for k := qx - 1; k <= qx+1; k++ {
			if i, ok := in.seen[dupKey{k, qy, dir, text}]; ok {
				o := in.glyphs[i]
				if math.Abs(o.x-g.x) < tol && math.Abs(o.y-g.y) < tol {
					return
				}
			}
		}
		in.seen[dupKey{qx, qy, dir, text}] = int32(len(in.glyphs))
	}
	in.glyphs = append(in.glyphs, g)
}
