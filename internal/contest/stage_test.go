package contest

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func ids(s []StageStanding) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.ID)
	}
	return out
}

func prelimResults() []MatchResult {
	return []MatchResult{
		{Match: "p1", Stage: "preliminary", Round: 1, Teams: []TeamScore{
			{ID: "A1", Unit: "u1", Score: 30, Buzzer: 10},
			{ID: "B1", Unit: "u2", Score: 25, Buzzer: 20},
			{ID: "C1", Unit: "u3", Score: 30, Buzzer: 5, Fouls: 1},
			{ID: "D1", Unit: "u4", Score: 20, Buzzer: 10},
		}},
		{Match: "p2", Stage: "preliminary", Round: 2, Teams: []TeamScore{
			{ID: "A1", Unit: "u1", Score: 20},
			{ID: "A2", Unit: "u1", Score: 40},
			{ID: "B2", Unit: "u2", Score: 45, Buzzer: 10},
			{ID: "C2", Unit: "u3", Score: 30, Buzzer: 5},
			{ID: "D2", Unit: "u4", Score: 20, Buzzer: 10},
		}},
		{Match: "p3", Stage: "preliminary", Round: 3, Teams: []TeamScore{
			{ID: "B1", Unit: "u2", Score: 20},
		}},
	}
}

func TestStageStandings(t *testing.T) {
	st := Standings(prelimResults(), []TieBreak{ByBuzzerPoints, ByFewerFouls})
	// A1 50 (2 matches), B1 45 buzzer 20, B2 45 buzzer 10, A2 40, C2 30 (no fouls), C1 30, D1/D2 20 equal.
	want := []string{"A1", "B1", "B2", "A2", "C2", "C1", "D1", "D2"}
	if got := ids(st); !slices.Equal(got, want) {
		t.Fatalf("standings %v, want %v", got, want)
	}
	if st[0].Matches != 2 || st[0].Score != 50 || st[6].Rank != 7 || st[7].Rank != 7 {
		t.Fatalf("standings = %+v", st)
	}
}

func TestAdvance(t *testing.T) {
	plan := StagePlan{FinalTeams: 3}
	adv, err := Advance(plan, prelimResults(), 7)
	if err != nil {
		t.Fatal(err)
	}
	// Best per unit: A1, B1 (buzzer points), C2 (fewer fouls), and D1/D2 by draw;
	// the final takes 3, so the u4 winner is cut.
	if got := ids(adv.Qualified); !slices.Equal(got, []string{"A1", "B1", "C2"}) {
		t.Fatalf("qualified %v", got)
	}
	if len(adv.Draws) != 1 || adv.Draws[0].Reason != "u4" || len(adv.Draws[0].Order) != 2 || adv.Draws[0].Seed != 7 {
		t.Fatalf("draws = %+v", adv.Draws)
	}
	again, _ := Advance(plan, prelimResults(), 7)
	if !reflect.DeepEqual(adv, again) {
		t.Fatal("same seed, different advancement")
	}
	// The default final has 6 places: all four unit winners go through.
	adv, err = Advance(StagePlan{}, prelimResults(), 7)
	if err != nil || len(adv.Qualified) != 4 {
		t.Fatalf("default plan: %v %v", ids(adv.Qualified), err)
	}
	if w := adv.Qualified[3].ID; w != adv.Draws[0].Order[0] {
		t.Fatalf("u4 winner %s is not the first drawn %v", w, adv.Draws[0].Order)
	}
}

func TestAdvanceTieWithoutDraw(t *testing.T) {
	_, err := Advance(StagePlan{TieBreaks: []TieBreak{ByBuzzerPoints}}, prelimResults(), 1)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != "advance_tie" {
		t.Fatalf("err = %v, want advance_tie", err)
	}
}

func TestAdvanceDrawAtTheCut(t *testing.T) {
	res := []MatchResult{{Match: "m", Round: 1, Teams: []TeamScore{
		{ID: "X", Unit: "u1", Score: 50},
		{ID: "Y", Unit: "u2", Score: 45},
		{ID: "Z", Unit: "u3", Score: 45},
	}}}
	adv, err := Advance(StagePlan{FinalTeams: 2}, res, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(adv.Draws) != 1 || adv.Draws[0].Reason != "final_cut" {
		t.Fatalf("draws = %+v", adv.Draws)
	}
	if got := ids(adv.Qualified); got[0] != "X" || got[1] != adv.Draws[0].Order[0] {
		t.Fatalf("qualified %v draws %v", got, adv.Draws)
	}
	if _, err := Advance(StagePlan{FinalTeams: 2, TieBreaks: []TieBreak{ByFewerFouls}}, res, 3); err == nil {
		t.Fatal("a tie at the cut without a draw must be refused")
	}
}

func TestAdvanceRejectsBadResults(t *testing.T) {
	for name, res := range map[string][]MatchResult{
		"round 13":  {{Match: "m", Round: 13}},
		"duplicate": {{Match: "m", Round: 1}, {Match: "m", Round: 2}},
	} {
		if _, err := Advance(StagePlan{}, res, 0); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestEngineResult(t *testing.T) {
	cfg := testConfig()
	cfg.Stage, cfg.Round = "preliminary", 4
	h := newHarness(t, cfg)
	answerCompulsory(h, 100)
	h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
	h.do(201, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
	r := h.e.Result()
	if r.Match != cfg.ID || r.Round != 4 || r.Teams[0].Score != 10 {
		t.Fatalf("result = %+v", r)
	}
	if st := Standings([]MatchResult{r}, nil); st[0].ID != "A" {
		t.Fatalf("standings = %+v", st)
	}
}
