package study

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
)

func TestScratchSteps(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, os.TempDir()+"/xuejiangping-study-bench-v3.db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s := NewService(d, nil)
	p := &auth.Principal{UserID: 1, MemberID: 1, MemberOrgPath: "/1/2/", Grants: []auth.Grant{{Role: auth.Member, OrgPath: "/1/2/"}}}
	for _, q := range []string{"全面从严治党", "切实把学习成果转化为工作成效", "党章学习", "河湖长制", "学习", "党"} {
		for rep := 0; rep < 2; rep++ {
			pq := parseQuery(q)
			t0 := time.Now()
			keys, _ := s.pickKeys(ctx, pq)
			t1 := time.Now()
			m := s.matcher(p, Filter{}, keys, pq.phrases)
			page, _ := m.rank(ctx, d, 40, 0)
			t2 := time.Now()
			ok, _ := m.holdPhrases(ctx, d, page)
			t3 := time.Now()
			n, _, _ := m.count(ctx, d)
			t4 := time.Now()
			var cands int
			d.QueryRow(ctx, `SELECT COUNT(*)`+m.from, m.args...).Scan(&cands)
			fmt.Printf("%s: probe %v rank %v phrase %v (%d ok) count %v (%d) cands %d\n", q, t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), len(ok), t4.Sub(t3), n, cands)
		}
	}
}
