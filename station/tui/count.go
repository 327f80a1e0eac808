package tui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The count screen: a form per contest, entered twice by two members
// (four-eyes principle). After an entry is saved the form is empty again
// for the second member, who must not see the first one's figures; the
// fields where the two entries differ are marked and named, and the
// member who mistyped loads their own entry (l), fixes it and saves.

type countModel struct {
	idx   int
	forms []countForm
}

func (c *countModel) form() *countForm {
	if c.idx < len(c.forms) {
		return &c.forms[c.idx]
	}
	return nil
}

func (c *countModel) focused() *input {
	if f := c.form(); f != nil && f.focus >= 2 && f.focus-2 < len(f.cells) {
		return &f.cells[f.focus-2].in
	}
	return nil
}

func (c countModel) dirtyContests() []string {
	var out []string
	for _, f := range c.forms {
		if f.dirty() {
			out = append(out, f.contest.ID)
		}
	}
	return out
}

// fit builds the forms once and keeps the person entering one who is
// present.
func (c *countModel) fit(m *Model) {
	if c.forms == nil {
		t := m.tr()
		for _, contest := range m.st.Definition().ContestsOf(m.st.District()) {
			f := newCountForm(t, m.st.Definition(), m.st.District(), contest)
			f.focus = 1
			c.forms = append(c.forms, f)
		}
	}
	for i := range c.forms {
		f := &c.forms[i]
		present := m.presentIDs()
		if !slices.Contains(present, f.entrant) {
			f.entrant = ""
			entries := m.status.State.Entries[f.contest.ID]
			if len(entries) == 2 && slices.Contains(present, entries[1].EnteredBy) {
				f.entrant = entries[1].EnteredBy // both made: one of them fixes theirs
				continue
			}
			for _, id := range present {
				if !slices.ContainsFunc(entries, func(e station.Entry) bool { return e.EnteredBy == id }) {
					f.entrant = id
					break
				}
			}
			if f.entrant == "" && len(present) > 0 {
				f.entrant = present[0]
			}
		}
	}
}

// presentIDs are the members present now, in the order of the roles.
func (m Model) presentIDs() []string {
	var out []string
	for _, a := range m.status.Present {
		out = append(out, a.PersonID)
	}
	return out
}

func (c *countModel) edited(m *Model) {
	if f := c.form(); f != nil {
		f.check(m.st.Definition(), m.st.District())
	}
}

// saved empties the form for the next member and keeps the answer.
func (c *countModel) saved(d *ballot.District, contest string, res station.EntryResult) {
	for i := range c.forms {
		f := &c.forms[i]
		if f.contest.ID != contest {
			continue
		}
		f.last = &lastEntry{slot: res.Slot, by: f.entrant, findings: res.Findings, diffs: res.Diffs, agreed: res.Agreed}
		f.reset(d)
		if res.Slot == 1 && res.Diffs == nil && !res.Agreed {
			f.entrant = "" // fit picks the next member without an entry
		}
	}
}

func (c *countModel) discarded(contest string) {
	for i := range c.forms {
		if c.forms[i].contest.ID == contest {
			c.forms[i].last = nil
		}
	}
}

func (c countModel) keys(m Model) []string {
	k := m.keys()
	return []string{pair(k.left, k.right), hint(k.save), hint(k.load), hint(k.discard), hint(k.esc)}
}

