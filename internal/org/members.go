package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

const memberCols = `m.id, m.org_id, o.name, o.path, m.name, m.gender, m.birth_date, m.joined_date, COALESCE(m.phone, ''), m.position, m.status,
	EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id)`

func scanMember(sc interface{ Scan(...any) error }) (*Member, error) {
	m := &Member{}
	err := sc.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.orgPath, &m.Name, &m.Gender, &m.BirthDate, &m.JoinedDate, &m.Phone, &m.Position, &m.Status, &m.HasAccount)
	return m, err
}

// canSeeAll reports whether p sees full phone numbers of others: only the
// admin does (in lists and records alike).
func canSeeFull(p *auth.Principal, m *Member) bool {
	return p.Covers(m.orgPath, auth.Admin) || p.MemberID == m.ID
}

// Members lists the members of an org (or of its whole subtree), phones
// masked except for the admin and the person themself.
func (s *Service) Members(ctx context.Context, p *auth.Principal, orgID int64, subtree bool) ([]*Member, error) {
	o, err := s.Get(ctx, p, orgID)
	if err != nil {
		return nil, err
	}
	where, arg := `m.org_id = ?`, any(orgID)
	if subtree {
		where, arg = `o.path LIKE ?`, o.Path+"%"
	}
	rows, err := s.DB.Query(ctx, `SELECT `+memberCols+` FROM members m JOIN orgs o ON o.id = m.org_id WHERE `+where+` ORDER BY o.path, m.id`, arg)
	if err != nil {
		return nil, errs.Wrap(err, "members")
	}
	defer rows.Close()
	var out []*Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, errs.Wrap(err, "member scan")
		}
		if !canSeeFull(p, m) {
			m.Phone = MaskPhone(m.Phone)
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "member rows")
}

