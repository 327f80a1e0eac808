package synthetic

// Name stock for generated elections: common German names, so that
// generated sheets look like the real thing and exercise umlauts and ß.

type party struct {
	id, name string
	small    bool
}

var parties = []party{
	{"csu", "Christlich-Soziale Union (CSU)", false},
	{"gruene", "BÜNDNIS 90/DIE GRÜNEN", false},
	{"spd", "Sozialdemokratische Partei Deutschlands (SPD)", false},
	{"fw", "FREIE WÄHLER", false},
	{"afd", "Alternative für Deutschland (AfD)", false},
	{"fdp", "Freie Demokratische Partei (FDP)", true},
	{"linke", "DIE LINKE", true},
	{"oedp", "Ökologisch-Demokratische Partei (ÖDP)", true},
	{"wg", "Wählergemeinschaft Bürger für Straßlach", true},
}

var townNames = []string{
	"Musterstadt", "Neuhausen am Bach", "Großweiler", "Überlingen-Süd", "Lindenau",
	"Kleinmünchen", "Bad Auerbrunn", "Weißenfels an der Straß",
}

var quarterNames = []string{
	"Altstadt", "Au", "Haidhausen", "Schwabing", "Maxvorstadt", "Bogenhausen", "Giesing",
	"Sendling", "Neuhausen", "Pasing", "Moosach", "Milbertshofen", "Trudering", "Laim",
	"Hadern", "Thalkirchen", "Feldmoching", "Aubing", "Allach", "Riem",
}

var buildingKinds = []string{
	"Grundschule an der", "Mittelschule an der", "Gymnasium an der", "Kindergarten an der",
	"Pfarrheim an der", "Bürgerhaus an der", "Seniorenzentrum an der", "Feuerwache an der",
}

var streetNames = []string{
	"Lindenstraße", "Schulstraße", "Hauptstraße", "Gartenstraße", "Bahnhofstraße",
	"Kirchstraße", "Mühlweg", "Am Anger", "Brunnenstraße", "Rosenstraße", "Schloßallee",
	"Wiesenweg", "Bergstraße", "Marktplatz", "Jägerstraße", "Königsallee", "Fürstenweg",
	"Dorfstraße", "Birkenweg", "Eichendorffstraße", "Goethestraße", "Schillerplatz",
	"Görresstraße", "Türkenstraße", "Ölmühlweg",
}

var firstNames = []string{
	"Anna", "Jürgen", "Maria", "Thomas", "Sabine", "Michael", "Ursula", "Stefan", "Claudia",
	"Andreas", "Monika", "Jörg", "Gisela", "Klaus", "Petra", "Björn", "Sören", "Änne",
	"Lena", "Maximilian", "Sophie", "Lukas", "Zoë", "Elif", "Mehmet", "Katarzyna", "Nguyen",
	"Hans-Peter", "Karl-Heinz", "Ann-Kathrin",
}

var lastNames = []string{
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
	"Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
	"Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Weiß",
	"Groß", "Strauß", "Öztürk", "Kowalski", "Yılmaz", "von Bülow", "Döring", "Jäger",
}
