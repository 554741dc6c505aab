package pdf

// Encrypted files are decrypted here, before the library sees them.
//
// What the library gets wrong: ledongthuc/pdf implements the standard
// security handler only for V1/V2 (RC4) and for V4 with an AESV2 crypt
// filter. It refuses V4 files whose crypt filter is RC4 (/CFM /V2) and
// AES-256 files (V5, revisions 5 and 6), it ignores /EncryptMetadata
// false, a file without an /ID, and an empty owner password, and its
// per-object key is the whole 16-byte MD5 digest where Algorithm 1 of ISO
// 32000 takes only the first n+5 bytes: every 40-bit RC4 file decrypts to
// garbage ("zlib: invalid header"). Rather than patch it, decryptPDF
// writes a new, unencrypted copy of the file: every object is read with
// our own parser, its strings and stream data decrypted, and written out
// under its own object number, with a fresh cross-reference section and a
// trailer without /Encrypt. Object streams are decrypted as streams; the
// objects inside them were never encrypted separately. Cross-reference
// streams are not encrypted and are dropped, since the copy gets its own.
// Only files that open with an empty user (or owner) password can be read.

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strconv"
)

// errPassword says a file needs a password we do not have.
var errPassword = errors.New("encrypted: needs a password")

// cryptMethod is how a crypt filter encrypts.
type cryptMethod uint8

const (
	cryptNone cryptMethod = iota
	cryptRC4
	cryptAESV2 // AES-128, per-object keys
	cryptAESV3 // AES-256, the file key for every object
)

// padding is the 32-byte string that pads passwords (ISO 32000-1, 7.6.3.3).
var padding = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// security holds what is needed to decrypt the objects of one file.
type security struct {
	v, r     int
	n        int    // file key length in bytes
	o, u     []byte // /O and /U
	p        uint32
	id       []byte // first element of the trailer /ID
	encMeta  bool
	stm, str cryptMethod
	key      []byte
}

