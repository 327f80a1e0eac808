package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
)

// The example town's day, clock and kits (package stationtest).
type clock = stationtest.Clock

var day = stationtest.Day

// sealedKit is a kit of a Musterstadt district, sealed at a low work
// factor, with a tally URL where nothing answers, and its PIN.
func sealedKit(t testing.TB, district string) ([]byte, string) {
	t.Helper()
	return stationtest.Kit(t, district, stationtest.KitOptions{})
}

func officeSigner(t testing.TB) seal.Signer { return stationtest.Office(t) }
func stationSigner(t testing.TB, district string) seal.Signer {
	return stationtest.StationKey(t, district)
}

// newStation sets up an unlocked station of the district in a fresh
// folder, with the clock at 07:30 on the election day.
func newStation(t *testing.T, district string) (*station.Station, *clock, string) {
	t.Helper()
	c := stationtest.NewClock(day(7, 30))
	dir := filepath.Join(t.TempDir(), "data")
	sealed, pin := sealedKit(t, district)
	s, err := station.Setup(context.Background(), dir, sealed, pin, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c, dir
}

// lockedStation is a station set up and opened again, locked.
func lockedStation(t *testing.T, district string) (*station.Station, *clock, string) {
	t.Helper()
	s, c, dir := newStation(t, district)
	s.Close()
	s, err := station.Open(context.Background(), dir, station.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	_, pin := sealedKit(t, district)
	return s, c, pin
}

// driver runs the model as the program would, but in the test's
// goroutine: every command runs to its message before the next key.
type driver struct {
	t    *testing.T
	st   *station.Station
	m    Model
	quit bool
}

func testOptions(c *clock, lang ballot.Lang) Options {
	return Options{Lang: lang, Now: c.Now, Refresh: -1}
}

func drive(t *testing.T, st *station.Station, o Options) *driver {
	t.Helper()
	d := &driver{t: t, st: st, m: New(st, nil, o)}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	m, cmd := d.m.Update(msg)
	d.m = m.(Model)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		d.send(msg)
	}
}

// press sends keys by name ("enter", "tab", "ctrl+s", "f3") or, for
// anything else, as typed text.
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		if msg, ok := namedKey(k); ok {
			d.send(msg)
			continue
		}
		for _, r := range k {
			d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
}

func namedKey(s string) (tea.KeyPressMsg, bool) {
	codes := map[string]rune{"enter": tea.KeyEnter, "tab": tea.KeyTab, "esc": tea.KeyEscape, "up": tea.KeyUp,
		"down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight, "backspace": tea.KeyBackspace,
		"pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "f1": tea.KeyF1, "f2": tea.KeyF2, "f3": tea.KeyF3,
		"f4": tea.KeyF4, "f5": tea.KeyF5, "f6": tea.KeyF6, "f7": tea.KeyF7, "f8": tea.KeyF8}
	if c, ok := codes[s]; ok {
		return tea.KeyPressMsg{Code: c}, true
	}
	switch s {
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, true
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, true
	case "ctrl+s", "ctrl+c", "ctrl+u":
		return tea.KeyPressMsg{Code: rune(s[5]), Mod: tea.ModCtrl}, true
	}
	return tea.KeyPressMsg{}, false
}

// view is the screen as plain text.
func (d *driver) view() string { return ansi.Strip(d.m.View().Content) }

// wantView checks that the screen shows each part, with white space and
// line breaks taken as one space (text wraps at the screen's width).
func (d *driver) wantView(parts ...string) {
	d.t.Helper()
	v := d.view()
	flat := strings.Join(strings.Fields(v), " ")
	for _, p := range parts {
		if !strings.Contains(flat, strings.Join(strings.Fields(p), " ")) {
			d.t.Fatalf("the screen lacks %q:\n%s", p, v)
		}
	}
}

func (d *driver) state() *station.State {
	d.t.Helper()
	st, err := d.st.State(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	return st
}

// checkIn checks in the first n members of district 101's roster at the
// station's now.
func checkIn(t *testing.T, s *station.Station, n int) {
	t.Helper()
	for _, m := range s.District().Roster[:n] {
		if _, err := s.CheckIn(context.Background(), m.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
}

// untilCount runs district 101 to the start of counting: five members in
// at 07:30, opened 08:00, closed 18:00, clock at 18:30.
func untilCount(t *testing.T, s *station.Station, c *clock) {
	t.Helper()
	ctx := context.Background()
	checkIn(t, s, 5)
	c.Set(day(8, 0))
	if _, err := s.OpenPolls(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	c.Set(day(18, 0))
	if _, err := s.ClosePolls(ctx, time.Time{}); err != nil {
		t.Fatal(err)
	}
	c.Set(day(18, 30))
}

// mayorFigures are the keys that fill the mayor form of district 101
// from B on: B 1000, B1 200, marks empty, C 10, D 990, 400/300/200/90.
func mayorFigures(d2 string) []string {
	return []string{"1000", "enter", "200", "enter", "enter", "10", "enter", "990", "enter",
		"400", "enter", d2, "enter", "200", "enter", "90", "enter"}
}
