package report

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/round"
)

// fixture: 区(1) → 党委(2) → 支部A(3, a unit of 3 members) and 支部B(4)
// with groups B1(5) and B2(6) of 2 members each. Round 2025-10-1 is due on
// the 16th, window 13–19 October.
type fixture struct {
	d   *db.DB
	s   *Service
	p   *auth.Principal
	ctx context.Context
	mA  int64 // A's meeting
	mB1 int64
}

var shanghai = round.DefaultCalendar(round.Date{}).Zone()

func at(day, hour int) time.Time { return time.Date(2025, 10, day, hour, 0, 0, 0, shanghai).UTC() }

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func insertID(t *testing.T, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(context.Background(), q, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	now := at(1, 0)
	orgs := []struct {
		id, parent int64
		name, kind string
		path       string
	}{
		{1, 0, "测试区", "district", "/1/"}, {2, 1, "测试局党委", "committee", "/1/2/"},
		{3, 2, "A支部", "branch", "/1/2/3/"}, {4, 2, "B支部", "branch", "/1/2/4/"},
		{5, 4, "B一组", "group", "/1/2/4/5/"}, {6, 4, "B二组", "group", "/1/2/4/6/"},
	}
	for _, o := range orgs {
		var parent any
		if o.parent != 0 {
			parent = o.parent
		}
		mustExec(t, d, `INSERT INTO orgs (id, parent_id, name, kind, path, created_at) VALUES (?, ?, ?, ?, ?, ?)`, o.id, parent, o.name, o.kind, o.path, now)
	}
	members := map[int64]int64{101: 3, 102: 3, 103: 3, 104: 5, 105: 5, 106: 6, 107: 6}
	for id, org := range members {
		mustExec(t, d, `INSERT INTO members (id, org_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, id, org, "党员", now, now)
	}
	// A transferred-out member is not counted.
	mustExec(t, d, `INSERT INTO members (id, org_id, name, status, created_at, updated_at) VALUES (108, 3, '转出', '已转出', ?, ?)`, now, now)
	mustExec(t, d, `INSERT INTO users (id, username, password_hash, created_at) VALUES (1, 'admin', 'x', ?)`, now)
	f := &fixture{d: d, ctx: context.Background(),
		p: &auth.Principal{UserID: 1, Username: "admin", Grants: []auth.Grant{{Role: auth.Admin, OrgID: 1, OrgPath: "/1/"}}}}
	f.s = NewService(d, nil)
	f.s.Now = func() time.Time { return time.Date(2025, 12, 1, 12, 0, 0, 0, shanghai) }
	f.s.Rounds.Now = f.s.Now

	meeting := func(org int64, held time.Time) int64 {
		return insertID(t, d, `INSERT INTO meetings (org_id, round_key, planned_at, secret, held_at, finalized_at, created_at, updated_at) VALUES (?, '2025-10-1', ?, 's', ?, ?, ?, ?)`,
			org, held, held, held, now, now)
	}
	f.mA = meeting(3, at(15, 9))  // on time
	f.mB1 = meeting(5, at(25, 9)) // late
	mat := insertID(t, d, `INSERT INTO meeting_materials (meeting_id, title, category) VALUES (?, '材料', '1')`, f.mA)
	for _, a := range []struct {
		m, member int64
		status    string
	}{{f.mA, 101, "present"}, {f.mA, 102, "present"}, {f.mA, 103, "leave"}, {f.mB1, 104, "present"}, {f.mB1, 105, "present"}} {
		mustExec(t, d, `INSERT INTO attendance (meeting_id, member_id, status, at) VALUES (?, ?, ?, ?)`, a.m, a.member, a.status, now)
	}
	mustExec(t, d, `INSERT INTO selfstudy (material_id, member_id, read_at) VALUES (?, 101, ?), (?, 102, ?)`, mat, now, mat, now)
	for _, sp := range []struct {
		m, member int64
		isCase    bool
	}{{f.mA, 101, true}, {f.mA, 102, false}, {f.mB1, 104, false}} {
		mustExec(t, d, `INSERT INTO speeches (meeting_id, member_id, kinds, content, is_case, created_at, updated_at) VALUES (?, ?, 'reflection', '发言内容', ?, ?, ?)`,
			sp.m, sp.member, sp.isCase, now, now)
	}
	mustExec(t, d, `INSERT INTO reviews (meeting_id, kind, reviewer_id, reviewee_id, rating, comment, created_at) VALUES (?, 'overall', 101, 102, '好', '点评', ?)`, f.mA, now)
	mustExec(t, d, `INSERT INTO rectifications (org_id, meeting_id, problem, category, owner_id, measure, deadline, status, created_at, updated_at) VALUES
		(3, ?, '问题一', 'c', 101, '措施', '2025-10-30', 'done', ?, ?), (3, ?, '问题二', 'c', 102, '措施', '2025-11-01', 'pending', ?, ?)`, f.mA, now, now, f.mA, now, now)
	n := insertID(t, d, `INSERT INTO notices (round_key, kind, title, body, org_id, published_at) VALUES ('2025-10-1', 'reminder', '提醒', '正文', 1, ?)`, now)
	mustExec(t, d, `INSERT INTO notice_reads (notice_id, org_id, user_id, read_at) VALUES (?, 3, 1, ?)`, n, now)
	return f
}

func TestDashboardFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		dash, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		got := dash.Total
		want := Figures{Units: 3, OnTime: 1, Late: 1, NotHeld: 1, Members: 7, HeldMembers: 5, Present: 4, Leave: 1,
			SelfDone: 2, SelfDue: 3, Speeches: 3, Cases: 1, Reviews: 1, Problems: 2, Rectified: 1, Overdue: 1, NoticesDue: 3, NoticesRead: 1}
		checkFigures(t, "district", got, want)
		if got.Attendance() != 0.8 || got.Unread() != 2 {
			t.Errorf("attendance %v unread %d, want 0.8 and 2", got.Attendance(), got.Unread())
		}
		if len(dash.Rows) != 1 || dash.Rows[0].Org.ID != 2 {
			t.Fatalf("district rows = %+v, want the committee only", dash.Rows)
		}
		// Drill down: committee → A (a unit) and B; B → its groups.
		com, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(com.Rows) != 2 || com.Rows[0].Org.Name != "A支部" || !com.Rows[0].IsUnit || com.Rows[1].IsUnit {
			t.Fatalf("committee rows = %+v", com.Rows)
		}
		checkFigures(t, "A", com.Rows[0].F, Figures{Units: 1, OnTime: 1, Members: 3, HeldMembers: 3, Present: 2, Leave: 1, SelfDone: 2, SelfDue: 3,
			Speeches: 2, Cases: 1, Reviews: 1, Problems: 2, Rectified: 1, Overdue: 1, NoticesDue: 1, NoticesRead: 1})
		checkFigures(t, "B", com.Rows[1].F, Figures{Units: 2, Late: 1, NotHeld: 1, Members: 4, HeldMembers: 2, Present: 2, Speeches: 1, NoticesDue: 2})
		br, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(br.Rows) != 2 || br.Rows[0].F.Late != 1 || br.Rows[1].F.NotHeld != 1 {
			t.Fatalf("branch rows = %+v", br.Rows)
		}
		// The ranking puts A (on time) first.
		if com.Ranking[0].Org.Name != "A支部" {
			t.Errorf("ranking = %v", com.Ranking)
		}
		// Agrees with the compliance list of internal/round.
		units, err := f.s.Rounds.Compliance(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		sum := round.Summary(units)
		if sum[round.StatusOnTime] != got.OnTime || sum[round.StatusLate] != got.Late || sum[round.StatusNotHeld] != got.NotHeld {
			t.Errorf("compliance %v vs dashboard %+v", sum, got)
		}
		if len(dash.Charts()) != 3 {
			t.Errorf("charts = %d, want 3", len(dash.Charts()))
		}
		if _, err := dash.Xlsx(); err != nil {
			t.Fatal(err)
		}
	})
}

// New records reach the dashboard through the marks the triggers leave.
func TestDashboardKeepsUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0); err != nil {
			t.Fatal(err)
		}
		now := at(20, 0)
		m := insertID(t, d, `INSERT INTO meetings (org_id, round_key, planned_at, secret, held_at, created_at, updated_at) VALUES (6, '2025-10-1', ?, 's', ?, ?, ?)`,
			at(14, 9), at(14, 9), now, now)
		mustExec(t, d, `INSERT INTO attendance (meeting_id, member_id, status, at) VALUES (?, 106, 'present', ?)`, m, now)
		mustExec(t, d, `UPDATE rectifications SET status = 'done' WHERE problem = '问题二'`)
		mustExec(t, d, `INSERT INTO members (id, org_id, name, created_at, updated_at) VALUES (109, 6, '新党员', ?, ?)`, now, now)
		dash, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		got := dash.Total
		if got.OnTime != 2 || got.NotHeld != 0 || got.Present != 5 || got.Rectified != 2 || got.Overdue != 0 || got.Members != 8 {
			t.Errorf("after new records: %+v", got)
		}
		// The trend (read from the same rollups) moved too.
		for _, tp := range dash.Trend {
			if tp.RoundKey == "2025-10-1" && (tp.F.OnTime != 2 || tp.F.Present != 5) {
				t.Errorf("trend point after new records: %+v", tp.F)
			}
		}
		// Rebuild gives the same figures.
		if _, err := f.s.Rebuild(f.ctx); err != nil {
			t.Fatal(err)
		}
		again, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		checkFigures(t, "rebuilt", again.Total, got)
	})
}

func checkFigures(t *testing.T, what string, got, want Figures) {
	t.Helper()
	got.unheld, got.unheldPP, want.unheld, want.unheldPP = 0, 0, 0, 0
	got.SitIns, got.SitInAvg, got.HasSitIns, got.HasExams, got.ExamTaken = 0, 0, false, false, 0
	want.HasSitIns, want.HasExams = false, false
	if got != want {
		t.Errorf("%s figures\n got %+v\nwant %+v", what, got, want)
	}
}

// A change reaching the whole tree of a large installation is taken in by
// a background refresh: the dashboard answers at once with the last
// figures and says it is updating, then shows the new ones. A change to
// one group is still taken in at once.
func TestDashboardLargeChangeInBackground(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.AsyncAbove = 0 // the fixture's own records are taken in first
		first, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		f.s.AsyncAbove = 1 // from now on treat this small tree as a province
		if first.Updating || first.Total.NoticesDue != 3 {
			t.Fatalf("first view: updating %v, notices due %d (want 3)", first.Updating, first.Total.NoticesDue)
		}
		now := at(20, 0)
		// One group's meeting: small, refreshed at once.
		mustExec(t, d, `INSERT INTO meetings (org_id, round_key, planned_at, secret, held_at, created_at, updated_at) VALUES (6, '2025-10-1', ?, 's', ?, ?, ?)`,
			at(14, 9), at(14, 9), now, now)
		small, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if small.Updating || small.Total.OnTime != first.Total.OnTime+1 {
			t.Fatalf("small change: updating %v, on time %d (was %d)", small.Updating, small.Total.OnTime, first.Total.OnTime)
		}
		// A notice to the whole district: every unit owes one more read.
		insertID(t, d, `INSERT INTO notices (round_key, kind, title, body, org_id, published_at) VALUES ('2025-10-1', 'supplement', '补充通知', '正文', 1, ?)`, now)
		during, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !during.Updating {
			t.Fatalf("a district-wide change did not go to the background")
		}
		if during.Total.NoticesDue != 3 {
			t.Errorf("while updating, notices due %d: want the last refresh's 3", during.Total.NoticesDue)
		}
		deadline := time.Now().Add(20 * time.Second)
		for f.s.Refreshing() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		after, err := f.s.Dashboard(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if after.Updating || after.Total.NoticesDue != 6 || after.Total.OnTime != small.Total.OnTime {
			t.Errorf("after the background refresh: updating %v, notices due %d (want 6), on time %d", after.Updating, after.Total.NoticesDue, after.Total.OnTime)
		}
	})
}
