package station_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

func TestPollsOpenWithAQuorumAndCloseAfterOpening(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	_, err := s.ClosePolls(ctx, time.Time{})
	wantCode(t, err, station.CodePollsNotOpen)
	_, err = s.OpenPolls(ctx, time.Time{})
	wantCode(t, err, station.CodeQuorum)
	checkInBoard(t, s, 3, day(7, 30))
	c.Set(day(8, 1))
	opened := must[ballot.PollsOpened](t)(s.OpenPolls(ctx, day(8, 0)))
	if !opened.At.Equal(day(8, 0)) {
		t.Fatalf("opened at %v", opened.At)
	}
	_, err = s.OpenPolls(ctx, time.Time{})
	wantCode(t, err, station.CodePollsOpen)
	_, err = s.ClosePolls(ctx, day(7, 59))
	wantCode(t, err, station.CodeTimeOrder)
	c.Set(day(18, 0))
	must[ballot.PollsClosed](t)(s.ClosePolls(ctx, time.Time{}))
	_, err = s.ClosePolls(ctx, time.Time{})
	wantCode(t, err, station.CodePollsClosed)
	st := must[*station.State](t)(s.State(ctx))
	if s.Phase(st) != station.PhaseCounting || s.Quorum(st, c.Now()).Phase != ballot.PhaseCounting {
		t.Fatalf("after the close: phase %s, quorum %+v", s.Phase(st), s.Quorum(st, c.Now()))
	}
}

func TestOpeningMustFallOnTheElectionDay(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkInBoard(t, s, 3, day(7, 30))
	c.Set(day(8, 0).AddDate(0, 0, 1))
	_, err := s.OpenPolls(context.Background(), time.Time{})
	wantCode(t, err, station.CodeTimeOutsideDay)
}

func TestTurnoutReportsFollowTheScheduleAndNeverGoDown(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	checkInBoard(t, s, 3, day(7, 30))
	_, err := s.ReportTurnout(ctx, "", 0, time.Time{})
	wantCode(t, err, station.CodePollsNotOpen)
	c.Set(day(8, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(ctx, time.Time{}))
	st := must[*station.State](t)(s.State(ctx))
	due, ok := s.NextTurnout(st, c.Now())
	if !ok || due.Slot != "10:00" || due.Overdue || !due.At.Equal(day(10, 0)) {
		t.Fatalf("next report at 08:00: %+v %v", due, ok)
	}
	_, err = s.ReportTurnout(ctx, "10:00", 150, time.Time{})
	wantCode(t, err, station.CodeTimeOrder)
	c.Set(day(10, 5))
	st = must[*station.State](t)(s.State(ctx))
	if due, _ = s.NextTurnout(st, c.Now()); !due.Overdue {
		t.Fatalf("at 10:05 the 10:00 report is overdue: %+v", due)
	}
	_, err = s.ReportTurnout(ctx, "10:30", 150, time.Time{})
	wantCode(t, err, station.CodeSlotUnknown)
	must[ballot.Turnout](t)(s.ReportTurnout(ctx, "10:00", 150, time.Time{}))
	_, err = s.ReportTurnout(ctx, "10:00", 151, time.Time{})
	wantCode(t, err, station.CodeSlotReported)
	c.Set(day(11, 0))
	_, err = s.ReportTurnout(ctx, "", 149, time.Time{})
	wantCode(t, err, station.CodeTurnoutDecrease)
	must[ballot.Turnout](t)(s.ReportTurnout(ctx, "", 210, time.Time{}))
	st = must[*station.State](t)(s.State(ctx))
	if due, _ = s.NextTurnout(st, c.Now()); due.Slot != "12:00" || due.Overdue {
		t.Fatalf("at 11:00: %+v", due)
	}
	if len(st.Turnouts) != 2 || st.Turnouts[1].Slot != "" || st.Turnouts[1].Voters != 210 {
		t.Fatalf("turnouts: %+v", st.Turnouts)
	}
}

func TestIncidentsAreVorfallBeforeAndVorkommnisAfterTheClose(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c) // closed at 18:00, now 18:30
	ctx := context.Background()
	_, err := s.LogIncident(ctx, "ok", time.Time{})
	wantCode(t, err, station.CodeTextInvalid)
	before := must[ballot.Incident](t)(s.LogIncident(ctx, "Wähler ohne Ausweis zurückgewiesen", day(11, 20)))
	after := must[ballot.Incident](t)(s.LogIncident(ctx, "  Stromausfall während der Auszählung  ", time.Time{}))
	st := must[*station.State](t)(s.State(ctx))
	if got := ballot.IncidentTerm(before.At, st.Closed); got != "Vorfall" {
		t.Errorf("11:20: %s", got)
	}
	if got := ballot.IncidentTerm(after.At, st.Closed); got != "Vorkommnis" || after.Text != "Stromausfall während der Auszählung" {
		t.Errorf("18:30: %s %q", got, after.Text)
	}
}

