package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// countForm is the form of one contest's count: the fields of the
// federal forms for the district's kind and the contest's kind, in the
// order the board counts.
type countForm struct {
	contest *ballot.Contest
	cells   []countCell
	focus   int    // 0 contest, 1 entrant, 2+i cell i, 2+len(cells) the save button
	entrant string // the person entering
	live    []ballot.Finding
	last    *lastEntry
}

// countCell is one row of the form: a number field, or a heading (a list
// of a cumulative contest, above its candidates).
type countCell struct {
	field    string // as ballot names it in findings and diffs: B, D:ob-1, cand:csu-1 …
	code     string // the letter on the form: A1, B, D1 …
	label    string
	optional bool // empty means not counted (A3, marks, postal reasons)
	heading  bool
	in       input
}

// lastEntry is the answer to the last entry saved in the form.
type lastEntry struct {
	slot     int
	by       string
	findings []ballot.Finding
	diffs    []ballot.FieldDiff
	agreed   bool
}

func newCountForm(t tr, def *ballot.Definition, d *ballot.District, c *ballot.Contest) countForm {
	f := countForm{contest: c}
	num := func(field, code, label string, optional bool) {
		f.cells = append(f.cells, countCell{field: field, code: code, label: label, optional: optional, in: newNumber()})
	}
	if d.Kind == ballot.Postal {
		for _, l := range []string{ballot.FieldReceived, ballot.FieldQueried, ballot.FieldAdmitted, ballot.FieldRejected} {
			num(l, "", t.w("f:"+l), false)
		}
		for i, r := range ballot.RejectReasons {
			num(ballot.RejectedField(r), fmt.Sprintf("§%d", i+2), r.Label(t.lang), true)
		}
	} else {
		num(ballot.FieldA1, "A1", t.w("f:A1"), false)
		num(ballot.FieldA2, "A2", t.w("f:A2"), false)
		num(ballot.FieldA3, "A3", t.w("f:A3"), true)
	}
	num(ballot.FieldB, "B", t.w("f:B"), false)
	num(ballot.FieldB1, "B1", t.w("f:B1"), false)
	if d.Kind != ballot.Postal {
		num(ballot.FieldMarks, "", t.w("f:marks"), true)
	}
	ballots := pick(c.Kind == ballot.KindCumulative, "Ballots", "")
	num(ballot.FieldC, "C", t.w("f:C"+ballots), false)
	num(ballot.FieldD, "D", t.w("f:D"+ballots), false)
	for i, o := range c.Options() {
		label := o.Name
		for _, cand := range c.Candidates {
			if cand.ID == o.ID && cand.Party != "" {
				label += " (" + cand.Party + ")"
			}
		}
		num(ballot.OptionField(o.ID), "D"+strconv.Itoa(i+1), label, false)
	}
	if c.Kind == ballot.KindCumulative {
		num(ballot.FieldUnchanged, "", t.w("f:unchanged"), false)
		num(ballot.FieldChanged, "", t.w("f:changed"), false)
		for i, l := range c.Lists {
			f.cells = append(f.cells, countCell{field: ballot.OptionField(l.ID), code: "D" + strconv.Itoa(i+1), label: l.Name, heading: true})
			for j, cand := range l.Candidates {
				num(ballot.CandidateField(cand.ID), strconv.Itoa(j+1), cand.Name, false)
			}
		}
	}
	f.prefill(d)
	return f
}

// prefill puts the register's figures into an in-person form.
func (f *countForm) prefill(d *ballot.District) {
	if d.Register == nil || d.Kind != ballot.InPerson {
		return
	}
	for i := range f.cells {
		c := &f.cells[i]
		switch c.field {
		case ballot.FieldA1:
			c.in.set(strconv.FormatInt(d.Register.A1, 10))
		case ballot.FieldA2:
			c.in.set(strconv.FormatInt(d.Register.A2, 10))
		case ballot.FieldA3:
			if d.Register.A3 != 0 {
				c.in.set(strconv.FormatInt(d.Register.A3, 10))
			}
		}
	}
}

// reset empties the form for the next entry.
func (f *countForm) reset(d *ballot.District) {
	for i := range f.cells {
		f.cells[i].in.clear()
	}
	f.prefill(d)
	f.focus, f.live = 1, nil
}

