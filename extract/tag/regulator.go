package tag

import (
	"regexp"
	"sort"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Who a document is about, and which of its statements are CQC's.
//
// An Ofsted report rates children's services, schools and children's
// homes with CQC's four words, and a Scottish or Welsh inspectorate's
// report grades with words CQC uses too: such a document yields no CQC
// ratings, actions or scores, and its quotes are not CQC's. A CQC report
// that mentions Ofsted in passing stays CQC's: the regulator is the one
// the document is about, told by how often and where each is named and
// by the wording of its own reports. Guidance and definitions ("a
// location rated good is likely to…", "what the ratings mean") yield no
// ratings or actions from their generic statements.

// regulatorDef is one regulator: how documents name it and the wording
// of its own reports.
type regulatorDef struct {
	name  string   // as Finding.Regulator spells it
	names []string // lower-case names and abbreviations, matched as words
	cues  []string // lower-case wording of its reports
	// minCues: when more than 0, that many of its cues tell its documents
	// even where they do not name it.
	minCues int
	// inspects: it inspects and reports with its own judgements, so
	// rating words and actions in its documents are not CQC's. Bodies
	// that enforce on CQC's findings (NHS England's undertakings) cite
	// CQC ratings and keep them.
	inspects bool
}

var regulatorTable = []regulatorDef{
	{name: "CQC", names: []string{"care quality commission", "cqc"}, inspects: true, minCues: 2,
		cues: []string{"cqc.org.uk", "we rated", "our rating of", "key question", "are services safe", "is the service safe", "health and social care act 2008",
			"regulated activit", "quality report", "provided and run by", "date of inspection visit", "quality statement"}},
	{name: "Ofsted", names: []string{"ofsted", "office for standards in education"}, inspects: true, minCues: 3,
		cues: []string{"his majesty’s inspector", "her majesty’s inspector", "his majesty's inspector", "her majesty's inspector", "ofsted.gov.uk",
			"overall effectiveness", "judgement grade", "quality of education", "early years", "education and inspections act", "children’s home", "children's home", "pupils",
			"school report", "headteacher", "personal development, behaviour and welfare", "behaviour and attitudes", "sixth form", "children’s services and skills", "children's services and skills"}},
	{name: "HIW", names: []string{"healthcare inspectorate wales", "arolygiaeth gofal iechyd cymru", "hiw"}, inspects: true, cues: []string{"hiw.org.uk"}},
	{name: "CIW", names: []string{"care inspectorate wales", "arolygiaeth gofal cymru", "ciw"}, inspects: true, cues: []string{"careinspectorate.wales"}},
	{name: "Care Inspectorate", names: []string{"care inspectorate"}, inspects: true, cues: []string{"careinspectorate.com", "very good", "adequate", "weak", "unsatisfactory"}},
	{name: "Healthcare Improvement Scotland", names: []string{"healthcare improvement scotland"}, inspects: true, cues: []string{"healthcareimprovementscotland.org"}},
	{name: "RQIA", names: []string{"regulation and quality improvement authority", "rqia"}, inspects: true, cues: []string{"rqia.org.uk"}},
	{name: "ISI", names: []string{"independent schools inspectorate"}, inspects: true, cues: []string{"isi.net"}},
	{name: "HM Inspectorate of Prisons", names: []string{"hm inspectorate of prisons", "hmi prisons", "his majesty’s inspectorate of prisons", "her majesty’s inspectorate of prisons"}, inspects: true},
	{name: "NHS England", names: []string{"nhs england", "nhs improvement"}, cues: []string{"undertakings", "the licensee", "conditions of the licence"}},
}

// regulatorHead is how much of the text counts as its letterhead and
// opening, where a mention weighs more.
const regulatorHead = 1500

// regulatorRead is how much of a long text the regulator rules read: its
// first three quarters from the start, the last quarter from the end.
const regulatorRead = 32000

// countWord counts l's occurrences of w that stand as words, and those
// within the head.
func countWord(l, w string) (all, head int) {
	for off := 0; ; {
		k := strings.Index(l[off:], w)
		if k < 0 {
			return all, head
		}
		at := off + k
		off = at + len(w)
		if at > 0 && isQSWordByte(l[at-1]) || off < len(l) && isQSWordByte(l[off]) {
			continue
		}
		all++
		if at < regulatorHead {
			head++
		}
	}
}

// regulatorWords are the names and cues of regulatorTable, each once, and
// regulatorWordIndex their places; regulatorWordsBy holds those places
// by the first two bytes of the word.
var (
	regulatorWords     []string
	regulatorWordIndex = map[string]int{}
	regulatorWordsBy   = map[[2]byte][]int{}
	regulatorWordStart [256][256]bool
)

func init() {
	add := func(w string) {
		if _, ok := regulatorWordIndex[w]; ok {
			return
		}
		regulatorWordIndex[w] = len(regulatorWords)
		k := [2]byte{w[0], w[1]}
		regulatorWordsBy[k] = append(regulatorWordsBy[k], len(regulatorWords))
		regulatorWordStart[w[0]][w[1]] = true
		regulatorWords = append(regulatorWords, w)
	}
	add("care inspectorate wales")
	for _, r := range regulatorTable {
		for _, w := range r.names {
			add(w)
		}
		for _, c := range r.cues {
			add(c)
		}
	}
}

// wordSeen is what scanRegulatorWords learns of one of regulatorWords:
// countWord's counts, and whether it is in the text at all.
type wordSeen struct {
	all, head int
	found     bool
	next      int // where countWord would look for it next
}

// scanRegulatorWords finds all regulatorWords in l in one pass, as
// countWord and strings.Contains would one by one.
func scanRegulatorWords(l string) []wordSeen {
	seen := make([]wordSeen, len(regulatorWords))
	for at := 0; at+1 < len(l); at++ {
		if !regulatorWordStart[l[at]][l[at+1]] {
			continue
		}
		for _, wi := range regulatorWordsBy[[2]byte{l[at], l[at+1]}] {
			w, s := regulatorWords[wi], &seen[wi]
			if !strings.HasPrefix(l[at:], w) {
				continue
			}
			s.found = true
			if at < s.next {
				continue // overlaps the occurrence before, which countWord skips past
			}
			s.next = at + len(w)
			if at > 0 && isQSWordByte(l[at-1]) || s.next < len(l) && isQSWordByte(l[s.next]) {
				continue
			}
			s.all++
			if at < regulatorHead {
				s.head++
			}
		}
	}
	return seen
}

// regulatorScores weighs each regulator's mentions (three for one in the
// head, one elsewhere) and the wording of its reports (two for each cue
// found, once it is named at all).
func (st *docState) regulatorScores() []int {
	l := st.lower
	if len(l) > regulatorRead {
		// letterheads and back pages: the opening and the close
		l = l[:regulatorRead-regulatorRead/4] + "\n" + l[len(l)-regulatorRead/4:]
	}
	out := make([]int, len(regulatorTable))
	seen := scanRegulatorWords(l)
	for i, r := range regulatorTable {
		n := 0
		for _, w := range r.names {
			s := seen[regulatorWordIndex[w]]
			all, head := s.all, s.head
			// "care inspectorate" is also the start of "care inspectorate wales"
			if w == "care inspectorate" {
				s2 := seen[regulatorWordIndex["care inspectorate wales"]]
				all, head = all-s2.all, head-s2.head
			}
			n += all + 2*head
		}
		if n == 0 && r.minCues == 0 {
			continue // its cues count only once it is named
		}
		cues := 0
		for _, c := range r.cues {
			if seen[regulatorWordIndex[c]].found {
				cues++
			}
		}
		if n == 0 && !(r.minCues > 0 && cues >= r.minCues) {
			continue
		}
		out[i] = n + 2*cues
	}
	return out
}

var reJoint = regexp.MustCompile(`\b(?:ofsted\s+and\s+(?:the\s+)?(?:cqc|care\s+quality\s+commission)|(?:cqc|care\s+quality\s+commission)\s+and\s+ofsted|joint\s+(?:area\s+send\s+)?inspection|area\s+send\s+(?:full\s+)?inspection|inspectors?\s+from\s+(?:the\s+)?(?:cqc|care\s+quality\s+commission))\b`)

// findRegulator returns the regulator the document is about: CQC unless
// another is named clearly more (more than twice CQC's weight, and more
// than one mention in the letterhead alone); "Ofsted and CQC" where both are named and the
// text speaks of their joint inspection;
// "" when no regulator is named.
func (st *docState) findRegulator() string {
	sc := st.regulatorScores()
	cqc := sc[0]
	best := -1
	for i := 1; i < len(sc); i++ {
		if sc[i] > 0 && (best < 0 || sc[i] > sc[best]) {
			best = i
		}
	}
	if best >= 0 && regulatorTable[best].name == "Ofsted" && cqc >= 3 && sc[best] >= 3 && reJoint.MatchString(st.lower) {
		return "Ofsted and CQC"
	}
	if best >= 0 && sc[best] >= 4 && sc[best] >= 2*cqc+1 {
		return regulatorTable[best].name
	}
	if cqc > 0 {
		return "CQC"
	}
	return ""
}

// foreignRegulator reports whether the document is another inspecting
// regulator's, whose ratings, actions and scores are not CQC's.
func (st *docState) foreignRegulator() bool {
	for _, r := range regulatorTable {
		if r.name == st.regulator {
			return r.inspects && r.name != "CQC"
		}
	}
	return false
}

var guidanceCues = []string{"page last updated", "organisations we regulate", "how we rate", "what the ratings mean",
	"what our ratings mean", "how we calculate", "how we determine", "how we reach a rating", "how we use",
	"scoring framework", "this guidance", "guidance for providers", "our published enforcement policy",
	"ratings characteristics", "rating characteristics", "what we look at", "how we assess", "we will write to"}

// findGuidanceDoc reports whether the document is a guidance or
// definitions page: it names no provider or location, and uses two or
// more of the ways CQC's guidance pages speak ("Page last updated",
// "How we rate", "what the ratings mean", "scoring framework").
func (st *docState) findGuidanceDoc() bool {
	// a named provider or location; "the service" names none
	if st.provider != "" || st.mainSubject != "" && !strings.HasPrefix(st.mainSubject, "the ") {
		return false
	}
	n := 0
	l := st.lower[:min(len(st.lower), 20000)]
	for _, c := range guidanceCues {
		if strings.Contains(l, c) {
			n++
		}
	}
	return n >= 2
}

var (
	// "for a rating of good", "a rating of requires improvement means"
	reGenericRating = regexp.MustCompile(`(?:^|\bfor )an? (?:overall )?rating of\b|^an? (?:overall )?rating of\b|\ban? (?:'|‘)?(?:outstanding|good|inadequate|requires improvement)(?:'|’)? rating means\b`)
	// "a location rated good is likely to", "services given 'outstanding'
	// ratings are judged to be", "for services rated requires
	// improvement", "any service rated inadequate will"
	reGenericSubject = regexp.MustCompile(`(?:^|\b(?:for|with|to|if|when|where|whether|once|that|of) |^(?:at|from|in|on|for|by|under|as|generally|similarly|typically|usually|however|overall)\b[^,]{0,60}, )(?:(an?|any|each|every|all) )?(?:(?:[a-z-]+) )?(services|locations|providers|practices|homes|trusts|hospitals|organisations|service|location|provider|practice|home|trust|hospital|organisation)(?: (?:that|which) (?:are|is|have been|has been))?(?: (?:repeatedly|consistently|previously|already))? (?:rated|given|awarded)\b`)
	// "Requires improvement: the service is not performing as well as it
	// should", "Good – the service is performing well"
	reRatingDefinition = regexp.MustCompile(`^(?:outstanding|good|requires improvement|inadequate)\s*[:=–—-]\s*[^.]{0,60}\b(?:performing|meeting (?:our |the )?expectations)\b`)
	// CQC's own definitions of its ratings, and lead-ins to them: "the
	// service is performing exceptionally well", "we have told the service
	// how it must improve", "The ratings are: Outstanding …"
	reRatingMeaning = regexp.MustCompile(`\b(?:the|a|this) (?:service|provider|organisation|location)s? (?:is|are) (?:not )?performing (?:exceptionally well|well|badly|as well as it should)|\bwe(?: have|'ve|’ve) told the service how it must improve|\b(?:the|our|four|cqc's|cqc’s) ratings (?:are|is)\s*:|\bratings? (?:range|ranging|ranges) from\b`)
	// "where we rate a service as inadequate, we will …"
	reWhereWeRate  = regexp.MustCompile(`\b(?:where|when|if|once|whenever)\s+(?:we|cqc|the cqc|inspectors)\s+rates?\s+(?:an?|any)\s+`)
	reGenericAfter = regexp.MustCompile(`\b(?:is|are) (?:likely|expected|judged|considered|performing)\b|\b(?:will|would|may|might|can|could|should|must|tend to|means?)\b`)
)

var specificWords = set("the", "this", "these", "those", "its", "our", "their", "his", "her", "that")

// isGuidance reports whether text[s:e] is a generic statement about
// ratings rather than a rating of a named or discussed service: the whole
// of a guidance page, or a sentence whose subject is any service rated so
// ("a location rated good is likely to…", "for a rating of good, the score
// will…", "services given 'outstanding' ratings are judged to…").
func (st *docState) isGuidance(s, e int) bool {
	if st.guidanceDoc {
		return true
	}
	ss, se := st.sentenceAt(s)
	se = max(se, e)
	key := [2]int{ss, se}
	if g, ok := st.guidanceAt[key]; ok {
		return g
	}
	g := st.genericSentence(ss, se)
	if st.guidanceAt == nil {
		st.guidanceAt = map[[2]int]bool{}
	}
	st.guidanceAt[key] = g
	return g
}

// genericSentence is isGuidance for the text from ss to se, which starts
// a sentence. Each regexp runs only when the text has a word that every
// match of it contains.
func (st *docState) genericSentence(ss, se int) bool {
	l := st.lower[ss:se]
	if containsAny(l, "rating of", "rating means") && reGenericRating.MatchString(l) ||
		containsAny(l, "performing", "meeting") && reRatingDefinition.MatchString(l) ||
		meaningCue(l) && reRatingMeaning.MatchString(l) ||
		strings.Contains(l, "rate") && reWhereWeRate.MatchString(l) {
		return true
	}
	// a rating word alone on its line, the title of the definition below it
	if se-ss <= 25 {
		i := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].s >= se })
		if i < len(st.sents) {
			if n := st.lower[st.sents[i].s:st.sents[i].e]; meaningCue(n) && reRatingMeaning.MatchString(n) {
				return true
			}
		}
	}
	if !containsAny(l, "rated", "given", "awarded") {
		return false
	}
	for _, m := range reGenericSubject.FindAllStringSubmatchIndex(l, -1) {
		// "the services rated …" and "Brackenford House, a care home
		// rated …" are specific: the determiner must be generic or
		// absent on a plural.
		det := ""
		if m[2] >= 0 {
			det = l[m[2]:m[3]]
		}
		noun := l[m[4]:m[5]]
		pre := strings.Fields(l[max(0, m[0]):m[4]])
		if len(pre) > 0 && specificWords[pre[len(pre)-1]] {
			continue
		}
		if det == "" && !strings.HasSuffix(noun, "s") {
			continue
		}
		heading := len(st.blocks) > 0 && st.blocks[st.blockAt(ss)].heading || !strings.ContainsAny(l, ".!?:")
		if heading || strings.HasPrefix(l[m[0]:], "for ") || reGenericAfter.MatchString(l[m[1]:]) {
			return true
		}
	}
	return false
}

// meaningCue reports a word that every match of reRatingMeaning contains.
func meaningCue(l string) bool {
	return containsAny(l, "performing", "told the service", "ratings are", "ratings is", "rang")
}

// filterFindings applies the document-level rules to what the taggers
// found: nothing CQC's in another inspecting regulator's document (its
// quotes are kept, their speaker not CQC), and no ratings or actions from
// guidance.
func (st *docState) filterFindings() {
	foreign := st.foreignRegulator()
	keep := 0
	for i, f := range st.found {
		drop := false
		switch f.Kind {
		case extract.KindRating, extract.KindMustDo, extract.KindShouldDo, extract.KindScore:
			if foreign {
				drop = true
			} else if f.Kind != extract.KindScore {
				s := st.offsets[i]
				drop = st.isGuidance(s, s+max(0, f.End-f.Start))
			}
		case extract.KindQuote:
			if foreign && f.Speaker == extract.SpeakerCQC {
				st.found[i].Speaker = extract.SpeakerOther
			}
		}
		if !drop {
			st.found[keep] = st.found[i]
			st.offsets[keep] = st.offsets[i]
			keep++
		}
	}
	st.found, st.offsets = st.found[:keep], st.offsets[:keep]
}
