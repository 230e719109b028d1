package org

import (
	"context"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Unit is an activity unit as the cycle sees it.
type Unit struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id"`
	Name     string `json:"name"`
	Path     string `json:"-"`
	Kind     Kind   `json:"kind"`
	Members  int    `json:"members"`
	Branch   string `json:"branch"` // the branch a group belongs to ("" for a branch)
}

// unitWhere selects activity units: groups, and branches without groups.
const unitWhere = `(o.kind = 'group' OR (o.kind = 'branch' AND NOT EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id AND g.kind = 'group')))`

// Units lists the activity units under (and including) the org at path,
// in tree order.
func Units(ctx context.Context, q db.Querier, path string) ([]Unit, error) {
	// Members are counted per unit (an index range each) rather than by a
	// GROUP BY over the whole members table, which cost the district
	// compliance list (≈1,000 units, 12,000 members) ~10 ms per request
	// whatever the subtree.
	rows, err := q.Query(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.name, o.path, o.kind, (SELECT COUNT(*) FROM members mc WHERE mc.org_id = o.id),
		CASE WHEN o.kind = 'group' THEN COALESCE(p.name, '') ELSE '' END
		FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id
		WHERE o.path LIKE ? AND `+unitWhere+` ORDER BY o.path`, path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "units")
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.ParentID, &u.Name, &u.Path, &u.Kind, &u.Members, &u.Branch); err != nil {
			return nil, errs.Wrap(err, "unit scan")
		}
		out = append(out, u)
	}
	return out, errs.Wrap(rows.Err(), "unit rows")
}

// LoadUnit reads one org and reports whether it is an activity unit.
func LoadUnit(ctx context.Context, q db.Querier, id int64) (Unit, bool, error) {
	var u Unit
	var isUnit bool
	err := q.QueryRow(ctx, `SELECT o.id, COALESCE(o.parent_id, 0), o.name, o.path, o.kind,
		(SELECT COUNT(*) FROM members m WHERE m.org_id = o.id), `+unitWhere+`
		FROM orgs o WHERE o.id = ?`, id).Scan(&u.ID, &u.ParentID, &u.Name, &u.Path, &u.Kind, &u.Members, &isUnit)
	if db.IsNoRows(err) {
		return u, false, errs.NotFoundf(msg.T("noun.org"))
	}
	return u, isUnit, errs.Wrap(err, "load unit")
}

// MemberBrief is a member as lists in the cycle show them.
type MemberBrief struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Position string `json:"position"`
}

// UnitMembers lists the members of one unit, in a stable order (by id).
func UnitMembers(ctx context.Context, q db.Querier, orgID int64) ([]MemberBrief, error) {
	rows, err := q.Query(ctx, `SELECT id, name, position FROM members WHERE org_id = ? AND status <> '已转出' ORDER BY id`, orgID)
	if err != nil {
		return nil, errs.Wrap(err, "unit members")
	}
	defer rows.Close()
	var out []MemberBrief
	for rows.Next() {
		var m MemberBrief
		if err := rows.Scan(&m.ID, &m.Name, &m.Position); err != nil {
			return nil, errs.Wrap(err, "unit member scan")
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "unit member rows")
}
