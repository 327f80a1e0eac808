// The tally is stopped with SIGKILL and SIGTERM, which only Unix
// delivers to another process.

//go:build unix

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// Bounds of the test across processes: the whole day, the wait for a
// tally to answer /healthz, and the wait for a signalled tally to exit.
const (
	procDayTimeout   = 90 * time.Second
	procReadyTimeout = 10 * time.Second
	procExitTimeout  = 10 * time.Second
)

// The rehearsal clocks. The office prepares a week ahead: the tally
// refuses records signed with a key enrolled later than its clock reads.
// The tally serves on election night; its clock stands, so every receipt
// bears that time, later than any record of the day. The office's work
// after the day runs later still.
const (
	procOfficePrepares = "2026-03-01T09:00:00+01:00"
	procTallyServes    = "2026-03-08T20:00:00+01:00"
	procOfficeAfter    = "2026-03-08T21:00:00+01:00"
)

// procAt is an instant on the Musterstadt election day, as WAHLKOFFER_NOW
// takes it.
func procAt(hhmm string) string { return "2026-03-08T" + hhmm + ":00+01:00" }

// TestProcessesDeliverEveryRecordOnceThroughTallyCrashAndUSB runs a whole
// election day with nothing but real processes of the binary on loopback:
// the office's tally serve, and four stations (in-person 101, 102 and 103,
// postal 901), each a data folder driven by one station command after the
// other, the stations at the same time. The tally is killed with SIGKILL
// while two stations are delivering their quick reports, the final
// records are signed and fail to go out while it is down, and it is
// started again on the same port and store (the kits name that URL).
// District 103 never has network and hands in a USB bundle. Afterwards
// every record is acknowledged with a receipt for its own bytes (103's are
// all held by the office), the office holds each envelope exactly once,
// tally verify is clean, audit of the evidence file equals tally results,
// and the results are the sums of the figures the boards entered.
func TestProcessesDeliverEveryRecordOnceThroughTallyCrashAndUSB(t *testing.T) {
	bin := wahlkofferBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), procDayTimeout)
	defer cancel()
	dir := t.TempDir()
	repoRoot := filepath.Join("..", "..", "..", "..")
	definitionFile, err := filepath.Abs(filepath.Join(repoRoot, "testdata", "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	def := procDefinition(t, definitionFile)
	db := filepath.Join(dir, "tally.db")
	addr := procFreeAddr(t)
	run := func(now string, args ...string) procResult { t.Helper(); return procMust(ctx, t, bin, now, args...) }

	// --- The week before: the office sets up the election and enrolls
	// the districts, every kit naming the tally's address.
	run(procOfficePrepares, "tally", "init", "--store", db, "--election", definitionFile)
	stations := []*procStation{
		{district: "101", online: true},
		{district: "102", online: true},
		{district: "103"}, // no network all day: the USB bundle at the end
		{district: "901", online: true, postal: true},
	}
	for i, s := range stations {
		d, ok := def.District(s.district)
		if !ok {
			t.Fatalf("no district %s in %s", s.district, definitionFile)
		}
		if (d.Kind == ballot.Postal) != s.postal {
			t.Fatalf("district %s is %s", s.district, d.Kind)
		}
		// Figures that pass every check of the station and the tally,
		// warnings included, so that no board needs to give a reason.
		s.counts = synthetic.Counts(rand.New(rand.NewPCG(2026, uint64(i))), def, d)
		s.data = filepath.Join(dir, "station-"+s.district)
		s.kit = filepath.Join(dir, s.district+".wkkit")
		s.pin = "Musterstadt-Wahlbezirk-" + s.district
		s.pinFile = filepath.Join(dir, s.district+".pin")
		if err := os.WriteFile(s.pinFile, []byte(s.pin+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, c := range def.ContestsOf(d) {
			s.contests = append(s.contests, c.ID)
			file := filepath.Join(dir, s.district+"-"+c.ID+".json")
			if err := procWriteFigures(file, s.counts[c.ID]); err != nil {
				t.Fatal(err)
			}
			s.figureFiles = append(s.figureFiles, file)
		}
		out := run(procOfficePrepares, "tally", "enroll", "--store", db, "--district", s.district,
			"--url", "http://"+addr, "--out", s.kit, "--pin-file", s.pinFile, "--kdf-work-factor", "10")
		procWant(t, out, `^district `+s.district+`: kit `)
	}

	// --- Election day. The tally serves on the address of the kits.
	tallyProc := procStartTally(ctx, t, bin, db, addr)
	tallyProc.waitReady(ctx, t)

	// The boards' day up to the signed quick reports, all stations at
	// once; the online ones deliver twice on the way.
	procEach(t, stations, func(s *procStation) error { return s.runUntilQuick(ctx, bin) })

	// 101 and 901 deliver their quick reports (102 has not tried yet) and
	// the tally dies under them, as soon as it has stored the first count:
	// the other may be stored with its answer lost, or not reach the tally
	// at all. Either sync exits 0 (done before the kill) or 1 (records
	// left for later); nothing is refused.
	var wg sync.WaitGroup
	syncs := map[string]procResult{}
	var syncsMu sync.Mutex
	var syncErrs []error
	for _, s := range stations {
		if s.district != "101" && s.district != "901" {
			continue
		}
		wg.Go(func() {
			res, err := procExec(ctx, bin, procAt("18:50"), s.env(), "station", "sync", "--data", s.data, "--tries", "1")
			syncsMu.Lock()
			defer syncsMu.Unlock()
			syncs[s.district], syncErrs = res, append(syncErrs, err)
		})
	}
	if err := tallyProc.waitLog(ctx, `"msg":"record accepted".*"kind":"count"`); err != nil {
		wg.Wait()
		t.Fatalf("no count reached the tally: %v\n%s", err, tallyProc.stderr.String())
	}
	tallyProc.signal(t, syscall.SIGKILL)
	wg.Wait()
	if err := errors.Join(syncErrs...); err != nil {
		t.Fatal(err)
	}
	for d, res := range syncs {
		if res.code != 0 && res.code != 1 {
			t.Fatalf("district %s: sync during the crash: %s", d, res)
		}
		t.Logf("district %s: sync during the crash exited %d: %s", d, res.code, strings.TrimSpace(res.stdout))
	}
	if err := tallyProc.wait(ctx); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the killed tally ended with %v, want killed", err)
	}

	// While the tally is down, every board signs its final records; the
	// online stations' sync finds no tally: exit 1, everything kept.
	procEach(t, stations, func(s *procStation) error { return s.finalWhileDown(ctx, bin) })

	// The operator starts the tally again, on the same store and port.
	tallyProc = procStartTally(ctx, t, bin, db, addr)
	tallyProc.waitReady(ctx, t)
	procEach(t, stations, func(s *procStation) error { return s.syncAfterRestart(ctx, bin) })

	// --- After the close: 103's USB bundle, taken in while the tally
	// serves. A second import, and 101's whole outbox on a stick, change
	// nothing: an envelope is taken once, whichever way it comes.
	st103, st101 := stations[2], stations[0]
	bundle := filepath.Join(dir, "103.wkbundle")
	n103 := st103.expectedRecords()
	procWant(t, run(procOfficeAfter, "station", "export", "--data", st103.data, "--out", bundle),
		fmt.Sprintf(`: %d record\(s\) of district 103, `, n103))
	procWant(t, run(procOfficeAfter, "tally", "import", "--store", db, bundle), fmt.Sprintf(`: %d accepted, 0 duplicate$`, n103))
	procWant(t, run(procOfficeAfter, "tally", "import", "--store", db, bundle), fmt.Sprintf(`: 0 accepted, %d duplicate$`, n103))
	all101 := filepath.Join(dir, "101-all.wkbundle")
	run(procOfficeAfter, "station", "export", "--data", st101.data, "--out", all101, "--all")
	procWant(t, run(procOfficeAfter, "tally", "import", "--store", db, all101),
		fmt.Sprintf(`: 0 accepted, %d duplicate$`, st101.expectedRecords()))

	// The office's checks, while the tally still serves.
	total := 0
	for _, s := range stations {
		total += s.expectedRecords()
	}
	procWant(t, run(procOfficeAfter, "tally", "verify", "--store", db),
		fmt.Sprintf(`^verified %d envelopes, .*: no differences$`, total))
	evidence := filepath.Join(dir, "evidence.jsonl")
	run(procOfficeAfter, "tally", "export-evidence", "--store", db, "--out", evidence)
	audit := run(procOfficeAfter, "audit", evidence, "--format", "json")
	results := run(procOfficeAfter, "tally", "results", "--store", db, "--format", "json")
	if a, r := procWithoutGenerated(audit.stdout), procWithoutGenerated(results.stdout); a != r {
		t.Errorf("audit of the evidence differs from tally results:\n--- audit\n%s\n--- results\n%s", a, r)
	}
	procWantResults(t, def, stations, results.stdout)

	// The tally stops gracefully on SIGTERM: exit 0.
	tallyProc.signal(t, syscall.SIGTERM)
	if err := tallyProc.wait(ctx); err != nil {
		t.Fatalf("tally serve after SIGTERM: %v\n%s", err, tallyProc.stderr.String())
	}

	// --- What the stations and the office's store hold, read from the
	// files the processes left.
	var records []procRecord
	for _, s := range stations {
		records = append(records, s.wantRecords(ctx, t, bin)...)
	}
	if len(records) != total {
		t.Errorf("the stations hold %d records, want %d", len(records), total)
	}
	procWantStoredOnce(ctx, t, db, records)
}

// procStation is one polling station: its district, data folder, kit,
// PIN, and the figures its board enters.
type procStation struct {
	district     string
	online       bool // 103 never syncs
	postal       bool
	data, kit    string
	pin, pinFile string
	contests     []string // of the district, in the order of the definition
	figureFiles  []string // the counts as JSON for --file, by contests
	counts       map[string]ballot.Count
}

// expectedRecords is how many records the station signs in the day the
// test runs: five check-ins, opening, the 10:00 turnout (in person only),
// one incident, closing, and per contest a quick report and a final
// record.
func (s *procStation) expectedRecords() int {
	n := 5 + 1 + 1 + 1 + 2*len(s.contests)
	if !s.postal {
		n++
	}
	return n
}

// env is the station's environment: the PIN for the signing commands (the
// set-up reads it from the file, as at the handover).
func (s *procStation) env() []string {
	return []string{"WAHLKOFFER_PIN=" + s.pin}
}

// step runs one station command at the time now, and wants its exit code
// and, for each pattern, a matching line of its standard output.
func (s *procStation) step(ctx context.Context, bin, now string, code int, patterns []string, args ...string) error {
	full := append(append([]string{"station"}, args...), "--data", s.data)
	res, err := procExec(ctx, bin, now, s.env(), full...)
	if err != nil {
		return fmt.Errorf("district %s: %w", s.district, err)
	}
	if res.code != code {
		return fmt.Errorf("district %s at %s: exit %d, want %d: %s", s.district, now, res.code, code, res)
	}
	for _, p := range patterns {
		if !regexp.MustCompile("(?m)" + p).MatchString(res.stdout) {
			return fmt.Errorf("district %s at %s: no line matches %q: %s", s.district, now, p, res)
		}
	}
	return nil
}

// runUntilQuick is the board's day from the set-up to the signed quick
// reports. The in-person boards meet at 07:30 and open at 08:00; the
// postal board is entered on the day (the office lists nobody), meets at
// 13:30 and admits letters from 14:00. Every poll closes at 18:00; two
// members enter every count, the mayor's from flags and the council's
// from a file. The online stations sync after the check-ins and in the
// afternoon, to a tally that answers.
func (s *procStation) runUntilQuick(ctx context.Context, bin string) error {
	type step struct {
		now            string
		patterns, args []string
	}
	var steps []step
	add := func(now string, patterns []string, args ...string) {
		steps = append(steps, step{now: procAt(now), patterns: patterns, args: args})
	}
	deliver := func(now string, acknowledged int) {
		if s.online {
			add(now, []string{fmt.Sprintf(`^acknowledged %d, rejected 0, remaining 0$`, acknowledged)}, "sync")
		}
	}
	meet, open, board := "07:30", "08:00", make([]string, 5)
	if s.postal {
		meet, open = "13:30", "14:00"
	}
	for i := range board {
		board[i] = fmt.Sprintf("%s-%d", s.district, i+1)
	}
	add("07:00", []string{`^district +.*\(` + s.district + `\)$`}, "setup", "--kit", s.kit, "--pin-file", s.pinFile)
	if s.postal {
		roles := []ballot.Role{ballot.RoleChair, ballot.RoleDeputyChair, ballot.RoleSecretary, ballot.RoleDeputySecretary, ballot.RoleAssessor}
		for i, role := range roles {
			add("13:00", []string{`is on the board`}, "member", "add", "--name", "Briefwahlhelfer "+strconv.Itoa(i+1),
				"--role", string(role), "--id", board[i])
		}
	}
	for _, who := range board {
		add(meet, []string{`checked in at ` + meet}, "checkin", "--person", who, "--at", meet)
	}
	deliver(meet, 5)
	add(open, []string{`^Poll opened at ` + open + `\.$`}, "open", "--at", open)
	b := s.counts[s.contests[0]].B
	if !s.postal {
		add("10:05", []string{`^Turnout 10:00: `}, "turnout", "--slot", "10:00", "--voters", strconv.FormatInt(b/3, 10))
	}
	add("15:10", []string{`^Incident during voting at 15:10 noted\.$`}, "incident", "--text", "Ein Mitglied des Wahlvorstands wurde kurz vertreten.")
	// Since the check-ins: the opening, the turnout (in person only) and
	// the incident.
	sinceCheckIns := 3
	if s.postal {
		sinceCheckIns = 2
	}
	deliver("15:15", sinceCheckIns)
	add("18:00", []string{`^Poll closed at 18:00\.`}, "close", "--at", "18:00")
	for i, c := range s.contests {
		for _, who := range []string{board[0], board[2]} {
			args := []string{"count", "--contest", c, "--entered-by", who}
			if i == 0 {
				args = append(args, procCountFlags(s.counts[c])...)
			} else {
				args = append(args, "--file", s.figureFiles[i])
			}
			add("18:30", []string{`^Checks: nothing found\.$|^The entries agree\.$`}, args...)
		}
	}
	var quick []string
	for _, c := range s.contests {
		quick = append(quick, `^`+c+`: quick report version 1 signed \(record #\d+\), in the outbox\.$`)
	}
	add("18:45", quick, "submit", "--all", "--stage", "quick")
	for _, st := range steps {
		if err := s.step(ctx, bin, st.now, 0, st.patterns, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// finalWhileDown signs the final records while the tally is down; an
// online station then fails to deliver them (exit 1) and keeps them.
func (s *procStation) finalWhileDown(ctx context.Context, bin string) error {
	var final []string
	for _, c := range s.contests {
		final = append(final, `^`+c+`: final record version 1 signed \(record #\d+\), in the outbox\.$`)
	}
	if err := s.step(ctx, bin, procAt("19:30"), 0, final, "submit", "--all", "--stage", "final"); err != nil {
		return err
	}
	if !s.online {
		return nil
	}
	// The pending count is at least the two final records; how many quick
	// reports are left depends on where the kill fell.
	return s.step(ctx, bin, procAt("19:31"), 1, []string{`^acknowledged 0, rejected 0, remaining ([2-9]|\d\d+)$`}, "sync", "--tries", "1")
}

// syncAfterRestart delivers everything left, to the restarted tally.
func (s *procStation) syncAfterRestart(ctx context.Context, bin string) error {
	if !s.online {
		return nil
	}
	return s.step(ctx, bin, procAt("19:40"), 0, []string{`^acknowledged \d+, rejected 0, remaining 0$`,
		fmt.Sprintf(`^Outbox: pending 0, sent 0, acknowledged %d, rejected 0; last receipt `, s.expectedRecords())}, "sync")
}

// procRecord is one record a station signed, with the district whose
// station it is and whether it went by USB.
type procRecord struct {
	sqlite.Record
	district string
	usb      bool
}

// wantRecords checks what the station's store holds once its day is over,
// through station status --json and by opening the store: every record of
// an online station acknowledged with the office's receipt for its bytes;
// every record of 103 still pending (an import gives the station no
// receipts). It returns the records.
func (s *procStation) wantRecords(ctx context.Context, t *testing.T, bin string) []procRecord {
	t.Helper()
	res := procMust(ctx, t, bin, procOfficeAfter, "station", "status", "--data", s.data, "--json")
	var status struct {
		District string         `json:"district"`
		Outbox   map[string]int `json:"outbox"`
		Rejected []any          `json:"rejected"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &status); err != nil {
		t.Fatalf("district %s: station status --json: %v\n%s", s.district, err, res.stdout)
	}
	want := map[string]int{"pending": 0, "sent": 0, "acknowledged": s.expectedRecords(), "rejected": 0}
	if !s.online {
		want["pending"], want["acknowledged"] = s.expectedRecords(), 0
	}
	if status.District != s.district || fmt.Sprint(status.Outbox) != fmt.Sprint(want) || len(status.Rejected) != 0 {
		t.Errorf("district %s: status says district %s, outbox %v, rejected %v; want outbox %v",
			s.district, status.District, status.Outbox, status.Rejected, want)
	}

	st, err := station.Open(ctx, s.data, station.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, err := st.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(state.Records) != s.expectedRecords() {
		t.Errorf("district %s: %d records, want %d", s.district, len(state.Records), s.expectedRecords())
	}
	var out []procRecord
	for _, r := range state.Records {
		if s.online {
			wantReceipt(t, st, r)
		} else if r.State != outbox.StatePending || len(r.Receipt) != 0 {
			t.Errorf("district %s record %d (%s): %s with a receipt of %d bytes, want pending without", s.district, r.Seq, r.Kind, r.State, len(r.Receipt))
		}
		out = append(out, procRecord{Record: r, district: s.district, usb: !s.online})
	}
	return out
}

// procWantStoredOnce checks the office's store, read after the tally
// stopped: it holds every record of the stations exactly once, byte for
// byte as signed, each with the office's receipt, 103's by import and the
// others over HTTP, and nothing else.
func procWantStoredOnce(ctx context.Context, t *testing.T, path string, records []procRecord) {
	t.Helper()
	db, err := tallysqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored := map[string][]store.Envelope{}
	err = db.Envelopes(ctx, func(e store.Envelope) error {
		stored[e.Hash] = append(stored[e.Hash], e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		copies := stored[r.EnvelopeHash]
		if len(copies) != 1 {
			t.Errorf("district %s record %d (%s) is stored %d times", r.district, r.Seq, r.Kind, len(copies))
			continue
		}
		e, via := copies[0], map[bool]string{true: "import", false: "http"}[r.usb]
		if !bytes.Equal(e.Bytes, r.Envelope) || e.District != r.district || e.Seq != r.Seq || e.Via != via || len(e.Receipt) == 0 {
			t.Errorf("district %s record %d (%s) is stored as district %s, seq %d, via %s, with %d bytes of receipt, same bytes %v; want via %s",
				r.district, r.Seq, r.Kind, e.District, e.Seq, e.Via, len(e.Receipt), bytes.Equal(e.Bytes, r.Envelope), via)
		}
		if !r.usb && !bytes.Equal(e.Receipt, r.Receipt) {
			t.Errorf("district %s record %d (%s): the station's receipt is not the one the office keeps", r.district, r.Seq, r.Kind)
		}
	}
	if n, err := db.EnvelopeCount(ctx); err != nil || n != int64(len(records)) {
		t.Errorf("the tally holds %d envelopes (%v), want %d, the stations' records", n, err, len(records))
	}
	if len(stored) != len(records) {
		t.Errorf("the tally holds %d distinct envelopes, want %d", len(stored), len(records))
	}
}

// procWantResults checks the office's results (tally results --format
// json, best view: every district's final record) against the sums of the
// figures the boards entered: in total, in person and postal.
func procWantResults(t *testing.T, def *ballot.Definition, stations []*procStation, resultsJSON string) {
	t.Helper()
	type contestResult struct {
		Contest   string `json:"contest"`
		Districts int64  `json:"districts"`
		A         int64  `json:"a"`
		B         int64  `json:"b"`
		B1        int64  `json:"b1"`
		Invalid   int64  `json:"invalid"`
		Valid     int64  `json:"valid"`
		Options   []struct {
			ID    string `json:"id"`
			Votes int64  `json:"votes"`
		} `json:"options"`
	}
	var results struct {
		View     string `json:"view"`
		Contests []struct {
			Total    contestResult `json:"total"`
			InPerson contestResult `json:"in_person"`
			Postal   contestResult `json:"postal"`
		} `json:"contests"`
	}
	if err := json.Unmarshal([]byte(resultsJSON), &results); err != nil {
		t.Fatalf("tally results --format json: %v\n%s", err, resultsJSON)
	}
	format := func(r contestResult) string {
		s := fmt.Sprintf("districts %d, A %d, B %d, B1 %d, invalid %d, valid %d;", r.Districts, r.A, r.B, r.B1, r.Invalid, r.Valid)
		for _, o := range r.Options {
			s += fmt.Sprintf(" %s %d", o.ID, o.Votes)
		}
		return s
	}
	sum := func(contest string, which func(*procStation) bool) contestResult {
		r := contestResult{Contest: contest}
		c, _, ok := def.Contest(contest)
		if !ok {
			t.Fatalf("no contest %s", contest)
		}
		votes := map[string]int64{}
		for _, s := range stations {
			count, ok := s.counts[contest]
			if !ok || !which(s) {
				continue
			}
			r.Districts++
			r.A, r.B, r.B1, r.Invalid, r.Valid = r.A+count.A(), r.B+count.B, r.B1+count.B1, r.Invalid+count.Invalid, r.Valid+count.Valid
			for id, n := range count.Votes {
				votes[id] += n
			}
		}
		for _, o := range c.Options() {
			r.Options = append(r.Options, struct {
				ID    string `json:"id"`
				Votes int64  `json:"votes"`
			}{o.ID, votes[o.ID]})
		}
		return r
	}
	all := func(*procStation) bool { return true }
	inPerson := func(s *procStation) bool { return !s.postal }
	postal := func(s *procStation) bool { return s.postal }
	seen := map[string]bool{}
	for _, c := range results.Contests {
		id := c.Total.Contest
		seen[id] = true
		for _, part := range []struct {
			name      string
			got, want contestResult
		}{
			{"total", c.Total, sum(id, all)},
			{"in person", c.InPerson, sum(id, inPerson)},
			{"postal", c.Postal, sum(id, postal)},
		} {
			if got, want := format(part.got), format(part.want); got != want {
				t.Errorf("results of %s, %s:\n got %s\nwant %s", id, part.name, got, want)
			}
		}
	}
	if results.View != "best" || !seen["ob"] || !seen["sr"] {
		t.Errorf("results: view %q, contests %v; want best with ob and sr", results.View, seen)
	}
}

// --- processes ---

// procResult is what one finished command left: its output and exit code.
type procResult struct {
	args           []string
	stdout, stderr string
	code           int
}

func (r procResult) String() string {
	return fmt.Sprintf("wahlkoffer %s: exit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// procExec runs the binary once on the rehearsal clock now, in English,
// with the extra environment given. The error is for a command that could
// not run or was cut off by ctx; an exit code is a result.
func procExec(ctx context.Context, bin, now string, extra []string, args ...string) (procResult, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = appEnv(append([]string{"WAHLKOFFER_LANG=en", "WAHLKOFFER_NOW=" + now}, extra...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	res := procResult{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &exit) && exit.Exited():
		res.code = exit.ExitCode()
		return res, nil
	case ctx.Err() != nil:
		return res, fmt.Errorf("%s: cut off: %w", res, ctx.Err())
	}
	return res, fmt.Errorf("%s: %w", res, err)
}

// procMust runs an office command, which must exit 0.
func procMust(ctx context.Context, t *testing.T, bin, now string, args ...string) procResult {
	t.Helper()
	res, err := procExec(ctx, bin, now, nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	if res.code != 0 {
		t.Fatalf("%s", res)
	}
	return res
}

// procWant wants a line of the command's standard output to match.
func procWant(t *testing.T, res procResult, pattern string) {
	t.Helper()
	if !regexp.MustCompile("(?m)" + pattern).MatchString(res.stdout) {
		t.Fatalf("no line matches %q: %s", pattern, res)
	}
}

// procEach runs fn for every station at once, each in its own goroutine,
// and fails the test with every error once all are done.
func procEach(t *testing.T, stations []*procStation, fn func(*procStation) error) {
	t.Helper()
	errs := make([]error, len(stations))
	var wg sync.WaitGroup
	for i, s := range stations {
		wg.Go(func() { errs[i] = fn(s) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

// procTally is one run of `wahlkoffer tally serve`.
type procTally struct {
	addr           string
	cmd            *exec.Cmd
	stdout, stderr *procBuffer
	done           chan struct{} // closed when the process has been waited for
	err            error         // Wait's result, once done
}

// procStartTally starts tally serve on the store and address given. The
// test's cleanup kills it if it still runs, and waits for it.
func procStartTally(ctx context.Context, t *testing.T, bin, db, addr string) *procTally {
	t.Helper()
	p := &procTally{addr: addr, stdout: &procBuffer{}, stderr: &procBuffer{}, done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, bin, "tally", "serve", "--store", db, "--listen", addr)
	p.cmd.Env = appEnv("WAHLKOFFER_LANG=en", "WAHLKOFFER_NOW="+procTallyServes)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitReady polls /healthz until the tally answers 200, within
// procReadyTimeout; a tally that exits meanwhile fails at once.
func (p *procTally) waitReady(ctx context.Context, t *testing.T) {
	t.Helper()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Timeout: time.Second, Transport: transport}
	ctx, cancel := context.WithTimeout(ctx, procReadyTimeout)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/healthz", nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("tally serve ended before it answered: %v\n%s%s", p.err, p.stdout, p.stderr)
		case <-ctx.Done():
			t.Fatalf("tally serve did not answer /healthz on %s within %v\n%s%s", p.addr, procReadyTimeout, p.stdout, p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// waitLog waits until a line of the tally's log matches the pattern.
func (p *procTally) waitLog(ctx context.Context, pattern string) error {
	re := regexp.MustCompile("(?m)" + pattern)
	ctx, cancel := context.WithTimeout(ctx, procReadyTimeout)
	defer cancel()
	for !re.MatchString(p.stderr.String()) {
		select {
		case <-p.done:
			return fmt.Errorf("tally serve ended: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

func (p *procTally) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v to tally serve: %v", sig, err)
	}
}

// wait waits for the tally to exit, within procExitTimeout, and returns
// Wait's error.
func (p *procTally) wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(procExitTimeout):
		return fmt.Errorf("tally serve did not exit within %v", procExitTimeout)
	}
}

// procBuffer is a buffer a process writes to while the test reads it.
type procBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *procBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *procBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// --- set-up ---

// procFreeAddr picks a free loopback port by listening on port 0 and
// closing again. The tally must come back on the same port after its
// restart, because the kits name it, so the port is fixed for the test.
func procFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

func procDefinition(t *testing.T, path string) *ballot.Definition {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	def, err := ballot.ParseDefinition(raw)
	if err != nil {
		t.Fatal(err)
	}
	return def
}

// procCountFlags gives a count as the flags of station count: the
// letters B, B1, C, D, the votes, and a postal board's letters with the
// rejections by legal reason. A1 and A2 are left to their default, the
// register, which is what the figures were made from.
func procCountFlags(c ballot.Count) []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	args := []string{"--b", i(c.B), "--b1", i(c.B1), "--invalid", i(c.Invalid), "--valid", i(c.Valid)}
	for _, id := range slices.Sorted(maps.Keys(c.Votes)) {
		args = append(args, "--vote", id+"="+i(c.Votes[id]))
	}
	if p := c.Postal; p != nil {
		args = append(args, "--received", i(p.Received), "--queried", i(p.Queried), "--admitted", i(p.Admitted))
		for _, r := range slices.Sorted(maps.Keys(p.RejectedBy)) {
			args = append(args, "--rejected", string(r)+"="+i(p.RejectedBy[r]))
		}
	}
	return args
}

// procWriteFigures writes a count as station count --file reads it.
func procWriteFigures(path string, c ballot.Count) error {
	raw, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o600)
}

// procWithoutGenerated drops the line with the time a report was made,
// the one line in which audit and tally results may differ.
func procWithoutGenerated(s string) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool {
		return strings.HasPrefix(strings.TrimSpace(l), `"generated":`)
	}), "")
}
