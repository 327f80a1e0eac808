package ballot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// checkExamples are the example definitions FuzzCheckCount checks counts
// against, picked by its first argument.
var checkExamples = []string{"musterstadt.json", "bundestag-wahlkreis.json", "buergerentscheid.json"}

func parseExamples(tb testing.TB) []*ballot.Definition {
	tb.Helper()
	defs := make([]*ballot.Definition, len(checkExamples))
	for i, name := range checkExamples {
		def, err := ballot.ParseDefinition(readExample(tb, name))
		if err != nil {
			tb.Fatal(err)
		}
		defs[i] = def
	}
	return defs
}

// districtIndex returns the fuzz argument that picks a district of an
// example.
func districtIndex(tb testing.TB, def *ballot.Definition, id string) uint16 {
	tb.Helper()
	for i, d := range def.Districts {
		if d.ID == id {
			return uint16(i)
		}
	}
	tb.Fatalf("no district %s", id)
	return 0
}

// checkCountSeeds are the committed seeds of FuzzCheckCount: counts as a
// count file (`station count --file`) holds them, for the contests of
// every kind in the examples, a pair of entries with a typing error, and
// counts that break the rules.
func checkCountSeeds(tb testing.TB) map[string][]any {
	defs := parseExamples(tb)
	muster, bund, be := defs[0], defs[1], defs[2]
	mayor := `{"b":1000,"b1":200,"invalid":10,"valid":990,"votes":{"ob-1":400,"ob-2":300,"ob-3":200,"ob-4":90}}`
	typo := strings.Replace(mayor, `"ob-2":300`, `"ob-2":390`, 1)
	final := `{"contest":"ob","stage":"final","version":1,"a1":1409,"a2":535,"b":1000,"b1":200,"marks":800,"invalid":10,"valid":990,` +
		`"votes":{"ob-1":400,"ob-2":300,"ob-3":200,"ob-4":90},"entered_by":["101-1","101-3"]}`
	postal := `{"contest":"ob","stage":"quick","version":1,"b":640,"b1":640,"postal":{"received":700,"queried":80,"admitted":20,"rejected":60,` +
		`"rejected_by":{"no-valid-card":40,"declaration-unsigned":20}},"invalid":12,"valid":628,"votes":{"ob-1":300,"ob-2":200,"ob-3":100,"ob-4":28},` +
		`"entered_by":["901-1","901-2"]}`
	// A cumulative count of the city council that adds up: every
	// candidate two votes, each list the sum of its candidates.
	sr, _, _ := muster.Contest("sr")
	cand, lists := map[string]int64{}, map[string]int64{}
	for _, l := range sr.Lists {
		for _, c := range l.Candidates {
			cand[c.ID] = 2
			lists[l.ID] += 2
		}
	}
	council, err := json.Marshal(ballot.Count{Contest: "sr", Stage: ballot.StageQuick, Version: 1, B: 1000, B1: 200, Invalid: 30, Valid: 970,
		Votes: lists, CandidateVotes: cand, Unchanged: int64p(400), Changed: int64p(570), EnteredBy: []string{"101-1", "101-3"}})
	if err != nil {
		tb.Fatal(err)
	}
	zweit := `{"contest":"zweitstimme","stage":"quick","version":1,"a1":1500,"b":1200,"b1":180,"invalid":15,"valid":1185,` +
		`"votes":{"cdu":350,"afd":240,"spd":200,"gruene":160,"linke":95,"bsw":60,"fdp":50,"fw":30}}`
	referendum := `{"contest":"freibad","stage":"final","version":2,"correction_reason":"Nachzählung","b":900,"b1":150,"invalid":8,"valid":892,` +
		`"votes":{"yes":512,"no":380},"reasons":{"turnout-low":"Ferienbeginn."},"entered_by":["m1","m2"]}`
	d101, d901 := districtIndex(tb, muster, "101"), districtIndex(tb, muster, "901")
	seed := func(def uint16, district uint16, first, second string) []any {
		return []any{def, district, []byte(first), []byte(second)}
	}
	return map[string][]any{
		"valid-mayor-two-equal-entries": seed(0, d101, mayor, mayor),
		"valid-mayor-typing-error":      seed(0, d101, mayor, typo),
		"valid-mayor-final-record":      seed(0, d101, final, mayor),
		"valid-postal-mayor":            seed(0, d901, postal, postal),
		"valid-council-cumulative":      seed(0, d101, string(council), string(council)),
		"valid-bundestag-zweitstimme":   seed(1, districtIndex(tb, bund, bund.Districts[0].ID), zweit, zweit),
		"valid-referendum":              seed(2, districtIndex(tb, be, "1"), referendum, referendum),
		"no-district":                   seed(0, uint16(len(muster.Districts)), mayor, mayor),
		"negative-and-huge":             seed(0, d101, strings.Replace(mayor, `"b":1000,"b1":200`, `"b":-1000,"b1":9223372036854775807`, 1), mayor),
		"option-unknown":                seed(0, d101, strings.Replace(mayor, `"ob-4"`, `"ob-9"`, 1), mayor),
		"postal-letters-in-person":      seed(0, d101, postal, mayor),
		"in-person-count-postal":        seed(0, d901, final, postal),
		"council-as-mayor":              seed(0, d101, strings.Replace(string(council), `"sr"`, `"ob"`, 1), mayor),
		"empty-object":                  seed(1, 0, `{}`, `{"votes":null}`),
		// A reason "" once ranked as equal to no-valid-card, so two entries
		// could be paired up in map order.
		"reason-empty-ties-first-reason": seed(0, d901, strings.Replace(postal, `"no-valid-card":40,"declaration-unsigned":20`, `"":20,"no-valid-card":40`, 1),
			strings.Replace(postal, `"no-valid-card":40,"declaration-unsigned":20`, `"":40,"no-valid-card":20`, 1)),
		"unknown-field": seed(2, 0, `{"votes":{"yes":1},"bogus":1}`, referendum),
	}
}

