package contest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Defaults for the mass online quiz (线上竞答).
const (
	DefaultQuizAnswerTime  = 20 * time.Second
	DefaultQuizBasePoints  = 10
	DefaultQuizSpeedPoints = 10
)

// QuizQuestion is a choice question. Options are shown as A, B, C, …; Answer
// holds the right letters ("B", or "AC" for a multiple choice).
type QuizQuestion struct {
	ID         string        `json:"id"`
	Text       string        `json:"text"`
	Options    []string      `json:"options"`
	Answer     string        `json:"answer"`
	AnswerTime time.Duration `json:"answer_time,omitempty"`
	// Multi is set in snapshots: the phone must let the member pick
	// several options (a 多选题 says so on paper too).
	Multi bool `json:"multi,omitempty"`
}

// QuizMember is a person allowed to answer, with the branch they belong to.
type QuizMember struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// QuizConfig configures one online quiz. A correct answer earns BasePoints
// plus speed points that fall linearly from SpeedPoints (answered the instant
// the question opened, by server time) to 0 (at the deadline).
type QuizConfig struct {
	ID          string         `json:"id"`
	Members     []QuizMember   `json:"members"`
	Questions   []QuizQuestion `json:"questions"`
	AnswerTime  time.Duration  `json:"answer_time,omitempty"`
	BasePoints  int            `json:"base_points,omitempty"`
	SpeedPoints int            `json:"speed_points,omitempty"`
}

// MemberScore is one person's result. Correct answers and speed points are
// kept apart, as the results are reported.
type MemberScore struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Unit     string        `json:"unit"`
	Answered int           `json:"answered"`
	Correct  int           `json:"correct"`
	Base     int           `json:"base"`
	Speed    int           `json:"speed"`
	Points   int           `json:"points"`
	Time     time.Duration `json:"time"` // total server-side time taken on correct answers
}

// Quiz runs an online quiz: event-sourced like Engine, but built for tens of
// thousands of answers per question — everything an answer touches is found
// by the member's index, so one answer costs O(1).
type Quiz struct {
	cfg     QuizConfig
	members map[string]int32
	seq     int64
	now     time.Duration

	index    int // current question, -1 before the first
	open     bool
	token    string
	openedAt time.Duration
	deadline time.Duration
	answers  int            // answers to the current question
	correct  int            // right ones among them
	counts   map[string]int // answers per choice, current question

	lastAnswered []int32  // per member: 1 + index of the last question answered
	lastChoice   []string // per member: the choice of that answer
	scores       []MemberScore
	final        *QuizFinal // set when the last question closes
}

// NewQuiz validates cfg and returns a quiz before its first question.
func NewQuiz(cfg QuizConfig) (*Quiz, error) {
	bad := func(key string, a ...any) error { return fail(key, a...) }
	if cfg.AnswerTime == 0 {
		cfg.AnswerTime = DefaultQuizAnswerTime
	}
	if cfg.BasePoints == 0 {
		cfg.BasePoints = DefaultQuizBasePoints
	}
	if cfg.SpeedPoints == 0 {
		cfg.SpeedPoints = DefaultQuizSpeedPoints
	}
	if cfg.AnswerTime < 0 || cfg.BasePoints < 0 || cfg.SpeedPoints < 0 {
		return nil, bad("config_invalid.quiz_negative")
	}
	if len(cfg.Members) == 0 || len(cfg.Questions) == 0 {
		return nil, bad("config_invalid.quiz_empty")
	}
	z := &Quiz{cfg: cfg, members: make(map[string]int32, len(cfg.Members)), index: -1}
	z.scores = make([]MemberScore, len(cfg.Members))
	z.lastAnswered = make([]int32, len(cfg.Members))
	z.lastChoice = make([]string, len(cfg.Members))
	for i, m := range cfg.Members {
		if m.ID == "" {
			return nil, bad("config_invalid.quiz_member_id")
		}
		if _, dup := z.members[m.ID]; dup {
			return nil, bad("config_invalid.quiz_member_dup", m.ID)
		}
		z.members[m.ID] = int32(i)
		z.scores[i] = MemberScore{ID: m.ID, Name: m.Name, Unit: m.Unit}
	}
	ids := map[string]bool{}
	for _, q := range cfg.Questions {
		if q.ID == "" || ids[q.ID] || len(q.Options) < 2 || len(q.Options) > 26 || q.AnswerTime < 0 {
			return nil, bad("config_invalid.quiz_question")
		}
		ids[q.ID] = true
		if a, ok := normalizeChoice(q.Answer, len(q.Options)); !ok || a != q.Answer {
			return nil, bad("config_invalid.quiz_answer", q.ID)
		}
	}
	return z, nil
}

