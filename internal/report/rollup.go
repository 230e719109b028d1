package report

import (
	"context"
	"fmt"
	"strings"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/settings"
)

// Rollups (migration 0011) are the facts summed per org and round over the
// org's subtree, so that a dashboard at any level — a province root over
// 100,000 units as much as a group — reads one row for its total, one per
// child and one per round of the trend.
//
// They are kept equal to the facts by construction: a round whose facts are
// built whole gets its rollups summed from the facts in SQL (rollupRound);
// a refresh of some units subtracts their old rows from every ancestor and
// adds the new ones (applyDeltas), so unchanged units cost nothing.
//
// Two figures depend on the clock and are kept in a form the reader
// finishes with today's date: units postponed to a date not yet passed
// (report_org_pp, per new date) and overdue rectifications (report_org_due,
// open ones per deadline, maintained from the deltas the triggers leave).

// rollCols are the summed columns of report_org_round, in rvec order.
const rollCols = `units, self_unit, on_time, made_up, late, unheld, members, held_members, present, on_leave,
	selfstudy_done, selfstudy_due, speeches, cases, reviews, problems, rectified, notices_due, notices_read`

const rollColCount = 19

// rvec is one rollup row's sums, in rollCols order.
type rvec [rollColCount]int64

// vecOf is what unit f adds to the rollup of its ancestor anc.
func vecOf(f *fact, anc int64) rvec {
	var v rvec
	v[0] = 1
	if f.orgID == anc {
		v[1] = 1
	}
	switch f.heldStatus {
	case "on_time":
		v[2] = 1
	case "made_up":
		v[3] = 1
	case "late":
		v[4] = 1
	case "":
		v[5] = 1
	}
	v[6] = int64(f.members)
	if f.heldStatus != "" {
		v[7] = int64(f.members)
	}
	for i, n := range []int{f.present, f.leave, f.selfDone, f.selfDue, f.speeches, f.cases, f.reviews, f.problems, f.rectified, f.noticesDue, f.noticeRead} {
		v[8+i] = int64(n)
	}
	return v
}

// rollSelect sums the facts of one round into rollup rows for the
// ancestors at level {lvl}; the order matches rollCols.
const rollSelect = `SELECT {lvl}, round_key, COUNT(*), SUM(CASE WHEN org_id = {lvl} THEN 1 ELSE 0 END),
	SUM(CASE WHEN held_status = 'on_time' THEN 1 ELSE 0 END), SUM(CASE WHEN held_status = 'made_up' THEN 1 ELSE 0 END),
	SUM(CASE WHEN held_status = 'late' THEN 1 ELSE 0 END), SUM(CASE WHEN held_status = '' THEN 1 ELSE 0 END),
	SUM(members), SUM(CASE WHEN held_status <> '' THEN members ELSE 0 END), SUM(present), SUM(on_leave),
	SUM(selfstudy_done), SUM(selfstudy_due), SUM(speeches), SUM(cases), SUM(reviews), SUM(problems), SUM(rectified),
	SUM(notices_due), SUM(notices_read)
	FROM report_unit_round WHERE round_key = ? AND {lvl} <> 0 GROUP BY {lvl}, round_key`

// rollupRound replaces the round's rollups with sums of its facts.
func rollupRound(ctx context.Context, tx *db.Tx, key string) error {
	for _, t := range []string{"report_org_round", "report_org_pp"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+t+` WHERE round_key = ?`, key); err != nil {
			return errs.Wrap(err, "clear rollups")
		}
	}
	for l := 1; l <= maxLevel; l++ {
		lvl := fmt.Sprintf("lvl%d", l)
		q := `INSERT INTO report_org_round (org_id, round_key, ` + rollCols + `) ` + strings.ReplaceAll(rollSelect, "{lvl}", lvl)
		if _, err := tx.Exec(ctx, q, key); err != nil {
			return errs.Wrap(err, "rollup round")
		}
		q = `INSERT INTO report_org_pp (org_id, round_key, pp_date, units) SELECT ` + lvl + `, round_key, pp_date, COUNT(*)
			FROM report_unit_round WHERE round_key = ? AND ` + lvl + ` <> 0 AND held_status = '' AND pp_date <> '' GROUP BY ` + lvl + `, round_key, pp_date`
		if _, err := tx.Exec(ctx, q, key); err != nil {
			return errs.Wrap(err, "rollup postponements")
		}
	}
	_, err := tx.Exec(ctx, `UPDATE report_rounds SET rolled_up = 1 WHERE round_key = ?`, key)
	return errs.Wrap(err, "mark rolled up")
}

