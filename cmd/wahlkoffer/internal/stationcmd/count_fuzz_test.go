package stationcmd

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/fuzzseed"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// unusedData is the --data of the parsed commands: it must be given, and
// is never opened.
var unusedData = filepath.Join(os.TempDir(), "wahlkoffer-fuzz-never-created")

// runCount parses `station count` with args as the command line does and
// returns the entry it would store; nothing is stored (runF stops short of
// the station).
func runCount(t *testing.T, args ...string) (*ballot.Count, error) {
	t.Helper()
	var figures *ballot.Count
	var out bytes.Buffer
	cmd := NewCmdCount(cmdutil.IO{In: strings.NewReader(""), Out: &out, ErrOut: &out}, func(o *CountOptions) error {
		figures = o.Figures
		return nil
	})
	cmd.SetArgs(append([]string{"--data", unusedData, "--contest", "ob", "--entered-by", "101-1"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return figures, err
}

// countFromFile runs `station count --file` on a file holding data.
func countFromFile(t *testing.T, data []byte) (*ballot.Count, error) {
	t.Helper()
	path := writeFile(t, data)
	return runCount(t, "--file", path)
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "figures.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// roundTrip writes the entry as the station stores it (JSON) and reads it
// back as a count file.
func roundTrip(t *testing.T, c *ballot.Count) *ballot.Count {
	t.Helper()
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatalf("entry cannot be stored: %v", err)
	}
	back, err := countFromFile(t, raw)
	if err != nil {
		t.Fatalf("stored entry %s does not read back: %v", raw, err)
	}
	return back
}

// FuzzCountFile: `station count --file F.json` on arbitrary file contents
// never panics, reads the same file the same way, refuses with a usage
// error, and what it accepts, stored as the station stores an entry and
// read back, is the same entry (no field differs, same JSON).
func FuzzCountFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeFile(t, data)
		c, err := runCount(t, "--file", path)
		c2, err2 := runCount(t, "--file", path)
		if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(c, c2) {
			t.Fatalf("two readings differ: %v, %v", err, err2)
		}
		if err != nil {
			var ue *cmdutil.UsageError
			if !errors.As(err, &ue) || c != nil {
				t.Fatalf("refused with %T %v", err, err)
			}
			return
		}
		back := roundTrip(t, c)
		if d := ballot.CompareEntries(c, back); len(d) != 0 {
			t.Fatalf("the stored entry reads back with %d differing fields: %+v", len(d), d)
		}
		if a, b := mustMarshal(t, c), mustMarshal(t, back); !bytes.Equal(a, b) {
			t.Fatalf("the stored entry reads back otherwise:\n%s\n%s", a, b)
		}
	})
}

