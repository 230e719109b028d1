package db_test

import (
	"context"
	"strings"
	"testing"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
)

// TestIndexedBy: the hint reads on SQLite and is absent on PostgreSQL, so
// the same query runs on both; naming a missing index fails on SQLite,
// which shows the hint is really there.
func TestIndexedBy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		hint := d.IndexedBy("materials_search")
		if got := strings.Contains(hint, "INDEXED BY"); got != (d.Dialect == db.SQLite) {
			t.Errorf("%v: hint %q", d.Dialect, hint)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM materials m`+hint+` WHERE m.id = ?`, 1).Scan(&n); err != nil || n != 0 {
			t.Errorf("%v: query with hint: %d, %v", d.Dialect, n, err)
		}
		if d.Dialect == db.SQLite {
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM materials m`+d.IndexedBy("no_such_index")).Scan(&n); err == nil {
				t.Error("a hint naming no index was accepted")
			}
		}
	})
}
