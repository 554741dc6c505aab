// Package index stores cqcmine's documents and findings in bleve (scorch)
// and answers searches over them.
//
// An index directory holds two bleve indexes and a column file. The
// findings index has one bleve document per finding (its text,
// English-analysed with term vectors, its keyword fields, and the whole
// finding as stored JSON); each extract.Document's own KindDocument
// finding is its record: title, provider, document type and publication
// date. The pages index has one bleve document per page (its text,
// English-analysed with positions for phrases, and not stored); a document's
// first page also stores a blob holding every page's text, compressed,
// once. Provider, document type and year are indexed with every page and
// finding, so filters on them apply to both.
//
// Every document also has a summary in a head document of each bleve
// index, committed with its other bleve documents. The summaries make the
// in-memory table: a compact column of numbers per field, one entry per
// page and finding, where searches filter and count facets: bleve only
// finds what matches the text, and a search without text does not touch
// bleve at all. The commonest texts, words that must all occur and
// phrases of plain words, are matched straight from the postings lists of
// every segment, segments in parallel, and scored as bleve scores them
// (termmatch.go); other queries go through bleve's searchers. A durable flush saves the table in the column file, which
// Open reads when it matches the indexes; otherwise Open rebuilds the
// table from the summaries.
//
// Writes are batched: Add and Delete queue changes, and a full batch is
// committed to both bleve indexes in parallel, in the background, while
// the next one fills. Flush commits what is queued and waits until it is
// durable; Close flushes. Searches see committed changes only. An Index is
// safe for concurrent use.
//
// One process at a time writes an index; processes that open it
// read-only (OpenWith) share it with each other and write nothing to it.
// A lock file beside the index keeps them apart, and each holder leaves
// an owner record there, so that a process that cannot get the index
// gives up at once with a *LockedError naming the holders (lock.go). An
// index whose bytes do not decode gives a *DamagedError saying to
// rebuild; Check finds what is damaged (check.go).
//
// This package is the only one in cqcmine that imports bleve.
package index

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"

	"github.com/cqcmine/cqcmine/extract"
)

// ErrSchema is wrapped by the error Open returns for an index written with
// another SchemaVersion.
var ErrSchema = errors.New("index schema version mismatch")

// Batch thresholds: Add commits the pending batch once it holds this many
// documents or this many bytes of text. Bleve analyses a whole batch in
// memory before it writes a segment, so these bound the memory indexing
// takes: 50 report-sized documents peak at about a third of what 200 do,
// for a tenth less speed.
const (
	DefaultBatchDocs  = 50
	DefaultBatchBytes = 4 << 20
)

// maxSegmentDocs bounds the segments scorch merges into, in bleve
// documents (pages, findings). A merge reads its segments through memory
// maps, which count as resident memory while it runs: unbounded, the last
// merges of a large collection would map gigabytes at once.
const maxSegmentDocs = 100_000

// flushKey is the internal key a durable flush writes.
var flushKey = []byte("cqcmine.flush")

// Index is a cqcmine index on disk.
type Index struct {
	dir    string
	fx, px bleve.Index // findings, pages
	tab    *table
	segs   segCache
	pcache pageCache

	mu         sync.Mutex // writers
	fb, pb     *bleve.Batch
	ops        []op
	known      map[string]*docEntry // the latest queued version of every document
	nextF      uint32
	nextP      uint32
	batchDocs  int
	batchBytes int64
	maxDocs    int
	maxBytes   int64
	inflight   chan error // the batch being committed, nil when none
	failed     error      // a commit failed: the writer's view is unreliable
	flushes    int
	dirty      bool // committed since the last durable flush
	colsStale  bool // the column file does not describe the index
	closed     bool
	readOnly   bool
	lock       *dirLock
}

// op is a queued change: a document added (entry set) or removed.
type op struct {
	id    string
	entry *docEntry
}

// Open opens the index in dir for reading and writing, creating it when
// dir does not exist or is empty. An index written with another
// SchemaVersion gives an error wrapping ErrSchema; an index another
// process holds, after DefaultWait, a *LockedError naming it; a damaged
// one, a *DamagedError.
func Open(dir string) (*Index, error) {
	return OpenWith(context.Background(), dir, Options{})
}

