package tag

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

// The quote rules, in the order they run (CQC-LANGUAGE §6.9):
//
//   - Scanning (scanQuotes): spans in “ ”, " ", ‘ ’ or ' ', a quote
//     nested in a double-quoted one kept inside it, mixed marks ‘…”,
//     paragraphs re-opened with a mark, unclosed quotes cut at their
//     first sentence end.
//   - Judging (judge): not quotes are rating and domain names, key
//     question titles, defined terms, terms and titles named as such
//     ("so-called", "the guidance, ‘…’", "the trust motto ‘…’"), labels
//     followed by their noun (tab, link, category, quality statement),
//     title-case names, lists of three or more quoted terms with no word
//     of speech before them. Quotes are statements, paragraphs, quoted
//     demands, spans with a reporting word around them, phrases that go on
//     from a reported phrase in the sentence before, and spans that only
//     repeat a quoted phrase (a crosshead, a partly marked phrase).
//   - Speakers (attribute): an attribution after the quote ("…,” said X,
//     chief executive of Y" / "she added"), the words before it (the
//     subject of the reporting verb, passive "was warned by the CQC",
//     "comments from patients", "according to the report"), pronouns to
//     the last named speaker, a quote with no attribution to the speaker
//     of the quote before it in its paragraph or the paragraph before, and
//     last the document's voice: CQC in CQC's documents, the provider
//     where the document speaks as "our trust", other elsewhere. In a
//     document by or about another inspectorate (Ofsted, ...), inspectors
//     and reports are that body's: other.

// qspan is one quotation: inner text [s, e), marks excluded.
type qspan struct {
	s, e      int
	open      int  // offset of the opening mark
	closed    bool // a closing mark was found
	para      bool // a paragraph of a statement whose next paragraph re-opens the quote
	cont      int  // index of the paragraph quote this one continues, or -1
	statement bool // reads as a full statement
	single    bool
	ok        bool
	speaker   string
	name      string
}

const maxQuote = 6000

func decodeAt(t string, i int) (rune, int) {
	if i < 0 || i >= len(t) {
		return 0, 0
	}
	return utf8.DecodeRuneInString(t[i:])
}

func runeBefore(t string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(t[:i])
	return r
}

// opensBefore reports whether the rune before a mark lets it open a quote.
func opensAfter(r rune) bool {
	return r == 0 || unicode.IsSpace(r) || r == '\u00a0' || strings.ContainsRune("([{—–-:/“‘\"'", r)
}

func isDoubleOpen(t string, i int) (bool, int) {
	r, n := decodeAt(t, i)
	switch r {
	case '“':
		nr, _ := decodeAt(t, i+n)
		return nr != 0 && !unicode.IsSpace(nr), n
	case '"', '«':
		nr, _ := decodeAt(t, i+n)
		return opensAfter(runeBefore(t, i)) && nr != 0 && !unicode.IsSpace(nr), n
	}
	return false, n
}

func isDoubleClose(t string, i int) (bool, int) {
	r, n := decodeAt(t, i)
	switch r {
	case '”', '»':
		return true, n
	case '"':
		p := runeBefore(t, i)
		return p != 0 && !unicode.IsSpace(p), n
	}
	return false, n
}

func isSingleOpen(t string, i int) (bool, int) {
	r, n := decodeAt(t, i)
	if r != '‘' && r != '\'' {
		return false, n
	}
	nr, _ := decodeAt(t, i+n)
	if !(unicode.IsLetter(nr) || unicode.IsDigit(nr)) {
		return false, n
	}
	return opensAfter(runeBefore(t, i)), n
}

func isSingleClose(t string, i int) (bool, int) {
	r, n := decodeAt(t, i)
	if r != '’' && r != '\'' {
		return false, n
	}
	p := runeBefore(t, i)
	if p == 0 || unicode.IsSpace(p) {
		return false, n
	}
	nr, _ := decodeAt(t, i+n)
	return !(unicode.IsLetter(nr) || unicode.IsDigit(nr)), n
}

// lineBreakAt reports, for a line break at i, whether the paragraph ends
// there (a blank line or the text's end follows) and whether the next
// paragraph opens with a quotation mark of the same family.
func lineBreakAt(t string, i int, single bool) (paraEnd, reopens bool) {
	j := i + 1
	blank := false
	for j < len(t) {
		r, n := decodeAt(t, j)
		if r == '\n' {
			blank = true
		} else if !unicode.IsSpace(r) && r != '\u00a0' {
			break
		}
		j += n
	}
	if j >= len(t) {
		return true, false
	}
	var open bool
	if single {
		r, _ := decodeAt(t, j)
		open = r == '‘' || r == '\''
	} else {
		r, _ := decodeAt(t, j)
		open = r == '“' || r == '"'
	}
	return blank || open, open
}

// scanQuotes finds every quotation in the text.
func (st *docState) scanQuotes() {
	st.quoteSpans = nil
	st.scanFamily(false)
	st.scanFamily(true)
	// order by position
	qs := st.quoteSpans
	for i := 1; i < len(qs); i++ {
		for j := i; j > 0 && qs[j].open < qs[j-1].open; j-- {
			qs[j], qs[j-1] = qs[j-1], qs[j]
		}
	}
	for i := range qs {
		qs[i].cont = -1
	}
	for i := range qs {
		if !qs[i].para {
			continue
		}
		// the next quote of the family opening right after this paragraph continues it
		for j := i + 1; j < len(qs); j++ {
			if qs[j].single == qs[i].single {
				if strings.TrimSpace(st.text[qs[i].e:qs[j].open]) == "" {
					qs[j].cont = i
				}
				break
			}
		}
	}
	for i := range qs {
		qs[i].statement = isStatement(st.text[qs[i].s:qs[i].e])
	}
}

func (st *docState) scanFamily(single bool) {
	t := st.text
	opener, closer := isDoubleOpen, isDoubleClose
	if single {
		opener, closer = isSingleOpen, isSingleClose
	}
	for i := 0; i < len(t); {
		ok, n := opener(t, i)
		if n == 0 {
			n = 1
		}
		if !ok {
			i += n
			continue
		}
		s := i + n
		j := s
		q := qspan{s: s, open: i, single: single}
		end := -1
		mixed := -1 // a closing double mark ending a single quote: ‘…”
		for j < len(t) && j-s < maxQuote {
			if c, m := closer(t, j); c {
				q.e, q.closed = j, true
				end = j + m
				break
			}
			r, m := decodeAt(t, j)
			if single && r == '”' && mixed < 0 {
				mixed = j
			}
			if !single && (r == '“' || r == '"') {
				if o, _ := opener(t, j); o {
					if k := nestedEnd(t, j); k > 0 {
						j = k // a quote inside this one: “… rated “outstanding” for …”
						continue
					}
					if r == '“' {
						break // a new quote opens: this one was never closed
					}
				}
			}
			if r == '\n' || r == '\f' {
				if pe, re := lineBreakAt(t, j, single); pe {
					if re {
						q.e, q.para = j, true
					}
					break
				}
			}
			j += m
		}
		if !q.closed && !q.para && mixed >= 0 {
			q.e, q.closed = mixed, true
			end = mixed + len("”")
		}
		if !q.closed && !q.para {
			if single {
				i = s
				continue
			}
			// unclosed: the quote ends at its first sentence end
			e := sentenceEnd(t, s, j)
			if e < 0 {
				i = s
				continue
			}
			q.e = e
			end = e
		}
		if q.para {
			end = q.e
		}
		if ts, te := trimSpan(t, q.s, q.e); ts < te {
			q.s, q.e = ts, te
			st.quoteSpans = append(st.quoteSpans, q)
		}
		if end <= i {
			end = s
		}
		i = end
	}
}

