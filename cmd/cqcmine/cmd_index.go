package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

type indexOptions struct {
	runOptions
	dir     string
	rebuild bool
}

const indexExamples = `  cqcmine index                          # the embedded demo corpus, into the default index
  cqcmine index ~/cqc-reports            # build or update the index from a folder
  cqcmine index --index ./idx reports/ statements/
  cqcmine index --rebuild ~/cqc-reports  # start again after an upgrade
`

func (o *indexOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.dir, "index", defaultIndexDir(), "index `DIR`")
}

// indexHeapLimit is the heap an index run's collector aims to stay under:
// bleve's batches and segment merges need more room than extraction.
const indexHeapLimit = 512 << 20

func runIndexCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o indexOptions
	fs := newFlagSet("index", "index [flags] [PATH...]", indexExamples, stderr)
	o.runOptions.addFlags(fs)
	o.addFlags(fs)
	fs.BoolVar(&o.rebuild, "rebuild", false, "delete the index and build it again")
	fs.Bool("resume", true, "continue an interrupted run (always on: the manifest records what the index holds)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	return runIndex(ctx, o, paths, stdout, stderr)
}

// demoRoot is the manifest root of the embedded demo corpus.
const demoRoot = "embed:demo"

// runIndex builds or updates the index in o.dir from paths. With no paths
// it re-checks the paths the index was built from, or, for a new index,
// indexes the embedded demo corpus.
func runIndex(ctx context.Context, o indexOptions, paths []string, stdout, stderr io.Writer) error {
	if o.rebuild {
		if err := index.Remove(o.dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if len(paths) == 0 {
		man, err := corpus.LoadManifest(filepath.Join(o.dir, pipeline.ManifestName))
		if err != nil {
			return err
		}
		paths = man.Roots
		if len(paths) == 0 {
			paths = []string{demoRoot}
		}
		fmt.Fprintf(stderr, "cqcmine: indexing %s into %s\n", strings.Join(paths, ", "), o.dir)
	}
	items, err := walkRoots(ctx, paths)
	if err != nil {
		return err
	}
	cfg, done, err := o.config(stderr, indexHeapLimit)
	if err != nil {
		return err
	}
	defer done()
	ix, err := index.Open(o.dir)
	if err != nil {
		return err
	}
	defer ix.Close()

	var st pipeline.UpdateStats
	rec := &pipeline.Recorder{}
	rep, runErr := withProgress(ctx, cfg, o.runOptions, stderr, func() (rep *pipeline.Report, err error) {
		rep, st, err = pipeline.Update(ctx, ix, o.dir, cfg, items, paths, rec)
		return rep, err
	})
	rows := rec.Rows
	for _, it := range st.Unchanged {
		rows = append(rows, pipeline.Row{Path: it.Path, Status: pipeline.StatusUnchanged})
	}
	if err := o.writeReport(rows, pendingItems(items, rows)); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cqcmine: index %s: %d unchanged, %d removed\n", o.dir, len(st.Unchanged), st.Removed)
	if err := ix.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return runErr
	}
	return failedErr(rep)
}

// pendingItems are the items that have no row: those an interrupted run
// did not reach.
func pendingItems(items []corpus.Item, rows []pipeline.Row) []corpus.Item {
	have := make(map[string]bool, len(rows))
	for _, r := range rows {
		have[r.Path] = true
	}
	var out []corpus.Item
	for _, it := range items {
		if !have[it.Path] {
			out = append(out, it)
		}
	}
	return out
}

// walkRoots lists the files under paths; the root "embed:demo" is the
// embedded demo corpus.
func walkRoots(ctx context.Context, paths []string) ([]corpus.Item, error) {
	var items []corpus.Item
	var disk []string
	for _, p := range paths {
		if p == demoRoot {
			its, err := corpus.WalkFS(ctx, demo.FS(), "demo")
			if err != nil {
				return nil, fmt.Errorf("demo corpus: %w", err)
			}
			items = append(items, its...)
			continue
		}
		disk = append(disk, p)
	}
	its, err := corpus.Walk(ctx, disk)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return append(items, its...), nil
}
