package tally

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Codes of refused certifications.
const (
	CodeContestUnknown   = "contest-unknown"
	CodeAlreadyCertified = "already-certified"
	CodeNotCertified     = "not-certified"
	CodeReasonRequired   = "reason-required"
	// CodeContestIncomplete: districts of the contest have no final record;
	// certifying anyway needs CertifyIncomplete and a reason.
	CodeContestIncomplete = "contest-incomplete"
)

// Certify records the electoral committee's certification of a contest.
// From then on records of that contest are refused (contest-certified).
// A contest with districts still lacking their final record is refused
// (contest-incomplete, naming them); so are an unknown contest and one
// already certified. The attempt is in the audit log either way.
func (s *Service) Certify(ctx context.Context, contest, by string) error {
	return s.certify(ctx, contest, by, "")
}

// CertifyIncomplete certifies a contest although districts lack their
// final record, for what the law allows (a district counted together with
// another, a board's record handed in on paper only). The reason and the
// districts missing go into the audit log.
func (s *Service) CertifyIncomplete(ctx context.Context, contest, by, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return s.auditRefusal(ctx, s.clock().UTC(), orOffice(by), "certify", contest,
			refuse(CodeReasonRequired, http.StatusUnprocessableEntity, "certifying %s without every final record needs a reason", contest))
	}
	return s.certify(ctx, contest, by, reason)
}

func orOffice(by string) string {
	if by == "" {
		return "office"
	}
	return by
}

// missingFinal returns the districts that count the contest and have no
// final record.
func (s *Service) missingFinal(ctx context.Context, contest string) ([]string, error) {
	counts, err := s.store.CurrentCounts(ctx)
	if err != nil {
		return nil, err
	}
	final := map[string]bool{}
	for _, c := range counts {
		if c.Contest == contest && c.Stage == ballot.StageFinal {
			final[c.District] = true
		}
	}
	var missing []string
	for i := range s.def.Districts {
		d := &s.def.Districts[i]
		if final[d.ID] {
			continue
		}
		for _, c := range s.def.ContestsOf(d) {
			if c.ID == contest {
				missing = append(missing, d.ID)
				break
			}
		}
	}
	return missing, nil
}

func (s *Service) certify(ctx context.Context, contest, by, incompleteReason string) error {
	now := s.clock().UTC()
	by = orOffice(by)
	if _, _, ok := s.def.Contest(contest); !ok {
		return s.auditRefusal(ctx, now, by, "certify", contest,
			refuse(CodeContestUnknown, http.StatusNotFound, "contest %q is not in the election definition", contest))
	}
	missing, err := s.missingFinal(ctx, contest)
	if err != nil {
		return err
	}
	var refusal *Error
	err = s.store.InTx(ctx, func(tx store.Tx) error {
		refusal = nil
		cur, err := certificationOf(ctx, tx, contest)
		if err != nil {
			return err
		}
		detail := ""
		switch {
		case cur != nil && cur.RevokedAt.IsZero():
			refusal = refuse(CodeAlreadyCertified, http.StatusConflict, "contest %s was certified by %s at %s",
				contest, cur.By, cur.CertifiedAt.Format("2006-01-02 15:04:05Z"))
		case len(missing) > 0 && incompleteReason == "":
			refusal = refuse(CodeContestIncomplete, http.StatusConflict, "%d districts of %s have no final record yet (%s)",
				len(missing), contest, listSome(missing))
		case len(missing) > 0:
			detail = fmt.Sprintf("certified without the final records of %d districts (%s): %s", len(missing), listSome(missing), incompleteReason)
		}
		if refusal != nil {
			return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "certify", Subject: contest,
				Outcome: refusal.Code, Detail: refusal.Message})
		}
		if err := tx.PutCertification(ctx, store.Certification{Contest: contest, CertifiedAt: now, By: by}); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: by, Action: "certify", Subject: contest, Outcome: "ok", Detail: detail})
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	s.log.Info("contest certified", "contest", contest, "by", by, "missing", len(missing))
	return nil
}

// listSome names up to ten districts.
func listSome(ids []string) string {
	list := strings.Join(ids[:min(len(ids), 10)], ", ")
	if len(ids) > 10 {
		list += ", …"
	}
	return list
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
// AuditRefused writes an office action refused before the service saw it
// (a certification asked for with a token that may not certify) to the
// audit log, with who tried and why it was refused.
func (s *Service) AuditRefused(ctx context.Context, actor, action, subject, code, message string) error {
	err := s.auditRefusal(ctx, s.clock().UTC(), actor, action, subject, &Error{Code: code, Message: message})
	var refusal *Error
	if errors.As(err, &refusal) {
		return nil // written; the refusal is the caller's to answer
	}
	return err
}

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
