package tag

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Single assessment framework scores (kind score): a quality statement of
// a key question, or of a local authority theme, scored 1 to 4.
//
// The vocabulary is data: the 34 quality statements of the framework under
// their key questions, and the nine local authority quality statements
// and four themes, each with the spellings reports and news use. Names are
// matched word by word after normalisation (case, punctuation, "'s",
// plurals), so "Assessing people's needs" and "Partnership and
// communities" find their statements.
//
// The rules read a score only where the words say it is one:
//
//   - score-label: a statement as a label followed by its score, "Safe
//     environments Score: 3", "Assessing needs — score 2";
//   - score-cell: a statement at the start of a table row whose cell is a
//     digit, under a header naming the score or beside a scale label
//     ("Safeguarding | 2 – some shortfalls");
//   - score-verb: "scored 4 for safeguarding", "a score of 3 out of 4 for
//     assessing needs and safeguarding", "was given 3 out of 4 for", "our
//     highest score (4) was for"; the scored body is the sentence's
//     subject or the one "gave … a score", else the document's;
//   - score-after, score-for, score-for-comma: "Safeguarding was scored
//     2", "the score for the safeguarding quality statement was 2", "For
//     safeguarding, the council scored 3";
//   - score-rest: "a score of 3 for all other areas", expanded to the
//     areas the text lists before it, less those scored on their own.
//
// Not scores: percentages and scores out of 100 (key question scores),
// the scale's definition ("4 = exceptional standard"), worked examples in
// guidance ("For example, if a service scored …", tables under an
// "Example:" heading) and hypothetical scores ("would score 2").

// qsEntry is one quality statement or local authority theme.
type qsEntry struct {
	name     string   // canonical name
	domain   string   // key question, "" for local authority statements and themes
	theme    string   // the local authority theme a statement sits under
	la       bool     // a local authority statement or theme
	variants []string // other spellings
}

// providerStatements are the 34 quality statements of the single
// assessment framework, by key question.
var providerStatements = []qsEntry{
	{name: "Learning culture", domain: "safe", variants: []string{"safety learning culture", "safe learning culture"}},
	{name: "Safe systems, pathways and transitions", domain: "safe", variants: []string{"safe pathways, systems and transitions"}},
	{name: "Safeguarding", domain: "safe"},
	{name: "Involving people to manage risks", domain: "safe"},
	{name: "Safe environments", domain: "safe"},
	{name: "Safe and effective staffing", domain: "safe"},
	{name: "Infection prevention and control", domain: "safe"},
	{name: "Medicines optimisation", domain: "safe", variants: []string{"medicines optimization", "medicine optimisation"}},
	{name: "Assessing needs", domain: "effective", variants: []string{"assessing people's needs"}},
	{name: "Delivering evidence-based care and treatment", domain: "effective", variants: []string{"evidence-based care and treatment"}},
	{name: "How staff, teams and services work together", domain: "effective", variants: []string{"staff, teams and services work together", "how staff teams and services work together"}},
	{name: "Supporting people to live healthier lives", domain: "effective", variants: []string{"supporting people to lead healthier lives"}},
	{name: "Monitoring and improving outcomes", domain: "effective"},
	{name: "Consent to care and treatment", domain: "effective"},
	{name: "Kindness, compassion and dignity", domain: "caring"},
	{name: "Treating people as individuals", domain: "caring"},
	{name: "Independence, choice and control", domain: "caring"},
	{name: "Responding to people's immediate needs", domain: "caring", variants: []string{"responding to immediate needs"}},
	{name: "Workforce wellbeing and enablement", domain: "caring", variants: []string{"workforce well-being and enablement"}},
	{name: "Person-centred care", domain: "responsive", variants: []string{"person-centered care"}},
	{name: "Care provision, integration and continuity", domain: "responsive"},
	{name: "Providing information", domain: "responsive"},
	{name: "Listening to and involving people", domain: "responsive"},
	{name: "Equity in access", domain: "responsive"},
	{name: "Equity in experience and outcomes", domain: "responsive", variants: []string{"equity in experiences and outcomes"}},
	{name: "Planning for the future", domain: "responsive"},
	{name: "Shared direction and culture", domain: "well-led"},
	{name: "Capable, compassionate and inclusive leaders", domain: "well-led"},
	{name: "Freedom to speak up", domain: "well-led"},
	{name: "Workforce equality, diversity and inclusion", domain: "well-led"},
	{name: "Governance, management and sustainability", domain: "well-led"},
	{name: "Partnerships and communities", domain: "well-led", variants: []string{"partnership and communities"}},
	{name: "Learning, improvement and innovation", domain: "well-led"},
	{name: "Environmental sustainability – sustainable development", domain: "well-led", variants: []string{"environmental sustainability"}},
}

