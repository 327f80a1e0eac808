// Package synthetic generates large, realistic election definitions for
// demos, load tests and benchmarks. The same options and seed always give
// the same definition, byte for byte once encoded.
package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Council selects the kind of the council contest.
type Council string

const (
	CouncilCumulative Council = "cumulative" // Bavarian style: votes per seat, cumulation, panachage
	CouncilList       Council = "list"       // one vote for a list
)

// Options shape the generated election.
type Options struct {
	Districts int     // in-person districts, at least 1
	Postal    int     // postal districts, at least 0
	Seed      uint64  // same seed, same election
	Council   Council // default cumulative
	// Date of the election day (YYYY-MM-DD); default 2026-03-08.
	Date string
}

// Limits keep a generated file within what the tools are built for.
const (
	MaxDistricts = 1_000_000
	MaxPostal    = 100_000
)

// Generate builds the definition. It fails only on options out of range.
func Generate(o Options) (*ballot.Definition, error) {
	if o.Districts < 1 || o.Districts > MaxDistricts {
		return nil, fmt.Errorf("districts must be between 1 and %d, not %d", MaxDistricts, o.Districts)
	}
	if o.Postal < 0 || o.Postal > MaxPostal {
		return nil, fmt.Errorf("postal districts must be between 0 and %d, not %d", MaxPostal, o.Postal)
	}
	switch o.Council {
	case "":
		o.Council = CouncilCumulative
	case CouncilCumulative, CouncilList:
	default:
		return nil, fmt.Errorf("council kind %q: use cumulative or list", o.Council)
	}
	if o.Date == "" {
		o.Date = "2026-03-08"
	}
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, 0x5741484c4b4f4646))} // "WAHLKOFF"
	return g.definition(o), nil
}

type generator struct {
	rng *rand.Rand
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// normal draws from a normal distribution clamped to [lo, hi].
func (g *generator) normal(mean, sd, lo, hi float64) int64 {
	v := g.rng.NormFloat64()*sd + mean
	return int64(math.Round(math.Max(lo, math.Min(hi, v))))
}

func (g *generator) definition(o Options) *ballot.Definition {
	town := g.pick(townNames)
	wardCount := max(1, min(60, (o.Districts+14)/15))
	seats := councilSeats(o.Districts)

	def := &ballot.Definition{
		Format: ballot.FormatVersion,
		Election: ballot.Election{
			ID:           fmt.Sprintf("synthetic-%d-%d-%d", o.Districts, o.Postal, o.Seed),
			Title:        "Kommunalwahl " + town,
			Date:         o.Date,
			Authority:    "Stadt " + town + ", Wahlamt",
			TimeZone:     "Europe/Berlin",
			TurnoutTimes: []string{"10:00", "12:00", "14:00", "16:00"},
		},
		Board: ballot.FederalBoardRules,
		Allowance: ballot.Allowance{Currency: "EUR", PerRole: map[ballot.Role]int64{
			ballot.RoleChair: 6000, ballot.RoleDeputyChair: 5000, ballot.RoleSecretary: 5000,
			ballot.RoleDeputySecretary: 4000, ballot.RoleAssessor: 4000,
		}},
	}
	def.Ballots = []ballot.Ballot{
		{ID: "ob", Title: "Stimmzettel Oberbürgermeisterwahl", Contests: []ballot.Contest{g.mayor()}},
		{ID: "sr", Title: "Stimmzettel Stadtratswahl", Contests: []ballot.Contest{g.council(o.Council, seats)}},
	}
	for w := 1; w <= wardCount; w++ {
		def.Wards = append(def.Wards, ballot.Ward{
			ID:   fmt.Sprintf("%02d", w),
			Name: fmt.Sprintf("Stadtbezirk %d – %s", w, g.pick(quarterNames)),
		})
	}
	for i := 1; i <= o.Districts; i++ {
		ward := (i - 1) * wardCount / o.Districts // consecutive districts share a ward
		def.Districts = append(def.Districts, g.inPerson(i, def.Wards[ward].ID))
	}
	for i := 1; i <= o.Postal; i++ {
		def.Districts = append(def.Districts, ballot.District{
			ID:      fmt.Sprintf("B%04d", i),
			Name:    fmt.Sprintf("Briefwahlbezirk %d", i),
			Kind:    ballot.Postal,
			Ward:    def.Wards[(i-1)%wardCount].ID,
			Address: "Briefwahlzentrum, Messehalle " + fmt.Sprint(1+(i-1)/40),
			Ballots: []string{"ob", "sr"},
		})
	}
	return def
}

// councilSeats grows with the size of the town as in Bavarian law
// (GLKrWG Art. 31), from 16 seats to the 80 of Munich.
func councilSeats(districts int) int {
	switch {
	case districts < 10:
		return 16
	case districts < 30:
		return 24
	case districts < 60:
		return 40
	case districts < 200:
		return 50
	case districts < 500:
		return 60
	default:
		return 80
	}
}

func (g *generator) inPerson(i int, ward string) ballot.District {
	a1 := g.normal(1150, 320, 180, 2600)
	// The share of polling cards varies widely: 15 % to 60 % of the register.
	a2 := a1 * g.normal(35, 10, 15, 60) / 100
	a3 := int64(0)
	if g.rng.IntN(4) == 0 {
		a3 = int64(g.rng.IntN(6))
	}
	return ballot.District{
		ID:       fmt.Sprintf("%04d", i),
		Name:     fmt.Sprintf("%s %s", g.pick(buildingKinds), g.pick(streetNames)),
		Kind:     ballot.InPerson,
		Ward:     ward,
		Address:  fmt.Sprintf("%s %d", g.pick(streetNames), 1+g.rng.IntN(120)),
		Register: &ballot.Register{A1: a1, A2: a2, A3: a3},
		Ballots:  []string{"ob", "sr"},
	}
}

func (g *generator) mayor() ballot.Contest {
	c := ballot.Contest{ID: "ob", Title: "Wahl der Oberbürgermeisterin / des Oberbürgermeisters", Kind: ballot.KindMajority}
	for k, party := range parties[:5] {
		c.Candidates = append(c.Candidates, ballot.Candidate{
			ID:    fmt.Sprintf("ob-%d", k+1),
			Name:  g.personName(),
			Party: party.name,
		})
	}
	return c
}

func (g *generator) council(kind Council, seats int) ballot.Contest {
	c := ballot.Contest{
		ID: "sr", Title: "Wahl des Stadtrats", Seats: seats, Method: ballot.SainteLague,
	}
	if kind == CouncilList {
		c.Kind = ballot.KindList // municipal law has no threshold
	} else {
		c.Kind = ballot.KindCumulative
		c.VotesPerVoter = seats
		c.MaxPerCandidate = ballot.DefaultMaxPerCandidate
	}
	for _, p := range parties {
		l := ballot.List{ID: p.id, Name: p.name}
		if kind == CouncilCumulative {
			// Small groups field fewer candidates than there are seats.
			n := seats
			if p.small {
				n = max(3, seats/4)
			}
			for k := 1; k <= n; k++ {
				cand := ballot.Candidate{ID: fmt.Sprintf("%s-%d", p.id, k), Name: g.personName()}
				// The top candidates of the big lists are often printed twice or three times.
				if !p.small && k <= 2 && g.rng.IntN(3) == 0 {
					cand.Places = 2 + g.rng.IntN(2)
				}
				l.Candidates = append(l.Candidates, cand)
			}
		}
		c.Lists = append(c.Lists, l)
	}
	return c
}

func (g *generator) personName() string {
	return g.pick(firstNames) + " " + g.pick(lastNames)
}
