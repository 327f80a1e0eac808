package reports

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// qr draws content as a QR code of the given size (millimetres, without
// the quiet zone) with its top left corner at x, y. It draws vector
// rectangles, one per run of dark modules in a row, so the code is sharp
// at any print size and the bytes are the same on every machine.
func (d *doc) qr(content string, x, y, size float64) error {
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("reports: QR code: %w", err)
	}
	code.DisableBorder = true
	bits := code.Bitmap()
	if len(bits) == 0 {
		return fmt.Errorf("reports: QR code of %q is empty", content)
	}
	m := size / float64(len(bits))
	p := d.pdf
	p.SetFillColor(0, 0, 0)
	for r, row := range bits {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			p.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m, m, "F")
		}
	}
	return nil
}
