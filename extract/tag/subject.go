package tag

import (
	"regexp"
	"strings"
)

// Subjects named as organisations: councils, care homes, practices,
// hospitals and the like, alone or in a coordinated list before the words
// that rate them.
//
//	Northvale Council and Elmstead Council were both rated good
//	Elmstead Care Home, Larkspur House in Brackenford and Oak Lodge achieved outstanding ratings
//	Brackenford, Elmstead and Northvale hospitals were awarded outstanding ratings
//	- Larkspur County Council – indicative rating of good
//	• The Willows: Requires improvement, last inspected on 4 May.

// orgNouns end the name of an organisation or place that CQC rates.
var orgNouns = set("council", "hospital", "home", "house", "practice", "surgery", "centre", "center",
	"lodge", "gardens", "court", "limited", "ltd", "hospice", "clinic", "infirmary", "manor", "hall",
	"place", "villa", "villas", "grange", "cottage", "view", "mews", "service", "services", "partnership",
	"group", "care", "homecare", "agency", "llp", "plc", "cic", "trust", "borough", "unit", "ward")

// pluralOrg are plural nouns that follow a list of place names:
// "Brackenford and Elmstead hospitals".
var pluralOrg = map[string]string{"hospitals": "hospital", "homes": "home", "practices": "practice",
	"councils": "Council", "surgeries": "surgery", "hospices": "hospice", "clinics": "clinic"}

// cueFillers are the words between a subject and the rating word that do
// not stop the subject from being the one rated.
var cueFillers = set("rated", "rating", "ratings", "as", "were", "was", "is", "are", "have", "has", "had",
	"been", "all", "both", "now", "also", "being", "given", "awarded", "achieved", "received", "receive",
	"assessed", "judged", "a", "an", "of", "indicative", "-", ":", "(", "each", "again", "overall",
	"still", "remains", "remain", "retained", "found", "to", "be", "given", "re-rated", "once", "their",
	"its", "the", "cqc", "by")

// orgSubjects returns the organisations that the rating word ts[i] rates
// when a name or list of names ends just before its cue words, or nil.
// lo bounds the search (the token after an earlier rating word).
func (st *docState) orgSubjects(ts []tok, lo, i int) []string {
	k := i - 1
	for k >= lo && cueFillers[ts[k].w] && !ts[k].cap {
		k--
	}
	// "The Willows: Good", "Elmstead Council – indicative rating of good"
	for k >= lo && (ts[k].w == ":" || ts[k].w == "-") {
		k--
	}
	if k < lo || k < 0 {
		return nil
	}
	plural := ""
	if p, ok := pluralOrg[ts[k].w]; ok && !ts[k].cap {
		plural = p
		k--
	}
	if k < lo || k < 0 || !ts[k].cap || ts[k].kind != kWord || numberWords[ts[k].w] {
		return nil
	}
	// the run of name words and separators ending at k
	j := k
	for j > lo && nameRunWord(ts, j-1) {
		j--
	}
	for j <= k && !ts[j].cap {
		j++ // a run starts with a name
	}
	if j > k || j > 0 && (ts[j-1].w == "at" || ts[j-1].w == "in") {
		return nil // a place where something else is rated: "maternity at X Hospital"
	}
	label := (j == 0 || ts[j-1].w == "-" && j == 1 || ts[j-1].w == "•") && k+1 < len(ts) && (ts[k+1].w == ":" || ts[k+1].w == "-")
	items := splitNames(ts[j : k+1])
	// a sentence adverb before the list: "Conversely, A and B achieved …"
	if len(items) > 1 && j == 0 && len(items[0]) == 1 && !orgNouns[items[0][0].w] && plural == "" {
		items = items[1:]
	}
	var out []string
	for _, it := range items {
		name := st.text[it[0].s:it[len(it)-1].e]
		last := it[len(it)-1]
		switch {
		case plural != "":
			if len(it) > 3 {
				return nil
			}
			name += " " + plural
		case orgNouns[last.w] && (len(it) > 1 || label) || label && len(items) == 1 || strings.HasPrefix(strings.ToLower(name), "london borough of"):
		default:
			return nil
		}
		out = append(out, clean(name))
	}
	if len(out) == 0 || len(out) == 1 && plural == "" && (isProviderLevel(out[0]) || strings.HasSuffix(out[0], " Trust")) {
		return nil
	}
	for _, o := range out {
		l := strings.ToLower(o)
		if strings.Contains(l, "care quality commission") || l == "cqc" {
			return nil
		}
	}
	return out
}

