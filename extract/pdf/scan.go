package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"

	pdflib "github.com/ledongthuc/pdf"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/extract/ocr"
)

// Scanned pages. A page without a text layer (fewer than minPageAlnum
// letters and digits) that holds an image is recognised with the OCR
// engine; when no page of the document has text, every page is. The page
// image is taken from the file where Go can read it: a JPEG (DCTDecode)
// is handed to Tesseract as it is, an 8-bit grey or RGB or a 1-bit image
// (Flate or unfiltered) is written as PNM. Other images (CCITT, JBIG2,
// JPEG 2000), rotated pages and pages whose image is not the page's
// shape are rendered with poppler's pdftoppm at renderDPI, when it is
// installed. The recognised lines go through the same furniture removal
// and hyphen joining as a born-digital page's.

const (
	minPageAlnum = 16
	renderDPI    = 300
)

// scanState is what OCR did to one document.
type scanState struct {
	conf   map[int]float64 // page index -> mean confidence, for recognised pages
	found  int             // recognised pages that gave text
	reason string          // why textless pages were not recognised
	err    error           // the first failure to recognise a page
	tmp    string          // the file written for pdftoppm
	objs   map[uint32]objLoc
}

// recognise runs OCR on the pages that need it (every page when the
// engine forces it), replacing their lines in all; textless says that no
// page of the document has text.
func (e Extractor) recognise(ctx context.Context, data []byte, pages []pageRef, all [][]line, gfx []pageGraphics, textless bool) *scanState {
	st := &scanState{}
	if e.OCR == nil {
		if textless {
			st.reason = "OCR is off"
		}
		return st
	}
	var want []int
	hasText := map[int]bool{}
	for i, lines := range all {
		n := 0
		for _, l := range lines {
			for _, ch := range l.text {
				if unicode.IsLetter(ch) || unicode.IsDigit(ch) {
					n++
				}
			}
		}
		hasText[i] = n >= minPageAlnum
		if e.OCR.Force || !hasText[i] && (textless || hasImage(pages[i])) {
			want = append(want, i)
		}
	}
	if len(want) == 0 {
		return st
	}
	if err := e.OCR.Available(); err != nil {
		st.reason = err.Error()
		return st
	}
	defer func() {
		if st.tmp != "" {
			os.Remove(st.tmp)
		}
	}()
	// Pages are recognised in parallel (the engine bounds the Tesseract
	// processes), holding at most one image a CPU.
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	fail := func(i int, err error) {
		mu.Lock()
		if st.err == nil {
			st.err = fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		mu.Unlock()
	}
	for _, i := range want {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			fail(i, fmt.Errorf("ocr: %w", ctx.Err()))
			break
		}
		p := pages[i]
		var img []byte
		var dpi int
		if !hasText[i] {
			// A page with text (OCR forced) is rendered whole, not
			// taken from an image on it.
			img, dpi = st.pageImage(data, p)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if img == nil {
				var err error
				if img, err = st.render(ctx, &mu, data, i+1); err != nil {
					fail(i, err)
					return
				}
				dpi = renderDPI
			}
			res, err := e.OCR.Recognize(ctx, img, dpi)
			if err == nil && len(res) == 0 {
				err = errors.New("ocr: no page recognised")
			}
			if err != nil {
				fail(i, err)
				return
			}
			lines := ocrLines(&res[0], p.box)
			mu.Lock()
			defer mu.Unlock()
			if st.conf == nil {
				st.conf = map[int]float64{}
			}
			st.conf[i] = ocr.Round(res[0].Confidence())
			if len(lines) > 0 {
				st.found++
			}
			all[i] = lines
			gfx[i] = pageGraphics{}
		}()
	}
	wg.Wait()
	return st
}

