package rectify

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Training order statuses (订单式培训).
var TrainingStatuses = []struct{ Code, Label string }{
	{"submitted", msg.T("rectify.trainingStatuses.submitted")},
	{"accepted", msg.T("rectify.trainingStatuses.accepted")},
	{"scheduled", msg.T("rectify.trainingStatuses.scheduled")},
	{"done", msg.T("rectify.trainingStatuses.done")},
	{"declined", msg.T("rectify.trainingStatuses.declined")},
}

// TrainingStatusLabel is a status's Chinese name.
func TrainingStatusLabel(code string) string {
	for _, s := range TrainingStatuses {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// TrainingOrder is a unit's request for training.
type TrainingOrder struct {
	ID              int64     `json:"id"`
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	RectificationID int64     `json:"rectification_id,omitempty"`
	Topic           string    `json:"topic"`
	People          int       `json:"people"`
	Note            string    `json:"note"`
	Status          string    `json:"status"`
	StatusLabel     string    `json:"status_label"`
	AdminNote       string    `json:"admin_note"`
	CreatedAt       time.Time `json:"created_at"`
}

// TrainingInput is a new order.
type TrainingInput struct {
	OrgID           int64  `json:"org_id"`
	RectificationID int64  `json:"rectification_id"`
	Topic           string `json:"topic"`
	People          int    `json:"people"`
	Note            string `json:"note"`
}

// OrderTraining records a unit's request, directly or from a rectification.
func (s *Service) OrderTraining(ctx context.Context, p *auth.Principal, in TrainingInput) (int64, error) {
	in.Topic, in.Note = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Note)
	if in.Topic == "" || utf8.RuneCountInString(in.Topic) > 100 {
		return 0, errs.E(errs.Invalid, "bad_topic", msg.T("rectify.bad_topic"))
	}
	if in.People < 1 || in.People > 10000 {
		return 0, errs.E(errs.Invalid, "bad_people", msg.T("rectify.bad_people"))
	}
	if in.RectificationID != 0 {
		it, err := s.Get(ctx, p, in.RectificationID)
		if err != nil {
			return 0, err
		}
		in.OrgID = it.OrgID
	}
	var path string
	if err := s.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, in.OrgID).Scan(&path); err != nil {
		return 0, errs.E(errs.Invalid, "bad_org", msg.T("rectify.bad_org"))
	}
	if !p.Covers(path, auth.Admin, auth.Secretary, auth.GroupLeader, auth.Leader) {
		return 0, errs.NotFoundf(msg.T("noun.org"))
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var rect any
		if in.RectificationID != 0 {
			rect = in.RectificationID
		}
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO training_orders (org_id, rectification_id, topic, people, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.OrgID, rect, in.Topic, in.People, in.Note, p.UserID, tx.Now, tx.Now)
		if err != nil {
			return errs.Wrap(err, "training order")
		}
		return audit.Record(ctx, tx, p.Actor(), "training.order", fmt.Sprintf("training:%d", id), audit.Change{After: in}, audit.OK)
	})
	return id, err
}

// TrainingOrders lists orders in the principal's scope.
func (s *Service) TrainingOrders(ctx context.Context, p *auth.Principal) ([]TrainingOrder, error) {
	var out []TrainingOrder
	for _, path := range p.Scopes(auth.Readers...) {
		rows, err := s.DB.Query(ctx, `SELECT t.id, t.org_id, o.name, COALESCE(t.rectification_id, 0), t.topic, t.people, t.note, t.status, t.admin_note, t.created_at
			FROM training_orders t JOIN orgs o ON o.id = t.org_id WHERE o.path LIKE ? ORDER BY t.id DESC`, path+"%")
		if err != nil {
			return nil, errs.Wrap(err, "training orders")
		}
		for rows.Next() {
			var t TrainingOrder
			if err := rows.Scan(&t.ID, &t.OrgID, &t.OrgName, &t.RectificationID, &t.Topic, &t.People, &t.Note, &t.Status, &t.AdminNote, &t.CreatedAt); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "training scan")
			}
			t.StatusLabel = TrainingStatusLabel(t.Status)
			out = append(out, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "training rows")
		}
	}
	return out, nil
}

// TopicGroup gathers orders on one topic, for the admin to plan a course.
type TopicGroup struct {
	Topic  string          `json:"topic"`
	Units  int             `json:"units"`
	People int             `json:"people"`
	Orders []TrainingOrder `json:"orders"`
}

// ByTopic groups orders by topic (trimmed, case-folded), biggest demand first.
func ByTopic(orders []TrainingOrder) []TopicGroup {
	idx := map[string]int{}
	var out []TopicGroup
	for _, o := range orders {
		key := strings.ToLower(strings.TrimSpace(o.Topic))
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, TopicGroup{Topic: o.Topic})
		}
		out[i].Units++
		out[i].People += o.People
		out[i].Orders = append(out[i].Orders, o)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].People > out[b].People })
	return out
}

// SetTrainingStatus is the admin's answer to an order.
func (s *Service) SetTrainingStatus(ctx context.Context, p *auth.Principal, id int64, status, note string) error {
	if TrainingStatusLabel(status) == status {
		return errs.E(errs.Invalid, "bad_status", msg.T("rectify.bad_status"))
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 500 {
		return errs.E(errs.Invalid, "too_long", msg.T("rectify.too_long2"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var path string
		err := tx.QueryRow(ctx, `SELECT o.path FROM training_orders t JOIN orgs o ON o.id = t.org_id WHERE t.id = ?`, id).Scan(&path)
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("rectify.noun.training"))
		}
		if err != nil {
			return errs.Wrap(err, "training")
		}
		if !p.Covers(path, auth.Admin) {
			return errs.Forbid()
		}
		if _, err := tx.Exec(ctx, `UPDATE training_orders SET status = ?, admin_note = ?, updated_at = ? WHERE id = ?`, status, note, tx.Now, id); err != nil {
			return errs.Wrap(err, "training status")
		}
		return audit.Record(ctx, tx, p.Actor(), "training.status", fmt.Sprintf("training:%d", id), map[string]any{"status": status, "note": note}, audit.OK)
	})
}
