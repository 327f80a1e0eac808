package cmdutil

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// NowEnv names the environment variable that sets the clock of the
// commands, for rehearsals and tests: an RFC 3339 instant such as
// 2026-03-08T07:45:00+01:00.
const NowEnv = "WAHLKOFFER_NOW"

// Clock returns the clock of a command: the wall clock, or, when
// $WAHLKOFFER_NOW holds an RFC 3339 instant, a clock that stands at that
// instant, so that a rehearsal or a test plays the election day on any day
// and every command of a script sees exactly the time the script set. The
// clock stands still rather than running on from the instant: commands run
// one after the other as separate processes, and a clock restarted by each
// of them would date a later act a few milliseconds before an earlier one.
// A value that is not RFC 3339 is a UsageError: a rehearsal must never
// fall back to the real time unnoticed.
func Clock() (func() time.Time, error) {
	v := strings.TrimSpace(os.Getenv(NowEnv))
	if v == "" {
		return time.Now, nil
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("$%s=%q: want an RFC 3339 time such as 2026-03-08T07:45:00+01:00", NowEnv, v)}
	}
	return func() time.Time { return at }, nil
}
