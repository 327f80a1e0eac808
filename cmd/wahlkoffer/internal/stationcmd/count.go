package stationcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/station"
)

// CountOptions are the flags of `station count`.
type CountOptions struct {
	common
	Contest   string
	EnteredBy string
	Discard   bool
	// Figures is the entry, from the flags or the file.
	Figures *ballot.Count
}

// figureFlags are the number flags of an entry.
type figureFlags struct {
	file                                       string
	a1, a2, a3, b, b1, marks, invalid, valid   int64
	unchanged, changed                         int64
	received, queried, admitted, rejectedTotal int64
	votes, candidates, rejected                []string
}

// NewCmdCount builds `station count`.
func NewCmdCount(io cmdutil.IO, runF func(*CountOptions) error) *cobra.Command {
	opts := &CountOptions{common: common{IO: io}}
	var ff figureFlags
	cmd := &cobra.Command{
		Use:   "count --data DIR --contest ID --entered-by ID FIGURES...",
		Short: "Enter the count of a contest (each count is entered twice, by two members)",
		Long: `Stores one entry of a contest's count after the close of the poll. Every
count is entered twice, by two different members of the board (four-eyes
principle); the second entry is compared with the first and every differing
field is named. A member who entered before replaces their own entry, so a
typing error is fixed by the one who made it. The checks of the figures are
shown at once: errors block sending, warnings need a reason at submit.

Figures, as on the forms: --b voters (B), --b1 with a polling card (B1),
--invalid (C), --valid (D), --vote OPTION=N per candidate or list (D1 … Dn),
optionally --marks (vote marks in the register) and --a1/--a2/--a3 (default:
the district's register). Cumulative contests add --candidate ID=N per
candidate and --unchanged/--changed ballots. Postal districts: --received,
--queried, --admitted, --rejected REASON=N per legal reason (and
--rejected-total, default their sum). Or all of them as JSON in --file, with
the field names of the count record ("b", "b1", "invalid", "valid",
"votes", ...).

--discard removes both entries of the contest, to start over. Entries are
not signed: no PIN is needed until submit.`,
		Example: `  wahlkoffer station count --data wahl --contest ob --entered-by 0101-1 \
      --b 1000 --b1 200 --invalid 10 --valid 990 --vote ob-1=400 --vote ob-2=300 --vote ob-3=200 --vote ob-4=90
  wahlkoffer station count --data wahl --contest ob --entered-by 0101-3 --file ob.json
  wahlkoffer station count --data wahl --contest ob --discard`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.prepare(cmd); err != nil {
				return err
			}
			if opts.Contest == "" {
				return cmdutil.Usagef("--contest is required")
			}
			given := figuresGiven(cmd.Flags().Changed)
			switch {
			case opts.Discard && (given || opts.EnteredBy != "" || ff.file != ""):
				return cmdutil.Usagef("--discard takes only --contest")
			case opts.Discard:
			case opts.EnteredBy == "":
				return cmdutil.Usagef("--entered-by is required (the id of the member entering)")
			case ff.file != "" && given:
				return cmdutil.Usagef("give the figures either as flags or in --file, not both")
			case ff.file != "":
				c, err := readFigures(ff.file)
				if err != nil {
					return err
				}
				opts.Figures = c
			case !given:
				return cmdutil.Usagef("no figures: give them as flags (--b, --invalid, --valid, --vote ...) or in --file")
			default:
				c, err := ff.count(cmd.Flags().Changed)
				if err != nil {
					return err
				}
				opts.Figures = c
			}
			if runF != nil {
				return runF(opts)
			}
			return countRun(cmd.Context(), opts)
		},
	}
	opts.addData(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.Contest, "contest", "", "the contest's id")
	f.StringVar(&opts.EnteredBy, "entered-by", "", "id of the board member entering")
	f.BoolVar(&opts.Discard, "discard", false, "discard both entries of the contest")
	f.StringVar(&ff.file, "file", "", "read the figures from a JSON file")
	for _, n := range []struct {
		p    *int64
		name string
		use  string
	}{
		{&ff.a1, "a1", "registered voters without polling card mark (A1; default: the register)"},
		{&ff.a2, "a2", "registered voters with the mark (A2; default: the register)"},
		{&ff.a3, "a3", "voters added after the register closed (A3)"},
		{&ff.b, "b", "voters in total, ballots in the urn (B)"},
		{&ff.b1, "b1", "of them with a polling card (B1)"},
		{&ff.marks, "marks", "vote marks in the register"},
		{&ff.invalid, "invalid", "invalid (C)"},
		{&ff.valid, "valid", "valid (D)"},
		{&ff.unchanged, "unchanged", "cumulative: valid ballots with a single list cross"},
		{&ff.changed, "changed", "cumulative: the other valid ballots"},
		{&ff.received, "received", "postal: ballot letters received"},
		{&ff.queried, "queried", "postal: letters queried"},
		{&ff.admitted, "admitted", "postal: queried letters admitted"},
		{&ff.rejectedTotal, "rejected-total", "postal: queried letters rejected (default: the sum of --rejected)"},
	} {
		f.Int64Var(n.p, n.name, 0, n.use)
	}
	f.StringArrayVar(&ff.votes, "vote", nil, "valid votes of an option, OPTION=N (repeatable)")
	f.StringArrayVar(&ff.candidates, "candidate", nil, "cumulative: personal votes, CANDIDATE=N (repeatable)")
	f.StringArrayVar(&ff.rejected, "rejected", nil, "postal: rejected letters by legal reason, REASON=N (repeatable)")
	return cmd
}

