package tag

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

var (
	reRunBy = regexp.MustCompile(`(?i)(?:provided and run by|registered provider|provider)\s*:\s*\n?\s*([A-Z][^\n]{2,90})`)
	reODS   = regexp.MustCompile(`(?i)\b(?:ods(?: code)?|organisation code|org code|trust code|location id|provider id)\s*[:\-]?\s*([A-Z0-9]{3,5})\b`)

	reDateDMY        = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)? (January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})\b`)
	reDateNum        = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`)
	reDateMY         = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})\b`)
	rePublish        = regexp.MustCompile(`(?i)(?:date of publication|published(?: on)?|publication date)\s*:?\s*([^\n]{0,40})`)
	reInspect        = regexp.MustCompile(`(?:date of inspection visits?|inspection carried out on|inspected (?:on|between)|inspection (?:took place )?(?:on|between)|we (?:inspected|visited) [^\n.]{0,80}? (?:on|between|from)|inspection (?:of|at) [^\n.]{0,80}? (?:on|between|from))\s*:?\s*([^\n]{0,80})`)
	reDay            = regexp.MustCompile(`\d{1,2}`)
	rePublishedToday = regexp.MustCompile(`(?i)\bpublished[^.\n]{0,40}?\btoday\s*\(([^)]{0,40})\)`)
	reRangeDMY       = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?(?:(?:,| and| to|-|–) ?\d{1,2}(?:st|nd|rd|th)?)* (January|February|March|April|May|June|July|August|September|October|November|December)(?: (\d{4}))?`)
)

var months = map[string]int{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
	"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

var trustSuffixes = []string{"NHS Foundation Trust", "NHS Trust", "Foundation Trust"}

var nameJoiners = set("and", "of", "the", "for", "St", "King's", "University", "Hospitals", "Hospital")

// trustNameBefore returns the NHS trust name ending at end ("Leicestershire
// Partnership NHS Trust"), or "".
func trustNameBefore(t string, end int) string {
	head := t[:end]
	for _, suf := range trustSuffixes {
		if !strings.HasSuffix(head, suf) {
			continue
		}
		start := end - len(suf)
		words := 0
		for words < 9 {
			k := start
			for k > 0 && (t[k-1] == ' ' || t[k-1] == '\n') {
				k--
			}
			j := k
			for j > 0 && !isSpaceByte(t[j-1]) {
				j--
			}
			w := t[j:k]
			if w == "" || k == start || !(w[0] >= 'A' && w[0] <= 'Z' || nameJoiners[w]) || strings.ContainsAny(w, ".,;:()") {
				break
			}
			start = j
			words++
		}
		name := strings.Join(strings.Fields(t[start:end]), " ")
		for {
			f := strings.SplitN(name, " ", 2)
			if len(f) == 2 && (f[0] == "The" || f[0] == "the" || f[0] == "and" || f[0] == "of" || f[0] == "for") {
				name = f[1]
				continue
			}
			break
		}
		if words == 0 || name == suf {
			return ""
		}
		return name
	}
	return ""
}

// findProvider returns the provider the document is about: the NHS trust
// named most often, else the registered provider of a location page.
func (st *docState) findProvider() string {
	counts := map[string]int{}
	first := map[string]int{}
	t := st.text
	for off, n := 0, 0; n < 200; n++ {
		k := strings.Index(t[off:], " Trust")
		if k < 0 {
			break
		}
		end := off + k + len(" Trust")
		off = end
		if end < len(t) && isWordRune(rune(t[end])) {
			continue
		}
		name := trustNameBefore(t, end)
		if name == "" {
			continue
		}
		counts[name]++
		if _, ok := first[name]; !ok {
			first[name] = n
		}
	}
	best := ""
	for n, c := range counts {
		if best == "" || c > counts[best] || c == counts[best] && first[n] < first[best] {
			best = n
		}
	}
	if best != "" {
		return best
	}
	if m := st.runBy(); m != nil {
		n := strings.TrimSpace(m[1])
		if i := strings.IndexAny(n, ".,;"); i > 0 {
			n = n[:i]
		}
		if len(strings.Fields(n)) <= 8 {
			return n
		}
	}
	return ""
}

// runBy returns the submatches of the first "Provided and run by:" or
// "Registered provider:" label. The regexp runs only where the lower-case
// text holds a label followed by a colon, not over the whole text.
func (st *docState) runBy() []string {
	var best []string
	bestAt := len(st.lower)
	for _, w := range []string{"provided and run by", "provider"} {
		if at, m := st.firstLabel(w, bestAt); m != nil {
			best, bestAt = m, at
		}
	}
	return best
}

// firstLabel returns where the first label w before limit, followed by a
// colon, starts reRunBy's match, and its submatches.
func (st *docState) firstLabel(w string, limit int) (int, []string) {
	l := st.lower
	for off := 0; off < limit; {
		k := strings.Index(l[off:], w)
		if k < 0 || off+k >= limit {
			break
		}
		at := off + k
		off = at + len(w)
		j := off
		for j < len(l) && isSpaceByte(l[j]) {
			j++
		}
		if j == len(l) || l[j] != ':' {
			continue
		}
		if w == "provider" && strings.HasSuffix(l[:at], "registered ") {
			at -= len("registered ")
		}
		if m := reRunBy.FindStringSubmatch(st.text[at:min(len(l), j+400)]); m != nil {
			return at, m
		}
	}
	return 0, nil
}

var reOverallHeader = regexp.MustCompile(`(?m)^\s*Overall(?: rating)?\s*:\s*(?:Good|Outstanding|Inadequate|Requires improvement)`)

// findMainSubject returns the location a CQC location page is about: the
// title line above its "Overall: Good" header.
func (st *docState) findMainSubject() string {
	if !strings.Contains(st.text, "Overall") {
		return ""
	}
	m := reOverallHeader.FindStringIndex(st.text)
	if m == nil {
		return ""
	}
	// "Eastmoor Hospital" / address / "Provided and run by: …"
	if k := strings.Index(st.lower[:m[0]], "provided and run by"); k >= 0 {
		lines := strings.Split(st.text[:k], "\n")
		for i := max(0, len(lines)-6); i < len(lines); i++ {
			l := strings.TrimSpace(lines[i])
			if l == "" || strings.ContainsAny(l, "0123456789•*|") {
				continue
			}
			if n := len(strings.Fields(l)); n >= 2 && n <= 10 {
				return l
			}
		}
	}
	lines := strings.Split(st.text[:m[0]], "\n")
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-6; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.ContainsAny(l[:1], "•-*") || pageHeading(l) {
			continue
		}
		if len(strings.Fields(l)) <= 10 {
			return l
		}
		break
	}
	return ""
}