// nestedEnd reports, for a double opening mark at j inside an open double
// quote, whether it opens a quote nested in that one: the rest of the
// paragraph closes both, the inner one first. It returns the offset just
// past the inner closing mark, or -1.
func nestedEnd(t string, j int) int {
	depth, inner := 2, -1
	_, w := decodeAt(t, j)
	for k := j + w; k < len(t) && k-j < maxQuote; {
		if c, m := isDoubleClose(t, k); c {
			depth--
			if depth == 1 && inner < 0 {
				inner = k + m
			}
			if depth == 0 {
				return inner
			}
			k += m
			continue
		}
		if o, m := isDoubleOpen(t, k); o {
			depth++
			k += m
			continue
		}
		r, m := decodeAt(t, k)
		if r == '\n' || r == '\f' {
			if pe, _ := lineBreakAt(t, k, false); pe {
				return -1
			}
		}
		if m == 0 {
			m = 1
		}
		k += m
	}
	return -1
}

// sentenceEnd returns the offset just past the first sentence end in
// t[s:e], or -1.
func sentenceEnd(t string, s, e int) int {
	for i := s; i < e; i++ {
		c := t[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		if i+1 >= len(t) || isSpaceByte(t[i+1]) {
			if c == '.' && isAbbrevBefore(t, s, i) {
				continue
			}
			return i
		}
	}
	return -1
}

var finiteVerbs = set("is", "are", "was", "were", "has", "have", "had", "will", "would", "can",
	"could", "should", "must", "do", "does", "did", "we", "i", "i'm", "it's", "there", "may", "might", "need", "want")

func isStatement(q string) bool {
	q = strings.TrimSpace(q)
	r, _ := utf8.DecodeRuneInString(q)
	ws := strings.Fields(q)
	if !unicode.IsUpper(r) {
		// a lower-case sentence reported word for word: “it is very
		// refreshing to work with them.” (not a quoted demand: “must …”)
		switch strings.ToLower(ws[0]) {
		case "must", "should", "needs", "need":
			return false
		}
		last := q[len(q)-1]
		if len(ws) < 8 || last != '.' && last != '!' && last != '?' {
			return false
		}
		for _, w := range ws {
			if finiteVerbs[strings.ToLower(strings.Trim(w, ",.;:"))] {
				return true
			}
		}
		return false
	}
	if len(ws) < 3 {
		return false
	}
	last := q[len(q)-1]
	if last == '.' || last == '!' || last == '?' {
		return true
	}
	if len(ws) >= 6 {
		for _, w := range ws {
			if finiteVerbs[strings.ToLower(strings.Trim(w, ",.;:"))] {
				return true
			}
		}
	}
	return false
}

var ratingVocab = set("good", "outstanding", "inadequate", "requires", "requiring", "improvement",
	"safe", "effective", "caring", "responsive", "well-led", "well", "led", "overall", "and", "or",
	"rated", "rating", "safety", "effectiveness", "responsiveness")

var titleStop = set("of", "and", "the", "in", "for", "to", "a", "an", "on", "at", "or", "with", "by", "up", "into", "our", "is")

var reportVerbs = set("said", "says", "say", "added", "adds", "continued", "commented", "stated", "states",
	"stating", "explained", "told", "tells", "admitted", "admits", "described", "describes", "highlighted",
	"highlights", "recognised", "recognises", "recognized", "recognizes", "noted", "notes", "found",
	"finds", "reported", "reports", "concluded", "concludes", "praised", "praises", "acknowledged",
	"acknowledges", "observed", "wrote", "writes", "called", "quoted", "identified", "identifies",
	"warned", "warns", "insisted", "argued", "claimed", "confirmed", "announced", "commended",
	"feedback", "findings", "report", "according", "reflect", "reflects", "labelled", "branded",
	"quote", "quotes", "comment", "comments", "remarked", "remarks", "stressed", "welcomed", "saying",
	"describing", "calling", "telling", "writing", "explaining", "adding", "warning", "criticised")

var followNouns = set("link", "links", "tab", "button", "page", "award", "awards", "programme", "scheme",
	"initiative", "campaign", "policy", "strategy", "framework", "model", "approach", "training",
	"event", "events", "sessions", "session", "project", "toolkit", "video", "videos", "group", "forum", "app",
	"category", "categories", "section", "sections", "heading", "headings", "column", "columns", "box",
	"domain", "domains", "theme", "themes", "question", "questions", "label", "labels", "option", "options",
	"menu", "field", "fields", "report", "reports", "document", "documents", "guidance", "leaflet",
	"booklet", "publication", "survey", "pathway", "tool", "template", "form", "website", "webpage")

// verdict is what judge makes of a quoted span.
type verdict int

const (
	notQuote   verdict = iota // a name, label, title, term or rating word
	unreported                // nothing reports it: a quote only if it echoes one
	quoted
)

var (
	// words that make the quoted text that follows a term or a title
	reTermBefore = regexp.MustCompile(`(?i)(?:\bso[- ]called|\bknown as|\btermed|\bdubbed|\bthe (?:terms?|phrases?|word|expression|label|heading|title)|\bentitled|\btitled|\bheaded|\bnamed)\s*[,:]?\s*$`)
	// a slogan named as one: "the trust core value of ‘putting patients first’"
	reSloganBefore = regexp.MustCompile(`(?i)(?:\b(?:values?|motto|slogan|strapline|ethos|vision|mission|mantra|pledge|tagline|catchphrase|brand)(?:\s+(?:of|is|was))?)\s*[,:]?\s*$`)
	// a quote that reads on from the words before it ("use the report “as a
	// source of …”") is not a title
	reLinkWord = regexp.MustCompile(`^(?:as|to|for|that|in|on|of|by|with|from|and|but|because|which|who)\b`)
	// a document or page part named right before its title
	reDocBefore = regexp.MustCompile(`(?i)\b(?:guidance|document|leaflet|booklet|publication|report|paper|handbook|toolkit|book|article|website|webpage|chapter|section|tab|menu|button|link|box|column|category|framework|strategy|policy|programme|plan)\s*,?\s*$`)
	// the separator between two items of a list of quoted terms
	reListSep = regexp.MustCompile(`^[\s,;/]*(?:(?:and|or|and/or)\s*)?$`)
	// words that introduce what people said rather than a list of names
	reSpeechIntro = regexp.MustCompile(`(?i)\b(?:said|says|say|told|tell|comments?|quotes?|remarks?|described|describes|feedback|words|wrote|included comments|praised)\b`)
)

// judge decides whether span i is a quoted finding or statement, and
// names the rule that decided.
func (st *docState) judge(i int, run *quoteRun) (verdict, string) {
	q := &st.quoteSpans[i]
	t := st.text
	inner := strings.TrimSpace(clean(t[q.s:q.e]))
	if inner == "" {
		return notQuote, ""
	}
	lower := strings.ToLower(inner)
	words := strings.Fields(strings.Trim(lower, ".,;:!?'\"“”‘’"))
	if len(words) == 0 {
		return notQuote, ""
	}
	allRating := true
	for _, w := range words {
		if !ratingVocab[strings.Trim(w, ",.;:!?()'’")] {
			allRating = false
			break
		}
	}
	if allRating {
		return notQuote, "rating-name"
	}
	if strings.HasPrefix(lower, "are services") || strings.Contains(lower, "are services at this") || strings.HasPrefix(lower, "is the service") || strings.HasPrefix(lower, "is it ") || strings.HasPrefix(lower, "are they ") {
		return notQuote, "key-question"
	}
	// a defined term or abbreviation in brackets: (“CQC”), ('the CQC report')
	before := strings.TrimRight(t[max(0, q.open-3):q.open], " ")
	after := t[q.e:min(len(t), q.e+16)]
	after = strings.TrimLeft(after, "”\"’'")
	if strings.HasSuffix(before, "(") && strings.HasPrefix(strings.TrimLeft(after, " "), ")") {
		return notQuote, "defined-term"
	}
	al := strings.ToLower(strings.TrimLeft(after, " "))
	if strings.HasPrefix(al, "means") || strings.HasPrefix(al, "refers to") || strings.HasPrefix(al, "shall mean") {
		return notQuote, "defined-term"
	}
	stmt := q.statement
	lead := clean(t[max(0, q.open-48):q.open])
	if endsWithMatch(reTermBefore, lead, 14) {
		return notQuote, "term"
	}
	if !stmt && reSloganBefore.MatchString(lead) {
		return notQuote, "slogan"
	}
	if !stmt && endsWithMatch(reDocBefore, lead, 11) && !reLinkWord.MatchString(lower) &&
		!reSaidVerb.MatchString(st.unquoted(st.sentenceStartBefore(q.open), q.open)) {
		return notQuote, "title"
	}
	if fw := st.nounAfter(i); !stmt && (followNouns[fw] || fw == "quality statement") {
		return notQuote, "label"
	}
	if !stmt && isTitle(inner) {
		return notQuote, "title"
	}
	if len(words) == 1 && !stmt {
		w := strings.Fields(inner)[0]
		if hasInnerUpper(w) {
			return notQuote, "name" // an abbreviation or a name: 'WeImproveQ', "CQC"
		}
	}
	if !stmt && len(words) <= 14 {
		if _, at := coreService(lower); at >= 0 && at <= 4 {
			return notQuote, "service-name"
		}
		if strings.HasPrefix(al, "which were rated") || strings.HasPrefix(al, "was rated") || strings.HasPrefix(al, "were rated") || strings.HasPrefix(al, "and ‘") || strings.HasPrefix(al, "and '") {
			if strings.Contains(strings.ToLower(t[q.e:min(len(t), q.e+300)]), "rated") {
				return notQuote, "service-name"
			}
		}
	}
	if !stmt && st.inLabelList(i) {
		return notQuote, "label-list"
	}
	if q.para || q.cont >= 0 {
		return quoted, "paragraph"
	}
	if stmt {
		return quoted, "statement"
	}
	switch words[0] {
	case "must", "should", "will", "needs", "need", "cannot", "can't":
		return quoted, "demand"
	}
	if cue := st.cue(q); cue != "" {
		return quoted, "cue '" + cue + "'"
	}
	// "The team found there was “a wealth of …”. Further, there were
	// “long term, strong …” ...": the next sentence goes on reporting
	if !q.single && len(words) >= 3 && run.last >= 0 {
		p := st.quoteSpans[run.last]
		if !p.statement && run.cued[run.last] && st.samePara(p.open, q.open) && st.sentencesBetween(p.e, q.open) == 1 {
			return quoted, "reported-before"
		}
	}
	return unreported, ""
}

// nounAfter returns the word after the quote, past other quoted terms
// coordinated with it ("the ‘feedback’ and ‘observation’ categories"),
// or "quality statement".
func (st *docState) nounAfter(i int) string {
	t := st.text
	end := st.quoteSpans[i].e
	for k := i + 1; k < len(st.quoteSpans); k++ {
		n := st.quoteSpans[k]
		if n.open < end {
			continue
		}
		gap := strings.Trim(clean(t[end:n.open]), "”\"’'")
		if !reListSep.MatchString(gap) || strings.TrimSpace(gap) == "" {
			break
		}
		end = n.e
	}
	rest := strings.TrimLeft(t[end:min(len(t), end+40)], "”\"’' ")
	rest = strings.ToLower(clean(rest))
	if strings.HasPrefix(rest, "quality statement") {
		return "quality statement"
	}
	f := strings.Fields(rest)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], ",.;:")
}

