package chaos

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite", for PRAGMA integrity_check on the tally's file

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// Bounds of the kill harness. The CI run stops at shortKills kills or
// after shortBudget, whichever comes first, and must have killed at least
// minShortKills times. $WAHLKOFFER_CHAOS_KILLS asks for a long run: it
// must reach that many kills within perKillBudget per kill.
const (
	killsEnv      = "WAHLKOFFER_CHAOS_KILLS"
	seedEnv       = "WAHLKOFFER_CHAOS_SEED" // the plan's random seed, to replay a run's choices (the timing stays the machine's)
	shortKills    = 30
	shortBudget   = 20 * time.Second
	minShortKills = 10
	perKillBudget = 3 * time.Second
	roundTimeout  = 30 * time.Second // every process of a round ends within it
	readyTimeout  = 10 * time.Second // tally serve answers /healthz within it
	finalPasses   = 10               // unkilled sync passes at the end, per station
)

// Process kinds, as counted in the figures.
const (
	kindCount    = "station count"
	kindSubmit   = "station submit"
	kindIncident = "station incident"
	kindSync     = "station sync"
	kindTally    = "tally serve"
)

// killDistricts are the stations of the harness; each runs its own acts
// and syncs at the same time as the others.
var killDistricts = []string{"101", "102"}

// TestKillStationsAndTallyAtRandomPoints runs two stations and a tally as
// real processes of the binary and kills them with SIGKILL at random
// points, round after round: station count (an entry of the figures),
// station submit (a signed final record or a correction), station
// incident (a signed record), station sync (delivery), and tally serve
// while a station syncs, either at a random instant or right after it
// committed a record and before its answer left (a lost receipt).
//
// After every round the killed processes are restarted (the tally on the
// same store; a station's next command opens its store again) and the
// harness checks, with nothing running: both SQLite files pass PRAGMA
// integrity_check; the station's records are contiguous, verify and are
// each held once; every record the station holds as acknowledged is in
// the tally byte for byte, with the very receipt the station holds, which
// verifies; the tally holds each envelope once, nothing a station does not
// hold, no refusal and no equivocation, and tally verify (svc.Verify)
// finds no difference; everything a command confirmed with exit 0 is
// there. At the end every record is delivered without kills, `tally
// verify` of the binary is clean, and the office's final results are the
// sums of the stations' newest final records.
func TestKillStationsAndTallyAtRandomPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes for up to 20 s; skipped in -short")
	}
	target, budget, long := shortKills, shortBudget, false
	if os.Getenv(killsEnv) != "" {
		target, long = envInt(t, killsEnv, shortKills), true
		budget = time.Duration(target) * perKillBudget
	}
	bin := wahlkofferBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), budget+2*time.Minute)
	defer cancel()
	h := newKillHarness(ctx, t, bin)

	start := time.Now()
	deadline := start.Add(budget)
	for h.totalKills() < target && time.Now().Before(deadline) {
		h.round(ctx)
	}
	loop := time.Since(start)
	kills := h.totalKills()
	if kills < target && (long || kills < minShortKills) {
		t.Fatalf("%d kills in %v, want %d: the machine is too slow for the budget", kills, loop.Round(time.Second), target)
	}
	h.finish(ctx)
	t.Logf("%d kills in %d rounds, %v (%v with the final delivery and checks): %s", kills, h.rounds,
		loop.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), h.killSummary())
	t.Logf("records: %s", h.recordSummary())
}

// killHarness is the office and its stations as processes.
type killHarness struct {
	t                 *testing.T
	bin, dir          string
	db, addrFile      string
	def               *ballot.Definition
	office            seal.Signer
	rng               *rand.Rand
	tally             *chaosProc // the running tally serve, nil between a kill and the restart
	tallyURL          string
	stations          []*killStation
	rounds, incidentN int

	kills     map[string]int           // effective SIGKILLs by process kind
	tallyMode map[string]int           // tally kills by how they were timed
	duration  map[string]time.Duration // moving average of an unkilled run, by kind
	pending   int                      // sync passes that ended with records pending (exit 1)
	restarts  int
	lostAcks  map[string]bool // station/seq of records a check found at the tally but unacknowledged at the station
}

