package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// badRequest is an error in what the request asked for: the user sees its
// message with status 400.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badRequestf(format string, args ...any) error {
	return &badRequest{fmt.Sprintf(format, args...)}
}

// status maps an error to the HTTP status and the message shown.
func (s *server) status(r *http.Request, err error) (int, string) {
	var br *badRequest
	var qe *index.QueryError
	switch {
	case errors.As(err, &br):
		return http.StatusBadRequest, br.msg
	case errors.As(err, &qe):
		return http.StatusBadRequest, qe.Message()
	case errors.Is(err, index.ErrNotFound):
		return http.StatusNotFound, "There is no document with this id in the index."
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "The server took too long to answer. Try a narrower search."
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "The request was cancelled."
	case errors.Is(err, index.ErrDamaged):
		s.opt.Logger.Error("web: the index is damaged", "path", r.URL.Path, "err", err)
		return http.StatusInternalServerError, "The index is damaged and cannot answer this search: stop the server and " + index.RebuildHint + " (`cqcmine index --check` tells what is damaged)."
	}
	s.opt.Logger.Error("web: request failed", "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "Something went wrong on the server. The error has been logged."
}

// fail shows err as an error page.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.status(r, err)
	s.errorPage(w, r, code, msg)
}

// failAPI answers err as a JSON error.
func (s *server) failAPI(w http.ResponseWriter, r *http.Request, err error) {
	code, msg := s.status(r, err)
	s.apiError(w, code, msg)
}

type errorData struct {
	Title   string
	Code    int
	Message string
}

func (s *server) errorPage(w http.ResponseWriter, r *http.Request, code int, msg string) {
	title := http.StatusText(code)
	switch code {
	case http.StatusNotFound:
		title = "Not found"
	case http.StatusBadRequest:
		title = "That search could not be run"
	}
	s.render(w, r, code, "error", errorData{Title: title, Code: code, Message: msg})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request, msg string) {
	s.errorPage(w, r, http.StatusNotFound, msg)
}

// render executes a page into a buffer first, so that a template error
// gives a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.opt.Logger.Error("web: render", "page", name, "path", r.URL.Path, "err", err)
		if name != "error" {
			s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong on the server. The error has been logged.")
			return
		}
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

func (s *server) writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.opt.Logger.Error("web: encode json", "err", err)
		code = http.StatusInternalServerError
		b = []byte(`{"error":"encoding the response failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func (s *server) apiError(w http.ResponseWriter, code int, msg string) {
	s.writeJSON(w, code, struct {
		Error string `json:"error"`
	}{msg})
}

// Template functions.
var funcs = template.FuncMap{
	"ratingClass": ratingClass,
	"ratingShort": ratingShort,
	"arrowSymbol": arrowSymbol,
	"kindLabel":   kindLabel,
	"docURL":      docURL,
	"providerURL": providerURL,
	"fileURL":     fileURL,
	"searchURL":   searchURL,
	"title":       displayTitle,
	"truncate":    truncate,
	"add":         func(a, b int) int { return a + b },
	"join":        strings.Join,
}

// ratingClass is the CSS class of a rating's colour.
func ratingClass(r string) string {
	switch strings.ToLower(r) {
	case extract.RatingOutstanding:
		return "r-outstanding"
	case extract.RatingGood:
		return "r-good"
	case extract.RatingRequiresImp:
		return "r-ri"
	case extract.RatingInadequate:
		return "r-inadequate"
	}
	return "r-none"
}

// arrowSymbol draws a ratings grid's arrow (extract.DirectionUp, ...).
func arrowSymbol(dir string) string {
	switch dir {
	case extract.DirectionUpTwo:
		return "↑↑"
	case extract.DirectionUp:
		return "↑"
	case extract.DirectionSame:
		return "→"
	case extract.DirectionDown:
		return "↓"
	case extract.DirectionDownTwo:
		return "↓↓"
	}
	return ""
}

// ratingShort is the abbreviation drawn in a chart cell.
func ratingShort(r string) string {
	switch strings.ToLower(r) {
	case extract.RatingOutstanding:
		return "O"
	case extract.RatingGood:
		return "G"
	case extract.RatingRequiresImp:
		return "RI"
	case extract.RatingInadequate:
		return "I"
	}
	return "?"
}

var kindLabels = map[string]string{
	string(extract.KindDocument):    "Document",
	string(extract.KindRating):      "Rating",
	string(extract.KindMustDo):      "Must do",
	string(extract.KindShouldDo):    "Should do",
	string(extract.KindQuote):       "Quote",
	string(extract.KindUndertaking): "Undertaking",
	string(extract.KindScore):       "Score",
	index.KindPage:                  "Page",
}

func kindLabel(k string) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return k
}

// docURL links to the evidence view of a document's page; f >= 0 names a
// finding (its index in index.DocInfo.Findings).
func docURL(id string, page, f int) string {
	v := url.Values{}
	if page > 0 {
		v.Set("page", strconv.Itoa(page))
	}
	if f >= 0 {
		v.Set("f", strconv.Itoa(f))
	}
	u := "/doc/" + url.PathEscape(id)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	if f >= 0 {
		u += "#hit"
	}
	return u
}

// hitDocURL links to a finding by its place on its page: the evidence
// view finds it among the document's findings.
func hitDocURL(h *index.Hit) string {
	v := url.Values{}
	if h.Page > 0 {
		v.Set("page", strconv.Itoa(h.Page))
	}
	if f := h.Finding; f != nil && f.End > 0 {
		v.Set("start", strconv.Itoa(f.Start))
		v.Set("end", strconv.Itoa(f.End))
		v.Set("kind", string(f.Kind))
	}
	u := "/doc/" + url.PathEscape(h.DocID)
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	if h.Finding != nil && h.Finding.End > 0 {
		u += "#hit"
	}
	return u
}

func providerURL(name string) string { return "/provider/" + url.PathEscape(name) }

func fileURL(id string, page int) string {
	u := "/file/" + url.PathEscape(id)
	if page > 0 {
		u += "#page=" + strconv.Itoa(page)
	}
	return u
}

// searchURL builds a search link from parameter name and value pairs.
func searchURL(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Add(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// displayTitle is a document's title, or its file name.
func displayTitle(title, path string) string {
	if strings.TrimSpace(title) != "" {
		return title
	}
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	if path == "" {
		return "Untitled document"
	}
	return path
}

// truncate cuts s to about n bytes at a rune boundary, adding an ellipsis.
func truncate(n int, s string) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ") + "…"
}
