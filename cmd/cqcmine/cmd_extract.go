package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/pipeline"
)

type extractOptions struct {
	runOptions
	out     string
	format  string
	textDir string
	resume  bool
	explain bool
}

const extractExamples = `  cqcmine extract reports/ > findings.jsonl
  cqcmine extract --format csv --out findings.csv reports/*.pdf
  cqcmine extract --text-dir text/ --out findings.jsonl statement.html report.pdf
  cqcmine extract --out all.jsonl --report run.csv ~/cqc-archive    # Ctrl-C, then:
  cqcmine extract --out all.jsonl --report run.csv --resume ~/cqc-archive
  cqcmine extract --explain report.pdf | jq -r 'select(.kind=="rating") | .why'
`

func runExtractCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o extractOptions
	fs := newFlagSet("extract", "extract [flags] PATH...", extractExamples, stderr)
	o.addFlags(fs)
	fs.StringVar(&o.out, "out", "", "write findings to `FILE` instead of stdout; it appears only when the run completes")
	fs.StringVar(&o.format, "format", "jsonl", "output format: jsonl or csv (a kind column, fixed column order)")
	fs.StringVar(&o.textDir, "text-dir", "", "also write each document's text to `DIR` (pages separated by form feed)")
	fs.BoolVar(&o.resume, "resume", false, "continue an interrupted run with the same --out, skipping documents it finished")
	fs.BoolVar(&o.explain, "explain", false, "give each finding a \"why\": the rule that made it and the mentions it used (JSON lines only)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return &usageError{"extract: no PATH given"}
	}
	if o.format != "jsonl" && o.format != "csv" {
		return &usageError{fmt.Sprintf("extract: --format %q: want jsonl or csv", o.format)}
	}
	if o.explain && o.format != "jsonl" {
		return &usageError{"extract: --explain writes JSON lines: it does not go with --format " + o.format}
	}
	if o.resume && o.out == "" {
		return &usageError{"extract: --resume needs --out FILE"}
	}
	return runExtract(ctx, o, paths, stdout, stderr)
}

// runExtract writes the findings of the documents under paths.
//
// With --out FILE, findings go to FILE.partial and a journal FILE.journal
// records each finished document and the output's length after it; at
// the end FILE.partial is renamed to FILE. An interrupted run leaves both,
// and --resume cuts FILE.partial back to the journal's last length and
// goes on with the documents the journal does not list: nothing is
// missing and nothing is written twice.
func runExtract(ctx context.Context, o extractOptions, paths []string, stdout, stderr io.Writer) error {
	cfg, done, err := o.config(stderr, pipeline.BulkHeapLimit)
	if err != nil {
		return err
	}
	defer done()
	cfg.Explain = o.explain
	items, err := o.walk(ctx, paths)
	if err != nil {
		return err
	}

	var rows []pipeline.Row // report rows of documents a resumed run finished
	w := io.Writer(stdout)
	var out *outFile
	if o.out != "" {
		var journal []journalLine
		out, journal, err = openOut(o.out, o.resume)
		if err != nil {
			return err
		}
		defer out.close()
		w = out.buf
		if len(journal) > 0 {
			done := map[string]bool{}
			cfg.Seen = map[string]string{}
			for _, l := range journal {
				done[l.Key] = true
				if l.DocID != "" && (l.Status == pipeline.StatusOK || l.Status == pipeline.StatusPartial) {
					cfg.Seen[l.DocID] = l.Path
				}
				rows = append(rows, l.Row)
			}
			var todo []corpus.Item
			for _, it := range items {
				if !done[corpus.Key(it)] {
					todo = append(todo, it)
				}
			}
			fmt.Fprintf(stderr, "cqcmine: resuming: %d of %d documents already done\n", len(items)-len(todo), len(items))
			items = todo
		}
	}

	var sinks []pipeline.Sink
	var flush func() error
	if o.format == "csv" {
		s := pipeline.NewCSVSink(w, out == nil || out.size == 0)
		sinks, flush = append(sinks, s), s.Flush
	} else {
		s := pipeline.NewJSONLSink(w)
		sinks, flush = append(sinks, s), s.Flush
	}
	if o.textDir != "" {
		td, err := pipeline.NewTextDirSink(o.textDir)
		if err != nil {
			return err
		}
		sinks = append(sinks, td)
	}
	if out != nil {
		sinks = append(sinks, out.journalSink(flush))
	}
	rec := &pipeline.Recorder{}
	sinks = append(sinks, rec)

	rep, runErr := withProgress(ctx, cfg, o.runOptions, stderr, func() (*pipeline.Report, error) {
		return pipeline.Run(ctx, cfg, items, sinks...)
	})
	if err := flush(); err != nil {
		return fmt.Errorf("extract: write: %w", err)
	}
	if err := o.writeReport(append(rows, rec.Rows...), items[len(rec.Rows):]); err != nil {
		return err
	}
	if runErr != nil {
		if out != nil && rep != nil && rep.Interrupted {
			fmt.Fprintf(stderr, "cqcmine: continue with: cqcmine extract --resume --out %s ...\n", printable(o.out))
		}
		return runErr
	}
	if out != nil {
		if err := out.finish(); err != nil {
			return err
		}
	}
	return failedErr(rep)
}

