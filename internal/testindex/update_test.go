package testindex_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

func updateConfig(t *testing.T) pipeline.Config {
	t.Helper()
	tg, err := tag.New()
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Config{Workers: 2, Extractors: pipeline.Extractors(), Tagger: tg, Progress: new(pipeline.Progress)}
}

// writeStatements writes n distinct trust statements into dir.
func writeStatements(t *testing.T, dir string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		text := fmt.Sprintf(`Statement %d from Harrowfield and Wyre NHS Foundation Trust.
The CQC rated the trust requires improvement overall and good for caring.
The trust must ensure that staffing levels on ward %d are safe (Regulation 18).
`, i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%03d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// contentIDs is the set of content ids of the files in dir.
func contentIDs(t *testing.T, dir string) []string {
	t.Helper()
	items, err := corpus.Walk(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		b, err := it.ReadAll(0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, corpus.Identify(b))
	}
	sort.Strings(ids)
	return ids
}

func indexedIDs(t *testing.T, ix *index.Index) []string {
	t.Helper()
	ids, err := ix.DocIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	return ids
}

// findingCount counts the findings indexed (each document's findings once).
func findingCount(t *testing.T, ix *index.Index) uint64 {
	t.Helper()
	res, err := ix.Search(context.Background(), index.Query{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func update(t *testing.T, ctx context.Context, ixDir string, cfg pipeline.Config, roots ...string) (*pipeline.Report, pipeline.UpdateStats, error) {
	t.Helper()
	ix, err := index.Open(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	items, err := corpus.Walk(context.Background(), roots)
	if err != nil {
		t.Fatal(err)
	}
	return pipeline.Update(ctx, ix, ixDir, cfg, items, roots)
}

// TestUpdateInterruptedThenCompleted cancels an index run part-way and
// checks that the next run completes the index with no document missing
// and none twice.
func TestUpdateInterruptedThenCompleted(t *testing.T) {
	docs := t.TempDir()
	writeStatements(t, docs, 60)
	ixDir := filepath.Join(t.TempDir(), "idx")

	// The reference: the same folder indexed in one go.
	refDir := filepath.Join(t.TempDir(), "ref")
	if _, _, err := update(t, context.Background(), refDir, updateConfig(t), docs); err != nil {
		t.Fatal(err)
	}
	ref, err := index.Open(refDir)
	if err != nil {
		t.Fatal(err)
	}
	wantFindings := findingCount(t, ref)
	ref.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := updateConfig(t)
	cfg.Workers = 1
	go func() {
		for cfg.Progress.Done.Load() < 10 {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	rep, _, err := update(t, ctx, ixDir, cfg, docs)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v", err)
	}
	if !rep.Interrupted || rep.Done >= 60 {
		t.Fatalf("interrupted run processed %d of 60", rep.Done)
	}

	ix, err := index.Open(ixDir)
	if err != nil {
		t.Fatalf("index after interruption does not open: %v", err)
	}
	partial := indexedIDs(t, ix)
	ix.Close()
	if len(partial) < rep.Done-rep.Failed || len(partial) >= 60 {
		t.Fatalf("after interruption: %d documents indexed, %d delivered", len(partial), rep.Done)
	}

	rep2, st, err := update(t, context.Background(), ixDir, updateConfig(t), docs)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Unchanged)+rep2.Done != 60 || len(st.Unchanged) == 0 {
		t.Errorf("second run: %d unchanged + %d processed, want 60 with some unchanged", len(st.Unchanged), rep2.Done)
	}
	ix, err = index.Open(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, want := indexedIDs(t, ix), contentIDs(t, docs); !slices.Equal(got, want) {
		t.Fatalf("indexed %d documents, want the %d inputs exactly", len(got), len(want))
	}
	if got := findingCount(t, ix); got != wantFindings {
		t.Errorf("%d findings indexed, an uninterrupted run indexes %d: something missing or twice", got, wantFindings)
	}
}

// TestUpdateIncremental checks that a re-run touches only what changed:
// new and changed files are processed, deleted files leave the index, a
// moved file keeps its identity.
func TestUpdateIncremental(t *testing.T) {
	docs := t.TempDir()
	writeStatements(t, docs, 5)
	ixDir := filepath.Join(t.TempDir(), "idx")
	if rep, _, err := update(t, context.Background(), ixDir, updateConfig(t), docs); err != nil || rep.OK != 5 {
		t.Fatalf("first run: %v, %+v", err, rep)
	}

	// Change one, delete one, move one, add one.
	os.WriteFile(filepath.Join(docs, "s000.txt"), []byte("Changed. The trust was rated inadequate for safe.\n"), 0o644)
	os.Remove(filepath.Join(docs, "s001.txt"))
	os.Rename(filepath.Join(docs, "s002.txt"), filepath.Join(docs, "moved.txt"))
	os.WriteFile(filepath.Join(docs, "new.txt"), []byte("New. Are services caring? Good\n"), 0o644)

	rep, st, err := update(t, context.Background(), ixDir, updateConfig(t), docs)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 3 || len(st.Unchanged) != 2 || st.Removed != 1 {
		t.Errorf("re-run: processed %d (want 3: changed, moved, new), unchanged %d (want 2), removed %d (want 1)", rep.Done, len(st.Unchanged), st.Removed)
	}
	ix, err := index.Open(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, want := indexedIDs(t, ix), contentIDs(t, docs); !slices.Equal(got, want) {
		t.Fatalf("indexed ids %v\nwant %v", got, want)
	}
	// The moved file is found under its new path.
	res, err := ix.Search(context.Background(), index.Query{Text: `"ward 2"`})
	if err != nil || len(res.Hits) == 0 || filepath.Base(res.Hits[0].Path) != "moved.txt" {
		t.Fatalf("moved file: %v, %+v", err, res)
	}
}
