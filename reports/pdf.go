package reports

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Berlin on every machine, Windows included

	"codeberg.org/go-pdf/fpdf"

	"github.com/wahlkoffer/wahlkoffer/ballot"
)

// Page geometry of every document, in millimetres: A4 with room for the
// running head above and the footer below the body.
const (
	fontFamily   = "dejavu"
	marginX      = 15.0
	marginTop    = 24.0
	marginBottom = 22.0
	headY        = 10.0
	bodySize     = 9.0
)

// DefaultTimeZone is where times are shown when the election names none.
const DefaultTimeZone = "Europe/Berlin"

var hexFingerprint = regexp.MustCompile(`^[0-9a-f]{64}$`)

// doc is one document being written: the fpdf instance, the language,
// the time zone of the paper and what decorates every page.
type doc struct {
	pdf       *fpdf.Fpdf
	lang      ballot.Lang
	loc       *time.Location
	head      [2]string // running head: left (the election), right (the document)
	foot      string    // footer line below the first, e.g. the fingerprint
	generated time.Time
	landscape bool         // orientation of the pages added from now on
	pages     [][2]float64 // per page its width and height, for decorate
}

// newDoc starts a document. generated dates it: it is printed on every
// page and fixes the PDF's creation and modification dates, so that the
// same input gives the same bytes.
func newDoc(lang ballot.Lang, e ballot.Election, generated time.Time) (*doc, error) {
	if generated.IsZero() {
		return nil, errors.New("reports: the time the document is generated is missing (Generated)")
	}
	if lang != ballot.English {
		lang = ballot.German
	}
	tz := e.TimeZone
	if tz == "" {
		tz = DefaultTimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("reports: time zone %q of the election: %w", tz, err)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", SizeStr: "A4", OrientationStr: "P"})
	d := &doc{pdf: pdf, lang: lang, loc: loc, generated: generated}
	d.head[0] = e.Title
	pdf.SetCreationDate(generated.UTC())
	pdf.SetModificationDate(generated.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetAuthor(e.Authority, true)
	pdf.SetCreator("wahlkoffer", true)
	pdf.SetLang(string(lang))
	pdf.AddUTF8FontFromBytes(fontFamily, "", dejaVuSans)
	pdf.AddUTF8FontFromBytes(fontFamily, "B", dejaVuSansBold)
	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.SetHeaderFunc(func() {
		w, h := pdf.GetPageSize()
		d.pages = append(d.pages, [2]float64{w, h})
	})
	d.newPage()
	d.font(false, bodySize)
	return d, pdf.Error()
}

// finish draws the running head and the footer ("Seite x von y") on every
// page, now that the number of pages is known, and writes the PDF.
func (d *doc) finish(w io.Writer) error {
	d.decorate()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("reports: writing the PDF: %w", err)
	}
	return nil
}

func (d *doc) decorate() {
	p := d.pdf
	p.SetAutoPageBreak(false, 0)
	n := len(d.pages)
	stamp := d.w("generated") + ": " + d.stamp(d.generated)
	// fpdf turns y into PDF coordinates with the height of the page it
	// added last, whichever page SetPage selects; a page of another
	// orientation is drawn on moved by the difference.
	_, lastH := p.GetPageSize()
	for i, size := range d.pages {
		p.SetPage(i + 1)
		width, shift := size[0], lastH-size[1]
		if shift != 0 {
			p.TransformBegin()
			p.TransformTranslateY(shift)
		}
		right := width - marginX
		inner := right - marginX
		// A page's content stream ends in whatever state its last cell
		// left; set the font and colours afresh (a size no cell uses
		// forces fpdf to write the font change).
		p.SetFont(fontFamily, "B", 1)
		p.SetFont(fontFamily, "", 7.5)
		p.SetTextColor(60, 60, 60)
		p.SetDrawColor(120, 120, 120)
		p.SetLineWidth(0.2)
		y := headY
		p.SetXY(marginX, y)
		p.CellFormat(inner*0.45, 4, d.head[0], "", 0, "L", false, 0, "")
		p.SetXY(marginX+inner*0.45, y)
		p.CellFormat(inner*0.55, 4, d.head[1], "", 0, "R", false, 0, "")
		p.Line(marginX, y+5, right, y+5)
		y = size[1] - marginBottom + 5
		p.Line(marginX, y, right, y)
		p.SetXY(marginX, y+1)
		p.CellFormat(inner-30, 4, stamp, "", 0, "L", false, 0, "")
		p.SetXY(right-30, y+1)
		p.CellFormat(30, 4, fmt.Sprintf(d.w("page.of"), i+1, n), "", 0, "R", false, 0, "")
		if d.foot != "" {
			p.SetXY(marginX, y+5)
			p.CellFormat(inner, 4, d.foot, "", 0, "L", false, 0, "")
		}
		if shift != 0 {
			p.TransformEnd()
		}
	}
	p.SetTextColor(0, 0, 0)
}

// newPage adds a page in the current orientation.
func (d *doc) newPage() {
	if d.landscape {
		d.pdf.AddPageFormat("L", fpdf.SizeType{Wd: 210, Ht: 297})
	} else {
		d.pdf.AddPageFormat("P", fpdf.SizeType{Wd: 210, Ht: 297})
	}
}

// turnPage starts a page in the given orientation; the pages that follow
// keep it.
func (d *doc) turnPage(on bool) {
	d.landscape = on
	d.newPage()
}

// width is the width of the body on the current page.
func (d *doc) width() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - 2*marginX
}

