package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
	"xuejiangping/internal/org"
)

// QuizShape is the online quiz the load generator plays.
type QuizShape struct {
	Members    int // member phones
	Questions  int
	AnswerTime time.Duration
}

// quizBranches is how many branches the generated members are spread over.
const quizBranches = 20

// unusableHash is stored as the generated members' password: it is not an
// argon2 hash, so no password ever matches it and they can only come in
// through the sessions the generator writes.
const unusableHash = "!loadtest"

// QuizSetup is an online quiz ready to play.
type QuizSetup struct {
	ContestID  int64
	Host       Login
	Members    []QuizPhone
	Answers    map[string]string // question id → right letter
	Options    int               // options per question
	AnswerTime time.Duration
}

// QuizPhone is one member's phone: the quiz's key for the member and the
// session cookie it connects with.
type QuizPhone struct {
	MemberID int64
	Key      string // "m" + member id, as the quiz names members
	Cookie   string // "xjp_session=…"
}

// PrepareQuiz writes an online quiz straight into the server's database:
// the members (created once in the branches 压测支部01…, under the district,
// and reused on later runs), a fresh login session for each (logging ten
// thousand phones in through argon2 would take minutes), the host account
// and a new quiz with questions whose answers are known.
func PrepareQuiz(ctx context.Context, d *db.DB, sh QuizShape) (QuizSetup, error) {
	var s QuizSetup
	if sh.Members < 1 || sh.Questions < 1 {
		return s, fmt.Errorf("竞答至少需要一名党员和一道题")
	}
	if sh.AnswerTime < time.Second {
		return s, fmt.Errorf("每题作答时间至少 1 秒")
	}
	host, err := staffAccount(ctx, d, "loadtest-host", "压测主持人")
	if err != nil {
		return s, err
	}
	s.Host, s.AnswerTime = host, sh.AnswerTime
	err = d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		s.Members, err = quizMembers(ctx, tx, sh.Members)
		if err != nil {
			return err
		}
		return newSessions(ctx, tx, s.Members)
	})
	if err != nil {
		return s, err
	}
	if err := createQuiz(ctx, d, sh, &s); err != nil {
		return s, err
	}
	return s, nil
}

// quizMembers returns n generated members with their user accounts,
// creating the branches, members and accounts that are missing.
func quizMembers(ctx context.Context, tx *db.Tx, n int) ([]QuizPhone, error) {
	var root int64
	err := tx.QueryRow(ctx, `SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&root)
	if db.IsNoRows(err) {
		return nil, fmt.Errorf("数据库中没有组织（区），请先初始化服务器")
	}
	if err != nil {
		return nil, errs.Wrap(err, "root org")
	}
	branches := make([]int64, quizBranches)
	for i := range branches {
		name := fmt.Sprintf("压测支部%02d", i+1)
		err := tx.QueryRow(ctx, `SELECT id FROM orgs WHERE parent_id = ? AND name = ?`, root, name).Scan(&branches[i])
		if db.IsNoRows(err) {
			branches[i], err = org.InsertChild(ctx, tx, root, name, org.Branch, 900+i)
		}
		if err != nil {
			return nil, errs.Wrap(err, "loadtest branch")
		}
	}
	// Existing generated members, with their account if they have one.
	in := strings.TrimSuffix(strings.Repeat("?,", len(branches)), ",")
	args := make([]any, len(branches))
	for i, b := range branches {
		args[i] = b
	}
	rows, err := tx.Query(ctx, `SELECT m.id, COALESCE(u.id, 0) FROM members m LEFT JOIN users u ON u.member_id = m.id
		WHERE m.org_id IN (`+in+`) ORDER BY m.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "loadtest members")
	}
	type pair struct{ member, user int64 }
	var have []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.member, &p.user); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "loadtest member")
		}
		have = append(have, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "loadtest members")
	}
	for i := len(have); i < n; i++ {
		id, err := org.InsertMember(ctx, tx, org.MemberInput{OrgID: branches[i%len(branches)], Name: fmt.Sprintf("压测党员%05d", i+1)})
		if err != nil {
			return nil, err
		}
		have = append(have, pair{member: id})
	}
	out := make([]QuizPhone, 0, n)
	for _, p := range have[:n] {
		if p.user == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, must_change, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				fmt.Sprintf("loadtest-m%d", p.member), "压测党员", unusableHash, p.member, false, tx.Now); err != nil {
				return nil, errs.Wrap(err, "loadtest user")
			}
		}
		out = append(out, QuizPhone{MemberID: p.member, Key: live.MemberKey(p.member)})
	}
	return out, nil
}

// newSessions ends the generated members' old sessions and opens one per
// phone, stored as the server stores them: the SHA-256 of the cookie token.
func newSessions(ctx context.Context, tx *db.Tx, phones []QuizPhone) error {
	if _, err := tx.Exec(ctx, `DELETE FROM login_sessions WHERE user_id IN (SELECT id FROM users WHERE username LIKE 'loadtest-m%' AND password_hash = ?)`, unusableHash); err != nil {
		return errs.Wrap(err, "old loadtest sessions")
	}
	now := time.Now().UTC()
	for i := range phones {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token := base64.RawURLEncoding.EncodeToString(b)
		if _, err := tx.Exec(ctx, `INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen, ip, user_agent)
			SELECT ?, id, ?, ?, ?, ? FROM users WHERE member_id = ?`, auth.HashToken(token), now, now, "", "loadtest", phones[i].MemberID); err != nil {
			return errs.Wrap(err, "loadtest session")
		}
		phones[i].Cookie = "xjp_session=" + token
	}
	return nil
}

// quizLetters are the options every generated question has.
const quizLetters = "ABCD"

// createQuiz adds the quiz, its host and its questions; the right answer
// of question k is letter k mod 4, so a run covers every letter.
func createQuiz(ctx context.Context, d *db.DB, sh QuizShape, s *QuizSetup) error {
	store := live.NewStore(d)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		title := "线上竞答压力测试 " + time.Now().Format("01-02 15:04:05")
		id, err := live.CreateTx(ctx, tx, audit.System, live.NewContest{Title: title, Kind: "quiz", Series: "压力测试", Stage: "final"})
		if err != nil {
			return err
		}
		s.ContestID = id
		if err := live.Seed(ctx, tx, audit.System, id, live.SeedTx{Judges: []live.StaffInput{{Username: s.Host.Username, Role: "host"}}}); err != nil {
			return err
		}
		// Written directly: the setup page's 5 s minimum would make the
		// package's own test slow.
		_, err = tx.Exec(ctx, `UPDATE contests SET answer_ms = ? WHERE id = ?`, sh.AnswerTime.Milliseconds(), id)
		return errs.Wrap(err, "answer time")
	})
	if err != nil {
		return err
	}
	opts := make([]string, len(quizLetters))
	for i := range opts {
		opts[i] = fmt.Sprintf("选项%c", quizLetters[i])
	}
	for k := range sh.Questions {
		in := live.QuestionInput{Text: fmt.Sprintf("压测第%d题：以下哪一项正确？", k+1), Options: strings.Join(opts, "\n"),
			Answer: string(quizLetters[(k+1)%len(quizLetters)])}
		if err := store.AddQuestion(ctx, audit.System, s.ContestID, in); err != nil {
			return err
		}
	}
	c, err := store.Get(ctx, s.ContestID)
	if err != nil {
		return err
	}
	s.Answers, s.Options = map[string]string{}, len(quizLetters)
	for _, q := range c.Questions {
		s.Answers[q.Key()] = q.Answer
	}
	return nil
}
