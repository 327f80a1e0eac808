package stationcmd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// DeliveryFlags say where and how hard a sync pass tries.
type DeliveryFlags struct {
	URLs  []string
	Tries int
}

func (d *DeliveryFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&d.URLs, "url", nil, "tally URL to send to instead of the kit's (repeatable)")
	cmd.Flags().IntVar(&d.Tries, "tries", outbox.DefaultMaxTries, "requests per record in this pass before giving up")
}

func (d *DeliveryFlags) check() error {
	for _, u := range d.URLs {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return cmdutil.Usagef("--url %q: want an http:// or https:// URL", u)
		}
	}
	if d.Tries < 1 {
		return cmdutil.Usagef("--tries %d: at least 1", d.Tries)
	}
	return nil
}

// SyncOptions are the flags of `station sync`.
type SyncOptions struct {
	common
	Delivery      DeliveryFlags
	RetryRejected bool
}

// NewCmdSync builds `station sync`.
func NewCmdSync(io cmdutil.IO, runF func(*SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{common: common{IO: io}}
	cmd := &cobra.Command{
		Use:   "sync --data DIR [--url URL]",
		Short: "Send the outbox to the tally (one pass)",
		Long: `Sends every record not yet delivered to the tally, in order, and keeps the
office's signed receipt of each. A request without an answer is retried with
the same bytes (with backoff, --tries per record), so nothing arrives twice.
A record the tally refuses for good is marked rejected with the tally's code
and message and not sent again; once its cause is gone (the office revoked a
certification, or fixed a key it replaced by mistake), --retry-rejected puts
the rejected records back in the outbox and sends them in this pass. The
kit's tally URLs are used unless --url is given.

Exit codes: 0 when nothing is left to send, 1 when records are still
pending (no network: try again later, or "station export" to a USB stick),
3 when the tally rejected a record in this pass.`,
		Example: `  wahlkoffer station sync --data wahl
  wahlkoffer station sync --data wahl --url https://wahl.example.de
  wahlkoffer station sync --data wahl --retry-rejected`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if err := opts.Delivery.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.Delivery.add(cmd)
	cmd.Flags().BoolVar(&opts.RetryRejected, "retry-rejected", false, "send the records the tally rejected again")
	return cmd
}

func syncRun(ctx context.Context, opts *SyncOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.RetryRejected {
		n, err := st.DB().Requeue(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.Out, w(opts.Lang, "requeued", n))
	}
	return syncPass(ctx, &opts.common, st, opts.Delivery)
}

// syncPass makes one pass of the outbox and reports it.
func syncPass(ctx context.Context, c *common, st *station.Station, d DeliveryFlags) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	urls := d.URLs
	if len(urls) == 0 {
		urls = st.Identity().TallyURLs
	}
	log := slog.New(slog.NewTextHandler(c.IO.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sender, err := outbox.NewSender(st.DB(), outbox.Options{URLs: urls, OfficeKey: st.OfficeKey(), Now: st.Now, Log: log,
		Backoff: outbox.Backoff{MaxTries: d.Tries}})
	if err != nil {
		return err
	}
	rep, err := sender.Pass(ctx)
	lang, out := c.Lang, c.IO.Out
	fmt.Fprintln(out, w(lang, "syncReport", rep.Acknowledged, len(rep.Rejected), rep.Remaining))
	for _, r := range rep.Rejected {
		fmt.Fprintln(out, "  "+w(lang, "rejectedRecord", r.Seq, r.Kind, r.Code, r.Message))
	}
	if s, serr := st.Status(ctx); serr == nil {
		fmt.Fprintln(out, outboxLine(s, st, lang))
	}
	switch {
	case len(rep.Rejected) > 0:
		return &cmdutil.InvalidError{Summary: w(lang, "syncRejected", len(rep.Rejected))}
	case errors.Is(err, outbox.ErrNoTally):
		return errors.New(w(lang, "noTally", rep.Remaining))
	case err != nil:
		return fmt.Errorf("%s: %w", w(lang, "syncPending", rep.Remaining), err)
	case rep.Remaining > 0:
		return errors.New(w(lang, "syncPending", rep.Remaining))
	}
	return nil
}
