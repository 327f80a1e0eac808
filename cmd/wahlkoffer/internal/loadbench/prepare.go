package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/ballot/synthetic"
	"github.com/wahlkoffer/wahlkoffer/tally"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
	"github.com/wahlkoffer/wahlkoffer/tally/store/storeopen"
)

// workspace is an office set up for the run: the store with the election
// and every station key enrolled, the office key file, a viewer token and
// the signed records the stations will send.
type workspace struct {
	dir       string
	dsn       string
	officeKey string
	token     string
	def       *ballot.Definition
	envelopes [][]byte
	keys      seal.Keys
	cleanup   []func()
}

func (w *workspace) close() {
	for i := len(w.cleanup) - 1; i >= 0; i-- {
		w.cleanup[i]()
	}
}

func prepare(ctx context.Context, c config) (*workspace, error) {
	w := &workspace{keys: seal.Keys{}}
	ok := false
	defer func() {
		if !ok {
			w.close()
		}
	}()
	w.dir = c.dir
	if w.dir == "" {
		dir, err := os.MkdirTemp("", "wahlkoffer-loadbench-")
		if err != nil {
			return nil, err
		}
		w.dir = dir
		w.cleanup = append(w.cleanup, func() { os.RemoveAll(dir) })
	}
	def, err := synthetic.Generate(synthetic.Options{Districts: c.districts - c.postal, Postal: c.postal, Seed: c.seed,
		Council: synthetic.Council(c.council)})
	if err != nil {
		return nil, err
	}
	w.def = def
	definition, err := json.MarshalIndent(def, "", "  ")
	if err != nil {
		return nil, err
	}
	if w.dsn, err = storeDSN(ctx, c, w); err != nil {
		return nil, err
	}
	st, err := storeopen.Open(ctx, w.dsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	office, err := seal.GenerateSigner(rand.Reader)
	if err != nil {
		return nil, err
	}
	pem, err := office.MarshalPEM()
	if err != nil {
		return nil, err
	}
	w.officeKey = filepath.Join(w.dir, "office-key.pem")
	if err := os.WriteFile(w.officeKey, pem, 0o600); err != nil {
		return nil, err
	}
	e, err := tally.Init(ctx, st, definition, office, time.Now())
	if err != nil {
		return nil, err
	}
	svc, err := tally.New(ctx, st, office, tally.Options{})
	if err != nil {
		return nil, err
	}
	if w.token, err = svc.CreateToken(ctx, "loadbench", tally.TokenRoleViewer); err != nil {
		return nil, err
	}
	signers, err := enrollAll(ctx, st, def)
	if err != nil {
		return nil, err
	}
	for _, s := range signers {
		if _, err := w.keys.Add(s.Public()); err != nil {
			return nil, err
		}
	}
	if w.envelopes, err = signAll(def, e, signers, c.seed); err != nil {
		return nil, err
	}
	ok = true
	return w, nil
}

// storeDSN is a SQLite file in the folder, or a fresh schema of the
// PostgreSQL database, dropped at the end.
func storeDSN(ctx context.Context, c config, w *workspace) (string, error) {
	if !storeopen.IsPostgres(c.store) {
		return filepath.Join(w.dir, "tally.db"), nil
	}
	conn, err := pgx.Connect(ctx, c.store)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	schema := fmt.Sprintf("wk_loadbench_%d", mrand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return "", err
	}
	w.cleanup = append(w.cleanup, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if conn, err := pgx.Connect(ctx, c.store); err == nil {
			_, _ = conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
			conn.Close(ctx)
		}
	})
	sep := "?"
	if strings.Contains(c.store, "?") {
		sep = "&"
	}
	return c.store + sep + "search_path=" + schema, nil
}

// enrollAll enrolls a key for every district, many per transaction: the
// office's enrollment is not what is measured.
func enrollAll(ctx context.Context, st store.Store, def *ballot.Definition) ([]seal.Signer, error) {
	signers := make([]seal.Signer, len(def.Districts))
	if err := parallel(len(signers), func(i int) error {
		var err error
		signers[i], err = seal.GenerateSigner(rand.Reader)
		return err
	}); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	const chunk = 2000
	for from := 0; from < len(signers); from += chunk {
		to := min(from+chunk, len(signers))
		err := st.InTx(ctx, func(tx store.Tx) error {
			for i := from; i < to; i++ {
				d := def.Districts[i].ID
				if err := tx.AddStationKey(ctx, store.StationKey{KeyID: signers[i].KeyID(), District: d, Station: "st-" + d,
					PublicKey: signers[i].Public(), EnrolledAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("enroll: %w", err)
		}
	}
	return signers, nil
}

// signAll makes every district's final record of every contest, with the
// board's reason for each warning, signed by its station.
func signAll(def *ballot.Definition, e store.Election, signers []seal.Signer, seed uint64) ([][]byte, error) {
	perDistrict := make([][][]byte, len(def.Districts))
	at := time.Date(2026, 3, 8, 19, 0, 0, 0, time.UTC)
	err := parallel(len(def.Districts), func(i int) error {
		d := &def.Districts[i]
		rng := mrand.New(mrand.NewPCG(seed, uint64(i)))
		counts := synthetic.Counts(rng, def, d)
		for k, c := range def.ContestsOf(d) {
			count := counts[c.ID]
			count.Stage, count.Version, count.EnteredBy = ballot.StageFinal, 1, []string{"m1", "m2"}
			for _, f := range ballot.CheckCount(def, d, &count, ballot.CheckContext{}) {
				if f.Severity == ballot.SeverityWarning {
					if count.Reasons == nil {
						count.Reasons = map[string]string{}
					}
					count.Reasons[f.Code] = "Begründung des Wahlvorstands"
				}
			}
			env, err := seal.SealRecord(signers[i], ballot.Header{ElectionID: e.ID, PackageHash: e.PackageHash, District: d.ID,
				Station: "st-" + d.ID, Seq: uint64(k + 1), Time: at, Kind: ballot.RecordCount}, &count)
			if err != nil {
				return fmt.Errorf("district %s: %w", d.ID, err)
			}
			perDistrict[i] = append(perDistrict[i], env)
		}
		return nil
	})
	var out [][]byte
	for _, envs := range perDistrict {
		out = append(out, envs...)
	}
	return out, err
}

// parallel runs fn(0..n-1) on every core and returns the first error.
func parallel(n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// verifyLimit is the machine's raw Ed25519 verification rate on all cores:
// what the tally could not exceed even if it did nothing else.
func verifyLimit(d time.Duration) float64 {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	msg := make([]byte, 1500)
	sig := ed25519.Sign(priv, msg)
	var total int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := int64(0)
			for time.Since(start) < d {
				for range 100 {
					ed25519.Verify(pub, msg, sig)
				}
				n += 100
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds()
}
