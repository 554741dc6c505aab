// Package evidence finds what no single finding shows: actions the
// regulator raises again and again (Recurring), what a provider says about
// its own ratings set beside the regulator's (Claims), and the names one
// provider is written under (Names).
//
// Recurring, Claims and Names work on findings already fetched from the
// index, each carrying its document's Title, DocType and Published (which
// the findings contract sets only on the document's own record): the
// caller copies them in (WithDoc). ProviderHits and SearchRecurring read
// the index, so that the web layer and the commands filter searches to
// recurring actions the same way. Nothing here speaks HTTP.
package evidence

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/cqcmine/cqcmine/extract"
)

// Occurrence is one place an action is raised.
type Occurrence struct {
	DocID      string `json:"doc_id"`
	Title      string `json:"title,omitempty"`
	DocType    string `json:"doc_type,omitempty"`
	Published  string `json:"published"`
	Page       int    `json:"page"`
	Kind       string `json:"kind"`
	Regulation string `json:"regulation,omitempty"`
	Text       string `json:"text"`
	// Start and End place the text on its page, to link to it.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Group is an action raised in documents of at least two different dates.
type Group struct {
	// Theme and Regulation are the ones most of the occurrences give
	// (Regulation without its paragraphs: "Regulation 18"); empty when
	// none does.
	Theme      string `json:"theme"`
	Regulation string `json:"regulation"`
	// Occurrences are oldest first; undated ones last.
	Occurrences []Occurrence `json:"occurrences"`
	// Dates is the number of different publication dates among them.
	Dates int `json:"dates"`
	// First and Latest are the first and the latest of those dates.
	First  string `json:"first"`
	Latest string `json:"latest"`
	// StillRaised is true when the newest dated document that raises any
	// action raises this one too.
	StillRaised bool `json:"still_raised"`
}

// Similarity thresholds: two actions are one when they share a topic (a
// regulation or a theme) and at least minShared content words making up
// minTopicOverlap of the shorter one, or, without a shared topic,
// minBareShared words making up minBareOverlap.
const (
	minShared       = 3
	minTopicOverlap = 0.4
	minBareShared   = 5
	minBareOverlap  = 0.6
)

// Recurring groups a provider's must-do and should-do actions (other
// kinds are ignored) that recur across documents of different dates: the
// same regulation or theme and similar wording. Groups that are still
// raised come first, then those raised on the most dates, in the most
// places, then the most recent.
func Recurring(findings []extract.Finding) []Group {
	type item struct {
		f     *extract.Finding
		words map[string]bool
		reg   string
	}
	var items []item
	latest := ""
	for i := range findings {
		f := &findings[i]
		if f.Kind != extract.KindMustDo && f.Kind != extract.KindShouldDo {
			continue
		}
		items = append(items, item{f: f, words: contentWords(f.Text), reg: baseRegulation(f.Regulation)})
		if f.Published > latest {
			latest = f.Published
		}
	}
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Link alike actions of different documents, the most alike first.
	// A group keeps to one regulation: a sentence that names two matters
	// ("staff ... and medicines ...") joins the group of the one it is
	// closest to, and does not chain two groups together.
	type edge struct {
		i, j int
		sim  float64
	}
	var edges []edge
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			a, b := &items[i], &items[j]
			if a.f.DocID == b.f.DocID {
				continue
			}
			topic := a.reg != "" && a.reg == b.reg || sharesTheme(a.f.Themes, b.f.Themes)
			if sim, ok := similar(a.words, b.words, topic); ok {
				edges = append(edges, edge{i, j, sim})
			}
		}
	}
	slices.SortStableFunc(edges, func(a, b edge) int { return cmp.Compare(b.sim, a.sim) })
	reg := make([]string, len(items))
	for i := range items {
		reg[i] = items[i].reg
	}
	for _, e := range edges {
		ri, rj := find(e.i), find(e.j)
		if ri == rj || reg[ri] != "" && reg[rj] != "" && reg[ri] != reg[rj] {
			continue
		}
		parent[ri] = rj
		if reg[rj] == "" {
			reg[rj] = reg[ri]
		}
	}
	members := map[int][]int{}
	var roots []int
	for i := range items {
		r := find(i)
		if members[r] == nil {
			roots = append(roots, r)
		}
		members[r] = append(members[r], i)
	}
	var groups []Group
	for _, r := range roots {
		dates := map[string]bool{}
		themes, regs := map[string]int{}, map[string]int{}
		var g Group
		for _, i := range members[r] {
			it := items[i]
			f := it.f
			if f.Published != "" {
				dates[f.Published] = true
			}
			for _, t := range f.Themes {
				themes[t]++
			}
			if it.reg != "" {
				regs[it.reg]++
			}
			g.Occurrences = append(g.Occurrences, Occurrence{DocID: f.DocID, Title: f.Title, DocType: f.DocType,
				Published: f.Published, Page: f.Page, Kind: string(f.Kind), Regulation: f.Regulation,
				Text: f.Text, Start: f.Start, End: f.End})
		}
		if len(dates) < 2 {
			continue
		}
		g.Dates = len(dates)
		g.Theme, g.Regulation = mostCommon(themes), mostCommon(regs)
		slices.SortFunc(g.Occurrences, func(a, b Occurrence) int {
			if (a.Published == "") != (b.Published == "") {
				if a.Published == "" {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(a.Published, b.Published), cmp.Compare(a.DocID, b.DocID),
				cmp.Compare(a.Page, b.Page), cmp.Compare(a.Start, b.Start))
		})
		for d := range dates {
			if g.First == "" || d < g.First {
				g.First = d
			}
			if d > g.Latest {
				g.Latest = d
			}
		}
		g.StillRaised = g.Latest == latest
		groups = append(groups, g)
	}
	slices.SortStableFunc(groups, func(a, b Group) int {
		if a.StillRaised != b.StillRaised {
			if a.StillRaised {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Dates, a.Dates), cmp.Compare(len(b.Occurrences), len(a.Occurrences)), cmp.Compare(b.Latest, a.Latest),
			cmp.Compare(a.Occurrences[0].Text, b.Occurrences[0].Text))
	})
	return groups
}

