package pdf

import (
	"math"
	"slices"
	"sort"

	"github.com/cqcmine/cqcmine/extract"
)

// Tables drawn without graphics: columns aligned by white space. A run of
// at least three lines, each in three or more chunks of words parted by
// wide gaps, whose gaps line up through every line, is a table of one
// row per line. Runs of wordy chunks are columns of prose, not tables.

const (
	chunkGapEm   = 1.5 // a gap this wide between words parts two cells
	minTextRows  = 3
	minTextCols  = 3
	rowPitchEm   = 3.0 // lines further apart than this are not one table
	gutterMinEm  = 1.0 // the narrowest free strip between two columns
	wordyChunkMd = 4   // median words per chunk from which a run is prose
)

// tline is one line of words, for text tables.
type tline struct {
	ws     []int // indexes into the page's words, left to right
	y      float64
	size   float64
	chunks int
	words  int
}

// textTables finds tables aligned by white space among the words that no
// table in taken holds.
func textTables(words []tword, taken []found, text string) []found {
	inTaken := func(w *tword) bool {
		x, y := w.cx(), w.cy()
		for _, f := range taken {
			if len(f.xs) > 0 && x >= f.xs[0] && x <= f.xs[len(f.xs)-1] && y <= f.top && y >= f.bot {
				return true
			}
		}
		return false
	}
	var ls []tline
	last := -1
	for i := range words {
		w := &words[i]
		if inTaken(w) {
			continue
		}
		if len(ls) == 0 || w.line != last {
			ls = append(ls, tline{y: w.y, size: w.size})
			last = w.line
		}
		l := &ls[len(ls)-1]
		l.ws = append(l.ws, i)
		l.size = math.Max(l.size, w.size)
	}
	for k := range ls {
		l := &ls[k]
		sort.SliceStable(l.ws, func(a, b int) bool { return words[l.ws[a]].x1 < words[l.ws[b]].x1 })
		l.chunks, l.words = 1, len(l.ws)
		for j := 1; j < len(l.ws); j++ {
			if words[l.ws[j]].x1-words[l.ws[j-1]].x2 >= chunkGapEm*l.size {
				l.chunks++
			}
		}
	}
	sort.SliceStable(ls, func(a, b int) bool { return ls[a].y > ls[b].y })
	var out []found
	for i := 0; i < len(ls); {
		if ls[i].chunks < minTextCols {
			i++
			continue
		}
		j := i + 1
		for j < len(ls) && ls[j].chunks >= minTextCols && ls[j-1].y-ls[j].y <= rowPitchEm*ls[j].size {
			j++
		}
		if j-i >= minTextRows {
			if f, ok := textTable(ls[i:j], words, text); ok {
				out = append(out, f)
			}
		}
		i = j
	}
	return out
}

// textTable makes a table of a run of lines, one row per line, if their
// gaps line up in at least two gutters.
func textTable(ls []tline, words []tword, text string) (found, bool) {
	left, right := math.Inf(1), math.Inf(-1)
	sizes := make([]float64, 0, len(ls))
	chunkWords := make([]int, 0, len(ls)*minTextCols)
	for _, l := range ls {
		for _, id := range l.ws {
			left, right = math.Min(left, words[id].x1), math.Max(right, words[id].x2)
		}
		sizes = append(sizes, l.size)
		chunkWords = append(chunkWords, l.words/l.chunks)
	}
	slices.Sort(sizes)
	slices.Sort(chunkWords)
	em := sizes[len(sizes)/2]
	if chunkWords[len(chunkWords)/2] >= wordyChunkMd {
		return found{}, false
	}
	free := []span{{left, right}}
	for _, l := range ls {
		for _, id := range l.ws {
			w := &words[id]
			free = intersect(free, []span{{math.Inf(-1), w.x1}, {w.x2, math.Inf(1)}})
		}
	}
	xs := []float64{left}
	for _, g := range free {
		if g.hi-g.lo >= gutterMinEm*em && g.lo > left && g.hi < right {
			xs = append(xs, (g.lo+g.hi)/2)
		}
	}
	xs = append(xs, right)
	cols := len(xs) - 1
	if cols < minTextCols {
		return found{}, false
	}
	// Every column holds words on at least two lines.
	per := make([][][]int, len(ls))
	used := make([]int, cols)
	for r, l := range ls {
		per[r] = make([][]int, cols)
		for _, id := range l.ws {
			c := sort.SearchFloat64s(xs, words[id].cx()) - 1
			c = max(0, min(c, cols-1))
			if len(per[r][c]) == 0 {
				used[c]++
			}
			per[r][c] = append(per[r][c], id)
		}
	}
	for _, n := range used {
		if n < 2 {
			return found{}, false
		}
	}
	t := extract.Table{Rows: len(ls), Cols: cols}
	first := true
	for r := range ls {
		for c := range cols {
			cell := extract.Cell{Row: r, Col: c}
			cell.Text, cell.Start, cell.End = cellText(per[r][c], words, text)
			if cell.Text != "" {
				if first || cell.Start < t.Start {
					t.Start = cell.Start
				}
				if first || cell.End > t.End {
					t.End = cell.End
				}
				first = false
			}
			t.Cells = append(t.Cells, cell)
		}
	}
	t.HeaderRows = headerRows(&t, nil, nil, nil)
	top := ls[0].y + ls[0].size
	bot := ls[len(ls)-1].y - 0.3*ls[len(ls)-1].size
	return found{t: t, xs: xs, top: top, bot: bot}, true
}
