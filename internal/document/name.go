package document

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the most characters a stored file name has.
const MaxNameLength = 120

// CleanName returns the file name as stored and shown: without directories (of either
// slash), control and bidirectional-override characters, leading dots and spaces, at
// most MaxNameLength characters with its extension kept; "document" when nothing is left.
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u200B' || r == '\uFEFF' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	if utf8.RuneCountInString(name) > MaxNameLength {
		ext := filepath.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		base := []rune(strings.TrimSuffix(name, ext))
		name = strings.TrimSpace(string(base[:MaxNameLength-utf8.RuneCountInString(ext)])) + ext
	}
	if name == "" {
		return "document"
	}
	return name
}
