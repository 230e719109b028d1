-- The study library (学新 · 学专 · 学准): materials filed under the four
-- must-study categories, their tags and attachments, a character-bigram
-- search index, and who declared which material read.

-- A material. org_id NULL: district-wide (the admin's); otherwise a unit's
-- own business policy (category unit_policy), seen only in that subtree.
CREATE TABLE materials (
    id {{id}},
    title TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    published_on TEXT NOT NULL,            -- YYYY-MM-DD, a calendar date
    category TEXT NOT NULL,
    body TEXT NOT NULL,                    -- Markdown, rendered escaped
    org_id BIGINT REFERENCES orgs(id),
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX materials_category ON materials(category, published_on);
CREATE INDEX materials_org ON materials(org_id);
CREATE INDEX materials_title ON materials(title);

CREATE TABLE material_tags (
    material_id BIGINT NOT NULL REFERENCES materials(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (material_id, tag)
);
CREATE INDEX material_tags_tag ON material_tags(tag);

-- Attachments live in files (one backup holds everything).
CREATE TABLE material_files (
    material_id BIGINT NOT NULL REFERENCES materials(id) ON DELETE CASCADE,
    file_id BIGINT NOT NULL REFERENCES files(id),
    PRIMARY KEY (material_id, file_id)
);

-- The search index: one row per distinct character bigram of a material's
-- title and body (term = first rune << 21 | second rune; a segment's last
-- rune also appears as rune << 21 | 0 so that one-character queries are a
-- range scan). Rewritten whenever the material changes.
CREATE TABLE material_terms (
    term BIGINT NOT NULL,
    material_id BIGINT NOT NULL REFERENCES materials(id) ON DELETE CASCADE,
    hits INTEGER NOT NULL,                 -- occurrences in title and body
    in_title INTEGER NOT NULL,             -- 1 if it occurs in the title
    PRIMARY KEY (term, material_id)
-- +sqlite
) WITHOUT ROWID;
-- +end
-- +postgres
);
-- +end
CREATE INDEX material_terms_material ON material_terms(material_id);

-- 自学: a member declares a material read. Nothing about time is kept
-- beyond the moment of the declaration.
CREATE TABLE material_reads (
    material_id BIGINT NOT NULL REFERENCES materials(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members(id),
    read_at {{ts}} NOT NULL,
    PRIMARY KEY (material_id, member_id)
);
CREATE INDEX material_reads_member ON material_reads(member_id);

-- A meeting plan may pick a library material; free-text titles stay valid.
ALTER TABLE meeting_materials ADD COLUMN material_id BIGINT REFERENCES materials(id);
CREATE INDEX meeting_materials_material ON meeting_materials(material_id);
