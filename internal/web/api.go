package web

import (
	"net/http"
	"strings"

	"github.com/cqcmine/cqcmine/index"
)

// handleAPISearch answers index.Results for the search in the URL: the
// same parameters as the search page, with limit and offset as an
// alternative to page and n, and facets=0 to skip facet counts.
func (s *server) handleAPISearch(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	st, err := s.parseSearch(v)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	q := st.q
	if v.Get("limit") != "" {
		if q.Limit, err = intParam(v, "limit", 0); err != nil {
			s.failAPI(w, r, err)
			return
		}
		if q.Limit < 1 || q.Limit > index.MaxLimit {
			s.failAPI(w, r, badRequestf("limit must be between 1 and %d", index.MaxLimit))
			return
		}
	}
	if v.Get("offset") != "" {
		if q.Offset, err = intParam(v, "offset", 0); err != nil {
			s.failAPI(w, r, err)
			return
		}
		if q.Offset < 0 || q.Offset > index.MaxOffset {
			s.failAPI(w, r, badRequestf("offset must be between 0 and %d", index.MaxOffset))
			return
		}
	}
	q.Facets = v.Get("facets") != "0" && v.Get("facets") != "false"
	res, err := s.search(r.Context(), st, q)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, CiteResults(baseURL(r), res))
}

// handleAPIDocument answers index.DocInfo; pages=0 leaves out the page
// texts.
func (s *server) handleAPIDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.apiError(w, http.StatusNotFound, "no document with this id in the index")
		return
	}
	info, err := s.ix.Document(r.Context(), id)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	if v := r.URL.Query().Get("pages"); v == "0" || v == "false" {
		info.Pages = nil
	}
	s.writeJSON(w, http.StatusOK, info)
}

func (s *server) handleAPIProviders(w http.ResponseWriter, r *http.Request) {
	names, err := s.ix.Providers(r.Context())
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	if names == nil {
		names = []string{}
	}
	s.writeJSON(w, http.StatusOK, names)
}

// handleAPITimeline answers the provider's []index.TimelinePoint under
// all its names, of one subject when subject= is given: CQC's ratings,
// without the provider's own statements of them (see claims).
func (s *server) handleAPITimeline(w http.ResponseWriter, r *http.Request) {
	p, ok := s.apiProvider(w, r)
	if !ok {
		return
	}
	all, err := s.timeline(r.Context(), p.Names)
	if err != nil {
		s.failAPI(w, r, err)
		return
	}
	points := []index.TimelinePoint{}
	sub := r.URL.Query().Get("subject")
	for _, pt := range all {
		if sub == "" || strings.EqualFold(pt.Subject, sub) {
			points = append(points, pt)
		}
	}
	s.writeJSON(w, http.StatusOK, points)
}
