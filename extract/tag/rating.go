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

// ratingState carries what the rating rules learn across sentences.
type ratingState struct {
	lastSubject  string // the last subject named with a rating
	section      string // the core service whose section this is, from its heading
	history      map[[2]string]string
	prevHistory  int  // index of the last sentence read as history, or -1
	sameNext     bool // "Our rating of this service stayed the same."
	index        map[ratingKey]int
	covered      [][2]int // spans read as grids and tables
	cur          int      // the sentence being read
	trustRef     int      // the last sentence "Our rating of this trust …", or -1
	domRef       int      // the last sentence "Our rating of safe …", or -1
	domRefVal    string   // the key question it names
	sections     []sectionEvent
	fromSection  bool            // subjectBefore named the section's service
	pending      []pendingHit    // grid and table ratings not yet recorded
	svc          string          // the core service last named as a subject …
	svcSent      int             // … in this sentence
	histPara     int             // a paragraph that tells of an earlier visit, or -1
	lastSubjSent int             // the sentence lastSubject was named in
	same         map[string]bool // services whose overall rating "remained the same"
}

// sectionEvent is a heading that starts a core service section (section
// set) or a part of the report about the trust as a whole (section "").
type sectionEvent struct {
	at      int
	section string
}

// ratingKey identifies a rating finding: a repeat of one is merged into
// it. Ratings read from grids and core service sections are keyed by page
// too, so that each grid and section keeps its own; others once a
// document.
type ratingKey struct {
	subject, domain, rating string
	page                    int
}

var (
	reHistory = regexp.MustCompile(`(?i)\b(last rating|previous rating|had (?:previously )?been rated|had been given|rating at (?:the|its|our) last|previous inspection|last inspection|previous report|last report|last inspected|when we last|last rated|at (?:an|our|the) (?:previous |last |earlier )?inspection (?:in|on)|previously inspected|prior inspection|in our last|the last time we)\b`)
	// "We carried out an announced comprehensive inspection of this
	// practice on 5 April 2016 when we rated …": an earlier visit told as
	// history in a later report
	reEarlierVisit = regexp.MustCompile(`(?:^|\n|\. )we (?:previously )?(?:carried out|undertook|conducted|completed) (?:an? |our )?(?:[a-z-]+ ){0,4}inspection (?:of [a-z' ]{2,40} )?(?:on|in) (?:\d{1,2} )?(?:january|february|march|april|may|june|july|august|september|october|november|december) \d{4}[ ,]+(?:when|which|where|at which)\b`)
	reSince        = regexp.MustCompile(`(?i)\bsince (?:the|our|its|their) (?:last|previous|prior) inspection`)
	reContHis      = regexp.MustCompile(`(?i)\b((?:was|were|had been) (?:still |previously |also |again )?rated|we rated|they rated|continued to be rated|was revised)\b`)
	reNowCur       = regexp.MustCompile(`(?i)\b(now|this inspection|is rated|are rated|currently)\b`)
	reSameNxt      = regexp.MustCompile(`(?i)\brating of [\w -]{2,40}?\b(?:stayed|remained) the same\b`)
	reDomRef       = regexp.MustCompile(`^our rating (?:of|for) (safe|effective|caring|responsive|well[- ]led)\b`)
	reQuoted       = regexp.MustCompile(`[‘'“"]([^‘’'“”"]{3,160})[’'”"](?:,? and [‘'“"]([^‘’'“”"]{3,160})[’'”"])*\s+(?:which|that|who)?\s*(?:were|was|have been|has been|are|is)\s+(?:both\s+)?rated`)
	reQuoted1      = regexp.MustCompile(`[‘'“"]([^‘’'“”"]{3,160})[’'”"]`)
	reAggr         = regexp.MustCompile(`(?i)\b(?:\d{1,2}|1[02-9]\d|[2-9]\d{2}|\d{4,}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|many|several|some|most|all|few|any|other|those|these)\b(?: out)?(?: of)?(?: (?:the|our|its|their|these|those))?(?: [\w'’-]+){0,4} (?:services|practices|wards|areas|locations|hospitals|homes|units|teams|service|practice|ward|location|hospital|home|unit|team|providers|trusts)(?: inspected| visited)?(?: (?:which|that|who))?(?: (?:have|has|were|are|was|is))?(?: been)?(?: previously| now| all| also| currently)? (?:rated|judged|requiring|require|requires|achieved|received)\b|\bnumber of\b|\b(?:the|those|other|some|these) areas\b(?: (?:which|that|who))?(?: (?:have|has|were|are))?(?: been)? (?:rated|achieved)|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:have|has|were|are|was)?\s*(?:now\s+|all\s+|also\s+)?(?:been\s+)?rated\b`)
	reAllKQ        = regexp.MustCompile(`^(?:all|each) (?:of )?(?:the |its |our )?(?:five |5 )?(?:of )?(?:the |its )?(?:cqc'?s? )?(?:key questions?|kqs?|domains?|areas|categories|key areas|key lines|inspection areas|questions)|^the board\b`)
	reRatedN       = regexp.MustCompile(`(?i)\b(?:rated|judged) (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|all|most|some|many|several|none) (?:out )?of\b`)
	reRatedIt      = regexp.MustCompile(`\b(?:rated|rate) (?:it|this)\b`)
	reTrustIt      = regexp.MustCompile(`(?i)\brating (?:of|for) (?:this|the) (?:trust|provider|organisation)\b`)
)

var fillers = set("rated", "rate", "rates", "rating", "ratings", "for", "as", "being", "been", "be",
	"was", "were", "is", "are", "has", "have", "had", "the", "our", "its", "their", "also", "still",
	"both", "domain", "domains", "key", "question", "questions", "judged", "remain", "remains",
	"remained", "remaining", "retained", "change", "changed", "changes", "to", "at", "of", "which",
	"downgraded", "upgraded", "improved", "progressed", "from", "this", "now", "again", "currently",
	"previously", "how", "it", "its", "in", "with", "a", "an", "there", "?", ":", "-", ",", "(", ")", "'", "now", "that",
	"trust", "location", "service", "hospital", "provider", "practice")

var followers = set("rating", "ratings", "overall", "status", "remains", "remained", "remain", "stays", "stayed", "for", "in", "and", "or", "by", "with", "at",
	"across", "since", "following", "after", "on", "under", "due", "because", "which", "as", "from",
	"to", "but", "read", "are", "is", "was", "were", "this", "that", "when", "while", "whilst",
	"having", "again", "too", "also", "there", "it", "we", "they", "two", "three", "four", "five",
	"six", "one", "both", "said", "says", "according", "so", "until", "during", "last", "previously",
	"then", "now", "rather", "compared", "same", "in", "within", "among", "amongst", "not")

var cues = set("rated", "assessed", "graded", "previously", "formerly", "fell", "fallen", "rose", "risen", "slipped", "climbed", "jumped", "rate", "rates", "rating", "ratings", "judged", "remain", "remains", "remained",
	"remaining", "retained", "retain", "retains", "downgraded", "upgraded", "improved", "progressed",
	"deteriorated", "given", "awarded", "received", "receiving", "moved", "dropped", "went", "gone", "rerated", "re-rated",
	"stayed", "stays")

var determiners = set("a", "an", "very", "many", "some", "more", "most", "so", "too", "really", "such",
	"less", "quite", "particularly", "generally", "fairly", "reasonably", "mostly")

var numberWords = set("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")

var negations = set("no", "not", "never", "none", "longer", "nor", "neither", "any", "failed", "fail", "fails", "failing", "without")

var targets = set("towards", "toward", "aim", "aims", "aiming", "ambition", "aspire", "aspires",
	"aspiration", "goal", "target", "strive", "striving", "achieving", "become", "becoming", "want", "hope")