// similar says whether two actions' content words are alike enough, and
// how alike: the share of the shorter one's words the other has.
func similar(a, b map[string]bool, topic bool) (float64, bool) {
	shared := 0
	for w := range a {
		if b[w] {
			shared++
		}
	}
	n := min(len(a), len(b))
	if n == 0 {
		return 0, false
	}
	overlap := float64(shared) / float64(n)
	if topic {
		return overlap, shared >= minShared && overlap >= minTopicOverlap
	}
	return overlap, shared >= minBareShared && overlap >= minBareOverlap
}

func sharesTheme(a, b []string) bool {
	for _, t := range a {
		if slices.Contains(b, t) {
			return true
		}
	}
	return false
}

// mostCommon is the key with the highest count, the first in order on a
// tie; empty for an empty map.
func mostCommon(counts map[string]int) string {
	best := ""
	for k, n := range counts {
		if best == "" || n > counts[best] || n == counts[best] && k < best {
			best = k
		}
	}
	return best
}

var reRegulation = regexp.MustCompile(`(?i)\bregulation\s+(\d+[A-Z]?)`)

// baseRegulation is the first regulation a citation names, without its
// paragraphs: "Regulation 12(2)(b), Regulation 13" -> "Regulation 12".
func baseRegulation(s string) string {
	m := reRegulation.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return "Regulation " + strings.ToUpper(m[1])
}

// stopWords carry no topic: function words and the words every action
// shares ("the trust must ensure that ...").
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or of to in on at for from by with into onto is are was were be been being
		it its this that these those there their they them we our you your he she his her as all any each every
		not no than then so such can could will would shall should must may might has have had do does did done
		make makes made sure ensure ensures ensured trust provider service services registered manager staff's
		including include includes also other more most some which who whom what when where while how
		after before during within between about against per up out over under only own same well
		action actions take taken put right told told need needs required require requires`) {
		stopWords[w] = true
	}
}

// contentWords are the words of s that carry its topic, lower-cased and
// with a plural "s" taken off.
func contentWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		if len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		out[w] = true
	}
	return out
}