// pageHeading reports a heading of a CQC web page that is not the name of
// what the page is about: "Ratings", "Report from 4 May 2025 assessment".
func pageHeading(l string) bool {
	l = strings.ToLower(l)
	for _, h := range []string{"ratings", "rating", "latest inspection", "all inspections", "all reports", "our view of the service", "overall"} {
		if l == h {
			return true
		}
	}
	for _, h := range []string{"report from ", "inspection report", "latest report", "published ", "assessment ", "updated "} {
		if strings.HasPrefix(l, h) {
			return true
		}
	}
	return false
}

var reOurVoice = regexp.MustCompile(`^our (trust|staff|patients|services|hospitals?|teams?|vision|strategy|colleagues|organisation|board|chief executive)\b`)

// findTrustVoice reports whether the document speaks as the provider.
func (st *docState) findTrustVoice() bool {
	n := 0
	l := st.lower
	for off := 0; n < 2; {
		k := strings.Index(l[off:], "our ")
		if k < 0 {
			return false
		}
		at := off + k
		off = at + 4
		if at > 0 && isWordRune(rune(l[at-1])) {
			continue
		}
		if reOurVoice.MatchString(l[at:min(len(l), at+24)]) {
			n++
		}
	}
	return true
}

// findNear runs re on the text around the first few places where lower
// holds w, and returns the first match's submatches.
func findNear(text, lower, w string, before, after int, re *regexp.Regexp) []string {
	for off, n := 0, 0; n < 6; n++ {
		k := strings.Index(lower[off:], w)
		if k < 0 {
			return nil
		}
		at := off + k
		off = at + len(w)
		if m := re.FindStringSubmatch(text[max(0, at-before):min(len(text), at+len(w)+after)]); m != nil {
			return m
		}
	}
	return nil
}