// needsOCR is the error for a document without text that OCR did not
// give text either: a failure when time ran out, else a needs-OCR status
// saying why.
func (st *scanState) needsOCR(ctx context.Context, pages int) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("pdf: ocr: %w", ctx.Err())
	case st.err != nil:
		return &extract.NeedsOCRError{Pages: pages, Reason: "OCR failed: " + st.err.Error()}
	case len(st.conf) > 0:
		return &extract.NeedsOCRError{Pages: pages, Reason: "OCR found no text"}
	}
	return &extract.NeedsOCRError{Pages: pages, Reason: st.reason}
}

// mark flags the recognised pages of c.
func (st *scanState) mark(c *extract.Content) {
	for i, conf := range st.conf {
		c.Pages[i].OCR = true
		c.Pages[i].Confidence = conf
	}
}

// ocrLines turns recognised lines into page lines in PDF space (y up,
// in points), with header and footer zones marked.
func ocrLines(p *ocr.Page, box [4]float64) []line {
	ls := p.Lines()
	h := float64(max(p.Height, 1))
	scale := (box[3] - box[1]) / h
	out := make([]line, len(ls))
	for i, l := range ls {
		out[i] = line{
			text:  l.Text,
			y:     box[3] - float64(l.Bottom)*scale,
			size:  float64(l.Bottom-l.Top) * scale,
			para:  l.Para,
			flow:  l.Flow,
			first: i == 0 || ls[i-1].Flow != l.Flow,
		}
	}
	markZones(out, box, 0)
	return out
}

// hasImage reports whether a page's resources hold an image.
func hasImage(p pageRef) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, ok = largestImage(p)
	return ok
}

// doRE finds the XObjects a content stream draws.
var doRE = regexp.MustCompile(`/([^\s/\[\]()<>{}%]+)\s+Do\b`)

// largestImage returns the largest image XObject the page draws (its
// resources may list images of other pages too).
func largestImage(p pageRef) (img pdflib.Value, ok bool) {
	if p.err != nil {
		return img, false
	}
	in := &interp{doc: &docState{maxStr: 64 << 20}}
	data, _ := in.contents(p.v)
	xo := p.res.Key("XObject")
	best := int64(0)
	seen := map[string]bool{}
	for _, m := range doRE.FindAllSubmatch(data, -1) {
		k := string(m[1])
		if seen[k] {
			continue
		}
		seen[k] = true
		v := xo.Key(k)
		if v.Kind() != pdflib.Stream || v.Key("Subtype").Name() != "Image" {
			continue
		}
		if a := v.Key("Width").Int64() * v.Key("Height").Int64(); a > best {
			img, best, ok = v, a, true
		}
	}
	return img, ok
}

// pageImage returns the page's image as a file Tesseract reads, and its
// resolution, or nil when the page is to be rendered instead.
func (st *scanState) pageImage(data []byte, p pageRef) (img []byte, dpi int) {
	defer func() {
		if recover() != nil {
			img = nil
		}
	}()
	if r := p.v.Key("Rotate").Int64(); r%360 != 0 {
		return nil, 0
	}
	v, ok := largestImage(p)
	if !ok {
		return nil, 0
	}
	w, h := v.Key("Width").Int64(), v.Key("Height").Int64()
	pw, ph := p.box[2]-p.box[0], p.box[3]-p.box[1]
	if w <= 0 || h <= 0 || w > 20000 || h > 20000 || pw <= 0 || ph <= 0 {
		return nil, 0
	}
	// The image must be the page: its shape within 5%.
	if r := (float64(w) / float64(h)) / (pw / ph); r < 0.95 || r > 1.05 {
		return nil, 0
	}
	dpi = int(math.Round(float64(w) / (pw / 72)))
	if dpi < 50 || dpi > 1200 {
		return nil, 0
	}
	var filters []string
	switch f := v.Key("Filter"); f.Kind() {
	case pdflib.Name:
		filters = []string{f.Name()}
	case pdflib.Array:
		for i := 0; i < f.Len(); i++ {
			filters = append(filters, f.Index(i).Name())
		}
	}
	switch {
	case len(filters) == 1 && filters[0] == "DCTDecode":
		return st.rawStream(data, v), dpi
	case len(filters) == 0 || len(filters) == 1 && filters[0] == "FlateDecode":
		return pnm(v, w, h), dpi
	}
	return nil, 0
}

