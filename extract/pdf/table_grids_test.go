package pdf

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// tableSpansValid reports the first table or cell of p whose grid
// position or byte span is out of range.
func tableSpansValid(p extract.Page) error {
	for ti, tb := range p.Tables {
		if tb.Rows < 1 || tb.Cols < 1 || tb.Start < 0 || tb.End > len(p.Text) || tb.Start > tb.End {
			return fmt.Errorf("page %d table %d: %dx%d, span [%d,%d] in %d bytes", p.Number, ti, tb.Rows, tb.Cols, tb.Start, tb.End, len(p.Text))
		}
		for _, c := range tb.Cells {
			if c.Row < 0 || c.Col < 0 || c.Row+max(c.RowSpan, 1) > tb.Rows || c.Col+max(c.ColSpan, 1) > tb.Cols {
				return fmt.Errorf("page %d table %d cell (%d,%d) span %dx%d outside the %dx%d grid", p.Number, ti, c.Row, c.Col, c.RowSpan, c.ColSpan, tb.Rows, tb.Cols)
			}
			if c.Start < 0 || c.End > len(p.Text) || c.Start > c.End || (c.Text != "" && c.Start == c.End) {
				return fmt.Errorf("page %d table %d cell (%d,%d) %q: span [%d,%d] in %d bytes", p.Number, ti, c.Row, c.Col, c.Text, c.Start, c.End, len(p.Text))
			}
		}
	}
	return nil
}

// checkCellSpans fails the test for a cell whose Start and End do not
// point at its words in the page text.
func checkCellSpans(t *testing.T, p extract.Page) {
	t.Helper()
	if err := tableSpansValid(p); err != nil {
		t.Error(err)
		return
	}
	for ti, tb := range p.Tables {
		if tb.Start < 0 || tb.End > len(p.Text) || tb.Start > tb.End {
			t.Errorf("page %d table %d: span [%d,%d] outside the text (%d bytes)", p.Number, ti, tb.Start, tb.End, len(p.Text))
		}
		for _, c := range tb.Cells {
			if c.Text == "" {
				if c.Start != 0 || c.End != 0 {
					t.Errorf("page %d table %d cell (%d,%d): empty cell with span [%d,%d]", p.Number, ti, c.Row, c.Col, c.Start, c.End)
				}
				continue
			}
			if c.Start < 0 || c.End > len(p.Text) || c.Start >= c.End {
				t.Errorf("page %d table %d cell (%d,%d) %q: bad span [%d,%d]", p.Number, ti, c.Row, c.Col, c.Text, c.Start, c.End)
				continue
			}
			f := strings.Fields(c.Text)
			span := p.Text[c.Start:c.End]
			if !strings.HasPrefix(span, f[0]) || !strings.HasSuffix(span, f[len(f)-1]) {
				t.Errorf("page %d table %d cell (%d,%d) %q: span %q does not run from its first word to its last", p.Number, ti, c.Row, c.Col, c.Text, span)
			}
			if c.Start < tb.Start || c.End > tb.End {
				t.Errorf("page %d table %d cell (%d,%d): span outside the table's", p.Number, ti, c.Row, c.Col)
			}
			if c.Row < 0 || c.Col < 0 || c.Row+max(c.RowSpan, 1) > tb.Rows || c.Col+max(c.ColSpan, 1) > tb.Cols {
				t.Errorf("page %d table %d cell (%d,%d) span %dx%d outside the %dx%d grid", p.Number, ti, c.Row, c.Col, c.RowSpan, c.ColSpan, tb.Rows, tb.Cols)
			}
		}
	}
}

// gridRating is one gold rating read from a grid: evidence "grid | row |
// column".
type gridRating struct {
	grid, row, col, rating string
}

