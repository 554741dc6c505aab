package pdf

import (
	pdflib "github.com/ledongthuc/pdf"

	"github.com/cqcmine/cqcmine/extract"
)

// pageProbe is how many pages to collect under a page limit of max: one
// more, so that a document longer than the limit shows it (0: no limit).
func pageProbe(max int) int {
	if max > 0 {
		return max + 1
	}
	return 0
}

// cutPages keeps the first max of pages (collected up to pageProbe(max))
// and, when it drops any, returns the Cut that says so. The total is the
// page count the page tree declares, when it declares more.
func cutPages(r *pdflib.Reader, pages []pageRef, max int) ([]pageRef, *extract.Cut) {
	if max <= 0 || len(pages) <= max {
		return pages, nil
	}
	cut := &extract.Cut{Limit: "page limit", Unit: "pages", Kept: max}
	if n := declaredPages(r); n > max {
		cut.Total = n
	}
	return pages[:max], cut
}

// declaredPages is the /Count of the page tree's root, or 0.
func declaredPages(r *pdflib.Reader) (n int) {
	defer func() {
		if recover() != nil {
			n = 0
		}
	}()
	c := r.Trailer().Key("Root").Key("Pages").Key("Count").Int64()
	if c < 0 || c > 1<<30 {
		return 0
	}
	return int(c)
}
