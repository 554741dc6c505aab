package web

import (
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

type docPage struct {
	Title       string
	Doc         *index.DocInfo
	Record      *extract.Finding
	ProviderURL string
	PageNumber  int
	Paged       bool
	PageCount   int
	FirstPage   int
	LastPage    int
	Text        textMark
	// OCR is set when the page's text was recognised from a scan, with
	// the recogniser's confidence; OCRLow when that is below the floor.
	OCR           bool
	OCRConfidence float64
	OCRLow        bool
	Current       *findingView
	// Cite is the citation of the marked finding (nil when none is);
	// PageCite that of the page shown.
	Cite, PageCite *Citation
	Findings       []findingView // one page of the list
	List           findingsPager
	OnPage         int
	Prev, Next     string
	PageLinks      []pageLink
	FileURL        string
	SearchURL      string
	APIURL         string
}

// findingsPager turns the pages of a document's findings list: the list
// shows Options.DocFindings findings at a time, so that a document with
// very many findings still makes a page of modest size.
type findingsPager struct {
	Total      int // findings of the document, its record excluded
	From, To   int // the findings shown, counted from 1
	Page       int
	Pages      int
	Prev, Next string
}

// textMark is a page's text cut around the marked evidence.
type textMark struct {
	Pre, Mark, Post string
	HasMark         bool
}

type findingView struct {
	K         int
	Kind      string
	KindLabel string
	Text      string
	Page      int
	URL       string
	Rating    string
	Arrow     string // a ratings grid's arrow: extract.DirectionUp, ...
	Details   []string
	Current   bool
	OnPage    bool
}

// validID reports whether id can be a document id: the index's ids are
// hex digests; this only keeps junk out of look-ups and links.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func (s *server) handleDoc(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.notFound(w, r, "There is no document with this id in the index.")
		return
	}
	v := r.URL.Query()
	info, err := s.ix.Document(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	k, err := pickFinding(info, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	// The page shown: asked for, the finding's, or the first.
	pageNo := -1
	if v.Get("page") != "" {
		if pageNo, err = intParam(v, "page", 0); err != nil {
			s.fail(w, r, err)
			return
		}
	} else if k >= 0 {
		pageNo = info.Findings[k].Page
	}
	pi := -1
	for i, p := range info.Pages {
		if p.Number == pageNo || pageNo < 0 && i == 0 {
			pi = i
			break
		}
	}
	if pi < 0 {
		msg := "This document has no indexed text."
		if n := len(info.Pages); n > 0 {
			msg = "This document has no page " + strconv.Itoa(pageNo) + "; its pages run from " +
				strconv.Itoa(info.Pages[0].Number) + " to " + strconv.Itoa(info.Pages[n-1].Number) + "."
		}
		s.notFound(w, r, msg)
		return
	}
	page := info.Pages[pi]

	p := &docPage{
		Title:      displayTitle(info.Title, info.Path),
		Doc:        info,
		PageNumber: page.Number,
		Paged:      page.Number > 0,
		PageCount:  info.PageCount,
		FirstPage:  info.Pages[0].Number,
		LastPage:   info.Pages[len(info.Pages)-1].Number,
		FileURL:    fileURL(info.ID, page.Number),
		SearchURL:  searchURL("doc_id", info.ID),
		APIURL:     "/api/documents/" + url.PathEscape(info.ID),
		Text:       textMark{Pre: page.Text},
		OCR:        page.OCR, OCRConfidence: page.Confidence,
		OCRLow: page.OCR && page.Confidence < extract.OCRConfidenceFloor && page.Text != "",
	}
	if p.PageCount == 0 && p.Paged {
		p.PageCount = len(info.Pages)
	}
	if info.Provider != "" {
		p.ProviderURL = providerURL(info.Provider)
	}
	if len(info.Findings) > 0 && info.Findings[0].Kind == extract.KindDocument {
		p.Record = &info.Findings[0]
	}

	// The mark: the chosen finding when it is on this page, or the range
	// the link gave.
	start, end := -1, -1
	if k >= 0 && info.Findings[k].Page == page.Number && info.Findings[k].End > 0 {
		start, end = info.Findings[k].Start, info.Findings[k].End
	} else if k < 0 && v.Get("end") != "" {
		start, _ = intParam(v, "start", -1)
		end, _ = intParam(v, "end", -1)
	}
	p.Text = markText(page.Text, start, end)
	pc := citeDoc(baseURL(r), info, page.Number, nil)
	p.PageCite = &pc

	// The findings list, a page at a time: the page asked for (fpage=),
	// else the one that holds the chosen finding, else the one that holds
	// the first finding of the text's page, so that a link to a page's
	// evidence shows that page's findings.
	var list []int // indexes into info.Findings
	listPage := -1
	for i := range info.Findings {
		f := &info.Findings[i]
		if f.Kind == extract.KindDocument {
			continue
		}
		if f.Page == page.Number {
			p.OnPage++
			if listPage < 0 {
				listPage = len(list)
			}
		}
		if i == k {
			listPage = len(list) // the chosen finding wins
		}
		list = append(list, i)
	}
	if k >= 0 && info.Findings[k].Kind != extract.KindDocument {
		cur := findingOf(info, k, page.Number)
		cur.Current = true
		p.Current = &cur
		c := citeDoc(baseURL(r), info, info.Findings[k].Page, &info.Findings[k])
		p.Cite = &c
	}
	per := s.opt.DocFindings
	lp := &p.List
	lp.Total, lp.Pages, lp.Page = len(list), max(1, (len(list)+per-1)/per), 1
	if listPage >= 0 {
		lp.Page = listPage/per + 1
	}
	if v.Get("fpage") != "" {
		n, err := intParam(v, "fpage", 1)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n < 1 || n > lp.Pages {
			s.fail(w, r, badRequestf("The findings of this document fill %d pages; there is no page %d.", lp.Pages, n))
			return
		}
		lp.Page = n
	}
	from, to := (lp.Page-1)*per, min(lp.Page*per, len(list))
	lp.From, lp.To = from+1, to
	for _, i := range list[from:to] {
		fv := findingOf(info, i, page.Number)
		fv.Current = i == k
		p.Findings = append(p.Findings, fv)
	}
	listURL := func(n int) string {
		q := url.Values{}
		for key, vals := range v {
			q[key] = vals
		}
		q.Set("fpage", strconv.Itoa(n))
		return "/doc/" + url.PathEscape(info.ID) + "?" + q.Encode() + "#findings-heading"
	}
	if lp.Page > 1 {
		lp.Prev = listURL(lp.Page - 1)
	}
	if lp.Page < lp.Pages {
		lp.Next = listURL(lp.Page + 1)
	}

	if p.Paged {
		if pi > 0 {
			p.Prev = docURL(info.ID, info.Pages[pi-1].Number, -1)
		}
		if pi+1 < len(info.Pages) {
			p.Next = docURL(info.ID, info.Pages[pi+1].Number, -1)
		}
		prev := 0
		for i, pg := range info.Pages {
			if i != 0 && i != len(info.Pages)-1 && (i < pi-3 || i > pi+3) {
				continue
			}
			p.PageLinks = append(p.PageLinks, pageLink{N: pg.Number, URL: docURL(info.ID, pg.Number, -1),
				Current: i == pi, Gap: prev != 0 && pg.Number > prev+1})
			prev = pg.Number
		}
	}
	s.render(w, r, http.StatusOK, "doc", p)
}

// findingOf is the list entry of info.Findings[i], the text view showing
// page shownPage.
func findingOf(info *index.DocInfo, i, shownPage int) findingView {
	f := &info.Findings[i]
	fv := findingView{
		K: i, Kind: string(f.Kind), KindLabel: kindLabel(string(f.Kind)), Text: truncate(400, f.Text),
		Page: f.Page, URL: docURL(info.ID, f.Page, i), Rating: f.Rating, Arrow: f.Direction,
		OnPage: f.Page == shownPage,
	}
	for _, d := range []string{f.Subject, f.Domain, f.Regulation, f.Speaker, f.SpeakerName} {
		if d != "" {
			fv.Details = append(fv.Details, d)
		}
	}
	if f.Date != "" {
		fv.Details = append(fv.Details, "rated "+f.Date)
	}
	return fv
}

// pickFinding returns the index in info.Findings of the finding the URL
// names, by f= or by its place (page, start, end, kind), or -1.
func pickFinding(info *index.DocInfo, v url.Values) (int, error) {
	if v.Get("f") != "" {
		k, err := intParam(v, "f", -1)
		if err != nil {
			return -1, err
		}
		if k < 0 || k >= len(info.Findings) {
			return -1, badRequestf("This document has no finding %d (it has %d).", k, len(info.Findings))
		}
		return k, nil
	}
	if v.Get("end") == "" {
		return -1, nil
	}
	page, err := intParam(v, "page", 0)
	if err != nil {
		return -1, err
	}
	start, err := intParam(v, "start", 0)
	if err != nil {
		return -1, err
	}
	end, err := intParam(v, "end", 0)
	if err != nil {
		return -1, err
	}
	kind := v.Get("kind")
	for i, f := range info.Findings {
		if f.Page == page && f.Start == start && f.End == end && (kind == "" || string(f.Kind) == kind) {
			return i, nil
		}
	}
	return -1, nil
}

// markText cuts text around the byte range [start, end), moved to rune
// boundaries. A range outside the text marks nothing.
func markText(text string, start, end int) textMark {
	if start < 0 || end <= start || end > len(text) {
		return textMark{Pre: text}
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
	}
	return textMark{Pre: text[:start], Mark: text[start:end], Post: text[end:], HasMark: true}
}