// inLabelList reports a quote that is one of three or more quoted terms
// listed one after another ("the nine areas: ‘a’, ‘b’, ‘c’ and ‘d’")
// with no word of speech before the list.
func (st *docState) inLabelList(i int) bool {
	t, qs := st.text, st.quoteSpans
	adjacent := func(a, b int) bool {
		if qs[a].e > qs[b].open || qs[a].single != qs[b].single {
			return false
		}
		gap := strings.Trim(clean(t[qs[a].e:qs[b].open]), "”\"’'")
		return reListSep.MatchString(gap)
	}
	first, last := i, i
	for first > 0 && adjacent(first-1, first) {
		first--
	}
	for last+1 < len(qs) && adjacent(last, last+1) {
		last++
	}
	if last-first < 2 {
		return false
	}
	s := st.sentenceStartBefore(qs[first].open)
	return !reSpeechIntro.MatchString(st.unquoted(s, qs[first].open))
}

func hasInnerUpper(w string) bool {
	for i, r := range w {
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// isTitle reports a name or title in title case: 'Step up to Great'.
func isTitle(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 {
		return false
	}
	n, caps := 0, 0
	for _, w := range ws {
		w = strings.Trim(w, ",.;:!?()'’\"")
		if w == "" || titleStop[strings.ToLower(w)] {
			continue
		}
		n++
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			caps++
		}
	}
	return n > 0 && caps*10 >= n*6
}

// sentenceStartBefore returns where the sentence holding offset p starts.
func (st *docState) sentenceStartBefore(p int) int {
	lo, hi := 0, len(st.sents)
	for lo < hi {
		m := (lo + hi) / 2
		if st.sents[m].s <= p {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 {
		return 0
	}
	sn := st.sents[lo-1]
	if p <= sn.e+4 {
		return sn.s
	}
	return p
}

// contextStart returns where the words that introduce q start: its
// sentence's start, or the start of the quote q is inside when that is
// later ("The chair said: “Their findings show that ‘…’”").
func (st *docState) contextStart(q *qspan) int {
	s := st.sentenceStartBefore(q.open)
	qs := st.quoteSpans
	i := sort.Search(len(qs), func(i int) bool { return qs[i].open >= q.open })
	for k := i - 1; k >= 0 && k >= i-50; k-- {
		if o := qs[k]; o.e >= q.e && o.s > s {
			s = o.s
		}
	}
	return s
}

// sentenceEndAfter returns where the sentence holding offset p ends.
func (st *docState) sentenceEndAfter(p int) int {
	i := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].e >= p })
	if i < len(st.sents) && st.sents[i].s <= p {
		return st.sents[i].e
	}
	e := p
	for e < len(st.text) && e-p < 200 && st.text[e] != '\n' && st.text[e] != '\f' {
		e++
	}
	return e
}

