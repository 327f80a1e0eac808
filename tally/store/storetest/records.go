package storetest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

var bg = context.Background()

func testInitElectionOnceOnly(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	if _, err := s.Election(bg); !errors.Is(err, store.ErrNotInitialised) {
		t.Fatalf("Election of an empty store: %v, want ErrNotInitialised", err)
	}
	if _, err := s.ElectionDefinition(bg); !errors.Is(err, store.ErrNotInitialised) {
		t.Fatalf("ElectionDefinition of an empty store: %v, want ErrNotInitialised", err)
	}
	inTx(t, s, func(tx store.Tx) error {
		if _, err := tx.Election(bg); !errors.Is(err, store.ErrNotInitialised) {
			t.Errorf("Tx.Election of an empty store: %v, want ErrNotInitialised", err)
		}
		return tx.InitElection(bg, testElection())
	})
	got, err := s.Election(bg)
	must(t, err)
	if want := testElection(); !reflect.DeepEqual(got, withUTC(want)) {
		t.Errorf("Election:\n got %+v\nwant %+v", got, want)
	}
	def, err := s.ElectionDefinition(bg)
	must(t, err)
	if want := withUTC(testElection()); def.Package != nil || func() bool { want.Package = nil; return !reflect.DeepEqual(def, want) }() {
		t.Errorf("ElectionDefinition:\n got %+v\nwant the election without its package", def)
	}
	err = s.InTx(bg, func(tx store.Tx) error {
		e := testElection()
		e.ID = "another"
		return tx.InitElection(bg, e)
	})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second InitElection: %v, want ErrExists", err)
	}
	if got, _ := s.Election(bg); got.ID != testElection().ID {
		t.Errorf("the second InitElection changed the election to %q", got.ID)
	}
}

func withUTC(e store.Election) store.Election {
	e.CreatedAt = e.CreatedAt.UTC()
	return e
}

func testStationKeysEnrollAndRevoke(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	keys := setup(t, s, "D1", "D2")
	k1, k2 := keys["D1"], keys["D2"]
	got, err := s.StationKey(bg, k1.KeyID)
	must(t, err)
	if !bytes.Equal(got.PublicKey, k1.PublicKey) || got.District != "D1" || got.Station != k1.Station || got.Revoked() {
		t.Errorf("StationKey = %+v, want %+v", got, k1)
	}
	if _, err := s.StationKey(bg, stationKey("D9", 0).KeyID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StationKey of an unknown key: %v, want ErrNotFound", err)
	}

	// A district has one valid key; the same key cannot come twice.
	for _, k := range []store.StationKey{stationKey("D1", 1), k2} {
		err := s.InTx(bg, func(tx store.Tx) error { return tx.AddStationKey(bg, k) })
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("AddStationKey %s for %s: %v, want ErrExists", k.KeyID[:8], k.District, err)
		}
	}

	// Re-enrolling: revoke, then add the replacement, in one transaction.
	k3 := stationKey("D1", 1)
	inTx(t, s, func(tx store.Tx) error {
		n, err := tx.RevokeDistrictKeys(bg, "D1", at(10), "laptop replaced")
		if err != nil || n != 1 {
			t.Errorf("RevokeDistrictKeys = %d, %v; want 1", n, err)
		}
		if n, err := tx.RevokeDistrictKeys(bg, "D1", at(11), "again"); err != nil || n != 0 {
			t.Errorf("second RevokeDistrictKeys = %d, %v; want 0", n, err)
		}
		if k, err := tx.StationKey(bg, k1.KeyID); err != nil || !k.Revoked() {
			t.Errorf("Tx.StationKey after revoking: %+v, %v", k, err)
		}
		unknown := stationKey("D9", 0).KeyID
		some, err := tx.StationKeysOf(bg, []seal.KeyID{k1.KeyID, unknown, k2.KeyID})
		if err != nil || len(some) != 2 || !some[k1.KeyID].Revoked() || some[k2.KeyID].Revoked() ||
			some[k2.KeyID].District != "D2" || !bytes.Equal(some[k2.KeyID].PublicKey, k2.PublicKey) {
			t.Errorf("StationKeysOf(D1 revoked, unknown, D2) = %+v, %v; want the two enrolled, D1 revoked", some, err)
		}
		if none, err := tx.StationKeysOf(bg, nil); err != nil || len(none) != 0 {
			t.Errorf("StationKeysOf(nothing) = %v, %v", none, err)
		}
		return tx.AddStationKey(bg, k3)
	})

	all, err := s.StationKeys(bg)
	must(t, err)
	if len(all) != 3 {
		t.Fatalf("StationKeys lists %d keys, want 3", len(all))
	}
	byID := map[string]store.StationKey{}
	for _, k := range all {
		byID[string(k.KeyID)] = k
	}
	old := byID[string(k1.KeyID)]
	if !old.RevokedAt.Equal(at(10)) || old.RevokeReason != "laptop replaced" {
		t.Errorf("revoked key: RevokedAt %v, reason %q", old.RevokedAt, old.RevokeReason)
	}
	if byID[string(k3.KeyID)].Revoked() || byID[string(k2.KeyID)].Revoked() {
		t.Error("a valid key is listed as revoked")
	}
}

