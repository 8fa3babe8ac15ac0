"""Bad hubs: each refused with a Chinese message a clerk can act on, and nothing half-written."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from hub_pg import hub_url, pg_admin, pg_server_url, query, with_user  # noqa: F401
from sync_world import make_township, register

from clerk.cli import main
from clerk.hub import schema as hub_schema
from clerk.hub import service as hub
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export

UNIT = ("5001", "测试市总工会", "市经办人")


def _tables(url: str) -> list[str]:
    rows = query(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
    return [r[0] for r in rows]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server(tmp_path):
    url = f"postgresql://clerk:secret@127.0.0.1:{_free_port()}/hub"
    with pytest.raises(ServiceError, match="连不上汇总库服务器") as exc:
        hub.init(url, *UNIT)
    assert "secret" not in str(exc.value)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "conflicts", "list", "--from", url])
    assert result.exit_code == 1 and "连不上汇总库服务器" in result.output and "Traceback" not in result.output


@pytest.fixture
def role_with_password(pg_admin, hub_url):
    name = "clerk_test_" + hub_url.rsplit("_", 1)[-1]
    pg_admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'right-password'")
    dbname = hub_url.rsplit("/", 1)[-1]
    pg_admin.execute(f'GRANT ALL ON DATABASE "{dbname}" TO {name}')
    yield name
    pg_admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    pg_admin.execute(f"DROP ROLE IF EXISTS {name}")


def test_wrong_password(hub_url, role_with_password):
    wrong = with_user(hub_url, role_with_password, "wrong-password")
    with pytest.raises(ServiceError, match="用户名或密码不对") as exc:
        hub.init(wrong, *UNIT)
    assert "wrong-password" not in str(exc.value)
    assert _tables(hub_url) == []
    right = with_user(hub_url, role_with_password, "right-password")
    hub.connect(right).close()  # the same role with its password gets in


def test_database_of_another_program_is_left_alone(hub_url, tmp_path):
    query(
        hub_url,
        "CREATE TABLE invoices (id serial PRIMARY KEY, amount numeric); INSERT INTO invoices (amount) VALUES (9.5)",
    )
    with pytest.raises(ServiceError, match="其他程序的数据表（invoices"):
        hub.init(hub_url, *UNIT)
    with pytest.raises(ServiceError, match="其他程序"):
        hub.open_hub(hub_url)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "report", "--from", hub_url])
    assert result.exit_code == 1 and "其他程序" in result.output
    assert _tables(hub_url) == ["invoices"]
    assert query(hub_url, "SELECT amount FROM invoices")[0][0] == 9.5


def test_server_too_old(hub_url, monkeypatch):
    # The test server is new enough; pretend clerk needs a version no server has yet.
    monkeypatch.setattr(hub_schema, "MIN_SERVER_VERSION", 990000)
    with pytest.raises(ServiceError, match=r"PostgreSQL 版本太旧（1\d\.\d+），clerk 需要 99"):
        hub.init(hub_url, *UNIT)
    assert _tables(hub_url) == []


def test_hub_of_a_newer_clerk_is_refused(hub_url):
    hub.init(hub_url, *UNIT).close()
    query(hub_url, "INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')")
    with pytest.raises(ServiceError, match="更新版本的 clerk"):
        hub.open_hub(hub_url)


def test_bad_url_and_missing_database(pg_server_url):
    with pytest.raises(ServiceError, match="要以 postgresql:// 开头"):
        hub.connect("mysql://root@localhost/x")
    missing = pg_server_url.rsplit("/", 1)[0] + "/no_such_database_here"
    with pytest.raises(ServiceError, match="没有这个数据库"):
        hub.connect(missing)


def test_a_refused_row_rolls_the_whole_file_back(tmp_path, hub_url):
    """A record the hub cannot take (same person twice in one township) refuses the file whole."""
    h = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    town, orgs = make_township(tmp_path)
    for seq in range(1, 6):
        register(town, seq, orgs[1])
    path = sync_export.export(town, out_dir=tmp_path / "e").path
    # Somebody put a record of the same person, same township, into the hub by hand.
    row = town.conn.execute("SELECT id_number FROM members ORDER BY id DESC LIMIT 1").fetchone()
    query(
        hub_url,
        "INSERT INTO members (uid, unit_code, name, id_number, gender, birth_date, birthplace_code,"
        " created_at, updated_at) VALUES ('x', '500101001', '手工', %s, '男', '1990-01-01', '500101', 'now', 'now')",
        (row[0],),
    )
    before = query(
        hub_url,
        "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM journal),"
        " (SELECT count(*) FROM sync_files), (SELECT count(*) FROM organisations)",
    )
    outcome = hub.merge(h, [path]).outcomes[0]
    assert outcome.status == "refused" and "身份证号与汇总库中同一单位的另一条记录相同" in outcome.message
    after = query(
        hub_url,
        "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM journal),"
        " (SELECT count(*) FROM sync_files), (SELECT count(*) FROM organisations)",
    )
    assert after == before == [(1, 0, 0, 0)]
    h.close()


def test_connection_lost_midway_keeps_the_files_done_and_none_half(tmp_path, hub_url, pg_admin):
    h = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    files = []
    for index in (0, 1):
        town, orgs = make_township(tmp_path, index)
        for seq in range(10 * index + 1, 10 * index + 9):
            register(town, seq, orgs[1])
        files.append(sync_export.export(town, out_dir=tmp_path / "e").path)

    def cut(done, total, label):  # the server drops the clerk's connection during the second file
        if label.startswith("石桥镇总工会"):
            pg_admin.execute("SELECT pg_terminate_backend(%s)", (h.conn.info.backend_pid,))

    with pytest.raises(ServiceError, match="连接中断") as exc:
        hub.merge(h, files, progress=cut)
    assert "已经合并完的文件保存在汇总库中" in str(exc.value)
    assert query(hub_url, "SELECT unit_code, count(*) FROM members GROUP BY 1") == [("500101001", 8)]
    assert query(hub_url, "SELECT source_code FROM sync_files") == [("500101001",)]
    again = hub.open_hub(hub_url)
    statuses = [o.status for o in hub.merge(again, files).outcomes]
    assert statuses == ["duplicate", "merged"]
    assert query(hub_url, "SELECT count(*) FROM members") == [(16,)]
    again.close()
