package demo

import (
	"context"
	"fmt"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// LoadSupervise adds the task force's records to a district whose history
// LoadHistory has written: two weeks of stand-up notes, six weekly
// meetings whose decisions are mostly done, some open and one overdue,
// last and this month's observation plans, about fifteen sit-ins on
// finalised meetings (three with a problem found, in the ledger as 旁听发现),
// a few sign-ups for meetings still to come, and eight exemplars picked
// from speeches told as cases (six published to the column). It writes in
// one transaction and refuses to run twice.
func LoadSupervise(ctx context.Context, d *db.DB, now time.Time) error {
	now = now.UTC()
	return d.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tf_weeklies`).Scan(&n); err != nil {
			return errs.Wrap(err, "supervise check")
		}
		if n > 0 {
			return errs.E(errs.Conflict, "demo_supervise_loaded", "专班演示数据已加载，不能重复加载")
		}
		l := &svLoader{ctx: ctx, tx: tx, now: now, zone: districtZone()}
		for _, step := range []func() error{l.people, l.standups, l.weeklies, l.sitins, l.signups, l.observations, l.exemplars} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

func districtZone() *time.Location {
	if z, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return z
	}
	return time.FixedZone("CST", 8*3600)
}

type svLoader struct {
	ctx       context.Context
	tx        *db.Tx
	now       time.Time
	zone      *time.Location
	admin, tf int64 // user ids; tf falls back to the admin
	recorded  []svSitIn
}

type svSitIn struct {
	id, org, user int64
	at            time.Time
}

func (l *svLoader) day(t time.Time) string { return t.In(l.zone).Format("2006-01-02") }

func (l *svLoader) people() error {
	if err := l.tx.QueryRow(l.ctx, `SELECT id FROM users WHERE username = 'admin'`).Scan(&l.admin); err != nil {
		return errs.Wrap(err, "supervise admin")
	}
	l.tf = l.admin
	err := l.tx.QueryRow(l.ctx, `SELECT id FROM users WHERE username = 'zhuanban'`).Scan(&l.tf)
	if err != nil && !db.IsNoRows(err) {
		return errs.Wrap(err, "supervise task force")
	}
	return nil
}

var svStandupNotes = []string{
	"昨日：核对本轮会议安排，%d 个单元尚未排会，已电话提醒。今日：到区住建局旁听。",
	"昨日：汇总旁听评分。今日：整理发言雷同线索，准备周例会研判材料。",
	"昨日：跟进应急管理局补开会议。今日：起草本期工作简报初稿。",
	"昨日：督促逾期整改 %d 项。今日：与区人社局对接案例说法经验材料。",
	"昨日：走访两个党支部了解会前自学情况。今日：更新月观摩计划。",
}

func (l *svLoader) standups() error {
	k := 0
	for back := 13; back >= 0; back-- {
		t := l.now.AddDate(0, 0, -back)
		if wd := t.In(l.zone).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		users := []int64{l.tf}
		if l.admin != l.tf && back%3 == 0 {
			users = append(users, l.admin)
		}
		for _, u := range users {
			body := svStandupNotes[k%len(svStandupNotes)]
			if k%len(svStandupNotes) == 0 || k%len(svStandupNotes) == 3 {
				body = fmt.Sprintf(body, 3+k%5)
			}
			k++
			if _, err := l.tx.Exec(l.ctx, `INSERT INTO tf_standups (day, user_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				l.day(t), u, body, t, t); err != nil {
				return errs.Wrap(err, "demo standup")
			}
		}
	}
	return nil
}

var svDecisions = []string{
	"对未按时开展的单元电话督促并跟进补开",
	"编发本期《工作简报》，选用两个案例说法",
	"梳理逾期整改清单，点对点提醒责任人",
	"下周重点旁听评议环节薄弱的三个支部",
	"收集各单位“订单式”培训需求并汇总报部领导",
	"核查发言雷同线索，约谈相关支部书记",
}

