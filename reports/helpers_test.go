package reports_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wahlkoffer/wahlkoffer/ballot"
	"github.com/wahlkoffer/wahlkoffer/reports"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs in testdata")

// document is one rendering the tests look at.
type document struct {
	name   string // golden file name under testdata, without .pdf
	render func(t testing.TB, lang ballot.Lang) ([]byte, error)
	lang   ballot.Lang
}

// via renders the input a fixture makes with one of the Write functions.
func via[T any](write func(io.Writer, T, ballot.Lang) error, input func(testing.TB) T) func(testing.TB, ballot.Lang) ([]byte, error) {
	return func(t testing.TB, lang ballot.Lang) ([]byte, error) {
		var b bytes.Buffer
		err := write(&b, input(t), lang)
		return b.Bytes(), err
	}
}

var documents = []document{
	{"station-record-101.de", via(reports.WriteStationRecord, stationRecord), ballot.German},
	{"quick-report-postal-901.en", via(reports.WriteStationRecord, postalRecord), ballot.English},
	{"result-sheet.de", via(reports.WriteResultSheet, resultSheet), ballot.German},
	{"turnout.de", via(reports.WriteTurnout, turnoutReport), ballot.German},
	{"staffing.de", via(reports.WriteStaffing, staffingReport), ballot.German},
	{"allowance.de", via(reports.WriteAllowance, allowanceList), ballot.German},
}

func render(t testing.TB, doc document, lang ballot.Lang) []byte {
	t.Helper()
	pdf, err := doc.render(t, lang)
	if err != nil {
		t.Fatalf("%s: %v", doc.name, err)
	}
	return pdf
}

func find(t testing.TB, prefix string) document {
	t.Helper()
	for _, d := range documents {
		if strings.HasPrefix(d.name, prefix) {
			return d
		}
	}
	t.Fatalf("no document %s", prefix)
	return document{}
}

// pdftotext runs poppler's pdftotext on the PDF with the given options
// and returns the text; pages are separated by form feeds. Without
// pdftotext the test fails, unless WAHLKOFFER_SKIP_PDFTOTEXT=1.
func pdftotext(t testing.TB, pdf []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("WAHLKOFFER_SKIP_PDFTOTEXT") == "1" {
			t.Skip("pdftotext is not installed and WAHLKOFFER_SKIP_PDFTOTEXT=1")
		}
		t.Fatal("pdftotext is not installed: the PDF tests read the documents' text with it. " +
			"Install poppler-utils (apt-get install -y poppler-utils), or set WAHLKOFFER_SKIP_PDFTOTEXT=1 to skip these tests.")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pages splits pdftotext's output into its pages.
func pages(text string) []string {
	return strings.Split(strings.TrimSuffix(text, "\f"), "\f")
}

// contains fails for every want the text lacks.
func contains(t testing.TB, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("text:\n%s", text)
	}
}

// squeeze collapses runs of blanks to one, so that a table row of
// pdftotext -layout reads "E ungültige Stimmen 10".
func squeeze(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// flat joins all lines with single blanks: text that wraps inside a cell
// reads as one sentence.
func flat(text string) string { return strings.Join(strings.Fields(text), " ") }

// word is a word pdftotext -bbox found, with its box in points.
type word struct {
	Text                   string
	XMin, YMin, XMax, YMax float64
	Page                   int
}

// words lists the words of the PDF with their boxes.
func words(t testing.TB, pdf []byte) []word {
	t.Helper()
	html := pdftotext(t, pdf, "-bbox")
	var out []word
	page := 0
	for _, line := range strings.Split(html, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "<page ") {
			page++
			continue
		}
		if !strings.HasPrefix(line, "<word ") {
			continue
		}
		w := word{Page: page}
		attr := func(name string) float64 {
			i := strings.Index(line, name+`="`)
			if i < 0 {
				return 0
			}
			rest := line[i+len(name)+2:]
			v, _ := strconv.ParseFloat(rest[:strings.IndexByte(rest, '"')], 64)
			return v
		}
		w.XMin, w.YMin, w.XMax, w.YMax = attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")
		w.Text = line[strings.IndexByte(line, '>')+1 : strings.LastIndex(line, "</word>")]
		w.Text = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'").Replace(w.Text)
		out = append(out, w)
	}
	return out
}

// mm converts millimetres to points, the unit of pdftotext's boxes.
func mm(v float64) float64 { return v * 72 / 25.4 }