func testEnvelopeRoundTrip(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e := envelope(k, 1, "a")
	noReceipt := envelope(k, 2, "b")
	noReceipt.Receipt, noReceipt.Via, noReceipt.Kind = nil, "import", ballot.RecordTurnout
	insert(t, s, e, noReceipt)

	check := func(how string, got store.Envelope, err error, want store.Envelope) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", how, err)
		}
		if !bytes.Equal(got.Bytes, want.Bytes) {
			t.Errorf("%s: bytes changed:\n got %q\nwant %q", how, got.Bytes, want.Bytes)
		}
		if !bytes.Equal(got.Receipt, want.Receipt) {
			t.Errorf("%s: receipt %q, want %q", how, got.Receipt, want.Receipt)
		}
		got.Bytes, got.Receipt, want.Bytes, want.Receipt = nil, nil, nil, nil
		want.RecordTime, want.ReceivedAt = want.RecordTime.UTC(), want.ReceivedAt.UTC()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", how, got, want)
		}
	}
	inTx(t, s, func(tx store.Tx) error {
		one := func(how string, id store.EnvelopeID, want store.Envelope) {
			t.Helper()
			got, err := tx.PriorEnvelopes(bg, id)
			if err == nil && len(got) != 1 {
				t.Fatalf("%s: PriorEnvelopes found %d envelopes, want 1", how, len(got))
			}
			check(how, got[0], err, want)
		}
		other := store.EnvelopeID{Hash: "no such hash", ContentHash: "no such content", Station: k.Station, Seq: 99}
		one("by hash", store.EnvelopeID{Hash: e.Hash, ContentHash: other.ContentHash, Station: "x", Seq: 1}, e)
		one("by content hash", store.EnvelopeID{Hash: other.Hash, ContentHash: e.ContentHash, Station: "x", Seq: 1}, e)
		one("by station and seq", store.EnvelopeID{Hash: other.Hash, ContentHash: other.ContentHash, Station: k.Station, Seq: 2}, noReceipt)
		one("the same envelope by all three", store.EnvelopeID{Hash: e.Hash, ContentHash: e.ContentHash, Station: k.Station, Seq: 1}, e)
		both, err := tx.PriorEnvelopes(bg, store.EnvelopeID{Hash: e.Hash, ContentHash: other.ContentHash, Station: k.Station, Seq: 2})
		if err != nil || len(both) != 2 {
			t.Errorf("PriorEnvelopes of one envelope's hash and another's seq: %d envelopes, %v; want 2", len(both), err)
		}
		for how, id := range map[string]store.EnvelopeID{
			"none":                        other,
			"a content hash used as hash": {Hash: noReceipt.ContentHash, ContentHash: other.ContentHash, Station: k.Station, Seq: 3},
			"a hash used as content hash": {Hash: other.Hash, ContentHash: e.Hash, Station: k.Station, Seq: 3},
			"another station's seq":       {Hash: other.Hash, ContentHash: other.ContentHash, Station: "other", Seq: 1},
		} {
			if got, err := tx.PriorEnvelopes(bg, id); err != nil || len(got) != 0 {
				t.Errorf("PriorEnvelopes, %s: %d envelopes, %v; want none", how, len(got), err)
			}
		}
		return nil
	})
	all := allEnvelopes(t, s)
	if len(all) != 2 {
		t.Fatalf("Envelopes walked %d, want 2", len(all))
	}
	check("Envelopes", all[0], nil, e)
	check("Envelopes", all[1], nil, noReceipt)
}

