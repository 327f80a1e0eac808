// Package faultproxy is the network between stations and a tally in the
// end-to-end and chaos tests: a reverse proxy on loopback that fails
// chosen requests the ways a real network and a busy office fail them. It
// is for tests only.
package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// Fault is what the proxy does to one request of a station.
type Fault int

const (
	// Pass forwards the request and the tally's answer.
	Pass Fault = iota
	// ResetBefore resets the connection (RST) before the tally sees the
	// request: the network failed on the way there.
	ResetBefore
	// LoseAnswerReset lets the tally store the record, then resets the
	// station's connection: the answer is lost on the way back.
	LoseAnswerReset
	// LoseAnswerClose lets the tally store the record, then closes the
	// station's connection without a word (FIN): the answer is lost.
	LoseAnswerClose
	// SlowAnswer drips the tally's answer to the station in small pieces
	// over about DripTime: a slow network, within the station's patience.
	SlowAnswer
	// StallAnswer lets the tally store the record and holds its answer
	// until the station gives up waiting.
	StallAnswer
	// SlowRequest drips the station's request to the tally over about
	// DripTime: a slow station.
	SlowRequest
	// Busy answers 503 store-unavailable without asking the tally, as a
	// tally whose store is busy does.
	Busy
	// NumFaults counts the faults, for tables indexed by Fault.
	NumFaults
)

var faultNames = [NumFaults]string{"pass", "reset before forwarding", "answer lost (reset)", "answer lost (close)",
	"slow answer", "answer held past the timeout", "slow request", "503"}

func (f Fault) String() string { return faultNames[f] }

const (
	// DripTime is how long SlowAnswer and SlowRequest take about.
	DripTime = 200 * time.Millisecond
	// MaxHold bounds how long StallAnswer waits for the station to give
	// up, so that a station that never does fails the test instead of
	// hanging it.
	MaxHold = 10 * time.Second
)

// Conn is what the proxy knows of one station connection.
type Conn struct {
	ID       int64
	Requests int // served on it so far
	// Doomed is for Decide: the connection is to be dropped. A fault
	// that drops it clears it; one that met no tally (a 502) does not.
	Doomed bool
}

// Request is one request the proxy received.
type Request struct {
	N      int    // from 1, in order of arrival
	Hash   string // of the envelope in the body
	Fault  Fault
	Status int // of the tally's answer when the request reached it, else 0
}

func (r Request) String() string {
	return fmt.Sprintf("#%d %.8s %s → %d", r.N, r.Hash, r.Fault, r.Status)
}

// Options set up a proxy.
type Options struct {
	// Target is the tally's current base URL; empty while it restarts, and
	// the proxy answers 502 then.
	Target func() string
	// Decide picks the fault of request n (from 1) on connection c.
	Decide func(c *Conn, n int) Fault
	// NewConn makes the state of a new connection; a zero Conn when nil.
	NewConn func() *Conn
	// AfterForward, when set, runs once the tally has answered request n
	// and before the station gets the answer or loses it (to restart the
	// tally under a lost answer, say).
	AfterForward func(n int, f Fault)
	// MaxConns bounds the connections to the tally (0: no bound).
	MaxConns int
	// Timeout bounds a request to the tally (default 3 minutes).
	Timeout time.Duration
}

// Proxy stands between the stations and the tally on loopback. It
// forwards to the tally's current address, so that the stations keep one
// URL while the tally restarts on another port.
type Proxy struct {
	URL string // base URL for the stations' kits

	t        testing.TB
	o        Options
	client   *http.Client
	srv      *http.Server
	inflight sync.WaitGroup // handlers running, waited for at the end

	conns   atomic.Int64 // connections accepted
	dropped atomic.Int64 // connections dropped by a fault

	mu         sync.Mutex
	requests   []Request
	byFault    [NumFaults]int
	answered   map[string]int    // envelope hash → answers of the tally
	accepted   map[string]int    // envelope hash → 200 answers of the tally
	lost       map[string][]byte // envelope hash → the tally's last answer the station never got
	badGateway int
	roundTrips []time.Duration // received → the tally's answer, forwarded requests
}

type connKey struct{}

