"""Demo data: a township with villages, enterprises and a few hundred generated members.

It goes into its own database file (never a clerk's real one) and every ID number is valid.
The same seed gives the same people, so screenshots and tests can rely on them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from clerk.domain import choices, idcard
from clerk.registry import lifecycle, members, organisations, setup
from clerk.store.store import Store

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉浩宇轩子涵欣怡梓晨雨婷建国建华志强海燕春梅晓东小红德明国庆永刚凤英文杰俊杰思远佳琪"
# Region codes of Chongqing districts and of the provinces migrant workers often come from.
REGIONS = [
    "500101",
    "500102",
    "500103",
    "500112",
    "500228",
    "500230",
    "510104",
    "511302",
    "522101",
    "430102",
    "420106",
    "411302",
]
JOBS = [
    "操作工",
    "快递员",
    "外卖骑手",
    "网约车司机",
    "货车司机",
    "家政服务员",
    "电工",
    "焊工",
    "保洁员",
    "收银员",
    "厨师",
    "主播",
    "仓管员",
    "村干部",
    "教师",
]

DEMO_UNIT = ("500101001", "示范镇总工会", "演示用户")


def _person_id(rng: random.Random, born: date) -> str:
    region = rng.choice(REGIONS)
    return idcard.with_check_digit(f"{region}{born:%Y%m%d}{rng.randint(1, 999):03d}")


def _orgs(store: Store) -> list[int]:
    root = organisations.create(store, {"name": DEMO_UNIT[1], "kind": "乡镇(街道)总工会", "region_code": "500101001"})
    villages = [
        organisations.create(store, {"name": f"{v}村工会联合会", "kind": "村(社区)工会", "parent_id": root})
        for v in ("青山", "石桥", "柳林")
    ]
    community = organisations.create(store, {"name": "滨江社区工会", "kind": "村(社区)工会", "parent_id": root})
    enterprises = [
        ("重庆顺达快递有限公司工会", "快递物流", 86, villages[0]),
        ("示范镇外卖配送站联合工会", "外卖配送", 140, community),
        ("渝通网约车服务有限公司工会", "网约车", 52, community),
        ("石桥机械制造有限公司工会", "制造业", 230, villages[1]),
        ("柳林家政服务中心工会", "家政服务", 31, villages[2]),
        ("山城货运物流有限公司工会", "货运", 18, villages[1]),
    ]
    ids = [root, *villages, community]
    for i, (name, industry, employees, parent) in enumerate(enterprises):
        ids.append(
            organisations.create(
                store,
                {
                    "name": name,
                    "kind": "联合工会" if "联合" in name else "企业工会",
                    "parent_id": parent,
                    "industry": industry,
                    "employee_count": employees,
                    "uscc": _uscc(i),
                },
            )
        )
    return ids


def _uscc(i: int) -> str:
    from stdnum.cn import uscc

    body = f"91500101MA{60000 + i:05d}X{i % 10}"[:17]
    return body + uscc.calc_check_digit(body)


def generate_people(rng: random.Random, count: int, today: date) -> Iterator[dict]:
    for _ in range(count):
        born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 365 * 38))
        job = rng.choice(JOBS)
        new_form = {
            "快递员": "快递员",
            "外卖骑手": "外卖送餐员",
            "网约车司机": "网约车司机",
            "货车司机": "货车司机",
            "家政服务员": "家政服务员",
            "主播": "网络营销师",
        }.get(job)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        yield {
            "name": rng.choice(SURNAMES) + given,
            "id_number": _person_id(rng, born),
            "phone": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
            "ethnicity": rng.choice(["汉族"] * 12 + ["土家族", "苗族", "回族"]),
            "job": job,
            "employment_form": "平台灵活就业" if new_form else rng.choice(choices.EMPLOYMENT_FORMS[:3]),
            "migrant": rng.random() < 0.45,
            "new_form": new_form,
            "joined_on": (today - timedelta(days=int(rng.expovariate(1 / 500)))).isoformat(),
            "card_no": f"CQ{rng.randint(0, 99999999):08d}",
            "mutual_aid": rng.random() < 0.6,
            "hardship": rng.random() < 0.05,
        }


def build(
    store: Store, count: int = 300, seed: int = 20261123, progress: Callable[[int, int], None] | None = None
) -> None:
    """Fill an empty store with the demo township."""
    setup.set_up(store, *DEMO_UNIT)
    store.set_settings(demo="1")  # the home screen says it is the demo (and why it is not encrypted)
    org_ids = _orgs(store)
    rng = random.Random(seed)
    today = date.today()
    done = 0
    for person in generate_people(rng, count * 2, today):
        if done == count:
            break
        person["org_id"] = rng.choice(org_ids[1:])
        try:
            members.register(store, person)
        except members.DuplicateMember:
            continue
        done += 1
        if progress:
            progress(done, count)
    # A few members who left, so the statuses show in the list.
    rows = store.conn.execute("SELECT id FROM members ORDER BY id LIMIT 6").fetchall()
    for (member_id,), (status, reason, note) in zip(
        rows,
        [
            ("退会", "本人申请退会", ""),
            ("转出", "工作调动", "转往沙坪坝区某街道工会"),
            ("已故", "病故", ""),
            ("保留会籍", "退休", ""),
        ],
    ):
        lifecycle.change_status(store, member_id, status, reason=reason, note=note)