func isoDate(d, m string, y string) string {
	mi := months[strings.ToLower(m)]
	di := atoiSmall(d)
	if mi == 0 || di < 1 || di > 31 {
		return ""
	}
	return fmt.Sprintf("%s-%02d-%02d", y, mi, di)
}

func numDate(m []string) string {
	d, mo := atoiSmall(m[1]), atoiSmall(m[2])
	if d < 1 || d > 31 || mo < 1 || mo > 12 {
		return ""
	}
	return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d)
}

// firstDate returns the first date in s, as YYYY-MM-DD or YYYY-MM.
// datelineDate is the full date of a dateline among a document's first
// lines ("News release, 19 November 2021"), the way press releases and
// news items give their publication date; lines about inspections or
// visits are not datelines.
func datelineDate(head string) string {
	for n, line := range strings.SplitN(head, "\n", 12) {
		line = strings.TrimSpace(line)
		if n > 10 || len(line) > 80 {
			continue
		}
		l := strings.ToLower(line)
		if strings.Contains(l, "inspect") || strings.Contains(l, "visit") {
			continue
		}
		if d := firstDate(line); len(d) == len("2006-01-02") {
			return d
		}
	}
	return ""
}

func firstDate(s string) string {
	var a, b, c []int
	if hasMonth(s) {
		a = reDateDMY.FindStringSubmatchIndex(s)
		c = reDateMY.FindStringSubmatchIndex(s)
	}
	if strings.Contains(s, "/") {
		b = reDateNum.FindStringSubmatchIndex(s)
	}
	switch {
	case a != nil && (b == nil || a[0] < b[0]) && (c == nil || a[0] <= c[0]):
		return isoDate(s[a[2]:a[3]], s[a[4]:a[5]], s[a[6]:a[7]])
	case b != nil && (c == nil || b[0] < c[0]):
		return numDate([]string{"", s[b[2]:b[3]], s[b[4]:b[5]], s[b[6]:b[7]]})
	case c != nil:
		return fmt.Sprintf("%s-%02d", s[c[4]:c[5]], months[strings.ToLower(s[c[2]:c[3]])])
	}
	return ""
}

// reInspectAt is reInspect at the start of the text.
var reInspectAt = regexp.MustCompile(`^(?:` + reInspect.String() + `)`)

// inspectStarts are the words every match of reInspect starts with.
var inspectStarts = []string{"date of inspection", "inspect", "we inspected", "we visited"}

// inspectMatch is reInspect.FindStringSubmatchIndex(l[from:]), with its
// offsets relative to the returned from: it tries reInspect only where
// one of inspectStarts is, in order, so the first of those places where
// reInspect matches holds its leftmost match. reInspect has no \b or
// line anchors, so text before a place does not change what matches
// there.
func inspectMatch(l string, from int) (int, []int) {
	for from < len(l) {
		at := from + firstOf(l[from:], inspectStarts...)
		if at >= len(l) {
			break
		}
		if ix := reInspectAt.FindStringSubmatchIndex(l[at:]); ix != nil {
			return at, ix
		}
		from = at + 1
	}
	return from, nil
}

// firstOf returns the offset in s of the first of the words, or len(s)
// when s has none.
func firstOf(s string, words ...string) int {
	at := len(s)
	for _, w := range words {
		if i := strings.Index(s[:min(len(s), at+len(w))], w); i >= 0 && i < at {
			at = i
		}
	}
	return at
}

// monthWords are the names one of which every match of reDateDMY and
// reDateMY contains.
var monthWords = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// hasMonth reports whether s names a month, the cheap test before the
// date regexps run.
func hasMonth(s string) bool {
	return containsAny(s, monthWords...)
}