// killStation is one station's data folder and what its board was told.
type killStation struct {
	district, data, pinFile, id string
	keys                        seal.Keys
	members                     [2]string // the two members who enter the counts
	clock                       int       // seconds after 18:30 of the next act
	variant                     map[string]int
	figures                     map[string][]ballot.Count // per contest, by variant
	files                       map[string][]string       // the figures as JSON files
	state                       *station.State            // as read at the last check

	confirmedIncidents []string         // texts of incidents whose command said "saved"
	confirmedVersions  map[string][]int // versions of final records whose command said "signed"
	expectEntry        *entryExpectation
}

// entryExpectation is an entry a station count confirmed in the last
// round: until the next round it must be there as entered.
type entryExpectation struct {
	contest, member string
	figures         ballot.Count
}

// chaosProc is one process of the binary.
type chaosProc struct {
	kind     string
	st       *killStation
	cmd      *exec.Cmd
	stdout   *lockedBuffer
	stderr   *tallyLog
	started  time.Time
	done     chan struct{}
	elapsed  time.Duration
	killSent atomic.Bool
	onOK     func() // what its exit 0 means for the board
}

// tallyLog keeps a process's standard error and counts the tally's
// "record accepted" lines, logged after the commit and before the answer
// is written.
type tallyLog struct {
	lockedBuffer
	accepted atomic.Int64
}

func newTallyLog() *tallyLog { return &tallyLog{} }

func (l *tallyLog) Write(p []byte) (int, error) {
	l.accepted.Add(int64(bytes.Count(p, []byte(`"msg":"record accepted"`))))
	return l.lockedBuffer.Write(p)
}

// waitAccepted waits until the tally has logged more than base records
// accepted, and says whether it did before stop was closed.
func waitAccepted(tp *chaosProc, base int64, stop <-chan struct{}) bool {
	tick := time.NewTicker(250 * time.Microsecond)
	defer tick.Stop()
	for tp.stderr.accepted.Load() <= base {
		select {
		case <-tick.C:
		case <-stop:
			return false
		}
	}
	return true
}