// rawStream returns the undecoded bytes of stream v, read from the file.
func (st *scanState) rawStream(data []byte, v pdflib.Value) []byte {
	id, ok := objID(v)
	if !ok {
		return nil
	}
	if st.objs == nil {
		st.objs = scanObjects(data)
	}
	loc, ok := st.objs[uint32(id>>16)]
	if !ok || loc.off < 0 {
		return nil
	}
	p := &objParser{data: data}
	o, err := p.object(loc.off, func(any) int64 { return v.Key("Length").Int64() })
	if err != nil || len(o.stream) == 0 {
		return nil
	}
	return o.stream
}

// pnm decodes an 8-bit grey or RGB, or a 1-bit image as a PGM, PPM or
// PBM file; nil for any other.
func pnm(v pdflib.Value, w, h int64) []byte {
	bpc := v.Key("BitsPerComponent").Int64()
	comps := int64(0)
	cs := v.Key("ColorSpace")
	switch cs.Name() {
	case "DeviceGray", "CalGray":
		comps = 1
	case "DeviceRGB", "CalRGB":
		comps = 3
	}
	if cs.Kind() == pdflib.Array && cs.Index(0).Name() == "ICCBased" {
		comps = cs.Index(1).Key("N").Int64()
	}
	if v.Key("ImageMask").Bool() {
		comps, bpc = 1, 1
	}
	var magic string
	var row int64
	switch {
	case bpc == 8 && comps == 1:
		magic, row = "P5", w
	case bpc == 8 && comps == 3:
		magic, row = "P6", 3*w
	case bpc == 1 && comps == 1:
		magic, row = "P4", (w+7)/8
	default:
		return nil
	}
	px, err := readStream(v, row*h+1)
	if err != nil || int64(len(px)) < row*h {
		return nil
	}
	px = px[:row*h]
	var hdr bytes.Buffer
	hdr.WriteString(magic + "\n" + strconv.FormatInt(w, 10) + " " + strconv.FormatInt(h, 10) + "\n")
	if magic != "P4" {
		hdr.WriteString("255\n")
	}
	out := append(hdr.Bytes(), px...)
	if magic == "P4" {
		// In PBM 1 is black; in a PDF grey image 0 is, unless /Decode
		// turns it round (and an image mask paints its 0 bits).
		d := v.Key("Decode")
		inverted := d.Len() == 2 && d.Index(0).Float64() > d.Index(1).Float64()
		if v.Key("ImageMask").Bool() == inverted {
			body := out[hdr.Len():]
			for i := range body {
				body[i] = ^body[i]
			}
		}
	}
	return out
}

// render draws page n with pdftoppm as a grey PGM at renderDPI. mu
// guards the file it writes data to, once.
func (st *scanState) render(ctx context.Context, mu *sync.Mutex, data []byte, n int) ([]byte, error) {
	path, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, errors.New("no page image cqcmine can read, and pdftoppm (Debian: poppler-utils) is not installed to render the page")
	}
	mu.Lock()
	defer mu.Unlock()
	if st.tmp == "" {
		f, err := os.CreateTemp("", "cqcmine-scan-*.pdf")
		if err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		st.tmp = f.Name()
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("render: %w", werr)
		}
	}
	mu.Unlock()
	defer mu.Lock()
	cmd := exec.CommandContext(ctx, path, "-r", strconv.Itoa(renderDPI), "-gray", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), "-singlefile", st.tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		// pdftoppm repeats itself over lines: keep them on one, short.
		msg := strings.Join(strings.Fields(stderr.String()), " ")
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		return nil, fmt.Errorf("render with pdftoppm: %v: %s", err, msg)
	}
	if len(out) == 0 {
		return nil, errors.New("render with pdftoppm: no image")
	}
	return out, nil
}
