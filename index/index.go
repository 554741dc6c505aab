// Package index stores cqcmine's documents and findings in a bleve index
// (scorch) and answers searches over them.
//
// Each extract.Document becomes one bleve document per page (the page text,
// stored once, English-analysed with term vectors) and one per finding (the
// finding's text and keyword fields, and the whole finding as stored JSON).
// The document's own KindDocument finding is its record: title, provider,
// document type and publication date. Provider, document type and date are
// indexed with every page and finding, so filters on them apply to both.
//
// Writes are batched: Add and Delete queue changes, Flush commits them
// durably, Close flushes. Searches see committed changes only. An Index is
// safe for concurrent use.
//
// This package is the only one in cqcmine that imports bleve.
package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/cqcmine/cqcmine/extract"
)

// ErrSchema is wrapped by the error Open returns for an index written with
// another SchemaVersion.
var ErrSchema = errors.New("index schema version mismatch")

// Batch thresholds: Add commits the pending batch once it holds this many
// documents or this many bytes of text.
const (
	DefaultBatchDocs  = 100
	DefaultBatchBytes = 8 << 20
)

// Index is a cqcmine index on disk.
type Index struct {
	idx bleve.Index
	dir string

	mu         sync.Mutex
	batch      *bleve.Batch
	pending    map[string][]string // doc id -> bleve ids queued in batch
	batchDocs  int
	batchBytes int64
	maxDocs    int
	maxBytes   int64
	closed     bool
}

// Open opens the index in dir, creating it when dir does not exist or is
// empty. An index written with another SchemaVersion gives an error
// wrapping ErrSchema.
func Open(dir string) (*Index, error) {
	fresh, err := isFresh(dir)
	if err != nil {
		return nil, err
	}
	var idx bleve.Index
	if fresh {
		idx, err = bleve.New(dir, newMapping())
		if err != nil {
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
		if err := idx.SetInternal(schemaKey, []byte(strconv.Itoa(SchemaVersion))); err != nil {
			idx.Close()
			return nil, fmt.Errorf("create index %s: store schema version: %w", dir, err)
		}
	} else {
		idx, err = bleve.Open(dir)
		if err != nil {
			if errors.Is(err, bleve.ErrorIndexMetaMissing) {
				return nil, fmt.Errorf("open index %s: not a cqcmine index (re-index with `cqcmine index --rebuild`): %w", dir, ErrSchema)
			}
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		v, err := idx.GetInternal(schemaKey)
		if err != nil {
			idx.Close()
			return nil, fmt.Errorf("open index %s: read schema version: %w", dir, err)
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
	}
	return &Index{
		idx:      idx,
		dir:      dir,
		batch:    idx.NewBatch(),
		pending:  map[string][]string{},
		maxDocs:  DefaultBatchDocs,
		maxBytes: DefaultBatchBytes,
	}, nil
}

// isFresh reports whether dir is absent or an empty directory.
func isFresh(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("open index %s: %w", dir, err)
	}
	return len(entries) == 0, nil
}

// Remove deletes the index in dir with everything in it. It refuses a
// directory that holds neither an index nor only JSON files (the index's
// own metadata), so that a mistyped path does not lose other work.
func Remove(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		for _, e := range entries {
			if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
				return fmt.Errorf("remove index %s: not an index (it holds %s)", dir, e.Name())
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	return nil
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

// Close commits any pending changes and closes the index. Closing twice
// does nothing.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	ferr := ix.flushLocked(context.Background())
	if err := ix.idx.Close(); err != nil {
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
	meta := &docMeta{docID: doc.ID, provider: provider, docType: record.DocType,
		published: parsePublished(record.Published)}

	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.queueDeleteLocked(ctx, doc.ID); err != nil {
		return fmt.Errorf("index add %s: %w", doc.Path, err)
	}

	ids := make([]string, 0, 1+len(doc.Pages)+len(findings))
	put := func(id string, fields map[string]any) error {
		if err := ix.batch.Index(id, fields); err != nil {
			return fmt.Errorf("index add %s: %s: %w", doc.Path, id, err)
		}
		ids = append(ids, id)
		return nil
	}
	size := int64(0)
	for i := range doc.Pages {
		p := &doc.Pages[i]
		size += int64(len(p.Text))
		if err := put(pageID(doc.ID, p.Number), pageFields(meta, p)); err != nil {
			return err
		}
	}
	record.DocID = doc.ID
	fields, err := findingFields(meta, &record)
	if err != nil {
		return fmt.Errorf("index add %s: %w", doc.Path, err)
	}
	if err := put(recordID(doc.ID), fields); err != nil {
		return err
	}
	for i := range findings {
		if i == rec {
			continue
		}
		f := findings[i]
		f.DocID = doc.ID
		size += int64(len(f.Text))
		fields, err := findingFields(meta, &f)
		if err != nil {
			return fmt.Errorf("index add %s: %w", doc.Path, err)
		}
		if err := put(findingID(doc.ID, i), fields); err != nil {
			return err
		}
	}
	ix.pending[doc.ID] = ids
	ix.batchDocs++
	ix.batchBytes += size
	if ix.batchDocs >= ix.maxDocs || ix.batchBytes >= ix.maxBytes {
		return ix.flushLocked(ctx)
	}
	return nil
}

// Delete queues the removal of documents, their pages and findings. Flush
// commits it.
func (ix *Index) Delete(ctx context.Context, docIDs ...string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, id := range docIDs {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index delete: %w", err)
		}
		if err := ix.queueDeleteLocked(ctx, id); err != nil {
			return fmt.Errorf("index delete %s: %w", id, err)
		}
		ix.batchDocs++
	}
	return nil
}

// queueDeleteLocked deletes, in the batch, every bleve document of docID:
// those committed and those queued.
func (ix *Index) queueDeleteLocked(ctx context.Context, docID string) error {
	for _, id := range ix.pending[docID] {
		ix.batch.Delete(id)
	}
	delete(ix.pending, docID)
	old, err := ix.all(ctx, termQuery(fDocID, docID))
	if err != nil {
		return fmt.Errorf("find old version: %w", err)
	}
	for _, h := range old {
		ix.batch.Delete(h.ID)
	}
	return nil
}

// Flush commits the pending batch durably.
func (ix *Index) Flush(ctx context.Context) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.flushLocked(ctx)
}

func (ix *Index) flushLocked(ctx context.Context) error {
	if ix.batch.Size() == 0 {
		ix.batchDocs, ix.batchBytes = 0, 0
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index flush: %w", err)
	}
	if err := ix.idx.Batch(ix.batch); err != nil {
		return fmt.Errorf("index flush %s: %w", ix.dir, err)
	}
	ix.batch.Reset()
	clear(ix.pending)
	ix.batchDocs, ix.batchBytes = 0, 0
	return nil
}

// DocIDs returns the id of every committed document, sorted.
func (ix *Index) DocIDs(ctx context.Context) ([]string, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index doc ids: %w", err)
	}
	req := bleve.NewSearchRequestOptions(recordsQuery(), int(n), 0, false)
	req.Score = "none"
	req.SortBy([]string{"_id"})
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index doc ids: %w", err)
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		id, _ := splitID(h.ID)
		ids = append(ids, id)
	}
	return ids, nil
}

// recordsQuery matches the record of every document.
func recordsQuery() query.Query {
	return bleve.NewConjunctionQuery(termQuery(fType, typeFinding), termQuery(fKind, string(extract.KindDocument)))
}

func termQuery(field, term string) *query.TermQuery {
	q := bleve.NewTermQuery(term)
	q.SetField(field)
	return q
}
