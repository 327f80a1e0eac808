package tallycmd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// InitOptions are the flags of `tally init`.
type InitOptions struct {
	IO       cmdutil.IO
	Lang     ballot.Lang
	Flags    storeFlags
	Election string
}

// NewCmdInit builds `tally init`.
func NewCmdInit(io cmdutil.IO, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "init --store STORE --election FILE",
		Short: "Set up the office: store the election, create the office key, sign the package",
		Long: `Validates the election definition, creates the office's Ed25519 key (a file
with mode 0600 that is never overwritten and never logged), signs the
election package with it and stores both. A store holds one election.`,
		Example: `  wahlkoffer tally init --store tally.db --election testdata/musterstadt.json
  wahlkoffer tally init --store postgres://wahlamt@db/wahl --office-key /etc/wahlkoffer/office.pem --election wahl.json`,
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
			if opts.Election == "" {
				return cmdutil.Usagef("--election is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Election, "election", "", "the election definition (JSON)")
	return cmd
}

func initRun(ctx context.Context, opts *InitOptions) error {
	clock, err := cmdutil.Clock()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(opts.Election)
	if err != nil {
		return fmt.Errorf("read election definition: %w", err)
	}
	if _, err := ballot.ParseDefinition(data); err != nil {
		var defErr *ballot.DefinitionError
		if errors.As(err, &defErr) {
			for _, p := range defErr.Problems {
				fmt.Fprintf(opts.IO.ErrOut, "%s: %s: %s [%s]\n", opts.Election, p.Path, p.Message(opts.Lang), p.Code)
			}
			return &cmdutil.InvalidError{Summary: fmt.Sprintf("%s is not a valid election definition; nothing was set up", opts.Election)}
		}
		return err
	}
	st, err := opts.Flags.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if e, err := st.Election(ctx); err == nil {
		return cmdutil.Usagef("the store already holds the election %s; a store holds one election", e.ID)
	} else if !errors.Is(err, store.ErrNotInitialised) {
		return err
	}
	office, err := seal.GenerateSigner(rand.Reader)
	if err != nil {
		return err
	}
	pem, err := office.MarshalPEM()
	if err != nil {
		return err
	}
	// The key file before the election: if the store then refuses, the key
	// goes again and nothing is half set up.
	if err := opts.Flags.needOfficeKey(); err != nil {
		return err
	}
	if err := writeNew(opts.Flags.OfficeKey, pem, 0o600); err != nil {
		return err
	}
	e, err := tally.Init(ctx, st, data, office, clock())
	if err != nil {
		os.Remove(opts.Flags.OfficeKey)
		return fmt.Errorf("set up the election: %w", err)
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "election    %s\n", e.ID)
	fmt.Fprintf(out, "package     sha256 %s\n", e.PackageHash)
	fmt.Fprintf(out, "office key  %s (%s, keep it safe)\n", office.KeyID(), opts.Flags.OfficeKey)
	fmt.Fprintf(out, "store       %s\n", redact(opts.Flags.Store))
	return nil
}
