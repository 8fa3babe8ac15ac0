-- clerk database schema: the one source of truth.
-- Every statement is idempotent (IF NOT EXISTS) so clerk/store/db.py can re-apply it after
-- the column changes in its MIGRATIONS; the last line sets the schema version.

-- Who this database belongs to: unit_code (9-digit township / 6-digit district),
-- unit_name, unit_level, clerk_name; later also sync bookkeeping.
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Grassroots union organisations (基层工会组织), the 小三级 tree via parent_id.
CREATE TABLE IF NOT EXISTS organisations (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,          -- stable id across databases (sync)
    unit_code      TEXT NOT NULL,                 -- township that keeps the record
    name           TEXT NOT NULL,
    uscc           TEXT,                          -- unified social credit code
    kind           TEXT NOT NULL,
    parent_id      INTEGER REFERENCES organisations(id),
    region_code    TEXT,
    industry       TEXT,
    founded_on     TEXT,
    chair          TEXT,
    chair_phone    TEXT,
    employee_count INTEGER,
    address        TEXT,
    status         TEXT NOT NULL DEFAULT '正常',   -- 正常 / 已撤销
    dissolved_on   TEXT,
    name_pinyin    TEXT NOT NULL DEFAULT '',      -- picker search keys, derived from name
    name_initials  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS organisations_parent ON organisations(parent_id);
CREATE UNIQUE INDEX IF NOT EXISTS organisations_uscc ON organisations(uscc, unit_code) WHERE uscc IS NOT NULL;

-- Union members (会员). One record per person: a member who leaves keeps the record with a
-- status; deleted_at marks a record entered by mistake (soft delete, still synced).
CREATE TABLE IF NOT EXISTS members (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    unit_code       TEXT NOT NULL,                -- township that keeps the record
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL,                -- 18 chars, normalized, check digit valid
    gender          TEXT NOT NULL,                -- derived from id_number
    birth_date      TEXT NOT NULL,                -- derived from id_number
    birthplace_code TEXT NOT NULL,                -- derived from id_number (first 6)
    phone           TEXT,
    ethnicity       TEXT,
    org_id          INTEGER REFERENCES organisations(id),
    job             TEXT,
    employment_form TEXT,
    migrant         INTEGER NOT NULL DEFAULT 0,
    new_form        TEXT,                         -- new-employment-form category or NULL
    joined_on       TEXT,
    card_no         TEXT,
    mutual_aid      INTEGER NOT NULL DEFAULT 0,
    hardship        INTEGER NOT NULL DEFAULT 0,
    notes           TEXT,
    status          TEXT NOT NULL DEFAULT '在册',  -- domain/lifecycle.py: 在册 保留会籍 转出 退会 除名 已故
    status_note     TEXT,
    status_on       TEXT,                         -- the current status's effective date (NULL: joined_on / unknown)
    status_reason   TEXT,                         -- from lifecycle.REASONS of the status
    -- The real-name record's coded fields (domain/coded.py); id_kind follows from the number.
    id_kind           TEXT NOT NULL DEFAULT '居民身份证',
    education         TEXT,
    political         TEXT,
    household         TEXT,
    employment_status TEXT,
    skill_level       TEXT,
    join_method       TEXT,
    join_place        TEXT,
    name_pinyin     TEXT NOT NULL DEFAULT '',     -- search helpers, derived from name
    name_initials   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
);
-- One record per person in a township. A district database holds every township's records, so a
-- person who moved keeps a 转出 record in the old township beside the 在册 one in the new; a person
-- 在册 in two townships at once becomes a merge conflict (sync_conflicts), never a lost record.
CREATE UNIQUE INDEX IF NOT EXISTS members_person ON members(id_number, unit_code) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS members_org ON members(org_id);
CREATE INDEX IF NOT EXISTS members_pinyin ON members(name_pinyin);
CREATE INDEX IF NOT EXISTS members_initials ON members(name_initials);
-- joined_on first for "new this month/year" on the home screen; status and deleted_at make it
-- covering, so the count reads the index range only.
CREATE INDEX IF NOT EXISTS members_joined ON members(joined_on, status, deleted_at);
-- Card numbers are issued never twice (registry/cards.py): looking one up must not scan.
CREATE INDEX IF NOT EXISTS members_card ON members(card_no) WHERE card_no IS NOT NULL;
-- The few deleted records: the whole list's total is count(*) minus these (search.py).
CREATE INDEX IF NOT EXISTS members_deleted ON members(deleted_at) WHERE deleted_at IS NOT NULL;

-- Members on the roll (在册, not deleted) per organisation, kept by the triggers below so the
-- organisation tree and the coverage figures read 5,000 rows instead of scanning 1,000,000
-- members. org_id 0 holds members in no organisation. Derived: never journaled or synced;
-- clerk/registry/organisations.py recount() rebuilds it. (An INSERT OR REPLACE into members
-- would skip the delete trigger: update with ON CONFLICT DO UPDATE instead.)
CREATE TABLE IF NOT EXISTS org_member_counts (
    org_id   INTEGER PRIMARY KEY,
    members  INTEGER NOT NULL DEFAULT 0,
    migrant  INTEGER NOT NULL DEFAULT 0,
    new_form INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS members_count_insert AFTER INSERT ON members
WHEN NEW.status = '在册' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO org_member_counts (org_id, members, migrant, new_form)
    VALUES (coalesce(NEW.org_id, 0), 1, NEW.migrant != 0, NEW.new_form IS NOT NULL)
    ON CONFLICT (org_id) DO UPDATE SET members = members + 1,
        migrant = migrant + excluded.migrant, new_form = new_form + excluded.new_form;
END;
CREATE TRIGGER IF NOT EXISTS members_count_delete AFTER DELETE ON members
WHEN OLD.status = '在册' AND OLD.deleted_at IS NULL
BEGIN
    UPDATE org_member_counts SET members = members - 1, migrant = migrant - (OLD.migrant != 0),
        new_form = new_form - (OLD.new_form IS NOT NULL)
    WHERE org_id = coalesce(OLD.org_id, 0);
END;
CREATE TRIGGER IF NOT EXISTS members_count_leave AFTER UPDATE OF org_id, status, deleted_at, migrant, new_form
ON members WHEN OLD.status = '在册' AND OLD.deleted_at IS NULL
BEGIN
    UPDATE org_member_counts SET members = members - 1, migrant = migrant - (OLD.migrant != 0),
        new_form = new_form - (OLD.new_form IS NOT NULL)
    WHERE org_id = coalesce(OLD.org_id, 0);
END;
CREATE TRIGGER IF NOT EXISTS members_count_enter AFTER UPDATE OF org_id, status, deleted_at, migrant, new_form
ON members WHEN NEW.status = '在册' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO org_member_counts (org_id, members, migrant, new_form)
    VALUES (coalesce(NEW.org_id, 0), 1, NEW.migrant != 0, NEW.new_form IS NOT NULL)
    ON CONFLICT (org_id) DO UPDATE SET members = members + 1,
        migrant = migrant + excluded.migrant, new_form = new_form + excluded.new_form;
END;

-- Name search: every 1- and 2-character piece of a member's name. A trigram index finds
-- nothing for the one- and two-character queries most Chinese names need, and LIKE scans.
CREATE TABLE IF NOT EXISTS member_name_grams (
    gram      TEXT NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (gram, member_id)
) WITHOUT ROWID;

-- Transfers of a member between organisations (组织关系转接), within or across townships.
-- An end outside this database is named in from_outside / to_outside.
CREATE TABLE IF NOT EXISTS transfers (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    unit_code      TEXT NOT NULL,
    member_id      INTEGER NOT NULL REFERENCES members(id),
    from_org_id    INTEGER REFERENCES organisations(id),
    to_org_id      INTEGER REFERENCES organisations(id),
    from_outside   TEXT,
    to_outside     TEXT,
    transferred_on TEXT NOT NULL,
    reason         TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transfers_member ON transfers(member_id);

-- Change journal: every insert/update/delete, the audit log and the source of sync files.
-- row_uid names the record across databases; before/after hold JSON of the record's fields.
CREATE TABLE IF NOT EXISTS journal (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    clerk     TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    tbl       TEXT NOT NULL,
    row_id    INTEGER NOT NULL,
    row_uid   TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    before    TEXT,
    after     TEXT,
    batch_id  INTEGER
);
CREATE INDEX IF NOT EXISTS journal_row ON journal(tbl, row_id);

-- Sync at the district (区县): each unit whose files were merged and the last journal
-- sequence applied from it; a file whose range starts after last_seq + 1 has a gap.
CREATE TABLE IF NOT EXISTS sync_sources (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL DEFAULT '',
    last_seq   INTEGER NOT NULL DEFAULT 0,
    files      INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- Every sync file merged: its identity (unit, range, data checksum), counts, and a forced gap.
CREATE TABLE IF NOT EXISTS sync_files (
    id          INTEGER PRIMARY KEY,
    source_code TEXT NOT NULL REFERENCES sync_sources(code),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    checksum    TEXT NOT NULL,                   -- the manifest's checksum over the data
    mode        TEXT NOT NULL,                   -- 增量 / 完整
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    exported_at TEXT NOT NULL,
    merged_at   TEXT NOT NULL,
    merged_by   TEXT NOT NULL,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    conflicts   INTEGER NOT NULL DEFAULT 0,
    forced_gap  TEXT,                            -- the missing sequence range, when forced
    UNIQUE (source_code, first_seq, last_seq, checksum)
);

-- Per merged record: which unit sent it, the newest file range end applied (older states are
-- skipped), the district journal seq after that apply (later entries are district edits), and
-- base: the sender's state when the district's record differs from it (NULL when the same).
CREATE TABLE IF NOT EXISTS sync_rows (
    tbl         TEXT NOT NULL,
    uid         TEXT NOT NULL,
    source_code TEXT NOT NULL,
    source_seq  INTEGER NOT NULL,
    jseq        INTEGER NOT NULL,
    base        TEXT,
    PRIMARY KEY (tbl, uid)
) WITHOUT ROWID;

-- Merge conflicts the district clerk resolves: a person 在册 in two units (live_twice), or a record
-- changed both by the sender and at the district (both_changed). incoming/local are JSON records.
CREATE TABLE IF NOT EXISTS sync_conflicts (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('live_twice', 'both_changed')),
    tbl         TEXT NOT NULL,
    row_uid     TEXT NOT NULL,                   -- the record the sender's file brought
    other_uid   TEXT,                            -- live_twice: the record 在册 elsewhere
    id_number   TEXT,
    source_code TEXT NOT NULL,
    file_id     INTEGER REFERENCES sync_files(id),
    fields      TEXT,                            -- JSON list of the fields changed on both sides
    incoming    TEXT NOT NULL,
    local       TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution  TEXT,
    resolved_at TEXT,
    resolved_by TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS sync_conflicts_open ON sync_conflicts(kind, tbl, row_uid) WHERE status = 'open';

-- Roster imports (批量入会): one batch per file committed. The members it wrote carry the batch
-- id in their journal rows (first_seq..last_seq); undo reverses exactly those. Local bookkeeping,
-- like settings: not journaled, not synced.
CREATE TABLE IF NOT EXISTS import_batches (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,
    unit_code       TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    file_kind       TEXT NOT NULL,
    sheets          TEXT NOT NULL,                   -- JSON: [{name, header_rows, data_start, labels}]
    mapping         TEXT NOT NULL,                   -- JSON: {sheet: {"列 表头": field}}
    org_id          INTEGER REFERENCES organisations(id),
    update_existing INTEGER NOT NULL DEFAULT 0,
    new_count       INTEGER NOT NULL DEFAULT 0,
    updated_count   INTEGER NOT NULL DEFAULT 0,
    unchanged_count INTEGER NOT NULL DEFAULT 0,
    duplicate_count INTEGER NOT NULL DEFAULT 0,
    rejected_count  INTEGER NOT NULL DEFAULT 0,
    warning_count   INTEGER NOT NULL DEFAULT 0,
    first_seq       INTEGER,                         -- journal range the batch wrote
    last_seq        INTEGER,
    parent_id       INTEGER REFERENCES import_batches(id),  -- the batch whose error report this fixes
    backup_path     TEXT,
    status          TEXT NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'undone')),
    clerk           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    undone_at       TEXT,
    undone_by       TEXT
);
CREATE INDEX IF NOT EXISTS import_batches_sha ON import_batches(file_sha256);

-- Rows a batch did not import, with the original cells (JSON list of texts, as in the file).
CREATE TABLE IF NOT EXISTS import_rejects (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batches(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'rejected' CHECK (kind IN ('rejected', 'warning')),
    reason      TEXT NOT NULL,
    cells       TEXT NOT NULL,
    resolved_by INTEGER REFERENCES import_batches(id)  -- a later batch imported the fixed row
);
CREATE INDEX IF NOT EXISTS import_rejects_batch ON import_rejects(batch_id, sheet, row_number);

-- Column mappings a clerk corrected and saved, found again by the header's signature (the same
-- employer's template gives the same signature).
CREATE TABLE IF NOT EXISTS import_mappings (
    signature  TEXT PRIMARY KEY,
    labels     TEXT NOT NULL,                        -- JSON list of the header labels
    fields     TEXT NOT NULL,                        -- JSON list: the field of each column
    source     TEXT NOT NULL,                        -- the file it was saved from
    uses       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Yearly targets (年度目标任务) per unit and category (clerk/domain/targets.py): set by the unit
-- above for each unit below it (a district for its townships, a city for its districts) and
-- carried down in the downward file, or typed by a unit for itself when none came from above.
-- set_by is the unit that set it. Bookkeeping like settings: not journaled, not synced upward.
CREATE TABLE IF NOT EXISTS targets (
    year        INTEGER NOT NULL,
    unit_code   TEXT NOT NULL,                   -- the unit the target is for
    category    TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    set_by      TEXT NOT NULL,                   -- code of the unit that set it
    set_by_name TEXT NOT NULL,
    clerk       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (year, unit_code, category)
);

PRAGMA user_version = 3;
