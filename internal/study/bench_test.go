package study

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/org"
)

// benchVersion names the cached benchmark library: bump it whenever the
// generator or the index format changes, so a stale file is never reused.
const benchVersion = 4

const benchMaterials = 20000

// benchLibrary opens the generated 20,000-material library, building it
// once into os.TempDir (a few minutes the first time) and reusing it
// across runs: the searches only read it.
func benchLibrary(b *testing.B) *db.DB {
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("xuejiangping-study-bench-v%d.db", benchVersion))
	if _, err := os.Stat(path); err != nil {
		t0 := time.Now()
		tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
		if err := buildBenchLibrary(ctx, tmp, benchMaterials); err != nil {
			os.Remove(tmp)
			b.Fatalf("build bench library: %v", err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %s", path, time.Since(t0).Round(time.Second))
	}
	d, err := db.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return d
}

// buildBenchLibrary writes n generated materials and their index. The
// index rows are the ones writeTerms stores, but inserted in key order
// with the secondary indexes built and the document counts taken
// afterwards: random-order inserts into millions of rows would take many
// minutes.
func buildBenchLibrary(ctx context.Context, path string, n int) error {
	d, err := db.Open(ctx, path)
	if err != nil {
		return err
	}
	defer d.Close()
	var branches []int64
	err = d.InTx(ctx, func(tx *db.Tx) error {
		root, err := org.CreateRoot(ctx, tx, "区")
		for i := range 10 {
			if err != nil {
				return err
			}
			var id int64
			id, err = org.InsertChild(ctx, tx, root, fmt.Sprintf("第%d支部", i+1), org.Branch, i)
			branches = append(branches, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	type row struct {
		term  int64
		id    uint32
		hits  uint16
		title bool
	}
	var index []row
	cats := Categories()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for id := 1; id <= n; id++ {
			title, body := genMaterial(r, 200+r.IntN(1200))
			day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(2600)).Format("2006-01-02")
			cat, orgID := cats[r.IntN(3)], any(nil)
			if r.IntN(10) == 0 { // a unit's own business policy
				cat, orgID = CategoryPolicy, branches[r.IntN(len(branches))]
			}
			_, err := tx.Exec(ctx, `INSERT INTO materials (id, title, source, published_on, category, body, org_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, title, genAgencies[r.IntN(len(genAgencies))], day, string(cat), body, orgID, tx.Now, tx.Now)
			if err != nil {
				return err
			}
			for t, c := range indexTerms(title, body) {
				index = append(index, row{t, uint32(id), uint16(min(c.Hits, 65535)), c.InTitle})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(index, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.term, b.term), cmp.Compare(a.id, b.id))
	})
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, ix := range []string{"material_terms_material", "material_terms_rank"} {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+ix); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const per = 200
	ins, err := tx.PrepareContext(ctx, `INSERT INTO material_terms (term, material_id, hits, in_title) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", per), ","))
	if err != nil {
		return err
	}
	args := make([]any, 0, per*4)
	for i, x := range index {
		args = append(args, x.term, x.id, x.hits, x.title)
		if len(args) == per*4 || i == len(index)-1 {
			if len(args) < per*4 { // the tail, one row at a time
				for j := 0; j < len(args); j += 4 {
					if _, err := tx.ExecContext(ctx, `INSERT INTO material_terms (term, material_id, hits, in_title) VALUES (?, ?, ?, ?)`, args[j:j+4]...); err != nil {
						return err
					}
				}
			} else if _, err := ins.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	for _, q := range []string{
		`CREATE INDEX material_terms_material ON material_terms(material_id)`,
		`CREATE INDEX material_terms_rank ON material_terms(term, in_title, hits)`,
		`INSERT INTO material_term_docs (term, docs) SELECT term, COUNT(*) FROM material_terms GROUP BY term`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// benchQuery is one search of the mix, with its class.
type benchQuery struct{ class, q string }

// benchQueries are the mix: very common two-character words, medium
// subject phrases, rare place names (taken from the library itself), one
// character, uncommon two-character words, long phrases and misses.
func benchQueries(b *testing.B, d *db.DB) []benchQuery {
	qs := []benchQuery{
		{"common", "学习"}, {"common", "纪律"}, {"common", "党章"}, {"common", "建设"}, {"common", "发展"},
		{"medium", "河湖长制"}, {"medium", "根治欠薪"}, {"medium", "托育服务"}, {"medium", "区人社局"}, {"medium", "2021年3月"},
		{"one-char", "党"}, {"one-char", "纪"}, {"one-char", "桥"}, {"one-char", "欠"},
		{"two-char", "医保"}, {"two-char", "信访"}, {"two-char", "垃圾"}, {"two-char", "柳林"},
		{"long", "全面从严治党"}, {"long", "中央八项规定精神"}, {"long", "深入学习党的二十大精神"}, {"long", "切实把学习成果转化为工作成效"}, {"long", "党章学习"},
		{"none", "量子计算机"}, {"none", "不存在的词语"}, {"none", "区块链"},
	}
	// Rare: names that occur in a handful of materials.
	name := regexp.MustCompile(`[` + string(genChars) + `]{3,4}(社区|街道|小区|工业园|中学|幼儿园|医院|项目)`)
	for _, id := range []int{333, 4444, 9876, 15555} {
		var body string
		if err := d.QueryRow(context.Background(), `SELECT body FROM materials WHERE id >= ? AND org_id IS NULL ORDER BY id LIMIT 1`, id).Scan(&body); err != nil {
			b.Fatal(err)
		}
		if m := name.FindString(body); m != "" {
			qs = append(qs, benchQuery{"rare", m})
		}
	}
	return qs
}

// BenchmarkLibrarySearch searches 20,000 generated materials on SQLite as
// a member (a tenth of the materials belong to units, most not theirs) and
// reports the 50th, 95th and 99th percentile of one search (one page of
// results with its total), overall and per class of query. The mix is
// cycled through once untimed first: a running server's file is warm.
func BenchmarkLibrarySearch(b *testing.B) {
	ctx := context.Background()
	d := benchLibrary(b)
	var branch string
	if err := d.QueryRow(ctx, `SELECT path FROM orgs WHERE name = '第1支部'`).Scan(&branch); err != nil {
		b.Fatal(err)
	}
	s := NewService(d, nil)
	p := &auth.Principal{UserID: 1, MemberID: 1, MemberOrgPath: branch, Grants: []auth.Grant{{Role: auth.Member, OrgPath: branch}}}
	qs := benchQueries(b, d)
	matches := map[string]string{}
	for _, q := range qs {
		res, err := s.List(ctx, p, Filter{Query: q.q})
		if err != nil {
			b.Fatal(err)
		}
		matches[q.q] = fmt.Sprint(res.Total)
		if res.AtLeast {
			matches[q.q] += "+"
		}
	}
	byClass := map[string][]time.Duration{}
	var all []time.Duration
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		t := time.Now()
		if _, err := s.List(ctx, p, Filter{Query: q.q}); err != nil {
			b.Fatal(err)
		}
		dt := time.Since(t)
		byClass[q.class] = append(byClass[q.class], dt)
		all = append(all, dt)
	}
	b.StopTimer()
	report := func(name string, ds []time.Duration) (p50, p95, p99 float64) {
		slices.Sort(ds)
		pct := func(f float64) float64 { return float64(ds[int(f*float64(len(ds)-1))].Microseconds()) / 1000 }
		return pct(0.5), pct(0.95), pct(0.99)
	}
	p50, p95, p99 := report("all", all)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(p99, "p99-ms")
	var lines []string
	for _, c := range []string{"common", "medium", "rare", "one-char", "two-char", "long", "none"} {
		var hits []string
		for _, q := range qs {
			if q.class == c {
				hits = append(hits, q.q+"="+matches[q.q])
			}
		}
		if ds := byClass[c]; len(ds) > 0 {
			a, b, c2 := report(c, ds)
			lines = append(lines, fmt.Sprintf("%-8s n=%-4d p50 %6.1f  p95 %6.1f  p99 %6.1f ms   %s", c, len(ds), a, b, c2, strings.Join(hits, " ")))
		}
	}
	lines = append(lines, fmt.Sprintf("%-8s n=%-4d p50 %6.1f  p95 %6.1f  p99 %6.1f ms", "all", len(all), p50, p95, p99))
	b.Log("\n" + strings.Join(lines, "\n"))
}

// TestSearchQueryPlan guards the search's cost on SQLite: the rarest key
// drives the match, the other keys are probed per candidate by the
// material_terms primary key, and materials are read through the narrow
// covering index, never scanned nor loaded whole. A one-segment query
// reads its driving key best first, sorting only the ties on the date.
func TestSearchQueryPlan(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p := &auth.Principal{UserID: 1, MemberID: 1, MemberOrgPath: "/1/2/", Grants: []auth.Grant{{Role: auth.Member, OrgPath: "/1/2/"}}}
	keys := []int64{term('党', '章'), term('章', '程'), unigram('党')}
	for _, byDriver := range []bool{false, true} {
		m := NewService(d, nil).matcher(p, Filter{}, keys, nil, byDriver)
		plan := queryPlan(t, d, m.selectID+m.from+` ORDER BY `+m.score+` LIMIT 20`, m.args)
		fail := func(format string, args ...any) {
			t.Errorf("by driver %v: %s:\n%s", byDriver, fmt.Sprintf(format, args...), plan)
		}
		step := map[string]string{}
		for _, line := range strings.Split(plan, "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "SEARCH" {
				step[f[1]] = line
			}
		}
		if !strings.HasSuffix(step["t0"], "(term=?)") {
			fail("t0 is not read by its key")
		}
		if driver := "SEARCH t0 USING COVERING INDEX material_terms_rank (term=?)"; byDriver && step["t0"] != driver {
			fail("t0 is %q, want %q", step["t0"], driver)
		}
		for _, probe := range []string{"t1", "t2"} {
			if want := "SEARCH " + probe + " USING PRIMARY KEY (term=? AND material_id=?)"; step[probe] != want {
				fail("%s is %q, want %q", probe, step[probe], want)
			}
		}
		if want := "SEARCH m USING COVERING INDEX materials_search (id=?)"; step["m"] != want {
			fail("m is %q, want %q", step["m"], want)
		}
		if strings.Contains(plan, "SCAN") {
			fail("a table is scanned")
		}
		// Sorting every candidate is what a one-segment query avoids.
		if sortsAll := strings.Contains(plan, "USE TEMP B-TREE FOR ORDER BY"); sortsAll == byDriver {
			fail("sorts every candidate: %v", sortsAll)
		}
	}
}

// queryPlan is SQLite's plan of q, one step a line.
func queryPlan(t *testing.T, d *db.DB, q string, args []any) string {
	t.Helper()
	rows, err := d.Query(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "\n")
}
