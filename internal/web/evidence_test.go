package web_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// The demo corpus's provider.
const demoTrust = "Harrowfield and Wyre NHS Foundation Trust"

// getJSON decodes the JSON answer to GET path into v when the status is
// 200, and returns the status.
func getJSON(t *testing.T, srv *httptest.Server, path string, v any) int {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return resp.StatusCode
}

type citation struct {
	Author    string `json:"author"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Page      int    `json:"page"`
	URL       string `json:"url"`
	Text      string `json:"text"`
}

// TestDemoCitations: every hit of the API, and every row of both exports,
// carries a citation naming the document, and where the document gives
// them its date and page, linking to the finding's evidence.
func TestDemoCitations(t *testing.T) {
	srv := demoServer(t)
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			DocID     string    `json:"doc_id"`
			Title     string    `json:"title"`
			Published string    `json:"published"`
			Page      int       `json:"page"`
			Citation  *citation `json:"citation"`
		} `json:"hits"`
	}
	if code := getJSON(t, srv, "/api/search?q=ligature&facets=0&limit=50", &res); code != 200 || len(res.Hits) == 0 {
		t.Fatalf("api/search: %d, %d hits", code, len(res.Hits))
	}
	full := 0
	for _, h := range res.Hits {
		c := h.Citation
		if c == nil {
			t.Fatalf("hit in %s has no citation", h.DocID)
		}
		if c.Title == "" || c.Title != h.Title && h.Title != "" || c.Published != h.Published || c.Page != h.Page {
			t.Errorf("citation %+v of a hit titled %q, published %q, page %d", c, h.Title, h.Published, h.Page)
		}
		if !strings.HasPrefix(c.URL, srv.URL+"/doc/"+h.DocID) || !strings.HasSuffix(c.URL, "#hit") {
			t.Errorf("citation link %q does not lead to the evidence of %s", c.URL, h.DocID)
		}
		if !strings.Contains(c.Text, c.Title) || c.Author == "" || !strings.HasPrefix(c.Text, c.Author+", ") {
			t.Errorf("citation text %q", c.Text)
		}
		if c.Published != "" && c.Page > 0 {
			full++
			if !strings.Contains(c.Text, ", published ") || !strings.HasSuffix(c.Text, ", p. "+strconv.Itoa(c.Page)) {
				t.Errorf("citation text %q lacks its date or page", c.Text)
			}
		}
		// The link opens the evidence.
		r := get(t, srv, strings.TrimPrefix(c.URL, srv.URL))
		if r.code != 200 || !strings.Contains(r.body, `id="hit"`) {
			t.Errorf("citation link %s: %d, finding marked: %v", c.URL, r.code, strings.Contains(r.body, `id="hit"`))
		}
	}
	if full == 0 {
		t.Error("no citation with both a date and a page")
	}

	// CSV: the citation and its link as the last two columns.
	r := get(t, srv, "/export.csv?q=ligature")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != res.Total+1 {
		t.Fatalf("export.csv: %v, %d rows for %d findings", err, len(rows), res.Total)
	}
	n := len(extract.CSVColumns)
	if !slices.Equal(rows[0][n:], []string{"citation", "evidence_url"}) {
		t.Errorf("export.csv header ends %q", rows[0][n:])
	}
	for _, row := range rows[1:] {
		if len(row) != n+2 || row[n] == "" || !strings.Contains(row[n+1], "/doc/") {
			t.Errorf("export.csv row without a citation: %q", row)
		}
	}
	// JSONL: a citation object on each line, after the contract's fields.
	r = get(t, srv, "/export.jsonl?q=ligature")
	sc := bufio.NewScanner(strings.NewReader(r.body))
	lines := 0
	for sc.Scan() {
		var line struct {
			Kind     string    `json:"kind"`
			Citation *citation `json:"citation"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil || line.Kind == "" || line.Citation == nil || line.Citation.Title == "" {
			t.Errorf("export.jsonl line %s: %v", sc.Text(), err)
		}
		lines++
	}
	if lines != res.Total {
		t.Errorf("export.jsonl: %d lines, want %d", lines, res.Total)
	}

	// The search page shows each hit's citation, ready to copy.
	doc := page(t, srv, "/?q=ligature")
	cites := byClass(doc, "citation")
	if len(cites) != len(hits(t, doc)) || len(cites) == 0 {
		t.Errorf("search page: %d citations for %d hits", len(cites), len(hits(t, doc)))
	}
	for _, c := range cites {
		if b := byClass(c, "copy-cite"); len(b) != 1 || !strings.Contains(attr(b[0], "data-copy"), "/doc/") {
			t.Errorf("citation %q without a copy button", text(c))
		}
	}
}

