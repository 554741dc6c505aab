package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/cqcmine/cqcmine/corpus"
)

// The column file keeps the in-memory table (dictionaries, documents and
// columns) and the serial maps of the segments, so that Open reads one
// file instead of decoding every summary. A durable flush writes it, after
// storing a fresh token in both bleve indexes; every commit clears the
// token. Open trusts the file only when its token is the one both indexes
// hold: after a crash, or a commit not flushed, it rebuilds the table from
// the summaries, and the next flush writes the file again.
const colsFile = "columns.bin"

// colsKey is the internal key holding the token of the column file.
var colsKey = []byte("cqcmine.cols")

const colsMagic = "cqcmine columns 1\n"

// newToken returns a token for the column file; never 0.
func newToken() []byte {
	return binary.LittleEndian.AppendUint64(nil, rand.Uint64()|1)
}

func (e *enc) u32s(s []uint32) {
	e.uint(uint64(len(s)))
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint32(e.b, v)
	}
}

func (e *enc) i32s(s []int32) {
	e.uint(uint64(len(s)))
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(v))
	}
}

func (e *enc) u64s(s []uint64) {
	e.uint(uint64(len(s)))
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint64(e.b, v)
	}
}

func (d *dec) u32s() []uint32 {
	n := d.uint()
	if n > uint64(len(d.b))/4 {
		d.err, d.b = errShort, nil
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(d.b[4*i:])
	}
	d.b = d.b[4*n:]
	return out
}

func (d *dec) i32s() []int32 {
	n := d.uint()
	if n > uint64(len(d.b))/4 {
		d.err, d.b = errShort, nil
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(d.b[4*i:]))
	}
	d.b = d.b[4*n:]
	return out
}

func (d *dec) u64s() []uint64 {
	n := d.uint()
	if n > uint64(len(d.b))/8 {
		d.err, d.b = errShort, nil
		return nil
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(d.b[8*i:])
	}
	d.b = d.b[8*n:]
	return out
}

// writeColumns writes the column file for token. ix.mu must be held, with
// no commit in flight.
func (ix *Index) writeColumns(token []byte) error {
	var maps [2]map[uint64][]uint32
	for i, idx := range []bleve.Index{ix.fx, ix.px} {
		ids, m, err := ix.segs.current(idx)
		if err != nil {
			return err
		}
		maps[i] = map[uint64][]uint32{}
		for j, id := range ids {
			maps[i][id] = m[j]
		}
	}
	ix.tab.mu.RLock()
	b := encodeColumns(token, ix.tab, maps)
	ix.tab.mu.RUnlock()
	return corpus.WriteFileAtomic(filepath.Join(ix.dir, colsFile), b)
}

// encodeColumns encodes the column file of t and the serial maps of the
// findings and pages segments, by segment id. t.mu must be held.
func encodeColumns(token []byte, t *table, segMaps [2]map[uint64][]uint32) []byte {
	e := &enc{b: []byte(colsMagic)}
	e.b = append(e.b, token...)
	for i := range t.dicts {
		e.strs(t.dicts[i].vals)
	}
	// Committed documents only, numbered again from 1.
	ords := make([]uint32, len(t.dlist))
	var n uint32
	for o, d := range t.dlist {
		if d != nil && t.docs[d.id] == d {
			n++
			ords[o] = n
		}
	}
	e.uint(uint64(n))
	for o, d := range t.dlist {
		if ords[o] == 0 {
			continue
		}
		for _, s := range []string{d.id, d.path, d.title, d.provider, d.docType, d.published} {
			e.str(s)
		}
		e.uint(uint64(d.pageCount))
		e.uint(uint64(d.fSerial))
		e.i32s(d.nums)
		e.uint(uint64(d.pSerial))
		e.i32s(d.pages)
	}
	writeCols(e, &t.f, ords)
	writeCols(e, &t.p, ords)
	for _, m := range segMaps {
		ids := slices.Sorted(maps.Keys(m))
		e.uint(uint64(len(ids)))
		for _, id := range ids {
			e.uint(id)
			e.u32s(m[id])
		}
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.ChecksumIEEE(e.b))
	return e.b
}

func writeCols(e *enc, c *cols, ords []uint32) {
	e.uint(uint64(c.n))
	doc := make([]uint32, c.n)
	live := make([]uint64, len(c.live))
	for s := range c.n {
		if o := c.doc[s]; int(o) < len(ords) && ords[o] != 0 {
			doc[s] = ords[o]
			if c.isLive(uint32(s)) {
				live[s/64] |= 1 << (s % 64)
			}
		}
	}
	e.u32s(doc)
	e.u64s(live)
	e.i32s(c.num[:c.n])
	e.i32s(c.date[:c.n])
	if c.hasPage {
		e.i32s(c.page[:c.n])
	}
	for i := range nSingle {
		if c.has[i] {
			e.u32s(c.v[i][:c.n])
		}
	}
	if c.hasThemes {
		e.u64s(c.themes[:c.n])
		e.uint(uint64(len(c.more)))
		for s, codes := range c.more {
			e.uint(uint64(s))
			e.u32s(codes)
		}
	}
}

