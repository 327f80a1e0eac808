package evidence_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal/sealtest"
)

func testSigner(tb testing.TB, label string) seal.Signer { return sealtest.Signer(tb, label) }

// entry is one line of records: an envelope and its receipt.
type entry struct{ envelope, receipt []byte }

// fixture is an election as the office holds it at export time.
type fixture struct {
	office     seal.Signer
	definition []byte
	pkgHash    string
	header     evidence.Header
	keys       []evidence.Key
	signers    map[string]seal.Signer // by station id
	entries    []entry
	seqs       map[string]uint64
}

func newFixture(tb testing.TB, definitionFile string) *fixture {
	tb.Helper()
	def, err := os.ReadFile("../../testdata/" + definitionFile)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := ballot.ParseDefinition(def)
	if err != nil {
		tb.Fatal(err)
	}
	office := testSigner(tb, "office")
	pkg, err := seal.SealPackage(office, def)
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{
		office: office, definition: def, pkgHash: seal.PackageHash(def),
		header: evidence.Header{
			ElectionID: d.Election.ID, Package: pkg,
			ExportedAt: time.Date(2026, 3, 9, 12, 0, 0, 0, time.UTC),
		},
		signers: map[string]seal.Signer{}, seqs: map[string]uint64{},
	}
}

// enroll adds a station key for district; revoked may be zero.
func (f *fixture) enroll(tb testing.TB, district, station string, enrolled, revoked time.Time) seal.Signer {
	tb.Helper()
	s := testSigner(tb, "station "+station)
	f.signers[station] = s
	f.keys = append(f.keys, evidence.Key{
		PublicKey: s.Public(), District: district, Station: station, EnrolledAt: enrolled, RevokedAt: revoked,
	})
	return s
}

// record signs a record of station with the next seq and has the office
// receive it at received.
func (f *fixture) record(tb testing.TB, district, station string, at, received time.Time, kind ballot.RecordKind, body any) entry {
	tb.Helper()
	f.seqs[station]++
	e := f.sign(tb, f.signers[station], district, station, f.seqs[station], at, kind, body, received)
	f.entries = append(f.entries, e)
	return e
}

