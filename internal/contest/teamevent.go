package contest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ProjectScoring says how a project's raw results compare.
type ProjectScoring string

const (
	ScorePoints ProjectScoring = "points" // higher is better (hits, height, score)
	ScoreTime   ProjectScoring = "time"   // lower is better, in milliseconds
	ScoreRank   ProjectScoring = "rank"   // lower is better, a place given by the referee
)

// DefaultPlacementPoints are the points for 1st, 2nd, … place; places beyond
// the table earn nothing.
var DefaultPlacementPoints = []int{10, 8, 6, 5, 4, 3, 2, 1}

// Project is one project of a team event. Values are integers in the
// project's smallest unit (points, centimetres, milliseconds, places).
type Project struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Scoring   ProjectScoring `json:"scoring"`
	Placement []int          `json:"placement,omitempty"` // default DefaultPlacementPoints
}

// OutdoorDayProjects are the seed's five projects (户外拓展), as a starting
// point for a config.
func OutdoorDayProjects() []Project {
	return []Project{
		{ID: "grenade", Name: "投手榴弹", Scoring: ScorePoints},
		{ID: "chess", Name: "智连棋局", Scoring: ScoreRank},
		{ID: "curling", Name: "旱地冰壶", Scoring: ScorePoints},
		{ID: "tower", Name: "合力建塔", Scoring: ScoreTime},
		{ID: "kart", Name: "卡丁车", Scoring: ScoreTime},
	}
}

// TeamEventConfig configures a team event.
type TeamEventConfig struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Teams    []Team    `json:"teams"`
	Projects []Project `json:"projects"`
}

// ProjectResult is a team's raw result in a project. DNF (did not finish)
// ranks after every finisher and earns no points.
type ProjectResult struct {
	Value int64 `json:"value"`
	DNF   bool  `json:"dnf,omitempty"`
}

// TeamEvent holds the results entered by the referees. Entering a result
// again replaces it: referees correct mistakes.
type TeamEvent struct {
	cfg      TeamEventConfig
	teams    map[string]int
	projects map[string]int
	results  []map[string]ProjectResult // per project, by team
}

// NewTeamEvent validates cfg.
func NewTeamEvent(cfg TeamEventConfig) (*TeamEvent, error) {
	bad := fail("config_invalid.team_event")
	t := &TeamEvent{cfg: cfg, teams: map[string]int{}, projects: map[string]int{}}
	for i, tm := range cfg.Teams {
		if _, dup := t.teams[tm.ID]; tm.ID == "" || dup {
			return nil, bad
		}
		t.teams[tm.ID] = i
	}
	for i, p := range cfg.Projects {
		if _, dup := t.projects[p.ID]; p.ID == "" || dup {
			return nil, bad
		}
		switch p.Scoring {
		case ScorePoints, ScoreTime, ScoreRank:
		default:
			return nil, bad
		}
		t.projects[p.ID] = i
		t.results = append(t.results, map[string]ProjectResult{})
	}
	if len(cfg.Teams) == 0 || len(cfg.Projects) == 0 {
		return nil, bad
	}
	return t, nil
}

// Record enters (or corrects) a team's result in a project.
func (t *TeamEvent) Record(project, team string, r ProjectResult) error {
	p, ok := t.projects[project]
	if _, tok := t.teams[team]; !ok || !tok {
		return refuse("team_event_invalid")
	}
	sc := t.cfg.Projects[p].Scoring
	if !r.DNF && (r.Value < 0 || (sc == ScoreRank && r.Value < 1)) {
		return refuse("team_event_invalid")
	}
	t.results[p][team] = r
	return nil
}

// Placement is a team's place in one project.
type Placement struct {
	Rank   int    `json:"rank"` // 0: no result entered
	Team   string `json:"team"`
	Name   string `json:"name"`
	Value  int64  `json:"value"`
	DNF    bool   `json:"dnf,omitempty"`
	Points int    `json:"points"`
}

// ProjectRanking ranks the teams in one project. Teams with equal results
// share the place and its points; the next place is skipped (1, 2, 2, 4).
// Teams without a result come last with rank 0.
func (t *TeamEvent) ProjectRanking(project string) ([]Placement, error) {
	p, ok := t.projects[project]
	if !ok {
		return nil, refuse("team_event_invalid")
	}
	pr := t.cfg.Projects[p]
	table := pr.Placement
	if table == nil {
		table = DefaultPlacementPoints
	}
	better := func(a, b Placement) int { // negative: a ranks before b
		if a.DNF != b.DNF {
			if a.DNF {
				return 1
			}
			return -1
		}
		if a.DNF {
			return 0
		}
		if pr.Scoring == ScorePoints {
			return cmp.Compare(b.Value, a.Value)
		}
		return cmp.Compare(a.Value, b.Value)
	}
	var ranked, missing []Placement
	for _, tm := range t.cfg.Teams {
		pl := Placement{Team: tm.ID, Name: tm.Name}
		r, ok := t.results[p][tm.ID]
		if !ok {
			missing = append(missing, pl)
			continue
		}
		pl.Value, pl.DNF = r.Value, r.DNF
		ranked = append(ranked, pl)
	}
	slices.SortStableFunc(ranked, better) // stable: config order among equals
	for i := range ranked {
		if i > 0 && better(ranked[i-1], ranked[i]) == 0 {
			ranked[i].Rank = ranked[i-1].Rank
		} else {
			ranked[i].Rank = i + 1
		}
		if !ranked[i].DNF && ranked[i].Rank <= len(table) {
			ranked[i].Points = table[ranked[i].Rank-1]
		}
	}
	return append(ranked, missing...), nil
}

