package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
	"github.com/cqcmine/cqcmine/internal/testindex"
	"github.com/cqcmine/cqcmine/internal/web"
)

// demoIndexDir builds an index of the demo corpus and returns its
// directory, closed, for the commands to open; and the recurring actions
// the index/evidence package finds in it, for the commands to agree with.
func demoIndexDir(t *testing.T) (string, *index.Results) {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	ix, _, err := testindex.Demo(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := evidence.SearchRecurring(ctx, ix, index.Query{Limit: index.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, want
}

// searchJSON is what cqcmine search --json prints, as far as the tests
// read it.
type searchJSON struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		DocID    string           `json:"doc_id"`
		Kind     string           `json:"kind"`
		Finding  *extract.Finding `json:"finding"`
		Citation *web.Citation    `json:"citation"`
	} `json:"hits"`
}

func TestSearchRecurringAndCitations(t *testing.T) {
	dir, want := demoIndexDir(t)
	if want.Total == 0 {
		t.Fatal("the demo corpus has no recurring actions")
	}

	t.Run("json", func(t *testing.T) {
		var all, rec searchJSON
		for _, tc := range []struct {
			args []string
			res  *searchJSON
		}{
			{[]string{"search", "--index", dir, "--json", "--no-facets", "--limit", "100", "--kind", "must-do", "--kind", "should-do"}, &all},
			{[]string{"search", "--index", dir, "--json", "--no-facets", "--limit", "100", "--recurring"}, &rec},
		} {
			code, out, errOut := run(t, tc.args...)
			if code != exitOK {
				t.Fatalf("%v: exit %d: %s", tc.args, code, errOut)
			}
			if err := json.Unmarshal([]byte(out), tc.res); err != nil {
				t.Fatalf("%v: %v\n%s", tc.args, err, out)
			}
		}
		if rec.Total != want.Total || len(rec.Hits) != len(want.Hits) {
			t.Errorf("--recurring gives %d hits of %d, index/evidence %d of %d", len(rec.Hits), rec.Total, len(want.Hits), want.Total)
		}
		if rec.Total >= all.Total {
			t.Errorf("--recurring keeps %d of %d must-dos and should-dos: it filters nothing", rec.Total, all.Total)
		}
		for i, h := range rec.Hits {
			if h.Kind != string(extract.KindMustDo) && h.Kind != string(extract.KindShouldDo) {
				t.Errorf("recurring hit %d is a %s", i, h.Kind)
			}
			if i < len(want.Hits) && h.DocID != want.Hits[i].DocID {
				t.Errorf("recurring hit %d in %s, index/evidence has it in %s", i, h.DocID, want.Hits[i].DocID)
			}
		}
		for i, h := range all.Hits {
			c := h.Citation
			if c == nil {
				t.Fatalf("hit %d has no citation", i)
			}
			if h.Finding != nil && h.Finding.Page > 0 && !strings.HasSuffix(c.Text, ", p. "+strconv.Itoa(h.Finding.Page)) {
				t.Errorf("hit %d on page %d cited %q", i, h.Finding.Page, c.Text)
			}
			if !strings.HasPrefix(c.URL, "/doc/"+h.DocID) || !strings.Contains(c.Text, "“") {
				t.Errorf("hit %d cited %+v", i, c)
			}
		}
	})

	t.Run("text", func(t *testing.T) {
		code, out, errOut := run(t, "search", "--index", dir, "--no-facets", "--limit", "5", "--recurring")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		cites := regexp.MustCompile(`(?m)^     Cite: (.+)$`).FindAllStringSubmatch(out, -1)
		if len(cites) != min(5, len(want.Hits)) {
			t.Fatalf("%d citation lines for %d hits:\n%s", len(cites), min(5, len(want.Hits)), out)
		}
		for i, c := range cites {
			h := want.Hits[i]
			if w := web.CiteResults("", &index.Results{Hits: []index.Hit{h}}).Hits[0].Citation.Text; c[1] != w {
				t.Errorf("hit %d cited\n %s\nwant %s", i, c[1], w)
			}
		}
	})
}

// TestSearchHelpQueryLimits: cqcmine search -h and the README state the
// index's query limits at their current values.
func TestSearchHelpQueryLimits(t *testing.T) {
	grouped := func(n int) string {
		s := strconv.Itoa(n)
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + "," + s[i:]
		}
		return s
	}
	phrases := []string{
		"at most " + grouped(index.MaxExpandingTerms) + " wildcard, regexp, prefix or fuzzy terms",
		"at most " + grouped(index.MaxTermExpansion) + " words of the index",
		"the whole query for at most " + grouped(index.MaxQueryExpansion) + " words",
		"at most " + strconv.Itoa(index.QueryMemoryBudget>>20) + " MiB of memory",
	}
	flat := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	_, _, help := run(t, "search", "-h")
	help = flat(help)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range phrases {
		if !strings.Contains(help, want) {
			t.Errorf("cqcmine search -h does not say %q:\n%s", want, help)
		}
		if !strings.Contains(flat(string(readme)), want) {
			t.Errorf("the README does not say %q", want)
		}
	}
	if !strings.Contains(flat(string(readme)), flat(index.QueryLimits())) {
		t.Errorf("the README does not state the query limits as the help does:\n%s", index.QueryLimits())
	}
}

