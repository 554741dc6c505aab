package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/index"
)

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
