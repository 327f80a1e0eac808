package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/storeopen"
)

func run(ctx context.Context, c config) error {
	fmt.Printf("loadbench: %d districts (%d postal), council %s, %d clients, store %s, %d cores\n",
		c.districts, c.postal, c.council, c.clients, storeName(c.store), runtime.NumCPU())
	start := time.Now()
	w, err := prepare(ctx, c)
	if err != nil {
		return err
	}
	defer w.close()
	fmt.Printf("prepared %d signed records in %s\n", len(w.envelopes), time.Since(start).Round(time.Millisecond))

	srv, err := startServe(ctx, c, w)
	if err != nil {
		return err
	}
	defer srv.kill()
	cpuBefore := srv.cpuTime()
	load, err := send(ctx, srv.url, w.envelopes, c.clients)
	if err != nil {
		return err
	}
	serverCPU := srv.cpuTime() - cpuBefore
	peak := srv.peakMemory()
	readTimes, err := readResults(ctx, srv.url, w.token)
	if err != nil {
		return err
	}
	if err := srv.stop(); err != nil {
		return fmt.Errorf("tally serve did not stop cleanly: %w", err)
	}
	verifyTime, sigTime, err := verifyTimes(ctx, w)
	if err != nil {
		return err
	}
	limit := verifyLimit(2 * time.Second)
	httpOnly, httpCrypto, err := ceiling(ctx, w.envelopes, c.clients)
	if err != nil {
		return fmt.Errorf("ceiling: %w", err)
	}

	rate := float64(load.n) / load.elapsed.Seconds()
	fmt.Printf("ingest:  %d records in %s by %d clients: %.0f records/s; latency p50 %s, p99 %s, max %s; server peak memory %s\n",
		load.n, load.elapsed.Round(time.Millisecond), c.clients, rate,
		load.quantile(0.50), load.quantile(0.99), load.quantile(1), peak)
	if serverCPU > 0 {
		// Steadier than the rate on a shared machine: what the server
		// spent per record, whatever else ran.
		fmt.Printf("cpu:     the server used %s of CPU for them, %s per record\n",
			serverCPU.Round(time.Millisecond), (serverCPU / time.Duration(load.n)).Round(time.Microsecond))
	}
	fmt.Printf("reads:   full results (GET /v1/results) after %d districts: best %s, median %s of %d\n",
		c.districts, slices.Min(readTimes), median(readTimes), len(readTimes))
	fmt.Printf("verify:  tally verify over %d records %s; their signature checks alone (envelopes and receipts, all cores) %s (ratio %.2f)\n",
		len(w.envelopes), verifyTime.Round(time.Millisecond), sigTime.Round(time.Millisecond), verifyTime.Seconds()/sigTime.Seconds())
	fmt.Printf("limit:   raw Ed25519 verification on %d cores: %.0f/s\n", runtime.GOMAXPROCS(0), limit)
	fmt.Printf("ceiling: the same clients against a server that only reads the body and answers: %.0f requests/s; that also checks one signature and makes one: %.0f/s\n",
		httpOnly, httpCrypto)
	fmt.Printf("ingest: %.0f results/s, verify limit %.0f/s, ratio %.3f\n", rate, limit, rate/limit)
	return nil
}

func storeName(s string) string {
	if storeopen.IsPostgres(s) {
		return "postgresql"
	}
	return "sqlite"
}

// server is a `wahlkoffer tally serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan error
}

func startServe(ctx context.Context, c config, w *workspace) (*server, error) {
	addrFile := filepath.Join(w.dir, "tally.url")
	args := []string{"tally", "serve", "--store", w.dsn, "--office-key", w.officeKey, "--listen", "127.0.0.1:0", "--addr-file", addrFile}
	if c.writers >= 0 {
		args = append(args, "--writers", strconv.Itoa(c.writers))
	}
	cmd := exec.Command(c.bin, args...)
	// The access log is part of the work measured; it goes to a file.
	logFile, err := os.Create(filepath.Join(w.dir, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "WAHLKOFFER_NOW=")
	if c.profile != "" {
		cmd.Env = append(cmd.Env, "WAHLKOFFER_CPU_PROFILE="+c.profile)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w (build it with make build)", c.bin, err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logFile.Close() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			s.url = strings.TrimSpace(string(b))
			return s, nil
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("tally serve ended: %v (see %s)", err, logFile.Name())
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.kill()
	return nil, errors.New("tally serve did not write its address within 30 s")
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Kill()
	}
}

// stop ends the server with SIGTERM, as an operator would.
func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		return err
	case <-time.After(60 * time.Second):
		s.kill()
		return errors.New("no exit 60 s after SIGTERM")
	}
}

