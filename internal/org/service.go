package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Service is the organisation tree and its members.
type Service struct {
	DB *db.DB
}

// New returns a Service.
func New(d *db.DB) *Service { return &Service{DB: d} }

const orgCols = `o.id, COALESCE(o.parent_id, 0), o.name, o.kind, o.path, o.sort,
	(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id),
	EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id AND g.kind = 'group')`

func scanOrg(sc interface{ Scan(...any) error }) (*Org, error) {
	o := &Org{}
	err := sc.Scan(&o.ID, &o.ParentID, &o.Name, &o.Kind, &o.Path, &o.Sort, &o.Members, &o.HasGroups)
	o.KindLabel = o.Kind.Label()
	o.Depth = depthOf(o.Path)
	return o, err
}

// load reads one org without any scope check.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (*Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT `+orgCols+` FROM orgs o WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFoundf(msg.T("noun.org"))
	}
	return o, errs.Wrap(err, "load org")
}

// Get returns an org the principal may read; others are NotFound, so that
// their existence does not leak.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Org, error) {
	o, err := s.load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !p.Covers(o.Path, auth.Readers...) {
		return nil, errs.NotFoundf(msg.T("noun.org"))
	}
	return o, nil
}

// Tree returns the orgs the principal may read, as forests rooted at each
// of their scopes, children in display order.
func (s *Service) Tree(ctx context.Context, p *auth.Principal) ([]*Org, error) {
	scopes := p.Scopes(auth.Readers...)
	if len(scopes) == 0 {
		return nil, errs.Forbid()
	}
	var roots []*Org
	for _, sc := range scopes {
		all, err := s.subtree(ctx, sc)
		if err != nil {
			return nil, err
		}
		roots = append(roots, build(all)...)
	}
	return roots, nil
}

// Subtree returns the flat list of orgs under (and including) the org, in
// tree order.
func (s *Service) Subtree(ctx context.Context, p *auth.Principal, id int64) ([]*Org, error) {
	o, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.subtree(ctx, o.Path)
}

