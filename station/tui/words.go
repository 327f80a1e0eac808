package tui

import (
	"fmt"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// tr renders the app's words in one language, and times in the
// election's time zone. It is a plain value, so commands take it along.
type tr struct {
	lang ballot.Lang
	loc  *time.Location
	day  string // the election day, YYYY-MM-DD
}

func (m Model) tr() tr {
	return tr{lang: m.lang, loc: m.st.Location(), day: m.st.Definition().Election.Date}
}

// w returns the word or text of key; a key missing from the table shows
// as itself (the tests check that none is missing).
func (t tr) w(key string) string {
	e, ok := words[key]
	if !ok {
		return key
	}
	if t.lang == ballot.English {
		return e[1]
	}
	return e[0]
}

// wf formats the text of key with args, the same in both languages.
func (t tr) wf(key string, args ...any) string { return fmt.Sprintf(t.w(key), args...) }

// clock shows an instant as the board reads it: local time, with the
// date when it is not the election day.
func (t tr) clock(at time.Time) string {
	l := at.In(t.loc)
	if l.Format(time.DateOnly) == t.day {
		return l.Format("15:04")
	}
	return l.Format("02.01. 15:04")
}

func (t tr) slotName(slot string) string {
	if slot == "" {
		return t.w("adHoc")
	}
	return slot
}

func (m Model) w(key string) string            { return m.tr().w(key) }
func (m Model) wf(key string, a ...any) string { return m.tr().wf(key, a...) }
func (m Model) clock(at time.Time) string      { return m.tr().clock(at) }

// words are the app's texts, German and English: one table for every
// label, message and help text.
var words = map[string][2]string{
	// Frame and tabs.
	"appTitle":       {"Digitaler Wahlkoffer", "digital election kit"},
	"tabHome":        {"Start", "Home"},
	"tabBoard":       {"Vorstand", "Board"},
	"tabTurnout":     {"Wahlbet.", "Turnout"},
	"tabTurnoutLong": {"Wahlbeteiligung", "Turnout"},
	"tabIncidents":   {"Vorfälle", "Incidents"},
	"tabCount":       {"Auszählung", "Count"},
	"tabReport":      {"Meldung", "Report"},
	"tabReportLong":  {"Schnellmeldung/Niederschrift", "Quick report/final record"},
	"tabSend":        {"Senden", "Send"},
	"tabHelp":        {"Hilfe", "Help"},
	"keysGlobal":     {"? Hilfe  q Ende", "? help  q quit"},
	"loading":        {"Lese den Stand der Station …", "Reading the station …"},
	"none":           {"keine", "none"},

	// Keys.
	"kField":      {"Feld", "field"},
	"kChoose":     {"wählen", "choose"},
	"kEnter":      {"weiter", "next"},
	"kEsc":        {"zurück", "back"},
	"kSave":       {"speichern", "save"},
	"kSend":       {"senden", "send"},
	"kScroll":     {"blättern", "scroll"},
	"kToggle":     {"ankreuzen", "tick"},
	"kOpen":       {"Wahlhandlung eröffnen", "open the poll"},
	"kClose":      {"Wahlhandlung schließen", "close the poll"},
	"kCheckIn":    {"anmelden", "check in"},
	"kCheckOut":   {"abmelden", "check out"},
	"kReplace":    {"Ersatz", "replace"},
	"kAdd":        {"neue Person", "add person"},
	"kLoad":       {"laden", "load own"},
	"kDiscard":    {"verwerfen", "discard"},
	"kRetry":      {"jetzt senden", "send now"},
	"kExport":     {"USB-Export", "USB export"},
	"keyCtrlS":    {"Strg+S", "Ctrl+S"},
	"keyCtrlC":    {"Strg+C", "Ctrl+C"},
	"keyPgUp":     {"Bild↑", "PgUp"},
	"keyPgDown":   {"Bild↓", "PgDn"},
	"keySpace":    {"Leertaste", "Space"},
	"confirmKeys": {"[j] ja  [n] nein", "[y] yes  [n] no"},

	// Unlock.
	"unlockIntro": {"Die Station ist gesperrt. Bitte die PIN des Wahlkoffers eingeben (16 Ziffern, wie auf dem Umschlag; Bindestriche und Leerzeichen sind egal).",
		"The station is locked. Enter the kit's PIN (16 digits, as on the envelope; hyphens and spaces do not matter)."},
	"pinLabel":   {"PIN:", "PIN:"},
	"unlockKeys": {"Enter entsperren · Esc löschen · Strg+C Ende", "Enter unlock · Esc clear · Ctrl+C quit"},
	"pinEmpty":   {"Bitte die PIN eingeben.", "Please enter the PIN."},
	"unlocking":  {"Entsperre … das dauert etwa eine Sekunde.", "Unlocking … this takes about a second."},
	"pinWrong":   {"Die PIN passt nicht zu diesem Wahlkoffer (vertippt?). Bitte noch einmal eingeben.", "The PIN does not open this kit (mistyped?). Please enter it again."},
	"kitBroken":  {"Der Wahlkoffer lässt sich nicht öffnen: %s", "The kit cannot be opened: %s"},
	"unlocked":   {"Entsperrt. Willkommen!", "Unlocked. Welcome!"},

	// Outcomes and questions.
	"failed":          {"Fehler: %s", "Failed: %s"},
	"cancelled":       {"Abgebrochen.", "Cancelled."},
	"quitWhenStored":  {"Wird noch gespeichert … danach endet das Programm.", "Still storing … the app ends right after."},
	"confirmQuit":     {"Nicht gespeicherte Eingaben (%s) gehen verloren. Trotzdem beenden?", "Unsaved input (%s) will be lost. Quit anyway?"},
	"confirmFinal":    {"Die Niederschrift für %s jetzt signieren und senden? Erst, wenn der Wahlvorstand sie auf Papier unterschrieben hat.", "Sign and send the final record of %s now? Only once the board has signed it on paper."},
	"confirmOpen":     {"Die Wahlhandlung jetzt (%s) eröffnen?", "Open the poll now (%s)?"},
	"confirmClose":    {"Die Wahlhandlung jetzt (%s) schließen? Danach wird ausgezählt; das lässt sich nicht zurücknehmen.", "Close the poll now (%s)? Counting follows; this cannot be undone."},
	"confirmDiscard":  {"Beide Eingaben für %s verwerfen und neu eingeben?", "Discard both entries of %s and enter again?"},
	"confirmDropForm": {"Die Eingaben in diesem Formular verwerfen?", "Discard what was typed in this form?"},

	// Home.
	"kindInPerson":   {"Urnenwahlbezirk", "in-person district"},
	"kindPostal":     {"Briefwahlbezirk", "postal district"},
	"phase":          {"Abschnitt", "Phase"},
	"phaseBefore":    {"vor der Eröffnung der Wahlhandlung", "before the poll opens"},
	"phaseVoting":    {"Wahlhandlung läuft (eröffnet um %s)", "voting (opened at %s)"},
	"phaseCounting":  {"Auszählung (Wahlhandlung geschlossen um %s)", "counting (poll closed at %s)"},
	"phaseReported":  {"gemeldet: alle Niederschriften sind gesendet", "reported: every final record is sent"},
	"board":          {"Wahlvorstand", "Board"},
	"turnout":        {"Wahlbeteiligung", "Turnout"},
	"turnoutNone":    {"keine Meldung mehr offen", "no report left to make"},
	"turnoutNext":    {"nächste Meldung um %s", "next report at %s"},
	"turnoutOverdue": {"Meldung für %s ist fällig", "the report for %s is due"},
	"outbox":         {"Postausgang", "Outbox"},
	"network":        {"Netz", "Network"},
	"lastReceipt":    {"Letzte Quittung", "Last receipt"},
	"noReceipt":      {"noch keine", "none yet"},
	"rejectedHint":   {"%d Meldung(en) vom Wahlamt abgelehnt – unter Senden (s) ansehen.", "%d record(s) rejected by the tally – see Send (s)."},
	"entriesOf":      {"%d von 2 Eingaben", "%d of 2 entries"},
	"entriesAgree":   {"Eingaben stimmen überein", "entries agree"},
	"entriesDiffer":  {"Eingaben weichen in %d Feld(ern) ab", "entries differ in %d field(s)"},
	"next":           {"Als Nächstes:", "Next:"},
	"nextRejected":   {"Das Wahlamt hat eine Meldung abgelehnt. Unter Senden (s) steht warum; im Zweifel das Wahlamt anrufen.", "The tally rejected a record. Send (s) says why; if in doubt, call the election office."},
	"nextCheckIn":    {"Die Mitglieder des Wahlvorstands anmelden (v).", "Check in the members of the board (v)."},
	"nextOpen":       {"Die Wahlhandlung eröffnen (o).", "Open the poll (o)."},
	"nextTurnout":    {"Die Wahlbeteiligung für %s melden (w).", "Report the turnout for %s (w)."},
	"nextQuorum":     {"Der Vorstand ist nicht beschlussfähig: Mitglieder anmelden (v).", "The board has no quorum: check members in (v)."},
	"nextClose":      {"Zum Ende der Wahlzeit die Wahlhandlung schließen (c).", "At the end of voting time, close the poll (c)."},
	"nextEnter":      {"Das Ergebnis von %s zweimal eingeben, von zwei Mitgliedern (a).", "Enter the count of %s twice, by two members (a)."},
	"nextQuick":      {"Die Schnellmeldung für %s senden (m).", "Send the quick report of %s (m)."},
	"nextFinal":      {"Nach den Unterschriften die Niederschrift für %s senden (m).", "Once signed, send the final record of %s (m)."},
	"nextDeliver":    {"Warten, bis alle Meldungen zugestellt sind; ohne Netz den USB-Export nutzen (s, dann e).", "Wait until every record is delivered; without a network use the USB export (s, then e)."},
	"nextDone":       {"Alles erledigt und zugestellt.", "Everything done and delivered."},
	"opened":         {"Wahlhandlung um %s eröffnet.", "Poll opened at %s."},
	"closed":         {"Wahlhandlung um %s geschlossen. Die Auszählung kann beginnen (a).", "Poll closed at %s. Counting may begin (a)."},

	// Network and outbox.
	"netUSB":             {"nur USB", "USB only"},
	"netConnecting":      {"verbinde", "connecting"},
	"netOffline":         {"offline", "offline"},
	"netOnline":          {"online", "online"},
	"netReady":           {"bereit", "ready"},
	"netUSBLong":         {"keine Adresse des Wahlamts: Meldungen per USB-Export übergeben (s, dann e).", "no tally address: hand the records over by USB export (s, then e)."},
	"netConnectingLong":  {"Verbindung zum Wahlamt wird geprüft …", "checking the connection to the tally …"},
	"netOfflineLong":     {"offline (Stand %s) – alles bleibt gespeichert und wird nachgesendet; sonst USB-Export (s, dann e).", "offline (as of %s) – everything stays stored and is sent later; or use the USB export (s, then e)."},
	"netOnlineLong":      {"online, Wahlamt erreicht (%s)", "online, tally reached (%s)"},
	"netReadyLong":       {"bereit, nichts zu senden (%s)", "ready, nothing to send (%s)"},
	"state:pending":      {"wartend", "pending"},
	"state:sent":         {"gesendet", "sent"},
	"state:acknowledged": {"quittiert", "acknowledged"},
	"state:rejected":     {"abgelehnt", "rejected"},

	// Board.
	"role:chair":            {"Wahlvorsteher", "chair"},
	"role:deputy-chair":     {"stellv. Wahlvorsteher", "deputy chair"},
	"role:secretary":        {"Schriftführer", "secretary"},
	"role:deputy-secretary": {"stellv. Schriftführer", "deputy secretary"},
	"role:assessor":         {"Beisitzer", "assessor"},
	"name":                  {"Name", "Name"},
	"role":                  {"Funktion", "Role"},
	"attendance":            {"Anwesenheit", "Attendance"},
	"presentSince":          {"anwesend seit %s", "present since %s"},
	"leftAt":                {"gegangen um %s", "left at %s"},
	"absent":                {"nicht da", "absent"},
	"replaces":              {"Ersatz für %s", "replaces %s"},
	"replacedBy":            {"ersetzt durch %s", "replaced by %s"},
	"addTitle":              {"Person hinzufügen (nicht auf der Liste des Wahlamts)", "Add a person (not on the office's roster)"},
	"replaceTitle":          {"Ersatz für %s (%s), die/der nicht gekommen ist", "Replacement for %s (%s), who did not come"},
	"instructed":            {"Die Ersatzperson wurde auf Unparteilichkeit und die Wahrung des Wahlgeheimnisses verpflichtet.", "The replacement was instructed on impartiality and the secrecy of the vote."},
	"addButton":             {"Hinzufügen", "Add"},
	"replaceButton":         {"Ersetzen und anmelden", "Replace and check in"},
	"checkedIn":             {"%s angemeldet um %s.", "%s checked in at %s."},
	"checkedOut":            {"%s abgemeldet um %s.", "%s checked out at %s."},
	"replaced":              {"%s ist verpflichtet und um %s angemeldet.", "%s is instructed and checked in at %s."},
	"memberAdded":           {"%s steht im Wahlvorstand; mit Enter anmelden.", "%s is on the board; check in with Enter."},

	// Turnout.
	"slot":            {"Meldezeit", "Report time"},
	"adHoc":           {"Zwischenmeldung", "ad hoc"},
	"votersSoFar":     {"Wählende bisher", "Voters so far"},
	"voters":          {"Wählende", "voters"},
	"reportButton":    {"Melden", "Report"},
	"turnoutHistory":  {"Bisherige Meldungen", "Reports made"},
	"reportedAt":      {"gemeldet um %s", "reported at %s"},
	"votersEmpty":     {"Bitte die Zahl der Wählenden bisher eingeben.", "Please enter the number of voters so far."},
	"turnoutReported": {"Wahlbeteiligung %s: %s Wählende, gemeldet um %s.", "Turnout %s: %s voters, reported at %s."},

	// Incidents.
	"incidentNew":    {"Neuer Eintrag (%s, jetzt %s):", "New note (%s, now %s):"},
	"incidentList":   {"Vermerkte Vorfälle und Vorkommnisse (%d)", "Notes made (%d)"},
	"logButton":      {"Vermerken", "Note it"},
	"incidentLogged": {"%s um %s vermerkt.", "%s at %s noted."},

	// Count.
	"contest":        {"Wahl", "Contest"},
	"enteredBy":      {"Eingabe durch", "Entered by"},
	"entries":        {"Eingaben", "Entries"},
	"entryMissing":   {"fehlt", "missing"},
	"agreeShort":     {"stimmen überein", "agree"},
	"differShort":    {"%d abweichend", "%d differ"},
	"nobodyPresent":  {"niemand angemeldet", "nobody checked in"},
	"noContests":     {"Dieser Wahlbezirk zählt keine Wahl.", "This district counts no contest."},
	"saveEntry":      {"Eingabe speichern", "Save entry"},
	"f:A1":           {"ohne Vermerk „W“ (Wählerverz.)", "without W mark (register)"},
	"f:A2":           {"mit Vermerk „W“ (Wählerverz.)", "with W mark (register)"},
	"f:A3":           {"nachträglich aufgenommen", "added after closing"},
	"f:B":            {"Wähler insgesamt", "voters in total"},
	"f:B1":           {"davon mit Wahlschein", "of them with polling card"},
	"f:marks":        {"Stimmabgabevermerke (wenn gezählt)", "marks in the register (if counted)"},
	"f:C":            {"ungültige Stimmen", "invalid votes"},
	"f:D":            {"gültige Stimmen", "valid votes"},
	"f:CBallots":     {"ungültige Stimmzettel", "invalid ballots"},
	"f:DBallots":     {"gültige Stimmzettel", "valid ballots"},
	"f:unchanged":    {"unveränderte Stimmzettel", "unchanged ballots"},
	"f:changed":      {"veränderte Stimmzettel", "changed ballots"},
	"f:received":     {"eingegangene Wahlbriefe", "letters received"},
	"f:queried":      {"beanstandete Wahlbriefe", "letters queried"},
	"f:admitted":     {"davon zugelassen", "of them admitted"},
	"f:rejected":     {"davon zurückgewiesen", "of them rejected"},
	"sumCandidates":  {"Bewerber %s · Liste %s", "candidates %s · list %s"},
	"sumWithoutCard": {"ohne Wahlschein %s", "without card %s"},
	"sumCD":          {"C+D %s · B %s", "C+D %s · B %s"},
	"sumOptions":     {"Summe D1… %s", "sum D1… %s"},
	"sumVotes":       {"Listen %s · max %s", "lists %s · max %s"},
	"sumSplit":       {"zus. %s · D %s", "both %s · D %s"},
	"sumDecided":     {"zug.+zur. %s · beanst. %s", "adm.+rej. %s · queried %s"},
	"sumReasons":     {"Summe Gründe %s", "sum of reasons %s"},
	"entrantNone":    {"Niemand ist angemeldet, der eingeben könnte: erst im Vorstand (v) anmelden.", "Nobody is checked in to enter figures: check in first (v)."},
	"fieldsEmpty":    {"Noch leer: %s. Bitte jede Zahl eintragen, auch 0.", "Still empty: %s. Please fill in every number, 0 included."},
	"entryStored":    {"Eingabe %d von %s für %s gespeichert.", "Entry %d by %s for %s stored."},
	"entryLoaded":    {"Eingabe %d von %s geladen: berichtigen und speichern.", "Entry %d by %s loaded: fix it and save."},
	"entryNoneBy":    {"%s hat für diese Wahl noch nichts eingegeben.", "%s has not entered this contest yet."},
	"entryClean":     {"Eingabe %d von %s: die Prüfung findet nichts.", "Entry %d by %s: the checks find nothing."},
	"discarded":      {"Beide Eingaben für %s verworfen.", "Both entries of %s discarded."},
	"diffLine":       {"%s: 1. Eingabe %s, 2. Eingabe %s", "%s: first entry %s, second entry %s"},
	"diffHelp":       {"Wer sich vertippt hat: sich oben auswählen, l (eigene Eingabe laden), berichtigen, speichern.", "Whoever mistyped: pick yourself above, l (load own entry), fix, save."},

	// Report.
	"stage":           {"Art", "Kind"},
	"stage:quick":     {"Schnellmeldung", "quick report"},
	"stage:final":     {"Niederschrift", "final record"},
	"notSent":         {"noch nicht gesendet", "not sent yet"},
	"sentAs":          {"Fassung %d (Nr. %d)", "version %d (#%d)"},
	"receiptAt":       {"Quittung des Wahlamts, eingegangen %s", "receipt of the tally, received %s"},
	"rejectedAs":      {"abgelehnt: %s – %s", "rejected: %s – %s"},
	"draftOf":         {"Fassung %d, eingegeben von %s und %s:", "Version %d, entered by %s and %s:"},
	"draftCumulative": {"unverändert %s · verändert %s · Bewerberstimmen von %d Bewerbern: %s", "unchanged %s · changed %s · personal votes of %d candidates: %s"},
	"reason":          {"Begründung", "Reason"},
	"correction":      {"Berichtigung %d, Grund", "Correction %d, reason"},
	"sendButton":      {"%s senden", "Send %s"},
	"blocked":         {"noch %d Hinderungsgrund/-gründe", "%d thing(s) in the way"},
	"submitted":       {"%s für %s (Fassung %d) signiert und im Postausgang.", "%s of %s (version %d) signed and in the outbox."},

	// Send.
	"seq":               {"Nr.", "#"},
	"time":              {"Zeit", "Time"},
	"record":            {"Meldung", "Record"},
	"state":             {"Zustand", "State"},
	"kind:checkin":      {"Anmeldung", "check-in"},
	"kind:checkout":     {"Abmeldung", "check-out"},
	"kind:polls-opened": {"Eröffnung", "poll opened"},
	"kind:polls-closed": {"Schließung", "poll closed"},
	"kind:turnout":      {"Wahlbeteiligung", "turnout"},
	"kind:incident":     {"Vorfall/Vorkommnis", "incident"},
	"kind:count":        {"Ergebnis", "count"},
	"rejectedDetail":    {"Nr. %d abgelehnt: %s – %s", "#%d rejected: %s – %s"},
	"retrying":          {"Versand angestoßen.", "Sending now."},
	"exportTitle":       {"USB-Export: Datei auf dem USB-Stick (z. B. E:\\wahlkoffer.wkbundle)", "USB export: file on the USB stick (e.g. E:\\wahlkoffer.wkbundle)"},
	"file":              {"Datei", "File"},
	"exportAll":         {"auch schon quittierte Meldungen", "also records already acknowledged"},
	"exportButton":      {"Exportieren", "Export"},
	"exporting":         {"Schreibe das Bündel …", "Writing the bundle …"},
	"exported":          {"%d Meldung(en) in %s geschrieben. Den Stick ins Wahlamt bringen.", "%d record(s) written to %s. Bring the stick to the election office."},
	"exportExists":      {"%s gibt es schon; sie wird nicht überschrieben. Einen anderen Namen wählen.", "%s exists; it is not overwritten. Choose another name."},
	"exportNoFolder":    {"Den Ordner %s gibt es nicht (USB-Stick eingesteckt?).", "The folder %s does not exist (is the USB stick plugged in?)."},
	"exportDenied":      {"In %s darf nicht geschrieben werden.", "Cannot write to %s."},
	"exportFailed":      {"%s konnte nicht geschrieben werden: %s", "%s could not be written: %s"},

	// Help.
	"helpKeys":    {"Tasten", "Keys"},
	"helpTab":     {"zum nächsten / vorigen Feld", "to the next / previous field"},
	"helpArrows":  {"Zeile wählen; in einer Auswahl ‹ … › mit ← → blättern", "pick a row; change a choice ‹ … › with ← →"},
	"helpEnter":   {"weiter zum nächsten Feld; auf einer Schaltfläche [ … ] ausführen", "on to the next field; on a button [ … ] do it"},
	"helpSave":    {"Formular speichern oder senden, von jedem Feld aus", "save or send the form from any field"},
	"helpEsc":     {"Textfeld verlassen, Formular schließen, zurück zum Start", "leave a text field, close a form, back home"},
	"helpQuit":    {"beenden; Gespeichertes bleibt erhalten, halb Getipptes wird erst nach Rückfrage verworfen", "quit; everything saved stays, half-typed input is discarded only after asking"},
	"helpLetters": {"In einem Textfeld sind Buchstaben Text: mit Esc das Feld verlassen oder die F-Tasten nutzen.", "In a text field letters are text: leave it with Esc or use the F-keys."},
	"helpDay":     {"Der Tag", "The day"},
	"helpDayText": {"1. Vorstand anmelden (v). 2. Wahlhandlung eröffnen (h, dann o). 3. Zu den Meldezeiten die Wahlbeteiligung melden (w). 4. Vorfälle vermerken (f). 5. Um 18 Uhr schließen (h, dann c). 6. Jede Wahl zweimal eingeben, von zwei Mitgliedern (a). 7. Schnellmeldung senden, nach den Unterschriften die Niederschrift (m).",
		"1. Check in the board (v). 2. Open the poll (h, then o). 3. Report the turnout at the report times (w). 4. Note incidents (f). 5. Close at 18:00 (h, then c). 6. Enter each contest twice, by two members (a). 7. Send the quick report, and after the signatures the final record (m)."},
	"helpOffline": {"Ohne Netz", "Without a network"},
	"helpOfflineText": {"Alles wird sofort auf diesem Laptop gespeichert und signiert; nichts geht verloren. Die Station sendet von selbst, sobald das Netz wieder da ist. Ist es zur Meldung nicht da: Senden (s), USB-Export (e), den Pfad zum USB-Stick eingeben (z. B. E:\\wahlkoffer-101.wkbundle), Exportieren – und den Stick ins Wahlamt bringen. Was doppelt ankommt (Stick und Netz), zählt das Wahlamt nur einmal.",
		"Everything is stored and signed on this laptop at once; nothing is lost. The station sends by itself as soon as the network is back. If it is not back in time: Send (s), USB export (e), type the path on the USB stick (e.g. E:\\wahlkoffer-101.wkbundle), Export – and bring the stick to the election office. What arrives twice (stick and network) counts once."},
	"helpMarks": {"Zeichen", "Marks"},
	"helpMarksText": {"› Auswahl · ✓ in Ordnung · ! Fehler (hindert am Senden) · ? Warnung (braucht eine Begründung) · ≠ die zwei Eingaben weichen ab · · noch leer · … wartet · ↑ gesendet · ● online · ○ offline",
		"› selection · ✓ fine · ! error (blocks sending) · ? warning (needs a reason) · ≠ the two entries differ · · still empty · … waiting · ↑ sent · ● online · ○ offline"},
}