// nameRunWord reports whether ts[k] can be inside a run of names: a
// capitalised word, a separator, or a small word inside a name.
func nameRunWord(ts []tok, k int) bool {
	t := ts[k]
	if t.cap && t.kind == kWord {
		return true
	}
	switch t.w {
	case ",", "and", "&", "of", "upon", "on", "in", "at", "the", "st", "'s", "-le-", "by", "under":
		return true
	}
	return false
}

// splitNames splits a run of name words into names at commas and "and",
// keeping "and" inside a name whose first part is not a name on its own
// ("Brighton and Hove City Council"), and dropping a place after "in" or
// "at" ("Larkspur House in Brackenford") and an owner before a possessive
// ("Northvale Health's Elmstead").
func splitNames(ts []tok) [][]tok {
	var items [][]tok
	cur := []tok{}
	flush := func() {
		for len(cur) > 0 && !cur[0].cap {
			cur = cur[1:]
		}
		for len(cur) > 0 && !cur[len(cur)-1].cap {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			items = append(items, cur)
		}
		cur = []tok{}
	}
	for n := 0; n < len(ts); n++ {
		t := ts[n]
		switch {
		case t.w == ",":
			flush()
		case t.w == "and" && len(cur) > 0 && orgNouns[cur[len(cur)-1].w]:
			flush()
		case t.w == "and" && len(cur) > 0 && n+1 < len(ts) && ts[n+1].cap && runEndsOrg(ts[n+1:]):
			cur = append(cur, t) // "Brighton and Hove City Council"
		case t.w == "and":
			flush()
		case (t.w == "in" || t.w == "at") && len(cur) > 0 && orgNouns[cur[len(cur)-1].w]:
			// skip the place: up to the next separator
			for n+1 < len(ts) && ts[n+1].w != "," && ts[n+1].w != "and" {
				n++
			}
		case strings.HasSuffix(t.w, "'s") && t.cap && !(len(cur) == 1 && (cur[0].w == "st" || cur[0].w == "saint")):
			cur = []tok{} // "Northvale Health's Elmstead": the owner is not the name
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return items
}

// runEndsOrg reports whether the name starting ts ends in an organisation
// noun before the next separator.
func runEndsOrg(ts []tok) bool {
	for n, t := range ts {
		if t.w == "," || t.w == "and" {
			return n > 0 && orgNouns[ts[n-1].w]
		}
	}
	return len(ts) > 0 && orgNouns[ts[len(ts)-1].w]
}

// localNouns name the kind of single location a document may be about,
// with the generic subject used when its name is not found.
var localNouns = []struct{ phrase, generic string }{
	{"the practice", "the practice"}, {"this practice", "the practice"},
	{"the surgery", "the practice"},
	{"the care home", "the service"}, {"the home", "the service"}, {"this home", "the service"},
	{"the service", "the service"}, {"this service", "the service"},
	{"the hospice", "the hospice"}, {"the council", "the council"}, {"the local authority", "the council"},
}

// localNameEnds end the name of a single location.
var localNameEnds = []string{"Care Home", "Nursing Home", "Residential Home", "Home", "House", "Lodge", "Court",
	"Gardens", "Manor", "Hall", "Practice", "Surgery", "Medical Centre", "Health Centre", "Medical Practice",
	"Hospice", "Clinic", "Council"}

// findLocalSubject returns the single location a document is about when
// no trust is: a care home, a GP practice, a hospice, a council. The name
// named most often wins ("Elmstead Care Home"); without one, the generic
// phrase the document uses most ("the practice"), or "".
func (st *docState) findLocalSubject() string {
	if st.provider != "" && strings.Contains(strings.ToLower(st.provider), "trust") {
		return ""
	}
	l := st.lower
	if strings.Count(l, "the trust") >= 2 {
		return ""
	}
	for _, w := range []string{"this trust", "our trust", "trust overall", "overall trust"} {
		if strings.Contains(l, w) {
			return ""
		}
	}
	counts := map[string]int{}
	first := map[string]int{}
	for _, end := range localNameEnds {
		for off := 0; ; {
			k := strings.Index(st.text[off:], " "+end)
			if k < 0 {
				break
			}
			at := off + k + 1
			off = at + len(end)
			if off < len(st.text) && isWordRune(rune(st.text[off])) {
				continue
			}
			name := capitalisedRunBefore(st.text, at) + end
			if name == end || len(strings.Fields(name)) > 6 || strings.Contains(name, "Inspector") {
				continue
			}
			counts[name]++
			if _, ok := first[name]; !ok {
				first[name] = at
			}
		}
	}
	best := ""
	for n, c := range counts {
		if best == "" || c > counts[best] || c == counts[best] && (len(n) > len(best) || len(n) == len(best) && first[n] < first[best]) {
			best = n
		}
	}
	// "Elmstead House Care Home" over "Elmstead House" that it holds
	for n := range counts {
		if best != "" && len(n) > len(best) && strings.HasPrefix(n, best+" ") {
			best = n
		}
	}
	generic, gn := "", 0
	for _, ln := range localNouns {
		if c := strings.Count(l, ln.phrase); c > gn {
			generic, gn = ln.generic, c
		}
	}
	if best != "" && (counts[best] >= 2 || gn >= 1) {
		return strings.TrimPrefix(best, "the ")
	}
	if gn >= 2 {
		// a statement about one core service ("Maternity services" as its
		// title) speaks of that service as "the service"
		if generic == "the service" {
			title := strings.TrimSpace(st.lower[:min(len(l), 300)])
			if k := strings.IndexByte(title, '\n'); k >= 0 {
				title = title[:k]
			}
			if cs, at := coreService(title); at >= 0 {
				return cs
			}
		}
		return generic
	}
	return ""
}

// capitalisedRunBefore returns the capitalised words (with "of", "and",
// "St", "&") that end right before offset at, with a trailing space.
func capitalisedRunBefore(text string, at int) string {
	start := at
	for start > 0 {
		e := start - 1
		if e < 0 || text[e] != ' ' {
			break
		}
		b := e
		for b > 0 && text[b-1] != ' ' && text[b-1] != '\n' && text[b-1] != '\f' && text[b-1] != '(' && text[b-1] != '"' {
			b--
		}
		w := text[b:e]
		if w == "" {
			break
		}
		r := rune(w[0])
		if !(r >= 'A' && r <= 'Z' || w == "of" || w == "and" || w == "&" || w == "on" || w == "upon") {
			break
		}
		if strings.ContainsAny(w, ".,;:!?") && w != "St." {
			break
		}
		start = b
	}
	run := text[start:at]
	// a run may not start with a small word
	for _, small := range []string{"of ", "and ", "& ", "on ", "upon "} {
		for strings.HasPrefix(run, small) {
			run = run[len(small):]
		}
	}
	for _, lead := range []string{"The ", "At ", "In ", "From ", "For ", "By ", "A ", "An "} {
		if strings.HasPrefix(run, lead) && start == 0 || strings.HasPrefix(run, lead) && lead != "The " {
			run = run[len(lead):]
		}
	}
	return run
}

// Scope rules: a rating word that a rating cue reaches may still not state
// a current CQC rating of a named subject. outOfScope names the rule that
// rules it out, or returns "".
//
//	Was the trust rated inadequate?                      question
//	rated requires improvement for its use of resources  use of resources
//	the draft report proposed a rating of inadequate     draft
//	a location rated good is likely to …                 generic
//	nearly half of the homes are rated good              aggregate
func (st *docState) outOfScope(sn sentence, ts []tok, lo, i int) string {
	if len(ts) == 0 {
		return ""
	}
	// a question that asks about the rating
	asked := questionWords[ts[0].w]
	for k := 0; k < i && asked; k++ {
		asked = ts[k].w != "?" && ts[k].w != "." && ts[k].w != ";"
	}
	if asked {
		for k := i + 1; k < len(ts); k++ {
			if ts[k].w == "?" {
				return "question"
			}
			if ts[k].w == "." || ts[k].w == ";" {
				break
			}
		}
	}
	// use of resources and the combined rating are not quality ratings
	from, to := ts[max(lo, i-12)].s, ts[min(len(ts)-1, i+8)].e
	win := st.lower[from:to]
	if strings.Contains(win, "use of resource") || strings.Contains(win, "combined rating") || strings.Contains(win, "combined quality and") {
		return "use of resources"
	}
	// draft, proposed, suspended ratings and ratings under appeal
	for k := max(0, i-12); k < len(ts) && k <= i+10; k++ {
		switch ts[k].w {
		case "draft", "proposed", "provisional", "suspended", "appeal", "appealed", "appealing":
			return "not final"
		}
	}
	// a generic subject: "a location rated good", "services rated
	// requires improvement", "any provider rated inadequate"
	for k := i - 1; k > 0 && i-k <= 3; k-- {
		if ts[k].w != "rated" && ts[k].w != "given" && ts[k].w != "awarded" && ts[k].w != "achieving" && ts[k].w != "with" {
			continue
		}
		if k > 1 && strings.HasSuffix(ts[k-1].w, "ly") && genericNouns[ts[k-2].w] {
			k-- // "services repeatedly rated requires improvement"
		}
		n := ts[k-1].w
		if genericNouns[n] {
			d := ""
			if k > 1 {
				d = ts[k-2].w
			}
			if d == "" || d == "," || d == "a" || d == "an" || d == "any" || d == "every" || d == "each" || d == "for" || d == "of" ||
				d == "all" || d == "those" || d == "with" || d == "that" || d == "where" {
				return "generic"
			}
		}
		break
	}
	// a worked example or a scale, not a rating of anyone: "For example,
	// for a rating of good …", "the worst is inadequate", "the second
	// rating behind outstanding", "can be given a rating of …"
	if len(ts) > 1 && (ts[0].w == "for" && ts[1].w == "example" || ts[0].w == "e.g" || ts[0].w == "similarly" || ts[0].w == "example") {
		return "example"
	}
	for k := i - 1; k >= 0 && i-k <= 10; k-- {
		w := ts[k].w
		if w == ";" || w == "." {
			break
		}
		switch w {
		case "behind", "below", "above", "worst", "lowest", "scale", "ranging", "between":
			return "scale"
		case "can", "could", "may", "might", "would":
			if !ts[k].cap { // not the month
				return "hypothetical"
			}
		}
		if w == "for" && k+2 < i && ts[k+1].w == "a" && strings.HasPrefix(ts[k+2].w, "rating") {
			return "hypothetical" // "for a rating of good, the score …"
		}
	}
	// "good in four of the five key questions": a count of key questions
	if i+3 < len(ts) && (ts[i+1].w == "in" || ts[i+1].w == "for" || ts[i+1].w == "across") && numberWords[ts[i+2].w] && ts[i+3].w == "of" {
		return "aggregate"
	}
	// aggregates by fraction or percentage
	for k := i - 1; k >= lo && i-k <= 16; k-- {
		w := ts[k].w
		if w == ";" {
			break
		}
		if fractionWords[w] || w == "%" || w == "percent" || w == "cent" {
			return "aggregate"
		}
	}
	return ""
}

var questionWords = set("was", "were", "is", "are", "has", "have", "did", "does", "do", "will", "would", "could",
	"should", "can", "how", "why", "what", "which", "who")

var genericNouns = set("location", "locations", "service", "services", "provider", "providers", "practice",
	"practices", "home", "homes", "trust", "trusts", "hospital", "hospitals", "organisation", "organisations")

var fractionWords = set("half", "third", "thirds", "quarter", "quarters", "majority", "minority", "proportion",
	"fifth", "fifths", "tenth", "percentage")

// expandPlaces gives one subject per place of a service at two places:
// "Maternity (Brackenford Hospital and Elmstead Hospital)" →
// "Maternity (Brackenford Hospital)", "Maternity (Elmstead Hospital)".
func expandPlaces(s string) []string {
	i := strings.LastIndex(s, " (")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return []string{s}
	}
	places := strings.Split(s[i+2:len(s)-1], " and ")
	if len(places) != 2 {
		return []string{s}
	}
	var out []string
	for _, p := range places {
		p = strings.TrimSpace(p)
		if !isPlaceName(p) {
			return []string{s}
		}
		out = append(out, s[:i]+" ("+p+")")
	}
	return out
}

// servicesBefore reads a list of two or more core services set off before
// the words that rate them: "six service areas – urgent and emergency
// services, surgery, critical care and maternity – rated outstanding".
func (st *docState) servicesBefore(ts []tok, lo, i int) []string {
	k := i - 1
	for k > lo && cueFillers[ts[k].w] && ts[k].w != "-" && ts[k].w != "(" {
		k--
	}
	if k <= lo || ts[k].w != "-" && ts[k].w != ")" && ts[k].kind != kWord {
		return nil
	}
	end := k
	if ts[k].w == "-" || ts[k].w == ")" {
		end = k - 1
	}
	start := end
	for start > lo && ts[start-1].w != "-" && ts[start-1].w != "(" && ts[start-1].w != ":" && ts[start-1].w != ";" && end-start < 40 {
		start--
	}
	if start > end || start <= 0 || ts[start-1].w != "-" && ts[start-1].w != "(" && ts[start-1].w != ":" {
		return nil
	}
	items := splitItems(st.text[ts[start].s:ts[end].e])
	if len(items) < 2 {
		return nil
	}
	for _, it := range items {
		if _, at := coreService(strings.ToLower(it)); at != 0 {
			return nil
		}
	}
	return items
}

var reQualityReport = regexp.MustCompile(`([A-Z][^\s,.;:]*(?:[ \t]+(?:[A-Z][^\s,.;:]*|of|and|upon|on|the|&))*)[ \t\n]+Quality Report`)

// findReportLocation returns the location a 2014-2017 Quality Report
// is about when it is one hospital or other location rather than a trust
// ("Brackenford NHS Foundation Trust Brackenford General Hospital Quality
// Report" → "Brackenford General Hospital"), or "".
func (st *docState) findReportLocation() string {
	if loc := st.pageLocation(); loc != "" {
		return loc
	}
	head := st.text[:min(len(st.text), 4000)]
	if !strings.Contains(head, "Quality Report") || !strings.Contains(strings.ToLower(head), "this hospital") {
		return ""
	}
	m := reQualityReport.FindStringSubmatch(head)
	if m == nil {
		return ""
	}
	name := m[1]
	for _, owner := range []string{"Trust ", "Limited ", "Ltd ", "LLP ", "plc "} {
		if k := strings.LastIndex(name, owner); k >= 0 {
			name = name[k+len(owner):]
		}
	}
	name = strings.TrimSpace(name)
	f := strings.Fields(name)
	if len(f) < 2 || len(f) > 8 || !placeNouns[strings.ToLower(f[len(f)-1])] || isProviderLevel(name) {
		return ""
	}
	return name
}

// atReportLocation qualifies a core service with the location of a
// one-hospital Quality Report: "Surgery" → "Surgery (Brackenford General
// Hospital)".
func (st *docState) atReportLocation(s string) string {
	if st.reportLoc == "" || leadingService(strings.ToLower(s)) == "" {
		return s
	}
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") && isPlaceName(s[i+2:len(s)-1]) {
		return s // at a place already
	}
	return s + " (" + st.reportLoc + ")"
}

