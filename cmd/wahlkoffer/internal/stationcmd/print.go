package stationcmd

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/sheets"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

// PrintOptions are the flags of `station print`.
type PrintOptions struct {
	common
	Out   string
	Stage ballot.Stage
	Force bool
}

// NewCmdPrint builds `station print`.
func NewCmdPrint(io cmdutil.IO, runF func(*PrintOptions) error) *cobra.Command {
	opts := &PrintOptions{common: common{IO: io}}
	var stage string
	cmd := &cobra.Command{
		Use:   "print --data DIR --out FILE.pdf [--stage final|quick]",
		Short: "Print the station record (Wahlniederschrift) or quick report as PDF, to sign",
		Long: `Writes the station record of this district as an A4 PDF for the board to
sign: the board with roles, check-in and check-out times and replacements,
the opening and closing, the turnout reports, incidents, the count of every
contest as the station signed it, the reasons given for warnings, signature
lines, and the fingerprint of the signed record as text and QR code.

--stage final (default) prints the Wahlniederschrift with the newest final
record of each contest, --stage quick the Schnellmeldung. The fingerprint is
the SHA-256 of the newest count record of the stage (the one signed last),
the hash by which the tally names it: the office's copy ("wahlkoffer tally
report station") prints the same. Before anything of the stage is signed the
document has no counts and no fingerprint, and a warning says so.

No PIN and no network are needed. German by default, English with --lang
en; times in the election's time zone, printed at the station's clock. The
file is written completely or not at all; an existing FILE is only replaced
with --force.`,
		Example: `  wahlkoffer station print --data wahl --out niederschrift-101.pdf
  wahlkoffer station print --data wahl --stage quick --out schnellmeldung-101.pdf
  wahlkoffer station print --data wahl --out record-101.pdf --lang en --force`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			opts.Stage = ballot.Stage(stage)
			if opts.Stage != ballot.StageQuick && opts.Stage != ballot.StageFinal {
				return cmdutil.Usagef("--stage %q: use quick (Schnellmeldung) or final (Niederschrift)", stage)
			}
			if err := cmdutil.CheckOutFile(opts.Out, opts.Force); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return printRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "the PDF file to write (required)")
	cmd.Flags().StringVar(&stage, "stage", string(ballot.StageFinal), "final (Wahlniederschrift) or quick (Schnellmeldung)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing file")
	_ = cmd.RegisterFlagCompletionFunc("stage", cobra.FixedCompletions([]string{string(ballot.StageFinal), string(ballot.StageQuick)}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// printWords are the texts of `station print`, apart from words so that
// the command keeps to itself.
var printWords = cmdutil.Words{
	"printed":  {"%s: %s, Wahlbezirk %s, Fingerabdruck %s", "%s: %s, district %s, fingerprint %s"},
	"draft":    {"%s: %s, Wahlbezirk %s, noch nicht signiert", "%s: %s, district %s, not signed yet"},
	"unsigned": {"Warnung: noch keine %s signiert; das Dokument zeigt keine Zahlen und keinen Fingerabdruck.", "warning: no %s signed yet; the document shows no counts and no fingerprint."},
}

func printRun(ctx context.Context, opts *PrintOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rec, err := sheets.StationRecordFromStation(ctx, st, opts.Stage)
	if err != nil {
		return err
	}
	err = cmdutil.WriteAtomic(opts.Out, 0o644, func(f *os.File) error {
		return reports.WriteStationRecord(f, rec, opts.Lang)
	})
	if err != nil {
		return fmt.Errorf("%s not written: %w", opts.Out, err)
	}
	what := w(opts.Lang, "stage:"+string(opts.Stage))
	district := st.District().ID
	if rec.Fingerprint == "" {
		fmt.Fprintf(opts.IO.ErrOut, printWords.In(opts.Lang, "unsigned")+"\n", what)
		fmt.Fprintf(opts.IO.Out, printWords.In(opts.Lang, "draft")+"\n", opts.Out, what, district)
		return nil
	}
	fmt.Fprintf(opts.IO.Out, printWords.In(opts.Lang, "printed")+"\n", opts.Out, what, district, rec.Fingerprint)
	return nil
}
