package stationcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// AttendOptions are the flags of `station checkin` and `station checkout`.
type AttendOptions struct {
	signer
	Out    bool // check out
	Person string
	At     string
}

// NewCmdCheckIn builds `station checkin`.
func NewCmdCheckIn(io cmdutil.IO, runF func(*AttendOptions) error) *cobra.Command {
	return newCmdAttend(io, runF, false)
}

// NewCmdCheckOut builds `station checkout`.
func NewCmdCheckOut(io cmdutil.IO, runF func(*AttendOptions) error) *cobra.Command {
	return newCmdAttend(io, runF, true)
}

func newCmdAttend(io cmdutil.IO, runF func(*AttendOptions) error, out bool) *cobra.Command {
	opts := &AttendOptions{signer: signer{common: common{IO: io}}, Out: out}
	cmd := &cobra.Command{
		Use:   "checkin --data DIR --person ID [--at HH:MM]",
		Short: "Check a board member in (arrival)",
		Long: `Records that a member of the board arrived, with the time. The person is one
of the office's roster (their ids are shown by "station status") or someone
entered with "station member add". Attendance decides the quorum and the
board's allowance. The quorum after the check-in is shown.`,
		Example: `  wahlkoffer station checkin --data wahl --person 0101-1
  wahlkoffer station checkin --data wahl --person 0101-2 --at 07:30`,
	}
	if out {
		cmd.Use = "checkout --data DIR --person ID [--at HH:MM]"
		cmd.Short = "Check a board member out (leaving)"
		cmd.Long = `Records that a member of the board left, with the time. The quorum after the
check-out is shown: a board below its quorum cannot open the poll or count.`
		cmd.Example = `  wahlkoffer station checkout --data wahl --person 0101-5
  wahlkoffer station checkout --data wahl --person 0101-5 --at 13:15`
	}
	cmd.Args = cmdutil.ExactArgs(0)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := opts.prepare(cmd); err != nil {
			return err
		}
		if opts.Person == "" {
			return cmdutil.Usagef("--person is required (the member's id, see station status)")
		}
		if runF != nil {
			return runF(opts)
		}
		return attendRun(cmd.Context(), opts)
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	cmd.Flags().StringVar(&opts.Person, "person", "", "the member's id")
	addAtFlag(cmd.Flags(), &opts.At)
	return cmd
}

func attendRun(ctx context.Context, opts *AttendOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := at(st, opts.At, opts.Lang)
	if err != nil {
		return err
	}
	var when time.Time
	if opts.Out {
		out, err := st.CheckOut(ctx, opts.Person, t)
		if err != nil {
			return opts.fail(err)
		}
		when = out.At
	} else {
		in, err := st.CheckIn(ctx, opts.Person, t)
		if err != nil {
			return opts.fail(err)
		}
		when = in.At
	}
	state, err := st.State(ctx)
	if err != nil {
		return err
	}
	p, _ := state.Person(opts.Person)
	key := "checkedIn"
	if opts.Out {
		key = "checkedOut"
	}
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, key, personText(p.Member, opts.Lang), clock(st, when)))
	fmt.Fprintln(opts.IO.Out, st.Quorum(state, st.Now()).Message(opts.Lang))
	return nil
}

// ReplaceOptions are the flags of `station replace`.
type ReplaceOptions struct {
	signer
	NoShow     string
	Newcomer   ballot.Member
	Instructed bool
	At         string
}

