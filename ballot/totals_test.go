package ballot_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Totals kept up to date record by record — in any order, with
// corrections replacing earlier versions — equal the sum of the current
// counts taken afresh.
func TestTotals_Property_IncrementalEqualsFreshSumWhateverTheOrder(t *testing.T) {
	def := testDefinition()
	r := rand.New(rand.NewPCG(11, 12))
	for _, cid := range []string{"mayor", "council", "county", "ref"} {
		contest, _, _ := def.Contest(cid)
		for round := 0; round < 40; round++ {
			// Some districts, each with one to three versions of its count.
			type version struct {
				district string
				n        int
				count    *ballot.Count
			}
			var arrivals []version
			final := map[string]*ballot.Count{}
			districts := 1 + r.IntN(12)
			for d := 0; d < districts; d++ {
				id := string(rune('A' + d))
				for v := 1; v <= 1+r.IntN(3); v++ {
					c, _ := consistentCount(r, def, contest, r.IntN(4) == 0)
					c.Version = v
					arrivals = append(arrivals, version{id, v, c})
					final[id] = c
				}
			}
			r.Shuffle(len(arrivals), func(i, j int) { arrivals[i], arrivals[j] = arrivals[j], arrivals[i] })

			// Incremental: a version replaces the current one only if newer.
			incremental := ballot.Totals{}
			current := map[string]version{}
			for _, a := range arrivals {
				cur, ok := current[a.district]
				if ok && cur.n >= a.n {
					continue
				}
				var before ballot.Totals
				if ok {
					before = ballot.TotalsOf(cur.count)
				}
				incremental.Merge(ballot.Delta(before, ballot.TotalsOf(a.count)))
				current[a.district] = a
			}
			fresh := ballot.Totals{}
			for _, c := range final {
				fresh.Add(c, +1)
			}
			dropZeros(incremental)
			dropZeros(fresh)
			if !reflect.DeepEqual(incremental, fresh) {
				t.Fatalf("%s round %d: incremental %v\nfresh %v", cid, round, incremental, fresh)
			}
		}
	}
}

func dropZeros(t ballot.Totals) {
	for k, v := range t {
		if v == 0 {
			delete(t, k)
		}
	}
}

func countOf(contest string, b, invalid int64, votes map[string]int64) *ballot.Count {
	var valid int64
	for _, v := range votes {
		valid += v
	}
	return &ballot.Count{Contest: contest, Stage: ballot.StageFinal, Version: 1, A1: 1000, A2: 200,
		B: b, B1: 100, Invalid: invalid, Valid: valid, Votes: votes, EnteredBy: []string{"m1", "m2"}}
}

func TestOutcome_MayorWinsWithMoreThanHalf(t *testing.T) {
	def := testDefinition()
	mayor, _, _ := def.Contest("mayor")
	tot := ballot.Totals{}
	tot.Add(countOf("mayor", 610, 10, map[string]int64{"hu": 301, "mu": 200, "sc": 99}), +1)
	tot.Add(countOf("mayor", 400, 0, map[string]int64{"hu": 200, "mu": 150, "sc": 50}), +1)
	r := ballot.Outcome(mayor, tot)
	// hu 501 of 1000 valid: more than half.
	if r.Valid != 1000 || r.Invalid != 10 || r.B != 1010 || r.Districts != 2 || r.A != 2400 {
		t.Fatalf("figures: %+v", r)
	}
	if r.Majority == nil || r.Majority.Winner != "hu" || len(r.Majority.Runoff) != 0 {
		t.Fatalf("majority: %+v", r.Majority)
	}
	if got, _ := r.Turnout(); got != ballot.ShareOf(1010, 2400) || got != 4208 { // 42.083 %
		t.Errorf("turnout %v, want 42.08 %%", got)
	}
}

func TestOutcome_ExactlyHalfMeansRunoffOfTheTopTwo(t *testing.T) {
	def := testDefinition()
	mayor, _, _ := def.Contest("mayor")
	tot := ballot.Totals{}
	tot.Add(countOf("mayor", 1000, 0, map[string]int64{"hu": 500, "mu": 300, "sc": 200}), +1)
	r := ballot.Outcome(mayor, tot)
	if r.Majority == nil || r.Majority.Winner != "" || !reflect.DeepEqual(r.Majority.Runoff, []string{"hu", "mu"}) {
		t.Fatalf("majority: %+v", r.Majority)
	}
}

