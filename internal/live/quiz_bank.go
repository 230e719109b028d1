package live

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

// BankDraw asks for questions from the question bank (题库) for one segment
// of a match, or for an online quiz: from a named set or the whole bank,
// narrowed to some tags (any of them) and types, Count of them at random.
type BankDraw struct {
	Segment int // ignored for a quiz
	SetID   int64
	Tags    []string
	Types   []quiz.Type
	Count   int
}

// MaxDraw is the most questions drawn at once.
const MaxDraw = 100

// QuizTypes are the bank types an online quiz can use: members answer by
// tapping an option, so only choice and true/false questions qualify.
var QuizTypes = []quiz.Type{quiz.Single, quiz.Multiple, quiz.TrueFalse}

// DrawFromBank adds drawn questions to a contest in setup. Questions the
// contest already has (the same stem) are not drawn again. Refused with a
// Chinese reason, nothing added, when the bank cannot supply Count.
func (s *Store) DrawFromBank(ctx context.Context, a audit.Actor, id int64, in BankDraw) (int, error) {
	if in.Count < 1 || in.Count > MaxDraw {
		return 0, fieldErr("count", msg.T("live.draw.badCount", MaxDraw))
	}
	for _, t := range in.Types {
		if !t.Valid() {
			return 0, fieldErr("types", msg.T("live.draw.badType"))
		}
	}
	var added int
	err := s.setupTx(ctx, id, func(tx *db.Tx) error {
		kind, err := contestKind(ctx, tx, id)
		if err != nil {
			return err
		}
		seg := 0
		if kind == "match" {
			if err := checkSegment(ctx, tx, id, in.Segment); err != nil {
				return err
			}
			seg = in.Segment
		}
		pool, err := bankPool(ctx, tx, id, kind, in)
		if err != nil {
			return err
		}
		if len(pool) < in.Count {
			text := msg.T("live.draw.short", len(pool), in.Count)
			if kind == "quiz" {
				text += msg.T("live.draw.short.quiz")
			}
			return fieldErr("count", text)
		}
		var seed [16]byte
		_, _ = crand.Read(seed[:])
		rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		ids := make([]int64, 0, in.Count)
		for _, q := range pool[:in.Count] {
			text, opts, answer := bankQuestion(q, kind)
			if err := addQuestionTx(ctx, tx, id, seg, text, opts, answer, "", 0); err != nil {
				return err
			}
			ids = append(ids, q.ID)
		}
		added = len(ids)
		return audit.Record(ctx, tx, a, "contest.question.draw", target(id), map[string]any{
			"segment": seg, "set": in.SetID, "tags": in.Tags, "types": in.Types, "count": in.Count, "questions": ids}, audit.OK)
	})
	return added, err
}

func contestKind(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var kind string
	err := tx.QueryRow(ctx, `SELECT kind FROM contests WHERE id = ?`, id).Scan(&kind)
	return kind, errs.Wrap(err, "contest kind")
}

