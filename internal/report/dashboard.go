package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/round"
)

// Figures are the analysis of a set of activity units in one round.
type Figures struct {
	Units     int `json:"units"`
	OnTime    int `json:"on_time"`
	MadeUp    int `json:"made_up"`
	Late      int `json:"late"`
	Postponed int `json:"postponed"`
	Pending   int `json:"pending"`
	NotHeld   int `json:"not_held"`

	Members     int `json:"members"`      // members of every unit
	HeldMembers int `json:"held_members"` // members of units whose meeting counts
	Present     int `json:"present"`
	Leave       int `json:"leave"`
	SelfDone    int `json:"selfstudy_done"`
	SelfDue     int `json:"selfstudy_due"`
	Speeches    int `json:"speeches"`
	Cases       int `json:"cases"`
	Reviews     int `json:"reviews"`
	Problems    int `json:"problems"`
	Rectified   int `json:"rectified"`
	NoticesDue  int `json:"notices_due"`
	NoticesRead int `json:"notices_read"`
	Overdue     int `json:"overdue_rectifications"` // open past their deadline today, whatever their round

	SitIns    int     `json:"sitins"`                // sit-ins recorded (when the sit-in feature is installed)
	SitInAvg  float64 `json:"sitin_score,omitempty"` // their mean score, 0..100
	HasSitIns bool    `json:"-"`
	ExamTaken int     `json:"exam_participants"`
	HasExams  bool    `json:"-"`

	unheld, unheldPP int
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Held counts units whose meeting counts for the round.
func (f Figures) Held() int { return f.OnTime + f.MadeUp + f.Late }

// Compliant counts units on time or made up by an approved date.
func (f Figures) Compliant() int { return f.OnTime + f.MadeUp }

// ComplianceRate is Compliant / Units.
func (f Figures) ComplianceRate() float64 { return ratio(f.Compliant(), f.Units) }

// Attendance is members present / members of the units that met.
func (f Figures) Attendance() float64 { return ratio(f.Present, f.HeldMembers) }

// SelfStudy is materials read / materials owed by those who attended.
func (f Figures) SelfStudy() float64 { return ratio(f.SelfDone, f.SelfDue) }

// SpeechesPerMember is speeches / members of the units that met.
func (f Figures) SpeechesPerMember() float64 { return ratio(f.Speeches, f.HeldMembers) }

// RectifiedRate is problems rectified / problems found.
func (f Figures) RectifiedRate() float64 { return ratio(f.Rectified, f.Problems) }

// Unread is notices owed a read receipt and not read.
func (f Figures) Unread() int { return f.NoticesDue - f.NoticesRead }

// Score is the composite used for 比学赶帮超 among units: outcomes only —
// meetings held as required, attendance, self-study before the meeting,
// and problems carried through to rectification. Never logins or minutes.
func (f Figures) Score() float64 {
	rect := f.RectifiedRate()
	if f.Problems == 0 {
		rect = 1 // nothing found is not a failure to fix
	}
	return 100 * (0.4*f.ComplianceRate() + 0.25*f.Attendance() + 0.2*f.SelfStudy() + 0.15*rect)
}

// Row is one child of the org being viewed (or a unit).
type Row struct {
	Org    OrgRef  `json:"org"`
	IsUnit bool    `json:"is_unit"`
	F      Figures `json:"figures"`
}

// TrendPoint is one round of the trend.
type TrendPoint struct {
	RoundKey string  `json:"round"`
	Label    string  `json:"label"`
	F        Figures `json:"figures"`
}

// Dashboard is the analysis of one org in one round.
type Dashboard struct {
	Round      string       `json:"round"`
	RoundLabel string       `json:"round_label"`
	WindowOpen bool         `json:"window_open"`
	Org        OrgRef       `json:"org"`
	Crumbs     []OrgRef     `json:"crumbs"`
	Total      Figures      `json:"total"`
	Rows       []Row        `json:"rows"`
	Ranking    []Row        `json:"ranking"`
	Trend      []TrendPoint `json:"trend"`
	Rounds     []RoundOpt   `json:"-"`
	// Updating: a large change is being taken in; the figures are those
	// of the last refresh and the page says so.
	Updating bool `json:"updating"`
}

// RoundOpt is a round in a picker.
type RoundOpt struct {
	Key, Label string
}

// Dashboard computes the analysis of org (0 = the top of the reader's
// scope) in the round (""= the current one), with its children's rows, a
// ranking of the children and the trend over the programme's rounds.
func (s *Service) Dashboard(ctx context.Context, p *auth.Principal, key string, orgID int64) (*Dashboard, error) {
	o, err := s.scopeOrg(ctx, p, orgID, analysts...)
	if err != nil {
		return nil, err
	}
	all, err := s.Rounds.Rounds(ctx, 0)
	if err != nil {
		return nil, err
	}
	r, err := s.pickRound(ctx, key)
	if err != nil {
		return nil, err
	}
	trendRounds := all
	if !slices.ContainsFunc(all, func(x round.Round) bool { return x.Key() == r.Key() }) {
		trendRounds = append([]round.Round{r}, all...)
	}
	_, updating, err := s.ensure(ctx, trendRounds, true)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{Round: r.Key(), RoundLabel: r.Label(), Org: o, WindowOpen: s.Now().Before(r.WindowEnd), Updating: updating}
	for _, x := range all {
		d.Rounds = append(d.Rounds, RoundOpt{x.Key(), x.Label()})
	}
	if d.Crumbs, err = s.crumbs(ctx, p, o); err != nil {
		return nil, err
	}
	if err := s.fillRound(ctx, d, r, o); err != nil {
		return nil, err
	}
	if d.Trend, err = s.trend(ctx, o, all); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Service) pickRound(ctx context.Context, key string) (round.Round, error) {
	if key == "" {
		// Analysis looks at the last round whose window has closed: the
		// current one is still under way and would show mostly 待开展. It
		// stays one click away in the round picker.
		r, cal, err := s.Rounds.Current(ctx)
		if err != nil {
			return r, err
		}
		if prev := round.Prev(cal, r); !prev.Due.Before(cal.Start) {
			return prev, nil
		}
		return r, nil
	}
	r, _, err := s.Rounds.ByKey(ctx, key)
	if err != nil {
		return r, errs.E(errs.Invalid, "bad_round", err.Error())
	}
	return r, nil
}

// crumbs are the ancestors the reader may open, down to o.
func (s *Service) crumbs(ctx context.Context, p *auth.Principal, o OrgRef) ([]OrgRef, error) {
	var out []OrgRef
	for _, id := range pathIDs(o.Path) {
		a, err := loadOrg(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		if p.Covers(a.Path, analysts...) {
			out = append(out, a)
		}
	}
	return out, nil
}

// aggCols sums the facts; the order matches scanAgg.
const aggCols = `COUNT(*), SUM(CASE WHEN held_status = 'on_time' THEN 1 ELSE 0 END), SUM(CASE WHEN held_status = 'made_up' THEN 1 ELSE 0 END),
	SUM(CASE WHEN held_status = 'late' THEN 1 ELSE 0 END), SUM(CASE WHEN held_status = '' THEN 1 ELSE 0 END),
	SUM(CASE WHEN held_status = '' AND pp_date >= ? THEN 1 ELSE 0 END),
	SUM(members), SUM(CASE WHEN held_status <> '' THEN members ELSE 0 END), SUM(present), SUM(on_leave),
	SUM(selfstudy_done), SUM(selfstudy_due), SUM(speeches), SUM(cases), SUM(reviews), SUM(problems), SUM(rectified),
	SUM(notices_due), SUM(notices_read)`

type scanner interface{ Scan(dest ...any) error }

func scanAgg(sc scanner, lead []any, f *Figures) error {
	var v [19]int64
	dest := append([]any{}, lead...)
	for i := range v {
		dest = append(dest, &nullInt{&v[i]})
	}
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	f.Units, f.OnTime, f.MadeUp, f.Late = int(v[0]), int(v[1]), int(v[2]), int(v[3])
	f.unheld, f.unheldPP = int(v[4]), int(v[5])
	f.Members, f.HeldMembers, f.Present, f.Leave = int(v[6]), int(v[7]), int(v[8]), int(v[9])
	f.SelfDone, f.SelfDue, f.Speeches, f.Cases = int(v[10]), int(v[11]), int(v[12]), int(v[13])
	f.Reviews, f.Problems, f.Rectified = int(v[14]), int(v[15]), int(v[16])
	f.NoticesDue, f.NoticesRead = int(v[17]), int(v[18])
	return nil
}

// nullInt scans an integer aggregate that is NULL over no rows; SQLite may
// hand SUMs back as int64 or float64.
type nullInt struct{ p *int64 }

func (n *nullInt) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.p = 0
	case int64:
		*n.p = x
	case float64:
		*n.p = int64(x)
	case []byte:
		_, err := fmt.Sscan(string(x), n.p)
		return err
	case string:
		_, err := fmt.Sscan(x, n.p)
		return err
	default:
		return fmt.Errorf("report: unexpected aggregate %T", v)
	}
	return nil
}

