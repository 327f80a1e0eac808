package demo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The districts the demo's story happens in.
const (
	noShowDistrict      = "101" // a member does not come and is replaced
	belowQuorumDistrict = "102" // two members leave at noon, one comes back
	offlineDistrict     = "103" // no network all day: a USB bundle at night
	typoDistrict        = "104" // the second entry has a typo
	correctionDistrict  = "105" // the final record is corrected after a recount
)

// step is something that happens at a time of the election day.
type step struct {
	at time.Time
	fn func(context.Context) error
}

// day runs the election day on the simulated clock, step by step in the
// order of their times.
func (r *run) day(ctx context.Context) error {
	for _, s := range r.stations {
		s.counts = synthetic.Counts(r.rng, r.def, s.d)
	}
	steps := []step{
		{r.at(7, 30), r.checkIn},
		{r.at(7, 50), r.replace},
		{r.at(8, 0), r.open},
		{r.at(12, 0), r.leave},
		{r.at(12, 15), r.officeSeesStaffing},
		{r.at(12, 40), r.comeBack(2)},
		{r.at(13, 10), r.comeBack(3)},
		{r.at(13, 30), r.postalBoards},
		{r.at(14, 0), r.postalOpen},
		{r.at(18, 0), r.closePolls},
		{r.at(18, 20), r.vorkommnis},
		{r.at(18, 30), r.count},
		{r.at(19, 0), func(ctx context.Context) error { return r.submit(ctx, ballot.StageQuick) }},
		{r.at(20, 30), func(ctx context.Context) error { return r.submit(ctx, ballot.StageFinal) }},
		{r.at(21, 0), r.correct},
		{r.at(21, 10), r.goHome},
		{r.at(21, 15), r.usb},
	}
	for i, slot := range r.def.Election.TurnoutTimes {
		minutes, err := ballot.ParseClock(slot)
		if err != nil {
			return err
		}
		steps = append(steps, step{r.at(minutes/60, minutes%60+3), r.turnout(i, slot)})
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	for _, st := range steps {
		r.clock.set(st.at)
		if err := st.fn(ctx); err != nil {
			return err
		}
	}
	r.clock.set(r.at(21, 30))
	return nil
}

// each runs fn for every station of a kind.
func (r *run) each(kind ballot.DistrictKind, fn func(s *stationRun) error) error {
	for _, s := range r.stations {
		if s.d.Kind != kind || s.human {
			continue
		}
		if err := fn(s); err != nil {
			return fmt.Errorf("district %s: %w", s.d.ID, err)
		}
	}
	return nil
}

var boardNames = []string{"Anna Schäfer", "Mehmet Yılmaz", "Sabine Groß", "Thomas Müller", "Jana Nowak",
	"Lukas Weiß", "Olga Petrenko", "Stefan Köhler", "Fatma Demir", "Günther Brandl", "Ines Hoffmann", "Paul Strauß"}

var boardRoles = []ballot.Role{ballot.RoleChair, ballot.RoleDeputyChair, ballot.RoleSecretary,
	ballot.RoleDeputySecretary, ballot.RoleAssessor, ballot.RoleAssessor}

// board makes sure the station has its board on the roster: the office's,
// or six people entered on the day.
func (r *run) board(ctx context.Context, s *stationRun) error {
	if len(s.d.Roster) > 0 {
		s.board = s.d.Roster
		return nil
	}
	for i, role := range boardRoles {
		name := boardNames[(i+len(s.d.ID)*int(s.d.ID[len(s.d.ID)-1]))%len(boardNames)]
		m, err := s.st.AddMember(ctx, ballot.Member{ID: fmt.Sprintf("%s-%d", s.d.ID, i+1), Name: name, Role: role})
		if err != nil {
			return err
		}
		s.board = append(s.board, m)
	}
	return nil
}

// checkIn: the in-person boards meet at 07:30. District 101's sixth
// member does not come.
func (r *run) checkIn(ctx context.Context) error {
	n := 0
	err := r.each(ballot.InPerson, func(s *stationRun) error {
		if err := r.board(ctx, s); err != nil {
			return err
		}
		for _, m := range s.board {
			if s.d.ID == noShowDistrict && m.ID == s.board[len(s.board)-1].ID {
				continue
			}
			if _, err := s.st.CheckIn(ctx, m.ID, time.Time{}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.say("checkin", n, r.numberOf(ballot.InPerson))
	return nil
}

// replace: at 07:50 the chair of 101 swears in a replacement for the
// member who did not come.
func (r *run) replace(ctx context.Context) error {
	s := r.station(noShowDistrict)
	noShow := s.board[len(s.board)-1]
	in, err := s.st.Replace(ctx, noShow.ID, ballot.Member{Name: "Erika Mustermann"}, true, time.Time{})
	if err != nil {
		return err
	}
	r.say("replaced", noShowDistrict, noShow.Name, in.Person.Name)
	return nil
}

// open: the polls open at 08:00; the morning's records go out.
func (r *run) open(ctx context.Context) error {
	err := r.each(ballot.InPerson, func(s *stationRun) error {
		_, err := s.st.OpenPolls(ctx, time.Time{})
		return err
	})
	if err != nil {
		return err
	}
	r.say("opened", r.numberOf(ballot.InPerson))
	return r.sync(ctx)
}

// turnout reports the i-th scheduled slot a few minutes late, with the
// voters so far rising towards B; an incident or two happen on the way.
func (r *run) turnout(i int, slot string) func(context.Context) error {
	return func(ctx context.Context) error {
		slots := len(r.def.Election.TurnoutTimes)
		err := r.each(ballot.InPerson, func(s *stationRun) error {
			voters := anyCount(s).B * int64(i+1) / int64(slots+2)
			_, err := s.st.ReportTurnout(ctx, slot, voters, time.Time{})
			return err
		})
		if err != nil {
			return err
		}
		if err := r.incident(ctx, slot); err != nil {
			return err
		}
		r.say("turnout", slot, r.numberOf(ballot.InPerson))
		return r.sync(ctx)
	}
}

// incident notes what happened in some stations by a report slot.
func (r *run) incident(ctx context.Context, slot string) error {
	notes := map[string][2]string{
		"10:00": {"106", "Wähler ohne Ausweis; Identität über die Wahlbenachrichtigung geklärt."},
		"14:00": {"108", "Kurzer Stromausfall (5 Minuten); die Urne blieb versiegelt und unter Aufsicht."},
	}
	note, ok := notes[slot]
	if !ok {
		return nil
	}
	s := r.station(note[0])
	if s == nil {
		return nil
	}
	_, err := s.st.LogIncident(ctx, note[1], time.Time{})
	return err
}

// leave: at noon district 102's secretary and deputy secretary leave.
func (r *run) leave(ctx context.Context) error {
	s := r.station(belowQuorumDistrict)
	for _, m := range s.board[2:4] {
		if _, err := s.st.CheckOut(ctx, m.ID, time.Time{}); err != nil {
			return err
		}
	}
	return r.sync(ctx)
}

// officeSeesStaffing: the office's status lists the stations below quorum.
func (r *run) officeSeesStaffing(ctx context.Context) error {
	status, err := r.svc.Status(ctx)
	if err != nil {
		return err
	}
	r.say("belowQuorum", belowQuorumDistrict, r.belowList(status.Staffing.BelowQuorum))
	return nil
}

// comeBack: the i-th member of district 102's board comes back.
func (r *run) comeBack(i int) func(context.Context) error {
	return func(ctx context.Context) error {
		s := r.station(belowQuorumDistrict)
		if _, err := s.st.CheckIn(ctx, s.board[i].ID, time.Time{}); err != nil {
			return err
		}
		if err := r.sync(ctx); err != nil {
			return err
		}
		status, err := r.svc.Status(ctx)
		if err != nil {
			return err
		}
		r.say("comeBack", belowQuorumDistrict, s.board[i].Name, r.belowList(status.Staffing.BelowQuorum))
		return nil
	}
}

// postalBoards: the postal boards meet at 13:30.
func (r *run) postalBoards(ctx context.Context) error {
	err := r.each(ballot.Postal, func(s *stationRun) error {
		if err := r.board(ctx, s); err != nil {
			return err
		}
		for _, m := range s.board[:5] {
			if _, err := s.st.CheckIn(ctx, m.ID, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return r.sync(ctx)
}

// postalOpen: the admission of ballot letters begins at 14:00.
func (r *run) postalOpen(ctx context.Context) error {
	if err := r.each(ballot.Postal, func(s *stationRun) error {
		_, err := s.st.OpenPolls(ctx, time.Time{})
		return err
	}); err != nil {
		return err
	}
	r.say("postalOpen", r.numberOf(ballot.Postal))
	return r.sync(ctx)
}

// closePolls: every poll and every admission closes at 18:00.
func (r *run) closePolls(ctx context.Context) error {
	for _, kind := range []ballot.DistrictKind{ballot.InPerson, ballot.Postal} {
		if err := r.each(kind, func(s *stationRun) error {
			_, err := s.st.ClosePolls(ctx, time.Time{})
			return err
		}); err != nil {
			return err
		}
	}
	r.say("closed", r.numberOf(ballot.InPerson)+r.numberOf(ballot.Postal))
	return r.sync(ctx)
}

// vorkommnis: something noted after the close, in 101.
func (r *run) vorkommnis(ctx context.Context) error {
	_, err := r.station(noShowDistrict).st.LogIncident(ctx, "Beim Leeren der Urne fand sich ein Stimmzettel ohne amtliches Kennzeichen.", time.Time{})
	return err
}

// count: two members enter every count; in district 104 the second entry
// has a typo, which the comparison names, and is entered again.
func (r *run) count(ctx context.Context) error {
	typos := 0
	for _, kind := range []ballot.DistrictKind{ballot.InPerson, ballot.Postal} {
		err := r.each(kind, func(s *stationRun) error {
			first, second := s.board[0].ID, s.board[2].ID
			for _, c := range r.def.ContestsOf(s.d) {
				figures := s.counts[c.ID]
				if _, err := s.st.EnterCount(ctx, c.ID, first, figures); err != nil {
					return err
				}
				if s.d.ID == typoDistrict && typos == 0 {
					typo := figures
					typo.Votes = maps.Clone(figures.Votes)
					opt := c.Options()[0].ID
					typo.Votes[opt] += 9
					res, err := s.st.EnterCount(ctx, c.ID, second, typo)
					if err != nil {
						return err
					}
					r.say("typo", s.d.ID, c.ID, len(res.Diffs), station.DiffText(c, res.Diffs[0], r.opts.Lang))
					typos++
				}
				res, err := s.st.EnterCount(ctx, c.ID, second, figures)
				if err != nil {
					return err
				}
				s.reasons[c.ID] = reasonsFor(res.Findings)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	r.say("counted", r.numberOf(ballot.InPerson)+r.numberOf(ballot.Postal))
	return nil
}

// reasonsFor gives the board's written reason for each warning the
// figures raise, and only for those.
func reasonsFor(findings []ballot.Finding) map[string]string {
	out := map[string]string{}
	for _, f := range findings {
		if f.Severity == ballot.SeverityWarning {
			out[f.Code] = reasonFor[f.Code]
		}
	}
	return out
}

// reasonFor is the board's written reason for a warning, as a board would
// give it.
var reasonFor = map[string]string{
	ballot.FindingFewVoters:   "Kleiner Wahlbezirk; die Auszählung erfolgte gemeinsam mit dem Nachbarbezirk nach Weisung des Wahlamts.",
	ballot.FindingTurnoutHigh: "Pflegeheim im Wahlbezirk; fast alle Bewohner haben vor Ort gewählt.",
	ballot.FindingTurnoutLow:  "Großteil der Wähler hat per Brief gewählt.",
}

// submit sends the quick reports (19:00) or the final records (20:30).
func (r *run) submit(ctx context.Context, stage ballot.Stage) error {
	n := 0
	for _, kind := range []ballot.DistrictKind{ballot.InPerson, ballot.Postal} {
		err := r.each(kind, func(s *stationRun) error {
			for _, c := range r.def.ContestsOf(s.d) {
				if _, err := s.st.Submit(ctx, c.ID, stage, station.SubmitOptions{Reasons: s.reasons[c.ID]}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	r.say(string(stage), n)
	return r.sync(ctx)
}

// correct: after a recount in district 105 three votes of the mayor
// contest move from one candidate to another; two members enter the new
// figures and the final record goes out again as version 2, with reason.
func (r *run) correct(ctx context.Context) error {
	s := r.station(correctionDistrict)
	c := r.def.ContestsOf(s.d)[0]
	figures := s.counts[c.ID]
	figures.Votes = maps.Clone(figures.Votes)
	opts := c.Options()
	moved := min(3, figures.Votes[opts[0].ID])
	figures.Votes[opts[0].ID] -= moved
	figures.Votes[opts[1].ID] += moved
	for _, who := range []string{s.board[0].ID, s.board[2].ID} {
		res, err := s.st.EnterCount(ctx, c.ID, who, figures)
		if err != nil {
			return err
		}
		s.reasons[c.ID] = reasonsFor(res.Findings)
	}
	sent, err := s.st.Submit(ctx, c.ID, ballot.StageFinal, station.SubmitOptions{Reasons: s.reasons[c.ID],
		CorrectionReason: "Nachzählung: drei Stimmzettel waren dem falschen Stapel zugeordnet."})
	if err != nil {
		return err
	}
	s.counts[c.ID] = figures
	r.say("corrected", s.d.ID, c.ID, sent.Version)
	return r.sync(ctx)
}

// goHome: every board member still present checks out at 21:10; the
// attendance is what the allowance is paid by.
func (r *run) goHome(ctx context.Context) error {
	n := 0
	for _, s := range r.stations {
		if s.human {
			continue
		}
		state, err := s.st.State(ctx)
		if err != nil {
			return err
		}
		for _, a := range state.PresentAt(r.clock.Now()) {
			if _, err := s.st.CheckOut(ctx, a.PersonID, time.Time{}); err != nil {
				return fmt.Errorf("district %s: %w", s.d.ID, err)
			}
			n++
		}
	}
	r.say("home", n)
	return r.sync(ctx)
}

// sync runs one delivery pass for every station with network, a few at a
// time, and requires every record delivered: the tally is on loopback.
func (r *run) sync(ctx context.Context) error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, 8)
	)
	for _, s := range r.stations {
		if s.sender == nil || s.human {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep, err := s.sender.Pass(ctx)
			if err == nil && (rep.Remaining > 0 || len(rep.Rejected) > 0) {
				err = fmt.Errorf("%s", rep)
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("district %s: sync: %w", s.d.ID, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// belowList names the stations below quorum as the office sees them; the
// station without network is among them because the office has not heard
// from its board at all, which the line says.
func (r *run) belowList(districts []string) string {
	list := strings.Join(districts, ", ")
	if slices.Contains(districts, offlineDistrict) {
		list += fmt.Sprintf(words.In(r.opts.Lang, "unheard"), offlineDistrict)
	}
	return list
}

func (r *run) station(district string) *stationRun {
	i := slices.IndexFunc(r.stations, func(s *stationRun) bool { return s.d.ID == district })
	if i < 0 {
		return nil
	}
	return r.stations[i]
}

func (r *run) numberOf(kind ballot.DistrictKind) int {
	n := 0
	for _, s := range r.stations {
		if s.d.Kind == kind && !s.human {
			n++
		}
	}
	return n
}

// anyCount is one of the station's counts: they share B.
func anyCount(s *stationRun) ballot.Count {
	for _, k := range slices.Sorted(maps.Keys(s.counts)) {
		return s.counts[k]
	}
	return ballot.Count{}
}