// servicesHeading reads two or more core services that head the clause
// of a rating, at a place or not: "Surgery, critical care and outpatients
// at Elmstead General Hospital are now rated good", "Both the emergency
// department and the maternity unit were judged inadequate".
func (st *docState) servicesHeading(ts []tok, lo, i int) []string {
	start := lo
	for k := i - 1; k > lo; k-- {
		if ts[k].w == ";" || ts[k].w == "." || ts[k].w == ":" {
			start = k + 1
			break
		}
	}
	// the clause's verb ends the subject
	end := -1
	for k := start; k < i; k++ {
		switch ts[k].w {
		case "are", "is", "were", "was", "have", "has", "had", "remain", "remains", "remained":
			end = k
		}
		if end >= 0 {
			break
		}
	}
	if end <= start {
		return nil
	}
	subj := st.text[ts[start].s:ts[end-1].e]
	place := ""
	for k := start; k < end; k++ {
		if (ts[k].w == "at" || ts[k].w == "in") && k+1 < end && ts[k+1].cap {
			p := clean(st.text[ts[k+1].s:ts[end-1].e])
			if !isPlaceName(p) {
				return nil
			}
			subj, place = st.text[ts[start].s:ts[k-1].e], p
			break
		}
	}
	if k := strings.Index(strings.ToLower(subj), "both "); k == 0 {
		subj = subj[len("both "):]
	}
	items := splitItems(subj)
	if len(items) < 2 {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		l := strings.ToLower(it)
		for _, suffix := range []string{" unit", " department", " team", " services", " service"} {
			if cs := leadingService(l); cs == "" && strings.HasSuffix(l, suffix) {
				l = strings.TrimSuffix(l, suffix)
			}
		}
		cs := leadingService(l)
		if cs == "" {
			return nil
		}
		if place != "" {
			cs += " (" + place + ")"
		}
		out = append(out, cs)
	}
	return out
}

