package ballot

import (
	"errors"
	"maps"
	"math"
	"reflect"
	"testing"
)

// lv builds a vote list from id/votes pairs, to keep tables short.
func lv(pairs ...any) []ListVotes {
	var out []ListVotes
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, ListVotes{ID: pairs[i].(string), Votes: int64(pairs[i+1].(int))})
	}
	return out
}

type seatCase struct {
	name    string
	req     SeatRequest
	want    map[string]int
	wantLot *Lot
}

func runSeatCases(t *testing.T, cases []seatCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AllocateSeats(tc.req)
			if err != nil {
				t.Fatalf("AllocateSeats: %v", err)
			}
			if !maps.Equal(got.ByList, tc.want) {
				t.Errorf("seats = %v, want %v", got.ByList, tc.want)
			}
			if !reflect.DeepEqual(got.Lot, tc.wantLot) {
				t.Errorf("lot = %+v, want %+v", got.Lot, tc.wantLot)
			}
			if got.Decided()+lotSeats(got.Lot) != tc.req.Seats {
				t.Errorf("decided %d + lot %d != %d seats", got.Decided(), lotSeats(got.Lot), tc.req.Seats)
			}
		})
	}
}

func lotSeats(l *Lot) int {
	if l == nil {
		return 0
	}
	return l.Seats
}

// The quotients of these cases were worked out by hand; the comments give
// the deciding ones.
func TestSainteLagueHandChecked(t *testing.T) {
	runSeatCases(t, []seatCase{
		{
			// v/(2s+1): A 4160 1387 832 594 | B 3380 1127 676 | C 2460 820 492;
			// the next would be B 483 < C 492.
			name: "three lists, ten seats",
			req:  SeatRequest{Method: SainteLague, Seats: 10, Votes: lv("A", 4160, "B", 3380, "C", 2460)},
			want: map[string]int{"A": 4, "B": 3, "C": 3},
		},
		{
			// A 100000 33333 20000 | B 80000 26667 16000 | C 30000 | D 20000:
			// A and D tie at 20000 on seats 6 and 7 of 8, so both get one.
			name: "tie inside the seats is no lot",
			req:  SeatRequest{Method: SainteLague, Seats: 8, Votes: lv("A", 100000, "B", 80000, "C", 30000, "D", 20000)},
			want: map[string]int{"A": 3, "B": 3, "C": 1, "D": 1},
		},
		{
			name: "single list takes every seat",
			req:  SeatRequest{Method: SainteLague, Seats: 5, Votes: lv("A", 7)},
			want: map[string]int{"A": 5},
		},
		{
			// A 91 30.3 18.2 13 10.1 all beat B's 9.
			name: "small list without a seat",
			req:  SeatRequest{Method: SainteLague, Seats: 5, Votes: lv("A", 91, "B", 9)},
			want: map[string]int{"A": 5, "B": 0},
		},
		{
			// A 85 28.3 17 12.1 | B 15: B's 15 beats A's fourth quotient.
			// D'Hondt gives B nothing here (see there).
			name: "small list gets its seat",
			req:  SeatRequest{Method: SainteLague, Seats: 5, Votes: lv("A", 85, "B", 15)},
			want: map[string]int{"A": 4, "B": 1},
		},
	})
}

func TestDHondtHandChecked(t *testing.T) {
	runSeatCases(t, []seatCase{
		{
			// v/(s+1): A 4160 2080 1387 1040 | B 3380 1690 1127 845 | C 2460 1230;
			// the next would be A 832 < B 845.
			name: "three lists, ten seats",
			req:  SeatRequest{Method: DHondt, Seats: 10, Votes: lv("A", 4160, "B", 3380, "C", 2460)},
			want: map[string]int{"A": 4, "B": 4, "C": 2},
		},
		{
			// The textbook example: A 100000 50000 33333 25000 | B 80000
			// 40000 26667 | C 30000; D's 20000 comes ninth.
			name: "textbook example",
			req:  SeatRequest{Method: DHondt, Seats: 8, Votes: lv("A", 100000, "B", 80000, "C", 30000, "D", 20000)},
			want: map[string]int{"A": 4, "B": 3, "C": 1, "D": 0},
		},
		{
			// A 85 42.5 28.3 21.3 17 | B 15: D'Hondt gives B nothing where
			// Sainte-Laguë gives it a seat.
			name: "favours the large list",
			req:  SeatRequest{Method: DHondt, Seats: 5, Votes: lv("A", 85, "B", 15)},
			want: map[string]int{"A": 5, "B": 0},
		},
	})
}

