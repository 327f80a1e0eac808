package seal_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// The fuzz targets trust one key, the deterministic "station" signer, so
// that the committed seeds signed by it reach past the signature check.

func FuzzOpen(f *testing.F) {
	s := testSigner(f, "station")
	keys := testRing(f, s)
	f.Fuzz(func(t *testing.T, data []byte) {
		op, err := seal.Open(data, keys)
		if err != nil {
			checkRefusal(t, err, reflect.ValueOf(op).IsZero())
			return
		}
		checkOpened(t, data, op, s)
	})
}

func FuzzOpenRecord(f *testing.F) {
	s := testSigner(f, "station")
	keys := testRing(f, s)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := seal.OpenRecord(data, keys)
		if err != nil {
			checkRefusal(t, err, reflect.ValueOf(r.Opened).IsZero() && r.Record.Body == nil)
			return
		}
		checkOpened(t, data, r.Opened, s)
		h := r.Record.Header
		if k, ok := seal.RecordKindOf(r.PayloadType); !ok || k != h.Kind {
			t.Fatalf("accepted payload type %q with kind %q", r.PayloadType, h.Kind)
		}
		if err := seal.CheckHeader(h); err != nil {
			t.Fatalf("accepted a header that fails CheckHeader: %v", err)
		}
		if len(r.Payload) > seal.MaxPayloadSize || !json.Valid(r.Record.Body) || r.Record.Body[0] != '{' {
			t.Fatalf("accepted payload of %d bytes with body %q", len(r.Payload), r.Record.Body)
		}
		// What was accepted can be sealed again and means the same.
		env, err := seal.SealRecord(s, h, r.Record.Body)
		if seal.CodeOf(err) == seal.CodePayloadTooLarge {
			return // re-encoding may escape characters the original had raw
		}
		if err != nil {
			t.Fatalf("re-sealing an accepted record: %v", err)
		}
		r2, err := seal.OpenRecord(env, keys)
		if err != nil {
			t.Fatalf("re-opening a re-sealed record: %v", err)
		}
		h2 := r2.Record.Header
		if !h2.Time.Equal(h.Time) {
			t.Fatalf("time %v became %v", h.Time, h2.Time)
		}
		h2.Time = h.Time
		if h2 != h || !sameJSON(r.Record.Body, r2.Record.Body) {
			t.Fatalf("record changed on re-sealing:\n%s\n%s", r.Payload, r2.Payload)
		}
	})
}

// checkRefusal: a refusal is a *seal.Error with a published code and hands
// nothing out. The ring is well-formed, so key-invalid would be a bug.
func checkRefusal(t *testing.T, err error, empty bool) {
	t.Helper()
	code := seal.CodeOf(err)
	if !slices.Contains(seal.Codes, code) || code == seal.CodeKeyInvalid {
		t.Fatalf("refused with %T %v", err, err)
	}
	if !empty {
		t.Fatalf("%v, yet a result was handed out", err)
	}
}

