package ballot_test

import (
	"slices"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// A small election for the count checks: a mayor with three candidates, a
// list contest, a cumulative contest of two lists of three candidates with
// five votes per voter, and a referendum; two polling stations and a
// postal district.
func testDefinition() *ballot.Definition {
	return &ballot.Definition{
		Format:   ballot.FormatVersion,
		Election: ballot.Election{ID: "test-2026", Title: "Testwahl", Date: "2026-03-08", Authority: "Stadt", TimeZone: "Europe/Berlin"},
		Ballots: []ballot.Ballot{
			{ID: "ob", Title: "Oberbürgermeister", Contests: []ballot.Contest{{
				ID: "mayor", Title: "Oberbürgermeisterwahl", Kind: ballot.KindMajority,
				Candidates: []ballot.Candidate{{ID: "hu", Name: "Anna Huber"}, {ID: "mu", Name: "Ben Müller"}, {ID: "sc", Name: "Clara Schmid"}},
			}}},
			{ID: "sr", Title: "Stadtrat", Contests: []ballot.Contest{{
				ID: "council", Title: "Stadtratswahl", Kind: ballot.KindList, Seats: 10, Method: ballot.SainteLague,
				Lists: []ballot.List{{ID: "csu", Name: "CSU"}, {ID: "spd", Name: "SPD"}, {ID: "gruene", Name: "GRÜNE"}},
			}}},
			{ID: "kt", Title: "Kreistag", Contests: []ballot.Contest{{
				ID: "county", Title: "Kreistagswahl", Kind: ballot.KindCumulative, Seats: 5, Method: ballot.SainteLague,
				VotesPerVoter: 5, MaxPerCandidate: 3,
				Lists: []ballot.List{
					{ID: "a", Name: "Liste A", Candidates: []ballot.Candidate{{ID: "a-1", Name: "Albrecht"}, {ID: "a-2", Name: "Amann"}, {ID: "a-3", Name: "Arnold"}}},
					{ID: "b", Name: "Liste B", Candidates: []ballot.Candidate{{ID: "b-1", Name: "Bauer"}, {ID: "b-2", Name: "Beck"}, {ID: "b-3", Name: "Brandl"}}},
				},
			}}},
			{ID: "be", Title: "Bürgerentscheid", Contests: []ballot.Contest{{
				ID: "ref", Title: "Bürgerentscheid Radweg", Kind: ballot.KindReferendum, Question: "Soll der Radweg gebaut werden?",
			}}},
		},
		Districts: []ballot.District{
			{ID: "0101", Name: "Schule", Kind: ballot.InPerson, Register: &ballot.Register{A1: 1000, A2: 300, A3: 2}, Ballots: []string{"ob", "sr", "kt", "be"}},
			{ID: "0102", Name: "Rathaus", Kind: ballot.InPerson, Register: &ballot.Register{A1: 800, A2: 200}, Ballots: []string{"ob"}},
			{ID: "B01", Name: "Briefwahl 1", Kind: ballot.Postal, Ballots: []string{"ob", "sr", "kt", "be"}},
		},
	}
}

func district(t testing.TB, def *ballot.Definition, id string) *ballot.District {
	t.Helper()
	d, ok := def.District(id)
	if !ok {
		t.Fatalf("no district %s", id)
	}
	return d
}

func i64(v int64) *int64 { return &v }

// inPersonCount is a consistent count of the in-person district 0101:
// B = 600 of A1 = 1000 (60 %), 500 marks + 100 cards, C + D = 10 + 590.
func inPersonCount(contest string, votes map[string]int64) *ballot.Count {
	return &ballot.Count{
		Contest: contest, Stage: ballot.StageFinal, Version: 1,
		A1: 1000, A2: 300, A3: 2, B: 600, B1: 100, Marks: i64(500),
		Invalid: 10, Valid: 590, Votes: votes,
		EnteredBy: []string{"m1", "m2"},
	}
}

func mayorCount() *ballot.Count {
	return inPersonCount("mayor", map[string]int64{"hu": 300, "mu": 200, "sc": 90})
}

func councilCount() *ballot.Count {
	return inPersonCount("council", map[string]int64{"csu": 250, "spd": 200, "gruene": 140})
}

func referendumCount() *ballot.Count {
	return inPersonCount("ref", map[string]int64{"yes": 400, "no": 190})
}

// cumulativeCount: C + D = 20 + 580 ballots, 300 unchanged + 280 changed;
// list A 900 + 500 + 300 = 1700, list B 600 + 300 + 200 = 1100; 2800
// votes of at most 580 × 5 = 2900, no candidate above 580 × 3 = 1740.
func cumulativeCount() *ballot.Count {
	c := inPersonCount("county", map[string]int64{"a": 1700, "b": 1100})
	c.Invalid, c.Valid = 20, 580
	c.Unchanged, c.Changed = i64(300), i64(280)
	c.CandidateVotes = map[string]int64{"a-1": 900, "a-2": 500, "a-3": 300, "b-1": 600, "b-2": 300, "b-3": 200}
	return c
}

// postalCount is a consistent count of the postal district B01: 430
// letters received, 40 queried, 10 admitted and 30 rejected (20 without a
// valid card, 10 unsigned), so B = B1 = 430 − 30 = 400.
func postalCount() *ballot.Count {
	return &ballot.Count{
		Contest: "mayor", Stage: ballot.StageFinal, Version: 1,
		B: 400, B1: 400,
		Postal: &ballot.PostalLetters{
			Received: 430, Queried: 40, Admitted: 10, Rejected: 30,
			RejectedBy: map[ballot.RejectReason]int64{ballot.RejectNoValidCard: 20, ballot.RejectDeclarationUnsigned: 10},
		},
		Invalid: 5, Valid: 395, Votes: map[string]int64{"hu": 200, "mu": 150, "sc": 45},
		EnteredBy: []string{"p1", "p2"},
	}
}

// check runs CheckCount on a count of district id.
func check(t testing.TB, districtID string, c *ballot.Count) []ballot.Finding {
	t.Helper()
	def := testDefinition()
	return ballot.CheckCount(def, district(t, def, districtID), c, ballot.CheckContext{})
}

func codesOf(fs []ballot.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// only keeps the findings of one code.
func only(fs []ballot.Finding, code string) []ballot.Finding {
	var out []ballot.Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// wantFinding checks that exactly one finding of code is there, with the
// given fields and values in this order (labels are not compared).
func wantFinding(t *testing.T, fs []ballot.Finding, code string, fields ...ballot.FieldValue) ballot.Finding {
	t.Helper()
	got := only(fs, code)
	if len(got) != 1 {
		t.Fatalf("want one %s finding, got codes %v", code, codesOf(fs))
	}
	f := got[0]
	var plain []ballot.FieldValue
	for _, fv := range f.Fields {
		plain = append(plain, ballot.FieldValue{Field: fv.Field, Value: fv.Value})
	}
	if fields != nil && !slices.Equal(plain, fields) {
		t.Errorf("%s: fields %v, want %v", code, plain, fields)
	}
	if f.Severity != ballot.SeverityOf(code) {
		t.Errorf("%s: severity %s, want %s", code, f.Severity, ballot.SeverityOf(code))
	}
	return f
}

func fv(field string, v int64) ballot.FieldValue { return ballot.FieldValue{Field: field, Value: v} }
