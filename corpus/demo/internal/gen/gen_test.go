package gen

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseMarkup(t *testing.T) {
	src := strings.Join([]string{
		"// a comment",
		"# Title",
		"## Is the service safe? || Requires improvement ↓",
		"First line of a paragraph",
		"and its second line.",
		"",
		"- a bullet",
		"  continued",
		"- another",
		"After the list.",
		"::table 30 40",
		"| A | B",
		"| 1 | 2",
		"",
		"::ratings-grid trust",
	}, "\n")
	blocks, err := parseMarkup(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []block{
		{kind: blockHeading, level: 1, text: "Title", line: 2},
		{kind: blockHeading, level: 2, text: "Is the service safe?", badge: "Requires improvement ↓", line: 3},
		{kind: blockPara, text: "First line of a paragraph and its second line.", line: 4},
		{kind: blockBullet, text: "a bullet continued", line: 7},
		{kind: blockBullet, text: "another", line: 9},
		{kind: blockPara, text: "After the list.", line: 10},
		{kind: blockTable, widths: []float64{30, 40}, rows: [][]string{{"A", "B"}, {"1", "2"}}, line: 11},
		{kind: blockDirective, text: "ratings-grid", args: []string{"trust"}, line: 15},
	}
	if len(blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d: %+v", len(blocks), len(want), blocks)
	}
	for i := range want {
		g, w := blocks[i], want[i]
		if g.kind != w.kind || g.level != w.level || g.text != w.text || g.badge != w.badge || g.line != w.line ||
			strings.Join(g.args, ",") != strings.Join(w.args, ",") || len(g.rows) != len(w.rows) || len(g.widths) != len(w.widths) {
			t.Errorf("block %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestParseMarkupErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"deep heading", "#### Too deep", "line 1: heading level 4"},
		{"empty heading", "## ", "line 1: empty heading"},
		{"row outside table", "| a | b", "line 1: table row outside a table"},
		{"wrong cell count", "::table 10 20\n| a", "line 2: 1 cells, table has 2 columns"},
		{"bad width", "::table 10 wide", `line 1: bad column width "wide"`},
		{"no widths", "::table", "line 1: table needs column widths"},
		{"NaN width", "::table NaN", `line 1: bad column width "NaN"`},
		{"empty table", "::table 10\n\ntext", "line 1: table has no rows"},
		{"text in table", "::table 10\n| a\nloose", "line 3: text inside a table"},
		{"empty directive", "::", "line 1: empty directive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseMarkup(tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzParseMarkup(f *testing.F) {
	for _, s := range []string{
		"# Title\n\nText\n- bullet\n",
		"## Heading || Good ↑\n::table 10 20\n| a | b\n",
		"::cover\n::ratings-grid trust\n",
		"|",
		"::table 1e9",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		blocks, err := parseMarkup(src)
		if err != nil {
			return
		}
		for _, b := range blocks {
			switch b.kind {
			case blockHeading:
				if b.level < 1 || b.level > 3 || b.text == "" {
					t.Fatalf("bad heading %+v", b)
				}
			case blockTable:
				for _, r := range b.rows {
					if len(r) != len(b.widths) {
						t.Fatalf("row %q does not fit widths %v", r, b.widths)
					}
				}
			}
		}
	})
}

func TestParseMark(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mark
		ok   bool
	}{
		{"Good", Mark{Rating: Good}, true},
		{"Requires improvement ↓", Mark{Rating: RequiresImprovement, Change: DownOne}, true},
		{"Inadequate ↓↓", Mark{Rating: Inadequate, Change: DownTwo}, true},
		{"Outstanding ↑↑", Mark{Rating: Outstanding, Change: UpTwo}, true},
		{"good →", Mark{Rating: Good}, true},
		{"Excellent", Mark{}, false},
		{"", Mark{}, false},
	} {
		got, err := parseMark(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseMark(%q) = %+v, %v; want %+v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// TestCoreFontCharacters checks that text the core fonts cannot show is an
// error, not a silent stand-in character.
func TestCoreFontCharacters(t *testing.T) {
	d := newPDF(pdfMeta{created: reportTime})
	d.f.AddPage()
	d.paragraph("Curly “quotes”, ‘apostrophes’, an en dash – and a bullet • are fine.")
	if d.err != nil {
		t.Fatalf("cp1252 text rejected: %v", d.err)
	}
	d.paragraph("An arrow → is not.")
	if d.err == nil {
		t.Fatal("arrow accepted; it would print as a full stop")
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(builders) || len(a) != len(b) {
		t.Fatalf("generated %d and %d files, want %d", len(a), len(b), len(builders))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s: two runs differ", a[i].Name)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMarkBefore(t *testing.T) {
	for _, tc := range []struct {
		mk   Mark
		want Rating
	}{
		{Mark{Rating: Good}, Good},
		{Mark{Rating: Good, Change: UpOne}, RequiresImprovement},
		{Mark{Rating: Outstanding, Change: UpTwo}, RequiresImprovement},
		{Mark{Rating: RequiresImprovement, Change: DownOne}, Good},
		{Mark{Rating: Inadequate, Change: DownTwo}, Good},
	} {
		if got := tc.mk.before(); got != tc.want {
			t.Errorf("%+v.before() = %v, want %v", tc.mk, got, tc.want)
		}
	}
	// The 2021 whole-trust row is what the 2024 row changed from.
	r := trustRatings2021()
	for i, mk := range trustRatings.Marks {
		if r.Marks[i].Rating != mk.before() || r.Marks[i].Date != prev {
			t.Errorf("2021 %s = %+v; the 2024 grid says it was %v", keyQuestions[i], r.Marks[i], mk.before())
		}
	}
}
