package web_test

import (
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cqcmine/cqcmine/internal/web"
)

// TestDocCitation: the evidence page cites the marked finding and the
// page shown, as text to select and with the copy button of the search
// page.
func TestDocCitation(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	a := fxs[0]
	const title = `Care Quality Commission, “Marshwick Valley NHS Foundation Trust inspection report”, published 14 May 2019`
	copyButton := func(t *testing.T, n *html.Node, want string) {
		t.Helper()
		bs := byClass(n, "copy-cite")
		if len(bs) != 1 {
			t.Fatalf("%d copy buttons, want 1", len(bs))
		}
		if got := attr(bs[0], "data-copy"); got != want {
			t.Errorf("copy button copies\n %q\nwant %q", got, want)
		}
	}
	citeText := func(t *testing.T, n *html.Node) string {
		t.Helper()
		cs := byClass(n, "cite-text")
		if len(cs) != 1 {
			t.Fatalf("%d citations, want 1", len(cs))
		}
		return strings.Join(strings.Fields(text(cs[0])), " ")
	}
	hasScript := func(t *testing.T, doc *html.Node) {
		t.Helper()
		for _, s := range findAll(doc, func(n *html.Node) bool { return n.Data == "script" }) {
			if attr(s, "src") == "/static/copy.js" {
				return
			}
		}
		t.Error("the page does not load copy.js")
	}

	t.Run("marked finding, on another page than the one shown", func(t *testing.T) {
		// Finding 4 is the ligature must-do on page 2; page 3 is shown.
		doc := page(t, srv, "/doc/"+a.doc.ID+"?f=4&page=3")
		hasScript(t, doc)
		cur := byID(t, doc, "current-finding")
		url := srv.URL + "/doc/" + a.doc.ID + "?end="
		got := citeText(t, cur)
		if want := title + ", p. 2, " + url; !strings.HasPrefix(got, want) {
			t.Errorf("finding cited\n %s\nwant %s…", got, want)
		}
		f := a.findings[4]
		link := srv.URL + "/doc/" + a.doc.ID + "?end=" + strconv.Itoa(f.End) + "&kind=must-do&page=2&start=" + strconv.Itoa(f.Start) + "#hit"
		copyButton(t, cur, title+", p. 2, "+link)

		pc := byID(t, doc, "page-cite")
		if got, want := citeText(t, pc), title+", p. 3, "+srv.URL+"/doc/"+a.doc.ID+"?page=3"; got != want {
			t.Errorf("page cited\n %s\nwant %s", got, want)
		}
		copyButton(t, pc, title+", p. 3, "+srv.URL+"/doc/"+a.doc.ID+"?page=3")
	})

	t.Run("no marked finding", func(t *testing.T) {
		doc := page(t, srv, "/doc/"+a.doc.ID+"?page=1")
		if n := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "current-finding" }); len(n) != 0 {
			t.Fatal("a finding is marked")
		}
		if got := len(byClass(doc, "cite-text")); got != 1 {
			t.Errorf("%d citations, want the page's only", got)
		}
		if got, want := citeText(t, byID(t, doc, "page-cite")), title+", p. 1, "+srv.URL+"/doc/"+a.doc.ID+"?page=1"; got != want {
			t.Errorf("page cited\n %s\nwant %s", got, want)
		}
	})

	t.Run("unpaged document", func(t *testing.T) {
		c := fxs[2]
		doc := page(t, srv, "/doc/"+c.doc.ID)
		want := `Care Quality Commission, “Fenbridge warning notice”, published February 2020, ` + srv.URL + "/doc/" + c.doc.ID
		if got := citeText(t, byID(t, doc, "page-cite")); got != want {
			t.Errorf("page cited\n %s\nwant %s", got, want)
		}
	})
}
