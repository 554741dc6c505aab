package web_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
)

// TestOCRNote: the evidence view says when a page's text was recognised
// from a scan, and warns when the recogniser was unsure.
func TestOCRNote(t *testing.T) {
	dir := t.TempDir()
	fx := newFixture(dir, "elmstead-letters.pdf", extract.FormatPDF,
		extract.Page{Number: 1, Text: "Elmstead Care Home\nInspection report"},
		extract.Page{Number: 2, Text: "Warning notice\nElmstead Care Home must improve the safe management of medicines.", OCR: true, Confidence: 91.4},
		extract.Page{Number: 3, Text: "Signed for the provider", OCR: true, Confidence: 52.5},
	)
	fx.record("Elmstead Care Home warning notice", "Elmstead Care Home", "warning notice", "2019-03")
	ix, err := index.Open(filepath.Join(dir, "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Add(ctx, fx.doc, fx.findings); err != nil {
		t.Fatal(err)
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(ix, web.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, tc := range []struct {
		page       string
		note, warn bool
	}{{"1", false, false}, {"2", true, false}, {"3", true, true}} {
		doc := page(t, srv, "/doc/"+fx.doc.ID+"?page="+tc.page)
		note := len(findAll(doc, func(n *html.Node) bool { return attr(n, "id") == "ocr-note" })) > 0
		if note != tc.note {
			t.Errorf("page %s: OCR note %v, want %v", tc.page, note, tc.note)
			continue
		}
		if !note {
			continue
		}
		s := text(byID(t, doc, "ocr-note"))
		if !strings.Contains(s, "Text recognised from a scan") || strings.Contains(s, "low confidence") != tc.warn {
			t.Errorf("page %s: note %q", tc.page, s)
		}
	}
}
