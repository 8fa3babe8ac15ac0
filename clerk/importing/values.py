"""Roster cell values turned into what the member form accepts, before the row checker (clerk.domain.checker) sees them.

Employers write 是/√/Y for yes, 快递小哥 for 快递员, 2024年3月 for a join date and let Excel store
IDs and phones as numbers. Each function here takes one raw cell and returns the form value,
plus a warning (Chinese) when the cell could not be understood and is left empty. Nothing here
guesses an ID: a number that has lost digits is refused, never completed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from clerk.spreadsheets.cells import is_number, lost_digits, number_text, to_text

LOST_DIGITS = (
    "身份证号码被 Excel 当成数字保存，最后几位已经丢失（表格里显示成 4.40301E+17 或末尾变成 000），无法还原。"
    "请让单位把身份证号码这一列设置为“文本”格式后重新填写"
)
LOST_DIGITS_HINT = "（末尾是 000：可能是被 Excel 当成数字保存后丢失了最后几位，请让单位把这一列设为“文本”后重新填写）"

YES = {"是", "√", "✓", "✔", "y", "yes", "1", "true", "有", "属于", "是的", "已参加", "参加", "已参保"}
NO = {"否", "×", "✗", "✘", "n", "no", "0", "false", "无", "不是", "不属于", "非", "未参加", "没有", "-", "/"}

NEW_FORM = {
    "快递员": "快递员",
    "快递": "快递员",
    "快递小哥": "快递员",
    "收派员": "快递员",
    "快递收派员": "快递员",
    "快递员收派员": "快递员",
    "快件收派员": "快递员",
    "揽投员": "快递员",
    "外卖送餐员": "外卖送餐员",
    "外卖": "外卖送餐员",
    "外卖骑手": "外卖送餐员",
    "骑手": "外卖送餐员",
    "送餐员": "外卖送餐员",
    "外卖员": "外卖送餐员",
    "配送员": "外卖送餐员",
    "外卖配送员": "外卖送餐员",
    "网约配送员": "外卖送餐员",
    "即时配送员": "外卖送餐员",
    "网约车司机": "网约车司机",
    "网约车": "网约车司机",
    "网约车驾驶员": "网约车司机",
    "网约车驾驶员司机": "网约车司机",
    "快车司机": "网约车司机",
    "专车司机": "网约车司机",
    "货车司机": "货车司机",
    "货车": "货车司机",
    "卡车司机": "货车司机",
    "货运司机": "货车司机",
    "货车驾驶员": "货车司机",
    "家政服务员": "家政服务员",
    "家政": "家政服务员",
    "家政员": "家政服务员",
    "保姆": "家政服务员",
    "育婴员": "家政服务员",
    "月嫂": "家政服务员",
    "家政工": "家政服务员",
    "网络营销师": "网络营销师",
    "网络主播": "网络营销师",
    "主播": "网络营销师",
    "带货主播": "网络营销师",
    "直播销售员": "网络营销师",
    "互联网营销师": "网络营销师",
    "网络营销": "网络营销师",
    "其他新就业形态": "其他新就业形态",
    "其他": "其他新就业形态",
    "其它": "其他新就业形态",
}
EMPLOYMENT_FORM = {
    "全日制": "全日制",
    "全职": "全日制",
    "合同制": "全日制",
    "合同工": "全日制",
    "正式工": "全日制",
    "劳动合同": "全日制",
    "全日制用工": "全日制",
    "正式": "全日制",
    "在编": "全日制",
    "非全日制": "非全日制",
    "兼职": "非全日制",
    "小时工": "非全日制",
    "非全日制用工": "非全日制",
    "临时工": "非全日制",
    "劳务派遣": "劳务派遣",
    "派遣": "劳务派遣",
    "劳务派遣工": "劳务派遣",
    "派遣工": "劳务派遣",
    "外包": "劳务派遣",
    "平台灵活就业": "平台灵活就业",
    "灵活就业": "平台灵活就业",
    "平台用工": "平台灵活就业",
    "众包": "平台灵活就业",
    "平台": "平台灵活就业",
    "专送": "平台灵活就业",
    "灵活用工": "平台灵活就业",
    "个体经营": "个体经营",
    "个体": "个体经营",
    "个体户": "个体经营",
    "自营": "个体经营",
    "其他": "其他",
    "其它": "其他",
}
_EXCEL_EPOCH = date(1899, 12, 30)
_WRITTEN_AS_NUMBER = re.compile(r"\s*[0-9]\.[0-9]+[eE]\+?1[4-9]\s*")


def _key(text: str) -> str:
    return re.sub(r"[\s（）()·]", "", unicodedata.normalize("NFKC", text)).lower()


def text(raw: object) -> str:
    return to_text(raw).strip()


def id_cell(raw: object) -> tuple[object, str | None]:
    """(value for the row checker, reason to reject the row). Numbers that lost digits are refused."""
    if type(raw) is str and raw[:1].isdigit() and "e" not in raw and "E" not in raw:
        return raw, None  # the usual cell: nothing to undo
    if lost_digits(raw):
        return None, LOST_DIGITS
    if is_number(raw):
        return number_text(raw), None  # type: ignore[arg-type]
    if type(raw) is not str:
        return to_text(raw), None
    value = raw
    if value[:2] == '="' and value.endswith('"'):  # ="440..." is how exports keep a number as text
        value = value[2:-1]
    if _WRITTEN_AS_NUMBER.fullmatch(value):  # 4.40301E+17 written out as text
        return None, LOST_DIGITS
    return value, None


def phone_cell(raw: object) -> object:
    if type(raw) is str and raw[:1].isdigit() and raw[-1:].isdigit():
        return raw  # the usual cell: no spaces around, no ="..."
    if is_number(raw):
        return number_text(raw)  # type: ignore[arg-type]
    value = text(raw)
    if value[:2] == '="' and value.endswith('"'):
        value = value[2:-1]
    return value


def date_cell(raw: object) -> str:
    """Dates as Excel stores them (date cells, serial numbers) or as clerks type them."""
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if is_number(raw):
        serial = float(raw)  # type: ignore[arg-type]
        if 1 <= serial < 80000:  # a date cell without a date format: days since 1899-12-30
            return (_EXCEL_EPOCH + timedelta(days=int(serial))).isoformat()
        return number_text(serial)
    value = unicodedata.normalize("NFKC", text(raw))
    value = re.sub(r"\s+", "", value)
    m = re.fullmatch(r"(\d{4})[年./-](\d{1,2})月?(?:[./-]?(\d{1,2})日?)?", value)
    if m:
        day = m[3] or "1"  # 入会年月 (2024年3月): the first of the month
        return f"{m[1]}-{int(m[2]):02d}-{int(day):02d}"
    m = re.fullmatch(r"(\d{4})(\d{2})", value)  # 202403
    if m and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{m[2]}-01"
    return value


def flag_cell(raw: object) -> tuple[str, bool]:
    """('是' or '', understood). Empty is understood as 'not said'."""
    if raw is True:
        return "是", True
    if raw is False:
        return "", True
    if is_number(raw):
        raw = number_text(raw)  # type: ignore[arg-type]
    value = _key(text(raw))
    if not value:
        return "", True
    if value in YES:
        return "是", True
    if value in NO:
        return "", True
    return "", False


def new_form_cell(raw: object, job: object = None) -> tuple[str, bool]:
    """(category or '', understood). 是 in a 是否新就业形态 column takes the category from the job."""
    value = _key(text(raw))
    if not value or value in NO:
        return "", True
    if value in NEW_FORM:
        return NEW_FORM[value], True
    if value in YES:
        from_job = NEW_FORM.get(_key(text(job)))
        return from_job or "其他新就业形态", True
    for word, category in NEW_FORM.items():
        if len(word) >= 2 and word in value and category != "其他新就业形态":
            return category, True
    return "", False


def employment_form_cell(raw: object) -> tuple[str, bool]:
    value = _key(text(raw))
    if not value:
        return "", True
    if value in EMPLOYMENT_FORM:
        return EMPLOYMENT_FORM[value], True
    return "", False


def gender_cell(raw: object) -> str:
    value = text(raw)
    return {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女"}.get(value.lower(), "")