// Options are the options of OpenWith.
type Options struct {
	// ReadOnly opens an existing index for searching only: nothing in
	// its directory is written but this process's owner record, and
	// other readers may hold it at the same time (a writer may not).
	ReadOnly bool
	// Wait is how long to wait for an index another process holds;
	// zero means DefaultWait.
	Wait time.Duration
	// Owner is what this process records about itself for others that
	// find the index held (pid and mode are filled in).
	Owner Owner
}

// ErrReadOnly is returned by the writing methods of an index opened
// read-only.
var ErrReadOnly = errors.New("index opened read-only")

// OpenWith opens the index in dir as Open does, with options. Waiting for
// the index ends with ctx.
func OpenWith(ctx context.Context, dir string, o Options) (*Index, error) {
	wait := cmp.Or(o.Wait, DefaultWait)
	if o.ReadOnly {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("open index %s: no index there (run `cqcmine index` first): %w", dir, cmp.Or(err, os.ErrNotExist))
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	// A folder of other files gets no lock file.
	if entries, err := os.ReadDir(dir); err == nil {
		if names := notOurs(dir, contents(entries)); names != nil {
			return nil, fmt.Errorf("open index %s: not a cqcmine index (it holds %s): choose another --index: %w", dir, strings.Join(names, ", "), ErrSchema)
		}
	}
	lock, err := lockDir(ctx, dir, o.ReadOnly, wait, o.Owner)
	if err != nil {
		return nil, err
	}
	ix, err := open(dir, o.ReadOnly, wait)
	if err != nil {
		lock.unlock()
		return nil, err
	}
	ix.lock = lock
	return ix, nil
}

func open(dir string, readOnly bool, wait time.Duration) (*Index, error) {
	var fresh bool
	var err error
	if readOnly {
		if fresh, err = isFresh(dir); err == nil && fresh {
			err = fmt.Errorf("open index %s: no index there (run `cqcmine index` first): %w", dir, os.ErrNotExist)
		}
	} else {
		fresh, err = prepareFresh(dir)
	}
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, tab: newTable(), known: map[string]*docEntry{},
		maxDocs: DefaultBatchDocs, maxBytes: DefaultBatchBytes, readOnly: readOnly}
	ix.segs.maps = map[segKey][]uint32{}
	if fresh {
		if ix.fx, ix.px, err = createParts(dir); err != nil {
			return nil, err
		}
	} else {
		if err := checkLayout(dir); err != nil {
			return nil, err
		}
		// The two indexes open in parallel, and the column file is read
		// meanwhile.
		var perr, cerr error
		var cf *colFile
		opened, read := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(opened)
			ix.px, perr = openPart(dir, pagesDir, readOnly, wait)
		}()
		go func() {
			defer close(read)
			cf, cerr = readColumns(dir)
		}()
		ix.fx, err = openPart(dir, findingsDir, readOnly, wait)
		<-opened
		<-read
		if err != nil || perr != nil {
			if cf != nil {
				cf.release()
			}
			for _, idx := range []bleve.Index{ix.fx, ix.px} {
				if idx != nil {
					idx.Close()
				}
			}
			return nil, cmp.Or(err, perr)
		}
		ok, err := ix.loadColumns(cf, cerr)
		if err == nil && !ok {
			ix.colsStale = true
			err = ix.load()
		}
		if err != nil {
			ix.fx.Close()
			ix.px.Close()
			return nil, &DamagedError{Dir: dir, Err: err}
		}
	}
	ix.fb, ix.pb = ix.fx.NewBatch(), ix.px.NewBatch()
	return ix, nil
}

// scorchConfig: batches return once they are searchable, not once they are
// on disk; Flush waits for the disk.
// Bleve's own lock waits no longer than cqcmine's (which is taken first).
func scorchConfig(readOnly bool, wait time.Duration) map[string]any {
	return map[string]any{"unsafe_batch": true, "read_only": readOnly, "bolt_timeout": wait.String(),
		"scorchMergePlanOptions": mergeOptions}
}

