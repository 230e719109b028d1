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

// docCounts returns the stored document count of every term, and the one
// counted afresh from the index rows; they must agree.
func docCounts(t *testing.T, d *db.DB) (stored, counted map[int64]int) {
	t.Helper()
	read := func(q string) map[int64]int {
		rows, err := d.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[int64]int{}
		for rows.Next() {
			var term int64
			var n int
			if err := rows.Scan(&term, &n); err != nil {
				t.Fatal(err)
			}
			out[term] = n
		}
		return out
	}
	return read(`SELECT term, docs FROM material_term_docs WHERE docs <> 0`),
		read(`SELECT term, COUNT(*) FROM material_terms GROUP BY term`)
}

// TestSearchDocCountsFollowWrites: the per-term document counts that
// choose a search's rarest key stay exact as materials are added and
// their text changes (terms lost, gained and kept), and a term no
// material holds any more matches nothing.
func TestSearchDocCountsFollowWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		a := w.add(t, w.admin, study.Input{Title: "学习党章", Body: "严守纪律，河湖长制。"})
		w.add(t, w.admin, study.Input{Title: "党章党规", Body: "学习纪律。"})
		check := func(when string) {
			t.Helper()
			stored, counted := docCounts(t, d)
			if fmt.Sprint(stored) != fmt.Sprint(counted) {
				t.Errorf("%s: stored counts %v, counted %v", when, stored, counted)
			}
		}
		check("after create")
		in := study.Input{Title: "学习党章（修订）", Category: string(study.CategorySpeeches), PublishedOn: "2026-01-01", Body: "严守纪律，垃圾分类。"}
		if err := w.s.Update(ctx, w.admin, a, in); err != nil {
			t.Fatal(err)
		}
		check("after update")
		res, err := w.s.List(ctx, w.member, study.Filter{Query: "河湖长制"})
		if err != nil || res.Total != 0 || len(res.Items) != 0 {
			t.Errorf("河湖长制 after it was edited out: %v (%v)", ids(res.Items), err)
		}
		res, err = w.s.List(ctx, w.member, study.Filter{Query: "垃圾分类"})
		if err != nil || !slices.Equal(ids(res.Items), []int64{a}) {
			t.Errorf("垃圾分类 after it was edited in: %v (%v)", ids(res.Items), err)
		}
	})
}

// TestSearchPhraseFolded: a phrase is found as the index folds text:
// letters in either case, full-width letters and digits as half-width;
// a Chinese phrase only as written.
func TestSearchPhraseFolded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		upper := w.add(t, w.admin, study.Input{Title: "材料一", Body: "推进ABC工程建设。"})
		wide := w.add(t, w.admin, study.Input{Title: "材料二", Body: "２０２１年３月，推进ａｂｃ工程。"})
		w.add(t, w.admin, study.Input{Title: "材料三", Body: "推进AB工程，C类建设，2021年、3月。"})
		for q, want := range map[string][]int64{
			"abc工程":   {upper, wide},
			"ＡＢＣ":     {upper, wide},
			"2021年3月": {wide},
			"推进abc":   {upper, wide},
			"工程建设":    {upper},
		} {
			res, err := w.s.List(context.Background(), w.member, study.Filter{Query: q})
			got := ids(res.Items)
			slices.Sort(got)
			if err != nil || !slices.Equal(got, want) || res.Total != len(want) || res.AtLeast {
				t.Errorf("search %q = %v total %d (at least %v, %v), want %v", q, got, res.Total, res.AtLeast, err, want)
			}
		}
	})
}

// TestSearchPhraseCountScan: when the candidates checked for the count
// run out before the cap, the total is what was found, marked "at least";
// the page itself is still complete and every item holds the phrase. The
// decoys (every bigram of the phrase, never the phrase) rank first: more
// occurrences, newer.
func TestSearchPhraseCountScan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var want []int64
		for i := range 40 {
			body, day := "认真学习，党章。"+strings.Repeat("学习党员。", 5), fmt.Sprintf("2025-02-%02d", 1+i)
			if i >= 20 {
				body, day = "认真学习党章。学习党员。", fmt.Sprintf("2025-01-%02d", 1+i-20)
			}
			id := w.add(t, w.admin, study.Input{Title: fmt.Sprintf("材料%d", i), PublishedOn: day, Body: body})
			if i >= 20 {
				want = append(want, id)
			}
		}
		full := pages(t, w, "学习党章", 4, 20, false)
		slices.Sort(full)
		if !slices.Equal(full, want) {
			t.Errorf("all pages of 学习党章 = %v, want %v", full, want)
		}
		restore := study.SetCountScan(12)
		defer restore()
		res, err := w.s.List(context.Background(), w.member, study.Filter{Query: "学习党章", PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		// Newest first among equals: the last two added.
		if got := ids(res.Items); !slices.Equal(got, []int64{want[19], want[18]}) {
			t.Errorf("first page = %v, want %v", got, []int64{want[19], want[18]})
		}
		if !res.AtLeast || res.Total < 2 || res.Total >= 20 {
			t.Errorf("total with 12 candidates checked = %d (at least %v), want a lower bound under 20", res.Total, res.AtLeast)
		}
	})
}
