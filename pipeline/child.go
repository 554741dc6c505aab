package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cqcmine/cqcmine/extract"
)

// Child is an extractor that runs another extractor in child processes,
// so that what no recover can catch — running out of memory, a stack
// overflow, a parser that never returns — ends a child, not the run.
//
// Command is the child's command line: a program that calls ServeChild
// (cqcmine runs itself with a hidden subcommand). Children are started on
// demand, one per concurrent Extract, and reused for later documents; a
// child that dies or overruns its time is killed and replaced. Call Close
// to end them. A Child must not be copied after first use.
type Child struct {
	Command []string
	// MaxMemory caps each child's resident memory in bytes (0: no cap):
	// a child found above it is killed and its document fails. The
	// child's garbage collector is told the same figure.
	MaxMemory int64

	mu   sync.Mutex
	idle []*childProc
}

// childRequest precedes a document's bytes on the child's stdin.
type childRequest struct {
	Size   int64          `json:"size"`
	Limits extract.Limits `json:"limits"`
}

// childReply is what a child writes back, one JSON line per document.
type childReply struct {
	Content  *extract.Content `json:"content,omitempty"`
	Error    string           `json:"error,omitempty"`
	NeedsOCR int              `json:"needs_ocr,omitempty"` // pages, for a NeedsOCRError
	OCRWhy   string           `json:"ocr_why,omitempty"`   // its reason
	Limit    bool             `json:"limit,omitempty"`     // the error wraps extract.ErrLimit
}

type childProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *limitedBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // its exit error, once done is closed
}

func (c *Child) start() (*childProc, error) {
	if len(c.Command) == 0 {
		return nil, errors.New("child: no command")
	}
	args := append(c.Command[1:len(c.Command):len(c.Command)], fmt.Sprintf("--max-memory=%d", c.MaxMemory))
	cmd := exec.Command(c.Command[0], args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &childProc{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<20),
		stderr: &limitedBuffer{max: 8 << 10}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("child: %w", err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *childProc) kill() {
	p.cmd.Process.Kill()
	p.stdin.Close()
	<-p.done
}

// Extract sends data to a child and returns what it extracted.
func (c *Child) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	c.mu.Lock()
	var p *childProc
	if n := len(c.idle); n > 0 {
		p, c.idle = c.idle[n-1], c.idle[:n-1]
	}
	c.mu.Unlock()
	if p == nil {
		var err error
		if p, err = c.start(); err != nil {
			return nil, err
		}
	}

	type result struct {
		reply childReply
		err   error
	}
	resc := make(chan result, 1)
	go func() {
		var r result
		hdr, _ := json.Marshal(childRequest{Size: int64(len(data)), Limits: lim})
		if _, err := p.stdin.Write(append(hdr, '\n')); err != nil {
			r.err = err
		} else if _, err := p.stdin.Write(data); err != nil {
			r.err = err
		} else if line, err := p.stdout.ReadBytes('\n'); err != nil {
			r.err = err
		} else if err := json.Unmarshal(line, &r.reply); err != nil {
			r.err = fmt.Errorf("bad reply: %w", err)
		}
		resc <- r
	}()

	var r result
	var tick <-chan time.Time
	if c.MaxMemory > 0 {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		tick = t.C
	}
wait:
	for {
		select {
		case r = <-resc:
			break wait
		case <-ctx.Done():
			p.kill()
			return nil, ctx.Err()
		case <-tick:
			if rss, ok := residentBytes(p.cmd.Process.Pid); ok && rss > c.MaxMemory {
				p.kill()
				return nil, fmt.Errorf("%w: the extractor used more than %d MiB of memory", extract.ErrLimit, c.MaxMemory>>20)
			}
		}
	}
	if r.err != nil {
		// The child died or garbled its reply: find out why, and do not
		// reuse it.
		p.kill()
		select {
		case <-p.done:
		case <-time.After(time.Second):
		}
		return nil, childFailure(p.err, p.stderr.String(), c.MaxMemory)
	}
	c.mu.Lock()
	c.idle = append(c.idle, p)
	c.mu.Unlock()

	rep := r.reply
	switch {
	case rep.NeedsOCR > 0:
		return nil, &extract.NeedsOCRError{Pages: rep.NeedsOCR, Reason: rep.OCRWhy}
	case rep.Limit:
		return nil, fmt.Errorf("%w: %s", extract.ErrLimit, rep.Error)
	case rep.Error != "":
		return nil, errors.New(rep.Error)
	case rep.Content == nil:
		return nil, errors.New("child: empty reply")
	}
	return rep.Content, nil
}

// Close ends the idle children.
func (c *Child) Close() error {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.mu.Unlock()
	for _, p := range idle {
		p.stdin.Close() // the child ends at end of input
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			p.kill()
		}
	}
	return nil
}

// childFailure explains how a child process died.
func childFailure(err error, stderr string, maxMem int64) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Errorf("extractor process killed by %s", ws.Signal())
		}
	}
	first := strings.TrimSpace(stderr)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	switch {
	case strings.Contains(stderr, "out of memory") || strings.Contains(stderr, "cannot allocate memory"):
		return fmt.Errorf("%w: the extractor ran out of memory (limit %d MiB)", extract.ErrLimit, maxMem>>20)
	case strings.Contains(stderr, "stack overflow") || strings.Contains(stderr, "stack exceeds"):
		return fmt.Errorf("the extractor overflowed its stack: %s", first)
	case first != "":
		return fmt.Errorf("extractor process failed (%v): %s", err, first)
	}
	return fmt.Errorf("extractor process failed: %v", err)
}

// ServeChild is the child's side of Child: it reads requests from r, each
// a JSON header line and the document's bytes, extracts each with ex and
// writes one JSON reply line to w, until r ends. Each document gets a
// fresh context bounded by its time limit.
func ServeChild(ctx context.Context, ex extract.Extractor, r io.Reader, w io.Writer) error {
	br := bufio.NewReaderSize(r, 1<<20)
	bw := bufio.NewWriter(w)
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF && len(line) == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("child: read request: %w", err)
		}
		var req childRequest
		if err := json.Unmarshal(line, &req); err != nil {
			return fmt.Errorf("child: bad request: %w", err)
		}
		data := make([]byte, req.Size)
		if _, err := io.ReadFull(br, data); err != nil {
			return fmt.Errorf("child: read document: %w", err)
		}
		reply := serveOne(ctx, ex, req.Limits, data)
		b, err := json.Marshal(reply)
		if err != nil {
			return fmt.Errorf("child: %w", err)
		}
		bw.Write(append(b, '\n'))
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("child: write reply: %w", err)
		}
	}
}

func serveOne(ctx context.Context, ex extract.Extractor, lim extract.Limits, data []byte) (reply childReply) {
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	defer func() {
		if p := recover(); p != nil {
			reply = childReply{Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	c, err := ex.Extract(ctx, data, lim)
	if err != nil {
		reply.Error = err.Error()
		var ocr *extract.NeedsOCRError
		if errors.As(err, &ocr) {
			reply.NeedsOCR, reply.OCRWhy = ocr.Pages, ocr.Reason
		}
		reply.Limit = errors.Is(err, extract.ErrLimit)
		return reply
	}
	reply.Content = c
	return reply
}

// limitedBuffer keeps the first max bytes written to it; it is safe for
// concurrent use.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
