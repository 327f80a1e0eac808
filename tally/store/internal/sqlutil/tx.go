package sqlutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Tx implements store.Tx over an open transaction.
type Tx struct {
	d *Dialect
	c TxConn
	// conflict is the first conflict a statement met. PostgreSQL aborts
	// the transaction there, so it must not commit even if fn swallowed
	// the error; SQLite is made to behave the same.
	conflict error
	ended    bool
	// absent holds the count keys CurrentCountForUpdate found no row for:
	// PutCurrentCount must insert those, never update a row that another
	// transaction inserted since (READ COMMITTED would let it).
	absent map[store.CountKey]bool
}

var _ store.Tx = (*Tx)(nil)

var errEnded = errors.New("transaction used after InTx returned")

// exec runs a write and notes conflicts.
func (t *Tx) exec(ctx context.Context, what string, query string, args ...any) (int64, error) {
	if t.ended {
		return 0, errEnded
	}
	n, err := t.c.Exec(ctx, query, args...)
	return n, t.note(t.d.wrap(err, "%s", what))
}

// note remembers the first conflict.
func (t *Tx) note(err error) error {
	if t.conflict == nil && errors.Is(err, store.ErrConflict) {
		t.conflict = err
	}
	return err
}

// conn is the connection for reads, which may meet a conflict too (a
// deadlock while waiting for a row lock).
func (t *Tx) conn() (Conn, error) {
	if t.ended {
		return nil, errEnded
	}
	return t.c, nil
}

// Election implements store.Tx.
func (t *Tx) Election(ctx context.Context) (store.Election, error) {
	c, err := t.conn()
	if err != nil {
		return store.Election{}, err
	}
	e, err := t.d.election(ctx, c, true)
	return e, t.note(err)
}

// InitElection implements store.Tx.
func (t *Tx) InitElection(ctx context.Context, e store.Election) error {
	if _, err := t.Election(ctx); err == nil {
		return fmt.Errorf("election: %w", store.ErrExists)
	} else if !errors.Is(err, store.ErrNotInitialised) {
		return err
	}
	// A concurrent init takes the single row first: a conflict, and the
	// retry sees the election and says ErrExists.
	_, err := t.exec(ctx, "insert election", `INSERT INTO election
		(id, election_id, definition, package, package_hash, office_public_key, created_at)
		VALUES (1, $1, $2, $3, $4, $5, $6)`,
		e.ID, e.Definition, e.Package, e.PackageHash, []byte(e.OfficePublicKey), t.d.timeArg(e.CreatedAt))
	return err
}

// StationKey implements store.Tx. Where rows lock, the key stays locked
// against revocation until the transaction ends.
func (t *Tx) StationKey(ctx context.Context, id seal.KeyID) (store.StationKey, error) {
	c, err := t.conn()
	if err != nil {
		return store.StationKey{}, err
	}
	k, err := t.d.stationKey(ctx, c, id, t.d.ForShare)
	return k, t.note(err)
}

