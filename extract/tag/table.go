package tag

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

// Tables read as cells. Where an extractor found the tables of a page
// (extract.Page.Tables), the tagger reads them cell by cell instead of
// guessing the grid back from the lines of text:
//
//   - Ratings grids: a header row naming three or more key questions
//     ("Safe | Effective | Caring | Responsive | Well-led | Overall"), one
//     row per subject. The row label names the subject: a core service,
//     qualified by the location that the heading above the grid names
//     ("Ratings for Eastmoor Hospital" → "Maternity (Eastmoor Hospital)");
//     a location (the rows of a trust's grid); "Overall", "Overall*",
//     "Overall trust" or no label: the grid's location or the trust. Each
//     cell gives a rating, the arrow of its change since the last rating
//     (Finding.Direction, never a previous rating) and its month
//     (Finding.Date). "Not rated" cells and "Use of resources" rows and
//     columns give none.
//   - Rating boxes: rows whose label is a key question or the overall
//     rating ("Overall rating for this trust | Good", "Are services at
//     this trust safe? | Inadequate", "Is the service safe? |
//     Requires improvement"). "This trust" is the trust; "the service" is
//     the service a single-service report is about.
//   - Keys to the tables (rating words and arrows explained) give nothing.
//   - Requirement-notice and enforcement tables ("Regulated activity |
//     Regulation"): a row whose regulation cell says how the regulation
//     was not being met is one must-do, its text the failing sentences,
//     its regulation the row's (tableActions).
//
// The spans of the tables read are kept from the line-based grid reader
// and the sentence rules, so that no rating is read twice.

// tableHit is a rating read from a table cell, recorded in document order
// with the sentence rules' hits.
type tableHit struct {
	f     extract.Finding
	local bool // merged only with repeats on its page
}

// tableSpan is a table read as cells, in global text offsets.
type tableSpan struct {
	s, e    int
	page    int // index in doc.Pages
	t       *extract.Table
	rn      bool // a requirement-notice or enforcement table
	actions bool // its rows were read as actions
}

// tabCell is a cell with its global offsets.
type tabCell struct {
	text string
	s, e int // global; s == e when empty
	c    *extract.Cell
}

// matrix lays t's cells on its grid: a spanning cell fills every
// position it covers.
func matrix(t *extract.Table) [][]*extract.Cell {
	rows, cols := min(max(t.Rows, 0), 4096), min(max(t.Cols, 0), 256)
	m := make([][]*extract.Cell, rows)
	for r := range m {
		m[r] = make([]*extract.Cell, cols)
	}
	for i := range t.Cells {
		c := &t.Cells[i]
		rs, cs := max(c.RowSpan, 1), max(c.ColSpan, 1)
		for r := c.Row; r < c.Row+rs && r < rows; r++ {
			for k := c.Col; k < c.Col+cs && k < cols; k++ {
				if r >= 0 && k >= 0 {
					m[r][k] = c
				}
			}
		}
	}
	return m
}

// cellText is a cell's text with its whitespace collapsed, "" for nil.
func cellText(c *extract.Cell) string {
	if c == nil {
		return ""
	}
	return strings.Join(strings.Fields(c.Text), " ")
}

// tagTables reads the tables of every page and returns the spans read,
// in document order. Ratings go to st.rs.pending.
func (st *docState) tagTables() []tableSpan {
	var out []tableSpan
	var prev *gridCols // the last grid, for a table continued on the next page
	for pi := range st.doc.Pages {
		p := &st.doc.Pages[pi]
		if pi >= len(st.starts) {
			break
		}
		for ti := range p.Tables {
			t := &p.Tables[ti]
			if t.Start < 0 || t.End <= t.Start || t.End > len(p.Text) || len(t.Cells) == 0 {
				continue
			}
			base := st.starts[pi]
			sp := tableSpan{s: base + t.Start, e: base + t.End, page: pi, t: t}
			m := matrix(t)
			if prev != nil && !t.Continued && (prev.page != pi || strings.TrimSpace(p.Text[min(prev.end, t.Start):t.Start]) != "") {
				prev = nil // a grid goes on only on the next page or right below
			}
			if g := st.readGrid(pi, t, m, prev); g != nil {
				g.page, g.end = pi, t.End
				prev = g
				out = append(out, sp)
				continue
			}
			prev = nil
			switch {
			case isKeyTable(t, m):
			case isRNTable(t):
				sp.rn = true
			case !st.readBox(pi, t, m):
				continue // not read: left to the line and sentence rules
			}
			out = append(out, sp)
		}
	}
	return out
}

