package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// parallel runs fn(i) for i in [0, n) at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

const (
	workers = 8
	rounds  = 50
)

func testConcurrentNoLostUpdates(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	errs := make([]error, workers)
	parallel(workers, func(w int) {
		for range rounds {
			deltas := []store.AggregateDelta{
				{AggregateKey: aggKey("c", "W0", 0, "hot"), Delta: 1},               // every worker's row
				{AggregateKey: aggKey("c", fmt.Sprint("W", w), 1, "own"), Delta: 2}, // this worker's row
			}
			sortDeltas(deltas)
			if err := s.InTx(bg, func(tx store.Tx) error { return tx.AddAggregates(bg, deltas) }); err != nil {
				errs[w] = err
				return
			}
		}
	})
	must(t, errors.Join(errs...))
	got := totals(t, s)
	if v := got[totalKey("c", "best", ballot.InPerson, "W0", "hot")]; v != workers*rounds {
		t.Errorf("shared row = %d, want %d", v, workers*rounds)
	}
	for w := range workers {
		if v := got[totalKey("c", "best", ballot.InPerson, fmt.Sprint("W", w), "own")]; v != 2*rounds {
			t.Errorf("row of worker %d = %d, want %d", w, v, 2*rounds)
		}
	}
}

// acceptOnce is how package tally takes an envelope in: look it up, and
// insert it only if it is not there. It reports whether this call
// inserted it.
func acceptOnce(s store.Store, e store.Envelope) (inserted bool, err error) {
	err = s.InTx(bg, func(tx store.Tx) error {
		inserted = false // a retry starts over
		// Already there, or its seq taken by another envelope (refused).
		if prior, err := tx.PriorEnvelopes(bg, store.EnvelopeID{Hash: e.Hash, ContentHash: e.ContentHash, Station: e.Station, Seq: e.Seq}); err != nil || len(prior) > 0 {
			return err
		}
		if err := tx.InsertEnvelope(bg, e); err != nil {
			return err
		}
		inserted = true
		return tx.AddAggregates(bg, []store.AggregateDelta{{AggregateKey: aggKey("c", "W", 0, "envelopes"), Delta: 1}})
	})
	return inserted, err
}

// acceptConcurrently sends envs[i] through handle i%len(stores) at once and
// checks that exactly one was inserted, and counted once.
func acceptConcurrently(t *testing.T, stores []store.Store, envs []store.Envelope) {
	t.Helper()
	inserted := make([]bool, len(envs))
	errs := make([]error, len(envs))
	parallel(len(envs), func(i int) {
		inserted[i], errs[i] = acceptOnce(stores[i%len(stores)], envs[i])
	})
	must(t, errors.Join(errs...))
	n := 0
	for _, ok := range inserted {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d of %d concurrent submissions were inserted, want exactly 1", n, len(envs))
	}
	for _, s := range stores {
		if c, err := s.EnvelopeCount(bg); err != nil || c != 1 {
			t.Errorf("EnvelopeCount = %d, %v; want 1", c, err)
		}
		if got := totals(t, s)[totalKey("c", "best", ballot.InPerson, "W", "envelopes")]; got != 1 {
			t.Errorf("counted %d times, want once", got)
		}
	}
}

func testConcurrentSameEnvelope(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e := envelope(k, 1, "a")
	envs := make([]store.Envelope, workers)
	for i := range envs {
		envs[i] = e
	}
	acceptConcurrently(t, []store.Store{s}, envs)
}

func testConcurrentOneSeq(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	envs := make([]store.Envelope, workers)
	for i := range envs {
		envs[i] = envelope(k, 1, fmt.Sprint("version ", i)) // a station equivocating
	}
	acceptConcurrently(t, []store.Store{s}, envs)
}

func testConcurrentCountNewest(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	const perWorker = 4
	envs := make([]store.Envelope, workers*perWorker)
	for i := range envs {
		envs[i] = envelope(k, uint64(i+1), "count")
	}
	insert(t, s, envs...)
	key := store.CountKey{District: "D1", Contest: "c", Stage: ballot.StageFinal}
	errs := make([]error, workers)
	// Each record replaces the current count only if it is newer, and
	// moves the total by the difference, as package tally does. The pause
	// between reading and writing lets an unlocked read go stale.
	var next atomic.Int64 // versions in the order the records arrive
	parallel(workers, func(w int) {
		for range perWorker {
			v := int(next.Add(1))
			err := s.InTx(bg, func(tx store.Tx) error {
				mine := store.CurrentCount{CountKey: key, Version: v, Seq: uint64(v), EnvelopeHash: envs[v-1].Hash,
					Numbers: map[string]int64{"B": int64(100 * v)}}
				old, err := tx.CurrentCountForUpdate(bg, key)
				switch {
				case errors.Is(err, store.ErrNotFound):
				case err != nil:
					return err
				case old.Version > mine.Version:
					return nil
				}
				time.Sleep(2 * time.Millisecond)
				if err := tx.PutCurrentCount(bg, mine); err != nil {
					return err
				}
				return tx.AddAggregates(bg, []store.AggregateDelta{{AggregateKey: aggKey("c", "W", 0, "B"), Delta: mine.Numbers["B"] - old.Numbers["B"]}})
			})
			if err != nil {
				errs[w] = err
				return
			}
		}
	})
	must(t, errors.Join(errs...))
	counts, err := s.CurrentCounts(bg)
	must(t, err)
	if newest := workers * perWorker; len(counts) != 1 || counts[0].Version != newest {
		t.Fatalf("current counts %+v, want one of version %d", counts, newest)
	}
	if got, want := totals(t, s)[totalKey("c", "best", ballot.InPerson, "W", "B")], int64(100*workers*perWorker); got != want {
		t.Errorf("total = %d, want %d: an update was lost", got, want)
	}
}

