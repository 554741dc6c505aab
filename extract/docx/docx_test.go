package docx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// zipDir returns a .docx archive of the files under dir, in name order.
func zipDir(t testing.TB, dir string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeZip returns an archive of the named members.
func makeZip(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// doc wraps body XML in a WordprocessingML document.
func doc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="` + wNS + `"><w:body>` + body + `</w:body></w:document>`
}

func fixtures(t testing.TB) []string {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && filepath.Base(d) != "fuzz" {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixture folders in testdata")
	}
	return out
}

// TestExtractGolden zips every fixture folder testdata/NAME/, extracts it
// and compares the title and text with testdata/NAME.golden.
func TestExtractGolden(t *testing.T) {
	for _, dir := range fixtures(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), zipDir(t, dir), extract.DefaultLimits)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if len(c.Pages) != 1 || c.Pages[0].Number != 0 {
				t.Fatalf("pages = %+v, want one page numbered 0", c.Pages)
			}
			got := "title: " + c.Title + "\n\n" + c.Pages[0].Text + "\n"
			path := filepath.Join("testdata", name+".golden")
			golden.Check(t, path, []byte(got))
		})
	}
}

func TestExtractCases(t *testing.T) {
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	item := func(lvl, s string) string {
		return `<w:p><w:pPr><w:numPr><w:ilvl w:val="` + lvl + `"/><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>` + s + `</w:t></w:r></w:p>`
	}
	row := func(cells ...string) string {
		s := "<w:tr>"
		for _, c := range cells {
			s += "<w:tc>" + p(c) + "</w:tc>"
		}
		return s + "</w:tr>"
	}
	tests := []struct {
		name, body, want string
	}{
		{"paragraphs", p("a") + p("b"), "a\n\nb"},
		{"empty paragraphs dropped", p("a") + "<w:p/>" + p("  ") + p("b"), "a\n\nb"},
		{"list", p("x") + item("0", "a") + item("1", "b") + item("0", "c") + p("y"), "x\n\n• a\n  • b\n• c\n\ny"},
		{"numId 0 is no list", `<w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>a</w:t></w:r></w:p>`, "a"},
		{"table", "<w:tbl>" + row("Safe", "Good") + row("Caring", "Outstanding") + "</w:tbl>" + p("after"), "Safe | Good\nCaring | Outstanding\n\nafter"},
		{"empty cells", "<w:tbl>" + row("", "b") + row("a", "", "c") + row("a", "", "") + row("", "") + "</w:tbl>", "| b\na | | c\na"},
		{"tab and breaks", `<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t></w:r></w:p>`, "a\tb\nc\nd"},
		{"tab stops are not tabs", `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="1"/></w:tabs></w:pPr><w:r><w:t>a</w:t></w:r></w:p>`, "a"},
		{"deleted text", `<w:p><w:r><w:t>a</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>`, "a"},
		{"hidden run", `<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>gone</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>kept</w:t></w:r></w:p>`, "kept"},
		{"ligature nbsp soft hyphen", p("ﬁne\u00a0day assess\u00adment"), "fine day assessment"},
		{"text bullet", p("• already bulleted"), "• already bulleted"},
		{"foreign p ignored", `<w:p><w:r><w:t>a</w:t></w:r></w:p><p xmlns="urn:other"><t>b</t></p>`, "a"},
		{"unknown elements", `<w:p><w:customXml><w:smartTag><w:r><w:t>a</w:t></w:r></w:smartTag></w:customXml></w:p>`, "a"},
		{"no body", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := makeZip(t, map[string]string{mainPartName: doc(tt.body)})
			c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Pages[0].Text; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	ctx := context.Background()
	good := zipDir(t, filepath.Join("testdata", "inspection-report"))
	lim := extract.Limits{MaxStreamBytes: 1 << 20}

	tests := []struct {
		name    string
		data    []byte
		lim     extract.Limits
		want    string // substring of the error
		isLimit bool
	}{
		{"empty", nil, lim, "docx: not a zip archive", false},
		{"plain text", []byte("Overall rating: Good"), lim, "docx: not a zip archive", false},
		{"truncated zip", good[:len(good)/2], lim, "docx: not a zip archive", false},
		{"zip without document", makeZip(t, map[string]string{"word/styles.xml": "<x/>"}), lim, "docx: word/document.xml missing", false},
		{"truncated xml", makeZip(t, map[string]string{mainPartName: doc("<w:p><w:r><w:t>a")[:80]}), lim, "docx: word/document.xml: XML syntax error", false},
		{"not xml", makeZip(t, map[string]string{mainPartName: "\x00\x01binary"}), lim, "docx: word/document.xml:", false},
		{"over MaxBytes", good, extract.Limits{MaxBytes: 100}, "over the 100-byte limit", true},
		{"declared bomb", bomb(t, 8<<20, false), lim, "over the 1048576-byte stream limit", true},
		{"too many members", manyMembers(t, maxMembers+1), lim, "archive members", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(ctx, tt.data, tt.lim)
			if err == nil {
				t.Fatalf("no error; text %.100q", c.Pages[0].Text)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			if errors.Is(err, extract.ErrLimit) != tt.isLimit {
				t.Errorf("errors.Is(%q, ErrLimit) = %v, want %v", err, !tt.isLimit, tt.isLimit)
			}
		})
	}

	t.Run("lying bomb", func(t *testing.T) {
		// The member declares 1 KB and inflates to 8 MB: reading stops
		// at the declared size, long before the stream limit.
		_, err := Extractor{}.Extract(ctx, bomb(t, 8<<20, true), lim)
		if err == nil || !strings.Contains(err.Error(), "docx: word/document.xml") {
			t.Errorf("err = %v, want an error on word/document.xml", err)
		}
	})
	t.Run("no stream limit", func(t *testing.T) {
		c, err := Extractor{}.Extract(ctx, good, extract.Limits{})
		if err != nil || c.Pages[0].Text == "" {
			t.Errorf("Extract with zero Limits: %v, text %q", err, c.Pages[0].Text)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Extractor{}.Extract(cctx, good, lim)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("damaged core properties", func(t *testing.T) {
		data := makeZip(t, map[string]string{
			mainPartName: doc(`<w:p><w:r><w:t>text</w:t></w:r></w:p>`),
			corePartName: "<cp:coreProperties><dc:title>unclosed",
		})
		c, err := Extractor{}.Extract(ctx, data, lim)
		if err != nil {
			t.Fatal(err)
		}
		if c.Title != "" || c.Pages[0].Text != "text" {
			t.Errorf("title %q text %q, want no title and the text", c.Title, c.Pages[0].Text)
		}
	})
}

// TestCapReader checks the decompression cap on its own: archive/zip
// already stops at a member's declared size, so a bomb inside a zip
// cannot reach it.
func TestCapReader(t *testing.T) {
	for _, n := range []int{0, 1, 99, 100, 101, 5000} {
		c := &capReader{r: bytes.NewReader(make([]byte, n)), left: 100, name: "m", max: 100}
		got, err := io.ReadAll(c)
		if n <= 100 {
			if err != nil || len(got) != n {
				t.Errorf("%d bytes: read %d, err %v; want all and no error", n, len(got), err)
			}
			continue
		}
		if !errors.Is(err, extract.ErrLimit) {
			t.Errorf("%d bytes: err = %v, want ErrLimit", n, err)
		}
		if len(got) > 101 {
			t.Errorf("%d bytes: read %d, want at most 101", n, len(got))
		}
	}

	// The limit error comes through the XML decoder unchanged.
	big := doc(strings.Repeat(`<w:p><w:r><w:t>text</w:t></w:r></w:p>`, 1000))
	d := xml.NewDecoder(&capReader{r: strings.NewReader(big), left: 4096, name: mainPartName, max: 4096})
	if _, err := readBody(context.Background(), d); !errors.Is(err, extract.ErrLimit) {
		t.Errorf("readBody over a capped reader: err = %v, want ErrLimit", err)
	}
}

// bomb returns a .docx whose document part inflates to size bytes of
// paragraphs. When lie is set, the archive declares the part 1 KB.
func bomb(t testing.TB, size int, lie bool) []byte {
	t.Helper()
	para := `<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>`
	body := []byte(doc(strings.Repeat(para, size/len(para))))
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(body)
	fw.Close()
	declared := uint64(len(body))
	if lie {
		declared = 1 << 10
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               mainPartName,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(body),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > size/100 {
		t.Fatalf("bomb of %d bytes is not compressed enough to test anything", buf.Len())
	}
	return buf.Bytes()
}

// manyMembers returns an archive of n empty members.
func manyMembers(t testing.TB, n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: "m/" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ".xml", Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzExtract(f *testing.F) {
	for _, dir := range fixtures(f) {
		data := zipDir(f, dir)
		f.Add(data)
		f.Add(data[:len(data)*3/4])
	}
	f.Add(makeZip(f, map[string]string{mainPartName: doc("<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x")}))
	f.Add(makeZip(f, map[string]string{mainPartName: doc(`<w:tbl><w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr><w:tc><w:tcPr><w:vMerge/><w:gridSpan w:val="3"/></w:tcPr><w:p><w:r><w:t>ﬁ&#xa0;x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{MaxStreamBytes: 1 << 20})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "docx: ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		if len(c.Pages) != 1 || c.Pages[0].Number != 0 {
			t.Fatalf("pages = %+v", c.Pages)
		}
		if !utf8.ValidString(c.Pages[0].Text) || !utf8.ValidString(c.Title) {
			t.Fatalf("invalid UTF-8: %q / %q", c.Pages[0].Text, c.Title)
		}
		p := c.Pages[0]
		for _, tb := range p.Tables {
			for _, x := range tb.Cells {
				if x.End > len(p.Text) || x.Start > x.End || p.Text[x.Start:x.End] != x.Text {
					t.Fatalf("cell %d,%d %q at %d-%d of %q", x.Row, x.Col, x.Text, x.Start, x.End, p.Text)
				}
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	// About 1 MB of document.xml: the fixture's body repeated, as in a
	// long report, with its core properties.
	dir := filepath.Join("testdata", "inspection-report")
	src, err := os.ReadFile(filepath.Join(dir, "word", "document.xml"))
	if err != nil {
		b.Fatal(err)
	}
	core, err := os.ReadFile(filepath.Join(dir, "docProps", "core.xml"))
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	i, j := strings.Index(s, "<w:body>")+len("<w:body>"), strings.Index(s, "<w:sectPr>")
	body := s[i:j]
	xmlDoc := s[:i] + strings.Repeat(body, (1<<20)/len(body)) + s[j:]
	data := makeZip(b, map[string]string{mainPartName: xmlDoc, corePartName: string(core)})
	b.SetBytes(int64(len(xmlDoc)))
	b.ReportMetric(float64(len(data)), "zip-bytes")
	for b.Loop() {
		if _, err := (Extractor{}).Extract(context.Background(), data, extract.DefaultLimits); err != nil {
			b.Fatal(err)
		}
	}
}

func TestExtractTables(t *testing.T) {
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	tc := func(pr string, paras ...string) string {
		s := "<w:tc>"
		if pr != "" {
			s += "<w:tcPr>" + pr + "</w:tcPr>"
		}
		for _, x := range paras {
			s += p(x)
		}
		return s + "</w:tc>"
	}
	head := `<w:trPr><w:tblHeader/></w:trPr>`
	body := p("Ratings for Brackenford General Hospital") + "<w:tbl>" +
		"<w:tr>" + head + tc("") + tc("", "Safe") + tc("", "Well-led") + "</w:tr>" +
		"<w:tr>" + tc(`<w:vMerge w:val="restart"/>`, "Maternity") + tc("", "Requires", "improvement", "↓") + tc("", "Good") + "</w:tr>" +
		"<w:tr>" + tc(`<w:vMerge/>`) + tc(`<w:gridSpan w:val="2"/>`, "Not rated") + "</w:tr>" +
		"<w:tr>" + tc("", "ﬁrst\u00a0aid") + tc("") + tc("", "Good") + "</w:tr>" +
		"</w:tbl>" + p("after") +
		"<w:tbl><w:tr>" + tc("", "Regulated activity") + tc("", "Regulation") + "</w:tr><w:tr>" + tc("", "Personal care") +
		tc("", "Regulation 17 HSCA RA Regulations 2014 Good governance", "<w:tbl><w:tr>"+tc("", "inner")+"</w:tr></w:tbl>") + "</w:tr></w:tbl>"
	data := makeZip(t, map[string]string{mainPartName: doc(body)})
	c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	pg := c.Pages[0]
	wantText := "Ratings for Brackenford General Hospital\n\n| Safe | Well-led\nMaternity | Requires improvement ↓ | Good\n| Not rated\nfirst aid | | Good\n\nafter\n\nRegulated activity | Regulation\nPersonal care | Regulation 17 HSCA RA Regulations 2014 Good governance inner"
	if pg.Text != wantText {
		t.Errorf("text %q, want %q", pg.Text, wantText)
	}
	if len(pg.Tables) != 2 {
		t.Fatalf("%d tables, want 2 (a nested table is part of its cell)", len(pg.Tables))
	}
	type cell struct {
		r, c, rs, cs int
		text         string
	}
	want := [][]cell{{
		{0, 0, 0, 0, ""}, {0, 1, 0, 0, "Safe"}, {0, 2, 0, 0, "Well-led"},
		{1, 0, 2, 0, "Maternity"}, {1, 1, 0, 0, "Requires improvement ↓"}, {1, 2, 0, 0, "Good"},
		{2, 1, 0, 2, "Not rated"},
		{3, 0, 0, 0, "first aid"}, {3, 1, 0, 0, ""}, {3, 2, 0, 0, "Good"},
	}, {
		{0, 0, 0, 0, "Regulated activity"}, {0, 1, 0, 0, "Regulation"},
		{1, 0, 0, 0, "Personal care"}, {1, 1, 0, 0, "Regulation 17 HSCA RA Regulations 2014 Good governance inner"},
	}}
	for ti, tb := range pg.Tables {
		var got []cell
		for _, x := range tb.Cells {
			got = append(got, cell{x.Row, x.Col, x.RowSpan, x.ColSpan, x.Text})
			if x.End > 0 && pg.Text[x.Start:x.End] != x.Text {
				t.Errorf("table %d cell %d,%d: text[%d:%d] = %q, want %q", ti, x.Row, x.Col, x.Start, x.End, pg.Text[x.Start:x.End], x.Text)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want[ti]) {
			t.Errorf("table %d cells\n got %v\nwant %v", ti, got, want[ti])
		}
		if tb.HeaderRows != 1 {
			t.Errorf("table %d: %d header rows, want 1", ti, tb.HeaderRows)
		}
	}
	if tb := pg.Tables[0]; tb.Rows != 4 || tb.Cols != 3 {
		t.Errorf("table 0 is %dx%d, want 4x3", tb.Rows, tb.Cols)
	}
}

// TestTablesGolden writes the tables of every fixture folder that has any
// as testdata/NAME.tables and compares them with the golden file.
func TestTablesGolden(t *testing.T) {
	for _, dir := range fixtures(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), zipDir(t, dir), extract.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			p := c.Pages[0]
			if len(p.Tables) == 0 {
				return
			}
			var b strings.Builder
			for i, tb := range p.Tables {
				fmt.Fprintf(&b, "table %d: %d rows, %d columns, %d header rows, text %d-%d\n", i, tb.Rows, tb.Cols, tb.HeaderRows, tb.Start, tb.End)
				for _, x := range tb.Cells {
					if x.End > 0 && p.Text[x.Start:x.End] != x.Text {
						t.Errorf("cell %d,%d: text[%d:%d] = %q, want %q", x.Row, x.Col, x.Start, x.End, p.Text[x.Start:x.End], x.Text)
					}
					fmt.Fprintf(&b, "  %d,%d", x.Row, x.Col)
					if x.RowSpan > 1 || x.ColSpan > 1 {
						fmt.Fprintf(&b, " span %dx%d", max(x.RowSpan, 1), max(x.ColSpan, 1))
					}
					fmt.Fprintf(&b, " %q\n", x.Text)
				}
			}
			golden.Check(t, filepath.Join("testdata", name+".tables"), []byte(b.String()))
		})
	}
}
