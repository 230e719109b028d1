// Package live delivers the contest engine (internal/contest) to people:
// the tables a contest is configured in, the event log, one goroutine per
// running contest (the hub), the WebSocket transport with its fan-out, and
// the broker and lease that let several instances serve one contest.
//
// The rule that everything else rests on: an event is written to the
// database before any screen sees it, so what a screen has shown can always
// be replayed from the log.
package live

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Store reads and writes the contest tables.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// DB is the store's database (the hub writes the log through it).
func (s *Store) DB() *db.DB { return s.db }

// Contest is one match or online quiz with its setup.
type Contest struct {
	ID          int64
	Title       string
	Kind        string // "match" or "quiz"
	Series      string
	Stage       string // "preliminary" or "final"
	Round       int
	AnswerMS    int
	JudgeRule   string
	TieRule     string
	TieWindowMS int
	// Online quiz: points for a right answer, and the most speed points.
	QuizBasePoints, QuizSpeedPoints int
	// Match: a buzz before the buzzers open costs FoulPoints and, with
	// FoulLockOut, the question; remote buzzers' measured delays are
	// subtracted (up to DelayCapMS) with DelayCompensation; MaxDeviceSpreadMS
	// > 0 requires a device check before the start.
	FoulPoints        int
	FoulLockOut       bool
	DelayCompensation bool
	DelayCapMS        int
	MaxDeviceSpreadMS int
	Config            string // frozen config JSON, "" while in setup
	Seed              uint64
	Epoch             time.Time
	Status            string
	CreatedAt         time.Time

	Teams     []Team
	Staff     []Staff
	Segments  []Segment
	Questions []QuestionRow
}

// StageLabel is the Chinese stage name.
func (c Contest) StageLabel() string {
	if c.Stage == "preliminary" {
		return msg.T("live.stage.preliminary", c.Round)
	}
	return msg.T("live.stage.final")
}

// StatusLabel is the Chinese status.
func (c Contest) StatusLabel() string { return contest.Status(c.Status).Label() }

// Frozen reports whether the setup can no longer change (the first event
// has been written).
func (c Contest) Frozen() bool { return c.Config != "" }

// Team is a team of a match.
type Team struct {
	Key      string
	Name     string
	Unit     string
	Members  string
	JoinCode string
	Position int
}

// Staff is a host or judge: a user assigned to the contest.
type Staff struct {
	UserID   int64
	Username string
	Name     string
	Role     string // "host" or "judge"
	Unit     string
	Chief    bool
}

// JudgeKey is the engine's id for a judge user.
func JudgeKey(userID int64) string { return "j" + strconv.FormatInt(userID, 10) }

// Segment is one segment of a match.
type Segment struct {
	Position     int
	Kind         string
	Title        string
	Points       int
	WrongPenalty int
	Reopen       bool
	RiskValues   string
}

// KindLabel is the Chinese segment name.
func (s Segment) KindLabel() string { return contest.SegmentKind(s.Kind).Label() }

// QuestionRow is a question as set up for a contest.
type QuestionRow struct {
	ID       int64
	Segment  int
	Position int
	Text     string
	Options  []string
	Answer   string
	TeamKey  string
	AnswerMS int // quiz: this question's answer time; 0 is the quiz's
}

// AnswerSeconds is the question's own answer time in seconds (0: the quiz's).
func (q QuestionRow) AnswerSeconds() int { return (q.AnswerMS + 999) / 1000 }

// Key is the engine's id for the question.
func (q QuestionRow) Key() string { return "q" + strconv.FormatInt(q.ID, 10) }

// NewContest is what the admin fills in to create a contest.
type NewContest struct {
	Title  string
	Kind   string
	Series string
	Stage  string
	Round  int
}

