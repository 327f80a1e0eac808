package tui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// The turnout screen: the report due now, prefilled with its time, the
// number of voters so far, and the reports made.

type turnoutModel struct {
	slot   string // "" is a report outside the schedule
	voters input
	focus  int // 0 slot, 1 voters, 2 button
	picked bool
}

func (t *turnoutModel) focused() *input {
	if t.focus == 1 {
		return &t.voters
	}
	return nil
}

// slots are the report times not yet reported, and "" for a report
// outside the schedule.
func (m Model) slots() []string {
	var out []string
	if st := m.status.State; st != nil {
		for _, s := range m.st.Definition().Election.TurnoutTimes {
			if !slices.ContainsFunc(st.Turnouts, func(t ballot.Turnout) bool { return t.Slot == s }) {
				out = append(out, s)
			}
		}
	}
	return append(out, "")
}

// fit selects the report due now, unless the board picked another; before
// the next scheduled time has come it selects an ad hoc report, which can
// be made at once.
func (t *turnoutModel) fit(m *Model) {
	slots := m.slots()
	if t.picked && slices.Contains(slots, t.slot) {
		return
	}
	t.picked = false
	t.slot = ""
	if due := m.status.NextTurnout; due != nil && due.Overdue {
		t.slot = due.Slot
	}
}

func (t *turnoutModel) saved() {
	t.voters.clear()
	t.picked = false
	t.focus, t.voters.focus = 1, true
}

func (m Model) updateTurnout(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, t := m.keys(), &m.turnout
	step := func(d int) {
		t.focus = (t.focus + d + 3) % 3
		t.voters.focus = t.focus == 1
	}
	switch {
	case is(k, keys.save) || (is(k, keys.enter) && t.focus == 2):
		return m.saveTurnout()
	case is(k, keys.next, keys.down, keys.enter):
		step(1)
	case is(k, keys.prev, keys.up):
		step(-1)
	case is(k, keys.esc):
		m.screen = scrHome
	case t.focus == 0 && is(k, keys.left, keys.right):
		slots := m.slots()
		i := slices.Index(slots, t.slot)
		i = (i + pick(is(k, keys.left), len(slots)-1, 1)) % len(slots)
		t.slot, t.picked = slots[i], true
	case t.focus == 1:
		t.voters.key(k)
	}
	return m, nil
}

func (m Model) saveTurnout() (tea.Model, tea.Cmd) {
	n, ok := m.turnout.voters.number()
	if !ok {
		m.note = note{text: m.w("votersEmpty"), bad: true}
		m.turnout.focus, m.turnout.voters.focus = 1, true
		return m, nil
	}
	slot, st, t := m.turnout.slot, m.st, m.tr()
	return m, m.act(actTurnout, "", func(ctx context.Context) (actMsg, error) {
		b, err := st.ReportTurnout(ctx, slot, n, zeroTime)
		return actMsg{note: t.wf("turnoutReported", t.slotName(b.Slot), ballot.FormatCount(b.Voters, t.lang), t.clock(b.At))}, err
	})
}

func (m Model) viewTurnout(w, h int) []string {
	t := m.turnout
	lines := []string{" " + m.turnoutDueText(), ""}
	t.voters.focus = t.focus == 1
	lines = append(lines,
		prefix(t.focus == 0)+cell(m.w("slot"), 20)+choice(m.tr().slotName(t.slot), t.focus == 0),
		prefix(t.focus == 1)+cell(m.w("votersSoFar"), 20)+"  "+t.voters.view(m.lang),
		button(m.w("reportButton"), t.focus == 2),
		"",
		" "+styles.title.Render(m.w("turnoutHistory")),
	)
	turnouts := m.status.State.Turnouts
	if len(turnouts) == 0 {
		lines = append(lines, "   "+m.w("none"))
	}
	for i := len(turnouts) - 1; i >= 0 && len(lines) < h; i-- {
		tn := turnouts[i]
		lines = append(lines, "   "+cell(m.tr().slotName(tn.Slot), 16)+" "+cell(m.wf("reportedAt", m.clock(tn.At)), 22)+" "+
			pad(ballot.FormatCount(tn.Voters, m.lang), 9, true)+" "+m.w("voters"))
	}
	return lines
}