func int64p(n int64) *int64 { return &n }

// FuzzCheckCount gives CheckCount and CompareEntries arbitrary counts, read
// as `station count --file` reads a count file, against the districts of
// the example definitions (one index past the last means no district).
// Nothing may panic; the checks are deterministic, leave the count as it
// is, name only published codes with their own severity and render in both
// languages; Sendable keeps every error; CompareEntries finds no difference
// between a count and itself and the mirrored differences when the two
// entries are swapped.
func FuzzCheckCount(f *testing.F) {
	defs := parseExamples(f)
	f.Fuzz(func(t *testing.T, di, ri uint16, first, second []byte) {
		def := defs[int(di)%len(defs)]
		var district *ballot.District
		if i := int(ri) % (len(def.Districts) + 1); i < len(def.Districts) {
			district = &def.Districts[i]
		}
		a, ok := readCount(first)
		if !ok {
			return
		}
		b, ok := readCount(second)
		if !ok {
			b = a
		}
		before := mustJSON(t, a)
		findings := ballot.CheckCount(def, district, a, ballot.CheckContext{})
		if again := ballot.CheckCount(def, district, a, ballot.CheckContext{}); !reflect.DeepEqual(findings, again) {
			t.Fatalf("two checks differ:\n%v\n%v", findings, again)
		}
		strong := ballot.StrongOptions(a.Votes, 1000)
		if !reflect.DeepEqual(strong, ballot.StrongOptions(a.Votes, 1000)) {
			t.Fatal("StrongOptions is not deterministic")
		}
		withStrong := ballot.CheckCount(def, district, a, ballot.CheckContext{StrongElsewhere: strong})
		if !reflect.DeepEqual(withStrong, ballot.CheckCount(def, district, a, ballot.CheckContext{StrongElsewhere: strong})) {
			t.Fatal("two checks with strong options differ")
		}
		if !bytes.Equal(before, mustJSON(t, a)) {
			t.Fatalf("CheckCount changed the count:\n%s\n%s", before, mustJSON(t, a))
		}
		contest, _, _ := def.Contest(a.Contest)
		for _, fs := range [][]ballot.Finding{findings, withStrong} {
			for _, fd := range fs {
				checkFinding(t, contest, fd)
			}
		}
		sendable := ballot.Sendable(withStrong, a.Reasons)
		for _, fd := range sendable {
			if fd.Severity != ballot.SeverityError {
				t.Fatalf("Sendable hands back a %s: %v", fd.Severity, fd)
			}
			checkFinding(t, contest, fd)
		}
		for _, fd := range withStrong {
			if fd.Severity == ballot.SeverityError && !slices.ContainsFunc(sendable, func(s ballot.Finding) bool { return reflect.DeepEqual(s, fd) }) {
				t.Fatalf("Sendable drops the error %v", fd)
			}
		}
		if ballot.HasErrors(withStrong) != slices.ContainsFunc(withStrong, func(f ballot.Finding) bool { return f.Severity == ballot.SeverityError }) {
			t.Fatal("HasErrors disagrees with the severities")
		}

		if d := ballot.CompareEntries(a, a); len(d) != 0 {
			t.Fatalf("a count differs from itself: %+v", d)
		}
		ab, ba := ballot.CompareEntries(a, b), ballot.CompareEntries(b, a)
		if !reflect.DeepEqual(ab, ballot.CompareEntries(a, b)) {
			t.Fatal("CompareEntries is not deterministic")
		}
		if len(ab) != len(ba) {
			t.Fatalf("%d differences one way, %d the other", len(ab), len(ba))
		}
		na, nb := numbers(a), numbers(b)
		seen := map[string]bool{}
		for i, d := range ab {
			m := ba[i]
			if m.Field != d.Field || !reflect.DeepEqual(m.First, d.Second) || !reflect.DeepEqual(m.Second, d.First) {
				t.Fatalf("difference %d is not mirrored: %+v, %+v", i, d, m)
			}
			if seen[d.Field] {
				t.Fatalf("field %s differs twice", d.Field)
			}
			seen[d.Field] = true
			va, inA := na[d.Field]
			vb, inB := nb[d.Field]
			if inA != (d.First != nil) || inB != (d.Second != nil) || inA && *d.First != va || inB && *d.Second != vb || inA && inB && va == vb {
				t.Fatalf("difference %+v does not match the counts (%d %v, %d %v)", d, va, inA, vb, inB)
			}
		}
		for field, va := range na {
			if vb, ok := nb[field]; (!ok || va != vb) && !seen[field] {
				t.Fatalf("field %s differs (%d, %d) but is not named", field, va, vb)
			}
		}
		for field := range nb {
			if _, ok := na[field]; !ok && !seen[field] {
				t.Fatalf("field %s is only in the second entry but not named", field)
			}
		}
	})
}

