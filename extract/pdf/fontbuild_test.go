package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"
)

// Font programs built byte by byte for the tests: TrueType tables, whole
// TrueType fonts and CFF fonts, small but well formed enough for go-pdf
// to embed them.

// put16 and put32 append big-endian integers.
func put16(b []byte, v ...int) []byte {
	for _, x := range v {
		b = binary.BigEndian.AppendUint16(b, uint16(x))
	}
	return b
}

func put32(b []byte, v ...int) []byte {
	for _, x := range v {
		b = binary.BigEndian.AppendUint32(b, uint32(x))
	}
	return b
}

// sfntFile lays tables out behind an sfnt table directory.
func sfntFile(version string, tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	b := []byte(version)
	b = put16(b, len(tags), 0, 0, 0)
	off := 12 + 16*len(tags)
	var body []byte
	for _, t := range tags {
		d := tables[t]
		b = append(b, t...)
		b = put32(b, 0, off+len(body), len(d))
		body = append(body, d...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(b, body...)
}

// cmapTable wraps subtables (each already starting with its format) in
// a cmap table; ids holds platform and encoding ids per subtable.
func cmapTable(ids [][2]int, subs ...[]byte) []byte {
	b := put16(nil, 0, len(subs))
	off := 4 + 8*len(subs)
	var body []byte
	for i, s := range subs {
		b = put16(b, ids[i][0], ids[i][1])
		b = put32(b, off+len(body))
		body = append(body, s...)
	}
	return append(b, body...)
}

// cmap4 builds a format 4 subtable: one segment per run of consecutive
// characters with consecutive glyph ids (idDelta), and, when ranged is
// set, every segment through idRangeOffset and the glyph array instead.
func cmap4(m map[rune]uint16, ranged bool) []byte {
	var chars []int
	for r := range m {
		chars = append(chars, int(r))
	}
	sort.Ints(chars)
	type seg struct{ start, end int }
	var segs []seg
	for _, c := range chars {
		if n := len(segs); n > 0 && segs[n-1].end == c-1 && int(m[rune(c)]) == int(m[rune(c-1)])+1 {
			segs[n-1].end = c
			continue
		}
		segs = append(segs, seg{c, c})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF})
	n := len(segs)
	var ends, starts, deltas, ranges, glyphs []int
	for i, s := range segs {
		ends = append(ends, s.end)
		starts = append(starts, s.start)
		switch {
		case s.start == 0xFFFF:
			deltas = append(deltas, 1)
			ranges = append(ranges, 0)
		case ranged:
			deltas = append(deltas, 0)
			// From this idRangeOffset entry to the glyph array entry.
			ranges = append(ranges, 2*(n-i)+2*len(glyphs))
			for c := s.start; c <= s.end; c++ {
				glyphs = append(glyphs, int(m[rune(c)]))
			}
		default:
			deltas = append(deltas, (int(m[rune(s.start)])-s.start)&0xFFFF)
			ranges = append(ranges, 0)
		}
	}
	b := put16(nil, 4, 16+8*n+2*len(glyphs), 0, 2*n, 0, 0, 0)
	b = put16(b, ends...)
	b = put16(b, 0)
	b = put16(b, starts...)
	b = put16(b, deltas...)
	b = put16(b, ranges...)
	return put16(b, glyphs...)
}

// cmap12 builds a format 12 subtable with a group per character.
func cmap12(m map[rune]uint16) []byte {
	var chars []int
	for r := range m {
		chars = append(chars, int(r))
	}
	sort.Ints(chars)
	b := put16(nil, 12, 0)
	b = put32(b, 16+12*len(chars), 0, len(chars))
	for _, c := range chars {
		b = put32(b, c, c, int(m[rune(c)]))
	}
	return b
}

// cmap0 builds a format 0 subtable (byte codes).
func cmap0(m map[byte]uint8) []byte {
	b := put16(nil, 0, 262, 0)
	var arr [256]byte
	for c, g := range m {
		arr[c] = g
	}
	return append(b, arr[:]...)
}

// cmap6 builds a format 6 subtable from first over the glyph ids.
func cmap6(first int, gids ...int) []byte {
	b := put16(nil, 6, 10+2*len(gids), 0, first, len(gids))
	return put16(b, gids...)
}

// postTable builds a post table: version 2 with the glyph names given
// (standard Macintosh names by index, the others stored), or version 1
// or 3 when names is nil.
func postTable(version int, names []string) []byte {
	b := put32(nil, version<<16, 0)
	b = put16(b, -100&0xFFFF, 50)
	b = put32(b, 0, 0, 0, 0, 0)
	if version != 2 {
		return b
	}
	b = put16(b, len(names))
	var extra []byte
	next := 258
	for _, n := range names {
		idx := -1
		for i, m := range macGlyphNames {
			if m == n {
				idx = i
				break
			}
		}
		if idx < 0 {
			idx = next
			next++
			extra = append(extra, byte(len(n)))
			extra = append(extra, n...)
		}
		b = put16(b, idx)
	}
	return append(b, extra...)
}

// testTTF builds a whole TrueType font whose glyph i+1 draws chars[i]
// (glyph 0 is .notdef), with a Unicode format 4 cmap, names for go-pdf
// and glyphs with no outline.
func testTTF(chars []rune) []byte {
	n := len(chars) + 1
	m := map[rune]uint16{}
	for i, r := range chars {
		m[r] = uint16(i + 1)
	}
	head := put32(nil, 0x00010000, 0x00010000, 0, 0x5F0F3CF5)
	head = put16(head, 0, 1000)
	head = put32(head, 0, 0, 0, 0)
	head = put16(head, 0, -200&0xFFFF, 1000, 800, 0, 8, 2, 0, 0)
	hhea := put32(nil, 0x00010000)
	hhea = put16(hhea, 800, -200&0xFFFF, 0, 600, 0, 0, 600, 1, 0, 0, 0, 0, 0, 0, 0, n)
	maxp := put32(nil, 0x00005000)
	maxp = put16(maxp, n)
	var hmtx, loca, glyf []byte
	for g := 0; g < n; g++ {
		hmtx = put16(hmtx, 600, 0)
		loca = put16(loca, len(glyf)/2)
		glyf = put16(glyf, 0, 0, 0, 500, 700) // no contours, a bounding box
	}
	loca = put16(loca, len(glyf)/2)
	var name []byte
	str := utf16.Encode([]rune("Testfont"))
	ids := []int{1, 2, 4, 6}
	name = put16(name, 0, len(ids), 6+12*len(ids))
	var strs []byte
	for _, id := range ids {
		name = put16(name, 3, 1, 0x409, id, 2*len(str), len(strs))
		for _, u := range str {
			strs = put16(strs, int(u))
		}
	}
	name = append(name, strs...)
	return sfntFile("\x00\x01\x00\x00", map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx, "loca": loca, "glyf": glyf,
		"name": name, "post": postTable(3, nil),
		"cmap": cmapTable([][2]int{{3, 1}}, cmap4(m, false)),
	})
}

