// Package web serves cqcmine's evidence-lookup UI and its JSON API over an
// index.
//
// The UI is server-rendered with html/template: every page works without
// JavaScript and the URL holds the whole state of a search, so a link
// reproduces what its sender saw. Pages:
//
//	GET /                       search: query box, facets, filter chips, results
//	GET /help                   query syntax
//	GET /doc/{id}?page=N&f=K    evidence view: a page's text, the finding marked,
//	                            and a page of the findings list (fpage=M)
//	GET /file/{id}              the original file, found by document id
//	GET /providers              every provider
//	GET /provider/{name}        ratings timeline, must-dos by theme, quotes
//	GET /export.csv, .jsonl     every match of a search (findings contract)
//	GET /api/search             index.Results as JSON
//	GET /api/documents/{id}     index.DocInfo as JSON
//	GET /api/providers          provider names as JSON
//	GET /api/providers/{name}/timeline   []index.TimelinePoint as JSON
//
// The handler is read-only. Files are served only by the path the index
// stores for a document id, never a path from the request, and only
// while the file there is a regular file with the document's content
// (see handleFile). It answers only requests that name it in their Host
// header (Options.Addr, Options.Hosts), with 421 for the rest, so that a
// web page cannot reach it through DNS rebinding. Errors under /api/ are
// JSON ({"error": "..."}), with 404 for an unknown endpoint, 405 and an
// Allow header for a method other than GET or HEAD, 414 for a too-long
// address; the pages' errors are pages. Every response
// carries a Content-Security-Policy without inline script and the usual
// hardening headers; query length, page size and request time are bounded
// by Options.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cqcmine/cqcmine/index"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Defaults for the zero fields of Options.
const (
	DefaultMaxQueryLen     = 1000
	DefaultPageSize        = 20
	DefaultMaxPageSize     = 100
	DefaultRequestTimeout  = 10 * time.Second
	DefaultExportTimeout   = 10 * time.Minute
	DefaultExportBatch     = 500
	DefaultMaxFilterValues = 50
	DefaultMaxURLLen       = 8 << 10
	DefaultDocFindings     = 100
)

// Options configure the handler. The zero value is usable: each zero field
// takes its default.
type Options struct {
	// MaxQueryLen bounds the query text, in bytes.
	MaxQueryLen int
	// PageSize is the number of results a search page shows unless the
	// URL asks otherwise (n=); MaxPageSize is the most it may ask for.
	PageSize    int
	MaxPageSize int
	// MaxFilterValues bounds the number of filter values in one search.
	MaxFilterValues int
	// MaxURLLen bounds a request's path and its query string, each, in
	// bytes.
	MaxURLLen int
	// DocFindings is the number of findings the evidence view lists at a
	// time (fpage= turns the pages of the list).
	DocFindings int
	// Addr is the address the server listens on, HOST:PORT. A request is
	// answered only if its Host header names Addr's host, a loopback name
	// (localhost, 127.0.0.1, [::1]) or one of Hosts, at Addr's port;
	// others get 421 Misdirected Request. Empty, or port 0, accepts those
	// names at any port.
	Addr string
	// Hosts are further names or IP addresses the server answers to, for
	// a server reached from other machines: the names and addresses of
	// its machine.
	Hosts []string
	// RequestTimeout bounds the time spent on a page or an API call.
	RequestTimeout time.Duration
	// ExportTimeout bounds an export or a file download, which stream.
	ExportTimeout time.Duration
	// ExportBatch is the number of hits an export fetches at a time.
	ExportBatch int
	// Open opens a document's original file by the path the index holds
	// for it. Nil opens the path on disk with OpenRegular. cqcmine sets it
	// to serve the embedded demo corpus. An Open that reads the disk must
	// not open what is not a regular file (a FIFO blocks the request): use
	// OpenRegular. The file should implement io.Seeker (files of os and
	// embed do); other files are read whole into memory.
	Open func(path string) (fs.File, error)
	// Logger receives server errors. Nil uses slog.Default().
	Logger *slog.Logger
}

