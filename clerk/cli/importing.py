"""`clerk import FILE...` (花名册批量入会) and `clerk batches list|show|undo|report|mappings`.

Thin faces over clerk/importing/pipeline.py, import_batches.py and import_report.py. A file that
cannot be imported is refused with its Chinese reason and the command exits with status 1.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path

import click
from rich import box
from rich.table import Table

from clerk.cli.chinese import ClerkCommand, ClerkGroup
from clerk.cli.common import console, err_console, full_path, progress_bar, store_from
from clerk.importing import batches as import_batches
from clerk.importing import error_report as import_report
from clerk.importing import mappings as import_mappings
from clerk.importing import pipeline as importer
from clerk.registry import organisations
from clerk.spreadsheets import columns
from clerk.store.files import check_target
from clerk.store.store import ServiceError, Store

COUNT_LABELS = (
    ("new", "新入会"),
    ("updated", "更新已有会员"),
    ("unchanged", "已是会员（未改动）"),
    ("duplicate", "表内重复"),
    ("rejected", "未导入（有错误）"),
    ("warning", "已导入但需核对"),
    ("skipped", "跳过的空行/说明/签名行"),
)


def _short(sha: str) -> str:
    return sha[:12]


# -- clerk import ------------------------------------------------------------------------------


@click.command("import", cls=ClerkCommand)
@click.argument("files", metavar="文件...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--org",
    "org_ref",
    help="导入到哪个工会组织（编号、完整名称或统一社会信用代码）；表中“工作单位”能对上组织名称的行以表中为准。",
)
@click.option("--dry-run", is_flag=True, help="只检查、预览，不写入数据库。")
@click.option(
    "--update-existing", is_flag=True, help="库中已有的会员，用花名册中填写的信息更新（默认不改动已有会员）。"
)
@click.option(
    "--errors-to",
    type=click.Path(path_type=Path),
    help="错误报告 .xlsx 写到这里（默认：导出文件夹，见 clerk config show；有未导入的行时自动生成）。",
)
@click.option("--force", is_flag=True, help="--errors-to 指定的文件已经存在时，替换它（默认不覆盖任何已有文件）。")
@click.option("--show", "show", default=50, show_default=True, help="最多列出多少个问题行（0 = 全部）。")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="[工作表!]列=字段",
    help="更正某一列导入为什么，如 --map E=手机号码、--map 联系方式=不导入、--map 花名册!F=身份证号码；可重复。",
)
@click.option("--save-mapping", is_flag=True, help="把（更正后的）列对应关系保存下来，下次同样表头的文件自动套用。")
@click.option("--no-org-match", is_flag=True, help="不按“工作单位”列匹配工会组织，全部导入 --org 指定的组织。")
@click.pass_context
def import_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    org_ref: str | None,
    dry_run: bool,
    update_existing: bool,
    errors_to: Path | None,
    force: bool,
    show: int,
    maps: tuple[str, ...],
    save_mapping: bool,
    no_org_match: bool,
) -> None:
    """导入单位报来的花名册（批量入会）：.xlsx/.xlsm/.xls/.ods/.csv，自动识别表头和列。

    先检查每一行（身份证号码、姓名、手机号等与登记表单同样的规则），列出新入会、已是会员、
    重复和有错误的行，然后在一个事务里写入（写入前自动备份）。有错误的行写成错误报告 .xlsx，
    单位改好发回后再导入即可补上。同一个文件导入两次，第二次不会有任何改动。"""
    if errors_to is not None:  # before importing: a refused report must not come after a written batch
        check_target(errors_to, force=force)
    store = store_from(ctx)
    store.require_unit()
    org_id = organisations.find(store, org_ref) if org_ref else None
    run = ImportRun(
        options=importer.Options(org_id=org_id, update_existing=update_existing, match_org_names=not no_org_match),
        dry_run=dry_run,
        errors_to=errors_to if len(files) == 1 else None,
        force=force,
        show=show,
        maps=maps,
        save_mapping=save_mapping,
    )
    refused = 0
    for path in files:
        try:
            _import_one(store, path, run)
        except ServiceError as exc:
            refused += 1
            err_console.print(f"[bold red]没有导入“{path.name or path}”：[/]{exc}")
        console.print()
    if refused:
        sys.exit(1)


@dataclass
class ImportRun:
    """What the clerk asked of this `clerk import`, the same for every file."""

    options: importer.Options
    dry_run: bool
    errors_to: Path | None
    force: bool  # replace an existing errors_to
    show: int
    maps: tuple[str, ...]
    save_mapping: bool
    seen: importer.SeenIds = default(default_factory=importer.SeenIds)  # ID numbers across the files


def _import_one(store: Store, path: Path, run: ImportRun) -> None:
    console.rule(f"[bold]{path.name}")
    # The backup before the batch is taken while the file is read (on the other core).
    early = (
        None
        if run.dry_run or not path.is_file()
        else importer.EarlyBackup(store.path, writer=importer.big_roster(path))
    )
    try:
        scan = importer.scan(store, path)
    except ServiceError:
        if early is not None:
            early.discard()
        raise
    outcome = None
    try:
        _prepare(store, scan, path, run)
        if scan.previous and not run.dry_run:
            _say_imported_before(scan.previous)
        else:
            outcome = _check_and_write(store, scan, run, early)
    finally:
        scan.close()
        if early is not None and early.path is not None and not run.dry_run:
            early.discard()  # only when commit() did not take it (it refused, or nothing to write)
    if outcome is not None:
        _show_result(store, *outcome, run)


def _prepare(store: Store, scan: importer.FileScan, path: Path, run: ImportRun) -> None:
    """Apply the clerk's column corrections, refuse an unusable file, show what was found."""
    _apply_maps(scan, run.maps)
    scan.check_usable()
    _show_scan(scan)
    if run.save_mapping:
        for sheet in scan.usable:
            import_mappings.save(store, sheet.layout, path.name)  # type: ignore[arg-type]
        console.print("[green]已保存列对应关系，下次同样表头的文件会自动套用。[/]")


