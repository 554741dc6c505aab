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
	"time"

	"github.com/cqcmine/cqcmine/corpus"
	"github.com/cqcmine/cqcmine/corpus/demo"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/internal/web"
	"github.com/cqcmine/cqcmine/pipeline"
)

type serveOptions struct {
	indexOptions
	addr string
}

const serveExamples = `  cqcmine serve                          # the demo corpus on http://127.0.0.1:8080
  cqcmine serve ~/cqc-reports            # index a folder (incrementally), then serve it
  cqcmine serve --index ./idx --addr 127.0.0.1:9000
`

func runServeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o serveOptions
	fs := newFlagSet("serve", "serve [flags] [PATH...]", serveExamples, stderr)
	o.runOptions.addFlags(fs)
	o.indexOptions.addFlags(fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (loopback by default)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	return runServe(ctx, o, paths, stdout, stderr, nil)
}

// originals opens a document's original file by the path the index holds
// for it: the manifest knows where on disk (or in the embedded demo
// corpus) that path was found, whatever directory serve runs in.
func originals(man *corpus.Manifest) func(path string) (fs.File, error) {
	where := map[string]string{}
	for key, e := range man.Entries {
		where[e.Path] = key
	}
	return func(path string) (fs.File, error) {
		key, ok := where[path]
		if !ok {
			return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
		}
		if name, ok := strings.CutPrefix(key, "embed:"); ok {
			return demo.FS().Open(name)
		}
		return os.Open(key)
	}
}

// runServe indexes paths (or, for a new index, the demo corpus) and serves
// the UI until ctx ends. ready, when set, receives the listening address.
func runServe(ctx context.Context, o serveOptions, paths []string, stdout, stderr io.Writer, ready chan<- string) error {
	// With no paths, an existing index is served as it is; only a new one
	// is filled with the demo corpus.
	entries, _ := os.ReadDir(o.dir)
	if len(paths) > 0 || len(entries) == 0 {
		o.quiet = true
		if err := runIndex(ctx, o.indexOptions, paths, stdout, stderr); err != nil && !errors.Is(err, errSomeFailed) {
			return err
		}
	}
	ix, err := index.Open(o.dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	man, err := corpus.LoadManifest(filepath.Join(o.dir, pipeline.ManifestName))
	if err != nil {
		return err
	}
	h, err := web.New(ix, web.Options{Open: originals(man)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
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
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "cqcmine: stopped")
	return nil
}
