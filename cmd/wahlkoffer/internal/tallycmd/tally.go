// Package tallycmd implements `wahlkoffer tally ...`, the commands of the
// election office.
package tallycmd

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/storeopen"
)

// NewCmdTally groups the office's commands.
func NewCmdTally(io cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tally",
		Short: "The election office: set up, enroll stations, receive records, results",
		Long: `The tally is the election office's service. It holds the election, the
enrolled station keys and every signed record, and computes results.

--store is a SQLite file (created if needed) or a postgres:// URL. The office
key signs the election package and every receipt; it lives in a file beside a
SQLite store (STORE.office-key.pem) unless --office-key names another.`,
	}
	// One line per command, in the order of the help text.
	cmd.AddCommand(NewCmdInit(io, nil))
	cmd.AddCommand(NewCmdEnroll(io, nil))
	cmd.AddCommand(NewCmdServe(io, nil))
	cmd.AddCommand(NewCmdImport(io, nil))
	cmd.AddCommand(NewCmdResults(io, nil))
	cmd.AddCommand(NewCmdReport(io, nil))
	cmd.AddCommand(NewCmdStatus(io, nil))
	cmd.AddCommand(NewCmdCertify(io, nil))
	cmd.AddCommand(NewCmdToken(io, nil))
	cmd.AddCommand(NewCmdVerify(io, nil))
	cmd.AddCommand(NewCmdExportEvidence(io, nil))
	return cmd
}

// storeFlags are the flags every tally command shares.
type storeFlags struct {
	Store     string
	OfficeKey string
}

func (f *storeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.Store, "store", "", "SQLite file or postgres:// URL (required)")
	cmd.Flags().StringVar(&f.OfficeKey, "office-key", "", "office key file (default STORE.office-key.pem for a SQLite store)")
}

func (f *storeFlags) check() error {
	if f.Store == "" {
		return cmdutil.Usagef("--store is required (a SQLite file or a postgres:// URL)")
	}
	// A PostgreSQL store has no file beside which the key could lie: the
	// commands that sign (init, serve, import, export-evidence) need
	// --office-key; the others run without it.
	if f.OfficeKey == "" && !isPostgres(f.Store) {
		f.OfficeKey = f.Store + ".office-key.pem"
	}
	return nil
}

// needOfficeKey refuses a signing command on a PostgreSQL store without
// --office-key.
func (f *storeFlags) needOfficeKey() error {
	if f.OfficeKey == "" {
		return cmdutil.Usagef("--office-key FILE is required with a PostgreSQL store for this command (it signs)")
	}
	return nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func (f *storeFlags) open(ctx context.Context) (store.Store, error) {
	st, err := storeopen.Open(ctx, f.Store)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", redact(f.Store), err)
	}
	return st, nil
}

// readOfficeKey reads the office key file.
func (f *storeFlags) readOfficeKey() (seal.Signer, error) {
	if err := f.needOfficeKey(); err != nil {
		return seal.Signer{}, err
	}
	b, err := os.ReadFile(f.OfficeKey)
	if err != nil {
		return seal.Signer{}, fmt.Errorf("read office key: %w", err)
	}
	s, err := seal.ParseSignerPEM(b)
	if err != nil {
		return seal.Signer{}, fmt.Errorf("office key %s: %w", f.OfficeKey, err)
	}
	return s, nil
}

// redact hides a password in a postgres URL for messages.
func redact(dsn string) string {
	if !isPostgres(dsn) {
		return dsn
	}
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://") + 3
	if at < 0 || scheme < 3 {
		return dsn
	}
	if colon := strings.Index(dsn[scheme:at], ":"); colon >= 0 {
		return dsn[:scheme+colon] + ":***" + dsn[at:]
	}
	return dsn
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// openService opens the store and the tally service on it; the caller
// closes the store. signing says whether the command signs (receipts,
// evidence) and so needs the office key file; the others run without it.
// log nil discards the service's log.
func (f *storeFlags) openService(ctx context.Context, log *slog.Logger, signing bool) (*tally.Service, store.Store, error) {
	return f.openServiceWith(ctx, log, signing, tally.GroupCommit{})
}

// openServiceWith is openService with group commit (tally serve).
func (f *storeFlags) openServiceWith(ctx context.Context, log *slog.Logger, signing bool, gc tally.GroupCommit) (*tally.Service, store.Store, error) {
	clock, err := cmdutil.Clock()
	if err != nil {
		return nil, nil, err
	}
	var office seal.Signer
	if signing {
		if office, err = f.readOfficeKey(); err != nil {
			return nil, nil, err
		}
	}
	st, err := f.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	if log == nil {
		log = discardLogger()
	}
	svc, err := tally.New(ctx, st, office, tally.Options{Logger: log, Clock: clock, GroupCommit: gc})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return svc, st, nil
}