// StationKeysOf implements store.Tx.
func (t *Tx) StationKeysOf(ctx context.Context, ids []seal.KeyID) (map[seal.KeyID]store.StationKey, error) {
	out := make(map[seal.KeyID]store.StationKey, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	c, err := t.conn()
	if err != nil {
		return nil, err
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = string(id), fmt.Sprintf("$%d", i+1)
	}
	err = each(ctx, c, `SELECT `+stationKeyCols+` FROM station_keys WHERE key_id IN (`+strings.Join(marks, ", ")+`)`+t.d.ForShare,
		args, func(r Rows) error {
			k, err := scanStationKey(r)
			out[k.KeyID] = k
			return err
		})
	if err != nil {
		return nil, t.note(t.d.wrap(err, "read %d station keys", len(ids)))
	}
	return out, nil
}

// AddStationKey implements store.Tx: ErrExists if the key id is enrolled
// or the district has a valid key (revoke it first).
func (t *Tx) AddStationKey(ctx context.Context, k store.StationKey) error {
	c, err := t.conn()
	if err != nil {
		return err
	}
	var holder string
	err = t.d.one(ctx, c, `SELECT key_id FROM station_keys WHERE key_id = $1 OR (district = $2 AND revoked_at IS NULL)`,
		[]any{string(k.KeyID), k.District}, &holder)
	switch {
	case err == nil:
		return fmt.Errorf("station key %s for district %s: key %s is there: %w", k.KeyID, k.District, holder, store.ErrExists)
	case !errors.Is(err, store.ErrNotFound):
		return t.note(t.d.wrap(err, "look up station keys"))
	}
	// The unique index on the valid key of a district turns a concurrent
	// enrollment into a conflict.
	_, err = t.exec(ctx, "insert station key "+string(k.KeyID), `INSERT INTO station_keys
		(key_id, district, station, public_key, enrolled_at, revoked_at, revoke_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		string(k.KeyID), k.District, k.Station, []byte(k.PublicKey), t.d.timeArg(k.EnrolledAt), t.d.timeArg(k.RevokedAt), k.RevokeReason)
	return err
}

// RevokeDistrictKeys implements store.Tx.
func (t *Tx) RevokeDistrictKeys(ctx context.Context, district string, at time.Time, reason string) (int, error) {
	if at.IsZero() {
		return 0, errors.New("revoke district keys: no time given")
	}
	n, err := t.exec(ctx, "revoke keys of district "+district, `UPDATE station_keys SET revoked_at = $1, revoke_reason = $2
		WHERE district = $3 AND revoked_at IS NULL`, t.d.Time(at), reason, district)
	return int(n), err
}

// PriorEnvelopes implements store.Tx: the three lookups in one
// statement, each by its own unique index.
func (t *Tx) PriorEnvelopes(ctx context.Context, id store.EnvelopeID) ([]store.Envelope, error) {
	c, err := t.conn()
	if err != nil {
		return nil, err
	}
	seq, err := seqArg(id.Seq)
	if err != nil {
		return nil, err
	}
	var out []store.Envelope
	err = each(ctx, c, `SELECT `+envelopeCols+` FROM envelopes WHERE hash = $1
		UNION ALL SELECT `+envelopeCols+` FROM envelopes WHERE content_hash = $2
		UNION ALL SELECT `+envelopeCols+` FROM envelopes WHERE station = $3 AND seq = $4`,
		[]any{id.Hash, id.ContentHash, id.Station, seq}, func(r Rows) error {
			e, err := scanEnvelope(r)
			if err == nil && !slices.ContainsFunc(out, func(o store.Envelope) bool { return o.Hash == e.Hash }) {
				out = append(out, e)
			}
			return err
		})
	if err != nil {
		return nil, t.note(t.d.wrap(err, "read the envelopes like %s (station %s, seq %d)", id.Hash, id.Station, id.Seq))
	}
	return out, nil
}

// InsertEnvelope implements store.Tx; the unique keys on hash, content
// hash and (station, seq) make a concurrent twin a conflict.
func (t *Tx) InsertEnvelope(ctx context.Context, e store.Envelope) error {
	seq, err := seqArg(e.Seq)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert envelope "+e.Hash, `INSERT INTO envelopes
		(hash, content_hash, key_id, district, station, seq, kind, record_time, received_at, via, bytes, receipt)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.Hash, e.ContentHash, string(e.KeyID), e.District, e.Station, seq, string(e.Kind),
		t.d.timeArg(e.RecordTime), t.d.timeArg(e.ReceivedAt), e.Via, nonNil(e.Bytes), e.Receipt)
	return err
}

// InsertRejection implements store.Tx.
func (t *Tx) InsertRejection(ctx context.Context, r store.Rejection) error {
	seq, err := seqArg(r.Seq)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert rejection "+r.Hash, `INSERT INTO rejections
		(hash, district, station, seq, code, message, received_at, via, bytes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.Hash, r.District, r.Station, seq, r.Code, r.Message, t.d.timeArg(r.ReceivedAt), r.Via, nonNil(r.Bytes))
	return err
}

// InsertEquivocation implements store.Tx. The same pair again (the
// refused envelope sent twice) is one equivocation, so it is not an error.
func (t *Tx) InsertEquivocation(ctx context.Context, e store.Equivocation) error {
	seq, err := seqArg(e.Seq)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, "insert equivocation", `INSERT INTO equivocations
		(station, district, seq, first_hash, second_hash, detected_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (station, seq, first_hash, second_hash) DO NOTHING`,
		e.Station, e.District, seq, e.FirstHash, e.SecondHash, t.d.timeArg(e.DetectedAt))
	return err
}

// CurrentCountForUpdate implements store.Tx.
func (t *Tx) CurrentCountForUpdate(ctx context.Context, k store.CountKey) (store.CurrentCount, error) {
	c, err := t.conn()
	if err != nil {
		return store.CurrentCount{}, err
	}
	var cc store.CurrentCount
	found := false
	err = each(ctx, c, `SELECT `+countCols+` FROM current_counts WHERE district = $1 AND contest = $2 AND stage = $3`+t.d.ForUpdate,
		[]any{k.District, k.Contest, string(k.Stage)}, func(r Rows) (err error) {
			cc, err = scanCount(r)
			found = true
			return err
		})
	if err != nil {
		return cc, t.note(t.d.wrap(err, "read current count %v", k))
	}
	if !found {
		if t.absent == nil {
			t.absent = map[store.CountKey]bool{}
		}
		t.absent[k] = true
		return cc, fmt.Errorf("current count %v: %w", k, store.ErrNotFound)
	}
	delete(t.absent, k)
	return cc, nil
}