// mergeOptions are the options of scorch's merge planner; tests that need
// an index of many small segments lower its floor.
var mergeOptions = map[string]any{"MaxSegmentSize": maxSegmentDocs}

func create(path string, m *mapping.IndexMappingImpl) (bleve.Index, error) {
	idx, err := bleve.NewUsing(path, m, scorch.Name, scorch.Name, scorchConfig(false, DefaultWait))
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", path, err)
	}
	b := idx.NewBatch()
	b.SetInternal(schemaKey, []byte(strconv.Itoa(SchemaVersion)))
	if err := durable(idx, b); err != nil {
		idx.Close()
		return nil, fmt.Errorf("create index %s: store schema version: %w", path, err)
	}
	return idx, nil
}

// checkLayout tells an index of another version, or a directory that is
// no index, from a current one.
func checkLayout(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		// Schema version 1 kept one bleve index at the top.
		found := cmp.Or(oldSchema(dir), "none")
		return fmt.Errorf("open index %s: it has schema version %s, this cqcmine reads version %d: re-index with `cqcmine index --rebuild`: %w",
			dir, found, SchemaVersion, ErrSchema)
	}
	for _, part := range []string{findingsDir, pagesDir} {
		if _, err := os.Stat(filepath.Join(dir, part, "index_meta.json")); err != nil {
			return fmt.Errorf("open index %s: not a cqcmine index (re-index with `cqcmine index --rebuild`): %w", dir, ErrSchema)
		}
	}
	return nil
}

// oldSchema is the schema version held by the bleve index at the top of
// dir (schema version 1 kept one there), read without writing; "" when
// none.
func oldSchema(dir string) string {
	old, err := bleve.OpenUsing(dir, scorchConfig(true, DefaultWait))
	if err != nil {
		return ""
	}
	defer old.Close()
	v, _ := old.GetInternal(schemaKey)
	return string(v)
}

func openPart(dir, part string, readOnly bool, wait time.Duration) (bleve.Index, error) {
	path := filepath.Join(dir, part)
	idx, err := bleve.OpenUsing(path, scorchConfig(readOnly, wait))
	if err != nil {
		switch {
		case errors.Is(err, bleve.ErrorIndexMetaMissing):
			return nil, fmt.Errorf("open index %s: not a cqcmine index (re-index with `cqcmine index --rebuild`): %w", dir, ErrSchema)
		case err.Error() == "timeout": // bleve's lock, held by a process that took no cqcmine lock
			return nil, &LockedError{Dir: dir, Holders: Holders(dir)}
		case errors.Is(err, os.ErrPermission):
			return nil, fmt.Errorf("open index %s: %w", path, err)
		}
		return nil, &DamagedError{Dir: dir, Err: fmt.Errorf("%s: %w", part, err)}
	}
	v, err := idx.GetInternal(schemaKey)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open index %s: read schema version: %w", path, err)
	}
	if string(v) != strconv.Itoa(SchemaVersion) {
		idx.Close()
		found := string(v)
		if found == "" {
			found = "none"
		}
		return nil, fmt.Errorf("open index %s: it has schema version %s, this cqcmine reads version %d: re-index with `cqcmine index --rebuild`: %w",
			dir, found, SchemaVersion, ErrSchema)
	}
	return idx, nil
}

// summaries returns the summaries held by the head documents of a bleve
// index, by document id.
func summaries(ctx context.Context, idx bleve.Index) (map[string][]byte, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index reader is %T, not scorch", r)
	}
	segs := snap.Segments()
	offsets := make([]uint64, len(segs)+1)
	for i, ss := range segs {
		offsets[i+1] = offsets[i] + ss.Segment().Count()
	}
	s, err := termQuery(fHead, "1").Searcher(ctx, r, idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	out := map[string][]byte{}
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			return out, nil
		}
		g := dm.IndexInternalID.Value()
		sctx.DocumentMatchPool.Put(dm)
		i, _ := slices.BinarySearch(offsets, g+1)
		i-- // the segment holding g
		if i < 0 || i >= len(segs) {
			continue
		}
		var id string
		var sum []byte
		err = segs[i].Segment().VisitStoredFields(g-offsets[i], func(f string, _ byte, v []byte, _ []uint64) bool {
			switch f {
			case "_id":
				id, _ = splitID(string(v))
			case fSummary:
				sum = slices.Clone(v)
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("read summary: %w", err)
		}
		if id != "" && sum != nil {
			out[id] = sum
		}
	}
}

