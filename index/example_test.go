package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/index"
)

// exampleIndex opens an index in a fresh temporary directory and adds one
// report to it.
func exampleIndex() (ix *index.Index, cleanup func(), err error) {
	tmp, err := os.MkdirTemp("", "cqcmine-example")
	if err != nil {
		return nil, nil, err
	}
	removeTmp := func() { os.RemoveAll(tmp) }
	ix, err = index.Open(filepath.Join(tmp, "index"))
	if err != nil {
		removeTmp()
		return nil, nil, err
	}
	page := "The trust must ensure that staff complete fire safety training. Patients said staff were kind."
	doc := &extract.Document{Path: "report.pdf", ID: "0a1b", Format: extract.FormatPDF,
		Content: extract.Content{Pages: []extract.Page{{Number: 3, Text: page}}}}
	action := "The trust must ensure that staff complete fire safety training."
	findings := []extract.Finding{
		{Doc: "report.pdf", DocID: "0a1b", Kind: extract.KindDocument, Text: "Example Trust report",
			Title: "Example Trust report", Provider: "Example Trust", Published: "2020-05-01", Pages: 3},
		{Doc: "report.pdf", DocID: "0a1b", Kind: extract.KindMustDo, Text: action, Page: 3,
			Start: 0, End: len(action), Regulation: "Regulation 18", Provider: "Example Trust"},
	}
	ctx := context.Background()
	if err := ix.Add(ctx, doc, findings); err != nil {
		ix.Close()
		removeTmp()
		return nil, nil, err
	}
	if err := ix.Flush(ctx); err != nil {
		ix.Close()
		removeTmp()
		return nil, nil, err
	}
	return ix, func() { ix.Close(); removeTmp() }, nil
}

func ExampleIndex_Search() {
	ix, cleanup, err := exampleIndex()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cleanup()

	res, err := ix.Search(context.Background(), index.Query{Text: "fire training", Kinds: []string{"must-do"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range res.Hits {
		var b strings.Builder
		for _, f := range h.Snippet {
			fmt.Fprintf(&b, "%s[%s]%s", f.Pre, f.Match, f.Post)
		}
		fmt.Printf("%s p.%d %s (%s, %s): %s\n", h.Path, h.Page, h.Kind, h.Provider, h.Published, b.String())
	}
	// Output:
	// report.pdf p.3 must-do (Example Trust, 2020-05-01): The trust must ensure that staff complete [fire] safety [training].
}

func ExampleIndex_Search_facets() {
	ix, cleanup, err := exampleIndex()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cleanup()

	res, err := ix.Search(context.Background(), index.Query{Facets: true, Limit: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("hits:", res.Total)
	for _, f := range res.Facets {
		if f.Field == "kind" || f.Field == "year" {
			fmt.Println(f.Field, f.Terms)
		}
	}
	// Output:
	// hits: 2
	// kind [{document 1} {must-do 1}]
	// year [{2020 2}]
}

func ExampleOpen() {
	tmp, err := os.MkdirTemp("", "cqcmine-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(tmp)

	ix, err := index.Open(filepath.Join(tmp, "index"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ids, err := ix.DocIDs(context.Background())
	fmt.Println(len(ids), err)
	fmt.Println(ix.Close())
	// Output:
	// 0 <nil>
	// <nil>
}
