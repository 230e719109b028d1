package demo

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/org"
	"xuejiangping/internal/round"
	"xuejiangping/internal/settings"
	"xuejiangping/internal/study"
)

// ProgrammeStart is the demo district's programme start: the seed's
// "自去年10月份以来".
const ProgrammeStart = "2025-10-01"

// WeakUnits are the activity units the history makes consistently weaker
// (late, missed rounds, thinner attendance and self-study), so that
// bulletins and dashboards have someone true to name. A group is written
// "branch/group".
var WeakUnits = []string{
	"区住建局房产事务服务中心党支部",
	"区应急管理局应急救援保障中心党支部",
	"区卫健委疾病预防控制中心党支部/第二党小组",
}

// Deliberate copies for the similarity detector: a member carrying their own
// speech over to the next round, and two members of one meeting handing in
// nearly the same text. member, a and b index the unit's members in id
// order (0 is the secretary or group leader).
var (
	plantedReuse = []struct {
		unit     string
		member   int
		from, to string
		edit     bool // false: the very same text; true: lightly touched up
	}{
		{"区城市管理局市政设施服务中心党支部", 2, "2026-05-1", "2026-05-2", false},
		{"区商务局机关党支部", 3, "2026-09-2", "2026-10-1", true},
		{"区发展改革委机关第二党支部", 1, "2026-02-1", "2026-02-2", true},
	}
	plantedPairs = []struct {
		unit  string
		a, b  int
		round string
	}{
		{"区人社局社会保险中心党支部", 3, 5, "2026-06-2"},
		{"区司法局公共法律服务中心党支部", 2, 4, "2026-10-2"},
		{"樱桃沟管委会综合服务中心党支部", 1, 3, "2026-08-1"},
	}
)

// cityAgency is the agency the seed credits with "查摆20余项问题"; its
// problem count is set directly instead of left to chance.
const (
	cityAgency   = "区城市管理局"
	cityProblems = 22
)

// LoadHistory fills the demo district (loaded by Load) with the programme's
// history from ProgrammeStart up to now: one notice per round plus a few
// supplements and the letter, meetings with their materials, self-study,
// attendance, speeches and reviews, postponements, rectifications and
// training orders. The current round is left open: its notice is out, some
// meetings are planned, none is held. The same seed and now give the same
// rows; everything is written in one transaction.
func LoadHistory(ctx context.Context, d *db.DB, seed int64, now time.Time) error {
	start, err := round.ParseDate(ProgrammeStart)
	if err != nil {
		return err
	}
	cal := round.DefaultCalendar(start)
	return d.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM meetings`).Scan(&n); err != nil {
			return errs.Wrap(err, "history check")
		}
		if n > 0 {
			return errs.E(errs.Conflict, "demo_history_loaded", "演示数据已有活动记录，不能重复加载")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			settings.ProgrammeStart, ProgrammeStart); err != nil {
			return errs.Wrap(err, "history setting")
		}
		h := &history{ctx: ctx, tx: tx, r: newRNG(uint64(seed), streamID("history")), or: newRNG(uint64(seed), streamID("history/outcomes")), cal: cal, now: now.UTC(), zone: cal.Zone()}
		if err := h.loadDistrict(); err != nil {
			return err
		}
		return h.run()
	})
}

// HistoryStats counts what LoadHistory wrote (the test's and the command
// line's summary).
func HistoryStats(ctx context.Context, d *db.DB) (meetings, speeches, reviews, rectifications int, err error) {
	err = d.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM meetings), (SELECT COUNT(*) FROM speeches),
		(SELECT COUNT(*) FROM reviews), (SELECT COUNT(*) FROM rectifications)`).Scan(&meetings, &speeches, &reviews, &rectifications)
	return meetings, speeches, reviews, rectifications, errs.Wrap(err, "history stats")
}

type histMember struct {
	id       int64
	name     string
	position string
}

type histUnit struct {
	id      int64
	label   string // the branch name, or "branch/group"
	agency  string
	members []histMember // in id order: the secretary or group leader first
	weak    bool
	model   bool // the demo branch: always on time
}

// heldMeeting is what the rectification pass needs of a held meeting.
type heldMeeting struct {
	id      int64
	unit    *histUnit
	held    time.Time
	present []histMember
	author  any // created_by for rows entered from the demo account, else nil
}

type history struct {
	ctx  context.Context
	tx   *db.Tx
	r    *rng // everything but the outcomes
	or   *rng // who held their meeting on time, late, postponed or not at all
	cal  round.Calendar
	now  time.Time
	zone *time.Location

	root, demoBranch int64
	admin, shuji     any // user ids; shuji is nil when the account is missing
	units            []*histUnit

	held       []heldMeeting
	lastSpeech map[int64]speechText // per member, for planted reuse

	// Ids are assigned here rather than read back row by row, so that
	// meetings, materials and rectifications go in batches like the rest
	// (see batch); lastID holds the last id used per table.
	lastID      map[string]int64
	meetings    *batch
	materialsB  *batch
	rects       *batch
	attendance  *batch
	selfstudy   *batch
	speeches    *batch
	reviews     *batch
	noticeReads *batch
}

type speechText struct {
	kinds, problem, content string
	isCase                  bool // told as 案例说法
}

