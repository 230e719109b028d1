package loadtest

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
)

// Shape is the match the load generator plays.
type Shape struct {
	Teams      int // teams, one buzzer phone each
	Judges     int
	Compulsory int // questions per segment; 0 leaves the segment out
	Buzzer     int
	Risk       int
}

// DefaultShape is the seed's final: 6 teams, 3 judges, all three segments,
// with enough buzzer questions for the buzz figures to mean something.
var DefaultShape = Shape{Teams: 6, Judges: 3, Compulsory: 2, Buzzer: 10, Risk: 1}

// Login is a staff account the generator logs in with over HTTP.
type Login struct {
	Username string
	Password string
	Key      string // judges: the engine's judge id
}

// Setup is a contest ready to play: who connects as what.
type Setup struct {
	ContestID int64
	Host      Login
	Judges    []Login
	Teams     []TeamCode
}

// TeamCode is a team's key and join code.
type TeamCode struct{ Key, Code string }

// Prepare writes a fresh match straight into the server's database: staff
// accounts (loadtest-host, loadtest-judge1…, created once and given a new
// random password on every run, so nothing needs to be known beforehand),
// the teams, segments and questions, and a long answer time so the script,
// not the clock, moves the match on. Writing to the database rather than
// driving the setup pages keeps the generator independent of the page
// forms; the server picks the contest up on its first WebSocket.
func Prepare(ctx context.Context, d *db.DB, sh Shape) (Setup, error) {
	if sh.Teams < 1 || sh.Judges < 1 || sh.Compulsory+sh.Buzzer+sh.Risk < 1 {
		return Setup{}, fmt.Errorf("比赛至少需要一支队、一位评委和一道题")
	}
	var s Setup
	store := live.NewStore(d)
	host, err := staffAccount(ctx, d, "loadtest-host", "压测主持人")
	if err != nil {
		return s, err
	}
	s.Host = host
	for i := 1; i <= sh.Judges; i++ {
		j, err := staffAccount(ctx, d, "loadtest-judge"+strconv.Itoa(i), "压测评委"+strconv.Itoa(i))
		if err != nil {
			return s, err
		}
		s.Judges = append(s.Judges, j)
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		title := "压力测试 " + time.Now().Format("01-02 15:04:05")
		id, err := live.CreateTx(ctx, tx, audit.System, live.NewContest{Title: title, Kind: "match", Series: "压力测试", Stage: "final"})
		if err != nil {
			return err
		}
		s.ContestID = id
		seed := live.SeedTx{Judges: []live.StaffInput{{Username: host.Username, Role: "host"}}}
		for i, j := range s.Judges {
			seed.Judges = append(seed.Judges, live.StaffInput{Username: j.Username, Role: "judge", Chief: i == 0})
		}
		for i := 1; i <= sh.Teams; i++ {
			seed.Teams = append(seed.Teams, live.TeamInput{Name: fmt.Sprintf("第%d代表队", i), Unit: fmt.Sprintf("压测支部%d", i)})
		}
		addSeg := func(n int, in live.SegmentInput) {
			if n == 0 {
				return
			}
			seed.Segments = append(seed.Segments, in)
			var qs []live.QuestionInput
			for k := 1; k <= n; k++ {
				qs = append(qs, live.QuestionInput{Text: fmt.Sprintf("%s第%d题：题干", in.Title, k), Answer: "参考答案"})
			}
			seed.Questions = append(seed.Questions, qs)
		}
		addSeg(sh.Compulsory, live.SegmentInput{Kind: "compulsory", Title: "必答题", Points: 10})
		addSeg(sh.Buzzer, live.SegmentInput{Kind: "buzzer", Title: "抢答题", Points: 10, WrongPenalty: 10})
		addSeg(sh.Risk, live.SegmentInput{Kind: "risk", Title: "风险题", RiskValues: "10,20,30"})
		if err := live.Seed(ctx, tx, audit.System, id, seed); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE contests SET answer_ms = ? WHERE id = ?`, 600000, id)
		return errs.Wrap(err, "answer time")
	})
	if err != nil {
		return s, err
	}
	c, err := store.Get(ctx, s.ContestID)
	if err != nil {
		return s, err
	}
	for _, t := range c.Teams {
		s.Teams = append(s.Teams, TeamCode{Key: t.Key, Code: t.JoinCode})
	}
	return s, nil
}

// staffAccount creates the account or gives the existing one a new
// password, and returns how to log in as it.
func staffAccount(ctx context.Context, d *db.DB, username, name string) (Login, error) {
	l := Login{Username: username, Password: auth.GeneratePassword()}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, username).Scan(&id)
		if db.IsNoRows(err) {
			id, _, err = auth.CreateUser(ctx, tx, audit.System, auth.NewUser{Username: username, DisplayName: name, Password: l.Password})
		} else if err == nil {
			err = auth.SetPassword(ctx, tx, audit.System, username, l.Password, false)
		}
		l.Key = live.JudgeKey(id)
		return err
	})
	return l, err
}