func TestOutcome_ListSeatsByTheDefinitionsMethod(t *testing.T) {
	def := testDefinition()
	council, _, _ := def.Contest("council")
	tot := ballot.Totals{}
	// Sainte-Laguë, 10 seats: 4160/3380/2460 → 4, 3, 3 (divisors 1, 3, 5, 7: 4160, 3380, 2460, 1387, 1127, 832, 820, 594, 492, 483 …).
	tot.Add(countOf("council", 10000, 0, map[string]int64{"csu": 4160, "spd": 3380, "gruene": 2460}), +1)
	r := ballot.Outcome(council, tot)
	if r.Seats == nil || !reflect.DeepEqual(r.Seats.ByList, map[string]int{"csu": 4, "spd": 3, "gruene": 3}) {
		t.Fatalf("seats: %+v", r.Seats)
	}
}

func TestOutcome_CumulativeSeatsGoToTheCandidatesWithTheMostVotesAndTiesAreLots(t *testing.T) {
	def := testDefinition()
	county, _, _ := def.Contest("county")
	c := countOf("county", 300, 0, map[string]int64{"a": 900, "b": 600})
	unchanged, changed := int64(100), int64(200)
	c.Unchanged, c.Changed = &unchanged, &changed
	c.CandidateVotes = map[string]int64{"a-1": 200, "a-2": 400, "a-3": 300, "b-1": 250, "b-2": 250, "b-3": 100}
	tot := ballot.Totals{}
	tot.Add(c, +1)
	r := ballot.Outcome(county, tot)
	// 5 seats, Sainte-Laguë on 900/600: a 3, b 2.
	if !reflect.DeepEqual(r.Seats.ByList, map[string]int{"a": 3, "b": 2}) {
		t.Fatalf("seats %v", r.Seats.ByList)
	}
	if !reflect.DeepEqual(r.Elected["a"], []string{"a-2", "a-3", "a-1"}) || !reflect.DeepEqual(r.Elected["b"], []string{"b-1", "b-2"}) {
		t.Errorf("elected %v", r.Elected)
	}
	// Shares are of the 1,500 votes cast, not of the 300 ballots.
	if got := r.VoteTotal(); got != 1500 || ballot.ShareOf(900, got) != 6000 {
		t.Errorf("vote total %d", got)
	}
	// One seat fewer for b would make b-1 and b-2 a lot: check the tie rule.
	c.CandidateVotes["b-3"] = 250
	tot = ballot.Totals{}
	tot.Add(c, +1)
	r = ballot.Outcome(county, tot)
	if len(r.Elected["b"]) != 0 || !reflect.DeepEqual(r.ElectedLot["b"], []string{"b-1", "b-2", "b-3"}) {
		t.Errorf("three tied for two seats: elected %v, lot %v", r.Elected["b"], r.ElectedLot["b"])
	}
}

func TestOutcome_NoValidVotesIsUndecided(t *testing.T) {
	def := testDefinition()
	ref, _, _ := def.Contest("ref")
	r := ballot.Outcome(ref, ballot.Totals{})
	if r.Undecided != "no-valid-votes" || len(r.Options) != 2 || r.Options[0].ID != ballot.OptionYes {
		t.Errorf("%+v", r)
	}
}

func TestShareOf_RoundsHalfUpInIntegers(t *testing.T) {
	for _, tc := range []struct {
		part, whole int64
		want        ballot.Percent
	}{
		{1, 3, 3333}, {2, 3, 6667}, {1, 8, 1250}, {1, 20000, 1}, {1, 40000, 0}, {0, 5, 0}, {5, 0, 0},
		{9_000_000_000_000_000_000, 9_000_000_000_000_000_000, 10000},
	} {
		if got := ballot.ShareOf(tc.part, tc.whole); got != tc.want {
			t.Errorf("ShareOf(%d, %d) = %d, want %d", tc.part, tc.whole, got, tc.want)
		}
	}
}
