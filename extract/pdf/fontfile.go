package pdf

import (
	"io"

	pdflib "github.com/ledongthuc/pdf"
)

// maxFontProgram bounds the bytes read of one embedded font program.
const maxFontProgram = 32 << 20

// cidTextFromProgram recovers the text of the CIDs of a CIDFont (the
// descendant of a Type0 font) from its embedded font program, for the
// codes no ToUnicode map names. A TrueType program (FontFile2)
// names its glyphs through its cmap and post tables and the CIDs reach
// the glyphs through /CIDToGIDMap (Identity or a stream of two-byte glyph
// ids). A CFF program (FontFile3) names its glyphs in its charset when it
// is name-keyed, and a CID is then the glyph id; a CID-keyed CFF maps
// glyphs to CIDs but names nothing, so only an OpenType wrapper's cmap
// can name them. It returns nil when nothing is recovered; it never
// panics.
func cidTextFromProgram(d pdflib.Value) (m map[uint32]string) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	fd := d.Key("FontDescriptor")
	var prog []byte
	for _, k := range []string{"FontFile2", "FontFile3"} {
		if s := fd.Key(k); s.Kind() == pdflib.Stream {
			r := s.Reader()
			prog, _ = io.ReadAll(io.LimitReader(r, maxFontProgram))
			r.Close()
			break
		}
	}
	if len(prog) == 0 {
		return nil
	}
	var byGID []string
	var cff *cffCharset
	if isSFNT(prog) {
		byGID = sfntGlyphText(prog)
		if t := sfntTables(prog)["CFF "]; t != nil {
			cff = parseCFF(t)
		}
	} else {
		cff = parseCFF(prog)
	}
	if cff != nil && !cff.cidKeyed {
		for len(byGID) < len(cff.ids) {
			byGID = append(byGID, "")
		}
		for gid := range cff.ids {
			if byGID[gid] == "" {
				byGID[gid] = glyphText(cff.name(gid))
			}
		}
	}
	text := func(gid int) string {
		if gid > 0 && gid < len(byGID) {
			return byGID[gid]
		}
		return ""
	}
	m = map[uint32]string{}
	switch {
	case cff != nil && cff.cidKeyed:
		for gid, cid := range cff.ids {
			if s := text(gid); s != "" {
				m[uint32(cid)] = s
			}
		}
	case cff == nil && d.Key("CIDToGIDMap").Kind() == pdflib.Stream:
		r := d.Key("CIDToGIDMap").Reader()
		b, _ := io.ReadAll(io.LimitReader(r, 2<<16))
		r.Close()
		for cid := 0; cid+1 < len(b); cid += 2 {
			if s := text(int(b[cid])<<8 | int(b[cid+1])); s != "" {
				m[uint32(cid/2)] = s
			}
		}
	default:
		for gid := range byGID {
			if s := text(gid); s != "" {
				m[uint32(gid)] = s
			}
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
