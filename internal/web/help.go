package web

import "net/http"

type helpPage struct {
	Title    string
	Examples []link
}

func (s *server) handleHelp(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "help", &helpPage{Title: "Query help", Examples: searchExamples})
}
