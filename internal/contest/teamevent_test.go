package contest

import (
	"slices"
	"testing"
)

func TestTeamEvent(t *testing.T) {
	cfg := TeamEventConfig{
		ID:       "outdoor",
		Teams:    []Team{{ID: "A", Name: "一支部"}, {ID: "B", Name: "二支部"}, {ID: "C", Name: "三支部"}, {ID: "D", Name: "四支部"}},
		Projects: OutdoorDayProjects()[3:], // 合力建塔 (time), 卡丁车 (time)
	}
	cfg.Projects = append(cfg.Projects, Project{ID: "grenade", Name: "投手榴弹", Scoring: ScorePoints, Placement: []int{5, 3, 1}})
	cfg.Projects = append(cfg.Projects, Project{ID: "chess", Name: "智连棋局", Scoring: ScoreRank})
	ev, err := NewTeamEvent(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := func(p, team string, v int64, dnf bool) {
		t.Helper()
		if err := ev.Record(p, team, ProjectResult{Value: v, DNF: dnf}); err != nil {
			t.Fatal(err)
		}
	}
	// tower: lower time wins; B and C tie for 2nd; D did not finish.
	rec("tower", "A", 61000, false)
	rec("tower", "B", 75000, false)
	rec("tower", "C", 75000, false)
	rec("tower", "D", 0, true)
	// kart: D fastest; A's time corrected by the referee.
	rec("kart", "A", 99000, false)
	rec("kart", "A", 90000, false)
	rec("kart", "B", 95000, false)
	rec("kart", "C", 97000, false)
	rec("kart", "D", 80000, false)
	// grenade: higher is better, custom table; C has no result.
	rec("grenade", "A", 7, false)
	rec("grenade", "B", 9, false)
	rec("grenade", "D", 7, false)
	// chess: referee's ranks.
	rec("chess", "C", 1, false)
	rec("chess", "A", 2, false)
	rec("chess", "B", 3, false)
	rec("chess", "D", 4, false)

	tower, _ := ev.ProjectRanking("tower")
	var ranks, pts []int
	for _, p := range tower {
		ranks = append(ranks, p.Rank)
		pts = append(pts, p.Points)
	}
	if !slices.Equal(ranks, []int{1, 2, 2, 4}) || !slices.Equal(pts, []int{10, 8, 8, 0}) || tower[3].Team != "D" {
		t.Fatalf("tower ranks %v points %v (%+v)", ranks, pts, tower)
	}
	gren, _ := ev.ProjectRanking("grenade")
	if gren[0].Team != "B" || gren[1].Points != 3 || gren[2].Points != 3 || gren[3].Team != "C" || gren[3].Rank != 0 {
		t.Fatalf("grenade = %+v", gren)
	}
	st := ev.Standings()
	// A: 10+8+3+8 = 29; B: 8+6+5+6 = 25; D: 0+10+3+5 = 18; C: 8+5+0+10 = 23.
	var order []string
	var points []int
	for _, s := range st {
		order = append(order, s.Team)
		points = append(points, s.Points)
	}
	if !slices.Equal(order, []string{"A", "B", "C", "D"}) || !slices.Equal(points, []int{29, 25, 23, 18}) {
		t.Fatalf("standings %v %v", order, points)
	}
	if !slices.Equal(st[0].Places, []int{1, 2, 2, 2}) {
		t.Fatalf("A places %v", st[0].Places)
	}
	for _, bad := range []struct {
		p, team string
		r       ProjectResult
	}{{"nope", "A", ProjectResult{}}, {"kart", "Z", ProjectResult{}}, {"kart", "A", ProjectResult{Value: -1}}, {"chess", "A", ProjectResult{Value: 0}}} {
		if err := ev.Record(bad.p, bad.team, bad.r); err == nil {
			t.Errorf("Record(%v) accepted", bad)
		}
	}
}

func TestTeamEventCountback(t *testing.T) {
	ev, err := NewTeamEvent(TeamEventConfig{
		Teams:    []Team{{ID: "A"}, {ID: "B"}, {ID: "C"}},
		Projects: []Project{{ID: "p1", Scoring: ScoreTime, Placement: []int{4, 4, 1}}, {ID: "p2", Scoring: ScorePoints, Placement: []int{2, 2, 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		p, team string
		v       int64
	}{{"p1", "B", 60}, {"p1", "A", 61}, {"p1", "C", 62}, {"p2", "A", 1}, {"p2", "B", 1}, {"p2", "C", 1}} {
		if err := ev.Record(r.p, r.team, ProjectResult{Value: r.v}); err != nil {
			t.Fatal(err)
		}
	}
	// A and B have 6 points each; B has a first place in p1 and A none (p2 is
	// a three-way tie for first, which both have).
	st := ev.Standings()
	if st[0].Team != "B" || st[1].Team != "A" || st[0].Rank != 1 || st[1].Rank != 2 || st[2].Team != "C" {
		t.Fatalf("countback: %+v", st)
	}
	// Fully equal teams share the rank.
	if err := ev.Record("p1", "A", ProjectResult{Value: 60}); err != nil {
		t.Fatal(err)
	}
	st = ev.Standings()
	if st[0].Rank != 1 || st[1].Rank != 1 || st[0].Points != 6 || st[1].Points != 6 {
		t.Fatalf("equal teams: %+v", st)
	}
}

func TestTeamEventValues(t *testing.T) {
	for _, c := range []struct {
		s    ProjectScoring
		in   string
		want int64
		show string
	}{
		{ScorePoints, " 12 ", 12, "12"},
		{ScoreTime, "83.4", 83400, "1:23.4"},
		{ScoreTime, "1:23.4", 83400, "1:23.4"},
		{ScoreTime, "1：05", 65000, "1:05"},
		{ScoreTime, "9.05秒", 9050, "9.05秒"},
		{ScoreRank, "第2名", 2, "第2名"},
	} {
		got, err := c.s.ParseValue(c.in)
		if err != nil || got != c.want {
			t.Errorf("%s %q: %d %v, want %d", c.s, c.in, got, err, c.want)
			continue
		}
		if s := c.s.FormatValue(got); s != c.show {
			t.Errorf("%s %d shown as %q, want %q", c.s, got, s, c.show)
		}
	}
	for _, c := range []struct {
		s  ProjectScoring
		in string
	}{
		{ScorePoints, "-1"}, {ScorePoints, "1.5"}, {ScorePoints, ""}, {ScoreRank, "0"}, {ScoreTime, "0"},
		{ScoreTime, "1:75"}, {ScoreTime, "abc"}, {ScoreTime, "1.2345"}, {ScoreTime, "1:2:3"}, {ScoreTime, "100000"},
	} {
		if _, err := c.s.ParseValue(c.in); err == nil {
			t.Errorf("%s %q accepted", c.s, c.in)
		} else if e, ok := err.(*Error); !ok || e.Message == "" {
			t.Errorf("%s %q: %v is not a message for the referee", c.s, c.in, err)
		}
	}
	if p, err := ParsePlacement("10，8、6,5"); err != nil || len(p) != 4 || p[3] != 5 {
		t.Errorf("placement %v %v", p, err)
	}
	for _, bad := range []string{"", "5,8", "a", "-1"} {
		if _, err := ParsePlacement(bad); err == nil {
			t.Errorf("placement %q accepted", bad)
		}
	}
}
