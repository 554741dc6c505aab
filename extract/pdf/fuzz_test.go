package pdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// buildPDF writes a small PDF with one page per content stream, in
// Helvetica, with a correct cross-reference table.
func buildPDF(header string, title string, contents ...string) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	var offs []int
	obj := func(body string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), body)
	}
	n := len(contents)
	// 1 catalog, 2 pages, 3 font, 4 info, then page i at 5+2i, its content at 6+2i.
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	var kids []string
	for i := range contents {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+2*i))
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d /MediaBox [0 0 612 792] >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj(fmt.Sprintf("<< /Title (%s) >>", title))
	for i, c := range contents {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 6+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(c)+1, c))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// textPage draws lines of text top down, one Td per line.
func textPage(lines ...string) string {
	var b strings.Builder
	b.WriteString("BT /F1 11 Tf 72 640 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "(%s) Tj T*\n", l)
	}
	b.WriteString("ET")
	return b.String()
}

func TestBuiltPDFs(t *testing.T) {
	body := textPage("The inspection found that the ward was well organised", "and staff were kind to patients.")
	good := buildPDF("%PDF-1.4\n", "Ward report", body)
	noXref := good[:bytes.LastIndex(good, []byte("xref"))]
	tests := []struct {
		name  string
		data  []byte
		want  string
		title string
	}{
		{"plain", good, "The inspection found that the ward was well organised\nand staff were kind to patients.", "Ward report"},
		{"pdf 2.0 header", buildPDF("%PDF-2.0\n", "T", body), "well organised", "T"},
		{"trailing space in header", buildPDF("%PDF-1.7 \n", "T", body), "kind to patients", "T"},
		{"junk before header", append([]byte("HTTP/1.1 200 OK junk\r\n\r\n"), good...), "ward was well", "Ward report"},
		{"no xref table", noXref, "ward was well", "Ward report"},
		{"kerned words", buildPDF("%PDF-1.4\n", "K", "BT /F1 12 Tf 72 700 Td [(Care)-300(Qual)-20(ity)-280(Commission)] TJ ET\nBT /F1 12 Tf 72 680 Td (rated the service as good overall) Tj ET"), "Care Quality Commission\nrated", "K"},
		{"hyphen at line end", buildPDF("%PDF-1.4\n", "H", textPage("The whole organi-", "sation improved its care plans.")), "organisation improved", "H"},
		{"fake bold drawn twice", buildPDF("%PDF-1.4\n", "B", "BT /F1 12 Tf 72 700 Td (Inadequate rating given) Tj ET BT /F1 12 Tf 72.3 700 Td (Inadequate rating given) Tj ET"), "Inadequate rating given", "B"},
		{"dictionary key not a name", bytes.Replace(good, []byte("/BaseFont /Helvetica"), []byte("/BaseFont /Ari al MS"), 1), "ward was well organised", "Ward report"},
		{"page tree lost", bytes.Replace(good, []byte("/Pages 2 0 R"), []byte("/Pagez 2 0 R"), 1), "kind to patients", "Ward report"},
		{"inline image skipped", buildPDF("%PDF-1.4\n", "I", "q BI /W 2 /H 2 /BPC 8 /CS /G ID \x00)(\xff> EI Q\n"+textPage("Safe effective caring responsive")), "Safe effective caring responsive", "I"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), tc.data, extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(c.Text(), tc.want) {
				t.Errorf("text %q does not contain %q", c.Text(), tc.want)
			}
			if c.Title != tc.title {
				t.Errorf("title %q, want %q", c.Title, tc.title)
			}
		})
	}
}

