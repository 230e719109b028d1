package study

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// A search runs in steps whose cost does not grow with the whole library:
//
//  1. the query's keys are ordered rarest first, by their exact document
//     counts (material_term_docs); a phrase keeps only its rarest bigrams:
//     the substring check implies the rest;
//  2. the rarest key's rows drive the match: every other key is probed per
//     candidate by the (term, material_id) primary key, and the date and
//     scope come from the narrow materials_search index, never the body;
//  3. a query of one segment (a word or a phrase) ranks by its rarest key
//     alone, so its rows are read best first from material_terms_rank and
//     the read stops after a page; several segments rank by the sum of
//     their keys, which needs every candidate;
//  4. only the ids of one page are ranked out of SQL; their full rows (and
//     the reader's "read" flag) are loaded afterwards;
//  5. phrases (segments of three or more characters) are checked as
//     substrings only on ranked candidates, a batch at a time, until the
//     page is full;
//  6. the total is counted only up to SearchCap (PhraseCap with a phrase).

// SearchCap bounds the counted total of a search: nobody pages through a
// thousand hits, and counting them all would cost as much as the search.
const SearchCap = 1000

// PhraseCap bounds the counted total of a search with a phrase (three or
// more characters): counting one more match there means reading a body,
// so the count stops sooner ("200+").
const PhraseCap = 200

// searchCap and phraseCap are SearchCap and PhraseCap, lowered by tests.
var searchCap, phraseCap = SearchCap, PhraseCap

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
	m := s.matcher(p, f, keys, pq.phrases, pq.segments == 1)
	offset := (f.Page - 1) * f.PerPage
	var page []ranked
	if len(pq.phrases) > 0 {
		page, res.Total, res.AtLeast, err = m.rankPhrases(ctx, s.DB, f.PerPage, offset)
		if err != nil {
			return res, err
		}
	} else {
		if page, err = m.rank(ctx, s.DB, f.PerPage, offset); err != nil {
			return res, err
		}
		if len(page) < f.PerPage && (len(page) > 0 || offset == 0) {
			// The last page: nothing more to count.
			res.Total = min(offset+len(page), searchCap)
			res.AtLeast = offset+len(page) > searchCap
		} else if res.Total, res.AtLeast, err = m.count(ctx, s.DB, searchCap); err != nil {
			return res, err
		}
	}
	res.Pages = (res.Total + f.PerPage - 1) / f.PerPage
	if res.Items, err = s.rows(ctx, p, page); err != nil {
		return res, err
	}
	return res, s.fillTags(ctx, res.Items)
}

// phraseProbes is how many of a phrase's bigrams the match probes (its
// rarest): the substring check implies the others, and each probe costs a
// lookup per candidate, far less than reading a candidate's body.
const phraseProbes = 3

// pickKeys chooses the keys to match and orders them rarest first, by how
// many materials hold them. Every key of a one- or two-rune segment is
// kept, and the rarest phraseProbes bigrams of each phrase. nil: some key
// occurs nowhere, so nothing can match.
func (s *Service) pickKeys(ctx context.Context, pq parsedQuery) ([]int64, error) {
	df, err := s.docCounts(ctx, pq.keys)
	if err != nil {
		return nil, err
	}
	for _, k := range pq.keys {
		if df[k] <= 0 {
			return nil, nil
		}
	}
	rarer := func(a, b int64) int { return cmp.Compare(df[a], df[b]) }
	var keys []int64
	for k := range pq.needed {
		keys = append(keys, k)
	}
	for _, pk := range pq.phraseKeys {
		pk = slices.Clone(pk)
		slices.Sort(pk) // deterministic among equals
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

// docCounts reads how many materials hold each key.
func (s *Service) docCounts(ctx context.Context, keys []int64) (map[int64]int64, error) {
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := s.DB.Query(ctx, `SELECT term, docs FROM material_term_docs WHERE term IN (`+strings.TrimSuffix(strings.Repeat("?,", len(keys)), ",")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "search counts")
	}
	defer rows.Close()
	df := make(map[int64]int64, len(keys))
	for rows.Next() {
		var k, n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, errs.Wrap(err, "search counts")
		}
		df[k] = n
	}
	return df, errs.Wrap(rows.Err(), "search counts")
}

// matcher holds the SQL matching a query for one reader and filter, and
// the phrases its candidates must hold.
type matcher struct {
	from     string // FROM … WHERE …: the candidates
	args     []any
	score    string // ORDER BY of the rank
	selectID string
	phrases  []string // folded, as in the index
}

// termsPrimaryKey is SQLite's name for the primary key index of
// material_terms, a WITHOUT ROWID table: (term, material_id).
const termsPrimaryKey = "sqlite_autoindex_material_terms_1"

