package contest

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// TieBreak is one criterion for teams equal on points, tried in order.
type TieBreak string

const (
	ByBuzzerPoints TieBreak = "buzzer_points" // more points in buzzer segments
	ByRiskPoints   TieBreak = "risk_points"   // more points in risk segments
	ByFewerFouls   TieBreak = "fewer_fouls"
	ByCorrect      TieBreak = "correct" // more right answers
	ByDraw         TieBreak = "draw"    // a logged random draw; only meaningful last
)

// StagePlan is how the preliminaries lead to the final. The seed: 12 rounds,
// the best team of each branch goes through, 6 teams in the final.
type StagePlan struct {
	PreliminaryRounds int        `json:"preliminary_rounds,omitempty"` // default 12
	FinalTeams        int        `json:"final_teams,omitempty"`        // default 6
	TieBreaks         []TieBreak `json:"tie_breaks,omitempty"`         // default buzzer points, fewer fouls, draw
}

func (p StagePlan) withDefaults() StagePlan {
	if p.PreliminaryRounds == 0 {
		p.PreliminaryRounds = 12
	}
	if p.FinalTeams == 0 {
		p.FinalTeams = 6
	}
	if p.TieBreaks == nil {
		p.TieBreaks = []TieBreak{ByBuzzerPoints, ByFewerFouls, ByDraw}
	}
	return p
}

// MatchResult is the final score sheet of one match, as stored by the layer
// above once the match is finished.
type MatchResult struct {
	Match string      `json:"match"`
	Stage string      `json:"stage,omitempty"`
	Round int         `json:"round,omitempty"`
	Teams []TeamScore `json:"teams"`
}

// Result returns the match's score sheet.
func (e *Engine) Result() MatchResult {
	return MatchResult{Match: e.cfg.ID, Stage: e.cfg.Stage, Round: e.cfg.Round, Teams: slices.Clone(e.st.Teams)}
}

// StageStanding is a team's total over the matches of a stage.
type StageStanding struct {
	Rank    int `json:"rank"`
	Matches int `json:"matches"`
	TeamScore
}

// StageDraw records a draw made to settle a tie, so it can be shown and
// audited: the teams in the order drawn (the first goes through first).
type StageDraw struct {
	Reason string   `json:"reason"` // the unit whose best team was drawn, or "final_cut"
	Order  []string `json:"order"`
	Seed   uint64   `json:"seed"`
}

// Advancement is the outcome of a stage.
type Advancement struct {
	Standings []StageStanding `json:"standings"`
	Qualified []StageStanding `json:"qualified"` // in standing order
	Draws     []StageDraw     `json:"draws,omitempty"`
}

// compareStanding orders a before b (negative) by points, then the tie-breaks
// other than the draw; 0 means the rules cannot separate them.
func compareStanding(a, b StageStanding, tbs []TieBreak) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	for _, tb := range tbs {
		var c int
		switch tb {
		case ByBuzzerPoints:
			c = cmp.Compare(b.Buzzer, a.Buzzer)
		case ByRiskPoints:
			c = cmp.Compare(b.Risk, a.Risk)
		case ByFewerFouls:
			c = cmp.Compare(a.Fouls, b.Fouls)
		case ByCorrect:
			c = cmp.Compare(b.Correct, a.Correct)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// Standings adds up the results per team and ranks the teams. Teams the rules
// cannot separate share a rank and are listed by team id.
func Standings(results []MatchResult, tbs []TieBreak) []StageStanding {
	idx := map[string]int{}
	var out []StageStanding
	for _, r := range results {
		for _, t := range r.Teams {
			i, ok := idx[t.ID]
			if !ok {
				i = len(out)
				idx[t.ID] = i
				out = append(out, StageStanding{TeamScore: TeamScore{ID: t.ID, Name: t.Name, Unit: t.Unit}})
			}
			s := &out[i]
			s.Matches++
			s.Score += t.Score
			s.Compulsory += t.Compulsory
			s.Buzzer += t.Buzzer
			s.Risk += t.Risk
			s.FoulPoints += t.FoulPoints
			s.Fouls += t.Fouls
			s.Correct += t.Correct
			s.Wrong += t.Wrong
		}
	}
	slices.SortFunc(out, func(a, b StageStanding) int {
		return cmp.Or(compareStanding(a, b, tbs), cmp.Compare(a.ID, b.ID))
	})
	for i := range out {
		if i > 0 && compareStanding(out[i-1], out[i], tbs) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Advance decides who goes to the final: the best team of each unit, at most
// FinalTeams of them in standing order. Ties the rules cannot break are drawn
// (if ByDraw is configured) with a generator seeded by seed, and the draws are
// returned to be logged; without ByDraw such a tie is an error.
func Advance(plan StagePlan, results []MatchResult, seed uint64) (Advancement, error) {
	plan = plan.withDefaults()
	seen := map[string]bool{}
	for _, r := range results {
		if r.Match == "" || seen[r.Match] || r.Round < 0 || r.Round > plan.PreliminaryRounds {
			return Advancement{}, fail("config_invalid.results")
		}
		seen[r.Match] = true
	}
	adv := Advancement{Standings: Standings(results, plan.TieBreaks)}
	canDraw := slices.Contains(plan.TieBreaks, ByDraw)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	draw := func(reason string, group []StageStanding) []StageStanding {
		group = slices.Clone(group) // already in id order
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
		d := StageDraw{Reason: reason, Seed: seed}
		for _, g := range group {
			d.Order = append(d.Order, g.ID)
		}
		adv.Draws = append(adv.Draws, d)
		return group
	}

	// The best team of each unit, units taken in standing order.
	var winners []StageStanding
	done := map[string]bool{}
	for i, s := range adv.Standings {
		if done[s.Unit] {
			continue
		}
		done[s.Unit] = true
		group := []StageStanding{s}
		for _, o := range adv.Standings[i+1:] {
			if o.Unit == s.Unit && compareStanding(s, o, plan.TieBreaks) == 0 {
				group = append(group, o)
			}
		}
		if len(group) > 1 {
			if !canDraw {
				return Advancement{}, refuse("advance_tie")
			}
			group = draw(s.Unit, group)
		}
		winners = append(winners, group[0])
	}

	// Cut to the final's size; a tie across the cut is drawn.
	if len(winners) > plan.FinalTeams {
		last := winners[plan.FinalTeams-1]
		lo := slices.IndexFunc(winners, func(w StageStanding) bool { return compareStanding(w, last, plan.TieBreaks) == 0 })
		hi := lo
		for hi < len(winners) && compareStanding(winners[hi], last, plan.TieBreaks) == 0 {
			hi++
		}
		if hi > plan.FinalTeams {
			if !canDraw {
				return Advancement{}, refuse("advance_tie")
			}
			copy(winners[lo:hi], draw("final_cut", winners[lo:hi]))
		}
		winners = winners[:plan.FinalTeams]
	}
	adv.Qualified = winners
	return adv, nil
}
