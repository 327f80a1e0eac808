package tally

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Codes of refused certifications.
const (
	CodeContestUnknown   = "contest-unknown"
	CodeAlreadyCertified = "already-certified"
	CodeNotCertified     = "not-certified"
	CodeReasonRequired   = "reason-required"
)

// Certify records the electoral committee's certification of a contest.
// From then on records of that contest are refused (contest-certified).
// An unknown contest or one already certified is refused with a code; the
// attempt is in the audit log either way.
func (s *Service) Certify(ctx context.Context, contest, by string) error {
	now := s.clock().UTC()
	if by == "" {
		by = "office"
	}
	if _, _, ok := s.def.Contest(contest); !ok {
		return s.auditRefusal(ctx, now, by, "certify", contest,
			refuse(CodeContestUnknown, http.StatusNotFound, "contest %q is not in the election definition", contest))
	}
	var refusal *Error
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		refusal = nil
		cur, err := certificationOf(ctx, tx, contest)
		if err != nil {
			return err
		}
		if cur != nil && cur.RevokedAt.IsZero() {
			refusal = refuse(CodeAlreadyCertified, http.StatusConflict, "contest %s was certified by %s at %s",
				contest, cur.By, cur.CertifiedAt.Format("2006-01-02 15:04:05Z"))
			return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "certify", Subject: contest,
				Outcome: refusal.Code, Detail: refusal.Message})
		}
		if err := tx.PutCertification(ctx, store.Certification{Contest: contest, CertifiedAt: now, By: by}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "certify", Subject: contest, Outcome: "ok"})
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	s.log.Info("contest certified", "contest", contest, "by", by)
	return nil
}

// RevokeCertification withdraws a contest's certification, with a reason:
// records of the contest are taken in again. A contest that is not
// certified is refused with a code.
func (s *Service) RevokeCertification(ctx context.Context, contest, by, reason string) error {
	now := s.clock().UTC()
	if by == "" {
		by = "office"
	}
	reason = strings.TrimSpace(reason)
	if _, _, ok := s.def.Contest(contest); !ok {
		return s.auditRefusal(ctx, now, by, "revoke-certification", contest,
			refuse(CodeContestUnknown, http.StatusNotFound, "contest %q is not in the election definition", contest))
	}
	if reason == "" {
		return s.auditRefusal(ctx, now, by, "revoke-certification", contest,
			refuse(CodeReasonRequired, http.StatusUnprocessableEntity, "revoking the certification of %s needs a reason", contest))
	}
	var refusal *Error
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		refusal = nil
		cur, err := certificationOf(ctx, tx, contest)
		if err != nil {
			return err
		}
		if cur == nil || !cur.RevokedAt.IsZero() {
			refusal = refuse(CodeNotCertified, http.StatusConflict, "contest %s is not certified", contest)
			return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "revoke-certification", Subject: contest,
				Outcome: refusal.Code, Detail: refusal.Message})
		}
		c := *cur
		c.RevokedAt, c.RevokedBy, c.Reason = now, by, reason
		if err := tx.PutCertification(ctx, c); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "revoke-certification", Subject: contest,
			Outcome: "ok", Detail: reason})
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	s.log.Warn("certification revoked", "contest", contest, "by", by, "reason", reason)
	return nil
}

// ContestIDs lists the contests of the election in ballot order.
func (s *Service) ContestIDs() []string {
	var out []string
	for _, b := range s.def.Ballots {
		for _, c := range b.Contests {
			out = append(out, c.ID)
		}
	}
	return out
}

func certificationOf(ctx context.Context, tx store.Tx, contest string) (*store.Certification, error) {
	certs, err := tx.Certifications(ctx)
	if err != nil {
		return nil, err
	}
	for i := range certs {
		if certs[i].Contest == contest {
			return &certs[i], nil
		}
	}
	return nil, nil
}

// auditRefusal logs a refused office action and returns the refusal; if
// the audit log cannot be written, that error is returned instead.
func (s *Service) auditRefusal(ctx context.Context, now time.Time, actor, action, subject string, refusal *Error) error {
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: actor, Action: action, Subject: subject,
			Outcome: refusal.Code, Detail: refusal.Message})
	})
	if err != nil {
		return err
	}
	return refusal
}