// matcher builds the join driven by the rarest key. CROSS JOIN fixes the
// join order on SQLite (its planner has no statistics to find the rarest
// key itself); PostgreSQL reads it as a plain inner join. byDriver ranks
// by the driving key alone (a query of one segment): its rows then come
// best first from material_terms_rank, and only ties on the date are
// sorted, a group at a time, so a page costs a page and not the key's
// every row.
func (s *Service) matcher(p *auth.Principal, f Filter, keys []int64, phrases []string, byDriver bool) *matcher {
	var from, conds, title, hits []string
	var args []any
	for i, k := range keys {
		t := fmt.Sprintf("t%d", i)
		conds = append(conds, t+".term = ?")
		args = append(args, k)
		if i == 0 {
			from = append(from, "material_terms t0")
		} else {
			// A probe goes through the primary key, where one term's rows
			// lie together in a few pages, and not through the narrower
			// material_id index that SQLite would take, where they lie
			// scattered across the file and every probe reads a page.
			from = append(from, "material_terms "+t+s.DB.IndexedBy(termsPrimaryKey))
			conds = append(conds, t+".material_id = t0.material_id")
		}
		title = append(title, t+".in_title")
		hits = append(hits, t+".hits")
	}
	// The date, category and owner of a candidate come from the narrow
	// index: the row itself would load the body.
	from = append(from, "materials m"+s.DB.IndexedBy("materials_search"))
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
	if byDriver {
		m.score = `t0.in_title DESC, t0.hits DESC, m.published_on DESC, m.id DESC`
		m.selectID = `SELECT m.id, t0.hits`
	}
	m.phrases = phrases
	return m
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

// countScan bounds how many candidates a phrase search checks to count
// its total, unless its page alone needs more: each check reads a body. If
// they run out before PhraseCap is passed, the total is a lower bound.
// A variable only so that tests can lower it.
var countScan = 600

// rankPhrases pages through ranked candidates, keeping those that hold
// every phrase, until [offset, offset+limit) of them are found, and goes
// on to count them up to phraseCap, checking at most countScan candidates
// unless the page needs more. Candidates are ranked countScan at a time
// (a rank reads its key's rows from the best, so one larger rank costs
// less than several small ones that each read again what the last one
// read) but checked in batches sized from the share that held the phrases
// so far: bodies are read only as far as needed.
func (m *matcher) rankPhrases(ctx context.Context, q db.Querier, limit, offset int) (page []ranked, total int, atLeast bool, err error) {
	want := offset + limit
	goal := max(want, phraseCap+1) // enough to fill the page and pass the cap
	var cands, kept []ranked
	more := true // the index may hold unranked candidates
	checked, batch := 0, 2*want+20
	for {
		if checked == len(cands) {
			if !more {
				break
			}
			n := max(countScan, len(cands), 2*want+20)
			next, err := m.rank(ctx, q, n, len(cands))
			if err != nil {
				return nil, 0, false, err
			}
			cands, more = append(cands, next...), len(next) == n
			if len(next) == 0 {
				break
			}
		}
		part := cands[checked:min(len(cands), checked+batch)]
		ok, err := m.holdPhrases(ctx, q, part)
		if err != nil {
			return nil, 0, false, err
		}
		for _, c := range part {
			if ok[c.id] {
				kept = append(kept, c)
			}
		}
		checked += len(part)
		if len(kept) >= goal || (len(kept) >= want && checked >= countScan) {
			break
		}
		// Enough for the rows still missing at the share seen so far,
		// with some to spare; once the page is full, only up to
		// countScan.
		share := float64(len(kept)+1) / float64(checked)
		if len(kept) < want {
			batch = max(20, int(float64(want-len(kept))/share*1.5))
		} else {
			batch = max(20, min(int(float64(goal-len(kept))/share*1.2), countScan-checked))
		}
	}
	total, atLeast = len(kept), more || checked < len(cands)
	if total > phraseCap {
		total, atLeast = phraseCap, true
	}
	if offset >= len(kept) {
		return nil, total, atLeast, nil
	}
	return kept[offset:min(want, len(kept))], total, atLeast, nil
}

// holdPhrases reports which candidates hold every phrase in title or body.
// The texts are checked here, not in SQL: SQLite's instr and LIKE walk a
// body a character at a time, tens of microseconds each, where a substring
// search here takes about one.
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
	rows, err := q.Query(ctx, `SELECT m.id, m.title, m.body FROM materials m WHERE m.id IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, errs.Wrap(err, "search phrase")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, body string
		if err := rows.Scan(&id, &title, &body); err != nil {
			return nil, errs.Wrap(err, "search phrase")
		}
		out[id] = holdsAll(title, body, m.phrases)
	}
	return out, errs.Wrap(rows.Err(), "search phrase")
}

// count counts the candidates up to limit by the index alone; atLeast
// reports that there are more.
func (m *matcher) count(ctx context.Context, q db.Querier, limit int) (n int, atLeast bool, err error) {
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1`+m.from+fmt.Sprintf(` LIMIT %d) c`, limit+1), m.args...).Scan(&n)
	if err != nil {
		return 0, false, errs.Wrap(err, "search count")
	}
	return min(n, limit), n > limit, nil
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
