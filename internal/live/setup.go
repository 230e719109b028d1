package live

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/quiz"
)

// setupTx runs a setup change: refused once the match has events, so the
// frozen config and the setup rows never disagree.
func (s *Store) setupTx(ctx context.Context, id int64, fn func(tx *db.Tx) error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var cfg string
		err := tx.QueryRow(ctx, `SELECT config FROM contests WHERE id = ?`+tx.ForUpdate(), id).Scan(&cfg)
		if db.IsNoRows(err) {
			return errs.NotFoundf("比赛")
		}
		if err != nil {
			return errs.Wrap(err, "contest")
		}
		if cfg != "" {
			return errs.E(errs.Conflict, "contest_frozen", "比赛已开始，不能再修改设置")
		}
		return fn(tx)
	})
}

func fieldErr(field, reason string) error {
	return errs.E(errs.Invalid, "contest_setup_invalid", reason).WithFields([]errs.FieldError{{Field: field, Reason: reason}})
}

func checkText(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" || len([]rune(v)) > max {
		return "", fieldErr(field, "请填写1至"+strconv.Itoa(max)+"字")
	}
	return v, nil
}

// TeamInput adds a team.
type TeamInput struct{ Name, Unit, Members string }

// AddTeam adds a team with a fresh join code.
func (s *Store) AddTeam(ctx context.Context, a audit.Actor, id int64, in TeamInput) error {
	name, err := checkText("name", in.Name, 40)
	if err != nil {
		return err
	}
	if len([]rune(in.Unit)) > 60 || len([]rune(in.Members)) > 500 {
		return fieldErr("unit", "单位或队员名单过长")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		return addTeamTx(ctx, tx, a, id, name, strings.TrimSpace(in.Unit), strings.TrimSpace(in.Members))
	})
}

func addTeamTx(ctx context.Context, tx *db.Tx, a audit.Actor, id int64, name, unit, members string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM contest_teams WHERE contest_id = ?`, id).Scan(&n); err != nil {
		return errs.Wrap(err, "team position")
	}
	code, err := newJoinCode()
	if err != nil {
		return errs.Wrap(err, "join code")
	}
	key := "t" + strconv.Itoa(n+1)
	if _, err := tx.Exec(ctx, `INSERT INTO contest_teams (contest_id, team_key, name, unit, members, join_code, position) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, key, name, unit, members, code, n+1); err != nil {
		return errs.Wrap(err, "add team")
	}
	return audit.Record(ctx, tx, a, "contest.team.add", target(id), map[string]string{"team": key, "name": name}, audit.OK)
}

// RemoveTeam removes a team and the questions assigned to it.
func (s *Store) RemoveTeam(ctx context.Context, a audit.Actor, id int64, key string) error {
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM contest_teams WHERE contest_id = ? AND team_key = ?`, id, key)
		if err != nil {
			return errs.Wrap(err, "remove team")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("参赛队")
		}
		if _, err := tx.Exec(ctx, `UPDATE contest_questions SET team_key = '' WHERE contest_id = ? AND team_key = ?`, id, key); err != nil {
			return errs.Wrap(err, "unassign questions")
		}
		return audit.Record(ctx, tx, a, "contest.team.remove", target(id), map[string]string{"team": key}, audit.OK)
	})
}

// NewJoinCode replaces a team's join code (a code seen by the wrong people).
// Allowed during the match: a phone already joined keeps its connection.
func (s *Store) NewJoinCode(ctx context.Context, a audit.Actor, id int64, key string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		code, err := newJoinCode()
		if err != nil {
			return errs.Wrap(err, "join code")
		}
		res, err := tx.Exec(ctx, `UPDATE contest_teams SET join_code = ? WHERE contest_id = ? AND team_key = ?`, code, id, key)
		if err != nil {
			return errs.Wrap(err, "join code")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("参赛队")
		}
		return audit.Record(ctx, tx, a, "contest.team.code", target(id), map[string]string{"team": key}, audit.OK)
	})
}

// StaffInput assigns a user as host or judge.
type StaffInput struct {
	Username string
	Role     string
	Unit     string
	Chief    bool
}

// AddStaff assigns a user by login name.
func (s *Store) AddStaff(ctx context.Context, a audit.Actor, id int64, in StaffInput) error {
	if in.Role != "host" && in.Role != "judge" {
		return fieldErr("role", "角色无效")
	}
	if len([]rune(in.Unit)) > 60 {
		return fieldErr("unit", "单位过长")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		var uid int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ? AND NOT disabled`, strings.TrimSpace(in.Username)).Scan(&uid)
		if db.IsNoRows(err) {
			return fieldErr("username", "没有这个账号")
		}
		if err != nil {
			return errs.Wrap(err, "staff user")
		}
		return addStaffTx(ctx, tx, a, id, uid, in)
	})
}

