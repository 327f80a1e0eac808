package demo

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// kitWorkFactor seals the demo's kits quickly; a real kit keeps the
// default, which takes about a second to open.
const kitWorkFactor = 10

// clock is the simulated clock of the day, shared by the tally and every
// station: it stands where the day's script sets it, or, for the person
// trying the day by hand, runs on from an instant.
type clock struct {
	mu      sync.Mutex
	t       time.Time
	running time.Time // when it started running; zero while it stands
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running.IsZero() {
		return c.t
	}
	return c.t.Add(time.Since(c.running))
}

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t, c.running = t, time.Time{}; c.mu.Unlock() }

// run lets the clock run on from t.
func (c *clock) run(t time.Time) { c.mu.Lock(); c.t, c.running = t, time.Now(); c.mu.Unlock() }

// run is one demo: the office's tally and the stations of every district.
type run struct {
	opts        *Options
	def         *ballot.Definition
	loc         *time.Location
	electionDay time.Time // 00:00 of the election day, local
	clock       *clock
	rng         *rand.Rand
	dir         string
	office      seal.Signer
	store       *sqlite.DB
	svc         *tally.Service
	url         string
	stopHTTP    context.CancelFunc
	served      chan error
	stations    []*stationRun
	pins        []string
	// human is the district left for a person to run by hand with
	// --interactive, and the PIN of its kit.
	human, humanPIN string
}

// stationRun is one district's laptop in the demo.
type stationRun struct {
	d       *ballot.District
	st      *station.Station
	sender  *outbox.Sender // nil for the station without network
	board   []ballot.Member
	counts  map[string]ballot.Count
	reasons map[string]map[string]string // by contest: the board's reasons for the warnings raised
	offline bool
	human   bool // left alone: a person runs its day by hand
}

func newRun(ctx context.Context, opts *Options, definition []byte) (*run, error) {
	def, err := ballot.ParseDefinition(definition)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Election, err)
	}
	day, err := def.Election.Day()
	if err != nil {
		return nil, err
	}
	r := &run{opts: opts, def: def, loc: day.Location(), electionDay: day, human: opts.humanDistrict(), dir: opts.Out,
		clock: &clock{t: day.AddDate(0, 0, -7).Add(10 * time.Hour)}, rng: rand.New(rand.NewPCG(opts.Seed, 8))}
	if err := r.setUpOffice(ctx, definition); err != nil {
		r.close()
		return nil, err
	}
	if err := r.enroll(ctx); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// at is a local time of the election day.
func (r *run) at(h, m int) time.Time {
	d := r.electionDay
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, r.loc)
}

