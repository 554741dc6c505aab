package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
	"github.com/cqcmine/cqcmine/index/evidence"
	"github.com/cqcmine/cqcmine/internal/web"
)

type searchOptions struct {
	dir      string
	json     bool
	q        index.Query
	noFacets bool
	// recurring keeps only the must-dos and should-dos raised again, as
	// the web's recurring filter does.
	recurring bool
}

const searchExamples = `  cqcmine search seclusion
  cqcmine search '"hourly observations"'              # findings, then the pages that hold the phrase
  cqcmine search --scope pages 'ligature OR anchor'
  cqcmine search --kind must-do --theme "ligature risks" --from 2018
  cqcmine search --kind rating --domain well-led --rating inadequate
  cqcmine search --provider "Harrowfield and Wyre NHS Foundation Trust" --sort date '"warning notice"'
  cqcmine search --recurring --provider "Harrowfield and Wyre NHS Foundation Trust"
  cqcmine search --json --limit 100 'text:staffing -kind:quote'
`

// searchHelp is the text after the flags of "cqcmine search -h": the
// examples, then what a query may hold (index.QuerySyntax, as the web
// help shows it) and what it looks at.
func searchHelp() string {
	var b strings.Builder
	b.WriteString(searchExamples)
	b.WriteString("\nQuery (every word must appear):\n")
	for _, ex := range index.QuerySyntax {
		fmt.Fprintf(&b, "  %-30s %s\n", ex.Query, ex.Finds)
	}
	b.WriteString(`
Fuzzy words, prefixes and wildcards compare letters with the words as
written; plain words and phrases compare words without their endings.
The search lists the findings that match first, then the pages whose text
matches (--scope findings or pages narrows it; without words it lists
findings). A filter on a finding's fields (--kind, --rating, ...) keeps
findings only.
`)
	return b.String()
}

func (o *searchOptions) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.dir, "index", defaultIndexDir(), "index `DIR`")
	fs.BoolVar(&o.json, "json", false, "print results as JSON")
	for _, f := range index.Filters {
		fs.Var((*listFlag)(f.Values(&o.q)), f.Flag(), f.Help)
	}
	fs.IntVar(&o.q.From, "from", 0, "published in or after this `YEAR`")
	fs.IntVar(&o.q.To, "to", 0, "published in or before this `YEAR`")
	fs.StringVar(&o.q.Scope, "scope", "", "narrow the search to findings or pages (all: findings and every page, even without words); default: findings, then the pages the words match")
	fs.StringVar(&o.q.Sort, "sort", "relevance", "order: relevance or date")
	fs.IntVar(&o.q.Limit, "limit", 10, "results to print")
	fs.IntVar(&o.q.Offset, "offset", 0, "results to skip")
	fs.BoolVar(&o.noFacets, "no-facets", false, "do not count facets")
	fs.BoolVar(&o.recurring, "recurring", false, "only must-dos and should-dos raised again in documents of different dates")
}

func runSearchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o searchOptions
	fs := newFlagSet("search", "search [flags] QUERY", searchHelp(), stderr)
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprintf(stderr, "\nQuery limits:\n%s", wrapText(index.QueryLimits(), "  ", 78))
	}
	o.addFlags(fs)
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	o.q.Text = strings.Join(words, " ")
	o.q.Facets = !o.noFacets
	if err := o.q.Validate(); err != nil {
		return &usageError{fmt.Sprintf("search: %v", err)}
	}
	return runSearch(ctx, o, stdout)
}

// runSearch queries the index in o.dir and prints the results. It opens
// the index read-only, beside other readers; an index held by `serve
// --watch` is searched through that server.
func runSearch(ctx context.Context, o searchOptions, stdout io.Writer) error {
	if _, err := os.Stat(o.dir); err != nil {
		return fmt.Errorf("search: no index at %s (run \"cqcmine index\" first): %w", o.dir, err)
	}
	res, err := searchIndex(ctx, o.dir, searchRequest{Query: o.q, Recurring: o.recurring})
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(web.CiteResults("", res))
	}
	printResults(stdout, o.q, res, isTerminal(stdout))
	return nil
}

// searchRequest is a search as cqcmine search runs it, and hands it to a
// server holding the index: the query, and whether to keep only the
// recurring actions (evidence.SearchRecurring).
type searchRequest struct {
	index.Query
	Recurring bool `json:"recurring,omitempty"`
}

// on runs the search on ix.
func (q searchRequest) on(ctx context.Context, ix *index.Index) (*index.Results, error) {
	if q.Recurring {
		return evidence.SearchRecurring(ctx, ix, q.Query)
	}
	return ix.Search(ctx, q.Query)
}

