package pdf

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cqcmine/cqcmine/extract"
	"github.com/cqcmine/cqcmine/internal/shared"
)

// encCase describes one encrypted test file.
type encCase struct {
	name     string
	v, r     int
	bits     int    // /Length of the encryption dictionary, 0 to leave out
	cfm      string // crypt filter method for V4 and V5
	userPW   string // "" opens without a password
	encMeta  bool
	lenRef   bool // the content stream's /Length is an indirect object
	noID     bool // no /ID in the trailer
	wantFail bool
}

// testFileKey is the AES-256 file key of the V5 test files.
var testFileKey = []byte("0123456789abcdef0123456789ABCDEF")

// encryptCBC encrypts b with AES in CBC mode after a fixed IV, padded as
// PKCS#7.
func encryptCBC(key, b []byte) []byte {
	n := 16 - len(b)%16
	b = append(bytes.Clone(b), bytes.Repeat([]byte{byte(n)}, n)...)
	iv := []byte("initialisation!!")
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := append(bytes.Clone(iv), make([]byte, len(b))...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[16:], b)
	return out
}

// writerKey is the object key as a writer computes it (Algorithm 1),
// written out again here so that the test does not lean on objKey.
func (s *security) writerKey(m cryptMethod, id uint32, gen int) []byte {
	if m == cryptAESV3 {
		return s.key
	}
	key := s.key
	if s.v == 4 && m == cryptRC4 {
		key = append(bytes.Clone(key), make([]byte, 16-len(key))...)
	}
	salt := ""
	if m == cryptAESV2 {
		salt = "sAlT"
	}
	sum := md5.Sum(append(append(bytes.Clone(key), byte(id), byte(id>>8), byte(id>>16), byte(gen), byte(gen>>8)), salt...))
	return sum[:min(len(key)+5, 16)]
}

// encrypt is the inverse of security.decrypt.
func (s *security) encrypt(m cryptMethod, id uint32, gen int, b []byte) []byte {
	switch m {
	case cryptRC4:
		out := bytes.Clone(b)
		rc4Crypt(s.writerKey(m, id, gen), out)
		return out
	case cryptAESV2, cryptAESV3:
		return encryptCBC(s.writerKey(m, id, gen), b)
	}
	return b
}

// setupSecurity fills in /O, /U (and /OE, /UE) and the file key of s for
// the owner password "owner" and the given user password, the way a
// writer does (Algorithms 3, 4, 5, 8, 9 of ISO 32000).
func setupSecurity(s *security, userPW string) (oe, ue []byte) {
	if s.v == 5 {
		vs, ks := []byte("uvalsalt"), []byte("ukeysalt")
		s.u = append(append(hash2B(s.r, []byte(userPW), vs, nil), vs...), ks...)
		ue = encryptNoIV(hash2B(s.r, []byte(userPW), ks, nil), testFileKey)
		ovs, oks := []byte("ovalsalt"), []byte("okeysalt")
		s.o = append(append(hash2B(s.r, []byte("owner"), ovs, s.u), ovs...), oks...)
		oe = encryptNoIV(hash2B(s.r, []byte("owner"), oks, s.u), testFileKey)
		s.key = testFileKey
		return oe, ue
	}
	ok := md5.Sum(padded([]byte("owner")))
	okey := ok[:]
	if s.r >= 3 {
		for range 50 {
			sum := md5.Sum(okey[:s.n])
			okey = sum[:]
		}
	}
	okey = okey[:s.n]
	if s.r == 2 {
		okey = okey[:5]
	}
	o := padded([]byte(userPW))
	rc4Crypt(okey, o)
	if s.r >= 3 {
		k := make([]byte, len(okey))
		for i := 1; i <= 19; i++ {
			for j := range okey {
				k[j] = okey[j] ^ byte(i)
			}
			rc4Crypt(k, o)
		}
	}
	s.o = o
	s.key = s.fileKey([]byte(userPW))
	if s.r == 2 {
		u := padded(nil)
		rc4Crypt(s.key, u)
		s.u = u
		return nil, nil
	}
	h := md5.New()
	h.Write(padding)
	h.Write(s.id)
	u := h.Sum(nil)
	rc4Crypt(s.key, u)
	k := make([]byte, len(s.key))
	for i := 1; i <= 19; i++ {
		for j := range s.key {
			k[j] = s.key[j] ^ byte(i)
		}
		rc4Crypt(k, u)
	}
	s.u = append(u, bytes.Repeat([]byte{0xAB}, 16)...)
	return nil, nil
}

func encryptNoIV(key, b []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(b))
	cipher.NewCBCEncrypter(block, make([]byte, 16)).CryptBlocks(out, b)
	return out
}

