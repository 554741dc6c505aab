package tag

import (
	"regexp"
	"sort"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Named people and organisations. Titles and roles are reliable cues in
// this domain ("Dr Amira Osei", "Jane Smith, Chief Executive"), and
// organisations carry their kind in their names ("... NHS Foundation
// Trust", "... Integrated Care Board"), so rules find them at a fraction of
// the cost of a statistical model; the people prose's model finds as the
// speakers of quotes are added to them.
var (
	reTitledPerson = regexp.MustCompile(`\b(?:Dr|Mr|Mrs|Ms|Miss|Professor|Prof|Sir|Dame)\.? (?:[A-Z][a-z'’-]+ ){0,2}[A-Z][a-z][A-Za-z'’-]+\b`)
	rePersonRole   = regexp.MustCompile(`\b([A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}),? (?:the (?:trust|provider)['’]s |our |the )?(?i:chief executive|chair|chairman|chairwoman|medical director|chief nurse|chief operating officer|director of [a-z ]{3,30}|deputy chief executive|chief inspector of [a-z ]{3,30}|head of [a-z ]{3,30})\b`)
	reOrganisation = regexp.MustCompile(`\b(?:(?:[A-Z][A-Za-z'’&-]*|and|of|the|upon|on) |(?:and|of)\n){1,8}(?:NHS (?:Foundation )?Trust|Clinical Commissioning Group|Integrated Care Board|Borough Council|County Council|City Council|Council)\b|\bCare Quality Commission\b|\bNHS (?:England|Improvement|Resolution|Digital)\b|\bHealthwatch(?: [A-Z][a-z]+)+\b`)
)

// tagEntities adds one entity finding per person and organisation named
// in the document, at its first mention.
func (st *docState) tagEntities() {
	seen := map[string]bool{}
	var hits []entityHit
	add := func(s, e int, name, typ string) {
		name = cleanEntity(name)
		key := typ + "\x00" + strings.ToLower(name)
		if len(strings.Fields(name)) < 2 || seen[key] {
			return
		}
		seen[key] = true
		hits = append(hits, entityHit{s, e, name, typ})
	}
	text := st.text
	for _, m := range st.near(reTitledPerson, titleAnchors, 0, 80, titleFrom) {
		add(m[0], m[1], text[m[0]:m[1]], "person")
	}
	for _, m := range st.near(rePersonRole, roleAnchors, 80, 40, nil) {
		add(m[2], m[3], text[m[2]:m[3]], "person")
	}
	for _, f := range st.found {
		if f.Kind == extract.KindQuote && f.SpeakerName != "" {
			if i := strings.Index(text, f.SpeakerName); i >= 0 {
				add(i, i+len(f.SpeakerName), f.SpeakerName, "person")
			}
		}
	}
	for _, m := range st.near(reOrganisation, orgAnchors, 160, 40, orgFrom) {
		add(m[0], m[1], text[m[0]:m[1]], "organisation")
	}
	for _, h := range hits {
		if partOfLonger(h.name, h.typ, hits) {
			continue
		}
		st.add(extract.Finding{Kind: extract.KindEntity, Text: h.name, EntityType: h.typ}, h.s, h.e)
	}
}

// Words one of whose occurrences (in the lower-cased text) every match of
// the entity regexps contains: the regexps run only around them.
var (
	titleAnchors = []string{"dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame"}
	roleAnchors  = []string{"chief executive", "chair", "medical director", "chief nurse", "chief operating officer",
		"director of", "deputy chief executive", "chief inspector of", "head of"}
	orgAnchors = []string{"nhs", "commissioning group", "integrated care board", "council", "care quality commission", "healthwatch"}
)

// near returns re's matches (submatch indexes into st.text) in windows
// around each occurrence of an anchor word: from before bytes ahead of it
// (widened to a word start) to after bytes past it. Scanning the whole
// text with these regexps, which start with a repeated word pattern, costs
// more than all the other rules together.
//
// startAt, when not nil, returns where in a window re's matches can start
// (see near.go): re runs from there.
func (st *docState) near(re *regexp.Regexp, anchors []string, before, after int, startAt func(string) int) [][]int {
	var out [][]int
	seen := map[int]bool{}
	starts := st.wordStarts()
	for _, a := range anchors {
		for _, i := range starts[[2]byte{a[0], a[1]}] {
			i := int(i)
			if !strings.HasPrefix(st.lower[i:], a) {
				continue
			}
			from := i + len(a)
			if len(a) <= 4 && from < len(st.lower) && isWordByte(st.lower[from]) {
				continue // inside a longer word
			}
			w0, w1 := max(0, i-before), min(len(st.text), from+after)
			// Start the window at a line start, so that no match begins
			// in the middle of a name.
			for w0 > 0 && st.text[w0-1] != '\n' && i-w0 < before+240 {
				w0--
			}
			if startAt != nil {
				w0 += startAt(st.text[w0:w1])
			}
			for _, m := range re.FindAllStringSubmatchIndex(st.text[w0:w1], -1) {
				for k := range m {
					if m[k] >= 0 {
						m[k] += w0
					}
				}
				if !seen[m[0]] {
					seen[m[0]] = true
					out = append(out, m)
				}
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a][0] < out[b][0] })
	return out
}

// anchorKeys holds the first two bytes of every anchor.
var anchorKeys = func() (m *[256][256]bool) {
	m = new([256][256]bool)
	for _, as := range [][]string{titleAnchors, roleAnchors, orgAnchors} {
		for _, a := range as {
			m[a[0]][a[1]] = true
		}
	}
	return m
}()

// wordStarts indexes, once per document, where the words of the lower-case
// text that begin as an anchor does (same first two bytes) start, so that
// near visits only those words instead of scanning the text per anchor.
func (st *docState) wordStarts() map[[2]byte][]int32 {
	if st.anchorStarts != nil {
		return st.anchorStarts
	}
	st.anchorStarts = map[[2]byte][]int32{}
	l := st.lower
	for i := 0; i+1 < len(l); i++ {
		if isWordByte(l[i]) && (i == 0 || !isWordByte(l[i-1])) {
			if anchorKeys[l[i]][l[i+1]] {
				k := [2]byte{l[i], l[i+1]}
				st.anchorStarts[k] = append(st.anchorStarts[k], int32(i))
			}
		}
	}
	return st.anchorStarts
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// partOfLonger reports whether name is the tail of a longer name of the
// same type ("Wyre NHS Foundation Trust" of "Harrowfield and Wyre NHS
// Foundation Trust").
func partOfLonger(name, typ string, hits []entityHit) bool {
	for _, h := range hits {
		if h.typ == typ && len(h.name) > len(name) && strings.HasSuffix(h.name, " "+name) {
			return true
		}
	}
	return false
}

// entityHit is a name found in the text.
type entityHit struct {
	s, e int
	name string
	typ  string
}

// cleanEntity trims what a name match carries around the name: a leading
// article or conjunction, a possessive, line breaks.
func cleanEntity(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{"The ", "the ", "and ", "of ", "on ", "upon "} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "’s"), "'s")
	// A cut-off post-nominal ("Sparrow O" of "Sparrow OBE") or a lone
	// initial at the end is not part of the name.
	if i := strings.LastIndexByte(s, ' '); i > 0 && len(s)-i <= 2 {
		s = s[:i]
	}
	return s
}