def _say_imported_before(prev: dict) -> None:
    console.print(
        f"[yellow]这个文件已于 {prev['created_at'].replace('T', ' ')} 由 {prev['clerk']} 导入过"
        f"（批次 #{prev['id']}），本次没有任何改动。[/]"
    )


def _check_and_write(
    store: Store, scan: importer.FileScan, run: ImportRun, early: importer.EarlyBackup | None
) -> tuple[importer.Plan, importer.Result] | None:
    """Check every row (and write them, one transaction) under a progress bar; None for a dry run."""
    with progress_bar(console) as bar:
        checking = bar.add_task("校验", total=scan.estimated_rows)
        writing = bar.add_task("写入", total=scan.estimated_rows, visible=False)

        def report(stage: str, done: int, total: int | None) -> None:
            task = checking if stage == "校验" else writing
            bar.update(task, description=stage, completed=done, total=total, visible=True)

        if run.dry_run:
            plan = importer.prepare(store, scan, run.options, report, seen=run.seen)
            bar.stop()
            _show_plan(plan, run.show)
            console.print("[cyan]预览（--dry-run）：没有写入数据库。[/]")
            if run.errors_to and plan.rejects:
                written = import_report.for_plan(store, plan, run.errors_to, force=run.force)
                console.print(f"错误报告：{full_path(written)}")
            return None
        # Checked and written together (rows go in while later ones are checked), one transaction.
        plan, result = importer.run(store, scan, run.options, report, early, seen=run.seen)
    _show_plan(plan, run.show)
    return plan, result


def _show_result(store: Store, plan: importer.Plan, result: importer.Result, run: ImportRun) -> None:
    style = "green" if result.written else "yellow"
    console.print(f"[bold {style}]{result.message}[/]")
    if result.backup:
        console.print(f"导入前的数据库已备份到：{full_path(result.backup)}")
    if not result.written:
        return
    if plan.rejects:
        report_path = import_report.for_batch(store, result.batch_id, run.errors_to, force=run.force)  # type: ignore[arg-type]
        console.print(f"错误报告（发给单位修改后再导入）：[bold]{full_path(report_path)}[/]")
    console.print(f"如需撤销：clerk batches undo {result.batch_id}")
    with console.status("整理数据库文件……"):
        importer.checkpoint(store)


