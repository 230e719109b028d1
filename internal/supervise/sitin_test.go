package supervise_test

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/supervise"
)

func TestScoresCheck(t *testing.T) {
	for _, tc := range []struct {
		sc     supervise.Scores
		fields []string
	}{
		{supervise.Scores{5, 4, 3, 1}, nil},
		{supervise.Scores{1, 1, 1, 1}, nil},
		{supervise.Scores{0, 4, 3, 2}, []string{"study"}},
		{supervise.Scores{3, 6, 3, 2}, []string{"speak"}},
		{supervise.Scores{3, 3, -1, 9}, []string{"review", "followup"}},
		{supervise.Scores{}, []string{"study", "speak", "review", "followup"}},
	} {
		err := tc.sc.Check()
		var got []string
		if err != nil {
			if errs.As(err).Code != "invalid_scores" || errs.KindOf(err) != errs.Invalid {
				t.Errorf("%+v: error %v, want invalid_scores", tc.sc, err)
			}
			for _, f := range errs.As(err).Fields {
				got = append(got, f.Field)
			}
		}
		if len(got) != len(tc.fields) {
			t.Errorf("%+v: fields %v, want %v", tc.sc, got, tc.fields)
			continue
		}
		for i := range got {
			if got[i] != tc.fields[i] {
				t.Errorf("%+v: fields %v, want %v", tc.sc, got, tc.fields)
			}
		}
	}
	if m := (supervise.Scores{5, 4, 3, 2}).Mean(); m != 3.5 {
		t.Errorf("mean = %v, want 3.5", m)
	}
}

func TestSitInFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		good := supervise.RecordInput{Scores: supervise.Scores{Study: 4, Speak: 5, Review: 3, Followup: 2}, Comments: "领学联系实际；评议还不够坦诚"}

		// Who may sign up: the task force anywhere, a leader in scope; a
		// secretary may not, and a leader out of scope does not even see
		// the other unit's meeting.
		if _, err := f.s.SignUp(ctx, f.tf, f.plannedA); err != nil {
			t.Fatalf("tf sign up: %v", err)
		}
		_, err := f.s.SignUp(ctx, f.tf, f.plannedA)
		wantErr(t, "sign up twice", err, errs.Conflict, "already_signed")
		if _, err := f.s.SignUp(ctx, f.leaderA, f.plannedA); err != nil {
			t.Fatalf("leader sign up: %v", err)
		}
		_, err = f.s.SignUp(ctx, f.secA, f.plannedA)
		wantErr(t, "secretary sign up", err, errs.Forbidden, "not_observer")
		_, err = f.s.Record(ctx, f.secA, f.plannedA, good)
		wantErr(t, "secretary record", err, errs.Forbidden, "not_observer")
		_, err = f.s.SignUp(ctx, f.leaderA, f.plannedB)
		wantErr(t, "leader out of scope", err, errs.NotFound, "")
		_, err = f.s.SignUp(ctx, f.tf, f.pastA)
		wantErr(t, "sign up for a finalised meeting", err, errs.Conflict, "meeting_over")

		// The unit sees who is coming; the other unit sees nothing of it.
		cal, err := f.s.Calendar(ctx, f.secA, f.now.Add(-time.Hour), f.now.Add(72*time.Hour))
		if err != nil || len(cal) != 1 || cal[0].MeetingID != f.plannedA || len(cal[0].Observers) != 2 || cal[0].CanSignUp {
			t.Fatalf("secretary A calendar = %+v, %v; want meeting A with 2 observers and no sign-up", cal, err)
		}
		cal, err = f.s.Calendar(ctx, f.tf, f.now.Add(-time.Hour), f.now.Add(72*time.Hour))
		if err != nil || len(cal) != 2 || !cal[0].Mine || !cal[0].CanSignUp || cal[1].Mine {
			t.Fatalf("task force calendar = %+v, %v", cal, err)
		}
		_, err = f.s.Calendar(ctx, f.memberA, f.now, f.now.Add(time.Hour))
		wantErr(t, "member calendar", err, errs.Forbidden, "")

		// Scores only once the meeting has begun, and only 1–5.
		_, err = f.s.Record(ctx, f.tf, f.plannedA, good)
		wantErr(t, "record before the start", err, errs.Unprocessable, "not_started")
		f.now = f.now.Add(3 * time.Hour)
		bad := good
		bad.Scores.Review = 6
		_, err = f.s.Record(ctx, f.tf, f.plannedA, bad)
		wantErr(t, "score 6", err, errs.Invalid, "invalid_scores")
		sid, err := f.s.Record(ctx, f.tf, f.plannedA, good)
		if err != nil {
			t.Fatalf("record: %v", err)
		}
		wantErr(t, "withdraw after recording", f.s.Withdraw(ctx, f.tf, f.plannedA), errs.Conflict, "sitin_recorded")
		if err := f.s.Withdraw(ctx, f.leaderA, f.plannedA); err != nil {
			t.Fatalf("leader withdraws: %v", err)
		}

		// A problem found becomes a rectification of the unit, source sitin.
		prob := rectify.Input{Problem: "互评流于表面，未指出具体问题", Category: string(rectify.Categories()[0]), OwnerID: f.membersA[0], Measure: "下轮互评每人至少指出一条具体问题", Deadline: "2026-06-15"}
		_, err = f.s.RaiseProblem(ctx, f.admin, sid, prob)
		wantErr(t, "someone else's sit-in", err, errs.Forbidden, "not_your_sitin")
		wrongOwner := prob
		wrongOwner.OwnerID = f.membersB[1]
		_, err = f.s.RaiseProblem(ctx, f.tf, sid, wrongOwner)
		wantErr(t, "owner outside the unit", err, errs.Invalid, "bad_owner")
		rid, err := f.s.RaiseProblem(ctx, f.tf, sid, prob)
		if err != nil {
			t.Fatalf("raise: %v", err)
		}
		ledger, err := f.rect.Ledger(ctx, f.secA, rectify.Filter{})
		if err != nil || len(ledger) != 1 || ledger[0].ID != rid || ledger[0].Source != "sitin" || ledger[0].OrgID != f.a || ledger[0].OwnerID != f.membersA[0] {
			t.Fatalf("secretary A ledger = %+v, %v; want the sit-in's rectification", ledger, err)
		}
		if other, _ := f.rect.Ledger(ctx, f.secB, rectify.Filter{}); len(other) != 0 {
			t.Errorf("secretary B sees %d rectifications of A", len(other))
		}

		// The unit sees the feedback; the other unit does not.
		got, err := f.s.ForMeeting(ctx, f.secA, f.plannedA)
		if err != nil || len(got) != 1 || got[0].Scores == nil || *got[0].Scores != good.Scores || got[0].Comments != good.Comments ||
			len(got[0].Problems) != 1 || got[0].Problems[0].RectificationID != rid || got[0].Capacity != "taskforce" {
			t.Fatalf("unit's view = %+v, %v", got, err)
		}
		if got, err := f.s.ForMeeting(ctx, f.memberA, f.plannedA); err != nil || len(got) != 1 {
			t.Errorf("member of A: %+v, %v", got, err)
		}
		_, err = f.s.ForMeeting(ctx, f.secB, f.plannedA)
		wantErr(t, "secretary B reads A's sit-ins", err, errs.NotFound, "")
		listB, err := f.s.List(ctx, f.secB, supervise.SitInFilter{})
		if err != nil || len(listB) != 0 {
			t.Errorf("secretary B list = %+v, %v; want none", listB, err)
		}
		listA, err := f.s.List(ctx, f.secA, supervise.SitInFilter{Recorded: true})
		if err != nil || len(listA) != 1 || listA[0].ID != sid {
			t.Errorf("secretary A list = %+v, %v", listA, err)
		}
		_, err = f.s.List(ctx, f.memberA, supervise.SitInFilter{})
		wantErr(t, "member list", err, errs.Forbidden, "")

		// Recording again replaces the scores.
		again := good
		again.Scores.Followup = 5
		if id2, err := f.s.Record(ctx, f.tf, f.plannedA, again); err != nil || id2 != sid {
			t.Fatalf("re-record: %d, %v", id2, err)
		}
		got, _ = f.s.ForMeeting(ctx, f.tf, f.plannedA)
		if got[0].Scores.Followup != 5 {
			t.Errorf("re-recorded follow-up = %d, want 5", got[0].Scores.Followup)
		}
	})
}
