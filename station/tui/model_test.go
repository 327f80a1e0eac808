package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
)

func TestUnlockSaysWhenThePINIsWrongAndLetsRetry(t *testing.T) {
	s, c, pin := lockedStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.wantView("PIN:", "Wahlbezirk 101")
	d.press("enter")
	d.wantView("Bitte die PIN eingeben.")
	d.press("1234-5678-9012-3456", "enter")
	d.wantView("Die PIN passt nicht zu diesem Wahlkoffer")
	if d.m.unlocked || s.Unlocked() {
		t.Fatal("unlocked with a wrong PIN")
	}
	if d.m.pin.text() != "" {
		t.Fatalf("the PIN field keeps %q after a wrong PIN", d.m.pin.text())
	}
	d.press(pin, "enter")
	if !d.m.unlocked || !s.Unlocked() {
		t.Fatal("the right PIN did not unlock")
	}
	d.wantView("Entsperrt", "vor der Eröffnung", "Als Nächstes:")
}

func TestThePINOptionSkipsTheUnlockScreen(t *testing.T) {
	s, c, pin := lockedStation(t, "101")
	o := testOptions(c, ballot.English)
	o.PIN = pin
	d := drive(t, s, o)
	if !d.m.unlocked {
		t.Fatalf("not unlocked:\n%s", d.view())
	}
	d.wantView("before the poll opens", "Check in the members of the board (v).")
}

func TestHomeMarksTheMissingQuorumAndOpensAndClosesThePoll(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.wantView("! Nicht beschlussfähig: 0 anwesend, 3 erforderlich", "Wahlvorsteher", "nächste Meldung um 10:00")
	d.press("o", "n") // asked, and declined
	if d.state().Opened != nil {
		t.Fatal("opened after no")
	}
	d.press("o", "j") // no quorum: the station refuses, the app says why
	d.wantView("Die Eröffnung ist nicht möglich.")
	checkIn(t, s, 3)
	c.Set(day(8, 0))
	d.press("o")
	d.wantView("Die Wahlhandlung jetzt (07:30) eröffnen?", "[j] ja  [n] nein")
	d.press("j")
	if d.state().Opened == nil {
		t.Fatalf("not opened:\n%s", d.view())
	}
	d.wantView("Wahlhandlung um 08:00 eröffnet.", "Wahlhandlung läuft (eröffnet um 08:00)", "✓ Beschlussfähig")
	c.Set(day(18, 0))
	d.press("c", "enter")
	if d.state().Closed == nil {
		t.Fatalf("not closed:\n%s", d.view())
	}
	d.wantView("Auszählung (Wahlhandlung geschlossen um 18:00)", "Das Ergebnis von ob zweimal eingeben")
}

func TestBoardChecksInAndOutWithKeys(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("v")
	d.wantView("Petra Weber", "Wahlvorsteher", "nicht da")
	d.press("enter", "down", "enter", "down", "enter")
	st := d.state()
	now := c.Now()
	for _, id := range []string{"101-1", "101-2", "101-3"} {
		if !st.IsPresent(id, now) {
			t.Fatalf("%s not present after checking in by keys", id)
		}
	}
	d.wantView("Maria Bauer angemeldet um 07:30.", "✓ Beschlussfähig: 3 anwesend", "anwesend seit 07:30")
	d.press("enter") // Maria Bauer again: the station refuses, the app shows it
	d.wantView("Maria Bauer ist bereits angemeldet.")
	if !d.m.note.bad {
		t.Fatal("a refusal is not marked as one")
	}
	c.Set(day(12, 0))
	d.press("up", "x")
	if d.state().IsPresent("101-2", c.Now()) {
		t.Fatal("101-2 still present after x")
	}
	d.wantView("Benedikt Weiß abgemeldet um 12:00.", "gegangen um 12:00")
}

