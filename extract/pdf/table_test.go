package pdf

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// gridCell is one cell of a table drawn for a test: its lines of text,
// how many columns it spans, and its background (none when fill is nil).
type gridCell struct {
	lines []string
	span  int
	fill  []int
	bold  bool
}

// gridRow is one row of a drawn table, h points high.
type gridRow struct {
	h     float64
	cells []gridCell
}

// gridStyle says how a drawn table shows its cells.
type gridStyle struct {
	ruled bool // stroke every cell's border
	gap   float64
}

// drawGrid draws a table at (x, y), y measured down from the top of the
// page, each cell's lines centred vertically, and returns the y below it.
func drawGrid(f *fpdf.Fpdf, x, y float64, widths []float64, rows []gridRow, st gridStyle) float64 {
	const size, lead = 9.0, 11.0
	for _, r := range rows {
		cx, col := x, 0
		for _, c := range r.cells {
			span := max(c.span, 1)
			w := 0.0
			for k := col; k < col+span && k < len(widths); k++ {
				w += widths[k]
			}
			col += span
			if c.fill != nil {
				f.SetFillColor(c.fill[0], c.fill[1], c.fill[2])
				f.Rect(cx+st.gap/2, y+st.gap/2, w-st.gap, r.h-st.gap, "F")
			}
			if st.ruled {
				f.Rect(cx, y, w, r.h, "D")
			}
			style := ""
			if c.bold {
				style = "B"
			}
			f.SetFont("Helvetica", style, size)
			top := y + (r.h-float64(len(c.lines))*lead)/2
			for i, l := range c.lines {
				f.Text(cx+4, top+float64(i)*lead+size*0.8, l)
			}
			cx += w
		}
		y += r.h
	}
	return y
}

var (
	headFill = []int{60, 40, 110}
	goodFill = []int{226, 241, 224}
	riFill   = []int{251, 236, 208}
	inadFill = []int{246, 214, 214}
	outFill  = []int{219, 233, 246}
	lblFill  = []int{247, 245, 250}
)

// rated is a grid cell holding a rating and a date, lines centred.
func rated(rating, date string) gridCell {
	fill := goodFill
	lines := []string{rating}
	switch rating {
	case "Requires improvement":
		fill, lines = riFill, []string{"Requires", "improvement"}
	case "Inadequate":
		fill = inadFill
	case "Outstanding":
		fill = outFill
	}
	return gridCell{lines: append(lines, date), fill: fill, bold: false}
}

func label(lines ...string) gridCell { return gridCell{lines: lines, fill: lblFill} }

func headerRow(fill []int) gridRow {
	r := gridRow{h: 18, cells: []gridCell{{fill: fill}}}
	for _, k := range []string{"Safe", "Effective", "Caring", "Responsive", "Well-led", "Overall"} {
		r.cells = append(r.cells, gridCell{lines: []string{k}, fill: fill, bold: true})
	}
	return r
}

