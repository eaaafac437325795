package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"zorginkoop/internal/store/sqlstore"
)

// copyFrom is sqlstore.Dialect.CopyFrom, used for claim lines (AddLines): COPY ... FROM
// STDIN in the text format on the pgx connection under conn, which carries the context's
// database/sql transaction, so the rows are part of it. The rows are encoded as the
// server reads them (copyReader), straight from their Go values. pgx's CopyFrom encodes
// each value through its type map: with it the store reached 0.54 to 0.66 of the speed
// of a raw COPY of the same rows on the shared 2-core machine, with this encoder about
// 0.9 (BenchmarkClaimLinesCopy, docs/performance.md).
func copyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows sqlstore.RowSource) (int64, error) {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	query := `COPY "` + table + `" (` + strings.Join(quoted, ", ") + `) FROM STDIN`
	var n int64
	err := conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		r := &copyReader{rows: rows}
		tag, err := c.Conn().PgConn().CopyFrom(ctx, r, query)
		if r.err != nil {
			return r.err
		}
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return nil
	})
	return n, err
}

// copyReader encodes rows in COPY's text format as they are read.
type copyReader struct {
	rows sqlstore.RowSource
	buf  []byte
	pos  int
	done bool
	err  error
}

// copyChunk is about how much one Read encodes ahead.
const copyChunk = 64 << 10

func (r *copyReader) Read(p []byte) (int, error) {
	if r.pos == len(r.buf) {
		r.buf, r.pos = r.buf[:0], 0
		for !r.done && len(r.buf) < copyChunk {
			if !r.rows.Next() {
				r.done = true
				if err := r.rows.Err(); err != nil {
					r.err = err
					return 0, err
				}
				break
			}
			vs, err := r.rows.Values()
			if err != nil {
				r.err = err
				return 0, err
			}
			if r.buf, err = appendCopyRow(r.buf, vs); err != nil {
				r.err = err
				return 0, err
			}
		}
		if len(r.buf) == 0 {
			return 0, io.EOF
		}
	}
	n := copy(p, r.buf[r.pos:])
	r.pos += n
	return n, nil
}

// appendCopyRow appends one row in COPY's text format: tab-separated, \N for NULL,
// backslash escapes in text, t/f for booleans.
func appendCopyRow(b []byte, vs []any) ([]byte, error) {
	for i, v := range vs {
		if i > 0 {
			b = append(b, '\t')
		}
		switch v := v.(type) {
		case nil:
			b = append(b, `\N`...)
		case string:
			b = appendCopyText(b, v)
		case int32:
			b = strconv.AppendInt(b, int64(v), 10)
		case int64:
			b = strconv.AppendInt(b, v, 10)
		case int:
			b = strconv.AppendInt(b, int64(v), 10)
		case bool:
			if v {
				b = append(b, 't')
			} else {
				b = append(b, 'f')
			}
		case []byte:
			b = append(b, `\\x`...)
			b = fmt.Appendf(b, "%x", v)
		case time.Time:
			b = v.UTC().AppendFormat(b, "2006-01-02 15:04:05.999999999Z07:00")
		default:
			return b, fmt.Errorf("copy: cannot encode %T", v)
		}
	}
	return append(b, '\n'), nil
}

// appendCopyText appends s with COPY's text escapes. A NUL byte, which PostgreSQL text
// cannot hold, is passed on for the server to refuse.
func appendCopyText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		default:
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, '\\', esc)
		start = i + 1
	}
	return append(b, s[start:]...)
}
