package study

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Service is the material library: materials, their search index,
// attachments and reading progress.
type Service struct {
	DB *db.DB
	// CurrentRound returns the key of the round in progress ("2025-10-1");
	// it comes from the round package, which imports this one.
	CurrentRound func(ctx context.Context) (string, error)
	Now          func() time.Time
}

// NewService returns a Service.
func NewService(d *db.DB, currentRound func(ctx context.Context) (string, error)) *Service {
	return &Service{DB: d, CurrentRound: currentRound, Now: time.Now}
}

// CanUse reports whether p may open the library at all: anyone with a
// reading role or a member record (the auditor sees only the audit log).
func CanUse(p *auth.Principal) bool {
	return p != nil && (p.Has(auth.Readers...) || p.MemberID != 0)
}

// CanWrite reports whether p may add materials somewhere: the admin
// (district-wide) or a secretary (their unit's business policies).
func CanWrite(p *auth.Principal) bool { return p.Has(auth.Admin, auth.Secretary) }

// visibleTo reports whether p may read a material of the org at path
// ("" = district-wide).
func visibleTo(p *auth.Principal, path string) bool {
	if path == "" {
		return true
	}
	if p.MemberOrgPath != "" && strings.HasPrefix(p.MemberOrgPath, path) {
		return true
	}
	return p.Covers(path, auth.Readers...)
}

// editableBy reports whether p may change a material of the org at path.
func editableBy(p *auth.Principal, path string) bool {
	if path == "" {
		return p.Has(auth.Admin)
	}
	return p.Covers(path, auth.Admin, auth.Secretary)
}

// visibility is the SQL condition matching visibleTo for the materials m
// LEFT JOIN orgs o, with its arguments.
func visibility(p *auth.Principal) (string, []any) {
	conds := []string{"m.org_id IS NULL"}
	var args []any
	if p.MemberOrgPath != "" {
		conds = append(conds, "? LIKE (o.path || '%')")
		args = append(args, p.MemberOrgPath)
	}
	for _, sc := range p.Scopes(auth.Readers...) {
		conds = append(conds, "o.path LIKE ?")
		args = append(args, sc+"%")
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// targetOrg decides where a new material is filed and checks p may file
// it there; it returns the org id (0 = district-wide) and its path.
func (s *Service) targetOrg(ctx context.Context, q db.Querier, p *auth.Principal, orgID int64) (int64, string, error) {
	if orgID == 0 {
		if p.Has(auth.Admin) {
			return 0, "", nil
		}
		for _, g := range p.Grants {
			if g.Role == auth.Secretary {
				return g.OrgID, g.OrgPath, nil
			}
		}
		return 0, "", errs.Forbid()
	}
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path)
	if db.IsNoRows(err) || err == nil && !editableBy(p, path) {
		return 0, "", errs.E(errs.Invalid, "bad_org", msg.T("study.bad_org"))
	}
	if err != nil {
		return 0, "", errs.Wrap(err, "material org")
	}
	return orgID, path, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Create adds a material (the admin district-wide; a secretary for their
// own unit) and indexes it for search.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (int64, error) {
	if !CanWrite(p) {
		return 0, errs.Forbid()
	}
	cat, tags, err := in.check()
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		orgID, _, err := s.targetOrg(ctx, tx, p, in.OrgID)
		if err != nil {
			return err
		}
		if orgID != 0 && cat != CategoryPolicy {
			return errs.E(errs.Invalid, "invalid_material", msg.T("study.invalid_material"))
		}
		id, err = tx.Insert(ctx, `INSERT INTO materials (title, source, published_on, category, body, org_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Title, in.Source, in.PublishedOn, string(cat), in.Body, nullID(orgID), p.UserID, tx.Now, tx.Now)
		if err != nil {
			return errs.Wrap(err, "material insert")
		}
		if err := writeTags(ctx, tx, id, tags); err != nil {
			return err
		}
		if err := writeTerms(ctx, tx, id, in.Title, in.Body); err != nil {
			return err
		}
		in.Body = msg.T("study.material.bodyLength", len([]rune(in.Body)))
		return audit.Record(ctx, tx, p.Actor(), "material.create", fmt.Sprintf("material:%d", id), audit.Change{After: in}, audit.OK)
	})
	return id, err
}

// Update changes a material; the editor must be allowed both where it is
// and where it goes.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in Input) error {
	if !CanWrite(p) {
		return errs.Forbid()
	}
	cat, tags, err := in.check()
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !editableBy(p, old.orgPath) {
			return errs.Forbid()
		}
		orgID := in.OrgID
		if orgID == 0 && !p.Has(auth.Admin) {
			orgID = old.OrgID // a secretary keeps it in their unit
		}
		if orgID, _, err = s.targetOrg(ctx, tx, p, orgID); err != nil {
			return err
		}
		if orgID != 0 && cat != CategoryPolicy {
			return errs.E(errs.Invalid, "invalid_material", msg.T("study.invalid_material"))
		}
		_, err = tx.Exec(ctx, `UPDATE materials SET title = ?, source = ?, published_on = ?, category = ?, body = ?, org_id = ?, updated_at = ? WHERE id = ?`,
			in.Title, in.Source, in.PublishedOn, string(cat), in.Body, nullID(orgID), tx.Now, id)
		if err != nil {
			return errs.Wrap(err, "material update")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM material_tags WHERE material_id = ?`, id); err != nil {
			return errs.Wrap(err, "material tags")
		}
		if err := writeTags(ctx, tx, id, tags); err != nil {
			return err
		}
		if old.Title != in.Title || old.Body != in.Body {
			if err := rewriteTerms(ctx, tx, id, in.Title, in.Body); err != nil {
				return err
			}
		}
		before := map[string]any{"title": old.Title, "category": old.Category, "org_id": old.OrgID, "published_on": old.PublishedOn}
		after := map[string]any{"title": in.Title, "category": cat, "org_id": orgID, "published_on": in.PublishedOn, "tags": tags, "body_changed": old.Body != in.Body}
		return audit.Record(ctx, tx, p.Actor(), "material.update", fmt.Sprintf("material:%d", id), audit.Change{Before: before, After: after}, audit.OK)
	})
}

