package ballot

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func cv(pairs ...any) []CandidateVotes {
	var out []CandidateVotes
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, CandidateVotes{ID: pairs[i].(string), Votes: int64(pairs[i+1].(int))})
	}
	return out
}

func TestDecideMajority(t *testing.T) {
	cases := []struct {
		name  string
		rule  MajorityRule
		votes []CandidateVotes
		want  MajorityOutcome
	}{
		{
			name:  "absolute majority elects",
			rule:  RuleAbsolute,
			votes: cv("A", 501, "B", 300, "C", 199),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Winner: "A"},
		},
		{
			name:  "exactly half is not a majority",
			rule:  RuleAbsolute,
			votes: cv("A", 500, "B", 300, "C", 200),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Runoff: []string{"A", "B"}},
		},
		{
			name:  "two candidates at half each go to a runoff",
			rule:  RuleAbsolute,
			votes: cv("A", 500, "B", 500),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Runoff: []string{"A", "B"}},
		},
		{
			name:  "runoff pair, most votes first",
			rule:  RuleAbsolute,
			votes: cv("C", 150, "A", 400, "B", 350, "D", 100),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Runoff: []string{"A", "B"}},
		},
		{
			name:  "tie for second place is a lot",
			rule:  RuleAbsolute,
			votes: cv("A", 400, "B", 300, "C", 300),
			want: MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Runoff: []string{"A"},
				Lot: &MajorityLot{Place: 2, Draw: 1, Candidates: []string{"B", "C"}}},
		},
		{
			name:  "two tied for first both go to the runoff",
			rule:  RuleAbsolute,
			votes: cv("A", 350, "B", 350, "C", 300),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 1000, Runoff: []string{"A", "B"}},
		},
		{
			name:  "three tied for first draw both runoff places",
			rule:  RuleAbsolute,
			votes: cv("A", 300, "B", 300, "C", 300, "D", 100),
			want: MajorityOutcome{Rule: RuleAbsolute, Valid: 1000,
				Lot: &MajorityLot{Place: 1, Draw: 2, Candidates: []string{"A", "B", "C"}}},
		},
		{
			name:  "single candidate with votes is elected",
			rule:  RuleAbsolute,
			votes: cv("A", 7, "B", 0),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 7, Winner: "A"},
		},
		{
			name:  "empty rule is the absolute default",
			rule:  "",
			votes: cv("A", 5, "B", 4, "C", 2),
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: 11, Runoff: []string{"A", "B"}},
		},
		{
			name:  "relative rule: the most votes win without a majority",
			rule:  RuleRelative,
			votes: cv("A", 40, "B", 35, "C", 25),
			want:  MajorityOutcome{Rule: RuleRelative, Valid: 100, Winner: "A"},
		},
		{
			name:  "relative rule: tie for first is a lot",
			rule:  RuleRelative,
			votes: cv("C", 10, "B", 45, "A", 45),
			want: MajorityOutcome{Rule: RuleRelative, Valid: 100,
				Lot: &MajorityLot{Place: 1, Draw: 1, Candidates: []string{"B", "A"}}},
		},
		{
			name:  "runoff round decided by the relative rule",
			rule:  RuleRelative,
			votes: cv("A", 4999, "B", 5001),
			want:  MajorityOutcome{Rule: RuleRelative, Valid: 10000, Winner: "B"},
		},
		{
			name:  "runoff round tie is a lot",
			rule:  RuleRelative,
			votes: cv("A", 5000, "B", 5000),
			want: MajorityOutcome{Rule: RuleRelative, Valid: 10000,
				Lot: &MajorityLot{Place: 1, Draw: 1, Candidates: []string{"A", "B"}}},
		},
		{
			// 2v would overflow int64; the comparison must not.
			name:  "huge counts do not overflow",
			rule:  RuleAbsolute,
			votes: []CandidateVotes{{"A", math.MaxInt64/2 + 1}, {"B", math.MaxInt64/2 - 1}},
			want:  MajorityOutcome{Rule: RuleAbsolute, Valid: math.MaxInt64 - 1, Winner: "A"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecideMajority(tc.rule, tc.votes)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v (lot %+v)\nwant %+v (lot %+v)", got, got.Lot, tc.want, tc.want.Lot)
			}
		})
	}
}

