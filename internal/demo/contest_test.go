package demo_test

import (
	"context"
	"testing"

	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/live"
)

// The demo contest: two finished preliminaries whose logs replay into
// stage standings, six branches through to the final.
func TestLoadContest(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t)
	if err := demo.Load(ctx, d, 1, "Demo@2026x"); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadContest(ctx, d); err != nil {
		t.Fatal(err)
	}
	adv, matches, err := live.NewStore(d).Stage(ctx, demo.ContestSeries)
	if err != nil {
		t.Fatal(err)
	}
	if len(matches) != 2 || len(adv.Standings) != 6 || len(adv.Qualified) != 6 {
		t.Fatalf("matches %d standings %d qualified %d", len(matches), len(adv.Standings), len(adv.Qualified))
	}
	if adv.Standings[0].Score != 10 || adv.Standings[5].Score != 0 || adv.Standings[5].Wrong != 1 {
		t.Errorf("standings %+v", adv.Standings)
	}
	var n int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM team_events`).Scan(&n); err != nil || n != 1 {
		t.Errorf("team events: %d %v", n, err)
	}
}
