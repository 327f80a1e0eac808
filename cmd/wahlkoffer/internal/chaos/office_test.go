package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// --- the office: a synthetic election in a SQLite store ---

// office is a synthetic election initialised in a SQLite file, with its
// office key beside it where tally serve looks for it.
type office struct {
	path   string
	signer seal.Signer
	def    *ballot.Definition
	e      store.Election
	acked  atomic.Int64 // records acknowledged in the clients' outboxes
}

// newOffice generates an election of n in-person districts and
// initialises it in a fresh store in dir, at the office's rehearsal time.
func newOffice(ctx context.Context, t testing.TB, dir string, n int) *office {
	t.Helper()
	def, err := synthetic.Generate(synthetic.Options{Districts: n, Seed: 2026})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.MarshalIndent(def, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	o := &office{path: filepath.Join(dir, "tally.db"), signer: sealtest.Signer(t, "chaos office"), def: def}
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if o.e, err = tally.Init(ctx, st, raw, o.signer, mustTime(officePrepares)); err != nil {
		t.Fatal(err)
	}
	pem, err := o.signer.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(o.path+".office-key.pem", pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return o
}

// client is a station as the delivery sees it: a key enrolled for its
// district, a few signed records in an outbox in memory, and its Sender.
type client struct {
	district, station string
	key               seal.Signer
	box               *memStore
	sender            *outbox.Sender
	transport         *http.Transport
	counts            map[string]ballot.Count // the final counts it sends, by contest
	done              time.Duration           // from the start until all its records were acknowledged
	passes            int
}

// enrollClients enrolls one key per district (the first n districts)
// through svc.EnrollKey, at the office's rehearsal time, and seals each
// station's records: an incident, then, with council, the final record of
// every contest of the district, else the quick report and the final
// record of the mayor contest. (A record of the cumulative council
// contest moves hundreds of running totals: it costs the tally about five
// times what a mayor record costs.)
func (o *office) enrollClients(ctx context.Context, t testing.TB, n int, council bool) []*client {
	t.Helper()
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := tally.New(ctx, st, o.signer, tally.Options{Logger: slog.New(slog.DiscardHandler),
		Clock: func() time.Time { return mustTime(officePrepares) }})
	if err != nil {
		t.Fatal(err)
	}
	clients := make([]*client, n)
	for i := range n {
		d := &o.def.Districts[i]
		c := &client{district: d.ID, station: fmt.Sprintf("station-%s", d.ID), box: &memStore{acked: &o.acked},
			key: sealtest.Signer(t, "chaos station "+d.ID), counts: map[string]ballot.Count{}}
		if _, err := svc.EnrollKey(ctx, d.ID, c.station, c.key.Public()); err != nil {
			t.Fatal(err)
		}
		at := mustTime(dayAt(18, 30, i%3600))
		seq := uint64(0)
		add := func(kind ballot.RecordKind, body any) {
			seq++
			env, err := seal.SealRecord(c.key, ballot.Header{ElectionID: o.e.ID, PackageHash: o.e.PackageHash,
				District: d.ID, Station: c.station, Seq: seq, Time: at, Kind: kind}, body)
			if err != nil {
				t.Fatal(err)
			}
			c.box.add(seq, string(kind), env)
		}
		add(ballot.RecordIncident, &ballot.Incident{At: at, Text: "Stromausfall im Wahlraum, Notbeleuchtung an."})
		counts := synthetic.Counts(rand.New(rand.NewPCG(uint64(i), 7)), o.def, d)
		for _, ct := range o.def.ContestsOf(d) {
			if !council && ct.ID != "ob" {
				continue
			}
			cnt := counts[ct.ID]
			cnt.Version, cnt.EnteredBy = 1, []string{d.ID + "-1", d.ID + "-3"}
			if !council {
				quick := cnt
				quick.Stage = ballot.StageQuick
				add(ballot.RecordCount, &quick)
			}
			cnt.Stage = ballot.StageFinal
			c.counts[ct.ID] = cnt
			add(ballot.RecordCount, &cnt)
		}
		clients[i] = c
	}
	return clients
}

// newSender gives the client its Sender to url, with an HTTP transport
// of its own whose idle pool holds one connection.
func (c *client) newSender(t testing.TB, url string, officeKey []byte, timeout time.Duration, bo outbox.Backoff) {
	t.Helper()
	c.transport = &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        1,
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     5 * time.Second,
		DisableCompression:  true,
	}
	var err error
	c.sender, err = outbox.NewSender(c.box, outbox.Options{URLs: []string{url}, OfficeKey: officeKey,
		Client:  &http.Client{Timeout: timeout, Transport: c.transport},
		Now:     func() time.Time { return mustTime(dayAt(19, 0, 0)) },
		Backoff: bo})
	if err != nil {
		t.Fatal(err)
	}
}

// deliver makes passes until nothing is pending, at most maxPasses, with
// a short random pause after a pass that found the tally unreachable.
func (c *client) deliver(ctx context.Context, rng *rand.Rand, maxPasses int) error {
	defer c.transport.CloseIdleConnections()
	for c.passes < maxPasses {
		c.passes++
		rep, err := c.sender.Pass(ctx)
		if err != nil && !errors.Is(err, outbox.ErrUnreachable) {
			return fmt.Errorf("district %s, pass %d: %w", c.district, c.passes, err)
		}
		if len(rep.Rejected) > 0 {
			return fmt.Errorf("district %s: the tally rejected %+v", c.district, rep.Rejected)
		}
		if rep.Remaining == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(50+rng.IntN(200)) * time.Millisecond):
		}
	}
	return fmt.Errorf("district %s: records still pending after %d passes", c.district, maxPasses)
}

