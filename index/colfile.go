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
	"unsafe"

	"github.com/blevesearch/bleve/v2"

	"github.com/cqcmine/cqcmine/corpus"
)

// The column file keeps the in-memory table (dictionaries, documents and
// columns) and the serial maps of the segments, so that Open reads one
// file instead of decoding every summary. A durable flush writes it, after
// storing a fresh token in both bleve indexes; every commit clears the
// token. Open trusts the file only when its token is the one both indexes
// hold: after a crash, or a commit not flushed, it rebuilds the table from
// the summaries, and the next flush writes the file again.
//
// Every array of fixed-width numbers in the file is little-endian and
// starts at a multiple of 8 bytes from the file's start, so that Open
// maps the file and, on a little-endian host, uses the columns and serial
// maps where they lie instead of decoding them number by number
// (colmap.go). The documents' strings are kept in one run, copied once.
const colsFile = "columns.bin"

// colsKey is the internal key holding the token of the column file.
var colsKey = []byte("cqcmine.cols")

// colsMagic starts a column file; its last figure is the format's
// version. Version 2 aligned the arrays and gathered the strings. A file
// of another version is not read: Open rebuilds the table from the
// summaries and the next flush writes the file again.
const (
	colsMagic       = "cqcmine columns 2\n"
	colsMagicPrefix = "cqcmine columns "
)

// errColsVersion is the error of a column file of another version.
var errColsVersion = errors.New("column file of another version")

// newToken returns a token for the column file; never 0.
func newToken() []byte {
	return binary.LittleEndian.AppendUint64(nil, rand.Uint64()|1)
}

// align pads e to a multiple of 8 bytes from the start of the file.
func (e *enc) align() {
	e.b = append(e.b, make([]byte, -len(e.b)&7)...)
}

func (e *enc) u32s(s []uint32) {
	e.uint(uint64(len(s)))
	e.align()
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint32(e.b, v)
	}
}

func (e *enc) i32s(s []int32) {
	e.uint(uint64(len(s)))
	e.align()
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(v))
	}
}

func (e *enc) u64s(s []uint64) {
	e.uint(uint64(len(s)))
	e.align()
	for _, v := range s {
		e.b = binary.LittleEndian.AppendUint64(e.b, v)
	}
}

// colDec decodes a column file: a dec that knows where it is in the file.
type colDec struct {
	dec
	end int // where b ends in the file: b starts at end-len(b)
}

// fixed takes the next array of numbers w bytes wide: its length, the
// padding that aligns it, and its n numbers as raw bytes.
func (d *colDec) fixed(w int) (raw []byte, n int) {
	k := d.uint()
	pad := -(d.end - len(d.b)) & 7
	if d.err != nil || pad > len(d.b) || k > uint64(len(d.b)-pad)/uint64(w) {
		d.err, d.b = errShort, nil
		return nil, 0
	}
	n = int(k)
	raw = d.b[pad : pad+n*w]
	d.b = d.b[pad+n*w:]
	return raw, n
}

// littleEndian reports whether the host keeps numbers as the file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// alias returns the n numbers of raw as a []T over the same memory, when
// the host is little-endian and raw is aligned for T; ok is false
// otherwise, and the numbers must be decoded one by one. The slice's
// capacity is its length, so that growing it copies.
func alias[T uint32 | int32 | uint64](raw []byte, n int) (s []T, ok bool) {
	if n == 0 {
		return []T{}, true
	}
	p := unsafe.Pointer(unsafe.SliceData(raw))
	var zero T
	if !littleEndian || uintptr(p)%unsafe.Alignof(zero) != 0 {
		return nil, false
	}
	return unsafe.Slice((*T)(p), n), true
}

