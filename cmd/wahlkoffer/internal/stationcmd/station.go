// Package stationcmd implements `wahlkoffer station ...`, the command line
// of the polling station: every act of the board on election day without
// the terminal app, for scripts, tests and as a fallback.
package stationcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// NewCmdStation groups the station's commands; without a subcommand it
// opens the terminal app.
func NewCmdStation(io cmdutil.IO) *cobra.Command {
	app := &AppOptions{signer: signer{common: common{IO: io}}}
	cmd := &cobra.Command{
		Use:   "station [--data DIR]",
		Short: "The polling station: set up from a kit, run the election day, send the results",
		Long: `The polling station's laptop. Without a subcommand, the terminal app the
board uses all day opens on the data folder (--data, default ~/wahlkoffer):
it asks for the kit's PIN and syncs in the background whenever the kit names
a tally; F1 or ? shows its keys.

"station setup" creates the station's store in a
data folder (--data) from the kit the election office handed out; every other
command works on that folder, offline. Every act of the board (check-in,
opening, turnout, incidents, the count) becomes a record signed with the
station key, kept in the store and sent to the tally by "station sync" or on
a USB stick by "station export".

The station key is sealed with the kit's PIN. Commands that sign ask for it:
--pin-file FILE, else $WAHLKOFFER_PIN, else a prompt on the terminal (no
echo). status, count, member add, sync, export and print need no PIN.

Times: --at takes a local time of day on the election day (HH:MM, in the
election's time zone) or an RFC 3339 instant; without --at the act is dated
now. Times are shown in the election's time zone.

$WAHLKOFFER_NOW (an RFC 3339 instant) sets the clock for rehearsals and
tests: the commands then act as if it were that time.`,
		Example: `  wahlkoffer station --data wahl
  wahlkoffer station setup --data wahl --kit 0101.wkkit
  wahlkoffer station checkin --data wahl --person 0101-1
  wahlkoffer station open --data wahl --at 08:00
  wahlkoffer station status --data wahl
  WAHLKOFFER_NOW=2026-03-08T07:30:00+01:00 wahlkoffer station status --data probe`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.Usagef("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return appRun(cmd.Context(), cmd, app) },
	}
	app.addData(cmd)
	app.addPIN(cmd)
	cmd.Flags().StringVar(&app.URL, "url", "", "the tally's address, instead of the kit's")
	cmd.AddCommand(NewCmdSetup(io, nil))
	cmd.AddCommand(NewCmdCheckIn(io, nil))
	cmd.AddCommand(NewCmdCheckOut(io, nil))
	cmd.AddCommand(NewCmdReplace(io, nil))
	cmd.AddCommand(NewCmdMember(io))
	cmd.AddCommand(NewCmdOpen(io, nil))
	cmd.AddCommand(NewCmdClose(io, nil))
	cmd.AddCommand(NewCmdTurnout(io, nil))
	cmd.AddCommand(NewCmdIncident(io, nil))
	cmd.AddCommand(NewCmdCount(io, nil))
	cmd.AddCommand(NewCmdSubmit(io, nil))
	cmd.AddCommand(NewCmdSync(io, nil))
	cmd.AddCommand(NewCmdExport(io, nil))
	cmd.AddCommand(NewCmdPrint(io, nil))
	cmd.AddCommand(NewCmdStatus(io, nil))
	return cmd
}

// common is what every station command shares: the streams, the language,
// the clock and the data folder.
type common struct {
	IO   cmdutil.IO
	Lang ballot.Lang
	Now  func() time.Time
	Data string
}

func (c *common) addData(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.Data, "data", "", "the station's data folder (default ~/wahlkoffer)")
}

// prepare resolves the language and the clock and checks --data.
func (c *common) prepare(cmd *cobra.Command) error {
	lang, err := cmdutil.Lang(cmd)
	if err != nil {
		return err
	}
	c.Lang = lang
	if c.Now, err = cmdutil.Clock(); err != nil {
		return err
	}
	if c.Data == "" {
		c.Data = defaultData()
	}
	if c.Data == "" {
		return cmdutil.Usagef("--data is required (the station's data folder): there is no home folder to default to")
	}
	return nil
}

// open opens the station in the data folder, locked.
func (c *common) open(ctx context.Context) (*station.Station, error) {
	if _, err := os.Stat(filepath.Join(c.Data, station.StoreFile)); errors.Is(err, os.ErrNotExist) {
		return nil, cmdutil.Usagef("%s", w(c.Lang, "noStore", c.Data, c.Data))
	}
	return station.Open(ctx, c.Data, station.Options{Now: c.Now})
}

// signer is a common with a PIN, for the commands that sign.
type signer struct {
	common
	PINFile string
}

func (s *signer) addPIN(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.PINFile, "pin-file", "", "read the kit's PIN from this file (else $"+PINEnv+", else a prompt)")
}

// openUnlocked opens the station and unlocks it with the PIN.
func (s *signer) openUnlocked(ctx context.Context) (*station.Station, error) {
	st, err := s.open(ctx)
	if err != nil {
		return nil, err
	}
	pin, err := readPIN(s.IO, s.PINFile, s.Lang)
	if err == nil {
		err = st.Unlock(pin)
	}
	if err != nil {
		st.Close()
		return nil, s.fail(err)
	}
	return st, nil
}

// fail turns a refusal of the station or of the kit into an InvalidError
// (exit 3) with the board's message in the chosen language and the stable
// code; other errors pass unchanged.
func (c *common) fail(err error) error {
	var refusal *station.Error
	if errors.As(err, &refusal) {
		msg := refusal.Message(c.Lang)
		first, rest, _ := strings.Cut(msg, "\n")
		if rest != "" {
			rest = "\n" + rest
		}
		return &cmdutil.InvalidError{Summary: fmt.Sprintf("%s [%s]%s", first, refusal.Code, rest)}
	}
	if code := kit.CodeOf(err); code != "" {
		return &cmdutil.InvalidError{Summary: fmt.Sprintf("%s [%s]", kitMessage(code, c.Lang), code)}
	}
	return err
}

// kitMessage says why a kit was refused, for the board.
func kitMessage(code kit.Code, lang ballot.Lang) string {
	switch code {
	case kit.CodePINWrong:
		return w(lang, "kitPINWrong")
	case kit.CodeForeign:
		return w(lang, "kitForeign")
	case kit.CodeFormatUnknown:
		return w(lang, "kitFormat")
	}
	return w(lang, "kitDamaged")
}

// addAtFlag adds --at, the time an act happened, read by at.
func addAtFlag(f *pflag.FlagSet, at *string) {
	f.StringVar(at, "at", "", "the time: HH:MM on the election day or RFC 3339 (default now)")
}

// at reads --at: empty is now (the zero time for the use cases).
func at(st *station.Station, text string, lang ballot.Lang) (time.Time, error) {
	if text == "" {
		return time.Time{}, nil
	}
	t, err := st.At(text)
	if err != nil {
		return time.Time{}, cmdutil.Usagef("--at: %s", message(err, lang))
	}
	return t, nil
}

// message is the text of err for the board: a refusal in lang, anything
// else as it is.
func message(err error, lang ballot.Lang) string {
	var refusal *station.Error
	if errors.As(err, &refusal) {
		return refusal.Message(lang)
	}
	return err.Error()
}
