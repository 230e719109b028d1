package report

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"xuejiangping/internal/db"
	"xuejiangping/internal/round"
	"xuejiangping/internal/settings"
)

// Spec sizes a synthetic data set for the budgets.
type Spec struct {
	Committees     int // under the root
	Branches       int // per committee
	SplitEvery     int // every n-th branch is split into two groups
	UnitSize       int // members per activity unit
	Rounds         int // rounds of history, ending with the current one
	Materials      int // per meeting
	SpeechChars    int // rough length of a speech
	CopyPermille   int // speeches copied from another member, per thousand
	ProblemPercent int // meetings that find a problem
}

// Scales are the two sizes of the issue: a district (≈1,000 units,
// 12,000 members, two years = 48 rounds) and a province (100,000 units,
// 1.2 M members, 24 rounds).
var Scales = map[string]Spec{
	"district": {Committees: 40, Branches: 20, SplitEvery: 4, UnitSize: 12, Rounds: 48, Materials: 2, SpeechChars: 90, CopyPermille: 10, ProblemPercent: 30},
	"province": {Committees: 2000, Branches: 40, SplitEvery: 4, UnitSize: 12, Rounds: 24, Materials: 1, SpeechChars: 60, CopyPermille: 10, ProblemPercent: 30},
}

// Units is the number of activity units the spec makes.
func (s Spec) Units() int {
	b := s.Committees * s.Branches
	split := 0
	if s.SplitEvery > 0 {
		split = b / s.SplitEvery
	}
	return b - split + 2*split
}

// Generate writes the named scale into an empty database.
func Generate(ctx context.Context, d *db.DB, scale string, seed int64) (Stats, error) {
	spec, ok := Scales[scale]
	if !ok {
		return Stats{}, fmt.Errorf("未知规模 %q（可选 district、province）", scale)
	}
	return GenerateSpec(ctx, d, spec, seed, nil)
}

// Stats counts what a generation wrote.
type Stats struct {
	Orgs, Units, Members, Meetings, Attendance, Speeches, Rectifications int
	Took, FactsTook                                                      time.Duration
}

// gen is the state of one generation: a dedicated connection, explicit ids
// (the database is empty) and multi-row INSERTs in big transactions.
type gen struct {
	d    *db.DB
	conn *sql.Conn
	tx   *sql.Tx
	rnd  *rand.Rand
	spec Spec
	st   Stats
	log  func(string)
}

// GenerateSpec writes a synthetic programme of spec's size straight into an
// EMPTY database with bulk SQL, then builds the report facts. log, when
// given, hears progress.
func GenerateSpec(ctx context.Context, d *db.DB, spec Spec, seed int64, log func(string)) (Stats, error) {
	start := time.Now()
	var n int
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		return Stats{}, err
	}
	if n > 0 {
		return Stats{}, fmt.Errorf("数据库不是空的（已有 %d 个组织）：请指定一个新的数据目录或空库", n)
	}
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return Stats{}, err
	}
	defer conn.Close()
	if log == nil {
		log = func(string) {}
	}
	g := &gen{d: d, conn: conn, rnd: rand.New(rand.NewPCG(uint64(seed), 0x5851)), spec: spec, log: log}
	// On failure the open transaction must end before the connection closes.
	defer func() {
		if g.tx != nil {
			_ = g.tx.Rollback()
		}
	}()
	if d.Dialect == db.Postgres {
		// Skip the facts triggers during the load (the facts are rebuilt
		// below); needs a superuser, and only slows the load without it.
		if _, err := conn.ExecContext(ctx, `SET session_replication_role = replica`); err != nil {
			log("触发器未能关闭（非超级用户），装载会慢一些: " + err.Error())
		}
		// A crash mid-load means generating again anyway: no need to wait
		// for every commit to reach the disk.
		if _, err := conn.ExecContext(ctx, `SET synchronous_commit = off`); err != nil {
			return Stats{}, err
		}
	}
	rounds, err := g.calendar(ctx)
	if err != nil {
		return g.st, err
	}
	units, err := g.tree(ctx)
	if err != nil {
		return g.st, err
	}
	for i, r := range rounds {
		if err := g.round(ctx, r, units, i == len(rounds)-1); err != nil {
			return g.st, fmt.Errorf("round %s: %w", r.Key(), err)
		}
		log(fmt.Sprintf("轮次 %s 完成（%d/%d，已用 %s）", r.Key(), i+1, len(rounds), time.Since(start).Round(time.Second)))
	}
	if d.Dialect == db.Postgres {
		_, _ = conn.ExecContext(ctx, `SET session_replication_role = origin`)
		if err := g.fixSequences(ctx); err != nil {
			return g.st, err
		}
		// Fresh statistics, or the planner takes the bulk-loaded tables for
		// empty ones and the facts build crawls.
		if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
			return g.st, err
		}
	}
	g.st.Took = time.Since(start)
	fs := time.Now()
	rs := NewService(d, nil)
	if _, err := rs.Rebuild(ctx); err != nil {
		return g.st, err
	}
	if d.Dialect == db.Postgres {
		// The rollups too: planned as empty, the dashboards' joins on them
		// would scan instead of probing.
		if _, err := conn.ExecContext(ctx, `ANALYZE`); err != nil {
			return g.st, err
		}
	}
	g.st.FactsTook = time.Since(fs)
	return g.st, nil
}

