package pdf

import (
	"golang.org/x/text/encoding/charmap"
)

// This file reads just enough of a TrueType or OpenType font program (an
// "sfnt": a table directory and tables) to say which character each glyph
// draws: the cmap table maps characters to glyph ids, so its inverse
// names the glyphs; the post table's glyph names name the glyphs cmap
// leaves out. PDF writers embed subsets with any of these tables
// missing or broken, so every read is bounds-checked and a bad table only
// loses what it would have given.
//
// golang.org/x/image/font/sfnt was weighed and not used: it answers the
// forward question (the glyph of a rune) only, so inverting it means
// asking for every code point; it refuses fonts without the tables a
// renderer needs, which embedded subsets often lack; and it does not read
// the charset of CID-keyed CFF fonts (see cff.go).

// sfntMaxMappings bounds the character-to-glyph pairs read from a cmap
// table (all its subtables together), so a hostile table with many
// subtables or overlapping ranges cannot keep the reader busy.
const sfntMaxMappings = 1 << 17

func be16(b []byte, off int) (uint16, bool) {
	if off < 0 || off+2 > len(b) {
		return 0, false
	}
	return uint16(b[off])<<8 | uint16(b[off+1]), true
}

func be32(b []byte, off int) (uint32, bool) {
	if off < 0 || off+4 > len(b) {
		return 0, false
	}
	return uint32(b[off])<<24 | uint32(b[off+1])<<16 | uint32(b[off+2])<<8 | uint32(b[off+3]), true
}

// isSFNT reports whether b starts like a TrueType, OpenType or collection
// font program.
func isSFNT(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	switch string(b[:4]) {
	case "\x00\x01\x00\x00", "true", "OTTO", "ttcf":
		return true
	}
	return false
}

// sfntTables returns the tables of an sfnt font program by tag; for a
// collection, those of its first font. Tables that reach past the end of
// b are cut at the end.
func sfntTables(b []byte) map[string][]byte {
	base := 0
	if len(b) >= 16 && string(b[:4]) == "ttcf" {
		off, ok := be32(b, 12)
		if !ok || int64(off) >= int64(len(b)) {
			return nil
		}
		base = int(off)
	}
	n, ok := be16(b, base+4)
	if !ok {
		return nil
	}
	tables := make(map[string][]byte, n)
	for i := 0; i < int(n); i++ {
		rec := base + 12 + 16*i
		if rec+16 > len(b) {
			break
		}
		tag := string(b[rec : rec+4])
		off, _ := be32(b, rec+8)
		length, _ := be32(b, rec+12)
		if int64(off) >= int64(len(b)) {
			continue
		}
		end := int64(off) + int64(length)
		if end > int64(len(b)) {
			end = int64(len(b))
		}
		if _, dup := tables[tag]; !dup {
			tables[tag] = b[off:end]
		}
	}
	return tables
}

// glyphRank orders the characters a glyph may stand for: ordinary
// characters first, then private-use ones; control characters are never
// used. Between equals the lower code point wins, so the glyph that
// U+0020 and U+00A0 share reads as a space and the one 'A' and Greek
// Alpha share reads as 'A'.
func glyphRank(r rune) int {
	switch {
	case r < 0x20 || r >= 0x7F && r < 0xA0 || r >= 0xD800 && r < 0xE000 || r == 0xFFFE || r == 0xFFFF || r > 0x10FFFF:
		return -1
	case r >= 0xE000 && r < 0xF900 || r >= 0xF0000:
		return 1
	}
	return 0
}

// glyphInverse collects the best character for each glyph id below
// limit (0 for none), growing as higher glyph ids come.
type glyphInverse struct {
	r     []rune
	limit int
}

func (g *glyphInverse) add(gid uint16, r rune) {
	if gid == 0 || int(gid) >= g.limit {
		return
	}
	rk := glyphRank(r)
	if rk < 0 {
		return
	}
	if int(gid) >= len(g.r) {
		g.r = append(g.r, make([]rune, int(gid)+1-len(g.r))...)
	}
	if old := g.r[gid]; old != 0 {
		if ork := glyphRank(old); ork < rk || ork == rk && old <= r {
			return
		}
	}
	g.r[gid] = r
}

// at returns the character of gid, 0 for none.
func (g *glyphInverse) at(gid int) rune {
	if gid < len(g.r) {
		return g.r[gid]
	}
	return 0
}

