package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/index"
)

// TestStatusDamaged: a search that meets a damaged segment answers 500
// with the way to rebuild, and the log names the error; other failures
// keep their own answers.
func TestStatusDamaged(t *testing.T) {
	var logs bytes.Buffer
	s := &server{opt: Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))}}
	r := httptest.NewRequest(http.MethodGet, "/?q=seclusion", nil)
	damaged := index.Damaged("idx", fmt.Errorf("search %q: %w", "seclusion", errors.New("snappy: corrupt input")))
	tests := []struct {
		err  error
		code int
		want string
	}{
		{damaged, http.StatusInternalServerError, "cqcmine index --rebuild"},
		{fmt.Errorf("page texts: %w", damaged), http.StatusInternalServerError, "cqcmine index --check"},
		{context.DeadlineExceeded, http.StatusServiceUnavailable, "took too long"},
		{errors.New("disk on fire"), http.StatusInternalServerError, "has been logged"},
	}
	for _, tt := range tests {
		code, msg := s.status(r, tt.err)
		if code != tt.code || !strings.Contains(msg, tt.want) {
			t.Errorf("%v: %d %q, want %d with %q", tt.err, code, msg, tt.code, tt.want)
		}
	}
	if !strings.Contains(logs.String(), "snappy: corrupt input") {
		t.Errorf("the log does not name the damage:\n%s", logs.String())
	}
}
