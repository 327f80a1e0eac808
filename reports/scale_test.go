package reports_test

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

// bigSheet builds the result sheet of a generated election of n in-person
// districts and n/20 postal ones in eight wards, with a mayor of four
// candidates and a council of eight lists, as the tally would hand it in.
func bigSheet(n int) reports.ResultSheet {
	mayor := ballot.Contest{ID: "ob", Title: "Wahl der Oberbürgermeisterin / des Oberbürgermeisters", Kind: ballot.KindMajority}
	for i, name := range []string{"Dr. Katharina Weiß", "Jürgen Öztürk", "Lena Strauß", "Franz Xaver Huber"} {
		mayor.Candidates = append(mayor.Candidates, ballot.Candidate{ID: fmt.Sprintf("ob-%d", i+1), Name: name})
	}
	council := ballot.Contest{ID: "sr", Title: "Wahl des Stadtrats", Kind: ballot.KindList, Seats: 80, Method: ballot.SainteLague}
	for i, name := range []string{"CSU", "GRÜNE", "SPD", "FREIE WÄHLER", "AfD", "FDP", "ÖDP", "Bürger für Großstadt"} {
		council.Lists = append(council.Lists, ballot.List{ID: fmt.Sprintf("l%d", i+1), Name: name})
	}
	s := reports.ResultSheet{
		Election:    ballot.Election{ID: "gross-2026", Title: "Kommunalwahl Großstadt 2026", Date: "2026-03-08", Authority: "Landeshauptstadt Großstadt", TimeZone: "Europe/Berlin"},
		Generated:   generated,
		Fingerprint: fingerprint("big"),
	}
	for w := 1; w <= 8; w++ {
		s.Wards = append(s.Wards, ballot.Ward{ID: fmt.Sprint(w), Name: fmt.Sprintf("Stadtbezirk %d – Süd-Ost %d", w, w)})
	}
	var districts []ballot.District
	for i := range n + n/20 {
		d := ballot.District{ID: fmt.Sprintf("%05d", i+1), Kind: ballot.InPerson, Ward: fmt.Sprint(1 + i*8/(n+n/20)),
			Name: fmt.Sprintf("Wahlbezirk %05d – Grundschule an der Schloßstraße %d", i+1, i%97)}
		if i >= n {
			d.Kind, d.Name = ballot.Postal, fmt.Sprintf("Briefwahlbezirk %05d", i+1)
		} else {
			d.Register = &ballot.Register{A1: 900 + int64(i%700), A2: 300 + int64(i%211)}
		}
		districts = append(districts, d)
	}
	for _, c := range []*ballot.Contest{&mayor, &council} {
		cs := reports.ContestSheet{Contest: *c, Districts: len(districts)}
		total, byKind, byWard := ballot.Totals{}, map[ballot.DistrictKind]ballot.Totals{ballot.InPerson: {}, ballot.Postal: {}}, map[string]ballot.Totals{}
		for i := range districts {
			d := &districts[i]
			t := ballot.TotalsOf(countOf(c, d, i, ballot.StageFinal))
			total.Merge(t)
			byKind[d.Kind].Merge(t)
			if byWard[d.Ward] == nil {
				byWard[d.Ward] = ballot.Totals{}
			}
			byWard[d.Ward].Merge(t)
			cs.Annex = append(cs.Annex, reports.DistrictRow{ID: d.ID, Name: d.Name, Ward: d.Ward, Kind: d.Kind, Numbers: t})
		}
		cs.Total, cs.InPerson, cs.Postal = ballot.Outcome(c, total), ballot.Outcome(c, byKind[ballot.InPerson]), ballot.Outcome(c, byKind[ballot.Postal])
		for _, w := range s.Wards {
			cs.Wards = append(cs.Wards, reports.WardResult{Ward: w.ID, Name: w.Name, Result: ballot.Outcome(c, byWard[w.ID])})
		}
		s.Contests = append(s.Contests, cs)
	}
	return s
}

// peakHeap samples the heap in use (objects and the free space of the
// spans holding them, as MemStats.HeapInuse) while f runs.
func peakHeap(f func()) (peak uint64) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() + samples[1].Value.Uint64()
	}
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	return max(peak, read())
}

const (
	budgetTime = 3 * time.Second
	budgetHeap = 300 << 20
)

// The official sheet of a 10,000-district election renders in bounded
// memory: the peak heap, input included, stays under 300 MB.
func TestResultSheet_Of10000DistrictsStaysWithinTheMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a sheet of 10,000 districts")
	}
	s := bigSheet(10000)
	runtime.GC()
	var size int
	var took time.Duration
	peak := peakHeap(func() {
		start := time.Now()
		var b countingWriter
		if err := reports.WriteResultSheet(&b, s, ballot.German); err != nil {
			t.Fatal(err)
		}
		took, size = time.Since(start), int(b)
	})
	t.Logf("10,000 districts: %v, %.1f MB of PDF, peak heap %.1f MB", took.Round(time.Millisecond), float64(size)/1e6, float64(peak)/(1<<20))
	if peak > budgetHeap {
		t.Errorf("peak heap %.1f MB, budget %d MB", float64(peak)/(1<<20), budgetHeap>>20)
	}
	if took > 4*budgetTime {
		t.Errorf("took %v, far over the budget of %v", took, budgetTime)
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkResultSheet10000Districts renders the official sheet of a
// generated 10,000-district election (500 postal districts more, eight
// wards, two contests: 21,000 annex rows) and reports the allocations per
// sheet and the peak heap in use (goal: ≤ 3 s and ≤ 300 MB).
func BenchmarkResultSheet10000Districts(b *testing.B) {
	s := bigSheet(10000)
	var buf bytes.Buffer
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	peak := peakHeap(func() {
		for b.Loop() {
			buf.Reset()
			if err := reports.WriteResultSheet(&buf, s, ballot.German); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(buf.Len())/(1<<20), "pdf-MB")
}