// ReplayQuiz rebuilds a quiz from its log.
func ReplayQuiz(cfg QuizConfig, events []Event) (*Quiz, error) {
	z, err := NewQuiz(cfg)
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		if err := z.Apply(ev); err != nil {
			return nil, err
		}
	}
	return z, nil
}

// normalizeChoice checks a choice of option letters (A…) and sorts it, so
// "CA" and "AC" are the same answer. Letters must be distinct.
func normalizeChoice(s string, options int) (string, bool) {
	if s == "" || len(s) > options {
		return "", false
	}
	var seen [26]bool
	for i := 0; i < len(s); i++ {
		c := int(s[i]) - 'A'
		if c < 0 || c >= options || seen[c] {
			return "", false
		}
		seen[c] = true
	}
	b := make([]byte, 0, len(s))
	for i, on := range seen {
		if on {
			b = append(b, byte('A'+i))
		}
	}
	return string(b), true
}

func (z *Quiz) answerTime(q *QuizQuestion) time.Duration {
	if q.AnswerTime > 0 {
		return q.AnswerTime
	}
	return z.cfg.AnswerTime
}

// Handle validates a quiz command at server time now; like Engine.Handle it
// returns applied events or a refusal that changed nothing. An answer that
// arrives at or after the deadline is refused even if no tick has closed the
// question yet.
func (z *Quiz) Handle(cmd Command, now time.Duration) ([]Event, error) {
	if now < z.now {
		return nil, refuse("clock_backwards")
	}
	ev, err := z.decide(cmd, now)
	if err != nil || ev.Type == "" {
		return nil, err
	}
	ev.Seq, ev.At = z.seq+1, now
	if err := z.Apply(ev); err != nil {
		return nil, &Error{Code: "internal", Message: Message("internal") + "：" + err.Error()}
	}
	return []Event{ev}, nil
}

func (z *Quiz) decide(cmd Command, now time.Duration) (Event, error) {
	switch cmd.Type {
	case CmdQuizAnswer:
		m, ok := z.members[cmd.Member]
		switch {
		case !ok:
			return Event{}, refuse("quiz_unknown_member")
		case !z.open || cmd.Token != z.token:
			return Event{}, refuse("quiz_not_open")
		case now >= z.deadline:
			return Event{}, refuse("quiz_time_up")
		case z.lastAnswered[m] == int32(z.index+1):
			return Event{}, refuse("quiz_already_answered")
		}
		q := &z.cfg.Questions[z.index]
		choice, ok := normalizeChoice(cmd.Choice, len(q.Options))
		if !ok {
			return Event{}, refuse("quiz_choice_invalid")
		}
		elapsed := now - z.openedAt
		// The event names its question: the store's one-answer key is
		// (contest, question, member).
		ev := Event{Type: EvQuizAnswered, Member: cmd.Member, Question: q.ID, Choice: choice, Verdict: Wrong, Elapsed: elapsed}
		if choice == q.Answer {
			ev.Verdict = Correct
			ev.Value = z.cfg.BasePoints
			// Integer arithmetic: the same inputs give the same points on
			// every machine. elapsed < limit here, so speed ≥ 0.
			limit := z.answerTime(q)
			ev.Speed = int(int64(z.cfg.SpeedPoints) * int64(limit-elapsed) / int64(limit))
		}
		return ev, nil
	case CmdQuizOpen:
		switch {
		case z.open:
			return Event{}, refuse("quiz_open")
		case z.index+1 >= len(z.cfg.Questions):
			return Event{}, refuse("no_more_questions")
		}
		q := &z.cfg.Questions[z.index+1]
		return Event{Type: EvQuizOpened, Index: z.index + 1, Question: q.ID, Token: q.ID + "." + strconv.FormatInt(z.seq+1, 10), Deadline: now + z.answerTime(q)}, nil
	case CmdQuizClose:
		if !z.open {
			return Event{}, refuse("quiz_not_open")
		}
		return Event{Type: EvQuizClosed}, nil
	case CmdTick:
		if z.open && now >= z.deadline {
			return Event{Type: EvQuizClosed}, nil
		}
		return Event{}, nil
	}
	return Event{}, refuse("unknown_command")
}

