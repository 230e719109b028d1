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
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

// setupTx runs a setup change: refused once the match has events, so the
// frozen config and the setup rows never disagree.
func (s *Store) setupTx(ctx context.Context, id int64, fn func(tx *db.Tx) error) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var cfg string
		err := tx.QueryRow(ctx, `SELECT config FROM contests WHERE id = ?`+tx.ForUpdate(), id).Scan(&cfg)
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("live.noun.contest"))
		}
		if err != nil {
			return errs.Wrap(err, "contest")
		}
		if cfg != "" {
			return errs.E(errs.Conflict, "contest_frozen", msg.T("live.contest_frozen"))
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
		return "", fieldErr(field, msg.T("live.text.length", max))
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
		return fieldErr("unit", msg.T("live.team.tooLong"))
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
			return errs.NotFoundf(msg.T("live.noun.team"))
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
			return errs.NotFoundf(msg.T("live.noun.team"))
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
		return fieldErr("role", msg.T("live.staff.badRole"))
	}
	if len([]rune(in.Unit)) > 60 {
		return fieldErr("unit", msg.T("live.staff.unitTooLong"))
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		var uid int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ? AND NOT disabled`, strings.TrimSpace(in.Username)).Scan(&uid)
		if db.IsNoRows(err) {
			return fieldErr("username", msg.T("live.noSuchUser"))
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
		return fieldErr("username", msg.T("live.staff.listed"))
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
			return errs.NotFoundf(msg.T("live.noun.staff"))
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
		return fieldErr("kind", msg.T("live.segment.badKind"))
	}
	if in.Points < 0 || in.Points > 1000 || in.WrongPenalty < 0 || in.WrongPenalty > 1000 {
		return fieldErr("points", msg.T("live.segment.badPoints"))
	}
	if in.Kind == string(contest.Risk) {
		vals := strings.Split(in.RiskValues, ",")
		for _, v := range vals {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n <= 0 || n > 1000 {
				return fieldErr("risk_values", msg.T("live.segment.badRisk"))
			}
		}
	} else {
		in.RiskValues = ""
	}
	if len([]rune(in.Title)) > 40 {
		return fieldErr("title", msg.T("live.segment.titleTooLong"))
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
			return errs.NotFoundf(msg.T("live.noun.segment"))
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
	AnswerS int // quiz: this question's own answer time in seconds; 0 for the quiz's
}

// AddQuestion appends a question to a segment.
func (s *Store) AddQuestion(ctx context.Context, a audit.Actor, id int64, in QuestionInput) error {
	text, err := checkText("text", in.Text, 1000)
	if err != nil {
		return err
	}
	if len([]rune(in.Answer)) > 2000 || len([]rune(in.Options)) > 2000 {
		return fieldErr("answer", msg.T("live.question.tooLong"))
	}
	var opts []string
	for _, o := range strings.Split(in.Options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	if len(opts) > 26 {
		return fieldErr("options", msg.T("live.question.tooManyOptions"))
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
				return fieldErr("options", msg.T("live.question.fewOptions"))
			}
			a, ok := NormalizeChoice(answer, len(opts))
			if !ok {
				return fieldErr("answer", msg.T("live.question.answerLetters"))
			}
			if in.AnswerS != 0 && (in.AnswerS < quizMinAnswerS || in.AnswerS > quizMaxAnswerS) {
				return fieldErr("answer_s", msg.T("live.quiz.badAnswerTime"))
			}
			return addQuestionTx(ctx, tx, id, 0, text, opts, a, "", in.AnswerS*1000)
		}
		if answer == "" {
			return fieldErr("answer", msg.T("live.question.noAnswer"))
		}
		if err := checkSegment(ctx, tx, id, in.Segment); err != nil {
			return err
		}
		return addQuestionTx(ctx, tx, id, in.Segment, text, opts, answer, in.TeamKey, 0)
	})
}

func addQuestionTx(ctx context.Context, tx *db.Tx, id int64, seg int, text string, opts []string, answer, team string, answerMS int) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) FROM contest_questions WHERE contest_id = ? AND segment = ?`, id, seg).Scan(&n); err != nil {
		return errs.Wrap(err, "question position")
	}
	if opts == nil {
		opts = []string{}
	}
	ob, _ := json.Marshal(opts)
	_, err := tx.Insert(ctx, `INSERT INTO contest_questions (contest_id, segment, position, text, options, answer, team_key, answer_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, seg, n+1, text, string(ob), answer, team, answerMS)
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
			return errs.NotFoundf(msg.T("live.noun.question"))
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
		return fieldErr("count", msg.T("live.mustknow.range", len(all)))
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
			if err := addQuestionTx(ctx, tx, id, seg, text, opts, answer, "", 0); err != nil {
				return err
			}
			added++
		}
		if added == 0 {
			return fieldErr("count", msg.T("live.mustknow.noChoice"))
		}
		return audit.Record(ctx, tx, a, "contest.question.import", target(id), map[string]int{"segment": seg, "offset": offset, "count": n, "added": added}, audit.OK)
	})
}

// Limits of an online quiz's rules.
const (
	quizMinAnswerS, quizMaxAnswerS = 5, 600
	quizMaxPoints                  = 100
)

// QuizRules are an online quiz's settings: the answer time of a question
// (unless it has its own), the points for a right answer, and the most
// speed points (for an answer the instant the question opens, falling to
// 0 at the deadline).
type QuizRules struct {
	AnswerMS    int
	BasePoints  int
	SpeedPoints int
}

// SetQuizRules saves a quiz's rules; bad values are refused with the field
// and a reason, and nothing changes.
func (s *Store) SetQuizRules(ctx context.Context, a audit.Actor, id int64, r QuizRules) error {
	var fe []errs.FieldError
	if r.AnswerMS < quizMinAnswerS*1000 || r.AnswerMS > quizMaxAnswerS*1000 {
		fe = append(fe, errs.FieldError{Field: "answer_s", Reason: msg.T("live.quiz.badAnswerTime")})
	}
	if r.BasePoints < 1 || r.BasePoints > quizMaxPoints {
		fe = append(fe, errs.FieldError{Field: "base_points", Reason: msg.T("live.quiz.badBasePoints", quizMaxPoints)})
	}
	if r.SpeedPoints < 1 || r.SpeedPoints > quizMaxPoints {
		fe = append(fe, errs.FieldError{Field: "speed_points", Reason: msg.T("live.quiz.badSpeedPoints", quizMaxPoints)})
	}
	if len(fe) > 0 {
		return errs.E(errs.Invalid, "contest_setup_invalid", fe[0].Reason).WithFields(fe)
	}
	ms := r.AnswerMS
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		kind, err := contestKind(ctx, tx, id)
		if err != nil {
			return err
		}
		if kind != "quiz" {
			return fieldErr("answer_s", msg.T("live.quiz.onlyQuiz"))
		}
		if _, err := tx.Exec(ctx, `UPDATE contests SET answer_ms = ?, quiz_base_points = ?, quiz_speed_points = ? WHERE id = ?`,
			ms, r.BasePoints, r.SpeedPoints, id); err != nil {
			return errs.Wrap(err, "quiz rules")
		}
		return audit.Record(ctx, tx, a, "contest.rules", target(id),
			map[string]int{"answer_ms": ms, "base_points": r.BasePoints, "speed_points": r.SpeedPoints}, audit.OK)
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
	// A buzz before the buzzers open: points off, and locked out of the question.
	FoulPoints  int
	FoulLockOut bool
	// Remote buzzers: subtract each device's measured delay, at most
	// DelayCapMS (0: the engine's default, 150 ms).
	DelayCompensation bool
	DelayCapMS        int
	// The device check before the start: the buzzers' delays may differ by
	// at most this much (0: no check required).
	MaxDeviceSpreadMS int
}

// SetRules changes the match-wide settings.
func (s *Store) SetRules(ctx context.Context, a audit.Actor, id int64, r Rules) error {
	if r.AnswerMS < 1000 || r.AnswerMS > 600000 {
		return fieldErr("answer_ms", msg.T("live.rules.badAnswerTime"))
	}
	if r.JudgeRule != string(contest.Majority) && r.JudgeRule != string(contest.Unanimous) {
		return fieldErr("judge_rule", msg.T("live.rules.badJudge"))
	}
	switch contest.TieRule(r.TieRule) {
	case contest.TieFirst, contest.TieDraw, contest.TieReopen:
	default:
		return fieldErr("tie_rule", msg.T("live.rules.badTie"))
	}
	if r.TieWindowMS < 1 || r.TieWindowMS > 1000 {
		return fieldErr("tie_window_ms", msg.T("live.rules.badTieWindow"))
	}
	if r.DelayCapMS == 0 {
		r.DelayCapMS = int(contest.DefaultDelayCap / time.Millisecond)
	}
	if r.FoulPoints < 0 || r.FoulPoints > 1000 {
		return fieldErr("foul_points", msg.T("live.rules.badFoulPoints"))
	}
	if r.DelayCapMS < 1 || r.DelayCapMS > 500 {
		return fieldErr("delay_cap_ms", msg.T("live.rules.badDelayCap"))
	}
	if r.MaxDeviceSpreadMS < 0 || r.MaxDeviceSpreadMS > 1000 {
		return fieldErr("max_device_spread_ms", msg.T("live.rules.badDeviceSpread"))
	}
	return s.setupTx(ctx, id, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE contests SET answer_ms = ?, judge_rule = ?, tie_rule = ?, tie_window_ms = ?,
			foul_points = ?, foul_lockout = ?, delay_compensation = ?, delay_cap_ms = ?, max_device_spread_ms = ? WHERE id = ?`,
			r.AnswerMS, r.JudgeRule, r.TieRule, r.TieWindowMS,
			r.FoulPoints, r.FoulLockOut, r.DelayCompensation, r.DelayCapMS, r.MaxDeviceSpreadMS, id); err != nil {
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
				if err := addQuestionTx(ctx, tx, id, i+1, q.Text, opts, q.Answer, q.TeamKey, 0); err != nil {
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
