package tui

import (
	"context"
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The report screen: the draft of the quick report (Schnellmeldung) or
// the final record (Niederschrift) of a contest as the station would sign
// it, a reason for every warning, the reason of a correction, and send:
// Submit, then a kick to the sender; the receipt shows when it comes.

type reportModel struct {
	idx         int
	stage       ballot.Stage
	stagePicked bool
	reasons     []reasonField // typed reasons of every contest, kept until sent
	correction  input
	focus       int // 0 contest, 1 stage, then the reasons shown, the correction (when one), the button

	contest  string
	draft    *ballot.Count
	blocking []ballot.Finding
	warnings []ballot.Finding
	err      error
}

type reasonField struct {
	contest, code string
	in            input
}

func (r reportModel) dirty() bool {
	return r.correction.dirty || slices.ContainsFunc(r.reasons, func(f reasonField) bool { return f.in.dirty })
}

// shown are the indexes in reasons of the current contest's warnings.
func (r reportModel) shown() []int {
	var out []int
	for _, w := range r.warnings {
		for i, f := range r.reasons {
			if f.contest == r.contest && f.code == w.Code && !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	return out
}

func (r reportModel) needsCorrection() bool { return r.draft != nil && r.draft.Version > 1 }

// lastFocus is the focus of the send button.
func (r reportModel) lastFocus() int { return 2 + len(r.shown()) + pick(r.needsCorrection(), 1, 0) }

func (r *reportModel) focused() *input {
	shown := r.shown()
	switch i := r.focus - 2; {
	case i >= 0 && i < len(shown):
		return &r.reasons[shown[i]].in
	case i == len(shown) && r.needsCorrection():
		return &r.correction
	}
	return nil
}

func (r reportModel) typing() bool { return r.focused() != nil }

func (r *reportModel) setFocus(f int) {
	r.focus = max(0, min(f, r.lastFocus()))
	for i := range r.reasons {
		r.reasons[i].in.focus = false
	}
	r.correction.focus = false
	if in := r.focused(); in != nil {
		in.focus = true
	}
}

func (r reportModel) options() station.SubmitOptions {
	o := station.SubmitOptions{CorrectionReason: r.correction.text()}
	for _, f := range r.reasons {
		if f.contest == r.contest && !f.in.empty() {
			if o.Reasons == nil {
				o.Reasons = map[string]string{}
			}
			o.Reasons[f.code] = f.in.text()
		}
	}
	return o
}

// prepare asks the station for the draft of the contest and stage chosen,
// with the reasons typed so far.
func (r *reportModel) prepare(m *Model) {
	st := m.status.State
	contests := m.st.Definition().ContestsOf(m.st.District())
	if st == nil || len(contests) == 0 {
		return
	}
	if r.correction.width == 0 {
		r.correction = newInput(ballot.MaxReasonLength, 40)
	}
	r.idx = max(0, min(r.idx, len(contests)-1))
	c := contests[r.idx]
	r.contest = c.ID
	if !r.stagePicked {
		r.stage = ballot.StageQuick
		if st.LastSent(c.ID, ballot.StageQuick) != nil || st.LastSent(c.ID, ballot.StageFinal) != nil {
			r.stage = ballot.StageFinal
		}
	}
	r.draft, r.blocking, r.err = m.st.Draft(st, c.ID, r.stage, r.options())
	r.warnings = nil
	if r.draft != nil {
		for _, f := range ballot.CheckCount(m.st.Definition(), m.st.District(), r.draft, ballot.CheckContext{}) {
			if f.Severity == ballot.SeverityWarning {
				r.warnings = append(r.warnings, f)
			}
		}
	}
	for _, w := range r.warnings {
		if !slices.ContainsFunc(r.reasons, func(f reasonField) bool { return f.contest == c.ID && f.code == w.Code }) {
			r.reasons = append(r.reasons, reasonField{contest: c.ID, code: w.Code, in: newInput(ballot.MaxReasonLength, 40)})
		}
	}
	r.setFocus(r.focus)
}

func (r *reportModel) edited(m *Model) { r.prepare(m) }

// submitted forgets the reasons sent.
func (r *reportModel) submitted() {
	r.reasons = slices.DeleteFunc(r.reasons, func(f reasonField) bool { return f.contest == r.contest })
	r.correction.clear()
	r.stagePicked = false
	r.focus = 0
}

func (r reportModel) keys(m Model) []string {
	k := m.keys()
	return []string{hint(k.next), pair(k.left, k.right), k.save.Help().Key + " " + m.w("kSend"), hint(k.esc)}
}

func (m Model) updateReport(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	keys, r := m.keys(), &m.report
	last := r.lastFocus()
	switch {
	case is(k, keys.save) || (is(k, keys.enter) && r.focus == last):
		if r.stage == ballot.StageFinal && r.err == nil && len(r.blocking) == 0 {
			// The final record is signed once the board has signed the
			// paper; a second Ctrl+S after the quick report must not send it.
			m.confirm = &confirm{kind: confirmFinal, text: m.wf("confirmFinal", r.contest)}
			return m, nil
		}
		return m.submit()
	case is(k, keys.next, keys.down, keys.enter):
		r.setFocus((r.focus + 1) % (last + 1))
	case is(k, keys.prev, keys.up):
		r.setFocus((r.focus + last) % (last + 1))
	case is(k, keys.esc) && r.typing():
		r.setFocus(last)
	case is(k, keys.esc):
		m.screen = scrHome
	case r.focus == 0 && is(k, keys.left, keys.right):
		n := len(m.st.Definition().ContestsOf(m.st.District()))
		r.idx = (r.idx + pick(is(k, keys.left), n-1, 1)) % n
		r.stagePicked = false
		r.prepare(&m)
	case r.focus == 1 && is(k, keys.left, keys.right):
		r.stage = pick(r.stage == ballot.StageQuick, ballot.StageFinal, ballot.StageQuick)
		r.stagePicked = true
		r.prepare(&m)
	default:
		if in := r.focused(); in != nil && in.key(k) {
			r.prepare(&m)
		}
	}
	return m, nil
}

func (m Model) submit() (tea.Model, tea.Cmd) {
	r := m.report
	if r.err != nil {
		m.setErr(r.err)
		return m, nil
	}
	contest, stage, opts, st, t := r.contest, r.stage, r.options(), m.st, m.tr()
	return m, m.act(actSubmit, contest, func(ctx context.Context) (actMsg, error) {
		c, err := st.Submit(ctx, contest, stage, opts)
		if err != nil {
			return actMsg{}, err
		}
		return actMsg{note: t.wf("submitted", t.w("stage:"+string(stage)), contest, c.Version)}, nil
	})
}