func (d *colDec) u32s() []uint32 {
	raw, n := d.fixed(4)
	if s, ok := alias[uint32](raw, n); ok {
		return s
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return out
}

func (d *colDec) i32s() []int32 {
	raw, n := d.fixed(4)
	if s, ok := alias[int32](raw, n); ok {
		return s
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

func (d *colDec) u64s() []uint64 {
	raw, n := d.fixed(8)
	if s, ok := alias[uint64](raw, n); ok {
		return s
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(raw[8*i:])
	}
	return out
}

// writeColumns writes the column file for token. ix.mu must be held, with
// no commit in flight.
func (ix *Index) writeColumns(token []byte) error {
	var maps [2]map[uint64][]uint32
	var locs [2]*locMap
	for i, idx := range []bleve.Index{ix.fx, ix.px} {
		m, l, err := ix.segs.current(idx)
		if err != nil {
			return err
		}
		maps[i] = map[uint64][]uint32{}
		for j, id := range l.ids {
			maps[i][id] = m[j]
		}
		locs[i] = l
	}
	ix.tab.mu.RLock()
	b := encodeColumns(token, ix.tab, maps, locs)
	ix.tab.mu.RUnlock()
	return corpus.WriteFileAtomic(filepath.Join(ix.dir, colsFile), b)
}

// encodeColumns encodes the column file of t, the serial maps of the
// findings and pages segments, by segment id, and where each serial of
// the current segments is (nil for none). t.mu must be held.
func encodeColumns(token []byte, t *table, segMaps [2]map[uint64][]uint32, locs [2]*locMap) []byte {
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
	// Each document's strings, lengths first, then its numbers, column
	// by column.
	lens := make([]uint32, 0, 6*n)
	var strs []byte
	pageCount := make([]int32, 0, n)
	fSerial, pSerial := make([]uint32, 0, n), make([]uint32, 0, n)
	nNums, nPages := make([]uint32, 0, n), make([]uint32, 0, n)
	var nums, pages []int32
	for o, d := range t.dlist {
		if ords[o] == 0 {
			continue
		}
		for _, s := range [...]string{d.id, d.path, d.title, d.provider, d.docType, d.published} {
			lens = append(lens, uint32(len(s)))
			strs = append(strs, s...)
		}
		pageCount = append(pageCount, int32(d.pageCount))
		fSerial, pSerial = append(fSerial, d.fSerial), append(pSerial, d.pSerial)
		nNums, nPages = append(nNums, uint32(len(d.nums))), append(nPages, uint32(len(d.pages)))
		nums, pages = append(nums, d.nums...), append(pages, d.pages...)
	}
	e.u32s(lens)
	e.uint(uint64(len(strs)))
	e.b = append(e.b, strs...)
	e.i32s(pageCount)
	e.u32s(fSerial)
	e.u32s(pSerial)
	e.u32s(nNums)
	e.u32s(nPages)
	e.i32s(nums)
	e.i32s(pages)
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
	for _, l := range locs {
		if l == nil {
			l = &locMap{}
		}
		e.u64s(l.ids)
		e.u64s(l.loc)
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

// readCols reads the columns of one table. On a little-endian host its
// arrays lie in d's bytes.
func readCols(d *colDec, c *cols, ndocs uint32) error {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return errShort
	}
	c.n = int(n)
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

// readColumns reads the column file in dir, mapped into memory where the
// host allows (colmap.go). It returns nil, with no error, when there is
// no file; an error that is not a read error means the file is damaged
// or of another version, and Open rebuilds the table from the summaries.
func readColumns(dir string) (*colFile, error) {
	m, err := mapFile(filepath.Join(dir, colsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &colsReadError{fmt.Errorf("read %s: %w", colsFile, err)}
	}
	cf, err := decodeColumns(m.b)
	if err != nil {
		m.release()
		return nil, err
	}
	cf.m = m.keep(cf.tab)
	return cf, nil
}

// colsReadError is a column file that could not be read (not one that
// does not decode).
type colsReadError struct{ err error }

func (e *colsReadError) Error() string { return e.err.Error() }
func (e *colsReadError) Unwrap() error { return e.err }

// loadColumns fills the table from cf and err, what readColumns returned.
// It reports false, with the table untouched, when the file is absent,
// damaged or not the one the indexes were last flushed with.
func (ix *Index) loadColumns(cf *colFile, err error) (bool, error) {
	if re := (*colsReadError)(nil); errors.As(err, &re) {
		return false, err
	}
	if cf == nil || err != nil {
		return false, nil // rebuilt from the summaries
	}
	for _, idx := range []bleve.Index{ix.fx, ix.px} {
		v, err := idx.GetInternal(colsKey)
		if err != nil {
			cf.release()
			return false, fmt.Errorf("read column token: %w", err)
		}
		if !bytes.Equal(v, cf.token) {
			cf.release()
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
	for i, idx := range []bleve.Index{ix.fx, ix.px} {
		if cf.locs[i] != nil {
			if ix.segs.locs == nil {
				ix.segs.locs = map[bleve.Index]*locMap{}
			}
			ix.segs.locs[idx] = cf.locs[i]
		}
	}
	ix.known = maps.Clone(cf.tab.docs)
	ix.nextF, ix.nextP = uint32(cf.tab.f.n), uint32(cf.tab.p.n)
	return true, nil
}

// colFile is a decoded column file.
type colFile struct {
	token []byte
	tab   *table
	maps  [2]map[uint64][]uint32 // findings, pages: serial maps by segment id
	locs  [2]*locMap             // findings, pages: where the serials were
	m     *colMap                // what the table's arrays lie in
}

// release lets go of the mapping of a column file that is not used.
// Nothing may hold the file's table or maps.
func (cf *colFile) release() {
	if cf.m != nil {
		cf.m.release()
		cf.m = nil
	}
}

// decodeColumns decodes a column file. The columns, serial maps and
// locations it returns, and the documents' page and finding lists, may
// lie in b, which must then stay unchanged while they are in use; the
// documents' strings never do.
func decodeColumns(b []byte) (*colFile, error) {
	if !bytes.HasPrefix(b, []byte(colsMagic)) {
		// "cqcmine columns N\n" with another N.
		rest, ok := bytes.CutPrefix(b, []byte(colsMagicPrefix))
		v, _, line := bytes.Cut(rest, []byte("\n"))
		if ok && line && len(v) > 0 && len(v) < 4 && len(bytes.Trim(v, "0123456789")) == 0 {
			return nil, errColsVersion
		}
		return nil, errors.New("not a column file")
	}
	if len(b) < len(colsMagic)+8+4 {
		return nil, errShort
	}
	if crc32.ChecksumIEEE(b[:len(b)-4]) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errors.New("column file damaged")
	}
	cf := &colFile{token: slices.Clone(b[len(colsMagic) : len(colsMagic)+8]), tab: newTable()}
	t := cf.tab
	d := &colDec{dec: dec{b: b[len(colsMagic)+8 : len(b)-4]}, end: len(b) - 4}
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
	if err := readDocs(d, t); err != nil {
		return nil, err
	}
	n := uint32(len(t.dlist) - 1)
	if err := readCols(d, &t.f, n); err != nil {
		return nil, err
	}
	if err := readCols(d, &t.p, n); err != nil {
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
	for i := range cf.locs {
		l := &locMap{ids: d.u64s(), loc: d.u64s()}
		for _, x := range l.loc {
			if x>>40 >= uint64(len(l.ids)) {
				return nil, errors.New("serial location out of range")
			}
		}
		if len(l.ids) > 0 {
			cf.locs[i] = l
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return cf, nil
}

// readDocs reads the documents into t. Their strings are copied out of
// d's bytes, in one piece, for they go out in results; their page and
// finding lists may lie there.
func readDocs(d *colDec, t *table) error {
	n := d.uint()
	if d.err != nil || n > uint64(len(d.b)) {
		return errShort
	}
	lens := d.u32s()
	size := d.uint()
	if d.err != nil || size > uint64(len(d.b)) {
		return errShort
	}
	strs := string(d.b[:size])
	d.b = d.b[size:]
	pageCount, fSerial, pSerial := d.i32s(), d.u32s(), d.u32s()
	nNums, nPages := d.u32s(), d.u32s()
	nums, pages := d.i32s(), d.i32s()
	if d.err != nil {
		return d.err
	}
	if uint64(len(lens)) != 6*n || uint64(len(pageCount)) != n || uint64(len(fSerial)) != n ||
		uint64(len(pSerial)) != n || uint64(len(nNums)) != n || uint64(len(nPages)) != n {
		return errors.New("document lengths differ")
	}
	t.dlist = make([]*docEntry, 1, n+1)
	t.docs = make(map[string]*docEntry, n)
	entries := make([]docEntry, n)
	var so, no, po uint64
	short := errors.New("document data short")
	for i := range entries {
		de := &entries[i]
		for j, p := range [...]*string{&de.id, &de.path, &de.title, &de.provider, &de.docType, &de.published} {
			l := uint64(lens[6*i+j])
			if l > uint64(len(strs))-so {
				return short
			}
			*p = strs[so : so+l]
			so += l
		}
		k, m := uint64(nNums[i]), uint64(nPages[i])
		if k > uint64(len(nums))-no || m > uint64(len(pages))-po {
			return short
		}
		de.nums, de.pages = nums[no:no+k:no+k], pages[po:po+m:po+m]
		no, po = no+k, po+m
		de.pageCount = int(pageCount[i])
		de.fSerial, de.pSerial = fSerial[i], pSerial[i]
		de.ord = uint32(i + 1)
		t.dlist = append(t.dlist, de)
		t.docs[de.id] = de
	}
	return nil
}

// current returns the serial maps of the segments idx has now, and where
// each serial is.
func (c *segCache) current(idx bleve.Index) ([][]uint32, *locMap, error) {
	snap, err := snapshot(idx)
	if err != nil {
		return nil, nil, err
	}
	defer snap.Close()
	maps, _, err := c.serials(idx, snap)
	if err != nil {
		return nil, nil, err
	}
	l, err := c.locations(idx, snap)
	if err != nil {
		return nil, nil, err
	}
	return maps, l, nil
}
