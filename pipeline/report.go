package pipeline

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
)

// Row is one input's line in a run report.
type Row struct {
	Path     string `json:"path"`
	DocID    string `json:"doc_id,omitempty"`
	Format   string `json:"format,omitempty"`
	Status   Status `json:"status"`
	Stage    string `json:"stage,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Pages    int    `json:"pages"`
	Findings int    `json:"findings"`
	Millis   int64  `json:"ms"`
	// OCRPages counts the pages whose text was recognised from a scan,
	// OCRConfidence is their mean word confidence (0–100) and OCRLow
	// lists those below extract.OCRConfidenceFloor.
	OCRPages      int     `json:"ocr_pages,omitempty"`
	OCRConfidence float64 `json:"ocr_confidence,omitempty"`
	OCRLow        []int   `json:"ocr_low_pages,omitempty"`
}

// Statuses that appear only in run reports.
const (
	// StatusUnchanged is an input an incremental run did not need to read.
	StatusUnchanged Status = "unchanged"
	// StatusPending is an input an interrupted run did not reach.
	StatusPending Status = "pending"
)

// RowOf is the report row of a result, with its Outcome.
func RowOf(r *Result) Row {
	st, err := r.Outcome()
	row := Row{Path: r.Input.Path, Status: st, Findings: len(r.Findings), Millis: r.Elapsed.Milliseconds()}
	if r.Doc != nil {
		row.DocID, row.Format, row.Pages = r.Doc.ID, string(r.Doc.Format), len(r.Doc.Pages)
		var conf float64
		row.OCRPages, conf, row.OCRLow = r.Doc.OCRSummary()
		row.OCRConfidence = math.Round(conf*10) / 10
	}
	var ne *extract.NeedsOCRError
	if errors.As(r.Err, &ne) && row.Pages == 0 {
		row.Pages = ne.Pages
	}
	var de *DocError
	if errors.As(err, &de) {
		row.Stage, row.Reason = de.Stage, de.Err.Error()
	} else if err != nil {
		row.Reason = err.Error()
	}
	return row
}

// Recorder is a sink that keeps a report row for every result.
type Recorder struct {
	Rows []Row
}

// Put records r.
func (rec *Recorder) Put(_ context.Context, r *Result) error {
	rec.Rows = append(rec.Rows, RowOf(r))
	return nil
}

// ReportColumns is the column order of a CSV run report.
var ReportColumns = []string{"path", "doc_id", "format", "status", "stage", "reason", "pages", "findings", "ms",
	"ocr_pages", "ocr_confidence", "ocr_low_pages"}

// WriteReportCSV writes rows as CSV with a header.
func WriteReportCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	cw.Write(ReportColumns)
	for _, r := range rows {
		conf, low := "", make([]string, len(r.OCRLow))
		if r.OCRPages > 0 {
			conf = strconv.FormatFloat(r.OCRConfidence, 'f', 1, 64)
		}
		for i, n := range r.OCRLow {
			low[i] = strconv.Itoa(n)
		}
		cw.Write([]string{r.Path, r.DocID, r.Format, string(r.Status), r.Stage, r.Reason,
			strconv.Itoa(r.Pages), strconv.Itoa(r.Findings), strconv.FormatInt(r.Millis, 10),
			strconv.Itoa(r.OCRPages), conf, strings.Join(low, " ")})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// WriteReportJSON writes rows as a JSON object with totals by status and
// one entry per input.
func WriteReportJSON(w io.Writer, rows []Row) error {
	totals := map[Status]int{}
	for _, r := range rows {
		totals[r.Status]++
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	err := enc.Encode(struct {
		Inputs int            `json:"inputs"`
		Totals map[Status]int `json:"totals"`
		Files  []Row          `json:"files"`
	}{len(rows), totals, rows})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
