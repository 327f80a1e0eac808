package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/binarytest"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// Limits of the tmux test: the day in the app has dayTimeout in all, one
// expected screen waitTimeout (the build has its own bound, in binarytest).
const (
	dayTimeout  = 60 * time.Second
	waitTimeout = 10 * time.Second
)

// TestTmuxStationDayInTheTerminalApp drives the real binary's terminal app
// in tmux at 80×24 through district 101's day, in four runs of the app
// on the rehearsal clock, each ended with q (the next run must find
// everything): at 07:30 unlock (a wrong PIN first), check in five members
// and find that the poll cannot open before 08:00; at 08:00 open it; at
// 10:05 report the 10:00 turnout; at 18:05 close the
// poll, enter the mayor count twice with D2 mistyped, fix it, send the
// quick report to a real tally on loopback and see its receipt. Then it
// reads the station's store and the tally.
func TestTmuxStationDayInTheTerminalApp(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("WAHLKOFFER_SKIP_TMUX") == "1" {
			t.Skip("tmux is not installed and WAHLKOFFER_SKIP_TMUX=1")
		}
		t.Fatal("tmux is not installed: this test drives the terminal app in tmux (CI installs it); " +
			"install tmux, or set WAHLKOFFER_SKIP_TMUX=1 to skip the test")
	}
	bin := wahlkofferBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), dayTimeout)
	defer cancel()

	office := newOfficeTally(t)
	dir := t.TempDir()
	sealed, pin := sealKit(t, office, "101", office.Base())
	kitFile, pinFile, data := filepath.Join(dir, "101.wkkit"), filepath.Join(dir, "pin.txt"), filepath.Join(dir, "data")
	if err := errors.Join(os.WriteFile(kitFile, sealed, 0o600), os.WriteFile(pinFile, []byte(pin+"\n"), 0o600)); err != nil {
		t.Fatal(err)
	}
	setup := exec.CommandContext(ctx, bin, "station", "setup", "--data", data, "--kit", kitFile, "--pin-file", pinFile)
	setup.Env = appEnv("WAHLKOFFER_NOW=2026-03-08T07:30:00+01:00")
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("station setup: %v\n%s", err, out)
	}
	term := newTerm(ctx, t, tmux, bin, data)

	// 07:30, first run: the unlock screen, a wrong PIN, the right one.
	term.start("2026-03-08T07:30:00+01:00")
	term.waitFor("Die Station ist gesperrt", "PIN: [")
	term.text("1111-2222-3333-4444").keys("Enter").waitFor("Die PIN passt nicht zu diesem Wahlkoffer")
	term.unlock(pin)
	term.waitFor("vor der Eröffnung der Wahlhandlung", "Nicht beschlussfähig: 0 anwesend",
		"Als Nächstes: Die Mitglieder des Wahlvorstands anmelden (v).")
	// The board, top down; each check-in is stored before the next.
	term.keys("v").waitFor("Petra Weber", "nicht da")
	for _, name := range []string{"Petra Weber", "Benedikt Weiß", "Maria Bauer", "Jörg Schneider", "Magdalena Fischer"} {
		term.keys("Enter").waitFor(name + " angemeldet um 07:3") // the clock runs on from 07:30
		term.keys("Down")
	}
	term.waitFor("Beschlussfähig: 5 anwesend")
	// The poll opens at 08:00, not before.
	term.keys("h", "o").waitFor("Die Wahlhandlung jetzt (07:3", "[j] ja  [n] nein")
	term.keys("j").waitFor("Die Wahlhandlung beginnt um 08:00, nicht früher.")
	term.quit()

	// 08:00, second run: the poll opens.
	term.start("2026-03-08T08:00:00+01:00")
	term.unlock(pin)
	term.keys("o").waitFor("Die Wahlhandlung jetzt (08:0", "[j] ja  [n] nein")
	term.keys("j").waitFor("Wahlhandlung läuft (eröffnet um 08:0")
	term.quit()

	// 10:05, second run: nothing was lost, and the 10:00 report is due
	// and offered first.
	term.start("2026-03-08T10:05:00+01:00")
	term.unlock(pin)
	term.waitFor("Wahlhandlung läuft (eröffnet um 08:0", "Beschlussfähig: 5 anwesend", "Meldung für 10:00 ist fällig")
	term.keys("w").waitMatch(`Meldezeit +10:00`)
	term.text("312").keys("C-s").waitFor("Wahlbeteiligung 10:00: 312 Wählende, gemeldet um 10:0")
	term.quit()

	// 18:05, third run: close the poll and count.
	term.start("2026-03-08T18:05:00+01:00")
	term.unlock(pin)
	term.waitFor("Wahlhandlung läuft (eröffnet um 08:0", "c Wahlhandlung schließen")
	term.keys("c").waitFor("Die Wahlhandlung jetzt (18:0", "schließen?")
	term.keys("j").waitFor("Auszählung (Wahlhandlung geschlossen um 18:0", "ob: 0 von 2 Eingaben")
	term.keys("a").waitFor("Eingabe durch ‹ Petra Weber ›", "1. fehlt")
	term.enterMayor("300").waitFor("Eingabe 1 von Petra Weber für ob gespeichert.", "1. Petra Weber ✓ · 2. fehlt")
	// The form is empty again and offers the next member present; Maria
	// Bauer makes the second entry instead, and mistypes D2.
	term.waitFor("Eingabe durch ‹ Benedikt Weiß ›")
	term.keys("Right").waitFor("Eingabe durch ‹ Maria Bauer ›")
	term.enterMayor("390").waitFor("Eingabe 2 von Maria Bauer für ob gespeichert. Eingaben weichen in 1 Feld(ern)",
		"≠ D2 Jürgen Öztürk (SPD): 1. Eingabe 300, 2. Eingabe 390", "≠ 1 abweichend")
	// She loads her own entry, goes to D2 (ten fields down from "Eingabe
	// durch": A1 A2 A3 B B1 marks C D D1 D2), fixes it and saves.
	term.keys("l").waitFor("Eingabe 2 von Maria Bauer geladen")
	term.keys(slices.Repeat([]string{"Tab"}, 10)...).waitMatch(`› ≠ D2 +\[ *390 \]`)
	term.keys("BSpace", "BSpace", "BSpace").text("300").waitMatch(`› ≠ D2 +\[ *300 \]`)
	term.keys("C-s").waitFor("Eingabe 2 von Maria Bauer für ob gespeichert. Eingaben stimmen überein.", "✓ stimmen überein")
	// The quick report: the figures to review, send, and the receipt once
	// the background sync has delivered it.
	term.keys("m").waitMatch(`Schnellmeldung +noch nicht gesendet`)
	term.waitFor("Fassung 1, eingegeben von Petra Weber und Maria Bauer", "B 1.000 · B1 200 · C 10 · D 990", "[ Schnellmeldung senden ]")
	term.waitMatch(`D2 Jürgen Öztürk +300`)
	term.keys("C-s").waitFor("Schnellmeldung für ob (Fassung 1) signiert und im Postausgang.")
	term.waitMatch(`Schnellmeldung +Fassung 1 \(Nr\. 9\): ✓ Quittung des Wahlamts, eingegangen \d\d:\d\d`)
	term.keys("h").waitFor("ob: ✓ Eingaben stimmen überein · Schnellmeldung ✓ quittiert", "0 wartend · 0 gesendet · 9 quittiert")
	term.quit()

	wantStationDay(ctx, t, office, data)
}

