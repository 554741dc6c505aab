package pdf

import (
	"reflect"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	pdflib "github.com/ledongthuc/pdf"
)

// font is what the interpreter needs of a PDF font: how to split a string
// into codes, each code's Unicode text and its advance width in text space
// units per unit of font size.
type font struct {
	composite bool           // Type0: multi-byte codes
	spaces    [4][][2]uint32 // codespace ranges by code length-1 (composite only)
	hasSpaces bool
	simple    [256]string  // text per code (simple fonts)
	simpleW   [256]float64 // width per code (simple fonts)
	uni       map[uint32]string
	cidW      map[uint32]float64
	ucs2      bool    // predefined UCS-2 or UTF-16 CMap: codes are UTF-16 units
	dw        float64 // default width
	scale     float64 // glyph units to text space (0.001, or FontMatrix for Type3)

	// prog is the CIDFont whose embedded program names the CIDs that a
	// ToUnicode map leaves out (Identity encodings only); it is read on
	// the first such code, into progUni.
	prog     pdflib.Value
	progOnce sync.Once
	progUni  map[uint32]string
}

// objID returns the object number and generation a Value was loaded
// from, so that shared fonts and forms are parsed once per document and
// cycles in the page tree are caught. ok is false when unavailable.
func objID(v pdflib.Value) (id uint64, ok bool) {
	rv := reflect.ValueOf(v)
	p := rv.FieldByName("ptr")
	if !p.IsValid() || p.Kind() != reflect.Struct || p.NumField() < 2 {
		return 0, false
	}
	a, b := p.Field(0), p.Field(1)
	if !a.CanUint() || !b.CanUint() {
		return 0, false
	}
	if a.Uint() == 0 {
		return 0, false
	}
	return a.Uint()<<16 | b.Uint(), true
}

// winAnsiHigh is the WinAnsi (cp1252) mapping of bytes 0x80-0x9F, which
// Latin-1 leaves as control characters.
var winAnsiHigh = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD,
}

// glyphNameRune returns the character a glyph name stands for (see
// glyphText), 0 when it is unknown or stands for more than one.
func glyphNameRune(n string) rune {
	s := glyphText(n)
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || size != len(s) || r == utf8.RuneError {
		return 0
	}
	return r
}

