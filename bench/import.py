"""Roster import throughput: a 200,000-row .xlsx into a database already holding 1,000,000 members.

    python bench/import.py [--rows 200000] [--members 1000000] [--preview-rows 20000]

Prints, each measured in a fresh process (so peak RSS is the import's own):
- end to end: scan (file checks, header), then the row checks here while the writer process
  writes (backup, one transaction), rows/s, the time of each step, peak RSS of both processes;
- the reference: plain openpyxl read-only iteration over the same file;
- the wizard's case: a 20,000-row roster from file to preview (scan + validate).

The roster is written like Excel writes one (shared strings, numbers as numbers) and cached in
the temp folder (clerk-bench-import); it holds a realistic mix: 1 % people already in the database, a few
wrong check digits and duplicates. The 1,000,000-member database is the one bench/search.py builds
(reused from ~/.cache/clerk-bench when present); each run imports into a fresh copy of it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("CLERK_BENCH_TMP") or Path(tempfile.gettempdir()) / "clerk-bench-import")

HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "身份证号码",
    "手机号码",
    "工作单位",
    "岗位",
    "入会时间",
    "是否农民工",
    "新就业形态",
    "备注",
]
# Regions the 1,000,000 generated members do not use, so new people never collide by chance.
NEW_REGIONS = ["130102", "140105", "150102", "210102", "220102", "230102", "320102", "330102", "340102", "350102"]
JOBS = [
    ("快递员", "快递员"),
    ("外卖骑手", "外卖送餐员"),
    ("网约车司机", "网约车司机"),
    ("分拣员", ""),
    ("仓管员", ""),
    ("客服", ""),
]


def _search_bench():
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the roster -----------------------------------------------------------------------------------


def write_excel_like(path: Path, sheet: str, rows: list[list]) -> None:
    """An .xlsx as Excel writes it: shared strings, numbers as <v>, a dimension."""
    from clerk.spreadsheets.xlsx_stream import column_letter

    strings: dict[str, int] = {}
    cols = [column_letter(i) for i in range(max(len(r) for r in rows))]
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{cols[-1]}{len(rows)}"/><sheetData>'
    ]
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)):
                cells.append(f'<c r="{cols[c]}{r}"><v>{value}</v></c>')
            else:
                k = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{cols[c]}{r}" t="s"><v>{k}</v></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{ns}" xmlns:r="{rel}">'
            f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        zf.writestr("xl/worksheets/sheet1.xml", "".join(parts))
        zf.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{ns}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>",
        )


def make_roster(path: Path, n: int, db: Path | None, seed: int = 5) -> dict:
    """n data rows under a title row; returns what went in (existing, wrong, duplicate counts)."""
    import sqlite3

    from clerk.domain import idcard
    from clerk.registry import demo

    rng = random.Random(seed)
    existing: list[tuple[str, str]] = []
    if db is not None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        existing = conn.execute(
            "SELECT id_number, name FROM members WHERE deleted_at IS NULL AND status = '在册' AND id % 997 = 1 LIMIT ?",
            (n // 100,),
        ).fetchall()
        conn.close()
    rows: list[list] = [["重庆某某快递有限公司工会会员花名册"], HEADER]
    used: set[str] = set()
    wrong = dup = 0
    seq = 0
    for i in range(n):
        if existing and i % 100 == 50:
            number, name = existing.pop()
        else:
            while True:
                seq += 1
                region = NEW_REGIONS[seq % len(NEW_REGIONS)]
                born = f"{1965 + (seq // 7) % 40}{(seq // 3) % 12 + 1:02d}{seq % 28 + 1:02d}"
                number = idcard.with_check_digit(f"{region}{born}{rng.randint(0, 999):03d}")
                if number not in used:
                    break
            name = rng.choice(demo.SURNAMES) + "".join(rng.choice(demo.GIVEN) for _ in range(rng.randint(1, 2)))
        if i % 400 == 7:  # a digit typed wrong
            number = number[:17] + ("0" if number[17] != "0" else "1")
            wrong += 1
        elif i % 1000 == 9 and used:  # the same person twice
            number = next(iter(used))
            dup += 1
        used.add(number)
        gender = "男" if number[16].isdigit() and int(number[16]) % 2 else "女"
        job, new_form = JOBS[i % len(JOBS)]
        rows.append(
            [
                i + 1,
                name,
                gender,
                "汉族" if i % 20 else "土家族",
                number,
                f"1{rng.randint(30, 99)}{rng.randint(0, 99999999):08d}",
                "重庆某某快递有限公司",
                job,
                f"2026-0{1 + i % 3}-01",
                "是" if i % 3 else "否",
                new_form,
                "" if i % 50 else "夜班",
            ]
        )
    rows.append([])
    rows.append(["制表人：王小红", None, None, "审核人：李建国"])
    write_excel_like(path, "花名册", rows)
    return {"rows": n, "existing": n // 100 if db else 0, "wrong": wrong, "duplicates": dup}


# -- children: each measurement in a fresh process ---------------------------------------------------


class RssSampler:
    """The peak of this process's RSS plus its children's (the writer process), sampled every 20 ms:
    ru_maxrss of a child would count the pages it had from the fork before it started Python."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _rss_kb(pid: str) -> int:
        try:
            with open(f"/proc/{pid}/status") as f:
                return next((int(line.split()[1]) for line in f if line.startswith("VmRSS")), 0)
        except OSError:
            return 0

    def _children(self) -> list[str]:
        me, found = str(os.getpid()), []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        if f.read().rsplit(")", 1)[1].split()[1] == me:
                            found.append(pid)
                except (OSError, IndexError):
                    pass
        return found

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            total = self._rss_kb("self") + sum(self._rss_kb(pid) for pid in self._children())
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def child_import(db: Path, roster: Path) -> dict:
    """What `clerk import ROSTER` does: backup started at once, scan, validate, commit, checkpoint."""
    from clerk.importing import pipeline as importer
    from clerk.store.store import Store

    sampler = RssSampler() if Path("/proc/self/status").exists() else None
    t0 = time.perf_counter()
    store = Store(db)
    early = importer.EarlyBackup(store.path, writer=importer.big_roster(roster))
    scan = importer.scan(store, roster)
    t1 = time.perf_counter()
    marks: dict[str, float] = {}

    def progress(stage: str, done: int, total) -> None:
        marks.setdefault(stage, time.perf_counter())
        marks[f"{stage} end"] = time.perf_counter()

    plan, result = importer.run(store, scan, progress=progress, early=early)
    t3 = time.perf_counter()
    scan.close()
    importer.checkpoint(store)
    store.close()
    t4 = time.perf_counter()
    from clerk.importing import writer as import_writer

    return {
        "scan_s": t1 - t0,
        "check_and_write_s": t3 - t1,
        "total_s": t3 - t0,
        "checkpoint_s": t4 - t3,
        "checks_done_s": marks.get("校验 end", t1) - t1,
        "first_write_s": marks.get("写入", t3) - t1,
        "counts": plan.counts,
        "message": result.message,
        "peak_rss_mb": _peak_rss_mb(),
        "cpu_s": time.process_time(),
        "writer": dict(import_writer.last_writer_steps),
        "both_peak_mb": sampler.stop() if sampler else None,
    }


