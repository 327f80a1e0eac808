package ballot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

const t0 = `"2026-03-08T06:30:00Z"`

// validBodies holds a good body of every kind, as a station writes them.
var validBodies = []struct {
	kind ballot.RecordKind
	body string
}{
	{ballot.RecordCheckIn, `{"person":{"id":"anna","name":"Anna Huber","role":"chair"},"at":` + t0 + `}`},
	{ballot.RecordCheckIn, `{"person":{"id":"erik","name":"Erik Ersatz","role":"assessor"},"at":` + t0 + `,"replaces":"bernd","instructed":true}`},
	{ballot.RecordCheckOut, `{"person_id":"anna","at":"2026-03-08T11:00:00Z"}`},
	{ballot.RecordPollsOpened, `{"at":"2026-03-08T07:00:00Z"}`},
	{ballot.RecordPollsClosed, `{"at":"2026-03-08T17:00:00.5Z"}`},
	{ballot.RecordTurnout, `{"slot":"10:00","at":"2026-03-08T09:00:12Z","voters":120}`},
	{ballot.RecordTurnout, `{"at":"2026-03-08T09:17:00Z","voters":0}`},
	{ballot.RecordIncident, `{"at":"2026-03-08T08:10:00Z","text":"Wahlkabine 2 ohne Stift.\nErsetzt."}`},
	{ballot.RecordCount, countBody},
	{ballot.RecordCount, `{"contest":"county","stage":"quick","version":2,"correction_reason":"Nachzählung","a1":1000,"a2":300,"b":600,"b1":100,` +
		`"invalid":20,"valid":580,"votes":{"a":1700,"b":1100},"candidate_votes":{"a-1":900,"a-2":500,"a-3":300,"b-1":600,"b-2":300,"b-3":200},` +
		`"unchanged":300,"changed":280,"reasons":{"few-voters":"Kleiner Bezirk."},"entered_by":["m1","m2"]}`},
	{ballot.RecordCount, `{"contest":"mayor","stage":"final","version":1,"b":400,"b1":400,"postal":{"received":430,"queried":40,"admitted":10,"rejected":30,` +
		`"rejected_by":{"no-valid-card":20,"declaration-unsigned":10}},"invalid":5,"valid":395,"votes":{"hu":200,"mu":150,"sc":45},"entered_by":["p1","p2"]}`},
}

const countBody = `{"contest":"mayor","stage":"final","version":1,"a1":1000,"a2":300,"a3":2,"b":600,"b1":100,"marks":500,` +
	`"invalid":10,"valid":590,"votes":{"hu":300,"mu":200,"sc":90},"entered_by":["m1","m2"]}`

func decode(kind ballot.RecordKind, body string) (ballot.Record, error) {
	return ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{ElectionID: "e", District: "0101", Seq: 7, Kind: kind}, Body: json.RawMessage(body)})
}

func TestDecodeRecord_EveryKindDecodesToItsTypeAndRoundTrips(t *testing.T) {
	types := map[ballot.RecordKind]any{
		ballot.RecordCheckIn: &ballot.CheckIn{}, ballot.RecordCheckOut: &ballot.CheckOut{}, ballot.RecordPollsOpened: &ballot.PollsOpened{},
		ballot.RecordPollsClosed: &ballot.PollsClosed{}, ballot.RecordTurnout: &ballot.Turnout{}, ballot.RecordIncident: &ballot.Incident{},
		ballot.RecordCount: &ballot.Count{},
	}
	seen := map[ballot.RecordKind]bool{}
	for _, v := range validBodies {
		rec, err := decode(v.kind, v.body)
		if err != nil {
			t.Errorf("%s %s: %v", v.kind, v.body, err)
			continue
		}
		seen[v.kind] = true
		if reflect.TypeOf(rec.Body) != reflect.TypeOf(types[v.kind]) || rec.Seq != 7 || rec.District != "0101" {
			t.Errorf("%s: body %T, header %+v", v.kind, rec.Body, rec.Header)
		}
		raw, err := ballot.EncodeBody(v.kind, rec.Body)
		if err != nil {
			t.Errorf("%s: re-encoding: %v", v.kind, err)
			continue
		}
		again, err := decode(v.kind, string(raw))
		if err != nil || !reflect.DeepEqual(rec, again) {
			t.Errorf("%s: round trip: %v\n%+v\n%+v", v.kind, err, rec.Body, again.Body)
		}
	}
	for _, k := range ballot.RecordKinds {
		if !seen[k] {
			t.Errorf("no valid body of kind %s in this test", k)
		}
	}
	rec, _ := decode(ballot.RecordCount, countBody)
	if c := rec.Body.(*ballot.Count); c.Votes["mu"] != 200 || *c.Marks != 500 || c.EnteredBy[1] != "m2" {
		t.Errorf("count: %+v", c)
	}
}

