package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func testAggregatesSumOverShards(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	deltas := []store.AggregateDelta{
		{AggregateKey: aggKey("c", "W1", 0, "B"), Delta: 100},
		{AggregateKey: aggKey("c", "W1", 1, "B"), Delta: 50},
		{AggregateKey: aggKey("c", "W1", 3, "B"), Delta: -20},
		{AggregateKey: aggKey("c", "W1", 3, "B"), Delta: 5}, // the same row twice in one call
		{AggregateKey: aggKey("c", "W2", 0, "B"), Delta: 7},
		{AggregateKey: aggKey("c", "W2", 0, "districts"), Delta: 1},
	}
	postal := aggKey("c", "", 0, "B")
	postal.DistrictKind = ballot.Postal
	deltas = append(deltas, store.AggregateDelta{AggregateKey: postal, Delta: 40})
	quick := aggKey("c", "W1", 2, "B")
	quick.View = "quick"
	deltas = append(deltas, store.AggregateDelta{AggregateKey: quick, Delta: 9})
	sortDeltas(deltas)
	inTx(t, s, func(tx store.Tx) error { return tx.AddAggregates(bg, deltas) })
	inTx(t, s, func(tx store.Tx) error { return tx.AddAggregates(bg, nil) })

	rows, err := s.Aggregates(bg)
	must(t, err)
	want := []store.AggregateRow{
		{Contest: "c", View: "best", DistrictKind: ballot.InPerson, Ward: "W1", Field: "B", Value: 135},
		{Contest: "c", View: "best", DistrictKind: ballot.InPerson, Ward: "W2", Field: "B", Value: 7},
		{Contest: "c", View: "best", DistrictKind: ballot.InPerson, Ward: "W2", Field: "districts", Value: 1},
		{Contest: "c", View: "best", DistrictKind: ballot.Postal, Ward: "", Field: "B", Value: 40},
		{Contest: "c", View: "quick", DistrictKind: ballot.InPerson, Ward: "W1", Field: "B", Value: 9},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("Aggregates:\n got %+v\nwant %+v", rows, want)
	}
	// One view at a time: the same sums, only that view's rows.
	best, err := s.AggregatesOf(bg, "best")
	must(t, err)
	if fmt.Sprint(best) != fmt.Sprint(want[:4]) {
		t.Errorf("AggregatesOf(best):\n got %+v\nwant %+v", best, want[:4])
	}
	none, err := s.AggregatesOf(bg, "final")
	must(t, err)
	if len(none) != 0 {
		t.Errorf("AggregatesOf(final) of a store without final rows: %+v", none)
	}
}

// testAggregatesAddUpWhateverTheOrder: the same deltas, in any order and
// split into transactions any way, give the same totals. Each trial
// applies them twice, in two random orders and splits, and expects twice
// the sums.
func testAggregatesAddUpWhateverTheOrder(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	want := map[string]int64{}
	for trial := range 6 {
		contest := fmt.Sprintf("c%d", trial)
		wards := []string{"W1", "W2", "W3"}[:1+rng.IntN(3)]
		fields := []string{"A", "B", "valid", "party:X"}[:1+rng.IntN(4)]
		var deltas []store.AggregateDelta
		for range 20 + rng.IntN(60) {
			k := aggKey(contest, wards[rng.IntN(len(wards))], rng.IntN(4), fields[rng.IntN(len(fields))])
			if rng.IntN(3) == 0 {
				k.View = "quick"
			}
			d := store.AggregateDelta{AggregateKey: k, Delta: rng.Int64N(2001) - 1000}
			deltas = append(deltas, d)
			want[totalKey(k.Contest, k.View, k.DistrictKind, k.Ward, k.Field)] += 2 * d.Delta
		}
		for range 2 {
			order := append([]store.AggregateDelta(nil), deltas...)
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for len(order) > 0 {
				n := 1 + rng.IntN(len(order))
				part := order[:n]
				if rng.IntN(2) == 0 {
					sortDeltas(part) // as package tally passes them, or not
				}
				inTx(t, s, func(tx store.Tx) error { return tx.AddAggregates(bg, part) })
				order = order[n:]
			}
		}
	}
	got := totals(t, s)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected total %s = %d", k, v)
		}
	}
}
