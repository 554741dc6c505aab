package pdf

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Glyph names as fonts and encodings write them follow the Adobe Glyph
// List conventions: "uniXXXX" and "uXXXX[XX]" give code points directly,
// ligatures join component names with "_", a suffix after "." names a
// variant of the same character ("a.sc", "one.oldstyle"), and the rest
// are names from the list. glyphText decodes the naming rules, the names
// of accented Latin letters by their parts ("aogonek" is a + ogonek,
// "Zdotaccent" Z + dot above) and the common names in namedGlyphs. Names
// it cannot decode ("glyph12", "cid345", the expert set's small capitals)
// give "".

// accentMarks maps the accent part of a Latin glyph name to the combining
// mark that composes with the base letter.
var accentMarks = map[string]rune{
	"acute":        0x0301,
	"grave":        0x0300,
	"circumflex":   0x0302,
	"tilde":        0x0303,
	"macron":       0x0304,
	"breve":        0x0306,
	"dotaccent":    0x0307,
	"dieresis":     0x0308,
	"ring":         0x030A,
	"hungarumlaut": 0x030B,
	"caron":        0x030C,
	"commaaccent":  0x0327, // a cedilla in the glyph list, except on S and s
	"cedilla":      0x0327,
	"ogonek":       0x0328,
}

// namedGlyphs holds the names that neither a rule nor a base letter and
// an accent decode: letters of their own, punctuation, symbols, digits
// and Greek.
var namedGlyphs = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$',
	"percent": '%', "ampersand": '&', "quotesingle": '\'', "parenleft": '(',
	"parenright": ')', "asterisk": '*', "plus": '+', "comma": ',', "hyphen": '-',
	"period": '.', "slash": '/', "zero": '0', "one": '1', "two": '2', "three": '3',
	"four": '4', "five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9',
	"colon": ':', "semicolon": ';', "less": '<', "equal": '=', "greater": '>',
	"question": '?', "at": '@', "bracketleft": '[', "backslash": '\\',
	"bracketright": ']', "asciicircum": '^', "underscore": '_', "grave": '`',
	"braceleft": '{', "bar": '|', "braceright": '}', "asciitilde": '~',
	"nbspace": 0xA0, "nonbreakingspace": 0xA0, "exclamdown": 0xA1, "cent": 0xA2,
	"sterling": 0xA3, "currency": 0xA4, "yen": 0xA5, "brokenbar": 0xA6,
	"section": 0xA7, "dieresis": 0xA8, "copyright": 0xA9, "ordfeminine": 0xAA,
	"guillemotleft": 0xAB, "guillemetleft": 0xAB, "logicalnot": 0xAC,
	"sfthyphen": 0xAD, "softhyphen": 0xAD, "registered": 0xAE, "macron": 0xAF,
	"degree": 0xB0, "plusminus": 0xB1, "twosuperior": 0xB2, "threesuperior": 0xB3,
	"acute": 0xB4, "mu": 0xB5, "micro": 0xB5, "paragraph": 0xB6,
	"periodcentered": 0xB7, "middot": 0xB7, "cedilla": 0xB8, "onesuperior": 0xB9,
	"ordmasculine": 0xBA, "guillemotright": 0xBB, "guillemetright": 0xBB,
	"onequarter": 0xBC, "onehalf": 0xBD, "threequarters": 0xBE,
	"questiondown": 0xBF, "AE": 0xC6, "Eth": 0xD0, "multiply": 0xD7,
	"Oslash": 0xD8, "Thorn": 0xDE, "germandbls": 0xDF, "ae": 0xE6, "eth": 0xF0,
	"divide": 0xF7, "oslash": 0xF8, "thorn": 0xFE,
	"Dcroat": 0x0110, "dcroat": 0x0111, "Hbar": 0x0126, "hbar": 0x0127,
	"dotlessi": 0x0131, "IJ": 0x0132, "ij": 0x0133, "kgreenlandic": 0x0138,
	"Ldot": 0x013F, "ldot": 0x0140, "Lslash": 0x0141, "lslash": 0x0142,
	"napostrophe": 0x0149, "Eng": 0x014A, "eng": 0x014B, "OE": 0x0152, "oe": 0x0153,
	"Tbar": 0x0166, "tbar": 0x0167, "longs": 0x017F, "florin": 0x0192,
	"dotlessj": 0x0237, "circumflex": 0x02C6, "caron": 0x02C7, "breve": 0x02D8,
	"dotaccent": 0x02D9, "ring": 0x02DA, "ogonek": 0x02DB, "tilde": 0x02DC,
	"hungarumlaut": 0x02DD, "endash": 0x2013, "emdash": 0x2014, "figuredash": 0x2012, "horizontalbar": 0x2015,
	"quoteleft": 0x2018, "quoteright": 0x2019, "quotesinglbase": 0x201A,
	"quotereversed": 0x201B, "quotedblleft": 0x201C, "quotedblright": 0x201D,
	"quotedblbase": 0x201E, "dagger": 0x2020, "daggerdbl": 0x2021, "bullet": 0x2022,
	"onedotenleader": 0x2024, "twodotenleader": 0x2025, "ellipsis": 0x2026,
	"perthousand": 0x2030, "minute": 0x2032, "second": 0x2033,
	"guilsinglleft": 0x2039, "guilsinglright": 0x203A, "fraction": 0x2044,
	"Euro": 0x20AC, "euro": 0x20AC, "franc": 0x20A3, "lira": 0x20A4, "peseta": 0x20A7,
	"trademark": 0x2122, "Ohm": 0x2126, "estimated": 0x212E, "onethird": 0x2153,
	"twothirds": 0x2154, "oneeighth": 0x215B, "threeeighths": 0x215C,
	"fiveeighths": 0x215D, "seveneighths": 0x215E, "arrowleft": 0x2190,
	"arrowup": 0x2191, "arrowright": 0x2192, "arrowdown": 0x2193,
	"arrowboth": 0x2194, "partialdiff": 0x2202, "Delta": 0x0394, "increment": 0x2206,
	"product": 0x220F, "summation": 0x2211, "minus": 0x2212, "radical": 0x221A,
	"infinity": 0x221E, "integral": 0x222B, "approxequal": 0x2248,
	"notequal": 0x2260, "lessequal": 0x2264, "greaterequal": 0x2265,
	"lozenge": 0x25CA, "filledbox": 0x25A0, "checkmark": 0x2713, "apple": 0xF8FF,
	"ff": 0xFB00, "fi": 0xFB01, "fl": 0xFB02, "ffi": 0xFB03, "ffl": 0xFB04,
	"Alpha": 0x0391, "Beta": 0x0392, "Gamma": 0x0393, "Epsilon": 0x0395,
	"Zeta": 0x0396, "Eta": 0x0397, "Theta": 0x0398, "Iota": 0x0399, "Kappa": 0x039A,
	"Lambda": 0x039B, "Mu": 0x039C, "Nu": 0x039D, "Xi": 0x039E, "Omicron": 0x039F,
	"Pi": 0x03A0, "Rho": 0x03A1, "Sigma": 0x03A3, "Tau": 0x03A4, "Upsilon": 0x03A5,
	"Phi": 0x03A6, "Chi": 0x03A7, "Psi": 0x03A8, "Omega": 0x03A9,
	"alpha": 0x03B1, "beta": 0x03B2, "gamma": 0x03B3, "delta": 0x03B4,
	"epsilon": 0x03B5, "zeta": 0x03B6, "eta": 0x03B7, "theta": 0x03B8,
	"iota": 0x03B9, "kappa": 0x03BA, "lambda": 0x03BB, "nu": 0x03BD, "xi": 0x03BE,
	"omicron": 0x03BF, "pi": 0x03C0, "rho": 0x03C1, "sigma1": 0x03C2,
	"sigma": 0x03C3, "tau": 0x03C4, "upsilon": 0x03C5, "phi": 0x03C6, "chi": 0x03C7,
	"psi": 0x03C8, "omega": 0x03C9,
}

