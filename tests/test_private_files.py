"""Every file clerk writes is private (0600) and every folder it makes is 0700, whatever the umask:
run the commands that write files, with the most permissive umask, then read every file's mode."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from roster_sample import HEADER, people, write_xlsx
from test_cli import clerk_exe

PASSWORD = "Zhen-Mi-Ma-2026"


def run(home: Path, *args: str, db: Path) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CLERK_")},
        "XDG_DATA_HOME": str(home / "xdg"),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [clerk_exe(), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=lambda: os.umask(0),
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def modes(root: Path, skip: set[Path]) -> dict[str, str]:
    """Every file and folder under root that is not the test's own input, with its mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path in skip or path.is_symlink():
            continue
        found[str(path.relative_to(root))] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def test_every_file_clerk_writes_is_private_whatever_the_umask(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    roster = write_xlsx(inputs / "名单.xlsx", {"s": [HEADER, *people(4), [5, "坏人", "12345", "", "", ""]]})
    secret = inputs / "pw.txt"
    secret.write_text(PASSWORD, encoding="utf-8")
    skip = {inputs, roster, secret}

    db = tmp_path / "乡镇" / "clerk.db"  # a folder clerk creates
    run(tmp_path, "setup", "--code", "500101001", "--name", "测试镇总工会", "--clerk", "王", db=db)
    run(tmp_path, "member", "add", "--name", "张三", "--id-number", people(1, start=50)[0][2], db=db)
    run(tmp_path, "import", str(roster), db=db)  # backup, error report, import lock
    run(tmp_path, "batches", "report", "1", db=db)
    run(tmp_path, "report", db=db)
    run(tmp_path, "report", "--out", str(tmp_path / "上报" / "报表.xlsx"), db=db)
    run(tmp_path, "export", "--full", db=db)
    run(tmp_path, "export", "--full", "--password-file", str(secret), db=db)
    run(tmp_path, "print", "forms", "1", db=db)
    run(tmp_path, "backup", db=db)
    run(tmp_path, "backup", "--to", str(tmp_path / "U盘" / "备份.db"), db=db)
    run(tmp_path, "restore", str(tmp_path / "U盘" / "备份.db"), "--yes", db=db)
    run(tmp_path, "member", "list", db=db)
    run(tmp_path, "demo", "--no-open", "--members", "20", db=db)

    found = modes(tmp_path, skip)
    kinds = {name for name in found if not (tmp_path / name).is_dir()}
    # What the commands above wrote, so the test cannot pass by writing nothing.
    for expected in ("乡镇/clerk.db", "xdg/clerk/demo.db", "U盘/备份.db", "上报/报表.xlsx"):
        assert expected in kinds, sorted(kinds)
    assert any(name.startswith("乡镇/backups/") for name in kinds)
    assert any(name.startswith("乡镇/exports/") and name.endswith(".pdf") for name in kinds)
    assert len([n for n in kinds if n.startswith("乡镇/exports/") and n.endswith(".xlsx")]) >= 4
    loose = {name: mode for name, mode in found.items() if mode != ("0o700" if (tmp_path / name).is_dir() else "0o600")}
    assert loose == {}, "\n".join(f"{n} {m}" for n, m in sorted(loose.items()))
