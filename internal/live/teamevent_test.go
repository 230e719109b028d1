package live

import (
	"context"
	"strings"
	"testing"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
)

// A team event from creation to standings: the five default projects,
// three teams, results by points, time and rank, a correction kept in the
// audit log, bad entries refused with nothing stored.
func TestTeamEventStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		id, err := s.CreateTeamEvent(ctx, audit.System, "樱桃沟户外拓展")
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"一支部", "二支部", "三支部"} {
			if err := s.AddTeamEventTeam(ctx, audit.System, id, n, n); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.AddTeamEventTeam(ctx, audit.System, id, "一支部", ""); err == nil {
			t.Error("two teams of one name")
		}
		e, err := s.TeamEvent(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range e.Cfg.Projects {
			names = append(names, p.Name)
		}
		if strings.Join(names, " ") != "投手榴弹 智连棋局 旱地冰壶 合力建塔 卡丁车" || len(e.Cfg.Teams) != 3 {
			t.Fatalf("projects %v teams %d", names, len(e.Cfg.Teams))
		}
		if err := s.AddProject(ctx, audit.System, id, ProjectInput{Name: "拔河", Scoring: "rank", Placement: "5,3,1"}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []ProjectInput{{Name: "跳绳", Scoring: "speed"}, {Name: "跳绳", Scoring: "points", Placement: "1,5"}, {Name: "拔河", Scoring: "rank"}} {
			if err := s.AddProject(ctx, audit.System, id, bad); errs.As(err).Kind != errs.Invalid {
				t.Errorf("project %+v: %v", bad, err)
			}
		}
		rec := func(p, team, v string) error {
			return s.RecordResult(ctx, audit.System, id, ResultInput{Project: p, Team: team, Value: v})
		}
		for _, r := range [][3]string{
			{"grenade", "t1", "7"}, {"grenade", "t2", "9"}, {"grenade", "t3", "7"},
			{"tower", "t1", "1:05.2"}, {"tower", "t2", "70"}, {"tower", "t3", "59.9"},
			{"p1", "t1", "1"}, {"p1", "t2", "3"},
		} {
			if err := rec(r[0], r[1], r[2]); err != nil {
				t.Fatalf("%v: %v", r, err)
			}
		}
		if err := s.RecordResult(ctx, audit.System, id, ResultInput{Project: "p1", Team: "t3", DNF: true}); err != nil {
			t.Fatal(err)
		}
		before := countRows(t, d, `SELECT COUNT(*) FROM team_event_results`)
		for _, bad := range []ResultInput{
			{Project: "grenade", Team: "t1", Value: "七"},
			{Project: "tower", Team: "t1", Value: "-3"},
			{Project: "chess", Team: "t1", Value: "0"},
			{Project: "nosuch", Team: "t1", Value: "1"},
			{Project: "grenade", Team: "t9", Value: "1"},
		} {
			err := s.RecordResult(ctx, audit.System, id, bad)
			if e := errs.As(err); err == nil || e.Kind != errs.Invalid || !hasHan(e.Message) {
				t.Errorf("%+v: %v", bad, err)
			}
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM team_event_results`); n != before {
			t.Errorf("bad entries stored rows: %d → %d", before, n)
		}
		// A correction: 二支部 hit 6, not 9.
		if err := rec("grenade", "t2", "6"); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM audit_log WHERE action = 'teamevent.result'`); n != 10 {
			t.Errorf("%d result audit entries, want 10", n)
		}
		b, err := s.TeamEventStandings(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// grenade (points, high wins): t1 7, t3 7 share 1st (10 each), t2 6 is 3rd (6).
		// tower (time, low wins): t3 59.9 1st 10, t1 65.2 2nd 8, t2 70 3rd 6.
		// 拔河 (rank, table 5,3,1): t1 1st 5, t2 (place 3 entered) 2nd of the finishers 3, t3 DNF 0.
		want := map[string]int{"t1": 23, "t3": 20, "t2": 15}
		if len(b.Standings) != 3 || b.Entered != 9 || b.Expected != 18 {
			t.Fatalf("board %+v", b)
		}
		for i, st := range b.Standings {
			if st.Points != want[st.Team] || st.Rank != i+1 {
				t.Errorf("standing %+v, want %d points at %d", st, want[st.Team], i+1)
			}
		}
		tower := b.Projects[3]
		if tower.Placements[0].Team != "t3" || tower.Placements[0].Shown != "59.9秒" || tower.Placements[1].Shown != "1:05.2" {
			t.Errorf("tower %+v", tower.Placements)
		}
		// Teams and projects with results stay; others may go.
		if err := s.RemoveTeamEventTeam(ctx, audit.System, id, "t1"); errs.As(err).Kind != errs.Conflict {
			t.Errorf("removing a team with results: %v", err)
		}
		if err := s.RemoveProject(ctx, audit.System, id, "kart"); err != nil {
			t.Errorf("removing a project without results: %v", err)
		}
	})
}

func TestTeamEventReferees(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		id, err := s.CreateTeamEvent(ctx, audit.System, "户外拓展")
		if err != nil {
			t.Fatal(err)
		}
		var uid int64
		err = d.InTx(ctx, func(tx *db.Tx) error {
			uid, err = tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('caipan', '裁判甲', 'x', ?)`, tx.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsReferee(ctx, id, uid); ok {
			t.Fatal("referee before being assigned")
		}
		if err := s.AddReferee(ctx, audit.System, id, "caipan"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddReferee(ctx, audit.System, id, "caipan"); errs.As(err).Kind != errs.Invalid {
			t.Errorf("second assignment: %v", err)
		}
		if err := s.AddReferee(ctx, audit.System, id, "nobody"); errs.As(err).Kind != errs.Invalid {
			t.Errorf("unknown account: %v", err)
		}
		if ok, _ := s.IsReferee(ctx, id, uid); !ok {
			t.Fatal("assigned referee not recognised")
		}
		e, _ := s.TeamEvent(ctx, id)
		if len(e.Referees) != 1 || e.Referees[0].Name != "裁判甲" {
			t.Errorf("referees %+v", e.Referees)
		}
		if err := s.RemoveReferee(ctx, audit.System, id, uid); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsReferee(ctx, id, uid); ok {
			t.Error("removed referee still recognised")
		}
	})
}

func countRows(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}
