package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// The golden screens: each screen at 80×24, run by teatest in a real
// Bubble Tea program against a station at a fixed time. The golden is the
// last screen as plain text (the program's byte stream depends on how the
// renderer batched the frames, the screen does not). Update them with
//
//	go test ./station/tui -update

// probeMsg asks the running program for its screen; nobody handles it.
type probeMsg struct{}

// session is a program under teatest with a way to wait for its screen.
type session struct {
	t      *testing.T
	tm     *teatest.TestModel
	mu     sync.Mutex
	sc     string // the screen as the program last rendered it on a probe
	loaded bool   // whether the model had read the station then
}

func start(t *testing.T, st *station.Station, sender *outbox.Sender, o Options) *session {
	t.Helper()
	o.Context = t.Context()
	s := &session{t: t}
	// The filter runs in the program's goroutine, so the screen is
	// rendered there, from the model as all earlier messages left it.
	filter := func(m tea.Model, msg tea.Msg) tea.Msg {
		if _, ok := msg.(probeMsg); ok {
			v := ansi.Strip(m.(Model).View().Content)
			s.mu.Lock()
			s.sc, s.loaded = v, m.(Model).loaded
			s.mu.Unlock()
		}
		return msg
	}
	s.tm = teatest.NewTestModel(t, New(st, sender, o), teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithFilter(filter), tea.WithColorProfile(colorprofile.NoTTY)))
	// Keys typed before the station is read would be lost; a poll worker
	// sees the screen before typing, the test waits for it.
	s.waitFor()
	return s
}

// waitFor waits until the station is read and the screen shows every
// part (white space taken as one space).
func (s *session) waitFor(parts ...string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.tm.Send(probeMsg{})
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
		screen, loaded := s.sc, s.loaded
		s.mu.Unlock()
		flat := strings.Join(strings.Fields(screen), " ")
		ok := loaded
		for _, p := range parts {
			ok = ok && strings.Contains(flat, strings.Join(strings.Fields(p), " "))
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the screen never showed %q:\n%s", parts, screen)
		}
	}
}

func (s *session) keys(keys ...string) {
	for _, k := range keys {
		if msg, ok := namedKey(k); ok {
			s.tm.Send(msg)
		} else {
			s.tm.Type(k)
		}
	}
}

// finish quits and compares the last screen with the golden file.
func (s *session) finish() Model {
	s.t.Helper()
	final := s.end()
	screen := ansi.Strip(final.View().Content)
	checkScreen(s.t, screen, 80, 24)
	teatest.RequireEqualOutput(s.t, []byte(screen+"\n"))
	return final
}

// end quits and returns the model as the program left it.
func (s *session) end() Model {
	s.t.Helper()
	if err := s.tm.Quit(); err != nil {
		s.t.Fatal(err)
	}
	return s.tm.FinalModel(s.t, teatest.WithFinalTimeout(10*time.Second)).(Model)
}

// checkScreen checks that a screen fills w×h exactly, without colour.
func checkScreen(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, n, w, l)
		}
	}
}

func TestGolden(t *testing.T) {
	de := func(c *clock) Options { return testOptions(c, ballot.German) }
	t.Run("unlock", func(t *testing.T) {
		st, c, _ := lockedStation(t, "101")
		s := start(t, st, nil, de(c))
		s.keys("1234-5678-9012-3456", "enter")
		s.waitFor("Die PIN passt nicht")
		s.finish()
	})
	t.Run("home", func(t *testing.T) {
		st, c := votingScene(t)
		s := start(t, st, nil, de(c))
		s.waitFor("Meldung für 14:00 ist fällig")
		s.finish()
	})
	t.Run("home_en", func(t *testing.T) {
		st, c := countingScene(t, false)
		s := start(t, st, nil, testOptions(c, ballot.English))
		s.waitFor("Enter the count of sr twice")
		s.finish()
	})
	t.Run("board", func(t *testing.T) {
		st, c := votingScene(t)
		s := start(t, st, nil, de(c))
		s.keys("v", "down", "down", "down", "r", "Eva Klein")
		s.waitFor("Ersatz für Jörg Schneider", "Eva Klein")
		s.finish()
	})
	t.Run("turnout", func(t *testing.T) {
		st, c := votingScene(t)
		s := start(t, st, nil, de(c))
		s.keys("w", "812")
		s.waitFor("14:00", "[ 812")
		s.finish()
	})
	t.Run("incidents", func(t *testing.T) {
		st, c := votingScene(t)
		s := start(t, st, nil, de(c))
		s.keys("f", "Stromausfall 14:03 bis 14:04, Urne versiegelt")
		s.waitFor("Wahlkabine 2", "Urne versiegelt")
		s.finish()
	})
	t.Run("count", func(t *testing.T) {
		st, c := countingScene(t, true)
		s := start(t, st, nil, de(c))
		s.keys("a", "enter", "enter", "enter", "enter", "1000")
		s.waitFor("≠ D2 Jürgen Öztürk (SPD): 1. Eingabe 300, 2. Eingabe 390")
		s.finish()
	})
	t.Run("report", func(t *testing.T) {
		st, c := highTurnoutScene(t)
		s := start(t, st, nil, de(c))
		s.keys("m", "tab", "tab", "Seniorenheim")
		s.waitFor("Seniorenheim", "Begründung")
		s.finish()
	})
	t.Run("report_sent", func(t *testing.T) {
		st, c := countingScene(t, false)
		s := start(t, st, nil, de(c))
		s.keys("m")
		s.waitFor("Quittung des Wahlamts, eingegangen 18:42")
		s.finish()
	})
	t.Run("send", func(t *testing.T) {
		st, c := countingScene(t, false)
		s := start(t, st, nil, de(c))
		s.keys("s", "e")
		s.waitFor("USB-Export", "quittiert 18:42")
		s.finish()
	})
	t.Run("help", func(t *testing.T) {
		st, c := votingScene(t)
		s := start(t, st, nil, de(c))
		s.keys("?")
		s.waitFor("Ohne Netz", "Tasten")
		s.finish()
	})
}
