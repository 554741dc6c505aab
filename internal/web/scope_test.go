package web_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// TestDefaultSearchFindsPageText searches for a phrase that is in a page's
// text and in no finding: the default search finds the page and says that
// no finding matched.
func TestDefaultSearchFindsPageText(t *testing.T) {
	srv, _ := testServer(t, web.Options{})
	q := url.QueryEscape(`"hourly observations"`)
	doc := page(t, srv, "/?q="+q)
	if got := total(t, doc); got != 1 {
		t.Fatalf("total %d, want 1 page", got)
	}
	if hs := hits(t, doc); len(hs) != 1 || !hasClass(hs[0], "hit-page") {
		t.Fatalf("hits %d, want the page", len(hs))
	}
	note := byID(t, doc, "no-finding")
	links := findAll(note, func(n *html.Node) bool { return n.Data == "a" })
	if len(links) != 1 || !strings.Contains(attr(links[0], "href"), "scope=pages") {
		t.Errorf("no-finding notice %q links to %v", text(note), links)
	}
	if ex := text(findAll(doc, func(n *html.Node) bool { return hasClass(n, "export-links") })[0]); !strings.Contains(ex, "1 matching page") {
		t.Errorf("export links say %q", ex)
	}

	// Findings only: nothing, and advice that fits.
	doc = page(t, srv, "/?scope=findings&q="+q)
	if n := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "export-csv" }); len(n) != 0 {
		t.Error("an empty search offers an export")
	}
	advice := text(byID(t, doc, "no-results"))
	for _, want := range []string{"Remove a filter", "page text as well"} {
		if !strings.Contains(advice, want) {
			t.Errorf("advice %q lacks %q", advice, want)
		}
	}
	// Without filters, no advice to remove one.
	doc = page(t, srv, "/?q=zzqxunmatched")
	if advice := text(byID(t, doc, "no-results")); strings.Contains(advice, "filter") || strings.Contains(advice, "page text as well") {
		t.Errorf("advice without filters: %q", advice)
	}
}

// TestSearchOrderAndSplit checks that the default search lists findings
// first, then pages, the same in the page, the API and the export.
func TestSearchOrderAndSplit(t *testing.T) {
	srv, _ := testServer(t, web.Options{ExportBatch: 2})
	var res index.Results
	r := get(t, srv, "/api/search?q=ligature&limit=100")
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	if res.FindingTotal == 0 || res.PageTotal == 0 || res.FindingTotal+res.PageTotal != res.Total {
		t.Fatalf("totals %d = %d findings + %d pages", res.Total, res.FindingTotal, res.PageTotal)
	}
	var kinds []string
	for i, h := range res.Hits {
		kinds = append(kinds, h.Kind)
		if (h.Kind == index.KindPage) != (uint64(i) >= res.FindingTotal) {
			t.Errorf("hit %d is a %s: findings come first, then pages", i, h.Kind)
		}
	}
	doc := page(t, srv, "/?q=ligature")
	var shown []string
	for _, h := range hits(t, doc) {
		if hasClass(h, "hit-page") {
			shown = append(shown, index.KindPage)
		} else {
			shown = append(shown, "finding")
		}
	}
	if !slices.IsSortedFunc(shown, func(a, b string) int { return strings.Compare(a, b) }) || len(shown) != len(kinds) {
		t.Errorf("page lists %v, want findings then pages as the API %v", shown, kinds)
	}
	if split := text(byID(t, doc, "split")); !strings.Contains(split, strconv.FormatUint(res.FindingTotal, 10)+" finding") {
		t.Errorf("split %q", split)
	}

	// The export of the default search: findings, then pages, in the
	// findings' columns.
	r = get(t, srv, "/export.csv?q=ligature")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) == 0 || !slices.Equal(rows[0], append(slices.Clone(extract.CSVColumns), "citation", "evidence_url")) {
		t.Fatalf("export header %v, %v", rows[:min(1, len(rows))], err)
	}
	kind, text := slices.Index(extract.CSVColumns, "kind"), slices.Index(extract.CSVColumns, "text")
	var got []string
	for _, row := range rows[1:] {
		got = append(got, row[kind])
		if row[kind] == index.KindPage && !strings.Contains(strings.ToLower(row[text]), "ligature") {
			t.Errorf("page row without the word: %q", row[text])
		}
	}
	if !slices.Equal(got, kinds) {
		t.Errorf("CSV kinds %v, want the API's %v", got, kinds)
	}

	// A page-text export has the page columns.
	r = get(t, srv, "/export.csv?scope=pages&q=ligature")
	rows, err = csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) == 0 || !slices.Equal(rows[0], append(slices.Clone(web.PageCSVColumns), "citation", "evidence_url")) {
		t.Fatalf("page export header %v, %v", rows[:min(1, len(rows))], err)
	}
	if n := strconv.Itoa(len(rows) - 1); n != r.hdr.Get(web.TotalHeader) || uint64(len(rows)-1) != res.PageTotal {
		t.Errorf("page export: %s rows, header total %s, pages %d", n, r.hdr.Get(web.TotalHeader), res.PageTotal)
	}
	for _, row := range rows[1:] {
		if row[2] != index.KindPage || row[3] == "" || !strings.Contains(strings.ToLower(row[4]), "ligature") {
			t.Errorf("page row %q", row)
		}
	}
	r = get(t, srv, "/export.jsonl?scope=pages&q=ligature")
	sc := bufio.NewScanner(strings.NewReader(r.body))
	lines := 0
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil || row["kind"] != index.KindPage || row["text"] == "" {
			t.Errorf("page line %s: %v", sc.Text(), err)
		}
		lines++
	}
	if uint64(lines) != res.PageTotal || r.code != http.StatusOK {
		t.Errorf("page JSON lines %d, want %d", lines, res.PageTotal)
	}
}