// sentencesBetween counts the sentence starts in text[a:b].
func (st *docState) sentencesBetween(a, b int) int {
	i := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].s > a })
	j := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].s > b })
	return j - i
}

// samePara reports whether offsets a and b lie in one paragraph.
func (st *docState) samePara(a, b int) bool {
	return st.blocks[st.blockAt(a)].para == st.blocks[st.blockAt(b)].para
}

// unquoted returns text[s:e] with line breaks as spaces and every quoted
// span in it blanked, marks included, so that words inside other quotes
// are not read as the words around this one. Offsets are kept.
func (st *docState) unquoted(s, e int) string {
	b := []byte(clean(st.text[s:e]))
	qs := st.quoteSpans
	from := sort.Search(len(qs), func(i int) bool { return qs[i].open >= s-maxQuote-8 })
	for _, q := range qs[from:] {
		if q.open >= e {
			break
		}
		qe := q.e
		if _, n := decodeAt(st.text, qe); q.closed && n > 0 {
			qe += n
		}
		if qe <= s || qe > e {
			continue // before the text, or a quote the text is inside
		}
		for k := max(q.open, s); k < min(qe, e); k++ {
			b[k-s] = ' '
		}
	}
	return string(b)
}

// cue returns the word that reports the quote: a reporting word before it
// in its sentence ("the report highlights", "said", a colon) or an
// attribution after it ("..., said Dr Smith"), else "".
func (st *docState) cue(q *qspan) string {
	s := st.contextStart(q)
	ctx := strings.TrimRight(st.unquoted(s, q.open), " \t")
	if strings.HasSuffix(ctx, ":") {
		return ":"
	}
	if strings.HasSuffix(ctx, ",") && strings.HasSuffix(strings.TrimRight(ctx, ","), "that") {
		return "that"
	}
	for _, w := range strings.Fields(strings.ToLower(ctx)) {
		w = strings.Trim(w, ",.;:!?()'’\"“”‘")
		if reportVerbs[w] {
			return w
		}
	}
	if a := st.afterQuote(q); a != "" {
		if m := reAfterVerbFirst.FindStringSubmatch(a); m != nil {
			return m[1]
		}
		if m := reAfterVerbLast.FindStringSubmatch(a); m != nil && okAfterSubject(m[1]) {
			return m[2]
		}
	}
	return ""
}

// afterQuote returns the text after a closed quote's mark up to the end
// of its sentence, with line breaks as spaces.
func (st *docState) afterQuote(q *qspan) string {
	if !q.closed {
		return ""
	}
	_, n := decodeAt(st.text, q.e)
	a := q.e + n
	e := st.sentenceEndAfter(a)
	if e < a {
		return ""
	}
	e = min(e, a+200)
	// stop at the next quote
	qs := st.quoteSpans
	if k := sort.Search(len(qs), func(i int) bool { return qs[i].open >= a }); k < len(qs) && qs[k].open < e {
		e = qs[k].open
	}
	return clean(st.text[a:e])
}

const sayVerbs = `said|says|added|adds|continued|explained|commented|stated|told|wrote|writes|warned|insisted|admitted|acknowledged|stressed|remarked|concluded|noted|argued|claimed`

var (
	// “…,” said Dr Imogen Vale, chief executive of Northvale NHS Foundation Trust.
	reAfterVerbFirst = regexp.MustCompile(`^\s*[,;:.!?]?[”"’']?\s*(` + sayVerbs + `)\s+([^.!?]{2,160})`)
	// “…,” she added. / “…,” the report said.
	reAfterVerbLast = regexp.MustCompile(`^\s*[,;:.!?]?[”"’']?\s*([^.!?;:“”"‘]{1,100}?)\s+(` + sayVerbs + `)\b`)
)

// okAfterSubject reports whether s, the words between a quote and the
// verb after it, read as the subject of that verb: short, and not a new
// clause ("and the trust said").
func okAfterSubject(s string) bool {
	ws := strings.Fields(s)
	if len(ws) == 0 || len(ws) > 9 {
		return false
	}
	switch strings.ToLower(ws[0]) {
	case "and", "but", "while", "whilst", "as", "which", "that", "who", "where", "when", "because", "so", "or", "if":
		return false
	}
	return true
}