// load reads the summaries of both indexes into the table. A document
// whose summary is in one index only (a crash between the two commits)
// is removed from it, so that the next update indexes it again whole.
func (ix *Index) load() error {
	fin, err := summaries(context.Background(), ix.fx)
	if err != nil {
		return fmt.Errorf("read summaries: %w", err)
	}
	pin, err := summaries(context.Background(), ix.px)
	if err != nil {
		return fmt.Errorf("read page summaries: %w", err)
	}
	t := ix.tab
	t.mu.Lock()
	defer t.mu.Unlock()
	// The tables are sized first: rows are placed by serial. A findings
	// summary starts with its document's metadata, first serial and count.
	var nf, np uint32
	for id, v := range fin {
		first, n, err := findingsSerials(id, v)
		if err != nil {
			return err
		}
		nf = max(nf, first+n)
	}
	psum := map[string]*pagesSummary{}
	for id, v := range pin {
		ps, err := decodePagesSummary(id, v)
		if err != nil {
			return err
		}
		psum[id] = ps
		np = max(np, ps.pSerial+uint32(len(ps.pages)))
	}
	t.f.ensure(int(nf))
	t.p.ensure(int(np))
	ix.nextF, ix.nextP = nf, np

	var orphans []*docEntry // in one index only
	var buf []uint32
	for id, v := range fin {
		d, err := t.loadFindingRows(id, v, &buf)
		if err != nil {
			return err
		}
		ps := psum[id]
		if ps == nil {
			orphans = append(orphans, d)
			continue
		}
		delete(psum, id)
		d.pSerial, d.pages = ps.pSerial, ps.pages
		t.addPageRows(d, ps)
		t.docs[id] = d
		t.setLive(d, true)
	}
	for id, ps := range psum {
		orphans = append(orphans, &docEntry{id: id, pSerial: ps.pSerial, pages: ps.pages})
	}
	maps.Copy(ix.known, t.docs)
	if len(orphans) == 0 || ix.readOnly {
		return nil // a reader leaves half-committed documents unseen
	}
	fb, pb := ix.fx.NewBatch(), ix.px.NewBatch()
	for _, d := range orphans {
		queueDelete(fb, pb, d)
	}
	if err := durable(ix.fx, fb); err != nil {
		return fmt.Errorf("remove half-committed documents: %w", err)
	}
	if err := durable(ix.px, pb); err != nil {
		return fmt.Errorf("remove half-committed documents: %w", err)
	}
	return nil
}

// durable commits b to idx and waits until it is on disk. With unsafe
// batches the persister writes snapshots in order, so everything committed
// before b is on disk too.
func durable(idx bleve.Index, b *bleve.Batch) error {
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(b); err != nil {
		return err
	}
	return <-done
}

// queueDelete deletes d's bleve documents and summaries in the batches.
func queueDelete(fb, pb *bleve.Batch, d *docEntry) {
	f, p := d.bleveIDs()
	for _, id := range f {
		fb.Delete(id)
	}
	for _, id := range p {
		pb.Delete(id)
	}
	fb.Delete(headID(d.id))
	pb.Delete(headID(d.id))
}

// isFresh reports whether dir is absent or an empty directory (but for
// the lock and owner records).
func isFresh(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("open index %s: %w", dir, err)
	}
	return len(contents(entries)) == 0, nil
}

// contents leaves out the lock and the owner records.
func contents(entries []os.DirEntry) []os.DirEntry {
	return slices.DeleteFunc(entries, func(e os.DirEntry) bool {
		return e.Name() == lockName || strings.HasPrefix(e.Name(), ownerPrefix)
	})
}