def child_preview(db: Path, roster: Path) -> dict:
    from clerk.importing import pipeline as importer
    from clerk.store.store import Store

    t0 = time.perf_counter()
    store = Store(db)
    scan = importer.scan(store, roster)
    plan = importer.prepare(store, scan)
    t1 = time.perf_counter()
    return {"preview_s": t1 - t0, "counts": plan.counts, "peak_rss_mb": _peak_rss_mb()}


def child_openpyxl(roster: Path) -> dict:
    from openpyxl import load_workbook

    t0 = time.perf_counter()
    wb = load_workbook(roster, read_only=True)
    n = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    return {"openpyxl_s": time.perf_counter() - t0, "rows": n, "peak_rss_mb": _peak_rss_mb()}


def child_calamine(roster: Path) -> dict:
    from python_calamine import CalamineWorkbook

    t0 = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(roster)).get_sheet_by_index(0)
    n = sum(1 for _ in sheet.iter_rows())
    return {"calamine_s": time.perf_counter() - t0, "rows": n, "peak_rss_mb": _peak_rss_mb()}


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def versions() -> str:
    import sqlite3
    from importlib.metadata import version

    parts = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "python-calamine": version("python-calamine"),
        "openpyxl": version("openpyxl"),
        "pypinyin": version("pypinyin"),
        "python-stdnum": version("python-stdnum"),
    }
    return ", ".join(f"{k} {v}" for k, v in parts.items()) + f"; {platform.machine()}, {os.cpu_count()} cpu"


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--preview-rows", type=int, default=20_000)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *paths = args.child
        fn = {"import": child_import, "preview": child_preview, "openpyxl": child_openpyxl, "calamine": child_calamine}[
            kind
        ]
        print(json.dumps(fn(*map(Path, paths)), ensure_ascii=False))
        return

    print(f"load before: {load()} (1/5/15 min)")
    search = _search_bench()
    base = search.default_db(args.members)
    built, _ = search.ensure_db(base, args.members)
    print(
        f"database: {base} ({args.members:,} members, {base.stat().st_size / 2**20:,.0f} MB){' built now' if built else ''}"
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    roster = CACHE / f"roster-{args.rows}.xlsx"
    small = CACHE / f"roster-{args.preview_rows}.xlsx"
    for path, n in ((roster, args.rows), (small, args.preview_rows)):
        if not path.exists():
            t = time.perf_counter()
            info = make_roster(path, n, base)
            print(f"wrote {path.name}: {info} in {time.perf_counter() - t:.0f} s")
    print(
        f"roster: {roster} ({roster.stat().st_size / 2**20:.1f} MB, {args.rows:,} rows + title, header, signature lines)"
    )

    work = CACHE / "import-target.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(CACHE / "backups", ignore_errors=True)
    shutil.copyfile(base, work)
    imported = run_child("import", str(work), str(roster))
    preview_db = CACHE / "preview-target.db"
    shutil.copyfile(base, preview_db)
    preview = run_child("preview", str(preview_db), str(small))
    reference = run_child("openpyxl", str(roster))
    calamine = run_child("calamine", str(roster))
    for p in (work, preview_db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(CACHE / "backups", ignore_errors=True)

    rate = args.rows / imported["total_s"]
    w = imported["writer"]
    print(f"\n{args.rows:,}-row roster into {args.members:,} members, end to end as `clerk import` runs it:")
    print(f"  scan (file checks, zip/cell bomb checks, reading the sheet, header): {imported['scan_s']:.2f} s")
    print("  then, at the same time (s from the end of the scan):")
    print(
        f"    this process checks every row: done at {imported['checks_done_s']:.2f} s"
        f" (held back when the writer falls behind); CPU in all {imported['cpu_s']:.2f} s"
    )
    if w:
        print(
            f"    the writer process: first rows in at {imported['first_write_s']:.2f} s; CPU s (wall s) per step:"
            f" start {w.get('start cpu', 0):.2f}, rows {w.get('rows cpu', 0):.2f} ({w.get('rows wall', 0):.2f}),"
            f" waiting for rows {w.get('waiting for rows wall', 0):.2f} wall, grams {w.get('grams cpu', 0):.2f},"
            f" journal {w.get('journal cpu', 0):.2f}, commit {w.get('commit cpu', 0):.2f} ({w.get('commit wall', 0):.2f})"
        )
    print(
        f"  total {imported['total_s']:.2f} s = {rate:,.0f} rows/s; peak RSS {imported['peak_rss_mb']:.0f} MB"
        + (f"; writer process {w['peak_mb']:.0f} MB" if w.get("peak_mb") else "")
        + (f"; both together at most {imported['both_peak_mb']:.0f} MB" if imported.get("both_peak_mb") else "")
    )
    print(
        f"  then folding the write-ahead log into the database file (after the result is shown): {imported['checkpoint_s']:.2f} s"
        f" -> {args.rows / (imported['total_s'] + imported['checkpoint_s']):,.0f} rows/s counting it"
    )
    print(f"  outcome: {imported['message']}")
    print("  (target: >= 50,000 rows/s, under 4 s; peak RSS < 400 MB)")
    print(
        f"\nreference, same file: openpyxl read-only iteration {reference['openpyxl_s']:.2f} s"
        f" ({args.rows / reference['openpyxl_s']:,.0f} rows/s, peak RSS {reference['peak_rss_mb']:.0f} MB);"
        f" python-calamine load + iteration {calamine['calamine_s']:.2f} s ({args.rows / calamine['calamine_s']:,.0f} rows/s)"
    )
    print(
        f"\nwizard case: {args.preview_rows:,}-row roster, file to preview: {preview['preview_s']:.2f} s (target < 1 s),"
        f" peak RSS {preview['peak_rss_mb']:.0f} MB"
    )
    print(f"\nversions: {versions()}")
    print(f"load after: {load()} (1/5/15 min)")


if __name__ == "__main__":
    main()
