package chaos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/faultproxy"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// Bounds of the network tests.
const (
	faultClients     = 60               // stations of the fault matrix
	faultTimeout     = time.Second      // a station's patience per request in the fault matrix
	faultTestTimeout = 60 * time.Second // the whole fault matrix
	clientsEnv       = "WAHLKOFFER_CHAOS_CLIENTS"
	defaultClients   = 500              // stations of the crowd in CI; 5,000 with $WAHLKOFFER_CHAOS_CLIENTS=5000
	crowdDropPercent = 5                // of the crowd's connections dropped
	crowdTallyConns  = 64               // the proxy's connections to the tally: up to 64 records per group commit
	crowdTimeout     = 2 * time.Minute  // a station's patience per request in the crowd: the tally queues
	crowdPasses      = 200              // passes per station at most
	crowdTestTimeout = 10 * time.Minute // the whole crowd, setup included
)

// TestFaultsOnTheWireDeliverEveryRecordExactlyOnce sends the records of
// 60 stations (an incident and the final record of each contest) to a
// real tally serve process through a proxy that fails about 45 % of the
// requests at random: connections reset before the tally sees a request,
// answers lost after the tally stored the record (reset or closed),
// answers dripped slowly, answers held past the station's timeout,
// requests dripped slowly to the tally, and 503s. Meanwhile the tally is
// restarted four times mid-stream, twice killed with SIGKILL and twice
// stopped with SIGTERM (requests in flight drain), each time on a new
// port behind the same proxy URL. Every record must end acknowledged with
// the office's receipt for its own bytes, the very receipt the tally
// stored; the tally must hold each envelope once, refuse nothing, verify
// clean, and its final results must be the sums of the stations' counts.
func TestFaultsOnTheWireDeliverEveryRecordExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts tally serve processes; skipped in -short")
	}
	bin := wahlkofferBinary(t)
	ctx, cancel := context.WithTimeout(t.Context(), faultTestTimeout)
	defer cancel()
	dir := t.TempDir()
	o := newOffice(ctx, t, dir, faultClients)
	clients := o.enrollClients(ctx, t, faultClients, true)
	records := 0
	for _, c := range clients {
		records += len(c.box.items)
	}

	addrFile := filepath.Join(dir, "tally.url")
	var tallyURL atomic.Value
	proc, url, err := serveTally(ctx, bin, o.path, addrFile)
	if err != nil {
		t.Fatal(err)
	}
	tallyURL.Store(url)
	var procMu sync.Mutex // guards proc
	t.Cleanup(func() {
		procMu.Lock()
		defer procMu.Unlock()
		if proc != nil {
			proc.kill()
			<-proc.done
		}
	})

	// The faults, drawn in the order the requests arrive.
	weights := [faultproxy.NumFaults]int{faultproxy.Pass: 55, faultproxy.ResetBefore: 8, faultproxy.LoseAnswerReset: 7,
		faultproxy.LoseAnswerClose: 6, faultproxy.SlowAnswer: 6, faultproxy.StallAnswer: 4, faultproxy.SlowRequest: 7, faultproxy.Busy: 7}
	var rngMu sync.Mutex
	rng := rand.New(rand.NewPCG(8, 2026))
	decide := func(*faultproxy.Conn, int) faultproxy.Fault {
		rngMu.Lock()
		defer rngMu.Unlock()
		n := rng.IntN(100)
		for f := range faultproxy.NumFaults {
			if n < weights[f] {
				return f
			}
			n -= weights[f]
		}
		return faultproxy.Pass
	}
	proxy := faultproxy.Start(t, faultproxy.Options{Target: func() string { return tallyURL.Load().(string) }, MaxConns: 8, Decide: decide})

	// The restarts, at fixed points of the stream: when a fifth, two
	// fifths, ... of the records are acknowledged.
	restartAt := []int64{int64(records) / 5, 2 * int64(records) / 5, 3 * int64(records) / 5, 4 * int64(records) / 5}
	stopRestarts := make(chan struct{})
	restarts := make(chan string, len(restartAt))
	var restartErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(restarts)
		for i, at := range restartAt {
			for o.acked.Load() < at {
				select {
				case <-stopRestarts:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			procMu.Lock()
			how := "SIGKILL"
			if i%2 == 1 {
				how = "SIGTERM"
				_ = proc.cmd.Process.Signal(syscall.SIGTERM)
			} else {
				proc.kill()
			}
			<-proc.done
			if how == "SIGTERM" && proc.cmd.ProcessState.ExitCode() != 0 {
				restartErr = fmt.Errorf("tally serve did not exit cleanly on SIGTERM: %v", proc)
			}
			tallyURL.Store("") // the proxy answers 502 until the new process is up
			var err error
			if proc, url, err = serveTally(ctx, bin, o.path, addrFile); err != nil {
				restartErr = errors.Join(restartErr, fmt.Errorf("restart after %s: %w", how, err))
				procMu.Unlock()
				return
			}
			tallyURL.Store(url)
			procMu.Unlock()
			restarts <- how
		}
	})

	start := time.Now()
	errs := make([]error, len(clients))
	var cwg sync.WaitGroup
	for i, c := range clients {
		c.newSender(t, proxy.URL, o.signer.Public(), faultTimeout,
			outbox.Backoff{InitialInterval: 20 * time.Millisecond, MaxInterval: 200 * time.Millisecond, MaxTries: 4})
		cwg.Go(func() {
			errs[i] = c.deliver(ctx, rand.New(rand.NewPCG(uint64(i), 1)), 100)
			c.done = time.Since(start)
		})
	}
	cwg.Wait()
	elapsed := time.Since(start)
	close(stopRestarts)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%v\nproxy: %s", err, proxySummary(proxy))
	}
	if restartErr != nil {
		t.Fatal(restartErr)
	}
	var how []string
	for h := range restarts {
		how = append(how, h)
	}
	if len(how) != len(restartAt) {
		t.Errorf("%d restarts of the tally happened mid-stream (%v), want %d", len(how), how, len(restartAt))
	}
	for f := range faultproxy.NumFaults {
		if weights[f] > 0 && proxy.Stats().ByFault[f] == 0 {
			t.Errorf("the fault %q never happened: %s", f, proxySummary(proxy))
		}
	}

	procMu.Lock()
	defer procMu.Unlock()
	wantDelivered(ctx, t, o, clients, proxy)
	attempts := 0
	for _, c := range clients {
		for _, it := range c.box.items {
			attempts += it.Attempts
		}
	}
	t.Logf("%d stations, %d records in %v through %d tally restarts (%v): %d attempts (%d retries); proxy: %s",
		len(clients), records, elapsed.Round(time.Millisecond), len(how), how, attempts, attempts-records, proxySummary(proxy))
}

