package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestServeDemo runs `cqcmine serve` with a new index, as a first-time
// user does: it indexes the embedded demo corpus, answers searches,
// serves an original file by id, and stops cleanly when cancelled.
func TestServeDemo(t *testing.T) {
	var o serveOptions
	o.dir = filepath.Join(t.TempDir(), "index")
	o.addr = "127.0.0.1:0"
	o.workers, o.timeout, o.maxMB, o.pages, o.isolate = 2, time.Minute, 64, 1000, false
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, o, nil, io.Discard, io.Discard, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve ended before listening: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("serve did not start")
	}

	resp, err := http.Get("http://" + addr + "/api/search?q=ligature&kind=must-do")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Total uint64 `json:"total"`
		Hits  []struct {
			DocID string `json:"doc_id"`
			Page  int    `json:"page"`
		} `json:"hits"`
	}
	err = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if err != nil || res.Total == 0 || len(res.Hits) == 0 {
		t.Fatalf("search: %v, %+v", err, res)
	}
	f, err := http.Get("http://" + addr + "/file/" + res.Hits[0].DocID)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 5)
	io.ReadFull(f.Body, head)
	f.Body.Close()
	if f.StatusCode != http.StatusOK || string(head) != "%PDF-" {
		t.Fatalf("original file: %s, starts %q", f.Status, head)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}
