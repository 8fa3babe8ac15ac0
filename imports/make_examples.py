"""Write the example rosters shipped in imports/ (run: python imports/make_examples.py).

They are the kind of files clerks get from employers, messes included, so a new clerk can try
the importer (clerk import imports/… or 导入花名册 in the app) on something realistic:

- 顺达快递-会员花名册.xlsx: an express company's roster with a title row, a 填报单位/填报日期
  line, a two-row header, a 填表说明 sheet, two data sheets, a merged 工作单位 column, a blank
  row, full-width digits and spaces in IDs, a lowercase x, an ID Excel stored as a number, a
  wrong check digit, the same person twice, phones with +86 and dashes, one bad phone, and the
  制表人/审核人 lines under the table;
- 外卖配送站-骑手名单.csv: a delivery platform's list exported as GBK CSV;
- 花名册模板.xlsx: an empty template to send to employers (ID column formatted as text).

Every ID number is generated with a valid check digit (except the deliberate mistakes); the
people are made up.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402

from clerk.domain.idcard import with_check_digit  # noqa: E402


def _id(region: str, born: str, seq: int) -> str:
    return with_check_digit(f"{region}{born}{seq:03d}")


def _fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})


def _text(cell) -> None:
    cell.data_type = "s"
    cell.number_format = "@"


def express_roster(path: Path) -> None:
    wb = Workbook()
    info = wb.active
    info.title = "填表说明"
    for line in (
        "填表说明：",
        "1. 身份证号码请填写 18 位，设置为文本格式。",
        "2. 入会时间填写 年-月-日。",
        "3. 是否农民工填“是”或“否”。",
    ):
        info.append([line])

    ws = wb.create_sheet("快递员")
    ws.append(["重庆顺达快递有限公司工会会员花名册"])
    ws.merge_cells("A1:J1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(["填报单位：重庆顺达快递有限公司（盖章）", None, None, None, None, None, "填报日期：2026年3月5日"])
    ws.append(["序号", "姓 名", "性别", "民族", "公民身份号码", "联系方式", None, "工作单位", "岗位", "入会时间"])
    ws.append([None, None, None, None, None, "手机", "座机", None, None, None])
    ws.merge_cells("F3:G3")
    for col in "ABCDEHIJ":
        ws.merge_cells(f"{col}3:{col}4")
    people = [
        ("张伟", "男", "汉族", _id("500101", "19900312", 11), "13812345678", "", "快递员", "2026-03-01"),
        ("李秀英", "女", "汉", _fullwidth(_id("500102", "19880721", 24)), "+86 139 2345 6789", "", "快递员", "2026年3月1日"),
        ("王磊", "男", "土家族", " ".join([_id("500228", "19950102", 33)[i:i + 6] for i in (0, 6, 12)]), "137-2345-6780", "", "分拣员", "2026.3.1"),
        ("刘洋", "男", "汉族", _id("511302", "19930808", 45).lower(), "15823456789", "", "快递员", "2026-03-01"),
        ("陈静", "女", "苗族", "'" + _id("522101", "19970415", 52), "1862345678", "023-6123456", "客服", "2026-03-01"),
        ("杨帆", "男", "汉族", None, "13623456789", "", "快递员", "2026-03-01"),  # ID stored as a number (set below)
        ("赵敏", "女", "汉族", _id("430102", "19910920", 68)[:17] + ("0" if _id("430102", "19910920", 68)[17] != "0" else "1"),
         "13523456789", "", "仓管员", "2026-03-01"),
        ("张伟", "男", "汉族", _id("500101", "19900312", 11), "13812345678", "", "快递员", "2026-03-01"),  # twice
        ("周杰", "男", "汉族", _id("500112", "19960101", 71), "13723456780", "", "快递员", "2026-03-01"),
    ]
    row = 5
    for n, (name, gender, nation, idn, mobile, landline, job, joined) in enumerate(people, start=1):
        if n == 4:
            ws.append([])  # a blank row in the middle of the table
            row += 1
        ws.append([n, name, gender, nation, idn, mobile, landline, "重庆顺达快递有限公司" if n == 1 else None, job, joined])
        _text(ws.cell(row=row, column=5))
        _text(ws.cell(row=row, column=2))
        if n == 6:
            ws.cell(row=row, column=5).value = int(_id("500103", "19920505", 61)[:17] + "0")  # Excel keeps 15 digits
            ws.cell(row=row, column=5).number_format = "0"
        row += 1
    ws.merge_cells(f"H5:H{row - 1}")  # the company written once, merged down the column
    ws.append([])
    ws.append(["制表人：王小红", None, None, "审核人：李建国", None, None, "联系电话：023-61234567"])
    ws.append(["注：本表一式两份，一份报镇总工会。"])

    second = wb.create_sheet("外包人员")
    second.append(["序号", "姓名", "身份证号码", "手机号码", "岗位", "用工形式", "是否农民工", "新就业形态", "入会时间"])
    for n, (name, idn, mobile, job, form, migrant, newform) in enumerate(
        [
            ("孙丽", _id("420106", "19890214", 81), "15923456781", "快递员", "劳务派遣", "是", "快递员"),
            ("周强", _id("411302", "19940630", 93), "15023456782", "快递员", "派遣", "√", "是"),
            ("吴芳", _id("510104", "19981111", 14), "13023456783", "驾驶员", "全职", "否", "货车司机"),
        ],
        start=1,
    ):
        second.append([n, name, idn, mobile, job, form, migrant, newform, "2026-03-02"])
        _text(second.cell(row=n + 1, column=3))
    wb.save(path)


def rider_csv(path: Path) -> None:
    rows = [
        ["骑手姓名", "身份证号", "手机号", "所属站点", "职业类别", "是否农民工", "入会日期"],
        ["马超", _id("500101", "19960518", 21), "13912345670", "滨江社区外卖站", "外卖骑手", "是", "2026/3/4"],
        ["何丽", _id("500230", "19930227", 32), "13912345671", "滨江社区外卖站", "外卖骑手", "否", "2026/3/4"],
        ["罗刚", _id("522101", "19880909", 43), "139-1234-5672", "滨江社区外卖站", "骑手", "是", "2026/3/4"],
        ["郑洁", "4.40301E+17", "13912345673", "滨江社区外卖站", "外卖骑手", "是", "2026/3/4"],
        ["谢军", _id("500102", "20010115", 54), "13912345674", "滨江社区外卖站", "外卖骑手", "是", "2026/3/4"],
    ]
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode("gbk"))


def template(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    headers = ["序号", "姓名", "身份证号码", "手机号码", "民族", "工作单位", "岗位/工种", "用工形式", "是否农民工",
               "新就业形态", "入会时间", "备注"]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["C"].number_format = "@"
    for r in range(2, 202):  # the ID cells employers fill in are text, so no digit is ever lost
        ws.cell(row=r, column=3).number_format = "@"
    info = wb.create_sheet("填表说明")
    for line in (
        "1. 身份证号码填 18 位（这一列已设为文本格式，请不要改成数字格式）。",
        "2. 手机号码填 11 位。入会时间填 年-月-日，如 2026-03-01。",
        "3. 用工形式：全日制、非全日制、劳务派遣、平台灵活就业、个体经营、其他。",
        "4. 是否农民工填“是”或“否”。新就业形态：快递员、外卖送餐员、网约车司机、货车司机、家政服务员、网络营销师、其他新就业形态。",
    ):
        info.append([line])
    wb.save(path)


def main() -> None:
    express_roster(HERE / "顺达快递-会员花名册.xlsx")
    rider_csv(HERE / "外卖配送站-骑手名单.csv")
    template(HERE / "花名册模板.xlsx")
    print("已生成：", ", ".join(p.name for p in sorted(HERE.glob("*.*")) if p.suffix != ".py"))


if __name__ == "__main__":
    main()