// wantStationDay checks the store the app left behind, and the tally.
func wantStationDay(ctx context.Context, t *testing.T, office *officeTally, data string) {
	t.Helper()
	s, err := station.Open(ctx, data, station.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, e := range st.Attendance {
		in = append(in, fmt.Sprintf("%s %v", e.PersonID, e.In))
	}
	if got := strings.Join(in, ", "); got != "101-1 true, 101-2 true, 101-3 true, 101-4 true, 101-5 true" {
		t.Errorf("attendance: %s", got)
	}
	inMinute := func(what string, at *time.Time, h, m int) {
		if at == nil || at.Before(day(h, m)) || !at.Before(day(h, m+1)) {
			t.Errorf("%s at %v, want in the minute from %02d:%02d", what, at, h, m)
		}
	}
	inMinute("opened", st.Opened, 8, 0)
	inMinute("closed", st.Closed, 18, 5)
	if len(st.Turnouts) != 1 || st.Turnouts[0].Slot != "10:00" || st.Turnouts[0].Voters != 312 {
		t.Errorf("turnout reports: %+v", st.Turnouts)
	}
	// The quick report has the figures typed, D2 fixed, entered by Petra
	// Weber and Maria Bauer, and is acknowledged.
	quick, want := st.LastSent("ob", ballot.StageQuick), mayorCount()
	if quick == nil {
		t.Fatal("no quick report of ob")
	}
	if c := quick.Count; c.Version != 1 || c.B != want.B || c.B1 != want.B1 || c.Invalid != want.Invalid || c.Valid != want.Valid ||
		fmt.Sprint(c.Votes) != fmt.Sprint(want.Votes) || strings.Join(c.EnteredBy, " ") != "101-1 101-3" || quick.State != outbox.StateAcknowledged {
		t.Errorf("quick report of ob (%s): %+v", quick.State, c)
	}
	// Every record is acknowledged with a receipt for its bytes, and the
	// tally holds each once.
	records := wantAllAcknowledged(t, s)
	if len(records) != 9 {
		t.Errorf("%d records, want 9 (5 check-ins, opening, turnout, closing, quick report)", len(records))
	}
	wantStoredOnce(t, office, records)
	res, err := office.Service().Results(ctx, tally.ViewBest)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Contests, func(c tally.ContestResults) bool { return c.Total.Contest == "ob" })
	if i < 0 {
		t.Fatal("the tally has no result for ob")
	}
	ob, d2 := res.Contests[i].Total, int64(-1)
	if j := slices.IndexFunc(ob.Options, func(o ballot.OptionResult) bool { return o.ID == "ob-2" }); j >= 0 {
		d2 = ob.Options[j].Votes
	}
	if ob.Districts != 1 || ob.B != 1000 || ob.Valid != 990 || d2 != 300 {
		t.Errorf("the tally's ob: %d districts, B %d, valid %d, D2 %d; want 1, 1000, 990, 300", ob.Districts, ob.B, ob.Valid, d2)
	}
}

