package ballot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	idPattern       = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Validate checks the rules of a definition that the JSON shape cannot
// express: ids and references, kind-specific settings, register figures,
// board rules and times. It returns every problem, each at its JSON path.
func (d *Definition) Validate() []Problem {
	var ps problems
	if d.Format == "" {
		ps.add("$.format", ProblemRequired)
	} else if d.Format != FormatVersion {
		ps.add("$.format", ProblemFormatUnknown, d.Format, FormatVersion)
	}
	d.validateElection(&ps)
	d.validateBoard(&ps)
	d.validateAllowance(&ps)
	ballots := d.validateBallots(&ps)
	wards := d.validateWards(&ps)
	d.validateDistricts(&ps, ballots, wards)
	sortProblems(ps.list)
	return ps.list
}

// ids checks that ids are well formed and unique within one scope, and
// remembers where each was first seen.
type ids map[string]string

func (s ids) check(ps *problems, path, id string) {
	if id == "" {
		ps.add(path, ProblemRequired)
		return
	}
	if !idPattern.MatchString(id) {
		ps.add(path, ProblemIDInvalid, id)
		return
	}
	if first, dup := s[id]; dup {
		ps.add(path, ProblemDuplicateID, id, first)
		return
	}
	s[id] = path
}

func required(ps *problems, path, value string) {
	if strings.TrimSpace(value) == "" {
		ps.add(path, ProblemRequired)
	}
}

func (d *Definition) validateElection(ps *problems) {
	e := d.Election
	ids{}.check(ps, "$.election.id", e.ID)
	required(ps, "$.election.title", e.Title)
	required(ps, "$.election.authority", e.Authority)
	if e.Date == "" {
		ps.add("$.election.date", ProblemRequired)
	} else if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
		ps.add("$.election.date", ProblemDateInvalid, e.Date)
	}
	if e.TimeZone == "" {
		ps.add("$.election.time_zone", ProblemRequired)
	} else if _, err := time.LoadLocation(e.TimeZone); err != nil || e.TimeZone == "Local" {
		ps.add("$.election.time_zone", ProblemTimeZoneUnknown, e.TimeZone)
	}
	open, okOpen := clockOrDefault(ps, "$.election.polls_open", e.PollsOpen, DefaultPollsOpen)
	closing, okClose := clockOrDefault(ps, "$.election.polls_close", e.PollsClose, DefaultPollsClose)
	if okOpen && okClose && closing <= open {
		ps.add("$.election.polls_close", ProblemPollsOrder, formatClock(closing), formatClock(open))
	}
	prev := -1
	for i, s := range e.TurnoutTimes {
		path := fmt.Sprintf("$.election.turnout_times[%d]", i)
		m, err := ParseClock(s)
		if err != nil {
			ps.add(path, ProblemTimeInvalid, s)
			continue
		}
		if okOpen && okClose && (m <= open || m > closing) {
			ps.add(path, ProblemTimeOutsidePolls, s, formatClock(open), formatClock(closing))
		}
		if prev >= 0 && m <= prev {
			ps.add(path, ProblemTimesOrder, s, formatClock(prev))
		}
		prev = m
	}
}

func clockOrDefault(ps *problems, path, value, def string) (int, bool) {
	if value == "" {
		value = def
	}
	m, err := ParseClock(value)
	if err != nil {
		ps.add(path, ProblemTimeInvalid, value)
		return 0, false
	}
	return m, true
}

// ParseClock reads a local time of day "HH:MM" into minutes after midnight.
func ParseClock(s string) (int, error) {
	digit := func(i int) int {
		if c := s[i]; '0' <= c && c <= '9' {
			return int(c - '0')
		}
		return 100 // out of every range below
	}
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("time of day %q: expected HH:MM", s)
	}
	h, m := digit(0)*10+digit(1), digit(3)*10+digit(4)
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("time of day %q: expected HH:MM", s)
	}
	return h*60 + m, nil
}

func formatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func (d *Definition) validateBoard(ps *problems) {
	r := d.Board.WithDefaults()
	itoa := strconv.Itoa
	for _, v := range []struct {
		field string
		value int
	}{
		{"min_size", d.Board.MinSize}, {"max_size", d.Board.MaxSize},
		{"quorum_voting", d.Board.QuorumVoting}, {"quorum_counting", d.Board.QuorumCounting},
		{"postal_quorum_admission", d.Board.PostalQuorumAdmission}, {"postal_quorum_counting", d.Board.PostalQuorumCounting},
	} {
		if v.value < 0 {
			ps.add("$.board."+v.field, ProblemNegative, itoa(v.value))
		}
	}
	if r.MinSize < 2 || r.MaxSize < r.MinSize {
		ps.add("$.board.max_size", ProblemBoardSizeInvalid, itoa(r.MinSize), itoa(r.MaxSize))
	}
	for _, q := range []struct {
		field string
		value int
	}{
		{"quorum_voting", r.QuorumVoting}, {"quorum_counting", r.QuorumCounting},
		{"postal_quorum_admission", r.PostalQuorumAdmission}, {"postal_quorum_counting", r.PostalQuorumCounting},
	} {
		switch {
		case q.value < 0:
		case q.value < 2:
			ps.add("$.board."+q.field, ProblemQuorumTooSmall, itoa(q.value))
		case q.value > r.MaxSize:
			ps.add("$.board."+q.field, ProblemQuorumAboveBoard, itoa(q.value), itoa(r.MaxSize))
		}
	}
}

