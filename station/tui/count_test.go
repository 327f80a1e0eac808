package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// enterMayor makes one entry of the mayor contest by the member now
// picked, with d2 as the votes of the second candidate.
func (d *driver) enterMayor(d2 string) {
	d.t.Helper()
	d.press("enter", "enter", "enter", "enter") // from "entered by" to B
	d.press(mayorFigures(d2)...)
	d.press("enter") // on the save button
}

func TestACountEnteredTwiceWithADifferenceIsNamedFixedAndSent(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("a")
	d.wantView("Wahl der Ersten Bürgermeisterin", "Eingabe durch ‹ Petra Weber ›", "A1 [ 1.409] ohne Vermerk „W“", "[ 535]")

	d.enterMayor("300")
	st := d.state()
	if e := st.Entries["ob"]; len(e) != 1 || e[0].EnteredBy != "101-1" || e[0].Count.Votes["ob-2"] != 300 || e[0].Count.A1 != 1409 {
		t.Fatalf("first entry: %+v", e)
	}
	d.wantView("Eingabe 1 von Petra Weber für ob gespeichert.", "1. Petra Weber ✓ · 2. fehlt",
		"Eingabe 1 von Petra Weber: die Prüfung findet nichts.")
	// The form is empty again for the second member, who must not see
	// the first one's figures; the next member present is picked.
	if got := d.m.count.form().entrant; got != "101-2" {
		t.Fatalf("the second entry is by %s, want 101-2", got)
	}
	if v := d.m.count.form().value(ballot.OptionField("ob-2")); v != 0 {
		t.Fatalf("the form shows the first entry's D2 = %d to the second member", v)
	}

	d.enterMayor("390") // a typing error
	d.wantView("≠ D2 Jürgen Öztürk (SPD): 1. Eingabe 300, 2. Eingabe 390", "≠ 1 abweichend",
		"l (eigene Eingabe laden)")
	if !strings.Contains(d.view(), "≠ D2") {
		t.Fatalf("the differing row is not marked:\n%s", d.view())
	}

	// The report cannot be sent while the entries differ.
	d.press("m")
	d.wantView("Die beiden Eingaben für ob weichen ab:")
	d.press("ctrl+s")
	if len(d.state().Sent["ob"]) != 0 {
		t.Fatal("sent with differing entries")
	}

	// The second member loads their entry, fixes D2 and saves.
	d.press("a")
	if d.m.count.form().entrant != "101-2" {
		t.Fatalf("entrant %s", d.m.count.form().entrant)
	}
	d.press("l")
	d.wantView("Eingabe 2 von Benedikt Weiß geladen")
	for d.m.count.form().focus != 2+cellIndex(d.m.count.form(), "D:ob-2") {
		d.press("tab")
	}
	d.press("backspace", "backspace", "00", "ctrl+s")
	d.wantView("Eingabe 2 von Benedikt Weiß für ob gespeichert. Eingaben stimmen überein.", "Benedikt Weiß ✓ · ✓ stimmen überein")

	d.press("m")
	d.wantView("Art Schnellmeldung", "Schnellmeldung noch nicht gesendet", "eingegeben von Petra Weber und Benedikt Weiß",
		"A1 1.409 · A2 535 · A3 0 · B 1.000 · B1 200 · C 10 · D 990", "D2 Jürgen Öztürk", "[ Schnellmeldung senden ]")
	d.press("ctrl+s")
	st = d.state()
	sent := st.LastSent("ob", ballot.StageQuick)
	if sent == nil || sent.Count.Version != 1 || sent.Count.Votes["ob-2"] != 300 || sent.State != outbox.StatePending {
		t.Fatalf("quick report: %+v", sent)
	}
	d.wantView("Schnellmeldung für ob (Fassung 1) signiert und im Postausgang.", "Schnellmeldung Fassung 1 (Nr. 8): … wartend", "Niederschrift noch nicht gesendet")
	// After it, the final record is proposed; the same figures may go.
	d.wantView("Art Niederschrift")
}

func cellIndex(f *countForm, field string) int {
	for i, c := range f.cells {
		if c.field == field && !c.heading {
			return i
		}
	}
	return -1
}

func TestTheFormMarksAFieldThatDoesNotAddUpWhileTyping(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("a", "enter", "enter", "enter", "enter", "1000", "enter", "200", "enter", "enter", "10", "enter", "900")
	d.wantView("C+D 910 · B 1.000", "Summe D1… 0")
	d.wantView("gültig") // the check of the field in focus is shown below the form
	if !strings.Contains(d.view(), "! D    [") {
		t.Fatalf("D is not marked:\n%s", d.view())
	}
	d.press("enter", "400")
	d.wantView("Summe D1… 400")
	d.press("ctrl+s")
	d.wantView("Noch leer: D2, D3, D4. Bitte jede Zahl eintragen, auch 0.")
	if len(d.state().Entries["ob"]) != 0 {
		t.Fatal("an incomplete entry was stored")
	}
	if d.m.count.form().value(ballot.FieldB) != 1000 {
		t.Fatal("the refused entry lost what was typed")
	}
	// Nobody but the members present may enter.
	d.press("up", "up", "up", "up", "up", "up", "up", "up", "up")
	if d.m.count.form().focus != 1 {
		t.Fatalf("focus %d", d.m.count.form().focus)
	}
	for range 5 {
		d.press("right")
		if id := d.m.count.form().entrant; id == "101-6" {
			t.Fatal("101-6 is not checked in and was offered")
		}
	}
}

