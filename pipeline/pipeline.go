// Package pipeline runs cqcmine's stages over a list of inputs: read and
// identify each file, extract its text page by page, tag findings, and
// hand the result to sinks (the JSONL and CSV writers, a text dump, the
// bleve index).
//
// Documents are processed by a bounded pool of workers and delivered to
// the sinks in input order. Each document is isolated: an error, a panic
// or a blown budget fails that document only, with a DocError naming the
// file, the stage and the reason, and the run goes on. A panic's reason
// is one line (an *extract.PanicError); its stack goes to the log. Cancelling the
// context stops the run cleanly: the sinks have then received exactly the
// results of a prefix of the inputs, and the Report says how far it got.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/tag"
)

// Tagger finds the findings in a document (tag.Tagger is the real one).
// It must be safe for concurrent use. An error fails the document at the
// tag stage; an *extract.PanicError is a bug in a rule.
type Tagger interface {
	TagDoc(ctx context.Context, doc *extract.Document, opt tag.Options) ([]extract.Finding, error)
}

// Sink receives results. Put is called from a single goroutine, in input
// order, once for every input that was processed. An error from Put stops
// the run.
type Sink interface {
	Put(ctx context.Context, r *Result) error
}

// Status is what became of one input.
type Status string

// The statuses of an input.
const (
	StatusOK       Status = "ok"
	StatusFailed   Status = "failed"
	StatusNeedsOCR Status = "needs-ocr"
	StatusSkipped  Status = "skipped"
	// StatusPartial is a document that a limit cut short (its Doc.Cut
	// says how). Only reports give it (see Result.Outcome): the Result
	// itself is StatusOK, for its content and findings are good as far
	// as they go and sinks store them like any other's.
	StatusPartial Status = "partial"
)

// Stages named in DocErrors.
const (
	StageWalk    = "walk" // left out when the inputs were listed (corpus.IsSkip)
	StageRead    = "read"
	StageDetect  = "detect"
	StageExtract = "extract"
	StageTag     = "tag"
)

// DocError is the reason one document was not processed.
type DocError struct {
	Path  string
	Stage string
	Err   error
}

func (e *DocError) Error() string { return fmt.Sprintf("%s: %s: %v", e.Path, e.Stage, e.Err) }
func (e *DocError) Unwrap() error { return e.Err }

// ErrUnsupported is the reason for skipping a file whose format cqcmine
// does not read.
var ErrUnsupported = errors.New("unsupported file type")

// ErrDuplicate is the reason for skipping a file whose content was
// already processed under another path in the same run.
var ErrDuplicate = errors.New("duplicate content")

// Result is one processed input.
type Result struct {
	Input corpus.Item
	// Doc is the extracted document; nil when the input failed or was
	// skipped before extraction.
	Doc      *extract.Document
	Findings []extract.Finding
	Status   Status
	// Err is a *DocError when Status is not StatusOK.
	Err     error
	Elapsed time.Duration
}

// Outcome is the status and reason a report gives the result: its Status
// and Err, except that a document a limit cut short is StatusPartial with
// a *DocError naming the limit ("first 5000 of 10000 pages (page
// limit)"), which wraps extract.ErrLimit.
func (r *Result) Outcome() (Status, error) {
	if r.Status == StatusOK && r.Doc != nil && r.Doc.Cut != nil {
		return StatusPartial, &DocError{Path: r.Input.Path, Stage: StageExtract, Err: cutError{r.Doc.Cut}}
	}
	return r.Status, r.Err
}

// cutError is the reason of a partial document.
type cutError struct{ cut *extract.Cut }

func (e cutError) Error() string { return e.cut.String() }
func (e cutError) Unwrap() error { return extract.ErrLimit }

// Config controls a run. The zero value is not usable: Extractors and
// Tagger are required.
type Config struct {
	// Workers is the number of documents processed at once; 0 means one
	// per CPU.
	Workers int
	// Limits bound each document; zero fields mean extract.DefaultLimits.
	Limits extract.Limits
	// Extractors maps each format to its extractor.
	Extractors map[extract.Format]extract.Extractor
	Tagger     Tagger
	// Explain keeps each finding's Why (see tag.Options).
	Explain bool
	// Progress, when set, is updated as documents complete.
	Progress *Progress
	Logger   *slog.Logger
	// Seen maps content ids processed by an earlier, resumed run to their
	// paths, so that duplicates of them are skipped too.
	Seen map[string]string
}