// cffIndexBytes builds a CFF INDEX with four-byte offsets.
func cffIndexBytes(items ...[]byte) []byte {
	if len(items) == 0 {
		return put16(nil, 0)
	}
	b := put16(nil, len(items))
	b = append(b, 4)
	off := 1
	b = put32(b, off)
	for _, it := range items {
		off += len(it)
		b = put32(b, off)
	}
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

// cffInt is a DICT operand in its five-byte form.
func cffInt(v int) []byte { return put32([]byte{29}, v) }

// testCFF builds a CFF font of len(ids)+1 glyphs. Name-keyed, ids are
// string ids (custom names in strs are 391 on); with ros set the font is
// CID-keyed and ids are CIDs. charset is the charset's format (0, 1 or
// 2), or -1 for the predefined ISOAdobe charset.
func testCFF(ids []int, strs []string, ros bool, charset int) []byte {
	var sitems [][]byte
	for _, s := range strs {
		sitems = append(sitems, []byte(s))
	}
	if ros {
		sitems = append(sitems, []byte("Adobe"), []byte("Identity"))
	}
	names := cffIndexBytes([]byte("Test"))
	strIdx := cffIndexBytes(sitems...)
	gsubrs := cffIndexBytes()
	var cs [][]byte
	for i := 0; i <= len(ids); i++ {
		cs = append(cs, []byte{14}) // endchar
	}
	charStrings := cffIndexBytes(cs...)
	var set []byte
	switch charset {
	case 0:
		set = []byte{0}
		for _, id := range ids {
			set = put16(set, id)
		}
	case 1, 2: // one range per glyph, to exercise the reader
		set = []byte{byte(charset)}
		for _, id := range ids {
			set = put16(set, id)
			if charset == 1 {
				set = append(set, 0)
			} else {
				set = put16(set, 0)
			}
		}
	}
	top := func(csOff, setOff int) []byte {
		var d []byte
		if ros {
			d = append(d, cffInt(391+len(strs))...)
			d = append(d, cffInt(392+len(strs))...)
			d = append(d, cffInt(0)...)
			d = append(d, 12, 30)
		}
		if charset >= 0 {
			d = append(d, cffInt(setOff)...)
			d = append(d, 15)
		}
		d = append(d, cffInt(csOff)...)
		return append(d, 17)
	}
	head := []byte{1, 0, 4, 4}
	topLen := len(cffIndexBytes(top(0, 0)))
	csOff := len(head) + len(names) + topLen + len(strIdx) + len(gsubrs)
	setOff := csOff + len(charStrings)
	var b []byte
	b = append(b, head...)
	b = append(b, names...)
	b = append(b, cffIndexBytes(top(csOff, setOff))...)
	b = append(b, strIdx...)
	b = append(b, gsubrs...)
	b = append(b, charStrings...)
	return append(b, set...)
}

// type0PDF writes a one-page PDF drawing hex-coded two-byte strings in a
// Type0 font with Identity-H encoding and no ToUnicode map, whose
// descendant is of subtype sub with the font program prog under key
// (FontFile2 or FontFile3 with its /Subtype). cidToGID, when not nil, is
// written as the /CIDToGIDMap stream.
func type0PDF(sub, key, fileSubtype string, prog, cidToGID []byte, lines ...[]uint16) []byte {
	return type0PDFEnc("Identity-H", "", sub, key, fileSubtype, prog, cidToGID, lines...)
}

// type0PDFEnc is type0PDF with the encoding's name and a ToUnicode CMap
// (none when ""); a nil prog leaves the font unembedded.
func type0PDFEnc(enc, toUnicode, sub, key, fileSubtype string, prog, cidToGID []byte, lines ...[]uint16) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.6\n")
	var offs []int
	obj := func(body string, stream []byte) {
		offs = append(offs, b.Len())
		b.WriteString(strconv.Itoa(len(offs)) + " 0 obj\n" + body)
		if stream != nil {
			b.WriteString("\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 72 700 Td 16 TL\n")
	for _, l := range lines {
		content.WriteString("<")
		for _, c := range l {
			fmt.Fprintf(&content, "%04X", c)
		}
		content.WriteString("> Tj T*\n")
	}
	content.WriteString("ET")
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>", nil)
	obj("<< /Length "+strconv.Itoa(content.Len())+" >>", content.Bytes())
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /Testfont /Encoding /" + enc + " /DescendantFonts [6 0 R]"
	if toUnicode != "" {
		n := 9
		if cidToGID != nil {
			n = 10
		}
		font += " /ToUnicode " + strconv.Itoa(n) + " 0 R"
	}
	obj(font+" >>", nil)
	d := "<< /Type /Font /Subtype /" + sub + " /BaseFont /Testfont /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 600"
	if cidToGID != nil {
		d += " /CIDToGIDMap 9 0 R"
	}
	obj(d+" >>", nil)
	desc := "<< /Type /FontDescriptor /FontName /Testfont /Flags 32 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80"
	if prog != nil {
		desc += " /" + key + " 8 0 R"
	}
	obj(desc+" >>", nil)
	fs := "<< /Length " + strconv.Itoa(len(prog))
	if fileSubtype != "" {
		fs += " /Subtype /" + fileSubtype
	}
	obj(fs+" >>", prog)
	if cidToGID != nil {
		obj("<< /Length "+strconv.Itoa(len(cidToGID))+" >>", cidToGID)
	}
	if toUnicode != "" {
		obj("<< /Length "+strconv.Itoa(len(toUnicode))+" >>", []byte(toUnicode))
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + strconv.Itoa(len(offs)+1) + "\n0000000000 65535 f \n")
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	b.WriteString("trailer\n<< /Size " + strconv.Itoa(len(offs)+1) + " /Root 1 0 R >>\nstartxref\n" + strconv.Itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}
