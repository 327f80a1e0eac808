package tally

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Stages of a district's report, as Status shows them.
const (
	StageNone = "none" // nothing counted yet
	// StagePartial: a district that reported some of its contests and not
	// others (a district's least stage is none, but it is not silent).
	StagePartial = "partial"
	StageQuick   = "quick" // a quick report (Schnellmeldung)
	StageFinal   = "final" // the final record (Wahlniederschrift)
)

// Status is what the office watches on election day: how far the counts
// are, which boards lack a quorum, the turnout reported so far, incidents
// and equivocations.
type Status struct {
	ElectionID string        `json:"election_id"`
	Title      string        `json:"title"`
	At         time.Time     `json:"at"`
	Progress   Progress      `json:"progress"`
	Staffing   Staffing      `json:"staffing"`
	Turnout    []TurnoutSlot `json:"turnout"`
	Incidents  []Incident    `json:"incidents"` // in the order of their time

	Equivocations []store.Equivocation `json:"equivocations"`
	Rejections    int                  `json:"rejections"` // refused envelopes kept as evidence
}

// Incident is a note a station made: a Vorfall while voting, a
// Vorkommnis after its polls closed.
type Incident struct {
	District   string    `json:"district"`
	At         time.Time `json:"at"`
	Text       string    `json:"text"`
	AfterClose bool      `json:"after_close"`
}

// Progress is how far the counts are.
type Progress struct {
	Districts int `json:"districts"` // districts of the election
	// None, Partial, Quick and Final split the districts by the least
	// stage over the contests they count: Final means every contest has
	// its final record, Quick that every contest has at least a quick
	// report, Partial that some contests have reported and others not.
	None       int                `json:"none"`
	Partial    int                `json:"partial"`
	Quick      int                `json:"quick"`
	Final      int                `json:"final"`
	Contests   []ContestProgress  `json:"contests"`
	ByDistrict []DistrictProgress `json:"by_district"`
}

// ContestProgress counts the districts of one contest by stage.
type ContestProgress struct {
	Contest   string `json:"contest"`
	Districts int    `json:"districts"` // districts that count it
	Reported  int    `json:"reported"`  // with a quick report or a final record
	Final     int    `json:"final"`
}

// DistrictProgress is one district's stage, overall and per contest.
type DistrictProgress struct {
	District string              `json:"district"`
	Name     string              `json:"name"`
	Ward     string              `json:"ward,omitempty"`
	Kind     ballot.DistrictKind `json:"kind"`
	Stage    string              `json:"stage"`
	Contests map[string]string   `json:"contests"` // contest id → stage
}

// Staffing is the boards of the in-person stations against their quorum.
type Staffing struct {
	Stations []StationStaffing `json:"stations"`
	// BelowQuorum lists the districts whose board lacks a quorum right now,
	// from the opening of the polls until the station's final records:
	// where the office sends reserves.
	BelowQuorum []string `json:"below_quorum"`
}

// StationStaffing is one station's board now.
type StationStaffing struct {
	District     string              `json:"district"`
	Name         string              `json:"name"`
	Ward         string              `json:"ward,omitempty"`
	Present      []ballot.Attendance `json:"present"`
	Quorum       ballot.QuorumStatus `json:"quorum"`
	Replacements []Replacement       `json:"replacements,omitempty"`
	// NoShows are the roster members who have not checked in at all.
	NoShows []string `json:"no_shows,omitempty"`
	Alert   bool     `json:"alert"` // below quorum while it matters
}

// Replacement is a person checked in for a member who did not come.
type Replacement struct {
	PersonID string    `json:"person_id"`
	Name     string    `json:"name"`
	Replaces string    `json:"replaces"`
	At       time.Time `json:"at"`
}

// TurnoutSlot is the turnout reported for one report time.
type TurnoutSlot struct {
	Slot     string        `json:"slot"`
	Stations int           `json:"stations"` // stations that reported
	Of       int           `json:"of"`       // in-person stations
	Voters   int64         `json:"voters"`
	Eligible int64         `json:"eligible"` // A of the stations that reported
	Wards    []WardTurnout `json:"wards"`
}

// WardTurnout is a slot's turnout in one ward.
type WardTurnout struct {
	Ward     string `json:"ward"`
	Stations int    `json:"stations"`
	Of       int    `json:"of"`
	Voters   int64  `json:"voters"`
	Eligible int64  `json:"eligible"`
}