func (d *Definition) validateAllowance(ps *problems) {
	a := d.Allowance
	if a.Currency != "" && !currencyPattern.MatchString(a.Currency) {
		ps.add("$.allowance.currency", ProblemValueInvalid, fmt.Sprintf("%q is not an ISO 4217 code such as EUR", a.Currency))
	}
	for _, role := range slices.Sorted(maps.Keys(a.PerRole)) {
		path := childPath("$.allowance.per_role", string(role))
		if !role.Valid() {
			ps.add(path, ProblemEnumUnknown, string(role), joinRoles())
		}
		if a.PerRole[role] < 0 {
			ps.add(path, ProblemNegative, strconv.FormatInt(a.PerRole[role], 10))
		}
	}
}

func joinRoles() string {
	s := make([]string, len(Roles))
	for i, r := range Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// validateBallots returns the ballot ids it accepted. Contest ids are
// unique across the definition, since records name contests alone.
func (d *Definition) validateBallots(ps *problems) ids {
	ballots, contests := ids{}, ids{}
	if len(d.Ballots) == 0 {
		ps.add("$.ballots", ProblemRequired)
	}
	for i, b := range d.Ballots {
		path := fmt.Sprintf("$.ballots[%d]", i)
		ballots.check(ps, path+".id", b.ID)
		required(ps, path+".title", b.Title)
		if len(b.Contests) == 0 {
			ps.add(path+".contests", ProblemRequired)
		}
		for j := range b.Contests {
			validateContest(ps, fmt.Sprintf("%s.contests[%d]", path, j), &b.Contests[j], contests)
		}
	}
	return ballots
}

func validateContest(ps *problems, path string, c *Contest, contests ids) {
	contests.check(ps, path+".id", c.ID)
	required(ps, path+".title", c.Title)
	kind := c.Kind
	switch kind {
	case KindMajority, KindList, KindCumulative, KindReferendum:
	case "":
		ps.add(path+".kind", ProblemRequired)
		return
	default:
		ps.add(path+".kind", ProblemEnumUnknown, string(kind), joinKinds())
		return
	}
	// Settings of another kind are most likely a mistake in the kind.
	notFor := func(field string, set bool) {
		if set {
			ps.add(path+"."+field, ProblemNotForKind, field, string(kind))
		}
	}
	isList := kind == KindList || kind == KindCumulative
	notFor("candidates", kind != KindMajority && len(c.Candidates) > 0)
	notFor("rule", kind != KindMajority && c.Rule != "")
	notFor("lists", !isList && len(c.Lists) > 0)
	notFor("seats", !isList && c.Seats != 0)
	notFor("method", !isList && c.Method != "")
	notFor("threshold", !isList && c.Threshold != 0)
	notFor("exempt", !isList && len(c.Exempt) > 0)
	notFor("votes_per_voter", kind != KindCumulative && c.VotesPerVoter != 0)
	notFor("max_per_candidate", kind != KindCumulative && c.MaxPerCandidate != 0)
	notFor("question", kind != KindReferendum && c.Question != "")

	switch kind {
	case KindMajority:
		switch c.Rule {
		case "", RuleAbsolute, RuleRelative:
		default:
			ps.add(path+".rule", ProblemEnumUnknown, string(c.Rule), "absolute, relative")
		}
		if len(c.Candidates) == 0 {
			ps.add(path+".candidates", ProblemRequired)
		}
		options := ids{}
		for k, cand := range c.Candidates {
			validateCandidate(ps, fmt.Sprintf("%s.candidates[%d]", path, k), cand, options, 1)
		}
	case KindList, KindCumulative:
		validateLists(ps, path, c)
	case KindReferendum:
		required(ps, path+".question", c.Question)
	}
}

func validateLists(ps *problems, path string, c *Contest) {
	if c.Seats < 1 || c.Seats > MaxSeats {
		ps.add(path+".seats", ProblemSeatsInvalid, strconv.Itoa(c.Seats))
	}
	switch c.Method {
	case SainteLague, DHondt, HareNiemeyer:
	case "":
		ps.add(path+".method", ProblemRequired)
	default:
		ps.add(path+".method", ProblemEnumUnknown, string(c.Method), joinMethods())
	}
	if c.Threshold < 0 || c.Threshold > 10000 {
		ps.add(path+".threshold", ProblemThresholdInvalid, c.Threshold.String())
	}
	maxPer := 1
	if c.Kind == KindCumulative {
		votes, per := c.Cumulation()
		if votes < 1 || per < 1 {
			ps.add(path+".votes_per_voter", ProblemCumulationInvalid, strconv.Itoa(votes), strconv.Itoa(per))
		}
		maxPer = per
	}
	if len(c.Lists) == 0 {
		ps.add(path+".lists", ProblemRequired)
	}
	lists, candidates := ids{}, ids{}
	for k, l := range c.Lists {
		lp := fmt.Sprintf("%s.lists[%d]", path, k)
		lists.check(ps, lp+".id", l.ID)
		required(ps, lp+".name", l.Name)
		if c.Kind == KindCumulative && len(l.Candidates) == 0 {
			ps.add(lp+".candidates", ProblemRequired)
		}
		for m, cand := range l.Candidates {
			validateCandidate(ps, fmt.Sprintf("%s.candidates[%d]", lp, m), cand, candidates, maxPer)
		}
	}
	seen := map[string]bool{}
	for k, id := range c.Exempt {
		ep := fmt.Sprintf("%s.exempt[%d]", path, k)
		if _, ok := lists[id]; !ok {
			ps.add(ep, ProblemUnknownReference, "list", id)
		} else if seen[id] {
			ps.add(ep, ProblemDuplicateRef, id)
		}
		seen[id] = true
	}
}

func validateCandidate(ps *problems, path string, c Candidate, scope ids, maxPlaces int) {
	scope.check(ps, path+".id", c.ID)
	required(ps, path+".name", c.Name)
	if c.Places != 0 && (c.Places < 1 || c.Places > maxPlaces) {
		ps.add(path+".places", ProblemPlacesInvalid, strconv.Itoa(c.Places), strconv.Itoa(maxPlaces))
	}
}

func joinKinds() string {
	s := make([]string, len(ContestKinds))
	for i, k := range ContestKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func joinMethods() string {
	s := make([]string, len(Methods))
	for i, m := range Methods {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

func (d *Definition) validateWards(ps *problems) ids {
	wards := ids{}
	for i, w := range d.Wards {
		path := fmt.Sprintf("$.wards[%d]", i)
		wards.check(ps, path+".id", w.ID)
		required(ps, path+".name", w.Name)
	}
	return wards
}

func (d *Definition) validateDistricts(ps *problems, ballots, wards ids) {
	if len(d.Districts) == 0 {
		ps.add("$.districts", ProblemRequired)
	}
	maxBoard := d.Board.WithDefaults().MaxSize
	districts := ids{}
	for i := range d.Districts {
		dist := &d.Districts[i]
		path := fmt.Sprintf("$.districts[%d]", i)
		districts.check(ps, path+".id", dist.ID)
		required(ps, path+".name", dist.Name)
		switch dist.Kind {
		case InPerson:
			validateRegister(ps, path, dist.Register)
		case Postal:
			if dist.Register != nil {
				ps.add(path+".register", ProblemNotForKind, "register", string(Postal))
			}
		case "":
			ps.add(path+".kind", ProblemRequired)
		default:
			ps.add(path+".kind", ProblemEnumUnknown, string(dist.Kind), "in-person, postal")
		}
		switch {
		case dist.Ward != "":
			if _, ok := wards[dist.Ward]; !ok {
				ps.add(path+".ward", ProblemUnknownReference, "ward", dist.Ward)
			}
		case len(d.Wards) > 0 && dist.Kind == InPerson:
			// Every polling station is reported in a ward once there are wards.
			ps.add(path+".ward", ProblemRequired)
		}
		if len(dist.Ballots) == 0 {
			ps.add(path+".ballots", ProblemRequired)
		}
		counted := map[string]bool{}
		for k, bid := range dist.Ballots {
			bp := fmt.Sprintf("%s.ballots[%d]", path, k)
			if _, ok := ballots[bid]; !ok {
				ps.add(bp, ProblemUnknownReference, "ballot", bid)
			} else if counted[bid] {
				ps.add(bp, ProblemDuplicateRef, bid)
			}
			counted[bid] = true
		}
		validateRoster(ps, path, dist.Roster, maxBoard)
	}
}

func validateRegister(ps *problems, path string, r *Register) {
	if r == nil {
		ps.add(path+".register", ProblemRegisterMissing)
		return
	}
	for _, f := range []struct {
		name  string
		value int64
	}{{"a1", r.A1}, {"a2", r.A2}, {"a3", r.A3}} {
		if f.value < 0 {
			ps.add(path+".register."+f.name, ProblemNegative, strconv.FormatInt(f.value, 10))
		}
	}
	if r.A1 >= 0 && r.A2 >= 0 && r.A3 >= 0 && r.A() == 0 {
		ps.add(path+".register", ProblemRegisterEmpty)
	}
}

func validateRoster(ps *problems, path string, roster []Member, maxBoard int) {
	if len(roster) > maxBoard {
		ps.add(path+".roster", ProblemRosterTooLarge, strconv.Itoa(len(roster)), strconv.Itoa(maxBoard))
	}
	members := ids{}
	for k, m := range roster {
		mp := fmt.Sprintf("%s.roster[%d]", path, k)
		members.check(ps, mp+".id", m.ID)
		required(ps, mp+".name", m.Name)
		if m.Role == "" {
			ps.add(mp+".role", ProblemRequired)
		} else if !m.Role.Valid() {
			ps.add(mp+".role", ProblemEnumUnknown, string(m.Role), joinRoles())
		}
	}
}