// TestDemoRecurring: the night-staffing must-do the demo reports raise
// in 2021, 2024 and 2025 comes back as one group, still raised.
func TestDemoRecurring(t *testing.T) {
	srv := demoServer(t)
	var groups []struct {
		Theme       string `json:"theme"`
		Regulation  string `json:"regulation"`
		StillRaised bool   `json:"still_raised"`
		Occurrences []struct {
			DocID     string `json:"doc_id"`
			Published string `json:"published"`
			Page      *int   `json:"page"`
			Text      string `json:"text"`
		} `json:"occurrences"`
	}
	path := "/api/providers/" + url.PathEscape(demoTrust) + "/recurring"
	if code := getJSON(t, srv, path, &groups); code != 200 {
		t.Fatalf("%s: %d", path, code)
	}
	found := false
	for _, g := range groups {
		dates := map[string]bool{}
		for _, o := range g.Occurrences {
			if o.DocID == "" || o.Text == "" || o.Page == nil {
				t.Errorf("occurrence %+v lacks a field", o)
			}
			if o.Published != "" {
				dates[o.Published] = true
			}
		}
		if len(dates) < 2 {
			t.Errorf("group %s/%s: occurrences of %d dates, want at least 2", g.Theme, g.Regulation, len(dates))
		}
		if g.Regulation == "Regulation 18" && g.Theme == "staffing" && g.StillRaised && len(dates) >= 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("no still-raised staffing group over three dates in %+v", groups)
	}
	// The recurring filter keeps exactly the occurrences, in the search
	// page, the API and the exports.
	occurrences := map[string]bool{}
	for _, g := range groups {
		for _, o := range g.Occurrences {
			occurrences[o.DocID+" "+o.Text] = true
		}
	}
	var res struct {
		Total int `json:"total"`
		Hits  []struct {
			DocID   string `json:"doc_id"`
			Finding struct {
				Text string `json:"text"`
			} `json:"finding"`
		} `json:"hits"`
	}
	for _, q := range []string{"recurring=1", "recurring=1&provider=" + url.QueryEscape(demoTrust), "recurring=yes&kind=must-do&kind=quote"} {
		if code := getJSON(t, srv, "/api/search?limit=100&"+q, &res); code != 200 || res.Total != len(occurrences) || len(res.Hits) != res.Total {
			t.Errorf("api/search?%s: %d, total %d, %d hits; want the %d occurrences", q, code, res.Total, len(res.Hits), len(occurrences))
		}
		for _, h := range res.Hits {
			if !occurrences[h.DocID+" "+h.Finding.Text] {
				t.Errorf("api/search?%s: %q is not a recurring action", q, h.Finding.Text)
			}
		}
	}
	if getJSON(t, srv, "/api/search?recurring=1&q=ligature", &res); res.Total != 0 {
		t.Errorf("recurring ligature actions: %d, want none", res.Total)
	}
	if getJSON(t, srv, "/api/search?recurring=1&limit=2&offset=2", &res); len(res.Hits) != min(2, len(occurrences)-2) || res.Total != len(occurrences) {
		t.Errorf("second page of recurring actions: %d hits of %d", len(res.Hits), res.Total)
	}
	if r := get(t, srv, "/export.csv?recurring=1"); strings.Count(r.body, "\n") < len(occurrences)+1 {
		t.Errorf("export of recurring actions:\n%s", r.body)
	}
	// The sidebar turns the filter on and off.
	doc := page(t, srv, "/?kind=must-do")
	on := findAll(byID(t, doc, "facet-recurring"), func(n *html.Node) bool { return n.Data == "a" })
	if len(on) != 1 || attr(on[0], "href") != "/?kind=must-do&recurring=1" {
		t.Fatalf("recurring toggle %v", on)
	}
	doc = page(t, srv, "/?recurring=1")
	if n := len(hits(t, doc)); n != len(occurrences) || !strings.Contains(text(byID(t, doc, "chips")), "Raised again") {
		t.Errorf("search page with the recurring filter: %d hits, chips %q", n, text(byID(t, doc, "chips")))
	}
	if off := findAll(byID(t, doc, "facet-recurring"), func(n *html.Node) bool { return n.Data == "a" }); len(off) != 1 || attr(off[0], "href") != "/" {
		t.Errorf("recurring toggle off %v", off)
	}
	if r := get(t, srv, "/?recurring=maybe"); r.code != http.StatusBadRequest {
		t.Errorf("recurring=maybe: %d", r.code)
	}

	var e map[string]string
	if code := getJSON(t, srv, "/api/providers/Nowhere%20Trust/recurring", &e); code != http.StatusNotFound {
		t.Errorf("recurring of an unknown provider: %d", code)
	}
}

