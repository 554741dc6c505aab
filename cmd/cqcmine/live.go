package main

// A live index: `cqcmine serve --watch` holds its index for writing and
// keeps it up to date while it serves. It watches the index's roots for
// new, changed and deleted files (fswatch.go), and it takes work handed to
// it: `cqcmine
// index` and `cqcmine search`, finding the index held, read the server's
// owner record beside the index and send their work to the control
// address it names (loopback only, with the record's token: only a user
// who can read the index folder, 0700, can use it).

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/pipeline"
)

// liveIndex is a served index that is kept up to date.
type liveIndex struct {
	ix     *index.Index
	cfg    pipeline.Config
	o      runOptions
	stderr io.Writer
	log    *slog.Logger

	mu    sync.Mutex // one update at a time
	seen  map[string]string
	man   atomic.Pointer[corpus.Manifest] // as of the last update
	roots chan struct{}                   // the manifest's roots changed
}

func newLiveIndex(ix *index.Index, cfg pipeline.Config, o runOptions, stderr io.Writer) (*liveIndex, error) {
	l := &liveIndex{ix: ix, cfg: cfg, o: o, stderr: stderr, seen: map[string]string{},
		log: slog.New(slog.NewTextHandler(stderr, nil)), roots: make(chan struct{}, 1)}
	if err := l.reloadManifest(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *liveIndex) reloadManifest() error {
	man, err := corpus.LoadManifest(filepath.Join(l.ix.Dir(), pipeline.ManifestName))
	if err != nil {
		return err
	}
	l.man.Store(man)
	return nil
}

// manifest returns the manifest as of the last update.
func (l *liveIndex) manifest() *corpus.Manifest { return l.man.Load() }

// update brings the index up to date with paths, as `cqcmine index` does,
// with progress and summary going to log.
func (l *liveIndex) update(ctx context.Context, paths []string, log io.Writer) (handResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o := l.o
	o.quiet = true
	cfg := l.cfg
	cfg.Progress = new(pipeline.Progress)
	before := l.manifest().Roots
	rows, pending, st, rep, err := updateIndex(ctx, l.ix, cfg, o, paths, log)
	if merr := l.reloadManifest(); err == nil {
		err = merr
	}
	if !slices.Equal(before, l.manifest().Roots) {
		select {
		case l.roots <- struct{}{}:
		default:
		}
	}
	resp := handResponse{Rows: rows, Unchanged: len(st.Unchanged), Removed: st.Removed}
	for _, it := range pending {
		resp.Pending = append(resp.Pending, it.Path)
	}
	if rep != nil {
		resp.Failed = rep.Failed
	}
	return resp, err
}

// poll looks at the roots of the index until ctx ends: every interval,
// or, on a collection so large that its walk takes longer than a tenth
// of that, ten walks' time apart, so that polling takes at most a tenth
// of a core. Polling watches any number of files on any file system
// with no limit to raise; watch uses it where file-system events cannot
// be had.
func (l *liveIndex) poll(ctx context.Context, every time.Duration) {
	wait := every
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = max(every, 10*l.look(ctx))
	}
}

// look walks the roots of the index (file metadata only) and updates the
// index when a file under them is new, changed or gone. It returns how
// long the walk took.
func (l *liveIndex) look(ctx context.Context) time.Duration {
	start := time.Now()
	man := l.manifest()
	roots := man.Roots
	items, err := walkRoots(ctx, l.o, roots)
	walked := time.Since(start)
	if err != nil || !l.changed(man, items, roots) {
		return walked
	}
	start = time.Now()
	resp, err := l.update(ctx, roots, io.Discard)
	if ctx.Err() != nil {
		return walked
	}
	if err != nil {
		fmt.Fprintf(l.stderr, "cqcmine: watch: %s\n", printable(err.Error()))
		return walked
	}
	changed := 0
	for _, r := range resp.Rows {
		if r.Status != pipeline.StatusUnchanged {
			changed++
		}
	}
	fmt.Fprintf(l.stderr, "cqcmine: watch: %d new or changed, %d removed, %d failed; the index is up to date (%s)\n",
		changed, resp.Removed, resp.Failed, time.Since(start).Round(time.Millisecond))
	return walked
}

// changed reports whether items differ from what the manifest records:
// a file new or changed since it was last tried (a file that fails stays
// out of the manifest, and is tried again only when it changes), or a
// recorded file gone.
func (l *liveIndex) changed(man *corpus.Manifest, items []corpus.Item, roots []string) bool {
	plan := man.Plan(items, roots)
	if len(plan.Gone) > 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	diff := false
	for _, it := range plan.Todo {
		k := corpus.Key(it)
		sig := fmt.Sprint(it.Size, it.ModTime.UnixNano(), it.Err)
		if l.seen[k] != sig {
			l.seen[k] = sig
			diff = true
		}
	}
	return diff
}

