package tallycmd

import (
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/cmd/wahlkoffer/internal/cmdutil"
)

// Reading a PostgreSQL store needs no office key; the commands that sign
// ask for --office-key. A SQLite store keeps its key beside it.
func TestTheOfficeKeyIsAskedForOnlyWhereItSigns(t *testing.T) {
	pg := storeFlags{Store: "postgres://wahl@db.example/wahl"}
	if err := pg.check(); err != nil {
		t.Fatalf("a read-only command on PostgreSQL: %v", err)
	}
	if err := pg.needOfficeKey(); cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "--office-key") {
		t.Fatalf("a signing command on PostgreSQL without --office-key: %v", err)
	}
	if _, err := pg.readOfficeKey(); cmdutil.ExitCode(err) != 2 {
		t.Fatalf("reading the key of a PostgreSQL store without --office-key: %v", err)
	}
	lite := storeFlags{Store: "wahl/tally.db"}
	if err := lite.check(); err != nil || lite.OfficeKey != "wahl/tally.db.office-key.pem" {
		t.Fatalf("SQLite: %q %v", lite.OfficeKey, err)
	}
	if err := (&storeFlags{}).check(); cmdutil.ExitCode(err) != 2 {
		t.Fatalf("no store: %v", err)
	}
}
