package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/cqcmine/cqcmine/index"
)

// TotalHeader is the response header of an export that gives the number
// of findings it holds, known before the first row is written.
const TotalHeader = "X-Cqcmine-Total"

func (s *server) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	var cw *csv.Writer
	columns := exportColumns(r.URL.Query().Get("scope"))
	s.export(w, r, "text/csv; charset=utf-8", "cqcmine-findings.csv",
		func(bw *bufio.Writer) error {
			cw = csv.NewWriter(bw)
			return cw.Write(append(slices.Clone(columns), "citation", "evidence_url"))
		},
		func(_ *bufio.Writer, h *index.Hit, c Citation) error {
			return cw.Write(append(csvRecord(h, columns), c.Text, c.URL))
		},
		func() error {
			cw.Flush()
			return cw.Error()
		})
}

func (s *server) handleExportJSONL(w http.ResponseWriter, r *http.Request) {
	s.export(w, r, "application/x-ndjson; charset=utf-8", "cqcmine-findings.jsonl",
		func(*bufio.Writer) error { return nil },
		func(bw *bufio.Writer, h *index.Hit, c Citation) error {
			b, err := jsonRecord(h, c)
			if err != nil {
				return err
			}
			bw.Write(b)
			return bw.WriteByte('\n')
		},
		func() error { return nil })
}

// export streams every finding and page the search in the URL matches, as
// its scope has it (findings first, then pages), each with its citation.
// Page and page size in the URL are ignored. The search is matched once,
// under the request timeout, and each batch of ExportBatch hits filled
// under a timeout of its own, through a cursor that goes on where the
// last batch ended. Once the first row is out, an error can only abort
// the connection, so that the client sees a failed download rather than a
// short file.
func (s *server) export(w http.ResponseWriter, r *http.Request, ctype, name string,
	header func(*bufio.Writer) error, row func(*bufio.Writer, *index.Hit, Citation) error, flush func() error) {
	st, err := s.parseWholeSearch(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := st.q
	q.PageText = true
	ctx := r.Context()
	base := baseURL(r)
	mctx, cancel := context.WithTimeout(ctx, s.opt.RequestTimeout)
	var cur hitSource
	var total uint64
	if st.recurring {
		var rc *recurringHits
		if rc, err = s.recurringSource(mctx, st, q); err == nil {
			cur, total = rc, rc.total
		}
	} else {
		var ic *index.Cursor
		if ic, err = s.ix.Cursor(mctx, q); err == nil {
			cur, total = ic, ic.Total
		}
	}
	cancel()
	if err != nil {
		s.fail(w, r, err)
		return
	}

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
			h := &res.Hits[i]
			if err := row(bw, h, citeHit(base, h)); err != nil {
				abort(fmt.Errorf("write %s: %w", h.DocID, err))
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
		abort(fmt.Errorf("export wrote %d of %d results: the index changed", cur.Given(), total))
	}
}

// parseWholeSearch reads the search in r's URL without its page and page
// size: a search that exports or feeds from, not one that shows a page.
func (s *server) parseWholeSearch(r *http.Request) (*searchState, error) {
	v := r.URL.Query()
	v.Del("page")
	v.Del("n")
	return s.parseSearch(v)
}

// hitSource pages through the hits of an export: an index.Cursor, or the
// recurring actions of a search.
type hitSource interface {
	Next(ctx context.Context, n int) (*index.Results, error)
	Given() uint64
}

// recurringHits pages through a search narrowed to recurring actions,
// which s.search works out whole.
type recurringHits struct {
	s     *server
	st    *searchState
	q     index.Query
	total uint64
	given uint64
}

func (s *server) recurringSource(ctx context.Context, st *searchState, q index.Query) (*recurringHits, error) {
	q.Limit, q.Offset, q.Facets = 1, 0, false
	res, err := s.search(ctx, st, q)
	if err != nil {
		return nil, err
	}
	return &recurringHits{s: s, st: st, q: q, total: res.Total}, nil
}

func (c *recurringHits) Given() uint64 { return c.given }

func (c *recurringHits) Next(ctx context.Context, n int) (*index.Results, error) {
	q := c.q
	q.Limit, q.Offset = min(n, index.MaxLimit), int(c.given)
	if c.given >= c.total || q.Offset > index.MaxOffset {
		return &index.Results{}, nil
	}
	res, err := c.s.search(ctx, c.st, q)
	if err != nil {
		return nil, err
	}
	c.given += uint64(len(res.Hits))
	return res, nil
}
