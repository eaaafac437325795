package web

import (
	"html/template"
	"strconv"
	"strings"

	"zorginkoop/internal/contract"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/pricelist"
)

// The Dutch words and numbers of the round's pages.

var contractStatusNames = map[contract.Status]string{
	contract.AwaitingSignatures: "wacht op ondertekening", contract.ProviderSigned: "ondertekend door de zorgaanbieder, wacht op de zorgverzekeraar",
	contract.Signed: "ondertekend door beide partijen", contract.Published: "gepubliceerd",
}

var contractSideNames = map[contract.Side]string{contract.ProviderSide: "zorgaanbieder", contract.InsurerSide: "zorgverzekeraar"}

var lineChangeNames = map[pricelist.Change]string{
	pricelist.Added: "nieuw", pricelist.Removed: "vervallen", pricelist.Changed: "gewijzigd", pricelist.Unchanged: "ongewijzigd",
}

func roundFuncs() template.FuncMap {
	return template.FuncMap{
		"contractStatus": func(s contract.Status) string { return orCode(contractStatusNames, s) },
		"contractSide":   func(s contract.Side) string { return orCode(contractSideNames, s) },
		"lineChange":     func(c pricelist.Change) string { return orCode(lineChangeNames, c) },
		"bytes":          func(n int64) string { return sizeName(n) },
		"volume":         func(n int) string { return nl.Int(int64(n)) },
		"euros":          euroField,
		"lineTotal":      lineTotal,
	}
}

// euroField writes cents as a form writes an amount: "1234,56", without the euro sign or
// thousands separators, so that it reads back the same.
func euroField(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + strconv.FormatInt(cents/100, 10) + "," + leftPad(strconv.FormatInt(cents%100, 10), 2)
}

func leftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}
