package storetest

import (
	"fmt"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/tally/store"
)

// BenchInsertEnvelope measures accepting envelopes as ingest does (look up
// by hash and by seq, then insert), one per transaction and a hundred per
// transaction, and reports envelopes per second. open returns a new,
// empty store.
func BenchInsertEnvelope(b *testing.B, open func(b *testing.B) store.Store) {
	for _, perTx := range []int{1, 100} {
		b.Run(fmt.Sprintf("%dPerTx", perTx), func(b *testing.B) {
			s := open(b)
			k := setup(b, s, "D1")["D1"]
			// A count record's envelope is about this size.
			padding := make([]byte, 1200)
			for i := range padding {
				padding[i] = 'a' + byte(i%26)
			}
			seq := uint64(0)
			next := func() store.Envelope {
				seq++
				return envelope(k, seq, string(padding))
			}
			inserted := 0
			b.ReportAllocs()
			for b.Loop() {
				envs := make([]store.Envelope, perTx)
				for i := range envs {
					envs[i] = next()
				}
				err := s.InTx(bg, func(tx store.Tx) error {
					for _, e := range envs {
						prior, err := tx.PriorEnvelopes(bg, store.EnvelopeID{Hash: e.Hash, ContentHash: e.ContentHash, Station: e.Station, Seq: e.Seq})
						if err != nil || len(prior) > 0 {
							return fmt.Errorf("lookup: %d found, %v", len(prior), err)
						}
						if err := tx.InsertEnvelope(bg, e); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				inserted += perTx
			}
			b.ReportMetric(float64(inserted)/b.Elapsed().Seconds(), "envelopes/s")
		})
	}
}