func TestHareNiemeyerRemainders(t *testing.T) {
	runSeatCases(t, []seatCase{
		{
			// Quotas 4.16, 3.38, 2.46: 9 whole seats, the 10th to C (.46).
			name: "one rest seat to the largest remainder",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 10, Votes: lv("A", 4160, "B", 3380, "C", 2460)},
			want: map[string]int{"A": 4, "B": 3, "C": 3},
		},
		{
			// Quotas 3.478, 2.783, 1.043, 0.696: 6 whole seats, rests to B
			// (.783) and D (.696), not A (.478).
			name: "two rest seats, a list without a whole seat gets one",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 8, Votes: lv("A", 100000, "B", 80000, "C", 30000, "D", 20000)},
			want: map[string]int{"A": 3, "B": 3, "C": 1, "D": 1},
		},
		{
			// Quotas exactly 5 and 5: no rest seat at all.
			name: "whole quotas",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 10, Votes: lv("A", 50, "B", 50)},
			want: map[string]int{"A": 5, "B": 5},
		},
		{
			// Quotas 1.5, 1.5, 1.0: 3 whole seats, and A and B tie on .5
			// for the one rest seat.
			name:    "equal remainders for fewer seats are a lot",
			req:     SeatRequest{Method: HareNiemeyer, Seats: 4, Votes: lv("A", 3, "B", 3, "C", 2)},
			want:    map[string]int{"A": 1, "B": 1, "C": 1},
			wantLot: &Lot{Seats: 1, Lists: []string{"A", "B"}},
		},
		{
			// Quotas 2.8, 2.8, 1.4: 5 whole seats, and A and B tie on .8
			// for the two rest seats, one each.
			name: "equal remainders covered by the seats",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 7, Votes: lv("A", 2, "B", 2, "C", 1)},
			want: map[string]int{"A": 3, "B": 3, "C": 1},
		},
	})
}

func TestThresholdShareOfAllValidVotes(t *testing.T) {
	runSeatCases(t, []seatCase{
		{
			// Total 1000 including C and D: B at exactly 5.00 % passes, C at
			// 4.90 % does not. A 900 300 180 128.6 100 all beat B's 50.
			name: "exactly at the threshold passes, just below fails",
			req:  SeatRequest{Method: SainteLague, Seats: 5, Threshold: 500, Votes: lv("A", 900, "B", 50, "C", 49, "D", 1)},
			want: map[string]int{"A": 5, "B": 0, "C": 0, "D": 0},
		},
		{
			// Same lists, 20 seats: A's 19th quotient 900/37 = 24.3 and B's 50
			// are the top 20 (next: A 900/39 = 23.1). C's 49 would have won
			// a seat without the threshold.
			name: "below-threshold lists' votes are out of the division",
			req:  SeatRequest{Method: SainteLague, Seats: 20, Threshold: 500, Votes: lv("A", 900, "B", 50, "C", 49, "D", 1)},
			want: map[string]int{"A": 19, "B": 1, "C": 0, "D": 0},
		},
		{
			// 2.5 %: 25 of 1000 passes, 24 does not. A's quotients above
			// 25 are 951/1 … 951/38, B's 25 is the 39th, A 951/39 the 40th.
			name: "fractional threshold",
			req:  SeatRequest{Method: DHondt, Seats: 40, Threshold: 250, Votes: lv("A", 951, "B", 25, "C", 24)},
			want: map[string]int{"A": 39, "B": 1, "C": 0},
		},
		{
			// Hare/Niemeyer divides among the qualified lists only: quotas of
			// 10 seats over 600 votes are 5 and 5, not 4.x over 1000.
			name: "Hare/Niemeyer quota over qualified votes",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 10, Threshold: 1000, Votes: lv("A", 300, "B", 300, "C", 90, "D", 90, "E", 90, "F", 90, "G", 40)},
			want: map[string]int{"A": 5, "B": 5, "C": 0, "D": 0, "E": 0, "F": 0, "G": 0},
		},
	})
}

