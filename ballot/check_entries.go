package ballot

import (
	"cmp"
	"slices"
	"strings"
)

// The numbers of a count by field name (see FieldValue), for the checks,
// for forms that highlight fields, and for comparing the two entries of
// the four-eyes principle.

// Numbers returns every number entered on the count, named as in findings
// (A1, B, D:<option>, cand:<candidate>, rejected:<reason> …), in the order
// of the forms: register, voters, postal letters, C, D, options by id,
// the cumulative split, candidates by id. A1 to D are always there;
// optional entries (marks, postal letters, the split) only when set.
func (c *Count) Numbers() []FieldValue {
	out := []FieldValue{
		{Field: FieldA1, Value: c.A1}, {Field: FieldA2, Value: c.A2}, {Field: FieldA3, Value: c.A3},
		{Field: FieldB, Value: c.B}, {Field: FieldB1, Value: c.B1},
	}
	if c.Marks != nil {
		out = append(out, FieldValue{Field: FieldMarks, Value: *c.Marks})
	}
	if p := c.Postal; p != nil {
		out = append(out,
			FieldValue{Field: FieldReceived, Value: p.Received}, FieldValue{Field: FieldQueried, Value: p.Queried},
			FieldValue{Field: FieldAdmitted, Value: p.Admitted}, FieldValue{Field: FieldRejected, Value: p.Rejected})
		for r, v := range p.RejectedBy {
			out = append(out, FieldValue{Field: RejectedField(r), Value: v})
		}
	}
	out = append(out, FieldValue{Field: FieldC, Value: c.Invalid}, FieldValue{Field: FieldD, Value: c.Valid})
	for id, v := range c.Votes {
		out = append(out, FieldValue{Field: OptionField(id), Value: v})
	}
	if c.Unchanged != nil {
		out = append(out, FieldValue{Field: FieldUnchanged, Value: *c.Unchanged})
	}
	if c.Changed != nil {
		out = append(out, FieldValue{Field: FieldChanged, Value: *c.Changed})
	}
	for id, v := range c.CandidateVotes {
		out = append(out, FieldValue{Field: CandidateField(id), Value: v})
	}
	slices.SortStableFunc(out, func(a, b FieldValue) int { return compareFields(a.Field, b.Field) })
	return out
}

// number returns the value of one field of the count and whether it is set.
func (c *Count) number(field string) (int64, bool) {
	opt := func(p *int64) (int64, bool) {
		if p == nil {
			return 0, false
		}
		return *p, true
	}
	fromMap := func(m map[string]int64, key string) (int64, bool) { v, ok := m[key]; return v, ok }
	switch field {
	case FieldA1:
		return c.A1, true
	case FieldA2:
		return c.A2, true
	case FieldA3:
		return c.A3, true
	case FieldB:
		return c.B, true
	case FieldB1:
		return c.B1, true
	case FieldC:
		return c.Invalid, true
	case FieldD:
		return c.Valid, true
	case FieldMarks:
		return opt(c.Marks)
	case FieldUnchanged:
		return opt(c.Unchanged)
	case FieldChanged:
		return opt(c.Changed)
	}
	if id, ok := strings.CutPrefix(field, optionPrefix); ok {
		return fromMap(c.Votes, id)
	}
	if id, ok := strings.CutPrefix(field, candidatePrefix); ok {
		return fromMap(c.CandidateVotes, id)
	}
	p := c.Postal
	if p == nil {
		return 0, false
	}
	switch field {
	case FieldReceived:
		return p.Received, true
	case FieldQueried:
		return p.Queried, true
	case FieldAdmitted:
		return p.Admitted, true
	case FieldRejected:
		return p.Rejected, true
	}
	if r, ok := cutRejected(field); ok {
		v, ok := p.RejectedBy[r]
		return v, ok
	}
	return 0, false
}

// fieldGroups orders the fields as the forms do; prefixed fields sort
// within their group.
var fieldGroups = []string{
	FieldA1, FieldA2, FieldA3, FieldB, FieldB1, FieldMarks,
	FieldReceived, FieldQueried, FieldAdmitted, FieldRejected, rejectedPrefix,
	FieldC, FieldD, optionPrefix, FieldUnchanged, FieldChanged, candidatePrefix,
}

func fieldRank(field string) (group, sub int, rest string) {
	for i, g := range fieldGroups {
		if g == field && !strings.HasSuffix(g, ":") { // "rejected:" with no reason is an unknown reason, not the group
			return i, 0, ""
		}
		if strings.HasSuffix(g, ":") && strings.HasPrefix(field, g) {
			rest = field[len(g):]
			if g == rejectedPrefix {
				// Reasons in the order of the law, unknown ones after.
				if j := slices.Index(RejectReasons, RejectReason(rest)); j >= 0 {
					return i, j, ""
				}
				return i, len(RejectReasons), rest
			}
			return i, 0, rest
		}
	}
	return len(fieldGroups), 0, field
}

func compareFields(a, b string) int {
	ga, sa, ra := fieldRank(a)
	gb, sb, rb := fieldRank(b)
	return cmp.Or(cmp.Compare(ga, gb), cmp.Compare(sa, sb), strings.Compare(ra, rb))
}

func cutRejected(field string) (RejectReason, bool) {
	r, ok := strings.CutPrefix(field, rejectedPrefix)
	return RejectReason(r), ok
}

// FieldDiff is a field on which the two entries of a count disagree. A nil
// value means that entry left the field out.
type FieldDiff struct {
	Field  string `json:"field"`
	First  *int64 `json:"first"`
	Second *int64 `json:"second"`
}

// CompareEntries compares two entries of the same count, made by two board
// members (four-eyes principle), and names every number on which they
// differ, in the order of Numbers. Both must agree before anything is sent;
// most wrong results are typing errors and swapped digits. Written reasons,
// who entered and the correction reason are not compared.
func CompareEntries(first, second *Count) []FieldDiff {
	a, b := first.Numbers(), second.Numbers()
	var out []FieldDiff
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var c int
		switch {
		case i == len(a):
			c = 1
		case j == len(b):
			c = -1
		default:
			c = compareFields(a[i].Field, b[j].Field)
		}
		switch {
		case c < 0:
			out = append(out, FieldDiff{Field: a[i].Field, First: &a[i].Value})
			i++
		case c > 0:
			out = append(out, FieldDiff{Field: b[j].Field, Second: &b[j].Value})
			j++
		default:
			if a[i].Value != b[j].Value {
				out = append(out, FieldDiff{Field: a[i].Field, First: &a[i].Value, Second: &b[j].Value})
			}
			i++
			j++
		}
	}
	return out
}
