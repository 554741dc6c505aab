package tag

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

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
		for j < len(t) && j-s < maxQuote {
			if c, m := closer(t, j); c {
				q.e, q.closed = j, true
				end = j + m
				break
			}
			r, m := decodeAt(t, j)
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
	if !unicode.IsUpper(r) {
		return false
	}
	ws := strings.Fields(q)
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
	"feedback", "findings", "report", "according", "described", "reflect", "reflects", "labelled", "branded")

var followNouns = set("link", "links", "tab", "button", "page", "award", "awards", "programme", "scheme",
	"initiative", "campaign", "policy", "strategy", "framework", "model", "approach", "training",
	"event", "events", "sessions", "session", "project", "toolkit", "video", "videos", "group", "forum", "app")

// judge decides whether span q is a quoted finding or statement.
func (st *docState) judge(i int) bool {
	q := &st.quoteSpans[i]
	t := st.text
	inner := strings.TrimSpace(clean(t[q.s:q.e]))
	if inner == "" {
		return false
	}
	lower := strings.ToLower(inner)
	words := strings.Fields(strings.Trim(lower, ".,;:!?'\"“”‘’"))
	if len(words) == 0 {
		return false
	}
	allRating := true
	for _, w := range words {
		if !ratingVocab[strings.Trim(w, ",.;:!?()'’")] {
			allRating = false
			break
		}
	}
	if allRating {
		return false
	}
	if strings.HasPrefix(lower, "are services") || strings.Contains(lower, "are services at this") || strings.HasPrefix(lower, "is the service") || strings.HasPrefix(lower, "is it ") || strings.HasPrefix(lower, "are they ") {
		return false
	}
	// a defined term or abbreviation in brackets: (“CQC”), ('the CQC report')
	before := strings.TrimRight(t[max(0, q.open-3):q.open], " ")
	after := t[q.e:min(len(t), q.e+16)]
	after = strings.TrimLeft(after, "”\"’'")
	if strings.HasSuffix(before, "(") && strings.HasPrefix(strings.TrimLeft(after, " "), ")") {
		return false
	}
	al := strings.ToLower(strings.TrimLeft(after, " "))
	if strings.HasPrefix(al, "means") || strings.HasPrefix(al, "refers to") || strings.HasPrefix(al, "shall mean") {
		return false
	}
	fw := ""
	if f := strings.Fields(al); len(f) > 0 {
		fw = strings.Trim(f[0], ",.;:")
	}
	stmt := q.statement
	if !stmt && followNouns[fw] {
		return false
	}
	if !stmt && isTitle(inner) {
		return false
	}
	if len(words) == 1 && !stmt {
		w := strings.Fields(inner)[0]
		if hasInnerUpper(w) {
			return false // an abbreviation or a name: 'WeImproveQ', "CQC"
		}
	}
	if !stmt && len(words) <= 14 {
		if _, at := coreService(lower); at >= 0 && at <= 4 {
			return false
		}
		if strings.HasPrefix(al, "which were rated") || strings.HasPrefix(al, "was rated") || strings.HasPrefix(al, "were rated") || strings.HasPrefix(al, "and ‘") || strings.HasPrefix(al, "and '") {
			if strings.Contains(strings.ToLower(t[q.e:min(len(t), q.e+300)]), "rated") {
				return false
			}
		}
	}
	if q.para || q.cont >= 0 || stmt {
		return true
	}
	switch words[0] {
	case "must", "should", "will", "needs", "need", "cannot", "can't":
		return true
	}
	return st.hasCue(q)
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

// hasCue reports words that report a statement before the quote in its
// sentence ("the report highlights", "said", a colon) or after it
// ("..., said Dr Smith").
func (st *docState) hasCue(q *qspan) bool {
	s := st.sentenceStartBefore(q.open)
	ctx := strings.TrimRight(st.text[s:q.open], " \t")
	if strings.HasSuffix(ctx, ":") || strings.HasSuffix(ctx, ",") && strings.HasSuffix(strings.TrimRight(ctx, ","), "that") {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(ctx)) {
		w = strings.Trim(w, ",.;:!?()'’\"“”‘")
		if reportVerbs[w] {
			return true
		}
	}
	after := strings.ToLower(st.text[q.e:min(len(st.text), q.e+40)])
	after = strings.TrimLeft(after, "”\"’', ")
	return strings.HasPrefix(after, "said") || strings.HasPrefix(after, "says") || strings.HasPrefix(after, "added")
}

var (
	reName = regexp.MustCompile(`(?:\b(Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Sir|Dame|Lord|Lady|Baroness|Cllr|Councillor)\.?\s+)?\b([A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]*(?:[-'’][A-Z]?[a-z]+)?){0,2})(\s+(?:OBE|MBE|CBE|DBE|KBE))?`)

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
		"london", "officer", "assistant", "associate", "clinical", "corporate", "non", "chairwoman")

	reCQCWords     = regexp.MustCompile(`(?i)\b(cqc|cqc's|care quality commission|commission|inspectors?|inspection team|inspection|regulator|watchdog|chief inspector|findings|(?:the|their|its|cqc|cqc's|inspection) report|report said|report says|report found)\b`)
	reTrustWords   = regexp.MustCompile(`(?i)\b(trust|chief executive|executive|medical director|director of nursing|nursing officer|medical officer|chair|chairman|chairwoman|spokesperson|spokeswoman|spokesman|the hospital|the practice|the home|staff|manager|managers|matron|nurse|consultant|midwife|the board)\b`)
	rePatientWords = regexp.MustCompile(`(?i)\b(patients?|one person|a person|people using|people who use|service users?|residents?|a woman|a man|a mother|a father|one man|one woman|a patient|people told|person said|people said)\b`)
	reOtherWords   = regexp.MustCompile(`(?i)\b(relatives?|family members?|families|carers?|son|daughter|wife|husband|partner|friend|visitors?|commissioners?|council|mp|union|the act|s\.\s?\d+|section \d+|legislation|the law|regulations? \d+|coroner)\b`)
)