func TestThresholdExemption(t *testing.T) {
	req := SeatRequest{Method: SainteLague, Seats: 20, Threshold: 500, Exempt: []string{"M"},
		Votes: lv("A", 600, "B", 370, "M", 30)}
	got, err := AllocateSeats(req)
	if err != nil {
		t.Fatal(err)
	}
	// M has 3 % but is exempt; its 30 is above the lowest winning quotient
	// (A 600/23 = 26.1); the next would be B 370/15 = 24.7.
	want := map[string]int{"A": 12, "B": 7, "M": 1}
	if !maps.Equal(got.ByList, want) {
		t.Errorf("seats = %v, want %v", got.ByList, want)
	}
	if !reflect.DeepEqual(got.Qualified, []string{"A", "B", "M"}) {
		t.Errorf("qualified = %v", got.Qualified)
	}

	req.Exempt = nil
	got, err = AllocateSeats(req)
	if err != nil {
		t.Fatal(err)
	}
	if got.ByList["M"] != 0 || !reflect.DeepEqual(got.Qualified, []string{"A", "B"}) {
		t.Errorf("without exemption: seats %v, qualified %v", got.ByList, got.Qualified)
	}
}

func TestTieForLastSeatIsLot(t *testing.T) {
	for _, m := range Methods {
		t.Run(string(m), func(t *testing.T) {
			runSeatCases(t, []seatCase{
				{
					name:    "two equal lists, one seat",
					req:     SeatRequest{Method: m, Seats: 1, Votes: lv("B", 100, "A", 100)},
					want:    map[string]int{"A": 0, "B": 0},
					wantLot: &Lot{Seats: 1, Lists: []string{"B", "A"}},
				},
				{
					name:    "three equal lists, two seats",
					req:     SeatRequest{Method: m, Seats: 2, Votes: lv("A", 100, "B", 100, "C", 100)},
					want:    map[string]int{"A": 0, "B": 0, "C": 0},
					wantLot: &Lot{Seats: 2, Lists: []string{"A", "B", "C"}},
				},
				{
					name: "three equal lists, three seats",
					req:  SeatRequest{Method: m, Seats: 3, Votes: lv("A", 100, "B", 100, "C", 100)},
					want: map[string]int{"A": 1, "B": 1, "C": 1},
				},
			})
		})
	}
	runSeatCases(t, []seatCase{
		{
			// A 200 66.7 | B 100 | C 100: A first, then B and C tie.
			name:    "Sainte-Laguë second seat",
			req:     SeatRequest{Method: SainteLague, Seats: 2, Votes: lv("A", 200, "B", 100, "C", 100)},
			want:    map[string]int{"A": 1, "B": 0, "C": 0},
			wantLot: &Lot{Seats: 1, Lists: []string{"B", "C"}},
		},
		{
			// A 200 100 | B 100 | C 100: A's second quotient joins the tie.
			name:    "D'Hondt second seat, three-way tie",
			req:     SeatRequest{Method: DHondt, Seats: 2, Votes: lv("A", 200, "B", 100, "C", 100)},
			want:    map[string]int{"A": 1, "B": 0, "C": 0},
			wantLot: &Lot{Seats: 1, Lists: []string{"A", "B", "C"}},
		},
		{
			// A list below the threshold is not part of a tie it would be in.
			name:    "below-threshold list stays out of the lot",
			req:     SeatRequest{Method: DHondt, Seats: 1, Threshold: 3000, Votes: lv("A", 40, "B", 40, "C", 20)},
			want:    map[string]int{"A": 0, "B": 0, "C": 0},
			wantLot: &Lot{Seats: 1, Lists: []string{"A", "B"}},
		},
	})
}

func TestTieBreakBeforeLot(t *testing.T) {
	base := lv("A", 200, "B", 100, "C", 100, "D", 100)
	runSeatCases(t, []seatCase{
		{
			// B, C and D tie for the second seat; C's next candidate has
			// the most personal votes.
			name: "named list wins the tie",
			req:  SeatRequest{Method: SainteLague, Seats: 2, Votes: base, TieBreak: []string{"C"}},
			want: map[string]int{"A": 1, "B": 0, "C": 1, "D": 0},
		},
		{
			name: "priority order decides among named lists",
			req:  SeatRequest{Method: SainteLague, Seats: 2, Votes: base, TieBreak: []string{"D", "B"}},
			want: map[string]int{"A": 1, "B": 0, "C": 0, "D": 1},
		},
		{
			// Three tied lists, two seats; only D is named, so B and C draw
			// for the other.
			name:    "unnamed lists stay tied",
			req:     SeatRequest{Method: SainteLague, Seats: 3, Votes: base, TieBreak: []string{"D"}},
			want:    map[string]int{"A": 1, "B": 0, "C": 0, "D": 1},
			wantLot: &Lot{Seats: 1, Lists: []string{"B", "C"}},
		},
		{
			name:    "a list outside the tie changes nothing",
			req:     SeatRequest{Method: SainteLague, Seats: 2, Votes: base, TieBreak: []string{"A"}},
			want:    map[string]int{"A": 1, "B": 0, "C": 0, "D": 0},
			wantLot: &Lot{Seats: 1, Lists: []string{"B", "C", "D"}},
		},
		{
			name: "Hare/Niemeyer remainders",
			req:  SeatRequest{Method: HareNiemeyer, Seats: 4, Votes: lv("A", 3, "B", 3, "C", 2), TieBreak: []string{"B", "A"}},
			want: map[string]int{"A": 1, "B": 2, "C": 1},
		},
	})
}

