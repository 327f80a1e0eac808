package stationcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// SubmitOptions are the flags of `station submit`.
type SubmitOptions struct {
	signer
	Contest          string
	All              bool
	Stage            ballot.Stage
	Reasons          map[string]string
	CorrectionReason string
	Sync             bool
	Delivery         DeliveryFlags
}

// NewCmdSubmit builds `station submit`.
func NewCmdSubmit(io cmdutil.IO, runF func(*SubmitOptions) error) *cobra.Command {
	opts := &SubmitOptions{signer: signer{common: common{IO: io}}}
	var stage string
	var reasons []string
	cmd := &cobra.Command{
		Use:   "submit --data DIR --contest ID|--all --stage quick|final",
		Short: "Sign the agreed count as quick report or final record",
		Long: `Signs the count of a contest, once both entries agree, as the quick report
(--stage quick, Schnellmeldung) or the final record (--stage final,
Wahlniederschrift) and puts it in the outbox. Errors of the checks block it;
each warning needs a written reason (--reason CODE=TEXT, 3 to 500
characters). Sending other figures in a stage again is a correction: a new
version that needs --correction-reason.

Nothing goes over the network unless --sync is given: then one pass of
"station sync" follows, and its exit code counts. A refusal prints the
reason (with the findings or the differing fields) and exits with 3.`,
		Example: `  wahlkoffer station submit --data wahl --contest ob --stage quick
  wahlkoffer station submit --data wahl --all --stage final --sync
  wahlkoffer station submit --data wahl --contest ob --stage final --reason turnout-high="Seniorenheim im Wahlbezirk"
  wahlkoffer station submit --data wahl --contest ob --stage final --correction-reason "Zahlendreher bei ob-2 berichtigt"`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.All == (opts.Contest != "") {
				return cmdutil.Usagef("give either --contest ID or --all")
			}
			opts.Stage = ballot.Stage(stage)
			if opts.Stage != ballot.StageQuick && opts.Stage != ballot.StageFinal {
				return cmdutil.Usagef("--stage %q: use quick (Schnellmeldung) or final (Niederschrift)", stage)
			}
			opts.Reasons = map[string]string{}
			for _, r := range reasons {
				code, text, ok := strings.Cut(r, "=")
				if !ok || strings.TrimSpace(code) == "" {
					return cmdutil.Usagef("--reason %q: want CODE=TEXT, the code of the warning and the board's reason", r)
				}
				opts.Reasons[strings.TrimSpace(code)] = text
			}
			if !opts.Sync && (cmd.Flags().Changed("url") || cmd.Flags().Changed("tries")) {
				return cmdutil.Usagef("--url and --tries go with --sync")
			}
			if err := opts.Delivery.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return submitRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Contest, "contest", "", "the contest's id")
	f.BoolVar(&opts.All, "all", false, "every contest of the district")
	f.StringVar(&stage, "stage", "", "quick (Schnellmeldung) or final (Niederschrift)")
	f.StringArrayVar(&reasons, "reason", nil, "reason for a warning, CODE=TEXT (repeatable)")
	f.StringVar(&opts.CorrectionReason, "correction-reason", "", "why a stage is sent again with other figures")
	f.BoolVar(&opts.Sync, "sync", false, "send the outbox to the tally afterwards (one pass)")
	opts.Delivery.add(cmd)
	return cmd
}

func submitRun(ctx context.Context, opts *SubmitOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	contests := []string{opts.Contest}
	if opts.All {
		contests = nil
		for _, c := range st.Definition().ContestsOf(st.District()) {
			contests = append(contests, c.ID)
		}
	}
	so := station.SubmitOptions{Reasons: opts.Reasons, CorrectionReason: opts.CorrectionReason}
	refused := 0
	for _, id := range contests {
		c, err := st.Submit(ctx, id, opts.Stage, so)
		if err != nil {
			if !opts.All || station.CodeOf(err) == "" {
				return opts.fail(err)
			}
			refused++
			fmt.Fprintf(opts.IO.ErrOut, "%s: %s\n", id, opts.fail(err))
			continue
		}
		state, err := st.State(ctx)
		if err != nil {
			return err
		}
		seq := uint64(0)
		if last := state.LastSent(id, opts.Stage); last != nil {
			seq = last.Seq
		}
		fmt.Fprintln(opts.IO.Out, w(opts.Lang, "submitted", id, w(opts.Lang, "stage:"+string(c.Stage)), c.Version, seq))
	}
	var syncErr error
	if opts.Sync {
		syncErr = syncPass(ctx, &opts.common, st, opts.Delivery)
	}
	if refused > 0 {
		return &cmdutil.InvalidError{Summary: w(opts.Lang, "notSubmitted", refused, len(contests))}
	}
	return syncErr
}
