package e2e

import (
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/faultproxy"
)

// fault is one step of a proxy's schedule in these tests.
type fault int

const (
	// forward passes the request to the tally and its answer back.
	forward fault = iota
	// hangUpBeforeForwarding drops the connection before the tally sees
	// the request: the network failed on the way there.
	hangUpBeforeForwarding
	// loseAnswer lets the tally store the record, then drops the
	// connection: the answer is lost on the way back.
	loseAnswer
	// unavailable answers 503 without asking the tally, as a tally whose
	// store is busy does.
	unavailable
	// answerTooLate lets the tally store the record and holds its answer
	// until the station gives up waiting.
	answerTooLate
	// restartTally lets the tally store the record, then restarts the tally
	// (a new process on the same store, on a new port), and the answer is
	// lost with the old process.
	restartTally
)

// proxyFault is what the proxy does for each step.
var proxyFault = [...]faultproxy.Fault{
	forward: faultproxy.Pass, hangUpBeforeForwarding: faultproxy.ResetBefore, loseAnswer: faultproxy.LoseAnswerClose,
	unavailable: faultproxy.Busy, answerTooLate: faultproxy.StallAnswer, restartTally: faultproxy.LoseAnswerClose,
}

// startProxy starts a proxy between the stations and the tally that fails
// requests on a fixed schedule, by request number from 1 (forward when
// absent), until the test ends.
func startProxy(t testing.TB, o *officeTally, schedule map[int]fault) *faultproxy.Proxy {
	t.Helper()
	return faultproxy.Start(t, faultproxy.Options{
		Target:  o.Base,
		Timeout: 10 * time.Second,
		Decide:  func(_ *faultproxy.Conn, n int) faultproxy.Fault { return proxyFault[schedule[n]] },
		AfterForward: func(n int, _ faultproxy.Fault) {
			if schedule[n] != restartTally {
				return
			}
			if err := o.Restart(); err != nil {
				t.Errorf("request %d: restarting the tally: %v", n, err)
			}
		},
	})
}
