package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
	"xuejiangping/internal/round"
)

// The facts table (report_unit_round) is a cache of per-unit figures per
// round. Triggers on the source tables mark (org subtree, round) pairs in
// report_dirty; readers call ensure, which builds rounds never built and
// recomputes only the marked units. Rebuild recomputes everything.

// maxLevel is the deepest ancestor column of the facts table.
const maxLevel = 5

// fact is one unit's figures in one round.
type fact struct {
	orgID      int64
	lvl        [maxLevel]int64
	members    int
	meetingID  int64
	heldStatus string
	ppDate     string
	present    int
	leave      int
	selfDone   int
	selfDue    int
	speeches   int
	cases      int
	reviews    int
	problems   int
	rectified  int
	noticesDue int
	noticeRead int
}

// ensure brings the facts of the given rounds up to date and returns the
// version of every built round. With stale allowed (the dashboards), a
// change too big to refresh within a page view — at province scale, a
// notice to a whole city or the province touches every unit under it — is
// refreshed in the background instead, and updating says the figures are
// those of the last refresh. Bulletins and briefs, which name units, wait.
func (s *Service) ensure(ctx context.Context, rounds []round.Round, stale bool) (built map[string]time.Time, updating bool, err error) {
	if stale && s.refreshing.Load() {
		built, err := s.builtRounds(ctx)
		return built, true, err
	}
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	built, err = s.builtRounds(ctx)
	if err != nil {
		return nil, false, err
	}
	changed := false
	for _, r := range rounds {
		if _, ok := built[r.Key()]; ok {
			continue
		}
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := s.lockFacts(ctx, tx); err != nil {
				return err
			}
			return buildRound(ctx, tx, r, nil)
		})
		if err != nil {
			return nil, false, err
		}
		built[r.Key()], changed = time.Time{}, true
	}
	if stale {
		big, err := s.bigChange(ctx)
		if err != nil {
			return nil, false, err
		}
		if big {
			s.refreshInBackground()
			if changed {
				built, err = s.builtRounds(ctx)
			}
			return built, true, err
		}
	}
	refreshed, err := s.refreshDirty(ctx, built)
	if err != nil {
		return nil, false, err
	}
	if changed || refreshed {
		built, err = s.builtRounds(ctx)
		return built, false, err
	}
	return built, false, nil
}

// lockFacts serialises the writers of facts and rollups across instances
// on PostgreSQL (factsMu does it within one): two refreshers subtracting
// the same old facts would count a change twice. SQLite has one writer.
func (s *Service) lockFacts(ctx context.Context, tx *db.Tx) error {
	if s.DB.Dialect != db.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(741105)`)
	return errs.Wrap(err, "facts lock")
}

// builtRounds maps each built round to the time its facts last changed.
func (s *Service) builtRounds(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.DB.Query(ctx, `SELECT round_key, built_at FROM report_rounds`)
	if err != nil {
		return nil, errs.Wrap(err, "built rounds")
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var at time.Time
		if err := rows.Scan(&k, &at); err != nil {
			return nil, errs.Wrap(err, "built round scan")
		}
		out[k] = at
	}
	return out, errs.Wrap(rows.Err(), "built round rows")
}

// buildRound computes every unit's facts for r (units: all activity units,
// or nil to list them here).
func buildRound(ctx context.Context, tx *db.Tx, r round.Round, units []org.Unit) error {
	if _, err := tx.Exec(ctx, `DELETE FROM report_unit_round WHERE round_key = ?`, r.Key()); err != nil {
		return errs.Wrap(err, "clear facts")
	}
	if units == nil {
		var err error
		if units, err = org.Units(ctx, tx, "/"); err != nil {
			return err
		}
	}
	if _, err := computeAndWrite(ctx, tx, r, units, false); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO report_rounds (round_key, built_at) VALUES (?, ?) ON CONFLICT (round_key) DO UPDATE SET built_at = excluded.built_at`, r.Key(), tx.Now)
	if err != nil {
		return errs.Wrap(err, "mark round built")
	}
	return rollupRound(ctx, tx, r.Key())
}