var sameBefore = set("continues", "continue", "retained", "retain", "retains", "remain", "remains", "remained", "remaining", "again", "maintained", "maintains", "kept", "keeps", "stayed", "stays")

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// rHit is one rating read from a sentence.
type rHit struct {
	rating, previous string
	domains          []string
	subjects         []string
	history          bool // states an earlier rating
	asPrev           bool // gives the previous rating of another hit in the sentence
	upFrom           bool // "outstanding, up from good": previous of the hit before
	local            bool // from a grid or a core service section: merged only with repeats on its page
	tokIdx           int
	why              string // the rules that made it, for --explain
}

func (st *docState) tagRatings() {
	st.rs = ratingState{history: map[[2]string]string{}, prevHistory: -1, index: map[ratingKey]int{}, trustRef: -1, domRef: -1, histPara: -1}
	lines := textLines(st.text)
	st.rs.sections = st.serviceSections(lines)
	st.placeSections(lines, st.rs.sections)
	st.tables = st.tagTables()
	st.rs.covered = coverTables(st.tables, st.tagLineGrids(blankLines(lines, st.tables)))
	sort.SliceStable(st.rs.pending, func(a, b int) bool { return st.rs.pending[a].sn.s < st.rs.pending[b].sn.s })
	cov, sec, pend := 0, 0, 0
	defer func() {
		for ; pend < len(st.rs.pending); pend++ {
			st.addPending(st.rs.pending[pend])
		}
	}()
	for si, sn := range st.sents {
		if si%64 == 0 && st.ctx.Err() != nil {
			return
		}
		for ; pend < len(st.rs.pending) && st.rs.pending[pend].sn.s <= sn.s; pend++ {
			st.addPending(st.rs.pending[pend])
		}
		st.rs.cur = si
		for sec < len(st.rs.sections) && st.rs.sections[sec].at <= sn.s {
			st.rs.section = st.rs.sections[sec].section
			sec++
		}
		for cov < len(st.rs.covered) && st.rs.covered[cov][1] <= sn.s {
			cov++
		}
		if cov < len(st.rs.covered) && st.rs.covered[cov][0] < sn.e {
			continue // read as a grid or table
		}
		l := st.lower[sn.s:sn.e]
		ratingish := mayRate(l)
		if strings.Contains(l, "inspection") && strings.Contains(l, "we ") && reEarlierVisit.MatchString(l) {
			st.rs.histPara = st.blocks[sn.blk].para
		}
		if strings.Contains(l, "rating") {
			if reTrustIt.MatchString(l) {
				st.rs.trustRef = si
			}
			if m := reDomRef.FindStringSubmatch(l); m != nil {
				st.rs.domRef, st.rs.domRefVal = si, domainWords[strings.Replace(m[1], " ", "-", 1)]
			}
			// "Our rating of the maternity service at X Hospital stayed the
			// same." names the service the next sentences rate
			if (strings.Contains(l, "rating of") || strings.Contains(l, "rating for")) && !hasRatingWord(l) && coreServiceAfterRating(l) {
				if ts := tokenize(st.text, sn.s, sn.e); len(ts) > 0 {
					if name := st.namedSubject(sn, ts, 0, len(ts)); leadingService(strings.ToLower(name)) != "" {
						st.rs.svc, st.rs.svcSent = name, si
					}
				}
			}
		}
		if strings.Contains(l, "the same") {
			st.sameServices(l)
		}
		if !ratingish {
			if strings.Contains(l, "the same") {
				st.sentenceRatings(si, sn, nil)
			}
			continue
		}
		st.sentenceRatings(si, sn, tokenize(st.text, sn.s, sn.e))
	}
}

// sectionStarts are headings of the parts of a CQC report that are about
// the trust or a location as a whole rather than one core service.
var sectionStarts = []string{"overall trust", "summary of findings", "overall summary", "what we found", "ratings tables",
	"ratings for ", "areas for improvement", "action we have taken", "what happens next", "background to the trust",
	"our inspection team", "how we carried out", "requirement notices", "enforcement actions", "are services ",
	"about the trust", "summary of services", "facts and data about this trust", "outstanding practice across the trust"}

// serviceSections finds the headings that start and end the core service
// sections of a report: a line naming a core service by itself ("Maternity",
// "Acute wards for adults of working age and psychiatric" wrapped onto
// "intensive care units") starts one; a heading of a part about the trust
// as a whole ("Overall trust", "Are services safe?", "Ratings for …")
// ends it. Other headings (key facts, key questions, topics) leave it as
// it is. Lines are read rather than blocks, because a heading at the top
// of a page can be joined to the last line of the page before.
func (st *docState) serviceSections(lines []lineSpan) []sectionEvent {
	var out []sectionEvent
	full := fullLine(st.text)
	for i, ln := range lines {
		if ln.s == ln.e || ln.e-ln.s > 90 {
			continue
		}
		// the line before ends a sentence or a paragraph, or is short
		if i > 0 {
			p := lines[i-1]
			if p.s != p.e && p.e-p.s >= full {
				if r, _ := utf8.DecodeLastRuneInString(st.text[p.s:p.e]); !strings.ContainsRune(".:!?”\"'’", r) {
					continue
				}
			}
		}
		t := st.text[ln.s:ln.e]
		if strings.ContainsRune(".;,", rune(t[len(t)-1])) {
			continue
		}
		l := strings.Join(strings.Fields(st.lower[ln.s:ln.e]), " ")
		if len(strings.Fields(l)) > 12 {
			continue
		}
		reset := false
		for _, p := range sectionStarts {
			if strings.HasPrefix(l, p) || l == strings.TrimSpace(p) {
				reset = true
				break
			}
		}
		if reset || st.provider != "" && strings.EqualFold(strings.Join(strings.Fields(t), " "), st.provider) {
			out = append(out, sectionEvent{at: ln.s})
			continue
		}
		if leadingService(l) == "" || hasRatingWord(l) || strings.Contains(l, "rated") {
			continue
		}
		name := strings.Join(strings.Fields(t), " ")
		// a heading wrapped onto a second line in lower case
		if i+1 < len(lines) {
			n := lines[i+1]
			if n.s != n.e && n.e-n.s < 40 {
				if r, _ := utf8.DecodeRuneInString(st.text[n.s:n.e]); unicode.IsLower(r) && !strings.ContainsAny(st.text[n.s:n.e], ".,;") {
					name += " " + strings.Join(strings.Fields(st.text[n.s:n.e]), " ")
				}
			}
		}
		out = append(out, sectionEvent{at: ln.s, section: strings.TrimRight(name, ":")})
	}
	return out
}