// laStatements are the local authority themes and their nine quality
// statements, which reuse provider statement names (some in their own
// spelling).
var laStatements = []qsEntry{
	{name: "How the local authority works with people", la: true, variants: []string{
		"working with people", "how we work with people", "how the council works with people"}},
	{name: "Assessing needs", theme: "How the local authority works with people", la: true, variants: []string{"assessing people's needs"}},
	{name: "Supporting people to lead healthier lives", theme: "How the local authority works with people", la: true, variants: []string{"supporting people to live healthier lives"}},
	{name: "Equity in experience and outcomes", theme: "How the local authority works with people", la: true, variants: []string{"equity in experiences and outcomes"}},

	{name: "Providing support", la: true, variants: []string{"how we provide support", "how the local authority provides support"}},
	{name: "Care provision, integration and continuity", theme: "Providing support", la: true},
	{name: "Partnerships and communities", theme: "Providing support", la: true, variants: []string{"partnership and communities"}},

	{name: "How the local authority ensures safety within the system", la: true, variants: []string{
		"how the local authority ensures safety in the system", "ensuring safety within the system",
		"ensuring safety in the system", "how we keep people safe", "how the council ensures safety within the system"}},
	{name: "Safe pathways, systems and transitions", theme: "How the local authority ensures safety within the system", la: true, variants: []string{"safe systems, pathways and transitions"}},
	{name: "Safeguarding", theme: "How the local authority ensures safety within the system", la: true},

	{name: "Leadership", la: true, variants: []string{"leadership and workforce", "how we lead"}},
	{name: "Governance, management and sustainability", theme: "Leadership", la: true},
	{name: "Learning, improvement and innovation", theme: "Leadership", la: true},
}

// qsPhrase is one spelling of an entry, as normalised words.
type qsPhrase struct {
	words []string
	prov  *qsEntry // the provider statement it names, or nil
	la    *qsEntry // the local authority statement or theme it names, or nil
}

// qsIndex holds the phrases by first word, longest first.
var qsIndex = buildQSIndex()

func buildQSIndex() map[string][]*qsPhrase {
	byKey := map[string]*qsPhrase{}
	var order []string
	addAll := func(tab []qsEntry, la bool) {
		for i := range tab {
			e := &tab[i]
			for _, n := range append([]string{e.name}, e.variants...) {
				ws := normWords(strings.ToLower(n))
				k := strings.Join(ws, " ")
				p := byKey[k]
				if p == nil {
					p = &qsPhrase{words: ws}
					byKey[k] = p
					order = append(order, k)
				}
				if la {
					p.la = e
				} else {
					p.prov = e
				}
			}
		}
	}
	addAll(providerStatements, false)
	addAll(laStatements, true)
	idx := map[string][]*qsPhrase{}
	for _, k := range order {
		p := byKey[k]
		idx[p.words[0]] = append(idx[p.words[0]], p)
	}
	for _, ps := range idx {
		sort.SliceStable(ps, func(a, b int) bool { return len(ps[a].words) > len(ps[b].words) })
	}
	return idx
}

// qWord is one word of the lower-case text, normalised, with its span.
type qWord struct {
	s, e int
	w    string
}

// normWord folds a lower-case word: "people's" → "people", "needs" →
// "need", "communities" → "community".
func normWord(w string) string {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}

func isQSWordByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// scanWords splits lower-case text into words of letters and digits; an
// apostrophe s ends its word and is dropped.
func scanWords(l string, base int) []qWord {
	var out []qWord
	for i := 0; i < len(l); {
		if !isQSWordByte(l[i]) {
			i++
			continue
		}
		j := i
		for j < len(l) && isQSWordByte(l[j]) {
			j++
		}
		e := j
		w := l[i:j]
		if strings.HasPrefix(l[j:], "'s") || strings.HasPrefix(l[j:], "’s") {
			k := j + 2
			if l[j] != '\'' {
				k = j + len("’s")
			}
			if k >= len(l) || !isQSWordByte(l[k]) {
				e = k
			}
		}
		out = append(out, qWord{i + base, e + base, normWord(w)})
		i = e
	}
	return out
}

func normWords(l string) []string {
	var out []string
	for _, w := range scanWords(l, 0) {
		out = append(out, w.w)
	}
	return out
}

// qsMention is a quality statement or theme named in the text.
type qsMention struct {
	s, e int
	p    *qsPhrase
}

// entry returns the statement the mention names in a local authority
// document (la) or a provider's.
func (m qsMention) entry(la bool) *qsEntry {
	if la && m.p.la != nil || m.p.prov == nil {
		return m.p.la
	}
	return m.p.prov
}

// findMentions returns every vocabulary phrase in the lower-case text l,
// longest first where two start at the same word. Only the words that
// start a phrase are looked at closely, so a long text costs no more
// than one pass.
func findMentions(l string) []qsMention {
	var out []qsMention
	for i := 0; i < len(l); {
		if !isQSWordByte(l[i]) || i > 0 && isQSWordByte(l[i-1]) {
			i++
			continue
		}
		j := i
		for j < len(l) && isQSWordByte(l[j]) {
			j++
		}
		cands := qsIndex[normWord(l[i:j])]
		if cands == nil {
			i = j
			continue
		}
		ws := scanWords(l[i:min(len(l), i+160)], i)
		next := j
		for _, p := range cands {
			if len(p.words) > len(ws) {
				continue
			}
			ok := true
			for k, w := range p.words {
				if ws[k].w != w {
					ok = false
					break
				}
			}
			if ok {
				e := ws[len(p.words)-1].e
				out = append(out, qsMention{i, e, p})
				next = e
				break
			}
		}
		i = next
	}
	return out
}

