package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// minWidth and minHeight are the smallest screen laid out; a smaller
// terminal gets that layout cropped.
const (
	minWidth  = 60
	minHeight = 16
	maxNotes  = 3 // lines of the message line at most
)

// View renders the app in the alternate screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "wahlkoffer – " + m.st.District().Name
	return v
}

// render lays out the screen: header, tabs, body, the message line and
// the keys of the screen.
func (m Model) render() string {
	w, h := max(m.width, minWidth), max(m.height, minHeight)
	var lines []string
	if !m.unlocked {
		lines = m.viewUnlock(w, h)
	} else {
		lines = append(lines, m.header(w), m.tabLine(w), styles.rule.Render(strings.Repeat("─", w)))
		foot := m.footer(w)
		bodyH := h - len(lines) - len(foot)
		body := m.body(w, bodyH)
		if len(body) > bodyH {
			body = body[:bodyH]
		}
		for len(body) < bodyH {
			body = append(body, "")
		}
		lines = append(append(lines, body...), foot...)
	}
	// A terminal smaller than the smallest layout gets it cropped.
	if m.height > 0 {
		h = min(h, m.height)
	}
	if m.width > 0 {
		w = min(w, m.width)
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "")
	}
	return strings.Join(lines, "\n")
}

func (m Model) body(w, h int) []string {
	if !m.loaded {
		return []string{"", "  " + m.w("loading")}
	}
	switch m.screen {
	case scrHome:
		return m.viewHome(w, h)
	case scrBoard:
		return m.viewBoard(w, h)
	case scrTurnout:
		return m.viewTurnout(w, h)
	case scrIncidents:
		return m.viewIncidents(w, h)
	case scrCount:
		return m.viewCount(w, h)
	case scrReport:
		return m.viewReport(w, h)
	case scrSend:
		return m.viewSend(w, h)
	case scrHelp:
		return m.viewHelp(w, h)
	}
	return nil
}

// header names the district and shows the clock and the network.
func (m Model) header(w int) string {
	right := m.now.In(m.st.Location()).Format("02.01.2006 15:04") + "  " + m.netShort()
	left := styles.title.Render("wahlkoffer") + " · " + m.st.District().Name
	room := w - ansi.StringWidth(right) - 1
	return pad(clip(left, room), room, false) + " " + right
}

// tabLine lists the screens with their keys; the current one is in
// brackets (and reverse video).
func (m Model) tabLine(w int) string {
	var b strings.Builder
	for _, t := range tabs {
		if t.s == scrHelp {
			continue
		}
		label := t.key + " " + m.w(t.word)
		if t.s == m.screen {
			b.WriteString(styles.tabActive.Render("[" + label + "]"))
		} else {
			b.WriteString(" " + label + " ")
		}
	}
	return b.String()
}

// footer is the rule, the message line (or the question being asked) and
// the keys of the screen.
func (m Model) footer(w int) []string {
	out := []string{styles.rule.Render(strings.Repeat("─", w))}
	switch {
	case m.confirm != nil:
		q := wrap(m.confirm.text+"  "+m.w("confirmKeys"), w-2)
		for i, l := range q[:min(len(q), maxNotes)] {
			out = append(out, pick(i == 0, markWarn+" ", "  ")+styles.warn.Render(l))
		}
	case m.note.text != "":
		mark, st := markOK+" ", styles.good
		if m.note.bad {
			mark, st = markBad+" ", styles.bad
		}
		lines := wrap(m.note.text, w-2)
		if len(lines) > maxNotes {
			lines = append(lines[:maxNotes-1], clip(strings.Join(lines[maxNotes-1:], " "), w-2))
		}
		for i, l := range lines {
			out = append(out, pick(i == 0, st.Render(mark), "  ")+l)
		}
	default:
		out = append(out, "")
	}
	right := m.w("keysGlobal")
	left := strings.Join(m.screenKeys(), "  ")
	room := w - ansi.StringWidth(right) - 2
	return append(out, pad(clip(left, room), room, false)+"  "+styles.dim.Render(right))
}

// screenKeys are the keys of the current screen for the footer.
func (m Model) screenKeys() []string {
	switch m.screen {
	case scrHome:
		return m.homeKeys()
	case scrBoard:
		return m.board.keys(m)
	case scrTurnout, scrIncidents:
		k := m.keys()
		return []string{hint(k.next), hint(k.enter), hint(k.save), hint(k.esc)}
	case scrCount:
		return m.count.keys(m)
	case scrReport:
		return m.report.keys(m)
	case scrSend:
		return m.send.keys(m)
	case scrHelp:
		k := m.keys()
		return []string{k.up.Help().Key + k.down.Help().Key + " " + k.pgUp.Help().Key + " " + k.pgDown.Help().Key + " " + m.w("kScroll"), hint(k.esc)}
	}
	return nil
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

// window returns the first of n rows to show in h lines so that row sel
// is visible, near the middle once the list scrolls. It keeps no state,
// so the same model always shows the same rows.
func window(sel, n, h int) int {
	if h <= 0 || n <= h {
		return 0
	}
	return max(0, min(sel-h/2, n-h))
}
