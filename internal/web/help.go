package web

import (
	"net/http"

	"github.com/cqcmine/cqcmine/index"
)

type helpPage struct {
	Title    string
	Syntax   []index.SyntaxExample
	Examples []link
	// Limits states the index's limits on a query's cost, from the
	// constants it enforces.
	Limits string
}

func (s *server) handleHelp(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "help", &helpPage{Title: "Query help", Syntax: index.QuerySyntax, Examples: searchExamples, Limits: index.QueryLimits()})
}
