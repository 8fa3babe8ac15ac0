"""Column names employers use for each member field, and how a header cell is matched to a field.

A header is matched by its text after folding width, dropping spaces ("姓 名"), stars and
bracketed notes ("身份证号码（必填）", "手机号(11位)"). An exact synonym wins over a
"contains" rule, so "紧急联系人电话" never becomes the member's phone when "手机号码" is there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# field -> label shown to the clerk (wizard, CLI mapping table, error report)
FIELDS: dict[str, str] = {
    "name": "姓名",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "org_name": "工作单位",
    "job": "岗位/工种",
    "ethnicity": "民族",
    "joined_on": "入会日期",
    "migrant": "是否农民工",
    "new_form": "新就业形态",
    "employment_form": "用工形式",
    "card_no": "会员证号",
    "mutual_aid": "职工互助保障",
    "hardship": "困难职工",
    "notes": "备注",
    "gender": "性别（仅核对）",
    "birth_date": "出生日期（仅核对）",
    # The real-name record (domain/coded.py).
    "id_kind": "证件类型",
    "education": "学历",
    "political": "政治面貌",
    "household": "户籍类型",
    "employment_status": "就业状况",
    "skill_level": "技能等级",
    "join_method": "入会方式",
    "join_place": "入会地",
}
IGNORE = "ignore"  # a column the clerk chose not to import
# Columns that are recognised (they make a row look like a header) but carry nothing to import.
KNOWN_IGNORED = "known"
# The columns clerk's own error report adds; a fixed report sent back is matched to its batch by them.
SRC_SHEET, SRC_ROW, REASON = "src_sheet", "src_row", "reason"
REPORT_COLUMNS = {SRC_SHEET: "原工作表", SRC_ROW: "原行号", REASON: "错误原因"}

EXACT: dict[str, str] = {}


def _add(field: str, *names: str) -> None:
    for name in names:
        EXACT[name] = field


_add(
    "name",
    "姓名",
    "名字",
    "会员姓名",
    "职工姓名",
    "员工姓名",
    "人员姓名",
    "真实姓名",
    "骑手姓名",
    "司机姓名",
    "快递员姓名",
    "劳动者姓名",
    "工会会员姓名",
    "name",
)
_add(
    "id_number",
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "公民身份证号码",
    "公民身份证号",
    "证件号码",
    "证件号",
    "身份证",
    "居民身份证号码",
    "居民身份证号",
    "身份证件号码",
    "身份号码",
    "身份证编号",
    "证件编号",
    "身份号",
    "idcard",
    "idno",
    "idnumber",
)
_add(
    "phone",
    "手机",
    "手机号",
    "手机号码",
    "联系电话",
    "电话号码",
    "联系方式",
    "电话",
    "移动电话",
    "联系手机",
    "本人手机",
    "本人电话",
    "手机电话",
    "联系号码",
    "座机",
    "固定电话",
    "座机号码",
    "mobile",
    "phone",
    "tel",
)
_add(
    "org_name",
    "工作单位",
    "单位名称",
    "单位",
    "所在单位",
    "用人单位",
    "所属单位",
    "企业名称",
    "公司名称",
    "就业单位",
    "工作单位名称",
    "所属公司",
    "所在公司",
    "公司",
    "所属站点",
    "站点名称",
    "站点",
    "所在站点",
    "所属工会",
    "所在工会",
    "工会名称",
    "所在基层工会",
    "基层工会名称",
    "用工单位",
    "企业",
    "所在企业",
    "基层工会",
)
_add("job", "岗位", "工种", "职务", "职业", "工作岗位", "岗位名称", "职位", "岗位工种", "从事工作", "工作内容")
_add("ethnicity", "民族", "族别")
_add(
    "joined_on",
    "入会时间",
    "入会日期",
    "入会年月",
    "加入工会时间",
    "加入工会日期",
    "入会年月日",
    "入会时间年月日",
    "入会年份",
    "入会年度",
)
_add("migrant", "是否农民工", "农民工", "是否为农民工", "是否属于农民工", "农民工是否")
_add(
    "new_form",
    "新就业形态",
    "新就业形态类别",
    "职业类别",
    "新就业形态劳动者类别",
    "是否新就业形态",
    "新就业形态劳动者",
    "是否新就业形态劳动者",
    "新业态类别",
    "新业态",
    "从业类型",
    "新就业形态类型",
    "新就业",
)
_add(
    "employment_form",
    "用工形式",
    "用工方式",
    "劳动关系",
    "用工类型",
    "就业形式",
    "用工性质",
    "合同类型",
    "劳动合同类型",
)
_add("card_no", "会员证号", "会员证号码", "会员卡号", "工会会员证号", "会员证编号", "会员编号", "会员证")
_add("mutual_aid", "职工互助保障", "互助保障", "是否参加互助保障", "是否参加职工互助保障", "参加互助保障")
_add("hardship", "困难职工", "是否困难职工", "困难职工标识")
_add("notes", "备注", "其他", "备注说明", "说明")
_add("gender", "性别")
_add("birth_date", "出生日期", "出生年月", "出生年月日", "生日", "出生时间", "出生")
_add(
    KNOWN_IGNORED,
    "序号",
    "编号",
    "序",
    "行号",
    "no",
    "年龄",
    "籍贯",
    "户籍地址",
    "户籍所在地",
    "户口所在地",
    "户口地址",
    "出生地",
    "出生地点",
    "家庭住址",
    "现住址",
    "居住地址",
    "住址",
    "入职时间",
    "入职日期",
    "参加工作时间",
    "婚姻状况",
    "紧急联系人",
    "紧急联系电话",
    "紧急联系人电话",
    "邮箱",
    "电子邮箱",
    "qq",
    "微信",
    "微信号",
    "签名",
    "本人签名",
    "签字",
    "本人签字",
    "工号",
    "员工编号",
)
_add("id_kind", "证件类型", "证件种类", "证件类别", "身份证件类型", "证件名称", "有效证件类型")
_add(
    "education",
    "学历",
    "文化程度",
    "最高学历",
    "学历层次",
    "文化水平",
    "受教育程度",
    "学历程度",
    "全日制学历",
    "学历学位",
)
_add("political", "政治面貌", "政治面目", "政治身份", "党派", "党派情况", "党员团员")
_add(
    "household",
    "户籍类型",
    "户口性质",
    "户籍性质",
    "户口类型",
    "户口类别",
    "户籍类别",
    "户别",
    "户口属性",
    "户籍属性",
    "户口性质农业非农业",
)
_add("employment_status", "就业状况", "就业状态", "在岗状态", "在岗情况", "就业情况", "工作状态", "在岗状况")
_add("skill_level", "技能等级", "职业技能等级", "技术等级", "职业资格等级", "技能水平", "职业资格", "技能级别")
_add("join_method", "入会方式", "入会途径", "入会形式", "入会渠道", "入会类型", "入会方式类别")
_add("join_place", "入会地", "入会地点", "入会所在地", "入会地区", "入会地类型")
_add(SRC_SHEET, "原工作表")
_add(SRC_ROW, "原行号")
_add(REASON, "错误原因", "错误说明", "问题说明")

# A header that is not exactly a synonym matches the field of the longest synonym it contains as
# a whole ("会员入会方式" holds 入会方式, never just the pair 入会 of 入会日期), unless it
# also holds one of the field's exclusions ("身份证有效期" is not the ID number). Only Chinese
# synonyms of two or more characters are looked for inside a header.
OTHERS = ("紧急", "家属", "配偶", "父亲", "母亲", "子女", "填报", "制表", "审核", "经办", "负责人")
EXCLUDE: dict[str, tuple[str, ...]] = {
    "id_number": ("类型", "种类", "类别", "地址", "住址", "有效", "签发", "正面", "反面", "照片", "是否"),
    "phone": ("单位电话", "办公"),
    "org_name": ("性质", "地址", "代码", "类型", "电话"),
    "birth_date": ("出生地",),
    "notes": ("填写", "填表"),
}


def _inner_synonyms() -> list[tuple[str, str]]:
    found = [(name, field) for name, field in EXACT.items() if len(name) >= 2 and not re.search(r"[a-z0-9]", name)]
    return sorted(found, key=lambda item: -len(item[0]))  # stable: registration order breaks ties


_INNER = _inner_synonyms()
_TITLE = re.compile(r"花名册|名单|名册|登记表|统计表|汇总表|一览表|明细表")
_BRACKETS = re.compile(r"[（(【\[<《][^）)】\]>》]*[）)】\]>》]")
_DROP = re.compile(r"[\s*＊★☆※:：·•_\-—/、|.]+")


def normalize_label(text: object) -> str:
    """姓 名 -> 姓名; 身份证号码（必填）-> 身份证号码; *手机号: -> 手机号."""
    label = unicodedata.normalize("NFKC", "" if text is None else str(text))
    stripped = _BRACKETS.sub("", label)
    if _DROP.sub("", stripped):
        label = stripped
    return _DROP.sub("", label).lower()


@dataclass(frozen=True)
class Match:
    field: str
    exact: bool

    @property
    def score(self) -> int:
        return 2 if self.exact else 1


def match(text: object) -> Match | None:
    """The field a header cell names, or None."""
    label = normalize_label(text)
    if not label or len(label) > 24 or _TITLE.search(label):
        return None
    field = EXACT.get(label)
    if field:
        return Match(field, True)
    if any(w in label for w in OTHERS):
        return Match(KNOWN_IGNORED, False)
    for synonym, field in _INNER:
        if synonym in label and not any(w in label for w in EXCLUDE.get(field, ())):
            return Match(field, False)
    return None


def label_of(field: str | None) -> str:
    """The Chinese name of a field a column is imported as ("（不导入）" for none)."""
    if field is None or field == IGNORE:
        return "（不导入）"
    if field == KNOWN_IGNORED:
        return "（不导入）"
    return FIELDS.get(field) or REPORT_COLUMNS.get(field, field)


# Importable fields in the order a wizard lists them, with the "don't import" choice first.
CHOICES: tuple[tuple[str, str], ...] = ((IGNORE, "（不导入）"),) + tuple(FIELDS.items())


def field_from_label(text: str) -> str | None:
    """A field named by its Chinese label or key (CLI --map 联系方式=手机号码)."""
    text = text.strip()
    if text in FIELDS or text == IGNORE:
        return text
    for key, label in FIELDS.items():
        if normalize_label(label) == normalize_label(text):
            return key
    if normalize_label(text) in ("不导入", "忽略", "ignore"):
        return IGNORE
    found = match(text)
    return found.field if found and found.field in FIELDS else None