def _apply_maps(scan: importer.FileScan, maps: tuple[str, ...]) -> None:
    for item in maps:
        if "=" not in item:
            raise ServiceError(f"--map {item}：格式应为 列=字段，如 E=手机号码。")
        ref, field_text = item.rsplit("=", 1)
        sheet_name = None
        if "!" in ref:
            sheet_name, ref = ref.split("!", 1)
        field = columns.field_from_label(field_text)
        if field is None:
            fields = "、".join(columns.FIELDS.values())
            raise ServiceError(f"--map {item}：不认识字段“{field_text}”。可用的字段：{fields}、不导入。")
        targets = [s for s in scan.sheets if s.layout and (sheet_name is None or s.name == sheet_name)]
        if not targets:
            raise ServiceError(f"--map {item}：没有名为“{sheet_name}”的工作表。")
        matched = False
        for sheet in targets:
            if importer.find_column(sheet.layout, ref) is not None:  # type: ignore[arg-type]
                importer.remap(scan, sheet.name, {ref: field})
                matched = True
        if not matched:
            raise ServiceError(f"--map {item}：找不到“{ref}”这一列（可以写列字母如 E，或表头文字）。")


def _show_scan(scan: importer.FileScan) -> None:
    console.print(f"{scan.kind_label}，{scan.size:,} 字节，文件校验码 {_short(scan.sha256)}")
    if scan.parent_uid:
        console.print("[cyan]这是 clerk 生成的错误报告，修改后发回的文件：导入的行会记到原批次上。[/]")
    table = Table("工作表", "表头行", "数据行（约）", "处理", box=box.SIMPLE, title="工作表")
    for sheet in scan.sheets:
        rows = "" if sheet.data_rows is None else f"{sheet.data_rows:,}"
        header = ""
        if sheet.layout:
            header = "、".join(str(r) for r in sheet.layout.header_rows) or "无表头"
        status = "[green]导入[/]" if sheet.usable else f"[yellow]跳过[/]：{sheet.skipped}"
        if sheet.usable and sheet.saved_mapping:
            status += "（套用了保存的列对应）"
        table.add_row(sheet.name, header, rows, status)
    console.print(table)
    for sheet in scan.usable:
        layout = sheet.layout
        assert layout is not None
        mapping = Table("列", "表头", "导入为", "依据", box=box.SIMPLE, title=f"“{sheet.name}”的列")
        for col in layout.columns:
            if not col.label and col.field is None:
                continue
            target = (
                columns.label_of(col.field) if col.field not in (None, columns.KNOWN_IGNORED) else "[dim]（不导入）[/]"
            )
            if col.field in columns.REPORT_COLUMNS:
                target = f"[dim]{columns.REPORT_COLUMNS[col.field]}（错误报告的列）[/]"
            how = col.how if col.field in columns.FIELDS or col.how.startswith("与") else ""
            mapping.add_row(col.letter, col.label, target, how)
        console.print(mapping)
        for note in layout.notes:
            console.print(f"  · {note}")


def _show_plan(plan: importer.Plan, show: int) -> None:
    counts = Table("结果", "行数", box=box.SIMPLE, title="预览")
    for key, label in COUNT_LABELS:
        value = plan.counts[key]
        if value or key in ("new", "rejected"):
            counts.add_row(label, f"{value:,}")
    console.print(counts)
    if plan.org_name:
        console.print(f"导入到工会组织：{plan.org_name}")
    for note in plan.notes:
        console.print(f"  · {note}")
    problems = plan.problems
    if not problems:
        return
    limit = len(problems) if show == 0 else show
    table = Table(box=box.SIMPLE, title="需要注意的行", expand=True)
    for title, wrap in (("工作表", False), ("行", False), ("姓名", False), ("身份证号码", False), ("情况", False)):
        table.add_column(title, no_wrap=not wrap)
    table.add_column("原因", ratio=1, min_width=20)
    for p in problems[:limit]:
        colour = {"rejected": "red", "duplicate": "yellow", "warning": "yellow", "update": "cyan"}.get(p.kind, "")
        kind = f"[{colour}]{p.kind_label}[/]" if colour else p.kind_label
        table.add_row(p.sheet, str(p.row), p.name, p.id_masked, kind, p.reason)
    console.print(table)
    if len(problems) > limit:
        console.print(f"……还有 {len(problems) - limit} 行没有列出（用 --show 0 列出全部，或查看错误报告）。")