// loadDistrict reads the tree, the units and the two accounts the history
// refers to.
func (h *history) loadDistrict() error {
	ctx, tx := h.ctx, h.tx
	var rootPath string
	if err := tx.QueryRow(ctx, `SELECT id, path FROM orgs WHERE kind = 'district' ORDER BY id LIMIT 1`).Scan(&h.root, &rootPath); err != nil {
		return errs.Wrap(err, "history root")
	}
	var admin int64
	if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, "admin").Scan(&admin); err != nil {
		return errs.Wrap(err, "history admin")
	}
	h.admin = admin
	var shuji int64
	switch err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, LoginSecretary).Scan(&shuji); {
	case err == nil:
		h.shuji = shuji
	case !db.IsNoRows(err):
		return errs.Wrap(err, "history secretary")
	}

	// Committee of every org, to find each unit's agency.
	type node struct {
		parent     int64
		name, kind string
	}
	nodes := map[int64]node{}
	rows, err := tx.Query(ctx, `SELECT id, COALESCE(parent_id, 0), name, kind FROM orgs`)
	if err != nil {
		return errs.Wrap(err, "history orgs")
	}
	for rows.Next() {
		var id int64
		var n node
		if err := rows.Scan(&id, &n.parent, &n.name, &n.kind); err != nil {
			rows.Close()
			return errs.Wrap(err, "history org scan")
		}
		nodes[id] = n
	}
	rows.Close()
	agencyOf := map[string]string{}
	for _, a := range agencies {
		agencyOf[a.committee] = a.agency
	}

	units, err := org.Units(ctx, tx, rootPath)
	if err != nil {
		return err
	}
	byID := map[int64]*histUnit{}
	weak := map[string]bool{}
	for _, w := range WeakUnits {
		weak[w] = true
	}
	for _, u := range units {
		label := u.Name
		if u.Branch != "" {
			label = u.Branch + "/" + u.Name
		}
		hu := &histUnit{id: u.ID, label: label, weak: weak[label], model: u.Name == DemoBranch && u.Branch == ""}
		for p := u.ParentID; p != 0; p = nodes[p].parent {
			if nodes[p].kind == KindCommittee {
				hu.agency = agencyOf[nodes[p].name]
				break
			}
		}
		if hu.model {
			h.demoBranch = u.ID
		}
		byID[u.ID] = hu
		h.units = append(h.units, hu)
	}
	rows, err = tx.Query(ctx, `SELECT id, org_id, name, position FROM members WHERE status <> '已转出' ORDER BY id`)
	if err != nil {
		return errs.Wrap(err, "history members")
	}
	defer rows.Close()
	for rows.Next() {
		var m histMember
		var orgID int64
		if err := rows.Scan(&m.id, &orgID, &m.name, &m.position); err != nil {
			return errs.Wrap(err, "history member scan")
		}
		if u := byID[orgID]; u != nil {
			u.members = append(u.members, m)
		}
	}
	return errs.Wrap(rows.Err(), "history member rows")
}

func (h *history) run() error {
	h.lastSpeech = map[int64]speechText{}
	h.lastID = map[string]int64{}
	for _, table := range idTables {
		var last int64
		if err := h.tx.QueryRow(h.ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last); err != nil {
			return errs.Wrap(err, "history ids")
		}
		h.lastID[table] = last
	}
	h.meetings = newBatch(`INSERT INTO meetings (id, org_id, round_key, planned_at, place, topic, host_id, recorder_id, lead_reader_id, secret, summary, held_at, finalized_at, finalized_by, created_by, created_at, updated_at) VALUES `, 17)
	h.materialsB = newBatch(`INSERT INTO meeting_materials (id, meeting_id, title, category, note) VALUES `, 5, h.meetings)
	h.rects = newBatch(`INSERT INTO rectifications (id, org_id, meeting_id, source, problem, category, owner_id, measure, deadline, status, evidence, done_at, verified_by, verified_at, created_by, created_at, updated_at) VALUES `, 17, h.meetings)
	h.attendance = newBatch(`INSERT INTO attendance (meeting_id, member_id, status, method, reason, at, recorded_by) VALUES `, 7, h.meetings)
	h.selfstudy = newBatch(`INSERT INTO selfstudy (material_id, member_id, read_at) VALUES `, 3, h.materialsB)
	h.speeches = newBatch(`INSERT INTO speeches (meeting_id, member_id, kinds, problem, content, is_case, entered_by, created_at, updated_at) VALUES `, 9, h.meetings)
	h.reviews = newBatch(`INSERT INTO reviews (meeting_id, kind, reviewer_id, reviewee_id, rating, comment, created_at) VALUES `, 7, h.meetings)
	h.noticeReads = newBatch(`INSERT INTO notice_reads (notice_id, org_id, user_id, read_at) VALUES `, 4)

	current := round.RoundAt(h.cal, h.now)
	var rounds []round.Round
	for r := round.First(h.cal); r.Key() <= current.Key(); r = round.Next(h.cal, r) {
		rounds = append(rounds, r)
	}
	for i, r := range rounds {
		cats, mats, err := h.notices(i, r, r.Key() == current.Key())
		if err != nil {
			return err
		}
		outcomes := h.outcomes(r)
		for _, u := range h.units {
			if r.Key() == current.Key() {
				err = h.plannedMeeting(i, r, u, cats, mats)
			} else {
				err = h.pastMeeting(i, r, u, outcomes[u.id], cats, mats)
			}
			if err != nil {
				return err
			}
		}
	}
	rects, err := h.rectifications()
	if err != nil {
		return err
	}
	for _, b := range []*batch{h.meetings, h.materialsB, h.rects, h.attendance, h.selfstudy, h.speeches, h.reviews, h.noticeReads} {
		if err := b.flush(h.ctx, h.tx); err != nil {
			return err
		}
	}
	if err := h.syncSequences(); err != nil {
		return err
	}
	return h.trainingOrders(rects)
}