// Remove deletes the index in dir with everything in it. It refuses a
// directory that holds no index of cqcmine's, so that a mistyped path
// does not lose other work, and an index another process holds.
func Remove(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	if names := notOurs(dir, contents(entries)); names != nil {
		return fmt.Errorf("remove index %s: not a cqcmine index (it holds %s): delete it yourself or choose another --index", dir, strings.Join(names, ", "))
	}
	lock, err := lockDir(context.Background(), dir, false, DefaultWait, Owner{})
	if err != nil {
		return err
	}
	defer lock.unlock()
	entries, err = os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	for _, e := range contents(entries) {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("remove index %s: %w", dir, err)
		}
	}
	return nil
}

// notOurs lists some of what a directory with these entries holds when
// that is not an index of cqcmine's (of any schema version, or one cut
// short while created) and not empty; nil otherwise.
func notOurs(dir string, entries []os.DirEntry) []string {
	has := func(p ...string) bool {
		_, err := os.Stat(filepath.Join(append([]string{dir}, p...)...))
		return err == nil
	}
	switch {
	case len(entries) == 0, has(creatingMarker),
		has(findingsDir, "index_meta.json"), has(pagesDir, "index_meta.json"),
		has("index_meta.json") && (has(manifestFile) || oldSchema(dir) != ""): // schema version 1
		return nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) > 3 {
		names = append(names[:3], "…")
	}
	return names
}

// SetBatchSize sets the thresholds at which Add commits: a number of
// documents and a number of bytes of text. Zero keeps the current value.
func (ix *Index) SetBatchSize(docs int, bytes int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if docs > 0 {
		ix.maxDocs = docs
	}
	if bytes > 0 {
		ix.maxBytes = bytes
	}
}

// Dir returns the index's directory.
func (ix *Index) Dir() string { return ix.dir }

// Close commits any pending changes durably and closes the index. Closing
// twice does nothing.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	defer ix.lock.unlock()
	var ferr error
	if !ix.readOnly {
		ferr = ix.flushLocked(context.Background())
	}
	err1, err2 := ix.fx.Close(), ix.px.Close()
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("close index %s: %w", ix.dir, err)
	}
	return ferr
}