// weeklies writes six weekly meetings, one a week back from the last
// Monday. Decisions of older meetings are done; the last two meetings
// leave one open each, and the earlier of those is overdue.
func (l *svLoader) weeklies() error {
	local := l.now.In(l.zone)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, l.zone)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	if monday.After(l.now) {
		monday = monday.AddDate(0, 0, -7)
	}
	for w := 5; w >= 0; w-- {
		held := monday.AddDate(0, 0, -7*w)
		id, err := l.tx.Insert(l.ctx, `INSERT INTO tf_weeklies (held_on, title, attendees, minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			l.day(held), fmt.Sprintf("专班周例会（%s）", held.Format("1月2日")), "专班全体成员",
			"研判上周各单元开展情况：多数单元按时开展，个别单元会前自学不完整；旁听发现评议环节仍有“评好不评差”的现象。", l.tf, held.UTC())
		if err != nil {
			return errs.Wrap(err, "demo weekly")
		}
		for j := 0; j < 2; j++ {
			text := svDecisions[(5-w)*2%len(svDecisions)+j]
			owner := l.tf
			if j == 1 {
				owner = l.admin
			}
			due := held.AddDate(0, 0, 4+j*2)
			var doneAt, doneBy any
			note := ""
			open := (w == 1 && j == 0) || (w == 0 && j == 1)
			if w == 1 && j == 0 {
				due = l.now.In(l.zone).AddDate(0, 0, -1) // the overdue one
			}
			if w == 0 && j == 1 {
				due = l.now.In(l.zone).AddDate(0, 0, 5)
			}
			if !open && due.Before(l.now) {
				doneAt, doneBy, note = due.Add(-3*time.Hour).UTC(), owner, "已按要求落实"
			} else if !open {
				continue // a decision not yet due stays open without being late
			}
			if _, err := l.tx.Exec(l.ctx, `INSERT INTO tf_decisions (weekly_id, text, owner_id, due, done_at, done_by, done_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, text, owner, l.day(due), doneAt, doneBy, note, held.UTC()); err != nil {
				return errs.Wrap(err, "demo decision")
			}
		}
	}
	return nil
}

var svComments = []string{
	"领学准备充分，联系本单位业务实际；发言能结合近半月的具体问题，评议环节坦诚。",
	"会前自学基本完整，个别同志发言照本宣科，互评指出问题不够具体。",
	"案例说法形式好，讲清了处理思路；上轮查摆问题已基本整改到位。",
	"发言质量参差，建议书记会前把关；评议多为肯定，查摆问题偏少。",
	"学习内容覆盖四个必学，讨论热烈；建议整改措施细化到人到时限。",
}

