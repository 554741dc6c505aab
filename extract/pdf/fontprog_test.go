package pdf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

func TestGlyphText(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"A", "A"},
		{"z", "z"},
		{"space", " "},
		{"zero", "0"},
		{"aogonek", "ą"},
		{"Zdotaccent", "Ż"},
		{"zacute", "ź"},
		{"lslash", "ł"},
		{"Lslash", "Ł"},
		{"oacute", "ó"},
		{"Scaron", "Š"},
		{"scommaaccent", "ș"},
		{"Gcommaaccent", "Ģ"},
		{"Idotaccent", "İ"},
		{"ydieresis", "ÿ"},
		{"uni0105", "ą"},
		{"uni017C", "ż"},
		{"uni00410042", "AB"},
		{"u1F600", "\U0001F600"},
		{"a.sc", "a"},
		{"one.oldstyle", "1"},
		{"f_f_i", "ffi"},
		{"f_i.alt", "fi"},
		{"fi", "\uFB01"},
		{"endash", "–"},
		{"quoteright", "’"},
		{"Euro", "€"},
		{"sigma1", "ς"},
		{"germandbls", "ß"},
		// Names that say nothing about their text.
		{"", ""},
		{".notdef", ""},
		{"glyph12", ""},
		{"cid345", ""},
		{"g17", ""},
		{"uniD800", ""},
		{"uni01", ""},
		{"uni0000", ""},
		{"u110000", ""},
		{"xacute", ""}, // no such letter
		{"aextra", ""},
		{"f_glyph3", ""},
		{"Asmall", ""},
	} {
		if got := glyphText(tc.name); got != tc.want {
			t.Errorf("glyphText(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestStandardNameTables(t *testing.T) {
	if macGlyphNames[257] != "dcroat" || macGlyphNames[36] != "A" || macGlyphNames[68] != "a" {
		t.Errorf("Macintosh glyph order misaligned: %q %q %q", macGlyphNames[257], macGlyphNames[36], macGlyphNames[68])
	}
	if cffStandardStrings[228] != "zcaron" || cffStandardStrings[34] != "A" || cffStandardStrings[66] != "a" || cffStandardStrings[390] != "Semibold" {
		t.Errorf("CFF standard strings misaligned")
	}
	for i, n := range macGlyphNames[3:] {
		if n != "apple" && glyphText(n) == "" {
			t.Errorf("Macintosh glyph %d %q has no text", i+3, n)
		}
	}
	for i, n := range cffStandardStrings[1:cffISOAdobeCount] {
		if glyphText(n) == "" {
			t.Errorf("CFF standard string %d %q has no text", i+1, n)
		}
	}
}

// texts renders a glyph map as "gid=text" pairs in glyph order.
func texts(m []string) string {
	var b strings.Builder
	for g, s := range m {
		if s != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(g) + "=" + s)
		}
	}
	return b.String()
}

