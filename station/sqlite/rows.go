package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// Meta is who the station is: what setup took from the kit.
type Meta struct {
	ElectionID  string
	District    string
	Station     string
	KeyID       string
	Package     []byte // the signed election package, verbatim
	PackageHash string
	OfficeKey   []byte // Ed25519 public key
	TallyURLs   []string
	SealedKit   []byte // the kit as handed over: the station key stays sealed with the PIN
	SetUpAt     time.Time
}

// Record is one signed record of the station and its delivery.
type Record struct {
	Seq          uint64
	Kind         string
	Time         time.Time
	Body         []byte // the body as signed (canonical JSON)
	Envelope     []byte
	EnvelopeHash string

	State          outbox.State
	Attempts       int
	LastAttemptAt  time.Time
	Receipt        []byte
	ReceivedAt     time.Time
	AcknowledgedAt time.Time
	RejectCode     string
	RejectMessage  string
	RejectStatus   int
	RejectedAt     time.Time
}

// Member is a person entered on the day (the office's roster is in the
// election package).
type Member struct {
	ID, Name, Role string
	AddedAt        time.Time
}

// Entry is one of the two entries of a contest's count.
type Entry struct {
	Contest   string
	Slot      int // 1 or 2
	EnteredBy string
	Figures   []byte // JSON of the count as entered
	EnteredAt time.Time
}

func (tx *Tx) putMeta(ctx context.Context, m Meta) error {
	urls, err := json.Marshal(m.TallyURLs)
	if err != nil {
		return err
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO station (id, election_id, district, station, key_id, package,
		package_hash, office_key, tally_urls, sealed_kit, set_up_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ElectionID, m.District, m.Station, m.KeyID, m.Package, m.PackageHash, m.OfficeKey, string(urls),
		m.SealedKit, textTime(m.SetUpAt))
	return err
}

// Meta returns the station's identity.
func (tx *Tx) Meta(ctx context.Context) (Meta, error) {
	var m Meta
	var urls string
	var setUp sql.NullString
	err := tx.tx.QueryRowContext(ctx, `SELECT election_id, district, station, key_id, package, package_hash,
		office_key, tally_urls, sealed_kit, set_up_at FROM station WHERE id = 1`).
		Scan(&m.ElectionID, &m.District, &m.Station, &m.KeyID, &m.Package, &m.PackageHash, &m.OfficeKey, &urls,
			&m.SealedKit, &setUp)
	if errors.Is(err, sql.ErrNoRows) {
		return Meta{}, fmt.Errorf("station identity: %w", ErrNotFound)
	}
	if err != nil {
		return Meta{}, err
	}
	if err := json.Unmarshal([]byte(urls), &m.TallyURLs); err != nil {
		return Meta{}, fmt.Errorf("tally urls: %w", err)
	}
	m.SetUpAt, err = parseTime(setUp)
	return m, err
}

// NextSeq returns the sequence number the next record takes.
func (tx *Tx) NextSeq(ctx context.Context) (uint64, error) {
	var last sql.NullInt64
	if err := tx.tx.QueryRowContext(ctx, "SELECT max(seq) FROM records").Scan(&last); err != nil {
		return 0, err
	}
	return uint64(last.Int64) + 1, nil
}

// InsertRecord adds a signed record to the outbox, pending.
func (tx *Tx) InsertRecord(ctx context.Context, r Record) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO records (seq, kind, time, body, envelope, envelope_hash)
		VALUES (?, ?, ?, ?, ?, ?)`, int64(r.Seq), r.Kind, textTime(r.Time), r.Body, r.Envelope, r.EnvelopeHash)
	return err
}

const recordColumns = `seq, kind, time, body, envelope, envelope_hash, state, attempts, last_attempt_at, receipt,
	received_at, acknowledged_at, reject_code, reject_message, reject_status, rejected_at`

// Records returns every record in sequence order.
func (tx *Tx) Records(ctx context.Context) ([]Record, error) {
	return tx.records(ctx, "SELECT "+recordColumns+" FROM records ORDER BY seq")
}

func (tx *Tx) records(ctx context.Context, query string, args ...any) ([]Record, error) {
	rows, err := tx.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		var seq int64
		var at, lastAttempt, receivedAt, ackAt, rejectedAt sql.NullString
		var code, msg sql.NullString
		var status sql.NullInt64
		var state string
		if err := rows.Scan(&seq, &r.Kind, &at, &r.Body, &r.Envelope, &r.EnvelopeHash, &state, &r.Attempts,
			&lastAttempt, &r.Receipt, &receivedAt, &ackAt, &code, &msg, &status, &rejectedAt); err != nil {
			return nil, err
		}
		r.Seq, r.State = uint64(seq), outbox.State(state)
		r.RejectCode, r.RejectMessage, r.RejectStatus = code.String, msg.String, int(status.Int64)
		for _, p := range []struct {
			dst *time.Time
			src sql.NullString
		}{{&r.Time, at}, {&r.LastAttemptAt, lastAttempt}, {&r.ReceivedAt, receivedAt}, {&r.AcknowledgedAt, ackAt}, {&r.RejectedAt, rejectedAt}} {
			if *p.dst, err = parseTime(p.src); err != nil {
				return nil, fmt.Errorf("record %d: %w", seq, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutMember adds a person entered on the day.
func (tx *Tx) PutMember(ctx context.Context, m Member) error {
	_, err := tx.tx.ExecContext(ctx, "INSERT INTO members (id, name, role, added_at) VALUES (?, ?, ?, ?)",
		m.ID, m.Name, m.Role, textTime(m.AddedAt))
	return err
}

// Members returns the people entered on the day, in the order they were added.
func (tx *Tx) Members(ctx context.Context) ([]Member, error) {
	rows, err := tx.tx.QueryContext(ctx, "SELECT id, name, role, added_at FROM members ORDER BY added_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var at sql.NullString
		if err := rows.Scan(&m.ID, &m.Name, &m.Role, &at); err != nil {
			return nil, err
		}
		if m.AddedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PutEntry stores an entry, replacing the one in its slot.
func (tx *Tx) PutEntry(ctx context.Context, e Entry) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO count_entries (contest, slot, entered_by, figures, entered_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (contest, slot) DO UPDATE SET entered_by = excluded.entered_by,
		figures = excluded.figures, entered_at = excluded.entered_at`,
		e.Contest, e.Slot, e.EnteredBy, e.Figures, textTime(e.EnteredAt))
	return err
}