// Progress holds counters that a run updates atomically, for a progress
// display to read while it runs.
type Progress struct {
	Total    atomic.Int64 // inputs in the run
	Done     atomic.Int64 // inputs delivered to the sinks
	Pages    atomic.Int64
	OCRPages atomic.Int64 // pages whose text was recognised from a scan
	Findings atomic.Int64
	Failed   atomic.Int64
}

// Report sums up a run.
type Report struct {
	Inputs   int // inputs given
	Done     int // inputs delivered to the sinks (all of them unless interrupted)
	OK       int // not counting Partial ones
	Partial  int // cut short by a limit (see StatusPartial)
	Failed   int
	NeedsOCR int
	Skipped  int
	Pages    int
	OCRPages int // pages whose text was recognised from a scan
	Findings int
	Elapsed  time.Duration
	// Problems lists the result of every input whose Outcome was not
	// StatusOK, in input order.
	Problems []*Result
	// Interrupted is set when the context was cancelled before every
	// input was delivered.
	Interrupted bool
}

func (c *Config) limits() extract.Limits {
	l := c.Limits
	d := extract.DefaultLimits
	if l.MaxBytes == 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPages == 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxStreamBytes == 0 {
		l.MaxStreamBytes = d.MaxStreamBytes
	}
	if l.Timeout == 0 {
		l.Timeout = d.Timeout
	}
	return l
}

// Run processes inputs and delivers each result to every sink, in input
// order. It returns an error only when the run itself fails (a sink
// error) or is cancelled; failures of single documents are in the Report.
func Run(ctx context.Context, cfg Config, inputs []corpus.Item, sinks ...Sink) (*Report, error) {
	if cfg.Tagger == nil || cfg.Extractors == nil {
		return nil, errors.New("pipeline: Config needs Extractors and Tagger")
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lim := cfg.limits()
	start := time.Now()
	rep := &Report{Inputs: len(inputs)}
	if cfg.Progress != nil {
		cfg.Progress.Total.Add(int64(len(inputs)))
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Results are delivered in input order. A window of slots bounds how
	// far workers may run ahead of the slowest document, and so memory.
	// It is wide, so that one long report does not leave the other
	// workers idle: with four slots a worker, real folders of mixed
	// sizes ran a sixth slower.
	window := 64 * workers
	slots := make(chan struct{}, window)
	type job struct {
		i   int
		out chan *Result
	}
	jobs := make(chan job)
	pending := make(chan chan *Result, window)

	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- process(ctx, &cfg, lim, inputs[j.i])
			}
		}()
	}
	go func() {
		defer close(pending)
		defer close(jobs)
		for i := range inputs {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			out := make(chan *Result, 1)
			select {
			case jobs <- job{i, out}:
			case <-ctx.Done():
				return
			}
			pending <- out
		}
	}()

	var runErr error
	stopped := false            // a result was dropped: deliver no later ones
	seen := map[string]string{} // content id -> first path, for duplicates
	for id, p := range cfg.Seen {
		seen[id] = p
	}
	for out := range pending {
		r := <-out
		<-slots
		if runErr != nil || stopped {
			continue // drain
		}
		if ctx.Err() != nil && r.Status == StatusFailed && errors.Is(r.Err, context.Canceled) {
			// The run was interrupted while this document was in
			// flight: it was not processed, so neither it nor any
			// later input is delivered.
			stopped = true
			continue
		}
		if r.Doc != nil && r.Status == StatusOK {
			if first, dup := seen[r.Doc.ID]; dup {
				r.Status = StatusSkipped
				r.Err = &DocError{Path: r.Input.Path, Stage: StageDetect, Err: fmt.Errorf("%w: same as %s", ErrDuplicate, first)}
				r.Findings = nil
			} else {
				seen[r.Doc.ID] = r.Input.Path
			}
		}
		for _, s := range sinks {
			if err := s.Put(ctx, r); err != nil {
				runErr = fmt.Errorf("pipeline: %w", err)
				cancel()
				break
			}
		}
		if runErr != nil {
			continue
		}
		rep.add(r)
		if p := cfg.Progress; p != nil {
			p.Done.Add(1)
			if r.Doc != nil {
				p.Pages.Add(int64(len(r.Doc.Pages)))
				n, _, _ := r.Doc.OCRSummary()
				p.OCRPages.Add(int64(n))
			}
			p.Findings.Add(int64(len(r.Findings)))
			if r.Status == StatusFailed {
				p.Failed.Add(1)
			}
		}
		switch st, err := r.Outcome(); st {
		case StatusOK:
		case StatusPartial:
			log.Warn("document cut short", "path", r.Input.Path, "status", st, "err", err)
		default:
			log.Warn("document not processed", "path", r.Input.Path, "status", st, "err", err)
		}
		var pe *extract.PanicError
		if errors.As(r.Err, &pe) {
			// The report has the one-line reason; the stack is for
			// whoever fixes the bug.
			log.Error("panic", "path", r.Input.Path, "where", pe.Where, "stack", string(pe.Stack))
		}
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	if runErr != nil {
		return rep, runErr
	}
	if rep.Done < rep.Inputs {
		rep.Interrupted = true
		return rep, fmt.Errorf("pipeline: interrupted after %d of %d documents: %w", rep.Done, rep.Inputs, context.Cause(ctx))
	}
	return rep, nil
}

