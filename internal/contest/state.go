package contest

import (
	"cmp"
	"slices"
	"time"
)

// Status is the match's overall status.
type Status string

const (
	StatusSetup    Status = "setup"
	StatusRunning  Status = "running"
	StatusFinished Status = "finished"
)

// Label is the Chinese name.
func (s Status) Label() string {
	switch s {
	case StatusSetup:
		return "准备中"
	case StatusRunning:
		return "进行中"
	case StatusFinished:
		return "已结束"
	}
	return ""
}

// Phase is the visible state of the current question.
type Phase string

const (
	PhaseStake     Phase = "stake"     // 选分: risk only, before the question is read
	PhaseReading   Phase = "reading"   // 读题: buzzers locked
	PhaseOpen      Phase = "open"      // 开始: buzzers open
	PhaseBuzzed    Phase = "buzzed"    // 抢到: a team pressed / won
	PhaseAnswering Phase = "answering" // 作答: the answer time runs
	PhaseJudging   Phase = "judging"   // 评判
	PhaseScored    Phase = "scored"    // 计分
)

// Label is the Chinese name shown on screens.
func (p Phase) Label() string {
	switch p {
	case PhaseStake:
		return "选分"
	case PhaseReading:
		return "读题"
	case PhaseOpen:
		return "开始"
	case PhaseBuzzed:
		return "抢到"
	case PhaseAnswering:
		return "作答"
	case PhaseJudging:
		return "评判"
	case PhaseScored:
		return "计分"
	}
	return ""
}

// State is a match's state: the fold of its log. A value returned by
// Engine.State shares nothing with the engine and may be serialized or kept.
type State struct {
	Contest        string        `json:"contest"`
	Seq            int64         `json:"seq"` // last event applied
	Now            time.Duration `json:"now"` // time of the last event
	Status         Status        `json:"status"`
	DevicesChecked bool          `json:"devices_checked"`
	Devices        []DeviceDelay `json:"devices,omitempty"` // sorted by device id
	// Question is the current question, nil before the first one.
	Question *QuestionState `json:"question,omitempty"`
	Teams    []TeamScore    `json:"teams"` // in config order
	// Done summarises finished questions, for exports and the results page.
	Done []QuestionSummary `json:"done,omitempty"`
}

// DeviceDelay is the latest server-measured delay of one buzzer device.
type DeviceDelay struct {
	Device string        `json:"device"`
	Team   string        `json:"team"`
	Delay  time.Duration `json:"delay"`
}

// TeamScore is one team's running score, split so that tie-breaks can use it.
type TeamScore struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Score      int    `json:"score"`
	Compulsory int    `json:"compulsory"`
	Buzzer     int    `json:"buzzer"`
	Risk       int    `json:"risk"`
	FoulPoints int    `json:"foul_points"` // ≤ 0
	Fouls      int    `json:"fouls"`
	Correct    int    `json:"correct"`
	Wrong      int    `json:"wrong"`
}

// QuestionState is the current question.
type QuestionState struct {
	Ref        Question      `json:"ref"` // hide Ref.Answer with View
	Segment    int           `json:"segment"`
	Index      int           `json:"index"` // within the segment
	Kind       SegmentKind   `json:"kind"`
	Token      string        `json:"token"`
	Phase      Phase         `json:"phase"`
	PhaseLabel string        `json:"phase_label"`
	Team       string        `json:"team,omitempty"` // assigned team, or the buzz winner
	Stake      int           `json:"stake,omitempty"`
	Deadline   time.Duration `json:"deadline,omitempty"`   // end of the answer time
	WindowEnd  time.Duration `json:"window_end,omitempty"` // buzz arbitration due
	Attempt    int           `json:"attempt"`              // buzz round; grows on reopen
	Presses    []Press       `json:"presses,omitempty"`    // every press, arrival order
	Fouls      []string      `json:"fouls,omitempty"`      // teams that fouled
	LockedOut  []string      `json:"locked_out,omitempty"` // teams that may not buzz
	Tied       []string      `json:"tied,omitempty"`       // last arbitration's candidates, in order
	Eligible   []string      `json:"eligible,omitempty"`   // judges voting on this answer
	Votes      []Vote        `json:"votes,omitempty"`
	Deadlock   bool          `json:"deadlock,omitempty"` // all voted, no decision: the chief must decide
	Outcomes   []Outcome     `json:"outcomes,omitempty"`
	Appeals    []string      `json:"appeals,omitempty"` // teams that appealed
}

