-- The organisation tree. path is the chain of ids from the root, "/1/4/17/",
-- so that a subtree is one indexed prefix match on both engines.
CREATE TABLE orgs (
    id {{id}},
    parent_id BIGINT REFERENCES orgs(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('district','committee','branch','group')),
    path TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0,
    created_at {{ts}} NOT NULL
);
CREATE INDEX orgs_parent ON orgs(parent_id);
CREATE INDEX orgs_path ON orgs(path);

-- Members: only what the work needs (no ID-card numbers).
CREATE TABLE members (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    joined_date TEXT NOT NULL DEFAULT '',
    phone TEXT,
    position TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '正常',
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX members_org ON members(org_id);
CREATE UNIQUE INDEX members_phone ON members(phone);

CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    member_id BIGINT UNIQUE REFERENCES members(id),
    must_change BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until {{ts}},
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at {{ts}} NOT NULL
);

CREATE TABLE role_assignments (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin','taskforce','secretary','leader','groupleader','member','auditor')),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    created_at {{ts}} NOT NULL,
    UNIQUE (user_id, role, org_id)
);
CREATE INDEX role_assignments_org ON role_assignments(org_id);

-- Login sessions, stored server-side by the SHA-256 of the cookie token so a
-- leaked table does not leak usable cookies.
CREATE TABLE login_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at {{ts}} NOT NULL,
    last_seen {{ts}} NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX login_sessions_user ON login_sessions(user_id);

-- The audit log is append-only and hash-chained: hash = SHA-256(prev_hash ||
-- the entry's fields). audit_head holds the newest link so that deleting
-- the last entries is detected too, and serialises writers on PostgreSQL.
CREATE TABLE audit_log (
    id {{id}},
    at {{ts}} NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT 'ok',
    ip TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id);
CREATE INDEX audit_log_action ON audit_log(action);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_id BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '');

-- +sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +end
-- +postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- +end

-- 投诉建议: every user's channel to the admin.
CREATE TABLE feedback (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('complaint','suggestion')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    page TEXT NOT NULL DEFAULT '',
    created_at {{ts}} NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_by BIGINT REFERENCES users(id),
    answered_at {{ts}}
);
CREATE INDEX feedback_user ON feedback(user_id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
