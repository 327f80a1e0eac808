package synthetic_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
)

func encode(t testing.TB, o synthetic.Options) []byte {
	t.Helper()
	def, err := synthetic.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGenerate_SameSeedSameBytes(t *testing.T) {
	o := synthetic.Options{Districts: 300, Postal: 30, Seed: 42}
	if !bytes.Equal(encode(t, o), encode(t, o)) {
		t.Fatal("two runs with the same seed differ")
	}
	o2 := o
	o2.Seed = 43
	if bytes.Equal(encode(t, o), encode(t, o2)) {
		t.Fatal("different seeds gave the same election")
	}
}

func TestGenerate_ProducesAValidDefinitionOfTheRequestedSize(t *testing.T) {
	for _, o := range []synthetic.Options{
		{Districts: 1},
		{Districts: 40, Postal: 10, Seed: 3},
		{Districts: 2000, Postal: 200, Seed: 9, Council: synthetic.CouncilList},
	} {
		data := encode(t, o)
		def, err := ballot.ParseDefinition(data)
		if err != nil {
			t.Fatalf("%+v: generated definition does not validate: %v", o, err)
		}
		var inPerson, postal int
		for _, d := range def.Districts {
			switch d.Kind {
			case ballot.InPerson:
				inPerson++
				if d.Register == nil || d.Register.A1 < 180 || d.Register.A2 >= d.Register.A1 {
					t.Errorf("district %s has an implausible register %+v", d.ID, d.Register)
				}
			case ballot.Postal:
				postal++
			}
		}
		if inPerson != o.Districts || postal != o.Postal {
			t.Errorf("%+v: got %d in-person and %d postal districts", o, inPerson, postal)
		}
		council, _, _ := def.Contest("sr")
		wantKind := ballot.KindCumulative
		if o.Council == synthetic.CouncilList {
			wantKind = ballot.KindList
		}
		if council.Kind != wantKind {
			t.Errorf("%+v: council is %s, want %s", o, council.Kind, wantKind)
		}
	}
}

// Register figures spread like a real city's: not all alike, not absurd.
func TestGenerate_RegisterFiguresHaveARealisticSpread(t *testing.T) {
	def, err := synthetic.Generate(synthetic.Options{Districts: 1000, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var sum, minA1, maxA1 int64 = 0, 1 << 62, 0
	for _, d := range def.Districts {
		a1 := d.Register.A1
		sum += a1
		minA1, maxA1 = min(minA1, a1), max(maxA1, a1)
	}
	mean := sum / 1000
	if mean < 1000 || mean > 1300 || maxA1-minA1 < 1000 {
		t.Errorf("A1 mean %d, range %d..%d: not the intended spread", mean, minA1, maxA1)
	}
}

func TestGenerate_RejectsOptionsOutOfRange(t *testing.T) {
	for _, o := range []synthetic.Options{
		{Districts: 0}, {Districts: -1}, {Districts: synthetic.MaxDistricts + 1},
		{Districts: 1, Postal: -1}, {Districts: 1, Council: "open"},
	} {
		if _, err := synthetic.Generate(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		if _, err := synthetic.Generate(synthetic.Options{Districts: 100_000, Postal: 10_000}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDefinition100k measures reading and validating the
// definition of a 100,000-district election, as tally init and every
// station set-up do.
func BenchmarkParseDefinition100k(b *testing.B) {
	data := encode(b, synthetic.Options{Districts: 100_000, Postal: 10_000})
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ballot.ParseDefinition(data); err != nil {
			b.Fatal(err)
		}
	}
}
