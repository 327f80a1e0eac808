package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// ResultSheet is the official result sheet: per contest the figures
// in-person, postal and together with a bar per option, the seats or the
// winner, and an annex with one row per district and per ward.
// tally.Results holds the contest figures (ContestResults.Total, InPerson,
// Postal, Wards, Districts, Certified); the annex rows are the districts'
// current counts (store.CurrentCount.Numbers).
type ResultSheet struct {
	Election ballot.Election
	// Generated is when the results were computed (Results.Generated):
	// shown on every page and the PDF's creation date.
	Generated time.Time
	// Fingerprint is the hex SHA-256 over the records the results were
	// computed from, printed on every page.
	Fingerprint string
	Wards       []ballot.Ward // names and order of the wards in the annex
	Contests    []ContestSheet
}

// ContestSheet is one contest on the result sheet.
type ContestSheet struct {
	Contest  ballot.Contest
	Total    ballot.ContestResult
	InPerson ballot.ContestResult
	Postal   ballot.ContestResult
	// Districts is the number of districts that count the contest; the
	// sheet shows Total.Districts of them as reported.
	Districts int
	Certified bool // endgültig: certified by the electoral committee
	Wards     []WardResult
	// Annex holds one row per district, in the order to print; rows are
	// grouped under their ward.
	Annex []DistrictRow
}

// WardResult is a contest's result in one ward. It has the fields of
// tally.WardResult, so one converts to the other.
type WardResult struct {
	Ward   string
	Name   string
	Result ballot.ContestResult
}

// DistrictRow is one district in the annex of a contest.
type DistrictRow struct {
	ID, Name, Ward string
	Kind           ballot.DistrictKind
	// Numbers is the district's count as ballot.Count.Numbers names its
	// fields (A1, B, C, D, D:<option>, …); nil when it has not reported.
	Numbers ballot.Totals
}

// WriteResultSheet writes the official result sheet as a PDF.
func WriteResultSheet(w io.Writer, s ResultSheet, lang ballot.Lang) error {
	if s.Fingerprint == "" {
		return fmt.Errorf("reports: the result sheet needs the fingerprint of the records it was computed from")
	}
	if err := checkFingerprint("fingerprint of the records", s.Fingerprint); err != nil {
		return err
	}
	final := len(s.Contests) > 0
	for _, c := range s.Contests {
		final = final && c.Certified
	}
	title := "sheet.provisional"
	if final {
		title = "sheet.final"
	}
	d, err := newDoc(lang, s.Election, s.Generated)
	if err != nil {
		return err
	}
	d.foot = d.w("fingerprint.records") + ": " + s.Fingerprint
	d.title(s.Election.Authority, d.w(title), s.Election.Title)
	d.facts([2]string{d.w("election.day"), d.day(s.Election.Date)},
		[2]string{d.w("as.of"), d.stamp(s.Generated)})
	for i, c := range s.Contests {
		if i > 0 {
			d.newPage()
		}
		sheetContest(d, c)
	}
	for i, c := range s.Contests {
		annex(d, s.Wards, c, i+1)
	}
	return d.finish(w)
}

func sheetContest(d *doc, c ContestSheet) {
	d.heading(c.Contest.Title)
	status := d.w("status.provisional")
	if c.Certified {
		status = d.w("status.final")
	}
	d.facts([2]string{d.w("status"), status},
		[2]string{d.w("completeness"), fmt.Sprintf(d.w("x.of.y"), d.n(c.Total.Districts), d.n(int64(c.Districts)))})

	cumulative := c.Contest.Kind == ballot.KindCumulative
	inv, val := "invalid.votes", "valid.votes"
	if cumulative {
		inv, val = "invalid.ballots", "valid.ballots"
	}
	rs := [3]ballot.ContestResult{c.InPerson, c.Postal, c.Total}
	t := d.table(8.5, text("", 0), num(d.w("inperson"), 32), num(d.w("postal"), 32), num(d.w("together"), 32))
	line := func(label string, f func(r ballot.ContestResult) string) {
		t.row(label, f(rs[0]), f(rs[1]), f(rs[2]))
	}
	line(d.w("districts.reported"), func(r ballot.ContestResult) string { return d.n(r.Districts) })
	line(d.w("eligible"), func(r ballot.ContestResult) string {
		if r.A == 0 {
			return dash
		}
		return d.n(r.A)
	})
	line(d.w("voters.b"), func(r ballot.ContestResult) string { return d.n(r.B) })
	line(d.w("b1.short"), func(r ballot.ContestResult) string { return d.n(r.B1) })
	t.total(d.w("turnout"), d.share(rs[0].B, rs[0].A), dash, d.share(rs[2].B, rs[2].A))
	line(d.w(inv), func(r ballot.ContestResult) string { return d.n(r.Invalid) })
	line(d.w(val), func(r ballot.ContestResult) string { return d.n(r.Valid) })

	d.heading(d.w("votes.per.option"))
	sums := [3]int64{}
	for k, r := range rs {
		for _, o := range r.Options {
			sums[k] += o.Votes
		}
	}
	vt := d.table(8, text(d.w("option"), 0), num(d.w("inperson"), 20), num("%", 16),
		num(d.w("postal"), 20), num("%", 16), num(d.w("together"), 20), num("%", 16), col{bar: true, w: 25})
	var most int64 // the longest bar is the option with the most votes
	for _, o := range c.Total.Options {
		most = max(most, o.Votes)
	}
	for i, o := range c.Total.Options {
		v := [3]int64{optionVotes(rs[0], i, o.ID), optionVotes(rs[1], i, o.ID), o.Votes}
		frac := 0.0
		if most > 0 {
			frac = float64(v[2]) / float64(most)
		}
		vt.barRow(frac, optionName(c.Contest, ballot.Option{ID: o.ID, Name: o.Name}, d.lang),
			d.n(v[0]), d.share(v[0], sums[0]), d.n(v[1]), d.share(v[1], sums[1]), d.n(v[2]), d.share(v[2], sums[2]))
	}
	vt.total(d.w("total"), d.n(sums[0]), d.share(sums[0], sums[0]), d.n(sums[1]), d.share(sums[1], sums[1]), d.n(sums[2]), d.share(sums[2], sums[2]))
	outcome(d, c.Contest, c.Total)
}

