package web

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
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
		s, err := c.sum(path, fi, r)
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
