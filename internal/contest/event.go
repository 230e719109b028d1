package contest

import "time"

// EventType names an event. The strings are persisted: never rename one.
type EventType string

// Contest events.
const (
	EvDelayMeasured    EventType = "delay_measured"    // Team, Device, Delay
	EvDevicesChecked   EventType = "devices_checked"   // Delay = the spread found
	EvMatchStarted     EventType = "match_started"     //
	EvQuestionShown    EventType = "question_shown"    // Segment, Index, Question, Team (assigned), Token
	EvStakeChosen      EventType = "stake_chosen"      // Team, Value
	EvBuzzersOpened    EventType = "buzzers_opened"    // Token
	EvBuzzFoul         EventType = "buzz_foul"         // Team, Device, Token, Code, Value (penalty), LockOut
	EvBuzzPressed      EventType = "buzz_pressed"      // Team, Device, Token, Adjusted, Late
	EvBuzzDraw         EventType = "buzz_draw"         // Order (outcome, winner first), Seed
	EvBuzzWon          EventType = "buzz_won"          // Team, Order (tied candidates in arbitration order), Reason (rule)
	EvBuzzReopened     EventType = "buzz_reopened"     // Token (new), Order (the tied teams)
	EvAnswerStarted    EventType = "answer_started"    // Team, Deadline
	EvJudgingStarted   EventType = "judging_started"   // Reason (host, timeout, appeal), Order (eligible judges)
	EvVoteCast         EventType = "vote_cast"         // Judge, Verdict
	EvJudged           EventType = "judged"            // Verdict, Reason (majority, unanimous, timeout)
	EvOverridden       EventType = "overridden"        // Judge (chief), Verdict, Reason (text)
	EvScored           EventType = "scored"            // Team, Verdict, Value (points delta)
	EvScoreReversed    EventType = "score_reversed"    // Team, Value (the delta taken back)
	EvAppealOpened     EventType = "appeal_opened"     // Team, Reason
	EvQuestionReopened EventType = "question_reopened" // Team (locked out after a wrong answer), Token (new)
	EvQuestionClosed   EventType = "question_closed"   // nobody answered
	EvMatchFinished    EventType = "match_finished"    //

	// Mass online quiz events.
	EvQuizOpened   EventType = "quiz_opened"   // Index, Question, Token, Deadline
	EvQuizAnswered EventType = "quiz_answered" // Member, Choice, Verdict, Value (base points), Speed, Elapsed
	EvQuizClosed   EventType = "quiz_closed"   //
)

// Event is one fact in a log. It is a flat struct so its JSON form is stable
// (fields in declaration order, unused ones omitted) and equal events compare
// equal. Seq numbers a log from 1 without gaps; At is server monotonic time.
type Event struct {
	Seq      int64         `json:"seq"`
	At       time.Duration `json:"at"`
	Type     EventType     `json:"type"`
	Team     string        `json:"team,omitempty"`
	Judge    string        `json:"judge,omitempty"`
	Member   string        `json:"member,omitempty"`
	Device   string        `json:"device,omitempty"`
	Question string        `json:"question,omitempty"`
	Token    string        `json:"token,omitempty"`
	Segment  int           `json:"segment,omitempty"`
	Index    int           `json:"index,omitempty"`
	Verdict  Verdict       `json:"verdict,omitempty"`
	Choice   string        `json:"choice,omitempty"`
	Value    int           `json:"value,omitempty"`
	Speed    int           `json:"speed,omitempty"`
	Delay    time.Duration `json:"delay,omitempty"`
	Adjusted time.Duration `json:"adjusted,omitempty"`
	Elapsed  time.Duration `json:"elapsed,omitempty"`
	Deadline time.Duration `json:"deadline,omitempty"`
	Order    []string      `json:"order,omitempty"`
	Seed     uint64        `json:"seed,omitempty"`
	Code     string        `json:"code,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Late     bool          `json:"late,omitempty"`
	LockOut  bool          `json:"lock_out,omitempty"`
}
