package rectify_test

// Store tests for rectifications on both databases: raising a problem from
// a meeting, the ledger's filters and scope, the state machine through
// Update (including a concurrent move), the .xlsx export and training
// orders gathered by topic.

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/meeting/meetingtest"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
)

// today is the rectify service's clock in these tests.
var today = at("2026-03-14 16:00")

func newRect(f *fixture) *rectify.Service {
	s := rectify.NewService(f.d, f.meetings, shanghai)
	s.Now = func() time.Time { return today }
	return s
}

// meetingA plans branch A's meeting for 2026-03-1 (recorder: dang2).
func (f *fixture) meetingA(t *testing.T) int64 {
	t.Helper()
	id, err := f.meetings.Plan(ctx, f.shuji, meeting.PlanInput{OrgID: f.branchA, RoundKey: "2026-03-1", PlannedAt: at("2026-03-14 15:00"), Place: "会议室",
		HostID: f.a[0], RecorderID: f.a[2], LeadID: f.a[1], Materials: []meeting.MaterialInput{{Title: "党章", Category: "party_rules"}}})
	mustOK(t, err, "plan")
	return id
}

func problem(meetingID, owner int64, cat, deadline string) rectify.Input {
	return rectify.Input{MeetingID: meetingID, Problem: "政策解读不够通俗", Category: cat, OwnerID: owner, Measure: "编写问答手册", Deadline: deadline}
}

func TestRaise(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := newRect(f)
		mid := f.meetingA(t)
		id, err := rs.Raise(ctx, f.shuji, problem(mid, f.a[1], "能力短板", "2026-03-31"))
		mustOK(t, err, "secretary raises")
		_, err = rs.Raise(ctx, f.dang2, problem(mid, f.a[3], "business", "2026-03-31"))
		mustOK(t, err, "recorder raises")
		for _, c := range []struct {
			p    *auth.Principal
			in   rectify.Input
			kind errs.Kind
		}{
			{f.dang, problem(mid, f.a[1], "capability", "2026-03-31"), errs.Forbidden},
			{f.shujiB, problem(mid, f.a[1], "capability", "2026-03-31"), errs.NotFound},
			{f.shuji, problem(mid, f.b[1], "capability", "2026-03-31"), errs.Invalid},
			{f.shuji, problem(mid, f.a[1], "态度问题", "2026-03-31"), errs.Invalid},
			{f.shuji, problem(mid, f.a[1], "capability", "2026-03-13"), errs.Invalid},
			{f.shuji, problem(mid, f.a[1], "capability", "3月底"), errs.Invalid},
			{f.shuji, problem(mid, 0, "capability", "2026-03-31"), errs.Invalid},
			{f.shuji, rectify.Input{MeetingID: mid, Category: "other", OwnerID: f.a[1], Deadline: "2026-03-31"}, errs.Invalid},
		} {
			_, err := rs.Raise(ctx, c.p, c.in)
			wantKind(t, err, c.kind, c.p.Username+" raises "+c.in.Category+" "+c.in.Deadline)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM rectifications`); n != 2 {
			t.Fatalf("%d rectifications, want 2", n)
		}
		it, err := rs.Get(ctx, f.dang, id)
		mustOK(t, err, "owner reads")
		if it.Status != rectify.StatusPending || it.Category != rectify.CategoryCapability || it.MeetingID != mid || it.OwnerName == "" || it.Source != "meeting" {
			t.Errorf("raised: %+v", it)
		}
		if _, err := rs.Get(ctx, f.shujiB, id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("another branch reads it: %v", err)
		}
		m, _ := f.meetings.Get(ctx, f.shuji, mid)
		if len(m.Problems) != 2 {
			t.Errorf("meeting lists %d problems", len(m.Problems))
		}
		// A problem found directly, outside a meeting.
		_, err = rs.Raise(ctx, f.shujiB, rectify.Input{OrgID: f.branchB, Source: "direct", Problem: "台账不全", Category: "other", OwnerID: f.b[1], Measure: "补齐", Deadline: "2026-04-01"})
		mustOK(t, err, "direct")
		_, err = rs.Raise(ctx, f.shuji, rectify.Input{OrgID: f.branchB, Source: "direct", Problem: "台账不全", Category: "other", OwnerID: f.b[1], Measure: "补齐", Deadline: "2026-04-01"})
		wantKind(t, err, errs.NotFound, "direct, outside one's scope")
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'rectification.create'`); n != 3 {
			t.Errorf("%d rectification.create rows", n)
		}
	})
}

func TestLedgerFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := newRect(f)
		mid := f.meetingA(t)
		r1, _ := rs.Raise(ctx, f.shuji, problem(mid, f.a[1], "capability", "2026-03-20"))
		r2, _ := rs.Raise(ctx, f.shuji, problem(mid, f.a[3], "conduct", "2026-03-31"))
		r3, err := rs.Raise(ctx, f.shujiB, rectify.Input{OrgID: f.branchB, Source: "direct", Problem: "学习记录不全", Category: "business", OwnerID: f.b[1], Measure: "补记", Deadline: "2026-03-20"})
		mustOK(t, err, "raise in B")
		ids := func(p *auth.Principal, fl rectify.Filter) []int64 {
			t.Helper()
			items, err := rs.Ledger(ctx, p, fl)
			mustOK(t, err, "ledger")
			var out []int64
			for _, it := range items {
				out = append(out, it.ID)
			}
			return out
		}
		same := func(what string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %v, want %v", what, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: %v, want %v (newest first)", what, got, want)
					return
				}
			}
		}
		same("admin, all", ids(f.admin, rectify.Filter{}), r3, r2, r1)
		same("secretary's branch", ids(f.shuji, rectify.Filter{}), r2, r1)
		same("a member sees their own", ids(f.dang, rectify.Filter{}), r1)
		same("by category", ids(f.admin, rectify.Filter{Category: "作风问题"}), r2)
		same("by owner", ids(f.admin, rectify.Filter{Owner: f.b[1]}), r3)
		same("by org", ids(f.admin, rectify.Filter{OrgID: f.comB}), r3)
		same("by text", ids(f.admin, rectify.Filter{Query: "学习记录"}), r3)
		same("not overdue yet", ids(f.admin, rectify.Filter{Overdue: true}))
		_, err = rs.Ledger(ctx, f.admin, rectify.Filter{Status: "完成了"})
		wantKind(t, err, errs.Invalid, "unknown status filter")
		_, err = rs.Ledger(ctx, f.auditor, rectify.Filter{})
		wantKind(t, err, errs.Forbidden, "the auditor")

		// r1 is reported done; a week later r3 is overdue, r1 is not.
		_, err = rs.Update(ctx, f.dang, r1, rectify.Change{Status: "in_progress"})
		mustOK(t, err, "start")
		_, err = rs.Update(ctx, f.dang, r1, rectify.Change{Status: "done", Evidence: "手册已印发"})
		mustOK(t, err, "done")
		same("by status", ids(f.admin, rectify.Filter{Status: "已整改"}), r1)
		same("pending", ids(f.admin, rectify.Filter{Status: "pending"}), r3, r2)
		today = at("2026-03-21 00:30")
		defer func() { today = at("2026-03-14 16:00") }()
		same("overdue", ids(f.admin, rectify.Filter{Overdue: true}), r3)
		// Pages of two: the counts cover the whole filtered list.
		page1, c, err := rs.LedgerPage(ctx, f.admin, rectify.Filter{}, 0, 2)
		mustOK(t, err, "ledger page 1")
		page2, c2, err := rs.LedgerPage(ctx, f.admin, rectify.Filter{}, 2, 2)
		mustOK(t, err, "ledger page 2")
		if c != (rectify.LedgerCounts{Total: 3, Overdue: 1}) || c2 != c {
			t.Errorf("counts %+v / %+v, want 3 in all, 1 overdue", c, c2)
		}
		if len(page1) != 2 || page1[0].ID != r3 || page1[1].ID != r2 || len(page2) != 1 || page2[0].ID != r1 {
			t.Errorf("pages %v / %v", page1, page2)
		}
		if _, c, _ := rs.LedgerPage(ctx, f.shuji, rectify.Filter{}, 0, 10); c.Total != 2 {
			t.Errorf("secretary's count %d, want 2 (their branch)", c.Total)
		}
		items, _ := rs.Ledger(ctx, f.admin, rectify.Filter{})
		for _, it := range items {
			if it.Overdue != (it.ID == r3) {
				t.Errorf("item %d overdue=%v", it.ID, it.Overdue)
			}
		}

		// The export is a readable workbook with every line.
		b, err := rs.ExportLedger(ctx, f.admin, items)
		mustOK(t, err, "export")
		x, err := excelize.OpenReader(bytes.NewReader(b))
		mustOK(t, err, "open xlsx")
		defer x.Close()
		rows, err := x.GetRows("整改台账")
		mustOK(t, err, "rows")
		if len(rows) != 4 || rows[0][0] != "序号" || rows[0][2] != "问题" {
			t.Fatalf("sheet: %v", rows)
		}
		var overdueRow []string
		for _, r := range rows[1:] {
			if r[2] == "学习记录不全" {
				overdueRow = r
			}
		}
		if len(overdueRow) < 9 || overdueRow[1] != "乙局机关党支部" || overdueRow[3] != "业务问题" || overdueRow[7] != "待整改" || overdueRow[8] != "逾期" {
			t.Errorf("overdue row: %v", overdueRow)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'rectification.export'`); n != 1 {
			t.Errorf("%d export audit rows", n)
		}
	})
}

func TestUpdateStateMachine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := newRect(f)
		mid := f.meetingA(t)
		id, _ := rs.Raise(ctx, f.shuji, problem(mid, f.a[1], "capability", "2026-03-31"))
		step := func(p *auth.Principal, c rectify.Change) (rectify.Item, error) { return rs.Update(ctx, p, id, c) }

		_, err := step(f.dang2, rectify.Change{Status: "in_progress"})
		wantKind(t, err, errs.NotFound, "a member who is not the owner (they cannot see it)")
		_, err = step(f.tf, rectify.Change{Status: "in_progress"})
		wantKind(t, err, errs.Forbidden, "the task force sees it but is neither owner nor verifier")
		_, err = step(f.shujiB, rectify.Change{Status: "in_progress"})
		wantKind(t, err, errs.NotFound, "another branch")
		_, err = step(f.dang, rectify.Change{Status: "done", Evidence: "x"})
		wantKind(t, err, errs.Unprocessable, "skip to done")
		_, err = step(f.dang, rectify.Change{Status: "finished"})
		wantKind(t, err, errs.Invalid, "unknown status")
		it, err := step(f.dang, rectify.Change{Status: "整改中"})
		mustOK(t, err, "owner starts")
		if it.Status != rectify.StatusInProgress {
			t.Fatalf("status %s", it.Status)
		}
		_, err = step(f.dang, rectify.Change{Status: "done", Evidence: "  "})
		e := wantKind(t, err, errs.Unprocessable, "done without evidence")
		if e.Code != rectify.CodeNoEvidence {
			t.Errorf("code %s", e.Code)
		}
		it, err = step(f.dang, rectify.Change{Status: "done", Evidence: "已编写问答手册并组织学习"})
		mustOK(t, err, "owner reports done")
		if it.Evidence != "已编写问答手册并组织学习" {
			t.Errorf("evidence %q", it.Evidence)
		}
		_, err = step(f.dang, rectify.Change{Status: "verified"})
		wantKind(t, err, errs.Forbidden, "the owner verifies")
		_, err = step(f.shuji, rectify.Change{Status: "in_progress"})
		e = wantKind(t, err, errs.Unprocessable, "reject without a reason")
		if e.Code != rectify.CodeNoReason {
			t.Errorf("code %s", e.Code)
		}
		it, err = step(f.shuji, rectify.Change{Status: "in_progress", Reason: "手册未覆盖窗口岗位"})
		mustOK(t, err, "secretary sends it back")
		if it.Status != rectify.StatusInProgress || it.Reject != "手册未覆盖窗口岗位" {
			t.Errorf("after rejection: %s %q", it.Status, it.Reject)
		}
		_, err = step(f.dang, rectify.Change{Status: "done", Evidence: "补充了窗口岗位内容"})
		mustOK(t, err, "done again")
		it, err = step(f.shuji, rectify.Change{Status: "已验收"})
		mustOK(t, err, "secretary verifies")
		if it.Status != rectify.StatusVerified || it.VerifiedAt == nil || it.Reject != "" {
			t.Errorf("verified: %+v", it)
		}
		_, err = step(f.shuji, rectify.Change{Status: "in_progress", Reason: "再看看"})
		wantKind(t, err, errs.Unprocessable, "after verification")
		var verifiedBy int64
		_ = d.QueryRow(ctx, `SELECT verified_by FROM rectifications WHERE id = ?`, id).Scan(&verifiedBy)
		if verifiedBy != f.shuji.UserID {
			t.Errorf("verified_by %d", verifiedBy)
		}
		for action, want := range map[string]int{"rectification.in_progress": 2, "rectification.done": 2, "rectification.verified": 1} {
			if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action); n != want {
				t.Errorf("%d %s audit rows, want %d", n, action, want)
			}
		}
	})
}

// TestConcurrentUpdate: two people move the same rectification from the
// same state; the second write finds the state changed and is refused
// with Conflict rather than overwriting the first.
func TestConcurrentUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := newRect(f)
		mid := f.meetingA(t)
		id, _ := rs.Raise(ctx, f.shuji, problem(mid, f.a[1], "capability", "2026-03-31"))

		// Deterministic: the other update commits between this one's read
		// and its write (the clock is read in between, after the row).
		racer := newRect(f)
		var once sync.Once
		var otherErr error
		racer.Now = func() time.Time {
			once.Do(func() { _, otherErr = newRect(f).Update(ctx, f.shuji, id, rectify.Change{Status: "in_progress"}) })
			return today
		}
		_, err := racer.Update(ctx, f.dang, id, rectify.Change{Status: "in_progress"})
		mustOK(t, otherErr, "the other update")
		e := wantKind(t, err, errs.Conflict, "the second of two concurrent updates")
		if !strings.Contains(e.Message, "已被他人更新") {
			t.Errorf("message %q", e.Message)
		}

		// Truly concurrent: exactly one of two wins.
		var wg sync.WaitGroup
		errsOut := make([]error, 2)
		for i, p := range []*auth.Principal{f.dang, f.shuji} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errsOut[i] = rs.Update(ctx, p, id, rectify.Change{Status: "done", Evidence: "完成"})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errsOut {
			switch {
			case err == nil:
				ok++
			case errs.KindOf(err) == errs.Conflict, errs.KindOf(err) == errs.Unprocessable:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of two concurrent updates succeeded: %v", ok, errsOut)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'rectification.done'`); n != 1 {
			t.Errorf("%d rectification.done audit rows, want 1", n)
		}
	})
}

