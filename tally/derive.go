package tally

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Views of the running totals.
const (
	ViewQuick = "quick" // quick reports only
	ViewFinal = "final" // final records only
	// ViewBest takes a district's final record where there is one and its
	// quick report otherwise: the provisional result of election night.
	ViewBest = "best"
)

// aggregateShards spreads a ward's totals over rows, so that concurrent
// submissions from one ward seldom wait for the same row.
const aggregateShards = 16

// derive updates the state that follows from an accepted record, in the
// record's transaction. keyEnrolled is when the key that signed it was
// enrolled.
func (s *Service) derive(ctx context.Context, tx store.Tx, rec ballot.Record, envelopeHash string, keyEnrolled time.Time, w *work) error {
	h := rec.Header
	switch b := rec.Body.(type) {
	case *ballot.CheckIn:
		return tx.InsertAttendance(ctx, store.Attendance{District: h.District, PersonID: b.Person.ID, Name: b.Person.Name,
			Role: b.Person.Role, At: b.At, In: true, Replaces: b.Replaces, EnvelopeHash: envelopeHash})
	case *ballot.CheckOut:
		return tx.InsertAttendance(ctx, store.Attendance{District: h.District, PersonID: b.PersonID, At: b.At,
			EnvelopeHash: envelopeHash})
	case *ballot.PollsOpened:
		return tx.InsertDistrictEvent(ctx, store.DistrictEvent{District: h.District, Kind: h.Kind, At: b.At, EnvelopeHash: envelopeHash})
	case *ballot.PollsClosed:
		return tx.InsertDistrictEvent(ctx, store.DistrictEvent{District: h.District, Kind: h.Kind, At: b.At, EnvelopeHash: envelopeHash})
	case *ballot.Turnout:
		return tx.InsertDistrictEvent(ctx, store.DistrictEvent{District: h.District, Kind: h.Kind, At: b.At,
			Slot: b.Slot, Voters: b.Voters, EnvelopeHash: envelopeHash})
	case *ballot.Incident:
		return tx.InsertDistrictEvent(ctx, store.DistrictEvent{District: h.District, Kind: h.Kind, At: b.At,
			Text: b.Text, EnvelopeHash: envelopeHash})
	case *ballot.Count:
		return s.applyCount(ctx, tx, h, b, envelopeHash, keyEnrolled, w)
	}
	return nil
}

// applyCount makes the count current if it is newer than the current one
// of its district, contest and stage (see supersedes), and moves the
// running totals by the difference; the outcome does not depend on the
// order in which records arrive.
func (s *Service) applyCount(ctx context.Context, tx store.Tx, h ballot.Header, c *ballot.Count, envelopeHash string, keyEnrolled time.Time, w *work) error {
	// Lock both stages, always quick before final, so that concurrent
	// transactions on one district cannot deadlock.
	current := map[ballot.Stage]*store.CurrentCount{}
	for _, stage := range []ballot.Stage{ballot.StageQuick, ballot.StageFinal} {
		cc, err := tx.CurrentCountForUpdate(ctx, store.CountKey{District: h.District, Contest: c.Contest, Stage: stage})
		switch {
		case err == nil:
			current[stage] = &cc
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	old := current[c.Stage]
	if !supersedes(keyEnrolled, c.Version, h.Seq, old) {
		return nil // an older version arriving late: kept, not current
	}
	next := &store.CurrentCount{
		CountKey:      store.CountKey{District: h.District, Contest: c.Contest, Stage: c.Stage},
		KeyEnrolledAt: keyEnrolled.UTC(), Version: c.Version, Seq: h.Seq, EnvelopeHash: envelopeHash, Numbers: ballot.TotalsOf(c),
	}
	if err := tx.PutCurrentCount(ctx, *next); err != nil {
		return err
	}

	deltas := map[string]ballot.Totals{string(c.Stage): diff(old, next)}
	bestBefore := best(current[ballot.StageQuick], current[ballot.StageFinal])
	current[c.Stage] = next
	deltas[ViewBest] = diff(bestBefore, best(current[ballot.StageQuick], current[ballot.StageFinal]))
	s.addDeltas(w, h.District, c.Contest, deltas)
	return nil
}

// supersedes reports whether a count takes the place of the current one
// (nil: none yet): a count signed by a key enrolled later (a replacement
// laptop, which numbers its versions afresh), then a higher version, then
// a higher sequence number. Store and replay both decide by it, so they
// cannot disagree.
func supersedes(keyEnrolled time.Time, version int, seq uint64, current *store.CurrentCount) bool {
	if current == nil {
		return true
	}
	if c := keyEnrolled.Compare(current.KeyEnrolledAt); c != 0 {
		return c > 0
	}
	return version > current.Version || version == current.Version && seq > current.Seq
}

func best(quick, final *store.CurrentCount) *store.CurrentCount {
	if final != nil {
		return final
	}
	return quick
}

// diff is what the totals gain when before (nil: nothing) is replaced by
// after (nil: nothing).
func diff(before, after *store.CurrentCount) ballot.Totals {
	numbers := func(c *store.CurrentCount) ballot.Totals {
		if c == nil {
			return nil
		}
		return c.Numbers
	}
	return ballot.Delta(numbers(before), numbers(after))
}

// addDeltas adds the changes per view to the work of the transaction, as
// rows of the district's ward in the shard the work assigns.
func (s *Service) addDeltas(w *work, districtID, contest string, byView map[string]ballot.Totals) {
	d := s.district[districtID]
	shard := w.shard(districtID)
	for view, delta := range byView {
		for field, v := range delta {
			w.add(store.AggregateKey{Contest: contest, View: view, DistrictKind: d.Kind, Ward: d.Ward, Shard: shard, Field: field}, v)
		}
	}
}

func shardOf(district string) int {
	h := fnv.New32a()
	h.Write([]byte(district))
	return int(h.Sum32() % aggregateShards)
}