// idTables are the tables whose ids the history assigns itself.
var idTables = []string{"meetings", "meeting_materials", "rectifications"}

func (h *history) nextID(table string) int64 {
	h.lastID[table]++
	return h.lastID[table]
}

// syncSequences moves PostgreSQL's identity sequences past the ids written
// explicitly, or the platform's next insert would collide with them. SQLite
// needs nothing: an INTEGER PRIMARY KEY continues from the largest rowid.
func (h *history) syncSequences() error {
	if h.tx.Dialect() != db.Postgres {
		return nil
	}
	for _, table := range idTables {
		if _, err := h.tx.Exec(h.ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
			return errs.Wrap(err, "history sequence")
		}
	}
	return nil
}

// ---- notices -------------------------------------------------------------

// notices writes the round's reminder (and any supplement or letter of the
// round) and returns the must-study categories it requires with one
// material title per category.
func (h *history) notices(i int, r round.Round, current bool) ([]study.Category, []string, error) {
	all := study.Categories()
	// 总书记讲话 is required every round; the other three rotate, so most
	// notices ask for 2–4 categories.
	cats := []study.Category{study.CategorySpeeches}
	for _, c := range all[1:] {
		if h.chance(0.6) {
			cats = append(cats, c)
		}
	}
	if len(cats) == 1 {
		cats = append(cats, all[1+h.r.IntN(3)])
		sortCats(cats)
	}
	mats := make([]string, len(cats))
	for k, c := range cats {
		switch c {
		case study.CategorySpeeches:
			mats[k] = speechMaterials[i%len(speechMaterials)]
		case study.CategoryRules:
			mats[k] = ruleMaterials[(i*5)%len(ruleMaterials)]
		case study.CategoryDocuments:
			mats[k] = documentMaterials[(i*7+3)%len(documentMaterials)]
		default:
			mats[k] = "本单位本系统业务政策及指导性文件（各党组织结合实际确定）"
		}
	}

	published := localAt(r.FirstDay().AddDays(-5), 9, 0, h.zone)
	var b strings.Builder
	fmt.Fprintf(&b, "各机关党组织：\n\n根据《关于在全区机关党组织中开展“学讲评”活动的实施意见》安排，%s“学讲评”活动定于%s前后开展（%s至%s），请各党支部（党小组）认真组织。现将有关事项提醒如下：\n\n一、学习内容。本轮“四个必学”内容为：",
		r.Label(), cnDate(r.Due), cnDate(r.FirstDay()), cnDate(r.LastDay()))
	for k, c := range cats {
		fmt.Fprintf(&b, "%s%s：%s", listNum[k], c.Label(), mats[k])
		if k < len(cats)-1 {
			b.WriteString("；")
		}
	}
	b.WriteString("。请党员会前完整自学，会上安排重点领学。\n\n二、注意事项。")
	if i == 0 {
		b.WriteString("本轮为活动启动后的首轮，各单位要对照实施意见吃透要求，把规定动作做到位。")
	} else {
		b.WriteString(h.pickS(noticeIssues))
	}
	asks := h.r.IntN(len(noticeAsks))
	b.WriteString(noticeAsks[asks])
	b.WriteString("\n\n三、工作要求。")
	b.WriteString(noticeAsks[(asks+1+h.r.IntN(len(noticeAsks)-1))%len(noticeAsks)])
	b.WriteString("活动结束后2个工作日内在平台完成记录定稿。\n\n中共郑州市二七区委组织部\n")
	b.WriteString(cnDate(round.DateOf(published, h.zone)))

	catCodes := make([]string, len(cats))
	for k, c := range cats {
		catCodes[k] = string(c)
	}
	title := fmt.Sprintf("关于开展%s“学讲评”活动的工作提醒", r.Label())
	// Only the newest notice is still unread: in the current round that is
	// a supplement when one follows the reminder.
	later := r.Key() == theLetter.round
	for _, s := range supplementNotices {
		later = later || s.round == r.Key()
	}
	if err := h.notice(r, "reminder", title, b.String(), strings.Join(catCodes, ","), strings.Join(mats, "\n"), published, !current || later); err != nil {
		return nil, nil, err
	}
	if r.Key() == theLetter.round {
		if err := h.notice(r, "letter", theLetter.title, strings.Join(theLetter.body, "\n\n"), "", "", published.Add(26*time.Hour), true); err != nil {
			return nil, nil, err
		}
	}
	for _, s := range supplementNotices {
		if s.round == r.Key() {
			if err := h.notice(r, "supplement", s.title, strings.Join(s.body, "\n\n"), s.categories, s.materials, published.Add(54*time.Hour), !current); err != nil {
				return nil, nil, err
			}
		}
	}
	return cats, mats, nil
}

