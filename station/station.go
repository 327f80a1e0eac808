// Package station is the poll-station side of wahlkoffer without its
// screens: the board's election day as use cases that the terminal app and
// the command line both call. Each act of the board checks the rules
// against the station's state, and changes the state and adds a signed
// record to the outbox in one durable transaction.
//
// Time is injected (Options.Now), so tests and rehearsals run any day.
package station

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station/sqlite"
)

// StoreFile is the name of the store in the station's data folder.
const StoreFile = "station.db"

// Options tune a Station.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Station is one polling station's laptop: its store, its election and,
// once unlocked with the PIN, its signing key.
type Station struct {
	db       *sqlite.DB
	meta     sqlite.Meta
	def      *ballot.Definition
	district *ballot.District
	loc      *time.Location
	day      time.Time // 00:00 of the election day, local
	office   ed25519.PublicKey
	signer   seal.Signer
	unlocked bool
	now      func() time.Time
}

// Setup creates the station's store in dir from a sealed kit and its PIN.
// It checks the PIN, the kit and the office's signature on the election
// package before it writes anything, and refuses a folder that already
// holds a store. The kit is kept sealed in the store: the station key
// never rests unsealed.
func Setup(ctx context.Context, dir string, sealedKit []byte, pin string, o Options) (*Station, error) {
	k, err := kit.Open(sealedKit, pin)
	if err != nil {
		return nil, err
	}
	_, hash, err := k.Definition()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, StoreFile)
	if _, err := os.Lstat(path); err == nil {
		return nil, refuse(CodeStoreExists, "%s enthält schon eine Station; bitte einen anderen Ordner wählen.",
			"%s already holds a station store; use another folder.", dir)
	}
	created := false
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	_, err = sqlite.Create(ctx, path, sqlite.Meta{
		ElectionID: k.ElectionID, District: k.District, Station: k.Station, KeyID: string(k.StationKey.KeyID()),
		Package: k.Package, PackageHash: hash, OfficeKey: k.OfficeKey, TallyURLs: k.TallyURLs,
		SealedKit: sealedKit, SetUpAt: clock(o)().UTC(),
	})
	if err != nil {
		if created {
			_ = os.Remove(dir) // only if still empty: nothing half-made stays behind
		}
		if errors.Is(err, os.ErrExist) {
			return nil, refuse(CodeStoreExists, "%s enthält schon eine Station; bitte einen anderen Ordner wählen.",
				"%s already holds a station store; use another folder.", dir)
		}
		return nil, err
	}
	s, err := Open(ctx, dir, o)
	if err != nil {
		return nil, err
	}
	s.signer, s.unlocked = k.StationKey, true
	return s, nil
}

// Open opens the station in dir, locked: it can show its state, sync and
// export, but signs nothing until Unlock.
func Open(ctx context.Context, dir string, o Options) (*Station, error) {
	db, err := sqlite.Open(ctx, filepath.Join(dir, StoreFile))
	if errors.Is(err, sqlite.ErrNoStore) {
		return nil, fmt.Errorf("no station is set up in %s (run wahlkoffer station setup --data %s --kit KIT)", dir, dir)
	}
	if err != nil {
		return nil, err
	}
	s, err := load(ctx, db, clock(o))
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func clock(o Options) func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}

func load(ctx context.Context, db *sqlite.DB, now func() time.Time) (*Station, error) {
	var m sqlite.Meta
	if err := db.View(ctx, func(tx *sqlite.Tx) (err error) { m, err = tx.Meta(ctx); return err }); err != nil {
		return nil, err
	}
	office := ed25519.PublicKey(m.OfficeKey)
	raw, hash, err := seal.OpenPackage(m.Package, office)
	if err != nil {
		return nil, fmt.Errorf("the election package in the store does not verify: %w", err)
	}
	if hash != m.PackageHash {
		return nil, fmt.Errorf("the election package in the store has hash %s, the store says %s", hash, m.PackageHash)
	}
	def, err := ballot.ParseDefinition(raw)
	if err != nil {
		return nil, err
	}
	d, ok := def.District(m.District)
	if !ok {
		return nil, fmt.Errorf("district %q is not in the election package", m.District)
	}
	day, err := def.Election.Day()
	if err != nil {
		return nil, err
	}
	return &Station{db: db, meta: m, def: def, district: d, loc: day.Location(), day: day, office: office, now: now}, nil
}

// Unlock opens the sealed kit with the PIN, so that the station can sign.
// A wrong PIN is kit-pin-wrong and may be tried again.
func (s *Station) Unlock(pin string) error {
	k, err := kit.Open(s.meta.SealedKit, pin)
	if err != nil {
		return err
	}
	if string(k.StationKey.KeyID()) != s.meta.KeyID {
		return fmt.Errorf("the kit's station key %s is not the key this store was set up with", k.StationKey.KeyID())
	}
	s.signer, s.unlocked = k.StationKey, true
	return nil
}

// Unlocked reports whether the station can sign.
func (s *Station) Unlocked() bool { return s.unlocked }

// Close closes the store.
func (s *Station) Close() error { return s.db.Close() }

// DB is the station's store, for the outbox sender and the bundle export.
func (s *Station) DB() *sqlite.DB { return s.db }

// Definition is the election the station belongs to.
func (s *Station) Definition() *ballot.Definition { return s.def }

// District is the station's district.
func (s *Station) District() *ballot.District { return s.district }

// Identity is who the station is: election, district, station id, key id,
// tally URLs.
func (s *Station) Identity() sqlite.Meta { return s.meta }

// OfficeKey checks receipts.
func (s *Station) OfficeKey() ed25519.PublicKey { return s.office }

// Location is the election's time zone, for showing times.
func (s *Station) Location() *time.Location { return s.loc }

// Now is the station's clock.
func (s *Station) Now() time.Time { return s.now() }

// record signs body as the station's next record and adds it to the outbox
// in tx. The record's time is now; the act's own time is in the body.
func (s *Station) record(ctx context.Context, tx *sqlite.Tx, kind ballot.RecordKind, body any) (sqlite.Record, error) {
	if !s.unlocked {
		return sqlite.Record{}, refuse(CodeLocked, "Die Station ist gesperrt: erst mit der PIN entsperren.",
			"The station is locked: unlock it with the PIN first.")
	}
	seq, err := tx.NextSeq(ctx)
	if err != nil {
		return sqlite.Record{}, err
	}
	now := s.now().UTC()
	h := ballot.Header{ElectionID: s.meta.ElectionID, PackageHash: s.meta.PackageHash, District: s.meta.District,
		Station: s.meta.Station, Seq: seq, Time: now, Kind: kind}
	env, err := seal.SealRecord(s.signer, h, body)
	if err != nil {
		return sqlite.Record{}, err
	}
	raw, err := ballot.EncodeBody(kind, body)
	if err != nil {
		return sqlite.Record{}, err
	}
	r := sqlite.Record{Seq: seq, Kind: string(kind), Time: now, Body: raw, Envelope: env, EnvelopeHash: seal.EnvelopeHash(env)}
	return r, tx.InsertRecord(ctx, r)
}
