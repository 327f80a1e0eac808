package seal_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

func TestSealOpenRecordEveryKind(t *testing.T) {
	s := testSigner(t, "station")
	bodies := testBodies()
	for i, kind := range ballot.RecordKinds {
		t.Run(string(kind), func(t *testing.T) {
			body, ok := bodies[kind]
			if !ok {
				t.Fatalf("no test body for kind %s", kind)
			}
			h := testHeader(kind, uint64(i+1))
			env, err := seal.SealRecord(s, h, body)
			if err != nil {
				t.Fatal(err)
			}
			r, err := seal.OpenRecord(env, testRing(t, s))
			if err != nil {
				t.Fatal(err)
			}
			if r.PayloadType != kind.PayloadType() || r.KeyID != s.KeyID() || r.EnvelopeHash != seal.EnvelopeHash(env) {
				t.Fatalf("opened %+v", r.Opened)
			}
			got := r.Record.Header
			if !got.Time.Equal(h.Time) || got.Time.Location() != time.UTC {
				t.Fatalf("time %v, want %v in UTC", got.Time, h.Time)
			}
			got.Time = h.Time
			if got != h {
				t.Fatalf("header %+v, want %+v", got, h)
			}
			want, _ := json.Marshal(body)
			if !bytes.Equal(r.Record.Body, want) {
				t.Fatalf("body %s, want %s", r.Record.Body, want)
			}
		})
	}
}

