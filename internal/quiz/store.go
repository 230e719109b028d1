package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Service is the storage side of the quiz: the bank, sets, practice and
// exams. The pure rules above decide; the service loads, checks scope,
// calls them and writes the outcome in one transaction with its audit entry.
type Service struct {
	DB    *db.DB
	Now   func() time.Time // the server's clock; tests put a fake one here
	Rules Rules            // grading rules for practice and exams

	// Questions and exams are never edited once stored (a correction is a
	// new question; a paper must not change under those sitting it), so
	// they are cached by id: an exam burst then reads only the attempt.
	questions sync.Map // int64 → Question
	exams     sync.Map // int64 → ExamRec

	// submitMu queues exam submissions in the process on SQLite. SQLite
	// has one writer; without this, concurrent writers wait in its busy
	// handler, which sleeps in growing steps and turns a burst into
	// seconds-long tails. PostgreSQL needs no such queue.
	submitMu sync.Mutex
}

// serialWrite runs a write transaction, queued in the process on SQLite.
func (s *Service) serialWrite(ctx context.Context, fn func(tx *db.Tx) error) error {
	if s.DB.Dialect == db.SQLite && !noQueue {
		s.submitMu.Lock()
		defer s.submitMu.Unlock()
	}
	return s.DB.InTx(ctx, fn)
}

// NewService returns a Service on the real clock with strict grading.
func NewService(d *db.DB) *Service { return &Service{DB: d, Now: time.Now} }

func (s *Service) now() time.Time { return s.Now().UTC() }

// storedAnswer is how an Answer is kept as JSON; the field names are fixed
// here so renaming a Go field never orphans stored rows.
type storedAnswer struct {
	Letters   []string   `json:"letters,omitempty"`
	Truth     bool       `json:"truth,omitempty"`
	Blanks    [][]string `json:"blanks,omitempty"`
	Reference string     `json:"reference,omitempty"`
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain values are marshalled here
	}
	return string(b)
}

const questionCols = `q.id, q.type, q.stem, q.options, q.answer, q.explanation, q.tags, q.difficulty, q.material_id, q.retired_at IS NOT NULL`

type scanner interface{ Scan(dest ...any) error }

func scanQuestion(r scanner) (Question, error) {
	var q Question
	var opts, ans, tags string
	var mat *int64
	if err := r.Scan(&q.ID, &q.Type, &q.Stem, &opts, &ans, &q.Explanation, &tags, &q.Difficulty, &mat, &q.Retired); err != nil {
		return q, err
	}
	var a storedAnswer
	if err := errors.Join(json.Unmarshal([]byte(opts), &q.Options), json.Unmarshal([]byte(ans), &a), json.Unmarshal([]byte(tags), &q.Tags)); err != nil {
		return q, err
	}
	q.Answer = Answer(a)
	q.MaterialID = mat
	return q, nil
}

