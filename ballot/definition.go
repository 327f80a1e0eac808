// Package ballot is the domain core of wahlkoffer: the election definition,
// the records a polling station produces and their legal arithmetic, the
// quorum of the board, seat allocation and majority outcomes.
//
// It does no I/O: callers hand it bytes and values, it hands back values,
// findings and errors. Everything else in the project builds on it.
package ballot

import "time"

// FormatVersion names the layout of the definition file; a definition
// carrying another value is rejected rather than misread.
const FormatVersion = "wahlkoffer-election/1"

// Definition is an election as an election office defines it: one election
// day with its ballots, wards, districts and board rules. It is the content
// of the JSON file that `election validate` checks and the election package
// carries to every station.
type Definition struct {
	Format    string     `json:"format"`
	Election  Election   `json:"election"`
	Board     BoardRules `json:"board"`
	Allowance Allowance  `json:"allowance,omitzero"`
	Ballots   []Ballot   `json:"ballots"`
	Wards     []Ward     `json:"wards"`
	Districts []District `json:"districts"`
}

// Election holds the facts of the election day itself.
type Election struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Date      string `json:"date"` // YYYY-MM-DD, the election day in TimeZone
	Authority string `json:"authority"`
	TimeZone  string `json:"time_zone"` // IANA name, e.g. Europe/Berlin
	// PollsOpen and PollsClose are local times of day (HH:MM); the federal
	// defaults 08:00 and 18:00 apply when they are empty.
	PollsOpen  string `json:"polls_open,omitempty"`
	PollsClose string `json:"polls_close,omitempty"`
	// TurnoutTimes are the local times of day (HH:MM) at which every
	// in-person station reports its number of voters so far.
	TurnoutTimes []string `json:"turnout_times"`
}

// Day is the start of the election day in the election's time zone (its
// Location is that zone). A validated definition always has one.
func (e Election) Day() (time.Time, error) {
	loc, err := time.LoadLocation(e.TimeZone)
	if err != nil {
		return time.Time{}, err
	}
	return time.ParseInLocation(time.DateOnly, e.Date, loc)
}

// Default opening hours (BWahlG § 47).
const (
	DefaultPollsOpen  = "08:00"
	DefaultPollsClose = "18:00"
)

// BoardRules are the size and quorum rules of the boards (Wahlvorstand,
// Briefwahlvorstand). Zero values take the federal defaults through
// WithDefaults; cities have asked for them to be configurable.
type BoardRules struct {
	MinSize               int `json:"min_size,omitempty"`
	MaxSize               int `json:"max_size,omitempty"`
	QuorumVoting          int `json:"quorum_voting,omitempty"`
	QuorumCounting        int `json:"quorum_counting,omitempty"`
	PostalQuorumAdmission int `json:"postal_quorum_admission,omitempty"`
	PostalQuorumCounting  int `json:"postal_quorum_counting,omitempty"`
}

// FederalBoardRules are the defaults of BWahlG § 9 and BWO § 6, § 7.
var FederalBoardRules = BoardRules{
	MinSize:               5,
	MaxSize:               9,
	QuorumVoting:          3,
	QuorumCounting:        5,
	PostalQuorumAdmission: 3,
	PostalQuorumCounting:  5,
}

// WithDefaults returns the rules with every unset value taken from
// FederalBoardRules.
func (r BoardRules) WithDefaults() BoardRules {
	pick := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	d := FederalBoardRules
	return BoardRules{
		MinSize:               pick(r.MinSize, d.MinSize),
		MaxSize:               pick(r.MaxSize, d.MaxSize),
		QuorumVoting:          pick(r.QuorumVoting, d.QuorumVoting),
		QuorumCounting:        pick(r.QuorumCounting, d.QuorumCounting),
		PostalQuorumAdmission: pick(r.PostalQuorumAdmission, d.PostalQuorumAdmission),
		PostalQuorumCounting:  pick(r.PostalQuorumCounting, d.PostalQuorumCounting),
	}
}

// Allowance is the refreshment allowance (Erfrischungsgeld) per role, in
// euro cents. It is optional: offices that pay elsewhere leave it out.
type Allowance struct {
	Currency string         `json:"currency,omitempty"` // default EUR
	PerRole  map[Role]int64 `json:"per_role,omitempty"`
}

