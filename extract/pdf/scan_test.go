package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
)

// scanPDF writes a one-page PDF (612 × 792 points) that draws image
// stream img (dictionary entries dict) over the whole page. Its
// resources also list a larger image the page does not draw, as files
// that share one resource dictionary between pages do.
func scanPDF(dict string, img []byte) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	obj := func(body string, stream []byte) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s", len(offs), body)
		if stream != nil {
			fmt.Fprintf(&b, "\nstream\n%s\nendstream", stream)
		}
		b.WriteString("\nendobj\n")
	}
	content := "q 612 0 0 792 0 0 cm /Im1 Do Q"
	obj("<< /Type /Catalog /Pages 2 0 R >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im1 5 0 R /Im2 6 0 R >> >> /Contents 4 0 R >>", nil)
	obj(fmt.Sprintf("<< /Length %d >>", len(content)), []byte(content))
	obj(fmt.Sprintf("<< /Type /XObject /Subtype /Image %s /Length %d >>", dict, len(img)), img)
	obj("<< /Type /XObject /Subtype /Image /Width 4000 /Height 5000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length 4 >>", []byte("junk"))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func TestPageImage(t *testing.T) {
	// 850 × 1100 pixels over 8.5 × 11 inches: 100 dpi.
	const w, h = 850, 1100
	gray := make([]byte, w*h)
	for i := range gray {
		gray[i] = byte(i % 251)
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, &image.Gray{Pix: gray, Stride: w, Rect: image.Rect(0, 0, w, h)}, nil); err != nil {
		t.Fatal(err)
	}
	bits := make([]byte, (w+7)/8*h)
	for i := range bits {
		bits[i] = 0x0f
	}
	rgb := bytes.Repeat([]byte{10, 20, 30}, w*h)
	for _, tc := range []struct {
		name, dict string
		stream     []byte
		head       string
		body       []byte // the image data after head; nil: the stream itself
	}{
		{"jpeg", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", w, h), jpg.Bytes(), "", jpg.Bytes()},
		{"flate grey", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h), deflate(gray), "P5\n850 1100\n255\n", gray},
		{"unfiltered rgb", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", w, h), rgb, "P6\n850 1100\n255\n", rgb},
		// In the PDF 0 is black; in PBM 1 is.
		{"flate 1-bit", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter [/FlateDecode]", w, h), deflate(bits), "P4\n850 1100\n", bytes.Repeat([]byte{0xf0}, len(bits))},
		{"1-bit decoded the other way", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode", w, h), deflate(bits), "P4\n850 1100\n", bits},
		{"ccitt is rendered", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode", w, h), []byte("fax"), "", nil},
		{"not the page's shape", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", h, w), jpg.Bytes(), "", nil},
		{"short data", fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", w, h), deflate(gray[:1000]), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := scanPDF(tc.dict, tc.stream)
			r, err := newReader(data)
			if err != nil {
				t.Fatal(err)
			}
			pages, err := walkPages(r, 0)
			if err != nil || len(pages) != 1 {
				t.Fatalf("%d pages, %v", len(pages), err)
			}
			if !hasImage(pages[0]) {
				t.Error("no image found")
			}
			st := &scanState{}
			img, dpi := st.pageImage(data, pages[0])
			if tc.body == nil {
				if img != nil {
					t.Errorf("an image of %d bytes, want none (render)", len(img))
				}
				return
			}
			if dpi != 100 {
				t.Errorf("%d dpi, want 100", dpi)
			}
			if !bytes.HasPrefix(img, []byte(tc.head)) || !bytes.Equal(img[len(tc.head):], tc.body) {
				t.Errorf("image of %d bytes, starting %q", len(img), img[:min(len(img), 20)])
			}
		})
	}
}

// TestScanWithoutOCR: a page image with OCR off needs OCR, and says so.
func TestScanWithoutOCR(t *testing.T) {
	data := scanPDF("/Width 850 /Height 1100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", []byte("jpeg"))
	_, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
	var ne *extract.NeedsOCRError
	if !errors.As(err, &ne) || ne.Pages != 1 || ne.Reason != "OCR is off" {
		t.Fatalf("error %v", err)
	}
}
