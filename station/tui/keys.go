package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap holds the keys of the screens: one binding serves both matching
// a key press and naming the key in the footer and on the help screen.
// The keys are the same in every language; their help text is not.
type keyMap struct {
	next, prev, up, down, left, right, enter, esc, save, pgUp, pgDown, toggle key.Binding
	open, close                                                               key.Binding
	checkIn, checkOut, replace, add                                           key.Binding
	load, discard                                                             key.Binding
	retry, export                                                             key.Binding
}

func (m Model) keys() keyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, m.w(desc)))
	}
	return keyMap{
		next:     b("Tab", "kField", "tab"),
		prev:     b("⇧Tab", "kField", "shift+tab"),
		up:       b("↑", "kChoose", "up"),
		down:     b("↓", "kChoose", "down"),
		left:     b("←", "kChoose", "left"),
		right:    b("→", "kChoose", "right"),
		enter:    b("Enter", "kEnter", "enter"),
		esc:      b("Esc", "kEsc", "esc"),
		save:     b(m.w("keyCtrlS"), "kSave", "ctrl+s"),
		pgUp:     b(m.w("keyPgUp"), "kScroll", "pgup"),
		pgDown:   b(m.w("keyPgDown"), "kScroll", "pgdown"),
		toggle:   b(m.w("keySpace"), "kToggle", "space"),
		open:     b("o", "kOpen", "o"),
		close:    b("c", "kClose", "c"),
		checkIn:  b("Enter", "kCheckIn", "enter"),
		checkOut: b("x", "kCheckOut", "x"),
		replace:  b("r", "kReplace", "r"),
		add:      b("n", "kAdd", "n"),
		load:     b("l", "kLoad", "l"),
		discard:  b("x", "kDiscard", "x"),
		retry:    b("r", "kRetry", "r"),
		export:   b("e", "kExport", "e"),
	}
}

// hint names a key for the footer: "x abmelden".
func hint(b key.Binding) string { return b.Help().Key + " " + b.Help().Desc }

func is(k tea.KeyPressMsg, b ...key.Binding) bool { return key.Matches(k, b...) }

// pair names two keys of one meaning: "↑↓ wählen".
func pair(a, b key.Binding) string { return a.Help().Key + b.Help().Key + " " + a.Help().Desc }
