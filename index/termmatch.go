// Term matching: the commonest queries, one word or words that must all
// occur, matched segment by segment in parallel straight from the postings
// lists, scored as bleve scores them.

package index

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// plainTerms returns the field and terms of q when q is a term query, or a
// conjunction of term queries on one field, none boosted: the queries
// matchTerms answers.
func plainTerms(q query.Query) (field string, terms []string, ok bool) {
	unboosted := func(b *query.Boost) bool { return b == nil || float64(*b) == 1 }
	term := func(q query.Query) (string, string, bool) {
		t, ok := q.(*query.TermQuery)
		if !ok || !unboosted(t.BoostVal) || t.FieldVal == "" {
			return "", "", false
		}
		return t.FieldVal, t.Term, true
	}
	if f, t, ok := term(q); ok {
		return f, []string{t}, true
	}
	c, ok := q.(*query.ConjunctionQuery)
	if !ok || !unboosted(c.BoostVal) || len(c.Conjuncts) < 2 {
		return "", nil, false
	}
	for _, cq := range c.Conjuncts {
		f, t, ok := term(cq)
		if !ok || (field != "" && f != field) {
			return "", nil, false
		}
		field = f
		terms = append(terms, t)
	}
	return field, terms, true
}

// termList is one term of a query: its postings list in each segment and
// its document frequency in the snapshot.
type termList struct {
	lists []segment.PostingsList // by segment; nil where absent
	df    uint64
	idf   float64
}

// termLists sorts terms as bleve's conjunction orders its searchers, by
// document frequency.
type termLists []*termList

func (l termLists) Len() int           { return len(l) }
func (l termLists) Less(i, j int) bool { return l[i].df < l[j].df }
func (l termLists) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// matchTerms marks in ms every live document of snap that holds all the
// terms in field, with the score bleve's TF-IDF gives it when scored:
// sqrt(tf) × norm × idf for one term; for several, the sum over the terms,
// in order of document frequency, of that product times idf × queryNorm,
// queryNorm being 1/sqrt(Σ idf²). maps gives each segment's serials.
// Segments are matched in parallel, at most GOMAXPROCS at a time.
func matchTerms(ctx context.Context, snap *scorch.IndexSnapshot, maps [][]uint32, field string, terms []string, scored bool, ms *matchSet) error {
	segs := snap.Segments()
	tl := make(termLists, len(terms))
	for i, t := range terms {
		tl[i] = &termList{lists: make([]segment.PostingsList, len(segs))}
		for s, ss := range segs {
			dict, err := ss.Segment().Dictionary(field)
			if err != nil {
				return fmt.Errorf("match %s:%s: %w", field, t, err)
			}
			pl, err := dict.PostingsList([]byte(t), ss.Deleted(), nil)
			if err != nil {
				return fmt.Errorf("match %s:%s: %w", field, t, err)
			}
			if n := pl.Count(); n > 0 {
				tl[i].lists[s] = pl
				tl[i].df += n
			}
		}
		if tl[i].df == 0 {
			return nil // a term no document holds
		}
	}
	total, err := snap.DocCount()
	if err != nil {
		return err
	}
	// The weights, as bleve's term scorers and conjunction compute them.
	sort.Sort(tl)
	weight := make([]float64, len(tl))
	sumSq := 0.0
	for _, t := range tl {
		t.idf = 1.0 + math.Log(float64(total)/float64(t.df+1.0))
		sumSq += t.idf * t.idf
	}
	qnorm := 1.0 / math.Sqrt(sumSq)
	for i, t := range tl {
		weight[i] = 1.0
		if len(tl) > 1 {
			weight[i] = t.idf * qnorm
		}
	}

	// Largest segments first, so that the workers finish together.
	order := make([]int, 0, len(segs))
	for s := range segs {
		if s < len(maps) && allPresent(tl, s) {
			order = append(order, s)
		}
	}
	sort.Slice(order, func(i, j int) bool {
		return tl[0].lists[order[i]].Count() > tl[0].lists[order[j]].Count()
	})
	workers := min(runtime.GOMAXPROCS(0), len(order))
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(order) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				if err := matchSegment(ctx, tl, order[i], maps[order[i]], weight, scored, ms); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func allPresent(tl termLists, s int) bool {
	for _, t := range tl {
		if t.lists[s] == nil {
			return false
		}
	}
	return true
}

// matchSegment marks the documents of segment s holding every term of
// tl. The rarest term's postings are walked, the others advanced to each
// of its documents; where every iterator can, their postings are first
// cut to the documents all hold.
func matchSegment(ctx context.Context, tl termLists, s int, serials []uint32, weight []float64, scored bool, ms *matchSet) error {
	its := make([]segment.PostingsIterator, len(tl))
	for i, t := range tl {
		its[i] = t.lists[s].Iterator(scored, scored, false, nil)
	}
	intersect(its)
	// Where each other iterator stands: its document and score there.
	type stand struct {
		at    bool
		doc   uint64
		score float64
	}
	at := make([]stand, len(its))
	n := 0
	for {
		if n++; n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p, err := its[0].Next()
		if err != nil || p == nil {
			return err
		}
		doc := p.Number()
		score := 0.0
		if scored {
			score = termScore(p, tl[0].idf) * weight[0]
		}
		all := true
		for i := 1; i < len(its); i++ {
			if st := &at[i]; !st.at || st.doc < doc {
				q, err := its[i].Advance(doc)
				if err != nil || q == nil {
					return err // no later document holds this term
				}
				st.at, st.doc = true, q.Number()
				if scored {
					st.score = termScore(q, tl[i].idf) * weight[i]
				}
			}
			if at[i].doc != doc {
				all = false
				break
			}
			score += at[i].score
		}
		if !all || doc >= uint64(len(serials)) {
			continue
		}
		serial := serials[doc]
		if serial == noSerial || int(serial) >= ms.n {
			continue
		}
		atomic.OrUint64(&ms.bits[serial/64], 1<<(serial%64))
		if ms.scores != nil {
			ms.scores[serial] = score
		}
	}
}

// termScore is bleve's TF-IDF field weight of one term in one document.
func termScore(p segment.Posting, idf float64) float64 {
	return math.Sqrt(float64(p.Frequency())) * p.Norm() * idf
}

// intersect cuts the postings of every iterator to the documents all of
// them hold, when each keeps its postings as a bitmap.
func intersect(its []segment.PostingsIterator) {
	if len(its) < 2 {
		return
	}
	bms := make([]*roaring.Bitmap, len(its))
	for i, it := range its {
		o, ok := it.(segment.OptimizablePostingsIterator)
		if !ok {
			return
		}
		if bms[i] = o.ActualBitmap(); bms[i] == nil {
			return
		}
	}
	and := roaring.FastAnd(bms...)
	for _, it := range its {
		it.(segment.OptimizablePostingsIterator).ReplaceActual(and)
	}
}
