// Package testindex builds real indexes for the tests of the packages
// above the pipeline (the web layer, the commands): it runs documents
// through the same pipeline and update path as cqcmine index, into a real
// index on disk. It exists so that those packages' tests need not import
// the pipeline themselves.
package testindex

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

// Demo builds an index of the embedded demo corpus in dir and returns it
// open, with the function that opens a document's original file by its
// indexed path: like cqcmine serve, only a path the manifest recorded is
// opened, from the embedded corpus. The caller closes the index.
func Demo(ctx context.Context, dir string) (*index.Index, func(path string) (fs.File, error), error) {
	items, err := corpus.WalkFS(ctx, demo.FS(), "demo")
	if err != nil {
		return nil, nil, fmt.Errorf("walk demo corpus: %w", err)
	}
	tagger, err := tag.New()
	if err != nil {
		return nil, nil, fmt.Errorf("tagger: %w", err)
	}
	ix, err := index.Open(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("open index: %w", err)
	}
	cfg := pipeline.Config{Extractors: pipeline.Extractors(), Tagger: tagger}
	rep, _, err := pipeline.Update(ctx, ix, dir, cfg, items, []string{"embed:demo"})
	if err == nil && (rep.OK != len(items) || rep.Findings == 0) {
		err = fmt.Errorf("%d of %d documents ok, %d findings", rep.OK, len(items), rep.Findings)
	}
	if err != nil {
		ix.Close()
		return nil, nil, fmt.Errorf("index demo corpus: %w", err)
	}
	man, err := corpus.LoadManifest(filepath.Join(dir, pipeline.ManifestName))
	if err != nil {
		ix.Close()
		return nil, nil, err
	}
	known := map[string]string{}
	for key, e := range man.Entries {
		known[e.Path] = key
	}
	open := func(path string) (fs.File, error) {
		key, ok := known[path]
		name, embedded := strings.CutPrefix(key, "embed:")
		if !ok || !embedded {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
		}
		return demo.FS().Open(name)
	}
	return ix, open, nil
}