// loadFont reads a font dictionary. It panics on badly broken input (the
// library does); the caller recovers.
func loadFont(v pdflib.Value) *font {
	f := &font{scale: 0.001, dw: 1000}
	subtype := v.Key("Subtype").Name()
	if subtype == "Type3" {
		m := v.Key("FontMatrix")
		if a := m.Index(0).Float64(); a != 0 {
			f.scale = a
		}
		f.dw = 0
	}
	var toUni *cmapData
	if tu := v.Key("ToUnicode"); tu.Kind() == pdflib.Stream {
		toUni = parseCMap(tu, v)
	}
	if subtype == "Type0" {
		f.composite = true
		enc := v.Key("Encoding")
		if enc.Kind() == pdflib.Stream {
			if c := parseCMap(enc, v); c != nil && c.hasSpaces() {
				f.spaces, f.hasSpaces = c.spaces, true
			}
		}
		if !f.hasSpaces && toUni != nil && toUni.hasSpaces() && enc.Name() != "Identity-H" && enc.Name() != "Identity-V" {
			f.spaces, f.hasSpaces = toUni.spaces, true
		}
		if toUni != nil {
			f.uni = toUni.m
		}
		f.ucs2 = f.uni == nil && (strings.Contains(enc.Name(), "UCS2") || strings.Contains(enc.Name(), "UTF16"))
		d := v.Key("DescendantFonts").Index(0)
		if strings.HasPrefix(enc.Name(), "Identity") {
			// Codes are CIDs: what no ToUnicode map says, the embedded
			// font program may.
			if len(f.uni) == 0 {
				f.uni = cidTextFromProgram(d)
			} else {
				f.prog = d
			}
		}
		if dw := d.Key("DW"); dw.Kind() == pdflib.Integer || dw.Kind() == pdflib.Real {
			f.dw = dw.Float64()
		}
		f.cidW = readCIDWidths(d.Key("W"))
		return f
	}

	// Simple font: text per code from the library's encoder, corrected.
	encV := v.Key("Encoding")
	lf := pdflib.Font{V: v}
	enc := lf.Encoder()
	one := []byte{0}
	for c := 0; c < 256; c++ {
		one[0] = byte(c)
		s := enc.Decode(string(one))
		if !utf8.ValidString(s) || s == string(rune(c)) || s == "\uFFFD" {
			r := rune(c)
			if c >= 0x80 && c < 0xA0 {
				r = winAnsiHigh[c-0x80]
			}
			s = string(r)
		}
		f.simple[c] = s
	}
	if encV.Kind() == pdflib.Dict {
		diff := encV.Key("Differences")
		code := -1
		for i := 0; i < diff.Len() && i < 4096; i++ {
			x := diff.Index(i)
			switch x.Kind() {
			case pdflib.Integer:
				code = int(x.Int64())
			case pdflib.Name:
				if code >= 0 && code < 256 {
					if r := glyphNameRune(x.Name()); r != 0 {
						f.simple[code] = string(r)
					}
				}
				code++
			}
		}
	}
	if toUni != nil {
		for code, s := range toUni.m {
			if code < 256 && s != "" {
				f.simple[code] = s
			}
		}
	}
	// Widths.
	fd := v.Key("FontDescriptor")
	missing := fd.Key("MissingWidth").Float64()
	ws := v.Key("Widths")
	first := int(v.Key("FirstChar").Int64())
	base := v.Key("BaseFont").Name()
	for c := 0; c < 256; c++ {
		f.simpleW[c] = -1
	}
	for i := 0; i < ws.Len() && i < 256; i++ {
		if c := first + i; c >= 0 && c < 256 {
			f.simpleW[c] = ws.Index(i).Float64()
		}
	}
	for c := 0; c < 256; c++ {
		if f.simpleW[c] >= 0 {
			continue
		}
		if ws.Len() > 0 && missing > 0 {
			f.simpleW[c] = missing
			continue
		}
		f.simpleW[c] = approxWidth(base, f.simple[c])
	}
	return f
}

// approxWidth guesses a glyph width for fonts without /Widths (the
// standard 14), good enough to find word gaps.
func approxWidth(base, s string) float64 {
	if strings.Contains(base, "Courier") {
		return 600
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r == ' ':
		return 260
	case r == 'i' || r == 'l' || r == 'j' || r == '.' || r == ',' || r == '\'' || r == 'I' || r == '!' || r == ':' || r == ';':
		return 260
	case r == 'm' || r == 'w' || r == 'M' || r == 'W':
		return 830
	case r >= 'A' && r <= 'Z':
		return 680
	}
	return 520
}