// Ballot is one sheet of paper handed to the voter. It carries one contest
// (a mayor election) or several (the federal first and second vote).
type Ballot struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Contests []Contest `json:"contests"`
}

// ContestKind says how a contest is voted and decided.
type ContestKind string

const (
	// KindMajority: one vote per voter for a candidate; by default the
	// absolute majority wins, otherwise the top two go to a runoff.
	KindMajority ContestKind = "majority"
	// KindList: one vote per voter for a list; seats by a proportional method.
	KindList ContestKind = "list"
	// KindCumulative: several votes per voter, cumulated on candidates and
	// spread over lists (Bavarian councils); seats to lists proportionally.
	KindCumulative ContestKind = "cumulative"
	// KindReferendum: a yes/no question.
	KindReferendum ContestKind = "referendum"
)

// ContestKinds lists the valid kinds in a stable order.
var ContestKinds = []ContestKind{KindMajority, KindList, KindCumulative, KindReferendum}

// MajorityRule says what a majority contest needs to be won in one round.
type MajorityRule string

const (
	// RuleAbsolute: more than half of the valid votes, else a runoff of the
	// top two (mayors, Landräte). The default.
	RuleAbsolute MajorityRule = "absolute"
	// RuleRelative: the most votes win (the federal first vote).
	RuleRelative MajorityRule = "relative"
)

// Method is a seat allocation method.
type Method string

const (
	SainteLague  Method = "sainte-lague"
	DHondt       Method = "dhondt"
	HareNiemeyer Method = "hare-niemeyer"
)

// Methods lists the supported methods in a stable order.
var Methods = []Method{SainteLague, DHondt, HareNiemeyer}

// Contest is one vote being decided. Which fields apply depends on Kind:
//
//	majority:   Candidates, Rule
//	list:       Lists, Seats, Method, Threshold, Exempt
//	cumulative: Lists (with ordered candidates), Seats, Method, Threshold,
//	            Exempt, VotesPerVoter, MaxPerCandidate
//	referendum: Question (the options are always yes and no)
type Contest struct {
	ID    string      `json:"id"`
	Title string      `json:"title"`
	Kind  ContestKind `json:"kind"`

	Candidates []Candidate  `json:"candidates,omitempty"`
	Rule       MajorityRule `json:"rule,omitempty"`

	Lists     []List   `json:"lists,omitempty"`
	Seats     int      `json:"seats,omitempty"`
	Method    Method   `json:"method,omitempty"`
	Threshold Percent  `json:"threshold,omitempty"`
	Exempt    []string `json:"exempt,omitempty"` // list ids exempt from the threshold

	VotesPerVoter   int `json:"votes_per_voter,omitempty"`
	MaxPerCandidate int `json:"max_per_candidate,omitempty"`

	Question string `json:"question,omitempty"`
}

// Referendum option ids.
const (
	OptionYes = "yes"
	OptionNo  = "no"
)

// DefaultMaxPerCandidate is the cumulation limit of Bavarian municipal law
// (GLKrWG Art. 34): a voter may give one candidate up to three votes.
const DefaultMaxPerCandidate = 3

// Candidate is a person standing for election.
type Candidate struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Party string `json:"party,omitempty"`
	// Places is how often the candidate is printed on a cumulative list
	// (1 by default, at most MaxPerCandidate); a list cross gives one vote
	// per place.
	Places int `json:"places,omitempty"`
}

// List is a party or group list (Wahlvorschlag) with its ordered candidates.
type List struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Option is one thing a voter can give a vote to in a contest, as counted
// on the district record (D1 … Dn).
type Option struct {
	ID   string
	Name string
}

// Options returns the options whose votes a district record counts, in
// ballot order: the candidates of a majority contest, the lists of a list
// or cumulative contest, yes and no for a referendum.
func (c Contest) Options() []Option {
	var out []Option
	switch c.Kind {
	case KindMajority:
		for _, cand := range c.Candidates {
			out = append(out, Option{ID: cand.ID, Name: cand.Name})
		}
	case KindList, KindCumulative:
		for _, l := range c.Lists {
			out = append(out, Option{ID: l.ID, Name: l.Name})
		}
	case KindReferendum:
		out = []Option{{ID: OptionYes, Name: "Ja"}, {ID: OptionNo, Name: "Nein"}}
	}
	return out
}

