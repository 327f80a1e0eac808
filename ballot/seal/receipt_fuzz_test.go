package seal_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// FuzzOpenReceipt and FuzzOpenPackage trust one office key, the
// deterministic "office" signer, so that the committed seeds signed by it
// reach past the signature check.

// FuzzOpenReceipt: a receipt opens the same way twice; a refusal is a
// *seal.Error with a published code and hands nothing out; what is
// accepted is a complete receipt in UTC, verifies with the reference
// implementation too, and issued again opens to the same receipt.
func FuzzOpenReceipt(f *testing.F) {
	office := testSigner(f, "office")
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := seal.OpenReceipt(data, office.Public())
		r2, err2 := seal.OpenReceipt(data, office.Public())
		if r != r2 || seal.CodeOf(err) != seal.CodeOf(err2) {
			t.Fatalf("two openings differ: %+v %v, %+v %v", r, err, r2, err2)
		}
		if err != nil {
			checkRefusal(t, err, r == seal.Receipt{})
			return
		}
		if r.ReceivedAt.Location() != time.UTC || r.ReceivedAt.IsZero() || r.Seq == 0 || len(r.EnvelopeSHA256) != 64 ||
			seal.CheckID("district", r.District) != nil || seal.CheckID("station", r.Station) != nil {
			t.Fatalf("accepted an incomplete receipt: %+v", r)
		}
		op, err := seal.Open(data, testRing(t, office))
		if err != nil || op.PayloadType != seal.ReceiptPayloadType {
			t.Fatalf("accepted receipt does not open as an envelope: %v, %q", err, op.PayloadType)
		}
		checkOpened(t, data, op, office)
		again, err := seal.IssueReceipt(office, r)
		if err != nil {
			t.Fatalf("accepted receipt cannot be issued again: %v", err)
		}
		if r3, err := seal.OpenReceipt(again, office.Public()); err != nil || r3 != r {
			t.Fatalf("re-issued receipt opens to %+v (%v), not %+v", r3, err, r)
		}
	})
}

// FuzzOpenPackage: a package opens the same way twice; a refusal is a
// *seal.Error with a published code and hands nothing out; what is
// accepted is valid JSON in UTF-8 with its hash, and sealed again opens to
// the same bytes and hash.
func FuzzOpenPackage(f *testing.F) {
	office := testSigner(f, "office")
	for _, name := range []string{"musterstadt.json", "bundestag-wahlkreis.json"} {
		def, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		pkg, err := seal.SealPackage(office, def)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pkg)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, hash, err := seal.OpenPackage(data, office.Public())
		def2, hash2, err2 := seal.OpenPackage(data, office.Public())
		if !bytes.Equal(def, def2) || hash != hash2 || seal.CodeOf(err) != seal.CodeOf(err2) {
			t.Fatalf("two openings differ: %v, %v", err, err2)
		}
		if err != nil {
			checkRefusal(t, err, def == nil && hash == "")
			return
		}
		if !utf8.Valid(def) || !json.Valid(def) || hash != seal.PackageHash(def) {
			t.Fatalf("accepted a package of %d bytes that is not JSON or has hash %s", len(def), hash)
		}
		if len(data) <= seal.MaxEnvelopeSize {
			op, err := seal.Open(data, testRing(t, office))
			if err != nil || op.PayloadType != seal.PackagePayloadType || !bytes.Equal(op.Payload, def) {
				t.Fatalf("accepted package does not open as an envelope: %v", err)
			}
			checkOpened(t, data, op, office)
		}
		again, err := seal.SealPackage(office, def)
		if err != nil {
			t.Fatalf("accepted definition cannot be sealed again: %v", err)
		}
		if def3, hash3, err := seal.OpenPackage(again, office.Public()); err != nil || !bytes.Equal(def3, def) || hash3 != hash {
			t.Fatalf("re-sealed package opens to another definition (%v)", err)
		}
	})
}

