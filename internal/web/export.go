package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

// TotalHeader is the response header of an export that gives the number
// of findings it holds, known before the first row is written.
const TotalHeader = "X-Cqcmine-Total"

func (s *server) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	var cw *csv.Writer
	s.export(w, r, "text/csv; charset=utf-8", "cqcmine-findings.csv",
		func(bw *bufio.Writer) error {
			cw = csv.NewWriter(bw)
			return cw.Write(pipeline.CSVColumns)
		},
		func(_ *bufio.Writer, f *extract.Finding) error {
			return cw.Write(pipeline.CSVRecord(*f))
		},
		func() error {
			cw.Flush()
			return cw.Error()
		})
}

func (s *server) handleExportJSONL(w http.ResponseWriter, r *http.Request) {
	s.export(w, r, "application/x-ndjson; charset=utf-8", "cqcmine-findings.jsonl",
		func(*bufio.Writer) error { return nil },
		func(bw *bufio.Writer, f *extract.Finding) error {
			b, err := json.Marshal(*f)
			if err != nil {
				return err
			}
			bw.Write(b)
			return bw.WriteByte('\n')
		},
		func() error { return nil })
}

// export streams every finding the search in the URL matches, fetched
// ExportBatch at a time. Page and page size in the URL are ignored; the
// scope is always findings. The search is matched once, under the request
// timeout, and each batch filled under a timeout of its own, through a
// cursor that goes on where the last batch ended. Once the first row is
// out, an error can only abort the connection, so that the client sees a
// failed download rather than a short file.
func (s *server) export(w http.ResponseWriter, r *http.Request, ctype, name string,
	header func(*bufio.Writer) error, row func(*bufio.Writer, *extract.Finding) error, flush func() error) {
	v := r.URL.Query()
	v.Del("page")
	v.Del("n")
	st, err := s.parseSearch(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := st.q
	q.Scope = index.ScopeFindings
	ctx := r.Context()
	mctx, cancel := context.WithTimeout(ctx, s.opt.RequestTimeout)
	cur, err := s.ix.Cursor(mctx, q)
	cancel()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total := cur.Total

	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set(TotalHeader, strconv.FormatUint(total, 10))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	abort := func(err error) {
		s.opt.Logger.Error("web: export aborted", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err := header(bw); err != nil {
		abort(err)
	}
	for {
		bctx, cancel := context.WithTimeout(ctx, s.opt.RequestTimeout)
		res, err := cur.Next(bctx, s.opt.ExportBatch)
		cancel()
		if err != nil {
			abort(err)
		}
		if len(res.Hits) == 0 {
			break
		}
		for i := range res.Hits {
			f := res.Hits[i].Finding
			if f == nil {
				continue
			}
			if err := row(bw, f); err != nil {
				abort(fmt.Errorf("write %s: %w", f.DocID, err))
			}
		}
		if err := flush(); err != nil {
			abort(err)
		}
		if err := bw.Flush(); err != nil {
			abort(err)
		}
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	if cur.Given() < total {
		abort(fmt.Errorf("export wrote %d of %d findings: the index changed", cur.Given(), total))
	}
}
