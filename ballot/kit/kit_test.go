package kit_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestRoundTrip(t *testing.T) {
	office := testSigner(t, "office")
	k := testKit(t, office)
	pin := testPIN(t, "pin")
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sealed, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("sealed kit does not start with the age header: %q", sealed[:min(len(sealed), 40)])
	}
	if bytes.Contains(sealed, []byte("PRIVATE KEY")) || bytes.Contains(sealed, []byte(k.ElectionID)) {
		t.Fatal("the sealed kit shows its contents")
	}
	got, err := kit.Open(sealed, pin)
	if err != nil {
		t.Fatal(err)
	}
	if got.Format != kit.Format || got.ElectionID != k.ElectionID || got.District != k.District ||
		got.Station != k.Station || !got.IssuedAt.Equal(k.IssuedAt) || got.IssuedAt.Location() != time.UTC {
		t.Errorf("fields differ:\n got %+v\nwant %+v", got, k)
	}
	if !bytes.Equal(got.Package, k.Package) {
		t.Error("package did not come back byte for byte")
	}
	if !got.OfficeKey.Equal(k.OfficeKey) || got.StationKey.KeyID() != k.StationKey.KeyID() {
		t.Error("keys differ")
	}
	if !slices.Equal(got.TallyURLs, k.TallyURLs) {
		t.Errorf("tally URLs %q, want %q", got.TallyURLs, k.TallyURLs)
	}
	// The station key must sign what the office's key ring for the
	// district accepts.
	def, hash, err := got.Definition()
	if err != nil || def.Election.ID != k.ElectionID || hash != seal.PackageHash(musterstadt(t)) {
		t.Fatalf("Definition: %v, %q", err, hash)
	}
}

func TestRoundTripWithoutURLs(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	k.TallyURLs = nil
	k.Format = "" // Seal fills it in
	pin := testPIN(t, "pin")
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	got, err := kit.Open(sealed, pin)
	if err != nil {
		t.Fatal(err)
	}
	if got.TallyURLs != nil || got.Format != kit.Format {
		t.Errorf("got urls %q, format %q", got.TallyURLs, got.Format)
	}
}

func TestSealIsRandomized(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	a, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	b, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two seals of one kit are equal; age must draw a fresh salt")
	}
}

func TestOpenPINSpellings(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	digits := strings.ReplaceAll(pin, "-", "")
	for _, typed := range []string{
		pin, digits, strings.ReplaceAll(pin, "-", " "), " " + pin + "\n", pin + "\r\n",
	} {
		if _, err := kit.Open(sealed, typed); err != nil {
			t.Errorf("Open with %q: %v", typed, err)
		}
	}
}

func TestOpenWrongPIN(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	sealed, err := kit.Seal(k, testPIN(t, "pin"), fast)
	if err != nil {
		t.Fatal(err)
	}
	other := testPIN(t, "another pin")
	_, err = kit.Open(sealed, other)
	wantCode(t, err, kit.CodePINWrong)
	if !strings.Contains(err.Error(), "does not open") {
		t.Errorf("message %q does not say the PIN does not open the kit", err)
	}
}

func TestOpenMistypedPIN(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	typo := []byte(pin)
	typo[6] = '0' + (typo[6]-'0'+1)%10
	for _, typed := range []string{string(typo), pin[:len(pin)-1], ""} {
		_, err := kit.Open(sealed, typed)
		wantCode(t, err, kit.CodePINWrong)
		if !strings.Contains(err.Error(), "mistyped") {
			t.Errorf("Open with %q: message %q does not say mistyped", typed, err)
		}
	}
}

func TestOpenFlippedByte(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	header := bytes.Index(sealed, []byte("\n---")) // the MAC line ends the header
	end := header + bytes.IndexByte(sealed[header+1:], '\n') + 2
	if header < 0 || end <= header {
		t.Fatal("no age header found")
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	// Every byte of the header. A changed salt, work factor or wrapped file
	// key ("-> scrypt SALT 10\nBODY") makes scrypt derive another key, just
	// as another PIN does, so it may read as kit-pin-wrong; everything else
	// must be damage.
	stanza := bytes.Index(sealed, []byte("-> scrypt ")) + len("-> scrypt ")
	for i := 0; i < end; i++ {
		_, err := kit.Open(flip(i), pin)
		code := kit.CodeOf(err)
		if code == kit.CodeDamaged || code == kit.CodePINWrong && stanza <= i && i < header {
			continue
		}
		t.Fatalf("header byte %d (%q) flipped: got %v", i, sealed[i], err)
	}
	// The payload is authenticated chunk by chunk: each sampled byte must
	// be damage.
	for i := end; i < len(sealed); i += 1 + (len(sealed)-end)/200 {
		_, err := kit.Open(flip(i), pin)
		wantCode(t, err, kit.CodeDamaged)
	}
	_, err = kit.Open(flip(len(sealed)-1), pin)
	wantCode(t, err, kit.CodeDamaged)
	for _, cut := range []int{len(sealed) - 1, len(sealed) / 2, end, 10, 0} {
		_, err := kit.Open(sealed[:cut], pin)
		wantCode(t, err, kit.CodeDamaged)
	}
	_, err = kit.Open(append(bytes.Clone(sealed), 0), pin)
	wantCode(t, err, kit.CodeDamaged)
}

func TestOpenNotAKit(t *testing.T) {
	pin := testPIN(t, "pin")
	for _, b := range [][]byte{nil, []byte("1234-5678"), []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n")} {
		_, err := kit.Open(b, pin)
		wantCode(t, err, kit.CodeDamaged)
	}
	// An age file sealed for a key rather than with a PIN.
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("{}"))
	w.Close()
	_, err = kit.Open(buf.Bytes(), pin)
	wantCode(t, err, kit.CodeFormatUnknown)
}

