package web

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHostCheck(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		hosts []string
		host  string
		ok    bool
	}{
		{"127.0.0.1:8080", nil, "127.0.0.1:8080", true},
		{"127.0.0.1:8080", nil, "localhost:8080", true},
		{"127.0.0.1:8080", nil, "[::1]:8080", true},
		{"127.0.0.1:8080", nil, "[0:0:0:0:0:0:0:1]:8080", true},
		{"127.0.0.1:8080", nil, "localhost:8081", false},
		{"127.0.0.1:8080", nil, "localhost", false},
		{"127.0.0.1:80", nil, "localhost", true},
		{"127.0.0.1:8080", nil, "", false},
		{"127.0.0.1:8080", nil, "attacker.example:8080", false},
		{"127.0.0.1:8080", nil, "sub.localhost:8080", false},
		{"127.0.0.1:8080", nil, "10.1.2.3:8080", false},
		{"127.0.0.1:8080", nil, "[::ffff:127.0.0.1]:8080", true},
		{"0.0.0.0:8080", []string{"10.1.2.3", "fe80::1%eth0", "cqc-box"}, "10.1.2.3:8080", true},
		{"0.0.0.0:8080", []string{"10.1.2.3", "fe80::1%eth0", "cqc-box"}, "[fe80::1]:8080", true},
		{"0.0.0.0:8080", []string{"10.1.2.3", "fe80::1%eth0", "cqc-box"}, "CQC-Box:8080", true},
		{"0.0.0.0:8080", []string{"10.1.2.3", "fe80::1%eth0", "cqc-box"}, "cqc-box.attacker.example:8080", false},
		{"0.0.0.0:8080", []string{"10.1.2.3"}, "10.1.2.4:8080", false},
		{"[::]:8080", []string{"reports.example.org:443"}, "reports.example.org:8080", true},
		{"192.0.2.5:8080", nil, "192.0.2.5:8080", true},
		{"", nil, "localhost:1234", true},
		{"127.0.0.1:0", nil, "127.0.0.1:4321", true},
		{"", nil, "attacker.example:1234", false},
	} {
		if got := newHostCheck(tc.addr, tc.hosts).allows(tc.host); got != tc.ok {
			t.Errorf("addr %q hosts %q: Host %q allowed %v, want %v", tc.addr, tc.hosts, tc.host, got, tc.ok)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestSumCache: a file is hashed once while its path, size, modification
// time and inode stay; a change of any makes it hashed again.
func TestSumCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.txt")
	data := []byte("Elmstead Care Home must review its medicines audits.\n")
	os.WriteFile(path, data, 0o644)
	st := func() fs.FileInfo {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	c := newSumCache()
	sum := func(fi fs.FileInfo, b []byte) (string, int) {
		r := &countingReader{r: bytes.NewReader(b)}
		s, err := c.sum(context.Background(), path, fi, r)
		if err != nil {
			t.Fatal(err)
		}
		return s, r.n
	}
	first, n := sum(st(), data)
	if n != len(data) {
		t.Fatalf("first sum read %d bytes", n)
	}
	if again, n := sum(st(), data); again != first || n != 0 {
		t.Errorf("unchanged file: read %d bytes again", n)
	}
	later := time.Now().Add(time.Hour)
	os.Chtimes(path, later, later)
	other := bytes.ToUpper(data)
	if s, n := sum(st(), other); n != len(other) || s == first {
		t.Errorf("new modification time: read %d bytes, same sum %v", n, s == first)
	}
	// Replaced by another file of the same size and time: another inode.
	fi := st()
	os.Rename(path, path+".old")
	os.WriteFile(path, data, 0o644)
	os.Chtimes(path, fi.ModTime(), fi.ModTime())
	if _, n := sum(st(), data); n != len(data) {
		t.Errorf("another inode: read %d bytes", n)
	}
}

// gatedReader reads nothing until its gate opens, and counts what it
// reads.
type gatedReader struct {
	gate <-chan struct{}
	r    *bytes.Reader
	n    *atomic.Int64
}

func (g gatedReader) Read(p []byte) (int, error) {
	<-g.gate
	n, err := g.r.Read(p)
	g.n.Add(int64(n))
	return n, err
}

// TestSumCacheConcurrent: requests for a file being hashed wait for that
// hash instead of hashing it again.
func TestSumCacheConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.pdf")
	data := bytes.Repeat([]byte("Northvale NHS Foundation Trust. "), 1000)
	os.WriteFile(path, data, 0o644)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	c := newSumCache()
	gate := make(chan struct{})
	var read atomic.Int64
	var wg sync.WaitGroup
	sums := make([]string, 8)
	for i := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.sum(context.Background(), path, fi, gatedReader{gate, bytes.NewReader(data), &read})
			if err != nil {
				t.Error(err)
			}
			sums[i] = s
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(gate)
	wg.Wait()
	if n := read.Load(); n != int64(len(data)) {
		t.Errorf("%d readers read %d bytes in all, want the file once (%d)", len(sums), n, len(data))
	}
	for _, s := range sums[1:] {
		if s != sums[0] || s == "" {
			t.Errorf("sums differ: %q", sums)
			break
		}
	}
	// A cancelled hash is not cached, and a waiter gives up with its
	// context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fi2, _ := os.Stat(path)
	other := newSumCache()
	if _, err := other.sum(ctx, path, fi2, bytes.NewReader(data)); err == nil {
		t.Error("a cancelled hash succeeded")
	}
	if len(other.sums) != 0 || len(other.hashing) != 0 {
		t.Errorf("a cancelled hash left %d sums, %d in flight", len(other.sums), len(other.hashing))
	}
}
