package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/root"
)

// TestMain lets the scripts run this binary as `wahlkoffer`: testscript
// re-executes the test binary, which then behaves as the real command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"wahlkoffer": func() { os.Exit(root.Main(os.Args[1:], root.StdIO())) },
		"stationsim": func() { os.Exit(stationSim()) },
	})
}

// TestCLI runs the end-to-end scripts in testdata/script/*.txtar. Each
// script has $REPO/testdata at hand as $EXAMPLES. UPDATE_GOLDEN=1 rewrites
// the cmp files of the scripts from the actual output.
func TestCLI(t *testing.T) {
	examples, err := filepath.Abs("../../testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_GOLDEN") == "1",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
		Setup: func(env *testscript.Env) error {
			env.Setenv("EXAMPLES", examples)
			env.Setenv("WAHLKOFFER_LANG", "")
			return nil
		},
	})
}

// cmdExits runs a command and checks its exit code: `exits 3 wahlkoffer
// election validate bad.json`. Scripts use it where the code matters to
// callers (usage 2, invalid input 3).
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exits: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}