// sealJSON seals arbitrary contents with a PIN, as an attacker with the
// PIN or a buggy writer could.
func sealJSON(t *testing.T, contents []byte, pin string) []byte {
	t.Helper()
	return sealWith(t, contents, pin, testWorkFactor)
}

// contentsOf returns the JSON that Seal puts inside the age file.
func contentsOf(t *testing.T, k kit.Kit, pin string) []byte {
	t.Helper()
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := age.NewScryptIdentity(kit.NormalizePIN(pin))
	r, err := age.Decrypt(bytes.NewReader(sealed), id)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenStrictContents(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	good := contentsOf(t, k, pin)
	if _, err := kit.Open(sealJSON(t, good, pin), pin); err != nil {
		t.Fatalf("the contents Seal writes do not open: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(good, &m); err != nil {
		t.Fatal(err)
	}
	reencode := func(edit func(map[string]any)) []byte {
		c := map[string]any{}
		for k, v := range m {
			c[k] = v
		}
		edit(c)
		b, _ := json.Marshal(c) // sorted members: not Seal's order
		return b
	}
	cases := map[string]struct {
		contents []byte
		code     kit.Code
	}{
		"not json":        {[]byte("not json"), kit.CodeDamaged},
		"array":           {[]byte("[1]"), kit.CodeDamaged},
		"no format":       {[]byte(`{"election_id":"x"}`), kit.CodeDamaged},
		"later format":    {[]byte(`{"format":"wahlkoffer-kit/2","new":1}`), kit.CodeFormatUnknown},
		"trailing data":   {append(bytes.Clone(good), []byte(" {}")...), kit.CodeDamaged},
		"trailing space":  {append(bytes.Clone(good), '\n'), kit.CodeDamaged},
		"unknown member":  {bytes.Replace(good, []byte(`{"format"`), []byte(`{"extra":1,"format"`), 1), kit.CodeDamaged},
		"duplicate":       {bytes.Replace(good, []byte(`"district":"101"`), []byte(`"district":"102","district":"101"`), 1), kit.CodeDamaged},
		"case variant":    {bytes.Replace(good, []byte(`"district"`), []byte(`"District"`), 1), kit.CodeDamaged},
		"member order":    {reencode(func(map[string]any) {}), kit.CodeDamaged},
		"null urls":       {bytes.Replace(good, []byte(`"tally_urls":["https://wahl.musterstadt.example/","http://10.0.0.5:8443/"]`), []byte(`"tally_urls":null`), 1), kit.CodeDamaged},
		"local time":      {bytes.Replace(good, []byte(`"2026-03-01T09:30:00Z"`), []byte(`"2026-03-01T10:30:00+01:00"`), 1), kit.CodeDamaged},
		"bad station key": {bytes.Replace(good, []byte(`PRIVATE KEY`), []byte(`PUBLIC KEY`), 2), kit.CodeDamaged},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if bytes.Equal(c.contents, good) {
				t.Fatal("the edit changed nothing")
			}
			_, err := kit.Open(sealJSON(t, c.contents, pin), pin)
			wantCode(t, err, c.code)
		})
	}
}

