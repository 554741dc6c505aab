// Package tag turns the page text of an extract.Document into findings: a
// document finding (title, provider, type, dates), CQC ratings, must-do
// and should-do actions, undertakings and quoted statements with their
// speakers, each with its page and byte offsets in that page's text.
//
// The taggers are rules over the language of CQC reports, press releases,
// trust statements, enforcement notices and news reports of them:
//
//   - Text is split into blocks (paragraphs, bullets, headings; wrapped
//     lines joined, bullet and "2.1.4." markers left out) and sentences by
//     a splitter that knows "Dr", "Reg." and the like (segment.go).
//   - Ratings: rating words in a rating context ("rated", "rating",
//     "remains", grids such as "Safe - Good" or "Are services safe?
//     Inadequate", ratings grids whose cells wrap over lines in PDFs and
//     "|" tables (grid.go)), paired with the domains listed
//     after ("for responsive, effective and well led") or before ("the
//     well-led domain being rated"), else overall; lists of services
//     expanded; previous ratings from "retained", "again", "from X to Y"
//     and from statements about the last inspection; "this service" and
//     "it" are the core service whose report section the text is in
//     (rating.go).
//   - Actions: must-do and should-do sections and the lists that lead-in
//     lines open ("The trust must:", "The provider should -"), their
//     bullets and bare-verb lines; sentences in which the provider is
//     told, required, given a deadline or said to need to act; rules for
//     what only reads like an action (general duties, CQC's procedures,
//     history, conditional warnings, penalties); undertakings as their
//     own kind (action.go). Regulations by number or title, under the
//     2014 or 2010 Regulations, come from a table (regulation.go).
//   - Quotes: text in “ ”, " ", ‘ ’ or ' ' that is a statement or is
//     reported as said or found, not rating names, titles or defined
//     terms; quotes running over lines, paragraphs re-opened with a mark,
//     and unclosed quotes ending at their first sentence end. Speakers are
//     attributed CQC, trust, patient or other from the words that
//     introduce the quote, with the speaker's name (quote.go).
//   - Scores: single assessment framework quality statements and local
//     authority themes scored 1 to 4 (score.go).
//   - The document's regulator: another inspectorate's document yields no
//     CQC ratings, actions or scores, guidance no ratings or actions from
//     its generic statements (regulator.go).
//   - Tables that an extractor found (extract.Page.Tables) are read as
//     cells: ratings grids by column header and row label, with each
//     cell's arrow and date; rating boxes; requirement-notice rows as
//     must-dos (table.go). The line-based grid reader and the sentence
//     rules skip the tables read.
//
// prose's named-entity model is loaded once by New and used only to find a
// speaker's name in the few words that introduce a quote when the cheaper
// rules find none.
//
// Each rule sets its findings' Why; TagDoc keeps it only when asked to
// explain. A panic in a rule fails the document with an
// *extract.PanicError.
package tag

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	prose "github.com/jdkato/prose/v2"
)

// Tagger tags documents. It is safe for concurrent use.
type Tagger struct {
	model *prose.Model
	// nerMu guards the prose model, whose tagger is not documented as
	// safe for concurrent use.
	nerMu sync.Mutex
	// addHook, when set, sees each finding as it is added (tests use
	// it to make a rule panic).
	addHook func(extract.Finding)
}

// New loads the models the taggers use.
func New() (t *Tagger, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("tag: loading prose model: %v", r)
		}
	}()
	d, err := prose.NewDocument("", prose.WithSegmentation(false))
	if err != nil {
		return nil, fmt.Errorf("tag: loading prose model: %w", err)
	}
	return &Tagger{model: d.Model}, nil
}

// personIn returns the first person that prose's entity model finds in t.
func (t *Tagger) personIn(s string) string {
	if t == nil || t.model == nil || s == "" {
		return ""
	}
	t.nerMu.Lock()
	defer t.nerMu.Unlock()
	var name string
	func() {
		defer func() { _ = recover() }()
		d, err := prose.NewDocument(s, prose.UsingModel(t.model), prose.WithSegmentation(false))
		if err != nil {
			return
		}
		for _, e := range d.Entities() {
			if e.Label == "PERSON" && strings.Contains(e.Text, " ") {
				name = e.Text
				return
			}
		}
	}()
	return name
}

