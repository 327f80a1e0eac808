package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// day is a local time on the Musterstadt election day.
var day = stationtest.Day

// newStation enrolls a laptop for the district at the office, seals its
// kit with the tally URL given, and sets the station up from the kit, with
// its clock at 07:30 on the election day.
func newStation(t *testing.T, o *officeTally, district, tallyURL string) (*station.Station, *stationtest.Clock) {
	t.Helper()
	sealed, pin := sealKit(t, o, district, tallyURL)
	c := stationtest.NewClock(day(7, 30))
	s, err := station.Setup(context.Background(), filepath.Join(t.TempDir(), "station-"+district), sealed, pin, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// sealKit enrolls a station key for the district at the office and seals
// its kit naming the tally URL given.
func sealKit(t *testing.T, o *officeTally, district, tallyURL string) (sealed []byte, pin string) {
	t.Helper()
	ctx := context.Background()
	id, key := "station-"+district, sealtest.Signer(t, "e2e station "+district)
	if _, err := o.Service().EnrollKey(ctx, district, id, key.Public()); err != nil {
		t.Fatal(err)
	}
	e := o.Service().Election()
	pkg, err := o.Service().Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pin, err = kit.GeneratePIN(sealtest.Rand("e2e pin " + district))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err = kit.Seal(kit.Kit{ElectionID: e.ID, District: district, Station: id, Package: pkg,
		OfficeKey: e.OfficePublicKey, StationKey: key, TallyURLs: []string{tallyURL},
		IssuedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, pin, kit.SealOptions{WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	return sealed, pin
}

// checkInBoard checks in the first five members of the district's roster
// at the instant at: chair, deputy chair, secretary, deputy secretary and
// an assessor, the counting quorum.
func checkInBoard(t *testing.T, s *station.Station, district string, at time.Time) {
	t.Helper()
	for i := 1; i <= 5; i++ {
		if _, err := s.CheckIn(context.Background(), fmt.Sprintf("%s-%d", district, i), at); err != nil {
			t.Fatal(err)
		}
	}
}

// mayorCount is a valid count of the mayor contest of an in-person
// district: B 1000 (200 with a card), 10 invalid, 990 valid.
func mayorCount() ballot.Count {
	return ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990,
		Votes: map[string]int64{"ob-1": 400, "ob-2": 300, "ob-3": 200, "ob-4": 90}}
}

// runDay runs the station's whole election day on its clock: five
// members in at 07:30, the opening at 08:00, the 10:00 turnout report at
// 10:05, an incident at 11:20, the close at 18:00, the mayor contest
// entered by two members at 18:30, its quick report, and its final record
// at 19:15. That makes 11 records.
func runDay(t *testing.T, s *station.Station, c *stationtest.Clock) {
	t.Helper()
	ctx := context.Background()
	act := func(what string, h, m int, do func() error) {
		t.Helper()
		c.Set(day(h, m))
		if err := do(); err != nil {
			t.Fatalf("%s at %02d:%02d: %v", what, h, m, err)
		}
	}
	d := s.District().ID
	c.Set(day(7, 30))
	checkInBoard(t, s, d, time.Time{})
	act("open", 8, 0, func() error { _, err := s.OpenPolls(ctx, time.Time{}); return err })
	act("turnout", 10, 5, func() error { _, err := s.ReportTurnout(ctx, "10:00", 150, time.Time{}); return err })
	act("incident", 11, 20, func() error {
		_, err := s.LogIncident(ctx, "Ein Wähler hat seinen Stimmzettel fotografiert; der Zettel wurde zurückgewiesen.", time.Time{})
		return err
	})
	act("close", 18, 0, func() error { _, err := s.ClosePolls(ctx, time.Time{}); return err })
	act("count", 18, 30, func() error {
		for _, who := range []string{d + "-1", d + "-3"} {
			res, err := s.EnterCount(ctx, "ob", who, mayorCount())
			if err != nil {
				return fmt.Errorf("entry by %s: %w", who, err)
			}
			if len(res.Findings) != 0 {
				return fmt.Errorf("entry by %s: %v", who, res.Findings)
			}
		}
		_, err := s.Submit(ctx, "ob", ballot.StageQuick, station.SubmitOptions{})
		return err
	})
	act("final record", 19, 15, func() error {
		_, err := s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{})
		return err
	})
}

// --- the tally ---

// tallyNow is the tally's clock: election night.
var tallyNow = time.Date(2026, 3, 8, 18, 0, 0, 0, time.UTC)

// officeTally is the election office's tally as `tally serve` runs it: a
// SQLite file, the service on it and the HTTP API on a loopback port.
// Restart stops all three and starts them again on the same file, as an
// operator restarting the process does.
type officeTally struct {
	t      testing.TB
	path   string
	office seal.Signer

	mu       sync.Mutex // held during a restart: no request goes to a tally half up
	proc     *tallyProcess
	restarts int
}

// tallyProcess is one run of the tally.
type tallyProcess struct {
	st   *tallysqlite.DB
	svc  *tally.Service
	srv  *http.Server
	done chan error // Serve's result
	base string
}

// newOfficeTally initialises the Musterstadt election in a fresh store and
// starts serving it until the test ends.
func newOfficeTally(t testing.TB) *officeTally {
	t.Helper()
	ctx := context.Background()
	o := &officeTally{t: t, path: filepath.Join(t.TempDir(), "tally.db"), office: sealtest.Signer(t, "office")}
	definition, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "testdata", "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tally.Init(ctx, st, definition, o.office, tallyNow)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if o.proc, err = o.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		if err := o.proc.stop(); err != nil {
			t.Errorf("stopping the tally: %v", err)
		}
	})
	return o
}

