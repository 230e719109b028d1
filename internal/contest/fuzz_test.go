package contest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func FuzzDecodeCommand(f *testing.F) {
	for _, s := range []string{
		`{"type":"buzz","team":"A","token":"b1.7","device":"pad-1"}`,
		`{"type":"override","judge":"jc","verdict":"wrong","reason":"改判"}`,
		`{"type":"measure_delay","team":"A","device":"d","delay":15000000}`,
		`{"type":"quiz_answer","member":"m1","token":"q1.3","choice":"AC"}`,
		`{"type":"stake","team":"A","stake":-20}`,
		`{"type":"tick"}`, `null`, `{}`, `[`, `{"type":"buzz","type":"vote"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCommand(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded command fails Validate: %v", err)
		}
		// What was accepted survives a round trip unchanged.
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := DecodeCommand(b)
		if err != nil || c2 != c {
			t.Fatalf("round trip: %+v → %s → %+v, %v", c, b, c2, err)
		}
	})
}

// fuzzConfig picks one of several rule sets, so the fuzzer explores each.
func fuzzConfig(sel byte) Config {
	cfg := testConfig()
	cfg.TieRule = []TieRule{TieFirst, TieDraw, TieReopen}[sel%3]
	cfg.JudgeRule = []JudgeRule{Majority, Unanimous}[sel/3%2]
	cfg.Timeout = []TimeoutRule{TimeoutJudge, TimeoutWrong}[sel/6%2]
	cfg.DelayCompensation = sel/12%2 == 1
	if sel/24%2 == 1 {
		cfg.MaxDeviceSpread = ms(50)
	}
	if sel/48%2 == 1 {
		cfg.Segments[1].Foul = &FoulRule{Points: 3}
		cfg.Segments[1].Reopen = false
	}
	return cfg
}

// fuzzCommand builds a command from three bytes. Ids and tokens come from
// small sets that include valid ones, so the fuzzer reaches deep states.
func fuzzCommand(e *Engine, kind, arg byte) []byte {
	teams := []string{"A", "B", "C", "Z"}
	judges := []string{"j1", "j2", "j3", "jc", "jx"}
	verdicts := []Verdict{Correct, Wrong}
	token := "stale.1"
	if q := e.st.Question; q != nil && arg&0x80 == 0 {
		token = q.Token
	}
	c := Command{}
	switch kind % 16 {
	case 0:
		c = Command{Type: CmdMeasureDelay, Team: teams[arg%4], Device: "pad-" + teams[arg/4%4], Delay: time.Duration(arg) * time.Millisecond}
	case 1:
		c = Command{Type: CmdCheckDevices}
	case 2:
		c = Command{Type: CmdStart}
	case 3:
		c = Command{Type: CmdNextQuestion}
	case 4:
		c = Command{Type: CmdStake, Team: teams[arg%4], Stake: []int{10, 20, 30, 25}[arg/4%4]}
	case 5:
		c = Command{Type: CmdOpen}
	case 6, 7, 8:
		c = Command{Type: CmdBuzz, Team: teams[arg%4], Token: token, Device: "pad-" + teams[arg/4%4]}
	case 9:
		c = Command{Type: CmdEndAnswer}
	case 10, 11:
		c = Command{Type: CmdVote, Judge: judges[arg%5], Verdict: verdicts[arg/5%2]}
	case 12:
		c = Command{Type: CmdOverride, Judge: judges[arg%5], Verdict: verdicts[arg/5%2], Reason: "理由"}
	case 13:
		c = Command{Type: CmdAppeal, Team: teams[arg%4]}
	case 14:
		c = Command{Type: CmdCloseQuestion}
		if arg%3 == 0 {
			c = Command{Type: CmdFinish}
		}
	case 15:
		c = Command{Type: CmdTick}
	}
	b, _ := json.Marshal(c)
	return b
}

func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 2, 0, 10, 3, 0, 10, 5, 0, 10, 9, 0, 10, 10, 1, 10, 10, 2, 10})
	f.Add([]byte{1, 2, 0, 1, 3, 0, 1, 14, 1, 1, 3, 0, 1, 14, 1, 1, 3, 0, 1, 6, 1, 1, 5, 0, 1, 6, 2, 20, 7, 3, 5, 15, 0, 60, 9, 0, 1, 10, 0, 1, 11, 7, 1, 13, 0, 1})
	f.Add([]byte{24, 0, 0, 1, 0, 65, 1, 0, 130, 1, 1, 0, 1, 2, 0, 1, 3, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		cfg := fuzzConfig(data[0])
		e, err := New(cfg, uint64(data[0]))
		if err != nil {
			t.Fatal(err)
		}
		var log []Event
		now := time.Duration(0)
		for i := 1; i+2 < len(data); i += 3 {
			now += time.Duration(data[i+2]) * 20 * time.Millisecond
			raw := fuzzCommand(e, data[i], data[i+1])
			cmd, err := DecodeCommand(raw)
			if err != nil {
				t.Fatalf("generated command %s does not decode: %v", raw, err)
			}
			before := e.State()
			evs, err := e.Handle(cmd, now)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("error %T is not *Error", err)
				}
				if evs != nil || !reflect.DeepEqual(before, e.State()) {
					t.Fatalf("refused %+v changed the state", cmd)
				}
				continue
			}
			for _, ev := range evs {
				if ev.Seq != int64(len(log))+1 || ev.At != now {
					t.Fatalf("event %+v out of sequence", ev)
				}
				log = append(log, ev)
			}
			checkInvariants(t, e.State())
		}
		checkReplay(t, cfg, log, e.State())
	})
}

func checkInvariants(t *testing.T, st State) {
	t.Helper()
	for _, s := range st.Teams {
		if s.Score != s.Compulsory+s.Buzzer+s.Risk+s.FoulPoints || s.FoulPoints > 0 || s.Correct < 0 || s.Wrong < 0 {
			t.Fatalf("inconsistent score %+v", s)
		}
	}
	q := st.Question
	if q == nil {
		return
	}
	if q.Phase.Label() == "" || q.PhaseLabel != q.Phase.Label() {
		t.Fatalf("bad phase %q / %q", q.Phase, q.PhaseLabel)
	}
	if q.Phase == PhaseAnswering && (q.Team == "" || q.Deadline < st.Now) {
		t.Fatalf("answering without a team or with a past deadline: %+v", q)
	}
	seen := map[[2]any]bool{}
	for _, p := range q.Presses {
		k := [2]any{p.Team, p.Attempt}
		if !p.Foul && seen[k] {
			t.Fatalf("two presses of %s in attempt %d", p.Team, p.Attempt)
		}
		if !p.Foul {
			seen[k] = true
		}
	}
}

// TestEveryRefusalHasAMessage scans the package for refusal calls and
// checks each code has Chinese text.
func TestEveryRefusalHasAMessage(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, "_test.go") })
	re := regexp.MustCompile(`refuse\("([a-z_]+)"\)`)
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			n++
			if _, ok := messages[string(m[1])]; !ok {
				t.Errorf("%s: code %q has no message", f, m[1])
			}
		}
	}
	if n < 30 {
		t.Fatalf("found only %d refusals; the pattern is stale", n)
	}
}
