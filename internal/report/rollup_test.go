package report

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/round"
)

// The rollups follow every kind of change — meetings held, attendance
// changed, rectifications closed and going overdue as days pass, members
// and whole branches moved, postponements approved — and after each step
// the dashboards read from them equal (1) hand-computed figures and (2)
// the dashboards after Rebuild, which recomputes facts and rollups from
// scratch; the rollup tables themselves equal sums over the facts and the
// open rectifications.
func TestRollupsFollowChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const rk = "2025-10-1"
		now := f.s.Now()
		setNow := func(tm time.Time) {
			f.s.Now = func() time.Time { return tm }
			f.s.Rounds.Now = f.s.Now
		}
		total := func(org int64) Figures {
			t.Helper()
			dash, err := f.s.Dashboard(f.ctx, f.p, rk, org)
			if err != nil {
				t.Fatal(err)
			}
			return dash.Total
		}
		verify := func(step string, orgs ...int64) {
			t.Helper()
			inc := snapshot(t, f, rk, orgs)
			checkRollupTables(t, d, step, f.s.today(round.Round{WindowEnd: f.s.Now()}))
			if _, err := f.s.Rebuild(f.ctx); err != nil {
				t.Fatal(err)
			}
			if scratch := snapshot(t, f, rk, orgs); !reflect.DeepEqual(inc, scratch) {
				t.Errorf("%s: incremental dashboards differ from a rebuild\n inc %v\n new %v", step, inc, scratch)
			}
		}
		orgs := []int64{1, 2, 3, 4, 5, 6}
		verify("start", orgs...)

		// Group B二组 (6) holds its meeting on time; 103 was on leave and
		// comes after all; 问题二 is closed.
		mustExec(t, d, `INSERT INTO meetings (org_id, round_key, planned_at, secret, held_at, created_at, updated_at) VALUES (6, ?, ?, 's', ?, ?, ?)`,
			rk, at(14, 9), at(14, 9), now, now)
		mustExec(t, d, `INSERT INTO attendance (meeting_id, member_id, status, at) SELECT id, 106, 'present', ? FROM meetings WHERE org_id = 6`, now)
		mustExec(t, d, `UPDATE attendance SET status = 'present' WHERE member_id = 103`)
		mustExec(t, d, `UPDATE rectifications SET status = 'done' WHERE problem = '问题二'`)
		got := total(1)
		if got.OnTime != 2 || got.NotHeld != 0 || got.Present != 6 || got.Leave != 0 || got.Rectified != 2 || got.Overdue != 0 {
			t.Errorf("after meetings and attendance: %+v", got)
		}
		verify("held", orgs...)

		// A second notice to the whole district, read by A: every unit owes
		// one more receipt.
		n := insertID(t, d, `INSERT INTO notices (round_key, kind, title, body, org_id, published_at) VALUES (?, 'supplement', '补充', '正文', 1, ?)`, rk, now)
		mustExec(t, d, `INSERT INTO notice_reads (notice_id, org_id, user_id, read_at) VALUES (?, 3, 1, ?)`, n, now)
		if got := total(1); got.NoticesDue != 6 || got.NoticesRead != 2 {
			t.Errorf("after a second notice: due %d read %d, want 6 and 2", got.NoticesDue, got.NoticesRead)
		}
		verify("notice", orgs...)

		// A new problem in group B一组 (5), due 10 December: not overdue on
		// the 1st, overdue on the 11th with nothing written in between —
		// under the group, its branch, the committee and the district.
		mustExec(t, d, `INSERT INTO rectifications (org_id, meeting_id, problem, category, owner_id, measure, deadline, status, created_at, updated_at)
			VALUES (5, ?, '问题三', 'c', 104, '措施', '2025-12-10', 'in_progress', ?, ?)`, f.mB1, now, now)
		if got := total(1); got.Overdue != 0 || got.Problems != 3 {
			t.Errorf("before the deadline: %+v", got)
		}
		setNow(time.Date(2025, 12, 11, 9, 0, 0, 0, shanghai))
		for _, org := range []int64{1, 2, 4, 5} {
			if got := total(org); got.Overdue != 1 {
				t.Errorf("org %d on 11 December: overdue %d, want 1", org, got.Overdue)
			}
		}
		if got := total(3); got.Overdue != 0 {
			t.Errorf("branch A: overdue %d, want 0", got.Overdue)
		}
		verify("overdue", orgs...)

		// Member 102 moves from A to B二组; a new member joins B一组.
		mustExec(t, d, `UPDATE members SET org_id = 6 WHERE id = 102`)
		mustExec(t, d, `INSERT INTO members (id, org_id, name, created_at, updated_at) VALUES (110, 5, '新党员', ?, ?)`, now, now)
		if a, b2 := total(3), total(6); a.Members != 2 || b2.Members != 3 {
			t.Errorf("after the move: A has %d members, B二组 %d; want 2 and 3", a.Members, b2.Members)
		}
		verify("members moved", orgs...)

		// Branch B with its groups moves to a new committee (7): the old
		// committee keeps A only, the new one has B — overdue included.
		mustExec(t, d, `INSERT INTO orgs (id, parent_id, name, kind, path, created_at) VALUES (7, 1, '新党委', 'committee', '/1/7/', ?)`, now)
		mustExec(t, d, `UPDATE orgs SET parent_id = 7, path = '/1/7/4/' WHERE id = 4`)
		mustExec(t, d, `UPDATE orgs SET path = '/1/7/4/5/' WHERE id = 5`)
		mustExec(t, d, `UPDATE orgs SET path = '/1/7/4/6/' WHERE id = 6`)
		old, moved := total(2), total(7)
		if old.Units != 1 || moved.Units != 2 || old.Overdue != 0 || moved.Overdue != 1 || moved.OnTime != 1 || moved.Late != 1 {
			t.Errorf("after moving B: old committee %+v, new %+v", old, moved)
		}
		orgs = append(orgs, 7)
		verify("branch moved", orgs...)

		// An approved postponement for B二组 after deleting its meeting: on
		// the 11th its new date (the 20th) is still ahead, so 已延期; on the
		// 21st it is 未开展.
		mustExec(t, d, `DELETE FROM attendance WHERE meeting_id IN (SELECT id FROM meetings WHERE org_id = 6)`)
		mustExec(t, d, `DELETE FROM meetings WHERE org_id = 6`)
		mustExec(t, d, `INSERT INTO postponements (org_id, round_key, reason, new_date, status, created_at) VALUES (6, ?, '任务重', '2025-12-20', 'approved', ?)`, rk, now)
		if got := total(7); got.Postponed != 1 || got.NotHeld != 0 {
			t.Errorf("postponed on the 11th: %+v", got)
		}
		verify("postponed", orgs...)
		setNow(time.Date(2025, 12, 21, 9, 0, 0, 0, shanghai))
		if got := total(4); got.Postponed != 0 || got.NotHeld != 1 {
			t.Errorf("postponement passed on the 21st: %+v", got)
		}
		// A clock set back before the folded day unfolds the past deadlines:
		// on 5 December 问题三 (due the 10th) is not overdue yet.
		setNow(time.Date(2025, 12, 5, 9, 0, 0, 0, shanghai))
		if got := total(5); got.Overdue != 0 {
			t.Errorf("clock back to 5 December: overdue %d, want 0", got.Overdue)
		}
		setNow(time.Date(2025, 12, 21, 9, 0, 0, 0, shanghai))
		if got := total(5); got.Overdue != 1 {
			t.Errorf("21 December again: overdue %d, want 1", got.Overdue)
		}
		// Closing the last open problem clears the overdue count.
		mustExec(t, d, `UPDATE rectifications SET status = 'done' WHERE problem = '问题三'`)
		if got := total(1); got.Overdue != 0 {
			t.Errorf("after closing: overdue %d", got.Overdue)
		}
		verify("closed", orgs...)
	})
}

