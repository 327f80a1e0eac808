package demo

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

// The demo runs the whole day and leaves a tally whose store verifies,
// whose evidence gives its results, and in which every story of the day
// happened: the replacement, the station below quorum, the typo, the
// correction, the USB bundle, the postal rejections.
func TestDemoRunsTheWholeDay(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo-out")
	var out, errOut bytes.Buffer
	opts := &Options{IO: cmdutil.IO{Out: &out, ErrOut: &errOut}, Out: dir,
		Election: filepath.Join("..", "..", "..", "..", "testdata", "musterstadt.json"), Seed: 2026, Lang: ballot.English}
	ctx := context.Background()
	if err := demoRun(ctx, opts); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"district 101: Franziska Bauer did not come; Erika Mustermann was instructed and replaces them",
		"12:15  district 102 below quorum; the office sees: 102, 103",
		"district 102: Claudia Schäfer is back; below quorum now: 103",
		"district 104, ob: the second entry differs in 1 field",
		"100 quick reports sent",
		"100 final records sent",
		"district 105, ob: corrected after a recount (version 2)",
		"district 103 without network: USB bundle",
		"final record                                                 50       of 50 districts",
		"occurrence after the close: Beim Leeren der Urne",
		"recomputed from it alone, the results are the same",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	for _, f := range []string{"tally.db", "tally.db.office-key.pem", "evidence.jsonl", "103.wkbundle", "kits/pins.txt", "stations/101/station.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	// The PDFs, read back as text.
	for f, want := range map[string]string{
		"official.pdf":    "Jürgen Öztürk",
		"turnout.pdf":     "Stadtbezirk 1 – Altstadt",
		"staffing.pdf":    "Erika Mustermann",
		"allowance.pdf":   "Erika Mustermann",
		"station-101.pdf": "Wahlbezirk 101 – Grundschule an der Lindenstraße",
	} {
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", filepath.Join(dir, f), "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s (poppler-utils installed?): %v", f, err)
		}
		if !strings.Contains(string(text), want) {
			t.Errorf("%s lacks %q", f, want)
		}
	}

	// The store left behind verifies against its own envelopes, and the
	// office sees every district final with the correction current.
	st, err := sqlite.Open(ctx, filepath.Join(dir, "tally.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := tally.New(ctx, st, seal.Signer{}, tally.Options{})
	if err != nil {
		t.Fatal(err)
	}
	report, err := svc.Verify(ctx)
	if err != nil || !report.OK() {
		t.Fatalf("verify: %v %v", report.Differences, err)
	}
	res, err := svc.Results(ctx, tally.ViewFinal)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Contests {
		if c.Total.Districts != 50 || c.Status() != "complete" {
			t.Errorf("%s: %d districts, %s", c.Total.Contest, c.Total.Districts, c.Status())
		}
		if c.Postal.Districts != 10 || c.InPerson.Districts != 40 {
			t.Errorf("%s: %d postal, %d in person", c.Total.Contest, c.Postal.Districts, c.InPerson.Districts)
		}
	}
	counts, err := st.CurrentCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	corrected := false
	for _, c := range counts {
		corrected = corrected || (c.District == correctionDistrict && c.Contest == "ob" && c.Stage == ballot.StageFinal && c.Version == 2)
	}
	if !corrected {
		t.Error("the correction of 105 is not the current final record")
	}

	// Every district sent its final record: the contests can be certified
	// as they are, with no reason needed.
	for _, c := range svc.ContestIDs() {
		if err := svc.Certify(ctx, c, "Wahlausschuss"); err != nil {
			t.Errorf("certify %s: %v", c, err)
		}
	}

	// A second run into the same folder needs --force, and replaces it.
	if err := prepareDir(dir, false); cmdutil.ExitCode(err) != 2 {
		t.Fatalf("a second run without --force: %v", err)
	}
}

// --interactive opens the station app, so it refuses to start without a
// terminal, before it writes anything.
func TestInteractiveNeedsATerminal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	err := demoRun(context.Background(), &Options{IO: cmdutil.IO{Out: &out, ErrOut: &out}, Out: dir, Interactive: true,
		Election: filepath.Join("..", "..", "..", "..", "testdata", "musterstadt.json")})
	if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "needs a terminal") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s was made: %v", dir, err)
	}
}