func testEnvelopeUnique(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	first := envelope(k, 1, "a")
	insert(t, s, first)

	sameHash := envelope(k, 2, "b")
	sameHash.Hash = first.Hash
	sameContent := envelope(k, 3, "c")
	sameContent.ContentHash = first.ContentHash
	sameSeq := envelope(k, 1, "d")
	for what, e := range map[string]store.Envelope{"hash": sameHash, "content hash": sameContent, "station and seq": sameSeq} {
		var insertErr error
		err := s.InTx(bg, func(tx store.Tx) error {
			insertErr = tx.InsertEnvelope(bg, e)
			return errStop // not a conflict: no retry
		})
		if !errors.Is(err, errStop) {
			t.Errorf("same %s: InTx returned %v, want fn's error", what, err)
		}
		if !errors.Is(insertErr, store.ErrConflict) {
			t.Errorf("InsertEnvelope with the same %s: %v, want ErrConflict", what, insertErr)
		}
	}
	if n, err := s.EnvelopeCount(bg); err != nil || n != 1 {
		t.Errorf("EnvelopeCount = %d, %v; want 1", n, err)
	}
}

func testEnvelopesWalkInOrder(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	keys := setup(t, s, "D1", "D2", "D3")
	// Neither hash, station nor seq order is the order of acceptance.
	var want []store.Envelope
	for i, d := range []string{"D3", "D1", "D2", "D1", "D3", "D2"} {
		e := envelope(keys[d], uint64(100-i), "x")
		want = append(want, e)
		insert(t, s, e)
	}
	batch := []store.Envelope{envelope(keys["D2"], 7, "y"), envelope(keys["D1"], 3, "y"), envelope(keys["D3"], 1, "y")}
	insert(t, s, batch...)
	want = append(want, batch...)

	got := allEnvelopes(t, s)
	if len(got) != len(want) {
		t.Fatalf("Envelopes walked %d, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Hash != want[i].Hash {
			t.Errorf("envelope %d is %s/%d, want %s/%d", i, got[i].District, got[i].Seq, want[i].District, want[i].Seq)
		}
	}
	if n, err := s.EnvelopeCount(bg); err != nil || n != int64(len(want)) {
		t.Errorf("EnvelopeCount = %d, %v; want %d", n, err, len(want))
	}
	// fn's error stops the walk and comes back as it is.
	walked := 0
	err := s.Envelopes(bg, func(store.Envelope) error {
		walked++
		if walked == 3 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || walked != 3 {
		t.Errorf("a walk stopped at 3: walked %d, returned %v", walked, err)
	}
}

func testEnvelopesWalkLetsWritesGoOn(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	for i := range 20 {
		insert(t, s, envelope(k, uint64(i+1), "a"))
	}
	// A long walk (an export, a verify) must not hold up ingest.
	ctx, cancel := context.WithTimeout(bg, 20*time.Second)
	defer cancel()
	seen := 0
	must(t, s.Envelopes(ctx, func(e store.Envelope) error {
		seen++
		return s.InTx(ctx, func(tx store.Tx) error {
			return tx.AppendAudit(ctx, store.AuditEntry{At: at(5), Actor: "verify", Action: "saw", Subject: e.Hash, Outcome: "ok"})
		})
	}))
	log, err := s.AuditLog(bg)
	must(t, err)
	if seen != 20 || len(log) != 20 {
		t.Errorf("walked %d envelopes and wrote %d entries meanwhile, want 20 and 20", seen, len(log))
	}
}

func testRejectionsKept(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	bad := envelope(k, 5, "forged")
	want := []store.Rejection{
		{Hash: bad.Hash, District: "D1", Station: k.Station, Seq: 5, Code: "bad-signature", Message: "the signature does not verify", ReceivedAt: at(4), Via: "http", Bytes: bad.Bytes},
		// The same envelope again is kept again: every arrival is evidence.
		{Hash: bad.Hash, District: "D1", Station: k.Station, Seq: 5, Code: "bad-signature", Message: "the signature does not verify", ReceivedAt: at(6), Via: "import", Bytes: bad.Bytes},
		// Nothing could be read from it.
		{Hash: hexSum([]byte("garbage")), Code: "malformed", Message: "not JSON", ReceivedAt: at(7), Via: "http", Bytes: []byte("garbage\x00\xff")},
	}
	for _, r := range want {
		inTx(t, s, func(tx store.Tx) error { return tx.InsertRejection(bg, r) })
	}
	got, err := s.Rejections(bg)
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("Rejections lists %d, want %d", len(got), len(want))
	}
	for i := range want {
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Errorf("rejection ids not increasing: %d after %d", got[i].ID, got[i-1].ID)
		}
		w := want[i]
		w.ID, w.ReceivedAt = got[i].ID, w.ReceivedAt.UTC()
		if !reflect.DeepEqual(got[i], w) {
			t.Errorf("rejection %d:\n got %+v\nwant %+v", i, got[i], w)
		}
	}
	if n, _ := s.EnvelopeCount(bg); n != 0 {
		t.Errorf("a rejection counts as an envelope: %d", n)
	}
}

