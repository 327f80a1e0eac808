package tally

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Service is the election office's tally: it takes signed records in,
// keeps them and the state derived from them, and answers what the office
// asks. It holds no state of its own that matters for correctness, so
// several services may share one PostgreSQL store.
type Service struct {
	store    store.Store
	office   seal.Signer
	clock    func() time.Time
	log      *slog.Logger
	election store.Election
	def      *ballot.Definition
	district map[string]*ballot.District
	batch    *batcher // nil: one transaction per record
	keys     sync.Map // seal.KeyID → ed25519.PublicKey of keys found once
}

// Options configure a Service; zero values take defaults.
type Options struct {
	Clock       func() time.Time // default time.Now
	Logger      *slog.Logger     // default slog.Default()
	GroupCommit GroupCommit      // off when zero
}

// New opens the service on a store that holds an election. office is the
// key receipts and evidence are signed with; it must be the key the
// election package was signed with. The zero Signer opens the service
// without it: everything works but Ingest and ExportEvidence, so that
// reading results needs no access to the signing key.
func New(ctx context.Context, st store.Store, office seal.Signer, o Options) (*Service, error) {
	e, err := st.ElectionDefinition(ctx) // the package is read when evidence needs it
	if err != nil {
		if errors.Is(err, store.ErrNotInitialised) {
			return nil, refuse(CodeNotInitialised, 503, "the store holds no election; run tally init first")
		}
		return nil, err
	}
	if office.KeyID() != "" && !office.Public().Equal(e.OfficePublicKey) {
		return nil, fmt.Errorf("the office key %s is not the key of this election (%s)", office.KeyID(), seal.KeyIDOf(e.OfficePublicKey))
	}
	def, err := ballot.ParseDefinition(e.Definition)
	if err != nil {
		return nil, fmt.Errorf("the stored election definition does not parse: %w", err)
	}
	s := &Service{store: st, office: office, clock: o.Clock, log: o.Logger, election: e, def: def,
		district: make(map[string]*ballot.District, len(def.Districts))}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	for i := range def.Districts {
		s.district[def.Districts[i].ID] = &def.Districts[i]
	}
	if o.GroupCommit.Writers > 0 {
		// A server looks up a key for every record; it reads them all now
		// (some megabytes for 100,000 districts) instead of one by one in
		// the first hour of the evening. Keys enrolled later are found
		// when their first record comes.
		keys, err := st.StationKeys(ctx)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			s.keys.Store(k.KeyID, k.PublicKey)
		}
	}
	s.startBatcher(o.GroupCommit)
	return s, nil
}

// Close stops taking records in: the batches committing finish, records
// waiting for a writer are answered with ErrClosed. The store stays open
// (it is the caller's).
func (s *Service) Close() {
	if s.batch != nil {
		s.batch.close()
	}
}

// ErrNoOfficeKey: the service was opened without the office key.
var ErrNoOfficeKey = errors.New("the tally was opened without the office key, which signs receipts and evidence")

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock() }

// Definition returns the election definition the service serves.
func (s *Service) Definition() *ballot.Definition { return s.def }

// Election returns the stored election without its signed package
// (Package is nil; see Package), which a service seldom needs and which
// is as large as the definition again.
func (s *Service) Election() store.Election { return s.election }

// Package reads the signed election package (for kits and evidence).
func (s *Service) Package(ctx context.Context) ([]byte, error) {
	e, err := s.store.Election(ctx)
	if err != nil {
		return nil, err
	}
	return e.Package, nil
}

// Init stores a new election: it validates the definition, signs the
// election package with the office key and keeps both. It refuses a store
// that already holds an election.
func Init(ctx context.Context, st store.Store, definition []byte, office seal.Signer, now time.Time) (store.Election, error) {
	def, err := ballot.ParseDefinition(definition)
	if err != nil {
		return store.Election{}, err
	}
	pkg, err := seal.SealPackage(office, definition)
	if err != nil {
		return store.Election{}, err
	}
	e := store.Election{
		ID: def.Election.ID, Definition: definition, Package: pkg, PackageHash: seal.PackageHash(definition),
		OfficePublicKey: office.Public(), CreatedAt: now.UTC(),
	}
	err = st.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InitElection(ctx, e); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: e.CreatedAt, Actor: "office", Action: "init",
			Subject: e.ID, Outcome: "ok", Detail: "package " + e.PackageHash})
	})
	return e, err
}

// EnrollKey binds a station's public key to a district. Earlier keys of
// the district are revoked: a replacement laptop takes over, and records
// signed by the old one are refused from now on.
func (s *Service) EnrollKey(ctx context.Context, district, station string, pub ed25519.PublicKey) (store.StationKey, error) {
	if s.district[district] == nil {
		return store.StationKey{}, refuse(CodeDistrictUnknown, 422, "district %q is not in the election definition", district)
	}
	now := s.clock().UTC()
	k := store.StationKey{KeyID: seal.KeyIDOf(pub), District: district, Station: station, PublicKey: pub, EnrolledAt: now}
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		revoked, err := tx.RevokeDistrictKeys(ctx, district, now, "replaced by "+string(k.KeyID))
		if err != nil {
			return err
		}
		if err := tx.AddStationKey(ctx, k); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "office", Action: "enroll", Subject: district,
			Outcome: "ok", Detail: fmt.Sprintf("key %s, station %s, %d earlier key(s) revoked", k.KeyID, station, revoked)})
	})
	return k, err
}

// RevokeDistrict revokes the keys of a district without a replacement.
func (s *Service) RevokeDistrict(ctx context.Context, district, reason string) (int, error) {
	now := s.clock().UTC()
	var n int
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if n, err = tx.RevokeDistrictKeys(ctx, district, now, reason); err != nil {
			return err
		}
		return tx.AppendAudit(ctx, store.AuditEntry{At: now, Actor: "office", Action: "revoke", Subject: district,
			Outcome: "ok", Detail: fmt.Sprintf("%d key(s): %s", n, reason)})
	})
	return n, err
}

// AuditImport records that a USB bundle was taken in, with what became of
// its records (e.g. "3 accepted, 0 duplicate").
func (s *Service) AuditImport(ctx context.Context, bundle, outcome string, refused int) error {
	result := "ok"
	if refused > 0 {
		result = fmt.Sprintf("%d refused", refused)
	}
	return s.store.InTx(ctx, func(tx store.Tx) error {
		return tx.AppendAudit(ctx, store.AuditEntry{At: s.clock().UTC(), Actor: "office", Action: "import",
			Subject: bundle, Outcome: result, Detail: outcome})
	})
}
