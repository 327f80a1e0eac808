package tally

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// Replay rebuilds the current counts and the running totals from accepted
// records alone, in memory: what `tally verify` compares the store with and
// what `wahlkoffer audit` computes results from.
//
// It applies the rule of applyCount: per district, contest and stage the
// count with the higher version, then the higher sequence number, is
// current; the views are quick, final and best (the final count where
// there is one, else the quick one). Since that rule picks the same count
// whatever the order, Replay's outcome does not depend on the order of
// Add either; callers still pass records in acceptance order.
type Replay struct {
	def      *ballot.Definition
	district map[string]*ballot.District
	current  map[store.CountKey]*store.CurrentCount
	records  int
	counts   int
}

// NewReplay starts an empty replay for an election.
func NewReplay(def *ballot.Definition) *Replay {
	r := &Replay{def: def, district: make(map[string]*ballot.District, len(def.Districts)),
		current: map[store.CountKey]*store.CurrentCount{}}
	for i := range def.Districts {
		r.district[def.Districts[i].ID] = &def.Districts[i]
	}
	return r
}

// Add takes one accepted record with the hash of its envelope and the
// enrollment time of the key that signed it. Records other than counts
// are counted and otherwise ignored. A record of a district the
// definition does not know is an error.
func (r *Replay) Add(rec ballot.Record, envelopeHash string, keyEnrolled time.Time) error {
	r.records++
	c, ok := rec.Body.(*ballot.Count)
	if !ok {
		return nil
	}
	if r.district[rec.District] == nil {
		return fmt.Errorf("record %d of station %s: district %q is not in the election definition", rec.Seq, rec.Station, rec.District)
	}
	r.counts++
	key := store.CountKey{District: rec.District, Contest: c.Contest, Stage: c.Stage}
	old := r.current[key]
	// The precedence rule of applyCount, the same function.
	if !supersedes(keyEnrolled, c.Version, rec.Seq, old) {
		return nil
	}
	numbers := ballot.TotalsOf(c)
	r.current[key] = &store.CurrentCount{CountKey: key, KeyEnrolledAt: keyEnrolled.UTC(), Version: c.Version, Seq: rec.Seq,
		EnvelopeHash: envelopeHash, Numbers: numbers}
	return nil
}

// Records returns how many records were added, Counts how many of them
// were counts.
func (r *Replay) Records() int { return r.records }

// Counts returns how many of the records added were counts.
func (r *Replay) Counts() int { return r.counts }

// CurrentCounts returns the current count of every district, contest and
// stage, sorted by district, contest and stage.
func (r *Replay) CurrentCounts() []store.CurrentCount {
	out := make([]store.CurrentCount, 0, len(r.current))
	for _, c := range r.current {
		cc := *c
		cc.Numbers = maps.Clone(c.Numbers)
		out = append(out, cc)
	}
	slices.SortFunc(out, func(a, b store.CurrentCount) int { return compareCountKeys(a.CountKey, b.CountKey) })
	return out
}

// Aggregates returns the running totals as store.Reader.Aggregates does:
// per contest, view, district kind, ward and field, summed over shards,
// without zero rows, sorted.
func (r *Replay) Aggregates() []store.AggregateRow {
	type rowKey struct {
		contest, view string
		kind          ballot.DistrictKind
		ward, field   string
	}
	sums := map[rowKey]int64{}
	add := func(view string, c *store.CurrentCount) {
		d := r.district[c.District]
		for field, v := range c.Numbers {
			sums[rowKey{c.Contest, view, d.Kind, d.Ward, field}] += v
		}
	}
	for key, c := range r.current {
		add(string(key.Stage), c)
		switch key.Stage {
		case ballot.StageFinal:
			add(ViewBest, c)
		case ballot.StageQuick:
			final := key
			final.Stage = ballot.StageFinal
			if r.current[final] == nil {
				add(ViewBest, c)
			}
		}
	}
	out := make([]store.AggregateRow, 0, len(sums))
	for k, v := range sums {
		if v != 0 {
			out = append(out, store.AggregateRow{Contest: k.contest, View: k.view, DistrictKind: k.kind, Ward: k.ward, Field: k.field, Value: v})
		}
	}
	SortAggregateRows(out)
	return out
}

