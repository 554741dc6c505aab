package index

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

func TestFindingDirection(t *testing.T) {
	rating := func(r, prev, dir string) *extract.Finding {
		return &extract.Finding{Kind: extract.KindRating, Rating: r, Previous: prev, Direction: dir}
	}
	for _, tt := range []struct {
		f    *extract.Finding
		want string
	}{
		{rating("good", "inadequate", ""), DirectionImproved},
		{rating("good", "", extract.DirectionUp), DirectionImproved},
		{rating("outstanding", "", extract.DirectionUpTwo), DirectionImproved},
		{rating("requires improvement", "", extract.DirectionDown), DirectionDeclined},
		{rating("inadequate", "", extract.DirectionDownTwo), DirectionDeclined},
		{rating("good", "", extract.DirectionSame), DirectionSame},
		{rating("good", "", ""), ""},
		{rating("good", "", "sideways"), ""},
		// The previous rating, when known, decides.
		{rating("requires improvement", "good", extract.DirectionUp), DirectionDeclined},
		{&extract.Finding{Kind: extract.KindMustDo, Direction: extract.DirectionUp}, ""},
	} {
		if got := FindingDirection(tt.f); got != tt.want {
			t.Errorf("FindingDirection(%s, previous %q, arrow %q) = %q, want %q", tt.f.Rating, tt.f.Previous, tt.f.Direction, got, tt.want)
		}
	}
}

// TestGridDirection indexes a ratings grid whose arrows give the change
// since the last rating, and checks that the direction facet, the
// direction filter, the timeline and the stored findings all have it,
// whether the index is read from its column file or rebuilt from the
// summaries.
func TestGridDirection(t *testing.T) {
	const prov = "Northvale NHS Foundation Trust"
	d := newTestDoc("dddd", "reports/northvale-grid.pdf", extract.Page{Number: 1, Text: "Ratings for the whole trust\n" +
		"Safe: Good, up one rating, Mar 2024\nEffective: Inadequate, down two ratings, Mar 2024\n" +
		"Caring: Good, same rating, Mar 2024\nResponsive: Outstanding, up two ratings, Mar 2024\n" +
		"Well-led: Good, Mar 2024\nOverall: Requires improvement, previously Good\n"})
	d.record("Northvale NHS Foundation Trust inspection report", prov, "nhs-trust", "2024-05-02")
	for _, r := range []extract.Finding{
		{Text: "Safe: Good, up one rating", Domain: "safe", Rating: extract.RatingGood, Direction: extract.DirectionUp, Date: "2024-03"},
		{Text: "Effective: Inadequate, down two ratings", Domain: "effective", Rating: extract.RatingInadequate, Direction: extract.DirectionDownTwo, Date: "2024-03"},
		{Text: "Caring: Good, same rating", Domain: "caring", Rating: extract.RatingGood, Direction: extract.DirectionSame, Date: "2024-03"},
		{Text: "Responsive: Outstanding, up two ratings", Domain: "responsive", Rating: extract.RatingOutstanding, Direction: extract.DirectionUpTwo, Date: "2024-03"},
		{Text: "Well-led: Good, Mar 2024", Domain: "well-led", Rating: extract.RatingGood, Date: "2024-03"},
		{Text: "Overall: Requires improvement, previously Good", Domain: "overall", Rating: extract.RatingRequiresImp, Previous: extract.RatingGood, Direction: extract.DirectionUp},
	} {
		r.Kind, r.Subject, r.Provider = extract.KindRating, prov, prov
		d.find(t, 1, r)
	}
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := ix.Add(ctx, d.doc, d.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	check := func(t *testing.T) {
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		res := doSearch(t, ix, Query{Facets: true})
		got := map[string]int{}
		for _, f := range res.Facets {
			if f.Field == "direction" {
				for _, term := range f.Terms {
					got[term.Term] = term.Count
				}
			}
		}
		want := map[string]int{DirectionImproved: 2, DirectionDeclined: 2, DirectionSame: 1}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("direction facet %v, want %v", got, want)
		}
		for _, q := range []Query{{Direction: []string{DirectionImproved}}, {Text: "direction:improved"}} {
			res := doSearch(t, ix, q)
			var domains []string
			for _, h := range res.Hits {
				domains = append(domains, h.Finding.Domain)
			}
			if !reflect.DeepEqual(domains, []string{"safe", "responsive"}) && !reflect.DeepEqual(domains, []string{"responsive", "safe"}) {
				t.Errorf("%+v: domains %v, want safe and responsive", q, domains)
			}
		}
		points, err := ix.Timeline(ctx, prov, "")
		if err != nil {
			t.Fatal(err)
		}
		dirs := map[string]string{}
		for _, p := range points {
			dirs[p.Domain] = p.Direction
		}
		wantDirs := map[string]string{"safe": DirectionImproved, "effective": DirectionDeclined, "caring": DirectionSame,
			"responsive": DirectionImproved, "well-led": "", "overall": DirectionDeclined}
		if !reflect.DeepEqual(dirs, wantDirs) {
			t.Errorf("timeline directions %v, want %v", dirs, wantDirs)
		}
		info, err := ix.Document(ctx, "dddd")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(info.Findings, d.findings) {
			t.Errorf("stored findings\n%+v\nwant\n%+v", info.Findings, d.findings)
		}
	}
	t.Run("column file", check)
	if err := os.Remove(filepath.Join(dir, colsFile)); err != nil {
		t.Fatal(err)
	}
	t.Run("summaries", check)
}
