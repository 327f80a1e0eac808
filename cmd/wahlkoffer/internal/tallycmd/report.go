package tallycmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/sheets"
	"github.com/wahlkoffer/wahlkoffer/reports"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// The documents of `tally report`.
const (
	ReportOfficial  = "official"
	ReportStation   = "station"
	ReportTurnout   = "turnout"
	ReportStaffing  = "staffing"
	ReportAllowance = "allowance"
)

// ReportDocuments lists the documents in the order of the help.
var ReportDocuments = []string{ReportOfficial, ReportStation, ReportTurnout, ReportStaffing, ReportAllowance}

// ReportOptions are the flags and argument of `tally report`.
type ReportOptions struct {
	IO       cmdutil.IO
	Lang     ballot.Lang
	Flags    storeFlags
	Document string // one of ReportDocuments
	Out      string
	Force    bool
	View     string       // official
	District string       // station
	Stage    ballot.Stage // station
	// Rates override the definition's allowance per role, in cents
	// (allowance).
	Rates map[ballot.Role]int64
}

// NewCmdReport builds `tally report`.
func NewCmdReport(io cmdutil.IO, runF func(*ReportOptions) error) *cobra.Command {
	opts := &ReportOptions{IO: io}
	var stage string
	var rates []string
	cmd := &cobra.Command{
		Use:   "report official|station|turnout|staffing|allowance --store STORE --out FILE.pdf",
		Short: "Print an official document as PDF: result sheet, station record, turnout, staffing, allowance",
		Long: `Writes one of the office's official documents as an A4 PDF, German by
default, English with --lang en; times in the election's time zone.

  official   the result sheet: per contest in-person, postal and together,
             votes and per cent per option, seats or winner, status and
             completeness, and an annex with a row per district and ward.
             --view best (default), final or quick. Every page carries the
             fingerprint of the records the results were computed from: the
             SHA-256 over the sorted envelope hashes of the counts of the
             view, one per line, which anyone can recompute from the
             evidence file.
  station    the record of one district (--district ID) as the office
             received it: --stage final (Wahlniederschrift, default) or quick
             (Schnellmeldung), rebuilt from the station's verified records,
             with the fingerprint of its newest count record of the stage.
  turnout    the turnout per report time, per ward and overall.
  staffing   the boards below quorum, replacements and no-shows, now.
  allowance  the refreshment allowance (Erfrischungsgeld) per board member:
             check-in, check-out, hours and the amount of the role from the
             election definition, or from --rate ROLE=EUROS (repeatable).

The time generated is the clock's now ($WAHLKOFFER_NOW in rehearsals). The
file is written completely or not at all; an existing FILE is only replaced
with --force. The office key is not needed.`,
		Example: `  wahlkoffer tally report official --store tally.db --out ergebnis.pdf
  wahlkoffer tally report official --store tally.db --view final --out endergebnis.pdf --force
  wahlkoffer tally report station --store tally.db --district 101 --out wb101.pdf
  wahlkoffer tally report station --store tally.db --district 101 --stage quick --out wb101-schnell.pdf
  wahlkoffer tally report turnout --store tally.db --out wahlbeteiligung.pdf --lang en
  wahlkoffer tally report staffing --store tally.db --out besetzung.pdf
  wahlkoffer tally report allowance --store tally.db --out erfrischungsgeld.pdf --rate assessor=35`,
		ValidArgs: ReportDocuments,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.Usagef("%s takes the document to print: %s", cmd.CommandPath(), strings.Join(ReportDocuments, ", "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			opts.Document = args[0]
			if !isReportDocument(opts.Document) {
				return cmdutil.Usagef("unknown document %q: use %s", opts.Document, strings.Join(ReportDocuments, ", "))
			}
			// A flag of another document is a mistake, not something to
			// ignore silently.
			for _, f := range [][2]string{{"view", ReportOfficial}, {"district", ReportStation}, {"stage", ReportStation}, {"rate", ReportAllowance}} {
				if cmd.Flags().Changed(f[0]) && opts.Document != f[1] {
					return cmdutil.Usagef("--%s goes with tally report %s, not %s", f[0], f[1], opts.Document)
				}
			}
			if err := opts.Flags.check(); err != nil {
				return err
			}
			switch opts.View {
			case tally.ViewBest, tally.ViewFinal, tally.ViewQuick:
			default:
				return cmdutil.Usagef("--view %q: use best, final or quick", opts.View)
			}
			opts.Stage = ballot.Stage(stage)
			if opts.Stage != ballot.StageQuick && opts.Stage != ballot.StageFinal {
				return cmdutil.Usagef("--stage %q: use quick (Schnellmeldung) or final (Wahlniederschrift)", stage)
			}
			if opts.Document == ReportStation && opts.District == "" {
				return cmdutil.Usagef("tally report station needs --district ID")
			}
			if opts.Rates, err = parseRates(rates); err != nil {
				return err
			}
			if err := cmdutil.CheckOutFile(opts.Out, opts.Force); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return reportRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "the PDF file to write (required)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing file")
	cmd.Flags().StringVar(&opts.View, "view", tally.ViewBest, "official: best, final or quick")
	cmd.Flags().StringVar(&opts.District, "district", "", "station: the district whose record to print")
	cmd.Flags().StringVar(&stage, "stage", string(ballot.StageFinal), "station: final (Wahlniederschrift) or quick (Schnellmeldung)")
	cmd.Flags().StringArrayVar(&rates, "rate", nil, "allowance: the amount of a role in euros, ROLE=EUROS (e.g. assessor=35 or chair=62,50); repeatable")
	_ = cmd.RegisterFlagCompletionFunc("view", cobra.FixedCompletions([]string{tally.ViewBest, tally.ViewFinal, tally.ViewQuick}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("stage", cobra.FixedCompletions([]string{string(ballot.StageFinal), string(ballot.StageQuick)}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func isReportDocument(doc string) bool {
	for _, d := range ReportDocuments {
		if d == doc {
			return true
		}
	}
	return false
}

// parseRates reads --rate ROLE=EUROS into cents per role.
func parseRates(flags []string) (map[ballot.Role]int64, error) {
	rates := map[ballot.Role]int64{}
	for _, f := range flags {
		role, amount, ok := strings.Cut(f, "=")
		r := ballot.Role(strings.TrimSpace(role))
		if !ok || !r.Valid() {
			return nil, cmdutil.Usagef("--rate %q: want ROLE=EUROS with a role of %s", f, roleList())
		}
		cents, err := parseEuros(strings.TrimSpace(amount))
		if err != nil {
			return nil, cmdutil.Usagef("--rate %q: %v", f, err)
		}
		rates[r] = cents
	}
	return rates, nil
}

func roleList() string {
	names := make([]string, len(ballot.Roles))
	for i, r := range ballot.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// parseEuros reads an amount of euros with at most two decimals, the
// decimal mark a comma or a point: 35, 35,5, 62.50.
func parseEuros(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	bad := fmt.Errorf("%q is not an amount of euros such as 35 or 62,50", s)
	if whole == "" || len(whole) > 9 || hasFrac && (frac == "" || len(frac) > 2) {
		return 0, bad
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, bad
			}
		}
	}
	euros, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, bad
	}
	var cents int64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		if cents, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, bad
		}
	}
	return euros*100 + cents, nil
}

var reportWords = cmdutil.Words{
	"official":        {"Amtliches Wahlergebnis (%s)", "official result sheet (%s)"},
	"station:final":   {"Wahlniederschrift, Wahlbezirk %s", "station record, district %s"},
	"station:quick":   {"Schnellmeldung, Wahlbezirk %s", "quick report, district %s"},
	"turnout":         {"Wahlbeteiligung", "turnout report"},
	"staffing":        {"Besetzung der Wahlvorstände", "staffing report"},
	"allowance":       {"Erfrischungsgeld, %d Personen", "allowance list, %d people"},
	"fingerprint":     {"Fingerabdruck %s", "fingerprint %s"},
	"unsigned":        {"Warnung: Wahlbezirk %s hat noch keine %s gesendet; das Dokument zeigt keine Zahlen und keinen Fingerabdruck.", "warning: district %s has sent no %s yet; the document shows no counts and no fingerprint."},
	"stage:final":     {"Wahlniederschrift", "final record"},
	"stage:quick":     {"Schnellmeldung", "quick report"},
	"noRates":         {"Warnung: die Wahl nennt kein Erfrischungsgeld; die Liste zeigt nur die Stunden (Beträge mit --rate ROLLE=EURO).", "warning: the election names no allowance; the list shows the hours only (amounts with --rate ROLE=EUROS)."},
	"view:best":       {"vorläufig, Schnellmeldungen und Niederschriften", "provisional, quick reports and final records"},
	"view:final":      {"Wahlniederschriften", "final records"},
	"view:quick":      {"Schnellmeldungen", "quick reports"},
	"written":         {"%s: %s", "%s: %s"},
	"notCertified":    {"nicht festgestellt", "not certified"},
	"allCertified":    {"festgestellt", "certified"},
	"someCertified":   {"teilweise festgestellt", "partly certified"},
	"unknownDistrict": {"--district %s: kein Wahlbezirk der Wahl %s", "--district %s: not a district of the election %s"},
}

func rword(lang ballot.Lang, key string, args ...any) string {
	s := reportWords.In(lang, key)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

func reportRun(ctx context.Context, opts *ReportOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	lang := opts.Lang
	var render func(io.Writer) error
	var summary string
	switch opts.Document {
	case ReportOfficial:
		sheet, err := sheets.ResultSheet(ctx, svc, st, opts.View)
		if err != nil {
			return err
		}
		render = func(w io.Writer) error { return reports.WriteResultSheet(w, sheet, lang) }
		summary = rword(lang, "official", rword(lang, "view:"+opts.View)) + ", " + certifiedText(sheet, lang) +
			", " + rword(lang, "fingerprint", sheet.Fingerprint)
	case ReportStation:
		rec, err := sheets.StationRecordFromTally(ctx, svc, st, opts.District, opts.Stage)
		if errors.Is(err, sheets.ErrUnknownDistrict) {
			return cmdutil.Usagef("%s", rword(lang, "unknownDistrict", opts.District, svc.Definition().Election.ID))
		}
		if err != nil {
			return err
		}
		render = func(w io.Writer) error { return reports.WriteStationRecord(w, rec, lang) }
		summary = rword(lang, "station:"+string(opts.Stage), opts.District)
		if rec.Fingerprint == "" {
			fmt.Fprintln(opts.IO.ErrOut, rword(lang, "unsigned", opts.District, rword(lang, "stage:"+string(opts.Stage))))
		} else {
			summary += ", " + rword(lang, "fingerprint", rec.Fingerprint)
		}
	case ReportTurnout, ReportStaffing:
		s, err := svc.Status(ctx)
		if err != nil {
			return err
		}
		if opts.Document == ReportTurnout {
			r := sheets.TurnoutOf(svc.Definition(), s)
			render = func(w io.Writer) error { return reports.WriteTurnout(w, r, lang) }
		} else {
			r := sheets.StaffingOf(svc.Definition(), s)
			render = func(w io.Writer) error { return reports.WriteStaffing(w, r, lang) }
		}
		summary = rword(lang, opts.Document)
	case ReportAllowance:
		l, err := sheets.Allowance(ctx, svc, st)
		if err != nil {
			return err
		}
		if len(opts.Rates) > 0 {
			rates := ballot.Allowance{Currency: l.Rates.Currency, PerRole: map[ballot.Role]int64{}}
			for r, v := range l.Rates.PerRole {
				rates.PerRole[r] = v
			}
			for r, v := range opts.Rates {
				rates.PerRole[r] = v
			}
			l.Rates = rates
		}
		if len(l.Rates.PerRole) == 0 {
			fmt.Fprintln(opts.IO.ErrOut, rword(lang, "noRates"))
		}
		render = func(w io.Writer) error { return reports.WriteAllowance(w, l, lang) }
		summary = rword(lang, "allowance", len(l.People))
	}
	if err := writePDF(opts.Out, render); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, rword(lang, "written", opts.Out, summary))
	return nil
}

// certifiedText says whether the sheet's contests are certified.
func certifiedText(s reports.ResultSheet, lang ballot.Lang) string {
	n := 0
	for _, c := range s.Contests {
		if c.Certified {
			n++
		}
	}
	switch {
	case n == 0:
		return rword(lang, "notCertified")
	case n == len(s.Contests):
		return rword(lang, "allCertified")
	}
	return rword(lang, "someCertified")
}

// writePDF renders a document into path through a temporary file: a
// failure leaves nothing behind and an existing file as it was.
func writePDF(path string, render func(io.Writer) error) error {
	err := cmdutil.WriteAtomic(path, 0o644, func(f *os.File) error { return render(f) })
	if err != nil {
		return fmt.Errorf("%s not written: %w", path, err)
	}
	return nil
}
