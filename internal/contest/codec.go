package contest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode"
	"unicode/utf8"
)

// Limits on what a client may send. A command is a handful of short fields;
// anything bigger is a mistake or an attack, and is refused before decoding.
const (
	MaxCommandSize = 2048
	MaxEventSize   = 64 << 10
	maxIDLen       = 64  // team, judge, member, device ids, tokens, choices
	maxReasonLen   = 500 // an override or appeal reason
)

// field bits say which Command fields a type uses.
const (
	fTeam = 1 << iota
	fJudge
	fMember
	fDevice
	fToken
	fStake
	fVerdict
	fChoice
	fReason
	fDelay
)

// commandFields: allowed fields per type, and those required.
var commandFields = map[CommandType]struct{ allowed, required int }{
	CmdMeasureDelay:  {fTeam | fDevice | fDelay, fTeam | fDevice},
	CmdCheckDevices:  {0, 0},
	CmdStart:         {0, 0},
	CmdNextQuestion:  {0, 0},
	CmdStake:         {fTeam | fStake, fTeam | fStake},
	CmdOpen:          {0, 0},
	CmdBuzz:          {fTeam | fDevice | fToken, fTeam | fToken},
	CmdEndAnswer:     {0, 0},
	CmdVote:          {fJudge | fVerdict, fJudge | fVerdict},
	CmdOverride:      {fJudge | fVerdict | fReason, fJudge | fVerdict | fReason},
	CmdAppeal:        {fTeam | fReason, fTeam},
	CmdCloseQuestion: {0, 0},
	CmdFinish:        {0, 0},
	CmdTick:          {0, 0},
	CmdQuizOpen:      {0, 0},
	CmdQuizAnswer:    {fMember | fToken | fChoice, fMember | fToken | fChoice},
	CmdQuizClose:     {0, 0},
}

// DecodeCommand parses one command as a client or the server sends it: a
// single JSON object of at most MaxCommandSize bytes, no unknown fields, no
// trailing data, only the fields its type uses, ids short and printable.
// Whether the command is acceptable now is for Handle to say.
func DecodeCommand(data []byte) (Command, error) {
	var c Command
	if len(data) > MaxCommandSize {
		return c, refuse("command_too_large")
	}
	if err := decodeStrict(data, &c); err != nil {
		return Command{}, badCommand()
	}
	if err := c.Validate(); err != nil {
		return Command{}, err
	}
	return c, nil
}

// Validate checks a command's shape (see DecodeCommand).
func (c Command) Validate() error {
	spec, ok := commandFields[c.Type]
	if !ok {
		return refuse("unknown_command")
	}
	present := 0
	set := func(bit int, on bool) {
		if on {
			present |= bit
		}
	}
	set(fTeam, c.Team != "")
	set(fJudge, c.Judge != "")
	set(fMember, c.Member != "")
	set(fDevice, c.Device != "")
	set(fToken, c.Token != "")
	set(fStake, c.Stake != 0)
	set(fVerdict, c.Verdict != "")
	set(fChoice, c.Choice != "")
	set(fReason, c.Reason != "")
	set(fDelay, c.Delay != 0)
	if present&^spec.allowed != 0 || spec.required&^present != 0 {
		return badCommand()
	}
	for _, s := range []string{c.Team, c.Judge, c.Member, c.Device, c.Token, c.Choice} {
		if !validID(s) {
			return badCommand()
		}
	}
	if len(c.Reason) > maxReasonLen || !utf8.ValidString(c.Reason) || hasControl(c.Reason) {
		return badCommand()
	}
	if c.Verdict != "" && !c.Verdict.valid() {
		return refuse("verdict_invalid")
	}
	if c.Delay < 0 || c.Delay > MaxDelay {
		return refuse("delay_invalid")
	}
	return nil
}

func badCommand() *Error { return refuse("bad_command") }

// validID accepts short printable strings without spaces.
func validID(s string) bool {
	if len(s) > maxIDLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' {
			return true
		}
	}
	return false
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data")
	}
	return nil
}

// EncodeEvent is the stable serialization of an event for the log: fields in
// a fixed order, unused fields omitted, times as integer nanoseconds.
func EncodeEvent(ev Event) ([]byte, error) { return json.Marshal(ev) }

// DecodeEvent parses an event written by EncodeEvent. Whether it fits the
// log is for Apply to say.
func DecodeEvent(data []byte) (Event, error) {
	var ev Event
	if len(data) > MaxEventSize {
		return Event{}, refuse("event_invalid")
	}
	if err := decodeStrict(data, &ev); err != nil || ev.Type == "" {
		return Event{}, refuse("event_invalid")
	}
	return ev, nil
}