// cmapSubtable calls visit for each character-to-glyph pair of the cmap
// subtable at off in the cmap table t, at most *budget of them, counting
// them off. Formats 0, 4, 6 and 12 are read (they are what fonts
// embedded in PDFs use); others are ignored.
func cmapSubtable(t []byte, off int, budget *int, visit func(code uint32, gid uint16)) {
	format, ok := be16(t, off)
	if !ok || *budget <= 0 {
		return
	}
	switch format {
	case 0:
		if off+6+256 > len(t) {
			return
		}
		*budget -= 256
		for c := 0; c < 256; c++ {
			visit(uint32(c), uint16(t[off+6+c]))
		}
	case 4:
		segX2, _ := be16(t, off+6)
		segs := int(segX2 / 2)
		ends := off + 14
		starts := ends + 2*segs + 2
		deltas := starts + 2*segs
		ranges := deltas + 2*segs
		for i := 0; i < segs; i++ {
			end, ok1 := be16(t, ends+2*i)
			start, ok2 := be16(t, starts+2*i)
			delta, ok3 := be16(t, deltas+2*i)
			ro, ok4 := be16(t, ranges+2*i)
			if !ok1 || !ok2 || !ok3 || !ok4 {
				return
			}
			if start > end || start == 0xFFFF {
				continue
			}
			for c := uint32(start); c <= uint32(end); c++ {
				if *budget--; *budget < 0 {
					return
				}
				var gid uint16
				if ro == 0 {
					gid = uint16(c) + delta
				} else {
					g, ok := be16(t, ranges+2*i+int(ro)+2*int(c-uint32(start)))
					if !ok {
						break
					}
					if g != 0 {
						gid = g + delta
					}
				}
				visit(c, gid)
			}
		}
	case 6:
		first, _ := be16(t, off+6)
		count, _ := be16(t, off+8)
		*budget -= int(count)
		for i := 0; i < int(count); i++ {
			g, ok := be16(t, off+10+2*i)
			if !ok {
				return
			}
			visit(uint32(first)+uint32(i), g)
		}
	case 12:
		n, ok := be32(t, off+12)
		if !ok {
			return
		}
		for i := 0; i < int(min(n, sfntMaxMappings)); i++ {
			g := off + 16 + 12*i
			start, ok1 := be32(t, g)
			end, ok2 := be32(t, g+4)
			gid, ok3 := be32(t, g+8)
			if !ok1 || !ok2 || !ok3 {
				return
			}
			if start > end || end > 0x10FFFF {
				continue
			}
			for c := start; c <= end; c++ {
				if *budget--; *budget < 0 {
					return
				}
				if g := gid + (c - start); g <= 0xFFFF {
					visit(c, uint16(g))
				}
			}
		}
	}
}

// sfntGlyphText returns the text of the glyphs of an sfnt font program
// by glyph id, "" for those its tables do not name. Unicode cmap subtables come first,
// then a Macintosh Roman one, then post glyph names, then a symbol
// subtable (whose codes U+F0xx stand for byte xx).
func sfntGlyphText(b []byte) []string {
	tables := sfntTables(b)
	if tables == nil {
		return nil
	}
	// Glyph ids run below the glyph count in maxp.
	size := 1 << 16
	if n, ok := be16(tables["maxp"], 4); ok && n > 0 {
		size = int(n)
	}
	uni, mac, sym := &glyphInverse{limit: size}, &glyphInverse{limit: size}, &glyphInverse{limit: size}
	if t := tables["cmap"]; t != nil {
		n, _ := be16(t, 2)
		seen := map[uint32]bool{}
		budget := sfntMaxMappings
		for i := 0; i < int(n); i++ {
			platform, ok1 := be16(t, 4+8*i)
			enc, ok2 := be16(t, 6+8*i)
			off, ok3 := be32(t, 8+8*i)
			if !ok1 || !ok2 || !ok3 || int64(off) >= int64(len(t)) || seen[off] && platform != 1 {
				continue
			}
			seen[off] = true
			switch {
			case platform == 0 && enc != 5, platform == 3 && (enc == 1 || enc == 10):
				cmapSubtable(t, int(off), &budget, func(c uint32, gid uint16) { uni.add(gid, rune(c)) })
			case platform == 1 && enc == 0:
				dec := charmap.Macintosh
				cmapSubtable(t, int(off), &budget, func(c uint32, gid uint16) {
					if c < 0x80 {
						mac.add(gid, rune(c))
					} else if c < 0x100 {
						mac.add(gid, dec.DecodeByte(byte(c)))
					}
				})
			case platform == 3 && enc == 0:
				cmapSubtable(t, int(off), &budget, func(c uint32, gid uint16) {
					if c >= 0xF020 && c <= 0xF0FF {
						c -= 0xF000
					}
					sym.add(gid, rune(c))
				})
			}
		}
	}
	post := postNames(tables["post"])
	n := max(len(uni.r), len(mac.r), len(sym.r), len(post))
	out := make([]string, min(n, size))
	for gid := range out {
		r := uni.at(gid)
		if r == 0 {
			r = mac.at(gid)
		}
		switch {
		case r != 0:
			out[gid] = string(r)
		case gid < len(post) && post[gid] != "":
			out[gid] = glyphText(post[gid])
		}
		if out[gid] == "" {
			if r := sym.at(gid); r != 0 {
				out[gid] = string(r)
			}
		}
	}
	return out
}