// --- an outbox in memory ---

// memStore is an outbox.Store in memory. It remembers every receipt it
// was given, so that a second, different receipt for one record shows.
type memStore struct {
	mu         sync.Mutex
	items      []outbox.Item // by seq − 1
	deliveries map[uint64]outbox.Delivery
	acks       map[uint64]int // MarkAcknowledged calls per record
	conflicts  []string
	acked      *atomic.Int64 // counts first acknowledgments across outboxes
}

func (m *memStore) add(seq uint64, kind string, env []byte) {
	m.items = append(m.items, outbox.Item{Seq: seq, Kind: kind, Envelope: env, State: outbox.StatePending})
}

func (m *memStore) Undelivered(ctx context.Context) ([]outbox.Item, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []outbox.Item
	for _, it := range m.items {
		if it.State == outbox.StatePending || it.State == outbox.StateSent {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memStore) item(seq uint64) (*outbox.Item, error) {
	if seq == 0 || seq > uint64(len(m.items)) {
		return nil, fmt.Errorf("no record %d", seq)
	}
	return &m.items[seq-1], nil
}

func (m *memStore) MarkSent(ctx context.Context, seq uint64, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, err := m.item(seq)
	if err != nil {
		return err
	}
	if it.State == outbox.StatePending {
		it.State = outbox.StateSent
	}
	it.Attempts++
	return nil
}

func (m *memStore) MarkAcknowledged(ctx context.Context, seq uint64, d outbox.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, err := m.item(seq)
	if err != nil {
		return err
	}
	if m.deliveries == nil {
		m.deliveries, m.acks = map[uint64]outbox.Delivery{}, map[uint64]int{}
	}
	if prev, ok := m.deliveries[seq]; ok && string(prev.Receipt) != string(d.Receipt) {
		m.conflicts = append(m.conflicts, fmt.Sprintf("record %d got two different receipts", seq))
	}
	m.deliveries[seq] = d
	if m.acks[seq]++; m.acks[seq] == 1 && m.acked != nil {
		m.acked.Add(1)
	}
	it.State = outbox.StateAcknowledged
	return nil
}

func (m *memStore) MarkRejected(ctx context.Context, seq uint64, r outbox.Rejection) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, err := m.item(seq)
	if err != nil {
		return err
	}
	it.State = outbox.StateRejected
	m.conflicts = append(m.conflicts, fmt.Sprintf("record %d rejected: %s %s", seq, r.Code, r.Message))
	return nil
}

// --- the tally in this process ---

// inTally is tally serve in this process: the SQLite store, the service
// with group commit as tally serve runs it (one writer on SQLite) and
// httpapi.Serve on a loopback port. Restart shuts the server down
// gracefully (requests in flight finish), closes the store and starts all
// three again on the same file, on a new port.
type inTally struct {
	t        testing.TB
	o        *office
	cur      atomic.Pointer[inTallyRun] // nil while restarting
	mu       sync.Mutex                 // one restart at a time
	restarts int
}

type inTallyRun struct {
	st     *tallysqlite.DB
	svc    *tally.Service
	cancel context.CancelFunc
	done   chan error
	base   string
}

func startInTally(t testing.TB, o *office) *inTally {
	t.Helper()
	it := &inTally{t: t, o: o}
	r, err := it.start()
	if err != nil {
		t.Fatal(err)
	}
	it.cur.Store(r)
	t.Cleanup(func() {
		it.mu.Lock()
		defer it.mu.Unlock()
		if r := it.cur.Load(); r != nil {
			if err := r.stop(); err != nil {
				t.Errorf("stopping the tally: %v", err)
			}
		}
	})
	return it
}

func (it *inTally) start() (*inTallyRun, error) {
	ctx := context.Background()
	st, err := tallysqlite.Open(ctx, it.o.path)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.DiscardHandler)
	svc, err := tally.New(ctx, st, it.o.signer, tally.Options{Logger: quiet, Clock: func() time.Time { return mustTime(tallyServes) },
		GroupCommit: tally.GroupCommit{Writers: 1}})
	if err != nil {
		st.Close()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	r := &inTallyRun{st: st, svc: svc, cancel: cancel, done: make(chan error, 1)}
	ready := make(chan string, 1)
	go func() {
		r.done <- httpapi.Serve(sctx, "127.0.0.1:0", httpapi.New(svc, st, quiet), "", "", 10*time.Second,
			func(a net.Addr) { ready <- "http://" + a.String() })
	}()
	select {
	case r.base = <-ready:
		return r, nil
	case err := <-r.done:
		cancel()
		svc.Close()
		st.Close()
		return nil, fmt.Errorf("httpapi.Serve: %w", err)
	}
}

// stop shuts the server down gracefully, then the service's writers (the
// requests in flight have their answers), then the store.
func (r *inTallyRun) stop() error {
	r.cancel()
	err := <-r.done
	r.svc.Close()
	return errors.Join(err, r.st.Close())
}

// Restart stops the running tally gracefully and starts it again.
func (it *inTally) Restart() error {
	it.mu.Lock()
	defer it.mu.Unlock()
	old := it.cur.Swap(nil)
	if err := old.stop(); err != nil {
		return err
	}
	r, err := it.start()
	if err != nil {
		return err
	}
	it.cur.Store(r)
	it.restarts++
	return nil
}

// Base is the running tally's URL, "" while it restarts.
func (it *inTally) Base() string {
	if r := it.cur.Load(); r != nil {
		return r.base
	}
	return ""
}
