package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The incidents screen: a note of what happened, dated now, and the notes
// made, each a Vorfall (before the close) or a Vorkommnis (after it).

type incidentsModel struct {
	text  input
	focus int // 0 text, 1 button, 2 list
	top   int
}

func newIncidents() incidentsModel {
	i := incidentsModel{text: newInput(station.MaxIncidentLength, 60)}
	i.text.focus = true
	return i
}

func (i incidentsModel) typing() bool { return i.focus == 0 }

func (i *incidentsModel) focused() *input {
	if i.focus == 0 {
		return &i.text
	}
	return nil
}

func (i *incidentsModel) saved() {
	i.text.clear()
	i.focus, i.text.focus = 0, true
}

func (m Model) updateIncidents(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, in := m.keys(), &m.incidents
	step := func(d int) {
		in.focus = (in.focus + d + 3) % 3
		in.text.focus = in.focus == 0
	}
	switch {
	case is(k, keys.save) || (is(k, keys.enter) && in.focus == 1):
		return m.saveIncident()
	case is(k, keys.esc) && in.focus == 0:
		step(2) // leave the text, keep it
	case is(k, keys.esc):
		m.screen = scrHome
	case is(k, keys.next, keys.enter):
		step(1)
	case is(k, keys.prev):
		step(-1)
	case in.focus == 2 && is(k, keys.up):
		in.top = max(0, in.top-1)
	case in.focus == 2 && is(k, keys.down):
		in.top = min(max(0, len(m.status.State.Incidents)-1), in.top+1)
	case in.focus == 0:
		in.text.key(k)
	}
	return m, nil
}

func (m Model) saveIncident() (tea.Model, tea.Cmd) {
	text, st, t := m.incidents.text.text(), m.st, m.tr()
	closed := m.status.State.Closed
	return m, m.act(actIncident, "", func(ctx context.Context) (actMsg, error) {
		b, err := st.LogIncident(ctx, text, zeroTime)
		return actMsg{note: t.wf("incidentLogged", ballot.IncidentTermIn(t.lang, b.At, closed), t.clock(b.At))}, err
	})
}

func (m Model) viewIncidents(w, h int) []string {
	in := m.incidents
	st := m.status.State
	term := ballot.IncidentTermIn(m.lang, m.status.Now, st.Closed)
	in.text.width = max(20, w-6)
	in.text.focus = in.focus == 0
	lines := []string{
		" " + styles.title.Render(m.wf("incidentNew", term, m.clock(m.status.Now))),
		prefix(in.focus == 0) + in.text.view(m.lang),
		button(m.w("logButton"), in.focus == 1),
		"",
		prefix(in.focus == 2) + styles.title.Render(m.wf("incidentList", len(st.Incidents))),
	}
	if len(st.Incidents) == 0 {
		lines = append(lines, "   "+m.w("none"))
	}
	// Newest first; each note on as many lines as it needs, at most three.
	for i := len(st.Incidents) - 1 - in.top; i >= 0 && len(lines) < h; i-- {
		inc := st.Incidents[i]
		body := wrap(m.clock(inc.At)+"  "+ballot.IncidentTermIn(m.lang, inc.At, st.Closed)+": "+strings.TrimSpace(inc.Text), w-9)
		if len(body) > 3 {
			body = append(body[:2], clip(strings.Join(body[2:], " "), w-9))
		}
		for j, l := range body {
			lines = append(lines, pick(j == 0, "   ", "          ")+l)
		}
	}
	return lines
}
