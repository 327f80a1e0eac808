package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Colour helps but never carries meaning alone: every state has a marker
// that reads without it ("!", "✓", "›", "≠" …), so the app is readable on a
// monochrome screen and in a screen capture.
const (
	markFocus   = "›"
	markOK      = "✓"
	markBad     = "!"
	markWarn    = "?"
	markDiff    = "≠"
	markEmpty   = "·"
	markPending = "…"
	markSent    = "↑"
	markOnline  = "●"
	markOffline = "○"
)

var styles = struct {
	title, tabActive, rule, dim, bad, good, warn, focus, cursor, button lipgloss.Style
}{
	title:     lipgloss.NewStyle().Bold(true),
	tabActive: lipgloss.NewStyle().Bold(true).Reverse(true),
	rule:      lipgloss.NewStyle().Faint(true),
	dim:       lipgloss.NewStyle().Faint(true),
	bad:       lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
	good:      lipgloss.NewStyle().Foreground(lipgloss.Color("10")),
	warn:      lipgloss.NewStyle().Foreground(lipgloss.Color("11")),
	focus:     lipgloss.NewStyle().Bold(true),
	cursor:    lipgloss.NewStyle().Reverse(true),
	button:    lipgloss.NewStyle().Bold(true),
}

// pad fills s with spaces to w cells, on the left when right is set.
func pad(s string, w int, right bool) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

// clip cuts s to w cells, ending in "…" when it had to cut.
func clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// cell is s clipped and padded to exactly w cells.
func cell(s string, w int) string { return pad(clip(s, w), w, false) }

// wrap breaks plain text into lines of at most w cells.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	var lines []string
	for _, l := range out {
		lines = append(lines, clip(l, w))
	}
	return lines
}

func joinList(items []string) string { return strings.Join(items, ", ") }

// button renders a form's action; the focused one is marked.
func button(label string, focus bool) string {
	if focus {
		return markFocus + " " + styles.cursor.Render("[ "+label+" ]")
	}
	return "  " + styles.button.Render("[ "+label+" ]")
}

// choice renders a value picked with ←/→.
func choice(label string, focus bool) string {
	if focus {
		return "‹ " + styles.focus.Render(label) + " ›"
	}
	return "  " + label + "  "
}

// prefix marks the row in focus.
func prefix(focus bool) string {
	if focus {
		return markFocus + " "
	}
	return "  "
}
