package tag

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/cqcmine/cqcmine/extract"
)

var (
	reMustHead   = regexp.MustCompile(`(?i)^(?:areas? for improvement\W+)?(?:actions?|what) (?:that )?(?:the|this|we|our|a)? ?(?:[\w-]+ ){0,2}(?:must|has to) (?:take|do)\b|^must[- ]dos?\b|^requirement notices?\b|^enforcement actions?\b|^action we have told the provider to take|^breaches of regulations?\b|^regulations? (?:that were )?not (?:being )?met\b`)
	reShouldHead = regexp.MustCompile(`(?i)^(?:actions?|what) (?:that )?(?:the|this|we|our|a)? ?(?:[\w-]+ ){0,2}should (?:take|do)\b|^should[- ]dos?\b|^areas? for improvement\W*$|^recommendations?\W*$`)
	reUndHead    = regexp.MustCompile(`^(?:UNDERTAKINGS|Undertakings|The undertakings)\W*$`)
	reEndHead    = regexp.MustCompile(`(?i)^(signed|dated|the trust|nhs improvement|appendix|annex)\b`)

	reTold      = regexp.MustCompile(`\b(?:required|requiring) (?:the|this) (?:trust|provider|practice|service|home|hospital) to\b|\brequiring (?:it|them) to\b|\b(?:told|ordered|asked|instructed|directed)\s+(?:the|this|that|a|an)?\s*(?:[\w-]+\s+){0,5}?(?:trust|practice|provider|service|home|hospital|organisation|board|registered manager|manager|leaders)\s+(?:that it must\b|that they must\b|to\b)|\b(?:been|was|were|being|is|are)\s+(?:told|ordered|asked|instructed|directed)\s+(?:to|that it must|it must)\b|\btold (?:the \w+ )?that it must\b|\btold it must\b`)
	reReported  = regexp.MustCompile(`\b(?:cqc|report|inspectors?|watchdog|regulator|commission|inspection)\b(?: also)? (?:said|says|stated|noted|found|concluded)\b.{0,240}?\b(must|should|needed to|needs to|need to)\b`)
	reItAlso    = regexp.MustCompile(`^(?:it|they|the report|inspectors|the cqc|cqc)(?: also)? (?:said|says|stated|noted|found)\b.{0,240}?\b(must|should|needed to|needs to)\b`)
	reNotOurs   = regexp.MustCompile(`\b(?:providers|a provider|registered persons|the cqc|cqc|the commission|we|i|you|inspectors|commissioners|nhs england|nhs improvement)\s+(?:also\s+|still\s+|now\s+|will\s+)?(?:must|should|needs? to|has to|have to)\b`)
	reCondStart = regexp.MustCompile(`^(?:if|when|where|unless|whether|should)\b`)
	reTrustWill = regexp.MustCompile(`(?i)\b(?:the|this) (?:nhs )?(?:trust|provider|licensee)\s+(?:will|shall|undertakes to|has agreed to|agrees to|is required to)\b`)
	reRegLine   = regexp.MustCompile(`(?i)^regulation \d{1,2}\b.{0,40}\b(?:hsca|regulations 2014|\(ra\))`)
)

var modalHeads = set("trust", "practice", "provider", "service", "services", "home", "hospital", "unit",
	"ward", "wards", "team", "teams", "board", "leaders", "leadership", "managers", "manager", "management",
	"staff", "it", "organisation", "location", "person", "surgery", "clinic", "centre", "directors", "executives")

var adverbs = set("also", "still", "now", "urgently", "further", "therefore", "really", "immediately", "continue", "always")

