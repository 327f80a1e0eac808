package ballot_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// split cuts total into n random non-negative parts.
func split(r *rand.Rand, total int64, n int) []int64 {
	cuts := []int64{0, total}
	for range n - 1 {
		cuts = append(cuts, r.Int64N(total+1))
	}
	slices.Sort(cuts)
	parts := make([]int64, n)
	for i := range parts {
		parts[i] = cuts[i+1] - cuts[i]
	}
	return parts
}

func between(r *rand.Rand, lo, hi int64) int64 { return lo + r.Int64N(hi-lo+1) }

// consistentCount builds a random count that is arithmetically right and
// plausible, and the district it belongs to: turnout between 5 and 95 %,
// at least 50 voters, marks agreeing, the register as on the record.
func consistentCount(r *rand.Rand, def *ballot.Definition, contest *ballot.Contest, postal bool) (*ballot.Count, *ballot.District) {
	all := []string{"ob", "sr", "kt", "be"}
	c := &ballot.Count{Contest: contest.ID, Stage: ballot.StageFinal, Version: 1, EnteredBy: []string{"m1", "m2"}}
	var d *ballot.District
	if postal {
		d = &ballot.District{ID: "B99", Kind: ballot.Postal, Ballots: all}
		p := &ballot.PostalLetters{Received: between(r, 200, 3000), RejectedBy: map[ballot.RejectReason]int64{}}
		p.Queried = between(r, 0, p.Received-60)
		adm := split(r, p.Queried, 2)
		p.Admitted, p.Rejected = adm[0], adm[1]
		for i, n := range split(r, p.Rejected, len(ballot.RejectReasons)) {
			if n > 0 || r.IntN(2) == 0 {
				p.RejectedBy[ballot.RejectReasons[i]] = n
			}
		}
		c.Postal = p
		c.B = p.Received - p.Rejected
		c.B1 = c.B
	} else {
		c.A1, c.A2, c.A3 = between(r, 1000, 3000), between(r, 0, 1000), between(r, 0, 5)
		d = &ballot.District{ID: "R99", Kind: ballot.InPerson, Ballots: all, Register: &ballot.Register{A1: c.A1, A2: c.A2, A3: c.A3}}
		c.B = between(r, max(ballot.MinDistrictVoters, c.A1/20+1), c.A1*95/100)
		c.B1 = between(r, 0, c.B)
		c.Marks = i64(c.B - c.B1)
	}
	c.Invalid = between(r, 0, c.B/10)
	c.Valid = c.B - c.Invalid
	c.Votes = map[string]int64{}
	if contest.Kind != ballot.KindCumulative {
		for i, n := range split(r, c.Valid, len(contest.Options())) {
			c.Votes[contest.Options()[i].ID] = n
		}
		return c, d
	}
	s := split(r, c.Valid, 2)
	c.Unchanged, c.Changed = &s[0], &s[1]
	c.CandidateVotes = map[string]int64{}
	votes, _ := contest.Cumulation()
	candidates := 0
	for _, l := range contest.Lists {
		candidates += len(l.Candidates)
	}
	// Each candidate at most D × votes / candidates: the total stays within
	// D × votes, and 5/6 D is below the 3 D a candidate may get.
	for _, l := range contest.Lists {
		var sum int64
		for _, cand := range l.Candidates {
			n := r.Int64N(c.Valid*int64(votes)/int64(candidates) + 1)
			c.CandidateVotes[cand.ID] = n
			sum += n
		}
		c.Votes[l.ID] = sum
	}
	return c, d
}

func cloneCount(t testing.TB, c *ballot.Count) *ballot.Count {
	var out ballot.Count
	if err := json.Unmarshal(mustJSON(t, c), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// setNumber sets a field named as in findings; it is written apart from
// the package so that it also checks the naming.
func setNumber(t testing.TB, c *ballot.Count, field string, v int64) {
	t.Helper()
	ptrs := map[string]*int64{"A1": &c.A1, "A2": &c.A2, "A3": &c.A3, "B": &c.B, "B1": &c.B1, "C": &c.Invalid, "D": &c.Valid,
		"marks": c.Marks, "unchanged": c.Unchanged, "changed": c.Changed}
	if p := c.Postal; p != nil {
		ptrs["received"], ptrs["queried"], ptrs["admitted"], ptrs["rejected"] = &p.Received, &p.Queried, &p.Admitted, &p.Rejected
	}
	if p, ok := ptrs[field]; ok && p != nil {
		*p = v
		return
	}
	for prefix, set := range map[string]func(k string){
		"D:":        func(k string) { c.Votes[k] = v },
		"cand:":     func(k string) { c.CandidateVotes[k] = v },
		"rejected:": func(k string) { c.Postal.RejectedBy[ballot.RejectReason(k)] = v },
	} {
		if k, ok := strings.CutPrefix(field, prefix); ok {
			set(k)
			return
		}
	}
	t.Fatalf("unknown field %q", field)
}

// softFields are the numbers that no equation binds: one more of them is
// only implausible, and a warning must name it. A3 is not flipped at all:
// voters added after the register closed may grow on the day.
func softField(field string, postal bool) bool {
	switch field {
	case "A1", "A2", "marks", "received":
		return true
	case "B1":
		return !postal
	}
	return false
}

func TestCheckCount_Property_ConsistentCountsHaveNoFindingsAndAnyNumberOneUpIsNamed(t *testing.T) {
	r := rand.New(rand.NewPCG(2026, 3))
	def := testDefinition()
	counts := 0
	for _, cid := range []string{"mayor", "council", "county", "ref"} {
		contest, _, _ := def.Contest(cid)
		for _, postal := range []bool{false, true} {
			for range 150 {
				c, d := consistentCount(r, def, contest, postal)
				counts++
				if fs := ballot.CheckCount(def, d, c, ballot.CheckContext{}); len(fs) > 0 {
					t.Fatalf("consistent %s count (postal %v) has findings %v\n%s", cid, postal, fs, mustJSON(t, c))
				}
				raw, err := ballot.EncodeBody(ballot.RecordCount, c)
				if err != nil {
					t.Fatalf("consistent count does not encode: %v", err)
				}
				rec, err := ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{Kind: ballot.RecordCount}, Body: raw})
				if err != nil || !reflect.DeepEqual(rec.Body, c) {
					t.Fatalf("consistent count does not decode to itself: %v", err)
				}
				for _, num := range c.Numbers() {
					if num.Field == "A3" {
						continue
					}
					flipped := cloneCount(t, c)
					setNumber(t, flipped, num.Field, num.Value+1)
					fs := ballot.CheckCount(def, d, flipped, ballot.CheckContext{})
					named, namedByError := false, false
					for _, f := range fs {
						if f.Names(num.Field) {
							named = true
							namedByError = namedByError || f.Severity == ballot.SeverityError
						}
					}
					switch {
					case !named:
						t.Fatalf("%s one up in a %s count (postal %v): no finding names it: %v", num.Field, cid, postal, fs)
					case !namedByError && !softField(num.Field, postal):
						t.Fatalf("%s one up in a %s count (postal %v): no error names it: %v", num.Field, cid, postal, fs)
					}
				}
			}
		}
	}
	if counts != 1200 {
		t.Fatalf("%d counts", counts)
	}
}