// Apply folds one quiz event.
func (z *Quiz) Apply(ev Event) error {
	if ev.Seq != z.seq+1 || ev.At < z.now {
		return errEvent(ev, "event_invalid.quiz_seq")
	}
	switch ev.Type {
	case EvQuizOpened:
		if z.open || ev.Index != z.index+1 || ev.Index >= len(z.cfg.Questions) || ev.Question != z.cfg.Questions[ev.Index].ID || ev.Token == "" || ev.Deadline < ev.At {
			return errEvent(ev, "event_invalid.quiz_open")
		}
		z.index, z.open, z.token = ev.Index, true, ev.Token
		z.openedAt, z.deadline = ev.At, ev.Deadline
		z.answers, z.correct = 0, 0
		z.counts = make(map[string]int, len(z.cfg.Questions[ev.Index].Options))
	case EvQuizAnswered:
		m, ok := z.members[ev.Member]
		if !ok || !z.open || z.lastAnswered[m] == int32(z.index+1) || (ev.Question != "" && ev.Question != z.cfg.Questions[z.index].ID) || ev.At >= z.deadline || ev.Elapsed != ev.At-z.openedAt || !ev.Verdict.valid() || ev.Value < 0 || ev.Speed < 0 {
			return errEvent(ev, "event_invalid.quiz_answer")
		}
		z.lastAnswered[m] = int32(z.index + 1)
		z.lastChoice[m] = ev.Choice
		z.answers++
		z.counts[ev.Choice]++
		s := &z.scores[m]
		s.Answered++
		if ev.Verdict == Correct {
			z.correct++
			s.Correct++
			s.Base += ev.Value
			s.Speed += ev.Speed
			s.Points += ev.Value + ev.Speed
			s.Time += ev.Elapsed
		}
	case EvQuizClosed:
		if !z.open {
			return errEvent(ev, "event_invalid.quiz_not_open")
		}
		z.open = false
		if z.index == len(z.cfg.Questions)-1 {
			// Computed once here rather than per snapshot: thousands of
			// screens reconnecting at the end must not sort every score.
			z.final = z.buildFinal()
		}
	default:
		return errEvent(ev, "event_invalid.unknown_type")
	}
	z.seq, z.now = ev.Seq, ev.At
	return nil
}

// NextWake is when the open question's deadline falls due.
func (z *Quiz) NextWake() (time.Duration, bool) { return z.deadline, z.open }

// QuizSnapshot is what the host and the big screen show. The layer above
// pushes it at a fixed rate, not per answer.
type QuizSnapshot struct {
	Quiz     string         `json:"quiz"`
	Seq      int64          `json:"seq"`
	Index    int            `json:"index"` // -1 before the first question
	Question *QuizQuestion  `json:"question,omitempty"`
	Token    string         `json:"token,omitempty"`
	Open     bool           `json:"open"`
	Deadline time.Duration  `json:"deadline,omitempty"`
	Answers  int            `json:"answers"`
	Correct  int            `json:"correct"`          // only once the question is closed
	Counts   map[string]int `json:"counts,omitempty"` // per choice, once closed
	Total    int            `json:"total"`            // questions in the quiz
	Final    *QuizFinal     `json:"final,omitempty"`  // once the last question has closed
}

// FinalTop is how many people and branches the final snapshot lists; the
// full standings are on the results page.
const FinalTop = 10

// QuizFinal is the end of a quiz as the big screen shows it: the first
// people and branches, and how many took part.
type QuizFinal struct {
	Participants int              `json:"participants"`
	Persons      []PersonStanding `json:"persons"`
	Branches     []BranchStanding `json:"branches"`
}

func (z *Quiz) buildFinal() *QuizFinal {
	p, b := z.PersonStandings(), z.BranchStandings()
	return &QuizFinal{Participants: len(p), Persons: p[:min(len(p), FinalTop)], Branches: b[:min(len(b), FinalTop)]}
}

// Status is setup before the first question, finished once the last one
// has closed, running in between.
func (z *Quiz) Status() Status {
	switch {
	case z.index < 0:
		return StatusSetup
	case z.final != nil:
		return StatusFinished
	}
	return StatusRunning
}

// QuizMine is one member's own view: their answer to the current question
// and their score so far, sent to their phone when it (re)connects.
type QuizMine struct {
	Choice  string `json:"choice,omitempty"` // answer to the current question, if any
	Correct int    `json:"correct"`
	Points  int    `json:"points"`
	Speed   int    `json:"speed"`
}

