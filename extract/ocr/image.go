package ocr

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/cqcmine/cqcmine/extract"
)

// ImageExtractor reads image files (PNG, JPEG, TIFF) as documents: each
// image, each page of a multi-page TIFF, is a page whose text Engine
// recognises. Without a usable Engine the file is reported as needing
// OCR, with the reason.
type ImageExtractor struct {
	Engine *Engine
}

var _ extract.Extractor = ImageExtractor{}

// Extract recognises the text of the image in data.
func (x ImageExtractor) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("image: file of %d bytes exceeds %d: %w", len(data), lim.MaxBytes, extract.ErrLimit)
	}
	n := tiffPages(data)
	if lim.MaxPages > 0 && n > lim.MaxPages {
		return nil, fmt.Errorf("image: %d pages exceed %d: %w", n, lim.MaxPages, extract.ErrLimit)
	}
	if err := x.Engine.Available(); err != nil {
		return nil, &extract.NeedsOCRError{Pages: n, Reason: err.Error()}
	}
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	pages, err := x.Engine.Recognize(ctx, data, 0)
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, errors.New("image: tesseract read no page")
	}
	c := &extract.Content{}
	for i := range pages {
		c.Pages = append(c.Pages, PageOf(i+1, &pages[i]))
	}
	return c, nil
}

// PageOf is the extract.Page of recognised page p, numbered n.
func PageOf(n int, p *Page) extract.Page {
	return extract.Page{Number: n, Text: p.Text(), OCR: true, Confidence: Round(p.Confidence())}
}

// Round rounds a confidence to one decimal, as it is reported.
func Round(c float64) float64 { return math.Round(c*10) / 10 }

// tiffPages counts the images of a TIFF file by following its chain of
// image file directories; any other file is one page.
func tiffPages(data []byte) int {
	if len(data) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(data[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	n := 0
	seen := map[uint32]bool{}
	for off := bo.Uint32(data[4:]); off != 0 && !seen[off] && n < 100_000; n++ {
		seen[off] = true
		if int64(off)+2 > int64(len(data)) {
			break
		}
		entries := int64(bo.Uint16(data[off:]))
		next := int64(off) + 2 + 12*entries
		if next+4 > int64(len(data)) {
			n++
			break
		}
		off = bo.Uint32(data[next:])
	}
	return max(n, 1)
}
