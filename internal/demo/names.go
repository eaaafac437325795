package demo

import (
	"math/rand/v2"
	"strings"
)

// careKind describes how providers of a care type look: how common they are, their AGB
// zorgsoort prefix, how they are named and what specialisms they have.
type careKind struct {
	weight      float64
	agbPrefix   string
	practice    bool // a practice (praktijk) rather than an institution
	names       []string
	specialisms []string
	maxLocs     int
}

// Name patterns: {plaats} is the place of the main location, {regio} a region, {naam} a
// house-style name, {wijk} a neighbourhood, {achternaam} a surname.
var careKinds = map[string]careKind{
	"huisarts": {weight: 34, agbPrefix: "01", practice: true, maxLocs: 1,
		names: []string{"Huisartsenpraktijk {wijk}", "Huisartsenpraktijk {achternaam}", "Huisartsen {wijk}", "Huisartsenpraktijk {achternaam} en {achternaam}", "Praktijk {wijk}"}},
	"zbc": {weight: 20, agbPrefix: "22", maxLocs: 2,
		names:       []string{"Kliniek {naam}", "{plaats} Kliniek", "Zelfstandig Behandelcentrum {naam}", "Oogkliniek {plaats}", "Huidkliniek {regio}", "Orthopedisch Centrum {regio}", "Kliniek {plaats}", "Medisch Centrum {naam}"},
		specialisms: []string{"orthopedie", "oogheelkunde", "dermatologie", "plastische chirurgie", "keel-, neus- en oorheelkunde", "anesthesiologie", "cardiologie", "gynaecologie", "urologie", "neurologie"}},
	"gezondheidscentrum": {weight: 6, agbPrefix: "01", practice: true, maxLocs: 1,
		names: []string{"Gezondheidscentrum {wijk}", "Gezondheidscentrum {plaats}", "Gezondheidshuis {wijk}"}},
	"ziekenhuis": {weight: 5, agbPrefix: "06", maxLocs: 3,
		names:       []string{"Ziekenhuis {regio}", "{regio} Ziekenhuis", "Ziekenhuis {plaats}", "Sint {heilige} Gasthuis", "{heilige} Ziekenhuis", "Medisch Centrum {regio}"},
		specialisms: []string{"interne geneeskunde", "chirurgie", "cardiologie", "longziekten", "kindergeneeskunde", "orthopedie", "neurologie", "gynaecologie", "oogheelkunde", "urologie"}},
	"huisartsenpost":         {weight: 3, agbPrefix: "01", maxLocs: 2, names: []string{"Huisartsenpost {plaats}", "Huisartsendienstenstructuur {regio}", "HAP {regio}"}},
	"rsv":                    {weight: 3, agbPrefix: "01", maxLocs: 1, names: []string{"Zorggroep {regio}", "Huisartsencoöperatie {regio}", "Eerstelijnszorg {regio}"}},
	"eerstelijnsdiagnostiek": {weight: 3, agbPrefix: "24", maxLocs: 2, names: []string{"Diagnostisch Centrum {regio}", "Eerstelijnsdiagnostiek {regio}", "Huisartsenlaboratorium {plaats}"}},
	"dialysecentrum":         {weight: 3, agbPrefix: "22", maxLocs: 2, names: []string{"Dialysecentrum {regio}", "Nierstichting Dialyse {plaats}", "Dialysecentrum {naam}"}},
	"msr":                    {weight: 3, agbPrefix: "08", maxLocs: 2, names: []string{"Revalidatiecentrum {naam}", "Revalidatie {regio}", "Revalidatiecentrum {plaats}"}},
	"trombosedienst":         {weight: 2, agbPrefix: "24", maxLocs: 2, names: []string{"Trombosedienst {regio}", "Trombosedienst {plaats}"}},
	"audiologisch_centrum":   {weight: 2, agbPrefix: "27", maxLocs: 2, names: []string{"Audiologisch Centrum {regio}", "Audiologisch Centrum {plaats}"}},
	"categorale_instelling":  {weight: 1, agbPrefix: "06", maxLocs: 1, names: []string{"Oogziekenhuis {plaats}", "Longcentrum {naam}", "Kinderkliniek {regio}", "Epilepsiecentrum {naam}"}, specialisms: []string{"oogheelkunde", "longziekten", "kindergeneeskunde", "neurologie"}},
	"radiotherapie":          {weight: 1, agbPrefix: "06", maxLocs: 1, names: []string{"Radiotherapiecentrum {regio}", "Radiotherapeutisch Instituut {regio}"}, specialisms: []string{"radiotherapie"}},
	"umc":                    {weight: 0.6, agbPrefix: "06", maxLocs: 2, names: []string{"Universitair Medisch Centrum {plaats}", "UMC {plaats}"}, specialisms: []string{"interne geneeskunde", "chirurgie", "cardiologie", "neurochirurgie", "kindergeneeskunde", "klinische genetica"}},
	"protonentherapie":       {weight: 0.3, agbPrefix: "06", maxLocs: 1, names: []string{"Protonentherapiecentrum {regio}", "Protonencentrum {plaats}"}, specialisms: []string{"radiotherapie"}},
}

// otherKind is used for care types the registry gains later.
var otherKind = careKind{weight: 1, agbPrefix: "06", maxLocs: 1, names: []string{"Zorgcentrum {regio}", "Zorginstelling {naam}"}}