func TestReplacingANoShowNeedsTheInstructionConfirmed(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("v", "down", "down", "down", "down", "down", "r") // Franziska Bauer, assessor
	d.wantView("Ersatz für Franziska Bauer (Beisitzer)", "[ ] Die Ersatzperson wurde")
	d.press("Hans Huber")
	if !d.m.typing() {
		t.Fatal("the name field does not take letters")
	}
	d.press("ctrl+s")
	d.wantView("muss vor Dienstantritt auf Unparteilichkeit")
	if len(d.state().Replacements) != 0 || !d.m.board.open {
		t.Fatal("replaced without the instruction, or the form closed")
	}
	d.press("tab", "tab", "space", "tab")
	d.wantView("[x] Die Ersatzperson")
	d.press("enter")
	st := d.state()
	if len(st.Replacements) != 1 || st.Replacements[0].Replaces != "101-6" || st.Replacements[0].Newcomer.Name != "Hans Huber" ||
		st.Replacements[0].Newcomer.Role != ballot.RoleAssessor || !st.IsPresent(st.Replacements[0].Newcomer.ID, c.Now()) {
		t.Fatalf("replacement: %+v", st.Replacements)
	}
	d.wantView("Hans Huber ist verpflichtet und um 07:30 angemeldet.", "Ersatz für Franziska Bauer", "ersetzt durch Hans Huber")
}

func TestAddingAPersonAndAHalfTypedFormAsksBeforeItIsDropped(t *testing.T) {
	s, c, _ := newStation(t, "901") // a postal board: no roster from the office
	d := drive(t, s, testOptions(c, ballot.English))
	d.press("v", "n", "Erika Muster")
	d.press("esc")
	d.wantView("Discard what was typed in this form?")
	d.press("n")
	if !d.m.board.open || d.m.board.form.name.text() != "Erika Muster" {
		t.Fatal("the form was dropped after no")
	}
	d.press("tab", "left", "left", "left", "left") // assessor → chair
	d.press("ctrl+s")
	st := d.state()
	if len(st.People) != 1 || st.People[0].Name != "Erika Muster" || st.People[0].Role != ballot.RoleChair {
		t.Fatalf("people: %+v", st.People)
	}
	d.wantView("Erika Muster is on the board; check in with Enter.", "chair", "absent")
	d.press("enter")
	if !d.state().IsPresent(st.People[0].ID, c.Now()) {
		t.Fatal("not checked in")
	}
}

func TestTurnoutIsPrefilledWithTheReportDue(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkIn(t, s, 3)
	c.Set(day(8, 0))
	if _, err := s.OpenPolls(context.Background(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	c.Set(day(10, 5))
	d := drive(t, s, testOptions(c, ballot.German))
	d.wantView("! Meldung für 10:00 ist fällig")
	d.press("w")
	d.wantView("Meldezeit 10:00", "Bisherige Meldungen")
	d.press("ctrl+s")
	d.wantView("Bitte die Zahl der Wählenden bisher eingeben.")
	d.press("234", "enter", "enter")
	st := d.state()
	if len(st.Turnouts) != 1 || st.Turnouts[0].Slot != "10:00" || st.Turnouts[0].Voters != 234 {
		t.Fatalf("turnouts: %+v", st.Turnouts)
	}
	d.wantView("Wahlbeteiligung 10:00: 234 Wählende, gemeldet um 10:05.", "gemeldet um 10:05", "nächste Meldung um 12:00")
	// The 12:00 report is not due before 12:00: an ad hoc report is what
	// can be made now, so that is what the screen offers.
	if d.m.turnout.voters.text() != "" || d.m.turnout.slot != "" {
		t.Fatalf("after the report: voters %q, slot %q", d.m.turnout.voters.text(), d.m.turnout.slot)
	}
	d.wantView("Meldezeit             Zwischenmeldung")
	d.press("100", "ctrl+s") // fewer than before: refused
	d.wantView("die Zahl kann nicht sinken")
	if d.m.turnout.voters.text() != "100" {
		t.Fatal("a refused report lost what was typed")
	}
	d.press("up", "right") // the 12:00 report, picked by hand before its time: refused
	d.wantView("‹ 12:00 ›")
	d.press("ctrl+s")
	d.wantView("kann erst ab 12:00 abgegeben werden")
}

func TestIncidentsAreAddedAndListedAsVorfallOrVorkommnis(t *testing.T) {
	s, c, _ := newStation(t, "101")
	untilCount(t, s, c)
	c.Set(day(17, 0)) // the clock of the app is the station's
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("f", "ok")
	d.press("ctrl+s")
	d.wantView("Der Text muss 3 bis 2000 Zeichen lang sein")
	d.press("backspace", "backspace", "Wähler ohne Ausweis abgewiesen", "enter", "enter")
	c.Set(day(18, 40))
	d.press("Stimmzettel auf dem Boden gefunden", "ctrl+s")
	st := d.state()
	if len(st.Incidents) != 2 {
		t.Fatalf("incidents: %+v", st.Incidents)
	}
	d.wantView("17:00  Vorfall: Wähler ohne Ausweis abgewiesen", "18:40  Vorkommnis: Stimmzettel auf dem Boden", "(2)")
	if d.m.typing() != true {
		t.Fatal("the text field lost the focus")
	}
	d.press("esc", "h") // leave the text field, then letters are keys again
	if d.m.screen != scrHome {
		t.Fatal("h did not go home after leaving the text field")
	}
}

func TestRefusalsAreShownInEnglishWhenAsked(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.English))
	d.press("v", "enter", "enter")
	d.wantView("Petra Weber is already checked in.", "chair")
	d.press("a")
	d.wantView("Entered by", "Save entry")
	d.press("ctrl+s")
	d.wantView("Still empty: B, B1, C, D, D1, D2, D3, D4.")
}

