package html

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	htmllib "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/text"
)

// Tables: while the renderer writes a <table> as "|"-joined lines it also
// records each cell's rows, columns, spans and the span of its words in
// the text written so far. result maps those spans into the page text
// (after <main> is cut out, the text normalised and blank lines
// squeezed), so that each extract.Cell points at its own words.

// tableBuild is a <table> being rendered.
type tableBuild struct {
	rows   []rowBuild
	inHead int // depth in <thead>
	open   int // index in the last row of the open cell, or -1
}

// rowBuild is one <tr>: its cells and whether it is a header row
// (inside <thead>).
type rowBuild struct {
	cells []cellBuild
	thead bool
}

// cellBuild is one <td> or <th>: s and e are the raw output offsets of
// its first and last words' bytes, s < 0 while it has none.
type cellBuild struct {
	rowSpan, colSpan int
	th               bool
	s, e             int
}

// maxSpan bounds rowspan and colspan, as browsers do (1000 and 65534);
// a smaller bound keeps a hostile page from making huge grids.
const maxSpan = 1000

// enterTable handles the table elements at the start of n.
func (r *renderer) enterTable(n *htmllib.Node) {
	switch n.DataAtom {
	case atom.Table:
		r.tables = append(r.tables, &tableBuild{open: -1})
		return
	}
	if len(r.tables) == 0 {
		return
	}
	t := r.tables[len(r.tables)-1]
	switch n.DataAtom {
	case atom.Thead:
		t.inHead++
	case atom.Tr:
		t.rows = append(t.rows, rowBuild{thead: t.inHead > 0})
		t.open = -1
	case atom.Td, atom.Th:
		if len(t.rows) == 0 {
			t.rows = append(t.rows, rowBuild{thead: t.inHead > 0})
		}
		rw := &t.rows[len(t.rows)-1]
		rw.cells = append(rw.cells, cellBuild{
			rowSpan: spanAttr(n, "rowspan"),
			colSpan: spanAttr(n, "colspan"),
			th:      n.DataAtom == atom.Th,
			s:       -1,
		})
		t.open = len(rw.cells) - 1
	}
}

// leaveTable handles the table elements at the end of n.
func (r *renderer) leaveTable(n *htmllib.Node) {
	if len(r.tables) == 0 {
		return
	}
	t := r.tables[len(r.tables)-1]
	switch n.DataAtom {
	case atom.Table:
		r.tables = r.tables[:len(r.tables)-1]
		if len(t.rows) > 0 {
			r.doneTables = append(r.doneTables, t)
		}
	case atom.Thead:
		t.inHead--
	case atom.Td, atom.Th, atom.Tr:
		t.open = -1
	}
}

// cellWord records a word written at out[s:e] in every open cell.
func (r *renderer) cellWord(s, e int) {
	for _, t := range r.tables {
		if t.open < 0 || len(t.rows) == 0 {
			continue
		}
		rw := &t.rows[len(t.rows)-1]
		if t.open >= len(rw.cells) {
			continue
		}
		c := &rw.cells[t.open]
		if c.s < 0 {
			c.s = s
		}
		c.e = e
	}
}

// spanAttr reads a rowspan or colspan: 1 unless a positive number.
func spanAttr(n *htmllib.Node, key string) int {
	v, err := strconv.Atoi(attr(n, key))
	if err != nil || v < 1 {
		return 1
	}
	return min(v, maxSpan)
}

// offsetMap maps offsets in the raw output to offsets in the page text.
type offsetMap struct {
	at map[int]int // raw offset -> page text offset
}