// docState is the work on one document.
type docState struct {
	t       *Tagger
	ctx     context.Context
	doc     *extract.Document
	text    string // pages joined by form feeds
	lower   string // text with ASCII letters in lower case, same offsets
	starts  []int  // each page's offset in text
	blocks  []block
	sents   []sentence
	found   []extract.Finding
	offsets []int // global start offset of each finding, for ordering

	provider    string
	mainSubject string // the location a location page is about, else ""
	reportLoc   string // the hospital a one-hospital Quality Report is about, else ""
	trustVoice  bool   // the document speaks as the provider ("our staff")
	regulator   string // the regulator the document is about (regulator.go)
	guidanceDoc bool   // a guidance or definitions page (regulator.go)

	guidanceAt map[[2]int]bool // isGuidance of a sentence span, once worked out

	act actionDoc // what the action rules learn of the document once

	rs           ratingState
	tables       []tableSpan // tables read as cells (table.go)
	quoteSpans   []qspan
	anchorStarts map[[2]byte][]int32 // see wordStarts
}

// Options change what TagDoc returns.
type Options struct {
	// Explain keeps each finding's Why, which names the rule that made
	// it and the mentions it used. Without it Why is cleared.
	Explain bool
}

// TagDoc returns the findings of doc: the document finding first, then
// the others in document order. It stops early, returning what it has,
// when ctx is done.
//
// A panic in a rule is a bug that fails the document: TagDoc then
// returns no findings and an *extract.PanicError naming the rule and the
// place of the panic.
func (t *Tagger) TagDoc(ctx context.Context, doc *extract.Document, opt Options) ([]extract.Finding, error) {
	return t.tag(ctx, doc, opt, true)
}

// Tag is TagDoc with no options for callers, such as tests, to whom a
// panic in a rule is their own failure: it does not recover the panic.
func (t *Tagger) Tag(ctx context.Context, doc *extract.Document) []extract.Finding {
	out, _ := t.tag(ctx, doc, Options{}, false)
	return out
}

// writeValid writes s with each byte that is not part of valid UTF-8
// replaced by '?': the extractors give valid UTF-8, but a caller may not,
// and the rules and the sentence splitter must see the same bytes at the
// same offsets.
func writeValid(b *strings.Builder, s string) {
	if utf8.ValidString(s) {
		b.WriteString(s)
		return
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte('?')
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

// tag tags doc; with recoverPanics a panic becomes an *extract.PanicError.
func (t *Tagger) tag(ctx context.Context, doc *extract.Document, opt Options, recoverPanics bool) (out []extract.Finding, err error) {
	if doc == nil {
		return nil, nil
	}
	st := &docState{t: t, ctx: ctx, doc: doc}
	var b strings.Builder
	for i, p := range doc.Pages {
		if i > 0 {
			b.WriteByte('\f')
		}
		st.starts = append(st.starts, b.Len())
		writeValid(&b, p.Text)
	}
	st.text = b.String()
	st.lower = asciiLower(st.text)
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			out, err = nil, &extract.PanicError{Where: panicSite(), Value: r, Stack: debug.Stack()}
		}
	}()
	st.blocks, st.sents = segment(st.text)
	st.provider = st.findProvider()
	st.mainSubject = st.findMainSubject()
	if st.mainSubject == "" {
		st.mainSubject = st.findLocalSubject()
	}
	st.reportLoc = st.findReportLocation()
	st.trustVoice = st.findTrustVoice()
	st.regulator, st.guidanceDoc = st.findRegulator(), st.findGuidanceDoc()

	st.tagRatings()
	st.scanQuotes()
	if ctx.Err() == nil {
		st.tagActions()
		st.dropCovered(st.tableActions(st.tables))
	}
	if ctx.Err() == nil {
		st.tagQuotes()
	}
	st.finishRatings()
	st.tagScores()
	st.filterFindings()
	if ctx.Err() == nil {
		st.tagEntities()
	}

	idx := make([]int, len(st.found))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return st.offsets[idx[a]] < st.offsets[idx[b]] })
	out = make([]extract.Finding, 0, len(st.found)+1)
	out = append(out, st.docFinding())
	for _, i := range idx {
		f := st.found[i]
		if f.Kind == "" {
			continue // dropped
		}
		if f.Provider == "" {
			f.Provider = st.provider
		}
		if !opt.Explain {
			f.Why = ""
		}
		out = append(out, f)
	}
	return out, nil
}

