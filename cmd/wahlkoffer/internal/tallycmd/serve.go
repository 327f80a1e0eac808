package tallycmd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/httpapi"
)

// ServeOptions are the flags of `tally serve`.
type ServeOptions struct {
	IO      cmdutil.IO
	Flags   storeFlags
	Listen  string
	TLSCert string
	TLSKey  string
	Drain   time.Duration
	// AddrFile receives the URL served once the port is bound, for
	// scripts that listen on port 0.
	AddrFile string
	// Writers is the number of batches committing at once (-1: 1 for
	// SQLite, 4 for PostgreSQL; 0: one transaction per record).
	Writers int
}

// NewCmdServe builds `tally serve`.
func NewCmdServe(io cmdutil.IO, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "serve --store STORE --listen ADDR",
		Short: "Receive signed records from the stations over HTTP(S)",
		Long: `Serves the tally API: stations POST signed records to /v1/envelopes and get
the office's receipt once the record is durable; /healthz answers when the
store is reachable; office endpoints under /v1/ need a bearer token.

Records that arrive together are stored together (group commit): each gets
its receipt once the transaction holding it is durable, and the running
totals move once per batch. --writers sets how many batches commit at once
(default 1 for SQLite, which writes one transaction at a time, 4 for
PostgreSQL; 0 stores each record in a transaction of its own).

On SIGTERM or SIGINT it stops taking connections, lets requests in flight
finish and exits. Several serve processes may share one PostgreSQL store.`,
		Example: `  wahlkoffer tally serve --store tally.db --listen 127.0.0.1:8443
  wahlkoffer tally serve --store tally.db --listen 127.0.0.1:0 --addr-file tally.url
  wahlkoffer tally serve --store tally.db --listen :8443 --tls-cert cert.pem --tls-key key.pem`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			if (opts.TLSCert == "") != (opts.TLSKey == "") {
				return cmdutil.Usagef("--tls-cert and --tls-key go together")
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	cmd.Flags().StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate file")
	cmd.Flags().StringVar(&opts.TLSKey, "tls-key", "", "TLS key file")
	cmd.Flags().StringVar(&opts.AddrFile, "addr-file", "", "write the URL served (http://host:port) to this file once listening")
	cmd.Flags().DurationVar(&opts.Drain, "drain", 30*time.Second, "how long requests in flight may take to finish on shutdown")
	cmd.Flags().IntVar(&opts.Writers, "writers", -1, "batches committing at once (default 1 for SQLite, 4 for PostgreSQL; 0: no batching)")
	return cmd
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(opts.IO.ErrOut, nil))
	gc := tally.GroupCommit{Writers: opts.Writers}
	if gc.Writers < 0 {
		gc.Writers = 1
		if isPostgres(opts.Flags.Store) {
			gc.Writers = 4
		}
	}
	svc, st, err := opts.Flags.openServiceWith(ctx, log, true, gc)
	if err != nil {
		return err
	}
	defer st.Close()
	defer svc.Close() // after Serve: the requests in flight have their answers
	scheme := "http"
	if opts.TLSCert != "" {
		scheme = "https"
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var addrErr error
	err = httpapi.Serve(ctx, opts.Listen, httpapi.New(svc, st, log), opts.TLSCert, opts.TLSKey, opts.Drain, func(a net.Addr) {
		fmt.Fprintf(opts.IO.Out, "listening on %s://%s\n", scheme, a)
		if opts.AddrFile != "" {
			if addrErr = cmdutil.WriteFileAtomic(opts.AddrFile, fmt.Appendf(nil, "%s://%s\n", scheme, a), 0o644); addrErr != nil {
				cancel() // a script waiting for the file would wait forever
			}
		}
	})
	if addrErr != nil {
		return fmt.Errorf("write --addr-file: %w", addrErr)
	}
	return err
}
