package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeAddrNeedsAllowRemote: an --addr other machines can reach is a
// usage error without --allow-remote, found before anything is indexed.
func TestServeAddrNeedsAllowRemote(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "reports.example.org:0", "nocolon"} {
		t.Run(addr, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			code, _, stderr := run(t, "serve", "--index", dir, "--addr", addr)
			if code != exitUsage || !strings.Contains(stderr, addr) {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			if addr != "nocolon" && (!strings.Contains(stderr, "--allow-remote") || !strings.Contains(stderr, "no authentication")) {
				t.Errorf("stderr does not say why or what to do:\n%s", stderr)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the refused serve made its index folder: %v", err)
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "127.0.1.1:0", "LOCALHOST:0"} {
		if err := checkServeAddr(addr, false); err != nil {
			t.Errorf("%s refused: %v", addr, err)
		}
	}
}

// TestServeRemoteBinary runs the cqcmine binary (the test binary standing
// in): on 0.0.0.0 it refuses to start without --allow-remote; with it, it
// warns that there is no authentication before it serves, answers the
// names it was given and not a forged one, and stops on SIGINT.
func TestServeRemoteBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CQCMINE_TEST_AS_MAIN", "1")
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	os.Mkdir(docs, 0o755)
	os.WriteFile(filepath.Join(docs, "northvale.txt"), []byte("Northvale NHS Foundation Trust\n\nThe trust must ensure that ligature risks are assessed.\n"), 0o644)
	idx := filepath.Join(dir, "index")

	refused := exec.Command(exe, "serve", "--index", idx, "--addr", "0.0.0.0:0", docs)
	out, err := refused.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || !strings.Contains(string(out), "--allow-remote") {
		t.Fatalf("serve --addr 0.0.0.0:0: %v, want exit %d naming --allow-remote:\n%s", err, exitUsage, out)
	}

	cmd := exec.Command(exe, "serve", "--index", idx, "--addr", "0.0.0.0:0", "--allow-remote", "--host", "reports.example.org", "--quiet", docs)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	serving := regexp.MustCompile(`serving .* on http://(\S+)/`)
	var warned bool
	var addr string
	deadline := time.After(2 * time.Minute)
	for addr == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended before serving (warned %v): %v", warned, cmd.Wait())
			}
			if strings.Contains(line, "WARNING") && strings.Contains(line, "no authentication") {
				warned = true
			}
			if m := serving.FindStringSubmatch(line); m != nil {
				addr = m[1]
			}
		case <-deadline:
			t.Fatal("serve did not start")
		}
	}
	if !warned {
		t.Error("serve --allow-remote did not warn before serving")
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	hostname, _ := os.Hostname()
	for host, want := range map[string]int{
		"127.0.0.1:" + port:           http.StatusOK,
		"localhost:" + port:           http.StatusOK,
		"reports.example.org:" + port: http.StatusOK,
		hostname + ":" + port:         http.StatusOK,
		"attacker.example:" + port:    http.StatusMisdirectedRequest,
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/api/search?q=ligature", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d\n%s", host, resp.StatusCode, want, body)
		}
	}

	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() {
		for range lines {
		}
		done <- cmd.Wait() // after the pipe is read to its end
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after SIGINT: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
}
