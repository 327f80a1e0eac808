package ballot

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// Property tests over random requests. The generator is seeded, so a
// failure is reproducible; it favours small vote counts, where ties (and
// so lots) are frequent, and also draws vote counts whose products with
// the divisors are far beyond int64.

const propertyRuns = 3000

func randomRequest(rng *rand.Rand, m Method) SeatRequest {
	n := 1 + rng.IntN(10)
	req := SeatRequest{Method: m, Seats: 1 + rng.IntN(40)}
	var bound int64
	switch rng.IntN(3) {
	case 0:
		bound = 12
	case 1:
		bound = 1_000_000
	default:
		// 9e17: ten lists still sum below 2^63, and seats·votes is beyond
		// 64 bits.
		bound = 900_000_000_000_000_000
	}
	for i := range n {
		req.Votes = append(req.Votes, ListVotes{ID: fmt.Sprintf("L%d", i), Votes: rng.Int64N(bound + 1)})
	}
	if rng.IntN(2) == 0 {
		req.Threshold = Percent(rng.IntN(2001))
	}
	if rng.IntN(3) == 0 {
		req.Exempt = []string{req.Votes[rng.IntN(n)].ID}
	}
	return req
}

// allocateOrSkip runs AllocateSeats and reports false for the requests
// that cannot be allocated (no votes, none qualified), which the generator
// makes on purpose now and then.
func allocateOrSkip(t *testing.T, req SeatRequest) (Allocation, bool) {
	t.Helper()
	got, err := AllocateSeats(req)
	var se *SeatError
	if errors.As(err, &se) && (se.Code == CodeSeatsNoVotes || se.Code == CodeSeatsNoneQualified) {
		return got, false
	}
	if err != nil {
		t.Fatalf("%+v: %v", req, err)
	}
	return got, true
}

func inLot(a Allocation, id string) bool { return a.Lot != nil && slices.Contains(a.Lot.Lists, id) }

func TestPropertySeatsAddUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range propertyRuns {
		for _, m := range Methods {
			req := randomRequest(rng, m)
			got, ok := allocateOrSkip(t, req)
			if !ok {
				continue
			}
			if got.Decided()+lotSeats(got.Lot) != req.Seats {
				t.Fatalf("%+v: decided %d + lot %v != %d", req, got.Decided(), got.Lot, req.Seats)
			}
			if got.Lot != nil && (got.Lot.Seats < 1 || len(got.Lot.Lists) <= got.Lot.Seats) {
				t.Fatalf("%+v: a lot needs more lists than seats: %+v", req, got.Lot)
			}
			if len(got.ByList) != len(req.Votes) {
				t.Fatalf("%+v: ByList has %d lists, want all %d", req, len(got.ByList), len(req.Votes))
			}
		}
	}
}

func TestPropertyIndependentOfInputOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for range propertyRuns {
		for _, m := range Methods {
			req := randomRequest(rng, m)
			if rng.IntN(2) == 0 {
				req.TieBreak = []string{req.Votes[rng.IntN(len(req.Votes))].ID}
			}
			a, ok := allocateOrSkip(t, req)
			if !ok {
				continue
			}
			shuffled := req
			shuffled.Votes = slices.Clone(req.Votes)
			rng.Shuffle(len(shuffled.Votes), func(i, j int) {
				shuffled.Votes[i], shuffled.Votes[j] = shuffled.Votes[j], shuffled.Votes[i]
			})
			b, _ := allocateOrSkip(t, shuffled)
			if !maps.Equal(a.ByList, b.ByList) || !sameLot(a.Lot, b.Lot) ||
				!sameSet(a.Qualified, b.Qualified) {
				t.Fatalf("order changed the result:\n%+v\n%+v\n%+v\n%+v", req, a, shuffled, b)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

func sameLot(a, b *Lot) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seats == b.Seats && sameSet(a.Lists, b.Lists)
}

// TestPropertyDivisorMethodsMonotone: more votes for one list, all else
// equal, never cost it a seat (divisor methods are population monotone),
// neither a decided seat nor its chance in a lot.
func TestPropertyDivisorMethodsMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for range propertyRuns {
		for _, m := range []Method{SainteLague, DHondt} {
			req := randomRequest(rng, m)
			req.Threshold, req.Exempt = 0, nil
			before, ok := allocateOrSkip(t, req)
			if !ok {
				continue
			}
			grown := req
			grown.Votes = slices.Clone(req.Votes)
			i := rng.IntN(len(grown.Votes))
			id := grown.Votes[i].ID
			grown.Votes[i].Votes += 1 + rng.Int64N(grown.Votes[i].Votes/2+3)
			after, _ := allocateOrSkip(t, grown)
			if after.ByList[id] < before.ByList[id] ||
				after.ByList[id]+b2i(inLot(after, id)) < before.ByList[id]+b2i(inLot(before, id)) {
				t.Fatalf("%s lost by growing:\n%+v → %+v\n%+v → %+v", id, req, before, grown, after)
			}
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPropertyMatchesBigRatReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range propertyRuns {
		for _, m := range Methods {
			req := randomRequest(rng, m)
			got, ok := allocateOrSkip(t, req)
			want, wantLot, refOK := referenceAllocate(req)
			if ok != refOK {
				t.Fatalf("%+v: allocated %v, reference %v", req, ok, refOK)
			}
			if ok && (!maps.Equal(got.ByList, want) || !sameLotExact(got.Lot, wantLot)) {
				t.Fatalf("%+v:\ngot       %v lot %+v\nreference %v lot %+v", req, got.ByList, got.Lot, want, wantLot)
			}
		}
	}
}

func sameLotExact(a, b *Lot) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Seats == b.Seats && slices.Equal(a.Lists, b.Lists)
}

// TestPropertyHareNiemeyerWithinQuota: every qualified list gets its quota
// rounded down or up, never further off, lot seats included.
func TestPropertyHareNiemeyerWithinQuota(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for range propertyRuns {
		req := randomRequest(rng, HareNiemeyer)
		got, ok := allocateOrSkip(t, req)
		if !ok {
			continue
		}
		sum := new(big.Int)
		for _, l := range req.Votes {
			if slices.Contains(got.Qualified, l.ID) {
				sum.Add(sum, big.NewInt(l.Votes))
			}
		}
		for _, l := range req.Votes {
			if !slices.Contains(got.Qualified, l.ID) {
				continue
			}
			quota := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(req.Seats)), big.NewInt(l.Votes)), sum)
			lo := new(big.Int).Quo(quota.Num(), quota.Denom()).Int64()
			hi := lo + int64(b2i(!quota.IsInt()))
			s := got.ByList[l.ID]
			if s < int(lo) || s+b2i(inLot(got, l.ID)) > int(hi) {
				t.Fatalf("%+v: %s has %d seats (lot %v), quota %s", req, l.ID, s, got.Lot, quota.FloatString(3))
			}
		}
	}
}

