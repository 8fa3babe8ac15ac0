"""click in Chinese: help pages laid out in terminal cells, and click's own words in Chinese.

click marks every word it prints itself (Usage, Options, Missing argument, No such option…) for
gettext; `install()` gives its modules a Chinese catalogue in place of the English passthrough,
so no English reaches the clerk whatever click reports. The help formatter measures CJK text in
terminal cells (two per character) and breaks it between characters, not at spaces it lacks.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterable
from typing import Any, ClassVar, NoReturn

import click
from rich.cells import cell_len

# click's own messages (click 8.1-8.3 spell them this way; a test checks each key is still in click).
MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示这份帮助后退出。",
    "Show the version and exit.": "显示版本后退出。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（运行时决定）",
    "deprecated": "已停用",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看用法。",
    "Aborted!": "已取消。",
    "Missing command.": "缺少子命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value: {message}": "值不对：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "No such option {name!r}.": "没有 {name} 这个选项。",
    "No such option: {name}": "没有 {name} 这个选项。",
    "No such command {name!r}.": "没有“{name}”这个命令。",
    "Did you mean {possibility}?": "是不是要用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是要用其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）。",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）。",
    "Option {name!r} requires an argument.": "选项 {name} 后面要跟一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 后面要跟 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name} 后面不能跟值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 要 {nargs} 个值。",
    "Value must be an iterable.": "这里要给多个值。",
    "Takes {nargs} values but 1 was given.": "要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "要 {nargs} 个值，给了 {len} 个。",
    "{value!r} is not {choice}.": "“{value}”不是可选的值。可选：{choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选的值。可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：{choices}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是数字。",
    "{value} is not in the range {range}.": "{value} 超出了范围（{range}）。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”只能是“是”或“否”（{states}）。",
    "{value!r} is not a valid UUID.": "“{value}”格式不对。",
    "{value!r} does not match the format {format}.": "“{value}”格式不对，应为 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”格式不对，应为 {formats} 之一。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是一个文件。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是一个文件夹。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”没有读取权限。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”没有写入权限。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能运行。",
    "Could not open file {filename!r}: {message}": "打不开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "{len_type} values are required, but {len_value} was given.": "要 {len_type} 个值，给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "要 {len_type} 个值，给了 {len_value} 个。",
    "Repeat for confirmation": "再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入的不一样。",
    "Error: invalid input": "错误：请输入 y（是）或 n（否）。",
    "Press any key to continue...": "按任意键继续……",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不再询问，直接执行。",
}

# Metavars click derives from a value's type (TEXT, INTEGER…), shown as what to type.
TYPE_METAVARS = {"text": "文本", "integer": "整数", "float": "数字", "path": "路径", "filename": "文件"}

# The click modules that print words of their own.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")

_CLOSING = set("，。、；：！？）》」』】”’…")  # never at the start of a line
_OPENING = set("（《「『【“‘")  # never at the end of one


def translate(message: str) -> str:
    """click's gettext: the Chinese for one of its messages (unknown ones pass through)."""
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    """click's ngettext: Chinese has one form for both."""
    return MESSAGES.get(singular if count == 1 else plural) or MESSAGES.get(singular) or singular


def install() -> None:
    """Give click's modules the Chinese catalogue (gettext's hook, without .mo files)."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}") or __import__(f"click.{name}", fromlist=["_"])
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]


# -- layout in terminal cells ---------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Spaces, runs of Latin letters and digits (never split), and single CJK characters."""
    return re.findall(r"\s+|[^\s\u2e80-\uffff]+|.", text)


def wrap(text: str, width: int) -> list[str]:
    """Break one paragraph into lines of at most `width` cells: between Chinese characters, at spaces
    between Latin words, with no closing punctuation at the start of a line (nor opening at its end)."""
    lines: list[list[str]] = [[]]
    used = 0
    for token in _tokens(text.replace("\n", " ")):
        line = lines[-1]
        if token.isspace():
            if line:
                line.append(" ")
                used += 1
            continue
        size = cell_len(token)
        if used + size > width and line:
            while line and line[-1] == " ":
                line.pop()
            carried: list[str] = []
            # Keep a closing mark with the character before it, and an opening one with what follows.
            if token[0] in _CLOSING and len(line) > 1:
                carried.append(line.pop())
            while len(line) > 1 and line[-1] in _OPENING:
                carried.insert(0, line.pop())
            lines.append(carried)
            line = lines[-1]
            used = sum(cell_len(t) for t in line)
        line.append(token)
        used += size
    return ["".join(line).rstrip() for line in lines if line]


def _translate_metavars(text: str) -> str:
    return re.sub(r"\b(TEXT|INTEGER|FLOAT|PATH|FILENAME)\b", lambda m: TYPE_METAVARS[m.group(1).lower()], text)