// sitins records about fifteen sit-ins on finalised meetings of recent
// rounds, spread over the district, with scores that vary by meeting.
func (l *svLoader) sitins() error {
	rows, err := l.tx.Query(l.ctx, `SELECT m.id, m.org_id, m.planned_at, m.finalized_at FROM meetings m
		WHERE m.finalized_at IS NOT NULL AND m.planned_at < ? ORDER BY m.planned_at DESC, m.id LIMIT 600`, l.now)
	if err != nil {
		return errs.Wrap(err, "demo sitin meetings")
	}
	type mt struct {
		id, org int64
		at, fin time.Time
	}
	var list []mt
	for rows.Next() {
		var m mt
		if err := rows.Scan(&m.id, &m.org, &m.at, &m.fin); err != nil {
			rows.Close()
			return errs.Wrap(err, "demo sitin scan")
		}
		list = append(list, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "demo sitin rows")
	}
	stride := len(list)/15 + 1
	for i := 0; i < len(list) && len(l.recorded) < 15; i += stride {
		m := list[i]
		user, capacity := l.tf, "taskforce"
		if i%3 == 2 {
			user, capacity = l.admin, "admin"
		}
		k := int(m.id)
		sc := []int{3 + k%3, 2 + (k/3)%4, 2 + (k/5)%4, 1 + (k/7)%5}
		id, err := l.tx.Insert(l.ctx, `INSERT INTO sitins (meeting_id, user_id, capacity, signed_at, score_study, score_speak, score_review, score_followup, comments, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, m.id, user, capacity, m.at.Add(-48*time.Hour), sc[0], sc[1], sc[2], sc[3],
			svComments[len(l.recorded)%len(svComments)], m.at.Add(3*time.Hour))
		if err != nil {
			return errs.Wrap(err, "demo sitin")
		}
		l.recorded = append(l.recorded, svSitIn{id: id, org: m.org, user: user, at: m.at})
		if len(l.recorded)%5 == 1 {
			if err := l.sitinProblem(id, m.org, m.at); err != nil {
				return err
			}
		}
	}
	return nil
}

// sitinProblem files a problem an observer found as the unit's
// rectification, as supervise.RaiseProblem would.
func (l *svLoader) sitinProblem(sitinID, orgID int64, at time.Time) error {
	var owner int64
	err := l.tx.QueryRow(l.ctx, `SELECT id FROM members WHERE org_id = ? ORDER BY id LIMIT 1`, orgID).Scan(&owner)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "demo sitin owner")
	}
	deadline := at.AddDate(0, 0, 30)
	status, evidence := "pending", ""
	var verifiedBy, verifiedAt any
	if deadline.Before(l.now) {
		status, evidence = "verified", "已在下轮会议落实，互评均指出具体问题"
		verifiedBy, verifiedAt = l.tf, deadline.Add(-72*time.Hour).UTC()
	}
	rid, err := l.tx.Insert(l.ctx, `INSERT INTO rectifications (org_id, source, problem, category, owner_id, measure, deadline, status, evidence, verified_by, verified_at, created_by, created_at, updated_at)
		VALUES (?, 'sitin', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, orgID,
		"旁听发现：互评多为肯定，未指出具体问题", svCategory, owner, "下轮评议每人至少指出一条具体问题，书记会前提醒", l.day(deadline), status,
		evidence, verifiedBy, verifiedAt, l.tf, at.Add(4*time.Hour), at.Add(4*time.Hour))
	if err != nil {
		return errs.Wrap(err, "demo sitin problem")
	}
	_, err = l.tx.Exec(l.ctx, `INSERT INTO sitin_problems (sitin_id, rectification_id) VALUES (?, ?)`, sitinID, rid)
	return errs.Wrap(err, "demo sitin link")
}

// svCategory is the ledger's 作风问题.
const svCategory = "conduct"

// signups puts the admin and the task force down for a few meetings still
// to come (never the task force for the demo branch, which the browser
// test signs up for itself).
func (l *svLoader) signups() error {
	rows, err := l.tx.Query(l.ctx, `SELECT m.id, o.name FROM meetings m JOIN orgs o ON o.id = m.org_id
		WHERE m.finalized_at IS NULL AND m.planned_at > ? ORDER BY m.planned_at, m.id LIMIT 40`, l.now)
	if err != nil {
		return errs.Wrap(err, "demo upcoming")
	}
	type up struct {
		id   int64
		name string
	}
	var list []up
	for rows.Next() {
		var u up
		if err := rows.Scan(&u.id, &u.name); err != nil {
			rows.Close()
			return errs.Wrap(err, "demo upcoming scan")
		}
		list = append(list, u)
	}
	rows.Close()
	for i, u := range list {
		user, capacity := l.tf, "taskforce"
		if u.name == DemoBranch || i%4 == 3 {
			user, capacity = l.admin, "admin"
		} else if i%4 != 0 {
			continue
		}
		if _, err := l.tx.Exec(l.ctx, `INSERT INTO sitins (meeting_id, user_id, capacity, signed_at) VALUES (?, ?, ?, ?)`,
			u.id, user, capacity, l.now.Add(-24*time.Hour)); err != nil {
			return errs.Wrap(err, "demo signup")
		}
	}
	return nil
}

// observations plans last month from the sit-ins made in it (so those
// lines show as done) plus two not done, and this month three units.
func (l *svLoader) observations() error {
	local := l.now.In(l.zone)
	this := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, l.zone)
	last := this.AddDate(0, -1, 0)
	// Duplicates are skipped here, not left to the unique index: on
	// PostgreSQL a failed statement would abort the whole transaction.
	planned := map[string]bool{}
	add := func(month time.Time, org, user int64, note string) error {
		key := fmt.Sprint(month.Format("2006-01"), org, user)
		if planned[key] {
			return nil
		}
		planned[key] = true
		_, err := l.tx.Exec(l.ctx, `INSERT INTO tf_observations (month, org_id, observer_id, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			month.Format("2006-01"), org, user, note, l.tf, month.Add(-72*time.Hour).UTC())
		return errs.Wrap(err, "demo observation")
	}
	for _, s := range l.recorded {
		if !s.at.Before(last) && s.at.Before(this) {
			if err := add(last, s.org, s.user, "重点看评议环节"); err != nil {
				return err
			}
		}
	}
	rows, err := l.tx.Query(l.ctx, `SELECT DISTINCT m.org_id FROM meetings m WHERE m.finalized_at IS NULL ORDER BY m.org_id LIMIT 5`)
	if err != nil {
		return errs.Wrap(err, "demo observation units")
	}
	var units []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return errs.Wrap(err, "demo observation scan")
		}
		units = append(units, id)
	}
	rows.Close()
	for i, org := range units {
		month, note := this, "观摩本轮会议，关注会前自学"
		if i >= 3 {
			month, note = last, "计划观摩，因会议调整未成行"
		}
		user := l.tf
		if i%2 == 1 {
			user = l.admin
		}
		if err := add(month, org, user, note); err != nil {
			return err
		}
	}
	return nil
}

// exemplars picks eight speeches told as cases in finalised meetings, at
// most one per unit, and publishes the first six to the column.
func (l *svLoader) exemplars() error {
	rows, err := l.tx.Query(l.ctx, `SELECT s.id, s.meeting_id, m.org_id, o.name, mb.name, m.finalized_at FROM speeches s
		JOIN meetings m ON m.id = s.meeting_id JOIN orgs o ON o.id = m.org_id JOIN members mb ON mb.id = s.member_id
		WHERE s.is_case = TRUE AND m.finalized_at IS NOT NULL ORDER BY m.finalized_at DESC, s.id LIMIT 400`)
	if err != nil {
		return errs.Wrap(err, "demo cases")
	}
	type pick struct {
		speech, meeting, org int64
		unit, speaker        string
		fin                  time.Time
	}
	var picks []pick
	seen := map[int64]bool{}
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.speech, &p.meeting, &p.org, &p.unit, &p.speaker, &p.fin); err != nil {
			rows.Close()
			return errs.Wrap(err, "demo case scan")
		}
		if !seen[p.org] && len(picks) < 8 {
			seen[p.org] = true
			picks = append(picks, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "demo case rows")
	}
	for i, p := range picks {
		at := p.fin.Add(72 * time.Hour)
		if at.After(l.now) {
			at = l.now.Add(-time.Hour)
		}
		var pubAt any
		published := i < 6
		if published {
			pubAt = at.UTC()
		}
		title := fmt.Sprintf("%s：%s同志的案例说法", p.unit, p.speaker)
		citation := fmt.Sprintf("%s同志以“案例说法”形式，结合本单位近期工作中的具体问题，讲清了情况、做法和体会，可复制、可借鉴，推荐全区学习。", p.speaker)
		if _, err := l.tx.Exec(l.ctx, `INSERT INTO exemplars (kind, meeting_id, speech_id, org_id, title, citation, published, published_at, created_by, created_at, updated_at)
			VALUES ('case', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.meeting, p.speech, p.org, title, citation, published, pubAt, l.tf, at.UTC(), at.UTC()); err != nil {
			return errs.Wrap(err, "demo exemplar")
		}
	}
	return nil
}