// cpuTime is the CPU time the server has used so far (Linux: user and
// system time from /proc), or 0.
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	const ticksPerSecond = 100 // USER_HZ, 100 on every Linux Go runs on
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// peakMemory is the server's peak resident set (Linux), or "n/a".
func (s *server) peakMemory() string {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return "n/a"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return fmt.Sprintf("%d MB", kb/1024)
		}
	}
	return "n/a"
}

// loadResult is what the clients saw.
type loadResult struct {
	n         int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := min(len(r.latencies)-1, int(q*float64(len(r.latencies))))
	return r.latencies[i].Round(10 * time.Microsecond)
}

// send posts every envelope once, in random order, from concurrent
// clients, and requires a receipt for each.
func send(ctx context.Context, url string, envelopes [][]byte, clients int) (loadResult, error) {
	order := rand.Perm(len(envelopes))
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	defer transport.CloseIdleConnections()
	var (
		next     atomic.Int64
		mu       sync.Mutex
		lat      = make([]time.Duration, 0, len(envelopes))
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, len(envelopes)/clients+1)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(order) {
					break
				}
				t0 := time.Now()
				err := post(ctx, client, url+"/v1/envelopes", envelopes[order[i]])
				mine = append(mine, time.Since(t0))
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	slices.Sort(lat)
	return loadResult{n: len(envelopes), elapsed: elapsed, latencies: lat}, firstErr
}

func post(ctx context.Context, client *http.Client, url string, env []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(env))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return nil
}

// readResults times a full read of the results, five times.
func readResults(ctx context.Context, url, token string) ([]time.Duration, error) {
	var out []time.Duration
	for range 5 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/results?view=best", nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("GET /v1/results: %d %v", resp.StatusCode, err)
		}
		out = append(out, time.Since(t0).Round(100*time.Microsecond))
	}
	return out, nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// verifyTimes times `tally verify` (in process, on the store the server
// left) and, for comparison, the signature checks of the stored
// envelopes alone.
func verifyTimes(ctx context.Context, w *workspace) (verify, sigs time.Duration, err error) {
	st, err := storeopen.Open(ctx, w.dsn)
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	svc, err := tally.New(ctx, st, seal.Signer{}, tally.Options{})
	if err != nil {
		return 0, 0, err
	}
	t0 := time.Now()
	report, err := svc.Verify(ctx)
	verify = time.Since(t0)
	if err != nil {
		return 0, 0, err
	}
	if !report.OK() {
		return 0, 0, fmt.Errorf("tally verify found %d differences, e.g. %v", len(report.Differences), report.Differences[0])
	}
	if report.Envelopes != len(w.envelopes) {
		return 0, 0, fmt.Errorf("the store holds %d envelopes, %d were sent", report.Envelopes, len(w.envelopes))
	}
	// The signature checks alone: every stored envelope's and receipt's
	// signature, on every core, as verify checks them.
	e, err := st.Election(ctx)
	if err != nil {
		return 0, 0, err
	}
	var stored []store.Envelope
	if err := st.Envelopes(ctx, func(env store.Envelope) error { stored = append(stored, env); return nil }); err != nil {
		return 0, 0, err
	}
	t0 = time.Now()
	err = parallel(len(stored), func(i int) error {
		if _, err := seal.Open(stored[i].Bytes, w.keys); err != nil {
			return err
		}
		_, err := seal.OpenReceipt(stored[i].Receipt, e.OfficePublicKey)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return verify, time.Since(t0), nil
}
