package web_test

// The district budget "every page p95 ≤ 50 ms" checked page by page: with
// the district-scale data (≈1,000 units, 12,000 members, 48 rounds; see
// cycle_bench_test.go) on SQLite, every page a person opens from the menu
// is fetched through the whole handler chain as the role that uses it,
// and each sub-benchmark reports p50/p95 in ms.
//
//	go test -run='^$' -bench=Pages -benchtime=40x ./internal/web/

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkPages(b *testing.B) {
	a := openDistrict(b)
	meetingID, roundKey := benchIDs(b, a)
	var root, memberID int64
	ctx := context.Background()
	if err := a.DB.QueryRow(ctx, `SELECT id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&root); err != nil {
		b.Fatal(err)
	}
	if err := a.DB.QueryRow(ctx, `SELECT member_id FROM users WHERE username = 'benchmember'`).Scan(&memberID); err != nil {
		b.Fatal(err)
	}
	pages := []struct{ user, path string }{
		{"admin", "/"},
		{"admin", "/orgs"},
		{"admin", fmt.Sprintf("/orgs/%d", root)},
		{"admin", fmt.Sprintf("/members/%d", memberID)},
		{"admin", "/rounds"},
		{"admin", "/rounds/" + roundKey},
		{"admin", "/notices"},
		{"admin", "/postponements"},
		{"admin", "/rectifications"},
		{"admin", "/training"},
		{"admin", "/library"},
		{"admin", "/questions"},
		{"admin", "/exams"},
		{"admin", "/contests"},
		{"admin", "/feedback/all"},
		{"admin", "/roles"},
		{"zhuanban", "/supervise"},
		{"zhuanban", "/supervise/dashboard"},
		{"zhuanban", "/supervise/calendar"},
		{"zhuanban", "/supervise/standups"},
		{"zhuanban", "/supervise/weekly"},
		{"zhuanban", "/supervise/observations"},
		{"zhuanban", "/supervise/bulletins"},
		{"zhuanban", "/supervise/briefs"},
		{"zhuanban", "/sitins"},
		{"benchmember", "/"},
		{"benchmember", fmt.Sprintf("/meetings/%d", meetingID)},
		{"benchmember", fmt.Sprintf("/meetings/%d/minutes", meetingID)},
		{"benchmember", "/library"},
		{"benchmember", "/practice"},
		{"benchmember", "/practice/wrongbook"},
		{"benchmember", "/rectifications"},
		{"benchmember", "/exemplars"},
		{"benchmember", "/points"},
		{"benchmember", "/notices"},
	}
	for _, p := range pages {
		b.Run(p.user+p.path, func(b *testing.B) { benchGet(b, a, p.user, p.path) })
	}
}

// BenchmarkSimilarPage is the near-duplicate speech page for a round at
// district scale (kept apart from the sweep: on the generator's templated
// speeches it takes tens of seconds, see the closing note).
//
//	go test -run='^$' -bench=SimilarPage -benchtime=3x ./internal/web/
func BenchmarkSimilarPage(b *testing.B) {
	a := openDistrict(b)
	benchGet(b, a, "zhuanban", "/supervise/similar")
}