var (
	// after a label: "Score: 3", "— score 2", "(score 2)"
	reScoreLabel = regexp.MustCompile(`^[\s"'’”)\]:;,.|\-–—(]*(?:quality statement\s+)?(?:score|scored|rating)\s*(?:[:=\-–—]|of|is|was)?\s*([1-4])\b`)
	// a table cell after a row label: "| 2", ": 3", "2 existing"
	reScoreCell = regexp.MustCompile(`^[ \t"'’”:|\-–—]*([1-4])(?:[^0-9%.=]|\.(?:[^0-9]|$)|$)`)
	// "scored 4 for", "a score of 3 out of 4 for", "highest rating of 4 for"
	reScoreVerb = regexp.MustCompile(`\b(?:(?:scored|scoring|scores?(?: of)?|ratings? of|marks? of|rated|graded)\s+(?:(?:an?|the)\s+)?(?:(?:highest|lowest|top|maximum|minimum)(?:\s+possible)?\s+(?:(?:score|rating|mark)\s+(?:of\s+)?)?)?([1-4])(?:\s*(?:out of|/)\s*(?:4|four))?|(?:given|awarded|received|achieved|got|gained)\s+([1-4])\s*(?:out of|/)\s*(?:4|four)|scores?\s*\(([1-4])\)\s*(?:was|were|is|came)?)\b(?:\s*\(([^)]{0,60})\))?(?:\s*[,–—-]\s*(?:evidence shows |showing |meaning |which (?:means|shows) )?(?:an? )?(?:significant shortfalls|some shortfalls|good standard|exceptional standard)\s*,?)?\s+(?:for|in|on|against)\s+`)
	// "<statement> was scored 2", "<statement> received a score of 3"
	reScoreAfter = regexp.MustCompile(`^[\s"'’”)]*(?:(?:was|were|has been|have been|is|are)\s+)?(?:scored|(?:given|awarded|received|achieved|got)\s+(?:an? |the )?(?:(?:highest|lowest|top|maximum) )?(?:score|rating|mark)\s+of)\s+([1-4])\b`)
	// "For safeguarding, the council scored 3"
	reScoreComma = regexp.MustCompile(`^[\s"'’”)]*,\s*(?:[a-z’' ]{1,40}?\s)?(?:scored|received a score of|was given a score of|was awarded a score of|achieved a score of|got a score of|got)\s+([1-4])\b`)
	// "the score for safeguarding was 2": before and after the statement
	reScoreForBefore = regexp.MustCompile(`\bscores?\s+(?:for|in|on)\s+(?:the\s+)?["'‘“]?$`)
	reScoreForAfter  = regexp.MustCompile(`^["'’”]?(?:\s+quality\s+statement)?\s*(?:was|is|were|of|:|=|–|—|-)\s*([1-4])\b`)
	// "a score of 3 for all other areas"
	reScoreRest = regexp.MustCompile(`\b(?:scored|scores?(?: of)?|ratings? of)\s+([1-4])(?:\s*(?:out of|/)\s*(?:4|four))?\s+(?:for|in|across|on)\s+(?:(?:all|each of|every one of)\s+)?(?:the\s+)?(?:other|remaining|rest of the)\s+(?:(?:\w+)\s+)?(?:areas|quality statements|statements|themes)\b`)
	// what follows a score that makes it no quality statement score
	reNotScore = regexp.MustCompile(`^[ \t]*(?:[0-9%=]|\.\d|out of (?:100|[5-9])|per ?cent|percent)`)
	// the scale's labels
	reScaleLabel = regexp.MustCompile(`^[\s\-–—:(]*(?:evidence shows\s+)?(?:an?\s+)?(?:significant shortfalls|some shortfalls|good standard|exceptional standard)`)
	// worked examples and hypothetical scores
	reExampleLine = regexp.MustCompile(`(?m)^\s*(?:an?\s+)?(?:worked\s+)?example\b|in this example|\bexample:|for example,? if\b|for example,? an? (?:service|provider|location|local authority)|\bexamples? (?:of|showing) how`)
	reHypothetic  = regexp.MustCompile(`\b(?:for example|for instance|e\.g\.|example|if|would|could|might|hypothetical|suppose)\b`)
	// "gave Brackenford Surgery a": the scored body as the object
	reGaveName = regexp.MustCompile(`\b(?:gave|awarded|given to)\s+((?:[A-Z][\w'’&-]*)(?:\s+(?:[A-Z][\w'’&-]*|of|and|upon|on))*)\s+(?:an?|the)\s*(?:(?:highest|lowest|top|maximum)\s+)?$`)
	// a council named in the document's first lines
	reCouncil = regexp.MustCompile(`\b((?:[A-Z][\w'’&-]*\s+)(?:(?:[A-Z][\w'’&-]*|and|of|upon|on|the)\s+){0,5}(?:County |City |Borough |District |Metropolitan Borough )?Council)\b`)
)

// scoreCtx is what the score rules share for one document.
type scoreCtx struct {
	st       *docState
	la       bool
	subject  string
	mentions []qsMention
	seen     map[string]bool // subject|statement already scored
	named    map[string]bool // statements scored on their own
}

