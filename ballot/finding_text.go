package ballot

import (
	"fmt"
	"strings"
)

// Messages of findings. They are read by poll workers late on election
// night, so they are whole sentences that quote the numbers on the form and
// say what does not add up, without blame.

// Message renders the finding in the given language (German unless
// English is asked for).
func (f Finding) Message(lang Lang) string {
	m := msg{lang: lang, f: f}
	if text, ok := findingText[f.Code]; ok {
		return text(m)
	}
	var parts []string
	for _, fv := range f.Fields {
		parts = append(parts, m.eq(fv))
	}
	return m.pick(fmt.Sprintf("Prüfung „%s“ schlägt an (%s).", f.Code, strings.Join(parts, ", ")),
		fmt.Sprintf("Check %q failed (%s).", f.Code, strings.Join(parts, ", ")))
}

// msg is the toolbox of one message: numbers and names in its language.
type msg struct {
	lang Lang
	f    Finding
}

func (m msg) en() bool { return m.lang == English }

func (m msg) pick(de, en string) string {
	if m.en() {
		return en
	}
	return de
}

// n formats a number with the thousands separator of the language.
func (m msg) n(v int64) string { return FormatCount(v, m.lang) }

// at returns the i-th field, or a zero one, so that a hand-built finding
// with too few fields still renders.
func (m msg) at(i int) FieldValue {
	if i < len(m.f.Fields) {
		return m.f.Fields[i]
	}
	return FieldValue{}
}

func (m msg) v(i int) string { return m.n(m.at(i).Value) }

// sumFrom adds the values of the fields from index i on.
func (m msg) sumFrom(i int) string {
	var s int64
	for k := i; k < len(m.f.Fields); k++ {
		s += m.f.Fields[k].Value
	}
	return m.n(s)
}

// eq renders a field as "name = value".
func (m msg) eq(fv FieldValue) string { return m.name(fv) + " = " + m.n(fv.Value) }

// name renders the name of a field as the form shows it.
func (m msg) name(fv FieldValue) string {
	if fv.Label != "" {
		return fv.Label
	}
	return fieldName(fv.Field, m.lang)
}

// quoted renders an option or candidate name in the quotes of the language.
func (m msg) quoted(fv FieldValue) string { return m.pick("„"+m.name(fv)+"“", `"`+m.name(fv)+`"`) }

var fieldNames = map[string][2]string{
	FieldMarks:           {"Stimmabgabevermerke", "marks in the register"},
	FieldUnchanged:       {"unveränderte Stimmzettel", "unchanged ballots"},
	FieldChanged:         {"veränderte Stimmzettel", "changed ballots"},
	FieldReceived:        {"eingegangene Wahlbriefe", "letters received"},
	FieldQueried:         {"beanstandete Wahlbriefe", "letters queried"},
	FieldAdmitted:        {"zugelassene Wahlbriefe", "letters admitted"},
	FieldRejected:        {"zurückgewiesene Wahlbriefe", "letters rejected"},
	FieldVersion:         {"Fassung", "version"},
	FieldEnteredBy:       {"Eingabe durch", "entered by"},
	FieldReason:          {"Begründung", "reason"},
	FieldVotesPerVoter:   {"Stimmen je Wähler", "votes per voter"},
	FieldMaxPerCandidate: {"Stimmen je Bewerber", "votes per candidate"},
	"postal":             {"Wahlbriefe", "ballot letters"},
	"candidate_votes":    {"Stimmen je Bewerber", "votes per candidate"},
}

// FieldLabel names a field of a count of contest c for people: an option
// or candidate by its name in the definition, a letter as the forms have
// it, a postal reason by its legal wording. c may be nil.
func FieldLabel(c *Contest, field string, lang Lang) string {
	if c != nil {
		if id, ok := strings.CutPrefix(field, optionPrefix); ok {
			for _, o := range c.Options() {
				if o.ID == id {
					return o.Name
				}
			}
		}
		if id, ok := strings.CutPrefix(field, candidatePrefix); ok {
			for _, l := range c.Lists {
				for _, cand := range l.Candidates {
					if cand.ID == id {
						return cand.Name
					}
				}
			}
		}
	}
	return fieldName(field, lang)
}

