package policy

import (
	"reflect"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"zorginkoop/internal/nl"
	"zorginkoop/internal/provider"
)

// FormatValue renders a CEL value the way a Dutch reader expects for a fact of type t:
// money as "€ 100.000,00", dates as "9 november 2023", percentages as "25%".
func FormatValue(t provider.FactType, v ref.Val) string {
	switch x := v.(type) {
	case types.Bool:
		return nl.Bool(bool(x))
	case types.Int:
		if t == provider.Money {
			return nl.Money(int64(x))
		}
		if t == provider.Percent {
			return nl.Percent(float64(x))
		}
		return nl.Int(int64(x))
	case types.Double:
		if t == provider.Percent {
			return nl.Percent(float64(x))
		}
		if t == provider.Money {
			return nl.Money(int64(float64(x)))
		}
		return nl.Number(float64(x))
	case types.Timestamp:
		return nl.Date(x.Time)
	case types.String:
		return string(x)
	case traits.Lister:
		if items, err := x.ConvertToNative(reflect.TypeOf([]string{})); err == nil {
			return nl.Join(items.([]string))
		}
	}
	if v == nil {
		return "onbekend"
	}
	return "?"
}

// FormatDate renders a civil date in Dutch.
func FormatDate(t time.Time) string { return nl.Date(t) }