func TestZeroVoteLists(t *testing.T) {
	for _, m := range Methods {
		t.Run(string(m), func(t *testing.T) {
			runSeatCases(t, []seatCase{
				{
					// A zero-vote list is qualified without a threshold but
					// never gets a seat, however many seats there are.
					name: "no seat for no votes",
					req:  SeatRequest{Method: m, Seats: 9, Votes: lv("A", 0, "B", 1, "C", 0)},
					want: map[string]int{"A": 0, "B": 9, "C": 0},
				},
				{
					name: "exempt list with no votes",
					req:  SeatRequest{Method: m, Seats: 3, Threshold: 500, Exempt: []string{"Z"}, Votes: lv("A", 10, "Z", 0)},
					want: map[string]int{"A": 3, "Z": 0},
				},
			})
		})
	}
}

func TestAllocateSeatsErrors(t *testing.T) {
	ok := lv("A", 10, "B", 5)
	cases := []struct {
		name string
		req  SeatRequest
		code string
		list string
	}{
		{"unknown method", SeatRequest{Method: "adams", Seats: 1, Votes: ok}, CodeSeatsMethod, ""},
		{"empty method", SeatRequest{Seats: 1, Votes: ok}, CodeSeatsMethod, ""},
		{"zero seats", SeatRequest{Method: DHondt, Seats: 0, Votes: ok}, CodeSeatsInvalid, ""},
		{"negative seats", SeatRequest{Method: DHondt, Seats: -3, Votes: ok}, CodeSeatsInvalid, ""},
		{"no lists", SeatRequest{Method: DHondt, Seats: 1}, CodeSeatsInvalid, ""},
		{"empty id", SeatRequest{Method: DHondt, Seats: 1, Votes: lv("A", 1, "", 2)}, CodeSeatsInvalid, ""},
		{"duplicate id", SeatRequest{Method: DHondt, Seats: 1, Votes: lv("A", 1, "B", 2, "A", 3)}, CodeSeatsInvalid, "A"},
		{"negative votes", SeatRequest{Method: DHondt, Seats: 1, Votes: lv("A", 1, "B", -2)}, CodeSeatsInvalid, "B"},
		{"unknown exempt list", SeatRequest{Method: DHondt, Seats: 1, Votes: ok, Exempt: []string{"SSW"}}, CodeSeatsInvalid, "SSW"},
		{"unknown tie-break list", SeatRequest{Method: DHondt, Seats: 1, Votes: ok, TieBreak: []string{"X"}}, CodeSeatsInvalid, "X"},
		{"negative threshold", SeatRequest{Method: DHondt, Seats: 1, Votes: ok, Threshold: -1}, CodeSeatsInvalid, ""},
		{"threshold above 100 %", SeatRequest{Method: DHondt, Seats: 1, Votes: ok, Threshold: 10001}, CodeSeatsInvalid, ""},
		{"votes beyond int64", SeatRequest{Method: DHondt, Seats: 1, Votes: []ListVotes{{"A", math.MaxInt64}, {"B", 1}}}, CodeSeatsInvalid, ""},
		{"zero votes", SeatRequest{Method: HareNiemeyer, Seats: 1, Votes: lv("A", 0, "B", 0)}, CodeSeatsNoVotes, ""},
		{"none qualified", SeatRequest{Method: SainteLague, Seats: 1, Threshold: 5000, Votes: lv("A", 40, "B", 30, "C", 30)}, CodeSeatsNoneQualified, ""},
		{"only an exempt list without votes qualifies", SeatRequest{Method: SainteLague, Seats: 1, Threshold: 9000, Exempt: []string{"Z"}, Votes: lv("A", 50, "B", 50, "Z", 0)}, CodeSeatsNoneQualified, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AllocateSeats(tc.req)
			var se *SeatError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SeatError", err)
			}
			if se.Code != tc.code || se.List != tc.list {
				t.Errorf("code %q list %q, want %q %q (%v)", se.Code, se.List, tc.code, tc.list, err)
			}
		})
	}
}

