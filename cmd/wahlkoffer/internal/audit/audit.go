// Package audit implements `wahlkoffer audit`: the results recomputed from
// a signed evidence file alone, with no store, as an observer runs it.
package audit

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/resultstext"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/sheets"
	"github.com/wahlkoffer/wahlkoffer/tally"
)

// Options are the flags and argument of `wahlkoffer audit`.
type Options struct {
	IO        cmdutil.IO
	Lang      ballot.Lang
	File      string
	OfficeKey string
	View      string
	Format    string
}

// NewCmdAudit builds `wahlkoffer audit`.
func NewCmdAudit(io cmdutil.IO, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "audit EVIDENCE",
		Short: "Recompute the results from a signed evidence file alone",
		Long: `Reads an evidence file ("wahlkoffer tally export-evidence"), verifies every
signature in it (the election package, the station keys, every record and the
office's receipt for it, the manifest over all of them), and recomputes the
results from the signed records alone, with no database.

--office-key pins the office's public key (a PEM file the office published);
without it the file's own key is used and printed, to be compared with the
published one. A file that does not verify exits with 3 and names the line
and the reason (evidence-signature, evidence-manifest, ...).

--view best (default) takes each district's final record where there is one
and its quick report otherwise; final and quick take only those. A contest
the office had certified when it exported the file shows as certified (the
manifest names it). On standard error the audit also prints the fingerprint
of the records the results come from, the one printed on every page of the
official result sheet, so that paper and file can be matched.`,
		Example: `  wahlkoffer audit musterstadt-2026.evidence
  wahlkoffer audit musterstadt-2026.evidence --office-key office.pub.pem --format json`,
		Args: cmdutil.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := cmdutil.Lang(cmd)
			if err != nil {
				return err
			}
			opts.Lang = lang
			opts.File = args[0]
			switch opts.Format {
			case "text", "json":
			default:
				return cmdutil.Usagef("--format %q: use text or json", opts.Format)
			}
			switch opts.View {
			case tally.ViewBest, tally.ViewFinal, tally.ViewQuick:
			default:
				return cmdutil.Usagef("--view %q: use best, final or quick", opts.View)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.OfficeKey, "office-key", "", "the office's public key (PEM) to trust; default: the file's own, printed")
	cmd.Flags().StringVar(&opts.View, "view", tally.ViewBest, "best, final or quick")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	return cmd
}

func run(opts *Options) error {
	var pinned ed25519.PublicKey
	if opts.OfficeKey != "" {
		b, err := os.ReadFile(opts.OfficeKey)
		if err != nil {
			return fmt.Errorf("read office key: %w", err)
		}
		if pinned, err = seal.ParsePublicKeyPEM(b); err != nil {
			return cmdutil.Usagef("--office-key %s: %v", opts.OfficeKey, err)
		}
	}
	f, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := tally.AuditEvidence(f, pinned)
	if err != nil {
		if code := evidence.CodeOf(err); code != "" {
			fmt.Fprintf(opts.IO.ErrOut, "%s: refused: %v\n", opts.File, err)
			return &cmdutil.InvalidError{Summary: fmt.Sprintf("%s does not verify (%s)", opts.File, code)}
		}
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	res, err := a.Results(opts.View)
	if err != nil {
		return cmdutil.Usagef("%v", err)
	}
	sum := a.Summary
	fmt.Fprintf(opts.IO.ErrOut, "%s: verified: election %s, %d records, %d station keys, exported %s, office key %s",
		opts.File, sum.ElectionID, a.Records, len(sum.Keys), sum.ExportedAt.Format("2006-01-02T15:04:05Z"), seal.KeyIDOf(sum.OfficeKey))
	if pinned == nil {
		fmt.Fprint(opts.IO.ErrOut, " (the file's own: compare it with the key the office published)")
	}
	fmt.Fprintln(opts.IO.ErrOut)
	// The fingerprint the official result sheet prints on every page: an
	// observer matches the paper to the records it was computed from.
	fmt.Fprintf(opts.IO.ErrOut, "%s: fingerprint of the %s results' records %s (as on the official result sheet)\n",
		opts.File, opts.View, sheets.ResultsFingerprint(sheets.ViewCounts(a.Replay.CurrentCounts(), opts.View)))
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	resultstext.Write(opts.IO.Out, sum.Definition, res, opts.Lang)
	return nil
}
