package e2e

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
)

// BenchmarkStationColdStart starts the real binary on a station that has
// run its morning and reads what the home screen shows (`station status`:
// the process starting, the store opened, the election package checked
// and parsed, the state derived): the goal is under 200 ms.
//
//	go test ./cmd/wahlkoffer/internal/e2e -run '^$' -bench ColdStart -benchtime 20x
func BenchmarkStationColdStart(b *testing.B) {
	bin := wahlkofferBinary(b)
	dir := filepath.Join(b.TempDir(), "data")
	c := stationtest.NewClock(stationtest.Day(7, 30))
	sealed, pin := stationtest.Kit(b, "101", stationtest.KitOptions{})
	st, err := station.Setup(context.Background(), dir, sealed, pin, station.Options{Now: c.Now})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range st.District().Roster[:5] {
		if _, err := st.CheckIn(context.Background(), m.ID, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	c.Set(stationtest.Day(8, 0))
	if _, err := st.OpenPolls(context.Background(), time.Time{}); err != nil {
		b.Fatal(err)
	}
	st.Close()
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, "station", "status", "--data", dir)
		cmd.Env = appEnv("WAHLKOFFER_NOW=2026-03-08T08:05:00+01:00")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("station status: %v\n%s", err, out)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
}