// refreshDirty recomputes the units under every marked org, per round.
// Marks for rounds never built are dropped: building them later reads
// everything anyway. '*' marks (members moved, orgs changed) apply to every
// built round.
func (s *Service) refreshDirty(ctx context.Context, built map[string]time.Time) (bool, error) {
	var any bool
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.lockFacts(ctx, tx); err != nil {
			return err
		}
		if err := rollupPending(ctx, tx); err != nil {
			return err
		}
		if err := refreshDue(ctx, tx); err != nil {
			return err
		}
		if err := foldDue(ctx, tx, round.DateOf(s.Now(), mustZone()).String()); err != nil {
			return err
		}
		marks, err := readDirty(ctx, tx)
		if err != nil || len(marks) == 0 {
			return err
		}
		any = true
		byRound := map[string][]int64{}
		for _, m := range marks {
			if m.round == "*" {
				for k := range built {
					byRound[k] = append(byRound[k], m.org)
				}
			} else if _, ok := built[m.round]; ok {
				byRound[m.round] = append(byRound[m.round], m.org)
			}
		}
		cal, err := s.Rounds.Calendar(ctx)
		if err != nil {
			return err
		}
		for key, orgs := range byRound {
			r, err := round.ByKey(cal, key)
			if err != nil {
				continue // a stray key in a row; nothing to show for it
			}
			if err := refreshUnits(ctx, tx, r, orgs); err != nil {
				return err
			}
			// When the round's figures last changed.
			if _, err := tx.Exec(ctx, `UPDATE report_rounds SET built_at = ? WHERE round_key = ?`, tx.Now, key); err != nil {
				return errs.Wrap(err, "round version")
			}
		}
		return nil
	})
	return any, err
}

type mark struct {
	org   int64
	round string
}

// readDirty takes the marks; DELETE … RETURNING clears exactly the ones it
// read, so a mark committed meanwhile waits for the next reader.
func readDirty(ctx context.Context, tx *db.Tx) ([]mark, error) {
	rows, err := tx.Query(ctx, `DELETE FROM report_dirty RETURNING org_id, round_key`)
	if err != nil {
		return nil, errs.Wrap(err, "dirty")
	}
	defer rows.Close()
	var out []mark
	for rows.Next() {
		var m mark
		if err := rows.Scan(&m.org, &m.round); err != nil {
			return nil, errs.Wrap(err, "dirty scan")
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "dirty rows")
}

// refreshUnits recomputes the facts of every unit under the given orgs and
// moves the rollups by the difference.
func refreshUnits(ctx context.Context, tx *db.Tx, r round.Round, orgIDs []int64) error {
	paths, err := orgPaths(ctx, tx, orgIDs)
	if err != nil {
		return err
	}
	tops := topPaths(paths)
	for _, p := range tops {
		if depth(p) == 1 {
			// The whole tree (a notice to the district, say): one pass
			// over the round beats thousands of per-unit lookups.
			return buildRound(ctx, tx, r, nil)
		}
	}
	var units []org.Unit
	var stale []int64
	for _, p := range tops {
		us, err := org.Units(ctx, tx, p)
		if err != nil {
			return err
		}
		units = append(units, us...)
		ids, err := subtreeIDs(ctx, tx, p)
		if err != nil {
			return err
		}
		stale = append(stale, ids...)
	}
	// Orgs that are gone leave rows behind under their own id.
	stale = append(stale, orgIDs...)
	slices.Sort(stale)
	stale = slices.Compact(stale)
	old, err := readFacts(ctx, tx, r.Key(), stale)
	if err != nil {
		return err
	}
	for _, c := range chunks(stale, 500) {
		args := append([]any{r.Key()}, int64Args(c)...)
		if _, err := tx.Exec(ctx, `DELETE FROM report_unit_round WHERE round_key = ? AND org_id IN (`+placeholders(len(c))+`)`, args...); err != nil {
			return errs.Wrap(err, "clear unit facts")
		}
	}
	fresh, err := computeAndWrite(ctx, tx, r, units, true)
	if err != nil {
		return err
	}
	if len(old)+len(fresh) > bulkRefresh {
		// A large part of the round changed (a notice to the whole
		// district, say): summing the round again is cheaper than
		// thousands of row updates.
		return rollupRound(ctx, tx, r.Key())
	}
	d := newRollDelta()
	for _, f := range old {
		d.add(f, -1)
	}
	for _, f := range fresh {
		d.add(f, 1)
	}
	return d.apply(ctx, tx, r.Key())
}

// bulkRefresh is the number of unit rows past which a refresh sums the
// round's rollups again instead of applying differences.
const bulkRefresh = 4000

func orgPaths(ctx context.Context, q db.Querier, ids []int64) ([]string, error) {
	var out []string
	for _, c := range chunks(ids, 500) {
		rows, err := q.Query(ctx, `SELECT path FROM orgs WHERE id IN (`+placeholders(len(c))+`)`, int64Args(c)...)
		if err != nil {
			return nil, errs.Wrap(err, "org paths")
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "org path scan")
			}
			out = append(out, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "org path rows")
		}
	}
	return out, nil
}