func TestMain(m *testing.M) { binarytest.Main(m) }

// wahlkofferBinary is the real binary, built once per test process.
func wahlkofferBinary(t testing.TB) string { return binarytest.Path(t) }

// appEnv is the test's environment without what would change the app (a
// PIN that skips the unlock screen, another language or clock, an
// enclosing tmux), plus extra.
func appEnv(extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains([]string{"WAHLKOFFER_PIN", "WAHLKOFFER_LANG", "WAHLKOFFER_NOW", "TMUX", "TMUX_PANE"}, name)
	})
	return append(env, extra...)
}

// term is a tmux server of the test's own, where the app runs, in a new
// session of 80×24 for every run.
type term struct {
	t                       *testing.T
	ctx                     context.Context
	tmux, socket, bin, data string
	runs                    int
	session                 string
	statusFile, errFile     string // the app's exit status once it has ended, its standard error
	last                    string // the screen last captured
}

func newTerm(ctx context.Context, t *testing.T, tmux, bin, data string) *term {
	t.Helper()
	// The socket in a short folder of the test's own: a socket path has
	// at most about 100 bytes.
	dir, err := os.MkdirTemp("", "wk-tmux-")
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, ctx: ctx, tmux: tmux, bin: bin, data: data, socket: filepath.Join(dir, "s")}
	t.Cleanup(func() {
		// A context of its own, as ctx may be over; kill-server also ends
		// an app still running after a failure (SIGHUP).
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		exec.CommandContext(cctx, tmux, "-S", tm.socket, "kill-server").Run()
		os.RemoveAll(dir)
	})
	return tm
}

func (tm *term) tmuxCmd(args ...string) *exec.Cmd {
	cmd := exec.CommandContext(tm.ctx, tm.tmux, append([]string{"-u", "-S", tm.socket, "-f", os.DevNull}, args...)...)
	cmd.Env = appEnv()
	return cmd
}

