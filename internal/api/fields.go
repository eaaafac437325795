package api

import (
	"strings"

	"zorginkoop/internal/apperr"
)

// renameFields names the request's fields in the errors of a service that names its own
// (a price line's "tariff" is "tariff_cents" here): rename returns the request's name, or
// "" to keep the service's.
func renameFields(err error, rename func(field string) string) error {
	errs := apperr.Errors(err)
	changed := false
	for _, e := range errs {
		changed = changed || rename(e.Field) != ""
	}
	if !changed {
		return err
	}
	out := make(apperr.List, len(errs))
	for i, e := range errs {
		c := *e
		if f := rename(c.Field); f != "" {
			c.Field = f
		}
		out[i] = &c
	}
	return out
}

// lineFields renames the amounts of price lines ("lines[2].tariff") to their names in
// cents ("lines[2].tariff_cents").
func lineFields(field string) string {
	for _, amount := range []string{".tariff", ".ceiling"} {
		if base, ok := strings.CutSuffix(field, amount); ok {
			return base + amount + "_cents"
		}
	}
	return ""
}
