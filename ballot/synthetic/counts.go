package synthetic

import (
	"math/rand/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Counts returns a plausible count of every contest of a district, as a
// board would enter it: numbers only (contest set; no stage, version,
// entrants or reasons). The counts pass ballot.CheckCount without a
// finding, warnings included: every voter gets every ballot, so B is one
// figure for the district; turnout lies between 40 and 75 % of the
// register; postal districts have letters queried and rejected for
// several of the legal reasons. The same rng state gives the same counts.
func Counts(rng *rand.Rand, def *ballot.Definition, d *ballot.District) map[string]ballot.Count {
	var base ballot.Count
	if d.Kind == ballot.Postal {
		base = postalBase(rng)
	} else {
		base = inPersonBase(rng, d)
	}
	out := map[string]ballot.Count{}
	for _, c := range def.ContestsOf(d) {
		count := base
		count.Contest = c.ID
		if count.Postal != nil {
			letters := *count.Postal
			letters.RejectedBy = cloneReasons(count.Postal.RejectedBy)
			count.Postal = &letters
		}
		count.Invalid = min(count.B, rng.Int64N(count.B/60+2))
		count.Valid = count.B - count.Invalid
		fillVotes(rng, c, &count)
		out[c.ID] = count
	}
	return out
}

func inPersonBase(rng *rand.Rand, d *ballot.District) ballot.Count {
	var r ballot.Register
	if d.Register != nil {
		r = *d.Register
	}
	// Between 40 and 75 % of the register, at least 50 voters, and no more
	// voters without a card than there are unmarked names (B − B1 ≤ A1).
	b := max(ballot.MinDistrictVoters, r.A()*int64(40+rng.IntN(36))/100)
	b1 := min(b, max(b-r.A1, r.A2*int64(30+rng.IntN(50))/100))
	if b > r.A1*ballot.TurnoutHighPercent/100 {
		b = r.A1 * 90 / 100
		b1 = min(b, b1)
	}
	return ballot.Count{A1: r.A1, A2: r.A2, A3: r.A3, B: b, B1: b1}
}

func postalBase(rng *rand.Rand) ballot.Count {
	received := int64(400 + rng.IntN(900))
	p := &ballot.PostalLetters{Received: received, RejectedBy: map[ballot.RejectReason]int64{}}
	// A few letters are rejected, for two to four of the legal reasons.
	reasons := rng.Perm(len(ballot.RejectReasons))[:2+rng.IntN(3)]
	for _, i := range reasons {
		n := int64(1 + rng.IntN(4))
		p.RejectedBy[ballot.RejectReasons[i]] = n
		p.Rejected += n
	}
	p.Admitted = int64(rng.IntN(12))
	p.Queried = p.Admitted + p.Rejected
	b := received - p.Rejected
	return ballot.Count{B: b, B1: b, Postal: p}
}

func cloneReasons(m map[ballot.RejectReason]int64) map[ballot.RejectReason]int64 {
	out := make(map[ballot.RejectReason]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fillVotes shares the valid votes among the options by random weights,
// exactly; a cumulative contest also gets candidate votes and the split
// into unchanged and changed ballots.
func fillVotes(rng *rand.Rand, c *ballot.Contest, count *ballot.Count) {
	options := c.Options()
	total := count.Valid
	if c.Kind == ballot.KindCumulative {
		votesPerVoter, _ := c.Cumulation()
		// Most voters use most of their votes.
		total = count.Valid * int64(votesPerVoter) * int64(85+rng.IntN(15)) / 100
	}
	shares := split(rng, total, len(options))
	count.Votes = map[string]int64{}
	for i, o := range options {
		count.Votes[o.ID] = shares[i]
	}
	if c.Kind != ballot.KindCumulative {
		return
	}
	_, maxPer := c.Cumulation()
	limit := count.Valid * int64(maxPer)
	count.CandidateVotes = map[string]int64{}
	for _, l := range c.Lists {
		if len(l.Candidates) == 0 {
			continue
		}
		// Spread the list's votes over its candidates, never above the
		// per-candidate limit; what a limit cuts off goes to the next one.
		per := split(rng, count.Votes[l.ID], len(l.Candidates))
		carry := int64(0)
		for i, cand := range l.Candidates {
			v := per[i] + carry
			carry = 0
			if v > limit {
				carry, v = v-limit, limit
			}
			count.CandidateVotes[cand.ID] = v
		}
		count.Votes[l.ID] -= carry // votes that found no place are not cast
	}
	unchanged := count.Valid * int64(30+rng.IntN(40)) / 100
	changed := count.Valid - unchanged
	count.Unchanged, count.Changed = &unchanged, &changed
}

// split divides total into n non-negative parts, the parts adding up to
// total exactly. The earlier an option stands on the ballot, the larger
// its share tends to be (as with parties ordered by their last result),
// varied by district.
func split(rng *rand.Rand, total int64, n int) []int64 {
	out := make([]int64, n)
	if n == 0 || total <= 0 {
		return out
	}
	weights := make([]int64, n)
	var sum int64
	for i := range weights {
		weights[i] = 1 + int64(1000/(i+2))*int64(70+rng.IntN(61))/100
		sum += weights[i]
	}
	var given int64
	for i := range out {
		out[i] = total * weights[i] / sum
		given += out[i]
	}
	out[rng.IntN(n)] += total - given
	return out
}
