-- Analysis and publicity (internal/report): the per-unit-per-round facts
-- the dashboards read, the bulletins, the work briefs and the stored
-- similarity signatures of speeches.

-- One row per activity unit and round, derived from meetings, attendance,
-- self-study, speeches, reviews, rectifications, notices and postponements.
-- lvl1..lvl5 are the ids of the unit's ancestors at depth 1..5 (the unit
-- itself at its own depth, 0 below it), so that a subtree is one equality
-- and its children one GROUP BY, on both engines. held_status is the part of
-- the status that does not depend on the clock (on_time, late, made_up, or
-- '' when no meeting counts); pp_date is an approved postponement's new date.
-- The table is a cache: report.Rebuild recomputes it, and the triggers below
-- mark what changed in report_dirty so that readers refresh only that.
CREATE TABLE report_unit_round (
    org_id BIGINT NOT NULL,
    round_key TEXT NOT NULL,
    lvl1 BIGINT NOT NULL DEFAULT 0,
    lvl2 BIGINT NOT NULL DEFAULT 0,
    lvl3 BIGINT NOT NULL DEFAULT 0,
    lvl4 BIGINT NOT NULL DEFAULT 0,
    lvl5 BIGINT NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    meeting_id BIGINT NOT NULL DEFAULT 0,
    held_status TEXT NOT NULL DEFAULT '',
    pp_date TEXT NOT NULL DEFAULT '',
    present INTEGER NOT NULL DEFAULT 0,
    on_leave INTEGER NOT NULL DEFAULT 0,
    selfstudy_done INTEGER NOT NULL DEFAULT 0,
    selfstudy_due INTEGER NOT NULL DEFAULT 0,
    speeches INTEGER NOT NULL DEFAULT 0,
    cases INTEGER NOT NULL DEFAULT 0,
    reviews INTEGER NOT NULL DEFAULT 0,
    problems INTEGER NOT NULL DEFAULT 0,
    rectified INTEGER NOT NULL DEFAULT 0,
    notices_due INTEGER NOT NULL DEFAULT 0,
    notices_read INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, round_key)
);
CREATE INDEX report_unit_round_l1 ON report_unit_round(lvl1, round_key);
CREATE INDEX report_unit_round_l2 ON report_unit_round(lvl2, round_key);
CREATE INDEX report_unit_round_l3 ON report_unit_round(lvl3, round_key);
CREATE INDEX report_unit_round_l4 ON report_unit_round(lvl4, round_key);
CREATE INDEX report_unit_round_l5 ON report_unit_round(lvl5, round_key);

-- Rounds whose facts have been built for every unit.
CREATE TABLE report_rounds (
    round_key TEXT PRIMARY KEY,
    built_at {{ts}} NOT NULL
);

-- What changed since the facts were computed: every unit in the subtree of
-- org_id, for round_key ('*' = every round).
CREATE TABLE report_dirty (
    org_id BIGINT NOT NULL,
    round_key TEXT NOT NULL,
    PRIMARY KEY (org_id, round_key)
);

-- Overdue rectifications are counted live (they depend on today): this
-- index keeps that to the open ones.
CREATE INDEX rectifications_open ON rectifications(status, deadline);
-- The similarity index catches up with edited and new speeches by time.
CREATE INDEX speeches_updated ON speeches(updated_at);