func TestForeignPackage(t *testing.T) {
	office := testSigner(t, "office")
	k := testKit(t, testSigner(t, "another office")) // package by another office
	k.OfficeKey = office.Public()
	pin := testPIN(t, "pin")
	_, err := kit.Seal(k, pin, fast)
	wantCode(t, err, kit.CodeForeign)
	sealed, err := kit.SealUnchecked(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	_, err = kit.Open(sealed, pin)
	wantCode(t, err, kit.CodeForeign)
}

func TestForeignDistrictAndElection(t *testing.T) {
	office := testSigner(t, "office")
	pin := testPIN(t, "pin")
	for name, edit := range map[string]func(*kit.Kit){
		"district not in definition": func(k *kit.Kit) { k.District = "999" },
		"another election":           func(k *kit.Kit) { k.ElectionID = "musterstadt-2020" },
	} {
		t.Run(name, func(t *testing.T) {
			k := testKit(t, office)
			edit(&k)
			wantCode(t, k.Check(), kit.CodeForeign)
			_, err := kit.Seal(k, pin, fast)
			wantCode(t, err, kit.CodeForeign)
			sealed, err := kit.SealUnchecked(k, pin, fast)
			if err != nil {
				t.Fatal(err)
			}
			_, err = kit.Open(sealed, pin)
			wantCode(t, err, kit.CodeForeign)
		})
	}
}

func TestCheck(t *testing.T) {
	office := testSigner(t, "office")
	if err := testKit(t, office).Check(); err != nil {
		t.Fatalf("a complete kit fails Check: %v", err)
	}
	receipt, err := seal.IssueReceipt(office, seal.Receipt{
		EnvelopeSHA256: strings.Repeat("a", 64), ReceivedAt: time.Now(), District: "101", Station: "s", Seq: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		edit func(*kit.Kit)
		code kit.Code
	}{
		"other format":        {func(k *kit.Kit) { k.Format = "wahlkoffer-kit/2" }, kit.CodeFormatUnknown},
		"no election":         {func(k *kit.Kit) { k.ElectionID = "" }, kit.CodeDamaged},
		"no district":         {func(k *kit.Kit) { k.District = "" }, kit.CodeDamaged},
		"no station":          {func(k *kit.Kit) { k.Station = "" }, kit.CodeDamaged},
		"station with tab":    {func(k *kit.Kit) { k.Station = "a\tb" }, kit.CodeDamaged},
		"long station":        {func(k *kit.Kit) { k.Station = strings.Repeat("s", seal.MaxIDLength+1) }, kit.CodeDamaged},
		"no time":             {func(k *kit.Kit) { k.IssuedAt = time.Time{} }, kit.CodeDamaged},
		"ftp url":             {func(k *kit.Kit) { k.TallyURLs = []string{"ftp://x/"} }, kit.CodeDamaged},
		"relative url":        {func(k *kit.Kit) { k.TallyURLs = []string{"/v1/envelopes"} }, kit.CodeDamaged},
		"url with password":   {func(k *kit.Kit) { k.TallyURLs = []string{"https://u:p@x/"} }, kit.CodeDamaged},
		"no office key":       {func(k *kit.Kit) { k.OfficeKey = nil }, kit.CodeDamaged},
		"no station key":      {func(k *kit.Kit) { k.StationKey = seal.Signer{} }, kit.CodeDamaged},
		"office key twice":    {func(k *kit.Kit) { k.StationKey = office }, kit.CodeDamaged},
		"no package":          {func(k *kit.Kit) { k.Package = nil }, kit.CodeDamaged},
		"receipt as package":  {func(k *kit.Kit) { k.Package = receipt }, kit.CodeDamaged},
		"unsigned definition": {func(k *kit.Kit) { k.Package = musterstadt(t) }, kit.CodeDamaged},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			k := testKit(t, office)
			c.edit(&k)
			wantCode(t, k.Check(), c.code)
		})
	}
}

func TestSealRefusesWeakPIN(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	typo := []byte(pin)
	typo[0] = '0' + (typo[0]-'0'+1)%10
	for _, weak := range []string{"", "1234", "1234-5678-9012", "----------------------", string(typo)} {
		_, err := kit.Seal(k, weak, fast)
		wantCode(t, err, kit.CodePINWeak)
	}
	// A hand-chosen passphrase of enough length is the office's choice.
	chosen := "Kleiner Wahlkoffer für Bezirk 101"
	sealed, err := kit.Seal(k, chosen, fast)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kit.Open(sealed, chosen); err != nil {
		t.Fatal(err)
	}
}

func TestSealWorkFactor(t *testing.T) {
	k := testKit(t, testSigner(t, "office"))
	pin := testPIN(t, "pin")
	for _, wf := range []int{-1, kit.MaxWorkFactor + 1} {
		if _, err := kit.Seal(k, pin, kit.SealOptions{WorkFactor: wf}); err == nil {
			t.Errorf("work factor %d accepted", wf)
		}
	}
	sealed, err := kit.Seal(k, pin, fast)
	if err != nil {
		t.Fatal(err)
	}
	// The work factor is the second argument of the scrypt stanza.
	if !bytes.Contains(sealed, []byte(" 10\n")) {
		t.Errorf("work factor 10 not in the age header: %q", sealed[:120])
	}
}

func TestCodes(t *testing.T) {
	seen := map[kit.Code]bool{}
	for _, c := range kit.Codes {
		if seen[c] || !strings.HasPrefix(string(c), "kit-") {
			t.Errorf("code %q duplicated or not prefixed", c)
		}
		seen[c] = true
	}
	err := error(&kit.Error{Code: kit.CodeForeign, Msg: "m"})
	if kit.CodeOf(err) != kit.CodeForeign || kit.CodeOf(nil) != "" {
		t.Error("CodeOf")
	}
}

// BenchmarkOpen opens a kit sealed at the default work factor: what a poll
// worker waits for at set-up and at every start that signs.
func BenchmarkOpen(b *testing.B) {
	k := testKit(b, testSigner(b, "office"))
	pin := testPIN(b, "pin")
	sealed, err := kit.Seal(k, pin, kit.SealOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := kit.Open(sealed, pin); err != nil {
			b.Fatal(err)
		}
	}
}