// TestGridsGold reads the ratings grids of the shared grids PDFs as
// tables: every gold rating that comes from a grid must be a cell of a
// table under that grid's title, in the row whose first cell is the row
// label and the column headed by the key question, and the cell must
// start with the rating.
func TestGridsGold(t *testing.T) {
	dir := shared.Dir(t, "pdfs/grids")
	pdfs, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(pdfs) == 0 {
		t.Fatal("no grids PDFs")
	}
	total, hit := 0, 0
	for _, p := range pdfs {
		name := filepath.Base(p)
		raw, err := os.ReadFile(strings.TrimSuffix(p, ".pdf") + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var gold struct {
			Ratings []struct{ Domain, Rating, Evidence string }
		}
		if err := json.Unmarshal(raw, &gold); err != nil {
			t.Fatal(err)
		}
		var want []gridRating
		titles := map[string]bool{}
		for _, r := range gold.Ratings {
			if strings.HasPrefix(r.Evidence, "Ratings box on the cover") || strings.HasPrefix(r.Evidence, "cover:") {
				// The cover box: a row labelled with the key question.
				want = append(want, gridRating{"cover", r.Domain, "", r.Rating})
				continue
			}
			f := strings.Split(r.Evidence, "|")
			if len(f) != 3 {
				continue
			}
			g := gridRating{strings.TrimSpace(f[0]), strings.TrimSpace(f[1]), strings.TrimSpace(f[2]), r.Rating}
			want = append(want, g)
			titles[g.grid] = true
		}
		c := extractFile(t, p)
		// Name each table by the last grid title before it.
		type named struct {
			grid string
			t    *extract.Table
		}
		var tables []named
		prev := ""
		if len(c.Pages) > 0 {
			for i := range c.Pages[0].Tables {
				tables = append(tables, named{"cover", &c.Pages[0].Tables[i]})
			}
		}
		for _, pg := range c.Pages {
			checkCellSpans(t, pg)
			for i := range pg.Tables {
				tb := &pg.Tables[i]
				grid, at := "", -1
				for title := range titles {
					if k := strings.LastIndex(pg.Text[:tb.Start], title); k > at {
						grid, at = title, k
					}
				}
				if grid == "" && tb.Continued {
					grid = prev
				}
				tables = append(tables, named{grid, tb})
				prev = grid
			}
		}
		found := 0
		for _, w := range want {
			ok := false
			for _, nt := range tables {
				if nt.grid != w.grid || ok {
					continue
				}
				if w.grid == "cover" {
					ok = coverHas(nt.t, w)
				} else {
					ok = gridHas(nt.t, w)
				}
			}
			if ok {
				found++
			} else {
				t.Logf("%s: not found: %s | %s | %s = %s", name, w.grid, w.row, w.col, w.rating)
			}
		}
		t.Logf("%s: %d/%d grid and cover-box ratings found as table cells", name, found, len(want))
		total += len(want)
		hit += found
	}
	t.Logf("all: %d/%d", hit, total)
	if hit*100 < total*98 {
		t.Errorf("found %d of %d grid and cover-box ratings as cells, want at least 98%%", hit, total)
	}
}

// gridHas reports whether t has a cell starting with w's rating in the
// row labelled w.row and the column headed w.col.
func gridHas(t *extract.Table, w gridRating) bool {
	col := -1
	for r := 0; r < max(t.HeaderRows, 1); r++ {
		for c := 0; c < t.Cols; c++ {
			if x := t.At(r, c); x != nil && strings.EqualFold(x.Text, w.col) {
				col = c
			}
		}
	}
	if col < 0 {
		return false
	}
	for r := t.HeaderRows; r < t.Rows; r++ {
		label := t.At(r, 0)
		if label == nil || !strings.EqualFold(strings.TrimSpace(label.Text), w.row) {
			continue
		}
		x := t.At(r, col)
		return x != nil && strings.HasPrefix(strings.ToLower(x.Text), w.rating)
	}
	return false
}

// coverHas reports whether t, a cover box of two columns, has a row
// whose label names w's key question (w.row holds the domain) and whose
// second cell starts with w's rating.
func coverHas(t *extract.Table, w gridRating) bool {
	if t.Cols != 2 {
		return false
	}
	for r := 0; r < t.Rows; r++ {
		label, rating := t.At(r, 0), t.At(r, 1)
		if label == nil || rating == nil || label == rating {
			continue
		}
		l := strings.ToLower(label.Text)
		named := strings.Contains(l, w.row+"?")
		if w.row == "overall" {
			named = strings.Contains(l, "overall")
		}
		if named && strings.HasPrefix(strings.ToLower(rating.Text), w.rating) {
			return true
		}
	}
	return false
}

// TestNoticeTables checks the requirement-notice and enforcement tables
// of the care home report: each gold must-do from a notice is in one
// Regulation cell beside "How the regulation was not being met:" and its
// regulation, under a "Regulated activity | Regulation" header.
func TestNoticeTables(t *testing.T) {
	dir := shared.Dir(t, "pdfs/grids")
	base := filepath.Join(dir, "c-chr-thistlecombe-house-2021")
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var gold struct {
		Actions []struct{ Text, Regulation string }
	}
	if err := json.Unmarshal(raw, &gold); err != nil {
		t.Fatal(err)
	}
	c := extractFile(t, base+".pdf")
	found := 0
	for _, a := range gold.Actions {
		ok := false
		for _, p := range c.Pages {
			for _, tb := range p.Tables {
				if tb.HeaderRows != 1 || cellAt(&tb, 0, 0) != "Regulated activity" || cellAt(&tb, 0, 1) != "Regulation" {
					continue
				}
				for _, x := range tb.Cells {
					if x.Col == 1 && strings.Contains(x.Text, a.Text) && strings.Contains(x.Text, "How the regulation was not being met:") && strings.HasPrefix(x.Text, a.Regulation+" ") {
						ok = true
					}
				}
			}
		}
		if ok {
			found++
		} else {
			t.Errorf("must-do %q (%s) not in a notice table cell", a.Text, a.Regulation)
		}
	}
	t.Logf("%d/%d notice must-dos found in table cells", found, len(gold.Actions))
}
