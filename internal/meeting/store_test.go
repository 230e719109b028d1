package meeting_test

// Store tests for meetings on both databases: planning, self-study,
// sign-in, speeches, reviews and finalising, each with the refusals the
// rules require (scope, roles, bad input, the lock on final minutes).

import (
	"context"
	"strconv"
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

var ctx = context.Background()

// The shared helpers of the cycle packages' store tests (meetingtest).
var (
	at       = meetingtest.At
	wantKind = meetingtest.WantKind
	mustOK   = meetingtest.MustOK
)

// roundKey is a past round of the programme: 2026年3月上半月, window 13–19 March.
const roundKey = "2026-03-1"

var signinKey = []byte("test-signin-key-0123456789abcdef")

// plan is a valid plan for branch A in roundKey: host shuji, recorder a[2]
// (dang2), lead dang, one material per category given.
func (f *fixture) plan(cats ...study.Category) meeting.PlanInput {
	in := meeting.PlanInput{OrgID: f.branchA, RoundKey: roundKey, PlannedAt: at("2026-03-14 15:00"), Place: "三楼会议室", Topic: "学讲评",
		HostID: f.a[0], RecorderID: f.a[2], LeadID: f.a[1]}
	for _, c := range cats {
		in.Materials = append(in.Materials, meeting.MaterialInput{Title: "材料：" + c.Label(), Category: string(c)})
	}
	if len(cats) == 0 {
		in.Materials = []meeting.MaterialInput{{Title: "党章", Category: string(study.CategoryRules)}}
	}
	return in
}

func (f *fixture) mustPlan(t *testing.T, in meeting.PlanInput) int64 {
	t.Helper()
	id, err := f.meetings.Plan(ctx, f.shuji, in)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return id
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return meetingtest.Count(t, f.d, q, args...)
}

func (f *fixture) code(t *testing.T, id int64, when time.Time) string {
	t.Helper()
	var secret string
	if err := f.d.QueryRow(ctx, `SELECT secret FROM meetings WHERE id = ?`, id).Scan(&secret); err != nil {
		t.Fatal(err)
	}
	return meeting.Code(append(append([]byte{}, signinKey...), secret...), id, when)
}

func TestPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		_, err := f.rounds.Publish(ctx, f.admin, round.NoticeInput{RoundKey: roundKey, Kind: round.Reminder, Title: "三月上半月工作提醒", Body: "请按时开展。",
			Categories: []string{string(study.CategorySpeeches), string(study.CategoryRules)}})
		mustOK(t, err, "publish")

		_, err = f.meetings.Plan(ctx, f.shujiB, f.plan(study.CategorySpeeches, study.CategoryRules))
		wantKind(t, err, errs.NotFound, "another branch's secretary")
		_, err = f.meetings.Plan(ctx, f.dang, f.plan(study.CategorySpeeches, study.CategoryRules))
		wantKind(t, err, errs.Forbidden, "a member of the unit")

		e := wantKind(t, fErr(f.meetings.Plan(ctx, f.shuji, f.plan(study.CategorySpeeches))), errs.Unprocessable, "missing category")
		if !strings.Contains(e.Message, study.CategoryRules.Label()) || strings.Contains(e.Message, study.CategorySpeeches.Label()) {
			t.Errorf("missing-category message names the wrong categories: %s", e.Message)
		}

		bad := f.plan(study.CategorySpeeches, study.CategoryRules)
		bad.HostID = f.b[1]
		e = wantKind(t, fErr(f.meetings.Plan(ctx, f.shuji, bad)), errs.Invalid, "host from another unit")
		if !strings.Contains(e.Message, "主持人须为本单元党员") {
			t.Errorf("host message: %s", e.Message)
		}
		bad = f.plan(study.CategorySpeeches, study.CategoryRules)
		bad.RecorderID, bad.LeadID = f.g1m[0], f.b[0]
		e = wantKind(t, fErr(f.meetings.Plan(ctx, f.shuji, bad)), errs.Invalid, "recorder and lead from other units")
		if len(e.Fields) != 2 {
			t.Errorf("want two field errors (recorder, lead), got %+v", e.Fields)
		}
		early := f.plan(study.CategorySpeeches, study.CategoryRules)
		early.PlannedAt = at("2026-02-28 15:00")
		wantKind(t, fErr(f.meetings.Plan(ctx, f.shuji, early)), errs.Unprocessable, "before the round opens")

		if n := f.count(t, `SELECT COUNT(*) FROM meetings`) + f.count(t, `SELECT COUNT(*) FROM meeting_materials`); n != 0 {
			t.Fatalf("refused plans wrote %d rows", n)
		}

		id := f.mustPlan(t, f.plan(study.CategorySpeeches, study.CategoryRules, study.CategoryPolicy))
		_, err = f.meetings.Plan(ctx, f.shuji, f.plan(study.CategorySpeeches, study.CategoryRules))
		wantKind(t, err, errs.Conflict, "second plan for the round")

		m, err := f.meetings.Get(ctx, f.dang, id)
		mustOK(t, err, "get as member")
		if len(m.Materials) != 3 || len(m.Required) != 2 || len(m.Missing) != 0 || m.LeadID != f.a[1] {
			t.Errorf("meeting: %d materials, required %v, missing %v, lead %d", len(m.Materials), m.Required, m.Missing, m.LeadID)
		}
		if _, err := f.meetings.Get(ctx, f.shujiB, id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("another branch's secretary reads the meeting: %v", err)
		}
		if _, err := f.meetings.Get(ctx, f.tf, id); err != nil {
			t.Errorf("the task force cannot read it: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.plan' AND target = ?`, target(id)); n != 1 {
			t.Errorf("%d meeting.plan audit rows", n)
		}

		// A branch with groups is not an activity unit: its groups meet.
		g := f.plan()
		g.OrgID, g.HostID, g.RecorderID, g.LeadID = f.branchG, f.g1m[0], f.g1m[0], f.g1m[0]
		_, err = f.meetings.Plan(ctx, f.admin, g)
		wantKind(t, err, errs.Unprocessable, "a branch with groups")
		// The group leader plans for their group.
		g.OrgID = f.g1
		g.Materials = []meeting.MaterialInput{{Title: "讲话", Category: string(study.CategorySpeeches)}, {Title: "党章", Category: string(study.CategoryRules)}}
		if _, err := f.meetings.Plan(ctx, f.leader, g); err != nil {
			t.Errorf("group leader plans for the group: %v", err)
		}
	})
}

