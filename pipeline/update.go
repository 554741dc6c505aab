package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
)

// Store is where Update keeps documents and their findings: cqcmine's
// index. Add replaces a document with the same id; Flush returns once
// everything added or deleted is durable.
type Store interface {
	Add(ctx context.Context, doc *extract.Document, findings []extract.Finding) error
	Delete(ctx context.Context, docIDs ...string) error
	Flush(ctx context.Context) error
}

// ManifestName is the manifest's file name inside the index directory.
const ManifestName = "cqcmine-manifest.json"

// UpdateStats counts what an Update did besides running the pipeline.
type UpdateStats struct {
	Unchanged []corpus.Item // files skipped because the manifest knows them
	Removed   int           // documents deleted because their files are gone
}

// Update brings the store (an index whose manifest is kept in dir) up to
// date with items, the files found under roots: new and changed files are
// run through the pipeline and stored, files gone from under roots leave
// the store, unchanged files are not read. The manifest is saved only after the index has committed
// what it records, so an interrupted or killed update leaves an index that
// opens and a manifest that never claims more than the index holds; the
// next update completes the work, replacing (never duplicating) any
// document indexed but not yet recorded.
//
// Results go to the extra sinks too, after the index has them.
func Update(ctx context.Context, ix Store, dir string, cfg Config, items []corpus.Item, roots []string, sinks ...Sink) (*Report, UpdateStats, error) {
	var st UpdateStats
	manPath := filepath.Join(dir, ManifestName)
	man, err := corpus.LoadManifest(manPath)
	if err != nil {
		return nil, st, err
	}
	man.AddRoots(roots...)
	plan := man.Plan(items, roots)
	st.Unchanged = plan.Unchanged

	sink := &updateSink{ix: ix, man: man, manPath: manPath, every: 64}
	rep, runErr := Run(ctx, cfg, plan.Todo, append([]Sink{sink}, sinks...)...)

	// Files that are gone leave the index, unless their content is
	// still held by another file (a move or a copy).
	for _, k := range plan.Gone {
		if id, orphan := man.Forget(k); orphan {
			if err := ix.Delete(context.WithoutCancel(ctx), id); err != nil {
				return rep, st, fmt.Errorf("index: remove %s: %w", k, err)
			}
			st.Removed++
		}
	}
	if err := sink.commit(context.WithoutCancel(ctx)); err != nil {
		return rep, st, errors.Join(runErr, err)
	}
	return rep, st, runErr
}

// updateSink adds each result to the index and the manifest, committing
// both every so many documents.
type updateSink struct {
	ix      Store
	man     *corpus.Manifest
	manPath string
	every   int
	n       int
}

func (s *updateSink) Put(ctx context.Context, r *Result) error {
	// A result delivered is stored even when the run is being cancelled:
	// the sinks must hold exactly the delivered prefix of the inputs.
	ctx = context.WithoutCancel(ctx)
	key := corpus.Key(r.Input)
	old, had := s.man.Entries[key]
	switch r.Status {
	case StatusOK:
		if err := s.ix.Add(ctx, r.Doc, r.Findings); err != nil {
			return fmt.Errorf("index %s: %w", r.Input.Path, err)
		}
		s.man.Record(r.Input, r.Doc.ID)
	case StatusNeedsOCR, StatusSkipped:
		// Known and stable: not retried until the file changes.
		if r.Doc != nil {
			s.man.Record(r.Input, r.Doc.ID)
		} else {
			s.man.Record(r.Input, "")
		}
	default:
		// Failed: forget it, so the next run tries again.
		delete(s.man.Entries, key)
	}
	if had && old.ID != "" && (r.Doc == nil || old.ID != r.Doc.ID) && !s.man.HasID(old.ID) {
		// The file changed (or broke): its old content leaves the index.
		if err := s.ix.Delete(ctx, old.ID); err != nil {
			return fmt.Errorf("index: remove old version of %s: %w", r.Input.Path, err)
		}
	}
	s.n++
	if s.n%s.every == 0 {
		return s.commit(ctx)
	}
	return nil
}

// commit makes the index durable, then the manifest that describes it.
func (s *updateSink) commit(ctx context.Context) error {
	if err := s.ix.Flush(ctx); err != nil {
		return fmt.Errorf("index: commit: %w", err)
	}
	if err := s.man.Save(s.manPath); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}