// Press is one buzz as the server saw it.
type Press struct {
	Seq      int64         `json:"seq"`
	Team     string        `json:"team"`
	Device   string        `json:"device,omitempty"`
	Attempt  int           `json:"attempt"`
	Arrival  time.Duration `json:"arrival"`
	Adjusted time.Duration `json:"adjusted"` // arrival minus the capped device delay
	Late     bool          `json:"late,omitempty"`
	Foul     bool          `json:"foul,omitempty"`
}

// Vote is one judge's vote on the current answer.
type Vote struct {
	Judge   string        `json:"judge"`
	Verdict Verdict       `json:"verdict"`
	At      time.Duration `json:"at"`
}

// Outcome is one scoring of the question.
type Outcome struct {
	Team     string  `json:"team"`
	Verdict  Verdict `json:"verdict"`
	Delta    int     `json:"delta"`
	Reversed bool    `json:"reversed,omitempty"` // taken back by an appeal or override
}

// QuestionSummary records a finished question.
type QuestionSummary struct {
	Question string    `json:"question"`
	Segment  int       `json:"segment"`
	Outcomes []Outcome `json:"outcomes,omitempty"`
	Fouls    []string  `json:"fouls,omitempty"`
}

// Role selects what a screen may see.
type Role string

const (
	RoleHost     Role = "host"
	RoleJudge    Role = "judge"
	RoleTeam     Role = "team"
	RoleAudience Role = "audience" // also the big screen
)

// View returns the state as a screen of the given role may see it: teams and
// the audience do not see the answer until the question is scored.
func (s State) View(r Role) State {
	v := s.clone()
	if q := v.Question; q != nil && r != RoleHost && r != RoleJudge && q.Phase != PhaseScored {
		q.Ref.Answer = ""
	}
	return v
}

// Standing is a team's place in a match.
type Standing struct {
	Rank int `json:"rank"`
	TeamScore
}

// Standings ranks the teams by score, then buzzer points, then fewer fouls;
// teams equal on all three share a rank (ordered by config order).
func (s State) Standings() []Standing {
	out := make([]Standing, len(s.Teams))
	for i, t := range s.Teams {
		out[i] = Standing{TeamScore: t}
	}
	less := func(a, b Standing) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Buzzer, a.Buzzer), cmp.Compare(a.Fouls, b.Fouls))
	}
	slices.SortStableFunc(out, less)
	for i := range out {
		if i > 0 && less(out[i-1], out[i]) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// snapshot is a copy good enough to roll back to. Apply only ever appends
// to Done and never changes an archived entry, so the saved slice header
// still describes the old Done exactly; everything else is copied. This keeps
// a command's cost independent of how many questions have been played.
func (s State) snapshot() State {
	done := s.Done
	s.Done = nil
	c := s.clone()
	c.Done = done
	return c
}

// clone copies every slice so the result shares no memory with s.
func (s State) clone() State {
	s.Devices = slices.Clone(s.Devices)
	s.Teams = slices.Clone(s.Teams)
	if s.Done != nil {
		done := make([]QuestionSummary, len(s.Done))
		for i, d := range s.Done {
			d.Outcomes = slices.Clone(d.Outcomes)
			d.Fouls = slices.Clone(d.Fouls)
			done[i] = d
		}
		s.Done = done
	}
	if s.Question != nil {
		q := *s.Question
		q.Ref.Options = slices.Clone(q.Ref.Options)
		q.Presses = slices.Clone(q.Presses)
		q.Fouls = slices.Clone(q.Fouls)
		q.LockedOut = slices.Clone(q.LockedOut)
		q.Tied = slices.Clone(q.Tied)
		q.Eligible = slices.Clone(q.Eligible)
		q.Votes = slices.Clone(q.Votes)
		q.Outcomes = slices.Clone(q.Outcomes)
		q.Appeals = slices.Clone(q.Appeals)
		s.Question = &q
	}
	return s
}

func (q *QuestionState) setPhase(p Phase) {
	q.Phase = p
	q.PhaseLabel = p.Label()
}

// lastOutcome returns the latest outcome not reversed, or nil.
func (q *QuestionState) lastOutcome() *Outcome {
	for i := len(q.Outcomes) - 1; i >= 0; i-- {
		if !q.Outcomes[i].Reversed {
			return &q.Outcomes[i]
		}
	}
	return nil
}