// NewCmdReplace builds `station replace`.
func NewCmdReplace(io cmdutil.IO, runF func(*ReplaceOptions) error) *cobra.Command {
	opts := &ReplaceOptions{signer: signer{common: common{IO: io}}}
	var role string
	cmd := &cobra.Command{
		Use:   "replace --data DIR --no-show ID --name NAME --instructed [--role ROLE] [--at HH:MM]",
		Short: "Replace a member who did not come with an eligible voter",
		Long: `Records that the chair appointed a newcomer in place of a member who did not
come: the newcomer joins the board in the no-show's role (or --role) and is
checked in at the time. The newcomer must have been instructed on
impartiality and the secrecy of the vote first; --instructed confirms it.
The station record lists every replacement with its time.

Roles: chair, deputy-chair, secretary, deputy-secretary, assessor.`,
		Example: `  wahlkoffer station replace --data wahl --no-show 0101-6 --name "Anna Berger" --instructed
  wahlkoffer station replace --data wahl --no-show 0101-6 --name "Anna Berger" --role assessor --id ersatz-1 --instructed --at 07:50`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.NoShow == "" || opts.Newcomer.Name == "" {
				return cmdutil.Usagef("--no-show ID and --name NAME are required")
			}
			opts.Newcomer.Role = ballot.Role(role)
			if runF != nil {
				return runF(opts)
			}
			return replaceRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	opts.addPIN(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.NoShow, "no-show", "", "id of the member who did not come")
	f.StringVar(&opts.Newcomer.Name, "name", "", "the newcomer's name")
	f.StringVar(&role, "role", "", "the newcomer's role (default: the no-show's)")
	f.StringVar(&opts.Newcomer.ID, "id", "", "the newcomer's id (default: made up)")
	f.BoolVar(&opts.Instructed, "instructed", false, "the newcomer was instructed on impartiality and secrecy")
	addAtFlag(f, &opts.At)
	return cmd
}

func replaceRun(ctx context.Context, opts *ReplaceOptions) error {
	st, err := opts.openUnlocked(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	t, err := at(st, opts.At, opts.Lang)
	if err != nil {
		return err
	}
	in, err := st.Replace(ctx, opts.NoShow, opts.Newcomer, opts.Instructed, t)
	if err != nil {
		return opts.fail(err)
	}
	state, err := st.State(ctx)
	if err != nil {
		return err
	}
	noShow, _ := state.Person(opts.NoShow)
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "replaced", personText(in.Person, opts.Lang), personText(noShow.Member, opts.Lang), clock(st, in.At)))
	fmt.Fprintln(opts.IO.Out, st.Quorum(state, st.Now()).Message(opts.Lang))
	return nil
}

// NewCmdMember groups the commands on the list of people.
func NewCmdMember(io cmdutil.IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "member",
		Short:   "People on the board who are not on the office's roster",
		Example: `  wahlkoffer station member add --data wahl --name "Karl Huber" --role assessor`,
	}
	cmd.AddCommand(NewCmdMemberAdd(io, nil))
	return cmd
}

// MemberAddOptions are the flags of `station member add`.
type MemberAddOptions struct {
	common
	Member ballot.Member
}

// NewCmdMemberAdd builds `station member add`.
func NewCmdMemberAdd(io cmdutil.IO, runF func(*MemberAddOptions) error) *cobra.Command {
	opts := &MemberAddOptions{common: common{IO: io}}
	var role string
	cmd := &cobra.Command{
		Use:   "add --data DIR --name NAME --role ROLE [--id ID]",
		Short: "Enter a board member the office's roster does not list",
		Long: `Enters a person who serves on the board but is not on the office's roster
(where the office assigned nobody, or a change made on the day). The person
can then check in. Nothing is signed, so no PIN is needed; a replacement for
a no-show is "station replace" instead.

Roles: chair, deputy-chair, secretary, deputy-secretary, assessor.`,
		Example: `  wahlkoffer station member add --data wahl --name "Karl Huber" --role assessor
  wahlkoffer station member add --data wahl --name "Karl Huber" --role assessor --id 0101-7`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.Member.Name == "" || role == "" {
				return cmdutil.Usagef("--name and --role are required")
			}
			opts.Member.Role = ballot.Role(role)
			if runF != nil {
				return runF(opts)
			}
			return memberAddRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	cmd.Flags().StringVar(&opts.Member.Name, "name", "", "the person's name")
	cmd.Flags().StringVar(&role, "role", "", "the person's role on the board")
	cmd.Flags().StringVar(&opts.Member.ID, "id", "", "the person's id (default: made up)")
	return cmd
}

func memberAddRun(ctx context.Context, opts *MemberAddOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.AddMember(ctx, opts.Member)
	if err != nil {
		return opts.fail(err)
	}
	fmt.Fprintln(opts.IO.Out, w(opts.Lang, "memberAdded", personText(m, opts.Lang), opts.Data, m.ID))
	return nil
}

// personText names a person for the board: name, id and role.
func personText(m ballot.Member, lang ballot.Lang) string {
	return fmt.Sprintf("%s (%s, %s)", m.Name, m.ID, roleText(m.Role, lang))
}

// roleText is the name of a board role.
func roleText(r ballot.Role, lang ballot.Lang) string {
	if s := w(lang, "role:"+string(r)); s != "" {
		return s
	}
	return string(r)
}

// clock shows an instant as the board reads it: local time of day.
func clock(st *station.Station, t time.Time) string {
	return t.In(st.Location()).Format("15:04")
}