func addStaffTx(ctx context.Context, tx *db.Tx, a audit.Actor, id, uid int64, in StaffInput) error {
	if in.Chief {
		if _, err := tx.Exec(ctx, `UPDATE contest_staff SET chief = FALSE WHERE contest_id = ?`, id); err != nil {
			return errs.Wrap(err, "chief")
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO contest_staff (contest_id, user_id, role, unit, chief) VALUES (?, ?, ?, ?, ?)`,
		id, uid, in.Role, strings.TrimSpace(in.Unit), in.Chief && in.Role == "judge")
	if errorsIsUnique(err) {
		return fieldErr("username", "该账号已在名单中")
	}
	if err != nil {
		return errs.Wrap(err, "add staff")
	}
	return audit.Record(ctx, tx, a, "contest.staff.add", target(id), map[string]any{"user": uid, "role": in.Role, "chief": in.Chief}, audit.OK)
}

// RemoveStaff unassigns a user.
func (s *Store) RemoveStaff(ctx context.Context, a audit.Actor, id, uid int64, role string) error {
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM contest_staff WHERE contest_id = ? AND user_id = ? AND role = ?`, id, uid, role)
		if err != nil {
			return errs.Wrap(err, "remove staff")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("人员")
		}
		return audit.Record(ctx, tx, a, "contest.staff.remove", target(id), map[string]any{"user": uid, "role": role}, audit.OK)
	})
}

// SegmentInput adds a segment.
type SegmentInput struct {
	Kind         string
	Title        string
	Points       int
	WrongPenalty int
	Reopen       bool
	RiskValues   string
}

// AddSegment appends a segment.
func (s *Store) AddSegment(ctx context.Context, a audit.Actor, id int64, in SegmentInput) error {
	switch contest.SegmentKind(in.Kind) {
	case contest.Compulsory, contest.Buzzer, contest.Risk:
	default:
		return fieldErr("kind", "环节类型无效")
	}
	if in.Points < 0 || in.Points > 1000 || in.WrongPenalty < 0 || in.WrongPenalty > 1000 {
		return fieldErr("points", "分值须在0至1000之间")
	}
	if in.Kind == string(contest.Risk) {
		vals := strings.Split(in.RiskValues, ",")
		for _, v := range vals {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n <= 0 || n > 1000 {
				return fieldErr("risk_values", "风险分值须为逗号分隔的正整数，如 10,20,30")
			}
		}
	} else {
		in.RiskValues = ""
	}
	if len([]rune(in.Title)) > 40 {
		return fieldErr("title", "标题过长")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error { return addSegmentTx(ctx, tx, a, id, in) })
}

func addSegmentTx(ctx context.Context, tx *db.Tx, a audit.Actor, id int64, in SegmentInput) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM contest_segments WHERE contest_id = ?`, id).Scan(&n); err != nil {
		return errs.Wrap(err, "segment position")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO contest_segments (contest_id, position, kind, title, points, wrong_penalty, reopen, risk_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, n+1, in.Kind, strings.TrimSpace(in.Title), in.Points, in.WrongPenalty, in.Reopen, strings.ReplaceAll(in.RiskValues, " ", "")); err != nil {
		return errs.Wrap(err, "add segment")
	}
	return audit.Record(ctx, tx, a, "contest.segment.add", target(id), in, audit.OK)
}

// RemoveSegment removes a segment and its questions.
func (s *Store) RemoveSegment(ctx context.Context, a audit.Actor, id int64, pos int) error {
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM contest_segments WHERE contest_id = ? AND position = ?`, id, pos)
		if err != nil {
			return errs.Wrap(err, "remove segment")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("环节")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM contest_questions WHERE contest_id = ? AND segment = ?`, id, pos); err != nil {
			return errs.Wrap(err, "segment questions")
		}
		return audit.Record(ctx, tx, a, "contest.segment.remove", target(id), map[string]int{"segment": pos}, audit.OK)
	})
}

// QuestionInput adds a question to a segment. Options are one per line
// (choice questions); the answer is text for the judges, or letters.
type QuestionInput struct {
	Segment int
	Text    string
	Options string
	Answer  string
	TeamKey string
}

// AddQuestion appends a question to a segment.
func (s *Store) AddQuestion(ctx context.Context, a audit.Actor, id int64, in QuestionInput) error {
	text, err := checkText("text", in.Text, 1000)
	if err != nil {
		return err
	}
	if len([]rune(in.Answer)) > 2000 || len([]rune(in.Options)) > 2000 {
		return fieldErr("answer", "答案或选项过长")
	}
	var opts []string
	for _, o := range strings.Split(in.Options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	if len(opts) > 26 {
		return fieldErr("options", "选项不能超过26个")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		kind, err := contestKind(ctx, tx, id)
		if err != nil {
			return err
		}
		answer := strings.TrimSpace(in.Answer)
		if kind == "quiz" {
			// An online quiz has no segments; its answers are option
			// letters, checked here so the quiz can always start.
			if len(opts) < 2 {
				return fieldErr("options", "线上竞答的题目须有至少2个选项（每行一个）")
			}
			a, ok := NormalizeChoice(answer, len(opts))
			if !ok {
				return fieldErr("answer", "答案须为选项字母，如 B 或 AC")
			}
			return addQuestionTx(ctx, tx, id, 0, text, opts, a, "")
		}
		if answer == "" {
			return fieldErr("answer", "请填写答案")
		}
		if err := checkSegment(ctx, tx, id, in.Segment); err != nil {
			return err
		}
		return addQuestionTx(ctx, tx, id, in.Segment, text, opts, answer, in.TeamKey)
	})
}

func addQuestionTx(ctx context.Context, tx *db.Tx, id int64, seg int, text string, opts []string, answer, team string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM contest_questions WHERE contest_id = ? AND segment = ?`, id, seg).Scan(&n); err != nil {
		return errs.Wrap(err, "question position")
	}
	if opts == nil {
		opts = []string{}
	}
	ob, _ := json.Marshal(opts)
	_, err := tx.Insert(ctx, `INSERT INTO contest_questions (contest_id, segment, position, text, options, answer, team_key) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, seg, n+1, text, string(ob), answer, team)
	return errs.Wrap(err, "add question")
}

// RemoveQuestion removes one question.
func (s *Store) RemoveQuestion(ctx context.Context, a audit.Actor, id, qid int64) error {
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM contest_questions WHERE contest_id = ? AND id = ?`, id, qid)
		if err != nil {
			return errs.Wrap(err, "remove question")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf("题目")
		}
		return audit.Record(ctx, tx, a, "contest.question.remove", target(id), map[string]int64{"question": qid}, audit.OK)
	})
}

