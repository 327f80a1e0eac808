package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// The home screen is the station at a glance, and the place where the
// poll is opened and closed.

func (m Model) homeKeys() []string {
	k := m.keys()
	switch m.status.Phase {
	case station.PhaseBeforeOpening:
		return []string{hint(k.open)}
	case station.PhaseVoting:
		return []string{hint(k.close)}
	}
	return nil
}

func (m Model) updateHome(s string) (tea.Model, tea.Cmd) {
	clock := m.clock(m.now)
	switch {
	case s == "o" && m.status.Phase == station.PhaseBeforeOpening:
		m.confirm = &confirm{kind: confirmOpen, text: m.wf("confirmOpen", clock)}
	case s == "c" && m.status.Phase == station.PhaseVoting:
		m.confirm = &confirm{kind: confirmClose, text: m.wf("confirmClose", clock)}
	case s == "esc":
		m.note = note{}
	}
	return m, nil
}

func (m *Model) openPolls() tea.Cmd {
	st, t := m.st, m.tr()
	return m.act(actOpen, "", func(ctx context.Context) (actMsg, error) {
		b, err := st.OpenPolls(ctx, zeroTime)
		return actMsg{note: t.wf("opened", t.clock(b.At))}, err
	})
}

func (m *Model) closePolls() tea.Cmd {
	st, t := m.st, m.tr()
	return m.act(actClose, "", func(ctx context.Context) (actMsg, error) {
		b, err := st.ClosePolls(ctx, zeroTime)
		return actMsg{note: t.wf("closed", t.clock(b.At))}, err
	})
}

func (m Model) viewHome(w, h int) []string {
	s := m.status
	def, d := m.st.Definition(), m.st.District()
	kind := m.w("kindInPerson")
	if d.Kind == ballot.Postal {
		kind = m.w("kindPostal")
	}
	lines := []string{
		" " + styles.title.Render(def.Election.Title) + " · " + m.electionDate(),
		" " + kind + pick(d.Address != "", " · "+d.Address, ""),
		"",
	}
	row := func(label, value string) {
		l := wrap(value, w-20)
		for i, v := range l {
			lines = append(lines, " "+cell(pick(i == 0, label, ""), 18)+" "+v)
		}
	}
	row(m.w("phase"), m.phaseText())
	q := s.Quorum
	if q.Met {
		row(m.w("board"), styles.good.Render(markOK)+" "+q.Message(m.lang))
	} else {
		row(m.w("board"), styles.bad.Render(markBad+" "+q.Message(m.lang)))
	}
	row(m.w("turnout"), m.turnoutDueText())
	row(m.w("outbox"), m.outboxText())
	row(m.w("network"), m.netLong())
	receipt := m.w("noReceipt")
	if !s.LastReceipt.IsZero() {
		receipt = m.clock(s.LastReceipt)
	}
	row(m.w("lastReceipt"), receipt)
	if s.Phase == station.PhaseCounting || s.Phase == station.PhaseReported {
		for i, c := range s.Contests {
			row(pick(i == 0, m.w("tabCount"), ""), c.Contest.ID+": "+m.contestLine(c))
		}
	}
	if n := len(s.Rejected); n > 0 {
		row("", styles.bad.Render(markBad)+" "+m.wf("rejectedHint", n))
	}
	lines = append(lines, "")
	for _, l := range wrap(m.w("next")+" "+m.nextStep(), w-2) {
		lines = append(lines, " "+styles.title.Render(l))
	}
	return lines
}

func (m Model) phaseText() string {
	st := m.status.State
	switch m.status.Phase {
	case station.PhaseVoting:
		return m.wf("phaseVoting", m.clock(*st.Opened))
	case station.PhaseCounting:
		return m.wf("phaseCounting", m.clock(*st.Closed))
	case station.PhaseReported:
		return m.w("phaseReported")
	}
	return m.w("phaseBefore")
}

func (m Model) turnoutDueText() string {
	due := m.status.NextTurnout
	switch {
	case due == nil:
		return m.w("turnoutNone")
	case due.Overdue:
		return styles.bad.Render(markBad) + " " + m.wf("turnoutOverdue", due.Slot)
	}
	return m.wf("turnoutNext", due.Slot)
}

func (m Model) outboxText() string {
	var parts []string
	for _, s := range outbox.States {
		parts = append(parts, fmt.Sprintf("%d %s", m.status.Outbox[s], m.w("state:"+string(s))))
	}
	return strings.Join(parts, " · ")
}

// contestLine says where the count of a contest stands.
func (m Model) contestLine(c station.ContestStatus) string {
	var parts []string
	switch {
	case len(c.Entries) < 2:
		parts = append(parts, m.wf("entriesOf", len(c.Entries)))
	case len(c.Diffs) > 0:
		parts = append(parts, markDiff+" "+m.wf("entriesDiffer", len(c.Diffs)))
	default:
		parts = append(parts, markOK+" "+m.w("entriesAgree"))
	}
	for _, sc := range []struct {
		stage ballot.Stage
		sent  *station.SentCount
	}{{ballot.StageQuick, c.Quick}, {ballot.StageFinal, c.Final}} {
		if sc.sent != nil {
			parts = append(parts, m.w("stage:"+string(sc.stage))+" "+m.recordState(sc.sent.State))
		}
	}
	return strings.Join(parts, " · ")
}

// recordState marks a record's way to the tally.
func (m Model) recordState(s outbox.State) string {
	mark := map[outbox.State]string{outbox.StatePending: markPending, outbox.StateSent: markSent,
		outbox.StateAcknowledged: markOK, outbox.StateRejected: markBad}[s]
	return mark + " " + m.w("state:"+string(s))
}

// nextStep tells a new poll worker what to do now.
func (m Model) nextStep() string {
	s := m.status
	if len(s.Rejected) > 0 {
		return m.w("nextRejected")
	}
	switch s.Phase {
	case station.PhaseBeforeOpening:
		if !s.Quorum.Met {
			return m.w("nextCheckIn")
		}
		return m.w("nextOpen")
	case station.PhaseVoting:
		if s.NextTurnout != nil && s.NextTurnout.Overdue {
			return m.wf("nextTurnout", s.NextTurnout.Slot)
		}
		if !s.Quorum.Met {
			return m.w("nextQuorum")
		}
		return m.w("nextClose")
	case station.PhaseCounting:
		for _, c := range s.Contests {
			if len(c.Entries) < 2 || len(c.Diffs) > 0 {
				return m.wf("nextEnter", c.Contest.ID)
			}
		}
		for _, c := range s.Contests {
			if c.Quick == nil && c.Final == nil {
				return m.wf("nextQuick", c.Contest.ID)
			}
		}
		for _, c := range s.Contests {
			if c.Final == nil {
				return m.wf("nextFinal", c.Contest.ID)
			}
		}
	}
	if s.Outbox[outbox.StatePending]+s.Outbox[outbox.StateSent] > 0 {
		return m.w("nextDeliver")
	}
	return m.w("nextDone")
}
