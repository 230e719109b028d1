package rectify

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/msg"
)

// Service is the rectification ledger and training orders.
type Service struct {
	DB       *db.DB
	Meetings *meeting.Service
	Zone     *time.Location
	Now      func() time.Time
}

// NewService returns a Service.
func NewService(d *db.DB, m *meeting.Service, zone *time.Location) *Service {
	return &Service{DB: d, Meetings: m, Zone: zone, Now: time.Now}
}

// Item is one line of the ledger (整改台账).
type Item struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	MeetingID   int64      `json:"meeting_id,omitempty"`
	Source      string     `json:"source"`
	Problem     string     `json:"problem"`
	Category    Category   `json:"category"`
	OwnerID     int64      `json:"owner_id"`
	OwnerName   string     `json:"owner_name"`
	Measure     string     `json:"measure"`
	Deadline    string     `json:"deadline"`
	Status      Status     `json:"status"`
	Evidence    string     `json:"evidence"`
	HasFile     bool       `json:"has_file"`
	Reject      string     `json:"reject_reason,omitempty"`
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
	Overdue     bool       `json:"overdue"`
	CreatedAt   time.Time  `json:"created_at"`
	StatusLabel string     `json:"status_label"`
	CatLabel    string     `json:"category_label"`
	orgPath     string
}

// Input is a problem raised (查摆问题) and the rectification it becomes.
type Input struct {
	MeetingID int64  `json:"meeting_id"`
	OrgID     int64  `json:"org_id"` // when not from a meeting
	Source    string `json:"source"` // meeting | sitin | direct
	Problem   string `json:"problem"`
	Category  string `json:"category"`
	OwnerID   int64  `json:"owner_id"`
	Measure   string `json:"measure"`
	Deadline  string `json:"deadline"` // YYYY-MM-DD
	Amend     string `json:"amend_reason"`
}

func (s *Service) checkInput(in *Input) (Category, error) {
	in.Problem, in.Measure, in.Deadline = strings.TrimSpace(in.Problem), strings.TrimSpace(in.Measure), strings.TrimSpace(in.Deadline)
	var fe []errs.FieldError
	add := func(f, r string) { fe = append(fe, errs.FieldError{Field: f, Reason: r}) }
	if in.Problem == "" || utf8.RuneCountInString(in.Problem) > 1000 {
		add("problem", msg.T("rectify.noProblem"))
	}
	cat, err := ParseCategory(in.Category)
	if err != nil {
		add("category", err.Error())
	}
	if in.Measure == "" || utf8.RuneCountInString(in.Measure) > 1000 {
		add("measure", msg.T("rectify.noMeasure"))
	}
	if in.OwnerID == 0 {
		add("owner_id", msg.T("rectify.noOwner"))
	}
	d, err := time.ParseInLocation("2006-01-02", in.Deadline, s.Zone)
	if err != nil {
		add("deadline", msg.T("rectify.badDeadline"))
	} else if d.Before(time.Date(s.Now().In(s.Zone).Year(), s.Now().In(s.Zone).Month(), s.Now().In(s.Zone).Day(), 0, 0, 0, 0, s.Zone)) && in.Amend == "" {
		add("deadline", msg.T("rectify.pastDeadline"))
	}
	if len(fe) > 0 {
		return "", errs.E(errs.Invalid, "invalid_rectification", fe[0].Reason).WithFields(fe)
	}
	return cat, nil
}

