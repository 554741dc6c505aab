package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cqcmine/cqcmine/index"
)

// searchState is a search as the URL states it: the query, the page and
// the canonical parameters that reproduce it.
type searchState struct {
	q     index.Query
	page  int // 1-based
	size  int // results per page
	vals  url.Values
	sizeD int // the default size, left out of links
	// recurring keeps only must-dos and should-dos raised again in
	// documents of different dates (recurring=1).
	recurring bool
}

// parseSearch reads a search from URL parameters. Unknown parameters are
// ignored; bad values give a badRequest.
func (s *server) parseSearch(v url.Values) (*searchState, error) {
	st := &searchState{vals: url.Values{}, page: 1, size: s.opt.PageSize, sizeD: s.opt.PageSize}
	q := &st.q

	q.Text = strings.TrimSpace(v.Get("q"))
	if len(q.Text) > s.opt.MaxQueryLen {
		return nil, badRequestf("The query is too long: %d bytes, the most is %d.", len(q.Text), s.opt.MaxQueryLen)
	}
	if q.Text != "" {
		st.vals.Set("q", q.Text)
	}

	nvals := 0
	for _, f := range index.Filters {
		var list []string
		for _, x := range v[f.Name] {
			x = strings.TrimSpace(x)
			if x == "" || slices.Contains(list, x) {
				continue
			}
			if len(x) > s.opt.MaxQueryLen {
				return nil, badRequestf("The %s filter value is too long.", f.Name)
			}
			list = append(list, x)
		}
		nvals += len(list)
		if nvals > s.opt.MaxFilterValues {
			return nil, badRequestf("Too many filter values: the most is %d.", s.opt.MaxFilterValues)
		}
		*f.Values(q) = list
		if len(list) > 0 {
			st.vals[f.Name] = list
		}
	}

	var err error
	if q.From, err = intParam(v, "from", 0); err != nil {
		return nil, err
	}
	if q.To, err = intParam(v, "to", 0); err != nil {
		return nil, err
	}
	if q.From != 0 {
		st.vals.Set("from", strconv.Itoa(q.From))
	}
	if q.To != 0 {
		st.vals.Set("to", strconv.Itoa(q.To))
	}

	q.Scope = strings.TrimSpace(v.Get("scope"))
	if q.Scope != "" {
		st.vals.Set("scope", q.Scope)
	}
	switch r := strings.TrimSpace(v.Get("recurring")); strings.ToLower(r) {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		st.recurring = true
		st.vals.Set("recurring", "1")
	default:
		return nil, badRequestf("The recurring parameter must be 1 or 0, not %q.", r)
	}
	q.Sort = v.Get("sort")
	if q.Sort == index.SortRelevance {
		q.Sort = ""
	}
	if q.Sort != "" {
		st.vals.Set("sort", q.Sort)
	}

	if st.page, err = intParam(v, "page", 1); err != nil {
		return nil, err
	}
	if st.size, err = intParam(v, "n", s.opt.PageSize); err != nil {
		return nil, err
	}
	if st.page < 1 {
		return nil, badRequestf("The page number must be 1 or more.")
	}
	if st.size < 1 || st.size > s.opt.MaxPageSize {
		return nil, badRequestf("The number of results per page (n) must be between 1 and %d.", s.opt.MaxPageSize)
	}
	if st.size != s.opt.PageSize {
		st.vals.Set("n", strconv.Itoa(st.size))
	}
	q.Limit = st.size
	q.Offset = (st.page - 1) * st.size
	if q.Offset > index.MaxOffset {
		return nil, badRequestf("That page is too far into the results; narrow the search instead.")
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return st, nil
}

func intParam(v url.Values, name string, def int) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, badRequestf("The %s parameter must be a whole number, not %q.", name, s)
	}
	return n, nil
}

// clone copies the state's parameters without the page number.
func (st *searchState) clone() url.Values {
	out := make(url.Values, len(st.vals))
	for k, v := range st.vals {
		out[k] = slices.Clone(v)
	}
	return out
}

func encodeSearch(v url.Values) string {
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// url links to this search, first page.
func (st *searchState) url() string { return encodeSearch(st.vals) }

// pageURL links to page n of this search.
func (st *searchState) pageURL(n int) string {
	v := st.clone()
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return encodeSearch(v)
}

// has reports whether param holds value.
func (st *searchState) has(param, value string) bool {
	return slices.Contains(st.vals[param], value)
}

// toggle links to this search with value added to or removed from param.
func (st *searchState) toggle(param, value string) string {
	v := st.clone()
	list := v[param]
	if i := slices.Index(list, value); i >= 0 {
		list = slices.Delete(list, i, i+1)
	} else {
		list = append(list, value)
	}
	if len(list) == 0 {
		delete(v, param)
	} else {
		v[param] = list
	}
	return encodeSearch(v)
}

// with links to this search with param set to value ("" removes it).
func (st *searchState) with(kv ...string) string {
	v := st.clone()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return encodeSearch(v)
}

// exportURL links to an export of this search.
func (st *searchState) exportURL(path string) string {
	v := st.clone()
	v.Del("n")
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