// SortAggregateRows sorts rows by contest, view, district kind, ward and
// field, the order Replay.Aggregates returns.
func SortAggregateRows(rows []store.AggregateRow) {
	slices.SortFunc(rows, compareRows)
}

func compareRows(a, b store.AggregateRow) int {
	return cmp.Or(
		strings.Compare(a.Contest, b.Contest), strings.Compare(a.View, b.View),
		strings.Compare(string(a.DistrictKind), string(b.DistrictKind)), strings.Compare(a.Ward, b.Ward),
		strings.Compare(a.Field, b.Field))
}

func compareCountKeys(a, b store.CountKey) int {
	return cmp.Or(strings.Compare(a.District, b.District), strings.Compare(a.Contest, b.Contest),
		strings.Compare(string(a.Stage), string(b.Stage)))
}

// VerifyReport is what `tally verify` found.
type VerifyReport struct {
	Envelopes   int // envelopes verified
	Counts      int // current counts compared
	Aggregates  int // aggregate rows compared (non-zero, stored or recomputed)
	Differences []Difference
	Elapsed     time.Duration // how long the verification took
}

// OK reports whether nothing differed.
func (r VerifyReport) OK() bool { return len(r.Differences) == 0 }

// Difference is one thing the store says that its envelopes do not: an
// envelope that no longer verifies, or a current count or an aggregate
// row that differs from the one recomputed from the envelopes.
type Difference struct {
	Kind       string // "envelope", "count" or "aggregate"
	Subject    string // which envelope, count or row
	Stored     string // what the store holds ("" when it holds nothing)
	Recomputed string // what the envelopes give ("" when nothing)
}