// tagScores finds the quality statement scores of the document.
func (st *docState) tagScores() {
	if !containsAny(st.lower, "score", "rating of", "shortfall", "out of 4", "out of four", "/4") {
		return
	}
	c := &scoreCtx{st: st, mentions: findMentions(st.lower), seen: map[string]bool{}, named: map[string]bool{}}
	if len(c.mentions) == 0 {
		return
	}
	c.la = st.isLocalAuthorityDoc()
	c.subject = st.scoreSubject(c.la)
	for i, m := range c.mentions {
		c.labelRule(i, m)
	}
	// the sentence rules run only on sentences with a score word
	// and name a statement, or speak of the other or remaining areas
	var cand []sentence
	mi := 0
	for _, sn := range st.sents {
		for mi < len(c.mentions) && c.mentions[mi].s < sn.s {
			mi++
		}
		l := st.lower[sn.s:sn.e]
		named := mi < len(c.mentions) && c.mentions[mi].s < sn.e
		if (named || strings.Contains(l, "other") || strings.Contains(l, "remaining")) &&
			containsAny(l, "scor", "rating of", "ratings of", "mark", "rated", "graded", "out of 4", "out of four", "/4") {
			cand = append(cand, sn)
		}
	}
	for _, sn := range cand {
		for _, ix := range reScoreVerb.FindAllStringSubmatchIndex(st.lower[sn.s:sn.e], -1) {
			for k := range ix {
				if ix[k] >= 0 {
					ix[k] += sn.s
				}
			}
			// the score is whichever of the alternatives' digits matched
			for k := 4; ix[2] < 0 && k <= 6; k += 2 {
				ix[2], ix[3] = ix[k], ix[k+1]
			}
			if ix[2] >= 0 {
				c.verbRule(ix)
			}
		}
	}
	for i, m := range c.mentions {
		c.afterRule(i, m)
	}
	for _, sn := range cand {
		for _, ix := range reScoreRest.FindAllStringSubmatchIndex(st.lower[sn.s:sn.e], -1) {
			for k := range ix {
				if ix[k] >= 0 {
					ix[k] += sn.s
				}
			}
			c.restRule(ix)
		}
	}
}

// isLocalAuthorityDoc reports whether the document is about a council's
// adult social care (its quality statements sit under themes).
func (st *docState) isLocalAuthorityDoc() bool {
	head := st.lower[:min(len(st.lower), 800)]
	if strings.Contains(head, "local authorit") {
		return true
	}
	// a council's page, not a care home the council runs
	council := strings.HasSuffix(strings.ToLower(st.mainSubject), "council")
	if council || strings.Contains(head, "council") && st.mainSubject == "" && !strings.Contains(head, "provided and run by") {
		return true
	}
	return strings.Count(st.lower, "local authorit") >= 3 && strings.Contains(st.lower, "care act")
}

// scoreSubject is who the document's scores belong to: the location or
// provider the document is about, a council its first lines name, else
// "the service" ("the local authority").
func (st *docState) scoreSubject(la bool) string {
	if st.mainSubject != "" {
		return st.mainSubject
	}
	if la {
		if m := reCouncil.FindStringSubmatch(st.text[:min(len(st.text), 800)]); m != nil {
			return strings.Join(strings.Fields(m[1]), " ")
		}
	}
	if st.provider != "" {
		return st.provider
	}
	if la {
		return "the local authority"
	}
	return "the service"
}

// sentenceAt returns the sentence holding offset p.
func (st *docState) sentenceAt(p int) (int, int) {
	i := sort.Search(len(st.sents), func(i int) bool { return st.sents[i].e > p })
	if i < len(st.sents) && st.sents[i].s <= p {
		return st.sents[i].s, st.sents[i].e
	}
	s, e := p, p
	for s > 0 && !isLineBreak(st.text[s-1]) {
		s--
	}
	for e < len(st.text) && !isLineBreak(st.text[e]) {
		e++
	}
	return s, e
}

// lineStart returns the offset where the line holding p starts.
func (st *docState) lineStart(p int) int {
	for p > 0 && !isLineBreak(st.text[p-1]) {
		p--
	}
	return p
}

// atLabel reports whether a mention starting at s begins its line (after
// bullet marks, numbers, "|" and quote marks) or follows a quote mark.
func (st *docState) atLabel(s int) bool {
	pre := strings.TrimLeft(st.lower[st.lineStart(s):s], " \t•*-–—|#0123456789.)\"'“‘")
	return pre == ""
}

