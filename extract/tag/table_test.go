package tag

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/html"
)

// htmlDoc extracts an HTML page the way the pipeline does.
func htmlDoc(t *testing.T, title, src string) *extract.Document {
	t.Helper()
	c, err := html.Extractor{}.Extract(context.Background(), []byte("<!doctype html><title>"+title+"</title><body>"+src+"</body>"), extract.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return &extract.Document{Path: "x.html", ID: "x", Format: extract.FormatHTML, Content: *c}
}

// ratingsOf lists the rating findings as "subject/domain/rating" with
// "prev=", "dir=" and "date=" when set, sorted; actions as
// "kind/regulation/text".
func ratingsOf(t *testing.T, doc *extract.Document) (ratings, actions []string) {
	t.Helper()
	for _, f := range testTagger(t).Tag(context.Background(), doc) {
		switch f.Kind {
		case extract.KindRating:
			s := f.Subject + "/" + f.Domain + "/" + f.Rating
			if f.Previous != "" {
				s += " prev=" + f.Previous
			}
			if f.Direction != "" {
				s += " dir=" + f.Direction
			}
			if f.Date != "" {
				s += " date=" + f.Date
			}
			ratings = append(ratings, s)
			for _, pg := range doc.Pages {
				if pg.Number == f.Page && (f.Start < 0 || f.End > len(pg.Text) || f.Start >= f.End) {
					t.Errorf("%s: evidence %d-%d outside the text of page %d", s, f.Start, f.End, f.Page)
				}
			}
		case extract.KindMustDo, extract.KindShouldDo:
			actions = append(actions, string(f.Kind)+"/"+f.Regulation+"/"+f.Text)
		}
	}
	sort.Strings(ratings)
	return ratings, actions
}

const gridHead = `<tr><th></th><th>Safe</th><th>Effective</th><th>Caring</th><th>Responsive</th><th>Well-led</th><th>Overall</th></tr>`

func row(label string, cells ...string) string {
	s := "<tr><td>" + label + "</td>"
	for _, c := range cells {
		s += "<td>" + c + "</td>"
	}
	return s + "</tr>"
}

func TestTableRatings(t *testing.T) {
	six := func(c string) []string { return []string{c, c, c, c, c, c} }
	all := func(subject, rating, extra string) []string {
		var out []string
		for _, d := range []string{"caring", "effective", "overall", "responsive", "safe", "well-led"} {
			out = append(out, subject+"/"+d+"/"+rating+extra)
		}
		return out
	}
	tests := []struct {
		name, title, src string
		want             []string
	}{
		{"service rows qualified by the location; wrapped cells with arrow and date", "Northvale NHS Trust",
			`<h3>Ratings for Brackenford General Hospital</h3><table>` + gridHead +
				row("Maternity", "<div>Requires</div><div>improvement</div><div>↓</div><div>Sep 2019</div>", "Good<br>→←<br>Sep 2019", "<p>Outstanding</p><p>↑↑</p><p>12 March 2021</p>", "Good ↑", "Inadequate ↓↓", "Good<br>Jun 2017") +
				`</table>`,
			[]string{
				"Maternity (Brackenford General Hospital)/caring/outstanding dir=up two date=2021-03-12",
				"Maternity (Brackenford General Hospital)/effective/good dir=same date=2019-09",
				"Maternity (Brackenford General Hospital)/overall/good date=2017-06",
				"Maternity (Brackenford General Hospital)/responsive/good dir=up",
				"Maternity (Brackenford General Hospital)/safe/requires improvement dir=down date=2019-09",
				"Maternity (Brackenford General Hospital)/well-led/inadequate dir=down two",
			}},
		{"Overall* row is the location; Not rated cells give nothing", "Northvale NHS Trust",
			`<h2>Our ratings for Elmstead Community Hospital</h2><table>` + gridHead +
				row("Outpatients", "Good", "Not rated", "Good", "Good", "Good", "Good") +
				row("<b>Overall*</b>", six("Good")...) + `</table>`,
			append([]string{
				"Outpatients (Elmstead Community Hospital)/caring/good",
				"Outpatients (Elmstead Community Hospital)/overall/good",
				"Outpatients (Elmstead Community Hospital)/responsive/good",
				"Outpatients (Elmstead Community Hospital)/safe/good",
				"Outpatients (Elmstead Community Hospital)/well-led/good",
			}, all("Elmstead Community Hospital", "good", "")...)},
		{"hospital rows of a trust grid and the Overall trust row", "Northvale NHS Trust",
			`<h2>Our ratings for Northvale NHS Trust</h2><table>` + gridHead +
				row("Brackenford General Hospital", six("Requires improvement")...) +
				row("Overall trust", six("Inadequate")...) + `</table>`,
			append(all("Brackenford General Hospital", "requires improvement", ""), all("trust overall", "inadequate", "")...)},
		{"the whole trust: one unlabelled row", "Northvale NHS Trust",
			`<h3>Ratings for the whole trust</h3><table>` + gridHead + row("", six("Good →←<br>Feb 2020")...) + `</table>`,
			all("trust overall", "good", " dir=same date=2020-02")},
		{"use of resources column and row give nothing", "Northvale NHS Trust",
			`<h3>Ratings for the whole trust</h3><table><tr><th></th><th>Safe</th><th>Effective</th><th>Caring</th><th>Use of resources</th></tr>` +
				row("Overall quality", "Good", "Good", "Good", "Inadequate") +
				row("Use of resources", "Inadequate", "Inadequate", "Inadequate", "Inadequate") + `</table>`,
			[]string{"trust overall/caring/good", "trust overall/effective/good", "trust overall/safe/good"}},
		{"cover box of a trust", "Northvale NHS Trust",
			`<table>` + row("Overall rating for this trust", "Requires improvement ↓") + row("Are services at this trust safe?", "Inadequate") +
				row("Are services at this trust well-led?", "Good") + `</table>`,
			[]string{"trust overall/overall/requires improvement dir=down", "trust overall/safe/inadequate", "trust overall/well-led/good"}},
		{"box of a single service names the service", "Elmstead House - Care Quality Commission",
			`<p>Larchfield Care Group Limited</p><h1>Elmstead House</h1><table>` + row("Overall rating for this service", "Good") +
				row("Is the service safe?", "Requires improvement") + row("Is the service caring?", "Outstanding") + `</table>`,
			[]string{"Elmstead House/caring/outstanding", "Elmstead House/overall/good", "Elmstead House/safe/requires improvement"}},
		{"box with a previous rating column", "Northvale NHS Trust",
			`<table><tr><th>Key question</th><th>Rating</th><th>Previous rating</th></tr>` + row("Safe", "Good", "Requires improvement") +
				row("Caring", "Good", "Not rated") + row("Well-led", "Inadequate", "Change since the previous inspection: same rating") + `</table>`,
			[]string{"trust overall/caring/good", "trust overall/safe/good prev=requires improvement", "trust overall/well-led/inadequate prev=inadequate"}},
		{"the key to the tables gives nothing", "Northvale NHS Trust",
			`<h3>Key to tables</h3><table>` + row("Ratings", "Not rated", "Inadequate", "Requires improvement", "Good", "Outstanding") +
				row("Rating change since last inspection", "Same →←", "Up one rating ↑", "Up two ratings ↑↑", "Down one rating ↓", "Down two ratings ↓↓") + `</table>`,
			nil},
		{"a title row inside the table; marks in cells", "Northvale NHS Trust",
			`<table><tr><th colspan="7">Ratings for Elmstead Community Hospital</th></tr>` + gridHead +
				row("Community health inpatient services", "Good ★", "Good ★", "Good", "Good", "Good", "Good -") + `</table>`,
			all("Community health inpatient services (Elmstead Community Hospital)", "good", "")},
		{"a grid read as cells is not read again as lines", "Northvale NHS Trust",
			`<h3>Ratings for Brackenford General Hospital</h3><table>` + gridHead + row("Surgery", six("Good")...) + `</table>`,
			all("Surgery (Brackenford General Hospital)", "good", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := ratingsOf(t, htmlDoc(t, tt.title, tt.src))
			sort.Strings(tt.want)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestTableCellsNotPageText reads a grid whose page text interleaves the
// cells' lines, as a PDF's vertically centred cells leave it: the cells'
// own text is read, and the evidence is the cell's span.
func TestTableCellsNotPageText(t *testing.T) {
	text := "Ratings for Brackenford General Hospital\nSafe Effective Caring\nRequires Good Good\nMaternity\nimprovement\n"
	at := func(w string) (int, int) { i := strings.Index(text, w); return i, i + len(w) }
	cell := func(r, c int, txt string, from, to string) extract.Cell {
		s, _ := at(from)
		_, e := at(to)
		return extract.Cell{Row: r, Col: c, Text: txt, Start: s, End: e}
	}
	tb := extract.Table{Rows: 2, Cols: 4, HeaderRows: 1, Cells: []extract.Cell{
		{Row: 0, Col: 0},
		cell(0, 1, "Safe", "Safe", "Safe"), cell(0, 2, "Effective", "Effective", "Effective"), cell(0, 3, "Caring", "Caring", "Caring"),
		cell(1, 0, "Maternity", "Maternity", "Maternity"),
		cell(1, 1, "Requires improvement", "Requires", "improvement"),
		cell(1, 2, "Good", "Good Good", "Good"),
		{Row: 1, Col: 3, Text: "Good", Start: strings.LastIndex(text, "Good"), End: strings.LastIndex(text, "Good") + 4},
	}}
	tb.Start, _ = at("Safe")
	_, tb.End = at("improvement")
	doc := &extract.Document{Path: "x.pdf", ID: "x", Format: extract.FormatPDF,
		Content: extract.Content{Pages: []extract.Page{{Number: 3, Text: text, Tables: []extract.Table{tb}}}}}
	got, _ := ratingsOf(t, doc)
	want := []string{
		"Maternity (Brackenford General Hospital)/caring/good",
		"Maternity (Brackenford General Hospital)/effective/good",
		"Maternity (Brackenford General Hospital)/safe/requires improvement",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, f := range testTagger(t).Tag(context.Background(), doc) {
		if f.Kind == extract.KindRating && f.Domain == "safe" && (f.Page != 3 || text[f.Start:f.End] != "Requires Good Good\nMaternity\nimprovement") {
			t.Errorf("safe evidence %d-%d on page %d: %q", f.Start, f.End, f.Page, text[f.Start:f.End])
		}
	}
}

func TestTableRequirementNotices(t *testing.T) {
	head := `<tr><th>Regulated activity</th><th>Regulation</th></tr>`
	tests := []struct {
		name, src string
		want      []string
	}{
		{"a row saying how the regulation was not met is a must-do",
			`<h2>Requirement notices</h2><table>` + head + row("Accommodation for persons who require nursing or personal care",
				"<p>Regulation 12 HSCA RA Regulations 2014 Safe care and treatment</p><p>How the regulation was not being met:</p>"+
					"<p>Staff did not assess the risk of falls for people living on the first floor. Bed rails were fitted without an assessment.</p><p>Regulation 12(1)(2)(a)(b)</p>") + `</table>`,
			[]string{"must-do/Regulation 12/Staff did not assess the risk of falls for people living on the first floor. Bed rails were fitted without an assessment."}},
		{"sub-clauses written in the regulation cell are kept; the enforcement action is not part of the text",
			`<h2>Enforcement actions</h2><table>` + head + row("Personal care",
				"<p>Regulation 17(1)(2)(a) HSCA RA Regulations 2014 Good governance</p><p>How the regulation was not being met:</p>"+
					"<p>Audits did not find the gaps in medicine records.</p><p>The enforcement action we took:</p><p>We imposed a condition on the registration.</p>") + `</table>`,
			[]string{"must-do/Regulation 17(1)(2)(a)/Audits did not find the gaps in medicine records."}},
		{"the sentences in the row under 'How the regulation was not being met'",
			`<h2>Requirement notices</h2><table>` + head + row("Diagnostic and screening procedures", "Regulation 9 HSCA (RA) Regulations 2014 Person-centred care") +
				`<tr><td colspan="2">How the regulation was not being met:</td></tr>` +
				`<tr><td colspan="2">Care plans did not reflect the needs people had told staff about.</td></tr></table>`,
			[]string{"must-do/Regulation 9/Care plans did not reflect the needs people had told staff about."}},
		{"rows that only name a regulation are no actions",
			`<h2>Requirement notices</h2><table>` + head + row("Treatment of disease, disorder or injury", "Regulation 18 HSCA (RA) Regulations 2014 Staffing") +
				row("Surgical procedures", "Regulation 11 HSCA (RA) Regulations 2014 Need for consent") + `</table>`,
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := ratingsOf(t, htmlDoc(t, "Larchfield Lodge", tt.src))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseRatingCell(t *testing.T) {
	tests := []struct{ in, rating, dir, date string }{
		{"Good", "good", "", ""},
		{"Requires improvement ↓ Feb 2020", "requires improvement", "down", "2020-02"},
		{"Requires\nimprovement", "requires improvement", "", ""},
		{"Outstanding ↑↑", "outstanding", "up two", ""},
		{"Inadequate ↓↓ 3 Sept 2021", "inadequate", "down two", "2021-09-03"},
		{"Good →← 14/07/2019", "good", "same", "2019-07-14"},
		{"Good*", "good", "", ""},
		{"Not rated", "", "", ""},
		{"Not rated Feb 2020", "", "", ""},
		{"N/A", "", "", ""},
		{"Good or outstanding", "", "", ""},
		{"The service was good at keeping people safe", "", "", ""},
	}
	for _, tt := range tests {
		r, d, dt := parseRatingCell(tt.in)
		if r != tt.rating || d != tt.dir || dt != tt.date {
			t.Errorf("parseRatingCell(%q) = %q, %q, %q; want %q, %q, %q", tt.in, r, d, dt, tt.rating, tt.dir, tt.date)
		}
	}
}

// textTable lays rows of cells out as lines of text after head and
// returns the page with the table's cells pointing into it.
func textTable(head string, rows [][]string, continued bool) extract.Page {
	var b strings.Builder
	b.WriteString(head)
	tb := extract.Table{Rows: len(rows), Continued: continued}
	for r, row := range rows {
		b.WriteByte('\n')
		tb.Cols = max(tb.Cols, len(row))
		for c, x := range row {
			if c > 0 {
				b.WriteByte(' ')
			}
			cell := extract.Cell{Row: r, Col: c, Text: x}
			if x != "" {
				cell.Start = b.Len()
				b.WriteString(x)
				cell.End = b.Len()
				if tb.End == 0 {
					tb.Start = cell.Start
				}
				tb.End = cell.End
			}
			tb.Cells = append(tb.Cells, cell)
		}
	}
	return extract.Page{Text: b.String(), Tables: []extract.Table{tb}}
}

func TestTableAcrossPages(t *testing.T) {
	header := []string{"", "Safe", "Effective", "Caring"}
	p1 := extract.Page{Number: 1, Text: "Key findings were mixed.\n\nRatings for Brackenford General Hospital"}
	p2 := textTable("Northvale NHS Trust", [][]string{header, {"Surgery", "Good", "Good", "Good"}}, false)
	p2.Number = 2
	p3 := textTable("Northvale NHS Trust", [][]string{{"Maternity", "Inadequate", "Good", "Good"}}, true)
	p3.Number = 3
	doc := &extract.Document{Path: "x.pdf", ID: "x", Format: extract.FormatPDF, Content: extract.Content{Pages: []extract.Page{p1, p2, p3}}}
	got, _ := ratingsOf(t, doc)
	want := []string{
		"Maternity (Brackenford General Hospital)/caring/good",
		"Maternity (Brackenford General Hospital)/effective/good",
		"Maternity (Brackenford General Hospital)/safe/inadequate",
		"Surgery (Brackenford General Hospital)/caring/good",
		"Surgery (Brackenford General Hospital)/effective/good",
		"Surgery (Brackenford General Hospital)/safe/good",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTableTitles(t *testing.T) {
	tests := []struct{ title, overall, qualifier string }{
		{"Ratings for the whole trust", "trust overall", ""},
		{"Our ratings for Northvale NHS Foundation Trust", "trust overall", ""},
		{"Rating for acute services/acute trust", "trust overall", ""},
		{"Ratings for Brackenford General Hospital", "Brackenford General Hospital", "Brackenford General Hospital"},
		{"Ratings for Westgate", "Westgate", "Westgate"},
		{"Ratings for St Ebba's", "St Ebba's", "St Ebba's"},
		{"Ratings for mental health services", "Mental health services", ""},
		{"Ratings for Community Health Services", "Community Health Services", ""},
	}
	st := &docState{provider: "Northvale NHS Foundation Trust"}
	for _, tt := range tests {
		g, _ := st.titleOf(tt.title)
		if g.overall != tt.overall || g.qualifier != tt.qualifier {
			t.Errorf("%q: overall %q, qualifier %q; want %q, %q", tt.title, g.overall, g.qualifier, tt.overall, tt.qualifier)
		}
	}
}

// TestTablesMalformed gives the tagger tables whose sizes, positions and
// offsets are wrong in every way an extractor could get them wrong: the
// rest of the document must still be tagged (a panic would leave only
// the document finding).
func TestTablesMalformed(t *testing.T) {
	text := "Ratings for Brackenford General Hospital\nSafe Effective Caring\nGood Good Inadequate\nThe trust was rated good overall."
	words := []string{"", "Safe", "Good", "Requires improvement ↑", "Overall*", "Regulation 12 HSCA (RA) Regulations 2014 How the regulation was not being met:", "Ratings for X", "Not rated"}
	rnd := rand.New(rand.NewPCG(1, 2))
	n := func(lo, hi int) int { return lo + rnd.IntN(hi-lo+1) }
	for i := 0; i < 400; i++ {
		tb := extract.Table{Rows: n(-2, 6), Cols: n(-2, 8), HeaderRows: n(-1, 3), Continued: rnd.IntN(2) == 0, Start: n(-5, len(text)), End: n(-5, len(text)+5)}
		for k := n(0, 20); k > 0; k-- {
			tb.Cells = append(tb.Cells, extract.Cell{Row: n(-2, 7), Col: n(-2, 9), RowSpan: n(-1, 9), ColSpan: n(-1, 9),
				Text: words[rnd.IntN(len(words))], Start: n(-5, len(text)+5), End: n(-5, len(text)+5)})
		}
		doc := &extract.Document{Path: "x.pdf", ID: "x", Format: extract.FormatPDF, Content: extract.Content{Pages: []extract.Page{
			{Number: 1, Text: text, Tables: []extract.Table{tb, tb}}, {Number: 2, Text: text, Tables: []extract.Table{tb}},
			{Number: 3, Text: "Larch Ward was rated outstanding for caring."}}}}
		fs := testTagger(t).Tag(context.Background(), doc)
		found := false
		for _, f := range fs {
			found = found || f.Page == 3 && f.Kind == extract.KindRating && f.Rating == extract.RatingOutstanding
		}
		if !found {
			t.Fatalf("table %+v: the rating on page 3 is lost: the tagger gave up", tb)
		}
		for _, f := range fs {
			if f.End > 0 && (f.Start < 0 || f.End > len(text) || f.Start > f.End) {
				t.Fatalf("table %+v: finding %s evidence %d-%d outside the page", tb, f.Kind, f.Start, f.End)
			}
		}
	}
}

// TestTablesNotRatings is the negative corpus: tables that hold rating
// words but no ratings give none, and tables the cell reader does not
// know are left to the line reader.
func TestTablesNotRatings(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"staffing figures", `<table><tr><th>Ward</th><th>Beds</th><th>Nurses</th></tr>` + row("Larch Ward", "24", "6") + row("Elm Ward", "18", "4") + `</table>`, nil},
		{"good practice in cells", `<table><tr><th>Area</th><th>Finding</th></tr>` + row("Medicines", "Good practice in storing medicines") +
			row("Safeguarding", "Staff knew how to raise concerns; outstanding training rates") + `</table>`, nil},
		{"the scale as a colour key", `<table>` + row("Outstanding", "Good", "Requires improvement", "Inadequate") + `</table>`, nil},
		{"key questions asked, no ratings given", `<table>` + row("Is the service safe?", "Details are in our safe findings below.") +
			row("Is the service caring?", "Details are in our caring findings below.") + `</table>`, nil},
		{"a service table the line reader knows", `<table><tr><th>Core service</th><th>Rating 2024</th><th>Rating 2021</th></tr>` +
			row("Maternity", "Inadequate", "Good") + `</table>`,
			[]string{"Maternity/overall/inadequate prev=good"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := ratingsOf(t, htmlDoc(t, "Northvale NHS Trust", tt.src))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestTableWhy(t *testing.T) {
	doc := htmlDoc(t, "Northvale NHS Trust", `<h3>Ratings for Brackenford General Hospital</h3><table>`+gridHead+
		row("Surgery", "Good ↑ Jun 2023", "Good", "Good", "Good", "Good", "Good")+`</table>`+
		`<table><tr><th>Regulated activity</th><th>Regulation</th></tr>`+row("Surgical procedures",
		"<p>Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment</p><p>How the regulation was not being met:</p><p>Theatre checklists were not completed.</p>")+`</table>`)
	fs, err := testTagger(t).TagDoc(context.Background(), doc, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"table-grid: title 'Ratings for Brackenford General Hospital', row 'Surgery', column 'safe', cell 'Good ↑ Jun 2023'":                            false,
		"table-requirement: regulation cell 'Regulation 12 HSCA (RA) Regulations 2014 Safe care and treatment', 'how the regulation was not being met'": false,
	}
	for _, f := range fs {
		if _, ok := want[f.Why]; ok {
			want[f.Why] = true
		}
	}
	for w, ok := range want {
		if !ok {
			t.Errorf("no finding explained as %q", w)
		}
	}
	fs, _ = testTagger(t).TagDoc(context.Background(), doc, Options{})
	for _, f := range fs {
		if f.Why != "" {
			t.Errorf("%s finding keeps its why %q without Explain", f.Kind, f.Why)
		}
	}
}

func TestTableHeaderApart(t *testing.T) {
	// the header row found as a table of its own, the rows right below
	head := textTable("Ratings for Brackenford General Hospital", [][]string{{"", "Safe", "Effective", "Caring"}}, false)
	body := textTable("", [][]string{{"Surgery", "Good", "Good", "Inadequate"}}, false)
	off := len(head.Text)
	for i := range body.Tables[0].Cells {
		c := &body.Tables[0].Cells[i]
		if c.End > 0 {
			c.Start += off
			c.End += off
		}
	}
	body.Tables[0].Start += off
	body.Tables[0].End += off
	p := extract.Page{Number: 1, Text: head.Text + body.Text, Tables: []extract.Table{head.Tables[0], body.Tables[0]}}
	got, _ := ratingsOf(t, &extract.Document{Path: "x.pdf", ID: "x", Format: extract.FormatPDF, Content: extract.Content{Pages: []extract.Page{p}}})
	want := []string{
		"Surgery (Brackenford General Hospital)/caring/inadequate",
		"Surgery (Brackenford General Hospital)/effective/good",
		"Surgery (Brackenford General Hospital)/safe/good",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
