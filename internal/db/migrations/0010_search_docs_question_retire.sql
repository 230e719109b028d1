-- Library search: exact document counts per term, and rank order in the
-- index. Question bank: retiring a question.

-- How many materials hold each term, kept exact by every write of
-- material_terms, so a search picks its rarest keys without counting
-- index rows (a common key has tens of thousands).
CREATE TABLE material_term_docs (
    term BIGINT PRIMARY KEY,
    docs INTEGER NOT NULL
-- +sqlite
) WITHOUT ROWID;
-- +end
-- +postgres
);
-- +end
INSERT INTO material_term_docs (term, docs)
SELECT term, COUNT(*) FROM material_terms GROUP BY term;

-- A one-key search reads its key's rows best first (title, then
-- occurrences) and stops after a page, instead of sorting every material
-- that holds a common character.
CREATE INDEX material_terms_rank ON material_terms(term, in_title, hits);

-- A retired question is no longer drawn for practice or exams, but stays
-- in the bank for the papers and answers that already refer to it.
ALTER TABLE questions ADD COLUMN retired_at {{ts}};