// calendar sets the programme's start so that spec.Rounds rounds end with
// the current one.
func (g *gen) calendar(ctx context.Context) ([]round.Round, error) {
	cal := round.DefaultCalendar(round.Date{})
	cur := round.RoundAt(cal, time.Now())
	r := cur
	for range g.spec.Rounds - 1 {
		r = round.Prev(cal, r)
	}
	start := round.DateOf(r.Opens, cal.Zone())
	err := g.d.InTx(ctx, func(tx *db.Tx) error { return settings.Set(ctx, tx, settings.ProgrammeStart, start.String()) })
	if err != nil {
		return nil, err
	}
	cal.Start = start
	// Up to the current round's due date, not today: the round under way
	// is part of the history (half its units have met).
	return round.Generate(cal, r.Opens, cur.Due.In(cal.Zone())), nil
}

type unit struct {
	id      int64
	members []int64
}

// batch inserts rows of width cols: on PostgreSQL with COPY (several
// times faster than multi-row INSERTs at province scale), on SQLite in
// multi-row statements.
type batch struct {
	g     *gen
	head  string
	table string
	names []string
	cols  int
	args  []any
	rows  int
	count *int
}

func (g *gen) batch(head string, cols int, count *int) *batch {
	b := &batch{g: g, head: head, cols: cols, count: count}
	// head is "INSERT INTO table (a, b, c)".
	rest := strings.TrimPrefix(head, "INSERT INTO ")
	open := strings.Index(rest, "(")
	b.table = strings.TrimSpace(rest[:open])
	for _, c := range strings.Split(strings.Trim(rest[open:], "()"), ",") {
		b.names = append(b.names, strings.TrimSpace(c))
	}
	return b
}

func (b *batch) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.count != nil {
		*b.count++
	}
	limit := 1000
	if b.g.d.Dialect == db.Postgres {
		limit = 20000
	}
	if (b.g.d.Dialect != db.Postgres && b.rows*b.cols >= 30000) || b.rows >= limit {
		return b.flush(ctx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	defer func() { b.args, b.rows = b.args[:0], 0 }()
	if b.g.d.Dialect == db.Postgres {
		return b.copy(ctx)
	}
	row := "(" + placeholders(b.cols) + ")"
	q := b.head + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", b.rows), ", ")
	_, err := b.g.tx.ExecContext(ctx, b.g.d.Rebind(q), b.args...)
	return err
}

// copy sends the pending rows with COPY on the generation's connection,
// inside its open transaction.
func (b *batch) copy(ctx context.Context) error {
	rows := make([][]any, b.rows)
	for i := range rows {
		rows[i] = b.args[i*b.cols : (i+1)*b.cols]
	}
	return b.g.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("report: unexpected driver connection %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{b.table}, b.names, pgx.CopyFromRows(rows))
		return err
	})
}