# -- clerk batches -----------------------------------------------------------------------------


@click.group("batches", cls=ClerkGroup)
def batches_group() -> None:
    """导入批次：查看每次导入了什么，撤销一个批次，重新生成错误报告。"""


@batches_group.command("list")
@click.option("--limit", default=50, show_default=True, help="最多显示多少个批次。")
@click.pass_context
def batches_list(ctx: click.Context, limit: int) -> None:
    """列出导入批次（最新的在前）。"""
    rows = import_batches.list_batches(store_from(ctx), limit)
    if not rows:
        console.print("还没有导入过花名册。用 clerk import 文件 导入。")
        return
    table = Table(box=box.SIMPLE, title="导入批次")
    for title in ("批次", "时间", "文件", "校验码", "新入会", "更新", "已有", "重复", "未导入", "状态"):
        table.add_column(title, no_wrap=title != "文件", overflow="ellipsis")
    for b in rows:
        status = "[dim]已撤销[/]" if b["status"] == "undone" else "已导入"
        table.add_row(
            f"#{b['id']}",
            b["created_at"].replace("T", " ")[5:16],
            b["file_name"],
            b["file_sha256"][:8],
            f"{b['new_count']:,}",
            f"{b['updated_count']:,}",
            f"{b['unchanged_count']:,}",
            f"{b['duplicate_count']:,}",
            f"{b['rejected_count']:,}",
            status,
        )
    console.print(table)


@batches_group.command("show")
@click.argument("batch_id", metavar="批次", type=int)
@click.option("--rows", "limit", default=50, show_default=True, help="最多列出多少个未导入的行（0 = 全部）。")
@click.pass_context
def batches_show(ctx: click.Context, batch_id: int, limit: int) -> None:
    """显示一个批次：文件、列对应关系、各类行数和未导入的行。"""
    store = store_from(ctx)
    batch = import_batches.get(store, batch_id)
    console.print(_batch_table(batch))
    for sheet, mapping in batch["mapping"].items():
        table = Table("列", "导入为", box=box.SIMPLE, title=f"“{sheet}”的列对应")
        for label, field in mapping.items():
            table.add_row(label, columns.label_of(field))
        console.print(table)
    _show_rejects(import_batches.rejects(store, batch_id, kind="rejected"), limit)


def _batch_table(b: dict) -> Table:
    info = Table(show_header=False, box=box.SIMPLE)
    info.add_row("批次", f"#{b['id']}（{'已撤销' if b['status'] == 'undone' else '已导入'}）")
    info.add_row("文件", b["file_name"])
    info.add_row("文件校验码", b["file_sha256"])
    info.add_row("导入时间", f"{b['created_at'].replace('T', ' ')}  经办人 {b['clerk']}")
    if b["undone_at"]:
        info.add_row("撤销时间", f"{b['undone_at'].replace('T', ' ')}  经办人 {b['undone_by']}")
    info.add_row("工会组织", b["org_name"] or "（按工作单位匹配 / 未指定）")
    info.add_row("已有会员", "按花名册更新" if b["update_existing"] else "不改动")
    for key, label in COUNT_LABELS[:-1]:
        info.add_row(label, f"{b[key + '_count']:,}")
    rejected, fixed = b["reject_rows"].get("rejected", (0, 0))
    optional = (
        ("未导入的行", f"{rejected} 行，其中 {fixed} 行已由后来的文件补上" if rejected else ""),
        ("补充", f"批次 #{b['parent_id']} 的错误报告修改后发回" if b["parent_id"] else ""),
        ("后续补充", "、".join(f"#{i}" for i in b["fixes"])),
        ("导入前备份", b["backup_path"] or ""),
    )
    for label, value in optional:
        if value:
            info.add_row(label, value)
    return info


