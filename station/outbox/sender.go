package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// RejectedItem is a record the tally refused for good in a pass.
type RejectedItem struct {
	Seq  uint64
	Kind string
	Rejection
}

// Report is the outcome of a pass.
type Report struct {
	Acknowledged int            // records acknowledged in this pass
	Rejected     []RejectedItem // records refused in this pass
	Remaining    int            // records still undelivered (pending or sent) after it
	// Online says whether the last contact with a tally, in this pass or
	// an earlier one, gave a trustworthy answer (a verified receipt or a
	// refusal).
	Online bool
	// Err is why records were left undelivered: the last transient error
	// (wrapping ErrUnreachable), ErrNoTally, a store failure or the
	// context's error. Nil when everything was delivered or refused.
	Err error
}

// String summarises the report for a log line or a status bar.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d delivered, %d rejected, %d waiting", r.Acknowledged, len(r.Rejected), r.Remaining)
	for _, x := range r.Rejected {
		fmt.Fprintf(&b, "; rejected #%d %s: %s (%s)", x.Seq, x.Kind, x.Code, x.Message)
	}
	if r.Online {
		b.WriteString("; online")
	} else {
		b.WriteString("; offline")
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "; %v", r.Err)
	}
	return b.String()
}

// Pass makes one pass over the undelivered records, in sequence order, and
// returns what it did. The error is Report.Err.
//
// A record refused for good is marked rejected and the pass goes on: the
// tally judged it, and the records after it do not depend on its
// delivery. A record that gets no trustworthy answer within the tries ends
// the pass there, so that the tally never receives a record before an
// earlier one that is still on its way.
func (s *Sender) Pass(ctx context.Context) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep := s.pass(ctx)
	rep.Online = s.online
	return rep, rep.Err
}

func (s *Sender) pass(ctx context.Context) (rep Report) {
	items, err := s.store.Undelivered(ctx)
	if err != nil {
		rep.Err = fmt.Errorf("outbox: reading the undelivered records: %w", err)
		return rep
	}
	rep.Remaining = len(items)
	if len(items) == 0 {
		return rep
	}
	if len(s.urls) == 0 {
		rep.Err = ErrNoTally
		return rep
	}
	s.cur = 0 // every pass starts with the first URL, the preferred one
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			rep.Err = err
			return rep
		}
		out, err := s.deliver(ctx, it)
		if err != nil {
			rep.Err = err
			return rep
		}
		rep.Remaining--
		if out.rejection != nil {
			rep.Rejected = append(rep.Rejected, RejectedItem{Seq: it.Seq, Kind: it.Kind, Rejection: *out.rejection})
		} else {
			rep.Acknowledged++
		}
	}
	return rep
}

// outcome is a definite answer of the tally: exactly one field is set.
type outcome struct {
	delivery  *Delivery
	rejection *Rejection
}

// storeError is a failure of the station's store: retrying the request
// would not help.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// deliver sends one record until the tally answers definitely, and stores
// that answer. It returns an error when the record stays undelivered.
func (s *Sender) deliver(ctx context.Context, it Item) (outcome, error) {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = s.bo.InitialInterval
	b.MaxInterval = s.bo.MaxInterval
	b.Multiplier = s.bo.Multiplier
	b.RandomizationFactor = s.bo.RandomizationFactor
	tries := 0
	op := func() (outcome, error) {
		endpoint := s.urls[s.cur]
		tries++
		// The attempt is on disk before a byte leaves: after a crash
		// mid-request the record shows as sent, not pending, and the next
		// pass sends the same bytes again. The tally stores an envelope
		// once and answers a repeat with the same receipt, so resending is
		// always safe; not knowing whether it was sent is not.
		if err := s.store.MarkSent(ctx, it.Seq, s.now().UTC()); err != nil {
			return outcome{}, backoff.Permanent(storeError{fmt.Errorf("outbox: marking record %d sent: %w", it.Seq, err)})
		}
		out, err := s.post(ctx, endpoint, it)
		if err != nil {
			s.online = false
			if len(s.urls) > 1 {
				s.cur = (s.cur + 1) % len(s.urls) // fail over for the next try
			}
			return outcome{}, fmt.Errorf("%s: %w", endpoint, err)
		}
		s.online = true
		return out, nil
	}
	notify := func(err error, wait time.Duration) {
		s.log.Warn("outbox: delivery failed, retrying", "seq", it.Seq, "kind", it.Kind, "err", err, "wait", wait)
	}
	out, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(b),
		backoff.WithMaxTries(uint(s.bo.MaxTries)),
		backoff.WithMaxElapsedTime(0), // MaxTries bounds the pass, not a clock
		backoff.WithNotify(notify))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return outcome{}, cerr
		}
		var se storeError
		if errors.As(err, &se) {
			return outcome{}, se.err
		}
		s.log.Warn("outbox: tally unreachable, pass stopped", "seq", it.Seq, "kind", it.Kind, "tries", tries, "err", err)
		return outcome{}, fmt.Errorf("%w: record #%d (%s) not delivered after %d tries: %w", ErrUnreachable, it.Seq, it.Kind, tries, err)
	}
	// A definite answer that arrived is stored even if ctx ends meanwhile:
	// it is one short transaction, and a receipt in hand is worth keeping.
	ctx = context.WithoutCancel(ctx)
	switch {
	case out.delivery != nil:
		if err := s.store.MarkAcknowledged(ctx, it.Seq, *out.delivery); err != nil {
			return outcome{}, fmt.Errorf("outbox: storing the receipt of record %d: %w", it.Seq, err)
		}
		s.log.Info("outbox: delivered", "seq", it.Seq, "kind", it.Kind, "received_at", out.delivery.ReceivedAt)
	case out.rejection != nil:
		if err := s.store.MarkRejected(ctx, it.Seq, *out.rejection); err != nil {
			return outcome{}, fmt.Errorf("outbox: storing the rejection of record %d: %w", it.Seq, err)
		}
		s.log.Warn("outbox: rejected by the tally", "seq", it.Seq, "kind", it.Kind,
			"code", out.rejection.Code, "message", out.rejection.Message, "status", out.rejection.Status)
	}
	return out, nil
}

