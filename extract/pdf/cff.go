package pdf

import "strings"

// This file reads the charset of a CFF font program (FontFile3 of
// subtype Type1C or CIDFontType0C, or the "CFF " table of an OpenType
// font): for each glyph id, its glyph name in a name-keyed font or its
// CID in a CID-keyed one. Only the header, the Name, Top DICT and String
// INDEXes, the charset and the count of CharStrings are read; glyph
// outlines are not.

// cffCharset is what a CFF font program says about its glyphs.
type cffCharset struct {
	cidKeyed bool
	// ids holds, by glyph id, the string id of the glyph's name (a
	// name-keyed font) or its CID (a CID-keyed font).
	ids     []uint16
	strings [][]byte // the String INDEX: string ids from 391 on
}

// name returns the glyph name of a glyph id in a name-keyed font, "" when
// unknown.
func (c *cffCharset) name(gid int) string {
	if c.cidKeyed || gid < 0 || gid >= len(c.ids) {
		return ""
	}
	sid := int(c.ids[gid])
	if sid < len(cffStandardStrings) {
		return cffStandardStrings[sid]
	}
	if i := sid - len(cffStandardStrings); i < len(c.strings) {
		return string(c.strings[i])
	}
	return ""
}

// cffIndex reads the INDEX at off: its items and the offset just past it.
func cffIndex(b []byte, off int) (items [][]byte, end int, ok bool) {
	count, ok := be16(b, off)
	if !ok {
		return nil, 0, false
	}
	if count == 0 {
		return nil, off + 2, true
	}
	if off+3 > len(b) {
		return nil, 0, false
	}
	size := int(b[off+2])
	if size < 1 || size > 4 {
		return nil, 0, false
	}
	offs := off + 3
	data := offs + (int(count)+1)*size - 1
	if data+1 > len(b) {
		return nil, 0, false
	}
	at := func(i int) int {
		v := 0
		for _, x := range b[offs+i*size : offs+(i+1)*size] {
			v = v<<8 | int(x)
		}
		return v
	}
	items = make([][]byte, count)
	prev := at(0)
	for i := 1; i <= int(count); i++ {
		next := at(i)
		if prev < 1 || next < prev || data+next > len(b) {
			return nil, 0, false
		}
		items[i-1] = b[data+prev : data+next]
		prev = next
	}
	return items, data + prev, true
}

// cffDict reads a DICT into its operators (escaped ones as 12<<8|op) and
// their last operands. Real numbers are read as 0: no operator used here
// takes one.
func cffDict(d []byte) map[int][]int {
	out := map[int][]int{}
	var operands []int
	for i := 0; i < len(d); {
		b0 := d[i]
		switch {
		case b0 <= 21:
			op := int(b0)
			i++
			if b0 == 12 {
				if i >= len(d) {
					return out
				}
				op = 12<<8 | int(d[i])
				i++
			}
			out[op] = operands
			operands = nil
			continue
		case b0 == 28:
			if i+3 > len(d) {
				return out
			}
			operands = append(operands, int(int16(uint16(d[i+1])<<8|uint16(d[i+2]))))
			i += 3
		case b0 == 29:
			if i+5 > len(d) {
				return out
			}
			operands = append(operands, int(int32(uint32(d[i+1])<<24|uint32(d[i+2])<<16|uint32(d[i+3])<<8|uint32(d[i+4]))))
			i += 5
		case b0 == 30:
			i++
			for i < len(d) {
				x := d[i]
				i++
				if x&0x0F == 0x0F || x>>4 == 0x0F {
					break
				}
			}
			operands = append(operands, 0)
		case b0 >= 32 && b0 <= 246:
			operands = append(operands, int(b0)-139)
			i++
		case b0 >= 247 && b0 <= 254:
			if i+2 > len(d) {
				return out
			}
			v := (int(b0)-247)*256 + int(d[i+1]) + 108
			if b0 >= 251 {
				v = -(int(b0)-251)*256 - int(d[i+1]) - 108
			}
			operands = append(operands, v)
			i += 2
		default:
			return out
		}
		if len(operands) > 48 {
			return out
		}
	}
	return out
}