// holdAndWait runs first in a transaction that lasts a while and then
// second, started once first has run, and reports whether second's
// transaction ended only after first's did.
func holdAndWait(t *testing.T, s store.Store, first, second func(store.Tx) error) bool {
	t.Helper()
	const hold = 300 * time.Millisecond
	started := make(chan struct{})
	var firstEnd time.Time
	var firstErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		firstErr = s.InTx(bg, func(tx store.Tx) error {
			if err := first(tx); err != nil {
				return err
			}
			close(started)
			time.Sleep(hold)
			firstEnd = time.Now()
			return nil
		})
	})
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the first transaction did not start")
	}
	must(t, s.InTx(bg, second))
	secondEnd := time.Now()
	wg.Wait()
	must(t, firstErr)
	return secondEnd.After(firstEnd)
}

func testRevocationWaits(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	// An ingest checked the key; a revocation must not slip in between
	// the check and the commit of the record.
	waited := holdAndWait(t, s, func(tx store.Tx) error {
		key, err := tx.StationKey(bg, k.KeyID)
		if err == nil && key.Revoked() {
			err = errors.New("key revoked already")
		}
		return err
	}, func(tx store.Tx) error {
		_, err := tx.RevokeDistrictKeys(bg, "D1", at(20), "stolen")
		return err
	})
	if !waited {
		t.Error("a revocation committed while a transaction that read the key valid was open")
	}
}

func testCertificationDoesNotCross(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	cert := store.Certification{Contest: "c", CertifiedAt: at(30), By: "committee"}
	// A record's transaction read no certification: certifying waits for it.
	waited := holdAndWait(t, s, func(tx store.Tx) error {
		cs, err := tx.Certifications(bg)
		if err == nil && len(cs) > 0 {
			err = errors.New("certified already")
		}
		return err
	}, func(tx store.Tx) error { return tx.PutCertification(bg, cert) })
	if !waited {
		t.Error("a certification committed while a transaction that read none was open")
	}
	// And a record's transaction that starts while the certification is
	// being written sees it.
	revoked := cert
	revoked.RevokedAt, revoked.RevokedBy = at(31), "admin"
	var seen []store.Certification
	holdAndWait(t, s, func(tx store.Tx) error { return tx.PutCertification(bg, revoked) }, func(tx store.Tx) error {
		var err error
		seen, err = tx.Certifications(bg)
		return err
	})
	if len(seen) != 1 || seen[0].RevokedAt.IsZero() {
		t.Errorf("a transaction during a change of certification saw %+v, want the change", seen)
	}
}

func testReopenKeepsEverything(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	r, ok := s.(Reopener)
	if !ok {
		t.Skip("the store cannot be reopened")
	}
	keys := setup(t, s, "D1", "D2")
	for i, d := range []string{"D1", "D2", "D1"} {
		fill(t, s, keys[d], uint64(i+1))
	}
	tok := store.Token{ID: "t", Name: "n", Role: "admin", Hash: "h", CreatedAt: at(9)}
	inTx(t, s, func(tx store.Tx) error {
		must(t, tx.InsertEquivocation(bg, store.Equivocation{Station: "s", District: "D1", Seq: 1, FirstHash: "a", SecondHash: "b", DetectedAt: at(7)}))
		must(t, tx.PutCertification(bg, store.Certification{Contest: "c", CertifiedAt: at(8), By: "x"}))
		return tx.InsertToken(bg, tok)
	})
	before := takeSnapshot(t, s, tok.Hash)
	must(t, s.Close())
	again := r.Reopen(t)
	after := takeSnapshot(t, again, tok.Hash)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after reopening:\n got %+v\nwant %+v", after, before)
	}
	// And it goes on from there.
	fill(t, again, keys["D2"], 9)
	if n, _ := again.EnvelopeCount(bg); n != 4 {
		t.Errorf("EnvelopeCount after one more = %d, want 4", n)
	}
}

func testTwoHandlesSameEnvelope(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	r, ok := s.(Reopener)
	if !ok {
		t.Skip("the store cannot be opened twice")
	}
	k := setup(t, s, "D1")["D1"]
	other := r.Reopen(t)
	// As two tally processes on one database do: the same envelope
	// arrives at both, by HTTP and from a USB bundle, several times.
	envs := make([]store.Envelope, workers)
	for i := range envs {
		envs[i] = envelope(k, 1, "a")
	}
	acceptConcurrently(t, []store.Store{s, other}, envs)

	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	// Writes through one handle are seen through the other at once.
	must(t, other.InTx(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, store.AuditEntry{Actor: "b", Action: "import"})
	}))
	if log, err := s.AuditLog(ctx); err != nil || len(log) != 1 {
		t.Errorf("the other handle's audit entry: %+v, %v", log, err)
	}
}