// startLive opens the index in o.dir for writing, advertising a control
// address, brings it up to date with paths, and starts the watcher and
// the control server. Call stop when serving ends.
func startLive(ctx context.Context, o serveOptions, paths []string, stderr io.Writer) (l *liveIndex, stop func(), err error) {
	ln, token, err := listenControl()
	if err != nil {
		return nil, nil, err
	}
	ix, err := index.OpenWith(ctx, o.dir, index.Options{Owner: index.Owner{Control: ln.Addr().String(), Token: token}})
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	cfg, done, err := o.config(stderr, indexHeapLimit)
	if err == nil {
		l, err = newLiveIndex(ix, cfg, o.runOptions, stderr)
		if err != nil {
			done()
		}
	}
	if err != nil {
		ln.Close()
		ix.Close()
		return nil, nil, err
	}
	var wg sync.WaitGroup
	wctx, cancel := context.WithCancel(ctx)
	stop = func() {
		cancel()
		ln.Close()
		wg.Wait()
		l.mu.Lock() // the last update has returned
		ix.Close()
		l.mu.Unlock()
		done()
	}
	resp, err := l.update(ctx, paths, stderr)
	if err != nil {
		stop()
		return nil, nil, err
	}
	fmt.Fprintf(stderr, "cqcmine: index %s: %d unchanged, %d removed; watching %s for changes\n",
		printable(o.dir), resp.Unchanged, resp.Removed, printable(strings.Join(l.manifest().Roots, ", ")))
	wg.Add(2)
	go func() { defer wg.Done(); l.watch(wctx, o.every) }()
	go func() { defer wg.Done(); serveControl(wctx, ln, token, l) }()
	return l, stop, nil
}

// handRequest is work handed to a server by `cqcmine index`.
type handRequest struct {
	Paths []string `json:"paths"`
}

// handResponse is what the server did with it.
type handResponse struct {
	Log       string         `json:"log"` // the run's summary, as `index` prints it
	Rows      []pipeline.Row `json:"rows"`
	Pending   []string       `json:"pending,omitempty"`
	Unchanged int            `json:"unchanged"`
	Removed   int            `json:"removed"`
	Failed    int            `json:"failed"`
	Error     string         `json:"error,omitempty"`
}

// newToken returns a random token for the control address.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// listenControl opens the control address: a loopback port.
func listenControl() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("serve: control address: %w", err)
	}
	return ln, newToken(), nil
}

// serveControl answers work handed over on ln until ctx ends.
func serveControl(ctx context.Context, ln net.Listener, token string, l *liveIndex) {
	mux := http.NewServeMux()
	auth := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				http.Error(w, "not authorised", http.StatusUnauthorized)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			h(w, r)
		}
	}
	mux.HandleFunc("POST /index", auth(func(w http.ResponseWriter, r *http.Request) {
		var req handRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var log bytes.Buffer
		fmt.Fprintf(l.stderr, "cqcmine: indexing %s, handed over by `cqcmine index`\n", printable(strings.Join(req.Paths, ", ")))
		resp, err := l.update(r.Context(), req.Paths, &log)
		resp.Log = log.String()
		if err != nil {
			resp.Error = err.Error()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	mux.HandleFunc("POST /search", auth(func(w http.ResponseWriter, r *http.Request) {
		var q searchRequest
		if err := json.NewDecoder(r.Body).Decode(&q); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := q.on(r.Context(), l.ix)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(res)
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	srv.Serve(ln)
}

// errNoAnswer: the owner record names a server that is not there (its
// process was killed and its pid taken by another).
var errNoAnswer = errors.New("no answer")

// callServer posts v to path at the server's control address and
// decodes the answer into out. It ends with ctx.
func callServer(ctx context.Context, srv index.Owner, path string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+srv.Control+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s (pid %d) does not answer: %w: %w", srv.Command, srv.PID, errNoAnswer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("%s (pid %d): %s", srv.Command, srv.PID, strings.TrimSpace(string(msg)))
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// handOver has the server holding the index run an index update of
// paths, and reports what it did as `cqcmine index` does.
func handOver(ctx context.Context, o indexOptions, srv index.Owner, paths []string, stderr io.Writer) error {
	abs := make([]string, len(paths))
	for i, p := range paths {
		abs[i] = p
		if p != demoRoot {
			abs[i] = corpus.Key(corpus.Item{Path: p})
		}
	}
	fmt.Fprintf(stderr, "cqcmine: index %s is held by %s; handing the work to it\n", printable(o.dir), printable(srv.String()))
	var resp handResponse
	if err := callServer(ctx, srv, "/index", handRequest{Paths: abs}, &resp); err != nil {
		if errors.Is(err, errNoAnswer) && ctx.Err() == nil {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("index: %w", ctx.Err())
		}
		return fmt.Errorf("index %s: %w", o.dir, err)
	}
	io.WriteString(stderr, resp.Log)
	var pending []corpus.Item
	for _, p := range resp.Pending {
		pending = append(pending, corpus.Item{Path: p})
	}
	if err := o.writeReport(resp.Rows, pending); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "cqcmine: index %s: %d unchanged, %d removed; served searches see the changes now\n", printable(o.dir), resp.Unchanged, resp.Removed)
	if resp.Error != "" {
		return errors.New(resp.Error)
	}
	if resp.Failed > 0 {
		return errSomeFailed
	}
	return nil
}

// server returns the server holding the index in dir for writing, which
// takes work handed to it, if one is running: then there is no need to
// wait for the index.
func server(dir string) *index.Owner {
	for _, h := range index.Holders(dir) {
		if h.Control != "" && !h.ReadOnly {
			return &h
		}
	}
	return nil
}

// lockedHint adds to an index held by a read-only server how to index
// while serving.
func lockedHint(le *index.LockedError) error {
	for _, h := range le.Holders {
		if strings.Contains(h.Command, " serve") {
			return fmt.Errorf("%w (to add documents while serving, run `cqcmine serve --watch`)", le)
		}
	}
	return le
}
