package pdf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
)

// A small reader and writer for PDF objects, used to rewrite a file (for
// now, to decrypt it) without going through the library, whose values
// resolve references on access and so cannot be written back out.
//
// Values are pName, pNum, pKW, pStr, pRef, pArr and *pDict. Names and
// numbers keep their source text, so they are written back unchanged.

type (
	pName string // a name without its slash, escapes kept as written
	pNum  string // a number as written
	pKW   string // true, false, null
	pStr  []byte // a string's bytes, escapes decoded
	pArr  []any
	pRef  struct {
		id  uint32
		gen int
	}
)

type pDict struct {
	keys []pName
	vals []any
}

// get returns the value of key k, or nil.
func (d *pDict) get(k string) any {
	if d == nil {
		return nil
	}
	for i, kk := range d.keys {
		if string(kk) == k {
			return d.vals[i]
		}
	}
	return nil
}

// set replaces the value of key k, or adds it.
func (d *pDict) set(k string, v any) {
	for i, kk := range d.keys {
		if string(kk) == k {
			d.vals[i] = v
			return
		}
	}
	d.keys = append(d.keys, pName(k))
	d.vals = append(d.vals, v)
}

// del removes key k.
func (d *pDict) del(k string) {
	for i, kk := range d.keys {
		if string(kk) == k {
			d.keys = append(d.keys[:i], d.keys[i+1:]...)
			d.vals = append(d.vals[:i], d.vals[i+1:]...)
			return
		}
	}
}

func nameOf(v any) string {
	n, _ := v.(pName)
	return string(n)
}

// intOf returns an integer value; ok is false when v is not a number.
func intOf(v any) (int64, bool) {
	n, ok := v.(pNum)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return 0, false
	}
	return int64(f), true
}

// maxObjDepth bounds the nesting of arrays and dictionaries.
const maxObjDepth = 256

var errObjSyntax = errors.New("object syntax")

// objParser reads objects from a whole file held in memory.
type objParser struct {
	data []byte
	pos  int
}

func (p *objParser) skipSpace() {
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if isWhite(c) {
			p.pos++
			continue
		}
		if c == '%' {
			for p.pos < len(p.data) && p.data[p.pos] != '\n' && p.data[p.pos] != '\r' {
				p.pos++
			}
			continue
		}
		return
	}
}

// regular reads a run of regular characters (a keyword, number or name).
func (p *objParser) regular() []byte {
	s := p.pos
	for p.pos < len(p.data) && !isWhite(p.data[p.pos]) && !isDelimiter(p.data[p.pos]) {
		p.pos++
	}
	return p.data[s:p.pos]
}

// uint reads an unsigned integer; ok is false when there is none.
func (p *objParser) uint() (v uint64, ok bool) {
	s := p.pos
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' && p.pos-s < 10 {
		v = v*10 + uint64(p.data[p.pos]-'0')
		p.pos++
	}
	return v, p.pos > s
}