// settle splits the units without a counting meeting by the clock: while
// the window is open they are pending; afterwards postponed (an approved
// new date not yet passed) or not held — as round.StatusOf decides.
func (f *Figures) settle(r round.Round, now time.Time) {
	if now.Before(r.WindowEnd) {
		f.Pending = f.unheld
		return
	}
	f.Postponed = f.unheldPP
	f.NotHeld = f.unheld - f.unheldPP
}

func (s *Service) today(r round.Round) string {
	return round.DateOf(s.Now(), r.WindowEnd.Location()).String()
}

func levelCol(n int) (string, error) {
	if n < 1 || n > maxLevel {
		return "", errs.E(errs.Unprocessable, "too_deep", msg.T("report.too_deep"))
	}
	return fmt.Sprintf("lvl%d", n), nil
}

// fillRound computes the total and the children's rows of o in r from the
// rollups (rollup.go): one row for the total, one per child.
func (s *Service) fillRound(ctx context.Context, d *Dashboard, r round.Round, o OrgRef) error {
	dep := depth(o.Path)
	if _, err := levelCol(dep); err != nil {
		return err
	}
	today := s.today(r)
	_, err := scanRoll(s.DB.QueryRow(ctx, `SELECT `+rollCols+` FROM report_org_round WHERE org_id = ? AND round_key = ?`, o.ID, r.Key()), nil, &d.Total)
	if err != nil && !db.IsNoRows(err) {
		return errs.Wrap(err, "dashboard total")
	}
	err = s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(units), 0) FROM report_org_pp WHERE org_id = ? AND round_key = ? AND pp_date >= ?`,
		o.ID, r.Key(), today).Scan(&d.Total.unheldPP)
	if err != nil {
		return errs.Wrap(err, "dashboard postponed")
	}
	d.Total.settle(r, s.Now())
	if dep < maxLevel {
		if d.Rows, err = s.childRows(ctx, r, o, today); err != nil {
			return err
		}
	}
	if err := s.overdue(ctx, o, d); err != nil {
		return err
	}
	if err := s.opt.fill(ctx, s.DB, r.Key(), o, dep, d); err != nil {
		return err
	}
	d.Ranking = rank(d.Rows)
	return nil
}

// childRows reads the rollups of o's children that have units, in tree
// order, as on the organisation pages.
func (s *Service) childRows(ctx context.Context, r round.Round, o OrgRef, today string) ([]Row, error) {
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.name, o.kind, o.path, `+prefixedRoll("g.")+` FROM report_org_round g JOIN orgs o ON o.id = g.org_id
		WHERE o.parent_id = ? AND g.round_key = ? ORDER BY o.path`, o.ID, r.Key())
	if err != nil {
		return nil, errs.Wrap(err, "dashboard rows")
	}
	var out []Row
	idx := map[int64]int{}
	for rows.Next() {
		var row Row
		unit, err := scanRoll(rows, []any{&row.Org.ID, &row.Org.Name, &row.Org.Kind, &row.Org.Path}, &row.F)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "dashboard row scan")
		}
		row.IsUnit = unit
		idx[row.Org.ID] = len(out)
		out = append(out, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "dashboard row rows")
	}
	pp, err := s.DB.Query(ctx, `SELECT p.org_id, SUM(p.units) FROM report_org_pp p JOIN orgs o ON o.id = p.org_id
		WHERE o.parent_id = ? AND p.round_key = ? AND p.pp_date >= ? GROUP BY p.org_id`, o.ID, r.Key(), today)
	if err != nil {
		return nil, errs.Wrap(err, "dashboard row postponed")
	}
	defer pp.Close()
	for pp.Next() {
		var id int64
		var n int
		if err := pp.Scan(&id, &n); err != nil {
			return nil, errs.Wrap(err, "dashboard row postponed scan")
		}
		if i, ok := idx[id]; ok {
			out[i].F.unheldPP = n
		}
	}
	now := s.Now()
	for i := range out {
		out[i].F.settle(r, now)
	}
	return out, errs.Wrap(pp.Err(), "dashboard row postponed rows")
}