// TestThresholdExactAtLargeTotals checks the threshold comparison where
// v·10000 no longer fits in int64.
func TestThresholdExactAtLargeTotals(t *testing.T) {
	const total = 4_000_000_000_000_000_000 // 4e18; 5 % is exactly 2e17
	req := SeatRequest{Method: DHondt, Seats: 20, Threshold: 500, Votes: []ListVotes{
		{"at", 200_000_000_000_000_000}, {"below", 199_999_999_999_999_999}, {"rest", total - 399_999_999_999_999_999},
	}}
	got, err := AllocateSeats(req)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Qualified, []string{"at", "rest"}) {
		t.Errorf("qualified = %v, want [at rest]", got.Qualified)
	}
	// rest's first 19 quotients (down to 3.6e18/19 ≈ 1.89e17) and at's
	// 2e17 are the top 20; at's second, 1e17, is below rest's 20th, 1.8e17.
	// The products compared (3.6e18 × 20) are beyond int64.
	want := map[string]int{"at": 1, "below": 0, "rest": 19}
	if !maps.Equal(got.ByList, want) {
		t.Errorf("seats = %v, want %v", got.ByList, want)
	}
}

// TestHareNiemeyerBeyond64Bits: seats·votes here is about 3e21, so the
// quotas must be taken in 128 bits.
func TestHareNiemeyerBeyond64Bits(t *testing.T) {
	// Total 5e18. Quotas of 1000 seats: A 600 + 1000/5e18, B exactly 200,
	// C 199 + (5e18-1000)/5e18: the one rest seat goes to C.
	got, err := AllocateSeats(SeatRequest{Method: HareNiemeyer, Seats: 1000, Votes: []ListVotes{
		{"A", 3_000_000_000_000_000_001}, {"B", 1_000_000_000_000_000_000}, {"C", 999_999_999_999_999_999},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"A": 600, "B": 200, "C": 200}; !maps.Equal(got.ByList, want) || got.Lot != nil {
		t.Errorf("seats = %v lot %+v, want %v", got.ByList, got.Lot, want)
	}
}

// The German Bundestag election of 23 February 2025, first distribution
// (Oberverteilung) of 630 seats by Sainte-Laguë/Schepers among the parties
// with at least 5 % of the valid second votes, the SSW exempt as the party
// of a national minority. Votes and seats: Die Bundeswahlleiterin,
// endgültiges Ergebnis der Bundestagswahl 2025. "Sonstige" lumps the
// remaining parties; each of them is below 5 % alone as well as together.
func TestBundestag2025Oberverteilung(t *testing.T) {
	votes := []ListVotes{
		{"CDU", 11196374}, {"AfD", 10328780}, {"SPD", 8149124}, {"GRÜNE", 5762380},
		{"CSU", 2964028}, {"Die Linke", 4356532}, {"BSW", 2472947}, {"FDP", 2148757},
		{"SSW", 76138}, {"Sonstige", 2194452},
	}
	var total int64
	for _, v := range votes {
		total += v.Votes
	}
	if total != 49649512 {
		t.Fatalf("valid second votes add up to %d, the official total is 49649512", total)
	}
	got, err := AllocateSeats(SeatRequest{
		Method: SainteLague, Seats: 630, Threshold: 500, Exempt: []string{"SSW"}, Votes: votes,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"CDU": 164, "AfD": 152, "SPD": 120, "GRÜNE": 85, "CSU": 44, "Die Linke": 64, "SSW": 1,
		"BSW": 0, "FDP": 0, "Sonstige": 0,
	}
	if !maps.Equal(got.ByList, want) {
		t.Errorf("seats = %v\nwant    %v", got.ByList, want)
	}
	if got.Lot != nil {
		t.Errorf("unexpected lot %+v", got.Lot)
	}
	// BSW missed the threshold by 9 529 votes (4.981 %).
	wantQualified := []string{"CDU", "AfD", "SPD", "GRÜNE", "CSU", "Die Linke", "SSW"}
	if !reflect.DeepEqual(got.Qualified, wantQualified) {
		t.Errorf("qualified = %v, want %v", got.Qualified, wantQualified)
	}
}
