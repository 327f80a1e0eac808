package evidence_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot/evidence"
)

// validFiles are the evidence files the fuzz seeds are made from. Writing
// is deterministic, so they are the same bytes in every run.
func validFiles(tb testing.TB) [][]byte {
	f := smallFixture(tb)
	return [][]byte{f.file(tb), f.write(tb, nil)}
}

// FuzzRead feeds Read arbitrary files. Read must not panic, must refuse
// with an *Error of a known code, and must accept nothing but the files
// signed here: a mutation of a valid file that still verified would be a
// byte the format fails to protect.
//
// The seeds are whole files of several KiB, which the fuzzer minimizes
// slowly; run it as
//
//	go test ./ballot/evidence -run '^$' -fuzz FuzzRead -fuzzminimizetime 2s
func FuzzRead(f *testing.F) {
	valid := validFiles(f)
	for _, v := range valid {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		sum, err := evidence.Read(bytes.NewReader(data), nil, func(evidence.Item) error {
			n++
			return nil
		})
		if err != nil {
			var ee *evidence.Error
			if !errors.As(err, &ee) {
				t.Fatalf("got %T %v, want an *evidence.Error", err, err)
			}
			if !slices.Contains(evidence.Codes, ee.Code) || ee.Line < 0 {
				t.Fatalf("unknown code or line: %v", err)
			}
			return
		}
		if !slices.ContainsFunc(valid, func(v []byte) bool { return bytes.Equal(v, data) }) {
			t.Fatalf("a file other than the valid seeds verified:\n%q", data)
		}
		if uint64(n) != sum.Count {
			t.Fatalf("%d records handed over, manifest count %d", n, sum.Count)
		}
	})
}

// TestFuzzCorpus keeps the committed seed corpus of FuzzRead in step with
// the writer: the seeds named valid-* must be the files written now. Run
// with EVIDENCE_WRITE_CORPUS=1 to write the corpus anew.
func TestFuzzCorpus(t *testing.T) {
	valid := validFiles(t)
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	seeds := map[string][]byte{
		"valid-records": valid[0],
		"valid-empty":   valid[1],
	}
	// A few damaged variants, so that the fuzzer starts near the checks.
	ls := lines(valid[0])
	seeds["dropped-record"] = join(without(ls, 3))
	seeds["truncated"] = valid[0][:len(valid[0])/2]
	flipped := bytes.Clone(valid[0])
	flipped[len(ls[0])+len(ls[1])+40] ^= 1
	seeds["flipped-byte"] = flipped
	seeds["header-only"] = ls[0]
	if os.Getenv("EVIDENCE_WRITE_CORPUS") == "1" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"valid-records", "valid-empty"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", seeds[name]); string(got) != want {
			t.Errorf("seed %s is not the file written now; run EVIDENCE_WRITE_CORPUS=1 go test -run TestFuzzCorpus", name)
		}
	}
}
