package quiz

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// ExamInput is what the admin or a secretary fills in to schedule an exam.
type ExamInput struct {
	Title         string       `json:"title"`
	OrgID         int64        `json:"org_id"`
	Opens         time.Time    `json:"opens_at"`
	Closes        time.Time    `json:"closes_at"`
	DurationMin   int          `json:"duration_minutes"`
	PassPct       int          `json:"pass_percent"`
	Counts        map[Type]int `json:"counts"`
	Tags          []string     `json:"tags"`
	MinDifficulty int          `json:"min_difficulty"`
	MaxDifficulty int          `json:"max_difficulty"`
	PerPerson     bool         `json:"per_person"`
}

// ExamRec is a scheduled exam.
type ExamRec struct {
	ID          int64     `json:"id"`
	Title       string    `json:"title"`
	OrgID       int64     `json:"org_id"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	Opens       time.Time `json:"opens_at"`
	Closes      time.Time `json:"closes_at"`
	DurationMin int       `json:"duration_minutes"`
	PassPct     int       `json:"pass_percent"`
	Spec        Spec      `json:"spec"`
	PerPerson   bool      `json:"per_person"`
	Questions   int       `json:"questions"`
	paper       []int64
	grace       time.Duration
}

// timing is the pure rules' view of the exam.
func (e ExamRec) timing() Exam {
	return Exam{ID: e.ID, Opens: e.Opens, Closes: e.Closes, Duration: time.Duration(e.DurationMin) * time.Minute, Grace: e.grace}
}

// Status is where the exam stands at now.
func (e ExamRec) Status(now time.Time) string {
	switch {
	case now.Before(e.Opens):
		return msg.T("quiz.status.notStarted")
	case now.Before(e.Closes):
		return msg.T("quiz.status.running")
	}
	return msg.T("quiz.status.ended")
}

func (in ExamInput) check() error {
	var fes []errs.FieldError
	add := func(f, r string) { fes = append(fes, errs.FieldError{Field: f, Reason: r}) }
	if t := strings.TrimSpace(in.Title); t == "" || utf8.RuneCountInString(t) > 100 {
		add("title", msg.T("quiz.exam.badTitle"))
	}
	if in.Opens.IsZero() || in.Closes.IsZero() {
		add("opens_at", msg.T("quiz.exam.noTimes"))
	} else if !in.Closes.After(in.Opens) {
		add("closes_at", msg.T("quiz.exam.badOrder"))
	}
	if in.DurationMin < 1 || in.DurationMin > 600 {
		add("duration_minutes", msg.T("quiz.exam.badMinutes"))
	}
	if in.PassPct < 0 || in.PassPct > 100 {
		add("pass_percent", msg.T("quiz.exam.badPass"))
	}
	if len(fes) == 0 {
		return nil
	}
	msgs := make([]string, len(fes))
	for i, f := range fes {
		msgs[i] = f.Reason
	}
	return errs.E(errs.Invalid, "invalid_exam", strings.Join(msgs, "；")).WithFields(fes)
}

// CreateExam schedules an exam. The paper is drawn now, also when one is
// drawn per person, so a spec the bank cannot satisfy is refused at once.
func (s *Service) CreateExam(ctx context.Context, p *auth.Principal, in ExamInput) (int64, error) {
	if !p.Has(auth.Managers...) {
		return 0, errs.Forbid()
	}
	var path string
	err := s.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, in.OrgID).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !p.Covers(path, auth.Managers...)) {
		return 0, errs.E(errs.NotFound, "not_found", msg.T("quiz.not_found"))
	}
	if err != nil {
		return 0, errs.Wrap(err, "exam org")
	}
	if err := in.check(); err != nil {
		return 0, err
	}
	seed := uint64(s.now().UnixNano()) >> 1 // fits a signed BIGINT
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if id, err = insertExam(ctx, tx, in, seed, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "exam.create", "exam:"+strconv.FormatInt(id, 10), audit.Change{After: in}, audit.OK)
	})
	return id, err
}

// InsertExam stores an exam inside tx without scope checks: for loaders
// (the demo) that act as the system.
func InsertExam(ctx context.Context, tx *db.Tx, in ExamInput, seed uint64, createdBy int64) error {
	if err := in.check(); err != nil {
		return err
	}
	_, err := insertExam(ctx, tx, in, seed>>1, createdBy)
	return err
}

func insertExam(ctx context.Context, tx *db.Tx, in ExamInput, seed uint64, createdBy int64) (int64, error) {
	spec := Spec{Counts: in.Counts, Tags: in.Tags, MinDifficulty: in.MinDifficulty, MaxDifficulty: in.MaxDifficulty, Seed: seed}
	bank, err := loadBank(ctx, tx)
	if err != nil {
		return 0, err
	}
	paper, err := Draw(withoutShort(bank, spec), spec)
	if err != nil {
		return 0, err
	}
	ids := make([]int64, len(paper.Questions))
	for i, q := range paper.Questions {
		ids[i] = q.ID
	}
	var by any
	if createdBy != 0 {
		by = createdBy
	}
	id, err := tx.Insert(ctx, `INSERT INTO exams (title, org_id, opens_at, closes_at, duration_s, grace_s, pass_pct, spec, per_person, paper, seed, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		strings.TrimSpace(in.Title), in.OrgID, in.Opens.UTC(), in.Closes.UTC(), in.DurationMin*60, int(DefaultGrace/time.Second),
		in.PassPct, mustJSON(spec), in.PerPerson, mustJSON(ids), int64(seed), by, tx.Now)
	return id, errs.Wrap(err, "insert exam")
}