// rollupPending sums the rounds built before the rollups existed.
func rollupPending(ctx context.Context, tx *db.Tx) error {
	rows, err := tx.Query(ctx, `SELECT round_key FROM report_rounds WHERE rolled_up = 0`)
	if err != nil {
		return errs.Wrap(err, "rounds to roll up")
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return errs.Wrap(err, "round scan")
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "round rows")
	}
	for _, k := range keys {
		if err := rollupRound(ctx, tx, k); err != nil {
			return err
		}
	}
	return nil
}

type ppKey struct {
	org  int64
	date string
}

// rollDelta accumulates what a refresh changes in one round's rollups.
type rollDelta struct {
	rows map[int64]*rvec
	pp   map[ppKey]int64
}

func newRollDelta() *rollDelta {
	return &rollDelta{rows: map[int64]*rvec{}, pp: map[ppKey]int64{}}
}

// add adds (sign 1) or removes (sign -1) unit f from all its ancestors.
func (d *rollDelta) add(f *fact, sign int64) {
	for _, anc := range f.lvl {
		if anc == 0 {
			continue
		}
		v := vecOf(f, anc)
		acc := d.rows[anc]
		if acc == nil {
			acc = &rvec{}
			d.rows[anc] = acc
		}
		for i := range v {
			acc[i] += sign * v[i]
		}
		if f.heldStatus == "" && f.ppDate != "" {
			d.pp[ppKey{anc, f.ppDate}] += sign
		}
	}
}