func (n NewContest) check() error {
	var fe []errs.FieldError
	n.Title = strings.TrimSpace(n.Title)
	if n.Title == "" || len([]rune(n.Title)) > 100 {
		fe = append(fe, errs.FieldError{Field: "title", Reason: msg.T("live.new.title")})
	}
	if n.Kind != "match" && n.Kind != "quiz" {
		fe = append(fe, errs.FieldError{Field: "kind", Reason: msg.T("live.new.kind")})
	}
	if n.Stage != "preliminary" && n.Stage != "final" {
		fe = append(fe, errs.FieldError{Field: "stage", Reason: msg.T("live.new.stage")})
	}
	if n.Round < 0 || n.Round > 99 || (n.Stage == "preliminary" && n.Round < 1) {
		fe = append(fe, errs.FieldError{Field: "round", Reason: msg.T("live.new.round")})
	}
	if len([]rune(n.Series)) > 100 {
		fe = append(fe, errs.FieldError{Field: "series", Reason: msg.T("live.new.series")})
	}
	if fe != nil {
		return errs.E(errs.Invalid, "contest_invalid", msg.T("live.contest_invalid")).WithFields(fe)
	}
	return nil
}

// Create adds a contest in setup. The creating user becomes its host.
func (s *Store) Create(ctx context.Context, a audit.Actor, n NewContest) (int64, error) {
	n.Title = strings.TrimSpace(n.Title)
	n.Series = strings.TrimSpace(n.Series)
	if err := n.check(); err != nil {
		return 0, err
	}
	if n.Stage == "final" {
		n.Round = 0
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = CreateTx(ctx, tx, a, n)
		return err
	})
	return id, err
}

// CreateTx creates a contest inside tx (the demo loader uses it).
func CreateTx(ctx context.Context, tx *db.Tx, a audit.Actor, n NewContest) (int64, error) {
	seed, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return 0, errs.Wrap(err, "seed")
	}
	id, err := tx.Insert(ctx, `INSERT INTO contests (title, kind, series, stage, round, seed, epoch, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.Title, n.Kind, n.Series, n.Stage, n.Round, seed.Int64(), tx.Now, nullUser(a.UserID), tx.Now)
	if err != nil {
		return 0, errs.Wrap(err, "create contest")
	}
	if a.UserID != 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO contest_staff (contest_id, user_id, role) VALUES (?, ?, 'host')`, id, a.UserID); err != nil {
			return 0, errs.Wrap(err, "contest host")
		}
	}
	return id, audit.Record(ctx, tx, a, "contest.create", target(id), n, audit.OK)
}