// fieldName renders a field name for people: letters stay letters, option
// and candidate fields show their id, postal reasons their legal wording.
func fieldName(field string, lang Lang) string {
	i := 0
	if lang == English {
		i = 1
	}
	if t, ok := fieldNames[field]; ok {
		return t[i]
	}
	if id, ok := strings.CutPrefix(field, optionPrefix); ok {
		return id
	}
	if id, ok := strings.CutPrefix(field, candidatePrefix); ok {
		return id
	}
	if r, ok := strings.CutPrefix(field, rejectedPrefix); ok {
		return [2]string{"zurückgewiesen wegen: ", "rejected for: "}[i] + RejectReason(r).Label(lang)
	}
	if l, ok := strings.CutPrefix(field, registerPrefix); ok {
		return l + [2]string{" laut Wählerverzeichnis", " in the register"}[i]
	}
	return field
}

// Label returns the legal wording of a rejection reason (BWahlG § 39 (4)),
// or the code itself when it is not one of RejectReasons.
func (r RejectReason) Label(lang Lang) string {
	t, ok := rejectLabels[r]
	if !ok {
		return string(r)
	}
	if lang == English {
		return t[1]
	}
	return t[0]
}

// Valid reports whether r is one of the seven legal reasons.
func (r RejectReason) Valid() bool { _, ok := rejectLabels[r]; return ok }

var rejectLabels = map[RejectReason][2]string{
	RejectNoValidCard:          {"kein oder kein gültiger Wahlschein", "no polling card, or an invalid one"},
	RejectNoBallotEnvelope:     {"kein Stimmzettelumschlag", "no ballot envelope"},
	RejectUnsealed:             {"weder Wahlbrief noch Stimmzettelumschlag verschlossen", "neither envelope sealed"},
	RejectEnvelopesWithoutCard: {"mehrere Stimmzettelumschläge ohne ebenso viele Wahlscheine", "several ballot envelopes without as many polling cards"},
	RejectDeclarationUnsigned:  {"Versicherung auf dem Wahlschein nicht unterschrieben", "declaration on the polling card not signed"},
	RejectUnofficialEnvelope:   {"kein amtlicher Stimmzettelumschlag", "unofficial ballot envelope"},
	RejectSecrecyEndangered:    {"Umschlag gefährdet das Wahlgeheimnis oder enthält einen Gegenstand", "envelope endangers secrecy or holds an object"},
}

// warningTitles name each warning briefly, for the reason-* messages.
var warningTitles = map[string][2]string{
	FindingTurnoutHigh:     {"Wahlbeteiligung über 95 %", "turnout above 95 %"},
	FindingTurnoutLow:      {"Wahlbeteiligung unter 5 %", "turnout below 5 %"},
	FindingFewVoters:       {"weniger als 50 Wähler", "fewer than 50 voters"},
	FindingMarksDiffer:     {"Stimmzettel weichen von Vermerken und Wahlscheinen ab", "ballots differ from marks and polling cards"},
	FindingZeroWhereStrong: {"keine Stimmen, obwohl anderswo stark", "no votes where strong elsewhere"},
	FindingPostalBDiffers:  {"Stimmzettelumschläge weichen von den Wahlbriefen ab", "ballot envelopes differ from the letters"},
	FindingRegisterDiffers: {"Zahlen des Wählerverzeichnisses weichen ab", "register figures differ"},
}

func (m msg) warningTitle() string {
	t, ok := warningTitles[m.f.Detail]
	if !ok {
		return m.f.Detail
	}
	return m.pick(t[0], t[1])
}

// percent renders num/den in per cent, cut (not rounded) to hundredths
// as the checks compare exactly: 4.999 % is shown as 4.99 %, never 5 %.
func (m msg) percent(num, den int64) string {
	if den <= 0 || num < 0 {
		return "–"
	}
	s := Percent(mulSat(num, 10000) / den).String()
	if !m.en() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + " %"
}

// product renders a × b, saturating like the checks do.
func (m msg) product(i, j int) string { return m.n(mulSat(m.at(i).Value, m.at(j).Value)) }

