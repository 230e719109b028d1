package contest

import (
	"slices"
	"time"
)

// SegmentKind is the kind of a segment (环节) of a match.
type SegmentKind string

const (
	Compulsory SegmentKind = "compulsory" // 必答题: each question belongs to one team
	Buzzer     SegmentKind = "buzzer"     // 抢答题: the first team to buzz answers
	Risk       SegmentKind = "risk"       // 风险题: the team stakes a value before the question is read
)

// Label is the Chinese name shown on screens.
func (k SegmentKind) Label() string {
	switch k {
	case Compulsory:
		return "必答题"
	case Buzzer:
		return "抢答题"
	case Risk:
		return "风险题"
	}
	return string(k)
}

// JudgeRule decides when the panel's votes become a verdict.
type JudgeRule string

const (
	Majority  JudgeRule = "majority"  // more than half of the eligible judges agree
	Unanimous JudgeRule = "unanimous" // every eligible judge has voted and all agree
)

// TieRule settles presses that arrive within the tie window of the earliest.
type TieRule string

const (
	TieFirst  TieRule = "first"  // the earliest arrival wins; the others are shown as tied
	TieDraw   TieRule = "draw"   // a random draw, logged as an event with its outcome
	TieReopen TieRule = "reopen" // the buzzers open again with a new token
)

// TimeoutRule says what an expired answer time does.
type TimeoutRule string

const (
	TimeoutJudge TimeoutRule = "judge" // go to the judges (default)
	TimeoutWrong TimeoutRule = "wrong" // score wrong without a vote
)

// Defaults taken from the seed (3 s to answer) and from practice.
const (
	DefaultAnswerTime = 3 * time.Second
	DefaultTieWindow  = 30 * time.Millisecond
	DefaultDelayCap   = 150 * time.Millisecond
	// MaxDelay bounds a measured device delay; anything longer is a broken link.
	MaxDelay = 10 * time.Second
)

// Team is one team in a match. Unit is the branch (党支部) it represents; it
// drives judge exclusion and stage advancement.
type Team struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Unit    string   `json:"unit"`
	Members []string `json:"members,omitempty"`
}

// Judge is a member of the panel. Judges from the answering team's unit do not
// vote on that answer. The chief (at most one) may override with a reason.
type Judge struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Unit  string `json:"unit,omitempty"`
	Chief bool   `json:"chief,omitempty"`
}

// Question is the engine's reference to a question from the bank: enough to
// show it. The engine never checks answers itself; judges do.
type Question struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Options []string `json:"options,omitempty"`
	Answer  string   `json:"answer,omitempty"`
	// Team assigns a compulsory or risk question to a team. Empty means
	// round-robin in team order.
	Team string `json:"team,omitempty"`
}

// FoulRule is the penalty for buzzing before the host opens the buzzers.
type FoulRule struct {
	Points  int  `json:"points"`   // subtracted from the team's score
	LockOut bool `json:"lock_out"` // the team may not buzz again on this question
}

// Segment is one segment of a match, played in order.
type Segment struct {
	Kind  SegmentKind `json:"kind"`
	Title string      `json:"title,omitempty"`
	// Points for a right answer (compulsory and buzzer).
	Points int `json:"points"`
	// WrongPenalty is subtracted for a wrong answer (compulsory and buzzer).
	WrongPenalty int `json:"wrong_penalty,omitempty"`
	// Reopen: after a wrong answer in a buzzer question, the other teams may
	// buzz again.
	Reopen bool `json:"reopen,omitempty"`
	// Foul applies to buzzer segments. Nil means the default: no points,
	// locked out of the question.
	Foul *FoulRule `json:"foul,omitempty"`
	// RiskValues are the stakes a team may pick (risk segments), e.g. 10/20/30.
	RiskValues []int `json:"risk_values,omitempty"`
	// AnswerTime overrides the match's answer time for this segment.
	AnswerTime time.Duration `json:"answer_time,omitempty"`
	Questions  []Question    `json:"questions"`
}

