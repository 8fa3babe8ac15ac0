"""One line for the home screen: is this database encrypted? (The demo says it is the demo.)"""

from __future__ import annotations

from clerk.store import keys
from clerk.store.store import Store


def security_line(store: Store) -> str:
    if store.setting("demo") == "1":
        return "[yellow]演示数据库：只有虚构的数据，不加密。[/]真实会员请用 clerk（不带 demo）登记。"
    if keys.is_encrypted(store.path):
        return "[green]数据库已加密。[/]"
    return "[bold yellow]数据库没有加密[/]：拿到这台电脑就能读到会员信息。请运行 clerk encrypt 加密。"
