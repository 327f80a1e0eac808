package seal_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

// The example of the DSSE protocol spec (protocol.md, "Test vectors").
func TestPAEKnownAnswer(t *testing.T) {
	got := seal.PAE("http://example.com/HelloWorld", []byte("hello world"))
	want := []byte("DSSEv1 29 http://example.com/HelloWorld 11 hello world")
	if !bytes.Equal(got, want) {
		t.Fatalf("PAE = %q, want %q", got, want)
	}
	// Lengths are bytes, not runes, and an empty body still has its length.
	if got, want := seal.PAE("ä", nil), []byte("DSSEv1 2 ä 0 "); !bytes.Equal(got, want) {
		t.Fatalf("PAE = %q, want %q", got, want)
	}
}

const testType = "application/vnd.wahlkoffer.test+json"

func TestSignOpenRoundTrip(t *testing.T) {
	s := testSigner(t, "station")
	payload := []byte(`{"hello":"Wahlvorstand"}`)
	env, err := seal.Sign(s, testType, payload)
	if err != nil {
		t.Fatal(err)
	}
	op, err := seal.Open(env, testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if op.PayloadType != testType || !bytes.Equal(op.Payload, payload) || op.KeyID != s.KeyID() {
		t.Fatalf("Open = %+v", op)
	}
	if want := sha256.Sum256(env); op.EnvelopeHash != hex.EncodeToString(want[:]) {
		t.Fatalf("EnvelopeHash = %s", op.EnvelopeHash)
	}
	if want := sha256.Sum256(seal.PAE(testType, payload)); op.ContentHash != hex.EncodeToString(want[:]) {
		t.Fatalf("ContentHash = %s", op.ContentHash)
	}
}

func TestSignIsCompactDeterministicAndOrdered(t *testing.T) {
	s := testSigner(t, "station")
	a, err := seal.Sign(s, testType, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := seal.Sign(s, testType, []byte("x"))
	if !bytes.Equal(a, b) {
		t.Fatal("signing the same payload twice gave different envelopes")
	}
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(seedOf(t, "station")), seal.PAE(testType, []byte("x")))
	want := `{"payload":"eA==","payloadType":"` + testType + `","signatures":[{"keyid":"` +
		string(s.KeyID()) + `","sig":"` + base64.StdEncoding.EncodeToString(sig) + `"}]}`
	if string(a) != want {
		t.Fatalf("envelope\n got %s\nwant %s", a, want)
	}
}

func seedOf(t *testing.T, label string) []byte {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := sealtest.Rand(label).Read(seed); err != nil {
		t.Fatal(err)
	}
	return seed
}

func TestSignRefuses(t *testing.T) {
	s := testSigner(t, "station")
	_, err := seal.Sign(s, "", []byte("x"))
	wantCode(t, err, seal.CodeEnvelopeMalformed)
	_, err = seal.Sign(s, "bad\xff", []byte("x"))
	wantCode(t, err, seal.CodeEnvelopeMalformed)
	_, err = seal.Sign(s, testType, make([]byte, seal.MaxEnvelopeSize))
	wantCode(t, err, seal.CodeEnvelopeTooLarge)
	_, err = seal.Sign(seal.Signer{}, testType, []byte("x"))
	wantCode(t, err, seal.CodeKeyInvalid)
	// The largest payload Sign accepts is one Open accepts.
	big := bytes.Repeat([]byte("a"), seal.MaxEnvelopeSize*3/4-400)
	env, err := seal.Sign(s, testType, big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seal.Open(env, testRing(t, s)); err != nil {
		t.Fatal(err)
	}
}

// Every way of breaking an envelope yields its own code.
func TestOpenTampered(t *testing.T) {
	s := testSigner(t, "station")
	other := testSigner(t, "other station")
	stranger := testSigner(t, "stranger")
	keys := testRing(t, s, other)
	valid, err := seal.Sign(s, testType, []byte(`{"seq":1,"note":"payload long enough to flip"}`))
	if err != nil {
		t.Fatal(err)
	}
	w := parseWire(t, valid)
	mod := func(f func(w *wireEnv)) []byte {
		c := w
		c.Signatures = append([]wireSig(nil), w.Signatures...)
		f(&c)
		return c.bytes(t)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(valid, []byte(old)) {
			t.Fatalf("%q not in envelope", old)
		}
		return bytes.Replace(valid, []byte(old), []byte(new), 1)
	}
	sigRaw, _ := base64.StdEncoding.DecodeString(w.Signatures[0].Sig)
	strangerEnv, _ := seal.Sign(stranger, testType, []byte(`{"seq":1}`))

	cases := []struct {
		name string
		env  []byte
		code seal.Code
	}{
		{"payload byte flipped", mod(func(w *wireEnv) {
			p, _ := base64.StdEncoding.DecodeString(w.Payload)
			p[10] ^= 1
			w.Payload = base64.StdEncoding.EncodeToString(p)
		}), seal.CodeSignatureInvalid},
		{"payload truncated", mod(func(w *wireEnv) {
			p, _ := base64.StdEncoding.DecodeString(w.Payload)
			w.Payload = base64.StdEncoding.EncodeToString(p[:len(p)-1])
		}), seal.CodeSignatureInvalid},
		{"payloadType changed", mod(func(w *wireEnv) { w.PayloadType = "application/vnd.wahlkoffer.other+json" }), seal.CodeSignatureInvalid},
		{"sig bit flipped", mod(func(w *wireEnv) {
			sg := bytes.Clone(sigRaw)
			sg[7] ^= 0x80
			w.Signatures[0].Sig = base64.StdEncoding.EncodeToString(sg)
		}), seal.CodeSignatureInvalid},
		{"sig truncated", mod(func(w *wireEnv) { w.Signatures[0].Sig = base64.StdEncoding.EncodeToString(sigRaw[:63]) }), seal.CodeSignatureInvalid},
		{"keyid swapped to another enrolled key", mod(func(w *wireEnv) { w.Signatures[0].KeyID = string(other.KeyID()) }), seal.CodeSignatureInvalid},
		{"keyid swapped to an unknown key", mod(func(w *wireEnv) { w.Signatures[0].KeyID = string(stranger.KeyID()) }), seal.CodeKeyUnknown},
		{"keyid empty", mod(func(w *wireEnv) { w.Signatures[0].KeyID = "" }), seal.CodeKeyUnknown},
		{"keyid in upper case", mod(func(w *wireEnv) { w.Signatures[0].KeyID = strings.ToUpper(w.Signatures[0].KeyID) }), seal.CodeKeyUnknown},
		{"signed by a key enrolled for nothing", strangerEnv, seal.CodeKeyUnknown},
		{"signature removed", mod(func(w *wireEnv) { w.Signatures = []wireSig{} }), seal.CodeSignatureMissing},
		{"signatures member removed", []byte(fmt.Sprintf(`{"payload":%q,"payloadType":%q}`, w.Payload, w.PayloadType)), seal.CodeEnvelopeMalformed},
		{"signatures null", replace(`"signatures":[`, `"signatures":null,"x":[`), seal.CodeEnvelopeMalformed},
		{"duplicate signature entries", mod(func(w *wireEnv) { w.Signatures = append(w.Signatures, w.Signatures[0]) }), seal.CodeEnvelopeMalformed},
		{"too many signatures", mod(func(w *wireEnv) {
			for i := range seal.MaxSignatures {
				w.Signatures = append(w.Signatures, wireSig{KeyID: fmt.Sprintf("k%d", i), Sig: w.Signatures[0].Sig})
			}
		}), seal.CodeEnvelopeMalformed},
		{"extra top-level field", replace(`{"payload"`, `{"extra":1,"payload"`), seal.CodeEnvelopeMalformed},
		{"extra signature field", replace(`"keyid"`, `"cert":"x","keyid"`), seal.CodeEnvelopeMalformed},
		{"duplicate payload member", replace(`{"payload"`, `{"payload":"eA==","payload"`), seal.CodeEnvelopeMalformed},
		{"member name in other case", replace(`"payloadType"`, `"PayloadType"`), seal.CodeEnvelopeMalformed},
		{"payloadType empty", mod(func(w *wireEnv) { w.PayloadType = "" }), seal.CodeEnvelopeMalformed},
		{"payloadType a number", replace(`"payloadType":"`+testType+`"`, `"payloadType":7`), seal.CodeEnvelopeMalformed},
		{"payload bad base64", mod(func(w *wireEnv) { w.Payload = "!!" + w.Payload[2:] }), seal.CodeEnvelopeMalformed},
		{"payload unpadded base64", mod(func(w *wireEnv) { w.Payload = strings.TrimRight(w.Payload, "=") }), seal.CodeEnvelopeMalformed},
		{"payload with a line break", mod(func(w *wireEnv) { w.Payload = w.Payload[:8] + "\n" + w.Payload[8:] }), seal.CodeEnvelopeMalformed},
		{"payload with stray bits", mod(func(w *wireEnv) { w.Payload = "eB==" }), seal.CodeEnvelopeMalformed},
		{"payload mixing alphabets", mod(func(w *wireEnv) { w.Payload = "+-==" }), seal.CodeEnvelopeMalformed},
		{"sig bad base64", mod(func(w *wireEnv) { w.Signatures[0].Sig = "%" + w.Signatures[0].Sig[1:] }), seal.CodeEnvelopeMalformed},
		{"trailing data", append(bytes.Clone(valid), []byte(` {}`)...), seal.CodeEnvelopeMalformed},
		{"invalid UTF-8", replace(`"payloadType":"application`, "\"payloadType\":\"\xffapplication"), seal.CodeEnvelopeMalformed},
		{"truncated", valid[:len(valid)/2], seal.CodeEnvelopeMalformed},
		{"last byte missing", valid[:len(valid)-1], seal.CodeEnvelopeMalformed},
		{"empty", nil, seal.CodeEnvelopeMalformed},
		{"JSON null", []byte("null"), seal.CodeEnvelopeMalformed},
		{"JSON array", []byte("[]"), seal.CodeEnvelopeMalformed},
		{"empty object", []byte("{}"), seal.CodeEnvelopeMalformed},
		{"oversize", append(bytes.Clone(valid), bytes.Repeat([]byte(" "), seal.MaxEnvelopeSize)...), seal.CodeEnvelopeTooLarge},
		{"oversize junk", bytes.Repeat([]byte("{"), seal.MaxEnvelopeSize+1), seal.CodeEnvelopeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op, err := seal.Open(c.env, keys)
			wantCode(t, err, c.code)
			if op.Payload != nil {
				t.Fatal("payload handed out with an error")
			}
		})
	}
	if _, err := seal.Open(valid, keys); err != nil {
		t.Fatalf("the untouched envelope: %v", err)
	}
}

func TestOpenWithoutKeys(t *testing.T) {
	env, _ := seal.Sign(testSigner(t, "station"), testType, []byte("x"))
	_, err := seal.Open(env, nil)
	wantCode(t, err, seal.CodeKeyUnknown)
	_, err = seal.Open(env, seal.Keys{})
	wantCode(t, err, seal.CodeKeyUnknown)
}

// One good signature by a known key is enough, wherever it stands.
func TestOpenSeveralSignatures(t *testing.T) {
	s, stranger, other := testSigner(t, "station"), testSigner(t, "stranger"), testSigner(t, "other station")
	env, _ := seal.Sign(s, testType, []byte("x"))
	w := parseWire(t, env)
	strangerSig := parseWire(t, must[[]byte](t)(seal.Sign(stranger, testType, []byte("x")))).Signatures[0]
	badOther := wireSig{KeyID: string(other.KeyID()), Sig: w.Signatures[0].Sig}
	w.Signatures = []wireSig{strangerSig, badOther, w.Signatures[0]}
	op, err := seal.Open(w.bytes(t), testRing(t, s, other))
	if err != nil {
		t.Fatal(err)
	}
	if op.KeyID != s.KeyID() {
		t.Fatalf("KeyID = %s, want %s", op.KeyID, s.KeyID())
	}
	// Without the good one, the known key's bad signature decides.
	w.Signatures = w.Signatures[:2]
	_, err = seal.Open(w.bytes(t), testRing(t, s, other))
	wantCode(t, err, seal.CodeSignatureInvalid)
}

// A re-spaced envelope with URL-safe base64 is the same signed content:
// it opens, with another EnvelopeHash but the same ContentHash.
func TestOpenRewrappedEnvelope(t *testing.T) {
	s := testSigner(t, "station")
	payload := []byte{0xfb, 0xff, 0xfe, '{', '}'} // "+//+" in the standard alphabet
	env, _ := seal.Sign(s, testType, payload)
	w := parseWire(t, env)
	w.Payload = base64.URLEncoding.EncodeToString(payload)
	w.Signatures[0].Sig = base64.URLEncoding.EncodeToString(must[[]byte](t)(base64.StdEncoding.DecodeString(w.Signatures[0].Sig)))
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, w.bytes(t), "", "  "); err != nil {
		t.Fatal(err)
	}
	if !strings.ContainsAny(w.Payload, "-_") {
		t.Fatal("test payload does not exercise the URL-safe alphabet")
	}
	a, err := seal.Open(env, testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	b, err := seal.Open(pretty.Bytes(), testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Payload, b.Payload) || a.ContentHash != b.ContentHash || a.EnvelopeHash == b.EnvelopeHash {
		t.Fatalf("original %+v\nrewrapped %+v", a, b)
	}
}

func TestOpenBadKeyRing(t *testing.T) {
	s, other := testSigner(t, "station"), testSigner(t, "other station")
	env, _ := seal.Sign(s, testType, []byte("x"))
	// A key filed under another key's id, and a key of the wrong length,
	// are the caller's misconfiguration, reported as such and not as a
	// sender's bad signature; neither panics.
	_, err := seal.Open(env, seal.Keys{s.KeyID(): other.Public()})
	wantCode(t, err, seal.CodeKeyInvalid)
	_, err = seal.Open(env, seal.KeyRingFunc(func(seal.KeyID) (ed25519.PublicKey, bool) { return []byte{1, 2, 3}, true }))
	wantCode(t, err, seal.CodeKeyInvalid)
}
