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

// termsQuery is a query matchTerms answers: terms of one field that must
// all occur, some of them words of phrases, at their offsets from where
// their phrase starts.
type termsQuery struct {
	field string
	terms []string
	// By term, when a phrase of two words or more is among them: the
	// phrase it belongs to (-1 for a word on its own) and its offset
	// from the phrase's first word. Both nil without such a phrase.
	group, offs []int
	// normed: the scores are weighted by idf × queryNorm, as bleve's
	// conjunctions weight them, even of one word (a phrase of one word).
	normed bool
}

// addPhrase adds the words of a phrase on the text as bleve reads it:
// each word at its offset from the first, the words left out (stop
// words) leaving gaps. It reports false for a phrase of stop words only,
// which matches nothing.
func (tq *termsQuery) addPhrase(phrase string) bool {
	toks := TextTerms(phrase)
	if len(toks) == 0 {
		return false
	}
	if len(toks) == 1 {
		tq.addTerm(toks[0].Term)
		return true
	}
	g := 0
	for _, x := range tq.group {
		g = max(g, x+1)
	}
	if tq.group == nil {
		tq.group = make([]int, len(tq.terms))
		tq.offs = make([]int, len(tq.terms))
		for i := range tq.group {
			tq.group[i] = -1
		}
	}
	for _, t := range toks {
		tq.terms = append(tq.terms, t.Term)
		tq.group = append(tq.group, g)
		tq.offs = append(tq.offs, t.Position-toks[0].Position)
	}
	return true
}

func (tq *termsQuery) addTerm(t string) {
	tq.terms = append(tq.terms, t)
	if tq.group != nil {
		tq.group = append(tq.group, -1)
		tq.offs = append(tq.offs, 0)
	}
}

// plainTerms returns the terms of q when q is a term query, a phrase on
// the text, or a conjunction of term queries on one field and phrases on
// the text, none boosted: the queries matchTerms answers.
func plainTerms(q query.Query) (tq termsQuery, ok bool) {
	unboosted := func(b *query.Boost) bool { return b == nil || float64(*b) == 1 }
	term := func(q query.Query) (string, string, bool) {
		t, ok := q.(*query.TermQuery)
		if !ok || !unboosted(t.BoostVal) || t.FieldVal == "" {
			return "", "", false
		}
		return t.FieldVal, t.Term, true
	}
	phrase := func(q query.Query) (string, bool) {
		x, ok := q.(*query.MatchPhraseQuery)
		if !ok || !onText(x.FieldVal) || !unboosted(x.BoostVal) || x.Analyzer != "" || x.Fuzziness != 0 {
			return "", false
		}
		return x.MatchPhrase, true
	}
	if f, t, ok := term(q); ok {
		return termsQuery{field: f, terms: []string{t}}, true
	}
	if p, ok := phrase(q); ok {
		tq.field, tq.normed = fText, true
		return tq, tq.addPhrase(p)
	}
	x, ok := q.(*query.ConjunctionQuery)
	if !ok || !unboosted(x.BoostVal) || len(x.Conjuncts) == 0 {
		return termsQuery{}, false
	}
	tq.normed = true
	for _, cq := range x.Conjuncts {
		f, t, isTerm := term(cq)
		p, isPhrase := phrase(cq)
		if isPhrase {
			f = fText
		}
		if (!isTerm && !isPhrase) || (tq.field != "" && f != tq.field) {
			return termsQuery{}, false
		}
		tq.field = f
		if isTerm {
			tq.addTerm(t)
		} else if !tq.addPhrase(p) {
			return termsQuery{}, false
		}
	}
	return tq, true
}

// termList is one term of a query: its postings list in each segment and
// its document frequency in the snapshot.
type termList struct {
	lists []segment.PostingsList // by segment; nil where absent
	df    uint64
	idf   float64
	group int // the phrase it is a word of, -1 for none
	off   int // in a phrase, its offset from the phrase's first word
}

// termLists sorts terms as bleve's conjunction orders its searchers, by
// document frequency.
type termLists []*termList

func (l termLists) Len() int           { return len(l) }
func (l termLists) Less(i, j int) bool { return l[i].df < l[j].df }
func (l termLists) Swap(i, j int)      { l[i], l[j] = l[j], l[i] }

