package tui

import (
	"fmt"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

func (m Model) viewReport(w, h int) []string {
	r := m.report
	contests := m.st.Definition().ContestsOf(m.st.District())
	if len(contests) == 0 || m.status.State == nil {
		return []string{" " + m.w("noContests")}
	}
	c := contests[min(r.idx, len(contests)-1)]
	lines := []string{
		prefix(r.focus == 0) + cell(m.w("contest"), 15) + clip(choice(fmt.Sprintf("%d/%d %s", r.idx+1, len(contests), c.Title), r.focus == 0), w-17),
		prefix(r.focus == 1) + cell(m.w("stage"), 15) + choice(m.w("stage:"+string(r.stage)), r.focus == 1),
		"  " + cell(m.w("stage:quick"), 17) + m.sentLine(c.ID, ballot.StageQuick),
		"  " + cell(m.w("stage:final"), 17) + m.sentLine(c.ID, ballot.StageFinal),
		styles.rule.Render(strings.Repeat("─", w)),
	}
	if r.err != nil {
		for i, l := range wrap(m.errText(r.err), w-4) {
			lines = append(lines, pick(i == 0, " "+styles.bad.Render(markBad)+" ", "   ")+l)
		}
		return lines
	}
	lines = append(lines, m.figureLines(r.draft, w)...)
	lines = append(lines, styles.rule.Render(strings.Repeat("─", w)))
	shown := r.shown()
	for i, idx := range shown {
		rf := r.reasons[idx]
		var msg string
		for _, f := range r.warnings {
			if f.Code == rf.code {
				msg = f.Message(m.lang)
				break
			}
		}
		for j, l := range wrap(msg, w-4)[:min(2, len(wrap(msg, w-4)))] {
			lines = append(lines, pick(j == 0, " "+styles.warn.Render(markWarn)+" ", "   ")+l)
		}
		rf.in.width = max(20, w-20)
		lines = append(lines, prefix(r.focus == 2+i)+"  "+cell(m.w("reason"), 12)+rf.in.view(m.lang))
	}
	for _, f := range r.blocking {
		if f.Code != ballot.FindingReasonMissing {
			lines = append(lines, " "+styles.bad.Render(markBad)+" "+clip(f.Message(m.lang), w-4))
		}
	}
	if r.needsCorrection() {
		r.correction.width = max(20, w-28)
		lines = append(lines, prefix(r.focus == 2+len(shown))+cell(m.wf("correction", r.draft.Version), 24)+r.correction.view(m.lang))
	}
	label := m.wf("sendButton", m.w("stage:"+string(r.stage)))
	if len(r.blocking) > 0 {
		label += " – " + m.wf("blocked", len(r.blocking))
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	if len(lines) > h-1 {
		lines = lines[:h-1]
	}
	return append(lines, button(label, r.focus == r.lastFocus()))
}

// figureLines show the figures of a draft in the order of the form.
func (m Model) figureLines(c *ballot.Count, w int) []string {
	if c == nil {
		return nil
	}
	n := func(v int64) string { return ballot.FormatCount(v, m.lang) }
	var head []string
	if m.st.District().Kind == ballot.InPerson {
		head = append(head, "A1 "+n(c.A1), "A2 "+n(c.A2), "A3 "+n(c.A3))
	}
	head = append(head, "B "+n(c.B), "B1 "+n(c.B1), "C "+n(c.Invalid), "D "+n(c.Valid))
	lines := []string{" " + m.wf("draftOf", c.Version, m.personName(c.EnteredBy[0]), m.personName(c.EnteredBy[1]))}
	for _, l := range wrap(strings.Join(head, " · "), w-3) {
		lines = append(lines, "   "+l)
	}
	if p := c.Postal; p != nil {
		text := fmt.Sprintf("%s %s · %s %s · %s %s · %s %s", m.w("f:received"), n(p.Received), m.w("f:queried"), n(p.Queried),
			m.w("f:admitted"), n(p.Admitted), m.w("f:rejected"), n(p.Rejected))
		for _, l := range wrap(text, w-3) {
			lines = append(lines, "   "+l)
		}
	}
	contest, _, _ := m.st.Definition().Contest(c.Contest)
	colW := (w - 4) / 2
	var row string
	for i, o := range contest.Options() {
		item := cell(fmt.Sprintf("D%d %s", i+1, o.Name), colW-10) + pad(n(c.Votes[o.ID]), 9, true)
		if i%2 == 0 {
			row = "   " + item
			continue
		}
		lines = append(lines, row+"  "+item)
		row = ""
	}
	if row != "" {
		lines = append(lines, row)
	}
	if contest.Kind == ballot.KindCumulative && c.Unchanged != nil && c.Changed != nil {
		var sum int64
		for _, v := range c.CandidateVotes {
			sum += v
		}
		lines = append(lines, "   "+clip(m.wf("draftCumulative", n(*c.Unchanged), n(*c.Changed), len(c.CandidateVotes), n(sum)), w-3))
	}
	return lines
}

// sentLine says where the newest count of the stage is on its way, up
// to the office's receipt.
func (m Model) sentLine(contest string, stage ballot.Stage) string {
	sc := m.status.State.LastSent(contest, stage)
	if sc == nil {
		return m.w("notSent")
	}
	head := m.wf("sentAs", sc.Count.Version, sc.Seq) + ": "
	for _, rec := range m.status.State.Records {
		if rec.Seq != sc.Seq {
			continue
		}
		switch rec.State {
		case outbox.StateAcknowledged:
			return head + styles.good.Render(markOK+" "+m.wf("receiptAt", m.clock(rec.ReceivedAt)))
		case outbox.StateRejected:
			return head + styles.bad.Render(markBad+" "+m.wf("rejectedAs", rec.RejectCode, rec.RejectMessage))
		}
		return head + m.recordState(rec.State)
	}
	return head
}
