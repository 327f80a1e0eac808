package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

func testTimesRoundTripInUTC(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	// Microseconds are what every store keeps.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EDT", -4*3600)
	}
	times := []time.Time{
		time.Date(2026, 9, 27, 17, 59, 59, 999999000, ny),
		time.Date(2026, 3, 29, 1, 59, 59, 1000, time.UTC), // the night the clocks change
		time.Unix(0, 0).In(ny),
	}
	for i, tm := range times {
		e := envelope(k, uint64(i+1), "t")
		e.RecordTime, e.ReceivedAt = tm, tm.Add(time.Microsecond)
		insert(t, s, e)
		inTx(t, s, func(tx store.Tx) error {
			return tx.AppendAudit(bg, store.AuditEntry{At: tm, Actor: "a", Action: "b", Subject: "c", Outcome: "ok"})
		})
	}
	check := func(what string, got, want time.Time) {
		t.Helper()
		if !got.Equal(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
		if got.Location() != time.UTC {
			t.Errorf("%s is in %v, want UTC", what, got.Location())
		}
	}
	for i, e := range allEnvelopes(t, s) {
		check(fmt.Sprintf("envelope %d RecordTime", i), e.RecordTime, times[i])
		check(fmt.Sprintf("envelope %d ReceivedAt", i), e.ReceivedAt, times[i].Add(time.Microsecond))
	}
	log, err := s.AuditLog(bg)
	must(t, err)
	for i, e := range log {
		check(fmt.Sprintf("audit entry %d", i), e.At, times[i])
	}
	el, err := s.Election(bg)
	must(t, err)
	check("Election.CreatedAt", el.CreatedAt, testElection().CreatedAt)
	key, err := s.StationKey(bg, k.KeyID)
	must(t, err)
	check("StationKey.EnrolledAt", key.EnrolledAt, k.EnrolledAt)
	if !key.RevokedAt.IsZero() {
		t.Errorf("a zero time came back as %v", key.RevokedAt)
	}
	// Nanoseconds may be cut to microseconds, no more.
	nano := time.Date(2026, 9, 27, 18, 0, 0, 123456789, ny)
	inTx(t, s, func(tx store.Tx) error {
		return tx.PutCertification(bg, store.Certification{Contest: "c", CertifiedAt: nano, By: "x"})
	})
	certs, err := s.Certifications(bg)
	must(t, err)
	if d := nano.Sub(certs[0].CertifiedAt); d < 0 || d >= time.Microsecond {
		t.Errorf("CertifiedAt %v is %v off %v", certs[0].CertifiedAt, d, nano)
	}
}

// fill writes one transaction's worth into every table.
func fill(t testing.TB, s store.Store, k store.StationKey, seq uint64) {
	t.Helper()
	e := envelope(k, seq, "fill")
	inTx(t, s, func(tx store.Tx) error {
		must(t, tx.InsertEnvelope(bg, e))
		must(t, tx.InsertRejection(bg, store.Rejection{Hash: "r", Code: "bad-signature", Bytes: []byte("x"), ReceivedAt: at(3), Via: "http"}))
		must(t, tx.PutCurrentCount(bg, store.CurrentCount{CountKey: store.CountKey{District: k.District, Contest: "c", Stage: ballot.StageQuick},
			Version: int(seq), Seq: seq, EnvelopeHash: e.Hash, Numbers: map[string]int64{"B": 10}}))
		must(t, tx.AddAggregates(bg, []store.AggregateDelta{{AggregateKey: aggKey("c", "W", 0, "B"), Delta: 10}}))
		must(t, tx.InsertAttendance(bg, store.Attendance{District: k.District, PersonID: "p", Name: "n", Role: ballot.RoleChair, At: at(4), In: true, EnvelopeHash: e.Hash}))
		must(t, tx.InsertDistrictEvent(bg, store.DistrictEvent{District: k.District, Kind: ballot.RecordTurnout, At: at(5), Voters: 9, EnvelopeHash: e.Hash}))
		return tx.AppendAudit(bg, store.AuditEntry{At: at(6), Actor: "a", Action: "fill", Outcome: "ok"})
	})
}

