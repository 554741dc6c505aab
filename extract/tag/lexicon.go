package tag

import (
	"regexp"
	"strings"
)

// coreService returns the core service named in lower-case text l, the
// last one when several are, and where it starts.
func coreService(l string) (string, int) {
	best, at, end := "", -1, -1
	for _, c := range coreServices {
		i := strings.LastIndex(l, c.key)
		if i < 0 {
			continue
		}
		e := i + len(c.key)
		if e < len(l) && isWordRune(rune(l[e])) || i > 0 && isWordRune(rune(l[i-1])) {
			continue
		}
		// the last service named; a longer name holding a shorter one
		// ("outpatients and diagnostic imaging") wins over it
		if i > at && !(i < end && e <= end) || i < at && e >= end {
			best, at, end = c.name, i, e
		}
	}
	return best, at
}

// leadingService returns the core service that lower-case text l starts
// with, by its longest key, or "".
func leadingService(l string) string {
	best, n := "", 0
	for _, c := range coreServices {
		if len(c.key) > n && strings.HasPrefix(l, c.key) && (len(l) == len(c.key) || !isWordRune(rune(l[len(c.key)]))) {
			best, n = c.name, len(c.key)
		}
	}
	return best
}

// regulationTitles name the regulations of the Health and Social Care Act
// 2008 (Regulated Activities) Regulations 2014 by title. Each regexp runs
// only on text whose lower case holds its key.
var regulationTitles = []struct {
	key string
	re  *regexp.Regexp
	reg string
}{
	{"centred care", regexp.MustCompile(`(?i)\bperson[- ]centred care\b`), "Regulation 9"},
	{"dignity and respect", regexp.MustCompile(`(?i)\bdignity and respect\b`), "Regulation 10"},
	{"need for consent", regexp.MustCompile(`(?i)\bneed for consent\b`), "Regulation 11"},
	{"safe care and treatment", regexp.MustCompile(`(?i)\bsafe care and treatment\b`), "Regulation 12"},
	{"safeguarding service users from abuse", regexp.MustCompile(`(?i)\bsafeguarding service users from abuse\b`), "Regulation 13"},
	{"meeting nutritional and hydration needs", regexp.MustCompile(`(?i)\bmeeting nutritional and hydration needs\b`), "Regulation 14"},
	{"premises and equipment", regexp.MustCompile(`(?i)\bpremises and equipment\b`), "Regulation 15"},
	{"receiving and acting on complaints", regexp.MustCompile(`(?i)\breceiving and acting on complaints\b`), "Regulation 16"},
	{"good governance", regexp.MustCompile(`(?i)\bgood governance\b`), "Regulation 17"},
	{"staffing", regexp.MustCompile(`(?i)\bstaffing\b.{0,3}(regulation|requirement)|\bregulation\b.{0,12}\bstaffing\b`), "Regulation 18"},
	{"fit and proper persons employed", regexp.MustCompile(`(?i)\bfit and proper persons employed\b`), "Regulation 19"},
	{"duty of candour", regexp.MustCompile(`(?i)\bduty of candour\b`), "Regulation 20"},
	{"fit and proper person", regexp.MustCompile(`(?i)\bfit and proper persons?\b.{0,20}\bdirectors?\b`), "Regulation 5"},
}

var reRegulation = regexp.MustCompile(`(?i)\breg(?:ulation|s?\.)?\s?(\d{1,2}[A-Z]?)((?:\s?\(\s?\w{1,3}\s?\))*)`)

// regulationIn returns the regulation that t names by number or by title.
func regulationIn(t string) string {
	l := asciiLower(t)
	if strings.Contains(l, "reg") {
		if m := reRegulation.FindStringSubmatch(t); m != nil {
			n := m[1]
			if v := atoiSmall(strings.TrimRight(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")); v >= 1 && v <= 20 {
				return "Regulation " + n + strings.ReplaceAll(m[2], " ", "")
			}
		}
	}
	for _, rt := range regulationTitles {
		if strings.Contains(l, rt.key) && rt.re.MatchString(t) {
			return rt.reg
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

// themesOf returns the themes whose rules match t.
func themesOf(t string) []string {
	var out []string
	l := strings.ToLower(t)
	for i, r := range themeRules {
		hit := false
		for _, h := range themeHints[i] {
			if strings.Contains(l, h) {
				hit = true
				break
			}
		}
		if hit && r.re.MatchString(t) {
			out = append(out, r.theme)
		}
	}
	return out
}
