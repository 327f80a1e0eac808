package evidence_test

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
)

const benchRecords = 20000

var (
	benchOnce    sync.Once
	benchFixture *fixture
	benchFile    []byte
)

// benchElection is Musterstadt with all 50 districts enrolled and 400
// records each: turnout reports and counts, the bulk of a real export.
func benchElection(b *testing.B) (*fixture, []byte) {
	benchOnce.Do(func() {
		f := newFixture(b, "musterstadt.json")
		d, _ := ballot.ParseDefinition(f.definition)
		for _, dist := range d.Districts {
			f.enroll(b, dist.ID, "st-"+dist.ID, day.Add(-24*time.Hour), time.Time{})
		}
		for i := 0; i < benchRecords; i++ {
			dist := d.Districts[i%len(d.Districts)].ID
			t := day.Add(time.Duration(i) * time.Second)
			if i%2 == 0 {
				f.record(b, dist, "st-"+dist, t, t, ballot.RecordTurnout, &ballot.Turnout{At: t, Voters: int64(i)})
			} else {
				f.record(b, dist, "st-"+dist, t, t, ballot.RecordCount,
					count("ob", ballot.StageQuick, 1, map[string]int64{"ob-1": 500, "ob-2": 300, "ob-3": int64(i % 200), "ob-4": 100}))
			}
		}
		benchFixture, benchFile = f, f.file(b)
	})
	if benchFixture == nil {
		b.Fatal("building the benchmark election failed")
	}
	return benchFixture, benchFile
}

func BenchmarkWrite20000(b *testing.B) {
	f, file := benchElection(b)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		w, err := evidence.NewWriter(io.Discard, f.office, f.header, f.keys)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range f.entries {
			if err := w.Add(e.envelope, e.receipt); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkRead20000(b *testing.B) {
	f, file := benchElection(b)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		sum, err := evidence.Read(bytes.NewReader(file), f.office.Public(), func(evidence.Item) error {
			n++
			return nil
		})
		if err != nil || n != benchRecords || sum.Count != benchRecords {
			b.Fatal(err, n)
		}
	}
	b.ReportMetric(float64(benchRecords)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(len(file))/benchRecords, "bytes/record")
}
