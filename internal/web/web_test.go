package web_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	cqcorpus "github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// The fictional providers of the test corpus.
const (
	trust     = "Marshwick Valley NHS Foundation Trust"
	community = "Fenbridge Community Health Services"
)

// fixture is one test document: its file bytes, pages and findings.
type fixture struct {
	doc      *extract.Document
	findings []extract.Finding
	data     []byte
}

// find adds a finding whose evidence is the first occurrence of evidence
// on the page (0 for an unpaged document).
func (fx *fixture) find(t testing.TB, page int, evidence string, f extract.Finding) {
	t.Helper()
	var text string
	for _, p := range fx.doc.Pages {
		if p.Number == page {
			text = p.Text
		}
	}
	i := strings.Index(text, evidence)
	if i < 0 {
		t.Fatalf("fixture %s: %q not on page %d", fx.doc.Path, evidence, page)
	}
	f.Doc, f.DocID, f.Page, f.Start, f.End, f.Text = fx.doc.Path, fx.doc.ID, page, i, i+len(evidence), evidence
	fx.findings = append(fx.findings, f)
}

func newFixture(dir, name string, format extract.Format, pages ...extract.Page) *fixture {
	var b strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&b, "%s\f", p.Text)
	}
	data := []byte(b.String())
	if format == extract.FormatPDF {
		data = append([]byte("%PDF-1.4\n% fixture of "+name+"\n"), data...)
	}
	sum := sha256.Sum256(data)
	return &fixture{
		doc: &extract.Document{Path: filepath.Join(dir, name), ID: hex.EncodeToString(sum[:]), Format: format,
			Size: int64(len(data)), Content: extract.Content{Pages: pages}},
		data: data,
	}
}

func (fx *fixture) record(title, provider, docType, published string) {
	fx.doc.Title = title
	pages := 0
	if fx.doc.Paged() {
		pages = len(fx.doc.Pages)
	}
	fx.findings = append([]extract.Finding{{Doc: fx.doc.Path, DocID: fx.doc.ID, Kind: extract.KindDocument,
		Text: title, Title: title, Provider: provider, DocType: docType, Published: published, Pages: pages,
		InspectedFrom: "2019-01-08", InspectedTo: "2019-01-10"}}, fx.findings...)
}

