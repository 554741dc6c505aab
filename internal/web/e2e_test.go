package web_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/web"
)

// TestE2E drives a headless Chromium through the UI served over an index
// of the embedded demo corpus, as a person would use it: type a search,
// pick a filter, open the evidence, export, look at a provider, and move
// around with the keyboard. One browser serves every subtest, each in its
// own tab.
func TestE2E(t *testing.T) {
	bctx, started := startBrowser(t)
	srv := demoServer(t) // while the browser starts
	started()
	for _, tc := range []struct {
		name string
		run  func(*tab)
	}{
		{"Search", e2eSearch},
		{"Facets", e2eFacets},
		{"Evidence", e2eEvidence},
		{"Export", e2eExport},
		{"Provider", e2eProvider},
		{"Keyboard", e2eKeyboard},
		{"Citations", e2eCitations},
		{"ProviderEvidence", e2eProviderEvidence},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(newTab(t, bctx, srv)) })
	}
}

// results is what a person sees of a search page.
type results struct {
	URL    string   `json:"url"`
	Q      string   `json:"q"`
	Total  string   `json:"total"`
	Hits   int      `json:"hits"`
	Kinds  []string `json:"kinds"`  // each hit's kind badge class, e.g. "kind-must-do"
	Badges []string `json:"badges"` // each hit's kind badge text
	Rated  []string `json:"rated"`  // each hit's rating badge text, "" for none
	Marks  []string `json:"marks"`  // highlighted words in the snippets
	Pages  []int    `json:"pages"`  // page numbers in the pager
	Chips  []string `json:"chips"`
}

const readResults = `(() => {
  const hits = [...document.querySelectorAll('#results li.hit')];
  const total = document.getElementById('total');
  return {
    url: location.href,
    q: document.getElementById('q').value,
    total: total ? total.textContent.trim() : '',
    hits: hits.length,
    kinds: hits.map(h => { const k = h.querySelector('.hit-head .kind'); return k ? [...k.classList].find(c => c.startsWith('kind-')) || '' : ''; }),
    badges: hits.map(h => { const k = h.querySelector('.hit-head .kind'); return k ? k.textContent.trim() : ''; }),
    rated: hits.map(h => { const r = h.querySelector('.hit-head .rating'); return r ? r.textContent.trim() : ''; }),
    marks: [...document.querySelectorAll('#results .snippet mark')].map(m => m.textContent),
    pages: [...document.querySelectorAll('#pager li')].map(li => parseInt(li.textContent.replace(/\D+/g, ''), 10)).filter(n => !isNaN(n)),
    chips: [...document.querySelectorAll('#chips .chip')].map(c => c.textContent.replace(/\s+/g, ' ').trim()),
  };
})()`

func (tb *tab) results() results {
	tb.t.Helper()
	return eval[results](tb, readResults)
}

// total is the result count the page states, and checks it against the
// results listed: all of them on one page, or a full page and a pager
// reaching the right last page.
func (r results) total(t *testing.T) int {
	t.Helper()
	if r.Total == "" {
		if r.Hits != 0 {
			t.Fatalf("%s: %d results listed but no total shown", r.URL, r.Hits)
		}
		return 0
	}
	n, err := strconv.Atoi(r.Total)
	if err != nil {
		t.Fatalf("%s: total %q is not a number", r.URL, r.Total)
	}
	if len(r.Pages) == 0 {
		if r.Hits != n {
			t.Errorf("%s: %d results listed, total says %d", r.URL, r.Hits, n)
		}
		return n
	}
	size := web.DefaultPageSize
	if r.Hits != min(size, n) {
		t.Errorf("%s: %d results on the first page of %d, want %d", r.URL, r.Hits, n, min(size, n))
	}
	if last, want := slices.Max(r.Pages), (n+size-1)/size; last != want {
		t.Errorf("%s: pager goes to page %d, want %d for %d results", r.URL, last, want, n)
	}
	return n
}

