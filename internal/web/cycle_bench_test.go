package web_test

// Budget benchmarks of the 学讲评 cycle (issue 3): with two years of
// district-scale data (≈1,000 units, 12,000 members, 48 rounds, from
// report.Generate "district") on SQLite, a member's home page and a
// meeting page p95 ≤ 50 ms; the round compliance list for the whole
// district p95 ≤ 100 ms. Each benchmark records every iteration's duration
// and reports p50/p95 in ms. The generated database is kept in
// $TMPDIR/xjp-cycle-bench-<current round>/ so that repeated runs skip the
// generation (it is not part of any measurement); delete it to regenerate.
//
//	go test -run='^$' -bench=Cycle -count=3 ./internal/web/

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/app"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/report"
	"xuejiangping/internal/round"
)

var districtData struct {
	once sync.Once
	dir  string
	err  error
}

// districtDir returns a data directory holding the district-scale data
// set plus one member account, generating it on first use.
func districtDir(b *testing.B) string {
	b.Helper()
	districtData.once.Do(func() {
		cur := round.RoundAt(round.DefaultCalendar(round.Date{}), time.Now())
		dir := filepath.Join(os.TempDir(), "xjp-cycle-bench-"+cur.Key())
		districtData.dir = dir
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			return
		}
		_ = os.RemoveAll(dir)
		if districtData.err = os.MkdirAll(dir, 0o755); districtData.err != nil {
			return
		}
		ctx := context.Background()
		d, err := db.Open(ctx, filepath.Join(dir, "xuejiangping.db"))
		if err != nil {
			districtData.err = err
			return
		}
		defer d.Close()
		t0 := time.Now()
		st, err := report.Generate(ctx, d, "district", 1)
		if err != nil {
			districtData.err = err
			return
		}
		if districtData.err = addBenchMember(ctx, d); districtData.err != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "district data: %d units, %d members, %d meetings, %d speeches in %s\n",
			st.Units, st.Members, st.Meetings, st.Speeches, time.Since(t0).Round(time.Second))
		districtData.err = os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644)
	})
	if districtData.err != nil {
		b.Fatalf("district data: %v", districtData.err)
	}
	return districtData.dir
}

// addBenchMember gives a login to a member of a unit that met in the
// latest generated round (the generator writes accounts without usable
// passwords; sessions are made by benchSession).
func addBenchMember(ctx context.Context, d *db.DB) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		var member, org int64
		err := tx.QueryRow(ctx, `SELECT mb.id, mb.org_id FROM meetings mt JOIN members mb ON mb.org_id = mt.org_id
			WHERE mt.round_key = (SELECT MAX(round_key) FROM meetings) ORDER BY mt.id, mb.id LIMIT 1`).Scan(&member, &org)
		if err != nil {
			return fmt.Errorf("a member with a meeting in the last round: %w", err)
		}
		uid, err := tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, created_at) VALUES ('benchmember', '党员', '!', ?, ?)`, member, tx.Now)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)`, uid, string(auth.Member), org, tx.Now)
		return err
	})
}

// benchSession opens a session for a user straight in the database (the
// generated accounts have no password) and returns its cookie.
func benchSession(b *testing.B, d *db.DB, username string) *http.Cookie {
	b.Helper()
	token := fmt.Sprintf("bench-%s-%d", username, time.Now().UnixNano())
	now := time.Now().UTC()
	// The generated admin must change its password first; a benchmark
	// session skips that, as a real admin would have done it long ago.
	if _, err := d.Exec(context.Background(), `UPDATE users SET must_change = FALSE WHERE username = ?`, username); err != nil {
		b.Fatal(err)
	}
	_, err := d.Exec(context.Background(), `INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen) SELECT ?, id, ?, ? FROM users WHERE username = ?`,
		auth.HashToken(token), now, now, username)
	if err != nil {
		b.Fatal(err)
	}
	return &http.Cookie{Name: "xjp_session", Value: token}
}

func openDistrict(b *testing.B) *app.App {
	b.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: districtDir(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}

// benchGet measures GET path as user through the whole handler chain.
func benchGet(b *testing.B, a *app.App, user, path string) {
	b.Helper()
	cookie := benchSession(b, a.DB, user)
	var ds []time.Duration
	var size int
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		t0 := time.Now()
		a.Web.ServeHTTP(w, req)
		ds = append(ds, time.Since(t0))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s as %s: %d %.300s", path, user, w.Code, w.Body.String())
		}
		size = w.Body.Len()
	}
	cyclePercentiles(b, ds)
	b.ReportMetric(float64(size)/1024, "page-KiB")
}

func cyclePercentiles(b *testing.B, ds []time.Duration) {
	b.Helper()
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration { return ds[min(max(int(q*float64(len(ds))+0.5)-1, 0), len(ds)-1)] }
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(at(0.50)), "p50-ms")
	b.ReportMetric(ms(at(0.95)), "p95-ms")
}

// benchIDs reads the member's latest meeting and its round (the last
// generated round, complete for the whole district).
func benchIDs(b *testing.B, a *app.App) (meetingID int64, roundKey string) {
	b.Helper()
	var id sql.NullInt64
	err := a.DB.QueryRow(context.Background(), `SELECT mt.id, mt.round_key FROM users u JOIN members mb ON mb.id = u.member_id
		JOIN meetings mt ON mt.org_id = mb.org_id WHERE u.username = 'benchmember' ORDER BY mt.round_key DESC LIMIT 1`).Scan(&id, &roundKey)
	if err != nil || !id.Valid {
		b.Fatalf("bench member's meeting: %v", err)
	}
	return id.Int64, roundKey
}

// BenchmarkCycleMemberHome is GET / as a member (budget p95 ≤ 50 ms).
func BenchmarkCycleMemberHome(b *testing.B) {
	a := openDistrict(b)
	benchGet(b, a, "benchmember", "/")
}

// BenchmarkCycleMeetingPage is GET /meetings/{id} as a member of the unit (budget p95 ≤ 50 ms).
func BenchmarkCycleMeetingPage(b *testing.B) {
	a := openDistrict(b)
	id, _ := benchIDs(b, a)
	benchGet(b, a, "benchmember", fmt.Sprintf("/meetings/%d", id))
}

// BenchmarkCycleCompliancePage is GET /rounds/{key} as the district admin:
// every unit of the district (budget p95 ≤ 100 ms).
func BenchmarkCycleCompliancePage(b *testing.B) {
	a := openDistrict(b)
	_, key := benchIDs(b, a)
	benchGet(b, a, "admin", "/rounds/"+key)
}

// BenchmarkCycleComplianceAPI is GET /api/v1/rounds/{key}/compliance as the admin (budget p95 ≤ 100 ms).
func BenchmarkCycleComplianceAPI(b *testing.B) {
	a := openDistrict(b)
	_, key := benchIDs(b, a)
	benchGet(b, a, "admin", "/api/v1/rounds/"+key+"/compliance")
}