// topPaths drops paths inside another path of the list.
func topPaths(paths []string) []string {
	slices.Sort(paths)
	var out []string
	for _, p := range paths {
		if p == "" {
			continue
		}
		if n := len(out); n > 0 && strings.HasPrefix(p, out[n-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func subtreeIDs(ctx context.Context, q db.Querier, path string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM orgs WHERE path LIKE ?`, path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "subtree")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "subtree scan")
		}
		out = append(out, id)
	}
	return out, errs.Wrap(rows.Err(), "subtree rows")
}

// computeAndWrite gathers the figures of units in r and inserts their rows.
// With subset, the source queries are limited to those units (an IN list);
// otherwise they read the whole round once.
func computeAndWrite(ctx context.Context, tx *db.Tx, r round.Round, units []org.Unit, subset bool) ([]*fact, error) {
	if len(units) == 0 {
		return nil, nil
	}
	facts := make(map[int64]*fact, len(units))
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		f := &fact{orgID: u.ID}
		for i, id := range pathIDs(u.Path) {
			if i < maxLevel {
				f.lvl[i] = id
			}
		}
		facts[u.ID] = f
		ids = append(ids, u.ID)
	}
	var filters [][]int64
	if subset {
		filters = chunks(ids, 400)
	} else {
		filters = [][]int64{nil}
	}
	for _, c := range filters {
		if err := gather(ctx, tx, r, c, facts); err != nil {
			return nil, err
		}
	}
	if err := gatherNotices(ctx, tx, r, units, filters, facts); err != nil {
		return nil, err
	}
	list := make([]*fact, 0, len(units))
	for _, id := range ids {
		list = append(list, facts[id])
	}
	return list, writeFacts(ctx, tx, r.Key(), list)
}

// source is one grouped query over the round's records; {in} becomes the
// optional filter on the unit column.
type source struct {
	q    string
	col  string // the unit column the filter applies to
	scan func(f *fact, rows *sql.Rows) error
}

var sources = []source{
	{`SELECT org_id, COUNT(*) FROM members WHERE status <> '已转出' {in} GROUP BY org_id`, "org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.members) }},
	{`SELECT m.org_id, SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END), SUM(CASE WHEN a.status = 'leave' THEN 1 ELSE 0 END)
		FROM attendance a JOIN meetings m ON m.id = a.meeting_id WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.present, &f.leave) }},
	{`SELECT m.org_id, COUNT(*), SUM(CASE WHEN s.is_case THEN 1 ELSE 0 END)
		FROM speeches s JOIN meetings m ON m.id = s.meeting_id WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.speeches, &f.cases) }},
	{`SELECT m.org_id, COUNT(*) FROM reviews v JOIN meetings m ON m.id = v.meeting_id WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.reviews) }},
	{`SELECT m.org_id, COUNT(*) FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.selfDue) }},
	{`SELECT m.org_id, COUNT(*) FROM selfstudy ss JOIN meeting_materials mm ON mm.id = ss.material_id JOIN meetings m ON m.id = mm.meeting_id
		WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.selfDone) }},
	{`SELECT m.org_id, COUNT(*), SUM(CASE WHEN r.status IN ('done','verified') THEN 1 ELSE 0 END)
		FROM rectifications r JOIN meetings m ON m.id = r.meeting_id WHERE m.round_key = ? {in} GROUP BY m.org_id`, "m.org_id",
		func(f *fact, rows *sql.Rows) error { return rows.Scan(&f.orgID, &f.problems, &f.rectified) }},
}