func (d Difference) String() string {
	if d.Kind == "envelope" {
		return fmt.Sprintf("envelope %s: %s", d.Subject, d.Stored)
	}
	return fmt.Sprintf("%s %s: stored %s, recomputed %s", d.Kind, d.Subject, orNone(d.Stored), orNone(d.Recomputed))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Verify re-verifies every stored envelope (its station signature with the
// key it was enrolled under, the office's receipt and that the receipt
// covers it) and recomputes every current count and aggregate row from the
// envelopes alone with Replay. Each difference is in the report; the
// error is only for a store that cannot be read.
func (s *Service) Verify(ctx context.Context) (VerifyReport, error) {
	start := time.Now()
	var rep VerifyReport
	stationKeys, err := s.store.StationKeys(ctx)
	if err != nil {
		return rep, err
	}
	keys := seal.Keys{}
	enrolled := map[seal.KeyID]time.Time{}
	for _, k := range stationKeys {
		if _, err := keys.Add(k.PublicKey); err != nil {
			return rep, fmt.Errorf("station key %s: %w", k.KeyID, err)
		}
		enrolled[k.KeyID] = k.EnrolledAt
	}
	replay := NewReplay(s.def)
	// Three stages overlap: the store is read a chunk at a time, each
	// chunk's envelopes are checked (hash, two signatures, decoding) on
	// every core, and the checked chunks are replayed here in the order of
	// acceptance, which the totals depend on. Done one after the other,
	// the reading and the replay left the other cores idle.
	// The stored current counts are read beside the envelopes, not after
	// them: one read less at the end that nothing else overlaps.
	var (
		stored     []store.CurrentCount
		storedErr  error
		storedRead = make(chan struct{})
	)
	go func() {
		defer close(storedRead)
		stored, storedErr = s.store.CurrentCounts(ctx)
	}()
	var readErr error
	chunks := make(chan *verifyWork, 2)
	go func() {
		defer close(chunks)
		cur := newVerifyWork()
		send := func() error {
			go cur.check(s, keys)
			select {
			case chunks <- cur:
			case <-ctx.Done():
				<-cur.done
				return ctx.Err()
			}
			cur = newVerifyWork()
			return nil
		}
		readErr = s.store.Envelopes(ctx, func(e store.Envelope) error {
			cur.envs = append(cur.envs, e)
			if len(cur.envs) == verifyChunk {
				return send()
			}
			return nil
		})
		if readErr == nil && len(cur.envs) > 0 {
			readErr = send()
		}
	}()
	for w := range chunks {
		<-w.done
		rep.Envelopes += len(w.envs)
		for i, e := range w.envs {
			c := w.checked[i]
			if c.problem == "" {
				if err := replay.Add(c.rec, e.Hash, enrolled[c.keyID]); err != nil {
					c.problem = err.Error()
				}
			}
			if c.problem != "" {
				rep.Differences = append(rep.Differences, Difference{Kind: "envelope",
					Subject: fmt.Sprintf("%s (station %s, seq %d)", short(e.Hash), e.Station, e.Seq), Stored: c.problem})
			}
		}
	}
	if readErr != nil {
		<-storedRead
		return rep, readErr
	}

	<-storedRead
	if storedErr != nil {
		return rep, storedErr
	}
	rep.Counts, rep.Differences = compareCounts(stored, replay.CurrentCounts(), rep.Differences)

	rows, err := s.store.Aggregates(ctx)
	if err != nil {
		return rep, err
	}
	rep.Aggregates, rep.Differences = compareAggregates(rows, replay.Aggregates(), rep.Differences)
	rep.Elapsed = time.Since(start)
	return rep, nil
}

// verifyChunk is how many envelopes Verify checks at a time on all cores.
const verifyChunk = 512

// verifyWork is a chunk of stored envelopes on its way through Verify.
type verifyWork struct {
	envs    []store.Envelope
	checked []checkedEnvelope
	done    chan struct{} // closed when checked is filled
}

func newVerifyWork() *verifyWork {
	return &verifyWork{envs: make([]store.Envelope, 0, verifyChunk), done: make(chan struct{})}
}

// check checks the chunk's envelopes on every core.
func (w *verifyWork) check(s *Service, keys seal.Keys) {
	defer close(w.done)
	w.checked = make([]checkedEnvelope, len(w.envs))
	parallelFor(len(w.envs), func(i int) { w.checked[i] = s.checkEnvelope(w.envs[i], keys) })
}

// checkedEnvelope is what checking one stored envelope found: the decoded
// record and its key, or what is wrong with it.
type checkedEnvelope struct {
	rec     ballot.Record
	keyID   seal.KeyID
	problem string
}

// checkEnvelope checks a stored envelope against its own bytes, the
// station keys and the office key: the hash, the signature, the stored
// facts, the receipt, the body.
func (s *Service) checkEnvelope(e store.Envelope, keys seal.Keys) checkedEnvelope {
	bad := func(format string, args ...any) checkedEnvelope {
		return checkedEnvelope{problem: fmt.Sprintf(format, args...)}
	}
	if h := seal.EnvelopeHash(e.Bytes); h != e.Hash {
		return bad("the bytes hash to %s", short(h))
	}
	opened, err := seal.OpenRecord(e.Bytes, keys)
	if err != nil {
		return bad("does not verify: %v", err)
	}
	h := opened.Record.Header
	switch {
	case opened.KeyID != e.KeyID:
		return bad("signed by key %s, stored as signed by %s", short(string(opened.KeyID)), short(string(e.KeyID)))
	case h.District != e.District || h.Station != e.Station || h.Seq != e.Seq || h.Kind != e.Kind:
		return bad("the record names district %s, station %s, seq %d, kind %s; the store %s, %s, %d, %s",
			h.District, h.Station, h.Seq, h.Kind, e.District, e.Station, e.Seq, e.Kind)
	}
	receipt, err := seal.OpenReceipt(e.Receipt, s.election.OfficePublicKey)
	switch {
	case err != nil:
		return bad("the receipt does not verify: %v", err)
	case !receipt.Covers(e.Bytes):
		return bad("the receipt does not cover the envelope")
	case receipt.District != h.District || receipt.Station != h.Station || receipt.Seq != h.Seq:
		return bad("the receipt names district %s, station %s, seq %d", receipt.District, receipt.Station, receipt.Seq)
	}
	rec, err := ballot.DecodeRecord(opened.Record)
	if err != nil {
		return bad("the record does not decode: %v", err)
	}
	return checkedEnvelope{rec: rec, keyID: opened.KeyID}
}

// parallelFor runs fn(0..n-1) on every core.
func parallelFor(n int, fn func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func compareCounts(stored, recomputed []store.CurrentCount, diffs []Difference) (int, []Difference) {
	describe := func(c *store.CurrentCount) string {
		if c == nil {
			return ""
		}
		return fmt.Sprintf("key enrolled %s version %d seq %d envelope %s %s", c.KeyEnrolledAt.Format(time.RFC3339Nano), c.Version, c.Seq,
			short(c.EnvelopeHash), formatNumbers(c.Numbers))
	}
	byKey := map[store.CountKey]*store.CurrentCount{}
	for i := range stored {
		byKey[stored[i].CountKey] = &stored[i]
	}
	seen := map[store.CountKey]bool{}
	keys := []store.CountKey{}
	for i := range recomputed {
		keys = append(keys, recomputed[i].CountKey)
	}
	for i := range stored {
		keys = append(keys, stored[i].CountKey)
	}
	again := map[store.CountKey]*store.CurrentCount{}
	for i := range recomputed {
		again[recomputed[i].CountKey] = &recomputed[i]
	}
	slices.SortFunc(keys, compareCountKeys)
	n := 0
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		n++
		a, b := byKey[k], again[k]
		if a != nil && b != nil && a.KeyEnrolledAt.Equal(b.KeyEnrolledAt) && a.Version == b.Version && a.Seq == b.Seq && a.EnvelopeHash == b.EnvelopeHash &&
			sameNumbers(a.Numbers, b.Numbers) {
			continue
		}
		diffs = append(diffs, Difference{Kind: "count", Subject: fmt.Sprintf("district %s contest %s stage %s", k.District, k.Contest, k.Stage),
			Stored: describe(a), Recomputed: describe(b)})
	}
	return n, diffs
}

// formatNumbers spells numbers in field order, without zeros.
// sameNumbers is formatNumbers(a) == formatNumbers(b) without the
// formatting (verify compares every current count): a missing number is
// zero.
func sameNumbers(a, b map[string]int64) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func formatNumbers(m map[string]int64) string {
	var b strings.Builder
	b.WriteByte('{')
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] == 0 {
			continue
		}
		if b.Len() > 1 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%d", k, m[k])
	}
	b.WriteByte('}')
	return b.String()
}

