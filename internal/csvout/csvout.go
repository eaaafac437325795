// Package csvout is the one CSV writer of every download: the way Dutch spreadsheet programs
// open a file (UTF-8 with a byte-order mark, semicolon separated), written row by row to the
// response so that memory stays flat, with every cell guarded against formula injection.
package csvout

import (
	"encoding/csv"
	"io"
	"net/http"
	"strings"
)

// Writer writes CSV rows. Create it with New; call Flush (or Close) at the end.
type Writer struct {
	cw   *csv.Writer
	rows int
}

// New writes the byte-order mark and the header to w and returns the writer. When w is an
// http.ResponseWriter, the header is sent with it; rows follow as they are written.
func New(w io.Writer, header []string) *Writer {
	io.WriteString(w, "\uFEFF")
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	out := &Writer{cw: cw}
	out.Write(header)
	return out
}

// Write writes one row, each cell guarded by Cell. It flushes every 500 rows, so a long
// download streams to the client instead of piling up in a buffer.
func (w *Writer) Write(row []string) error {
	guarded := make([]string, len(row))
	for i, s := range row {
		guarded[i] = Cell(s)
	}
	if err := w.cw.Write(guarded); err != nil {
		return err
	}
	w.rows++
	if w.rows%500 == 0 {
		w.cw.Flush()
		return w.cw.Error()
	}
	return nil
}

// Flush writes what is buffered and returns the first write error, if any.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// Cell keeps a spreadsheet from reading text as a formula: a value that starts with =, +,
// -, @ or a tab, carriage return or newline gets a leading apostrophe, which spreadsheets
// hide.
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\n", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Download sets the headers of a CSV download named name.
func Download(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}
