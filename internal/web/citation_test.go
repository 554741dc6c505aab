package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

func TestCitation(t *testing.T) {
	const base = "http://cqc.example"
	must := &extract.Finding{DocID: "abc", Kind: extract.KindMustDo, Page: 14, Start: 10, End: 40, Text: "The trust must ensure ..."}
	for _, tc := range []struct {
		name string
		hit  index.Hit
		text string
		url  string
	}{
		{"inspection report, dated and paged",
			index.Hit{DocID: "abc", Title: "Northvale NHS Foundation Trust Inspection report", DocType: "inspection report",
				Provider: "Northvale NHS Foundation Trust", Published: "2024-09-26", Page: 14, Finding: must},
			`Care Quality Commission, “Northvale NHS Foundation Trust Inspection report”, published 26 September 2024, p. 14`,
			base + "/doc/abc?end=40&kind=must-do&page=14&start=10#hit"},
		{"the provider's own statement, a month only, no pages",
			index.Hit{DocID: "def", Title: "Statement on our CQC report", DocType: "press statement",
				Provider: "Elmstead Care Home", Published: "2023-02", Finding: &extract.Finding{DocID: "def", Kind: extract.KindQuote, Start: 5, End: 9}},
			`Elmstead Care Home, “Statement on our CQC report”, published February 2023`,
			base + "/doc/def?end=9&kind=quote&start=5#hit"},
		{"unknown type, CQC in the title, a year",
			index.Hit{DocID: "ghi", Title: "Brackenford General Hospital – Care Quality Commission", Published: "2019", Page: 2},
			`Care Quality Commission, “Brackenford General Hospital – Care Quality Commission”, published 2019, p. 2`,
			base + "/doc/ghi?page=2"},
		{"no title, no date, no provider",
			index.Hit{DocID: "jkl", Path: "/data/reports/unnamed.pdf", Page: 3},
			`“unnamed.pdf”, undated, p. 3`,
			base + "/doc/jkl?page=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := citeHit(base, &tc.hit)
			if c.Text != tc.text {
				t.Errorf("text\n got %s\nwant %s", c.Text, tc.text)
			}
			if c.URL != tc.url {
				t.Errorf("url %s, want %s", c.URL, tc.url)
			}
		})
	}
}

func TestCitedJSON(t *testing.T) {
	f := &extract.Finding{Doc: "r.pdf", DocID: "abc", Kind: extract.KindRating, Text: "Safe: Good", Page: 2, Start: 1, End: 11,
		Subject: "Maternity", Domain: "safe", Rating: "good"}
	b, err := citedJSON(f, Citation{Title: "T", URL: "/doc/abc", Text: "“T”, undated"})
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(*f)
	if !strings.HasPrefix(string(b), string(plain[:len(plain)-1])+`,"citation":{`) {
		t.Errorf("cited JSON %s does not extend the contract's %s", b, plain)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["citation"].(map[string]any)["title"] != "T" {
		t.Errorf("cited JSON %s: %v", b, err)
	}
}