// inspectionDates returns the first and last day of the inspection:
// "Date of inspection visit: 17 October, November 2016 and 8 December
// 2016", "Inspection carried out on 5, 6, 7, 8, 11, 17, 18 July 2016".
func (st *docState) inspectionDates() (string, string) {
	head := st.text
	if len(head) > 8000 {
		head = head[:8000]
	}
	lower := st.lower[:len(head)]
	k := strings.Index(lower, "inspect")
	if k < 0 {
		return "", ""
	}
	// the phrase that gives the dates starts at most 100 bytes before
	// the first "inspect"
	var m []string
	for tries := 0; k >= 0 && m == nil && tries < 6; tries++ {
		// reInspect is in lower case: it runs on the lower-case text,
		// whose offsets are the text's.
		if from, ix := inspectMatch(lower[:min(len(head), k+200)], max(0, k-100)); ix != nil {
			m = []string{head[from+ix[0] : from+ix[1]], head[from+ix[2] : from+ix[3]]}
		}
		next := strings.Index(lower[k+7:], "inspect")
		if next < 0 {
			break
		}
		k += 7 + next
	}
	if m == nil {
		return "", ""
	}
	s := m[1]
	type span struct{ first, last, month, year string }
	var spans []span
	for _, r := range reRangeDMY.FindAllStringSubmatch(s, -1) {
		days := reDay.FindAllString(strings.TrimSuffix(strings.TrimSpace(r[0]), r[3]), -1)
		if len(days) == 0 {
			continue
		}
		spans = append(spans, span{days[0], days[len(days)-1], r[2], r[3]})
	}
	if len(spans) > 0 {
		// a day without a year takes the year that follows it
		for i := len(spans) - 2; i >= 0; i-- {
			if spans[i].year == "" {
				spans[i].year = spans[i+1].year
			}
		}
		f, l := spans[0], spans[len(spans)-1]
		if f.year != "" && l.year != "" {
			return isoDate(f.first, f.month, f.year), isoDate(l.last, l.month, l.year)
		}
	}
	all := reDateNum.FindAllStringSubmatch(s, -1)
	if len(all) > 0 {
		return numDate(all[0]), numDate(all[len(all)-1])
	}
	d := firstDate(s)
	return d, d
}

var (
	reUndertakings = regexp.MustCompile(`(?m)^\s*UNDERTAKINGS\b`)
	reWarningHead  = regexp.MustCompile(`(?im)^\s*warning notice\s*$`)
	reRequireHead  = regexp.MustCompile(`(?im)^\s*requirement notices?\s*$`)
	// a first line that names a report: "Northvale NHS Foundation Trust
	// Inspection report", "Brackenford General Hospital Quality Report"
	reReportTitle = regexp.MustCompile(`^\s*(?:(?:[A-Z0-9][\w'’&.,()-]*|and|of|upon|on|the|for)\s+)*(?:Inspection [Rr]eport|Quality Report)[ \t]*(?:\n|$)`)
	reBoardPaper  = regexp.MustCompile(`\b(trust board|board of directors|public board)\b.{0,40}\b(meeting|paper|agenda|report)\b|\bpaper for the board\b`)
	reCarriedOut  = regexp.MustCompile(`^we carried out (?:an|a|this) (?:[a-z-]+ ){0,4}inspection`)
	reSaidQuote   = regexp.MustCompile(`^(?:said|says)\s*[:;,]?\s*[“"‘']`)
)

// docType names what kind of document this is, from the words of its
// first pages.
func (st *docState) docType() string {
	head := st.text
	if len(head) > 8000 {
		head = head[:8000]
	}
	lower := st.lower[:len(head)]
	has := func(w string) bool { return strings.Contains(lower, w) }
	// a report titled as one is a report, whatever notices it includes
	if reReportTitle.MatchString(head[:min(len(head), 300)]) && !st.trustVoice {
		return "inspection report"
	}
	switch {
	case has("enforcement undertakings") || strings.Contains(head, "UNDERTAKINGS") && reUndertakings.MatchString(head):
		return "undertakings"
	case has("this warning notice") || has("warning notice") && reWarningHead.MatchString(head):
		return "warning notice"
	case has("requirement notice") && reRequireHead.MatchString(head):
		return "requirement notice"
	case has("quality account"):
		return "quality account"
	case boardPaper(lower) && (has("agenda item") || has("meeting date") || has("report of:") || has("purpose:") || has("paper for")):
		return "board paper"
	case has("quality report") || has("date of inspection visit") ||
		has("inspection carried out on") || has("overall rating for this") || has("\noverall: ") || strings.HasPrefix(lower, "overall: ") ||
		anyAt(lower, "we carried out", func(t string) bool { return reCarriedOut.MatchString(t) }):
		return "inspection report"
	case has("press release") || has("news") ||
		anyAt(lower, "said", func(t string) bool { return reSaidQuote.MatchString(t) }) ||
		anyAt(lower, "says", func(t string) bool { return reSaidQuote.MatchString(t) }) || st.trustVoice:
		return "press statement"
	}
	if st.doc.Format == extract.FormatHTML {
		return "web page"
	}
	return ""
}

