package pdf

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	pdflib "github.com/ledongthuc/pdf"
)

// Two repairs for damage the library does not survive.
//
// A dictionary key that is not a name makes the library's parser panic
// ("unexpected non-name key"), and the object is lost: a font whose
// /BaseFont was written with spaces in it (/Arial Unicode MS) takes its
// page with it. Poppler drops such a key and goes on. cleanPDF does the
// same by writing the whole file out again through our own object parser
// (the rewrite that decryption uses, without a key).
//
// When the catalog or the root of the page tree is missing, the library
// has no way to the pages. scanPages finds them the way poppler's
// reconstruction does: every object that says /Type /Page is a page, in
// file order.

// cleanPDF returns data rewritten through our own parser.
func cleanPDF(ctx context.Context, data []byte) (out []byte, err error) {
	defer func() {
		if x := recover(); x != nil {
			out, err = nil, fmt.Errorf("rewrite: %v", x)
		}
	}()
	return rewrite(ctx, data, scanObjects(data), nil, 0)
}

// needsClean reports whether err is the library's complaint about a
// dictionary key.
func needsClean(err error) bool {
	return err != nil && strings.Contains(err.Error(), "non-name key")
}

var pageTypeRE = regexp.MustCompile(`/Type\s*/Page\b`)

// maxScannedPages bounds the pages found by scanning.
const maxScannedPages = 10000

// scanPages finds page objects by scanning data, for a file whose page
// tree is lost. Resources and boxes come from each page itself.
func scanPages(ctx context.Context, data []byte, max int) (r *pdflib.Reader, pages []pageRef) {
	defer func() {
		if x := recover(); x != nil {
			r, pages = nil, nil
		}
	}()
	objs := scanObjects(data)
	type found struct {
		id  uint32
		off int64
	}
	var ids []found
	for id, l := range objs {
		if l.off < 0 {
			continue
		}
		hdr := data[l.off:min(int(l.off)+1024, len(data))]
		if i := bytes.Index(hdr, []byte("stream")); i >= 0 {
			hdr = hdr[:i]
		}
		if i := bytes.Index(hdr, []byte("endobj")); i >= 0 {
			hdr = hdr[:i]
		}
		if pageTypeRE.Match(hdr) {
			ids = append(ids, found{id, l.off})
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].off < ids[j].off })
	limit := maxScannedPages
	if max > 0 {
		limit = min(limit, max)
	}
	ids = ids[:min(len(ids), limit)]
	var trailer strings.Builder
	if info := lastRef(data, infoRE); info != "" {
		fmt.Fprintf(&trailer, "/Info %s", info)
	}
	for k, f := range ids {
		fmt.Fprintf(&trailer, " /CqcPage%d %d %d R", k, f.id, objs[f.id].gen)
	}
	r, err := openReader(ctx, appendTable(data, objs, trailer.String()))
	if err != nil {
		return nil, nil
	}
	for k := range ids {
		func() {
			defer func() {
				if x := recover(); x != nil {
					pages = append(pages, pageRef{err: fmt.Errorf("loading page: %v", x)})
				}
			}()
			v := r.Trailer().Key(fmt.Sprintf("CqcPage%d", k))
			box := [4]float64{0, 0, 612, 792}
			if mb := v.Key("MediaBox"); mb.Len() == 4 {
				for i := range box {
					box[i] = mb.Index(i).Float64()
				}
				if box[0] > box[2] {
					box[0], box[2] = box[2], box[0]
				}
				if box[1] > box[3] {
					box[1], box[3] = box[3], box[1]
				}
			}
			pages = append(pages, pageRef{v: v, res: v.Key("Resources"), box: box})
		}()
	}
	return r, pages
}