// withoutShort keeps short answers only if the spec asks for them, so a
// spec without them draws from the same pools whatever the bank holds.
func withoutShort(bank []Question, spec Spec) []Question {
	if spec.Counts[Short] > 0 {
		return bank
	}
	return slices.DeleteFunc(slices.Clone(bank), func(q Question) bool { return q.Type == Short })
}

const examCols = `e.id, e.title, e.org_id, o.name, o.path, e.opens_at, e.closes_at, e.duration_s, e.grace_s, e.pass_pct, e.spec, e.per_person, e.paper, e.seed`

func scanExam(r scanner) (ExamRec, error) {
	var e ExamRec
	var opens, closes any
	var dur, grace int
	var spec, paper string
	var seed int64
	if err := r.Scan(&e.ID, &e.Title, &e.OrgID, &e.OrgName, &e.OrgPath, &opens, &closes, &dur, &grace, &e.PassPct, &spec, &e.PerPerson, &paper, &seed); err != nil {
		return e, err
	}
	e.Opens, e.Closes = asTime(opens), asTime(closes)
	e.DurationMin, e.grace = dur/60, time.Duration(grace)*time.Second
	if err := json.Unmarshal([]byte(spec), &e.Spec); err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(paper), &e.paper); err != nil {
		return e, err
	}
	e.Spec.Seed = uint64(seed)
	e.Questions = len(e.paper)
	return e, nil
}

func loadExam(ctx context.Context, q db.Querier, id int64) (ExamRec, error) {
	e, err := scanExam(q.QueryRow(ctx, `SELECT `+examCols+` FROM exams e JOIN orgs o ON o.id = e.org_id WHERE e.id = ?`, id))
	if db.IsNoRows(err) {
		return e, errs.NotFoundf(msg.T("quiz.noun.exam"))
	}
	return e, errs.Wrap(err, "exam")
}

// exam is loadExam through the cache (exams are not edited once scheduled).
func (s *Service) exam(ctx context.Context, id int64) (ExamRec, error) {
	if e, ok := s.exams.Load(id); ok {
		return e.(ExamRec), nil
	}
	e, err := loadExam(ctx, s.DB, id)
	if err == nil {
		s.exams.Store(id, e)
	}
	return e, err
}