// Config is one match: a preliminary round or the final.
type Config struct {
	ID       string    `json:"id"`
	Stage    string    `json:"stage,omitempty"` // e.g. "preliminary", "final"; a label for standings
	Round    int       `json:"round,omitempty"`
	Teams    []Team    `json:"teams"`
	Judges   []Judge   `json:"judges"`
	Segments []Segment `json:"segments"`

	AnswerTime time.Duration `json:"answer_time,omitempty"` // default 3 s
	JudgeRule  JudgeRule     `json:"judge_rule,omitempty"`  // default majority
	TieWindow  time.Duration `json:"tie_window,omitempty"`  // default 30 ms
	TieRule    TieRule       `json:"tie_rule,omitempty"`    // default first arrival
	Timeout    TimeoutRule   `json:"timeout,omitempty"`     // default judge

	// DelayCompensation subtracts each device's measured delay (capped at
	// DelayCap) from its presses' arrival time. Capping bounds what a team can
	// gain by slowing its own replies to the server's pings.
	DelayCompensation bool          `json:"delay_compensation,omitempty"`
	DelayCap          time.Duration `json:"delay_cap,omitempty"`
	// MaxDeviceSpread > 0 requires a device check before the start: every team
	// needs a measured device and the delays may differ by at most this much.
	MaxDeviceSpread time.Duration `json:"max_device_spread,omitempty"`
}

// withDefaults fills in the defaults. It copies the slices it changes so the
// caller's Config is never modified.
func (c Config) withDefaults() Config {
	if c.AnswerTime == 0 {
		c.AnswerTime = DefaultAnswerTime
	}
	if c.JudgeRule == "" {
		c.JudgeRule = Majority
	}
	if c.TieWindow == 0 {
		c.TieWindow = DefaultTieWindow
	}
	if c.TieRule == "" {
		c.TieRule = TieFirst
	}
	if c.Timeout == "" {
		c.Timeout = TimeoutJudge
	}
	if c.DelayCompensation && c.DelayCap == 0 {
		c.DelayCap = DefaultDelayCap
	}
	c.Segments = slices.Clone(c.Segments)
	for i := range c.Segments {
		s := &c.Segments[i]
		if s.Kind == Buzzer && s.Foul == nil {
			s.Foul = &FoulRule{LockOut: true}
		}
		if s.Title == "" {
			s.Title = s.Kind.Label()
		}
	}
	return c
}

// Validate reports the first problem that makes the config unusable.
func (c Config) Validate() error {
	bad := func(key string, a ...any) error { return fail(key, a...) }
	if len(c.Teams) < 1 {
		return bad("config_invalid.no_teams")
	}
	teams := map[string]bool{}
	for _, t := range c.Teams {
		if t.ID == "" || teams[t.ID] {
			return bad("config_invalid.team_id", t.ID)
		}
		teams[t.ID] = true
	}
	judges := map[string]bool{}
	chiefs := 0
	for _, j := range c.Judges {
		if j.ID == "" || judges[j.ID] {
			return bad("config_invalid.judge_id", j.ID)
		}
		judges[j.ID] = true
		if j.Chief {
			chiefs++
		}
	}
	if chiefs > 1 {
		return bad("config_invalid.chiefs")
	}
	if len(c.Segments) == 0 {
		return bad("config_invalid.no_segments")
	}
	qids := map[string]bool{}
	for i, s := range c.Segments {
		switch s.Kind {
		case Compulsory, Buzzer, Risk:
		default:
			return bad("config_invalid.segment_kind", i+1, s.Kind)
		}
		if len(s.Questions) == 0 {
			return bad("config_invalid.segment_empty", i+1)
		}
		if s.Points < 0 || s.WrongPenalty < 0 || s.AnswerTime < 0 {
			return bad("config_invalid.segment_negative", i+1)
		}
		if s.Foul != nil && s.Foul.Points < 0 {
			return bad("config_invalid.segment_penalty", i+1)
		}
		if s.Kind == Risk {
			if len(s.RiskValues) == 0 {
				return bad("config_invalid.risk_values")
			}
			for _, v := range s.RiskValues {
				if v <= 0 {
					return bad("config_invalid.risk_value")
				}
			}
		}
		for _, q := range s.Questions {
			if q.ID == "" || qids[q.ID] {
				return bad("config_invalid.question_id", q.ID)
			}
			qids[q.ID] = true
			if q.Team != "" && !teams[q.Team] {
				return bad("config_invalid.question_team", q.ID)
			}
		}
	}
	if c.AnswerTime < 0 || c.TieWindow < 0 || c.DelayCap < 0 || c.MaxDeviceSpread < 0 {
		return bad("config_invalid.times")
	}
	switch c.JudgeRule {
	case "", Majority, Unanimous:
	default:
		return bad("config_invalid.judge_rule", c.JudgeRule)
	}
	switch c.TieRule {
	case "", TieFirst, TieDraw, TieReopen:
	default:
		return bad("config_invalid.tie_rule", c.TieRule)
	}
	switch c.Timeout {
	case "", TimeoutJudge, TimeoutWrong:
	default:
		return bad("config_invalid.timeout", c.Timeout)
	}
	return nil
}

func (c *Config) answerTime(seg int) time.Duration {
	if t := c.Segments[seg].AnswerTime; t > 0 {
		return t
	}
	return c.AnswerTime
}