func nullUser(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func target(id int64) string { return "contest:" + strconv.FormatInt(id, 10) }

const contestCols = `id, title, kind, series, stage, round, answer_ms, judge_rule, tie_rule, tie_window_ms, quiz_base_points, quiz_speed_points, foul_points, foul_lockout, delay_compensation, delay_cap_ms, max_device_spread_ms, config, seed, epoch, status, created_at`

func scanContest(sc interface{ Scan(...any) error }) (Contest, error) {
	var c Contest
	var seed int64
	err := sc.Scan(&c.ID, &c.Title, &c.Kind, &c.Series, &c.Stage, &c.Round, &c.AnswerMS, &c.JudgeRule, &c.TieRule,
		&c.TieWindowMS, &c.QuizBasePoints, &c.QuizSpeedPoints, &c.FoulPoints, &c.FoulLockOut, &c.DelayCompensation, &c.DelayCapMS,
		&c.MaxDeviceSpreadMS, &c.Config, &seed, &c.Epoch, &c.Status, &c.CreatedAt)
	c.Seed = uint64(seed)
	return c, err
}

// List returns every contest, newest series first, in stage and round order.
func (s *Store) List(ctx context.Context) ([]Contest, error) {
	rows, err := s.db.Query(ctx, `SELECT `+contestCols+` FROM contests ORDER BY series, stage DESC, round, id`)
	if err != nil {
		return nil, errs.Wrap(err, "list contests")
	}
	defer rows.Close()
	var out []Contest
	for rows.Next() {
		c, err := scanContest(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan contest")
		}
		out = append(out, c)
	}
	return out, errs.Wrap(rows.Err(), "list contests")
}

// Get loads a contest with its setup.
func (s *Store) Get(ctx context.Context, id int64) (Contest, error) {
	c, err := scanContest(s.db.QueryRow(ctx, `SELECT `+contestCols+` FROM contests WHERE id = ?`, id))
	if db.IsNoRows(err) {
		return c, errs.NotFoundf(msg.T("live.noun.contest"))
	}
	if err != nil {
		return c, errs.Wrap(err, "get contest")
	}
	if c.Teams, err = s.teams(ctx, id); err != nil {
		return c, err
	}
	if c.Staff, err = s.staff(ctx, id); err != nil {
		return c, err
	}
	if c.Segments, err = s.segments(ctx, id); err != nil {
		return c, err
	}
	c.Questions, err = s.questions(ctx, id)
	return c, err
}

func (s *Store) teams(ctx context.Context, id int64) ([]Team, error) {
	rows, err := s.db.Query(ctx, `SELECT team_key, name, unit, members, join_code, position FROM contest_teams WHERE contest_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, errs.Wrap(err, "teams")
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		var t Team
		if err := rows.Scan(&t.Key, &t.Name, &t.Unit, &t.Members, &t.JoinCode, &t.Position); err != nil {
			return nil, errs.Wrap(err, "team")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "teams")
}

func (s *Store) staff(ctx context.Context, id int64) ([]Staff, error) {
	rows, err := s.db.Query(ctx, `SELECT s.user_id, u.username, u.display_name, s.role, s.unit, s.chief
		FROM contest_staff s JOIN users u ON u.id = s.user_id WHERE s.contest_id = ? ORDER BY s.role, s.user_id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "staff")
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.UserID, &st.Username, &st.Name, &st.Role, &st.Unit, &st.Chief); err != nil {
			return nil, errs.Wrap(err, "staff")
		}
		if st.Name == "" {
			st.Name = st.Username
		}
		out = append(out, st)
	}
	return out, errs.Wrap(rows.Err(), "staff")
}

func (s *Store) segments(ctx context.Context, id int64) ([]Segment, error) {
	rows, err := s.db.Query(ctx, `SELECT position, kind, title, points, wrong_penalty, reopen, risk_values FROM contest_segments WHERE contest_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, errs.Wrap(err, "segments")
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		var g Segment
		if err := rows.Scan(&g.Position, &g.Kind, &g.Title, &g.Points, &g.WrongPenalty, &g.Reopen, &g.RiskValues); err != nil {
			return nil, errs.Wrap(err, "segment")
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "segments")
}

func (s *Store) questions(ctx context.Context, id int64) ([]QuestionRow, error) {
	rows, err := s.db.Query(ctx, `SELECT id, segment, position, text, options, answer, team_key, answer_ms FROM contest_questions WHERE contest_id = ? ORDER BY segment, position, id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "questions")
	}
	defer rows.Close()
	var out []QuestionRow
	for rows.Next() {
		var q QuestionRow
		var opts string
		if err := rows.Scan(&q.ID, &q.Segment, &q.Position, &q.Text, &opts, &q.Answer, &q.TeamKey, &q.AnswerMS); err != nil {
			return nil, errs.Wrap(err, "question")
		}
		_ = json.Unmarshal([]byte(opts), &q.Options)
		out = append(out, q)
	}
	return out, errs.Wrap(rows.Err(), "questions")
}

