//go:build linux

package chaos

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/tally"
	tallysqlite "github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// skipDiskFullEnv skips the disk-full tests where mounting a tmpfs is not
// allowed even to root (a container without CAP_SYS_ADMIN).
const skipDiskFullEnv = "WAHLKOFFER_SKIP_DISKFULL"

// Bounds of the disk-full tests.
const (
	diskTimeout = 60 * time.Second
	maxActs     = 500 // acts on a full disk before one must fail
)

// smallDisk mounts a tmpfs of the size given (e.g. "1m") on a fresh folder
// and unmounts it when the test ends. It needs root on Linux: without, the
// test is skipped; as root, a mount that fails fails the test unless
// $WAHLKOFFER_SKIP_DISKFULL=1.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skipf("the disk-full tests mount a %s tmpfs, which needs root; run them as root (CI does)", size)
	}
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		if os.Getenv(skipDiskFullEnv) == "1" {
			t.Skipf("mounting a tmpfs on %s: %v ($%s=1)", dir, err, skipDiskFullEnv)
		}
		t.Fatalf("mounting a %s tmpfs on %s as root: %v; set %s=1 to skip the disk-full tests where mounting is not allowed", size, dir, err, skipDiskFullEnv)
	}
	// Registered after TempDir's: runs before the folder is removed.
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("unmounting %s: %v", dir, err)
			}
		}
	})
	return dir
}

