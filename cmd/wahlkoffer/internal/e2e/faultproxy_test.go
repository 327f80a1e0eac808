package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// fault is what the proxy does to one request of a station.
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

var faultNames = map[fault]string{
	forward: "forward", hangUpBeforeForwarding: "hang up before forwarding", loseAnswer: "lose the answer",
	unavailable: "503", answerTooLate: "answer too late", restartTally: "restart the tally",
}

func (f fault) String() string { return faultNames[f] }

// maxHold bounds how long answerTooLate waits for the station to give up,
// so that a station that never does fails the test instead of hanging it.
const maxHold = 5 * time.Second

// proxied is one request the proxy received.
type proxied struct {
	N      int    // from 1, in order of arrival
	Hash   string // of the envelope in the body
	Fault  fault
	Status int // of the tally's answer when the request reached it, else 0
}

func (r proxied) String() string {
	return fmt.Sprintf("#%d %.8s %s → %d", r.N, r.Hash, r.Fault, r.Status)
}

// faultProxy stands between the station and the tally on loopback and
// fails requests on a fixed schedule, by request number. It forwards to
// the tally's current address, so that the station keeps one URL while the
// tally restarts on another port.
type faultProxy struct {
	t        testing.TB
	tally    *officeTally
	schedule map[int]fault // by request number, from 1; forward when absent
	client   *http.Client  // to the tally
	srv      *http.Server
	URL      string // base URL for the station's kit

	inflight sync.WaitGroup // handlers running, waited for at the end

	mu       sync.Mutex
	requests []proxied
	lost     map[string][]byte // envelope hash → the tally's last answer the station never got
}

// startProxy starts a proxy to the tally on a free loopback port until the
// test ends.
func startProxy(t testing.TB, o *officeTally, schedule map[int]fault) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	p := &faultProxy{t: t, tally: o, schedule: schedule, lost: map[string][]byte{},
		client: &http.Client{Timeout: 10 * time.Second, Transport: transport},
		URL:    "http://" + ln.Addr().String()}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- p.srv.Serve(ln) }()
	t.Cleanup(func() {
		// Close, not Shutdown: a connection held by a fault must not keep
		// the test waiting.
		_ = p.srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("proxy: %v", err)
		}
		p.inflight.Wait() // no handler may report after the test
		transport.CloseIdleConnections()
	})
	return p
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.inflight.Add(1)
	defer p.inflight.Done()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the station hung up itself
	}
	hash := seal.EnvelopeHash(body)
	p.mu.Lock()
	n := len(p.requests) + 1
	f := p.schedule[n]
	p.requests = append(p.requests, proxied{N: n, Hash: hash, Fault: f})
	p.mu.Unlock()

	switch f {
	case hangUpBeforeForwarding:
		p.hangUp(w)
		return
	case unavailable:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": tally.CodeStoreUnavailable, "message": "busy, send it again"})
		return
	}

	// Forwarded without the station's context: the tally gets the whole
	// request even if the station stops waiting for it.
	status, answer, err := p.forward(body)
	if err != nil {
		// The tally is not there (between two processes): what a reverse
		// proxy answers then.
		http.Error(w, "bad gateway: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.requests[n-1].Status = status
	if f != forward {
		p.lost[hash] = answer
	}
	p.mu.Unlock()

	switch f {
	case loseAnswer:
		p.hangUp(w)
	case answerTooLate:
		select {
		case <-r.Context().Done(): // the station gave up and closed the connection
		case <-time.After(maxHold):
			p.t.Errorf("request %d: the station waited more than %s for an answer", n, maxHold)
		}
		p.hangUp(w)
	case restartTally:
		if err := p.tally.Restart(); err != nil {
			p.t.Errorf("request %d: restarting the tally: %v", n, err)
		}
		p.hangUp(w)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}
}

// forward posts the envelope to the tally's current address and returns
// its answer.
func (p *faultProxy) forward(body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		p.tally.Base()+outbox.EnvelopesPath, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// hangUp closes the station's connection without an answer.
func (p *faultProxy) hangUp(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		_ = conn.Close()
	}
}

// Requests returns every request received so far.
func (p *faultProxy) Requests() []proxied {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxied(nil), p.requests...)
}

// Reached returns how often the tally answered a request for the envelope.
func (p *faultProxy) Reached(hash string) int {
	n := 0
	for _, r := range p.Requests() {
		if r.Hash == hash && r.Status != 0 {
			n++
		}
	}
	return n
}

// LostAnswers counts, by envelope hash, the answers of the tally that
// never reached the station.
func (p *faultProxy) LostAnswers() map[string]int {
	out := map[string]int{}
	for _, r := range p.Requests() {
		if r.Status != 0 && r.Fault != forward {
			out[r.Hash]++
		}
	}
	return out
}

// Lost returns the tally's answers that the station never got, by
// envelope hash.
func (p *faultProxy) Lost() map[string][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string][]byte, len(p.lost))
	for h, b := range p.lost {
		out[h] = b
	}
	return out
}
