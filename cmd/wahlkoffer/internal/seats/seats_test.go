package seats

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// run executes `seats args...` with buffers, as root would, in English.
func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	t.Setenv(cmdutil.LangEnv, "en")
	return runIn(t, args...)
}

func runIn(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdSeats(cmdutil.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

var bundestag2025 = []string{
	"--method", "sainte-lague", "--seats", "630", "--threshold", "5", "--exempt", "SSW",
	"CDU=11196374", "AfD=10328780", "SPD=8149124", "GRÜNE=5762380", "CSU=2964028",
	"Die Linke=4356532", "BSW=2472947", "FDP=2148757", "SSW=76138", "Sonstige=2194452",
}

func TestSeatsTextOutput(t *testing.T) {
	out, _, err := run(t, bundestag2025...)
	if err != nil {
		t.Fatal(err)
	}
	want := `Sainte-Laguë/Schepers, 630 seats, threshold 5 % (exempt: SSW)

List            Votes     Share  Seats
CDU        11,196,374   22.55 %    164
AfD        10,328,780   20.80 %    152
SPD         8,149,124   16.41 %    120
GRÜNE       5,762,380   11.61 %     85
CSU         2,964,028    5.97 %     44
Die Linke   4,356,532    8.77 %     64
BSW         2,472,947    4.98 %      0  below threshold
FDP         2,148,757    4.33 %      0  below threshold
SSW            76,138    0.15 %      1
Sonstige    2,194,452    4.42 %      0  below threshold
Total      49,649,512  100.00 %    630
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

// German is the default: words, thousands separators and decimal commas.
func TestSeatsTextOutputInGerman(t *testing.T) {
	t.Setenv(cmdutil.LangEnv, "")
	out, _, err := runIn(t, "--method", "dhondt", "--seats", "2", "--threshold", "2.5", "A=2000", "B=1000", "C=1000", "D=10")
	if err != nil {
		t.Fatal(err)
	}
	want := `D'Hondt, 2 Sitze, Sperrklausel 2,5 %

Liste  Stimmen    Anteil  Sitze
A        2.000   49,88 %      1  im Losentscheid
B        1.000   24,94 %      0  im Losentscheid
C        1.000   24,94 %      0  im Losentscheid
D           10    0,25 %      0  unter der Sperrklausel
Summe    4.010  100,00 %      1

Gleichstand: 1 Sitz wird durch Los entschieden zwischen A, B, C.
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestSeatsTextNamesTheLot(t *testing.T) {
	out, _, err := run(t, "--method", "dhondt", "--seats", "2", "A=200", "B=100", "C=100")
	if err != nil {
		t.Fatal(err)
	}
	want := `D'Hondt, 2 seats

List   Votes     Share  Seats
A        200   50.00 %      1  in the lot
B        100   25.00 %      0  in the lot
C        100   25.00 %      0  in the lot
Total    400  100.00 %      1

Tie: 1 seat to be drawn by lot among A, B, C.
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

type jsonOut struct {
	Method     string           `json:"method"`
	TotalSeats int              `json:"total_seats"`
	Seats      map[string]int   `json:"seats"`
	Votes      map[string]int64 `json:"votes"`
	Qualified  []string         `json:"qualified"`
	Lot        []string         `json:"lot"`
	LotSeats   int              `json:"lot_seats"`
}

func TestSeatsJSONOutput(t *testing.T) {
	out, _, err := run(t, append([]string{"--json"}, bundestag2025...)...)
	if err != nil {
		t.Fatal(err)
	}
	var got jsonOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	wantSeats := map[string]int{"CDU": 164, "AfD": 152, "SPD": 120, "GRÜNE": 85, "CSU": 44,
		"Die Linke": 64, "BSW": 0, "FDP": 0, "SSW": 1, "Sonstige": 0}
	if !reflect.DeepEqual(got.Seats, wantSeats) || got.Method != "sainte-lague" || got.TotalSeats != 630 {
		t.Errorf("got %+v", got)
	}
	// No tie: the lot is an empty array, never null or missing.
	if !strings.Contains(out, `"lot": []`) || got.LotSeats != 0 {
		t.Errorf("want an empty lot array:\n%s", out)
	}
	if want := []string{"CDU", "AfD", "SPD", "GRÜNE", "CSU", "Die Linke", "SSW"}; !reflect.DeepEqual(got.Qualified, want) {
		t.Errorf("qualified = %v, want %v", got.Qualified, want)
	}
}

func TestSeatsJSONLot(t *testing.T) {
	out, _, err := run(t, "--json", "--method", "hare-niemeyer", "--seats", "4", "A=3", "B=3", "C=2")
	if err != nil {
		t.Fatal(err)
	}
	var got jsonOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Lot, []string{"A", "B"}) || got.LotSeats != 1 ||
		!reflect.DeepEqual(got.Seats, map[string]int{"A": 1, "B": 1, "C": 1}) {
		t.Errorf("got %+v", got)
	}
}

func TestSeatsUsageErrors(t *testing.T) {
	ok := []string{"A=10", "B=5"}
	cases := []struct {
		name string
		args []string
		msg  string // part of the message: what and where
	}{
		{"missing method", append([]string{"--seats", "3"}, ok...), "--method is required"},
		{"unknown method", append([]string{"--method", "adams", "--seats", "3"}, ok...), `--method "adams"`},
		{"missing seats", append([]string{"--method", "dhondt"}, ok...), "--seats is required"},
		{"zero seats", append([]string{"--method", "dhondt", "--seats", "0"}, ok...), "--seats 0"},
		{"seats not a number", append([]string{"--method", "dhondt", "--seats", "x"}, ok...), "--seats"},
		{"bad threshold", append([]string{"--method", "dhondt", "--seats", "3", "--threshold", "5.125"}, ok...), "--threshold"},
		{"threshold above 100", append([]string{"--method", "dhondt", "--seats", "3", "--threshold", "101"}, ok...), "--threshold 101"},
		{"unknown exempt", append([]string{"--method", "dhondt", "--seats", "3", "--exempt", "SSW"}, ok...), `--exempt "SSW"`},
		{"unknown flag", append([]string{"--method", "dhondt", "--seats", "3", "--foo"}, ok...), "--foo"},
		{"no lists", []string{"--method", "dhondt", "--seats", "3"}, "NAME=VOTES"},
		{"no equals sign", []string{"--method", "dhondt", "--seats", "3", "A10"}, `argument "A10"`},
		{"empty name", []string{"--method", "dhondt", "--seats", "3", "=10"}, `argument "=10"`},
		{"empty votes", []string{"--method", "dhondt", "--seats", "3", "A="}, `argument "A="`},
		{"negative votes", []string{"--method", "dhondt", "--seats", "3", "A=-1"}, `argument "A=-1": votes "-1" are negative`},
		{"fractional votes", []string{"--method", "dhondt", "--seats", "3", "A=1.5"}, `argument "A=1.5": votes "1.5" are not a whole number`},
		{"signed votes", []string{"--method", "dhondt", "--seats", "3", "A=+1"}, `argument "A=+1"`},
		{"votes too large", []string{"--method", "dhondt", "--seats", "3", "A=99999999999999999999"}, "too large"},
		{"duplicate name", []string{"--method", "dhondt", "--seats", "3", "A=1", "B=2", "A=3"}, `argument "A=3": list "A" is given twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := run(t, tc.args...)
			var usage *cmdutil.UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("err = %v (%T), want a UsageError", err, err)
			}
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("exit code %d", cmdutil.ExitCode(err))
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not name %q", err, tc.msg)
			}
			if out != "" {
				t.Errorf("printed a result anyway:\n%s", out)
			}
		})
	}
}

