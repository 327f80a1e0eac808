package ballot

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Seat allocation: Sainte-Laguë/Schepers, D'Hondt and Hare/Niemeyer with a
// threshold, exemptions and an explicit lot for ties.
//
// Every comparison is done in exact integer arithmetic. A quotient v/d is
// compared with w/e as v·e against w·d in 128 bits (math/bits), so any vote
// count an int64 can hold and any seat count are safe; no float is ever
// compared, because a rounding difference would hand a seat to the wrong
// list on some machine.

// ListVotes is the number of valid votes of one list.
type ListVotes struct {
	ID    string `json:"id"`
	Votes int64  `json:"votes"`
}

// SeatRequest is everything an allocation depends on.
type SeatRequest struct {
	Method Method
	Seats  int
	// Votes holds every list that stood, including those that will fall
	// below the threshold: they count towards the total the threshold is a
	// share of.
	Votes []ListVotes
	// Threshold is the share of all valid votes (the sum over Votes) a list
	// needs to take part; 0 means none. A list at exactly the threshold
	// passes.
	Threshold Percent
	// Exempt lists take part whatever their share (national minorities,
	// e.g. the SSW in the Bundestag).
	Exempt []string
	// TieBreak optionally decides a tie before lots are drawn: list ids in
	// priority order, e.g. by the personal votes of each list's next
	// candidate (the Bavarian rule). Tied lists named earlier win; tied
	// lists not named stay tied. Ids not in the tie are ignored.
	TieBreak []string
}

// Allocation is the outcome of AllocateSeats.
type Allocation struct {
	Method Method `json:"method"`
	Seats  int    `json:"seats"`
	// ByList holds the seats decided for every list of the request, 0
	// included. It sums to Seats minus Lot.Seats.
	ByList map[string]int `json:"by_list"`
	// Qualified are the lists that passed the threshold or are exempt, in
	// request order.
	Qualified []string `json:"qualified"`
	// Lot is nil unless a tie for the last seat(s) remains that only
	// drawing lots can decide.
	Lot *Lot `json:"lot,omitempty"`
}

// Lot says that Seats seats are still to be drawn among Lists (request
// order), at most one per list. More lists than seats always: a tie that
// the seats cover is not a lot.
type Lot struct {
	Seats int      `json:"seats"`
	Lists []string `json:"lists"`
}

// Decided returns the number of seats allocated without a lot.

// MaxSeats bounds the seats of a contest: the largest parliaments have
// under a thousand, and allocation takes a step per seat, so a definition
// or a command asking for billions would never finish.
const MaxSeats = 10_000

func (a Allocation) Decided() int {
	n := 0
	for _, s := range a.ByList {
		n += s
	}
	return n
}

// Error codes of SeatError. Callers (the HTTP API, the CLI) map them to
// their own answers, so they are stable.
const (
	// CodeSeatsInvalid: the request itself is malformed (seat count, ids,
	// negative votes, threshold out of range, an unknown exempt or
	// tie-break list, a vote sum beyond int64).
	CodeSeatsInvalid = "seats-invalid"
	// CodeSeatsMethod: the method is not one of Methods.
	CodeSeatsMethod = "seats-method"
	// CodeSeatsNoVotes: no list has any vote, so there is nothing to divide.
	CodeSeatsNoVotes = "seats-no-votes"
	// CodeSeatsNoneQualified: no list with votes passed the threshold.
	CodeSeatsNoneQualified = "seats-none-qualified"
)

// SeatError is the error of AllocateSeats.
type SeatError struct {
	Code    string // one of the CodeSeats constants
	List    string // the list concerned, if one is
	Message string
}

func (e *SeatError) Error() string {
	if e.List != "" {
		return fmt.Sprintf("%s: list %q: %s", e.Code, e.List, e.Message)
	}
	return e.Code + ": " + e.Message
}

func seatErr(code, list, format string, args ...any) error {
	return &SeatError{Code: code, List: list, Message: fmt.Sprintf(format, args...)}
}

