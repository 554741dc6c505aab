package tag

import (
	"regexp"
	"sort"
	"strings"
)

// regulationDef is one regulation of the Health and Social Care Act 2008
// (Regulated Activities) Regulations, of the 2014 set (in force from
// April 2015) or of the 2010 set it replaced, with the phrases that name
// it. names are lower-case phrases that name it wherever they stand;
// short are forms that name it only in a citation context ("in breach
// of", "(…)", "Regulation 18:", "in relation to …") and only where
// nothing follows them that makes them an ordinary noun phrase
// ("staffing levels").
type regulationDef struct {
	num   string
	era   int
	title string
	names []string
	short []string
}

// regulationTable is the vocabulary of regulations (CQC-LANGUAGE.md §4).
// A phrase that names regulations of both eras ("staffing": 18 in 2014,
// 22 in 2010) is read by the era of the document.
var regulationTable = []regulationDef{
	{"4", 2014, "Requirements where the service provider is an individual or partnership", []string{"requirements where the service provider is an individual or partnership"}, nil},
	{"5", 2014, "Fit and proper persons: directors", []string{"fit and proper persons: directors", "fit and proper person requirement", "fit and proper persons requirement", "fit and proper persons test for directors"}, []string{"fppr"}},
	{"6", 2014, "Requirement where the service provider is a body other than a partnership", []string{"requirement where the service provider is a body other than a partnership"}, nil},
	{"7", 2014, "Requirements relating to registered managers", []string{"requirements relating to registered managers"}, nil},
	{"9", 2014, "Person-centred care", nil, []string{"person-centred care", "person centred care", "person-centered care"}},
	{"9A", 2014, "Visiting and accompanying in care homes, hospitals and hospices", []string{"visiting and accompanying in care homes", "visiting and accompanying"}, nil},
	{"10", 2014, "Dignity and respect", nil, []string{"dignity and respect"}},
	{"11", 2014, "Need for consent", []string{"need for consent", "consent to care and treatment"}, []string{"consent"}},
	{"12", 2014, "Safe care and treatment", []string{"safe care and treatment"}, []string{"safe care"}},
	{"13", 2014, "Safeguarding service users from abuse and improper treatment", []string{"safeguarding service users from abuse and improper treatment", "safeguarding people from abuse and improper treatment", "safeguarding service users from abuse"}, []string{"safeguarding", "safeguarding from abuse"}},
	{"14", 2014, "Meeting nutritional and hydration needs", []string{"meeting nutritional and hydration needs", "meeting nutritional needs"}, []string{"nutrition and hydration"}},
	{"15", 2014, "Premises and equipment", []string{"premises and equipment"}, nil},
	{"16", 2014, "Receiving and acting on complaints", []string{"receiving and acting on complaints"}, []string{"complaints"}},
	{"17", 2014, "Good governance", []string{"good governance"}, []string{"governance"}},
	{"18", 2014, "Staffing", nil, []string{"staffing"}},
	{"19", 2014, "Fit and proper persons employed", []string{"fit and proper persons employed"}, nil},
	{"20", 2014, "Duty of candour", []string{"duty of candour"}, []string{"candour"}},
	{"20A", 2014, "Requirement as to display of performance assessments", []string{"requirement as to display of performance assessments", "display of performance assessments"}, nil},

	{"9", 2010, "Care and welfare of service users", []string{"care and welfare of service users", "care and welfare of people who use services", "care and welfare of people who use the service"}, []string{"care and welfare"}},
	{"10", 2010, "Assessing and monitoring the quality of service provision", []string{"assessing and monitoring the quality of service provision", "assessing and monitoring the quality of services"}, nil},
	{"11", 2010, "Safeguarding service users from abuse", []string{"safeguarding service users from abuse", "safeguarding people who use services from abuse"}, []string{"safeguarding", "safeguarding from abuse"}},
	{"12", 2010, "Cleanliness and infection control", []string{"cleanliness and infection control"}, nil},
	{"13", 2010, "Management of medicines", []string{"management of medicines"}, nil},
	{"14", 2010, "Meeting nutritional needs", []string{"meeting nutritional needs"}, nil},
	{"15", 2010, "Safety and suitability of premises", []string{"safety and suitability of premises"}, nil},
	{"16", 2010, "Safety, availability and suitability of equipment", []string{"safety, availability and suitability of equipment"}, nil},
	{"17", 2010, "Respecting and involving service users", []string{"respecting and involving service users", "respecting and involving people who use services"}, nil},
	{"18", 2010, "Consent to care and treatment", []string{"consent to care and treatment"}, []string{"consent"}},
	{"19", 2010, "Complaints", nil, []string{"complaints"}},
	{"20", 2010, "Records", nil, []string{"records"}},
	{"21", 2010, "Requirements relating to workers", []string{"requirements relating to workers"}, nil},
	{"22", 2010, "Staffing", nil, []string{"staffing"}},
	{"23", 2010, "Supporting workers", []string{"supporting workers", "supporting staff"}, nil},
	{"24", 2010, "Cooperating with other providers", []string{"cooperating with other providers", "co-operating with other providers"}, nil},
}

