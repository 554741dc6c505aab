package tag

import (
	"regexp"
	"strings"
)

// coreService returns the core service named in lower-case text l, the
// last one when several are, and where it starts. A longer name holding a
// shorter one ("outpatients and diagnostic imaging") wins over it.
func coreService(l string) (string, int) {
	best, at, end := "", -1, -1
	for p := 0; p+1 < len(l); p++ {
		if p > 0 && isWordByte(l[p-1]) || !isWordByte(l[p]) {
			continue
		}
		for _, c := range serviceStarts[[2]byte{l[p], l[p+1]}] {
			e := p + len(c.key)
			if !strings.HasPrefix(l[p:], c.key) || e < len(l) && isWordRune(rune(l[e])) {
				continue
			}
			if p > at && !(p < end && e <= end) || p < at && e >= end {
				best, at, end = c.name, p, e
			}
			break // keys are longest first: the first that fits is the longest here
		}
	}
	return best, at
}

// serviceStarts indexes coreServices by their first two bytes, longest
// key first, so that coreService reads a text once.
var serviceStarts = func() map[[2]byte][]serviceKey {
	m := map[[2]byte][]serviceKey{}
	for _, c := range coreServices {
		if len(c.key) >= 2 {
			k := [2]byte{c.key[0], c.key[1]}
			m[k] = append(m[k], c)
		}
	}
	return m
}()

// leadingService returns the core service that lower-case text l starts
// with, by its longest key, or "".
func leadingService(l string) string {
	if len(l) < 2 {
		return ""
	}
	for _, c := range serviceStarts[[2]byte{l[0], l[1]}] {
		if strings.HasPrefix(l, c.key) && (len(l) == len(c.key) || !isWordRune(rune(l[len(c.key)]))) {
			return c.name
		}
	}
	return ""
}

func atoiSmall(s string) int {
	if s == "" || len(s) > 3 {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Themes is the theme taxonomy: each finding is tagged with every theme
// whose keyword rule matches its text.
//
//	staffing               staffing levels, shortages, vacancies, agency and bank staff, training, recruitment
//	medicines              medicines, medication, prescribing, controlled drugs
//	ligature risks         ligatures, ligature points and anchor points
//	waiting times          waiting times and lists, waits, delays, referral to treatment
//	seclusion and restraint seclusion, restraint, restrictive practice, rapid tranquillisation
//	privacy and dignity    privacy, dignity, dormitories, mixed-sex accommodation
//	governance             governance, oversight, assurance, leadership, the board, risk registers
//	safeguarding           safeguarding, abuse, neglect
//	environment            environment, estates, premises, buildings, repairs, equipment, fire safety
//	infection control      infection prevention and control, hand hygiene, cleanliness
//	physical health        physical health and healthcare, physical observations, deteriorating patients
//	records and care plans records, care plans, care planning, documentation, risk assessments
//	Mental Health Act      the Mental Health Act, detention, section 17 leave, MHA
var Themes = []string{
	"staffing", "medicines", "ligature risks", "waiting times", "seclusion and restraint",
	"privacy and dignity", "governance", "safeguarding", "environment", "infection control",
	"physical health", "records and care plans", "Mental Health Act",
}

var themeRules = []struct {
	theme string
	re    *regexp.Regexp
}{ // each rule's regexp runs only when one of its themeHints is in the text
	{"staffing", regexp.MustCompile(`(?i)\b(staffing|staff (shortages?|levels?|numbers)|shortages? of (\w+ )?staff|vacanc(y|ies)|agency (staff|nurses)|bank (and agency )?staff|recruit\w*|workforce|mandatory training|suitably qualified|(enough|sufficient) (\w+ )?staff)\b`)},
	{"medicines", regexp.MustCompile(`(?i)\b(medicines?|medications?|prescri\w+|controlled drugs?|pharmac\w+)\b`)},
	{"ligature risks", regexp.MustCompile(`(?i)\b(ligatures?|anchor points?)\b`)},
	{"waiting times", regexp.MustCompile(`(?i)\b(waiting (times?|lists?)|waits?\b|waited|delays?|referral to treatment|long waits)`)},
	{"seclusion and restraint", regexp.MustCompile(`(?i)\b(seclusion|restraint|restrictive (practices?|interventions?)|rapid tranquil+i[sz]ation|long[- ]term segregation)\b`)},
	{"privacy and dignity", regexp.MustCompile(`(?i)\b(privacy|dignity|dormitor(y|ies)|mixed[- ]sex|same[- ]sex accommodation)\b`)},
	{"governance", regexp.MustCompile(`(?i)\b(governance|oversight|assurance|leadership|well[- ]led|the board|board of directors|risk registers?|audits?)\b`)},
	{"safeguarding", regexp.MustCompile(`(?i)\b(safeguarding|abuse|neglect)\b`)},
	{"environment", regexp.MustCompile(`(?i)\b(environments?|estates?|premises|buildings?|repairs?|refurbish\w*|maintenance|equipment|fire safety|ward environments?)\b`)},
	{"infection control", regexp.MustCompile(`(?i)\b(infection|hand hygiene|cleanliness|clean(ing)?|ipc)\b`)},
	{"physical health", regexp.MustCompile(`(?i)\b(physical health(care)?|physical observations|deteriorating patients?|news2|early warning scores?)\b`)},
	{"records and care plans", regexp.MustCompile(`(?i)\b(records?|care plans?|care planning|documentation|risk assessments?)\b`)},
	{"Mental Health Act", regexp.MustCompile(`(?i)\b(mental health act|mha|section 1[37] leave|detained|detention)\b`)},
}

// themeHints are lower-case substrings one of which any match of the
// theme's rule contains.
var themeHints = [][]string{
	{"staff", "vacanc", "agency", "recruit", "workforce", "mandatory training", "qualified"},
	{"medic", "prescri", "drug", "pharmac"},
	{"ligature", "anchor point"},
	{"wait", "delay", "referral to treatment"},
	{"seclusion", "restrain", "restrictive", "tranquil", "segregation"},
	{"privacy", "dignity", "dormitor", "sex"},
	{"governance", "oversight", "assurance", "leadership", "well-led", "well led", "board", "risk register", "audit"},
	{"safeguarding", "abuse", "neglect"},
	{"environment", "estate", "premises", "building", "repair", "refurbish", "maintenance", "equipment", "fire safety"},
	{"infection", "hygiene", "clean", "ipc"},
	{"physical", "deteriorating", "news2", "early warning"},
	{"record", "care plan", "documentation", "risk assessment"},
	{"mental health act", "mha", "section 1", "detain", "detention"},
}

// themeHintsBy holds themeHints by their first byte, with the index of
// their theme, for themesOf's one pass over a text.
var themeHintsBy = func() (m [256][]struct {
	word  string
	theme int
}) {
	if len(themeRules) > 64 {
		panic("themesOf marks at most 64 themes")
	}
	for i, hs := range themeHints {
		for _, h := range hs {
			m[h[0]] = append(m[h[0]], struct {
				word  string
				theme int
			}{h, i})
		}
	}
	return m
}()

// themesOf returns the themes whose rules match t.
func themesOf(t string) []string {
	var out []string
	l := strings.ToLower(t)
	var hit [64]bool
	for i := 0; i < len(l); i++ {
		for _, h := range themeHintsBy[l[i]] {
			if !hit[h.theme] && strings.HasPrefix(l[i:], h.word) {
				hit[h.theme] = true
			}
		}
	}
	for i, r := range themeRules {
		if hit[i] && r.re.MatchString(t) {
			out = append(out, r.theme)
		}
	}
	return out
}
