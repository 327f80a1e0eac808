package tui

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// fakeTally stands in for the tally's POST /v1/envelopes on 127.0.0.1:
// it verifies a record with the station key and answers with a receipt
// signed by the office key, received at 18:31.
type fakeTally struct {
	t    *testing.T
	keys seal.Keys
	mu   sync.Mutex
	seqs []uint64
}

func newFakeTally(t *testing.T, district string) (*fakeTally, string) {
	keys, err := seal.NewKeys(stationSigner(t, district).Public())
	if err != nil {
		t.Fatal(err)
	}
	ft := &fakeTally{t: t, keys: keys}
	srv := httptest.NewServer(ft)
	t.Cleanup(srv.Close)
	return ft, srv.URL
}

func (ft *fakeTally) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec, err := seal.OpenRecord(body, ft.keys)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": string(seal.CodeOf(err)), "message": err.Error()})
		return
	}
	receipt, err := seal.IssueReceipt(officeSigner(ft.t), seal.ReceiptFor(rec, day(18, 31)))
	if err != nil {
		ft.t.Error(err)
		return
	}
	ft.mu.Lock()
	ft.seqs = append(ft.seqs, rec.Record.Seq)
	ft.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(receipt)
}

func (ft *fakeTally) stored() []uint64 {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return append([]uint64(nil), ft.seqs...)
}

func newSender(t *testing.T, st *station.Station, c *clock, url string) *outbox.Sender {
	t.Helper()
	s, err := outbox.NewSender(st.DB(), outbox.Options{URLs: []string{url}, OfficeKey: st.OfficeKey(), Now: c.Now,
		Backoff: outbox.Backoff{InitialInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond, MaxTries: 2}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// agreedMayor is district 101 counting, with two agreeing entries of the
// mayor contest.
func agreedMayor(t *testing.T) (*station.Station, *clock) {
	t.Helper()
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	f := ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990, Votes: map[string]int64{"ob-1": 400, "ob-2": 300, "ob-3": 200, "ob-4": 90}}
	for _, who := range []string{"101-1", "101-3"} {
		if _, err := s.EnterCount(context.Background(), "ob", who, f); err != nil {
			t.Fatal(err)
		}
	}
	return s, c
}

func TestTheQuickReportIsSentAndItsReceiptShown(t *testing.T) {
	st, c := agreedMayor(t)
	tally, url := newFakeTally(t, "101")
	o := testOptions(c, ballot.German)
	o.SyncInterval = time.Hour // only the first pass and the kicks
	s := start(t, st, newSender(t, st, c, url), o)
	s.waitFor("● online", "0 wartend · 0 gesendet · 7 quittiert")
	s.keys("m")
	s.waitFor("Art Schnellmeldung", "[ Schnellmeldung senden ]")
	s.keys("ctrl+s")
	s.waitFor("Schnellmeldung Fassung 1 (Nr. 8): ✓ Quittung des Wahlamts, eingegangen 18:31")
	final := s.finish()
	if got := tally.stored(); len(got) != 8 || got[7] != 8 {
		t.Fatalf("the tally stored %v", got)
	}
	if final.status.Outbox[outbox.StateAcknowledged] != 8 {
		t.Fatalf("outbox: %v", final.status.Outbox)
	}
	last := final.status.State.LastSent("ob", ballot.StageQuick)
	if last == nil || last.State != outbox.StateAcknowledged {
		t.Fatalf("quick report: %+v", last)
	}
}

func TestOfflineTheRecordsWaitAndTheBoardIsToldWhatToDo(t *testing.T) {
	st, c := agreedMayor(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close()
	o := testOptions(c, ballot.German)
	o.SyncInterval = time.Hour
	s := start(t, st, newSender(t, st, c, dead), o)
	s.waitFor("○ offline", "alles bleibt gespeichert und wird nachgesendet; sonst USB-Export (s, dann e)")
	s.keys("m", "ctrl+s")
	s.waitFor("Schnellmeldung Fassung 1 (Nr. 8):")
	s.keys("s")
	s.waitFor("Nr. Zeit Meldung Zustand", "8 18:30 Schnellmeldung ob (1)", "tally unreachable")
	final := s.end() // no golden: the error names a port chosen at random
	if n := final.status.Outbox[outbox.StateAcknowledged]; n != 0 {
		t.Fatalf("%d acknowledged with the tally down", n)
	}
	if len(final.status.State.Sent["ob"]) != 1 {
		t.Fatal("the quick report is not stored")
	}
}