// scanRoll reads the rollCols of one rollup row after the lead columns and
// says whether the row's org is itself an activity unit.
func scanRoll(sc scanner, lead []any, f *Figures) (bool, error) {
	var v rvec
	dest := append([]any{}, lead...)
	for i := range v {
		dest = append(dest, &v[i])
	}
	if err := sc.Scan(dest...); err != nil {
		return false, err
	}
	f.Units, f.OnTime, f.MadeUp, f.Late, f.unheld = int(v[0]), int(v[2]), int(v[3]), int(v[4]), int(v[5])
	f.Members, f.HeldMembers, f.Present, f.Leave = int(v[6]), int(v[7]), int(v[8]), int(v[9])
	f.SelfDone, f.SelfDue, f.Speeches, f.Cases = int(v[10]), int(v[11]), int(v[12]), int(v[13])
	f.Reviews, f.Problems, f.Rectified = int(v[14]), int(v[15]), int(v[16])
	f.NoticesDue, f.NoticesRead = int(v[17]), int(v[18])
	return v[1] == 1, nil
}

// prefixedRoll qualifies rollCols with a table alias.
func prefixedRoll(alias string) string {
	cols := strings.Split(rollCols, ",")
	for i, c := range cols {
		cols[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// overdue counts open rectifications past their deadline under o and per
// child, from the per-deadline rollup: the deadlines before today.
func (s *Service) overdue(ctx context.Context, o OrgRef, d *Dashboard) error {
	today := round.DateOf(s.Now(), mustZone()).String()
	err := s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM report_org_due WHERE org_id = ? AND deadline < ?`, o.ID, today).Scan(&d.Total.Overdue)
	if err != nil {
		return errs.Wrap(err, "overdue")
	}
	if len(d.Rows) == 0 {
		return nil
	}
	rows, err := s.DB.Query(ctx, `SELECT u.org_id, SUM(u.n) FROM report_org_due u JOIN orgs o ON o.id = u.org_id
		WHERE o.parent_id = ? AND u.deadline < ? GROUP BY u.org_id`, o.ID, today)
	if err != nil {
		return errs.Wrap(err, "overdue rows")
	}
	defer rows.Close()
	idx := map[int64]int{}
	for i, r := range d.Rows {
		idx[r.Org.ID] = i
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return errs.Wrap(err, "overdue scan")
		}
		if i, ok := idx[id]; ok {
			d.Rows[i].F.Overdue = n
		}
	}
	return errs.Wrap(rows.Err(), "overdue rows")
}

func mustZone() *time.Location {
	return round.DefaultCalendar(round.Date{}).Zone()
}

// rank orders the rows by the composite outcome score (best first); rows
// with no units are left out.
func rank(rows []Row) []Row {
	var out []Row
	for _, r := range rows {
		if r.F.Units > 0 {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b Row) int { return cmp.Compare(b.F.Score(), a.F.Score()) })
	return out
}

// trend is o's total in every round of the programme, oldest first: one
// rollup row per round.
func (s *Service) trend(ctx context.Context, o OrgRef, rounds []round.Round) ([]TrendPoint, error) {
	if _, err := levelCol(depth(o.Path)); err != nil {
		return nil, err
	}
	if len(rounds) == 0 {
		return nil, nil
	}
	keys := make([]any, 0, len(rounds)+1)
	keys = append(keys, o.ID)
	for _, r := range rounds {
		keys = append(keys, r.Key())
	}
	in := placeholders(len(rounds))
	byKey := map[string]Figures{}
	rows, err := s.DB.Query(ctx, `SELECT round_key, `+rollCols+` FROM report_org_round WHERE org_id = ? AND round_key IN (`+in+`)`, keys...)
	if err != nil {
		return nil, errs.Wrap(err, "trend")
	}
	for rows.Next() {
		var k string
		var f Figures
		if _, err := scanRoll(rows, []any{&k}, &f); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "trend scan")
		}
		byKey[k] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "trend rows")
	}
	today := s.today(rounds[0])
	pp, err := s.DB.Query(ctx, `SELECT round_key, SUM(units) FROM report_org_pp WHERE org_id = ? AND round_key IN (`+in+`) AND pp_date >= ? GROUP BY round_key`,
		append(keys, today)...)
	if err != nil {
		return nil, errs.Wrap(err, "trend postponed")
	}
	defer pp.Close()
	for pp.Next() {
		var k string
		var n int
		if err := pp.Scan(&k, &n); err != nil {
			return nil, errs.Wrap(err, "trend postponed scan")
		}
		f := byKey[k]
		f.unheldPP = n
		byKey[k] = f
	}
	if err := pp.Err(); err != nil {
		return nil, errs.Wrap(err, "trend postponed rows")
	}
	now := s.Now()
	out := make([]TrendPoint, 0, len(rounds))
	for i := len(rounds) - 1; i >= 0; i-- {
		r := rounds[i]
		f := byKey[r.Key()]
		f.settle(r, now)
		out = append(out, TrendPoint{RoundKey: r.Key(), Label: r.Label(), F: f})
	}
	return out, nil
}

// UnitFacts lists every activity unit under o in round r with its figures,
// for bulletins (which name units, not committees).
func (s *Service) unitFacts(ctx context.Context, q db.Querier, r round.Round, o OrgRef) ([]Row, error) {
	if _, _, err := s.ensure(ctx, []round.Round{r}, false); err != nil {
		return nil, err
	}
	col, err := levelCol(depth(o.Path))
	if err != nil {
		return nil, err
	}
	today := s.today(r)
	rows, err := q.Query(ctx, `SELECT f.org_id, o.name, o.kind, o.path, `+prefixed(aggCols)+` FROM report_unit_round f JOIN orgs o ON o.id = f.org_id
		WHERE f.`+col+` = ? AND f.round_key = ? GROUP BY f.org_id, o.name, o.kind, o.path ORDER BY o.path`, today, o.ID, r.Key())
	if err != nil {
		return nil, errs.Wrap(err, "unit facts")
	}
	defer rows.Close()
	var out []Row
	now := s.Now()
	for rows.Next() {
		var row Row
		if err := scanAgg(rows, []any{&row.Org.ID, &row.Org.Name, &row.Org.Kind, &row.Org.Path}, &row.F); err != nil {
			return nil, errs.Wrap(err, "unit facts scan")
		}
		row.F.settle(r, now)
		row.IsUnit = true
		out = append(out, row)
	}
	return out, errs.Wrap(rows.Err(), "unit facts rows")
}

// prefixed qualifies the facts columns of aggCols with "f." for joins.
func prefixed(cols string) string {
	for _, c := range []string{"held_status", "pp_date", "members", "present", "on_leave", "selfstudy_done", "selfstudy_due",
		"speeches", "cases", "reviews", "problems", "rectified", "notices_due", "notices_read"} {
		cols = strings.ReplaceAll(cols, "("+c, "(f."+c)
		cols = strings.ReplaceAll(cols, "WHEN "+c, "WHEN f."+c)
		cols = strings.ReplaceAll(cols, "AND "+c, "AND f."+c)
		cols = strings.ReplaceAll(cols, "THEN "+c, "THEN f."+c)
	}
	return cols
}
