package round

import (
	"context"
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

// Notice kinds.
const (
	Reminder   = "reminder"   // 工作提醒
	Supplement = "supplement" // 补充通知
	Letter     = "letter"     // 一封信
)

// NoticeKinds in display order.
var NoticeKinds = []string{Reminder, Supplement, Letter}

// NoticeKindLabel is a kind's Chinese name.
func NoticeKindLabel(k string) string {
	switch k {
	case Reminder:
		return msg.T("round.noticeKindLabel.reminder")
	case Supplement:
		return msg.T("round.noticeKindLabel.supplement")
	case Letter:
		return msg.T("round.noticeKindLabel.letter")
	}
	return k
}

// Notice is what the admin sends for a round.
type Notice struct {
	ID          int64            `json:"id"`
	RoundKey    string           `json:"round_key"`
	Kind        string           `json:"kind"`
	KindLabel   string           `json:"kind_label"`
	Title       string           `json:"title"`
	Body        string           `json:"body"`
	Categories  []study.Category `json:"categories"`
	Materials   []string         `json:"materials"`
	OrgID       int64            `json:"org_id"`
	PublishedAt time.Time        `json:"published_at"`
	Read        bool             `json:"read"`
	orgPath     string
}

// NoticeInput is a new notice.
type NoticeInput struct {
	RoundKey   string   `json:"round_key"`
	Kind       string   `json:"kind"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Categories []string `json:"categories"`
	Materials  []string `json:"materials"`
	OrgID      int64    `json:"org_id"` // 0: the admin's whole scope
}

// Publish sends a notice to a subtree (admin).
func (s *Service) Publish(ctx context.Context, p *auth.Principal, in NoticeInput) (int64, error) {
	if !p.Has(auth.Admin) {
		return 0, errs.Forbid()
	}
	if _, _, err := s.ByKey(ctx, in.RoundKey); err != nil {
		return 0, err
	}
	if in.Kind != Reminder && in.Kind != Supplement && in.Kind != Letter {
		return 0, errs.E(errs.Invalid, "bad_kind", msg.T("round.bad_kind"))
	}
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 80 {
		return 0, errs.E(errs.Invalid, "bad_title", msg.T("round.bad_title"))
	}
	if in.Body == "" || utf8.RuneCountInString(in.Body) > 20000 {
		return 0, errs.E(errs.Invalid, "bad_body", msg.T("round.bad_body"))
	}
	var cats []string
	for _, c := range in.Categories {
		if strings.TrimSpace(c) == "" {
			continue
		}
		cat, err := study.ParseCategory(c)
		if err != nil {
			return 0, err
		}
		cats = append(cats, string(cat))
	}
	var mats []string
	for _, m := range in.Materials {
		if m = strings.TrimSpace(m); m != "" {
			mats = append(mats, m)
		}
	}
	orgID := in.OrgID
	if orgID == 0 {
		for _, g := range p.Grants {
			if g.Role == auth.Admin {
				orgID = g.OrgID
				break
			}
		}
	}
	var path string
	if err := s.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path); err != nil || !p.Covers(path, auth.Admin) {
		return 0, errs.E(errs.Invalid, "bad_org", msg.T("round.bad_org"))
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO notices (round_key, kind, title, body, categories, materials, org_id, created_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.RoundKey, in.Kind, in.Title, in.Body, strings.Join(cats, ","), strings.Join(mats, "\n"), orgID, p.UserID, tx.Now)
		if err != nil {
			return errs.Wrap(err, "notice insert")
		}
		return audit.Record(ctx, tx, p.Actor(), "notice.publish", fmt.Sprintf("notice:%d", id), audit.Change{After: in}, audit.OK)
	})
	return id, err
}

func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, x := range strings.Split(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

const noticeCols = `n.id, n.round_key, n.kind, n.title, n.body, n.categories, n.materials, n.org_id, o.path, n.published_at`

func scanNotice(sc interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var cats, mats string
	err := sc.Scan(&n.ID, &n.RoundKey, &n.Kind, &n.Title, &n.Body, &cats, &mats, &n.OrgID, &n.orgPath, &n.PublishedAt)
	for _, c := range splitNonEmpty(cats, ",") {
		n.Categories = append(n.Categories, study.Category(c))
	}
	n.Materials = splitNonEmpty(mats, "\n")
	n.KindLabel = NoticeKindLabel(n.Kind)
	return n, err
}

// leadOrgs are the orgs whose notices p receives and reads for: where p is
// secretary or group leader (their read receipt counts for that org).
func leadOrgs(p *auth.Principal) []auth.Grant {
	var out []auth.Grant
	for _, g := range p.Grants {
		if g.Role == auth.Secretary || g.Role == auth.GroupLeader || g.Role == auth.Leader {
			out = append(out, g)
		}
	}
	return out
}

// relevant reports whether a notice sent to noticePath reaches someone
// working at orgPath: it was sent to their org or to one above it, or
// (for an admin or the task force) inside their scope.
func relevant(noticePath, orgPath string) bool {
	return strings.HasPrefix(orgPath, noticePath) || strings.HasPrefix(noticePath, orgPath)
}

// Notices lists the notices that concern the principal, newest first, with
// whether they have read them (for secretaries and group leaders).
func (s *Service) Notices(ctx context.Context, p *auth.Principal, roundKey string) ([]Notice, error) {
	q := `SELECT ` + noticeCols + ` FROM notices n JOIN orgs o ON o.id = n.org_id`
	var args []any
	if roundKey != "" {
		q += ` WHERE n.round_key = ?`
		args = append(args, roundKey)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY n.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "notices")
	}
	defer rows.Close()
	var all []Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, errs.Wrap(err, "notice scan")
		}
		all = append(all, n)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "notice rows")
	}
	var out []Notice
	var ids []int64
	for _, n := range all {
		if s.concerns(p, n) {
			out = append(out, n)
			ids = append(ids, n.ID)
		}
	}
	read, err := s.readSet(ctx, p, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Read = read[out[i].ID]
	}
	return out, nil
}

func (s *Service) concerns(p *auth.Principal, n Notice) bool {
	for _, g := range p.Grants {
		if g.Role == auth.Auditor {
			continue
		}
		if g.Role == auth.Member && n.Kind == Letter {
			continue // 一封信 is addressed to secretaries
		}
		if relevant(n.orgPath, g.OrgPath) {
			return true
		}
	}
	return p.MemberOrgPath != "" && n.Kind != Letter && strings.HasPrefix(p.MemberOrgPath, n.orgPath)
}

// readSet is which of the notices ids p has a receipt for (through any org
// they lead). It asks only about those notices: a user's receipts pile up
// over the rounds, and reading them all for every page cost the district
// compliance page most of its budget (index notice_reads_user, 0009).
func (s *Service) readSet(ctx context.Context, p *auth.Principal, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{p.UserID}
	for _, id := range ids {
		args = append(args, id)
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT notice_id FROM notice_reads WHERE user_id = ? AND notice_id IN (`+marks+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "reads")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "read scan")
		}
		out[id] = true
	}
	return out, errs.Wrap(rows.Err(), "read rows")
}