// category returns the speaker category named first in s, and where.
func category(s string) (string, int) {
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

var reSaidVerb = regexp.MustCompile(`(?i)\b(said|says|added|continued|commented|stated|states|stating|explained|told|wrote|writes|admitted|highlights|highlighted|recognised|describes|described|found|reported|reflect|reflects)\b`)

// attribute sets the speaker of quote i.
func (st *docState) attribute(i int, persons map[string][2]string, lastInPara map[int]int) {
	q := &st.quoteSpans[i]
	if q.cont >= 0 {
		p := st.quoteSpans[q.cont]
		q.speaker, q.name = p.speaker, p.name
		return
	}
	s := st.sentenceStartBefore(q.open)
	ctx := st.text[s:q.open]
	if strings.TrimSpace(ctx) == "" {
		// "X said:" ends the block before
		bi := st.blockAt(q.open)
		if bi > 0 {
			pb := st.blocks[bi-1]
			pt := strings.TrimSpace(st.text[pb.s:pb.e])
			if strings.HasSuffix(pt, ":") || strings.HasSuffix(pt, "said") {
				ctx = pt
			}
		}
	}
	ctx = clean(ctx)
	cue := reSaidVerb.FindAllStringIndex(ctx, -1)
	name := ""
	role := ctx
	if len(cue) > 0 || strings.HasSuffix(strings.TrimSpace(ctx), ":") {
		head := ctx
		if len(cue) > 0 {
			head = ctx[:cue[0][0]]
		}
		name = personName(head)
		if name == "" {
			// "Parker-Evans continued:", "Mrs Walker said"
			for _, w := range strings.Fields(head) {
				w = strings.Trim(w, ",;:")
				if p, ok := persons[strings.ToLower(w)]; ok {
					name = p[0]
					break
				}
			}
		}
		if name == "" && len(cue) > 0 && st.t != nil && hasCapitalWord(head) {
			name = cleanPerson(st.t.personIn(head))
		}
		role = head
	}
	cat, _ := category(role)
	l := strings.ToLower(ctx)
	if len(cue) == 0 {
		// "trust 'must improve'": a demand quoted without its speaker is the regulator's
		switch strings.ToLower(strings.Fields(st.text[q.s:q.e] + " x")[0]) {
		case "must", "should", "needs":
			cat = extract.SpeakerCQC
		}
	}
	if strings.Contains(l, "told to") || strings.Contains(l, "been told") || strings.Contains(l, "ordered to") || strings.Contains(l, "asked to") {
		cat = extract.SpeakerCQC
	}
	if name != "" {
		if surname := lastWord(name); surname != "" {
			if p, ok := persons[strings.ToLower(surname)]; ok {
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
	if cat == "" {
		if k, ok := lastInPara[st.blocks[st.blockAt(q.open)].para]; ok {
			cat = st.quoteSpans[k].speaker
			if name == "" {
				name = st.quoteSpans[k].name
			}
		}
	}
	if cat == "" {
		r, _ := utf8.DecodeRuneInString(st.text[q.s:q.e])
		switch {
		case !unicode.IsUpper(r):
			cat = extract.SpeakerCQC
		case st.trustVoice:
			cat = extract.SpeakerTrust
		default:
			cat = extract.SpeakerCQC
		}
	}
	q.speaker, q.name = cat, name
	if name != "" {
		persons[strings.ToLower(lastWord(name))] = [2]string{name, cat}
	}
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

func (st *docState) tagQuotes() {
	persons := map[string][2]string{}
	lastInPara := map[int]int{}
	for i := range st.quoteSpans {
		if i%64 == 0 && st.ctx.Err() != nil {
			return
		}
		q := &st.quoteSpans[i]
		if q.cont >= 0 && !st.quoteSpans[q.cont].ok {
			q.cont = -1
		}
		q.ok = st.judge(i)
		if !q.ok {
			continue
		}
		st.attribute(i, persons, lastInPara)
		lastInPara[st.blocks[st.blockAt(q.open)].para] = i
		f := extract.Finding{Kind: extract.KindQuote, Speaker: q.speaker, SpeakerName: q.name}
		st.add(f, q.s, q.e)
	}
}