func TestSealRecordTakesTimeInUTC(t *testing.T) {
	s := testSigner(t, "station")
	h := testHeader(ballot.RecordPollsOpened, 1)
	berlin := time.FixedZone("CET", 3600)
	h.Time = time.Date(2025, 2, 23, 9, 0, 0, 0, berlin)
	env, err := seal.SealRecord(s, h, &ballot.PollsOpened{At: h.Time})
	if err != nil {
		t.Fatal(err)
	}
	r, err := seal.OpenRecord(env, testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if r.Record.Time != t0 {
		t.Fatalf("time %v, want %v", r.Record.Time, t0)
	}
	if !bytes.Contains(r.Payload, []byte(`"time":"2025-02-23T08:00:00Z"`)) {
		t.Fatalf("payload %s", r.Payload)
	}
}

func TestSealRecordRefuses(t *testing.T) {
	s := testSigner(t, "station")
	h := testHeader(ballot.RecordCheckIn, 1)
	body := testBodies()[ballot.RecordCheckIn]
	headerCases := map[string]func(h *ballot.Header){
		"no election":           func(h *ballot.Header) { h.ElectionID = "" },
		"no district":           func(h *ballot.Header) { h.District = "" },
		"no station":            func(h *ballot.Header) { h.Station = "" },
		"overlong station":      func(h *ballot.Header) { h.Station = strings.Repeat("s", seal.MaxIDLength+1) },
		"control in district":   func(h *ballot.Header) { h.District = "001\n01" },
		"space around election": func(h *ballot.Header) { h.ElectionID = " bw-2025" },
		"short package hash":    func(h *ballot.Header) { h.PackageHash = h.PackageHash[:63] },
		"upper package hash":    func(h *ballot.Header) { h.PackageHash = strings.ToUpper(h.PackageHash) },
		"seq 0":                 func(h *ballot.Header) { h.Seq = 0 },
		"zero time":             func(h *ballot.Header) { h.Time = time.Time{} },
	}
	for name, mod := range headerCases {
		t.Run(name, func(t *testing.T) {
			h := h
			mod(&h)
			_, err := seal.SealRecord(s, h, body)
			wantCode(t, err, seal.CodeHeaderInvalid)
		})
	}
	bad := h
	bad.Kind = "vote"
	_, err := seal.SealRecord(s, bad, body)
	wantCode(t, err, seal.CodePayloadTypeUnknown)
	_, err = seal.SealRecord(s, h, &ballot.CheckOut{PersonID: "m1", At: t0})
	wantCode(t, err, seal.CodePayloadTypeMismatch)
	for _, b := range []any{nil, []int{1}, "text", 7, make(chan int)} {
		_, err = seal.SealRecord(s, h, b)
		wantCode(t, err, seal.CodePayloadMalformed)
	}
	h.Kind = ballot.RecordIncident
	_, err = seal.SealRecord(s, h, &ballot.Incident{At: t0, Text: strings.Repeat("x", ballot.MaxTextLength+1)})
	wantCode(t, err, seal.CodePayloadMalformed) // the domain refuses the body
	huge := json.RawMessage(`{"at":"2025-02-23T08:00:00Z","text":"` + strings.Repeat("x", seal.MaxPayloadSize) + `"}`)
	_, err = seal.SealRecord(s, h, huge)
	wantCode(t, err, seal.CodePayloadTooLarge)
	// Bodies of other Go types (raw JSON here) are sealed as they are.
	if _, err := seal.SealRecord(s, h, json.RawMessage(`{"at":"2025-02-23T08:00:00Z","text":"ok"}`)); err != nil {
		t.Fatal(err)
	}
}

// validPayload is a check-in payload as a station writes it.
func validPayload() string {
	return `{"election_id":"bw-2025","package_hash":"` + testPkgHash + `","district":"001-01","station":"st-001-01",` +
		`"seq":1,"time":"2025-02-23T08:01:00Z","kind":"checkin","body":{"person":{"id":"m1","name":"Anna","role":"chair"},"at":"2025-02-23T07:30:00Z"}}`
}

// A payload is read only after its signature verified, and then strictly:
// each of these is correctly signed by an enrolled key.
func TestOpenRecordPayload(t *testing.T) {
	s := testSigner(t, "station")
	keys := testRing(t, s)
	sub := func(old, new string) string {
		p := validPayload()
		if !strings.Contains(p, old) {
			t.Fatalf("%q not in payload", old)
		}
		return strings.Replace(p, old, new, 1)
	}
	cases := []struct {
		name    string
		payload string
		code    seal.Code
	}{
		{"valid", validPayload(), ""},
		{"unknown member", sub(`"seq":1,`, `"seq":1,"signed_by":"x",`), seal.CodePayloadMalformed},
		{"duplicate member", sub(`"seq":1,`, `"seq":1,"seq":2,`), seal.CodePayloadMalformed},
		{"member in other case", sub(`"station":`, `"Station":`), seal.CodePayloadMalformed},
		{"null member", sub(`"seq":1`, `"seq":null`), seal.CodePayloadMalformed},
		{"missing member", sub(`"station":"st-001-01",`, ``), seal.CodePayloadMalformed},
		{"missing body", sub(`,"body":{"person":{"id":"m1","name":"Anna","role":"chair"},"at":"2025-02-23T07:30:00Z"}`, ``), seal.CodePayloadMalformed},
		{"body an array", sub(`"body":{`, `"body":[{`) + "]", seal.CodePayloadMalformed},
		{"body a string", sub(`"body":{"person":{"id":"m1","name":"Anna","role":"chair"},"at":"2025-02-23T07:30:00Z"}`, `"body":"{}"`), seal.CodePayloadMalformed},
		{"duplicate member in body", sub(`"at":"2025-02-23T07:30:00Z"`, `"at":"2025-02-23T07:30:00Z","at":"2025-02-23T07:31:00Z"`), seal.CodePayloadMalformed},
		{"duplicate member deep in body", sub(`"id":"m1",`, `"id":"m1","id":"m2",`), seal.CodePayloadMalformed},
		{"same name in sibling objects", sub(`"at":"2025-02-23T07:30:00Z"}`, `"at":"2025-02-23T07:30:00Z","x":[{"id":1},{"id":1,"y":{"id":[]}}]}`), ""},
		{"negative seq", sub(`"seq":1`, `"seq":-1`), seal.CodePayloadMalformed},
		{"fractional seq", sub(`"seq":1`, `"seq":1.5`), seal.CodePayloadMalformed},
		{"seq as string", sub(`"seq":1`, `"seq":"1"`), seal.CodePayloadMalformed},
		{"time not RFC 3339", sub(`"2025-02-23T08:01:00Z"`, `"23.02.2025 08:01"`), seal.CodePayloadMalformed},
		{"trailing data", validPayload() + "{}", seal.CodePayloadMalformed},
		{"not JSON", "checkin m1", seal.CodePayloadMalformed},
		{"empty", "", seal.CodePayloadMalformed},
		{"invalid UTF-8", sub(`"Anna"`, "\"Ann\xe9\""), seal.CodePayloadMalformed},
		{"kind of another type", sub(`"kind":"checkin"`, `"kind":"checkout"`), seal.CodePayloadTypeMismatch},
		{"empty kind", sub(`"kind":"checkin"`, `"kind":""`), seal.CodePayloadTypeMismatch},
		{"empty election", sub(`"election_id":"bw-2025"`, `"election_id":""`), seal.CodeHeaderInvalid},
		{"empty district", sub(`"district":"001-01"`, `"district":""`), seal.CodeHeaderInvalid},
		{"overlong station", sub(`"st-001-01"`, `"`+strings.Repeat("s", seal.MaxIDLength+1)+`"`), seal.CodeHeaderInvalid},
		{"control character", sub(`"st-001-01"`, `"st-001\u000701"`), seal.CodeHeaderInvalid},
		{"package hash upper case", sub(testPkgHash, strings.ToUpper(testPkgHash)), seal.CodeHeaderInvalid},
		{"package hash short", sub(testPkgHash, testPkgHash[:40]), seal.CodeHeaderInvalid},
		{"seq 0", sub(`"seq":1`, `"seq":0`), seal.CodeHeaderInvalid},
		{"zero time", sub(`"2025-02-23T08:01:00Z"`, `"0001-01-01T00:00:00Z"`), seal.CodeHeaderInvalid},
		{"time with offset", sub(`"2025-02-23T08:01:00Z"`, `"2025-02-23T09:01:00+01:00"`), seal.CodeHeaderInvalid},
		{"time with zero offset", sub(`"2025-02-23T08:01:00Z"`, `"2025-02-23T08:01:00+00:00"`), seal.CodeHeaderInvalid},
		{"too large", sub(`"name":"Anna"`, `"name":"`+strings.Repeat("A", seal.MaxPayloadSize)+`"`), seal.CodePayloadTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env, err := seal.Sign(s, ballot.RecordCheckIn.PayloadType(), []byte(c.payload))
			if err != nil {
				t.Fatal(err)
			}
			r, err := seal.OpenRecord(env, keys)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantCode(t, err, c.code)
			if r.Payload != nil || r.Record.Body != nil {
				t.Fatal("record handed out with an error")
			}
		})
	}
}

