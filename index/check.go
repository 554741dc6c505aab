package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// CheckReport is what Check found, part by part.
type CheckReport struct {
	Dir string
	// Checked lists what was verified and found sound, one line each.
	Checked []string
	// Damaged lists each damaged part with what is wrong, one line each.
	Damaged []string
	// Notes are findings that need no action (a column file the next
	// index run rewrites).
	Notes []string
}

// OK reports whether nothing is damaged.
func (r *CheckReport) OK() bool { return len(r.Damaged) == 0 }

// zapFooter is the size of a zap segment's footer, which ends with the
// CRC-32 (IEEE, big-endian) of everything before it.
const zapFooter = 4 + 4 + 4 + 8 + 8 + 8 + 8 + 8

// Check verifies the index in dir: that both bleve indexes open and their
// summaries decode, every segment file against its checksum, and the
// column file. It reads the index as Open does read-only, so it runs
// beside searches and a read-only server, not beside a writer.
func Check(ctx context.Context, dir string) (*CheckReport, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("check index %s: no index there: %w", dir, cmpErr(err, os.ErrNotExist))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("check index %s: %w", dir, err)
	}
	if names := notOurs(dir, contents(entries)); names != nil {
		return nil, fmt.Errorf("check index %s: not a cqcmine index (it holds %s)", dir, strings.Join(names, ", "))
	}
	if err := checkLayout(dir); err != nil {
		return nil, err
	}
	lock, err := lockDir(ctx, dir, true, DefaultWait, Owner{})
	if err != nil {
		return nil, err
	}
	defer lock.unlock()
	r := &CheckReport{Dir: dir}
	var tokens [][]byte
	for _, part := range []string{findingsDir, pagesDir} {
		if err := ctx.Err(); err != nil {
			return r, fmt.Errorf("check index %s: %w", dir, err)
		}
		token, err := r.checkPart(ctx, dir, part)
		if err != nil {
			return r, err
		}
		tokens = append(tokens, token)
	}
	r.checkColumns(dir, tokens)
	return r, nil
}

func cmpErr(err, or error) error {
	if err != nil {
		return err
	}
	return or
}

// checkPart checks one bleve index and returns the column file token it
// holds (nil when it did not open).
func (r *CheckReport) checkPart(ctx context.Context, dir, part string) ([]byte, error) {
	store := filepath.Join(dir, part, "store")
	var segs []string
	idx, err := openPart(dir, part, true, DefaultWait)
	var token []byte
	if err != nil {
		if le := (*LockedError)(nil); errors.As(err, &le) {
			return nil, err
		}
		r.Damaged = append(r.Damaged, fmt.Sprintf("%s: does not open: %s", part, firstLine(err)))
	} else {
		defer idx.Close()
		token, _ = idx.GetInternal(colsKey)
		segs, err = segmentFiles(idx)
		if err != nil {
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s: %s", part, firstLine(err)))
		}
		if sums, err := summaries(ctx, idx); err != nil {
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s: document summaries do not decode: %s", part, firstLine(err)))
		} else {
			r.Checked = append(r.Checked, fmt.Sprintf("%s: %d document summaries decode", part, len(sums)))
		}
	}
	if segs == nil {
		// Without the snapshot's list, every segment file present.
		segs, _ = filepath.Glob(filepath.Join(store, "*.zap"))
	}
	good := 0
	for _, p := range segs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("check index %s: %w", dir, err)
		}
		if err := verifySegment(p); err != nil {
			rel, _ := filepath.Rel(dir, p)
			r.Damaged = append(r.Damaged, fmt.Sprintf("%s: %v", rel, err))
			continue
		}
		good++
	}
	if good == len(segs) {
		r.Checked = append(r.Checked, fmt.Sprintf("%s: %d segments match their checksums", part, good))
	}
	return token, nil
}

// segmentFiles lists the files of the segments in idx's current snapshot.
func segmentFiles(idx bleve.Index) ([]string, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index reader is %T, not scorch", rd)
	}
	out := []string{}
	for _, ss := range snap.Segments() {
		if p, ok := ss.Segment().(interface{ Path() string }); ok && p.Path() != "" {
			out = append(out, p.Path())
		}
	}
	return out, nil
}

// verifySegment checks a zap segment file against the checksum in its
// footer.
func verifySegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < zapFooter {
		return fmt.Errorf("truncated (%d bytes, shorter than a segment's footer)", st.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.CopyN(h, f, st.Size()-4); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	var stored [4]byte
	if _, err := io.ReadFull(f, stored[:]); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(stored[:]); got != want {
		return fmt.Errorf("damaged: checksum %08x, the footer says %08x (flipped or missing bytes)", got, want)
	}
	return nil
}

// checkColumns checks the column file: it must decode; a file whose
// token is not the one both indexes hold is stale, which Open handles.
func (r *CheckReport) checkColumns(dir string, tokens [][]byte) {
	b, err := os.ReadFile(filepath.Join(dir, colsFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		r.Notes = append(r.Notes, colsFile+": none (the next index run writes it)")
		return
	case err != nil:
		r.Damaged = append(r.Damaged, fmt.Sprintf("%s: %v", colsFile, err))
		return
	}
	cf, err := decodeColumns(b)
	if errors.Is(err, errColsVersion) {
		r.Notes = append(r.Notes, colsFile+": written by another version of cqcmine (Open rebuilds the table; the next index run rewrites it)")
		return
	}
	if err != nil {
		r.Damaged = append(r.Damaged, fmt.Sprintf("%s: %v", colsFile, err))
		return
	}
	for _, t := range tokens {
		if !bytes.Equal(t, cf.token) {
			r.Notes = append(r.Notes, colsFile+": sound but older than the index (Open rebuilds the table; the next index run rewrites it)")
			return
		}
	}
	r.Checked = append(r.Checked, fmt.Sprintf("%s: sound, %d documents", colsFile, len(cf.tab.docs)))
}

// firstLine is an error's first line: bleve follows some errors with the
// whole text it could not parse.
func firstLine(err error) string {
	if de := (*DamagedError)(nil); errors.As(err, &de) {
		err = de.Err
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