// findingText renders each code. Field positions are those the checks
// produce (see check.go); a test renders every code in both languages.
var findingText = map[string]func(m msg) string{
	FindingContestUnknown: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Wahl „%s“ gibt es in dieser Wahldefinition nicht.", m.f.Contest),
			fmt.Sprintf("There is no contest %q in this election definition.", m.f.Contest))
	},
	FindingDistrictUnknown: func(m msg) string {
		return m.pick("Zu dieser Meldung ist kein Wahlbezirk bekannt.", "No district is known for this count.")
	},
	FindingContestNotInDistrict: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Wahl „%s“ wird im Wahlbezirk „%s“ nicht ausgezählt.", m.f.Contest, m.f.Detail),
			fmt.Sprintf("The contest %q is not counted in district %q.", m.f.Contest, m.f.Detail))
	},
	FindingStageInvalid: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Art der Meldung „%s“ ist unbekannt; möglich sind Schnellmeldung (quick) und Wahlniederschrift (final).", m.f.Detail),
			fmt.Sprintf("The stage %q is unknown; it is either quick (quick report) or final (final record).", m.f.Detail))
	},
	FindingVersionInvalid: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Fassung der Meldung muss mindestens 1 sein, nicht %s.", m.v(0)),
			fmt.Sprintf("The version of the count must be at least 1, not %s.", m.v(0)))
	},
	FindingCorrectionReason: func(m msg) string {
		return m.pick(fmt.Sprintf("Fassung %s berichtigt eine frühere Meldung; bitte den Grund der Berichtigung angeben.", m.v(0)),
			fmt.Sprintf("Version %s corrects an earlier count; please give the reason for the correction.", m.v(0)))
	},
	FindingEnteredByInvalid: func(m msg) string {
		return m.pick(fmt.Sprintf("Jede Zählung geben zwei verschiedene Mitglieder des Wahlvorstands ein; hier sind es %s.", m.v(0)),
			fmt.Sprintf("Every count is entered by two different board members; this one names %s.", m.v(0)))
	},
	FindingNumberNegative: func(m msg) string {
		return m.pick(fmt.Sprintf("Für %s ist %s eingetragen; eine Anzahl ist nie kleiner als 0.", m.name(m.at(0)), m.v(0)),
			fmt.Sprintf("%s is entered for %s; a count is never below 0.", m.v(0), m.name(m.at(0))))
	},
	FindingNumberTooLarge: func(m msg) string {
		return m.pick(fmt.Sprintf("%s ist mit %s unmöglich groß; höchstens %s sind zulässig.", m.name(m.at(0)), m.v(0), m.n(MaxCountNumber)),
			fmt.Sprintf("%s is %s, which is impossibly large; at most %s is allowed.", m.name(m.at(0)), m.v(0), m.n(MaxCountNumber)))
	},
	FindingOptionUnknown: func(m msg) string {
		return m.pick(fmt.Sprintf("Für %s sind %s Stimmen eingetragen, aber diese Wahl hat keinen solchen Wahlvorschlag.", m.quoted(m.at(0)), m.v(0)),
			fmt.Sprintf("%s votes are entered for %s, but this contest has no such option.", m.v(0), m.quoted(m.at(0))))
	},
	FindingOptionMissing: func(m msg) string {
		return m.pick(fmt.Sprintf("Für %s ist keine Zahl eingetragen; ohne Stimmen bitte %s eintragen.", m.quoted(m.at(0)), m.v(0)),
			fmt.Sprintf("No number is entered for %s; with no votes, please enter %s.", m.quoted(m.at(0)), m.v(0)))
	},
	FindingFieldNotForKind: func(m msg) string {
		name := fieldName(m.f.Detail, m.lang)
		return m.pick(fmt.Sprintf("Die Angabe „%s“ gehört nicht zu dieser Meldung; bitte leer lassen.", name),
			fmt.Sprintf("The entry %q does not belong to this count; please leave it empty.", name))
	},
	FindingValidPlusInvalidNotB: func(m msg) string {
		return m.pick(fmt.Sprintf("Ungültige (C = %s) und gültige Stimmen (D = %s) ergeben %s, aber B ist %s.", m.v(0), m.v(1), m.n(m.at(0).Value+m.at(1).Value), m.v(2)),
			fmt.Sprintf("Invalid (C = %s) and valid votes (D = %s) add up to %s, but B is %s.", m.v(0), m.v(1), m.n(m.at(0).Value+m.at(1).Value), m.v(2)))
	},
	FindingOptionsSumNotD: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Stimmen der einzelnen Wahlvorschläge (D1 bis Dn) ergeben zusammen %s, aber D ist %s.", m.sumFrom(1), m.v(0)),
			fmt.Sprintf("The votes per option (D1 to Dn) add up to %s, but D is %s.", m.sumFrom(1), m.v(0)))
	},
	FindingB1AboveB: func(m msg) string {
		return m.pick(fmt.Sprintf("Mit Wahlschein haben mehr Wähler gewählt (B1 = %s) als insgesamt (B = %s).", m.v(0), m.v(1)),
			fmt.Sprintf("More voters voted with a polling card (B1 = %s) than voted in total (B = %s).", m.v(0), m.v(1)))
	},
	FindingWithoutCardAboveA1: func(m msg) string {
		diff := m.n(m.at(0).Value - m.at(1).Value)
		return m.pick(fmt.Sprintf("Ohne Wahlschein haben B − B1 = %s − %s = %s Wähler gewählt, aber nur A1 = %s Wahlberechtigte sind ohne Sperrvermerk „W“.", m.v(0), m.v(1), diff, m.v(2)),
			fmt.Sprintf(`B − B1 = %s − %s = %s voters voted without a polling card, but only A1 = %s registered voters have no "W" mark.`, m.v(0), m.v(1), diff, m.v(2)))
	},
	FindingA1Missing: func(m msg) string {
		return m.pick(fmt.Sprintf("A1 ist %s: Ein Urnenwahlbezirk meldet die Wahlberechtigten ohne Sperrvermerk „W“.", m.v(0)),
			fmt.Sprintf(`A1 is %s: an in-person district reports its registered voters without the "W" mark.`, m.v(0)))
	},
	FindingPostalAValues: func(m msg) string {
		var parts []string
		for _, fv := range m.f.Fields {
			parts = append(parts, m.eq(fv))
		}
		list := strings.Join(parts, ", ")
		return m.pick(fmt.Sprintf("Ein Briefwahlbezirk hat kein Wählerverzeichnis, A1, A2 und A3 bleiben leer; eingetragen ist %s.", list),
			fmt.Sprintf("A postal district has no register, so A1, A2 and A3 stay empty; entered: %s.", list))
	},
	FindingPostalB1NotB: func(m msg) string {
		return m.pick(fmt.Sprintf("Im Briefwahlbezirk wählen alle mit Wahlschein, also ist B1 gleich B; hier ist B = %s und B1 = %s.", m.v(0), m.v(1)),
			fmt.Sprintf("In a postal district everyone votes with a polling card, so B1 equals B; here B is %s and B1 is %s.", m.v(0), m.v(1)))
	},
	FindingPostalLettersMissing: func(m msg) string {
		return m.pick("Die Zahlen der Wahlbriefe (eingegangen, beanstandet, zugelassen, zurückgewiesen) fehlen.",
			"The numbers of ballot letters (received, queried, admitted, rejected) are missing.")
	},
	FindingPostalQueriedMismatch: func(m msg) string {
		sum := m.n(m.at(1).Value + m.at(2).Value)
		return m.pick(fmt.Sprintf("Zugelassene (%s) und zurückgewiesene Wahlbriefe (%s) ergeben %s, beanstandet sind aber %s.", m.v(1), m.v(2), sum, m.v(0)),
			fmt.Sprintf("Letters admitted (%s) and rejected (%s) add up to %s, but %s were queried.", m.v(1), m.v(2), sum, m.v(0)))
	},
	FindingPostalRejectedSum: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Zurückweisungen nach Gründen ergeben zusammen %s, zurückgewiesen sind aber %s Wahlbriefe.", m.sumFrom(1), m.v(0)),
			fmt.Sprintf("The rejections by reason add up to %s, but %s letters were rejected.", m.sumFrom(1), m.v(0)))
	},
	FindingPostalReasonUnknown: func(m msg) string {
		return m.pick(fmt.Sprintf("„%s“ ist kein gesetzlicher Zurückweisungsgrund (§ 39 Abs. 4 BWahlG); eingetragen sind %s Wahlbriefe.", m.f.Detail, m.v(0)),
			fmt.Sprintf("%q is not a legal reason for rejection (BWahlG § 39 (4)); %s letters are entered for it.", m.f.Detail, m.v(0)))
	},
	FindingPostalDecidedAbove: func(m msg) string {
		sum := m.n(m.at(0).Value + m.at(1).Value)
		return m.pick(fmt.Sprintf("Zugelassene (%s) und zurückgewiesene Wahlbriefe (%s) sind zusammen %s, mehr als die %s eingegangenen.", m.v(0), m.v(1), sum, m.v(2)),
			fmt.Sprintf("Letters admitted (%s) and rejected (%s) are %s together, more than the %s received.", m.v(0), m.v(1), sum, m.v(2)))
	},
	FindingPostalQueriedAbove: func(m msg) string {
		return m.pick(fmt.Sprintf("Beanstandet sind %s Wahlbriefe, mehr als die %s eingegangenen.", m.v(0), m.v(1)),
			fmt.Sprintf("%s letters were queried, more than the %s received.", m.v(0), m.v(1)))
	},
	FindingSplitMissing: func(m msg) string {
		name := fieldName(m.f.Detail, m.lang)
		return m.pick(fmt.Sprintf("Die Zahl „%s“ fehlt; sind es keine, bitte 0 eintragen.", name),
			fmt.Sprintf("The number of %s is missing; enter 0 if there are none.", name))
	},
	FindingSplitNotD: func(m msg) string {
		sum := m.n(m.at(0).Value + m.at(1).Value)
		return m.pick(fmt.Sprintf("Unveränderte (%s) und veränderte Stimmzettel (%s) ergeben %s, gültig sind aber D = %s.", m.v(0), m.v(1), sum, m.v(2)),
			fmt.Sprintf("Unchanged (%s) and changed ballots (%s) add up to %s, but D, the valid ballots, is %s.", m.v(0), m.v(1), sum, m.v(2)))
	},
	FindingCandidateUnknown: func(m msg) string {
		return m.pick(fmt.Sprintf("Für %s sind %s Stimmen eingetragen, aber keiner der Wahlvorschläge hat einen solchen Bewerber.", m.quoted(m.at(0)), m.v(0)),
			fmt.Sprintf("%s votes are entered for %s, but no list of this contest has such a candidate.", m.v(0), m.quoted(m.at(0))))
	},
	FindingCandidateMissing: func(m msg) string {
		return m.pick(fmt.Sprintf("Für %s ist keine Zahl eingetragen; ohne Stimmen bitte %s eintragen.", m.quoted(m.at(0)), m.v(0)),
			fmt.Sprintf("No number is entered for %s; with no votes, please enter %s.", m.quoted(m.at(0)), m.v(0)))
	},
	FindingListNotCandidateSum: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Bewerber von %s haben zusammen %s Stimmen, der Wahlvorschlag aber %s.", m.quoted(m.at(0)), m.sumFrom(1), m.v(0)),
			fmt.Sprintf("The candidates of %s have %s votes together, but the list has %s.", m.quoted(m.at(0)), m.sumFrom(1), m.v(0)))
	},
	FindingVotesAboveLimit: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Wahlvorschläge haben zusammen %s Stimmen; D = %s gültige Stimmzettel mit je %s Stimmen ergeben höchstens %s.", m.sumFrom(2), m.v(0), m.v(1), m.product(0, 1)),
			fmt.Sprintf("The lists have %s votes together; D = %s valid ballots of %s votes each give at most %s.", m.sumFrom(2), m.v(0), m.v(1), m.product(0, 1)))
	},
	FindingCandidateAboveLimit: func(m msg) string {
		return m.pick(fmt.Sprintf("%s hat %s Stimmen; D = %s gültige Stimmzettel mit höchstens %s Stimmen je Bewerber ergeben höchstens %s.", m.quoted(m.at(0)), m.v(0), m.v(1), m.v(2), m.product(1, 2)),
			fmt.Sprintf("%s has %s votes; D = %s valid ballots with at most %s votes per candidate give at most %s.", m.quoted(m.at(0)), m.v(0), m.v(1), m.v(2), m.product(1, 2)))
	},
	FindingReasonMissing: func(m msg) string {
		return m.pick(fmt.Sprintf("Zum Hinweis „%s“ fehlt die schriftliche Begründung (%d bis %d Zeichen).", m.warningTitle(), MinReasonLength, MaxReasonLength),
			fmt.Sprintf("The warning %q needs a written reason (%d to %d characters).", m.warningTitle(), MinReasonLength, MaxReasonLength))
	},
	FindingReasonTooShort: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Begründung zum Hinweis „%s“ hat %s Zeichen; nötig sind mindestens %d.", m.warningTitle(), m.v(0), MinReasonLength),
			fmt.Sprintf("The reason for the warning %q has %s characters; at least %d are needed.", m.warningTitle(), m.v(0), MinReasonLength))
	},
	FindingReasonTooLong: func(m msg) string {
		return m.pick(fmt.Sprintf("Die Begründung zum Hinweis „%s“ hat %s Zeichen; möglich sind höchstens %d.", m.warningTitle(), m.v(0), MaxReasonLength),
			fmt.Sprintf("The reason for the warning %q has %s characters; at most %d are allowed.", m.warningTitle(), m.v(0), MaxReasonLength))
	},
	FindingTurnoutHigh: func(m msg) string {
		p := m.percent(m.at(0).Value, m.at(1).Value)
		return m.pick(fmt.Sprintf("B = %s Wähler bei A1 = %s Wahlberechtigten ohne Sperrvermerk „W“ sind %s, mehr als 95 %%. Bitte prüfen.", m.v(0), m.v(1), p),
			fmt.Sprintf(`B = %s voters against A1 = %s registered voters without the "W" mark is %s, above 95 %%. Please check.`, m.v(0), m.v(1), p))
	},
	FindingTurnoutLow: func(m msg) string {
		p := m.percent(m.at(0).Value, m.at(1).Value)
		return m.pick(fmt.Sprintf("B = %s Wähler bei A1 = %s Wahlberechtigten ohne Sperrvermerk „W“ sind %s, weniger als 5 %%. Bitte prüfen.", m.v(0), m.v(1), p),
			fmt.Sprintf(`B = %s voters against A1 = %s registered voters without the "W" mark is %s, below 5 %%. Please check.`, m.v(0), m.v(1), p))
	},
	FindingFewVoters: func(m msg) string {
		return m.pick(fmt.Sprintf("Mit B = %s haben weniger als %d Wähler gewählt; um das Wahlgeheimnis zu wahren, wird ein solcher Bezirk mit einem anderen zusammen ausgezählt.", m.v(0), MinDistrictVoters),
			fmt.Sprintf("B = %s is fewer than %d voters; to keep the ballot secret, such a district is counted together with another.", m.v(0), MinDistrictVoters))
	},
	FindingMarksDiffer: func(m msg) string {
		sum := m.n(m.at(1).Value + m.at(2).Value)
		return m.pick(fmt.Sprintf("Stimmabgabevermerke (%s) und Wahlscheine (B1 = %s) ergeben %s, gezählt wurden aber B = %s Stimmzettel.", m.v(1), m.v(2), sum, m.v(0)),
			fmt.Sprintf("Marks in the register (%s) and polling cards (B1 = %s) add up to %s, but B = %s ballots were counted.", m.v(1), m.v(2), sum, m.v(0)))
	},
	FindingZeroWhereStrong: func(m msg) string {
		return m.pick(fmt.Sprintf("%s hat hier %s Stimmen, anderswo aber einen großen Anteil. Stehen die Stimmen in der richtigen Zeile?", m.quoted(m.at(0)), m.v(0)),
			fmt.Sprintf("%s has %s votes here but a large share elsewhere. Are the votes in the right row?", m.quoted(m.at(0)), m.v(0)))
	},
	FindingPostalBDiffers: func(m msg) string {
		diff := m.n(m.at(1).Value - m.at(2).Value)
		return m.pick(fmt.Sprintf("Eingegangen sind %s Wahlbriefe, zurückgewiesen %s; zu erwarten wären %s Stimmzettelumschläge, gezählt sind B = %s.", m.v(1), m.v(2), diff, m.v(0)),
			fmt.Sprintf("%s letters were received and %s rejected, so %s ballot envelopes were expected, but B = %s were counted.", m.v(1), m.v(2), diff, m.v(0)))
	},
	FindingRegisterDiffers: func(m msg) string {
		letter := m.at(0).Field
		return m.pick(fmt.Sprintf("Gemeldet ist %s = %s, im Wählerverzeichnis der Wahldefinition stehen %s.", letter, m.v(0), m.v(1)),
			fmt.Sprintf("The count gives %s = %s, the register in the election definition %s.", letter, m.v(0), m.v(1)))
	},
}
