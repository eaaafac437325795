package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/store/sqlstore"
)

// SaveRun stores a run with its summaries (by COPY) in one transaction (the context's,
// when sqlstore.DB.InTx carries one) and sets run.ID.
func (db *DB) SaveRun(ctx context.Context, run *assessment.Run) error {
	var id int64
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := db.Tx(ctx)
		if err := tx.QueryRowContext(ctx, db.Q(sqlstore.InsertRun), db.RunArgs(run)...).Scan(&id); err != nil {
			return err
		}
		if err := db.SaveRunParts(ctx, tx, id, run.Parts); err != nil {
			return err
		}
		rows := make([][]any, len(run.Summaries))
		for i := range run.Summaries {
			rows[i] = sqlstore.SummaryRow(id, i, &run.Summaries[i])
		}
		// COPY on the transaction's own connection: pgx underneath database/sql.
		return db.onTxConn(ctx, func(c *pgx.Conn) error {
			_, err := c.CopyFrom(ctx, pgx.Identifier{"assessment_summaries"}, sqlstore.SummaryColumns, pgx.CopyFromRows(rows))
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	run.ID = id
	return nil
}