var listNum = []string{"（一）", "（二）", "（三）", "（四）"}

// notice writes one notice to the whole district; read marks it read by
// the demo secretary for the demo branch.
func (h *history) notice(r round.Round, kind, title, body, cats, mats string, at time.Time, read bool) error {
	id, err := h.tx.Insert(h.ctx, `INSERT INTO notices (round_key, kind, title, body, categories, materials, org_id, created_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Key(), kind, title, body, cats, mats, h.root, h.admin, at)
	if err != nil {
		return errs.Wrap(err, "history notice")
	}
	if read && h.shuji != nil && h.demoBranch != 0 {
		readAt := at.Add(time.Duration(2+h.r.IntN(28)) * time.Hour)
		if readAt.After(h.now) {
			readAt = h.now.Add(-time.Hour)
		}
		return h.noticeReads.add(h.ctx, h.tx, id, h.demoBranch, h.shuji, readAt)
	}
	return nil
}

// ---- meetings ------------------------------------------------------------

type outcome int

const (
	onTime outcome = iota
	late
	notHeld
	postponed
)

// outcomes decides how every unit fares in round r. The draws come from a
// stream of their own, so that editing a text bank does not reshuffle who
// was late. Normal units are dealt a quota per round (about 3–4% not held,
// 3–4% postponed, 6–7% late, the rest on time) rather than drawn one by one,
// which keeps every round's on-time share near 85% instead of wandering
// with chance; the weak units draw from a much worse mix on top.
func (h *history) outcomes(r round.Round) map[int64]outcome {
	out := make(map[int64]outcome, len(h.units))
	var normal []*histUnit
	for _, u := range h.units {
		switch {
		case u.model || len(forcedPresent(u, r.Key())) > 0:
			out[u.id] = onTime
		case u.weak:
			switch x := h.or.Float64(); {
			case x < 0.52:
				out[u.id] = onTime
			case x < 0.74:
				out[u.id] = late
			case x < 0.82:
				out[u.id] = postponed
			default:
				out[u.id] = notHeld
			}
		default:
			normal = append(normal, u)
		}
	}
	for k := len(normal) - 1; k > 0; k-- {
		j := h.or.IntN(k + 1)
		normal[k], normal[j] = normal[j], normal[k]
	}
	quota := func(share float64) int { return max(0, int(share*float64(len(normal))+0.5)+h.or.IntN(3)-1) }
	next := 0
	for _, q := range []struct {
		o outcome
		n int
	}{{notHeld, quota(0.035)}, {postponed, quota(0.035)}, {late, quota(0.065)}} {
		for end := min(next+q.n, len(normal)); next < end; next++ {
			out[normal[next].id] = q.o
		}
	}
	for ; next < len(normal); next++ {
		out[normal[next].id] = onTime
	}
	return out
}

// forcedPresent lists the members a planted copy needs in the meeting.
func forcedPresent(u *histUnit, key string) map[int]bool {
	out := map[int]bool{}
	for _, p := range plantedReuse {
		if p.unit == u.label && (p.from == key || p.to == key) {
			out[p.member] = true
		}
	}
	for _, p := range plantedPairs {
		if p.unit == u.label && p.round == key {
			out[p.a], out[p.b] = true, true
		}
	}
	return out
}

type material struct {
	id       int64
	title    string
	category study.Category
}

func (h *history) pastMeeting(i int, r round.Round, u *histUnit, o outcome, cats []study.Category, mats []string) error {
	if len(u.members) == 0 {
		return nil
	}
	forced := forcedPresent(u, r.Key())
	var held time.Time
	switch o {
	case onTime:
		held = h.meetingTime(r.FirstDay().AddDays(h.r.IntN(2*h.cal.Tolerance + 1)))
	case late:
		held = h.meetingTime(r.LastDay().AddDays(1 + h.r.IntN(6)))
	case postponed:
		extra := 3 + h.r.IntN(5)
		newDate := r.LastDay().AddDays(extra)
		asked := localAt(r.FirstDay().AddDays(h.r.IntN(4)), 10, 0, h.zone)
		if _, err := h.tx.Exec(h.ctx, `INSERT INTO postponements (org_id, round_key, reason, new_date, status, requested_by, decided_by, decided_at, created_at) VALUES (?, ?, ?, ?, 'approved', ?, ?, ?, ?)`,
			u.id, r.Key(), h.pickS(postponeReasons), newDate.String(), nil, h.admin, asked.Add(20*time.Hour), asked); err != nil {
			return errs.Wrap(err, "history postponement")
		}
		held = h.meetingTime(r.LastDay().AddDays(1 + h.r.IntN(extra)))
	case notHeld:
		return nil
	}
	// A meeting that would fall after now has not happened yet (a
	// postponement reaching past today stays 请假顺延).
	if !held.Before(h.now.Add(-2 * time.Hour)) {
		return nil
	}
	finalized := held.Add(time.Duration(24+h.r.IntN(30)) * time.Hour)
	if finalized.After(h.now) {
		finalized = h.now.Add(-30 * time.Minute)
	}
	created := localAt(r.FirstDay().AddDays(-4+h.r.IntN(3)), 10, 30, h.zone)
	if !created.Before(held) {
		created = held.Add(-24 * time.Hour)
	}

	// Attendance: the host always, everyone a planted copy needs, the rest
	// at about 92% (weaker units less).
	presentP := 0.92
	if u.weak {
		presentP = 0.85
	}
	var present, absent []histMember
	for k, m := range u.members {
		if k == 0 || forced[k] || h.chance(presentP) {
			present = append(present, m)
		} else {
			absent = append(absent, m)
		}
	}
	host := u.members[0]
	recorder := host
	if len(u.members) > 1 {
		recorder = u.members[1]
	}
	lead := host
	if len(present) > 1 {
		lead = present[1+h.r.IntN(len(present)-1)]
	}
	var author any
	if u.model {
		author = h.shuji
	}
	label := r.Label()
	topic := fmt.Sprintf("%s“学讲评”：%s", label, h.pickS(themes))
	id := h.nextID("meetings")
	if err := h.meetings.add(h.ctx, h.tx, id, u.id, r.Key(), held, h.pickS(places), topic, host.id, recorder.id, lead.id, h.secret(),
		h.pickS(summaries), held, finalized, author, author, created, finalized); err != nil {
		return err
	}
	materials, err := h.materials(id, i, u, cats, mats)
	if err != nil {
		return err
	}

	// Self-study before the meeting.
	studyP := 0.9
	if u.weak {
		studyP = 0.7
	}
	for _, mat := range materials {
		for _, m := range present {
			if h.chance(studyP) {
				if err := h.selfstudy.add(h.ctx, h.tx, mat.id, m.id, h.readAt(created, held)); err != nil {
					return err
				}
			}
		}
		for _, m := range absent {
			if h.chance(0.35) {
				if err := h.selfstudy.add(h.ctx, h.tx, mat.id, m.id, h.readAt(created, held)); err != nil {
					return err
				}
			}
		}
	}

	// Sign-in: the host scans first, so held_at is the first sign-in.
	for k, m := range present {
		method, at := "qr", held.Add(time.Duration(k*(20+h.r.IntN(100)))*time.Second)
		var by any
		if k > 0 && h.chance(0.12) {
			method, at, by = "manual", held.Add(time.Duration(5+h.r.IntN(40))*time.Minute), author
		}
		if err := h.attendance.add(h.ctx, h.tx, id, m.id, "present", method, "", at, by); err != nil {
			return err
		}
	}
	for _, m := range absent {
		if err := h.attendance.add(h.ctx, h.tx, id, m.id, "leave", "leave", h.pickS(leaveReasons), held.Add(-time.Duration(2+h.r.IntN(40))*time.Hour), author); err != nil {
			return err
		}
	}

	// Speeches.
	spoke := held.Add(20 * time.Minute)
	texts := map[int64]speechText{}
	for k, m := range present {
		idx := memberIndex(u, m.id)
		if k > 0 && !forced[idx] && !h.chance(0.97) {
			continue
		}
		st := h.speech(u, m, materials, h.chance(0.1))
		st = h.planted(u, r.Key(), idx, st, texts)
		texts[m.id] = st
		h.lastSpeech[m.id] = st
		at := spoke.Add(time.Duration(k*(4+h.r.IntN(5))) * time.Minute)
		if err := h.speeches.add(h.ctx, h.tx, id, m.id, st.kinds, st.problem, st.content, st.isCase, author, at, at); err != nil {
			return err
		}
	}

	// Reviews: a self review each, peer reviews by the meeting's rotation,
	// and the host's overall review of everyone else.
	reviewed := held.Add(time.Duration(70+h.r.IntN(40)) * time.Minute)
	ids := make([]int64, len(present))
	for k, m := range present {
		ids[k] = m.id
		rating := h.rating(0.30, 0.92, 1)
		if err := h.reviews.add(h.ctx, h.tx, id, "self", m.id, m.id, string(rating), h.comment(rating, selfPositive, selfCritical), reviewed); err != nil {
			return err
		}
	}
	for _, a := range meeting.Rotation(ids, 2) {
		rating := h.rating(0.42, 0.92, 0.99)
		if err := h.reviews.add(h.ctx, h.tx, id, "peer", a.Reviewer, a.Reviewee, string(rating), h.comment(rating, peerPositive, peerCritical), reviewed); err != nil {
			return err
		}
	}
	for _, m := range present[1:] {
		rating := h.rating(0.38, 0.90, 0.99)
		if err := h.reviews.add(h.ctx, h.tx, id, "overall", host.id, m.id, string(rating), h.comment(rating, overallPositive, overallImprove), reviewed.Add(15*time.Minute)); err != nil {
			return err
		}
	}
	h.held = append(h.held, heldMeeting{id: id, unit: u, held: held, present: present, author: author})
	return nil
}

// plannedMeeting is a meeting of the current round: planned, materials in
// place, some members already through their self-study, nothing held.
func (h *history) plannedMeeting(i int, r round.Round, u *histUnit, cats []study.Category, mats []string) error {
	if len(u.members) == 0 || (!u.model && !h.chance(0.35)) {
		return nil
	}
	first := r.FirstDay()
	if today := round.DateOf(h.now, h.zone); first.Before(today) {
		first = today
	}
	var planned time.Time
	for tries := 0; tries < 8; tries++ {
		planned = h.meetingTime(first.AddDays(h.r.IntN(3)))
		if planned.After(h.now) {
			break
		}
	}
	if !planned.After(h.now) {
		planned = h.meetingTime(first.AddDays(1))
	}
	created := h.now.Add(-time.Duration(24+h.r.IntN(96)) * time.Hour)
	var author any
	if u.model {
		author = h.shuji
	}
	host := u.members[0]
	recorder := host
	if len(u.members) > 1 {
		recorder = u.members[1]
	}
	lead := u.members[h.r.IntN(len(u.members))]
	topic := fmt.Sprintf("%s“学讲评”：%s", r.Label(), h.pickS(themes))
	id := h.nextID("meetings")
	if err := h.meetings.add(h.ctx, h.tx, id, u.id, r.Key(), planned, h.pickS(places), topic, host.id, recorder.id, lead.id, h.secret(),
		"", nil, nil, nil, author, created, created); err != nil {
		return err
	}
	materials, err := h.materials(id, i, u, cats, mats)
	if err != nil {
		return err
	}
	for _, mat := range materials {
		for _, m := range u.members {
			if h.chance(0.45) {
				if err := h.selfstudy.add(h.ctx, h.tx, mat.id, m.id, h.readAt(created, h.now)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// materials writes one material per required category: the notice's
// title, or for unit_policy a document of the unit's own agency.
func (h *history) materials(meetingID int64, i int, u *histUnit, cats []study.Category, mats []string) ([]material, error) {
	out := make([]material, 0, len(cats))
	bank := bankOf(u.agency)
	for k, c := range cats {
		title, note := mats[k], ""
		if c == study.CategoryPolicy {
			title = bank.policy[(i+len(u.label))%len(bank.policy)]
			note = "本单位业务政策"
		}
		mid := h.nextID("meeting_materials")
		if err := h.materialsB.add(h.ctx, h.tx, mid, meetingID, title, string(c), note); err != nil {
			return nil, err
		}
		out = append(out, material{mid, title, c})
	}
	return out, nil
}

// ---- speeches ------------------------------------------------------------

// speech assembles one member's speech from independent slots; see
// history_text.go for why.
func (h *history) speech(u *histUnit, m histMember, mats []material, isCase bool) speechText {
	bank := bankOf(u.agency)
	isCase = isCase && len(bank.cases) > 0
	kinds := h.speechKinds(isCase)
	problem := h.fill(h.pickS(bank.problems))

	// Every speech carries all slots (study, problem, practice, reflection,
	// closing): with only two or three the combinations are few enough that
	// a district's thousands of speeches repeat one another by chance.
	mat := mats[h.r.IntN(len(mats))]
	opening := fmt.Sprintf(h.pickS(studyOpenings), strings.Trim(mat.title, "《》")) + h.pickS(insights) + "。"
	lead := h.pickS(problemLeads)
	if h.chance(0.3) && m.position != "" {
		lead = "作为" + m.position + "，" + lead
	}
	problemSeg := lead + problem + "。"
	practice := h.pickS(practiceLeads) + h.fill(h.pickS(bank.practices)) + h.fill(h.pickS(effects)) + "。"
	reflection := h.pickS(reflections) + "。"
	next := h.pickS(nextSteps) + "。"
	detail := h.pickS(detailWhen) + "，" + h.fill(h.pickS(detailDoing)) + "。"
	segs := []string{opening, problemSeg, detail, practice, reflection, next}
	if isCase {
		// The case carries the practice; the study opening and the
		// member's own reflection keep two tellings of one case apart.
		segs = []string{h.pickS(caseLeads) + h.fill(h.pickS(bank.cases)) + "。", opening, detail, reflection, next}
	}
	content := strings.Join(segs, "")
	// Keep to 300 characters: drop the closing line, then the opening.
	for _, drop := range []string{next, detail, opening} {
		if utf8.RuneCountInString(content) <= 300 {
			break
		}
		content = strings.Replace(content, drop, "", 1)
	}
	return speechText{kinds: kinds, problem: problem, content: content, isCase: isCase}
}

func (h *history) speechKinds(isCase bool) string {
	all := []string{"understanding", "reflection", "experience"}
	var out []string
	for {
		out = out[:0]
		for _, k := range all {
			if h.chance(0.5) {
				out = append(out, k)
			}
		}
		if isCase && !contains(out, "experience") {
			out = append(out, "experience")
		}
		if len(out) > 0 {
			return strings.Join(out, ",")
		}
	}
}

// planted replaces st by a copy where the plan says so.
func (h *history) planted(u *histUnit, key string, idx int, st speechText, texts map[int64]speechText) speechText {
	for _, p := range plantedReuse {
		if p.unit == u.label && p.to == key && p.member == idx {
			prev, ok := h.lastSpeech[u.members[idx].id]
			if !ok {
				return st
			}
			if p.edit {
				prev.content = touchUp(prev.content, 0)
			}
			return prev
		}
	}
	for _, p := range plantedPairs {
		if p.unit == u.label && p.round == key && p.b == idx {
			if src, ok := texts[u.members[p.a].id]; ok {
				src.content = touchUp(src.content, 1)
				return src
			}
		}
	}
	return st
}

// touchUp is what a copier does to a text: a new opening phrase and a
// tidied ending, leaving the body untouched.
func touchUp(s string, variant int) string {
	openers := []string{"我简单谈几点体会。", "结合本岗位，我谈一谈。"}
	s = strings.TrimSuffix(s, "。") + "，请大家批评指正。"
	return openers[variant%len(openers)] + s
}

func memberIndex(u *histUnit, id int64) int {
	for k, m := range u.members {
		if m.id == id {
			return k
		}
	}
	return -1
}

// ---- rectifications ------------------------------------------------------

type rectRow struct {
	id       int64
	unit     *histUnit
	category string
}

// rectifications raises problems in about one meeting in four (1–2 each),
// except at 城管 whose count is fixed at cityProblems, and takes each
// through the ledger according to its age.
func (h *history) rectifications() ([]rectRow, error) {
	var out []rectRow
	used := map[int64]map[string]bool{}
	var city []heldMeeting
	for _, hm := range h.held {
		if hm.unit.agency == cityAgency {
			city = append(city, hm)
			continue
		}
		if !h.chance(0.25) {
			continue
		}
		n := 1
		if h.chance(0.3) {
			n = 2
		}
		for range n {
			row, err := h.rectification(hm, used)
			if err != nil {
				return nil, err
			}
			out = append(out, row)
		}
	}
	// 城管: shuffle its meetings and raise problems until the count is
	// reached, so the seed's "20余项" holds for every seed.
	for k := len(city) - 1; k > 0; k-- {
		j := h.r.IntN(k + 1)
		city[k], city[j] = city[j], city[k]
	}
	left := cityProblems
	for _, hm := range city {
		if left == 0 {
			break
		}
		n := min(1+h.r.IntN(2), left)
		for range n {
			row, err := h.rectification(hm, used)
			if err != nil {
				return nil, err
			}
			out = append(out, row)
		}
		left -= n
	}
	return out, nil
}

func (h *history) rectification(hm heldMeeting, used map[int64]map[string]bool) (rectRow, error) {
	u := hm.unit
	if used[u.id] == nil {
		used[u.id] = map[string]bool{}
	}
	bank := bankOf(u.agency)
	var f fix
	for tries := 0; tries < 6; tries++ {
		own := 0.4 // the agency's own problems, else the generic ones
		if u.agency == cityAgency {
			own = 0.75
		}
		if len(bank.fixes) > 0 && h.chance(own) {
			f = bank.fixes[h.r.IntN(len(bank.fixes))]
		} else {
			f = genericFixes[h.r.IntN(len(genericFixes))]
		}
		if !used[u.id][f.problem] {
			break
		}
	}
	used[u.id][f.problem] = true
	problem := h.fill(f.problem)
	owner := hm.present[h.r.IntN(len(hm.present))]
	heldDay := round.DateOf(hm.held, h.zone)
	deadlineDay := heldDay.AddDays(15 + h.r.IntN(31))
	deadline := deadlineDay.AddDays(1).In(h.zone) // overdue from the day after
	created := hm.held.Add(90 * time.Minute)

	status := "pending"
	x := h.r.Float64()
	switch {
	case deadline.Before(h.now.Add(-10 * 24 * time.Hour)):
		// Long past its deadline: nearly all closed, a few stuck.
		switch {
		case x < 0.86:
			status = "verified"
		case x < 0.97:
			status = "done"
		case x < 0.985:
			status = "in_progress"
		}
	case deadline.Before(h.now):
		switch {
		case x < 0.35:
			status = "verified"
		case x < 0.8:
			status = "done"
		default:
			status = "in_progress"
		}
	default:
		switch {
		case x < 0.35:
			status = "pending"
		case x < 0.85:
			status = "in_progress"
		default:
			status = "done"
		}
	}
	var doneAt, verifiedAt, verifiedBy any
	evidence := ""
	updated := created
	if status == "done" || status == "verified" {
		end := deadline.Add(-6 * time.Hour)
		if end.After(h.now) {
			end = h.now.Add(-2 * time.Hour)
		}
		span := end.Sub(created)
		d := created.Add(time.Duration(h.r.Float64() * float64(span)))
		if span <= 0 {
			d = created.Add(time.Hour)
		}
		doneAt, updated, evidence = d, d, h.fill(h.pickS(evidenceTexts))
		if status == "verified" {
			v := d.Add(time.Duration(24+h.r.IntN(120)) * time.Hour)
			if v.After(h.now) {
				v = h.now.Add(-time.Hour)
			}
			if v.Before(d) {
				v = d
			}
			verifiedAt, verifiedBy, updated = v, h.admin, v
		}
	} else if status == "in_progress" {
		updated = created.Add(time.Duration(24+h.r.IntN(72)) * time.Hour)
		if updated.After(h.now) {
			updated = h.now.Add(-time.Hour)
		}
	}
	id := h.nextID("rectifications")
	if err := h.rects.add(h.ctx, h.tx, id, u.id, hm.id, "meeting", problem, f.cat, owner.id, f.measure, deadlineDay.String(), status,
		evidence, doneAt, verifiedBy, verifiedAt, hm.author, created, updated); err != nil {
		return rectRow{}, err
	}
	return rectRow{id: id, unit: u, category: f.cat}, nil
}

// trainingOrders writes the 订单式 training requests, linked to one of the
// agency's rectifications where the topic answers it.
func (h *history) trainingOrders(rects []rectRow) error {
	for k, t := range trainingTopics {
		var unit *histUnit
		for _, u := range h.units {
			if u.agency == t.agency {
				unit = u
				if k == 0 && u.label != OversizeBranch {
					continue // the enforcement brigade asks for enforcement training
				}
				break
			}
		}
		if unit == nil {
			continue
		}
		var link any
		if t.linkCategory != "" {
			for _, r := range rects {
				if r.unit.agency == t.agency && r.category == t.linkCategory {
					link = r.id
					if r.unit == unit {
						break
					}
				}
			}
		}
		created := h.now.AddDate(0, 0, -(12 + 23*(len(trainingTopics)-k)))
		updated := created
		if t.status != "submitted" {
			updated = created.Add(time.Duration(48+h.r.IntN(96)) * time.Hour)
		}
		var by any
		if unit.model {
			by = h.shuji
		}
		if _, err := h.tx.Exec(h.ctx, `INSERT INTO training_orders (org_id, rectification_id, topic, people, note, status, admin_note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			unit.id, link, t.topic, t.people, t.note, t.status, t.adminNote, by, created, updated); err != nil {
			return errs.Wrap(err, "history training order")
		}
	}
	return nil
}