func (f *fixture) sign(tb testing.TB, s seal.Signer, district, station string, seq uint64, at time.Time, kind ballot.RecordKind, body any, received time.Time) entry {
	tb.Helper()
	env, err := seal.SealRecord(s, ballot.Header{
		ElectionID: f.header.ElectionID, PackageHash: f.pkgHash, District: district,
		Station: station, Seq: seq, Time: at, Kind: kind,
	}, body)
	if err != nil {
		tb.Fatal(err)
	}
	rcpt, err := seal.IssueReceipt(f.office, seal.Receipt{
		EnvelopeSHA256: seal.EnvelopeHash(env), ReceivedAt: received,
		District: district, Station: station, Seq: seq,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return entry{env, rcpt}
}

// write writes the fixture's evidence file with the given entries.
func (f *fixture) write(tb testing.TB, entries []entry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := evidence.NewWriter(&buf, f.office, f.header, f.keys)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if err := w.Add(e.envelope, e.receipt); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func (f *fixture) file(tb testing.TB) []byte { return f.write(tb, f.entries) }

var day = time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)

func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func count(contest string, stage ballot.Stage, version int, votes map[string]int64) *ballot.Count {
	c := &ballot.Count{
		Contest: contest, Stage: stage, Version: version, EnteredBy: []string{"m1", "m2"},
		Votes: votes,
	}
	if version > 1 {
		c.CorrectionReason = "Stapel beim Zählen vertauscht; nachgezählt."
	}
	var valid int64
	for _, v := range votes {
		valid += v
	}
	c.A1, c.B, c.Invalid, c.Valid = 1400, valid+9, 9, valid
	return c
}

func member(id string, role ballot.Role) ballot.Member {
	return ballot.Member{ID: id, Name: "Person " + id, Role: role}
}

// smallFixture is the Bürgerentscheid with two districts and a few
// records: small enough to flip every byte of its file.
func smallFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := newFixture(tb, "buergerentscheid.json")
	f.enroll(tb, "1", "st-1", day.Add(-72*time.Hour), time.Time{})
	f.enroll(tb, "B1", "st-b1", day.Add(-72*time.Hour), time.Time{})
	f.record(tb, "1", "st-1", at(6, 45), at(6, 46), ballot.RecordCheckIn, &ballot.CheckIn{Person: member("m1", ballot.RoleChair), At: at(6, 45)})
	f.record(tb, "B1", "st-b1", at(13, 0), at(13, 1), ballot.RecordIncident, &ballot.Incident{At: at(13, 0), Text: "Briefkasten geleert <19 Briefe> & gezählt"})
	f.record(tb, "1", "st-1", at(17, 40), at(17, 41), ballot.RecordCount, count("freibad", ballot.StageFinal, 1, map[string]int64{"yes": 800, "no": 411}))
	return f
}

// musterstadtFixture is a fuller day in two districts of Musterstadt, with
// a replaced laptop in district 101.
func musterstadtFixture(tb testing.TB) *fixture {
	tb.Helper()
	f := newFixture(tb, "musterstadt.json")
	enrolled := day.Add(-7 * 24 * time.Hour)
	f.enroll(tb, "101", "st-101-a", enrolled, at(9, 0))
	f.enroll(tb, "101", "st-101-b", at(9, 0), time.Time{})
	f.enroll(tb, "901", "st-901", enrolled, time.Time{})
	f.enroll(tb, "102", "st-102", enrolled, time.Time{}) // enrolled, never sent
	f.record(tb, "101", "st-101-a", at(6, 40), at(6, 41), ballot.RecordCheckIn, &ballot.CheckIn{Person: member("m1", ballot.RoleChair), At: at(6, 40)})
	f.record(tb, "101", "st-101-a", at(7, 0), at(7, 1), ballot.RecordPollsOpened, &ballot.PollsOpened{At: at(7, 0)})
	f.record(tb, "101", "st-101-b", at(9, 30), at(9, 31), ballot.RecordCheckIn, &ballot.CheckIn{Person: member("r1", ballot.RoleAssessor), At: at(9, 30), Replaces: "m4", Instructed: true})
	f.record(tb, "101", "st-101-b", at(11, 0), at(11, 2), ballot.RecordTurnout, &ballot.Turnout{Slot: "12:00", At: at(11, 0), Voters: 412})
	f.record(tb, "901", "st-901", at(12, 0), at(12, 1), ballot.RecordIncident, &ballot.Incident{At: at(12, 0), Text: "Zwei Wahlbriefe ohne Wahlschein."})
	f.record(tb, "101", "st-101-b", at(17, 0), at(17, 1), ballot.RecordPollsClosed, &ballot.PollsClosed{At: at(17, 0)})
	f.record(tb, "101", "st-101-b", at(17, 30), at(17, 31), ballot.RecordCount, count("ob", ballot.StageQuick, 1, map[string]int64{"ob-1": 500, "ob-2": 300, "ob-3": 200, "ob-4": 100}))
	pc := count("ob", ballot.StageFinal, 1, map[string]int64{"ob-1": 900, "ob-2": 700, "ob-3": 300, "ob-4": 50})
	pc.A1 = 0
	pc.B1 = pc.B
	pc.Postal = &ballot.PostalLetters{Received: 1980, Queried: 20, Admitted: 12, Rejected: 8,
		RejectedBy: map[ballot.RejectReason]int64{ballot.RejectNoValidCard: 5, ballot.RejectUnsealed: 3}}
	f.record(tb, "901", "st-901", at(18, 0), at(18, 5), ballot.RecordCount, pc)
	f.record(tb, "101", "st-101-b", at(18, 30), at(18, 31), ballot.RecordCount, count("ob", ballot.StageFinal, 1, map[string]int64{"ob-1": 501, "ob-2": 300, "ob-3": 200, "ob-4": 100}))
	f.record(tb, "101", "st-101-b", at(19, 0), at(19, 1), ballot.RecordCount, count("ob", ballot.StageFinal, 2, map[string]int64{"ob-1": 502, "ob-2": 300, "ob-3": 200, "ob-4": 99}))
	f.record(tb, "101", "st-101-b", at(19, 30), at(19, 31), ballot.RecordCheckOut, &ballot.CheckOut{PersonID: "m1", At: at(19, 30)})
	return f
}

// readAll reads a file and returns the items and the summary.
func readAll(data []byte, office ed25519.PublicKey) ([]evidence.Item, evidence.Summary, error) {
	var items []evidence.Item
	sum, err := evidence.Read(bytes.NewReader(data), office, func(it evidence.Item) error {
		items = append(items, it)
		return nil
	})
	return items, sum, err
}

// wantCode fails unless err is an *evidence.Error with the given code
// (and, when line > 0, that line).
func wantCode(tb testing.TB, err error, code evidence.Code, line int) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want %s", code)
	}
	var ee *evidence.Error
	if !errors.As(err, &ee) {
		tb.Fatalf("got %T %v, want an *evidence.Error with code %s", err, err, code)
	}
	if ee.Code != code {
		tb.Fatalf("got code %s (%v), want %s", ee.Code, err, code)
	}
	if line > 0 && ee.Line != line {
		tb.Fatalf("got line %d (%v), want line %d", ee.Line, err, line)
	}
}

// lines splits a file into its lines, each with its line feed.
func lines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		out = append(out, data[:i+1])
		data = data[i+1:]
	}
	return out
}

func join(ls [][]byte) []byte { return bytes.Join(ls, nil) }

func without(ls [][]byte, i int) [][]byte {
	out := append([][]byte{}, ls[:i]...)
	return append(out, ls[i+1:]...)
}

func describe(ls [][]byte) string {
	var b bytes.Buffer
	for i, l := range ls {
		fmt.Fprintf(&b, "%d: %.40s\n", i+1, l)
	}
	return b.String()
}