var (
	houseNames = []string{"De Maasoever", "De Linde", "Het Eikenhof", "De Boogaard", "Rijnstate", "De Vecht", "Het Zonnehuis",
		"De Horst", "Waterland", "De Beukenhorst", "Het Baken", "De Lichtenberg", "De Sterrenberg", "Het Lindenhof",
		"De Kempenaer", "Het Duin", "De Lek", "Meerzicht", "Heuvelrug", "De Dijk", "Het Veer", "De Waard", "IJsselzicht", "Berkenrode"}
	quarters = []string{"Oosterpark", "De Pijp", "Kralingen", "Lombok", "Het Zand", "Stadsdriehoek", "Overvecht", "Zuilen",
		"Transvaal", "Vogelwijk", "Bloemenbuurt", "De Schilderswijk", "Wittevrouwen", "Het Rode Dorp", "Heuvelkwartier",
		"Binnenstad", "Noordereiland", "Dorp", "Centrum", "De Hoven", "Rivierwijk", "Boswijk", "Molenwijk", "Kerkbuurt", "De Akkers"}
	surnames = []string{"De Vries", "Jansen", "Van den Berg", "Bakker", "Visser", "Smit", "Meijer", "De Boer", "Mulder",
		"De Groot", "Bos", "Vos", "Peters", "Hendriks", "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits",
		"De Graaf", "Van der Meer", "Kok", "Yılmaz", "El Amrani", "Van Dijk", "Verhoeven", "Koster", "Prins", "Huisman"}
	saints  = []string{"Antonius", "Franciscus", "Elisabeth", "Jansdal", "Catharina", "Maartens", "Laurentius", "Anna", "Jans", "Radboud"}
	streets = []string{"Hoofdstraat", "Kerkstraat", "Stationsweg", "Dorpsstraat", "Molenweg", "Schoolstraat", "Julianalaan",
		"Wilhelminastraat", "Beatrixlaan", "Parkweg", "Ziekenhuislaan", "Zorgboulevard", "Industrieweg", "Nieuwe Gracht",
		"Rijksstraatweg", "Lindelaan", "Burgemeester de Withstraat", "Oranjesingel", "Marktplein", "Vondellaan"}
	locationNames = []string{"Hoofdlocatie", "Polikliniek", "Behandelcentrum", "Buitenpolikliniek", "Locatie Noord", "Locatie Zuid"}
)

func pick(r *rand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }

// regions names the region of a PC4 area by the first two digits of its code (ranges
// that start at the code given, until the next): so that a name says where the provider is.
var regions = []struct {
	from string
	name string
}{
	{"10", "Amstelland"}, {"12", "Gooi en Vechtstreek"}, {"13", "Flevoland"}, {"14", "Zaanstreek"}, {"16", "West-Friesland"},
	{"17", "Noord-Holland Noord"}, {"18", "Kennemerland"}, {"22", "Holland Rijnland"}, {"25", "Haaglanden"}, {"27", "Zoetermeer"},
	{"28", "Midden-Holland"}, {"30", "Rijnmond"}, {"32", "Voorne-Putten"}, {"33", "Drechtsteden"}, {"34", "Utrecht"},
	{"37", "Eemland"}, {"39", "Utrechtse Heuvelrug"}, {"40", "Rivierenland"}, {"42", "Alblasserwaard"}, {"43", "Zeeland"},
	{"46", "West-Brabant"}, {"50", "Midden-Brabant"}, {"52", "Noordoost-Brabant"}, {"55", "Kempen"}, {"57", "De Peel"},
	{"58", "Noord-Limburg"}, {"60", "Midden-Limburg"}, {"61", "Zuid-Limburg"}, {"65", "Rijk van Nijmegen"}, {"67", "Veluwe"},
	{"68", "Arnhem en de Liemers"}, {"70", "Achterhoek"}, {"73", "Veluwe"}, {"74", "Salland"}, {"75", "Twente"},
	{"77", "Vechtdal"}, {"78", "Drenthe"}, {"80", "IJsselland"}, {"82", "Flevoland"}, {"83", "Noordoostpolder"},
	{"84", "Fryslân"}, {"93", "Drenthe"}, {"95", "Groningen"},
}

// regionOf returns the region of a PC4 code.
func regionOf(pc4 string) string {
	name := regions[0].name
	for _, rg := range regions {
		if pc4[:2] >= rg.from {
			name = rg.name
		}
	}
	return name
}

// umcCities are the places with a university medical centre: a UMC is named after one.
var umcCities = []string{"Amsterdam", "Rotterdam", "Utrecht", "Leiden", "Groningen", "Nijmegen", "Maastricht"}

// name fills a name pattern for a provider whose main location is in place, in the PC4
// area pc4.
func name(r *rand.Rand, pattern, place, pc4 string) string {
	repl := strings.NewReplacer("{plaats}", place, "{regio}", regionOf(pc4), "{naam}", pick(r, houseNames),
		"{wijk}", pick(r, quarters), "{heilige}", pick(r, saints))
	s := repl.Replace(pattern)
	for strings.Contains(s, "{achternaam}") {
		s = strings.Replace(s, "{achternaam}", pick(r, surnames), 1)
	}
	return s
}

// postcodeLetters returns a plausible postcode suffix: two capitals, never SA, SD or SS.
func postcodeLetters(r *rand.Rand) string {
	for {
		b := []byte{byte('A' + r.IntN(26)), byte('A' + r.IntN(26))}
		if s := string(b); s != "SA" && s != "SD" && s != "SS" {
			return s
		}
	}
}
