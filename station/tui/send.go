package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// The send screen: every record on its way to the tally (pending, sent,
// acknowledged, rejected with the tally's code and message), a pass now,
// and the USB bundle for when the network is down.

type sendModel struct {
	sel       int // in the records, newest first
	exporting bool
	path      input
	all       bool
	focus     int // in the export form: 0 path, 1 all, 2 button
	busy      bool
}

func newSend() sendModel { return sendModel{path: newInput(1024, 50)} }

func (s sendModel) typing() bool { return s.exporting && s.focus == 0 }

func (s *sendModel) focused() *input {
	if s.typing() {
		return &s.path
	}
	return nil
}

func (s sendModel) keys(m Model) []string {
	k := m.keys()
	if s.exporting {
		return []string{hint(k.next), hint(k.toggle), hint(k.enter), hint(k.esc)}
	}
	return []string{pair(k.up, k.down), hint(k.retry), hint(k.export), hint(k.esc)}
}

type exportMsg struct {
	path string
	n    int
	err  error
}

func (m Model) updateSend(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, s := m.keys(), &m.send
	if s.exporting {
		step := func(d int) {
			s.focus = (s.focus + d + 3) % 3
			s.path.focus = s.focus == 0
		}
		switch {
		case is(k, keys.esc):
			s.exporting = false
		case is(k, keys.save) || (is(k, keys.enter) && s.focus == 2):
			return m.export()
		case is(k, keys.next, keys.down, keys.enter):
			step(1)
		case is(k, keys.prev, keys.up):
			step(-1)
		case s.focus == 1 && is(k, keys.toggle):
			s.all = !s.all
		case s.focus == 0:
			s.path.key(k)
		}
		return m, nil
	}
	n := len(m.status.State.Records)
	switch {
	case is(k, keys.up):
		s.sel = max(0, s.sel-1)
	case is(k, keys.down):
		s.sel = max(0, min(n-1, s.sel+1))
	case is(k, keys.retry):
		if m.sender == nil {
			m.note = note{text: m.w("netUSBLong"), bad: true}
			return m, nil
		}
		sender := m.sender
		m.note = note{text: m.w("retrying")}
		return m, func() tea.Msg { sender.Kick(); return nil }
	case is(k, keys.export):
		s.exporting, s.focus = true, 0
		if !s.path.dirty {
			s.path.set(m.bundleName())
		}
		s.path.focus = true
	case is(k, keys.esc):
		m.screen = scrHome
	}
	return m, nil
}

// bundleName suggests a file name for the bundle: district and time.
func (m Model) bundleName() string {
	return fmt.Sprintf("wahlkoffer-%s-%s.wkbundle", m.st.Identity().District, m.now.In(m.st.Location()).Format("20060102-1504"))
}

func (m Model) export() (tea.Model, tea.Cmd) {
	path := strings.TrimSpace(m.send.path.text())
	if path == "" || m.send.busy {
		return m, nil
	}
	m.send.busy = true
	m.note = note{text: m.w("exporting")}
	st, ctx, all := m.st, m.ctx, m.send.all
	return m, func() tea.Msg {
		full, n, err := writeBundle(ctx, st, path, all)
		return exportMsg{path: full, n: n, err: err}
	}
}

func (m Model) afterExport(msg exportMsg) (tea.Model, tea.Cmd) {
	m.send.busy = false
	if msg.err != nil {
		m.note = note{text: m.exportErr(msg), bad: true}
		return m, nil
	}
	m.send.exporting = false
	m.send.path.clear()
	m.note = note{text: m.wf("exported", msg.n, msg.path)}
	return m, nil
}

func (m Model) viewSend(w, h int) []string {
	s, st := m.send, m.status.State
	recW := max(20, w-19-28) // the rest for the state
	var lines []string
	for i, l := range wrap(m.netLong(), w-16) {
		lines = append(lines, " "+cell(pick(i == 0, m.w("network"), ""), 14)+l)
	}
	lines = append(lines, " "+cell(m.w("outbox"), 14)+m.outboxText())
	if r := m.online.rep; m.online.known && r.Err != nil {
		for _, l := range wrap(r.Err.Error(), w-16)[:1] {
			lines = append(lines, " "+cell("", 14)+styles.dim.Render(l))
		}
	}
	lines = append(lines, "", styles.dim.Render("    "+cell(m.w("seq"), 5)+" "+cell(m.w("time"), 6)+" "+cell(m.w("record"), recW)+" "+m.w("state")))
	var form []string
	if s.exporting {
		s.path.width = max(20, w-18)
		s.path.focus = s.focus == 0
		form = []string{
			styles.rule.Render(strings.Repeat("─", w)),
			" " + styles.title.Render(m.w("exportTitle")),
			prefix(s.focus == 0) + cell(m.w("file"), 12) + s.path.view(m.lang),
			prefix(s.focus == 1) + pick(s.all, "[x] ", "[ ] ") + m.w("exportAll"),
			button(m.w("exportButton"), s.focus == 2),
		}
	}
	recs := st.Records
	var detail []string
	if s.sel < len(recs) {
		if r := recs[len(recs)-1-s.sel]; r.State == outbox.StateRejected && !s.exporting {
			detail = wrap(m.wf("rejectedDetail", r.Seq, r.RejectCode, r.RejectMessage), w-2)
		}
	}
	rows := h - len(lines) - len(form) - len(detail)
	top := window(s.sel, len(recs), rows)
	for i := top; i < len(recs) && i < top+rows; i++ {
		r := recs[len(recs)-1-i]
		lines = append(lines, prefix(i == s.sel && !s.exporting)+"  "+pad(fmt.Sprint(r.Seq), 5, true)+" "+
			cell(m.clock(r.Time), 6)+" "+cell(m.recordName(r), recW)+" "+clip(m.recordStateLong(r), w-19-recW))
	}
	for len(lines) < h-len(form)-len(detail) {
		lines = append(lines, "")
	}
	for _, l := range detail {
		lines = append(lines, " "+styles.bad.Render(l))
	}
	return append(lines, form...)
}

// recordName says what a record is: its kind and who or what it is about.
func (m Model) recordName(r sqlite.Record) string {
	name := m.w("kind:" + r.Kind)
	rec, err := ballot.DecodeRecord(ballot.Payload{Header: ballot.Header{Kind: ballot.RecordKind(r.Kind), Seq: r.Seq, Time: r.Time}, Body: r.Body})
	if err != nil {
		return name
	}
	switch b := rec.Body.(type) {
	case *ballot.CheckIn:
		return name + " " + b.Person.Name
	case *ballot.CheckOut:
		return name + " " + m.personName(b.PersonID)
	case *ballot.Turnout:
		return name + " " + m.tr().slotName(b.Slot)
	case *ballot.Incident:
		return ballot.IncidentTermIn(m.lang, b.At, m.status.State.Closed)
	case *ballot.Count:
		return fmt.Sprintf("%s %s (%d)", m.w("stage:"+string(b.Stage)), b.Contest, b.Version)
	}
	return name
}

func (m Model) recordStateLong(r sqlite.Record) string {
	switch r.State {
	case outbox.StateAcknowledged:
		return styles.good.Render(markOK + " " + m.w("state:acknowledged") + " " + m.clock(r.ReceivedAt))
	case outbox.StateRejected:
		return styles.bad.Render(markBad + " " + m.w("state:rejected") + ": " + r.RejectCode)
	}
	return m.recordState(r.State)
}
