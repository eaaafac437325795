package document

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The types a document may have, sniffed from its bytes.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeText = "text/plain; charset=utf-8"
	TypeCSV  = "text/csv; charset=utf-8"
)

// Sniff returns the content type of data, or "" when it is none of the allowed types.
// The name decides only between plain text and CSV, both harmless text.
func Sniff(name string, data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffOffice(data)
	case isText(data):
		if strings.HasSuffix(strings.ToLower(name), ".csv") {
			return TypeCSV
		}
		return TypeText
	}
	return ""
}

// The main parts of the Office Open XML documents allowed, with the content type that
// [Content_Types].xml must give them. Macro-enabled workbooks and documents (xlsm, docm)
// declare another main type and are refused.
var officeMain = []struct{ part, declared, typ string }{
	{"xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", TypeXLSX},
	{"word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", TypeDOCX},
}

// maxContentTypes bounds what is read of [Content_Types].xml (a few kB in practice).
const maxContentTypes = 1 << 20

// sniffOffice tells an xlsx or docx from any other zip archive: it must hold
// [Content_Types].xml declaring the main part's type, and that part; no macros.
func sniffOffice(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin") {
			return ""
		}
		parts[f.Name] = f
	}
	ct, ok := parts["[Content_Types].xml"]
	if !ok {
		return ""
	}
	rc, err := ct.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	declared, err := io.ReadAll(io.LimitReader(rc, maxContentTypes))
	if err != nil {
		return ""
	}
	for _, m := range officeMain {
		if parts[m.part] != nil && bytes.Contains(declared, []byte(`"`+m.declared+`"`)) {
			return m.typ
		}
	}
	return ""
}

// isText reports whether data is UTF-8 text (a BOM allowed) without control characters
// other than tab, line ends and form feed, and is not markup a browser would run (HTML,
// SVG, XML).
func isText(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return false
	}
	for _, r := range string(data) {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' || r == 0x7F {
			return false
		}
	}
	if ct := http.DetectContentType(data); !strings.HasPrefix(ct, "text/plain") {
		return false
	}
	head := strings.ToLower(strings.TrimSpace(string(data[:min(len(data), 512)])))
	for _, markup := range []string{"<!doctype", "<html", "<?xml", "<svg", "<script", "<head", "<body", "<iframe"} {
		if strings.HasPrefix(head, markup) {
			return false
		}
	}
	return true
}