func testEquivocationsFlaggedOnce(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e := store.Equivocation{Station: k.Station, District: "D1", Seq: 4, FirstHash: "aa", SecondHash: "bb", DetectedAt: at(8)}
	other := e
	other.SecondHash, other.DetectedAt = "cc", at(9)
	for _, q := range []store.Equivocation{e, e, other} {
		inTx(t, s, func(tx store.Tx) error { return tx.InsertEquivocation(bg, q) })
	}
	got, err := s.Equivocations(bg)
	must(t, err)
	e.DetectedAt, other.DetectedAt = e.DetectedAt.UTC(), other.DetectedAt.UTC()
	if want := []store.Equivocation{e, other}; !reflect.DeepEqual(got, want) {
		t.Errorf("Equivocations:\n got %+v\nwant %+v", got, want)
	}
}

func testCurrentCountPutAndReplace(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e1, e2 := envelope(k, 1, "a"), envelope(k, 2, "b")
	insert(t, s, e1, e2)
	key := store.CountKey{District: "D1", Contest: "bundestag-erststimme", Stage: ballot.StageFinal}
	v1 := store.CurrentCount{CountKey: key, Version: 1, Seq: 1, EnvelopeHash: e1.Hash,
		Numbers: map[string]int64{"A": 1200, "B": 900, "invalid": 0, "party:ÖDP": 17}}
	v2 := v1
	v2.Version, v2.Seq, v2.EnvelopeHash, v2.Numbers = 2, 2, e2.Hash, map[string]int64{"A": 1200, "B": 901}

	inTx(t, s, func(tx store.Tx) error {
		if _, err := tx.CurrentCountForUpdate(bg, key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CurrentCountForUpdate of a new key: %v, want ErrNotFound", err)
		}
		return tx.PutCurrentCount(bg, v1)
	})
	inTx(t, s, func(tx store.Tx) error {
		got, err := tx.CurrentCountForUpdate(bg, key)
		if err != nil || !reflect.DeepEqual(got, v1) {
			t.Errorf("CurrentCountForUpdate = %+v, %v; want %+v", got, err, v1)
		}
		return tx.PutCurrentCount(bg, v2)
	})
	quick := v1
	quick.Stage = ballot.StageQuick
	inTx(t, s, func(tx store.Tx) error { return tx.PutCurrentCount(bg, quick) })

	got, err := s.CurrentCounts(bg)
	must(t, err)
	if want := []store.CurrentCount{v2, quick}; !reflect.DeepEqual(got, want) {
		t.Errorf("CurrentCounts:\n got %+v\nwant %+v", got, want)
	}
}

func testAttendanceAndEvents(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	k := setup(t, s, "D1")["D1"]
	e := envelope(k, 1, "a")
	insert(t, s, e)
	att := []store.Attendance{
		{District: "D1", PersonID: "p1", Name: "Anna Müller", Role: ballot.RoleChair, At: at(1), In: true, EnvelopeHash: e.Hash},
		{District: "D1", PersonID: "p9", Name: "Jörg Weiß", Role: ballot.RoleAssessor, At: at(2), In: true, Replaces: "p3", EnvelopeHash: e.Hash},
		{District: "D1", PersonID: "p1", Name: "Anna Müller", Role: ballot.RoleChair, At: at(30), EnvelopeHash: e.Hash},
	}
	ev := []store.DistrictEvent{
		{District: "D1", Kind: ballot.RecordPollsOpened, At: at(0), EnvelopeHash: e.Hash},
		{District: "D1", Kind: ballot.RecordTurnout, At: at(40), Slot: "10:00", Voters: 312, EnvelopeHash: e.Hash},
		{District: "D1", Kind: ballot.RecordIncident, At: at(45), Text: "Wahlurne kurz unbeaufsichtigt", EnvelopeHash: e.Hash},
	}
	inTx(t, s, func(tx store.Tx) error {
		for _, a := range att {
			must(t, tx.InsertAttendance(bg, a))
		}
		for _, x := range ev {
			must(t, tx.InsertDistrictEvent(bg, x))
		}
		return nil
	})
	gotA, err := s.Attendance(bg)
	must(t, err)
	for i := range att {
		att[i].At = att[i].At.UTC()
	}
	if !reflect.DeepEqual(gotA, att) {
		t.Errorf("Attendance:\n got %+v\nwant %+v", gotA, att)
	}
	gotE, err := s.DistrictEvents(bg)
	must(t, err)
	for i := range ev {
		ev[i].At = ev[i].At.UTC()
	}
	if !reflect.DeepEqual(gotE, ev) {
		t.Errorf("DistrictEvents:\n got %+v\nwant %+v", gotE, ev)
	}
}

