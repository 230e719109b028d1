package study

import (
	"context"
	"os"
	"strings"
	"testing"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
)

// TestUnigramBackfill: migration 0008 derives the one-rune terms of
// materials indexed before it from their bigrams; they must equal what
// indexTerms writes today.
func TestUnigramBackfill(t *testing.T) {
	src, err := os.ReadFile("../db/migrations/0008_study_search.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "INSERT INTO material_terms")
	backfill := string(src)[start : start+strings.Index(string(src)[start:], ";")]
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		title, body := "学习党章ＡＢ", "党章党规，学习ab。章"
		var id int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.Insert(ctx, `INSERT INTO materials (title, published_on, category, body, created_at, updated_at) VALUES (?, '2026-01-01', 'party_rules', ?, ?, ?)`, title, body, tx.Now, tx.Now)
			if err != nil {
				return err
			}
			return writeTerms(ctx, tx, id, title, body)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `DELETE FROM material_terms WHERE (term & 2097151) = 2097151`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, backfill); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		want := indexTerms(title, body)
		rows, err := d.Query(ctx, `SELECT term, hits, in_title FROM material_terms WHERE material_id = ?`, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var tm int64
			var hits, inTitle int
			if err := rows.Scan(&tm, &hits, &inTitle); err != nil {
				t.Fatal(err)
			}
			n++
			if c := want[tm]; c.Hits != hits || c.InTitle != (inTitle == 1) {
				t.Errorf("term %x: hits %d in title %d, want %+v", tm, hits, inTitle, c)
			}
		}
		if n != len(want) {
			t.Errorf("%d index rows after backfill, want %d", n, len(want))
		}
	})
}

// TestDocCountBackfill: migration 0010 derives the document count of every
// term already indexed; it must equal the counts writeTerms keeps.
func TestDocCountBackfill(t *testing.T) {
	src, err := os.ReadFile("../db/migrations/0010_search_docs_question_retire.sql")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(src), "INSERT INTO material_term_docs")
	backfill := string(src)[start : start+strings.Index(string(src)[start:], ";")]
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		texts := [][2]string{{"学习党章", "党章党规，学习。"}, {"党规", "严守纪律"}, {"纪律", "学习纪律，ab"}}
		want := map[int64]int{}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, x := range texts {
				id, err := tx.Insert(ctx, `INSERT INTO materials (title, published_on, category, body, created_at, updated_at) VALUES (?, '2026-01-01', 'party_rules', ?, ?, ?)`, x[0], x[1], tx.Now, tx.Now)
				if err != nil {
					return err
				}
				if err := writeTerms(ctx, tx, id, x[0], x[1]); err != nil {
					return err
				}
				for term := range indexTerms(x[0], x[1]) {
					want[term]++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		kept := docCountsOf(t, d)
		if _, err := d.Exec(ctx, `DELETE FROM material_term_docs`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, backfill); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		got := docCountsOf(t, d)
		if len(got) != len(want) || len(kept) != len(want) {
			t.Fatalf("%d terms backfilled, %d kept, want %d", len(got), len(kept), len(want))
		}
		for term, n := range want {
			if got[term] != n || kept[term] != n {
				t.Errorf("term %x: backfilled %d, kept %d, want %d", term, got[term], kept[term], n)
			}
		}
	})
}

func docCountsOf(t *testing.T, d *db.DB) map[int64]int {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT term, docs FROM material_term_docs`)
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
