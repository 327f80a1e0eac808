package tally

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Ways a record arrives.
const (
	ViaHTTP   = "http"
	ViaImport = "import"
)

// Accepted is the answer to a record taken in.
type Accepted struct {
	Receipt   []byte // the office's signed receipt
	Duplicate bool   // the record was already there; nothing changed
}

// Ingest verifies one signed record and stores it, and returns the office's
// receipt once the record is durable. The same record again, however it
// arrives, gets the same receipt and changes nothing. A refusal is an
// *Error with a stable code; the refused bytes are kept as evidence.
//
// The order of the checks matters: the signature is verified before the
// payload is parsed, and the key's enrollment before the body is read.
func (s *Service) Ingest(ctx context.Context, envelope []byte, via string) (Accepted, error) {
	if s.office.KeyID() == "" {
		return Accepted{}, ErrNoOfficeKey
	}
	acc, refusal, err := s.ingest(ctx, envelope, via)
	if err != nil {
		return Accepted{}, err
	}
	if refusal != nil {
		if refusal.Status < http.StatusInternalServerError {
			s.keepRejection(ctx, envelope, via, refusal) // a 5xx is "try again", not a verdict on the record
		}
		return Accepted{}, refusal
	}
	return acc, nil
}

// ingest returns the receipt, or a refusal to keep as evidence, or an
// error of the store (nothing to keep: the store is what failed).
func (s *Service) ingest(ctx context.Context, envelope []byte, via string) (_ Accepted, refusal *Error, _ error) {
	var header *ballot.Header
	defer func() {
		// A refusal of a record whose signed header was read names its
		// district, station and sequence number in the evidence.
		if refusal != nil && header != nil {
			refusal.header = header
		}
	}()
	var lookupErr error
	keys := seal.KeyRingFunc(func(id seal.KeyID) (ed25519.PublicKey, bool) {
		// A key id is the hash of its public key, so a key once found can
		// be kept for good; whether it is still valid is checked in the
		// transaction.
		if pub, ok := s.keys.Load(id); ok {
			return pub.(ed25519.PublicKey), true
		}
		k, err := s.store.StationKey(ctx, id)
		if err != nil {
			if !errors.Is(err, store.ErrNotFound) {
				lookupErr = err
			}
			return nil, false
		}
		s.keys.Store(id, k.PublicKey)
		return k.PublicKey, true
	})
	opened, err := seal.OpenRecord(envelope, keys)
	if lookupErr != nil {
		return Accepted{}, nil, fmt.Errorf("look up station key: %w", lookupErr)
	}
	if err != nil {
		return Accepted{}, fromSeal(err), nil
	}
	h := opened.Record.Header
	header = &h
	if refusal := s.checkHeader(h); refusal != nil {
		return Accepted{}, refusal, nil
	}
	rec, err := ballot.DecodeRecord(opened.Record)
	if err != nil {
		return Accepted{}, &Error{Code: CodeRecordInvalid, Status: http.StatusUnprocessableEntity, Message: err.Error(), Err: err}, nil
	}
	if refusal := s.checkBody(rec); refusal != nil {
		return Accepted{}, refusal, nil
	}

	// The receipt is signed here, on the request's goroutine, so that the
	// writer, which all records wait for, does not spend its time on it;
	// it goes out only once the record is committed (or not at all).
	now := s.clock().UTC()
	receipt, err := seal.IssueReceipt(s.office, seal.ReceiptFor(opened, now))
	if err != nil {
		return Accepted{}, nil, err
	}
	p := prepared{opened: opened, rec: rec, envelope: envelope, via: via, received: now, receipt: receipt}
	var acc Accepted
	if s.batch != nil {
		acc, refusal, err = s.batch.submit(ctx, p)
	} else {
		acc, refusal, err = s.commitOne(ctx, p, -1)
	}
	if err != nil {
		return Accepted{}, nil, err
	}
	if refusal == nil && !acc.Duplicate {
		s.log.Info("record accepted", "district", h.District, "station", h.Station, "seq", h.Seq,
			"kind", h.Kind, "via", via, "envelope", opened.EnvelopeHash)
	}
	return acc, refusal, nil
}