// corpus writes three documents' files into dir and returns them.
func corpus(t testing.TB, dir string) []*fixture {
	t.Helper()
	a := newFixture(dir, "marshwick-2019.pdf", extract.FormatPDF,
		extract.Page{Number: 1, Text: "Marshwick Valley NHS Foundation Trust\nInspection report\n\nOverall rating for this trust: Requires improvement.\nAre services safe? Requires improvement. Are services well-led? Inadequate."},
		extract.Page{Number: 2, Text: "Areas for improvement\n\nThe trust must ensure that ligature risks on acute wards are assessed and mitigated.\nThe trust must ensure there are enough qualified nursing staff on every shift.\nThe trust should review how it records seclusion."},
		extract.Page{Number: 3, Text: "What people told us\n\nOne patient said <script>alert('x')</script> staff were kind but always rushed.\nThe trust will complete its ligature audit by March.\nNurses completed hourly observations."},
	)
	a.record("Marshwick Valley NHS Foundation Trust inspection report", trust, "inspection report", "2019-05-14")
	a.find(t, 1, "Overall rating for this trust: Requires improvement", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "overall", Rating: extract.RatingRequiresImp, Previous: extract.RatingGood, Provider: trust})
	a.find(t, 1, "Are services safe? Requires improvement", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "safe", Rating: extract.RatingRequiresImp, Provider: trust})
	a.find(t, 1, "Are services well-led? Inadequate", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "well-led", Rating: extract.RatingInadequate, Provider: trust})
	a.find(t, 2, "The trust must ensure that ligature risks on acute wards are assessed and mitigated.", extract.Finding{
		Kind: extract.KindMustDo, Regulation: "Regulation 12", Subject: "acute wards", Provider: trust, Themes: []string{"ligature risks"}})
	a.find(t, 2, "The trust must ensure there are enough qualified nursing staff on every shift.", extract.Finding{
		Kind: extract.KindMustDo, Regulation: "Regulation 18", Subject: "acute wards", Provider: trust, Themes: []string{"staffing"}})
	a.find(t, 2, "The trust should review how it records seclusion.", extract.Finding{
		Kind: extract.KindShouldDo, Provider: trust, Themes: []string{"restrictive practice"}})
	a.find(t, 3, "<script>alert('x')</script> staff were kind but always rushed.", extract.Finding{
		Kind: extract.KindQuote, Speaker: extract.SpeakerPatient, Provider: trust})
	a.find(t, 3, "The trust will complete its ligature audit by March.", extract.Finding{
		Kind: extract.KindUndertaking, Provider: trust, Themes: []string{"ligature risks"}})

	b := newFixture(dir, "marshwick-2021.pdf", extract.FormatPDF,
		extract.Page{Number: 1, Text: "Marshwick Valley NHS Foundation Trust\nInspection report\n\nOverall rating for this trust: Good.\nAre services safe? Good. Are services well-led? Requires improvement."},
		extract.Page{Number: 2, Text: "The trust must ensure staffing levels on night shifts meet the assessed need.\n\n\"We have made real progress on ligature risks,\" the chief executive said."},
	)
	b.record("Marshwick Valley NHS Foundation Trust inspection report 2021", trust, "inspection report", "2021-08-02")
	b.find(t, 1, "Overall rating for this trust: Good", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "overall", Rating: extract.RatingGood, Previous: extract.RatingRequiresImp, Provider: trust})
	b.find(t, 1, "Are services safe? Good", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "safe", Rating: extract.RatingGood, Previous: extract.RatingRequiresImp, Provider: trust})
	b.find(t, 1, "Are services well-led? Requires improvement", extract.Finding{Kind: extract.KindRating,
		Subject: "trust overall", Domain: "well-led", Rating: extract.RatingRequiresImp, Previous: extract.RatingInadequate, Provider: trust})
	b.find(t, 2, "The trust must ensure staffing levels on night shifts meet the assessed need.", extract.Finding{
		Kind: extract.KindMustDo, Regulation: "Regulation 18", Provider: trust, Themes: []string{"staffing"}})
	b.find(t, 2, "We have made real progress on ligature risks,", extract.Finding{
		Kind: extract.KindQuote, Speaker: extract.SpeakerTrust, SpeakerName: "chief executive", Provider: trust})

	c := newFixture(dir, "fenbridge-warning.html", extract.FormatHTML,
		extract.Page{Number: 0, Text: "Warning notice\n\nFenbridge Community Health Services must make improvements to medicines management within 28 days."},
	)
	c.record("Fenbridge warning notice", community, "warning notice", "2020-02")
	c.find(t, 0, "Fenbridge Community Health Services must make improvements to medicines management within 28 days.", extract.Finding{
		Kind: extract.KindMustDo, Regulation: "Regulation 12", Provider: community, Themes: []string{"medicines"}})

	fxs := []*fixture{a, b, c}
	for _, fx := range fxs {
		if err := os.WriteFile(fx.doc.Path, fx.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return fxs
}

// buildIndex indexes the corpus in a temporary directory.
func buildIndex(tb testing.TB) (*index.Index, []*fixture) {
	tb.Helper()
	dir := tb.TempDir()
	fxs := corpus(tb, dir)
	ix, err := index.Open(filepath.Join(dir, "idx"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	for _, fx := range fxs {
		if err := ix.Add(ctx, fx.doc, fx.findings); err != nil {
			tb.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		tb.Fatal(err)
	}
	return ix, fxs
}

// testServer indexes the corpus and serves it.
func testServer(tb testing.TB, opt web.Options) (*httptest.Server, []*fixture) {
	tb.Helper()
	ix, fxs := buildIndex(tb)
	h, err := web.New(ix, opt)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv, fxs
}

// count returns the fixture findings (records excluded) that keep says to.
func count(fxs []*fixture, keep func(f *extract.Finding) bool) int {
	n := 0
	for _, fx := range fxs {
		for i := range fx.findings {
			if keep(&fx.findings[i]) {
				n++
			}
		}
	}
	return n
}

type response struct {
	code int
	hdr  http.Header
	body string
}

func get(t *testing.T, srv *httptest.Server, path string) response {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// page gets path, wants status 200 and HTML, and parses it.
func page(t *testing.T, srv *httptest.Server, path string) *html.Node {
	t.Helper()
	r := get(t, srv, path)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, r.code, r.body)
	}
	if ct := r.hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	doc, err := html.Parse(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return doc
}

// HTML helpers: find nodes, read attributes and text.

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(t *testing.T, n *html.Node, id string) *html.Node {
	t.Helper()
	found := findAll(n, func(n *html.Node) bool { return attr(n, "id") == id })
	if len(found) != 1 {
		t.Fatalf("%d elements with id %q", len(found), id)
	}
	return found[0]
}

func byClass(n *html.Node, class string) []*html.Node {
	return findAll(n, func(n *html.Node) bool { return hasClass(n, class) })
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// facetCounts reads a facet's terms and counts from the sidebar.
func facetCounts(t *testing.T, doc *html.Node, param string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, a := range byClass(byID(t, doc, "facet-"+param), "facet-term") {
		n := -1
		if c := byClass(a, "count"); len(c) == 1 {
			var err error
			if n, err = strconv.Atoi(text(c[0])); err != nil {
				t.Fatalf("facet %s: count %q", param, text(c[0]))
			}
		}
		out[attr(a, "data-value")] = n
	}
	return out
}

func facetLink(t *testing.T, doc *html.Node, param, value string) string {
	t.Helper()
	for _, a := range byClass(byID(t, doc, "facet-"+param), "facet-term") {
		if attr(a, "data-value") == value {
			return attr(a, "href")
		}
	}
	t.Fatalf("facet %s has no value %q", param, value)
	return ""
}

func total(t *testing.T, doc *html.Node) int {
	t.Helper()
	found := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "total" })
	if len(found) == 0 {
		return 0
	}
	n, err := strconv.Atoi(text(found[0]))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func hits(t *testing.T, doc *html.Node) []*html.Node {
	t.Helper()
	return byClass(byID(t, doc, "results"), "hit")
}

func TestSearchFacetCounts(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	doc := page(t, srv, "/")
	all := count(fxs, func(*extract.Finding) bool { return true })
	if got := total(t, doc); got != all {
		t.Errorf("match-all total %d, want %d findings", got, all)
	}
	kinds := facetCounts(t, doc, "kind")
	for _, k := range extract.Kinds {
		want := count(fxs, func(f *extract.Finding) bool { return f.Kind == k })
		if kinds[string(k)] != want {
			t.Errorf("kind facet %s = %d, want %d", k, kinds[string(k)], want)
		}
	}
	providers := facetCounts(t, doc, "provider")
	if want := count(fxs, func(f *extract.Finding) bool { return f.Provider == community }); providers[community] != want {
		t.Errorf("provider facet %s = %d, want %d", community, providers[community], want)
	}
	years := facetCounts(t, doc, "year")
	if want := count(fxs, func(f *extract.Finding) bool { return f.DocID == fxs[1].doc.ID }); years["2021"] != want {
		t.Errorf("year facet 2021 = %d, want %d", years["2021"], want)
	}
	for _, id := range []string{"search-form", "q", "facets", "results"} {
		byID(t, doc, id)
	}
	if n := len(findAll(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/help" })); n == 0 {
		t.Error("no link to /help")
	}
}

func TestSearchText(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	doc := page(t, srv, "/?q=ligature&scope=findings")
	want := count(fxs, func(f *extract.Finding) bool {
		return f.Kind != extract.KindDocument && strings.Contains(strings.ToLower(f.Text), "ligature")
	})
	if got := total(t, doc); got != want || want == 0 {
		t.Fatalf("q=ligature: total %d, want %d", got, want)
	}
	hs := hits(t, doc)
	if len(hs) != want {
		t.Fatalf("%d hits shown, want %d", len(hs), want)
	}
	for _, h := range hs {
		marks := findAll(h, func(n *html.Node) bool { return n.Data == "mark" })
		if len(marks) == 0 || !strings.EqualFold(text(marks[0]), "ligature") {
			t.Errorf("hit %q: marks %d, want <mark>ligature</mark>", text(h), len(marks))
		}
		if len(byClass(h, "kind")) != 1 || len(byClass(h, "hit-link")) != 1 {
			t.Errorf("hit %q lacks its kind badge or document link", text(h))
		}
	}
	if v := attr(byID(t, doc, "q"), "value"); v != "ligature" {
		t.Errorf("query box holds %q", v)
	}
}

// pagesWith counts the pages of the fixtures whose text has word, as the
// index analyses it.
func pagesWith(fxs []*fixture, word string) int {
	stem := index.TextTerms(word)[0].Term
	n := 0
	for _, fx := range fxs {
		for _, p := range fx.doc.Pages {
			for _, t := range index.TextTerms(p.Text) {
				if t.Term == stem {
					n++
					break
				}
			}
		}
	}
	return n
}

func TestFilterAndChips(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	start := page(t, srv, "/?q=trust")
	before := total(t, start)

	// Choosing a facet value narrows the results.
	u := facetLink(t, start, "kind", "must-do")
	doc := page(t, srv, u)
	want := count(fxs, func(f *extract.Finding) bool {
		return f.Kind == extract.KindMustDo && strings.Contains(strings.ToLower(f.Text), "trust")
	})
	if got := total(t, doc); got != want || got >= before {
		t.Fatalf("kind=must-do: total %d, want %d (< %d)", got, want, before)
	}
	for _, h := range hits(t, doc) {
		if k := text(byClass(h, "kind")[0]); k != "Must do" {
			t.Errorf("filtered hit of kind %q", k)
		}
	}
	// Multi-select: the facet still offers other kinds, adding one widens.
	u2 := facetLink(t, doc, "kind", "undertaking")
	doc2 := page(t, srv, u2)
	want2 := want + count(fxs, func(f *extract.Finding) bool {
		return f.Kind == extract.KindUndertaking && strings.Contains(strings.ToLower(f.Text), "trust")
	})
	if got := total(t, doc2); got != want2 {
		t.Errorf("kind=must-do&kind=undertaking: total %d, want %d", got, want2)
	}
	// A chip per filter; removing the must-do chip leaves undertakings.
	chips := byClass(byID(t, doc2, "chips"), "chip")
	if len(chips) != 2 {
		t.Fatalf("%d chips, want 2", len(chips))
	}
	var remove string
	for _, c := range chips {
		if strings.Contains(text(c), "Must do") {
			remove = attr(byClass(c, "chip-remove")[0], "href")
		}
	}
	doc3 := page(t, srv, remove)
	if got, want := total(t, doc3), want2-want; got != want {
		t.Errorf("after removing the must-do chip: total %d, want %d", got, want)
	}
	// Clearing all filters keeps the text.
	doc4 := page(t, srv, attr(byID(t, doc2, "clear-filters"), "href"))
	if got := total(t, doc4); got != before {
		t.Errorf("after clearing filters: total %d, want %d", got, before)
	}
	// The year facet sets a range.
	doc5 := page(t, srv, facetLink(t, start, "year", "2021"))
	if got, want := total(t, doc5), count(fxs, func(f *extract.Finding) bool {
		return f.DocID == fxs[1].doc.ID && strings.Contains(strings.ToLower(f.Text), "trust")
	})+pagesWith(fxs[1:2], "trust"); got != want {
		t.Errorf("year 2021: total %d, want %d", got, want)
	}
}

func TestPaginationAndSort(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	all := count(fxs, func(*extract.Finding) bool { return true })
	var seen []string
	for p := 1; ; p++ {
		doc := page(t, srv, "/?sort=date&n=4&page="+strconv.Itoa(p))
		for _, h := range hits(t, doc) {
			seen = append(seen, attr(byClass(h, "hit-link")[0], "href")+text(h))
		}
		pager := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "pager" })
		if len(pager) == 0 || len(findAll(pager[0], func(n *html.Node) bool { return attr(n, "rel") == "next" })) == 0 {
			break
		}
		if p > all {
			t.Fatal("the pager never ends")
		}
	}
	if len(seen) != all {
		t.Errorf("paging showed %d hits, want %d", len(seen), all)
	}
	slices.Sort(seen)
	if len(slices.Compact(seen)) != all {
		t.Error("a hit was shown on two pages")
	}
	// Newest first: the first hit is from 2021.
	doc := page(t, srv, "/?sort=date")
	if p := text(byClass(hits(t, doc)[0], "published")[0]); p != "2021-08-02" {
		t.Errorf("newest hit published %s", p)
	}
}

func TestEvidenceView(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	a := fxs[0]
	for k, f := range a.findings {
		if f.Kind == extract.KindDocument {
			continue
		}
		doc := page(t, srv, fmt.Sprintf("/doc/%s?page=%d&f=%d", a.doc.ID, f.Page, k))
		mark := byID(t, doc, "hit")
		if mark.Data != "mark" || text(mark) != f.Text {
			t.Errorf("finding %d: <%s id=hit> holds %q, want %q", k, mark.Data, text(mark), f.Text)
		}
		pt := byID(t, doc, "page-text")
		if attr(pt, "data-page") != strconv.Itoa(f.Page) || text(pt) != a.doc.Pages[f.Page-1].Text {
			t.Errorf("finding %d: page %s shown, want page %d whole", k, attr(pt, "data-page"), f.Page)
		}
		cur := byClass(byID(t, doc, "findings"), "current")
		if len(cur) != 1 {
			t.Errorf("finding %d: %d findings marked current", k, len(cur))
		}
		open := attr(byID(t, doc, "open-original"), "href")
		if want := fmt.Sprintf("/file/%s#page=%d", a.doc.ID, f.Page); open != want {
			t.Errorf("open original links to %q, want %q", open, want)
		}
	}

	// From a search hit to its evidence.
	doc := page(t, srv, "/?q=%22enough+qualified+nursing%22")
	link := attr(byClass(hits(t, doc)[0], "hit-link")[0], "href")
	ev := page(t, srv, link)
	if got := text(byID(t, ev, "hit")); got != "The trust must ensure there are enough qualified nursing staff on every shift." {
		t.Errorf("hit link %s marks %q", link, got)
	}
	if n := byID(t, ev, "page-number"); text(n) != "2" {
		t.Errorf("hit link %s shows page %s", link, text(n))
	}

	// Another page of the document: no mark, page navigation.
	doc = page(t, srv, "/doc/"+a.doc.ID+"?page=3")
	if found := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "hit" }); len(found) != 0 {
		t.Error("a page without a chosen finding has a mark")
	}
	if len(findAll(doc, func(n *html.Node) bool { return attr(n, "rel") == "prev" })) == 0 {
		t.Error("page 3 has no link to page 2")
	}

	// An unpaged document.
	c := fxs[2]
	doc = page(t, srv, fmt.Sprintf("/doc/%s?f=1", c.doc.ID))
	if got := text(byID(t, doc, "hit")); got != c.findings[1].Text {
		t.Errorf("unpaged document marks %q", got)
	}
}

func TestErrors(t *testing.T) {
	srv, fxs := testServer(t, web.Options{MaxQueryLen: 50})
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/no/such/page", 404, "no page at this address"},
		{"/doc/0123456789abcdef", 404, "no document with this id"},
		{"/doc/..%2f..%2fetc%2fpasswd", 404, "no document with this id"},
		{"/doc/" + fxs[0].doc.ID + "?page=9", 404, "has no page 9"},
		{"/doc/" + fxs[0].doc.ID + "?f=99", 400, "no finding 99"},
		{"/?from=last+year", 400, "whole number"},
		{"/?kind=gossip", 400, "unknown kind"},
		{"/?q=" + strings.Repeat("x", 51), 400, "too long"},
		{"/?n=100000", 400, "results per page"},
		{"/?q=%22unclosed", 400, ""},
		{"/provider/Nobody+Trust", 404, "no provider of this name"},
		{"/file/0123456789abcdef", 404, "no document with this id"},
		{"/?q=" + strings.Repeat("x", 9000), 414, "too long"},
	} {
		r := get(t, srv, tc.path)
		if r.code != tc.code || !strings.Contains(r.body, tc.want) {
			t.Errorf("GET %s: %d, want %d with %q\n%s", tc.path, r.code, tc.code, tc.want, r.body)
		}
		if ct := r.hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", tc.path, ct)
		}
	}
	resp, err := srv.Client().Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d, want 405", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	for _, path := range []string{"/", "/help", "/doc/" + fxs[0].doc.ID, "/provider/" + url.PathEscape(trust),
		"/api/search?q=ligature", "/nope", "/static/style.css", "/export.csv", "/file/" + fxs[2].doc.ID} {
		r := get(t, srv, path)
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
			"X-Frame-Options":        "DENY",
		} {
			if got := r.hdr.Get(k); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, want)
			}
		}
		csp := r.hdr.Get("Content-Security-Policy")
		if strings.HasPrefix(path, "/file/") {
			if !strings.Contains(csp, "sandbox") {
				t.Errorf("GET %s: the HTML original is not sandboxed: CSP %q", path, csp)
			}
			continue
		}
		if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
	}
	// No inline script or style anywhere in the pages.
	for _, path := range []string{"/", "/?q=ligature", "/doc/" + fxs[0].doc.ID, "/provider/" + url.PathEscape(trust), "/help", "/providers"} {
		doc := page(t, srv, path)
		if n := findAll(doc, func(n *html.Node) bool {
			return n.Data == "script" && attr(n, "src") == "" || n.Data == "style" || attr(n, "style") != ""
		}); len(n) > 0 {
			t.Errorf("GET %s: %d inline script or style elements", path, len(n))
		}
		if len(byClass(doc, "skip-link")) != 1 || len(findAll(doc, func(n *html.Node) bool { return n.Data == "main" })) != 1 {
			t.Errorf("GET %s: no skip link or main landmark", path)
		}
	}
}