// AllocateSeats distributes req.Seats seats to the lists of req.
//
// Lists below the threshold get no seat unless exempt; the others share
// the seats by req.Method. When more lists tie for the last seats than
// seats remain, req.TieBreak is applied, and whatever it does not decide
// is returned as Allocation.Lot, never decided silently. The result does
// not depend on the order of req.Votes (beyond the order of the id slices
// it returns, which follow the request).
func AllocateSeats(req SeatRequest) (Allocation, error) {
	total, err := validateSeatRequest(req)
	if err != nil {
		return Allocation{}, err
	}

	alloc := Allocation{
		Method:    req.Method,
		Seats:     req.Seats,
		ByList:    make(map[string]int, len(req.Votes)),
		Qualified: []string{},
	}
	var (
		idx   []int    // request index of each qualified list
		votes []uint64 // its votes
		sum   uint64   // the qualified lists' votes, the base of Hare/Niemeyer
	)
	for i, l := range req.Votes {
		alloc.ByList[l.ID] = 0
		if passesThreshold(uint64(l.Votes), total, req.Threshold) || slices.Contains(req.Exempt, l.ID) {
			alloc.Qualified = append(alloc.Qualified, l.ID)
			idx = append(idx, i)
			votes = append(votes, uint64(l.Votes))
			sum += uint64(l.Votes)
		}
	}
	if sum == 0 {
		return Allocation{}, seatErr(CodeSeatsNoneQualified, "",
			"no list with votes reaches the threshold of %s %%", req.Threshold)
	}

	var won, tied []int
	var left int
	switch req.Method {
	case SainteLague:
		// Divisors 0.5, 1.5, 2.5 … doubled to 1, 3, 5 …: the factor is
		// common to all lists, so it cancels in every comparison.
		won, tied, left = highestAverages(votes, req.Seats, func(s int) uint64 { return 2*uint64(s) + 1 })
	case DHondt:
		won, tied, left = highestAverages(votes, req.Seats, func(s int) uint64 { return uint64(s) + 1 })
	case HareNiemeyer:
		won, tied, left = largestRemainders(votes, req.Seats, sum)
	}

	// The tie-break gives one seat each, in priority order, to tied lists
	// it names; a list never gets two seats from one tie.
	for _, id := range req.TieBreak {
		if left == 0 {
			break
		}
		for k, t := range tied {
			if req.Votes[idx[t]].ID == id {
				won[t]++
				left--
				tied = slices.Delete(tied, k, k+1)
				break
			}
		}
	}

	for k, i := range idx {
		alloc.ByList[req.Votes[i].ID] = won[k]
	}
	if left > 0 {
		lot := &Lot{Seats: left}
		for _, t := range tied { // tied is ascending, so this is request order
			lot.Lists = append(lot.Lists, req.Votes[idx[t]].ID)
		}
		alloc.Lot = lot
	}
	return alloc, nil
}

// validateSeatRequest checks req and returns the sum of all votes.
func validateSeatRequest(req SeatRequest) (uint64, error) {
	if !slices.Contains(Methods, req.Method) {
		return 0, seatErr(CodeSeatsMethod, "", "unknown method %q (want one of %v)", req.Method, Methods)
	}
	if req.Seats < 1 {
		return 0, seatErr(CodeSeatsInvalid, "", "seats must be at least 1, got %d", req.Seats)
	}
	if req.Threshold < 0 || req.Threshold > 10000 {
		return 0, seatErr(CodeSeatsInvalid, "", "threshold %s %% is not between 0 and 100 %%", req.Threshold)
	}
	if len(req.Votes) == 0 {
		return 0, seatErr(CodeSeatsInvalid, "", "no lists")
	}
	seen := make(map[string]bool, len(req.Votes))
	var total uint64
	for i, l := range req.Votes {
		switch {
		case l.ID == "":
			return 0, seatErr(CodeSeatsInvalid, "", "list %d has an empty id", i+1)
		case seen[l.ID]:
			return 0, seatErr(CodeSeatsInvalid, l.ID, "listed twice")
		case l.Votes < 0:
			return 0, seatErr(CodeSeatsInvalid, l.ID, "negative votes %d", l.Votes)
		}
		seen[l.ID] = true
		// Each term is below 2^63, so the uint64 sum cannot wrap before
		// this check sees it pass MaxInt64.
		total += uint64(l.Votes)
		if total > math.MaxInt64 {
			return 0, seatErr(CodeSeatsInvalid, "", "the votes add up to more than %d", int64(math.MaxInt64))
		}
	}
	for _, id := range req.Exempt {
		if !seen[id] {
			return 0, seatErr(CodeSeatsInvalid, id, "exempt from the threshold but not among the lists")
		}
	}
	for _, id := range req.TieBreak {
		if !seen[id] {
			return 0, seatErr(CodeSeatsInvalid, id, "named in the tie-break but not among the lists")
		}
	}
	if total == 0 {
		return 0, seatErr(CodeSeatsNoVotes, "", "no list has any vote")
	}
	return total, nil
}

