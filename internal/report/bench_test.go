package report

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
)

// The budgets are measured on data made by `xuejiangping demo --scale …`:
//
//	XUEJIANGPING_BENCH_DB=/path/xuejiangping.db        (SQLite, district)
//	XUEJIANGPING_BENCH_DB=postgres://…                  (PostgreSQL, province)
//	go test ./internal/report -run '^$' -bench Dashboard -benchtime 20x
//
// Each benchmark reports p50 and p95 of the requests it made.
func benchDB(b *testing.B) *db.DB {
	dsn := os.Getenv("XUEJIANGPING_BENCH_DB")
	if dsn == "" {
		b.Skip("XUEJIANGPING_BENCH_DB not set")
	}
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

var benchAdmin = &auth.Principal{UserID: 1, Username: "admin", Grants: []auth.Grant{{Role: auth.Admin, OrgID: 1, OrgPath: "/1/"}}}

func benchDashboard(b *testing.B, org int64, round string) {
	d := benchDB(b)
	s := NewService(d, nil)
	ctx := context.Background()
	if round == "current" {
		r, _, err := s.Rounds.Current(ctx)
		if err != nil {
			b.Fatal(err)
		}
		round = r.Key()
	}
	warm := time.Now()
	if _, err := s.Dashboard(ctx, benchAdmin, round, org); err != nil { // warm: builds missing rounds
		b.Fatal(err)
	}
	b.Logf("first call (builds any round or rollup not built yet): %s", time.Since(warm).Round(time.Millisecond))
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if _, err := s.Dashboard(ctx, benchAdmin, round, org); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// The root (district or province): the largest aggregation, with the
// full trend, on the last completed round (the dashboard's default).
func BenchmarkDashboardRoot(b *testing.B) { benchDashboard(b, 0, "") }

// The root on the round under way.
func BenchmarkDashboardRootCurrent(b *testing.B) { benchDashboard(b, 0, "current") }

// A committee (org 2): the drill-down's first step.
func BenchmarkDashboardCommittee(b *testing.B) { benchDashboard(b, 2, "") }

// A branch with groups (org 3 in the generated data).
func BenchmarkDashboardBranch(b *testing.B) { benchDashboard(b, 3, "") }

// After a write the marked unit is refreshed before the read: one meeting
// updated, then the root dashboard.
func BenchmarkDashboardAfterWrite(b *testing.B) {
	d := benchDB(b)
	s := NewService(d, nil)
	ctx := context.Background()
	if _, err := s.Dashboard(ctx, benchAdmin, "", 0); err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	for b.Loop() {
		if _, err := d.Exec(ctx, `UPDATE meetings SET updated_at = ? WHERE id = (SELECT MAX(id) FROM meetings)`, time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if _, err := s.Dashboard(ctx, benchAdmin, "", 0); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}
