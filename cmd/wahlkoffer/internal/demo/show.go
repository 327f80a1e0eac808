package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/resultstext"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/sheets"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/tallycmd"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// words are the demo's lines of progress, German and English.
var words = cmdutil.Words{
	"office":      {"Wahlamt: Wahl %s eingerichtet, Ergebnisdatenbank %s", "Office: election %s set up, tally store %s"},
	"serve":       {"Wahlamt: tally serve hört auf %s", "Office: tally serve listens on %s"},
	"enroll":      {"Wahlamt: %d Wahlkoffer ausgegeben (%s), jede Station eingerichtet", "Office: %d station kits handed out (%s), every station set up"},
	"checkin":     {"07:30  %d Mitglieder in %d Wahllokalen angemeldet", "07:30  %d board members checked in at %d stations"},
	"replaced":    {"07:50  Wahlbezirk %s: %s ist nicht gekommen, %s wurde verpflichtet und ersetzt", "07:50  district %s: %s did not come; %s was instructed and replaces them"},
	"opened":      {"08:00  Wahlhandlung in %d Wahllokalen eröffnet", "08:00  polls open at %d stations"},
	"turnout":     {"%s  Wahlbeteiligung aus %d Wahllokalen gemeldet", "%s  turnout reported by %d stations"},
	"belowQuorum": {"12:15  Wahlbezirk %s nicht beschlussfähig; das Wahlamt sieht: %s", "12:15  district %s below quorum; the office sees: %s"},
	"comeBack":    {"       Wahlbezirk %s: %s ist zurück; nicht beschlussfähig jetzt: %s", "       district %s: %s is back; below quorum now: %s"},
	"unheard":     {" (%s ohne Netz: das Wahlamt weiß nichts von seinem Vorstand)", " (%s has no network: the office knows nothing of its board)"},
	"postalOpen":  {"14:00  %d Briefwahlvorstände lassen Wahlbriefe zu", "14:00  %d postal boards admit ballot letters"},
	"closed":      {"18:00  Wahlhandlung geschlossen (%d Stationen)", "18:00  polls closed (%d stations)"},
	"typo":        {"18:30  Wahlbezirk %s, %s: zweite Eingabe weicht in %d Feld ab (%s); neu eingegeben", "18:30  district %s, %s: the second entry differs in %d field (%s); entered again"},
	"counted":     {"18:30  alle Ergebnisse zweifach eingegeben (%d Stationen)", "18:30  every count entered twice (%d stations)"},
	"quick":       {"19:00  %d Schnellmeldungen gesendet", "19:00  %d quick reports sent"},
	"final":       {"20:30  %d Wahlniederschriften gesendet", "20:30  %d final records sent"},
	"corrected":   {"21:00  Wahlbezirk %s, %s: nach Nachzählung berichtigt (Fassung %d)", "21:00  district %s, %s: corrected after a recount (version %d)"},
	"usb":         {"21:15  Wahlbezirk %s ohne Netz: USB-Datei %s (%d Meldungen) eingelesen: %d neu, %d doppelt", "21:15  district %s without network: USB bundle %s (%d records) imported: %d new, %d duplicate"},
	"home":        {"21:10  %d Mitglieder abgemeldet", "21:10  %d board members checked out"},
	"pdf":         {"PDF: %s", "PDF: %s"},
	"evidence":    {"Beweisdatei %s: %d Meldungen; die Nachrechnung daraus ergibt dieselben Ergebnisse", "Evidence file %s: %d records; recomputed from it alone, the results are the same"},
	"interactive": {"Das Wahlamt läuft weiter auf %s. Jetzt öffnet die Stations-App für Wahlbezirk %s (PIN %s); die Uhr beginnt um 07:30. Mit q beenden, dann hält auch das Wahlamt an.", "The tally keeps running on %s. The station app opens now for district %s (PIN %s); the clock starts at 07:30. Quit with q; the tally stops then."},
	"done":        {"Fertig in %s. Alles liegt in %s.", "Done in %s. Everything is in %s."},
}

func (r *run) say(key string, args ...any) {
	fmt.Fprintf(r.opts.IO.Out, words.In(r.opts.Lang, key)+"\n", args...)
}

// usb: district 103 had no network all day. At 21:15 its chair exports
// the records to a USB stick and the office imports them.
func (r *run) usb(ctx context.Context) error {
	s := r.station(offlineDistrict)
	var buf bytes.Buffer
	n, err := s.st.ExportBundle(ctx, &buf, false)
	if err != nil {
		return err
	}
	path := filepath.Join(r.dir, offlineDistrict+".wkbundle")
	if err := cmdutil.WriteFileAtomic(path, buf.Bytes(), 0o600); err != nil {
		return err
	}
	accepted, duplicate, err := r.importBundle(ctx, buf.Bytes())
	if err != nil {
		return err
	}
	r.say("usb", offlineDistrict, path, n, accepted, duplicate)
	return nil
}

