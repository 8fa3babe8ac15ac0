"""Coded fields of the real-name record: fixed lists, and the spellings rosters really use.

Each field keeps the label a provincial real-name system uses. A roster writes 大专 for 大学专科
and 党员 for 中共党员; lookup() folds width, spaces and brackets and maps such spellings to the
list's value. The form offers the list; the importer maps a cell with lookup(); the row checker
accepts only the list's values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_FOLD = re.compile(r"[\s（）()【】\[\]·、，,。./／\-—_:：]+")


def fold(text: object) -> str:
    """A cell's text as lookups compare it: width folded, spaces and brackets gone, lower case."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text))).lower()


class InvalidCode(ValueError):
    """The message names the field and lists its values, in Chinese."""


@dataclass(frozen=True)
class Coded:
    key: str  # the member column
    label: str
    values: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)  # a spelling -> one of values

    def __post_init__(self) -> None:
        table = {fold(v): v for v in self.values}
        for spelling, value in self.aliases.items():
            assert value in self.values, (self.key, spelling, value)
            table.setdefault(fold(spelling), value)
        object.__setattr__(self, "_table", table)

    def lookup(self, raw: object) -> str | None:
        """The list's value a cell means, '' for an empty cell, None when it is not understood."""
        key = fold(raw)
        if not key:
            return ""
        return self._table.get(key)  # type: ignore[attr-defined]

    def parse(self, raw: object) -> str:
        """A value the form accepts ('' for empty); raise InvalidCode with the list."""
        value = self.lookup(raw)
        if value is None:
            raise InvalidCode(f"{self.label}请从列表中选择：{'、'.join(self.values)}。")
        return value


def _aliases(groups: Iterable[tuple[str, str]]) -> dict[str, str]:
    """("大专 专科 高职", "大学专科") pairs -> one entry per spelling."""
    return {spelling: value for spellings, value in groups for spelling in spellings.split()}


ID_KINDS = Coded(
    "id_kind",
    "证件类型",
    ("居民身份证", "港澳居民居住证", "台湾居民居住证", "外国人永久居留身份证"),
    _aliases(
        [
            ("身份证 二代身份证 第二代居民身份证 居民身份证号码 中华人民共和国居民身份证 大陆居民身份证", "居民身份证"),
            ("港澳居住证 港澳居民居住证号码 香港居民居住证 澳门居民居住证", "港澳居民居住证"),
            ("台湾居住证 台湾居民居住证号码 台胞居住证", "台湾居民居住证"),
            ("外国人永久居留证 永久居留身份证 外国人永居证 永居证 外国人永久居留身份证号码", "外国人永久居留身份证"),
        ]
    ),
)
RESIDENT_ID = ID_KINDS.values[0]

EDUCATION = Coded(
    "education",
    "学历",
    ("博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中", "初中", "小学及以下"),
    _aliases(
        [
            ("博士 博士研究生学历 博士研究生毕业", "博士研究生"),
            ("硕士 研究生 硕士研究生学历 研究生学历 研究生毕业", "硕士研究生"),
            ("本科 大本 大学 学士 本科学历 大学本科学历 全日制本科", "大学本科"),
            ("大专 专科 高职 高职高专 大学专科学历 大专学历 专科学历 全日制大专", "大学专科"),
            ("中专 中技 中专中技 中专技校 技校 技工学校 职高 职业高中 中职 中等专科 中等职业学校 中专学历", "中专"),
            ("普高 普通高中 高中学历 高中毕业", "高中"),
            ("初中学历 初中毕业 初级中学", "初中"),
            ("小学 小学学历 小学以下 文盲 半文盲 文盲半文盲 无学历", "小学及以下"),
        ]
    ),
)

POLITICAL = Coded(
    "political",
    "政治面貌",
    (
        "中共党员",
        "中共预备党员",
        "共青团员",
        "民革会员",
        "民盟盟员",
        "民建会员",
        "民进会员",
        "农工党党员",
        "致公党党员",
        "九三学社社员",
        "台盟盟员",
        "无党派人士",
        "群众",
    ),
    _aliases(
        [
            ("党员 中国共产党党员 共产党员 中共正式党员 正式党员", "中共党员"),
            ("预备党员 中国共产党预备党员", "中共预备党员"),
            ("团员 中国共产主义青年团团员 共青团", "共青团员"),
            ("民革", "民革会员"),
            ("民盟", "民盟盟员"),
            ("民建", "民建会员"),
            ("民进", "民进会员"),
            ("农工党", "农工党党员"),
            ("致公党", "致公党党员"),
            ("九三学社", "九三学社社员"),
            ("台盟", "台盟盟员"),
            ("无党派", "无党派人士"),
            ("普通群众 一般群众", "群众"),
        ]
    ),
)

