package tallycmd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/wahlkoffer/wahlkoffer/ballot/kit"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// EnrollOptions are the flags of `tally enroll`.
type EnrollOptions struct {
	IO         cmdutil.IO
	Flags      storeFlags
	District   string
	All        bool
	URLs       []string
	Out        string
	PINFile    string
	Revoke     bool
	Reason     string
	WorkFactor int
}

// NewCmdEnroll builds `tally enroll`.
func NewCmdEnroll(io cmdutil.IO, runF func(*EnrollOptions) error) *cobra.Command {
	opts := &EnrollOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "enroll --store STORE --district ID --url URL --out KIT",
		Short: "Make a station kit: a new station key bound to a district, sealed with a PIN",
		Long: `Creates a station key for a district and writes the station kit: the signed
election package, the station's private key, the office's public key and the
tally URLs, sealed with a PIN. The PIN is printed once (or read from
--pin-file); hand it over apart from the kit.

Enrolling a district again (a replacement laptop) revokes its earlier key:
records signed with it are refused from then on. --revoke revokes without a
replacement. --all enrolls every district into the folder --out.`,
		Example: `  wahlkoffer tally enroll --store tally.db --district 0101 --url https://wahl.example.de --out 0101.wkkit
  wahlkoffer tally enroll --store tally.db --all --url https://wahl.example.de --out kits/
  wahlkoffer tally enroll --store tally.db --district 0101 --revoke --reason "Laptop gestohlen"`,
		Args: cmdutil.ExactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Flags.check(); err != nil {
				return err
			}
			switch {
			case opts.All == (opts.District != ""):
				return cmdutil.Usagef("give either --district ID or --all")
			case opts.Revoke && (opts.All || opts.Reason == ""):
				return cmdutil.Usagef("--revoke takes one --district and a --reason")
			case !opts.Revoke && opts.Out == "":
				return cmdutil.Usagef("--out is required")
			case opts.All && opts.PINFile != "":
				return cmdutil.Usagef("--pin-file is for one district; --all makes a PIN per kit")
			}
			for _, u := range opts.URLs {
				if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					return cmdutil.Usagef("--url %q: want an http:// or https:// URL", u)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return enrollRun(cmd.Context(), opts)
		},
	}
	opts.Flags.add(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.District, "district", "", "the district to enroll")
	f.BoolVar(&opts.All, "all", false, "enroll every district")
	f.StringArrayVar(&opts.URLs, "url", nil, "tally URL the station sends to (repeatable; none: USB only)")
	f.StringVar(&opts.Out, "out", "", "kit file, or folder with --all")
	f.StringVar(&opts.PINFile, "pin-file", "", "read the PIN from this file instead of making one")
	f.BoolVar(&opts.Revoke, "revoke", false, "revoke the district's key without a replacement")
	f.StringVar(&opts.Reason, "reason", "", "why the key is revoked")
	f.IntVar(&opts.WorkFactor, "kdf-work-factor", 0, "scrypt work factor of the kit (default 18; lower only for tests)")
	_ = f.MarkHidden("kdf-work-factor")
	return cmd
}

func enrollRun(ctx context.Context, opts *EnrollOptions) error {
	svc, st, err := opts.Flags.openService(ctx, nil, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.Revoke {
		n, err := svc.RevokeDistrict(ctx, opts.District, opts.Reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "district %s: %d key(s) revoked\n", opts.District, n)
		return nil
	}
	if !opts.All {
		pin := ""
		if opts.PINFile != "" {
			b, err := os.ReadFile(opts.PINFile)
			if err != nil {
				return fmt.Errorf("read PIN: %w", err)
			}
			pin = strings.TrimSpace(string(b))
			if err := kit.CheckPIN(pin); err != nil {
				return cmdutil.Usagef("--pin-file: %v", err)
			}
		}
		pkg, err := svc.Package(ctx)
		if err != nil {
			return err
		}
		return enrollOne(ctx, svc, pkg, opts, opts.District, opts.Out, pin)
	}
	return enrollAll(ctx, svc, st, opts)
}

// enrollAll enrolls every district that has no valid key yet, after
// checking that none of their kit files exists: it never revokes a laptop
// in use (replacing one is --district ID) and never stops half-way over a
// file in the way.
func enrollAll(ctx context.Context, svc *tally.Service, st store.Store, opts *EnrollOptions) error {
	keys, err := st.StationKeys(ctx)
	if err != nil {
		return err
	}
	enrolled := map[string]bool{}
	for _, k := range keys {
		if !k.Revoked() {
			enrolled[k.District] = true
		}
	}
	var todo, skipped, inTheWay []string
	for _, d := range svc.Definition().Districts {
		if enrolled[d.ID] {
			skipped = append(skipped, d.ID)
			continue
		}
		todo = append(todo, d.ID)
		if _, err := os.Lstat(filepath.Join(opts.Out, d.ID+kit.FileExtension)); err == nil {
			inTheWay = append(inTheWay, d.ID+kit.FileExtension)
		}
	}
	if len(inTheWay) > 0 {
		return cmdutil.Usagef("%s already holds %s; nothing was enrolled (kits are never overwritten)", opts.Out, strings.Join(inTheWay, ", "))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "%d district(s) already have a laptop enrolled and are left as they are (%s); replace one with --district ID\n",
			len(skipped), strings.Join(skipped, ", "))
	}
	if err := os.MkdirAll(opts.Out, 0o700); err != nil {
		return err
	}
	pkg, err := svc.Package(ctx)
	if err != nil {
		return err
	}
	for _, id := range todo {
		if err := enrollOne(ctx, svc, pkg, opts, id, filepath.Join(opts.Out, id+kit.FileExtension), ""); err != nil {
			return fmt.Errorf("district %s: %w", id, err)
		}
	}
	return nil
}

// enrollOne writes the kit first and enrolls its key after: a kit whose
// enrollment failed is removed again, and no key is enrolled without its kit.
func enrollOne(ctx context.Context, svc *tally.Service, pkg []byte, opts *EnrollOptions, district, out, pin string) error {
	if _, ok := svc.Definition().District(district); !ok {
		return cmdutil.Usagef("district %q is not in the election definition", district)
	}
	var err error
	if pin == "" {
		if pin, err = kit.GeneratePIN(rand.Reader); err != nil {
			return err
		}
	}
	stationKey, err := seal.GenerateSigner(rand.Reader)
	if err != nil {
		return err
	}
	e := svc.Election()
	k := kit.Kit{
		ElectionID: e.ID, District: district, Station: uuid.NewString(), Package: pkg,
		OfficeKey: e.OfficePublicKey, StationKey: stationKey, TallyURLs: opts.URLs, IssuedAt: svc.Now().UTC(),
	}
	sealed, err := kit.Seal(k, pin, kit.SealOptions{WorkFactor: opts.WorkFactor})
	if err != nil {
		return err
	}
	if err := writeNew(out, sealed, 0o600); err != nil {
		return err
	}
	if _, err := svc.EnrollKey(ctx, district, k.Station, stationKey.Public()); err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(opts.IO.Out, "district %s: kit %s, station %s, PIN %s\n", district, out, k.Station, pin)
	return nil
}

// writeNew writes a file that must not exist yet, synced before it counts.
func writeNew(path string, data []byte, perm os.FileMode) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return cmdutil.Usagef("%s exists; it is not overwritten", path)
		}
		return err
	}
	_, err = fh.Write(data)
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
