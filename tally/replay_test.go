package tally_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// randomRecords makes counts of the mayor contest for the districts: quick
// reports, final records and corrections, some versions sent twice (the
// sequence number decides), with a few other records between them.
func randomRecords(f *fixture, r *rand.Rand, districts []string, n int) [][]byte {
	f.t.Helper()
	var envs [][]byte
	for range n {
		d := districts[r.IntN(len(districts))]
		if r.IntN(6) == 0 {
			envs = append(envs, f.seal(d, ballot.RecordIncident, &ballot.Incident{At: f.now, Text: "Wahlurne klemmt"}))
			continue
		}
		stage := ballot.StageQuick
		if r.IntN(2) == 0 {
			stage = ballot.StageFinal
		}
		reg, _ := f.def.District(d)
		b := reg.Register.A1 * int64(30+r.IntN(40)) / 100
		valid := b - 6
		v1 := valid * int64(20+r.IntN(40)) / 100
		v2 := (valid - v1) * int64(r.IntN(100)) / 100
		v3 := (valid - v1 - v2) / 2
		envs = append(envs, f.seal(d, ballot.RecordCount, f.mayorCount(d, stage, 1+r.IntN(3), b, [4]int64{v1, v2, v3, valid - v1 - v2 - v3})))
	}
	return envs
}

// replayStore replays the store's envelopes, decoded as an observer would.
func replayStore(t *testing.T, f *fixture) *tally.Replay {
	t.Helper()
	sks, err := f.st.StationKeys(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys := seal.Keys{}
	enrolled := map[seal.KeyID]time.Time{}
	for _, k := range sks {
		keys.Add(k.PublicKey)
		enrolled[k.KeyID] = k.EnrolledAt
	}
	rp := tally.NewReplay(f.def)
	err = f.st.Envelopes(f.ctx, func(e store.Envelope) error {
		opened, err := seal.OpenRecord(e.Bytes, keys)
		if err != nil {
			return err
		}
		rec, err := ballot.DecodeRecord(opened.Record)
		if err != nil {
			return err
		}
		return rp.Add(rec, e.Hash, enrolled[opened.KeyID])
	})
	if err != nil {
		t.Fatal(err)
	}
	return rp
}

func nonZeroRows(rows []store.AggregateRow) []store.AggregateRow {
	out := []store.AggregateRow{}
	for _, r := range rows {
		if r.Value != 0 {
			out = append(out, r)
		}
	}
	tally.SortAggregateRows(out)
	return out
}

func nonZeroNumbers(cs []store.CurrentCount) []store.CurrentCount {
	out := []store.CurrentCount{}
	for _, c := range cs {
		n := map[string]int64{}
		for k, v := range c.Numbers {
			if v != 0 {
				n[k] = v
			}
		}
		c.Numbers = n
		out = append(out, c)
	}
	return out
}

// Replay over the stored envelopes gives the very aggregates and current
// counts the service kept up to date as the records arrived, whatever
// their order.
func TestReplay_Property_EqualsTheRunningAggregates(t *testing.T) {
	forEachStoreKind(t, func(t *testing.T, open func(t *testing.T) store.Store) {
		districts := []string{"101", "102", "201", "202"}
		for round := range 3 {
			f := newFixture(t, open(t), districts...)
			r := rand.New(rand.NewPCG(uint64(round), 42))
			envs := randomRecords(f, r, districts, 40)
			r.Shuffle(len(envs), func(i, j int) { envs[i], envs[j] = envs[j], envs[i] })
			for _, e := range envs {
				f.ingest(e)
			}
			rp := replayStore(t, f)
			stored, err := f.st.Aggregates(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rp.Aggregates(), nonZeroRows(stored); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d: replayed aggregates differ\n got %v\nwant %v", round, got, want)
			}
			counts, err := f.st.CurrentCounts(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := nonZeroNumbers(rp.CurrentCounts())
			want := nonZeroNumbers(counts)
			if len(got) != len(want) {
				t.Fatalf("round %d: %d current counts replayed, %d stored", round, len(got), len(want))
			}
			for _, w := range want {
				found := false
				for _, g := range got {
					if g.CountKey == w.CountKey {
						found = reflect.DeepEqual(g, w)
						if !found {
							t.Errorf("round %d: current count %v: replayed %+v, stored %+v", round, w.CountKey, g, w)
						}
						found = true
					}
				}
				if !found {
					t.Errorf("round %d: current count %v not replayed", round, w.CountKey)
				}
			}
			for _, view := range []string{tally.ViewQuick, tally.ViewFinal, tally.ViewBest} {
				want, err := f.svc.Results(f.ctx, view)
				if err != nil {
					t.Fatal(err)
				}
				got := tally.ComputeResults(f.def, view, rp.Aggregates(), nil, want.Generated)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("round %d: results of view %s differ", round, view)
				}
			}
		}
	})
}

func TestReplay_IsIndependentOfTheOrderOfAdd(t *testing.T) {
	f := newFixture(t, openSQLite(t), "101", "102")
	envs := randomRecords(f, rand.New(rand.NewPCG(1, 2)), []string{"101", "102"}, 30)
	keys := seal.Keys{}
	for _, s := range f.stations {
		keys.Add(s.key.Public())
	}
	replay := func(envs [][]byte) *tally.Replay {
		rp := tally.NewReplay(f.def)
		for _, e := range envs {
			opened, err := seal.OpenRecord(e, keys)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := ballot.DecodeRecord(opened.Record)
			if err != nil {
				t.Fatal(err)
			}
			if err := rp.Add(rec, opened.EnvelopeHash, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		return rp
	}
	want := replay(envs)
	for i := range 5 {
		rand.New(rand.NewPCG(uint64(i), 9)).Shuffle(len(envs), func(i, j int) { envs[i], envs[j] = envs[j], envs[i] })
		got := replay(envs)
		if !reflect.DeepEqual(got.Aggregates(), want.Aggregates()) || !reflect.DeepEqual(got.CurrentCounts(), want.CurrentCounts()) {
			t.Fatalf("shuffle %d: replay differs", i)
		}
	}
}

func TestVerify_ACleanStoreVerifies(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		districts := []string{"101", "102", "201"}
		f := newFixture(t, st, districts...)
		for _, e := range randomRecords(f, rand.New(rand.NewPCG(3, 3)), districts, 30) {
			f.ingest(e)
		}
		rep, err := f.svc.Verify(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Envelopes != 30 || rep.Counts == 0 || rep.Aggregates == 0 {
			t.Fatalf("report %+v; want 30 envelopes, counts and rows compared, no differences", rep)
		}
	})
}

func TestVerify_ReportsAnAggregateRowThatDiffers(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := newFixture(t, st, "101")
		f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageQuick, 1, 600, [4]int64{300, 150, 100, 44})))
		key := store.AggregateKey{Contest: "ob", View: tally.ViewBest, DistrictKind: ballot.InPerson, Ward: "1", Shard: 3, Field: "D:ob-2"}
		if err := st.InTx(f.ctx, func(tx store.Tx) error {
			return tx.AddAggregates(f.ctx, []store.AggregateDelta{{AggregateKey: key, Delta: +1}})
		}); err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.Verify(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []tally.Difference{{Kind: "aggregate", Subject: `contest ob view best in-person ward "1" field D:ob-2`, Stored: "151", Recomputed: "150"}}
		if !reflect.DeepEqual(rep.Differences, want) {
			t.Fatalf("differences %v; want %v", rep.Differences, want)
		}
	})
}

