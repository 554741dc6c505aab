package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/pipeline"
)

// buggyTagger is the real tagger with a bug that shows on documents
// mentioning Beech Ward: the rule panics, and the tagger either recovers
// the panic into an *extract.PanicError, as tag.Tagger does, or lets it
// go.
type buggyTagger struct {
	real    pipeline.Tagger
	recover bool
}

func (b buggyTagger) TagDoc(ctx context.Context, doc *extract.Document, opt tag.Options) (fs []extract.Finding, err error) {
	if !strings.Contains(doc.Text(), "Beech Ward") {
		return b.real.TagDoc(ctx, doc, opt)
	}
	if b.recover {
		defer func() {
			if p := recover(); p != nil {
				fs, err = nil, extract.NewPanicError("wardRule at ward.go:12", p)
			}
		}()
	}
	var wards map[string]int
	wards["Beech Ward"]++ // nil map write: a runtime panic
	return nil, nil
}

// TestRunTagPanicFailsDocument checks that a panic while tagging fails
// that document at the tag stage with a one-line reason, logs the stack,
// and leaves the other documents alone.
func TestRunTagPanicFailsDocument(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write(t, dir, "a.txt", "Elmstead Care Home was rated good overall.\n")
	write(t, dir, "b.txt", statement) // mentions Beech Ward
	write(t, dir, "c.html", "<html><p>Are services caring? Good</p>")
	items, err := corpus.Walk(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		recover bool
		where   string
	}{
		{"recovered by the tagger", true, "wardRule at ward.go:12"},
		{"recovered by the pipeline", false, "tagger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config(t)
			cfg.Tagger = buggyTagger{real: cfg.Tagger, recover: tc.recover}
			var log bytes.Buffer
			cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
			var rec pipeline.Recorder
			rep, err := pipeline.Run(ctx, cfg, items, &rec)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK != 2 || rep.Failed != 1 || len(rep.Problems) != 1 {
				t.Fatalf("%d ok, %d failed; want 2 and 1", rep.OK, rep.Failed)
			}
			var pe *extract.PanicError
			if !errors.As(rep.Problems[0].Err, &pe) || pe.Where != tc.where {
				t.Errorf("error %v: want a PanicError in %q", rep.Problems[0].Err, tc.where)
			}
			row := rec.Rows[1]
			if !strings.HasSuffix(row.Path, "b.txt") || row.Status != pipeline.StatusFailed || row.Stage != pipeline.StageTag {
				t.Errorf("row %+v: want b.txt failed at the tag stage", row)
			}
			want := "panic in " + tc.where + ": assignment to entry in nil map"
			if row.Reason != want {
				t.Errorf("reason %q, want %q", row.Reason, want)
			}
			if msg := rep.Problems[0].Err.Error(); strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			if l := log.String(); !strings.Contains(l, "level=ERROR msg=panic") || !strings.Contains(l, "panic_test.go") {
				t.Errorf("the log has no stack of the panic:\n%s", l)
			}
		})
	}
}