func TestOpenRecordPayloadTypes(t *testing.T) {
	s := testSigner(t, "station")
	keys := testRing(t, s)
	for _, typ := range []string{
		seal.ReceiptPayloadType,
		seal.PackagePayloadType,
		ballot.PayloadTypePrefix + "vote" + ballot.PayloadTypeSuffix,
		ballot.PayloadTypePrefix + "checkin",
		"application/vnd.wahlkoffer.checkin+json ",
		"application/json",
	} {
		env, _ := seal.Sign(s, typ, []byte(validPayload()))
		_, err := seal.OpenRecord(env, keys)
		wantCode(t, err, seal.CodePayloadTypeUnknown)
	}
	// Envelope errors come through unchanged, before the payload is looked at.
	env, _ := seal.Sign(testSigner(t, "stranger"), ballot.RecordCheckIn.PayloadType(), []byte("not even JSON"))
	_, err := seal.OpenRecord(env, keys)
	wantCode(t, err, seal.CodeKeyUnknown)
	_, err = seal.OpenRecord(nil, keys)
	wantCode(t, err, seal.CodeEnvelopeMalformed)
}

func TestRecordKindOf(t *testing.T) {
	for _, k := range ballot.RecordKinds {
		if got, ok := seal.RecordKindOf(k.PayloadType()); !ok || got != k {
			t.Errorf("RecordKindOf(%q) = %q, %v", k.PayloadType(), got, ok)
		}
	}
	// The office's payload types must never read as a station record.
	for _, typ := range []string{seal.PackagePayloadType, seal.ReceiptPayloadType, "", ballot.PayloadTypePrefix + ballot.PayloadTypeSuffix} {
		if k, ok := seal.RecordKindOf(typ); ok {
			t.Errorf("RecordKindOf(%q) = %q", typ, k)
		}
	}
}

func TestOpenedRecordDecode(t *testing.T) {
	s := testSigner(t, "station")
	env, _ := seal.SealRecord(s, testHeader(ballot.RecordTurnout, 3), testBodies()[ballot.RecordTurnout])
	r, err := seal.OpenRecord(env, testRing(t, s))
	if err != nil {
		t.Fatal(err)
	}
	// A stand-in for ballot.DecodeRecord.
	decode := func(p ballot.Payload) (ballot.Record, error) {
		var b ballot.Turnout
		dec := json.NewDecoder(bytes.NewReader(p.Body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&b); err != nil {
			return ballot.Record{}, err
		}
		if b.Voters < 0 {
			return ballot.Record{}, errors.New("negative voters")
		}
		return ballot.Record{Header: p.Header, Body: &b}, nil
	}
	rec, err := r.Decode(decode)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := rec.Body.(*ballot.Turnout); !ok || b.Voters != 312 || rec.Seq != 3 {
		t.Fatalf("decoded %+v", rec)
	}
	_, err = r.Decode(func(ballot.Payload) (ballot.Record, error) { return ballot.Record{}, errors.New("voters: negative") })
	wantCode(t, err, seal.CodePayloadMalformed)
	_, err = r.Decode(func(ballot.Payload) (ballot.Record, error) {
		return ballot.Record{}, &seal.Error{Code: seal.CodeHeaderInvalid, Msg: "kept"}
	})
	wantCode(t, err, seal.CodeHeaderInvalid)
}

func TestCheckHeader(t *testing.T) {
	if err := seal.CheckHeader(testHeader(ballot.RecordCount, 1)); err != nil {
		t.Fatal(err)
	}
	h := testHeader(ballot.RecordCount, 1)
	h.Time = h.Time.In(time.FixedZone("CET", 3600))
	wantCode(t, seal.CheckHeader(h), seal.CodeHeaderInvalid)
	h = testHeader(ballot.RecordCount, 1)
	h.District = "Wahlbezirk Süd 3" // printable Unicode is fine
	if err := seal.CheckHeader(h); err != nil {
		t.Fatal(err)
	}
}
