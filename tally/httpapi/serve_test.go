package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
)

// On shutdown (SIGTERM cancels the context) a request in flight finishes
// and gets its answer, new connections are refused, and Serve returns
// cleanly: nothing acknowledged is cut off.
func TestServe_ShutdownLetsRequestsInFlightFinish(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "receipt")
	})
	ctx, cancel := context.WithCancel(context.Background())
	addrc, done := make(chan net.Addr, 1), make(chan error, 1)
	go func() {
		done <- httpapi.Serve(ctx, "127.0.0.1:0", handler, "", "", 10*time.Second, func(a net.Addr) { addrc <- a })
	}()
	url := "http://" + (<-addrc).String() + "/v1/envelopes"

	answer := make(chan string, 1)
	go func() {
		resp, err := http.Post(url, "application/json", nil)
		if err != nil {
			answer <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answer <- string(b)
	}()
	<-entered
	cancel() // what SIGTERM does in tally serve
	hostport := url[len("http://") : len(url)-len("/v1/envelopes")]
	for deadline := time.Now().Add(5 * time.Second); ; {
		conn, err := net.DialTimeout("tcp", hostport, time.Second)
		if err != nil {
			break // the listener is closed
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still takes new connections while shutting down")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if got := <-answer; got != "receipt" {
		t.Errorf("the request in flight got %q", got)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}
