package report

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/round"
)

// Item kinds of a bulletin.
const (
	ItemPraise  = "praise"
	ItemName    = "name"
	ItemSimilar = "similar"
)

// Thresholds of the draft: whom to praise and whom to name.
const (
	lowAttendance  = 0.8  // below: named
	highSitIn      = 80.0 // at or above (0–100): praised
	maxPraised     = 30
	maxNamed       = 200
	maxSimilarDraw = 20
)

// Bulletin is a 督导通报.
type Bulletin struct {
	ID          int64      `json:"id"`
	RoundKey    string     `json:"round"`
	RoundLabel  string     `json:"round_label"`
	Title       string     `json:"title"`
	Intro       string     `json:"intro"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	Items       []Item     `json:"items,omitempty"`
	Named       int        `json:"named"`
	Acked       int        `json:"acked"`
}

// Published reports whether the bulletin has been circulated.
func (b Bulletin) Published() bool { return b.Status == "published" }

// Item is one line of a bulletin.
type Item struct {
	ID      int64      `json:"id"`
	Kind    string     `json:"kind"`
	OrgID   int64      `json:"org_id,omitempty"`
	OrgName string     `json:"org_name,omitempty"`
	OrgPath string     `json:"-"`
	Text    string     `json:"text"`
	Figures string     `json:"figures,omitempty"`
	Ack     *Ack       `json:"ack,omitempty"`
	CanAck  bool       `json:"-"`
	AckedAt *time.Time `json:"-"`
}

// Ack is a named unit's acknowledgement.
type Ack struct {
	By     string    `json:"by"`
	Answer string    `json:"answer"`
	At     time.Time `json:"at"`
}

// DraftBulletin generates a draft for the round from the data: units to
// praise, units to name (with their figures), and near-duplicate speech
// pairs. Only the admin drafts; the draft covers the admin's scope.
func (s *Service) DraftBulletin(ctx context.Context, p *auth.Principal, key string) (int64, error) {
	if !p.Has(auth.Admin) {
		return 0, errs.Forbid()
	}
	r, err := s.pickRound(ctx, key)
	if err != nil {
		return 0, err
	}
	top, err := s.scopeOrg(ctx, p, 0, auth.Admin)
	if err != nil {
		return 0, err
	}
	items, err := s.draftItems(ctx, p, r, top)
	if err != nil {
		return 0, err
	}
	title := msg.T("report.bulletin.defaultTitle", r.Label())
	intro := msg.T("report.bulletin.defaultIntro", r.Label())
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		id, err = tx.Insert(ctx, `INSERT INTO bulletins (round_key, title, intro, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.Key(), title, intro, p.UserID, tx.Now, tx.Now)
		if err != nil {
			return errs.Wrap(err, "insert bulletin")
		}
		for i, it := range items {
			var org any
			if it.OrgID != 0 {
				org = it.OrgID
			}
			if _, err := tx.Exec(ctx, `INSERT INTO bulletin_items (bulletin_id, kind, org_id, text, figures, sort) VALUES (?, ?, ?, ?, ?, ?)`,
				id, it.Kind, org, it.Text, it.Figures, i); err != nil {
				return errs.Wrap(err, "insert bulletin item")
			}
		}
		return audit.Record(ctx, tx, p.Actor(), "bulletin.draft", fmt.Sprintf("bulletin:%d", id), map[string]any{"round": r.Key(), "items": len(items)}, audit.OK)
	})
	return id, err
}