func fErr(_ int64, err error) error { return err }

func target(id int64) string { return "meeting:" + strconv.FormatInt(id, 10) }

func TestSelfStudy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		id := f.mustPlan(t, f.plan(study.CategorySpeeches, study.CategoryRules))
		m, _ := f.meetings.Get(ctx, f.shuji, id)
		mat := m.Materials[0].ID
		mustOK(t, f.meetings.SelfStudy(ctx, f.dang, id, mat), "self-study")
		mustOK(t, f.meetings.SelfStudy(ctx, f.dang, id, mat), "self-study again")
		if n := f.count(t, `SELECT COUNT(*) FROM selfstudy WHERE member_id = ?`, f.a[1]); n != 1 {
			t.Errorf("%d self-study rows after marking twice", n)
		}
		wantKind(t, f.meetings.SelfStudy(ctx, f.dang, id, mat+1000), errs.NotFound, "a material of no meeting")
		wantKind(t, f.meetings.SelfStudy(ctx, f.shujiB, id, mat), errs.NotFound, "someone outside the unit")
		wantKind(t, f.meetings.SelfStudy(ctx, f.admin, id, mat), errs.Forbidden, "the admin is no member")

		m, _ = f.meetings.Get(ctx, f.shuji, id)
		if !m.Materials[0].ReadByMember(f.a[1]) || m.Materials[1].ReadByMember(f.a[1]) {
			t.Errorf("read by: %v / %v", m.Materials[0].ReadBy, m.Materials[1].ReadBy)
		}
		for _, a := range m.Members {
			want := 0
			if a.ID == f.a[1] {
				want = 1
			}
			if a.StudyDone != want {
				t.Errorf("member %d: %d studied, want %d", a.ID, a.StudyDone, want)
			}
		}
	})
}

func TestSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		in := f.plan()
		id := f.mustPlan(t, in)
		var now time.Time
		f.meetings.Now = func() time.Time { return now }

		// Before the meeting a member may ask for leave themself.
		now = in.PlannedAt.Add(-time.Hour)
		wantKind(t, f.meetings.SignIn(ctx, f.dang, id, meeting.SignInInput{Leave: true}, signinKey), errs.Invalid, "leave without a reason")
		mustOK(t, f.meetings.SignIn(ctx, f.dang, id, meeting.SignInInput{Leave: true, Reason: "外出培训"}, signinKey), "leave before the meeting")
		// Once it has started, the recorder records leave.
		now = in.PlannedAt.Add(5 * time.Minute)
		wantKind(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{Leave: true, Reason: "身体不适"}, signinKey), errs.Unprocessable, "self leave after the start")

		// A valid code signs the member in, replacing the leave.
		mustOK(t, f.meetings.SignIn(ctx, f.dang, id, meeting.SignInInput{Code: f.code(t, id, now)}, signinKey), "QR sign-in")
		// The previous step's code is still accepted (a scan at the boundary).
		mustOK(t, f.meetings.SignIn(ctx, f.dang2, id, meeting.SignInInput{Code: f.code(t, id, now.Add(-meeting.CodeStep))}, signinKey), "code of the previous step")
		// Two steps ago: refused with a clear message.
		e := wantKind(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{Code: f.code(t, id, now.Add(-2*meeting.CodeStep))}, signinKey), errs.Unprocessable, "old code")
		if !strings.Contains(e.Message, "已过期") {
			t.Errorf("old code message: %s", e.Message)
		}
		wantKind(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{Code: "not a code"}, signinKey), errs.Invalid, "garbage code")
		// A code made with another installation's key is refused.
		wantKind(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{Code: f.code(t, id, now)}, []byte("another-key")), errs.Unprocessable, "foreign key")

		// The recorder signs people in by hand and records leave for them.
		mustOK(t, f.meetings.SignIn(ctx, f.dang2, id, meeting.SignInInput{MemberID: f.a[3]}, signinKey), "manual sign-in by the recorder")
		mustOK(t, f.meetings.SignIn(ctx, f.dang2, id, meeting.SignInInput{MemberID: f.a[4], Leave: true, Reason: "出差"}, signinKey), "leave by the recorder")
		wantKind(t, f.meetings.SignIn(ctx, f.dang2, id, meeting.SignInInput{MemberID: f.b[1]}, signinKey), errs.Invalid, "a member of another unit")
		// A member cannot sign in someone else, nor can an outsider.
		wantKind(t, f.meetings.SignIn(ctx, f.dang, id, meeting.SignInInput{MemberID: f.a[0]}, signinKey), errs.Forbidden, "member signs in someone else")
		wantKind(t, f.meetings.SignIn(ctx, f.shujiB, id, meeting.SignInInput{MemberID: f.a[0]}, signinKey), errs.NotFound, "outsider")
		wantKind(t, f.meetings.SignIn(ctx, f.shujiB, id, meeting.SignInInput{Code: f.code(t, id, now)}, signinKey), errs.NotFound, "outsider with a code")

		m, err := f.meetings.Get(ctx, f.shuji, id)
		mustOK(t, err, "get")
		got := map[int64]string{}
		for _, a := range m.Members {
			got[a.ID] = a.Status + "/" + a.Method
		}
		want := map[int64]string{f.a[0]: "/", f.a[1]: "present/qr", f.a[2]: "present/qr", f.a[3]: "present/manual", f.a[4]: "leave/leave", f.a[5]: "/"}
		for id, w := range want {
			if got[id] != w {
				t.Errorf("member %d: %q, want %q", id, got[id], w)
			}
		}
		if m.Present != 3 || m.OnLeave != 1 || m.AttendanceRate != 0.5 {
			t.Errorf("present %d, leave %d, rate %v; want 3, 1, 0.5", m.Present, m.OnLeave, m.AttendanceRate)
		}
		var reason string
		_ = d.QueryRow(ctx, `SELECT reason FROM attendance WHERE meeting_id = ? AND member_id = ?`, id, f.a[4]).Scan(&reason)
		if reason != "出差" {
			t.Errorf("leave reason %q", reason)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.signin' AND target = ?`, target(id)); n != 5 {
			t.Errorf("%d meeting.signin audit rows, want 5", n)
		}

		// Someone who attended and later moved to another unit stays in
		// the record; someone who never attended does not follow.
		if _, err := d.Exec(ctx, `UPDATE members SET org_id = ? WHERE id IN (?, ?)`, f.branchB, f.a[3], f.a[5]); err != nil {
			t.Fatal(err)
		}
		m, err = f.meetings.Get(ctx, f.shuji, id)
		mustOK(t, err, "get after a transfer")
		var ids []int64
		for _, a := range m.Members {
			ids = append(ids, a.ID)
		}
		if len(ids) != 5 || ids[3] != f.a[3] || ids[4] != f.a[4] || m.Members[3].Status != "present" {
			t.Errorf("members after a transfer: %v", ids)
		}
	})
}

