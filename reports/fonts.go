package reports

import _ "embed"

// The documents embed DejaVu Sans (regular and bold), a UTF-8 TrueType
// font with every German letter; its licence is fonts/LICENSE. fpdf embeds
// only the glyphs a document uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)
