package tallycmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// StatusOptions are the flags of `tally status`.
type StatusOptions struct {
	IO    cmdutil.IO
	Lang  ballot.Lang
	Flags storeFlags
	JSON  bool
}

// NewCmdStatus builds `tally status`.
func NewCmdStatus(io cmdutil.IO, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "status --store STORE",
		Short: "Show progress, staffing alerts, turnout, incidents and equivocations",
		Long: `Shows the election day as it stands now: how many districts have sent no
report, a quick report or the final record; the stations whose board lacks a
quorum right now (where to send reserves), with replacements; the turnout per
report time; the number of incidents; and every equivocation (a station that
signed two records with one sequence number), which the office must look at.`,
		Example: `  wahlkoffer tally status --store tally.db
  wahlkoffer tally status --store tally.db --json`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			if err := opts.Flags.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := svc.Status(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(s)
	}
	WriteStatusText(opts.IO.Out, svc.Definition(), s, opts.Lang)
	return nil
}

var statusWords = cmdutil.Words{
	"asOf":          {"Stand", "as of"},
	"progress":      {"Fortschritt", "Progress"},
	"none":          {"ohne Meldung", "no report"},
	"partial":       {"teilweise gemeldet", "some contests reported"},
	"quick":         {"Schnellmeldung", "quick report"},
	"final":         {"Wahlniederschrift", "final record"},
	"ofDistricts":   {"von %d Wahlbezirken", "of %d districts"},
	"staffing":      {"Besetzung der Wahlvorstände", "Staffing of the boards"},
	"belowQuorum":   {"nicht beschlussfähig", "below quorum"},
	"allQuorum":     {"Kein Wahlvorstand, der jetzt arbeiten muss, ist beschlussunfähig.", "No board that has work to do now is below quorum."},
	"replacements":  {"Ersatzleute", "replacements"},
	"replaces":      {"für", "for"},
	"present":       {"anwesend", "present"},
	"turnout":       {"Wahlbeteiligung", "Turnout"},
	"stations":      {"Wahllokale", "stations"},
	"voters":        {"Wähler", "voters"},
	"incidents":     {"Vorfälle und Vorkommnisse", "Incidents"},
	"equivocations": {"Widersprüchliche Meldungen (gleiche Laufnummer)", "Equivocations (one sequence number, two records)"},
	"rejections":    {"Abgewiesene Meldungen (als Beweis aufbewahrt)", "Refused records (kept as evidence)"},
	"wholeArea":     {"gesamt", "all"},
}

func sword(lang ballot.Lang, key string) string { return statusWords.In(lang, key) }

// WriteStatusText prints the office's status as `tally status` shows it.
func WriteStatusText(w io.Writer, def *ballot.Definition, s tally.Status, lang ballot.Lang) {
	n := func(v int64) string { return ballot.FormatCount(v, lang) }
	loc, err := time.LoadLocation(def.Election.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	local := func(t time.Time) string { return t.In(loc).Format("15:04") }
	fmt.Fprintf(w, "%s (%s), %s %s\n", s.Title, s.ElectionID, sword(lang, "asOf"), s.At.In(loc).Format("2006-01-02 15:04"))

	p := s.Progress
	fmt.Fprintf(w, "\n%s\n", sword(lang, "progress"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	of := fmt.Sprintf(sword(lang, "ofDistricts"), p.Districts)
	fmt.Fprintf(tw, "  %s\t%d\t%s\n", sword(lang, "final"), p.Final, of)
	fmt.Fprintf(tw, "  %s\t%d\t%s\n", sword(lang, "quick"), p.Quick, of)
	fmt.Fprintf(tw, "  %s\t%d\t%s\n", sword(lang, "partial"), p.Partial, of)
	fmt.Fprintf(tw, "  %s\t%d\t%s\n", sword(lang, "none"), p.None, of)
	for _, c := range p.Contests {
		title := c.Contest
		if ct, _, ok := def.Contest(c.Contest); ok {
			title = ct.Title
		}
		fmt.Fprintf(tw, "  %s\t%d / %d\t%s %d / %d\n", title, c.Reported, c.Districts, sword(lang, "final"), c.Final, c.Districts)
	}
	tw.Flush()

	fmt.Fprintf(w, "\n%s\n", sword(lang, "staffing"))
	if len(s.Staffing.BelowQuorum) == 0 {
		fmt.Fprintf(w, "  %s\n", sword(lang, "allQuorum"))
	} else {
		fmt.Fprintf(w, "  %s (%d): %s\n", sword(lang, "belowQuorum"), len(s.Staffing.BelowQuorum), strings.Join(s.Staffing.BelowQuorum, ", "))
	}
	for _, st := range s.Staffing.Stations {
		if !st.Alert && len(st.Replacements) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s: %s\n", st.District, st.Quorum.Message(lang))
		for _, r := range st.Replacements {
			fmt.Fprintf(w, "    %s: %s (%s) %s %s, %s\n", sword(lang, "replacements"), r.Name, r.PersonID, sword(lang, "replaces"), r.Replaces, local(r.At))
		}
	}

	fmt.Fprintf(w, "\n%s\n", sword(lang, "turnout"))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range s.Turnout {
		share := ""
		if t.Eligible > 0 {
			share = ballot.FormatPercent(ballot.ShareOf(t.Voters, t.Eligible), lang)
		}
		fmt.Fprintf(tw, "  %s\t%s %s\t%s\t%d / %d %s\n", t.Slot, n(t.Voters), sword(lang, "voters"), share, t.Stations, t.Of, sword(lang, "stations"))
		for _, wt := range t.Wards {
			if wt.Stations == 0 {
				continue
			}
			share := ""
			if wt.Eligible > 0 {
				share = ballot.FormatPercent(ballot.ShareOf(wt.Voters, wt.Eligible), lang)
			}
			fmt.Fprintf(tw, "    %s\t%s %s\t%s\t%d / %d %s\n", wt.Ward, n(wt.Voters), sword(lang, "voters"), share, wt.Stations, wt.Of, sword(lang, "stations"))
		}
	}
	tw.Flush()

	fmt.Fprintf(w, "\n%s: %d\n", sword(lang, "incidents"), len(s.Incidents))
	for _, in := range s.Incidents {
		term := ballot.IncidentTermIn(lang, in.At, nil)
		if in.AfterClose {
			term = ballot.IncidentTermIn(lang, in.At, &in.At)
		}
		fmt.Fprintf(w, "  %s  %s  %s: %s\n", local(in.At), in.District, term, in.Text)
	}
	fmt.Fprintf(w, "%s: %d\n", sword(lang, "equivocations"), len(s.Equivocations))
	for _, e := range s.Equivocations {
		fmt.Fprintf(w, "  %s %s seq %d: %s / %s\n", e.District, e.Station, e.Seq, shortHash(e.FirstHash), shortHash(e.SecondHash))
	}
	fmt.Fprintf(w, "%s: %d\n", sword(lang, "rejections"), s.Rejections)
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