// TestThousandsOfStationsThroughDroppedConnections sends the records of
// 500 stations (5,000 with $WAHLKOFFER_CHAOS_CLIENTS=5000) at once, each
// an outbox.Sender with an HTTP transport of its own and an outbox in
// memory holding three signed records (an incident, the quick report and
// the final record of the mayor contest), through a proxy that drops 5 %
// of the connections (half before the tally sees the request, half after
// it stored it), to one tally in this process, which is restarted
// gracefully once mid-stream. All must end
// acknowledged exactly once. It reports the time, the retries, the
// stations' completion times and the file descriptors.
func TestThousandsOfStationsThroughDroppedConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("hundreds of concurrent stations; skipped in -short")
	}
	n := envInt(t, clientsEnv, defaultClients)
	// About two descriptors per station at the peak (its end and the
	// proxy's end of its connection), and some to spare.
	if limit := fileLimit(); limit > 0 && limit < 2*n+2000 {
		t.Fatalf("%d stations need about %d file descriptors, the limit is %d: raise it (ulimit -n)", n, 2*n+2000, limit)
	}
	ctx, cancel := context.WithTimeout(t.Context(), crowdTestTimeout)
	defer cancel()
	setup := time.Now()
	o := newOffice(ctx, t, t.TempDir(), n)
	clients := o.enrollClients(ctx, t, n, false)
	records := 0
	for _, c := range clients {
		records += len(c.box.items)
	}
	setupTime := time.Since(setup)
	it := startInTally(t, o)

	var rngMu sync.Mutex
	rng := rand.New(rand.NewPCG(5, 2026))
	newConn := func() *faultproxy.Conn {
		rngMu.Lock()
		defer rngMu.Unlock()
		return &faultproxy.Conn{Doomed: rng.IntN(100) < crowdDropPercent}
	}
	// A doomed connection is dropped at its first request that the tally
	// is there for (a 502 while it restarts does not count).
	decide := func(c *faultproxy.Conn, _ int) faultproxy.Fault {
		if !c.Doomed {
			return faultproxy.Pass
		}
		if c.ID%2 == 0 {
			return faultproxy.ResetBefore
		}
		return faultproxy.LoseAnswerReset
	}
	proxy := faultproxy.Start(t, faultproxy.Options{Target: it.Base, MaxConns: crowdTallyConns, NewConn: newConn, Decide: decide})

	// The file descriptors, sampled while the stations send.
	limit := fileLimit()
	var peakFDs, peakGoroutines atomic.Int64
	stopSampling := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			peakFDs.Store(max(peakFDs.Load(), int64(openFiles())))
			peakGoroutines.Store(max(peakGoroutines.Load(), int64(runtime.NumGoroutine())))
			select {
			case <-stopSampling:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
	// One graceful restart of the tally, once a third of the records
	// are acknowledged.
	var restartErr error
	var restartTook time.Duration
	restarted := make(chan struct{})
	wg.Go(func() {
		defer close(restarted)
		for o.acked.Load() < int64(records/3) {
			select {
			case <-stopSampling:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
		began := time.Now()
		restartErr = it.Restart()
		restartTook = time.Since(began)
	})

	for _, c := range clients {
		c.newSender(t, proxy.URL, o.signer.Public(), crowdTimeout,
			outbox.Backoff{InitialInterval: 100 * time.Millisecond, MaxInterval: 2 * time.Second, MaxTries: 5})
	}
	start := time.Now()
	errs := make([]error, len(clients))
	var cwg sync.WaitGroup
	for i, c := range clients {
		cwg.Go(func() {
			errs[i] = c.deliver(ctx, rand.New(rand.NewPCG(uint64(i), 2)), crowdPasses)
			c.done = time.Since(start)
		})
	}
	cwg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%v\nproxy: %s", err, proxySummary(proxy))
	}
	if restartErr != nil {
		t.Fatalf("restarting the tally: %v", restartErr)
	}
	<-restarted
	if it.restarts != 1 {
		t.Errorf("the tally restarted %d times, want 1", it.restarts)
	}
	if dropped := proxy.Stats().Dropped; dropped == 0 {
		t.Errorf("no connection was dropped: %s", proxySummary(proxy))
	}

	wantDelivered(ctx, t, o, clients, proxy)

	attempts, passes := 0, 0
	done := make([]time.Duration, 0, len(clients))
	for _, c := range clients {
		for _, it := range c.box.items {
			attempts += it.Attempts
		}
		passes += c.passes
		done = append(done, c.done)
	}
	slices.Sort(done)
	t.Logf("%d stations, %d records, all acknowledged exactly once in %v (%.0f records/s; setup %v): "+
		"%d requests (%d retries), %d passes; a station done after p50 %v, p99 %v, max %v; "+
		"file descriptors: peak %d of a limit of %d; goroutines: peak %d; tally restarts %d (%v); proxy: %s",
		n, records, elapsed.Round(time.Millisecond), float64(records)/elapsed.Seconds(), setupTime.Round(time.Millisecond),
		attempts, attempts-records, passes, percentile(done, 50).Round(time.Millisecond), percentile(done, 99).Round(time.Millisecond),
		percentile(done, 100).Round(time.Millisecond), peakFDs.Load(), limit, peakGoroutines.Load(), it.restarts, restartTook.Round(time.Millisecond), proxySummary(proxy))
	if limit > 0 && peakFDs.Load() >= int64(limit) {
		t.Errorf("the file descriptors reached the limit: %d of %d", peakFDs.Load(), limit)
	}
}

// wantDelivered checks that every record of every client is acknowledged
// once, with a receipt that verifies, covers its bytes and is the one the
// tally stored; that the tally holds exactly the clients' records, each
// once, refused nothing and verifies clean; and that its final results
// are the sums of the clients' counts.
func wantDelivered(ctx context.Context, t *testing.T, o *office, clients []*client, proxy *faultproxy.Proxy) {
	t.Helper()
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if bad, err := integrityCheck(ctx, o.path); err != nil || bad != nil {
		t.Fatalf("tally store: integrity_check: %v %v", bad, err)
	}
	held := map[string]store.Envelope{}
	err = st.Envelopes(ctx, func(e store.Envelope) error {
		if _, dup := held[e.Hash]; dup {
			return fmt.Errorf("envelope %.12s held twice", e.Hash)
		}
		held[e.Hash] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	records, lostAnswers := 0, 0
	for _, c := range clients {
		if len(c.box.conflicts) > 0 {
			t.Errorf("district %s: %v", c.district, c.box.conflicts)
		}
		for _, it := range c.box.items {
			records++
			d, ok := c.box.deliveries[it.Seq]
			if it.State != outbox.StateAcknowledged || !ok {
				t.Errorf("district %s: record %d is %s", c.district, it.Seq, it.State)
				continue
			}
			if acks := c.box.acks[it.Seq]; acks != 1 {
				t.Errorf("district %s: record %d acknowledged %d times", c.district, it.Seq, acks)
			}
			rc, err := seal.OpenReceipt(d.Receipt, o.signer.Public())
			if err != nil || !rc.Covers(it.Envelope) || rc.Seq != it.Seq || rc.Station != c.station || rc.District != c.district {
				t.Errorf("district %s: record %d: receipt %+v %v", c.district, it.Seq, rc, err)
				continue
			}
			e, ok := held[seal.EnvelopeHash(it.Envelope)]
			if !ok || !bytes.Equal(e.Bytes, it.Envelope) || !bytes.Equal(e.Receipt, d.Receipt) {
				t.Errorf("district %s: record %d: the tally does not hold it with that receipt", c.district, it.Seq)
			}
			if proxy.Accepted(rc.EnvelopeSHA256) > 1 {
				lostAnswers++
			}
		}
	}
	if len(held) != records {
		t.Errorf("the tally holds %d envelopes, the stations made %d", len(held), records)
	}
	if rej, err := st.Rejections(ctx); err != nil || len(rej) > 0 {
		t.Errorf("the tally refused %d records (%v); the first: %+v", len(rej), err, rej[:min(1, len(rej))])
	}
	if eq, err := st.Equivocations(ctx); err != nil || len(eq) > 0 {
		t.Errorf("the tally flagged equivocations: %+v %v", eq, err)
	}
	svc, err := tally.New(ctx, st, seal.Signer{}, tally.Options{Logger: slog.New(slog.DiscardHandler), Clock: func() time.Time { return mustTime(tallyServes) }})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := svc.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("tally verify: %v %v", rep.Differences, err)
	}
	res, err := svc.Results(ctx, tally.ViewFinal)
	if err != nil {
		t.Fatal(err)
	}
	for _, cr := range res.Contests {
		got := cr.Total
		want := ballot.Count{Votes: map[string]int64{}}
		districts := int64(0)
		for _, c := range clients {
			cnt, ok := c.counts[got.Contest]
			if !ok {
				continue
			}
			districts++
			want.B, want.Invalid, want.Valid = want.B+cnt.B, want.Invalid+cnt.Invalid, want.Valid+cnt.Valid
			for id, v := range cnt.Votes {
				want.Votes[id] += v
			}
		}
		if got.Districts != districts || got.B != want.B || got.Invalid != want.Invalid || got.Valid != want.Valid {
			t.Errorf("final result of %s: districts %d, B %d, C %d, D %d; the stations sent %d, %d, %d, %d",
				got.Contest, got.Districts, got.B, got.Invalid, got.Valid, districts, want.B, want.Invalid, want.Valid)
		}
		for _, op := range got.Options {
			if op.Votes != want.Votes[op.ID] {
				t.Errorf("final result of %s: %s has %d votes, the stations sent %d", got.Contest, op.ID, op.Votes, want.Votes[op.ID])
			}
		}
	}
	t.Logf("%d records reached the tally more than once (an answer lost on the way) and are stored once", lostAnswers)
}
