package stationcmd

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/station"
	"github.com/wahlkoffer/wahlkoffer/station/outbox"
)

// Every text speaks German and English, and every key the commands use,
// literally or by prefix, is there.
func TestWords_EveryKeyInBothLanguages(t *testing.T) {
	for k, v := range words {
		if v[0] == "" || v[1] == "" {
			t.Errorf("%s: German %q, English %q", k, v[0], v[1])
		}
	}
	used := map[string]bool{"checkedIn": true, "checkedOut": true}
	for _, r := range ballot.Roles {
		used["role:"+string(r)] = true
	}
	for _, p := range []station.Phase{station.PhaseBeforeOpening, station.PhaseVoting, station.PhaseCounting, station.PhaseReported} {
		used["phase:"+string(p)] = true
	}
	for _, s := range []ballot.Stage{ballot.StageQuick, ballot.StageFinal} {
		used["stage:"+string(s)] = true
	}
	for _, s := range outbox.States {
		used["state:"+string(s)] = true
	}
	for _, s := range []ballot.Severity{ballot.SeverityError, ballot.SeverityWarning} {
		used["sev:"+string(s)] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\bw\([^,()]+, "([^"]+)"`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			if m[1][len(m[1])-1] != ':' {
				used[m[1]] = true
			}
		}
	}
	for k := range used {
		if _, ok := words[k]; !ok {
			t.Errorf("%s is used but has no text", k)
		}
	}
}

func TestFigureFlags_Count(t *testing.T) {
	ff := figureFlags{b: 1000, b1: 200, invalid: 10, valid: 990, marks: 795,
		votes: []string{"ob-1=400", " ob-2 = 590 "}, rejected: []string{"unsealed=2", "no-valid-card=1"}, queried: 5, admitted: 2}
	set := map[string]bool{"b": true, "b1": true, "invalid": true, "valid": true, "marks": true, "vote": true,
		"rejected": true, "queried": true, "admitted": true}
	c, err := ff.count(func(n string) bool { return set[n] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Marks == nil || *c.Marks != 795 || c.Unchanged != nil || c.Changed != nil {
		t.Errorf("optional figures: marks %v, unchanged %v, changed %v", c.Marks, c.Unchanged, c.Changed)
	}
	if c.Votes["ob-1"] != 400 || c.Votes["ob-2"] != 590 || len(c.Votes) != 2 {
		t.Errorf("votes %v", c.Votes)
	}
	if p := c.Postal; p == nil || p.Rejected != 3 || p.RejectedBy[ballot.RejectUnsealed] != 2 || p.Queried != 5 {
		t.Errorf("postal %+v", c.Postal)
	}
	for _, bad := range [][]string{{"ob-1"}, {"=4"}, {"ob-1=x"}, {"ob-1=1", "ob-1=2"}} {
		if _, err := pairs("vote", bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