// MatchConfig builds the engine's config from the setup rows, or returns the
// frozen one once the match has events.
func (c Contest) MatchConfig() (contest.Config, error) {
	var cfg contest.Config
	if c.Config != "" {
		if err := json.Unmarshal([]byte(c.Config), &cfg); err != nil {
			return cfg, errs.Wrap(err, "frozen config")
		}
		return cfg, nil
	}
	cfg = contest.Config{
		ID: strconv.FormatInt(c.ID, 10), Stage: c.Stage, Round: c.Round,
		AnswerTime: time.Duration(c.AnswerMS) * time.Millisecond,
		JudgeRule:  contest.JudgeRule(c.JudgeRule), TieRule: contest.TieRule(c.TieRule),
		TieWindow:         time.Duration(c.TieWindowMS) * time.Millisecond,
		DelayCompensation: c.DelayCompensation,
		MaxDeviceSpread:   time.Duration(c.MaxDeviceSpreadMS) * time.Millisecond,
	}
	if c.DelayCompensation {
		cfg.DelayCap = time.Duration(c.DelayCapMS) * time.Millisecond
	}
	for _, t := range c.Teams {
		ct := contest.Team{ID: t.Key, Name: t.Name, Unit: t.Unit}
		for _, m := range strings.Split(t.Members, "\n") {
			if m = strings.TrimSpace(m); m != "" {
				ct.Members = append(ct.Members, m)
			}
		}
		cfg.Teams = append(cfg.Teams, ct)
	}
	for _, st := range c.Staff {
		if st.Role == "judge" {
			cfg.Judges = append(cfg.Judges, contest.Judge{ID: JudgeKey(st.UserID), Name: st.Name, Unit: st.Unit, Chief: st.Chief})
		}
	}
	for _, g := range c.Segments {
		seg := contest.Segment{Kind: contest.SegmentKind(g.Kind), Title: g.Title, Points: g.Points, WrongPenalty: g.WrongPenalty, Reopen: g.Reopen}
		if seg.Kind == contest.Buzzer {
			seg.Foul = &contest.FoulRule{Points: c.FoulPoints, LockOut: c.FoulLockOut}
		}
		for _, v := range strings.Split(g.RiskValues, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				seg.RiskValues = append(seg.RiskValues, n)
			}
		}
		for _, q := range c.Questions {
			if q.Segment == g.Position {
				seg.Questions = append(seg.Questions, contest.Question{ID: q.Key(), Text: q.Text, Options: q.Options, Answer: q.Answer, Team: q.TeamKey})
			}
		}
		cfg.Segments = append(cfg.Segments, seg)
	}
	return cfg, nil
}

// QuizConfig builds an online quiz's config: the questions of all segments
// (choice questions only) and, as participants, every member who has a login
// — the quiz is open to the district's members.
func (s *Store) QuizConfig(ctx context.Context, c Contest) (contest.QuizConfig, error) {
	var cfg contest.QuizConfig
	if c.Config != "" {
		err := json.Unmarshal([]byte(c.Config), &cfg)
		return cfg, errs.Wrap(err, "frozen quiz config")
	}
	cfg = contest.QuizConfig{ID: strconv.FormatInt(c.ID, 10), AnswerTime: time.Duration(c.AnswerMS) * time.Millisecond,
		BasePoints: c.QuizBasePoints, SpeedPoints: c.QuizSpeedPoints}
	for _, q := range c.Questions {
		cfg.Questions = append(cfg.Questions, contest.QuizQuestion{ID: q.Key(), Text: q.Text, Options: q.Options, Answer: q.Answer,
			AnswerTime: time.Duration(q.AnswerMS) * time.Millisecond})
	}
	rows, err := s.db.Query(ctx, `SELECT m.id, m.name, o.name FROM members m JOIN orgs o ON o.id = m.org_id ORDER BY m.id`)
	if err != nil {
		return cfg, errs.Wrap(err, "quiz members")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m contest.QuizMember
		if err := rows.Scan(&id, &m.Name, &m.Unit); err != nil {
			return cfg, errs.Wrap(err, "quiz member")
		}
		m.ID = MemberKey(id)
		cfg.Members = append(cfg.Members, m)
	}
	return cfg, errs.Wrap(rows.Err(), "quiz members")
}

// AnswerSeconds is the answer time in whole seconds, as the setup form
// takes it (rounded up, so a form saved unchanged never shortens it).
func (c Contest) AnswerSeconds() int { return (c.AnswerMS + 999) / 1000 }