// FuzzCountFlags: `station count` with arbitrary figure flags (the input,
// one argument a line; --file and --data are left out) never panics and
// parses the same arguments the same way; the entry it accepts is the
// same entry when given as a count file instead, and stored and read back.
func FuzzCountFlags(f *testing.F) {
	f.Fuzz(func(t *testing.T, lines string) {
		args := strings.Split(lines, "\n")
		for _, a := range args {
			if strings.HasPrefix(a, "--file") || strings.HasPrefix(a, "--data") {
				return
			}
		}
		c, err := runCount(t, args...)
		c2, err2 := runCount(t, args...)
		if fmt.Sprint(err) != fmt.Sprint(err2) || !reflect.DeepEqual(c, c2) {
			t.Fatalf("two parses differ: %v, %v", err, err2)
		}
		if err != nil || c == nil {
			return // refused, or --help
		}
		for k := range c.Votes {
			if k == "" || strings.TrimSpace(k) != k {
				t.Fatalf("option id %q is not trimmed", k)
			}
		}
		if c.Votes == nil {
			t.Fatal("an entry by flags has no votes map")
		}
		if !fuzzseed.CountIDsUTF8(c) {
			return // JSON cannot carry these ids; see the report of issue 8
		}
		back := roundTrip(t, c)
		if d := ballot.CompareEntries(c, back); len(d) != 0 {
			t.Fatalf("the entry given by flags differs from the same as a count file: %+v", d)
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countSeeds are the committed seeds of FuzzCountFile and FuzzCountFlags:
// the figures of the example town's mayor contest as a board enters them,
// in-person and postal, and entries broken in one way each.
func countSeeds() map[string]map[string]string {
	mayor := `{"b":1000,"b1":200,"invalid":10,"valid":990,"votes":{"ob-1":400,"ob-2":300,"ob-3":200,"ob-4":90}}`
	postal := `{"b":640,"b1":640,"postal":{"received":700,"queried":80,"admitted":20,"rejected":60,` +
		`"rejected_by":{"no-valid-card":40,"declaration-unsigned":20}},"invalid":12,"valid":628,` +
		`"votes":{"ob-1":300,"ob-2":200,"ob-3":100,"ob-4":28}}`
	council := `{"b":1000,"b1":200,"invalid":30,"valid":970,"votes":{"csu":300,"spd":200},` +
		`"candidate_votes":{"csu-1":150,"csu-2":150,"spd-1":200},"unchanged":400,"changed":570}`
	flags := func(args ...string) string { return strings.Join(args, "\n") }
	return map[string]map[string]string{
		"FuzzCountFile": {
			"valid-mayor":          mayor,
			"valid-mayor-pretty":   strings.ReplaceAll(strings.ReplaceAll(mayor, ",", ",\n  "), "{", "{\n  "),
			"valid-postal":         postal,
			"valid-council":        council,
			"valid-marks-register": strings.Replace(mayor, `"b":1000`, `"a1":1409,"a2":535,"marks":800,"b":1000`, 1),
			"valid-empty":          `{}`,
			"unknown-field":        strings.Replace(mayor, `"b1"`, `"b_1"`, 1),
			"two-values":           mayor + mayor,
			"number-as-string":     strings.Replace(mayor, `"b":1000`, `"b":"1000"`, 1),
			"number-fraction":      strings.Replace(mayor, `"b":1000`, `"b":1000.5`, 1),
			"number-overflow":      strings.Replace(mayor, `"b":1000`, `"b":9223372036854775808`, 1),
			"votes-array":          `{"votes":[400,300]}`,
			"valid-duplicate-key":  strings.Replace(mayor, `"b":1000`, `"b":1,"b":1000`, 1),
			"truncated":            mayor[:40],
			"valid-null":           `null`,
		},
		"FuzzCountFlags": {
			"valid-mayor":         flags("--b", "1000", "--b1", "200", "--invalid", "10", "--valid", "990", "--vote", "ob-1=400", "--vote", "ob-2=300", "--vote", "ob-3=200", "--vote", "ob-4=90"),
			"valid-postal":        flags("--b", "640", "--b1", "640", "--received", "700", "--queried", "80", "--admitted", "20", "--rejected", "no-valid-card=40", "--rejected", "declaration-unsigned=20", "--invalid", "12", "--valid", "628", "--vote", "ob-1=628"),
			"valid-council":       flags("--b", "1000", "--invalid", "30", "--valid", "970", "--vote", "csu=300", "--candidate", "csu-1=150", "--unchanged", "400", "--changed", "570"),
			"valid-spaces":        flags("--b=1000", "--vote", " ob-1 = 400 ", "--marks", "0"),
			"vote-twice":          flags("--b", "1", "--vote", "ob-1=1", "--vote", "ob-1=2"),
			"vote-no-number":      flags("--b", "1", "--vote", "ob-1="),
			"vote-no-equals":      flags("--b", "1", "--vote", "ob-1"),
			"valid-vote-negative": flags("--b", "1", "--vote", "ob-1=-5"),
			"number-not-integer":  flags("--b", "1e3"),
			"unknown-flag":        flags("--c", "10"),
			"no-figures":          "",
			"positional":          flags("--b", "1", "extra"),
		},
	}
}

// TestFuzzSeeds keeps the committed seeds of FuzzCountFile and
// FuzzCountFlags equal to countSeeds, and checks that exactly the seeds
// named valid-* are accepted; run with -update-seeds after a change.
func TestFuzzSeeds(t *testing.T) {
	seeds := countSeeds()
	for _, target := range []string{"FuzzCountFile", "FuzzCountFlags"} {
		names := make([]string, 0, len(seeds[target]))
		for name := range seeds[target] {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			s := seeds[target][name]
			var err error
			var want string
			if target == "FuzzCountFile" {
				_, err = countFromFile(t, []byte(s))
				want = fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			} else {
				_, err = runCount(t, strings.Split(s, "\n")...)
				want = fmt.Sprintf("go test fuzz v1\nstring(%q)\n", s)
			}
			if (err == nil) != (strings.HasPrefix(name, "valid-")) {
				t.Errorf("%s/%s: %v", target, name, err)
			}
			fuzzseed.Check(t, target, name, []byte(want))
		}
	}
}
