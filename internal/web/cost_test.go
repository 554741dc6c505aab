package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/internal/web"
)

// floodQuery is a query string of n OR parts of two wildcards each, no two
// parts alike ("*ab* *c*l OR *bc* *f*r OR ...").
func floodQuery(n int) string {
	const letters = "abcdefghilmnoprstuw"
	l := func(i int) byte { return letters[i%len(letters)] }
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("*%c%c* *%c*%c", l(i), l(i+7*(i/len(letters))+1), l(3*i+2), l(5*i+11))
	}
	return strings.Join(parts, " OR ")
}

// The query of 77 wildcard parts gets a 400 naming the limit (or a 503)
// well within the request timeout, from the API and from an export.
func TestWildcardFloodServer(t *testing.T) {
	srv := demoServer(t)
	q := floodQuery(77)
	if len(q) > web.DefaultMaxQueryLen {
		t.Fatalf("query of %d bytes, over the limit of %d", len(q), web.DefaultMaxQueryLen)
	}
	for _, path := range []string{
		"/api/search?scope=all&q=" + url.QueryEscape(q),
		"/?scope=all&q=" + url.QueryEscape(q),
		"/export.csv?q=" + url.QueryEscape(q),
	} {
		start := time.Now()
		r := get(t, srv, path)
		took := time.Since(start)
		t.Logf("%.40s...: %d in %v", path, r.code, took)
		switch {
		case r.code == http.StatusBadRequest:
			if !strings.Contains(r.body, "limit") {
				t.Errorf("%.40s...: 400 without the limit: %.300s", path, r.body)
			}
		case r.code == http.StatusServiceUnavailable:
		case r.code == http.StatusOK && strings.HasPrefix(path, "/export"):
			// The findings alone may be within the limits.
		default:
			t.Errorf("%.40s...: %d, want 400 or 503: %.300s", path, r.code, r.body)
		}
		if took > 11*time.Second {
			t.Errorf("%.40s...: answered after %v, want within 11s", path, took)
		}
		if strings.HasPrefix(path, "/api/") && r.code == http.StatusBadRequest {
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || !strings.Contains(e.Error, "(the limit for one") {
				t.Errorf("API error %q (%v)", r.body, err)
			}
		}
	}
}

// An export is held to the request timeout, not only to the export
// timeout: its search and each batch have the request's time.
func TestExportRequestTimeout(t *testing.T) {
	srv, _ := testServer(t, web.Options{RequestTimeout: time.Nanosecond, ExportBatch: 2})
	r := get(t, srv, "/export.csv?q=trust")
	if r.code != http.StatusServiceUnavailable {
		t.Errorf("export with a 1ns request timeout: %d, want 503\n%.300s", r.code, r.body)
	}
}
