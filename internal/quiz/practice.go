package quiz

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Practice kinds.
const (
	KindDaily     = "daily"
	KindSet       = "set"
	KindWrongBook = "wrongbook"
	KindMock      = "mock"
)

// Practice sizes. Nothing here is a quota: a member practises when they
// like, as much as they like.
const (
	DailyCount    = 10
	MaxPractice   = 50
	MockDuration  = 20 * time.Minute
	mockGrace     = DefaultGrace
	historyWindow = 2000 // the newest answers that weak tags and the book are derived from
)

// mockCounts is the mock exam's paper, cut down to what the bank holds.
var mockCounts = map[Type]int{Single: 10, Multiple: 5, TrueFalse: 5, Blank: 5}

// KindLabel is the Chinese name of a practice kind.
func KindLabel(kind string) string {
	switch kind {
	case KindDaily:
		return msg.T("quiz.kindLabel.kindDaily")
	case KindSet:
		return msg.T("quiz.kindLabel.kindSet")
	case KindWrongBook:
		return msg.T("quiz.kindLabel.kindWrongBook")
	case KindMock:
		return msg.T("quiz.kindLabel.kindMock")
	}
	return kind
}

// PaperItem is one question of a paper as one person sees it.
type PaperItem struct {
	QID int64  `json:"q"`
	Map string `json:"m,omitempty"` // Mapping.String(); empty for no shuffle
}

// Session is one practice session.
type Session struct {
	ID         int64       `json:"id"`
	MemberID   int64       `json:"-"`
	Kind       string      `json:"kind"`
	KindLabel  string      `json:"kind_label"`
	SetID      *int64      `json:"set_id,omitempty"`
	SetName    string      `json:"set_name,omitempty"`
	Items      []PaperItem `json:"-"`
	StartedAt  time.Time   `json:"started_at"`
	Deadline   *time.Time  `json:"deadline,omitempty"`
	FinishedAt *time.Time  `json:"finished_at,omitempty"`
	Correct    int         `json:"correct"`
	Answered   int         `json:"answered"`
	Total      int         `json:"total"`
}

// SessionView is a session with its questions; answered ones carry the
// right answer and the explanation, unanswered ones nothing of the kind.
type SessionView struct {
	Session
	Questions []Shown `json:"questions"`
	Done      bool    `json:"done"`
	TimeLeft  int     `json:"time_left_seconds,omitempty"`
}

func requireMember(p *auth.Principal) error {
	if p == nil || p.MemberID == 0 {
		return errs.E(errs.Forbidden, "not_member", msg.T("quiz.not_member"))
	}
	return nil
}

// practiceSeed varies with the member, the day and how many sessions they
// began today, so a second daily practice is not the first one again.
func practiceSeed(memberID int64, day string, n int) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(strconv.FormatInt(memberID, 10) + "|" + day + "|" + strconv.Itoa(n)))
	return h.Sum64()
}

