package tui

import (
	"context"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// Scenes are stations at a fixed point of the election day, built the
// same way on every run, for the golden screens and the layout checks.

// votingScene: five members in at 07:30, a replacement for 101-6 at
// 07:45, the poll open at 08:00, an incident, the 10:00 and 12:00
// turnout reported, the first records delivered; 14:05, the 14:00 report
// due.
func votingScene(t *testing.T) (*station.Station, *clock) {
	t.Helper()
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	checkIn(t, s, 5)
	c.Set(day(7, 45))
	must(s.Replace(ctx, "101-6", ballot.Member{ID: "p-hans", Name: "Hans Huber"}, true, time.Time{}))
	c.Set(day(8, 0))
	must(s.OpenPolls(ctx, time.Time{}))
	c.Set(day(9, 15))
	must(s.LogIncident(ctx, "Wahlkabine 2 ohne Stift; Stift ersetzt.", time.Time{}))
	c.Set(day(10, 2))
	must(s.ReportTurnout(ctx, "10:00", 211, time.Time{}))
	c.Set(day(11, 30))
	must(s.CheckOut(ctx, "101-4", time.Time{}))
	c.Set(day(12, 1))
	must(s.ReportTurnout(ctx, "12:00", 540, time.Time{}))
	for seq := uint64(1); seq <= 8; seq++ {
		if err := s.DB().MarkAcknowledged(ctx, seq, outbox.Delivery{ReceivedAt: day(12, 2), At: day(12, 2)}); err != nil {
			t.Fatal(err)
		}
	}
	c.Set(day(14, 5))
	return s, c
}

// countingScene: the poll closed at 18:00; 18:40, the mayor contest
// entered twice. With differ, the second entry has a typing error in D2;
// otherwise both agree, the quick report is sent and acknowledged and the
// final record is pending, and the council contest's entries agree on a
// turnout above 95 % that needs a reason.
func countingScene(t *testing.T, differ bool) (*station.Station, *clock) {
	t.Helper()
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	ctx := context.Background()
	enter := func(contest, who string, f ballot.Count) {
		t.Helper()
		if _, err := s.EnterCount(ctx, contest, who, f); err != nil {
			t.Fatal(err)
		}
	}
	mayor := func(d2 int64) ballot.Count {
		return ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990,
			Votes: map[string]int64{"ob-1": 400, "ob-2": d2, "ob-3": 200, "ob-4": 90}}
	}
	c.Set(day(18, 35))
	enter("ob", "101-1", mayor(300))
	c.Set(day(18, 40))
	if differ {
		enter("ob", "101-3", mayor(390))
		return s, c
	}
	enter("ob", "101-3", mayor(300))
	if _, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{}); err != nil {
		t.Fatal(err)
	}
	for seq := uint64(1); seq <= 7; seq++ {
		if err := s.DB().MarkAcknowledged(ctx, seq, outbox.Delivery{ReceivedAt: day(18, 41), At: day(18, 41)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DB().MarkSent(ctx, 8, day(18, 41)); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().MarkAcknowledged(ctx, 8, outbox.Delivery{ReceivedAt: day(18, 42), At: day(18, 42)}); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// highTurnoutScene: the mayor contest entered twice alike, with 1,400
// voters of 1,409 without a card: above 95 %, a warning.
func highTurnoutScene(t *testing.T) (*station.Station, *clock) {
	t.Helper()
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	high := ballot.Count{B: 1400, B1: 50, Invalid: 10, Valid: 1390,
		Votes: map[string]int64{"ob-1": 700, "ob-2": 400, "ob-3": 200, "ob-4": 90}}
	for _, who := range []string{"101-1", "101-2"} {
		if _, err := s.EnterCount(context.Background(), "ob", who, high); err != nil {
			t.Fatal(err)
		}
	}
	return s, c
}