// Status reports progress, staffing, turnout, incidents and equivocations
// as they stand at the service clock's now.
func (s *Service) Status(ctx context.Context) (Status, error) {
	counts, err := s.store.CurrentCounts(ctx)
	if err != nil {
		return Status{}, err
	}
	att, err := s.store.Attendance(ctx)
	if err != nil {
		return Status{}, err
	}
	events, err := s.store.DistrictEvents(ctx)
	if err != nil {
		return Status{}, err
	}
	eqs, err := s.store.Equivocations(ctx)
	if err != nil {
		return Status{}, err
	}
	rej, err := s.store.Rejections(ctx)
	if err != nil {
		return Status{}, err
	}
	now := s.clock().UTC()
	st := Status{ElectionID: s.def.Election.ID, Title: s.def.Election.Title, At: now,
		Equivocations: eqs, Rejections: len(rej)}
	if st.Equivocations == nil {
		st.Equivocations = []store.Equivocation{}
	}
	st.Progress = s.progress(counts)
	final := map[string]bool{}
	for _, d := range st.Progress.ByDistrict {
		final[d.District] = d.Stage == StageFinal
	}
	st.Staffing = s.staffing(att, events, final, now)
	st.Turnout = s.turnout(events)
	st.Incidents = incidents(events)
	return st, nil
}

func stageRank(stage string) int {
	switch stage {
	case StageFinal:
		return 2
	case StageQuick:
		return 1
	}
	return 0
}

func (s *Service) progress(counts []store.CurrentCount) Progress {
	stage := map[[2]string]string{} // district, contest → best stage
	for _, c := range counts {
		k := [2]string{c.District, c.Contest}
		got := StageQuick
		if c.Stage == ballot.StageFinal {
			got = StageFinal
		}
		if stageRank(got) > stageRank(stage[k]) {
			stage[k] = got
		}
	}
	p := Progress{Districts: len(s.def.Districts)}
	byContest := map[string]*ContestProgress{}
	for _, b := range s.def.Ballots {
		for _, c := range b.Contests {
			cp := &ContestProgress{Contest: c.ID, Districts: countingDistricts(s.def, b.ID)}
			byContest[c.ID] = cp
		}
	}
	for i := range s.def.Districts {
		d := &s.def.Districts[i]
		dp := DistrictProgress{District: d.ID, Name: d.Name, Ward: d.Ward, Kind: d.Kind, Stage: StageFinal, Contests: map[string]string{}}
		contests := s.def.ContestsOf(d)
		if len(contests) == 0 {
			dp.Stage = StageNone
		}
		for _, c := range contests {
			got := stage[[2]string{d.ID, c.ID}]
			if got == "" {
				got = StageNone
			}
			dp.Contests[c.ID] = got
			if stageRank(got) < stageRank(dp.Stage) {
				dp.Stage = got
			}
			if cp := byContest[c.ID]; cp != nil {
				if got != StageNone {
					cp.Reported++
				}
				if got == StageFinal {
					cp.Final++
				}
			}
		}
		if dp.Stage == StageNone && slices.ContainsFunc(contests, func(c *ballot.Contest) bool { return dp.Contests[c.ID] != StageNone }) {
			dp.Stage = StagePartial
		}
		switch dp.Stage {
		case StageFinal:
			p.Final++
		case StageQuick:
			p.Quick++
		case StagePartial:
			p.Partial++
		default:
			p.None++
		}
		p.ByDistrict = append(p.ByDistrict, dp)
	}
	for _, b := range s.def.Ballots {
		for _, c := range b.Contests {
			p.Contests = append(p.Contests, *byContest[c.ID])
		}
	}
	return p
}

