package main

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/pipeline"
)

// TestMain lets the test binary stand in for cqcmine when a test starts
// it as a child process.
func TestMain(m *testing.M) {
	if os.Getenv("CQCMINE_TEST_AS_MAIN") == "1" {
		os.Exit(cqcmineMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// simplePDF is a one-page PDF whose content stream is content followed by
// pad spaces, Flate compressed, with its xref offsets right.
func simplePDF(t *testing.T, content []byte, pad int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zw.Write(content)
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for ; pad > 0; pad -= len(chunk) {
		zw.Write(chunk[:min(pad, len(chunk))])
	}
	zw.Close()
	var b bytes.Buffer
	var offs []int
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	offs = append(offs, b.Len())
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// TestChildIsolation runs PDFs in child processes: a document that makes
// its child run out of memory fails with a clear reason, and the next
// document is extracted by a fresh child.
func TestChildIsolation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Setenv("CQCMINE_TEST_AS_MAIN", "1")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	child := &pipeline.Child{Command: []string{exe, childCommand, "pdf"}, MaxMemory: 256 << 20}
	defer child.Close()
	ctx := context.Background()
	lim := extract.Limits{MaxPages: 10, Timeout: time.Minute}

	good := simplePDF(t, []byte("BT /F1 12 Tf 72 720 Td (Are services safe? Requires improvement) Tj ET"), 0)
	c, err := child.Extract(ctx, good, lim)
	if err != nil || len(c.Pages) != 1 || !bytes.Contains([]byte(c.Pages[0].Text), []byte("Requires improvement")) {
		t.Fatalf("good PDF: %+v, %v", c, err)
	}

	// A content stream that inflates to 768 MiB, with no stream limit
	// set: only the child's memory cap stops it.
	bomb := simplePDF(t, nil, 768<<20)
	_, err = child.Extract(ctx, bomb, lim)
	if err == nil || !errors.Is(err, extract.ErrLimit) {
		t.Fatalf("bomb: err = %v, want an out-of-memory limit error", err)
	}
	t.Logf("bomb: %v", err)

	c, err = child.Extract(ctx, good, lim)
	if err != nil || len(c.Pages) != 1 {
		t.Fatalf("good PDF after the bomb: %+v, %v", c, err)
	}

	// A document that overruns its time is killed with its child.
	tctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := child.Extract(tctx, bomb, lim); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timed-out document: err = %v", err)
	}
	if c, err = child.Extract(ctx, good, lim); err != nil || len(c.Pages) != 1 {
		t.Fatalf("good PDF after the timeout: %+v, %v", c, err)
	}
}
