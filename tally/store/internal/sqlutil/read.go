package sqlutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Reader implements store.Reader over a connection pool.
type Reader struct {
	D *Dialect
	C Conn
}

var _ store.Reader = Reader{}

const (
	electionSQL = `SELECT election_id, definition, package, package_hash, office_public_key, created_at
		FROM election WHERE id = 1`
	stationKeyCols = `key_id, district, station, public_key, enrolled_at, revoked_at, revoke_reason`
	envelopeCols   = `hash, content_hash, key_id, district, station, seq, kind, record_time, received_at, via, bytes, receipt`
	countCols      = `district, contest, stage, version, seq, envelope_hash, numbers, key_enrolled_at`
	certCols       = `contest, certified_at, certified_by, revoked_at, revoked_by, reason`
)

// election reads the election, with its package if withPackage;
// store.ErrNotInitialised if there is none.
func (d *Dialect) election(ctx context.Context, c Conn, withPackage bool) (store.Election, error) {
	var e store.Election
	var created Time
	var pub []byte
	query, pkg := electionSQL, any(&e.Package)
	if !withPackage {
		query, pkg = strings.Replace(electionSQL, "package,", "NULL,", 1), new(any)
	}
	err := d.one(ctx, c, query, nil,
		&e.ID, &e.Definition, pkg, &e.PackageHash, &pub, &created)
	if errors.Is(err, store.ErrNotFound) {
		return store.Election{}, store.ErrNotInitialised
	}
	if err != nil {
		return store.Election{}, d.wrap(err, "read election")
	}
	e.OfficePublicKey, e.CreatedAt = pub, created.T
	return e, nil
}

func scanStationKey(r Rows) (store.StationKey, error) {
	var k store.StationKey
	var id string
	var pub []byte
	var enrolled, revoked Time
	err := r.Scan(&id, &k.District, &k.Station, &pub, &enrolled, &revoked, &k.RevokeReason)
	k.KeyID, k.PublicKey, k.EnrolledAt, k.RevokedAt = seal.KeyID(id), pub, enrolled.T, revoked.T
	return k, err
}

// stationKey reads one key, with lock appended to the query.
func (d *Dialect) stationKey(ctx context.Context, c Conn, id seal.KeyID, lock string) (store.StationKey, error) {
	var k store.StationKey
	err := each(ctx, c, `SELECT `+stationKeyCols+` FROM station_keys WHERE key_id = $1`+lock,
		[]any{string(id)}, func(r Rows) (err error) { k, err = scanStationKey(r); return err })
	if err != nil {
		return k, d.wrap(err, "read station key %s", id)
	}
	if k.KeyID == "" {
		return k, fmt.Errorf("station key %s: %w", id, store.ErrNotFound)
	}
	return k, nil
}

func scanEnvelope(r Rows) (store.Envelope, error) {
	var e store.Envelope
	var keyID, kind string
	var seq int64
	var recorded, received Time
	err := r.Scan(&e.Hash, &e.ContentHash, &keyID, &e.District, &e.Station, &seq, &kind,
		&recorded, &received, &e.Via, &e.Bytes, &e.Receipt)
	e.KeyID, e.Seq, e.Kind, e.RecordTime, e.ReceivedAt = seal.KeyID(keyID), uint64(seq), ballot.RecordKind(kind), recorded.T, received.T
	return e, err
}

func scanCount(r Rows) (store.CurrentCount, error) {
	var c store.CurrentCount
	var stage, numbers string
	var seq int64
	var enrolled Time
	if err := r.Scan(&c.District, &c.Contest, &stage, &c.Version, &seq, &c.EnvelopeHash, &numbers, &enrolled); err != nil {
		return c, err
	}
	c.Stage, c.Seq, c.KeyEnrolledAt = ballot.Stage(stage), uint64(seq), enrolled.T
	var err error
	c.Numbers, err = numbersOf(numbers)
	return c, err
}

func scanCertification(r Rows) (store.Certification, error) {
	var c store.Certification
	var certified, revoked Time
	err := r.Scan(&c.Contest, &certified, &c.By, &revoked, &c.RevokedBy, &c.Reason)
	c.CertifiedAt, c.RevokedAt = certified.T, revoked.T
	return c, err
}

func (d *Dialect) certifications(ctx context.Context, c Conn) ([]store.Certification, error) {
	return list(ctx, d, c, "certifications", `SELECT `+certCols+` FROM certifications ORDER BY contest`, scanCertification)
}

// Election implements store.Reader.
func (r Reader) Election(ctx context.Context) (store.Election, error) {
	return r.D.election(ctx, r.C, true)
}

// ElectionDefinition implements store.Reader.
func (r Reader) ElectionDefinition(ctx context.Context) (store.Election, error) {
	return r.D.election(ctx, r.C, false)
}

// StationKeys implements store.Reader.
func (r Reader) StationKeys(ctx context.Context) ([]store.StationKey, error) {
	return list(ctx, r.D, r.C, "station keys",
		`SELECT `+stationKeyCols+` FROM station_keys ORDER BY district, enrolled_at, key_id`, scanStationKey)
}

// StationKey implements store.Reader.
func (r Reader) StationKey(ctx context.Context, id seal.KeyID) (store.StationKey, error) {
	return r.D.stationKey(ctx, r.C, id, "")
}

