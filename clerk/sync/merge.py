"""Merge township sync files into the district database, by rules any target can follow.

For each file, in order of unit and sequence:
- refused whole when it does not verify (sync_file), belongs to another district, was exported
  by this database, or starts after a gap in the sender's sequence (unless forced, recorded);
- the same file again changes nothing and says so;
- otherwise, in one transaction (after one automatic backup per merge), each record's state is
  compared with what the district holds. A state older than one already applied is skipped, so
  overlapping files (a complete export after incrementals) apply idempotently. A record the
  district has not edited since the last merge takes the sender's state. One the district has
  edited is merged field by field against the sender's previous state; a field both sides
  changed to different values makes a both_changed conflict and the record is left as it is.
- a person 在册 in two units afterwards is a live_twice conflict (both records are kept).
Conflicts are settled by resolve(); a conflict the units settle themselves in later files
(the old record goes 转出, or the two sides agree again) is closed automatically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clerk.domain import choices
from clerk.store.store import ServiceError, Store
from clerk.sync import format as fmt
from clerk.sync.reader import BadSyncFile, RowState, SyncFile, read, read_manifest
from clerk.sync.target import AlreadyMerged, Conflict, Existing, MergeTarget, TargetRefusal

Progress = Callable[[int, int, str], None]

MERGED, DUPLICATE, REFUSED = "merged", "duplicate", "refused"
_CHUNK = 2000


@dataclass
class FileOutcome:
    path: Path
    status: str
    message: str
    unit_code: str = ""
    unit_name: str = ""
    first_seq: int = 0
    last_seq: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return {MERGED: "已合并", DUPLICATE: "重复，未改动", REFUSED: "未合并"}[self.status]


@dataclass
class MergeReport:
    outcomes: list[FileOutcome]
    backup: Path | None = None

    @property
    def merged(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == MERGED]

    @property
    def refused(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == REFUSED]

    @property
    def conflicts(self) -> int:
        return sum(o.counts.get("conflicts", 0) for o in self.outcomes)

    @property
    def rows(self) -> int:
        return sum(o.counts.get("rows", 0) for o in self.merged)


def target_for(store: Store | MergeTarget) -> MergeTarget:
    if isinstance(store, Store):
        from clerk.sync.sqlite_target import SqliteTarget

        return SqliteTarget(store)
    return store


def _empty_counts() -> dict[str, int]:
    return {"inserted": 0, "updated": 0, "unchanged": 0, "conflicts": 0, "skipped": 0, "rows": 0}


def check_district(target: MergeTarget) -> None:
    if target.unit.level not in ("district", "city"):  # city: a PostgreSQL hub (sync_postgres.HubUnit)
        raise ServiceError(
            f"合并同步文件要在区县总工会的数据库中进行；本数据库属于 {target.unit.name}（{target.unit.code}，乡镇级）。"
            "乡镇请用“导出同步文件”。"
        )


def merge(
    store: Store | MergeTarget,
    files: Iterable[str | Path],
    *,
    password: str | None = None,
    force_gap: bool = False,
    progress: Progress | None = None,
    read_ahead: bool | None = None,
) -> MergeReport:
    """Merge the files in order of unit and sequence. read_ahead: read the next file in a helper
    process meanwhile (None: when the merge is big enough for it to pay)."""
    target = target_for(store)
    check_district(target)
    files = [Path(f) for f in files]
    if not files:
        raise ServiceError("请指定要合并的同步文件。")
    report = MergeReport([])
    ready: list[tuple[fmt.Manifest, Path]] = []
    for path in dict.fromkeys(files):
        try:
            ready.append((read_manifest(path, password), path))
        except BadSyncFile as exc:
            report.outcomes.append(FileOutcome(path, REFUSED, str(exc)))
    ready.sort(key=lambda item: (item[0].unit_code, item[0].first_seq, item[0].last_seq))
    total = sum(sum(m.counts.values()) for m, _ in ready) or 1
    done = 0

    def tick(n: int, text: str) -> None:
        nonlocal done
        done += n
        if progress:
            progress(min(done, total), total, text)

    for (manifest, path), loaded in zip(ready, _read_ahead([p for _, p in ready], password, total, read_ahead)):
        outcome = _merge_one(target, path, password, force_gap, report, tick, loaded)
        report.outcomes.append(outcome)
        if outcome.status != MERGED:
            tick(sum(manifest.counts.values()), path.name)
    return report


READ_AHEAD_ROWS = 50_000  # below this, starting a helper process costs more than it saves


def _read_or_refusal(path: Path, password: str | None) -> SyncFile | BadSyncFile:
    try:
        return read(path, password)
    except BadSyncFile as exc:
        return exc


def _read_ahead(
    paths: list[Path], password: str | None, rows: int, wanted: bool | None = None
) -> Iterator[SyncFile | BadSyncFile | None]:
    """The files read and verified in order; for big merges the next file is read by a helper
    process while this one applies the current one (reading is a third of the work, and it holds
    the GIL, so a thread would not help). None: the caller reads it itself."""
    if wanted is None:
        wanted = len(paths) >= 3 and rows >= READ_AHEAD_ROWS
    if not wanted or len(paths) < 2:
        yield from (None for _ in paths)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError):
        yield from (None for _ in paths)
        return
    try:
        pending = pool.submit(_read_or_refusal, paths[0], password)
        for i in range(len(paths)):
            try:
                loaded = pending.result()
            except Exception:  # noqa: BLE001 - the helper died: read here instead
                loaded = None
            if i + 1 < len(paths):
                pending = pool.submit(_read_or_refusal, paths[i + 1], password)
            yield loaded
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _merge_one(
    target: MergeTarget,
    path: Path,
    password,
    force_gap: bool,
    report: MergeReport,
    tick,
    loaded: SyncFile | BadSyncFile | None = None,
) -> FileOutcome:
    if loaded is None:
        loaded = _read_or_refusal(path, password)
    if isinstance(loaded, BadSyncFile):
        return FileOutcome(path, REFUSED, str(loaded))
    sync = loaded
    m = sync.manifest
    base = dict(path=path, unit_code=m.unit_code, unit_name=m.unit_name, first_seq=m.first_seq, last_seq=m.last_seq)
    unit = target.unit
    if m.unit_code == unit.code:
        return FileOutcome(status=REFUSED, message=f"“{path.name}”是本单位自己导出的文件，不需要合并。", **base)
    if not m.unit_code.startswith(unit.code) or len(m.unit_code) <= len(unit.code):
        return FileOutcome(
            status=REFUSED,
            message=f"“{path.name}”来自 {m.unit_name}（{m.unit_code}），不属于本区县（{unit.code}），没有合并。",
            **base,
        )
    seen = target.find_file(m.unit_code, m.first_seq, m.last_seq, m.checksum)
    if seen is not None:
        return FileOutcome(
            status=DUPLICATE,
            message=f"“{path.name}”（{m.unit_name} 序号 {m.range_label}）已于 {seen.merged_at} 合并过，这次没有任何改动。",
            counts=_empty_counts(),
            **base,
        )
    source = target.source(m.unit_code)
    last = source.last_seq if source else 0
    forced = None
    if m.first_seq > last + 1:
        missing = f"{last + 1}-{m.first_seq - 1}"
        if not force_gap:
            return FileOutcome(
                status=REFUSED,
                message=(
                    f"“{path.name}”从序号 {m.first_seq} 开始，但 {m.unit_name}（{m.unit_code}）上次合并到序号 {last}："
                    f"缺少序号 {missing} 的同步文件。请先合并缺少的文件（或让该乡镇导出完整文件）；"
                    "确认缺少的文件已无法找回时，可强制合并（--force-gap），会记录在案。"
                ),
                **base,
            )
        forced = missing
    if report.backup is None:
        report.backup = target.backup("merge")
    try:
        with target.transaction():
            file_id = target.start_file(m, path.name, sync.sha256, forced)
            counts = apply(target, sync, file_id, tick)
            target.finish_file(file_id, counts, m, max(last, m.last_seq))
    except AlreadyMerged as exc:
        return FileOutcome(status=DUPLICATE, message=f"“{path.name}”：{exc}", counts=_empty_counts(), **base)
    except TargetRefusal as exc:
        return FileOutcome(status=REFUSED, message=f"“{path.name}”没有合并：{exc}", **base)
    parts = [f"新增 {counts['inserted']}", f"更新 {counts['updated']}", f"无变化 {counts['unchanged']}"]
    if counts["conflicts"]:
        parts.append(f"冲突 {counts['conflicts']}（请到“冲突处理”解决）")
    if counts["skipped"]:
        parts.append(f"跳过 {counts['skipped']}")
    note = f"；强制跳过了缺少的序号 {forced}" if forced else ""
    already = "（该序号范围此前已合并，只核对了较新的记录）" if m.last_seq <= last else ""
    message = f"“{path.name}”已合并：{m.unit_name} 序号 {m.range_label}，{'，'.join(parts)}{note}{already}。"
    return FileOutcome(status=MERGED, message=message, counts=counts, **base)


# -- applying one verified file -------------------------------------------------------------------


def apply(target: MergeTarget, sync: SyncFile, file_id: int | None, tick: Callable[[int, str], None]) -> dict[str, int]:
    m = sync.manifest
    counts = _empty_counts()
    # Deletions first: a record deleted and entered again in the same township must make room.
    # Then in uid order, so the uid-keyed indexes of a big database are walked once, in order.
    members = sorted(sync.members, key=lambda s: (not s.deleted, s.uid))
    for tbl, states in (("organisations", sync.organisations), ("members", members), ("transfers", sync.transfers)):
        for start in range(0, len(states), _CHUNK):
            chunk = states[start : start + _CHUNK]
            uids = [s.uid for s in chunk]
            existing = target.existing(tbl, uids)
            opened = target.open_conflicts("both_changed", tbl, uids) if tbl != "transfers" else {}
            for state in chunk:
                outcome = _decide(target, state, existing.get(state.uid), opened.get(state.uid), m, file_id)
                counts[outcome] += 1
            counts["rows"] += len(chunk)
            tick(len(chunk), f"{m.unit_name} {tbl}")
        target.flush()
    live = [s.uid for s in sync.members if not s.deleted and s.values.get("status") == choices.LIVE]
    counts["conflicts"] += _live_twice(target, live, m, file_id)
    settle(target)
    return counts


def _same(tbl: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in fmt.COMPARED[tbl])


def _decide(
    target: MergeTarget,
    state: RowState,
    current: Existing | None,
    opened: Conflict | None,
    m: fmt.Manifest,
    file_id: int | None,
) -> str:
    tbl, incoming, code, seq = state.tbl, state.values, m.unit_code, m.last_seq
    if current is None:
        return "inserted" if target.insert(tbl, incoming, code, seq) else "skipped"
    if tbl == "transfers":
        if all(current.values.get(k) == incoming.get(k) for k in fmt.TRANSFER_KEYS):
            return "unchanged"
        target.update(tbl, current, incoming, code, seq, None)
        return "updated"
    if current.source_seq >= seq and opened is None:
        return "unchanged"  # this state, or a newer one, was applied before
    if current.base is None and current.local_before is None and opened is None:
        if _same(tbl, current.values, incoming):
            target.touch(tbl, state.uid, code, seq, None)
            return "unchanged"
        target.update(tbl, current, incoming, code, seq, None)
        return "updated"
    merged, both, base = three_way(tbl, current, incoming)
    if both:
        # What only the sender changed is taken; where both changed, the district's value stays
        # and the sender's previous state is kept as the base, so the conflict stays visible.
        local = current.values
        if _same(tbl, merged, current.values):
            target.touch(tbl, state.uid, code, seq, base)
        else:
            target.update(tbl, current, merged, code, seq, base)
        if opened is not None:
            target.update_conflict(opened.id, incoming, local, both)
            return "unchanged"
        target.add_conflict(
            "both_changed",
            tbl,
            state.uid,
            code,
            file_id,
            incoming,
            local,
            both,
            id_number=incoming.get("id_number") or incoming.get("uscc"),
        )
        return "conflicts"
    if opened is not None:
        target.close_conflict(opened.id, "auto", "后续文件中双方的修改已不冲突，已自动合并。")
    new_base = None if _same(tbl, merged, incoming) else incoming
    if _same(tbl, merged, current.values):
        target.touch(tbl, state.uid, code, seq, new_base)
        return "unchanged"
    target.update(tbl, current, merged, code, seq, new_base)
    return "updated"


def three_way(
    tbl: str, current: Existing, incoming: dict[str, Any]
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Merge field by field against the sender's previous state: (merged, fields both changed, base)."""
    base = current.base if current.base is not None else current.local_before
    if base is None:
        base = current.values
    local = current.values
    merged = dict(local)
    both = []
    for key in fmt.COMPARED[tbl]:
        b, mine, theirs = base.get(key), local.get(key), incoming.get(key)
        if theirs == b:
            continue
        if mine != b and mine != theirs:
            both.append(key)
        else:
            merged[key] = theirs
    # A status note follows its status: when both sides set the same status, the sender's words stand.
    if "status_note" in both and "status" not in both and local.get("status") == incoming.get("status"):
        both.remove("status_note")
        merged["status_note"] = incoming.get("status_note")
    for key in fmt.TIMESTAMPS:
        merged[key] = max(str(local.get(key) or ""), str(incoming.get(key) or "")) or None
    if tbl == "members":  # search keys follow the name (None: the target works them out)
        for key in fmt.DERIVED:
            merged[key] = incoming.get(key) if merged.get("name") == incoming.get("name") else None
    return merged, both, base