// gridCols is what a ratings grid's header and heading say.
type gridCols struct {
	domains []string // per column: the key question, or ""
	header  int      // rows of header
	label   int      // the label column
	title   gridTitle
	why     string
	cols    int
	page    int // where the grid's last table ends
	end     int
}

// tableDomain returns the key question a header cell names, or "".
func tableDomain(s string) string {
	l := strings.ToLower(strings.Trim(s, " *†:?.0123456789"))
	l = strings.TrimPrefix(l, "are services ")
	l = strings.TrimPrefix(l, "is the service ")
	switch l {
	case "safe", "effective", "caring", "responsive", "overall":
		return l
	case "well-led", "well led", "wellled", "well–led":
		return "well-led"
	case "overall rating":
		return "overall"
	}
	return ""
}

// readGrid reads t as a ratings grid and returns its columns, or nil when
// t is not one. A table that continues prev's grid on a new page without
// its header takes prev's columns.
func (st *docState) readGrid(pi int, t *extract.Table, m [][]*extract.Cell, prev *gridCols) *gridCols {
	var g *gridCols
	for r := 0; r < len(m) && r < 3 && g == nil; r++ {
		doms := make([]string, len(m[r]))
		n := 0
		for c, cell := range m[r] {
			if c > 0 && cell == m[r][c-1] {
				continue
			}
			if d := tableDomain(cellText(cell)); d != "" {
				doms[c] = d
				n++
			}
		}
		if n >= 3 {
			g = &gridCols{domains: doms, header: r + 1, cols: len(m[r])}
		}
	}
	if g == nil {
		if prev == nil || t.Cols != prev.cols {
			return nil
		}
		cp := *prev
		cp.header = 0
		g = &cp
	} else {
		for c, d := range g.domains {
			if d == "" {
				g.label = c
				break
			}
		}
		switch {
		case t.Continued && prev != nil:
			g.title, g.why = prev.title, prev.why+" (continued)"
		default:
			g.title, g.why = st.tableTitle(pi, t.Start)
			// a title row of the table itself: "Ratings for …" across it
			for r := 0; r < g.header-1; r++ {
				for _, cell := range m[r] {
					if txt := cellText(cell); reRatingsFor.MatchString(txt) {
						g.title, g.why = st.titleOf(txt)
					}
				}
			}
		}
	}
	for r := g.header; r < len(m); r++ {
		st.gridRow(pi, g, m[r])
	}
	return g
}

// gridRow records the ratings of one grid row.
func (st *docState) gridRow(pi int, g *gridCols, row []*extract.Cell) {
	if g.label >= len(row) {
		return
	}
	lc := row[g.label]
	label := cellText(lc)
	ll := strings.ToLower(label)
	if strings.Contains(ll, "use of resources") || strings.HasPrefix(ll, "key") {
		return
	}
	subject, local := st.gridRowSubject(label, g.title)
	for c, d := range g.domains {
		if d == "" || c >= len(row) || row[c] == nil || row[c] == lc {
			continue
		}
		if c > 0 && row[c] == row[c-1] {
			continue // one cell across key questions
		}
		cell := row[c]
		rating, dir, date := parseRatingCell(cell.Text)
		if rating == "" {
			continue
		}
		s, e := st.starts[pi]+cell.Start, st.starts[pi]+cell.End
		why := "table-grid: " + g.why + ", row '" + label + "', column '" + d + "', cell '" + cellText(cell) + "'"
		f := extract.Finding{Kind: extract.KindRating, Subject: subject, Domain: d, Rating: rating,
			Direction: dir, Date: date, Text: cellText(cell), Why: why}
		st.tableRating(s, e, f, local)
	}
}

