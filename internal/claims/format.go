package claims

import "strconv"

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// appendDay appends d as "14 maart 2026" (as nl.Date), without allocating.
func appendDay(b []byte, d Day) []byte {
	m := int(d / 100 % 100)
	if d == 0 || m < 1 || m > 12 {
		return strconv.AppendInt(b, int64(d), 10)
	}
	b = strconv.AppendInt(b, int64(d%100), 10)
	b = append(b, ' ')
	b = append(b, months[m-1]...)
	b = append(b, ' ')
	return strconv.AppendInt(b, int64(d/10000), 10)
}

// DayText is d as "14 maart 2026".
func DayText(d Day) string { return string(appendDay(nil, d)) }

// appendMoney appends cents as "€ 1.234,56" (negative "€ -12,50"), as nl.Money.
func appendMoney(b []byte, cents int64) []byte {
	b = append(b, "€ "...)
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	var digits [24]byte
	s := strconv.AppendInt(digits[:0], cents/100, 10)
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, c)
	}
	b = append(b, ',')
	r := cents % 100
	b = append(b, byte('0'+r/10), byte('0'+r%10))
	return b
}

// ElevenTest reports whether s is a BSN of 9 digits that passes the eleven test:
// 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 (and not 0).
func ElevenTest(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * int(c-'0')
	}
	return sum != 0 && sum%11 == 0
}

// wellFormedCode: a declaration code of 1 to 6 digits or capital letters.
func wellFormedCode(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
