BEGIN TRANSACTION;
CREATE TABLE import_batches (
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
CREATE TABLE import_mappings (
    signature  TEXT PRIMARY KEY,
    labels     TEXT NOT NULL,                        -- JSON list of the header labels
    fields     TEXT NOT NULL,                        -- JSON list: the field of each column
    source     TEXT NOT NULL,                        -- the file it was saved from
    uses       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE import_rejects (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES import_batches(id),
    sheet       TEXT NOT NULL,
    row_number  INTEGER NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'rejected' CHECK (kind IN ('rejected', 'warning')),
    reason      TEXT NOT NULL,
    cells       TEXT NOT NULL,
    resolved_by INTEGER REFERENCES import_batches(id)  -- a later batch imported the fixed row
);
CREATE TABLE journal (
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
INSERT INTO "journal" VALUES(1,'2026-12-04T20:39:32','测试经办人','500101001','organisations',1,'5aee37968fc04c989aa66d1340850d41','insert',NULL,'{"address": null, "chair": null, "chair_phone": null, "dissolved_on": null, "employee_count": null, "founded_on": null, "id": 1, "industry": null, "kind": "联合工会", "name": "顺达快递联合工会", "parent_id": null, "parent_uid": null, "region_code": null, "status": "正常", "uid": "5aee37968fc04c989aa66d1340850d41", "unit_code": "500101001", "uscc": null}',NULL);
INSERT INTO "journal" VALUES(2,'2026-12-04T20:39:32','测试经办人','500101001','organisations',2,'a8893d37385d475a821459e46445fcb2','insert',NULL,'{"address": null, "chair": null, "chair_phone": null, "dissolved_on": null, "employee_count": null, "founded_on": null, "id": 2, "industry": null, "kind": "村(社区)工会", "name": "某某村工会", "parent_id": null, "parent_uid": null, "region_code": null, "status": "正常", "uid": "a8893d37385d475a821459e46445fcb2", "unit_code": "500101001", "uscc": null}',NULL);
INSERT INTO "journal" VALUES(3,'2026-12-04T20:39:32','测试经办人','500101001','members',1,'d9fd5cdb241347d4af838dd3ca2e7070','insert',NULL,'{"birth_date": "1990-01-01", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "男", "hardship": 0, "id": 1, "id_number": "500101199001010018", "job": null, "joined_on": "2024-03-01", "migrant": 1, "mutual_aid": 1, "name": "张伟", "new_form": "快递员", "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "d9fd5cdb241347d4af838dd3ca2e7070", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(4,'2026-12-04T20:39:32','测试经办人','500101001','members',2,'4242e2c11437494bb77dababff45bd04','insert',NULL,'{"birth_date": "1991-02-02", "birthplace_code": "500101", "card_no": "500101001000007", "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 1, "id": 2, "id_number": "500101199102020020", "job": null, "joined_on": "2024-05-01", "migrant": 0, "mutual_aid": 0, "name": "王芳", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "4242e2c11437494bb77dababff45bd04", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(5,'2026-12-04T20:39:32','测试经办人','500101001','members',3,'5a07e5c9f54a42baa523f409a67b5bf3','insert',NULL,'{"birth_date": "1988-03-03", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "男", "hardship": 1, "id": 3, "id_number": "500101198803030032", "job": null, "joined_on": "2023-01-15", "migrant": 0, "mutual_aid": 1, "name": "李娜", "new_form": null, "notes": null, "org_id": 2, "org_uid": "a8893d37385d475a821459e46445fcb2", "phone": null, "status": "在册", "status_note": null, "uid": "5a07e5c9f54a42baa523f409a67b5bf3", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(6,'2026-12-04T20:39:32','测试经办人','500101001','members',4,'e61f036bd3314757bfcc332a00a18356','insert',NULL,'{"birth_date": "1985-04-04", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 4, "id_number": "500101198504040046", "job": null, "joined_on": "2022-06-01", "migrant": 0, "mutual_aid": 0, "name": "刘洋", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "e61f036bd3314757bfcc332a00a18356", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(7,'2026-12-04T20:39:32','测试经办人','500101001','members',5,'0a53f1113ac3414d83ae74316b052d62','insert',NULL,'{"birth_date": "1992-05-05", "birthplace_code": "", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "男", "hardship": 0, "id": 5, "id_number": "810000199205050055", "job": null, "joined_on": "2025-02-01", "migrant": 0, "mutual_aid": 0, "name": "陈静", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": "13812345678", "status": "在册", "status_note": null, "uid": "0a53f1113ac3414d83ae74316b052d62", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(8,'2026-12-04T20:39:32','测试经办人','500101001','members',6,'d62f539b71b04b7e8fb214d790474ede','insert',NULL,'{"birth_date": "1993-06-06", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 6, "id_number": "500101199306060067", "job": null, "joined_on": "2025-07-01", "migrant": 1, "mutual_aid": 0, "name": "杨帆", "new_form": null, "notes": null, "org_id": 2, "org_uid": "a8893d37385d475a821459e46445fcb2", "phone": null, "status": "在册", "status_note": null, "uid": "d62f539b71b04b7e8fb214d790474ede", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(9,'2026-12-04T20:39:32','测试经办人','500101001','members',4,'e61f036bd3314757bfcc332a00a18356','update','{"birth_date": "1985-04-04", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 4, "id_number": "500101198504040046", "job": null, "joined_on": "2022-06-01", "migrant": 0, "mutual_aid": 0, "name": "刘洋", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "e61f036bd3314757bfcc332a00a18356", "unit_code": "500101001"}','{"birth_date": "1985-04-04", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 4, "id_number": "500101198504040046", "job": null, "joined_on": "2022-06-01", "migrant": 0, "mutual_aid": 0, "name": "刘洋", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "退会", "status_note": "本人申请", "uid": "e61f036bd3314757bfcc332a00a18356", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(10,'2026-12-04T20:39:32','测试经办人','500101001','members',6,'d62f539b71b04b7e8fb214d790474ede','update','{"birth_date": "1993-06-06", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 6, "id_number": "500101199306060067", "job": null, "joined_on": "2025-07-01", "migrant": 1, "mutual_aid": 0, "name": "杨帆", "new_form": null, "notes": null, "org_id": 2, "org_uid": "a8893d37385d475a821459e46445fcb2", "phone": null, "status": "在册", "status_note": null, "uid": "d62f539b71b04b7e8fb214d790474ede", "unit_code": "500101001"}','{"birth_date": "1993-06-06", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 0, "id": 6, "id_number": "500101199306060067", "job": null, "joined_on": "2025-07-01", "migrant": 1, "mutual_aid": 0, "name": "杨帆", "new_form": null, "notes": null, "org_id": 2, "org_uid": "a8893d37385d475a821459e46445fcb2", "phone": null, "status": "转出", "status_note": "调往某某街道", "uid": "d62f539b71b04b7e8fb214d790474ede", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(11,'2026-12-04T20:39:32','测试经办人','500101001','members',2,'4242e2c11437494bb77dababff45bd04','update','{"birth_date": "1991-02-02", "birthplace_code": "500101", "card_no": "500101001000007", "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 1, "id": 2, "id_number": "500101199102020020", "job": null, "joined_on": "2024-05-01", "migrant": 0, "mutual_aid": 0, "name": "王芳", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "4242e2c11437494bb77dababff45bd04", "unit_code": "500101001"}','{"birth_date": "1991-02-02", "birthplace_code": "500101", "card_no": "500101001000007", "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "女", "hardship": 1, "id": 2, "id_number": "500101199102020020", "job": null, "joined_on": "2024-05-01", "migrant": 0, "mutual_aid": 0, "name": "王芳", "new_form": null, "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "已故", "status_note": null, "uid": "4242e2c11437494bb77dababff45bd04", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(12,'2026-12-04T20:39:32','测试经办人','500101001','members',1,'d9fd5cdb241347d4af838dd3ca2e7070','update','{"birth_date": "1990-01-01", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "男", "hardship": 0, "id": 1, "id_number": "500101199001010018", "job": null, "joined_on": "2024-03-01", "migrant": 1, "mutual_aid": 1, "name": "张伟", "new_form": "快递员", "notes": null, "org_id": 1, "org_uid": "5aee37968fc04c989aa66d1340850d41", "phone": null, "status": "在册", "status_note": null, "uid": "d9fd5cdb241347d4af838dd3ca2e7070", "unit_code": "500101001"}','{"birth_date": "1990-01-01", "birthplace_code": "500101", "card_no": null, "deleted_at": null, "employment_form": null, "ethnicity": null, "gender": "男", "hardship": 0, "id": 1, "id_number": "500101199001010018", "job": null, "joined_on": "2024-03-01", "migrant": 1, "mutual_aid": 1, "name": "张伟", "new_form": "快递员", "notes": null, "org_id": 2, "org_uid": "a8893d37385d475a821459e46445fcb2", "phone": null, "status": "在册", "status_note": null, "uid": "d9fd5cdb241347d4af838dd3ca2e7070", "unit_code": "500101001"}',NULL);
INSERT INTO "journal" VALUES(13,'2026-12-04T20:39:32','测试经办人','500101001','transfers',1,'4094886218584fc297aa49b228c712d6','insert',NULL,'{"from_org_id": 1, "from_org_uid": "5aee37968fc04c989aa66d1340850d41", "from_outside": null, "id": 1, "member_id": 1, "member_uid": "d9fd5cdb241347d4af838dd3ca2e7070", "reason": "换站点", "to_org_id": 2, "to_org_uid": "a8893d37385d475a821459e46445fcb2", "to_outside": null, "transferred_on": "2025-01-10", "uid": "4094886218584fc297aa49b228c712d6", "unit_code": "500101001"}',NULL);
CREATE TABLE member_name_grams (
    gram      TEXT NOT NULL,
    member_id INTEGER NOT NULL,
    PRIMARY KEY (gram, member_id)
) WITHOUT ROWID;
INSERT INTO "member_name_grams" VALUES('伟',1);
INSERT INTO "member_name_grams" VALUES('刘',4);
INSERT INTO "member_name_grams" VALUES('刘洋',4);
INSERT INTO "member_name_grams" VALUES('娜',3);
INSERT INTO "member_name_grams" VALUES('帆',6);
INSERT INTO "member_name_grams" VALUES('张',1);
INSERT INTO "member_name_grams" VALUES('张伟',1);
INSERT INTO "member_name_grams" VALUES('李',3);
INSERT INTO "member_name_grams" VALUES('李娜',3);
INSERT INTO "member_name_grams" VALUES('杨',6);
INSERT INTO "member_name_grams" VALUES('杨帆',6);
INSERT INTO "member_name_grams" VALUES('洋',4);
INSERT INTO "member_name_grams" VALUES('王',2);
INSERT INTO "member_name_grams" VALUES('王芳',2);
INSERT INTO "member_name_grams" VALUES('芳',2);
INSERT INTO "member_name_grams" VALUES('陈',5);
INSERT INTO "member_name_grams" VALUES('陈静',5);
INSERT INTO "member_name_grams" VALUES('静',5);
CREATE TABLE members (
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
    status          TEXT NOT NULL DEFAULT '在册',  -- 在册 / 转出 / 退会 / 已故
    status_note     TEXT,
    name_pinyin     TEXT NOT NULL DEFAULT '',     -- search helpers, derived from name
    name_initials   TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
);
INSERT INTO "members" VALUES(1,'d9fd5cdb241347d4af838dd3ca2e7070','500101001','张伟','500101199001010018','男','1990-01-01','500101',NULL,NULL,2,NULL,NULL,1,'快递员','2024-03-01',NULL,1,0,NULL,'在册',NULL,'zhangwei','zw','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
INSERT INTO "members" VALUES(2,'4242e2c11437494bb77dababff45bd04','500101001','王芳','500101199102020020','女','1991-02-02','500101',NULL,NULL,1,NULL,NULL,0,NULL,'2024-05-01','500101001000007',0,1,NULL,'已故',NULL,'wangfang','wf','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
INSERT INTO "members" VALUES(3,'5a07e5c9f54a42baa523f409a67b5bf3','500101001','李娜','500101198803030032','男','1988-03-03','500101',NULL,NULL,2,NULL,NULL,0,NULL,'2023-01-15',NULL,1,1,NULL,'在册',NULL,'lina','ln','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
INSERT INTO "members" VALUES(4,'e61f036bd3314757bfcc332a00a18356','500101001','刘洋','500101198504040046','女','1985-04-04','500101',NULL,NULL,1,NULL,NULL,0,NULL,'2022-06-01',NULL,0,0,NULL,'退会','本人申请','liuyang','ly','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
INSERT INTO "members" VALUES(5,'0a53f1113ac3414d83ae74316b052d62','500101001','陈静','810000199205050055','男','1992-05-05','','13812345678',NULL,1,NULL,NULL,0,NULL,'2025-02-01',NULL,0,0,NULL,'在册',NULL,'chenjing','cj','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
INSERT INTO "members" VALUES(6,'d62f539b71b04b7e8fb214d790474ede','500101001','杨帆','500101199306060067','女','1993-06-06','500101',NULL,NULL,2,NULL,NULL,1,NULL,'2025-07-01',NULL,0,0,NULL,'转出','调往某某街道','yangfan','yf','2026-12-04T20:39:32','2026-12-04T20:39:32',NULL);
CREATE TABLE org_member_counts (
    org_id   INTEGER PRIMARY KEY,
    members  INTEGER NOT NULL DEFAULT 0,
    migrant  INTEGER NOT NULL DEFAULT 0,
    new_form INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "org_member_counts" VALUES(1,1,0,0);
INSERT INTO "org_member_counts" VALUES(2,2,1,1);
CREATE TABLE organisations (
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
INSERT INTO "organisations" VALUES(1,'5aee37968fc04c989aa66d1340850d41','500101001','顺达快递联合工会',NULL,'联合工会',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'正常',NULL,'shundakuaidilianhegonghui','sdkdlhgh','2026-12-04T20:39:31','2026-12-04T20:39:31');
INSERT INTO "organisations" VALUES(2,'a8893d37385d475a821459e46445fcb2','500101001','某某村工会',NULL,'村(社区)工会',NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'正常',NULL,'moumoucungonghui','mmcgh','2026-12-04T20:39:32','2026-12-04T20:39:32');
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "settings" VALUES('unit_code','500101001');
INSERT INTO "settings" VALUES('unit_name','测试镇总工会');
INSERT INTO "settings" VALUES('clerk_name','测试经办人');
CREATE TABLE sync_conflicts (
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
CREATE TABLE sync_files (
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
CREATE TABLE sync_rows (
    tbl         TEXT NOT NULL,
    uid         TEXT NOT NULL,
    source_code TEXT NOT NULL,
    source_seq  INTEGER NOT NULL,
    jseq        INTEGER NOT NULL,
    base        TEXT,
    PRIMARY KEY (tbl, uid)
) WITHOUT ROWID;
CREATE TABLE sync_sources (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    level      TEXT NOT NULL DEFAULT '',
    last_seq   INTEGER NOT NULL DEFAULT 0,
    files      INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE TABLE targets (
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
INSERT INTO "targets" VALUES(2026,'500101001','农民工',830,'500101001','测试镇总工会','测试经办人','2026-12-04T20:39:32');
CREATE TABLE transfers (
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
INSERT INTO "transfers" VALUES(1,'4094886218584fc297aa49b228c712d6','500101001',1,1,2,NULL,NULL,'2025-01-10','换站点','2026-12-04T20:39:32');
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE UNIQUE INDEX organisations_uscc ON organisations(uscc, unit_code) WHERE uscc IS NOT NULL;
CREATE UNIQUE INDEX members_person ON members(id_number, unit_code) WHERE deleted_at IS NULL;
CREATE INDEX members_org ON members(org_id);
CREATE INDEX members_pinyin ON members(name_pinyin);
CREATE INDEX members_initials ON members(name_initials);
CREATE INDEX members_joined ON members(joined_on, status, deleted_at);
CREATE INDEX members_deleted ON members(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE TRIGGER members_count_insert AFTER INSERT ON members
WHEN NEW.status = '在册' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO org_member_counts (org_id, members, migrant, new_form)
    VALUES (coalesce(NEW.org_id, 0), 1, NEW.migrant != 0, NEW.new_form IS NOT NULL)
    ON CONFLICT (org_id) DO UPDATE SET members = members + 1,
        migrant = migrant + excluded.migrant, new_form = new_form + excluded.new_form;
END;
CREATE TRIGGER members_count_delete AFTER DELETE ON members
WHEN OLD.status = '在册' AND OLD.deleted_at IS NULL
BEGIN
    UPDATE org_member_counts SET members = members - 1, migrant = migrant - (OLD.migrant != 0),
        new_form = new_form - (OLD.new_form IS NOT NULL)
    WHERE org_id = coalesce(OLD.org_id, 0);
END;
CREATE TRIGGER members_count_leave AFTER UPDATE OF org_id, status, deleted_at, migrant, new_form
ON members WHEN OLD.status = '在册' AND OLD.deleted_at IS NULL
BEGIN
    UPDATE org_member_counts SET members = members - 1, migrant = migrant - (OLD.migrant != 0),
        new_form = new_form - (OLD.new_form IS NOT NULL)
    WHERE org_id = coalesce(OLD.org_id, 0);
END;
CREATE TRIGGER members_count_enter AFTER UPDATE OF org_id, status, deleted_at, migrant, new_form
ON members WHEN NEW.status = '在册' AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO org_member_counts (org_id, members, migrant, new_form)
    VALUES (coalesce(NEW.org_id, 0), 1, NEW.migrant != 0, NEW.new_form IS NOT NULL)
    ON CONFLICT (org_id) DO UPDATE SET members = members + 1,
        migrant = migrant + excluded.migrant, new_form = new_form + excluded.new_form;
END;
CREATE INDEX transfers_member ON transfers(member_id);
CREATE INDEX journal_row ON journal(tbl, row_id);
CREATE UNIQUE INDEX sync_conflicts_open ON sync_conflicts(kind, tbl, row_uid) WHERE status = 'open';
CREATE INDEX import_batches_sha ON import_batches(file_sha256);
CREATE INDEX import_rejects_batch ON import_rejects(batch_id, sheet, row_number);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('journal',13);
COMMIT;
PRAGMA user_version = 2;