// passesThreshold reports whether v/total ≥ p, as v·10000 ≥ p·total.
func passesThreshold(v, total uint64, p Percent) bool {
	return p == 0 || cmpProducts(v, 10000, uint64(p), total) >= 0
}

// cmpQuotient compares a/da with b/db exactly.
func cmpQuotient(a, da, b, db uint64) int { return cmpProducts(a, db, b, da) }

// cmpProducts compares a·b with c·d in 128 bits.
func cmpProducts(a, b, c, d uint64) int {
	xhi, xlo := bits.Mul64(a, b)
	yhi, ylo := bits.Mul64(c, d)
	switch {
	case xhi < yhi || xhi == yhi && xlo < ylo:
		return -1
	case xhi == yhi && xlo == ylo:
		return 0
	}
	return 1
}

// highestAverages allocates seats one step at a time to the highest
// quotient votes/divisor(seats so far). All lists sharing the highest
// quotient are handled together: if the remaining seats cover them, each
// gets one; if not, they are returned as tied with the seats left, which
// is the only place where the order among equals would matter.
//
// Lists with no votes never win here: some list has votes (the caller
// checks), and its quotient stays above zero.
func highestAverages(votes []uint64, seats int, divisor func(s int) uint64) (won, tied []int, left int) {
	won = make([]int, len(votes))
	left = seats
	for left > 0 {
		tied = tied[:0]
		best := -1
		for i, v := range votes {
			if v == 0 {
				continue
			}
			if best < 0 {
				best, tied = i, append(tied, i)
				continue
			}
			switch cmpQuotient(v, divisor(won[i]), votes[best], divisor(won[best])) {
			case 1:
				best, tied = i, append(tied[:0], i)
			case 0:
				tied = append(tied, i)
			}
		}
		if len(tied) > left {
			return won, tied, left
		}
		// A winner's next quotient is strictly lower, so no list can take
		// two seats in one step.
		for _, i := range tied {
			won[i]++
		}
		left -= len(tied)
	}
	return won, nil, 0
}

// largestRemainders is Hare/Niemeyer: each list's quota seats·v/sum, the
// whole parts first, the remaining seats to the largest remainders. The
// remainders seats·v mod sum share the denominator sum, so they compare as
// integers.
func largestRemainders(votes []uint64, seats int, sum uint64) (won, tied []int, left int) {
	won = make([]int, len(votes))
	rem := make([]uint64, len(votes))
	left = seats
	for i, v := range votes {
		// v ≤ sum, so the quotient is at most seats and Div64 cannot
		// overflow (its high word is below sum).
		hi, lo := bits.Mul64(uint64(seats), v)
		q, r := bits.Div64(hi, lo, sum)
		won[i], rem[i] = int(q), r
		left -= int(q)
	}
	if left == 0 {
		return won, nil, 0
	}
	// The remainders sum to left·sum and each is below sum, so more than
	// left lists have a positive remainder: the cut-off below is positive
	// and lists with a whole quota (or no votes) never get a rest seat.
	order := make([]int, len(votes))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	cut := rem[order[left-1]]
	for _, i := range order {
		switch {
		case rem[i] > cut:
			won[i]++
			left--
		case rem[i] == cut:
			tied = append(tied, i)
		}
	}
	if len(tied) > left {
		slices.Sort(tied)
		return won, tied, left
	}
	for _, i := range tied {
		won[i]++
	}
	return won, nil, 0
}