def _show_rejects(rows: list, limit: int) -> None:
    if not rows:
        return
    shown = rows if limit == 0 else rows[:limit]
    table = Table(box=box.SIMPLE, title="未导入的行", expand=True)
    table.add_column("工作表", no_wrap=True)
    table.add_column("行", no_wrap=True)
    table.add_column("原因", ratio=1)
    table.add_column("已补上", no_wrap=True)
    for r in shown:
        table.add_row(r["sheet"], str(r["row_number"]), r["reason"], f"#{r['resolved_by']}" if r["resolved_by"] else "")
    console.print(table)
    if len(rows) > len(shown):
        console.print(f"……还有 {len(rows) - len(shown)} 行（--rows 0 列出全部）。")


@batches_group.command("undo")
@click.argument("batch_id", metavar="批次", type=int)
@click.option("--yes", is_flag=True, help="不再询问，直接撤销。")
@click.pass_context
def batches_undo(ctx: click.Context, batch_id: int, yes: bool) -> None:
    """撤销一个导入批次：删除它新增的会员、恢复它更新过的信息（之后没有再被改动时才可以）。"""
    store = store_from(ctx)
    b = import_batches.get(store, batch_id)
    if b["status"] == "undone":
        raise ServiceError(f"批次 #{batch_id} 已经撤销过了。")
    blocked = import_batches.blockers(store, batch_id)
    if blocked:
        raise import_batches.UndoBlocked(batch_id, blocked)
    question = (
        f"撤销批次 #{batch_id}（{b['file_name']}）：删除新入会的 {b['new_count']} 人"
        + (f"，恢复 {b['updated_count']} 人更新前的信息" if b["updated_count"] else "")
        + "？"
    )
    if not yes and not click.confirm(question, default=False):
        raise ServiceError("已取消，没有改动。")
    result = import_batches.undo(store, batch_id)
    console.print(f"[green]{result.message}[/]")


@batches_group.command("report")
@click.argument("batch_id", metavar="批次", type=int)
@click.option(
    "--to", "target", type=click.Path(path_type=Path), help="写到这里（默认：导出文件夹，见 clerk config show）。"
)
@click.option("--force", is_flag=True, help="--to 指定的文件已经存在时，替换它（默认不覆盖任何已有文件）。")
@click.pass_context
def batches_report(ctx: click.Context, batch_id: int, target: Path | None, force: bool) -> None:
    """重新生成一个批次的错误报告 .xlsx（已由后来的文件补上的行不再列出）。"""
    path = import_report.for_batch(store_from(ctx), batch_id, target, force=force)
    console.print(f"错误报告：{full_path(path)}")


@batches_group.command("mappings")
@click.option("--forget", "forget", metavar="编号", help="删除一个保存的列对应关系（编号见列表）。")
@click.pass_context
def batches_mappings(ctx: click.Context, forget: str | None) -> None:
    """列出保存的列对应关系（同样表头的花名册会自动套用）。"""
    store = store_from(ctx)
    if forget:
        if not import_mappings.forget(store, forget):
            raise ServiceError(f"没有编号为 {forget} 的列对应关系。")
        console.print("已删除。")
        return
    saved = import_mappings.saved(store)
    if not saved:
        console.print("还没有保存过列对应关系（导入时加 --save-mapping，或在导入向导中保存）。")
        return
    table = Table("编号", "来自文件", "列对应", "用过", "保存时间", box=box.SIMPLE)
    for m in saved:
        pairs = "，".join(
            f"{label}→{columns.label_of(field)}"
            for label, field in zip(m["labels"], m["fields"], strict=False)
            if field in columns.FIELDS
        )
        table.add_row(m["signature"][:12], m["source"], pairs, str(m["uses"]), m["updated_at"].replace("T", " ")[:16])
    console.print(table)
