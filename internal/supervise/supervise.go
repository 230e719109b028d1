// Package supervise is the task force's own work: its rhythm (日碰头 ·
// 周例会 · 月观摩), sitting in on units' meetings (旁听列席 · 常态观摩) and
// the exemplars it picks for the 先锋二七 column (选树典型). Dashboards,
// bulletins and briefs live elsewhere; they read what this package stores.
package supervise

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/rectify"
)

// Service stores the task force's records.
type Service struct {
	DB       *db.DB
	Meetings *meeting.Service
	Rectify  *rectify.Service
	Zone     *time.Location
	Now      func() time.Time
}

// NewService returns a Service.
func NewService(d *db.DB, m *meeting.Service, r *rectify.Service, zone *time.Location) *Service {
	return &Service{DB: d, Meetings: m, Rectify: r, Zone: zone, Now: time.Now}
}

// TaskForce reports whether p runs the programme's supervision: the admin
// or a task-force member. Their own records (stand-ups, weekly meetings,
// the observation plan, exemplars) are not tied to an org.
func TaskForce(p *auth.Principal) bool { return p.Has(auth.Admin, auth.TaskForce) }

func requireTaskForce(p *auth.Principal) error {
	if !TaskForce(p) {
		return errs.Forbid()
	}
	return nil
}

// today is the date in the district's zone.
func (s *Service) today() string { return s.Now().In(s.Zone).Format(dateLayout) }

const dateLayout = "2006-01-02"

// text trims v and checks its length in characters.
func text(v string, min, max int) (string, bool) {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	return v, n >= min && n <= max
}

// fieldErrs collects field errors and turns them into one Invalid error.
type fieldErrs []errs.FieldError

func (f *fieldErrs) add(field, reason string) {
	*f = append(*f, errs.FieldError{Field: field, Reason: reason})
}

func (f fieldErrs) err(code string) error {
	if len(f) == 0 {
		return nil
	}
	return errs.E(errs.Invalid, code, f[0].Reason).WithFields(f)
}

// Person is a user the task force can name: an owner of a decision or an
// observer.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Staff lists the enabled users holding one of roles anywhere, by name.
func (s *Service) Staff(ctx context.Context, roles ...auth.Role) ([]Person, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = string(r)
	}
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT u.id, u.display_name FROM users u JOIN role_assignments r ON r.user_id = u.id
		WHERE u.disabled = FALSE AND r.role IN (?`+strings.Repeat(", ?", len(roles)-1)+`) ORDER BY u.display_name, u.id`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "staff")
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, errs.Wrap(err, "staff scan")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "staff rows")
}

// hasRole reports whether the user holds one of roles anywhere.
func hasRole(ctx context.Context, q db.Querier, userID int64, roles ...auth.Role) (bool, error) {
	args := []any{userID}
	for _, r := range roles {
		args = append(args, string(r))
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM role_assignments r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = ? AND u.disabled = FALSE AND r.role IN (?`+strings.Repeat(", ?", len(roles)-1)+`)`, args...).Scan(&n)
	return n > 0, errs.Wrap(err, "role check")
}

func isUnique(err error) bool { return errors.Is(err, db.ErrUnique) }
