package pdf

import (
	"bytes"
	"strconv"
)

// operand kinds in a content stream.
const (
	opNum = iota + 1
	opName
	opString
	opArray
	opOther // dict, bool, null: kept only to keep operand counts right
)

// operand is one operand of a content-stream operator. Strings and names
// point into the lexer's scratch space and stay valid until the next
// operator; an array spans elems[lo:hi] of the lexer.
type operand struct {
	kind   uint8
	num    float64
	str    []byte
	lo, hi int
}

// lexer tokenises a page content stream. It is written for speed and for
// tolerance: anything it does not understand is skipped, inline images
// (BI ... ID ... EI) are stepped over, and it never panics.
type lexer struct {
	data  []byte
	pos   int
	ops   []operand // operands of the current operator
	elems []operand // elements of arrays among ops
	buf   []byte    // decoded string bytes for the current operator
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// next returns the next operator, with its operands in l.ops. It returns
// "" at the end of the stream.
func (l *lexer) next() []byte {
	l.ops = l.ops[:0]
	l.elems = l.elems[:0]
	l.buf = l.buf[:0]
	depth := 0 // array nesting
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return nil
		}
		c := l.data[l.pos]
		var o operand
		switch {
		case c == '[':
			l.pos++
			if depth == 0 {
				l.ops = append(l.ops, operand{kind: opArray, lo: len(l.elems)})
			}
			depth++
			continue
		case c == ']':
			l.pos++
			if depth > 0 {
				depth--
				if depth == 0 {
					l.ops[len(l.ops)-1].hi = len(l.elems)
				}
			}
			continue
		case c == '(':
			o = operand{kind: opString, str: l.literal()}
		case c == '<':
			if l.pos+1 < len(l.data) && l.data[l.pos+1] == '<' {
				l.skipDict()
				o = operand{kind: opOther}
			} else {
				o = operand{kind: opString, str: l.hex()}
			}
		case c == '>' || c == ')' || c == '{' || c == '}':
			l.pos++
			continue
		case c == '/':
			l.pos++
			s := l.pos
			for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelimiter(l.data[l.pos]) {
				l.pos++
			}
			o = operand{kind: opName, str: l.data[s:l.pos]}
		case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
			o = operand{kind: opNum, num: l.number()}
		default:
			s := l.pos
			for l.pos < len(l.data) && !isWhite(l.data[l.pos]) && !isDelimiter(l.data[l.pos]) {
				l.pos++
			}
			if l.pos == s { // a stray delimiter
				l.pos++
				continue
			}
			kw := l.data[s:l.pos]
			switch string(kw) {
			case "true", "false", "null":
				o = operand{kind: opOther}
			default:
				if depth > 0 {
					continue // junk inside an array
				}
				if len(kw) == 2 && kw[0] == 'B' && kw[1] == 'I' {
					l.skipInlineImage()
					l.ops = l.ops[:0]
					l.elems = l.elems[:0]
					continue
				}
				return kw
			}
		}
		if depth > 0 {
			l.elems = append(l.elems, o)
		} else {
			l.ops = append(l.ops, o)
		}
	}
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isWhite(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

func (l *lexer) number() float64 {
	s := l.pos
	l.pos++
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' {
			l.pos++
			continue
		}
		break
	}
	t := l.data[s:l.pos]
	// Fast path for plain integers and decimals.
	neg := false
	i := 0
	if i < len(t) && (t[i] == '-' || t[i] == '+') {
		neg = t[i] == '-'
		i++
	}
	var v float64
	frac := 0.0
	scale := 1.0
	ok := true
	for ; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= '0' && c <= '9':
			if frac > 0 {
				scale /= 10
				v += float64(c-'0') * scale
			} else {
				v = v*10 + float64(c-'0')
			}
		case c == '.' && frac == 0:
			frac = 1
		default:
			ok = false
		}
		if !ok {
			break
		}
	}
	if !ok {
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return 0
		}
		return f
	}
	if neg {
		v = -v
	}
	return v
}

// literal reads a (string) with escapes and balanced parentheses.
func (l *lexer) literal() []byte {
	l.pos++ // (
	start := len(l.buf)
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return l.buf[start:len(l.buf):len(l.buf)]
			}
		case '\\':
			if l.pos >= len(l.data) {
				break
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.data) && l.data[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.data) && l.data[l.pos] >= '0' && l.data[l.pos] <= '7'; k++ {
						v = v*8 + int(l.data[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		l.buf = append(l.buf, c)
	}
	return l.buf[start:len(l.buf):len(l.buf)]
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// hex reads a <hex string>.
func (l *lexer) hex() []byte {
	l.pos++ // <
	start := len(l.buf)
	hi := -1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v := hexVal(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			l.buf = append(l.buf, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		l.buf = append(l.buf, byte(hi<<4))
	}
	return l.buf[start:len(l.buf):len(l.buf)]
}

// skipDict steps over a << ... >> dictionary, nested or not.
func (l *lexer) skipDict() {
	depth := 0
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
			depth++
			l.pos += 2
		case c == '>' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '>':
			depth--
			l.pos += 2
			if depth <= 0 {
				return
			}
		case c == '(':
			l.literal()
		case c == '<':
			l.hex()
		default:
			l.pos++
		}
	}
}

// skipInlineImage steps over an inline image: its dictionary up to ID,
// then the binary data up to an EI that stands alone.
func (l *lexer) skipInlineImage() {
	i := bytes.Index(l.data[l.pos:], []byte("ID"))
	if i < 0 {
		l.pos = len(l.data)
		return
	}
	p := l.pos + i + 2
	for {
		j := bytes.Index(l.data[p:], []byte("EI"))
		if j < 0 {
			l.pos = len(l.data)
			return
		}
		k := p + j
		before := k == 0 || isWhite(l.data[k-1])
		after := k+2 >= len(l.data) || isWhite(l.data[k+2])
		if before && after {
			l.pos = k + 2
			return
		}
		p = k + 2
	}
}