// reBoardPaperAt is reBoardPaper at the start of the text.
var reBoardPaperAt = regexp.MustCompile(`^(?:` + reBoardPaper.String() + `)`)

// boardPhrases are the phrases every match of reBoardPaper starts with;
// none starts one byte into another.
var boardPhrases = []string{"trust board", "board of directors", "public board", "paper for the board"}

// boardPaper is reBoardPaper.MatchString(l), trying reBoardPaper only
// where one of boardPhrases starts a word. A match is at most 185 bytes
// long (its `.{0,40}` is at most 160), so it runs on the next 190.
func boardPaper(l string) bool {
	for _, w := range boardPhrases {
		for off := 0; ; {
			k := strings.Index(l[off:], w)
			if k < 0 {
				break
			}
			at := off + k
			if (at == 0 || !isREWordByte(l[at-1])) && reBoardPaperAt.MatchString(l[at:min(len(l), at+190)]) {
				return true
			}
			off = at + 1
		}
	}
	return false
}

// isREWordByte reports a byte that \b in a regexp counts as a word's.
func isREWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// anyAt reports whether ok holds for the text at some occurrence of w.
func anyAt(l, w string, ok func(string) bool) bool {
	for off := 0; ; {
		k := strings.Index(l[off:], w)
		if k < 0 {
			return false
		}
		at := off + k
		if ok(l[at:min(len(l), at+120)]) {
			return true
		}
		off = at + len(w)
	}
}

func (st *docState) title() string {
	if t := strings.TrimSpace(st.doc.Title); t != "" {
		return clean(t)
	}
	for _, b := range st.blocks {
		t := strings.TrimSpace(clean(st.text[b.s:b.e]))
		if len(t) >= 8 && len(t) <= 160 && !b.bullet {
			return t
		}
	}
	return ""
}

// docFinding describes the document.
func (st *docState) docFinding() extract.Finding {
	f := extract.Finding{Doc: st.doc.Path, DocID: st.doc.ID, Kind: extract.KindDocument}
	f.Title = st.title()
	f.Text = f.Title
	f.Provider = st.provider
	f.Regulator = st.regulator
	if st.blocks != nil {
		f.DocType = st.docType()
	}
	head := st.text
	if len(head) > 8000 {
		head = head[:8000]
	}
	lower := st.lower[:len(head)]
	if m := findNear(head, lower, "publi", 20, 90, rePublish); m != nil {
		f.Published = firstDate(m[1])
	}
	if f.Published == "" {
		if m := findNear(head, lower, "today", 80, 50, rePublishedToday); m != nil {
			f.Published = firstDate(m[1])
		}
	}
	if f.Published == "" {
		f.Published = datelineDate(head)
	}
	f.InspectedFrom, f.InspectedTo = st.inspectionDates()
	if st.doc.Paged() {
		f.Pages = len(st.doc.Pages)
	}
	f.OCRPages, f.OCRConfidence, f.OCRLowPages = st.doc.OCRSummary()
	f.OCRConfidence = math.Round(f.OCRConfidence*10) / 10
	if l := lower[:min(len(lower), 3000)]; containsAny(l, "ods", "code", "location id", "provider id") {
		if m := reODS.FindStringSubmatch(head[:len(l)]); m != nil && strings.ContainsAny(m[1], "0123456789") {
			f.ODSCode = strings.ToUpper(m[1])
		}
	}
	return f
}
