package pdf

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// pagedPDF is a PDF of n pages, each naming its number.
func pagedPDF(n int) []byte {
	pages := make([]string, n)
	for i := range pages {
		pages[i] = textPage(fmt.Sprintf("Northvale inspection notes, sheet %d of the evidence bundle", i+1))
	}
	return buildPDF("%PDF-1.4\n", "Northvale evidence", pages...)
}

// TestPageLimitCut checks that a document longer than the page limit is
// cut with a Cut that names the limit and the page counts, never
// silently.
func TestPageLimitCut(t *testing.T) {
	five := pagedPDF(5)
	for _, tc := range []struct {
		name  string
		data  []byte
		max   int
		pages int
		cut   string // Cut.String(); "" for none
	}{
		{"over the limit", five, 3, 3, "first 3 of 5 pages (page limit)"},
		{"one over", five, 4, 4, "first 4 of 5 pages (page limit)"},
		{"at the limit", five, 5, 5, ""},
		{"under the limit", five, 10, 5, ""},
		{"no limit", five, 0, 5, ""},
		{"page count that lies low", bytes.Replace(five, []byte("/Count 5"), []byte("/Count 2"), 1), 3, 3, "first 3 of more than 3 pages (page limit)"},
		{"page tree lost", bytes.Replace(five, []byte("/Pages 2 0 R"), []byte("/Pagez 2 0 R"), 1), 2, 2, "first 2 of more than 2 pages (page limit)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Extractor{}.Extract(context.Background(), tc.data, extract.Limits{MaxPages: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Pages) != tc.pages {
				t.Errorf("%d pages, want %d", len(c.Pages), tc.pages)
			}
			got := ""
			if c.Cut != nil {
				got = c.Cut.String()
			}
			if got != tc.cut {
				t.Errorf("Cut = %q, want %q", got, tc.cut)
			}
		})
	}
}

// TestPageLimitDefault runs the default limit on a document twice as
// long: the first 5000 pages, and a Cut saying so.
func TestPageLimitDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 5000 pages")
	}
	n := 2 * extract.DefaultLimits.MaxPages
	c, err := Extractor{}.Extract(context.Background(), pagedPDF(n), extract.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("first %d of %d pages (page limit)", n/2, n)
	if len(c.Pages) != n/2 || c.Cut == nil || c.Cut.String() != want {
		t.Fatalf("%d pages, cut %v; want %d pages, %q", len(c.Pages), c.Cut, n/2, want)
	}
}