// Envelopes implements store.Reader. It streams: one row at a time is in
// memory, however many there are.
func (r Reader) Envelopes(ctx context.Context, fn func(store.Envelope) error) error {
	var fnErr error
	err := each(ctx, r.C, `SELECT `+envelopeCols+` FROM envelopes ORDER BY ord`, nil, func(row Rows) error {
		e, err := scanEnvelope(row)
		if err != nil {
			return err
		}
		fnErr = fn(e)
		return fnErr
	})
	if fnErr != nil {
		return fnErr // fn's error as it is, as the contract says
	}
	return r.D.wrap(err, "read envelopes")
}

// EnvelopeCount implements store.Reader.
func (r Reader) EnvelopeCount(ctx context.Context) (int64, error) {
	var n int64
	err := r.D.one(ctx, r.C, `SELECT count(*) FROM envelopes`, nil, &n)
	return n, r.D.wrap(err, "count envelopes")
}

// Rejections implements store.Reader.
func (r Reader) Rejections(ctx context.Context) ([]store.Rejection, error) {
	return list(ctx, r.D, r.C, "rejections", `SELECT id, hash, district, station, seq, code, message, received_at, via, bytes
		FROM rejections ORDER BY id`, func(row Rows) (store.Rejection, error) {
		var j store.Rejection
		var seq int64
		var received Time
		err := row.Scan(&j.ID, &j.Hash, &j.District, &j.Station, &seq, &j.Code, &j.Message, &received, &j.Via, &j.Bytes)
		j.Seq, j.ReceivedAt = uint64(seq), received.T
		return j, err
	})
}

// Equivocations implements store.Reader.
func (r Reader) Equivocations(ctx context.Context) ([]store.Equivocation, error) {
	return list(ctx, r.D, r.C, "equivocations", `SELECT station, district, seq, first_hash, second_hash, detected_at
		FROM equivocations ORDER BY id`, func(row Rows) (store.Equivocation, error) {
		var e store.Equivocation
		var seq int64
		var detected Time
		err := row.Scan(&e.Station, &e.District, &seq, &e.FirstHash, &e.SecondHash, &detected)
		e.Seq, e.DetectedAt = uint64(seq), detected.T
		return e, err
	})
}

// CurrentCounts implements store.Reader.
func (r Reader) CurrentCounts(ctx context.Context) ([]store.CurrentCount, error) {
	return list(ctx, r.D, r.C, "current counts",
		`SELECT `+countCols+` FROM current_counts ORDER BY district, contest, stage`, scanCount)
}

// Attendance implements store.Reader.
func (r Reader) Attendance(ctx context.Context) ([]store.Attendance, error) {
	return list(ctx, r.D, r.C, "attendance", `SELECT district, person_id, name, role, at, checked_in, replaces, envelope_hash
		FROM attendance ORDER BY id`, func(row Rows) (store.Attendance, error) {
		var a store.Attendance
		var role string
		var at Time
		err := row.Scan(&a.District, &a.PersonID, &a.Name, &role, &at, &a.In, &a.Replaces, &a.EnvelopeHash)
		a.Role, a.At = ballot.Role(role), at.T
		return a, err
	})
}

// DistrictEvents implements store.Reader.
func (r Reader) DistrictEvents(ctx context.Context) ([]store.DistrictEvent, error) {
	return list(ctx, r.D, r.C, "district events", `SELECT district, kind, at, slot, voters, note, envelope_hash
		FROM district_events ORDER BY id`, func(row Rows) (store.DistrictEvent, error) {
		var e store.DistrictEvent
		var kind string
		var at Time
		err := row.Scan(&e.District, &kind, &at, &e.Slot, &e.Voters, &e.Text, &e.EnvelopeHash)
		e.Kind, e.At = ballot.RecordKind(kind), at.T
		return e, err
	})
}

// Certifications implements store.Reader.
func (r Reader) Certifications(ctx context.Context) ([]store.Certification, error) {
	return r.D.certifications(ctx, r.C)
}

// TokenByHash implements store.Reader.
func (r Reader) TokenByHash(ctx context.Context, hash string) (store.Token, error) {
	var t store.Token
	var created, revoked Time
	err := r.D.one(ctx, r.C, `SELECT id, name, role, hash, created_at, revoked_at FROM tokens WHERE hash = $1`,
		[]any{hash}, &t.ID, &t.Name, &t.Role, &t.Hash, &created, &revoked)
	if errors.Is(err, store.ErrNotFound) {
		return t, fmt.Errorf("token: %w", store.ErrNotFound)
	}
	t.CreatedAt, t.RevokedAt = created.T, revoked.T
	return t, r.D.wrap(err, "read token")
}

// AuditLog implements store.Reader.
func (r Reader) AuditLog(ctx context.Context) ([]store.AuditEntry, error) {
	return list(ctx, r.D, r.C, "audit log", `SELECT id, at, actor, action, subject, outcome, detail
		FROM audit_log ORDER BY id`, func(row Rows) (store.AuditEntry, error) {
		var e store.AuditEntry
		var at Time
		err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Subject, &e.Outcome, &e.Detail)
		e.At = at.T
		return e, err
	})
}
