package stationcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// PollsOptions are the flags of `station open` and `station close`.
type PollsOptions struct {
	signer
	Close bool
	At    string
}

// NewCmdOpen builds `station open`.
func NewCmdOpen(io cmdutil.IO, runF func(*PollsOptions) error) *cobra.Command {
	return newCmdPolls(io, runF, false)
}

// NewCmdClose builds `station close`.
func NewCmdClose(io cmdutil.IO, runF func(*PollsOptions) error) *cobra.Command {
	return newCmdPolls(io, runF, true)
}

func newCmdPolls(io cmdutil.IO, runF func(*PollsOptions) error, closing bool) *cobra.Command {
	opts := &PollsOptions{signer: signer{common: common{IO: io}}, Close: closing}
	cmd := &cobra.Command{
		Use:   "open --data DIR [--at HH:MM]",
		Short: "Open the poll",
		Long: `Records the opening of the poll. The board present must have the quorum of
the voting phase (chair or deputy, secretary or deputy, and enough members);
otherwise the refusal names what is missing. The time cannot lie in the
future and must be on the election day.`,
		Example: `  wahlkoffer station open --data wahl
  wahlkoffer station open --data wahl --at 08:00`,
	}
	if closing {
		cmd.Use = "close --data DIR [--at HH:MM]"
		cmd.Short = "Close the poll; counting may begin"
		cmd.Long = `Records the close of the poll, after its opening. From then on the board
counts ("station count"), and incidents are Vorkommnisse.`
		cmd.Example = `  wahlkoffer station close --data wahl
  wahlkoffer station close --data wahl --at 18:00`
	}
	cmd.Args = cmdutil.ExactArgs(0)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := opts.prepare(cmd); err != nil {
			return err
		}
		if runF != nil {
			return runF(opts)
		}
		return pollsRun(cmd.Context(), opts)
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	addAtFlag(cmd.Flags(), &opts.At)
	return cmd
}

func pollsRun(ctx context.Context, opts *PollsOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := at(st, opts.At, opts.Lang)
	if err != nil {
		return err
	}
	if opts.Close {
		b, err := st.ClosePolls(ctx, t)
		if err != nil {
			return opts.fail(err)
		}
		fmt.Fprintln(opts.IO.Out, w(opts.Lang, "closed", clock(st, b.At)))
		return nil
	}
	b, err := st.OpenPolls(ctx, t)
	if err != nil {
		return opts.fail(err)
	}
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "opened", clock(st, b.At)))
	return nil
}

// TurnoutOptions are the flags of `station turnout`.
type TurnoutOptions struct {
	signer
	Voters int64
	Slot   string
	At     string
}

// NewCmdTurnout builds `station turnout`.
func NewCmdTurnout(io cmdutil.IO, runF func(*TurnoutOptions) error) *cobra.Command {
	opts := &TurnoutOptions{signer: signer{common: common{IO: io}}}
	cmd := &cobra.Command{
		Use:   "turnout --data DIR --voters N [--slot HH:MM] [--at HH:MM]",
		Short: "Report the number of voters so far",
		Long: `Reports how many people have voted so far, for one of the election's report
times (--slot, from that time on) or ad hoc (without --slot). The number
cannot go down. "station status" shows the next report due.`,
		Example: `  wahlkoffer station turnout --data wahl --slot 10:00 --voters 312
  wahlkoffer station turnout --data wahl --voters 250`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if !cmd.Flags().Changed("voters") {
				return cmdutil.Usagef("--voters is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return turnoutRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	cmd.Flags().Int64Var(&opts.Voters, "voters", 0, "the number of voters so far")
	cmd.Flags().StringVar(&opts.Slot, "slot", "", "the report time answered (HH:MM); none: an ad hoc report")
	addAtFlag(cmd.Flags(), &opts.At)
	return cmd
}

func turnoutRun(ctx context.Context, opts *TurnoutOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := at(st, opts.At, opts.Lang)
	if err != nil {
		return err
	}
	b, err := st.ReportTurnout(ctx, opts.Slot, opts.Voters, t)
	if err != nil {
		return opts.fail(err)
	}
	slot := b.Slot
	if slot == "" {
		slot = w(opts.Lang, "adHoc")
	}
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "turnoutReported", slot, ballot.FormatCount(b.Voters, opts.Lang), clock(st, b.At)))
	state, err := st.State(ctx)
	if err != nil {
		return err
	}
	if due, ok := st.NextTurnout(state, st.Now()); ok {
		fmt.Fprintln(opts.IO.Out, w(opts.Lang, "nextTurnout", due.Slot))
	}
	return nil
}

// IncidentOptions are the flags of `station incident`.
type IncidentOptions struct {
	signer
	Text string
	At   string
}

// NewCmdIncident builds `station incident`.
func NewCmdIncident(io cmdutil.IO, runF func(*IncidentOptions) error) *cobra.Command {
	opts := &IncidentOptions{signer: signer{common: common{IO: io}}}
	cmd := &cobra.Command{
		Use:   "incident --data DIR --text TEXT [--at HH:MM]",
		Short: "Note an incident (Vorfall, after the close Vorkommnis)",
		Long: `Notes something that happened, with its time: before the close of the poll a
Vorfall, after it a Vorkommnis. The text takes 3 to 2000 characters.`,
		Example: `  wahlkoffer station incident --data wahl --text "Wähler ohne Ausweis abgewiesen"
  wahlkoffer station incident --data wahl --at 14:20 --text "Stromausfall 14:20–14:35, Urne versiegelt"`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.Text == "" {
				return cmdutil.Usagef("--text is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return incidentRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	cmd.Flags().StringVar(&opts.Text, "text", "", "what happened")
	addAtFlag(cmd.Flags(), &opts.At)
	return cmd
}

func incidentRun(ctx context.Context, opts *IncidentOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := at(st, opts.At, opts.Lang)
	if err != nil {
		return err
	}
	b, err := st.LogIncident(ctx, opts.Text, t)
	if err != nil {
		return opts.fail(err)
	}
	state, err := st.State(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "incidentLogged", incidentTerm(b.At, state.Closed, opts.Lang), clock(st, b.At)))
	return nil
}

// incidentTerm is Vorfall or Vorkommnis, with a capital in English too.
func incidentTerm(at time.Time, closed *time.Time, lang ballot.Lang) string {
	s := ballot.IncidentTermIn(lang, at, closed)
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
