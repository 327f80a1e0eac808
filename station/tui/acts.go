package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// actKind names a use case the app called, so that its answer goes to the
// screen that asked.
type actKind int

const (
	actCheckIn actKind = iota
	actCheckOut
	actReplace
	actAddMember
	actOpen
	actClose
	actTurnout
	actIncident
	actEntry
	actDiscard
	actSubmit
)

// actMsg is the answer of a use case.
type actMsg struct {
	kind    actKind
	contest string
	note    string // what to tell the board when it worked
	err     error
	entry   station.EntryResult
	person  string // the person added
}

// act runs a use case in a command. When it stored a record, the sender
// is kicked so that the record leaves at once when the network is there.
func (m *Model) act(kind actKind, contest string, fn func(ctx context.Context) (actMsg, error)) tea.Cmd {
	m.pending++
	ctx, sender, acts := m.ctx, m.sender, m.acts
	return func() tea.Msg {
		if acts != nil {
			acts.begin()
			defer acts.end()
		}
		msg, err := fn(ctx)
		msg.kind, msg.contest, msg.err = kind, contest, err
		if err == nil && sender != nil && kind != actAddMember && kind != actEntry && kind != actDiscard {
			sender.Kick()
		}
		return msg
	}
}

// afterAct shows the answer of a use case and reads the station again.
// A refused act leaves its form as it was, so nothing typed is lost.
func (m Model) afterAct(a actMsg) (tea.Model, tea.Cmd) {
	m.pending = max(0, m.pending-1)
	if a.err != nil {
		m.setErr(a.err)
	} else {
		m.setNote(a.note)
		switch a.kind {
		case actReplace, actAddMember:
			m.board.saved(a.person)
		case actTurnout:
			m.turnout.saved()
		case actIncident:
			m.incidents.saved()
		case actEntry:
			m.count.saved(m.st.District(), a.contest, a.entry)
		case actDiscard:
			m.count.discarded(a.contest)
		case actSubmit:
			m.report.submitted()
		}
	}
	if m.quitting && m.pending == 0 {
		return m.requestQuit()
	}
	return m, m.refresh()
}

// confirmKind is a question the app asks before an act that cannot be
// taken back, or before input is thrown away.
type confirmKind int

const (
	confirmQuit confirmKind = iota
	confirmOpen
	confirmClose
	confirmDiscard
	confirmDropForm
	confirmFinal
)

type confirm struct {
	kind    confirmKind
	text    string
	contest string
}

func (m Model) updateConfirm(s string) (tea.Model, tea.Cmd) {
	c := *m.confirm
	switch s {
	case "j", "y", "enter":
		m.confirm = nil
		switch c.kind {
		case confirmQuit:
			return m.quit()
		case confirmOpen:
			return m, m.openPolls()
		case confirmClose:
			return m, m.closePolls()
		case confirmDiscard:
			return m, m.discardEntries(c.contest)
		case confirmDropForm:
			m.board.close()
		case confirmFinal:
			return m.submit()
		}
	case "n", "esc":
		m.confirm = nil
		m.quitting = false
	}
	return m, nil
}

// errText is a refusal or failure in the board's language.
func (m Model) errText(err error) string {
	var se *station.Error
	switch {
	case errors.As(err, &se):
		return se.Message(m.lang)
	case kit.CodeOf(err) == kit.CodePINWrong:
		return m.w("pinWrong")
	case kit.CodeOf(err) != "":
		return m.wf("kitBroken", err.Error())
	case errors.Is(err, context.Canceled):
		return m.w("cancelled")
	}
	return m.wf("failed", err.Error())
}

// syncLink connects the sender's Run loop, in a command of its own, to
// the model: every report of a pass becomes a syncMsg.
type syncLink struct {
	reports chan syncMsg
	done    chan struct{}
	mu      sync.Mutex
	running bool
	stopped bool
}

type syncMsg struct {
	rep outbox.Report
	at  time.Time
}

// syncState is what the app knows of the network from the last pass.
type syncState struct {
	known bool
	rep   outbox.Report
	at    time.Time
}

func newSyncLink() *syncLink {
	return &syncLink{reports: make(chan syncMsg), done: make(chan struct{})}
}

// run is the command that runs the sender until ctx ends.
func (l *syncLink) run(ctx context.Context, s *outbox.Sender, interval time.Duration, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		l.mu.Lock()
		if l.stopped || l.running {
			l.mu.Unlock()
			return nil
		}
		l.running = true
		l.mu.Unlock()
		defer close(l.done)
		s.Run(ctx, interval, func(r outbox.Report) {
			select {
			case l.reports <- syncMsg{rep: r, at: now()}:
			case <-ctx.Done():
			}
		})
		return nil
	}
}

// next waits for the next report.
func (l *syncLink) next(ctx context.Context) tea.Cmd {
	return func() tea.Msg {
		select {
		case r := <-l.reports:
			return r
		case <-ctx.Done():
			return nil
		}
	}
}

// wait waits, at most d, for a running sender to stop (its context must
// be done).
func (l *syncLink) wait(d time.Duration) {
	l.mu.Lock()
	l.stopped = true
	running := l.running
	l.mu.Unlock()
	if !running {
		return
	}
	select {
	case <-l.done:
	case <-time.After(d):
	}
}

// net says how the network stands, shortly.
func (m Model) netShort() string {
	switch {
	case m.sync == nil, m.online.known && errors.Is(m.online.rep.Err, outbox.ErrNoTally):
		return markOffline + " " + m.w("netUSB")
	case !m.online.known:
		return markPending + " " + m.w("netConnecting")
	case m.online.rep.Err != nil:
		return styles.bad.Render(markOffline + " " + m.w("netOffline"))
	case m.online.rep.Online:
		return styles.good.Render(markOnline + " " + m.w("netOnline"))
	}
	return markOnline + " " + m.w("netReady")
}

// netLong says how the network stands and what it means for the board.
func (m Model) netLong() string {
	at := m.online.at.In(m.st.Location()).Format("15:04:05")
	switch {
	case m.sync == nil, m.online.known && errors.Is(m.online.rep.Err, outbox.ErrNoTally):
		return markOffline + " " + m.w("netUSBLong")
	case !m.online.known:
		return markPending + " " + m.w("netConnectingLong")
	case m.online.rep.Err != nil:
		return markOffline + " " + m.wf("netOfflineLong", at)
	case m.online.rep.Online:
		return markOnline + " " + m.wf("netOnlineLong", at)
	}
	return markOnline + " " + m.wf("netReadyLong", at)
}

// inflight counts the acts running, so that Run returns only once they
// are stored.
type inflight struct {
	mu      sync.Mutex
	n       int
	waiters []chan struct{}
}

func (f *inflight) begin() { f.mu.Lock(); f.n++; f.mu.Unlock() }

func (f *inflight) end() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n--; f.n == 0 {
		for _, w := range f.waiters {
			close(w)
		}
		f.waiters = nil
	}
}

// wait waits, at most d, until no act runs.
func (f *inflight) wait(d time.Duration) {
	f.mu.Lock()
	if f.n == 0 {
		f.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	f.waiters = append(f.waiters, ch)
	f.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(d):
	}
}
