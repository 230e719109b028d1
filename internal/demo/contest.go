package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
	"xuejiangping/internal/quiz"
)

// ContestSeries is the demo's knowledge contest, after the seed's 纪委监委
// contest: preliminaries between the commission's branches, then a final of
// 6 teams with 必答, 抢答 and 风险 segments.
const ContestSeries = "区纪委监委“学讲评”知识竞赛"

// disciplineBranches are the 6 branches of 区纪委监委 (see agencies.go).
var disciplineBranches = []string{"机关第一支部", "机关第二支部", "机关第三支部", "机关第四支部", "派驻第一纪检监察组支部", "派驻第二纪检监察组支部"}

// The seed's own questions on 审查调查 and 走读式谈话.
var seedQuestions = []live.QuestionInput{
	{Text: "审查调查“12+3”种措施是什么？", Answer: "12种调查措施：谈话、讯问、询问、查询、冻结、调取、查封、扣押、搜查、勘验检查、鉴定、留置；3种其他措施：技术调查、通缉、限制出境"},
	{Text: "走读式谈话“两不许一报告”是什么？", Answer: "不许在谈话场所以外的地方谈话，不许单人谈话；谈话情况及时报告"},
	{Text: "走读式谈话前应做哪些安全评估？", Answer: "对谈话对象的身体、心理、家庭等情况和谈话风险进行评估，制定安全预案"},
	{Text: "监察机关采取留置措施须经哪一级批准？", Answer: "由监察机关领导人员集体研究决定，设区的市级以下监察机关报上一级监察机关批准"},
}

// LoadContest seeds the contest: two finished preliminary matches with
// their logs (so stage standings and the advancement show), the final in
// setup with three judges, and the 樱桃沟 outdoor team event with its five
// projects. Call it after Load (it needs the demo accounts).
func LoadContest(ctx context.Context, d *db.DB) error {
	store := live.NewStore(d)
	judges := []live.StaffInput{{Username: "zhuanban", Role: "judge", Chief: true}, {Username: LoginSecretary, Role: "judge"}, {Username: LoginMember, Role: "judge", Unit: DemoBranch}}
	var prelims []int64
	var judgeKeys []string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		for round, teams := range [][]string{disciplineBranches[:3], disciplineBranches[3:]} {
			id, err := live.CreateTx(ctx, tx, audit.System, live.NewContest{Title: fmt.Sprintf("预赛第%d场", round+1), Kind: "match", Series: ContestSeries, Stage: "preliminary", Round: round + 1})
			if err != nil {
				return err
			}
			s := live.SeedTx{Judges: judges, Segments: []live.SegmentInput{{Kind: "buzzer", Title: "抢答题", Points: 10}}}
			for _, b := range teams {
				s.Teams = append(s.Teams, live.TeamInput{Name: b + "代表队", Unit: b})
			}
			s.Questions = [][]live.QuestionInput{seedQuestions[:3]}
			if err := live.Seed(ctx, tx, audit.System, id, s); err != nil {
				return err
			}
			prelims = append(prelims, id)
		}
		final, err := live.CreateTx(ctx, tx, audit.System, live.NewContest{Title: "决赛", Kind: "match", Series: ContestSeries, Stage: "final"})
		if err != nil {
			return err
		}
		s := live.SeedTx{Judges: judges, Segments: []live.SegmentInput{
			{Kind: "compulsory", Title: "必答题", Points: 10},
			{Kind: "buzzer", Title: "抢答题", Points: 10, WrongPenalty: 10, Reopen: true},
			{Kind: "risk", Title: "风险题", RiskValues: "10,20,30"},
		}}
		for _, b := range disciplineBranches {
			s.Teams = append(s.Teams, live.TeamInput{Name: b + "代表队", Unit: b})
		}
		mk := quiz.MustKnow()
		var compulsory, risk []live.QuestionInput
		for i := 0; i < 6; i++ {
			text, _, answer := live.MustKnowText(mk[i].Question)
			compulsory = append(compulsory, live.QuestionInput{Text: text, Answer: answer})
			text, _, answer = live.MustKnowText(mk[6+i].Question)
			risk = append(risk, live.QuestionInput{Text: text, Answer: answer})
		}
		s.Questions = [][]live.QuestionInput{compulsory, seedQuestions, risk}
		if err := live.Seed(ctx, tx, audit.System, final, s); err != nil {
			return err
		}
		for _, j := range judges {
			var uid int64
			if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, j.Username).Scan(&uid); err != nil {
				return errs.Wrap(err, "judge")
			}
			judgeKeys = append(judgeKeys, live.JudgeKey(uid))
		}
		return seedTeamEvent(ctx, tx)
	})
	if err != nil {
		return err
	}
	// Play the preliminaries: a different branch shines in each question.
	for round, id := range prelims {
		var cmds []contest.Command
		cmds = append(cmds, contest.Command{Type: contest.CmdStart})
		for qn := 0; qn < 3; qn++ {
			team := fmt.Sprintf("t%d", (qn+round)%3+1)
			verdict := contest.Correct
			if qn == 2 && round == 0 {
				verdict = contest.Wrong
			}
			cmds = append(cmds,
				contest.Command{Type: contest.CmdNextQuestion},
				contest.Command{Type: contest.CmdOpen},
				contest.Command{Type: contest.CmdBuzz, Team: team},
				contest.Command{Type: contest.CmdEndAnswer},
				contest.Command{Type: contest.CmdVote, Judge: judgeKeys[0], Verdict: verdict},
				contest.Command{Type: contest.CmdVote, Judge: judgeKeys[1], Verdict: verdict},
			)
		}
		cmds = append(cmds, contest.Command{Type: contest.CmdFinish})
		if err := store.Play(ctx, id, cmds, time.Second); err != nil {
			return fmt.Errorf("demo preliminary %d: %w", round+1, err)
		}
	}
	return nil
}

// seedTeamEvent adds the seed's outdoor day at 樱桃沟 with its 5 projects.
func seedTeamEvent(ctx context.Context, tx *db.Tx) error {
	cfg := contest.TeamEventConfig{ID: "yingtaogou", Name: "樱桃沟户外拓展", Projects: contest.OutdoorDayProjects()}
	for i, b := range disciplineBranches {
		cfg.Teams = append(cfg.Teams, contest.Team{ID: fmt.Sprintf("t%d", i+1), Name: b, Unit: b})
	}
	if _, err := contest.NewTeamEvent(cfg); err != nil {
		return err
	}
	b, _ := json.Marshal(cfg)
	if _, err := tx.Insert(ctx, `INSERT INTO team_events (name, config, created_at) VALUES (?, ?, ?)`, cfg.Name, string(b), tx.Now); err != nil {
		return errs.Wrap(err, "team event")
	}
	return audit.Record(ctx, tx, audit.System, "teamevent.create", "teamevent:"+cfg.ID, nil, audit.OK)
}