// e2eSearch types a query and submits it with Enter.
func e2eSearch(tb *tab) {
	t := tb.t
	tb.open("/")
	tb.follow("type ligature and press Enter", chromedp.SendKeys(chromedp.ID("q"), "ligature"+kb.Enter))
	r := tb.results()
	if u, _ := url.Parse(r.URL); u.Path != "/" || u.Query().Get("q") != "ligature" {
		t.Errorf("after the search the URL is %s, want /?q=ligature", r.URL)
	}
	if r.Q != "ligature" {
		t.Errorf("query box holds %q after the search", r.Q)
	}
	if n := r.total(t); n == 0 {
		t.Fatalf("no results for ligature")
	}
	if !slices.Contains(r.Kinds, "kind-must-do") {
		t.Errorf("no result has a must-do badge: %q", r.Kinds)
	}
	for i, k := range r.Kinds {
		if k == "kind-must-do" && !strings.EqualFold(r.Badges[i], "must do") {
			t.Errorf("result %d: must-do badge reads %q", i+1, r.Badges[i])
		}
	}
	if len(r.Marks) < r.Hits {
		t.Errorf("%d highlights in %d results", len(r.Marks), r.Hits)
	}
	for _, m := range r.Marks {
		if !strings.EqualFold(m, "ligature") {
			t.Errorf("highlighted %q, want ligature", m)
		}
	}
}