func (o *officeTally) start() (*tallyProcess, error) {
	ctx := context.Background()
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.DiscardHandler)
	svc, err := tally.New(ctx, st, o.office, tally.Options{Clock: func() time.Time { return tallyNow }, Logger: quiet})
	if err != nil {
		st.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, err
	}
	p := &tallyProcess{st: st, svc: svc, done: make(chan error, 1), base: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: httpapi.New(svc, st, quiet), ReadHeaderTimeout: 5 * time.Second}}
	go func() { p.done <- p.srv.Serve(ln) }()
	return p, nil
}

// stop shuts the server down gracefully (requests in flight finish) and
// closes the store.
func (p *tallyProcess) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := p.srv.Shutdown(ctx)
	if serr := <-p.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, p.st.Close())
}

// Restart stops the tally and starts it again on the same store, on a new
// port.
func (o *officeTally) Restart() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	old := o.proc.base
	if err := o.proc.stop(); err != nil {
		return err
	}
	p, err := o.start()
	if err != nil {
		return err
	}
	if p.base == old {
		o.t.Logf("the restarted tally got the old port %s again", old)
	}
	o.proc = p
	o.restarts++
	return nil
}

// Base is the base URL of the running tally.
func (o *officeTally) Base() string { o.mu.Lock(); defer o.mu.Unlock(); return o.proc.base }

// Service is the running tally's service.
func (o *officeTally) Service() *tally.Service { o.mu.Lock(); defer o.mu.Unlock(); return o.proc.svc }

// Store is the running tally's store.
func (o *officeTally) Store() *tallysqlite.DB { o.mu.Lock(); defer o.mu.Unlock(); return o.proc.st }

// Restarts counts the restarts.
func (o *officeTally) Restarts() int { o.mu.Lock(); defer o.mu.Unlock(); return o.restarts }

// --- syncing, and what it must leave behind ---

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// newSender returns the station's sender to the tally URL of its kit, with
// tiny backoff intervals and a client of little patience.
func newSender(t *testing.T, s *station.Station) *outbox.Sender {
	t.Helper()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	sender, err := outbox.NewSender(s.DB(), outbox.Options{
		URLs:      s.Identity().TallyURLs,
		OfficeKey: s.OfficeKey(),
		Client:    &http.Client{Timeout: clientTimeout, Transport: transport},
		Now:       s.Now,
		Backoff:   outbox.Backoff{InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond, MaxTries: maxTries},
	})
	if err != nil {
		t.Fatal(err)
	}
	return sender
}

// syncAll makes passes until nothing is pending, as the station's
// background loop does, at most maxPasses. A pass that stops because the
// tally did not answer is followed by the next; any other error ends it.
func syncAll(ctx context.Context, sender *outbox.Sender) (passes int, err error) {
	for passes < maxPasses {
		passes++
		rep, err := sender.Pass(ctx)
		if err != nil && !errors.Is(err, outbox.ErrUnreachable) {
			return passes, fmt.Errorf("pass %d: %w", passes, err)
		}
		if rep.Remaining == 0 {
			return passes, nil
		}
	}
	return passes, fmt.Errorf("records still pending after %d passes", passes)
}