// optionVotes finds an option's votes in a partial result: at the same
// index when the results list the options alike, else by id.
func optionVotes(r ballot.ContestResult, i int, id string) int64 {
	if i >= 0 && i < len(r.Options) && r.Options[i].ID == id {
		return r.Options[i].Votes
	}
	for _, o := range r.Options {
		if o.ID == id {
			return o.Votes
		}
	}
	return 0
}

// outcome writes what the votes decide: seats, the winner or the runoff,
// the majority of a referendum, or why nothing is decided yet.
func outcome(d *doc, c ballot.Contest, r ballot.ContestResult) {
	d.heading(d.w("outcome"))
	names := map[string]string{}
	for _, o := range r.Options {
		names[o.ID] = optionName(c, ballot.Option{ID: o.ID, Name: o.Name}, d.lang)
	}
	for _, cand := range r.Candidates {
		names[cand.ID] = cand.Name
	}
	list := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = names[id]
			if out[i] == "" {
				out[i] = id
			}
		}
		return strings.Join(out, ", ")
	}
	switch {
	case r.Undecided != "":
		reason := r.Undecided
		if t, ok := lookup(d.lang, "undecided."+reason); ok {
			reason = t
		}
		d.para(fmt.Sprintf(d.w("undecided"), reason))
	case r.Seats != nil:
		seats(d, c, r, names, list)
	case r.Majority != nil:
		m := r.Majority
		switch {
		case m.Winner != "":
			d.strong(fmt.Sprintf(d.w("winner"), names[m.Winner], d.share(votesOf(r, m.Winner), r.Valid)))
		case len(m.Runoff) == 2:
			d.para(d.w("no.majority"))
			d.strong(fmt.Sprintf(d.w("runoff"), names[m.Runoff[0]], names[m.Runoff[1]]))
		case len(m.Runoff) == 1:
			d.para(d.w("no.majority"))
			d.strong(fmt.Sprintf(d.w("runoff.one"), names[m.Runoff[0]]))
		}
		if m.Lot != nil {
			d.strong(fmt.Sprintf(d.w("majority.lot"), m.Lot.Draw, m.Lot.Place, list(m.Lot.Candidates)))
		}
	case c.Kind == ballot.KindReferendum:
		yes, no := votesOf(r, ballot.OptionYes), votesOf(r, ballot.OptionNo)
		switch {
		case yes > no:
			d.strong(d.w("referendum.yes"))
		case no > yes:
			d.strong(d.w("referendum.no"))
		default:
			d.strong(d.w("referendum.tie"))
		}
	}
}

func votesOf(r ballot.ContestResult, id string) int64 { return optionVotes(r, -1, id) }

// seats writes the allocation with the method, the threshold, the lists'
// seats and elected candidates, and any lot still to be drawn.
func seats(d *doc, c ballot.Contest, r ballot.ContestResult, names map[string]string, list func([]string) string) {
	a := r.Seats
	method := string(a.Method)
	if t, ok := lookup(d.lang, "method."+method); ok {
		method = t
	}
	d.para(fmt.Sprintf(d.w("allocation"), a.Seats, method))
	if c.Threshold > 0 {
		d.para(fmt.Sprintf(d.w("threshold"), d.pct(c.Threshold)))
	}
	qualified := map[string]bool{}
	for _, id := range a.Qualified {
		qualified[id] = true
	}
	cols := []col{text(d.w("option"), 0), num(d.w("votes"), 22), num(d.w("seats"), 16)}
	if r.Elected != nil {
		cols = []col{text(d.w("option"), 50), num(d.w("votes"), 22), num(d.w("seats"), 14), text(d.w("elected"), 0)}
	}
	t := d.table(8, cols...)
	for _, o := range r.Options {
		seats := d.n(int64(a.ByList[o.ID]))
		if !qualified[o.ID] && c.Threshold > 0 {
			seats += " " + d.w("below.threshold")
		}
		elected := list(r.Elected[o.ID])
		if lot := r.ElectedLot[o.ID]; len(lot) > 0 {
			elected = strings.TrimPrefix(elected+"; "+fmt.Sprintf(d.w("elected.lot"), list(lot)), "; ")
		}
		t.row(names[o.ID], d.n(o.Votes), seats, elected)
	}
	t.total(d.w("total"), d.n(sumVotes(r)), d.n(int64(a.Decided())), "")
	if a.Lot != nil {
		d.pdf.Ln(1)
		d.strong(fmt.Sprintf(d.w("seat.lot"), a.Lot.Seats, list(a.Lot.Lists)))
	}
}

func sumVotes(r ballot.ContestResult) int64 {
	var s int64
	for _, o := range r.Options {
		s += o.Votes
	}
	return s
}
