package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
	"github.com/cqcmine/cqcmine/pipeline"
)

type serveOptions struct {
	indexOptions
	addr        string
	allowRemote bool     // serve beyond loopback (no authentication)
	hosts       hostList // more names the server answers to
	watch       bool
	every       time.Duration
}

const serveExamples = `  cqcmine serve                          # the demo corpus on http://127.0.0.1:8080
  cqcmine serve ~/cqc-reports            # index a folder (incrementally), then serve it
  cqcmine serve --index ./idx --addr 127.0.0.1:9000
  cqcmine serve --watch ~/cqc-reports    # keep indexing new, changed and deleted files while serving
  cqcmine serve --addr 0.0.0.0:8080 --allow-remote --host reports.example.org

The server answers only requests that name it: a loopback name, the --addr
host, --host names and, with --allow-remote, the machine's name (and on
0.0.0.0 or :: its addresses); others get 421, a defence against DNS rebinding.
`

func runServeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := newFlagSet("serve", "serve [flags] [PATH...]", serveExamples, stderr)
	o.runOptions.addFlags(fs)
	o.indexOptions.addFlags(fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (loopback by default; others need --allow-remote)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow an --addr other machines can reach; there is no authentication")
	fs.Var(&o.hosts, "host", "also answer requests for `NAME` (repeatable), such as a DNS name of this machine")
	fs.BoolVar(&o.watch, "watch", false, "hold the index for writing: index new, changed and deleted files under its folders while serving, and take the index runs of other cqcmine commands")
	fs.DurationVar(&o.every, "watch-every", 2*time.Second, "with --watch, how often to look for changed files where the file system cannot report them (where it can, changes are indexed as reported, with a look every 30s, or this if longer, as a safety net)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if o.every < 100*time.Millisecond {
		return &usageError{fmt.Sprintf("serve: --watch-every %v: give at least 100ms", o.every)}
	}
	return runServe(ctx, o, paths, stdout, stderr, nil)
}

// originals opens a document's original file by the path the index holds
// for it: the manifest knows where on disk (or in the embedded demo
// corpus) that path was found, whatever directory serve runs in.
func originals(manifest func() *corpus.Manifest) func(path string) (fs.File, error) {
	var mu sync.Mutex
	var seen *corpus.Manifest
	var where map[string]string
	return func(path string) (fs.File, error) {
		mu.Lock()
		if man := manifest(); man != seen {
			seen, where = man, map[string]string{}
			for key, e := range man.Entries {
				where[e.Path] = key
			}
		}
		key, ok := where[path]
		mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
		}
		if name, ok := strings.CutPrefix(key, "embed:"); ok {
			return demo.FS().Open(name)
		}
		return web.OpenRegular(key)
	}
}

// runServe indexes paths (or, for a new index, the demo corpus) and serves
// the UI until ctx ends. ready, when set, receives the listening address.
// Without --watch the index is opened read-only; with it, it is held for
// writing and kept up to date (see live.go).
func runServe(ctx context.Context, o serveOptions, paths []string, stdout, stderr io.Writer, ready chan<- string) error {
	if err := checkServeAddr(o.addr, o.allowRemote); err != nil {
		return err
	}
	var ix *index.Index
	var manifest func() *corpus.Manifest
	if o.watch {
		l, stop, err := startLive(ctx, o, paths, stderr)
		if err != nil {
			return err
		}
		defer stop()
		ix, manifest = l.ix, l.manifest
	} else {
		// With no paths, an existing index is served as it is; only a
		// new one is filled with the demo corpus.
		entries, _ := os.ReadDir(o.dir)
		if len(paths) > 0 || len(entries) == 0 {
			o.quiet = true
			if err := runIndex(ctx, o.indexOptions, paths, stdout, stderr); err != nil && !errors.Is(err, errSomeFailed) {
				return err
			}
		}
		var err error
		ix, err = index.OpenWith(ctx, o.dir, index.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer ix.Close()
		man, err := corpus.LoadManifest(filepath.Join(o.dir, pipeline.ManifestName))
		if err != nil {
			return err
		}
		manifest = func() *corpus.Manifest { return man }
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	hosts := []string(o.hosts)
	if o.allowRemote {
		hosts = remoteHosts(ln.Addr(), o.addr, o.hosts)
		warnRemote(stderr, ln.Addr(), hosts)
	}
	h, err := web.New(ix, web.Options{Open: originals(manifest), Addr: ln.Addr().String(), Hosts: hosts})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // exports stream every match
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stderr, "cqcmine: serving %s on http://%s/\n", o.dir, ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "cqcmine: stopped")
	return nil
}
