package meeting

import (
	"context"
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
	"xuejiangping/internal/study"
)

// PlanInput is a meeting plan.
type PlanInput struct {
	OrgID      int64           `json:"org_id"`
	RoundKey   string          `json:"round_key"`
	PlannedAt  time.Time       `json:"planned_at"`
	Place      string          `json:"place"`
	Topic      string          `json:"topic"`
	HostID     int64           `json:"host_id"`
	RecorderID int64           `json:"recorder_id"`
	LeadID     int64           `json:"lead_reader_id"`
	Materials  []MaterialInput `json:"materials"`
}

// MaterialInput is one assigned material.
type MaterialInput struct {
	Title    string `json:"title"`
	Category string `json:"category"`
	Note     string `json:"note"`
}

// check validates the plan's own fields, reporting every problem.
func (in *PlanInput) check(members map[int64]bool) []errs.FieldError {
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	in.Place, in.Topic = strings.TrimSpace(in.Place), strings.TrimSpace(in.Topic)
	if in.PlannedAt.IsZero() {
		add("planned_at", msg.T("meeting.noTime"))
	}
	if in.Place == "" || utf8.RuneCountInString(in.Place) > 100 {
		add("place", msg.T("meeting.badPlace"))
	}
	if utf8.RuneCountInString(in.Topic) > 200 {
		add("topic", msg.T("meeting.topicTooLong"))
	}
	for _, x := range []struct {
		id    int64
		field string
		label string
	}{{in.HostID, "host_id", msg.T("meeting.role.host")}, {in.RecorderID, "recorder_id", msg.T("meeting.role.recorder")}, {in.LeadID, "lead_reader_id", msg.T("meeting.role.lead")}} {
		if x.id == 0 {
			add(x.field, msg.T("meeting.choose", x.label))
		} else if !members[x.id] {
			add(x.field, msg.T("meeting.mustBeMember", x.label))
		}
	}
	if len(in.Materials) == 0 {
		add("materials", msg.T("meeting.noMaterials"))
	}
	for i := range in.Materials {
		mat := &in.Materials[i]
		mat.Title, mat.Note = strings.TrimSpace(mat.Title), strings.TrimSpace(mat.Note)
		if mat.Title == "" || utf8.RuneCountInString(mat.Title) > 200 {
			add("materials", msg.T("meeting.materialNoTitle", i+1))
		}
		c, err := study.ParseCategory(mat.Category)
		if err != nil {
			add("materials", msg.T("meeting.materialBadCategory", i+1, errs.As(err).Message))
		}
		mat.Category = string(c)
	}
	return fe
}

// Plan creates the unit's meeting for a round. The materials must cover
// every must-study category the round's notices require; if they do not,
// the error names the missing ones and nothing is written.
func (s *Service) Plan(ctx context.Context, p *auth.Principal, in PlanInput) (int64, error) {
	r, _, err := s.Rounds.ByKey(ctx, in.RoundKey)
	if err != nil {
		return 0, err
	}
	u, err := unitOf(ctx, s.DB, in.OrgID)
	if err != nil {
		return 0, err
	}
	if !p.Covers(u.Path, auth.Admin, auth.Secretary, auth.GroupLeader) {
		if p.Covers(u.Path, auth.Readers...) || p.MemberOrgID == u.ID {
			return 0, errs.Forbid()
		}
		return 0, errs.NotFoundf(msg.T("noun.org"))
	}
	members, err := memberSet(ctx, s.DB, u.ID)
	if err != nil {
		return 0, err
	}
	if fe := in.check(members); len(fe) > 0 {
		return 0, errs.E(errs.Invalid, "invalid_plan", fe[0].Reason).WithFields(fe)
	}
	if in.PlannedAt.Before(r.Opens) {
		return 0, errs.E(errs.Unprocessable, "too_early", msg.T("meeting.too_early", r.Label(), r.Opens.Format(msg.T("meeting.dayLayout"))))
	}
	if err := s.checkCoverage(ctx, in.RoundKey, u.Path, in.Materials); err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err = tx.Insert(ctx, `INSERT INTO meetings (org_id, round_key, planned_at, place, topic, host_id, recorder_id, lead_reader_id, secret, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.OrgID, in.RoundKey, in.PlannedAt.UTC(), in.Place, in.Topic, in.HostID, in.RecorderID, in.LeadID, newSecret(), p.UserID, tx.Now, tx.Now)
		if errors.Is(err, db.ErrUnique) {
			return errs.E(errs.Conflict, "already_planned", msg.T("meeting.already_planned", u.Name, r.Label()))
		}
		if err != nil {
			return errs.Wrap(err, "plan")
		}
		if err := insertMaterials(ctx, tx, id, in.Materials); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "meeting.plan", fmt.Sprintf("meeting:%d", id), audit.Change{After: in}, audit.OK)
	})
	return id, err
}

func (s *Service) checkCoverage(ctx context.Context, roundKey, path string, mats []MaterialInput) error {
	required, err := RequiredCategories(ctx, s.DB, roundKey, path)
	if err != nil {
		return err
	}
	var covered []study.Category
	for _, m := range mats {
		covered = append(covered, study.Category(m.Category))
	}
	if missing := study.MissingCategories(required, covered); len(missing) > 0 {
		var labels []string
		for _, c := range missing {
			labels = append(labels, fmt.Sprintf("“%s”", c.Label()))
		}
		return errs.E(errs.Unprocessable, "missing_categories", msg.T("meeting.missing_categories", strings.Join(labels, "、")))
	}
	return nil
}

func insertMaterials(ctx context.Context, tx *db.Tx, meetingID int64, mats []MaterialInput) error {
	for _, m := range mats {
		if _, err := tx.Exec(ctx, `INSERT INTO meeting_materials (meeting_id, title, category, note) VALUES (?, ?, ?, ?)`, meetingID, m.Title, m.Category, m.Note); err != nil {
			return errs.Wrap(err, "material")
		}
	}
	return nil
}

func memberSet(ctx context.Context, q db.Querier, orgID int64) (map[int64]bool, error) {
	rows, err := q.Query(ctx, `SELECT id FROM members WHERE org_id = ?`, orgID)
	if err != nil {
		return nil, errs.Wrap(err, "members")
	}
	defer rows.Close()
	set := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "member scan")
		}
		set[id] = true
	}
	return set, errs.Wrap(rows.Err(), "member rows")
}
