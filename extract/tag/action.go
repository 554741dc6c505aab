package tag

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
)

var (
	reMustHead   = regexp.MustCompile(`(?i)^(?:areas? for improvement\W+)?(?:actions?|what) (?:that )?(?:the|this|we|our|a)? ?(?:[\w-]+ ){0,2}(?:must|has to) (?:take|do)\b|^areas? where the (?:provider|practice|service|trust|hospital|location|home|registered person) (?:must|needs to) (?:make )?improve(?:ments?)?\b|^must[- ]dos?\b|^requirement notices?\b|^enforcement actions?\b|^action we have told the provider to take|^breaches of regulations?\b|^regulations? (?:that were )?not (?:being )?met\b`)
	reShouldHead = regexp.MustCompile(`(?i)^(?:actions?|what) (?:that )?(?:the|this|we|our|a)? ?(?:[\w-]+ ){0,2}should (?:take|do)\b|^areas? where the (?:provider|practice|service|trust|hospital|location|home|registered person) should (?:make )?improve(?:ments?)?\b|^should[- ]dos?\b|^areas? for improvement\W*$|^recommendations?\W*$`)
	reUndHead    = regexp.MustCompile(`^(?:UNDERTAKINGS|Undertakings|The undertakings)\W*$`)
	reEndHead    = regexp.MustCompile(`(?i)^(signed|dated|the trust|nhs improvement|appendix|annex)\b`)

	reTold      = regexp.MustCompile(`\b(?:required|requiring) (?:the|this) (?:trust|provider|practice|service|home|hospital) to\b|\brequiring (?:it|them) to\b|\b(?:told|tells|telling|ordered|orders|ordering|asked|asks|instructed|instructs|directed|directs|warns|warned|warning|urged|urges)\s+(?:the|this|that|a|an)?\s*(?:[\w-]+\s+){0,5}?(?:trust|practice|provider|service|home|hospital|organisation|board|registered manager|manager|managers|leaders|bosses|management|owners?|directors|executives)\s+(?:(?:that\s+)?(?:it|they)\s+must\b|to\b)|\b(?:been|was|were|being|is|are)\s+(?:told|ordered|asked|instructed|directed)\s+(?:to|that it must|it must)\b|\btold (?:the \w+ )?that it must\b|\btold it must\b|\b(?:told|tells|telling|warns|warned|warning)\s+(?:them|it)\s+(?:that\s+)?(?:they|it)\s+must\b`)
	reReported  = regexp.MustCompile(`\b(?:cqc|report|inspectors?|watchdog|regulator|commission|inspection)\b(?: also)? (?:said|says|stated|noted|found|concluded)\b.{0,240}?\b(must|should|needed to|needs to|need to|improvements? (?:is|are|was|were) (?:urgently |still |also )?(?:needed|required))\b`)
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

// actionDoc is what the action rules learn of a document once, when
// first asked.
type actionDoc struct {
	era    int // the Regulations the document is under: 2010 or 2014
	letter int // 1 when the document is a notice or letter to a provider, -1 when not
}

// letterToProvider reports a notice or letter addressed to the provider
// ("Dear …", "Yours sincerely", a warning notice), whose "you must" is
// the provider's must-do and not a general duty.
func (st *docState) letterToProvider() bool {
	if st.act.letter == 0 {
		st.act.letter = -1
		if containsAny(st.lower, "yours sincerely", "yours faithfully", "dear ") &&
			containsAny(st.lower, "warning notice", "requirement notice", "notice of decision", "section 29a", "section 31", "enforcement notice") {
			st.act.letter = 1
		}
	}
	return st.act.letter == 1
}

var reYouMust = regexp.MustCompile(`^(?:you|the registered provider)\s+(?:also\s+|now\s+)?(must|should|need to|are required to)\b`)

// actionRule is a rule over a lower-cased clause: when one of its hints
// is in the clause and its regexp matches, the clause is (kind) or is not
// (kind "") an action.
type actionRule struct {
	name string
	hint []string
	re   *regexp.Regexp
	kind extract.Kind
}

func (r actionRule) find(l string) []int {
	if !containsAny(l, r.hint...) {
		return nil
	}
	if also := ruleAlso[r.name]; also != nil && !containsAny(l, also...) {
		return nil
	}
	return r.re.FindStringIndex(l)
}

// ruleAlso holds, for some rules whose hints are common words, a second
// set of words one of which every match of the rule's regexp contains.
var ruleAlso = map[string][]string{
	"court-penalty":            {"ordered to pay", "fined", "prosecut", "court", "pleaded guilty", "sentenced"},
	"reference-to-actions":     {"told", "asked", "required", "see the action"},
	"set-phrase-report-back":   {"send"},
	"standard-content":         {"standard", "target", "expectation", "guidance", "rule", "principle"},
	"reader-instruction":       {"should", "must", "copyright", "complaint"},
	"public-expectation":       {"should", "must", "ought to"},
	"cqc-requires-improvement": {"improvement"},
	"deadline-has-until":       {"has", "have", "given"},
	"enforcement-requiring":    {"requiring", "improvement", "must"},
	"action-plan-request":      {"request", "ask"},
}

const rePeriod = `(?:(?:less than|more than|just|only|up to|a further|another|around|about)\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)\s+(?:more\s+|further\s+)?(?:days?|weeks?|months?|years?)|a (?:week|month|year)|a deadline of [^.;]{1,30}?`

const reProviderNoun = `(?:trust|provider|practice|service|home|hospital|organisation|board|surgery|clinic|it|them|they)`

// notActionRules are the clauses that read like actions and are not: a
// court's penalty, a warning of what could follow, a requirement already
// met or lifted, a count of areas that introduces a list, a reference to
// the list of actions, the report's set phrase about legal requirements,
// what the public should expect, and a publication's instructions to its
// reader ("enquiries should be sent to").
var notActionRules = []actionRule{
	{"court-penalty", []string{"pay", "fine", "prosecut", "court", "guilty", "sentenced"},
		regexp.MustCompile(`\bordered to pay\b|\bfined\b|\bprosecut\w*|\bcourt\b|\bpleaded guilty\b|\bsentenced\b`), ""},
	{"conditional-warning", []string{"face"},
		regexp.MustCompile(`\b(?:could|may|might|would|will|to) face\b`), ""},
	{"requirement-met", []string{"met", "lifted", "removed", "withdrawn", "complied"},
		regexp.MustCompile(`\b(?:conditions?|requirements?|notices?|decision|restrictions?|measures|it|they|these|this|those)\s+(?:have|has|had|were|was|are|is)\s+(?:now\s+|since\s+|already\s+|all\s+)*(?:been\s+)?(?:met|lifted|removed|withdrawn|complied with|fulfilled)\b`), ""},
	{"areas-lead-in", []string{"there"},
		regexp.MustCompile(`^(?:however,?\s+|but\s+|but,\s+)?there (?:are|were|is|was) (?:also )?(?:some |several |a number of |other |still )?(?:areas?|things|ways)\b`), ""},
	{"reference-to-actions", []string{"action"},
		regexp.MustCompile(`\bactions? (?:that )?(?:we|cqc|the cqc|inspectors) (?:have |has |had )?(?:told|asked|required)\b|\bsee the actions?\b`), ""},
	{"set-phrase-report-back", []string{"report"},
		regexp.MustCompile(`\bsend (?:cqc|us|the commission) a (?:written )?report\b[^.;]{0,60}?\b(?:what action|the action|the actions|how)\b[^.;]{0,40}?\b(?:will|are going to|is going to|intend to|plan to)\b`), ""},
	{"set-phrase-legal-requirements", []string{"take action"},
		regexp.MustCompile(`\btake action to (?:bring (?:its |their |the )?(?:services?|them|it) into line with|comply with|meet) (?:the |these |those |its |all |relevant )*(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|twenty[a-z-]*|thirty[a-z-]*|several|a number of|some) )?(?:legal requirements|requirements|regulations)\s*(?:[.,;:]|$)`), ""},
	{"board-paper-ask", []string{"asked to"},
		regexp.MustCompile(`\b(?:board|committee|council|governors?|members?) (?:is|are) (?:asked|requested|invited) to (?:note|agree|approve|receive|discuss|consider|support|endorse|review)\b`), ""},
	{"standard-content", []string{"that"},
		regexp.MustCompile(`\b(?:standards?|targets?|expectations?|guidance|rules?|principles?)\s+(?:is\s+|was\s+)?that\b[^.;]{0,120}?\b(?:should|must)\b`), ""},
	{"reader-instruction", []string{"sent", "addressed", "directed", "emailed", "posted", "returned", "forwarded", "acknowledged", "sought", "copyright", "complaint"},
		regexp.MustCompile(`\b(?:should|must)\s+be\s+(?:sent|addressed|directed|emailed|posted|returned|forwarded|acknowledged|sought)\b|\bcopyright\b|\bcomplaints? about (?:the|this) (?:inspection|report)\b`), ""},
	{"praise", []string{"proud", "congratulat", "commend"},
		regexp.MustCompile(`\b(?:should|must)\s+(?:be|feel)\s+(?:very\s+|rightly\s+|justly\s+|extremely\s+|really\s+)?(?:proud|congratulated|commended)\b`), ""},
	{"public-expectation", []string{"expect"},
		regexp.MustCompile(`\b(?:should|must|ought to)\s+(?:[a-z]+\s+){0,3}?expect\b`), ""},
}

// reHistoryLead opens a sentence told of an earlier inspection: what
// follows is history ("At our last inspection we told the provider…").
var reHistoryLead = regexp.MustCompile(`^(?:previously|(?:at|following|after|since|during) (?:our|the|its|their|cqc's|cqc’s) (?:last|previous|earlier) (?:comprehensive |focused |focussed |routine )?inspection)\b`)

// requirementMetRule is the index of "requirement-met" in notActionRules.
var requirementMetRule = func() int {
	for i, r := range notActionRules {
		if r.name == "requirement-met" {
			return i
		}
	}
	panic("no requirement-met rule")
}()

// reActionHistory is a requirement told as history ("was previously issued
// with a warning notice", "since previously being told to improve"); the
// clause after it may still state a current one.
var reActionHistory = regexp.MustCompile(`\bpreviously\s+(?:been\s+|being\s+)?(?:issued|served|given|told|required|ordered|asked|placed|warned|rated)\b|\b(?:was|were|had been) previously\b`)

// reportedRules are requirements reported rather than stated with a
// modal: CQC "requires improvement" at a provider, a deadline given to
// the provider, an enforcement notice or condition that requires
// improvement, an action plan requested, a headline that tells a
// provider to improve, CQC's recommendation (a should-do) and a request
// to take action.
var reportedRules = []actionRule{
	{"cqc-requires-improvement", []string{"requir", "demand"},
		regexp.MustCompile(`\b(?:cqc|regulator|watchdog|inspectors?|commission)\s+(?:has\s+|have\s+)?(?:requires?|required|demands?|demanded)\s+(?:urgent\s+|immediate\s+|significant\s+|further\s+|rapid\s+|major\s+)*improvements?\b`), extract.KindMustDo},
	{"deadline-given", []string{"gave", "given", "giving", "gives"},
		regexp.MustCompile(`\b(?:gave|given|gives|giving)\s+(?:the\s+|this\s+|that\s+)?(?:[\w'’-]+\s+){0,4}?` + reProviderNoun + `\s+(?:until\s+[^.;]{1,40}?|` + rePeriod + `)\s+to\s+[a-z]`), extract.KindMustDo},
	{"deadline-has-until", []string{"until", "day", "week", "month", "year"},
		regexp.MustCompile(`\b` + reProviderNoun + `\s+(?:now\s+)?(?:has|have|has been given|have been given|was given|were given|is given|is being given)\s+(?:until\s+[^.;]{1,40}?|` + rePeriod + `)\s+to\s+[a-z]`), extract.KindMustDo},
	{"enforcement-requiring", []string{"notice", "warning", "condition", "29a", "enforcement"},
		regexp.MustCompile(`\b(?:warning notices?|formal warnings?|section 29a|s\.?29a|notices? of decision|conditions|requirement notices?|enforcement (?:actions?|notices?))\b[^.;]{0,200}?(?:\brequiring\b|\bwhere improvements? (?:are|were|is|was) (?:needed|required)\b|\bsetting out (?:where|what|the) improvements?\b|\bto make (?:significant |urgent |immediate |the necessary |rapid )?improvements?\b|\b(?:that|so) (?:it|they|the trust|the provider) must\b)`), extract.KindMustDo},
	{"action-plan-request", []string{"plan"},
		regexp.MustCompile(`\b(?:requested|requesting|request|asked|asking)\b[^.;]{0,60}?\b(?:action|improvement) plan\b`), extract.KindMustDo},
	{"headline-told-to", []string{"told", "ordered", "warned", "urged", "instructed"},
		regexp.MustCompile(`^(?:[\w'’&,-]+\s+){0,8}?(?:trust|hospitals?|home|practice|services?|provider|surgery|clinic|unit|ward|council|centre|hospice|bosses|managers|leaders|nhs)\s+(?:[\w'’&,-]+\s+){0,3}?(?:told|ordered|warned|urged|instructed)\s+(?:to\s+[a-z]|(?:that\s+)?(?:it|they)\s+must\b)`), extract.KindMustDo},
	{"we-recommend", []string{"recommend"},
		regexp.MustCompile(`^(?:we|cqc|inspectors|the cqc) (?:also )?recommends? (?:that )?(?:the |this )(?:provider|registered (?:manager|person|provider)|service|home|practice|trust|hospital|manager|leaders)\b`), extract.KindShouldDo},
	{"request-to-act", []string{"request", "asking", "urging", "instructing"},
		regexp.MustCompile(`\b(?:requesting|asking|urging|instructing)\s+(?:that\s+)?(?:they|it|the\s+(?:[\w-]+\s+){0,2}?(?:provider|trust|practice|service|home|hospital|manager))\s+(?:to\s+)?(?:take|make|submit|send|provide|address|improve|put|carry|complete|ensure|stop|review)\b`), extract.KindMustDo},
}

// reMaybe is a modal of possibility or of the future before a reported
// requirement: CQC's procedure ("we may request the provider to"), not a
// requirement made.
var reMaybe = regexp.MustCompile(`\b(?:may|might|could|would|will|can)\b`)

// hasMaybe reports reMaybe in lower-case l, not counting the month May
// ("on 2 May", "May 2024").
func hasMaybe(l string) bool {
	for _, m := range reMaybe.FindAllStringIndex(l, -1) {
		if l[m[0]:m[1]] == "may" {
			before := strings.TrimRight(l[:m[0]], " ")
			after := strings.TrimLeft(l[m[1]:], " ")
			if before != "" && isDigit(before[len(before)-1]) || after != "" && isDigit(after[0]) || strings.HasSuffix(before, " in") || strings.HasSuffix(before, " of") {
				continue
			}
		}
		return true
	}
	return false
}

// genericPlurals are subjects that, without a determiner, speak of all
// providers of a kind ("dental practices should be rated").
var genericPlurals = set("providers", "practices", "hospitals", "homes", "trusts", "organisations",
	"clinics", "surgeries", "dentists", "councils", "authorities")

var subjectDeterminers = set("the", "this", "these", "those", "its", "their", "our", "both", "his", "her", "that",
	"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

// notAction applies the negative rules; ok reports that they decided.
func (st *docState) notAction(l string) (extract.Kind, string, bool) {
	for _, r := range notActionRules {
		if r.find(l) != nil {
			return "", "", true
		}
	}
	if containsAny(l, "previously", "last", "earlier") && reHistoryLead.MatchString(strings.TrimSpace(l)) {
		return "", "", true
	}
	if strings.Contains(l, "previously") {
		if loc := reActionHistory.FindStringIndex(l); loc != nil {
			// the history clause ends at the next comma; what follows may
			// still be an action
			i := strings.IndexByte(l[loc[1]:], ',')
			if i < 0 {
				return "", "", true
			}
			k, why := st.actionKind(l[loc[1]+i+1:])
			return k, why, true
		}
	}
	return "", "", false
}

// reportedRequirement returns the kind of a requirement reported without
// a modal, and the rule that found it, or "".
func reportedRequirement(l string) (extract.Kind, string) {
	for _, r := range reportedRules {
		loc := r.find(l)
		if loc == nil {
			continue
		}
		if r.name != "cqc-requires-improvement" && hasMaybe(l[:loc[0]]) {
			continue
		}
		return r.kind, r.name + ": " + mention(l[loc[0]:loc[1]])
	}
	return "", ""
}

// mention quotes a matched phrase for a Why, shortened.
func mention(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		cut := 57
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return "'" + s + "'"
}

// actionKind returns the kind of action clause c states, or "", and why.
// The regexps it runs are in lower case and match the lower-cased clause.
func (st *docState) actionKind(c string) (extract.Kind, string) {
	l := strings.ToLower(c)
	if !hasActionWord(l) {
		return "", ""
	}
	if reCondStart.MatchString(strings.TrimSpace(l)) {
		return "", ""
	}
	if m := reYouMust.FindStringSubmatch(strings.TrimSpace(l)); m != nil && st.letterToProvider() {
		return modalKind(m[1]), "letter-to-provider: " + mention(m[0])
	}
	if containsAny(l, "provider", "registered", "cqc", "commission", "we ", "i ", "you ", "inspector", "nhs ") &&
		containsAny(l, "must", "should", "need", "has to", "have to") && reNotOurs.MatchString(l) {
		return "", ""
	}
	if k, why, ok := st.notAction(l); ok {
		return k, why
	}
	if containsAny(l, toldWords...) {
		if loc := reTold.FindStringIndex(l); loc != nil && !toldPublic(l, loc[0]) {
			return extract.KindMustDo, "told-to: " + mention(l[loc[0]:loc[1]])
		}
	}
	if k, why := reportedRequirement(l); k != "" {
		return k, why
	}
	if containsAny(l, "said", "says", "stated", "noted", "found", "concluded") {
		if m := reReported.FindStringSubmatchIndex(l); m != nil {
			return modalKind(l[m[2]:m[3]]), "reported-modal: " + mention(l[m[0]:m[1]])
		}
		if m := reItAlso.FindStringSubmatchIndex(l); m != nil {
			return modalKind(l[m[2]:m[3]]), "reported-modal: " + mention(l[m[0]:m[1]])
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
		// "whether any action should be taken", "why practices should be
		// rated": a question or an argument, not an action
		if questionBefore(ts[:i]) {
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
		if genericPlurals[head.w] && (h == 0 || !subjectDeterminers[ts[h-1].w] && !strings.HasSuffix(ts[h-1].w, "'s")) {
			continue // a duty of every provider of a kind
		}
		if h > 0 && set("each", "every", "any", "a", "an", "all", "no")[ts[h-1].w] {
			continue // "every trust must", "a provider should"
		}
		why := "modal: " + mention(c[head.s:t.e])
		if modalHeads[head.w] {
			return kind, why
		}
		// a proper name: "Barts Health must", "Peterborough City Hospital needed to"
		if head.cap && head.kind == kWord && h > 0 && head.w != "i" {
			return kind, why
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
					return kind, "modal-passive: " + mention(c[head.s:ts[p].e])
				}
			}
		}
	}
	return "", ""
}

// toldWords are the words one of which every match of reTold contains:
// the cheap test before it runs.
var toldWords = []string{"told", "tells", "telling", "ordered", "orders", "ordering", "asked", "asks", "instructed", "instructs",
	"directed", "directs", "warn", "urged", "urges", "requiring", "required the", "required this"}

// publicNouns are the people a service cares for and the public: what
// they are told or asked to do is no requirement on the provider.
var publicNouns = set("patients", "patient", "people", "person", "relatives", "relative", "families", "family",
	"residents", "resident", "women", "woman", "mothers", "parents", "children", "child", "visitors", "carers",
	"users", "public", "we", "i", "you", "callers", "clients", "he", "she", "workers", "adopters", "participants")

// toldPublic reports a passive "were told to" / "was asked to" whose
// subject is a patient or member of the public ("Patients were asked to
// wait in the corridor").
func toldPublic(l string, at int) bool {
	if !containsAny(l[at:min(len(l), at+6)], "been", "was", "were", "being", "is", "are") {
		return false
	}
	// "are directed to the right service": sent somewhere, not told to act
	if loc := reTold.FindStringIndex(l[at:]); loc != nil {
		rest := strings.Fields(l[at+loc[1]:])
		if len(rest) > 0 && set("the", "a", "an", "their", "its", "his", "her", "our", "your")[rest[0]] {
			return true
		}
	}
	ws := strings.Fields(l[max(0, at-40):at])
	for i := len(ws) - 1; i >= 0 && i >= len(ws)-4; i-- {
		if publicNouns[strings.Trim(ws[i], ",.;:'’\"“”()")] {
			return true
		}
	}
	return false
}

// questionBefore reports a question or argument word before a modal:
// "whether", "why", "how", "what", "if".
func questionBefore(ts []tok) bool {
	for _, t := range ts {
		switch t.w {
		case "whether", "why", "how", "what", "if":
			return true
		}
	}
	return false
}

var actionWords = []string{"must", "should", "need", "requir", "told", "order", "ask", "instruct", "direct", "urge", "ought",
	"tell", "warn", "until", "recommend", "gave", "given", "giving", "gives", "notice", "condition", "request", "asking", "urging", "demand"}

// actionWordsBy holds actionWords by their first byte.
var actionWordsBy = func() (m [256][]string) {
	for _, w := range actionWords {
		m[w[0]] = append(m[w[0]], w)
	}
	return m
}()

// hasActionWord is the cheap test before the action rules run: whether l
// contains one of actionWords, in one pass over l.
func hasActionWord(l string) bool {
	for i := 0; i < len(l); i++ {
		for _, w := range actionWordsBy[l[i]] {
			if strings.HasPrefix(l[i:], w) {
				return true
			}
		}
	}
	return false
}

func modalKind(m string) extract.Kind {
	if m == "should" || m == "ought to" {
		return extract.KindShouldDo
	}
	return extract.KindMustDo
}

// maskStatements blanks quoted statements (quotes that open with a
// capital letter), and quotes that hold both a subject and its modal
// ("'areas where the provider should make improvements'"), so that a
// "must" inside one is not read as an action. A quote that begins with
// the modal ("the trust 'must improve'") completes the sentence's own
// subject and stays.
func (st *docState) maskStatements(s, e int, c string) string {
	var b []byte
	for _, q := range st.quoteSpans {
		if q.e <= s || q.s >= e {
			continue
		}
		if !q.statement && !ownModal(st.lower[q.s:q.e]) {
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

// ownModal reports a quote that has a modal after its first word.
func ownModal(l string) bool {
	l = strings.TrimSpace(l)
	for _, m := range []string{" must ", " should ", " needs to ", " need to ", " needed to "} {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

type actionSection struct {
	kind       extract.Kind // must-do, should-do, undertaking, or ""
	subject    string
	regulation string
	head       string // the heading that opened the section
}

// leadList is a list opened by a lead-in line ("The trust must:", "CQC
// told the practice it must improve in the following areas:", "The
// provider should -"): the bullets and bare-verb lines that follow are
// its actions, of the lead-in's kind.
type leadList struct {
	kind  extract.Kind
	head  string
	items int
}

// reLeadIn is a line that ends by opening a list.
var reLeadIn = regexp.MustCompile(`(?:[:：]|\s[-–—]+|[-–—]{2,})\s*$`)

// opensList is reLeadIn.MatchString(t) without scanning all of t: after
// trailing white space, a colon, or a run of dashes that is two long or
// follows white space.
func opensList(t string) bool {
	u := strings.TrimRight(t, " \t\n\f\r")
	if strings.HasSuffix(u, ":") || strings.HasSuffix(u, "：") {
		return true
	}
	n := 0
	for {
		switch {
		case strings.HasSuffix(u, "-"):
			u = u[:len(u)-1]
		case strings.HasSuffix(u, "–"), strings.HasSuffix(u, "—"):
			u = u[:len(u)-len("–")]
		default:
			return n >= 2 || n == 1 && u != "" && strings.ContainsRune(" \t\n\f\r", rune(u[len(u)-1]))
		}
		n++
	}
}

var (
	reLeadMust   = regexp.MustCompile(`\b(?:must|(?:told|telling|tells|ordered|requiring|required) (?:the|it|them|this|that)|needs? to|needed to|has to|have to)\b`)
	reLeadShould = regexp.MustCompile(`\b(?:should|recommend|recommended|ought to)\b`)
)

// leadInKind returns the kind of list that the line l introduces, or "".
func leadInKind(line string) extract.Kind {
	t := strings.TrimSpace(line)
	if !opensList(t) {
		return ""
	}
	l := strings.ToLower(t)
	switch {
	case reLeadMust.MatchString(l):
		return extract.KindMustDo
	case reLeadShould.MatchString(l):
		return extract.KindShouldDo
	}
	return ""
}

// imperatives are the verbs that bare action bullets and lines begin
// with ("Ensure that…", "Review…", "Continue to…").
var imperatives = set("ensure", "make", "review", "provide", "improve", "continue", "consider", "take", "develop",
	"implement", "introduce", "establish", "monitor", "maintain", "record", "complete", "carry", "check", "put",
	"reduce", "increase", "address", "assess", "embed", "strengthen", "work", "act", "keep", "undertake", "seek",
	"share", "train", "support", "follow", "update", "audit", "minimise", "minimize", "identify", "store",
	"display", "investigate", "respond", "obtain", "comply", "deliver", "protect", "operate", "arrange", "evaluate",
	"prioritise", "prioritize", "remind", "reinforce", "recruit", "give", "use", "bring", "stop", "secure",
	"notify", "submit", "send", "inform", "confirm", "promote", "enable", "encourage", "explore", "clarify",
	"document", "formalise", "look", "plan", "agree", "revise", "replace", "repair", "install", "fit", "remove",
	"clean", "label", "test", "appoint", "deploy", "supervise", "retain", "engage", "involve", "listen", "learn",
	"report", "escalate", "analyse", "measure", "publish", "align", "integrate", "coordinate", "co-ordinate",
	"liaise", "collaborate", "reassess", "re-assess", "mitigate", "manage", "offer", "consult", "adhere", "safeguard")

// startsImperative reports a line that begins with a capitalised bare
// verb and reads as an instruction ("Review the provision of…"), not as
// a noun ("Review of…", "Support was…").
func startsImperative(t string) bool {
	return startsVerb(t, true)
}

// startsVerb is startsImperative, for a line in any case when capital is
// false ("complete a full ligature risk assessment…" in a bulleted list).
// An acronym ("SEND services…") is not a verb.
func startsVerb(t string, capital bool) bool {
	ts := tokenize(t, 0, min(len(t), 80))
	if len(ts) < 3 || capital && !ts[0].cap || !imperatives[ts[0].w] {
		return false
	}
	if w := t[ts[0].s:ts[0].e]; len(w) > 1 && strings.ToUpper(w) == w {
		return false
	}
	switch ts[1].w {
	case "of", "was", "is", "were", "are", "has", "had", "and", "for", "from", "'s", ":", "-":
		return false
	}
	return true
}

// reRegOnly is a line that only cites a regulation, as the end of the
// bullet above it: "(Regulation 12(2)(a))", "Regulation 17(2)(b)".
var reRegStart = regexp.MustCompile(`(?i)^\(?\s*reg(?:ulation)?s?\.?\s*\d`)

// itemLike reports a list item that reads as an action: it starts with a
// bare verb, cites a regulation first, or states an action itself. A list
// of topics ("• the fair access panel…") completes its lead-in instead.
func (st *docState) itemLike(t string) bool {
	if startsVerb(t, false) || reRegStart.MatchString(t) {
		return true
	}
	k, _ := st.actionKind(t)
	return k == extract.KindMustDo || k == extract.KindShouldDo
}

var reRegOnly = regexp.MustCompile(`(?i)^\(?\s*reg(?:ulation)?s?\.?\s*\d{1,2}[a-z]?\b[^a-z]{0,60}(?:\bregulation\s*\d[^a-z]{0,30})*\)?\s*$`)

func (st *docState) tagActions() {
	var sec actionSection
	var list *leadList
	lastBlk := -1
	takenBlk := -1 // a block already taken whole as an action
	for si, sn := range st.sents {
		if si%64 == 0 && st.ctx.Err() != nil {
			return
		}
		b := st.blocks[sn.blk]
		raw := st.text[sn.s:sn.e]
		line := strings.TrimSpace(clean(raw))
		if sn.blk == takenBlk {
			continue
		}
		blockStart := sn.blk != lastBlk
		if blockStart && list != nil {
			// a list opened by a lead-in: its items, and where it ends
			bt := st.text[b.s:b.e]
			switch {
			case reRegOnly.MatchString(strings.TrimSpace(bt)):
				// the regulation of the item above
			case (b.bullet || startsImperative(bt)) && st.itemLike(bt):
				lastBlk, takenBlk = sn.blk, sn.blk
				list.items++
				st.addItem(list.kind, b, "lead-in "+mention(list.head), sec)
				continue
			case b.heading || list.items == 0 || sn.blk+1 >= len(st.blocks) || !st.blocks[sn.blk+1].bullet:
				list = nil
			}
		}
		if blockStart && b.lines > 1 && !b.bullet {
			// a section heading that a wrapped-line join ran into the
			// line below it ("Action the trust SHOULD take to improve" +
			// "Ravensholt Royal Hospital")
			first := strings.TrimSpace(st.text[b.s : b.s+max(0, strings.IndexByte(st.text[b.s:b.e], '\n'))])
			if first != "" && !strings.ContainsAny(first[len(first)-1:], ".:;,") && headStarts[firstWord(first)] &&
				(reMustHead.MatchString(first) || reShouldHead.MatchString(first)) && st.sectionHeading(&sec, first, block{heading: true}) {
				rest := strings.TrimSpace(clean(st.text[b.s+len(first)+1 : b.e]))
				if len(rest) < 90 && !strings.ContainsAny(rest, ".;:") {
					st.sectionHeading(&sec, rest, block{heading: true})
				}
				lastBlk, list = sn.blk, nil
				takenBlk = sn.blk
				continue
			}
		}
		if blockStart && (b.heading || b.lines == 1 && len(line) < 120) {
			lastBlk = sn.blk
			if st.sectionHeading(&sec, line, b) {
				list = nil
				continue
			}
		}
		lastBlk = sn.blk
		if r := reRegLine.FindString(line); r != "" && sec.kind != "" {
			sec.regulation = regulationsIn(line, st.regulationEra())
		}
		// bullets and bare-verb lines under a must-do or should-do heading
		if (sec.kind == extract.KindMustDo || sec.kind == extract.KindShouldDo) && sn.s == b.s && (b.bullet || startsImperative(st.text[b.s:b.e])) {
			takenBlk = sn.blk
			st.addItem(sec.kind, b, "heading "+mention(sec.head), sec)
			continue
		}
		if b.bullet && sec.kind != "" && sn.s != b.s && sec.kind != extract.KindUndertaking {
			continue // later sentences of a bullet already taken whole
		}
		l := st.lower[sn.s:sn.e]
		if !hasActionWord(l) && !strings.Contains(l, " will ") && !strings.Contains(l, " shall ") {
			continue
		}
		c := st.maskStatements(sn.s, sn.e, raw)
		if sec.kind == extract.KindUndertaking {
			if reTrustWill.MatchString(c) && !reCondStart.MatchString(strings.ToLower(strings.TrimSpace(c))) {
				st.addAction(extract.KindUndertaking, sn.s, trimAction(st.text, sn.s, sn.e), sec, "undertaking-section: "+mention(sec.head))
			}
			continue
		}
		// a lead-in opens a list of actions and is not an action itself
		if k := leadInKind(c); k != "" && sn.e >= b.e-1 && sn.blk+1 < len(st.blocks) && st.itemLike(st.text[st.blocks[sn.blk+1].s:st.blocks[sn.blk+1].e]) {
			list = &leadList{kind: k, head: line}
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
			if kind, why := st.actionKind(clause); kind != "" {
				if !st.metAfter(si) {
					st.addAction(kind, cs, trimAction(st.text, cs, ce), sec, why)
				}
				break
			}
			if strings.Contains(clause, " will ") && reTrustWill.MatchString(clause) && !strings.Contains(strings.ToLower(clause), "required to") {
				st.addAction(extract.KindUndertaking, cs, trimAction(st.text, cs, ce), sec, "trust-will: "+mention(reTrustWill.FindString(clause)))
				break
			}
			cs = ce + 1
			for cs < sn.e && isSpaceByte(st.text[cs]) {
				cs++
			}
		}
	}
}

// metAfter reports a requirement that the next sentence of its paragraph
// says has been met or lifted ("These conditions have now been met").
func (st *docState) metAfter(si int) bool {
	if si+1 >= len(st.sents) {
		return false
	}
	n := st.sents[si+1]
	if st.blocks[n.blk].para != st.blocks[st.sents[si].blk].para {
		return false
	}
	l := st.lower[n.s:n.e]
	return notActionRules[requirementMetRule].find(l) != nil
}

// addItem adds a bullet or bare-verb line of a must-do or should-do list;
// its own "should" or "must" overrides the list's kind.
func (st *docState) addItem(kind extract.Kind, b block, why string, sec actionSection) {
	s, e := b.s, trimAction(st.text, b.s, b.e)
	if k, _ := st.actionKind(st.maskStatements(s, e, st.text[s:e])); k == extract.KindMustDo || k == extract.KindShouldDo {
		kind = k
	}
	st.addAction(kind, s, e, sec, "list-item: "+why)
}

// headStarts are the first words of the headings that reMustHead,
// reShouldHead and reUndHead match, in lower case.
var headStarts = set("area", "areas", "action", "actions", "what", "must", "requirement", "enforcement",
	"breaches", "regulation", "regulations", "should", "recommendation", "recommendations", "undertakings", "the")

// sectionHeading updates the action section for a heading line and
// reports whether the line was a section heading.
func (st *docState) sectionHeading(sec *actionSection, line string, b block) bool {
	l := strings.ToLower(line)
	headish := headStarts[firstWord(l)]
	switch {
	case !headish:
	case reMustHead.MatchString(line):
		*sec = actionSection{kind: extract.KindMustDo, head: line}
		return true
	case reShouldHead.MatchString(line):
		*sec = actionSection{kind: extract.KindShouldDo, head: line}
		return true
	case reUndHead.MatchString(line):
		*sec = actionSection{kind: extract.KindUndertaking, head: line}
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

// firstWord returns the leading letters of s, in lower case.
func firstWord(s string) string {
	for i, r := range s {
		if !unicode.IsLetter(r) {
			return strings.ToLower(s[:i])
		}
	}
	return strings.ToLower(s)
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

func (st *docState) addAction(kind extract.Kind, s, e int, sec actionSection, why string) {
	if e <= s || st.cutByEnd(s, e) {
		return
	}
	e, reg := st.cutTrailingRegulation(s, e)
	t := st.text[s:e]
	f := extract.Finding{Kind: kind, Why: why}
	if kind != extract.KindUndertaking {
		f.Regulation = reg
		if f.Regulation == "" {
			f.Regulation = regulationsIn(t, st.regulationEra())
		}
		if f.Regulation == "" {
			f.Regulation = st.followingRegulation(e)
		}
		if f.Regulation == "" {
			f.Regulation = sec.regulation
		}
		if f.Regulation != "" {
			f.Why += ", regulation " + mention(f.Regulation)
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

// cutByEnd reports an action cut off by the end of the text before its
// sentence ends, as in a search excerpt ("Ensure a quality improvem").
func (st *docState) cutByEnd(s, e int) bool {
	if strings.TrimSpace(st.text[e:]) != "" || st.blocks[st.blockAt(s)].heading {
		return false
	}
	t := strings.TrimSpace(st.text[s:e])
	if t == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?)\"”’':;", r) {
		return false
	}
	// a bullet of a list whose items carry no full stop is whole
	if bi := st.blockAt(s); st.blocks[bi].bullet && bi > 0 && st.blocks[bi-1].bullet {
		p := strings.TrimSpace(st.text[st.blocks[bi-1].s:st.blocks[bi-1].e])
		if r, _ := utf8.DecodeLastRuneInString(p); !strings.ContainsRune(".!?)", r) {
			return false
		}
	}
	return true
}

// reTrailingReg is a regulation cited after an action's last sentence:
// "… checked daily. (Regulation 12(2)(e))", "… securely. Regulation 17(2)(c)".
var reTrailingReg = regexp.MustCompile(`(?i)[.!?]\s*(\(\s*reg(?:ulation)?s?\.?\s*\d[^()]*(?:\([^()]*\)[^()]*)*\)|reg(?:ulation)?s?\.?\s*\d{1,2}[a-z]?(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*(?:\s*(?:,|and)\s*(?:regulation\s*)?\d{1,2}[a-z]?(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*)*(?:\s*[:–-]?\s*[a-z][a-z ,'’-]{0,60})?\.?)\s*$`)

// cutTrailingRegulation cuts a regulation cited after the last sentence
// of text[s:e] off the action and returns it.
func (st *docState) cutTrailingRegulation(s, e int) (int, string) {
	t := st.text[s:e]
	if !strings.Contains(st.lower[s:e], "reg") {
		return e, ""
	}
	m := reTrailingReg.FindStringSubmatchIndex(t)
	if m == nil {
		return e, ""
	}
	reg := regulationsIn(t[m[2]:m[3]], st.regulationEra())
	if reg == "" {
		return e, ""
	}
	e = s + m[2]
	for e > s && isSpaceByte(st.text[e-1]) {
		e--
	}
	return e, reg
}

// reRegNext is a regulation right after an action, in brackets or alone
// on its line: it belongs to that action, not to the next.
var reRegNext = regexp.MustCompile(`(?i)^(?:\(\s*reg(?:ulation)?s?\.?\s*\d[^()]*(?:\([^()]*\)[^()]*)*\)|reg(?:ulation)?s?\.?\s*\d{1,2}[a-z]?\b[^\n]{0,80})`)

// followingRegulation returns the regulation cited right after offset e,
// before anything else: "(Regulation 12(2)(a))" after the sentence or on
// the next line. A bullet that starts with a regulation is the next
// action's, not this one's.
func (st *docState) followingRegulation(e int) string {
	p := e
	for p < len(st.text) && (isSpaceByte(st.text[p]) || st.text[p] == '.') && p-e < 8 {
		p++
	}
	if p >= len(st.text) || (st.text[p] != '(' && st.lower[p] != 'r') {
		return ""
	}
	if bi := st.blockAt(p); bi >= 0 && st.blocks[bi].s == p && st.blocks[bi].bullet {
		return ""
	}
	m := reRegNext.FindString(st.text[p:min(len(st.text), p+160)])
	if m == "" {
		return ""
	}
	return regulationsIn(m, st.regulationEra())
}