// PutCurrentCount implements store.Tx. Where CurrentCountForUpdate found
// no row, it inserts, and a row another transaction inserted since is a
// conflict (an upsert would silently overwrite it); otherwise it updates
// the row, which the caller locked, and inserts if there is none.
func (t *Tx) PutCurrentCount(ctx context.Context, c store.CurrentCount) error {
	seq, err := seqArg(c.Seq)
	if err != nil {
		return err
	}
	numbers, err := numbersText(c.Numbers)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("put current count %v", c.CountKey)
	args := []any{c.District, c.Contest, string(c.Stage), c.Version, seq, c.EnvelopeHash, numbers, t.d.timeArg(c.KeyEnrolledAt)}
	if !t.absent[c.CountKey] {
		n, err := t.exec(ctx, what, `UPDATE current_counts SET version = $4, seq = $5, envelope_hash = $6, numbers = $7,
			key_enrolled_at = $8 WHERE district = $1 AND contest = $2 AND stage = $3`, args...)
		if err != nil || n > 0 {
			return err
		}
	}
	_, err = t.exec(ctx, what, `INSERT INTO current_counts (`+countCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, args...)
	if err == nil {
		delete(t.absent, c.CountKey)
	}
	return err
}

// InsertAttendance implements store.Tx.
func (t *Tx) InsertAttendance(ctx context.Context, a store.Attendance) error {
	_, err := t.exec(ctx, "insert attendance", `INSERT INTO attendance
		(district, person_id, name, role, at, checked_in, replaces, envelope_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.District, a.PersonID, a.Name, string(a.Role), t.d.timeArg(a.At), a.In, a.Replaces, a.EnvelopeHash)
	return err
}

// InsertDistrictEvent implements store.Tx.
func (t *Tx) InsertDistrictEvent(ctx context.Context, e store.DistrictEvent) error {
	_, err := t.exec(ctx, "insert district event", `INSERT INTO district_events
		(district, kind, at, slot, voters, note, envelope_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.District, string(e.Kind), t.d.timeArg(e.At), e.Slot, e.Voters, e.Text, e.EnvelopeHash)
	return err
}

// Certifications implements store.Tx. Where the dialect locks, no
// certification can change until this transaction ends.
func (t *Tx) Certifications(ctx context.Context) ([]store.Certification, error) {
	c, err := t.conn()
	if err != nil {
		return nil, err
	}
	if t.d.LockCertifications != nil {
		if err := t.d.LockCertifications(ctx, c, false); err != nil {
			return nil, t.note(t.d.wrap(err, "lock certifications"))
		}
	}
	cs, err := t.d.certifications(ctx, c)
	return cs, t.note(err)
}

// PutCertification implements store.Tx (insert or replace by contest).
func (t *Tx) PutCertification(ctx context.Context, c store.Certification) error {
	conn, err := t.conn()
	if err != nil {
		return err
	}
	if t.d.LockCertifications != nil {
		if err := t.d.LockCertifications(ctx, conn, true); err != nil {
			return t.note(t.d.wrap(err, "lock certifications"))
		}
	}
	_, err = t.exec(ctx, "put certification of "+c.Contest, `INSERT INTO certifications (`+certCols+`)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (contest) DO UPDATE SET certified_at = excluded.certified_at, certified_by = excluded.certified_by,
			revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by, reason = excluded.reason`,
		c.Contest, t.d.timeArg(c.CertifiedAt), c.By, t.d.timeArg(c.RevokedAt), c.RevokedBy, c.Reason)
	return err
}

// InsertToken implements store.Tx.
func (t *Tx) InsertToken(ctx context.Context, tok store.Token) error {
	_, err := t.exec(ctx, "insert token "+tok.ID, `INSERT INTO tokens (id, name, role, hash, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		tok.ID, tok.Name, tok.Role, tok.Hash, t.d.timeArg(tok.CreatedAt), t.d.timeArg(tok.RevokedAt))
	return err
}

// AppendAudit implements store.Tx.
func (t *Tx) AppendAudit(ctx context.Context, e store.AuditEntry) error {
	_, err := t.exec(ctx, "append audit entry", `INSERT INTO audit_log (at, actor, action, subject, outcome, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		t.d.timeArg(e.At), e.Actor, e.Action, e.Subject, e.Outcome, e.Detail)
	return err
}

// nonNil stores an absent byte slice as an empty one: evidence columns
// are NOT NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
