package docx

import (
	"encoding/xml"
	"sort"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Tables: a top-level w:tbl is written as lines of "|"-joined cells and
// also kept as an extract.Table. Each cell records the span of its text
// in the body; Extract maps the spans through text.Normalize. A cell
// spanning columns has w:gridSpan; a cell merged with the one above it
// has w:vMerge without "restart" and adds to that cell's rows. Header
// rows are those marked w:tblHeader at the top, else a first row of
// short labels.

// tableBuild is a w:tbl being read.
type tableBuild struct {
	rows []rowBuild
}

// rowBuild is a w:tr: its cells, whether it repeats as a header, and
// the grid columns it skips before its first cell (w:gridBefore).
type rowBuild struct {
	cells  []cellBuild
	header bool
	before int
}

// cellBuild is a w:tc: its grid span, its vertical merge ("restart",
// "continue" or "") and its text's span in the body (s < 0 when empty).
type cellBuild struct {
	span  int
	merge string
	s, e  int
}

// maxGridSpan bounds w:gridSpan and w:gridBefore (Word allows 63
// columns).
const maxGridSpan = 64

// tableStart handles the table elements at the start of se.
func (bd *body) tableStart(se xml.StartElement) {
	switch se.Name.Local {
	case "tbl":
		bd.tbls = append(bd.tbls, &tableBuild{})
		return
	}
	if len(bd.tbls) == 0 {
		return
	}
	t := bd.tbls[len(bd.tbls)-1]
	switch se.Name.Local {
	case "tr":
		t.rows = append(t.rows, rowBuild{})
	case "tblHeader":
		if n := len(t.rows); n > 0 && len(t.rows[n-1].cells) == 0 {
			v := attr(se, "val")
			t.rows[n-1].header = v == "" || v == "1" || v == "true" || v == "on"
		}
	case "gridBefore":
		if n := len(t.rows); n > 0 {
			t.rows[n-1].before = min(atoi(attr(se, "val")), maxGridSpan)
		}
	case "tc":
		if len(t.rows) == 0 {
			t.rows = append(t.rows, rowBuild{})
		}
		rw := &t.rows[len(t.rows)-1]
		rw.cells = append(rw.cells, cellBuild{span: 1, s: -1})
	case "gridSpan":
		if c := t.cell(); c != nil {
			c.span = min(max(atoi(attr(se, "val")), 1), maxGridSpan)
		}
	case "vMerge":
		if c := t.cell(); c != nil {
			if v := attr(se, "val"); v == "restart" {
				c.merge = "restart"
			} else {
				c.merge = "continue"
			}
		}
	}
}

// cell returns the last cell of the last row, or nil.
func (t *tableBuild) cell() *cellBuild {
	if len(t.rows) == 0 {
		return nil
	}
	rw := &t.rows[len(t.rows)-1]
	if len(rw.cells) == 0 {
		return nil
	}
	return &rw.cells[len(rw.cells)-1]
}

// tableEnd handles the end of a w:tbl: a top-level table is kept.
func (bd *body) tableEnd() {
	if len(bd.tbls) == 0 {
		return
	}
	t := bd.tbls[len(bd.tbls)-1]
	bd.tbls = bd.tbls[:len(bd.tbls)-1]
	if len(bd.tbls) == 0 && len(t.rows) > 0 {
		bd.done = append(bd.done, t)
	}
}

// rowWritten records where the row's cells were written: at in the body,
// the cells at offs within the line (start, end pairs, -1 for empty).
func (bd *body) rowWritten(at int, offs [][2]int) {
	if len(bd.tbls) != 1 || len(bd.cells) > 0 {
		return // a nested table's rows are written into a cell
	}
	t := bd.tbls[0]
	if len(t.rows) == 0 {
		return
	}
	rw := &t.rows[len(t.rows)-1]
	for i := range rw.cells {
		if i < len(offs) && offs[i][0] >= 0 {
			rw.cells[i].s, rw.cells[i].e = at+offs[i][0], at+offs[i][1]
		}
	}
}

// tables returns the tables read, with their cells' offsets mapped from
// raw (the body) to its normalised text final.
func (bd *body) tables(raw, final string) []extract.Table {
	var pts []int
	for _, t := range bd.done {
		for _, rw := range t.rows {
			for _, c := range rw.cells {
				if c.s >= 0 {
					pts = append(pts, c.s, c.e)
				}
			}
		}
	}
	mapped := text.NormalizeOffsets(raw, pts)
	at := make(map[int]int, len(pts))
	for i, p := range pts {
		at[p] = mapped[i]
	}
	var out []extract.Table
	for _, t := range bd.done {
		if tb, ok := t.table(at, final); ok {
			out = append(out, tb)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out
}

// table lays t's cells on its grid.
func (t *tableBuild) table(at map[int]int, final string) (extract.Table, bool) {
	var tb extract.Table
	owner := map[int]int{} // grid column -> index in tb.Cells of the cell a vertical merge continues
	for ri, rw := range t.rows {
		col := rw.before
		next := map[int]int{}
		for _, c := range rw.cells {
			if c.merge == "continue" {
				if k, ok := owner[col]; ok {
					tb.Cells[k].RowSpan = max(tb.Cells[k].RowSpan, 1) + 1
					next[col] = k
					col += c.span
					continue
				}
			}
			cell := extract.Cell{Row: ri, Col: col}
			if c.span > 1 {
				cell.ColSpan = c.span
			}
			if c.s >= 0 {
				s, e := at[c.s], at[c.e]
				if e > s && e <= len(final) {
					tb.SetText(&cell, final, s, e)
				}
			}
			tb.Cells = append(tb.Cells, cell)
			next[col] = len(tb.Cells) - 1
			tb.Cols = max(tb.Cols, col+c.span)
			col += c.span
		}
		owner = next
	}
	if tb.End == 0 {
		return extract.Table{}, false // no cell has text
	}
	tb.Rows = len(t.rows)
	for _, rw := range t.rows {
		if !rw.header {
			break
		}
		tb.HeaderRows++
	}
	if tb.HeaderRows == 0 && tb.LabelRow() {
		tb.HeaderRows = 1
	}
	return tb, true
}