// buildEncrypted writes a one-page encrypted PDF whose page says body and
// whose title is title.
func buildEncrypted(c encCase, title, body string) []byte {
	id := []byte("cqcmine-test-id!")
	if c.noID {
		id = nil
	}
	s := &security{v: c.v, r: c.r, p: 0xFFFFF0C4, id: id, encMeta: c.encMeta}
	switch c.v {
	case 1:
		s.n, s.stm, s.str = 5, cryptRC4, cryptRC4
	case 2:
		s.n, s.stm, s.str = c.bits/8, cryptRC4, cryptRC4
	case 4:
		s.n = 16
		if c.bits > 0 {
			s.n = c.bits / 8
		}
		m := cryptRC4
		if c.cfm == "AESV2" {
			m = cryptAESV2
		}
		s.stm, s.str = m, m
	case 5:
		s.n, s.stm, s.str = 32, cryptAESV3, cryptAESV3
	}
	oe, ue := setupSecurity(s, c.userPW)

	enc := &pDict{}
	enc.set("Filter", pName("Standard"))
	enc.set("V", pNum(fmt.Sprint(c.v)))
	enc.set("R", pNum(fmt.Sprint(c.r)))
	if c.bits > 0 {
		enc.set("Length", pNum(fmt.Sprint(c.bits)))
	}
	enc.set("O", pStr(s.o))
	enc.set("U", pStr(s.u))
	enc.set("P", pNum(fmt.Sprint(int32(s.p))))
	if c.v >= 4 {
		std := &pDict{}
		std.set("CFM", pName(c.cfm))
		std.set("AuthEvent", pName("DocOpen"))
		std.set("Length", pNum(fmt.Sprint(s.n)))
		cf := &pDict{}
		cf.set("StdCF", std)
		enc.set("CF", cf)
		enc.set("StmF", pName("StdCF"))
		enc.set("StrF", pName("StdCF"))
	}
	if !c.encMeta {
		enc.set("EncryptMetadata", pKW("false"))
	}
	if c.v == 5 {
		enc.set("OE", pStr(oe))
		enc.set("UE", pStr(ue))
	}

	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offs := map[int]int{}
	write := func(id int, v any, stream []byte) {
		offs[id] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", id)
		b.Write(appendValue(nil, v))
		if stream != nil {
			b.WriteString("\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	str := func(id int, t string) pStr { return pStr(s.encrypt(s.str, uint32(id), 0, []byte(t))) }
	parse := func(t string) any {
		p := objParser{data: []byte(t)}
		v, err := p.value(0)
		if err != nil {
			panic(err)
		}
		return v
	}
	write(1, parse("<< /Type /Catalog /Pages 2 0 R /Metadata 9 0 R >>"), nil)
	write(2, parse("<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 612 792] >>"), nil)
	write(3, parse("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"), nil)
	write(4, parse("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"), nil)
	content := s.encrypt(s.stm, 5, 0, []byte("BT /F1 12 Tf 72 700 Td ("+body+") Tj ET"))
	cd := &pDict{}
	if c.lenRef {
		cd.set("Length", pRef{6, 0})
	} else {
		cd.set("Length", pNum(fmt.Sprint(len(content))))
	}
	write(5, cd, content)
	write(6, pNum(fmt.Sprint(len(content))), nil)
	info := &pDict{}
	info.set("Title", str(7, title))
	info.set("Producer", pArr{str(7, "cqcmine test"), pNum("1")})
	write(7, info, nil)
	write(8, enc, nil)
	meta := []byte("<x:xmpmeta>plain metadata</x:xmpmeta>")
	if c.encMeta {
		meta = s.encrypt(s.stm, 9, 0, meta)
	}
	md := &pDict{}
	md.set("Type", pName("Metadata"))
	md.set("Subtype", pName("XML"))
	md.set("Length", pNum(fmt.Sprint(len(meta))))
	write(9, md, meta)

	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 10\n0000000000 65535 f \n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offs[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 10 /Root 1 0 R /Info 7 0 R /Encrypt 8 0 R")
	if id != nil {
		fmt.Fprintf(&b, " /ID [<%x> <%x>]", id, id)
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

var encCases = []encCase{
	{name: "RC4 40-bit R2", v: 1, r: 2, encMeta: true},
	{name: "RC4 40-bit R2 no ID", v: 1, r: 2, encMeta: true, noID: true},
	{name: "RC4 128-bit R3", v: 2, r: 3, bits: 128, encMeta: true, lenRef: true},
	{name: "RC4 56-bit R3", v: 2, r: 3, bits: 56, encMeta: true},
	{name: "AESV2 R4 crypt filter", v: 4, r: 4, bits: 128, cfm: "AESV2", encMeta: true, lenRef: true},
	{name: "AESV2 R4 metadata in clear", v: 4, r: 4, cfm: "AESV2", encMeta: false},
	{name: "RC4 crypt filter R4", v: 4, r: 4, bits: 128, cfm: "V2", encMeta: true},
	{name: "RC4 40-bit crypt filter R4", v: 4, r: 4, bits: 40, cfm: "V2", encMeta: false},
	{name: "AES-256 R6", v: 5, r: 6, bits: 256, cfm: "AESV3", encMeta: true, lenRef: true},
	{name: "AES-256 R5", v: 5, r: 5, bits: 256, cfm: "AESV3", encMeta: true},
	{name: "RC4 128-bit user password", v: 2, r: 3, bits: 128, encMeta: true, userPW: "secret", wantFail: true},
	{name: "AES-256 R6 user password", v: 5, r: 6, bits: 256, cfm: "AESV3", encMeta: true, userPW: "secret", wantFail: true},
}

func TestDecrypt(t *testing.T) {
	const body = "The ward was safe \\(mostly\\) and well led"
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			data := buildEncrypted(c, "Riverside ward report", body)
			got, err := Extractor{}.Extract(context.Background(), data, extract.Limits{})
			if c.wantFail {
				if err == nil || !strings.Contains(err.Error(), "needs a password") {
					t.Fatalf("error %v, want one saying a password is needed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := "The ward was safe (mostly) and well led"; !strings.Contains(got.Text(), want) {
				t.Errorf("text %q, want %q", got.Text(), want)
			}
			if got.Title != "Riverside ward report" {
				t.Errorf("title %q", got.Title)
			}
			plain, err := decryptPDF(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(plain[bytes.LastIndex(plain, []byte("startxref"))-400:], []byte("/Encrypt")) {
				t.Errorf("the decrypted copy still has /Encrypt in its trailer")
			}
			if !bytes.Contains(plain, []byte("<x:xmpmeta>plain metadata</x:xmpmeta>")) {
				t.Errorf("metadata not in clear in the decrypted copy")
			}
		})
	}
}

// TestDecryptRealFiles reads the encrypted files of the real corpus that
// pdftotext reads, and checks words that pdftotext finds in them.
func TestDecryptRealFiles(t *testing.T) {
	dir := shared.Dir(t, "pdfs/real")
	for _, tc := range []struct {
		file string
		want []string // "" as the only entry: no text layer expected
	}{
		{"pr-138-example.pdf", []string{"Home Loan Interest Rates", "Interest Only"}},  // V4 RC4 crypt filter, 128-bit
		{"issue19484_1.pdf", []string{"under-documented encryption scheme"}},           // V4 RC4 40-bit, key padded as Acrobat does
		{"issue19484_2.pdf", []string{"under-documented encryption scheme"}},           // V4 RC4 48-bit
		{"dmca.pdf", []string{"DIGITAL MILLENNIUM COPYRIGHT ACT", "Copyright Office"}}, // V1 R2 RC4 40-bit
		{"empty_protected.pdf", nil},     // V5 R6 AES-256, blank page
		{"pr6531_2.pdf", nil},            // V5 R6, text only in an annotation
		{"encrypted_doc_no_id.pdf", nil}, // R2 without /ID, scanned pages
		{"kampo.pdf", nil},               // R2; Japanese in a predefined CID collection
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := decryptPDF(context.Background(), fixHeader(data)); err != nil {
				t.Fatalf("decrypt: %v", err)
			}
			c, err := Extractor{KeepFurniture: true}.Extract(context.Background(), data, extract.DefaultLimits)
			if tc.want == nil {
				if err != nil && !extract.IsNeedsOCR(err) {
					t.Fatalf("Extract: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(c.Text(), w) {
					t.Errorf("text lacks %q", w)
				}
			}
		})
	}
}

func TestHash2B(t *testing.T) {
	// Revision 5 is plain SHA-256; revision 6 must differ from it and be
	// stable.
	a := hash2B(6, []byte("pw"), []byte("saltsalt"), nil)
	b := hash2B(6, []byte("pw"), []byte("saltsalt"), nil)
	c := hash2B(5, []byte("pw"), []byte("saltsalt"), nil)
	if len(a) != 32 || !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Errorf("hash2B: %x %x %x", a, b, c)
	}
}

// FuzzDecrypt checks that no input makes the decryptor panic.
func FuzzDecrypt(f *testing.F) {
	for _, c := range encCases[:9] {
		f.Add(buildEncrypted(c, "T", "Safe and caring"))
	}
	aes := buildEncrypted(encCases[4], "T", "x")
	f.Add(bytes.Replace(aes, []byte("/Length 43"), []byte("/Length 4"), 1))
	f.Add(aes[:len(aes)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := decryptFile(context.Background(), data)
		if err == nil && len(out) == 0 {
			t.Fatal("no output and no error")
		}
	})
}