// hasRatingWord reports a rating word in lower-case text l.
func hasRatingWord(l string) bool {
	for _, w := range []string{"good", "outstanding", "inadequate", "requires improvement"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

var rateWords = []string{"good", "outstanding", "inadequate", "requir", "safe", "effective", "caring", "responsive", "well-led", "well led", "wellled"}

// mayRate is the cheap test before the rating rules run: l holds one of
// rateWords. It reads l once.
func mayRate(l string) bool {
	for i := 0; i < len(l); i++ {
		var c []string
		switch l[i] {
		case 'g':
			c = rateWords[0:1]
		case 'o':
			c = rateWords[1:2]
		case 'i':
			c = rateWords[2:3]
		case 'r':
			c = []string{"requir", "responsive"}
		case 's':
			c = rateWords[4:5]
		case 'e':
			c = rateWords[5:6]
		case 'c':
			c = rateWords[6:7]
		case 'w':
			c = rateWords[8:]
		default:
			continue
		}
		for _, w := range c {
			if strings.HasPrefix(l[i:], w) {
				return true
			}
		}
	}
	return false
}

// historyWords reports whether lower-case text l holds a word that every
// match of reHistory or reEarlierVisit holds, so that they need not run.
func historyWords(l string) bool {
	return strings.Contains(l, "last") || strings.Contains(l, "previous") || strings.Contains(l, "had ") ||
		strings.Contains(l, "prior") || strings.Contains(l, "inspect")
}

// aggregateWords reports whether text l holds what every match of reAggr,
// reRatedN and reNumOf holds: a number, a word of quantity, "number of" or
// "areas".
func aggregateWords(l string) bool {
	if strings.ContainsAny(l, "0123456789") || strings.Contains(l, "number of") || strings.Contains(l, "areas") {
		return true
	}
	for _, w := range quantityWords {
		if hasWordAt(l, w) {
			return true
		}
	}
	return false
}

// hasWordAt reports whether l holds w as a whole word.
func hasWordAt(l, w string) bool {
	for off := 0; ; {
		k := strings.Index(l[off:], w)
		if k < 0 {
			return false
		}
		at := off + k
		end := at + len(w)
		if (at == 0 || !isWordByte(l[at-1])) && (end == len(l) || !isWordByte(l[end])) {
			return true
		}
		off = at + 1
	}
}

var quantityWords = []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
	"many", "several", "some", "most", "all", "few", "any", "other", "those", "these", "none"}

// gridHeader returns the domain columns of a ratings grid header line:
// "Safe Effective Caring Responsive Well-led Overall".
func gridHeader(ts []tok) []string {
	var cols []string
	for _, t := range ts {
		switch {
		case t.kind == kDomain && t.cap:
			cols = append(cols, t.val)
		case t.kind == kPunct:
		default:
			return nil
		}
	}
	if len(cols) >= 3 {
		return cols
	}
	return nil
}

func (st *docState) sentenceRatings(si int, sn sentence, ts []tok) {
	sameNext := st.rs.sameNext
	st.rs.sameNext = false
	raw := st.text[sn.s:sn.e]
	if strings.Contains(raw, "the same") && reSameNxt.MatchString(strings.ToLower(raw)) {
		st.rs.sameNext = true
	}
	var ri, scale []int
	for i, t := range ts {
		if t.kind == kRating {
			ri = append(ri, i)
			scale = append(scale, i)
		} else if t.w == "requires" || t.w == "requiring" {
			scale = append(scale, i)
		}
	}
	if len(ri) == 0 {
		return
	}
	lower := strings.ToLower(clean(raw))
	history := historyWords(lower) && (reHistory.MatchString(lower) || strings.HasPrefix(lower, "previously ") || reEarlierVisit.MatchString(lower)) &&
		!(strings.Contains(lower, "since") && reSince.MatchString(lower))
	histAt := -1 // where the words about the last inspection start
	if history && len(lower) == len(raw) {
		histAt = sn.s
		if m := reHistory.FindStringIndex(lower); m != nil {
			histAt += m[0]
		}
	}
	if !history && (st.rs.prevHistory == si-1 && si > 0 && st.blocks[st.sents[si-1].blk].para == st.blocks[sn.blk].para ||
		st.rs.histPara == st.blocks[sn.blk].para) &&
		reContHis.MatchString(lower) && !reNowCur.MatchString(lower) {
		history = true
	}
	if history {
		st.rs.prevHistory = si
	}
	if isScale(ts, scale) {
		return
	}
	// a single rating word alone: "Overall rating for this location" then
	// "Good" on its own line
	if len(ri) == 1 && si > 0 && onlyPunct(ts, ri[0]) {
		st.loneRating(si, sn, ts, ri[0])
		return
	}
	state := make([]byte, len(ts)) // 'p' consumed as previous, 'a' consumed by an after-list
	var hits []rHit
	for n, i := range ri {
		if state[i] != 0 {
			continue
		}
		t := ts[i]
		if !st.validRating(ts, i, len(hits) > 0) {
			continue
		}
		h := rHit{rating: t.val, tokIdx: i, history: history && !clauseBefore(ts, i, histAt)}
		// from X to Y
		if n+1 < len(ri) && ri[n+1] == i+2 && ts[i+1].w == "to" && i > 0 && (ts[i-1].w == "from" || i > 1 && ts[i-2].w == "from") {
			state[i] = 'p'
			continue
		}
		if i > 1 && ts[i-1].w == "to" && (ts[i-2].kind == kRating && state[i-2] == 'p') {
			h.previous = ts[i-2].val
		}
		// "previously rated X", "the previous X rating"
		if prevMarked(ts, i) {
			h.asPrev = true
			h.upFrom = i > 0 && (ts[i-1].w == "from" || ts[i-1].w == "(")
			state[i] = 'p'
		}
		lo := 0
		if n > 0 {
			lo = ri[n-1] + 1
		}
		if isNegated(ts, lo, i) || isTarget(ts, i) || isConditional(ts, i) || st.outOfScope(sn, ts, lo, i) != "" {
			continue
		}
		// domains after: "good for caring", "rated ... overall"
		doms, subjAt, end := afterList(ts, i)
		for k := i + 1; k < end && k < len(ts); k++ {
			state[k] = 'a'
		}
		domWhy := "key questions after"
		// "We rated safe requires improvement overall": the key question
		// rated, at the level of the whole
		if len(doms) == 1 && doms[0] == "overall" && i > 1 && ts[i-1].kind == kDomain && ts[i-1].val != "overall" && (ts[i-2].w == "rated" || ts[i-2].w == "rate") {
			doms = []string{ts[i-1].val}
		}
		for _, r := range []struct {
			name string
			find func() []string
		}{
			{"key questions before", func() []string { return domainsBefore(ts, i, state) }},
			{"key question asked after", func() []string { return keyQuestionAfter(ts, i) }},
			{"key questions heading the clause", func() []string {
				hl := lo // before a previous rating: "… have dropped from good to inadequate"
				for m := n - 1; m >= 0 && state[ri[m]] == 'p'; m-- {
					hl = 0
					if m > 0 {
						hl = ri[m-1] + 1
					}
				}
				return headDomains(ts, hl, i)
			}},
			{"key question of the sentence before", func() []string {
				if st.rs.domRef >= 0 && st.rs.domRef == si-1 && reRatedIt.MatchString(st.lower[sn.s:ts[i].s]) {
					// "Our rating of safe went down. We rated it as inadequate."
					return []string{st.rs.domRefVal}
				}
				return nil
			}},
			{"this key question: the section's", func() []string { return st.headingKeyQuestion(sn, ts[i].s) }},
			{"no key question: overall", func() []string { return []string{"overall"} }},
		} {
			if len(doms) > 0 {
				break
			}
			doms, domWhy = r.find(), r.name
		}
		h.domains = doms
		// subjects
		h.subjects = st.subjectsFor(sn, ts, i, subjAt, end)
		subjWhy := "subjects listed with the rating"
		for _, r := range []struct {
			name string
			find func() []string
		}{
			{"organisation named before a comma clause about it", func() []string {
				if n := st.appositiveSubject(sn, ts, i); n != "" {
					return []string{n}
				}
				return nil
			}},
			{"organisations named before", func() []string { return st.orgSubjects(ts, lo, i) }},
			{"services listed before", func() []string { return st.servicesBefore(ts, lo, i) }},
			{"services heading the clause", func() []string { return st.servicesHeading(ts, lo, i) }},
		} {
			if h.subjects != nil {
				break
			}
			h.subjects, subjWhy = r.find(), r.name
		}
		if h.subjects == nil {
			if st.isAggregate(ts, i, doms) {
				continue
			}
			st.rs.fromSection = false
			h.subjects = expandPlaces(st.subjectBefore(sn, ts, lo, i))
			// a section's service at a named place is one subject across pages
			h.local = st.rs.fromSection && !strings.HasSuffix(st.rs.section, ")")
			subjWhy = "subject named before, or the section, location or provider"
		}
		// previous: same as now
		prevWhy := ""
		if h.previous != "" {
			prevWhy = "previous from 'from X to Y'"
		}
		if h.previous == "" && !h.asPrev {
			if sameMarked(ts, lo, i, ri, n) || sameNext {
				h.previous = h.rating
				prevWhy = "previous: rating unchanged"
			}
		}
		if h.previous == "" && !h.asPrev {
			if p := stepsFrom(ts, lo, i, h.rating); p != "" {
				h.previous = p
				prevWhy = "previous: the rating moved by the steps stated"
			}
		}
		h.why = fmt.Sprintf("rating %q at byte %d of the sentence; key questions %s (%s); subject %s (%s)",
			st.text[t.s:t.e], t.s-sn.s, strings.Join(h.domains, ", "), domWhy, strings.Join(h.subjects, ", "), subjWhy)
		if prevWhy != "" {
			h.why += "; " + prevWhy + " (" + h.previous + ")"
		}
		hits = append(hits, h)
	}
	// previous ratings stated beside current ones
	var cur []int
	for k, h := range hits {
		if !h.asPrev && !h.history {
			cur = append(cur, k)
		}
	}
	for k, h := range hits {
		if !h.asPrev && !h.history {
			continue
		}
		if len(cur) > 0 && !h.history {
			// give it to the next current rating, else the nearest
			target := cur[len(cur)-1]
			for _, c := range cur {
				if c > k {
					target = c
					break
				}
			}
			if h.upFrom {
				target = cur[0]
				for _, c := range cur {
					if c < k {
						target = c
					}
				}
			}
			if hits[target].previous == "" {
				hits[target].previous = h.rating
			}
			continue
		}
		for _, s := range h.subjects {
			if st.isAggregateSubject(s) {
				continue
			}
			for _, d := range h.domains {
				key := [2]string{st.subjectKey(s), d}
				// visits told one by one, each dated, come in order:
				// the last told is the most recent
				if _, ok := st.rs.history[key]; !ok || st.rs.histPara == st.blocks[sn.blk].para {
					st.rs.history[key] = h.rating
				}
			}
		}
	}
	for _, k := range cur {
		st.addRating(sn, hits[k])
	}
}

// ratingScale orders the four ratings.
var ratingScale = []string{extract.RatingInadequate, extract.RatingRequiresImp, extract.RatingGood, extract.RatingOutstanding}

// stepsFrom derives the previous rating from "went up two ratings to
// good" or "dropped one rating to requires improvement".
func stepsFrom(ts []tok, lo, i int, rating string) string {
	for k := i - 1; k > lo && i-k <= 6; k-- {
		if ts[k].w != "rating" && ts[k].w != "ratings" || k < 2 {
			continue
		}
		n := map[string]int{"one": 1, "a": 1, "two": 2, "three": 3}[ts[k-1].w]
		dir := 0
		for m := k - 2; m >= lo && k-m <= 3; m-- {
			switch ts[m].w {
			case "up", "rose", "improved", "climbed", "jumped":
				dir = 1
			case "down", "fell", "dropped", "slipped", "declined":
				dir = -1
			}
		}
		if n == 0 || dir == 0 {
			return ""
		}
		for r, v := range ratingScale {
			if v == rating {
				if p := r - dir*n; p >= 0 && p < len(ratingScale) {
					return ratingScale[p]
				}
			}
		}
		return ""
	}
	return ""
}

// clauseBefore reports a rating at ts[i] in a clause of its own before the
// words about the last inspection at offset at: "rated requires
// improvement overall, having been rated good when it was last
// inspected".
func clauseBefore(ts []tok, i, at int) bool {
	if at < 0 || ts[i].e > at {
		return false
	}
	for k := i + 1; k < len(ts) && ts[k].s < at; k++ {
		switch ts[k].w {
		case ",", ";", "(", "having", "but", "whereas", "while":
			return true
		}
	}
	return false
}

// loneRating reads a rating word standing alone under a heading that
// names the domain ("Safe" / "Good", "Overall rating for this trust" /
// "Inadequate").
func (st *docState) loneRating(si int, sn sentence, ts []tok, i int) {
	prev := st.sents[si-1]
	if st.blocks[prev.blk].para < st.blocks[sn.blk].para-1 {
		return
	}
	pt := tokenize(st.text, prev.s, prev.e)
	if len(pt) == 0 || len(pt) > 10 {
		return
	}
	var doms []string
	hasRating := false
	for _, t := range pt {
		if t.kind == kDomain {
			doms = append(doms, t.val)
		}
		if strings.HasPrefix(t.w, "rating") {
			hasRating = true
		}
		if t.kind == kRating {
			return
		}
	}
	if len(doms) != 1 && !hasRating {
		return
	}
	if len(doms) != 1 {
		doms = []string{"overall"}
	}
	st.addRating(sentence{prev.s, sn.e, sn.blk}, rHit{rating: ts[i].val, domains: doms, subjects: []string{st.subjectBefore(prev, pt, 0, len(pt))}})
}

func onlyPunct(ts []tok, i int) bool {
	for k, t := range ts {
		if k != i && t.kind != kPunct {
			return false
		}
	}
	return true
}

// isScale reports a list of three or more rating words: the rating scale
// described, not a rating ("outstanding, good, requires improvement or
// inadequate").
func isScale(ts []tok, ri []int) bool {
	run := 1
	for n := 1; n < len(ri); n++ {
		between := ts[ri[n-1]+1 : ri[n]]
		ok := len(between) <= 2
		for _, t := range between {
			if t.w != "," && t.w != "or" && t.w != "and" && t.w != "/" {
				ok = false
			}
		}
		if ok {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// validRating reports whether the rating word at i is used as a rating.
func (st *docState) validRating(ts []tok, i int, cued bool) bool {
	t := ts[i]
	nextW := ""
	if i+1 < len(ts) {
		nextW = ts[i+1].w
	}
	prevW := ""
	if i > 0 {
		prevW = ts[i-1].w
	}
	nextRating := nextW == "rating" || nextW == "ratings"
	if determiners[prevW] && !nextRating {
		return false
	}
	// "Good or Outstanding": alternatives, not a rating
	if nextW == "or" && i+2 < len(ts) && ts[i+2].kind == kRating || prevW == "or" && i > 1 && ts[i-2].kind == kRating {
		return false
	}
	// the following word
	if i+1 < len(ts) {
		nt := ts[i+1]
		ok := nt.kind == kPunct || followers[nt.w] || isDigit(nt.w[0]) || nt.kind == kRating || nt.kind == kDomain || nt.cap
		if nt.w == "-" && i+2 < len(ts) && ts[i+2].kind == kWord && !ts[i+2].cap {
			ok = false
		}
		if !ok {
			return false
		}
	}
	// a cue nearby
	if nextRating || nextW == "overall" || cued {
		return true
	}
	if t.val == extract.RatingRequiresImp && (t.quoted || t.cap) {
		return true
	}
	if i > 0 && (prevW == ":" || prevW == "-" || prevW == "?") && i > 1 && (ts[i-2].kind == kDomain || strings.HasPrefix(ts[i-2].w, "rating") ||
		ts[i-2].w == "?" && i > 2 && ts[i-3].kind == kDomain) {
		return true // "Safe: Good", "Are services safe? – Good"
	}
	if i == 0 && len(ts) > 1 && ts[1].w == "for" {
		return true
	}
	// a label line: "Elmstead Care Home: Good, last inspected …"
	if i > 1 && (prevW == ":" || prevW == "-") && ts[0].cap && i <= 9 {
		label := true
		for k := 0; k < i-1; k++ {
			if !nameRunWord(ts, k) {
				label = false
				break
			}
		}
		if label {
			return true
		}
	}
	for k := i - 1; k >= 0 && i-k <= 12; k-- {
		if cues[ts[k].w] {
			return true
		}
		if ts[k].w == "from" && k+1 < len(ts) && ts[k+1].kind == kRating {
			return true
		}
		if ts[k].w == "told" && k+2 == i {
			return true // "told it requires improvement"
		}
	}
	for k := i + 1; k < len(ts) && k-i <= 3; k++ {
		if strings.HasPrefix(ts[k].w, "rat") && (ts[k].w == "rating" || ts[k].w == "ratings" || ts[k].w == "rated") {
			return true
		}
	}
	return false
}

func isNegated(ts []tok, lo, i int) bool {
	for k := i - 1; k >= lo && i-k <= 6; k-- {
		if w := ts[k].w; w == ";" || w == "therefore" || w == "but" || w == "however" || w == "so" {
			break
		}
		if negations[ts[k].w] {
			return true
		}
		if ts[k].w == "if" || ts[k].w == "unless" {
			return true
		}
	}
	return false
}

func isTarget(ts []tok, i int) bool {
	for k := i - 1; k >= 0 && i-k <= 10; k-- {
		if ts[k].w == ";" {
			break
		}
		if targets[ts[k].w] {
			return true
		}
	}
	return false
}

func isConditional(ts []tok, i int) bool {
	for k := i - 1; k >= 0; k-- {
		switch ts[k].w {
		case "if", "unless", "whether":
			return true
		case ";":
			return false
		}
	}
	return false
}

// prevMarked reports "previously rated X", "previous X rating", "was
// previously X", "last rated ... as X".
func prevMarked(ts []tok, i int) bool {
	// "builds on the outstanding rating the trust received in 2016"
	for k := i + 1; k < len(ts) && k <= i+6; k++ {
		w := ts[k].w
		if (w == "received" || w == "awarded" || w == "given" || w == "achieved" || w == "gained") && k+2 < len(ts) &&
			ts[k+1].w == "in" && isDigit(ts[k+2].w[0]) {
			return true
		}
		if w == "," || w == ";" || ts[k].kind == kRating {
			break
		}
	}
	// "rated requires improvement (good in 2017)"
	if i > 0 && ts[i-1].w == "(" && i+2 < len(ts) && (ts[i+1].w == "in" || ts[i+1].w == "at") && isDigit(ts[i+2].w[0]) {
		return true
	}
	if i > 0 && ts[i-1].w == "from" && !(i+2 < len(ts) && ts[i+1].w == "to" && ts[i+2].kind == kRating) {
		return true // "outstanding, up from good"
	}
	for k := i - 1; k >= 0 && i-k <= 4; k-- {
		switch ts[k].w {
		case "previously", "previous", "formerly", "prior":
			return true
		case ",", ";", "and", "but":
			return false
		}
	}
	return false
}

// sameMarked reports words saying the rating did not change.
func sameMarked(ts []tok, lo, i int, ri []int, n int) bool {
	// "a second outstanding rating", "good for the third consecutive time"
	for k := i - 1; k >= lo && i-k <= 3; k-- {
		switch ts[k].w {
		case "second", "third", "fourth", "fifth", "consecutive", "successive", "another":
			return true
		}
	}
	for k := i - 1; k >= lo && i-k <= 10; k-- {
		if sameBefore[ts[k].w] && !(k+1 < len(ts) && (ts[k+1].w == "in" || ts[k+1].w == "under")) {
			return true
		}
		if ts[k].w == "still" && k+1 < len(ts) && (ts[k+1].w == "rated" || ts[k+1].w == "is") {
			return true
		}
	}
	hi := len(ts)
	if n+1 < len(ri) {
		hi = ri[n+1]
	}
	for k := i + 1; k < hi && k-i <= 10; k++ {
		w := ts[k].w
		if w == "again" || w == "unchanged" || w == "consecutive" || (w == "remains" || w == "remained" || w == "stands") && k-i <= 3 || w == "same" && k > 0 && ts[k-1].w == "the" ||
			w == "same" && k+1 < len(ts) && ts[k+1].w == "rating" ||
			w == "time" && ts[k-1].w == "second" {
			return true
		}
		if w == ";" {
			break
		}
	}
	return false
}

// afterList reads the domains named after a rating word: "good for
// caring", "'requires improvement' for responsive, effective, well led and
// safety", "rating overall", "good overall and for all key questions
// except well-led". subjAt is the index where a list of services starts
// ("good for many services: ..."), or -1; end is past the tokens read.
func afterList(ts []tok, i int) (doms []string, subjAt, end int) {
	subjAt = -1
	j := i + 1
	w := func(k int) string {
		if k < len(ts) {
			return ts[k].w
		}
		return ""
	}
	if w(j) == "rating" || w(j) == "ratings" {
		j++
	}
	if j < len(ts) && ts[j].kind == kDomain && ts[j].val == "overall" {
		doms = append(doms, "overall")
		j++
		if w(j) == "and" && w(j+1) == "for" {
			j++
		}
	}
	if w(j) == "for" || w(j) == "in" || w(j) == "across" || w(j) == "on" {
		k := j + 1
		for set("being", "providing", "how", "the", "its", "our", "their", "a", "an", "whether", "services", "service",
			"were", "was", "are", "is", "it", "they", "them", "both")[w(k)] {
			k++
		}
		if k < len(ts) && ts[k].kind == kDomain {
			for k < len(ts) {
				t := ts[k]
				switch {
				case t.kind == kDomain:
					doms = appendUniq(doms, t.val)
				case set(",", "and", "or", "&", "being", "providing", "for", "the", "services", "domain", "domains", "key", "question", "questions", "to", "people's", "peoples", "needs")[t.w]:
				default:
					return doms, -1, k
				}
				k++
			}
			return doms, -1, k
		}
		rest := joinWords(ts[k:min(len(ts), k+6)])
		if m := reAllKQ.FindString(rest); m != "" {
			all := []string{"safe", "effective", "caring", "responsive", "well-led"}
			// except (for) (the) X
			for e := k; e < len(ts); e++ {
				if ts[e].w == "except" {
					for f := e + 1; f < len(ts) && f <= e+4; f++ {
						if ts[f].kind == kDomain {
							all = remove(all, ts[f].val)
						}
					}
					break
				}
				if ts[e].w == ";" || ts[e].w == "." {
					break
				}
			}
			doms = append(doms, all...)
			return doms, -1, k + len(strings.Fields(m))
		}
		if w(j) == "for" {
			return doms, k, k
		}
		return doms, -1, j
	}
	return doms, -1, j
}

func joinWords(ts []tok) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.w)
	}
	return b.String()
}

func appendUniq(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func remove(xs []string, x string) []string {
	out := xs[:0:0]
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// domainsBefore reads the domains named just before a rating word: "the
// rating for well-led, responsive, caring and effective also remained
// good", "Safe - Good", "Are services safe? Inadequate".
func domainsBefore(ts []tok, i int, state []byte) []string {
	var doms []string
	seen := false
	for k := i - 1; k >= 0 && i-k <= 18; k-- {
		t := ts[k]
		if state[k] == 'a' {
			break
		}
		if t.kind == kRating {
			if state[k] == 'p' {
				continue
			}
			break
		}
		nounForm := t.w == "safety" || t.w == "effectiveness" || t.w == "responsiveness"
		if nounForm && (seen || k > 0 && (ts[k-1].w == "rated" || ts[k-1].w == "rate" || ts[k-1].w == "for" || ts[k-1].w == "its" && k > 1 && ts[k-2].w == "rated")) {
			nounForm = false // "we rated safety as inadequate", "effectiveness and caring as good"
		}
		if t.kind == kDomain && !nounForm {
			doms = append(doms, t.val)
			seen = true
			continue
		}
		if t.kind == kDomain {
			break // "places of safety: Good" names no domain
		}
		if seen {
			if t.w == "," || t.w == "and" || t.w == "or" || t.w == "&" || t.w == "being" || t.w == "providing" {
				continue
			}
			break
		}
		if fillers[t.w] || t.cap || t.kind == kPunct && t.w != ";" && t.w != "." {
			continue
		}
		break
	}
	// in reading order
	for a, b := 0, len(doms)-1; a < b; a, b = a+1, b-1 {
		doms[a], doms[b] = doms[b], doms[a]
	}
	return doms
}

// headVerbs follow key questions at the head of a clause: "Effective
// stayed the same", "Responsive and well-led got better and were rated".
var headVerbs = set("stayed", "stays", "got", "went", "were", "was", "is", "are", "has", "have", "had", "improved",
	"remained", "remains", "declined", "dropped", "deteriorated", "moved", "fell", "rose", "also", "both", "all",
	"continues", "continued", "now", "again", "each")

// headDomains reads the key questions at the head of the clause that holds
// ts[i]: "Safe and effective were found to have got worse and are now rated
// requires improvement", "The rating for safe went down to inadequate".
func headDomains(ts []tok, lo, i int) []string {
	k := lo
	for n := i - 1; n > lo; n-- {
		if ts[n].w == ";" || ts[n].w == "." {
			k = n + 1
			break
		}
	}
	// "The overall rating for the service, and the ratings for how safe
	// and well-led the service is, have dropped from good to inadequate."
	if k < i && (ts[k].w == "the" || ts[k].w == "our" || ts[k].w == "its") {
		var doms []string
		rating := false
		for n := k; n < i && n-k <= 25; n++ {
			t := ts[n]
			if t.kind == kDomain {
				doms = appendUniq(doms, t.val)
			}
			if t.w == "rating" || t.w == "ratings" {
				rating = true
			}
			if n > k && headVerbs[t.w] && t.w != "is" && t.w != "all" && t.w != "each" && t.w != "also" {
				if rating && len(doms) > 0 {
					return doms
				}
				break
			}
		}
	}
	for k < i && set("the", "our", "its", "their", "this", "rating", "ratings", "for", "of", "in", "key", "question", "questions")[ts[k].w] {
		k++
	}
	var doms []string
	for k < i {
		t := ts[k]
		switch {
		case t.kind == kDomain && t.val != "overall":
			doms = append(doms, t.val)
		case t.w == "," || t.w == "and" || t.w == "&":
		default:
			// "Well-led at trust level went down": a short phrase of level
			// may stand between the key questions and the verb
			for n := k; len(doms) > 0 && n < i && n-k <= 4; n++ {
				if headVerbs[ts[n].w] {
					return doms
				}
				if !levelWords[ts[n].w] {
					break
				}
			}
			return nil
		}
		k++
	}
	return nil
}

// levelWords say at what level a key question is rated: "at trust level",
// "for the service".
var levelWords = set("at", "for", "in", "across", "the", "this", "its", "trust", "level", "service", "hospital", "location", "provider", "organisation", "overall")

// keyQuestionAfter reads a key question asked after the rating word: "in
// response to the question 'Are services caring?'", "in the question of
// whether the organisation is well-led", "when asking whether its services
// are caring".
func keyQuestionAfter(ts []tok, i int) []string {
	for k := i + 1; k+1 < len(ts) && k-i <= 12; k++ {
		w := ts[k].w
		if w == ";" || w == "." || ts[k].kind == kRating {
			return nil
		}
		if w == "whether" || (w == "are" || w == "is") && (ts[k+1].w == "services" || ts[k+1].w == "service" || ts[k+1].w == "the") {
			for f := k + 1; f < len(ts) && f <= k+6; f++ {
				if ts[f].kind == kDomain && ts[f].val != "overall" {
					return []string{ts[f].val}
				}
			}
		}
	}
	return nil
}

// subjectsFor returns the services a rating is listed for: "good for many
// services: A, B, C", "rated good (A, B and C)", "'A' and 'B' which were
// rated", or nil.
func (st *docState) subjectsFor(sn sentence, ts []tok, i, subjAt, end int) []string {
	if subjAt >= 0 && subjAt < len(ts) {
		s := ts[subjAt].s
		e := clauseEnd(st.text, s, sn.e)
		if items := splitItems(st.text[s:e]); len(items) > 0 {
			return items
		}
		if items := st.orgListAfter(ts, subjAt); len(items) > 0 {
			return items
		}
	}
	k := end
	if k < len(ts) && ts[k].w == "(" {
		for f := k + 1; f < len(ts); f++ {
			if ts[f].w == ")" {
				if items := splitItems(st.text[ts[k].e:ts[f].s]); len(items) > 0 && !numeric(items) {
					return items
				}
				break
			}
		}
	}
	// "the outstanding rating for caring in our children's services"
	if k < len(ts) && (ts[k].w == "in" || ts[k].w == "at") && k > i+1 {
		f := k + 1
		for f < len(ts) && (ts[f].w == "our" || ts[f].w == "the" || ts[f].w == "its" || ts[f].w == "their" || ts[f].w == "this") {
			f++
		}
		if f < len(ts) {
			if cs, at := coreService(st.lower[ts[f].s:sn.e]); at == 0 {
				return []string{cs}
			}
		}
	}
	// "We rated surgery, end of life care and diagnostic imaging as good",
	// "rated all four core services as good"
	if i > 2 && ts[i-1].w == "as" {
		for k := i - 2; k > 0 && i-k <= 30; k-- {
			if ts[k].kind == kRating || ts[k].kind == kDomain || ts[k].w == ";" {
				break
			}
			if ts[k-1].w == "rated" || ts[k-1].w == "rate" {
				obj := st.text[ts[k].s:ts[i-2].e]
				if g := groupSubject(obj); g != "" {
					return []string{g}
				}
				if items := splitItems(obj); len(items) > 0 && namedItems(items) {
					if len(items) == 2 && ts[i-2].w == "," {
						return items[1:] // "rated A, the B, as good": B names A again
					}
					return items
				}
				break
			}
		}
	}
	if g := groupSubject(st.text[sn.s:ts[i].s]); g != "" {
		return []string{g}
	}
	// quoted service names before "which were rated"
	from := sn.s
	if m := reQuoted.FindAllStringIndex(st.text[from:ts[i].s], -1); m != nil {
		last := m[len(m)-1]
		seg := st.text[from+last[0] : from+last[1]]
		var items []string
		for _, q := range reQuoted1.FindAllStringSubmatch(seg, -1) {
			items = append(items, strings.Join(strings.Fields(q[1]), " "))
		}
		if len(items) > 0 {
			return items
		}
	}
	return nil
}

var reGroup = regexp.MustCompile(`(?i)\ball (?:of )?(?:the |its |our |their )?(two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2}) (?:of )?(?:the |its |our |their )?(?:trust'?’?s )?((?:[a-z-]+ ){0,3}(?:core services|services|wards|locations|hospitals|homes|practices))\b`)

// groupSubject returns a defined group whose every member is rated, as a
// subject: "all four core services" → "Core services (all four)", or "".
func groupSubject(t string) string {
	m := reGroup.FindStringSubmatch(t)
	if m == nil {
		return ""
	}
	name := strings.ToUpper(m[2][:1]) + m[2][1:]
	return name + " (all " + strings.ToLower(m[1]) + ")"
}

// namedItems reports whether every item of a list names a core service
// or a place by name, not "the service" or "it".
func namedItems(items []string) bool {
	for _, it := range items {
		if _, at := coreService(strings.ToLower(it)); at != 0 && !(it != "" && it[0] >= 'A' && it[0] <= 'Z' && len(strings.Fields(it)) > 1) {
			return false
		}
	}
	return true
}

// clauseEnd returns where the clause starting at s ends: at ";", a full
// stop, "due to", "because", "which" or e.
func clauseEnd(text string, s, e int) int {
	t := strings.ToLower(text[s:e])
	end := len(t)
	for _, stop := range []string{";", ". ", " due to ", " because ", " which ", " as a result", " following ", " with "} {
		if k := strings.Index(t, stop); k >= 0 && k < end {
			end = k
		}
	}
	return s + end
}

var reItemSplit = regexp.MustCompile(`\s*(?:,\s*and|,|\band\b)\s+`)

// splitItems splits "our A, B, and C" into its items.
func splitItems(t string) []string {
	t = clean(t)
	if k := strings.Index(t, ":"); k >= 0 {
		t = t[k+1:]
	}
	t = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t), ".,;)"))
	if t == "" {
		return nil
	}
	// protect "and" inside core service names
	l := strings.ToLower(t)
	parts := reItemSplit.Split(t, -1)
	if _, at := coreService(l); at >= 0 && len(parts) > 1 {
		// rejoin pieces that only make sense together
		var merged []string
		for _, p := range parts {
			pl := strings.ToLower(p)
			if len(merged) > 0 && (strings.HasPrefix(pl, "young people") || strings.HasPrefix(pl, "families") || strings.HasPrefix(pl, "psychiatric intensive") || strings.HasPrefix(pl, "emergency")) {
				merged[len(merged)-1] += " and " + p
				continue
			}
			merged = append(merged, p)
		}
		parts = merged
	}
	var items []string
	for _, p := range parts {
		p = strings.TrimSpace(p)
		pl := strings.ToLower(p)
		for _, pre := range []string{"our ", "the ", "its ", "their "} {
			if strings.HasPrefix(pl, pre) {
				p, pl = p[len(pre):], pl[len(pre):]
			}
		}
		if p == "" {
			continue
		}
		if strings.HasPrefix(pl, "a ") || strings.HasPrefix(pl, "an ") || len(strings.Fields(p)) > 9 || strings.Contains(pl, " we ") || strings.HasPrefix(pl, "we ") {
			break
		}
		if !serviceLike(p) {
			return nil
		}
		items = append(items, strings.Trim(p, "‘’'“”\" "))
	}
	if len(items) == 0 {
		return nil
	}
	return items
}