func (m Model) updateCount(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, f := m.keys(), m.count.form()
	if f == nil {
		return m, nil
	}
	last := len(f.cells) + 2
	move := func(d int) {
		for i := 0; i <= last; i++ {
			f.focus = (f.focus + d + last + 1) % (last + 1)
			if f.focus < 2 || f.focus == last || !f.cells[f.focus-2].heading {
				break
			}
		}
		for i := range f.cells {
			f.cells[i].in.focus = i == f.focus-2
		}
	}
	switch {
	case is(k, keys.save) || (is(k, keys.enter) && f.focus == last):
		return m.saveEntry()
	case is(k, keys.next, keys.down, keys.enter):
		move(1)
	case is(k, keys.prev, keys.up):
		move(-1)
	case is(k, keys.pgDown):
		move(min(10, last-f.focus))
	case is(k, keys.pgUp):
		move(-min(10, f.focus))
	case is(k, keys.esc):
		m.screen = scrHome
	case is(k, keys.load):
		return m.loadEntry()
	case is(k, keys.discard):
		m.confirm = &confirm{kind: confirmDiscard, contest: f.contest.ID, text: m.wf("confirmDiscard", f.contest.ID)}
	case f.focus == 0 && is(k, keys.left, keys.right):
		n := len(m.count.forms)
		m.count.idx = (m.count.idx + pick(is(k, keys.left), n-1, 1)) % n
	case f.focus == 1 && is(k, keys.left, keys.right):
		present := m.presentIDs()
		if len(present) > 0 {
			i := slices.Index(present, f.entrant)
			f.entrant = present[(i+pick(is(k, keys.left), len(present)-1, 1)+len(present))%len(present)]
		}
	case f.focus >= 2 && f.focus < last:
		if f.cells[f.focus-2].in.key(k) {
			f.check(m.st.Definition(), m.st.District())
		}
	}
	return m, nil
}

func (m Model) saveEntry() (tea.Model, tea.Cmd) {
	f := m.count.form()
	if f.entrant == "" {
		m.note = note{text: m.w("entrantNone"), bad: true}
		return m, nil
	}
	figures, missing := f.figures()
	if len(missing) > 0 {
		m.note = note{text: m.wf("fieldsEmpty", joinList(missing)), bad: true}
		return m, nil
	}
	contest, by, st, t := f.contest.ID, f.entrant, m.st, m.tr()
	name := m.personName(by)
	return m, m.act(actEntry, contest, func(ctx context.Context) (actMsg, error) {
		res, err := st.EnterCount(ctx, contest, by, figures)
		text := t.wf("entryStored", res.Slot, name, contest)
		switch {
		case res.Agreed:
			text += " " + t.w("entriesAgree") + "."
		case len(res.Diffs) > 0:
			text += " " + t.wf("entriesDiffer", len(res.Diffs)) + "."
		}
		return actMsg{note: text, entry: res}, err
	})
}

// loadEntry fills the form with the entry the selected member made, so
// that they fix their own typing error.
func (m Model) loadEntry() (tea.Model, tea.Cmd) {
	f := m.count.form()
	for _, e := range m.status.State.Entries[f.contest.ID] {
		if e.EnteredBy == f.entrant {
			f.load(e.Count)
			f.check(m.st.Definition(), m.st.District())
			m.note = note{text: m.wf("entryLoaded", e.Slot, m.personName(e.EnteredBy))}
			return m, nil
		}
	}
	m.note = note{text: m.wf("entryNoneBy", m.personName(f.entrant)), bad: true}
	return m, nil
}

func (m *Model) discardEntries(contest string) tea.Cmd {
	st, t := m.st, m.tr()
	return m.act(actDiscard, contest, func(ctx context.Context) (actMsg, error) {
		return actMsg{note: t.wf("discarded", contest)}, st.DiscardEntries(ctx, contest)
	})
}

func (m Model) personName(id string) string {
	if m.status.State != nil {
		if p, ok := m.status.State.Person(id); ok {
			return p.Name
		}
	}
	return id
}

// marks of a field: "!" or "?" when a check names it, "≠" when the two
// entries differ in it, "·" when it is still empty.
func (m Model) cellMark(f countForm, c countCell, diffs []ballot.FieldDiff) string {
	if slices.ContainsFunc(diffs, func(d ballot.FieldDiff) bool { return d.Field == c.field }) {
		return styles.bad.Render(markDiff)
	}
	if c.heading {
		return " "
	}
	if c.in.empty() && !c.optional {
		return markEmpty
	}
	mark := " "
	for _, fd := range f.live {
		if fd.Names(c.field) && f.ripe(fd) {
			if fd.Severity == ballot.SeverityError {
				return styles.bad.Render(markBad)
			}
			mark = styles.warn.Render(markWarn)
		}
	}
	return mark
}
