package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// The unlock screen takes the kit's PIN. Opening the kit takes about a
// second (scrypt), so it runs in a command; a wrong PIN says so and the
// field is empty again for the next try.

func (m Model) updateUnlock(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.unlocking {
		return m, nil
	}
	switch k.String() {
	case "enter":
		if m.pin.empty() {
			m.note = note{text: m.w("pinEmpty"), bad: true}
			return m, nil
		}
		m.unlocking = true
		m.note = note{text: m.w("unlocking")}
		return m, unlockCmd(m.st, m.pin.text())
	case "esc":
		m.pin.clear()
		return m, nil
	}
	m.pin.key(k)
	return m, nil
}

func (m Model) viewUnlock(w, h int) []string {
	def, d := m.st.Definition(), m.st.District()
	lines := []string{
		styles.title.Render("wahlkoffer") + " · " + m.w("appTitle"),
		strings.Repeat("─", w),
		"",
		"  " + styles.title.Render(d.Name),
		"  " + def.Election.Title + " · " + m.electionDate(),
	}
	if d.Address != "" {
		lines = append(lines, "  "+d.Address)
	}
	lines = append(lines, "")
	for _, l := range wrap(m.w("unlockIntro"), w-4) {
		lines = append(lines, "  "+l)
	}
	lines = append(lines, "", "  "+m.w("pinLabel")+" "+m.pin.view(m.lang), "")
	if m.note.text != "" {
		mark, st := markOK, styles.dim
		if m.note.bad {
			mark, st = markBad, styles.bad
		}
		for i, l := range wrap(m.note.text, w-4) {
			lines = append(lines, pick(i == 0, st.Render(mark)+" ", "  ")+l)
		}
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	return append(lines[:h-1], styles.dim.Render(m.w("unlockKeys")))
}

// electionDate is the election day as the board reads it.
func (m Model) electionDate() string {
	d := m.st.Definition().Election.Date
	if len(d) == 10 {
		return d[8:10] + "." + d[5:7] + "." + d[0:4]
	}
	return d
}