// checkOpened: whatever Open accepts re-verifies, independently.
func checkOpened(t *testing.T, data []byte, op seal.Opened, s seal.Signer) {
	t.Helper()
	if op.KeyID != s.KeyID() {
		t.Fatalf("accepted under key %s", op.KeyID)
	}
	if sum := sha256.Sum256(data); op.EnvelopeHash != hex.EncodeToString(sum[:]) {
		t.Fatal("EnvelopeHash is not the hash of the input")
	}
	if sum := sha256.Sum256(seal.PAE(op.PayloadType, op.Payload)); op.ContentHash != hex.EncodeToString(sum[:]) {
		t.Fatal("ContentHash is not the hash of the PAE")
	}
	// The reference implementation agrees on the signature and the payload.
	accepted, payload, err := refOpen(t, data, s.Public())
	if err != nil || len(accepted) != 1 {
		t.Fatalf("reference rejects what seal accepted: %v\n%q", err, data)
	}
	if !bytes.Equal(payload, op.Payload) {
		t.Fatalf("reference reads payload %q, seal %q", payload, op.Payload)
	}
	// Signing the same content again gives an envelope with the same content.
	env, err := seal.Sign(s, op.PayloadType, op.Payload)
	if err != nil {
		t.Fatalf("re-signing accepted content: %v", err)
	}
	op2, err := seal.Open(env, testRing(t, s))
	if err != nil || op2.ContentHash != op.ContentHash {
		t.Fatalf("re-signed content: %v, %+v", err, op2)
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	return da.Decode(&x) == nil && db.Decode(&y) == nil && reflect.DeepEqual(x, y)
}

// fuzzSeeds are the committed seed corpora, by target and file name. They
// are generated here, from the deterministic keys, so that they can be
// checked for staleness and regenerated rather than edited by hand.
func fuzzSeeds(t *testing.T) map[string]map[string][]byte {
	s, stranger := testSigner(t, "station"), testSigner(t, "stranger")
	sign := func(s seal.Signer, typ, payload string) []byte {
		b, err := seal.Sign(s, typ, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	count, err := seal.SealRecord(s, testHeader(ballot.RecordCount, 9), typicalCount())
	if err != nil {
		t.Fatal(err)
	}
	w := parseWire(t, count)
	rewrapped := w
	rewrapped.Payload = base64.URLEncoding.EncodeToString(mustDecode(t, w.Payload))
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, rewrapped.bytes(t), "", "  ")
	two := w
	two.Signatures = []wireSig{parseWire(t, sign(stranger, w.PayloadType, "x")).Signatures[0], w.Signatures[0]}
	dup := w
	dup.Signatures = []wireSig{w.Signatures[0], w.Signatures[0]}
	none := w
	none.Signatures = []wireSig{}
	receipt, err := seal.IssueReceipt(s, seal.Receipt{EnvelopeSHA256: seal.EnvelopeHash(count), ReceivedAt: t0, District: "001-01", Station: "st-001-01", Seq: 9})
	if err != nil {
		t.Fatal(err)
	}
	checkin := ballot.RecordCheckIn.PayloadType()

	open := map[string][]byte{
		"valid-text":           sign(s, "text/plain", "hello world"),
		"valid-record":         count,
		"valid-rewrapped":      pretty.Bytes(),
		"valid-two-signatures": two.bytes(t),
		"valid-receipt":        receipt,
		"empty":                {},
		"truncated-half":       count[:len(count)/2],
		"truncated-last-byte":  count[:len(count)-1],
		"signature-missing":    none.bytes(t),
		"signature-duplicate":  dup.bytes(t),
		"key-unknown":          sign(stranger, "text/plain", "hello world"),
		"null":                 []byte("null"),
	}
	record := map[string][]byte{
		"empty":               {},
		"truncated":           count[:len(count)-7],
		"receipt":             receipt,
		"unknown-member":      sign(s, checkin, strings.Replace(validPayload(), `"seq":1,`, `"seq":1,"x":0,`, 1)),
		"duplicate-in-body":   sign(s, checkin, strings.Replace(validPayload(), `"id":"m1",`, `"id":"m1","id":"m2",`, 1)),
		"kind-mismatch":       sign(s, ballot.RecordCheckOut.PayloadType(), validPayload()),
		"time-not-utc":        sign(s, checkin, strings.Replace(validPayload(), `08:01:00Z`, `09:01:00+01:00`, 1)),
		"valid-checkin-plain": sign(s, checkin, validPayload()),
	}
	for i, kind := range ballot.RecordKinds {
		env, err := seal.SealRecord(s, testHeader(kind, uint64(i+1)), testBodies()[kind])
		if err != nil {
			t.Fatal(err)
		}
		record["valid-"+string(kind)] = env
	}
	return map[string]map[string][]byte{"FuzzOpen": open, "FuzzOpenRecord": record}
}

// TestFuzzSeedCorpora keeps the committed seeds equal to what fuzzSeeds
// makes now; run with -update-seeds after a change to the wire format.
func TestFuzzSeedCorpora(t *testing.T) {
	seeds := fuzzSeeds(t)
	s := testSigner(t, "station")
	opens := map[string]func([]byte) error{
		"FuzzOpen":       func(b []byte) error { _, err := seal.Open(b, testRing(t, s)); return err },
		"FuzzOpenRecord": func(b []byte) error { _, err := seal.OpenRecord(b, testRing(t, s)); return err },
	}
	checkSeeds(t, seeds, opens)
}

// checkSeeds keeps the committed seeds of each target equal to seeds and
// checks that exactly the seeds named valid-* pass the target's open.
func checkSeeds(t *testing.T, seeds map[string]map[string][]byte, opens map[string]func([]byte) error) {
	t.Helper()
	for _, target := range slices.Sorted(maps.Keys(seeds)) {
		for name, data := range seeds[target] {
			// The valid seeds reach the end of the target, the others not.
			if err := opens[target](data); (err == nil) != strings.HasPrefix(name, "valid-") {
				t.Errorf("%s/%s: %v", target, name, err)
			}
			fuzzseed.Check(t, target, name, fuzzseed.Entry(data))
		}
	}
}