// tablesPDF draws a four-page report of invented tables: a ratings grid
// of filled cells with vertically centred, wrapped ratings and row labels
// over several lines; a ruled requirement-notice table with a full-width
// row; and a ruled ratings grid that runs over two page breaks, repeating
// its header on the second page and not on the third.
func tablesPDF(t testing.TB) []byte {
	f := fpdf.New("P", "pt", "A4", "")
	f.SetCompression(true)
	f.SetAutoPageBreak(false, 0)
	furniture := func() {
		f.SetFont("Helvetica", "", 8)
		f.Text(50, 30, "Northvale NHS Foundation Trust inspection report")
		f.Text(500, 820, fmt.Sprintf("Page %d", f.PageNo()))
	}
	widths := []float64{150, 58, 58, 58, 64, 58, 58}
	f.AddPage()
	furniture()
	f.SetFont("Helvetica", "B", 13)
	f.Text(50, 70, "Ratings for Brackenford General Hospital")
	f.SetFont("Helvetica", "", 10)
	f.Text(50, 88, "Each rating below was given at this inspection or an earlier one.")
	y := drawGrid(f, 50, 100, widths, []gridRow{
		headerRow(headFill),
		{h: 46, cells: []gridCell{label("Urgent and emergency", "care"), rated("Requires improvement", "Mar 2023"), rated("Good", "Mar 2023"), rated("Good", "Jun 2019"), rated("Inadequate", "Mar 2023"), rated("Requires improvement", "Mar 2023"), rated("Requires improvement", "Mar 2023")}},
		{h: 46, cells: []gridCell{label("Medical care (including", "older people's care)", "on two wards"), rated("Good", "Mar 2023"), rated("Good", "Mar 2023"), rated("Outstanding", "Mar 2023"), rated("Requires improvement", "Mar 2023"), rated("Good", "Mar 2023"), rated("Good", "Mar 2023")}},
		{h: 30, cells: []gridCell{label("Outpatients"), rated("Good", "Jun 2019"), {lines: []string{"Not rated"}, fill: []int{238, 238, 238}}, rated("Good", "Jun 2019"), rated("Good", "Jun 2019"), rated("Good", "Jun 2019"), rated("Good", "Jun 2019")}},
	}, gridStyle{gap: 1})
	f.SetFont("Helvetica", "", 10)
	f.Text(50, y+20, "Requirement notices")
	drawGrid(f, 50, y+30, []float64{170, 330}, []gridRow{
		{h: 20, cells: []gridCell{{lines: []string{"Regulated activity"}, fill: headFill, bold: true}, {lines: []string{"Regulation"}, fill: headFill, bold: true}}},
		{h: 40, cells: []gridCell{{lines: []string{"Treatment of disease, disorder", "or injury"}}, {lines: []string{"Regulation 12 HSCA RA Regulations 2014", "Safe care and treatment"}}}},
		{h: 40, cells: []gridCell{{span: 2, lines: []string{"How the regulation was not being met:", "Staff did not always check the emergency equipment on Heron ward."}}}},
	}, gridStyle{ruled: true})

	// A ruled grid over three pages.
	services := []string{"Urgent care", "Medical care", "Surgery", "Critical care", "Maternity", "Children's services", "End of life care", "Outpatients", "Diagnostic imaging", "Community services"}
	ratings := []string{"Good", "Requires improvement", "Good", "Outstanding", "Good", "Inadequate"}
	var rows []gridRow
	for i, s := range services {
		r := gridRow{h: 36, cells: []gridCell{{lines: []string{s}}}}
		for k := range 6 {
			c := rated(ratings[(i+k)%len(ratings)], "Sep 2024")
			c.fill = nil
			r.cells = append(r.cells, c)
		}
		rows = append(rows, r)
	}
	head := headerRow(nil)
	f.AddPage()
	furniture()
	f.SetFont("Helvetica", "B", 13)
	f.Text(50, 70, "Ratings for Elmstead Community Hospital")
	f.SetFont("Helvetica", "", 10)
	for i := 0; i < 6; i++ {
		f.Text(50, 100+float64(i)*14, "The ratings grid below runs on over the next two pages of this invented report.")
	}
	drawGrid(f, 50, 600, widths, append([]gridRow{head}, rows[:5]...), gridStyle{ruled: true})
	f.AddPage()
	furniture()
	drawGrid(f, 50, 60, widths, append([]gridRow{head}, rows[5:8]...), gridStyle{ruled: true})
	// Nothing follows the grid on this page: it goes on at the top of the
	// next, without its header.
	f.AddPage()
	furniture()
	y = drawGrid(f, 50, 60, widths, rows[8:], gridStyle{ruled: true})
	f.SetFont("Helvetica", "", 10)
	f.Text(50, y+30, "Overall ratings combine the ratings of the services.")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cellAt returns the text of t's cell at (r, c), or "<none>".
func cellAt(t *extract.Table, r, c int) string {
	if x := t.At(r, c); x != nil {
		return x.Text
	}
	return "<none>"
}

func TestTablesDrawn(t *testing.T) {
	data := tablesPDF(t)
	c, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Pages {
		checkCellSpans(t, p)
	}
	if len(c.Pages) != 4 {
		t.Fatalf("%d pages", len(c.Pages))
	}
	p1 := c.Pages[0]
	if len(p1.Tables) != 2 {
		t.Fatalf("page 1: %d tables, want 2", len(p1.Tables))
	}
	grid, notice := &p1.Tables[0], &p1.Tables[1]
	checks := []struct {
		name string
		got  any
		want any
	}{
		{"grid size", [2]int{grid.Rows, grid.Cols}, [2]int{4, 7}},
		{"grid header rows", grid.HeaderRows, 1},
		{"grid corner", cellAt(grid, 0, 0), ""},
		{"grid header", cellAt(grid, 0, 5), "Well-led"},
		{"wrapped label", cellAt(grid, 2, 0), "Medical care (including older people's care) on two wards"},
		{"wrapped rating", cellAt(grid, 1, 1), "Requires improvement Mar 2023"},
		{"centred rating", cellAt(grid, 1, 4), "Inadequate Mar 2023"},
		{"not rated", cellAt(grid, 3, 2), "Not rated"},
		{"notice size", [2]int{notice.Rows, notice.Cols}, [2]int{3, 2}},
		{"notice header rows", notice.HeaderRows, 1},
		{"notice regulation", cellAt(notice, 1, 1), "Regulation 12 HSCA RA Regulations 2014 Safe care and treatment"},
		{"full-width row", cellAt(notice, 2, 1), "How the regulation was not being met: Staff did not always check the emergency equipment on Heron ward."},
		{"full-width span", notice.At(2, 0).ColSpan, 2},
	}
	for _, ck := range checks {
		if fmt.Sprint(ck.got) != fmt.Sprint(ck.want) {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	// The label's first line sits above the baseline of "Requires", yet
	// the text of each cell is its own.
	if !strings.Contains(p1.Text, "Urgent and emergency") {
		t.Errorf("page text lost the label: %q", p1.Text)
	}
	// The grid over three pages.
	var runs []string
	for _, p := range c.Pages[1:] {
		for _, tb := range p.Tables {
			runs = append(runs, fmt.Sprintf("p%d %dx%d h%d c%v %s", p.Number, tb.Rows, tb.Cols, tb.HeaderRows, tb.Continued, cellAt(&tb, tb.HeaderRows, 0)))
		}
	}
	want := []string{
		"p2 6x7 h1 cfalse Urgent care",
		"p3 4x7 h1 ctrue Children's services",
		"p4 2x7 h0 ctrue Diagnostic imaging",
	}
	if fmt.Sprint(runs) != fmt.Sprint(want) {
		t.Errorf("tables over the page breaks:\n got %q\nwant %q", runs, want)
	}
}

// TestTablesGolden pins the tables found on the drawn report, one line
// per cell.
func TestTablesGolden(t *testing.T) {
	c, err := Extractor{}.Extract(context.Background(), tablesPDF(t), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "tables.golden.txt"), []byte(renderTables(c)))
}

// renderTables writes the tables of c as text: a line per table, then a
// line per cell with its span and its bytes in the page text.
func renderTables(c *extract.Content) string {
	var b strings.Builder
	for _, p := range c.Pages {
		for i, tb := range p.Tables {
			fmt.Fprintf(&b, "page %d table %d: %d rows x %d cols, header rows %d, continued %v, bytes %d-%d\n",
				p.Number, i+1, tb.Rows, tb.Cols, tb.HeaderRows, tb.Continued, tb.Start, tb.End)
			for _, x := range tb.Cells {
				span := ""
				if x.RowSpan > 1 || x.ColSpan > 1 {
					span = fmt.Sprintf(" span %dx%d", max(x.RowSpan, 1), max(x.ColSpan, 1))
				}
				fmt.Fprintf(&b, "  r%d c%d%s %q %d-%d\n", x.Row, x.Col, span, x.Text, x.Start, x.End)
			}
		}
	}
	return b.String()
}

// TestTablesStrokedLines reads a grid whose header cells are filled and
// whose body is ruled with stroked lines (m, l, S), written by hand.
func TestTablesStrokedLines(t *testing.T) {
	p, tb := oneTable(t, "Grid", gridPage())
	got := fmt.Sprintf("%dx%d h%d | %s | %s | %s | %s", tb.Rows, tb.Cols, tb.HeaderRows, cellAt(tb, 0, 2), cellAt(tb, 1, 0), cellAt(tb, 1, 2), cellAt(tb, 2, 1))
	want := "3x3 h1 | Caring | Surgery and theatres | Requires improvement | Inadequate"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if strings.Contains(p.Text[tb.Start:tb.End], "two services") {
		t.Errorf("table span [%d,%d] takes in the text below it", tb.Start, tb.End)
	}
}

// alignedPage draws a table without any lines or boxes, its columns
// kept apart by white space only, between two lines of prose.
func alignedPage() string {
	var b strings.Builder
	b.WriteString("BT /F1 11 Tf 72 720 Td (Staffing figures for Elmstead Care Home, by unit) Tj ET\n")
	rows := [][]string{
		{"Unit", "Beds", "Nurses", "Rating"},
		{"Heron", "24", "6", "Good"},
		{"Kestrel", "18", "4", "Requires improvement"},
		{"Wren", "12", "3", "Good"},
	}
	for i, r := range rows {
		for k, c := range r {
			fmt.Fprintf(&b, "BT /F1 10 Tf %d %d Td (%s) Tj ET\n", 72+110*k, 690-16*i, c)
		}
	}
	b.WriteString("BT /F1 11 Tf 72 600 Td (Staff told us the units were calm and well run during the visit.) Tj ET\n")
	b.WriteString("BT /F1 11 Tf 72 586 Td (Relatives said that the home kept them informed about changes.) Tj ET\n")
	return b.String()
}

// TestTablesAligned reads a table aligned by white space only and
// leaves the prose around it alone.
func TestTablesAligned(t *testing.T) {
	p, tb := oneTable(t, "Aligned", alignedPage())
	got := fmt.Sprintf("%dx%d | %s | %s | %s", tb.Rows, tb.Cols, cellAt(tb, 0, 3), cellAt(tb, 2, 0), cellAt(tb, 2, 3))
	if want := "4x4 | Rating | Kestrel | Requires improvement"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if s := p.Text[tb.Start:tb.End]; strings.Contains(s, "Staff") {
		t.Errorf("table span takes in prose: %q", s)
	}
}

// TestJoinLinesOffsets checks that the line offsets joinLines reports
// point at each line's text in its output, through hyphenated words
// joined, soft hyphens dropped and lines left out.
func TestJoinLinesOffsets(t *testing.T) {
	lines := []line{
		{text: "The service was well organi-", flow: 0, para: true},
		{text: "sed and staff were care\u00ad", flow: 0},
		{text: "ful with records\u00ad", flow: 0},
		{text: "Heron ward was clean", flow: 0},
		{text: "Page 3 of 9", flow: 0, gone: true},
		{text: "Ratings", flow: 1, para: true},
	}
	offs := make([]int, len(lines))
	text := joinLines(lines, offs)
	if plain := joinLines(lines, nil); plain != text {
		t.Fatalf("offsets change the text:\n%q\n%q", plain, text)
	}
	want := []string{"The service", "sed and", "ful with", "Heron ward", "", "Ratings"}
	for i, w := range want {
		switch {
		case w == "" && offs[i] != -1:
			t.Errorf("line %d left out, offset %d, want -1", i, offs[i])
		case w != "" && (offs[i] < 0 || !strings.HasPrefix(text[offs[i]:], w)):
			t.Errorf("line %d at %d: %q, want it to start %q", i, offs[i], text[max(offs[i], 0):], w)
		}
	}
}

// TestRelocate checks word spans after a line's text is normalised.
func TestRelocate(t *testing.T) {
	raw := "e\ufb03cient\u00a0sta\ufb00 rota"
	words := []lineWord{{off: 0, end: len("e\ufb03cient")}, {off: len("e\ufb03cient\u00a0"), end: len("e\ufb03cient\u00a0sta\ufb00")}, {off: len(raw) - 4, end: len(raw)}}
	txt := normalize(raw)
	relocate(words, raw, txt)
	var got []string
	for _, w := range words {
		got = append(got, txt[w.off:w.end])
	}
	if want := "efficient|staff|rota"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestTablesRotated reads a grid drawn on a page turned a quarter (the
// whole content under a rotating matrix, as landscape pages are).
func TestTablesRotated(t *testing.T) {
	for _, m := range []string{"0 1 -1 0 612 0 cm", "0 -1 1 0 0 792 cm"} {
		c, err := Extractor{}.Extract(context.Background(), buildPDF("%PDF-1.4\n", "Turned", "q "+m+"\n"+gridPage()+"\nQ"), extract.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		p := c.Pages[0]
		checkCellSpans(t, p)
		if len(p.Tables) != 1 {
			t.Errorf("%s: %d tables, want 1; text %q", m, len(p.Tables), p.Text)
			continue
		}
		tb := &p.Tables[0]
		got := fmt.Sprintf("%dx%d h%d | %s | %s", tb.Rows, tb.Cols, tb.HeaderRows, cellAt(tb, 1, 0), cellAt(tb, 1, 2))
		if want := "3x3 h1 | Surgery and theatres | Requires improvement"; got != want {
			t.Errorf("%s: got %s, want %s", m, got, want)
		}
	}
}

// TestHeaderRows counts header rows of small tables made by hand.
func TestHeaderRows(t *testing.T) {
	cells := func(rows ...[]string) *extract.Table {
		tb := &extract.Table{Rows: len(rows), Cols: 3}
		for r, row := range rows {
			if len(row) == 1 {
				tb.Cells = append(tb.Cells, extract.Cell{Row: r, ColSpan: 3, Text: row[0]})
				continue
			}
			for c, s := range row {
				tb.Cells = append(tb.Cells, extract.Cell{Row: r, Col: c, Text: s})
			}
		}
		return tb
	}
	tests := []struct {
		name string
		t    *extract.Table
		want int
	}{
		{"key questions", cells([]string{"", "Safe", "Caring"}, []string{"Surgery", "Good", "Good"}), 1},
		{"caption then key questions", cells([]string{"Ratings for Elmstead Hospital"}, []string{"", "Safe", "Well-led"}, []string{"Surgery", "Good", "Inadequate"}), 2},
		{"caption alone", cells([]string{"Ratings for Elmstead Hospital"}, []string{"Surgery", "Good", "Inadequate"}), 0},
		{"notice", cells([]string{"Regulated activity", "Regulation", ""}, []string{"Treatment of disease", "Regulation 12", ""}), 1},
		{"cover box", cells([]string{"Overall rating for this service", "Good", ""}, []string{"Is the service safe?", "Good", ""}), 0},
		{"ratings in the first row", cells([]string{"Safe", "Good", "Caring"}, []string{"Effective", "Good", "Responsive"}), 0},
	}
	for _, tc := range tests {
		if got := headerRows(tc.t, nil, nil, nil); got != tc.want {
			t.Errorf("%s: %d header rows, want %d", tc.name, got, tc.want)
		}
	}
}

// TestTablesRuledAcross reads a table ruled only by horizontal lines: the
// columns come from the white space between its words.
func TestTablesRuledAcross(t *testing.T) {
	var b strings.Builder
	b.WriteString("BT /F1 12 Tf 72 740 Td (Ratings history for Wrenfield Lodge) Tj ET\n0.6 w\n")
	rows := [][]string{{"Key question", "Rating", "Date"}, {"Safe", "Requires improvement", "May 2024"}, {"Caring", "Good", "May 2024"}, {"Well-led", "Inadequate", "May 2024"}}
	y := 720
	fmt.Fprintf(&b, "72 %d m 480 %d l S\n", y, y)
	for _, r := range rows {
		for k, c := range r {
			fmt.Fprintf(&b, "BT /F1 10 Tf %d %d Td (%s) Tj ET\n", 76+150*k, y-15, c)
		}
		y -= 22
		fmt.Fprintf(&b, "72 %d m 480 %d l S\n", y, y)
	}
	b.WriteString("BT /F1 11 Tf 72 580 Td (The home has been inspected three times since it registered.) Tj ET\n")
	_, tb := oneTable(t, "Ruled", b.String())
	got := fmt.Sprintf("%dx%d h%d | %s | %s | %s", tb.Rows, tb.Cols, tb.HeaderRows, cellAt(tb, 0, 0), cellAt(tb, 1, 1), cellAt(tb, 3, 2))
	if want := "4x3 h1 | Key question | Requires improvement | May 2024"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// oneTable extracts a one-page PDF of the given content, checks every
// cell's span against the page text, and returns the page and its only
// table.
func oneTable(t *testing.T, title, content string) (extract.Page, *extract.Table) {
	t.Helper()
	c, err := Extractor{}.Extract(context.Background(), buildPDF("%PDF-1.4\n", title, content), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pages[0]
	checkCellSpans(t, p)
	if len(p.Tables) != 1 {
		t.Fatalf("%d tables, want 1; text %q", len(p.Tables), p.Text)
	}
	return p, &p.Tables[0]
}
