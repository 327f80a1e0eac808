package tally_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// exportFixture counts the mayor in two in-person districts of ward 1
// (101 final, 102 quick), one of ward 2 (201 final) and the postal
// district 901 of ward 1.
func exportFixture(t *testing.T, st store.Store) *fixture {
	f := newFixture(t, st, "101", "102", "201", "901")
	f.ingest(f.seal("101", ballot.RecordCount, f.mayorCount("101", ballot.StageFinal, 1, 600, [4]int64{300, 150, 100, 44})))
	f.ingest(f.seal("102", ballot.RecordCount, f.mayorCount("102", ballot.StageQuick, 1, 500, [4]int64{200, 150, 100, 44})))
	f.ingest(f.seal("201", ballot.RecordCount, f.mayorCount("201", ballot.StageFinal, 1, 400, [4]int64{100, 200, 50, 44})))
	f.ingest(f.seal("901", ballot.RecordCount, &ballot.Count{Contest: "ob", Stage: ballot.StageFinal, Version: 1,
		B: 250, B1: 250, Invalid: 4, Valid: 246,
		Postal: &ballot.PostalLetters{Received: 253, Queried: 12, Admitted: 9, Rejected: 3,
			RejectedBy: map[ballot.RejectReason]int64{ballot.RejectDeclarationUnsigned: 2, ballot.RejectNoValidCard: 1}},
		Votes:     map[string]int64{"ob-1": 120, "ob-2": 70, "ob-3": 40, "ob-4": 16},
		EnteredBy: []string{"m1", "m2"}}))
	return f
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestExport_CSVIsTheOpenDataLayout(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := exportFixture(t, st)
		x, err := f.svc.Export(f.ctx, tally.ViewBest)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tally.WriteCSV(&buf, x); err != nil {
			t.Fatal(err)
		}
		golden(t, "results-best.csv", buf.Bytes())
	})
}

func TestExport_NISTReportWithInPersonAndPostalApart(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		f := exportFixture(t, st)
		x, err := f.svc.Export(f.ctx, tally.ViewFinal)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := tally.WriteNIST(&buf, x); err != nil {
			t.Fatal(err)
		}
		golden(t, "results-final.nist.json", buf.Bytes())
		var rep map[string]any
		if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep["@type"] != "ElectionResults.ElectionReport" || rep["Status"] != "unofficial-partial" {
			t.Errorf("report %v %v", rep["@type"], rep["Status"])
		}
	})
}

func TestNISTStatus_FollowsTheContests(t *testing.T) {
	res := func(cs ...tally.ContestResults) tally.Results { return tally.Results{Contests: cs} }
	done := tally.ContestResults{Districts: 2, Total: ballot.ContestResult{Districts: 2}}
	part := tally.ContestResults{Districts: 2, Total: ballot.ContestResult{Districts: 1}}
	cert := tally.ContestResults{Districts: 2, Certified: true}
	for _, c := range []struct {
		res  tally.Results
		want string
	}{
		{res(part, done), "unofficial-partial"},
		{res(done, cert), "unofficial-complete"},
		{res(cert, cert), "certified"},
	} {
		if got := tally.NISTStatus(c.res); got != c.want {
			t.Errorf("%+v: %s, want %s", c.res, got, c.want)
		}
	}
}