func TestDecideMajorityErrors(t *testing.T) {
	cases := []struct {
		name  string
		rule  MajorityRule
		votes []CandidateVotes
		code  string
		cand  string
	}{
		{"unknown rule", "two-thirds", cv("A", 1), CodeMajorityInvalid, ""},
		{"no candidates", RuleAbsolute, nil, CodeMajorityInvalid, ""},
		{"empty id", RuleAbsolute, cv("A", 1, "", 1), CodeMajorityInvalid, ""},
		{"duplicate id", RuleRelative, cv("A", 1, "A", 2), CodeMajorityInvalid, "A"},
		{"negative votes", RuleAbsolute, cv("A", 1, "B", -1), CodeMajorityInvalid, "B"},
		{"votes beyond int64", RuleAbsolute, []CandidateVotes{{"A", math.MaxInt64}, {"B", 1}}, CodeMajorityInvalid, ""},
		{"zero valid votes", RuleAbsolute, cv("A", 0, "B", 0), CodeMajorityNoVotes, ""},
		{"zero valid votes, relative", RuleRelative, cv("A", 0), CodeMajorityNoVotes, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecideMajority(tc.rule, tc.votes)
			var me *MajorityError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *MajorityError", err)
			}
			if me.Code != tc.code || me.Candidate != tc.cand {
				t.Errorf("code %q candidate %q, want %q %q (%v)", me.Code, me.Candidate, tc.code, tc.cand, err)
			}
		})
	}
}

// TestDecideMajorityIndependentOfInputOrder: shuffling the candidates
// changes at most the order in which equal candidates are named.
func TestDecideMajorityIndependentOfInputOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	norm := func(o MajorityOutcome) MajorityOutcome {
		o.Runoff = slices.Sorted(slices.Values(o.Runoff))
		if o.Lot != nil {
			l := *o.Lot
			l.Candidates = slices.Sorted(slices.Values(l.Candidates))
			o.Lot = &l
		}
		return o
	}
	for range 2000 {
		var votes []CandidateVotes
		for i := range 1 + rng.IntN(6) {
			votes = append(votes, CandidateVotes{ID: string(rune('A' + i)), Votes: rng.Int64N(6)})
		}
		for _, rule := range []MajorityRule{RuleAbsolute, RuleRelative} {
			a, errA := DecideMajority(rule, votes)
			shuffled := slices.Clone(votes)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			b, errB := DecideMajority(rule, shuffled)
			if (errA == nil) != (errB == nil) || !reflect.DeepEqual(norm(a), norm(b)) {
				t.Fatalf("%v: %+v / %v\n%v: %+v / %v", votes, a, errA, shuffled, b, errB)
			}
			if errA == nil {
				checkMajorityInvariants(t, rule, votes, a)
			}
		}
	}
}

// checkMajorityInvariants states what any outcome must satisfy: exactly
// one of winner, complete runoff pair, or lot; and the lot only ever names
// candidates with equal votes.
func checkMajorityInvariants(t *testing.T, rule MajorityRule, votes []CandidateVotes, o MajorityOutcome) {
	t.Helper()
	decided := o.Winner != "" || len(o.Runoff) == 2
	if decided == (o.Lot != nil) {
		t.Fatalf("%s %v: want either a decision or a lot: %+v", rule, votes, o)
	}
	if rule == RuleRelative && len(o.Runoff) > 0 {
		t.Fatalf("%v: relative rule with a runoff: %+v", votes, o)
	}
	if o.Lot != nil {
		if len(o.Lot.Candidates) <= o.Lot.Draw {
			t.Fatalf("%v: lot with no more candidates than draws: %+v", votes, o.Lot)
		}
		byID := map[string]int64{}
		for _, c := range votes {
			byID[c.ID] = c.Votes
		}
		for _, c := range o.Lot.Candidates {
			if byID[c] != byID[o.Lot.Candidates[0]] {
				t.Fatalf("%v: lot among unequal candidates: %+v", votes, o.Lot)
			}
		}
	}
}