// TestDemoClaims: the quality account agrees with the 2024 report on the
// overall rating and overstates well-led and maternity.
func TestDemoClaims(t *testing.T) {
	srv := demoServer(t)
	type finding struct {
		DocID   string `json:"doc_id"`
		Kind    string `json:"kind"`
		Subject string `json:"subject"`
		Domain  string `json:"domain"`
		Rating  string `json:"rating"`
	}
	type claim = struct {
		Claim           finding   `json:"claim"`
		Finding         *finding  `json:"finding"`
		Verdict         string    `json:"verdict"`
		ClaimCitation   *citation `json:"claim_citation"`
		FindingCitation *citation `json:"finding_citation"`
	}
	var claims []claim
	path := "/api/providers/" + url.PathEscape(demoTrust) + "/claims"
	if code := getJSON(t, srv, path, &claims); code != 200 {
		t.Fatalf("%s: %d", path, code)
	}
	count := map[string]int{}
	last := -1
	order := map[string]int{"conflicts": 0, "agrees": 1, "unverified": 2}
	for _, c := range claims {
		count[c.Verdict]++
		o, ok := order[c.Verdict]
		if !ok {
			t.Errorf("verdict %q", c.Verdict)
		}
		if o < last {
			t.Errorf("%s after a later verdict: conflicts come first", c.Verdict)
		}
		last = o
		switch c.Verdict {
		case "agrees", "conflicts":
			if c.Finding == nil || c.Finding.Domain != c.Claim.Domain || (c.Finding.Rating == c.Claim.Rating) != (c.Verdict == "agrees") {
				t.Errorf("%s: claim %+v against %+v", c.Verdict, c.Claim, c.Finding)
			}
		case "unverified":
			if c.Finding != nil {
				t.Errorf("unverified claim set beside %+v", c.Finding)
			}
		}
		if c.Claim.Kind != "rating" {
			t.Errorf("claim of kind %q", c.Claim.Kind)
		}
		if c.ClaimCitation == nil || c.ClaimCitation.Published == "" || (c.Finding != nil) != (c.FindingCitation != nil) {
			t.Errorf("claim %+v: citations %+v and %+v", c.Claim, c.ClaimCitation, c.FindingCitation)
		}
	}
	if count["agrees"] == 0 || count["conflicts"] == 0 {
		t.Errorf("verdicts %v, want at least one agrees and one conflicts", count)
	}
	wellLed := slices.IndexFunc(claims, func(c claim) bool {
		return c.Claim.Domain == "well-led" && c.Claim.Rating == "good" && c.Verdict == "conflicts"
	})
	if wellLed < 0 {
		t.Error("the quality account's well-led 'good' is not a conflict")
	}
}