// value reads one value.
func (p *objParser) value(depth int) (any, error) {
	if depth > maxObjDepth {
		return nil, fmt.Errorf("%w: nested too deeply", errObjSyntax)
	}
	p.skipSpace()
	if p.pos >= len(p.data) {
		return nil, fmt.Errorf("%w: unexpected end of file", errObjSyntax)
	}
	c := p.data[p.pos]
	switch {
	case c == '/':
		p.pos++
		return pName(p.regular()), nil
	case c == '(':
		lx := lexer{data: p.data, pos: p.pos}
		s := lx.literal()
		p.pos = lx.pos
		return pStr(s), nil
	case c == '<' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '<':
		p.pos += 2
		return p.dict(depth)
	case c == '<':
		lx := lexer{data: p.data, pos: p.pos}
		s := lx.hex()
		p.pos = lx.pos
		return pStr(s), nil
	case c == '[':
		p.pos++
		var a pArr
		for {
			p.skipSpace()
			if p.pos >= len(p.data) {
				return nil, fmt.Errorf("%w: unterminated array", errObjSyntax)
			}
			if p.data[p.pos] == ']' {
				p.pos++
				return a, nil
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		tok := p.regular()
		// "id gen R" is a reference.
		if id, err := strconv.ParseUint(string(tok), 10, 32); err == nil {
			save := p.pos
			p.skipSpace()
			if gen, ok := p.uint(); ok {
				p.skipSpace()
				if p.pos < len(p.data) && p.data[p.pos] == 'R' && (p.pos+1 == len(p.data) || isWhite(p.data[p.pos+1]) || isDelimiter(p.data[p.pos+1])) {
					p.pos++
					return pRef{uint32(id), int(gen)}, nil
				}
			}
			p.pos = save
		}
		return pNum(tok), nil
	}
	kw := p.regular()
	switch string(kw) {
	case "":
		return nil, fmt.Errorf("%w: unexpected %q", errObjSyntax, c)
	case "endobj", "stream", "endstream", "obj":
		return nil, fmt.Errorf("%w: unexpected %s", errObjSyntax, kw)
	}
	return pKW(kw), nil
}

// dict reads a dictionary after its "<<". A key that is not a name (a
// name written with a space in it, say) is dropped, as poppler does.
func (p *objParser) dict(depth int) (*pDict, error) {
	d := &pDict{}
	for {
		p.skipSpace()
		if p.pos+1 < len(p.data) && p.data[p.pos] == '>' && p.data[p.pos+1] == '>' {
			p.pos += 2
			return d, nil
		}
		k, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		name, ok := k.(pName)
		if !ok {
			continue
		}
		p.skipSpace()
		if p.pos+1 < len(p.data) && p.data[p.pos] == '>' && p.data[p.pos+1] == '>' {
			continue // a key with no value
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, name)
		d.vals = append(d.vals, v)
	}
}

// indirect is one "id gen obj ... endobj" of the file. stream is the raw
// stream data, nil when the object is not a stream.
type indirect struct {
	id     uint32
	gen    int
	val    any
	stream []byte
}

// object reads the indirect object at off. length resolves a stream's
// /Length when it is a reference.
func (p *objParser) object(off int64, length func(any) int64) (o indirect, err error) {
	if off < 0 || off >= int64(len(p.data)) {
		return o, fmt.Errorf("%w: offset %d out of range", errObjSyntax, off)
	}
	p.pos = int(off)
	p.skipSpace()
	id, ok1 := p.uint()
	p.skipSpace()
	gen, ok2 := p.uint()
	p.skipSpace()
	if !ok1 || !ok2 || !bytes.HasPrefix(p.data[p.pos:], []byte("obj")) {
		return o, fmt.Errorf("%w: no object header at %d", errObjSyntax, off)
	}
	p.pos += 3
	o.id, o.gen = uint32(id), int(gen)
	if o.val, err = p.value(0); err != nil {
		return o, err
	}
	d, isDict := o.val.(*pDict)
	p.skipSpace()
	if !isDict || !bytes.HasPrefix(p.data[p.pos:], []byte("stream")) {
		return o, nil
	}
	p.pos += len("stream")
	if p.pos < len(p.data) && p.data[p.pos] == '\r' {
		p.pos++
	}
	if p.pos < len(p.data) && p.data[p.pos] == '\n' {
		p.pos++
	}
	start := p.pos
	n := int64(-1)
	if length != nil {
		n = length(d.get("Length"))
	}
	// Trust /Length only when "endstream" follows it.
	if n >= 0 && int64(start)+n <= int64(len(p.data)) {
		end := start + int(n)
		q := objParser{data: p.data, pos: end}
		q.skipSpace()
		if bytes.HasPrefix(p.data[q.pos:], []byte("endstream")) {
			o.stream = p.data[start:end:end]
			return o, nil
		}
	}
	end := len(p.data)
	if i := bytes.Index(p.data[start:], []byte("endstream")); i >= 0 {
		end = start + i
	}
	switch {
	case end-start >= 2 && p.data[end-2] == '\r' && p.data[end-1] == '\n':
		end -= 2
	case end > start && (p.data[end-1] == '\n' || p.data[end-1] == '\r'):
		end--
	}
	o.stream = p.data[start:end:end]
	return o, nil
}

// appendValue writes v in PDF syntax; strings are written in hex.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case pName:
		b = append(b, '/')
		b = append(b, x...)
	case pNum:
		b = append(b, x...)
	case pKW:
		b = append(b, x...)
	case pStr:
		b = append(b, '<')
		b = hex.AppendEncode(b, x)
		b = append(b, '>')
	case pRef:
		b = fmt.Appendf(b, "%d %d R", x.id, x.gen)
	case pArr:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendValue(b, e)
		}
		b = append(b, ']')
	case *pDict:
		b = append(b, "<<"...)
		for i, k := range x.keys {
			b = append(b, '/')
			b = append(b, k...)
			b = append(b, ' ')
			b = appendValue(b, x.vals[i])
			b = append(b, '\n')
		}
		b = append(b, ">>"...)
	default:
		b = append(b, "null"...)
	}
	return b
}