// Inputs that parse but cannot be allocated are plain errors (exit 1).
func TestSeatsAllocationErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"every list has zero votes", []string{"--method", "dhondt", "--seats", "3", "A=0", "B=0"}, "zero votes"},
		{"nobody reaches the threshold", []string{"--method", "dhondt", "--seats", "3", "--threshold", "50", "A=40", "B=30", "C=30"}, "threshold of 50 %"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := run(t, tc.args...)
			if err == nil || cmdutil.ExitCode(err) != cmdutil.ExitError {
				t.Fatalf("err = %v, exit %d, want exit %d", err, cmdutil.ExitCode(err), cmdutil.ExitError)
			}
			if !strings.Contains(err.Error(), tc.msg) || out != "" {
				t.Errorf("err %q, output %q", err, out)
			}
		})
	}
}

// TestSeatsOptionsParsed checks what reaches the run function, through runF.
func TestSeatsOptionsParsed(t *testing.T) {
	var got *Options
	cmd := NewCmdSeats(cmdutil.IO{}, func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--method", "hare-niemeyer", "--seats", "7", "--threshold", "2.5%",
		"--exempt", "M", "--exempt", "A B", "--json", "A B=12", " M = 3 ", "x=y=4"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := []ballot.ListVotes{{ID: "A B", Votes: 12}, {ID: "M", Votes: 3}, {ID: "x=y", Votes: 4}}
	if got.Method != ballot.HareNiemeyer || got.Seats != 7 || got.Threshold != 250 || !got.JSON ||
		!reflect.DeepEqual(got.Exempt, []string{"M", "A B"}) || !reflect.DeepEqual(got.Votes, want) {
		t.Errorf("options = %+v", got)
	}
}

func TestSeatsMethodCompletion(t *testing.T) {
	cmd := NewCmdSeats(cmdutil.IO{}, nil)
	complete, ok := cmd.GetFlagCompletionFunc("method")
	if !ok {
		t.Fatal("no completion for --method")
	}
	got, directive := complete(cmd, nil, "")
	want := []cobra.Completion{
		"sainte-lague\tSainte-Laguë/Schepers", "dhondt\tD'Hondt", "hare-niemeyer\tHare/Niemeyer",
	}
	if !reflect.DeepEqual(got, want) || directive != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("completion = %q, %v", got, directive)
	}
}

func TestSeatsHelpHasExamples(t *testing.T) {
	out, _, err := run(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Examples:", "wahlkoffer seats --method sainte-lague --seats 630", "--threshold", "--exempt", "draw lots"} {
		if !strings.Contains(out, s) {
			t.Errorf("help lacks %q:\n%s", s, out)
		}
	}
}