// ---- small helpers -------------------------------------------------------

func bankOf(agency string) agencyBank {
	if b, ok := banks[agency]; ok {
		return b
	}
	return genericBank
}

func (h *history) chance(p float64) bool { return h.r.Float64() < p }

func (h *history) pickS(list []string) string { return list[h.r.IntN(len(list))] }

// rating draws excellent below e, good below g, fair below f, else poor.
func (h *history) rating(e, g, f float64) meeting.Rating {
	switch x := h.r.Float64(); {
	case x < e:
		return meeting.RatingExcellent
	case x < g:
		return meeting.RatingGood
	case x < f:
		return meeting.RatingFair
	default:
		return meeting.RatingPoor
	}
}

// comment matches the tone to the rating; a good rating sometimes comes
// with a suggestion, as real reviews do.
func (h *history) comment(r meeting.Rating, positive, critical []string) string {
	if r == meeting.RatingFair || r == meeting.RatingPoor || (r == meeting.RatingGood && h.chance(0.2)) {
		return h.pickS(critical)
	}
	return h.pickS(positive)
}

// fill replaces the {n}, {m} and {p} placeholders with fresh numbers.
func (h *history) fill(s string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 || i+2 >= len(s) || s[i+2] != '}' {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case 'n':
			b.WriteString(strconv.Itoa(3 + h.r.IntN(46)))
		case 'm':
			b.WriteString(strconv.Itoa(2 + h.r.IntN(8)))
		case 'p':
			b.WriteString(strconv.Itoa(82 + h.r.IntN(18)))
		default:
			b.WriteString(s[i : i+3])
		}
		s = s[i+3:]
	}
}