var (
	reName = regexp.MustCompile(`(?:\b(Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Sir|Dame|Lord|Lady|Baroness|Cllr|Councillor)\.?\s+)?\b([A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]*(?:[-'’][A-Z]?[a-z]+)?\b){0,2})(\s+(?:OBE|MBE|CBE|DBE|KBE))?`)

	roleWords = set("chief", "executive", "officer", "director", "deputy", "inspector", "general", "practice",
		"senior", "national", "advisor", "adviser", "medical", "nursing", "care", "quality", "commission",
		"health", "healthcare", "nhs", "trust", "foundation", "hospital", "hospitals", "university", "the",
		"queen", "royal", "leadership", "our", "we", "this", "that", "service", "services", "council", "act",
		"section", "head", "lead", "manager", "chair", "chairman", "board", "mental", "minister", "secretary",
		"state", "social", "department", "england", "improvement", "group", "partnership", "community",
		"one", "a", "an", "in", "at", "it", "they", "their", "his", "her", "its", "ultimately", "professor",
		"people", "patients", "staff", "inspectors", "report", "cqc", "following", "during", "after",
		"while", "whilst", "however", "chief", "interim", "acting", "operations", "hospital", "midwifery",
		"governance", "safety", "please", "if", "when", "where", "there", "these", "those", "some", "many",
		"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
		"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"mrs", "mr", "ms", "dr", "prof", "as", "and", "but", "also", "so", "said", "says", "news", "media",
		"press", "statement", "spokesperson", "spokeswoman", "spokesman", "unit", "centre", "ward", "wards",
		"city", "county", "district", "regional", "region", "north", "south", "east", "west", "midlands",
		"london", "officer", "assistant", "associate", "clinical", "corporate", "non", "chairwoman",
		// places and companies are not people: "Falcon House", "Minster Care Limited"
		"house", "street", "road", "avenue", "gardens", "limited", "ltd", "plc", "llp", "home", "homes",
		"surgery", "hospice", "lodge", "manor", "court", "local", "healthwatch")

	reCQCWords = regexp.MustCompile(`(?i)\b(cqc|cqc's|care quality commission|commission|inspectors?|inspection team|inspection|regulator|watchdog|chief inspector|findings|(?:the|their|its|cqc|cqc's|inspection) report|report said|report says|report found)\b`)
	// a role at CQC, named after it or before it
	reCQCRole = regexp.MustCompile(`(?i)\b(?:of|at|for|from)\s+(?:the\s+)?(?:cqc|care quality commission)\b|\bcqc(?:'s|’s)?\s+(?:chief|deputy|director|head|inspector|chair|spokes)`)
	// a role at a body that is neither CQC nor the provider
	reOtherBodyRole = regexp.MustCompile(`(?i)\b(?:of|for|at|from)\s+(?:the\s+)?(?:nhs england|nhs improvement|nhs providers|department of health|dhsc|healthwatch|government|royal college|british medical association|bma|unison|local government association|the local authority|ombudsman)\b`)
	reCQCName       = regexp.MustCompile(`(?i)\b(?:cqc|care quality commission)\b`)
	reTrustWords    = regexp.MustCompile(`(?i)\b(trust|chief executive|executive|medical director|director of nursing|nursing officer|medical officer|chair|chairman|chairwoman|spokesperson|spokeswoman|spokesman|the hospital|the practice|the home|staff|manager|managers|matron|nurse|consultant|midwife|the board|provider|operator|owners?|the company|limited|ltd|plc|which runs|which operates|care home|hospital|hospice|surgery)\b`)
	rePatientWords  = regexp.MustCompile(`(?i)\b(patients?|person|people|people using|people who use|service users?|residents?|a woman|a man|a mother|a father|one man|one woman|a patient|people told|person said|people said|children|a child|young people|a young person|care leavers?|pupils?|learners?)\b`)
	reOtherWords    = regexp.MustCompile(`(?i)\b(relatives?|family members?|families|carers?|son|daughter|wife|husband|partner|friend|visitors?|commissioners?|council|mp|union|the act|s\.\s?\d+|section \d+|legislation|the law|regulations? \d+|coroner|parents?|professionals?|partners|healthwatch|unions?|campaigners?|charity)\b`)
)

// category returns the speaker category named first in s, and where. In a
// document by or about another inspectorate (Ofsted, ...), its inspectors
// and reports are that body's: other.
func category(s string, otherReg bool) (string, int) {
	best, at := "", len(s)+1
	for _, c := range []struct {
		re  *regexp.Regexp
		cat string
	}{{reCQCWords, extract.SpeakerCQC}, {reTrustWords, extract.SpeakerTrust}, {rePatientWords, extract.SpeakerPatient}, {reOtherWords, extract.SpeakerOther}} {
		if m := c.re.FindStringIndex(s); m != nil && m[0] < at {
			if c.cat == extract.SpeakerCQC && m[0] >= 4 && strings.HasSuffix(strings.ToLower(s[:m[0]]), "our ") {
				continue // "our report"
			}
			best, at = c.cat, m[0]
			if c.cat == extract.SpeakerCQC && otherReg && !reCQCName.MatchString(s[m[0]:m[1]]) {
				best = extract.SpeakerOther
			}
		}
	}
	if best == extract.SpeakerTrust && reCQCRole.MatchString(s) {
		best = extract.SpeakerCQC // "chief executive of the Care Quality Commission"
	}
	if best == extract.SpeakerTrust && reOtherBodyRole.MatchString(s) {
		best = extract.SpeakerOther // "a spokeswoman for NHS England"
	}
	if best == extract.SpeakerPatient && at < len(s) {
		// "a patient's daughter": the patient's family speaks
		if m := rePatientWords.FindStringIndex(s[at:]); m != nil {
			if rest := s[at+m[1]:]; strings.HasPrefix(rest, "'s") || strings.HasPrefix(rest, "’s") || strings.HasPrefix(rest, "' ") || strings.HasPrefix(rest, "’ ") {
				best = extract.SpeakerOther
			}
		}
	}
	return best, at
}

// personName returns the first person's name in s, as written.
func personName(s string) string {
	for _, m := range reName.FindAllStringSubmatchIndex(s, -1) {
		title := ""
		if m[2] >= 0 {
			title = s[m[2]:m[3]]
		}
		name := s[m[4]:m[5]]
		ws := strings.Fields(name)
		bad := false
		for _, w := range ws {
			if roleWords[strings.ToLower(strings.Trim(w, "'’"))] {
				bad = true
				break
			}
		}
		if bad {
			continue
		}
		if len(ws) < 2 && title == "" {
			continue
		}
		out := name
		if title != "" {
			out = title + " " + name
		}
		if m[6] >= 0 {
			out += s[m[6]:m[7]]
		}
		return out
	}
	return ""
}

var (
	reSaidVerb = regexp.MustCompile(`(?i)\b(said|says|added|continued|commented|stated|states|stating|explained|told|wrote|writes|admitted|highlights|highlighted|recognised|describes|described|found|reported|reflect|reflects|warned|criticised|praised|stressed|noted|concluded|labelled|branded|judged)\b`)
	// "was found to have", "were warned by the CQC"
	rePassive = regexp.MustCompile(`(?i)\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$`)
	reByAgent = regexp.MustCompile(`(?i)^\s*(?:\w+\s+){0,2}?by\s+((?:\S+\s*){1,6})`)
	// "one quote from a community professional", "comments from patients included"
	reNounCue = regexp.MustCompile(`(?i)\b(?:quotes?|comments?|feedback|remarks?|words|praise|testimonials?)\s+(?:from|by|of)\s+(.{1,80})`)
	reNounEnd = regexp.MustCompile(`(?i)\s+(?:about|on|regarding|included|includes|include|were|was|is|are|said|such)\b`)
	reAccord  = regexp.MustCompile(`(?i)\baccording to\s+([^,;:]{1,80})`)
	rePronoun = regexp.MustCompile(`(?i)^\s*(?:and\s+|but\s+)?(he|she|they|it|we)(?:\s+(?:also|further|then|later))?\s*$`)
)