// apply writes the non-zero changes and drops rows left with no unit.
func (d *rollDelta) apply(ctx context.Context, tx *db.Tx, key string) error {
	var ids []int64
	var vals [][]any
	for id, v := range d.rows {
		if *v == (rvec{}) {
			continue
		}
		row := []any{id, key}
		for _, n := range v {
			row = append(row, n)
		}
		ids, vals = append(ids, id), append(vals, row)
	}
	var sets []string
	for _, c := range strings.Split(rollCols, ",") {
		c = strings.TrimSpace(c)
		sets = append(sets, c+" = report_org_round."+c+" + excluded."+c)
	}
	err := upsert(ctx, tx, `INSERT INTO report_org_round (org_id, round_key, `+rollCols+`)`,
		`ON CONFLICT (org_id, round_key) DO UPDATE SET `+strings.Join(sets, ", "), vals)
	if err != nil {
		return errs.Wrap(err, "rollup delta")
	}
	for _, c := range chunks(ids, 500) {
		args := append([]any{key}, int64Args(c)...)
		if _, err := tx.Exec(ctx, `DELETE FROM report_org_round WHERE round_key = ? AND units = 0 AND org_id IN (`+placeholders(len(c))+`)`, args...); err != nil {
			return errs.Wrap(err, "rollup empty rows")
		}
	}
	vals = vals[:0]
	for k, n := range d.pp {
		if n != 0 {
			vals = append(vals, []any{k.org, key, k.date, n})
		}
	}
	err = upsert(ctx, tx, `INSERT INTO report_org_pp (org_id, round_key, pp_date, units)`,
		`ON CONFLICT (org_id, round_key, pp_date) DO UPDATE SET units = report_org_pp.units + excluded.units`, vals)
	if err != nil {
		return errs.Wrap(err, "rollup postponement delta")
	}
	if len(vals) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM report_org_pp WHERE round_key = ? AND units = 0`, key); err != nil {
			return errs.Wrap(err, "rollup empty postponements")
		}
	}
	return nil
}

// upsert inserts rows (all of one width) in multi-row statements with the
// given conflict clause.
func upsert(ctx context.Context, tx *db.Tx, head, conflict string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, 4000/width)
	for len(rows) > 0 {
		n := min(per, len(rows))
		row := "(" + placeholders(width) + ")"
		q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " " + conflict
		args := make([]any, 0, n*width)
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// readFacts loads the stored facts of the given units in a round: what a
// refresh subtracts from the rollups before adding the new figures.
func readFacts(ctx context.Context, tx *db.Tx, key string, ids []int64) ([]*fact, error) {
	var out []*fact
	for _, c := range chunks(ids, 500) {
		args := append([]any{key}, int64Args(c)...)
		rows, err := tx.Query(ctx, `SELECT org_id, lvl1, lvl2, lvl3, lvl4, lvl5, members, held_status, pp_date, present, on_leave,
			selfstudy_done, selfstudy_due, speeches, cases, reviews, problems, rectified, notices_due, notices_read
			FROM report_unit_round WHERE round_key = ? AND org_id IN (`+placeholders(len(c))+`)`, args...)
		if err != nil {
			return nil, errs.Wrap(err, "old facts")
		}
		for rows.Next() {
			f := &fact{}
			if err := rows.Scan(&f.orgID, &f.lvl[0], &f.lvl[1], &f.lvl[2], &f.lvl[3], &f.lvl[4], &f.members, &f.heldStatus, &f.ppDate,
				&f.present, &f.leave, &f.selfDone, &f.selfDue, &f.speeches, &f.cases, &f.reviews, &f.problems, &f.rectified,
				&f.noticesDue, &f.noticeRead); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "old facts scan")
			}
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "old facts rows")
		}
	}
	return out, nil
}

// openStatuses are the rectification statuses that can become overdue; the
// triggers of migration 0011 use the same list.
const openStatuses = `'pending','in_progress'`

type dueKey struct {
	org      int64
	deadline string
}

// refreshDue spreads the open-rectification changes the triggers left over
// every ancestor of their orgs (or rebuilds everything when asked to).
func refreshDue(ctx context.Context, tx *db.Tx) error {
	// DELETE … RETURNING takes exactly the deltas it clears: a change
	// committed meanwhile stays for the next reader.
	rows, err := tx.Query(ctx, `DELETE FROM report_due_delta RETURNING org_id, deadline, d`)
	if err != nil {
		return errs.Wrap(err, "due deltas")
	}
	byOrg := map[int64]map[string]int64{}
	rebuild := false
	for rows.Next() {
		var org, d int64
		var dl string
		if err := rows.Scan(&org, &dl, &d); err != nil {
			rows.Close()
			return errs.Wrap(err, "due delta scan")
		}
		if org == 0 {
			rebuild = true
		}
		if d == 0 {
			continue
		}
		if byOrg[org] == nil {
			byOrg[org] = map[string]int64{}
		}
		byOrg[org][dl] += d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "due delta rows")
	}
	if rebuild {
		return rebuildDue(ctx, tx)
	}
	if len(byOrg) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(byOrg))
	for id := range byOrg {
		ids = append(ids, id)
	}
	paths, err := pathsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	acc := map[dueKey]int64{}
	for org, byDate := range byOrg {
		for _, anc := range pathIDs(paths[org]) {
			for dl, d := range byDate {
				acc[dueKey{anc, dl}] += d
			}
		}
	}
	return writeDue(ctx, tx, acc, true)
}

// dueFoldedKey records the day up to which foldDue has folded deadlines.
const dueFoldedKey = "report.due_folded"

// foldDue merges, per org, the rows of deadlines already passed into one
// row under the empty deadline, which sorts before any date. Overdue is a
// sum over the deadlines before today, so the fold changes no figure; it
// keeps a province's per-child overdue count to one row per child instead
// of one per past deadline. Later changes to a folded deadline still land on
// their own row, which the sum includes. Once a day is enough; if the clock
// ever goes back before the folded day, the rows are rebuilt unfolded.
func foldDue(ctx context.Context, tx *db.Tx, today string) error {
	folded, err := settings.Get(ctx, tx, dueFoldedKey, "")
	if err != nil {
		return err
	}
	if today < folded {
		if err := rebuildDue(ctx, tx); err != nil {
			return err
		}
	} else if today == folded {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO report_org_due (org_id, deadline, n) SELECT org_id, '', SUM(n) FROM report_org_due
		WHERE deadline <> '' AND deadline < ? GROUP BY org_id
		ON CONFLICT (org_id, deadline) DO UPDATE SET n = report_org_due.n + excluded.n`, today)
	if err != nil {
		return errs.Wrap(err, "fold due")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM report_org_due WHERE (deadline <> '' AND deadline < ?) OR n = 0`, today); err != nil {
		return errs.Wrap(err, "fold due rows")
	}
	return settings.Set(ctx, tx, dueFoldedKey, today)
}

// rebuildDue recomputes the open rectifications per subtree and deadline.
func rebuildDue(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM report_org_due`); err != nil {
		return errs.Wrap(err, "clear due")
	}
	rows, err := tx.Query(ctx, `SELECT o.path, r.deadline, COUNT(*) FROM rectifications r JOIN orgs o ON o.id = r.org_id
		WHERE r.status IN (`+openStatuses+`) GROUP BY o.path, r.deadline`)
	if err != nil {
		return errs.Wrap(err, "open rectifications")
	}
	acc := map[dueKey]int64{}
	for rows.Next() {
		var path, dl string
		var n int64
		if err := rows.Scan(&path, &dl, &n); err != nil {
			rows.Close()
			return errs.Wrap(err, "open rectification scan")
		}
		for _, anc := range pathIDs(path) {
			acc[dueKey{anc, dl}] += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "open rectification rows")
	}
	return writeDue(ctx, tx, acc, false)
}

