package tag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

// Ratings grids and tables laid out on lines, as PDF and HTML extraction
// leave them. Two layouts are read:
//
// Column grids under a "Safe Effective Caring Responsive Well-led Overall"
// header, one row per subject. In a PDF a row's cells wrap: the first line
// holds the subject's first words and the first word of each cell
// ("Requires" for "Requires improvement", "Not" for "Not rated"); later
// lines hold the rest of the subject, the cells' second words and a line
// of dates ("Jul 2024 Jul 2024 …", possibly after the subject's last
// words), which ends the row. A title line such as "Ratings for the whole
// trust" or "Ratings for Eastmoor Hospital" above the header names whose
// ratings they are: its "Overall" row is that trust or location.
//
// Tables with "|" between cells: a header naming the columns ("Core
// service | Rating 2024 | Rating 2021", "Service | Overall rating") and
// rows "Maternity | Inadequate | Good"; or rows led by a key question
// ("Safe | Requires improvement | Change since the previous inspection:
// same rating").

// lineSpan is one line of the document text.
type lineSpan struct{ s, e int }

// textLines returns the lines of the text, trimmed, empty lines kept as
// zero-length spans so that blank lines can be seen.
func textLines(text string) []lineSpan {
	var out []lineSpan
	for ls := 0; ls <= len(text); {
		le := ls
		for le < len(text) && !isLineBreak(text[le]) {
			le++
		}
		s, e := trimSpan(text, ls, le)
		out = append(out, lineSpan{s, e})
		if le < len(text) && text[le] == '\f' {
			// a page break ends any grid: mark it with an empty line
			out = append(out, lineSpan{le, le})
		}
		ls = le + 1
	}
	return out
}

// gridCell is one rating cell read from the first line of a grid row.
type gridCell struct {
	rating string // "" for not rated
	wants  string // the word the cell's second line should bring, or ""
}

// readCells reads ts as exactly the cells of a row: rating words,
// "Requires" (improvement on the next line), "Not rated", "Not
// inspected", "N/A", marks and arrows skipped. It returns nil when ts is
// not a run of cells.
func readCells(ts []tok) []gridCell {
	var cells []gridCell
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		switch {
		case t.kind == kPunct:
			// arrows, asterisks and other marks between cells
		case t.kind == kRating:
			cells = append(cells, gridCell{rating: t.val})
		case t.w == "requires" || t.w == "requiring":
			cells = append(cells, gridCell{rating: extract.RatingRequiresImp, wants: "improvement"})
		case t.w == "not":
			if i+1 < len(ts) && (ts[i+1].w == "rated" || ts[i+1].w == "inspected" || ts[i+1].w == "applicable") {
				i++
				cells = append(cells, gridCell{})
			} else {
				cells = append(cells, gridCell{wants: "rated"})
			}
		case t.w == "n/a" || t.w == "n" && i+2 < len(ts) && ts[i+1].w == "/" && ts[i+2].w == "a":
			if t.w == "n" {
				i += 2
			}
			cells = append(cells, gridCell{})
		default:
			return nil
		}
	}
	return cells
}

// splitRow finds the label and the n cells of a grid row's first line.
// label is the index of the first cell token (0 when the row has no
// label), or -1 when ts is not a row.
func splitRow(ts []tok, n int) (int, []gridCell) {
	for j := 0; j < len(ts); j++ {
		if j > 0 && ts[j].kind == kPunct {
			continue
		}
		if c := readCells(ts[j:]); len(c) == n {
			if j > 0 && !hasWord(ts[:j]) {
				return 0, c
			}
			return j, c
		}
	}
	return -1, nil
}

func hasWord(ts []tok) bool {
	for _, t := range ts {
		if t.kind != kPunct {
			return true
		}
	}
	return false
}

var monthAbbr = set("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december")

// trailingDates returns the index where a run of dates ("Jul 2024",
// "12/07/2024") at the end of ts starts, and how many there are.
func trailingDates(ts []tok) (int, int) {
	k, n := len(ts), 0
	for k > 0 {
		t := ts[k-1]
		switch {
		case t.kind == kPunct && t.w != "/":
			k--
		case len(t.w) == 4 && isDigit(t.w[0]) && k >= 2 && monthAbbr[ts[k-2].w]:
			k -= 2
			n++
		case k >= 5 && len(t.w) == 4 && isDigit(t.w[0]) && ts[k-2].w == "/" && ts[k-4].w == "/" && isDigit(ts[k-3].w[0]) && isDigit(ts[k-5].w[0]):
			k -= 5
			n++
		default:
			return k, n
		}
	}
	return k, n
}