// quoteRun is what attribution keeps from one quote to the next.
type quoteRun struct {
	persons   map[string][2]string // surname -> name, category
	lastName  string               // the last named speaker
	lastCat   string
	last      int          // index of the last quote taken, or -1
	lastInPar map[int]int  // paragraph -> index of its last quote
	cqcDoc    bool         // the document is by or about CQC
	otherReg  bool         // the document is by or about another inspectorate
	verdicts  []verdict    // judge's verdict per span
	accepted  map[int]bool // spans taken as quotes
	cued      map[int]bool // spans taken for a word that reports them
}

// regulatorOf reports whether the document is by or about CQC (it names
// CQC at least as often as another inspectorate, or names none and speaks
// CQC's language) and whether it is by or about another inspectorate
// (Ofsted, ...).
func (st *docState) regulatorOf() (cqc, other bool) {
	l := st.lower
	nCQC := countWords(l, "cqc") + countWords(l, "care quality commission")
	nOther := 0
	for _, w := range otherRegulators {
		nOther += countWords(l, w)
	}
	if nOther > 0 {
		return nCQC >= nOther, nCQC < nOther
	}
	if nCQC > 0 {
		return true, false
	}
	for _, w := range cqcLanguage {
		if countWords(l, w) > 0 {
			return true, false
		}
	}
	return false, false
}

var (
	otherRegulators = []string{"ofsted", "hmicfrs", "hmi probation", "hm inspectorate", "estyn", "care inspectorate",
		"healthcare inspectorate wales", "ofqual", "ofcom", "ofwat", "ofgem", "the information commissioner"}
	cqcLanguage = []string{"well-led", "well led", "quality statement", "we rated", "fundamental standards",
		"registered manager", "regulated activit", "health and social care act", "people who use services",
		"people using the service", "requires improvement", "requiring improvement", "rated good",
		"rated outstanding", "rated inadequate"}
)

// countWords counts where w occurs in l with no letter or digit just
// before it (a word start); l and w are in lower case.
func countWords(l, w string) int {
	n := 0
	for off := 0; ; {
		k := strings.Index(l[off:], w)
		if k < 0 {
			return n
		}
		at := off + k
		if at == 0 || !isWordRune(rune(l[at-1])) {
			n++
		}
		off = at + len(w)
	}
}

// attribute sets the speaker of quote i and returns how it was found.
func (st *docState) attribute(i int, run *quoteRun) string {
	q := &st.quoteSpans[i]
	if q.cont >= 0 {
		p := st.quoteSpans[q.cont]
		q.speaker, q.name = p.speaker, p.name
		return "continued paragraph"
	}
	cat, name, why := st.speakerWords(q, run)
	if name != "" {
		if surname := lastWord(name); surname != "" {
			if p, ok := run.persons[strings.ToLower(surname)]; ok {
				if len(strings.Fields(p[0])) >= len(strings.Fields(name)) {
					name = p[0]
				}
				if cat == "" {
					cat = p[1]
				}
			}
		}
	}
	if cat == "" && name != "" {
		cat = extract.SpeakerOther // a named person of no stated role
	}
	if cat == "" && name == "" {
		// "Dr Okafor, the medical director, said staff had worked hard.
		// “We are proud of them.”": the sentence before names the speaker
		if c, n, w := st.speakerBefore(q, run); c != "" {
			cat, name, why = c, n, w
		}
	}
	if cat == "" {
		// a quote that follows another in its paragraph, or opens the
		// paragraph after it, goes on in that speaker's words
		k, ok := run.lastInPar[st.blocks[st.blockAt(q.open)].para]
		if !ok && run.last >= 0 && st.opensParagraph(q.open) && st.paraGap(st.quoteSpans[run.last].e, q.open) <= 1 {
			k, ok = run.last, true
		}
		if ok {
			cat = st.quoteSpans[k].speaker
			if name == "" {
				name = st.quoteSpans[k].name
			}
			why = "follows the quote before"
		}
	}
	if cat == "" {
		r, _ := utf8.DecodeRuneInString(st.text[q.s:q.e])
		switch {
		case st.trustVoice:
			cat = extract.SpeakerTrust
			if !unicode.IsUpper(r) && run.cqcDoc {
				cat = extract.SpeakerCQC // words quoted from the report
			}
		case run.cqcDoc:
			cat = extract.SpeakerCQC
		default:
			cat = extract.SpeakerOther
		}
		why = "document voice"
	}
	q.speaker, q.name = cat, name
	if name != "" {
		run.persons[strings.ToLower(lastWord(name))] = [2]string{name, cat}
		run.lastName, run.lastCat = name, cat
	}
	return why
}

// speakerBefore reads the speaker of a quote that opens its sentence from
// a reporting verb in the sentence before, in its paragraph or the one
// before, when that sentence quotes nothing itself.
func (st *docState) speakerBefore(q *qspan, run *quoteRun) (cat, name, why string) {
	k := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].e > q.open })
	if k <= 0 || k >= len(st.sents) || strings.TrimSpace(st.unquoted(st.sents[k].s, q.open)) != "" {
		return "", "", ""
	}
	p := st.sents[k-1]
	if st.paraGap(p.s, q.open) > 1 {
		return "", "", ""
	}
	if run.last >= 0 && st.quoteSpans[run.last].e > p.s {
		return "", "", "" // the quote before speaks for itself
	}
	ctx := clean(st.text[p.s:p.e])
	cues := reSaidVerb.FindAllStringIndex(ctx, -1)
	if len(cues) == 0 {
		return "", "", ""
	}
	head := ctx[:cues[0][0]]
	if rePassive.MatchString(head) {
		return "", "", ""
	}
	if c, n, ok := st.resolveSubject(head, run); ok && c != "" {
		return c, n, "sentence before: '" + strings.TrimSpace(head) + "'"
	}
	return "", "", ""
}

// opensParagraph reports whether offset p opens its block.
func (st *docState) opensParagraph(p int) bool {
	b := st.blocks[st.blockAt(p)]
	return strings.TrimSpace(st.text[min(b.s, p):p]) == ""
}