// gridRowSubject names the subject of a grid row from its label and the
// grid's heading; local is set for a service that no location qualifies.
func (st *docState) gridRowSubject(label string, title gridTitle) (string, bool) {
	l := strings.ToLower(strings.TrimRight(label, " *†:"))
	switch {
	case l == "" || l == "total" || strings.HasPrefix(l, "overall") && !strings.Contains(l, "trust"):
		return title.overall, false
	case strings.HasPrefix(l, "overall") || isProviderLevel(label) ||
		st.provider != "" && strings.EqualFold(label, st.provider):
		return "trust overall", false
	}
	name := strings.TrimRight(label, " *†:")
	if cs := leadingService(l); cs != "" {
		name = cs
	} else if isPlaceName(name) {
		return strings.TrimPrefix(name, "The "), false
	}
	if title.qualifier != "" {
		return name + " (" + title.qualifier + ")", false
	}
	if q := st.atReportLocation(name); q != name {
		return q, false // the hospital a one-hospital report is about
	}
	return name, true
}

var reRatingsFor = regexp.MustCompile(`(?i)^(?:our |the )?ratings? (?:for|of) (.+)$`)

// tableTitle reads the heading above a table that starts at offset at of
// page pi: "Ratings for the whole trust", "Our ratings for Eastmoor
// Hospital". It returns the grid's title and a note for Why.
func (st *docState) tableTitle(pi, at int) (gridTitle, string) {
	def := gridTitle{overall: st.providerSubject()}
	txt := st.doc.Pages[pi].Text
	end := min(at, len(txt))
	// the lines above the table, and the last lines of the page before
	// when the table starts its page under no more than a running header
	var lines []string
	for end > 0 && len(lines) < 3 {
		ls := strings.LastIndexByte(txt[:end], '\n') + 1
		if line := strings.TrimSpace(txt[ls:end]); line != "" {
			lines = append(lines, line)
		}
		end = ls - 1
	}
	if len(lines) < 2 && pi > 0 {
		prev := st.doc.Pages[pi-1].Text
		for end := len(prev); end > 0 && len(lines) < 3; {
			ls := strings.LastIndexByte(prev[:end], '\n') + 1
			if line := strings.TrimSpace(prev[ls:end]); line != "" {
				lines = append(lines, line)
			}
			end = ls - 1
		}
	}
	for _, line := range lines {
		if reRatingsFor.MatchString(line) {
			return st.titleOf(line)
		}
	}
	return def, "no title"
}

// titleOf reads a grid title "Ratings for …": the trust, a location
// whose services the rows are, or another name for the Overall row.
func (st *docState) titleOf(line string) (gridTitle, string) {
	m := reRatingsFor.FindStringSubmatch(line)
	name := strings.TrimRight(strings.TrimSpace(m[1]), " :.*")
	why := "title '" + line + "'"
	nl := strings.ToLower(name)
	switch {
	case nl == "" || strings.Contains(nl, "trust") || isProviderLevel(name) ||
		st.provider != "" && strings.EqualFold(name, st.provider):
		return gridTitle{overall: "trust overall"}, why
	case isPlaceName(name) || properName(name) && !strings.Contains(nl, "service"):
		// a location: "Eastmoor Hospital", "Larch House", "Westgate"
		name = strings.TrimPrefix(strings.TrimPrefix(name, "the "), "The ")
		return gridTitle{overall: name, qualifier: name}, why
	default:
		r, n := utf8.DecodeRuneInString(name)
		return gridTitle{overall: string(unicode.ToUpper(r)) + name[n:]}, why
	}
}