// ImportMustKnow adds n questions of the must-know set (应知应会30问) to a
// segment, starting at offset, so the host need not type them. An online
// quiz takes only the set's choice and true/false questions in that range,
// with their answers as option letters; a range without any is refused.
func (s *Store) ImportMustKnow(ctx context.Context, a audit.Actor, id int64, seg, offset, n int) error {
	all := quiz.MustKnow()
	if offset < 0 || offset >= len(all) || n < 1 {
		return fieldErr("count", "题号超出范围（共"+strconv.Itoa(len(all))+"题）")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		kind, err := contestKind(ctx, tx, id)
		if err != nil {
			return err
		}
		if kind == "quiz" {
			seg = 0
		} else if err := checkSegment(ctx, tx, id, seg); err != nil {
			return err
		}
		added := 0
		for _, m := range all[offset:min(offset+n, len(all))] {
			text, opts, answer := bankQuestion(m.Question, kind)
			if kind == "quiz" {
				if _, _, ok := QuizChoice(m.Question); !ok {
					continue
				}
			}
			if err := addQuestionTx(ctx, tx, id, seg, text, opts, answer, ""); err != nil {
				return err
			}
			added++
		}
		if added == 0 {
			return fieldErr("count", "所选范围内没有单选、多选或判断题，线上竞答无法使用")
		}
		return audit.Record(ctx, tx, a, "contest.question.import", target(id), map[string]int{"segment": seg, "offset": offset, "count": n, "added": added}, audit.OK)
	})
}

// SetQuizAnswerTime sets an online quiz's answer time per question.
func (s *Store) SetQuizAnswerTime(ctx context.Context, a audit.Actor, id int64, ms int) error {
	if ms < 5000 || ms > 600000 {
		return fieldErr("answer_s", "每题作答时间须在5至600秒之间")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		kind, err := contestKind(ctx, tx, id)
		if err != nil {
			return err
		}
		if kind != "quiz" {
			return fieldErr("answer_s", "只有线上竞答可以这样设置")
		}
		if _, err := tx.Exec(ctx, `UPDATE contests SET answer_ms = ? WHERE id = ?`, ms, id); err != nil {
			return errs.Wrap(err, "quiz answer time")
		}
		return audit.Record(ctx, tx, a, "contest.rules", target(id), map[string]int{"answer_ms": ms}, audit.OK)
	})
}

// MustKnowText turns a bank question into a contest question: its stem,
// options and the answer as the judges read it.
func MustKnowText(q quiz.Question) (string, []string, string) {
	var parts []string
	for _, l := range q.Answer.Letters {
		i := int(l[0] - 'A')
		if len(l) == 1 && i >= 0 && i < len(q.Options) {
			parts = append(parts, l+"．"+q.Options[i])
		}
	}
	for _, b := range q.Answer.Blanks {
		if len(b) > 0 {
			parts = append(parts, b[0])
		}
	}
	switch {
	case q.Type == quiz.TrueFalse:
		parts = append(parts, quiz.TruthLabel(q.Answer.Truth))
	case q.Answer.Reference != "":
		parts = append(parts, q.Answer.Reference)
	}
	answer := strings.Join(parts, "；")
	if answer == "" {
		answer = q.Explanation
	}
	return q.Stem, q.Options, answer
}

