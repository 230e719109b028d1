package study

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// A search runs in steps whose cost does not grow with the whole library:
//
//  1. the query's keys are ordered rarest first, by counting each key's
//     index rows up to probeCap (a phrase keeps only its rarest bigrams:
//     the substring check implies the rest);
//  2. the rarest key's rows drive the match: every other key is probed per
//     candidate by the (term, material_id) primary key, and the date and
//     scope come from the narrow materials_search index, never the body;
//  3. only the ids of one page are ranked out of SQL; their full rows (and
//     the reader's "read" flag) are loaded afterwards;
//  4. phrases (segments of three or more characters) are checked as
//     substrings only on ranked candidates, a batch at a time, until the
//     page is full;
//  5. the total is counted only up to SearchCap (PhraseCap with a phrase).

// SearchCap bounds the counted total of a search: nobody pages through a
// thousand hits, and counting them all would cost as much as the search.
const SearchCap = 1000

// PhraseCap bounds the counted total of a search with a phrase (three or
// more characters): counting one more match there means reading a body,
// so the count stops sooner ("200+").
const PhraseCap = 200

// searchCap and phraseCap are SearchCap and PhraseCap, lowered by tests.
var searchCap, phraseCap = SearchCap, PhraseCap

// probeCap bounds how many index rows are counted to rank a key's rarity:
// beyond it a key is "common" and the order among common keys matters
// little, since the rarest one drives the match.
const probeCap = 1000

// ranked is one candidate: its id and score.
type ranked struct {
	id    int64
	score int64
}

func (s *Service) search(ctx context.Context, p *auth.Principal, f Filter, pq parsedQuery) (Result, error) {
	res := Result{Items: []Material{}, Page: f.Page}
	keys, err := s.pickKeys(ctx, pq)
	if err != nil || keys == nil {
		return res, err
	}
	m := s.matcher(p, f, keys, pq.phrases)
	offset := (f.Page - 1) * f.PerPage
	var page []ranked
	total := -1 // unknown until counted
	if len(pq.phrases) == 0 {
		page, err = m.rank(ctx, s.DB, f.PerPage, offset)
		if len(page) < f.PerPage && (len(page) > 0 || offset == 0) {
			total = offset + len(page) // the last page: nothing more to count
		}
	} else {
		page, total, err = m.rankPhrases(ctx, s.DB, f.PerPage, offset)
	}
	if err != nil {
		return res, err
	}
	limit := searchCap
	if len(pq.phrases) > 0 {
		limit = phraseCap
	}
	if total >= 0 {
		res.Total = min(total, limit)
		res.AtLeast = total > limit
	} else if res.Total, res.AtLeast, err = m.count(ctx, s.DB, limit); err != nil {
		return res, err
	}
	res.Pages = (res.Total + f.PerPage - 1) / f.PerPage
	if res.Items, err = s.rows(ctx, p, page); err != nil {
		return res, err
	}
	return res, s.fillTags(ctx, res.Items)
}

// phraseProbes is how many of a phrase's bigrams the match probes (its
// rarest): the substring check implies the others, and each probe costs a
// lookup per candidate.
const phraseProbes = 2