// Start starts a proxy on a free loopback port until the test ends.
func Start(t testing.TB, o Options) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.NewConn == nil {
		o.NewConn = func() *Conn { return &Conn{} }
	}
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Minute
	}
	transport := &http.Transport{MaxConnsPerHost: o.MaxConns, MaxIdleConnsPerHost: max(o.MaxConns, 2), IdleConnTimeout: 30 * time.Second}
	p := &Proxy{t: t, o: o, URL: "http://" + ln.Addr().String(),
		client:   &http.Client{Timeout: o.Timeout, Transport: transport},
		answered: map[string]int{}, accepted: map[string]int{}, lost: map[string][]byte{}}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context {
			c := p.o.NewConn()
			c.ID = p.conns.Add(1)
			return context.WithValue(ctx, connKey{}, c)
		}}
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

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.inflight.Add(1)
	defer p.inflight.Done()
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the station hung up itself
	}
	hash := seal.EnvelopeHash(body)
	c := r.Context().Value(connKey{}).(*Conn)
	c.Requests++ // requests on one connection come one after the other
	p.mu.Lock()
	n := len(p.requests) + 1
	f := p.o.Decide(c, n)
	p.requests = append(p.requests, Request{N: n, Hash: hash, Fault: f})
	p.byFault[f]++
	p.mu.Unlock()

	switch f {
	case ResetBefore:
		c.Doomed = false
		p.hangUp(w, true)
		return
	case Busy:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": tally.CodeStoreUnavailable, "message": "busy, send it again"})
		return
	}

	status, answer, err := p.forward(body, f == SlowRequest)
	if err != nil {
		// The tally is not there (between two processes): what a reverse
		// proxy answers then.
		p.mu.Lock()
		p.badGateway++
		p.mu.Unlock()
		http.Error(w, "bad gateway: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.noteAnswer(n, hash, f, status, answer, time.Since(start))
	if f != Pass {
		c.Doomed = false // dropped now that the tally was there for it
	}
	if p.o.AfterForward != nil {
		p.o.AfterForward(n, f)
	}

	switch f {
	case LoseAnswerReset:
		p.hangUp(w, true)
	case LoseAnswerClose:
		p.hangUp(w, false)
	case StallAnswer:
		select {
		case <-r.Context().Done(): // the station gave up and closed the connection
		case <-time.After(MaxHold):
			p.t.Errorf("request %d: the station waited more than %s for an answer", n, MaxHold)
		}
		p.hangUp(w, true)
	case SlowAnswer:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(answer)))
		w.WriteHeader(status)
		step := max(1, len(answer)/20)
		for i := 0; i < len(answer); i += step {
			if _, err := w.Write(answer[i:min(len(answer), i+step)]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(DripTime / 20)
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}
}

// noteAnswer records the tally's answer to request n; an answer the fault
// keeps from the station is kept as lost.
func (p *Proxy) noteAnswer(n int, hash string, f Fault, status int, answer []byte, took time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests[n-1].Status = status
	p.roundTrips = append(p.roundTrips, took)
	p.answered[hash]++
	if status == http.StatusOK {
		p.accepted[hash]++
	}
	if f == LoseAnswerReset || f == LoseAnswerClose || f == StallAnswer {
		p.lost[hash] = answer
	}
}

// forward posts the envelope to the tally's current address, without the
// station's context (the tally gets the whole request even if the station
// stops waiting), and returns its answer.
func (p *Proxy) forward(body []byte, drip bool) (int, []byte, error) {
	base := p.o.Target()
	if base == "" {
		return 0, nil, errors.New("the tally is restarting")
	}
	var rd io.Reader = bytes.NewReader(body)
	if drip {
		rd = &dripReader{b: body, step: max(1, len(body)/20), pause: DripTime / 20}
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+outbox.EnvelopesPath, rd)
	if err != nil {
		return 0, nil, err
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}

// dripReader hands out b a step at a time, pausing before each.
type dripReader struct {
	b     []byte
	step  int
	pause time.Duration
}

func (d *dripReader) Read(p []byte) (int, error) {
	if len(d.b) == 0 {
		return 0, io.EOF
	}
	time.Sleep(d.pause)
	n := copy(p[:min(len(p), d.step)], d.b)
	d.b = d.b[n:]
	return n, nil
}

// hangUp drops the station's connection without an answer: with reset,
// an RST (SO_LINGER 0), else an orderly close.
func (p *Proxy) hangUp(w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	p.dropped.Add(1)
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Requests returns every request received so far.
func (p *Proxy) Requests() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.requests)
}

// Reached returns how often the tally answered a request for the envelope.
func (p *Proxy) Reached(hash string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered[hash]
}

// Accepted returns how often the tally accepted the envelope (the first
// time or as a repeat).
func (p *Proxy) Accepted(hash string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted[hash]
}

// LostAnswers counts, by envelope hash, the answers of the tally that
// never reached the station.
func (p *Proxy) LostAnswers() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for _, r := range p.requests {
		if r.Status != 0 && (r.Fault == LoseAnswerReset || r.Fault == LoseAnswerClose || r.Fault == StallAnswer) {
			out[r.Hash]++
		}
	}
	return out
}

// Lost returns the tally's last answer the station never got, by
// envelope hash.
func (p *Proxy) Lost() map[string][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.lost)
}

// Stats are the proxy's counters for a test's report.
type Stats struct {
	Requests, Conns, Dropped int64
	ByFault                  [NumFaults]int
	BadGateway               int             // answered 502 while the tally restarted
	RoundTrips               []time.Duration // to the tally and back, sorted
}

// Stats returns the counters so far.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt := slices.Clone(p.roundTrips)
	slices.Sort(rt)
	return Stats{Requests: int64(len(p.requests)), Conns: p.conns.Load(), Dropped: p.dropped.Load(),
		ByFault: p.byFault, BadGateway: p.badGateway, RoundTrips: rt}
}
