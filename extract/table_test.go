package extract_test

import (
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func TestTableLabelRowAndAt(t *testing.T) {
	cells := func(rows ...[]string) extract.Table {
		tb := extract.Table{Rows: len(rows)}
		for r, row := range rows {
			tb.Cols = max(tb.Cols, len(row))
			for c, txt := range row {
				tb.Cells = append(tb.Cells, extract.Cell{Row: r, Col: c, Text: txt})
			}
		}
		return tb
	}
	cases := []struct {
		name string
		tb   extract.Table
		want bool
	}{
		{"labels", cells([]string{"Regulated activity", "Regulation"}, []string{"Treatment of disease", "Regulation 12"}), true},
		{"one row only", cells([]string{"Service", "Rating"}), false},
		{"a rating in the first row", cells([]string{"Maternity", "Good"}, []string{"Surgery", "Good"}), false},
		{"a sentence", cells([]string{"The service was safe.", "Good"}, []string{"x", "y"}), false},
		{"one label", cells([]string{"Service", ""}, []string{"Surgery", "Good"}), false},
	}
	for _, c := range cases {
		if got := c.tb.LabelRow(); got != c.want {
			t.Errorf("%s: LabelRow = %v, want %v", c.name, got, c.want)
		}
	}
	tb := extract.Table{Rows: 2, Cols: 3, Cells: []extract.Cell{{Row: 0, Col: 0, ColSpan: 3, Text: "Ratings"}, {Row: 1, Col: 0, Text: "a"}, {Row: 1, Col: 1, RowSpan: 1, Text: "b"}}}
	if c := tb.At(0, 2); c == nil || c.Text != "Ratings" {
		t.Errorf("At(0, 2) = %v, want the spanning cell", c)
	}
	if c := tb.At(1, 2); c != nil {
		t.Errorf("At(1, 2) = %v, want nil", c)
	}
}

func TestTableSetText(t *testing.T) {
	text := "Safe Good Caring Outstanding"
	var tb extract.Table
	var a, b extract.Cell
	tb.SetText(&b, text, 17, 28)
	tb.SetText(&a, text, 5, 9)
	if a.Text != "Good" || b.Text != "Outstanding" || a.Start != 5 || a.End != 9 {
		t.Errorf("cells %+v %+v", a, b)
	}
	if tb.Start != 5 || tb.End != 28 {
		t.Errorf("table span %d-%d, want 5-28", tb.Start, tb.End)
	}
}
