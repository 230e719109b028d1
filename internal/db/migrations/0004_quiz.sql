-- The question bank, named sets, practice and exams (岗位练兵).
-- Options, answers, tags, papers and responses are JSON text: they are read
-- and written whole by internal/quiz, never queried piecemeal, and JSON in a
-- TEXT column reads the same on both engines.

CREATE TABLE questions (
    id {{id}},
    type TEXT NOT NULL CHECK (type IN ('single','multiple','truefalse','blank','short')),
    stem TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    difficulty INTEGER NOT NULL,
    material_id BIGINT,                 -- a study material; no foreign key (the library is its own package)
    dup_key TEXT NOT NULL,              -- quiz.DuplicateKey: the same question twice is refused
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE UNIQUE INDEX questions_dup ON questions(dup_key);

CREATE TABLE question_sets (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL
);

CREATE TABLE question_set_items (
    set_id BIGINT NOT NULL REFERENCES question_sets(id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES questions(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (set_id, question_id)
);

-- A practice session: the questions shown, with each one's option shuffle,
-- kept here so the client never holds an answer key.
CREATE TABLE practice_sessions (
    id {{id}},
    member_id BIGINT NOT NULL REFERENCES members(id),
    kind TEXT NOT NULL CHECK (kind IN ('daily','set','wrongbook','mock')),
    set_id BIGINT REFERENCES question_sets(id),
    paper TEXT NOT NULL,
    started_at {{ts}} NOT NULL,
    deadline {{ts}},                    -- mock exams only
    finished_at {{ts}},
    correct INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX practice_sessions_member ON practice_sessions(member_id, started_at);

-- One answer in practice: the member's history, from which the weak tags
-- and the wrong-answer book are derived.
CREATE TABLE practice_answers (
    session_id BIGINT NOT NULL REFERENCES practice_sessions(id),
    question_id BIGINT NOT NULL REFERENCES questions(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    response TEXT NOT NULL,
    correct BOOLEAN NOT NULL,
    answered_at {{ts}} NOT NULL,
    PRIMARY KEY (session_id, question_id)
);
CREATE INDEX practice_answers_member ON practice_answers(member_id, answered_at);

CREATE TABLE exams (
    id {{id}},
    title TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs(id),  -- the scope: this org's subtree
    opens_at {{ts}} NOT NULL,
    closes_at {{ts}} NOT NULL,
    duration_s INTEGER NOT NULL,
    grace_s INTEGER NOT NULL,
    pass_pct INTEGER NOT NULL,
    spec TEXT NOT NULL,                 -- the paper spec (types, tags, difficulty)
    per_person BOOLEAN NOT NULL,        -- one paper drawn per person
    paper TEXT NOT NULL DEFAULT '[]',   -- the shared paper's question ids
    seed BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX exams_org ON exams(org_id);

-- One person's one attempt. A submission is a single UPDATE of this row.
CREATE TABLE exam_attempts (
    id {{id}},
    exam_id BIGINT NOT NULL REFERENCES exams(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    paper TEXT NOT NULL,                -- question ids in shown order, with option shuffles
    started_at {{ts}} NOT NULL,
    deadline {{ts}} NOT NULL,
    submitted_at {{ts}},
    timed_out BOOLEAN NOT NULL DEFAULT FALSE,
    answers TEXT NOT NULL DEFAULT '{}',
    results TEXT NOT NULL DEFAULT '{}', -- score share per question id; manual grades merged in
    score REAL NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0, -- short answers still to be graded by a person
    UNIQUE (exam_id, member_id)
);