# 农业 decides 农民工: a worker with a rural household registration. 非农业 decides not. Since the
# 2014 reform many places register everyone as 居民: then the clerk's own 农民工 flag stands.
HOUSEHOLD = Coded(
    "household",
    "户籍类型",
    ("农业", "非农业", "居民"),
    _aliases(
        [
            ("农业户口 农业户籍 农村 农村户口 农村户籍 农户 农", "农业"),
            ("非农业户口 非农业户籍 非农 非农户口 城镇 城镇户口 城镇户籍 城市 城市户口 城市户籍", "非农业"),
            ("居民户口 居民户籍 统一居民户口 城乡居民 家庭户", "居民"),
        ]
    ),
)
MIGRANT_BY_HOUSEHOLD = {"农业": 1, "非农业": 0}

EMPLOYMENT_STATUS = Coded(
    "employment_status",
    "就业状况",
    ("在岗", "待岗", "下岗", "失业", "内退", "退休"),
    _aliases(
        [
            ("在职 就业 在岗职工 在业 正常在岗 已就业 就业中", "在岗"),
            ("待业", "待岗"),
            ("下岗职工", "下岗"),
            ("无业 失业人员 离职", "失业"),
            ("内部退养 内退职工", "内退"),
            ("已退休 离退休 退休职工 离休", "退休"),
        ]
    ),
)

SKILL_LEVEL = Coded(
    "skill_level",
    "技能等级",
    ("无", "初级工", "中级工", "高级工", "技师", "高级技师"),
    _aliases(
        [
            ("没有 未取得 暂无 无等级 无技能等级", "无"),
            ("初级 五级 职业资格五级 五级初级工 初级技能", "初级工"),
            ("中级 四级 职业资格四级 四级中级工 中级技能", "中级工"),
            ("高级 三级 职业资格三级 三级高级工 高级技能", "高级工"),
            ("二级 职业资格二级 二级技师", "技师"),
            ("一级 职业资格一级 一级高级技师", "高级技师"),
        ]
    ),
)

JOIN_METHOD = Coded(
    "join_method",
    "入会方式",
    ("集体登记", "扫码", "网上申请", "个人申请", "兜底入会"),
    _aliases(
        [
            ("集体登记入会 集体入会 批量入会 集中入会 集体", "集体登记"),
            ("扫码入会 扫二维码 二维码 二维码入会 扫码申请", "扫码"),
            ("网上入会 网上申请入会 线上申请 线上入会 在线申请 在线入会 网上 小程序", "网上申请"),
            ("个人申请入会 本人申请 书面申请 个人 个人入会 现场申请", "个人申请"),
            ("兜底 区域兜底 兜底入会", "兜底入会"),
        ]
    ),
)

JOIN_PLACE = Coded(
    "join_place",
    "入会地",
    ("工作地", "户籍输出地"),
    _aliases(
        [
            ("工作所在地 就业地 务工地 用工地 单位所在地 工作地入会", "工作地"),
            ("户籍地 户籍所在地 输出地 户口所在地 户籍地入会 输出地入会 家乡 原籍", "户籍输出地"),
        ]
    ),
)

# The coded fields of a member record, in the order the form and the 入会登记表 show them.
MEMBER_CODED: tuple[Coded, ...] = (
    EDUCATION,
    POLITICAL,
    HOUSEHOLD,
    EMPLOYMENT_STATUS,
    SKILL_LEVEL,
    JOIN_METHOD,
    JOIN_PLACE,
)
BY_KEY: dict[str, Coded] = {c.key: c for c in (ID_KINDS, *MEMBER_CODED)}


def migrant(household: str | None, flag: object) -> int:
    """Whether a member counts as 农民工: 农业/非农业 decide; otherwise the clerk's flag stands."""
    decided = MIGRANT_BY_HOUSEHOLD.get(household or "")
    if decided is not None:
        return decided
    return 1 if flag in (True, 1, "1", "是", "true", "True") else 0