def _translate_extra(help_text: str) -> str:
    """The "[default: 30; required]" tail click adds to an option's help, in Chinese punctuation."""
    match = re.search(r"\s*\[([^\[\]]*)\]$", help_text)
    if not match:
        return help_text
    parts = [translate(part) for part in match.group(1).split("; ")]
    return help_text[: match.start()] + "（" + "；".join(parts) + "）"


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help page with Chinese headings and punctuation, measured and wrapped in terminal cells."""

    HEADINGS: ClassVar[dict[str, str]] = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = "用法：" if prefix is None else prefix
        head = f"{' ' * self.current_indent}{prefix}{prog}"
        width = max(self.width - cell_len(head) - 1, 20)
        lines = wrap(_translate_metavars(args), width) or [""]
        self.write(f"{head} {lines[0]}".rstrip() + "\n")
        for line in lines[1:]:
            self.write(" " * (cell_len(head) + 1) + line + "\n")

    def write_heading(self, heading: str) -> None:
        self.write(f"{' ' * self.current_indent}{self.HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
        for number, paragraph in enumerate(paragraphs):
            if number:
                self.write("\n")
            if paragraph.startswith("\b"):  # click's mark for a block kept as written
                for line in paragraph.splitlines()[1:]:
                    self.write(f"{indent}{line}\n")
                continue
            for line in wrap(paragraph, width):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(_translate_metavars(first), _translate_extra(second)) for first, second in rows]
        first_col = min(max((cell_len(first) for first, _ in rows), default=0), col_max) + col_spacing
        text_width = max(self.width - first_col - self.current_indent, 20)
        hang = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{' ' * self.current_indent}{first}")
            lines = wrap(second, text_width)
            if not lines:
                self.write("\n")
                continue
            if cell_len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cell_len(first)))
            else:
                self.write("\n" + hang)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(hang + line + "\n")


class ClerkContext(click.Context):
    """Help pages of every `clerk` command through the Chinese formatter, 78 cells at most."""

    formatter_class = ChineseHelpFormatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_content_width", 80)
        super().__init__(*args, **kwargs)


def _first_sentence(text: str) -> str:
    text = text.strip().split("\n\n")[0].replace("\n", "")
    match = re.match(r"(.+?[。！？])", text)
    return match.group(1) if match else text


class ClerkCommand(click.Command):
    """A `clerk` command: Chinese help, the option list as [选项], typed values named in Chinese."""

    context_class = ClerkContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = TYPE_METAVARS.get(param.type.name)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = MESSAGES["Show this message and exit."]
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in its group's list: the first sentence of its help, cut to fit."""
        text = self.short_help or _first_sentence(self.help or "")
        lines = wrap(text, limit)
        return lines[0] + ("…" if len(lines) > 1 else "") if lines else ""


class ClerkGroup(ClerkCommand, click.Group):
    """A group of `clerk` commands; its commands and subgroups are built the same way."""

    command_class = ClerkCommand
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


class Choices(click.ParamType):
    """A choice a clerk may type in Chinese or as its English word; the command gets the English word."""

    name = "choice"

    def __init__(self, labels: dict[str, str]):
        self.labels = labels  # English value -> Chinese label

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "{" + "|".join(self.labels.values()) + "}"

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        return self.listing()

    def listing(self) -> str:
        return "可选：" + "、".join(
            label if label == value else f"{label}（{value}）" for value, label in self.labels.items()
        )

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        for english, chinese in self.labels.items():
            if text in (english, chinese):
                return english
        self.fail(f"“{text}”不是可选的值。{self.listing()}。", param, ctx)


class Count(click.ParamType):
    """A whole number between two bounds, refused in Chinese outside them."""

    name = "integer"

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            self.fail(f"“{value}”不是整数。", param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"应在 {self.low} 到 {self.high} 之间，现在是 {number}。", param, ctx)
        return number


def usage_error_text(exc: click.UsageError) -> str:
    """A usage error as Chinese sentences that name what is wrong and what is expected."""
    possibilities = getattr(exc, "possibilities", None)
    if isinstance(exc, (click.NoSuchOption, click.exceptions.NoSuchCommand)) and possibilities:
        return f"{exc.message}是不是要用 {'、'.join(sorted(possibilities))}？"
    param = getattr(exc, "param", None)
    if not isinstance(exc, click.BadParameter) or param is None or exc.param_hint is not None:
        return exc.format_message()
    option = isinstance(param, click.Option)
    name = " / ".join(param.opts) if option else f"“{param.human_readable_name}”"
    if isinstance(exc, click.MissingParameter):
        what = f"（{param.help.rstrip('。')}）" if option and param.help else ""
        extra = param.type.get_missing_message(param=param, ctx=exc.ctx) or ""
        return f"缺少{'选项 ' if option else '参数'}{name}{what}。{extra}"
    return f"{name}{' ' if option else ''}的值不对：{exc.message}"


def error_lines(message: str, width: int) -> list[str]:
    """A refusal as lines of the terminal's width, broken where Chinese text may break."""
    lines = [line for paragraph in f"错误：{message}".splitlines() for line in wrap(paragraph, max(width, 20))]
    return lines or ["错误："]


def show_error(message: str) -> None:
    """Print a refusal on stderr: 错误： in red, the message wrapped for the terminal."""
    width = shutil.get_terminal_size().columns - 1
    first, *rest = error_lines(message, width)
    click.echo(click.style(first[:3], fg="red", bold=True) + first[3:], err=True)
    for line in rest:
        click.echo(line, err=True)


def show_usage_error(exc: click.UsageError) -> NoReturn:
    """Print a usage error as click does (usage line, where to find help, the error), in Chinese."""
    if exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        names = exc.ctx.command.get_help_option_names(exc.ctx)
        if names:
            hint = translate("Try '{command} {option}' for help.")
            click.echo(hint.format(command=exc.ctx.command_path, option=max(names, key=len)), err=True)
        click.echo(err=True)
    show_error(usage_error_text(exc))
    sys.exit(exc.exit_code)


install()