func (s *Service) subtree(ctx context.Context, path string) ([]*Org, error) {
	rows, err := s.DB.Query(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.name, o.kind, o.path, o.sort,
		COALESCE(mc.n, 0), EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id AND g.kind = 'group')
		FROM orgs o LEFT JOIN (SELECT org_id, COUNT(*) AS n FROM members GROUP BY org_id) mc ON mc.org_id = o.id
		WHERE o.path LIKE ? ORDER BY o.path`, path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "subtree")
	}
	defer rows.Close()
	var out []*Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Wrap(err, "subtree scan")
		}
		out = append(out, o)
	}
	return sortTree(out), errs.Wrap(rows.Err(), "subtree rows")
}

// build links a flat list (parents before children) into trees.
func build(all []*Org) []*Org {
	byID := map[int64]*Org{}
	var roots []*Org
	for _, o := range all {
		byID[o.ID] = o
	}
	for _, o := range all {
		if p, ok := byID[o.ParentID]; ok {
			p.Children = append(p.Children, o)
		} else {
			roots = append(roots, o)
		}
	}
	return roots
}

// sortTree orders a flat subtree depth-first, siblings by sort then id,
// without mutating the Children fields of the given nodes.
func sortTree(all []*Org) []*Org {
	kids := map[int64][]*Org{}
	byID := map[int64]bool{}
	for _, o := range all {
		byID[o.ID] = true
	}
	var roots []*Org
	for _, o := range all {
		if byID[o.ParentID] {
			kids[o.ParentID] = append(kids[o.ParentID], o)
		} else {
			roots = append(roots, o)
		}
	}
	less := func(a, b *Org) bool {
		if a.Sort != b.Sort {
			return a.Sort < b.Sort
		}
		return a.ID < b.ID
	}
	var out []*Org
	var walk func(list []*Org)
	walk = func(list []*Org) {
		sortSlice(list, less)
		for _, o := range list {
			out = append(out, o)
			walk(kids[o.ID])
		}
	}
	walk(roots)
	return out
}

// NewOrg is what Create needs.
type NewOrg struct {
	ParentID int64  `json:"parent_id"`
	Name     string `json:"name"`
	Kind     Kind   `json:"kind"`
	Sort     int    `json:"sort"`
}

// allowedChild says which kinds may sit under which.
func allowedChild(parent, child Kind) bool {
	switch child {
	case Committee:
		return parent == District || parent == Committee
	case Branch:
		return parent == District || parent == Committee
	case Group:
		return parent == Branch
	}
	return false
}

func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errs.E(errs.Invalid, "name_required", msg.T("org.name_required"))
	}
	if utf8.RuneCountInString(name) > 60 {
		return "", errs.E(errs.Invalid, "name_too_long", msg.T("org.name_too_long"))
	}
	return name, nil
}

// Create adds an org under a parent in the admin's scope.
func (s *Service) Create(ctx context.Context, p *auth.Principal, n NewOrg) (*Org, error) {
	name, err := checkName(n.Name)
	if err != nil {
		return nil, err
	}
	if !n.Kind.Valid() || n.Kind == District {
		return nil, errs.E(errs.Invalid, "bad_kind", msg.T("org.bad_kind"))
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		parent, err := s.load(ctx, tx, n.ParentID)
		if err != nil {
			return errs.E(errs.Invalid, "bad_parent", msg.T("org.bad_parent"))
		}
		if !p.Covers(parent.Path, auth.Admin) {
			return errs.Forbid()
		}
		if !allowedChild(parent.Kind, n.Kind) {
			return errs.E(errs.Unprocessable, "bad_kind", msg.T("org.bad_kind2", parent.Kind.Label(), n.Kind.Label()))
		}
		if n.Kind == Group && parent.Members > 0 && !parent.HasGroups {
			// The branch's members move into groups by Split, not one by one.
		}
		id, err = insertOrg(ctx, tx, parent.ID, parent.Path, name, n.Kind, n.Sort)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "org.create", orgTarget(id), audit.Change{After: n}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, id)
}

// insertOrg writes a node and its path (which needs its own id).
func insertOrg(ctx context.Context, tx *db.Tx, parentID int64, parentPath, name string, kind Kind, sort int) (int64, error) {
	var parent any
	if parentID != 0 {
		parent = parentID
	}
	id, err := tx.Insert(ctx, `INSERT INTO orgs (parent_id, name, kind, sort, created_at) VALUES (?, ?, ?, ?, ?)`, parent, name, string(kind), sort, tx.Now)
	if err != nil {
		return 0, errs.Wrap(err, "insert org")
	}
	if _, err := tx.Exec(ctx, `UPDATE orgs SET path = ? WHERE id = ?`, childPath(parentPath, id), id); err != nil {
		return 0, errs.Wrap(err, "org path")
	}
	return id, nil
}

// CreateRoot adds the district (used by setup and the demo).
func CreateRoot(ctx context.Context, tx *db.Tx, name string) (int64, error) {
	return insertOrg(ctx, tx, 0, "", name, District, 0)
}

// InsertChild adds a child without scope checks (setup and the demo).
func InsertChild(ctx context.Context, tx *db.Tx, parentID int64, name string, kind Kind, sort int) (int64, error) {
	var path string
	if err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, parentID).Scan(&path); err != nil {
		return 0, errs.Wrap(err, "parent path")
	}
	return insertOrg(ctx, tx, parentID, path, name, kind, sort)
}

func orgTarget(id int64) string    { return fmt.Sprintf("org:%d", id) }
func memberTarget(id int64) string { return fmt.Sprintf("member:%d", id) }

// OrgPatch changes an org; nil fields stay.
type OrgPatch struct {
	Name     *string `json:"name"`
	Sort     *int    `json:"sort"`
	ParentID *int64  `json:"parent_id"`
}

// Update renames, reorders or moves an org (admin, in scope). A move
// rewrites the paths of the whole subtree in the same transaction.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, patch OrgPatch) (*Org, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Covers(o.Path, auth.Admin) {
			if p.Covers(o.Path, auth.Readers...) {
				return errs.Forbid()
			}
			return errs.NotFoundf(msg.T("noun.org"))
		}
		before := *o
		if patch.Name != nil {
			name, err := checkName(*patch.Name)
			if err != nil {
				return err
			}
			o.Name = name
		}
		if patch.Sort != nil {
			o.Sort = *patch.Sort
		}
		if _, err := tx.Exec(ctx, `UPDATE orgs SET name = ?, sort = ? WHERE id = ?`, o.Name, o.Sort, id); err != nil {
			return errs.Wrap(err, "update org")
		}
		if patch.ParentID != nil && *patch.ParentID != o.ParentID {
			if err := s.move(ctx, tx, p, o, *patch.ParentID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p.Actor(), "org.update", orgTarget(id), audit.Change{Before: before, After: patch}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.DB, id)
}

func (s *Service) move(ctx context.Context, tx *db.Tx, p *auth.Principal, o *Org, parentID int64) error {
	if o.Kind == District {
		return errs.E(errs.Unprocessable, "move_root", msg.T("org.move_root"))
	}
	np, err := s.load(ctx, tx, parentID)
	if err != nil {
		return errs.E(errs.Invalid, "bad_parent", msg.T("org.bad_parent"))
	}
	if !p.Covers(np.Path, auth.Admin) {
		return errs.Forbid()
	}
	if strings.HasPrefix(np.Path, o.Path) {
		return errs.E(errs.Unprocessable, "move_cycle", msg.T("org.move_cycle"))
	}
	if !allowedChild(np.Kind, o.Kind) {
		return errs.E(errs.Unprocessable, "bad_kind", msg.T("org.bad_kind2", np.Kind.Label(), o.Kind.Label()))
	}
	newPath := childPath(np.Path, o.ID)
	if _, err := tx.Exec(ctx, `UPDATE orgs SET parent_id = ? WHERE id = ?`, parentID, o.ID); err != nil {
		return errs.Wrap(err, "move")
	}
	_, err = tx.Exec(ctx, `UPDATE orgs SET path = ? || SUBSTR(path, ?) WHERE path LIKE ?`, newPath, len(o.Path)+1, o.Path+"%")
	return errs.Wrap(err, "move paths")
}

// Delete removes an empty org (admin, in scope).
func (s *Service) Delete(ctx context.Context, p *auth.Principal, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Covers(o.Path, auth.Admin) {
			if p.Covers(o.Path, auth.Readers...) {
				return errs.Forbid()
			}
			return errs.NotFoundf(msg.T("noun.org"))
		}
		if o.Kind == District {
			return errs.E(errs.Unprocessable, "delete_root", msg.T("org.delete_root"))
		}
		var kids int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE parent_id = ?`, id).Scan(&kids); err != nil {
			return errs.Wrap(err, "count children")
		}
		if kids > 0 || o.Members > 0 {
			return errs.E(errs.Conflict, "org_not_empty", msg.T("org.org_not_empty"))
		}
		_, err = tx.Exec(ctx, `DELETE FROM orgs WHERE id = ?`, id)
		if errors.Is(err, db.ErrForeignKey) {
			return errs.E(errs.Conflict, "org_in_use", msg.T("org.org_in_use"))
		}
		if err != nil {
			return errs.Wrap(err, "delete org")
		}
		return audit.Record(ctx, tx, p.Actor(), "org.delete", orgTarget(id), audit.Change{Before: o}, audit.OK)
	})
}

