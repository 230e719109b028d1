package live

import (
	"strings"
	"testing"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
)

func TestDecodeMessage(t *testing.T) {
	cases := []struct {
		in   string
		code string // "" = accepted
	}{
		{`{"type":"ping","c":12.5}`, ""},
		{`{"type":"cmd","ref":3,"cmd":{"type":"buzz","team":"t1","token":"q1.4"}}`, ""},
		{`{"type":"cmd","cmd":{"type":"buzz","team":"t1"}}`, "bad_command"},
		{`{"type":"cmd","cmd":{"type":"nuke"}}`, "unknown_command"},
		{`{"type":"ping","extra":1}`, "bad_message"},
		{`{"type":"ping"} {"type":"ping"}`, "bad_message"},
		{`not json`, "bad_message"},
		{`{"type":"shout"}`, "bad_message"},
		{`{"type":"ping","cmd":{}}`, "bad_message"},
		{`{"type":"cmd","cmd":"` + strings.Repeat("x", MaxMessage) + `"}`, "message_too_large"},
	}
	for _, c := range cases {
		_, err := DecodeMessage([]byte(c.in))
		got := ""
		if err != nil {
			got = errs.As(err).Code
		}
		if got != c.code {
			t.Errorf("%.60s: code %q, want %q", c.in, got, c.code)
		}
	}
}

func TestAuthorize(t *testing.T) {
	team := Identity{Role: contest.RoleTeam, Team: "t1", Device: "t1-x"}
	judge := Identity{Role: contest.RoleJudge, Judge: "j5"}
	host := Identity{Role: contest.RoleHost}
	aud := Identity{Role: contest.RoleAudience}
	cases := []struct {
		id   Identity
		cmd  contest.Command
		want bool
	}{
		{team, contest.Command{Type: contest.CmdBuzz, Team: "t1", Token: "x"}, true},
		{team, contest.Command{Type: contest.CmdBuzz, Team: "t2", Token: "x"}, false},
		{team, contest.Command{Type: contest.CmdOpen}, false},
		{judge, contest.Command{Type: contest.CmdVote, Judge: "j5", Verdict: contest.Correct}, true},
		{judge, contest.Command{Type: contest.CmdVote, Judge: "j6", Verdict: contest.Correct}, false},
		{host, contest.Command{Type: contest.CmdOpen}, true},
		{host, contest.Command{Type: contest.CmdBuzz, Team: "t1", Token: "x"}, false},
		{aud, contest.Command{Type: contest.CmdOpen}, false},
		{host, contest.Command{Type: contest.CmdTick}, false},
		{host, contest.Command{Type: contest.CmdMeasureDelay, Team: "t1", Device: "d"}, false},
	}
	for _, c := range cases {
		got, err := Authorize(c.id, c.cmd)
		if (err == nil) != c.want {
			t.Errorf("%s as %s: err %v, want allowed=%v", c.cmd.Type, c.id.Role, err, c.want)
		}
		if err == nil && c.cmd.Type == contest.CmdBuzz && got.Device != "t1-x" {
			t.Errorf("buzz device %q: must come from the connection", got.Device)
		}
	}
}

// FuzzDecodeMessage: whatever a client sends, the decoder neither panics
// nor accepts a command its own validator would refuse.
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{`{"type":"ping","c":1}`, `{"type":"cmd","ref":1,"cmd":{"type":"vote","judge":"j1","verdict":"correct"}}`,
		`{"type":"probe","n":3}`, `{"type":"cmd","cmd":{"type":"buzz","team":"t1","token":"q1.2","device":"d"}}`, `[]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := DecodeMessage(b)
		if err != nil {
			if e := errs.As(err); e.Code == "" || e.Message == "" {
				t.Fatalf("error without code or message: %v", err)
			}
			return
		}
		if in.Type == "cmd" {
			if err := in.Cmd.Validate(); err != nil {
				t.Fatalf("accepted an invalid command: %v", err)
			}
		}
	})
}
