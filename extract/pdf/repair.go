package pdf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	pdflib "github.com/ledongthuc/pdf"
)

// maxRebuiltID bounds object numbers in a rebuilt cross-reference table.
const maxRebuiltID = 4_000_000

// maxXrefEntries bounds the object numbers a cross-reference section may
// declare before the library is asked to read it: it allocates a table of
// that size up front.
const maxXrefEntries = 4_000_000

type objLoc struct {
	off int64
	gen int
	stm uint32 // object stream holding the object, when off < 0
	idx int
}

var (
	rootRE    = regexp.MustCompile(`/Root\s*(\d+)\s+(\d+)\s+R`)
	infoRE    = regexp.MustCompile(`/Info\s*(\d+)\s+(\d+)\s+R`)
	encryptRE = regexp.MustCompile(`/Encrypt\s*(\d+)\s+(\d+)\s+R`)
	idRE      = regexp.MustCompile(`/ID\s*\[\s*<[0-9A-Fa-f\s]*>\s*<[0-9A-Fa-f\s]*>\s*\]`)
	catalogRE = regexp.MustCompile(`/Type\s*/Catalog\b`)
	objStmRE  = regexp.MustCompile(`/Type\s*/ObjStm\b`)
)

// scanObjects finds every "N G obj" in data. A later definition of the
// same object wins, as in an incremental update.
func scanObjects(data []byte) map[uint32]objLoc {
	objs := make(map[uint32]objLoc)
	for p := 0; ; {
		i := bytes.Index(data[p:], []byte("obj"))
		if i < 0 {
			break
		}
		k := p + i
		p = k + 3
		if k+3 < len(data) && !isWhite(data[k+3]) && !isDelimiter(data[k+3]) {
			continue
		}
		j := k - 1
		for j >= 0 && isWhite(data[j]) {
			j--
		}
		ge := j + 1
		for j >= 0 && data[j] >= '0' && data[j] <= '9' {
			j--
		}
		gs := j + 1
		if gs == ge || j < 0 || !isWhite(data[j]) {
			continue
		}
		for j >= 0 && isWhite(data[j]) {
			j--
		}
		ie := j + 1
		for j >= 0 && data[j] >= '0' && data[j] <= '9' {
			j--
		}
		is := j + 1
		if is == ie || (j >= 0 && !isWhite(data[j]) && !isDelimiter(data[j])) {
			continue
		}
		id, err1 := strconv.ParseUint(string(data[is:ie]), 10, 32)
		gen, err2 := strconv.Atoi(string(data[gs:ge]))
		if err1 != nil || err2 != nil || id == 0 || id > maxRebuiltID || gen > 65535 {
			continue
		}
		objs[uint32(id)] = objLoc{off: int64(is), gen: gen}
	}
	// Object numbers far beyond the count found are damage; they would
	// make a huge table.
	limit := uint32(16*len(objs) + 1024)
	for id := range objs {
		if id > limit {
			delete(objs, id)
		}
	}
	return objs
}

var (
	xrefSubRE  = regexp.MustCompile(`(?:^|[\r\n])\s*(\d{1,20})\s+(\d{1,20})\s*[\r\n]`)
	xrefDictRE = regexp.MustCompile(`/Type\s*/XRef\b`)
	bigNumRE   = regexp.MustCompile(`/(?:Size|Columns)\s*(\d{1,20})|/Index\s*\[([\d\s]{0,200})\]`)
)

// saneXref reports whether the cross-reference sections of data declare
// object numbers small enough for the library's up-front allocation. The
// check is a conservative scan of every "xref" table header and every
// xref stream dictionary; a file that fails it is read through a rebuilt
// table instead.
func saneXref(data []byte) bool {
	for p := 0; ; {
		i := bytes.Index(data[p:], []byte("xref"))
		if i < 0 {
			break
		}
		k := p + i
		p = k + 4
		if k > 0 && data[k-1] == 't' { // startxref
			continue
		}
		end := min(k+4+64, len(data))
		if m := xrefSubRE.FindSubmatch(data[k+4 : end]); m != nil {
			a, _ := strconv.ParseUint(string(m[1]), 10, 64)
			b, _ := strconv.ParseUint(string(m[2]), 10, 64)
			if a+b > maxXrefEntries || len(m[1]) > 10 || len(m[2]) > 10 {
				return false
			}
		}
	}
	for _, loc := range xrefDictRE.FindAllIndex(data, -1) {
		lo, hi := max(loc[0]-300, 0), min(loc[1]+300, len(data))
		for _, m := range bigNumRE.FindAllSubmatch(data[lo:hi], -1) {
			nums := m[1]
			if nums == nil {
				nums = m[2]
			}
			for _, f := range bytes.Fields(nums) {
				v, err := strconv.ParseUint(string(f), 10, 64)
				if err != nil || v > maxXrefEntries {
					return false
				}
			}
		}
	}
	return true
}

// lastRef returns the last "N G R" reference matched by re, as text.
func lastRef(data []byte, re *regexp.Regexp) string {
	all := re.FindAllSubmatch(data, -1)
	if len(all) == 0 {
		return ""
	}
	m := all[len(all)-1]
	return fmt.Sprintf("%s %s R", m[1], m[2])
}