func (o *Options) setDefaults() {
	if o.MaxQueryLen <= 0 {
		o.MaxQueryLen = DefaultMaxQueryLen
	}
	if o.MaxPageSize <= 0 {
		o.MaxPageSize = DefaultMaxPageSize
	}
	if o.MaxPageSize > index.MaxLimit {
		o.MaxPageSize = index.MaxLimit
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.PageSize > o.MaxPageSize {
		o.PageSize = o.MaxPageSize
	}
	if o.MaxFilterValues <= 0 {
		o.MaxFilterValues = DefaultMaxFilterValues
	}
	if o.MaxURLLen <= 0 {
		o.MaxURLLen = DefaultMaxURLLen
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.ExportTimeout <= 0 {
		o.ExportTimeout = DefaultExportTimeout
	}
	if o.ExportBatch <= 0 {
		o.ExportBatch = DefaultExportBatch
	}
	if o.DocFindings <= 0 {
		o.DocFindings = DefaultDocFindings
	}
	if o.ExportBatch > index.MaxLimit {
		o.ExportBatch = index.MaxLimit
	}
	if o.Open == nil {
		o.Open = OpenRegular
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// server holds what the handlers share.
type server struct {
	ix    *index.Index
	opt   Options
	pages map[string]*template.Template
	hosts *hostCheck
	sums  *sumCache
}

// pageNames are the templates in templates/, each rendered inside
// layout.html.
var pageNames = []string{"search", "help", "doc", "provider", "providers", "error"}

// New returns the UI and API handler over ix.
func New(ix *index.Index, opt Options) (http.Handler, error) {
	if ix == nil {
		return nil, errors.New("web: no index")
	}
	opt.setDefaults()
	s := &server{ix: ix, opt: opt, pages: map[string]*template.Template{},
		hosts: newHostCheck(opt.Addr, opt.Hosts), sums: newSumCache()}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}

	mux := http.NewServeMux()
	page := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, s.timeout(h, false))
	}
	// An API endpoint answers a wrong method with a JSON 405 and Allow
	// (with a method in its pattern, the mux would hand the request to the
	// /api/ catch-all, a 404).
	api := func(path string, h http.HandlerFunc) {
		th := s.timeout(h, true)
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				s.apiError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed: the API answers GET and HEAD only")
				return
			}
			th.ServeHTTP(w, r)
		})
	}
	page("GET /{$}", s.handleSearch)
	page("GET /help", s.handleHelp)
	page("GET /doc/{id}", s.handleDoc)
	page("GET /providers", s.handleProviders)
	page("GET /provider/{name}", s.handleProvider)
	mux.HandleFunc("GET /file/{id}", s.streaming(s.handleFile))
	mux.HandleFunc("GET /export.csv", s.streaming(s.handleExportCSV))
	mux.HandleFunc("GET /export.jsonl", s.streaming(s.handleExportJSONL))
	api("/api/search", s.handleAPISearch)
	api("/api/documents/{id}", s.handleAPIDocument)
	api("/api/providers", s.handleAPIProviders)
	api("/api/providers/{name}/timeline", s.handleAPITimeline)
	api("/api/providers/{name}/recurring", s.handleAPIRecurring)
	api("/api/providers/{name}/claims", s.handleAPIClaims)
	page("GET /feed.atom", s.handleFeed)
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	noAPI := func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, http.StatusNotFound, "no such API endpoint: "+r.URL.Path)
	}
	mux.HandleFunc("/api/", noAPI)
	mux.HandleFunc("/api", noAPI)
	page("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.errorPage(w, r, http.StatusMethodNotAllowed, "This server is read-only: it answers GET requests only.")
			return
		}
		s.notFound(w, r, "There is no page at this address.")
	})
	return s.secure(mux), nil
}

// secure sets the security headers, answers only requests that name this
// server, bounds the URL and turns a panic into a 500 page.
func (s *server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", cspPage)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.opt.Logger.Error("web: panic", "path", r.URL.Path, "panic", v)
				s.errorFor(w, r, http.StatusInternalServerError, "Something went wrong on the server. The error has been logged.")
			}
		}()
		if !s.hosts.allows(r.Host) {
			s.misdirected(w, r)
			return
		}
		if len(r.URL.RawQuery) > s.opt.MaxURLLen || len(r.URL.Path) > s.opt.MaxURLLen {
			s.errorFor(w, r, http.StatusRequestURITooLong, fmt.Sprintf("The address is too long (over %d bytes of path or parameters).", s.opt.MaxURLLen))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cspPage is the policy of every page: nothing but this server, no inline
// script or style, no framing.
const cspPage = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// timeout bounds a handler's time. The response is buffered, so a handler
// that runs out of time gives a clean 503 page (or JSON error).
func (s *server) timeout(h http.HandlerFunc, api bool) http.Handler {
	msg := "<!doctype html><html lang=\"en-GB\"><title>Timed out</title><h1>Timed out</h1>" +
		"<p>The server took too long to answer. Try a narrower search.</p><p><a href=\"/\">New search</a></p></html>"
	if api {
		msg = `{"error":"request timed out"}`
	}
	return http.TimeoutHandler(h, s.opt.RequestTimeout, msg)
}

// streaming bounds a streaming handler's time by its context only, so
// that the response is not buffered.
func (s *server) streaming(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.opt.ExportTimeout)
		defer cancel()
		h(w, r.WithContext(ctx))
	}
}

// isAPI reports whether r asks the JSON API, whose errors are JSON.
func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// errorFor answers an error as JSON to an API request and as a page to
// any other.
func (s *server) errorFor(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if isAPI(r) {
		s.apiError(w, code, msg)
		return
	}
	s.errorPage(w, r, code, msg)
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