var serviceNouns = []string{"ward", "service", "care", "unit", "hospital", "home", "team", "practice",
	"clinic", "centre", "department", "surgery", "outpatient", "maternity", "gynaecology", "camhs",
	"hospice", "infirmary", "imaging", "theatres", "a&e", "emergency"}

// serviceLike reports whether an item of a list names a service or place.
func serviceLike(p string) bool {
	l := strings.ToLower(p)
	for _, w := range serviceNouns {
		if strings.Contains(l, w) {
			return true
		}
	}
	_, at := coreService(l)
	return at >= 0
}

var placeNouns = set("hospital", "hospitals", "trust", "centre", "center", "practice", "surgery", "home",
	"unit", "ward", "clinic", "service", "services", "house", "lodge", "court", "infirmary", "hospice")

var reInSection = regexp.MustCompile(`(?i)\b(?:it|this service|the service|this core service|we rated it)\b`)

var reGenericLocal = regexp.MustCompile(`(?i)\b(the|this|our) (practice|service|home|location|surgery|care home|hospital|unit)\b`)
var reGenericTrust = regexp.MustCompile(`(?i)\b(the|this|our|a|an) (nhs )?(trust|provider|organisation|foundation trust)\b|\bwe\b|\bus\b`)

// subjectBefore names the subject of a rating from the words before it:
// the subject named nearest before it in its clause, then in its
// sentence, else the core service section it is in ("We rated it as
// good"), the location or the trust.
func (st *docState) subjectBefore(sn sentence, ts []tok, lo, i int) string {
	if lo > 0 {
		if s := st.namedSubject(sn, ts, lo, i); s != "" {
			return s
		}
		if reThisTrust.MatchString(st.lower[ts[lo].s:ts[i].s]) {
			return st.providerSubject()
		}
	}
	if s := st.namedSubject(sn, ts, 0, i); s != "" {
		return s
	}
	region := strings.ToLower(clean(st.text[sn.s:ts[min(i, len(ts)-1)].s]))
	if reInSection.MatchString(region) {
		if st.rs.trustRef >= 0 && st.rs.trustRef >= st.rs.cur-1 {
			return st.providerSubject()
		}
		// "In maternity we rated safe as good. We rated the service as
		// good overall."
		if st.rs.svc != "" && st.rs.svcSent >= st.rs.cur-1 && st.rs.svcSent < st.rs.cur {
			st.rs.svcSent = st.rs.cur
			return st.rs.svc
		}
		if st.rs.section != "" {
			st.rs.fromSection = true
			return st.rs.section
		}
	}
	if st.reportLoc != "" && (strings.Contains(region, "this hospital") || strings.Contains(region, "the hospital")) {
		return st.reportLoc
	}
	if reGenericLocal.MatchString(region) && st.mainSubject != "" {
		return st.mainSubject
	}
	// "Our rating of the maternity service remains requires improvement.
	// The rating for safe and well-led remains requires improvement."
	if st.rs.svc != "" && st.rs.svcSent == st.rs.cur-1 && !reGenericTrust.MatchString(region) && !reGenericLocal.MatchString(region) {
		st.rs.svcSent = st.rs.cur // it carries on to the next sentence too
		return st.rs.svc
	}
	if reGenericTrust.MatchString(region) {
		return st.providerSubject()
	}
	if st.rs.lastSubject != "" && st.rs.lastSubjSent >= st.rs.cur-1 && strings.Contains(region, "rated") && !strings.Contains(region, "report") {
		return st.rs.lastSubject
	}
	return st.providerSubject()
}

