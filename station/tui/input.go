package tui

import (
	"strconv"
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// input is one line of typed text: a number field of a form, a name, a
// reason, a path or the PIN. It keeps the text and the cursor; the form
// around it keeps the focus order.
type input struct {
	value  []rune
	pos    int
	limit  int // in characters
	width  int // shown, in cells
	digits bool
	secret bool
	focus  bool
	dirty  bool // typed into since it was set or saved
}

// maxDigits is the length of ballot.MaxCountNumber.
var maxDigits = len(strconv.Itoa(ballot.MaxCountNumber))

func newInput(limit, width int) input { return input{limit: limit, width: width} }

func newNumber() input { return input{limit: maxDigits, width: 11, digits: true} }

// key edits the text; it reports whether the key was an edit.
func (f *input) key(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "backspace":
		if f.pos > 0 {
			f.value = append(f.value[:f.pos-1], f.value[f.pos:]...)
			f.pos--
			f.dirty = true
		}
		return true
	case "delete":
		if f.pos < len(f.value) {
			f.value = append(f.value[:f.pos], f.value[f.pos+1:]...)
			f.dirty = true
		}
		return true
	case "left":
		if f.pos > 0 {
			f.pos--
		}
		return true
	case "right":
		if f.pos < len(f.value) {
			f.pos++
		}
		return true
	case "home", "ctrl+a":
		f.pos = 0
		return true
	case "end", "ctrl+e":
		f.pos = len(f.value)
		return true
	case "ctrl+u":
		if len(f.value) > 0 {
			f.value, f.pos, f.dirty = nil, 0, true
		}
		return true
	}
	if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
		return false
	}
	return f.insert(k.Text)
}

// insert types text at the cursor; a number field takes digits only.
func (f *input) insert(text string) bool {
	var add []rune
	for _, r := range text {
		switch {
		case f.digits && r >= '0' && r <= '9':
		case f.digits:
			continue
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case !unicode.IsPrint(r):
			continue
		}
		add = append(add, r)
	}
	if f.digits && len(add) == 0 {
		return false
	}
	if f.limit > 0 && len(f.value)+len(add) > f.limit {
		add = add[:max(0, f.limit-len(f.value))]
	}
	if len(add) == 0 {
		return true
	}
	v := make([]rune, 0, len(f.value)+len(add))
	v = append(append(append(v, f.value[:f.pos]...), add...), f.value[f.pos:]...)
	f.value, f.pos, f.dirty = v, f.pos+len(add), true
	return true
}

func (f *input) paste(text string) { f.insert(strings.TrimSpace(text)) }

func (f input) text() string { return string(f.value) }

// set puts a value in without making the field dirty.
func (f *input) set(s string) {
	f.value = []rune(s)
	f.pos, f.dirty = len(f.value), false
}

func (f *input) clear() { f.set("") }

func (f input) empty() bool { return strings.TrimSpace(string(f.value)) == "" }

// number reads a number field; false when it is empty.
func (f input) number() (int64, bool) {
	if len(f.value) == 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(f.value), 10, 64)
	return n, err == nil
}

// view renders the field in brackets: a number right-aligned with the
// separators of lang (plain digits while typed into), text scrolled so
// that the cursor stays visible, the cursor in reverse video.
func (f input) view(lang ballot.Lang) string {
	w := max(f.width, 1)
	if f.digits {
		s := string(f.value)
		if n, ok := f.number(); ok && !f.focus {
			s = ballot.FormatCount(n, lang)
		}
		if f.focus {
			return "[" + pad(s, w-1, true) + styles.cursor.Render(" ") + "]"
		}
		return "[" + pad(s, w, true) + "]"
	}
	runes := f.value
	if f.secret {
		runes = []rune(strings.Repeat("•", len(f.value)))
	}
	if !f.focus {
		return "[" + pad(clip(string(runes), w), w, false) + "]"
	}
	start := max(0, f.pos-(w-1))
	end := min(len(runes), start+w-1)
	if f.pos == len(runes) {
		return "[" + pad(string(runes[start:end])+styles.cursor.Render(" "), w, false) + "]"
	}
	end = min(len(runes), start+w)
	before, at, after := string(runes[start:f.pos]), string(runes[f.pos]), string(runes[f.pos+1:end])
	return "[" + pad(before+styles.cursor.Render(at)+after, w, false) + "]"
}