// show prints what the office sees at the end of the night.
func (r *run) show(ctx context.Context) error {
	out := r.opts.IO.Out
	status, err := r.svc.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	tallycmd.WriteStatusText(out, r.def, status, r.opts.Lang)
	res, err := r.svc.Results(ctx, tally.ViewBest)
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	resultstext.Write(out, r.def, res, r.opts.Lang)
	fmt.Fprintln(out)
	return nil
}

// outputs writes the evidence file and checks that an observer gets the
// office's results from it alone.
func (r *run) outputs(ctx context.Context) error {
	path := filepath.Join(r.dir, "evidence.jsonl")
	var buf bytes.Buffer
	n, err := r.svc.ExportEvidence(ctx, &buf)
	if err != nil {
		return err
	}
	audit, err := tally.AuditEvidence(bytes.NewReader(buf.Bytes()), r.office.Public())
	if err != nil {
		return fmt.Errorf("the evidence file does not verify: %w", err)
	}
	for _, view := range []string{tally.ViewBest, tally.ViewFinal} {
		want, err := r.svc.Results(ctx, view)
		if err != nil {
			return err
		}
		got, err := audit.Results(view)
		if err != nil {
			return err
		}
		got.Generated = want.Generated
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("the results recomputed from the evidence differ from the office's (%s view)", view)
		}
	}
	if err := cmdutil.WriteFileAtomic(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	r.say("evidence", path, n)
	if err := r.pdfs(ctx); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.dir, "README.txt"), []byte(readme), 0o644)
}

// pdfs prints the official sheets of the night: the result sheet, the
// turnout, the staffing and the allowance list, and district 101's
// station record as the office holds it.
func (r *run) pdfs(ctx context.Context) error {
	lang := r.opts.Lang
	docs := []struct {
		name  string
		write func(w *bytes.Buffer) error
	}{
		{"official.pdf", func(w *bytes.Buffer) error {
			sheet, err := sheets.ResultSheet(ctx, r.svc, r.store, tally.ViewBest)
			if err != nil {
				return err
			}
			return reports.WriteResultSheet(w, sheet, lang)
		}},
		{"turnout.pdf", func(w *bytes.Buffer) error {
			t, err := sheets.Turnout(ctx, r.svc)
			if err != nil {
				return err
			}
			return reports.WriteTurnout(w, t, lang)
		}},
		{"staffing.pdf", func(w *bytes.Buffer) error {
			st, err := sheets.Staffing(ctx, r.svc)
			if err != nil {
				return err
			}
			return reports.WriteStaffing(w, st, lang)
		}},
		{"allowance.pdf", func(w *bytes.Buffer) error {
			a, err := sheets.Allowance(ctx, r.svc, r.store)
			if err != nil {
				return err
			}
			return reports.WriteAllowance(w, a, lang)
		}},
		{"station-" + noShowDistrict + ".pdf", func(w *bytes.Buffer) error {
			rec, err := sheets.StationRecordFromTally(ctx, r.svc, r.store, noShowDistrict, ballot.StageFinal)
			if err != nil {
				return err
			}
			return reports.WriteStationRecord(w, rec, lang)
		}},
	}
	for _, d := range docs {
		var buf bytes.Buffer
		if err := d.write(&buf); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		path := filepath.Join(r.dir, d.name)
		if err := cmdutil.WriteFileAtomic(path, buf.Bytes(), 0o644); err != nil {
			return err
		}
		r.say("pdf", path)
	}
	return nil
}

const readme = `wahlkoffer demo
tally.db, tally.db.office-key.pem  the office's tally store and its signing key
evidence.jsonl                     every signed record: wahlkoffer audit evidence.jsonl
stations/<district>/station.db     each station's store
kits/                              the kits and their PINs (demo only)
103.wkbundle                       the USB bundle of the station without network
official.pdf                       the result sheet (vorläufig: not certified) with its annex
turnout.pdf, staffing.pdf          turnout per report time and ward; the boards' staffing
allowance.pdf                      the allowance list (Erfrischungsgeld)
station-101.pdf                    district 101's station record as the office holds it

Try:
  wahlkoffer tally results --store tally.db
  wahlkoffer tally status --store tally.db
  wahlkoffer audit evidence.jsonl
  wahlkoffer station status --data stations/101
`