// draftItems picks the units to praise and to name, then the pairs.
func (s *Service) draftItems(ctx context.Context, p *auth.Principal, r round.Round, top OrgRef) ([]Item, error) {
	units, err := s.unitFacts(ctx, s.DB, r, top)
	if err != nil {
		return nil, err
	}
	over, err := s.overdueByUnit(ctx, top)
	if err != nil {
		return nil, err
	}
	sit, err := s.sitInByUnit(ctx, r.Key(), top)
	if err != nil {
		return nil, err
	}
	var praise, named []Item
	for _, u := range units {
		f := u.F
		f.Overdue = over[u.Org.ID]
		score, hasScore := sit[u.Org.ID]
		if reasons := nameReasons(f); len(reasons) > 0 {
			named = append(named, Item{Kind: ItemName, OrgID: u.Org.ID, OrgName: u.Org.Name,
				Text: u.Org.Name + "：" + strings.Join(reasons, "；") + "。", Figures: figureLine(f)})
			continue
		}
		full := f.OnTime == 1 && f.Members > 0 && f.Present >= f.Members
		if full || (hasScore && score >= highSitIn && f.Compliant() == 1) {
			why := msg.T("report.bulletin.praiseFull")
			if !full {
				why = msg.T("report.bulletin.praiseScore", score)
			} else if hasScore && score >= highSitIn {
				why += msg.T("report.bulletin.scoreSuffix", score)
			}
			praise = append(praise, Item{Kind: ItemPraise, OrgID: u.Org.ID, OrgName: u.Org.Name, Text: u.Org.Name + "：" + why + "。", Figures: figureLine(f)})
		}
	}
	if len(praise) > maxPraised {
		praise = praise[:maxPraised]
	}
	if len(named) > maxNamed {
		named = named[:maxNamed]
	}
	pairs, _, err := s.SimilarPairs(ctx, p, r.Key(), 0)
	if err != nil {
		return nil, err
	}
	var sims []Item
	for i, x := range pairs {
		if i == maxSimilarDraw {
			break
		}
		sims = append(sims, Item{Kind: ItemSimilar, OrgID: x.A.UnitID, OrgName: x.A.Unit,
			Text: msg.T("report.bulletin.similar", x.A.Unit, x.A.Member, x.A.RoundKey, x.B.Unit, x.B.Member, x.B.RoundKey, x.Pct(), x.Kind())})
	}
	out := append(praise, named...)
	return append(out, sims...), nil
}

// nameReasons lists why a unit is named; empty means it is not.
func nameReasons(f Figures) []string {
	var out []string
	switch {
	case f.NotHeld == 1:
		out = append(out, msg.T("report.bulletin.notHeld"))
	case f.Late == 1:
		out = append(out, msg.T("report.bulletin.late"))
	}
	if f.Held() == 1 && f.Attendance() < lowAttendance {
		out = append(out, msg.T("report.bulletin.attendance", f.Attendance()*100, f.Present, f.HeldMembers))
	}
	if n := f.Unread(); n > 0 {
		out = append(out, msg.T("report.bulletin.unread", n))
	}
	if f.Overdue > 0 {
		out = append(out, msg.T("report.bulletin.overdue", f.Overdue))
	}
	return out
}

func figureLine(f Figures) string {
	return msg.T("report.figureLine", f.Members, f.Present, f.Leave, f.Speeches, f.Reviews, f.Problems, f.Rectified)
}

func (s *Service) overdueByUnit(ctx context.Context, top OrgRef) (map[int64]int, error) {
	today := round.DateOf(s.Now(), mustZone()).String()
	rows, err := s.DB.Query(ctx, `SELECT r.org_id, COUNT(*) FROM rectifications r JOIN orgs o ON o.id = r.org_id
		WHERE r.status IN ('pending','in_progress') AND r.deadline < ? AND o.path LIKE ? GROUP BY r.org_id`, today, top.Path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "overdue by unit")
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, errs.Wrap(err, "overdue scan")
		}
		out[id] = n
	}
	return out, errs.Wrap(rows.Err(), "overdue rows")
}

func (s *Service) sitInByUnit(ctx context.Context, key string, top OrgRef) (map[int64]float64, error) {
	rows, err := s.DB.Query(ctx, `SELECT m.org_id, AVG(si.score_study + si.score_speak + si.score_review + si.score_followup)
		FROM sitins si JOIN meetings m ON m.id = si.meeting_id JOIN orgs o ON o.id = m.org_id
		WHERE m.round_key = ? AND si.recorded_at IS NOT NULL AND o.path LIKE ? GROUP BY m.org_id`, key, top.Path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "sitin by unit")
	}
	defer rows.Close()
	out := map[int64]float64{}
	for rows.Next() {
		var id int64
		var avg sql.NullFloat64
		if err := rows.Scan(&id, &avg); err != nil {
			return nil, errs.Wrap(err, "sitin scan")
		}
		if avg.Valid {
			out[id] = avg.Float64 / 20 * 100
		}
	}
	return out, errs.Wrap(rows.Err(), "sitin rows")
}

// staff: the admin and the task force read every bulletin;
// others read published ones that praise or name a unit in their scope.
func staff(p *auth.Principal) bool { return p.Has(auth.Admin, auth.TaskForce) }

