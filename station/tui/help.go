package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// The help screen: the keys, the course of the day, and what to do when
// the network is down.

func (m Model) updateHelp(s string) (tea.Model, tea.Cmd) {
	switch s {
	case "up":
		m.helpTop = max(0, m.helpTop-1)
	case "down":
		m.helpTop++
	case "pgup":
		m.helpTop = max(0, m.helpTop-10)
	case "pgdown":
		m.helpTop += 10
	case "esc":
		m.screen = scrHome
	}
	m.helpTop = min(m.helpTop, max(0, len(m.helpLines(max(m.width, minWidth)))-1))
	return m, nil
}

func (m Model) helpLines(w int) []string {
	var lines []string
	section := func(title string) {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, " "+styles.title.Render(title))
	}
	item := func(keys, text string) {
		for i, l := range wrap(text, w-20) {
			lines = append(lines, "   "+cell(pick(i == 0, keys, ""), 16)+" "+l)
		}
	}
	para := func(text string) {
		for _, l := range wrap(text, w-4) {
			lines = append(lines, "   "+l)
		}
	}
	section(m.w("helpOffline"))
	para(m.w("helpOfflineText"))
	section(m.w("helpKeys"))
	var screens []string
	for _, t := range tabs {
		screens = append(screens, t.key+"/"+strings.ToUpper(t.fkey)+" "+m.w(t.long))
	}
	para(strings.Join(screens, " · "))
	k := m.keys()
	item("Tab, ⇧Tab", m.w("helpTab"))
	item("↑ ↓  ← →", m.w("helpArrows"))
	item("Enter", m.w("helpEnter"))
	item(k.save.Help().Key, m.w("helpSave"))
	item("Esc", m.w("helpEsc"))
	item("q, "+m.w("keyCtrlC"), m.w("helpQuit"))
	para(m.w("helpLetters"))
	section(m.w("helpDay"))
	para(m.w("helpDayText"))
	section(m.w("helpMarks"))
	para(m.w("helpMarksText"))
	return lines
}

func (m Model) viewHelp(w, h int) []string {
	lines := m.helpLines(w)
	top := min(m.helpTop, max(0, len(lines)-h))
	return lines[top:]
}
