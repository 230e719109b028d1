-- Library search at scale (20,000 materials).

-- One-character queries become a single index key: every rune of a
-- material is indexed on its own as term = rune << 21 | 2097151 (above any
-- rune, so it never collides with a bigram). Its count is the sum of the
-- bigrams starting with that rune, since every occurrence of a rune starts
-- exactly one indexed term (the segment's last rune pairs with 0).
INSERT INTO material_terms (term, material_id, hits, in_title)
SELECT ((term >> 21) << 21) | 2097151, material_id, SUM(hits), MAX(in_title)
FROM material_terms
WHERE (term & 2097151) <> 2097151
GROUP BY term >> 21, material_id;

-- Ranking reads the date, category and owner of every candidate; this
-- narrow index answers that without loading the row, whose body fills
-- most of a page.
CREATE INDEX materials_search ON materials(id, published_on, category, org_id);
