package pricelist

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
)

// Amounts read from a spreadsheet: a number cell (raw, as stored: "1234.56", "1.5E3") or
// text in Dutch notation ("1.234,56", "€ 1.234,56", "12,50"; "12.50" is read as a decimal
// point too, since a thousands group has three digits). Converted to cents exactly, with
// big.Rat: never through a float.

var (
	errNotAmount  = errors.New("not an amount")
	errDecimals   = errors.New("more than two decimals")
	dutchGrouping = regexp.MustCompile(`^\d{1,3}(\.\d{3})+(,\d*)?$`)
	plainDecimal  = regexp.MustCompile(`^\d+([.,]\d+)?$`)
	rawNumber     = regexp.MustCompile(`^-?\d+(\.\d+)?([eE][-+]?\d+)?$`)
	// floatNoise: a number cell written by a spreadsheet may carry binary noise
	// (1234.5599999999999): within this many cents of a whole cent it is that cent.
	floatNoise = big.NewRat(1, 1_000_000)
)

// isDutchGrouped reports whether s is a number with dots grouping thousands (1.234): as a
// number cell it would be 1.234, as Dutch text 1234, so the cell's type decides.
func isDutchGrouped(s string) bool { return dutchGrouping.MatchString(strings.TrimSpace(s)) }

// parseCents reads an amount in euros into cents; numeric says the cell is a number.
func parseCents(s string, numeric bool) (int64, error) {
	r, err := parseDecimal(s, numeric, true)
	if err != nil {
		return 0, err
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		if !numeric {
			return 0, errDecimals
		}
		rounded := roundRat(r)
		diff := new(big.Rat).Sub(r, rounded)
		if diff.Abs(diff).Cmp(floatNoise) > 0 {
			return 0, errDecimals
		}
		r = rounded
	}
	if !r.Num().IsInt64() {
		return 0, errNotAmount
	}
	return r.Num().Int64(), nil
}

// parseWhole reads a whole number (a volume, a category).
func parseWhole(s string, numeric bool) (int64, error) {
	r, err := parseDecimal(s, numeric, false)
	if err != nil {
		return 0, err
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, errNotAmount
	}
	return r.Num().Int64(), nil
}

// parseDecimal reads a number cell's raw value, or Dutch text (with a euro sign when money).
func parseDecimal(s string, numeric, money bool) (*big.Rat, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	if numeric {
		if !rawNumber.MatchString(s) {
			return nil, errNotAmount
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return nil, errNotAmount
		}
		return r, nil
	}
	if money {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "€"), "EUR"))
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.ReplaceAll(strings.TrimPrefix(s, "-"), " ", "")
	switch {
	case dutchGrouping.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
		s = strings.TrimSuffix(strings.Replace(s, ",", ".", 1), ".")
	case plainDecimal.MatchString(s):
		if strings.Contains(s, ".") && len(s)-strings.Index(s, ".") == 4 {
			return nil, errNotAmount // "1.234" is caught above; "12.345" cannot be told apart
		}
		s = strings.Replace(s, ",", ".", 1)
	default:
		return nil, errNotAmount
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, errNotAmount
	}
	if neg {
		r.Neg(r)
	}
	return r, nil
}

// roundRat rounds r to the nearest integer, halves away from zero.
func roundRat(r *big.Rat) *big.Rat {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	half := new(big.Int).Quo(den, big.NewInt(2))
	if num.Sign() < 0 {
		num.Sub(num, half)
	} else {
		num.Add(num, half)
	}
	return new(big.Rat).SetInt(num.Quo(num, den))
}

// euros formats cents as the raw decimal of a number cell: 123456 is "1234.56".
func euros(cents int64) string {
	return new(big.Rat).SetFrac64(cents, 100).FloatString(2)
}