// gather runs the sources for r (limited to ids when given) into facts,
// then derives each unit's meeting status.
func gather(ctx context.Context, tx *db.Tx, r round.Round, ids []int64, facts map[int64]*fact) error {
	for i, src := range sources {
		q, args := filtered(src.q, src.col, ids)
		if i > 0 {
			args = append([]any{r.Key()}, args...)
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return errs.Wrap(err, "facts source")
		}
		for rows.Next() {
			var tmp fact
			if err := src.scan(&tmp, rows); err != nil {
				rows.Close()
				return errs.Wrap(err, "facts scan")
			}
			if f, ok := facts[tmp.orgID]; ok {
				mergeFact(f, &tmp, i)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "facts rows")
		}
	}
	return gatherMeetings(ctx, tx, r, ids, facts)
}

// mergeFact copies the columns source i filled.
func mergeFact(f, t *fact, i int) {
	switch i {
	case 0:
		f.members = t.members
	case 1:
		f.present, f.leave = t.present, t.leave
	case 2:
		f.speeches, f.cases = t.speeches, t.cases
	case 3:
		f.reviews = t.reviews
	case 4:
		f.selfDue = t.selfDue // materials for now; times attendance below
	case 5:
		f.selfDone = t.selfDone
	case 6:
		f.problems, f.rectified = t.problems, t.rectified
	}
}

func filtered(q, col string, ids []int64) (string, []any) {
	if ids == nil {
		return strings.Replace(q, "{in}", "", 1), nil
	}
	cond := "AND " + col + " IN (" + placeholders(len(ids)) + ")"
	if !strings.Contains(q, "WHERE") || strings.Index(q, "{in}") < strings.Index(q, "WHERE") {
		cond = "WHERE " + col + " IN (" + placeholders(len(ids)) + ")"
	}
	return strings.Replace(q, "{in}", cond, 1), int64Args(ids)
}

