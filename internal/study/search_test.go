package study_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/study"
)

// pages collects every page of a search, checking each page's total.
func pages(t *testing.T, w *world, q string, per, wantTotal int, wantAtLeast bool) []int64 {
	t.Helper()
	var out []int64
	for page := 1; page <= 10; page++ {
		res, err := w.s.List(context.Background(), w.member, study.Filter{Query: q, Page: page, PerPage: per})
		if err != nil {
			t.Fatalf("search %q page %d: %v", q, page, err)
		}
		if res.Total != wantTotal || res.AtLeast != wantAtLeast {
			t.Errorf("search %q page %d: total %d (at least: %v), want %d (%v)", q, page, res.Total, res.AtLeast, wantTotal, wantAtLeast)
		}
		if len(res.Items) == 0 {
			break
		}
		out = append(out, ids(res.Items)...)
	}
	return out
}

// TestSearchRankPagesAndCap: title matches come first, then more
// occurrences, then newer; pages join up without gaps or repeats; the
// total stops at the cap and says so.
func TestSearchRankPagesAndCap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// In the title (once each): newest first.
		var want []int64
		for i := 1; i <= 4; i++ {
			want = append(want, w.add(t, w.admin, study.Input{Title: fmt.Sprintf("严明纪律之%d", i), PublishedOn: fmt.Sprintf("2026-0%d-01", i)}))
		}
		slices.Reverse(want)
		// In the body only: more occurrences first.
		var body []int64
		for n := 1; n <= 9; n++ {
			body = append(body, w.add(t, w.admin, study.Input{Title: fmt.Sprintf("材料%d", n), Body: strings.Repeat("遵守纪律，", n)}))
		}
		slices.Reverse(body)
		want = append(want, body...)
		// 纪 and 律 apart: no match.
		w.add(t, w.admin, study.Input{Title: "纪检监察", Body: "规律。"})

		got := pages(t, w, "纪律", 5, 13, false)
		if !slices.Equal(got, want) {
			t.Errorf("pages of 纪律 = %v, want %v", got, want)
		}
		restore := study.SetSearchCap(10)
		defer restore()
		if got := pages(t, w, "纪律", 5, 10, true); !slices.Equal(got, want) {
			t.Errorf("capped pages of 纪律 = %v, want all %v", got, want)
		}
		restore()
		// One character: the unigram key, ranked like any other.
		res, err := w.s.List(context.Background(), w.member, study.Filter{Query: "律", PerPage: 100})
		if err != nil || len(res.Items) != 14 || res.Items[0].ID != want[0] {
			t.Errorf("search 律 = %v (%v), want 14 items led by %d", ids(res.Items), err, want[0])
		}
	})
}

// TestSearchPhrasePages: candidates holding every bigram of a phrase but
// not the phrase rank first (title, many occurrences); the pages must skip
// them all and still be complete, with an exact total.
func TestSearchPhrasePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		for i := range 8 {
			w.add(t, w.admin, study.Input{Title: fmt.Sprintf("学习党员党章%d", i), Body: strings.Repeat("学习党员，党章。", 5)})
		}
		var want []int64
		for i := range 12 {
			want = append(want, w.add(t, w.admin, study.Input{Title: fmt.Sprintf("材料%d", i), PublishedOn: fmt.Sprintf("2025-01-%02d", 12-i), Body: "认真学习党章。"}))
		}
		got := pages(t, w, "学习党章", 5, 12, false)
		if !slices.Equal(got, want) {
			t.Errorf("pages of 学习党章 = %v, want %v", got, want)
		}
		restore := study.SetSearchCap(10)
		defer restore()
		res, err := w.s.List(context.Background(), w.member, study.Filter{Query: "学习党章", Page: 2, PerPage: 5})
		if err != nil || res.Total != 10 || !res.AtLeast || !slices.Equal(ids(res.Items), want[5:10]) {
			t.Errorf("capped page 2 = %v total %d at least %v (%v), want %v, 10, true", ids(res.Items), res.Total, res.AtLeast, err, want[5:10])
		}
	})
}
