// Page texts: read from the stored blob of each document, kept in a
// small two-generation cache.

package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
)

type pageKey struct {
	doc  string
	page int
}

// pageCache keeps recently shown page texts. A document's id is the hash
// of its content, so a page's text never changes under its key. It holds
// two generations: a text found in the old one moves to the new one, and
// when the new one is full it becomes the old one.
type pageCache struct {
	mu       sync.Mutex
	cur, old map[pageKey]string
	size     int // bytes in cur
}

// pageCacheBytes bounds each generation of the page cache.
const pageCacheBytes = 4 << 20

func (c *pageCache) get(k pageKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.cur[k]; ok {
		return t, true
	}
	t, ok := c.old[k]
	if ok {
		c.add(k, t)
	}
	return t, ok
}

func (c *pageCache) put(k pageKey, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(k, text)
}

func (c *pageCache) add(k pageKey, text string) {
	if len(text) > pageCacheBytes/16 {
		return
	}
	if c.cur == nil || c.size+len(text) > pageCacheBytes {
		c.old, c.cur, c.size = c.cur, map[pageKey]string{}, 0
	}
	if _, ok := c.cur[k]; !ok {
		c.cur[k] = text
		c.size += len(text)
	}
}

// pageTexts returns the text of the given pages of the given documents.
func (ix *Index) pageTexts(ctx context.Context, want map[pageKey]bool, docs map[string]*docEntry) (map[pageKey]string, error) {
	out := map[pageKey]string{}
	if len(want) == 0 {
		return out, nil
	}
	var list []*docEntry
	var serials []uint32
	for k := range want {
		if text, ok := ix.pcache.get(k); ok {
			out[k] = text
			continue
		}
		if d := docs[k.doc]; d != nil && len(d.pages) > 0 && !slices.Contains(list, d) {
			list = append(list, d)
			serials = append(serials, d.pSerial)
		}
	}
	var derr error
	err := ix.stored(ctx, ix.px, serials, fPages, func(i int, v []byte) {
		id := list[i].id
		pages, err := decodePages(v, func(n int) bool { return want[pageKey{id, n}] })
		if err != nil {
			derr = errors.Join(derr, fmt.Errorf("page texts of %s: %w", id, err))
			return
		}
		for _, p := range pages {
			k := pageKey{id, p.Number}
			out[k] = p.Text
			ix.pcache.put(k, p.Text)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("fetch page texts: %w", err)
	}
	return out, derr
}
