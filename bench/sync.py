"""Sync throughput: full export of a large township and merge of many township files.

    python bench/sync.py [--members 1000000] [--towns 50] [--town-members 20000]
                         [--reference-rows N] [--skip-export] [--skip-merge]

Export: a complete sync file of a database of --members members (the database bench/search.py
builds and caches, shared with it), timed in a fresh process with its peak memory. In the same
run, openpyxl write_only (text cells typed 's', the way the trap in DESIGN.md says) and, when
installed, xlsxwriter constant_memory (strings_to_formulas off) write the same member rows, as
the reference the streaming writer is measured against.

Merge: --towns township files of --town-members members each (built once with executemany and
the real export, cached under the temp folder (clerk-bench-sync) by schema and format), merged in one
`merge` call into a new district database, in a fresh process with its peak memory.

Targets (issue 6): export >= 25,000 rows/s with peak memory < 150 MB; merge >= 30,000 rows/s.
Every step prints its figures; the last line is JSON with all of them, the load average and
the library versions.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "clerk-bench-sync"
DISTRICT = ("500101", "基准区总工会", "基准测试")
STAMP = "2026-01-01T09:00:00"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _search_bench():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for pkg in ("openpyxl", "XlsxWriter", "python-calamine", "msoffcrypto-tool", "textual"):
        try:
            found[pkg] = version(pkg)
        except PackageNotFoundError:
            found[pkg] = "not installed"
    return found


# -- export ---------------------------------------------------------------------------------------


def export_child(db: str, out: str) -> None:
    """In a fresh process: the real `clerk export --full`."""
    from clerk.store.store import Store
    from clerk.sync import export as sync_export

    store = Store(db)
    started = time.perf_counter()
    result = sync_export.export(store, full=True, out_dir=out)
    seconds = time.perf_counter() - started
    rows = sum(result.manifest.counts.values())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "members": result.manifest.counts["会员"],
                "bytes": result.path.stat().st_size,
                "peak_rss_mb": _peak_rss_mb(),
                "path": str(result.path),
            }
        )
    )


def _member_rows(db: str, limit: int | None):
    from clerk.sync import export as sync_export

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
    for i, row in enumerate(sync_export._members(conn, True, 0, 0, deleted=False)):
        if limit is not None and i >= limit:
            break
        yield row
    conn.close()


def openpyxl_child(db: str, out: str, limit: int | None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from clerk.sync import format as fmt

    started = time.perf_counter()
    book = Workbook(write_only=True)
    ws = book.create_sheet("会员")
    ws.append([f.label for f in fmt.MEMBER_FIELDS])
    n = 0
    for row in _member_rows(db, limit):
        cells = []
        for v in row:
            if v == "":
                cells.append(None)
            elif isinstance(v, str) and v[0] in "=+-@":
                # Only text that would be read as a formula needs a typed cell; the others go
                # in as plain str (openpyxl writes those as text), which is its fast path.
                cell = WriteOnlyCell(ws, value=v)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
        n += 1
    book.save(Path(out) / "openpyxl.xlsx")
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": n, "peak_rss_mb": _peak_rss_mb()}))


def xlsxwriter_child(db: str, out: str, limit: int | None) -> None:
    import xlsxwriter

    from clerk.sync import format as fmt

    started = time.perf_counter()
    book = xlsxwriter.Workbook(
        str(Path(out) / "xlsxwriter.xlsx"),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    ws = book.add_worksheet("会员")
    ws.write_row(0, 0, [f.label for f in fmt.MEMBER_FIELDS])
    n = 0
    for n, row in enumerate(_member_rows(db, limit), start=1):
        ws.write_row(n, 0, [None if v == "" else v for v in row])
    book.close()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": n, "peak_rss_mb": _peak_rss_mb()}))


def bench_export(members: int, reference_rows: int | None) -> dict:
    search = _search_bench()
    db = search.default_db(members)
    built, build = search.ensure_db(db, members)
    print(f"database: {db} ({'built in %.0f s' % build['build_s'] if built else 'reused'})", file=sys.stderr)
    out = CACHE / "export"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    figures: dict = {"db": str(db)}
    ours = _child("--export-child", str(db), str(out))
    ours["rows_per_s"] = ours["rows"] / ours["seconds"]
    figures["clerk_export"] = ours
    print(
        f"clerk export --full: {ours['rows']:,} rows in {ours['seconds']:.1f} s = {ours['rows_per_s']:,.0f} rows/s,"
        f" peak {ours['peak_rss_mb']:.0f} MB, file {ours['bytes'] / 1e6:.0f} MB",
        file=sys.stderr,
    )
    limit = [] if reference_rows is None else [str(reference_rows)]
    for name, flag in (
        ("openpyxl_write_only", "--openpyxl-child"),
        ("xlsxwriter_constant_memory", "--xlsxwriter-child"),
    ):
        if name.startswith("xlsxwriter") and importlib.util.find_spec("xlsxwriter") is None:
            figures[name] = "not installed"
            continue
        ref = _child(flag, str(db), str(out), *limit)
        ref["rows_per_s"] = ref["rows"] / ref["seconds"]
        figures[name] = ref
        print(
            f"{name}: {ref['rows']:,} member rows in {ref['seconds']:.1f} s = {ref['rows_per_s']:,.0f} rows/s,"
            f" peak {ref['peak_rss_mb']:.0f} MB",
            file=sys.stderr,
        )
    # Last, so that its memory (the whole file is read at once) is not counted in the others'
    # (a child starts with its parent's peak on Linux).
    check = _child("--verify-child", ours["path"])
    figures["clerk_export"]["verified"] = check
    print(
        f"  read back by calamine, checksum verified: {check['members']:,} members in {check['seconds']:.1f} s,"
        f" peak {check['peak_rss_mb']:.0f} MB",
        file=sys.stderr,
    )
    shutil.rmtree(out, ignore_errors=True)
    return figures


def verify_child(path: str) -> None:
    from clerk.sync import reader as sync_file

    started = time.perf_counter()
    sync = sync_file.read(path)
    print(
        json.dumps(
            {"seconds": time.perf_counter() - started, "members": len(sync.members), "peak_rss_mb": _peak_rss_mb()}
        )
    )


# -- merge ----------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉浩宇轩涵欣怡梓晨雨婷建国志海春梅晓东德庆永凤文俊思远佳琪"
REGIONS = ["500101", "500102", "500103", "500112", "500228", "510104", "511302", "522101", "430102", "420106"]
NEW_FORMS = ["快递员", "外卖送餐员", "网约车司机", "货车司机", "家政服务员", None, None, None, None, None]


def _town_files_key(towns: int, per_town: int) -> str:
    from clerk.store import db
    from clerk.sync import format as sync_format

    text = f"{db.schema_sql()}|{sync_format.FORMAT_VERSION}|{towns}|{per_town}|{(ROOT / 'clerk/sync/export.py').read_text()}{(ROOT / 'clerk/sync/format.py').read_text()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_town_files(towns: int, per_town: int) -> list[Path]:
    """Township databases filled with executemany, each exported complete by the real export."""
    from clerk.domain import idcard
    from clerk.registry import setup
    from clerk.store.store import Store, new_uid
    from clerk.sync import export as sync_export

    folder = CACHE / f"towns-{towns}x{per_town}-{_town_files_key(towns, per_town)}"
    done = folder / "done"
    if done.exists():
        return sorted(folder.glob("*.xlsx"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    from clerk.domain import names

    rng = random.Random(20261123)
    started = time.perf_counter()
    born0 = date(1962, 1, 1)
    # Real rosters repeat names a lot; a pool of 20,000 keeps the build fast (pinyin is slow).
    pool = []
    for _ in range(20_000):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        pool.append((name, *names.pinyin_keys(name)))
    person = 0
    for t in range(towns):
        code = f"{DISTRICT[0]}{t + 1:03d}"
        path = folder / f"{code}.db"
        store = Store(path)
        setup.set_up(store, code, f"基准第{t + 1}镇总工会", "基准测试")
        conn = store.conn
        conn.execute("BEGIN")
        orgs = []
        for i in range(20):
            uid = new_uid()
            conn.execute(
                "INSERT INTO organisations (id, uid, unit_code, name, kind, parent_id, industry, employee_count,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    i + 1,
                    uid,
                    code,
                    f"基准第{t + 1}镇{'总工会' if i == 0 else f'第{i}企业工会'}",
                    "乡镇(街道)总工会" if i == 0 else "企业工会",
                    None if i == 0 else 1,
                    None if i == 0 else "快递物流",
                    None if i == 0 else rng.randint(10, 900),
                    STAMP,
                    STAMP,
                ),
            )
            orgs.append(i + 1)
        rows = []
        for _ in range(per_town):
            born = born0 + timedelta(days=person // 999)
            number = idcard.with_check_digit(f"{rng.choice(REGIONS)}{born:%Y%m%d}{person % 999 + 1:03d}")
            person += 1
            name, full, initials = rng.choice(pool)
            rows.append(
                (
                    new_uid(),
                    code,
                    name,
                    number,
                    "男" if int(number[16]) % 2 else "女",
                    born.isoformat(),
                    number[:6],
                    f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
                    "汉族",
                    rng.choice(orgs[1:]),
                    rng.choice(["操作工", "快递员", "骑手", "司机", "保洁员"]),
                    "全日制",
                    rng.random() < 0.4,
                    rng.choice(NEW_FORMS),
                    f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    "在册",
                    STAMP,
                    STAMP,
                    full,
                    initials,
                )
            )
        conn.executemany(
            "INSERT INTO members (uid, unit_code, name, id_number, gender, birth_date, birthplace_code, phone,"
            " ethnicity, org_id, job, employment_form, migrant, new_form, joined_on, status, created_at, updated_at,"
            " name_pinyin, name_initials) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # One journal entry per record, as registering them would leave (the file's sequence range).
        conn.execute(
            "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, after)"
            " SELECT created_at, '基准测试', unit_code, 'organisations', id, uid, 'insert', '{}' FROM organisations"
        )
        conn.execute(
            "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, after)"
            " SELECT created_at, '基准测试', unit_code, 'members', id, uid, 'insert', '{}' FROM members ORDER BY id"
        )
        conn.execute("COMMIT")
        sync_export.export(store, full=True, out_dir=folder)
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"\r  township files {t + 1}/{towns}", end="", file=sys.stderr, flush=True)
    print(f"\r  township files built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    done.write_text("ok")
    return sorted(folder.glob("*.xlsx"))


def merge_child(district: str, files: list[str]) -> None:
    from clerk.registry import setup
    from clerk.store.store import Store
    from clerk.sync import merge as sync_merge

    store = Store(district)
    setup.set_up(store, *DISTRICT)
    started = time.perf_counter()
    report = sync_merge.merge(store, files)
    seconds = time.perf_counter() - started
    assert not report.refused, [o.message for o in report.refused]
    members = store.conn.execute("SELECT count(*) FROM members").fetchone()[0]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": report.rows,
                "members": members,
                "files": len(report.merged),
                "peak_rss_mb": _peak_rss_mb(),
            }
        )
    )


def floor_child(district: str, files: list[str]) -> None:
    """The writes a merge of these files cannot do without, alone and in the cheapest form: each
    file's members by one executemany (ids given, uid order), their counts, name grams and journal
    rows by SQL over the id range, their sync_rows, one transaction per file. Reading the files and
    the merge rules are left out (not timed): this is the most SQLite lets any merge do here."""
    from clerk.registry import setup
    from clerk.store import bulk as member_bulk
    from clerk.store.store import Store
    from clerk.sync import reader as sync_file
    from clerk.sync import sqlite_target as sync_sqlite

    store = Store(district)
    setup.set_up(store, *DISTRICT)
    conn = store.conn
    conn.execute("PRAGMA cache_size = -131072")
    conn.execute(f"DROP TRIGGER {member_bulk.COUNT_TRIGGER}")
    seconds, total, next_id = 0.0, 0, 1
    for path in files:
        sync = sync_file.read(path)
        org_ids: dict[str, int] = {}
        conn.execute("BEGIN IMMEDIATE")
        for s in sync.organisations:
            org_ids[s.uid] = conn.execute(
                "INSERT INTO organisations (uid, unit_code, name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (s.uid, s.values["unit_code"], s.values["name"], s.values["kind"], STAMP, STAMP),
            ).lastrowid
        conn.execute("COMMIT")

        class Target:
            _org_id = staticmethod(org_ids.get)

        states = sorted(sync.members, key=lambda s: s.uid)
        rows = [[next_id + k, *sync_sqlite._member_row(Target, s.values)] for k, s in enumerate(states)]
        first, last, code = next_id, next_id + len(rows) - 1, sync.manifest.unit_code
        next_id = last + 1
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sync_sqlite._MEMBER_INSERT, rows)
        conn.execute(member_bulk.COUNT_SQL, (first, last))
        member_bulk.add_grams(conn, first, last)
        member_bulk.journal_inserts(conn, first, last, at=STAMP, clerk=DISTRICT[2], unit_code=code)
        conn.executemany(
            "INSERT INTO sync_rows (tbl, uid, source_code, source_seq, jseq, base) VALUES ('members', ?, ?, ?, 0, NULL)",
            [(r[1], code, sync.manifest.last_seq) for r in rows],
        )
        conn.execute("COMMIT")
        seconds += time.perf_counter() - started
        total += len(rows)
    print(json.dumps({"seconds": seconds, "members": total}))


def bench_merge(towns: int, per_town: int) -> dict:
    files = build_town_files(towns, per_town)
    district = CACHE / "district.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{district}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(CACHE / "backups", ignore_errors=True)
    figures = _child("--merge-child", str(district), *map(str, files))
    figures["rows_per_s"] = figures["rows"] / figures["seconds"]
    print(
        f"clerk merge: {figures['files']} files, {figures['rows']:,} rows ({figures['members']:,} members) in"
        f" {figures['seconds']:.1f} s = {figures['rows_per_s']:,.0f} rows/s, peak {figures['peak_rss_mb']:.0f} MB",
        file=sys.stderr,
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{district}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(CACHE / "backups", ignore_errors=True)
    floor = _child("--floor-child", str(district), *map(str, files))
    figures["floor_rows_per_s"] = floor["members"] / floor["seconds"]
    print(
        f"reference: the writes alone (members, counts, name grams, journal, sync rows; no reading, no rules):"
        f" {floor['seconds']:.1f} s = {figures['floor_rows_per_s']:,.0f} rows/s",
        file=sys.stderr,
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{district}{suffix}").unlink(missing_ok=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="members in the exported database")
    parser.add_argument("--towns", type=int, default=50, help="township files to merge")
    parser.add_argument("--town-members", type=int, default=20_000, help="members in each township file")
    parser.add_argument(
        "--reference-rows", type=int, default=None, help="rows the reference writers write (default: all)"
    )
    parser.add_argument("--skip-export", action="store_true", help="only the merge")
    parser.add_argument("--skip-merge", action="store_true", help="only the export")
    parser.add_argument("--export-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--openpyxl-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--xlsxwriter-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--merge-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--floor-child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--verify-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_child:
        return export_child(*args.export_child)
    if args.openpyxl_child:
        db, out, *limit = args.openpyxl_child
        return openpyxl_child(db, out, int(limit[0]) if limit else None)
    if args.xlsxwriter_child:
        db, out, *limit = args.xlsxwriter_child
        return xlsxwriter_child(db, out, int(limit[0]) if limit else None)
    if args.verify_child:
        return verify_child(args.verify_child)
    if args.merge_child:
        return merge_child(args.merge_child[0], args.merge_child[1:])
    if args.floor_child:
        return floor_child(args.floor_child[0], args.floor_child[1:])

    CACHE.mkdir(parents=True, exist_ok=True)
    results: dict = {"load_before": os.getloadavg(), "versions": _versions(), "cpus": os.cpu_count()}
    print(f"load average {results['load_before'][0]:.2f}; {results['versions']}", file=sys.stderr)
    if not args.skip_export:
        results["export"] = bench_export(args.members, args.reference_rows)
    if not args.skip_merge:
        results["merge"] = bench_merge(args.towns, args.town_members)
    results["load_after"] = os.getloadavg()
    print(f"load average after: {results['load_after'][0]:.2f}", file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