func TestSpeeches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		id := f.mustPlan(t, f.plan())
		sp := meeting.SpeechInput{Kinds: []string{"understanding", "心得体会"}, Problem: "窗口排队时间长", Content: "我谈三点体会。"}
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, sp), "member drafts own")
		sp.Content, sp.IsCase = "改后的发言：一个仲裁案例。", true
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, sp), "member rewrites own")
		other := sp
		other.MemberID = f.a[3]
		wantKind(t, f.meetings.SaveSpeech(ctx, f.dang, id, other), errs.Forbidden, "member writes for someone else")
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang2, id, other), "recorder enters for a member")
		other.MemberID = f.b[0]
		wantKind(t, f.meetings.SaveSpeech(ctx, f.dang2, id, other), errs.Invalid, "speech of a member of another unit")
		wantKind(t, f.meetings.SaveSpeech(ctx, f.shujiB, id, sp), errs.NotFound, "outsider")

		for _, c := range []struct {
			in   meeting.SpeechInput
			want string
		}{
			{meeting.SpeechInput{Kinds: []string{"唱歌"}, Content: "x"}, "未知的发言类型"},
			{meeting.SpeechInput{Kinds: nil, Content: "x"}, "请选择发言类型"},
			{meeting.SpeechInput{Kinds: []string{"experience"}, Content: "  "}, "请填写发言内容"},
			{meeting.SpeechInput{Kinds: []string{"experience"}, Content: strings.Repeat("字", 5001)}, "5000"},
		} {
			e := wantKind(t, f.meetings.SaveSpeech(ctx, f.dang, id, c.in), errs.Invalid, c.want)
			if !strings.Contains(e.Message, c.want) {
				t.Errorf("message %q lacks %q", e.Message, c.want)
			}
		}

		m, _ := f.meetings.Get(ctx, f.shuji, id)
		if len(m.Speeches) != 2 {
			t.Fatalf("%d speeches, want 2", len(m.Speeches))
		}
		mine := m.Speeches[0]
		if mine.MemberID != f.a[1] || !mine.IsCase || mine.Content != sp.Content || len(mine.Kinds) != 2 || mine.Kinds[1] != meeting.SpeechReflection {
			t.Errorf("own speech: %+v", mine)
		}
		var enteredBy int64
		_ = d.QueryRow(ctx, `SELECT entered_by FROM speeches WHERE meeting_id = ? AND member_id = ?`, id, f.a[3]).Scan(&enteredBy)
		if enteredBy != f.dang2.UserID {
			t.Errorf("entered_by %d, want the recorder %d", enteredBy, f.dang2.UserID)
		}
	})
}

func TestReviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		id := f.mustPlan(t, f.plan())
		for _, m := range f.a[:4] {
			mustOK(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: m}, signinKey), "sign in")
		}
		// Rotation over a0..a3 in id order: a1 reviews a2 and a3.
		rv := func(kind string, reviewer, reviewee int64) meeting.ReviewInput {
			return meeting.ReviewInput{Kind: kind, ReviewerID: reviewer, RevieweeID: reviewee, Rating: "良好", Comment: "发言联系实际。"}
		}
		mustOK(t, f.meetings.SaveReview(ctx, f.dang, id, rv("self", 0, f.a[3])), "self review")
		mustOK(t, f.meetings.SaveReview(ctx, f.dang, id, rv("peer", 0, f.a[2])), "assigned peer review")
		mustOK(t, f.meetings.SaveReview(ctx, f.dang, id, rv("peer", 0, f.a[3])), "second assigned peer review")
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, rv("peer", 0, f.a[0])), errs.Unprocessable, "peer review outside the rotation")
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, rv("peer", 0, f.a[1])), errs.Invalid, "peer review of oneself")
		wantKind(t, f.meetings.SaveReview(ctx, f.shuji, id, rv("peer", f.a[2], f.a[2])), errs.Invalid, "the secretary enters a self peer review")
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, rv("overall", 0, f.a[2])), errs.Forbidden, "member writes an overall review")
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, rv("self", f.a[2], 0)), errs.Forbidden, "member writes another's self review")
		wantKind(t, f.meetings.SaveReview(ctx, f.leader, id, rv("overall", 0, f.a[2])), errs.NotFound, "another unit's group leader")
		mustOK(t, f.meetings.SaveReview(ctx, f.shuji, id, rv("overall", 0, f.a[1])), "the secretary's overall review")
		mustOK(t, f.meetings.SaveReview(ctx, f.shuji, id, rv("overall", 0, f.a[1])), "overall review rewritten")
		bad := rv("self", 0, 0)
		bad.Rating = "满分"
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, bad), errs.Invalid, "unknown rating")
		bad = rv("praise", 0, 0)
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, bad), errs.Invalid, "unknown kind")
		bad = rv("self", 0, 0)
		bad.Comment = " "
		wantKind(t, f.meetings.SaveReview(ctx, f.dang, id, bad), errs.Invalid, "empty comment")

		m, _ := f.meetings.Get(ctx, f.shuji, id)
		type key struct {
			kind     meeting.ReviewKind
			from, to int64
		}
		got := map[key]bool{}
		for _, r := range m.Reviews {
			got[key{r.Kind, r.ReviewerID, r.RevieweeID}] = true
			if r.Kind == meeting.ReviewPeer && r.ReviewerID == r.RevieweeID {
				t.Errorf("someone peer-reviewed themself: %+v", r)
			}
		}
		for _, k := range []key{{meeting.ReviewSelf, f.a[1], f.a[1]}, {meeting.ReviewPeer, f.a[1], f.a[2]}, {meeting.ReviewPeer, f.a[1], f.a[3]}, {meeting.ReviewOverall, f.a[0], f.a[1]}} {
			if !got[k] {
				t.Errorf("missing review %+v", k)
			}
		}
		if len(m.Reviews) != 4 {
			t.Errorf("%d reviews, want 4", len(m.Reviews))
		}
	})
}

