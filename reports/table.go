package reports

// The one table of every document: columns of fixed or shared width, a
// header repeated on every page the table runs onto, cells whose text
// wraps (numbers stay right-aligned), rows that break across pages, bold
// total rows, spanning group rows and a bar-chart column.

// col is a column of a table.
type col struct {
	head  string
	w     float64 // millimetres; 0 takes a share of what fixed columns leave
	right bool    // right-aligned: numbers
	bar   bool    // a bar chart: the row's bar value, no text
}

// num is a right-aligned column of the given width.
func num(head string, w float64) col { return col{head: head, w: w, right: true} }

// text is a left-aligned column of the given width (0: shared).
func text(head string, w float64) col { return col{head: head, w: w} }

type table struct {
	d      *doc
	cols   []col
	widths []float64
	size   float64 // font size, points
	lineH  float64
	plain  bool       // no header, no rules: label/value lists
	fit    []float64  // per column of the row: a smaller font size, 0 for none
	head   [][]string // the column heads, wrapped
	headN  int        // lines of the head
	headH  float64
}

const padY = 0.7 // above and below the text of a row, millimetres

// table starts a table at the current position, printing its header.
func (d *doc) table(size float64, cols ...col) *table {
	t := &table{d: d, cols: cols, size: size, lineH: lineHeight(size)}
	t.layout()
	d.need(t.headH + 2*t.lineH + 2*padY)
	t.header()
	return t
}

// plainTable starts a table without header and rules.
func (d *doc) plainTable(size float64, cols ...col) *table {
	t := &table{d: d, cols: cols, size: size, lineH: lineHeight(size), plain: true}
	t.layout()
	return t
}

func (t *table) layout() {
	total := t.d.width()
	fixed, shared := 0.0, 0
	for _, c := range t.cols {
		if c.w > 0 {
			fixed += c.w
		} else {
			shared++
		}
	}
	t.widths = make([]float64, len(t.cols))
	for i, c := range t.cols {
		t.widths[i] = c.w
		if c.w == 0 {
			t.widths[i] = max(10, (total-fixed)/float64(shared))
		}
	}
	if t.plain {
		return
	}
	t.d.font(true, t.size)
	t.head = make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		t.head[i] = t.d.pdf.SplitText(c.head, t.widths[i])
		n = max(n, len(t.head[i]))
	}
	t.headN, t.headH = n, float64(n)*t.lineH+2*padY
	t.d.font(false, t.size)
}

func (t *table) totalWidth() float64 {
	s := 0.0
	for _, w := range t.widths {
		s += w
	}
	return s
}

// header prints the column heads, on a grey band, bold.
func (t *table) header() {
	if t.plain {
		return
	}
	p := t.d.pdf
	t.d.font(true, t.size)
	p.SetFillColor(228, 228, 228)
	p.SetDrawColor(90, 90, 90)
	p.SetLineWidth(0.25)
	x0, y0 := marginX, p.GetY()
	h := t.headH
	p.Rect(x0, y0, t.totalWidth(), h, "F")
	t.cells(t.head, 0, t.headN, y0, nil)
	p.Line(x0, y0+h, x0+t.totalWidth(), y0+h)
	p.SetXY(x0, y0+h)
	p.SetDrawColor(190, 190, 190)
	p.SetLineWidth(0.15)
	t.d.font(false, t.size)
}

// row prints a row; cells fill the columns that are not bars, in order.
func (t *table) row(cells ...string) { t.put(false, -1, cells) }

// total prints a row in bold on a light band: sums.
func (t *table) total(cells ...string) { t.put(true, -1, cells) }

// barRow prints a row whose bar column shows frac (0 to 1).
func (t *table) barRow(frac float64, cells ...string) { t.put(false, frac, cells) }

// group prints a bold row across all columns: the heading of the rows
// that follow.
func (t *table) group(text string) {
	t.d.font(true, t.size)
	lines := t.d.pdf.SplitText(text, t.totalWidth())
	all := make([][]string, len(t.cols))
	all[0] = lines
	t.draw(all, true, -1, true)
}