// pickKeys chooses the keys to match and orders them rarest first, by how
// many materials hold them (counted up to probeCap, in one round trip).
// Every key of a one- or two-rune segment is kept, and the rarest
// phraseProbes bigrams of each phrase. nil: some key occurs nowhere, so
// nothing can match.
func (s *Service) pickKeys(ctx context.Context, pq parsedQuery) ([]int64, error) {
	probes := make([]string, len(pq.keys))
	args := make([]any, len(pq.keys))
	for i, k := range pq.keys {
		probes[i] = fmt.Sprintf(`(SELECT COUNT(*) FROM (SELECT 1 FROM material_terms WHERE term = ? LIMIT %d) k%d)`, probeCap, i)
		args[i] = k
	}
	counts := make([]int64, len(pq.keys))
	dest := make([]any, len(pq.keys))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := s.DB.QueryRow(ctx, `SELECT `+strings.Join(probes, ", "), args...).Scan(dest...); err != nil {
		return nil, errs.Wrap(err, "search probe")
	}
	df := map[int64]int64{}
	for i, k := range pq.keys {
		if counts[i] == 0 {
			return nil, nil
		}
		df[k] = counts[i]
	}
	rarer := func(a, b int64) int { return cmp.Compare(df[a], df[b]) }
	var keys []int64
	for k := range pq.needed {
		keys = append(keys, k)
	}
	for _, pk := range pq.phraseKeys {
		pk = slices.Clone(pk)
		slices.SortStableFunc(pk, rarer)
		for _, k := range pk[:min(phraseProbes, len(pk))] {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys) // deterministic among equals
	slices.SortStableFunc(keys, rarer)
	return keys, nil
}

// matcher holds the SQL matching a query for one reader and filter.
type matcher struct {
	from     string // FROM … WHERE …, without the phrase check
	args     []any
	score    string // ORDER BY of the rank
	phrase   string // " AND (…)" checking every phrase, "" if none
	phArgs   []any
	selectID string
}

// matcher builds the join driven by the rarest key. CROSS JOIN fixes the
// join order on SQLite (its planner has no statistics to find the rarest
// key itself); PostgreSQL reads it as a plain inner join.
func (s *Service) matcher(p *auth.Principal, f Filter, keys []int64, phrases []string) *matcher {
	var from, conds, title, hits []string
	var args []any
	for i, k := range keys {
		t := fmt.Sprintf("t%d", i)
		from = append(from, "material_terms "+t)
		conds = append(conds, t+".term = ?")
		args = append(args, k)
		if i > 0 {
			conds = append(conds, t+".material_id = t0.material_id")
		}
		title = append(title, t+".in_title")
		hits = append(hits, t+".hits")
	}
	mat := "materials m"
	if s.DB.Dialect == db.SQLite {
		// Without statistics SQLite prefers the rowid lookup, which loads
		// the whole row with its body; PostgreSQL picks by itself.
		mat += " INDEXED BY materials_search"
	}
	from = append(from, mat)
	conds = append(conds, "m.id = t0.material_id")
	cond, wargs := where(p, f)
	m := &matcher{
		from: ` FROM ` + strings.Join(from, " CROSS JOIN ") + ` LEFT JOIN orgs o ON o.id = m.org_id
			WHERE ` + strings.Join(conds, " AND ") + ` AND ` + cond,
		args: append(args, wargs...),
		// Title holds every key first, then the number of occurrences,
		// then the newest.
		score:    fmt.Sprintf(`CASE WHEN %s = %d THEN 1 ELSE 0 END DESC, %s DESC, m.published_on DESC, m.id DESC`, strings.Join(title, " + "), len(keys), strings.Join(hits, " + ")),
		selectID: `SELECT m.id, ` + strings.Join(hits, " + "),
	}
	for _, ph := range phrases {
		cond, arg := s.holds(ph)
		m.phrase += fmt.Sprintf(" AND (%s OR %s)", fmt.Sprintf(cond, "m.title"), fmt.Sprintf(cond, "m.body"))
		m.phArgs = append(m.phArgs, arg, arg)
	}
	return m
}

// holds is the condition (a format with %s for the column) that a column
// holds the (folded) phrase, with its argument. A phrase with letters is
// matched ignoring case, as it was typed in any case; one without (Chinese,
// digits) by a plain substring search, several times faster than LIKE,
// whose pattern matcher walks the text character by character.
func (s *Service) holds(ph string) (string, string) {
	cased := strings.ContainsFunc(ph, func(r rune) bool { return unicode.ToUpper(r) != r })
	switch {
	case cased && s.DB.Dialect == db.Postgres:
		return "%s ILIKE ?", "%" + ph + "%"
	case cased:
		return "%s LIKE ?", "%" + ph + "%" // SQLite's LIKE ignores ASCII case
	case s.DB.Dialect == db.Postgres:
		return "strpos(%s, ?) > 0", ph
	default:
		return "instr(%s, ?) > 0", ph
	}
}

// rank returns ranked candidates [offset, offset+limit) by the index
// alone (phrases unchecked).
func (m *matcher) rank(ctx context.Context, q db.Querier, limit, offset int) ([]ranked, error) {
	rows, err := q.Query(ctx, m.selectID+m.from+` ORDER BY `+m.score+` LIMIT ? OFFSET ?`, append(slices.Clone(m.args), limit, offset)...)
	if err != nil {
		return nil, errs.Wrap(err, "search rank")
	}
	defer rows.Close()
	var out []ranked
	for rows.Next() {
		var r ranked
		if err := rows.Scan(&r.id, &r.score); err != nil {
			return nil, errs.Wrap(err, "search rank")
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "search rank")
}

// rankPhrases pages through ranked candidates, keeping those that hold
// every phrase, until [offset, offset+limit) of them are found. Each rank
// query costs the whole candidate set, so batches are sized from the share
// of candidates that held the phrase so far: a phrase that most
// candidates hold costs one batch, a rare one two or three. total is the
// number of matches when every candidate was checked on the way, else -1.
func (m *matcher) rankPhrases(ctx context.Context, q db.Querier, limit, offset int) (page []ranked, total int, err error) {
	want := offset + limit
	var kept []ranked
	total = -1
	batch := 2*want + 20
	for from := 0; len(kept) < want; {
		cands, err := m.rank(ctx, q, batch, from)
		if err != nil {
			return nil, 0, err
		}
		ok, err := m.holdPhrases(ctx, q, cands)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range cands {
			if ok[c.id] {
				kept = append(kept, c)
			}
		}
		from += len(cands)
		if len(cands) < batch {
			total = len(kept)
			break
		}
		// Enough for the rows still missing at the share seen so far
		// (at least doubling), with half again to spare.
		share := float64(len(kept)+1) / float64(from)
		batch = max(2*from, int(float64(want-len(kept))/share*1.5))
	}
	if offset >= len(kept) {
		return nil, total, nil
	}
	return kept[offset:min(want, len(kept))], total, nil
}

// holdPhrases reports which candidates hold every phrase in title or body.
func (m *matcher) holdPhrases(ctx context.Context, q db.Querier, cands []ranked) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(cands) == 0 {
		return out, nil
	}
	ph := make([]string, len(cands))
	args := make([]any, len(cands))
	for i, c := range cands {
		ph[i], args[i] = "?", c.id
	}
	rows, err := q.Query(ctx, `SELECT m.id FROM materials m WHERE m.id IN (`+strings.Join(ph, ",")+`)`+m.phrase, append(args, m.phArgs...)...)
	if err != nil {
		return nil, errs.Wrap(err, "search phrase")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Wrap(err, "search phrase")
		}
		out[id] = true
	}
	return out, errs.Wrap(rows.Err(), "search phrase")
}

