package seal_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// refKey adapts an Ed25519 key to the reference implementation's
// dsse.SignerVerifier. Its KeyID is seal's, so that the reference's keyid
// matching is exercised rather than skipped.
type refKey struct {
	priv ed25519.PrivateKey // nil for a verifier only
	pub  ed25519.PublicKey
}

var _ dsse.SignerVerifier = refKey{}

func newRefKey(t *testing.T, label string) refKey {
	priv := ed25519.NewKeyFromSeed(seedOf(t, label))
	return refKey{priv: priv, pub: priv.Public().(ed25519.PublicKey)}
}

func (k refKey) Sign(_ context.Context, data []byte) ([]byte, error) {
	if k.priv == nil {
		return nil, errors.New("verifier only")
	}
	return ed25519.Sign(k.priv, data), nil
}

func (k refKey) Verify(_ context.Context, data, sig []byte) error {
	if !ed25519.Verify(k.pub, data, sig) {
		return errors.New("ed25519: invalid signature")
	}
	return nil
}

func (k refKey) KeyID() (string, error)   { return string(seal.KeyIDOf(k.pub)), nil }
func (k refKey) Public() crypto.PublicKey { return k.pub }

// refOpen verifies envelope bytes with the reference implementation.
func refOpen(t testing.TB, env []byte, pub ed25519.PublicKey) ([]dsse.AcceptedKey, []byte, error) {
	t.Helper()
	var e dsse.Envelope
	if err := json.Unmarshal(env, &e); err != nil {
		return nil, nil, err
	}
	v, err := dsse.NewEnvelopeVerifier(refKey{pub: pub})
	if err != nil {
		t.Fatal(err)
	}
	return v.VerifyAndDecode(context.Background(), &e)
}

func TestInteropPAE(t *testing.T) {
	for _, c := range []struct{ typ, body string }{
		{"http://example.com/HelloWorld", "hello world"},
		{"", ""},
		{ballot.RecordCount.PayloadType(), `{"ä":"ß"}`},
	} {
		if got, want := seal.PAE(c.typ, []byte(c.body)), dsse.PAE(c.typ, []byte(c.body)); string(got) != string(want) {
			t.Errorf("PAE(%q, %q) = %q, reference %q", c.typ, c.body, got, want)
		}
	}
}

// The reference implementation accepts what seal signs.
func TestInteropReferenceAcceptsOurs(t *testing.T) {
	s := testSigner(t, "station")
	env, err := seal.SealRecord(s, testHeader(ballot.RecordCount, 7), typicalCount())
	if err != nil {
		t.Fatal(err)
	}
	ours, err := seal.OpenRecord(env, testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	accepted, payload, err := refOpen(t, env, s.Public())
	if err != nil {
		t.Fatalf("reference rejects our envelope: %v", err)
	}
	if len(accepted) != 1 || accepted[0].KeyID != string(s.KeyID()) {
		t.Fatalf("reference accepted %+v", accepted)
	}
	if string(payload) != string(ours.Payload) {
		t.Fatal("reference reads another payload")
	}
	// And rejects it when it is tampered with, or checked against another key.
	w := parseWire(t, env)
	w.PayloadType = ballot.RecordCheckIn.PayloadType()
	if _, _, err := refOpen(t, w.bytes(t), s.Public()); err == nil {
		t.Fatal("reference accepts a changed payload type")
	}
	if _, _, err := refOpen(t, env, testSigner(t, "other").Public()); err == nil {
		t.Fatal("reference accepts a signature by another key")
	}
}

// seal accepts what the reference implementation signs, and the two agree
// byte for byte on the signature, Ed25519 being deterministic.
func TestInteropWeAcceptReference(t *testing.T) {
	ctx := context.Background()
	key := newRefKey(t, "station")
	signer, err := dsse.NewEnvelopeSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := seal.SealRecord(testSigner(t, "station"), testHeader(ballot.RecordCount, 7), typicalCount())
	payload := parseWire(t, ours)
	body := mustDecode(t, payload.Payload)

	e, err := signer.SignPayload(ctx, ballot.RecordCount.PayloadType(), body)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	r, err := seal.OpenRecord(theirs, testRing(t, testSigner(t, "station")))
	if err != nil {
		t.Fatalf("we reject the reference's envelope %s: %v", theirs, err)
	}
	if r.KeyID != seal.KeyIDOf(key.pub) || r.Record.Seq != 7 || r.Record.Kind != ballot.RecordCount {
		t.Fatalf("opened %+v", r)
	}
	if e.Signatures[0].Sig != payload.Signatures[0].Sig {
		t.Fatal("reference and seal signatures differ for the same key and payload")
	}

	// A generic payload, and the reference's envelope without a keyid: that
	// is DSSE-valid, but seal finds keys by id only.
	e2, _ := signer.SignPayload(ctx, "text/plain", []byte("hello world"))
	b2, _ := json.Marshal(e2)
	if op, err := seal.Open(b2, testRing(t, testSigner(t, "station"))); err != nil || string(op.Payload) != "hello world" {
		t.Fatalf("Open = %q, %v", op.Payload, err)
	}
	e2.Signatures[0].KeyID = ""
	b2, _ = json.Marshal(e2)
	_, err = seal.Open(b2, testRing(t, testSigner(t, "station")))
	wantCode(t, err, seal.CodeKeyUnknown)
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	var e dsse.Envelope
	e.Payload = s
	b, err := e.DecodeB64Payload()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
