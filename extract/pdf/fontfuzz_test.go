package pdf

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

// fontSeeds are well-formed font programs of each kind the readers see.
func fontSeeds() [][]byte {
	m := map[rune]uint16{'A': 1, 'ł': 2, 0x1D400: 3}
	return [][]byte{
		testTTF([]rune("Elmstead")),
		sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 1}, {3, 10}, {1, 0}, {3, 0}}, cmap4(m, true), cmap12(m), cmap0(map[byte]uint8{'a': 1}), cmap6(0xF020, 1, 2)),
			"post": postTable(2, []string{".notdef", "A", "lslash", "f_f_i"}),
		}),
		sfntFile("OTTO", map[string][]byte{"CFF ": testCFF([]int{5, 6}, nil, true, 1)}),
		testCFF([]int{34, 391}, []string{"aogonek"}, false, 0),
		testCFF([]int{34, 391}, []string{"aogonek"}, false, 2),
		testCFF(nil, nil, false, -1),
	}
}

func FuzzSFNTGlyphText(f *testing.F) {
	for _, s := range fontSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for g, s := range sfntGlyphText(b) {
			if !utf8.ValidString(s) {
				t.Fatalf("glyph %d: bad text %q", g, s)
			}
		}
	})
}

func FuzzParseCFF(f *testing.F) {
	for _, s := range fontSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := parseCFF(b)
		if c == nil {
			return
		}
		if len(c.ids) > 0xFFFF {
			t.Fatalf("%d glyphs", len(c.ids))
		}
		for g := range c.ids {
			_ = glyphText(c.name(g))
		}
	})
}

func FuzzGlyphText(f *testing.F) {
	for _, s := range []string{"aogonek", "uni0105017C", "u1F600", "f_f_i.alt", "Scommaaccent", ".notdef", "uniD800"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if s := glyphText(name); !utf8.ValidString(s) {
			t.Fatalf("glyphText(%q) = %q", name, s)
		}
	})
}

// FuzzIdentityFontProgram embeds arbitrary bytes as the font program of
// a Type0 font without ToUnicode, as TrueType and as CFF: extraction
// must neither panic nor fail on it.
func FuzzIdentityFontProgram(f *testing.F) {
	for _, s := range fontSeeds() {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, prog []byte, cff bool) {
		codes := []uint16{1, 2, 3, 4, 5, 300}
		pdf := type0PDF("CIDFontType2", "FontFile2", "", prog, []byte{0, 0, 0, 2, 0, 1}, codes)
		if cff {
			pdf = type0PDF("CIDFontType0", "FontFile3", "CIDFontType0C", prog, nil, codes)
		}
		c, err := Extractor{}.Extract(context.Background(), pdf, extract.DefaultLimits)
		if err != nil && !extract.IsNeedsOCR(err) {
			t.Fatalf("extract: %v", err)
		}
		if c != nil && !utf8.ValidString(c.Text()) {
			t.Fatalf("text not UTF-8")
		}
	})
}
