package study

import (
	"context"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
)

// Filter narrows the library list.
type Filter struct {
	Category string
	Tag      string
	Query    string // searched in titles and bodies, Chinese without spaces
	Page     int    // from 1
	PerPage  int    // default 20, at most 100
}

// Result is one page of the list.
type Result struct {
	Items []Material `json:"items"`
	Total int        `json:"total"`
	// AtLeast marks a search total that was counted only up to SearchCap:
	// more materials match ("1000+").
	AtLeast bool `json:"total_at_least,omitempty"`
	Page    int  `json:"page"`
	Pages   int  `json:"pages"`
}

// List returns the materials p may see, newest first, or — with a query —
// best match first: materials whose title holds every term of the query
// come before the rest, then by how often the terms occur.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (Result, error) {
	if !CanUse(p) {
		return Result{}, errs.Forbid()
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage <= 0 || f.PerPage > 100 {
		f.PerPage = 20
	}
	f.Query = strings.TrimSpace(f.Query)
	if f.Category != "" {
		c, err := ParseCategory(f.Category)
		if err != nil {
			return Result{}, err
		}
		f.Category = string(c)
	}
	if f.Query != "" {
		pq := parseQuery(f.Query)
		if pq.empty() {
			return Result{Items: []Material{}, Page: 1}, nil
		}
		return s.search(ctx, p, f, pq)
	}
	q, args := s.listSQL(p, f)
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, err := s.DB.Query(ctx, q+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return Result{}, errs.Wrap(err, "material list")
	}
	defer rows.Close()
	res := Result{Items: []Material{}, Page: f.Page}
	for rows.Next() {
		var m Material
		var score int64
		if err := rows.Scan(&m.ID, &m.Title, &m.Source, &m.PublishedOn, &m.Category, &m.OrgID, &m.OrgName, &m.Read, &score, &res.Total); err != nil {
			return Result{}, errs.Wrap(err, "material list")
		}
		m.CatLabel, m.Score, m.Tags = m.Category.Label(), int(score), []string{}
		res.Items = append(res.Items, m)
	}
	if err := rows.Err(); err != nil {
		return Result{}, errs.Wrap(err, "material list")
	}
	if err := s.fillTags(ctx, res.Items); err != nil {
		return Result{}, err
	}
	res.Pages = (res.Total + f.PerPage - 1) / f.PerPage
	return res, nil
}

// listCols are the columns of a list row; the read flag needs the
// member id as its first argument.
const listCols = `m.id, m.title, m.source, m.published_on, m.category, COALESCE(m.org_id, 0), COALESCE(o.name, ''),
	EXISTS (SELECT 1 FROM material_reads r WHERE r.material_id = m.id AND r.member_id = ?)`

// where builds the conditions shared by listing and searching.
func where(p *auth.Principal, f Filter) (string, []any) {
	vis, args := visibility(p)
	conds := []string{vis}
	if f.Category != "" {
		conds = append(conds, "m.category = ?")
		args = append(args, f.Category)
	}
	if f.Tag != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM material_tags t WHERE t.material_id = m.id AND t.tag = ?)")
		args = append(args, f.Tag)
	}
	return strings.Join(conds, " AND "), args
}

func (s *Service) listSQL(p *auth.Principal, f Filter) (string, []any) {
	cond, args := where(p, f)
	q := `SELECT ` + listCols + `, 0, COUNT(*) OVER ()
		FROM materials m LEFT JOIN orgs o ON o.id = m.org_id
		WHERE ` + cond + ` ORDER BY m.published_on DESC, m.id DESC`
	return q, append([]any{p.MemberID}, args...)
}

// fillTags loads the tags of a page of materials in one query.
func (s *Service) fillTags(ctx context.Context, items []Material) error {
	if len(items) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ph := make([]string, len(items))
	args := make([]any, len(items))
	for i, m := range items {
		idx[m.ID], ph[i], args[i] = i, "?", m.ID
	}
	rows, err := s.DB.Query(ctx, `SELECT material_id, tag FROM material_tags WHERE material_id IN (`+strings.Join(ph, ",")+`) ORDER BY tag`, args...)
	if err != nil {
		return errs.Wrap(err, "tags")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t string
		if err := rows.Scan(&id, &t); err != nil {
			return errs.Wrap(err, "tags")
		}
		items[idx[id]].Tags = append(items[idx[id]].Tags, t)
	}
	return errs.Wrap(rows.Err(), "tags")
}

// Tags lists the tags in use on materials p may see, most used first (for
// the filter).
func (s *Service) Tags(ctx context.Context, p *auth.Principal) ([]string, error) {
	if !CanUse(p) {
		return nil, errs.Forbid()
	}
	vis, args := visibility(p)
	rows, err := s.DB.Query(ctx, `SELECT t.tag FROM material_tags t JOIN materials m ON m.id = t.material_id LEFT JOIN orgs o ON o.id = m.org_id
		WHERE `+vis+` GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT 40`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "tags")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, errs.Wrap(err, "tags")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "tags")
}
