package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/pdf"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// TestPagePhrasesOnRealPDFs indexes the page text of the real PDFs and
// checks quoted phrases on pages against every page, analysed as the index
// analyses it: a phrase returns exactly the pages that hold its words in
// order, next to each other (stop words keeping their places), and a
// returned page's snippet marks the phrase.
func TestPagePhrasesOnRealPDFs(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts every real PDF")
	}
	dir := shared.Dir(t, "pdfs/real")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	type page struct {
		key   pageKey
		text  string
		terms []Term
	}
	var (
		mu    sync.Mutex
		docs  []*extract.Document
		pages []page
	)
	work := make(chan string)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if strings.HasSuffix(f, ".tsv") {
					continue
				}
				data, err := os.ReadFile(f)
				if err != nil {
					t.Error(err)
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				c, err := pdf.Extractor{}.Extract(ctx, data, extract.DefaultLimits)
				cancel()
				if err != nil || c == nil {
					continue // not every real PDF has text; the extractor's own tests judge that
				}
				sum := sha256.Sum256(data)
				d := &extract.Document{Path: f, ID: hex.EncodeToString(sum[:]), Format: extract.FormatPDF, Content: *c}
				mu.Lock()
				docs = append(docs, d)
				for _, p := range c.Pages {
					pages = append(pages, page{pageKey{d.ID, p.Number}, p.Text, TextTerms(p.Text)})
				}
				mu.Unlock()
			}
		}()
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	if len(pages) < 100 {
		t.Fatalf("only %d pages of text from %d files", len(pages), len(files))
	}

	ix, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		if err := ix.Add(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	byKey := map[pageKey]*page{}
	for i := range pages {
		byKey[pages[i].key] = &pages[i]
	}

	// Phrases: some typed, and runs of two to four words taken from
	// pages, in their order and reversed.
	phrases := []string{"copyright wars", "care quality commission", "of the", "United States", "table of contents"}
	r := rand.New(rand.NewPCG(13, 13))
	for len(phrases) < 60 {
		p := pages[r.IntN(len(pages))]
		if len(p.terms) < 8 {
			continue
		}
		n := 2 + r.IntN(3)
		i := r.IntN(len(p.terms) - n)
		words := strings.Fields(p.text[p.terms[i].Start:p.terms[i+n-1].End])
		phrases = append(phrases, strings.Join(words, " "))
		for a, b := 0, len(words)-1; a < b; a, b = a+1, b-1 {
			words[a], words[b] = words[b], words[a]
		}
		phrases = append(phrases, strings.Join(words, " "))
	}

	for _, ph := range phrases {
		want := map[pageKey]bool{}
		pt := TextTerms(ph)
		if len(pt) < 2 {
			continue
		}
		for i := range pages {
			if holdsPhrase(pages[i].terms, pt) {
				want[pages[i].key] = true
			}
		}
		res := doSearch(t, ix, Query{Text: `"` + strings.ReplaceAll(ph, `"`, "") + `"`, Scope: ScopePages, Limit: MaxLimit})
		if res.Total != uint64(len(want)) {
			t.Errorf("%q: %d pages, %d hold the phrase", ph, res.Total, len(want))
		}
		for _, h := range res.Hits {
			k := pageKey{h.DocID, h.Page}
			if !want[k] {
				t.Errorf("%q: page %d of %s does not hold the phrase", ph, h.Page, filepath.Base(h.Path))
				continue
			}
			if !snippetHolds(h.Snippet, pt) {
				t.Errorf("%q: the snippet of page %d of %s does not mark the phrase: %+v", ph, h.Page, filepath.Base(h.Path), h.Snippet)
			}
		}
	}
}

// holdsPhrase reports whether terms hold the phrase p: its terms at the
// same distances.
func holdsPhrase(terms, p []Term) bool {
	at := map[int]string{}
	for _, t := range terms {
		at[t.Position] = t.Term
	}
	for _, t := range terms {
		if t.Term != p[0].Term {
			continue
		}
		ok := true
		for _, w := range p[1:] {
			if at[t.Position+w.Position-p[0].Position] != w.Term {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// snippetHolds reports whether some marked part of the snippet is the
// phrase.
func snippetHolds(frags []Fragment, p []Term) bool {
	for _, f := range frags {
		if f.Match != "" && holdsPhrase(TextTerms(f.Match), p) {
			return true
		}
	}
	return false
}
