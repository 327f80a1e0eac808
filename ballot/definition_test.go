package ballot_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseDefinition_AcceptsEveryValidExample(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.json")
	if len(files) < 3 {
		t.Fatalf("expected the example definitions in ../testdata, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			def, err := ballot.ParseDefinition(data)
			if err != nil {
				t.Fatalf("want valid, got %v", err)
			}
			if len(def.Districts) == 0 || len(def.Ballots) == 0 {
				t.Fatalf("parsed an empty definition: %+v", def)
			}
		})
	}
}

// The example town is what the demo and many tests build on; pin the facts
// they rely on.
func TestParseDefinition_ExampleTownHasTheDescribedShape(t *testing.T) {
	def, err := ballot.ParseDefinition(readExample(t, "musterstadt.json"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ballot.DistrictKind]int{}
	wards := map[string]bool{}
	for _, d := range def.Districts {
		kinds[d.Kind]++
		wards[d.Ward] = true
	}
	if kinds[ballot.InPerson] != 40 || kinds[ballot.Postal] != 10 || len(wards) != 5 {
		t.Errorf("districts %v in %d wards, want 40 in-person and 10 postal in 5 wards", kinds, len(wards))
	}
	mayor, _, ok := def.Contest("ob")
	if !ok || mayor.Kind != ballot.KindMajority || mayor.MajorityRuleOrDefault() != ballot.RuleAbsolute {
		t.Errorf("mayor contest: %+v", mayor)
	}
	council, _, ok := def.Contest("sr")
	if !ok || council.Kind != ballot.KindCumulative || council.Seats != 40 {
		t.Errorf("council contest: %+v", council)
	}
	d, _ := def.District("101")
	if got := len(def.ContestsOf(d)); got != 2 {
		t.Errorf("district 101 counts %d contests, want 2", got)
	}
	if len(d.Roster) != 6 {
		t.Errorf("district 101 roster has %d members, want 6", len(d.Roster))
	}
}

// Each invalid example comes with the exact list of problems expected, one
// "path code" per line, hand-checked against the file.
func TestParseDefinition_ReportsExactlyTheExpectedProblems(t *testing.T) {
	files, _ := filepath.Glob("../testdata/invalid/*.json")
	if len(files) < 8 {
		t.Fatalf("expected the invalid examples in ../testdata/invalid, found %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			want := readWant(t, strings.TrimSuffix(f, ".json")+".want")
			_, err := ballot.ParseDefinition(data)
			var defErr *ballot.DefinitionError
			if !errors.As(err, &defErr) {
				t.Fatalf("want a *DefinitionError, got %v", err)
			}
			var got []string
			for _, p := range defErr.Problems {
				got = append(got, p.Path+" "+p.Code)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("problems differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

func readWant(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func TestParseDefinition_SyntaxErrorNamesLineAndColumn(t *testing.T) {
	_, err := ballot.ParseDefinition([]byte("{\n  \"format\": \"x\",\n  \"election\": {\"id\": ]\n}"))
	var defErr *ballot.DefinitionError
	if !errors.As(err, &defErr) || defErr.Problems[0].Code != ballot.ProblemJSONSyntax {
		t.Fatalf("want a json-syntax problem, got %v", err)
	}
	if msg := defErr.Problems[0].Message(ballot.English); !strings.Contains(msg, "line 3, column") {
		t.Errorf("message %q does not name the line", msg)
	}
}

func TestParseDefinition_TrailingDataAndDeepNestingAreRejected(t *testing.T) {
	for name, input := range map[string]string{
		"trailing": `{"format": "wahlkoffer-election/1"} {}`,
		"nested":   strings.Repeat("[", 100) + strings.Repeat("]", 100),
		"empty":    ``,
	} {
		_, err := ballot.ParseDefinition([]byte(input))
		var defErr *ballot.DefinitionError
		if !errors.As(err, &defErr) || defErr.Problems[0].Code != ballot.ProblemJSONSyntax {
			t.Errorf("%s: want a json-syntax problem, got %v", name, err)
		}
	}
}

// Every problem code the validator can report has a German and an English
// text, and the two differ.
func TestProblemMessages_EveryCodeSpeaksGermanAndEnglish(t *testing.T) {
	src, err := os.ReadFile("problem.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := regexp.MustCompile(`(?m)^\s+(Problem\w+)\s+= "([a-z-]+)"`).FindAllSubmatch(src, -1)
	if len(codes) < 30 {
		t.Fatalf("found only %d problem codes in problem.go", len(codes))
	}
	for _, m := range codes {
		code := string(m[2])
		// Find how many values the German text takes; English must take as many.
		arity := -1
		for n := 0; n <= 4; n++ {
			args := []string{"11", "22", "33", "44"}[:n]
			if de := (ballot.Problem{Code: code, Args: args}).Message(ballot.German); !strings.Contains(de, "%!") {
				arity = n
				break
			}
		}
		if arity < 0 {
			t.Errorf("%s: no German text, or one that takes more than 4 values", code)
			continue
		}
		p := ballot.Problem{Path: "$.x", Code: code, Args: []string{"11", "22", "33", "44"}[:arity]}
		de, en := p.Message(ballot.German), p.Message(ballot.English)
		if de == code || en == code || de == en || strings.Contains(en, "%!") {
			t.Errorf("%s: de %q, en %q", code, de, en)
		}
		for _, a := range p.Args {
			if !strings.Contains(de, a) || !strings.Contains(en, a) {
				t.Errorf("%s: the value %s is missing from %q or %q", code, a, de, en)
			}
		}
	}
}

func TestParsePercent_ExactHundredths(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ballot.Percent
		err  bool
	}{
		{"5", 500, false}, {"5.0", 500, false}, {"2.5", 250, false}, {"2.75", 275, false},
		{"0", 0, false}, {"100", 10000, false}, {"5 %", 500, false}, {"0.01", 1, false},
		{"2.755", 0, true}, {"-1", 0, true}, {"abc", 0, true}, {"", 0, true}, {"5.", 0, true},
		{"+5", 0, true}, {"1e2", 0, true},
	} {
		got, err := ballot.ParsePercent(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
		if err == nil {
			back, _ := ballot.ParsePercent(got.String())
			if back != got {
				t.Errorf("%q does not round-trip through %q", tc.in, got.String())
			}
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]int{"00:00": 0, "08:00": 480, "18:00": 1080, "23:59": 1439} {
		if got, err := ballot.ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"8:00", "24:00", "12:60", "12-00", "", "ab:cd", "+8:00", "-1:00", "08:+5"} {
		if _, err := ballot.ParseClock(in); err == nil {
			t.Errorf("ParseClock(%q) accepted", in)
		}
	}
}

func TestFormatCount_GermanAndEnglishSeparators(t *testing.T) {
	for _, tc := range []struct {
		n      int64
		de, en string
	}{
		{0, "0", "0"}, {999, "999", "999"}, {1000, "1.000", "1,000"},
		{1234567, "1.234.567", "1,234,567"}, {-45000, "-45.000", "-45,000"},
	} {
		if got := ballot.FormatCount(tc.n, ballot.German); got != tc.de {
			t.Errorf("FormatCount(%d, de) = %q, want %q", tc.n, got, tc.de)
		}
		if got := ballot.FormatCount(tc.n, ballot.English); got != tc.en {
			t.Errorf("FormatCount(%d, en) = %q, want %q", tc.n, got, tc.en)
		}
	}
}

func TestBoardRules_DefaultsAreFederal(t *testing.T) {
	got := ballot.BoardRules{QuorumCounting: 4}.WithDefaults()
	want := ballot.FederalBoardRules
	want.QuorumCounting = 4
	if got != want {
		t.Errorf("WithDefaults = %+v, want %+v", got, want)
	}
}

// FuzzParseDefinition: no input makes the parser panic, and whatever it
// accepts survives a round trip through JSON unchanged.
func FuzzParseDefinition(f *testing.F) {
	for _, name := range []string{"musterstadt.json", "bundestag-wahlkreis.json", "buergerentscheid.json"} {
		f.Add(readExample(f, name))
	}
	invalid, _ := filepath.Glob("../testdata/invalid/*.json")
	for _, p := range invalid {
		data, _ := os.ReadFile(p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := ballot.ParseDefinition(data)
		if err != nil {
			var defErr *ballot.DefinitionError
			if !errors.As(err, &defErr) || len(defErr.Problems) == 0 {
				t.Fatalf("error is not a DefinitionError with problems: %v", err)
			}
			return
		}
		again, err := ballot.ParseDefinition(mustJSON(t, def))
		if err != nil {
			t.Fatalf("accepted definition does not re-parse: %v", err)
		}
		if !bytes.Equal(mustJSON(t, def), mustJSON(t, again)) {
			t.Fatal("definition changed in a round trip")
		}
	})
}

func TestFormatPercent_TwoDecimalsWithTheLanguagesDecimalMark(t *testing.T) {
	for _, tc := range []struct {
		p      ballot.Percent
		de, en string
	}{{4208, "42,08 %", "42.08 %"}, {5, "0,05 %", "0.05 %"}, {10000, "100,00 %", "100.00 %"}, {0, "0,00 %", "0.00 %"}} {
		if got := ballot.FormatPercent(tc.p, ballot.German); got != tc.de {
			t.Errorf("FormatPercent(%d, de) = %q, want %q", tc.p, got, tc.de)
		}
		if got := ballot.FormatPercent(tc.p, ballot.English); got != tc.en {
			t.Errorf("FormatPercent(%d, en) = %q, want %q", tc.p, got, tc.en)
		}
	}
}

func TestElectionDayIsMidnightInTheElectionsZone(t *testing.T) {
	day, err := ballot.Election{Date: "2026-03-08", TimeZone: "Europe/Berlin"}.Day()
	if err != nil {
		t.Fatal(err)
	}
	// 8 March 2026 is winter time in Berlin: midnight there is 23:00 UTC
	// the evening before.
	if got, want := day.UTC().Format(time.RFC3339), "2026-03-07T23:00:00Z"; got != want {
		t.Errorf("election day starts at %s, want %s", got, want)
	}
	if day.Location().String() != "Europe/Berlin" {
		t.Errorf("election day is in %s, want Europe/Berlin", day.Location())
	}
	if _, err := (ballot.Election{Date: "2026-03-08", TimeZone: "Mars/Olympus"}).Day(); err == nil {
		t.Error("an unknown time zone gave an election day")
	}
	if _, err := (ballot.Election{Date: "8.3.2026", TimeZone: "Europe/Berlin"}).Day(); err == nil {
		t.Error("a date not in YYYY-MM-DD gave an election day")
	}
}