func writeTags(ctx context.Context, tx *db.Tx, id int64, tags []string) error {
	for _, t := range tags {
		if _, err := tx.Exec(ctx, `INSERT INTO material_tags (material_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return errs.Wrap(err, "material tag")
		}
	}
	return nil
}

const materialCols = `m.id, m.title, m.source, m.published_on, m.category, m.body, COALESCE(m.org_id, 0), COALESCE(o.name, ''), COALESCE(o.path, ''), m.updated_at`

func scanMaterial(sc interface{ Scan(...any) error }, m *Material) error {
	err := sc.Scan(&m.ID, &m.Title, &m.Source, &m.PublishedOn, &m.Category, &m.Body, &m.OrgID, &m.OrgName, &m.orgPath, &m.UpdatedAt)
	m.CatLabel = m.Category.Label()
	return err
}

// load reads one material p may see (NotFound otherwise), with its tags.
func (s *Service) load(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (*Material, error) {
	if !CanUse(p) {
		return nil, errs.Forbid()
	}
	m := &Material{}
	err := scanMaterial(q.QueryRow(ctx, `SELECT `+materialCols+` FROM materials m LEFT JOIN orgs o ON o.id = m.org_id WHERE m.id = ?`, id), m)
	if db.IsNoRows(err) || err == nil && !visibleTo(p, m.orgPath) {
		return nil, errs.NotFoundf(msg.T("study.noun.material"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "material")
	}
	m.Tags, err = tagsOf(ctx, q, id)
	return m, err
}

func tagsOf(ctx context.Context, q db.Querier, id int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT tag FROM material_tags WHERE material_id = ? ORDER BY tag`, id)
	if err != nil {
		return nil, errs.Wrap(err, "tags")
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, errs.Wrap(err, "tags")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "tags")
}

// Get returns a material with its tags, attachments and whether p (as a
// member) has declared it read.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Material, error) {
	m, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return nil, err
	}
	if m.Files, err = s.attachments(ctx, id); err != nil {
		return nil, err
	}
	m.CanEdit = editableBy(p, m.orgPath)
	if p.MemberID != 0 {
		var at sql.NullTime
		err := s.DB.QueryRow(ctx, `SELECT read_at FROM material_reads WHERE material_id = ? AND member_id = ?`, id, p.MemberID).Scan(&at)
		if err != nil && !db.IsNoRows(err) {
			return nil, errs.Wrap(err, "material read")
		}
		if at.Valid {
			t := at.Time.UTC()
			m.Read, m.ReadAt = true, &t
		}
	}
	return m, nil
}

// MarkRead records that the member declares the material read (read=false
// withdraws the declaration). No time on the page is measured: the
// declaration is the member's word, as the national rules require.
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, id int64, read bool) error {
	if _, err := s.load(ctx, s.DB, p, id); err != nil {
		return err
	}
	if p.MemberID == 0 {
		return errs.E(errs.Unprocessable, "not_member", msg.T("study.not_member"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		action := "material.read"
		if read {
			_, err = tx.Exec(ctx, `INSERT INTO material_reads (material_id, member_id, read_at) VALUES (?, ?, ?)
				ON CONFLICT (material_id, member_id) DO NOTHING`, id, p.MemberID, tx.Now)
		} else {
			action = "material.unread"
			_, err = tx.Exec(ctx, `DELETE FROM material_reads WHERE material_id = ? AND member_id = ?`, id, p.MemberID)
		}
		if err != nil {
			return errs.Wrap(err, "material read")
		}
		return audit.Record(ctx, tx, p.Actor(), action, fmt.Sprintf("material:%d", id), nil, audit.OK)
	})
}

// ReadCount is how many members declared a material read (for editors).
func (s *Service) ReadCount(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM material_reads WHERE material_id = ?`, id).Scan(&n)
	return n, errs.Wrap(err, "read count")
}

// Today is a date string in the district's zone, for new materials.
func Today(now time.Time) string {
	return now.In(zone).Format("2006-01-02")
}

var zone = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()