func (f countForm) dirty() bool {
	for _, c := range f.cells {
		if c.in.dirty {
			return true
		}
	}
	return false
}

// figures reads the form as the numbers of a count, and names the fields
// still empty that the count needs.
func (f countForm) figures() (ballot.Count, []string) {
	c := ballot.Count{Contest: f.contest.ID, Votes: map[string]int64{}}
	var missing []string
	var postal ballot.PostalLetters
	hasPostal := false
	for _, cell := range f.cells {
		if cell.heading {
			continue
		}
		n, ok := cell.in.number()
		if !ok {
			if !cell.optional {
				missing = append(missing, pick(cell.code != "", cell.code, cell.label))
			}
			continue
		}
		switch field := cell.field; field {
		case ballot.FieldA1:
			c.A1 = n
		case ballot.FieldA2:
			c.A2 = n
		case ballot.FieldA3:
			c.A3 = n
		case ballot.FieldB:
			c.B = n
		case ballot.FieldB1:
			c.B1 = n
		case ballot.FieldMarks:
			c.Marks = &n
		case ballot.FieldC:
			c.Invalid = n
		case ballot.FieldD:
			c.Valid = n
		case ballot.FieldUnchanged:
			c.Unchanged = &n
		case ballot.FieldChanged:
			c.Changed = &n
		case ballot.FieldReceived, ballot.FieldQueried, ballot.FieldAdmitted, ballot.FieldRejected:
			hasPostal = true
			*map[string]*int64{ballot.FieldReceived: &postal.Received, ballot.FieldQueried: &postal.Queried,
				ballot.FieldAdmitted: &postal.Admitted, ballot.FieldRejected: &postal.Rejected}[field] = n
		default:
			if id, ok := strings.CutPrefix(field, ballot.OptionField("")); ok {
				c.Votes[id] = n
			} else if id, ok := strings.CutPrefix(field, ballot.CandidateField("")); ok {
				if c.CandidateVotes == nil {
					c.CandidateVotes = map[string]int64{}
				}
				c.CandidateVotes[id] = n
			} else if r, ok := strings.CutPrefix(field, ballot.RejectedField("")); ok && n != 0 {
				if postal.RejectedBy == nil {
					postal.RejectedBy = map[ballot.RejectReason]int64{}
				}
				postal.RejectedBy[ballot.RejectReason(r)] = n
			}
		}
	}
	if hasPostal {
		c.Postal = &postal
	}
	return c, missing
}

// load fills the form with an entry made before, to fix it.
func (f *countForm) load(c *ballot.Count) {
	values := map[string]int64{}
	for _, fv := range c.Numbers() {
		values[fv.Field] = fv.Value
	}
	for i := range f.cells {
		cell := &f.cells[i]
		if cell.heading {
			continue
		}
		if v, ok := values[cell.field]; ok && !(cell.optional && v == 0 && cell.field != ballot.FieldMarks) {
			cell.in.set(strconv.FormatInt(v, 10))
		} else {
			cell.in.clear()
		}
	}
}

// check runs the checks of ballot on the form as it stands, as the
// station does when the entry is saved, so that a field that does not add
// up is marked while the board types.
func (f *countForm) check(def *ballot.Definition, d *ballot.District) {
	c, _ := f.figures()
	c.Stage, c.Version, c.EnteredBy = ballot.StageQuick, 1, []string{"first", "second"}
	f.live = ballot.CheckCount(def, d, &c, ballot.CheckContext{})
}

// value is the number in a field, 0 when empty.
func (f countForm) value(field string) int64 {
	for _, c := range f.cells {
		if c.field == field && !c.heading {
			n, _ := c.in.number()
			return n
		}
	}
	return 0
}

// ripe reports whether every field of the form a finding names is
// filled in: a check shows once the figures it compares are typed, not
// while the board is still on the way to them.
func (f countForm) ripe(fd ballot.Finding) bool {
	for _, fv := range fd.Fields {
		for _, c := range f.cells {
			if c.field == fv.Field && !c.heading && c.in.empty() {
				return false
			}
		}
	}
	return true
}

// empty reports whether a field is not filled in.
func (f countForm) empty(field string) bool {
	for _, c := range f.cells {
		if c.field == field && !c.heading {
			return c.in.empty()
		}
	}
	return true
}