// receiptPackageSeeds are the committed seeds of FuzzOpenReceipt and
// FuzzOpenPackage, made from the deterministic keys.
func receiptPackageSeeds(t *testing.T) map[string]map[string][]byte {
	office, station := testSigner(t, "office"), testSigner(t, "station")
	sign := func(s seal.Signer, typ, payload string) []byte {
		t.Helper()
		b, err := seal.Sign(s, typ, []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	record, err := seal.SealRecord(station, testHeader(ballot.RecordCount, 9), typicalCount())
	if err != nil {
		t.Fatal(err)
	}
	r := seal.Receipt{EnvelopeSHA256: seal.EnvelopeHash(record), ReceivedAt: t0.Add(10 * time.Hour), District: "001-01", Station: "st-001-01", Seq: 9}
	receipt, err := seal.IssueReceipt(office, r)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(r) // what IssueReceipt signs
	if err != nil {
		t.Fatal(err)
	}
	payload := string(raw)
	edit := func(old, new string) []byte {
		t.Helper()
		if !strings.Contains(payload, old) {
			t.Fatalf("receipt payload %s has no %s", payload, old)
		}
		return sign(office, seal.ReceiptPayloadType, strings.Replace(payload, old, new, 1))
	}
	late := r
	late.ReceivedAt, late.Seq = time.Date(2026, 3, 9, 0, 0, 0, 123456789, time.UTC), 1<<53
	lateReceipt, err := seal.IssueReceipt(office, late)
	if err != nil {
		t.Fatal(err)
	}
	receipts := map[string][]byte{
		"valid-receipt":             receipt,
		"valid-receipt-nanoseconds": lateReceipt,
		"signed-by-station":         sign(station, seal.ReceiptPayloadType, payload),
		"record-not-receipt":        sign(office, ballot.RecordCount.PayloadType(), payload),
		"member-unknown":            edit(`"seq":9`, `"seq":9,"note":"x"`),
		"member-duplicate":          edit(`"seq":9`, `"seq":9,"seq":10`),
		"member-case-folded":        edit(`"seq":9`, `"Seq":9`),
		"seq-zero":                  edit(`"seq":9`, `"seq":0`),
		"seq-negative":              edit(`"seq":9`, `"seq":-9`),
		"time-not-utc":              edit(`T18:00:00Z"`, `T19:00:00+01:00"`),
		"hash-uppercase":            edit(`"envelope_sha256":"`+r.EnvelopeSHA256, `"envelope_sha256":"`+strings.ToUpper(r.EnvelopeSHA256)),
		"district-empty":            edit(`"district":"001-01"`, `"district":""`),
		"trailing-data":             sign(office, seal.ReceiptPayloadType, payload+" {}"),
		"payload-array":             sign(office, seal.ReceiptPayloadType, "["+payload+"]"),
		"truncated":                 receipt[:len(receipt)-2],
		"empty":                     {},
	}
	// Member order is free in JSON; the strict reading accepts the same
	// receipt with its members in another order.
	receipts["valid-receipt-reordered"] = sign(office, seal.ReceiptPayloadType,
		`{"seq":9,"station":"st-001-01","district":"001-01","received_at":"2025-02-23T18:00:00Z","envelope_sha256":"`+r.EnvelopeSHA256+`"}`)

	def, err := os.ReadFile(filepath.Join("..", "..", "testdata", "buergerentscheid.json"))
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		t.Fatal(err)
	}
	packages := map[string][]byte{
		"valid-buergerentscheid":  pkg,
		"valid-any-json":          sign(office, seal.PackagePayloadType, `{"format":"wahlkoffer-election/1"}`),
		"valid-not-a-definition":  sign(office, seal.PackagePayloadType, `[1,2,3]`),
		"signed-by-station":       sign(station, seal.PackagePayloadType, string(def)),
		"receipt-not-package":     receipt,
		"payload-not-json":        sign(office, seal.PackagePayloadType, `{"format":`),
		"payload-two-json-values": sign(office, seal.PackagePayloadType, `{} {}`),
		"payload-invalid-utf8":    sign(office, seal.PackagePayloadType, "{\"a\":\"\xff\"}"),
		"truncated":               pkg[:len(pkg)/2],
		"null":                    []byte("null"),
	}
	return map[string]map[string][]byte{"FuzzOpenReceipt": receipts, "FuzzOpenPackage": packages}
}

// TestFuzzSeedsReceiptPackage keeps the committed seeds of FuzzOpenReceipt
// and FuzzOpenPackage equal to what receiptPackageSeeds makes now, and
// checks that exactly the seeds named valid-* are accepted; run with
// -update-seeds after a change to the wire format.
func TestFuzzSeedsReceiptPackage(t *testing.T) {
	office := testSigner(t, "office")
	opens := map[string]func([]byte) error{
		"FuzzOpenReceipt": func(b []byte) error { _, err := seal.OpenReceipt(b, office.Public()); return err },
		"FuzzOpenPackage": func(b []byte) error { _, _, err := seal.OpenPackage(b, office.Public()); return err },
	}
	checkSeeds(t, receiptPackageSeeds(t), opens)
}