func TestEscaping(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	quote := fxs[0].findings[7]
	for _, path := range []string{"/?q=alert", "/?kind=quote", fmt.Sprintf("/doc/%s?page=3&f=7", fxs[0].doc.ID)} {
		r := get(t, srv, path)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.code)
		}
		if strings.Contains(r.body, "<script>") {
			t.Errorf("GET %s: the finding's <script> is in the page unescaped", path)
		}
		if !strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("GET %s: the finding's text is missing", path)
		}
	}
	doc := page(t, srv, fmt.Sprintf("/doc/%s?page=3&f=7", fxs[0].doc.ID))
	if got := text(byID(t, doc, "hit")); got != quote.Text {
		t.Errorf("mark holds %q, want %q", got, quote.Text)
	}
	// A query with markup comes back as text in the query box.
	r := get(t, srv, "/?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E")
	if strings.Contains(r.body, "<script>x") {
		t.Error("the query is echoed unescaped")
	}
}

func TestFile(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	for _, fx := range fxs {
		r := get(t, srv, "/file/"+fx.doc.ID)
		if r.code != http.StatusOK || r.body != string(fx.data) {
			t.Errorf("GET /file/%s: %d, %d bytes, want the file's %d", fx.doc.ID, r.code, len(r.body), len(fx.data))
		}
		want := map[extract.Format]string{extract.FormatPDF: "application/pdf", extract.FormatHTML: "text/html; charset=utf-8"}[fx.doc.Format]
		if ct := r.hdr.Get("Content-Type"); ct != want {
			t.Errorf("GET /file/%s: Content-Type %q, want %q", fx.doc.ID, ct, want)
		}
		if cd := r.hdr.Get("Content-Disposition"); !strings.Contains(cd, filepath.Base(fx.doc.Path)) {
			t.Errorf("GET /file/%s: Content-Disposition %q", fx.doc.ID, cd)
		}
	}
	// A range request, as a PDF viewer makes.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/file/"+fxs[0].doc.ID, nil)
	req.Header.Set("Range", "bytes=0-7")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(b) != "%PDF-1.4" {
		t.Errorf("range request: %d %q", resp.StatusCode, b)
	}
	// A file gone from disk.
	if err := os.Remove(fxs[1].doc.Path); err != nil {
		t.Fatal(err)
	}
	if r := get(t, srv, "/file/"+fxs[1].doc.ID); r.code != http.StatusNotFound || !strings.Contains(r.body, "no longer where it was indexed") {
		t.Errorf("GET /file of a removed file: %d\n%s", r.code, r.body)
	}
}