// Cumulation returns the votes per voter and the per-candidate limit of a
// cumulative contest, with the default limit applied.
func (c Contest) Cumulation() (votesPerVoter, maxPerCandidate int) {
	maxPer := c.MaxPerCandidate
	if maxPer == 0 {
		maxPer = DefaultMaxPerCandidate
	}
	return c.VotesPerVoter, maxPer
}

// MajorityRuleOrDefault returns the contest's majority rule, absolute when unset.
func (c Contest) MajorityRuleOrDefault() MajorityRule {
	if c.Rule == "" {
		return RuleAbsolute
	}
	return c.Rule
}

// Ward is a group of districts used for reporting (Stadtbezirk).
type Ward struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DistrictKind distinguishes polling stations from postal counting units.
type DistrictKind string

const (
	InPerson DistrictKind = "in-person" // Urnenwahlbezirk
	Postal   DistrictKind = "postal"    // Briefwahlbezirk
)

// District is a counting unit: a polling station with its register, or a
// postal board of the counting centre.
type District struct {
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Kind    DistrictKind `json:"kind"`
	Ward    string       `json:"ward,omitempty"`
	Address string       `json:"address,omitempty"`
	// Register holds A1, A2 and A3 for in-person districts as the register
	// stood when it was closed; postal districts have none.
	Register *Register `json:"register,omitempty"`
	// Ballots are the ids of the ballots this district counts.
	Ballots []string `json:"ballots"`
	// Roster is the board as the office assigned it, if it did; stations
	// without one enter their board on the day.
	Roster []Member `json:"roster,omitempty"`
}

// Register holds the register figures of an in-person district.
type Register struct {
	A1 int64 `json:"a1"` // registered without the W mark
	A2 int64 `json:"a2"` // registered with the W mark (polling card issued)
	A3 int64 `json:"a3,omitempty"`
}

// A is the number of registered voters, A1 + A2 + A3.
func (r Register) A() int64 { return r.A1 + r.A2 + r.A3 }

// Role is a function on the board.
type Role string

const (
	RoleChair           Role = "chair"            // Wahlvorsteher
	RoleDeputyChair     Role = "deputy-chair"     // stellvertretender Wahlvorsteher
	RoleSecretary       Role = "secretary"        // Schriftführer
	RoleDeputySecretary Role = "deputy-secretary" // stellvertretender Schriftführer
	RoleAssessor        Role = "assessor"         // Beisitzer
)

// Roles lists the board roles in the order of the official forms.
var Roles = []Role{RoleChair, RoleDeputyChair, RoleSecretary, RoleDeputySecretary, RoleAssessor}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Member is a person on a board roster.
type Member struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// Lookups over a definition. They scan; a definition has tens of ballots
// and at most tens of thousands of districts, and callers that look up in
// a loop build their own index.

// Ballot returns the ballot with the given id.
func (d *Definition) Ballot(id string) (*Ballot, bool) {
	for i := range d.Ballots {
		if d.Ballots[i].ID == id {
			return &d.Ballots[i], true
		}
	}
	return nil, false
}

// Contest returns the contest with the given id and the ballot carrying it.
func (d *Definition) Contest(id string) (*Contest, *Ballot, bool) {
	for i := range d.Ballots {
		b := &d.Ballots[i]
		for j := range b.Contests {
			if b.Contests[j].ID == id {
				return &b.Contests[j], b, true
			}
		}
	}
	return nil, nil, false
}

// District returns the district with the given id.
func (d *Definition) District(id string) (*District, bool) {
	for i := range d.Districts {
		if d.Districts[i].ID == id {
			return &d.Districts[i], true
		}
	}
	return nil, false
}

// ContestsOf returns the contests a district counts, in ballot order.
func (d *Definition) ContestsOf(district *District) []*Contest {
	var out []*Contest
	for _, bid := range district.Ballots {
		if b, ok := d.Ballot(bid); ok {
			for j := range b.Contests {
				out = append(out, &b.Contests[j])
			}
		}
	}
	return out
}
