// Package corpus finds the documents cqcmine works on and keeps track of
// them between runs.
//
// Walk turns the paths given on a command line into Items (recursively,
// skipping hidden files, surviving symlink loops); every path given is
// accounted for, as an Item or as an Item carrying the error that stopped
// it being read. Identify names a document by the SHA-256 of its bytes and
// Detect tells its format from its content, not its name. A Manifest,
// saved beside an index, records what was processed so that a re-run only
// touches new, changed, moved and deleted files.
package corpus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Item is one input file.
type Item struct {
	// Path is the file's path as given or found on disk, or its name in
	// the file system FS.
	Path    string
	Size    int64
	ModTime time.Time
	// FS, when set, holds the file (an embedded corpus); otherwise Path is
	// read from the operating system.
	FS fs.FS
	// Err is set when the file was found but could not be examined (a
	// permission error, a dangling symlink, a path that does not exist).
	Err error
}

// ErrTooLarge is wrapped by ReadAll when a file exceeds its size limit.
var ErrTooLarge = errors.New("file too large")

// ReadAll reads the item's bytes, refusing files larger than max bytes
// (max <= 0: no limit) before reading them.
func (it Item) ReadAll(max int64) ([]byte, error) {
	if it.Err != nil {
		return nil, it.Err
	}
	var f fs.File
	var err error
	if it.FS != nil {
		f, err = it.FS.Open(it.Path)
	} else {
		f, err = os.Open(it.Path)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if max > 0 && st.Size() > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, st.Size(), max)
	}
	r := io.Reader(f)
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if max > 0 && int64(len(b)) > max {
		return nil, fmt.Errorf("%w: grew past limit %d while reading", ErrTooLarge, max)
	}
	return b, nil
}

// Identify returns a document's identity: the lower-case hex SHA-256 of
// its bytes.
func Identify(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Walk expands paths (files and directories) into Items in a stable order:
// the paths in the order given, each directory's files sorted by name.
// Hidden files and directories (names starting with ".") inside a
// directory are skipped; a path given explicitly is never skipped.
// Symbolic links to files are followed; links to directories are followed
// once each, so a link loop ends. A path that cannot be read becomes an
// Item with Err set, and the walk goes on.
func Walk(ctx context.Context, paths []string) ([]Item, error) {
	w := walker{seen: map[string]bool{}, files: map[string]bool{}}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return w.items, err
		}
		w.walk(ctx, p, true)
	}
	return w.items, ctx.Err()
}

type walker struct {
	items []Item
	seen  map[string]bool // real paths of directories entered
	files map[string]bool // paths already listed
}

func (w *walker) add(it Item) {
	if w.files[it.Path] {
		return
	}
	w.files[it.Path] = true
	w.items = append(w.items, it)
}

func (w *walker) walk(ctx context.Context, path string, explicit bool) {
	if ctx.Err() != nil {
		return
	}
	st, err := os.Stat(path) // follows symlinks
	if err != nil {
		w.add(Item{Path: path, Err: err})
		return
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() {
			if explicit {
				w.add(Item{Path: path, Err: fmt.Errorf("not a regular file (%s)", st.Mode().Type())})
			}
			return
		}
		w.add(Item{Path: path, Size: st.Size(), ModTime: st.ModTime()})
		return
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		w.add(Item{Path: path, Err: err})
		return
	}
	if abs, err := filepath.Abs(real); err == nil {
		real = abs
	}
	if w.seen[real] {
		return // a directory reached twice, through a link: a loop or an alias
	}
	w.seen[real] = true
	entries, err := os.ReadDir(path)
	if err != nil {
		w.add(Item{Path: path, Err: err})
		// ReadDir returns what it read before the error: go on with it.
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		w.walk(ctx, filepath.Join(path, e.Name()), false)
	}
}

// WalkFS lists the regular files of fsys under root, as Walk does for the
// operating system's files.
func WalkFS(ctx context.Context, fsys fs.FS, root string) ([]Item, error) {
	var items []Item
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			items = append(items, Item{Path: p, FS: fsys, Err: err})
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			items = append(items, Item{Path: p, FS: fsys, Err: err})
			return nil
		}
		items = append(items, Item{Path: p, FS: fsys, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	return items, err
}
