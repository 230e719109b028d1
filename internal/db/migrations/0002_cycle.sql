-- The 学讲评 cycle. Rounds are not stored: they follow from the programme's
-- start date and the calendar rules (internal/round); rows refer to a round
-- by its key, "2025-10-1" (year-month-half).

-- Files (evidence of rectifications, later attachments), kept in the
-- database so that one backup holds everything.
CREATE TABLE files (
    id {{id}},
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    data {{blob}} NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL
);

CREATE TABLE notices (
    id {{id}},
    round_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reminder','supplement','letter')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '',   -- required must-study categories, comma separated
    materials TEXT NOT NULL DEFAULT '',    -- required materials, one per line
    org_id BIGINT NOT NULL REFERENCES orgs(id), -- addressed to this subtree
    created_by BIGINT REFERENCES users(id),
    published_at {{ts}} NOT NULL
);
CREATE INDEX notices_round ON notices(round_key);

-- A read receipt: one per notice and unit, by whoever leads the unit.
CREATE TABLE notice_reads (
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    read_at {{ts}} NOT NULL,
    PRIMARY KEY (notice_id, org_id)
);

CREATE TABLE meetings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    round_key TEXT NOT NULL,
    planned_at {{ts}} NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL DEFAULT '',
    host_id BIGINT REFERENCES members(id),
    recorder_id BIGINT REFERENCES members(id),
    lead_reader_id BIGINT REFERENCES members(id),
    secret TEXT NOT NULL,                 -- for the rotating sign-in codes
    summary TEXT NOT NULL DEFAULT '',     -- the secretary's summing-up in the minutes
    held_at {{ts}},                       -- when it was held: the first sign-in, fixed at finalising
    finalized_at {{ts}},
    finalized_by BIGINT REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (org_id, round_key)
);
CREATE INDEX meetings_round ON meetings(round_key);

CREATE TABLE meeting_materials (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_materials_meeting ON meeting_materials(meeting_id);

-- 会前完整自学: a member declares a material read. No time on page is kept.
CREATE TABLE selfstudy (
    material_id BIGINT NOT NULL REFERENCES meeting_materials(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members(id),
    read_at {{ts}} NOT NULL,
    PRIMARY KEY (material_id, member_id)
);

CREATE TABLE attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members(id),
    status TEXT NOT NULL CHECK (status IN ('present','leave')),
    method TEXT NOT NULL DEFAULT '',      -- qr | manual | leave
    reason TEXT NOT NULL DEFAULT '',
    at {{ts}} NOT NULL,
    recorded_by BIGINT REFERENCES users(id),
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE speeches (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members(id),
    kinds TEXT NOT NULL,                  -- comma separated speech kinds
    problem TEXT NOT NULL DEFAULT '',     -- the problem or challenge of the last half month
    content TEXT NOT NULL,
    is_case BOOLEAN NOT NULL DEFAULT FALSE,
    entered_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (meeting_id, member_id)
);
CREATE INDEX speeches_member ON speeches(member_id);

CREATE TABLE reviews (
    id {{id}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('self','peer','overall')),
    reviewer_id BIGINT NOT NULL REFERENCES members(id),
    reviewee_id BIGINT NOT NULL REFERENCES members(id),
    rating TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    UNIQUE (meeting_id, kind, reviewer_id, reviewee_id)
);

-- 查摆问题 and their 整改: one row each, since every problem becomes a
-- rectification followed to the end.
CREATE TABLE rectifications (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    meeting_id BIGINT REFERENCES meetings(id),
    source TEXT NOT NULL DEFAULT 'meeting', -- meeting | sitin | direct
    problem TEXT NOT NULL,
    category TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES members(id),
    measure TEXT NOT NULL,
    deadline TEXT NOT NULL,                 -- YYYY-MM-DD in the district's zone
    status TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '',
    evidence_file_id BIGINT REFERENCES files(id),
    reject_reason TEXT NOT NULL DEFAULT '',
    done_at {{ts}},
    verified_by BIGINT REFERENCES users(id),
    verified_at {{ts}},
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);
CREATE INDEX rectifications_org ON rectifications(org_id);
CREATE INDEX rectifications_owner ON rectifications(owner_id);
CREATE INDEX rectifications_meeting ON rectifications(meeting_id);

-- 订单式培训.
CREATE TABLE training_orders (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    rectification_id BIGINT REFERENCES rectifications(id),
    topic TEXT NOT NULL,
    people INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'submitted',
    admin_note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL
);

-- 请假顺延: a unit asks to postpone a round's meeting; the admin decides.
CREATE TABLE postponements (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    round_key TEXT NOT NULL,
    reason TEXT NOT NULL,
    new_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
    requested_by BIGINT REFERENCES users(id),
    decided_by BIGINT REFERENCES users(id),
    decided_at {{ts}},
    created_at {{ts}} NOT NULL,
    UNIQUE (org_id, round_key)
);