func (rep *Report) add(r *Result) {
	rep.Done++
	st, _ := r.Outcome()
	switch st {
	case StatusOK:
		rep.OK++
	case StatusPartial:
		rep.Partial++
	case StatusFailed:
		rep.Failed++
	case StatusNeedsOCR:
		rep.NeedsOCR++
	case StatusSkipped:
		rep.Skipped++
	}
	if st != StatusOK {
		rep.Problems = append(rep.Problems, r)
	}
	if r.Doc != nil {
		rep.Pages += len(r.Doc.Pages)
		n, _, _ := r.Doc.OCRSummary()
		rep.OCRPages += n
	}
	rep.Findings += len(r.Findings)
}

// process runs the stages on one input, never panicking and never taking
// longer than the time limit.
func process(ctx context.Context, cfg *Config, lim extract.Limits, in corpus.Item) *Result {
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	done := make(chan *Result, 1)
	go func() { done <- stages(dctx, cfg, lim, in) }()
	var r *Result
	select {
	case r = <-done:
	case <-dctx.Done():
		// The stage goroutine honours dctx and will end; the document
		// is failed now, so the run does not wait for it.
		err := dctx.Err()
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("%w: took longer than %s", extract.ErrLimit, lim.Timeout)
		}
		r = fail(in, StageExtract, err)
	}
	r.Elapsed = time.Since(start)
	return r
}

func fail(in corpus.Item, stage string, err error) *Result {
	st := StatusFailed
	switch {
	case extract.IsNeedsOCR(err):
		st = StatusNeedsOCR
	case errors.Is(err, ErrUnsupported), corpus.IsSkip(err):
		st = StatusSkipped
	}
	return &Result{Input: in, Status: st, Err: &DocError{Path: in.Path, Stage: stage, Err: err}}
}

func stages(ctx context.Context, cfg *Config, lim extract.Limits, in corpus.Item) (r *Result) {
	stage, where := StageRead, StageRead
	defer func() {
		if p := recover(); p != nil {
			r = fail(in, stage, extract.NewPanicError(where, p))
		}
	}()
	if corpus.IsSkip(in.Err) {
		return fail(in, StageWalk, in.Err)
	}
	data, err := in.ReadAll(lim.MaxBytes)
	if err == nil && len(data) == 0 {
		err = corpus.ErrEmpty // whatever its name says it holds
	}
	if err != nil {
		return fail(in, stage, err)
	}
	stage, where = StageDetect, StageDetect
	format := corpus.Detect(data)
	ex := cfg.Extractors[format]
	if ex == nil {
		return fail(in, stage, ErrUnsupported)
	}
	doc := &extract.Document{Path: in.Path, ID: corpus.Identify(data), Format: format, Size: int64(len(data))}
	stage, where = StageExtract, string(format)+" extractor"
	c, err := ex.Extract(ctx, data, lim)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		res := fail(in, stage, err)
		if res.Status == StatusNeedsOCR {
			res.Doc = doc
		}
		return res
	}
	doc.Content = *c
	stage, where = StageTag, "tagger"
	findings, err := cfg.Tagger.TagDoc(ctx, doc, tag.Options{Explain: cfg.Explain})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return fail(in, stage, err)
	}
	return &Result{Input: in, Doc: doc, Findings: findings, Status: StatusOK}
}
