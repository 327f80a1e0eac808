package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// wantState fails unless record seq is in state want.
func wantState(t *testing.T, st *memStore, seq uint64, want outbox.State) memItem {
	t.Helper()
	it := st.get(t, seq)
	if it.State != want {
		t.Fatalf("record %d is %s, want %s", seq, it.State, want)
	}
	return it
}

// wantAcknowledged fails unless record seq holds a verified receipt for its
// own bytes, stored once.
func wantAcknowledged(t *testing.T, st *memStore, seq uint64) {
	t.Helper()
	it := wantState(t, st, seq, outbox.StateAcknowledged)
	if it.acks != 1 {
		t.Fatalf("record %d acknowledged %d times", seq, it.acks)
	}
	r, err := seal.OpenReceipt(it.delivery.Receipt, officeSigner(t).Public())
	if err != nil {
		t.Fatalf("stored receipt of %d: %v", seq, err)
	}
	if !r.Covers(it.Envelope) || r.Seq != seq || !it.delivery.ReceivedAt.Equal(r.ReceivedAt) || !it.delivery.At.Equal(clock) {
		t.Fatalf("record %d: receipt %+v, delivery %+v", seq, r, it.delivery)
	}
}

func TestPassDeliversInOrderAndStoresVerifiedReceipts(t *testing.T) {
	st := storeWith(t, 3)
	tl, url := newTally(t, func(n int, body []byte, _ http.ResponseWriter) bool {
		// The attempt is on disk before the request arrives.
		if it := st.get(t, uint64(n)); it.State != outbox.StateSent || it.Attempts != 1 {
			t.Errorf("request %d arrived with the record %s after %d attempts", n, it.State, it.Attempts)
		}
		return false
	})
	rep, err := newSender(t, st, url).Pass(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Acknowledged != 3 || rep.Remaining != 0 || len(rep.Rejected) != 0 || !rep.Online || rep.Err != nil {
		t.Fatalf("report %+v", rep)
	}
	for seq := uint64(1); seq <= 3; seq++ {
		wantAcknowledged(t, st, seq)
		if !bytes.Equal(tl.requests()[seq-1], envelope(t, seq)) {
			t.Fatalf("request %d is not the envelope verbatim", seq)
		}
	}
	if got := tl.stored(); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("tally stored %v", got)
	}
	// A second pass has nothing to do and sends nothing.
	if rep, err := newSender(t, st, url).Pass(t.Context()); err != nil || rep.Acknowledged != 0 || rep.Remaining != 0 {
		t.Fatalf("second pass: %+v, %v", rep, err)
	}
	if len(tl.requests()) != 3 {
		t.Fatalf("%d requests", len(tl.requests()))
	}
}

func TestPassResendsSameBytesAfterLostAnswerAndGetsSameReceipt(t *testing.T) {
	st := storeWith(t, 1)
	var tl *fakeTally
	lost := make(chan []byte, 1) // the receipt that never reached the station
	tl, url := newTally(t, func(n int, body []byte, w http.ResponseWriter) bool {
		if n > 1 {
			return false
		}
		// Stored, but the answer is lost on the way.
		receipt, err := tl.ingest(body)
		if err != nil {
			t.Error(err)
		}
		lost <- receipt
		hangUp(t, w, false)
		return true
	})
	rep, err := newSender(t, st, url).Pass(t.Context())
	if err != nil || rep.Acknowledged != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	wantAcknowledged(t, st, 1)
	reqs := tl.requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0], reqs[1]) {
		t.Fatalf("tally saw %d requests, identical: %v", len(reqs), len(reqs) == 2 && bytes.Equal(reqs[0], reqs[1]))
	}
	if !bytes.Equal(st.get(t, 1).delivery.Receipt, <-lost) {
		t.Fatal("the retry's receipt differs from the lost one")
	}
	if len(tl.stored()) != 1 || st.get(t, 1).Attempts != 2 {
		t.Fatalf("stored %v, attempts %d", tl.stored(), st.get(t, 1).Attempts)
	}
}

func TestPassRetriesTransientFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail func(t *testing.T, w http.ResponseWriter)
		n    int // failing requests before the good one
	}{
		{"connection reset before processing", func(t *testing.T, w http.ResponseWriter) { hangUp(t, w, true) }, 1},
		{"503 twice", func(t *testing.T, w http.ResponseWriter) {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"code": "store-unavailable", "message": "try again"})
		}, 2},
		{"500 plain text", func(t *testing.T, w http.ResponseWriter) { http.Error(w, "boom", http.StatusInternalServerError) }, 1},
		{"408 request timeout", func(t *testing.T, w http.ResponseWriter) {
			writeJSON(w, http.StatusRequestTimeout, map[string]string{"code": "timeout", "message": "slow"})
		}, 1},
		{"429 too many requests", func(t *testing.T, w http.ResponseWriter) {
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"code": "slow-down", "message": "later"})
		}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storeWith(t, 2)
			tl, url := newTally(t, func(n int, _ []byte, w http.ResponseWriter) bool {
				if n <= tc.n {
					tc.fail(t, w)
					return true
				}
				return false
			})
			rep, err := newSender(t, st, url).Pass(t.Context())
			if err != nil || rep.Acknowledged != 2 || rep.Remaining != 0 || len(rep.Rejected) != 0 {
				t.Fatalf("report %+v, %v", rep, err)
			}
			wantAcknowledged(t, st, 1)
			wantAcknowledged(t, st, 2)
			if got := len(tl.requests()); got != tc.n+2 {
				t.Fatalf("%d requests, want %d", got, tc.n+2)
			}
		})
	}
}

func TestPassMarksPermanentRefusalRejectedAndGoesOn(t *testing.T) {
	for _, tc := range []struct {
		name       string
		answer     func(w http.ResponseWriter)
		status     int
		code, text string
	}{
		{"422 with the tally's code", func(w http.ResponseWriter) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"code": "count-rejected", "message": "A1 + A2 ≠ B", "findings": []int{}})
		}, 422, "count-rejected", "A1 + A2 ≠ B"},
		{"409 with code only", func(w http.ResponseWriter) {
			writeJSON(w, http.StatusConflict, map[string]string{"code": "seq-reused"})
		}, 409, "seq-reused", "Conflict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storeWith(t, 3)
			tl, url := newTally(t, func(n int, _ []byte, w http.ResponseWriter) bool {
				if n == 2 {
					tc.answer(w)
					return true
				}
				return false
			})
			rep, err := newSender(t, st, url).Pass(t.Context())
			if err != nil || rep.Acknowledged != 2 || rep.Remaining != 0 || len(rep.Rejected) != 1 || !rep.Online {
				t.Fatalf("report %+v, %v", rep, err)
			}
			it := wantState(t, st, 2, outbox.StateRejected)
			want := outbox.Rejection{Code: tc.code, Message: tc.text, Status: tc.status, At: clock}
			if *it.rejection != want || rep.Rejected[0] != (outbox.RejectedItem{Seq: 2, Kind: "incident", Rejection: want}) {
				t.Fatalf("rejection %+v, reported %+v, want %+v", *it.rejection, rep.Rejected[0], want)
			}
			if it.Attempts != 1 || len(tl.requests()) != 3 {
				t.Fatalf("refusal retried: %d attempts, %d requests", it.Attempts, len(tl.requests()))
			}
			wantAcknowledged(t, st, 1)
			wantAcknowledged(t, st, 3)
			if !strings.Contains(rep.String(), tc.code) {
				t.Fatalf("summary %q does not name %s", rep, tc.code)
			}
		})
	}
}

func TestPassKeepsRecordsWhenA4xxIsNotTheTallySpeaking(t *testing.T) {
	// A wrong base URL or a proxy answers 404 or 400 without the tally's
	// error code: no record may be marked rejected for that.
	st := storeWith(t, 2)
	tl, url := newTally(t, func(n int, _ []byte, w http.ResponseWriter) bool {
		http.Error(w, "404 page not found\nmore lines", http.StatusNotFound)
		return true
	})
	rep, err := newSender(t, st, url).Pass(t.Context())
	if err == nil || !strings.Contains(err.Error(), "without a tally error code") || rep.Remaining != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	wantState(t, st, 1, outbox.StateSent)
	wantState(t, st, 2, outbox.StatePending)
	if len(tl.requests()) == 0 {
		t.Fatal("nothing was sent")
	}
}

