package report

import (
	"context"
	"database/sql"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/round"
)

// optional adds the figures that come from other features' tables — sit-in
// scores (sitins, migration 0005) and exam participation (exam_attempts,
// migration 0004). Both are small tables, read live per request.
type optional struct{}

func (optional) fill(ctx context.Context, d *db.DB, key string, o OrgRef, dep int, dash *Dashboard) error {
	idx := map[int64]int{}
	for i, r := range dash.Rows {
		idx[r.Org.ID] = i
	}
	child := func(path string) (int, bool) {
		ids := pathIDs(path)
		if len(ids) <= dep {
			return 0, false
		}
		i, ok := idx[ids[dep]]
		return i, ok
	}
	if err := sitInScores(ctx, d, key, o, dash, child); err != nil {
		return err
	}
	return examTakers(ctx, d, key, o, dash, child)
}

// sitInScores averages the recorded sit-ins at the round's meetings: the
// four criteria are scored 1–5; shown as 0–100.
func sitInScores(ctx context.Context, d *db.DB, key string, o OrgRef, dash *Dashboard, child func(string) (int, bool)) error {
	rows, err := d.Query(ctx, `SELECT og.path, si.score_study + si.score_speak + si.score_review + si.score_followup
		FROM sitins si JOIN meetings m ON m.id = si.meeting_id JOIN orgs og ON og.id = m.org_id
		WHERE m.round_key = ? AND si.recorded_at IS NOT NULL AND og.path LIKE ?`, key, o.Path+"%")
	if err != nil {
		return errs.Wrap(err, "sitin scores")
	}
	defer rows.Close()
	dash.Total.HasSitIns = true
	sums := map[int]float64{}
	var total float64
	for rows.Next() {
		var path string
		var sum sql.NullInt64
		if err := rows.Scan(&path, &sum); err != nil {
			return errs.Wrap(err, "sitin scan")
		}
		if !sum.Valid {
			continue
		}
		score := float64(sum.Int64) / 20 * 100 // 4 criteria × 5 points
		dash.Total.SitIns++
		total += score
		if i, ok := child(path); ok {
			dash.Rows[i].F.SitIns++
			dash.Rows[i].F.HasSitIns = true
			sums[i] += score
		}
	}
	if dash.Total.SitIns > 0 {
		dash.Total.SitInAvg = total / float64(dash.Total.SitIns)
	}
	for i, s := range sums {
		dash.Rows[i].F.SitInAvg = s / float64(dash.Rows[i].F.SitIns)
	}
	for i := range dash.Rows {
		dash.Rows[i].F.HasSitIns = true
	}
	return errs.Wrap(rows.Err(), "sitin rows")
}

// examTakers counts members under o who submitted an exam in the round's
// half-month.
func examTakers(ctx context.Context, d *db.DB, key string, o OrgRef, dash *Dashboard, child func(string) (int, bool)) error {
	r, err := round.ByKey(round.DefaultCalendar(round.Date{}), key)
	if err != nil {
		return nil
	}
	from, to := r.Opens, halfEnd(r)
	rows, err := d.Query(ctx, `SELECT og.path, COUNT(DISTINCT ea.member_id) FROM exam_attempts ea JOIN members mb ON mb.id = ea.member_id
		JOIN orgs og ON og.id = mb.org_id WHERE ea.submitted_at >= ? AND ea.submitted_at < ? AND og.path LIKE ? GROUP BY og.path`,
		from.UTC(), to.UTC(), o.Path+"%")
	if err != nil {
		return errs.Wrap(err, "exam takers")
	}
	defer rows.Close()
	dash.Total.HasExams = true
	for i := range dash.Rows {
		dash.Rows[i].F.HasExams = true
	}
	for rows.Next() {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			return errs.Wrap(err, "exam scan")
		}
		dash.Total.ExamTaken += n
		if i, ok := child(path); ok {
			dash.Rows[i].F.ExamTaken += n
		}
	}
	return errs.Wrap(rows.Err(), "exam rows")
}

// halfEnd is where the round's half-month ends: the next half's opening.
func halfEnd(r round.Round) time.Time {
	if r.Half == round.FirstHalf {
		return time.Date(r.Year, r.Month, 16, 0, 0, 0, 0, r.Opens.Location())
	}
	return time.Date(r.Year, r.Month+1, 1, 0, 0, 0, 0, r.Opens.Location())
}
