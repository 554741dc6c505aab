package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
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
	check   bool
}

const indexExamples = `  cqcmine index                          # the embedded demo corpus, into the default index
  cqcmine index ~/cqc-reports            # build or update the index from a folder
  cqcmine index --index ./idx reports/ statements/
  cqcmine index --rebuild ~/cqc-reports  # start again after an upgrade
  cqcmine index --check                  # verify the index, say what is damaged
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
	fs.BoolVar(&o.check, "check", false, "verify the index (every segment and the column file) and report what is damaged")
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
// indexes the embedded demo corpus. An index that a server holds (serve
// --watch) gets the work handed over; one held otherwise is an error
// naming the holder.
func runIndex(ctx context.Context, o indexOptions, paths []string, stdout, stderr io.Writer) error {
	if o.check {
		return runCheck(ctx, o.dir, stdout)
	}
	if o.rebuild {
		if len(paths) == 0 {
			// The folders the index was built from, before its manifest goes.
			if man, err := corpus.LoadManifest(filepath.Join(o.dir, pipeline.ManifestName)); err == nil {
				paths = man.Roots
			}
		}
		if err := index.Remove(o.dir); err != nil {
			return err
		}
	}
	if srv := server(o.dir); srv != nil && !o.rebuild {
		if err := handOver(ctx, o, *srv, paths, stderr); !errors.Is(err, errNoAnswer) {
			return err
		}
	}
	ix, err := index.OpenWith(ctx, o.dir, index.Options{})
	if le := (*index.LockedError)(nil); errors.As(err, &le) {
		if srv := le.Server(); srv != nil && !srv.ReadOnly && !o.rebuild {
			return handOver(ctx, o, *srv, paths, stderr)
		}
		return lockedHint(le)
	}
	if err != nil {
		return err
	}
	defer ix.Close()
	cfg, done, err := o.config(stderr, indexHeapLimit)
	if err != nil {
		return err
	}
	defer done()
	rows, pending, st, rep, runErr := updateIndex(ctx, ix, cfg, o.runOptions, paths, stderr)
	if err := o.writeReport(rows, pending); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cqcmine: index %s: %d unchanged, %d removed\n", printable(o.dir), len(st.Unchanged), st.Removed)
	if err := ix.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return runErr
	}
	return failedErr(rep)
}

// updateIndex brings ix up to date with paths (none: the paths the index
// was built from, or the demo corpus), showing progress on stderr. It
// returns the report rows, the inputs not reached, and what was done.
func updateIndex(ctx context.Context, ix *index.Index, cfg pipeline.Config, o runOptions, paths []string, stderr io.Writer) ([]pipeline.Row, []corpus.Item, pipeline.UpdateStats, *pipeline.Report, error) {
	var st pipeline.UpdateStats
	dir := ix.Dir()
	if len(paths) == 0 {
		man, err := corpus.LoadManifest(filepath.Join(dir, pipeline.ManifestName))
		if err != nil {
			return nil, nil, st, nil, err
		}
		paths = man.Roots
		if len(paths) == 0 {
			paths = []string{demoRoot}
		}
		fmt.Fprintf(stderr, "cqcmine: indexing %s into %s\n", printable(strings.Join(paths, ", ")), printable(dir))
	}
	items, err := walkRoots(ctx, o, paths)
	if err != nil {
		return nil, nil, st, nil, err
	}
	rec := &pipeline.Recorder{}
	rep, runErr := withProgress(ctx, cfg, o, stderr, func() (rep *pipeline.Report, err error) {
		rep, st, err = pipeline.Update(ctx, ix, dir, cfg, items, paths, rec)
		return rep, err
	})
	rows := rec.Rows
	for _, it := range st.Unchanged {
		rows = append(rows, pipeline.Row{Path: it.Path, Status: pipeline.StatusUnchanged})
	}
	return rows, pendingItems(items, rows), st, rep, runErr
}

// runCheck verifies the index in dir and prints what it found.
func runCheck(ctx context.Context, dir string, stdout io.Writer) error {
	rep, err := index.Check(ctx, dir)
	if err != nil {
		return err
	}
	for _, s := range rep.Checked {
		fmt.Fprintf(stdout, "ok       %s\n", printable(s))
	}
	for _, s := range rep.Notes {
		fmt.Fprintf(stdout, "note     %s\n", printable(s))
	}
	for _, s := range rep.Damaged {
		fmt.Fprintf(stdout, "DAMAGED  %s\n", printable(s))
	}
	if !rep.OK() {
		cmd := "cqcmine index --rebuild"
		if dir != defaultIndexDir() {
			cmd += " --index " + dir
		}
		return fmt.Errorf("index %s is damaged: rebuild it with `%s` (it reads again the folders the index was built from)", dir, cmd)
	}
	fmt.Fprintf(stdout, "index %s is sound\n", printable(dir))
	return nil
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

// walkRoots lists the files under paths as o says; the root "embed:demo"
// is the embedded demo corpus.
func walkRoots(ctx context.Context, o runOptions, paths []string) ([]corpus.Item, error) {
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
	its, err := o.walk(ctx, disk)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return append(items, its...), nil
}