// takes reports whether p is a member inside the exam's scope.
func takes(p *auth.Principal, e ExamRec) bool {
	return p != nil && p.MemberID != 0 && strings.HasPrefix(p.MemberOrgPath, e.OrgPath)
}

// reads reports whether p may see the exam's results (the subtree's readers).
func reads(p *auth.Principal, e ExamRec) bool {
	return p.Has(auth.Readers...) && (p.Covers(e.OrgPath, auth.Readers...) || len(scopesInside(p, e.OrgPath)) > 0)
}

// scopesInside are p's reader scopes inside the exam's subtree: a secretary
// of one branch sees that branch's part of a district-wide exam.
func scopesInside(p *auth.Principal, path string) []string {
	var out []string
	for _, sc := range p.Scopes(auth.Readers...) {
		if strings.HasPrefix(sc, path) {
			out = append(out, sc)
		}
	}
	return out
}

// visibleExam loads an exam that p takes or reads; anything else is not found.
func (s *Service) visibleExam(ctx context.Context, p *auth.Principal, id int64) (ExamRec, error) {
	e, err := s.exam(ctx, id)
	if err != nil {
		return e, err
	}
	if !takes(p, e) && !reads(p, e) {
		return e, errs.NotFoundf(msg.T("quiz.noun.exam"))
	}
	return e, nil
}

// ExamItem is one line of the exam list, with the caller's own attempt.
type ExamItem struct {
	ExamRec
	Status    string     `json:"status"`
	Takes     bool       `json:"takes"`
	Reads     bool       `json:"reads"`
	Started   bool       `json:"started"`
	Submitted *time.Time `json:"submitted_at,omitempty"`
	Score     *float64   `json:"score,omitempty"`
}