func readCols(d *dec, c *cols, ndocs uint32) error {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return errShort
	}
	c.ensure(int(n))
	c.doc = d.u32s()
	c.live = d.u64s()
	c.num = d.i32s()
	c.date = d.i32s()
	ok := len(c.doc) == int(n) && len(c.live) == (int(n)+63)/64 && len(c.num) == int(n) && len(c.date) == int(n)
	if c.hasPage {
		c.page = d.i32s()
		ok = ok && len(c.page) == int(n)
	}
	for i := range nSingle {
		if c.has[i] {
			c.v[i] = d.u32s()
			ok = ok && len(c.v[i]) == int(n)
		}
	}
	if c.hasThemes {
		c.themes = d.u64s()
		ok = ok && len(c.themes) == int(n)
		more := d.uint()
		if more > uint64(len(d.b)) {
			return errShort
		}
		for range more {
			s := uint32(d.uint())
			codes := d.u32s()
			if c.more == nil {
				c.more = map[uint32][]uint32{}
			}
			c.more[s] = codes
		}
	}
	if d.err != nil {
		return d.err
	}
	if !ok {
		return errors.New("column lengths differ")
	}
	for _, o := range c.doc {
		if o > ndocs {
			return errors.New("document out of range")
		}
	}
	return nil
}

// loadColumns fills the table from the column file. It reports false, with
// the table untouched, when the file is absent, damaged or not the one
// the indexes were last flushed with.
func (ix *Index) loadColumns() (bool, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, colsFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", colsFile, err)
	}
	cf, err := decodeColumns(b)
	if err != nil {
		return false, nil // rebuilt from the summaries
	}
	for _, idx := range []bleve.Index{ix.fx, ix.px} {
		v, err := idx.GetInternal(colsKey)
		if err != nil {
			return false, fmt.Errorf("read column token: %w", err)
		}
		if !bytes.Equal(v, cf.token) {
			return false, nil
		}
	}
	ix.tab = cf.tab
	ix.segs.maps = map[segKey][]uint32{}
	for i, idx := range []bleve.Index{ix.fx, ix.px} {
		for id, m := range cf.maps[i] {
			ix.segs.maps[segKey{idx, id}] = m
		}
	}
	for id, de := range cf.tab.docs {
		ix.known[id] = de
	}
	ix.nextF, ix.nextP = uint32(cf.tab.f.n), uint32(cf.tab.p.n)
	return true, nil
}

// colFile is a decoded column file.
type colFile struct {
	token []byte
	tab   *table
	maps  [2]map[uint64][]uint32 // findings, pages: serial maps by segment id
}

// decodeColumns decodes a column file.
func decodeColumns(b []byte) (*colFile, error) {
	if len(b) < len(colsMagic)+8+4 || !bytes.HasPrefix(b, []byte(colsMagic)) {
		return nil, errors.New("not a column file")
	}
	if crc32.ChecksumIEEE(b[:len(b)-4]) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errors.New("column file damaged")
	}
	cf := &colFile{token: b[len(colsMagic) : len(colsMagic)+8], tab: newTable()}
	t := cf.tab
	d := &dec{b: b[len(colsMagic)+8 : len(b)-4]}
	for i := range t.dicts {
		vals := d.strs()
		if len(vals) == 0 {
			continue
		}
		t.dicts[i].vals = vals
		t.dicts[i].codes = make(map[string]uint32, len(vals))
		for c, v := range vals {
			if c > 0 {
				t.dicts[i].codes[v] = uint32(c)
			}
		}
	}
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return nil, errShort
	}
	t.dlist = make([]*docEntry, 1, n+1)
	entries := make([]docEntry, n)
	for i := range entries {
		de := &entries[i]
		for _, p := range []*string{&de.id, &de.path, &de.title, &de.provider, &de.docType, &de.published} {
			*p = d.str()
		}
		de.pageCount = int(d.uint())
		de.fSerial = uint32(d.uint())
		de.nums = d.i32s()
		de.pSerial = uint32(d.uint())
		de.pages = d.i32s()
		de.ord = uint32(i + 1)
		t.dlist = append(t.dlist, de)
		t.docs[de.id] = de
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := readCols(d, &t.f, uint32(n)); err != nil {
		return nil, err
	}
	if err := readCols(d, &t.p, uint32(n)); err != nil {
		return nil, err
	}
	for i := range cf.maps {
		cf.maps[i] = map[uint64][]uint32{}
		k := d.uint()
		if k > uint64(len(d.b)) {
			return nil, errShort
		}
		for range k {
			id := d.uint()
			cf.maps[i][id] = d.u32s()
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return cf, nil
}

// current returns the serial maps of the segments idx has now.
func (c *segCache) current(idx bleve.Index) ([]uint64, [][]uint32, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, nil, fmt.Errorf("index reader is %T, not scorch", r)
	}
	maps, _, err := c.serials(idx, snap)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]uint64, len(maps))
	for i, ss := range snap.Segments() {
		ids[i] = ss.Id()
	}
	return ids, maps, nil
}
