"""Encryption at rest: the database, its WAL and its backups hold no readable personal data; the
passphrase, the recovery key and `clerk encrypt` work as a clerk needs them to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import UNIT, make_id
from rich.cells import cell_len
from roster_sample import HEADER, people, write_xlsx

from clerk.cli import main
from clerk.importing import pipeline as importer
from clerk.registry import members, recovery_sheet, setup
from clerk.store import db, encryption, keys
from clerk.store.store import ServiceError, Store, open_store
from clerk.sync import export as sync_export

PASSPHRASE = "老槐树下的井水甜"
ID_NUMBER = make_id("19850315", 77)
NAME = "欧阳娜娜"


@pytest.fixture(autouse=True)
def _forget_keys():
    """Each test starts with no key unlocked and no command-line unlocker."""
    keys._unlocked.clear()
    keys.set_unlocker(None)
    yield
    keys._unlocked.clear()
    keys.set_unlocker(None)


def new_encrypted(db_path: Path) -> tuple[Store, keys.RecoveryKey]:
    recovery = encryption.encrypt_new(db_path, PASSPHRASE)
    store = Store(db_path)
    setup.set_up(store, *UNIT)
    return store, recovery


def person(n: int = 0) -> dict:
    return {"name": NAME, "id_number": ID_NUMBER, "phone": "13812345678", "joined_on": "2026-01-15"}


def readable(path: Path) -> list[str]:
    """Which of the known ID number and name can be read in the file's raw bytes."""
    data = path.read_bytes()
    needles = {
        "id": ID_NUMBER.encode(),
        "name": NAME.encode("utf-8"),
        "name-utf16": NAME.encode("utf-16-le"),
        "schema": b"CREATE TABLE",
    }
    return [label for label, needle in needles.items() if needle in data]


