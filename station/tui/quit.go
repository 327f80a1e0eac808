package tui

import tea "charm.land/bubbletea/v2"

// requestQuit quits, after the acts in flight are stored and, when a
// form holds unsaved input, after asking.
func (m Model) requestQuit() (tea.Model, tea.Cmd) {
	if m.pending > 0 {
		m.quitting = true
		m.note = note{text: m.w("quitWhenStored")}
		return m, nil
	}
	if dirty := m.dirtyForms(); len(dirty) > 0 && (m.confirm == nil || m.confirm.kind != confirmQuit) {
		m.confirm = &confirm{kind: confirmQuit, text: m.wf("confirmQuit", joinList(dirty))}
		return m, nil
	}
	return m.quit()
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	m.confirm = nil
	stop := m.stop
	return m, tea.Batch(func() tea.Msg { stop(); return nil }, tea.Quit)
}

// dirtyForms names the screens with typed input not yet saved.
func (m Model) dirtyForms() []string {
	var out []string
	if m.board.dirty() {
		out = append(out, m.w("tabBoard"))
	}
	if m.turnout.voters.dirty {
		out = append(out, m.w("tabTurnoutLong"))
	}
	if m.incidents.text.dirty {
		out = append(out, m.w("tabIncidents"))
	}
	for _, c := range m.count.dirtyContests() {
		out = append(out, m.w("tabCount")+" "+c)
	}
	if m.report.dirty() {
		out = append(out, m.w("tabReportLong"))
	}
	return out
}