// buildOffsetMap maps the points pts (raw offsets) through the steps
// result takes: raw[lo:hi] trimmed, normalised and its blank lines
// squeezed into final.
func buildOffsetMap(raw string, lo, hi int, pts []int, final string) offsetMap {
	m := offsetMap{at: make(map[int]int, len(pts))}
	cut := raw[lo:hi]
	lead := lo + len(cut) - len(strings.TrimLeftFunc(cut, unicode.IsSpace))
	trimmed := strings.TrimSpace(cut)
	var valid, rel []int
	for _, p := range pts {
		if p >= lead && p <= lead+len(trimmed) {
			valid = append(valid, p)
			rel = append(rel, p-lead)
		}
	}
	nt := text.Normalize(trimmed)
	norm := text.NormalizeOffsets(trimmed, rel)
	if len(nt) > len(final) {
		// squeezeBlankLines dropped the third and later LFs of runs
		norm = squeezeOffsets(nt, norm)
	}
	for i, p := range valid {
		m.at[p] = min(norm[i], len(final))
	}
	return m
}

// squeezeOffsets maps offsets in s to offsets in squeezeBlankLines(s).
func squeezeOffsets(s string, offs []int) []int {
	idx := make([]int, len(offs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return offs[idx[a]] < offs[idx[b]] })
	out := make([]int, len(offs))
	removed, run, k := 0, 0, 0
	for _, i := range idx {
		for ; k < offs[i] && k < len(s); k++ {
			if s[k] != '\n' {
				run = 0
			} else if run++; run > 2 {
				removed++
			}
		}
		out[i] = offs[i] - removed
	}
	return out
}

// finishTables returns the recorded tables with their cells' offsets in
// the page text final, made from raw[lo:hi].
func (r *renderer) finishTables(raw string, lo, hi int, final string) []extract.Table {
	if len(r.doneTables) == 0 {
		return nil
	}
	var pts []int
	for _, t := range r.doneTables {
		for _, rw := range t.rows {
			for _, c := range rw.cells {
				if c.s >= 0 {
					pts = append(pts, c.s, c.e)
				}
			}
		}
	}
	m := buildOffsetMap(raw, lo, hi, pts, final)
	var out []extract.Table
	for _, t := range r.doneTables {
		if tb, ok := t.table(m, final); ok {
			out = append(out, tb)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out
}

// table lays out t's cells on the grid (rowspans occupy the rows below,
// colspans the columns to the right) and keeps the cells whose words are
// in the page text. ok is false when none are.
func (t *tableBuild) table(m offsetMap, final string) (extract.Table, bool) {
	var tb extract.Table
	occupied := map[[2]int]bool{}
	nrows := len(t.rows)
	for ri, rw := range t.rows {
		col := 0
		for _, c := range rw.cells {
			for occupied[[2]int{ri, col}] {
				col++
			}
			rs := min(c.rowSpan, nrows-ri)
			cs := c.colSpan
			if rs > 1 || cs > 1 {
				for dr := 0; dr < rs; dr++ {
					for dc := 0; dc < cs; dc++ {
						occupied[[2]int{ri + dr, col + dc}] = true
					}
				}
			}
			cell := extract.Cell{Row: ri, Col: col}
			if rs > 1 {
				cell.RowSpan = rs
			}
			if cs > 1 {
				cell.ColSpan = cs
			}
			if c.s >= 0 {
				s, okS := m.at[c.s]
				e, okE := m.at[c.e]
				if !okS || !okE || e <= s {
					col += cs
					continue // outside the page text (cut with the chrome)
				}
				tb.SetText(&cell, final, s, e)
			}
			tb.Cells = append(tb.Cells, cell)
			tb.Cols = max(tb.Cols, col+cs)
			col += cs
		}
	}
	if tb.End == 0 {
		return extract.Table{}, false // no cell has text
	}
	tb.Rows = nrows
	tb.HeaderRows = t.headerRows()
	if tb.HeaderRows == 0 && tb.LabelRow() {
		tb.HeaderRows = 1
	}
	return tb, true
}

// headerRows counts the rows at the top that are headers: inside <thead>
// or made only of <th> cells; else a first row of short labels above
// longer rows.
func (t *tableBuild) headerRows() int {
	n := 0
	for _, rw := range t.rows {
		if len(rw.cells) == 0 {
			break
		}
		head := rw.thead
		if !head {
			head = true
			for _, c := range rw.cells {
				if !c.th {
					head = false
					break
				}
			}
		}
		if !head {
			break
		}
		n++
	}
	return n
}
