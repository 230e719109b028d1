package contest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDecodeCommand(t *testing.T) {
	good := map[string]Command{
		`{"type":"buzz","team":"A","token":"b1.7"}`:                         {Type: CmdBuzz, Team: "A", Token: "b1.7"},
		`{"type":"buzz","team":"A","token":"b1.7","device":"pad-1"}`:        {Type: CmdBuzz, Team: "A", Token: "b1.7", Device: "pad-1"},
		`{"type":"vote","judge":"j1","verdict":"correct"}`:                  {Type: CmdVote, Judge: "j1", Verdict: Correct},
		`{"type":"override","judge":"jc","verdict":"wrong","reason":"改判"}`:  {Type: CmdOverride, Judge: "jc", Verdict: Wrong, Reason: "改判"},
		`{"type":"stake","team":"A","stake":20}`:                            {Type: CmdStake, Team: "A", Stake: 20},
		`{"type":"measure_delay","team":"A","device":"d","delay":15000000}`: {Type: CmdMeasureDelay, Team: "A", Device: "d", Delay: 15 * time.Millisecond},
		` {"type":"next_question"} `:                                        {Type: CmdNextQuestion},
		`{"type":"quiz_answer","member":"m1","token":"q1.3","choice":"B"}`:  {Type: CmdQuizAnswer, Member: "m1", Token: "q1.3", Choice: "B"},
	}
	for in, want := range good {
		got, err := DecodeCommand([]byte(in))
		if err != nil || got != want {
			t.Errorf("DecodeCommand(%s) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		`{"type":"buzz","team":"A"}`:                                  "bad_command",     // no token
		`{"type":"buzz","team":"A","token":"t","judge":"j1"}`:         "bad_command",     // field of another type
		`{"type":"buzz","team":"A","token":"t","extra":1}`:            "bad_command",     // unknown field
		`{"type":"buzz","team":"A","token":"t"} {}`:                   "bad_command",     // trailing data
		`{"type":"buzz","team":"A B","token":"t"}`:                    "bad_command",     // space in an id
		`{"type":"buzz","team":"A\u0000","token":"t"}`:                "bad_command",     // control char
		`{"type":"vote","judge":"j1","verdict":"maybe"}`:              "verdict_invalid", //
		`{"type":"measure_delay","team":"A","device":"d","delay":-1}`: "delay_invalid",
		`{"type":"fly"}`: "unknown_command",
		`{"type":"override","judge":"jc","verdict":"wrong"}`: "bad_command", // reason required
		`[]`:   "bad_command",
		`null`: "unknown_command",
		``:     "bad_command",
		`{"type":"stake","team":"A","stake":1e400}`:                                 "bad_command",
		`{"type":"buzz","team":"` + strings.Repeat("x", 65) + `","token":"t"}`:      "bad_command",
		`{"type":"appeal","team":"A","reason":"` + strings.Repeat("很", 3000) + `"}`: "command_too_large",
	}
	for in, code := range bad {
		_, err := DecodeCommand([]byte(in))
		var ce *Error
		if !errors.As(err, &ce) || ce.Code != code {
			t.Errorf("DecodeCommand(%.60s) error %v, want %s", in, err, code)
		}
	}
}

func TestEventEncodingIsStable(t *testing.T) {
	ev := Event{Seq: 7, At: 1500 * time.Millisecond, Type: EvBuzzWon, Team: "B", Order: []string{"B", "C"}, Reason: "first"}
	b, err := EncodeEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"seq":7,"at":1500000000,"type":"buzz_won","team":"B","order":["B","C"],"reason":"first"}`
	if string(b) != want {
		t.Fatalf("encoded %s\nwant    %s", b, want)
	}
	back, err := DecodeEvent(b)
	if err != nil || back.Team != "B" || len(back.Order) != 2 {
		t.Fatalf("decoded %+v %v", back, err)
	}
	if _, err := DecodeEvent([]byte(`{"seq":1,"type":"x","bogus":true}`)); err == nil {
		t.Fatal("unknown field accepted")
	}
}

func TestActors(t *testing.T) {
	for ct := range commandFields {
		if ct.Actor() == "" {
			t.Errorf("%s has no actor", ct)
		}
	}
	if CmdBuzz.Actor() != ActorTeam || CmdVote.Actor() != ActorJudge || CmdTick.Actor() != ActorServer || CommandType("x").Actor() != "" {
		t.Fatal("wrong actors")
	}
}

func TestMessagesAreChinese(t *testing.T) {
	for code, m := range messages {
		if m == "" || m == code {
			t.Errorf("code %s has no message", code)
		}
	}
}
