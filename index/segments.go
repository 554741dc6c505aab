// Segment access: the one place that reads scorch segments directly, to
// map bleve document numbers to the table's serials, to run a query over
// every segment, and to read stored fields.

package index

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// segKey names one immutable segment of one bleve index.
type segKey struct {
	idx bleve.Index
	id  uint64
}

// segCache maps each segment's document numbers to serials, read once per
// segment from the serial doc values. Segments never change, so a map
// stays valid until a merge retires its segment.
type segCache struct {
	mu   sync.Mutex
	maps map[segKey][]uint32
	locs map[bleve.Index]*locMap
}

// locMap places every serial of one snapshot: its segment (an index into
// the snapshot's segments) and its document number there.
type locMap struct {
	ids []uint64 // the segments' ids, in snapshot order
	loc []uint64 // by serial: segment<<40 | (number+1); 0 when absent
}

// noSerial marks a document number without a serial.
const noSerial = ^uint32(0)

// serials returns, per segment of snap, its document-number-to-serial
// map, and each segment's first global document number.
func (c *segCache) serials(idx bleve.Index, snap *scorch.IndexSnapshot) ([][]uint32, []uint64, error) {
	segs := snap.Segments()
	out := make([][]uint32, len(segs))
	offsets := make([]uint64, len(segs))
	var running uint64
	c.mu.Lock()
	defer c.mu.Unlock()
	live := map[segKey]bool{}
	for i, ss := range segs {
		offsets[i] = running
		seg := ss.Segment()
		running += seg.Count()
		k := segKey{idx, ss.Id()}
		live[k] = true
		m, ok := c.maps[k]
		if !ok {
			var err error
			if m, err = serialMap(seg); err != nil {
				return nil, nil, err
			}
			c.maps[k] = m
		}
		out[i] = m
	}
	for k := range c.maps {
		if k.idx == idx && !live[k] {
			delete(c.maps, k)
		}
	}
	return out, offsets, nil
}

func serialMap(seg segment.Segment) ([]uint32, error) {
	n := seg.Count()
	m := make([]uint32, n)
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("segment %T has no doc values", seg)
	}
	fields := []string{fSerial}
	var state segment.DocVisitState
	for i := range n {
		m[i] = noSerial
		var err error
		state, err = dv.VisitDocValues(i, fields, func(_ string, term []byte) {
			if s, ok := parseSerial(term); ok {
				m[i] = s
			}
		}, state)
		if err != nil {
			return nil, fmt.Errorf("read serials: %w", err)
		}
	}
	return m, nil
}

// snapshot is a reader of idx's current segments; the caller closes it.
func snapshot(idx bleve.Index) (*scorch.IndexSnapshot, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil, fmt.Errorf("index reader is %T, not scorch", r)
	}
	return snap, nil
}

// matchInto marks in ms the rows of idx that q matches, with their scores
// when scored: plain words on their own, other queries through bleve's
// searchers.
func (ix *Index) matchInto(ctx context.Context, idx bleve.Index, q query.Query, score bool, ms *matchSet) error {
	tq, ok := plainTerms(q)
	if !ok {
		return ix.match(ctx, idx, q, score, func(serial uint32, score float64) {
			if int(serial) < ms.n {
				ms.add(serial, score)
			}
		})
	}
	snap, err := snapshot(idx)
	if err != nil {
		return err
	}
	defer snap.Close()
	maps, _, err := ix.segs.serials(idx, snap)
	if err != nil {
		return err
	}
	return matchTerms(ctx, snap, maps, tq, score, ms)
}

// match runs q on idx and calls fn with the serial and score of every
// document it matches, in index order.
func (ix *Index) match(ctx context.Context, idx bleve.Index, q query.Query, score bool, fn func(serial uint32, score float64)) error {
	snap, err := snapshot(idx)
	if err != nil {
		return err
	}
	defer snap.Close()
	r := snap
	maps, offsets, err := ix.segs.serials(idx, snap)
	if err != nil {
		return err
	}
	if ctx.Value(checkedKey{}) == nil {
		if _, err := checkCost(ctx, r, idx.Mapping(), q, len(snap.Segments()), limitsOf(ctx)); err != nil {
			return err
		}
	}
	opts := search.SearcherOptions{Score: "none"}
	if score {
		opts.Score = ""
	}
	s, err := buildSearcher(ctx, r, idx.Mapping(), q, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0),
		IndexReader:       r,
	}
	seg := 0
	done := ctx.Done()
	for {
		// One match of a large disjunction can take milliseconds: look
		// at the context before each.
		select {
		case <-done:
			return ctx.Err()
		default:
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		g := dm.IndexInternalID.Value()
		// Matches come in document-number order: walk the segments.
		if seg >= len(offsets) || g < offsets[seg] {
			seg = 0
		}
		for seg+1 < len(offsets) && g >= offsets[seg+1] {
			seg++
		}
		if seg < len(maps) {
			if local := g - offsets[seg]; local < uint64(len(maps[seg])) {
				if serial := maps[seg][local]; serial != noSerial {
					fn(serial, dm.Score)
				}
			}
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// locations returns where each serial of snap is.
func (c *segCache) locations(idx bleve.Index, snap *scorch.IndexSnapshot) (*locMap, error) {
	maps, _, err := c.serials(idx, snap)
	if err != nil {
		return nil, err
	}
	segs := snap.Segments()
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.locs[idx]; l != nil && len(l.ids) == len(segs) {
		same := true
		for i, ss := range segs {
			if l.ids[i] != ss.Id() {
				same = false
				break
			}
		}
		if same {
			return l, nil
		}
	}
	l := &locMap{ids: make([]uint64, len(segs))}
	n := 0
	for _, m := range maps {
		for _, s := range m {
			if s != noSerial {
				n = max(n, int(s)+1)
			}
		}
	}
	l.loc = make([]uint64, n)
	for i, ss := range segs {
		l.ids[i] = ss.Id()
		for local, s := range maps[i] {
			if s != noSerial {
				l.loc[s] = uint64(i)<<40 | uint64(local+1)
			}
		}
	}
	if c.locs == nil {
		c.locs = map[bleve.Index]*locMap{}
	}
	c.locs[idx] = l
	return l, nil
}

// stored calls fn with the value of a stored field of the bleve documents
// with the given serials, for each one that has it.
func (ix *Index) stored(ctx context.Context, idx bleve.Index, serials []uint32, field string, fn func(i int, v []byte)) error {
	if len(serials) == 0 {
		return nil
	}
	// The locations may lie in the column file's mapping, which lasts
	// while the index's table is reachable.
	defer runtime.KeepAlive(ix)
	snap, err := snapshot(idx)
	if err != nil {
		return err
	}
	defer snap.Close()
	l, err := ix.segs.locations(idx, snap)
	if err != nil {
		return err
	}
	segs := snap.Segments()
	for i, s := range serials {
		if err := ctx.Err(); err != nil {
			return err
		}
		if int(s) >= len(l.loc) || l.loc[s] == 0 {
			continue
		}
		si, local := l.loc[s]>>40, l.loc[s]&(1<<40-1)-1
		if si >= uint64(len(segs)) {
			continue
		}
		ss := segs[si]
		if local >= ss.Segment().Count() {
			continue
		}
		if del := ss.Deleted(); del != nil && del.Contains(uint32(local)) {
			continue
		}
		err := ss.Segment().VisitStoredFields(local, func(f string, _ byte, v []byte, _ []uint64) bool {
			if f == field {
				fn(i, v)
				return false
			}
			return true
		})
		if err != nil {
			return fmt.Errorf("read stored %s: %w", field, err)
		}
	}
	return nil
}
