-- PostgreSQL-only part of the city hub schema (clerk/hub/schema.py applies it after the
-- tables it translates from schema.sql, the one source of truth for tables and indexes).
--
-- Why this file exists: schema.sql keeps org_member_counts with four SQLite row triggers.
-- They translate to PostgreSQL row triggers, but a hub loads members by the million through
-- COPY and INSERT ... SELECT, where a row trigger runs an upsert per member (measured here:
-- several times slower than the load itself). SQLite has no statement-level triggers; PostgreSQL
-- does, with transition tables, so the hub keeps the same counts with one aggregated upsert
-- per statement. hub_schema.py checks that every trigger in schema.sql is one of the four
-- replaced here, so a new SQLite trigger cannot silently go missing on the hub.
-- Every statement is idempotent: the whole file is re-applied on each schema upgrade.

CREATE TABLE IF NOT EXISTS schema_version (
    version    integer PRIMARY KEY,
    applied_at text NOT NULL,
    program    text NOT NULL DEFAULT 'clerk'
);

CREATE OR REPLACE FUNCTION clerk_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO org_member_counts AS c (org_id, members, migrant, new_form)
    SELECT coalesce(org_id, 0), count(*), count(*) FILTER (WHERE migrant != 0), count(new_form)
    FROM clerk_new WHERE status = '在册' AND deleted_at IS NULL GROUP BY 1
    ON CONFLICT (org_id) DO UPDATE SET members = c.members + excluded.members,
        migrant = c.migrant + excluded.migrant, new_form = c.new_form + excluded.new_form;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION clerk_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_member_counts c SET members = c.members - o.members, migrant = c.migrant - o.migrant,
        new_form = c.new_form - o.new_form
    FROM (SELECT coalesce(org_id, 0) AS org_id, count(*) AS members, count(*) FILTER (WHERE migrant != 0) AS migrant,
                 count(new_form) AS new_form
          FROM clerk_old WHERE status = '在册' AND deleted_at IS NULL GROUP BY 1) o
    WHERE c.org_id = o.org_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION clerk_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_member_counts c SET members = c.members - o.members, migrant = c.migrant - o.migrant,
        new_form = c.new_form - o.new_form
    FROM (SELECT coalesce(org_id, 0) AS org_id, count(*) AS members, count(*) FILTER (WHERE migrant != 0) AS migrant,
                 count(new_form) AS new_form
          FROM clerk_old WHERE status = '在册' AND deleted_at IS NULL GROUP BY 1) o
    WHERE c.org_id = o.org_id;
    INSERT INTO org_member_counts AS c (org_id, members, migrant, new_form)
    SELECT coalesce(org_id, 0), count(*), count(*) FILTER (WHERE migrant != 0), count(new_form)
    FROM clerk_new WHERE status = '在册' AND deleted_at IS NULL GROUP BY 1
    ON CONFLICT (org_id) DO UPDATE SET members = c.members + excluded.members,
        migrant = c.migrant + excluded.migrant, new_form = c.new_form + excluded.new_form;
    RETURN NULL;
END $$;

-- (CREATE OR REPLACE TRIGGER needs PostgreSQL 14; the hub supports 13.)
DROP TRIGGER IF EXISTS members_count_insert ON members;
CREATE TRIGGER members_count_insert AFTER INSERT ON members REFERENCING NEW TABLE AS clerk_new
    FOR EACH STATEMENT EXECUTE FUNCTION clerk_counts_add();
DROP TRIGGER IF EXISTS members_count_delete ON members;
CREATE TRIGGER members_count_delete AFTER DELETE ON members REFERENCING OLD TABLE AS clerk_old
    FOR EACH STATEMENT EXECUTE FUNCTION clerk_counts_remove();
-- One update trigger does what members_count_leave and members_count_enter do together
-- (a transition-table trigger cannot name columns, so it runs for every update: a row that
-- stays in the same organisation on the roll is subtracted and added back, net zero).
DROP TRIGGER IF EXISTS members_count_leave ON members;
DROP TRIGGER IF EXISTS members_count_enter ON members;
DROP TRIGGER IF EXISTS members_count_update ON members;
CREATE TRIGGER members_count_update AFTER UPDATE ON members REFERENCING OLD TABLE AS clerk_old NEW TABLE AS clerk_new
    FOR EACH STATEMENT EXECUTE FUNCTION clerk_counts_change();

-- The city report's one pass over the members (report.figures: counts by unit, organisation and
-- new-employment category) reads this index alone instead of the whole table: about half the
-- time at 4,000,000 members (0.9 s instead of 1.8 s here), for about 3 microseconds of server
-- CPU per merged member. hub_report lets the planner see that the index is in memory.
CREATE INDEX IF NOT EXISTS members_report ON members (unit_code, org_id, new_form, status, gender, joined_on, migrant)
    WHERE deleted_at IS NULL;