func TestAWarningNeedsAReasonBeforeTheReportGoes(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	high := ballot.Count{B: 1400, B1: 50, Invalid: 10, Valid: 1390,
		Votes: map[string]int64{"ob-1": 700, "ob-2": 400, "ob-3": 200, "ob-4": 90}}
	for _, who := range []string{"101-1", "101-2"} {
		if _, err := s.EnterCount(context.Background(), "ob", who, high); err != nil {
			t.Fatal(err)
		}
	}
	d := drive(t, s, testOptions(c, ballot.English))
	d.press("m")
	d.wantView("? ", "Reason [", "Send quick report – 1 thing(s) in the way")
	d.press("ctrl+s")
	d.wantView("The count of ob cannot be sent like this:")
	if len(d.state().Sent["ob"]) != 0 {
		t.Fatal("sent without a reason")
	}
	d.press("tab", "tab")
	if !d.m.typing() {
		t.Fatal("the reason field has no focus")
	}
	d.press("Seniorenheim im Wahlbezirk")
	d.wantView("[ Send quick report ]")
	d.press("enter", "enter")
	sent := d.state().LastSent("ob", ballot.StageQuick)
	if sent == nil || len(sent.Count.Reasons) != 1 {
		t.Fatalf("sent: %+v", sent)
	}
}

func TestACorrectionAsksForItsReason(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	ctx := context.Background()
	count := ballot.Count{B: 1000, B1: 200, Invalid: 10, Valid: 990, Votes: map[string]int64{"ob-1": 400, "ob-2": 300, "ob-3": 200, "ob-4": 90}}
	for _, who := range []string{"101-1", "101-2"} {
		if _, err := s.EnterCount(ctx, "ob", who, count); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Submit(ctx, "ob", ballot.StageFinal, station.SubmitOptions{}); err != nil {
		t.Fatal(err)
	}
	count.Votes["ob-3"], count.Votes["ob-4"] = 205, 85
	for _, who := range []string{"101-1", "101-2"} {
		if _, err := s.EnterCount(ctx, "ob", who, count); err != nil {
			t.Fatal(err)
		}
	}
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("m")
	d.wantView("Art Niederschrift", "Fassung 1 (Nr. 8)", "Berichtigung 2, Grund")
	d.press("ctrl+s")
	d.wantView("Fassung 2 von ob ist eine Berichtigung und braucht eine Begründung.")
	d.press("tab", "tab", "Nachzählung: 5 Stimmen falsch zugeordnet", "enter", "enter")
	// A final record is signed only after a question: nothing yet.
	d.wantView("Die Niederschrift für ob jetzt signieren und senden?")
	if last := d.state().LastSent("ob", ballot.StageFinal); last.Count.Version != 1 {
		t.Fatalf("sent before the question was answered: version %d", last.Count.Version)
	}
	d.press("j")
	last := d.state().LastSent("ob", ballot.StageFinal)
	if last.Count.Version != 2 || last.Count.CorrectionReason == "" {
		t.Fatalf("correction: %+v", last.Count)
	}
}

func TestThePostalFormHasTheLettersAndTheReasons(t *testing.T) {
	s, c, _ := newStation(t, "901")
	d := drive(t, s, testOptions(c, ballot.German))
	f := d.m.count.forms[0]
	var codes []string
	for _, cell := range f.cells {
		codes = append(codes, cell.field)
	}
	want := []string{"received", "queried", "admitted", "rejected", "rejected:no-valid-card"}
	for i, w := range want {
		if codes[i] != w {
			t.Fatalf("postal fields %v, want %v first", codes, want)
		}
	}
	if cellIndex(&f, ballot.FieldA1) >= 0 {
		t.Fatal("a postal form asks for A1")
	}
	d.press("a")
	d.wantView("eingegangene Wahlbriefe", "kein oder kein gültiger Wahlschein")
	// The figures typed become the postal letters of the count.
	for i, v := range []string{"500", "12", "8", "4", "1", "", "3"} {
		f.cells[i].in.set(v)
	}
	got, _ := f.figures()
	if p := got.Postal; p == nil || p.Received != 500 || p.Rejected != 4 || p.RejectedBy[ballot.RejectNoValidCard] != 1 ||
		p.RejectedBy[ballot.RejectUnsealed] != 3 || len(p.RejectedBy) != 2 {
		t.Fatalf("postal letters: %+v", got.Postal)
	}
}

func TestTheCumulativeFormHasTheSplitAndEveryCandidate(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("a", "up", "right")
	d.wantView("2/2 Wahl des Stadtrats", "ungültige Stimmzettel")
	f := d.m.count.form()
	if f.contest.ID != "sr" || cellIndex(f, ballot.FieldUnchanged) < 0 || cellIndex(f, ballot.CandidateField("bfm-2")) < 0 {
		t.Fatalf("cumulative form: %+v", f.cells[:12])
	}
	for d.m.count.form().focus != 2+cellIndex(d.m.count.form(), ballot.CandidateField("csu-1")) {
		d.press("pgdown")
		if d.m.count.form().focus > 2+cellIndex(d.m.count.form(), ballot.CandidateField("csu-1")) {
			d.press("up")
		}
	}
	d.press("120")
	d.wantView("Christlich-Soziale Union (CSU)", "Bewerber 120 · Liste 0", "› 1 [ 120 ] Sören Kowalski")
}

func TestDiscardingTheEntriesAsksFirst(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("a")
	d.enterMayor("300")
	d.press("x")
	d.wantView("Beide Eingaben für ob verwerfen und neu eingeben?")
	d.press("n")
	if len(d.state().Entries["ob"]) != 1 {
		t.Fatal("discarded after no")
	}
	d.press("x", "j")
	if len(d.state().Entries["ob"]) != 0 {
		t.Fatal("not discarded after yes")
	}
	d.wantView("Beide Eingaben für ob verworfen.", "1. fehlt")
}
