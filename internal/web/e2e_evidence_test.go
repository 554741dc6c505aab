package web_test

import (
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// e2eCitations: each hit shows its citation, and the copy button the
// script reveals copies it (or says to select it where the browser
// refuses the clipboard).
func e2eCitations(tb *tab) {
	t := tb.t
	tb.open("/?q=ligature&kind=must-do")
	type cites struct {
		Hits    int      `json:"hits"`
		Texts   []string `json:"texts"`
		Buttons int      `json:"buttons"` // copy buttons shown
		Feed    string   `json:"feed"`
	}
	c := eval[cites](tb, `(() => ({
  hits: document.querySelectorAll('#results li.hit').length,
  texts: [...document.querySelectorAll('#results li.hit .citation')].map(e => e.innerText),
  buttons: [...document.querySelectorAll('#results li.hit button.copy-cite')].filter(b => !b.hidden && b.offsetParent !== null).length,
  feed: (document.querySelector('link[rel=alternate][type="application/atom+xml"]') || {href: ''}).href,
}))()`)
	if c.Hits == 0 || len(c.Texts) != c.Hits {
		t.Fatalf("%d hits, %d citations", c.Hits, len(c.Texts))
	}
	for _, s := range c.Texts {
		if !strings.Contains(s, "Care Quality Commission, “") || !strings.Contains(s, "/doc/") {
			t.Errorf("citation %q", s)
		}
	}
	if c.Buttons != c.Hits {
		t.Errorf("%d copy buttons shown for %d hits", c.Buttons, c.Hits)
	}
	if !strings.Contains(c.Feed, "/feed.atom?") {
		t.Errorf("no Atom feed announced: %q", c.Feed)
	}
	tb.do("copy the first citation", chromedp.Click(chromedp.CSS(`#results li.hit button.copy-cite`)))
	label := ""
	for range 20 {
		time.Sleep(50 * time.Millisecond)
		label = eval[string](tb, `document.querySelector('#results li.hit button.copy-cite').textContent`)
		if label != "Copy citation" {
			break
		}
	}
	if label != "Copied" && !strings.HasPrefix(label, "Copy failed") {
		t.Errorf("copy button says %q after a click", label)
	}
	tb.screenshot("citations")
}

// e2eProviderEvidence: the provider page leads with the recurring
// actions, then the timeline, the quality statement scores and the claims
// table with conflicts first.
func e2eProviderEvidence(tb *tab) {
	t := tb.t
	tb.open("/providers")
	tb.follow("open the provider", chromedp.Click(chromedp.CSS(`#providers a`)))
	type page struct {
		Order     []string `json:"order"`
		Groups    int      `json:"groups"`
		Dates     []string `json:"dates"`
		Still     bool     `json:"still"`
		Verdicts  []string `json:"verdicts"`
		Scores    []string `json:"scores"`
		ODS       string   `json:"ods"`
		Locations int      `json:"locations"`
	}
	p := eval[page](tb, `(() => {
  const g = document.querySelector('#recurring .recurring-group');
  return {
    order: [...document.querySelectorAll('main section[id]')].map(s => s.id),
    groups: document.querySelectorAll('#recurring .recurring-group').length,
    dates: g ? [...g.querySelectorAll('li > .published')].map(e => e.textContent) : [],
    still: !!(g && g.querySelector('.still-raised')),
    verdicts: [...document.querySelectorAll('#claims-table tr.claim .verdict')].map(e => e.textContent),
    scores: [...document.querySelectorAll('#scores-table tbody tr')].map(r => r.querySelector('th').textContent + ' ' + r.querySelector('.score-cell').textContent),
    ods: (document.getElementById('ods-code') || {textContent: ''}).textContent,
    locations: document.querySelectorAll('#locations li').length,
  };
})()`)
	if len(p.Order) == 0 || p.Order[0] != "recurring" {
		t.Errorf("sections %q: the page should lead with recurring actions", p.Order)
	}
	distinct := map[string]bool{}
	for _, d := range p.Dates {
		if d != "undated" {
			distinct[d] = true
		}
	}
	if p.Groups == 0 || len(distinct) < 2 || !p.Still {
		t.Errorf("recurring: %d groups, first over dates %q, still raised %v", p.Groups, p.Dates, p.Still)
	}
	if len(p.Verdicts) == 0 || p.Verdicts[0] != "conflicts" || !strings.Contains(strings.Join(p.Verdicts, " "), "agrees") {
		t.Errorf("claims verdicts %q: want conflicts first and some agreeing", p.Verdicts)
	}
	if len(p.Scores) < 6 {
		t.Errorf("scores %q", p.Scores)
	}
	if !strings.Contains(p.ODS, "RZ9") || p.Locations == 0 {
		t.Errorf("ODS code %q, %d locations", p.ODS, p.Locations)
	}
	tb.screenshot("provider-recurring")
	eval[bool](tb, `(document.getElementById('claims').scrollIntoView(), true)`)
	tb.screenshot("provider-claims")
	eval[bool](tb, `(document.getElementById('scores').scrollIntoView(), true)`)
	tb.screenshot("provider-scores")
}