// Mine returns a member's own view; ok is false for someone not in the quiz.
func (z *Quiz) Mine(member string) (QuizMine, bool) {
	m, ok := z.members[member]
	if !ok {
		return QuizMine{}, false
	}
	s := z.scores[m]
	out := QuizMine{Correct: s.Correct, Points: s.Points, Speed: s.Speed}
	if z.index >= 0 && z.lastAnswered[m] == int32(z.index+1) {
		out.Choice = z.lastChoice[m]
	}
	return out, true
}

// Snapshot returns the current question and counts. While the question is
// open it hides the answer and the per-choice counts (they would give the
// answer away to anyone watching the big screen).
func (z *Quiz) Snapshot() QuizSnapshot {
	s := QuizSnapshot{Quiz: z.cfg.ID, Seq: z.seq, Index: z.index, Token: z.token, Open: z.open, Deadline: z.deadline, Answers: z.answers,
		Total: len(z.cfg.Questions), Final: z.final}
	if z.index < 0 {
		return s
	}
	q := z.cfg.Questions[z.index]
	q.Options = slices.Clone(q.Options)
	q.Multi = len(q.Answer) > 1
	if z.open {
		q.Answer = ""
	} else {
		s.Correct = z.correct
		s.Counts = make(map[string]int, len(z.counts))
		for k, v := range z.counts {
			s.Counts[k] = v
		}
	}
	s.Question = &q
	return s
}

// PersonStanding is a member's place.
type PersonStanding struct {
	Rank int `json:"rank"`
	MemberScore
}

func comparePerson(a, b *MemberScore) int {
	return cmp.Or(cmp.Compare(b.Points, a.Points), cmp.Compare(b.Correct, a.Correct), cmp.Compare(a.Time, b.Time))
}

// PersonStandings ranks everyone who answered at least once: points, then
// right answers, then less time taken; equals share a rank.
func (z *Quiz) PersonStandings() []PersonStanding {
	out := make([]PersonStanding, 0, len(z.scores))
	for _, s := range z.scores {
		if s.Answered > 0 {
			out = append(out, PersonStanding{MemberScore: s})
		}
	}
	slices.SortFunc(out, func(a, b PersonStanding) int {
		return cmp.Or(comparePerson(&a.MemberScore, &b.MemberScore), cmp.Compare(a.ID, b.ID))
	})
	for i := range out {
		if i > 0 && comparePerson(&out[i-1].MemberScore, &out[i].MemberScore) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}

// BranchStanding is a branch's result: totals of its members who took part,
// and the average per participant, which ranks branches of different sizes
// fairly.
type BranchStanding struct {
	Rank         int    `json:"rank"`
	Unit         string `json:"unit"`
	Participants int    `json:"participants"`
	Correct      int    `json:"correct"`
	Speed        int    `json:"speed"`
	Points       int    `json:"points"`
	// Average is points per participant, in hundredths (integer, so the
	// ranking is exact and the same everywhere).
	Average int `json:"average_x100"`
}

// AverageText is the average with two decimals, as pages show it.
func (b BranchStanding) AverageText() string {
	return strconv.Itoa(b.Average/100) + "." + fmt.Sprintf("%02d", b.Average%100)
}

// BranchStandings ranks branches by average points per participant, then
// total points.
func (z *Quiz) BranchStandings() []BranchStanding {
	idx := map[string]int{}
	var out []BranchStanding
	for _, s := range z.scores {
		if s.Answered == 0 {
			continue
		}
		i, ok := idx[s.Unit]
		if !ok {
			i = len(out)
			idx[s.Unit] = i
			out = append(out, BranchStanding{Unit: s.Unit})
		}
		b := &out[i]
		b.Participants++
		b.Correct += s.Correct
		b.Speed += s.Speed
		b.Points += s.Points
	}
	for i := range out {
		out[i].Average = out[i].Points * 100 / out[i].Participants
	}
	key := func(a, b BranchStanding) int {
		return cmp.Or(cmp.Compare(b.Average, a.Average), cmp.Compare(b.Points, a.Points))
	}
	slices.SortFunc(out, func(a, b BranchStanding) int { return cmp.Or(key(a, b), cmp.Compare(a.Unit, b.Unit)) })
	for i := range out {
		if i > 0 && key(out[i-1], out[i]) == 0 {
			out[i].Rank = out[i-1].Rank
		} else {
			out[i].Rank = i + 1
		}
	}
	return out
}
