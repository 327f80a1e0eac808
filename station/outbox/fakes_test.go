package outbox_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

var t0 = time.Date(2025, 2, 23, 8, 0, 0, 0, time.UTC)

// memStore is an in-memory outbox.Store that keeps every call's effect.
type memStore struct {
	mu       sync.Mutex
	items    map[uint64]*memItem
	failSent error // MarkSent fails with it when set
}

type memItem struct {
	outbox.Item
	delivery  *outbox.Delivery
	rejection *outbox.Rejection
	acks      int // MarkAcknowledged calls
}

func newMemStore() *memStore { return &memStore{items: map[uint64]*memItem{}} }

func (m *memStore) add(seq uint64, env []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[seq] = &memItem{Item: outbox.Item{Seq: seq, Kind: "incident", Envelope: env, State: outbox.StatePending}}
}

// get returns a copy of the record seq.
func (m *memStore) get(t *testing.T, seq uint64) memItem {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[seq]
	if !ok {
		t.Fatalf("no record %d", seq)
	}
	return *it
}

func (m *memStore) Undelivered(ctx context.Context) ([]outbox.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []outbox.Item
	for _, it := range m.items {
		if it.State == outbox.StatePending || it.State == outbox.StateSent {
			c := it.Item
			c.Envelope = bytes.Clone(it.Envelope)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b outbox.Item) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, ctx.Err()
}

func (m *memStore) MarkSent(ctx context.Context, seq uint64, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failSent != nil {
		return m.failSent
	}
	it, ok := m.items[seq]
	if !ok {
		return fmt.Errorf("no record %d", seq)
	}
	if it.State == outbox.StatePending || it.State == outbox.StateSent {
		it.State = outbox.StateSent
	}
	it.Attempts++
	return nil
}

func (m *memStore) MarkAcknowledged(ctx context.Context, seq uint64, d outbox.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[seq]
	if !ok {
		return fmt.Errorf("no record %d", seq)
	}
	it.State, it.delivery = outbox.StateAcknowledged, &d
	it.acks++
	return nil
}

func (m *memStore) MarkRejected(ctx context.Context, seq uint64, r outbox.Rejection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[seq]
	if !ok {
		return fmt.Errorf("no record %d", seq)
	}
	it.State, it.rejection = outbox.StateRejected, &r
	return nil
}

// fakeTally is the tally's POST /v1/envelopes: it verifies a record with
// the station key, stores it once, and answers every copy with the same
// receipt signed by the office key. hook, when set, sees every request
// first (n counts from 1) and answers it itself by returning true.
type fakeTally struct {
	t       *testing.T
	office  seal.Signer
	station seal.Keys
	hook    func(n int, body []byte, w http.ResponseWriter) bool

	mu       sync.Mutex
	bodies   [][]byte             // every request body, in order
	received map[string]time.Time // envelope hash → when first stored
	order    []uint64             // seqs in the order first stored
}

func newTally(t *testing.T, hook func(n int, body []byte, w http.ResponseWriter) bool) (*fakeTally, string) {
	ft := &fakeTally{t: t, office: officeSigner(t), station: stationKeys(t), hook: hook, received: map[string]time.Time{}}
	srv := httptest.NewServer(ft)
	t.Cleanup(srv.Close)
	return ft, srv.URL
}

func (ft *fakeTally) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != outbox.EnvelopesPath || r.Header.Get("Content-Type") != "application/json" {
		ft.t.Errorf("unexpected request %s %s (%s)", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		http.Error(w, "unexpected request", http.StatusTeapot)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	ft.mu.Lock()
	ft.bodies = append(ft.bodies, body)
	n := len(ft.bodies)
	ft.mu.Unlock()
	if ft.hook != nil && ft.hook(n, body, w) {
		return
	}
	receipt, err := ft.ingest(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"code": string(seal.CodeOf(err)), "message": err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(receipt)
}

// ingest stores the envelope (once) and returns its receipt.
func (ft *fakeTally) ingest(body []byte) ([]byte, error) {
	rec, err := seal.OpenRecord(body, ft.station)
	if err != nil {
		return nil, err
	}
	ft.mu.Lock()
	at, ok := ft.received[rec.EnvelopeHash]
	if !ok {
		at = t0.Add(time.Duration(len(ft.received)+1) * time.Hour)
		ft.received[rec.EnvelopeHash] = at
		ft.order = append(ft.order, rec.Record.Seq)
	}
	ft.mu.Unlock()
	return seal.IssueReceipt(ft.office, seal.ReceiptFor(rec, at))
}

func (ft *fakeTally) requests() [][]byte {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return slices.Clone(ft.bodies)
}

func (ft *fakeTally) stored() []uint64 {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return slices.Clone(ft.order)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// hangUp closes the connection without an answer; with reset it sends a
// TCP RST instead of a FIN.
func hangUp(t *testing.T, w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// deadURL is a loopback address where nothing listens.
func deadURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return "http://" + addr
}

func officeSigner(t testing.TB) seal.Signer  { return sealtest.Signer(t, "office") }
func stationSigner(t testing.TB) seal.Signer { return sealtest.Signer(t, "station 001-01") }

func stationKeys(t testing.TB) seal.Keys {
	k, err := seal.NewKeys(stationSigner(t).Public())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// envelope seals incident record seq of the test station.
func envelope(t testing.TB, seq uint64) []byte {
	t.Helper()
	h := ballot.Header{
		ElectionID:  "bw-2025",
		PackageHash: seal.PackageHash([]byte(`{"election":"bw-2025"}`)),
		District:    "001-01",
		Station:     "st-001-01",
		Seq:         seq,
		Time:        t0.Add(time.Duration(seq) * time.Minute),
		Kind:        ballot.RecordIncident,
	}
	env, err := seal.SealRecord(stationSigner(t), h, &ballot.Incident{At: h.Time, Text: fmt.Sprintf("Vermerk %d", seq)})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// storeWith returns a store holding records 1..n.
func storeWith(t testing.TB, n int) *memStore {
	st := newMemStore()
	for seq := uint64(1); seq <= uint64(n); seq++ {
		st.add(seq, envelope(t, seq))
	}
	return st
}

const testTries = 3

var clock = t0.Add(24 * time.Hour)

// newSender returns a Sender with tiny backoff intervals and a fixed clock.
func newSender(t *testing.T, st outbox.Store, urls ...string) *outbox.Sender {
	t.Helper()
	s, err := outbox.NewSender(st, outbox.Options{
		URLs:      urls,
		OfficeKey: officeSigner(t).Public(),
		Now:       func() time.Time { return clock },
		Backoff:   outbox.Backoff{InitialInterval: time.Millisecond, MaxInterval: 4 * time.Millisecond, MaxTries: testTries},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
