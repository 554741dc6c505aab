package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/ocr"
	"github.com/cqcmine/cqcmine/extract/tag"
	"github.com/cqcmine/cqcmine/pipeline"
)

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

var (
	errHelp       = errors.New("help requested")
	errSomeFailed = errors.New("some documents failed")
)

// newFlagSet returns a flag set whose usage prints the command's synopsis,
// its flags and examples.
func newFlagSet(name, synopsis, examples string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: cqcmine %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(stderr, "\nExamples:\n%s", examples)
		}
	}
	return fs
}

// parseFlags parses args allowing flags after positional arguments
// ("cqcmine extract reports/ --out f.jsonl"); "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		// flag.Parse consumed a "--" if it stopped there.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// listFlag is a flag that may be repeated or given comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// runOptions are the flags shared by the commands that run the pipeline.
type runOptions struct {
	workers int
	timeout time.Duration
	maxMB   int64
	maxStr  int64
	pages   int
	quiet   bool
	report  string
	isolate bool
	maxMem  int64
	ocr     ocrFlag
	follow  bool
}

// ocrFlag is the --ocr mode: auto, off or force.
type ocrFlag ocr.Mode

func (f *ocrFlag) String() string {
	if *f == "" {
		return string(ocr.ModeAuto)
	}
	return string(*f)
}

func (f *ocrFlag) Set(v string) error {
	m, err := ocr.ParseMode(v)
	*f = ocrFlag(m)
	return err
}

func (f *ocrFlag) mode() ocr.Mode { return ocr.Mode(f.String()) }

func (o *runOptions) addFlags(fs *flag.FlagSet) {
	fs.IntVar(&o.workers, "workers", 0, "documents processed at once (default: one per CPU)")
	fs.DurationVar(&o.timeout, "timeout", extract.DefaultLimits.Timeout, "time limit per document")
	fs.Int64Var(&o.maxMB, "max-size", extract.DefaultLimits.MaxBytes>>20, "largest input file read, in MiB")
	fs.Int64Var(&o.maxStr, "max-stream", extract.DefaultLimits.MaxStreamBytes>>20, "largest decompressed stream (PDF content, DOCX part), in MiB")
	fs.IntVar(&o.pages, "max-pages", extract.DefaultLimits.MaxPages, "largest page count extracted per document")
	fs.BoolVar(&o.isolate, "isolate", true, "extract each PDF in a child process, so that a hostile file cannot take the run down")
	fs.Int64Var(&o.maxMem, "max-memory", 2048, "memory cap of each child process, in MiB")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress display: print only problems and the summary")
	fs.Var(&o.ocr, "ocr", "OCR of scanned pages and image files with Tesseract, `MODE`: auto (pages without a text layer), off or force (every page)")
	fs.StringVar(&o.report, "report", "", "write a run report with one row per input to `FILE` (.csv for CSV, else JSON)")
	fs.BoolVar(&o.follow, "follow-symlinks", false, "follow symbolic links that lead outside the PATHs given (by default they are reported as skipped)")
}

// walk lists the files under paths as the flags say.
func (o *runOptions) walk(ctx context.Context, paths []string) ([]corpus.Item, error) {
	return corpus.WalkOptions{FollowSymlinks: o.follow}.Walk(ctx, paths)
}

