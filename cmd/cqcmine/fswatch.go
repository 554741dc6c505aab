package main

// Watching a live index's folders: file-system events (fsnotify: inotify
// on Linux, kqueue on macOS and BSD, ReadDirectoryChangesW on Windows)
// say when to look; the look is the poll's (liveIndex.look), so events
// only decide when the index is brought up to date, never how.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// settle: a burst of events has ended when none came for this long.
	settle = 300 * time.Millisecond
	// settleMax: while events keep coming, a look comes at least this
	// long after the first event it answers.
	settleMax = 3 * time.Second
	// safetyEvery is the least interval between looks made besides the
	// events, for changes no event reports.
	safetyEvery = 30 * time.Second
)

// addWatch adds a watch on folder dir (a variable for tests).
var addWatch = (*fsnotify.Watcher).Add

// watch keeps the index up to date with the folders it was built from
// until ctx ends. It watches every folder under them that the corpus
// walk enters, and looks (see look) once a burst of events is over: 300
// ms after the last event, at least every 3 s while events keep coming.
// It also looks every `every` or 30 s, whichever is longer, for changes
// no event reports (a network file system changed from another machine).
// No look comes sooner after the last than ten times its walk took: on a
// very large collection, watching takes at most a tenth of a core.
//
// Where events cannot be had (a folder cannot be watched because the
// system's limit on watches is reached, say), it says so once and polls
// every `every` instead, as poll does.
func (l *liveIndex) watch(ctx context.Context, every time.Duration) {
	err := l.watchEvents(ctx, every)
	if err == nil || ctx.Err() != nil {
		return
	}
	args := []any{}
	var fe *folderError
	if errors.As(err, &fe) {
		args = append(args, "folder", fe.dir)
		err = fe.err
	}
	reason := err.Error()
	switch {
	case errors.Is(err, syscall.ENOSPC):
		reason += " (the limit on watches is reached: raise fs.inotify.max_user_watches)"
	case errors.Is(err, syscall.EMFILE):
		reason += " (raise fs.inotify.max_user_instances, or the limit on open files)"
	}
	args = append(args, "reason", reason, "every", every)
	l.log.Warn("watch: file-system events are not available; polling instead", args...)
	l.poll(ctx, every)
}

// watchEvents is watch while events can be had. It returns nil when ctx
// ends, and the error that stopped the events otherwise.
func (l *liveIndex) watchEvents(ctx context.Context, every time.Duration) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	t := &tree{w: w, follow: l.o.follow, watched: map[string]bool{}}
	if abs, err := filepath.Abs(l.ix.Dir()); err == nil {
		t.index = abs
	}
	start := time.Now()
	if err := t.addRoots(ctx, l.manifest().Roots, true); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}
	fmt.Fprintf(l.stderr, "cqcmine: watch: %d folders watched for changes (%s)\n", len(t.watched), time.Since(start).Round(time.Millisecond))
	// A look now sees what changed while the watches were added.
	walked, looked := l.look(ctx), time.Now()
	safety := time.NewTicker(max(every, safetyEvery))
	defer safety.Stop()
	due := time.NewTimer(time.Hour)
	due.Stop()
	defer due.Stop()
	var first time.Time // of the events not yet looked at
	wake := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		wait := min(settle, first.Add(settleMax).Sub(now))
		wait = max(wait, looked.Add(10*walked).Sub(now))
		due.Reset(wait)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("fsnotify: the watcher ended")
			}
			if err := t.event(ctx, ev); err != nil {
				return err
			}
			if t.matters(ev.Name) {
				wake()
			}
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("fsnotify: the watcher ended")
			}
			if !errors.Is(err, fsnotify.ErrEventOverflow) {
				return err
			}
			// Events were lost, new folders' among them.
			if err := t.addRoots(ctx, l.manifest().Roots, true); err != nil {
				return err
			}
			wake()
		case <-l.roots:
			// A root handed over: a look sees what changed in it
			// before its watch was added.
			if err := t.addRoots(ctx, l.manifest().Roots, false); err != nil {
				return err
			}
			wake()
		case <-safety.C:
			if time.Since(looked) < 10*walked {
				continue
			}
			// A root removed and made again lost its watch.
			if err := t.addRoots(ctx, l.manifest().Roots, false); err != nil {
				return err
			}
			walked, looked = l.look(ctx), time.Now()
		case <-due.C:
			first = time.Time{}
			walked, looked = l.look(ctx), time.Now()
		}
	}
}

// folderError is an error adding a watch on a folder.
type folderError struct {
	dir string
	err error
}

