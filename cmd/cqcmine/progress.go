package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/cqcmine/cqcmine/pipeline"
)

// progress shows a run's counters while it runs: a bar redrawn in place
// when stderr is a terminal, a log line every few seconds when it is not,
// nothing when quiet. Stop is idempotent and ends with the last state
// drawn.
type progress struct {
	p     *pipeline.Progress
	w     io.Writer
	log   *slog.Logger
	tty   bool
	start time.Time
	stop  context.CancelFunc
	done  chan struct{}
	once  sync.Once
}

func startProgress(ctx context.Context, p *pipeline.Progress, w io.Writer, log *slog.Logger, quiet bool) *progress {
	pr := &progress{p: p, w: w, log: log, tty: isTerminal(w), start: time.Now(), done: make(chan struct{})}
	if quiet || p == nil {
		close(pr.done)
		pr.stop = func() {}
		return pr
	}
	ctx, pr.stop = context.WithCancel(ctx)
	every := 5 * time.Second
	if pr.tty {
		every = 200 * time.Millisecond
	}
	go func() {
		defer close(pr.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if pr.tty {
					fmt.Fprintf(pr.w, "\r%s\n", pr.line(80))
				}
				return
			case <-t.C:
				if pr.tty {
					fmt.Fprintf(pr.w, "\r%s", pr.line(80))
				} else {
					pr.logLine()
				}
			}
		}
	}()
	return pr
}

// Stop ends the display.
func (pr *progress) Stop() {
	pr.once.Do(func() {
		pr.stop()
		<-pr.done
	})
}

// line is the terminal bar: documents done, pages, rate, ETA, failures.
func (pr *progress) line(width int) string {
	done, total := pr.p.Done.Load(), pr.p.Total.Load()
	el := time.Since(pr.start)
	rate := float64(done) / el.Seconds()
	eta := "–"
	if rate > 0 && total > done {
		eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	const barLen = 24
	fill := 0
	if total > 0 {
		fill = int(int64(barLen) * done / total)
	}
	bar := strings.Repeat("█", fill) + strings.Repeat("░", barLen-fill)
	ocrd := ""
	if n := pr.p.OCRPages.Load(); n > 0 {
		ocrd = fmt.Sprintf(" (%d OCR)", n)
	}
	s := fmt.Sprintf("%s %d/%d docs · %d pages%s · %.1f docs/s · ETA %s · %d failed",
		bar, done, total, pr.p.Pages.Load(), ocrd, rate, eta, pr.p.Failed.Load())
	if n := len([]rune(s)); n < width {
		s += strings.Repeat(" ", width-n) // wipe what a longer line left
	}
	return s
}

func (pr *progress) logLine() {
	done, total := pr.p.Done.Load(), pr.p.Total.Load()
	pr.log.Info("progress", "done", done, "of", total, "pages", pr.p.Pages.Load(),
		"ocr_pages", pr.p.OCRPages.Load(), "findings", pr.p.Findings.Load(), "failed", pr.p.Failed.Load(),
		"docs_per_s", fmt.Sprintf("%.1f", float64(done)/time.Since(pr.start).Seconds()))
}