func testCertificationsPutAndRevoke(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	c := store.Certification{Contest: "bundestag-zweitstimme", CertifiedAt: at(50), By: "Kreiswahlausschuss"}
	other := store.Certification{Contest: "bundestag-erststimme", CertifiedAt: at(51), By: "Kreiswahlausschuss"}
	inTx(t, s, func(tx store.Tx) error {
		must(t, tx.PutCertification(bg, c))
		return tx.PutCertification(bg, other)
	})
	revoked := c
	revoked.RevokedAt, revoked.RevokedBy, revoked.Reason = at(55), "admin", "Zählfehler in W-012"
	inTx(t, s, func(tx store.Tx) error {
		got, err := tx.Certifications(bg)
		if err != nil || len(got) != 2 {
			t.Errorf("Tx.Certifications = %+v, %v", got, err)
		}
		return tx.PutCertification(bg, revoked)
	})
	got, err := s.Certifications(bg)
	must(t, err)
	utc := func(c store.Certification) store.Certification {
		c.CertifiedAt, c.RevokedAt = c.CertifiedAt.UTC(), c.RevokedAt.UTC()
		return c
	}
	want := []store.Certification{utc(other), utc(revoked)} // by contest
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Certifications:\n got %+v\nwant %+v", got, want)
	}
}

func testTokensByHash(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	tok := store.Token{ID: "t1", Name: "Lagezentrum", Role: "viewer", Hash: hexSum([]byte("secret")), CreatedAt: at(12)}
	inTx(t, s, func(tx store.Tx) error { return tx.InsertToken(bg, tok) })
	got, err := s.TokenByHash(bg, tok.Hash)
	must(t, err)
	tok.CreatedAt = tok.CreatedAt.UTC()
	if !reflect.DeepEqual(got, tok) {
		t.Errorf("TokenByHash:\n got %+v\nwant %+v", got, tok)
	}
	if _, err := s.TokenByHash(bg, hexSum([]byte("guess"))); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenByHash of an unknown hash: %v, want ErrNotFound", err)
	}
	var insertErr error
	_ = s.InTx(bg, func(tx store.Tx) error {
		dup := tok
		dup.ID = "t2"
		insertErr = tx.InsertToken(bg, dup)
		return errStop
	})
	if !errors.Is(insertErr, store.ErrConflict) {
		t.Errorf("a second token with the same hash: %v, want ErrConflict", insertErr)
	}
}

func testAuditLogAppendOnly(t *testing.T, open func(*testing.T) store.Store) {
	s := open(t)
	entry := func(i int, action string) store.AuditEntry {
		return store.AuditEntry{At: at(i), Actor: "admin", Action: action, Subject: "D1", Outcome: "ok", Detail: "#" + action}
	}
	want := []store.AuditEntry{entry(1, "init"), entry(2, "enroll")}
	inTx(t, s, func(tx store.Tx) error { return tx.AppendAudit(bg, want[0]) })
	inTx(t, s, func(tx store.Tx) error { return tx.AppendAudit(bg, want[1]) })
	before, err := s.AuditLog(bg)
	must(t, err)
	// A failed action's transaction leaves no entry; callers record the
	// failure in a transaction of its own.
	_ = s.InTx(bg, func(tx store.Tx) error {
		must(t, tx.AppendAudit(bg, entry(3, "lost")))
		return errStop
	})
	more := []store.AuditEntry{entry(4, "certify"), {At: at(5), Actor: "admin", Action: "revoke", Subject: "D2", Outcome: "district unknown"}}
	inTx(t, s, func(tx store.Tx) error {
		for _, e := range more {
			must(t, tx.AppendAudit(bg, e))
		}
		return nil
	})
	want = append(want, more...)
	got, err := s.AuditLog(bg)
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("AuditLog has %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if i > 0 && got[i].ID <= got[i-1].ID {
			t.Errorf("audit ids not increasing: %d after %d", got[i].ID, got[i-1].ID)
		}
		w := want[i]
		w.ID, w.At = got[i].ID, w.At.UTC()
		if !reflect.DeepEqual(got[i], w) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], w)
		}
	}
	if !reflect.DeepEqual(got[:len(before)], before) {
		t.Errorf("appending changed earlier entries:\n was %+v\n now %+v", before, got[:len(before)])
	}
}
