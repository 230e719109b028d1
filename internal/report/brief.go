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

// DefaultIssuer is the 编发单位 of a brief unless the drafter names another.
var DefaultIssuer = msg.T("report.brief.defaultIssuer")

// Brief is one numbered issue of the work brief (工作简报).
type Brief struct {
	ID          int64      `json:"id"`
	IssueNo     int        `json:"issue_no"`
	From        string     `json:"period_from"`
	To          string     `json:"period_to"`
	Title       string     `json:"title"`
	Issuer      string     `json:"issuer"`
	Body        string     `json:"body"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// Published reports whether the issue has been circulated.
func (b Brief) Published() bool { return b.Status == "published" }

// Date is the issue's date: published, else drafted.
func (b Brief) Date() time.Time {
	if b.PublishedAt != nil {
		return *b.PublishedAt
	}
	return b.CreatedAt
}

// Paragraph is one line of the body, marked when it is a heading
// ("一、…").
type Paragraph struct {
	Text    string
	Heading bool
}

// Paragraphs splits the body for the print view and the .docx.
func (b Brief) Paragraphs() []Paragraph {
	var out []Paragraph
	for _, l := range strings.Split(b.Body, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		out = append(out, Paragraph{Text: l, Heading: isHeading(l)})
	}
	return out
}

// isHeading: a line like "一、总体情况" (Chinese numeral and 、).
func isHeading(l string) bool {
	i := strings.Index(l, "、")
	if i <= 0 || i > 9 {
		return false
	}
	return strings.Trim(l[:i], msg.T("report.numerals")) == ""
}

// BriefInput is what a drafter chooses.
type BriefInput struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Issuer string `json:"issuer"`
}

func (s *Service) canWriteBriefs(p *auth.Principal) bool { return p.Has(auth.Admin, auth.TaskForce) }

// DraftBrief numbers a new issue and drafts it from the period's data: the
// figures of each round, chosen cases (案例说法), sit-in highlights and
// exemplars.
func (s *Service) DraftBrief(ctx context.Context, p *auth.Principal, in BriefInput) (int64, error) {
	if !s.canWriteBriefs(p) {
		return 0, errs.Forbid()
	}
	top, err := s.scopeOrg(ctx, p, 0, auth.Admin, auth.TaskForce)
	if err != nil {
		return 0, err
	}
	from, to, err := s.period(ctx, in)
	if err != nil {
		return 0, err
	}
	issuer := strings.TrimSpace(in.Issuer)
	if issuer == "" {
		issuer = DefaultIssuer
	}
	if utf8.RuneCountInString(issuer) > 60 {
		return 0, errs.E(errs.Invalid, "bad_issuer", msg.T("report.bad_issuer"))
	}
	body, err := s.briefBody(ctx, top, from, to)
	if err != nil {
		return 0, err
	}
	title := msg.T("report.brief.defaultTitle")
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var no int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(issue_no), 0) + 1 FROM briefs`).Scan(&no); err != nil {
			return errs.Wrap(err, "next issue")
		}
		id, err = tx.Insert(ctx, `INSERT INTO briefs (issue_no, period_from, period_to, title, issuer, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			no, from.Key(), to.Key(), title, issuer, body, p.UserID, tx.Now, tx.Now)
		if isUnique(err) {
			return errs.E(errs.Conflict, "issue_taken", msg.T("report.issue_taken"))
		}
		if err != nil {
			return errs.Wrap(err, "insert brief")
		}
		return audit.Record(ctx, tx, p.Actor(), "brief.draft", fmt.Sprintf("brief:%d", id), map[string]any{"issue": no, "from": from.Key(), "to": to.Key()}, audit.OK)
	})
	return id, err
}

func (s *Service) period(ctx context.Context, in BriefInput) (round.Round, round.Round, error) {
	cur, _, err := s.Rounds.Current(ctx)
	if err != nil {
		return cur, cur, err
	}
	from, to := cur, cur
	if strings.TrimSpace(in.From) != "" {
		if from, err = s.pickRound(ctx, strings.TrimSpace(in.From)); err != nil {
			return from, to, err
		}
		to = from
	}
	if strings.TrimSpace(in.To) != "" {
		if to, err = s.pickRound(ctx, strings.TrimSpace(in.To)); err != nil {
			return from, to, err
		}
	}
	if to.Key() < from.Key() {
		return from, to, errs.E(errs.Invalid, "bad_period", msg.T("report.bad_period"))
	}
	return from, to, nil
}

// briefBody writes the draft text; the editor changes anything.
func (s *Service) briefBody(ctx context.Context, top OrgRef, from, to round.Round) (string, error) {
	cal, err := s.Rounds.Calendar(ctx)
	if err != nil {
		return "", err
	}
	var rounds []round.Round
	for r := from; r.Key() <= to.Key(); r = round.Next(cal, r) {
		rounds = append(rounds, r)
	}
	if _, _, err := s.ensure(ctx, rounds, false); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(msg.T("report.brief.h1"))
	for _, r := range rounds {
		d := &Dashboard{Org: top}
		if err := s.fillRound(ctx, d, r, top); err != nil {
			return "", err
		}
		f := d.Total
		fmt.Fprintf(&b, msg.T("report.brief.overall"),
			r.Label(), top.Name, f.Units, f.OnTime, f.MadeUp, f.Late, f.NotHeld, f.Pending+f.Postponed, f.Present, f.Attendance()*100, f.SelfStudy()*100,
			f.Speeches, f.Cases, f.Reviews, f.Problems, f.Rectified)
	}
	keys := make([]any, 0, len(rounds)+1)
	keys = append(keys, top.Path+"%")
	for _, r := range rounds {
		keys = append(keys, r.Key())
	}
	in := placeholders(len(rounds))
	b.WriteString(msg.T("report.brief.h2"))
	if err := s.briefLines(ctx, &b, `SELECT o.name, mb.name, s.content FROM speeches s JOIN meetings m ON m.id = s.meeting_id
		JOIN orgs o ON o.id = m.org_id JOIN members mb ON mb.id = s.member_id
		WHERE s.is_case AND o.path LIKE ? AND m.round_key IN (`+in+`) ORDER BY s.id LIMIT 5`, keys,
		func(a, b2, c string) string { return fmt.Sprintf("%s %s：%s", a, b2, excerpt(c, 150)) }, msg.T("report.brief.noCases")); err != nil {
		return "", err
	}
	b.WriteString(msg.T("report.brief.h3"))
	if err := s.briefLines(ctx, &b, `SELECT o.name, COALESCE(u.display_name, u.username), si.comments FROM sitins si JOIN meetings m ON m.id = si.meeting_id
		JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = si.user_id
		WHERE si.recorded_at IS NOT NULL AND si.comments <> '' AND o.path LIKE ? AND m.round_key IN (`+in+`)
		ORDER BY (si.score_study + si.score_speak + si.score_review + si.score_followup) DESC, si.id LIMIT 5`, keys,
		func(a, b2, c string) string { return msg.T("report.brief.sitin", b2, a, excerpt(c, 150)) }, msg.T("report.brief.noSitins")); err != nil {
		return "", err
	}
	b.WriteString(msg.T("report.brief.h4"))
	if err := s.briefLines(ctx, &b, `SELECT o.name, e.title, e.citation FROM exemplars e JOIN meetings m ON m.id = e.meeting_id JOIN orgs o ON o.id = e.org_id
		WHERE o.path LIKE ? AND m.round_key IN (`+in+`) ORDER BY e.id LIMIT 5`, keys,
		func(a, b2, c string) string { return fmt.Sprintf("%s《%s》：%s", a, b2, excerpt(c, 150)) }, msg.T("report.brief.noExemplars")); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (s *Service) briefLines(ctx context.Context, b *strings.Builder, q string, args []any, line func(a, b, c string) string, none string) error {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return errs.Wrap(err, "brief lines")
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var a, b2, c string
		if err := rows.Scan(&a, &b2, &c); err != nil {
			return errs.Wrap(err, "brief line scan")
		}
		n++
		fmt.Fprintf(b, "（%s）%s\n", chineseNum(n), line(a, b2, c))
	}
	if n == 0 {
		b.WriteString(none + "\n")
	}
	return errs.Wrap(rows.Err(), "brief line rows")
}

func chineseNum(n int) string {
	d := []rune(msg.T("report.numerals"))
	if n >= 0 && n < len(d) {
		return string(d[n])
	}
	return fmt.Sprint(n)
}

// Briefs lists issues: drafts for the admin and the task force, published
// ones for leaders.
func (s *Service) Briefs(ctx context.Context, p *auth.Principal) ([]Brief, error) {
	if !p.Has(analysts...) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT id, issue_no, period_from, period_to, title, issuer, '', status, created_at, published_at FROM briefs ORDER BY issue_no DESC LIMIT 200`)
	if err != nil {
		return nil, errs.Wrap(err, "briefs")
	}
	defer rows.Close()
	var out []Brief
	for rows.Next() {
		b, err := scanBrief(rows)
		if err != nil {
			return nil, err
		}
		if b.Published() || s.canWriteBriefs(p) {
			out = append(out, b)
		}
	}
	return out, errs.Wrap(rows.Err(), "brief rows")
}