// StartPractice draws a session of the given kind for the member.
func (s *Service) StartPractice(ctx context.Context, p *auth.Principal, kind string, setID int64, n int) (int64, error) {
	if err := requireMember(p); err != nil {
		return 0, err
	}
	if n <= 0 {
		n = DailyCount
	}
	if n > MaxPractice {
		return 0, errs.E(errs.Invalid, "invalid_count", msg.T("quiz.invalid_count", MaxPractice))
	}
	now := s.now()
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var today int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice_sessions WHERE member_id = ? AND started_at >= ?`,
			p.MemberID, now.Truncate(24*time.Hour)).Scan(&today); err != nil {
			return errs.Wrap(err, "practice count")
		}
		seed := practiceSeed(p.MemberID, now.Format("2006-01-02"), today)
		qs, deadline, err := s.drawPractice(ctx, tx, p.MemberID, kind, setID, n, seed, now)
		if err != nil {
			return err
		}
		items := shuffleItems(qs, rand.New(rand.NewPCG(seed, 0x73_68_66)))
		var set any
		if kind == KindSet {
			set = setID
		}
		id, err = tx.Insert(ctx, `INSERT INTO practice_sessions (member_id, kind, set_id, paper, started_at, deadline) VALUES (?, ?, ?, ?, ?, ?)`,
			p.MemberID, kind, set, mustJSON(items), now, deadline)
		if err != nil {
			return errs.Wrap(err, "insert practice")
		}
		return audit.Record(ctx, tx, p.Actor(), "practice.start", "practice:"+strconv.FormatInt(id, 10), map[string]any{"kind": kind, "questions": len(items)}, audit.OK)
	})
	return id, err
}

func (s *Service) drawPractice(ctx context.Context, tx *db.Tx, memberID int64, kind string, setID int64, n int, seed uint64, now time.Time) ([]Question, *time.Time, error) {
	switch kind {
	case KindDaily:
		bank, hist, err := bankAndHistory(ctx, tx, memberID)
		if err != nil {
			return nil, nil, err
		}
		qs, err := DailyPractice(bank, hist, n, seed)
		if err == nil && len(qs) == 0 {
			err = errs.E(errs.Unprocessable, "empty_bank", msg.T("quiz.empty_bank"))
		}
		return qs, nil, err
	case KindSet:
		qs, err := setQuestions(ctx, tx, setID)
		qs = slices.DeleteFunc(qs, func(q Question) bool { return q.Type == Short || q.Retired })
		if err == nil && len(qs) == 0 {
			err = errs.E(errs.Unprocessable, "empty_set", msg.T("quiz.empty_set"))
		}
		return qs, nil, err
	case KindWrongBook:
		return dueQuestions(ctx, tx, memberID, n, now)
	case KindMock:
		bank, err := loadBank(ctx, tx)
		if err != nil {
			return nil, nil, err
		}
		counts := map[Type]int{}
		for _, q := range bank {
			if counts[q.Type] < mockCounts[q.Type] {
				counts[q.Type]++
			}
		}
		paper, err := Draw(bank, Spec{Counts: counts, Seed: seed})
		if err != nil {
			return nil, nil, err
		}
		d := now.Add(MockDuration)
		return paper.Questions, &d, nil
	}
	return nil, nil, errs.E(errs.Invalid, "invalid_kind", msg.T("quiz.invalid_kind"))
}

func dueQuestions(ctx context.Context, tx *db.Tx, memberID int64, n int, now time.Time) ([]Question, *time.Time, error) {
	hist, err := history(ctx, tx, memberID)
	if err != nil {
		return nil, nil, err
	}
	due := Due(hist, now)
	if len(due) == 0 {
		return nil, nil, errs.E(errs.Unprocessable, "nothing_due", msg.T("quiz.nothing_due"))
	}
	ids := make([]int64, 0, len(due))
	for _, e := range due[:min(n, len(due))] {
		ids = append(ids, e.QuestionID)
	}
	byID, err := loadByID(ctx, tx, ids)
	var qs []Question
	for _, id := range ids {
		if q, ok := byID[id]; ok && !q.Retired {
			qs = append(qs, q)
		}
	}
	if err == nil && len(qs) == 0 {
		err = errs.E(errs.Unprocessable, "nothing_due", msg.T("quiz.nothing_due"))
	}
	return qs, nil, err
}

// shuffleItems shows the options of each choice question in a random order.
func shuffleItems(qs []Question, rng *rand.Rand) []PaperItem {
	items := make([]PaperItem, len(qs))
	for i, q := range qs {
		_, m := Shuffle(q, rng)
		items[i] = PaperItem{QID: q.ID, Map: m.String()}
	}
	return items
}

func bankAndHistory(ctx context.Context, q db.Querier, memberID int64) ([]Question, []Event, error) {
	bank, err := loadBank(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	hist, err := history(ctx, q, memberID)
	return bank, hist, err
}

// history is the member's practice answers, oldest first.
func history(ctx context.Context, q db.Querier, memberID int64) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT question_id, correct, answered_at FROM practice_answers WHERE member_id = ?
		ORDER BY answered_at DESC LIMIT `+strconv.Itoa(historyWindow), memberID)
	if err != nil {
		return nil, errs.Wrap(err, "history")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at any
		if err := rows.Scan(&e.QuestionID, &e.Correct, &at); err != nil {
			return nil, errs.Wrap(err, "history")
		}
		e.At = asTime(at)
		out = append(out, e)
	}
	slices.Reverse(out)
	return out, errs.Wrap(rows.Err(), "history")
}

