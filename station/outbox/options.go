package outbox

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
)

// EnvelopesPath is the tally's endpoint for one envelope, below a base URL.
const EnvelopesPath = "/v1/envelopes"

// Defaults of Options.
const (
	DefaultInitialInterval     = 500 * time.Millisecond
	DefaultMaxInterval         = 30 * time.Second
	DefaultMultiplier          = 2.0
	DefaultRandomizationFactor = 0.5
	DefaultMaxTries            = 5
	DefaultRunInterval         = 30 * time.Second
)

const (
	maxReceiptSize   = seal.MaxEnvelopeSize // a receipt is an envelope; read no more than one
	maxErrorBodySize = 64 << 10
	maxMessageLen    = 300 // of a refusal's message taken from a body that is not the tally's JSON
)

var (
	// ErrNoTally is the error of a pass by a Sender without any tally URL:
	// the station delivers by USB only.
	ErrNoTally = errors.New("no tally URL configured: deliver the records by USB")
	// ErrUnreachable marks a pass that stopped because no tally gave a
	// trustworthy answer within the tries allowed.
	ErrUnreachable = errors.New("tally unreachable")
	// ErrReceiptInvalid marks a 200 whose body is not the office's receipt
	// for the bytes sent: a man in the middle, a captive portal, or a tally
	// configured with another office key.
	ErrReceiptInvalid = errors.New("receipt does not verify")
)

// Backoff is the retry schedule of one record within a pass. A zero field
// takes its default.
type Backoff struct {
	InitialInterval     time.Duration // first wait; default 500ms
	MaxInterval         time.Duration // cap of a wait; default 30s
	Multiplier          float64       // growth per try, at least 1; default 2
	RandomizationFactor float64       // jitter, each wait is ±this share; in [0,1]; default 0.5
	MaxTries            int           // requests per record per pass, the first included; default 5
}

// Options configure a Sender.
type Options struct {
	// URLs are the tally's base URLs (http or https, an optional path
	// prefix), tried in order: a record is retried on the next URL after a
	// failure. None means a USB-only station.
	URLs []string
	// OfficeKey verifies receipts. Required when URLs are given.
	OfficeKey ed25519.PublicKey
	// Client sends the requests; nil means one with bounded timeouts that
	// follows no redirects.
	Client  *http.Client
	Now     func() time.Time // default time.Now
	Backoff Backoff
	Log     *slog.Logger // default: discard
}

// Sender delivers the records of a Store to the tally. Its methods are safe
// for concurrent use; passes never overlap.
type Sender struct {
	store  Store
	urls   []string // endpoints, base + EnvelopesPath
	key    ed25519.PublicKey
	client *http.Client
	now    func() time.Time
	bo     Backoff
	log    *slog.Logger
	kick   chan struct{}

	mu     sync.Mutex // held for a whole pass
	online bool       // the last contact gave a trustworthy answer
	cur    int        // index of the URL that answered last in this pass
}

// NewSender checks o and returns a Sender of store's records.
func NewSender(store Store, o Options) (*Sender, error) {
	if store == nil {
		return nil, errors.New("outbox: no store")
	}
	s := &Sender{store: store, client: o.Client, now: o.Now, log: o.Log, kick: make(chan struct{}, 1)}
	for _, raw := range o.URLs {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			return nil, fmt.Errorf("outbox: tally URL %q: %w", raw, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("outbox: tally URL %q: want http(s)://host[:port][/path] without user, query or fragment", raw)
		}
		s.urls = append(s.urls, strings.TrimRight(u.String(), "/")+EnvelopesPath)
	}
	switch {
	case len(o.OfficeKey) == 0 && len(s.urls) > 0:
		return nil, errors.New("outbox: no office key to verify receipts with")
	case len(o.OfficeKey) != 0 && len(o.OfficeKey) != ed25519.PublicKeySize:
		return nil, fmt.Errorf("outbox: office key has %d bytes, want %d", len(o.OfficeKey), ed25519.PublicKeySize)
	}
	s.key = o.OfficeKey
	b := o.Backoff
	if b.InitialInterval < 0 || b.MaxInterval < 0 || b.MaxTries < 0 ||
		(b.Multiplier != 0 && b.Multiplier < 1) || b.RandomizationFactor < 0 || b.RandomizationFactor > 1 {
		return nil, fmt.Errorf("outbox: invalid backoff %+v", b)
	}
	s.bo = Backoff{
		InitialInterval:     or(b.InitialInterval, DefaultInitialInterval),
		MaxInterval:         or(b.MaxInterval, DefaultMaxInterval),
		Multiplier:          or(b.Multiplier, DefaultMultiplier),
		RandomizationFactor: or(b.RandomizationFactor, DefaultRandomizationFactor),
		MaxTries:            or(b.MaxTries, DefaultMaxTries),
	}
	if s.bo.MaxInterval < s.bo.InitialInterval {
		return nil, fmt.Errorf("outbox: backoff max interval %s below initial interval %s", s.bo.MaxInterval, s.bo.InitialInterval)
	}
	if s.client == nil {
		s.client = DefaultClient()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// DefaultClient returns the client a Sender uses when Options.Client is
// nil: dial 5s, TLS handshake 5s, response header 15s, 30s per request. It
// follows no redirect: a POST redirected would be resent as a GET, and a
// tally URL that redirects is a configuration to fix, not to work around.
func DefaultClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          4,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