// setUpOffice is `tally init` and `tally serve`: the store, the office key
// beside it (0600), the signed election package, the HTTP API on a free
// loopback port.
func (r *run) setUpOffice(ctx context.Context, definition []byte) error {
	var err error
	if r.office, err = seal.GenerateSigner(crand.Reader); err != nil {
		return err
	}
	pem, err := r.office.MarshalPEM()
	if err != nil {
		return err
	}
	storePath := filepath.Join(r.dir, "tally.db")
	if err := cmdutil.WriteFileAtomic(storePath+".office-key.pem", pem, 0o600); err != nil {
		return err
	}
	if r.store, err = sqlite.Open(ctx, storePath); err != nil {
		return err
	}
	e, err := tally.Init(ctx, r.store, definition, r.office, r.clock.Now())
	if err != nil {
		return err
	}
	r.svc, err = tally.New(ctx, r.store, r.office, tally.Options{Clock: r.clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	r.say("office", e.ID, storePath)

	serveCtx, stop := context.WithCancel(context.Background())
	r.stopHTTP, r.served = stop, make(chan error, 1)
	ready := make(chan net.Addr, 1)
	handler := httpapi.New(r.svc, r.store, slog.New(slog.DiscardHandler))
	go func() {
		r.served <- httpapi.Serve(serveCtx, "127.0.0.1:0", handler, "", "", 5*time.Second, func(a net.Addr) { ready <- a })
	}()
	select {
	case a := <-ready:
		r.url = "http://" + a.String()
	case err := <-r.served:
		return fmt.Errorf("tally serve: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	r.say("serve", r.url)
	return nil
}

// enroll is `tally enroll --all` and `station setup` on every laptop: a
// key per district, a kit sealed with a PIN, the station's store set up
// from the kit. District 103's laptop has no network all day.
func (r *run) enroll(ctx context.Context) error {
	e := r.svc.Election()
	pkg, err := r.svc.Package(ctx)
	if err != nil {
		return err
	}
	for i := range r.def.Districts {
		d := &r.def.Districts[i]
		key, err := seal.GenerateSigner(crand.Reader)
		if err != nil {
			return err
		}
		stationID := uuid.NewString()
		if _, err := r.svc.EnrollKey(ctx, d.ID, stationID, key.Public()); err != nil {
			return err
		}
		offline := d.ID == offlineDistrict
		k := kit.Kit{ElectionID: e.ID, District: d.ID, Station: stationID, Package: pkg,
			OfficeKey: e.OfficePublicKey, StationKey: key, IssuedAt: r.clock.Now().UTC()}
		if !offline {
			k.TallyURLs = []string{r.url}
		}
		pin, err := kit.GeneratePIN(crand.Reader)
		if err != nil {
			return err
		}
		sealed, err := kit.Seal(k, pin, kit.SealOptions{WorkFactor: kitWorkFactor})
		if err != nil {
			return err
		}
		kitPath := filepath.Join(r.dir, "kits", d.ID+kit.FileExtension)
		if err := os.MkdirAll(filepath.Dir(kitPath), 0o700); err != nil {
			return err
		}
		if err := cmdutil.WriteFileAtomic(kitPath, sealed, 0o600); err != nil {
			return err
		}
		r.pins = append(r.pins, d.ID+" "+pin)
		if d.ID == r.human {
			r.humanPIN = pin
		}
		st, err := station.Setup(ctx, filepath.Join(r.dir, "stations", d.ID), sealed, pin, station.Options{Now: r.clock.Now})
		if err != nil {
			return fmt.Errorf("district %s: %w", d.ID, err)
		}
		sr := &stationRun{d: d, st: st, offline: offline, human: d.ID == r.human,
			counts: map[string]ballot.Count{}, reasons: map[string]map[string]string{}}
		if !offline {
			if sr.sender, err = r.newSender(st); err != nil {
				return err
			}
		}
		r.stations = append(r.stations, sr)
	}
	pins := "# district PIN — the demo's kits; a real PIN is handed over in person\n" + strings.Join(r.pins, "\n") + "\n"
	if err := cmdutil.WriteFileAtomic(filepath.Join(r.dir, "kits", "pins.txt"), []byte(pins), 0o600); err != nil {
		return err
	}
	r.say("enroll", len(r.stations), filepath.Join(r.dir, "kits"))
	return nil
}

// newSender is a station's delivery client to the demo's tally, with short
// pauses: the tally is on loopback.
func (r *run) newSender(st *station.Station) (*outbox.Sender, error) {
	return outbox.NewSender(st.DB(), outbox.Options{URLs: []string{r.url}, OfficeKey: r.office.Public(),
		Now: r.clock.Now, Backoff: outbox.Backoff{InitialInterval: 10 * time.Millisecond, MaxInterval: 100 * time.Millisecond}})
}

// importBundle is `tally import`: the USB bundle of the station without
// network, through the same path as a record over HTTP.
func (r *run) importBundle(ctx context.Context, data []byte) (accepted, duplicate int, err error) {
	_, err = bundle.Read(bytes.NewReader(data), func(line int, env []byte) error {
		acc, err := r.svc.Ingest(ctx, env, tally.ViaImport)
		switch {
		case err != nil:
			return fmt.Errorf("bundle line %d: %w", line, err)
		case acc.Duplicate:
			duplicate++
		default:
			accepted++
		}
		return nil
	})
	return accepted, duplicate, err
}

// close stops the tally and closes every store.
func (r *run) close() {
	for _, s := range r.stations {
		s.st.Close()
	}
	if r.stopHTTP != nil {
		r.stopHTTP()
		<-r.served
		r.stopHTTP = nil
	}
	if r.store != nil {
		r.store.Close()
		r.store = nil
	}
}