// dayTime returns the instant of a local time of day (HH:MM) on the
// election day, in the election's time zone.
func (s *Service) dayTime(hhmm, fallback string) time.Time {
	if hhmm == "" {
		hhmm = fallback
	}
	loc, err := time.LoadLocation(s.def.Election.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s.def.Election.Date+" "+hhmm, loc)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func (s *Service) staffing(att []store.Attendance, events []store.DistrictEvent, final map[string]bool, now time.Time) Staffing {
	opens := s.dayTime(s.def.Election.PollsOpen, ballot.DefaultPollsOpen)
	closes := s.dayTime(s.def.Election.PollsClose, ballot.DefaultPollsClose)
	closed := map[string]bool{}
	for _, e := range events {
		if e.Kind == ballot.RecordPollsClosed && !e.At.After(now) {
			closed[e.District] = true
		}
	}
	byDistrict := map[string][]store.Attendance{}
	for _, a := range att {
		byDistrict[a.District] = append(byDistrict[a.District], a)
	}
	out := Staffing{Stations: []StationStaffing{}, BelowQuorum: []string{}}
	for i := range s.def.Districts {
		d := &s.def.Districts[i]
		if d.Kind != ballot.InPerson {
			continue
		}
		phase := ballot.PhaseVoting
		if closed[d.ID] || !now.Before(closes) {
			phase = ballot.PhaseCounting
		}
		var evs []ballot.AttendanceEvent
		checkedIn := map[string]bool{}
		ss := StationStaffing{District: d.ID, Name: d.Name, Ward: d.Ward}
		for _, a := range byDistrict[d.ID] {
			if a.At.After(now) {
				continue
			}
			evs = append(evs, ballot.AttendanceEvent{At: a.At, PersonID: a.PersonID, Role: a.Role, In: a.In})
			if a.In {
				checkedIn[a.PersonID] = true
				if a.Replaces != "" {
					ss.Replacements = append(ss.Replacements, Replacement{PersonID: a.PersonID, Name: a.Name, Replaces: a.Replaces, At: a.At})
				}
			}
		}
		replaced := map[string]bool{}
		for _, r := range ss.Replacements {
			replaced[r.Replaces] = true
		}
		for _, m := range d.Roster {
			if !checkedIn[m.ID] && (replaced[m.ID] || !now.Before(opens)) {
				ss.NoShows = append(ss.NoShows, m.ID)
			}
		}
		ss.Present = ballot.PresentAt(evs, now)
		ss.Quorum = ballot.EvaluateQuorum(s.def.Board, phase, ss.Present)
		// The office sends reserves from the opening until the morning
		// after; later the staffing is history, not an alert.
		ss.Alert = !ss.Quorum.Met && !now.Before(opens) && now.Before(opens.AddDate(0, 0, 1)) && !final[d.ID]
		if ss.Alert {
			out.BelowQuorum = append(out.BelowQuorum, d.ID)
		}
		out.Stations = append(out.Stations, ss)
	}
	return out
}

func (s *Service) turnout(events []store.DistrictEvent) []TurnoutSlot {
	// The newest report of a station for a slot stands.
	type key struct{ district, slot string }
	latest := map[key]store.DistrictEvent{}
	for _, e := range events {
		if e.Kind != ballot.RecordTurnout || e.Slot == "" {
			continue
		}
		k := key{e.District, e.Slot}
		if prev, ok := latest[k]; !ok || !e.At.Before(prev.At) {
			latest[k] = e
		}
	}
	slots := slices.Clone(s.def.Election.TurnoutTimes)
	for k := range latest {
		if !slices.Contains(slots, k.slot) {
			slots = append(slots, k.slot)
		}
	}
	slices.SortFunc(slots, cmp.Compare)
	slots = slices.Compact(slots)

	inPerson := 0
	wardOf := map[string]int{}
	for _, d := range s.def.Districts {
		if d.Kind == ballot.InPerson {
			inPerson++
			wardOf[d.Ward]++
		}
	}
	out := []TurnoutSlot{}
	for _, slot := range slots {
		ts := TurnoutSlot{Slot: slot, Of: inPerson}
		wards := map[string]*WardTurnout{}
		ward := func(id string) *WardTurnout {
			if wards[id] == nil {
				wards[id] = &WardTurnout{Ward: id, Of: wardOf[id]}
			}
			return wards[id]
		}
		for _, w := range s.def.Wards {
			ward(w.ID)
		}
		for i := range s.def.Districts {
			d := &s.def.Districts[i]
			e, ok := latest[key{d.ID, slot}]
			if !ok || d.Kind != ballot.InPerson {
				continue
			}
			var a int64
			if d.Register != nil {
				a = d.Register.A()
			}
			ts.Stations++
			ts.Voters += e.Voters
			ts.Eligible += a
			w := ward(d.Ward)
			w.Stations++
			w.Voters += e.Voters
			w.Eligible += a
		}
		for _, w := range s.def.Wards {
			ts.Wards = append(ts.Wards, *wards[w.ID])
		}
		if w := wards[""]; w != nil && w.Of > 0 {
			ts.Wards = append(ts.Wards, *w)
		}
		out = append(out, ts)
	}
	return out
}

// incidents lists the stations' notes by time, each marked by whether its
// station's polls had closed (Vorkommnis) or not (Vorfall).
func incidents(events []store.DistrictEvent) []Incident {
	closed := map[string]*time.Time{}
	for _, e := range events {
		if e.Kind == ballot.RecordPollsClosed {
			at := e.At
			closed[e.District] = &at
		}
	}
	out := []Incident{}
	for _, e := range events {
		if e.Kind == ballot.RecordIncident {
			c := closed[e.District]
			out = append(out, Incident{District: e.District, At: e.At, Text: e.Text,
				AfterClose: c != nil && !e.At.Before(*c)})
		}
	}
	slices.SortStableFunc(out, func(a, b Incident) int { return a.At.Compare(b.At) })
	return out
}