func TestTrainingOrders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := newRect(f)
		mid := f.meetingA(t)
		rid, _ := rs.Raise(ctx, f.shuji, problem(mid, f.a[1], "capability", "2026-03-31"))
		order := func(p *auth.Principal, in rectify.TrainingInput) int64 {
			t.Helper()
			id, err := rs.OrderTraining(ctx, p, in)
			mustOK(t, err, "order "+in.Topic)
			return id
		}
		order(f.shuji, rectify.TrainingInput{OrgID: f.branchA, Topic: "信访接待技巧", People: 5})
		order(f.shujiB, rectify.TrainingInput{OrgID: f.branchB, Topic: " 信访接待技巧 ", People: 3})
		order(f.leader, rectify.TrainingInput{OrgID: f.g1, Topic: "公文写作", People: 10})
		fromRect := order(f.shuji, rectify.TrainingInput{RectificationID: rid, Topic: "政策解读", People: 2})
		for _, c := range []struct {
			p    *auth.Principal
			in   rectify.TrainingInput
			kind errs.Kind
		}{
			{f.shuji, rectify.TrainingInput{OrgID: f.branchA, Topic: "", People: 5}, errs.Invalid},
			{f.shuji, rectify.TrainingInput{OrgID: f.branchA, Topic: "x", People: 0}, errs.Invalid},
			{f.shuji, rectify.TrainingInput{OrgID: f.branchB, Topic: "x", People: 1}, errs.NotFound},
			{f.shujiB, rectify.TrainingInput{RectificationID: rid, Topic: "x", People: 1}, errs.NotFound},
		} {
			_, err := rs.OrderTraining(ctx, c.p, c.in)
			wantKind(t, err, c.kind, "order "+c.in.Topic)
		}
		orders, err := rs.TrainingOrders(ctx, f.admin)
		mustOK(t, err, "orders")
		groups := rectify.ByTopic(orders)
		if len(groups) != 3 || groups[0].Topic != "公文写作" || groups[0].People != 10 ||
			strings.TrimSpace(groups[1].Topic) != "信访接待技巧" || groups[1].Units != 2 || groups[1].People != 8 || groups[2].People != 2 {
			t.Errorf("by topic: %+v", groups)
		}
		for _, o := range orders {
			if o.ID == fromRect && (o.OrgID != f.branchA || o.RectificationID != rid) {
				t.Errorf("order from a rectification: %+v", o)
			}
		}
		if mine, _ := rs.TrainingOrders(ctx, f.shuji); len(mine) != 2 {
			t.Errorf("secretary sees %d orders, want their 2", len(mine))
		}
		wantKind(t, rs.SetTrainingStatus(ctx, f.shuji, fromRect, "accepted", ""), errs.Forbidden, "secretary sets status")
		wantKind(t, rs.SetTrainingStatus(ctx, f.admin, fromRect, "whatever", ""), errs.Invalid, "unknown status")
		wantKind(t, rs.SetTrainingStatus(ctx, f.admin, 99999, "accepted", ""), errs.NotFound, "no such order")
		mustOK(t, rs.SetTrainingStatus(ctx, f.admin, fromRect, "scheduled", "4月10日下午"), "admin schedules")
		orders, _ = rs.TrainingOrders(ctx, f.shuji)
		for _, o := range orders {
			if o.ID == fromRect && (o.Status != "scheduled" || o.StatusLabel != "已排期" || o.AdminNote != "4月10日下午") {
				t.Errorf("after scheduling: %+v", o)
			}
		}
	})
}