// Split divides an oversized activity unit into groups of at most
// MaxUnitSize: a branch without groups gets `groups` new groups; an
// oversized group gets new sibling groups. Members are dealt out in their
// listed order so that each group ends up the same size ±1.
func (s *Service) Split(ctx context.Context, p *auth.Principal, id int64, groups int) ([]int64, error) {
	var created []int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Covers(o.Path, auth.Admin) {
			if p.Covers(o.Path, auth.Readers...) {
				return errs.Forbid()
			}
			return errs.NotFoundf(msg.T("noun.org"))
		}
		if !o.IsUnit() {
			return errs.E(errs.Unprocessable, "not_unit", msg.T("org.not_unit2"))
		}
		if groups < 2 || groups > 20 {
			return errs.E(errs.Invalid, "bad_groups", msg.T("org.bad_groups"))
		}
		if o.Members < groups {
			return errs.E(errs.Unprocessable, "too_few", msg.T("org.too_few"))
		}
		ids, err := s.splitInto(ctx, tx, o, groups)
		if err != nil {
			return err
		}
		created = ids
		return audit.Record(ctx, tx, p.Actor(), "org.split", orgTarget(id), map[string]any{"groups": groups, "created": ids}, audit.OK)
	})
	return created, err
}

var groupNames = []string{
	msg.T("org.group.ordinal1"), msg.T("org.group.ordinal2"), msg.T("org.group.ordinal3"), msg.T("org.group.ordinal4"), msg.T("org.group.ordinal5"),
	msg.T("org.group.ordinal6"), msg.T("org.group.ordinal7"), msg.T("org.group.ordinal8"), msg.T("org.group.ordinal9"), msg.T("org.group.ordinal10"),
	msg.T("org.group.ordinal11"), msg.T("org.group.ordinal12"), msg.T("org.group.ordinal13"), msg.T("org.group.ordinal14"), msg.T("org.group.ordinal15"),
	msg.T("org.group.ordinal16"), msg.T("org.group.ordinal17"), msg.T("org.group.ordinal18"), msg.T("org.group.ordinal19"), msg.T("org.group.ordinal20"),
}