// countScan bounds how many candidates the count of a phrase search
// checks: each check reads a body. If they run out before the cap is
// reached, the total is only a lower bound.
const countScan = 600

// count counts the matches up to limit; atLeast reports that there may be
// more. With phrases, at most countScan candidates are checked.
func (m *matcher) count(ctx context.Context, q db.Querier, limit int) (n int, atLeast bool, err error) {
	if m.phrase == "" {
		err = q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+m.from+fmt.Sprintf(` LIMIT %d) c`, limit+1), m.args...).Scan(&n)
		if err != nil {
			return 0, false, errs.Wrap(err, "search count")
		}
		return min(n, limit), n > limit, nil
	}
	var scanned int
	err = q.QueryRow(ctx, `SELECT COALESCE(SUM(ok), 0), COUNT(*) FROM (SELECT CASE WHEN 1 = 1`+m.phrase+` THEN 1 ELSE 0 END AS ok`+m.from+fmt.Sprintf(` LIMIT %d) c`, countScan),
		append(slices.Clone(m.phArgs), m.args...)...).Scan(&n, &scanned)
	if err != nil {
		return 0, false, errs.Wrap(err, "search count")
	}
	return min(n, limit), n > limit || scanned == countScan, nil
}

// rows loads the list rows of a ranked page, in rank order.
func (s *Service) rows(ctx context.Context, p *auth.Principal, page []ranked) ([]Material, error) {
	items := make([]Material, len(page))
	if len(page) == 0 {
		return items, nil
	}
	at := map[int64]int{}
	ph := make([]string, len(page))
	args := []any{p.MemberID}
	for i, r := range page {
		at[r.id], ph[i] = i, "?"
		args = append(args, r.id)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+listCols+` FROM materials m LEFT JOIN orgs o ON o.id = m.org_id
		WHERE m.id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "search rows")
	}
	defer rows.Close()
	for rows.Next() {
		var m Material
		if err := rows.Scan(&m.ID, &m.Title, &m.Source, &m.PublishedOn, &m.Category, &m.OrgID, &m.OrgName, &m.Read); err != nil {
			return nil, errs.Wrap(err, "search rows")
		}
		i := at[m.ID]
		m.CatLabel, m.Score, m.Tags = m.Category.Label(), int(page[i].score), []string{}
		items[i] = m
	}
	return items, errs.Wrap(rows.Err(), "search rows")
}
