package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// ManifestVersion is the manifest file format's version.
const ManifestVersion = 1

// Manifest records every document processed into an index: which file
// (by absolute path) held which content (by ID), and the size and
// modification time it had, so a re-run can tell unchanged files without
// reading them.
type Manifest struct {
	Version int `json:"version"`
	// Roots are the paths the index was built from, for a re-run that
	// names none.
	Roots   []string         `json:"roots,omitempty"`
	Entries map[string]Entry `json:"entries"` // by Key
}

// Entry is one processed file.
type Entry struct {
	ID      string    `json:"id"`
	Path    string    `json:"path"` // as found
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
}

// Key is the manifest key of an item: its absolute path, or "embed:" and
// its name for a file in an embedded corpus.
func Key(it Item) string {
	if it.FS != nil {
		return "embed:" + it.Path
	}
	if abs, err := filepath.Abs(it.Path); err == nil {
		return abs
	}
	return it.Path
}

// NewManifest returns an empty manifest.
func NewManifest() *Manifest {
	return &Manifest{Version: ManifestVersion, Entries: map[string]Entry{}}
}

// LoadManifest reads a manifest; a missing file gives an empty manifest.
func LoadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return NewManifest(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := NewManifest()
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	if m.Version != ManifestVersion {
		return nil, fmt.Errorf("manifest %s: version %d, want %d", path, m.Version, ManifestVersion)
	}
	if m.Entries == nil {
		m.Entries = map[string]Entry{}
	}
	return m, nil
}

// Save writes the manifest atomically: a temporary file beside path,
// synced, then renamed over it.
func (m *Manifest) Save(path string) error {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return WriteFileAtomic(path, b)
}

// WriteFileAtomic writes data to a temporary file in path's directory,
// syncs it and renames it to path, so a crash leaves either the old file
// or the new one, never a part.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Plan is what a re-run has to do.
type Plan struct {
	// Todo are the items that are new or changed (or unreadable: they
	// are processed so that their error is reported).
	Todo []Item
	// Unchanged are the items whose size and modification time match
	// the manifest.
	Unchanged []Item
	// Gone are the manifest keys of files under the walked roots that
	// are no longer there.
	Gone []string
}

// Plan compares the walked items with the manifest. roots are the paths
// that were walked: a manifest entry under one of them that the walk did
// not find is Gone. Entries outside the roots are left alone. A root
// naming an embedded corpus is "embed:" and its directory.
func (m *Manifest) Plan(items []Item, roots []string) Plan {
	var p Plan
	found := map[string]bool{}
	for _, it := range items {
		k := Key(it)
		found[k] = true
		e, ok := m.Entries[k]
		if ok && it.Err == nil && e.Size == it.Size && e.ModTime.Equal(it.ModTime) {
			p.Unchanged = append(p.Unchanged, it)
			continue
		}
		p.Todo = append(p.Todo, it)
	}
	for k := range m.Entries {
		if found[k] {
			continue
		}
		for _, r := range roots {
			if under(k, r) {
				p.Gone = append(p.Gone, k)
				break
			}
		}
	}
	sort.Strings(p.Gone)
	return p
}

// under reports whether manifest key k lies at or below root, a path as
// given on the command line or an "embed:" key.
func under(k, root string) bool {
	if !strings.HasPrefix(root, "embed:") {
		root = Key(Item{Path: root})
	}
	if k == root {
		return true
	}
	sep := "/"
	if !strings.HasPrefix(root, "embed:") {
		sep = string(filepath.Separator)
	}
	return strings.HasPrefix(k, strings.TrimSuffix(root, sep)+sep)
}

// AddRoots adds roots to the recorded ones.
func (m *Manifest) AddRoots(roots ...string) {
	for _, r := range roots {
		if !strings.HasPrefix(r, "embed:") {
			r = Key(Item{Path: r})
		}
		if !slices.Contains(m.Roots, r) {
			m.Roots = append(m.Roots, r)
		}
	}
}

// Record notes that item, with content id, is in the index.
func (m *Manifest) Record(it Item, id string) {
	m.Entries[Key(it)] = Entry{ID: id, Path: it.Path, Size: it.Size, ModTime: it.ModTime}
}

// Forget removes the entry with key k and reports the content id it held
// and whether no other entry still holds that id (so the document can
// leave the index).
func (m *Manifest) Forget(k string) (id string, orphan bool) {
	e, ok := m.Entries[k]
	if !ok {
		return "", false
	}
	delete(m.Entries, k)
	return e.ID, e.ID != "" && !m.HasID(e.ID)
}

// HasID reports whether any entry holds content id.
func (m *Manifest) HasID(id string) bool {
	for _, e := range m.Entries {
		if e.ID == id {
			return true
		}
	}
	return false
}