// rebuildXref returns data with a fresh cross-reference section appended,
// built by scanning the file for objects: the repair for a missing or
// broken xref table. Objects inside object streams are found with a
// second pass. It returns nil when nothing usable is found.
func rebuildXref(data []byte) []byte {
	objs := scanObjects(data)
	if len(objs) == 0 {
		return nil
	}
	root := lastRef(data, rootRE)
	if root == "" {
		locs := catalogRE.FindAllIndex(data, -1)
		if len(locs) == 0 {
			return nil
		}
		at := int64(locs[len(locs)-1][0])
		var best uint32
		var bestOff int64 = -1
		for id, l := range objs {
			if l.off < at && l.off > bestOff {
				best, bestOff = id, l.off
			}
		}
		if bestOff < 0 {
			return nil
		}
		root = fmt.Sprintf("%d %d R", best, objs[best].gen)
	}
	var extra bytes.Buffer
	fmt.Fprintf(&extra, "/Root %s", root)
	if info := lastRef(data, infoRE); info != "" {
		fmt.Fprintf(&extra, " /Info %s", info)
	}
	if enc := lastRef(data, encryptRE); enc != "" {
		fmt.Fprintf(&extra, " /Encrypt %s", enc)
		if ids := idRE.FindAll(data, -1); len(ids) > 0 {
			extra.WriteByte(' ')
			extra.Write(ids[len(ids)-1])
		}
	}

	return finishXref(data, objs, extra.String())
}

// finishXref appends a cross-reference section for objs, the objects
// found directly in data, with trailer entries trailer. Objects held in
// object streams are looked up first, so that the section can point into
// them.
func finishXref(data []byte, objs map[uint32]objLoc, trailer string) []byte {
	// Object streams: objects whose dictionary says /Type /ObjStm.
	var stms []uint32
	for id, l := range objs {
		end := min(int(l.off)+400, len(data))
		hdr := data[l.off:end]
		if s := bytes.Index(hdr, []byte("stream")); s >= 0 {
			hdr = hdr[:s]
		}
		if objStmRE.Match(hdr) {
			stms = append(stms, id)
		}
	}
	sort.Slice(stms, func(i, j int) bool { return stms[i] < stms[j] })
	if len(stms) > 1000 {
		stms = stms[:1000]
	}
	var stmRefs bytes.Buffer
	for k, id := range stms {
		fmt.Fprintf(&stmRefs, " /CqcStm%d %d %d R", k, id, objs[id].gen)
	}
	first := appendTable(data, objs, trailer+stmRefs.String())
	if len(stms) == 0 {
		return first
	}
	r, err := newReader(first)
	if err != nil {
		return first
	}
	for k, id := range stms {
		readObjStm(r, fmt.Sprintf("CqcStm%d", k), id, objs)
	}
	return appendStream(data, objs, trailer)
}

// readObjStm lists the objects held in one object stream.
func readObjStm(r *pdflib.Reader, key string, stm uint32, objs map[uint32]objLoc) {
	defer func() { _ = recover() }()
	v := r.Trailer().Key(key)
	n := int(v.Key("N").Int64())
	if n <= 0 || n > 1_000_000 {
		return
	}
	b, _ := readStream(v, 64<<20)
	lx := lexer{data: b}
	var nums []float64
	for len(nums) < 2*n {
		lx.skipSpace()
		if lx.pos >= len(lx.data) {
			break
		}
		c := lx.data[lx.pos]
		if c < '0' || c > '9' {
			break
		}
		nums = append(nums, lx.number())
	}
	for i := 0; i+1 < len(nums); i += 2 {
		id := uint32(nums[i])
		if id == 0 || id > maxRebuiltID {
			continue
		}
		if _, direct := objs[id]; direct {
			continue
		}
		objs[id] = objLoc{off: -1, stm: stm, idx: i / 2}
	}
}

// appendTable appends a classic xref table for objects in the file.
func appendTable(data []byte, objs map[uint32]objLoc, trailer string) []byte {
	var maxID uint32
	for id := range objs {
		maxID = max(maxID, id)
	}
	out := make([]byte, 0, len(data)+int(maxID+1)*20+len(trailer)+128)
	out = append(out, data...)
	out = append(out, "\n"...)
	start := len(out)
	out = fmt.Appendf(out, "xref\n0 %d\n", maxID+1)
	for id := uint32(0); id <= maxID; id++ {
		l, ok := objs[id]
		if !ok || l.off < 0 {
			out = append(out, "0000000000 65535 f\r\n"...)
			continue
		}
		out = fmt.Appendf(out, "%010d %05d n\r\n", l.off, l.gen)
	}
	out = fmt.Appendf(out, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", maxID+1, trailer, start)
	return out
}

// appendStream appends an uncompressed xref stream, which can point into
// object streams.
func appendStream(data []byte, objs map[uint32]objLoc, trailer string) []byte {
	var maxID uint32
	for id := range objs {
		maxID = max(maxID, id)
	}
	self := maxID + 1
	size := self + 1
	rows := make([]byte, 0, int(size)*7)
	var row [7]byte
	for id := uint32(0); id < size; id++ {
		l, ok := objs[id]
		switch {
		case id == self:
			row = [7]byte{} // filled below
		case !ok:
			row = [7]byte{0, 0, 0, 0, 0, 0xFF, 0xFF}
		case l.off >= 0:
			row[0] = 1
			binary.BigEndian.PutUint32(row[1:5], uint32(l.off))
			binary.BigEndian.PutUint16(row[5:7], uint16(l.gen))
		default:
			row[0] = 2
			binary.BigEndian.PutUint32(row[1:5], l.stm)
			binary.BigEndian.PutUint16(row[5:7], uint16(l.idx))
		}
		rows = append(rows, row[:]...)
	}
	out := make([]byte, 0, len(data)+len(rows)+len(trailer)+256)
	out = append(out, data...)
	out = append(out, "\n"...)
	start := len(out)
	rows[int(self)*7] = 1
	binary.BigEndian.PutUint32(rows[int(self)*7+1:], uint32(start))
	out = fmt.Appendf(out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] %s /Length %d >>\nstream\n", self, size, trailer, len(rows))
	out = append(out, rows...)
	out = fmt.Appendf(out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", start)
	return out
}