// e2eFacets narrows a search with a facet and removes the filter again.
func e2eFacets(tb *tab) {
	t := tb.t
	tb.open("/?q=safe")
	before := tb.results()
	all := before.total(t)
	facet := eval[string](tb, `document.querySelector('#facet-kind .facet-term[data-value="rating"] .count').textContent.trim()`)
	want, err := strconv.Atoi(facet)
	if err != nil {
		t.Fatalf("kind facet: rating count %q", facet)
	}
	if want == 0 || want == all {
		t.Fatalf("kind = rating counts %d of %d results: the demo corpus no longer makes this a test", want, all)
	}

	tb.follow("click kind: rating", chromedp.Click(chromedp.CSS(`#facet-kind .facet-term[data-value="rating"]`)))
	r := tb.results()
	u, err := url.Parse(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query()["kind"]; !slices.Equal(got, []string{"rating"}) || u.Query().Get("q") != "safe" {
		t.Errorf("after the click the URL is %s, want q=safe and kind=rating", r.URL)
	}
	if len(r.Chips) != 1 || !strings.Contains(r.Chips[0], "Rating") {
		t.Fatalf("filter chips %q, want one for Kind: Rating", r.Chips)
	}
	if n := r.total(t); n != want {
		t.Errorf("kind = rating: total %d, the facet said %d", n, want)
	}
	for i, k := range r.Kinds {
		if k != "kind-rating" {
			t.Errorf("result %d has badge %q (%s), want kind-rating", i+1, r.Badges[i], k)
		}
		if r.Rated[i] == "" {
			t.Errorf("rating result %d shows no rating text", i+1)
		}
	}
	if sel := eval[bool](tb, `document.querySelector('#facet-kind .facet-term[data-value="rating"]').getAttribute('aria-current') === 'true'`); !sel {
		t.Errorf("the chosen facet term is not marked as selected")
	}
	tb.screenshot("search")

	tb.follow("remove the chip", chromedp.Click(chromedp.CSS(`#chips .chip-remove`)))
	r = tb.results()
	u, _ = url.Parse(r.URL)
	if u.Query().Has("kind") || u.Query().Get("q") != "safe" {
		t.Errorf("after removing the chip the URL is %s, want only q=safe", r.URL)
	}
	if len(r.Chips) != 0 {
		t.Errorf("chips left after removing the filter: %q", r.Chips)
	}
	if n := r.total(t); n != all {
		t.Errorf("after removing the filter: total %d, want %d as before", n, all)
	}
}

// evidence is what a person sees of the evidence view.
type evidence struct {
	URL      string `json:"url"`
	DataPage string `json:"dataPage"`
	Heading  string `json:"heading"`
	Hit      string `json:"hit"`
	Current  string `json:"current"`
	Original string `json:"original"`
}

// e2eEvidence opens a result's evidence and the original file.
func e2eEvidence(tb *tab) {
	t := tb.t
	tb.open("/?q=ligature&scope=findings")
	type result struct {
		Page    string `json:"page"`
		Snippet string `json:"snippet"`
	}
	// The result on the latest page: its evidence sits lowest in the
	// document, so the view has to scroll to it.
	hits := eval[[]result](tb, `[...document.querySelectorAll('#results li.hit')].map(h => ({
  page: (h.querySelector('.hit-source .page') || {textContent: ''}).textContent.replace(/\D+/g, ''),
  snippet: (h.querySelector('.snippet') || {textContent: ''}).textContent,
}))`)
	pick, page := -1, 0
	for i, h := range hits {
		if n, err := strconv.Atoi(h.Page); err == nil && n > page {
			pick, page = i, n
		}
	}
	if pick < 0 {
		t.Fatalf("no ligature result shows a page: %+v", hits)
	}
	snippet := hits[pick].Snippet

	tb.follow("open the result's evidence", chromedp.Click(chromedp.CSS(
		`#results li.hit:nth-of-type(`+strconv.Itoa(pick+1)+`) a.hit-link`)))
	ev := eval[evidence](tb, `(() => {
  const t = document.getElementById('page-text'), hit = document.getElementById('hit');
  const cur = document.querySelector('#findings .finding.current .finding-text');
  return {
    url: location.href,
    dataPage: t ? t.dataset.page : '',
    heading: (document.getElementById('page-number') || {textContent: ''}).textContent,
    hit: hit && hit.tagName === 'MARK' ? hit.textContent : '',
    current: cur ? cur.textContent : '',
    original: (document.getElementById('open-original') || {href: ''}).href,
  };
})()`)
	if ev.DataPage != strconv.Itoa(page) || ev.Heading != strconv.Itoa(page) {
		t.Errorf("evidence view shows page %q (heading %q), the result said page %d", ev.DataPage, ev.Heading, page)
	}
	if ev.Hit == "" {
		t.Fatalf("%s: no <mark id=hit> in the page text", ev.URL)
	}
	if !strings.Contains(squash(ev.Hit), squash(snippet)) {
		t.Errorf("highlight %q does not hold the result's text %q", squash(ev.Hit), squash(snippet))
	}
	if squash(ev.Hit) != squash(ev.Current) {
		t.Errorf("highlight %q is not the current finding %q", squash(ev.Hit), squash(ev.Current))
	}

	// The highlight is scrolled into view (the page may scroll smoothly).
	inView := `(() => { const r = document.getElementById('hit').getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; })()`
	pctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](inView, chromedp.WithPollingTimeout(3*time.Second))); err != nil {
		t.Errorf("highlight not in the viewport: %v; rect %s", err,
			eval[string](tb, `JSON.stringify(document.getElementById('hit').getBoundingClientRect()) + ' viewport ' + window.innerHeight`))
	}
	if below := eval[bool](tb, `document.getElementById('hit').getBoundingClientRect().bottom + window.scrollY > window.innerHeight`); below {
		if y := eval[float64](tb, `window.scrollY`); y <= 0 {
			t.Errorf("highlight lies below the first screen but the page did not scroll")
		}
	} else {
		t.Logf("note: the highlight is on the first screen; the scroll is not exercised")
	}
	tb.screenshot("evidence")

	// The original file, at the page.
	docURL, err := url.Parse(ev.URL)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(docURL.Path, "/doc/")
	orig, err := url.Parse(ev.Original)
	if err != nil {
		t.Fatalf("open original link %q: %v", ev.Original, err)
	}
	if orig.Path != "/file/"+id || orig.Fragment != "page="+strconv.Itoa(page) {
		t.Errorf("open original links to %s, want /file/%s#page=%d", ev.Original, id, page)
	}
	resp, err := http.Get(tb.srv.URL + orig.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, head); err != nil || resp.StatusCode != http.StatusOK || string(head) != "%PDF-" {
		t.Errorf("GET %s: status %d, starts %q (%v), want a PDF", orig.Path, resp.StatusCode, head, err)
	}
}