// TeamEventStanding is a team's overall result.
type TeamEventStanding struct {
	Rank   int    `json:"rank"`
	Team   string `json:"team"`
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Points int    `json:"points"`
	Places []int  `json:"places"` // rank in each project, config order; 0 = no result
}

// Standings sums the placement points; equal totals are separated by more
// first places, then more second places, and so on ("countback"), and share
// a rank if still equal.
func (t *TeamEvent) Standings() []TeamEventStanding {
	out := make([]TeamEventStanding, len(t.cfg.Teams))
	for i, tm := range t.cfg.Teams {
		out[i] = TeamEventStanding{Team: tm.ID, Name: tm.Name, Unit: tm.Unit, Places: make([]int, len(t.cfg.Projects))}
	}
	for p, pr := range t.cfg.Projects {
		ranking, _ := t.ProjectRanking(pr.ID)
		for _, pl := range ranking {
			s := &out[t.teams[pl.Team]]
			s.Points += pl.Points
			s.Places[p] = pl.Rank
		}
	}
	countback := func(a, b TeamEventStanding) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		for place := 1; place <= len(t.cfg.Teams); place++ {
			na, nb := 0, 0
			for p := range a.Places {
				if a.Places[p] == place {
					na++
				}
				if b.Places[p] == place {
					nb++
				}
			}
			if na != nb {
				return cmp.Compare(nb, na)
			}
		}
		return 0
	}
	slices.SortStableFunc(out, countback)
	for i := range out {
		if i > 0 && countback(out[i-1], out[i]) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// Label is the Chinese name of a scoring method.
func (s ProjectScoring) Label() string {
	switch s {
	case ScorePoints:
		return "计分（高者胜）"
	case ScoreTime:
		return "计时（用时少者胜）"
	case ScoreRank:
		return "名次（裁判判定）"
	}
	return string(s)
}

// Valid reports whether s is a known scoring method.
func (s ProjectScoring) Valid() bool {
	return s == ScorePoints || s == ScoreTime || s == ScoreRank
}

// MaxTime is the longest time a referee may enter (24 hours, in ms).
const MaxTime = 24 * 3600 * 1000

// ParseValue reads what a referee typed for a project: points as a whole
// number, a time as seconds ("83.4") or minutes and seconds ("1:23.4"),
// stored in milliseconds, a place as a whole number from 1. The error is a
// Chinese sentence for the referee.
func (s ProjectScoring) ParseValue(in string) (int64, error) {
	in = strings.TrimSpace(strings.NewReplacer("：", ":", "。", ".", "秒", "", "分", "", "第", "", "名", "").Replace(in))
	bad := func(key string) (int64, error) { return 0, fail(key) }
	switch s {
	case ScorePoints:
		n, err := strconv.ParseInt(in, 10, 64)
		if err != nil || n < 0 || n > 1_000_000 {
			return bad("team_event_invalid.points")
		}
		return n, nil
	case ScoreRank:
		n, err := strconv.ParseInt(in, 10, 64)
		if err != nil || n < 1 || n > 999 {
			return bad("team_event_invalid.rank")
		}
		return n, nil
	case ScoreTime:
		min := int64(0)
		if m, sec, ok := strings.Cut(in, ":"); ok {
			n, err := strconv.ParseInt(m, 10, 64)
			if err != nil || n < 0 || strings.Contains(sec, ":") {
				return bad("team_event_invalid.time_format")
			}
			min, in = n, sec
		}
		whole, frac, _ := strings.Cut(in, ".")
		sec, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || sec < 0 || (min > 0 && sec >= 60) || len(frac) > 3 || strings.Trim(frac, "0123456789") != "" {
			return bad("team_event_invalid.time_precision")
		}
		ms, _ := strconv.ParseInt((frac + "000")[:3], 10, 64)
		v := (min*60+sec)*1000 + ms
		if v <= 0 || v > MaxTime {
			return bad("team_event_invalid.time_range")
		}
		return v, nil
	}
	return bad("team_event_invalid.scoring")
}

// FormatValue shows a stored value the way ParseValue reads it.
func (s ProjectScoring) FormatValue(v int64) string {
	switch s {
	case ScoreTime:
		sec, ms := v/1000, v%1000
		frac := strings.TrimRight(fmt.Sprintf("%03d", ms), "0")
		if frac != "" {
			frac = "." + frac
		}
		if sec >= 60 {
			return fmt.Sprintf("%d:%02d%s", sec/60, sec%60, frac)
		}
		return fmt.Sprintf("%d%s秒", sec, frac)
	case ScoreRank:
		return fmt.Sprintf("第%d名", v)
	}
	return strconv.FormatInt(v, 10)
}

// ParsePlacement reads a placement points table ("10,8,6,5"): whole
// numbers from 0 to 1000, not increasing, at most 50 places.
func ParsePlacement(in string) ([]int, error) {
	bad := fail("team_event_invalid.placement")
	var out []int
	for _, f := range strings.FieldsFunc(in, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > 1000 || (len(out) > 0 && n > out[len(out)-1]) {
			return nil, bad
		}
		out = append(out, n)
	}
	if len(out) == 0 || len(out) > 50 {
		return nil, bad
	}
	return out, nil
}

// PlacementText is a project's placement table as the forms show it.
func (p Project) PlacementText() string {
	t := p.Placement
	if t == nil {
		t = DefaultPlacementPoints
	}
	parts := make([]string, len(t))
	for i, n := range t {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}