// fillDisk writes a file into dir until the file system has no byte left
// (ENOSPC at every size down to one byte), then gives leave bytes back,
// and returns its name.
func fillDisk(t *testing.T, dir string, leave int64) string {
	t.Helper()
	name := filepath.Join(dir, "filler")
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for size := 64 << 10; size >= 1; size /= 4 {
		block := make([]byte, size)
		for {
			if _, err := f.Write(block); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("filling %s: %v", dir, err)
				}
				break
			}
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Bavail != 0 {
		t.Fatalf("%s is not full: %d blocks free (%v)", dir, st.Bavail, err)
	}
	if leave > 0 {
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(max(0, fi.Size()-leave)); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// onlyFiller fails the test unless dir holds nothing but the filler (and
// the station's folder, when given): no partial file, no temporary file.
func onlyFiller(t *testing.T, dir string, keep ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "filler" && !slices.Contains(keep, e.Name()) {
			t.Errorf("%s holds %s after a failed write", dir, e.Name())
		}
	}
}

// diskOffice is the musterstadt election set up with the binary on the
// normal disk, with district 101's kit and PIN.
type diskOffice struct {
	bin, dir, db, kit, pinFile string
}

func newDiskOffice(ctx context.Context, t *testing.T) *diskOffice {
	t.Helper()
	o := &diskOffice{bin: wahlkofferBinary(t), dir: t.TempDir()}
	o.db, o.kit, o.pinFile = filepath.Join(o.dir, "tally.db"), filepath.Join(o.dir, "101.wkkit"), filepath.Join(o.dir, "101.pin")
	mustRun(ctx, t, o.bin, officePrepares, "tally", "init", "--store", o.db, "--election", repoFile(t, "testdata", "musterstadt.json"))
	out := mustRun(ctx, t, o.bin, officePrepares, "tally", "enroll", "--store", o.db, "--district", "101",
		"--url", "http://127.0.0.1:9", "--out", o.kit, "--kdf-work-factor", "10")
	m := regexp.MustCompile(`PIN (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("tally enroll printed no PIN: %s", out)
	}
	if err := os.WriteFile(o.pinFile, []byte(m[1]+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return o
}

// setUpStation sets district 101 up in data and checks five members in:
// five signed records.
func (o *diskOffice) setUpStation(ctx context.Context, t *testing.T, data string) {
	t.Helper()
	mustRun(ctx, t, o.bin, dayAt(7, 30, 0), "station", "setup", "--data", data, "--kit", o.kit, "--pin-file", o.pinFile)
	for i := 1; i <= 5; i++ {
		mustRun(ctx, t, o.bin, dayAt(7, 30, i), "station", "checkin", "--data", data, "--pin-file", o.pinFile, "--person", fmt.Sprintf("101-%d", i))
	}
}

// stationKeys is the ring of the keys the office enrolled.
func (o *diskOffice) stationKeys(ctx context.Context, t *testing.T) seal.Keys {
	t.Helper()
	st, err := tallysqlite.Open(ctx, o.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keys, err := st.StationKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ring := seal.Keys{}
	for _, k := range keys {
		ring[k.KeyID] = k.PublicKey
	}
	return ring
}

// rawRecords reads the station's records with a connection of its own
// (station.Open writes on opening, which a full disk may refuse).
func rawRecords(ctx context.Context, t *testing.T, path string) map[uint64][]byte {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT seq, envelope FROM records ORDER BY seq")
	if err != nil {
		t.Fatalf("reading the records of %s: %v", path, err)
	}
	defer rows.Close()
	out := map[uint64][]byte{}
	for rows.Next() {
		var seq uint64
		var env []byte
		if err := rows.Scan(&seq, &env); err != nil {
			t.Fatal(err)
		}
		out[seq] = env
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFullDiskStationRefusesAndLosesNothing puts a station's store on a
// 1 MiB tmpfs, fills it, and makes the board act: the command line and the
// use case refuse with a clear error, nothing is half-written, the file
// passes integrity_check, every record confirmed before is there byte for
// byte, and once space is freed the station works on.
func TestFullDiskStationRefusesAndLosesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), diskTimeout)
	defer cancel()
	disk := smallDisk(t, "1m")
	o := newDiskOffice(ctx, t)
	data := filepath.Join(disk, "station")
	o.setUpStation(ctx, t, data)
	storePath := filepath.Join(data, station.StoreFile)
	keys := o.stationKeys(ctx, t)

	// The command line on a full disk. (A store that no process has open
	// cannot even be read on a full disk: SQLite must create its
	// shared-memory file first. So the records are read before and after.)
	before := rawRecords(ctx, t, storePath)
	filler := fillDisk(t, disk, 0)
	code, out, errOut, err := run(ctx, o.bin, dayAt(8, 0, 0), "station", "incident", "--data", data, "--pin-file", o.pinFile,
		"--text", "Der Drucker im Wahlraum ist ausgefallen.")
	if err != nil || code == 0 {
		t.Fatalf("station incident on a full disk: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	// SQLite says "disk I/O error" when it cannot create its journal files
	// (docs/reliability.md, "Findings"); the station names the likely cause.
	if !strings.Contains(errOut, "is the disk full?") {
		t.Errorf("station incident on a full disk does not name the full disk: %s", strings.TrimSpace(errOut))
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if bad, err := integrityCheck(ctx, storePath); err != nil || bad != nil {
		t.Fatalf("integrity_check after the refused act: %v %v", bad, err)
	}
	if after := rawRecords(ctx, t, storePath); !equalRecords(before, after) {
		t.Fatalf("the refused act changed the records: %d before, %d after", len(before), len(after))
	}

	// The use case in a running station, the disk filling up while it
	// works (64 KiB left): acts succeed until the disk is full, then one
	// is refused.
	clock := mustTime(dayAt(8, 0, 0))
	s, err := station.Open(ctx, data, station.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pin, err := os.ReadFile(o.pinFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(strings.TrimSpace(string(pin))); err != nil {
		t.Fatal(err)
	}
	filler = fillDisk(t, disk, 64<<10)
	var confirmed []string
	var refusal error
	for i := range maxActs {
		clock = clock.Add(time.Second)
		text := fmt.Sprintf("Vorfall %d: ein Wähler fragt nach dem Briefwahlschein.", i)
		if _, err := s.LogIncident(ctx, text, time.Time{}); err != nil {
			refusal = err
			break
		}
		confirmed = append(confirmed, text)
	}
	if refusal == nil {
		t.Fatalf("%d acts on a full disk, none refused", maxActs)
	}
	if !strings.Contains(refusal.Error(), "disk is full") {
		t.Errorf("the refused act says %q: want it to name the full disk", refusal)
	}
	t.Logf("on a full disk: %d acts confirmed, then refused: %v", len(confirmed), refusal)
	// Still full: the file is sound and holds what was confirmed.
	if bad, err := s.DB().IntegrityCheck(ctx); err != nil || bad != nil {
		t.Fatalf("integrity_check on the full disk: %v %v", bad, err)
	}
	state, err := s.State(ctx)
	if err != nil {
		t.Fatalf("reading the state on the full disk: %v", err)
	}
	wantStationRecords(t, state, keys, len(before)+len(confirmed), before, confirmed)
	s.Close()

	// Space again: the station opens, has everything, and works on.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	s, err = station.Open(ctx, data, station.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatalf("reopening after space was freed: %v", err)
	}
	if bad, err := s.DB().IntegrityCheck(ctx); err != nil || bad != nil {
		t.Fatalf("integrity_check after space was freed: %v %v", bad, err)
	}
	if state, err = s.State(ctx); err != nil {
		t.Fatal(err)
	}
	wantStationRecords(t, state, keys, len(before)+len(confirmed), before, confirmed)
	if err := s.Unlock(strings.TrimSpace(string(pin))); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Second)
	if _, err := s.LogIncident(ctx, "Der Datenträger hat wieder Platz.", time.Time{}); err != nil {
		t.Fatalf("an act after space was freed: %v", err)
	}
}

func equalRecords(a, b map[uint64][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for seq, env := range a {
		if !bytes.Equal(env, b[seq]) {
			return false
		}
	}
	return true
}

// wantStationRecords checks that the station holds exactly n records,
// contiguous and verifying, the first ones byte for byte as before, and
// each confirmed incident once.
func wantStationRecords(t *testing.T, state *station.State, keys seal.Keys, n int, before map[uint64][]byte, confirmed []string) {
	t.Helper()
	if len(state.Records) != n {
		t.Fatalf("the station holds %d records, want %d (the confirmed ones, nothing half-written)", len(state.Records), n)
	}
	for i, r := range state.Records {
		if r.Seq != uint64(i+1) {
			t.Fatalf("record %d has seq %d", i+1, r.Seq)
		}
		if _, err := seal.OpenRecord(r.Envelope, keys); err != nil {
			t.Fatalf("record %d does not verify: %v", r.Seq, err)
		}
		if env, ok := before[r.Seq]; ok && !bytes.Equal(env, r.Envelope) {
			t.Fatalf("record %d changed", r.Seq)
		}
	}
	for _, text := range confirmed {
		if n := countFunc(state.Incidents, func(i ballot.Incident) bool { return i.Text == text }); n != 1 {
			t.Fatalf("the confirmed incident %q is there %d times", text, n)
		}
	}
}

// TestFullDiskTallyAnswers5xxAndLosesNothing puts the tally's store on a
// 32 MiB tmpfs (room for the WAL to grow once space is freed) and fills it while stations send: the tally answers every
// record it cannot store with a 5xx (never a receipt, never a refusal for
// good that would strand the record at the station), keeps everything it
// acknowledged, passes integrity_check, and takes the same records in once
// space is freed, without a restart.
func TestFullDiskTallyAnswers5xxAndLosesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), diskTimeout)
	defer cancel()
	disk := smallDisk(t, "32m")
	o := newOffice(ctx, t, disk, 40)
	clients := o.enrollClients(ctx, t, 40, false)
	it := startInTally(t, o)
	var envelopes [][]byte
	for _, c := range clients {
		for _, item := range c.box.items {
			envelopes = append(envelopes, item.Envelope)
		}
	}
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Timeout: 30 * time.Second, Transport: transport}
	post := func(env []byte) (int, []byte) {
		t.Helper()
		resp, err := httpClient.Post(it.Base()+outbox.EnvelopesPath, "application/json", bytes.NewReader(env))
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}

	receipts := map[string][]byte{} // envelope hash → receipt, of every record acknowledged
	for _, env := range envelopes[:3] {
		status, body := post(env)
		if status != http.StatusOK {
			t.Fatalf("before the disk is full: %d %s", status, body)
		}
		receipts[seal.EnvelopeHash(env)] = body
	}
	filler := fillDisk(t, disk, 256<<10)
	failedAt := -1
	var failStatus int
	var failBody []byte
	for i := 3; i < len(envelopes); i++ {
		status, body := post(envelopes[i])
		if status == http.StatusOK {
			if _, err := seal.OpenReceipt(body, o.signer.Public()); err != nil {
				t.Fatalf("record %d: a 200 without a receipt: %s", i, body)
			}
			receipts[seal.EnvelopeHash(envelopes[i])] = body
			continue
		}
		failedAt, failStatus, failBody = i, status, body
		break
	}
	if failedAt < 0 {
		t.Fatalf("all %d records were taken in on a full disk", len(envelopes))
	}
	var e struct{ Code, Message string }
	_ = json.Unmarshal(failBody, &e)
	t.Logf("on a full disk: %d records acknowledged, then %d %s", len(receipts)-3, failStatus, failBody)
	if failStatus < 500 {
		t.Fatalf("the tally answered %d %s on a full disk: a 4xx marks the record rejected for good at the station; want a 5xx", failStatus, failBody)
	}
	if e.Code != tally.CodeStoreUnavailable {
		t.Errorf("the tally answered code %q on a full disk, want %s", e.Code, tally.CodeStoreUnavailable)
	}
	// More records while full: each 5xx.
	for i := failedAt + 1; i < min(failedAt+10, len(envelopes)); i++ {
		if status, body := post(envelopes[i]); status == http.StatusOK {
			receipts[seal.EnvelopeHash(envelopes[i])] = body
		} else if status < 500 {
			t.Fatalf("record %d on a full disk: %d %s", i, status, body)
		}
	}
	if bad, err := integrityCheck(ctx, o.path); err != nil || bad != nil {
		t.Fatalf("integrity_check on the full disk: %v %v", bad, err)
	}

	// Space again: the same tally process takes everything in, once; what
	// it acknowledged before is there with the same receipt.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for i, env := range envelopes {
		status, body := post(env)
		if status != http.StatusOK {
			t.Fatalf("record %d after space was freed: %d %s", i, status, body)
		}
		if prev, ok := receipts[seal.EnvelopeHash(env)]; ok && !bytes.Equal(prev, body) {
			t.Fatalf("record %d: acknowledged before with another receipt", i)
		}
		receipts[seal.EnvelopeHash(env)] = body
	}
	st, err := tallysqlite.Open(ctx, o.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.EnvelopeCount(ctx); err != nil || n != int64(len(envelopes)) {
		t.Fatalf("the tally holds %d envelopes (%v), want %d", n, err, len(envelopes))
	}
	if rej, err := st.Rejections(ctx); err != nil || len(rej) > 0 {
		t.Fatalf("the tally kept %d refusals (%v): a full disk is no verdict on a record", len(rej), err)
	}
	svc, err := tally.New(ctx, st, seal.Signer{}, tally.Options{Logger: slog.New(slog.DiscardHandler), Clock: func() time.Time { return mustTime(tallyServes) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := svc.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("tally verify: %v %v", rep.Differences, err)
	}
	if bad, err := integrityCheck(ctx, o.path); err != nil || bad != nil {
		t.Fatalf("integrity_check: %v %v", bad, err)
	}
}

// TestFullDiskWritersLeaveNoPartialFile writes a station's USB bundle, the
// evidence file and an official PDF into a full 1 MiB tmpfs: each command
// fails with a clear error and leaves neither the file nor a temporary
// file behind; with space again, each succeeds.
func TestFullDiskWritersLeaveNoPartialFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), diskTimeout)
	defer cancel()
	disk := smallDisk(t, "1m")
	o := newDiskOffice(ctx, t)
	data := filepath.Join(o.dir, "station")
	o.setUpStation(ctx, t, data)
	// The office takes the station's records in (as from a USB bundle),
	// so that the evidence and the sheet have something to hold.
	importRecords(ctx, t, o, data)

	filler := fillDisk(t, disk, 0)
	writers := []struct {
		name, out string
		args      []string
	}{
		{"station export", "101.wkbundle", []string{"station", "export", "--data", data, "--all", "--out"}},
		{"tally export-evidence", "musterstadt.evidence", []string{"tally", "export-evidence", "--store", o.db, "--out"}},
		{"tally report official", "ergebnis.pdf", []string{"tally", "report", "official", "--store", o.db, "--out"}},
	}
	for _, w := range writers {
		out := filepath.Join(disk, w.out)
		code, stdout, stderr, err := run(ctx, o.bin, tallyServes, append(w.args, out)...)
		if err != nil || code == 0 {
			t.Errorf("%s onto a full disk: exit %d, %v\n%s%s", w.name, code, err, stdout, stderr)
			continue
		}
		if !strings.Contains(stderr, "no space left on device") {
			t.Errorf("%s onto a full disk says %q: want it to name the full disk", w.name, strings.TrimSpace(stderr))
		}
		t.Logf("%s onto a full disk: exit %d: %s", w.name, code, strings.TrimSpace(stderr))
		onlyFiller(t, disk)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for _, w := range writers {
		out := filepath.Join(disk, w.out)
		mustRun(ctx, t, o.bin, tallyServes, append(w.args, out)...)
		if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
			t.Errorf("%s with space: %v", w.name, err)
		}
	}
}

// importRecords takes the station's records in at the office, as tally
// import does with a bundle.
func importRecords(ctx context.Context, t *testing.T, o *diskOffice, data string) {
	t.Helper()
	s, err := station.Open(ctx, data, station.Options{})
	if err != nil {
		t.Fatal(err)
	}
	state, err := s.State(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(o.db + ".office-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	office, err := seal.ParseSignerPEM(pem)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tallysqlite.Open(ctx, o.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := tally.New(ctx, st, office, tally.Options{Logger: slog.New(slog.DiscardHandler), Clock: func() time.Time { return mustTime(tallyServes) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range state.Records {
		if _, err := svc.Ingest(ctx, r.Envelope, tally.ViaImport); err != nil {
			t.Fatalf("record %d: %v", r.Seq, err)
		}
	}
}
