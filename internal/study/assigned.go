package study

import (
	"context"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Why a material is on a member's list (shown beside it, never stored).
var (
	ReasonMeeting = msg.T("study.reasonMeeting")
	ReasonNotice  = msg.T("study.reasonNotice")
)

// Assignment is a material a member is expected to study this round.
type Assignment struct {
	Material
	Reason string `json:"reason"`
}

// Unread lists what is assigned to the member this round and not yet
// declared read. "Assigned" is kept simple and derived, never typed twice:
//   - the library materials a meeting of the member's unit in the current
//     round picked (meeting_materials.material_id), and
//   - the district-wide materials whose title is listed, line for line, in
//     the required materials of a notice of the current round sent to the
//     member's org or one above it.
func (s *Service) Unread(ctx context.Context, p *auth.Principal) ([]Assignment, error) {
	if !CanUse(p) {
		return nil, errs.Forbid()
	}
	if p.MemberID == 0 || s.CurrentRound == nil {
		return []Assignment{}, nil
	}
	key, err := s.CurrentRound(ctx)
	if err != nil {
		return nil, err
	}
	why := map[int64]string{}
	var order []int64
	add := func(id int64, reason string) {
		if _, ok := why[id]; !ok {
			why[id] = reason
			order = append(order, id)
		}
	}
	if err := s.meetingAssigned(ctx, p, key, add); err != nil {
		return nil, err
	}
	if err := s.noticeAssigned(ctx, p, key, add); err != nil {
		return nil, err
	}
	out := []Assignment{}
	for _, id := range order {
		m, err := s.load(ctx, s.DB, p, id)
		if errs.KindOf(err) == errs.NotFound {
			continue // filed where the member cannot see it: not theirs to study
		}
		if err != nil {
			return nil, err
		}
		var n int
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM material_reads WHERE material_id = ? AND member_id = ?`, id, p.MemberID).Scan(&n); err != nil {
			return nil, errs.Wrap(err, "unread")
		}
		if n == 0 {
			m.Body = ""
			out = append(out, Assignment{Material: *m, Reason: why[id]})
		}
	}
	return out, nil
}

func (s *Service) meetingAssigned(ctx context.Context, p *auth.Principal, key string, add func(int64, string)) error {
	rows, err := s.DB.Query(ctx, `SELECT mm.material_id FROM meeting_materials mm JOIN meetings mt ON mt.id = mm.meeting_id
		WHERE mt.org_id = ? AND mt.round_key = ? AND mm.material_id IS NOT NULL ORDER BY mm.id`, p.MemberOrgID, key)
	if err != nil {
		return errs.Wrap(err, "meeting materials")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return errs.Wrap(err, "meeting materials")
		}
		add(id, ReasonMeeting)
	}
	return errs.Wrap(rows.Err(), "meeting materials")
}

func (s *Service) noticeAssigned(ctx context.Context, p *auth.Principal, key string, add func(int64, string)) error {
	if p.MemberOrgPath == "" {
		return nil
	}
	rows, err := s.DB.Query(ctx, `SELECT n.materials FROM notices n JOIN orgs o ON o.id = n.org_id
		WHERE n.round_key = ? AND ? LIKE (o.path || '%') ORDER BY n.id`, key, p.MemberOrgPath)
	if err != nil {
		return errs.Wrap(err, "notice materials")
	}
	var titles []any
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			rows.Close()
			return errs.Wrap(err, "notice materials")
		}
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); line != "" && len(titles) < 200 {
				titles = append(titles, line)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(titles) == 0 {
		return errs.Wrap(err, "notice materials")
	}
	return idsByTitle(ctx, s.DB, titles, func(id int64) { add(id, ReasonNotice) })
}

func idsByTitle(ctx context.Context, q db.Querier, titles []any, fn func(int64)) error {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(titles)), ",")
	rows, err := q.Query(ctx, `SELECT id FROM materials WHERE org_id IS NULL AND title IN (`+ph+`) ORDER BY published_on DESC, id DESC`, titles...)
	if err != nil {
		return errs.Wrap(err, "materials by title")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return errs.Wrap(err, "materials by title")
		}
		fn(id)
	}
	return errs.Wrap(rows.Err(), "materials by title")
}