var (
	reBoxOverall = regexp.MustCompile(`(?i)^overall(?: trust)?(?: quality)? rating(?: for (?:this|the) (\w+))?\b|^overall\W*$`)
	reBoxAsk     = regexp.MustCompile(`(?i)^(?:are|is) (?:the )?services?(?: (?:at|in|provided by) (?:this|the) (\w+))? (safe|effective|caring|responsive|well[- ]led)\b`)
)

// readBox reads t as a box of key-question ratings and reports whether
// it was one: each row a label naming a key question or the overall
// rating, and a cell with the rating.
func (st *docState) readBox(pi int, t *extract.Table, m [][]*extract.Cell) bool {
	type boxRow struct {
		dom, who, label string
		cell            *extract.Cell
		rating          string
		dir, date       string
		previous        string
	}
	// a header naming a column of previous ratings: "Key question |
	// Rating | Previous rating", "Rating 2024 | Rating 2021"
	prevCol := -1
	for r := 0; r < len(m) && r < 2 && prevCol < 0; r++ {
		years := map[int]int{}
		for c, cell := range m[r] {
			l := strings.ToLower(cellText(cell))
			if c == 0 || l == "" {
				continue
			}
			if strings.Contains(l, "previous") || strings.Contains(l, "last") || strings.Contains(l, "prior") {
				prevCol = c
				break
			}
			if y := yearIn(l); y > 0 && strings.Contains(l, "rating") {
				years[c] = y
			}
		}
		if prevCol < 0 && len(years) == 2 {
			lo := -1
			for c, y := range years {
				if lo < 0 || y < years[lo] {
					lo = c
				}
			}
			prevCol = lo
		}
	}
	var rows []boxRow
	for _, row := range m {
		if len(row) < 2 || row[0] == nil {
			continue
		}
		label := cellText(row[0])
		dom, who := "", ""
		if mm := reBoxOverall.FindStringSubmatch(label); mm != nil {
			dom, who = "overall", strings.ToLower(mm[1])
		} else if mm := reBoxAsk.FindStringSubmatch(label); mm != nil {
			dom, who = tableDomain(mm[2]), strings.ToLower(mm[1])
			if who == "" && strings.HasPrefix(strings.ToLower(label), "is the service") {
				who = "service"
			}
		} else if d := tableDomain(label); d != "" {
			dom = d
		}
		if dom == "" {
			continue
		}
		br := boxRow{dom: dom, who: who, label: label}
		same := false
		for c := 1; c < len(row); c++ {
			if row[c] == nil || row[c] == row[0] || c > 1 && row[c] == row[c-1] {
				continue
			}
			r, dir, date := parseRatingCell(row[c].Text)
			switch {
			case r != "" && c == prevCol:
				br.previous = r
			case r != "" && br.rating == "":
				br.cell, br.rating, br.dir, br.date = row[c], r, dir, date
			case r == "":
				l := strings.ToLower(row[c].Text)
				same = same || strings.Contains(l, "same rating") || strings.Contains(l, "unchanged") || strings.Contains(l, "no change")
			}
		}
		if br.rating == "" {
			continue
		}
		if same && br.previous == "" {
			br.previous = br.rating
		}
		rows = append(rows, br)
	}
	if len(rows) < 2 {
		return false
	}
	for _, r := range rows {
		subject := st.providerSubject()
		switch r.who {
		case "trust", "provider", "organisation":
			subject = "trust overall"
		case "service", "location", "home", "practice", "hospital", "unit":
			subject = st.serviceName(st.starts[pi] + t.Start)
			if st.mainSubject == "" && !st.sectionAt(st.starts[pi]+t.Start) {
				// a report about one service: its ratings in prose are
				// the service's too
				st.mainSubject = subject
			}
		}
		f := extract.Finding{Kind: extract.KindRating, Subject: subject, Domain: r.dom, Rating: r.rating,
			Previous: r.previous, Direction: r.dir, Date: r.date, Text: cellText(r.cell),
			Why: "table-box: label '" + r.label + "', cell '" + cellText(r.cell) + "'"}
		st.tableRating(st.starts[pi]+r.cell.Start, st.starts[pi]+r.cell.End, f, false)
	}
	return true
}