// gridTitle is what a "Ratings for …" line above a grid names.
type gridTitle struct {
	overall   string // the subject of the grid's "Overall" row
	qualifier string // the location the rows' services are at, or ""
}

// titleFor reads the title of the grid whose header is lines[h].
func (st *docState) titleFor(lines []lineSpan, h int) gridTitle {
	def := gridTitle{overall: st.providerSubject()}
	for k, seen := h-1, 0; k >= 0 && seen < 2; k-- {
		ln := lines[k]
		if ln.s == ln.e {
			continue
		}
		seen++
		t := strings.TrimSpace(clean(st.text[ln.s:ln.e]))
		l := strings.ToLower(t)
		i := strings.Index(l, "ratings for ")
		if i < 0 {
			continue
		}
		name := strings.TrimSpace(t[i+len("ratings for "):])
		name = strings.TrimRight(name, " :.*")
		nl := strings.ToLower(name)
		switch {
		case nl == "" || strings.Contains(nl, "whole trust") || nl == "the trust" || nl == "this trust" || isProviderLevel(name) ||
			st.provider != "" && strings.EqualFold(name, st.provider):
			return gridTitle{overall: st.providerSubject()}
		case isPlaceName(name):
			name = strings.TrimPrefix(name, "the ")
			name = strings.TrimPrefix(name, "The ")
			return gridTitle{overall: name, qualifier: name}
		default:
			r, n := utf8.DecodeRuneInString(name)
			return gridTitle{overall: string(unicode.ToUpper(r)) + name[n:]}
		}
	}
	return def
}

// isPlaceName reports a name of a location: capitalised words ending in a
// place noun ("Harrowfield General Hospital", "The Linden Centre").
func isPlaceName(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 {
		return false
	}
	last := strings.ToLower(strings.Trim(f[len(f)-1], ".,;:*"))
	if !placeNouns[last] || last == "trust" || last == "service" || last == "services" {
		return false
	}
	for _, w := range f {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) && !nameJoiners[w] {
			return false
		}
	}
	return true
}

// gridRowState is a grid row being read.
type gridRowState struct {
	s, e   int
	label  []string
	cells  []gridCell
	wants  int // second words still to come
	dated  bool
	active bool
}

// tagLineGrids reads the ratings grids and "|" tables of the text and
// returns the spans they cover, which the sentence rules then skip.
func (st *docState) tagLineGrids(lines []lineSpan) [][2]int {
	if !strings.Contains(st.lower, "safe") && !strings.Contains(st.text, "|") {
		return nil
	}
	var covered [][2]int
	for i := 0; i < len(lines); i++ {
		if i%256 == 0 && st.ctx.Err() != nil {
			return covered
		}
		ln := lines[i]
		if ln.s == ln.e {
			continue
		}
		if st.text[ln.s] == '|' || strings.Contains(st.text[ln.s:ln.e], " | ") {
			if end, ok := st.pipeTable(lines, i); ok {
				covered = append(covered, [2]int{ln.s, lines[end].e})
				i = end
			}
			continue
		}
		if !strings.Contains(st.lower[ln.s:ln.e], "safe") {
			continue
		}
		cols := gridHeader(tokenize(st.text, ln.s, ln.e))
		if cols == nil {
			continue
		}
		end := st.columnGrid(lines, i, cols)
		if end > i {
			covered = append(covered, [2]int{ln.s, lines[end].e})
			i = end
		}
	}
	return covered
}

