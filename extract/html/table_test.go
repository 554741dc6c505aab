package html

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/golden"
)

// TestTablesGolden writes the tables of every testdata/*.html fixture
// that has any as NAME.tables and compares them with the golden file,
// and checks that every cell's offsets point at its text.
func TestTablesGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".html")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Extractor{}.Extract(context.Background(), data, extract.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			p := c.Pages[0]
			checkCells(t, p)
			if len(p.Tables) == 0 {
				return
			}
			golden.Check(t, filepath.Join("testdata", name+".tables"), []byte(dumpTables(p.Tables)))
		})
	}
}

// checkCells fails on a cell whose offsets do not hold its text.
func checkCells(t *testing.T, p extract.Page) {
	t.Helper()
	for ti, tb := range p.Tables {
		if tb.Start < 0 || tb.End > len(p.Text) || tb.Start >= tb.End {
			t.Errorf("table %d: span %d-%d outside the text (%d bytes)", ti, tb.Start, tb.End, len(p.Text))
		}
		for _, c := range tb.Cells {
			if c.Start == 0 && c.End == 0 {
				if c.Text != "" {
					t.Errorf("table %d cell %d,%d: text %q without offsets", ti, c.Row, c.Col, c.Text)
				}
				continue
			}
			if c.Start < tb.Start || c.End > tb.End || p.Text[c.Start:c.End] != c.Text {
				t.Errorf("table %d cell %d,%d: %q, but text[%d:%d] holds %q", ti, c.Row, c.Col, c.Text, c.Start, c.End, p.Text[c.Start:min(c.End, len(p.Text))])
			}
		}
	}
}

func dumpTables(ts []extract.Table) string {
	var b strings.Builder
	for i, tb := range ts {
		fmt.Fprintf(&b, "table %d: %d rows, %d columns, %d header rows, text %d-%d\n", i, tb.Rows, tb.Cols, tb.HeaderRows, tb.Start, tb.End)
		for _, c := range tb.Cells {
			fmt.Fprintf(&b, "  %d,%d", c.Row, c.Col)
			if c.RowSpan > 1 || c.ColSpan > 1 {
				fmt.Fprintf(&b, " span %dx%d", max(c.RowSpan, 1), max(c.ColSpan, 1))
			}
			fmt.Fprintf(&b, " %q\n", c.Text)
		}
	}
	return b.String()
}

func TestTableCases(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"th row is a header", `<table><tr><th>Service</th><th>Rating</th></tr><tr><td>Surgery</td><td>Good</td></tr></table>`,
			"table 0: 2 rows, 2 columns, 1 header rows, text 0-31\n  0,0 \"Service\"\n  0,1 \"Rating\"\n  1,0 \"Surgery\"\n  1,1 \"Good\"\n"},
		{"a label row is a header", `<table><tr><td>Regulated activity</td><td>Regulation</td></tr><tr><td>Personal care</td><td>Regulation 17 Good governance</td></tr></table>`,
			"table 0: 2 rows, 2 columns, 1 header rows, text 0-77\n  0,0 \"Regulated activity\"\n  0,1 \"Regulation\"\n  1,0 \"Personal care\"\n  1,1 \"Regulation 17 Good governance\"\n"},
		{"a rating row is no header", `<table><tr><td>Overall rating</td><td>Good</td></tr><tr><td>Safe</td><td>Good</td></tr></table>`,
			"table 0: 2 rows, 2 columns, 0 header rows, text 0-33\n  0,0 \"Overall rating\"\n  0,1 \"Good\"\n  1,0 \"Safe\"\n  1,1 \"Good\"\n"},
		{"rowspan and colspan", `<table><tr><td rowspan=2>Ward A</td><td colspan=2>Closed</td></tr><tr><td>x</td><td>y</td></tr></table>`,
			"table 0: 2 rows, 3 columns, 1 header rows, text 0-21\n  0,0 span 2x1 \"Ward A\"\n  0,1 span 1x2 \"Closed\"\n  1,1 \"x\"\n  1,2 \"y\"\n"},
		{"nested table is its own", `<table><tr><td>a <table><tr><td>b</td><td>c</td></tr></table></td></tr></table>`,
			"table 0: 1 rows, 1 columns, 0 header rows, text 0-7\n  0,0 \"a b | c\"\ntable 1: 1 rows, 2 columns, 0 header rows, text 2-7\n  0,0 \"b\"\n  0,1 \"c\"\n"},
		{"empty table", `<p>x</p><table><tr><td> </td></tr></table>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), []byte(tt.in), extract.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkCells(t, c.Pages[0])
			if got := dumpTables(c.Pages[0].Tables); got != tt.want {
				t.Errorf("text %q\ngot:\n%s\nwant:\n%s", c.Pages[0].Text, got, tt.want)
			}
		})
	}
}

func TestSqueezeOffsets(t *testing.T) {
	s := "a\n\n\n\nb c\n\n\nd"
	sq := squeezeBlankLines(s)
	offs := []int{strings.Index(s, "d"), 0, strings.Index(s, "b"), strings.Index(s, "c") + 1}
	got := squeezeOffsets(s, offs)
	for i, w := range []string{"d", "a", "b", ""} {
		if i < 3 && sq[got[i]:got[i]+1] != w || i == 3 && sq[got[i]-1:got[i]] != "c" {
			t.Errorf("offset %d -> %d in %q", offs[i], got[i], sq)
		}
	}
}