// paraGap counts the paragraphs between offsets a and b.
func (st *docState) paraGap(a, b int) int {
	return st.blocks[st.blockAt(b)].para - st.blocks[st.blockAt(a)].para
}

// speakerWords reads the speaker of q from the words around it: an
// attribution after the quote, the words that introduce it, or the block
// before it that ends "X said:". It returns the category and name it
// finds ("" when none) and how it found them.
func (st *docState) speakerWords(q *qspan, run *quoteRun) (cat, name, why string) {
	s := st.contextStart(q)
	ctx := st.unquoted(s, q.open)
	if strings.TrimSpace(ctx) == "" {
		// "X said:" ends the block before
		bi := st.blockAt(q.open)
		if bi > 0 {
			pb := st.blocks[bi-1]
			pt := strings.TrimSpace(st.unquoted(pb.s, pb.e))
			if strings.HasSuffix(pt, ":") || strings.HasSuffix(pt, "said") {
				ctx = pt
			}
		}
	}
	// an attribution after the quote counts when nothing before it in its
	// sentence introduces it: “…,” said Dr Vale. / “…,” she added.
	introduced := strings.HasSuffix(strings.TrimSpace(ctx), ":") || reSaidVerb.MatchString(ctx) ||
		reNounCue.MatchString(ctx) || reAccord.MatchString(ctx)
	if !introduced {
		if a := st.afterQuote(q); a != "" {
			subj := ""
			if m := reAfterVerbFirst.FindStringSubmatch(a); m != nil {
				subj = m[2]
			} else if m := reAfterVerbLast.FindStringSubmatch(a); m != nil && okAfterSubject(m[1]) {
				subj = m[1]
			}
			if subj != "" {
				if c, n, ok := st.resolveSubject(subj, run); ok {
					return c, n, "after: '" + strings.TrimSpace(subj) + "'"
				}
			}
			// “…” by patients
			if m := reByAgent.FindStringSubmatch(a); m != nil && strings.HasPrefix(strings.TrimSpace(strings.ToLower(a)), "by ") {
				if c, _ := category(m[1], run.otherReg); c != "" {
					return c, personName(m[1]), "after: 'by " + strings.TrimSpace(m[1]) + "'"
				}
			}
		}
	}
	l := strings.ToLower(ctx)
	if strings.Contains(l, "told to") || strings.Contains(l, "been told") || strings.Contains(l, "ordered to") || strings.Contains(l, "asked to") {
		if run.cqcDoc {
			return extract.SpeakerCQC, "", "told to act"
		}
	}
	// "comments from patients included", "according to the report"
	for _, re := range []*regexp.Regexp{reNounCue, reAccord} {
		if ms := re.FindAllStringSubmatchIndex(ctx, -1); ms != nil {
			m := ms[len(ms)-1]
			who := ctx[m[2]:m[3]]
			if e := reNounEnd.FindStringIndex(who); e != nil {
				who = who[:e[0]]
			}
			c, _ := category(who, run.otherReg)
			if c == "" {
				c = extract.SpeakerOther
			}
			return c, personName(who), "from: '" + strings.TrimSpace(who) + "'"
		}
	}
	cues := reSaidVerb.FindAllStringIndex(ctx, -1)
	if len(cues) > 0 || strings.HasSuffix(strings.TrimSpace(ctx), ":") {
		head := ctx
		if len(cues) > 0 {
			c := cues[len(cues)-1]
			// the words between the last quote before the verb and it
			start := strings.LastIndex(ctx[:c[0]], "   ")
			if start < 0 {
				start = 0
			}
			head = ctx[start:c[0]]
			if rePassive.MatchString(head) {
				// "the trust was warned by the CQC", "was found to have"
				for _, rest := range []string{ctx[c[1]:], st.afterQuote(q)} {
					if m := reByAgent.FindStringSubmatch(rest); m != nil {
						if cc, _ := category(m[1], run.otherReg); cc != "" {
							return cc, personName(m[1]), "passive: 'by " + strings.TrimSpace(m[1]) + "'"
						}
					}
				}
				if run.cqcDoc {
					return extract.SpeakerCQC, "", "passive: '" + strings.TrimSpace(ctx[c[0]:c[1]]) + "'"
				}
				return extract.SpeakerOther, "", "passive: '" + strings.TrimSpace(ctx[c[0]:c[1]]) + "'"
			}
			if strings.TrimSpace(head) == "" || strings.TrimSpace(strings.Trim(head, ",;")) == "" {
				head = ctx[:cues[0][0]]
			}
		}
		if c, n, ok := st.resolveSubject(head, run); ok {
			return c, n, "before: '" + strings.TrimSpace(head) + "'"
		}
		if len(cues) > 0 {
			// the first speaker named in the sentence
			if first := ctx[:cues[0][0]]; first != head {
				if c, n, ok := st.resolveSubject(first, run); ok {
					return c, n, "before: '" + strings.TrimSpace(first) + "'"
				}
			}
			if namesBody(head) {
				// "Healthwatch Northvale said": a body of no known kind
				return extract.SpeakerOther, "", "before: '" + strings.TrimSpace(head) + "'"
			}
		}
	}
	if len(cues) == 0 {
		// "trust 'must improve'": a demand quoted without its speaker is the regulator's
		switch strings.ToLower(strings.Fields(st.text[q.s:q.e] + " x")[0]) {
		case "must", "should", "needs":
			if run.cqcDoc {
				return extract.SpeakerCQC, "", "demand"
			}
		}
	}
	if c, _ := category(ctx, run.otherReg); c != "" {
		return c, "", "sentence: '" + strings.TrimSpace(ctx) + "'"
	}
	return "", "", ""
}

