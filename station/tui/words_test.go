package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// TestEveryWordUsedIsInTheTable reads the sources for the keys they look
// up, and checks the keys built from the domain's enumerations.
func TestEveryWordUsedIsInTheTable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used, literal := map[string]bool{}, map[string]bool{}
	lookup := regexp.MustCompile(`\bwf?\("([^"]+)"`)
	for _, f := range files {
		if filepath.Ext(f) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(f) {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for k := range words {
			if f != "words.go" && strings.Contains(string(src), `"`+k+`"`) {
				literal[k] = true
			}
		}
		for _, m := range lookup.FindAllStringSubmatch(string(src), -1) {
			if m[1][len(m[1])-1] != ':' {
				used[m[1]] = true
			}
		}
	}
	for _, tab := range tabs {
		used[tab.word], used[tab.long] = true, true
	}
	for _, s := range outbox.States {
		used["state:"+string(s)] = true
	}
	for _, s := range []ballot.Stage{ballot.StageQuick, ballot.StageFinal} {
		used["stage:"+string(s)] = true
	}
	for _, r := range ballot.Roles {
		used["role:"+string(r)] = true
	}
	for _, k := range ballot.RecordKinds {
		used["kind:"+string(k)] = true
	}
	for _, f := range []string{ballot.FieldReceived, ballot.FieldQueried, ballot.FieldAdmitted, ballot.FieldRejected} {
		used["f:"+f] = true
	}
	for k := range used {
		if _, ok := words[k]; !ok {
			t.Errorf("word %q is used but not in the table", k)
		}
	}
	for k := range words {
		if !used[k] && !literal[k] && !strings.HasPrefix(k, "f:") {
			t.Errorf("word %q is in the table but not used", k)
		}
	}
}
