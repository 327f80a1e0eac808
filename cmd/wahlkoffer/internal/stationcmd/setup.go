package stationcmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// SetupOptions are the flags of `station setup`.
type SetupOptions struct {
	signer
	Kit string
}

// NewCmdSetup builds `station setup`.
func NewCmdSetup(io cmdutil.IO, runF func(*SetupOptions) error) *cobra.Command {
	opts := &SetupOptions{signer: signer{common: common{IO: io}}}
	cmd := &cobra.Command{
		Use:   "setup --data DIR --kit KIT",
		Short: "Set the station up from the kit the election office handed out",
		Long: `Opens the kit with its PIN, checks the office's signature on the election
package and creates the station's store in the data folder. A wrong PIN, a
damaged kit, a kit of another election or a folder that already holds a
store is refused, and nothing is written. The station key stays sealed with
the PIN: every command that signs asks for the PIN again.`,
		Example: `  wahlkoffer station setup --data wahl --kit 0101.wkkit
  wahlkoffer station setup --data wahl --kit /media/usb/0101.wkkit --pin-file pin.txt
  WAHLKOFFER_PIN=1852-9634-1852-9674 wahlkoffer station setup --data wahl --kit 0101.wkkit`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.Kit == "" {
				return cmdutil.Usagef("--kit is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return setupRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	cmd.Flags().StringVar(&opts.Kit, "kit", "", "the station kit (.wkkit) from the election office")
	return cmd
}

func setupRun(ctx context.Context, opts *SetupOptions) error {
	store := filepath.Join(opts.Data, station.StoreFile)
	if _, err := os.Lstat(store); err == nil {
		return cmdutil.Usagef("%s", w(opts.Lang, "storeExists", opts.Data))
	}
	sealed, err := os.ReadFile(opts.Kit)
	if err != nil {
		return fmt.Errorf("read kit: %w", err)
	}
	pin, err := readPIN(opts.IO, opts.PINFile, opts.Lang)
	if err != nil {
		return err
	}
	st, err := station.Setup(ctx, opts.Data, sealed, pin, station.Options{Now: opts.Now})
	if err != nil {
		return opts.fail(err)
	}
	defer st.Close()
	id, def, d := st.Identity(), st.Definition(), st.District()
	urls := w(opts.Lang, "usbOnly")
	if len(id.TallyURLs) > 0 {
		urls = strings.Join(id.TallyURLs, ", ")
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s (%s), %s\n", w(opts.Lang, "election"), def.Election.Title, def.Election.ID, dateText(def.Election.Date, opts.Lang))
	fmt.Fprintf(tw, "%s\t%s (%s)\n", w(opts.Lang, "district"), d.Name, d.ID)
	fmt.Fprintf(tw, "%s\t%s\n", w(opts.Lang, "station"), id.Station)
	fmt.Fprintf(tw, "%s\t%s\n", w(opts.Lang, "tally"), urls)
	fmt.Fprintf(tw, "%s\t%s\n", w(opts.Lang, "store"), st.DB().Path())
	return tw.Flush()
}

// dateText shows the election day (YYYY-MM-DD) as the board writes it.
func dateText(date string, lang ballot.Lang) string {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil || lang == ballot.English {
		return date
	}
	return d.Format("02.01.2006")
}