// reApposition finds a name followed by a comma clause that describes it:
// "Brackenford Hospital, run by Northvale NHS Foundation Trust, was rated
// …", "Larkspur Homecare Ltd, a home care agency in Elmstead, has been
// rated …".
var reApposition = regexp.MustCompile(`([A-Z][\w'’&.-]*(?: (?:[A-Z][\w'’&.-]*|of|and|upon|on|the|&))*)\s*,\s*(?:(?:which|that|who) (?:is|are|was) )?(?:(?:run|managed|operated|owned|provided|commissioned) by|part of|an? |the )[^,;.]{2,80},\s*(?:which |that |who )?(?:has |have |had |is |are |was |were )?(?:now |also |since |recently |been |again )*$`)

// reClauseAbout finds a subject followed by a relative clause about it:
// "the trust, which runs two hospitals, was rated …".
var reClauseAbout = regexp.MustCompile(`(?i)\b((?:the|this|our) (?:nhs )?(?:foundation )?(?:trust|provider|organisation))\s*,\s*(?:which|that|who) [^,;.]{2,120},\s*(?:which |that |who )?(?:has |have |had |is |are |was |were )?(?:now |also |since |recently |been |again )*$`)

// appositiveSubject returns the organisation a sentence rates when a
// comma clause describing it stands between the name and the rating cue,
// or "".
func (st *docState) appositiveSubject(sn sentence, ts []tok, i int) string {
	// the words before the cue: up to "rated", "judged", ...
	k := i - 1
	for k >= 0 && cueFillers[ts[k].w] && !ts[k].cap && ts[k].w != "," {
		k--
	}
	if k < 1 || ts[k].w != "," && !(k+1 < i && ts[k+1].w == ",") {
		// the clause must end just before the cue words
		if k < 0 || ts[k].w != "," {
			return ""
		}
	}
	before := st.text[sn.s:ts[k].e]
	// "The trust, which runs Brackenford General Hospital, was rated …"
	if m := reClauseAbout.FindStringSubmatch(before); m != nil && reGenericTrust.MatchString(strings.ToLower(m[1])) {
		return st.providerSubject()
	}
	m := reApposition.FindStringSubmatch(before)
	if m == nil {
		return ""
	}
	name := strings.TrimPrefix(clean(m[1]), "The ")
	f := strings.Fields(name)
	if len(f) < 2 || !orgNouns[strings.ToLower(f[len(f)-1])] {
		return ""
	}
	if isProviderLevel(name) || strings.HasSuffix(name, " Trust") {
		return st.providerSubject()
	}
	return name
}

