package seal_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestReceiptRoundTrip(t *testing.T) {
	office, station := testSigner(t, "office"), testSigner(t, "station")
	env, _ := seal.SealRecord(station, testHeader(ballot.RecordCount, 42), typicalCount())
	rec, err := seal.OpenRecord(env, testRing(t, station))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 2, 23, 19, 12, 5, 250_000_000, time.FixedZone("CET", 3600))
	r := seal.ReceiptFor(rec, at)
	b, err := seal.IssueReceipt(office, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := seal.OpenReceipt(b, office.Public())
	if err != nil {
		t.Fatal(err)
	}
	if got != r || !got.ReceivedAt.Equal(at) || got.ReceivedAt.Location() != time.UTC {
		t.Fatalf("receipt %+v, want %+v", got, r)
	}
	if got.Seq != 42 || got.District != "001-01" || got.Station != "st-001-01" {
		t.Fatalf("receipt %+v", got)
	}
	if !got.Covers(env) {
		t.Fatal("receipt does not cover its envelope")
	}
	if got.Covers(append(bytes.Clone(env), ' ')) {
		t.Fatal("receipt covers other bytes")
	}
	want := `{"envelope_sha256":"` + rec.EnvelopeHash + `","received_at":"2025-02-23T18:12:05.25Z","district":"001-01","station":"st-001-01","seq":42}`
	if op, _ := seal.Open(b, testRing(t, office)); string(op.Payload) != want {
		t.Fatalf("payload\n got %s\nwant %s", op.Payload, want)
	}
	// The same facts give the same bytes: a duplicate gets the same receipt.
	again, _ := seal.IssueReceipt(office, seal.ReceiptFor(rec, at.UTC()))
	if !bytes.Equal(again, b) {
		t.Fatal("re-issuing the receipt gave other bytes")
	}
}

func TestReceiptRefused(t *testing.T) {
	office, station := testSigner(t, "office"), testSigner(t, "station")
	good := seal.Receipt{EnvelopeSHA256: testPkgHash, ReceivedAt: t0, District: "001-01", Station: "st-1", Seq: 1}
	b, _ := seal.IssueReceipt(office, good)

	// Only the office issues receipts.
	forged, _ := seal.IssueReceipt(station, good)
	_, err := seal.OpenReceipt(forged, office.Public())
	wantCode(t, err, seal.CodeKeyUnknown)

	// A station record is not a receipt, even with the office's key.
	rec, _ := seal.SealRecord(office, testHeader(ballot.RecordPollsOpened, 1), &ballot.PollsOpened{At: t0})
	_, err = seal.OpenReceipt(rec, office.Public())
	wantCode(t, err, seal.CodePayloadTypeUnknown)

	// An altered receipt.
	w := parseWire(t, b)
	w.PayloadType = ballot.RecordCheckIn.PayloadType()
	_, err = seal.OpenReceipt(w.bytes(t), office.Public())
	wantCode(t, err, seal.CodeSignatureInvalid)

	bad := map[string]func(r *seal.Receipt){
		"no hash":     func(r *seal.Receipt) { r.EnvelopeSHA256 = "" },
		"upper hash":  func(r *seal.Receipt) { r.EnvelopeSHA256 = strings.ToUpper(r.EnvelopeSHA256) },
		"no time":     func(r *seal.Receipt) { r.ReceivedAt = time.Time{} },
		"no district": func(r *seal.Receipt) { r.District = "" },
		"no station":  func(r *seal.Receipt) { r.Station = "" },
		"seq 0":       func(r *seal.Receipt) { r.Seq = 0 },
	}
	for name, mod := range bad {
		r := good
		mod(&r)
		_, err := seal.IssueReceipt(office, r)
		if seal.CodeOf(err) != seal.CodePayloadMalformed {
			t.Errorf("%s: IssueReceipt: %v", name, err)
		}
	}

	base := `{"envelope_sha256":"` + testPkgHash + `","received_at":"2025-02-23T08:00:00Z","district":"001-01","station":"st-1","seq":1}`
	signedPayloads := map[string]string{
		"unknown member":   strings.Replace(base, `"seq":1`, `"seq":1,"duplicate":true`, 1),
		"duplicate member": strings.Replace(base, `"seq":1`, `"seq":1,"seq":2`, 1),
		"missing member":   strings.Replace(base, `,"station":"st-1"`, ``, 1),
		"local time":       strings.Replace(base, `08:00:00Z`, `09:00:00+01:00`, 1),
		"seq 0":            strings.Replace(base, `"seq":1`, `"seq":0`, 1),
		"not JSON":         "received",
	}
	for name, p := range signedPayloads {
		env, _ := seal.Sign(office, seal.ReceiptPayloadType, []byte(p))
		if _, err := seal.OpenReceipt(env, office.Public()); seal.CodeOf(err) != seal.CodePayloadMalformed {
			t.Errorf("%s: OpenReceipt: %v", name, err)
		}
	}
	env, _ := seal.Sign(office, seal.ReceiptPayloadType, []byte(base))
	if _, err := seal.OpenReceipt(env, office.Public()); err != nil {
		t.Fatalf("base receipt: %v", err)
	}
	_, err = seal.OpenReceipt(b, nil)
	wantCode(t, err, seal.CodeKeyInvalid)
}