// isExample reports whether the score at p is a worked example or a
// hypothetical one: an example heading or lead-in in the lines before it,
// or "for example", "if", "would" before it in its sentence.
func (st *docState) isExample(p int) bool {
	ss, _ := st.sentenceAt(p)
	if reHypothetic.MatchString(st.lower[ss:p]) {
		return true
	}
	from := max(0, st.lineStart(p)-800)
	return reExampleLine.MatchString(st.lower[from:p])
}

// notScoreAfter reports whether the text after a score digit makes it a
// percentage, a score out of 100 or a scale definition.
func (st *docState) notScoreAfter(e int) bool {
	return reNotScore.MatchString(st.lower[e:min(len(st.lower), e+20)])
}

// emit records one score.
func (c *scoreCtx) emit(e *qsEntry, score, subject string, s, end int, why string) {
	if e == nil {
		return
	}
	n := 0
	if len(score) == 1 && score[0] >= '1' && score[0] <= '4' {
		n = int(score[0] - '0')
	}
	if subject == "" {
		subject = c.subject
	}
	if e.la && e.theme == "" && !c.la && !strings.Contains(strings.ToLower(subject), "council") {
		return // a local authority theme named in a provider's document
	}
	key := strings.ToLower(subject + "|" + e.name)
	c.named[strings.ToLower(e.name)] = true
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	f := extract.Finding{Kind: extract.KindScore, Subject: subject, QualityStatement: e.name, Score: n, Why: why}
	if !c.la || !e.la {
		f.Domain = e.domain
	}
	c.st.add(f, s, end)
}

// labelRule reads "Safe environments Score: 3" and table rows
// "Safeguarding | 2".
func (c *scoreCtx) labelRule(i int, m qsMention) {
	st := c.st
	inline := false
	if !st.atLabel(m.s) {
		// "Scores: assessing needs 2, safeguarding 3"
		pre := strings.TrimRight(st.lower[st.lineStart(m.s):m.s], " \t\"'“‘")
		if !strings.Contains(pre, "score") || !strings.HasSuffix(pre, ",") && !strings.HasSuffix(pre, ";") && !strings.HasSuffix(pre, ":") && !strings.HasSuffix(pre, "|") {
			return
		}
		inline = true
	}
	tail := st.lower[m.e:min(len(st.lower), m.e+60)]
	if ix := reScoreLabel.FindStringSubmatchIndex(tail); ix != nil {
		d := m.e + ix[2]
		if st.notScoreAfter(d+1) || st.isExample(m.s) {
			return
		}
		c.emit(m.entry(c.la), st.text[d:d+1], "", m.s, d+1,
			fmt.Sprintf("score-label: statement %q, score %q", clean(st.text[m.s:m.e]), clean(st.text[m.e+ix[0]:d+1])))
		return
	}
	ix := reScoreCell.FindStringSubmatchIndex(tail)
	if ix == nil {
		return
	}
	d := m.e + ix[2]
	if st.notScoreAfter(d+1) || st.isExample(m.s) {
		return
	}
	label := reScaleLabel.MatchString(st.lower[d+1 : min(len(st.lower), d+60)])
	header := inline || st.scoreHeaderBefore(m.s)
	if !label && !header {
		return
	}
	why := "score-cell: statement %q, cell %q"
	if header {
		why += ", under a score header"
	}
	c.emit(m.entry(c.la), st.text[d:d+1], "", m.s, d+1, fmt.Sprintf(why, clean(st.text[m.s:m.e]), st.text[d:d+1]))
}

// scoreHeaderBefore reports whether a table header naming the score
// ("Quality statement | Score") is in the lines before p.
func (st *docState) scoreHeaderBefore(p int) bool {
	from := max(0, st.lineStart(p)-1500)
	for _, line := range strings.Split(st.lower[from:st.lineStart(p)], "\n") {
		line = strings.TrimSpace(line)
		if len(line) < 80 && strings.Contains(line, "score") && (strings.Contains(line, "statement") || strings.HasPrefix(line, "score") || strings.Contains(line, "|")) {
			return true
		}
	}
	return false
}

