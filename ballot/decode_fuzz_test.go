package ballot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// kindIndex is the fuzz argument that picks a record kind, so that every
// input reaches the body of a known kind.
func kindIndex(k ballot.RecordKind) uint16 { return uint16(slices.Index(ballot.RecordKinds, k)) }

// decodeBodySeeds are the committed seeds of FuzzDecodeBody: the good
// bodies of every kind and, per kind, bodies each broken in one way.
func decodeBodySeeds() map[string][]any {
	seeds := map[string][]any{}
	n := map[ballot.RecordKind]int{}
	for _, v := range validBodies {
		n[v.kind]++
		seeds[fmt.Sprintf("valid-%s-%d", v.kind, n[v.kind])] = []any{kindIndex(v.kind), []byte(v.body)}
	}
	manyVotes := make([]string, ballot.MaxMapEntries+1)
	for i := range manyVotes {
		manyVotes[i] = fmt.Sprintf(`"o%d":1`, i)
	}
	long := strings.Repeat("ä", ballot.MaxTextLength+1)
	for name, b := range map[string]struct {
		kind ballot.RecordKind
		body string
	}{
		"checkin-person-missing":     {ballot.RecordCheckIn, `{"at":` + t0 + `}`},
		"checkin-role-unknown":       {ballot.RecordCheckIn, `{"person":{"id":"anna","name":"Anna","role":"king"},"at":` + t0 + `}`},
		"checkin-name-too-long":      {ballot.RecordCheckIn, `{"person":{"id":"anna","name":"` + long + `","role":"chair"},"at":` + t0 + `}`},
		"checkin-person-null":        {ballot.RecordCheckIn, `{"person":null,"at":` + t0 + `}`},
		"checkout-id-number":         {ballot.RecordCheckOut, `{"person_id":7,"at":` + t0 + `}`},
		"checkout-case-folded":       {ballot.RecordCheckOut, `{"Person_ID":"anna","at":` + t0 + `}`},
		"polls-opened-time-zero":     {ballot.RecordPollsOpened, `{"at":"0001-01-01T00:00:00Z"}`},
		"polls-opened-not-rfc3339":   {ballot.RecordPollsOpened, `{"at":"2026-03-08 07:00"}`},
		"polls-closed-array":         {ballot.RecordPollsClosed, `[{"at":` + t0 + `}]`},
		"polls-closed-trailing":      {ballot.RecordPollsClosed, `{"at":` + t0 + `} {}`},
		"turnout-negative":           {ballot.RecordTurnout, `{"at":` + t0 + `,"voters":-1}`},
		"turnout-fraction":           {ballot.RecordTurnout, `{"at":` + t0 + `,"voters":1.5}`},
		"turnout-slot-bad":           {ballot.RecordTurnout, `{"slot":"25:00","at":` + t0 + `,"voters":3}`},
		"turnout-overflow":           {ballot.RecordTurnout, `{"at":` + t0 + `,"voters":9223372036854775808}`},
		"incident-text-empty":        {ballot.RecordIncident, `{"at":` + t0 + `,"text":"  "}`},
		"incident-text-too-long":     {ballot.RecordIncident, `{"at":` + t0 + `,"text":"` + long + `"}`},
		"incident-control-character": {ballot.RecordIncident, `{"at":` + t0 + `,"text":"a\u0000b"}`},
		"count-stage-unknown":        {ballot.RecordCount, strings.Replace(countBody, `"final"`, `"late"`, 1)},
		"count-votes-too-many":       {ballot.RecordCount, strings.Replace(countBody, `"hu":300,"mu":200,"sc":90`, strings.Join(manyVotes, ","), 1)},
		"count-entered-by-one":       {ballot.RecordCount, strings.Replace(countBody, `["m1","m2"]`, `["m1"]`, 1)},
		"count-marks-null":           {ballot.RecordCount, strings.Replace(countBody, `"marks":500`, `"marks":null`, 1)},
		"count-version-zero":         {ballot.RecordCount, strings.Replace(countBody, `"version":1`, `"version":0`, 1)},
		"count-postal-reason-nested": {ballot.RecordCount, strings.Replace(countBody, `"marks":500`, `"postal":{"rejected_by":{"x":{"y":1}}}`, 1)},
	} {
		seeds[name] = []any{kindIndex(b.kind), []byte(b.body)}
	}
	return seeds
}

var recordCodes = []string{
	ballot.CodeRecordKindUnknown, ballot.CodeRecordTooLarge, ballot.CodeRecordMalformed,
	ballot.CodeRecordRequired, ballot.CodeRecordInvalid,
}

// FuzzDecodeBody feeds each record kind (kind picks one of RecordKinds)
// arbitrary bodies. Decoding is deterministic; a refusal is a *RecordError
// with a published code and a field; what is accepted passes ValidateBody,
// is what plain encoding/json reads from the same bytes, and re-encodes to
// a body that decodes to the same record.
func FuzzDecodeBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, k uint16, raw []byte) {
		kind := ballot.RecordKinds[int(k)%len(ballot.RecordKinds)]
		p := ballot.Payload{Header: ballot.Header{Kind: kind, Seq: 1, District: "101"}, Body: raw}
		rec, err := ballot.DecodeRecord(p)
		rec2, err2 := ballot.DecodeRecord(p)
		if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(rec, rec2) {
			t.Fatalf("two decodings differ:\n%v %#v\n%v %#v", err, rec.Body, err2, rec2.Body)
		}
		if err != nil {
			var re *ballot.RecordError
			if !errors.As(err, &re) || !slices.Contains(recordCodes, re.Code) || re.Code == ballot.CodeRecordKindUnknown ||
				!strings.HasPrefix(re.Field, "$.body") {
				t.Fatalf("refusal of a %s body is not a RecordError with a code and a field: %#v", kind, err)
			}
			return
		}
		if err := ballot.ValidateBody(kind, rec.Body); err != nil {
			t.Fatalf("accepted %s body fails ValidateBody: %v", kind, err)
		}
		enc, err := ballot.EncodeBody(kind, rec.Body)
		if err != nil {
			t.Fatalf("accepted %s body does not re-encode: %v", kind, err)
		}
		// The strict reading is a restriction of encoding/json's, never a
		// different reading of the same bytes.
		plain := reflect.New(reflect.TypeOf(rec.Body).Elem())
		if err := json.Unmarshal(raw, plain.Interface()); err != nil {
			t.Fatalf("encoding/json refuses what DecodeRecord accepted: %v", err)
		}
		plainEnc, err := ballot.EncodeBody(kind, plain.Interface())
		if err != nil || !bytes.Equal(plainEnc, enc) {
			t.Fatalf("encoding/json reads another %s body:\n%s\n%s (%v)", kind, enc, plainEnc, err)
		}
		again, err := ballot.DecodeRecord(ballot.Payload{Header: p.Header, Body: enc})
		if err != nil || !reflect.DeepEqual(again, rec) {
			t.Fatalf("re-encoded %s body %s decodes to %#v (%v)", kind, enc, again.Body, err)
		}
	})
}
