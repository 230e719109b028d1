-- The task force's work (internal/supervise): its own rhythm (日碰头 ·
-- 周例会 · 月观摩), sit-ins at units' meetings (旁听列席 · 常态观摩) and
-- the exemplars it picks (选树典型).

-- 日碰头: one note per task-force member and day.
CREATE TABLE tf_standups (
    id {{id}},
    day TEXT NOT NULL,                    -- YYYY-MM-DD in the district's zone
    user_id BIGINT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (day, user_id)
);
CREATE INDEX tf_standups_day ON tf_standups(day);

-- 周例会: the minutes, and each decision followed to done.
CREATE TABLE tf_weeklies (
    id {{id}},
    held_on TEXT NOT NULL,                -- YYYY-MM-DD
    title TEXT NOT NULL,
    attendees TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX tf_weeklies_held ON tf_weeklies(held_on);

CREATE TABLE tf_decisions (
    id {{id}},
    weekly_id BIGINT NOT NULL REFERENCES tf_weeklies(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    due TEXT NOT NULL,                    -- YYYY-MM-DD
    done_at {{ts}},
    done_by BIGINT REFERENCES users(id),
    done_note TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL
);
CREATE INDEX tf_decisions_weekly ON tf_decisions(weekly_id);
CREATE INDEX tf_decisions_open ON tf_decisions(done_at, due);

-- 月观摩: which units' meetings to watch in a month, and by whom. Whether
-- it was done follows from the observer's sit-ins, never typed twice.
CREATE TABLE tf_observations (
    id {{id}},
    month TEXT NOT NULL,                  -- YYYY-MM
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    observer_id BIGINT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    UNIQUE (month, org_id, observer_id)
);

-- 旁听列席: an observer signs up for a meeting (the unit sees who is
-- coming), then records a score per criterion and comments. Scores stay
-- NULL until recorded.
CREATE TABLE sitins (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    capacity TEXT NOT NULL,               -- admin | taskforce | leader
    signed_at {{ts}} NOT NULL,
    score_study INTEGER CHECK (score_study BETWEEN 1 AND 5),
    score_speak INTEGER CHECK (score_speak BETWEEN 1 AND 5),
    score_review INTEGER CHECK (score_review BETWEEN 1 AND 5),
    score_followup INTEGER CHECK (score_followup BETWEEN 1 AND 5),
    comments TEXT NOT NULL DEFAULT '',
    recorded_at {{ts}},
    UNIQUE (meeting_id, user_id)
);
CREATE INDEX sitins_user ON sitins(user_id);

-- Problems an observer found: each is a rectification like any other
-- (source 'sitin'); this only remembers which sit-in found it.
CREATE TABLE sitin_problems (
    sitin_id BIGINT NOT NULL REFERENCES sitins(id),
    rectification_id BIGINT NOT NULL REFERENCES rectifications(id),
    PRIMARY KEY (sitin_id, rectification_id)
);

-- 选树典型: a meeting, a speech or a case marked exemplary with a citation;
-- published ones form the 先锋二七 column and its Atom feed.
CREATE TABLE exemplars (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('meeting','speech','case')),
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    speech_id BIGINT REFERENCES speeches(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    title TEXT NOT NULL,
    citation TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    published_at {{ts}},
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX exemplars_published ON exemplars(published, published_at);
CREATE UNIQUE INDEX exemplars_speech ON exemplars(speech_id);