// searchIndex runs q on the index in dir: through the server that holds
// it for writing, if one does, else opening it read-only.
func searchIndex(ctx context.Context, dir string, q searchRequest) (*index.Results, error) {
	viaServer := func(srv *index.Owner) (*index.Results, error) {
		res := new(index.Results)
		if err := callServer(ctx, *srv, "/search", q, res); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		return res, nil
	}
	if srv := server(dir); srv != nil {
		res, err := viaServer(srv)
		if !errors.Is(err, errNoAnswer) || ctx.Err() != nil {
			return res, err
		}
		// A record left by a server that is gone: open the index.
	}
	ix, err := index.OpenWith(ctx, dir, index.Options{ReadOnly: true})
	if le := (*index.LockedError)(nil); errors.As(err, &le) && le.Server() != nil {
		return viaServer(le.Server()) // a server that started meanwhile
	}
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	res, err := q.on(ctx, ix)
	if err != nil {
		return nil, fmt.Errorf("search: %w", index.Damaged(dir, err))
	}
	return res, nil
}

func printResults(w io.Writer, q index.Query, res *index.Results, color bool) {
	hi, lo := "[", "]"
	if color {
		hi, lo = "\x1b[1;33m", "\x1b[0m"
	}
	switch {
	case res.FindingTotal > 0 && res.PageTotal > 0:
		fmt.Fprintf(w, "%d results: %d findings, then %d pages (%s)\n", res.Total, res.FindingTotal, res.PageTotal, res.Took.Round(100_000))
	case res.PageTotal > 0 && q.Scope != index.ScopePages:
		fmt.Fprintf(w, "%d results (%s): no finding matched, the text of %d pages did\n", res.Total, res.Took.Round(100_000), res.PageTotal)
	default:
		fmt.Fprintf(w, "%d results (%s)\n", res.Total, res.Took.Round(100_000))
	}
	for i, h := range web.CiteResults("", res).Hits {
		fmt.Fprintf(w, "\n%3d. %s", q.Offset+i+1, hitHeading(h.Hit))
		if f := h.Finding; f != nil {
			if d := findingDetail(f); d != "" {
				fmt.Fprintf(w, "\n     %s", d)
			}
		}
		var sb strings.Builder
		for _, fr := range h.Snippet {
			sb.WriteString(fr.Pre)
			if fr.Match != "" {
				sb.WriteString(hi + fr.Match + lo)
			}
			sb.WriteString(fr.Post)
		}
		if s := strings.Join(strings.Fields(sb.String()), " "); s != "" {
			fmt.Fprintf(w, "\n     %s", s)
		}
		fmt.Fprintf(w, "\n     Cite: %s", printable(h.Citation.Text))
		fmt.Fprintf(w, "\n     %s\n", printable(h.Path))
	}
	if len(res.Facets) > 0 {
		fmt.Fprintln(w, "\nFacets:")
		for _, f := range res.Facets {
			if len(f.Terms) == 0 {
				continue
			}
			var parts []string
			for _, t := range f.Terms {
				parts = append(parts, fmt.Sprintf("%s %d", t.Term, t.Count))
			}
			fmt.Fprintf(w, "  %-11s %s\n", f.Field+":", strings.Join(parts, " · "))
		}
	}
}

func hitHeading(h index.Hit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] ", h.Kind)
	title := h.Title
	if title == "" {
		title = h.Path
	}
	b.WriteString(title)
	if h.Published != "" {
		fmt.Fprintf(&b, " (%s)", h.Published)
	}
	if h.Page > 0 {
		fmt.Fprintf(&b, ", page %d", h.Page)
	}
	return b.String()
}

// findingDetail is the one-line summary of a finding's own fields.
func findingDetail(f *extract.Finding) string {
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	switch f.Kind {
	case extract.KindRating:
		add(f.Subject)
		add(f.Domain)
		r := f.Rating
		if f.Previous != "" {
			r += " (previously " + f.Previous + ")"
		}
		add(r)
	case extract.KindMustDo, extract.KindShouldDo, extract.KindUndertaking:
		add(f.Subject)
		add(f.Regulation)
	case extract.KindQuote:
		add(f.Speaker)
		add(f.SpeakerName)
	case extract.KindDocument:
		add(f.DocType)
		add(f.Provider)
	}
	add(strings.Join(f.Themes, ", "))
	return strings.Join(parts, " · ")
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// wrapText breaks s into lines of at most width bytes (longer words stand
// alone), each starting with indent and ending with a newline.
func wrapText(s, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, w := range strings.Fields(s) {
		if line != indent && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += w
	}
	if line != indent {
		b.WriteString(line + "\n")
	}
	return b.String()
}