// writeDue adds acc to report_org_due (into an empty table unless
// incremental) and, incrementally, drops the rows that reach zero.
func writeDue(ctx context.Context, tx *db.Tx, acc map[dueKey]int64, incremental bool) error {
	vals := make([][]any, 0, len(acc))
	for k, n := range acc {
		if n != 0 {
			vals = append(vals, []any{k.org, k.deadline, n})
		}
	}
	conflict := ""
	if incremental {
		conflict = `ON CONFLICT (org_id, deadline) DO UPDATE SET n = report_org_due.n + excluded.n`
	}
	if err := upsert(ctx, tx, `INSERT INTO report_org_due (org_id, deadline, n)`, conflict, vals); err != nil {
		return errs.Wrap(err, "write due")
	}
	if !incremental {
		return nil
	}
	touched := map[int64]bool{}
	for k := range acc {
		touched[k.org] = true
	}
	ids := make([]int64, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	for _, c := range chunks(ids, 500) {
		if _, err := tx.Exec(ctx, `DELETE FROM report_org_due WHERE n = 0 AND org_id IN (`+placeholders(len(c))+`)`, int64Args(c)...); err != nil {
			return errs.Wrap(err, "due empty rows")
		}
	}
	return nil
}

// pathsByID maps org ids to their paths (orgs that are gone are absent).
func pathsByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, c := range chunks(ids, 500) {
		rows, err := q.Query(ctx, `SELECT id, path FROM orgs WHERE id IN (`+placeholders(len(c))+`)`, int64Args(c)...)
		if err != nil {
			return nil, errs.Wrap(err, "org paths")
		}
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "org path scan")
			}
			out[id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "org path rows")
		}
	}
	return out, nil
}
