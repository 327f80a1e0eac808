package station_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/stationtest"
)

// BenchmarkEnterCount is one entry of a count, saved durably (WAL,
// synchronous=FULL): what the board waits for after pressing Enter.
func BenchmarkEnterCount(b *testing.B) {
	s, _, _ := benchStation(b)
	ctx := context.Background()
	count := mayorCount()
	for i := 0; b.Loop(); i++ {
		count.Invalid, count.Valid = 10+int64(i%2), 990-int64(i%2) // every entry a real change
		if _, err := s.EnterCount(ctx, "ob", "101-1", count); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedRecord is an act that signs a record into the outbox:
// the state read, the rules, the signature and a durable insert.
func BenchmarkSignedRecord(b *testing.B) {
	s, _, _ := benchStation(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.LogIncident(ctx, "Vorkommnis während der Auszählung", time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenAndStatus is a cold start to what the home screen shows,
// for a station with a day's records.
func BenchmarkOpenAndStatus(b *testing.B) {
	s, c, dir := benchStation(b)
	s.Close()
	ctx := context.Background()
	for b.Loop() {
		again, err := station.Open(ctx, dir, station.Options{Now: c.Now})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := again.Status(ctx); err != nil {
			b.Fatal(err)
		}
		again.Close()
	}
}

// benchStation is district 101 at 18:30 on the election day: five members
// in, the poll opened and closed.
func benchStation(b *testing.B) (*station.Station, *clock, string) {
	b.Helper()
	c := stationtest.NewClock(day(7, 30))
	dir := filepath.Join(b.TempDir(), "data")
	s, err := station.Setup(context.Background(), dir, sealedKit(b, "101"), kitPIN("101"), station.Options{Now: c.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for _, m := range s.District().Roster[:5] {
		if _, err := s.CheckIn(ctx, m.ID, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
	c.Set(day(8, 0))
	if _, err := s.OpenPolls(ctx, time.Time{}); err != nil {
		b.Fatal(err)
	}
	c.Set(day(18, 0))
	if _, err := s.ClosePolls(ctx, time.Time{}); err != nil {
		b.Fatal(err)
	}
	c.Set(day(18, 30))
	return s, c, dir
}