// readCount reads a count as `station count --file` does.
func readCount(b []byte) (*ballot.Count, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c ballot.Count
	if dec.Decode(&c) != nil {
		return nil, false
	}
	return &c, true
}

func numbers(c *ballot.Count) map[string]int64 {
	out := map[string]int64{}
	for _, fv := range c.Numbers() {
		out[fv.Field] = fv.Value
	}
	return out
}

func checkFinding(t *testing.T, contest *ballot.Contest, fd ballot.Finding) {
	t.Helper()
	if !slices.Contains(ballot.FindingCodes, fd.Code) || fd.Severity != ballot.SeverityOf(fd.Code) {
		t.Fatalf("finding with an unknown code or the wrong severity: %+v", fd)
	}
	for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
		if m := fd.Message(lang); m == "" || strings.Contains(m, "%!") {
			t.Fatalf("finding %+v renders in %s as %q", fd, lang, m)
		}
		for _, fv := range fd.Fields {
			// A label is empty only for an empty id after a prefix ("D:").
			if ballot.FieldLabel(contest, fv.Field, lang) == "" && !strings.HasSuffix(fv.Field, ":") {
				t.Fatalf("field %q of %+v has no label in %s", fv.Field, fd, lang)
			}
		}
	}
	_ = fmt.Sprint(fd)
}