func (s *Service) loadMember(ctx context.Context, q db.Querier, id int64) (*Member, error) {
	m, err := scanMember(q.QueryRow(ctx, `SELECT `+memberCols+` FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf(msg.T("noun.member"))
	}
	return m, errs.Wrap(err, "load member")
}

// GetMember returns a member's record: to readers of their org, and to the
// member themself. The phone is shown in full to managers of the org (they
// need to call) and to the member.
func (s *Service) GetMember(ctx context.Context, p *auth.Principal, id int64) (*Member, error) {
	m, err := s.loadMember(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if p.MemberID != m.ID && !p.Covers(m.orgPath, auth.Readers...) {
		return nil, errs.NotFoundf(msg.T("noun.member"))
	}
	if !canSeeFull(p, m) && !p.Covers(m.orgPath, auth.Managers...) {
		m.Phone = MaskPhone(m.Phone)
	}
	return m, nil
}

// MemberInput is a new or changed member record.
type MemberInput struct {
	OrgID      int64  `json:"org_id"`
	Name       string `json:"name"`
	Gender     string `json:"gender"`
	BirthDate  string `json:"birth_date"`
	JoinedDate string `json:"joined_date"`
	Phone      string `json:"phone"`
	Position   string `json:"position"`
	Status     string `json:"status"`
}

// Normalize trims every field and fills the default status.
func (in *MemberInput) Normalize() {
	for _, f := range []*string{&in.Name, &in.Gender, &in.BirthDate, &in.JoinedDate, &in.Phone, &in.Position, &in.Status} {
		*f = strings.TrimSpace(*f)
	}
	if in.Status == "" {
		in.Status = "正常"
	}
}

// Check validates the fields (not the org), returning every problem.
func (in *MemberInput) Check(now timeNow) []errs.FieldError {
	var fe []errs.FieldError
	add := func(field, reason string) { fe = append(fe, errs.FieldError{Field: field, Reason: reason}) }
	if in.Name == "" {
		add("name", msg.T("org.nameRequired"))
	} else if utf8.RuneCountInString(in.Name) > 20 {
		add("name", msg.T("org.nameTooLong"))
	}
	if in.Gender != "" && !slices.Contains(Genders, in.Gender) {
		add("gender", msg.T("org.badGender"))
	}
	if err := CheckDate(msg.T("org.label.birthDate"), in.BirthDate, now()); err != nil {
		add("birth_date", errs.As(err).Message)
	}
	if err := CheckDate(msg.T("org.label.joinedDate"), in.JoinedDate, now()); err != nil {
		add("joined_date", errs.As(err).Message)
	}
	if in.BirthDate != "" && in.JoinedDate != "" && in.JoinedDate < in.BirthDate {
		add("joined_date", msg.T("org.joinedBeforeBirth"))
	}
	if err := CheckPhone(in.Phone); err != nil {
		add("phone", errs.As(err).Message)
	}
	if utf8.RuneCountInString(in.Position) > 40 {
		add("position", msg.T("org.positionTooLong"))
	}
	if !slices.Contains(Statuses, in.Status) {
		add("status", msg.T("org.badStatus", strings.Join(Statuses, "、")))
	}
	return fe
}

func invalidMember(fe []errs.FieldError) error {
	return errs.E(errs.Invalid, "invalid_member", fe[0].Reason).WithFields(fe)
}

// unitFor checks that orgID is an activity unit the principal manages.
func (s *Service) unitFor(ctx context.Context, q db.Querier, p *auth.Principal, orgID int64) (*Org, error) {
	o, err := s.load(ctx, q, orgID)
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_org", msg.T("org.bad_org"))
	}
	if !p.Covers(o.Path, auth.Managers...) {
		return nil, errs.Forbid()
	}
	if !o.IsUnit() {
		return nil, errs.E(errs.Unprocessable, "not_unit", msg.T("org.not_unit"))
	}
	return o, nil
}

// CreateMember adds a member to an activity unit the principal manages.
func (s *Service) CreateMember(ctx context.Context, p *auth.Principal, in MemberInput) (*Member, error) {
	in.Normalize()
	if fe := in.Check(nowFunc); len(fe) > 0 {
		return nil, invalidMember(fe)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := s.unitFor(ctx, tx, p, in.OrgID); err != nil {
			return err
		}
		var err error
		id, err = insertMember(ctx, tx, in)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "member.create", memberTarget(id), audit.Change{After: in}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	return s.GetMember(ctx, p, id)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertMember writes a member row (no checks).
func insertMember(ctx context.Context, tx *db.Tx, in MemberInput) (int64, error) {
	id, err := tx.Insert(ctx, `INSERT INTO members (org_id, name, gender, birth_date, joined_date, phone, position, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		in.OrgID, in.Name, in.Gender, in.BirthDate, in.JoinedDate, nullStr(in.Phone), in.Position, in.Status, tx.Now, tx.Now)
	if errors.Is(err, db.ErrUnique) {
		return 0, errs.E(errs.Conflict, "duplicate_phone", msg.T("org.duplicate_phone"))
	}
	return id, errs.Wrap(err, "insert member")
}

// InsertMember adds a member without scope checks (setup and the demo).
func InsertMember(ctx context.Context, tx *db.Tx, in MemberInput) (int64, error) {
	in.Normalize()
	return insertMember(ctx, tx, in)
}

// MemberPatch changes a member; nil fields stay.
type MemberPatch struct {
	OrgID      *int64  `json:"org_id"`
	Name       *string `json:"name"`
	Gender     *string `json:"gender"`
	BirthDate  *string `json:"birth_date"`
	JoinedDate *string `json:"joined_date"`
	Phone      *string `json:"phone"`
	Position   *string `json:"position"`
	Status     *string `json:"status"`
}

// UpdateMember changes a member the principal manages (the new org, if
// any, must be managed too).
func (s *Service) UpdateMember(ctx context.Context, p *auth.Principal, id int64, patch MemberPatch) (*Member, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		m, err := s.loadMember(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Covers(m.orgPath, auth.Managers...) {
			if p.MemberID == m.ID || p.Covers(m.orgPath, auth.Readers...) {
				return errs.Forbid()
			}
			return errs.NotFoundf(msg.T("noun.member"))
		}
		in := MemberInput{OrgID: m.OrgID, Name: m.Name, Gender: m.Gender, BirthDate: m.BirthDate, JoinedDate: m.JoinedDate, Phone: m.Phone, Position: m.Position, Status: m.Status}
		before := in
		applyPatch(&in, patch)
		in.Normalize()
		if fe := in.Check(nowFunc); len(fe) > 0 {
			return invalidMember(fe)
		}
		if in.OrgID != m.OrgID {
			if _, err := s.unitFor(ctx, tx, p, in.OrgID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE members SET org_id = ?, name = ?, gender = ?, birth_date = ?, joined_date = ?, phone = ?, position = ?, status = ?, updated_at = ? WHERE id = ?`,
			in.OrgID, in.Name, in.Gender, in.BirthDate, in.JoinedDate, nullStr(in.Phone), in.Position, in.Status, tx.Now, id)
		if errors.Is(err, db.ErrUnique) {
			return errs.E(errs.Conflict, "duplicate_phone", msg.T("org.duplicate_phone"))
		}
		if err != nil {
			return errs.Wrap(err, "update member")
		}
		return audit.Record(ctx, tx, p.Actor(), "member.update", memberTarget(id), audit.Change{Before: before, After: in}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	return s.GetMember(ctx, p, id)
}

func applyPatch(in *MemberInput, p MemberPatch) {
	if p.OrgID != nil {
		in.OrgID = *p.OrgID
	}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&in.Name, p.Name}, {&in.Gender, p.Gender}, {&in.BirthDate, p.BirthDate}, {&in.JoinedDate, p.JoinedDate}, {&in.Phone, p.Phone}, {&in.Position, p.Position}, {&in.Status, p.Status}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
}
