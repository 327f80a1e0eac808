package ballot

import (
	"errors"
	"maps"
	"math/big"
	"slices"
	"sort"
)

// FieldDistricts counts the districts summed into a Totals.
const FieldDistricts = "districts"

// Totals are the numbers of one contest summed over a set of districts,
// named as Count.Numbers names them (A1, B, C, D:<option>, cand:<id>, …),
// and the number of districts under FieldDistricts. Adding and
// subtracting counts commute, so totals kept up to date as records arrive
// equal totals summed afresh, whatever the order of arrival.
type Totals map[string]int64

// Add adds a count (sign +1) or takes it away again (sign -1).
func (t Totals) Add(c *Count, sign int64) {
	for _, fv := range c.Numbers() {
		t[fv.Field] += sign * fv.Value
	}
	t[FieldDistricts] += sign
}

// Merge adds other into t.
func (t Totals) Merge(other Totals) {
	for k, v := range other {
		t[k] += v
	}
}

// TotalsOf returns the numbers of one count as totals of one district.
func TotalsOf(c *Count) Totals {
	t := Totals{}
	t.Add(c, +1)
	return t
}

// Delta returns what totals gain when before (nil: nothing) is replaced by
// after (nil: nothing), without zero entries.
func Delta(before, after Totals) Totals {
	d := Totals{}
	d.Merge(after)
	for k, v := range before {
		d[k] -= v
	}
	maps.DeleteFunc(d, func(_ string, v int64) bool { return v == 0 })
	return d
}

// Fields returns the field names in a stable order.
func (t Totals) Fields() []string { return slices.Sorted(maps.Keys(t)) }

// OptionResult is the votes of one option (or candidate) in a result.
type OptionResult struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	List  string `json:"list,omitempty"` // cumulative candidates: their list
	Votes int64  `json:"votes"`
}

// ContestResult is a contest's result over a set of districts: the figures
// and, where the votes decide something, the outcome.
type ContestResult struct {
	Contest   string         `json:"contest"`
	Kind      ContestKind    `json:"kind"`
	Districts int64          `json:"districts"`
	A         int64          `json:"a"` // registered voters of the in-person districts counted
	B         int64          `json:"b"` // voters
	B1        int64          `json:"b1"`
	Invalid   int64          `json:"invalid"`
	Valid     int64          `json:"valid"`
	Options   []OptionResult `json:"options"`
	// Candidates are the personal votes of a cumulative contest.
	Candidates []OptionResult `json:"candidates,omitempty"`
	// Seats is the allocation of a list or cumulative contest; Elected
	// names, per list, the candidates its seats go to (cumulative only).
	Seats   *Allocation         `json:"seats,omitempty"`
	Elected map[string][]string `json:"elected,omitempty"`
	// ElectedLot names, per list, candidates tied for that list's last
	// seat, so that lots must decide among them.
	ElectedLot map[string][]string `json:"elected_lot,omitempty"`
	Majority   *MajorityOutcome    `json:"majority,omitempty"`
	// Undecided says why there is no outcome yet (no valid votes).
	Undecided string `json:"undecided,omitempty"`
}