// glyphText returns the text a glyph name stands for, "" when unknown.
func glyphText(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	if name == "" || len(name) > 128 {
		return ""
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for _, part := range strings.Split(name, "_") {
			t := glyphText(part)
			if t == "" {
				return ""
			}
			b.WriteString(t)
		}
		return b.String()
	}
	if r, ok := namedGlyphs[name]; ok {
		return string(r)
	}
	if len(name) == 1 && (name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z') {
		return name
	}
	if s := codePointName(name); s != "" {
		return s
	}
	// A Latin letter and its accent: "aogonek", "Scaron", "Idotaccent".
	if len(name) > 1 && (name[0] >= 'A' && name[0] <= 'Z' || name[0] >= 'a' && name[0] <= 'z') {
		base, accent := name[:1], name[1:]
		if base == "i" && strings.HasPrefix(accent, "dotless") {
			return ""
		}
		if m, ok := accentMarks[accent]; ok {
			if accent == "commaaccent" && (base == "S" || base == "s") {
				m = 0x0326
			}
			s := norm.NFC.String(base + string(m))
			if utf8.RuneCountInString(s) == 1 {
				return s
			}
		}
	}
	return ""
}

// codePointName decodes "uniXXXX" (one or more groups of four hex
// digits) and "uXXXX" to "uXXXXXX".
func codePointName(name string) string {
	valid := func(v uint64) bool {
		return v > 0 && v <= utf8.MaxRune && (v < 0xD800 || v > 0xDFFF)
	}
	switch {
	case strings.HasPrefix(name, "uni") && len(name) >= 7 && (len(name)-3)%4 == 0:
		var b strings.Builder
		for i := 3; i < len(name); i += 4 {
			v, err := strconv.ParseUint(name[i:i+4], 16, 32)
			if err != nil || !valid(v) {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	case strings.HasPrefix(name, "u") && len(name) >= 5 && len(name) <= 7:
		v, err := strconv.ParseUint(name[1:], 16, 32)
		if err != nil || !valid(v) {
			return ""
		}
		return string(rune(v))
	}
	return ""
}
