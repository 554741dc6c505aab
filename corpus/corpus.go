// Package corpus finds the documents cqcmine works on and keeps track of
// them between runs.
//
// Walk turns the paths given on a command line into Items (recursively,
// surviving symlink loops, not following links out of the paths given);
// every file found is accounted for, as an Item or as an Item carrying the
// error that stopped it being read or the reason it was left out (a
// hidden file, a named pipe, a link out of the input folders: see
// IsSkip). Identify names a document by the SHA-256 of its bytes and
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
	// permission error, a dangling symlink, a path that does not exist),
	// or was left out on purpose (IsSkip reports which).
	Err error
}

// Reasons for leaving an input out on purpose; IsSkip reports any of
// them.
var (
	// ErrHidden: a file or folder inside a folder whose name starts with
	// a dot. A hidden folder is not entered.
	ErrHidden = errors.New("hidden")
	// ErrNotRegular: a named pipe, socket or device, never opened (a
	// named pipe would block the reader).
	ErrNotRegular = errors.New("not a regular file")
	// ErrOutside: a symbolic link whose target lies outside every path
	// given to Walk, not followed unless WalkOptions.FollowSymlinks.
	ErrOutside = errors.New("outside the input folders")
	// ErrEmpty: a file of 0 bytes, whatever its name says it holds.
	ErrEmpty = errors.New("empty")
	// ErrListed: a folder reached a second time, through a link (a link
	// loop, or two links to one folder); its files are listed once, under
	// the first path.
	ErrListed = errors.New("already listed")
)

// IsSkip reports whether err says an input was left out on purpose
// rather than failed.
func IsSkip(err error) bool {
	return errors.Is(err, ErrHidden) || errors.Is(err, ErrNotRegular) ||
		errors.Is(err, ErrOutside) || errors.Is(err, ErrEmpty) || errors.Is(err, ErrListed)
}

// notRegular is the ErrNotRegular reason for a file of mode m.
func notRegular(m fs.FileMode) error {
	var kind string
	switch t := m.Type(); {
	case t&fs.ModeNamedPipe != 0:
		kind = "named pipe (FIFO)"
	case t&fs.ModeSocket != 0:
		kind = "socket"
	case t&fs.ModeCharDevice != 0:
		kind = "character device"
	case t&fs.ModeDevice != 0:
		kind = "block device"
	case t&fs.ModeDir != 0:
		kind = "directory"
	default:
		kind = t.String()
	}
	return fmt.Errorf("%w: %s", ErrNotRegular, kind)
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
		// Not blocking: a file swapped for a named pipe since the walk
		// must not hang the run in open.
		f, err = os.OpenFile(it.Path, os.O_RDONLY|openNonblock, 0)
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
		return nil, notRegular(st.Mode())
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

// Walk expands paths (files and directories) into Items as
// WalkOptions{}.Walk does.
func Walk(ctx context.Context, paths []string) ([]Item, error) {
	return WalkOptions{}.Walk(ctx, paths)
}

// WalkOptions tune Walk.
type WalkOptions struct {
	// FollowSymlinks follows symbolic links whose targets lie outside
	// the paths given. By default such a link becomes an Item whose Err
	// wraps ErrOutside, and its target is not read.
	FollowSymlinks bool
}

// Walk expands paths (files and directories) into Items in a stable order:
// the paths in the order given, each directory's files sorted by name.
//
// Every entry found inside a directory becomes an Item, so that a report
// can account for it; those left out on purpose carry an Err for which
// IsSkip is true: hidden files and directories (names starting with "."; a
// hidden directory is one Item, not entered), named pipes, sockets and
// devices (never opened), and symbolic links whose targets lie outside
// every path given (unless FollowSymlinks). A path given explicitly is
// never hidden and never outside. Links inside the paths are followed:
// links to files as files, links to directories once each, so a link loop
// ends (a directory reached again is an Item whose Err wraps ErrListed). A path that cannot be read becomes an Item with Err set, and the
// walk goes on.
func (o WalkOptions) Walk(ctx context.Context, paths []string) ([]Item, error) {
	w := walker{seen: map[string]string{}, files: map[string]bool{}, follow: o.FollowSymlinks}
	for _, p := range paths {
		if real, err := realPath(p); err == nil {
			w.roots = append(w.roots, real)
		}
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return w.items, err
		}
		w.walk(ctx, p)
	}
	return w.items, ctx.Err()
}

// realPath is the absolute path of p with every symbolic link resolved.
func realPath(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	return filepath.Abs(real)
}

type walker struct {
	items  []Item
	seen   map[string]string // real paths of directories entered -> path
	files  map[string]bool   // paths already listed
	roots  []string          // real paths of the paths given
	follow bool              // follow links out of the roots
}

func (w *walker) add(it Item) {
	if w.files[it.Path] {
		return
	}
	w.files[it.Path] = true
	w.items = append(w.items, it)
}

// inside reports whether the real path p lies at or below a root.
func (w *walker) inside(p string) bool {
	for _, r := range w.roots {
		if p == r || strings.HasPrefix(p, strings.TrimSuffix(r, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// outside returns the ErrOutside reason when the symbolic link at path,
// found inside a directory, leads outside the roots, and nil otherwise (a
// dangling link is left to fail when it is read).
func (w *walker) outside(path string) error {
	if w.follow {
		return nil
	}
	real, err := realPath(path)
	if err != nil || w.inside(real) {
		return nil
	}
	return fmt.Errorf("symlink %s -> %s leads %w: not followed", filepath.Base(path), real, ErrOutside)
}

func (w *walker) walk(ctx context.Context, path string) {
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
			w.add(Item{Path: path, Err: notRegular(st.Mode())})
			return
		}
		w.add(Item{Path: path, Size: st.Size(), ModTime: st.ModTime()})
		return
	}
	real, err := realPath(path)
	if err != nil {
		w.add(Item{Path: path, Err: err})
		return
	}
	if first, ok := w.seen[real]; ok {
		// A directory reached twice, through a link: a loop or an alias.
		w.add(Item{Path: path, Err: fmt.Errorf("folder %w as %s: not entered again", ErrListed, first)})
		return
	}
	w.seen[real] = path
	entries, err := os.ReadDir(path)
	if err != nil {
		w.add(Item{Path: path, Err: err})
		// ReadDir returns what it read before the error: go on with it.
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			err := fmt.Errorf("%w file (its name starts with a dot)", ErrHidden)
			if e.IsDir() {
				err = fmt.Errorf("%w folder (its name starts with a dot): not entered", ErrHidden)
			}
			w.add(Item{Path: p, Err: err})
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			if err := w.outside(p); err != nil {
				w.add(Item{Path: p, Err: err})
				continue
			}
		}
		w.walk(ctx, p)
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