func TestFileOpenHook(t *testing.T) {
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	body := "Demo report\n\nThe provider must ensure safe staffing.\n"
	// The id is the content's hash, as corpus computes it: the server
	// checks the file against it.
	id := cqcorpus.Identify([]byte(body))
	doc := &extract.Document{Path: "demo/report.txt", ID: id, Format: extract.FormatText,
		Content: extract.Content{Pages: []extract.Page{{Number: 0, Text: body}}}}
	if err := ix.Add(context.Background(), doc, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	files := fstest.MapFS{"demo/report.txt": {Data: []byte(body)}}
	var opened []string
	h, err := web.New(ix, web.Options{Open: func(p string) (fs.File, error) {
		opened = append(opened, p)
		return files.Open(p)
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	r := get(t, srv, "/file/"+id)
	if r.code != http.StatusOK || r.body != body || r.hdr.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("GET /file/%s: %d %q %q", id, r.code, r.hdr.Get("Content-Type"), r.body)
	}
	if !slices.Equal(opened, []string{"demo/report.txt"}) {
		t.Errorf("Open called with %q", opened)
	}
}

func TestExport(t *testing.T) {
	// A small batch makes the export fetch several pages.
	srv, fxs := testServer(t, web.Options{ExportBatch: 3})
	for _, query := range []string{"", "q=trust", "kind=must-do&kind=quote", "q=ligature&sort=date&page=2&n=1", "provider=" + url.QueryEscape(community)} {
		var api index.Results
		r := get(t, srv, "/api/search?facets=0&"+query)
		if err := json.Unmarshal([]byte(r.body), &api); err != nil {
			t.Fatalf("api %s: %v", query, err)
		}

		r = get(t, srv, "/export.csv?"+query)
		if r.code != http.StatusOK || r.hdr.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("export.csv?%s: %d %s\n%s", query, r.code, r.hdr.Get("Content-Type"), r.body)
		}
		rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("export.csv?%s: %v", query, err)
		}
		if !slices.Equal(rows[0], append(slices.Clone(extract.CSVColumns), "citation", "evidence_url")) {
			t.Errorf("export.csv header %q", rows[0])
		}
		if got := uint64(len(rows) - 1); got != api.Total || r.hdr.Get(web.TotalHeader) != strconv.FormatUint(api.Total, 10) {
			t.Errorf("export.csv?%s: %d rows, header total %s, want %d", query, got, r.hdr.Get(web.TotalHeader), api.Total)
		}
		keys := map[string]bool{}
		for _, row := range rows[1:] {
			keys[strings.Join(row, "\x00")] = true
		}
		if len(keys) != len(rows)-1 {
			t.Errorf("export.csv?%s: duplicate rows", query)
		}

		r = get(t, srv, "/export.jsonl?"+query)
		sc := bufio.NewScanner(strings.NewReader(r.body))
		n := uint64(0)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("export.jsonl?%s line %d: %v", query, n+1, err)
			}
			if m["doc_id"] == "" || m["kind"] == "" {
				t.Errorf("export.jsonl line %q", sc.Text())
			}
			n++
		}
		if n != api.Total {
			t.Errorf("export.jsonl?%s: %d lines, want %d", query, n, api.Total)
		}
	}
	// Every finding, rows matching the pipeline's own CSV.
	r := get(t, srv, "/export.csv")
	rows, _ := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	got := map[string]bool{}
	for _, row := range rows[1:] {
		got[strings.Join(row[:len(extract.CSVColumns)], "\x00")] = true
	}
	for _, fx := range fxs {
		for _, f := range fx.findings {
			if !got[strings.Join(extract.CSVRecord(f), "\x00")] {
				t.Errorf("export lacks %s %q", f.Kind, f.Text)
			}
		}
	}
}