// GetNotice returns one notice that concerns p.
func (s *Service) GetNotice(ctx context.Context, p *auth.Principal, id int64) (Notice, error) {
	n, err := scanNotice(s.DB.QueryRow(ctx, `SELECT `+noticeCols+` FROM notices n JOIN orgs o ON o.id = n.org_id WHERE n.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !s.concerns(p, n)) {
		return n, errs.NotFoundf(msg.T("round.noun.notice"))
	}
	if err != nil {
		return n, errs.Wrap(err, "notice")
	}
	read, err := s.readSet(ctx, p, []int64{n.ID})
	n.Read = read[n.ID]
	return n, err
}

// MarkRead records a read receipt for every org p leads that the notice
// reaches. Reading twice changes nothing.
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, id int64) error {
	n, err := s.GetNotice(ctx, p, id)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		wrote := false
		for _, g := range leadOrgs(p) {
			if !relevant(n.orgPath, g.OrgPath) {
				continue
			}
			r, err := tx.Exec(ctx, `INSERT INTO notice_reads (notice_id, org_id, user_id, read_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, g.OrgID, p.UserID, tx.Now)
			if err != nil {
				return errs.Wrap(err, "read")
			}
			if k, _ := r.RowsAffected(); k > 0 {
				wrote = true
			}
		}
		if !wrote {
			return nil
		}
		return audit.Record(ctx, tx, p.Actor(), "notice.read", fmt.Sprintf("notice:%d", id), nil, audit.OK)
	})
}

// Receipt is one branch's read state for a notice.
type Receipt struct {
	OrgID   int64      `json:"org_id"`
	OrgName string     `json:"org_name"`
	Read    bool       `json:"read"`
	ReadBy  string     `json:"read_by,omitempty"`
	ReadAt  *time.Time `json:"read_at,omitempty"`
}

// Receipts lists, for every branch the notice reaches, whether someone who
// leads it (or one of its groups) has read it. Admin and task force.
func (s *Service) Receipts(ctx context.Context, p *auth.Principal, id int64) ([]Receipt, error) {
	n, err := s.GetNotice(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !p.Covers(n.orgPath, auth.Admin, auth.TaskForce) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT b.id, b.name,
		(SELECT MIN(r.read_at) FROM notice_reads r JOIN orgs ro ON ro.id = r.org_id WHERE r.notice_id = ? AND (ro.path LIKE b.path || '%' OR b.path LIKE ro.path || '%')),
		(SELECT MIN(COALESCE(NULLIF(u.display_name, ''), u.username)) FROM notice_reads r JOIN orgs ro ON ro.id = r.org_id JOIN users u ON u.id = r.user_id
			WHERE r.notice_id = ? AND (ro.path LIKE b.path || '%' OR b.path LIKE ro.path || '%'))
		FROM orgs b WHERE b.kind = 'branch' AND b.path LIKE ? ORDER BY b.path`, id, id, n.orgPath+"%")
	if err != nil {
		return nil, errs.Wrap(err, "receipts")
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		var r Receipt
		var at any
		var by *string
		if err := rows.Scan(&r.OrgID, &r.OrgName, &at, &by); err != nil {
			return nil, errs.Wrap(err, "receipt scan")
		}
		if t := asTime(at); t != nil {
			r.Read, r.ReadAt = true, t
		}
		if by != nil {
			r.ReadBy = *by
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "receipt rows")
}

// asTime reads an aggregate of a timestamp column: SQLite hands MIN() back
// as text (the aggregate loses the column's declared type), PostgreSQL as
// a time.
func asTime(v any) *time.Time {
	switch t := v.(type) {
	case time.Time:
		return &t
	case string:
		for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano} {
			if x, err := time.Parse(layout, t); err == nil {
				return &x
			}
		}
	case []byte:
		return asTime(string(t))
	}
	return nil
}