// Raise records a problem found in a meeting and opens its rectification
// (the secretary, group leader or recorder of the meeting). A problem found
// by an observer comes in the same way with Source "sitin".
func (s *Service) Raise(ctx context.Context, p *auth.Principal, in Input) (int64, error) {
	cat, err := s.checkInput(&in)
	if err != nil {
		return 0, err
	}
	if in.Source == "" {
		in.Source = "meeting"
	}
	orgID, err := s.raiseScope(ctx, p, &in)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var owner int64
		if err := tx.QueryRow(ctx, `SELECT org_id FROM members WHERE id = ?`, in.OwnerID).Scan(&owner); err != nil || owner != orgID {
			return errs.E(errs.Invalid, "bad_owner", msg.T("rectify.bad_owner"))
		}
		var meetingID any
		if in.MeetingID != 0 {
			meetingID = in.MeetingID
		}
		id, err = tx.Insert(ctx, `INSERT INTO rectifications (org_id, meeting_id, source, problem, category, owner_id, measure, deadline, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			orgID, meetingID, in.Source, in.Problem, string(cat), in.OwnerID, in.Measure, in.Deadline, string(StatusPending), p.UserID, tx.Now, tx.Now)
		if err != nil {
			return errs.Wrap(err, "raise")
		}
		action := "rectification.create"
		if in.Amend != "" {
			action = "meeting.amend.problem"
		}
		return audit.Record(ctx, tx, p.Actor(), action, fmt.Sprintf("rectification:%d", id), audit.Change{After: in, Reason: in.Amend}, audit.OK)
	})
	return id, err
}

// raiseScope checks the principal may raise a problem for the meeting (or
// unit) and returns the unit's id.
func (s *Service) raiseScope(ctx context.Context, p *auth.Principal, in *Input) (int64, error) {
	if in.MeetingID != 0 {
		m, err := s.Meetings.Get(ctx, p, in.MeetingID)
		if err != nil {
			return 0, err
		}
		if _, rec, _ := meeting.Can(p, m); !rec {
			return 0, errs.Forbid()
		}
		if m.Finalized() && strings.TrimSpace(in.Amend) == "" {
			return 0, errs.E(errs.Conflict, "finalized", msg.T("rectify.finalized"))
		}
		return m.OrgID, nil
	}
	var path string
	err := s.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, in.OrgID).Scan(&path)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundf(msg.T("noun.org"))
	}
	if err != nil {
		return 0, errs.Wrap(err, "org")
	}
	if !p.Covers(path, auth.Admin, auth.TaskForce, auth.Secretary, auth.GroupLeader, auth.Leader) {
		return 0, errs.NotFoundf(msg.T("noun.org"))
	}
	return in.OrgID, nil
}

// Filter narrows the ledger.
type Filter struct {
	OrgID    int64
	Status   string
	Category string
	Overdue  bool
	Owner    int64 // only this member's
	Query    string
}

const itemCols = `r.id, r.org_id, o.name, o.path, COALESCE(r.meeting_id, 0), r.source, r.problem, r.category, r.owner_id, mb.name, r.measure, r.deadline,
	r.status, r.evidence, r.evidence_file_id IS NOT NULL, r.reject_reason, r.verified_at, r.created_at`

func (s *Service) scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var verified sql.NullTime
	err := sc.Scan(&it.ID, &it.OrgID, &it.OrgName, &it.orgPath, &it.MeetingID, &it.Source, &it.Problem, &it.Category, &it.OwnerID, &it.OwnerName,
		&it.Measure, &it.Deadline, &it.Status, &it.Evidence, &it.HasFile, &it.Reject, &verified, &it.CreatedAt)
	if verified.Valid {
		it.VerifiedAt = &verified.Time
	}
	if d, err := time.ParseInLocation("2006-01-02", it.Deadline, s.Zone); err == nil {
		it.Overdue = Overdue(d, it.Status, s.Now())
	}
	it.StatusLabel, it.CatLabel = it.Status.Label(), it.Category.Label()
	return it, err
}

// Ledger lists rectifications the principal may see: everything in their
// reading scope, plus their own as an owner; newest first, at most 5,000
// (the export and the API).
func (s *Service) Ledger(ctx context.Context, p *auth.Principal, f Filter) ([]Item, error) {
	where, args, err := s.ledgerWhere(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return s.ledgerRows(ctx, where, args, 0, 5000)
}

// LedgerCounts are the totals of a filtered ledger, for paging it.
type LedgerCounts struct {
	Total   int
	Overdue int
}

// LedgerPage is one page of the ledger and the totals of the whole
// filtered list: a district holds thousands of rectifications, too many
// for one page on a phone.
func (s *Service) LedgerPage(ctx context.Context, p *auth.Principal, f Filter, offset, limit int) ([]Item, LedgerCounts, error) {
	var c LedgerCounts
	where, args, err := s.ledgerWhere(ctx, p, f)
	if err != nil {
		return nil, c, err
	}
	today := s.Now().In(s.Zone).Format("2006-01-02")
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.status IN ('pending','in_progress') AND r.deadline < ? THEN 1 ELSE 0 END), 0)
		FROM rectifications r JOIN orgs o ON o.id = r.org_id JOIN members mb ON mb.id = r.owner_id WHERE `+where,
		append([]any{today}, args...)...).Scan(&c.Total, &c.Overdue)
	if err != nil {
		return nil, c, errs.Wrap(err, "ledger counts")
	}
	items, err := s.ledgerRows(ctx, where, args, offset, limit)
	return items, c, err
}

