"""Encryption at rest, plain against encrypted in the same run: start-up, search p95, roster import.

    python bench/encryption.py [--members 1000000] [--rows 200000] [--queries 100] [--rounds 2]

The plain database is the one bench/search.py builds (reused from ~/.cache/clerk-bench); the
encrypted one is a SQLCipher export of it beside it, with a key file opened by a fixed bench
passphrase (reused while the plain one is unchanged). Every figure is measured for both, rounds
interleaved (plain, encrypted, plain, ...) on the same noisy machine, and printed with the ratio:
- start-up: a new process to the home screen with its figures; the encrypted one unlocks the key
  file first (Argon2id), as `clerk` does with CLERK_PASSPHRASE;
- search: bench/search.py's query sets, p95 of each kind and the worst;
- import: bench/import.py's 200,000-row roster, end to end, into a fresh copy of each database.
Target: each encrypted figure within 25 % of the plain one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PASSPHRASE = "bench passphrase 基准测试"
SECRET = bytes(range(16))  # a fixed recovery key: the cached encrypted copy stays usable across runs


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".key"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_encrypted(plain: Path) -> tuple[Path, bool]:
    """The encrypted copy of the plain database (made again when the plain one is newer)."""
    from clerk.store import db, keys

    path = plain.with_name(plain.stem + ".encrypted.db")
    if path.exists() and keys.key_file(path).exists() and path.stat().st_mtime >= plain.stat().st_mtime:
        return path, False
    remove_db(path)
    recovery = keys.RecoveryKey(SECRET)
    conn = db.open_file(plain, readonly=True)
    try:
        db.export(conn, path, recovery.data_key)
    finally:
        conn.close()
    keys.write_key_file(path, recovery, PASSPHRASE)
    return path, True


def unlock_from_env(path: Path) -> None:
    from clerk.store import keys

    if os.environ.get("CLERK_PASSPHRASE"):
        keys.unlock(path, os.environ["CLERK_PASSPHRASE"])


# -- children (fresh processes) ------------------------------------------------------------------


def child_startup(path: Path) -> dict:
    t0 = time.perf_counter()
    import asyncio

    from clerk.tui.app import make_app
    from clerk.tui.home import Figure, HomeScreen

    imported = time.perf_counter()
    unlock_from_env(path)  # Argon2id of the key file, as `clerk` with CLERK_PASSPHRASE
    unlocked = time.perf_counter()
    result: dict = {}

    async def run() -> None:
        app = make_app(path)
        async with app.run_test(headless=True, size=(80, 24)) as pilot:
            while True:
                screen = app.screen
                if isinstance(screen, HomeScreen) and screen.is_mounted and str(screen.query(Figure).first().content):
                    break
                await pilot.pause(0.001)
            result.update(to_home_s=time.perf_counter() - t0, import_s=imported - t0, unlock_s=unlocked - imported)

    asyncio.run(run())
    return result


def child_import(path: Path, roster: Path) -> dict:
    unlock_from_env(path)
    return _bench("import").child_import(path, roster)


def run_child(kind: str, *args: Path, encrypted: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CLERK_PASSPHRASE"}
    if encrypted:
        env["CLERK_PASSPHRASE"] = PASSPHRASE
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *map(str, args)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["wall_s"] = time.perf_counter() - start
    return figures


# -- the run ------------------------------------------------------------------------------------


def ratio(plain: float, encrypted: float) -> str:
    return f"{encrypted / plain:5.2f}x" if plain else "   - "


def startup(plain: Path, encrypted: Path, rounds: int) -> None:
    runs: dict[str, list[dict]] = {"plain": [], "encrypted": []}
    for _ in range(max(rounds, 3)):
        runs["plain"].append(run_child("startup", plain, encrypted=False))
        runs["encrypted"].append(run_child("startup", encrypted, encrypted=True))
    best = {k: min(v, key=lambda r: r["wall_s"]) for k, v in runs.items()}
    print("\nstart-up, new process to the home screen with its figures (best of the rounds; all in brackets):")
    for kind, r in best.items():
        every = ", ".join(f"{x['wall_s']:.2f}" for x in runs[kind])
        print(
            f"  {kind:9} {r['wall_s']:.2f} s  (imports {r['import_s']:.2f} s, unlock {r['unlock_s']:.3f} s)  [{every}]"
        )
    print(f"  encrypted / plain: {ratio(best['plain']['wall_s'], best['encrypted']['wall_s'])}  (target <= 1.25x)")


def searches(plain: Path, encrypted: Path, queries: int, rounds: int) -> None:
    from clerk.store import keys
    from clerk.store.store import Store

    search = _bench("search")
    keys.unlock(encrypted, PASSPHRASE)
    stores = {"plain": Store(plain), "encrypted": Store(encrypted)}
    p95: dict[str, dict[str, list[float]]] = {"plain": {}, "encrypted": {}}
    try:
        for _ in range(rounds):
            for kind, store in stores.items():
                for label, r in search.measure_searches(store, queries).items():
                    p95[kind].setdefault(label, []).append(r["p95_ms"])
    finally:
        for store in stores.values():
            store.close()
    print(f"\nsearch p95 (ms), {queries} queries of each kind, median of {rounds} interleaved rounds:")
    print(f"  {'kind':36} {'plain':>8} {'encrypted':>10} {'ratio':>7}")
    worst = {}
    for label in p95["plain"]:
        a, b = (statistics.median(p95[k][label]) for k in ("plain", "encrypted"))
        print(f"  {label:36} {a:8.2f} {b:10.2f} {ratio(a, b):>7}")
        if not label.startswith("largest organisation"):
            for kind, value in (("plain", a), ("encrypted", b)):
                worst[kind] = max(worst.get(kind, 0.0), value)
    print(
        f"  worst p95 over the whole database: plain {worst['plain']:.2f} ms, encrypted {worst['encrypted']:.2f} ms"
        f" -> {ratio(worst['plain'], worst['encrypted'])} (target <= 1.25x)"
    )


def imports(plain: Path, encrypted: Path, members: int, rows: int, rounds: int) -> None:
    from clerk.store import keys

    imp = _bench("import")
    imp.CACHE.mkdir(parents=True, exist_ok=True)
    roster = imp.CACHE / f"roster-{rows}.xlsx"
    if not roster.exists():
        print(f"writing the {rows:,}-row roster: {imp.make_roster(roster, rows, plain)}")
    results: dict[str, list[dict]] = {"plain": [], "encrypted": []}
    work = imp.CACHE / "encryption-target.db"
    for _ in range(rounds):
        for kind, source in (("plain", plain), ("encrypted", encrypted)):
            remove_db(work)
            shutil.rmtree(imp.CACHE / "backups", ignore_errors=True)
            shutil.copyfile(source, work)
            if kind == "encrypted":
                shutil.copyfile(keys.key_file(source), keys.key_file(work))
            results[kind].append(run_child("import", work, roster, encrypted=kind == "encrypted"))
    remove_db(work)
    shutil.rmtree(imp.CACHE / "backups", ignore_errors=True)
    print(
        f"\nimport of a {rows:,}-row roster into {members:,} members, end to end (best of {rounds}; all in brackets):"
    )
    best = {}
    for kind, runs in results.items():
        r = min(runs, key=lambda x: x["total_s"])
        best[kind] = r["total_s"]
        both = f", both processes at most {r['both_peak_mb']:.0f} MB" if r.get("both_peak_mb") else ""
        every = ", ".join(f"{x['total_s']:.2f}" for x in runs)
        print(
            f"  {kind:9} {r['total_s']:.2f} s = {rows / r['total_s']:,.0f} rows/s;"
            f" checkpoint after {r['checkpoint_s']:.2f} s;"
            f" peak RSS {r['peak_rss_mb']:.0f} MB{both}  [{every}]  {r['counts']}"
        )
    print(f"  encrypted / plain: {ratio(best['plain'], best['encrypted'])}  (target <= 1.25x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip", nargs="*", default=[], choices=["startup", "search", "import"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *paths = args.child
        fn = {"startup": child_startup, "import": child_import}[kind]
        print(json.dumps(fn(*map(Path, paths)), ensure_ascii=False, default=str))
        return

    from clerk.store import keys, sqlite

    load = os.getloadavg()
    print(f"load before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min)")
    search = _bench("search")
    plain = search.default_db(args.members)
    built, _ = search.ensure_db(plain, args.members)
    t = time.perf_counter()
    encrypted, made = ensure_encrypted(plain)
    print(f"plain:     {plain} ({plain.stat().st_size / 2**20:,.0f} MB){' built now' if built else ''}")
    print(
        f"encrypted: {encrypted} ({encrypted.stat().st_size / 2**20:,.0f} MB)"
        + (f" exported now in {time.perf_counter() - t:.1f} s" if made else "")
    )
    if "startup" not in args.skip:
        startup(plain, encrypted, args.rounds)
    if "search" not in args.skip:
        searches(plain, encrypted, args.queries, args.rounds)
    if "import" not in args.skip:
        imports(plain, encrypted, args.members, args.rows, args.rounds)
    conn = sqlite.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()
    print(
        f"\nversions: SQLite {sqlite.sqlite_version}, SQLCipher {cipher[0] if cipher else '?'},"
        f" key file KDF Argon2id {keys.ARGON2}, python {sys.version.split()[0]}, {os.cpu_count()} cpu"
    )
    load = os.getloadavg()
    print(f"load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1/5/15 min)")


if __name__ == "__main__":
    main()