// parseCFF reads the charset of the first font of a CFF font program; nil
// when b is not one or is too broken to say.
func parseCFF(b []byte) *cffCharset {
	if len(b) < 4 || b[0] != 1 || b[2] < 4 {
		return nil
	}
	_, next, ok := cffIndex(b, int(b[2])) // Name INDEX
	if !ok {
		return nil
	}
	tops, next, ok := cffIndex(b, next)
	if !ok || len(tops) == 0 {
		return nil
	}
	strs, _, ok := cffIndex(b, next)
	if !ok {
		return nil
	}
	top := cffDict(tops[0])
	c := &cffCharset{strings: strs}
	_, c.cidKeyed = top[12<<8|30] // ROS
	cs := top[17]
	if len(cs) != 1 || cs[0] <= 0 {
		return nil
	}
	n, ok := be16(b, cs[0]) // the CharStrings INDEX count: the number of glyphs
	if !ok || n == 0 {
		return nil
	}
	c.ids = make([]uint16, n)
	charset := 0
	if v := top[15]; len(v) == 1 {
		charset = v[0]
	}
	switch {
	case charset == 0: // ISOAdobe: glyph i has string id i
		if c.cidKeyed {
			return nil
		}
		for gid := range c.ids {
			if gid < cffISOAdobeCount {
				c.ids[gid] = uint16(gid)
			}
		}
		return c
	case charset < 3: // the expert charsets name no text glyphs
		return nil
	}
	if charset >= len(b) {
		return nil
	}
	format, p := b[charset], charset+1
	gid := 1
	switch format {
	case 0:
		for ; gid < int(n); gid++ {
			id, ok := be16(b, p)
			if !ok {
				break
			}
			c.ids[gid] = id
			p += 2
		}
	case 1, 2:
		for gid < int(n) {
			first, ok := be16(b, p)
			if !ok {
				break
			}
			var left int
			if format == 1 {
				if p+3 > len(b) {
					break
				}
				left = int(b[p+2])
				p += 3
			} else {
				l, ok := be16(b, p+2)
				if !ok {
					break
				}
				left = int(l)
				p += 4
			}
			for k := 0; k <= left && gid < int(n); k++ {
				c.ids[gid] = first + uint16(k)
				gid++
			}
		}
	default:
		return nil
	}
	return c
}

// cffISOAdobeCount is the number of glyphs of the predefined ISOAdobe
// charset: string ids 0 to 228.
const cffISOAdobeCount = 229

// cffStandardStrings are the CFF standard strings by string id. Those of
// the expert character set (229 to 378), which name small capitals and
// old-style figures, are left empty.
var cffStandardStrings = func() [391]string {
	var s [391]string
	iso := strings.Fields(`.notdef space exclam quotedbl numbersign dollar percent ampersand
		quoteright parenleft parenright asterisk plus comma hyphen period slash zero one two
		three four five six seven eight nine colon semicolon less equal greater question at
		A B C D E F G H I J K L M N O P Q R S T U V W X Y Z bracketleft backslash
		bracketright asciicircum underscore quoteleft a b c d e f g h i j k l m n o p q r s
		t u v w x y z braceleft bar braceright asciitilde exclamdown cent sterling fraction
		yen florin section currency quotesingle quotedblleft guillemotleft guilsinglleft
		guilsinglright fi fl endash dagger daggerdbl periodcentered paragraph bullet
		quotesinglbase quotedblbase quotedblright guillemotright ellipsis perthousand
		questiondown grave acute circumflex tilde macron breve dotaccent dieresis ring cedilla
		hungarumlaut ogonek caron emdash AE ordfeminine Lslash Oslash OE ordmasculine ae
		dotlessi lslash oslash oe germandbls onesuperior logicalnot mu trademark Eth onehalf
		plusminus Thorn onequarter divide brokenbar degree thorn threequarters twosuperior
		registered minus eth multiply threesuperior copyright Aacute Acircumflex Adieresis
		Agrave Aring Atilde Ccedilla Eacute Ecircumflex Edieresis Egrave Iacute Icircumflex
		Idieresis Igrave Ntilde Oacute Ocircumflex Odieresis Ograve Otilde Scaron Uacute
		Ucircumflex Udieresis Ugrave Yacute Ydieresis Zcaron aacute acircumflex adieresis
		agrave aring atilde ccedilla eacute ecircumflex edieresis egrave iacute icircumflex
		idieresis igrave ntilde oacute ocircumflex odieresis ograve otilde scaron uacute
		ucircumflex udieresis ugrave yacute ydieresis zcaron`)
	copy(s[:], iso)
	copy(s[379:], strings.Fields(`001.000 001.001 001.002 001.003 Black Bold Book Light
		Medium Regular Roman Semibold`))
	return s
}()