func (s *Service) splitInto(ctx context.Context, tx *db.Tx, o *Org, groups int) ([]int64, error) {
	members, err := memberIDs(ctx, tx, o.ID)
	if err != nil {
		return nil, err
	}
	parentID, parentPath, targets := o.ID, o.Path, []int64{}
	existing := 0
	if o.Kind == Group {
		// The group itself keeps a share; new siblings take the rest.
		if err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, o.ParentID).Scan(&parentPath); err != nil {
			return nil, errs.Wrap(err, "parent")
		}
		parentID = o.ParentID
		targets = append(targets, o.ID)
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE parent_id = ? AND kind = 'group'`, parentID).Scan(&existing); err != nil {
			return nil, errs.Wrap(err, "count groups")
		}
	}
	var created []int64
	for len(targets) < groups {
		n := existing + len(created)
		name := msg.T("org.group.numbered", n+1)
		if n < len(groupNames) {
			name = msg.T("org.group.named", groupNames[n])
		}
		gid, err := insertOrg(ctx, tx, parentID, parentPath, name, Group, n+1)
		if err != nil {
			return nil, err
		}
		created = append(created, gid)
		targets = append(targets, gid)
	}
	for i, mid := range members {
		if _, err := tx.Exec(ctx, `UPDATE members SET org_id = ?, updated_at = ? WHERE id = ?`, targets[i%len(targets)], tx.Now, mid); err != nil {
			return nil, errs.Wrap(err, "move member")
		}
	}
	return created, nil
}

func memberIDs(ctx context.Context, q db.Querier, orgID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM members WHERE org_id = ? ORDER BY id`, orgID)
	if err != nil {
		return nil, errs.Wrap(err, "members")
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "member scan")
		}
		ids = append(ids, id)
	}
	return ids, errs.Wrap(rows.Err(), "member rows")
}

var phoneRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// CheckPhone validates a mainland mobile number ("" is allowed).
func CheckPhone(p string) error {
	if p != "" && !phoneRE.MatchString(p) {
		return errs.E(errs.Invalid, "bad_phone", msg.T("org.bad_phone"))
	}
	return nil
}

// CheckDate validates a YYYY-MM-DD date ("" is allowed) not in the future.
func CheckDate(field, d string, now time.Time) error {
	if d == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", d)
	if !dateRE.MatchString(d) || err != nil {
		return errs.E(errs.Invalid, "bad_date", msg.T("org.bad_date", field))
	}
	if t.After(now) {
		return errs.E(errs.Invalid, "bad_date", msg.T("org.bad_date2", field))
	}
	return nil
}