-- The SQLite triggers use ON CONFLICT DO NOTHING, not INSERT OR IGNORE: an
-- OR clause inside a trigger is overridden by the outer statement's, so an
-- upsert (attendance, speeches) that takes its DO UPDATE path failed.
-- +sqlite
CREATE TRIGGER rd_meetings_ins AFTER INSERT ON meetings BEGIN
  INSERT INTO report_dirty VALUES (NEW.org_id, NEW.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_meetings_upd AFTER UPDATE ON meetings BEGIN
  INSERT INTO report_dirty VALUES (OLD.org_id, OLD.round_key) ON CONFLICT DO NOTHING;
  INSERT INTO report_dirty VALUES (NEW.org_id, NEW.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_meetings_del AFTER DELETE ON meetings BEGIN
  INSERT INTO report_dirty VALUES (OLD.org_id, OLD.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_attendance_ins AFTER INSERT ON attendance BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_attendance_upd AFTER UPDATE ON attendance BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_attendance_del AFTER DELETE ON attendance BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = OLD.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_speeches_ins AFTER INSERT ON speeches BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_speeches_upd AFTER UPDATE OF is_case, meeting_id ON speeches BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_speeches_del AFTER DELETE ON speeches BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = OLD.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_reviews_ins AFTER INSERT ON reviews BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_reviews_del AFTER DELETE ON reviews BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = OLD.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_materials_ins AFTER INSERT ON meeting_materials BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_materials_del AFTER DELETE ON meeting_materials BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = OLD.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_selfstudy_ins AFTER INSERT ON selfstudy BEGIN
  INSERT INTO report_dirty SELECT m.org_id, m.round_key FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id WHERE mm.id = NEW.material_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_selfstudy_del AFTER DELETE ON selfstudy BEGIN
  INSERT INTO report_dirty SELECT m.org_id, m.round_key FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id WHERE mm.id = OLD.material_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_rect_ins AFTER INSERT ON rectifications BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_rect_upd AFTER UPDATE OF status, meeting_id ON rectifications BEGIN
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = OLD.meeting_id ON CONFLICT DO NOTHING;
  INSERT INTO report_dirty SELECT org_id, round_key FROM meetings WHERE id = NEW.meeting_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_notices_ins AFTER INSERT ON notices BEGIN
  INSERT INTO report_dirty VALUES (NEW.org_id, NEW.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_notices_del AFTER DELETE ON notices BEGIN
  INSERT INTO report_dirty VALUES (OLD.org_id, OLD.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_reads_ins AFTER INSERT ON notice_reads BEGIN
  INSERT INTO report_dirty SELECT NEW.org_id, round_key FROM notices WHERE id = NEW.notice_id ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_pp_ins AFTER INSERT ON postponements BEGIN
  INSERT INTO report_dirty VALUES (NEW.org_id, NEW.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_pp_upd AFTER UPDATE ON postponements BEGIN
  INSERT INTO report_dirty VALUES (NEW.org_id, NEW.round_key) ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_members_ins AFTER INSERT ON members BEGIN
  INSERT INTO report_dirty VALUES (NEW.org_id, '*') ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_members_upd AFTER UPDATE OF org_id, status ON members BEGIN
  INSERT INTO report_dirty VALUES (OLD.org_id, '*') ON CONFLICT DO NOTHING;
  INSERT INTO report_dirty VALUES (NEW.org_id, '*') ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_members_del AFTER DELETE ON members BEGIN
  INSERT INTO report_dirty VALUES (OLD.org_id, '*') ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_orgs_ins AFTER INSERT ON orgs BEGIN
  INSERT INTO report_dirty VALUES (COALESCE(NEW.parent_id, NEW.id), '*') ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_orgs_upd AFTER UPDATE OF parent_id, path ON orgs BEGIN
  INSERT INTO report_dirty VALUES (COALESCE(OLD.parent_id, OLD.id), '*') ON CONFLICT DO NOTHING;
  INSERT INTO report_dirty VALUES (NEW.id, '*') ON CONFLICT DO NOTHING; END;
CREATE TRIGGER rd_orgs_del AFTER DELETE ON orgs BEGIN
  INSERT INTO report_dirty VALUES (COALESCE(OLD.parent_id, OLD.id), '*') ON CONFLICT DO NOTHING; END;
-- +end
-- +postgres
CREATE FUNCTION report_mark(org BIGINT, rk TEXT) RETURNS void AS $$
BEGIN
  IF org IS NOT NULL AND rk IS NOT NULL THEN
    INSERT INTO report_dirty (org_id, round_key) VALUES (org, rk) ON CONFLICT DO NOTHING;
  END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION report_mark_meeting(mid BIGINT) RETURNS void AS $$
BEGIN
  INSERT INTO report_dirty (org_id, round_key) SELECT org_id, round_key FROM meetings WHERE id = mid ON CONFLICT DO NOTHING;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION rd_meetings() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_mark(OLD.org_id, OLD.round_key); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM report_mark(NEW.org_id, NEW.round_key); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_meetings AFTER INSERT OR UPDATE OR DELETE ON meetings FOR EACH ROW EXECUTE FUNCTION rd_meetings();

-- attendance, speeches, reviews, meeting_materials, rectifications: by meeting_id.
CREATE FUNCTION rd_by_meeting() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_mark_meeting(OLD.meeting_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM report_mark_meeting(NEW.meeting_id); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_attendance AFTER INSERT OR UPDATE OR DELETE ON attendance FOR EACH ROW EXECUTE FUNCTION rd_by_meeting();
CREATE TRIGGER rd_speeches AFTER INSERT OR DELETE OR UPDATE OF is_case, meeting_id ON speeches FOR EACH ROW EXECUTE FUNCTION rd_by_meeting();
CREATE TRIGGER rd_reviews AFTER INSERT OR DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION rd_by_meeting();
CREATE TRIGGER rd_materials AFTER INSERT OR DELETE ON meeting_materials FOR EACH ROW EXECUTE FUNCTION rd_by_meeting();
CREATE TRIGGER rd_rect AFTER INSERT OR UPDATE OF status, meeting_id ON rectifications FOR EACH ROW EXECUTE FUNCTION rd_by_meeting();

CREATE FUNCTION rd_selfstudy() RETURNS trigger AS $$
DECLARE mat BIGINT;
BEGIN
  IF TG_OP = 'DELETE' THEN mat := OLD.material_id; ELSE mat := NEW.material_id; END IF;
  INSERT INTO report_dirty (org_id, round_key) SELECT m.org_id, m.round_key FROM meeting_materials mm JOIN meetings m ON m.id = mm.meeting_id WHERE mm.id = mat ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_selfstudy AFTER INSERT OR DELETE ON selfstudy FOR EACH ROW EXECUTE FUNCTION rd_selfstudy();

-- notices and postponements: by org_id and round_key.
CREATE FUNCTION rd_org_round() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_mark(OLD.org_id, OLD.round_key); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM report_mark(NEW.org_id, NEW.round_key); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_notices AFTER INSERT OR DELETE ON notices FOR EACH ROW EXECUTE FUNCTION rd_org_round();
CREATE TRIGGER rd_pp AFTER INSERT OR UPDATE ON postponements FOR EACH ROW EXECUTE FUNCTION rd_org_round();

CREATE FUNCTION rd_reads() RETURNS trigger AS $$
BEGIN
  INSERT INTO report_dirty (org_id, round_key) SELECT NEW.org_id, round_key FROM notices WHERE id = NEW.notice_id ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_reads AFTER INSERT ON notice_reads FOR EACH ROW EXECUTE FUNCTION rd_reads();

CREATE FUNCTION rd_members() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_mark(OLD.org_id, '*'); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM report_mark(NEW.org_id, '*'); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_members AFTER INSERT OR DELETE OR UPDATE OF org_id, status ON members FOR EACH ROW EXECUTE FUNCTION rd_members();

CREATE FUNCTION rd_orgs() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM report_mark(COALESCE(OLD.parent_id, OLD.id), '*'); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM report_mark(COALESCE(NEW.parent_id, NEW.id), '*'); PERFORM report_mark(NEW.id, '*'); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rd_orgs AFTER INSERT OR DELETE OR UPDATE OF parent_id, path ON orgs FOR EACH ROW EXECUTE FUNCTION rd_orgs();
-- +end

-- Near-duplicate detection: each speech's MinHash signature, so that the
-- index rebuilds at start without re-hashing every text.
CREATE TABLE speech_signatures (
    speech_id BIGINT PRIMARY KEY,
    sig {{blob}},
    signed_at {{ts}} NOT NULL
);

-- 督导通报.
CREATE TABLE bulletins (
    id {{id}},
    round_key TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at {{ts}}
);
CREATE INDEX bulletins_round ON bulletins(round_key);

-- One line of a bulletin: a unit praised or named (with the figures), or a
-- pair of near-duplicate speeches offered by the detector.
CREATE TABLE bulletin_items (
    id {{id}},
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('praise','name','similar')),
    org_id BIGINT REFERENCES orgs(id),
    text TEXT NOT NULL,
    figures TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bulletin_items_bulletin ON bulletin_items(bulletin_id);
CREATE INDEX bulletin_items_org ON bulletin_items(org_id);

-- A named unit's acknowledgement and its answer (its rectification).
CREATE TABLE bulletin_acks (
    bulletin_id BIGINT NOT NULL REFERENCES bulletins(id) ON DELETE CASCADE,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    answer TEXT NOT NULL,
    acked_at {{ts}} NOT NULL,
    PRIMARY KEY (bulletin_id, org_id)
);

-- 工作简报: numbered issues.
CREATE TABLE briefs (
    id {{id}},
    issue_no INTEGER NOT NULL UNIQUE,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
    created_by BIGINT REFERENCES users(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    published_at {{ts}}
);