func readCIDWidths(w pdflib.Value) map[uint32]float64 {
	n := w.Len()
	if n == 0 {
		return nil
	}
	m := make(map[uint32]float64)
	for i := 0; i < n; {
		c := w.Index(i)
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdflib.Array {
			start := uint32(c.Int64())
			for k := 0; k < next.Len() && k < 65536; k++ {
				m[start+uint32(k)] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		lo, hi := c.Int64(), next.Int64()
		wd := w.Index(i + 2).Float64()
		if hi >= lo && hi-lo < 65536 {
			for k := lo; k <= hi; k++ {
				m[uint32(k)] = wd
			}
		}
		i += 3
	}
	return m
}

// cmapData is a parsed CMap: its codespace ranges and code-to-Unicode map.
type cmapData struct {
	spaces [4][][2]uint32
	m      map[uint32]string
}

func (c *cmapData) hasSpaces() bool {
	for _, s := range c.spaces {
		if len(s) > 0 {
			return true
		}
	}
	return false
}

func codeOf(s string) uint32 {
	var v uint32
	for i := 0; i < len(s) && i < 4; i++ {
		v = v<<8 | uint32(s[i])
	}
	return v
}

func utf16Text(s string) string {
	if len(s) == 1 {
		return string(rune(s[0]))
	}
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

// parseCMap reads a CMap stream (ToUnicode or an embedded encoding) with
// the library's PostScript interpreter. It returns nil when the stream
// cannot be read. dict is any dictionary Value: the interpreter needs one
// to stand for the resource that findresource would return.
func parseCMap(v, dict pdflib.Value) (c *cmapData) {
	defer func() {
		if recover() != nil {
			if c != nil && len(c.m) == 0 && !c.hasSpaces() {
				c = nil
			}
		}
	}()
	c = &cmapData{m: make(map[uint32]string)}
	const maxEntries = 1 << 17
	pdflib.Interpret(v, func(stk *pdflib.Stack, op string) {
		switch op {
		case "findresource":
			stk.Pop()
			stk.Pop()
			stk.Push(dict)
		case "defineresource":
			val := stk.Pop()
			stk.Pop()
			stk.Pop()
			stk.Push(val)
		case "endcodespacerange":
			var vals []string
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop().RawString())
			}
			for i := len(vals) - 1; i >= 1; i -= 2 {
				lo, hi := vals[i], vals[i-1]
				if len(lo) >= 1 && len(lo) <= 4 && len(lo) == len(hi) {
					c.spaces[len(lo)-1] = append(c.spaces[len(lo)-1], [2]uint32{codeOf(lo), codeOf(hi)})
				}
			}
		case "endbfchar":
			var vals []pdflib.Value
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop())
			}
			for i := len(vals) - 1; i >= 1; i -= 2 {
				src, dst := vals[i].RawString(), vals[i-1]
				if src == "" {
					continue
				}
				if dst.Kind() == pdflib.Name {
					if r := glyphNameRune(dst.Name()); r != 0 {
						c.m[codeOf(src)] = string(r)
					}
					continue
				}
				c.m[codeOf(src)] = utf16Text(dst.RawString())
			}
		case "endbfrange":
			var vals []pdflib.Value
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop())
			}
			for i := len(vals) - 1; i >= 2; i -= 3 {
				lo, hi, dst := codeOf(vals[i].RawString()), codeOf(vals[i-1].RawString()), vals[i-2]
				if hi < lo || hi-lo > 65535 || len(c.m) > maxEntries {
					continue
				}
				if dst.Kind() == pdflib.Array {
					for k := uint32(0); k <= hi-lo && int(k) < dst.Len(); k++ {
						c.m[lo+k] = utf16Text(dst.Index(int(k)).RawString())
					}
					continue
				}
				d := dst.RawString()
				if d == "" {
					continue
				}
				u := make([]uint16, 0, len(d)/2)
				for j := 0; j+1 < len(d); j += 2 {
					u = append(u, uint16(d[j])<<8|uint16(d[j+1]))
				}
				if len(u) == 0 {
					u = append(u, uint16(d[0]))
				}
				for k := uint32(0); k <= hi-lo; k++ {
					w := append([]uint16(nil), u...)
					w[len(w)-1] += uint16(k)
					c.m[lo+k] = string(utf16.Decode(w))
				}
			}
		default:
			// begin* operators leave their count on the stack; drop
			// everything that is not consumed by an end* operator.
			if strings.HasPrefix(op, "begin") {
				for stk.Len() > 0 {
					stk.Pop()
				}
			}
		}
	})
	return c
}

// nextCode splits the first code off s for a composite font and returns
// the code and its length in bytes.
func (f *font) nextCode(s []byte) (uint32, int) {
	if !f.hasSpaces {
		if len(s) >= 2 {
			return uint32(s[0])<<8 | uint32(s[1]), 2
		}
		return uint32(s[0]), 1
	}
	var v uint32
	for n := 1; n <= 4 && n <= len(s); n++ {
		v = v<<8 | uint32(s[n-1])
		for _, r := range f.spaces[n-1] {
			if v >= r[0] && v <= r[1] {
				return v, n
			}
		}
	}
	return uint32(s[0]), 1
}

// text returns the Unicode text of a composite-font code.
func (f *font) text(code uint32) string {
	if s, ok := f.uni[code]; ok {
		return s
	}
	if f.ucs2 {
		return string(rune(code))
	}
	if !f.prog.IsNull() {
		f.progOnce.Do(func() { f.progUni = cidTextFromProgram(f.prog) })
		if s, ok := f.progUni[code]; ok {
			return s
		}
	}
	return "\uFFFD"
}

// width returns a composite-font code's width in glyph units.
func (f *font) width(code uint32) float64 {
	if w, ok := f.cidW[code]; ok {
		return w
	}
	return f.dw
}