// add records a finding whose evidence is text[s:e].
func (st *docState) add(f extract.Finding, s, e int) int {
	if s < 0 {
		s = 0
	}
	if e > len(st.text) {
		e = len(st.text)
	}
	if e < s {
		e = s
	}
	pi := sort.SearchInts(st.starts, s+1) - 1
	if pi < 0 {
		pi = 0
	}
	f.Doc = st.doc.Path
	f.DocID = st.doc.ID
	if len(st.doc.Pages) > 0 {
		p := st.doc.Pages[pi]
		f.Page = p.Number
		ps := st.starts[pi]
		f.Start = s - ps
		f.End = e - ps
		if f.End > len(p.Text) {
			f.End = len(p.Text)
		}
	}
	if f.Text == "" {
		f.Text = clean(st.text[s:e])
	}
	if f.Themes == nil {
		f.Themes = themesOf(f.Text)
	}
	if f.Why == "" {
		f.Why = taggerOf(f.Kind)
	}
	if st.t.addHook != nil {
		st.t.addHook(f)
	}
	st.found = append(st.found, f)
	st.offsets = append(st.offsets, s)
	return len(st.found) - 1
}

// asciiLower lower-cases ASCII letters only, so offsets stay valid.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// blockAt returns the index of the block holding offset p, or of the
// first block after it.
func (st *docState) blockAt(p int) int {
	i := sort.Search(len(st.blocks), func(i int) bool { return st.blocks[i].e > p })
	if i >= len(st.blocks) {
		return len(st.blocks) - 1
	}
	return i
}

// taggerOf names the tagger that makes findings of kind k: the
// explanation of a finding whose rule gives none.
func taggerOf(k extract.Kind) string {
	switch k {
	case extract.KindMustDo, extract.KindShouldDo, extract.KindUndertaking:
		return "action"
	}
	return string(k)
}

// panicSite names where the panic being recovered happened: the tagger
// stage that tag was running and the file and line in this package
// where it panicked, as in "tagRatings at grid.go:412". Call it from the
// deferred function that recovers.
func panicSite() string {
	pcs := make([]uintptr, 256)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	var pkg, site, stage, prev string
	panicking := false
	for {
		fr, more := frames.Next()
		fn := fr.Function
		switch {
		case pkg == "":
			pkg = strings.TrimSuffix(fn, "panicSite") // this package's prefix
		case fn == "runtime.gopanic":
			panicking = true
		case !panicking:
		case strings.HasSuffix(fn, ".(*Tagger).tag"):
			stage = prev
			more = false
		case site == "" && strings.HasPrefix(fn, pkg):
			site = fmt.Sprintf("%s:%d", filepath.Base(fr.File), fr.Line)
		}
		if panicking && fn != "runtime.gopanic" {
			// "…/extract/tag.(*docState).tagRatings" -> "tagRatings"
			prev = fn[strings.LastIndexByte(fn, '/')+1:]
			_, prev, _ = strings.Cut(prev, ".")
			prev = strings.TrimPrefix(strings.TrimPrefix(prev, "(*docState)."), "(*Tagger).")
		}
		if !more {
			break
		}
	}
	switch {
	case site == "":
		return "tagger"
	case stage == "" || stage == "tag":
		return "tagger at " + site
	}
	return stage + " at " + site
}
