package index

import (
	"slices"
	"testing"
)

// TestFiltersTable checks the one table of filters against the facets:
// each filter but doc_id is counted as a facet of the same name, each
// facet but year is a filter, and each filter fills its own Query field.
func TestFiltersTable(t *testing.T) {
	seen := map[*[]string]string{}
	var q Query
	for _, f := range Filters {
		if f.Name != "doc_id" && !slices.Contains(FacetFields, f.Name) {
			t.Errorf("filter %s has no facet", f.Name)
		}
		if f.Label == "" || f.Help == "" {
			t.Errorf("filter %s lacks a label or help", f.Name)
		}
		p := f.Values(&q)
		if other, dup := seen[p]; dup {
			t.Errorf("filters %s and %s fill the same Query field", f.Name, other)
		}
		seen[p] = f.Name
		if FilterByName(f.Name) == nil {
			t.Errorf("FilterByName(%q) = nil", f.Name)
		}
	}
	for _, name := range FacetFields {
		if name != "year" && FilterByName(name) == nil {
			t.Errorf("facet %s has no filter", name)
		}
	}
	// A value set through the table is what the search applies.
	*FilterByName("kind").Values(&q) = []string{"rumour"}
	if err := q.Validate(); err == nil {
		t.Error("an unknown kind set through the filter table passed Validate")
	}
}
