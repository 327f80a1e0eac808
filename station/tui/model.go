// Package tui is the terminal app the board uses all day on the polling
// station's laptop: unlock, the board, turnout, incidents, the count
// entered twice, the quick report and the final record, delivery and the
// USB bundle. It calls the use cases of package station and holds no rules
// of its own; every refusal it shows is the station's.
//
// The Model is a Bubble Tea v2 model. Update and View only look at the
// model and the messages; every call into the store, the sender or the
// sealed kit runs in a tea.Cmd that answers with a message, so the screen
// never waits for the disk or the network.
package tui

import (
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// Options tune the app.
type Options struct {
	// Lang is the language of the screens: German unless English.
	Lang ballot.Lang
	// Now is the clock of the app's own times (the header, the time of a
	// sync report); the station's clock when nil.
	Now func() time.Time
	// SyncInterval is the pause between two delivery passes of the
	// sender; outbox.DefaultRunInterval when 0.
	SyncInterval time.Duration
	// Refresh is how often the app reads the station again on its own
	// (quorum, turnout due, outbox): every 20 s when 0, never when
	// negative. Every act reads it again anyway.
	Refresh time.Duration
	// PIN, when set, unlocks the station at the start instead of the
	// unlock screen (tests and rehearsals).
	PIN string
	// Context ends the background sync and the acts in flight; the app
	// ends its own sync when it quits.
	Context context.Context
}

const defaultRefresh = 20 * time.Second

// screen is one of the app's screens.
type screen int

const (
	scrHome screen = iota
	scrBoard
	scrTurnout
	scrIncidents
	scrCount
	scrReport
	scrSend
	scrHelp
)

// tabs are the screens in the order of the tab line, with their keys: a
// letter (when no text field has the focus) and an F-key (always).
var tabs = []struct {
	s          screen
	key, fkey  string
	word, long string
}{
	{scrHome, "h", "f2", "tabHome", "tabHome"},
	{scrBoard, "v", "f3", "tabBoard", "tabBoard"},
	{scrTurnout, "w", "f4", "tabTurnout", "tabTurnoutLong"},
	{scrIncidents, "f", "f5", "tabIncidents", "tabIncidents"},
	{scrCount, "a", "f6", "tabCount", "tabCount"},
	{scrReport, "m", "f7", "tabReport", "tabReportLong"},
	{scrSend, "s", "f8", "tabSend", "tabSend"},
	{scrHelp, "?", "f1", "tabHelp", "tabHelp"},
}

// Model is the app's state.
type Model struct {
	st     *station.Station
	sender *outbox.Sender
	o      Options
	lang   ballot.Lang
	ctx    context.Context
	stop   context.CancelFunc
	sync   *syncLink // nil without a sender
	acts   *inflight // set by Run

	width, height int
	screen        screen

	unlocked  bool
	unlocking bool
	pin       input

	loaded   bool
	status   station.Status
	now      time.Time      // of the last reading
	reads    *atomic.Uint64 // numbers the readings of the station
	lastRead uint64         // the reading shown

	online   syncState
	note     note
	pending  int  // acts in flight
	quitting bool // quit when the acts in flight are done
	confirm  *confirm

	board     boardModel
	turnout   turnoutModel
	incidents incidentsModel
	count     countModel
	report    reportModel
	send      sendModel
	helpTop   int
}

// note is the message line: the outcome of the last act.
type note struct {
	text string
	bad  bool
}

// New returns the app for an opened station. sender may be nil: the
// station then delivers by USB bundle only.
func New(st *station.Station, sender *outbox.Sender, o Options) Model {
	if o.Lang != ballot.English {
		o.Lang = ballot.German
	}
	if o.Now == nil {
		o.Now = st.Now
	}
	parent := o.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := context.WithCancel(parent)
	m := Model{st: st, sender: sender, o: o, lang: o.Lang, ctx: ctx, stop: stop,
		width: 80, height: 24, unlocked: st.Unlocked(), now: o.Now(), reads: new(atomic.Uint64)}
	if sender != nil {
		m.sync = newSyncLink()
	}
	m.pin = newInput(64, 24)
	m.pin.secret = true
	m.pin.focus = true
	m.incidents = newIncidents()
	m.send = newSend()
	m.turnout = turnoutModel{voters: newNumber(), focus: 1}
	m.turnout.voters.focus = true
	return m
}

// Init reads the station, unlocks it when a PIN is given, and starts the
// background sync and the periodic refresh.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.refresh()}
	if !m.unlocked && m.o.PIN != "" {
		cmds = append(cmds, unlockCmd(m.st, m.o.PIN))
	}
	if m.sync != nil {
		cmds = append(cmds, m.sync.run(m.ctx, m.sender, m.o.SyncInterval, m.o.Now), m.sync.next(m.ctx))
	}
	cmds = append(cmds, m.tick())
	return tea.Batch(cmds...)
}

// Messages.
type (
	statusMsg struct {
		n      uint64 // later readings have higher numbers
		status station.Status
		now    time.Time
		err    error
	}
	unlockMsg struct{ err error }
	tickMsg   struct{}
)

