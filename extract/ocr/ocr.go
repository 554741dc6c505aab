// Package ocr recognises the text of scanned pages with Tesseract, so that
// a scanned warning notice is read like a born-digital report.
//
// It runs the tesseract command (Debian's tesseract-ocr and
// tesseract-ocr-eng) on one image at a time, asking for TSV output: every
// word with its box, its block, paragraph and line, and a confidence.
// The words are laid out in reading order (Page.Lines): lines and
// paragraphs as Tesseract grouped them, blocks in bands top to bottom,
// columns left to right within a band. Each page reports the mean
// confidence of its words; a page below ConfidenceFloor is one to check
// by eye.
//
// The PDF extractor uses an Engine for pages without a text layer, and
// ImageExtractor reads PNG, JPEG and TIFF files (each TIFF page a page).
// Tesseract runs with one thread (OMP_THREAD_LIMIT=1), and a process runs
// at most one Tesseract per CPU at a time: pages are recognised in
// parallel that way, and Tesseract's own threads on a busy machine cost
// more than they give. It is killed when the context ends and, on
// Linux, when the process that started it dies.
package ocr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/cqcmine/cqcmine/extract"
)

// Mode says when pages are recognised.
type Mode string

// The OCR modes.
const (
	// ModeAuto recognises pages that have no text layer.
	ModeAuto Mode = "auto"
	// ModeOff never runs OCR: such pages are reported as needing it.
	ModeOff Mode = "off"
	// ModeForce recognises every page, text layer or not.
	ModeForce Mode = "force"
)

// ParseMode reads a mode as the --ocr flag spells it.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAuto, ModeOff, ModeForce:
		return m, nil
	case "":
		return ModeAuto, nil
	}
	return "", fmt.Errorf("ocr mode %q: want auto, off or force", s)
}

// ConfidenceFloor is the mean word confidence (0–100) below which a page's
// recognised text is flagged as doubtful. Clean scans at 200–300 dpi
// score 90 and more; a page under 70 is usually a poor scan, handwriting
// or a photograph.
const ConfidenceFloor = extract.OCRConfidenceFloor

// Install says how to install Tesseract; it ends the reason given when
// OCR cannot run.
const Install = "to read scanned pages, install it (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)"

// ErrNotInstalled is wrapped by the error of an engine that cannot run.
var ErrNotInstalled = errors.New("tesseract is not installed")

// Engine runs Tesseract. Make one with New; a nil *Engine means OCR is
// off. It is safe for concurrent use.
type Engine struct {
	// Force recognises every page, not only pages without a text layer.
	Force bool
	// Lang is Tesseract's language, "eng" by default.
	Lang string

	path string
	err  error
}

// New returns the engine for mode: nil for ModeOff. When Tesseract (or
// its language data) is missing, the engine is returned anyway and
// Available says why it cannot run.
func New(mode Mode) *Engine {
	if mode == ModeOff {
		return nil
	}
	path, err := lookup()
	return &Engine{Force: mode == ModeForce, Lang: "eng", path: path, err: err}
}

// slots bounds the Tesseract processes this process runs at once: one
// per CPU.
var slots = make(chan struct{}, runtime.GOMAXPROCS(0))

var lookup = sync.OnceValues(func() (string, error) {
	path, err := exec.LookPath("tesseract")
	if err != nil {
		return "", fmt.Errorf("%w: %s", ErrNotInstalled, Install)
	}
	out, err := exec.Command(path, "--list-langs").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w: %s --list-langs: %v: %s", ErrNotInstalled, path, err, firstLine(out))
	}
	for _, l := range strings.Fields(string(out)) {
		if l == "eng" {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: no English language data (Debian: apt-get install tesseract-ocr-eng)", ErrNotInstalled)
})

// Available returns nil when the engine can run, else why not (wrapping
// ErrNotInstalled, saying how to install it).
func (e *Engine) Available() error {
	if e == nil {
		return errors.New("OCR is off (--ocr off)")
	}
	return e.err
}

// Recognize runs Tesseract on one image (any format Tesseract reads:
// PNG, JPEG, TIFF, PNM, ...) and returns its pages. dpi is the image's
// resolution, 0 when the image itself says or is unknown.
func (e *Engine) Recognize(ctx context.Context, img []byte, dpi int) ([]Page, error) {
	if err := e.Available(); err != nil {
		return nil, err
	}
	lang := e.Lang
	if lang == "" {
		lang = "eng"
	}
	args := []string{"stdin", "stdout", "-l", lang}
	if dpi > 0 {
		args = append(args, "--dpi", strconv.Itoa(dpi))
	}
	args = append(args, "tsv")
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-ctx.Done():
		return nil, fmt.Errorf("ocr: %w", ctx.Err())
	}
	cmd := exec.CommandContext(ctx, e.path, args...)
	cmd.Stdin = bytes.NewReader(img)
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	setDeathSignal(cmd)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ocr: %w", ctx.Err())
		}
		return nil, fmt.Errorf("ocr: tesseract: %v: %s", err, firstLine(stderr.Bytes()))
	}
	pages, err := ParseTSV(stdout.Bytes())
	if err != nil {
		return nil, err
	}
	return pages, nil
}

// firstLine is the first non-empty line of b that is not one of
// Tesseract's notices, for error messages.
func firstLine(b []byte) string {
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "Estimating resolution") && !strings.HasPrefix(l, "Warning") {
			return l
		}
	}
	return ""
}
