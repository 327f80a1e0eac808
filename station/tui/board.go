package tui

import (
	"context"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The board screen: the roster with who is present, check-in and
// check-out of the selected person, a replacement for a no-show (with the
// chair's confirmation that the newcomer was instructed) and a person
// added on the day.

type boardModel struct {
	sel      int
	open     bool // the person form is open
	form     personForm
	selectID string // the person to select once the station is read again
}

// personForm adds a person, or replaces the no-show noShow.
type personForm struct {
	noShow     string
	name       input
	role       int // index in ballot.Roles
	instructed bool
	focus      int // 0 name, 1 role, 2 instructed (replacement only), 3 button
}

func (b boardModel) typing() bool { return b.open && b.form.focus == 0 }
func (b boardModel) dirty() bool  { return b.open && (b.form.name.dirty || b.form.instructed) }
func (b *boardModel) close()      { b.open = false }
func (b boardModel) people(m *Model) []station.Person {
	if m.status.State == nil {
		return nil
	}
	return m.status.State.People
}

func (b *boardModel) focused() *input {
	if b.open && b.form.focus == 0 {
		return &b.form.name
	}
	return nil
}

func (b *boardModel) fit(m *Model) {
	people := b.people(m)
	if i := slices.IndexFunc(people, func(p station.Person) bool { return p.ID == b.selectID }); b.selectID != "" && i >= 0 {
		b.sel, b.selectID = i, ""
	}
	b.sel = max(0, min(b.sel, len(people)-1))
}

// saved closes the form after a replacement or an added person, and
// selects the person.
func (b *boardModel) saved(person string) {
	b.open = false
	b.form = personForm{}
	b.selectID = person
}

func (b boardModel) keys(m Model) []string {
	k := m.keys()
	if b.open {
		return []string{hint(k.next), pair(k.left, k.right), hint(k.toggle), hint(k.esc)}
	}
	return []string{pair(k.up, k.down), hint(k.checkIn), hint(k.checkOut), hint(k.replace), hint(k.add)}
}

func (m Model) updateBoard(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.board.open {
		return m.updatePersonForm(k)
	}
	keys, people := m.keys(), m.board.people(&m)
	if len(people) == 0 && !is(k, keys.add) {
		return m, nil
	}
	switch {
	case is(k, keys.up):
		m.board.sel = max(0, m.board.sel-1)
	case is(k, keys.down):
		m.board.sel = min(len(people)-1, m.board.sel+1)
	case is(k, keys.checkIn):
		p := people[m.board.sel]
		st, t := m.st, m.tr()
		return m, m.act(actCheckIn, "", func(ctx context.Context) (actMsg, error) {
			in, err := st.CheckIn(ctx, p.ID, zeroTime)
			return actMsg{note: t.wf("checkedIn", p.Name, t.clock(in.At))}, err
		})
	case is(k, keys.checkOut):
		p := people[m.board.sel]
		st, t := m.st, m.tr()
		return m, m.act(actCheckOut, "", func(ctx context.Context) (actMsg, error) {
			out, err := st.CheckOut(ctx, p.ID, zeroTime)
			return actMsg{note: t.wf("checkedOut", p.Name, t.clock(out.At))}, err
		})
	case is(k, keys.replace):
		p := people[m.board.sel]
		m.board.open = true
		m.board.form = personForm{noShow: p.ID, name: newInput(200, 30), role: max(0, slices.Index(ballot.Roles, p.Role))}
		m.board.form.name.focus = true
	case is(k, keys.add):
		m.board.open = true
		m.board.form = personForm{name: newInput(200, 30), role: slices.Index(ballot.Roles, ballot.RoleAssessor)}
		m.board.form.name.focus = true
	case is(k, keys.esc):
		m.screen = scrHome
	}
	return m, nil
}

func (m Model) updatePersonForm(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, f := m.keys(), &m.board.form
	last := 3
	step := func(d int) {
		f.focus = (f.focus + d + last + 1) % (last + 1)
		if f.noShow == "" && f.focus == 2 {
			f.focus = (f.focus + d + last + 1) % (last + 1)
		}
		f.name.focus = f.focus == 0
	}
	switch {
	case is(k, keys.esc):
		if m.board.dirty() {
			m.confirm = &confirm{kind: confirmDropForm, text: m.w("confirmDropForm")}
			return m, nil
		}
		m.board.close()
	case is(k, keys.save) || (is(k, keys.enter) && f.focus == last):
		return m.savePerson()
	case is(k, keys.next, keys.down, keys.enter):
		step(1)
	case is(k, keys.prev, keys.up):
		step(-1)
	case f.focus == 1 && is(k, keys.left):
		f.role = (f.role + len(ballot.Roles) - 1) % len(ballot.Roles)
	case f.focus == 1 && is(k, keys.right, keys.toggle):
		f.role = (f.role + 1) % len(ballot.Roles)
	case f.focus == 2 && is(k, keys.toggle):
		f.instructed = !f.instructed
	case f.focus == 0:
		f.name.key(k)
	}
	return m, nil
}

func (m Model) savePerson() (tea.Model, tea.Cmd) {
	f, st, t := m.board.form, m.st, m.tr()
	member := ballot.Member{Name: strings.TrimSpace(f.name.text()), Role: ballot.Roles[f.role]}
	if f.noShow == "" {
		return m, m.act(actAddMember, "", func(ctx context.Context) (actMsg, error) {
			added, err := st.AddMember(ctx, member)
			return actMsg{note: t.wf("memberAdded", added.Name), person: added.ID}, err
		})
	}
	noShow := f.noShow
	return m, m.act(actReplace, "", func(ctx context.Context) (actMsg, error) {
		in, err := st.Replace(ctx, noShow, member, f.instructed, zeroTime)
		return actMsg{note: t.wf("replaced", in.Person.Name, t.clock(in.At)), person: in.Person.ID}, err
	})
}

func (m Model) viewBoard(w, h int) []string {
	q := m.status.Quorum
	var lines []string
	if q.Met {
		lines = append(lines, " "+styles.good.Render(markOK)+" "+q.Message(m.lang))
	} else {
		for i, l := range wrap(q.Message(m.lang), w-3) {
			lines = append(lines, pick(i == 0, " "+styles.bad.Render(markBad)+" ", "   ")+l)
		}
	}
	lines = append(lines, "")
	form := m.viewPersonForm(w)
	nameW, roleW := 24, 22
	lines = append(lines, styles.dim.Render("    "+cell(m.w("name"), nameW)+" "+cell(m.w("role"), roleW)+" "+m.w("attendance")))
	// Every person on a line, and a second line for a replacement.
	var rows []string
	sel := 0
	for i, p := range m.board.people(&m) {
		mark, detail, extra := m.attendance(p)
		if i == m.board.sel {
			sel = len(rows)
		}
		rows = append(rows, prefix(i == m.board.sel && !m.board.open)+mark+" "+cell(p.Name, nameW)+" "+
			cell(m.w("role:"+string(p.Role)), roleW)+" "+clip(detail, w-nameW-roleW-7))
		if extra != "" {
			rows = append(rows, "      "+styles.dim.Render(clip(extra, w-6)))
		}
	}
	room := h - len(lines) - len(form)
	top := window(sel, len(rows), room)
	lines = append(lines, rows[top:min(len(rows), top+room)]...)
	for len(lines) < h-len(form) {
		lines = append(lines, "")
	}
	return append(lines, form...)
}

// attendance marks a person present or not and says since when, and
// whom a replacement stands in for.
func (m Model) attendance(p station.Person) (mark, text, extra string) {
	st, now := m.status.State, m.status.Now
	var last *ballot.AttendanceEvent
	for i, e := range st.Attendance {
		if e.PersonID == p.ID && !e.At.After(now) {
			last = &st.Attendance[i]
		}
	}
	var extras []string
	for _, r := range st.Replacements {
		if r.Newcomer.ID == p.ID {
			if other, ok := st.Person(r.Replaces); ok {
				extras = append(extras, m.wf("replaces", other.Name))
			}
		}
		if r.Replaces == p.ID {
			extras = append(extras, m.wf("replacedBy", r.Newcomer.Name))
		}
	}
	switch {
	case st.IsPresent(p.ID, now):
		mark, text = styles.good.Render(markOK), m.wf("presentSince", m.clock(last.At))
	case last != nil:
		mark, text = markEmpty, m.wf("leftAt", m.clock(last.At))
	default:
		mark, text = markEmpty, m.w("absent")
	}
	return mark, text, strings.Join(extras, " · ")
}

func (m Model) viewPersonForm(w int) []string {
	if !m.board.open {
		return nil
	}
	f := m.board.form
	title := m.w("addTitle")
	if p, ok := m.status.State.Person(f.noShow); ok && f.noShow != "" {
		title = m.wf("replaceTitle", p.Name, m.w("role:"+string(p.Role)))
	}
	f.name.focus = f.focus == 0
	lines := []string{styles.rule.Render(strings.Repeat("─", w)), " " + styles.title.Render(clip(title, w-2)),
		prefix(f.focus == 0) + cell(m.w("name"), 12) + f.name.view(m.lang),
		prefix(f.focus == 1) + cell(m.w("role"), 12) + choice(m.w("role:"+string(ballot.Roles[f.role])), f.focus == 1)}
	if f.noShow != "" {
		box := pick(f.instructed, "[x] ", "[ ] ")
		for i, l := range wrap(m.w("instructed"), w-8) {
			lines = append(lines, pick(i == 0, prefix(f.focus == 2)+box, "      ")+l)
		}
	}
	return append(lines, button(m.w(pick(f.noShow == "", "addButton", "replaceButton")), f.focus == 3))
}

var zeroTime time.Time