func queryQuestions(ctx context.Context, q db.Querier, where string, args ...any) ([]Question, error) {
	rows, err := q.Query(ctx, `SELECT `+questionCols+` FROM questions q `+where, args...)
	if err != nil {
		return nil, errs.Wrap(err, "questions")
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		x, err := scanQuestion(rows)
		if err != nil {
			return nil, errs.Wrap(err, "question scan")
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "questions")
}

// loadBank is every question of the bank that may be drawn (not retired).
func loadBank(ctx context.Context, q db.Querier) ([]Question, error) {
	return queryQuestions(ctx, q, `WHERE q.retired_at IS NULL ORDER BY q.id`)
}

// loadByID loads the questions with the given ids.
func loadByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]Question, error) {
	out := make(map[int64]Question, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	qs, err := queryQuestions(ctx, q, `WHERE q.id IN (`+marks+`)`, args...)
	for _, x := range qs {
		out[x.ID] = x
	}
	return out, err
}

// InsertQuestion stores a valid question inside tx and returns its id. A
// question whose DuplicateKey is already in the bank is a Conflict.
func InsertQuestion(ctx context.Context, tx *db.Tx, q Question, createdBy int64) (int64, error) {
	if err := q.Validate(); err != nil {
		return 0, err
	}
	var by any
	if createdBy != 0 {
		by = createdBy
	}
	tags := q.Tags
	if tags == nil {
		tags = []string{}
	}
	opts := q.Options
	if opts == nil {
		opts = []string{}
	}
	id, err := tx.Insert(ctx, `INSERT INTO questions (type, stem, options, answer, explanation, tags, difficulty, material_id, dup_key, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(q.Type), strings.TrimSpace(q.Stem), mustJSON(opts), mustJSON(storedAnswer(q.Answer)), q.Explanation,
		mustJSON(tags), q.Difficulty, q.MaterialID, DuplicateKey(q), by, tx.Now)
	if errors.Is(err, db.ErrUnique) {
		return 0, errs.E(errs.Conflict, "duplicate_question", msg.T("quiz.duplicate_question"))
	}
	return id, errs.Wrap(err, "insert question")
}

// Filter narrows the bank list.
type Filter struct {
	Type  Type
	Tag   string
	Text  string // a substring of the stem
	SetID int64
	Limit int
	// Retired lists the retired questions instead of the bank's live ones.
	Retired bool
}

// canManageBank: the bank is district-wide and holds every answer key, so
// only the district admin reads and writes it.
func canManageBank(p *auth.Principal) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	return nil
}

// Questions lists the bank for the admin, newest first.
func (s *Service) Questions(ctx context.Context, p *auth.Principal, f Filter) ([]Question, error) {
	if err := canManageBank(p); err != nil {
		return nil, err
	}
	where, args := []string{"q.retired_at IS NULL"}, []any{}
	if f.Retired {
		where[0] = "q.retired_at IS NOT NULL"
	}
	if f.Type != "" {
		where, args = append(where, "q.type = ?"), append(args, string(f.Type))
	}
	if f.Text != "" {
		where, args = append(where, "q.stem LIKE ?"), append(args, "%"+f.Text+"%")
	}
	if f.Tag != "" {
		// Tags are a JSON array of strings; the quoted tag is an exact element.
		where, args = append(where, "q.tags LIKE ?"), append(args, "%"+mustJSON(f.Tag)+"%")
	}
	if f.SetID != 0 {
		where, args = append(where, "q.id IN (SELECT question_id FROM question_set_items WHERE set_id = ?)"), append(args, f.SetID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	return queryQuestions(ctx, s.DB, `WHERE `+strings.Join(where, " AND ")+` ORDER BY q.id DESC LIMIT `+strconv.Itoa(limit), args...)
}

// AddQuestion checks one question given as spreadsheet cells (a form or
// the API) and stores it.
func (s *Service) AddQuestion(ctx context.Context, p *auth.Principal, cells map[string]string) (Question, error) {
	if err := canManageBank(p); err != nil {
		return Question{}, err
	}
	q, fes := ParseRow(cells)
	if len(fes) > 0 {
		return q, fieldErrors(0, fes)
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err := InsertQuestion(ctx, tx, q, p.UserID)
		if err != nil {
			return err
		}
		q.ID = id
		return audit.Record(ctx, tx, p.Actor(), "question.create", "question:"+strconv.FormatInt(id, 10), audit.Change{After: q.Stem}, audit.OK)
	})
	return q, err
}

func fieldErrors(row int, fes []FieldError) *errs.Error {
	out := make([]errs.FieldError, len(fes))
	msgs := make([]string, len(fes))
	for i, fe := range fes {
		out[i] = errs.FieldError{Row: row, Field: fe.Column, Reason: fe.Reason}
		msgs[i] = fe.Column + "：" + fe.Reason
	}
	return errs.E(errs.Invalid, "invalid_question", msg.T("quiz.fieldErrors", strings.Join(msgs, "；"))).WithFields(out)
}

// Tags lists every tag in the bank with how many questions carry it, by
// name; schedulers pick paper tags from it without seeing answers.
func (s *Service) Tags(ctx context.Context) ([]TagCount, error) {
	bank, err := loadBank(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, q := range bank {
		for _, t := range q.Tags {
			n[t]++
		}
	}
	out := make([]TagCount, 0, len(n))
	for t, c := range n {
		out = append(out, TagCount{Tag: t, Count: c})
	}
	slices.SortFunc(out, func(a, b TagCount) int { return strings.Compare(a.Tag, b.Tag) })
	return out, nil
}

// TagCount is a tag and the number of questions carrying it.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// TypeCounts is how many questions of each type the bank holds.
func (s *Service) TypeCounts(ctx context.Context) (map[Type]int, error) {
	rows, err := s.DB.Query(ctx, `SELECT type, COUNT(*) FROM questions WHERE retired_at IS NULL GROUP BY type`)
	if err != nil {
		return nil, errs.Wrap(err, "type counts")
	}
	defer rows.Close()
	out := map[Type]int{}
	for rows.Next() {
		var t Type
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, errs.Wrap(err, "type counts")
		}
		out[t] = n
	}
	return out, errs.Wrap(rows.Err(), "type counts")
}

// Set is a named set of questions (应知应会30问).
type Set struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Count       int    `json:"count"`
}

// CreateSet stores a named set with its questions in order, inside tx.
func CreateSet(ctx context.Context, tx *db.Tx, name, description string, questionIDs []int64) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, errs.E(errs.Invalid, "invalid_set", msg.T("quiz.invalid_set"))
	}
	id, err := tx.Insert(ctx, `INSERT INTO question_sets (name, description, created_at) VALUES (?, ?, ?)`, name, description, tx.Now)
	if errors.Is(err, db.ErrUnique) {
		return 0, errs.E(errs.Conflict, "duplicate_set", msg.T("quiz.duplicate_set", name))
	}
	if err != nil {
		return 0, errs.Wrap(err, "insert set")
	}
	for i, qid := range questionIDs {
		if _, err := tx.Exec(ctx, `INSERT INTO question_set_items (set_id, question_id, position) VALUES (?, ?, ?)`, id, qid, i+1); err != nil {
			return 0, errs.Wrap(err, "insert set item")
		}
	}
	return id, nil
}

// Sets lists the named sets; anyone logged in may see them (no answers).
func (s *Service) Sets(ctx context.Context) ([]Set, error) {
	rows, err := s.DB.Query(ctx, `SELECT s.id, s.name, s.description, (SELECT COUNT(*) FROM question_set_items i WHERE i.set_id = s.id)
		FROM question_sets s ORDER BY s.id`)
	if err != nil {
		return nil, errs.Wrap(err, "sets")
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		var x Set
		if err := rows.Scan(&x.ID, &x.Name, &x.Description, &x.Count); err != nil {
			return nil, errs.Wrap(err, "sets")
		}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "sets")
}

// setQuestions is a set's questions in the set's order.
func setQuestions(ctx context.Context, q db.Querier, setID int64) ([]Question, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM question_sets WHERE id = ?`, setID).Scan(&n); err != nil {
		return nil, errs.Wrap(err, "set")
	}
	if n == 0 {
		return nil, errs.NotFoundf(msg.T("quiz.noun.set"))
	}
	return queryQuestions(ctx, q, `JOIN question_set_items i ON i.question_id = q.id WHERE i.set_id = ? ORDER BY i.position`, setID)
}

// SetByName finds a set's id by its name.
func (s *Service) SetByName(ctx context.Context, name string) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, `SELECT id FROM question_sets WHERE name = ?`, name).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundf(msg.T("quiz.noun.set"))
	}
	return id, errs.Wrap(err, "set by name")
}

// asTime reads a timestamp that an engine may hand back as text.
func asTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
			if x, err := time.Parse(layout, t); err == nil {
				return x.UTC()
			}
		}
	case []byte:
		return asTime(string(t))
	}
	return time.Time{}
}

// cachedByID is loadByID through the service's cache.
func (s *Service) cachedByID(ctx context.Context, ids []int64) (map[int64]Question, error) {
	out := make(map[int64]Question, len(ids))
	var missing []int64
	for _, id := range ids {
		if q, ok := s.questions.Load(id); ok {
			out[id] = q.(Question)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := loadByID(ctx, s.DB, missing)
	for id, q := range loaded {
		s.questions.Store(id, q)
		out[id] = q
	}
	return out, err
}

var noQueue = false