func (s *Service) ledgerRows(ctx context.Context, where string, args []any, offset, limit int) ([]Item, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+itemCols+` FROM rectifications r JOIN orgs o ON o.id = r.org_id JOIN members mb ON mb.id = r.owner_id
		WHERE `+where+` ORDER BY r.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, errs.Wrap(err, "ledger")
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		it, err := s.scanItem(rows)
		if err != nil {
			return nil, errs.Wrap(err, "ledger scan")
		}
		out = append(out, it)
	}
	return out, errs.Wrap(rows.Err(), "ledger rows")
}

// ledgerWhere turns the scope and the filter into a WHERE clause.
func (s *Service) ledgerWhere(ctx context.Context, p *auth.Principal, f Filter) (string, []any, error) {
	var where []string
	var args []any
	var scope []string
	for _, path := range p.Scopes(auth.Readers...) {
		scope = append(scope, "o.path LIKE ?")
		args = append(args, path+"%")
	}
	if p.MemberID != 0 {
		scope = append(scope, "r.owner_id = ?")
		args = append(args, p.MemberID)
	}
	if len(scope) == 0 {
		return "", nil, errs.Forbid()
	}
	where = append(where, "("+strings.Join(scope, " OR ")+")")
	if f.OrgID != 0 {
		var path string
		if err := s.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, f.OrgID).Scan(&path); err != nil {
			return "", nil, errs.NotFoundf(msg.T("noun.org"))
		}
		where = append(where, "o.path LIKE ?")
		args = append(args, path+"%")
	}
	if f.Status != "" {
		st, err := ParseStatus(f.Status)
		if err != nil {
			return "", nil, err
		}
		where = append(where, "r.status = ?")
		args = append(args, string(st))
	}
	if f.Category != "" {
		c, err := ParseCategory(f.Category)
		if err != nil {
			return "", nil, err
		}
		where = append(where, "r.category = ?")
		args = append(args, string(c))
	}
	if f.Owner != 0 {
		where = append(where, "r.owner_id = ?")
		args = append(args, f.Owner)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(r.problem LIKE ? OR r.measure LIKE ? OR mb.name LIKE ?)")
		args = append(args, "%"+q+"%", "%"+q+"%", "%"+q+"%")
	}
	if f.Overdue {
		today := s.Now().In(s.Zone).Format("2006-01-02")
		where = append(where, "r.status IN ('pending','in_progress') AND r.deadline < ?")
		args = append(args, today)
	}
	return strings.Join(where, " AND "), args, nil
}

// Get returns one rectification the principal may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Item, error) {
	it, err := s.scanItem(s.DB.QueryRow(ctx, `SELECT `+itemCols+` FROM rectifications r JOIN orgs o ON o.id = r.org_id JOIN members mb ON mb.id = r.owner_id WHERE r.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !p.Covers(it.orgPath, auth.Readers...) && p.MemberID != it.OwnerID) {
		return it, errs.NotFoundf(msg.T("rectify.noun.rectification"))
	}
	return it, errs.Wrap(err, "rectification")
}

// Change is a status change with what it needs.
type Change struct {
	Status   string `json:"status"`
	Evidence string `json:"evidence"`
	Reason   string `json:"reason"`
	FileID   int64  `json:"-"`
}

// Update moves a rectification through its states: the owner (or the
// unit's secretary on their behalf) starts it and reports it done with
// evidence; the secretary or group leader — never the owner — verifies it
// or sends it back with a reason.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, c Change) (Item, error) {
	it, err := s.Get(ctx, p, id)
	if err != nil {
		return it, err
	}
	to, err := ParseStatus(c.Status)
	if err != nil {
		return it, err
	}
	c.Evidence, c.Reason = strings.TrimSpace(c.Evidence), strings.TrimSpace(c.Reason)
	if utf8.RuneCountInString(c.Evidence) > 2000 || utf8.RuneCountInString(c.Reason) > 500 {
		return it, errs.E(errs.Invalid, "too_long", msg.T("rectify.too_long"))
	}
	mv := Move{Actor: p.MemberID, Owner: it.OwnerID, Verifier: p.Covers(it.orgPath, auth.Admin, auth.Secretary, auth.GroupLeader),
		Evidence: c.Evidence, HasFile: c.FileID != 0 || it.HasFile, Reason: c.Reason}
	if mv.Actor == 0 {
		mv.Actor = -p.UserID // an admin without a member record is never the owner
	}
	if !mv.Verifier && mv.Actor != mv.Owner {
		// Readers of the ledger (the task force, a leader) follow
		// rectifications; only the owner and the unit's leaders move them.
		return it, errs.Forbid()
	}
	if err := Transition(it.Status, to, mv); err != nil {
		return it, err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		q := `UPDATE rectifications SET status = ?, updated_at = ?`
		args := []any{string(to), tx.Now}
		switch to {
		case StatusDone:
			q += `, evidence = ?, done_at = ?, reject_reason = ''`
			args = append(args, c.Evidence, tx.Now)
			if c.FileID != 0 {
				q += `, evidence_file_id = ?`
				args = append(args, c.FileID)
			}
		case StatusVerified:
			q += `, verified_by = ?, verified_at = ?`
			args = append(args, p.UserID, tx.Now)
		case StatusInProgress:
			if it.Status == StatusDone {
				q += `, reject_reason = ?`
				args = append(args, c.Reason)
			}
		}
		// The WHERE on the old status makes two concurrent moves from the
		// same state impossible: the second changes nothing and is refused.
		r, err := tx.Exec(ctx, q+` WHERE id = ? AND status = ?`, append(args, id, string(it.Status))...)
		if err != nil {
			return errs.Wrap(err, "update rectification")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "changed", msg.T("rectify.changed"))
		}
		return audit.Record(ctx, tx, p.Actor(), "rectification."+string(to), fmt.Sprintf("rectification:%d", id),
			audit.Change{Before: it.Status, After: c}, audit.OK)
	})
	if err != nil {
		return it, err
	}
	return s.Get(ctx, p, id)
}

