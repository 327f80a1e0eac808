package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// panelLines is the room below the form for findings and differences.
const panelLines = 4

func (m Model) viewCount(w, h int) []string {
	f := m.count.form()
	if f == nil {
		return []string{" " + m.w("noContests")}
	}
	var cs station.ContestStatus
	for _, c := range m.status.Contests {
		if c.Contest.ID == f.contest.ID {
			cs = c
		}
	}
	title := fmt.Sprintf("%d/%d %s", m.count.idx+1, len(m.count.forms), f.contest.Title)
	entrant := m.w("nobodyPresent")
	if f.entrant != "" {
		entrant = m.personName(f.entrant)
	}
	lines := []string{
		prefix(f.focus == 0) + cell(m.w("contest"), 14) + clip(choice(title, f.focus == 0), w-16),
		prefix(f.focus == 1) + cell(m.w("enteredBy"), 14) + choice(entrant, f.focus == 1),
		"  " + cell(m.w("entries"), 14) + "  " + m.entriesLine(cs),
	}
	panel := m.countPanel(*f, cs, w)
	rows := h - len(lines) - 1 - len(panel)
	last := len(f.cells) + 2
	sel := min(max(0, f.focus-2), len(f.cells)-1)
	top := window(sel, len(f.cells), rows)
	for i := top; i < len(f.cells) && i < top+rows; i++ {
		c := f.cells[i]
		mark := m.cellMark(*f, c, cs.Diffs)
		note := m.sumNote(*f, c)
		if c.heading {
			lines = append(lines, "  "+mark+" "+cell(c.code, 4)+" "+labelAndNote(styles.title.Render(c.label), note, w-9))
			continue
		}
		c.in.focus = f.focus == i+2
		lines = append(lines, prefix(c.in.focus)+mark+" "+cell(c.code, 4)+" "+c.in.view(m.lang)+" "+labelAndNote(c.label, note, w-23))
	}
	for len(lines) < h-1-len(panel) {
		lines = append(lines, "")
	}
	lines = append(lines, button(m.w("saveEntry"), f.focus == last))
	return append(lines, panel...)
}

// entriesLine says who entered and whether the entries agree.
func (m Model) entriesLine(cs station.ContestStatus) string {
	var parts []string
	for _, e := range cs.Entries {
		parts = append(parts, fmt.Sprintf("%d. %s %s", e.Slot, m.personName(e.EnteredBy), markOK))
	}
	if len(cs.Entries) < 2 {
		parts = append(parts, fmt.Sprintf("%d. %s", len(cs.Entries)+1, m.w("entryMissing")))
	}
	switch {
	case len(cs.Diffs) > 0:
		parts = append(parts, styles.bad.Render(markDiff+" "+m.wf("differShort", len(cs.Diffs))))
	case len(cs.Entries) == 2:
		parts = append(parts, styles.good.Render(markOK+" "+m.w("agreeShort")))
	}
	return strings.Join(parts, " · ")
}

// countPanel names the fields where the entries differ, the findings of
// the last entry saved, and the check of the field in focus.
func (m Model) countPanel(f countForm, cs station.ContestStatus, w int) []string {
	var out []string
	add := func(mark, text string) {
		for i, l := range wrap(text, w-4) {
			out = append(out, pick(i == 0, " "+mark+" ", "   ")+l)
		}
	}
	for _, d := range cs.Diffs {
		add(styles.bad.Render(markDiff), m.diffText(f, d))
	}
	if len(cs.Diffs) > 0 {
		add(" ", m.w("diffHelp"))
	}
	if i := f.focus - 2; i >= 0 && i < len(f.cells) && !f.cells[i].in.empty() {
		for _, fd := range f.live {
			if fd.Names(f.cells[i].field) && f.ripe(fd) {
				add(pick(fd.Severity == ballot.SeverityError, styles.bad.Render(markBad), styles.warn.Render(markWarn)), fd.Message(m.lang))
				break
			}
		}
	}
	if l := f.last; l != nil && len(cs.Diffs) == 0 {
		if len(l.findings) == 0 {
			add(styles.good.Render(markOK), m.wf("entryClean", l.slot, m.personName(l.by)))
		}
		for _, fd := range l.findings {
			add(pick(fd.Severity == ballot.SeverityError, styles.bad.Render(markBad), styles.warn.Render(markWarn)), fd.Message(m.lang))
		}
	}
	if len(out) > panelLines {
		out = out[:panelLines]
	}
	return out
}

// diffText names a differing field as the form labels it.
func (m Model) diffText(f countForm, d ballot.FieldDiff) string {
	name := d.Field
	for _, c := range f.cells {
		if c.field == d.Field && !c.heading {
			name = strings.TrimSpace(c.code + " " + c.label)
		}
	}
	v := func(p *int64) string {
		if p == nil {
			return "–"
		}
		return ballot.FormatCount(*p, m.lang)
	}
	return m.wf("diffLine", name, v(d.First), v(d.Second))
}

// sumNote is the running sum shown beside a field: what the figures
// typed so far add up to, next to the figure they are compared with.
func (m Model) sumNote(f countForm, c countCell) string {
	n := func(v int64) string { return ballot.FormatCount(v, m.lang) }
	switch {
	case c.heading:
		var sum int64
		for _, l := range f.contest.Lists {
			if ballot.OptionField(l.ID) == c.field {
				for _, cand := range l.Candidates {
					sum += f.value(ballot.CandidateField(cand.ID))
				}
			}
		}
		return m.wf("sumCandidates", n(sum), n(f.value(c.field)))
	case c.field == ballot.FieldB1 && m.st.District().Kind == ballot.InPerson && !f.empty(ballot.FieldB):
		return m.wf("sumWithoutCard", n(f.value(ballot.FieldB)-f.value(ballot.FieldB1)))
	case c.field == ballot.FieldC:
		return m.wf("sumCD", n(f.value(ballot.FieldC)+f.value(ballot.FieldD)), n(f.value(ballot.FieldB)))
	case c.field == ballot.FieldD:
		var sum int64
		for _, o := range f.contest.Options() {
			sum += f.value(ballot.OptionField(o.ID))
		}
		if f.contest.Kind == ballot.KindCumulative {
			perVoter, _ := f.contest.Cumulation()
			return m.wf("sumVotes", n(sum), n(f.value(ballot.FieldD)*int64(perVoter)))
		}
		return m.wf("sumOptions", n(sum))
	case c.field == ballot.FieldChanged:
		return m.wf("sumSplit", n(f.value(ballot.FieldUnchanged)+f.value(ballot.FieldChanged)), n(f.value(ballot.FieldD)))
	case c.field == ballot.FieldAdmitted:
		return m.wf("sumDecided", n(f.value(ballot.FieldAdmitted)+f.value(ballot.FieldRejected)), n(f.value(ballot.FieldQueried)))
	case c.field == ballot.FieldRejected:
		var sum int64
		for _, r := range ballot.RejectReasons {
			sum += f.value(ballot.RejectedField(r))
		}
		return m.wf("sumReasons", n(sum))
	}
	return ""
}

// labelAndNote fills w cells with the label on the left and the running
// sum on the right; the label gives way first.
func labelAndNote(label, note string, w int) string {
	if note == "" {
		return clip(label, w)
	}
	note = clip(note, w/2)
	room := w - ansi.StringWidth(note) - 2
	return cell(label, room) + "  " + styles.dim.Render(note)
}