// columnGrid reads the rows of the grid whose header is lines[h] and
// returns the index of its last line.
func (st *docState) columnGrid(lines []lineSpan, h int, cols []string) int {
	title := st.titleFor(lines, h)
	last := h
	var row gridRowState
	emit := func() {
		if row.active {
			st.emitGridRow(row, cols, title)
		}
		row = gridRowState{}
	}
	blanks := 0
	for i := h + 1; i < len(lines); i++ {
		ln := lines[i]
		if ln.s == ln.e {
			blanks++
			if blanks > 1 || row.active && !row.dated && row.wants > 0 {
				break
			}
			continue
		}
		ts := tokenize(st.text, ln.s, ln.e)
		if len(ts) == 0 {
			break
		}
		// a new row: label words and one cell per column
		if at, cells := splitRow(ts, len(cols)); at >= 0 {
			emit()
			row = gridRowState{s: ln.s, e: ln.e, cells: cells, active: true}
			for _, c := range cells {
				if c.wants != "" {
					row.wants++
				}
			}
			if at > 0 {
				row.label = append(row.label, st.text[ts[0].s:ts[at-1].e])
			}
			last, blanks = i, 0
			continue
		}
		if !row.active || row.dated {
			break
		}
		// a continuation: subject words, then second words and dates
		k, nd := trailingDates(ts)
		cut := k
		w := 0
		for cut > 0 && (ts[cut-1].w == "improvement" || ts[cut-1].w == "rated" || ts[cut-1].w == "inspected") && w < row.wants {
			cut--
			w++
		}
		labelPart := ""
		if cut > 0 {
			labelPart = strings.TrimSpace(st.text[ts[0].s:ts[cut-1].e])
		}
		if nd == 0 && w == 0 {
			// subject words alone: only where the subject plainly goes on
			if !continuesLabel(row.label, labelPart) || len(ts) > 10 {
				break
			}
		}
		if labelPart != "" {
			row.label = append(row.label, labelPart)
		}
		row.wants -= w
		row.e = ln.e
		if nd > 0 {
			row.dated = true
		}
		last, blanks = i, 0
	}
	emit()
	return last
}

// continuesLabel reports whether next goes on with a wrapped subject:
// it starts in lower case, or the subject so far ends in a joining word or
// an open bracket.
func continuesLabel(label []string, next string) bool {
	if len(label) == 0 || next == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	if unicode.IsLower(r) {
		return true
	}
	cur := strings.Join(label, " ")
	if strings.Count(cur, "(") > strings.Count(cur, ")") {
		return true
	}
	f := strings.Fields(strings.ToLower(cur))
	switch f[len(f)-1] {
	case "and", "of", "for", "with", "the", "or", "&", "in", "at", "-":
		return true
	}
	return false
}

// emitGridRow records the ratings of one grid row.
func (st *docState) emitGridRow(row gridRowState, cols []string, title gridTitle) {
	label := strings.Join(strings.Fields(clean(strings.Join(row.label, " "))), " ")
	label = strings.TrimRight(label, " *†:-–")
	subject := st.gridSubject(label, title)
	sn := sentence{s: row.s, e: row.e, blk: st.blockAt(row.s)}
	for i, c := range cols {
		if i < len(row.cells) && row.cells[i].rating != "" {
			st.gridHit(sn, rHit{rating: row.cells[i].rating, domains: []string{c}, subjects: []string{subject}, local: true})
		}
	}
}

// gridSubject names the subject of a grid row from its label.
func (st *docState) gridSubject(label string, title gridTitle) string {
	l := strings.ToLower(label)
	switch {
	case label == "" || l == "overall" || l == "overall trust" || l == "overall rating" || l == "total":
		return title.overall
	case isProviderLevel(label) || st.provider != "" && strings.EqualFold(label, st.provider):
		return "trust overall"
	}
	if title.qualifier != "" {
		if _, at := coreService(l); at == 0 {
			return label + " (" + title.qualifier + ")"
		}
	}
	return label
}

