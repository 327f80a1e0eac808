package reports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

func TestStationRecord_ShowsTheBoardWithTimesRolesAndReplacements(t *testing.T) {
	text := pdftotext(t, render(t, find(t, "station-record"), ballot.German), "-layout")
	contains(t, text,
		"Wahlniederschrift", "Kommunalwahl Musterstadt 2026", "Sonntag, 8. März 2026",
		"Wahlbezirk 101 – Grundschule an der Lindenstraße (Nr. 101)", "Stadtbezirk 1 – Altstadt",
		"Petra Weber", "Wahlvorsteher", "Benedikt Weiß", "stellv. Wahlvorsteher", "Schriftführer",
		"07:30", "19:45", "12:00, 19:45", "07:31, 13:00", // away over lunch: two periods
		"Jürgen Öztürk", "Ersatz für Franziska Bauer", "verpflichtet", "nicht erschienen", "ersetzt durch",
		"Beginn der Wahlhandlung:", "08:00 Uhr", "Schluss der Wahlhandlung:", "18:00 Uhr")
}

func TestStationRecord_ShowsTurnoutIncidentsCountsReasonsAndSignatures(t *testing.T) {
	text := pdftotext(t, render(t, find(t, "station-record"), ballot.German), "-layout")
	contains(t, text,
		"Meldungen zur Wahlbeteiligung", "10:00", "212", "10,91 %", "41,26 %",
		"Vorfall", "Personalausweis", "Vorkommnis", "dem Wahlamt gemeldet",
		"Ergebnis: Wahl der Ersten Bürgermeisterin / des Ersten Bürgermeisters",
		"A1", "Wahlberechtigte ohne Sperrvermerk „W“", "1.409", "A2", "535", "A3",
		"Wahlberechtigte insgesamt (A1 + A2 + A3)", "1.944", "Wähler insgesamt", "1.070",
		"B1", "darunter Wähler mit Wahlschein", "Stimmabgabevermerke",
		"ungültige Stimmen", "gültige Stimmen", "D1", "Dr. Katharina Weiß (CSU)", "D2", "Jürgen Öztürk (SPD)",
		"Ergebnis: Wahl des Stadtrats", "ungültige Stimmzettel", "davon unverändert", "D8", "Bürger für Musterstadt e. V.",
		"Christlich-Soziale Union (CSU)", "Sören Kowalski", "Korbinian Groß",
		"Eingegeben und geprüft von: Benedikt Weiß, Maria Bauer",
		"Begründungen zu Hinweisen", "Stimmzettel weichen von Vermerken und", "Vermerk nachgetragen",
		"Unterschriften", "Wahlvorsteher: Petra Weber", "Schriftführer: Maria Bauer", "Beisitzer: Jürgen Öztürk",
		"Prüfsumme (SHA-256) des unterzeichneten digitalen Datensatzes", fingerprint("record 101 final"))
	if strings.Contains(text, "Beisitzer: Franziska Bauer") {
		t.Error("a member who never came has a signature line")
	}
}

// The fingerprint is on every page, so that a page that comes loose is
// still matched to its record.
func TestStationRecord_PrintsTheFingerprintOnEveryPage(t *testing.T) {
	fp := fingerprint("record 101 final")
	for i, p := range pages(pdftotext(t, render(t, find(t, "station-record"), ballot.German))) {
		if !strings.Contains(p, fp) {
			t.Errorf("page %d lacks the fingerprint", i+1)
		}
	}
}

// A warning's reason is introduced by the check's own message when the
// caller hands in the findings.
func TestStationRecord_QuotesTheFindingAReasonAnswers(t *testing.T) {
	r := stationRecord(t)
	c := r.Contests[0].Count
	r.Contests[0].Findings = []ballot.Finding{{Code: ballot.FindingMarksDiffer, Severity: ballot.SeverityWarning, Contest: "ob",
		Fields: []ballot.FieldValue{{Field: ballot.FieldB, Value: c.B}, {Field: ballot.FieldMarks, Value: *c.Marks}, {Field: ballot.FieldB1, Value: c.B1}}}}
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	contains(t, flat(pdftotext(t, b.Bytes())), "gezählt wurden aber B = 1.070 Stimmzettel")
}