// DeleteEntries removes both entries of a contest.
func (tx *Tx) DeleteEntries(ctx context.Context, contest string) error {
	_, err := tx.tx.ExecContext(ctx, "DELETE FROM count_entries WHERE contest = ?", contest)
	return err
}

// Entries returns the entries of every contest, by contest and slot.
func (tx *Tx) Entries(ctx context.Context) ([]Entry, error) {
	rows, err := tx.tx.QueryContext(ctx, "SELECT contest, slot, entered_by, figures, entered_at FROM count_entries ORDER BY contest, slot")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at sql.NullString
		if err := rows.Scan(&e.Contest, &e.Slot, &e.EnteredBy, &e.Figures, &at); err != nil {
			return nil, err
		}
		if e.EnteredAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Undelivered implements outbox.Store.
func (db *DB) Undelivered(ctx context.Context) ([]outbox.Item, error) {
	var recs []Record
	err := db.View(ctx, func(tx *Tx) (err error) {
		recs, err = tx.records(ctx, "SELECT "+recordColumns+" FROM records WHERE state IN ('pending', 'sent') ORDER BY seq")
		return err
	})
	items := make([]outbox.Item, len(recs))
	for i, r := range recs {
		items[i] = outbox.Item{Seq: r.Seq, Kind: r.Kind, Envelope: r.Envelope, State: r.State, Attempts: r.Attempts}
	}
	return items, err
}

// MarkSent implements outbox.Store.
func (db *DB) MarkSent(ctx context.Context, seq uint64, at time.Time) error {
	return db.mark(ctx, seq, `UPDATE records SET attempts = attempts + 1, last_attempt_at = ?,
		state = CASE WHEN state = 'pending' THEN 'sent' ELSE state END WHERE seq = ?`, textTime(at), int64(seq))
}

// MarkAcknowledged implements outbox.Store.
func (db *DB) MarkAcknowledged(ctx context.Context, seq uint64, d outbox.Delivery) error {
	return db.mark(ctx, seq, `UPDATE records SET state = 'acknowledged', receipt = ?, received_at = ?,
		acknowledged_at = ? WHERE seq = ?`, d.Receipt, textTime(d.ReceivedAt), textTime(d.At), int64(seq))
}

// Requeue puts rejected records back in the outbox as pending, to be sent
// again once the cause is gone (a certification revoked, a key enrolled
// again by mistake and fixed). It returns how many it put back. The
// rejection itself is forgotten: the tally keeps it as evidence.
func (db *DB) Requeue(ctx context.Context) (int, error) {
	var n int64
	err := db.Update(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE records SET state = 'pending', reject_code = NULL, reject_message = NULL,
			reject_status = NULL, rejected_at = NULL WHERE state = 'rejected'`)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// MarkRejected implements outbox.Store.
func (db *DB) MarkRejected(ctx context.Context, seq uint64, r outbox.Rejection) error {
	return db.mark(ctx, seq, `UPDATE records SET state = 'rejected', reject_code = ?, reject_message = ?,
		reject_status = ?, rejected_at = ? WHERE seq = ? AND state <> 'acknowledged'`,
		r.Code, r.Message, r.Status, textTime(r.At), int64(seq))
}

func (db *DB) mark(ctx context.Context, seq uint64, query string, args ...any) error {
	return db.Update(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var exists bool
			if err := tx.tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM records WHERE seq = ?)", int64(seq)).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("record %d: %w", seq, ErrNotFound)
			}
		}
		return nil
	})
}