const sessionCols = `s.id, s.member_id, s.kind, s.set_id, COALESCE(qs.name, ''), s.paper, s.started_at, s.deadline, s.finished_at, s.correct, s.answered`

func scanSession(r scanner) (Session, error) {
	var x Session
	var paper string
	var started, deadline, finished any
	if err := r.Scan(&x.ID, &x.MemberID, &x.Kind, &x.SetID, &x.SetName, &paper, &started, &deadline, &finished, &x.Correct, &x.Answered); err != nil {
		return x, err
	}
	x.StartedAt = asTime(started)
	if deadline != nil {
		t := asTime(deadline)
		x.Deadline = &t
	}
	if finished != nil {
		t := asTime(finished)
		x.FinishedAt = &t
	}
	x.KindLabel = KindLabel(x.Kind)
	if err := json.Unmarshal([]byte(paper), &x.Items); err != nil {
		return x, err
	}
	x.Total = len(x.Items)
	return x, nil
}

// loadSession loads a session of the member's; anyone else's is not found.
func loadSession(ctx context.Context, q db.Querier, id, memberID int64, lock string) (Session, error) {
	if lock != "" {
		lock += " OF s" // PostgreSQL locks only the session row, not the outer-joined set
	}
	x, err := scanSession(q.QueryRow(ctx, `SELECT `+sessionCols+` FROM practice_sessions s LEFT JOIN question_sets qs ON qs.id = s.set_id
		WHERE s.id = ? AND s.member_id = ?`+lock, id, memberID))
	if db.IsNoRows(err) {
		return x, errs.NotFoundf(msg.T("quiz.noun.practice"))
	}
	return x, errs.Wrap(err, "session")
}

type storedResponse struct {
	QID      int64
	Response Response
	Correct  bool
}

func sessionAnswers(ctx context.Context, q db.Querier, id int64) (map[int64]storedResponse, error) {
	rows, err := q.Query(ctx, `SELECT question_id, response, correct FROM practice_answers WHERE session_id = ?`, id)
	if err != nil {
		return nil, errs.Wrap(err, "answers")
	}
	defer rows.Close()
	out := map[int64]storedResponse{}
	for rows.Next() {
		var r storedResponse
		var raw string
		if err := rows.Scan(&r.QID, &raw, &r.Correct); err != nil {
			return nil, errs.Wrap(err, "answers")
		}
		if err := json.Unmarshal([]byte(raw), &r.Response); err != nil {
			return nil, errs.Wrap(err, "answers")
		}
		out[r.QID] = r
	}
	return out, errs.Wrap(rows.Err(), "answers")
}

// Practice returns one of the member's sessions.
func (s *Service) Practice(ctx context.Context, p *auth.Principal, id int64) (SessionView, error) {
	if err := requireMember(p); err != nil {
		return SessionView{}, err
	}
	x, err := loadSession(ctx, s.DB, id, p.MemberID, "")
	if err != nil {
		return SessionView{}, err
	}
	return s.viewSession(ctx, s.DB, x)
}

