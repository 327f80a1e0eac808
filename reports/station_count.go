package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// letters returns the letters of invalid and valid votes of a contest at
// a position on its ballot: C and D for the first, E and F for the second.
func letters(pos int) (invalid, valid string) {
	pos = max(0, min(pos, 10))
	return string(rune('C' + 2*pos)), string(rune('D' + 2*pos))
}

// count writes the count of one contest with the letters of the forms.
func (s *stationDoc) count(cc ContestCount) {
	s.heading(s.w("result") + ": " + cc.Contest.Title)
	c := cc.Count
	if c == nil {
		s.para(s.w("not.counted"))
		return
	}
	if c.Version > 1 {
		s.para(fmt.Sprintf(s.w("version"), c.Version, c.CorrectionReason))
	}
	ci, di := letters(cc.Position)
	t := s.table(8.5, text(s.w("letter"), 16), text(s.w("item"), 0), num(s.w("number"), 30))
	if p := c.Postal; p != nil {
		t.row("", s.w("letters.received"), s.n(p.Received))
		t.row("", s.w("letters.queried"), s.n(p.Queried))
		t.row("", s.w("letters.admitted"), s.n(p.Admitted))
		t.row("", s.w("letters.rejected"), s.n(p.Rejected))
		for i, reason := range ballot.RejectReasons {
			t.row("", fmt.Sprintf(s.w("rejected.for"), i+2, reason.Label(s.lang)), s.n(p.RejectedBy[reason]))
		}
	} else {
		t.row("A1", s.w("a1"), s.n(c.A1))
		t.row("A2", s.w("a2"), s.n(c.A2))
		t.row("A3", s.w("a3"), s.n(c.A3))
		t.total("A", s.w("a"), s.n(c.A()))
	}
	t.total("B", s.w("b"), s.n(c.B))
	t.row("B1", s.w("b1"), s.n(c.B1))
	if c.Marks != nil {
		t.row("", s.w("marks"), s.n(*c.Marks))
	}
	cumulative := cc.Contest.Kind == ballot.KindCumulative
	inv, val := "invalid.votes", "valid.votes"
	if cumulative {
		inv, val = "invalid.ballots", "valid.ballots"
	}
	t.row(ci, s.w(inv), s.n(c.Invalid))
	t.total(di, s.w(val), s.n(c.Valid))
	if c.Unchanged != nil {
		t.row("", s.w("unchanged"), s.n(*c.Unchanged))
	}
	if c.Changed != nil {
		t.row("", s.w("changed"), s.n(*c.Changed))
	}
	for i, o := range cc.Contest.Options() {
		t.row(fmt.Sprintf("%s%d", di, i+1), optionName(cc.Contest, o, s.lang), s.n(c.Votes[o.ID]))
	}
	if cumulative && len(c.CandidateVotes) > 0 {
		s.pdf.Ln(2)
		ct := s.table(8, text(s.w("no"), 16), text(s.w("candidate"), 0), num(s.w("votes"), 30))
		for _, l := range cc.Contest.Lists {
			ct.group(l.Name)
			for k, cand := range l.Candidates {
				ct.row(fmt.Sprint(k+1), cand.Name, s.n(c.CandidateVotes[cand.ID]))
			}
		}
	}
	if len(c.EnteredBy) > 0 {
		var who []string
		for _, id := range c.EnteredBy {
			who = append(who, s.name(id))
		}
		s.pdf.Ln(1)
		s.para(s.w("entered.by") + ": " + strings.Join(who, ", "))
	}
}

// optionName names an option as the ballot prints it: a candidate with
// the party, a list by its name, yes and no in the document's language.
func optionName(c ballot.Contest, o ballot.Option, lang ballot.Lang) string {
	switch c.Kind {
	case ballot.KindReferendum:
		return word(lang, "option."+o.ID)
	case ballot.KindMajority:
		for _, cand := range c.Candidates {
			if cand.ID == o.ID && cand.Party != "" {
				return o.Name + " (" + cand.Party + ")"
			}
		}
	}
	return o.Name
}

// reasons lists the board's written reasons for the warnings.
func (s *stationDoc) reasons() {
	type row struct{ contest, warning, reason string }
	var rows []row
	for _, cc := range s.r.Contests {
		if cc.Count == nil {
			continue
		}
		codes := slices.Sorted(func(yield func(string) bool) {
			for k := range cc.Count.Reasons {
				if !yield(k) {
					return
				}
			}
		})
		slices.SortStableFunc(codes, func(a, b string) int { return cmp.Compare(codeRank(a), codeRank(b)) })
		for _, code := range codes {
			rows = append(rows, row{cc.Contest.Title, s.warning(cc, code), cc.Count.Reasons[code]})
		}
	}
	s.heading(s.w("reasons"))
	if len(rows) == 0 {
		s.para(s.w("none"))
		return
	}
	t := s.table(8, text(s.w("contest"), 40), text(s.w("warning"), 0), text(s.w("reason"), 0))
	for _, r := range rows {
		t.row(r.contest, r.warning, r.reason)
	}
}

func codeRank(code string) int {
	if i := slices.Index(ballot.FindingCodes, code); i >= 0 {
		return i
	}
	return len(ballot.FindingCodes)
}

// warning describes a warning: the finding's message when the caller gave
// it, else the warning's title.
func (s *stationDoc) warning(cc ContestCount, code string) string {
	for _, f := range cc.Findings {
		if f.Code == code {
			return f.Message(s.lang)
		}
	}
	if t, ok := lookup(s.lang, "warn."+code); ok {
		return t
	}
	return code
}