// meetingTime is a usual meeting hour on day d.
func (h *history) meetingTime(d round.Date) time.Time {
	hours := [][2]int{{9, 0}, {9, 30}, {10, 0}, {14, 30}, {15, 0}, {15, 30}, {16, 0}}
	hm := hours[h.r.IntN(len(hours))]
	return localAt(d, hm[0], hm[1], h.zone)
}

// readAt is a self-study moment between the meeting's creation and before.
func (h *history) readAt(created, before time.Time) time.Time {
	span := before.Sub(created) - time.Hour
	if span <= 0 {
		return created
	}
	return created.Add(time.Duration(h.r.Float64() * float64(span))).Truncate(time.Second)
}

// secret is 32 hex digits from the history's stream, so it is
// reproducible too; the demo's sign-in codes need no real secrecy.
func (h *history) secret() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(h.r.IntN(256))
	}
	return hex.EncodeToString(b[:])
}

func localAt(d round.Date, hour, minute int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc).UTC()
}

func cnDate(d round.Date) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

func sortCats(cs []study.Category) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Number() < cs[j-1].Number(); j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// batch gathers rows for one multi-row INSERT, so that the hundred
// thousand rows of the history cost a few hundred statements instead of one
// each (on SQLite the statement's preparation costs more than the row).
// Both engines accept multi-row VALUES; rows per statement stay far below
// either's parameter limit. parents are flushed first, since foreign keys
// are checked row by row.
type batch struct {
	head    string
	cols    int
	args    []any
	rows    int
	parents []*batch
}

const batchRows = 400

func newBatch(head string, cols int, parents ...*batch) *batch {
	return &batch{head: head, cols: cols, args: make([]any, 0, batchRows*cols), parents: parents}
}

func (b *batch) add(ctx context.Context, tx *db.Tx, vals ...any) error {
	if len(vals) != b.cols {
		return errs.E(errs.Internal, "demo", "batch column count")
	}
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows >= batchRows {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, tx *db.Tx) error {
	if b.rows == 0 {
		return nil
	}
	for _, p := range b.parents {
		if err := p.flush(ctx, tx); err != nil {
			return err
		}
	}
	one := "(" + strings.Repeat("?, ", b.cols-1) + "?)"
	var q strings.Builder
	q.Grow(len(b.head) + b.rows*(len(one)+2))
	q.WriteString(b.head)
	for i := range b.rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(one)
	}
	if _, err := tx.Exec(ctx, q.String(), b.args...); err != nil {
		return errs.Wrap(err, "history batch")
	}
	b.args, b.rows = b.args[:0], 0
	return nil
}
