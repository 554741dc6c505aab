package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// TestGridArrow serves ratings a ratings grid gave with arrows and no
// previous rating: the search hit and the evidence view show the arrow
// and the date beside the rating, and the direction facet counts them.
func TestGridArrow(t *testing.T) {
	const prov = "Elmstead Care Home"
	dir := t.TempDir()
	fx := newFixture(dir, "elmstead-2024.pdf", extract.FormatPDF,
		extract.Page{Number: 1, Text: "Elmstead Care Home\nRatings\n\nSafe Good up one rating, April 2024\nCaring Requires improvement down one rating, April 2024\nEffective Good"})
	fx.record("Elmstead Care Home inspection report", prov, "inspection report", "2024-06-03")
	fx.find(t, 1, "Safe Good up one rating, April 2024", extract.Finding{Kind: extract.KindRating, Subject: prov,
		Domain: "safe", Rating: extract.RatingGood, Direction: extract.DirectionUp, Date: "2024-04", Provider: prov})
	fx.find(t, 1, "Caring Requires improvement down one rating, April 2024", extract.Finding{Kind: extract.KindRating, Subject: prov,
		Domain: "caring", Rating: extract.RatingRequiresImp, Direction: extract.DirectionDown, Date: "2024-04", Provider: prov})
	fx.find(t, 1, "Effective Good", extract.Finding{Kind: extract.KindRating, Subject: prov,
		Domain: "effective", Rating: extract.RatingGood, Provider: prov})
	ix, err := index.Open(filepath.Join(dir, "idx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	if err := ix.Add(ctx, fx.doc, fx.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(ix, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	doc := page(t, srv, "/?kind=rating")
	if got, want := facetCounts(t, doc, "direction"), map[string]int{"improved": 1, "declined": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("direction facet %v, want %v", got, want)
	}
	arrows := map[string]string{} // hit head -> its arrow
	for _, hit := range hits(t, doc) {
		head := byClass(hit, "hit-head")[0]
		var arrow string
		if a := byClass(head, "arrow"); len(a) == 1 {
			arrow = text(a[0])
		}
		arrows[strings.Join(strings.Fields(text(head)), " ")] = arrow
	}
	want := map[string]string{
		"Rating good ↑ up Elmstead Care Home Key question: safe Rated 2024-04":                     "↑ up",
		"Rating requires improvement ↓ down Elmstead Care Home Key question: caring Rated 2024-04": "↓ down",
		"Rating good Elmstead Care Home Key question: effective":                                   "",
	}
	if fmt.Sprint(arrows) != fmt.Sprint(want) {
		t.Errorf("hit heads and arrows:\n%q\nwant\n%q", arrows, want)
	}

	ev := page(t, srv, fmt.Sprintf("/doc/%s?page=1&f=1", fx.doc.ID))
	cur := byID(t, ev, "current-finding")
	if a := byClass(cur, "arrow"); len(a) != 1 || text(a[0]) != "↑ up" || !strings.Contains(text(cur), "rated 2024-04") {
		t.Errorf("evidence view of the safe rating: %q", strings.Join(strings.Fields(text(cur)), " "))
	}
	if n := len(byClass(byID(t, ev, "findings"), "arrow")); n != 2 {
		t.Errorf("%d arrows in the findings list, want 2", n)
	}
}
