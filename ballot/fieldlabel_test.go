package ballot_test

import (
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

func TestFieldLabelNamesOptionsCandidatesAndLetters(t *testing.T) {
	def, err := ballot.ParseDefinition(readExample(t, "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	mayor, _, _ := def.Contest("ob")
	council, _, _ := def.Contest("sr")
	for _, tc := range []struct {
		contest *ballot.Contest
		field   string
		lang    ballot.Lang
		want    string
	}{
		{mayor, "D:ob-2", ballot.German, "Jürgen Öztürk"},
		{mayor, "B", ballot.German, "B"},
		{mayor, "marks", ballot.German, "Stimmabgabevermerke"},
		{mayor, "marks", ballot.English, "marks in the register"},
		{nil, "D:ob-2", ballot.German, "ob-2"},
		{mayor, "D:nobody", ballot.German, "nobody"},
		{council, "rejected:unsealed", ballot.English, "rejected for: " + ballot.RejectUnsealed.Label(ballot.English)},
	} {
		if got := ballot.FieldLabel(tc.contest, tc.field, tc.lang); got != tc.want {
			t.Errorf("%s (%s): %q, want %q", tc.field, tc.lang, got, tc.want)
		}
	}
	// A candidate of the cumulative council contest, by name.
	cand := council.Lists[0].Candidates[0]
	if got := ballot.FieldLabel(council, ballot.CandidateField(cand.ID), ballot.German); got != cand.Name {
		t.Errorf("candidate %s: %q, want %q", cand.ID, got, cand.Name)
	}
}
