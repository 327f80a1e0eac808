package synthetic_test

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
)

// Generated counts pass every check a station and the tally apply,
// warnings included, for every district of every example election and of
// a generated one, over many seeds.
func TestCounts_PassEveryCheck(t *testing.T) {
	defs := map[string]*ballot.Definition{}
	for _, name := range []string{"musterstadt.json", "bundestag-wahlkreis.json", "buergerentscheid.json"} {
		raw, err := os.ReadFile("../../testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if defs[name], err = ballot.ParseDefinition(raw); err != nil {
			t.Fatal(err)
		}
	}
	for _, council := range []synthetic.Council{synthetic.CouncilList, synthetic.CouncilCumulative} {
		def, err := synthetic.Generate(synthetic.Options{Districts: 40, Postal: 6, Seed: 3, Council: council})
		if err != nil {
			t.Fatal(err)
		}
		defs["generated-"+string(council)] = def
	}
	checked := 0
	for name, def := range defs {
		for seed := range uint64(20) {
			rng := rand.New(rand.NewPCG(seed, 7))
			for i := range def.Districts {
				d := &def.Districts[i]
				counts := synthetic.Counts(rng, def, d)
				if len(counts) != len(def.ContestsOf(d)) {
					t.Fatalf("%s %s: %d counts for %d contests", name, d.ID, len(counts), len(def.ContestsOf(d)))
				}
				for id, c := range counts {
					c.Stage, c.Version, c.EnteredBy = ballot.StageFinal, 1, []string{"a", "b"}
					f := ballot.CheckCount(def, d, &c, ballot.CheckContext{})
					if tiny := d.Register != nil && d.Register.A1*90/100 < ballot.MinDistrictVoters; tiny && len(f) == 1 && f[0].Code == ballot.FindingFewVoters {
						f = nil // a district that small warns, as the law wants
					}
					if len(f) > 0 {
						t.Fatalf("%s seed %d district %s contest %s: %v", name, seed, d.ID, id, f)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d counts checked", checked)
}

func TestCounts_SameSeedSameCounts(t *testing.T) {
	def, err := synthetic.Generate(synthetic.Options{Districts: 5, Postal: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := synthetic.Counts(rand.New(rand.NewPCG(1, 1)), def, &def.Districts[0])
	b := synthetic.Counts(rand.New(rand.NewPCG(1, 1)), def, &def.Districts[0])
	for id := range a {
		if len(ballot.CompareEntries(ptr(a[id]), ptr(b[id]))) != 0 {
			t.Fatalf("contest %s differs between two runs with one seed", id)
		}
	}
}

func ptr(c ballot.Count) *ballot.Count { return &c }
