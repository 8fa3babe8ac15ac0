"""Field rules of a grassroots union organisation (基层工会组织), as a form checks them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from clerk.domain import choices, dates, phone, uscc

# The fields a clerk fills in (parent_id is chosen from the tree, not typed).
FIELDS = (
    "name",
    "kind",
    "uscc",
    "region_code",
    "industry",
    "founded_on",
    "chair",
    "chair_phone",
    "employee_count",
    "address",
)

LABELS = {
    "name": "工会名称",
    "kind": "组织类型",
    "uscc": "统一社会信用代码",
    "parent_id": "上级工会",
    "region_code": "行政区划代码",
    "industry": "所属行业",
    "founded_on": "成立日期",
    "chair": "工会主席",
    "chair_phone": "主席电话",
    "employee_count": "职工人数",
    "address": "地址",
    "status": "状态",
    "dissolved_on": "撤销日期",
}

ACTIVE = "正常"
DISSOLVED = "已撤销"
ROOT_KIND = "乡镇(街道)总工会"
VILLAGE_KIND = "村(社区)工会"
ENTERPRISE_KIND = "企业工会"
BIG_ENTERPRISE = 25  # 25人以上企业: the threshold of the union's coverage figures


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


def normalize_name(raw: object) -> str:
    """A name as kept: NFKC (one form of brackets and digits), runs of white space made one space."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    # NFKC turns full-width brackets into ASCII ones; clerks write both, keep one form.
    return re.sub(r"\s+", " ", text)


def employee_count(raw: object) -> int | None:
    """'86', '86人', 86, 86.0 -> 86; '' -> None; raise ValueError with a Chinese message."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError("职工人数应为整数。")
    if isinstance(raw, (int, float)):
        if raw != int(raw):
            raise ValueError("职工人数应为整数。")
        value = int(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("人").replace(",", "").strip()
        if not text:
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError("职工人数应为整数，如 86。")
        value = int(text)
    if value < 0:
        raise ValueError("职工人数不能是负数。")
    if value > 2_000_000:
        raise ValueError("职工人数太大，请核对。")
    return value


def check(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate raw form values. Returns (clean values, field -> Chinese error)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for rules in (_check_identity, _check_place, _check_chair):
        rules(fields, clean, errors)
    return clean, errors


def _check_identity(fields: Mapping[str, Any], clean: dict[str, Any], errors: dict[str, str]) -> None:
    """Name, kind and credit code (the code is required for some kinds)."""
    name = normalize_name(fields.get("name"))
    if not name:
        errors["name"] = "工会组织名称不能为空。"
    elif len(name) > 80:
        errors["name"] = "工会名称太长（超过 80 个字），请检查。"
    clean["name"] = name

    kind = _text(fields, "kind")
    if not kind:
        errors["kind"] = "请选择组织类型。"
    elif kind not in choices.ORG_KINDS:
        errors["kind"] = "组织类型请从列表中选择：" + "、".join(choices.ORG_KINDS)
    clean["kind"] = kind

    try:
        code = uscc.parse(fields.get("uscc"))
        if not code and uscc.required_for(kind):
            errors["uscc"] = f"{kind}须填写所在单位的代码（18 位，见营业执照或登记证书）。"
        clean["uscc"] = code or None
    except uscc.InvalidUscc as exc:
        errors["uscc"] = str(exc)


def _check_place(fields: Mapping[str, Any], clean: dict[str, Any], errors: dict[str, str]) -> None:
    """Region code, industry and founding date."""
    region = re.sub(r"\s", "", _text(fields, "region_code"))
    if region and not re.fullmatch(r"\d{6}|\d{9}|\d{12}", region):
        errors["region_code"] = "行政区划代码应为 6、9 或 12 位数字（如 500101 或 500101001）。"
    clean["region_code"] = region or None

    industry = _text(fields, "industry")
    if industry and industry not in choices.INDUSTRIES:
        errors["industry"] = "所属行业请从列表中选择。"
    clean["industry"] = industry or None

    try:
        clean["founded_on"] = dates.parse(fields.get("founded_on"), "成立日期") or None
    except dates.InvalidDate as exc:
        errors["founded_on"] = str(exc)


def _check_chair(fields: Mapping[str, Any], clean: dict[str, Any], errors: dict[str, str]) -> None:
    """The chair and their phone, the employee count, the address."""
    chair = normalize_name(fields.get("chair"))
    if re.search(r"\d", chair):
        errors["chair"] = "工会主席姓名里不能有数字。"
    elif len(chair) > 40:
        errors["chair"] = "工会主席姓名太长，请检查。"
    clean["chair"] = chair or None

    try:
        clean["chair_phone"] = phone.parse(fields.get("chair_phone")) or None
    except phone.InvalidPhone as exc:
        errors["chair_phone"] = str(exc)

    try:
        clean["employee_count"] = employee_count(fields.get("employee_count"))
    except ValueError as exc:
        errors["employee_count"] = str(exc)

    clean["address"] = normalize_name(fields.get("address")) or None


def membership_rate(members: int, employees: int | None) -> float | None:
    """Members / employees, or None when the employee count is unknown or zero."""
    if not employees:
        return None
    return members / employees


def rate_label(rate: float | None) -> str:
    """A membership rate as shown: 28.6%, or a dash when unknown."""
    return "—" if rate is None else f"{rate:.1%}"
