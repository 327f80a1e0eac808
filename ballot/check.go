package ballot

import (
	"math"
	"slices"
	"strings"
)

// Limits of the count checks.
const (
	// MaxCountNumber bounds every number on a count. The largest district
	// counts thousands, a cumulative list a few hundred thousand votes; a
	// number beyond this is a typing accident, and the bound keeps every
	// sum and product of the checks far from overflowing.
	MaxCountNumber = 1_000_000_000
	// MinDistrictVoters: a district with fewer voters endangers ballot
	// secrecy and is counted together with another (warning few-voters).
	MinDistrictVoters = 50
	// Turnout bounds of the plausibility check, in per cent of A1.
	TurnoutHighPercent = 95
	TurnoutLowPercent  = 5
)

// CheckContext carries what the checks of one count may know about the
// others.
type CheckContext struct {
	// StrongElsewhere names the options (by id) that are strong in
	// comparable districts, e.g. from StrongOptions over the ward's results
	// so far. An option with zero votes here is then worth a second look.
	StrongElsewhere map[string]bool
}

// StrongOptions returns the options whose share of all votes is at least
// atLeast, compared exactly in integers.
func StrongOptions(votes map[string]int64, atLeast Percent) map[string]bool {
	var total int64
	for _, v := range votes {
		if v > 0 {
			total = addSat(total, v)
		}
	}
	out := map[string]bool{}
	if total == 0 {
		return out
	}
	num, den := atLeast.Fraction()
	for id, v := range votes {
		if v > 0 && mulSat(v, den) >= mulSat(num, total) {
			out[id] = true
		}
	}
	return out
}

// CheckCount checks one count of one contest in one district against the
// definition: the arithmetic of the federal forms (errors, which block
// sending) and the plausibility checks (warnings, which need a written
// reason; see Sendable). It is a pure function; the order of the findings
// is the same on every run: structure, then the district's numbers, then
// the contest's, then warnings, options in ballot order.
func CheckCount(def *Definition, district *District, c *Count, ctx CheckContext) []Finding {
	var contest *Contest
	if def != nil {
		contest, _, _ = def.Contest(c.Contest)
	}
	if contest == nil {
		return []Finding{newFinding(FindingContestUnknown, c.Contest)}
	}
	if district == nil {
		return []Finding{newFinding(FindingDistrictUnknown, c.Contest)}
	}
	if !slices.Contains(def.ContestsOf(district), contest) {
		f := newFinding(FindingContestNotInDistrict, c.Contest)
		f.Detail = district.ID
		return []Finding{f}
	}
	k := &checker{district: district, contest: contest, c: c, ctx: ctx, postal: district.Kind == Postal}
	k.structure()
	k.numbers()
	k.fieldsForKind()
	k.options()
	if k.postal {
		k.postalDistrict()
	} else {
		k.inPerson()
	}
	k.add(FindingValidPlusInvalidNotB, addSat(c.Invalid, c.Valid) != c.B, k.fv(FieldC), k.fv(FieldD), k.fv(FieldB))
	if contest.Kind == KindCumulative {
		k.cumulative()
	} else {
		k.optionSum()
	}
	k.warnings()
	return k.out
}

// checker holds one run of CheckCount.
type checker struct {
	district *District
	contest  *Contest
	c        *Count
	ctx      CheckContext
	postal   bool
	labels   map[string]string // field -> option or candidate name
	out      []Finding
}

// add records a finding of code when cond holds.
func (k *checker) add(code string, cond bool, fields ...FieldValue) {
	if cond {
		k.out = append(k.out, newFinding(code, k.contest.ID, fields...))
	}
}

func (k *checker) addDetail(code, detail string, fields ...FieldValue) {
	f := newFinding(code, k.contest.ID, fields...)
	f.Detail = detail
	k.out = append(k.out, f)
}

// fv returns a field of the count with its value and, for options and
// candidates, the name from the definition.
func (k *checker) fv(field string) FieldValue {
	v, _ := k.c.number(field)
	return FieldValue{Field: field, Value: v, Label: k.label(field)}
}

func (k *checker) label(field string) string {
	if k.labels == nil {
		k.labels = map[string]string{}
		for _, o := range k.contest.Options() {
			k.labels[OptionField(o.ID)] = o.Name
		}
		for _, l := range k.contest.Lists {
			for _, cand := range l.Candidates {
				k.labels[CandidateField(cand.ID)] = cand.Name
			}
		}
	}
	return k.labels[field]
}

func (k *checker) structure() {
	c := k.c
	if c.Stage != StageQuick && c.Stage != StageFinal {
		k.addDetail(FindingStageInvalid, string(c.Stage))
	}
	version := FieldValue{Field: FieldVersion, Value: int64(c.Version)}
	k.add(FindingVersionInvalid, c.Version < 1, version)
	k.add(FindingCorrectionReason, c.Version > 1 && strings.TrimSpace(c.CorrectionReason) == "", version)
	if n, ok := enteredBy(c.EnteredBy); !ok {
		k.add(FindingEnteredByInvalid, true, FieldValue{Field: FieldEnteredBy, Value: n})
	}
}

// enteredBy checks the four-eyes rule: exactly two different, non-empty
// ids. It returns the number of people the message should name.
func enteredBy(ids []string) (int64, bool) {
	if len(ids) != 2 {
		return int64(len(ids)), false
	}
	n := int64(0)
	for _, id := range ids {
		if strings.TrimSpace(id) != "" {
			n++
		}
	}
	if n == 2 && ids[0] == ids[1] {
		n = 1
	}
	return n, n == 2
}

