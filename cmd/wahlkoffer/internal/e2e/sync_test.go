package e2e

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// Limits that keep every test short and bounded.
const (
	// clientTimeout is the station's patience for one request: the
	// answerTooLate fault outlasts it, every honest answer on loopback
	// comes well within it.
	clientTimeout = 500 * time.Millisecond
	maxTries      = 3  // requests per record per pass
	maxPasses     = 50 // passes before a test gives up
	testTimeout   = 30 * time.Second
)

// TestSyncDeliversEveryRecordExactlyOnceThroughFaults runs district 101's
// whole day on a station and syncs it to a real tally through every fault
// of the network and the office's server on a fixed schedule. Whatever
// happens on the way, every record must end acknowledged with a receipt
// for its own bytes, stored once at the tally, and the office's result
// must be the station's count.
func TestSyncDeliversEveryRecordExactlyOnceThroughFaults(t *testing.T) {
	ctx := testContext(t)
	office := newOfficeTally(t)
	// The station makes 11 records (seq 1-5 check-ins, 6 opening,
	// 7 turnout, 8 incident, 9 closing, 10 quick report, 11 final record)
	// and sends them in order; each fault costs one more request.
	proxy := startProxy(t, office, map[int]fault{
		2:  hangUpBeforeForwarding, // seq 2, sent again in request 3
		4:  loseAnswer,             // seq 3: stored; request 5 gets the same receipt
		6:  unavailable,            // seq 4, three failures in a row: the first pass
		7:  unavailable,            //   gives up after maxTries and the second pass
		8:  hangUpBeforeForwarding, //   delivers it in request 9
		10: answerTooLate,          // seq 5: stored, the station times out; request 11
		13: restartTally,           // seq 7: stored, tally restarted, answer lost; request 14 to the new process
		16: loseAnswer,             // seq 9, to the restarted tally; request 17
	})
	s, c := newStation(t, office, "101", proxy.URL)
	runDay(t, s, c)

	sender := newSender(t, s)
	passes, err := syncAll(ctx, sender)
	if err != nil {
		t.Fatalf("after %d passes: %v\nrequests: %v", passes, err, proxy.Requests())
	}

	records := wantAllAcknowledged(t, s)
	if len(records) != 11 {
		t.Fatalf("the station made %d records, want 11", len(records))
	}
	wantStoredOnce(t, office, records)
	wantMayorResult(t, office, "101")

	// The schedule ran as planned: one pass stopped at seq 4, every fault
	// cost exactly one more request, and nothing acknowledged was sent
	// again.
	if passes != 2 {
		t.Errorf("%d passes, want 2 (the first gives up on seq 4)", passes)
	}
	reqs := proxy.Requests()
	if len(reqs) != 19 {
		t.Errorf("the proxy saw %d requests, want 19 (11 records, 8 faults): %v", len(reqs), reqs)
	}
	wantAttempts := map[uint64]int{2: 2, 3: 2, 4: 4, 5: 2, 7: 2, 9: 2}
	for _, r := range records {
		if want := max(1, wantAttempts[r.Seq]); r.Attempts != want {
			t.Errorf("record %d (%s) took %d attempts, want %d", r.Seq, r.Kind, r.Attempts, want)
		}
	}
	if office.Restarts() != 1 {
		t.Errorf("the tally restarted %d times, want 1", office.Restarts())
	}

	// A lost answer means the record reached the tally twice, and the
	// receipt the station holds is byte for byte the one it never got:
	// the tally recognised the repeat, even across its restart.
	lost, lostAnswers := proxy.Lost(), proxy.LostAnswers()
	for _, r := range records {
		answer, ok := lost[r.EnvelopeHash]
		if !ok {
			continue
		}
		if n := proxy.Reached(r.EnvelopeHash); n != 2 || lostAnswers[r.EnvelopeHash] != 1 {
			t.Errorf("record %d (%s) lost %d answers and reached the tally %d times, want 1 and 2",
				r.Seq, r.Kind, lostAnswers[r.EnvelopeHash], n)
		}
		if !bytes.Equal(r.Receipt, answer) {
			t.Errorf("record %d (%s): the receipt of the retry differs from the lost one", r.Seq, r.Kind)
		}
	}
	if len(lost) != 4 {
		t.Errorf("%d records lost an answer, want 4 (seq 3, 5, 7, 9)", len(lost))
	}

	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Outbox[outbox.StateAcknowledged] != 11 || len(st.Rejected) != 0 || st.LastReceipt.IsZero() {
		t.Errorf("station status: outbox %v, rejected %v, last receipt %v", st.Outbox, st.Rejected, st.LastReceipt)
	}
}