// TestDemoFeed: a search's Atom feed parses, holds its newest matching
// findings newest first, and each entry links to its evidence.
func TestDemoFeed(t *testing.T) {
	srv := demoServer(t)
	type link struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Links   []link   `xml:"link"`
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Links   []link `xml:"link"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	r := get(t, srv, "/feed.atom?q=ligature&kind=must-do")
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", r.code, r.hdr.Get("Content-Type"))
	}
	if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
		t.Fatalf("feed is not Atom: %v\n%s", err, r.body)
	}
	if feed.Title == "" || feed.ID == "" || len(feed.Entries) == 0 {
		t.Fatalf("feed: title %q, id %q, %d entries", feed.Title, feed.ID, len(feed.Entries))
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("feed updated: %v", err)
	}
	if !slices.ContainsFunc(feed.Links, func(l link) bool { return l.Rel == "self" && strings.Contains(l.Href, "/feed.atom?") }) {
		t.Errorf("feed links %+v: no self link", feed.Links)
	}
	var api struct {
		Total int `json:"total"`
	}
	getJSON(t, srv, "/api/search?q=ligature&kind=must-do&facets=0", &api)
	if len(feed.Entries) != min(api.Total, 50) {
		t.Errorf("feed: %d entries, the search finds %d", len(feed.Entries), api.Total)
	}
	ids := map[string]bool{}
	prev := ""
	for _, e := range feed.Entries {
		if ids[e.ID] || !strings.HasPrefix(e.ID, "tag:") {
			t.Errorf("entry id %q repeated or not a tag URI", e.ID)
		}
		ids[e.ID] = true
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry updated: %v", err)
		}
		if prev != "" && e.Updated > prev {
			t.Errorf("entry of %s after one of %s: want newest first", e.Updated, prev)
		}
		prev = e.Updated
		if len(e.Links) != 1 || !strings.HasPrefix(e.Links[0].Href, srv.URL+"/doc/") {
			t.Fatalf("entry %q links %+v, want its evidence", e.Title, e.Links)
		}
		r := get(t, srv, strings.TrimPrefix(e.Links[0].Href, srv.URL))
		if r.code != 200 || !strings.Contains(r.body, `id="hit"`) {
			t.Errorf("entry link %s: %d", e.Links[0].Href, r.code)
		}
		if !strings.Contains(strings.ToLower(e.Summary), "ligature") {
			t.Errorf("entry summary %q does not match the search", e.Summary)
		}
	}
	// The search page offers the feed of the same search.
	doc := page(t, srv, "/?q=ligature&kind=must-do")
	if l := byID(t, doc, "feed-link"); !strings.HasPrefix(attr(l, "href"), "/feed.atom?") || !strings.Contains(attr(l, "href"), "q=ligature") {
		t.Errorf("feed link %q", attr(l, "href"))
	}
	if r := get(t, srv, "/feed.atom?rating=splendid"); r.code != http.StatusBadRequest {
		t.Errorf("feed of a bad search: %d", r.code)
	}
}

// TestDemoProviderPage: the provider page leads with the recurring
// actions, sets claims beside CQC's ratings (conflicts first), shows the
// quality statement scores and the provider's ODS code.
func TestDemoProviderPage(t *testing.T) {
	srv := demoServer(t)
	doc := page(t, srv, "/provider/"+url.PathEscape(demoTrust))
	if groups := byClass(byID(t, doc, "recurring"), "recurring-group"); len(groups) == 0 {
		t.Error("no recurring actions on the provider page")
	} else if !strings.Contains(text(groups[0]), "still raised") || len(byClass(groups[0], "citation")) < 2 {
		t.Errorf("first recurring group %q", text(groups[0]))
	}
	rows := findAll(byID(t, doc, "claims-table"), func(n *html.Node) bool { return n.Data == "tr" && hasClass(n, "claim") })
	if len(rows) == 0 || !hasClass(rows[0], "claim-conflicts") {
		t.Errorf("claims table: %d rows, first %q", len(rows), firstText(rows))
	}
	scores := findAll(byID(t, doc, "scores-table"), func(n *html.Node) bool { return n.Data == "tr" })
	if len(scores) < 7 { // a header and six scores
		t.Errorf("scores table: %d rows", len(scores))
	}
	// The quality account's ratings are claims, not ratings: its date is
	// no column of the timeline.
	if tl := text(byID(t, doc, "timeline-table")); strings.Contains(tl, "2025-06-27") || !strings.Contains(tl, "2024-07-19") {
		t.Errorf("timeline table %q: want CQC's dates only", tl)
	}
	if ods, sites := text(byID(t, doc, "ods-code")), text(byID(t, doc, "site-ods-codes")); ods != "RZ9" || sites != "RZ901" {
		t.Errorf("ODS code %q, site codes %q", ods, sites)
	}
	// The page's recurring and claims links answer JSON.
	for _, p := range []string{"recurring", "claims"} {
		var v []json.RawMessage
		if code := getJSON(t, srv, "/api/providers/"+url.PathEscape(demoTrust)+"/"+p, &v); code != 200 || len(v) == 0 {
			t.Errorf("%s: %d, %d items", p, code, len(v))
		}
	}
}

func firstText(ns []*html.Node) string {
	if len(ns) == 0 {
		return ""
	}
	return text(ns[0])
}

// TestProviderNames: a provider written three ways is one provider,
// listed once, on one page that every name leads to, with the ratings
// and ODS code of all its documents.
func TestProviderNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{"Elmstead Valley NHS Trust", "Elmstead Valley Trust", "EVT"}
	var fxs []*fixture
	for i, name := range names {
		year := strconv.Itoa(2020 + i)
		fx := newFixture(dir, "elmstead-"+year+".txt", extract.FormatText,
			extract.Page{Number: 0, Text: name + " was rated good for caring in " + year + "."})
		fx.record(name+" report "+year, name, "inspection report", year+"-03-01")
		fx.find(t, 0, "rated good for caring", extract.Finding{Kind: extract.KindRating, Subject: "trust overall",
			Domain: "caring", Rating: "good", Provider: name})
		fxs = append(fxs, fx)
	}
	fxs[0].findings[0].ODSCode = "RX7"
	ix, err := index.Open(filepath.Join(dir, "idx"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	for _, fx := range fxs {
		if err := ix.Add(ctx, fx.doc, fx.findings); err != nil {
			t.Fatal(err)
		}
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

	list := findAll(byID(t, page(t, srv, "/providers"), "providers"), func(n *html.Node) bool { return n.Data == "li" })
	if len(list) != 1 || !strings.Contains(text(list[0]), "Elmstead Valley NHS Trust") || !strings.Contains(text(list[0]), "EVT") {
		t.Fatalf("providers list: %d entries, first %q", len(list), firstText(list))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	canonical := "/provider/" + url.PathEscape(names[0])
	for _, n := range names[1:] {
		resp, err := client.Get(srv.URL + "/provider/" + url.PathEscape(n) + "?subject=trust+overall")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != canonical+"?subject=trust+overall" {
			t.Errorf("/provider/%s: %d to %q, want a redirect to %s", n, resp.StatusCode, resp.Header.Get("Location"), canonical)
		}
	}
	doc := page(t, srv, canonical)
	if rows := findAll(byID(t, doc, "timeline-table"), func(n *html.Node) bool { return n.Data == "tr" }); len(rows) != 1+len(names) {
		t.Errorf("timeline table: %d rows, want a header and one per name's document", len(rows))
	}
	if ods, also := text(byID(t, doc, "ods-code")), text(byID(t, doc, "also-known")); ods != "RX7" || !strings.Contains(also, "EVT") {
		t.Errorf("ODS %q, also written as %q", ods, also)
	}
	var v []json.RawMessage
	if code := getJSON(t, srv, "/api/providers/EVT/claims", &v); code != 200 {
		t.Errorf("claims by an acronym: %d", code)
	}
}
