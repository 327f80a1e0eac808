package reports_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

// The golden files hold the documents of the fixtures byte for byte; run
// `go test ./reports -run Golden -update` to rewrite them after a
// deliberate change, and look at them before committing.
func TestDocuments_MatchTheGoldenFilesByteForByte(t *testing.T) {
	for _, doc := range documents {
		t.Run(doc.name, func(t *testing.T) {
			got := render(t, doc, doc.lang)
			path := filepath.Join("testdata", doc.name+".pdf")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run the test with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				out := filepath.Join(t.TempDir(), doc.name+".pdf")
				_ = os.WriteFile(out, got, 0o644)
				t.Errorf("%s differs from %s (%d bytes, golden %d); the new one is at %s; rerun with -update if the change is meant",
					doc.name, path, len(got), len(want), out)
			}
		})
	}
}

func TestDocuments_AreByteIdenticalForTheSameInput(t *testing.T) {
	for _, doc := range documents {
		for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
			a, b := render(t, doc, lang), render(t, doc, lang)
			if !bytes.Equal(a, b) {
				t.Errorf("%s (%s): two renderings differ", doc.name, lang)
			}
		}
	}
}

// Every page of every document, in both languages, carries the running
// head, "Seite x von y" with the right numbers and the time generated in
// Berlin; no label is missing from the word table.
func TestDocuments_NumberEveryPageAndMissNoWordInEitherLanguage(t *testing.T) {
	for _, doc := range documents {
		for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
			text := pdftotext(t, render(t, doc, lang))
			ps := pages(text)
			for i, p := range ps {
				want := fmt.Sprintf("Seite %d von %d", i+1, len(ps))
				if lang == ballot.English {
					want = fmt.Sprintf("Page %d of %d", i+1, len(ps))
				}
				if !strings.Contains(p, want) || !strings.Contains(p, "Kommunalwahl Musterstadt 2026") {
					t.Errorf("%s (%s) page %d lacks %q or the election's title", doc.name, lang, i+1, want)
				}
			}
			if strings.Contains(text, "[[") {
				t.Errorf("%s (%s) shows a word missing from the word table:\n%s", doc.name, lang, text)
			}
		}
	}
}

func TestDocuments_ShowTheTimeGeneratedInBerlin(t *testing.T) {
	text := pdftotext(t, render(t, find(t, "result-sheet"), ballot.German))
	contains(t, text, "Erstellt: 08.03.2026, 21:15 Uhr") // 20:15 UTC
	en := pdftotext(t, render(t, find(t, "result-sheet"), ballot.English))
	contains(t, en, "Generated: 8 March 2026, 21:15")
}

func TestDocuments_WithoutTheTimeGeneratedAreAnError(t *testing.T) {
	var b bytes.Buffer
	cases := map[string]error{
		"station record": reports.WriteStationRecord(&b, reports.StationRecord{Stage: ballot.StageFinal}, ballot.German),
		"result sheet":   reports.WriteResultSheet(&b, reports.ResultSheet{Fingerprint: strings.Repeat("a", 64)}, ballot.German),
		"turnout":        reports.WriteTurnout(&b, reports.TurnoutReport{}, ballot.German),
		"staffing":       reports.WriteStaffing(&b, reports.StaffingReport{}, ballot.German),
		"allowance":      reports.WriteAllowance(&b, reports.AllowanceList{}, ballot.German),
	}
	for name, err := range cases {
		if err == nil || !strings.Contains(err.Error(), "Generated") {
			t.Errorf("%s: got %v, want an error naming Generated", name, err)
		}
	}
	if b.Len() != 0 {
		t.Errorf("%d bytes written despite the errors", b.Len())
	}
}

func TestDocuments_UnknownTimeZoneIsAnError(t *testing.T) {
	e := ballot.Election{Title: "X", TimeZone: "Mars/Olympus"}
	err := reports.WriteTurnout(&bytes.Buffer{}, reports.TurnoutReport{Election: e, Generated: time.Now()}, ballot.German)
	if err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Errorf("got %v, want an error naming the time zone", err)
	}
}

// Long names wrap inside their column: every word of a long name with
// umlauts and ß stays left of the column's right edge, on several lines.
func TestTables_WrapLongNamesWithinTheirColumn(t *testing.T) {
	r := stationRecord(t)
	long := "Maximiliane Großkopf-Überreiter von und zu Weißenbäck-Hohenschwangau in Füssen"
	r.Members[4].Name = long
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	// The board table: name column from the left margin (15 mm), shared
	// width 180 − 34 − 22 − 22 − 48 = 54 mm.
	right := mm(15 + 54)
	lines := map[float64]bool{}
	var seen []string
	for _, w := range words(t, b.Bytes()) {
		if w.Page == 1 && strings.Contains(long, w.Text) && w.XMin < right && len(w.Text) > 3 {
			seen = append(seen, w.Text)
			lines[w.YMin] = true
			if w.XMax > right {
				t.Errorf("%q ends at %.1f pt, beyond the column's edge at %.1f pt", w.Text, w.XMax, right)
			}
		}
	}
	for _, want := range []string{"Maximiliane", "Großkopf-Überreiter", "Weißenbäck-Hohenschwangau", "Füssen"} {
		if !slices.Contains(seen, want) {
			t.Errorf("the board table lacks %q of the long name; it has %q", want, seen)
		}
	}
	if len(lines) < 2 {
		t.Errorf("the long name takes %d line(s), want it wrapped", len(lines))
	}
}

// Numbers are right-aligned: the figures of a count column end at the
// same x, with German thousands separators.
func TestTables_AlignNumbersRightWithGermanSeparators(t *testing.T) {
	pdf := render(t, find(t, "station-record"), ballot.German)
	ends := map[string]float64{}
	for _, w := range words(t, pdf) {
		switch w.Text {
		case "1.409", "535", "1.944", "1.070":
			if _, ok := ends[w.Text]; !ok && w.Page == 1 {
				ends[w.Text] = w.XMax
			}
		}
	}
	if len(ends) != 4 {
		t.Fatalf("found %v, want the figures 1.409, 535, 1.944 and 1.070 on page 1", ends)
	}
	for k, x := range ends {
		if d := x - ends["1.409"]; d > 0.6 || d < -0.6 {
			t.Errorf("%s ends at %.2f pt, 1.409 at %.2f pt: not right-aligned", k, x, ends["1.409"])
		}
	}
}

// A table longer than a page repeats its header on every page it runs
// onto: the annex of 50 districts spans pages, each with its header.
func TestTables_RepeatTheirHeaderOnEveryPage(t *testing.T) {
	text := pdftotext(t, render(t, find(t, "result-sheet"), ballot.German), "-layout")
	annex := 0
	for _, p := range pages(text) {
		if !strings.Contains(p, "Wahlbezirk ") || strings.Contains(p, "Stimmen für die Wahlvorschläge") {
			continue
		}
		annex++
		header := false
		for _, line := range strings.Split(p, "\n") {
			f := strings.Fields(line)
			if len(f) >= 7 && f[0] == "Nr." && f[1] == "Wahlbezirk" && f[2] == "A" && f[3] == "B" {
				header = true
			}
		}
		if !header {
			t.Errorf("an annex page lacks the table header:\n%s", p)
		}
	}
	if annex < 3 {
		t.Errorf("%d annex pages, want the annex to run over several", annex)
	}
}