// post sends the envelope once. It returns an outcome for a verified
// receipt or a refusal for good, and an error for anything worth retrying.
func (s *Sender) post(ctx context.Context, endpoint string, it Item) (outcome, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(it.Envelope))
	if err != nil {
		return outcome{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "wahlkoffer-station")
	resp, err := s.client.Do(req)
	if err != nil {
		return outcome{}, err // network error, timeout, reset, cancellation
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // lets the connection be reused
		_ = resp.Body.Close()
	}()
	switch st := resp.StatusCode; {
	case st >= 200 && st < 300:
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxReceiptSize+1))
		if err != nil {
			return outcome{}, fmt.Errorf("reading the receipt: %w", err)
		}
		d, err := s.verify(body, it)
		if err != nil {
			return outcome{}, err
		}
		return outcome{delivery: &d}, nil
	case st >= 400 && st < 500 && st != http.StatusRequestTimeout && st != http.StatusTooManyRequests:
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodySize))
		if err != nil {
			return outcome{}, fmt.Errorf("reading the refusal (status %d): %w", st, err)
		}
		r, ok := refusal(st, body)
		if !ok {
			// Not the tally speaking (a wrong URL, a proxy's page): a
			// refusal for good would strand every record, so it is a
			// failure of this pass, shown to the board and retried.
			return outcome{}, fmt.Errorf("status %d without a tally error code (is %s the tally's address?): %s", st, endpoint, r.Message)
		}
		r.At = s.now().UTC()
		return outcome{rejection: &r}, nil
	default:
		// 5xx, 408 and 429 say "not stored, try again"; 1xx and 3xx are no
		// answer a tally gives.
		msg := strings.TrimSpace(string(firstLine(readSome(resp.Body))))
		if msg != "" {
			return outcome{}, fmt.Errorf("status %d: %s", st, msg)
		}
		return outcome{}, fmt.Errorf("status %d %s", st, http.StatusText(st))
	}
}

// verify accepts a body as the delivery of it only if it is the office's
// receipt for exactly these bytes and this sequence number. Anything else
// is not delivery: the record stays undelivered and is retried.
func (s *Sender) verify(body []byte, it Item) (Delivery, error) {
	r, err := seal.OpenReceipt(body, s.key)
	if err != nil {
		return Delivery{}, fmt.Errorf("%w (a man in the middle, or a tally with another office key?): %w", ErrReceiptInvalid, err)
	}
	if !r.Covers(it.Envelope) {
		return Delivery{}, fmt.Errorf("%w: the office signed a receipt for envelope %s, not for the bytes of record #%d",
			ErrReceiptInvalid, r.EnvelopeSHA256, it.Seq)
	}
	if r.Seq != it.Seq {
		return Delivery{}, fmt.Errorf("%w: receipt is for seq %d, the record is #%d", ErrReceiptInvalid, r.Seq, it.Seq)
	}
	return Delivery{Receipt: body, ReceivedAt: r.ReceivedAt.UTC(), At: s.now().UTC()}, nil
}

// refusal reads the tally's {"code": ..., "message": ...}; for a body without
// a code (a proxy's page, plain text) it returns false and the first line.
func refusal(status int, body []byte) (Rejection, bool) {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && strings.TrimSpace(e.Code) != "" {
		if e.Message == "" {
			e.Message = http.StatusText(status)
		}
		return Rejection{Code: e.Code, Message: e.Message, Status: status}, true
	}
	msg := strings.TrimSpace(string(firstLine(body)))
	if msg == "" {
		msg = http.StatusText(status)
	}
	return Rejection{Message: msg, Status: status}, false
}

func readSome(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, 1024))
	return b
}

// firstLine returns the first line of b, at most maxMessageLen bytes.
func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > maxMessageLen {
		b = b[:maxMessageLen]
	}
	return bytes.ToValidUTF8(b, []byte("?"))
}

// Kick asks a running Run for a pass now. It never blocks: kicks that come
// while one is already waiting are merged into it.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run makes a pass, hands its report to notify (if not nil), and waits for
// interval or a Kick, until ctx is done; then it returns. It starts no
// goroutine: call it in one. An interval of 0 or less means
// DefaultRunInterval.
func (s *Sender) Run(ctx context.Context, interval time.Duration, notify func(Report)) {
	if interval <= 0 {
		interval = DefaultRunInterval
	}
	for {
		rep, _ := s.Pass(ctx)
		if ctx.Err() != nil {
			return
		}
		if notify != nil {
			notify(rep)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.kick:
			t.Stop()
		case <-t.C:
		}
	}
}