func TestSFNTGlyphText(t *testing.T) {
	latin := map[rune]uint16{'A': 1, 'B': 2, 'C': 3, 'ą': 4, 'ż': 5, ' ': 6, 0xA0: 6, 0xE001: 7, 'x': 7}
	for _, tc := range []struct {
		name string
		font []byte
		want string
	}{
		{"format 4 deltas", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 1}}, cmap4(latin, false)),
		}), "1=A 2=B 3=C 4=ą 5=ż 6=  7=x"},
		{"format 4 glyph array", sfntFile("true", map[string][]byte{
			"cmap": cmapTable([][2]int{{0, 3}}, cmap4(latin, true)),
		}), "1=A 2=B 3=C 4=ą 5=ż 6=  7=x"},
		{"format 12 beyond the BMP", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 10}}, cmap12(map[rune]uint16{'k': 2, 0x1D400: 9})),
		}), "2=k 9=\U0001D400"},
		{"format 6", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 1}}, cmap6('a', 3, 4, 0, 5)),
		}), "3=a 4=b 5=d"},
		{"Macintosh Roman bytes", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{1, 0}}, cmap0(map[byte]uint8{'e': 1, 0x8A: 2, 0xD0: 3})),
		}), "1=e 2=ä 3=–"},
		{"Unicode before Macintosh", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{1, 0}, {3, 1}}, cmap0(map[byte]uint8{'q': 1, 'r': 2}), cmap4(map[rune]uint16{'Q': 1}, false)),
		}), "1=Q 2=r"},
		{"symbol codes as bytes", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 0}}, cmap4(map[rune]uint16{0xF041: 1, 0xF061: 2}, false)),
		}), "1=A 2=a"},
		{"post names", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"post": postTable(2, []string{".notdef", "H", "aogonek", "uni0142", "f_f_i", "glyph5", "zcaron"}),
		}), "1=H 2=ą 3=ł 4=ffi 6=ž"},
		{"post version 1", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"post": postTable(1, nil),
		}), ""},
		{"cmap before post", sfntFile("\x00\x01\x00\x00", map[string][]byte{
			"cmap": cmapTable([][2]int{{3, 1}}, cmap4(map[rune]uint16{'m': 1}, false)),
			"post": postTable(2, []string{".notdef", "n", "o"}),
		}), "1=m 2=o"},
		{"no tables", sfntFile("\x00\x01\x00\x00", nil), ""},
		{"not a font", []byte("%!PS-AdobeFont-1.0: Testfont"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := sfntGlyphText(tc.font)
			if tc.name == "post version 1" {
				// The standard order: glyph 36 is A, 257 dcroat.
				if m[36] != "A" || m[257] != "đ" || m[3] != " " {
					t.Errorf("post version 1: %q %q %q", m[36], m[257], m[3])
				}
				return
			}
			if got := texts(m); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestSFNTBroken cuts a good font at every length: each cut reads
// without panicking and names no glyph wrongly.
func TestSFNTBroken(t *testing.T) {
	font := sfntFile("\x00\x01\x00\x00", map[string][]byte{
		"cmap": cmapTable([][2]int{{3, 1}, {3, 10}}, cmap4(map[rune]uint16{'A': 1, 'ł': 2}, true), cmap12(map[rune]uint16{'A': 1, 'ł': 2})),
		"post": postTable(2, []string{".notdef", "A", "lslash"}),
	})
	for n := 0; n <= len(font); n++ {
		for g, s := range sfntGlyphText(font[:n]) {
			if s == "" {
				continue
			}
			if g == 1 && s != "A" || g == 2 && s != "ł" || g > 2 {
				t.Fatalf("cut at %d: glyph %d reads %q", n, g, s)
			}
		}
	}
}

func TestParseCFF(t *testing.T) {
	strs := []string{"aogonek", "uni0142", "f_f_i", "glyph9"}
	for _, tc := range []struct {
		name     string
		font     []byte
		cidKeyed bool
		want     []string // names by glyph id, or CIDs for a CID-keyed font
	}{
		{"charset format 0", testCFF([]int{34, 66, 391, 392, 393, 394, 199}, strs, false, 0), false,
			[]string{".notdef", "A", "a", "aogonek", "uni0142", "f_f_i", "glyph9", "Zcaron"}},
		{"charset format 1", testCFF([]int{35, 392}, strs, false, 1), false, []string{".notdef", "B", "uni0142"}},
		{"charset format 2", testCFF([]int{17, 391}, strs, false, 2), false, []string{".notdef", "zero", "aogonek"}},
		{"ISOAdobe charset", testCFF([]int{0, 0, 0}, nil, false, -1), false, []string{".notdef", "space", "exclam", "quotedbl"}},
		{"CID-keyed", testCFF([]int{5, 17, 900}, nil, true, 2), true, []string{"0", "5", "17", "900"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parseCFF(tc.font)
			if c == nil {
				t.Fatal("not read")
			}
			if c.cidKeyed != tc.cidKeyed {
				t.Errorf("cidKeyed = %v", c.cidKeyed)
			}
			var got []string
			for g := range c.ids {
				if c.cidKeyed {
					got = append(got, strconv.Itoa(int(c.ids[g])))
				} else {
					got = append(got, c.name(g))
				}
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	good := testCFF([]int{34, 391}, strs, false, 0)
	for n := 0; n < len(good); n++ {
		if c := parseCFF(good[:n]); c != nil {
			for g := range c.ids {
				_ = c.name(g)
			}
		}
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0, 4, 1}, {1, 0, 2, 1}, []byte("OTTO")} {
		if parseCFF(bad) != nil {
			t.Errorf("parseCFF(%q) read something", bad)
		}
	}
}

// extractText runs the extractor over a PDF and returns its text.
func extractText(t *testing.T, data []byte) string {
	t.Helper()
	c, err := Extractor{KeepFurniture: true}.Extract(context.Background(), data, extract.DefaultLimits)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return c.Text()
}

// glyphIDs codes s as the glyph ids of a font whose glyph i+1 draws
// chars[i].
func glyphIDs(chars []rune, s string) []uint16 {
	var out []uint16
	for _, r := range s {
		for i, c := range chars {
			if c == r {
				out = append(out, uint16(i+1))
			}
		}
	}
	return out
}

// TestIdentityFontsWithoutToUnicode draws text in Type0 fonts with
// Identity-H encoding and no ToUnicode map, with each kind of embedded
// font program: the text comes from the program's own tables.
func TestIdentityFontsWithoutToUnicode(t *testing.T) {
	const line1, line2 = "Elmstead Care Home, Łódź", "żółw gęś jaźń: 12 wards"
	var chars []rune
	seen := map[rune]bool{}
	for _, r := range line1 + line2 {
		if !seen[r] {
			seen[r] = true
			chars = append(chars, r)
		}
	}
	want := line1 + "\n" + line2

	// A TrueType font that names its glyphs by post names only.
	names := []string{".notdef"}
	for _, r := range chars {
		names = append(names, "uni"+hexRune(r))
	}
	postOnly := sfntFile("\x00\x01\x00\x00", map[string][]byte{"post": postTable(2, names)})

	// A name-keyed CFF font: custom names for every glyph.
	var sids []int
	var strs []string
	for i, r := range chars {
		sids = append(sids, 391+i)
		strs = append(strs, "uni"+hexRune(r))
	}
	cff := testCFF(sids, strs, false, 0)

	// An OpenType font with a CID-keyed CFF: CIDs 100 on, reached through
	// the charset; the cmap names the glyphs.
	var cids []int
	cmapM := map[rune]uint16{}
	for i, r := range chars {
		cids = append(cids, 100+i)
		cmapM[r] = uint16(i + 1)
	}
	otf := sfntFile("OTTO", map[string][]byte{
		"CFF ": testCFF(cids, nil, true, 0),
		"cmap": cmapTable([][2]int{{3, 1}}, cmap4(cmapM, false)),
	})
	cidCodes := func(s string) []uint16 {
		var out []uint16
		for _, g := range glyphIDs(chars, s) {
			out = append(out, g+99)
		}
		return out
	}

	// A TrueType font reached through a CIDToGIDMap stream: CID c draws
	// glyph c-40.
	ttf := testTTF(chars)
	var cidToGID []byte
	for cid := 0; cid <= len(chars)+40; cid++ {
		g := max(cid-40, 0)
		cidToGID = append(cidToGID, byte(g>>8), byte(g))
	}
	shifted := func(s string) []uint16 {
		var out []uint16
		for _, g := range glyphIDs(chars, s) {
			out = append(out, g+40)
		}
		return out
	}

	for _, tc := range []struct {
		name string
		pdf  []byte
	}{
		{"TrueType post names", type0PDF("CIDFontType2", "FontFile2", "", postOnly, nil, glyphIDs(chars, line1), glyphIDs(chars, line2))},
		{"TrueType cmap via CIDToGIDMap", type0PDF("CIDFontType2", "FontFile2", "", ttf, cidToGID, shifted(line1), shifted(line2))},
		{"CFF glyph names", type0PDF("CIDFontType0", "FontFile3", "CIDFontType0C", cff, nil, glyphIDs(chars, line1), glyphIDs(chars, line2))},
		{"OpenType CID-keyed", type0PDF("CIDFontType0", "FontFile3", "OpenType", otf, nil, cidCodes(line1), cidCodes(line2))},
		{"go-pdf without ToUnicode", fpdfIdentity(t, ttf, line1, line2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.TrimSpace(extractText(t, tc.pdf)); got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}

	// Without a font program there is nothing to read: the page still
	// needs OCR.
	bare := type0PDF("CIDFontType2", "FontFile2", "", []byte("not a font"), nil, glyphIDs(chars, line1))
	if _, err := (Extractor{}).Extract(context.Background(), bare, extract.DefaultLimits); !extract.IsNeedsOCR(err) {
		t.Errorf("font program without tables: err = %v, want needs-OCR", err)
	}
}

// TestTypeZeroMaps covers the other ways a Type0 font says its text: a
// ToUnicode map that leaves codes out (the embedded program names them;
// what the map says wins), and a predefined UTF-16 CMap on an unembedded
// font (the codes are the text).
func TestTypeZeroMaps(t *testing.T) {
	chars := []rune("Northvale wd") // each once
	ttf := testTTF(chars)
	// The map names N (glyph 1) as itself and o (glyph 2) as 0: the
	// program names the rest.
	partial := `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <004E>
<0002> <0030>
endbfchar
endcmap
CMapName currentdict /CMap defineresource pop
end
end`
	utf16 := func(s string) []uint16 { return utf16.Encode([]rune(s)) }
	for _, tc := range []struct {
		name, want string
		pdf        []byte
	}{
		{"ToUnicode without some codes", "N0rthvale ward",
			type0PDFEnc("Identity-H", partial, "CIDFontType2", "FontFile2", "", ttf, nil, glyphIDs(chars, "Northvale ward"))},
		{"UTF-16 CMap", "Łódź – Brackenford",
			type0PDFEnc("UniJIS-UTF16-H", "", "CIDFontType0", "", "", nil, nil, utf16("Łódź – Brackenford"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.TrimSpace(extractText(t, tc.pdf)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func hexRune(r rune) string { return fmt.Sprintf("%04X", r) }

// fpdfIdentity writes lines with go-pdf in the TrueType font ttf (go-pdf
// embeds a subset under Identity-H with a CIDToGIDMap stream) and blanks
// out the font's /ToUnicode entry.
func fpdfIdentity(t *testing.T, ttf []byte, lines ...string) []byte {
	t.Helper()
	f := fpdf.New("P", "pt", "A4", "")
	f.SetCompression(false)
	f.AddUTF8FontFromBytes("testfont", "", ttf)
	f.AddPage()
	f.SetFont("testfont", "", 12)
	for i, l := range lines {
		f.Text(72, 100+float64(16*i), l)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	re := regexp.MustCompile(`/ToUnicode \d+ 0 R`)
	if !re.Match(out) {
		t.Fatal("go-pdf wrote no /ToUnicode entry to remove")
	}
	// Same length, so the cross-reference table stays right.
	return re.ReplaceAllFunc(out, func(m []byte) []byte { return bytes.Repeat([]byte(" "), len(m)) })
}

// TestIdentityCMapRealFile reads a real invoice set in embedded TrueType
// fonts with Identity-H encoding and no ToUnicode map. Its words must be
// those pdftotext reads (F1 0.98 or more) when pdftotext is installed;
// either way it must not need OCR nor leave unknown characters, and its
// Polish letters must come through.
func TestIdentityCMapRealFile(t *testing.T) {
	path := shared.Dir(t, "pdfs/real/issue-625-identity-cmap.pdf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Running headers and footers are kept, as pdftotext keeps them.
	got := extractText(t, data)
	if strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("unknown characters left in the text")
	}
	if !strings.ContainsAny(got, "ąćęłńóśźżŁŚŻ") {
		t.Errorf("no Polish letters in %q", got)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not on PATH: no comparison")
		return
	}
	ref, err := exec.Command("pdftotext", "-q", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	f1 := bagF1(words(got), words(string(ref)))
	t.Logf("word F1 against pdftotext: %.3f", f1)
	if f1 < 0.98 {
		t.Errorf("word F1 %.3f against pdftotext, want 0.98 or more", f1)
	}
}