func (k *checker) numbers() {
	for _, fv := range k.c.Numbers() {
		fv.Label = k.label(fv.Field)
		k.add(FindingNumberNegative, fv.Value < 0, fv)
		k.add(FindingNumberTooLarge, fv.Value > MaxCountNumber, fv)
	}
}

// fieldsForKind reports entries that belong to another kind of contest or
// district: they would be silently ignored otherwise.
func (k *checker) fieldsForKind() {
	c := k.c
	if k.contest.Kind != KindCumulative {
		if len(c.CandidateVotes) > 0 {
			k.addDetail(FindingFieldNotForKind, "candidate_votes")
		}
		if c.Unchanged != nil {
			k.addDetail(FindingFieldNotForKind, FieldUnchanged)
		}
		if c.Changed != nil {
			k.addDetail(FindingFieldNotForKind, FieldChanged)
		}
	}
	if k.postal && c.Marks != nil {
		k.addDetail(FindingFieldNotForKind, FieldMarks)
	}
	if !k.postal && c.Postal != nil {
		k.addDetail(FindingFieldNotForKind, "postal")
	}
}

// options checks that every option of the contest is entered (zero is a
// number, a gap is not) and that no vote went to an unknown one.
func (k *checker) options() {
	known := map[string]bool{}
	for _, o := range k.contest.Options() {
		known[o.ID] = true
		if _, ok := k.c.Votes[o.ID]; !ok {
			k.add(FindingOptionMissing, true, FieldValue{Field: OptionField(o.ID), Label: o.Name})
		}
	}
	for _, id := range sortedKeys(k.c.Votes) {
		if !known[id] {
			k.add(FindingOptionUnknown, true, k.fv(OptionField(id)))
		}
	}
}

func (k *checker) inPerson() {
	c := k.c
	k.add(FindingA1Missing, c.A1 == 0, k.fv(FieldA1))
	k.add(FindingB1AboveB, c.B1 > c.B, k.fv(FieldB1), k.fv(FieldB))
	// Only voters without the W mark can vote without a polling card.
	k.add(FindingWithoutCardAboveA1, subSat(c.B, c.B1) > c.A1, k.fv(FieldB), k.fv(FieldB1), k.fv(FieldA1))
}

// optionSum checks D = D1 + … + Dn over every entered option (an unknown
// one is reported on its own, and counting it here avoids a second,
// misleading finding for the same typing error).
func (k *checker) optionSum() {
	fields := []FieldValue{k.fv(FieldD)}
	var sum int64
	for _, fv := range k.optionFields() {
		fields = append(fields, fv)
		sum = addSat(sum, fv.Value)
	}
	k.add(FindingOptionsSumNotD, sum != k.c.Valid, fields...)
}

// optionFields returns the entered options, known ones in ballot order,
// then unknown ones by id.
func (k *checker) optionFields() []FieldValue {
	var out []FieldValue
	known := map[string]bool{}
	for _, o := range k.contest.Options() {
		known[o.ID] = true
		if _, ok := k.c.Votes[o.ID]; ok {
			out = append(out, k.fv(OptionField(o.ID)))
		}
	}
	for _, id := range sortedKeys(k.c.Votes) {
		if !known[id] {
			out = append(out, k.fv(OptionField(id)))
		}
	}
	return out
}

func (k *checker) warnings() {
	c := k.c
	if !k.postal && c.A1 > 0 && c.B >= 0 {
		k.add(FindingTurnoutHigh, mulSat(c.B, 100) > mulSat(TurnoutHighPercent, c.A1), k.fv(FieldB), k.fv(FieldA1))
		k.add(FindingTurnoutLow, mulSat(c.B, 100) < mulSat(TurnoutLowPercent, c.A1), k.fv(FieldB), k.fv(FieldA1))
	}
	k.add(FindingFewVoters, c.B >= 0 && c.B < MinDistrictVoters, k.fv(FieldB))
	if !k.postal && c.Marks != nil {
		k.add(FindingMarksDiffer, c.B != addSat(*c.Marks, c.B1), k.fv(FieldB), k.fv(FieldMarks), k.fv(FieldB1))
	}
	for _, o := range k.contest.Options() {
		if v, ok := c.Votes[o.ID]; ok && v == 0 && k.ctx.StrongElsewhere[o.ID] {
			k.add(FindingZeroWhereStrong, true, k.fv(OptionField(o.ID)))
		}
	}
	if k.postal && c.Postal != nil {
		p := c.Postal
		k.add(FindingPostalBDiffers, c.B != subSat(p.Received, p.Rejected), k.fv(FieldB), k.fv(FieldReceived), k.fv(FieldRejected))
	}
	if r := k.district.Register; !k.postal && r != nil {
		// A1 = 0 is already an error; A3 may grow on the day (voters added
		// after the register closed), A1 and A2 should not change.
		k.register(FieldA1, c.A1, r.A1, c.A1 != 0 && c.A1 != r.A1)
		k.register(FieldA2, c.A2, r.A2, c.A2 != r.A2)
		k.register(FieldA3, c.A3, r.A3, c.A3 < r.A3)
	}
}

func (k *checker) register(letter string, got, want int64, differs bool) {
	k.add(FindingRegisterDiffers, differs,
		FieldValue{Field: letter, Value: got}, FieldValue{Field: RegisterField(letter), Value: want})
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// addSat and mulSat saturate instead of wrapping, so that a wild number
// yields a wrong-looking sum rather than a wrapped one that might match.
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

func subSat(a, b int64) int64 {
	if b == math.MinInt64 {
		return addSat(addSat(a, math.MaxInt64), 1)
	}
	return addSat(a, -b)
}

func mulSat(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		if (a < 0) != (b < 0) {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return p
}
