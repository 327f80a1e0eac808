// Package storetest is the suite every tally store passes: the SQLite and
// the PostgreSQL one run the same tests, so package tally can rely on the
// contract of package store alone.
package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Reopener is what a store from the open function of Run may also be: a
// handle that can open another handle on the same database (SQLite: the
// same file; PostgreSQL: the same schema), registered for closing at the
// end of t. The tests that need it are skipped for a store that is not.
type Reopener interface {
	store.Store
	Reopen(t *testing.T) store.Store
}

// Run runs the suite. open returns a new, empty store for t, closed when
// t ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, func(*testing.T) store.Store)
	}{
		{"InitElectionOnceOnly", testInitElectionOnceOnly},
		{"StationKeysEnrollAndRevoke", testStationKeysEnrollAndRevoke},
		{"EnvelopeRoundTripKeepsBytesVerbatim", testEnvelopeRoundTrip},
		{"EnvelopeUniqueHashContentAndSeq", testEnvelopeUnique},
		{"EnvelopesWalkInAcceptanceOrder", testEnvelopesWalkInOrder},
		{"EnvelopesWalkLetsWritesGoOn", testEnvelopesWalkLetsWritesGoOn},
		{"RejectionsKeptAsEvidence", testRejectionsKept},
		{"EquivocationsFlaggedOnce", testEquivocationsFlaggedOnce},
		{"CurrentCountPutAndReplace", testCurrentCountPutAndReplace},
		{"AggregatesSumOverShards", testAggregatesSumOverShards},
		{"AggregatesAddUpWhateverTheOrder", testAggregatesAddUpWhateverTheOrder},
		{"AttendanceAndDistrictEventsRoundTrip", testAttendanceAndEvents},
		{"CertificationsPutAndRevoke", testCertificationsPutAndRevoke},
		{"TokensByHash", testTokensByHash},
		{"AuditLogAppendOnly", testAuditLogAppendOnly},
		{"TimesRoundTripInUTC", testTimesRoundTripInUTC},
		{"InTxRollsBackOnError", testInTxRollsBackOnError},
		{"InTxRollsBackOnPanic", testInTxRollsBackOnPanic},
		{"InTxRetriesOnConflict", testInTxRetriesOnConflict},
		{"InTxGivesUpAfterMaxTxAttempts", testInTxGivesUp},
		{"InTxNeverCommitsAfterAConflict", testInTxNeverCommitsAfterAConflict},
		{"TxIsDeadAfterInTx", testTxIsDeadAfterInTx},
		{"ReadsAreNotBlockedByAWriter", testReadsNotBlocked},
		{"ConcurrentTransactionsDoNotLoseUpdates", testConcurrentNoLostUpdates},
		{"ConcurrentInsertOfTheSameEnvelopeAcceptsOne", testConcurrentSameEnvelope},
		{"ConcurrentEnvelopesOnOneSeqAcceptOne", testConcurrentOneSeq},
		{"ConcurrentCountUpdatesKeepTheNewest", testConcurrentCountNewest},
		{"RevocationWaitsForTransactionsThatReadTheKey", testRevocationWaits},
		{"CertificationAndRecordsDoNotCross", testCertificationDoesNotCross},
		{"ReopenKeepsEverything", testReopenKeepsEverything},
		{"TwoHandlesInsertTheSameEnvelopeAcceptOne", testTwoHandlesSameEnvelope},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// errStop ends a transaction on purpose in a test.
var errStop = errors.New("stop (test)")

// inTx runs fn in a transaction and fails the test if it fails.
func inTx(t testing.TB, s store.Store, fn func(store.Tx) error) {
	t.Helper()
	if err := s.InTx(context.Background(), fn); err != nil {
		t.Fatalf("InTx: %v", err)
	}
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// at is a fixed instant, microsecond-precise as every store keeps it, in
// a zone other than UTC so that the stores must convert.
func at(minute int) time.Time {
	return time.Date(2026, 9, 27, 8, minute, 30, 123456000, berlin)
}

var berlin = time.FixedZone("CEST", 2*3600)

func hexSum(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func testElection() store.Election {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	def := []byte(`{"id": "btw-2026", "name": "Bundestagswahl"}`)
	return store.Election{
		ID:              "btw-2026",
		Definition:      def,
		Package:         []byte(`{"payloadType":"application/vnd.wahlkoffer.package+json","payload":"e30=","signatures":[]}`),
		PackageHash:     hexSum(def),
		OfficePublicKey: pub,
		CreatedAt:       at(0),
	}
}

// stationKey is the key of station "s-<district>", number n of the district.
func stationKey(district string, n int) store.StationKey {
	seed := sha256.Sum256(fmt.Appendf(nil, "%s/%d", district, n))
	pub := ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey)
	return store.StationKey{
		KeyID:      seal.KeyIDOf(pub),
		District:   district,
		Station:    "s-" + district,
		PublicKey:  pub,
		EnrolledAt: at(1),
	}
}

// envelope is an accepted record of key k with sequence number seq; tag
// makes its bytes and content differ from another with the same seq.
func envelope(k store.StationKey, seq uint64, tag string) store.Envelope {
	content := fmt.Appendf(nil, `{"district":%q,"seq":%d,"tag":%q}`, k.District, seq, tag)
	// Bytes a store must not touch: every byte value, JSON whitespace,
	// a trailing newline.
	raw := append([]byte("{ \"payload\":\t\""), content...)
	for b := range 256 {
		raw = append(raw, byte(b))
	}
	raw = append(raw, "\" }\r\n"...)
	return store.Envelope{
		Hash:        hexSum(raw),
		ContentHash: hexSum(content),
		KeyID:       k.KeyID,
		District:    k.District,
		Station:     k.Station,
		Seq:         seq,
		Kind:        ballot.RecordCount,
		RecordTime:  at(2),
		ReceivedAt:  at(3),
		Via:         "http",
		Bytes:       raw,
		Receipt:     fmt.Appendf(nil, `{"receipt":%q}`, hexSum(raw)),
	}
}

// setup initialises the election and enrolls one key for each district.
func setup(t testing.TB, s store.Store, districts ...string) map[string]store.StationKey {
	t.Helper()
	keys := map[string]store.StationKey{}
	inTx(t, s, func(tx store.Tx) error {
		if err := tx.InitElection(context.Background(), testElection()); err != nil {
			return err
		}
		for _, d := range districts {
			k := stationKey(d, 0)
			if err := tx.AddStationKey(context.Background(), k); err != nil {
				return err
			}
			keys[d] = k
		}
		return nil
	})
	return keys
}

// insert stores envelopes, one transaction for all.
func insert(t testing.TB, s store.Store, envs ...store.Envelope) {
	t.Helper()
	inTx(t, s, func(tx store.Tx) error {
		for _, e := range envs {
			if err := tx.InsertEnvelope(context.Background(), e); err != nil {
				return err
			}
		}
		return nil
	})
}

// allEnvelopes walks the store's envelopes.
func allEnvelopes(t testing.TB, s store.Reader) []store.Envelope {
	t.Helper()
	var out []store.Envelope
	must(t, s.Envelopes(context.Background(), func(e store.Envelope) error {
		out = append(out, e)
		return nil
	}))
	return out
}

// aggKey is a row of the running totals.
func aggKey(contest, ward string, shard int, field string) store.AggregateKey {
	return store.AggregateKey{Contest: contest, View: "best", DistrictKind: ballot.InPerson, Ward: ward, Shard: shard, Field: field}
}

// sortDeltas puts deltas in key order, as package tally passes them.
func sortDeltas(ds []store.AggregateDelta) {
	sort.Slice(ds, func(i, j int) bool { return aggLess(ds[i].AggregateKey, ds[j].AggregateKey) })
}

func aggLess(a, b store.AggregateKey) bool {
	if a.Contest != b.Contest {
		return a.Contest < b.Contest
	}
	if a.View != b.View {
		return a.View < b.View
	}
	if a.DistrictKind != b.DistrictKind {
		return a.DistrictKind < b.DistrictKind
	}
	if a.Ward != b.Ward {
		return a.Ward < b.Ward
	}
	if a.Shard != b.Shard {
		return a.Shard < b.Shard
	}
	return a.Field < b.Field
}

// totals reads the aggregates as a map from "contest/view/kind/ward/field".
func totals(t testing.TB, s store.Reader) map[string]int64 {
	t.Helper()
	rows, err := s.Aggregates(context.Background())
	must(t, err)
	out := map[string]int64{}
	for _, r := range rows {
		k := totalKey(r.Contest, r.View, r.DistrictKind, r.Ward, r.Field)
		if _, dup := out[k]; dup {
			t.Fatalf("Aggregates lists %s twice", k)
		}
		out[k] = r.Value
	}
	return out
}

func totalKey(contest, view string, kind ballot.DistrictKind, ward, field string) string {
	return contest + "/" + view + "/" + string(kind) + "/" + ward + "/" + field
}