// matchTerms marks in ms every live document of snap that holds all the
// terms of tq (as a phrase, when it is one), with the score bleve's TF-IDF gives it when scored:
// sqrt(tf) × norm × idf for one term; for several, the sum over the terms,
// in order of document frequency, of that product times idf × queryNorm,
// queryNorm being 1/sqrt(Σ idf²). maps gives each segment's serials.
// Segments are matched in parallel, at most GOMAXPROCS at a time.
func matchTerms(ctx context.Context, snap *scorch.IndexSnapshot, maps [][]uint32, tq termsQuery, scored bool, ms *matchSet) error {
	segs := snap.Segments()
	field, phrase := tq.field, tq.group != nil
	tl := make(termLists, len(tq.terms))
	for i, t := range tq.terms {
		tl[i] = &termList{lists: make([]segment.PostingsList, len(segs)), group: -1}
		if phrase {
			tl[i].group, tl[i].off = tq.group[i], tq.offs[i]
		}
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
		if tq.normed {
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
				if err := matchSegment(ctx, tl, order[i], maps[order[i]], weight, scored, phrase, ms); err != nil {
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
// tl, at their offsets when a phrase. The rarest term's postings are
// walked, the others advanced to each of its documents; where it pays
// and every iterator can, their postings are first cut to the documents
// all hold.
func matchSegment(ctx context.Context, tl termLists, s int, serials []uint32, weight []float64, scored, phrase bool, ms *matchSet) error {
	its := make([]segment.PostingsIterator, len(tl))
	for i, t := range tl {
		its[i] = t.lists[s].Iterator(scored || phrase, scored || phrase, t.group >= 0, nil)
	}
	var locs [][]segment.Location
	if phrase {
		locs = make([][]segment.Location, len(tl))
	}
	intersect(its, phrase || !scored)
	// Where each other iterator stands: its document and score there.
	type stand struct {
		at    bool
		doc   uint64
		score float64
		locs  []segment.Location
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
				if phrase {
					st.locs = q.Locations()
				}
			}
			if at[i].doc != doc {
				all = false
				break
			}
			score += at[i].score
			if phrase {
				locs[i] = at[i].locs
			}
		}
		if !all || doc >= uint64(len(serials)) {
			continue
		}
		if phrase {
			locs[0] = p.Locations()
			if !phraseIn(tl, locs) {
				continue
			}
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

// phraseIn reports whether the words of every phrase stand at their
// offsets from one position, given each word's locations in a document
// (in the order of the text).
func phraseIn(tl termLists, locs [][]segment.Location) bool {
	for i, t := range tl {
		if t.group >= 0 && t.off == 0 && !phraseStands(tl, locs, i) {
			return false
		}
	}
	return true
}

// phraseStands reports whether the phrase whose first word is tl[first]
// stands somewhere in the document.
func phraseStands(tl termLists, locs [][]segment.Location, first int) bool {
	g := tl[first].group
	for _, l := range locs[first] {
		start := l.Pos()
		all := true
		for i, t := range tl {
			if i != first && t.group == g && !hasPos(locs[i], start+uint64(t.off)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

func hasPos(locs []segment.Location, pos uint64) bool {
	for _, l := range locs {
		if l.Pos() == pos {
			return true
		}
	}
	return false
}

// termScore is bleve's TF-IDF field weight of one term in one document:
// sqrt(tf) × norm × idf, the square root and the norm read from tables
// where they can be.
func termScore(p segment.Posting, idf float64) float64 {
	return sqrtFreq(p.Frequency()) * postingNorm(p) * idf
}

// lengthNormer is a posting that gives the length of its field, of which
// its norm is 1/sqrt: zap's postings do.
type lengthNormer interface{ NormUint64() uint64 }

// The tables of the square roots of small frequencies and of the norms of
// field lengths, computed as the postings compute them.
var (
	sqrtTable = func() (t [256]float64) {
		for f := range t {
			t[f] = math.Sqrt(float64(f))
		}
		return t
	}()
	normTable = func() []float64 {
		t := make([]float64, 1<<14)
		for n := range t {
			t[n] = float64(float32(1 / math.Sqrt(float64(n))))
		}
		return t
	}()
)

func sqrtFreq(f uint64) float64 {
	if f < uint64(len(sqrtTable)) {
		return sqrtTable[f]
	}
	return math.Sqrt(float64(f))
}

func postingNorm(p segment.Posting) float64 {
	if ln, ok := p.(lengthNormer); ok {
		if n := ln.NormUint64(); n < uint64(len(normTable)) {
			return normTable[n]
		}
	}
	return p.Norm()
}

// sparseCut: scored words' postings are cut when the documents all hold
// are fewer than 1/sparseCut of the rarest word's.
const sparseCut = 4

// intersect cuts the postings of every iterator to the documents all of
// them hold, when each keeps its postings as a bitmap. Cut postings keep
// their frequencies in step by walking the whole list beside the cut:
// worth it for a phrase, whose words' locations it skips, or with no
// frequencies to read (always), but for scored words only where the cut
// leaves few of the rarest word's documents.
func intersect(its []segment.PostingsIterator, always bool) {
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
	if !always && and.GetCardinality()*sparseCut >= bms[0].GetCardinality() {
		return
	}
	for _, it := range its {
		it.(segment.OptimizablePostingsIterator).ReplaceActual(and)
	}
}