func TestPassRefusesReceiptThatDoesNotProveDelivery(t *testing.T) {
	foreign := sealtest.Signer(t, "another office")
	receipt := func(signer seal.Signer, env []byte, seq uint64) []byte {
		b, err := seal.IssueReceipt(signer, seal.Receipt{
			EnvelopeSHA256: seal.EnvelopeHash(env), ReceivedAt: t0, District: "001-01", Station: "st-001-01", Seq: seq,
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		body func(env []byte) []byte
	}{
		{"signed by another key", func(env []byte) []byte { return receipt(foreign, env, 1) }},
		{"covering other bytes", func([]byte) []byte { return receipt(officeSigner(t), envelope(t, 2), 1) }},
		{"for another seq", func(env []byte) []byte { return receipt(officeSigner(t), env, 7) }},
		{"a captive portal's page", func([]byte) []byte { return []byte("<html>Bitte anmelden</html>") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := storeWith(t, 2)
			tl, url := newTally(t, func(_ int, body []byte, w http.ResponseWriter) bool {
				_, _ = w.Write(tc.body(body))
				return true
			})
			rep, err := newSender(t, st, url).Pass(t.Context())
			if !errors.Is(err, outbox.ErrReceiptInvalid) || !errors.Is(err, outbox.ErrUnreachable) || rep.Err != err {
				t.Fatalf("error %v", err)
			}
			if rep.Acknowledged != 0 || rep.Remaining != 2 || rep.Online {
				t.Fatalf("report %+v", rep)
			}
			if it := wantState(t, st, 1, outbox.StateSent); it.Attempts != testTries || it.delivery != nil {
				t.Fatalf("record 1: %d attempts, delivery %v", it.Attempts, it.delivery)
			}
			wantState(t, st, 2, outbox.StatePending)
			if len(tl.requests()) != testTries {
				t.Fatalf("%d requests", len(tl.requests()))
			}
		})
	}
}

func TestPassStopsWhenTallyUnreachableAndKeepsOrder(t *testing.T) {
	st := storeWith(t, 2)
	start := time.Now()
	rep, err := newSender(t, st, deadURL(t)).Pass(t.Context())
	if !errors.Is(err, outbox.ErrUnreachable) || rep.Err != err {
		t.Fatalf("error %v", err)
	}
	if rep.Acknowledged != 0 || rep.Remaining != 2 || rep.Online {
		t.Fatalf("report %+v", rep)
	}
	if it := wantState(t, st, 1, outbox.StateSent); it.Attempts != testTries {
		t.Fatalf("record 1 tried %d times, want %d", it.Attempts, testTries)
	}
	if it := wantState(t, st, 2, outbox.StatePending); it.Attempts != 0 {
		t.Fatalf("record 2 was attempted before record 1 was delivered")
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("pass took %s", time.Since(start))
	}
	if s := rep.String(); !strings.Contains(s, "unreachable") || !strings.Contains(s, "offline") {
		t.Fatalf("summary %q", s)
	}
}

func TestPassFailsOverToNextURL(t *testing.T) {
	st := storeWith(t, 2)
	tl, url := newTally(t, nil)
	rep, err := newSender(t, st, deadURL(t), url).Pass(t.Context())
	if err != nil || rep.Acknowledged != 2 || !rep.Online {
		t.Fatalf("report %+v, %v", rep, err)
	}
	wantAcknowledged(t, st, 1)
	wantAcknowledged(t, st, 2)
	// The dead URL cost one try; the rest of the pass stays on the live one.
	if a1, a2 := st.get(t, 1).Attempts, st.get(t, 2).Attempts; a1 != 2 || a2 != 1 {
		t.Fatalf("attempts %d and %d, want 2 and 1", a1, a2)
	}
	if len(tl.requests()) != 2 {
		t.Fatalf("%d requests", len(tl.requests()))
	}
}

func TestPassSendsNothingUnlessTheAttemptIsStored(t *testing.T) {
	st := storeWith(t, 1)
	st.failSent = errors.New("disk full")
	tl, url := newTally(t, nil)
	rep, err := newSender(t, st, url).Pass(t.Context())
	if err == nil || !strings.Contains(err.Error(), "disk full") || errors.Is(err, outbox.ErrUnreachable) {
		t.Fatalf("error %v", err)
	}
	if rep.Remaining != 1 || len(tl.requests()) != 0 {
		t.Fatalf("report %+v, %d requests", rep, len(tl.requests()))
	}
}

func TestPassStopsPromptlyWhenCancelled(t *testing.T) {
	st := storeWith(t, 2)
	release := make(chan struct{})
	_, url := newTally(t, func(_ int, _ []byte, w http.ResponseWriter) bool {
		<-release // a tally that never answers
		return true
	})
	t.Cleanup(func() { close(release) }) // before the server's Close
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	rep, err := newSender(t, st, url).Pass(ctx)
	if !errors.Is(err, context.Canceled) || rep.Remaining != 2 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("cancelled pass took %s", d)
	}
	if it := st.get(t, 1); it.Attempts != 1 || it.State != outbox.StateSent {
		t.Fatalf("record 1: %+v", it.Item)
	}
}

func TestPassWithoutURLReportsUSBOnly(t *testing.T) {
	st := storeWith(t, 2)
	s, err := outbox.NewSender(st, outbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Pass(t.Context())
	if !errors.Is(err, outbox.ErrNoTally) || rep.Remaining != 2 || rep.Online {
		t.Fatalf("report %+v, %v", rep, err)
	}
	wantState(t, st, 1, outbox.StatePending)
}

func TestNewSenderRefusesBadOptions(t *testing.T) {
	key := officeSigner(t).Public()
	for name, o := range map[string]outbox.Options{
		"URL without office key": {URLs: []string{"https://tally.example"}},
		"short office key":       {URLs: []string{"https://tally.example"}, OfficeKey: key[:31]},
		"ftp URL":                {URLs: []string{"ftp://tally.example"}, OfficeKey: key},
		"URL without host":       {URLs: []string{"https:///v1"}, OfficeKey: key},
		"URL with query":         {URLs: []string{"https://tally.example/?x=1"}, OfficeKey: key},
		"not a URL":              {URLs: []string{"://"}, OfficeKey: key},
		"negative tries":         {OfficeKey: key, Backoff: outbox.Backoff{MaxTries: -1}},
		"multiplier below 1":     {OfficeKey: key, Backoff: outbox.Backoff{Multiplier: 0.5}},
		"jitter above 1":         {OfficeKey: key, Backoff: outbox.Backoff{RandomizationFactor: 1.5}},
		"max below initial":      {OfficeKey: key, Backoff: outbox.Backoff{InitialInterval: time.Minute}},
	} {
		if _, err := outbox.NewSender(newMemStore(), o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := outbox.NewSender(nil, outbox.Options{}); err == nil {
		t.Error("nil store accepted")
	}
	if _, err := outbox.NewSender(newMemStore(), outbox.Options{URLs: []string{"https://tally.example/base/"}, OfficeKey: key}); err != nil {
		t.Errorf("good options refused: %v", err)
	}
}

func TestRunDeliversAfterKickAndStopsOnCancel(t *testing.T) {
	st := storeWith(t, 1)
	_, url := newTally(t, nil)
	s := newSender(t, st, url)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	reports := make(chan outbox.Report, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, time.Hour, func(r outbox.Report) { reports <- r })
	}()
	next := func() outbox.Report {
		t.Helper()
		select {
		case r := <-reports:
			return r
		case <-time.After(2 * time.Second):
			t.Fatal("no report")
			return outbox.Report{}
		}
	}
	if r := next(); r.Acknowledged != 1 || r.Remaining != 0 {
		t.Fatalf("first pass %+v", r)
	}
	st.add(2, envelope(t, 2))
	s.Kick() // without it the next pass would be an hour away
	if r := next(); r.Acknowledged != 1 || r.Remaining != 0 || !r.Online {
		t.Fatalf("kicked pass %+v", r)
	}
	wantAcknowledged(t, st, 2)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestKickNeverBlocks(t *testing.T) {
	s := newSender(t, newMemStore())
	for range 100 {
		s.Kick() // nobody runs: the first kick waits, the others merge into it
	}
}