// checkHeader binds the record to this election and its package.
func (s *Service) checkHeader(h ballot.Header) *Error {
	switch {
	case h.ElectionID != s.election.ID:
		return refuse(CodeElectionMismatch, http.StatusConflict, "the record is for election %q, this tally serves %q", h.ElectionID, s.election.ID)
	case h.PackageHash != s.election.PackageHash:
		return refuse(CodePackageMismatch, http.StatusConflict, "the record was made against election package %s, the current one is %s", short(h.PackageHash), short(s.election.PackageHash))
	case s.district[h.District] == nil:
		return refuse(CodeDistrictUnknown, http.StatusUnprocessableEntity, "district %q is not in the election definition", h.District)
	}
	return nil
}

// checkBody applies the rules of the domain that need no stored state:
// a count must pass the arithmetic checks, and its warnings need reasons.
func (s *Service) checkBody(rec ballot.Record) *Error {
	c, ok := rec.Body.(*ballot.Count)
	if !ok {
		return nil
	}
	findings := ballot.CheckCount(s.def, s.district[rec.District], c, ballot.CheckContext{})
	if blocking := ballot.Sendable(findings, c.Reasons); len(blocking) > 0 {
		msgs := make([]string, len(blocking))
		for i, f := range blocking {
			msgs[i] = f.Message(ballot.English)
		}
		return &Error{Code: CodeCountRejected, Status: http.StatusUnprocessableEntity, Findings: blocking,
			Message: fmt.Sprintf("the count of %s does not pass the checks: %s", c.Contest, strings.Join(msgs, " "))}
	}
	return nil
}

// accept runs inside the transaction. It returns the receipt of an
// accepted or already known record, or a refusal whose evidence must be
// committed with it (an equivocation), or an error that rolls back. What
// the record adds to the running totals goes to w, which the caller
// writes before the commit.
func (s *Service) accept(ctx context.Context, tx store.Tx, p prepared, w *work) (Accepted, *Error, error) {
	opened, rec, envelope, via, now := p.opened, p.rec, p.envelope, p.via, p.received
	h := rec.Header
	priors, err := tx.PriorEnvelopes(ctx, store.EnvelopeID{Hash: opened.EnvelopeHash, ContentHash: opened.ContentHash, Station: h.Station, Seq: h.Seq})
	if err != nil {
		return Accepted{}, nil, err
	}
	// The same record again, byte for byte or re-wrapped on the way.
	for _, prior := range priors {
		if prior.Hash == opened.EnvelopeHash || prior.ContentHash == opened.ContentHash {
			return Accepted{Receipt: prior.Receipt, Duplicate: true}, nil, nil
		}
	}

	key, err := w.stationKey(ctx, tx, opened.KeyID)
	if err != nil {
		return Accepted{}, nil, err
	}
	switch {
	case key.Revoked():
		return Accepted{}, refuse(CodeKeyRevoked, http.StatusForbidden, "the station key %s was revoked (%s)", short(string(key.KeyID)), key.RevokeReason), nil
	case key.District != h.District:
		return Accepted{}, refuse(CodeKeyWrongDistrict, http.StatusForbidden, "the station key is enrolled for district %s, the record is for %s", key.District, h.District), nil
	case key.Station != h.Station:
		return Accepted{}, refuse(CodeStationMismatch, http.StatusForbidden, "the record names station %q, the key belongs to station %q", h.Station, key.Station), nil
	case now.Before(key.EnrolledAt):
		s.log.Error("the office clock reads earlier than a key's enrollment: fix the clock", "now", now, "enrolled", key.EnrolledAt, "key", key.KeyID)
		return Accepted{}, refuse(CodeOfficeClockBehind, http.StatusServiceUnavailable,
			"the office's clock (%s) reads earlier than the enrollment of the station's key (%s); the office must set its clock right, then the record is taken in",
			now.Format(time.RFC3339), key.EnrolledAt.UTC().Format(time.RFC3339)), nil
	}

	// Another record with a sequence number already used: the station
	// signed two different things as one. Keep both, accept neither twice.
	for _, prior := range priors {
		if prior.Station != h.Station || prior.Seq != h.Seq {
			continue
		}
		if err := tx.InsertEquivocation(ctx, store.Equivocation{Station: h.Station, District: h.District, Seq: h.Seq,
			FirstHash: prior.Hash, SecondHash: opened.EnvelopeHash, DetectedAt: now}); err != nil {
			return Accepted{}, nil, err
		}
		s.log.Warn("equivocation: two records with one sequence number", "district", h.District, "station", h.Station,
			"seq", h.Seq, "first", prior.Hash, "second", opened.EnvelopeHash)
		return Accepted{}, refuse(CodeSeqConflict, http.StatusConflict, "station %s already sent another record with sequence number %d", h.Station, h.Seq), nil
	}

	if c, ok := rec.Body.(*ballot.Count); ok {
		certified, err := w.certified(ctx, tx, c.Contest)
		if err != nil {
			return Accepted{}, nil, err
		}
		if certified {
			return Accepted{}, refuse(CodeContestCertified, http.StatusConflict, "contest %s is certified; its records can no longer change", c.Contest), nil
		}
	}

	receipt := p.receipt
	if err := tx.InsertEnvelope(ctx, store.Envelope{
		Hash: opened.EnvelopeHash, ContentHash: opened.ContentHash, KeyID: opened.KeyID,
		District: h.District, Station: h.Station, Seq: h.Seq, Kind: h.Kind, RecordTime: h.Time,
		ReceivedAt: now, Via: via, Bytes: envelope, Receipt: receipt,
	}); err != nil {
		return Accepted{}, nil, err
	}
	if err := s.derive(ctx, tx, rec, opened.EnvelopeHash, key.EnrolledAt, w); err != nil {
		return Accepted{}, nil, err
	}
	return Accepted{Receipt: receipt}, nil, nil
}

