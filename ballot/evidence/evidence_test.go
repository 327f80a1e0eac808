package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestRoundTrip(t *testing.T) {
	f := musterstadtFixture(t)
	data := f.file(t)
	items, sum, err := readAll(data, f.office.Public())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(f.entries) || sum.Count != uint64(len(f.entries)) {
		t.Fatalf("%d items, count %d; want %d", len(items), sum.Count, len(f.entries))
	}
	kinds := map[ballot.RecordKind]int{}
	for i, it := range items {
		e := f.entries[i]
		if !bytes.Equal(it.Envelope, e.envelope) || !bytes.Equal(it.RawReceipt, e.receipt) {
			t.Fatalf("item %d: envelope or receipt did not come back byte for byte", i)
		}
		if it.Line != 2+1+i || it.EnvelopeHash != seal.EnvelopeHash(e.envelope) || it.Receipt.EnvelopeSHA256 != it.EnvelopeHash {
			t.Errorf("item %d: line %d, hash %s", i, it.Line, it.EnvelopeHash)
		}
		if it.Key.District != it.Record.District || it.Key.Station != it.Record.Station {
			t.Errorf("item %d: key %+v for record %+v", i, it.Key, it.Record.Header)
		}
		// The body is decoded into the kind's type and equals what was signed.
		op, err := seal.OpenRecord(e.envelope, seal.Keys{it.Key.ID(): it.Key.PublicKey})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := op.Decode(ballot.DecodeRecord)
		if !reflect.DeepEqual(it.Record, want) {
			t.Errorf("item %d: record %+v, want %+v", i, it.Record, want)
		}
		kinds[it.Record.Kind]++
	}
	if len(kinds) != len(ballot.RecordKinds) {
		t.Errorf("the fixture covers kinds %v, want all %d", kinds, len(ballot.RecordKinds))
	}
	if c, ok := items[7].Record.Body.(*ballot.Count); !ok || c.Postal == nil || c.Postal.Rejected != 8 {
		t.Errorf("postal count came back as %#v", items[7].Record.Body)
	}
	if sum.ElectionID != "musterstadt-2026" || !sum.OfficeKey.Equal(f.office.Public()) ||
		!bytes.Equal(sum.Package, f.header.Package) || sum.PackageHash != f.pkgHash ||
		sum.Definition == nil || len(sum.Definition.Districts) != 50 || !sum.ExportedAt.Equal(f.header.ExportedAt) {
		t.Errorf("summary %+v", sum)
	}
	if len(sum.Keys) != len(f.keys) || sum.Keys[0].District != "101" || sum.Keys[0].RevokedAt.IsZero() || sum.Keys[3].District != "901" {
		t.Errorf("keys %+v", sum.Keys)
	}

	// Without a trusted key, the file's own comes back.
	_, sum2, err := readAll(data, nil)
	if err != nil || !sum2.OfficeKey.Equal(f.office.Public()) {
		t.Fatalf("reading without a key: %v, %x", err, sum2.OfficeKey)
	}
}

func TestReaderAPI(t *testing.T) {
	f := smallFixture(t)
	r, err := evidence.NewReader(bytes.NewReader(f.file(t)), f.office.Public())
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Summary(); s.Definition == nil || s.Count != 0 || len(s.Keys) != 2 {
		t.Fatalf("summary before the records: %+v", s)
	}
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next after the end: %v", err)
	}
	if s := r.Summary(); n != 3 || s.Count != 3 || len(s.Chain) != 64 {
		t.Errorf("%d records, summary %+v", n, s)
	}
}

func TestNoRecords(t *testing.T) {
	f := smallFixture(t)
	data := f.write(t, nil)
	items, sum, err := readAll(data, f.office.Public())
	if err != nil || len(items) != 0 || sum.Count != 0 || sum.Chain != strings.Repeat("0", 64) {
		t.Fatalf("%v, %d items, %+v", err, len(items), sum)
	}
	g := newFixture(t, "buergerentscheid.json")
	if _, _, err := readAll(g.write(t, nil), nil); err != nil {
		t.Fatalf("a file without keys and records: %v", err)
	}
}

func TestWriterDeterministic(t *testing.T) {
	a, b := musterstadtFixture(t).file(t), musterstadtFixture(t).file(t)
	if !bytes.Equal(a, b) {
		t.Error("the same election gives two different files")
	}
	// The order keys are handed over in does not matter.
	f := musterstadtFixture(t)
	f.keys[0], f.keys[3] = f.keys[3], f.keys[0]
	if !bytes.Equal(a, f.file(t)) {
		t.Error("the key order changes the file")
	}
}

