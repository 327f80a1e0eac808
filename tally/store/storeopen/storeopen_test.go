package storeopen

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/tally/store/sqlite"
)

func TestIsPostgres(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://u@h/db":       true,
		"PostgreSQL://u@h/db":     true,
		"tally.db":                false,
		`C:\Wahl\tally.db`:        false,
		"./postgres/tally.sqlite": false,
	} {
		if got := IsPostgres(dsn); got != want {
			t.Errorf("IsPostgres(%q) = %v", dsn, got)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "tally.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*sqlite.DB); !ok {
		t.Errorf("a path opened a %T", s)
	}
}

func TestOpenErrorIsNilStore(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing", "dir", "tally.db"))
	if err == nil || s != nil {
		t.Errorf("Open of an impossible path = %v, %v; want a nil store and an error", s, err)
	}
	s, err = Open(context.Background(), "postgres://nobody@127.0.0.1:1/x?connect_timeout=1")
	if err == nil || s != nil {
		t.Errorf("Open of an unreachable server = %v, %v; want a nil store and an error", s, err)
	}
}
