package election

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// summaryText holds the words of the summary, German first.
var summaryText = cmdutil.Words{
	"valid":      {"Gültige Wahldefinition", "Valid election definition"},
	"election":   {"Wahl", "Election"},
	"day":        {"Wahltag", "Election day"},
	"authority":  {"Behörde", "Authority"},
	"turnout":    {"Meldezeiten Wahlbeteiligung", "Turnout report times"},
	"ballots":    {"Stimmzettel", "Ballots"},
	"wards":      {"Stadtbezirke", "Wards"},
	"districts":  {"Wahlbezirke", "Districts"},
	"inperson":   {"Urnenwahl", "in person"},
	"postal":     {"Briefwahl", "postal"},
	"register":   {"Wählerverzeichnis", "Register"},
	"board":      {"Wahlvorstand", "Board"},
	"boardrule":  {"%d–%d Mitglieder; beschlussfähig bei Wahlhandlung %d, Auszählung %d; Briefwahl: Zulassung %d, Auszählung %d", "%d–%d members; quorum while voting %d, counting %d; postal: admission %d, counting %d"},
	"sha":        {"SHA-256", "SHA-256"},
	"none":       {"keine", "none"},
	"majority":   {"Mehrheitswahl (%s), %d Bewerber", "majority (%s), %d candidates"},
	"absolute":   {"absolute Mehrheit, sonst Stichwahl", "absolute majority, else runoff"},
	"relative":   {"relative Mehrheit", "relative majority"},
	"list":       {"Verhältniswahl, %d Sitze, %s, %d Wahlvorschläge%s", "proportional, %d seats, %s, %d lists%s"},
	"cumulative": {"Verhältniswahl mit Kumulieren und Panaschieren, %d Sitze, %s, %d Stimmen je Wähler, bis zu %d je Bewerber, %d Wahlvorschläge mit %d Bewerbern", "cumulative and panachage, %d seats, %s, %d votes per voter, up to %d per candidate, %d lists with %d candidates"},
	"referendum": {"Bürgerentscheid: %s", "Referendum: %s"},
	"threshold":  {", Sperrklausel %s %%", ", threshold %s %%"},
}

var methodNames = map[ballot.Method]string{
	ballot.SainteLague:  "Sainte-Laguë/Schepers",
	ballot.DHondt:       "D'Hondt",
	ballot.HareNiemeyer: "Hare/Niemeyer",
}

func tr(lang ballot.Lang, key string) string { return summaryText.In(lang, key) }

// writeSummary prints what a valid definition holds on one screen,
// whatever its size: counts and sums, not lists of districts.
func writeSummary(w io.Writer, file string, def *ballot.Definition, sha string, lang ballot.Lang) {
	n := func(v int64) string { return ballot.FormatCount(v, lang) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	e := def.Election
	fmt.Fprintf(tw, "%s: %s\n", tr(lang, "valid"), file)
	fmt.Fprintf(tw, "%s\t%s (%s)\n", tr(lang, "election"), e.Title, e.ID)
	fmt.Fprintf(tw, "%s\t%s, %s–%s (%s)\n", tr(lang, "day"), formatDate(e.Date, lang),
		or(e.PollsOpen, ballot.DefaultPollsOpen), or(e.PollsClose, ballot.DefaultPollsClose), e.TimeZone)
	fmt.Fprintf(tw, "%s\t%s\n", tr(lang, "authority"), e.Authority)
	times := strings.Join(e.TurnoutTimes, ", ")
	if times == "" {
		times = tr(lang, "none")
	}
	fmt.Fprintf(tw, "%s\t%s\n", tr(lang, "turnout"), times)
	fmt.Fprintf(tw, "%s\t%d\n", tr(lang, "ballots"), len(def.Ballots))
	for _, b := range def.Ballots {
		for _, c := range b.Contests {
			fmt.Fprintf(tw, "  %s\t%s: %s\n", c.ID, c.Title, describeContest(c, lang))
		}
	}
	var inPerson, postal int
	var reg ballot.Register
	for _, d := range def.Districts {
		if d.Kind == ballot.Postal {
			postal++
			continue
		}
		inPerson++
		if d.Register != nil {
			reg.A1 += d.Register.A1
			reg.A2 += d.Register.A2
			reg.A3 += d.Register.A3
		}
	}
	fmt.Fprintf(tw, "%s\t%d\n", tr(lang, "wards"), len(def.Wards))
	fmt.Fprintf(tw, "%s\t%s: %s %s, %s %s\n", tr(lang, "districts"), n(int64(len(def.Districts))),
		n(int64(inPerson)), tr(lang, "inperson"), n(int64(postal)), tr(lang, "postal"))
	fmt.Fprintf(tw, "%s\tA1 %s · A2 %s · A3 %s · A %s\n", tr(lang, "register"), n(reg.A1), n(reg.A2), n(reg.A3), n(reg.A()))
	r := def.Board.WithDefaults()
	fmt.Fprintf(tw, "%s\t"+tr(lang, "boardrule")+"\n", tr(lang, "board"), r.MinSize, r.MaxSize,
		r.QuorumVoting, r.QuorumCounting, r.PostalQuorumAdmission, r.PostalQuorumCounting)
	fmt.Fprintf(tw, "%s\t%s\n", tr(lang, "sha"), sha)
	tw.Flush()
}

func describeContest(c ballot.Contest, lang ballot.Lang) string {
	switch c.Kind {
	case ballot.KindMajority:
		return fmt.Sprintf(tr(lang, "majority"), tr(lang, string(c.MajorityRuleOrDefault())), len(c.Candidates))
	case ballot.KindList:
		threshold := ""
		if c.Threshold > 0 {
			threshold = fmt.Sprintf(tr(lang, "threshold"), c.Threshold)
		}
		return fmt.Sprintf(tr(lang, "list"), c.Seats, methodNames[c.Method], len(c.Lists), threshold)
	case ballot.KindCumulative:
		votes, per := c.Cumulation()
		cands := 0
		for _, l := range c.Lists {
			cands += len(l.Candidates)
		}
		return fmt.Sprintf(tr(lang, "cumulative"), c.Seats, methodNames[c.Method], votes, per, len(c.Lists), cands)
	case ballot.KindReferendum:
		return fmt.Sprintf(tr(lang, "referendum"), c.Question)
	}
	return string(c.Kind)
}

var weekdays = [2][7]string{
	{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
	{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
}

func formatDate(s string, lang ballot.Lang) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if lang == ballot.English {
		return weekdays[1][t.Weekday()] + " " + t.Format("2006-01-02")
	}
	return weekdays[0][t.Weekday()] + " " + t.Format("02.01.2006")
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
