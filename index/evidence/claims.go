package evidence

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Verdicts of a claim.
const (
	Agrees     = "agrees"
	Conflicts  = "conflicts"
	Unverified = "unverified"
)

// ProviderDocTypes are the document types in which a provider speaks for
// itself; RegulatorDocTypes those the regulator writes.
var (
	ProviderDocTypes  = []string{"press statement", "quality account", "board paper"}
	RegulatorDocTypes = []string{"inspection report", "warning notice", "requirement notice", "undertakings"}
)

// Claim is a rating a provider states about itself, set beside the
// regulator's rating of the same subject and key question that was
// published last on or before the claim.
type Claim struct {
	Claim extract.Finding `json:"claim"`
	// Finding is the regulator's rating; nil when none is found.
	Finding *extract.Finding `json:"finding"`
	Verdict string           `json:"verdict"`
	// Reason says in words why the verdict is what it is.
	Reason string `json:"reason"`
}

// Claims sets every rating in the provider's own documents (press
// statements, quality accounts, board papers) beside the regulator's
// rating of the same subject and key question in the latest regulator's
// document published on or before the claim (any, when the claim is
// undated). A claim agrees when the ratings are the same (and so are the
// previous ratings, where both give one), conflicts when they differ, and
// is unverified when the regulator's documents do not rate that subject
// and key question by then. Conflicts come first, then agreements, then
// the unverified; within each, newest claim first.
func Claims(ratings []extract.Finding) []Claim {
	var claims, cqc []*extract.Finding
	for i := range ratings {
		f := &ratings[i]
		if f.Kind != extract.KindRating {
			continue
		}
		switch {
		case slices.Contains(ProviderDocTypes, f.DocType):
			claims = append(claims, f)
		case slices.Contains(RegulatorDocTypes, f.DocType):
			cqc = append(cqc, f)
		}
	}
	var out []Claim
	seen := map[string]bool{}
	for _, c := range claims {
		key := c.DocID + "\x00" + c.Subject + "\x00" + c.Domain + "\x00" + c.Rating + "\x00" + c.Previous
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, judge(c, cqc))
	}
	rank := map[string]int{Conflicts: 0, Agrees: 1, Unverified: 2}
	slices.SortStableFunc(out, func(a, b Claim) int {
		return cmp.Or(cmp.Compare(rank[a.Verdict], rank[b.Verdict]),
			cmp.Compare(b.Claim.Published, a.Claim.Published),
			cmp.Compare(domainRank(a.Claim.Domain), domainRank(b.Claim.Domain)))
	})
	return out
}

// judge finds the regulator's rating for claim c and gives the verdict.
func judge(c *extract.Finding, cqc []*extract.Finding) Claim {
	var best []*extract.Finding
	bestDate, bestTier := "", 0
	for _, f := range cqc {
		if f.Domain != c.Domain || c.Published != "" && f.Published != "" && f.Published > c.Published {
			continue
		}
		tier := subjectMatch(c.Subject, f.Subject)
		if tier == 0 {
			continue
		}
		switch {
		case best == nil || f.Published > bestDate || f.Published == bestDate && tier > bestTier:
			best, bestDate, bestTier = []*extract.Finding{f}, f.Published, tier
		case f.Published == bestDate && tier == bestTier:
			best = append(best, f)
		}
	}
	out := Claim{Claim: *c, Verdict: Unverified,
		Reason: "The regulator's documents give no " + c.Domain + " rating of " + c.Subject + " by then."}
	if best == nil {
		return out
	}
	// Where the regulator's documents of that date rate it more than once
	// (a grid and a sentence), any rating that matches the claim settles
	// it.
	pick := best[0]
	for _, f := range best {
		if f.Rating == c.Rating && !previousDiffers(c, f) {
			pick = f
			break
		}
	}
	f := *pick
	out.Finding = &f
	when := ""
	if f.Published != "" {
		when = " published " + f.Published
	}
	switch {
	case f.Rating != c.Rating:
		out.Verdict = Conflicts
		out.Reason = "The claim says " + c.Rating + "; the regulator rated " + c.Domain + " " + f.Rating + when + "."
	case previousDiffers(c, &f):
		out.Verdict = Conflicts
		out.Reason = "The claim says it was " + c.Previous + " before; the regulator gives " + f.Previous + when + "."
	default:
		out.Verdict = Agrees
		out.Reason = "The regulator rated " + c.Domain + " " + f.Rating + when + "."
	}
	return out
}

func previousDiffers(c, f *extract.Finding) bool {
	return c.Previous != "" && f.Previous != "" && c.Previous != f.Previous
}

var (
	reParen    = regexp.MustCompile(`\s*\(([^()]*)\)\s*$`)
	reAtPlace  = regexp.MustCompile(`(?i)\s+at\s+(.+)$`)
	reSpaces   = regexp.MustCompile(`\s+`)
	wholeNames = map[string]bool{"trust": true, "trust overall": true, "provider": true, "overall": true, "the trust": true}
)

// subjectParts splits a subject into the service and the location:
// "Maternity (Harrowfield General Hospital)" and "Maternity at
// Harrowfield General Hospital" both give "maternity", "harrowfield
// general hospital".
func subjectParts(s string) (service, location string) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := reParen.FindStringSubmatchIndex(s); m != nil && !strings.HasPrefix(s[m[2]:m[3]], "including") {
		location = s[m[2]:m[3]]
		s = s[:m[0]]
	} else if m := reAtPlace.FindStringSubmatchIndex(s); m != nil {
		location = s[m[2]:m[3]]
		s = s[:m[0]]
	}
	s = reSpaces.ReplaceAllString(s, " ")
	if wholeNames[s] {
		s = "trust"
	}
	return s, strings.TrimSpace(location)
}

// subjectMatch is 2 when two subjects name the same service at the same
// location (or both without one), 1 when the same service where only one
// names a location, 0 otherwise.
func subjectMatch(a, b string) int {
	sa, la := subjectParts(a)
	sb, lb := subjectParts(b)
	if sa != sb || sa == "" {
		return 0
	}
	switch {
	case la == lb:
		return 2
	case la == "" || lb == "":
		return 1
	}
	return 0
}

func domainRank(d string) int {
	if i := slices.Index(extract.Domains, d); i >= 0 {
		return i
	}
	return len(extract.Domains)
}
