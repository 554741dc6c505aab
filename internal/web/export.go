package web

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// TotalHeader is the response header of an export that gives the number
// of findings it holds, known before the first row is written.
const TotalHeader = "X-Cqcmine-Total"

func (s *server) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	var cw *csv.Writer
	s.export(w, r, "text/csv; charset=utf-8", "cqcmine-findings.csv",
		func(bw *bufio.Writer) error {
			cw = csv.NewWriter(bw)
			return cw.Write(extract.CSVColumns)
		},
		func(_ *bufio.Writer, f *extract.Finding) error {
			return cw.Write(extract.CSVRecord(*f))
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
// scope is always findings. Once the first row is out, an error can only
// abort the connection, so that the client sees a failed download rather
// than a short file.
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
	q.Limit = s.opt.ExportBatch
	q.Offset = 0
	ctx := r.Context()
	res, err := s.ix.Search(ctx, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if most := uint64(index.MaxOffset + q.Limit); res.Total > most {
		s.fail(w, r, badRequestf("The search matches %d findings; an export holds at most %d. Narrow the search.", res.Total, most))
		return
	}

	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set(TotalHeader, strconv.FormatUint(res.Total, 10))
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
	written := uint64(0)
	for {
		for i := range res.Hits {
			f := res.Hits[i].Finding
			if f == nil {
				continue
			}
			if err := row(bw, f); err != nil {
				abort(fmt.Errorf("write %s: %w", f.DocID, err))
			}
			written++
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
		q.Offset += len(res.Hits)
		if len(res.Hits) == 0 || uint64(q.Offset) >= res.Total {
			break
		}
		if q.Offset > index.MaxOffset {
			abort(fmt.Errorf("export past offset %d", index.MaxOffset))
		}
		if res, err = s.ix.Search(ctx, q); err != nil {
			abort(err)
		}
	}
	if uint64(q.Offset) < res.Total {
		abort(fmt.Errorf("export wrote %d of %d findings: the index changed", written, res.Total))
	}
}