// newSecurity reads an encryption dictionary and finds the file key for
// an empty password.
func newSecurity(enc *pDict, fileID []byte) (*security, error) {
	if f := nameOf(enc.get("Filter")); f != "Standard" {
		return nil, fmt.Errorf("encrypted: unsupported security handler %q", f)
	}
	v64, _ := intOf(enc.get("V"))
	r64, _ := intOf(enc.get("R"))
	p64, _ := intOf(enc.get("P"))
	o, _ := enc.get("O").(pStr)
	u, _ := enc.get("U").(pStr)
	s := &security{v: int(v64), r: int(r64), o: o, u: u, p: uint32(p64), id: fileID, encMeta: true}
	if kw, ok := enc.get("EncryptMetadata").(pKW); ok && kw == "false" {
		s.encMeta = false
	}
	bits, hasLen := intOf(enc.get("Length"))
	switch s.v {
	case 1:
		s.n, s.stm, s.str = 5, cryptRC4, cryptRC4
	case 2:
		s.n, s.stm, s.str = 5, cryptRC4, cryptRC4
		if hasLen {
			s.n = int(bits / 8)
		}
	case 4, 5:
		cf, _ := enc.get("CF").(*pDict)
		var cfLen int64
		s.stm, cfLen = filterMethod(cf, nameOf(enc.get("StmF")))
		var strLen int64
		s.str, strLen = filterMethod(cf, nameOf(enc.get("StrF")))
		if s.v == 5 {
			// Some writers label the AES-256 filter of V5 as AESV2.
			s.stm, s.str = aes256(s.stm), aes256(s.str)
		}
		cfLen = max(cfLen, strLen)
		switch {
		case s.v == 5:
			s.n = 32
		case s.stm == cryptAESV2 || s.str == cryptAESV2:
			s.n = 16
		case hasLen:
			s.n = int(bits / 8)
		case cfLen > 0 && cfLen <= 32: // bytes, as the standard says
			s.n = int(cfLen)
		case cfLen > 32: // some writers give bits
			s.n = int(cfLen / 8)
		default:
			s.n = 16
		}
	default:
		return nil, fmt.Errorf("encrypted: unsupported version V=%d", s.v)
	}
	if s.v < 5 && (s.n < 5 || s.n > 16) {
		return nil, fmt.Errorf("encrypted: %d-byte key", s.n)
	}
	var err error
	switch {
	case s.r >= 2 && s.r <= 4 && s.v < 5:
		err = s.keyRC4Era()
	case (s.r == 5 || s.r == 6) && s.v == 5:
		ue, _ := enc.get("UE").(pStr)
		oe, _ := enc.get("OE").(pStr)
		err = s.keyAES256(ue, oe)
	default:
		err = fmt.Errorf("encrypted: unsupported revision R=%d with V=%d", s.r, s.v)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// filterMethod returns the method of the named crypt filter and its
// /Length, if given.
func filterMethod(cf *pDict, name string) (cryptMethod, int64) {
	if name == "" || name == "Identity" {
		return cryptNone, 0
	}
	f, _ := cf.get(name).(*pDict)
	n, _ := intOf(f.get("Length"))
	switch nameOf(f.get("CFM")) {
	case "V2":
		return cryptRC4, n
	case "AESV2":
		return cryptAESV2, n
	case "AESV3":
		return cryptAESV3, n
	}
	return cryptNone, n
}

func aes256(m cryptMethod) cryptMethod {
	if m == cryptAESV2 {
		return cryptAESV3
	}
	return m
}

// fileKey computes the file key from a password (Algorithm 2).
func (s *security) fileKey(pw []byte) []byte {
	h := md5.New()
	h.Write(padded(pw))
	h.Write(fixedLen(s.o, 32))
	h.Write([]byte{byte(s.p), byte(s.p >> 8), byte(s.p >> 16), byte(s.p >> 24)})
	h.Write(s.id)
	if s.r >= 4 && !s.encMeta {
		h.Write([]byte{0xff, 0xff, 0xff, 0xff})
	}
	key := h.Sum(nil)
	if s.r == 2 {
		return key[:5]
	}
	for range 50 {
		sum := md5.Sum(key[:s.n])
		key = sum[:]
	}
	return key[:s.n]
}

// padded returns the first 32 bytes of pw padded with the standard string.
func padded(pw []byte) []byte {
	out := make([]byte, 32)
	n := copy(out, pw)
	copy(out[n:], padding)
	return out
}

// fixedLen returns b cut or zero-extended to n bytes.
func fixedLen(b []byte, n int) []byte {
	out := make([]byte, n)
	copy(out, b)
	return out
}

func rc4Crypt(key, b []byte) {
	c, err := rc4.NewCipher(key)
	if err != nil {
		return
	}
	c.XORKeyStream(b, b)
}

// userOK reports whether key is the file key of the user password
// (Algorithms 4, 5 and 6).
func (s *security) userOK(key []byte) bool {
	if s.r == 2 {
		u := padded(nil)
		rc4Crypt(key, u)
		return len(s.u) >= 32 && bytes.Equal(u, s.u[:32])
	}
	h := md5.New()
	h.Write(padding)
	h.Write(s.id)
	u := h.Sum(nil)
	rc4Crypt(key, u)
	k := make([]byte, len(key))
	for i := 1; i <= 19; i++ {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		rc4Crypt(k, u)
	}
	return len(s.u) >= 16 && bytes.Equal(u, s.u[:16])
}

// keyRC4Era finds the file key of revisions 2 to 4: with the empty user
// password, or else with the user password that the empty owner password
// unlocks (Algorithm 7).
func (s *security) keyRC4Era() error {
	if key := s.fileKey(nil); s.userOK(key) {
		s.key = key
		return nil
	}
	ok := md5.Sum(padded(nil))
	okey := ok[:]
	if s.r >= 3 {
		for range 50 {
			sum := md5.Sum(okey[:s.n])
			okey = sum[:]
		}
		okey = okey[:s.n]
	} else {
		okey = okey[:5]
	}
	user := fixedLen(s.o, 32)
	if s.r == 2 {
		rc4Crypt(okey, user)
	} else {
		k := make([]byte, len(okey))
		for i := 19; i >= 0; i-- {
			for j := range okey {
				k[j] = okey[j] ^ byte(i)
			}
			rc4Crypt(k, user)
		}
	}
	if key := s.fileKey(user); s.userOK(key) {
		s.key = key
		return nil
	}
	return errPassword
}

// hash2B is the password hash of revisions 5 and 6 (Algorithm 2.B; for
// revision 5, plain SHA-256).
func hash2B(r int, pw, salt, udata []byte) []byte {
	h := sha256.New()
	h.Write(pw)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	if r == 5 {
		return k
	}
	var k1, e []byte
	for i := 0; ; i++ {
		k1 = k1[:0]
		for range 64 {
			k1 = append(k1, pw...)
			k1 = append(k1, k...)
			k1 = append(k1, udata...)
		}
		block, err := aes.NewCipher(k[:16])
		if err != nil {
			return nil
		}
		e = slices.Grow(e[:0], len(k1))[:len(k1)]
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		var hh hash.Hash
		switch sum % 3 {
		case 0:
			hh = sha256.New()
		case 1:
			hh = sha512.New384()
		default:
			hh = sha512.New()
		}
		hh.Write(e)
		k = hh.Sum(k[:0])
		if i >= 63 && int(e[len(e)-1]) <= i-31 {
			break
		}
	}
	return k[:32]
}

// aesNoIV decrypts 32 bytes with AES-256 in CBC mode and a zero IV.
func aesNoIV(key, b []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil || len(b) < 32 {
		return nil
	}
	out := make([]byte, 32)
	cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(out, b[:32])
	return out
}

// keyAES256 finds the file key of revisions 5 and 6 from /UE with the
// empty user password, or else from /OE with the empty owner password.
func (s *security) keyAES256(ue, oe []byte) error {
	if len(s.u) < 48 || len(s.o) < 48 {
		return errors.New("encrypted: short /O or /U")
	}
	if bytes.Equal(hash2B(s.r, nil, s.u[32:40], nil), s.u[:32]) {
		if k := aesNoIV(hash2B(s.r, nil, s.u[40:48], nil), ue); k != nil {
			s.key = k
			return nil
		}
	}
	if bytes.Equal(hash2B(s.r, nil, s.o[32:40], s.u[:48]), s.o[:32]) {
		if k := aesNoIV(hash2B(s.r, nil, s.o[40:48], s.u[:48]), oe); k != nil {
			s.key = k
			return nil
		}
	}
	return errPassword
}

// objKey is the key for one object (Algorithm 1).
func (s *security) objKey(m cryptMethod, id uint32, gen int) []byte {
	if m == cryptAESV3 {
		return s.key
	}
	key, n := s.key, s.n
	if s.v == 4 && m == cryptRC4 && n < 16 {
		// Acrobat pads a short V4 RC4 key with zeros to 16 bytes and uses
		// it as a 16-byte key; the standard does not say.
		key, n = fixedLen(key, 16), 16
	}
	h := md5.New()
	h.Write(key)
	h.Write([]byte{byte(id), byte(id >> 8), byte(id >> 16), byte(gen), byte(gen >> 8)})
	if m == cryptAESV2 {
		h.Write([]byte("sAlT"))
	}
	return h.Sum(nil)[:min(n+5, 16)]
}

// decrypt returns b decrypted for object id gen with method m. AES data
// is an IV followed by the CBC blocks, padded as in PKCS#7; damaged data
// is cut to whole blocks rather than refused.
func (s *security) decrypt(m cryptMethod, id uint32, gen int, b []byte) []byte {
	switch m {
	case cryptRC4:
		out := bytes.Clone(b)
		rc4Crypt(s.objKey(m, id, gen), out)
		return out
	case cryptAESV2, cryptAESV3:
		if len(b) < 32 {
			return nil
		}
		block, err := aes.NewCipher(s.objKey(m, id, gen))
		if err != nil {
			return nil
		}
		body := b[16:]
		out := make([]byte, len(body)/16*16)
		cipher.NewCBCDecrypter(block, b[:16]).CryptBlocks(out, body[:len(out)])
		if n := int(out[len(out)-1]); n >= 1 && n <= 16 && bytes.Count(out[len(out)-n:], out[len(out)-1:]) == n {
			out = out[:len(out)-n]
		}
		return out
	}
	return b
}

// decryptStrings decrypts every string in v in place and returns v.
func (s *security) decryptStrings(v any, id uint32, gen int) any {
	switch x := v.(type) {
	case pStr:
		return pStr(s.decrypt(s.str, id, gen, x))
	case pArr:
		for i := range x {
			x[i] = s.decryptStrings(x[i], id, gen)
		}
	case *pDict:
		for i := range x.vals {
			x.vals[i] = s.decryptStrings(x.vals[i], id, gen)
		}
	}
	return v
}

// encrypted reports whether data looks like an encrypted file.
func encrypted(data []byte) bool {
	return bytes.Contains(data, []byte("/Encrypt")) && encryptRE.Match(data)
}

// fileID returns the first string of the last /ID array in data.
func fileID(data []byte) []byte {
	for end := len(data); end > 0; {
		i := bytes.LastIndex(data[:end], []byte("/ID"))
		if i < 0 {
			return nil
		}
		end = i
		p := objParser{data: data, pos: i + 3}
		p.skipSpace()
		if p.pos >= len(data) || data[p.pos] != '[' {
			continue
		}
		v, err := p.value(0)
		if a, ok := v.(pArr); err == nil && ok && len(a) > 0 {
			if s, ok := a[0].(pStr); ok {
				return s
			}
		}
	}
	return nil
}

// decryptPDF returns an unencrypted copy of an encrypted file. A panic
// (a bug here, not bad input) becomes an error.
func decryptPDF(ctx context.Context, data []byte) (out []byte, err error) {
	defer func() {
		if x := recover(); x != nil {
			out, err = nil, fmt.Errorf("encrypted: %v", x)
		}
	}()
	return decryptFile(ctx, data)
}

// decryptFile is decryptPDF without the recover.
func decryptFile(ctx context.Context, data []byte) ([]byte, error) {
	all := encryptRE.FindAllSubmatch(data, -1)
	if len(all) == 0 {
		return nil, errors.New("encrypted: no /Encrypt reference")
	}
	encID64, _ := strconv.ParseUint(string(all[len(all)-1][1]), 10, 32)
	encID := uint32(encID64)
	objs := scanObjects(data)
	p := &objParser{data: data}
	loc, ok := objs[encID]
	if !ok {
		return nil, fmt.Errorf("encrypted: encryption dictionary %d not found", encID)
	}
	eo, err := p.object(loc.off, nil)
	if err != nil {
		return nil, fmt.Errorf("encrypted: encryption dictionary: %w", err)
	}
	enc, ok := eo.val.(*pDict)
	if !ok {
		return nil, errors.New("encrypted: encryption dictionary is not a dictionary")
	}
	for i := range enc.vals {
		enc.vals[i] = resolveIn(data, objs, enc.vals[i])
	}
	sec, err := newSecurity(enc, fileID(data))
	if err != nil {
		return nil, err
	}
	return rewrite(ctx, data, objs, sec, encID)
}

// rewrite writes every object of data found in objs as a new file with a
// fresh cross-reference section, decrypting with sec when it is not nil
// and leaving out object skip. Objects are read with our own parser,
// which drops dictionary keys that are not names.
func rewrite(ctx context.Context, data []byte, objs map[uint32]objLoc, sec *security, skip uint32) ([]byte, error) {
	p := &objParser{data: data}
	length := func(v any) int64 {
		n, ok := intOf(resolveIn(data, objs, v))
		if !ok {
			return -1
		}
		return n
	}

	ids := make([]uint32, 0, len(objs))
	for id, l := range objs {
		if l.off >= 0 && id != skip {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	buf := make([]byte, 0, len(data)+len(data)/8)
	buf = append(buf, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"...)
	outObjs := make(map[uint32]objLoc, len(ids))
	for k, id := range ids {
		if k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		o, err := p.object(objs[id].off, length)
		if err != nil || o.id != id {
			continue
		}
		d, _ := o.val.(*pDict)
		typ := nameOf(d.get("Type"))
		if o.stream != nil && typ == "XRef" {
			continue
		}
		if sec != nil {
			o.val = sec.decryptStrings(o.val, o.id, o.gen)
		}
		outObjs[id] = objLoc{off: int64(len(buf)), gen: o.gen}
		buf = fmt.Appendf(buf, "%d %d obj\n", o.id, o.gen)
		if o.stream == nil {
			buf = appendValue(buf, o.val)
			buf = append(buf, "\nendobj\n"...)
			continue
		}
		body := o.stream
		if sec != nil {
			m := sec.stm
			if typ == "Metadata" && !sec.encMeta {
				m = cryptNone
			}
			if dropCryptFilter(d) {
				m = cryptNone
			}
			body = sec.decrypt(m, o.id, o.gen, body)
		}
		d.set("Length", pNum(strconv.Itoa(len(body))))
		buf = appendValue(buf, d)
		buf = append(buf, "\nstream\n"...)
		buf = append(buf, body...)
		buf = append(buf, "\nendstream\nendobj\n"...)
	}
	if len(outObjs) == 0 {
		return nil, errors.New("no objects found")
	}
	var trailer []byte
	if root := lastRef(data, rootRE); root != "" {
		trailer = fmt.Appendf(trailer, "/Root %s", root)
	}
	if info := lastRef(data, infoRE); info != "" {
		trailer = fmt.Appendf(trailer, " /Info %s", info)
	}
	return finishXref(buf, outObjs, string(trailer)), nil
}

// resolveIn returns the object v refers to, or v when it is direct.
func resolveIn(data []byte, objs map[uint32]objLoc, v any) any {
	r, ok := v.(pRef)
	if !ok {
		return v
	}
	if l, ok := objs[r.id]; ok && l.off >= 0 {
		q := objParser{data: data}
		if o, err := q.object(l.off, nil); err == nil {
			return o.val
		}
	}
	return nil
}

// dropCryptFilter removes a /Crypt filter from a stream's filter list
// (the library knows no such filter) and reports whether there was one.
// Only the Identity crypt filter is met in practice; a stream with it is
// not encrypted.
func dropCryptFilter(d *pDict) bool {
	switch f := d.get("Filter").(type) {
	case pName:
		if f == "Crypt" {
			d.del("Filter")
			d.del("DecodeParms")
			return true
		}
	case pArr:
		if len(f) > 0 && nameOf(f[0]) == "Crypt" {
			d.set("Filter", f[1:])
			if dp, ok := d.get("DecodeParms").(pArr); ok && len(dp) > 0 {
				d.set("DecodeParms", dp[1:])
			}
			return true
		}
	}
	return false
}