func TestQuitLosesNothingAndAsksForHalfTypedInput(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("f", "Halb getippt")
	d.press("ctrl+c")
	if d.quit {
		t.Fatal("quit without asking about the half-typed incident")
	}
	d.wantView("Nicht gespeicherte Eingaben (Vorfälle) gehen verloren. Trotzdem beenden?")
	d.press("n")
	if d.quit || d.m.incidents.text.text() != "Halb getippt" {
		t.Fatal("no did not keep the input")
	}
	d.press("ctrl+s") // stored: nothing left to ask about
	d.press("esc", "q")
	if !d.quit {
		t.Fatalf("q did not quit:\n%s", d.view())
	}
	if len(d.state().Incidents) != 1 {
		t.Fatal("the incident is not stored")
	}
}

func TestQuitWaitsForAnActInFlight(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("v")
	m, cmd := d.m.Update(keyMsg("enter")) // the check-in is under way
	d.m = m.(Model)
	d.press("q")
	if d.quit || !d.m.quitting {
		t.Fatal("quit while an act was in flight")
	}
	d.wantView("Wird noch gespeichert")
	d.run(cmd)
	if !d.quit {
		t.Fatal("did not quit once the act was stored")
	}
	if !d.state().IsPresent("101-1", c.Now()) {
		t.Fatal("the act in flight was lost")
	}
}

func keyMsg(s string) any {
	k, _ := namedKey(s)
	return k
}

func TestEveryWordExistsInBothLanguages(t *testing.T) {
	for k, v := range words {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("word %q is empty in a language: %q", k, v)
		}
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("word %q: German and English take different arguments: %q", k, v)
		}
	}
}

func TestAReadingOvertakenByANewerOneIsDropped(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	fresh, err := s.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stale := fresh
	stale.Phase = station.PhaseVoting
	d.send(statusMsg{n: 100, status: fresh, now: c.Now()})
	d.send(statusMsg{n: 99, status: stale, now: c.Now()})
	if d.m.status.Phase != station.PhaseBeforeOpening {
		t.Fatal("an older reading replaced a newer one")
	}
}

func TestPasteGoesIntoTheFieldInFocus(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("f")
	d.send(tea.PasteMsg{Content: "Wahlurne\nversiegelt"})
	if got := d.m.incidents.text.text(); got != "Wahlurne versiegelt" {
		t.Fatalf("pasted %q", got)
	}
}