// serviceName names the service a report about one service or location
// is about, for "Is the service safe?" and "Overall rating for this
// service": the location the report names, else the core service whose
// section holds offset at, else the document's title without "Inspection
// report", else its first short capitalised line that is not the
// provider.
func (st *docState) serviceName(at int) string {
	if st.mainSubject != "" {
		return st.mainSubject
	}
	if sec := st.sectionOf(at); sec != "" {
		return sec
	}
	if n := nameFromTitle(st.doc.Title); n != "" && !strings.EqualFold(n, st.provider) {
		return n
	}
	if len(st.doc.Pages) > 0 {
		p := st.doc.Pages[0].Text
		for i, line := range strings.Split(p[:min(len(p), 2000)], "\n") {
			if i > 30 {
				break
			}
			line = strings.TrimSpace(line)
			if ok := capitalisedName(line); !ok || strings.EqualFold(line, st.provider) ||
				strings.Contains(strings.ToLower(line), "care quality commission") || strings.Contains(strings.ToLower(line), "report") {
				continue
			}
			return line
		}
	}
	return st.providerSubject()
}

// sectionOf returns the core service whose report section holds offset
// at, or "".
func (st *docState) sectionOf(at int) string {
	sec := ""
	for _, ev := range st.rs.sections {
		if ev.at > at {
			break
		}
		sec = ev.section
	}
	return sec
}

func (st *docState) sectionAt(at int) bool { return st.sectionOf(at) != "" }

var reTitleTail = regexp.MustCompile(`(?i)\s*(?:[-–|:]\s*)?(?:care quality commission|cqc|inspection report|quality report|inspection|report)\b.*$`)

// nameFromTitle returns a document title without its "Inspection
// report" tail, when what is left is a short name.
func nameFromTitle(t string) string {
	n := strings.TrimSpace(reTitleTail.ReplaceAllString(t, ""))
	if !capitalisedName(n) || isProviderLevel(n) {
		return ""
	}
	return n
}

// properName reports one to eight capitalised words: "Westgate",
// "St Ebba's".
func properName(s string) bool {
	f := strings.Fields(s)
	return len(f) == 1 && len(s) > 2 && !strings.ContainsAny(s, "0123456789:;,.|•@/") && unicode.IsUpper([]rune(s)[0]) && s != strings.ToUpper(s) ||
		capitalisedName(s)
}

