"""The city hub on PostgreSQL: open (checking the server and the database), set up, merge, resolve.

A township or district keeps SQLite; a city union (or a district that outgrows one file) merges
into a PostgreSQL database named by a URL (`--into postgresql://...` or CLERK_HUB_URL). The merge
rules are sync_merge's, unchanged; sync_postgres.PostgresTarget is where they write.

Every refusal is a ServiceError in Chinese and leaves the database as it was: a server that
cannot be reached, a wrong user or password, a database that does not exist or belongs to
another program, a server older than PostgreSQL 13, a database not in UTF-8, a hub schema of a
newer clerk. Creating and upgrading the schema is one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerk.hub import schema as hub_schema
from clerk.registry.setup import normalize_code
from clerk.store.store import ServiceError, now

URL_PREFIXES = ("postgresql://", "postgres://")
ENV_URL = "CLERK_HUB_URL"


def is_url(text: str | None) -> bool:
    return bool(text) and str(text).strip().lower().startswith(URL_PREFIXES)


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _where(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - an unparsable URL is described by connect()
        return describe_url(url)
    host = info.get("host") or "本机"
    port = info.get("port") or "5432"
    return f"{host}:{port} 上的数据库“{info.get('dbname') or info.get('user') or ''}”"


def describe_error(exc: Exception, url: str) -> str:
    """A psycopg error as something a clerk (or the database administrator) can act on."""
    text = str(exc)
    low = text.lower()
    where = _where(url)
    if "password authentication failed" in low or "no password supplied" in low:
        return f"连接汇总库（{where}）时用户名或密码不对。请核对地址中的用户名和密码（格式 postgresql://用户:密码@主机:端口/库名）。"
    if "does not exist" in low and "database" in low:
        return f"服务器上没有这个数据库（{where}）。请让数据库管理员先建库，或检查地址中的库名。"
    if "role" in low and "does not exist" in low:
        return f"服务器上没有地址中的用户（{where}）。请核对用户名。"
    if "terminating connection" in low or "consuming input failed" in low:
        return f"与汇总库服务器（{where}）的连接中断了（服务器重启或被管理员断开）。"
    if "pg_hba.conf" in low:
        return f"数据库服务器不允许本机连接（{where}）。请让数据库管理员在 pg_hba.conf 中放行本机。"
    if any(
        s in low
        for s in (
            "connection refused",
            "could not connect",
            "timeout",
            "timed out",
            "could not translate host",
            "name or service not known",
            "no route to host",
            "server closed the connection",
            "connection is lost",
            "connection to server",
        )
    ):
        return (
            f"连不上汇总库服务器（{where}）。请检查网络、地址和端口，确认数据库服务器已经启动。这次没有写入任何数据。"
        )
    if "invalid" in low and ("uri" in low or "connection option" in low or "dsn" in low or "missing" in low):
        return f"汇总库地址写得不对：{describe_url(url)}。格式：postgresql://用户:密码@主机:端口/库名。"
    if "permission denied" in low or "insufficient" in low or "must be owner" in low:
        return f"地址中的用户在汇总库（{where}）中没有足够的权限（需要建表和写入）。请让数据库管理员授权。这次没有写入任何数据。"
    if "deadlock" in low or "could not serialize" in low:
        return "有其他经办人同时在改同一批记录，这次没有写入。请稍后重试（重复的文件会自动跳过）。"
    if "disk full" in low or "no space left" in low:
        return "数据库服务器磁盘已满，这次没有写入。请联系数据库管理员。"
    return (
        f"汇总库（{where}）出错：{text.strip().splitlines()[0] if text.strip() else type(exc).__name__}。这次没有写入。"
    )


@contextmanager
def server_errors(url: str) -> Iterator[None]:
    """Turn any database error in the block into a ServiceError (the transaction was rolled back)."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise ServiceError(describe_error(exc, url)) from None


def connect(url: str):
    """A checked connection (autocommit: each merge and each resolution is its own transaction)."""
    url = url.strip()
    try:
        import orjson  # noqa: F401 - the merge needs it too
        import psycopg
    except ImportError:
        raise ServiceError(
            "本机的 clerk 没有安装汇总库组件。请运行：pip install 'clerk[hub]'（即安装 psycopg 和 orjson），再试一次。"
        ) from None
    if not is_url(url):
        raise ServiceError(
            f"汇总库地址要以 postgresql:// 开头，例如 postgresql://clerk:密码@10.0.0.5:5432/clerk_hub。收到：{url}"
        )
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="clerk")
    except (psycopg.Error, ValueError) as exc:
        raise ServiceError(describe_error(exc, url)) from None
    try:
        check_server(conn, url)
    except BaseException:
        conn.close()
        raise
    return conn


def check_server(conn, url: str) -> None:
    version = conn.info.server_version
    if version < hub_schema.MIN_SERVER_VERSION:
        shown = (
            f"{version // 10000}.{version % 10000}"
            if version >= 100000
            else f"{version // 10000}.{version // 100 % 100}"
        )
        raise ServiceError(
            f"汇总库服务器的 PostgreSQL 版本太旧（{shown}），clerk 需要 {hub_schema.MIN_SERVER_VERSION // 10000} 或更新的版本。"
            "请让数据库管理员升级，或换一台服务器。这次没有写入任何数据。"
        )
    encoding = conn.execute("SHOW server_encoding").fetchone()[0]
    if encoding.upper().replace("-", "") != "UTF8":
        raise ServiceError(
            f"汇总库（{_where(url)}）的字符编码是 {encoding}，存不下中文姓名。请让数据库管理员用 UTF8 编码新建数据库"
            "（CREATE DATABASE ... ENCODING 'UTF8'）。这次没有写入任何数据。"
        )