// wantAllAcknowledged checks that every record of the station is
// acknowledged with the office's receipt for exactly its envelope, and
// returns the records.
func wantAllAcknowledged(t *testing.T, s *station.Station) []sqlite.Record {
	t.Helper()
	st, err := s.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Records {
		wantReceipt(t, s, r)
	}
	if t.Failed() {
		t.FailNow()
	}
	return st.Records
}

// wantReceipt checks that the record is acknowledged with the office's
// receipt for exactly its envelope.
func wantReceipt(t *testing.T, s *station.Station, r sqlite.Record) {
	t.Helper()
	id := s.Identity()
	if r.State != outbox.StateAcknowledged {
		t.Errorf("%s record %d (%s) is %s", id.District, r.Seq, r.Kind, r.State)
		return
	}
	rc, err := seal.OpenReceipt(r.Receipt, s.OfficeKey())
	if err != nil {
		t.Errorf("%s record %d (%s): receipt: %v", id.District, r.Seq, r.Kind, err)
		return
	}
	if !rc.Covers(r.Envelope) || rc.EnvelopeSHA256 != r.EnvelopeHash || rc.Seq != r.Seq ||
		rc.District != id.District || rc.Station != id.Station || !rc.ReceivedAt.Equal(r.ReceivedAt) {
		t.Errorf("%s record %d (%s): receipt %+v does not cover it", id.District, r.Seq, r.Kind, rc)
	}
}

// wantStoredOnce checks that the tally holds exactly the records given,
// each once and byte for byte as the station signed it.
func wantStoredOnce(t *testing.T, o *officeTally, records []sqlite.Record) {
	t.Helper()
	ctx := context.Background()
	stored := map[string][][]byte{}
	err := o.Store().Envelopes(ctx, func(e store.Envelope) error {
		stored[e.Hash] = append(stored[e.Hash], e.Bytes)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		copies := stored[r.EnvelopeHash]
		if len(copies) != 1 {
			t.Errorf("record %d (%s) is stored %d times", r.Seq, r.Kind, len(copies))
		} else if !bytes.Equal(copies[0], r.Envelope) {
			t.Errorf("record %d (%s) is stored with other bytes", r.Seq, r.Kind)
		}
	}
	if n, err := o.Store().EnvelopeCount(ctx); err != nil || n != int64(len(records)) {
		t.Errorf("the tally holds %d envelopes (%v), want %d", n, err, len(records))
	}
	if len(stored) != len(records) {
		t.Errorf("the tally holds %d distinct envelopes, want %d", len(stored), len(records))
	}
}

// wantMayorResult checks that the office's mayor result, best and final
// view, is exactly the sum of the districts' counts (each mayorCount).
func wantMayorResult(t *testing.T, o *officeTally, districts ...string) {
	t.Helper()
	n := int64(len(districts))
	var registered int64
	for _, id := range districts {
		d, ok := o.Service().Definition().District(id)
		if !ok || d.Register == nil {
			t.Fatalf("no in-person district %s", id)
		}
		registered += d.Register.A1 + d.Register.A2 + d.Register.A3
	}
	count := mayorCount()
	for _, view := range []string{tally.ViewBest, tally.ViewFinal} {
		res, err := o.Service().Results(context.Background(), view)
		if err != nil {
			t.Fatal(err)
		}
		var ob *ballot.ContestResult
		for i := range res.Contests {
			if res.Contests[i].Total.Contest == "ob" {
				ob = &res.Contests[i].Total
			}
		}
		if ob == nil {
			t.Fatalf("%s view: no result for ob", view)
		}
		if ob.Districts != n || ob.A != registered || ob.B != n*count.B || ob.B1 != n*count.B1 ||
			ob.Invalid != n*count.Invalid || ob.Valid != n*count.Valid {
			t.Errorf("%s view of ob: districts %d, A %d, B %d, B1 %d, invalid %d, valid %d; want %d, %d, %d, %d, %d, %d",
				view, ob.Districts, ob.A, ob.B, ob.B1, ob.Invalid, ob.Valid,
				n, registered, n*count.B, n*count.B1, n*count.Invalid, n*count.Valid)
		}
		if len(ob.Options) != len(count.Votes) {
			t.Errorf("%s view of ob: %d options, want %d", view, len(ob.Options), len(count.Votes))
		}
		for _, opt := range ob.Options {
			if want := n * count.Votes[opt.ID]; opt.Votes != want {
				t.Errorf("%s view of ob: %s has %d votes, want %d", view, opt.ID, opt.Votes, want)
			}
		}
	}
}
