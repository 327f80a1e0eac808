package ballot_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// definitionSeeds are the committed seeds of FuzzParseDefinitionProblems:
// two of the example definitions and broken variants of them. (The third,
// larger example and testdata/invalid are added in code, so that they stay
// current.)
func definitionSeeds(tb testing.TB) map[string][]any {
	bt := string(readExample(tb, "bundestag-wahlkreis.json"))
	be := string(readExample(tb, "buergerentscheid.json"))
	seeds := map[string][]any{
		"valid-bundestag-wahlkreis": {[]byte(bt)},
		"valid-buergerentscheid":    {[]byte(be)},
		"truncated":                 {[]byte(bt[:len(bt)/2])},
		"polls-close-before-open":   {[]byte(strings.Replace(be, `"polls_close": "18:00"`, `"polls_close": "07:00"`, 1))},
		"exempt-list-unknown":       {[]byte(strings.Replace(bt, `"exempt": ["ssw"]`, `"exempt": ["ssw", "xyz"]`, 1))},
		"threshold-three-places":    {[]byte(strings.Replace(bt, `"threshold": 5,`, `"threshold": 5.125,`, 1))},
		"district-ballot-unknown":   {[]byte(strings.Replace(be, `"kind": "postal", "ballots": ["be"]}`, `"kind": "postal", "ballots": ["bx"]}`, 1))},
		"time-zone-local":           {[]byte(strings.Replace(be, `"Europe/Berlin"`, `"Local"`, 1))},
		"format-future":             {[]byte(strings.Replace(be, `wahlkoffer-election/1`, `wahlkoffer-election/2`, 1))},
		"register-negative":         {[]byte(strings.Replace(be, `"a1": 1480`, `"a1": -1480`, 1))},
		// Refused: more seats than ballot.MaxSeats would take forever to allocate.
		"seats-too-many": {[]byte(strings.Replace(bt, `"seats": 630,`, `"seats": 9000000000000000000,`, 1))},
	}
	for name, s := range seeds {
		if b := string(s[0].([]byte)); name != "valid-bundestag-wahlkreis" && name != "valid-buergerentscheid" && (b == bt || b == be) {
			tb.Fatalf("seed %s changes nothing: the example was edited", name)
		}
	}
	return seeds
}

// FuzzParseDefinitionProblems: parsing is deterministic; a refusal is a
// *DefinitionError whose problems all sit at a JSON path and render in
// both languages without a formatting slip; what is accepted passes
// Validate again, its lookups work, and the outcome of each of its
// contests can be computed (see maxOutcomeSeats).
func FuzzParseDefinitionProblems(f *testing.F) {
	f.Add(readExample(f, "musterstadt.json"))
	invalid, _ := filepath.Glob("../testdata/invalid/*.json")
	for _, p := range invalid {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := ballot.ParseDefinition(data)
		def2, err2 := ballot.ParseDefinition(data)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || !reflect.DeepEqual(def, def2) {
			t.Fatalf("two parses differ:\n%v\n%v", err, err2)
		}
		if err != nil {
			var de *ballot.DefinitionError
			if !errors.As(err, &de) || len(de.Problems) == 0 {
				t.Fatalf("refusal is not a DefinitionError with problems: %T %v", err, err)
			}
			for _, p := range de.Problems {
				if !strings.HasPrefix(p.Path, "$") || p.Code == "" {
					t.Fatalf("problem without path or code: %+v", p)
				}
				for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
					if m := p.Message(lang); m == "" || m == p.Code || strings.Contains(m, "%!") {
						t.Fatalf("problem %+v renders in %s as %q", p, lang, m)
					}
				}
			}
			return
		}
		if ps := def.Validate(); len(ps) > 0 {
			t.Fatalf("accepted definition fails Validate: %v", ps)
		}
		for i := range def.Districts {
			d := &def.Districts[i]
			if got, ok := def.District(d.ID); !ok || got.ID != d.ID {
				t.Fatalf("district %q is not found by its id", d.ID)
			}
			for _, c := range def.ContestsOf(d) {
				if got, _, ok := def.Contest(c.ID); !ok || got != c {
					t.Fatalf("contest %q of district %q is not found by its id", c.ID, d.ID)
				}
				outcome(t, c)
			}
		}
	})
}

// maxOutcomeSeats bounds the seats of the contests whose outcome
// FuzzParseDefinitionProblems computes. ParseDefinition sets no upper bound
// on seats and the allocation takes a step per seat, so a definition with
// seats in the billions makes Outcome run for hours (see the report of
// issue 8); the fuzzer would stall there rather than fail.
const maxOutcomeSeats = 10_000

// outcome computes the result of an accepted contest from made-up totals:
// each option (and candidate) one vote more than the one before.
func outcome(t *testing.T, c *ballot.Contest) {
	t.Helper()
	if c.Seats > maxOutcomeSeats {
		return
	}
	totals := ballot.Totals{ballot.FieldDistricts: 1}
	var valid int64
	for i, o := range c.Options() {
		totals[ballot.OptionField(o.ID)] = int64(i + 1)
		valid += int64(i + 1)
	}
	for _, l := range c.Lists {
		for i, cand := range l.Candidates {
			totals[ballot.CandidateField(cand.ID)] = int64(i + 1)
		}
	}
	totals[ballot.FieldD], totals[ballot.FieldB] = valid, valid
	r := ballot.Outcome(c, totals)
	if r.Contest != c.ID || r.Valid != valid || len(r.Options) != len(c.Options()) {
		t.Fatalf("outcome of contest %q: %+v", c.ID, r)
	}
}