func TestAPI(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	var res struct {
		Total  int               `json:"total"`
		Hits   []json.RawMessage `json:"hits"`
		Facets []struct {
			Field string `json:"field"`
			Terms []struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"terms"`
		} `json:"facets"`
	}
	r := get(t, srv, "/api/search?kind=must-do&limit=2")
	if r.code != 200 || r.hdr.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("api/search: %d %s", r.code, r.hdr.Get("Content-Type"))
	}
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	mustDos := count(fxs, func(f *extract.Finding) bool { return f.Kind == extract.KindMustDo })
	if res.Total != mustDos || len(res.Hits) != 2 || len(res.Facets) == 0 {
		t.Errorf("api/search: total %d hits %d facets %d, want %d, 2, some", res.Total, len(res.Hits), len(res.Facets), mustDos)
	}
	var hit struct {
		DocID   string `json:"doc_id"`
		Kind    string `json:"kind"`
		Finding struct {
			Kind       string  `json:"kind"`
			Regulation *string `json:"regulation"`
			Page       *int    `json:"page"`
		} `json:"finding"`
	}
	if err := json.Unmarshal(res.Hits[0], &hit); err != nil {
		t.Fatal(err)
	}
	if hit.Kind != "must-do" || hit.Finding.Kind != "must-do" || hit.Finding.Regulation == nil || hit.DocID == "" {
		t.Errorf("api/search hit %s", res.Hits[0])
	}

	var info struct {
		ID       string            `json:"id"`
		Path     string            `json:"path"`
		Pages    []json.RawMessage `json:"pages"`
		Findings []json.RawMessage `json:"findings"`
	}
	a := fxs[0]
	r = get(t, srv, "/api/documents/"+a.doc.ID)
	if err := json.Unmarshal([]byte(r.body), &info); err != nil {
		t.Fatal(err)
	}
	if info.ID != a.doc.ID || info.Path != a.doc.Path || len(info.Pages) != len(a.doc.Pages) || len(info.Findings) != len(a.findings) {
		t.Errorf("api/documents: id %s path %s pages %d findings %d", info.ID, info.Path, len(info.Pages), len(info.Findings))
	}
	r = get(t, srv, "/api/documents/"+a.doc.ID+"?pages=0")
	info.Pages = nil
	json.Unmarshal([]byte(r.body), &info)
	if len(info.Pages) != 0 {
		t.Error("api/documents?pages=0 has pages")
	}

	var points []index.TimelinePoint
	r = get(t, srv, "/api/providers/"+url.PathEscape(trust)+"/timeline?subject=trust+overall")
	if err := json.Unmarshal([]byte(r.body), &points); err != nil {
		t.Fatalf("timeline: %v\n%s", err, r.body)
	}
	if want := count(fxs, func(f *extract.Finding) bool { return f.Kind == extract.KindRating && f.Provider == trust }); len(points) != want {
		t.Errorf("timeline: %d points, want %d", len(points), want)
	}
	var names []string
	json.Unmarshal([]byte(get(t, srv, "/api/providers").body), &names)
	if !slices.Equal(names, []string{community, trust}) {
		t.Errorf("api/providers: %q", names)
	}

	for path, code := range map[string]int{
		"/api/documents/ffff":            404,
		"/api/providers/Nobody/timeline": 404,
		"/api/search?kind=gossip":        400,
		"/api/search?limit=5000":         400,
		"/api/nothing":                   404,
	} {
		r := get(t, srv, path)
		var e struct{ Error string }
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.code != code || e.Error == "" {
			t.Errorf("GET %s: %d %q, want %d with a JSON error", path, r.code, r.body, code)
		}
	}
}

func TestProviderPage(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	doc := page(t, srv, "/provider/"+url.PathEscape(trust))
	if got := text(byID(t, doc, "provider-name")); got != trust {
		t.Errorf("provider page of %q", got)
	}
	ratings := count(fxs, func(f *extract.Finding) bool { return f.Kind == extract.KindRating && f.Provider == trust })
	svg := byID(t, doc, "timeline-chart")
	rects := findAll(svg, func(n *html.Node) bool { return n.Data == "rect" })
	if len(rects) != ratings {
		t.Errorf("chart has %d cells, want %d ratings", len(rects), ratings)
	}
	for _, g := range byClass(svg, "cell") {
		title := findAll(g, func(n *html.Node) bool { return n.Data == "title" })
		if len(title) != 1 || !strings.Contains(text(title[0]), ":") {
			t.Errorf("chart cell without a title")
		}
	}
	table := byID(t, doc, "timeline-table")
	if n := len(findAll(table, func(n *html.Node) bool { return n.Data == "a" && hasClass(n, "rating") })); n != ratings {
		t.Errorf("timeline table has %d ratings, want %d", n, ratings)
	}
	if !strings.Contains(text(table), "requires improvement") || !strings.Contains(text(table), "inadequate") {
		t.Error("timeline table does not name the ratings in words")
	}
	mustDos := count(fxs, func(f *extract.Finding) bool { return f.Kind == extract.KindMustDo && f.Provider == trust })
	md := text(byID(t, doc, "must-dos"))
	if !strings.Contains(md, strconv.Itoa(mustDos)+" must-do actions") || !strings.Contains(md, "staffing") || !strings.Contains(md, "2021") {
		t.Errorf("must-dos section: %q", md)
	}
	quotes := byClass(byID(t, doc, "quotes"), "hit")
	if want := count(fxs, func(f *extract.Finding) bool { return f.Kind == extract.KindQuote && f.Provider == trust }); len(quotes) != want {
		t.Errorf("%d quotes, want %d", len(quotes), want)
	}
	doc = page(t, srv, "/providers")
	if n := len(findAll(byID(t, doc, "providers"), func(n *html.Node) bool { return n.Data == "a" })); n != 2 {
		t.Errorf("providers page lists %d", n)
	}
}

func BenchmarkSearchPage(b *testing.B) {
	ix, _ := buildIndex(b)
	h, err := web.New(ix, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/", "/?q=ligature", "/?q=trust&kind=must-do&rating=good"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// The query syntax the help page teaches works on the index.
func TestHelpExamples(t *testing.T) {
	srv, _ := testServer(t, web.Options{})
	doc := page(t, srv, "/help")
	var queries []string
	for _, td := range findAll(doc, func(n *html.Node) bool { return n.Data == "td" }) {
		for _, c := range findAll(td, func(n *html.Node) bool { return n.Data == "code" }) {
			queries = append(queries, text(c))
		}
	}
	if len(queries) < 8 {
		t.Fatalf("help page shows %d queries", len(queries))
	}
	for _, q := range queries {
		var res index.Results
		r := get(t, srv, "/api/search?facets=0&scope=all&q="+url.QueryEscape(q))
		if err := json.Unmarshal([]byte(r.body), &res); err != nil || r.code != http.StatusOK {
			t.Errorf("help example %s: %d %s", q, r.code, r.body)
			continue
		}
		if res.Total == 0 {
			t.Errorf("help example %s matches nothing in the test corpus", q)
		}
	}
}

// FuzzSearchParams sends arbitrary query strings to the search page, the
// API and the export: none may fail with a server error.
func FuzzSearchParams(f *testing.F) {
	for _, s := range []string{
		"q=ligature", "q=%22warning+notice%22&kind=must-do", "kind=rating&rating=good&rating=inadequate",
		"from=2019&to=2018", "page=0", "n=-1", "q=a+OR+OR+b", "q=%5C", "q=field%3A", "sort=date&scope=pages",
		"q=%ff%fe", "theme=%00", "q=(((", "q=*", "q=~", "q=%2B-", "page=99999999999999999999",
	} {
		f.Add(s)
	}
	srv, _ := testServer(f, web.Options{})
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/?", "/api/search?", "/export.csv?"} {
			req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.RawQuery = raw
			resp, err := srv.Client().Do(req)
			if err != nil {
				// The client refuses some raw queries (control characters).
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("GET %s%s: status %d", path, raw, resp.StatusCode)
			}
		}
	})
}