func (g *gen) begin(ctx context.Context) error {
	tx, err := g.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	g.tx = tx
	if g.d.Dialect == db.SQLite {
		// Batches of parents and children flush independently: check the
		// references at commit.
		_, err = tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`)
	}
	return err
}

var surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
var given = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌辉鹏飞")

func (g *gen) name() string {
	return string(surnames[g.rnd.IntN(len(surnames))]) + string(given[g.rnd.IntN(len(given))]) + string(given[g.rnd.IntN(len(given))])
}

// tree writes the root, committees, branches, groups, members and two
// accounts (admin, zhuanban) whose passwords must be set with
// `xuejiangping user set-password`.
func (g *gen) tree(ctx context.Context) ([]unit, error) {
	if err := g.begin(ctx); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	orgs := g.batch(`INSERT INTO orgs (id, parent_id, name, kind, path, sort, created_at)`, 7, &g.st.Orgs)
	mems := g.batch(`INSERT INTO members (id, org_id, name, gender, position, created_at, updated_at)`, 7, &g.st.Members)
	var id, mid int64 = 1, 0
	if err := orgs.add(ctx, id, nil, "模拟区", "district", "/1/", 0, now); err != nil {
		return nil, err
	}
	var units []unit
	addUnit := func(uid int64) error {
		u := unit{id: uid}
		for range g.spec.UnitSize {
			mid++
			u.members = append(u.members, mid)
			if err := mems.add(ctx, mid, uid, g.name(), []string{"男", "女"}[g.rnd.IntN(2)], "科员", now, now); err != nil {
				return err
			}
		}
		units = append(units, u)
		return nil
	}
	for c := range g.spec.Committees {
		id++
		cid, cpath := id, fmt.Sprintf("/1/%d/", id)
		if err := orgs.add(ctx, cid, 1, fmt.Sprintf("第%d机关党委", c+1), "committee", cpath, c, now); err != nil {
			return nil, err
		}
		for b := range g.spec.Branches {
			id++
			bid, bpath := id, fmt.Sprintf("%s%d/", cpath, id)
			if err := orgs.add(ctx, bid, cid, fmt.Sprintf("第%d党支部", b+1), "branch", bpath, b, now); err != nil {
				return nil, err
			}
			if g.spec.SplitEvery > 0 && b%g.spec.SplitEvery == 0 {
				for k := range 2 {
					id++
					if err := orgs.add(ctx, id, bid, fmt.Sprintf("第%d党小组", k+1), "group", fmt.Sprintf("%s%d/", bpath, id), k, now); err != nil {
						return nil, err
					}
					if err := addUnit(id); err != nil {
						return nil, err
					}
				}
				continue
			}
			if err := addUnit(bid); err != nil {
				return nil, err
			}
		}
	}
	if err := orgs.flush(ctx); err != nil {
		return nil, err
	}
	if err := mems.flush(ctx); err != nil {
		return nil, err
	}
	for i, u := range []struct{ name, role string }{{"admin", "admin"}, {"zhuanban", "taskforce"}} {
		if _, err := g.tx.ExecContext(ctx, g.d.Rebind(`INSERT INTO users (id, username, display_name, password_hash, must_change, created_at) VALUES (?, ?, ?, '!', TRUE, ?)`), i+1, u.name, u.name, now); err != nil {
			return nil, err
		}
		if _, err := g.tx.ExecContext(ctx, g.d.Rebind(`INSERT INTO role_assignments (id, user_id, role, org_id, created_at) VALUES (?, ?, ?, 1, ?)`), i+1, i+1, u.role, now); err != nil {
			return nil, err
		}
	}
	g.st.Units = len(units)
	g.log(fmt.Sprintf("组织 %d 个、活动单元 %d 个、党员 %d 人", g.st.Orgs, len(units), g.st.Members))
	return units, g.commit()
}

func (g *gen) commit() error {
	err := g.tx.Commit()
	g.tx = nil
	return err
}

var phrases = []string{"深入学习贯彻党的二十届四中全会精神", "结合本职工作", "坚持以人民为中心", "把学习成果转化为工作成效", "对照党章党规查找差距",
	"在窗口服务中提高办事效率", "加强政策宣传解读", "推动问题整改落实", "发挥党员先锋模范作用", "围绕中心服务大局", "提升群众满意度",
	"认真落实全面从严治党要求", "强化责任担当", "立足岗位作贡献", "持续改进工作作风", "做到学思用贯通", "知信行统一"}

func (g *gen) speech() string {
	var b strings.Builder
	for b.Len() < g.spec.SpeechChars*3 {
		b.WriteString(phrases[g.rnd.IntN(len(phrases))])
		b.WriteString([]string{"，", "。", "；"}[g.rnd.IntN(3)])
	}
	return b.String()
}

// round writes one round: a notice, then per unit a meeting (most on
// time, some late, some not held), attendance, self-study, speeches (a few
// copied), an overall review and sometimes a problem.
func (g *gen) round(ctx context.Context, r round.Round, units []unit, current bool) error {
	if err := g.begin(ctx); err != nil {
		return err
	}
	now := time.Now().UTC()
	nid := int64(r.Year*100+int(r.Month))*10 + int64(r.Half)
	if _, err := g.tx.ExecContext(ctx, g.d.Rebind(`INSERT INTO notices (id, round_key, kind, title, body, org_id, published_at) VALUES (?, ?, 'reminder', ?, '请按时开展本轮活动。', 1, ?)`),
		nid, r.Key(), r.Label()+"工作提醒", r.Opens.UTC()); err != nil {
		return err
	}
	meetings := g.batch(`INSERT INTO meetings (id, org_id, round_key, planned_at, secret, held_at, finalized_at, created_at, updated_at)`, 9, &g.st.Meetings)
	mats := g.batch(`INSERT INTO meeting_materials (id, meeting_id, title, category)`, 4, nil)
	att := g.batch(`INSERT INTO attendance (meeting_id, member_id, status, method, at)`, 5, &g.st.Attendance)
	self := g.batch(`INSERT INTO selfstudy (material_id, member_id, read_at)`, 3, nil)
	sp := g.batch(`INSERT INTO speeches (id, meeting_id, member_id, kinds, content, created_at, updated_at)`, 7, &g.st.Speeches)
	rev := g.batch(`INSERT INTO reviews (meeting_id, kind, reviewer_id, reviewee_id, rating, comment, created_at)`, 7, nil)
	rect := g.batch(`INSERT INTO rectifications (org_id, meeting_id, source, problem, category, owner_id, measure, deadline, status, created_at, updated_at)`, 11, &g.st.Rectifications)
	reads := g.batch(`INSERT INTO notice_reads (notice_id, org_id, user_id, read_at)`, 4, nil)
	var last string
	for _, u := range units {
		if g.rnd.IntN(10) < 9 {
			if err := reads.add(ctx, nid, u.id, 1, r.Opens.UTC()); err != nil {
				return err
			}
		}
		p := g.rnd.IntN(100)
		if p < 5 || (current && p < 50) {
			continue // not held (or not yet, in the current round)
		}
		held := r.WindowStart.Add(time.Duration(g.rnd.IntN(5*24)) * time.Hour)
		if p < 12 {
			held = r.WindowEnd.Add(time.Duration(24+g.rnd.IntN(10*24)) * time.Hour) // late
		}
		g.st.Meetings++
		mid := int64(g.st.Meetings)
		g.st.Meetings--
		if err := meetings.add(ctx, mid, u.id, r.Key(), held.UTC(), "s", held.UTC(), held.UTC(), now, now); err != nil {
			return err
		}
		matBase := mid * int64(max(g.spec.Materials, 1))
		for k := range g.spec.Materials {
			if err := mats.add(ctx, matBase+int64(k), mid, "学习材料", fmt.Sprint(k%4+1)); err != nil {
				return err
			}
		}
		for _, m := range u.members {
			q := g.rnd.IntN(100)
			if q >= 97 {
				continue // absent, no record
			}
			status := "present"
			if q >= 92 {
				status = "leave"
			}
			if err := att.add(ctx, mid, m, status, "manual", held.UTC()); err != nil {
				return err
			}
			if status != "present" {
				continue
			}
			for k := range g.spec.Materials {
				if g.rnd.IntN(10) < 9 {
					if err := self.add(ctx, matBase+int64(k), m, held.Add(-time.Hour).UTC()); err != nil {
						return err
					}
				}
			}
			text := g.speech()
			if last != "" && g.rnd.IntN(1000) < g.spec.CopyPermille {
				text = last // copied from the previous speaker
			}
			last = text
			g.st.Speeches++
			sid := int64(g.st.Speeches)
			g.st.Speeches--
			if err := sp.add(ctx, sid, mid, m, "reflection", text, held.UTC(), held.UTC()); err != nil {
				return err
			}
		}
		if err := rev.add(ctx, mid, "overall", u.members[0], u.members[1], "好", "总体良好", held.UTC()); err != nil {
			return err
		}
		if g.rnd.IntN(100) < g.spec.ProblemPercent {
			status := "verified"
			if g.rnd.IntN(10) < 2 {
				status = "pending"
			}
			deadline := round.DateOf(held, r.Opens.Location()).AddDays(30).String()
			if err := rect.add(ctx, u.id, mid, "meeting", "会前自学不够深入", "study", u.members[0], "制定自学计划", deadline, status, held.UTC(), held.UTC()); err != nil {
				return err
			}
		}
	}
	for _, b := range []*batch{meetings, mats, att, self, sp, rev, rect, reads} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	return g.commit()
}

// fixSequences moves PostgreSQL's identity sequences past the explicit ids.
func (g *gen) fixSequences(ctx context.Context) error {
	for _, t := range []string{"orgs", "members", "users", "role_assignments", "notices", "meetings", "meeting_materials", "speeches", "reviews", "rectifications"} {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)`, t, t)
		if _, err := g.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sequence %s: %w", t, err)
		}
	}
	return nil
}