// reNumOf finds a count of a group: "27 of these care homes", "three of
// the trust's services".
var reNumOf = regexp.MustCompile(`\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|many|most|some|several) of (?:these|the|its|our|their|those|all)\b`)

var reThisTrust = regexp.MustCompile(`\b(?:the|this) (?:nhs )?(?:foundation )?trust\b`)

// namedSubject returns the subject named nearest before ts[i] in
// ts[from:i]: a core service or a proper name ending in a place noun
// ("Hereford Hospital"); a core service at a named place is given as
// "Maternity (Eastmoor Hospital)".
func (st *docState) namedSubject(sn sentence, ts []tok, from, i int) string {
	if i <= from || i > len(ts) {
		return ""
	}
	rs := ts[from].s
	region := st.lower[rs:ts[i-1].e]
	cs, csAt := coreService(region)
	if csAt >= 0 {
		csAt += rs
	}
	// a proper name ending in a place noun
	for k := i - 1; k > from; k-- {
		t := ts[k]
		if t.s < csAt {
			break
		}
		if !(t.cap && placeNouns[t.w] && ts[k-1].cap) {
			continue
		}
		j := k
		for j > from && (ts[j-1].cap || (ts[j-1].w == "and" || ts[j-1].w == "of") && j-1 > from && ts[j-2].cap) && ts[j-1].kind == kWord {
			j--
		}
		name := clean(st.text[ts[j].s:t.e])
		if ln := strings.ToLower(name); strings.Contains(ln, "care quality commission") || ts[j].w == "cqc" || strings.Contains(ln, "inspector") {
			continue
		}
		// "Newcastle upon Tyne Hospitals Foundation Trust's": the trust
		if e := k + 1; e < i && ts[e].cap {
			for e < i && ts[e].cap && ts[e].kind == kWord {
				if strings.HasPrefix(ts[e].w, "trust") {
					st.rs.lastSubject, st.rs.lastSubjSent = name, st.rs.cur
					return st.providerSubject()
				}
				e++
			}
		}
		name = strings.TrimPrefix(name, "The ")
		if isProviderLevel(name) {
			st.rs.lastSubject, st.rs.lastSubjSent = name, st.rs.cur
			return st.providerSubject()
		}
		// "Maternity at Eastmoor Hospital": the service at the place
		if j > from && (ts[j-1].w == "at" || ts[j-1].w == "in") || j > from+1 && ts[j-1].w == "the" && (ts[j-2].w == "at" || ts[j-2].w == "in") {
			at := j - 1
			if ts[at].w == "the" {
				at--
			}
			if csAt >= 0 && csAt < ts[at].s && !strings.ContainsAny(st.text[csAt:ts[at].s], ",;") && at-from <= 30 {
				if _, c := coreService(st.lower[csAt:ts[at].s]); c == 0 {
					name = cs + " (" + name + ")"
					st.rs.lastSubject, st.rs.lastSubjSent = name, st.rs.cur
					return name
				}
			}
		}
		st.rs.lastSubject, st.rs.lastSubjSent = name, st.rs.cur
		return name
	}
	if csAt >= 0 {
		st.rs.lastSubject, st.rs.lastSubjSent = cs, st.rs.cur
		st.rs.svc, st.rs.svcSent = cs, st.rs.cur
		return cs
	}
	return ""
}

