"""Secrets never on the command line: the sync-file password is typed without echo (twice when it
is set), or read from a file or the environment; `--password VALUE` is refused and says how."""

from __future__ import annotations

import msoffcrypto
import pytest
from click.testing import CliRunner
from sync_world import make_district, make_township, register

from clerk.cli import main, secrets

PASSWORD = "Zhen-Mi-Ma-2026"


@pytest.fixture
def township(tmp_path, monkeypatch):
    monkeypatch.delenv(secrets.ENV, raising=False)
    store, orgs = make_township(tmp_path, 0)
    register(store, 3, orgs[1])
    store.close()
    return store.path


def run(db, *args, input=None, env=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input, env=env)


def exported(folder):
    return sorted(folder.glob("*.xlsx"))


def is_encrypted_with(path, password: str) -> bool:
    with open(path, "rb") as f:
        office = msoffcrypto.OfficeFile(f)
        if not office.is_encrypted():
            return False
        office.load_key(password=password)
        return True


@pytest.mark.parametrize("args", [["--password", PASSWORD], [f"--password={PASSWORD}"]])
def test_a_password_on_the_command_line_is_refused_and_says_how(township, tmp_path, args):
    out = tmp_path / "out"
    result = run(township, "export", "--out", str(out), *args)
    assert result.exit_code == 1
    assert "密码不能写在命令行上" in result.output and "--password-file" in result.output
    assert secrets.ENV in result.output
    assert PASSWORD not in result.output
    assert not out.exists() or exported(out) == []


def test_merge_refuses_a_password_on_the_command_line_too(township, tmp_path):
    district = make_district(tmp_path)
    district.close()
    out = tmp_path / "out"
    run(township, "export", "--out", str(out), "--password", input=f"{PASSWORD}\n{PASSWORD}\n")
    result = run(district.path, "merge", "--password", PASSWORD, *map(str, exported(out)))
    assert result.exit_code == 1 and "密码不能写在命令行上" in result.output
    assert "已合并" not in result.output


def test_the_password_is_typed_twice_without_echo_when_set(township, tmp_path):
    out = tmp_path / "out"
    result = run(township, "export", "--out", str(out), "--password", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # typed without echo
    assert "再输入一遍" in result.output
    [path] = exported(out)
    assert is_encrypted_with(path, PASSWORD)


def test_two_different_passwords_write_nothing(township, tmp_path):
    out = tmp_path / "out"
    result = run(township, "export", "--out", str(out), "--password", input=f"{PASSWORD}\nanother\n")
    assert result.exit_code == 1 and "两次输入的密码不一样" in result.output
    assert not out.exists() or exported(out) == []


def test_no_terminal_to_type_in_says_how_scripts_give_it(township, tmp_path):
    result = run(township, "export", "--out", str(tmp_path / "out"), "--password", input="")
    assert result.exit_code == 1 and "--password-file" in result.output and "Traceback" not in result.output


def test_scripts_give_the_password_by_file_or_environment(township, tmp_path):
    district = make_district(tmp_path)
    district.close()
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(township, "export", "--out", str(out), "--password-file", str(secret))
    assert result.exit_code == 0, result.output
    [path] = exported(out)
    assert is_encrypted_with(path, PASSWORD)
    merged = run(district.path, "merge", str(path), "--password", env={secrets.ENV: PASSWORD})
    assert merged.exit_code == 0, merged.output
    assert "已合并" in merged.output
