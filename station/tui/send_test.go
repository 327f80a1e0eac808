package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/bundle"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

func TestSendListsEveryRecordWithTheTallysRefusal(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkIn(t, s, 3)
	ctx := context.Background()
	if err := s.DB().MarkAcknowledged(ctx, 1, outbox.Delivery{ReceivedAt: day(7, 31), At: day(7, 31)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().MarkSent(ctx, 2, day(7, 31)); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().MarkRejected(ctx, 3, outbox.Rejection{Code: "record-invalid", Message: "the person is not on the roster", Status: 422, At: day(7, 32)}); err != nil {
		t.Fatal(err)
	}
	d := drive(t, s, testOptions(c, ballot.German))
	d.wantView("1 Meldung(en) vom Wahlamt abgelehnt", "Als Nächstes: Das Wahlamt hat eine Meldung abgelehnt.")
	d.press("s")
	d.wantView("Postausgang 0 wartend · 1 gesendet · 1 quittiert · 1 abgelehnt",
		"3 07:30 Anmeldung Maria Bauer ! abgelehnt: record-invalid",
		"2 07:30 Anmeldung Benedikt Weiß ↑ gesendet",
		"1 07:30 Anmeldung Petra Weber ✓ quittiert 07:31",
		"Nr. 3 abgelehnt: record-invalid – the person is not on the roster")
	d.press("r") // no sender: the app points to the USB export
	d.wantView("keine Adresse des Wahlamts")
}

func TestExportWritesTheBundleOnceAndNeverOverwrites(t *testing.T) {
	s, c, _ := newStation(t, "101")
	checkIn(t, s, 2)
	d := drive(t, s, testOptions(c, ballot.German))
	dir := t.TempDir()
	path := filepath.Join(dir, "stick.wkbundle")
	d.press("s", "e")
	d.wantView("USB-Export", "wahlkoffer-101-20260308-0730.wkbundle", "[ ] auch schon quittierte Meldungen")
	if !d.m.typing() {
		t.Fatal("the path field takes no text")
	}
	d.press("ctrl+u", path, "enter", "enter", "enter")
	if want := "2 Meldung(en) in " + path + " geschrieben."; !strings.HasPrefix(d.m.note.text, want) {
		t.Fatalf("note %q, want %q", d.m.note.text, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	h, err := bundle.Read(bytes.NewReader(raw), func(int, []byte) error { n++; return nil })
	if err != nil || h.District != "101" || n != 2 {
		t.Fatalf("bundle: %+v, %d records, %v", h, n, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left behind in the folder: %v", entries)
	}

	// The same name again: refused, the file stays as it was.
	d.press("e", "ctrl+u", path, "ctrl+s")
	d.wantView("gibt es schon; sie wird nicht überschrieben")
	if again, _ := os.ReadFile(path); !bytes.Equal(again, raw) {
		t.Fatal("the bundle was overwritten")
	}
	// A folder that is not there (the stick not plugged in).
	d.press("ctrl+u", filepath.Join(dir, "missing", "x.wkbundle"), "ctrl+s")
	d.wantView("Den Ordner", "gibt es nicht (USB-Stick eingesteckt?)")
	if !d.m.send.exporting || d.m.send.busy {
		t.Fatal("a failed export closed the form or stays busy")
	}
}

func TestHelpSaysWhatToDoWithoutANetwork(t *testing.T) {
	s, c, _ := newStation(t, "101")
	for _, lang := range []ballot.Lang{ballot.German, ballot.English} {
		d := drive(t, s, testOptions(c, lang))
		d.press("?")
		if d.m.screen != scrHelp {
			t.Fatal("? does not open the help")
		}
		d.press("f1")
		want := map[ballot.Lang]string{ballot.German: "den Stick ins Wahlamt bringen", ballot.English: "bring the stick to the election office"}[lang]
		d.wantView(want)
		d.press("pgdown", "pgdown", "pgdown", "pgdown", "pgdown", "pgup")
		d.wantView(map[ballot.Lang]string{ballot.German: "Jede Wahl zweimal eingeben", ballot.English: "Enter each contest twice"}[lang])
		d.press("esc")
		if d.m.screen != scrHome {
			t.Fatal("esc does not leave the help")
		}
	}
}

func TestFKeysSwitchScreensEvenInATextField(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.press("f5", "hvw")
	if d.m.screen != scrIncidents || d.m.incidents.text.text() != "hvw" {
		t.Fatalf("letters in the text field switched screens: screen %d, text %q", d.m.screen, d.m.incidents.text.text())
	}
	for key, want := range map[string]screen{"f2": scrHome, "f3": scrBoard, "f4": scrTurnout, "f6": scrCount, "f7": scrReport, "f8": scrSend, "f1": scrHelp, "f5": scrIncidents} {
		d.press(key)
		if d.m.screen != want {
			t.Fatalf("%s went to screen %d, want %d", key, d.m.screen, want)
		}
	}
	if d.m.incidents.text.text() != "hvw" {
		t.Fatal("switching screens lost the typed text")
	}
}

func TestSyncReportsShowTheNetwork(t *testing.T) {
	s, c, _ := newStation(t, "101")
	d := drive(t, s, testOptions(c, ballot.German))
	d.m.sync = newSyncLink() // as with a sender, without running one
	d.m.stop()               // so that waiting for the next report ends at once
	d.send(syncMsg{rep: outbox.Report{Remaining: 2, Err: outbox.ErrUnreachable}, at: day(7, 40)})
	d.wantView("○ offline", "offline (Stand 07:40:00) – alles bleibt gespeichert")
	d.send(syncMsg{rep: outbox.Report{Online: true, Acknowledged: 2}, at: day(7, 41)})
	d.wantView("● online", "online, Wahlamt erreicht (07:41:00)")
}