// config builds the pipeline configuration: the extractor table and the
// tagger, with the limits from the flags. Call done when the run is over.
//
// heapLimit is the heap size the collector aims to stay under during the
// run (see pipeline.TuneGC).
func (o *runOptions) config(stderr io.Writer, heapLimit int64) (cfg pipeline.Config, done func(), err error) {
	t, err := tag.New()
	if err != nil {
		return cfg, nil, fmt.Errorf("load tagger: %w", err)
	}
	lim := extract.DefaultLimits
	lim.Timeout = o.timeout
	lim.MaxBytes = o.maxMB << 20
	lim.MaxStreamBytes = o.maxStr << 20
	lim.MaxPages = o.pages
	level := slog.LevelInfo
	if o.quiet {
		level = slog.LevelError
	}
	exs := pipeline.ExtractorsOCR(o.ocr.mode())
	restoreGC := pipeline.TuneGC(heapLimit)
	done = restoreGC
	if o.isolate {
		exe, err := os.Executable()
		if err != nil {
			restoreGC()
			return cfg, nil, fmt.Errorf("isolate: %w", err)
		}
		child := &pipeline.Child{
			Command:   []string{exe, childCommand, "--ocr=" + o.ocr.String(), string(extract.FormatPDF)},
			MaxMemory: o.maxMem << 20,
		}
		exs[extract.FormatPDF] = child
		done = func() {
			child.Close()
			restoreGC()
		}
	}
	return pipeline.Config{
		Workers:    o.workers,
		Limits:     lim,
		Extractors: exs,
		Tagger:     t,
		Progress:   new(pipeline.Progress),
		Logger:     slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}, done, nil
}

// withProgress runs run while showing cfg's progress counters, then
// prints the run's summary.
func withProgress(ctx context.Context, cfg pipeline.Config, o runOptions, stderr io.Writer, run func() (*pipeline.Report, error)) (*pipeline.Report, error) {
	pr := startProgress(ctx, cfg.Progress, stderr, cfg.Logger, o.quiet)
	rep, err := run()
	pr.Stop()
	if rep != nil {
		printSummary(stderr, rep)
	}
	return rep, err
}

// writeReport writes the run report, if --report asked for one: rows for
// the inputs processed (or known) and a pending row for each input an
// interrupted run did not reach, so there is one row per input. A name
// ending in .csv gives CSV, any other JSON.
func (o *runOptions) writeReport(rows []pipeline.Row, pending []corpus.Item) error {
	if o.report == "" {
		return nil
	}
	for _, it := range pending {
		rows = append(rows, pipeline.Row{Path: it.Path, Status: pipeline.StatusPending, Reason: "not reached: the run was interrupted"})
	}
	var buf bytes.Buffer
	write := pipeline.WriteReportJSON
	if strings.HasSuffix(strings.ToLower(o.report), ".csv") {
		write = pipeline.WriteReportCSV
	}
	if err := write(&buf, rows); err != nil {
		return err
	}
	return corpus.WriteFileAtomic(o.report, buf.Bytes())
}

func printSummary(w io.Writer, rep *pipeline.Report) {
	ocrd := ""
	if rep.OCRPages > 0 {
		ocrd = fmt.Sprintf(" (%d by OCR)", rep.OCRPages)
	}
	fmt.Fprintf(w, "cqcmine: %d documents: %d ok, %d partial, %d failed, %d need OCR, %d skipped; %d pages%s, %d findings in %s\n",
		rep.Done, rep.OK, rep.Partial, rep.Failed, rep.NeedsOCR, rep.Skipped, rep.Pages, ocrd, rep.Findings, rep.Elapsed.Round(time.Millisecond))
	if rep.Interrupted {
		fmt.Fprintf(w, "cqcmine: interrupted after %d of %d documents\n", rep.Done, rep.Inputs)
	}
	for _, r := range rep.Problems {
		st, err := r.Outcome()
		var de *pipeline.DocError
		if errors.As(err, &de) {
			fmt.Fprintf(w, "  %s: %s: %s: %s\n", st, printable(r.Input.Path), de.Stage, printable(de.Err.Error()))
		} else {
			fmt.Fprintf(w, "  %s: %s: %s\n", st, printable(r.Input.Path), printable(fmt.Sprint(err)))
		}
	}
}

// failedErr is errSomeFailed when the report has failures.
func failedErr(rep *pipeline.Report) error {
	if rep != nil && rep.Failed > 0 {
		return errSomeFailed
	}
	return nil
}

// defaultIndexDir is the index in the user's data directory:
// $XDG_DATA_HOME/cqcmine/index, else ~/.local/share/cqcmine/index.
func defaultIndexDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "cqcmine", "index")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "cqcmine", "index")
	}
	return filepath.Join(os.TempDir(), "cqcmine", "index")
}