// mentionsFrom returns the mentions listed from offset p on: the first
// starting there (after "the", "its", quote marks and "quality
// statement"), and each joined to it by a comma, "and", "or" or "&".
func (c *scoreCtx) mentionsFrom(p int) []qsMention {
	i := sort.Search(len(c.mentions), func(i int) bool { return c.mentions[i].s >= p })
	var out []qsMention
	for ; i < len(c.mentions); i++ {
		m := c.mentions[i]
		gap := c.st.lower[p:m.s]
		if !isListGap(gap, len(out) == 0) {
			break
		}
		if !endsPhrase(c.st.lower[m.e:min(len(c.st.lower), m.e+30)]) {
			break // "safeguarding training": a longer phrase, not the statement
		}
		out = append(out, m)
		p = m.e
	}
	return out
}

var phraseEnders = set("and", "or", "but", "while", "whilst", "which", "with", "showing", "meaning", "indicating",
	"in", "at", "on", "from", "to", "under", "as", "quality", "statement", "statements", "theme", "area", "areas",
	"compared", "than", "after", "since", "this", "last", "for", "by", "when", "where", "despite", "though", "although")

// endsPhrase reports whether the text after a statement's name ends the
// name's phrase: punctuation, the end, or a joining word.
func endsPhrase(after string) bool {
	t := strings.TrimLeft(after, " \t")
	if t == "" || !isQSWordByte(t[0]) {
		return true
	}
	w := t
	if i := strings.IndexFunc(t, func(r rune) bool { return r > 127 || !isQSWordByte(byte(r)) }); i >= 0 {
		w = t[:i]
	}
	return phraseEnders[w]
}

var listGapWords = set("the", "its", "their", "our", "his", "her", "quality", "statement", "statements",
	"and", "or", "as", "well", "both", "theme", "area", "areas", "key", "question", "for", "including", "such", "of")

// isListGap reports whether gap, between a score and a statement or
// between two listed statements, holds only joining words and marks.
func isListGap(gap string, first bool) bool {
	if len(gap) > 40 || strings.ContainsAny(gap, ".;\n") && !first {
		return false
	}
	for _, w := range strings.FieldsFunc(gap, func(r rune) bool {
		return r == ' ' || r == ',' || r == '&' || r == '\'' || r == '"' || r == '‘' || r == '’' || r == '“' || r == '”' || r == '(' || r == ')' || r == '\n'
	}) {
		if !listGapWords[w] {
			return false
		}
	}
	return true
}

// verbRule reads "scored 4 for safeguarding", "a score of 3 for assessing
// needs and safeguarding".
func (c *scoreCtx) verbRule(ix []int) {
	st := c.st
	d := ix[2]
	if st.notScoreAfter(d+1) || st.isExample(d) {
		return
	}
	ms := c.mentionsFrom(ix[1])
	if len(ms) == 0 {
		return
	}
	ss, se := st.sentenceAt(d)
	subject := st.sentenceSubject(ss, ix[0])
	for _, m := range ms {
		c.emit(m.entry(c.la), st.text[d:d+1], subject, ss, se,
			fmt.Sprintf("score-verb: %q, statement %q", clean(st.text[ix[0]:ix[1]]), clean(st.text[m.s:m.e])))
	}
}