// gatherMeetings reads each unit's meeting and approved postponement and
// keeps the part of round.StatusOf that does not depend on the clock.
func gatherMeetings(ctx context.Context, tx *db.Tx, r round.Round, ids []int64, facts map[int64]*fact) error {
	pps := map[int64]round.Postponement{}
	q, args := filtered(`SELECT org_id, new_date FROM postponements WHERE round_key = ? AND status = 'approved' {in}`, "org_id", ids)
	rows, err := tx.Query(ctx, q, append([]any{r.Key()}, args...)...)
	if err != nil {
		return errs.Wrap(err, "facts postponements")
	}
	for rows.Next() {
		var id int64
		var date string
		if err := rows.Scan(&id, &date); err != nil {
			rows.Close()
			return errs.Wrap(err, "postponement scan")
		}
		if d, err := round.ParseDate(date); err == nil {
			pps[id] = round.Postponement{NewDate: d}
			if f, ok := facts[id]; ok {
				f.ppDate = d.String()
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "postponement rows")
	}
	q, args = filtered(`SELECT org_id, id, held_at FROM meetings WHERE round_key = ? {in}`, "org_id", ids)
	rows, err = tx.Query(ctx, q, append([]any{r.Key()}, args...)...)
	if err != nil {
		return errs.Wrap(err, "facts meetings")
	}
	defer rows.Close()
	for rows.Next() {
		var id, mid int64
		var held sql.NullTime
		if err := rows.Scan(&id, &mid, &held); err != nil {
			return errs.Wrap(err, "meeting scan")
		}
		f, ok := facts[id]
		if !ok {
			continue
		}
		f.meetingID = mid
		f.heldStatus = heldStatus(r, held, pps[id], f.ppDate != "")
	}
	return errs.Wrap(rows.Err(), "meeting rows")
}

// heldStatus reuses round.StatusOf for a held meeting, where the clock
// plays no part; a meeting that does not count for the round gives "".
func heldStatus(r round.Round, held sql.NullTime, pp round.Postponement, hasPP bool) string {
	if !held.Valid {
		return ""
	}
	var p *round.Postponement
	if hasPP {
		p = &pp
	}
	t := held.Time
	st := round.StatusOf(r, &t, p, time.Time{})
	if !st.Held() {
		return ""
	}
	return string(st)
}

// gatherNotices counts, per unit, the round's notices addressed to it (to
// an ancestor or itself) and the ones it has read. selfDue becomes
// materials × members present: self-study is owed by those who came.
// filters limit the read receipts to the units refreshed (nil: all).
func gatherNotices(ctx context.Context, tx *db.Tx, r round.Round, units []org.Unit, filters [][]int64, facts map[int64]*fact) error {
	rows, err := tx.Query(ctx, `SELECT o.path FROM notices n JOIN orgs o ON o.id = n.org_id WHERE n.round_key = ?`, r.Key())
	if err != nil {
		return errs.Wrap(err, "facts notices")
	}
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return errs.Wrap(err, "notice scan")
		}
		paths = append(paths, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "notice rows")
	}
	for _, u := range units {
		f := facts[u.ID]
		f.selfDue *= f.present + f.leave
		if f.selfDue < f.selfDone {
			f.selfDue = f.selfDone
		}
		for _, p := range paths {
			if strings.HasPrefix(u.Path, p) {
				f.noticesDue++
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	for _, ids := range filters {
		if err := gatherReads(ctx, tx, r, ids, facts); err != nil {
			return err
		}
	}
	return nil
}

// gatherReads counts the round's read receipts per unit (of ids, or all).
func gatherReads(ctx context.Context, tx *db.Tx, r round.Round, ids []int64, facts map[int64]*fact) error {
	q, args := filtered(`SELECT nr.org_id, COUNT(*) FROM notice_reads nr JOIN notices n ON n.id = nr.notice_id WHERE n.round_key = ? {in} GROUP BY nr.org_id`, "nr.org_id", ids)
	rows, err := tx.Query(ctx, q, append([]any{r.Key()}, args...)...)
	if err != nil {
		return errs.Wrap(err, "facts reads")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return errs.Wrap(err, "read scan")
		}
		if f, ok := facts[id]; ok {
			f.noticeRead = min(n, f.noticesDue)
		}
	}
	return errs.Wrap(rows.Err(), "read rows")
}

const factCols = `org_id, round_key, lvl1, lvl2, lvl3, lvl4, lvl5, members, meeting_id, held_status, pp_date, present, on_leave,
	selfstudy_done, selfstudy_due, speeches, cases, reviews, problems, rectified, notices_due, notices_read`

const factColCount = 22

func writeFacts(ctx context.Context, tx *db.Tx, key string, list []*fact) error {
	const batch = 200
	for len(list) > 0 {
		n := min(batch, len(list))
		var b strings.Builder
		b.WriteString("INSERT INTO report_unit_round (" + factCols + ") VALUES ")
		row := "(" + placeholders(factColCount) + ")"
		args := make([]any, 0, n*factColCount)
		for i, f := range list[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			args = append(args, f.orgID, key, f.lvl[0], f.lvl[1], f.lvl[2], f.lvl[3], f.lvl[4], f.members, f.meetingID,
				f.heldStatus, f.ppDate, f.present, f.leave, f.selfDone, f.selfDue, f.speeches, f.cases, f.reviews,
				f.problems, f.rectified, f.noticesDue, f.noticeRead)
		}
		if _, err := tx.Exec(ctx, b.String(), args...); err != nil {
			return errs.Wrap(err, "write facts")
		}
		list = list[n:]
	}
	return nil
}

// Rebuild recomputes the facts of every round of the programme so far and
// clears the marks. It is what to run after restoring a backup or moving
// orgs by hand in the database; the dashboards never need it to be right.
func (s *Service) Rebuild(ctx context.Context) (int, error) {
	rs, err := s.Rounds.Rounds(ctx, 0)
	if err != nil {
		return 0, err
	}
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	if _, err := s.DB.Exec(ctx, `DELETE FROM report_dirty`); err != nil {
		return 0, errs.Wrap(err, "clear dirty")
	}
	units, err := org.Units(ctx, s.DB, "/")
	if err != nil {
		return 0, err
	}
	for _, r := range rs {
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			if err := s.lockFacts(ctx, tx); err != nil {
				return err
			}
			return buildRound(ctx, tx, r, units)
		})
		if err != nil {
			return 0, fmt.Errorf("rebuild %s: %w", r.Key(), err)
		}
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.lockFacts(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM report_due_delta`); err != nil {
			return errs.Wrap(err, "clear due deltas")
		}
		return rebuildDue(ctx, tx)
	})
	return len(rs), err
}