// MemberKey is the quiz's id for a member.
func MemberKey(memberID int64) string { return "m" + strconv.FormatInt(memberID, 10) }

// Events loads a contest's log in order.
func (s *Store) Events(ctx context.Context, id int64) ([]contest.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT body FROM contest_events WHERE contest_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, errs.Wrap(err, "events")
	}
	defer rows.Close()
	var out []contest.Event
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, errs.Wrap(err, "event")
		}
		ev, err := contest.DecodeEvent([]byte(body))
		if err != nil {
			return nil, errs.Wrap(err, "decode event")
		}
		out = append(out, ev)
	}
	return out, errs.Wrap(rows.Err(), "events")
}

// ErrNotOwner is returned when an append finds the contest's lease held by
// another instance, or by nobody: this instance must stop writing.
var ErrNotOwner = errors.New("live: contest owned by another instance")

// appendEvents writes events in one transaction, freezing the config with
// the first event and keeping the status column in step. The unique key
// (contest_id, seq) makes a second writer fail instead of forking the log.
func (s *Store) appendEvents(ctx context.Context, id int64, cfgJSON []byte, status string, evs []contest.Event, owner string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if owner != "" {
			if err := checkLease(ctx, tx, id, owner); err != nil {
				return err
			}
		}
		for _, ev := range evs {
			body, err := contest.EncodeEvent(ev)
			if err != nil {
				return errs.Wrap(err, "encode event")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO contest_events (contest_id, seq, at_ns, body) VALUES (?, ?, ?, ?)`, id, ev.Seq, int64(ev.At), string(body)); err != nil {
				return errs.Wrap(err, "append event")
			}
			if ev.Type == contest.EvQuizAnswered {
				if _, err := tx.Exec(ctx, `INSERT INTO contest_quiz_answers (contest_id, question, member_id, seq) VALUES (?, ?, ?, ?)`,
					id, quizQuestionOf(ev), memberIDOf(ev.Member), ev.Seq); err != nil {
					return errs.Wrap(err, "quiz answer")
				}
			}
		}
		if cfgJSON != nil {
			if _, err := tx.Exec(ctx, `UPDATE contests SET config = ? WHERE id = ? AND config = ''`, string(cfgJSON), id); err != nil {
				return errs.Wrap(err, "freeze config")
			}
		}
		_, err := tx.Exec(ctx, `UPDATE contests SET status = ? WHERE id = ? AND status <> ?`, status, id, status)
		return errs.Wrap(err, "contest status")
	})
}

func memberIDOf(key string) int64 {
	n, _ := strconv.ParseInt(strings.TrimPrefix(key, "m"), 10, 64)
	return n
}

// quizQuestionOf is the question an answer belongs to: the token's prefix
// (tokens are "<question id>.<seq>").
func quizQuestionOf(ev contest.Event) string {
	if ev.Question != "" {
		return ev.Question
	}
	q, _, _ := strings.Cut(ev.Token, ".")
	return q
}

// TeamByCode finds the team a buzzer's join code belongs to.
func (s *Store) TeamByCode(ctx context.Context, contestID int64, code string) (Team, error) {
	var t Team
	err := s.db.QueryRow(ctx, `SELECT team_key, name, unit, members, join_code, position FROM contest_teams WHERE contest_id = ? AND join_code = ?`,
		contestID, strings.ToUpper(strings.TrimSpace(code))).Scan(&t.Key, &t.Name, &t.Unit, &t.Members, &t.JoinCode, &t.Position)
	if db.IsNoRows(err) {
		return t, errs.E(errs.Forbidden, "join_code", msg.T("live.join_code"))
	}
	return t, errs.Wrap(err, "team by code")
}

// newJoinCode is 6 characters from an alphabet without look-alikes, easy to
// type from a projected screen.
func newJoinCode() (string, error) {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 6)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b), nil
}