func (s *Service) viewSession(ctx context.Context, q db.Querier, x Session) (SessionView, error) {
	ids := make([]int64, len(x.Items))
	for i, it := range x.Items {
		ids[i] = it.QID
	}
	byID, err := loadByID(ctx, q, ids)
	if err != nil {
		return SessionView{}, err
	}
	answers, err := sessionAnswers(ctx, q, x.ID)
	if err != nil {
		return SessionView{}, err
	}
	v := SessionView{Session: x, Done: x.FinishedAt != nil}
	if x.Deadline != nil && !v.Done {
		v.TimeLeft = int(max(x.Deadline.Sub(s.now()), 0) / time.Second)
	}
	for i, it := range x.Items {
		qn, ok := byID[it.QID]
		if !ok {
			continue
		}
		m, _ := ParseMapping(it.Map)
		sh := show(i+1, qn, m)
		if a, ok := answers[it.QID]; ok {
			sh.reveal(qn, m, a.Response, s.Rules.GradeShown(qn, a.Response, m))
		}
		v.Questions = append(v.Questions, sh)
	}
	return v, nil
}

// AnswerPractice grades answers to questions of the session. Each question
// is answered once; finish (or answering the last one) closes the session.
// A mock exam past its time refuses the whole submission.
func (s *Service) AnswerPractice(ctx context.Context, p *auth.Principal, id int64, answers map[int64]Response, finish bool) (SessionView, error) {
	if err := requireMember(p); err != nil {
		return SessionView{}, err
	}
	var out SessionView
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		x, err := loadSession(ctx, tx, id, p.MemberID, tx.ForUpdate())
		if err != nil {
			return err
		}
		if err := s.checkPracticeOpen(x, now); err != nil {
			return err
		}
		done, err := sessionAnswers(ctx, tx, id)
		if err != nil {
			return err
		}
		correct, err := s.gradePractice(ctx, tx, x, done, answers, now)
		if err != nil {
			return err
		}
		answered := x.Answered + len(answers)
		var fin any
		if finish || answered >= len(x.Items) {
			fin = now
		}
		if _, err := tx.Exec(ctx, `UPDATE practice_sessions SET answered = ?, correct = ?, finished_at = ? WHERE id = ?`,
			answered, x.Correct+correct, fin, id); err != nil {
			return errs.Wrap(err, "update practice")
		}
		if err := audit.Record(ctx, tx, p.Actor(), "practice.answer", "practice:"+strconv.FormatInt(id, 10),
			map[string]any{"answered": len(answers), "correct": correct}, audit.OK); err != nil {
			return err
		}
		x, err = loadSession(ctx, tx, id, p.MemberID, "")
		if err != nil {
			return err
		}
		out, err = s.viewSession(ctx, tx, x)
		return err
	})
	return out, err
}

func (s *Service) checkPracticeOpen(x Session, now time.Time) error {
	switch {
	case x.FinishedAt != nil:
		return errs.E(errs.Conflict, "finished", msg.T("quiz.finished"))
	case x.Deadline != nil && now.After(x.Deadline.Add(mockGrace)):
		return errs.E(errs.Unprocessable, "closed", msg.T("quiz.closed", x.Deadline.In(cst).Format(timeLayout)))
	}
	return nil
}

var cst = time.FixedZone("CST", 8*3600)