func TestDecodeRecord_ReadsStrictly(t *testing.T) {
	big := `{"at":` + t0 + `,"text":"` + strings.Repeat("x", ballot.MaxBodySize) + `"}`
	manyVotes := `{"contest":"c","stage":"final","version":1,"b":0,"b1":0,"invalid":0,"valid":0,"entered_by":["a","b"],"votes":{`
	for i := range ballot.MaxMapEntries + 1 {
		if i > 0 {
			manyVotes += ","
		}
		manyVotes += fmt.Sprintf(`"o%d":0`, i)
	}
	manyVotes += `}}`
	for _, tc := range []struct {
		name  string
		kind  ballot.RecordKind
		body  string
		code  string
		field string
	}{
		{"unknown kind", "vote", `{}`, ballot.CodeRecordKindUnknown, "$.kind"},
		{"over 64 KiB", ballot.RecordIncident, big, ballot.CodeRecordTooLarge, "$.body"},
		{"invalid UTF-8", ballot.RecordIncident, `{"at":` + t0 + `,"text":"` + "\xff" + `"}`, ballot.CodeRecordMalformed, "$.body"},
		{"empty", ballot.RecordPollsOpened, ``, ballot.CodeRecordMalformed, "$.body"},
		{"null", ballot.RecordPollsOpened, `null`, ballot.CodeRecordMalformed, "$.body"},
		{"an array", ballot.RecordPollsOpened, `[]`, ballot.CodeRecordMalformed, "$.body"},
		{"a second value", ballot.RecordPollsOpened, `{"at":` + t0 + `} {}`, ballot.CodeRecordMalformed, "$.body"},
		{"garbage after", ballot.RecordPollsOpened, `{"at":` + t0 + `}x`, ballot.CodeRecordMalformed, "$.body"},
		{"syntax error", ballot.RecordPollsOpened, `{"at" ` + t0 + `}`, ballot.CodeRecordMalformed, "$.body.at"},
		{"unknown member", ballot.RecordPollsOpened, `{"at":` + t0 + `,"by":"anna"}`, ballot.CodeRecordMalformed, "$.body"},
		{"member in another case", ballot.RecordPollsOpened, `{"At":` + t0 + `}`, ballot.CodeRecordMalformed, "$.body"},
		{"member twice", ballot.RecordPollsOpened, `{"at":` + t0 + `,"at":"2026-03-08T07:00:00Z"}`, ballot.CodeRecordMalformed, "$.body"},
		{"map key twice", ballot.RecordCount, strings.Replace(countBody, `"sc":90`, `"sc":90,"hu":0`, 1), ballot.CodeRecordMalformed, "$.body.votes"},
		{"nested member twice", ballot.RecordCheckIn, `{"person":{"id":"a","id":"b","name":"A","role":"chair"},"at":` + t0 + `}`, ballot.CodeRecordMalformed, "$.body.person"},
		{"null for a text", ballot.RecordCheckOut, `{"person_id":null,"at":` + t0 + `}`, ballot.CodeRecordMalformed, "$.body.person_id"},
		{"null for a time", ballot.RecordPollsOpened, `{"at":null}`, ballot.CodeRecordMalformed, "$.body.at"},
		{"null for marks", ballot.RecordCount, strings.Replace(countBody, `"marks":500`, `"marks":null`, 1), ballot.CodeRecordMalformed, "$.body.marks"},
		{"a string for a number", ballot.RecordTurnout, `{"at":` + t0 + `,"voters":"12"}`, ballot.CodeRecordMalformed, "$.body.voters"},
		{"a fraction", ballot.RecordTurnout, `{"at":` + t0 + `,"voters":1.5}`, ballot.CodeRecordMalformed, "$.body.voters"},
		{"an exponent", ballot.RecordTurnout, `{"at":` + t0 + `,"voters":1e3}`, ballot.CodeRecordMalformed, "$.body.voters"},
		{"beyond int64", ballot.RecordTurnout, `{"at":` + t0 + `,"voters":99999999999999999999}`, ballot.CodeRecordMalformed, "$.body.voters"},
		{"an object for a text", ballot.RecordCheckOut, `{"person_id":{"id":"a"},"at":` + t0 + `}`, ballot.CodeRecordMalformed, "$.body.person_id"},
		{"deep nesting", ballot.RecordPollsOpened, `{"at":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}`, ballot.CodeRecordMalformed, "$.body.at"},
		{"a time without zone", ballot.RecordPollsOpened, `{"at":"2026-03-08T07:00:00"}`, ballot.CodeRecordMalformed, "$.body"},
		{"too many votes", ballot.RecordCount, manyVotes, ballot.CodeRecordTooLarge, "$.body.votes"},
	} {
		_, err := decode(tc.kind, tc.body)
		var re *ballot.RecordError
		if !errors.As(err, &re) || re.Code != tc.code || re.Field != tc.field {
			t.Errorf("%s: got %v, want %s at %s", tc.name, err, tc.code, tc.field)
		}
	}
}

