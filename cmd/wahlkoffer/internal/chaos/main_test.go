package chaos

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/binarytest"
)

func TestMain(m *testing.M) { binarytest.Main(m) }

// wahlkofferBinary is the real binary, built once per test process.
func wahlkofferBinary(t testing.TB) string { return binarytest.Path(t) }

// procEnv is the test's environment without what would change the
// binary's behaviour (a PIN, a language, a clock), in English, at the
// rehearsal instant now (RFC 3339) when it is not empty.
func procEnv(now string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(name, "WAHLKOFFER_")
	})
	env = append(env, "WAHLKOFFER_LANG=en")
	if now != "" {
		env = append(env, "WAHLKOFFER_NOW="+now)
	}
	return env
}

// The rehearsal clock. The office prepares a week ahead (the tally refuses
// records signed with a key enrolled later than its clock reads, with 503
// office-clock-behind); the stations act on the election day in the
// election's time zone; the tally serves on election night with a clock
// that stands, later than any act of the day.
const (
	officePrepares = "2026-03-01T09:00:00+01:00"
	tallyServes    = "2026-03-08T23:00:00+01:00"
)

// dayAt returns the instant hh:mm:ss plus extra seconds on the Musterstadt
// election day, 8 March 2026 (CET, +01:00), as WAHLKOFFER_NOW takes it.
func dayAt(hh, mm int, extra int) string {
	t := time.Date(2026, 3, 8, hh, mm, 0, 0, time.FixedZone("CET", 3600)).Add(time.Duration(extra) * time.Second)
	return t.Format(time.RFC3339)
}

// mustTime parses an RFC 3339 instant.
func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// run runs the binary to its end (bounded by ctx) at the instant now and
// returns its exit code and output.
func run(ctx context.Context, bin, now string, args ...string) (code int, stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = procEnv(now)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if cmd.ProcessState != nil {
		code = cmd.ProcessState.ExitCode()
		if _, isExit := err.(*exec.ExitError); isExit {
			err = nil
		}
	}
	return code, o.String(), e.String(), err
}

// mustRun runs the binary and fails the test unless it exits with 0.
func mustRun(ctx context.Context, t testing.TB, bin, now string, args ...string) string {
	t.Helper()
	code, out, errOut, err := run(ctx, bin, now, args...)
	if err != nil || code != 0 {
		t.Fatalf("wahlkoffer %s: exit %d, %v\n%s%s", strings.Join(args, " "), code, err, out, errOut)
	}
	return out
}

// repoFile is a file of the repository, from this package's folder.
func repoFile(t testing.TB, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "..", ".."}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// lockedBuffer is a buffer a process writes to while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// envInt reads a positive integer from the environment, or def.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("$%s=%q: want a positive integer", name, v)
	}
	return n
}

// percentile returns the p-th percentile (0-100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}
