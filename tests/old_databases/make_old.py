"""Recipe of tests/old_databases/vN.sql: a township database made by clerk at schema version N.

Run it with the code of that version, e.g. version 1 (commit 98b287f) and version 2 (commit
28cc1fc, the last ones before schema versions 2 and 3):

    git worktree add /tmp/clerk-v2 28cc1fc && cd /tmp/clerk-v2
    python tests/old_databases/make_old.py tests/old_databases/v2.sql

It registers members through the registry as a clerk would (flags for mutual aid and hardship,
statuses with notes, a 港澳 residence permit, a transfer; a yearly target from version 2) and writes the
database as SQL text, so the migration tests open a real old database, not one made by hand.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from clerk.domain import idcard  # noqa: E402
from clerk.registry import members, organisations, setup, transfers  # noqa: E402
from clerk.store.store import Store  # noqa: E402


def build(path: Path) -> None:
    store = Store(path)
    setup.set_up(store, "500101001", "测试镇总工会", "测试经办人")
    org = organisations.create(store, {"name": "顺达快递联合工会", "kind": "联合工会"})
    other = organisations.create(store, {"name": "某某村工会", "kind": "村(社区)工会"})
    people: list[tuple[str, str, int, str, dict[str, Any]]] = [
        ("张伟", "50010119900101001", org, "2024-03-01", {"migrant": 1, "new_form": "快递员", "mutual_aid": 1}),
        ("王芳", "50010119910202002", org, "2024-05-01", {"hardship": 1, "card_no": "500101001000007"}),
        ("李娜", "50010119880303003", other, "2023-01-15", {"mutual_aid": 1, "hardship": 1}),
        ("刘洋", "50010119850404004", org, "2022-06-01", {}),
        ("陈静", "81000019920505005", org, "2025-02-01", {"phone": "13812345678"}),
        ("杨帆", "50010119930606006", other, "2025-07-01", {"migrant": 1}),
    ]
    ids = {}
    for name, first17, org_id, joined, extra in people:
        fields = {"name": name, "id_number": idcard.with_check_digit(first17), "org_id": org_id, "joined_on": joined}
        ids[name] = members.register(store, {**fields, **extra})
    members.change_status(store, ids["刘洋"], "退会", "本人申请")
    members.change_status(store, ids["杨帆"], "转出", "调往某某街道")
    members.change_status(store, ids["王芳"], "已故", "")
    transfers.transfer(store, ids["张伟"], other, on="2025-01-10", reason="换站点")
    try:
        from clerk.reports import targets  # version 2 on
    except ImportError:
        pass
    else:
        targets.set_target(store, year=2026, category="农民工", count=830)
    store.close()


def main(target: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.db"
        build(path)
        conn = sqlite3.connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        lines = list(conn.iterdump())
        conn.close()
    text = "\n".join(lines) + f"\nPRAGMA user_version = {version};\n"
    Path(target).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