// afterRule reads "Safeguarding was scored 2" and "For safeguarding, the
// council scored 3".
func (c *scoreCtx) afterRule(i int, m qsMention) {
	st := c.st
	tail := st.lower[m.e:min(len(st.lower), m.e+80)]
	rule := "score-after"
	ix := reScoreAfter.FindStringSubmatchIndex(tail)
	if ix == nil && reScoreForBefore.MatchString(st.lower[max(0, m.s-30):m.s]) {
		if ix = reScoreForAfter.FindStringSubmatchIndex(tail); ix != nil {
			rule = "score-for"
		}
	}
	if ix == nil {
		ss, _ := st.sentenceAt(m.s)
		lead := strings.Fields(strings.Trim(st.lower[ss:m.s], " \t\n\"'‘“"))
		if len(lead) == 0 || len(lead) > 2 || lead[0] != "for" && lead[0] != "in" && lead[0] != "on" {
			return
		}
		if ix = reScoreComma.FindStringSubmatchIndex(tail); ix == nil {
			return
		}
		rule = "score-for-comma"
	}
	d := m.e + ix[2]
	if st.notScoreAfter(d+1) || st.isExample(m.s) {
		return
	}
	ss, se := st.sentenceAt(m.s)
	c.emit(m.entry(c.la), st.text[d:d+1], "", ss, se,
		fmt.Sprintf("%s: statement %q, %q", rule, clean(st.text[m.s:m.e]), clean(st.text[m.e+ix[0]:d+1])))
}

// restRule reads "a score of 3 for all other areas": each area the text
// listed before (three or more statements named in one sentence) that has
// no score of its own.
func (c *scoreCtx) restRule(ix []int) {
	st := c.st
	d := ix[2]
	if st.notScoreAfter(d+1) || st.isExample(d) {
		return
	}
	ss, se := st.sentenceAt(d)
	list := c.listBefore(ss)
	subject := st.sentenceSubject(ss, ix[0])
	for _, m := range list {
		e := m.entry(c.la)
		if e == nil || c.named[strings.ToLower(e.name)] {
			continue
		}
		c.emit(e, st.text[d:d+1], subject, ss, se,
			fmt.Sprintf("score-rest: %q, listed area %q", clean(st.text[ix[0]:ix[1]]), clean(st.text[m.s:m.e])))
	}
}

// listBefore returns the statements of the last sentence before p, within
// a few thousand bytes, that lists three or more of them. A theme named
// with its statement in brackets ("providing support (care provision,
// integration and continuity)") counts once, as the statement.
func (c *scoreCtx) listBefore(p int) []qsMention {
	from := max(0, p-4000)
	var best []qsMention
	cur, curS := []qsMention(nil), -1
	for _, m := range c.mentions {
		if m.s < from {
			continue
		}
		if m.s >= p {
			break
		}
		ss, _ := c.st.sentenceAt(m.s)
		if ss != curS {
			if len(cur) >= 3 {
				best = cur
			}
			cur, curS = nil, ss
		}
		if n := len(cur); n > 0 && m.s-cur[n-1].e <= 3 && strings.Contains(c.st.text[cur[n-1].e:m.s], "(") {
			cur[n-1] = m
			continue
		}
		cur = append(cur, m)
	}
	if len(cur) >= 3 {
		best = cur
	}
	return best
}

// sentenceSubject returns the body a scoring sentence names before the
// score ("Hertfordshire County Council received …"), or "".
func (st *docState) sentenceSubject(ss, at int) string {
	if at <= ss {
		return ""
	}
	// "Inspectors gave Brackenford Surgery a score of 3"
	if m := reGaveName.FindStringSubmatch(st.text[ss:at]); m != nil {
		return m[1]
	}
	words := strings.Fields(st.text[ss:at])
	var name []string
	for i, w := range words {
		w = strings.Trim(w, ",:;‘’'\"“”")
		if w == "" {
			break
		}
		capital := w[0] >= 'A' && w[0] <= 'Z'
		if !capital && !(len(name) > 0 && (w == "of" || w == "and" || w == "upon" || w == "on")) {
			break
		}
		if i == 0 && (w == "The" || w == "It" || w == "This" || w == "They" || w == "We" || w == "Our" || w == "In" || w == "However") {
			if w != "The" {
				return ""
			}
			continue
		}
		name = append(name, w)
	}
	for len(name) > 0 && (name[len(name)-1] == "of" || name[len(name)-1] == "and") {
		name = name[:len(name)-1]
	}
	if len(name) < 2 || len(name) > 8 {
		return ""
	}
	return strings.Join(name, " ")
}
