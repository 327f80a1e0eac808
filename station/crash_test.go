package station_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// The crash child: when the test binary runs with these set, it opens the
// station and logs incidents until it is killed, printing the sequence
// number of each one after the use case returned (what the board would be
// told is saved).
const (
	crashDirEnv = "WAHLKOFFER_CRASH_CHILD_DIR"
	crashPINEnv = "WAHLKOFFER_CRASH_CHILD_PIN"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		os.Exit(crashChild(dir, os.Getenv(crashPINEnv)))
	}
	os.Exit(m.Run())
}

func crashChild(dir, pin string) int {
	ctx := context.Background()
	now := func() time.Time { return day(12, 0) }
	s, err := station.Open(ctx, dir, station.Options{Now: now})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := s.Unlock(pin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; i < 100000; i++ {
		if _, err := s.LogIncident(ctx, fmt.Sprintf("Vorfall Nummer %d", i), time.Time{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		st, err := s.DB().Undelivered(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Fprintf(out, "saved %d\n", st[len(st)-1].Seq)
		out.Flush()
	}
	return 0
}

// TestAKilledStationLosesNothingItConfirmed kills a station process with
// SIGKILL while it writes records, again and again, and checks after each
// kill that every record it confirmed is there, that the records are
// complete and contiguous, and that the file is sound.
func TestAKilledStationLosesNothingItConfirmed(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 10 processes; skipped in -short")
	}
	s, _, dir := newStation(t, "101")
	s.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.NewKeys(sealedStationKey(t, "101"))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const kills = 10
	confirmedTotal := 0
	for round := range kills {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashPINEnv+"="+kitPIN("101"))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill after a random number of confirmed records, 1 to 40, or
		// when the child stops on its own (a failure).
		target := 1 + rng.IntN(40)
		confirmed := uint64(0)
		sc := bufio.NewScanner(stdout)
		for n := 0; n < target && sc.Scan(); n++ {
			seq, err := strconv.ParseUint(strings.TrimPrefix(sc.Text(), "saved "), 10, 64)
			if err != nil {
				t.Fatalf("child said %q", sc.Text())
			}
			confirmed = seq
		}
		// Sometimes kill at once, sometimes in the middle of the next write.
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if confirmed == 0 {
			t.Fatalf("round %d: the child confirmed nothing: %s", round, stderr.String())
		}
		confirmedTotal += target

		reopened, err := station.Open(context.Background(), dir, station.Options{Now: func() time.Time { return day(12, 0) }})
		if err != nil {
			t.Fatalf("round %d: reopening after the kill: %v", round, err)
		}
		if bad, err := reopened.DB().IntegrityCheck(context.Background()); err != nil || bad != nil {
			t.Fatalf("round %d: integrity check: %v %v", round, bad, err)
		}
		st, err := reopened.State(context.Background())
		if err != nil {
			t.Fatalf("round %d: reading the state: %v", round, err)
		}
		if got := uint64(len(st.Records)); got < confirmed {
			t.Fatalf("round %d: %d records, but %d were confirmed", round, got, confirmed)
		}
		for i, r := range st.Records {
			if r.Seq != uint64(i+1) {
				t.Fatalf("round %d: record %d has seq %d", round, i+1, r.Seq)
			}
			if _, err := seal.OpenRecord(r.Envelope, keys); err != nil {
				t.Fatalf("round %d: record %d does not verify: %v", round, r.Seq, err)
			}
		}
		reopened.Close()
	}
	t.Logf("%d kills, %d confirmed records, none lost", kills, confirmedTotal)
}