func (t *table) put(bold bool, bar float64, cells []string) {
	p := t.d.pdf
	t.d.font(bold, t.size)
	lines := make([][]string, len(t.cols))
	t.fit = t.fit[:0]
	for range t.cols {
		t.fit = append(t.fit, 0)
	}
	k := 0
	for i, c := range t.cols {
		if c.bar {
			continue
		}
		s := ""
		if k < len(cells) {
			s = cells[k]
		}
		k++
		if s == "" {
			continue
		}
		if c.right {
			// Numbers never wrap: one that is too wide gets a smaller font.
			lines[i] = []string{s}
			if sw := p.GetStringWidth(s) + 2; sw > t.widths[i] {
				t.fit[i] = t.size * t.widths[i] / sw
			}
			continue
		}
		lines[i] = p.SplitText(s, t.widths[i])
	}
	t.draw(lines, bold, bar, false)
}

// draw prints the lines of a row, breaking the page before it when it
// does not fit, and within it when it is taller than a page.
func (t *table) draw(lines [][]string, bold bool, bar float64, span bool) {
	d, p := t.d, t.d.pdf
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	fresh := d.bottom() - marginTop - t.headH
	defer func() { t.fit = t.fit[:0] }()
	for start := 0; start < n; {
		avail := int((d.bottom() - p.GetY() - 2*padY) / t.lineH)
		whole := float64(n-start)*t.lineH+2*padY <= fresh
		if avail < 1 || (avail < n-start && whole) {
			d.newPage()
			t.header()
			d.font(bold, t.size)
			avail = max(1, int((d.bottom()-p.GetY()-2*padY)/t.lineH))
		}
		end := min(n, start+avail)
		y0 := p.GetY()
		h := float64(end-start)*t.lineH + 2*padY
		if bold && !t.plain {
			p.SetFillColor(240, 240, 240)
			p.Rect(marginX, y0, t.totalWidth(), h, "F")
		}
		if bar >= 0 {
			t.bar(bar, y0)
		}
		if span {
			t.spanLines(lines[0][start:end], y0)
		} else {
			t.cells(lines, start, end, y0, t.fit)
		}
		if !t.plain {
			p.Line(marginX, y0+h, marginX+t.totalWidth(), y0+h)
		}
		p.SetXY(marginX, y0+h)
		start = end
	}
}

func (t *table) cells(lines [][]string, start, end int, y0 float64, fit []float64) {
	p := t.d.pdf
	x := marginX
	for i, c := range t.cols {
		align := "L"
		if c.right {
			align = "R"
		}
		small := i < len(fit) && fit[i] > 0
		if small {
			p.SetFontSize(fit[i])
		}
		for j := start; j < end && j < len(lines[i]); j++ {
			p.SetXY(x, y0+padY+float64(j-start)*t.lineH)
			p.CellFormat(t.widths[i], t.lineH, lines[i][j], "", 0, align, false, 0, "")
		}
		if small {
			p.SetFontSize(t.size)
		}
		x += t.widths[i]
	}
}

func (t *table) spanLines(lines []string, y0 float64) {
	p := t.d.pdf
	for j, l := range lines {
		p.SetXY(marginX, y0+padY+float64(j)*t.lineH)
		p.CellFormat(t.totalWidth(), t.lineH, l, "", 0, "L", false, 0, "")
	}
}

// bar fills the bar column of the row, one line high: frac of its
// width, at least a hairline for any value above zero.
func (t *table) bar(frac float64, y0 float64) {
	p := t.d.pdf
	x := marginX
	for i, c := range t.cols {
		if c.bar {
			w := (t.widths[i] - 2) * min(1, frac)
			if frac > 0 && w < 0.3 {
				w = 0.3
			}
			if w > 0 {
				p.SetFillColor(70, 100, 140)
				p.Rect(x+1, y0+padY+0.3, w, t.lineH-0.6, "F")
			}
		}
		x += t.widths[i]
	}
}