func (st *docState) providerSubject() string {
	if st.mainSubject != "" {
		return st.mainSubject
	}
	return "trust overall"
}

// isProviderLevel mirrors how the findings are read: a subject naming a
// trust or provider and no ward, service or place within it.
func isProviderLevel(s string) bool {
	l := strings.ToLower(s)
	if l == "" || l == "trust" || l == "trust overall" || l == "overall" || l == "provider" || l == "the trust" {
		return true
	}
	if !strings.Contains(l, "trust") && !strings.Contains(l, "provider") {
		return false
	}
	if strings.HasSuffix(s, " Trust") || strings.HasSuffix(s, " Trust's") || strings.HasSuffix(s, " Trust’s") {
		return true // a trust by name: "Larkspur Community Trust"
	}
	for _, w := range []string{"ward", "service", "community", "unit", "team", "home", "hospital", "centre", "clinic", "camhs", "practice"} {
		if strings.Contains(l, w) {
			return false
		}
	}
	return true
}

var reCAMHS = regexp.MustCompile(`\b(?:child and adolescent mental health(?: services?)?|children(?:'s|’s| and young people's| and young people’s) mental health(?: services?)?)\b`)

func (st *docState) subjectKey(s string) string {
	if len(s) > 4 && strings.EqualFold(s[:4], "the ") {
		s = s[4:]
	}
	if isProviderLevel(s) || st.provider != "" && strings.EqualFold(s, st.provider) {
		return "trust overall"
	}
	// a core service by any of its names, at a place if one is given:
	// "Urgent and emergency care", "Urgent and emergency services (X
	// Hospital)"
	if cs := leadingService(reCAMHS.ReplaceAllString(strings.ToLower(s), "camhs")); cs != "" {
		at := ""
		if i := strings.LastIndex(s, " ("); i >= 0 && strings.HasSuffix(s, ")") && isPlaceName(s[i+2:len(s)-1]) {
			at = " @ " + strings.ToLower(s[i+2:len(s)-1])
		}
		return strings.ToLower(cs) + at
	}
	return reCAMHS.ReplaceAllString(strings.ToLower(s), "camhs")
}