func errorsIsUnique(err error) bool { return errors.Is(err, db.ErrUnique) }

// Rules are the match-wide settings.
type Rules struct {
	AnswerMS    int
	JudgeRule   string
	TieRule     string
	TieWindowMS int
}

// SetRules changes the match-wide settings.
func (s *Store) SetRules(ctx context.Context, a audit.Actor, id int64, r Rules) error {
	if r.AnswerMS < 1000 || r.AnswerMS > 600000 {
		return fieldErr("answer_ms", "答题时间须在1至600秒之间")
	}
	if r.JudgeRule != string(contest.Majority) && r.JudgeRule != string(contest.Unanimous) {
		return fieldErr("judge_rule", "评判规则无效")
	}
	switch contest.TieRule(r.TieRule) {
	case contest.TieFirst, contest.TieDraw, contest.TieReopen:
	default:
		return fieldErr("tie_rule", "同时抢答规则无效")
	}
	if r.TieWindowMS < 1 || r.TieWindowMS > 1000 {
		return fieldErr("tie_window_ms", "并列窗口须在1至1000毫秒之间")
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE contests SET answer_ms = ?, judge_rule = ?, tie_rule = ?, tie_window_ms = ? WHERE id = ?`,
			r.AnswerMS, r.JudgeRule, r.TieRule, r.TieWindowMS, id); err != nil {
			return errs.Wrap(err, "rules")
		}
		return audit.Record(ctx, tx, a, "contest.rules", target(id), r, audit.OK)
	})
}

// StaffRoles reports whether a user is a host or a judge of the contest.
func (s *Store) StaffRoles(ctx context.Context, id, uid int64) (host, judge bool, err error) {
	rows, err := s.db.Query(ctx, `SELECT role FROM contest_staff WHERE contest_id = ? AND user_id = ?`, id, uid)
	if err != nil {
		return false, false, errs.Wrap(err, "staff roles")
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return false, false, errs.Wrap(err, "staff role")
		}
		host = host || r == "host"
		judge = judge || r == "judge"
	}
	return host, judge, errs.Wrap(rows.Err(), "staff roles")
}

// SeedTx is for loaders (the demo): teams, staff by login name, segments and
// questions in one go, inside the caller's transaction.
type SeedTx struct {
	Teams     []TeamInput
	Judges    []StaffInput
	Segments  []SegmentInput
	Questions [][]QuestionInput // per segment, in order
}

// Seed writes a contest's setup inside tx.
func Seed(ctx context.Context, tx *db.Tx, a audit.Actor, id int64, s SeedTx) error {
	for _, t := range s.Teams {
		if err := addTeamTx(ctx, tx, a, id, t.Name, t.Unit, t.Members); err != nil {
			return err
		}
	}
	for _, j := range s.Judges {
		var uid int64
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, j.Username).Scan(&uid); err != nil {
			return errs.Wrap(err, "seed judge "+j.Username)
		}
		if err := addStaffTx(ctx, tx, a, id, uid, j); err != nil {
			return err
		}
	}
	for i, g := range s.Segments {
		if err := addSegmentTx(ctx, tx, a, id, g); err != nil {
			return err
		}
		if i < len(s.Questions) {
			for _, q := range s.Questions[i] {
				var opts []string
				if q.Options != "" {
					opts = strings.Split(q.Options, "\n")
				}
				if err := addQuestionTx(ctx, tx, id, i+1, q.Text, opts, q.Answer, q.TeamKey); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Play runs a scripted match through the engine and writes its log, as if
// it had been played: the demo's finished preliminaries. A buzz without a
// token gets the current one. step is the server time between commands.
func (s *Store) Play(ctx context.Context, id int64, cmds []contest.Command, step time.Duration) error {
	c, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	cfg, err := c.MatchConfig()
	if err != nil {
		return err
	}
	eng, err := contest.New(cfg, c.Seed)
	if err != nil {
		return asErr(err)
	}
	cfgJSON, _ := json.Marshal(cfg)
	var all []contest.Event
	now := time.Duration(0)
	for _, cmd := range cmds {
		now += step
		if cmd.Type == contest.CmdBuzz && cmd.Token == "" {
			if q := eng.State().Question; q != nil {
				cmd.Token = q.Token
			}
		}
		evs, err := eng.Handle(cmd, now)
		if err != nil {
			return asErr(err)
		}
		all = append(all, evs...)
	}
	return s.appendEvents(ctx, id, cfgJSON, string(eng.State().Status), all, "")
}