// Bulletins lists the bulletins the reader may see, newest first.
func (s *Service) Bulletins(ctx context.Context, p *auth.Principal) ([]Bulletin, error) {
	if !p.Has(auth.Readers...) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT b.id, b.round_key, b.title, b.status, b.created_at, b.published_at,
		(SELECT COUNT(*) FROM bulletin_items i WHERE i.bulletin_id = b.id AND i.kind = 'name'),
		(SELECT COUNT(*) FROM bulletin_acks a WHERE a.bulletin_id = b.id)
		FROM bulletins b ORDER BY b.id DESC LIMIT 200`)
	if err != nil {
		return nil, errs.Wrap(err, "bulletins")
	}
	var list []Bulletin
	for rows.Next() {
		var b Bulletin
		var pub sql.NullTime
		if err := rows.Scan(&b.ID, &b.RoundKey, &b.Title, &b.Status, &b.CreatedAt, &pub, &b.Named, &b.Acked); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "bulletin scan")
		}
		if pub.Valid {
			b.PublishedAt = &pub.Time
		}
		list = append(list, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "bulletin rows")
	}
	if staff(p) {
		return list, nil
	}
	var out []Bulletin
	for _, b := range list {
		if ok, err := s.mentionsScope(ctx, p, b.ID); err != nil {
			return nil, err
		} else if ok && b.Published() {
			out = append(out, b)
		}
	}
	return out, nil
}

func (s *Service) mentionsScope(ctx context.Context, p *auth.Principal, id int64) (bool, error) {
	for _, sc := range p.Scopes(auth.Readers...) {
		var n int
		err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM bulletin_items i JOIN orgs o ON o.id = i.org_id WHERE i.bulletin_id = ? AND o.path LIKE ?`, id, sc+"%").Scan(&n)
		if err != nil {
			return false, errs.Wrap(err, "bulletin scope")
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// Bulletin reads one bulletin with its items and acknowledgements.
func (s *Service) Bulletin(ctx context.Context, p *auth.Principal, id int64) (*Bulletin, error) {
	b, err := s.loadBulletin(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !staff(p) {
		ok, err := s.mentionsScope(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if !ok || !b.Published() {
			return nil, errs.NotFoundf(msg.T("report.noun.bulletin"))
		}
	}
	if err := s.loadItems(ctx, p, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Service) loadBulletin(ctx context.Context, q db.Querier, id int64) (*Bulletin, error) {
	var b Bulletin
	var pub sql.NullTime
	err := q.QueryRow(ctx, `SELECT id, round_key, title, intro, status, created_at, published_at FROM bulletins WHERE id = ?`, id).
		Scan(&b.ID, &b.RoundKey, &b.Title, &b.Intro, &b.Status, &b.CreatedAt, &pub)
	if db.IsNoRows(err) {
		return nil, errs.NotFoundf(msg.T("report.noun.bulletin"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "load bulletin")
	}
	if pub.Valid {
		b.PublishedAt = &pub.Time
	}
	if r, _, err := s.Rounds.ByKey(ctx, b.RoundKey); err == nil {
		b.RoundLabel = r.Label()
	}
	return &b, nil
}

func (s *Service) loadItems(ctx context.Context, p *auth.Principal, b *Bulletin) error {
	rows, err := s.DB.Query(ctx, `SELECT i.id, i.kind, COALESCE(i.org_id, 0), COALESCE(o.name, ''), COALESCE(o.path, ''), i.text, i.figures,
		a.answer, a.acked_at, COALESCE(u.display_name, u.username, '')
		FROM bulletin_items i LEFT JOIN orgs o ON o.id = i.org_id
		LEFT JOIN bulletin_acks a ON a.bulletin_id = i.bulletin_id AND a.org_id = i.org_id AND i.kind = 'name'
		LEFT JOIN users u ON u.id = a.user_id
		WHERE i.bulletin_id = ? ORDER BY i.sort, i.id`, b.ID)
	if err != nil {
		return errs.Wrap(err, "bulletin items")
	}
	defer rows.Close()
	b.Named, b.Acked = 0, 0
	for rows.Next() {
		var it Item
		var answer, by sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&it.ID, &it.Kind, &it.OrgID, &it.OrgName, &it.OrgPath, &it.Text, &it.Figures, &answer, &at, &by); err != nil {
			return errs.Wrap(err, "bulletin item scan")
		}
		if it.Kind == ItemName {
			b.Named++
			if at.Valid {
				b.Acked++
				it.Ack = &Ack{By: by.String, Answer: answer.String, At: at.Time}
			} else {
				it.CanAck = b.Published() && p.Covers(it.OrgPath, auth.Secretary, auth.GroupLeader)
			}
		}
		b.Items = append(b.Items, it)
	}
	return errs.Wrap(rows.Err(), "bulletin item rows")
}

// ItemEdit is the admin's change to one line of a draft.
type ItemEdit struct {
	ID     int64  `json:"id"`
	Text   string `json:"text"`
	Remove bool   `json:"remove"`
}

// EditBulletin changes a draft's title, introduction and lines.
func (s *Service) EditBulletin(ctx context.Context, p *auth.Principal, id int64, title, intro string, edits []ItemEdit) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	title, intro = strings.TrimSpace(title), strings.TrimSpace(intro)
	if title == "" || utf8.RuneCountInString(title) > 100 {
		return errs.E(errs.Invalid, "bad_title", msg.T("report.bad_title"))
	}
	if utf8.RuneCountInString(intro) > 2000 {
		return errs.E(errs.Invalid, "bad_intro", msg.T("report.bad_intro"))
	}
	for _, e := range edits {
		if !e.Remove && (strings.TrimSpace(e.Text) == "" || utf8.RuneCountInString(e.Text) > 1000) {
			return errs.E(errs.Invalid, "bad_item", msg.T("report.bad_item"))
		}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := draftOnly(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE bulletins SET title = ?, intro = ?, updated_at = ? WHERE id = ?`, title, intro, tx.Now, id); err != nil {
			return errs.Wrap(err, "edit bulletin")
		}
		for _, e := range edits {
			q, args := `UPDATE bulletin_items SET text = ? WHERE id = ? AND bulletin_id = ?`, []any{strings.TrimSpace(e.Text), e.ID, id}
			if e.Remove {
				q, args = `DELETE FROM bulletin_items WHERE id = ? AND bulletin_id = ?`, []any{e.ID, id}
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return errs.Wrap(err, "edit bulletin item")
			}
		}
		return audit.Record(ctx, tx, p.Actor(), "bulletin.edit", fmt.Sprintf("bulletin:%d", id), map[string]any{"title": title, "edits": len(edits)}, audit.OK)
	})
}

func draftOnly(ctx context.Context, tx *db.Tx, id int64) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM bulletins WHERE id = ?`+tx.ForUpdate(), id).Scan(&status)
	if db.IsNoRows(err) {
		return errs.NotFoundf(msg.T("report.noun.bulletin"))
	}
	if err != nil {
		return errs.Wrap(err, "bulletin status")
	}
	if status != "draft" {
		return errs.E(errs.Conflict, "published", msg.T("report.published2"))
	}
	return nil
}

// PublishBulletin circulates a draft; the named units are then asked to
// acknowledge.
func (s *Service) PublishBulletin(ctx context.Context, p *auth.Principal, id int64) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := draftOnly(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE bulletins SET status = 'published', published_by = ?, published_at = ?, updated_at = ? WHERE id = ?`, p.UserID, tx.Now, tx.Now, id); err != nil {
			return errs.Wrap(err, "publish bulletin")
		}
		return audit.Record(ctx, tx, p.Actor(), "bulletin.publish", fmt.Sprintf("bulletin:%d", id), nil, audit.OK)
	})
}

// AckBulletin records a named unit's acknowledgement and its answer (the
// rectification it will make), by the unit's secretary or group leader.
func (s *Service) AckBulletin(ctx context.Context, p *auth.Principal, id, orgID int64, answer string) error {
	answer = strings.TrimSpace(answer)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var status, path string
		err := tx.QueryRow(ctx, `SELECT b.status, o.path FROM bulletin_items i JOIN bulletins b ON b.id = i.bulletin_id JOIN orgs o ON o.id = i.org_id
			WHERE i.bulletin_id = ? AND i.org_id = ? AND i.kind = 'name'`, id, orgID).Scan(&status, &path)
		if db.IsNoRows(err) || (err == nil && (status != "published" || !p.Covers(path, auth.Readers...))) {
			return errs.NotFoundf(msg.T("report.bulletin.namedUnit"))
		}
		if err != nil {
			return errs.Wrap(err, "ack load")
		}
		if !p.Covers(path, auth.Secretary, auth.GroupLeader) {
			return errs.Forbid()
		}
		if answer == "" || utf8.RuneCountInString(answer) > 2000 {
			return errs.E(errs.Invalid, "bad_answer", msg.T("report.bad_answer"))
		}
		_, err = tx.Exec(ctx, `INSERT INTO bulletin_acks (bulletin_id, org_id, user_id, answer, acked_at) VALUES (?, ?, ?, ?, ?)`, id, orgID, p.UserID, answer, tx.Now)
		if err != nil {
			if isUnique(err) {
				return errs.E(errs.Conflict, "acked", msg.T("report.acked"))
			}
			return errs.Wrap(err, "ack")
		}
		return audit.Record(ctx, tx, p.Actor(), "bulletin.ack", fmt.Sprintf("bulletin:%d", id), map[string]any{"org": orgID, "answer": answer}, audit.OK)
	})
}
