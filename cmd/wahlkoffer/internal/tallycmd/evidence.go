package tallycmd

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// ExportEvidenceOptions are the flags of `tally export-evidence`.
type ExportEvidenceOptions struct {
	IO    cmdutil.IO
	Flags storeFlags
	Out   string
	Force bool
}

// NewCmdExportEvidence builds `tally export-evidence`.
func NewCmdExportEvidence(io cmdutil.IO, runF func(*ExportEvidenceOptions) error) *cobra.Command {
	opts := &ExportEvidenceOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "export-evidence --store STORE --out FILE",
		Short: "Write the signed evidence file that observers audit",
		Long: `Writes the evidence file: the signed election package, every station key
ever enrolled, every accepted envelope with the office's receipt, in the order
of acceptance, and a manifest signed by the office key that binds them all.
"wahlkoffer audit FILE" recomputes the results from it with no store.

The file is read back and verified before it takes its name; a failed export
leaves nothing behind. An existing FILE is only replaced with --force.`,
		Example: `  wahlkoffer tally export-evidence --store tally.db --out musterstadt-2026.evidence
  wahlkoffer audit musterstadt-2026.evidence`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			if err := cmdutil.CheckOutFile(opts.Out, opts.Force); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return exportEvidenceRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Out, "out", "", "the evidence file to write (required)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing file")
	return cmd
}

func exportEvidenceRun(ctx context.Context, opts *ExportEvidenceOptions) (err error) {
	svc, st, err := opts.Flags.openService(ctx, nil, true)
	if err != nil {
		return err
	}
	defer st.Close()

	var n int
	var sum evidence.Summary
	err = cmdutil.WriteAtomic(opts.Out, 0o644, func(f *os.File) error {
		var err error
		if n, err = svc.ExportEvidence(ctx, f); err != nil {
			return fmt.Errorf("export evidence: %w", err)
		}
		// The writer does not check signatures: read the file back as an
		// observer would before it takes its name.
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		if sum, err = evidence.Read(f, svc.Election().OfficePublicKey, nil); err != nil {
			return fmt.Errorf("the exported file does not verify, nothing written: %w", err)
		}
		if sum.Count != uint64(n) {
			return fmt.Errorf("the exported file holds %d records, %d were written; nothing written", sum.Count, n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s: %d records, office key %s, chain %s\n", opts.Out, n, seal.KeyIDOf(svc.Election().OfficePublicKey), sum.Chain)
	return nil
}
