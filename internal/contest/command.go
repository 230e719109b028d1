package contest

import "time"

// CommandType names a command.
type CommandType string

// Contest commands.
const (
	CmdMeasureDelay  CommandType = "measure_delay"  // server: a device's measured one-way delay
	CmdCheckDevices  CommandType = "check_devices"  // host: device check before the start
	CmdStart         CommandType = "start"          // host
	CmdNextQuestion  CommandType = "next_question"  // host: show the next question
	CmdStake         CommandType = "stake"          // team: pick a risk value
	CmdOpen          CommandType = "open"           // host: done reading; open buzzers or start the answer time
	CmdBuzz          CommandType = "buzz"           // team
	CmdEndAnswer     CommandType = "end_answer"     // host: the team has answered; to the judges
	CmdVote          CommandType = "vote"           // judge
	CmdOverride      CommandType = "override"       // chief judge, with a reason
	CmdAppeal        CommandType = "appeal"         // team: reopens judging of its scored answer
	CmdCloseQuestion CommandType = "close_question" // host: nobody buzzed (or skip while reading)
	CmdFinish        CommandType = "finish"         // host
	CmdTick          CommandType = "tick"           // clock: fire due timers

	// Mass online quiz commands.
	CmdQuizOpen   CommandType = "quiz_open"   // host: open the next question
	CmdQuizAnswer CommandType = "quiz_answer" // member
	CmdQuizClose  CommandType = "quiz_close"  // host
)

// Actor is who may send a command; the transport checks it against the role
// of the authenticated connection.
type Actor string

const (
	ActorHost   Actor = "host"
	ActorJudge  Actor = "judge"
	ActorTeam   Actor = "team"
	ActorMember Actor = "member"
	ActorServer Actor = "server" // the server itself: clock, delay measurement
)

// Actor reports who may send t, or "" for an unknown type.
func (t CommandType) Actor() Actor {
	switch t {
	case CmdCheckDevices, CmdStart, CmdNextQuestion, CmdOpen, CmdEndAnswer, CmdCloseQuestion, CmdFinish, CmdQuizOpen, CmdQuizClose:
		return ActorHost
	case CmdStake, CmdBuzz, CmdAppeal:
		return ActorTeam
	case CmdVote, CmdOverride:
		return ActorJudge
	case CmdQuizAnswer:
		return ActorMember
	case CmdMeasureDelay, CmdTick:
		return ActorServer
	}
	return ""
}

// Verdict is a judge's or the panel's decision on an answer.
type Verdict string

const (
	Correct Verdict = "correct"
	Wrong   Verdict = "wrong"
)

// Label is the Chinese name.
func (v Verdict) Label() string {
	switch v {
	case Correct:
		return "正确"
	case Wrong:
		return "错误"
	}
	return ""
}

// Command is one request to the engine. It is a flat struct rather than an
// interface so it decodes, validates and fuzzes simply; which fields a type
// uses is checked by DecodeCommand and again by Handle.
//
// Team, Judge and Member identify the sender; the transport fills them from
// the authenticated connection.
type Command struct {
	Type    CommandType   `json:"type"`
	Team    string        `json:"team,omitempty"`
	Judge   string        `json:"judge,omitempty"`
	Member  string        `json:"member,omitempty"`
	Device  string        `json:"device,omitempty"`
	Token   string        `json:"token,omitempty"`
	Stake   int           `json:"stake,omitempty"`
	Verdict Verdict       `json:"verdict,omitempty"`
	Choice  string        `json:"choice,omitempty"`
	Reason  string        `json:"reason,omitempty"`
	Delay   time.Duration `json:"delay,omitempty"` // nanoseconds; measure_delay only
}