// containsAny reports whether s contains any of the words: a cheap test
// before a costly regexp that needs one of them.
func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// actionKind returns the kind of action clause c states, or "". The
// regexps it runs are in lower case and match the lower-cased clause.
func (st *docState) actionKind(c string) extract.Kind {
	l := strings.ToLower(c)
	if !hasActionWord(l) {
		return ""
	}
	if reCondStart.MatchString(strings.TrimSpace(l)) {
		return ""
	}
	if containsAny(l, "provider", "registered", "cqc", "commission", "we ", "i ", "you ", "inspector", "nhs ") && reNotOurs.MatchString(l) {
		return ""
	}
	if containsAny(l, "told", "ordered", "asked", "instructed", "directed", "requiring", "required the", "required this") && reTold.MatchString(l) {
		return extract.KindMustDo
	}
	if containsAny(l, "said", "says", "stated", "noted", "found", "concluded") {
		if m := reReported.FindStringSubmatch(l); m != nil {
			return modalKind(m[1])
		}
		if m := reItAlso.FindStringSubmatch(l); m != nil {
			return modalKind(m[1])
		}
	}
	ts := tokenize(c, 0, len(c))
	for i, t := range ts {
		var kind extract.Kind
		switch {
		case t.w == "must":
			kind = extract.KindMustDo
		case t.w == "should" || t.w == "ought" && i+1 < len(ts) && ts[i+1].w == "to":
			kind = extract.KindShouldDo
		case (t.w == "needed" || t.w == "needs") && i+1 < len(ts) && ts[i+1].w == "to":
			kind = extract.KindMustDo
		case t.w == "required" && i+1 < len(ts) && ts[i+1].w == "to" && i > 0 && (ts[i-1].w == "is" || ts[i-1].w == "are" || ts[i-1].w == "was" || ts[i-1].w == "were" || ts[i-1].w == "also"):
			kind = extract.KindMustDo
			i-- // the head sits before "is"
		default:
			continue
		}
		h := i - 1
		for h >= 0 && (adverbs[ts[h].w] || ts[h].w == "is" || ts[h].w == "are" || ts[h].w == "was" || ts[h].w == "were") {
			h--
		}
		if h < 0 {
			continue
		}
		head := ts[h]
		if h > 0 && set("what", "how", "whether", "why", "if")[ts[h-1].w] {
			continue
		}
		if modalHeads[head.w] {
			return kind
		}
		// a proper name: "Barts Health must", "Peterborough City Hospital needed to"
		if head.cap && head.kind == kWord && h > 0 && head.w != "i" {
			return kind
		}
		// passive: "Records ... must be kept securely"
		if t.w == "must" || t.w == "should" {
			k := i + 1
			for k < len(ts) && adverbs[ts[k].w] {
				k++
			}
			if k+1 < len(ts) && ts[k].w == "be" && !set("that", "which", "who", "these", "they", "we", "you", "i", "this", "there", "what")[head.w] {
				p := k + 1
				if strings.HasSuffix(ts[p].w, "ly") && p+1 < len(ts) {
					p++
				}
				pw := ts[p].w
				if strings.HasSuffix(pw, "ed") || strings.HasSuffix(pw, "en") || strings.HasSuffix(pw, "pt") || strings.HasSuffix(pw, "wn") || pw == "made" || pw == "put" || pw == "kept" || pw == "held" || pw == "met" || pw == "done" || pw == "set" {
					return kind
				}
			}
		}
	}
	return ""
}

var actionWords = []string{"must", "should", "need", "requir", "told", "ordered", "asked", "instructed", "directed", "ought"}