func TestFurniture(t *testing.T) {
	var pages []string
	for i := 1; i <= 4; i++ {
		pages = append(pages, fmt.Sprintf("BT /F1 9 Tf 72 770 Td (Riverside Trust inspection report %d) Tj ET\n", 2020+i)+
			textPage(fmt.Sprintf("Body text of page %d says the service is good.", i), "More findings follow here.")+
			fmt.Sprintf("\nBT /F1 9 Tf 280 30 Td (Page %d of 4) Tj ET", i))
	}
	c, err := Extractor{}.Extract(context.Background(), buildPDF("%PDF-1.4\n", "F", pages...), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pages) != 4 {
		t.Fatalf("%d pages", len(c.Pages))
	}
	for _, p := range c.Pages {
		if strings.Contains(p.Text, "Riverside") || strings.Contains(p.Text, "of 4") {
			t.Errorf("page %d keeps furniture: %q", p.Number, p.Text)
		}
		if !strings.Contains(p.Text, fmt.Sprintf("page %d says", p.Number)) {
			t.Errorf("page %d lost its body: %q", p.Number, p.Text)
		}
	}
	kept, err := Extractor{KeepFurniture: true}.Extract(context.Background(), buildPDF("%PDF-1.4\n", "F", pages...), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(kept.Pages[0].Text, "Page 1 of 4") {
		t.Errorf("KeepFurniture dropped the footer: %q", kept.Pages[0].Text)
	}
}

func TestErrorsAndLimits(t *testing.T) {
	good := buildPDF("%PDF-1.4\n", "T", textPage("Some words on a page"), textPage("More words on page two"))
	scan := buildPDF("%PDF-1.4\n", "S", "q 100 0 0 100 0 0 cm Q", "q Q")
	tests := []struct {
		name  string
		data  []byte
		lim   extract.Limits
		ctx   func() context.Context
		check func(error) bool
	}{
		{"not a pdf", []byte("hello world, this is not a PDF file at all"), extract.Limits{}, nil, func(err error) bool { return strings.HasPrefix(err.Error(), "pdf: open:") }},
		{"empty", nil, extract.Limits{}, nil, func(err error) bool { return strings.HasPrefix(err.Error(), "pdf: ") }},
		{"no text layer", scan, extract.Limits{}, nil, extract.IsNeedsOCR},
		{"max bytes", good, extract.Limits{MaxBytes: 100}, nil, func(err error) bool { return strings.Contains(err.Error(), extract.ErrLimit.Error()) }},
		{"max stream bytes", good, extract.Limits{MaxStreamBytes: 5}, nil, func(err error) bool { return strings.HasPrefix(err.Error(), "pdf: page 1:") }},
		{"cancelled", good, extract.Limits{}, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(err error) bool {
			return err == context.Canceled || strings.Contains(err.Error(), "context canceled")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			c, err := Extractor{}.Extract(ctx, tc.data, tc.lim)
			if err == nil {
				t.Fatalf("no error; content %+v", c)
			}
			if !tc.check(err) {
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	c, err := Extractor{}.Extract(context.Background(), good, extract.Limits{MaxPages: 1})
	if err != nil || len(c.Pages) != 1 {
		t.Errorf("MaxPages 1: %v, %+v", err, c)
	}
}

// FuzzExtract checks that no input makes the extractor panic, hang or
// return neither content nor error.
func FuzzExtract(f *testing.F) {
	good := buildPDF("%PDF-1.4\n", "Fuzz", textPage("Requires improvement overall", "Good for caring"), "BT /F1 10 Tf [(A)-500(B)] TJ ET")
	f.Add(good)
	for _, n := range []int{10, 100, len(good) / 2, len(good) - 30} {
		f.Add(good[:n])
	}
	f.Add(buildPDF("%PDF-2.0 \n", "Fuzz", "BT /F1 10 Tf 1 0 0 1 50 50 Tm (x) ' ET q 2 0 0 2 0 0 cm BI ID xx EI Q"))
	f.Add(bytes.Replace(good, []byte("/Count 2"), []byte("/Count 99"), 1))
	f.Add(bytes.Replace(good, []byte("/Kids ["), []byte("/Kids [2 0 R "), 1))
	grid := buildPDF("%PDF-1.4\n", "Grid", gridPage(), gridPage())
	f.Add(grid)
	f.Add(bytes.Replace(grid, []byte(" re f"), []byte(" re S"), 3))
	f.Add(buildPDF("%PDF-1.4\n", "Aligned", alignedPage()))
	recoverTables = false
	defer func() { recoverTables = true }()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{MaxPages: 20, MaxStreamBytes: 1 << 20})
		if c == nil && err == nil {
			t.Fatal("neither content nor error")
		}
		if c != nil {
			for _, p := range c.Pages {
				if err := tableSpansValid(p); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err != nil && !strings.HasPrefix(err.Error(), "pdf: ") && !extract.IsNeedsOCR(err) {
			t.Fatalf("error without context: %v", err)
		}
	})
}

// gridPage draws a small ratings grid: filled header cells, ruled body
// cells with stroked lines, a label over two lines.
func gridPage() string {
	var b strings.Builder
	b.WriteString("0.2 0.1 0.4 rg 60 700 120 20 re f 180 700 80 20 re f 260 700 80 20 re f 0 g\n")
	b.WriteString("BT /F1 10 Tf 185 706 Td (Safe) Tj ET BT /F1 10 Tf 265 706 Td (Caring) Tj ET\n")
	b.WriteString("0.5 w 60 700 m 340 700 l S 60 660 m 340 660 l S 60 630 m 340 630 l S\n")
	b.WriteString("60 630 m 60 700 l 180 630 m 180 700 l 260 630 m 260 700 l 340 630 m 340 700 l S\n")
	b.WriteString("BT /F1 10 Tf 65 684 Td (Surgery and) Tj 0 -12 Td (theatres) Tj ET\n")
	b.WriteString("BT /F1 10 Tf 185 676 Td (Good) Tj ET BT /F1 10 Tf 265 682 Td (Requires) Tj 0 -12 Td (improvement) Tj ET\n")
	b.WriteString("BT /F1 10 Tf 65 642 Td (Maternity) Tj ET BT /F1 10 Tf 185 642 Td (Inadequate) Tj ET BT /F1 10 Tf 265 642 Td (Good) Tj ET\n")
	b.WriteString("BT /F1 11 Tf 72 600 Td (The grid above shows the ratings of two services.) Tj ET")
	return b.String()
}

// TestColumnOrder checks that two columns are read left column first
// when the right column starts higher on the page than the left one.
func TestColumnOrder(t *testing.T) {
	var b strings.Builder
	b.WriteString("BT /F1 9 Tf 250 760 Td (Riverside Trust annual review) Tj ET\n")
	left := []string{"Alpha one two three four five", "alpha six seven eight nine ten", "alpha eleven twelve thirteen more", "alpha closing words of the left"}
	right := []string{"Bravo one two three four five", "bravo six seven eight nine ten", "bravo eleven twelve thirteen more", "bravo closing words of the right"}
	for i, l := range left {
		fmt.Fprintf(&b, "BT /F1 10 Tf 57 %d Td (%s) Tj ET\n", 700-14*i, l)
	}
	for i, r := range right {
		fmt.Fprintf(&b, "BT /F1 10 Tf 323 %d Td (%s) Tj ET\n", 712-14*i, r)
	}
	c, err := Extractor{KeepFurniture: true}.Extract(context.Background(), buildPDF("%PDF-1.4\n", "C", b.String()), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	txt := c.Text()
	a, z := strings.Index(txt, "alpha closing words of the left"), strings.Index(txt, "Bravo one two")
	if a < 0 || z < 0 || a > z {
		t.Errorf("left column not read before the right one:\n%s", txt)
	}
}