// Exams lists the exams p takes (their org is inside the scope) or reads.
func (s *Service) Exams(ctx context.Context, p *auth.Principal) ([]ExamItem, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+examCols+` FROM exams e JOIN orgs o ON o.id = e.org_id ORDER BY e.opens_at DESC, e.id DESC LIMIT 500`)
	if err != nil {
		return nil, errs.Wrap(err, "exams")
	}
	var list []ExamRec
	for rows.Next() {
		e, err := scanExam(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "exams")
		}
		if takes(p, e) || reads(p, e) {
			list = append(list, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "exams")
	}
	now := s.now()
	out := make([]ExamItem, 0, len(list))
	for _, e := range list {
		it := ExamItem{ExamRec: e, Status: e.Status(now), Takes: takes(p, e), Reads: reads(p, e)}
		if it.Takes {
			a, ok, err := loadAttempt(ctx, s.DB, e.ID, p.MemberID)
			if err != nil {
				return nil, err
			}
			if ok {
				it.Started = true
				if a.Submitted() {
					sub, pct := a.SubmittedAt, a.percent()
					it.Submitted, it.Score = &sub, &pct
				}
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// stored is an attempt as kept: the pure Attempt plus its row id and grades.
type stored struct {
	Attempt
	ID      int64
	Items   []PaperItem
	Results map[int64]float64
	Score   float64
	Pending int
}

func (a stored) percent() float64 {
	if len(a.Paper) == 0 {
		return 0
	}
	return roundTo(a.Score/float64(len(a.Paper))*100, 1)
}

func roundTo(x float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

const attemptCols = `id, exam_id, member_id, paper, started_at, deadline, submitted_at, timed_out, answers, results, score, pending`

func scanAttempt(r scanner) (stored, error) {
	var a stored
	var paper, answers, results string
	var started, deadline, submitted any
	if err := r.Scan(&a.ID, &a.ExamID, &a.MemberID, &paper, &started, &deadline, &submitted, &a.TimedOut, &answers, &results, &a.Score, &a.Pending); err != nil {
		return a, err
	}
	a.StartedAt, a.Deadline = asTime(started), asTime(deadline)
	if submitted != nil {
		a.SubmittedAt = asTime(submitted)
	}
	if err := json.Unmarshal([]byte(paper), &a.Items); err != nil {
		return a, err
	}
	a.Mappings = map[int64]Mapping{}
	for _, it := range a.Items {
		a.Paper = append(a.Paper, it.QID)
		m, err := ParseMapping(it.Map)
		if err != nil {
			return a, err
		}
		if m != nil {
			a.Mappings[it.QID] = m
		}
	}
	if err := json.Unmarshal([]byte(answers), &a.Answers); err != nil {
		return a, err
	}
	return a, json.Unmarshal([]byte(results), &a.Results)
}

func loadAttempt(ctx context.Context, q db.Querier, examID, memberID int64) (stored, bool, error) {
	a, err := scanAttempt(q.QueryRow(ctx, `SELECT `+attemptCols+` FROM exam_attempts WHERE exam_id = ? AND member_id = ?`, examID, memberID))
	if db.IsNoRows(err) {
		return a, false, nil
	}
	return a, err == nil, errs.Wrap(err, "attempt")
}

// AttemptView is a person's attempt as they see it: their paper without
// answers while it runs; with their score once submitted.
type AttemptView struct {
	Exam        ExamRec    `json:"exam"`
	Questions   []Shown    `json:"questions"`
	StartedAt   time.Time  `json:"started_at"`
	Deadline    time.Time  `json:"deadline"`
	TimeLeft    int        `json:"time_left_seconds"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	TimedOut    bool       `json:"timed_out,omitempty"`
	Score       *float64   `json:"score,omitempty"` // percent
	Pending     int        `json:"pending,omitempty"`
	Passed      *bool      `json:"passed,omitempty"`
}

// StartExam starts the member's attempt, or resumes it with the time left.
func (s *Service) StartExam(ctx context.Context, p *auth.Principal, examID int64) (AttemptView, error) {
	if err := requireMember(p); err != nil {
		return AttemptView{}, err
	}
	e, err := s.visibleExam(ctx, p, examID)
	if err != nil {
		return AttemptView{}, err
	}
	if !takes(p, e) {
		return AttemptView{}, errs.E(errs.Forbidden, "not_in_scope", msg.T("quiz.not_in_scope"))
	}
	var a stored
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		existing, ok, err := loadAttempt(ctx, tx, examID, p.MemberID)
		if err != nil {
			return err
		}
		if ok {
			if _, err := e.timing().Start(&existing.Attempt, p.MemberID, existing.Paper, now); err != nil {
				return err
			}
			a = existing
			return nil
		}
		a, err = s.newAttempt(ctx, tx, e, p.MemberID, now)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "exam.start", "exam:"+strconv.FormatInt(examID, 10), nil, audit.OK)
	})
	if err != nil {
		return AttemptView{}, err
	}
	return s.viewAttempt(ctx, e, a)
}

// newAttempt draws the person's paper (or takes the shared one), shuffles
// questions and options with a seed of the exam and the person, and stores
// the attempt with its mappings.
func (s *Service) newAttempt(ctx context.Context, tx *db.Tx, e ExamRec, memberID int64, now time.Time) (stored, error) {
	seed := e.Spec.Seed ^ uint64(memberID)*0x9E3779B97F4A7C15
	ids := e.paper
	if e.PerPerson {
		bank, err := loadBank(ctx, tx)
		if err != nil {
			return stored{}, err
		}
		spec := e.Spec
		spec.Seed = seed
		paper, err := Draw(withoutShort(bank, spec), spec)
		if err != nil {
			return stored{}, err
		}
		ids = ids[:0:0]
		for _, q := range paper.Questions {
			ids = append(ids, q.ID)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x65_78_6d))
	ids = slices.Clone(ids)
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	byID, err := loadByID(ctx, tx, ids)
	if err != nil {
		return stored{}, err
	}
	qs := make([]Question, 0, len(ids))
	for _, id := range ids {
		if q, ok := byID[id]; ok {
			qs = append(qs, q)
		}
	}
	items := shuffleItems(qs, rng)
	paperIDs := make([]int64, len(items))
	for i, it := range items {
		paperIDs[i] = it.QID
	}
	att, err := e.timing().Start(nil, memberID, paperIDs, now)
	if err != nil {
		return stored{}, err
	}
	id, err := tx.Insert(ctx, `INSERT INTO exam_attempts (exam_id, member_id, paper, started_at, deadline) VALUES (?, ?, ?, ?, ?)`,
		e.ID, memberID, mustJSON(items), att.StartedAt, att.Deadline)
	if err != nil {
		return stored{}, errs.Wrap(err, "insert attempt")
	}
	a := stored{Attempt: att, ID: id, Items: items}
	a.Mappings = map[int64]Mapping{}
	for _, it := range items {
		if m, _ := ParseMapping(it.Map); m != nil {
			a.Mappings[it.QID] = m
		}
	}
	return a, nil
}

// MyAttempt is the member's attempt, if any (ok false before starting).
func (s *Service) MyAttempt(ctx context.Context, p *auth.Principal, examID int64) (AttemptView, bool, error) {
	e, err := s.visibleExam(ctx, p, examID)
	if err != nil {
		return AttemptView{Exam: e}, false, err
	}
	if !takes(p, e) {
		return AttemptView{Exam: e}, false, nil
	}
	a, ok, err := loadAttempt(ctx, s.DB, examID, p.MemberID)
	if err != nil || !ok {
		return AttemptView{Exam: e}, false, err
	}
	v, err := s.viewAttempt(ctx, e, a)
	return v, true, err
}

func (s *Service) viewAttempt(ctx context.Context, e ExamRec, a stored) (AttemptView, error) {
	byID, err := s.cachedByID(ctx, a.Paper)
	if err != nil {
		return AttemptView{}, err
	}
	now := s.now()
	v := AttemptView{Exam: e, StartedAt: a.StartedAt, Deadline: a.Deadline, TimeLeft: int(a.TimeLeft(now) / time.Second), TimedOut: a.TimedOut}
	for i, qid := range a.Paper {
		q, ok := byID[qid]
		if !ok {
			continue
		}
		m := a.Mappings[qid]
		sh := show(i+1, q, m)
		r := a.Answers[qid]
		sh.Response = r
		if a.Submitted() {
			res := s.Rules.GradeShown(q, r, m)
			if sc, ok := a.Results[qid]; ok && q.Type == Short {
				res = Result{Correct: sc >= 1, Score: sc}
			}
			sh.reveal(q, m, r, res)
			if q.Type == Short {
				_, graded := a.Results[qid]
				sh.Pending = !graded && !r.Empty()
			}
		} else {
			markPicked(&sh, r)
		}
		v.Questions = append(v.Questions, sh)
	}
	if a.Submitted() {
		sub, pct := a.SubmittedAt, a.percent()
		passed := pct >= float64(e.PassPct)
		v.SubmittedAt, v.Score, v.Pending, v.Passed = &sub, &pct, a.Pending, &passed
	}
	return v, nil
}

func markPicked(sh *Shown, r Response) {
	picked := map[string]bool{}
	for _, l := range r.Letters {
		picked[strings.ToUpper(l)] = true
	}
	for i := range sh.Options {
		sh.Options[i].Picked = picked[sh.Options[i].Letter]
	}
}

// prepared is a checked submission or save, ready to write.
type prepared struct {
	e    ExamRec
	a    stored
	out  Attempt
	byID map[int64]Question
}

// prepare does every read and check of a save or submission outside the
// write transaction, so that the one writer SQLite allows is held only for
// the UPDATE itself. A concurrent second submission is caught by the
// UPDATE's "submitted_at IS NULL".
func (s *Service) prepare(ctx context.Context, p *auth.Principal, examID int64, answers map[int64]Response, submit bool) (prepared, error) {
	if err := requireMember(p); err != nil {
		return prepared{}, err
	}
	e, err := s.visibleExam(ctx, p, examID)
	if err != nil {
		return prepared{}, err
	}
	a, ok, err := loadAttempt(ctx, s.DB, examID, p.MemberID)
	if err != nil {
		return prepared{}, err
	}
	if !ok {
		return prepared{}, errs.E(errs.Conflict, "not_started", msg.T("quiz.not_started"))
	}
	now := s.now()
	t := e.timing()
	var out Attempt
	if submit {
		out, err = t.Submit(a.Attempt, answers, now)
	} else {
		out, err = t.Save(a.Attempt, answers, now)
	}
	if err != nil {
		return prepared{}, err
	}
	byID, err := s.cachedByID(ctx, a.Paper)
	if err != nil {
		return prepared{}, err
	}
	for _, qid := range slices.Sorted(mapsKeys(answers)) {
		if err := CheckResponse(publicOf(byID[qid], a.Mappings[qid]), answers[qid]); err != nil {
			return prepared{}, err
		}
	}
	return prepared{e: e, a: a, out: out, byID: byID}, nil
}

// SaveExam keeps answers while the attempt runs (暂存).
func (s *Service) SaveExam(ctx context.Context, p *auth.Principal, examID int64, answers map[int64]Response) error {
	pr, err := s.prepare(ctx, p, examID, answers, false)
	if err != nil {
		return err
	}
	return s.serialWrite(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE exam_attempts SET answers = ? WHERE id = ? AND submitted_at IS NULL`, mustJSON(pr.out.Answers), pr.a.ID)
		if err != nil {
			return errs.Wrap(err, "save attempt")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "submitted", msg.T("quiz.submitted"))
		}
		return nil // saving is not a decision; the submission is audited
	})
}

