// Package report derives the task force's analysis from the recorded cycle:
// dashboards per round and as a trend, drilled down the organisation tree,
// rankings of units (never of people), charts drawn as SVG, spreadsheet
// export, the bulletins (督导通报) and the numbered work briefs (工作简报) with
// their .docx export, the near-duplicate speech detector wired to the
// speeches table, and the scale generator used by the budgets.
//
// Nothing here is typed by anyone: every figure comes from meetings,
// attendance, self-study, speeches, reviews, rectifications, notices and
// postponements, through the per-unit-per-round facts table that triggers
// keep marked and readers refresh (facts.go).
package report

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/round"
)

// Service is the analysis layer on one database.
type Service struct {
	DB     *db.DB
	Rounds *round.Service
	Now    func() time.Time

	factsMu    sync.Mutex  // one refresher at a time: two dashboards never build the same round twice
	refreshing atomic.Bool // a background refresh is under way
	// AsyncAbove: with at least this many orgs, a change reaching a whole
	// city or the province is refreshed in the background (see ensure).
	// Zero never does.
	AsyncAbove int
	// Log reports background refreshes that failed.
	Log *slog.Logger
	sim simState
	opt optional
}

// NewService returns a Service on d.
func NewService(d *db.DB, rounds *round.Service) *Service {
	if rounds == nil {
		rounds = round.NewService(d)
	}
	return &Service{DB: d, Rounds: rounds, Now: time.Now, AsyncAbove: 20000, Log: slog.Default()}
}

// analysts may read dashboards, similar speeches and drafts.
var analysts = []auth.Role{auth.Admin, auth.TaskForce, auth.Leader}

// OrgRef names an org in lists and breadcrumbs.
type OrgRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Path string `json:"-"`
}

// KindLabel is the org kind's Chinese name.
func (o OrgRef) KindLabel() string {
	switch o.Kind {
	case "district":
		return msg.T("report.kindLabel.district")
	case "committee":
		return msg.T("report.kindLabel.committee")
	case "branch":
		return msg.T("report.kindLabel.branch")
	case "group":
		return msg.T("report.kindLabel.group")
	}
	return o.Kind
}

func loadOrg(ctx context.Context, q db.Querier, id int64) (OrgRef, error) {
	var o OrgRef
	err := q.QueryRow(ctx, `SELECT id, name, kind, path FROM orgs WHERE id = ?`, id).Scan(&o.ID, &o.Name, &o.Kind, &o.Path)
	if db.IsNoRows(err) {
		return o, errs.NotFoundf(msg.T("noun.org"))
	}
	return o, errs.Wrap(err, "load org")
}

// depth is the number of ids in a materialised path: "/1/4/" is 2.
func depth(path string) int { return strings.Count(path, "/") - 1 }

// pathIDs splits "/1/4/17/" into 1, 4, 17.
func pathIDs(path string) []int64 {
	var out []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		var n int64
		for _, c := range s {
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int64(c-'0')
		}
		if n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// scopeOrg resolves the org a reader asked for (0 = the top of their
// scope) and checks they may read it with one of roles.
func (s *Service) scopeOrg(ctx context.Context, p *auth.Principal, orgID int64, roles ...auth.Role) (OrgRef, error) {
	if orgID == 0 {
		sc := p.Scopes(roles...)
		if len(sc) == 0 {
			return OrgRef{}, errs.Forbid()
		}
		ids := pathIDs(sc[0])
		orgID = ids[len(ids)-1]
	}
	o, err := loadOrg(ctx, s.DB, orgID)
	if err != nil {
		return o, err
	}
	if !p.Covers(o.Path, roles...) {
		return o, errs.NotFoundf(msg.T("noun.org"))
	}
	return o, nil
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// chunks splits ids into slices of at most n, for IN lists that stay
// under both engines' parameter limits.
func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func isUnique(err error) bool { return errors.Is(err, db.ErrUnique) }