// snapshot is every dashboard of orgs in round rk: totals, rows and trend.
func snapshot(t *testing.T, f *fixture, rk string, orgs []int64) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	for _, org := range orgs {
		dash, err := f.s.Dashboard(f.ctx, f.p, rk, org)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "total %+v\n", dash.Total)
		for _, r := range dash.Rows {
			fmt.Fprintf(&b, "row %d %v %+v\n", r.Org.ID, r.IsUnit, r.F)
		}
		for _, tp := range dash.Trend {
			fmt.Fprintf(&b, "trend %s %+v\n", tp.RoundKey, tp.F)
		}
		out[org] = b.String()
	}
	return out
}

// checkRollupTables compares the rollups with sums computed directly from
// the facts and the rectifications.
func checkRollupTables(t *testing.T, d *db.DB, step, today string) {
	t.Helper()
	want := map[string]string{}
	for l := 1; l <= maxLevel; l++ {
		lvl := fmt.Sprintf("lvl%d", l)
		collect(t, d, strings.ReplaceAll(strings.Replace(rollSelect, "round_key = ? AND ", "", 1), "{lvl}", lvl), want)
	}
	got := map[string]string{}
	collect(t, d, `SELECT org_id, round_key, `+rollCols+` FROM report_org_round`, got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: rollups\n got %v\nwant %v", step, got, want)
	}
	// Past deadlines may be folded together: compare the overdue sum per
	// org and the rows of deadlines still ahead.
	wantDue, gotDue := map[string]string{}, map[string]string{}
	collect(t, d, `SELECT a.id, CASE WHEN r.deadline < ? THEN 'past' ELSE r.deadline END, COUNT(*)
		FROM rectifications r JOIN orgs o ON o.id = r.org_id JOIN orgs a ON o.path LIKE a.path || '%'
		WHERE r.status IN (`+openStatuses+`) GROUP BY 1, 2`, wantDue, today)
	collect(t, d, `SELECT org_id, CASE WHEN deadline < ? THEN 'past' ELSE deadline END, SUM(n) FROM report_org_due
		GROUP BY 1, 2 HAVING SUM(n) <> 0`, gotDue, today)
	if !reflect.DeepEqual(gotDue, wantDue) {
		t.Errorf("%s: due rollups\n got %v\nwant %v", step, gotDue, wantDue)
	}
}

// collect keys each row by its first two columns.
func collect(t *testing.T, d *db.DB, q string, into map[string]string, args ...any) {
	t.Helper()
	rows, err := d.Query(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, v := range vals[2:] {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%v ", v)
		}
		into[fmt.Sprintf("%v/%v", vals[0], vals[1])] = b.String()
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