func TestFinalize(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		in := f.plan()
		id := f.mustPlan(t, in)
		e := wantKind(t, f.meetings.Finalize(ctx, f.shuji, id, "小结"), errs.Unprocessable, "no attendance")
		if e.Code != meeting.CodeNoAttendance {
			t.Errorf("code %s", e.Code)
		}
		mustOK(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: f.a[1]}, signinKey), "sign in")
		// A speech by someone absent does not count.
		mustOK(t, f.meetings.SaveSpeech(ctx, f.shuji, id, meeting.SpeechInput{MemberID: f.a[4], Kinds: []string{"experience"}, Content: "书面发言"}), "absent member's speech")
		e = wantKind(t, f.meetings.Finalize(ctx, f.shuji, id, "小结"), errs.Unprocessable, "no speech by anyone present")
		if e.Code != meeting.CodeNoSpeech {
			t.Errorf("code %s", e.Code)
		}
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, meeting.SpeechInput{Kinds: []string{"understanding"}, Content: "我的发言"}), "speech")
		wantKind(t, f.meetings.Finalize(ctx, f.dang, id, ""), errs.Forbidden, "a member finalises")
		wantKind(t, f.meetings.Finalize(ctx, f.shujiB, id, ""), errs.NotFound, "an outsider finalises")

		// With a QR sign-in the meeting was held at the first scan.
		f.meetings.Now = func() time.Time { return in.PlannedAt.Add(3 * time.Minute) }
		mustOK(t, f.meetings.SignIn(ctx, f.dang2, id, meeting.SignInInput{Code: f.code(t, id, in.PlannedAt.Add(3*time.Minute))}, signinKey), "QR sign-in")
		f.meetings.Now = time.Now
		mustOK(t, f.meetings.Finalize(ctx, f.shuji, id, "会议小结"), "finalise")
		m, _ := f.meetings.Get(ctx, f.shuji, id)
		var scanned time.Time
		_ = d.QueryRow(ctx, `SELECT at FROM attendance WHERE meeting_id = ? AND method = 'qr'`, id).Scan(&scanned)
		if !m.Finalized() || m.HeldAt == nil || !m.HeldAt.Equal(scanned) || m.Summary != "会议小结" {
			t.Fatalf("finalised %v, held %v (first scan %v), summary %q", m.Finalized(), m.HeldAt, scanned, m.Summary)
		}
		wantKind(t, f.meetings.Finalize(ctx, f.shuji, id, ""), errs.Conflict, "finalise twice")

		// Locked: a later change needs a reason and is an amendment.
		sp := meeting.SpeechInput{Kinds: []string{"understanding"}, Content: "补充"}
		wantKind(t, f.meetings.SaveSpeech(ctx, f.dang, id, sp), errs.Conflict, "speech after finalising")
		wantKind(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: f.a[5]}, signinKey), errs.Conflict, "sign-in after finalising")
		wantKind(t, f.meetings.SelfStudy(ctx, f.dang, id, m.Materials[0].ID), errs.Conflict, "self-study after finalising")
		sp.Amend = "漏记一句"
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, sp), "amended speech")
		mustOK(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: f.a[5], Amend: "补记签到"}, signinKey), "amended sign-in")
		var detail string
		err := d.QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'meeting.amend.speech' AND target = ?`, target(id)).Scan(&detail)
		if err != nil || !strings.Contains(detail, "漏记一句") {
			t.Errorf("amendment audit: %v %q", err, detail)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.amend.signin'`); n != 1 {
			t.Errorf("%d meeting.amend.signin rows", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'meeting.finalize' AND target = ?`, target(id)); n != 1 {
			t.Errorf("%d meeting.finalize rows", n)
		}
	})
}

// TestFinalizeWithoutScanUsesPlannedTime: with only sign-ins by hand the
// planned time is the record of when it was held, so a meeting planned in
// the future cannot be finalised yet.
func TestFinalizeWithoutScanUsesPlannedTime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		in := f.plan()
		id := f.mustPlan(t, in)
		mustOK(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: f.a[1]}, signinKey), "sign in")
		mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, meeting.SpeechInput{Kinds: []string{"understanding"}, Content: "发言"}), "speech")
		f.meetings.Now = func() time.Time { return in.PlannedAt.Add(-time.Hour) }
		e := wantKind(t, f.meetings.Finalize(ctx, f.shuji, id, ""), errs.Unprocessable, "before the planned time")
		if e.Code != "not_yet" {
			t.Errorf("code %s", e.Code)
		}
		f.meetings.Now = time.Now
		mustOK(t, f.meetings.Finalize(ctx, f.shuji, id, ""), "finalise")
		m, _ := f.meetings.Get(ctx, f.shuji, id)
		if m.HeldAt == nil || !m.HeldAt.Equal(in.PlannedAt) {
			t.Errorf("held %v, want the planned %v", m.HeldAt, in.PlannedAt)
		}
	})
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
