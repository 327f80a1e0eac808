package tally

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/seal"
	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// GroupCommit takes records in batches: a writer collects the records
// that arrived while the previous transaction committed, stores them in
// one transaction and answers each once it is durable. A receipt still
// goes out only after its record's commit; what the batch saves is the
// commit (an fsync on SQLite, a round trip on PostgreSQL) per record, and
// the running totals are moved once per batch and ward instead of once
// per record.
type GroupCommit struct {
	// Writers is the number of batches committing at once: 1 for SQLite,
	// which writes one transaction at a time anyway; a few for PostgreSQL.
	// 0 turns group commit off (one transaction per record).
	Writers int
	// MaxBatch bounds a batch (default 512 records).
	MaxBatch int
}

// ErrClosed: the service was closed; nothing more is taken in.
var ErrClosed = errors.New("the tally is shutting down; send the record again")

// batchTimeout bounds one batch's transaction.
const batchTimeout = 30 * time.Second

// prepared is a record whose signature, header and body passed, ready to
// be stored.
type prepared struct {
	opened   seal.OpenedRecord
	rec      ballot.Record
	envelope []byte
	via      string
	received time.Time // when it was taken in: the receipt's time
	receipt  []byte    // signed before the transaction, sent after its commit
}

type outcome struct {
	acc     Accepted
	refusal *Error
	err     error
}

type job struct {
	p    prepared
	done chan outcome
}

// batcher feeds the writers.
type batcher struct {
	jobs chan *job
	stop chan struct{}
	wg   sync.WaitGroup
	max  int
	once sync.Once
}

func (s *Service) startBatcher(g GroupCommit) {
	if g.Writers <= 0 {
		return
	}
	b := &batcher{jobs: make(chan *job), stop: make(chan struct{}), max: cmp.Or(g.MaxBatch, 512)}
	// Each writer moves the totals in shards of its own, picked at random
	// per process, so that writers (and tally processes sharing one
	// PostgreSQL database) seldom wait for the same rows.
	first := rand.IntN(aggregateShards)
	for i := range g.Writers {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			b.write(s, (first+i)%aggregateShards)
		}()
	}
	s.batch = b
}

// write is one writer: a batch of whatever is waiting, committed, answered.
func (b *batcher) write(s *Service, shard int) {
	for {
		var first *job
		select {
		case first = <-b.jobs:
		case <-b.stop:
			return
		}
		batch := []*job{first}
	more:
		for len(batch) < b.max {
			select {
			case j := <-b.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		s.commitBatch(batch, shard)
	}
}

// submit hands a record to a writer and waits for its outcome. A caller
// that gives up (its context ends) leaves the record to be committed or
// not; the station sends it again and gets the same receipt either way.
func (b *batcher) submit(ctx context.Context, p prepared) (Accepted, *Error, error) {
	j := &job{p: p, done: make(chan outcome, 1)}
	select {
	case b.jobs <- j:
	case <-b.stop:
		return Accepted{}, nil, ErrClosed
	case <-ctx.Done():
		return Accepted{}, nil, ctx.Err()
	}
	select {
	case o := <-j.done:
		return o.acc, o.refusal, o.err
	case <-ctx.Done():
		return Accepted{}, nil, ctx.Err()
	}
}

// close stops the writers after their current batch.
func (b *batcher) close() {
	b.once.Do(func() { close(b.stop) })
	b.wg.Wait()
}

// commitBatch stores a batch in one transaction. If the transaction
// fails, each record is tried again on its own, so that one record's
// trouble is not every record's.
func (s *Service) commitBatch(batch []*job, shard int) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	out := make([]outcome, len(batch))
	// The records of a batch lock their districts' current counts in the
	// order of the districts, so that batches committing at once on
	// PostgreSQL cannot wait for each other in a circle.
	order := make([]int, len(batch))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return strings.Compare(batch[a].p.rec.District, batch[b].p.rec.District)
	})
	ids := make([]seal.KeyID, 0, len(batch))
	for _, j := range batch {
		ids = append(ids, j.p.opened.KeyID)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	err := s.store.InTx(ctx, func(tx store.Tx) error {
		w := newWork(func(string) int { return shard })
		var err error
		if w.keys, err = tx.StationKeysOf(ctx, ids); err != nil {
			return err
		}
		for _, i := range order {
			j := batch[i]
			acc, refusal, err := s.accept(ctx, tx, j.p, w)
			if err != nil {
				return err
			}
			out[i] = outcome{acc: acc, refusal: refusal}
		}
		return w.flush(ctx, tx)
	})
	if err != nil && len(batch) > 1 {
		for _, j := range batch {
			acc, refusal, err := s.commitOne(ctx, j.p, shard)
			j.done <- outcome{acc, refusal, err}
		}
		return
	}
	for i, j := range batch {
		if err != nil {
			out[i] = outcome{err: err}
		}
		j.done <- out[i]
	}
}

// commitOne stores one record in its own transaction, moving the totals
// in the given shard, or, with -1, in the district's own shard (so that
// transactions of one record each seldom wait for the same rows).
func (s *Service) commitOne(ctx context.Context, p prepared, shard int) (acc Accepted, refusal *Error, err error) {
	shardFor := shardOf
	if shard >= 0 {
		shardFor = func(string) int { return shard }
	}
	err = s.store.InTx(ctx, func(tx store.Tx) error {
		w := newWork(shardFor)
		var err error
		if acc, refusal, err = s.accept(ctx, tx, p, w); err != nil {
			return err
		}
		return w.flush(ctx, tx)
	})
	return acc, refusal, err
}

// work collects what a transaction will add to the running totals, so
// that a batch adds each row's sum once.
type work struct {
	shard  func(district string) int
	deltas map[store.AggregateKey]int64
	certs  map[string]bool                 // certified contests, read once (see certified)
	keys   map[seal.KeyID]store.StationKey // the batch's keys, read at its start
}

func newWork(shard func(string) int) *work {
	return &work{shard: shard, deltas: map[store.AggregateKey]int64{}}
}

func (w *work) add(k store.AggregateKey, v int64) {
	if v != 0 {
		w.deltas[k] += v
	}
}

// flush adds the collected deltas (the store orders the rows it locks).
func (w *work) flush(ctx context.Context, tx store.Tx) error {
	out := make([]store.AggregateDelta, 0, len(w.deltas))
	for k, v := range w.deltas {
		if v != 0 {
			out = append(out, store.AggregateDelta{AggregateKey: k, Delta: v})
		}
	}
	return tx.AddAggregates(ctx, out)
}

// stationKey is the key from the batch's read, or read on its own.
func (w *work) stationKey(ctx context.Context, tx store.Tx, id seal.KeyID) (store.StationKey, error) {
	if k, ok := w.keys[id]; ok {
		return k, nil
	}
	return tx.StationKey(ctx, id)
}