// TestSyncShowsARejectionAndDoesNotRetryIt replaces the station's key at
// the office (a new laptop enrolled for district 101) in the middle of
// the day: the old laptop's next record is refused for good, the board
// sees the tally's code and message, and the station does not send it
// again. A record the tally stored before the replacement, whose answer
// was lost, is still acknowledged: only what was never stored is refused.
func TestSyncShowsARejectionAndDoesNotRetryIt(t *testing.T) {
	ctx := testContext(t)
	office := newOfficeTally(t)
	// Seq 1-5 are the check-ins; the opening, seq 6, reaches the tally in
	// requests 6 to 8, and every answer is lost.
	proxy := startProxy(t, office, map[int]fault{6: loseAnswer, 7: loseAnswer, 8: loseAnswer})
	s, c := newStation(t, office, "101", proxy.URL)
	checkInBoard(t, s, "101", day(7, 30))
	c.Set(day(8, 0))
	if _, err := s.OpenPolls(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	sender := newSender(t, s)
	rep, err := sender.Pass(ctx)
	if !errors.Is(err, outbox.ErrUnreachable) || rep.Acknowledged != 5 || rep.Remaining != 1 {
		t.Fatalf("first pass: %+v, %v", rep, err)
	}

	// The office enrolls a replacement laptop: the old key is revoked.
	replacement := sealtest.Signer(t, "e2e replacement laptop 101")
	if _, err := office.Service().EnrollKey(ctx, "101", "station-101-replacement", replacement.Public()); err != nil {
		t.Fatal(err)
	}
	c.Set(day(9, 15))
	if _, err := s.LogIncident(ctx, "Der Wahlkoffer-Laptop wurde ausgetauscht.", time.Time{}); err != nil {
		t.Fatal(err)
	}
	const seq = 7

	rep, err = sender.Pass(ctx)
	if err != nil || rep.Acknowledged != 1 || rep.Remaining != 0 || len(rep.Rejected) != 1 || !rep.Online {
		t.Fatalf("pass after the re-enrollment: %+v, %v", rep, err)
	}
	got := rep.Rejected[0]
	if got.Seq != seq || got.Kind != string(ballot.RecordIncident) || got.Code != tally.CodeKeyRevoked || got.Status != http.StatusForbidden {
		t.Fatalf("rejected %+v, want seq %d, incident, %s, 403", got, seq, tally.CodeKeyRevoked)
	}

	// The message is the tally's own: the one it kept with the refused
	// envelope as evidence.
	st, err := s.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Records) != seq {
		t.Fatalf("the station holds %d records, want %d", len(st.Records), seq)
	}
	before, rec := st.Records[:seq-1], st.Records[seq-1]
	for _, r := range before { // the opening too, though its key is revoked now
		wantReceipt(t, s, r)
	}
	if n := proxy.Reached(before[5].EnvelopeHash); n != 4 {
		t.Errorf("the opening reached the tally %d times, want 4 (3 answers lost, then the receipt)", n)
	}
	if rec.Seq != seq || rec.State != outbox.StateRejected || rec.Attempts != 1 {
		t.Fatalf("record %d: %s after %d attempts, want rejected after 1", rec.Seq, rec.State, rec.Attempts)
	}
	refusals, err := office.Store().Rejections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(refusals) != 1 || refusals[0].Hash != rec.EnvelopeHash || refusals[0].Code != tally.CodeKeyRevoked ||
		refusals[0].Seq != seq || refusals[0].Message != got.Message || got.Message == "" {
		for _, r := range refusals {
			t.Logf("the tally kept refusal of seq %d: %s %q", r.Seq, r.Code, r.Message)
		}
		t.Fatalf("the tally kept %d refusals; the station shows %q", len(refusals), got.Message)
	}

	// Another pass has nothing to send: the refusal is not retried.
	sent := len(proxy.Requests())
	rep, err = sender.Pass(ctx)
	if err != nil || rep.Acknowledged != 0 || len(rep.Rejected) != 0 || rep.Remaining != 0 {
		t.Fatalf("second pass: %+v, %v", rep, err)
	}
	if n := len(proxy.Requests()); n != sent {
		t.Fatalf("the second pass sent %d requests", n-sent)
	}

	// The board sees it on the status screen; what was acknowledged stays so.
	status, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := station.RejectedRecord{Seq: seq, Kind: string(ballot.RecordIncident), Code: tally.CodeKeyRevoked, Message: got.Message}
	if len(status.Rejected) != 1 || status.Rejected[0] != want {
		t.Fatalf("status shows rejected %+v, want %+v", status.Rejected, want)
	}
	if status.Outbox[outbox.StateAcknowledged] != len(before) || status.Outbox[outbox.StateRejected] != 1 {
		t.Fatalf("status outbox %v", status.Outbox)
	}
	if n, err := office.Store().EnvelopeCount(ctx); err != nil || n != int64(len(before)) {
		t.Fatalf("the tally holds %d envelopes (%v), want %d", n, err, len(before))
	}
}

// TestTwoStationsSyncConcurrentlyThroughFaults runs districts 101 and 102
// at once through one proxy, with faults and a tally restart landing on
// whichever station's request comes at that number: both end fully
// acknowledged, each record stored once, and the office adds both counts.
func TestTwoStationsSyncConcurrentlyThroughFaults(t *testing.T) {
	ctx := testContext(t)
	office := newOfficeTally(t)
	proxy := startProxy(t, office, map[int]fault{
		2: loseAnswer, 4: hangUpBeforeForwarding, 7: unavailable, 10: restartTally, 15: loseAnswer, 18: answerTooLate,
	})
	var stations []*station.Station
	for _, d := range []string{"101", "102"} {
		s, c := newStation(t, office, d, proxy.URL)
		runDay(t, s, c)
		stations = append(stations, s)
	}

	errs := make([]error, len(stations))
	var wg sync.WaitGroup
	for i, s := range stations {
		sender := newSender(t, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = syncAll(ctx, sender)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%v\nrequests: %v", err, proxy.Requests())
	}

	var all []sqlite.Record
	for _, s := range stations {
		all = append(all, wantAllAcknowledged(t, s)...)
	}
	wantStoredOnce(t, office, all)
	wantMayorResult(t, office, "101", "102")
	// Which record a fault hits depends on how the two stations' requests
	// interleave (one record may lose two answers), but every lost answer
	// was followed by another request that the tally answered.
	total := 0
	for h, n := range proxy.LostAnswers() {
		total += n
		if reached := proxy.Reached(h); reached < n+1 {
			t.Errorf("envelope %.12s lost %d answers and reached the tally only %d times", h, n, reached)
		}
	}
	if total != 4 {
		t.Errorf("%d answers lost, want 4: %v", total, proxy.Requests())
	}
	if office.Restarts() != 1 {
		t.Errorf("the tally restarted %d times, want 1", office.Restarts())
	}
}

// --- the station ---
