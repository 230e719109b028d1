package points_test

// Store tests for points on both databases: off by default; when on, they
// follow from finalised speeches and reviews and verified rectifications,
// never from logins or page views.

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/meeting/meetingtest"
	"xuejiangping/internal/points"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
)

var key = []byte("k")

// meetingWith plans branch A's meeting for a round with a[0..3] present,
// dang's speech (a case) and dang's self and two peer reviews.
func (f *fixture) meetingWith(t *testing.T, roundKey string, when time.Time) int64 {
	t.Helper()
	id, err := f.meetings.Plan(ctx, f.shuji, meeting.PlanInput{OrgID: f.branchA, RoundKey: roundKey, PlannedAt: when, Place: "会议室",
		HostID: f.a[0], RecorderID: f.a[0], LeadID: f.a[1], Materials: []meeting.MaterialInput{{Title: "党章", Category: "party_rules"}}})
	mustOK(t, err, "plan")
	for _, m := range f.a[:4] {
		mustOK(t, f.meetings.SignIn(ctx, f.shuji, id, meeting.SignInInput{MemberID: m}, key), "sign in")
	}
	mustOK(t, f.meetings.SaveSpeech(ctx, f.dang, id, meeting.SpeechInput{Kinds: []string{"experience"}, Content: "案例", IsCase: true}), "speech")
	mustOK(t, f.meetings.SaveSpeech(ctx, f.shuji, id, meeting.SpeechInput{MemberID: f.a[2], Kinds: []string{"experience"}, Content: "发言"}), "speech a2")
	for _, r := range []meeting.ReviewInput{{Kind: "self"}, {Kind: "peer", RevieweeID: f.a[2]}, {Kind: "peer", RevieweeID: f.a[3]}} {
		r.Rating, r.Comment = "良好", "具体"
		mustOK(t, f.meetings.SaveReview(ctx, f.dang, id, r), "review")
	}
	mustOK(t, f.meetings.SaveReview(ctx, f.shuji, id, meeting.ReviewInput{Kind: "overall", RevieweeID: f.a[1], Rating: "优秀", Comment: "好"}), "overall")
	return id
}

func TestPoints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		rs := rectify.NewService(d, f.meetings, shanghai)
		rs.Now = func() time.Time { return at("2026-03-14 16:00") }
		held := f.meetingWith(t, "2026-03-1", at("2026-03-14 15:00"))
		open := f.meetingWith(t, "2026-03-2", at("2026-03-28 15:00")) // never finalised
		rid, err := rs.Raise(ctx, f.shuji, rectify.Input{MeetingID: held, Problem: "p", Category: "other", OwnerID: f.a[1], Measure: "m", Deadline: "2099-12-31"})
		mustOK(t, err, "raise")
		mustOK(t, f.meetings.Finalize(ctx, f.shuji, held, ""), "finalise")
		for _, c := range []rectify.Change{{Status: "in_progress"}, {Status: "done", Evidence: "e"}} {
			_, err := rs.Update(ctx, f.dang, rid, c)
			mustOK(t, err, "owner moves")
		}
		_ = open

		// Off by default: nothing is computed, even with a record.
		mine, err := points.For(ctx, d, f.a[1])
		mustOK(t, err, "points off")
		if mine.Enabled || mine.Total != 0 || len(mine.Lines) != 0 {
			t.Fatalf("points while off: %+v", mine)
		}
		wantKind(t, points.SetEnabled(ctx, d, f.shuji, true), errs.Forbidden, "a secretary turns points on")
		mustOK(t, points.SetEnabled(ctx, d, f.admin, true), "admin turns points on")

		lines := func() map[string]int {
			t.Helper()
			m, err := points.For(ctx, d, f.a[1])
			mustOK(t, err, "points")
			if !m.Enabled {
				t.Fatal("points not enabled")
			}
			out := map[string]int{"total": m.Total}
			for _, l := range m.Lines {
				out[l.What] = l.Count
			}
			return out
		}
		// One finalised speech (a case), three reviews written; the open
		// meeting's speech and reviews do not count, nor the overall review
		// dang received, nor the rectification until it is verified.
		got := lines()
		want := points.PerSpeech + points.PerCase + 3*points.PerReview
		if got["total"] != want || got["在会上发言"] != 1 || got["撰写自评、互评"] != 3 || got["本人整改通过验收"] != 0 {
			t.Errorf("before verification: %v, want total %d", got, want)
		}
		_, err = rs.Update(ctx, f.shuji, rid, rectify.Change{Status: "verified"})
		mustOK(t, err, "verify")
		if got := lines(); got["total"] != want+points.PerRectification || got["本人整改通过验收"] != 1 {
			t.Errorf("after verification: %v", got)
		}

		// Logging in, sessions and page views leave points unchanged.
		before := lines()["total"]
		_, err = d.Exec(ctx, `INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen, ip, user_agent) VALUES ('h1', ?, ?, ?, '', '')`, f.dang.UserID, time.Now(), time.Now())
		mustOK(t, err, "a login session")
		for range 3 {
			mustOK(t, audit.RecordNow(ctx, d, f.dang.Actor(), "login", "dang", nil, audit.OK), "login audit")
			if _, err := f.meetings.Get(ctx, f.dang, held); err != nil {
				t.Fatal(err)
			}
		}
		if after := lines()["total"]; after != before {
			t.Errorf("logins and views changed points: %d → %d", before, after)
		}
		// Someone with no record has none; an account without a member too.
		if m, _ := points.For(ctx, d, f.a[5]); m.Total != 0 {
			t.Errorf("a5 has %d points", m.Total)
		}
		if m, _ := points.For(ctx, d, 0); m.Enabled || m.Total != 0 {
			t.Errorf("no member: %+v", m)
		}

		// Units are compared by outcomes.
		outs, err := points.UnitOutcomes(ctx, d, "/")
		mustOK(t, err, "outcomes")
		if len(outs) != 4 || outs[0].OrgID != f.branchA || outs[0].MeetingsWithTalk != 1 || outs[0].RectsClosed != 1 || outs[0].RectsOnTime != 1 || outs[0].OnTimeShare != 1 {
			t.Errorf("outcomes: %+v", outs)
		}
		mustOK(t, points.SetEnabled(ctx, d, f.admin, false), "off again")
		if m, _ := points.For(ctx, d, f.a[1]); m.Enabled || m.Total != 0 {
			t.Errorf("after turning off: %+v", m)
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
