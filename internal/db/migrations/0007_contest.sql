-- Live knowledge contests (知识竞赛), mass online quizzes (线上竞答) and
-- team events (户外拓展). A match is configured in the rows below while in
-- setup; its config is frozen into contests.config with the first event, and
-- from then on the match is nothing but its event log (contest_events).

CREATE TABLE contests (
    id {{id}},
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'match' CHECK (kind IN ('match','quiz')),
    series TEXT NOT NULL DEFAULT '',      -- groups the matches of one competition
    stage TEXT NOT NULL DEFAULT 'final' CHECK (stage IN ('preliminary','final')),
    round INTEGER NOT NULL DEFAULT 0,
    answer_ms INTEGER NOT NULL DEFAULT 3000,
    judge_rule TEXT NOT NULL DEFAULT 'majority',
    tie_rule TEXT NOT NULL DEFAULT 'first',
    tie_window_ms INTEGER NOT NULL DEFAULT 30,
    config TEXT NOT NULL DEFAULT '',      -- frozen contest.Config / QuizConfig JSON, set with the first event
    seed BIGINT NOT NULL,                 -- for logged draws
    epoch {{ts}} NOT NULL,                -- origin of the match's server time
    status TEXT NOT NULL DEFAULT 'setup' CHECK (status IN ('setup','running','finished')),
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);
CREATE INDEX contests_series ON contests(series, stage, round);

CREATE TABLE contest_teams (
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    team_key TEXT NOT NULL,               -- the engine's team id, "t1"…
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',        -- the branch it represents
    members TEXT NOT NULL DEFAULT '',     -- names, one per line
    join_code TEXT NOT NULL UNIQUE,       -- the buzzer phone's code (QR); no account needed
    position INTEGER NOT NULL,
    PRIMARY KEY (contest_id, team_key)
);

-- Host and judges are logged-in users assigned to the contest.
CREATE TABLE contest_staff (
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL CHECK (role IN ('host','judge')),
    unit TEXT NOT NULL DEFAULT '',        -- a judge's branch: excluded from its teams' answers
    chief BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (contest_id, user_id, role)
);

CREATE TABLE contest_segments (
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('compulsory','buzzer','risk')),
    title TEXT NOT NULL DEFAULT '',
    points INTEGER NOT NULL DEFAULT 10,
    wrong_penalty INTEGER NOT NULL DEFAULT 0,
    reopen BOOLEAN NOT NULL DEFAULT FALSE,
    risk_values TEXT NOT NULL DEFAULT '', -- "10,20,30"
    PRIMARY KEY (contest_id, position)
);

CREATE TABLE contest_questions (
    id {{id}},
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    segment INTEGER NOT NULL,             -- contest_segments.position
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '[]',   -- JSON array (quiz: choices A, B, …)
    answer TEXT NOT NULL DEFAULT '',
    team_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contest_questions_contest ON contest_questions(contest_id, segment, position);

-- The log. An event is written here before any screen sees it.
CREATE TABLE contest_events (
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    at_ns BIGINT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (contest_id, seq)
);

-- One answer per member per question of an online quiz, whatever the
-- network does: the key refuses a second row.
CREATE TABLE contest_quiz_answers (
    contest_id BIGINT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    member_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (contest_id, question, member_id)
);

-- Which instance owns a contest's commands; taken over after expiry.
CREATE TABLE contest_leases (
    contest_id BIGINT PRIMARY KEY REFERENCES contests(id) ON DELETE CASCADE,
    owner TEXT NOT NULL,
    expires_at {{ts}} NOT NULL
);

CREATE TABLE team_events (
    id {{id}},
    name TEXT NOT NULL,
    config TEXT NOT NULL,                 -- contest.TeamEventConfig JSON
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);

-- Referees' entries; entering again corrects (the audit log keeps the history).
CREATE TABLE team_event_results (
    event_id BIGINT NOT NULL REFERENCES team_events(id) ON DELETE CASCADE,
    project TEXT NOT NULL,
    team_key TEXT NOT NULL,
    value BIGINT NOT NULL,
    dnf BOOLEAN NOT NULL DEFAULT FALSE,
    entered_by BIGINT REFERENCES users(id),
    entered_at {{ts}} NOT NULL,
    PRIMARY KEY (event_id, project, team_key)
);