// Outcome computes the result of a contest from its totals: the figures
// in ballot order and, when there are valid votes, the seats, the winner
// or runoff, or the referendum's majority (yes above no).
func Outcome(c *Contest, t Totals) ContestResult {
	r := ContestResult{
		Contest: c.ID, Kind: c.Kind, Districts: t[FieldDistricts],
		A: t[FieldA1] + t[FieldA2] + t[FieldA3], B: t[FieldB], B1: t[FieldB1],
		Invalid: t[FieldC], Valid: t[FieldD],
	}
	for _, o := range c.Options() {
		r.Options = append(r.Options, OptionResult{ID: o.ID, Name: o.Name, Votes: t[OptionField(o.ID)]})
	}
	if c.Kind == KindCumulative {
		for _, l := range c.Lists {
			for _, cand := range l.Candidates {
				r.Candidates = append(r.Candidates, OptionResult{ID: cand.ID, Name: cand.Name, List: l.ID, Votes: t[CandidateField(cand.ID)]})
			}
		}
	}
	if r.Valid == 0 {
		r.Undecided = "no-valid-votes"
		return r
	}
	switch c.Kind {
	case KindList, KindCumulative:
		votes := make([]ListVotes, len(r.Options))
		for i, o := range r.Options {
			votes[i] = ListVotes{ID: o.ID, Votes: o.Votes}
		}
		alloc, err := AllocateSeats(SeatRequest{Method: c.Method, Seats: c.Seats, Votes: votes, Threshold: c.Threshold, Exempt: c.Exempt})
		if err != nil {
			r.Undecided = undecidedCode(err)
			return r
		}
		r.Seats = &alloc
		if c.Kind == KindCumulative {
			r.Elected, r.ElectedLot = electedCandidates(c, alloc, r.Candidates)
		}
	case KindMajority:
		votes := make([]CandidateVotes, len(r.Options))
		for i, o := range r.Options {
			votes[i] = CandidateVotes{ID: o.ID, Votes: o.Votes}
		}
		out, err := DecideMajority(c.MajorityRuleOrDefault(), votes)
		if err != nil {
			r.Undecided = undecidedCode(err)
			return r
		}
		r.Majority = &out
	}
	return r
}

func undecidedCode(err error) string {
	var se *SeatError
	var me *MajorityError
	switch {
	case errors.As(err, &se):
		return se.Code
	case errors.As(err, &me):
		return me.Code
	}
	return "undecided"
}

// electedCandidates gives each list's seats to its candidates with the
// most personal votes (GLKrWG Art. 37); a tie at a list's last seat is
// named for lots, never decided silently.
func electedCandidates(c *Contest, alloc Allocation, cands []OptionResult) (elected, lot map[string][]string) {
	elected, lot = map[string][]string{}, map[string][]string{}
	for _, l := range c.Lists {
		seats := alloc.ByList[l.ID]
		if seats == 0 {
			continue
		}
		var mine []OptionResult
		for _, cr := range cands {
			if cr.List == l.ID {
				mine = append(mine, cr)
			}
		}
		// Stable: equal votes keep list order, but ties at the cut go to lots.
		sort.SliceStable(mine, func(i, j int) bool { return mine[i].Votes > mine[j].Votes })
		if seats >= len(mine) {
			for _, m := range mine {
				elected[l.ID] = append(elected[l.ID], m.ID)
			}
			continue
		}
		cut := mine[seats-1].Votes
		if mine[seats].Votes != cut {
			for _, m := range mine[:seats] {
				elected[l.ID] = append(elected[l.ID], m.ID)
			}
			continue
		}
		for _, m := range mine {
			switch {
			case m.Votes > cut:
				elected[l.ID] = append(elected[l.ID], m.ID)
			case m.Votes == cut:
				lot[l.ID] = append(lot[l.ID], m.ID)
			}
		}
	}
	if len(lot) == 0 {
		lot = nil
	}
	return elected, lot
}

// VoteTotal is what an option's share is taken of: the valid votes, or
// for a cumulative contest, where a voter has many votes and Valid counts
// ballots, the votes given to all lists.
func (r ContestResult) VoteTotal() int64 {
	if r.Kind != KindCumulative {
		return r.Valid
	}
	var sum int64
	for _, o := range r.Options {
		sum += o.Votes
	}
	return sum
}

// Turnout returns the share of voters among the registered, in basis
// points rounded half up, and false when there is no register (A = 0).
func (r ContestResult) Turnout() (Percent, bool) {
	if r.A == 0 {
		return 0, false
	}
	return ShareOf(r.B, r.A), true
}

// ShareOf returns part/whole in basis points (hundredths of a per cent),
// rounded half up, in integers; 0 when whole is 0.
func ShareOf(part, whole int64) Percent {
	if whole <= 0 {
		return 0
	}
	// round(part·10000/whole) = floor((part·20000 + whole) / (2·whole)),
	// in big integers since part·20000 may not fit in 64 bits.
	n := new(big.Int).Mul(big.NewInt(part), big.NewInt(20000))
	n.Add(n, big.NewInt(whole))
	n.Quo(n, new(big.Int).Mul(big.NewInt(whole), big.NewInt(2)))
	return Percent(n.Int64())
}