// Add queues doc and its findings, replacing any earlier version of the
// document with the same ID. It commits when the batch is full.
//
// When findings hold no KindDocument finding, Add makes one from doc (path,
// title, page count): every indexed document has a record.
func (ix *Index) Add(ctx context.Context, doc *extract.Document, findings []extract.Finding) error {
	if doc == nil || doc.ID == "" {
		return errors.New("index add: document without id")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index add %s: %w", doc.Path, err)
	}

	// The record, and the metadata every part carries.
	rec := -1
	provider := ""
	for i := range findings {
		if findings[i].Kind == extract.KindDocument && rec < 0 {
			rec = i
		}
		if provider == "" && findings[i].Provider != "" {
			provider = findings[i].Provider
		}
	}
	var record extract.Finding
	if rec >= 0 {
		record = findings[rec]
	} else {
		record = extract.Finding{Doc: doc.Path, DocID: doc.ID, Kind: extract.KindDocument,
			Text: doc.Title, Title: doc.Title, Pages: len(doc.Pages), Provider: provider}
	}
	if record.Provider != "" {
		provider = record.Provider
	}
	record.DocID = doc.ID
	d := &docEntry{id: doc.ID, path: record.Doc, title: record.Title, provider: provider,
		docType: record.DocType, published: record.Published, pageCount: record.Pages,
		pages: make([]int32, 0, len(doc.Pages))}
	fs := &findingsSummary{}
	ps := &pagesSummary{provider: provider, docType: record.DocType, published: record.Published}

	// The page blob is built outside the lock.
	size := int64(0)
	for i := range doc.Pages {
		size += int64(len(doc.Pages[i].Text))
		d.pages = append(d.pages, int32(doc.Pages[i].Number))
	}
	blob, err := encodePages(doc.Pages)
	if err != nil {
		return fmt.Errorf("index add %s: %w", doc.Path, err)
	}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return fmt.Errorf("index add %s: index closed", doc.Path)
	}
	if ix.readOnly {
		return fmt.Errorf("index add %s: %w", doc.Path, ErrReadOnly)
	}
	if ix.failed != nil {
		return fmt.Errorf("index add %s: an earlier commit failed: %w", doc.Path, ix.failed)
	}
	if old := ix.known[doc.ID]; old != nil {
		queueDelete(ix.fb, ix.pb, old)
	}
	d.fSerial, d.pSerial = ix.nextF, ix.nextP
	ps.pSerial = d.pSerial
	ps.pages = d.pages

	pageOf := func(n int) (string, bool) {
		for i := range doc.Pages {
			if doc.Pages[i].Number == n {
				return doc.Pages[i].Text, true
			}
		}
		return "", false
	}
	type bdoc struct {
		id     string
		fields map[string]any
	}
	var fdocs []bdoc
	addFinding := func(num int, f *extract.Finding) error {
		serial := d.fSerial + uint32(len(d.nums))
		fields, err := findingDoc(d, serial, f, pageOf)
		if err != nil {
			return fmt.Errorf("index add %s: %w", doc.Path, err)
		}
		id := recordID(doc.ID)
		if num >= 0 {
			id = findingID(doc.ID, num)
		}
		fdocs = append(fdocs, bdoc{id, fields})
		d.nums = append(d.nums, int32(num))
		fs.findings = append(fs.findings, findingColsOf(int32(num), f))
		return nil
	}
	if err := addFinding(-1, &record); err != nil {
		return err
	}
	for i := range findings {
		if i == rec {
			continue
		}
		f := findings[i]
		f.DocID = doc.ID
		size += int64(len(f.Text))
		if err := addFinding(i, &f); err != nil {
			return err
		}
	}
	for _, x := range fdocs {
		if err := ix.fb.Index(x.id, x.fields); err != nil {
			return fmt.Errorf("index add %s: %s: %w", doc.Path, x.id, err)
		}
	}
	for i := range doc.Pages {
		p := &doc.Pages[i]
		fields := metaFields(typePage, d, d.pSerial+uint32(i))
		fields[fText] = p.Text
		if i == 0 {
			fields[fPages] = string(blob)
		}
		if err := ix.pb.Index(pageID(doc.ID, p.Number), fields); err != nil {
			return fmt.Errorf("index add %s: page %d: %w", doc.Path, p.Number, err)
		}
	}
	fs.entry = *d
	if err := ix.fb.Index(headID(doc.ID), headDoc(fs.encode())); err != nil {
		return fmt.Errorf("index add %s: summary: %w", doc.Path, err)
	}
	if err := ix.pb.Index(headID(doc.ID), headDoc(ps.encode())); err != nil {
		return fmt.Errorf("index add %s: page summary: %w", doc.Path, err)
	}
	ix.nextF += uint32(len(d.nums))
	ix.nextP += uint32(len(d.pages))

	// The rows exist before bleve has the documents, so that a search
	// never meets a serial it cannot place; they go live at commit.
	ix.tab.mu.Lock()
	ix.tab.addFindingRows(d, fs)
	ix.tab.addPageRows(d, ps)
	ix.tab.mu.Unlock()

	ix.known[doc.ID] = d
	ix.ops = append(ix.ops, op{id: doc.ID, entry: d})
	ix.batchDocs++
	ix.batchBytes += size
	if ix.batchDocs >= ix.maxDocs || ix.batchBytes >= ix.maxBytes {
		return ix.commitLocked(ctx)
	}
	return nil
}

// Delete queues the removal of documents, their pages and findings. Flush
// commits it.
func (ix *Index) Delete(ctx context.Context, docIDs ...string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return errors.New("index delete: index closed")
	}
	if ix.readOnly {
		return fmt.Errorf("index delete: %w", ErrReadOnly)
	}
	for _, id := range docIDs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index delete: %w", err)
		}
		if old := ix.known[id]; old != nil {
			queueDelete(ix.fb, ix.pb, old)
			delete(ix.known, id)
		}
		ix.ops = append(ix.ops, op{id: id})
		ix.batchDocs++
	}
	return nil
}

