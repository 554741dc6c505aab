package tag

import (
	"regexp"
	"strings"
)

// Headings that scope the sentences under them.
//
// Single-service reports (adult social care, GP practices) give each key
// question a section headed by its question, and speak of it there as
// "this key question": "Is the service safe? … At the last inspection
// this key question was rated as good. At this inspection this key
// question has deteriorated to inadequate."

// reKQAsked is a key question asked as a section heading, in lower case.
var reKQAsked = regexp.MustCompile(`(?m)(?:^|[.?!]\s|\f)\s*(?:is the service|are services|is the practice|are the services)(?: at this [a-z]+)? (safe|effective|caring|responsive|well[- ]led)\?`)

var reThisKQ = regexp.MustCompile(`\bthis key\s+question\b`)

// kqWindow is how far back, in bytes, the heading of a key question's
// section is looked for.
const kqWindow = 1500

// headingKeyQuestion returns the key question whose section a sentence
// that says "this key question" is in: the last one asked in the text
// before it. It returns nil for other sentences.
func (st *docState) headingKeyQuestion(sn sentence, before int) []string {
	if l := st.lower[sn.s:before]; !strings.Contains(l, "this key") || !reThisKQ.MatchString(l) {
		return nil
	}
	from := max(0, sn.s-kqWindow)
	ms := reKQAsked.FindAllStringSubmatch(st.lower[from:sn.s], -1)
	if len(ms) == 0 {
		return nil
	}
	return []string{domainWords[strings.Replace(ms[len(ms)-1][1], " ", "-", 1)]}
}

// placeSections qualifies each core service section with the location
// whose heading stands just above the service's ("Eastmoor Hospital" /
// "Maternity" → "Maternity (Eastmoor Hospital)"), as location reports
// head the pages of each service they inspected.
func (st *docState) placeSections(lines []lineSpan, secs []sectionEvent) {
	li := 0
	for k := range secs {
		ev := &secs[k]
		if ev.section == "" || strings.HasSuffix(ev.section, ")") {
			continue
		}
		for li < len(lines) && lines[li].s < ev.at {
			li++
		}
		// the non-empty lines above the heading, nearest first
		seen := 0
		for j := li - 1; j >= 0 && seen < 2; j-- {
			ln := lines[j]
			if ln.s == ln.e {
				continue
			}
			seen++
			name := strings.TrimSpace(clean(st.text[ln.s:ln.e]))
			if len(strings.Fields(name)) <= 6 && isPlaceName(name) && leadingService(strings.ToLower(name)) == "" && !isProviderLevel(name) {
				ev.section += " (" + strings.TrimPrefix(name, "The ") + ")"
				break
			}
		}
	}
}
