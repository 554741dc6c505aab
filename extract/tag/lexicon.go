package tag

import (
	"regexp"
	"strings"
)

// coreServices are CQC's core service names (acute, mental health and
// community health), as key phrases that identify each in running text,
// with the name used as a finding's subject.
var coreServices = []struct{ key, name string }{
	{"urgent and emergency", "Urgent and emergency services"},
	{"accident and emergency", "Urgent and emergency services"},
	{"a&e", "Urgent and emergency services"},
	{"medical care", "Medical care"},
	{"critical care", "Critical care"},
	{"maternity and gynaecology", "Maternity and gynaecology"},
	{"maternity", "Maternity"},
	{"gynaecology", "Gynaecology"},
	{"services for children and young people", "Services for children and young people"},
	{"children and young people's services", "Services for children and young people"},
	{"children's services", "Services for children and young people"},
	{"children’s services", "Services for children and young people"},
	{"community end of life care", "Community end of life care"},
	{"end of life care", "End of life care"},
	{"outpatients and diagnostic imaging", "Outpatients and diagnostic imaging"},
	{"outpatients", "Outpatients"},
	{"diagnostic imaging", "Diagnostic imaging"},
	{"surgery", "Surgery"},
	{"acute wards for adults of working age", "Acute wards for adults of working age and psychiatric intensive care units"},
	{"psychiatric intensive care", "Acute wards for adults of working age and psychiatric intensive care units"},
	{"long stay or rehabilitation", "Long stay or rehabilitation mental health wards for working age adults"},
	{"forensic inpatient", "Forensic inpatient or secure wards"},
	{"secure wards", "Forensic inpatient or secure wards"},
	{"child and adolescent mental health wards", "Child and adolescent mental health wards"},
	{"wards for older people with mental health", "Wards for older people with mental health problems"},
	{"wards for people with a learning disability", "Wards for people with a learning disability or autism"},
	{"community-based mental health services for adults", "Community-based mental health services for adults of working age"},
	{"community-based mental health services for older people", "Community-based mental health services for older people"},
	{"mental health crisis services", "Mental health crisis services and health-based places of safety"},
	{"specialist community mental health services for children", "Specialist community mental health services for children and young people"},
	{"community mental health services for people with a learning disability", "Community mental health services for people with a learning disability or autism"},
	{"community health services for adults", "Community health services for adults"},
	{"community health services for children", "Community health services for children, young people and families"},
	{"community health inpatient", "Community health inpatient services"},
	{"community dental", "Community dental services"},
	{"community urgent care", "Community urgent care service"},
	{"urgent care", "Urgent care"},
	{"community services", "Community services"},
}

// coreService returns the core service named in lower-case text l, the
// last one when several are, and where it starts.
func coreService(l string) (string, int) {
	best, at := "", -1
	for _, c := range coreServices {
		if i := strings.LastIndex(l, c.key); i > at {
			if i+len(c.key) < len(l) && isWordRune(rune(l[i+len(c.key)])) {
				continue
			}
			if i > 0 && isWordRune(rune(l[i-1])) {
				continue
			}
			best, at = c.name, i
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
