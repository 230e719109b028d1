package supervise_test

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/supervise"
)

func TestOverdue(t *testing.T) {
	for _, tc := range []struct {
		due, today string
		done, want bool
	}{
		{"2026-05-19", "2026-05-20", false, true},
		{"2026-05-20", "2026-05-20", false, false}, // due today is not late yet
		{"2026-05-21", "2026-05-20", false, false},
		{"2026-05-01", "2026-05-20", true, false}, // done late is done
	} {
		if got := supervise.Overdue(tc.due, tc.done, tc.today); got != tc.want {
			t.Errorf("Overdue(%s, %v, %s) = %v, want %v", tc.due, tc.done, tc.today, got, tc.want)
		}
	}
}

func TestDecisionsTracked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		in := supervise.WeeklyInput{HeldOn: "2026-05-18", Title: "第 20 周例会", Attendees: "专班全体", Minutes: "研判本轮开展情况",
			Decisions: []supervise.DecisionInput{
				{Text: "督促住建局补开会议", OwnerID: f.tf.UserID, Due: "2026-05-19"},
				{Text: "编发第 8 期工作简报", OwnerID: f.admin.UserID, Due: "2026-05-25"},
				{}, // a blank row of the form is skipped
			}}
		_, err := f.s.CreateWeekly(ctx, f.secA, in)
		wantErr(t, "secretary", err, errs.Forbidden, "")
		bad := in
		bad.Decisions = append([]supervise.DecisionInput{}, in.Decisions...)
		bad.Decisions[1].OwnerID = f.secA.UserID
		_, err = f.s.CreateWeekly(ctx, f.tf, bad)
		wantErr(t, "owner not in the task force", err, errs.Invalid, "invalid_weekly")
		if fe := errs.As(err).Fields; len(fe) != 1 || fe[0].Field != "decisions[1].owner_id" {
			t.Errorf("fields = %+v", fe)
		}
		future := in
		future.HeldOn = "2026-06-01"
		_, err = f.s.CreateWeekly(ctx, f.tf, future)
		wantErr(t, "future meeting", err, errs.Invalid, "invalid_weekly")

		id, err := f.s.CreateWeekly(ctx, f.tf, in)
		if err != nil {
			t.Fatal(err)
		}
		w, err := f.s.Weekly(ctx, f.tf, id)
		if err != nil || len(w.Decisions) != 2 || w.Open != 2 || w.Overdue != 1 || !w.Decisions[0].Overdue || w.Decisions[1].Overdue {
			t.Fatalf("weekly = %+v, %v; want 2 open, the first overdue", w, err)
		}
		if err := f.s.AddDecision(ctx, f.tf, id, supervise.DecisionInput{Text: "安排下月观摩", OwnerID: f.tf.UserID, Due: "2026-05-30"}); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "done without a note", f.s.CompleteDecision(ctx, f.tf, w.Decisions[0].ID, " "), errs.Invalid, "invalid_done_note")
		if err := f.s.CompleteDecision(ctx, f.tf, w.Decisions[0].ID, "住建局已于 5 月 20 日补开"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "done twice", f.s.CompleteDecision(ctx, f.tf, w.Decisions[0].ID, "again"), errs.Conflict, "decision_done")
		open, err := f.s.OpenDecisions(ctx, f.admin)
		if err != nil || len(open) != 2 || open[0].Due != "2026-05-25" || open[0].Overdue {
			t.Fatalf("open = %+v, %v", open, err)
		}
		// A week later both open ones are late.
		f.now = f.now.Add(11 * 24 * time.Hour)
		open, _ = f.s.OpenDecisions(ctx, f.admin)
		for _, d := range open {
			if !d.Overdue {
				t.Errorf("decision %q due %s not overdue on %s", d.Text, d.Due, f.now.Format("2006-01-02"))
			}
		}
		list, err := f.s.Weeklies(ctx, f.tf, 10)
		if err != nil || len(list) != 1 || list[0].Open != 2 || list[0].Overdue != 2 {
			t.Errorf("weeklies = %+v, %v", list, err)
		}
	})
}

func TestStandupsAndObservations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if err := f.s.SaveStandup(ctx, f.tf, "", "今日：核对住建局补开情况"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SaveStandup(ctx, f.tf, "2026-05-20", "改：核对住建局、应急局"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "future day", f.s.SaveStandup(ctx, f.tf, "2026-05-21", "x"), errs.Invalid, "invalid_standup")
		wantErr(t, "secretary", f.s.SaveStandup(ctx, f.secA, "", "x"), errs.Forbidden, "")
		st, err := f.s.Standups(ctx, f.admin, "2026-05-01", "2026-05-31")
		if err != nil || len(st) != 1 || st[0].Body != "改：核对住建局、应急局" {
			t.Fatalf("standups = %+v, %v; want one replaced note", st, err)
		}

		_, err = f.s.PlanObservation(ctx, f.tf, supervise.ObservationInput{Month: "2026-05", OrgID: f.committee, ObserverID: f.tf.UserID})
		wantErr(t, "not a unit", err, errs.Invalid, "invalid_observation")
		_, err = f.s.PlanObservation(ctx, f.tf, supervise.ObservationInput{Month: "2026-05", OrgID: f.a, ObserverID: f.secA.UserID})
		wantErr(t, "secretary as observer", err, errs.Invalid, "invalid_observation")
		_, err = f.s.PlanObservation(ctx, f.tf, supervise.ObservationInput{Month: "2026/05", OrgID: f.a, ObserverID: f.tf.UserID})
		wantErr(t, "bad month", err, errs.Invalid, "bad_month")
		oid, err := f.s.PlanObservation(ctx, f.tf, supervise.ObservationInput{Month: "2026-05", OrgID: f.a, ObserverID: f.leaderA.UserID, Note: "看评议环节"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.PlanObservation(ctx, f.tf, supervise.ObservationInput{Month: "2026-05", OrgID: f.a, ObserverID: f.leaderA.UserID})
		wantErr(t, "twice", err, errs.Conflict, "observation_exists")
		obs, err := f.s.Observations(ctx, f.tf, "2026-05")
		if err != nil || len(obs) != 1 || obs[0].ID != oid || obs[0].Done() {
			t.Fatalf("plan = %+v, %v; want one line not done", obs, err)
		}
		f.now = f.now.Add(3 * time.Hour)
		if _, err := f.s.Record(ctx, f.leaderA, f.plannedA, supervise.RecordInput{Scores: supervise.Scores{4, 4, 4, 4}}); err != nil {
			t.Fatal(err)
		}
		obs, _ = f.s.Observations(ctx, f.tf, "2026-05")
		if !obs[0].Done() || obs[0].MeetingID != f.plannedA {
			t.Errorf("after the sit-in: %+v, want done at meeting %d", obs[0], f.plannedA)
		}
		if obs, _ := f.s.Observations(ctx, f.tf, "2026-06"); len(obs) != 0 {
			t.Errorf("June plan = %+v", obs)
		}
		if err := f.s.DeleteObservation(ctx, f.tf, oid); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "delete again", f.s.DeleteObservation(ctx, f.tf, oid), errs.NotFound, "")
	})
}
