package station

import (
	"context"
	"io"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// ContestStatus is where the count of one contest stands.
type ContestStatus struct {
	Contest *ballot.Contest
	Entries []Entry
	Diffs   []ballot.FieldDiff // when both entries are made
	Quick   *SentCount         // the newest quick report, if any
	Final   *SentCount         // the newest final record, if any
}

// Status is the station at a glance: what the home screen and `station
// status` show.
type Status struct {
	Now         time.Time
	Phase       Phase
	Quorum      ballot.QuorumStatus
	Present     []ballot.Attendance
	NextTurnout *TurnoutDue
	Outbox      map[outbox.State]int
	LastReceipt time.Time // when the last receipt came, zero when none
	Rejected    []RejectedRecord
	Contests    []ContestStatus
	State       *State
}

// RejectedRecord is a record the tally refused for good.
type RejectedRecord struct {
	Seq     uint64
	Kind    string
	Code    string
	Message string
}

// Status reads the station's state and sums it up at the station's now.
func (s *Station) Status(ctx context.Context) (Status, error) {
	st, err := s.State(ctx)
	if err != nil {
		return Status{}, err
	}
	now := s.now()
	out := Status{Now: now, Phase: s.Phase(st), Quorum: s.Quorum(st, now), Present: st.PresentAt(now),
		Outbox: map[outbox.State]int{}, State: st}
	if due, ok := s.NextTurnout(st, now); ok {
		out.NextTurnout = &due
	}
	for _, r := range st.Records {
		out.Outbox[r.State]++
		if r.AcknowledgedAt.After(out.LastReceipt) {
			out.LastReceipt = r.AcknowledgedAt
		}
		if r.State == outbox.StateRejected {
			out.Rejected = append(out.Rejected, RejectedRecord{Seq: r.Seq, Kind: r.Kind, Code: r.RejectCode, Message: r.RejectMessage})
		}
	}
	for _, c := range s.def.ContestsOf(s.district) {
		cs := ContestStatus{Contest: c, Entries: st.Entries[c.ID], Quick: st.LastSent(c.ID, ballot.StageQuick), Final: st.LastSent(c.ID, ballot.StageFinal)}
		if len(cs.Entries) == 2 {
			cs.Diffs = ballot.CompareEntries(cs.Entries[0].Count, cs.Entries[1].Count)
		}
		out.Contests = append(out.Contests, cs)
	}
	return out, nil
}

// ExportBundle writes a USB bundle for the office's `tally import`: every
// record not yet acknowledged, or every record when all is set. It returns
// the number of records written.
func (s *Station) ExportBundle(ctx context.Context, w io.Writer, all bool) (int, error) {
	st, err := s.State(ctx)
	if err != nil {
		return 0, err
	}
	var envs [][]byte
	for _, r := range st.Records {
		if all || r.State != outbox.StateAcknowledged {
			envs = append(envs, r.Envelope)
		}
	}
	h := bundle.Header{ElectionID: s.meta.ElectionID, District: s.meta.District, Station: s.meta.Station, ExportedAt: s.now()}
	return len(envs), bundle.Write(w, h, envs)
}
