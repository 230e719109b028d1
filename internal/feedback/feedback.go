// Package feedback is the complaints-and-suggestions channel (投诉建议) that
// the national measures on government apps require: any user writes, the
// admin answers, the sender reads the answer.
package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Kinds.
const (
	Complaint  = "complaint"
	Suggestion = "suggestion"
)

// KindLabel is the Chinese name of a kind.
func KindLabel(k string) string {
	if k == Complaint {
		return msg.T("feedback.kind.complaint")
	}
	return msg.T("feedback.kind.suggestion")
}

// Item is one complaint or suggestion.
type Item struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserName   string     `json:"user_name"`
	Kind       string     `json:"kind"`
	KindLabel  string     `json:"kind_label"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body"`
	Page       string     `json:"page"`
	CreatedAt  time.Time  `json:"created_at"`
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// Service stores feedback.
type Service struct{ DB *db.DB }

// Input is a new item.
type Input struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Page    string `json:"page"`
}

// Send stores a new item from p.
func (s *Service) Send(ctx context.Context, p *auth.Principal, in Input) (int64, error) {
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if in.Kind != Complaint && in.Kind != Suggestion {
		return 0, errs.E(errs.Invalid, "bad_kind", msg.T("feedback.bad_kind"))
	}
	if in.Subject == "" || utf8.RuneCountInString(in.Subject) > 60 {
		return 0, errs.E(errs.Invalid, "bad_subject", msg.T("feedback.bad_subject"))
	}
	if in.Body == "" || utf8.RuneCountInString(in.Body) > 2000 {
		return 0, errs.E(errs.Invalid, "bad_body", msg.T("feedback.bad_body"))
	}
	if len(in.Page) > 200 {
		// Cut on a character boundary: half a character is not UTF-8, which
		// PostgreSQL refuses.
		in.Page = strings.ToValidUTF8(in.Page[:200], "")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO feedback (user_id, kind, subject, body, page, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			p.UserID, in.Kind, in.Subject, in.Body, in.Page, tx.Now)
		if err != nil {
			return errs.Wrap(err, "feedback insert")
		}
		return audit.Record(ctx, tx, p.Actor(), "feedback.send", fmt.Sprintf("feedback:%d", id), in, audit.OK)
	})
	return id, err
}

// List returns the caller's own items, or every item for the admin.
func (s *Service) List(ctx context.Context, p *auth.Principal, all bool) ([]Item, error) {
	q := `SELECT f.id, f.user_id, COALESCE(NULLIF(u.display_name, ''), u.username), f.kind, f.subject, f.body, f.page, f.created_at, f.answer, f.answered_at
		FROM feedback f JOIN users u ON u.id = f.user_id`
	var args []any
	if all {
		if !p.Has(auth.Admin) {
			return nil, errs.Forbid()
		}
	} else {
		q += ` WHERE f.user_id = ?`
		args = append(args, p.UserID)
	}
	q += ` ORDER BY f.id DESC LIMIT 500`
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, errs.Wrap(err, "feedback list")
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var at sql.NullTime
		if err := rows.Scan(&it.ID, &it.UserID, &it.UserName, &it.Kind, &it.Subject, &it.Body, &it.Page, &it.CreatedAt, &it.Answer, &at); err != nil {
			return nil, errs.Wrap(err, "feedback scan")
		}
		if at.Valid {
			it.AnsweredAt = &at.Time
		}
		it.KindLabel = KindLabel(it.Kind)
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "feedback rows")
}

// Answer records the admin's reply.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id int64, answer string) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > 2000 {
		return errs.E(errs.Invalid, "bad_answer", msg.T("feedback.bad_answer"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var old string
		err := tx.QueryRow(ctx, `SELECT answer FROM feedback WHERE id = ?`, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf(msg.T("feedback.noun.feedback"))
		}
		if err != nil {
			return errs.Wrap(err, "feedback load")
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`, answer, p.UserID, tx.Now, id); err != nil {
			return errs.Wrap(err, "feedback answer")
		}
		return audit.Record(ctx, tx, p.Actor(), "feedback.answer", fmt.Sprintf("feedback:%d", id), audit.Change{Before: old, After: answer}, audit.OK)
	})
}