// numeric reports items that are only numbers or years: "(2019)".
func numeric(items []string) bool {
	for _, it := range items {
		for _, r := range it {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				return false
			}
		}
	}
	return true
}

func (st *docState) isAggregate(ts []tok, i int, doms []string) bool {
	lo := i - 14
	if lo < 0 {
		lo = 0
	}
	for k := i - 1; k > lo; k-- {
		if ts[k].w == ";" {
			lo = k
			break
		}
	}
	region := strings.ToLower(clean(st.text[ts[lo].s:ts[i].s]))
	if !aggregateWords(region) {
		return false
	}
	// "one of the eight core services as inadequate, three as good"
	if i > 1 && ts[i-1].w == "as" && numberWords[ts[i-2].w] || reRatedN.MatchString(region) || reNumOf.MatchString(region) {
		return true
	}
	if !reAggr.MatchString(region) {
		return false
	}
	if len(doms) == 1 && doms[0] == "overall" {
		return true
	}
	// "rated good for caring in all our services" names a domain
	return false
}

func (st *docState) isAggregateSubject(s string) bool {
	l := strings.ToLower(s)
	return aggregateWords(l) && reAggr.MatchString(l)
}

// pageOf returns the index of the page holding offset p.
func (st *docState) pageOf(p int) int {
	return sort.SearchInts(st.starts, p+1) - 1
}

