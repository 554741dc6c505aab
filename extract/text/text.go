// Package text extracts plain-text files, and holds [Normalize], the
// character clean-up that every cqcmine extractor applies to its output.
//
// A text file is read as UTF-8 (a UTF-8 byte-order mark is dropped; a
// UTF-16 one is honoured). A file that is not valid UTF-8 is taken to be
// Windows-1252, the encoding of most older English text files. The text
// then goes through Normalize and becomes one page numbered 0. Lines and
// paragraphs are kept as they are in the file: the taggers record offsets
// into this text.
package text

import (
	"bytes"
	"context"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/cqcmine/cqcmine/extract"
)

// Extractor extracts plain text. The zero value is ready to use.
type Extractor struct{}

var _ extract.Extractor = Extractor{}

var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
)

// Extract decodes data and returns it as one page.
func (Extractor) Extract(ctx context.Context, data []byte, lim extract.Limits) (*extract.Content, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("text: %d bytes is over the %d-byte limit: %w", len(data), lim.MaxBytes, extract.ErrLimit)
	}
	s, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	return &extract.Content{Pages: []extract.Page{{Number: 0, Text: Normalize(s)}}}, nil
}

// Decode returns data as a UTF-8 string: UTF-8 without its byte-order
// mark, UTF-16 when a UTF-16 byte-order mark says so, and Windows-1252
// when data is not valid UTF-8. It does not normalise the text.
func Decode(data []byte) (string, error) {
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(data, bomUTF16BE):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	}
	if enc == nil {
		if utf8.Valid(data) {
			return string(data), nil
		}
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("text: decoding: %w", err)
	}
	return string(out), nil
}