// outFile is the output of extract --out: FILE.partial with its journal.
type outFile struct {
	path    string
	f       *os.File
	buf     *bufio.Writer
	size    int64 // bytes in FILE.partial when the run started
	journal *os.File
}

// journalLine is one finished document in FILE.journal: its report row,
// its manifest key and the output's length once its findings were written.
type journalLine struct {
	pipeline.Row
	Key    string `json:"key"`
	Offset int64  `json:"offset"`
}

// openOut opens FILE.partial and FILE.journal; with resume it keeps what a
// previous run finished and returns the journal of it.
func openOut(path string, resume bool) (*outFile, []journalLine, error) {
	o := &outFile{path: path}
	var lines []journalLine
	if resume {
		var err error
		if lines, err = readJournal(path + ".journal"); err != nil {
			return nil, nil, err
		}
		if len(lines) > 0 {
			o.size = lines[len(lines)-1].Offset
		}
	}
	flags := os.O_RDWR | os.O_CREATE
	f, err := os.OpenFile(path+".partial", flags, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("extract: %w", err)
	}
	st, err := f.Stat()
	if err == nil && st.Size() < o.size {
		err = fmt.Errorf("%s is shorter than its journal says: start again without --resume", f.Name())
	}
	if err == nil {
		err = f.Truncate(o.size)
	}
	if err == nil {
		_, err = f.Seek(o.size, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("extract: %w", err)
	}
	jflags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !resume {
		jflags |= os.O_TRUNC
	}
	j, err := os.OpenFile(path+".journal", jflags, 0o644)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("extract: %w", err)
	}
	o.f, o.journal, o.buf = f, j, bufio.NewWriterSize(f, 256<<10)
	return o, lines, nil
}

// journalSink records each finished document in the journal, after
// flushing the output so the recorded length covers its findings.
func (o *outFile) journalSink(flush func() error) pipeline.Sink {
	return sinkFunc(func(_ context.Context, r *pipeline.Result) error {
		if err := flush(); err != nil {
			return err
		}
		if err := o.buf.Flush(); err != nil {
			return err
		}
		off, err := o.f.Seek(0, io.SeekCurrent)
		if err != nil {
			return err
		}
		b, err := json.Marshal(journalLine{Row: pipeline.RowOf(r), Key: corpus.Key(r.Input), Offset: off})
		if err != nil {
			return err
		}
		_, err = o.journal.Write(append(b, '\n'))
		return err
	})
}

// finish makes the output whole: FILE.partial becomes FILE and the
// journal goes.
func (o *outFile) finish() error {
	err := o.buf.Flush()
	if err == nil {
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	o.f = nil
	if err == nil {
		err = os.Rename(o.path+".partial", o.path)
	}
	if err != nil {
		return fmt.Errorf("extract: %w", err)
	}
	o.journal.Close()
	o.journal = nil
	os.Remove(o.path + ".journal")
	return nil
}

// close releases the files of an unfinished run, leaving them for --resume.
func (o *outFile) close() {
	if o.f != nil {
		o.buf.Flush()
		o.f.Close()
	}
	if o.journal != nil {
		o.journal.Close()
	}
}

// sinkFunc is a function as a pipeline.Sink.
type sinkFunc func(ctx context.Context, r *pipeline.Result) error

func (f sinkFunc) Put(ctx context.Context, r *pipeline.Result) error { return f(ctx, r) }

func readJournal(path string) ([]journalLine, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("extract: resume: %w", err)
	}
	defer f.Close()
	var lines []journalLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var l journalLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			break // a line cut by a crash: the documents from here on are redone
		}
		lines = append(lines, l)
	}
	return lines, nil
}