// regPhrase is one phrase of the table with the regulations it names.
type regPhrase struct {
	phrase string
	short  bool
	defs   []int // indexes in regulationTable
}

// pick returns the regulation of p under the era's set, else its first.
func (p *regPhrase) pick(era int) int {
	for _, d := range p.defs {
		if regulationTable[d].era == era {
			return d
		}
	}
	return p.defs[0]
}

// regPhrases are the table's phrases, longest first, so that the longest
// name at a place wins.
var regPhrases = func() []regPhrase {
	idx := map[[2]string]int{}
	var out []regPhrase
	addP := func(p string, short bool, d int) {
		k := [2]string{p, map[bool]string{true: "s", false: "n"}[short]}
		if i, ok := idx[k]; ok {
			out[i].defs = append(out[i].defs, d)
			return
		}
		idx[k] = len(out)
		out = append(out, regPhrase{phrase: p, short: short, defs: []int{d}})
	}
	for d, r := range regulationTable {
		for _, n := range r.names {
			addP(n, false, d)
		}
		for _, n := range r.short {
			addP(n, true, d)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return len(out[a].phrase) > len(out[b].phrase) })
	return out
}()

// reRegNumber finds a citation by number: "Regulation 12(2)(a)", "Reg.
// 17", "regulation 18(1)", "Regulations 12 and 17", "Reg 9A". Group 1 is
// the list of numbers with their paragraphs.
var reRegNumber = regexp.MustCompile(`(?i)\breg(?:ulations?|s?\.?)\s*(\d{1,2}[A-Z]?\b(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*(?:\s*(?:,|and|&|or)\s*(?:\d{1,2}[A-Z]?\b|\(\s?[0-9a-z]{1,4}\s?\))(?:\s?\(\s?[0-9a-z]{1,4}\s?\))*)*)`)

var (
	reRegItem  = regexp.MustCompile(`(\d{1,2}[A-Z]?)((?:\s?\(\s?[0-9a-z]{1,4}\s?\))*)`)
	reRegCue   = regexp.MustCompile(`(?:\breg(?:ulation)?s?\b[^.;]{0,12}|\bbreach(?:es|ed)? of (?:the )?(?:regulations? (?:on|for) )?|\b(?:in relation to|relating to|related to|regarding|in respect of) (?:the )?(?:standards? (?:of|for) )?|\bstandards? (?:of|for) |\boutcome \d{1,2}\W{0,3}|\(\s?)$`)
	reRegAfter = regexp.MustCompile(`^(?:\s*(?:$|[).,;:]|\band\b|\bor\b|\bregulations?\b|\brequirements?\b))`)
)

// regCite is a regulation cited at offset at.
type regCite struct {
	at, end int
	num     string // "12", "12(2)(a)", "20A"
}

