package tally

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"

	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// ExportEvidence writes the evidence file (package ballot/evidence): the
// signed election package, every station key ever enrolled, and every
// accepted envelope with its receipt in the order of acceptance, closed by
// the manifest the office key signs, which names the contests certified.
// It returns the number of records.
//
// The writer does not check signatures; a caller that publishes the file
// reads it back with evidence.Read first. A failed export has no manifest,
// so no reader takes it for complete.
func (s *Service) ExportEvidence(ctx context.Context, w io.Writer) (int, error) {
	if s.office.KeyID() == "" {
		return 0, ErrNoOfficeKey
	}
	stationKeys, err := s.store.StationKeys(ctx)
	if err != nil {
		return 0, err
	}
	keys := make([]evidence.Key, len(stationKeys))
	for i, k := range stationKeys {
		keys[i] = evidence.Key{PublicKey: k.PublicKey, District: k.District, Station: k.Station,
			EnrolledAt: k.EnrolledAt, RevokedAt: k.RevokedAt}
	}
	certs, err := s.store.Certifications(ctx)
	if err != nil {
		return 0, err
	}
	var certified []evidence.Certification
	for _, c := range certs {
		if c.RevokedAt.IsZero() {
			certified = append(certified, evidence.Certification{Contest: c.Contest, CertifiedAt: c.CertifiedAt, By: c.By})
		}
	}
	pkg, err := s.Package(ctx)
	if err != nil {
		return 0, err
	}
	ew, err := evidence.NewWriter(w, s.office, evidence.Header{ElectionID: s.election.ID, Package: pkg,
		ExportedAt: s.clock().UTC(), Certifications: certified}, keys)
	if err != nil {
		return 0, err
	}
	err = s.store.Envelopes(ctx, func(e store.Envelope) error {
		if err := ew.Add(e.Bytes, e.Receipt); err != nil {
			return fmt.Errorf("envelope %s: %w", short(e.Hash), err)
		}
		return nil
	})
	if err != nil {
		return int(ew.Count()), err
	}
	if err := ew.Close(); err != nil {
		return int(ew.Count()), err
	}
	return int(ew.Count()), nil
}

// Audit is what an evidence file says: its summary, and the results
// recomputed from its records alone.
type Audit struct {
	Summary evidence.Summary
	Records int
	Replay  *Replay
}

// Results computes the results in a view from the evidence's records, with
// the contests certified as the manifest names them; Generated is the time
// of the export.
func (a *Audit) Results(view string) (Results, error) {
	switch view {
	case ViewQuick, ViewFinal, ViewBest:
	default:
		return Results{}, fmt.Errorf("unknown view %q: use quick, final or best", view)
	}
	certs := make([]store.Certification, len(a.Summary.Certifications))
	for i, c := range a.Summary.Certifications {
		certs[i] = store.Certification{Contest: c.Contest, CertifiedAt: c.CertifiedAt, By: c.By}
	}
	return ComputeResults(a.Summary.Definition, view, a.Replay.Aggregates(), certs, a.Summary.ExportedAt), nil
}

// AuditEvidence reads and verifies an evidence file and replays its
// records, holding one record at a time. officeKey is the office key the
// caller trusts, or nil to take the file's own (Summary.OfficeKey, for the
// caller to compare with the key the office published). It uses no store:
// this is what an observer runs. A file refused is an error from package
// evidence (evidence.CodeOf gives its code).
func AuditEvidence(r io.Reader, officeKey ed25519.PublicKey) (*Audit, error) {
	er, err := evidence.NewReader(r, officeKey)
	if err != nil {
		return nil, err
	}
	a := &Audit{Replay: NewReplay(er.Summary().Definition)}
	for {
		it, err := er.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		a.Records++
		if err := a.Replay.Add(it.Record, it.EnvelopeHash, it.Key.EnrolledAt); err != nil {
			return nil, fmt.Errorf("evidence line %d: %w", it.Line, err)
		}
	}
	a.Summary = er.Summary()
	return a, nil
}