def folder_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_the_database_its_wal_and_its_backups_hold_no_readable_personal_data(db_path):
    store, _ = new_encrypted(db_path)
    members.register(store, person())
    wal = Path(f"{db_path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the member is in the WAL, not yet checkpointed
    assert readable(wal) == []
    assert readable(db_path) == []
    manual = store.backup()
    to = store.backup(to=db_path.parent / "usb" / "copy.db")
    early = importer.EarlyBackup(db_path)  # the automatic one before an import
    automatic = early.take()
    store.close()
    assert readable(db_path) == []
    for backup in (manual, to, automatic):
        assert backup is not None and keys.is_encrypted(backup)
        assert readable(backup) == []
    # The same steps on a plain database do show them: the check above can fail.
    plain = Store(db_path.parent / "plain.db")
    setup.set_up(plain, *UNIT)
    members.register(plain, person())
    assert "id" in readable(Path(f"{plain.path}-wal")) and "name" in readable(Path(f"{plain.path}-wal"))
    assert {"id", "name"} <= set(readable(plain.backup()))
    plain.close()


def test_secrets_kept_in_settings_are_encrypted_with_the_database(db_path):
    """The sync signing key lives in the settings table: it is encrypted with everything else."""
    store, _ = new_encrypted(db_path)
    secret = "PRIVATE-KEY-" + "Q" * 40
    store.set_settings(test_secret=secret)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    assert secret.encode() not in db_path.read_bytes()


def test_an_encrypted_database_needs_its_passphrase_and_a_wrong_one_changes_nothing(db_path):
    store, _ = new_encrypted(db_path)
    members.register(store, person())
    store.close()
    keys.forget(db_path)
    before = {p: p.read_bytes() for p in folder_files(db_path.parent)}
    with pytest.raises(db.Locked, match="已加密，需要口令"):
        db.connect(db_path)
    with pytest.raises(keys.WrongPassphrase, match="口令不对"):
        keys.unlock(db_path, "不是这个口令啊啊")
    with pytest.raises(ServiceError, match="已加密"):
        open_store(db_path)
    assert {p: p.read_bytes() for p in folder_files(db_path.parent)} == before
    keys.unlock(db_path, PASSPHRASE)
    store = Store(db_path)
    assert members.find_by_id_number(store, ID_NUMBER)["name"] == NAME
    store.close()


def test_a_key_file_of_another_database_is_named_as_the_problem(tmp_path, db_path):
    store, _ = new_encrypted(db_path)
    store.close()
    other = tmp_path / "other.db"
    encryption.encrypt_new(other, PASSPHRASE)
    Store(other).close()
    keys._unlocked.clear()
    keys.key_file(db_path).write_bytes(keys.key_file(other).read_bytes())
    keys.unlock(db_path, PASSPHRASE)  # the other database's key file opens with the same passphrase
    with pytest.raises(db.DatabaseError, match="不配套"):
        db.connect(db_path)


def test_passphrase_change_rewrites_only_the_key_file(db_path):
    store, _ = new_encrypted(db_path)
    members.register(store, person())
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    before = db_path.read_bytes()
    with pytest.raises(keys.WrongPassphrase):
        encryption.change_passphrase(db_path, "猜一个口令试试看", "新的口令一二三四")
    encryption.change_passphrase(db_path, PASSPHRASE, "新的口令一二三四")
    assert db_path.read_bytes() == before  # not re-encrypted
    keys._unlocked.clear()
    with pytest.raises(keys.WrongPassphrase):
        keys.unlock(db_path, PASSPHRASE)
    keys.unlock(db_path, "新的口令一二三四")
    assert Store(db_path).conn.execute("SELECT count(*) FROM members").fetchone()[0] == 1


def test_the_recovery_key_sets_a_new_passphrase_even_with_the_key_file_lost(tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    store, recovery = new_encrypted(db_path)
    members.register(store, person())
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sheet = recovery_sheet.write(recovery, store.unit, db_path, tmp_path / "exports")
    store.close()
    keys._unlocked.clear()
    keys.key_file(db_path).unlink()
    before = db_path.read_bytes()
    with pytest.raises(db.DatabaseError, match="恢复密钥"):  # no key file: the message says what to do
        db.connect(db_path)
    new_pass = tmp_path / "new.txt"
    new_pass.write_text("换了一个新口令呀\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(db_path),
            "passphrase",
            "reset",
            "--recovery-key-file",
            str(sheet),
            "--new-passphrase-file",
            str(new_pass),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "新口令已设置" in result.output
    assert db_path.read_bytes() == before
    keys._unlocked.clear()
    keys.unlock(db_path, "换了一个新口令呀")
    assert members.find_by_id_number(Store(db_path), ID_NUMBER)["name"] == NAME


def test_a_mistyped_or_foreign_recovery_key_is_refused_clearly(tmp_path, db_path):
    store, recovery = new_encrypted(db_path)
    store.close()
    typo = recovery.text[:-1] + ("A" if recovery.text[-1] != "A" else "B")
    with pytest.raises(keys.BadRecoveryKey, match="输错"):
        recovery_sheet.find_key(typo)
    # Lowercase, spaces and a 0 for an O are all read back.
    assert recovery_sheet.find_key(recovery.text.lower().replace("-", " ").replace("o", "0")) == recovery
    with pytest.raises(keys.BadRecoveryKey, match="另一个数据库"):
        encryption.reset_passphrase(db_path, keys.RecoveryKey.new(), "随便一个新口令啊")


def test_clerk_encrypt_turns_a_plain_database_and_its_backups_into_encrypted_ones(tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    store = Store(db_path)
    setup.set_up(store, *UNIT)
    members.register(store, person())
    old_backup = store.backup()
    store.close()
    assert "id" in readable(old_backup)
    new_pass = tmp_path / "pass.txt"
    new_pass.write_text(PASSPHRASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db_path), "encrypt", "--new-passphrase-file", str(new_pass)])
    assert result.exit_code == 0, result.output
    assert "数据库已加密" in result.output and "旧备份也已加密：1 个" in result.output
    assert keys.is_encrypted(db_path) and keys.is_encrypted(old_backup)
    for path in folder_files(db_path.parent):
        if path.suffix in (".db", ".db-wal") or path.name.endswith((".db-wal", ".plain")):
            assert readable(path) == [], path
    assert not list(db_path.parent.rglob("*.plain")) and not list(db_path.parent.rglob("*.encrypting"))
    sheets = list((tmp_path / "exports").glob("恢复密钥-*.txt"))
    assert len(sheets) == 1 and oct(sheets[0].stat().st_mode & 0o777) == "0o600"
    recovery = recovery_sheet.read_key_file(sheets[0])
    keys._unlocked.clear()
    keys.unlock(db_path, PASSPHRASE)
    assert keys.key_for(db_path) == recovery.data_key
    store = Store(db_path)
    assert members.find_by_id_number(store, ID_NUMBER)["name"] == NAME
    store.close()
    conn = db.open_file(old_backup, readonly=True, key=keys.key_for(db_path))  # the same key as the database
    assert conn.execute("SELECT name FROM members").fetchone()[0] == NAME
    conn.close()


def test_encrypt_refuses_while_another_program_has_the_database_open(db_path):
    store = Store(db_path)
    setup.set_up(store, *UNIT)
    members.register(store, person())
    other = Store(db_path)
    try:
        with pytest.raises(db.DatabaseError, match="正被另一个 clerk 程序使用"):
            encryption.encrypt(db_path, PASSPHRASE)
    finally:
        other.close()
        store.close()
    assert not keys.is_encrypted(db_path) and not keys.key_file(db_path).exists()
    assert Store(db_path).conn.execute("SELECT count(*) FROM members").fetchone()[0] == 1


def test_the_import_writer_process_writes_into_an_encrypted_database(tmp_path, db_path):
    store, _ = new_encrypted(db_path)
    rows = [HEADER] + people(300)
    rows.append([999, NAME, ID_NUMBER, "13800000000", "快递员", "2026-03-01"])
    roster = write_xlsx(tmp_path / "花名册.xlsx", {"s": rows})
    scan = importer.scan(store, roster)
    try:
        plan, result = importer.run(store, scan, early=importer.EarlyBackup(store.path), parallel=True)
    finally:
        scan.close()
    assert result.written and result.counts["new"] == 301
    assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 301
    assert readable(db_path) == [] and readable(Path(f"{db_path}-wal")) == []
    assert result.backup is not None and readable(result.backup) == [] and keys.is_encrypted(result.backup)
    store.close()


def test_the_writer_gets_the_key_through_its_pipe_not_its_command_line_or_environment(db_path, monkeypatch):
    from clerk.importing import writer as import_writer

    seen = {}
    real = import_writer.subprocess.Popen

    def spy(args, **kwargs):
        seen["args"], seen["env"] = args, kwargs.get("env") or {}
        return real(args, **kwargs)

    monkeypatch.setattr(import_writer.subprocess, "Popen", spy)
    store, _ = new_encrypted(db_path)
    hexkey = keys.key_for(db_path).hex()
    w = import_writer.start_writer()
    w.stop()
    w.close()
    store.close()
    assert hexkey not in " ".join(seen["args"])
    assert not any(hexkey in v or PASSPHRASE in v for v in seen["env"].values())


def test_a_sync_export_reads_an_encrypted_database(tmp_path, db_path):
    store, _ = new_encrypted(db_path)
    members.register(store, person())
    result = sync_export.export(store, full=True, out_dir=tmp_path / "out")
    assert result.path is not None and result.path.exists()
    store.close()


def test_restore_keeps_the_current_key_and_encrypts_a_plain_backup(tmp_path, db_path):
    plain = Store(tmp_path / "old-plain.db")
    setup.set_up(plain, *UNIT)
    members.register(plain, person())
    plain_backup = plain.backup()
    plain.close()
    store, _ = new_encrypted(db_path)
    store.close()
    db.restore(plain_backup, db_path)
    assert keys.is_encrypted(db_path)
    store = Store(db_path)
    assert members.find_by_id_number(store, ID_NUMBER)["name"] == NAME
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    encrypted_backup = store.backup()
    store.close()
    assert readable(db_path) == [] and readable(encrypted_backup) == []
    db.restore(encrypted_backup, db_path)  # same key: a plain copy
    keys._unlocked.clear()
    keys.unlock(db_path, PASSPHRASE)
    assert Store(db_path).conn.execute("SELECT count(*) FROM members").fetchone()[0] == 1


def test_restore_on_a_new_laptop_with_the_recovery_key_sheet(tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    store, recovery = new_encrypted(db_path)
    members.register(store, person())
    carried = store.backup(to=tmp_path / "usb" / "备份.db")
    sheet = recovery_sheet.write(recovery, store.unit, db_path, tmp_path / "exports")
    store.close()
    keys._unlocked.clear()
    laptop = tmp_path / "new-laptop" / "clerk.store.db"
    new_pass = tmp_path / "pass.txt"
    new_pass.write_text("新电脑上的新口令", encoding="utf-8")
    runner = CliRunner()
    refused = runner.invoke(main, ["--db", str(laptop), "restore", str(carried), "--yes"])
    assert refused.exit_code == 1 and "恢复密钥" in refused.output and not laptop.exists()
    result = runner.invoke(
        main,
        ["--db", str(laptop), "--passphrase-file", str(new_pass), "restore", str(carried), "--yes",
         "--recovery-key-file", str(sheet)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "口令已设置" in result.output
    keys._unlocked.clear()
    keys.unlock(laptop, "新电脑上的新口令")
    assert members.find_by_id_number(Store(laptop), ID_NUMBER)["name"] == NAME


def test_setup_in_a_script_without_a_passphrase_makes_a_plain_database_and_says_so(db_path):
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "setup", "--code", UNIT[0], "--name", UNIT[1], "--clerk", UNIT[2]]
    )
    assert result.exit_code == 0, result.output
    assert "数据库没有加密" in result.output
    assert db_path.read_bytes().startswith(keys.SQLITE_HEADER) and not keys.key_file(db_path).exists()


def test_setup_with_a_passphrase_from_the_environment_encrypts_and_writes_the_sheet(tmp_path, db_path, monkeypatch):
    monkeypatch.setenv("CLERK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "setup", "--code", UNIT[0], "--name", UNIT[1], "--clerk", UNIT[2]]
    )
    assert result.exit_code == 0, result.output
    assert "数据库已加密" in result.output and "恢复密钥单已写入" in result.output
    assert keys.is_encrypted(db_path)
    (sheet,) = (tmp_path / "exports").glob("恢复密钥-*.txt")
    text = sheet.read_text(encoding="utf-8")
    assert UNIT[1] in text and len(text.splitlines()) <= 60  # one A4 page in any editor
    assert max(cell_len(line) for line in text.splitlines()) <= 76
    keys._unlocked.clear()
    listed = CliRunner().invoke(main, ["--db", str(db_path), "member", "list"])  # the same variable opens it
    assert listed.exit_code == 0, listed.output


def test_a_script_without_the_passphrase_is_told_how_to_give_it(db_path):
    store, _ = new_encrypted(db_path)
    store.close()
    keys._unlocked.clear()
    result = CliRunner().invoke(main, ["--db", str(db_path), "member", "list"])
    assert result.exit_code == 1
    assert "CLERK_PASSPHRASE" in result.output and "--passphrase-file" in result.output
    assert "Traceback" not in result.output


def test_the_key_file_is_private_and_holds_no_key_in_the_clear(db_path):
    store, recovery = new_encrypted(db_path)
    store.close()
    path = keys.key_file(db_path)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    text = path.read_text(encoding="utf-8")
    assert recovery.secret.hex() not in text and recovery.data_key.hex() not in text
    assert recovery.text.replace("-", "") not in text and PASSPHRASE not in text