// postNames returns the glyph names of a post table (versions 1 and 2)
// by glyph id.
func postNames(t []byte) []string {
	version, ok := be32(t, 0)
	if !ok {
		return nil
	}
	switch version {
	case 0x00010000:
		return macGlyphNames[:]
	case 0x00020000:
	default:
		return nil
	}
	n, ok := be16(t, 32)
	if !ok || 34+2*int(n) > len(t) {
		return nil
	}
	// The names after the index array, as Pascal strings.
	var extra []string
	for p := 34 + 2*int(n); p < len(t); {
		l := int(t[p])
		if p+1+l > len(t) {
			break
		}
		extra = append(extra, string(t[p+1:p+1+l]))
		p += 1 + l
	}
	names := make([]string, n)
	for gid := range names {
		idx, _ := be16(t, 34+2*gid)
		switch {
		case int(idx) < len(macGlyphNames):
			names[gid] = macGlyphNames[idx]
		case int(idx)-len(macGlyphNames) < len(extra):
			names[gid] = extra[int(idx)-len(macGlyphNames)]
		}
	}
	return names
}

// macGlyphNames is the standard Macintosh order of 258 glyph names that
// post tables refer to by index.
var macGlyphNames = [258]string{
	".notdef", ".null", "nonmarkingreturn", "space", "exclam", "quotedbl", "numbersign", "dollar",
	"percent", "ampersand", "quotesingle", "parenleft", "parenright", "asterisk", "plus", "comma",
	"hyphen", "period", "slash", "zero", "one", "two", "three", "four",
	"five", "six", "seven", "eight", "nine", "colon", "semicolon", "less",
	"equal", "greater", "question", "at", "A", "B", "C", "D",
	"E", "F", "G", "H", "I", "J", "K", "L",
	"M", "N", "O", "P", "Q", "R", "S", "T",
	"U", "V", "W", "X", "Y", "Z", "bracketleft", "backslash",
	"bracketright", "asciicircum", "underscore", "grave", "a", "b", "c", "d",
	"e", "f", "g", "h", "i", "j", "k", "l",
	"m", "n", "o", "p", "q", "r", "s", "t",
	"u", "v", "w", "x", "y", "z", "braceleft", "bar",
	"braceright", "asciitilde", "Adieresis", "Aring", "Ccedilla", "Eacute", "Ntilde", "Odieresis",
	"Udieresis", "aacute", "agrave", "acircumflex", "adieresis", "atilde", "aring", "ccedilla",
	"eacute", "egrave", "ecircumflex", "edieresis", "iacute", "igrave", "icircumflex", "idieresis",
	"ntilde", "oacute", "ograve", "ocircumflex", "odieresis", "otilde", "uacute", "ugrave",
	"ucircumflex", "udieresis", "dagger", "degree", "cent", "sterling", "section", "bullet",
	"paragraph", "germandbls", "registered", "copyright", "trademark", "acute", "dieresis", "notequal",
	"AE", "Oslash", "infinity", "plusminus", "lessequal", "greaterequal", "yen", "mu",
	"partialdiff", "summation", "product", "pi", "integral", "ordfeminine", "ordmasculine", "Omega",
	"ae", "oslash", "questiondown", "exclamdown", "logicalnot", "radical", "florin", "approxequal",
	"Delta", "guillemotleft", "guillemotright", "ellipsis", "nonbreakingspace", "Agrave", "Atilde", "Otilde",
	"OE", "oe", "endash", "emdash", "quotedblleft", "quotedblright", "quoteleft", "quoteright",
	"divide", "lozenge", "ydieresis", "Ydieresis", "fraction", "currency", "guilsinglleft", "guilsinglright",
	"fi", "fl", "daggerdbl", "periodcentered", "quotesinglbase", "quotedblbase", "perthousand", "Acircumflex",
	"Ecircumflex", "Aacute", "Edieresis", "Egrave", "Iacute", "Icircumflex", "Idieresis", "Igrave",
	"Oacute", "Ocircumflex", "apple", "Ograve", "Uacute", "Ucircumflex", "Ugrave", "dotlessi",
	"circumflex", "tilde", "macron", "breve", "dotaccent", "ring", "cedilla", "hungarumlaut",
	"ogonek", "caron", "Lslash", "lslash", "Scaron", "scaron", "Zcaron", "zcaron",
	"brokenbar", "Eth", "eth", "Yacute", "yacute", "Thorn", "thorn", "minus",
	"multiply", "onesuperior", "twosuperior", "threesuperior", "onehalf", "onequarter", "threequarters", "franc",
	"Gbreve", "gbreve", "Idotaccent", "Scedilla", "scedilla", "Cacute", "cacute", "Ccaron",
	"ccaron", "dcroat",
}
