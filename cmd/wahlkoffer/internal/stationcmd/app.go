package stationcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
	"github.com/wahlkoffer/wahlkoffer/station/tui"
)

// AppOptions are the flags of `wahlkoffer station` without a subcommand:
// the terminal app.
type AppOptions struct {
	signer
	URL string
}

// defaultData is the data folder the app opens without --data: the one
// `station setup` made in the home folder, if any.
func defaultData() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "wahlkoffer")
}

// appRun opens the station and runs the terminal app until the board
// quits. The PIN is asked on the app's unlock screen unless --pin-file or
// $WAHLKOFFER_PIN gives it. Sync runs in the background whenever the kit
// names a tally.
func appRun(ctx context.Context, cmd *cobra.Command, opts *AppOptions) error {
	lang, err := cmdutil.Lang(cmd)
	if err != nil {
		return err
	}
	opts.Lang = lang
	if opts.Now, err = appClock(); err != nil {
		return err
	}
	if opts.Data == "" {
		opts.Data = defaultData()
	}
	if !cmdutil.IsTerminal(opts.IO.Out) {
		return cmdutil.Usagef("%s", w(lang, "appNeedsTerminal"))
	}
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	pin := ""
	if opts.PINFile != "" || strings.TrimSpace(os.Getenv(PINEnv)) != "" {
		if pin, err = readPIN(opts.IO, opts.PINFile, lang); err != nil {
			return err
		}
	}
	sender, err := appSender(st, opts)
	if err != nil {
		return err
	}
	return tui.Run(ctx, st, sender, tui.Options{Lang: lang, Now: opts.Now, PIN: pin})
}

// appSender is the delivery client of the app, or nil for a station that
// delivers by USB only (a kit without a tally URL and no --url).
func appSender(st *station.Station, opts *AppOptions) (*outbox.Sender, error) {
	urls := st.Identity().TallyURLs
	if opts.URL != "" {
		urls = []string{opts.URL}
	}
	if len(urls) == 0 {
		return nil, nil
	}
	return outbox.NewSender(st.DB(), outbox.Options{URLs: urls, OfficeKey: st.OfficeKey(), Now: opts.Now})
}

// appClock is the wall clock or, in a rehearsal ($WAHLKOFFER_NOW), a clock
// that starts at that instant and runs on: the app is one process, so its
// acts keep their order, and the board sees the minutes pass.
func appClock() (func() time.Time, error) {
	fixed, err := cmdutil.Clock()
	if err != nil {
		return nil, err
	}
	if os.Getenv(cmdutil.NowEnv) == "" {
		return time.Now, nil
	}
	start, at := time.Now(), fixed()
	return func() time.Time { return at.Add(time.Since(start)) }, nil
}