// Flush commits the pending changes and waits until they are on disk.
func (ix *Index) Flush(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return errors.New("index flush: index closed")
	}
	if ix.readOnly {
		return fmt.Errorf("index flush: %w", ErrReadOnly)
	}
	return ix.flushLocked(ctx)
}

func (ix *Index) flushLocked(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index flush: %w", err)
	}
	if err := ix.commitLocked(ctx); err != nil {
		return err
	}
	if err := ix.waitLocked(); err != nil {
		return err
	}
	if !ix.dirty && !ix.colsStale {
		return nil
	}
	ix.dirty = false
	// A small batch through each index, waited on until persisted, with
	// the token of the column file written next.
	ix.flushes++
	v := []byte(strconv.Itoa(ix.flushes))
	token := newToken()
	errs := make(chan error, 2)
	for _, idx := range []bleve.Index{ix.fx, ix.px} {
		go func() {
			b := idx.NewBatch()
			b.SetInternal(flushKey, v)
			b.SetInternal(colsKey, token)
			errs <- durable(idx, b)
		}()
	}
	if err := errors.Join(<-errs, <-errs); err != nil {
		return fmt.Errorf("index flush %s: %w", ix.dir, err)
	}
	ix.colsStale = true
	if err := ix.writeColumns(token); err != nil {
		return fmt.Errorf("index flush %s: %w", ix.dir, err)
	}
	ix.colsStale = false
	return nil
}

// waitLocked waits for the batch being committed, if any.
func (ix *Index) waitLocked() error {
	if ix.inflight == nil {
		return ix.failed
	}
	err := <-ix.inflight
	ix.inflight = nil
	if err != nil && ix.failed == nil {
		ix.failed = err
	}
	return err
}

// commitLocked hands the pending batches to a goroutine that commits them
// to both indexes in parallel and then updates the table, after waiting for
// the batch before: one batch fills while one commits.
func (ix *Index) commitLocked(ctx context.Context) error {
	if len(ix.ops) == 0 && ix.fb.Size() == 0 && ix.pb.Size() == 0 {
		ix.batchDocs, ix.batchBytes = 0, 0
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index commit: %w", err)
	}
	if err := ix.waitLocked(); err != nil {
		return fmt.Errorf("index commit %s: %w", ix.dir, err)
	}
	fb, pb, ops := ix.fb, ix.pb, ix.ops
	// Once this batch is persisted, the column file is out of date.
	fb.DeleteInternal(colsKey)
	pb.DeleteInternal(colsKey)
	ix.fb, ix.pb, ix.ops = ix.fx.NewBatch(), ix.px.NewBatch(), nil
	ix.dirty = true
	ix.batchDocs, ix.batchBytes = 0, 0
	done := make(chan error, 1)
	ix.inflight = done
	go func() {
		errs := make(chan error, 1)
		go func() { errs <- ix.px.Batch(pb) }()
		err := ix.fx.Batch(fb)
		err = errors.Join(err, <-errs)
		if err == nil {
			ix.apply(ops)
		} else {
			err = fmt.Errorf("index commit %s: %w", ix.dir, err)
		}
		done <- err
	}()
	return nil
}

// apply makes committed operations visible in the table.
func (ix *Index) apply(ops []op) {
	t := ix.tab
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, o := range ops {
		if old := t.docs[o.id]; old != nil {
			t.setLive(old, false)
			delete(t.docs, o.id)
		}
		if o.entry != nil {
			t.docs[o.id] = o.entry
			t.setLive(o.entry, true)
		}
	}
}

// DocIDs returns the id of every committed document, sorted.
func (ix *Index) DocIDs(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("index doc ids: %w", err)
	}
	ix.tab.mu.RLock()
	ids := slices.Collect(maps.Keys(ix.tab.docs))
	ix.tab.mu.RUnlock()
	slices.Sort(ids)
	return ids, nil
}
