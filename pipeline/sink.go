package pipeline

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// JSONLSink writes every finding as one JSON line (the findings contract).
type JSONLSink struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewJSONLSink returns a sink writing to w. Call Flush at the end.
func NewJSONLSink(w io.Writer) *JSONLSink {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSONLSink{w: bw, enc: enc}
}

// Put writes r's findings.
func (s *JSONLSink) Put(_ context.Context, r *Result) error {
	for i := range r.Findings {
		if err := s.enc.Encode(r.Findings[i]); err != nil {
			return fmt.Errorf("jsonl: %s: %w", r.Input.Path, err)
		}
	}
	return nil
}

// Flush writes buffered lines.
func (s *JSONLSink) Flush() error { return s.w.Flush() }

// CSVSink writes every finding as one CSV row (extract.CSVColumns), with
// a header row first.
type CSVSink struct {
	w      *csv.Writer
	header bool
}

// NewCSVSink returns a sink writing to w. Call Flush at the end. With
// header false it writes no header row (appending to an earlier output).
func NewCSVSink(w io.Writer, header bool) *CSVSink {
	return &CSVSink{w: csv.NewWriter(w), header: !header}
}

// Put writes r's findings.
func (s *CSVSink) Put(_ context.Context, r *Result) error {
	if !s.header {
		s.header = true
		if err := s.w.Write(extract.CSVColumns); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	for _, f := range r.Findings {
		if err := s.w.Write(extract.CSVRecord(f)); err != nil {
			return fmt.Errorf("csv: %s: %w", r.Input.Path, err)
		}
	}
	return nil
}

// Flush writes buffered rows. With no findings at all it still writes the
// header.
func (s *CSVSink) Flush() error {
	if !s.header {
		s.header = true
		s.w.Write(extract.CSVColumns)
	}
	s.w.Flush()
	return s.w.Error()
}

// TextDirSink writes each document's extracted text to a file in a
// directory, pages separated by form feeds. The file is named after the
// input (report.pdf -> report.txt); a name already used in the run gets
// the first 12 characters of the document id added.
type TextDirSink struct {
	dir  string
	used map[string]bool
}

// NewTextDirSink creates dir if needed.
func NewTextDirSink(dir string) (*TextDirSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("text dir: %w", err)
	}
	return &TextDirSink{dir: dir, used: map[string]bool{}}, nil
}

// Put writes r's text, if it has any.
func (s *TextDirSink) Put(_ context.Context, r *Result) error {
	if r.Doc == nil || r.Status != StatusOK {
		return nil
	}
	base := filepath.Base(filepath.FromSlash(r.Input.Path))
	name := strings.TrimSuffix(base, filepath.Ext(base)) + ".txt"
	if s.used[name] {
		name = strings.TrimSuffix(name, ".txt") + "-" + r.Doc.ID[:12] + ".txt"
	}
	s.used[name] = true
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(r.Doc.Text()), 0o644); err != nil {
		return fmt.Errorf("text dir: %w", err)
	}
	return nil
}