// tamperedStore hands out one stored envelope with a byte changed, as a
// store altered behind the tally's back would.
type tamperedStore struct {
	store.Store
	victim int
}

func (t tamperedStore) Envelopes(ctx context.Context, fn func(store.Envelope) error) error {
	i := 0
	return t.Store.Envelopes(ctx, func(e store.Envelope) error {
		if i == t.victim {
			e.Bytes = bytes.Replace(e.Bytes, []byte(`"payload":"`), []byte(`"payload": "`), 1)
		}
		i++
		return fn(e)
	})
}

// Verify checks the envelopes in chunks on all cores; a changed envelope
// beyond the first chunk is named, and the rest still verify.
func TestVerify_NamesAnEnvelopeWhoseBytesChanged(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		districts := []string{"101", "102", "201"}
		f := newFixture(t, st, districts...)
		envs := randomRecords(f, rand.New(rand.NewPCG(4, 4)), districts, 600)
		for _, e := range envs {
			f.ingest(e)
		}
		svc, err := tally.New(f.ctx, tamperedStore{Store: st, victim: 530}, seal.Signer{}, tally.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := svc.Verify(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Envelopes != 600 || len(rep.Differences) == 0 || rep.Differences[0].Kind != "envelope" ||
			!strings.Contains(rep.Differences[0].Stored, "the bytes hash to") {
			t.Fatalf("report: %d envelopes, differences %v", rep.Envelopes, rep.Differences)
		}
	})
}

// BenchmarkVerify verifies a SQLite store of 2,000 records, most of them
// counts: go test ./tally -run '^$' -bench Verify -benchtime 1x
func BenchmarkVerify(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "tally.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	districts := []string{"101", "102", "103", "104", "105", "201", "202", "203"}
	f := newFixture(b, db, districts...)
	for _, e := range randomRecords(f, rand.New(rand.NewPCG(8, 8)), districts, 2000) {
		f.ingest(e)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := f.svc.Verify(f.ctx)
		if err != nil || !rep.OK() || rep.Envelopes != 2000 {
			b.Fatalf("%+v %v", rep, err)
		}
	}
}