func compareAggregates(stored, recomputed []store.AggregateRow, diffs []Difference) (int, []Difference) {
	type rowKey struct {
		contest, view string
		kind          ballot.DistrictKind
		ward, field   string
	}
	keyOf := func(r store.AggregateRow) rowKey { return rowKey{r.Contest, r.View, r.DistrictKind, r.Ward, r.Field} }
	a, b := map[rowKey]int64{}, map[rowKey]int64{}
	var all []store.AggregateRow
	for _, r := range stored {
		a[keyOf(r)] += r.Value
		all = append(all, r)
	}
	for _, r := range recomputed {
		b[keyOf(r)] += r.Value
		all = append(all, r)
	}
	SortAggregateRows(all)
	seen := map[rowKey]bool{}
	n := 0
	for _, r := range all {
		k := keyOf(r)
		if seen[k] || a[k] == 0 && b[k] == 0 {
			continue
		}
		seen[k] = true
		n++
		if a[k] != b[k] {
			diffs = append(diffs, Difference{Kind: "aggregate",
				Subject: fmt.Sprintf("contest %s view %s %s ward %q field %s", k.contest, k.view, k.kind, k.ward, k.field),
				Stored:  fmt.Sprint(a[k]), Recomputed: fmt.Sprint(b[k])})
		}
	}
	return n, diffs
}
