package demo_test

import (
	"context"
	"testing"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/errs"
)

func TestLoadSupervise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadHistory(t, d)
		if err := demo.LoadSupervise(ctx, d, historyNow); err != nil {
			t.Fatalf("LoadSupervise: %v", err)
		}
		count := func(q string) int {
			var n int
			if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		today := historyNow.Format("2006-01-02")
		for _, c := range []struct {
			q        string
			min, max int
		}{
			{`SELECT COUNT(*) FROM tf_standups`, 8, 30},
			{`SELECT COUNT(*) FROM tf_weeklies`, 6, 6},
			{`SELECT COUNT(*) FROM tf_decisions WHERE done_at IS NOT NULL`, 6, 12},
			{`SELECT COUNT(*) FROM tf_decisions WHERE done_at IS NULL`, 2, 2},
			{`SELECT COUNT(*) FROM tf_decisions WHERE done_at IS NULL AND due < '` + today + `'`, 1, 1},
			{`SELECT COUNT(*) FROM sitins WHERE recorded_at IS NOT NULL`, 15, 15},
			{`SELECT COUNT(*) FROM sitin_problems sp JOIN rectifications r ON r.id = sp.rectification_id WHERE r.source = 'sitin'`, 3, 3},
			{`SELECT COUNT(*) FROM tf_observations`, 3, 30},
			{`SELECT COUNT(*) FROM exemplars`, 8, 8},
			{`SELECT COUNT(*) FROM exemplars WHERE published = TRUE`, 6, 6},
			{`SELECT COUNT(*) FROM exemplars e JOIN speeches s ON s.id = e.speech_id WHERE s.is_case = TRUE`, 8, 8},
		} {
			if n := count(c.q); n < c.min || n > c.max {
				t.Errorf("%s = %d, want %d..%d", c.q, n, c.min, c.max)
			}
		}
		if err := demo.LoadSupervise(ctx, d, historyNow); errs.KindOf(err) != errs.Conflict {
			t.Errorf("second load: %v, want a conflict", err)
		}
	})
}