// capitalisedName reports a short line of capitalised words: a name.
func capitalisedName(s string) bool {
	f := strings.Fields(s)
	if len(f) < 2 || len(f) > 8 || strings.ContainsAny(s, "0123456789:;,.|•@/") {
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

// tableRating queues a rating read from a table cell at text[s:e].
func (st *docState) tableRating(s, e int, f extract.Finding, local bool) {
	st.rs.pending = append(st.rs.pending, pendingHit{sn: sentence{s: s, e: e, blk: st.blockAt(s)}, tab: &tableHit{f: f, local: local}})
}

// addPending records a grid or table hit when the sentence rules reach
// it.
func (st *docState) addPending(p pendingHit) {
	if p.tab == nil {
		st.addRating(p.sn, p.h)
		return
	}
	f := p.tab.f
	sk := st.subjectKey(f.Subject)
	keyP := ratingKey{sk, f.Domain, f.Rating, st.pageOf(p.sn.s)}
	keyD := ratingKey{sk, f.Domain, f.Rating, -1}
	k, ok := st.rs.index[keyP]
	if !ok && !p.tab.local {
		k, ok = st.rs.index[keyD]
	}
	if ok {
		g := &st.found[k]
		if g.Previous == "" {
			g.Previous = f.Previous
		}
		if g.Direction == "" {
			g.Direction = f.Direction
		}
		if g.Date == "" {
			g.Date = f.Date
		}
		return
	}
	if (isProviderLevel(f.Subject) || strings.EqualFold(f.Subject, st.provider)) && st.mainSubject == "" {
		f.Subject = "trust overall"
	}
	k = st.add(f, p.sn.s, p.sn.e)
	st.rs.index[keyP] = k
	if _, ok := st.rs.index[keyD]; !ok {
		st.rs.index[keyD] = k
	}
}

// parseRatingCell reads a grid cell: a rating ("Requires improvement"
// over one or two lines), an arrow and a date, in any order. rating is ""
// when the cell is not a rating ("Not rated", "N/A", prose).
func parseRatingCell(s string) (rating, direction, date string) {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("↑↓→←↔⇧⇩▲▼", r) {
			b.WriteRune(' ')
			b.WriteRune(r)
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	f := strings.Fields(strings.NewReplacer("(", " ", ")", " ", "*", " ", ",", " ").Replace(b.String()))
	arrows := ""
	other := 0
	for i := 0; i < len(f); i++ {
		w := f[i]
		switch {
		case w == "good" || w == "outstanding" || w == "inadequate":
			if rating != "" {
				return "", "", ""
			}
			rating = w
		case w == "requires" || w == "requiring":
			if rating != "" {
				return "", "", ""
			}
			rating = extract.RatingRequiresImp
			if i+1 < len(f) && f[i+1] == "improvement" {
				i++
			}
		case w == "improvement" && rating == extract.RatingRequiresImp:
		case strings.ContainsAny(w, "↑↓→←↔⇧⇩▲▼"):
			arrows += w
		case monthAbbr[strings.TrimSuffix(w, ".")] && i+1 < len(f) && isYear(f[i+1]):
			m := monthNum(strings.TrimSuffix(w, "."))
			date = f[i+1] + "-" + m
			if i > 0 && isDay(f[i-1]) {
				date += "-" + pad2(f[i-1])
				other--
			}
			i++
		case isSlashDate(w):
			p := strings.Split(w, "/")
			date = p[2] + "-" + pad2(p[1]) + "-" + pad2(p[0])
		case w == "not" || w == "n/a" || w == "rated" || w == "inspected" || w == "applicable":
			return "", "", ""
		case w == "rating" || isDay(w):
			other++
		case strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0:
			// marks and symbols: "-", "•", "★"
		default:
			other += 2
		}
	}
	if rating == "" || other > 2 {
		return "", "", ""
	}
	switch arrows {
	case "↑↑", "⇧⇧", "▲▲":
		direction = extract.DirectionUpTwo
	case "↑", "⇧", "▲":
		direction = extract.DirectionUp
	case "↓↓", "⇩⇩", "▼▼":
		direction = extract.DirectionDownTwo
	case "↓", "⇩", "▼":
		direction = extract.DirectionDown
	case "→←", "←→", "↔", "→":
		direction = extract.DirectionSame
	}
	return rating, direction, date
}

func isYear(w string) bool {
	return len(w) == 4 && (w[0] == '1' || w[0] == '2') && atoiSmall4(w) > 0 && strings.Trim(w, "0123456789") == ""
}

func isDay(w string) bool {
	w = strings.TrimRight(w, "stndrh")
	return len(w) >= 1 && len(w) <= 2 && strings.Trim(w, "0123456789") == "" && atoiSmall(w) >= 1 && atoiSmall(w) <= 31
}

func isSlashDate(w string) bool {
	p := strings.Split(w, "/")
	return len(p) == 3 && isDay(p[0]) && len(p[1]) <= 2 && atoiSmall(p[1]) >= 1 && atoiSmall(p[1]) <= 12 && isYear(p[2])
}

func pad2(w string) string {
	w = strings.TrimRight(w, "stndrh")
	if len(w) == 1 {
		return "0" + w
	}
	return w
}

var monthStems = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// monthNum returns the two-digit month of a month name or abbreviation.
func monthNum(w string) string {
	for i, m := range monthStems {
		if strings.HasPrefix(w, m) {
			return fmt.Sprintf("%02d", i+1)
		}
	}
	return "01"
}

// isKeyTable reports a key to the tables: rating words and arrows
// explained ("Up one rating", "Same"), or a row listing the rating scale
// (three or more ratings and no label but "Key" or "Ratings").
func isKeyTable(t *extract.Table, m [][]*extract.Cell) bool {
	for _, row := range m {
		seen := map[string]bool{}
		label := false
		for c, cell := range row {
			if cell == nil || c > 0 && cell == row[c-1] {
				continue
			}
			txt := strings.ToLower(strings.Trim(cellText(cell), " :"))
			if r, _, _ := parseRatingCell(cell.Text); r != "" {
				seen[r] = true
			} else if txt != "" && txt != "not rated" && txt != "key" && txt != "ratings" && txt != "rating" {
				label = true
			}
		}
		if len(seen) >= 3 && !label {
			return true
		}
	}
	var all strings.Builder
	for _, c := range t.Cells {
		all.WriteString(strings.ToLower(c.Text))
		all.WriteByte('\n')
		n := 0
		l := strings.ToLower(c.Text)
		for _, w := range []string{"outstanding", "good", "requires improvement", "inadequate"} {
			if strings.Contains(l, w) {
				n++
			}
		}
		if n == 4 {
			return true // the scale, not a rating
		}
	}
	a := all.String()
	return strings.Contains(a, "key to") || strings.Contains(a, "up one rating") || strings.Contains(a, "down one rating") ||
		strings.Contains(a, "rating change since")
}

// isRNTable reports a requirement-notice or enforcement table: a
// "Regulated activity | Regulation" header, or cells that say how a
// regulation was not being met.
func isRNTable(t *extract.Table) bool {
	head, reg := false, false
	for _, c := range t.Cells {
		l := strings.ToLower(c.Text)
		if c.Row < max(t.HeaderRows, 1) && strings.Contains(l, "regulated activit") {
			head = true
		}
		if strings.Contains(l, "not being met") || reRegCell.MatchString(c.Text) {
			reg = true
		}
	}
	return head || reg
}

var (
	reRegCell  = regexp.MustCompile(`(?i)^\s*regulation \d{1,2}[A-Z]?\b.{0,60}(?:hsca|\(ra\)|regulations 2014|regulations 2009)`)
	reNotMet   = regexp.MustCompile(`(?i)how the regulation (?:was|is) not (?:being )?met\s*:?|the regulation (?:was|is) not (?:being )?met\s*(?:because)?\s*:`)
	reCitation = regexp.MustCompile(`(?i)\bregulation \d{1,2}[A-Z]?\s?(?:\(\s?\w{1,3}\s?\)\s?)+(?:\s*(?:and|,)\s*(?:\(\s?\w{1,3}\s?\)\s?)+)*\s*$`)
	reRNStop   = regexp.MustCompile(`(?i)\b(?:the enforcement action we took|enforcement action(?:s)? taken|we issued|this section is primarily)\b`)
)

// tableActions reads the rows of the requirement-notice and enforcement
// tables as must-dos, and returns the spans of the rows read.
func (st *docState) tableActions(spans []tableSpan) [][2]int {
	var covered [][2]int
	for i := range spans {
		sp := &spans[i]
		if !sp.rn {
			continue
		}
		base := st.starts[sp.page]
		txt := st.doc.Pages[sp.page].Text
		for ci := range sp.t.Cells {
			c := &sp.t.Cells[ci]
			if c.End <= c.Start || c.End > len(txt) {
				continue
			}
			loc := reNotMet.FindStringIndex(c.Text)
			if loc == nil {
				continue
			}
			head := c.Text[:loc[0]]
			reg := regulationIn(head)
			if reg == "" {
				// the regulation may be in another cell of the row, or
				// lead a row above
				best := -1
				for cj := range sp.t.Cells {
					o := &sp.t.Cells[cj]
					if cj == ci || o.Row > c.Row || o.Row <= best || o.Row < c.Row && !reRegCell.MatchString(o.Text) {
						continue
					}
					if r := regulationIn(o.Text); r != "" {
						reg, best = r, o.Row
					}
				}
			}
			body := c.Text[loc[1]:]
			bodyCell := c
			if strings.TrimSpace(body) == "" {
				// "How the regulation was not being met:" across the
				// table, the sentences in the row below
				for cj := range sp.t.Cells {
					o := &sp.t.Cells[cj]
					if o.Row == c.Row+max(c.RowSpan, 1) && o.Text != "" && !reRegCell.MatchString(o.Text) {
						body, bodyCell = o.Text, o
						break
					}
				}
			}
			if m := reRNStop.FindStringIndex(body); m != nil {
				body = body[:m[0]]
			}
			body = strings.TrimSpace(body)
			if m := reCitation.FindStringIndex(body); m != nil {
				body = strings.TrimSpace(body[:m[0]])
			}
			body = strings.Join(strings.Fields(body), " ")
			if len(strings.Fields(body)) < 3 {
				continue
			}
			// the evidence: the failing sentences in the page text when
			// the cell's text stands there as it is, else the cell
			bc := bodyCell
			if bc.End <= bc.Start || bc.End > len(txt) {
				bc = c
			}
			s, e := bc.Start, bc.End
			region := txt[bc.Start:bc.End]
			first := strings.Fields(body)[0]
			from := 0
			if m := reNotMet.FindStringIndex(region); m != nil {
				from = m[1]
			}
			if k := strings.Index(region[from:], first); k >= 0 {
				s = bc.Start + from + k
			}
			words := strings.Fields(body)
			lw := words[len(words)-1]
			if k := strings.LastIndex(txt[s:bc.End], lw); k >= 0 {
				e = s + k + len(lw)
			}
			f := extract.Finding{Kind: extract.KindMustDo, Regulation: reg, Text: body,
				Why: "table-requirement: regulation cell '" + strings.TrimSpace(head) + "', 'how the regulation was not being met'"}
			if f.Regulation == "" {
				f.Regulation = regulationIn(body)
			}
			st.add(f, base+s, base+e)
			covered = append(covered, [2]int{base + min(c.Start, bc.Start), base + max(c.End, bc.End)})
			sp.actions = true
		}
	}
	return covered
}

// coverTables merges the spans of the tables read into the spans the
// sentence rules skip.
func coverTables(spans []tableSpan, other [][2]int) [][2]int {
	out := make([][2]int, 0, len(spans)+len(other))
	for _, sp := range spans {
		out = append(out, [2]int{sp.s, sp.e})
	}
	out = append(out, other...)
	sort.Slice(out, func(a, b int) bool { return out[a][0] < out[b][0] })
	merged := out[:0]
	for _, c := range out {
		if n := len(merged); n > 0 && c[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], c[1])
			continue
		}
		merged = append(merged, c)
	}
	return merged
}

// blankLines returns lines with those inside the spans made empty, so
// that the line-based grid reader does not read a table again.
func blankLines(lines []lineSpan, spans []tableSpan) []lineSpan {
	if len(spans) == 0 {
		return lines
	}
	out := make([]lineSpan, len(lines))
	copy(out, lines)
	k := 0
	for i, ln := range out {
		for k < len(spans) && spans[k].e <= ln.s {
			k++
		}
		if k < len(spans) && ln.s < spans[k].e && ln.e > spans[k].s {
			out[i] = lineSpan{ln.s, ln.s}
		}
	}
	return out
}

// dropCovered drops the actions the sentence rules read inside the
// table rows read as actions (spans, global offsets), which the table
// rows state again. A dropped finding keeps its place with an empty Kind.
func (st *docState) dropCovered(spans [][2]int) {
	if len(spans) == 0 {
		return
	}
	for i := range st.found {
		f := &st.found[i]
		if f.Kind != extract.KindMustDo && f.Kind != extract.KindShouldDo || strings.HasPrefix(f.Why, "table-") {
			continue
		}
		at := st.offsets[i]
		for _, sp := range spans {
			if at >= sp[0] && at < sp[1] {
				f.Kind = ""
				break
			}
		}
	}
}