// addRating records the findings of one hit, one per subject and domain,
// merging repeats of a (subject, domain, rating) the page already stated.
func (st *docState) addRating(sn sentence, h rHit) {
	for _, s := range h.subjects {
		for _, d := range h.domains {
			sk := st.subjectKey(s)
			keyP := ratingKey{sk, d, h.rating, st.pageOf(sn.s)}
			keyD := ratingKey{sk, d, h.rating, -1}
			k, ok := st.rs.index[keyP]
			if !ok && !h.local {
				k, ok = st.rs.index[keyD]
			}
			if ok {
				if st.found[k].Previous == "" && h.previous != "" {
					st.found[k].Previous = h.previous
				}
				continue
			}
			subj := st.atReportLocation(canonicalService(s))
			if (isProviderLevel(s) || strings.EqualFold(s, st.provider)) && st.mainSubject == "" {
				subj = "trust overall"
			}
			f := extract.Finding{Kind: extract.KindRating, Subject: subj, Domain: d, Rating: h.rating, Previous: h.previous, Why: h.why}
			k = st.add(f, sn.s, sn.e)
			st.rs.index[keyP] = k
			if _, ok := st.rs.index[keyD]; !ok {
				st.rs.index[keyD] = k
			}
		}
	}
}

// coreServiceAfterRating reports a core service named after the word
// "rating" in lower-case text l.
func coreServiceAfterRating(l string) bool {
	_, at := coreService(l)
	return at >= 0 && strings.Contains(l[:at], "rating")
}

var reSameServices = regexp.MustCompile(`ratings? (?:for|of) ([a-z ,'’&-]{3,160}?) (?:had |have |has )?(?:remained|stayed) the same`)

// sameServices records the core services whose rating a sentence says did
// not change, without saying what it is: "Overall ratings for urgent and
// emergency care and surgery had remained the same".
func (st *docState) sameServices(l string) {
	for _, m := range reSameServices.FindAllStringSubmatch(l, -1) {
		for _, it := range splitItems(m[1]) {
			if cs := leadingService(strings.ToLower(it)); cs != "" {
				if st.rs.same == nil {
					st.rs.same = map[string]bool{}
				}
				st.rs.same[st.subjectKey(cs)] = true
			}
		}
	}
}

// finishRatings fills previous ratings from statements about the last
// inspection.
func (st *docState) finishRatings() {
	for i := range st.found {
		f := &st.found[i]
		if f.Kind != extract.KindRating || f.Previous != "" {
			continue
		}
		if f.Domain == "overall" && st.rs.same[st.subjectKey(f.Subject)] {
			f.Previous = f.Rating
			if f.Why != "" {
				f.Why += "; previous: its rating is said to have stayed the same"
			}
			continue
		}
		if p, ok := st.rs.history[[2]string{st.subjectKey(f.Subject), f.Domain}]; ok {
			f.Previous = p
			if f.Why != "" {
				f.Why += "; previous from a statement about the last inspection"
			}
		}
	}
}