// gradePractice checks every answer first, so a bad one changes nothing,
// then writes them all; it returns how many were right.
func (s *Service) gradePractice(ctx context.Context, tx *db.Tx, x Session, done map[int64]storedResponse, answers map[int64]Response, now time.Time) (int, error) {
	maps := map[int64]Mapping{}
	for _, it := range x.Items {
		m, err := ParseMapping(it.Map)
		if err != nil {
			return 0, errs.Wrap(err, "mapping")
		}
		maps[it.QID] = m
	}
	ids := slices.Sorted(mapsKeys(answers))
	byID, err := loadByID(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	for _, qid := range ids {
		m, in := maps[qid]
		switch {
		case !in:
			return 0, errs.E(errs.Invalid, "not_in_paper", msg.T("quiz.not_in_paper", qid))
		case done[qid].QID != 0:
			return 0, errs.E(errs.Conflict, "answered", msg.T("quiz.answered", qid))
		}
		if err := CheckResponse(publicOf(byID[qid], m), answers[qid]); err != nil {
			return 0, err
		}
	}
	correct := 0
	for _, qid := range ids {
		res := s.Rules.GradeShown(byID[qid], answers[qid], maps[qid])
		if res.Correct {
			correct++
		}
		if _, err := tx.Exec(ctx, `INSERT INTO practice_answers (session_id, question_id, member_id, response, correct, answered_at) VALUES (?, ?, ?, ?, ?, ?)`,
			x.ID, qid, x.MemberID, mustJSON(answers[qid]), res.Correct, now); err != nil {
			return 0, errs.Wrap(err, "insert answer")
		}
	}
	return correct, nil
}

func mapsKeys[V any](m map[int64]V) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Overview is a member's own practice: recent sessions, weak topics and
// the state of the wrong-answer book. Nobody else sees it.
type Overview struct {
	Sessions  []Session `json:"sessions"`
	Weak      []TagStat `json:"weak_tags"`
	Answered  int       `json:"answered"`
	Correct   int       `json:"correct"`
	WrongBook int       `json:"wrong_book"`
	Due       int       `json:"due"`
}

// MyPractice is the member's overview.
func (s *Service) MyPractice(ctx context.Context, p *auth.Principal) (Overview, error) {
	var o Overview
	if err := requireMember(p); err != nil {
		return o, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+sessionCols+` FROM practice_sessions s LEFT JOIN question_sets qs ON qs.id = s.set_id
		WHERE s.member_id = ? ORDER BY s.id DESC LIMIT 20`, p.MemberID)
	if err != nil {
		return o, errs.Wrap(err, "sessions")
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return o, errs.Wrap(err, "sessions")
		}
		o.Sessions = append(o.Sessions, x)
	}
	if err := rows.Err(); err != nil {
		return o, errs.Wrap(err, "sessions")
	}
	bank, hist, err := bankAndHistory(ctx, s.DB, p.MemberID)
	if err != nil {
		return o, err
	}
	for _, e := range hist {
		o.Answered++
		if e.Correct {
			o.Correct++
		}
	}
	for _, st := range TagStats(bank, hist) {
		if st.Share() < 1 && len(o.Weak) < 5 && st.Tag != MustKnowSet {
			o.Weak = append(o.Weak, st)
		}
	}
	o.WrongBook = len(WrongBook(hist))
	o.Due = len(Due(hist, s.now()))
	return o, nil
}

// WrongItem is one entry of the book with its question, answer shown: the
// member has already answered it.
type WrongItem struct {
	Entry
	Question View `json:"question"`
	IsDue    bool `json:"due"`
}

// WrongBookOf lists the member's wrong-answer book.
func (s *Service) WrongBookOf(ctx context.Context, p *auth.Principal) ([]WrongItem, error) {
	if err := requireMember(p); err != nil {
		return nil, err
	}
	hist, err := history(ctx, s.DB, p.MemberID)
	if err != nil {
		return nil, err
	}
	book := WrongBook(hist)
	ids := make([]int64, len(book))
	for i, e := range book {
		ids[i] = e.QuestionID
	}
	byID, err := loadByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]WrongItem, 0, len(book))
	for _, e := range book {
		if q, ok := byID[e.QuestionID]; ok && !q.Retired {
			out = append(out, WrongItem{Entry: e, Question: ViewOf(q), IsDue: !e.DueAt.After(now)})
		}
	}
	return out, nil
}

// CorrectPracticeAt lists when a member answered practice questions
// right, oldest first: points count them per round, capped. Only the
// moment of each answer is kept; nothing measures how long practice took.
func CorrectPracticeAt(ctx context.Context, q db.Querier, memberID int64) ([]time.Time, error) {
	rows, err := q.Query(ctx, `SELECT answered_at FROM practice_answers WHERE member_id = ? AND correct ORDER BY answered_at`, memberID)
	if err != nil {
		return nil, errs.Wrap(err, "practice answers")
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at any
		if err := rows.Scan(&at); err != nil {
			return nil, errs.Wrap(err, "practice answers")
		}
		out = append(out, asTime(at))
	}
	return out, errs.Wrap(rows.Err(), "practice answers")
}