func (tm *term) run(args ...string) {
	tm.t.Helper()
	if out, err := tm.tmuxCmd(args...).CombinedOutput(); err != nil {
		tm.fail("tmux %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// start runs `wahlkoffer station --data DIR` with the rehearsal clock
// starting at now, in a new session. A shell around it writes its exit
// status to a file (renamed into place, so never seen half-written): quit
// waits for it, so the store is closed before the next run or the checks.
// The pane outlives the app (remain-on-exit) to show its last screen.
func (tm *term) start(now string) {
	tm.t.Helper()
	tm.runs++
	tm.session = fmt.Sprintf("run%d", tm.runs)
	dir := tm.t.TempDir()
	tm.statusFile, tm.errFile = filepath.Join(dir, "status"), filepath.Join(dir, "stderr")
	tm.run("set-option", "-g", "remain-on-exit", "on", ";",
		"new-session", "-d", "-s", tm.session, "-x", "80", "-y", "24", "-e", "WAHLKOFFER_NOW="+now,
		"sh", "-c", `s=$1 e=$2; shift 2; "$@" 2>"$e"; echo $? >"$s.new"; mv "$s.new" "$s"`, "sh", tm.statusFile, tm.errFile,
		tm.bin, "station", "--data", tm.data)
}

// keys presses keys by their tmux names: Enter, Tab, BSpace, Down, C-s, a
// letter.
func (tm *term) keys(keys ...string) *term {
	tm.t.Helper()
	tm.run(append([]string{"send-keys", "-t", tm.session}, keys...)...)
	return tm
}

// text types text as it is. Both return tm, to wait for the answer.
func (tm *term) text(s string) *term {
	tm.t.Helper()
	tm.run("send-keys", "-t", tm.session, "-l", s)
	return tm
}

func (tm *term) capture() string {
	tm.t.Helper()
	out, err := tm.tmuxCmd("capture-pane", "-p", "-t", tm.session).Output()
	if err != nil {
		tm.fail("tmux capture-pane: %v", err)
	}
	tm.last = string(out)
	return tm.last
}

// waitFor polls the screen every 50 ms until it shows every text, at most
// waitTimeout; on failure it prints the last screen.
func (tm *term) waitFor(texts ...string) {
	tm.t.Helper()
	tm.poll(fmt.Sprintf("%q", texts), func(screen string) bool {
		return !slices.ContainsFunc(texts, func(s string) bool { return !strings.Contains(screen, s) })
	})
}

// waitMatch is waitFor with a regular expression, for a text whose
// spacing is layout.
func (tm *term) waitMatch(pattern string) {
	tm.t.Helper()
	tm.poll(pattern, regexp.MustCompile(pattern).MatchString)
}

func (tm *term) poll(what string, ok func(screen string) bool) {
	tm.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !ok(tm.capture()) {
		if time.Now().After(deadline) || tm.ctx.Err() != nil {
			tm.fail("waited in vain for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fail ends the test with the last screen and what the app wrote to its
// standard error.
func (tm *term) fail(format string, args ...any) {
	tm.t.Helper()
	errOut, _ := os.ReadFile(tm.errFile)
	tm.t.Fatalf("run %d: %s; the screen:\n%s\n--- stderr of the app:\n%s", tm.runs, fmt.Sprintf(format, args...), tm.last, errOut)
}

// unlock types the PIN on the unlock screen and waits for the home
// screen.
func (tm *term) unlock(pin string) {
	tm.t.Helper()
	tm.waitFor("Die Station ist gesperrt", "PIN: [")
	tm.text(pin)
	tm.keys("Enter")
	tm.waitFor("Entsperrt. Willkommen!", "[h Start]")
}

// enterMayor makes one entry of the mayor contest by the member picked:
// Enter ×4 from "Eingabe durch" to B, then B, B1, the register marks
// (left empty), C, D, D1…D4, and Enter on the save button.
func (tm *term) enterMayor(d2 string) *term {
	tm.t.Helper()
	tm.keys("Enter", "Enter", "Enter", "Enter")
	for _, v := range []string{"1000", "200", "", "10", "990", "400", d2, "200", "90"} {
		if v != "" {
			tm.text(v)
		}
		tm.keys("Enter")
	}
	tm.waitMatch(`› \[ Eingabe speichern \]`)
	return tm.keys("Enter")
}

// quit ends the app with q and waits until it has ended, with status 0.
func (tm *term) quit() {
	tm.t.Helper()
	tm.keys("q")
	tm.poll("the end of the app", func(string) bool { _, err := os.Stat(tm.statusFile); return err == nil })
	if b, err := os.ReadFile(tm.statusFile); err != nil || strings.TrimSpace(string(b)) != "0" {
		tm.fail("the app ended with status %q (%v)", b, err)
	}
}
