"""Every word of `clerk`'s help and of click's errors is Chinese, and the README lists every command."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from clerk.cli import chinese, main

README = Path(__file__).resolve().parent.parent / "README.md"

# Names with no Chinese rendering that a clerk meets as they are (products, formats).
PROPER_NOUNS = {"SQLite", "PostgreSQL", "Excel", "WPS", "LibreOffice", "PDF"}
# Environment variables clerk reads itself (not an option's envvar): typed as they are.
ENVIRONMENT = {"CLERK_PASSPHRASE"}


def all_commands(group: click.Group, path: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


COMMANDS = [((), main), *all_commands(main)]


def help_of(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def allowed_words() -> set[str]:
    """Commands, options, choice values and environment variables: what a clerk types as it is."""
    words = {"clerk", *ENVIRONMENT}
    for path, command in COMMANDS:
        words.update(path)
        for param in command.params:
            words.update(param.opts + param.secondary_opts)
            if isinstance(param, click.Option) and isinstance(param.envvar, str):
                words.add(param.envvar)
            if isinstance(param.type, chinese.Choices):
                words.update(param.type.labels)
    return words


def latin_words(text: str, allowed: set[str]) -> list[str]:
    """Runs of Latin words in text that are not a command, option, file name, path or proper noun."""
    found = []
    for run in re.findall(r"[\x21-\x7e]+", text):  # printable ASCII between spaces and Chinese
        if run.startswith("-"):
            continue  # an option
        if "/" in run or "\\" in run or re.search(r"\w\.[A-Za-z]+\b", run) or re.match(r"\.[a-z]+", run):
            continue  # a path, a URL, a file name or a file extension
        for word in re.findall(r"[A-Za-z][A-Za-z_-]*", run):  # 2026-Q3, E=手机号码: codes, not words
            if len(word) > 1 and word not in allowed and word not in PROPER_NOUNS:
                found.append(word)
    return found


def test_the_latin_word_finder_finds_english_and_passes_names():
    allowed = {"clerk", "member", "show", "--limit", "CLERK_DB"}
    text = (
        "用法：clerk member show [OPTIONS] 会员 Show this message. --limit 整数 D:/工会 a.xlsx CLERK_DB SQLite E=手机"
    )
    assert latin_words(text, allowed) == ["OPTIONS", "Show", "this", "message"]


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda p: " ".join(("clerk", *p)))
def test_every_help_page_is_chinese(path):
    text = help_of(path)
    assert text.startswith("用法：clerk")
    assert "选项：" in text and "显示这份帮助后退出。" in text
    words = latin_words(text, allowed_words())
    assert not words, f"English in `clerk {' '.join(path)} --help`: {words}\n{text}"


@pytest.mark.parametrize("path", [path for path, _ in COMMANDS], ids=lambda p: " ".join(("clerk", *p)))
def test_every_help_page_fits_80_columns(path):
    too_wide = [line for line in help_of(path).splitlines() if cell_len(line) > 80 and " " in line.strip()]
    assert not too_wide  # an unbreakable example line (a long path) may run over; prose never


def test_every_command_is_built_from_the_chinese_classes():
    plain = [" ".join(("clerk", *path)) for path, command in COMMANDS if not isinstance(command, chinese.ClerkCommand)]
    assert not plain, f"give these cls=ClerkCommand or cls=ClerkGroup (clerk/cli/chinese.py): {plain}"


def test_defaults_required_and_choices_read_in_chinese():
    text = help_of(("member", "list"))
    assert "--limit 整数" in text and "（默认：30）" in text
    assert "（必填）" in help_of(("setup",))
    resolve = help_of(("conflicts", "resolve"))
    assert "冲突编号 方式" in resolve and "保留本区" in resolve and "保留来文" in resolve


# -- click's own errors -----------------------------------------------------------------------------


def fails(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error" not in result.output and "Usage" not in result.output
    return result.output


def test_a_missing_argument_names_it():
    out = fails("member", "show")
    assert "用法：clerk member show [选项] 会员" in out
    assert "用“clerk member show --help”查看用法。" in out
    assert "错误：缺少参数“会员”。" in out


def test_a_missing_option_says_what_it_is():
    assert "错误：缺少选项 --name（单位名称，如 某某镇总工会）。" in fails(
        "setup", "--code", "500101001", "--clerk", "李华"
    )


def test_an_invalid_number_a_wrong_option_and_a_wrong_command():
    assert "错误：--limit 的值不对：“很多”不是数字。" in fails("member", "list", "--limit", "很多")
    assert "错误：没有 --limt 这个选项。是不是要用 --limit？" in fails("member", "list", "--limt", "5")
    assert "错误：没有“membr”这个命令。是不是要用 member、merge？" in fails("membr")
    assert "错误：多出了参数（多余）。" in fails("config", "show", "多余")
    assert "错误：选项 --limit 后面要跟一个值。" in fails("member", "list", "--limit")
    assert "错误：--jobs 的值不对：应在 1 到 64 之间，现在是 99。" in fails("merge", "--jobs", "99", "a.xlsx")


def test_a_choice_lists_the_chinese_choices():
    out = fails("conflicts", "resolve", "2", "保留")
    assert "错误：“方式”的值不对：“保留”不是可选的值。" in out
    assert "保留本区（keep-existing）" in out and "转接（transfer）" in out


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("转接", "transfer"),
        ("保留本区", "keep-existing"),
        ("保留来文", "keep-incoming"),
        ("keep-existing", "keep-existing"),
    ],
)
def test_chinese_and_english_choice_values_reach_the_service_as_the_same_word(typed, meant, monkeypatch):
    from clerk.sync import merge as sync_merge

    seen = []
    monkeypatch.setattr(sync_merge, "resolve", lambda target, ref, choice: seen.append((ref, choice)) or "好")
    result = CliRunner().invoke(main, ["conflicts", "resolve", "2", typed])
    assert result.exit_code == 0, result.output
    assert seen == [("2", meant)] and "已处理：好" in result.output


def test_every_message_click_can_show_a_clerk_is_in_the_catalogue():
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(click.__file__).parent.glob("*.py"))
    marked = set()
    for call in re.finditer(r"\b(?:_|ngettext)\(\s*((?:\"[^\"]*\"\s*)+)(?:,\s*((?:\"[^\"]*\"\s*)+))?", source):
        for group in call.groups():
            if group:
                marked.add("".join(re.findall(r"\"([^\"]*)\"", group)).replace("\\n", "\n").replace("\\t", "\t"))
    developer_only = {
        m
        for m in marked
        if re.search(
            r"defined twice|cannot use the same flag|Could not determine name|No options defined"
            r"|take exactly one parameter|[Ss]hell completion|Bash version|Windows error|Editing failed"
            r"|Unknown color|Unknown standard stream|version|DeprecationWarning|^Choice\(|^d$"
            r"|Invalid start character for option",
            m,
        )
    }
    missing = sorted(marked - developer_only - set(chinese.MESSAGES))
    assert not missing, f"click messages without Chinese (add them to clerk/cli/chinese.py MESSAGES): {missing}"


def test_wrapping_counts_cells_and_keeps_punctuation_with_its_word():
    text = "导入单位报来的花名册（批量入会）：.xlsx/.xls，自动识别表头和列。"
    lines = chinese.wrap(text, 20)
    assert "".join(lines) == text.replace(" ", "")
    assert all(cell_len(line) <= 20 for line in lines)
    assert not any(line[0] in "，。、；：）" for line in lines[1:])
    assert not any(line[-1] in "（“" for line in lines)
    assert chinese.wrap("see the manual page", 9) == ["see the", "manual", "page"]


# -- the README's command table ---------------------------------------------------------------------


def readme_commands() -> list[tuple[list[str], list[str]]]:
    """(command words, options) of each code span in the first column of the README's command table."""
    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    spans = []
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        first = re.split(r"(?<!\\)\|", line)[1]
        for span in re.findall(r"`([^`]+)`", first):
            words = span.replace("\\|", "|").split()
            assert words[0] == "clerk", f"README command table: {span!r} does not start with clerk"
            spans.append((words[1:], re.findall(r"(--[a-z][a-z-]*)", span)))
    return spans