func (m Model) refresh() tea.Cmd {
	st, ctx, now, reads := m.st, m.ctx, m.o.Now, m.reads
	return func() tea.Msg {
		n := reads.Add(1) // before the read begins: a later act is in it
		s, err := st.Status(ctx)
		return statusMsg{n: n, status: s, now: now(), err: err}
	}
}

func (m Model) tick() tea.Cmd {
	d := m.o.Refresh
	if d < 0 {
		return nil
	}
	if d == 0 {
		d = defaultRefresh
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{} })
}

func unlockCmd(st *station.Station, pin string) tea.Cmd {
	return func() tea.Msg { return unlockMsg{err: st.Unlock(pin)} }
}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case statusMsg:
		if msg.err != nil {
			if m.ctx.Err() == nil {
				m.setErr(msg.err)
			}
			return m, nil
		}
		if msg.n < m.lastRead {
			return m, nil // a reading overtaken by a newer one
		}
		m.status, m.now, m.loaded, m.lastRead = msg.status, msg.now, true, msg.n
		m.afterStatus()
		return m, nil
	case tickMsg:
		return m, tea.Batch(m.refresh(), m.tick())
	case unlockMsg:
		return m.afterUnlock(msg)
	case actMsg:
		return m.afterAct(msg)
	case syncMsg:
		if m.sync == nil {
			return m, nil
		}
		m.online = syncState{known: true, rep: msg.rep, at: msg.at}
		return m, tea.Batch(m.refresh(), m.sync.next(m.ctx))
	case exportMsg:
		return m.afterExport(msg)
	case tea.PasteMsg:
		return m.paste(msg.Content)
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

// key routes a key press: quitting, the unlock screen and confirmations
// first, then the F-keys, then the screen with a text field in focus,
// then the letter keys of the screens, then the screen.
func (m Model) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	s := k.String()
	if s == "ctrl+c" {
		return m.requestQuit()
	}
	if !m.unlocked {
		return m.updateUnlock(k)
	}
	if m.confirm != nil {
		return m.updateConfirm(s)
	}
	if !m.loaded {
		if s == "q" {
			return m.requestQuit()
		}
		return m, nil // the screens need the station's state
	}
	for _, t := range tabs {
		if s == t.fkey {
			return m.switchTo(t.s), nil
		}
	}
	if !m.typing() {
		if s == "q" {
			return m.requestQuit()
		}
		for _, t := range tabs {
			if s == t.key {
				return m.switchTo(t.s), nil
			}
		}
	}
	switch m.screen {
	case scrHome:
		return m.updateHome(s)
	case scrBoard:
		return m.updateBoard(k)
	case scrTurnout:
		return m.updateTurnout(k)
	case scrIncidents:
		return m.updateIncidents(k)
	case scrCount:
		return m.updateCount(k)
	case scrReport:
		return m.updateReport(k)
	case scrSend:
		return m.updateSend(k)
	case scrHelp:
		return m.updateHelp(s)
	}
	return m, nil
}

// typing reports whether a text field has the focus, so that letters are
// text and not keys.
func (m Model) typing() bool {
	switch m.screen {
	case scrBoard:
		return m.board.typing()
	case scrIncidents:
		return m.incidents.typing()
	case scrReport:
		return m.report.typing()
	case scrSend:
		return m.send.typing()
	}
	return false
}

func (m Model) paste(text string) (tea.Model, tea.Cmd) {
	if !m.unlocked {
		m.pin.paste(text)
		return m, nil
	}
	if m.confirm != nil {
		return m, nil
	}
	if f := m.focused(); f != nil {
		f.paste(text)
		m.markDirty()
	}
	return m, nil
}

// focused returns the field in focus on the current screen, if any.
func (m *Model) focused() *input {
	switch m.screen {
	case scrBoard:
		return m.board.focused()
	case scrTurnout:
		return m.turnout.focused()
	case scrIncidents:
		return m.incidents.focused()
	case scrCount:
		return m.count.focused()
	case scrReport:
		return m.report.focused()
	case scrSend:
		return m.send.focused()
	}
	return nil
}

func (m *Model) markDirty() {
	switch m.screen {
	case scrCount:
		m.count.edited(m)
	case scrReport:
		m.report.edited(m)
	}
}

func (m Model) switchTo(s screen) Model {
	m.screen = s
	if s == scrReport {
		m.report.prepare(&m)
	}
	return m
}

// afterStatus fits the screens to a new reading of the station.
func (m *Model) afterStatus() {
	m.board.fit(m)
	m.turnout.fit(m)
	m.count.fit(m)
	m.report.prepare(m)
}

func (m Model) afterUnlock(msg unlockMsg) (tea.Model, tea.Cmd) {
	m.unlocking = false
	if msg.err != nil {
		m.pin.clear()
		m.setErr(msg.err)
		return m, nil
	}
	m.unlocked = true
	m.note = note{text: m.w("unlocked")}
	return m, m.refresh()
}

func (m *Model) setErr(err error) { m.note = note{text: m.errText(err), bad: true} }
func (m *Model) setNote(s string) { m.note = note{text: s} }
