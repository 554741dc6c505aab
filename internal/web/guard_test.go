package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// addrServer serves ix on a loopback port and tells the handler that
// address, as cqcmine serve does.
func addrServer(t *testing.T, ix *index.Index, opt web.Options) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	opt.Addr = srv.Listener.Addr().String()
	h, err := web.New(ix, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// do sends a request with the given method and Host header.
func do(t *testing.T, srv *httptest.Server, method, host, path string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := srv.Client()
	client.Timeout = 20 * time.Second
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s (Host %s): %v", method, path, host, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// jsonError wants r to be a JSON error with status code.
func jsonError(t *testing.T, what string, r response, code int) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.code != code || e.Error == "" ||
		r.hdr.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("%s: %d %s %q, want %d with a JSON error", what, r.code, r.hdr.Get("Content-Type"), r.body, code)
	}
}

// htmlError wants r to be an error page with status code.
func htmlError(t *testing.T, what string, r response, code int, want string) {
	t.Helper()
	if r.code != code || r.hdr.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(r.body, want) {
		t.Errorf("%s: %d %s, want %d page saying %q\n%s", what, r.code, r.hdr.Get("Content-Type"), code, want, r.body)
	}
}

// TestHostHeader: a request that names another host, as a page that
// rebinds its own name to 127.0.0.1 makes, gets 421 on every path; a
// loopback name at the served port is answered.
func TestHostHeader(t *testing.T) {
	ix, fxs := buildIndex(t)
	srv := addrServer(t, ix, web.Options{Hosts: []string{"reports.example.org", "192.0.2.7"}})
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	other := strconv.Itoa(func() int { p, _ := strconv.Atoi(port); return p%60000 + 1 }())
	paths := []string{"/", "/api/search?q=ligature", "/file/" + fxs[0].doc.ID, "/doc/" + fxs[0].doc.ID, "/api/documents/" + fxs[0].doc.ID, "/export.csv"}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"LocalHost.:" + port, true},
		{"[::1]:" + port, true},
		{"127.0.0.2:" + port, true},
		{"reports.example.org:" + port, true},
		{"Reports.Example.Org:" + port, true},
		{"192.0.2.7:" + port, true},
		{"rebind.attacker.example:" + port, false},
		{"localhost.attacker.example:" + port, false},
		{"127.0.0.1.nip.io:" + port, false},
		{"localhost:" + other, false},
		{"localhost", false}, // port 80
		{"192.0.2.8:" + port, false},
		{"reports.example.org.attacker.example:" + port, false},
		{"[::1]", false},
	} {
		for _, path := range paths {
			r := do(t, srv, http.MethodGet, tc.host, path)
			switch {
			case tc.ok && r.code != http.StatusOK:
				t.Errorf("GET %s, Host %s: %d, want 200", path, tc.host, r.code)
			case !tc.ok && strings.HasPrefix(path, "/api/"):
				jsonError(t, "GET "+path+", Host "+tc.host, r, http.StatusMisdirectedRequest)
			case !tc.ok:
				htmlError(t, "GET "+path+", Host "+tc.host, r, http.StatusMisdirectedRequest, "does not answer to the name")
				if strings.HasPrefix(path, "/file/") && strings.Contains(r.body, string(fxs[0].data[:20])) {
					t.Errorf("GET %s, Host %s: the original is in the answer", path, tc.host)
				}
			}
		}
	}
}

