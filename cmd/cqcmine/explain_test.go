package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
)

// explainDoc holds a rating, a must-do and a quote.
const explainDoc = `Brackenford General Hospital: inspection report

We rated the hospital as requires improvement overall.

The trust must ensure that medicines are stored at safe temperatures on every ward (Regulation 12).

A relative told us: "The nurses on the ward were always kind to my father."
`

// TestExtractExplain runs extract with and without --explain: with it,
// every rating, must-do and quote says why it was found; without it, no
// finding carries a why and the findings are otherwise the same.
func TestExtractExplain(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "brackenford.txt"), []byte(explainDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	extractWith := func(explain bool) []map[string]any {
		t.Helper()
		o := extractOptions{format: "jsonl", explain: explain}
		o.quiet, o.workers = true, 1
		o.timeout, o.maxMB, o.maxStr, o.pages = time.Minute, 64, 64, 100
		var out, stderr bytes.Buffer
		if err := runExtract(context.Background(), o, []string{dir}, &out, &stderr); err != nil {
			t.Fatalf("explain=%v: %v\n%s", explain, err, stderr.String())
		}
		var fs []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var f map[string]any
			if err := json.Unmarshal([]byte(line), &f); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			fs = append(fs, f)
		}
		return fs
	}
	plain, explained := extractWith(false), extractWith(true)
	if len(plain) != len(explained) {
		t.Fatalf("%d findings, %d with --explain", len(plain), len(explained))
	}
	seen := map[extract.Kind]bool{}
	for i, f := range explained {
		kind := extract.Kind(f["kind"].(string))
		if why, ok := plain[i]["why"]; ok {
			t.Errorf("%s %q: why %q without --explain", kind, plain[i]["text"], why)
		}
		if plain[i]["text"] != f["text"] || plain[i]["kind"] != f["kind"] {
			t.Errorf("finding %d differs with --explain: %v, %v", i, plain[i], f)
		}
		switch kind {
		case extract.KindRating, extract.KindMustDo, extract.KindQuote:
			seen[kind] = true
			if why, _ := f["why"].(string); why == "" {
				t.Errorf("%s %q: no why with --explain", kind, f["text"])
			}
		}
	}
	for _, k := range []extract.Kind{extract.KindRating, extract.KindMustDo, extract.KindQuote} {
		if !seen[k] {
			t.Errorf("no %s finding in %v", k, explained)
		}
	}
}

func TestExtractExplainNeedsJSONL(t *testing.T) {
	code, _, stderr := run(t, "extract", "--explain", "--format", "csv", "x")
	if code != exitUsage || !strings.Contains(stderr, "--explain") {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
	}
}