// figureNames are the flags that carry figures.
var figureNames = []string{"a1", "a2", "a3", "b", "b1", "marks", "invalid", "valid", "unchanged", "changed",
	"received", "queried", "admitted", "rejected-total", "vote", "candidate", "rejected"}

func figuresGiven(changed func(string) bool) bool {
	for _, n := range figureNames {
		if changed(n) {
			return true
		}
	}
	return false
}

// count builds the entry from the flags given.
func (ff *figureFlags) count(changed func(string) bool) (*ballot.Count, error) {
	c := &ballot.Count{A1: ff.a1, A2: ff.a2, A3: ff.a3, B: ff.b, B1: ff.b1, Invalid: ff.invalid, Valid: ff.valid}
	opt := func(name string, v int64) *int64 {
		if !changed(name) {
			return nil
		}
		return &v
	}
	c.Marks, c.Unchanged, c.Changed = opt("marks", ff.marks), opt("unchanged", ff.unchanged), opt("changed", ff.changed)
	var err error
	if c.Votes, err = pairs("vote", ff.votes); err != nil {
		return nil, err
	}
	if c.CandidateVotes, err = pairs("candidate", ff.candidates); err != nil {
		return nil, err
	}
	if c.Votes == nil {
		c.Votes = map[string]int64{}
	}
	postal := false
	for _, n := range []string{"received", "queried", "admitted", "rejected-total", "rejected"} {
		postal = postal || changed(n)
	}
	if postal {
		by, err := pairs("rejected", ff.rejected)
		if err != nil {
			return nil, err
		}
		p := &ballot.PostalLetters{Received: ff.received, Queried: ff.queried, Admitted: ff.admitted, Rejected: ff.rejectedTotal,
			RejectedBy: map[ballot.RejectReason]int64{}}
		for r, n := range by {
			p.RejectedBy[ballot.RejectReason(r)] = n
			if !changed("rejected-total") {
				p.Rejected += n
			}
		}
		c.Postal = p
	}
	return c, nil
}

// pairs reads repeated KEY=N values.
func pairs(flag string, values []string) (map[string]int64, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := map[string]int64{}
	for _, v := range values {
		k, n, ok := strings.Cut(v, "=")
		k = strings.TrimSpace(k)
		num, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if !ok || k == "" || err != nil {
			return nil, cmdutil.Usagef("--%s %q: want ID=NUMBER", flag, v)
		}
		if _, dup := out[k]; dup {
			return nil, cmdutil.Usagef("--%s %s is given twice", flag, k)
		}
		out[k] = num
	}
	return out, nil
}

// readFigures reads an entry from a JSON file, refusing unknown fields so
// that a misspelt one is not silently left out.
func readFigures(path string) (*ballot.Count, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read figures: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c ballot.Count
	if err := dec.Decode(&c); err != nil {
		return nil, cmdutil.Usagef("--file %s: %v", path, err)
	}
	if dec.Decode(&struct{}{}) != io.EOF {
		return nil, cmdutil.Usagef("--file %s: more than one JSON value", path)
	}
	return &c, nil
}

func countRun(ctx context.Context, opts *CountOptions) error {
	st, err := opts.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	out, lang := opts.IO.Out, opts.Lang
	if opts.Discard {
		if err := st.DiscardEntries(ctx, opts.Contest); err != nil {
			return opts.fail(err)
		}
		fmt.Fprintln(out, w(lang, "discarded", opts.Contest))
		return nil
	}
	res, err := st.EnterCount(ctx, opts.Contest, opts.EnteredBy, *opts.Figures)
	if err != nil {
		return opts.fail(err)
	}
	fmt.Fprintln(out, w(lang, "entryStored", opts.Contest, res.Slot, opts.EnteredBy))
	writeFindings(out, res.Findings, lang)
	switch {
	case res.Agreed:
		fmt.Fprintln(out, w(lang, "entriesAgree"))
	case len(res.Diffs) > 0:
		fmt.Fprintln(out, w(lang, "entriesDiffer", len(res.Diffs)))
		contest, _, _ := st.Definition().Contest(opts.Contest)
		for _, d := range res.Diffs {
			fmt.Fprintf(out, "  %s\n", station.DiffText(contest, d, lang))
		}
	default:
		fmt.Fprintln(out, w(lang, "secondEntryDue"))
	}
	return nil
}

// writeFindings lists the checks' findings, errors first.
func writeFindings(out io.Writer, findings []ballot.Finding, lang ballot.Lang) {
	if len(findings) == 0 {
		fmt.Fprintln(out, w(lang, "noFindings"))
		return
	}
	for _, sev := range []ballot.Severity{ballot.SeverityError, ballot.SeverityWarning} {
		for _, f := range findings {
			if f.Severity == sev {
				fmt.Fprintf(out, "  %s: %s [%s]\n", w(lang, "sev:"+string(sev)), f.Message(lang), f.Code)
			}
		}
	}
}