// body replaces the value of one member in a valid body of kind.
func body(kind ballot.RecordKind, member, value string) string {
	var m map[string]json.RawMessage
	for _, v := range validBodies {
		if v.kind == kind {
			if err := json.Unmarshal([]byte(v.body), &m); err != nil {
				panic(err)
			}
			break
		}
	}
	if value == "" {
		delete(m, member)
	} else {
		m[member] = json.RawMessage(value)
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func person(id, name, role string) string {
	return fmt.Sprintf(`{"id":%q,"name":%q,"role":%q}`, id, name, role)
}

func TestDecodeRecord_ValidatesEveryBody(t *testing.T) {
	long := func(n int) string { return `"` + strings.Repeat("ä", n) + `"` }
	count := ballot.RecordCount
	for _, tc := range []struct {
		name  string
		kind  ballot.RecordKind
		body  string
		code  string // "" for accepted
		field string
	}{
		{"check-in: no id", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("", "Anna", "chair")), ballot.CodeRecordRequired, "$.body.person.id"},
		{"check-in: id of 64 bytes", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person(strings.Repeat("a", 64), "Anna", "chair")), "", ""},
		{"check-in: id of 65 bytes", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person(strings.Repeat("a", 65), "Anna", "chair")), ballot.CodeRecordTooLarge, "$.body.person.id"},
		{"check-in: id with a space around", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("anna ", "Anna", "chair")), ballot.CodeRecordInvalid, "$.body.person.id"},
		{"check-in: blank name", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("anna", "  ", "chair")), ballot.CodeRecordRequired, "$.body.person.name"},
		{"check-in: name of 2000 characters", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", `{"id":"a","name":`+long(2000)+`,"role":"chair"}`), "", ""},
		{"check-in: name of 2001 characters", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", `{"id":"a","name":`+long(2001)+`,"role":"chair"}`), ballot.CodeRecordTooLarge, "$.body.person.name"},
		{"check-in: name on two lines", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("anna", "Anna\nHuber", "chair")), ballot.CodeRecordInvalid, "$.body.person.name"},
		{"check-in: no role", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("anna", "Anna", "")), ballot.CodeRecordRequired, "$.body.person.role"},
		{"check-in: unknown role", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "person", person("anna", "Anna", "boss")), ballot.CodeRecordInvalid, "$.body.person.role"},
		{"check-in: no time", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "at", ""), ballot.CodeRecordRequired, "$.body.at"},
		{"check-in: a time of the last century", ballot.RecordCheckIn, body(ballot.RecordCheckIn, "at", `"1999-12-31T23:00:00Z"`), ballot.CodeRecordInvalid, "$.body.at"},
		{"check-in: replacement not instructed", ballot.RecordCheckIn, strings.Replace(validBodies[1].body, `,"instructed":true`, ``, 1), ballot.CodeRecordRequired, "$.body.instructed"},
		{"check-in: replacement instructed false", ballot.RecordCheckIn, strings.Replace(validBodies[1].body, `"instructed":true`, `"instructed":false`, 1), ballot.CodeRecordRequired, "$.body.instructed"},
		{"check-in: replacing oneself", ballot.RecordCheckIn, strings.Replace(validBodies[1].body, `"bernd"`, `"erik"`, 1), ballot.CodeRecordInvalid, "$.body.replaces"},
		{"check-out: no person", ballot.RecordCheckOut, body(ballot.RecordCheckOut, "person_id", `""`), ballot.CodeRecordRequired, "$.body.person_id"},
		{"polls closed: zero time", ballot.RecordPollsClosed, `{"at":"0001-01-01T00:00:00Z"}`, ballot.CodeRecordRequired, "$.body.at"},
		{"turnout: ad hoc", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `""`), "", ""},
		{"turnout: 23:59", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `"23:59"`), "", ""},
		{"turnout: 24:00", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `"24:00"`), ballot.CodeRecordInvalid, "$.body.slot"},
		{"turnout: 10:60", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `"10:60"`), ballot.CodeRecordInvalid, "$.body.slot"},
		{"turnout: 9:00", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `"9:00"`), ballot.CodeRecordInvalid, "$.body.slot"},
		{"turnout: +8:00", ballot.RecordTurnout, body(ballot.RecordTurnout, "slot", `"+8:00"`), ballot.CodeRecordInvalid, "$.body.slot"},
		{"turnout: negative", ballot.RecordTurnout, body(ballot.RecordTurnout, "voters", `-1`), ballot.CodeRecordInvalid, "$.body.voters"},
		{"incident: no text", ballot.RecordIncident, body(ballot.RecordIncident, "text", `""`), ballot.CodeRecordRequired, "$.body.text"},
		{"incident: blank text", ballot.RecordIncident, body(ballot.RecordIncident, "text", `" \n\t "`), ballot.CodeRecordRequired, "$.body.text"},
		{"incident: one character", ballot.RecordIncident, body(ballot.RecordIncident, "text", `"!"`), "", ""},
		{"incident: 2000 characters", ballot.RecordIncident, body(ballot.RecordIncident, "text", long(2000)), "", ""},
		{"incident: 2001 characters", ballot.RecordIncident, body(ballot.RecordIncident, "text", long(2001)), ballot.CodeRecordTooLarge, "$.body.text"},
		{"incident: a NUL", ballot.RecordIncident, body(ballot.RecordIncident, "text", `"a\u0000b"`), ballot.CodeRecordInvalid, "$.body.text"},
		{"incident: a lone surrogate", ballot.RecordIncident, body(ballot.RecordIncident, "text", `"a\ud800b"`), ballot.CodeRecordInvalid, "$.body.text"},
		{"count: no contest", count, body(count, "contest", `""`), ballot.CodeRecordRequired, "$.body.contest"},
		{"count: unknown stage", count, body(count, "stage", `"provisional"`), ballot.CodeRecordInvalid, "$.body.stage"},
		{"count: version 0", count, body(count, "version", `0`), ballot.CodeRecordInvalid, "$.body.version"},
		{"count: correction without reason", count, body(count, "version", `2`), ballot.CodeRecordRequired, "$.body.correction_reason"},
		{"count: entered once", count, body(count, "entered_by", `["m1"]`), ballot.CodeRecordInvalid, "$.body.entered_by"},
		{"count: entered twice by one", count, body(count, "entered_by", `["m1","m1"]`), ballot.CodeRecordInvalid, "$.body.entered_by"},
		{"count: an empty id", count, body(count, "entered_by", `["m1",""]`), ballot.CodeRecordRequired, "$.body.entered_by[1]"},
		{"count: a negative vote", count, body(count, "votes", `{"hu":-1}`), ballot.CodeRecordInvalid, "$.body.votes.hu"},
		{"count: an absurd B", count, body(count, "b", `1000000001`), ballot.CodeRecordInvalid, "$.body.b"},
		{"count: a long option id", count, body(count, "votes", `{"`+strings.Repeat("o", 65)+`":1}`), ballot.CodeRecordTooLarge, "$.body.votes"},
		{"count: an unknown reason", count, body(count, "postal", `{"received":1,"queried":1,"admitted":0,"rejected":1,"rejected_by":{"late":1}}`), ballot.CodeRecordInvalid, "$.body.postal.rejected_by"},
		{"count: negative letters", count, body(count, "postal", `{"received":-1,"queried":0,"admitted":0,"rejected":0,"rejected_by":null}`), ballot.CodeRecordInvalid, "$.body.postal.received"},
		{"count: no votes is for CheckCount", count, body(count, "votes", `null`), "", ""},
	} {
		_, err := decode(tc.kind, tc.body)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var re *ballot.RecordError
		if !errors.As(err, &re) || re.Code != tc.code || re.Field != tc.field {
			t.Errorf("%s: got %v, want %s at %s", tc.name, err, tc.code, tc.field)
		}
	}
}