// hasActionWord is the cheap test before the action rules run.
func hasActionWord(l string) bool {
	for _, w := range actionWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func modalKind(m string) extract.Kind {
	if m == "should" {
		return extract.KindShouldDo
	}
	return extract.KindMustDo
}

// maskStatements blanks quoted statements (quotes that open with a
// capital letter) so that a "must" inside one is not read as an action.
func (st *docState) maskStatements(s, e int, c string) string {
	var b []byte
	for _, q := range st.quoteSpans {
		if q.e <= s || q.s >= e || !q.statement {
			continue
		}
		if b == nil {
			b = []byte(c)
		}
		for k := max(q.s, s); k < min(q.e, e); k++ {
			b[k-s] = ' '
		}
	}
	if b == nil {
		return c
	}
	return string(b)
}

type actionSection struct {
	kind       extract.Kind // must-do, should-do, undertaking, or ""
	subject    string
	regulation string
}

func (st *docState) tagActions() {
	var sec actionSection
	lastBlk := -1
	for si, sn := range st.sents {
		if si%64 == 0 && st.ctx.Err() != nil {
			return
		}
		b := st.blocks[sn.blk]
		raw := st.text[sn.s:sn.e]
		line := strings.TrimSpace(clean(raw))
		if sn.blk != lastBlk && (b.heading || b.lines == 1 && len(line) < 120) {
			lastBlk = sn.blk
			if st.sectionHeading(&sec, line, b) {
				continue
			}
		}
		lastBlk = sn.blk
		if r := reRegLine.FindString(line); r != "" && sec.kind != "" {
			sec.regulation = regulationIn(line)
		}
		// bullets under a must-do or should-do heading
		if b.bullet && (sec.kind == extract.KindMustDo || sec.kind == extract.KindShouldDo) && sn.s == b.s {
			s, e := b.s, b.e
			e = trimAction(st.text, s, e)
			kind := sec.kind
			if k := st.actionKind(st.text[s:e]); k == extract.KindMustDo || k == extract.KindShouldDo {
				kind = k
			}
			st.addAction(kind, s, e, sec)
			continue
		}
		if b.bullet && sec.kind != "" && sn.s != b.s && sec.kind != extract.KindUndertaking {
			continue // later sentences of a bullet already taken whole
		}
		if l := st.lower[sn.s:sn.e]; !hasActionWord(l) && !strings.Contains(l, " will ") && !strings.Contains(l, " shall ") {
			continue
		}
		c := st.maskStatements(sn.s, sn.e, raw)
		if sec.kind == extract.KindUndertaking {
			if reTrustWill.MatchString(c) && !reCondStart.MatchString(strings.ToLower(strings.TrimSpace(c))) {
				st.addAction(extract.KindUndertaking, sn.s, trimAction(st.text, sn.s, sn.e), sec)
			}
			continue
		}
		// clause by clause: "The trust is required to ...; the trust is
		// also required to ..." is one action, evidenced by its first clause
		cs := sn.s
		for cs < sn.e {
			ce := cs + strings.IndexByte(st.text[cs:sn.e], ';')
			if ce < cs {
				ce = sn.e
			}
			clause := c[cs-sn.s : ce-sn.s]
			if kind := st.actionKind(clause); kind != "" {
				st.addAction(kind, cs, trimAction(st.text, cs, ce), sec)
				break
			}
			if strings.Contains(clause, " will ") && reTrustWill.MatchString(clause) && !strings.Contains(strings.ToLower(clause), "required to") {
				st.addAction(extract.KindUndertaking, cs, trimAction(st.text, cs, ce), sec)
				break
			}
			cs = ce + 1
			for cs < sn.e && isSpaceByte(st.text[cs]) {
				cs++
			}
		}
	}
}

// headStarts are the first words of the headings that reMustHead,
// reShouldHead and reUndHead match, in lower case.
var headStarts = set("area", "areas", "action", "actions", "what", "must", "requirement", "enforcement",
	"breaches", "regulation", "regulations", "should", "recommendation", "recommendations", "undertakings", "the")

// sectionHeading updates the action section for a heading line and
// reports whether the line was a section heading.
func (st *docState) sectionHeading(sec *actionSection, line string, b block) bool {
	l := strings.ToLower(line)
	first := l
	for i, r := range l {
		if !unicode.IsLetter(r) {
			first = l[:i]
			break
		}
	}
	headish := headStarts[first]
	switch {
	case !headish:
	case reMustHead.MatchString(line):
		*sec = actionSection{kind: extract.KindMustDo}
		return true
	case reShouldHead.MatchString(line):
		*sec = actionSection{kind: extract.KindShouldDo}
		return true
	case reUndHead.MatchString(line):
		*sec = actionSection{kind: extract.KindUndertaking}
		return true
	}
	if sec.kind == "" || !b.heading {
		return false
	}
	if reRegLine.MatchString(line) {
		sec.regulation = regulationIn(line)
		return true
	}
	if cs, at := coreService(l); at >= 0 {
		sec.subject = cs
		return true
	}
	for _, w := range strings.Fields(l) {
		if placeNouns[strings.Trim(w, ",.:")] || w == "wards" || w == "care" {
			sec.subject = strings.TrimRight(line, ":")
			return true
		}
	}
	if sec.kind == extract.KindUndertaking && !reEndHead.MatchString(line) && strings.ToUpper(line) != line {
		return false
	}
	// any other heading ends the section
	*sec = actionSection{}
	return false
}

// trimAction drops a trailing ';' (and "and"/"or" after it) from an action.
func trimAction(text string, s, e int) int {
	for e > s {
		t := strings.TrimRight(text[s:e], " \t\n\f\r")
		e = s + len(t)
		switch {
		case strings.HasSuffix(t, ";"), strings.HasSuffix(t, ","):
			e--
		case strings.HasSuffix(t, "; and"), strings.HasSuffix(t, "; or"):
			e = s + strings.LastIndexByte(t, ';')
		default:
			return e
		}
	}
	return e
}

func (st *docState) addAction(kind extract.Kind, s, e int, sec actionSection) {
	if e <= s {
		return
	}
	t := st.text[s:e]
	f := extract.Finding{Kind: kind}
	if kind != extract.KindUndertaking {
		f.Regulation = regulationIn(t)
		if f.Regulation == "" {
			f.Regulation = sec.regulation
		}
	}
	f.Subject = sec.subject
	if f.Subject == "" {
		if cs, at := coreService(strings.ToLower(t)); at >= 0 {
			f.Subject = cs
		}
	}
	st.add(f, s, e)
}
