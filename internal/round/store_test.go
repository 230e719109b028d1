package round_test

// Store tests for rounds on both databases: the calendar settings, notices
// and who receives them, read receipts, postponements, and the compliance
// status derived for each unit from what was recorded.

import (
	"context"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/meeting/meetingtest"
	"xuejiangping/internal/round"
	"xuejiangping/internal/study"
)

func TestCalendarSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		cal, err := f.rounds.Calendar(ctx)
		mustOK(t, err, "calendar")
		if cal.Start.String() != round.DefaultStart || cal.Tolerance != round.DefaultTolerance {
			t.Errorf("default calendar: %v ±%d", cal.Start, cal.Tolerance)
		}
		wantKind(t, f.rounds.SetCalendar(ctx, f.shuji, "2025-11-01", 2), errs.Forbidden, "a secretary sets the calendar")
		wantKind(t, f.rounds.SetCalendar(ctx, f.admin, "2025-11-01", 9), errs.Invalid, "tolerance too wide")
		wantKind(t, f.rounds.SetCalendar(ctx, f.admin, "2025-13-01", 2), errs.Invalid, "bad date")
		mustOK(t, f.rounds.SetCalendar(ctx, f.admin, "2025-11-01", 1), "set calendar")
		r, _, err := f.rounds.ByKey(ctx, "2026-02-2")
		mustOK(t, err, "by key")
		if r.FirstDay().String() != "2026-02-27" || r.LastDay().String() != "2026-03-01" {
			t.Errorf("February's second half with ±1: %s – %s", r.FirstDay(), r.LastDay())
		}
		f.rounds.Now = func() time.Time { return at("2026-01-10 09:00") }
		rs, err := f.rounds.Rounds(ctx, 0)
		mustOK(t, err, "rounds")
		if len(rs) != 5 || rs[0].Key() != "2026-01-1" || rs[len(rs)-1].Key() != "2025-11-1" {
			t.Errorf("rounds since November, newest first: %v", rs)
		}
		cur, _, _ := f.rounds.Current(ctx)
		if cur.Key() != "2026-01-1" {
			t.Errorf("current round %s", cur.Key())
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'programme.calendar'`); n != 1 {
			t.Errorf("%d calendar audit rows", n)
		}
	})
}

func TestNotices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		good := round.NoticeInput{RoundKey: "2026-03-1", Kind: round.Reminder, Title: "工作提醒", Body: "请按时开展。",
			Categories: []string{"speeches", "党章党规详细解读"}, Materials: []string{"材料一", " ", "材料二"}}
		for _, c := range []struct {
			p    *auth.Principal
			mod  func(*round.NoticeInput)
			kind errs.Kind
		}{
			{f.shuji, func(*round.NoticeInput) {}, errs.Forbidden},
			{f.tf, func(*round.NoticeInput) {}, errs.Forbidden},
			{f.admin, func(in *round.NoticeInput) { in.Kind = "memo" }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.Title = "  " }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.Title = strings.Repeat("题", 81) }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.Body = "" }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.RoundKey = "2026-3-1" }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.Categories = []string{"唱歌"} }, errs.Invalid},
			{f.admin, func(in *round.NoticeInput) { in.OrgID = 99999 }, errs.Invalid},
		} {
			in := good
			c.mod(&in)
			_, err := f.rounds.Publish(ctx, c.p, in)
			e := wantKind(t, err, c.kind, "publish "+in.Kind+" "+in.Title)
			if !hasHan(e.Message) {
				t.Errorf("message not in Chinese: %q", e.Message)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notices`); n != 0 {
			t.Fatalf("refused notices wrote %d rows", n)
		}

		reminder, err := f.rounds.Publish(ctx, f.admin, good)
		mustOK(t, err, "reminder to the district")
		letter := good
		letter.Kind, letter.Title, letter.Categories = round.Letter, "致全区书记的一封信", nil
		letterID, err := f.rounds.Publish(ctx, f.admin, letter)
		mustOK(t, err, "letter")
		supp := good
		supp.Kind, supp.Title, supp.OrgID = round.Supplement, "乙局补充通知", f.comB
		suppID, err := f.rounds.Publish(ctx, f.admin, supp)
		mustOK(t, err, "supplement to 乙局")

		n, err := f.rounds.GetNotice(ctx, f.shuji, reminder)
		mustOK(t, err, "get")
		if len(n.Categories) != 2 || n.Categories[1] != study.CategoryRules || len(n.Materials) != 2 || n.KindLabel != "工作提醒" {
			t.Errorf("stored notice: %+v", n)
		}

		sees := func(p *auth.Principal) map[int64]bool {
			t.Helper()
			ns, err := f.rounds.Notices(ctx, p, "")
			mustOK(t, err, "notices of "+p.Username)
			out := map[int64]bool{}
			for _, n := range ns {
				out[n.ID] = true
			}
			return out
		}
		for _, c := range []struct {
			p    *auth.Principal
			want []int64
		}{
			{f.admin, []int64{reminder, letterID, suppID}},
			{f.shuji, []int64{reminder, letterID}},
			{f.leader, []int64{reminder, letterID}},
			{f.shujiB, []int64{reminder, letterID, suppID}},
			{f.dang, []int64{reminder}}, // members see reminders, never letters
			{f.auditor, nil},
		} {
			got := sees(c.p)
			if len(got) != len(c.want) {
				t.Errorf("%s sees %v, want %v", c.p.Username, got, c.want)
			}
			for _, id := range c.want {
				if !got[id] {
					t.Errorf("%s does not see notice %d", c.p.Username, id)
				}
			}
		}
		if _, err := f.rounds.GetNotice(ctx, f.dang, letterID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("member opens the letter: %v", err)
		}
		if _, err := f.rounds.GetNotice(ctx, f.shuji, suppID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("甲's secretary opens 乙's supplement: %v", err)
		}
		if ns, _ := f.rounds.Notices(ctx, f.admin, "2026-04-1"); len(ns) != 0 {
			t.Errorf("round filter: %d notices for another round", len(ns))
		}

		// Receipts: one per notice and branch, by whoever leads it.
		mustOK(t, f.rounds.MarkRead(ctx, f.shuji, reminder), "secretary reads")
		mustOK(t, f.rounds.MarkRead(ctx, f.shuji, reminder), "secretary reads again")
		mustOK(t, f.rounds.MarkRead(ctx, f.dang, reminder), "member reads")
		mustOK(t, f.rounds.MarkRead(ctx, f.leader, reminder), "group leader reads")
		if n := f.count(t, `SELECT COUNT(*) FROM notice_reads WHERE notice_id = ?`, reminder); n != 2 {
			t.Errorf("%d receipts, want 2 (shuji's branch, the leader's group)", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'notice.read'`); n != 2 {
			t.Errorf("%d notice.read audit rows, want 2", n)
		}
		if ns, _ := f.rounds.Notices(ctx, f.shuji, ""); len(ns) != 2 || !readOf(ns, reminder) || readOf(ns, letterID) {
			t.Errorf("secretary's read flags wrong: %+v", ns)
		}
		wantKind(t, f.rounds.MarkRead(ctx, f.shuji, suppID), errs.NotFound, "read a notice not addressed to one")

		rs, err := f.rounds.Receipts(ctx, f.admin, reminder)
		mustOK(t, err, "receipts")
		got := map[int64]round.Receipt{}
		for _, r := range rs {
			got[r.OrgID] = r
		}
		if len(rs) != 3 || !got[f.branchA].Read || got[f.branchA].ReadBy != "shuji" || !got[f.branchG].Read || got[f.branchB].Read || got[f.branchB].ReadAt != nil {
			t.Errorf("receipts: %+v", rs)
		}
		rs, err = f.rounds.Receipts(ctx, f.tf, suppID)
		mustOK(t, err, "task force reads receipts")
		if len(rs) != 1 || rs[0].OrgID != f.branchB || rs[0].Read {
			t.Errorf("supplement receipts: %+v", rs)
		}
		if _, err := f.rounds.Receipts(ctx, f.shuji, reminder); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("a secretary reads the receipts: %v", err)
		}
	})
}

func readOf(ns []round.Notice, id int64) bool {
	for _, n := range ns {
		if n.ID == id {
			return n.Read
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// hold plans, signs in and finalises a unit's meeting at when (by hand, so
// the planned time is the time it was held), as the admin.
func (f *fixture) hold(t *testing.T, unit int64, members []int64, key string, when time.Time) int64 {
	t.Helper()
	id, err := f.meetings.Plan(ctx, f.admin, meeting.PlanInput{OrgID: unit, RoundKey: key, PlannedAt: when, Place: "会议室",
		HostID: members[0], RecorderID: members[0], LeadID: members[0], Materials: []meeting.MaterialInput{{Title: "党章", Category: "party_rules"}}})
	mustOK(t, err, "plan")
	mustOK(t, f.meetings.SignIn(ctx, f.admin, id, meeting.SignInInput{MemberID: members[0]}, []byte("k")), "sign in")
	mustOK(t, f.meetings.SaveSpeech(ctx, f.admin, id, meeting.SpeechInput{MemberID: members[0], Kinds: []string{"understanding"}, Content: "发言"}), "speech")
	mustOK(t, f.meetings.Finalize(ctx, f.admin, id, ""), "finalise")
	return id
}

func statuses(t *testing.T, f *fixture, p *auth.Principal, key string, orgID int64) map[int64]round.Status {
	t.Helper()
	list, err := f.rounds.Compliance(ctx, p, key, orgID)
	mustOK(t, err, "compliance "+key)
	out := map[int64]round.Status{}
	for _, u := range list {
		out[u.ID] = u.Status
		if u.StatusLabel != u.Status.Label() {
			t.Errorf("unit %d: label %q for %s", u.ID, u.StatusLabel, u.Status)
		}
	}
	return out
}

func TestCompliance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		const key = "2026-03-1" // window 13–19 March
		// B asks to postpone to the 25th; the admin approves.
		wantKind(t, f.rounds.RequestPostponement(ctx, f.shuji, f.branchB, key, "出差", "2026-03-25"), errs.NotFound, "another branch's secretary")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.shujiB, f.branchB, key, " ", "2026-03-25"), errs.Invalid, "no reason")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.shujiB, f.branchB, key, "出差", "2026-03-18"), errs.Invalid, "a date inside the window")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.shujiB, f.branchB, key, "出差", "2026-05-25"), errs.Invalid, "more than 30 days late")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.admin, f.branchG, key, "出差", "2026-03-25"), errs.Unprocessable, "a branch with groups")
		mustOK(t, f.rounds.RequestPostponement(ctx, f.shujiB, f.branchB, key, "全支部参加防汛演练", "2026-03-25"), "request")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.shujiB, f.branchB, key, "再申请", "2026-03-26"), errs.Conflict, "second request")
		wantKind(t, f.rounds.RequestPostponement(ctx, f.leader, f.g2, key, "试试", "2026-03-25"), errs.NotFound, "a group leader for another group")
		mustOK(t, f.rounds.RequestPostponement(ctx, f.admin, f.g2, key, "试试", "2026-03-25"), "request for G2") // rejected below
		reqs, err := f.rounds.Postponements(ctx, f.admin)
		mustOK(t, err, "postponements")
		var ppB, ppG2 int64
		for _, r := range reqs {
			switch r.OrgID {
			case f.branchB:
				ppB = r.ID
			case f.g2:
				ppG2 = r.ID
			}
		}
		if mine, _ := f.rounds.Postponements(ctx, f.shuji); len(mine) != 0 {
			t.Errorf("甲's secretary sees %d requests of other branches", len(mine))
		}
		wantKind(t, f.rounds.DecidePostponement(ctx, f.shujiB, ppB, true), errs.Forbidden, "secretary decides")
		mustOK(t, f.rounds.DecidePostponement(ctx, f.admin, ppB, true), "approve")
		wantKind(t, f.rounds.DecidePostponement(ctx, f.admin, ppB, false), errs.Conflict, "decide twice")
		mustOK(t, f.rounds.DecidePostponement(ctx, f.admin, ppG2, false), "reject")
		wantKind(t, f.rounds.DecidePostponement(ctx, f.admin, 99999, true), errs.NotFound, "no such request")

		// A in the window, G1 late; G2 nothing (its request was rejected).
		f.hold(t, f.branchA, f.a, key, at("2026-03-14 15:00"))
		f.hold(t, f.g1, f.g1m, key, at("2026-03-24 15:00"))

		f.rounds.Now = func() time.Time { return at("2026-03-10 09:00") }
		if st := statuses(t, f, f.admin, key, 0); st[f.branchA] != round.StatusOnTime || st[f.g2] != round.StatusPending || st[f.branchB] != round.StatusPending {
			t.Errorf("before the window closes: %v", st)
		}
		f.rounds.Now = func() time.Time { return at("2026-03-21 09:00") }
		st := statuses(t, f, f.admin, key, 0)
		want := map[int64]round.Status{f.branchA: round.StatusOnTime, f.g1: round.StatusLate, f.g2: round.StatusNotHeld, f.branchB: round.StatusPostponed}
		for id, w := range want {
			if st[id] != w {
				t.Errorf("after the window, unit %d: %s, want %s", id, st[id], w)
			}
		}
		if len(st) != 4 {
			t.Errorf("admin sees %d units, want 4", len(st))
		}
		if round.StatusPostponed.Label() != "请假顺延" || round.StatusLate.Label() != "逾期开展" || round.StatusNotHeld.Label() != "未开展" || round.StatusOnTime.Label() != "按时开展" {
			t.Error("status labels changed")
		}

		// B makes it up by the approved date.
		f.hold(t, f.branchB, f.b, key, at("2026-03-24 10:00"))
		f.rounds.Now = func() time.Time { return at("2026-04-20 09:00") }
		st = statuses(t, f, f.admin, key, 0)
		if st[f.branchB] != round.StatusMadeUp || st[f.g2] != round.StatusNotHeld {
			t.Errorf("made up: %v", st)
		}
		// A round nobody planned for is 未开展 everywhere once it is past.
		for id, s := range statuses(t, f, f.admin, "2026-03-2", 0) {
			if s != round.StatusNotHeld {
				t.Errorf("2026-03-2 unit %d: %s", id, s)
			}
		}

		// Scope.
		if st := statuses(t, f, f.shuji, key, 0); len(st) != 1 || st[f.branchA] != round.StatusOnTime {
			t.Errorf("secretary's compliance: %v", st)
		}
		if st := statuses(t, f, f.admin, key, f.comA); len(st) != 3 {
			t.Errorf("narrowed to 甲局: %v", st)
		}
		_, err = f.rounds.Compliance(ctx, f.shuji, key, f.comB)
		wantKind(t, err, errs.NotFound, "secretary narrows to another committee")
		_, err = f.rounds.Compliance(ctx, f.dang, key, 0)
		wantKind(t, err, errs.Forbidden, "member")
		_, err = f.rounds.Compliance(ctx, f.admin, "2026-13-1", 0)
		wantKind(t, err, errs.Invalid, "bad key")
	})
}

var ctx = context.Background()

// The shared helpers of the cycle packages' store tests (meetingtest).
var (
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