func TestDecodeRecord_ReturnsTheCanonicalForm(t *testing.T) {
	rec, err := decode(ballot.RecordCount, strings.Replace(body(ballot.RecordCount, "reasons", `{}`), `"votes":{"hu":300,"mu":200,"sc":90}`, `"votes":{}`, 1))
	if err != nil {
		t.Fatal(err)
	}
	if c := rec.Body.(*ballot.Count); c.Votes != nil || c.Reasons != nil {
		t.Errorf("empty maps are not nil: %#v %#v", c.Votes, c.Reasons)
	}
	rec, err = decode(ballot.RecordPollsOpened, `{"at":"2026-03-08T08:00:00+01:00"}`)
	if err != nil {
		t.Fatal(err)
	}
	if at := rec.Body.(*ballot.PollsOpened).At; at.Location() != time.UTC || !at.Equal(time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("time not in UTC: %v", at)
	}
}

func TestEncodeBody_WritesWhatDecodeRecordReads(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	in := &ballot.Incident{At: time.Date(2026, 3, 8, 19, 5, 0, 0, berlin), Text: "Nach Schluss: Urne versiegelt."}
	raw, err := ballot.EncodeBody(ballot.RecordIncident, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"at":"2026-03-08T18:05:00Z","text":"Nach Schluss: Urne versiegelt."}`; string(raw) != want {
		t.Errorf("got %s, want %s", raw, want)
	}
	if in.At.Location() != berlin {
		t.Error("EncodeBody changed its argument")
	}
	c := mayorCount()
	c.Reasons = map[string]string{}
	if _, err := ballot.EncodeBody(ballot.RecordCount, *c); err != nil || c.Reasons == nil {
		t.Errorf("a value body: %v; argument changed: %v", err, c.Reasons == nil)
	}
	for name, tc := range map[string]struct {
		kind ballot.RecordKind
		body any
		code string
	}{
		"wrong kind":    {ballot.RecordCheckOut, in, ballot.CodeRecordInvalid},
		"unknown kind":  {"vote", in, ballot.CodeRecordKindUnknown},
		"nil":           {ballot.RecordIncident, (*ballot.Incident)(nil), ballot.CodeRecordRequired},
		"untyped nil":   {ballot.RecordIncident, nil, ballot.CodeRecordInvalid},
		"invalid":       {ballot.RecordCheckIn, &ballot.CheckIn{At: in.At}, ballot.CodeRecordRequired},
		"year 10000":    {ballot.RecordPollsOpened, ballot.PollsOpened{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, ballot.CodeRecordInvalid},
		"too many ids":  {ballot.RecordCount, with(mayorCount, func(c *ballot.Count) { c.EnteredBy = []string{"a", "b", "c"} })(), ballot.CodeRecordInvalid},
		"a wrong value": {ballot.RecordTurnout, ballot.Turnout{At: in.At, Voters: -3}, ballot.CodeRecordInvalid},
	} {
		_, err := ballot.EncodeBody(tc.kind, tc.body)
		var re *ballot.RecordError
		if !errors.As(err, &re) || re.Code != tc.code {
			t.Errorf("%s: got %v, want %s", name, err, tc.code)
		}
	}
	if err := ballot.ValidateBody(ballot.RecordTurnout, ballot.Turnout{At: in.At, Voters: 3}); err != nil {
		t.Errorf("ValidateBody of a value: %v", err)
	}
	err = ballot.ValidateBody(ballot.RecordTurnout, &ballot.Turnout{Voters: 3})
	if err == nil || !strings.Contains(err.Error(), "$.body.at") || !strings.Contains(err.Error(), ballot.CodeRecordRequired) {
		t.Errorf("error text names neither field nor code: %v", err)
	}
}

// FuzzDecodeRecord: no input panics, every refusal is a *RecordError, and
// what is accepted re-encodes and decodes to the same value, canonically.
func FuzzDecodeRecord(f *testing.F) {
	for _, v := range validBodies {
		f.Add(string(v.kind), []byte(v.body))
	}
	f.Add("count", []byte(`{"contest":"c","votes":{"a":1,"a":2}}`))
	f.Add("checkin", []byte(`{"Person":{"ID":"x"}}`))
	f.Fuzz(func(t *testing.T, kind string, raw []byte) {
		p := ballot.Payload{Header: ballot.Header{Kind: ballot.RecordKind(kind), Seq: 1}, Body: raw}
		rec, err := ballot.DecodeRecord(p)
		if err != nil {
			var re *ballot.RecordError
			if !errors.As(err, &re) || re.Code == "" || !strings.HasPrefix(re.Field, "$.") {
				t.Fatalf("refusal is not a RecordError with code and field: %#v", err)
			}
			return
		}
		enc, err := ballot.EncodeBody(rec.Kind, rec.Body)
		if err != nil {
			t.Fatalf("accepted body does not re-encode: %v", err)
		}
		again, err := ballot.DecodeRecord(ballot.Payload{Header: p.Header, Body: enc})
		if err != nil {
			t.Fatalf("re-encoded body %s is refused: %v", enc, err)
		}
		if !reflect.DeepEqual(rec, again) {
			t.Fatalf("changed in a round trip:\n%#v\n%#v", rec.Body, again.Body)
		}
		if enc2, _ := ballot.EncodeBody(again.Kind, again.Body); !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not canonical:\n%s\n%s", enc, enc2)
		}
	})
}