// bottom is the lowest y the body may use on the current page.
func (d *doc) bottom() float64 {
	_, h := d.pdf.GetPageSize()
	return h - marginBottom
}

// need starts a new page unless h millimetres are left on this one.
func (d *doc) need(h float64) {
	if d.pdf.GetY()+h > d.bottom() {
		d.newPage()
	}
}

func (d *doc) font(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	d.pdf.SetFont(fontFamily, style, size)
}

// lineHeight is the height of a line of text at size points.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.3 }

// title writes the block at the top of the first page: the authority, the
// document's title and the election. The title is the document's title in
// its metadata and, unless set before, in the running head.
func (d *doc) title(authority, title, subtitle string) {
	p := d.pdf
	p.SetTitle(strings.TrimSuffix(title+" – "+subtitle, " – "), true)
	if d.head[1] == "" {
		d.head[1] = title
	}
	if authority != "" {
		d.font(false, 9)
		p.MultiCell(0, lineHeight(9), authority, "", "L", false)
	}
	d.font(true, 16)
	p.MultiCell(0, lineHeight(16), title, "", "L", false)
	if subtitle != "" {
		d.font(true, 11)
		p.MultiCell(0, lineHeight(11), subtitle, "", "L", false)
	}
	p.Ln(2)
	d.font(false, bodySize)
}

// heading writes a section heading, kept together with what follows.
func (d *doc) heading(text string) {
	d.need(30)
	d.pdf.Ln(3)
	d.font(true, 11.5)
	d.pdf.MultiCell(0, lineHeight(11.5), text, "", "L", false)
	d.pdf.Ln(1)
	d.font(false, bodySize)
}

// para writes a paragraph of body text.
func (d *doc) para(text string) {
	d.font(false, bodySize)
	d.pdf.MultiCell(0, lineHeight(bodySize), text, "", "L", false)
	d.pdf.Ln(1)
}

// strong writes a paragraph in bold.
func (d *doc) strong(text string) {
	d.font(true, bodySize)
	d.pdf.MultiCell(0, lineHeight(bodySize), text, "", "L", false)
	d.pdf.Ln(1)
	d.font(false, bodySize)
}

// facts writes label/value pairs as a two-column list without rules, the
// labels as wide as the longest needs.
func (d *doc) facts(pairs ...[2]string) {
	d.font(false, bodySize)
	w := 40.0
	for _, p := range pairs {
		w = max(w, d.pdf.GetStringWidth(p[0]+":")+6)
	}
	t := d.plainTable(bodySize, col{w: min(w, 90)}, col{})
	for _, p := range pairs {
		t.row(p[0]+":", p[1])
	}
	d.pdf.Ln(1)
}

// Formatting in the language of the document.

func (d *doc) en() bool { return d.lang == ballot.English }

func (d *doc) n(v int64) string { return ballot.FormatCount(v, d.lang) }

func (d *doc) pct(p ballot.Percent) string { return ballot.FormatPercent(p, d.lang) }

// share renders part/whole in per cent, or a dash when whole is 0.
func (d *doc) share(part, whole int64) string {
	if whole <= 0 {
		return dash
	}
	return d.pct(ballot.ShareOf(part, whole))
}

const dash = "–"

// clock renders the local time of day of an instant, or a dash.
func (d *doc) clock(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.In(d.loc).Format("15:04")
}

var monthsDE = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

// stamp renders an instant as date and local time.
func (d *doc) stamp(t time.Time) string {
	t = t.In(d.loc)
	if d.en() {
		return t.Format("2 January 2006, 15:04")
	}
	return t.Format("02.01.2006, 15:04") + " Uhr"
}

// day renders the election day (YYYY-MM-DD) in words.
func (d *doc) day(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	if d.en() {
		return t.Format("Monday, 2 January 2006")
	}
	days := [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	return fmt.Sprintf("%s, %d. %s %d", days[t.Weekday()], t.Day(), monthsDE[t.Month()-1], t.Year())
}

// money renders an amount in cents: "60,00 €" in German, "€60.00" in English.
func (d *doc) money(cents int64, currency string) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole, frac := d.n(cents/100), fmt.Sprintf("%02d", cents%100)
	sign := ""
	if neg {
		sign = "-"
	}
	sym := currency
	if currency == "" || currency == "EUR" {
		sym = "€"
	}
	if d.en() {
		if sym == "€" {
			return sign + sym + whole + "." + frac
		}
		return sign + sym + " " + whole + "." + frac
	}
	return sign + whole + "," + frac + " " + sym
}

// hours renders a duration in hours with two decimals.
func (d *doc) hours(dur time.Duration) string {
	mins := int64(dur.Round(time.Minute) / time.Minute)
	h := (mins*100 + 30) / 60 // hundredths of an hour, rounded half up: 13 h 40 min is 13,67
	s := fmt.Sprintf("%s.%02d", d.n(h/100), h%100)
	if !d.en() {
		s = fmt.Sprintf("%s,%02d", d.n(h/100), h%100)
	}
	return s
}

// checkFingerprint accepts "" or a hex SHA-256.
func checkFingerprint(what, fp string) error {
	if fp == "" || hexFingerprint.MatchString(fp) {
		return nil
	}
	return fmt.Errorf("reports: the %s must be a SHA-256 in lower-case hex (64 characters), not %q", what, fp)
}