// SubmitExam grades and closes the attempt: a single UPDATE and its audit
// entry in one short transaction.
func (s *Service) SubmitExam(ctx context.Context, p *auth.Principal, examID int64, answers map[int64]Response) (AttemptView, error) {
	pr, err := s.prepare(ctx, p, examID, answers, true)
	if err != nil {
		return AttemptView{}, err
	}
	g, err := s.Rules.GradeAttempt(pr.out, pr.byID)
	if err != nil {
		return AttemptView{}, err
	}
	a := pr.a
	a.Attempt = pr.out
	a.Results, a.Score, a.Pending = autoResults(g), g.Score, g.NeedsManual
	err = s.serialWrite(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE exam_attempts SET answers = ?, results = ?, score = ?, pending = ?, submitted_at = ? WHERE id = ? AND submitted_at IS NULL`,
			mustJSON(a.Answers), mustJSON(a.Results), a.Score, a.Pending, a.SubmittedAt, a.ID)
		if err != nil {
			return errs.Wrap(err, "submit attempt")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "conflict", msg.T("quiz.conflict"))
		}
		return audit.Record(ctx, tx, p.Actor(), "exam.submit", "exam:"+strconv.FormatInt(examID, 10),
			map[string]any{"attempt": a.ID, "score": a.Score}, audit.OK)
	})
	if err != nil {
		return AttemptView{}, err
	}
	return s.viewAttempt(ctx, pr.e, a)
}

// autoResults keeps the machine grade of every question except short
// answers, which wait for a person (or score 0 when left empty).
func autoResults(g Graded) map[int64]float64 {
	out := make(map[int64]float64, len(g.Results))
	for id, r := range g.Results {
		if r.NeedsManual {
			continue
		}
		out[id] = r.Score
	}
	return out
}