// namesBody reports a capitalised word in s, past its first word (which
// may be capitalised for opening the sentence), that is not a role or a
// function word: the name of a body or a person.
func namesBody(s string) bool {
	for i, w := range strings.Fields(s) {
		w = strings.Trim(w, ",.;:()'’\"“”‘")
		r, _ := utf8.DecodeRuneInString(w)
		if i > 0 && unicode.IsUpper(r) && !roleWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// resolveSubject reads a speaker from the subject of a reporting verb:
// a pronoun (the last named speaker), a name, a role, a body.
func (st *docState) resolveSubject(subj string, run *quoteRun) (cat, name string, ok bool) {
	if m := rePronoun.FindStringSubmatch(subj); m != nil {
		switch strings.ToLower(m[1]) {
		case "he", "she":
			if run.lastName != "" {
				return run.lastCat, run.lastName, true
			}
		}
		if run.last >= 0 {
			p := st.quoteSpans[run.last]
			return p.speaker, p.name, true
		}
		return "", "", false
	}
	name = personName(subj)
	if name == "" {
		// "Parker-Evans continued:", "Mrs Walker said"
		for _, w := range strings.Fields(subj) {
			w = strings.Trim(w, ",;:")
			if p, ok := run.persons[strings.ToLower(w)]; ok {
				name = p[0]
				break
			}
		}
	}
	if name == "" && st.t != nil && hasCapitalWord(subj) && len(strings.Fields(subj)) <= 16 {
		name = cleanPerson(st.t.personIn(subj))
	}
	cat, _ = category(subj, run.otherReg)
	return cat, name, cat != "" || name != ""
}

func hasCapitalWord(s string) bool {
	ws := strings.Fields(s)
	for i, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		if i > 0 && unicode.IsUpper(r) && !roleWords[strings.ToLower(strings.Trim(w, ",.;:"))] {
			return true
		}
	}
	return false
}

func cleanPerson(s string) string {
	ws := strings.Fields(s)
	for _, w := range ws {
		if roleWords[strings.ToLower(w)] {
			return ""
		}
	}
	return s
}

func lastWord(name string) string {
	ws := strings.Fields(name)
	for k := len(ws) - 1; k >= 0; k-- {
		switch ws[k] {
		case "OBE", "MBE", "CBE", "DBE", "KBE":
			continue
		}
		return ws[k]
	}
	return ""
}

// enclosing tracks, over the spans in order, the taken quote that reaches
// furthest, so as to tell the spans inside a taken quote: a slogan or
// rating word in single marks inside a double-quoted statement is part of
// that statement.
type enclosing struct{ open, end int }

func (en *enclosing) take(q qspan) {
	if q.e > en.end {
		en.open, en.end = q.open, q.e
	}
}

func (en *enclosing) holds(q qspan) bool {
	return en.end > 0 && en.open < q.open && q.e <= en.end
}

// echoes indexes the short quoted phrases taken in a document.
type echoes map[string]int

func (st *docState) echoIndex(run *quoteRun) echoes {
	ix := echoes{}
	for k := range run.accepted {
		o := st.quoteSpans[k]
		if o.statement {
			continue
		}
		p := normPhrase(st.text[o.s:o.e])
		if n := len(strings.Fields(p)); n == 0 || n > 6 {
			continue
		}
		if j, ok := ix[p]; !ok || k < j {
			ix[p] = k
		}
	}
	return ix
}

// echoOf returns a quote taken elsewhere in the document that span i
// repeats: a crosshead (‘Poor culture’ on a line of its own) that is a
// quoted phrase word for word, or marks around part of a quoted phrase
// (an “oppressive” culture, where “oppressive culture” is quoted). It
// returns -1 when none.
func (st *docState) echoOf(i int, ix echoes) int {
	q := st.quoteSpans[i]
	w := normPhrase(st.text[q.s:q.e])
	if len(w) < 4 || len(ix) == 0 {
		return -1
	}
	b := st.blocks[st.blockAt(q.open)]
	if strings.TrimSpace(strings.Trim(strings.TrimSpace(st.text[b.s:b.e]), "‘’'“”\"")) == strings.TrimSpace(st.text[q.s:q.e]) {
		if k, ok := ix[w]; ok {
			return k
		}
	}
	// the words just outside the marks, to complete a partly marked phrase
	_, n := decodeAt(st.text, q.e)
	after := strings.Fields(normPhrase(st.text[q.e+n : min(len(st.text), q.e+n+80)]))
	before := strings.Fields(normPhrase(st.text[max(0, q.open-80):q.open]))
	best := -1
	for j := 1; j <= 5; j++ {
		if j <= len(after) {
			if k, ok := ix[w+" "+strings.Join(after[:j], " ")]; ok && (best < 0 || k < best) {
				best = k
			}
		}
		if j <= len(before) {
			if k, ok := ix[strings.Join(before[len(before)-j:], " ")+" "+w]; ok && (best < 0 || k < best) {
				best = k
			}
		}
	}
	return best
}

func (st *docState) tagQuotes() {
	cqcDoc, otherReg := st.regulatorOf()
	run := &quoteRun{
		persons:   map[string][2]string{},
		last:      -1,
		lastInPar: map[int]int{},
		cqcDoc:    cqcDoc,
		otherReg:  otherReg,
		verdicts:  make([]verdict, len(st.quoteSpans)),
		accepted:  map[int]bool{},
		cued:      map[int]bool{},
	}
	whys := make([]string, len(st.quoteSpans))
	var outer enclosing
	stopped := false
	for i := range st.quoteSpans {
		if i%64 == 0 && st.ctx.Err() != nil {
			stopped = true // keep the quotes found so far
			break
		}
		q := &st.quoteSpans[i]
		if q.cont >= 0 && !st.quoteSpans[q.cont].ok {
			q.cont = -1
		}
		v, rule := st.judge(i, run)
		if outer.holds(*q) && !strings.HasPrefix(rule, "cue ") {
			// part of the statement around it, unless the statement
			// itself reports it: “Their findings reflect … that ‘…’.”
			continue
		}
		run.verdicts[i] = v
		if v != quoted {
			continue
		}
		q.ok = true
		how := st.attribute(i, run)
		name, mention, _ := strings.Cut(rule, " ")
		if mention != "" {
			mention += ", "
		}
		whys[i] = "quote-" + name + ": " + mention + "speaker " + q.speaker + " (" + how + ")"
		run.accepted[i] = true
		outer.take(*q)
		run.cued[i] = strings.HasPrefix(rule, "cue ")
		run.last = i
		run.lastInPar[st.blocks[st.blockAt(q.open)].para] = i
	}
	// quotes that nothing reports but that repeat a reported finding
	ix := st.echoIndex(run)
	outer = enclosing{}
	for i := range st.quoteSpans {
		if stopped {
			break
		}
		if run.accepted[i] {
			outer.take(st.quoteSpans[i])
		}
		if run.verdicts[i] != unreported || outer.holds(st.quoteSpans[i]) {
			continue
		}
		k := st.echoOf(i, ix)
		if k < 0 {
			continue
		}
		q := &st.quoteSpans[i]
		q.ok = true
		q.speaker = st.quoteSpans[k].speaker
		whys[i] = "quote-echo: repeats '" + clean(st.text[st.quoteSpans[k].s:st.quoteSpans[k].e]) + "', speaker " + q.speaker
	}
	for i, q := range st.quoteSpans {
		if !q.ok {
			continue
		}
		f := extract.Finding{Kind: extract.KindQuote, Speaker: q.speaker, SpeakerName: q.name, Why: whys[i]}
		st.add(f, q.s, q.e)
	}
}

// normPhrase returns s in lower case, its words without the punctuation
// around them, separated by single spaces.
func normPhrase(s string) string {
	ws := strings.Fields(strings.ToLower(s))
	out := ws[:0]
	for _, w := range ws {
		if w = strings.Trim(w, ".,;:!?‘’'“”\"()"); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