// pipeTable reads a "|" table starting at lines[i] and returns the index
// of its last line; ok is false when no rating was read.
func (st *docState) pipeTable(lines []lineSpan, i int) (int, bool) {
	type colKind byte
	const (
		cOther colKind = iota
		cCurrent
		cPrevious
		cDomain
	)
	var header []colKind
	var headDomains []string
	last, found := i, false
	for k := i; k < len(lines); k++ {
		ln := lines[k]
		if ln.s == ln.e {
			if k+1 < len(lines) && lines[k+1].s != lines[k+1].e && strings.Contains(st.text[lines[k+1].s:lines[k+1].e], "|") {
				continue
			}
			break
		}
		raw := st.text[ln.s:ln.e]
		if !strings.Contains(raw, "|") {
			break
		}
		cells, offs := splitPipes(raw)
		if len(cells) < 2 {
			break
		}
		// rating cells
		var rat []string
		nr := 0
		for _, c := range cells {
			r := cellRating(c)
			rat = append(rat, r)
			if r != "" {
				nr++
			}
		}
		if nr == 0 {
			// a header: name the columns
			header = make([]colKind, len(cells))
			headDomains = make([]string, len(cells))
			years := map[int]int{}
			for j, c := range cells {
				cl := strings.ToLower(c)
				switch {
				case strings.Contains(cl, "previous") || strings.Contains(cl, "last"):
					header[j] = cPrevious
				case strings.Contains(cl, "rating") || strings.Contains(cl, "current"):
					header[j] = cCurrent
				}
				if d := domainWords[strings.TrimSpace(strings.ReplaceAll(cl, " ", "-"))]; d != "" && j > 0 {
					header[j], headDomains[j] = cDomain, d
				}
				if y := yearIn(cl); y > 0 && header[j] == cCurrent {
					years[j] = y
				}
			}
			// "Rating 2024 | Rating 2021": the earlier year is previous
			maxY := 0
			for _, y := range years {
				maxY = max(maxY, y)
			}
			for j, y := range years {
				if y < maxY {
					header[j] = cPrevious
				}
			}
			last = k
			continue
		}
		label := strings.TrimSpace(cells[0])
		if rat[0] != "" {
			continue // no label
		}
		ts := tokenize(st.text, ln.s+offs[0], ln.s+offs[0]+len(cells[0]))
		sn := sentence{s: ln.s, e: ln.e, blk: st.blockAt(ln.s)}
		// a key question leading the row: "Safe | Good | …"
		if len(ts) > 0 && ts[0].kind == kDomain && len(ts) <= 2 {
			cur := ""
			for j := 1; j < len(cells); j++ {
				if rat[j] != "" {
					cur = rat[j]
					break
				}
			}
			if cur == "" {
				continue
			}
			h := rHit{rating: cur, domains: []string{ts[0].val}, subjects: []string{st.providerSubject()}, local: true}
			if strings.Contains(strings.ToLower(raw), "same rating") {
				h.previous = cur
			}
			st.gridHit(sn, h)
			found = true
			last = k
			continue
		}
		cur, prev := "", ""
		doms := false
		for j := 1; j < len(cells); j++ {
			if rat[j] == "" {
				continue
			}
			kind := cCurrent
			if header != nil && j < len(header) {
				kind = header[j]
			}
			switch {
			case kind == cDomain:
				doms = true
				st.gridHit(sn, rHit{rating: rat[j], domains: []string{headDomains[j]}, subjects: []string{st.tableSubject(label)}, local: true})
			case kind == cPrevious:
				if prev == "" {
					prev = rat[j]
				}
			case cur == "":
				cur = rat[j]
			}
		}
		if cur != "" && !doms {
			st.gridHit(sn, rHit{rating: cur, previous: prev, domains: []string{"overall"}, subjects: []string{st.tableSubject(label)}, local: true})
		}
		found = found || cur != "" || doms
		last = k
	}
	return last, found
}

// gridHit holds a rating read from a grid or table until the sentence
// rules reach it, so that findings are recorded in document order.
func (st *docState) gridHit(sn sentence, h rHit) {
	st.rs.pending = append(st.rs.pending, pendingHit{sn: sn, h: h})
}

type pendingHit struct {
	sn  sentence
	h   rHit
	tab *tableHit // a rating read from a table cell, else nil
}

func (st *docState) tableSubject(label string) string {
	label = strings.Join(strings.Fields(label), " ")
	if isProviderLevel(label) || strings.EqualFold(label, "overall") || st.provider != "" && strings.EqualFold(label, st.provider) {
		return st.providerSubject()
	}
	return label
}

// splitPipes splits a table line at "|" and returns the trimmed cells
// with their offsets in the line.
func splitPipes(raw string) ([]string, []int) {
	var cells []string
	var offs []int
	start := 0
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) && raw[i] != '|' {
			continue
		}
		s, e := trimSpan(raw, start, i)
		if !(s == e && (start == 0 || i == len(raw))) {
			cells = append(cells, raw[s:e])
			offs = append(offs, s)
		}
		start = i + 1
	}
	return cells, offs
}

// cellRating returns the rating a table cell holds by itself.
func cellRating(c string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(c), "‘’'“”\"*.↑↓→←"))
	l = strings.TrimSpace(l)
	switch l {
	case "good", "outstanding", "inadequate":
		return l
	case "requires improvement", "requires\nimprovement":
		return extract.RatingRequiresImp
	}
	return ""
}

// yearIn returns a four-digit year in s, or 0.
func yearIn(s string) int {
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' || s[i] == '2') && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) &&
			(i == 0 || !isDigit(s[i-1])) && (i+4 == len(s) || !isDigit(s[i+4])) {
			return atoiSmall4(s[i : i+4])
		}
	}
	return 0
}

func atoiSmall4(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