// referenceAllocate is a slow and obviously exact allocation: every
// quotient (or remainder) of every qualified list as a big.Rat, sorted,
// cut after the last seat. The lists at the cut-off value share the seats
// left there, or draw lots for them. ok is false when nothing can be
// allocated. It ignores TieBreak.
func referenceAllocate(req SeatRequest) (seats map[string]int, lot *Lot, ok bool) {
	total := new(big.Int)
	for _, l := range req.Votes {
		total.Add(total, big.NewInt(l.Votes))
	}
	if total.Sign() == 0 {
		return nil, nil, false
	}
	need := big.NewRat(int64(req.Threshold), 10000)
	type entry struct {
		q    *big.Rat
		list int
	}
	var entries []entry
	seats = map[string]int{}
	qsum := new(big.Int)
	var qualified []int
	for i, l := range req.Votes {
		seats[l.ID] = 0
		share := new(big.Rat).SetFrac(big.NewInt(l.Votes), total)
		if share.Cmp(need) >= 0 || slices.Contains(req.Exempt, l.ID) {
			qualified = append(qualified, i)
			qsum.Add(qsum, big.NewInt(l.Votes))
		}
	}
	if qsum.Sign() == 0 {
		return nil, nil, false
	}
	left := req.Seats
	for _, i := range qualified {
		v := big.NewInt(req.Votes[i].Votes)
		switch req.Method {
		case SainteLague, DHondt:
			for s := range req.Seats {
				d := big.NewRat(int64(s)+1, 1)
				if req.Method == SainteLague {
					d = big.NewRat(2*int64(s)+1, 2)
				}
				entries = append(entries, entry{new(big.Rat).Quo(new(big.Rat).SetInt(v), d), i})
			}
		case HareNiemeyer:
			quota := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(req.Seats)), v), qsum)
			whole := new(big.Int).Quo(quota.Num(), quota.Denom())
			seats[req.Votes[i].ID] = int(whole.Int64())
			left -= int(whole.Int64())
			entries = append(entries, entry{quota.Sub(quota, new(big.Rat).SetInt(whole)), i})
		}
	}
	if left == 0 {
		return seats, nil, true
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].q.Cmp(entries[b].q) > 0 })
	cut := entries[left-1].q
	var tied []int
	for _, e := range entries {
		switch e.q.Cmp(cut) {
		case 1:
			seats[req.Votes[e.list].ID]++
			left--
		case 0:
			tied = append(tied, e.list)
		}
	}
	slices.Sort(tied)
	if len(tied) == left {
		for _, i := range tied {
			seats[req.Votes[i].ID]++
		}
		return seats, nil, true
	}
	lot = &Lot{Seats: left}
	for _, i := range tied {
		lot.Lists = append(lot.Lists, req.Votes[i].ID)
	}
	return seats, lot, true
}

func benchmarkRequest(m Method, seats, lists int) SeatRequest {
	rng := rand.New(rand.NewPCG(80, 630))
	// No threshold, so that every list takes part in every step.
	req := SeatRequest{Method: m, Seats: seats}
	for i := range lists {
		// A few large lists and a long tail, as in real elections.
		req.Votes = append(req.Votes, ListVotes{ID: fmt.Sprintf("L%d", i), Votes: rng.Int64N(10_000_000_000) / int64(i+1)})
	}
	return req
}

func BenchmarkAllocateSeats(b *testing.B) {
	for _, size := range []struct{ seats, lists int }{{80, 15}, {630, 40}} {
		for _, m := range Methods {
			req := benchmarkRequest(m, size.seats, size.lists)
			b.Run(fmt.Sprintf("%s/%dseats/%dlists", m, size.seats, size.lists), func(b *testing.B) {
				for b.Loop() {
					if _, err := AllocateSeats(req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
