package tally

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Results is what the office publishes: per contest the result together,
// in-person and postal apart, and per ward.
type Results struct {
	ElectionID string           `json:"election_id"`
	Title      string           `json:"title"`
	View       string           `json:"view"`
	Generated  time.Time        `json:"generated"`
	Contests   []ContestResults `json:"contests"`
}

// ContestResults is one contest's results.
type ContestResults struct {
	Total     ballot.ContestResult `json:"total"`
	InPerson  ballot.ContestResult `json:"in_person"`
	Postal    ballot.ContestResult `json:"postal"`
	Wards     []WardResult         `json:"wards"`
	Districts int                  `json:"districts"` // districts that count the contest
	Certified bool                 `json:"certified"`
}

// Status says how far a contest's result is: "provisional" until every
// district has reported, "complete" then, "certified" once certified.
func (c ContestResults) Status() string {
	switch {
	case c.Certified:
		return "certified"
	case c.Total.Districts >= int64(c.Districts):
		return "complete"
	}
	return "provisional"
}

// WardResult is a contest's result in one ward.
type WardResult struct {
	Ward   string               `json:"ward"`
	Name   string               `json:"name"`
	Result ballot.ContestResult `json:"result"`
}

// Results computes the results of every contest in one view (ViewBest for
// election night, ViewFinal for the final records, ViewQuick for quick
// reports alone) from the running totals.
func (s *Service) Results(ctx context.Context, view string) (Results, error) {
	switch view {
	case ViewQuick, ViewFinal, ViewBest:
	default:
		return Results{}, fmt.Errorf("unknown view %q: use quick, final or best", view)
	}
	rows, err := s.store.AggregatesOf(ctx, view)
	if err != nil {
		return Results{}, err
	}
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return Results{}, err
	}
	return ComputeResults(s.def, view, rows, certs, s.clock()), nil
}

// ComputeResults turns aggregate rows into results. It is separate from
// the store so that `tally verify` and `audit` compute results from totals
// they summed themselves, with the very same code.
func ComputeResults(def *ballot.Definition, view string, rows []store.AggregateRow, certs []store.Certification, now time.Time) Results {
	type key struct{ contest, ward string }
	total := map[string]ballot.Totals{}
	byKind := map[string]map[ballot.DistrictKind]ballot.Totals{}
	byWard := map[key]ballot.Totals{}
	add := func(m ballot.Totals, field string, v int64) { m[field] += v }
	for _, r := range rows {
		if r.View != view {
			continue
		}
		if total[r.Contest] == nil {
			total[r.Contest] = ballot.Totals{}
			byKind[r.Contest] = map[ballot.DistrictKind]ballot.Totals{ballot.InPerson: {}, ballot.Postal: {}}
		}
		add(total[r.Contest], r.Field, r.Value)
		if k := byKind[r.Contest][r.DistrictKind]; k != nil {
			add(k, r.Field, r.Value)
		}
		wk := key{r.Contest, r.Ward}
		if byWard[wk] == nil {
			byWard[wk] = ballot.Totals{}
		}
		add(byWard[wk], r.Field, r.Value)
	}
	certified := map[string]bool{}
	for _, c := range certs {
		certified[c.Contest] = c.RevokedAt.IsZero()
	}
	res := Results{ElectionID: def.Election.ID, Title: def.Election.Title, View: view, Generated: now.UTC()}
	for _, b := range def.Ballots {
		for i := range b.Contests {
			c := &b.Contests[i]
			cr := ContestResults{
				Total:     ballot.Outcome(c, orEmpty(total[c.ID])),
				InPerson:  ballot.Outcome(c, orEmpty(byKind[c.ID][ballot.InPerson])),
				Postal:    ballot.Outcome(c, orEmpty(byKind[c.ID][ballot.Postal])),
				Districts: countingDistricts(def, b.ID),
				Certified: certified[c.ID],
			}
			for _, w := range def.Wards {
				cr.Wards = append(cr.Wards, WardResult{Ward: w.ID, Name: w.Name, Result: ballot.Outcome(c, orEmpty(byWard[key{c.ID, w.ID}]))})
			}
			if t := byWard[key{c.ID, ""}]; t != nil {
				cr.Wards = append(cr.Wards, WardResult{Ward: "", Name: "", Result: ballot.Outcome(c, t)})
			}
			res.Contests = append(res.Contests, cr)
		}
	}
	return res
}

func orEmpty(t ballot.Totals) ballot.Totals {
	if t == nil {
		return ballot.Totals{}
	}
	return t
}

func countingDistricts(def *ballot.Definition, ballotID string) int {
	n := 0
	for _, d := range def.Districts {
		if slices.Contains(d.Ballots, ballotID) {
			n++
		}
	}
	return n
}