func newKillHarness(ctx context.Context, t *testing.T, bin string) *killHarness {
	t.Helper()
	dir := t.TempDir()
	h := &killHarness{t: t, bin: bin, dir: dir, db: filepath.Join(dir, "tally.db"), addrFile: filepath.Join(dir, "tally.url"),
		rng:   rand.New(rand.NewPCG(killSeed(t), 8)),
		kills: map[string]int{}, tallyMode: map[string]int{}, lostAcks: map[string]bool{},
		duration: map[string]time.Duration{kindCount: 100 * time.Millisecond, kindSubmit: 150 * time.Millisecond,
			kindIncident: 150 * time.Millisecond, kindSync: 150 * time.Millisecond},
	}
	definition := repoFile(t, "testdata", "musterstadt.json")
	raw, err := os.ReadFile(definition)
	if err != nil {
		t.Fatal(err)
	}
	if h.def, err = ballot.ParseDefinition(raw); err != nil {
		t.Fatal(err)
	}
	// The week before: the office sets up and enrolls the districts.
	mustRun(ctx, t, bin, officePrepares, "tally", "init", "--store", h.db, "--election", definition)
	pem, err := os.ReadFile(h.db + ".office-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	if h.office, err = seal.ParseSignerPEM(pem); err != nil {
		t.Fatal(err)
	}
	h.startTally(ctx)
	pinRE := regexp.MustCompile(`PIN (\S+)`)
	for _, d := range killDistricts {
		s := &killStation{district: d, data: filepath.Join(dir, "station-"+d), pinFile: filepath.Join(dir, d+".pin"),
			members: [2]string{d + "-1", d + "-3"}, variant: map[string]int{}, figures: map[string][]ballot.Count{},
			files: map[string][]string{}, confirmedVersions: map[string][]int{}}
		kit := filepath.Join(dir, d+".wkkit")
		out := mustRun(ctx, t, bin, officePrepares, "tally", "enroll", "--store", h.db, "--district", d,
			"--url", h.tallyURL, "--out", kit, "--kdf-work-factor", "10")
		m := pinRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("tally enroll printed no PIN: %s", out)
		}
		if err := os.WriteFile(s.pinFile, []byte(m[1]+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		h.stations = append(h.stations, s)
	}
	// The morning and the close, unkilled: set up, five members in, the
	// poll opened and closed; the counting acts follow from 18:30.
	var wg sync.WaitGroup
	errs := make([]error, len(h.stations))
	for i, s := range h.stations {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = h.prepareStation(ctx, s)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	tdb, err := tallysqlite.Open(ctx, h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer tdb.Close()
	keys, err := tdb.StationKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range h.stations {
		st, err := station.Open(ctx, s.data, station.Options{Now: func() time.Time { return mustTime(dayAt(18, 30, 0)) }})
		if err != nil {
			t.Fatal(err)
		}
		s.id = st.Identity().Station
		if s.state, err = st.State(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
		for _, k := range keys {
			if k.Station == s.id {
				if s.keys, err = seal.NewKeys(k.PublicKey); err != nil {
					t.Fatal(err)
				}
			}
		}
		if s.keys == nil {
			t.Fatalf("no key of station %s at the tally", s.id)
		}
	}
	t.Cleanup(func() {
		if h.tally != nil {
			h.tally.kill()
			<-h.tally.done
		}
	})
	return h
}

// killSeed is $WAHLKOFFER_CHAOS_SEED or the clock; it is logged, so that a
// failed run's choices can be drawn again.
func killSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if os.Getenv(seedEnv) != "" {
		seed = uint64(envInt(t, seedEnv, 1))
	}
	t.Logf("%s=%d", seedEnv, seed)
	return seed
}

func (h *killHarness) prepareStation(ctx context.Context, s *killStation) error {
	steps := []struct {
		now  string
		args []string
	}{
		{dayAt(7, 30, 0), []string{"station", "setup", "--data", s.data, "--kit", filepath.Join(h.dir, s.district+".wkkit"), "--pin-file", s.pinFile}},
	}
	for i := 1; i <= 5; i++ {
		steps = append(steps, struct {
			now  string
			args []string
		}{dayAt(7, 30, i), []string{"station", "checkin", "--data", s.data, "--pin-file", s.pinFile, "--person", fmt.Sprintf("%s-%d", s.district, i)}})
	}
	steps = append(steps,
		struct {
			now  string
			args []string
		}{dayAt(8, 0, 0), []string{"station", "open", "--data", s.data, "--pin-file", s.pinFile}},
		struct {
			now  string
			args []string
		}{dayAt(18, 0, 0), []string{"station", "close", "--data", s.data, "--pin-file", s.pinFile}})
	for _, st := range steps {
		code, out, errOut, err := run(ctx, h.bin, st.now, st.args...)
		if err != nil || code != 0 {
			return fmt.Errorf("district %s: wahlkoffer %s: exit %d, %v\n%s%s", s.district, strings.Join(st.args, " "), code, err, out, errOut)
		}
	}
	return nil
}

// --- processes ---

func (h *killHarness) spawn(ctx context.Context, kind string, s *killStation, now string, args ...string) *chaosProc {
	h.t.Helper()
	p := spawn(ctx, h.bin, kind, now, args...)
	p.st = s
	return p
}

// spawn starts the binary at the instant now; a goroutine waits for it.
func spawn(ctx context.Context, bin, kind, now string, args ...string) *chaosProc {
	p := &chaosProc{kind: kind, stdout: &lockedBuffer{}, stderr: newTallyLog(), done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, bin, args...)
	p.cmd.Env = procEnv(now)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.WaitDelay = 5 * time.Second
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		panic(fmt.Sprintf("starting %s: %v", kind, err)) // the binary was just built: nothing a test could go on from
	}
	go func() {
		_ = p.cmd.Wait()
		p.elapsed = time.Since(p.started)
		close(p.done)
	}()
	return p
}

// kill sends SIGKILL unless the process has been waited for.
func (p *chaosProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.killSent.Store(true)
	_ = p.cmd.Process.Kill()
}

// killed says whether SIGKILL ended the process: a kill that came after
// it exited on its own does not count.
func (p *chaosProc) killed() bool {
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return p.killSent.Load() && ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

func (p *chaosProc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *chaosProc) String() string {
	return fmt.Sprintf("%s %s: %v\n%s%s", p.kind, strings.Join(p.cmd.Args[1:], " "), p.cmd.ProcessState, p.stdout, p.stderr)
}

// startTally starts tally serve and waits until it answers; it fails the
// test if the tally does not come up (after a kill, that would be a
// store that does not open again).
func (h *killHarness) startTally(ctx context.Context) {
	h.t.Helper()
	var err error
	if h.tally, h.tallyURL, err = serveTally(ctx, h.bin, h.db, h.addrFile); err != nil {
		h.t.Fatal(err)
	}
}

// serveTally starts tally serve on the store, on a free loopback port,
// and waits until it answers /healthz; it returns the process and its URL.
func serveTally(ctx context.Context, bin, db, addrFile string) (*chaosProc, string, error) {
	_ = os.Remove(addrFile)
	p := spawn(ctx, bin, kindTally, tallyServes, "tally", "serve", "--store", db, "--listen", "127.0.0.1:0",
		"--addr-file", addrFile, "--drain", "2s")
	deadline := time.Now().Add(readyTimeout)
	transport := &http.Transport{DisableKeepAlives: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: time.Second, Transport: transport}
	for {
		if b, err := os.ReadFile(addrFile); err == nil {
			url := strings.TrimSpace(string(b))
			if resp, err := client.Get(url + "/healthz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return p, url, nil
				}
			}
		}
		if !p.running() {
			return nil, "", fmt.Errorf("tally serve ended before it answered: %v", p)
		}
		if time.Now().After(deadline) {
			p.kill()
			<-p.done
			return nil, "", fmt.Errorf("tally serve did not answer /healthz within %v: %v", readyTimeout, p)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// --- a round ---

// round starts one act per station, a sync beside it for most stations,
// kills some of them and perhaps the tally at random points, waits for
// every process, restarts what was killed and checks everything.
func (h *killHarness) round(ctx context.Context) {
	h.t.Helper()
	h.rounds++
	var procs, syncs []*chaosProc
	baseAccepted := h.tally.stderr.accepted.Load()
	for _, s := range h.stations {
		procs = append(procs, h.act(ctx, s))
		if h.rng.IntN(10) < 6 {
			p := h.spawn(ctx, kindSync, s, dayAt(18, 30, s.clock), "station", "sync", "--data", s.data, "--url", h.tallyURL, "--tries", "1")
			procs, syncs = append(procs, p), append(syncs, p)
		}
	}

	// The plan, drawn before any goroutine runs: each process is killed
	// with probability 0.45 at an instant drawn uniformly over how long
	// such a process usually runs, or, for half of the syncs, within 3 ms
	// of the tally's next commit (before the station stored the receipt:
	// an answer lost); and the tally in a third of the rounds with a sync.
	type planned struct {
		p           *chaosProc
		delay       time.Duration
		afterCommit bool
	}
	var plan []planned
	for _, p := range procs {
		if h.rng.IntN(100) < 45 {
			if p.kind == kindSync && h.rng.IntN(2) == 0 {
				plan = append(plan, planned{p, time.Duration(h.rng.IntN(3000)) * time.Microsecond, true})
			} else {
				plan = append(plan, planned{p, h.randDelay(p.kind), false})
			}
		}
	}
	tallyMode := ""
	var tallyDelay time.Duration
	if len(syncs) > 0 && h.rng.IntN(3) == 0 {
		tallyMode = "at random"
		if h.rng.IntN(2) == 0 {
			tallyMode = "after a commit"
		}
		tallyDelay = h.randDelay(kindSync)
		if tallyMode == "after a commit" {
			tallyDelay = time.Duration(h.rng.IntN(2)*h.rng.IntN(1500)) * time.Microsecond
		}
	}
	if len(plan) == 0 && tallyMode == "" {
		p := procs[h.rng.IntN(len(procs))]
		plan = append(plan, planned{p, h.randDelay(p.kind), false})
	}

	var wg sync.WaitGroup
	tp := h.tally
	for _, k := range plan {
		wg.Go(func() {
			if k.afterCommit && !waitAccepted(tp, baseAccepted, k.p.done) {
				return
			}
			timer := time.NewTimer(k.delay)
			defer timer.Stop()
			select {
			case <-timer.C:
				k.p.kill()
			case <-k.p.done:
			}
		})
	}
	tallyKilled := false
	if tallyMode != "" {
		wg.Go(func() { tallyKilled = h.killTally(tp, syncs, tallyMode, tallyDelay, baseAccepted) })
	}

	limit := time.After(roundTimeout)
	for _, p := range procs {
		select {
		case <-p.done:
		case <-limit:
			for _, q := range procs {
				q.kill()
			}
			h.t.Fatalf("round %d: %s still runs after %v: %v", h.rounds, p.kind, roundTimeout, p)
		}
	}
	wg.Wait()

	if tallyKilled {
		<-h.tally.done
		if !h.tally.killed() {
			h.t.Fatalf("round %d: the tally was not ended by the kill: %v", h.rounds, h.tally)
		}
		h.kills[kindTally]++
		h.tallyMode[tallyMode]++
		h.tally = nil
		h.restarts++
		h.startTally(ctx) // the restart: the same store, a new process
	} else if !h.tally.running() {
		h.t.Fatalf("round %d: tally serve ended by itself: %v", h.rounds, h.tally)
	}

	for _, p := range procs {
		if p.killed() {
			h.kills[p.kind]++
			continue
		}
		code := p.cmd.ProcessState.ExitCode()
		switch {
		case p.kind == kindSync && code == 1:
			// Records still pending: the tally was down, or was killed
			// while this pass ran.
			h.pending++
			if !tallyKilled && !strings.Contains(p.stderr.String(), "connection") && !strings.Contains(p.stderr.String(), "EOF") {
				h.t.Errorf("round %d: a sync pass ended with records pending though the tally was up: %v", h.rounds, p)
			}
		case code != 0:
			h.t.Fatalf("round %d: %s was not killed and failed: %v", h.rounds, p.kind, p)
		default:
			h.duration[p.kind] = (4*h.duration[p.kind] + p.elapsed) / 5
			if p.onOK != nil {
				p.onOK()
			}
		}
	}
	h.check(ctx, fmt.Sprintf("round %d", h.rounds))
}

// randDelay draws a kill instant for a process of the kind: uniformly
// from its start to a little past its usual end.
func (h *killHarness) randDelay(kind string) time.Duration {
	return time.Duration(h.rng.Int64N(int64(h.duration[kind]) * 6 / 5))
}

// killTally kills the tally during a sync: after delay, or ("after a
// commit") as soon as it logs a record accepted in this round, plus delay.
// It kills nothing once every sync has ended.
func (h *killHarness) killTally(tp *chaosProc, syncs []*chaosProc, mode string, delay time.Duration, base int64) bool {
	allDone := make(chan struct{})
	go func() {
		for _, p := range syncs {
			<-p.done
		}
		close(allDone)
	}()
	if mode == "after a commit" && !waitAccepted(tp, base, allDone) {
		return false
	}
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-allDone:
		return false
	}
	if !slices.ContainsFunc(syncs, (*chaosProc).running) {
		return false
	}
	tp.kill()
	return true
}

// act starts the station's next act at its clock: an incident in a
// quarter of the rounds, else the next step of a count.
func (h *killHarness) act(ctx context.Context, s *killStation) *chaosProc {
	now := dayAt(18, 30, s.clock)
	s.clock++
	s.expectEntry = nil
	if h.rng.IntN(4) == 0 {
		h.incidentN++
		text := fmt.Sprintf("Vorkommnis %d in Wahlbezirk %s: Ein Wähler hat den Stimmzettel fotografiert.", h.incidentN, s.district)
		p := h.spawn(ctx, kindIncident, s, now, "station", "incident", "--data", s.data, "--pin-file", s.pinFile, "--text", text)
		p.onOK = func() { s.confirmedIncidents = append(s.confirmedIncidents, text) }
		return p
	}
	contests := h.def.ContestsOf(mustDistrict(h.def, s.district))
	c := contests[h.rng.IntN(len(contests))].ID
	return h.countStep(ctx, s, c, now)
}

// countStep works towards the figures of the current variant: the first
// member's entry, the second's, then the final record (a correction with
// a reason from version 2 on); once sent, the next variant.
func (h *killHarness) countStep(ctx context.Context, s *killStation, contest, now string) *chaosProc {
	for range 2 {
		target, file := h.target(s, contest)
		for _, m := range s.members {
			if e := entryOf(s.state, contest, m); e == nil || len(ballot.CompareEntries(e, &target)) > 0 {
				p := h.spawn(ctx, kindCount, s, now, "station", "count", "--data", s.data, "--contest", contest, "--entered-by", m, "--file", file)
				p.onOK = func() { s.expectEntry = &entryExpectation{contest: contest, member: m, figures: target} }
				return p
			}
		}
		last := s.state.LastSent(contest, ballot.StageFinal)
		if last != nil && len(ballot.CompareEntries(last.Count, &target)) == 0 {
			s.variant[contest]++
			continue
		}
		args := []string{"station", "submit", "--data", s.data, "--pin-file", s.pinFile, "--contest", contest, "--stage", "final"}
		version := 1
		if last != nil {
			version = last.Count.Version + 1
			args = append(args, "--correction-reason", fmt.Sprintf("Nachzählung ergab Fassung %d", version))
		}
		p := h.spawn(ctx, kindSubmit, s, now, args...)
		p.onOK = func() { s.confirmedVersions[contest] = append(s.confirmedVersions[contest], version) }
		return p
	}
	h.t.Fatalf("district %s, %s: no step towards variant %d", s.district, contest, s.variant[contest])
	return nil
}

// target returns the figures of the station's current variant for the
// contest and the file that holds them: plausible counts (no finding,
// warnings included), each variant different from the one before.
func (h *killHarness) target(s *killStation, contest string) (ballot.Count, string) {
	h.t.Helper()
	v := s.variant[contest]
	for len(s.figures[contest]) <= v {
		n := len(s.figures[contest])
		d := mustDistrict(h.def, s.district)
		seed := uint64(0)
		for _, r := range s.district + "/" + contest {
			seed = seed*31 + uint64(r)
		}
		var c ballot.Count
		for try := uint64(0); ; try++ {
			c = synthetic.Counts(rand.New(rand.NewPCG(seed, uint64(n)*1000+try)), h.def, d)[contest]
			if n == 0 || len(ballot.CompareEntries(&s.figures[contest][n-1], &c)) > 0 {
				break
			}
		}
		raw, err := json.MarshalIndent(c, "", "  ")
		if err != nil {
			h.t.Fatal(err)
		}
		file := filepath.Join(h.dir, fmt.Sprintf("%s-%s-%d.json", s.district, contest, n))
		if err := os.WriteFile(file, raw, 0o600); err != nil {
			h.t.Fatal(err)
		}
		s.figures[contest] = append(s.figures[contest], c)
		s.files[contest] = append(s.files[contest], file)
	}
	return s.figures[contest][v], s.files[contest][v]
}

func entryOf(st *station.State, contest, member string) *ballot.Count {
	for _, e := range st.Entries[contest] {
		if e.EnteredBy == member {
			return e.Count
		}
	}
	return nil
}

func mustDistrict(def *ballot.Definition, id string) *ballot.District {
	d, ok := def.District(id)
	if !ok {
		panic("no district " + id)
	}
	return d
}

// --- the checks ---

// check reads both stores with nothing running and fails the test on the
// first broken invariant.
func (h *killHarness) check(ctx context.Context, when string) {
	h.t.Helper()
	fail := func(format string, args ...any) {
		h.t.Helper()
		h.t.Fatalf("%s: %s", when, fmt.Sprintf(format, args...))
	}
	if bad, err := integrityCheck(ctx, h.db); err != nil || bad != nil {
		fail("tally store: integrity_check: %v %v", bad, err)
	}
	tdb, err := tallysqlite.Open(ctx, h.db)
	if err != nil {
		fail("tally store does not open: %v", err)
	}
	defer tdb.Close()
	held := map[string]map[uint64]store.Envelope{} // station → seq → envelope
	hashes := map[string]bool{}
	err = tdb.Envelopes(ctx, func(e store.Envelope) error {
		if hashes[e.Hash] {
			return fmt.Errorf("envelope %.12s is held twice", e.Hash)
		}
		hashes[e.Hash] = true
		if held[e.Station] == nil {
			held[e.Station] = map[uint64]store.Envelope{}
		}
		if _, dup := held[e.Station][e.Seq]; dup {
			return fmt.Errorf("station %s, seq %d: two envelopes", e.Station, e.Seq)
		}
		held[e.Station][e.Seq] = e
		return nil
	})
	if err != nil {
		fail("tally store: %v", err)
	}
	if rej, err := tdb.Rejections(ctx); err != nil || len(rej) > 0 {
		fail("the tally refused records: %+v %v", rej, err)
	}
	if eq, err := tdb.Equivocations(ctx); err != nil || len(eq) > 0 {
		fail("the tally flagged equivocations: %+v %v", eq, err)
	}
	svc, err := tally.New(ctx, tdb, seal.Signer{}, tally.Options{Logger: slog.New(slog.DiscardHandler), Clock: func() time.Time { return mustTime(tallyServes) }})
	if err != nil {
		fail("tally service: %v", err)
	}
	rep, err := svc.Verify(ctx)
	if err != nil || !rep.OK() {
		fail("tally verify: %v %v", rep.Differences, err)
	}

	stationIDs := map[string]bool{}
	for _, s := range h.stations {
		stationIDs[s.id] = true
		h.checkStation(ctx, s, held[s.id], fail)
	}
	for id := range held {
		if !stationIDs[id] {
			fail("the tally holds records of an unknown station %s", id)
		}
	}
}

func (h *killHarness) checkStation(ctx context.Context, s *killStation, held map[uint64]store.Envelope, fail func(string, ...any)) {
	st, err := station.Open(ctx, s.data, station.Options{Now: func() time.Time { return mustTime(dayAt(18, 30, s.clock)) }})
	if err != nil {
		fail("district %s: the station store does not open again: %v", s.district, err)
	}
	defer st.Close()
	if bad, err := st.DB().IntegrityCheck(ctx); err != nil || bad != nil {
		fail("district %s: station integrity_check: %v %v", s.district, bad, err)
	}
	state, err := st.State(ctx)
	if err != nil {
		fail("district %s: reading the state: %v", s.district, err)
	}
	s.state = state
	office := h.office.Public()
	for i, r := range state.Records {
		if r.Seq != uint64(i+1) {
			fail("district %s: record %d has seq %d", s.district, i+1, r.Seq)
		}
		if r.EnvelopeHash != seal.EnvelopeHash(r.Envelope) {
			fail("district %s: record %d: the envelope does not match its hash", s.district, r.Seq)
		}
		op, err := seal.OpenRecord(r.Envelope, s.keys)
		if err != nil || op.Record.Seq != r.Seq {
			fail("district %s: record %d does not verify: %v", s.district, r.Seq, err)
		}
		e, atTally := held[r.Seq]
		if atTally && !bytes.Equal(e.Bytes, r.Envelope) {
			fail("district %s: record %d: the tally holds other bytes under its seq", s.district, r.Seq)
		}
		switch r.State {
		case outbox.StateAcknowledged:
			if !atTally {
				fail("district %s: record %d (%s) is acknowledged but missing at the tally", s.district, r.Seq, r.Kind)
			}
			rc, err := seal.OpenReceipt(r.Receipt, office)
			if err != nil || !rc.Covers(r.Envelope) || rc.Seq != r.Seq || rc.Station != s.id || rc.District != s.district {
				fail("district %s: record %d: the receipt does not verify or cover it: %+v %v", s.district, r.Seq, rc, err)
			}
			if !bytes.Equal(r.Receipt, e.Receipt) {
				fail("district %s: record %d: the station's receipt is not the one the tally issued", s.district, r.Seq)
			}
		case outbox.StateRejected:
			fail("district %s: record %d rejected: %s %s", s.district, r.Seq, r.RejectCode, r.RejectMessage)
		default:
			if atTally {
				// Delivered, the answer lost with a killed process: the
				// next pass must get the same receipt.
				h.lostAcks[fmt.Sprintf("%s/%d", s.id, r.Seq)] = true
			}
		}
	}
	for seq := range held {
		if seq == 0 || seq > uint64(len(state.Records)) {
			fail("district %s: the tally holds seq %d, the station only %d records", s.district, seq, len(state.Records))
		}
	}
	// What the board was told is saved is there, once.
	for _, text := range s.confirmedIncidents {
		if n := countFunc(state.Incidents, func(i ballot.Incident) bool { return i.Text == text }); n != 1 {
			fail("district %s: the confirmed incident %q is there %d times", s.district, text, n)
		}
	}
	for contest, versions := range s.confirmedVersions {
		for _, v := range versions {
			if n := countFunc(state.Sent[contest], func(sc station.SentCount) bool {
				return sc.Count.Stage == ballot.StageFinal && sc.Count.Version == v
			}); n != 1 {
				fail("district %s: the confirmed final record %s version %d is there %d times", s.district, contest, v, n)
			}
		}
	}
	for contest, sent := range state.Sent {
		seen := map[int]bool{}
		for _, sc := range sent {
			if sc.Count.Stage == ballot.StageFinal && seen[sc.Count.Version] {
				fail("district %s: two final records %s version %d", s.district, contest, sc.Count.Version)
			}
			seen[sc.Count.Version] = true
		}
	}
	if x := s.expectEntry; x != nil {
		if e := entryOf(state, x.contest, x.member); e == nil || len(ballot.CompareEntries(e, &x.figures)) > 0 {
			fail("district %s: the confirmed entry of %s by %s is not there as entered", s.district, x.contest, x.member)
		}
	}
}

func countFunc[T any](s []T, f func(T) bool) int {
	n := 0
	for _, v := range s {
		if f(v) {
			n++
		}
	}
	return n
}

// integrityCheck runs PRAGMA integrity_check on a SQLite file through a
// connection of its own, and returns its findings, nil when sound.
func integrityCheck(ctx context.Context, path string) ([]string, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != "ok" {
			bad = append(bad, s)
		}
	}
	return bad, rows.Err()
}

// --- the end ---

// finish delivers everything without kills, checks again, runs the
// binary's tally verify and compares the office's final results with the
// stations' newest final records.
func (h *killHarness) finish(ctx context.Context) {
	h.t.Helper()
	for _, s := range h.stations {
		for pass := 1; ; pass++ {
			code, out, errOut, err := run(ctx, h.bin, dayAt(18, 30, s.clock), "station", "sync", "--data", s.data, "--url", h.tallyURL, "--tries", "3")
			if err == nil && code == 0 {
				break
			}
			if pass == finalPasses {
				h.t.Fatalf("district %s: still not delivered after %d passes: exit %d %v\n%s%s", s.district, pass, code, err, out, errOut)
			}
		}
	}
	h.check(ctx, "after the final delivery")
	total := 0
	for _, s := range h.stations {
		for _, r := range s.state.Records {
			if r.State != outbox.StateAcknowledged {
				h.t.Fatalf("district %s: record %d is %s after the final delivery", s.district, r.Seq, r.State)
			}
		}
		total += len(s.state.Records)
	}
	out := mustRun(ctx, h.t, h.bin, tallyServes, "tally", "verify", "--store", h.db)
	if !strings.Contains(out, fmt.Sprintf("verified %d envelopes", total)) || !strings.Contains(out, "no differences") {
		h.t.Fatalf("tally verify: %s (want %d envelopes)", out, total)
	}
	h.wantFinalResults(ctx)
}

// wantFinalResults checks the final view of each contest against the sum
// of the stations' newest final records.
func (h *killHarness) wantFinalResults(ctx context.Context) {
	h.t.Helper()
	tdb, err := tallysqlite.Open(ctx, h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	defer tdb.Close()
	svc, err := tally.New(ctx, tdb, seal.Signer{}, tally.Options{Logger: slog.New(slog.DiscardHandler), Clock: func() time.Time { return mustTime(tallyServes) }})
	if err != nil {
		h.t.Fatal(err)
	}
	res, err := svc.Results(ctx, tally.ViewFinal)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, cr := range res.Contests {
		got := cr.Total
		var want ballot.Count
		want.Votes = map[string]int64{}
		districts := int64(0)
		for _, s := range h.stations {
			last := s.state.LastSent(got.Contest, ballot.StageFinal)
			if last == nil {
				continue
			}
			districts++
			want.B += last.Count.B
			want.Invalid += last.Count.Invalid
			want.Valid += last.Count.Valid
			for id, n := range last.Count.Votes {
				want.Votes[id] += n
			}
		}
		if got.Districts != districts || got.B != want.B || got.Invalid != want.Invalid || got.Valid != want.Valid {
			h.t.Errorf("final result of %s: districts %d, B %d, C %d, D %d; the stations' newest final records add up to %d, %d, %d, %d",
				got.Contest, got.Districts, got.B, got.Invalid, got.Valid, districts, want.B, want.Invalid, want.Valid)
		}
		for _, o := range got.Options {
			if o.Votes != want.Votes[o.ID] {
				h.t.Errorf("final result of %s: %s has %d votes, the stations' records %d", got.Contest, o.ID, o.Votes, want.Votes[o.ID])
			}
		}
	}
}

// --- figures ---

func (h *killHarness) totalKills() int {
	n := 0
	for _, k := range h.kills {
		n += k
	}
	return n
}

func (h *killHarness) killSummary() string {
	var parts []string
	for _, k := range []string{kindCount, kindSubmit, kindIncident, kindSync, kindTally} {
		parts = append(parts, fmt.Sprintf("%s %d", k, h.kills[k]))
	}
	return fmt.Sprintf("%s (tally: %d at random during a sync, %d right after a commit); %d tally restarts; %d sync passes left records pending",
		strings.Join(parts, ", "), h.tallyMode["at random"], h.tallyMode["after a commit"], h.restarts, h.pending)
}

func (h *killHarness) recordSummary() string {
	var parts []string
	total, finals := 0, 0
	for _, s := range h.stations {
		total += len(s.state.Records)
		for _, sent := range s.state.Sent {
			finals += len(sent)
		}
		parts = append(parts, fmt.Sprintf("%s %d", s.district, len(s.state.Records)))
	}
	return fmt.Sprintf("%d signed records (%s), %d of them final records and corrections, all acknowledged exactly once; "+
		"%d records were stored at the tally while a kill had lost their answer", total, strings.Join(parts, ", "), finals, len(h.lostAcks))
}