// SaveFile stores an evidence file (size and type checked by the caller's
// limits) and returns its id.
func (s *Service) SaveFile(ctx context.Context, p *auth.Principal, name, mime string, data []byte) (int64, error) {
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO files (name, mime, size, data, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`, name, mime, len(data), data, p.UserID, tx.Now)
		return errs.Wrap(err, "save file")
	})
	return id, err
}

// File returns an evidence file of a rectification the principal may see.
func (s *Service) File(ctx context.Context, p *auth.Principal, rectID int64) (string, string, []byte, error) {
	if _, err := s.Get(ctx, p, rectID); err != nil {
		return "", "", nil, err
	}
	var name, mime string
	var data []byte
	err := s.DB.QueryRow(ctx, `SELECT f.name, f.mime, f.data FROM rectifications r JOIN files f ON f.id = r.evidence_file_id WHERE r.id = ?`, rectID).Scan(&name, &mime, &data)
	if db.IsNoRows(err) {
		return "", "", nil, errs.NotFoundf(msg.T("rectify.noun.evidence"))
	}
	return name, mime, data, errs.Wrap(err, "file")
}

// ExportLedger writes the ledger as .xlsx.
func (s *Service) ExportLedger(ctx context.Context, p *auth.Principal, items []Item) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := msg.T("rectify.ledger.sheet")
	_ = f.SetSheetName("Sheet1", sheet)
	head := []string{msg.T("rectify.ledger.no"), msg.T("rectify.ledger.unit"), msg.T("rectify.ledger.problem"), msg.T("rectify.ledger.category"), msg.T("rectify.ledger.owner"), msg.T("rectify.ledger.measure"), msg.T("rectify.ledger.deadline"), msg.T("rectify.ledger.status"), msg.T("rectify.ledger.overdueColumn"), msg.T("rectify.ledger.evidence"), msg.T("rectify.ledger.verifiedAt"), msg.T("rectify.ledger.source")}
	for i, h := range head {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		_ = f.SetCellStr(sheet, cell, h)
	}
	for r, it := range items {
		over, verified := "", ""
		if it.Overdue {
			over = msg.T("rectify.ledger.overdue")
		}
		if it.VerifiedAt != nil {
			verified = it.VerifiedAt.In(s.Zone).Format("2006-01-02")
		}
		vals := []any{r + 1, it.OrgName, it.Problem, it.CatLabel, it.OwnerName, it.Measure, it.Deadline, it.StatusLabel, over, it.Evidence, verified, sourceLabel(it.Source)}
		for c, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			_ = f.SetCellValue(sheet, cell, v)
		}
	}
	_ = f.SetColWidth(sheet, "B", "F", 24)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, errs.Wrap(err, "ledger xlsx")
	}
	if err := audit.RecordNow(ctx, s.DB, p.Actor(), "rectification.export", "ledger", map[string]any{"rows": len(items)}, audit.OK); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sourceLabel(s string) string {
	switch s {
	case "sitin":
		return msg.T("rectify.sourceLabel.sitin")
	case "direct":
		return msg.T("rectify.sourceLabel.direct")
	}
	return msg.T("rectify.sourceLabel")
}

// SourceLabel is the Chinese name of where a problem was found.
func SourceLabel(s string) string { return sourceLabel(s) }