// pageLocation returns the location a CQC location page is about: a line
// that is only a place's name ("Brackenford General Hospital") among the
// first lines, followed within three lines by the page's report or ratings
// heading ("Report from 4 May 2024 assessment", "Ratings", "Inspection
// report").
func (st *docState) pageLocation() string {
	var lines []string
	for _, l := range strings.SplitN(st.text[:min(len(st.text), 1500)], "\n", 12) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for n := 0; n < len(lines) && n < 6; n++ {
		f := strings.Fields(lines[n])
		if len(f) < 2 || len(f) > 6 || !placeNouns[strings.ToLower(f[len(f)-1])] || strings.HasSuffix(lines[n], "Trust") {
			continue
		}
		name := true
		for _, w := range f {
			if !(w[0] >= 'A' && w[0] <= 'Z') && w != "of" && w != "and" && w != "upon" && w != "on" {
				name = false
			}
		}
		if !name {
			continue
		}
		for m := n + 1; m < len(lines) && m <= n+3; m++ {
			l := strings.ToLower(lines[m])
			if strings.HasPrefix(l, "report from") || l == "ratings" || strings.HasPrefix(l, "inspection report") || strings.HasPrefix(l, "overall rating") {
				return lines[n]
			}
		}
	}
	return ""
}

// orgListAfter reads the organisations named after "for" that a rating
// is given to: "raised its rating to good for Northvale Health's Elmstead
// and Brackenford hospitals", "rated good for Oak Lodge and Willow House".
func (st *docState) orgListAfter(ts []tok, k int) []string {
	e := k
	for e < len(ts) && (nameRunWord(ts, e) && ts[e].w != "," || ts[e].w == ",") {
		e++
	}
	plural := ""
	if e < len(ts) {
		if p, ok := pluralOrg[ts[e].w]; ok && !ts[e].cap {
			plural = p
		}
	}
	if e == k {
		return nil
	}
	items := splitNames(ts[k:e])
	var out []string
	for _, it := range items {
		last := it[len(it)-1]
		switch {
		case plural != "":
			if len(it) > 3 {
				return nil
			}
		case orgNouns[last.w] && len(it) > 1:
		default:
			return nil
		}
		name := clean(st.text[it[0].s:it[len(it)-1].e])
		if plural != "" {
			name += " " + plural
		}
		out = append(out, name)
	}
	if len(out) == 0 || len(out) == 1 && plural == "" && (isProviderLevel(out[0]) || strings.HasSuffix(out[0], " Trust")) {
		return nil
	}
	return out
}