def _live_twice(target: MergeTarget, live: list[str], m: fmt.Manifest, file_id: int | None) -> int:
    if not live:
        return 0
    pairs = target.live_twice(live)
    if not pairs:
        return 0
    involved = list({u for pair in pairs for u in pair[:2]})
    opened = target.open_conflicts("live_twice", "members", involved)
    known = {frozenset((c.row_uid, c.other_uid)) for c in opened.values()}
    # One open conflict per record: a person live in three places shows against one other record
    # now, and the next merge raises the rest if they are still live after it is resolved.
    holding = {c.row_uid for c in opened.values()}
    added = 0
    for row_uid, other_uid, id_number in pairs:
        key = frozenset((row_uid, other_uid))
        if key in known or row_uid in holding:
            continue
        known.add(key)
        holding.add(row_uid)
        target.add_conflict(
            "live_twice",
            "members",
            row_uid,
            m.unit_code,
            file_id,
            _public(target.member(row_uid)),
            _public(target.member(other_uid)),
            [],
            other_uid=other_uid,
            id_number=id_number,
        )
        added += 1
    return added


def _public(record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {k: record.get(k) for k in (*fmt.MEMBER_KEYS, "org_name")}


def settle(target: MergeTarget) -> int:
    """Close live_twice conflicts the units have settled themselves (one record no longer 在册)."""
    closed = 0
    for c in target.conflicts("open"):
        if c.kind == "live_twice" and not (target.is_live(c.row_uid) and c.other_uid and target.is_live(c.other_uid)):
            target.close_conflict(c.id, "auto", "两条记录已不再同时在册（乡镇已办理转出或修改），自动解决。")
            closed += 1
    return closed


# -- resolving conflicts -----------------------------------------------------------------------------

CHOICES = {
    "both_changed": ("township", "district"),
    "live_twice": ("transfer", "keep-incoming", "keep-existing"),
}
CHOICE_LABELS = {
    "township": "采用乡镇版本",
    "district": "保留区县版本",
    "transfer": "按转接处理（较新的记录在册，较早的转出）",
    "keep-incoming": "保留新合并的记录在册，另一条转出",
    "keep-existing": "保留区县已有的记录在册，新合并的转出",
}


def conflicts(store: Store | MergeTarget, status: str | None = "open") -> list[Conflict]:
    return target_for(store).conflicts(status)


def resolve(store: Store | MergeTarget, ref: int | str, choice: str) -> str:
    """Settle one open conflict as the district clerk chose; journaled. Returns what was done."""
    target = target_for(store)
    check_district(target)
    c = target.conflict(ref)
    if c is None:
        raise ServiceError(f"找不到编号为 {ref} 的冲突。用 clerk conflicts list 查看。")
    if c.status != "open":
        raise ServiceError(f"冲突 {c.id} 已于 {c.resolved_at} 处理（{c.resolution}），不需要再处理。")
    allowed = CHOICES[c.kind]
    if choice not in allowed:
        options = "、".join(f"{a}（{CHOICE_LABELS[a]}）" for a in allowed)
        raise ServiceError(f"冲突 {c.id}（{c.kind_label}）只能这样处理：{options}。")
    with target.transaction():
        if c.kind == "both_changed":
            message = _resolve_changed(target, c, choice)
        else:
            message = _resolve_live(target, c, choice)
        target.close_conflict(c.id, choice, message)
        settle(target)
    return message


def _resolve_changed(target: MergeTarget, c: Conflict, choice: str) -> str:
    current = target.existing(c.tbl, [c.row_uid]).get(c.row_uid)
    if current is None:
        raise ServiceError("冲突涉及的记录已不在区县数据库中，无法处理。")
    seq = max(current.source_seq, target.conflict_last_seq(c))
    name = c.incoming.get("name") or ""
    if choice == "township":
        values = {**current.values, **{k: c.incoming.get(k) for k in c.fields}}
        base = None if _same(c.tbl, values, c.incoming) else c.incoming
        target.update(c.tbl, current, values, c.source_code, seq, base)
        target.flush()
        return f"{name}：{_labels(c.fields)}采用了乡镇（{c.extra.get('source_name')}）的版本。"
    target.touch(c.tbl, c.row_uid, c.source_code, seq, c.incoming)
    target.flush()
    return f"{name}：{_labels(c.fields)}保留了区县的版本（乡镇以后的修改仍会逐项核对）。"


def _labels(fields: list[str]) -> str:
    labels = {f.key: f.label for f in (*fmt.DELETION_FIELDS, *fmt.ORG_FIELDS)}
    return "、".join(labels.get(k, k) for k in fields)


def _resolve_live(target: MergeTarget, c: Conflict, choice: str) -> str:
    incoming, existing = target.member(c.row_uid), target.member(c.other_uid or "")
    if incoming is None or existing is None:
        raise ServiceError("冲突涉及的会员记录已不在区县数据库中，无法处理。")
    if not (target.is_live(c.row_uid) and target.is_live(c.other_uid or "")):
        return "两条记录已不再同时在册，无需处理。"
    if choice == "transfer":
        keep, leave = _newer(incoming, existing)
    elif choice == "keep-incoming":
        keep, leave = incoming, existing
    else:
        keep, leave = existing, incoming
    unit = target.unit_name(keep["unit_code"])
    today = date.today().isoformat()
    if choice == "transfer":
        note = f"{today} 转往 {unit}（区县合并冲突处理）"
    else:
        note = f"{today} 区县冲突处理：保留 {unit} 的记录"
    target.local_update("members", leave["uid"], {"status": "转出", "status_note": note})
    if choice == "transfer":
        target.add_transfer(leave["uid"], keep["uid"], "同一人在两处在册，区县按组织关系转接处理")
    return f"{keep['name']}：{unit} 的记录在册，{target.unit_name(leave['unit_code'])} 的记录改为转出。"


def _newer(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    key_a = (a.get("joined_on") or "", a.get("created_at") or "")
    key_b = (b.get("joined_on") or "", b.get("created_at") or "")
    return (a, b) if key_a >= key_b else (b, a)