func TestStationRecord_PostalListsTheLettersAndEveryRejectionReasonInTheLawsOrder(t *testing.T) {
	text := pdftotext(t, render(t, find(t, "quick-report-postal"), ballot.English), "-layout")
	contains(t, text, "Quick report", "Postal district:", "Briefwahlbezirk 901",
		"ballot letters received", "445", "letters queried", "of these admitted", "of these rejected",
		"Gülay Aßmann-Großhäuser", "Björn Weiß", "Page 1 of")
	last := -1
	for i, r := range ballot.RejectReasons {
		line := "rejected under BWahlG § 39 (4) no. " + string(rune('2'+i)) + ": " + r.Label(ballot.English)
		at := strings.Index(text, line[:min(len(line), 50)])
		if at < 0 {
			t.Errorf("the record lacks %q", line)
			continue
		}
		if at < last {
			t.Errorf("reason %d comes before reason %d", i+2, i+1)
		}
		last = at
	}
	if strings.Contains(text, "A1 ") || strings.Contains(text, "Polls opened") {
		t.Error("a postal record shows register figures or polls")
	}
}

func TestStationRecord_QuickAndFinalSayWhichTheyAre(t *testing.T) {
	r := stationRecord(t)
	r.Stage = ballot.StageQuick
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	text := pdftotext(t, b.Bytes())
	contains(t, text, "Schnellmeldung")
	if strings.Contains(text, "Wahlniederschrift") {
		t.Error("the quick report calls itself Wahlniederschrift")
	}
}

func TestStationRecord_WithoutFingerprintSaysSoAndRefusesAMalformedOne(t *testing.T) {
	r := stationRecord(t)
	r.Fingerprint = ""
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	contains(t, pdftotext(t, b.Bytes()), "noch nicht unterzeichnet")
	for _, bad := range []string{"abc", strings.Repeat("G", 64), strings.ToUpper(fingerprint("x"))} {
		r.Fingerprint = bad
		if err := reports.WriteStationRecord(&bytes.Buffer{}, r, ballot.German); err == nil {
			t.Errorf("fingerprint %q accepted", bad)
		}
	}
}

func TestStationRecord_NotYetCountedContestSaysSo(t *testing.T) {
	r := stationRecord(t)
	r.Contests[1].Count = nil
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.English); err != nil {
		t.Fatal(err)
	}
	contains(t, pdftotext(t, b.Bytes()), "Not counted yet.", "Station record", "occurrence after the close", "incident during voting")
}

// The second contest on a ballot uses the letters E and F (federal
// forms: first and second vote).
func TestStationContests_GiveTheSecondContestOfABallotItsLettersEAndF(t *testing.T) {
	def := musterstadt(t)
	def.Ballots[0].Contests = append(def.Ballots[0].Contests, ballot.Contest{ID: "q", Title: "Bürgerentscheid Freibad", Kind: ballot.KindReferendum})
	d := district(t, def, "101")
	counts := map[string]*ballot.Count{"q": {Contest: "q", Stage: ballot.StageFinal, Version: 1, A1: 1409, A2: 535, B: 1000, B1: 200,
		Invalid: 10, Valid: 990, Votes: map[string]int64{"yes": 600, "no": 390}}}
	cs := reports.StationContests(def, d, counts)
	if len(cs) != 3 || cs[1].Contest.ID != "q" || cs[1].Position != 1 || cs[1].Count == nil || cs[0].Count != nil {
		t.Fatalf("contests %+v", cs)
	}
	r := stationRecord(t)
	r.Contests = cs[1:2]
	var b bytes.Buffer
	if err := reports.WriteStationRecord(&b, r, ballot.German); err != nil {
		t.Fatal(err)
	}
	contains(t, squeeze(pdftotext(t, b.Bytes(), "-layout")), "E ungültige Stimmen 10", "F gültige Stimmen 990", "F1 Ja 600", "F2 Nein 390")
}

func TestStationRecord_WithoutAStageIsAnError(t *testing.T) {
	r := stationRecord(t)
	r.Stage = ""
	if err := reports.WriteStationRecord(&bytes.Buffer{}, r, ballot.German); err == nil || !strings.Contains(err.Error(), "quick or final") {
		t.Errorf("got %v", err)
	}
}