// snapshot is everything a store's readers show.
type snapshot struct {
	Election       store.Election
	Keys           []store.StationKey
	Envelopes      []store.Envelope
	Rejections     []store.Rejection
	Equivocations  []store.Equivocation
	Counts         []store.CurrentCount
	Aggregates     []store.AggregateRow
	Attendance     []store.Attendance
	Events         []store.DistrictEvent
	Certifications []store.Certification
	Token          store.Token
	Audit          []store.AuditEntry
}

func takeSnapshot(t testing.TB, s store.Reader, tokenHash string) snapshot {
	t.Helper()
	var sn snapshot
	var err error
	errs := []error{}
	sn.Election, err = s.Election(bg)
	errs = append(errs, err)
	sn.Keys, err = s.StationKeys(bg)
	errs = append(errs, err)
	sn.Envelopes = allEnvelopes(t, s)
	sn.Rejections, err = s.Rejections(bg)
	errs = append(errs, err)
	sn.Equivocations, err = s.Equivocations(bg)
	errs = append(errs, err)
	sn.Counts, err = s.CurrentCounts(bg)
	errs = append(errs, err)
	sn.Aggregates, err = s.Aggregates(bg)
	errs = append(errs, err)
	sn.Attendance, err = s.Attendance(bg)
	errs = append(errs, err)
	sn.Events, err = s.DistrictEvents(bg)
	errs = append(errs, err)
	sn.Certifications, err = s.Certifications(bg)
	errs = append(errs, err)
	sn.Token, err = s.TokenByHash(bg, tokenHash)
	errs = append(errs, err)
	sn.Audit, err = s.AuditLog(bg)
	errs = append(errs, err)
	must(t, errors.Join(errs...))
	return sn
}

func testInTxRollsBackOnError(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	empty := func() {
		t.Helper()
		if _, err := s.Election(bg); !errors.Is(err, store.ErrNotInitialised) {
			t.Errorf("the election of a failed transaction is there: %v", err)
		}
		if keys, _ := s.StationKeys(bg); len(keys) != 0 {
			t.Errorf("keys of a failed transaction are there: %d", len(keys))
		}
		if n, _ := s.EnvelopeCount(bg); n != 0 {
			t.Errorf("envelopes of a failed transaction are there: %d", n)
		}
		for what, n := range map[string]int{"aggregates": len(second2(s.Aggregates(bg))), "audit entries": len(second2(s.AuditLog(bg))),
			"rejections": len(second2(s.Rejections(bg))), "counts": len(second2(s.CurrentCounts(bg)))} {
			if n != 0 {
				t.Errorf("%d %s of a failed transaction are there", n, what)
			}
		}
	}
	err := s.InTx(bg, func(tx store.Tx) error {
		must(t, tx.InitElection(bg, testElection()))
		k := stationKey("D1", 0)
		must(t, tx.AddStationKey(bg, k))
		e := envelope(k, 1, "a")
		must(t, tx.InsertEnvelope(bg, e))
		must(t, tx.InsertRejection(bg, store.Rejection{Hash: "r", Code: "x", Bytes: []byte("x")}))
		must(t, tx.PutCurrentCount(bg, store.CurrentCount{CountKey: store.CountKey{District: "D1", Contest: "c", Stage: ballot.StageQuick}, EnvelopeHash: e.Hash}))
		must(t, tx.AddAggregates(bg, []store.AggregateDelta{{AggregateKey: aggKey("c", "W", 0, "B"), Delta: 1}}))
		must(t, tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "init"}))
		// Reads in the transaction see its writes.
		if n, err := tx.Election(bg); err != nil || n.ID == "" {
			t.Errorf("Tx.Election after InitElection: %v", err)
		}
		return fmt.Errorf("the definition is invalid: %w", errStop)
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("InTx returned %v, want fn's error", err)
	}
	empty()
}

func second2[T any](v []T, _ error) []T { return v }

func testInTxRollsBackOnPanic(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic of fn", r)
			}
		}()
		_ = s.InTx(bg, func(tx store.Tx) error {
			must(t, tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "lost"}))
			panic("boom")
		})
	}()
	// The store still works: the writer was given back.
	ctx, cancel := context.WithTimeout(bg, 15*time.Second)
	defer cancel()
	must(t, s.InTx(ctx, func(tx store.Tx) error { return tx.AppendAudit(ctx, store.AuditEntry{Actor: "a", Action: "kept"}) }))
	log, err := s.AuditLog(bg)
	must(t, err)
	if len(log) != 1 || log[0].Action != "kept" {
		t.Errorf("audit log after a panic: %+v, want only the entry after it", log)
	}
}

