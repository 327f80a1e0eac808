package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// fault is what the proxy does to one request of a station.
type fault int

const (
	// pass forwards the request and the tally's answer.
	pass fault = iota
	// resetBefore resets the connection (RST) before the tally sees the
	// request.
	resetBefore
	// loseAnswerReset lets the tally store the record, then resets the
	// station's connection: the answer is lost.
	loseAnswerReset
	// loseAnswerClose lets the tally store the record, then closes the
	// station's connection without a word (FIN): the answer is lost.
	loseAnswerClose
	// slowAnswer drips the tally's answer to the station in small pieces
	// over about dripTime: a slow network, within the station's patience.
	slowAnswer
	// stallAnswer lets the tally store the record and holds its answer
	// until the station gives up waiting.
	stallAnswer
	// slowRequest drips the station's request to the tally over about
	// dripTime: a slow station.
	slowRequest
	// busy answers 503 store-unavailable without asking the tally.
	busy
	numFaults
)

var faultNames = [numFaults]string{"pass", "reset before forwarding", "answer lost (reset)", "answer lost (close)",
	"slow answer", "answer held past the timeout", "slow request", "503"}

func (f fault) String() string { return faultNames[f] }

const (
	dripTime = 200 * time.Millisecond // slowAnswer, slowRequest
	maxHold  = 10 * time.Second       // stallAnswer waits at most this long for the station to give up
)

// connInfo is what the proxy knows of one station connection.
type connInfo struct {
	id       int64
	requests int  // served on it so far
	doomed   bool // to be dropped at its next request that reaches the tally
}

type connKey struct{}

// faultProxy stands between the stations and the tally on loopback. It
// forwards to the tally's current address, so that the stations keep one
// URL while the tally restarts on another port, and answers 502 while
// there is none. decide picks the fault of each request.
type faultProxy struct {
	t        testing.TB
	target   func() string
	decide   func(c *connInfo) fault
	newConn  func() *connInfo
	client   *http.Client
	srv      *http.Server
	URL      string
	inflight sync.WaitGroup

	conns   atomic.Int64 // connections accepted
	dropped atomic.Int64 // connections dropped by a fault

	mu         sync.Mutex
	byFault    [numFaults]int
	requests   int
	reached    map[string]int // envelope hash → answers of the tally (2xx) it got
	badGateway int
	roundTrips []time.Duration // received → the tally's answer, forwarded requests
}

// startProxy starts the proxy on a free loopback port until the test
// ends. maxConns bounds the connections to the tally.
func startProxy(t testing.TB, target func() string, maxConns int, newConn func() *connInfo, decide func(c *connInfo) fault) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{MaxConnsPerHost: maxConns, MaxIdleConnsPerHost: maxConns, IdleConnTimeout: 30 * time.Second}
	p := &faultProxy{t: t, target: target, decide: decide, newConn: newConn, reached: map[string]int{},
		client: &http.Client{Timeout: 3 * time.Minute, Transport: transport}, URL: "http://" + ln.Addr().String()}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			ci := p.newConn()
			ci.id = p.conns.Add(1)
			return context.WithValue(ctx, connKey{}, ci)
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
		p.inflight.Wait()
		transport.CloseIdleConnections()
	})
	return p
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.inflight.Add(1)
	defer p.inflight.Done()
	start := time.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the station hung up itself
	}
	ci := r.Context().Value(connKey{}).(*connInfo)
	ci.requests++ // requests on one connection come one after the other
	f := p.decide(ci)
	p.mu.Lock()
	p.requests++
	p.byFault[f]++
	p.mu.Unlock()

	switch f {
	case resetBefore:
		p.hangUp(w, true)
		ci.doomed = false
		return
	case busy:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": tally.CodeStoreUnavailable, "message": "busy, send it again"})
		return
	}

	status, answer, err := p.forward(body, f == slowRequest)
	if err != nil {
		p.mu.Lock()
		p.badGateway++
		p.mu.Unlock()
		http.Error(w, "bad gateway: "+err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.roundTrips = append(p.roundTrips, time.Since(start))
	if status == http.StatusOK {
		p.reached[seal.EnvelopeHash(body)]++
	}
	p.mu.Unlock()

	if f != pass {
		ci.doomed = false
	}
	switch f {
	case loseAnswerReset:
		p.hangUp(w, true)
	case loseAnswerClose:
		p.hangUp(w, false)
	case stallAnswer:
		select {
		case <-r.Context().Done(): // the station gave up and closed the connection
		case <-time.After(maxHold):
			p.t.Errorf("the station waited more than %s for an answer", maxHold)
		}
		p.hangUp(w, true)
	case slowAnswer:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(answer)))
		w.WriteHeader(status)
		step := max(1, len(answer)/20)
		for i := 0; i < len(answer); i += step {
			if _, err := w.Write(answer[i:min(len(answer), i+step)]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(dripTime / 20)
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}
}

// forward posts the envelope to the tally's current address, without the
// station's context (the tally gets the whole request even if the station
// stops waiting), and returns its answer.
func (p *faultProxy) forward(body []byte, drip bool) (int, []byte, error) {
	base := p.target()
	if base == "" {
		return 0, nil, errors.New("the tally is restarting")
	}
	var rd io.Reader = bytes.NewReader(body)
	if drip {
		rd = &dripReader{b: body, step: max(1, len(body)/20), pause: dripTime / 20}
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
func (p *faultProxy) hangUp(w http.ResponseWriter, reset bool) {
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

// summary is one line of what the proxy did.
func (p *faultProxy) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for f := range numFaults {
		if p.byFault[f] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", f, p.byFault[f]))
		}
	}
	rt := slices.Clone(p.roundTrips)
	slices.Sort(rt)
	return fmt.Sprintf("%d requests on %d connections (%d dropped, %.1f %%): %s; %d answered 502 while the tally restarted; "+
		"round trip to the tally p50 %v, p99 %v, max %v",
		p.requests, p.conns.Load(), p.dropped.Load(), 100*float64(p.dropped.Load())/float64(max(1, p.conns.Load())),
		strings.Join(parts, ", "), p.badGateway, percentile(rt, 50).Round(time.Microsecond),
		percentile(rt, 99).Round(time.Microsecond), percentile(rt, 100).Round(time.Microsecond))
}

// count returns how many requests met the fault.
func (p *faultProxy) count(f fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byFault[f]
}

// reachedTally returns how often the tally accepted the envelope (the
// first time or as a repeat).
func (p *faultProxy) reachedTally(hash string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reached[hash]
}