// squash folds runs of white space into one space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// e2eExport follows the CSV export link of a search and counts its rows.
func e2eExport(tb *tab) {
	for _, c := range []struct {
		path string
		kind string // every row's kind, when filtered
	}{
		{"/?q=safe", ""}, // more results than fit on a page
		{"/?q=staff&kind=must-do", "must-do"},
	} {
		tb.open(c.path)
		total := tb.results().total(tb.t)
		href := eval[string](tb, `document.getElementById('export-csv').href`)
		resp, err := http.Get(href)
		if err != nil {
			tb.t.Fatal(err)
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		resp.Body.Close()
		if err != nil {
			tb.t.Fatalf("%s: export %s: %v", c.path, href, err)
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			tb.t.Fatalf("%s: export %s: status %d, %s", c.path, href, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if len(rows) == 0 || len(rows[0]) < len(extract.CSVColumns) || !slices.Equal(rows[0][:len(extract.CSVColumns)], extract.CSVColumns) {
			tb.t.Fatalf("%s: CSV header %q, want %q", c.path, rows[:min(1, len(rows))], extract.CSVColumns)
		}
		if len(rows)-1 != total || total == 0 {
			tb.t.Errorf("%s: the CSV has %d rows, the page says %d results", c.path, len(rows)-1, total)
		}
		kind := slices.Index(extract.CSVColumns, "kind")
		for i, row := range rows[1:] {
			if c.kind != "" && row[kind] != c.kind {
				tb.t.Errorf("%s: CSV row %d has kind %q, want %q", c.path, i+1, row[kind], c.kind)
			}
		}
	}
}

// timeline is what a person sees of a provider page.
type timeline struct {
	Name      string   `json:"name"`
	Cells     []string `json:"cells"` // each chart cell: its colour class and its text
	Dates     int      `json:"dates"` // chart columns
	Rows      int      `json:"rows"`  // table rows
	Rated     []string `json:"rated"` // the table's rating cells: class and text
	MustDos   int      `json:"mustDos"`
	Quotes    int      `json:"quotes"`
	ChartDesc string   `json:"chartDesc"`
}

// e2eProvider goes from a result to its provider's page.
func e2eProvider(tb *tab) {
	t := tb.t
	tb.open("/?q=ligature")
	provider := eval[string](tb, `document.querySelector('#results li.hit a.provider').textContent`)
	tb.follow("open the provider", chromedp.Click(chromedp.CSS(`#results li.hit a.provider`)))
	tl := eval[timeline](tb, `(() => {
  const cls = el => [...el.classList].find(c => c.startsWith('r-')) || '';
  return {
    name: document.getElementById('provider-name').textContent,
    cells: [...document.querySelectorAll('#timeline-chart g.cell')].map(g => cls(g.querySelector('rect')) + ' ' + g.querySelector('text').textContent.trim()),
    dates: document.querySelectorAll('#timeline-chart .col-label').length,
    rows: document.querySelectorAll('#timeline-table tbody tr').length,
    rated: [...document.querySelectorAll('#timeline-table tbody a.rating')].map(a => cls(a) + ' ' + a.textContent.trim()),
    mustDos: document.querySelectorAll('#mustdo-table tbody tr').length,
    quotes: document.querySelectorAll('#quotes li.hit').length,
    chartDesc: (document.getElementById('chart-desc') || {textContent: ''}).textContent,
  };
})()`)
	if tl.Name != provider {
		t.Errorf("provider page of %q, clicked %q", tl.Name, provider)
	}
	if len(tl.Cells) == 0 || tl.Rows == 0 {
		t.Fatalf("timeline: %d chart cells, %d table rows", len(tl.Cells), tl.Rows)
	}
	if tl.Dates != tl.Rows {
		t.Errorf("the chart has %d dates, the table %d rows", tl.Dates, tl.Rows)
	}
	if len(tl.Cells) != len(tl.Rated) {
		t.Errorf("the chart has %d ratings, the table %d", len(tl.Cells), len(tl.Rated))
	}
	short := map[string]string{"r-outstanding": "O", "r-good": "G", "r-ri": "RI", "r-inadequate": "I"}
	for _, c := range tl.Cells {
		class, text, _ := strings.Cut(c, " ")
		if short[class] == "" || short[class] != text {
			t.Errorf("chart cell %q: colour and letters disagree", c)
		}
	}
	long := map[string]string{"r-outstanding": "outstanding", "r-good": "good", "r-ri": "requires improvement", "r-inadequate": "inadequate"}
	for _, c := range tl.Rated {
		class, text, _ := strings.Cut(c, " ")
		if long[class] == "" || !strings.EqualFold(long[class], text) {
			t.Errorf("table rating %q: colour and words disagree", c)
		}
	}
	if tl.MustDos == 0 || tl.Quotes == 0 {
		t.Errorf("provider page: %d must-do themes, %d quotes", tl.MustDos, tl.Quotes)
	}
	eval[bool](tb, `(document.getElementById('timeline').scrollIntoView(), true)`)
	tb.screenshot("provider")
}

// e2eKeyboard moves through the pages with the keyboard and checks labels,
// ratings shown with text, and contrast, on every page.
func e2eKeyboard(tb *tab) {
	t := tb.t
	tb.open("/")
	type focus struct {
		ID      string `json:"id"`
		Class   string `json:"class"`
		Text    string `json:"text"`
		Visible bool   `json:"visible"`
	}
	readFocus := `(() => { const e = document.activeElement; const r = e.getBoundingClientRect();
  return {id: e.id, class: e.className, text: e.textContent.trim().slice(0, 40), visible: r.width > 0 && r.top >= 0 && r.bottom <= innerHeight}; })()`
	tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
	f := eval[focus](tb, readFocus)
	if f.Class != "skip-link" || !f.Visible {
		t.Errorf("first Tab focuses %+v, want the visible skip link", f)
	}
	var path []string
	for range 15 {
		tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
		f = eval[focus](tb, readFocus)
		path = append(path, "#"+f.ID+"."+f.Class+" "+f.Text)
		if f.ID == "q" {
			break
		}
	}
	if f.ID != "q" {
		t.Fatalf("the search box is not reached within 15 Tabs: %q", path)
	}
	t.Logf("search box reached after skip link + %d Tabs", len(path))
	tb.do("type a query", chromedp.KeyEvent("ligature"))
	tb.follow("press Enter", chromedp.KeyEvent(kb.Enter))
	if r := tb.results(); r.Hits == 0 || r.Q != "ligature" {
		t.Errorf("searching by keyboard: %d results for %q", r.Hits, r.Q)
	}
	tb.checkA11y()

	// The other pages.
	for _, p := range []string{"/?q=safe&kind=rating", "/help", "/providers"} {
		tb.open(p)
		tb.checkA11y()
		if p == "/help" {
			tb.screenshot("help")
		}
	}
	tb.open("/?q=ligature")
	// Links are followed as a keyboard user does: focus, then Enter.
	tb.follow("open evidence", chromedp.Focus(chromedp.CSS(`#results li.hit a.hit-link`)), chromedp.KeyEvent(kb.Enter))
	tb.checkA11y()
	tb.follow("open provider", chromedp.Focus(chromedp.CSS(`.doc-meta a[href^="/provider/"]`)), chromedp.KeyEvent(kb.Enter))
	tb.checkA11y()
}

// a11yProblems lists, for the page shown: form fields without a label,
// links and buttons without text, elements in a rating colour without
// text, and text below the WCAG AA contrast ratio.
const a11yProblems = `(() => {
  const out = [];
  const name = el => el.outerHTML.slice(0, 100);
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const labelled = [...(el.labels || [])].some(l => l.textContent.trim()) ||
      (el.getAttribute('aria-label') || '').trim() || el.getAttribute('aria-labelledby');
    if (!labelled) out.push('field without a label: ' + name(el));
  }
  for (const el of document.querySelectorAll('a[href], button')) {
    if (!el.textContent.trim() && !(el.getAttribute('aria-label') || '').trim()) out.push('link or button without text: ' + name(el));
  }
  for (const el of document.querySelectorAll('.r-outstanding, .r-good, .r-ri, .r-inadequate')) {
    if (el.textContent.trim()) continue;
    // A decorative swatch, or a chart cell's box, is read with the text beside it.
    const decorative = el.getAttribute('aria-hidden') === 'true' || el.tagName.toLowerCase() === 'rect';
    if (!decorative || !(el.parentElement && el.parentElement.textContent.trim())) out.push('rating colour without text: ' + name(el));
  }
  const rgba = s => { const m = s.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('svg') || !el.getClientRects().length) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.clip === 'rect(0px, 0px, 0px, 0px)') continue;
    const a = lum(rgba(st.color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) out.push('contrast ' + ratio.toFixed(2) + ' < ' + need + ': ' + name(el));
  }
  return out;
})()`

func (tb *tab) checkA11y() {
	tb.t.Helper()
	where := tb.location()
	for _, p := range eval[[]string](tb, a11yProblems) {
		tb.t.Errorf("%s: %s", where, p)
	}
}