def documented() -> tuple[set[tuple[str, ...]], list[str]]:
    ctx = click.Context(main)
    seen: set[tuple[str, ...]] = {()}
    problems = []
    for words, options in readme_commands():
        if not words:
            continue
        command = main.get_command(ctx, words[0])
        if command is None:
            problems.append(f"README.md lists `clerk {words[0]}`, which `clerk --help` does not have: remove it.")
            continue
        targets = [command]
        seen.add((words[0],))
        if isinstance(command, click.Group):
            targets = []
            for sub in words[1].split("|") if len(words) > 1 else []:
                found = command.get_command(ctx, sub)
                if found is None:
                    problems.append(f"README.md lists `clerk {words[0]} {sub}`, which does not exist: remove it.")
                else:
                    targets.append(found)
                    seen.add((words[0], sub))
        names = {opt for target in targets for param in target.params for opt in param.opts}
        problems += [
            f"README.md shows `clerk {' '.join(words[:2])} ... {opt}`, an option it does not have."
            for opt in options
            if opt not in names
        ]
    return seen, problems


def test_the_readme_command_table_matches_clerk_help():
    seen, problems = documented()
    for path, _ in COMMANDS:
        if path in seen or (len(path) == 2 and path[0] not in {p[0] for p in seen if p}):
            continue
        if len(path) == 1:
            problems.append(
                f"`clerk {path[0]}` is missing from README.md's command table (## Commands): add a row\n"
                f"    | `clerk {path[0]} ...` | what it does, in English |"
            )
        else:
            problems.append(
                f"`clerk {' '.join(path)}` is missing from README.md's command table: add `{path[1]}` to the row "
                f"of `clerk {path[0]} a\\|b\\|...` (or give it a row: | `clerk {' '.join(path)}` | what it does |)"
            )
    assert not problems, "\n".join(problems)