func scanBrief(sc scanner) (Brief, error) {
	var b Brief
	var pub sql.NullTime
	err := sc.Scan(&b.ID, &b.IssueNo, &b.From, &b.To, &b.Title, &b.Issuer, &b.Body, &b.Status, &b.CreatedAt, &pub)
	if pub.Valid {
		b.PublishedAt = &pub.Time
	}
	if db.IsNoRows(err) {
		return b, errs.NotFoundf(msg.T("report.noun.brief"))
	}
	return b, errs.Wrap(err, "brief scan")
}

// Brief reads one issue.
func (s *Service) Brief(ctx context.Context, p *auth.Principal, id int64) (Brief, error) {
	if !p.Has(analysts...) {
		return Brief{}, errs.Forbid()
	}
	b, err := scanBrief(s.DB.QueryRow(ctx, `SELECT id, issue_no, period_from, period_to, title, issuer, body, status, created_at, published_at FROM briefs WHERE id = ?`, id))
	if err != nil {
		return b, err
	}
	if !b.Published() && !s.canWriteBriefs(p) {
		return Brief{}, errs.NotFoundf(msg.T("report.noun.brief"))
	}
	return b, nil
}

// EditBrief changes a draft.
func (s *Service) EditBrief(ctx context.Context, p *auth.Principal, id int64, title, issuer, body string) error {
	if !s.canWriteBriefs(p) {
		return errs.Forbid()
	}
	title, issuer, body = strings.TrimSpace(title), strings.TrimSpace(issuer), strings.TrimSpace(body)
	var fe []errs.FieldError
	if title == "" || utf8.RuneCountInString(title) > 100 {
		fe = append(fe, errs.FieldError{Field: "title", Reason: msg.T("report.field.title")})
	}
	if issuer == "" || utf8.RuneCountInString(issuer) > 60 {
		fe = append(fe, errs.FieldError{Field: "issuer", Reason: msg.T("report.field.issuer")})
	}
	if body == "" || utf8.RuneCountInString(body) > 20000 {
		fe = append(fe, errs.FieldError{Field: "body", Reason: msg.T("report.field.body")})
	}
	if len(fe) > 0 {
		return errs.E(errs.Invalid, "bad_brief", msg.T("report.bad_brief")).WithFields(fe)
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := briefDraftOnly(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE briefs SET title = ?, issuer = ?, body = ?, updated_at = ? WHERE id = ?`, title, issuer, body, tx.Now, id); err != nil {
			return errs.Wrap(err, "edit brief")
		}
		return audit.Record(ctx, tx, p.Actor(), "brief.edit", fmt.Sprintf("brief:%d", id), map[string]any{"title": title}, audit.OK)
	})
}

func briefDraftOnly(ctx context.Context, tx *db.Tx, id int64) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM briefs WHERE id = ?`+tx.ForUpdate(), id).Scan(&status)
	if db.IsNoRows(err) {
		return errs.NotFoundf(msg.T("report.noun.brief"))
	}
	if err != nil {
		return errs.Wrap(err, "brief status")
	}
	if status != "draft" {
		return errs.E(errs.Conflict, "published", msg.T("report.published"))
	}
	return nil
}

// PublishBrief circulates a draft.
func (s *Service) PublishBrief(ctx context.Context, p *auth.Principal, id int64) error {
	if !s.canWriteBriefs(p) {
		return errs.Forbid()
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := briefDraftOnly(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE briefs SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?`, tx.Now, tx.Now, id); err != nil {
			return errs.Wrap(err, "publish brief")
		}
		return audit.Record(ctx, tx, p.Actor(), "brief.publish", fmt.Sprintf("brief:%d", id), nil, audit.OK)
	})
}