// TestSearchRecurringThroughServer: on an index a serve --watch holds,
// search --recurring is run by that server, with the same answer.
func TestSearchRecurringThroughServer(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	_, want := demoIndexDir(t)
	exe := buildCqcmine(t)
	idx := filepath.Join(t.TempDir(), "idx")
	s := startServe(t, exe, "--watch", "--index", idx, filepath.Join("..", "..", "corpus", "demo", "files", "demo"))
	code, out, stderr, _ := timed(t, exec.Command(exe, "search", "--index", idx, "--json", "--no-facets", "--limit", "100", "--recurring"), 30*time.Second)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stderr, s.log())
	}
	var got searchJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got.Total != want.Total {
		t.Errorf("through the server --recurring gives %d hits, index/evidence %d", got.Total, want.Total)
	}
	for i, h := range got.Hits {
		if h.Kind != string(extract.KindMustDo) && h.Kind != string(extract.KindShouldDo) || h.Citation == nil {
			t.Errorf("hit %d: a %s, citation %v", i, h.Kind, h.Citation)
		}
	}
}

// TestSearchDefaultScope indexes a report and searches it from the command
// line: a phrase only in page text is found by the default search, which
// says that no finding matched; --scope findings finds nothing.
func TestSearchDefaultScope(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "elmstead.txt")
	text := "Elmstead Care Home\nInspection report\n\nOverall rating for this service: Requires improvement\n\n" +
		"Night staff completed hourly observations in the annexe.\n\nThe provider must ensure that care plans are reviewed.\n"
	if err := os.WriteFile(doc, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, "index")
	if code, _, stderr := run(t, "index", "--index", idx, "--quiet", doc); code != exitOK {
		t.Fatalf("index: exit %d\n%s", code, stderr)
	}
	code, out, stderr := run(t, "search", "--index", idx, `"hourly observations"`)
	if code != exitOK || !strings.Contains(out, "no finding matched") || !strings.Contains(out, "[page]") || !strings.Contains(out, "[hourly observations]") {
		t.Errorf("default search: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, "search", "--index", idx, "--scope", "findings", `"hourly observations"`)
	if code != exitOK || !strings.HasPrefix(out, "0 results") {
		t.Errorf("findings only: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "search", "--index", idx, "--scope", "pages", `"observations hourly"`)
	if code != exitOK || !strings.HasPrefix(out, "0 results") {
		t.Errorf("a phrase in the wrong order: exit %d\n%s", code, out)
	}
}

// TestSearchHelp checks that "cqcmine search -h" shows every line of the
// query help (each tested in index.TestQuerySyntax).
func TestSearchHelp(t *testing.T) {
	code, _, stderr := run(t, "search", "-h")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, ex := range index.QuerySyntax {
		if !strings.Contains(stderr, ex.Query) || !strings.Contains(stderr, ex.Finds) {
			t.Errorf("search -h lacks %s: %s", ex.Query, ex.Finds)
		}
	}
}