// TestSwappedOriginal replaces indexed files by what must not be served:
// a symbolic link to another file, a FIFO (which would block a reader),
// a directory, other content. None is served; each answer says why, and
// quickly. A file put back as it was is served again.
func TestSwappedOriginal(t *testing.T) {
	ix, fxs := buildIndex(t)
	srv := addrServer(t, ix, web.Options{})
	dir := t.TempDir()
	secret := filepath.Join(dir, "elsewhere.txt")
	if err := os.WriteFile(secret, []byte("Private notes of Elmstead Care Home, never indexed.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a, b, c := fxs[0], fxs[1], fxs[2]
	file := func(fx *fixture) response {
		t.Helper()
		start := time.Now()
		r := do(t, srv, http.MethodGet, "", "/file/"+fx.doc.ID)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("GET /file of %s took %v", filepath.Base(fx.doc.Path), d)
		}
		return r
	}
	for _, fx := range fxs {
		if r := file(fx); r.code != http.StatusOK || r.body != string(fx.data) {
			t.Fatalf("GET /file of %s before any swap: %d", fx.doc.Path, r.code)
		}
	}

	swap := func(fx *fixture, put func(path string) error) {
		t.Helper()
		if err := os.Remove(fx.doc.Path); err != nil {
			t.Fatal(err)
		}
		if err := put(fx.doc.Path); err != nil {
			t.Fatal(err)
		}
	}
	// A symbolic link to a file outside the collection.
	swap(a, func(p string) error { return os.Symlink(secret, p) })
	r := file(a)
	htmlError(t, "symlink to another file", r, http.StatusGone, "symbolic link")
	if strings.Contains(r.body, "Private notes") {
		t.Error("the symlink's target was served")
	}
	// A symbolic link to another document of the collection.
	if err := os.Remove(a.doc.Path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(c.doc.Path, a.doc.Path); err != nil {
		t.Fatal(err)
	}
	htmlError(t, "symlink to another document", file(a), http.StatusGone, "symbolic link")
	// A FIFO: opening it for reading would wait for a writer for ever.
	swap(b, func(p string) error { return syscall.Mkfifo(p, 0o600) })
	htmlError(t, "FIFO", file(b), http.StatusGone, "named pipe")
	// A directory.
	swap(b, func(p string) error { return os.Mkdir(p, 0o700) })
	htmlError(t, "directory", file(b), http.StatusGone, "directory")
	// Another file's content at the path.
	swap(c, func(p string) error { return os.WriteFile(p, a.data, 0o644) })
	htmlError(t, "other content", file(c), http.StatusConflict, "has changed since it was indexed")

	// The same size and other bytes, written in place (same inode): the
	// new modification time makes the server hash it again.
	swap(c, func(p string) error { return os.WriteFile(p, c.data, 0o644) })
	if r := file(c); r.code != http.StatusOK || r.body != string(c.data) {
		t.Fatalf("the original put back: %d", r.code)
	}
	changed := []byte(strings.Replace(string(c.data), "medicines", "Medicines", 1))
	if len(changed) != len(c.data) || string(changed) == string(c.data) {
		t.Fatal("the fixture has no word to change")
	}
	f, err := os.OpenFile(c.doc.Path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(changed, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(c.doc.Path, later, later)
	htmlError(t, "content changed in place", file(c), http.StatusConflict, "has changed since it was indexed")

	// Put back, the original is served again, ranges and all.
	swap(a, func(p string) error { return os.WriteFile(p, a.data, 0o644) })
	if r := file(a); r.code != http.StatusOK || r.body != string(a.data) {
		t.Errorf("the original put back: %d, %d bytes", r.code, len(r.body))
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/file/"+a.doc.ID, nil)
	req.Header.Set("Range", "bytes=0-7")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || string(head) != "%PDF-1.4" {
		t.Errorf("range request after the hash check: %d %q", resp.StatusCode, head)
	}
	// Gone altogether: 404.
	if err := os.Remove(a.doc.Path); err != nil {
		t.Fatal(err)
	}
	htmlError(t, "removed", file(a), http.StatusNotFound, "no longer where it was indexed")
}

// TestOpenRegular opens only regular files, and returns at once for a
// FIFO.
func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "report.txt")
	os.WriteFile(reg, []byte("Northvale NHS Foundation Trust must act.\n"), 0o644)
	link := filepath.Join(dir, "link.txt")
	os.Symlink(reg, link)
	fifo := filepath.Join(dir, "pipe.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		wantErr error
	}{
		{reg, nil},
		{link, web.ErrNotRegular},
		{fifo, web.ErrNotRegular},
		{dir, web.ErrNotRegular},
		{filepath.Join(dir, "missing.txt"), fs.ErrNotExist},
	} {
		done := make(chan error, 1)
		go func() {
			f, err := web.OpenRegular(tc.path)
			if err == nil {
				f.Close()
			}
			done <- err
		}()
		select {
		case err := <-done:
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("OpenRegular(%s): %v, want %v", filepath.Base(tc.path), err, tc.wantErr)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("OpenRegular(%s) blocks", filepath.Base(tc.path))
		}
	}
}

// TestAPIErrorsAreJSON: the API answers a too-long address, a wrong
// method and an unknown endpoint in JSON; the pages keep their pages.
func TestAPIErrorsAreJSON(t *testing.T) {
	srv, fxs := testServer(t, web.Options{})
	long := strings.Repeat("x", 9000)
	jsonError(t, "long query", do(t, srv, http.MethodGet, "", "/api/search?q="+long), http.StatusRequestURITooLong)
	jsonError(t, "long path", do(t, srv, http.MethodGet, "", "/api/documents/"+long), http.StatusRequestURITooLong)
	htmlError(t, "long page address", do(t, srv, http.MethodGet, "", "/?q="+long), http.StatusRequestURITooLong, "too long")
	htmlError(t, "long page path", do(t, srv, http.MethodGet, "", "/doc/"+long), http.StatusRequestURITooLong, "too long")
	for _, path := range []string{"/api/search?q=ligature", "/api/documents/" + fxs[0].doc.ID, "/api/providers", "/api/providers/" + strings.ReplaceAll(trust, " ", "%20") + "/timeline"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			r := do(t, srv, m, "", path)
			jsonError(t, m+" "+path, r, http.StatusMethodNotAllowed)
			if allow := r.hdr.Get("Allow"); allow != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q", m, path, allow)
			}
		}
		if r := do(t, srv, http.MethodHead, "", path); r.code != http.StatusOK {
			t.Errorf("HEAD %s: %d", path, r.code)
		}
	}
	for _, path := range []string{"/api/nothing", "/api", "/api/search/more", "/api/documents/"} {
		jsonError(t, "GET "+path, do(t, srv, http.MethodGet, "", path), http.StatusNotFound)
	}
	jsonError(t, "POST /api/nothing", do(t, srv, http.MethodPost, "", "/api/nothing"), http.StatusNotFound)
	htmlError(t, "POST /doc", do(t, srv, http.MethodPost, "", "/doc/"+fxs[0].doc.ID), http.StatusMethodNotAllowed, "read-only")
	htmlError(t, "GET /nowhere", do(t, srv, http.MethodGet, "", "/nowhere"), http.StatusNotFound, "no page at this address")
}

// manyFindings indexes one three-page document with n findings spread
// over its pages, in page order, and serves it.
func manyFindings(t *testing.T, n int, opt web.Options) (*httptest.Server, *extract.Document, []extract.Finding) {
	t.Helper()
	dir := t.TempDir()
	var pages []extract.Page
	for p := 1; p <= 3; p++ {
		pages = append(pages, extract.Page{Number: p, Text: fmt.Sprintf("Brackenford General Hospital, page %d.\nThe trust must ensure that ward %d is staffed safely.\n", p, p)})
	}
	fx := newFixture(dir, "brackenford.pdf", extract.FormatPDF, pages...)
	fx.record("Brackenford General Hospital inspection report", "Brackenford General Hospital NHS Trust", "inspection report", "2024-03-01")
	for i := range n {
		p := 1 + i*3/n
		fx.find(t, p, fmt.Sprintf("ward %d is staffed safely", p), extract.Finding{Kind: extract.KindMustDo,
			Subject: fmt.Sprintf("ward %d, item %d", p, i), Provider: "Brackenford General Hospital NHS Trust"})
	}
	if err := os.WriteFile(fx.doc.Path, fx.data, 0o644); err != nil {
		t.Fatal(err)
	}
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
	h, err := web.New(ix, opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, fx.doc, fx.findings
}

// listed returns the finding numbers (f=) of the findings list.
func listed(t *testing.T, doc *html.Node) []int {
	t.Helper()
	var ks []int
	for _, li := range byClass(byID(t, doc, "findings"), "finding") {
		a := findAll(li, func(n *html.Node) bool { return n.Data == "a" })[0]
		u, err := url.Parse(attr(a, "href"))
		if err != nil {
			t.Fatal(err)
		}
		k, err := strconv.Atoi(u.Query().Get("f"))
		if err != nil {
			t.Fatalf("finding link %q", attr(a, "href"))
		}
		ks = append(ks, k)
	}
	return ks
}

// TestDocFindingsPaging: the evidence view lists a document's findings a
// page at a time; the list opens at the page of the chosen finding or of
// the text's page, and turns with its own links.
func TestDocFindingsPaging(t *testing.T) {
	const per = 10
	srv, d, finds := manyFindings(t, 25, web.Options{DocFindings: per})
	// finds[0] is the record; findings 1..25 are on pages 1 (1-9), 2 (10-17),
	// 3 (18-25).
	base := "/doc/" + d.ID
	doc := page(t, srv, base)
	if ks := listed(t, doc); len(ks) != per || ks[0] != 1 || ks[per-1] != per {
		t.Fatalf("first list page: %v", ks)
	}
	if got := text(byID(t, doc, "findings-range")); got != "Showing 1–10 of 25." {
		t.Errorf("range %q", got)
	}
	if len(byClass(doc, "findings-prev")) != 0 {
		t.Error("the first list page links to a previous one")
	}
	next := attr(byClass(doc, "findings-next")[0], "href")
	doc = page(t, srv, next)
	if ks := listed(t, doc); len(ks) != per || ks[0] != 11 {
		t.Errorf("second list page (%s): %v", next, ks)
	}
	if attr(byID(t, doc, "findings"), "start") != "11" {
		t.Error("the second list page does not number from 11")
	}
	if n := byID(t, doc, "page-number"); text(n) != "1" {
		t.Errorf("turning the list changed the text's page to %s", text(n))
	}
	doc = page(t, srv, attr(byClass(doc, "findings-next")[0], "href"))
	if ks := listed(t, doc); len(ks) != 5 || ks[4] != 25 || len(byClass(doc, "findings-next")) != 0 {
		t.Errorf("last list page: %v", ks)
	}
	doc = page(t, srv, attr(byClass(doc, "findings-prev")[0], "href"))
	if ks := listed(t, doc); ks[0] != 11 {
		t.Errorf("back a list page: %v", ks)
	}

	// A page's evidence link opens the list where that page's findings
	// are, and a finding's link marks it and lists it as current.
	for k := 1; k < len(finds); k++ {
		f := finds[k]
		doc := page(t, srv, fmt.Sprintf("%s?page=%d&f=%d", base, f.Page, k))
		if got := text(byID(t, doc, "hit")); got != f.Text {
			t.Errorf("f=%d: mark %q", k, got)
		}
		cur := byClass(byID(t, doc, "findings"), "current")
		if len(cur) != 1 {
			t.Errorf("f=%d: %d findings current in the list %v", k, len(cur), listed(t, doc))
		}
	}
	doc = page(t, srv, base+"?page=3")
	if ks := listed(t, doc); !slicesContain(ks, 18) {
		t.Errorf("page 3: list %v lacks page 3's first finding", ks)
	}
	// A search hit's link (page, start, end, kind).
	f := finds[20]
	doc = page(t, srv, fmt.Sprintf("%s?page=%d&start=%d&end=%d&kind=must-do", base, f.Page, f.Start, f.End))
	if text(byID(t, doc, "hit")) != f.Text || !slicesContain(listed(t, doc), 18) {
		t.Errorf("hit link: list %v", listed(t, doc))
	}
	for _, q := range []string{"fpage=4", "fpage=0", "fpage=x"} {
		htmlError(t, q, do(t, srv, http.MethodGet, "", base+"?"+q), http.StatusBadRequest, "")
	}
}

func slicesContain(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestDocManyFindings: a document with 50,001 findings makes an evidence
// page of modest size with the default list length.
func TestDocManyFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 50,001 findings")
	}
	const n = 50001
	t0 := time.Now()
	srv, d, _ := manyFindings(t, n, web.Options{})
	t.Logf("indexed in %v", time.Since(t0))
	for _, path := range []string{"/doc/" + d.ID, "/doc/" + d.ID + "?page=3", fmt.Sprintf("/doc/%s?page=2&f=%d", d.ID, n/2)} {
		t1 := time.Now()
		r := get(t, srv, path)
		t.Logf("GET %s: %v, %d bytes", path, time.Since(t1), len(r.body))
		if r.code != http.StatusOK || len(r.body) > 256<<10 {
			t.Errorf("GET %s: %d, %d bytes", path, r.code, len(r.body))
		}
		doc, err := html.Parse(strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		if ks := listed(t, doc); len(ks) != web.DefaultDocFindings {
			t.Errorf("GET %s: %d findings listed", path, len(ks))
		}
		if got := text(byClass(doc, "count")[0]); got != strconv.Itoa(n) {
			t.Errorf("GET %s: count %q", path, got)
		}
	}
}