func TestEveryActIsASignedRecordInSequence(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	st := must[*station.State](t)(s.State(ctx))
	keys, err := seal.NewKeys(sealedStationKey(t, "101"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ballot.RecordKind{"checkin", "checkin", "checkin", "checkin", "checkin", "polls-opened", "polls-closed"}
	if len(st.Records) != len(want) {
		t.Fatalf("%d records, want %d", len(st.Records), len(want))
	}
	for i, r := range st.Records {
		op, err := seal.OpenRecord(r.Envelope, keys)
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		h := op.Record.Header
		if h.Seq != uint64(i+1) || h.Kind != want[i] || h.District != "101" || h.Station != "station-101" ||
			h.ElectionID != "musterstadt-2026" || h.PackageHash != s.Identity().PackageHash || r.State != outbox.StatePending {
			t.Fatalf("record %d: %+v state %s", i+1, h, r.State)
		}
	}
}

func TestTheStateSurvivesAReopen(t *testing.T) {
	s, c, dir := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	before := must[station.Status](t)(s.Status(ctx))
	s.Close()
	again, err := station.Open(ctx, dir, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	after := must[station.Status](t)(again.Status(ctx))
	if after.Phase != before.Phase || len(after.Present) != 5 || after.Outbox[outbox.StatePending] != 7 ||
		len(after.Contests[0].Entries) != 1 || after.Contests[0].Entries[0].EnteredBy != "101-1" {
		t.Fatalf("after reopening: %+v", after)
	}
}

func TestTheBundleHoldsWhatIsNotAcknowledged(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	receipt := []byte(`{"payloadType":"x"}`)
	if err := s.DB().MarkAcknowledged(ctx, 1, outbox.Delivery{Receipt: receipt, ReceivedAt: c.Now(), At: c.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		all  bool
		want int
	}{{false, 6}, {true, 7}} {
		var buf bytes.Buffer
		n, err := s.ExportBundle(ctx, &buf, tc.all)
		if err != nil || n != tc.want {
			t.Fatalf("all=%v: %d records, %v", tc.all, n, err)
		}
		var lines int
		h, err := bundle.Read(&buf, func(int, []byte) error { lines++; return nil })
		if err != nil || h.Count != tc.want || lines != tc.want || h.District != "101" || h.Station != "station-101" {
			t.Fatalf("all=%v: read back %+v, %d lines, %v", tc.all, h, lines, err)
		}
	}
	st := must[station.Status](t)(s.Status(ctx))
	if st.Outbox[outbox.StateAcknowledged] != 1 || !st.LastReceipt.Equal(c.Now()) {
		t.Fatalf("status: %+v", st.Outbox)
	}
	if !strings.HasPrefix(st.Now.Format(time.RFC3339), "2026-03-08") {
		t.Fatalf("status time %v", st.Now)
	}
}

func TestThePollOpensAtTheSetTimeNotBefore(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkInBoard(t, s, 3, day(7, 30))
	c.Set(day(7, 55))
	_, err := s.OpenPolls(context.Background(), time.Time{})
	wantCode(t, err, station.CodeTooEarly)
	c.Set(day(8, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(context.Background(), time.Time{}))
}

func TestPostalBoardsReportNoTurnout(t *testing.T) {
	s, c, _ := newStation(t, "901")
	ctx := context.Background()
	for _, role := range []ballot.Role{ballot.RoleChair, ballot.RoleSecretary, ballot.RoleAssessor} {
		m := must[ballot.Member](t)(s.AddMember(ctx, ballot.Member{Name: "Mitglied " + string(role), Role: role}))
		must[ballot.CheckIn](t)(s.CheckIn(ctx, m.ID, time.Time{}))
	}
	c.Set(day(14, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(ctx, time.Time{})) // the admission of ballot letters begins
	_, err := s.ReportTurnout(ctx, "", 100, time.Time{})
	wantCode(t, err, station.CodeTurnoutPostal)
	st := must[*station.State](t)(s.State(ctx))
	if due, ok := s.NextTurnout(st, c.Now()); ok {
		t.Fatalf("a postal board has a turnout report due: %+v", due)
	}
}

func TestRejectedRecordsCanBePutBackInTheOutbox(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkInBoard(t, s, 2, day(7, 30))
	ctx := context.Background()
	if err := s.DB().MarkRejected(ctx, 2, outbox.Rejection{Code: "contest-certified", Message: "certified", Status: 409, At: c.Now()}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DB().Requeue(ctx); err != nil || n != 1 {
		t.Fatalf("requeue: %d %v", n, err)
	}
	items, err := s.DB().Undelivered(ctx)
	if err != nil || len(items) != 2 || items[1].Seq != 2 || items[1].State != outbox.StatePending {
		t.Fatalf("undelivered after requeue: %+v %v", items, err)
	}
}