// TestFormat checks the file against the format as documented, computing
// every hash of the manifest independently.
func TestFormat(t *testing.T) {
	f := smallFixture(t)
	data := f.file(t)
	ls := lines(data)
	if len(ls) != 1+1+3+1 {
		t.Fatalf("%d lines:\n%s", len(ls), describe(ls))
	}
	for i, l := range ls {
		if bytes.ContainsAny(l[:len(l)-1], "\n\r") || !json.Valid(l) {
			t.Errorf("line %d is not one JSON value on one line", i+1)
		}
	}
	var header struct {
		Format, ElectionID, ExportedAt, OfficeKey, Package string
	}
	mustDecodeOrdered(t, ls[0], []string{"format", "election_id", "exported_at", "office_key", "package"}, &header)
	pem, _ := seal.MarshalPublicKeyPEM(f.office.Public())
	if header.Format != "wahlkoffer-evidence/1" || header.ElectionID != "be-freibad-2026" ||
		header.ExportedAt != "2026-03-09T12:00:00Z" || header.OfficeKey != string(pem) || header.Package != string(f.header.Package) {
		t.Errorf("header %+v", header)
	}
	var keys struct{ Keys string }
	mustDecodeOrdered(t, ls[1], []string{"keys"}, &keys)
	keysPayload := payloadOf(t, keys.Keys, evidence.KeysPayloadType)
	mustDecodeOrdered(t, keysPayload, []string{"election_id", "package_hash", "part", "parts", "keys"}, nil)
	if !strings.Contains(string(keysPayload), `"part":1,"parts":1,"keys":[{"key_id":"`+string(f.keys[0].ID())+`","public_key":"-----BEGIN PUBLIC KEY-----\n`) ||
		!strings.Contains(string(keysPayload), `","district":"1","station":"st-1","enrolled_at":"2026-03-05T00:00:00Z"}`) {
		t.Errorf("key list payload %s", keysPayload)
	}
	chain := make([]byte, 32)
	for i, e := range f.entries {
		var rec struct{ Envelope, Receipt string }
		mustDecodeOrdered(t, ls[2+i], []string{"envelope", "receipt"}, &rec)
		if rec.Envelope != string(e.envelope) || rec.Receipt != string(e.receipt) {
			t.Errorf("record line %d does not hold its envelope and receipt verbatim", 3+i)
		}
		es, rs := sha256.Sum256(e.envelope), sha256.Sum256(e.receipt)
		sum := sha256.Sum256(append(append(chain, es[:]...), rs[:]...))
		chain = sum[:]
	}
	var man struct{ Manifest string }
	mustDecodeOrdered(t, ls[5], []string{"manifest"}, &man)
	var m struct {
		Format, ElectionID, PackageHash, HeaderSHA256, KeysSHA256, Chain string
		Count                                                            uint64
		Certifications                                                   []evidence.Certification
	}
	mustDecodeOrdered(t, payloadOf(t, man.Manifest, evidence.ManifestPayloadType),
		[]string{"format", "election_id", "package_hash", "header_sha256", "keys_sha256", "count", "chain", "certifications"}, &m)
	if m.Certifications == nil || len(m.Certifications) != 0 {
		t.Errorf("certifications of a file without any: %#v, want []", m.Certifications)
	}
	hs := sha256.Sum256(ls[0][:len(ls[0])-1])
	ks := sha256.Sum256([]byte(keys.Keys))
	kss := sha256.Sum256(ks[:])
	if m.Format != evidence.Format || m.ElectionID != "be-freibad-2026" || m.PackageHash != f.pkgHash ||
		m.HeaderSHA256 != hex.EncodeToString(hs[:]) || m.KeysSHA256 != hex.EncodeToString(kss[:]) ||
		m.Count != 3 || m.Chain != hex.EncodeToString(chain) {
		t.Errorf("manifest %+v", m)
	}
}

// mustDecodeOrdered checks that b is a JSON object with exactly the given
// members in that order and decodes it into v (member names matched
// without underscores, e.g. election_id into ElectionID).
func mustDecodeOrdered(t *testing.T, b []byte, members []string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%.60s: not an object", b)
	}
	var got []string
	for dec.More() {
		tok, _ := dec.Token()
		got = append(got, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(got, ",") != strings.Join(members, ",") {
		t.Fatalf("members %v, want %v", got, members)
	}
	if v != nil {
		plain := strings.ReplaceAll(string(b), "_sha256\"", "sha256\"")
		plain = strings.NewReplacer(`"election_id"`, `"electionid"`, `"exported_at"`, `"exportedat"`,
			`"office_key"`, `"officekey"`, `"package_hash"`, `"packagehash"`).Replace(plain)
		if err := json.Unmarshal([]byte(plain), v); err != nil {
			t.Fatal(err)
		}
	}
}

// payloadOf returns the payload of an office envelope of the given type.
func payloadOf(t *testing.T, env, payloadType string) []byte {
	t.Helper()
	var e struct{ Payload, PayloadType string }
	if err := json.Unmarshal([]byte(env), &e); err != nil || e.PayloadType != payloadType {
		t.Fatalf("envelope %.80s: %v", env, err)
	}
	p, err := base64.StdEncoding.DecodeString(e.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWrongOfficeKey(t *testing.T) {
	f := smallFixture(t)
	_, _, err := readAll(f.file(t), testSigner(t, "another office").Public())
	wantCode(t, err, evidence.CodeOfficeKey, 1)
}

func TestFnError(t *testing.T) {
	f := smallFixture(t)
	stop := errors.New("stop")
	n := 0
	_, err := evidence.Read(bytes.NewReader(f.file(t)), nil, func(evidence.Item) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("got %v after %d calls, want the callback's error after 1", err, n)
	}
}

func TestCodes(t *testing.T) {
	seen := map[evidence.Code]bool{}
	for _, c := range evidence.Codes {
		if seen[c] || !strings.HasPrefix(string(c), "evidence-") {
			t.Errorf("code %q duplicated or not prefixed", c)
		}
		seen[c] = true
	}
	e := &evidence.Error{Code: evidence.CodeManifest, Line: 7, Msg: "m", Err: errors.New("cause")}
	if e.Error() != "evidence-manifest: line 7: m: cause" || !errors.Is(e, &evidence.Error{Code: evidence.CodeManifest}) {
		t.Errorf("%q", e.Error())
	}
}
