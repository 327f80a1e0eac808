package stationcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// StatusOptions are the flags of `station status`.
type StatusOptions struct {
	common
	JSON bool
}

// NewCmdStatus builds `station status`.
func NewCmdStatus(io cmdutil.IO, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{common: common{IO: io}}
	cmd := &cobra.Command{
		Use:   "status --data DIR [--json]",
		Short: "Show the station at a glance: phase, board, quorum, turnout, counts, outbox",
		Long: `Shows where the station's day stands: the phase, the quorum now and what it
lacks, the board with who is present, the polls, the next turnout report
due, per contest the entries, the quick report and the final record, and the
outbox (pending, sent, acknowledged, rejected, with the tally's codes) with
the time of the last receipt. Times are in the election's time zone. No PIN
is needed.`,
		Example: `  wahlkoffer station status --data wahl
  wahlkoffer station status --data wahl --json --lang en`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.Status(ctx)
	if err != nil {
		return err
	}
	v := statusView(st, s)
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	writeStatus(opts.IO.Out, st, s, v, opts.Lang)
	return nil
}

// StatusJSON is what `station status --json` prints.
type StatusJSON struct {
	Now         time.Time            `json:"now"`
	ElectionID  string               `json:"election_id"`
	District    string               `json:"district"`
	Station     string               `json:"station"`
	Phase       station.Phase        `json:"phase"`
	Quorum      ballot.QuorumStatus  `json:"quorum"`
	Board       []MemberJSON         `json:"board"`
	Opened      *time.Time           `json:"opened,omitempty"`
	Closed      *time.Time           `json:"closed,omitempty"`
	Turnouts    []ballot.Turnout     `json:"turnouts"`
	NextTurnout *station.TurnoutDue  `json:"next_turnout,omitempty"`
	Incidents   int                  `json:"incidents"`
	Contests    []ContestJSON        `json:"contests"`
	Outbox      map[outbox.State]int `json:"outbox"`
	Rejected    []RejectedJSON       `json:"rejected"`
	LastReceipt *time.Time           `json:"last_receipt,omitempty"`
}

// MemberJSON is a person of the board and whether they are present.
type MemberJSON struct {
	ballot.Member
	FromOffice bool       `json:"from_office"`
	Present    bool       `json:"present"`
	Since      *time.Time `json:"since,omitempty"`
	Replaces   string     `json:"replaces,omitempty"`
}

// ContestJSON is where the count of a contest stands.
type ContestJSON struct {
	Contest   string             `json:"contest"`
	Title     string             `json:"title"`
	EnteredBy []string           `json:"entered_by"`
	Agree     *bool              `json:"agree,omitempty"` // when both entries are made
	Diffs     []ballot.FieldDiff `json:"diffs,omitempty"`
	Quick     *SentJSON          `json:"quick,omitempty"`
	Final     *SentJSON          `json:"final,omitempty"`
}

// SentJSON is a signed count and its delivery.
type SentJSON struct {
	Version int          `json:"version"`
	Seq     uint64       `json:"seq"`
	State   outbox.State `json:"state"`
}

// RejectedJSON is a record the tally refused.
type RejectedJSON struct {
	Seq     uint64 `json:"seq"`
	Kind    string `json:"kind"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func statusView(st *station.Station, s station.Status) StatusJSON {
	id := st.Identity()
	v := StatusJSON{Now: s.Now.UTC(), ElectionID: id.ElectionID, District: id.District, Station: id.Station, Phase: s.Phase,
		Quorum: s.Quorum, Opened: s.State.Opened, Closed: s.State.Closed, Turnouts: s.State.Turnouts,
		NextTurnout: s.NextTurnout, Incidents: len(s.State.Incidents), Outbox: map[outbox.State]int{}, Rejected: []RejectedJSON{}}
	since := presentSince(s.State.Attendance, s.Now)
	for _, p := range s.State.People {
		m := MemberJSON{Member: p.Member, FromOffice: p.FromOffice}
		if slices.ContainsFunc(s.Present, func(a ballot.Attendance) bool { return a.PersonID == p.ID }) {
			m.Present = true
			if t, ok := since[p.ID]; ok {
				m.Since = &t
			}
		}
		for _, r := range s.State.Replacements {
			if r.Newcomer.ID == p.ID {
				m.Replaces = r.Replaces
			}
		}
		v.Board = append(v.Board, m)
	}
	if v.Turnouts == nil {
		v.Turnouts = []ballot.Turnout{}
	}
	for _, c := range s.Contests {
		cj := ContestJSON{Contest: c.Contest.ID, Title: c.Contest.Title, EnteredBy: []string{}, Diffs: c.Diffs,
			Quick: sentJSON(c.Quick), Final: sentJSON(c.Final)}
		for _, e := range c.Entries {
			cj.EnteredBy = append(cj.EnteredBy, e.EnteredBy)
		}
		if len(c.Entries) == 2 {
			agree := len(c.Diffs) == 0
			cj.Agree = &agree
		}
		v.Contests = append(v.Contests, cj)
	}
	for _, state := range outbox.States {
		v.Outbox[state] = s.Outbox[state]
	}
	for _, r := range s.Rejected {
		v.Rejected = append(v.Rejected, RejectedJSON(r))
	}
	if !s.LastReceipt.IsZero() {
		v.LastReceipt = &s.LastReceipt
	}
	return v
}

func sentJSON(sc *station.SentCount) *SentJSON {
	if sc == nil {
		return nil
	}
	return &SentJSON{Version: sc.Count.Version, Seq: sc.Seq, State: sc.State}
}

// presentSince returns, for everyone present at now, since when.
func presentSince(events []ballot.AttendanceEvent, now time.Time) map[string]time.Time {
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b ballot.AttendanceEvent) int { return a.At.Compare(b.At) })
	out := map[string]time.Time{}
	for _, e := range sorted {
		switch {
		case e.At.After(now):
		case e.In:
			if _, ok := out[e.PersonID]; !ok {
				out[e.PersonID] = e.At
			}
		default:
			delete(out, e.PersonID)
		}
	}
	return out
}

func writeStatus(out io.Writer, st *station.Station, s station.Status, v StatusJSON, lang ballot.Lang) {
	def, d := st.Definition(), st.District()
	local := func(t time.Time) string { return clock(st, t) }
	fmt.Fprintf(out, "%s (%s)\n%s (%s), %s %s\n", def.Election.Title, def.Election.ID, d.Name, d.ID,
		w(lang, "station"), v.Station)
	fmt.Fprintf(out, "%s %s, %s: %s\n", w(lang, "asOf"), s.Now.In(st.Location()).Format("02.01.2006 15:04"),
		w(lang, "phase"), w(lang, "phase:"+string(s.Phase)))

	fmt.Fprintf(out, "\n%s\n  %s\n", w(lang, "board"), s.Quorum.Message(lang))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, m := range v.Board {
		state := w(lang, "absent")
		if m.Present {
			state = w(lang, "present")
			if m.Since != nil {
				state = w(lang, "presentSince", local(*m.Since))
			}
		}
		if m.Replaces != "" {
			state += " " + w(lang, "replacing", m.Replaces)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.ID, m.Name, roleText(m.Role, lang), state)
	}
	tw.Flush()

	polls := w(lang, "notOpened")
	if v.Opened != nil {
		polls = w(lang, "openedAt", local(*v.Opened))
	}
	if v.Closed != nil {
		polls += ", " + w(lang, "closedAt", local(*v.Closed))
	}
	fmt.Fprintf(out, "\n%s: %s\n", w(lang, "polls"), polls)
	var reports []string
	for _, t := range v.Turnouts {
		slot := t.Slot
		if slot == "" {
			slot = local(t.At)
		}
		reports = append(reports, w(lang, "turnoutAt", slot, ballot.FormatCount(t.Voters, lang)))
	}
	if len(reports) == 0 {
		reports = append(reports, "–")
	}
	fmt.Fprintf(out, "%s: %s\n", w(lang, "turnout"), strings.Join(reports, ", "))
	if n := v.NextTurnout; n != nil {
		due := ""
		if n.Overdue {
			due = " " + w(lang, "overdue")
		}
		fmt.Fprintf(out, "%s: %s%s\n", w(lang, "nextReport"), n.Slot, due)
	}
	fmt.Fprintf(out, "%s: %d\n", w(lang, "incidents"), v.Incidents)

	fmt.Fprintf(out, "\n%s\n", w(lang, "counts"))
	for _, c := range v.Contests {
		entries := "–"
		if len(c.EnteredBy) > 0 {
			entries = strings.Join(c.EnteredBy, ", ")
		}
		switch {
		case c.Agree == nil:
		case *c.Agree:
			entries += " – " + w(lang, "agree")
		default:
			entries += " – " + w(lang, "differIn", len(c.Diffs))
		}
		fmt.Fprintf(out, "  %s  %s\n", c.Contest, c.Title)
		fmt.Fprintf(out, "    %s: %s\n", w(lang, "entries"), entries)
		fmt.Fprintf(out, "    %s: %s\n", w(lang, "stage:quick"), sentText(c.Quick, lang))
		fmt.Fprintf(out, "    %s: %s\n", w(lang, "stage:final"), sentText(c.Final, lang))
	}
	fmt.Fprintf(out, "\n%s\n", outboxLine(s, st, lang))
	for _, r := range v.Rejected {
		fmt.Fprintln(out, "  "+w(lang, "rejectedRecord", r.Seq, r.Kind, r.Code, r.Message))
	}
}

func sentText(sc *SentJSON, lang ballot.Lang) string {
	if sc == nil {
		return "–"
	}
	return w(lang, "sentVersion", sc.Version, sc.Seq, w(lang, "state:"+string(sc.State)))
}

// outboxLine sums up the outbox: records per state and the last receipt.
func outboxLine(s station.Status, st *station.Station, lang ballot.Lang) string {
	var parts []string
	for _, state := range outbox.States {
		parts = append(parts, fmt.Sprintf("%s %d", w(lang, "state:"+string(state)), s.Outbox[state]))
	}
	line := w(lang, "outbox") + ": " + strings.Join(parts, ", ")
	if !s.LastReceipt.IsZero() {
		line += "; " + w(lang, "lastReceipt", s.LastReceipt.In(st.Location()).Format("02.01.2006 15:04"))
	}
	return line
}
