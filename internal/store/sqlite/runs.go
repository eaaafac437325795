package sqlite

import (
	"context"
	"fmt"
	"strings"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/store/sqlstore"
)

// SaveRun stores a run with its summaries in one transaction (the context's, when
// sqlstore.DB.InTx carries one) and sets run.ID.
func (db *DB) SaveRun(ctx context.Context, run *assessment.Run) error {
	var id int64
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := db.Tx(ctx)
		if err := tx.QueryRowContext(ctx, sqlstore.InsertRun, db.RunArgs(run)...).Scan(&id); err != nil {
			return fmt.Errorf("save run: %w", err)
		}
		if err := db.SaveRunParts(ctx, tx, id, run.Parts); err != nil {
			return fmt.Errorf("save run: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO assessment_summaries (`+strings.Join(sqlstore.SummaryColumns, ", ")+
			`) VALUES (?`+strings.Repeat(", ?", len(sqlstore.SummaryColumns)-1)+`)`)
		if err != nil {
			return fmt.Errorf("save run: %w", err)
		}
		defer stmt.Close()
		for i := range run.Summaries {
			if _, err := stmt.ExecContext(ctx, sqlstore.SummaryRow(id, i, &run.Summaries[i])...); err != nil {
				return fmt.Errorf("save run: summary %d (%s): %w", i, run.Summaries[i].ProviderID, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	run.ID = id
	return nil
}
