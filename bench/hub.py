"""City hub throughput: township sync files merged into PostgreSQL, and the city-wide report.

    python bench/hub.py [--files 200] [--members 20000] [--jobs 1] [--sqlite-files 10]
                        [--url postgresql://superuser@host/postgres] [--keep]

Files: --files township sync files of --members members each (20 districts of 10 townships of
city 5001, about 30 organisations per township), written straight from generated rows with the
sync format module and the export's own sheet writer (the same bytes `clerk export` writes),
cached under the temp folder (clerk-bench-hub) by format version and size.

PostgreSQL: a new database on the server --url names (a superuser URL; default CLERK_TEST_PG_URL,
else a throwaway cluster started with tests/pg_server.sh and stopped at the end), `clerk hub
init`, then every file merged with the real merge (sync_merge rules, PostgresTarget): in this
process, or with --jobs N as `clerk merge --into URL --jobs N` does (hub_parallel: N processes,
each taking whole townships; different files merge concurrently on the hub). Then VACUUM ANALYZE (what autovacuum
does after a bulk load; timed apart) and the city-wide statistics report: the figures (the
queries) and the whole .xlsx, each timed twice.

SQLite, for comparison in the same run: the same merge of the first --sqlite-files files (one
district's townships, since a district database only takes its own) into a district database.

Targets (issue 7): PostgreSQL merge >= 50,000 rows/s over 200 files x 20,000 members
(4,000,000), city report < 2 s. Besides the rates it prints the CPU each row cost in the merging
processes and on the server (when the server runs on this machine): the steadier figure when other
work shares the cores. The last line is JSON with every figure, the load average, the server's
settings and the library versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path(tempfile.gettempdir()) / "clerk-bench-hub"
CITY = ("5001", "基准市总工会", "基准测试")
STAMP = "2026-01-01T09:00:00"
ORGS_PER_TOWN = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰春梅海燕晓雪丹鹏飞宇浩然欣怡子涵思雨博文俊"
JOBS = ("快递员", "分拣员", "外卖骑手", "网约车司机", "货车司机", "家政服务员", "操作工", "销售", "保安", "厨师")
NEW_FORMS = ("快递员", "外卖送餐员", "网约车司机", "货车司机", "家政服务员", "网络主播")


@cache
def _pinyin(name: str) -> tuple[str, str]:
    from clerk.domain import names

    return names.pinyin_keys(name)


def town_code(i: int) -> str:
    return f"{CITY[0]}{1 + i // 10:02d}{1 + i % 10:03d}"


def _versions() -> dict:
    from importlib.metadata import version

    import psycopg
    import python_calamine  # noqa: F401

    return {
        "python": platform.python_version(),
        "psycopg": psycopg.__version__,
        "libpq": psycopg.pq.version(),
        "python-calamine": version("python-calamine"),
        "sqlite": __import__("sqlite3").sqlite_version,
    }


def _load() -> str:
    return " ".join(f"{x:.2f}" for in_ in [os.getloadavg()] for x in in_)


# -- files ---------------------------------------------------------------------------------------


def _cache_dir(members: int) -> Path:
    from clerk.sync import format as fmt

    key = hashlib.sha256(
        json.dumps([fmt.FORMAT_VERSION, [f.label for f in fmt.MEMBER_FIELDS], members, 3]).encode()
    ).hexdigest()[:10]
    return CACHE / f"m{members}-{key}"


def write_town_file(index: int, members: int, out_dir: Path) -> Path:
    from clerk.domain import idcard
    from clerk.spreadsheets.xlsx_stream import Column, XlsxStreamWriter
    from clerk.sync import export as sync_export
    from clerk.sync import format as fmt

    rng = random.Random(index)
    code = town_code(index)
    district = code[:6]
    name = f"基准{index + 1:03d}镇总工会"
    root_uid = uuid.UUID(int=rng.getrandbits(128)).hex
    orgs = []
    for k in range(ORGS_PER_TOWN):
        uid = root_uid if k == 0 else uuid.UUID(int=rng.getrandbits(128)).hex
        kind = "乡镇(街道)总工会" if k == 0 else ("企业工会" if k % 3 else "联合工会")
        org_name = name if k == 0 else f"基准{index + 1:03d}镇第{k}{'快递有限公司' if k % 2 else '制造厂'}工会"
        industry = "" if k == 0 else ("快递物流" if k % 2 else "制造业")
        employees = "" if k == 0 else 20 + (k * 37) % 400
        orgs.append((uid, org_name, kind, industry, employees))
    org_rows = []
    for uid, org_name, kind, industry, employees in orgs:
        values = {
            "name": org_name,
            "uscc": "",
            "kind": kind,
            "parent_name": "" if uid == root_uid else name,
            "industry": industry,
            "region_code": district,
            "founded_on": "2015-06-01",
            "chair": "",
            "chair_phone": "",
            "employee_count": employees,
            "address": "",
            "status": "正常",
            "dissolved_on": "",
            "unit_code": code,
            "created_at": STAMP,
            "updated_at": STAMP,
            "uid": uid,
            "parent_uid": "" if uid == root_uid else root_uid,
        }
        org_rows.append(tuple(values[f.key] for f in fmt.ORG_FIELDS))

    member_keys = [f.key for f in fmt.MEMBER_FIELDS]
    start = date(1965, 1, 1)
    base = (index % 10) * members  # unique ID numbers in a district (region code = district)

    def member_rows():
        for n in range(members):
            k = base + n
            birth = start + timedelta(days=k % 14600)
            body = f"{district}{birth:%Y%m%d}{k // 14600 + 1:03d}"
            id_number = idcard.with_check_digit(body)
            gender = "男" if int(body[16]) % 2 else "女"
            org = orgs[1 + n % (ORGS_PER_TOWN - 1)]
            new_form = NEW_FORMS[n % len(NEW_FORMS)] if n % 3 == 0 else ""
            joined = date(2020, 1, 1) + timedelta(days=(k * 7) % 2400)
            person = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 4 else "")
            pinyin, initials = _pinyin(person)
            values = {
                "name": person,
                "id_number": id_number,
                "gender": gender,
                "birth_date": birth.isoformat(),
                "birthplace_code": district,
                "phone": f"13{k % 10}{k:08d}"[-11:],
                "ethnicity": "汉族",
                "org_name": org[1],
                "job": rng.choice(JOBS),
                "employment_form": "劳动合同",
                "migrant": 1 if n % 2 else 0,
                "new_form": new_form,
                "joined_on": joined.isoformat(),
                "card_no": "",
                "mutual_aid": 1 if n % 5 == 0 else 0,
                "hardship": 1 if n % 50 == 0 else 0,
                "status": "在册",
                "status_note": "",
                "notes": "",
                "unit_code": code,
                "created_at": STAMP,
                "updated_at": STAMP,
                "name_pinyin": pinyin,
                "name_initials": initials,
                "uid": uuid.UUID(int=rng.getrandbits(128)).hex,
                "org_uid": org[0],
            }
            yield tuple(values[key] for key in member_keys)

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / fmt.file_name(code, 1, members + ORGS_PER_TOWN, True)
    tmp = target.with_suffix(".part")
    checksum = fmt.Checksum()
    counts = {}
    with XlsxStreamWriter(tmp, title=f"{name} 同步文件") as book:
        for sheet, rows in (
            (fmt.ORG_SHEET, iter(org_rows)),
            (fmt.MEMBER_SHEET, member_rows()),
            (fmt.TRANSFER_SHEET, iter(())),
            (fmt.DELETION_SHEET, iter(())),
        ):
            counts[sheet] = sync_export._stream_sheet(book, sheet, rows, checksum, lambda n: None)
        manifest = fmt.Manifest(
            version=fmt.FORMAT_VERSION,
            unit_code=code,
            unit_name=name,
            level="乡镇(街道)",
            clerk="基准测试",
            mode=fmt.MODE_FULL,
            first_seq=1,
            last_seq=members + ORGS_PER_TOWN,
            created_at=STAMP,
            counts=counts,
            checksum=checksum.hexdigest(),
        )
        with book.sheet(fmt.MANIFEST_SHEET, [Column("项目", 16), Column("内容", 70)], position=0) as sheet:
            for label, value in manifest.rows():
                sheet.append([label, value])
    tmp.replace(target)
    return target


def build_files(count: int, members: int) -> list[Path]:
    folder = _cache_dir(members)
    wanted = [folder / f"{town_code(i)}_{1:06d}-{members + ORGS_PER_TOWN:06d}_完整.xlsx" for i in range(count)]
    missing = [i for i, p in enumerate(wanted) if not p.exists()]
    if missing:
        started = time.perf_counter()
        print(f"writing {len(missing)} township files of {members:,} members to {folder} ...", flush=True)
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(write_town_file, missing, [members] * len(missing), [folder] * len(missing)))
        print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)
    return wanted


# -- PostgreSQL ------------------------------------------------------------------------------------


class Server:
    def __init__(self, url: str | None):
        self.dir = None
        if not url:
            self.dir = tempfile.mkdtemp(prefix="clerk-bench-pg-")
            url = subprocess.run(
                ["bash", str(ROOT / "tests" / "pg_server.sh"), "start", self.dir],
                check=True,
                stdout=subprocess.PIPE,
                text=True,
            ).stdout.strip()
        self.admin_url = url

    def stop(self) -> None:
        if self.dir:
            subprocess.run(["bash", str(ROOT / "tests" / "pg_server.sh"), "stop", self.dir], check=False)


def _db_url(admin_url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


class _Watcher:
    """Every 30 s: files merged so far and the rate over the interval (does it fall as the hub grows?)."""

    def __init__(self, url: str, members: int, started: float):
        import threading

        self.url, self.members, self.started = url, members, started
        self.rates: list[tuple[int, int, int]] = []  # (seconds, members merged, members/s in the interval)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        last_t, last_n = 0.0, 0
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(30):
                files = conn.execute("SELECT count(*) FROM sync_files").fetchone()[0]
                t, n = time.perf_counter() - self.started, files * self.members
                rate = round((n - last_n) / (t - last_t))
                self.rates.append((round(t), n, rate))
                print(
                    f"  {t:5.0f} s: {n:>9,} members merged, {rate:,} members/s in the last interval; load {_load()}",
                    flush=True,
                )
                last_t, last_n = t, n


def _clients_cpu() -> float:
    """CPU seconds of this process and of every process it started and reaped (merge workers,
    their read-ahead helpers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _ServerCpu:
    """CPU seconds the PostgreSQL server spends (all its processes, ended backends included),
    when it runs on this machine and we may read its postmaster.pid; else None. With other work on
    the machine, CPU per row says more than rows per second."""

    def __init__(self, admin_url: str):
        import psycopg

        self.pid = None
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                data = conn.execute("SHOW data_directory").fetchone()[0]
            self.pid = int(Path(data, "postmaster.pid").read_text().split()[0])
            self.start = self._total()
        except (OSError, ValueError, psycopg.Error):
            self.pid = None

    def _total(self) -> float:
        tick = os.sysconf("SC_CLK_TCK")

        def stat(pid: int) -> list[str]:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

        fields = stat(self.pid)  # utime, stime, cutime (ended backends), cstime
        total = sum(int(x) for x in fields[11:15])
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        for child in children:
            try:
                total += sum(int(x) for x in stat(int(child))[11:13])
            except OSError:
                pass  # ended meanwhile: counted in cutime from now on
        return total / tick

    def used(self) -> float | None:
        if self.pid is None:
            return None
        try:
            return self._total() - self.start
        except OSError:
            return None


def bench_postgres(server: Server, files: list[Path], members: int, jobs: int) -> dict:
    import psycopg

    from clerk.hub import report as hub_report
    from clerk.hub import service as hub

    name = "clerk_bench_hub"
    with psycopg.connect(server.admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        settings = dict(
            admin.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN"
                " ('shared_buffers', 'fsync', 'synchronous_commit', 'work_mem', 'max_wal_size', 'server_version',"
                " 'max_parallel_workers_per_gather', 'random_page_cost')"
            ).fetchall()
        )
    url = _db_url(server.admin_url, name)
    hub.init(url, *CITY).close()

    load_before = _load()
    server_cpu = _ServerCpu(server.admin_url)
    clients_cpu = _clients_cpu()
    started = time.perf_counter()
    watcher = _Watcher(url, members, started)
    watcher.start()
    if jobs <= 1:
        h = hub.open_hub(url)
        report = hub.merge(h, files)
        h.close()
        refused = [o.message for o in report.outcomes if o.status != "merged"]
    else:  # what `clerk merge --into URL --jobs N` does
        from clerk.hub import parallel as hub_parallel

        report = hub_parallel.merge(url, files, jobs=jobs)
        refused = [o.message for o in report.outcomes if o.status != "merged"]
    elapsed = time.perf_counter() - started
    clients_cpu = _clients_cpu() - clients_cpu
    server_s = server_cpu.used()
    watcher.stop()
    if refused:
        raise SystemExit(f"merge refused files: {refused[:3]}")
    rows = len(files) * (members + ORGS_PER_TOWN)
    merged_members = len(files) * members

    with psycopg.connect(url, autocommit=True) as conn:
        counted = conn.execute("SELECT count(*) FROM members").fetchone()[0]
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
        t = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        vacuum = time.perf_counter() - t
    assert counted == merged_members, (counted, merged_members)

    h = hub.open_hub(url)
    period = hub_report.report.parse_period("2026")
    figures_s, workbook_s = [], []
    for _ in range(2):
        t = time.perf_counter()
        figs = hub_report.figures(hub_report.ReportSource(h), period)
        figures_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        out = hub_report.write_report(
            h, period="2026", out=Path(tempfile.gettempdir()) / "clerk-bench-city-report.xlsx"
        )
        workbook_s.append(time.perf_counter() - t)
    h.close()
    return {
        "pg_files": len(files),
        "pg_members": merged_members,
        "pg_rows": rows,
        "pg_jobs": jobs,
        "pg_merge_s": round(elapsed, 1),
        "pg_members_per_s": round(merged_members / elapsed),
        "pg_rows_per_s": round(rows / elapsed),
        "pg_load_during_merge": f"{load_before} -> {_load()}",
        "pg_cpu_us_per_row": {
            "clients": round(clients_cpu / rows * 1e6, 1),
            "server": round(server_s / rows * 1e6, 1) if server_s is not None else None,
        },
        "pg_database_size": size,
        "pg_vacuum_analyze_s": round(vacuum, 1),
        "report_figures_s": [round(x, 2) for x in figures_s],
        "report_xlsx_s": [round(x, 2) for x in workbook_s],
        "report_units": len(figs.units),
        "report_orgs": len(figs.per_org),
        "report_members": figs.total.members,
        "report_path": str(out),
        "pg_settings": settings,
        "pg_rate_by_interval": watcher.rates,
    }


def bench_sqlite(files: list[Path], members: int) -> dict:
    from clerk.registry import setup
    from clerk.store.store import Store
    from clerk.sync import merge as sync_merge

    folder = Path(tempfile.mkdtemp(prefix="clerk-bench-hub-sqlite-"))
    try:
        store = Store(folder / "district.db")
        setup.set_up(store, "500101", "基准区总工会", "基准测试")
        started = time.perf_counter()
        report = sync_merge.merge(store, files)
        elapsed = time.perf_counter() - started
        assert all(o.status == "merged" for o in report.outcomes), [o.message for o in report.outcomes]
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    merged = len(files) * members
    return {
        "sqlite_files": len(files),
        "sqlite_members": merged,
        "sqlite_merge_s": round(elapsed, 1),
        "sqlite_members_per_s": round(merged / elapsed),
        "sqlite_rows_per_s": round(len(files) * (members + ORGS_PER_TOWN) / elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=1, help="merge processes at once (each takes whole townships)")
    parser.add_argument(
        "--sqlite-files", type=int, default=10, help="files merged into SQLite (at most 10: one district)"
    )
    parser.add_argument(
        "--url", default=os.environ.get("CLERK_TEST_PG_URL"), help="superuser URL of a PostgreSQL server"
    )
    args = parser.parse_args()

    print(f"load average at start: {_load()}  (uptime)", flush=True)
    files = build_files(args.files, args.members)
    server = Server(args.url)
    try:
        pg = bench_postgres(server, files, args.members, args.jobs)
    finally:
        server.stop()
    print(
        f"PostgreSQL {pg['pg_settings'].get('server_version')}: merged {pg['pg_files']} files, "
        f"{pg['pg_members']:,} members in {pg['pg_merge_s']} s with {pg['pg_jobs']} process(es): "
        f"{pg['pg_members_per_s']:,} members/s ({pg['pg_rows_per_s']:,} rows/s incl. organisations); "
        f"load {pg['pg_load_during_merge']}; database {pg['pg_database_size']}",
        flush=True,
    )
    cpu = pg["pg_cpu_us_per_row"]
    print(f"  CPU per row: {cpu['clients']} us in the merging processes, {cpu['server']} us on the server", flush=True)
    print(f"  VACUUM ANALYZE after the load: {pg['pg_vacuum_analyze_s']} s", flush=True)
    print(
        f"city report over {pg['report_members']:,} members, {pg['report_units']} unit rows, {pg['report_orgs']:,}"
        f" organisations: figures {pg['report_figures_s']} s, whole .xlsx {pg['report_xlsx_s']} s",
        flush=True,
    )
    sqlite_files = [f for f in files if f.name.startswith("500101")][: args.sqlite_files]
    result = {**pg}
    if sqlite_files:
        sq = bench_sqlite(sqlite_files, args.members)
        print(
            f"SQLite (same merge, {sq['sqlite_files']} files of one district = {sq['sqlite_members']:,} members): "
            f"{sq['sqlite_merge_s']} s, {sq['sqlite_members_per_s']:,} members/s",
            flush=True,
        )
        result.update(sq)
    result.update(load_at_end=_load(), versions=_versions())
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
