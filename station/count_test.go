package station_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

func TestCountingWaitsForTheCloseAndTheCountingQuorum(t *testing.T) {
	s, c, _ := newStation(t, "101")
	ctx := context.Background()
	checkInBoard(t, s, 4, day(7, 30)) // voting quorum, not the counting one of 5
	c.Set(day(8, 0))
	must[ballot.PollsOpened](t)(s.OpenPolls(ctx, time.Time{}))
	_, err := s.EnterCount(ctx, "ob", "101-1", mayorCount())
	wantCode(t, err, station.CodePollsNotClosed)
	c.Set(day(18, 0))
	must[ballot.PollsClosed](t)(s.ClosePolls(ctx, time.Time{}))
	_, err = s.EnterCount(ctx, "ob", "101-1", mayorCount())
	wantCode(t, err, station.CodeQuorum)
	must[ballot.CheckIn](t)(s.CheckIn(ctx, "101-5", time.Time{}))
	_, err = s.EnterCount(ctx, "ob", "101-6", mayorCount()) // on the roster, not checked in
	wantCode(t, err, station.CodeNotEntrant)
	_, err = s.EnterCount(ctx, "bt", "101-1", mayorCount())
	wantCode(t, err, station.CodeContestUnknown)
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	if res.Slot != 1 || len(res.Findings) != 0 || res.Agreed {
		t.Fatalf("first entry: %+v", res)
	}
}

func TestTheSecondEntryNamesEveryDifferingFieldUntilFixed(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	typo := mayorCount()
	typo.Votes["ob-2"] = 390 // 300 typed with a wrong digit
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-3", typo))
	if res.Slot != 2 || res.Agreed || len(res.Diffs) != 1 || res.Diffs[0].Field != "D:ob-2" ||
		*res.Diffs[0].First != 300 || *res.Diffs[0].Second != 390 {
		t.Fatalf("second entry: %+v", res)
	}
	// The sum no longer fits: the entry's own check says so.
	if !ballot.HasErrors(res.Findings) {
		t.Fatalf("findings of the mistyped entry: %v", res.Findings)
	}
	_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
	wantCode(t, err, station.CodeEntriesDiffer)
	var e *station.Error
	if !asError(err, &e) || !strings.Contains(e.Message(ballot.German), "Jürgen Öztürk (D:ob-2): erste Eingabe 300, zweite Eingabe 390") {
		t.Fatalf("the differing field is not named by the candidate: %v", err)
	}
	// Only the two who entered may change their entries.
	_, err = s.EnterCount(ctx, "ob", "101-2", mayorCount())
	wantCode(t, err, station.CodeEntriesFull)
	res = must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-3", mayorCount()))
	if res.Slot != 2 || !res.Agreed || len(res.Diffs) != 0 {
		t.Fatalf("fixed second entry: %+v", res)
	}
	sent := must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{}))
	if sent.Version != 1 || sent.Stage != ballot.StageQuick || sent.EnteredBy[0] != "101-1" || sent.EnteredBy[1] != "101-3" ||
		sent.A1 != 1409 || sent.A2 != 535 || sent.Votes["ob-2"] != 300 {
		t.Fatalf("quick report: %+v", sent)
	}
}

func TestOnePersonCannotMakeBothEntries(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	if res.Slot != 1 {
		t.Fatalf("the same person again replaced slot %d, want 1", res.Slot)
	}
	_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
	wantCode(t, err, station.CodeEntriesMissing)
}

func TestQuickReportFinalRecordAndCorrection(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-2", mayorCount()))
	must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{}))
	_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
	wantCode(t, err, station.CodeAlreadySent)
	final := must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{}))
	if final.Version != 1 || final.Stage != ballot.StageFinal {
		t.Fatalf("final: %+v", final)
	}
	_, err = s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
	wantCode(t, err, station.CodeStageInvalid)

	// A recount moves 5 votes from ob-4 to ob-3: a correction, by two
	// members again, with a reason.
	recount := mayorCount()
	recount.Votes["ob-3"], recount.Votes["ob-4"] = 205, 85
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", recount))
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-2", recount))
	if !res.Agreed {
		t.Fatalf("recount entries: %+v", res)
	}
	_, err = s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{})
	wantCode(t, err, station.CodeCorrectionNeeds)
	corr := must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{CorrectionReason: "Nachzählung: 5 Stimmen falsch zugeordnet"}))
	if corr.Version != 2 || corr.Votes["ob-3"] != 205 || corr.CorrectionReason == "" {
		t.Fatalf("correction: %+v", corr)
	}
	st := must[*station.State](t)(s.State(ctx))
	if last := st.LastSent("ob", ballot.StageFinal); last.Count.Version != 2 {
		t.Fatalf("last final: %+v", last.Count)
	}
	if len(st.Sent["ob"]) != 3 {
		t.Fatalf("every version stays in the history: %d counts", len(st.Sent["ob"]))
	}
}

func TestAWarningNeedsAWrittenReasonBeforeSending(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	// 1,400 voters of 1,409 without a card: turnout above 95 %.
	high := ballot.Count{B: 1400, B1: 50, Invalid: 10, Valid: 1390,
		Votes: map[string]int64{"ob-1": 700, "ob-2": 400, "ob-3": 200, "ob-4": 90}}
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", high))
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-2", high))
	if ballot.HasErrors(res.Findings) || len(res.Findings) == 0 {
		t.Fatalf("want warnings only: %v", res.Findings)
	}
	code := res.Findings[0].Code
	_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
	wantCode(t, err, station.CodeCountBlocked)
	var e *station.Error
	if !asError(err, &e) || len(e.Findings) != 1 || e.Findings[0].Code != ballot.FindingReasonMissing || e.Findings[0].Detail != code {
		t.Fatalf("blocking findings: %+v", err)
	}
	sent := must[*ballot.Count](t)(s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{
		Reasons: map[string]string{code: "Seniorenheim im Wahlbezirk, fast alle wählen vor Ort"}}))
	if sent.Reasons[code] == "" {
		t.Fatalf("the reason is not in the record: %+v", sent)
	}
}

func TestDiscardStartsTheEntriesOver(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-2", mayorCount()))
	if err := s.DiscardEntries(ctx, "ob"); err != nil {
		t.Fatal(err)
	}
	res := must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-4", mayorCount()))
	if res.Slot != 1 {
		t.Fatalf("after discarding, the first entry took slot %d", res.Slot)
	}
}

func TestAReasonForAWarningNotRaisedIsRefused(t *testing.T) {
	s, c, _ := newStation(t, "101")
	dayUntilCount(t, s, c)
	ctx := context.Background()
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-1", mayorCount()))
	must[station.EntryResult](t)(s.EnterCount(ctx, "ob", "101-2", mayorCount()))
	_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{
		Reasons: map[string]string{"turnout-hihg": "Pflegeheim im Wahlbezirk"}})
	wantCode(t, err, station.CodeReasonUnknown)
	if st := must[*station.State](t)(s.State(ctx)); len(st.Sent["ob"]) != 0 {
		t.Fatal("a count was signed with a reason nobody asked for")
	}
}
