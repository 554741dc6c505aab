package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

type searchOptions struct {
	dir      string
	json     bool
	q        index.Query
	kinds    listFlag
	ratings  listFlag
	previous listFlag
	dirs     listFlag
	domains  listFlag
	subjects listFlag
	provs    listFlag
	types    listFlag
	regs     listFlag
	speakers listFlag
	themes   listFlag
	noFacets bool
}

const searchExamples = `  cqcmine search seclusion
  cqcmine search '"hourly observations"'              # findings, then the pages that hold the phrase
  cqcmine search --scope pages 'ligature OR anchor'
  cqcmine search --kind must-do --theme "ligature risks" --from 2018
  cqcmine search --kind rating --domain well-led --rating inadequate
  cqcmine search --provider "Harrowfield and Wyre NHS Foundation Trust" --sort date '"warning notice"'
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
	fs.Var(&o.kinds, "kind", "only findings of these kinds (document, rating, must-do, should-do, quote, undertaking); repeat or comma-separate")
	fs.Var(&o.ratings, "rating", "only ratings of these values (outstanding, good, requires improvement, inadequate)")
	fs.Var(&o.previous, "previous", "only ratings whose previous rating was one of these")
	fs.Var(&o.dirs, "direction", "only ratings that went this way (improved, same, declined)")
	fs.Var(&o.domains, "domain", "only these key questions (safe, effective, caring, responsive, well-led, overall)")
	fs.Var(&o.subjects, "subject", "only these subjects (core service, location, trust overall)")
	fs.Var(&o.provs, "provider", "only these providers")
	fs.Var(&o.types, "doc-type", "only these document types (inspection report, warning notice, press statement, ...)")
	fs.Var(&o.regs, "regulation", `only these regulations ("Regulation 12")`)
	fs.Var(&o.speakers, "speaker", "only quotes by these speakers (CQC, trust, patient, other)")
	fs.Var(&o.themes, "theme", `only these themes ("ligature risks", staffing, ...)`)
	fs.IntVar(&o.q.From, "from", 0, "published in or after this `YEAR`")
	fs.IntVar(&o.q.To, "to", 0, "published in or before this `YEAR`")
	fs.StringVar(&o.q.Scope, "scope", "", "narrow the search to findings or pages (all: findings and every page, even without words); default: findings, then the pages the words match")
	fs.StringVar(&o.q.Sort, "sort", "relevance", "order: relevance or date")
	fs.IntVar(&o.q.Limit, "limit", 10, "results to print")
	fs.IntVar(&o.q.Offset, "offset", 0, "results to skip")
	fs.BoolVar(&o.noFacets, "no-facets", false, "do not count facets")
}

func runSearchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o searchOptions
	fs := newFlagSet("search", "search [flags] QUERY", searchHelp(), stderr)
	o.addFlags(fs)
	words, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	o.q.Text = strings.Join(words, " ")
	o.q.Kinds, o.q.Ratings, o.q.Previous, o.q.Direction = o.kinds, o.ratings, o.previous, o.dirs
	o.q.Domains, o.q.Subjects, o.q.Providers, o.q.DocTypes = o.domains, o.subjects, o.provs, o.types
	o.q.Regulations, o.q.Speakers, o.q.Themes = o.regs, o.speakers, o.themes
	o.q.Facets = !o.noFacets
	if err := o.q.Validate(); err != nil {
		return &usageError{fmt.Sprintf("search: %v", err)}
	}
	return runSearch(ctx, o, stdout)
}

// runSearch queries the index in o.dir and prints the results.
func runSearch(ctx context.Context, o searchOptions, stdout io.Writer) error {
	if _, err := os.Stat(o.dir); err != nil {
		return fmt.Errorf("search: no index at %s (run \"cqcmine index\" first): %w", o.dir, err)
	}
	ix, err := index.Open(o.dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, o.q)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(stdout, o.q, res, isTerminal(stdout))
	return nil
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
	for i, h := range res.Hits {
		fmt.Fprintf(w, "\n%3d. %s", q.Offset+i+1, hitHeading(h))
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
		fmt.Fprintf(w, "\n     %s\n", h.Path)
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