func (e *folderError) Error() string { return fmt.Sprintf("watch %s: %v", e.dir, e.err) }
func (e *folderError) Unwrap() error { return e.err }

// tree watches the folders under the roots of an index as the corpus
// walk enters them: hidden folders, links that lead out of the roots
// (unless followed) and the index's own folder have no watch.
type tree struct {
	w       *fsnotify.Watcher
	follow  bool
	index   string          // the index folder: its writes need no look
	roots   []string        // the roots on disk, absolute
	real    []string        // their real paths
	watched map[string]bool // folders given a watch (some since removed)
}

// addRoots watches the folders under roots, or, unless all, under the
// roots whose folder has no watch (new roots, or roots removed and made
// again). A root that is a file has its folder watched, not the folders
// beside it. A root that is not there is left to the next look.
func (t *tree) addRoots(ctx context.Context, roots []string, all bool) error {
	t.roots, t.real = t.roots[:0], t.real[:0]
	for _, r := range roots {
		if strings.HasPrefix(r, "embed:") {
			continue
		}
		t.roots = append(t.roots, r)
		if real, err := realDir(r); err == nil {
			t.real = append(t.real, real)
		}
	}
	watched := map[string]bool{}
	if !all {
		for _, p := range t.w.WatchList() {
			watched[p] = true
		}
	}
	for _, r := range t.roots {
		st, err := os.Stat(r)
		if err != nil {
			continue
		}
		dir := r
		if !st.IsDir() {
			dir = filepath.Dir(r)
		}
		if watched[dir] {
			continue
		}
		if !st.IsDir() {
			err = t.addOne(dir)
		} else {
			err = t.add(ctx, r, map[string]bool{})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addOne adds a watch on dir. A folder gone, or one that cannot be read
// (as the walk, the watch passes it by), is no error.
func (t *tree) addOne(dir string) error {
	err := addWatch(t.w, dir)
	if err == nil {
		t.watched[dir] = true
	}
	if err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	}
	return &folderError{dir: dir, err: err}
}

// add watches dir and the folders under it; seen holds the real paths
// of the folders watched, so that a link loop ends.
func (t *tree) add(ctx context.Context, dir string, seen map[string]bool) error {
	if ctx.Err() != nil || dir == t.index {
		return nil
	}
	real, err := realDir(dir)
	if err != nil || seen[real] {
		return nil
	}
	seen[real] = true
	if err := t.addOne(dir); err != nil {
		return err
	}
	entries, _ := os.ReadDir(dir) // what could be read
	for _, e := range entries {
		if p := filepath.Join(dir, e.Name()); t.folder(p, e.Name(), e.Type()) {
			if err := t.add(ctx, p, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// folder reports whether p, named name and of type typ, is a folder the
// corpus walk enters.
func (t *tree) folder(p, name string, typ fs.FileMode) bool {
	if strings.HasPrefix(name, ".") {
		return false
	}
	if typ.IsDir() {
		return true
	}
	if typ&fs.ModeSymlink == 0 {
		return false
	}
	st, err := os.Stat(p)
	if err != nil || !st.IsDir() {
		return false
	}
	if t.follow {
		return true
	}
	real, err := realDir(p)
	return err == nil && t.inside(real)
}

// inside reports whether the real path p lies at or below a root.
func (t *tree) inside(p string) bool {
	for _, r := range t.real {
		if within(p, r) {
			return true
		}
	}
	return false
}

// event watches the folder an event reports made or moved in, or one
// not watched that may have been made readable, and the folders under
// it.
func (t *tree) event(ctx context.Context, ev fsnotify.Event) error {
	if !ev.Has(fsnotify.Create) && (!ev.Has(fsnotify.Chmod) || t.watched[ev.Name]) {
		return nil
	}
	st, err := os.Lstat(ev.Name)
	if err != nil || !t.folder(ev.Name, filepath.Base(ev.Name), st.Mode().Type()) {
		return nil
	}
	return t.add(ctx, ev.Name, map[string]bool{})
}

// matters reports whether a change to path can change what a look finds:
// a path under a root, neither hidden nor in the index folder.
func (t *tree) matters(path string) bool {
	if t.index != "" && within(path, t.index) {
		return false
	}
	for _, r := range t.roots {
		if path == r {
			return true
		}
		if within(path, r) {
			return !strings.HasPrefix(filepath.Base(path), ".")
		}
	}
	return false
}

// within reports whether path is root or lies below it.
func within(path, root string) bool {
	return path == root || strings.HasPrefix(path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

// realDir is the absolute path of p with every link resolved.
func realDir(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	return filepath.Abs(real)
}