func testInTxRetriesOnConflict(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	attempts := 0
	err := s.InTx(bg, func(tx store.Tx) error {
		attempts++
		must(t, tx.AddAggregates(bg, []store.AggregateDelta{{AggregateKey: aggKey("c", "W", 0, "B"), Delta: 1}}))
		must(t, tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: fmt.Sprint("attempt ", attempts)}))
		if attempts < 3 {
			return fmt.Errorf("collided: %w", store.ErrConflict)
		}
		return nil
	})
	must(t, err)
	if attempts != 3 {
		t.Errorf("fn ran %d times, want 3", attempts)
	}
	if got := totals(t, s)[totalKey("c", "best", ballot.InPerson, "W", "B")]; got != 1 {
		t.Errorf("total after two rolled-back attempts = %d, want 1", got)
	}
	log, err := s.AuditLog(bg)
	must(t, err)
	if len(log) != 1 || log[0].Action != "attempt 3" {
		t.Errorf("audit log = %+v, want only attempt 3", log)
	}
}

func testInTxGivesUp(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	attempts := 0
	err := s.InTx(bg, func(tx store.Tx) error {
		attempts++
		return store.ErrConflict
	})
	if !errors.Is(err, store.ErrConflict) || attempts != store.MaxTxAttempts {
		t.Errorf("InTx = %v after %d attempts, want ErrConflict after %d", err, attempts, store.MaxTxAttempts)
	}
	// A cancelled context ends the retries early.
	ctx, cancel := context.WithCancel(bg)
	attempts = 0
	err = s.InTx(ctx, func(tx store.Tx) error {
		attempts++
		cancel()
		return store.ErrConflict
	})
	if err == nil || attempts != 1 {
		t.Errorf("InTx with a cancelled context = %v after %d attempts, want an error after 1", err, attempts)
	}
}

func testInTxNeverCommitsAfterAConflict(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e := envelope(k, 1, "a")
	insert(t, s, e)
	attempts := 0
	err := s.InTx(bg, func(tx store.Tx) error {
		attempts++
		if attempts == 1 {
			// fn swallows the conflict and goes on: nothing of this
			// attempt may commit.
			_ = tx.InsertEnvelope(bg, e)
			_ = tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "half"})
			return nil
		}
		return tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "whole"})
	})
	must(t, err)
	log, err := s.AuditLog(bg)
	must(t, err)
	if attempts != 2 || len(log) != 1 || log[0].Action != "whole" {
		t.Errorf("after %d attempts the audit log is %+v, want 2 attempts and only the second's entry", attempts, log)
	}
}

func testTxIsDeadAfterInTx(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	var kept store.Tx
	inTx(t, s, func(tx store.Tx) error { kept = tx; return nil })
	if err := kept.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "late"}); err == nil {
		t.Error("a transaction kept past InTx still writes")
	}
	if _, err := kept.Election(bg); err == nil || errors.Is(err, store.ErrNotInitialised) {
		t.Errorf("a transaction kept past InTx still reads: %v", err)
	}
}

func testReadsNotBlocked(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	inTx(t, s, func(tx store.Tx) error { return tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "committed"}) })
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.InTx(bg, func(tx store.Tx) error {
			if err := tx.AppendAudit(bg, store.AuditEntry{Actor: "a", Action: "pending"}); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	select {
	case <-holding:
	case err := <-done:
		t.Fatalf("writer ended early: %v", err)
	}
	ctx, cancel := context.WithTimeout(bg, 5*time.Second)
	log, err := s.AuditLog(ctx)
	cancel()
	close(release)
	must(t, err)
	if len(log) != 1 || log[0].Action != "committed" {
		t.Errorf("a read during a write saw %+v, want only the committed entry", log)
	}
	must(t, <-done)
	if log, _ := s.AuditLog(bg); len(log) != 2 {
		t.Errorf("after the commit the log has %d entries, want 2", len(log))
	}
}