# -- the hub -------------------------------------------------------------------------------------


@dataclass
class Hub:
    url: str
    conn: Any
    unit: Any  # sync_postgres.HubUnit

    def target(self):
        from clerk.hub.postgres_target import PostgresTarget

        return PostgresTarget(self.conn, self.unit, describe_url(self.url))

    def close(self) -> None:
        self.conn.close()

    def setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
        return row[0] if row else None


def _unit(conn):
    from clerk.hub.postgres_target import HubUnit

    values = dict(
        conn.execute("SELECT key, value FROM settings WHERE key IN ('unit_code', 'unit_name', 'clerk_name')").fetchall()
    )
    if not all(values.get(k) for k in ("unit_code", "unit_name", "clerk_name")):
        return None
    return HubUnit(values["unit_code"], values["unit_name"], values["clerk_name"])


def open_hub(url: str) -> Hub:
    """Open a set-up hub, upgrading its schema when this clerk is newer."""
    conn = connect(url)
    try:
        with server_errors(url):
            current = hub_schema.installed_version(conn)
            if current is None:
                raise ServiceError(
                    f"这个数据库（{_where(url)}）还不是 clerk 汇总库。请先运行："
                    "clerk hub init --into 地址 --code 单位代码 --name 单位名称 --clerk 经办人"
                )
            hub_schema.refuse_newer(current)
            if hub_schema.outdated(conn, current):
                with conn.transaction():
                    hub_schema.apply(conn)
            unit = _unit(conn)
        if unit is None:
            raise ServiceError("汇总库还没有设置单位。请运行 clerk hub init --into 地址 --code --name --clerk。")
    except BaseException:
        conn.close()
        raise
    return Hub(url, conn, unit)


def validate_code(code: str) -> str:
    code = normalize_code(code)
    if not re.fullmatch(r"[0-9]{2}|[0-9]{4}|[0-9]{6}", code):
        raise ServiceError("汇总库的单位代码应为 4 位（市）、2 位（省）或 6 位（区县）数字，例如重庆市主城区 5001。")
    return code


def init(url: str, code: str, name: str, clerk: str) -> Hub:
    """Create (or upgrade) the hub schema and set its unit, all in one transaction."""
    code = validate_code(code)
    if not name.strip():
        raise ServiceError("请填写汇总库的单位名称，例如 重庆市总工会。")
    if not clerk.strip():
        raise ServiceError("请填写经办人姓名，每条修改记录都会带上它。")
    conn = connect(url)
    try:
        with server_errors(url), conn.transaction():
            hub_schema.apply(conn)
            unit = _unit(conn)
            if unit is not None and unit.code != code:
                raise ServiceError(
                    f"这个汇总库已属于 {unit.name}（{unit.code}），不能改成另一个单位代码。请换一个数据库。"
                )
            conn.cursor().executemany(
                "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [
                    ("unit_code", code),
                    ("unit_name", name.strip()),
                    ("clerk_name", clerk.strip()),
                    ("hub_created_at", now()),
                ],
            )
            unit = _unit(conn)
    except BaseException:
        conn.close()
        raise
    return Hub(url, conn, unit)


# -- what the commands do ----------------------------------------------------------------------------


def merge(hub: Hub, files: Iterable[str | Path], **kw):
    """sync_merge.merge into the hub; a server failure midway names what is kept and what is not."""
    import psycopg

    from clerk.sync import merge as sync_merge

    try:
        return sync_merge.merge(hub.target(), files, **kw)
    except psycopg.Error as exc:
        raise ServiceError(
            f"{describe_error(exc, hub.url)} 已经合并完的文件保存在汇总库中，正在合并的那个文件整体撤回；"
            "问题解决后重新运行同一命令即可（已合并的文件会自动跳过）。"
        ) from None


def conflicts(hub: Hub, status: str | None = "open"):
    from clerk.sync import merge as sync_merge

    with server_errors(hub.url):
        return sync_merge.conflicts(hub.target(), status)


def resolve(hub: Hub, ref: int | str, choice: str) -> str:
    """Settle a conflict under the merge locks of the units involved (no merge of theirs runs meanwhile)."""
    from clerk.sync import merge as sync_merge

    target = hub.target()
    with server_errors(hub.url):
        c = target.conflict(ref)
        if c is None or c.status != "open":
            return sync_merge.resolve(target, ref, choice)  # the rules word the refusal
        codes = {c.source_code}
        if c.other_uid:
            row = hub.conn.execute(
                "SELECT coalesce(s.source_code, m.unit_code) FROM members m"
                " LEFT JOIN sync_rows s ON s.tbl = 'members' AND s.uid = m.uid WHERE m.uid = %s",
                (c.other_uid,),
            ).fetchone()
            if row:
                codes.add(row[0])
        with hub.conn.transaction():
            for code in sorted(codes):
                target.lock(code)
            return sync_merge.resolve(target, ref, choice)


@dataclass(frozen=True)
class Status:
    unit: Any
    server: str
    schema_version: int
    members: int
    organisations: int
    open_conflicts: int
    sources: list


def status(hub: Hub) -> Status:
    with server_errors(hub.url):
        conn = hub.conn
        version = conn.execute("SHOW server_version").fetchone()[0]
        schema = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        members = conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0]
        orgs = conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
        open_conflicts = conn.execute("SELECT count(*) FROM sync_conflicts WHERE status = 'open'").fetchone()[0]
        return Status(hub.unit, version, schema, members, orgs, open_conflicts, hub.target().sources())