func checkSegment(ctx context.Context, tx *db.Tx, id int64, seg int) error {
	var ok int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM contest_segments WHERE contest_id = ? AND position = ?`, id, seg).Scan(&ok); err != nil || ok == 0 {
		return fieldErr("segment", msg.T("live.draw.noSegment"))
	}
	return nil
}

// bankPool is every bank question matching the draw and fit for the
// contest's kind, minus those the contest already has.
func bankPool(ctx context.Context, tx *db.Tx, id int64, kind string, in BankDraw) ([]quiz.Question, error) {
	bank, err := loadBankQuestions(ctx, tx, in.SetID)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT text FROM contest_questions WHERE contest_id = ?`, id)
	if err != nil {
		return nil, errs.Wrap(err, "contest questions")
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "contest question")
		}
		have[t] = true
	}
	rows.Close()
	types := in.Types
	if kind == "quiz" {
		if len(types) == 0 {
			types = QuizTypes
		}
		types = slices.DeleteFunc(slices.Clone(types), func(t quiz.Type) bool { return !slices.Contains(QuizTypes, t) })
	}
	var out []quiz.Question
	for _, q := range bank {
		if have[q.Stem] || (len(types) > 0 && !slices.Contains(types, q.Type)) {
			continue
		}
		if len(in.Tags) > 0 && !slices.ContainsFunc(q.Tags, func(t string) bool { return slices.Contains(in.Tags, t) }) {
			continue
		}
		if kind == "quiz" {
			if _, _, ok := QuizChoice(q); !ok {
				continue
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// storedBankAnswer mirrors the bank's answer column (internal/quiz keeps it
// as JSON with these names).
type storedBankAnswer struct {
	Letters   []string   `json:"letters"`
	Truth     bool       `json:"truth"`
	Blanks    [][]string `json:"blanks"`
	Reference string     `json:"reference"`
}

// loadBankQuestions reads the bank (or one set of it) read-only; the bank's
// own listing is the admin's, while a contest host only draws from it.
func loadBankQuestions(ctx context.Context, tx *db.Tx, setID int64) ([]quiz.Question, error) {
	q := `SELECT q.id, q.type, q.stem, q.options, q.answer, q.explanation, q.tags FROM questions q`
	var args []any
	if setID != 0 {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM question_sets WHERE id = ?`, setID).Scan(&n); err != nil || n == 0 {
			return nil, fieldErr("set", msg.T("live.draw.noSet"))
		}
		q += ` JOIN question_set_items i ON i.question_id = q.id WHERE i.set_id = ? ORDER BY i.position`
		args = append(args, setID)
	} else {
		// A retired question stays for old results but is never drawn
		// again (sets drop their retired questions when they retire).
		q += ` WHERE q.retired_at IS NULL ORDER BY q.id`
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "bank")
	}
	defer rows.Close()
	var out []quiz.Question
	for rows.Next() {
		var x quiz.Question
		var opts, ans, tags string
		if err := rows.Scan(&x.ID, &x.Type, &x.Stem, &opts, &ans, &x.Explanation, &tags); err != nil {
			return nil, errs.Wrap(err, "bank question")
		}
		var a storedBankAnswer
		if json.Unmarshal([]byte(opts), &x.Options) != nil || json.Unmarshal([]byte(ans), &a) != nil || json.Unmarshal([]byte(tags), &x.Tags) != nil {
			continue // a row the bank itself could not read either
		}
		x.Answer = quiz.Answer{Letters: a.Letters, Truth: a.Truth, Blanks: a.Blanks, Reference: a.Reference}
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "bank")
}

// bankQuestion turns a bank question into a contest question: for a quiz
// the options and the answer as option letters; for a match the answer as
// the judges read it.
func bankQuestion(q quiz.Question, kind string) (string, []string, string) {
	if kind == "quiz" {
		opts, answer, _ := QuizChoice(q)
		return strings.TrimSpace(q.Stem), opts, answer
	}
	return MustKnowText(q)
}

// QuizChoice is a bank question as an online quiz question: choice
// questions keep their options and their letters ("AC"); a true/false
// question becomes the options 对 and 错. ok is false for other types.
func QuizChoice(q quiz.Question) (opts []string, answer string, ok bool) {
	switch q.Type {
	case quiz.TrueFalse:
		if q.Answer.Truth {
			return []string{quiz.TruthLabel(true), quiz.TruthLabel(false)}, "A", true
		}
		return []string{quiz.TruthLabel(true), quiz.TruthLabel(false)}, "B", true
	case quiz.Single, quiz.Multiple:
		answer, ok := NormalizeChoice(strings.Join(q.Answer.Letters, ""), len(q.Options))
		return q.Options, answer, ok && len(q.Options) >= 2
	}
	return nil, "", false
}

// NormalizeChoice reads an answer typed as option letters ("b", "C A",
// "A,C") as the quiz stores it: upper case, sorted, no repeats. ok is false
// when a letter is not one of the options.
func NormalizeChoice(s string, options int) (string, bool) {
	var seen [26]bool
	n := 0
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == ' ' || r == ',' || r == '，' || r == '、':
			continue
		case r < 'A' || r > 'Z' || int(r-'A') >= options:
			return "", false
		}
		if !seen[r-'A'] {
			seen[r-'A'] = true
			n++
		}
	}
	if n == 0 {
		return "", false
	}
	var b strings.Builder
	for i, on := range seen {
		if on {
			b.WriteByte(byte('A' + i))
		}
	}
	return b.String(), true
}