// regulationsIn returns the regulations that t cites by number or names
// by title, in text order and each once, as "Regulation 12(2)(a)" or
// "Regulation 9, Regulation 10". era is 2010 for text under the 2010
// Regulations, else 2014; it decides phrases that name a regulation of
// each set.
func regulationsIn(t string, era int) string {
	l := asciiLower(t)
	if !containsAny(l, "reg", "care", "consent", "respect", "safeguard", "nutrition", "premises", "complaints",
		"governance", "staffing", "fit and proper", "candour", "fppr", "performance assessments", "assessing and monitoring",
		"infection control", "medicines", "equipment", "records", "workers", "staff", "providers", "registered managers",
		"partnership", "visiting") {
		return ""
	}
	var cites []regCite
	var numbered [][]int
	if strings.Contains(l, "reg") { // every citation by number says "reg…"
		numbered = reRegNumber.FindAllStringSubmatchIndex(t, -1)
	}
	for _, m := range numbered {
		list := t[m[2]:m[3]]
		if strings.HasPrefix(strings.TrimSpace(t[m[3]:min(len(t), m[3]+12)]), "of the") && strings.Contains(l[m[3]:min(len(l), m[3]+80)], "registration") {
			continue // the Registration Regulations 2009 are not of this set
		}
		for _, it := range reRegItem.FindAllStringSubmatchIndex(list, -1) {
			n := list[it[2]:it[3]]
			if it[2] > 0 && list[it[2]-1] == '(' {
				continue
			}
			v := atoiSmall(strings.TrimRight(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
			if v < 1 || v > 24 {
				continue
			}
			if it[3] < len(list) && isDigit(list[it[3]]) {
				continue
			}
			cites = append(cites, regCite{at: m[2] + it[2], end: m[2] + it[5], num: n + strings.ReplaceAll(list[it[4]:it[5]], " ", "")})
		}
	}
	// names first, longest first; then short forms in text order, each
	// cued by a citation context or by the name listed before it
	// ("relating to person-centred care, dignity and respect and staffing")
	taken := make([]bool, len(l))
	type cand struct {
		i, e int
		p    *regPhrase
	}
	var shorts []cand
	ends := map[int]bool{}
	for pi := range regPhrases {
		p := &regPhrases[pi]
		for from := 0; ; {
			i := strings.Index(l[from:], p.phrase)
			if i < 0 {
				break
			}
			i += from
			e := i + len(p.phrase)
			from = i + 1
			if i > 0 && isWordRune(rune(l[i-1])) || e < len(l) && isWordRune(rune(l[e])) || taken[i] || taken[e-1] {
				continue
			}
			if p.short {
				shorts = append(shorts, cand{i, e, p})
				continue
			}
			for k := i; k < e; k++ {
				taken[k] = true
			}
			ends[e] = true
			cites = append(cites, regCite{at: i, num: regulationTable[p.pick(era)].num})
		}
	}
	for _, c := range cites {
		if c.end > 0 {
			ends[c.end] = true
		}
	}
	sort.Slice(shorts, func(a, b int) bool { return shorts[a].i < shorts[b].i })
	for _, c := range shorts {
		if taken[c.i] || taken[c.e-1] || !reRegAfter.MatchString(l[c.e:]) {
			continue
		}
		before := l[max(0, c.i-40):c.i]
		listed := false
		if g := strings.TrimRight(before, " ,&"); strings.HasSuffix(g, " and") || strings.HasSuffix(g, " or") || len(g) < len(before) {
			g = strings.TrimSuffix(strings.TrimSuffix(g, " and"), " or")
			g = strings.TrimRight(g, " ,")
			listed = ends[c.i-len(before)+len(g)]
		}
		if !listed && !reRegCue.MatchString(before) {
			continue
		}
		for k := c.i; k < c.e; k++ {
			taken[k] = true
		}
		ends[c.e] = true
		cites = append(cites, regCite{at: c.i, num: regulationTable[c.p.pick(era)].num})
	}
	if len(cites) == 0 {
		return ""
	}
	sort.SliceStable(cites, func(a, b int) bool { return cites[a].at < cites[b].at })
	// each regulation once, where it is first named, in its fullest
	// citation ("safe care and treatment (Regulation 12(2)(a))" is
	// Regulation 12(2)(a))
	var order []string
	full := map[string]string{}
	for _, c := range cites {
		base := c.num
		if i := strings.IndexByte(base, '('); i >= 0 {
			base = base[:i]
		}
		if _, ok := full[base]; !ok {
			order = append(order, base)
		}
		if len(c.num) > len(full[base]) {
			full[base] = c.num
		}
	}
	out := make([]string, len(order))
	for i, b := range order {
		out[i] = "Regulation " + full[b]
	}
	return strings.Join(out, ", ")
}

// regulationIn returns the regulations t names, read as 2014 Regulations.
func regulationIn(t string) string { return regulationsIn(t, 2014) }

// reRegNamed2010 marks text under the 2010 Regulations.
var reRegNamed2010 = regexp.MustCompile(`(?i)\bregulations 2010\b|\(regulated activities\) regulations 2010|\bessential standards\b|\boutcomes? \d{1,2}\b`)

// reg2010Words are parts of words one of which every match of
// reRegNamed2010 contains in lower case; they have no k or s, which its
// case folding also matches with non-ASCII letters.
var reg2010Words = []string{"regulation", "ential", "outcome"}

// regulationEra returns 2010 when the document is under the 2010
// Regulations (it cites them, or it was published before April 2015),
// else 2014.
func (st *docState) regulationEra() int {
	if st.act.era != 0 {
		return st.act.era
	}
	st.act.era = 2014
	head := st.text[:min(len(st.text), 20000)]
	switch {
	case strings.Contains(st.lower, "regulations 2014"):
	case containsAny(st.lower[:len(head)], reg2010Words...) && reRegNamed2010.MatchString(head):
		st.act.era = 2010
	default:
		if y := docYear(st.text[:min(len(st.text), 3000)]); y > 0 && y < 2015 {
			st.act.era = 2010
		}
	}
	return st.act.era
}

var reYear = regexp.MustCompile(`\b(?:19|20)\d\d\b`)

// docYear returns the year of the first date in the opening lines of a
// document (the publication or dateline), or 0.
func docYear(head string) int {
	if p := firstDate(head); len(p) >= 4 {
		if y := atoiSmall4(p[:4]); y > 0 {
			return y
		}
	}
	if m := reYear.FindString(head); m != "" {
		return atoiSmall4(m)
	}
	return 0
}