var ctx = context.Background()

// The shared helpers of the cycle packages' store tests (meetingtest).
var (
	shanghai = meetingtest.Shanghai
	at       = meetingtest.At
	wantKind = meetingtest.WantKind
	mustOK   = meetingtest.MustOK
)

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return meetingtest.Count(t, f.d, q, args...)
}

// ---- fixture ----

// fixture is the shared small district (meetingtest.Setup), under the
// short names these tests use.
type fixture struct {
	d        *db.DB
	rounds   *round.Service
	meetings *meeting.Service

	root, comA, branchA, branchG, g1, g2, comB, branchB int64
	a, g1m, g2m, b                                      []int64

	admin, tf, auditor, shuji, dang, dang2, leader, shujiB *auth.Principal
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	x := meetingtest.Setup(t, d)
	return &fixture{d: x.DB, rounds: x.Rounds, meetings: x.Meetings,
		root: x.Root, comA: x.ComA, branchA: x.BranchA, branchG: x.BranchG, g1: x.G1, g2: x.G2, comB: x.ComB, branchB: x.BranchB,
		a: x.A, g1m: x.G1m, g2m: x.G2m, b: x.B,
		admin: x.Admin, tf: x.TF, auditor: x.Auditor, shuji: x.Shuji, dang: x.Dang, dang2: x.Dang2, leader: x.Leader, shujiB: x.ShujiB}
}
