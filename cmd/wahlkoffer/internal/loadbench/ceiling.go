package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// ceiling measures what the machine allows a tally before it stores
// anything: the same clients posting the same envelopes to a server in
// this process whose handler does nothing but read the body and answer
// (HTTP alone), and one that also does the two signature operations every
// record needs (the station's signature checked, the receipt signed). The
// tally's rate is to be read against these, not against the raw Ed25519
// rate alone.
func ceiling(ctx context.Context, envelopes [][]byte, clients int) (httpOnly, httpCrypto float64, err error) {
	envelopes = envelopes[:min(len(envelopes), 40_000)]
	answer := make([]byte, 300) // about a receipt
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		return 0, 0, err
	}
	probe := sha256.Sum256([]byte("probe"))
	probeSig := ed25519.Sign(key, probe[:])
	handlers := []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			_, _ = w.Write(answer)
		},
		func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			if !ed25519.Verify(pub, probe[:], probeSig) {
				http.Error(w, "verify", http.StatusInternalServerError)
				return
			}
			sum := sha256.Sum256(body)
			_, _ = w.Write(ed25519.Sign(key, sum[:]))
		},
	}
	var rates [2]float64
	for i, h := range handlers {
		if rates[i], err = serveAndSend(ctx, h, envelopes, clients); err != nil {
			return 0, 0, err
		}
	}
	return rates[0], rates[1], nil
}

func serveAndSend(ctx context.Context, h http.Handler, envelopes [][]byte, clients int) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	load, sendErr := send(ctx, "http://"+ln.Addr().String(), envelopes, clients)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(sendErr, srv.Shutdown(shutdown))
	if serveErr := <-done; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return float64(load.n) / load.elapsed.Seconds(), err
}
