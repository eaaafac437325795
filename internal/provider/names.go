package provider

// Dutch names of provider codes, for every door that shows them to people.
var (
	SourceNames = map[Source]string{
		SourceProvider: "opgegeven door de zorgaanbieder", SourceRegister: "uit een openbaar register",
		SourceInsurer: "uit gegevens van de zorgverzekeraar",
	}
	AGBKindNames = map[AGBKind]string{AGBInstitution: "instelling", AGBPractice: "praktijk", AGBCaregiver: "zorgverlener"}
)
