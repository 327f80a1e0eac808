package ballot_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

func TestCount_NumbersComeInTheOrderOfTheForms(t *testing.T) {
	c := postalCount()
	c.Postal.RejectedBy["zzz"] = 1 // unknown reasons after the seven
	c.Postal.RejectedBy[ballot.RejectSecrecyEndangered] = 0
	var got []string
	for _, fv := range c.Numbers() {
		got = append(got, fmt.Sprintf("%s=%d", fv.Field, fv.Value))
	}
	want := []string{"A1=0", "A2=0", "A3=0", "B=400", "B1=400", "received=430", "queried=40", "admitted=10", "rejected=30",
		"rejected:no-valid-card=20", "rejected:declaration-unsigned=10", "rejected:secrecy-endangered=0", "rejected:zzz=1",
		"C=5", "D=395", "D:hu=200", "D:mu=150", "D:sc=45"}
	if !slices.Equal(got, want) {
		t.Errorf("postal\n got %v\nwant %v", got, want)
	}
	got = got[:0]
	for _, fv := range cumulativeCount().Numbers() {
		got = append(got, fv.Field)
	}
	want = []string{"A1", "A2", "A3", "B", "B1", "marks", "C", "D", "D:a", "D:b", "unchanged", "changed",
		"cand:a-1", "cand:a-2", "cand:a-3", "cand:b-1", "cand:b-2", "cand:b-3"}
	if !slices.Equal(got, want) {
		t.Errorf("cumulative\n got %v\nwant %v", got, want)
	}
}

func diffString(ds []ballot.FieldDiff) []string {
	var out []string
	show := func(p *int64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprint(*p)
	}
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s/%s", d.Field, show(d.First), show(d.Second)))
	}
	return out
}

func TestCompareEntries_NamesEveryDifferingFieldWithBothValues(t *testing.T) {
	for _, tc := range []struct {
		name          string
		first, second *ballot.Count
		want          []string
	}{
		{"the same", mayorCount(), mayorCount(), nil},
		{"reasons, people and correction are not compared", mayorCount(),
			with(mayorCount, func(c *ballot.Count) {
				c.Reasons = map[string]string{"few-voters": "x"}
				c.EnteredBy = []string{"m3", "m4"}
				c.CorrectionReason = "y"
			})(), nil},
		{"typing slips", mayorCount(), with(mayorCount, func(c *ballot.Count) { c.Votes["mu"] = 20; c.B = 6000 })(),
			[]string{"B 600/6000", "D:mu 200/20"}},
		{"an option left out and zero are different", mayorCount(), with(mayorCount, func(c *ballot.Count) { c.Votes["sc"] = 0; delete(c.Votes, "hu") })(),
			[]string{"D:hu 300/—", "D:sc 90/0"}},
		{"register and marks", mayorCount(), with(mayorCount, func(c *ballot.Count) { c.A1, c.A3, c.Marks = 1001, 0, nil })(),
			[]string{"A1 1000/1001", "A3 2/0", "marks 500/—"}},
		{"postal letters", postalCount(), with(postalCount, func(c *ballot.Count) {
			c.Postal.Queried = 41
			c.Postal.RejectedBy[ballot.RejectUnsealed] = 1
			c.Postal.RejectedBy[ballot.RejectNoValidCard] = 19
		})(), []string{"queried 40/41", "rejected:no-valid-card 20/19", "rejected:unsealed —/1"}},
		{"postal letters left out", postalCount(), with(postalCount, func(c *ballot.Count) { c.Postal = nil })(),
			[]string{"received 430/—", "queried 40/—", "admitted 10/—", "rejected 30/—", "rejected:no-valid-card 20/—", "rejected:declaration-unsigned 10/—"}},
		{"cumulative", cumulativeCount(), with(cumulativeCount, func(c *ballot.Count) {
			c.CandidateVotes["b-2"], c.CandidateVotes["a-1"] = 3000, 90
			c.Unchanged = nil
			c.Invalid = 2
		})(), []string{"C 20/2", "unchanged 300/—", "cand:a-1 900/90", "cand:b-2 300/3000"}},
	} {
		got := diffString(ballot.CompareEntries(tc.first, tc.second))
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %v\nwant %v", tc.name, got, tc.want)
		}
		// Symmetric: the other way round names the same fields.
		back := ballot.CompareEntries(tc.second, tc.first)
		if len(back) != len(got) {
			t.Errorf("%s: %d differences one way, %d the other", tc.name, len(got), len(back))
		}
	}
}