// certified reports whether a contest is certified, reading the
// certifications once per transaction: the transaction keeps them from
// changing until it ends.
func (w *work) certified(ctx context.Context, tx store.Tx, contest string) (bool, error) {
	if w.certs == nil {
		certs, err := tx.Certifications(ctx)
		if err != nil {
			return false, err
		}
		w.certs = map[string]bool{}
		for _, c := range certs {
			if c.RevokedAt.IsZero() {
				w.certs[c.Contest] = true
			}
		}
	}
	return w.certs[contest], nil
}

// KeepRefused keeps, as evidence with its code, a submission the HTTP
// layer refused before it reached Ingest (a body larger than an envelope
// may be; the bytes kept are cut at seal.MaxEnvelopeSize), and logs it
// as Ingest logs its own refusals.
func (s *Service) KeepRefused(ctx context.Context, body []byte, via, code, message string) {
	s.keepRejection(ctx, body, via, &Error{Code: code, Message: message})
}

// keepRejection stores a refused envelope as evidence. It is best effort:
// the refusal stands even if the store cannot keep it, and says so in the
// log.
func (s *Service) keepRejection(ctx context.Context, envelope []byte, via string, refusal *Error) {
	if len(envelope) > seal.MaxEnvelopeSize {
		envelope = envelope[:seal.MaxEnvelopeSize]
	}
	r := store.Rejection{Hash: seal.EnvelopeHash(envelope), Code: refusal.Code, Message: refusal.Message,
		ReceivedAt: s.clock().UTC(), Via: via, Bytes: envelope}
	if h := refusal.header; h != nil {
		r.District, r.Station, r.Seq = h.District, h.Station, h.Seq
	}
	if refusal.Code == CodeSeqConflict {
		// The equivocation is recorded with the envelope's facts already.
		r.Message = "equivocation: " + r.Message
	}
	err := s.store.InTx(ctx, func(tx store.Tx) error { return tx.InsertRejection(ctx, r) })
	s.log.Warn("record refused", "code", refusal.Code, "message", refusal.Message, "via", via, "envelope", r.Hash, "kept", err == nil)
	if err != nil {
		s.log.Error("could not keep a refused record as evidence", "envelope", r.Hash, "err", err)
	}
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
