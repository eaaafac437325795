package policy

// SectorNames are the Dutch names of the sectors (zorgsoort in the wide sense) that
// policies and the registry's care types name by code.
var SectorNames = map[string]string{
	"msz":               "Medisch-specialistische zorg",
	"huisartsenzorg":    "Huisartsenzorg",
	"multidisciplinair": "Multidisciplinaire zorg",
	"ggz":               "Geestelijke gezondheidszorg",
	"wijkverpleging":    "Wijkverpleging",
	"paramedisch":       "Paramedische zorg",
	"farmacie":          "Farmacie",
	"mondzorg":          "Mondzorg",
}

// SectorName is the Dutch name of a sector code, or the code itself when it has none.
func SectorName(code string) string {
	if n, ok := SectorNames[code]; ok {
		return n
	}
	return code
}
