package tag

import (
	"regexp"
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
	type hit struct {
		s, e int
		name string
		typ  string
	}
	var hits []hit
	add := func(s, e int, name, typ string) {
		name = cleanEntity(name)
		key := typ + "\x00" + strings.ToLower(name)
		if len(strings.Fields(name)) < 2 || seen[key] {
			return
		}
		seen[key] = true
		hits = append(hits, hit{s, e, name, typ})
	}
	text := st.text
	for _, m := range reTitledPerson.FindAllStringIndex(text, -1) {
		add(m[0], m[1], text[m[0]:m[1]], "person")
	}
	for _, m := range rePersonRole.FindAllStringSubmatchIndex(text, -1) {
		add(m[2], m[3], text[m[2]:m[3]], "person")
	}
	for _, f := range st.found {
		if f.Kind == extract.KindQuote && f.SpeakerName != "" {
			if i := strings.Index(text, f.SpeakerName); i >= 0 {
				add(i, i+len(f.SpeakerName), f.SpeakerName, "person")
			}
		}
	}
	for _, m := range reOrganisation.FindAllStringIndex(text, -1) {
		add(m[0], m[1], text[m[0]:m[1]], "organisation")
	}
	for _, h := range hits {
		st.add(extract.Finding{Kind: extract.KindEntity, Text: h.name, EntityType: h.typ}, h.s, h.e)
	}
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
