package study

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// termBatch rows go in one INSERT: far fewer round trips than one per
// row, well under either engine's parameter limit.
const termBatch = 250

// writeTerms indexes a new material's title and body.
func writeTerms(ctx context.Context, tx *db.Tx, id int64, title, body string) error {
	terms := indexTerms(title, body)
	if err := insertTerms(ctx, tx, id, terms); err != nil {
		return err
	}
	delta := make(map[int64]int, len(terms))
	for t := range terms {
		delta[t] = 1
	}
	return addDocs(ctx, tx, delta)
}

// rewriteTerms replaces the index of a changed material, moving the
// document counts of the terms it lost and gained.
func rewriteTerms(ctx context.Context, tx *db.Tx, id int64, title, body string) error {
	terms := indexTerms(title, body)
	delta := make(map[int64]int, len(terms))
	for t := range terms {
		delta[t] = 1
	}
	rows, err := tx.Query(ctx, `SELECT term FROM material_terms WHERE material_id = ?`, id)
	if err != nil {
		return errs.Wrap(err, "material terms")
	}
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return errs.Wrap(err, "material terms")
		}
		delta[t]--
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "material terms")
	}
	if _, err := tx.Exec(ctx, `DELETE FROM material_terms WHERE material_id = ?`, id); err != nil {
		return errs.Wrap(err, "material terms")
	}
	if err := insertTerms(ctx, tx, id, terms); err != nil {
		return err
	}
	return addDocs(ctx, tx, delta)
}

// insertTerms writes a material's index rows.
func insertTerms(ctx context.Context, tx *db.Tx, id int64, terms map[int64]termCount) error {
	args := make([]any, 0, termBatch*4)
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		q := `INSERT INTO material_terms (term, material_id, hits, in_title) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?),", len(args)/4), ",")
		_, err := tx.Exec(ctx, q, args...)
		args = args[:0]
		return errs.Wrap(err, "material terms")
	}
	for t, c := range terms {
		in := 0
		if c.InTitle {
			in = 1
		}
		args = append(args, t, id, c.Hits, in)
		if len(args) == termBatch*4 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// addDocs adds delta[t] to the document count of each term t. Terms go
// in key order: two writers on PostgreSQL then lock the shared counters in
// the same order and cannot deadlock.
func addDocs(ctx context.Context, tx *db.Tx, delta map[int64]int) error {
	type change struct {
		term int64
		by   int
	}
	var cs []change
	for t, by := range delta {
		if by != 0 {
			cs = append(cs, change{t, by})
		}
	}
	slices.SortFunc(cs, func(a, b change) int { return cmp.Compare(a.term, b.term) })
	for len(cs) > 0 {
		n := min(len(cs), termBatch)
		args := make([]any, 0, 2*n)
		for _, c := range cs[:n] {
			args = append(args, c.term, c.by)
		}
		_, err := tx.Exec(ctx, `INSERT INTO material_term_docs (term, docs) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?),", n), ",")+
			` ON CONFLICT (term) DO UPDATE SET docs = material_term_docs.docs + excluded.docs`, args...)
		if err != nil {
			return errs.Wrap(err, "material term counts")
		}
		cs = cs[n:]
	}
	return nil
}
