-- Pre-aggregated dashboards (internal/report/rollup.go): the facts of
-- report_unit_round summed per org and round over the org's subtree, so a
-- dashboard at any level reads a handful of rows instead of summing up to
-- every unit of a province. Kept equal to the facts by applying the same
-- changes whenever facts are written.

-- One row per org (depth 1..5) and round: the sums of its units' facts.
-- self_unit is 1 when the org is itself an activity unit; unheld counts
-- units without a meeting that counts (split by the clock at read time).
CREATE TABLE report_org_round (
    org_id BIGINT NOT NULL,
    round_key TEXT NOT NULL,
    units INTEGER NOT NULL DEFAULT 0,
    self_unit INTEGER NOT NULL DEFAULT 0,
    on_time INTEGER NOT NULL DEFAULT 0,
    made_up INTEGER NOT NULL DEFAULT 0,
    late INTEGER NOT NULL DEFAULT 0,
    unheld INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0,
    held_members INTEGER NOT NULL DEFAULT 0,
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

-- Units without a counting meeting but with an approved postponement, per
-- new date: whether they are 已延期 or 未开展 depends on today, so the
-- reader sums the dates not yet passed.
CREATE TABLE report_org_pp (
    org_id BIGINT NOT NULL,
    round_key TEXT NOT NULL,
    pp_date TEXT NOT NULL,
    units INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, round_key, pp_date)
);

-- Open rectifications per org subtree (every depth) and deadline: overdue
-- is the sum of the deadlines before today, so it stays right as days
-- pass without anything being refreshed.
CREATE TABLE report_org_due (
    org_id BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, deadline)
);

-- Changes to open rectifications since the last read, per org and
-- deadline, left by the triggers below; the reader spreads them over the
-- org's ancestors. A row with org_id 0 asks for a full rebuild (after the
-- migration, and when orgs move).
CREATE TABLE report_due_delta (
    org_id BIGINT NOT NULL,
    deadline TEXT NOT NULL,
    d INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, deadline)
);
INSERT INTO report_due_delta (org_id, deadline, d) VALUES (0, '', 0);

-- Summing, clearing and rebuilding a round's facts go by round.
CREATE INDEX report_unit_round_round ON report_unit_round(round_key);

-- Rounds whose facts are built but whose rollups are not yet: every round
-- built before this migration.
ALTER TABLE report_rounds ADD COLUMN rolled_up INTEGER NOT NULL DEFAULT 0;

-- +sqlite
CREATE TRIGGER rdue_ins AFTER INSERT ON rectifications WHEN NEW.status IN ('pending','in_progress') BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (NEW.org_id, NEW.deadline, 1)
    ON CONFLICT (org_id, deadline) DO UPDATE SET d = d + 1; END;
CREATE TRIGGER rdue_upd_old AFTER UPDATE OF status, deadline, org_id ON rectifications WHEN OLD.status IN ('pending','in_progress') BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (OLD.org_id, OLD.deadline, -1)
    ON CONFLICT (org_id, deadline) DO UPDATE SET d = d - 1; END;
CREATE TRIGGER rdue_upd_new AFTER UPDATE OF status, deadline, org_id ON rectifications WHEN NEW.status IN ('pending','in_progress') BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (NEW.org_id, NEW.deadline, 1)
    ON CONFLICT (org_id, deadline) DO UPDATE SET d = d + 1; END;
CREATE TRIGGER rdue_del AFTER DELETE ON rectifications WHEN OLD.status IN ('pending','in_progress') BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (OLD.org_id, OLD.deadline, -1)
    ON CONFLICT (org_id, deadline) DO UPDATE SET d = d - 1; END;
CREATE TRIGGER rdue_orgs AFTER UPDATE OF parent_id, path ON orgs BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (0, '', 0) ON CONFLICT DO NOTHING; END;
-- +end
-- +postgres
-- Subtrees are found by path prefix (path LIKE '/1/7/%') when facts are
-- refreshed; without this index that is a scan of every org of a province.
CREATE INDEX IF NOT EXISTS orgs_path_prefix ON orgs (path text_pattern_ops);

CREATE FUNCTION rdue_add(org BIGINT, dl TEXT, delta INTEGER) RETURNS void AS $$
BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (org, dl, delta)
    ON CONFLICT (org_id, deadline) DO UPDATE SET d = report_due_delta.d + delta;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION rdue_rect() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status IN ('pending','in_progress') THEN PERFORM rdue_add(OLD.org_id, OLD.deadline, -1); END IF;
  IF TG_OP <> 'DELETE' AND NEW.status IN ('pending','in_progress') THEN PERFORM rdue_add(NEW.org_id, NEW.deadline, 1); END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rdue_rect AFTER INSERT OR DELETE OR UPDATE OF status, deadline, org_id ON rectifications FOR EACH ROW EXECUTE FUNCTION rdue_rect();

CREATE FUNCTION rdue_orgs() RETURNS trigger AS $$
BEGIN
  INSERT INTO report_due_delta (org_id, deadline, d) VALUES (0, '', 0) ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rdue_orgs AFTER UPDATE OF parent_id, path ON orgs FOR EACH ROW EXECUTE FUNCTION rdue_orgs();
-- +end
