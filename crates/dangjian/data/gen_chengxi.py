#!/usr/bin/env python3
"""Generate the embedded example ledger of dangjian: 城西新区 (Chengxi New District), 2019.

Deterministic (``random.Random(2019)``), Python 3 standard library only.  Writes one CSV per
table of docs/LEDGER.md into ``chengxi/`` next to this script:

    python3 crates/dangjian/data/gen_chengxi.py

Every table carries a last column ``x_source``: ``report`` when the record is stated in the
source report (a Yongkang news report on the "red trilogy" of 城西新区, see docs/DOMAIN.md), ``filler``
when it is generated plausible data.  Tables ``roles`` and ``people`` also carry ``x_title`` /
``x_note`` (free text, kept by the loader because of the ``x_`` prefix).

The evaluation date is 2019-07-31: nothing is dated after it except initiative starts and
deadlines and target due dates.  See README.md for the facts and the designed figures.
"""

import csv
import datetime as dt
import os
import random

R = random.Random(2019)
AS_OF = dt.date(2019, 7, 31)
YEAR_START = dt.date(2019, 1, 1)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "chengxi")

COLUMNS = {
    "units": ["id", "kind", "name", "parent", "above_scale", "length_m", "since", "until", "tags", "employees"],
    "designations": ["unit", "designation", "since", "until"],
    "orgs": ["id", "kind", "name", "hosts", "parent", "established", "dissolved"],
    "elections": ["org", "date", "note"],
    "people": ["id", "name", "birth_date", "org", "joined", "confirmed", "workplace", "x_note"],
    "roles": ["person", "role", "target", "start", "end", "x_title"],
    "initiatives": ["id", "kind", "programme", "title", "unit", "owner", "start", "deadline", "weight"],
    "progress": ["initiative", "date", "percent", "note"],
    "activities": ["id", "kind", "date", "subject", "people", "note", "expected", "attended"],
    "duties": ["id", "activity", "applies_to", "cadence", "min_count", "from", "to", "quorum"],
    "indicators": ["id", "name", "measure", "aggregate", "formula"],
    "observations": ["indicator", "unit", "date", "value", "note"],
    "targets": ["metric", "scope", "due", "value", "baseline"],
    "exemptions": ["duty", "subject", "from", "to", "reason"],
}
ROWS = {t: [] for t in COLUMNS}


def add(table, src, **kw):
    assert src in ("report", "filler"), src
    for k in kw:
        assert k in COLUMNS[table], (table, k)
    row = dict(kw)
    row["x_source"] = src
    ROWS[table].append(row)
    return row


def D(s):
    return dt.date.fromisoformat(s)


def days(n):
    return dt.timedelta(days=n)


def rand_date(lo, hi):
    if hi < lo:
        hi = lo
    return lo + days(R.randint(0, (hi - lo).days))


def workday(lo, hi):
    """A random date in [lo, hi], avoiding weekends and New Year's Day when possible."""
    for _ in range(12):
        d = rand_date(lo, hi)
        if d.weekday() < 5 and (d.month, d.day) != (1, 1):
            return d
    return d


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def month_end(y, m):
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - days(1)


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join(fmt(x) for x in v)
    if isinstance(v, float):
        return str(int(v)) if v == int(v) else repr(v)
    return str(v)


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

SURNAMES = [
    ("胡", "hu", 9),
    ("应", "ying", 8),
    ("吕", "lv", 7),
    ("徐", "xu", 7),
    ("陈", "chen", 7),
    ("李", "li", 7),
    ("程", "cheng", 5),
    ("施", "shi", 5),
    ("楼", "lou", 5),
    ("朱", "zhu", 4),
    ("王", "wang", 4),
    ("俞", "yu", 3),
    ("周", "zhou", 3),
    ("章", "zhang", 3),
    ("杨", "yang", 2),
    ("颜", "yan", 2),
    ("潘", "pan", 2),
    ("黄", "huang", 2),
    ("金", "jin", 3),
    ("叶", "ye", 2),
    ("谢", "xie", 2),
    ("范", "fan", 2),
    ("卢", "lu", 2),
    ("夏", "xia", 2),
    ("童", "tong", 2),
    ("丁", "ding", 2),
    ("蒋", "jiang", 2),
    ("孙", "sun", 1),
    ("郑", "zheng", 2),
    ("何", "he", 1),
    ("林", "lin", 1),
    ("杜", "du", 1),
    ("赵", "zhao", 1),
    ("吴", "wu", 2),
    ("刘", "liu", 1),
    ("方", "fang", 1),
    ("毛", "mao", 1),
    ("池", "chi", 2),
    ("倪", "ni", 1),
    ("舒", "shu", 1),
]
GIVEN_M = [
    ("建", "jian"),
    ("国", "guo"),
    ("伟", "wei"),
    ("军", "jun"),
    ("华", "hua"),
    ("明", "ming"),
    ("平", "ping"),
    ("强", "qiang"),
    ("勇", "yong"),
    ("志", "zhi"),
    ("海", "hai"),
    ("波", "bo"),
    ("涛", "tao"),
    ("斌", "bin"),
    ("杰", "jie"),
    ("磊", "lei"),
    ("超", "chao"),
    ("鹏", "peng"),
    ("辉", "hui"),
    ("东", "dong"),
    ("俊", "jun"),
    ("文", "wen"),
    ("荣", "rong"),
    ("新", "xin"),
    ("春", "chun"),
    ("云", "yun"),
    ("飞", "fei"),
    ("峰", "feng"),
    ("刚", "gang"),
    ("浩", "hao"),
    ("宇", "yu"),
    ("晨", "chen"),
    ("阳", "yang"),
    ("良", "liang"),
    ("忠", "zhong"),
    ("德", "de"),
    ("福", "fu"),
    ("根", "gen"),
    ("法", "fa"),
    ("松", "song"),
    ("青", "qing"),
    ("永", "yong"),
    ("利", "li"),
    ("安", "an"),
    ("成", "cheng"),
    ("龙", "long"),
    ("庆", "qing"),
    ("亮", "liang"),
    ("旭", "xu"),
    ("凯", "kai"),
    ("帆", "fan"),
    ("宁", "ning"),
    ("立", "li"),
    ("土", "tu"),
]
GIVEN_F = [
    ("敏", "min"),
    ("芳", "fang"),
    ("丽", "li"),
    ("红", "hong"),
    ("燕", "yan"),
    ("霞", "xia"),
    ("洁", "jie"),
    ("婷", "ting"),
    ("琳", "lin"),
    ("静", "jing"),
    ("慧", "hui"),
    ("玲", "ling"),
    ("英", "ying"),
    ("兰", "lan"),
    ("梅", "mei"),
    ("丹", "dan"),
    ("倩", "qian"),
    ("颖", "ying"),
    ("琪", "qi"),
    ("萍", "ping"),
    ("娟", "juan"),
    ("莉", "li"),
    ("珍", "zhen"),
    ("雅", "ya"),
    ("晓", "xiao"),
    ("佳", "jia"),
    ("月", "yue"),
    ("素", "su"),
]
# Named in the report: (id, name); never generated as filler.
REPORT_PEOPLE = {
    "p_yejianyong": "叶建永",
    "p_zhumin": "朱敏",
    "p_tangwei": "唐伟",
    "p_hudongsheng": "胡东升",
    "p_chentianyun": "陈天云",
    "p_mawenwei": "麻文卫",
    "p_huheping": "胡和平",
    "p_xietingshu": "谢庭树",
    "p_xiejun": "谢军",
    "p_yaoshula": "姚舒拉",
    "p_fanchaoxiong": "范超雄",
}
USED_NAMES = set(REPORT_PEOPLE.values())
IDS = set()  # ids of units, orgs, people and initiatives: one namespace


def new_id(base):
    i, cand = 1, base
    while cand in IDS:
        i += 1
        cand = f"{base}{i}"
    IDS.add(cand)
    return cand


def claim(id_):
    assert id_ not in IDS, id_
    IDS.add(id_)
    return id_


def person_name(surname=None):
    while True:
        if surname and R.random() < 0.55:
            s = surname
        else:
            s = R.choices(SURNAMES, weights=[w for _, _, w in SURNAMES])[0][:2]
        pool = GIVEN_F if R.random() < 0.3 else GIVEN_M
        n = 2 if R.random() < 0.72 else 1
        given = [R.choice(pool) for _ in range(n)]
        if n == 2 and given[0][0] == given[1][0]:
            continue
        name = s[0] + "".join(g[0] for g in given)
        py = s[1] + "".join(g[1] for g in given)
        if (
            name in USED_NAMES
            or any(name.startswith(rn) for rn in REPORT_PEOPLE.values())
            or any(("p_" + py).startswith(rid) for rid in REPORT_PEOPLE)
        ):
            continue
        USED_NAMES.add(name)
        return name, py


# ---------------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------------

UNIT = {}  # id -> row
PEOPLE = {}  # id -> row
ORG = {}  # id -> row


def unit(src, id_, kind, name, parent, **kw):
    claim(id_)
    row = add("units", src, id=id_, kind=kind, name=name, parent=parent, **kw)
    UNIT[id_] = row
    return id_


unit("report", "chengxi", "district", "城西新区", None)

OFFICES = [
    ("dangzheng_office", "党政办公室"),
    ("zuzhi_office", "组织人事办公室"),
    ("jingji_office", "经济发展办公室"),
    ("guijian_office", "规划建设办公室"),
    ("zhengqian_office", "征迁安置办公室"),
    ("shehui_office", "社会事务办公室"),
    ("nongye_office", "农业农村办公室"),
    ("zhifa_office", "综合执法办公室"),
]
for oid, oname in OFFICES:
    unit("filler", oid, "office", oname, "chengxi")

unit("report", "huachuan_area", "area", "花川片", "chengxi")
unit("report", "lidian_area", "area", "李店片", "chengxi")

# (id, name, surname bias, source)
HUACHUAN_VILLAGES = [
    ("huachuan", "花川村", "yao"),
    ("shangxie", "上谢村", "xie"),
    ("youcaotang", "油草塘村", "xie"),
    ("tangjing", "塘景村", None),
    ("sikoufang", "寺口方村", "fang"),
    ("yeerkeng", "叶儿坑村", "ye"),
    ("yingyi", "应益村", "ying"),
    ("muchangjiang", "木长降村", "zhu"),
    ("xitianfan", "西田畈村", None),
    ("xiwanzhou", "溪湾周村", "zhou"),
]
LIDIAN_VILLAGES = [  # filler names except 范宅村
    ("fanzhai", "范宅村", "fan"),
    ("lidian", "李店村", "li"),
    ("qiancang", "前仓村", None),
    ("houshan", "后山村", "lou"),
    ("tangli", "塘里村", None),
    ("xiahu", "下湖村", "hu"),
    ("lingtou", "岭头村", "cheng"),
]
SURNAME_BY_PY = {py: (c, py) for c, py, _ in SURNAMES}
SURNAME_BY_PY["yao"] = ("姚", "yao")
VILLAGE_SURNAME = {}
for vid, vname, sur in HUACHUAN_VILLAGES:
    unit("report", vid, "village", vname, "huachuan_area")
    VILLAGE_SURNAME[vid] = SURNAME_BY_PY.get(sur) if sur else None
for vid, vname, sur in LIDIAN_VILLAGES:
    unit("report" if vid == "fanzhai" else "filler", vid, "village", vname, "lidian_area")
    VILLAGE_SURNAME[vid] = SURNAME_BY_PY.get(sur) if sur else None
# 金山头村 is not said to be in either area: it sits directly under the district.
unit("report", "jinshantou", "village", "金山头村", "chengxi")
VILLAGE_SURNAME["jinshantou"] = SURNAME_BY_PY["jin"]
VILLAGES = [v[0] for v in HUACHUAN_VILLAGES] + [v[0] for v in LIDIAN_VILLAGES] + ["jinshantou"]
VNAME = {v[0]: v[1] for v in HUACHUAN_VILLAGES + LIDIAN_VILLAGES}
VNAME["jinshantou"] = "金山头村"

unit("report", "meitang_block", "block", "梅堂区块", "chengxi")
unit("report", "huachuan_block", "block", "花川区块", "chengxi")

# Roads: (id, name, parent, length_m, chiefs) -- chiefs: number of concurrent chiefs.
ROADS = [
    ("xizhou_road", "西周路", "meitang_block", 400, 1),
    ("chengxi_avenue", "城西大道", "chengxi", 3200, 2),
    ("g330_road", "330国道城西段", "chengxi", 4500, 2),
    ("huachuan_road", "花川路", "huachuan_area", 1800, 2),
    ("meitang_road", "梅堂路", "meitang_block", 1500, 1),
    ("lidian_road", "李店路", "lidian_area", 1600, 2),
    ("jinshan_road", "金山路", "chengxi", 1200, 1),
    ("nongji_road", "农机路", "huachuan_block", 900, 1),
    ("dongzhou_road", "东周路", "meitang_block", 650, 1),
    ("xingye_road", "兴业路", "meitang_block", 1100, 1),
    ("chuangye_road", "创业路", "meitang_block", 800, 1),
    ("keji_road", "科技路", "huachuan_block", 950, 1),
    ("gongye_road", "工业路", "meitang_block", 1300, 1),
    ("wujin_avenue", "五金大道", "huachuan_block", 2600, 2),
    ("shangxie_road", "上谢路", "huachuan_area", 700, 1),
    ("youcao_road", "油草路", "huachuan_area", 600, 1),
    ("sikou_road", "寺口路", "huachuan_area", 750, 1),
    ("yingyi_road", "应益路", "huachuan_area", 680, 1),
    ("xitian_road", "西田路", "huachuan_area", 820, 1),
    ("xiwan_road", "溪湾路", "huachuan_area", 540, 1),
    ("fanzhai_road", "范宅路", "lidian_area", 500, 1),
    ("qiancang_road", "前仓路", "lidian_area", 620, 1),
    ("houshan_road", "后山路", "lidian_area", 580, 1),
    ("lingtou_road", "岭头路", "lidian_area", 900, 1),
    ("tangli_road", "塘里路", "lidian_area", 450, 1),
    ("huanxi_road", "环溪路", "chengxi", 1400, 1),
    ("wuliu_avenue", "物流大道", "huachuan_block", 2000, 1),
    ("mingzhu_road", "明珠路", "meitang_block", 760, 1),
    ("jinqiao_road", "金桥路", "huachuan_block", 880, 1),
    ("fuxing_road", "富兴路", "meitang_block", 730, 1),
]
for rid, rname, rparent, rlen, _ in ROADS:
    unit("report" if rid == "xizhou_road" else "filler", rid, "road", rname, rparent, length_m=rlen)

# Enterprises ---------------------------------------------------------------------------------
BRAND = [
    ("华", "hua"),
    ("盛", "sheng"),
    ("鼎", "ding"),
    ("泰", "tai"),
    ("宏", "hong"),
    ("达", "da"),
    ("恒", "heng"),
    ("丰", "feng"),
    ("瑞", "rui"),
    ("顺", "shun"),
    ("亿", "yi"),
    ("龙", "long"),
    ("腾", "teng"),
    ("嘉", "jia"),
    ("诚", "cheng"),
    ("正", "zheng"),
    ("远", "yuan"),
    ("宇", "yu"),
    ("通", "tong"),
    ("安", "an"),
    ("美", "mei"),
    ("凯", "kai"),
    ("力", "li"),
    ("威", "wei"),
    ("豪", "hao"),
    ("兴", "xing"),
    ("旺", "wang"),
    ("鑫", "xin"),
    ("昌", "chang"),
    ("汇", "hui"),
    ("博", "bo"),
    ("星", "xing"),
    ("锐", "rui"),
    ("晨", "chen"),
    ("光", "guang"),
    ("海", "hai"),
    ("天", "tian"),
    ("立", "li"),
    ("金", "jin"),
    ("永", "yong"),
    ("骏", "jun"),
    ("圣", "sheng"),
    ("富", "fu"),
    ("佳", "jia"),
    ("益", "yi"),
    ("群", "qun"),
    ("奥", "ao"),
    ("德", "de"),
]
INDUSTRY = [
    ("五金制品", "wujin"),
    ("工贸", "gongmao"),
    ("电器", "dianqi"),
    ("机械", "jixie"),
    ("门业", "menye"),
    ("工具", "gongju"),
    ("车业", "cheye"),
    ("杯业", "beiye"),
    ("实业", "shiye"),
    ("塑业", "suye"),
    ("科技", "keji"),
    ("铝业", "lvye"),
    ("家居", "jiaju"),
    ("电机", "dianji"),
    ("金属制品", "jinshu"),
    ("厨具", "chuju"),
]
ENT_NAME = {}


def filler_enterprise(parent, above):
    while True:
        b1, b2 = R.sample(BRAND, 2)
        ind = R.choice(INDUSTRY)
        eid = f"{b1[1]}{b2[1]}_{ind[1]}"
        brand = b1[0] + b2[0]
        if eid in IDS or brand in ("新多", "多德"):
            continue
        prefix = "浙江" if R.random() < 0.25 else "永康市"
        name = f"{prefix}{brand}{ind[0]}有限公司"
        if name in ENT_NAME.values():
            continue
        unit("filler", eid, "enterprise", name, parent, above_scale=above)
        ENT_NAME[eid] = name
        return eid


# Named enterprises.
unit("report", "xinduo", "enterprise", "新多集团", "huachuan_block", above_scale=True)
unit("report", "duodeshi", "enterprise", "永康多德士工贸有限公司", "meitang_block", above_scale=True)
unit("filler", "tianyun_gongmao", "enterprise", "永康市天云工贸有限公司", "xizhou_road", above_scale=True)
ENT_NAME.update(
    {"xinduo": "新多集团", "duodeshi": "永康多德士工贸有限公司", "tianyun_gongmao": "永康市天云工贸有限公司"}
)

# Above-scale placement: xizhou_road 12 (incl. tianyun), meitang_block 38 (incl. duodeshi),
# huachuan_block 34 (incl. xinduo), villages 14.  Total 98.
XIZHOU_ABOVE = ["tianyun_gongmao"] + [filler_enterprise("xizhou_road", True) for _ in range(11)]
XIZHOU_SMALL = [filler_enterprise("xizhou_road", False) for _ in range(5)]
MEITANG_ABOVE = ["duodeshi"] + [filler_enterprise("meitang_block", True) for _ in range(37)]
HUACHUAN_ABOVE = ["xinduo"] + [filler_enterprise("huachuan_block", True) for _ in range(33)]
VILLAGE_ENT_PLAN = [
    ("huachuan", 4),
    ("yingyi", 2),
    ("tangjing", 1),
    ("xitianfan", 1),
    ("lidian", 2),
    ("qiancang", 1),
    ("houshan", 1),
    ("jinshantou", 1),
    ("sikoufang", 1),
]
VILLAGE_ABOVE = []
for v, n in VILLAGE_ENT_PLAN:
    VILLAGE_ABOVE += [filler_enterprise(v, True) for _ in range(n)]
VILLAGE_SMALL = [filler_enterprise(v, False) for v in ("jinshantou", "muchangjiang", "shangxie")]
ABOVE = XIZHOU_ABOVE + MEITANG_ABOVE + HUACHUAN_ABOVE + VILLAGE_ABOVE
assert len(ABOVE) == 98 and len(set(ABOVE)) == 98
assert len(XIZHOU_ABOVE) + len(XIZHOU_SMALL) == 17

# Coverage plan for the 98 (on 2019-07-31):
#  - joint branch only (9): 3 on xizhou_road, 4 in meitang_block, 2 in huachuan_block
#  - instructor only (6): 1 xizhou, 2 meitang, 2 huachuan_block, 1 village
#  - nothing (4): 1 meitang, 1 huachuan_block, 2 villages
#  - own organisation (79): the rest
JB_XIZHOU = XIZHOU_ABOVE[1:4]
JB_MEITANG = MEITANG_ABOVE[1:5]
JB_HUACHUAN = HUACHUAN_ABOVE[1:3]
INSTRUCTOR_ONLY = [
    XIZHOU_ABOVE[4],
    MEITANG_ABOVE[5],
    MEITANG_ABOVE[6],
    HUACHUAN_ABOVE[3],
    HUACHUAN_ABOVE[4],
    VILLAGE_ABOVE[0],
]
NOTHING = [MEITANG_ABOVE[7], HUACHUAN_ABOVE[5], VILLAGE_ABOVE[1], VILLAGE_ABOVE[13]]
_special = set(JB_XIZHOU + JB_MEITANG + JB_HUACHUAN + INSTRUCTOR_ONLY + NOTHING)
OWN = [e for e in ABOVE if e not in _special]
assert len(OWN) == 79

# Which own-org enterprises get a committee / general branch / a red workshop.
COMMITTEE_ENTS = ["xinduo", HUACHUAN_ABOVE[10], MEITANG_ABOVE[12]]
GB_ENTS = [MEITANG_ABOVE[15], MEITANG_ABOVE[20], HUACHUAN_ABOVE[14], HUACHUAN_ABOVE[20]]
# red workshops: xinduo + 1 committee + 2 general branches host a branch in the workshop;
# 3 branch enterprises host a party group in the workshop.
WS_BRANCH_ENTS = ["xinduo", COMMITTEE_ENTS[1], GB_ENTS[0], GB_ENTS[2]]
WS_GROUP_ENTS = [MEITANG_ABOVE[25], HUACHUAN_ABOVE[25], VILLAGE_ABOVE[4]]
NEW_2019_ENTS = [
    "duodeshi",
    MEITANG_ABOVE[30],
    MEITANG_ABOVE[33],
    HUACHUAN_ABOVE[28],
    HUACHUAN_ABOVE[31],
    XIZHOU_ABOVE[6],
    VILLAGE_ABOVE[8],
    VILLAGE_ABOVE[11],
]
for e in WS_BRANCH_ENTS + WS_GROUP_ENTS + NEW_2019_ENTS:
    assert e in OWN, e

WORKSHOP_NAMES = ["总装车间", "装配车间", "生产一车间", "机加工车间", "生产二车间", "成品车间", "包装车间"]
WORKSHOPS = []  # (workshop id, enterprise id)
for i, e in enumerate(WS_BRANCH_ENTS + WS_GROUP_ENTS):
    wid = "xinduo_workshop" if e == "xinduo" else f"{e}_workshop"
    unit("report" if e == "xinduo" else "filler", wid, "workshop", ENT_NAME[e] + WORKSHOP_NAMES[i], e)
    WORKSHOPS.append((wid, e))
assert len(WORKSHOPS) == 7

# ---------------------------------------------------------------------------------------------
# Designations
# ---------------------------------------------------------------------------------------------

for vid, _, _ in HUACHUAN_VILLAGES:
    add("designations", "report", unit=vid, designation="beautiful_circle", since=D("2018-06-30"))
for vid, _, _ in LIDIAN_VILLAGES:
    add("designations", "report", unit=vid, designation="beautiful_line", since=D("2019-02-20"))
for vid in ("shangxie", "youcaotang", "xitianfan"):
    add("designations", "report", unit=vid, designation="field_complex", since=D("2018-09-01"))
WS_SINCE = [
    D("2018-11-01"),
    D("2019-01-01"),
    D("2019-01-01"),
    D("2019-03-01"),
    D("2019-01-01"),
    D("2019-03-01"),
    D("2019-05-01"),
]
for (wid, _), since in zip(WORKSHOPS, WS_SINCE):
    add(
        "designations",
        "report" if wid == "xinduo_workshop" else "filler",
        unit=wid,
        designation="red_workshop",
        since=since,
    )
for rid in ("xizhou_road", "chengxi_avenue", "huachuan_road", "fanzhai_road", "wuliu_avenue"):
    add("designations", "filler", unit=rid, designation="model_road", since=D("2019-06-28"))

# ---------------------------------------------------------------------------------------------
# People helpers
# ---------------------------------------------------------------------------------------------


def birth(y_lo, y_hi):
    return dt.date(R.randint(y_lo, y_hi), R.randint(1, 12), R.randint(1, 28))


def party_dates(b, formal=True, joined_lo=None):
    """joined/confirmed for a person born b; formal members are confirmed by 2019-07-31."""
    lo = add_years(b, 18)
    if joined_lo:
        lo = max(lo, joined_lo)
    if formal:
        hi = D("2018-06-30")
        lo = min(lo, hi)
        j = rand_date(max(lo, add_years(b, 18)), hi) if add_years(b, 18) <= hi else hi
        c = j + days(365 + R.randint(0, 25))
        return j, min(c, AS_OF)
    j = rand_date(max(lo, D("2018-08-01")), D("2019-07-15"))
    return j, None


def person(
    src,
    id_=None,
    name=None,
    b=None,
    org=None,
    formal=True,
    member=True,
    note=None,
    surname=None,
    joined=None,
    confirmed=None,
    born=(1960, 1995),
):
    if name is None:
        name, py = person_name(surname)
        id_ = new_id("p_" + py)
    else:
        claim(id_)
    if b is None:
        b = birth(*born)
    if member and joined is None:
        joined, confirmed = party_dates(b, formal)
    if not member:
        joined = confirmed = None
    row = add(
        "people",
        src,
        id=id_,
        name=name,
        birth_date=b,
        org=org if member else None,
        joined=joined,
        confirmed=confirmed,
        x_note=note,
    )
    PEOPLE[id_] = row
    return id_


def org(src, id_, kind, name, hosts, parent, established, dissolved=None):
    assert established <= AS_OF, (id_, established)
    claim(id_)
    row = add(
        "orgs",
        src,
        id=id_,
        kind=kind,
        name=name,
        hosts=hosts,
        parent=parent,
        established=established,
        dissolved=dissolved,
    )
    ORG[id_] = row
    return id_


def role(src, p, r, target, start, end=None, title=None):
    assert p in PEOPLE, p
    assert start <= AS_OF, (p, r, target, start)
    add("roles", src, person=p, role=r, target=target, start=start, end=end, x_title=title)


def election(src, o, date, note=None):
    assert date >= ORG[o]["established"] and date <= AS_OF, (o, date)
    add("elections", src, org=o, date=date, note=note)


MEMBERS = {}  # org -> [person ids]


def members_of(o, n, born=(1960, 1995), surname=None, probationary=0):
    out = []
    for i in range(n):
        formal = i < n - probationary
        out.append(person("filler", org=o, formal=formal, born=born, surname=surname))
    MEMBERS.setdefault(o, []).extend(out)
    return out


SECRETARY = {}  # org -> person


def pick_secretary(mem, exclude=()):
    """Usually one of the two oldest formal members; now and then a younger one."""
    formal = [p for p in mem if PEOPLE[p]["confirmed"] and p not in exclude]
    if R.random() < 0.12:
        return R.choice(formal)
    formal.sort(key=lambda p: PEOPLE[p]["birth_date"])
    return R.choice(formal[:2])


def elect_series(o, term, src="filler", renew_2019=0.7):
    """Elections from establishment, every `term` years; a term that ends on or before
    2019-07-31 is renewed with probability renew_2019 (otherwise renewal is overdue)."""
    est = ORG[o]["established"]
    d0 = est + days(R.randint(0, 20))
    d0 = min(d0, AS_OF)
    dates = [d0]
    while True:
        nxt = add_years(dates[-1], term) + days(R.randint(-25, 10))
        if nxt > AS_OF:
            break
        if nxt.year >= 2018 and R.random() > renew_2019:
            break  # renewal not held: overdue
        if nxt.year == 2019 and nxt < D("2019-03-01"):
            nxt = rand_date(D("2019-03-01"), D("2019-06-28"))  # 2019 两新组织换届
        dates.append(nxt)
    for i, d in enumerate(dates):
        election(src, o, d, "成立选举" if i == 0 else "换届选举")
    return dates


# ---------------------------------------------------------------------------------------------
# The district: committee, offices' branches, leadership team, staff
# ---------------------------------------------------------------------------------------------

org("report", "chengxi_committee", "committee", "中共城西新区委员会", ["chengxi"], None, D("2013-06-18"))
election("filler", "chengxi_committee", D("2013-06-28"), "成立选举")
election("filler", "chengxi_committee", D("2016-09-22"), "换届选举")

ORGAN = [
    ("jiguan1_branch", "城西新区机关第一党支部", ["dangzheng_office", "zuzhi_office", "jingji_office"]),
    ("jiguan2_branch", "城西新区机关第二党支部", ["guijian_office", "zhengqian_office"]),
    ("jiguan3_branch", "城西新区机关第三党支部", ["shehui_office", "nongye_office", "zhifa_office"]),
]
for oid, oname, hosts in ORGAN:
    org("filler", oid, "branch", oname, hosts, "chengxi_committee", D("2013-07-01"))
    election("filler", oid, D("2013-07-05"), "成立选举")
    election("filler", oid, rand_date(D("2016-06-01"), D("2016-06-30")), "换届选举")
    election("filler", oid, rand_date(D("2019-05-06"), D("2019-06-28")), "换届选举")

OFFICE_OF_BRANCH = {
    "jiguan1_branch": ["dangzheng_office", "zuzhi_office", "jingji_office"],
    "jiguan2_branch": ["guijian_office", "zhengqian_office"],
    "jiguan3_branch": ["shehui_office", "nongye_office", "zhifa_office"],
}
BRANCH_OF_OFFICE = {o: b for b, offs in OFFICE_OF_BRANCH.items() for o in offs}

# Leadership team (班子成员).
ye = person(
    "report",
    "p_yejianyong",
    "叶建永",
    D("1972-10-16"),
    "jiguan1_branch",
    joined=D("1994-06-20"),
    confirmed=D("1995-06-20"),
    note="城西新区党委书记",
)
zhu = person(
    "report",
    "p_zhumin",
    "朱敏",
    D("1976-04-09"),
    "jiguan1_branch",
    joined=D("1998-11-12"),
    confirmed=D("1999-11-15"),
    note="城西新区纪工委书记",
)
MEMBERS.setdefault("jiguan1_branch", []).extend([ye, zhu])
role("report", ye, "leadership", "chengxi", D("2016-09-22"), title="党委书记")
role("report", ye, "secretary", "chengxi_committee", D("2016-09-22"), title="党委书记")
role("report", zhu, "leadership", "chengxi", D("2017-03-01"), title="纪工委书记")
SECRETARY["chengxi_committee"] = ye

LEAD_TITLES = [
    "管委会主任",
    "党委副书记",
    "党委委员、管委会副主任",
    "党委委员、管委会副主任",
    "党委委员、管委会副主任",
    "党委委员、组织委员",
    "党委委员、宣传委员",
]
LEADERS = []
for t in LEAD_TITLES:
    p = person("filler", org="jiguan1_branch", born=(1966, 1984))
    MEMBERS["jiguan1_branch"].append(p)
    role("filler", p, "leadership", "chengxi", rand_date(D("2015-01-05"), D("2018-12-20")), title=t)
    LEADERS.append(p)
L_DIRECTOR, L_DEPUTY, L_VICE_A, L_VICE_B, L_VICE_C, L_ORG, L_PROP = LEADERS

# Office staff: 62 filler people, ~40 % born after 1984-07-31 (young cadres).
STAFF = []
for i in range(62):
    off = OFFICES[i % len(OFFICES)][0]
    young = (i % 12) < 5
    born = (1985, 1996) if young else (1964, 1983)
    br = BRANCH_OF_OFFICE[off]
    b = birth(*born)
    formal = not (young and R.random() < 0.08)
    p = person("filler", org=br, b=b, formal=formal)
    MEMBERS.setdefault(br, []).append(p)
    role(
        "filler",
        p,
        "staff",
        off,
        rand_date(max(add_years(b, 22), D("2013-07-01")), D("2019-03-01")),
        title="职能办工作人员",
    )
    STAFF.append((p, off, b))

# Named district cadres.
tang = person(
    "report",
    "p_tangwei",
    "唐伟",
    D("1986-05-23"),
    "jiguan3_branch",
    joined=D("2007-05-10"),
    confirmed=D("2008-05-12"),
    note="新区下派金山头村第一书记",
)
hu = person(
    "report",
    "p_hudongsheng",
    "胡东升",
    D("1993-02-11"),
    "jiguan3_branch",
    joined=D("2013-07-01"),
    confirmed=D("2014-07-03"),
    note="退伍军人，2019年起任木长降村联村干部",
)
MEMBERS["jiguan3_branch"] += [tang, hu]
role("filler", tang, "staff", "nongye_office", D("2014-08-01"), title="职能办工作人员")
role("report", tang, "first_secretary", "jinshantou", D("2019-03-01"), title="金山头村第一书记")
role("filler", hu, "staff", "nongye_office", D("2018-12-03"), title="职能办工作人员")
role("report", hu, "liaison_cadre", "muchangjiang", D("2019-03-01"), title="木长降村联村干部")

young_staff = [p for p, off, b in STAFF if b > D("1984-07-31")]
old_staff = [p for p, off, b in STAFF if b <= D("1984-07-31")]
assert len(young_staff) >= 24 and len(old_staff) >= 30, (len(young_staff), len(old_staff))

# Shock team (突击队): 16 of the young staff, plus 胡东升.
SHOCK = young_staff[:16]
for p in SHOCK + [hu]:
    role("filler", p, "shock_team", "chengxi", D("2019-03-01"), title="新区年轻干部突击队员")

# Party-building instructors (党建指导员): 5 staff of 组织人事办 / 经济发展办.
INSTRUCTORS = [p for p, off, b in STAFF if off in ("zuzhi_office", "jingji_office")][:5]

# First secretaries besides 唐伟.
FIRST_SEC = {"jinshantou": tang}
for v, p in (("yeerkeng", young_staff[16]), ("xiwanzhou", old_staff[0])):
    role("filler", p, "first_secretary", v, D("2018-03-15"), title="第一书记")
    FIRST_SEC[v] = p

# Liaison cadres (联村干部): every village but 金山头村 (it has a first secretary); 塘里村's
# liaison left on 2019-06-30 and has no successor yet.
LIAISON = {}
liaison_pool = old_staff[1:10] + young_staff[17:21]
for i, v in enumerate([v for v in VILLAGES if v != "jinshantou"]):
    if v == "muchangjiang":
        prev = liaison_pool[0]
        role("filler", prev, "liaison_cadre", v, D("2016-03-01"), D("2019-02-28"), title="联村干部")
        LIAISON[v] = hu
        continue
    p = liaison_pool[(i + 1) % len(liaison_pool)]
    end = D("2019-06-30") if v == "tangli" else None
    role("filler", p, "liaison_cadre", v, rand_date(D("2016-03-01"), D("2019-02-15")), end, title="联村干部")
    LIAISON[v] = p

# ---------------------------------------------------------------------------------------------
# Villages: branches, groups, elections, secretaries
# ---------------------------------------------------------------------------------------------

VILLAGE_SECRETARY_NAMED = {
    "shangxie": ("p_xietingshu", "谢庭树", D("1968-08-14"), "上谢村党支部书记"),
    "huachuan": ("p_yaoshula", "姚舒拉", D("1975-01-27"), "花川村党支部书记、村委会主任"),
    "fanzhai": ("p_fanchaoxiong", "范超雄", D("1971-11-03"), "范宅村党支部书记"),
}
VILLAGE_SIZE = {"huachuan": 24, "shangxie": 15, "youcaotang": 13, "muchangjiang": 12, "jinshantou": 9}
VILLAGE_GROUPS = {"huachuan": 2, "shangxie": 1, "yingyi": 1}
GROUPS = []  # (group org id, parent org, member ids)
for v in VILLAGES:
    bid = f"{v}_branch"
    src = "report" if v in ("shangxie", "huachuan", "fanzhai") else "filler"
    org(src, bid, "branch", VNAME[v] + "党支部", [v], "chengxi_committee", rand_date(D("1956-01-01"), D("1990-12-31")))
    est = ORG[bid]["established"]
    for y in (2011, 2014, 2017):
        d = rand_date(dt.date(y, 1, 5), dt.date(y, 3, 20))
        if d >= est:
            election("filler", bid, d, "换届选举")
    last = ROWS["elections"][-1]["date"]
    n = VILLAGE_SIZE.get(v, R.randint(7, 12))
    sur = VILLAGE_SURNAME.get(v)
    if v in VILLAGE_SECRETARY_NAMED:
        pid, nm, b, note = VILLAGE_SECRETARY_NAMED[v]
        sec = person("report", pid, nm, b, bid, note=note)
        MEMBERS.setdefault(bid, []).append(sec)
        role("report", sec, "secretary", bid, last, title="党支部书记")
        n -= 1
        mem = members_of(bid, n, born=(1945, 1992), surname=sur, probationary=R.randint(0, 1))
    else:
        mem = members_of(bid, n, born=(1945, 1992), surname=sur, probationary=R.randint(0, 1))
        sec = pick_secretary(mem)
        role("filler", sec, "secretary", bid, last, title="党支部书记")
    SECRETARY[bid] = sec
    for g in range(VILLAGE_GROUPS.get(v, 0)):
        gid = f"{v}_group{g + 1}"
        org("filler", gid, "group", f"{VNAME[v]}第{'一二三'[g]}党小组", [v], bid, D("2017-04-01"))
        pool = [m for m in MEMBERS[bid] if m != sec]
        gm = pool[g :: VILLAGE_GROUPS[v]]
        role("filler", gm[0], "leader", gid, D("2017-04-01"), title="党小组组长")
        GROUPS.append((gid, bid, gm))

# 谢军: director of the 油草塘 villagers' committee, a member of the village branch.
xiejun = person(
    "report",
    "p_xiejun",
    "谢军",
    D("1974-06-18"),
    "youcaotang_branch",
    joined=D("2001-06-25"),
    confirmed=D("2002-06-26"),
    note="油草塘村村委会主任",
)
MEMBERS["youcaotang_branch"].append(xiejun)
role("report", xiejun, "villager_rep", "youcaotang", D("2017-03-18"), title="油草塘村村委会主任")

# Villagers' representatives of 木长降村 (not all are party members).
MCJ_REPS = []
for i in range(4):
    p = person("filler", member=False, born=(1950, 1980), surname=SURNAME_BY_PY["zhu"])
    role("filler", p, "villager_rep", "muchangjiang", D("2017-03-12"), title="村民代表")
    MCJ_REPS.append(p)
for p in MEMBERS["muchangjiang_branch"][1:3]:
    role("filler", p, "villager_rep", "muchangjiang", D("2017-03-12"), title="村民代表")
    MCJ_REPS.append(p)

# 农机小镇区域委员会: co-building committee of the ten 花川片 villages.
org(
    "report",
    "nongjizhen_rc",
    "regional_committee",
    "城西新区农机小镇区域委员会",
    [v[0] for v in HUACHUAN_VILLAGES],
    "chengxi_committee",
    D("2018-06-30"),
)
election("filler", "nongjizhen_rc", D("2018-06-30"), "成立选举")
role("filler", L_VICE_A, "secretary", "nongjizhen_rc", D("2018-06-30"), title="区域委员会书记")
SECRETARY["nongjizhen_rc"] = L_VICE_A

# ---------------------------------------------------------------------------------------------
# Enterprises: committees, general branches, branches, joint branches, workshop groups
# ---------------------------------------------------------------------------------------------

ENT_ORG_SRC = {"xinduo": "report", "duodeshi": "report"}
WS_OF = {e: w for w, e in WORKSHOPS}
ENT_SECRETARY_TITLE = {
    "committee": "党委书记",
    "general_branch": "党总支书记",
    "branch": "党支部书记",
    "joint_branch": "联合党支部书记",
}


def ent_established(e):
    if e == "duodeshi":
        return D("2019-07-09")
    if e in NEW_2019_ENTS:
        return rand_date(D("2019-04-22"), D("2019-07-20"))  # 百日攻坚
    return rand_date(D("2004-03-01"), D("2018-10-31"))


def secretary_for(o, mem, start, src="filler", who=None):
    sec = who or pick_secretary(mem)
    role(src, sec, "secretary", o, start, title=ENT_SECRETARY_TITLE.get(ORG[o]["kind"], "书记"))
    SECRETARY[o] = sec
    return sec


for e in OWN:
    src = ENT_ORG_SRC.get(e, "filler")
    ename = ENT_NAME[e]
    est = ent_established(e)
    if e in COMMITTEE_ENTS or e in GB_ENTS:
        kind = "committee" if e in COMMITTEE_ENTS else "general_branch"
        top = f"{e}_committee" if kind == "committee" else f"{e}_general_branch"
        org(src, top, kind, ename + ("党委" if kind == "committee" else "党总支"), [e], "chengxi_committee", est)
        tdates = elect_series(top, 5 if kind == "committee" else 3, src="filler")
        # two branches: one in the workshop (when it is a red-workshop enterprise), one office.
        subs = []
        if e in WS_BRANCH_ENTS:
            wb = f"{e}_workshop_branch"
            wname = UNIT[WS_OF[e]]["name"]
            org(
                "report" if e == "xinduo" else "filler",
                wb,
                "branch",
                "新多集团红色车间党支部" if e == "xinduo" else wname + "党支部",
                [WS_OF[e]],
                top,
                est + days(30),
            )
            subs.append(wb)
        ob = f"{e}_office_branch"
        org(src, ob, "branch", ename + ("机关党支部" if e == "xinduo" else "第一党支部"), [e], top, est + days(30))
        subs.append(ob)
        if e not in WS_BRANCH_ENTS:
            sb = f"{e}_production_branch"
            org("filler", sb, "branch", ename + "第二党支部", [e], top, est + days(30))
            subs.append(sb)
        for s in subs:
            elect_series(s, 3)
            if s == "xinduo_workshop_branch":
                mem = members_of(s, 14, born=(1970, 1995), probationary=1)
            elif s == "xinduo_office_branch":
                mem = members_of(s, 7, born=(1965, 1992))
            else:
                mem = members_of(s, R.randint(4, 7), born=(1965, 1995), probationary=R.randint(0, 1))
            secretary_for(s, mem, ROWS["elections"][-1]["date"])
        if e == "xinduo":
            hhp = person(
                "report",
                "p_huheping",
                "胡和平",
                D("1969-09-07"),
                "xinduo_office_branch",
                joined=D("1996-07-01"),
                confirmed=D("1997-07-01"),
                note="新多集团党委书记",
            )
            MEMBERS["xinduo_office_branch"].append(hhp)
            role("report", hhp, "secretary", top, tdates[-1], title="党委书记")
            SECRETARY[top] = hhp
        else:
            secretary_for(
                top, MEMBERS[subs[-1]], tdates[-1], who=pick_secretary(MEMBERS[subs[-1]], exclude=[SECRETARY[subs[-1]]])
            )
    else:
        bid = f"{e}_branch"
        org(src, bid, "branch", ename + "党支部", [e], "chengxi_committee", est)
        if e == "duodeshi":
            election("report", bid, D("2019-07-09"), "成立选举")
            mem = members_of(bid, 4, born=(1970, 1992), probationary=1)
            mwei = person(
                "report",
                "p_mawenwei",
                "麻文卫",
                D("1978-03-21"),
                bid,
                joined=D("2003-10-08"),
                confirmed=D("2004-10-09"),
                note="永康多德士工贸有限公司党支部书记",
            )
            MEMBERS[bid].insert(0, mwei)
            role("report", mwei, "secretary", bid, D("2019-07-09"), title="党支部书记")
            SECRETARY[bid] = mwei
            continue
        dates = elect_series(bid, 3)
        if e in WS_GROUP_ENTS:
            n = R.randint(7, 9)
        else:
            n = R.choices([3, 4, 5, 6, 7], weights=[4, 5, 3, 1, 1])[0]
        prob = 1 if (n >= 5 and R.random() < 0.25) else 0
        mem = members_of(bid, n + prob, born=(1962, 1996), probationary=prob)
        if e == "tianyun_gongmao":
            cty = person(
                "report",
                "p_chentianyun",
                "陈天云",
                D("1953-05-12"),
                bid,
                joined=D("1982-07-01"),
                confirmed=D("1983-07-01"),
                note="西周路路长，市党代表，企业主",
            )
            MEMBERS[bid].append(cty)
        secretary_for(bid, mem, dates[-1])
        if e in WS_GROUP_ENTS:
            gid = f"{e}_workshop_group"
            wid = WS_OF[e]
            gest = max(est, D("2018-10-15")) + days(R.randint(0, 40))
            org("filler", gid, "group", UNIT[wid]["name"] + "党小组", [wid], bid, gest)
            gm = [m for m in mem if m != SECRETARY[bid]][:5]
            role("filler", gm[0], "leader", gid, gest, title="党小组组长")
            GROUPS.append((gid, bid, gm))

# Joint branches.
JOINTS = [
    ("jb_xizhou", "西周路企业联合党支部", JB_XIZHOU + XIZHOU_SMALL[:2], D("2019-05-16")),
    ("jb_meitang", "梅堂区块第一联合党支部", JB_MEITANG, D("2015-06-18")),
    ("jb_huachuan", "花川区块联合党支部", JB_HUACHUAN, D("2017-09-12")),
]
for jid, jname, hosts, est in JOINTS:
    assert 2 <= len(hosts) <= 5
    org("filler", jid, "joint_branch", jname, hosts, "chengxi_committee", est)
    if jid == "jb_xizhou":
        election("filler", jid, est, "成立选举")
        dates = [est]
    else:
        dates = elect_series(jid, 3, renew_2019=1.0)
    mem = members_of(jid, R.randint(5, 8), born=(1965, 1994), probationary=1)
    secretary_for(jid, mem, dates[-1])

# ---------------------------------------------------------------------------------------------
# Task forces (攻坚党小组) and the 33 key tasks
# ---------------------------------------------------------------------------------------------

TASK_FORCES = [
    # id, name, hosts, leader, established, source
    ("tf_muchangjiang", "木长降村攻坚党小组", ["muchangjiang"], zhu, D("2019-04-10"), "report"),
    ("tf_jinshantou", "金山头村攻坚党小组", ["jinshantou"], ye, D("2019-05-15"), "report"),
    ("tf_traffic", "交通建设攻坚党小组", ["chengxi"], L_DIRECTOR, D("2019-03-05"), "filler"),
    ("tf_demolition", "征迁拆违攻坚党小组", ["chengxi"], L_DEPUTY, D("2019-01-08"), "filler"),
    ("tf_huachuan", "花川片攻坚党小组", ["huachuan_area"], L_VICE_A, D("2019-02-12"), "filler"),
    ("tf_meitang", "梅堂区块攻坚党小组", ["meitang_block"], L_VICE_B, D("2019-02-20"), "filler"),
    ("tf_ecommerce", "电商物流小镇攻坚党小组", ["huachuan"], L_VICE_C, D("2019-01-25"), "filler"),
    ("tf_huachuan_block", "花川区块攻坚党小组", ["huachuan_block"], L_ORG, D("2019-04-18"), "filler"),
    ("tf_lidian", "李店片攻坚党小组", ["lidian_area"], L_PROP, D("2019-02-18"), "filler"),
]
for tid, tname, hosts, leader, est, src in TASK_FORCES:
    org(src, tid, "task_force", tname, hosts, "chengxi_committee", est)
    role(src, leader, "leader", tid, est, title="攻坚党小组组长")

# 两代表一委员 (delegates / deputies / members): target the district.
cty = "p_chentianyun"
CPPCC_ENT = [e for e in OWN[40:] if e + "_branch" in ORG and e not in NEW_2019_ENTS][0]
role("report", cty, "party_delegate", "chengxi", D("2016-12-20"), title="永康市党代表")
DELEGATES = []
for r_, title, pool in (
    ("party_delegate", "永康市党代表", [SECRETARY["xitianfan_branch"], SECRETARY["yingyi_branch"]]),
    (
        "npc_deputy",
        "永康市人大代表",
        [SECRETARY[f"{COMMITTEE_ENTS[1]}_committee"], SECRETARY["lidian_branch"], SECRETARY["tangjing_branch"]],
    ),
    ("cppcc_member", "永康市政协委员", [SECRETARY[f"{GB_ENTS[1]}_general_branch"], SECRETARY[CPPCC_ENT + "_branch"]]),
):
    for p in pool:
        role("filler", p, r_, "chengxi", D("2016-12-20") if r_ == "party_delegate" else D("2017-01-10"), title=title)
        DELEGATES.append(p)

# Task-force members: first secretaries, delegates, shock team, liaison cadres, office staff.
TF_MEMBERS = {
    "tf_muchangjiang": [hu, young_staff[0], young_staff[1], old_staff[2], LIAISON["yingyi"], MCJ_REPS[4], MCJ_REPS[5]],
    "tf_jinshantou": [tang, young_staff[2], young_staff[3], old_staff[3], DELEGATES[0]],
    "tf_traffic": [young_staff[4], young_staff[5], old_staff[4], old_staff[5], cty],
    "tf_demolition": [young_staff[6], young_staff[7], young_staff[8], old_staff[6], old_staff[7]],
    "tf_huachuan": [
        young_staff[9],
        young_staff[16],
        FIRST_SEC["xiwanzhou"],
        SECRETARY["sikoufang_branch"],
        DELEGATES[1],
    ],
    "tf_meitang": [young_staff[10], young_staff[11], old_staff[8], DELEGATES[2]],
    "tf_ecommerce": [young_staff[12], young_staff[13], old_staff[9], SECRETARY["huachuan_branch"]],
    "tf_huachuan_block": [young_staff[14], young_staff[15], INSTRUCTORS[0], INSTRUCTORS[1]],
    "tf_lidian": [young_staff[17], young_staff[18], old_staff[10], SECRETARY["fanzhai_branch"]],
}
for tid, _, _, _, est, src in TASK_FORCES:
    seen = []
    for p in TF_MEMBERS[tid]:
        if p in seen:
            continue
        seen.append(p)
        s = "report" if (tid, p) in (("tf_muchangjiang", hu), ("tf_jinshantou", tang)) else "filler"
        role(s, p, "member", tid, est + days(R.randint(0, 10)), title="攻坚党小组成员")

# Key tasks.  (id, title, unit, owner, start, deadline, weight, progress plan, source)
# progress plan: None = no updates; otherwise the latest percent on/before 2019-07-31
# (with the date of the last update, default a date near 2019-07-31).
KEY_TASKS = [
    (
        "task_muchangjiang_housing",
        "木长降村农房改造",
        "muchangjiang",
        "tf_muchangjiang",
        "2019-07-25",
        "2019-12-31",
        2,
        [("2019-07-25", 2), ("2019-07-31", 6)],
        "report",
    ),
    (
        "task_muchangjiang_graves",
        "330国道改建工程木长降村段移坟政策处理",
        "muchangjiang",
        "tf_muchangjiang",
        "2019-04-15",
        "2019-10-31",
        2,
        62,
        "report",
    ),
    (
        "task_jinshantou_economy",
        "金山头村壮大村级集体经济",
        "jinshantou",
        "tf_jinshantou",
        "2019-05-20",
        "2019-12-31",
        2,
        25,
        "report",
    ),
    (
        "task_ecommerce_land",
        "电商物流小镇用地政策处理",
        "huachuan",
        "tf_ecommerce",
        "2019-02-01",
        "2019-10-31",
        1,
        75,
        "filler",
    ),
    (
        "task_ecommerce_roads",
        "电商物流小镇配套道路建设",
        "huachuan",
        "tf_ecommerce",
        "2019-04-01",
        "2019-12-31",
        1,
        30,
        "filler",
    ),
    (
        "task_shangxie_lotus",
        "上谢村莲子基地观光采摘配套提升",
        "shangxie",
        "tf_huachuan",
        "2019-02-15",
        "2019-06-30",
        1,
        (100, "2019-06-21"),
        "filler",
    ),
    (
        "task_tangjing_road",
        "塘景村通村公路改造",
        "tangjing",
        "tf_huachuan",
        "2019-03-01",
        "2019-11-30",
        1,
        55,
        "filler",
    ),
    (
        "task_xitianfan_land",
        "西田畈村土地流转",
        "xitianfan",
        "tf_huachuan",
        "2019-03-10",
        "2019-07-15",
        1,
        80,
        "filler",
    ),
    (
        "task_fanzhai_landscape",
        "范宅村街角小品提升",
        "fanzhai",
        "tf_lidian",
        "2019-02-20",
        "2019-05-31",
        1,
        (100, "2019-05-28"),
        "filler",
    ),
    (
        "task_lidian_line",
        "李店片红色美丽线串点成线",
        "lidian_area",
        "tf_lidian",
        "2019-03-01",
        "2019-12-31",
        1,
        45,
        "filler",
    ),
    (
        "task_lidian_sewage",
        "李店片农村生活污水治理提标",
        "lidian_area",
        "tf_lidian",
        "2019-04-10",
        "2019-10-31",
        1,
        35,
        "filler",
    ),
    (
        "task_meitang_lowend",
        "梅堂区块“低小散”企业整治",
        "meitang_block",
        "tf_meitang",
        "2019-02-25",
        "2019-09-30",
        1,
        70,
        "filler",
    ),
    (
        "task_meitang_microzone",
        "梅堂区块小微企业园建设",
        "meitang_block",
        "tf_meitang",
        "2019-05-06",
        "2019-12-31",
        2,
        20,
        "filler",
    ),
    (
        "task_enterprise_coverage",
        "规上企业党组织全覆盖百日攻坚",
        "chengxi",
        "tf_huachuan_block",
        "2019-04-20",
        "2019-07-28",
        1,
        90,
        "filler",
    ),
    (
        "task_huachuan_block_land",
        "花川区块低效工业用地收储",
        "huachuan_block",
        "tf_huachuan_block",
        "2019-03-18",
        "2019-12-31",
        1,
        25,
        "filler",
    ),
    (
        "task_g330_demolition",
        "330国道改建工程征迁",
        "chengxi",
        "tf_traffic",
        "2019-01-15",
        "2019-08-31",
        2,
        85,
        "filler",
    ),
    (
        "task_chengxi_avenue",
        "城西大道拓宽工程政策处理",
        "chengxi",
        "tf_traffic",
        "2019-03-01",
        "2019-10-31",
        1,
        60,
        "filler",
    ),
    (
        "task_illegal_buildings",
        "违法建筑拆除攻坚",
        "chengxi",
        "tf_demolition",
        "2019-01-10",
        "2019-06-30",
        1,
        (100, "2019-06-26"),
        "filler",
    ),
    (
        "task_dangerous_houses",
        "农村危旧房治理",
        "chengxi",
        "tf_demolition",
        "2019-02-01",
        "2019-06-30",
        1,
        (100, "2019-06-18"),
        "filler",
    ),
    ("task_resettlement", "征迁安置房建设", "chengxi", "tf_demolition", "2019-04-01", "2019-12-31", 2, 35, "filler"),
    ("task_petitions", "信访积案化解", "chengxi", "tf_demolition", "2019-03-01", "2019-09-30", 1, 65, "filler"),
    (
        "task_xiwanzhou_pond",
        "溪湾周村山塘除险加固",
        "xiwanzhou",
        "tf_huachuan",
        "2019-04-15",
        "2019-07-31",
        1,
        (100, "2019-07-26"),
        "filler",
    ),
    (
        "task_sikoufang_garbage",
        "寺口方村垃圾分类示范村创建",
        "sikoufang",
        "tf_huachuan",
        "2019-05-01",
        "2019-11-30",
        1,
        35,
        "filler",
    ),
    (
        "task_yingyi_land",
        "应益村村级留用地开发",
        "yingyi",
        "tf_ecommerce",
        "2019-07-29",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    (
        "task_tangjing_sewage",
        "塘景村污水零直排",
        "tangjing",
        "tf_huachuan",
        "2019-07-15",
        "2019-11-30",
        1,
        [("2019-07-30", 5)],
        "filler",
    ),
    # not started by 2019-07-31
    (
        "task_two_new_committees",
        "梅堂、花川区块两新委员会组建",
        "chengxi",
        "tf_huachuan_block",
        "2019-08-15",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    (
        "task_yeerkeng_courtyards",
        "叶儿坑村美丽庭院创建",
        "yeerkeng",
        "tf_huachuan",
        "2019-09-02",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    ("task_deadend_roads", "断头路打通", "chengxi", "tf_traffic", "2019-08-01", "2019-12-31", 1, None, "filler"),
    (
        "task_farmers_market",
        "城西农贸市场改造提升",
        "chengxi",
        "tf_meitang",
        "2019-09-10",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    (
        "task_meitang_sewage",
        "梅堂区块工业污水零直排",
        "meitang_block",
        "tf_meitang",
        "2019-08-20",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    (
        "task_xiwanzhou_hollow",
        "溪湾周村空心村改造",
        "xiwanzhou",
        "tf_huachuan",
        "2019-10-08",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
    (
        "task_lidian_land",
        "李店片土地综合整治",
        "lidian_area",
        "tf_lidian",
        "2019-08-05",
        "2019-12-20",
        1,
        None,
        "filler",
    ),
    (
        "task_jinshantou_pv",
        "金山头村光伏发电项目",
        "jinshantou",
        "tf_jinshantou",
        "2019-09-01",
        "2019-12-31",
        1,
        None,
        "filler",
    ),
]
assert len(KEY_TASKS) == 33


def progress_series(start, last_date, final, n_min=3, n_max=6):
    """Increasing updates from shortly after start to last_date ending at final."""
    span = (last_date - start).days
    n = max(1, min(R.randint(n_min, n_max), span // 12))
    if n == 1:
        return [(last_date, final)]
    cuts = sorted(R.sample(range(6, span), n - 1))
    dates = [start + days(c) for c in cuts] + [last_date]
    pct = sorted(R.sample(range(3, final), n - 1)) + [final] if final > n else None
    if pct is None:
        pct = list(range(1, n)) + [final]
    return list(zip(dates, pct))


for tid, title, u, owner, start, deadline, w, plan, src in KEY_TASKS:
    claim(tid)
    add(
        "initiatives",
        src,
        id=tid,
        kind="key_task",
        programme="growth",
        title=title,
        unit=u,
        owner=owner,
        start=D(start),
        deadline=D(deadline),
        weight=w,
    )
    if plan is None:
        continue
    if isinstance(plan, list):
        series = [(D(a), b) for a, b in plan]
    else:
        final, last = plan if isinstance(plan, tuple) else (plan, None)
        last = D(last) if last else rand_date(D("2019-07-22"), AS_OF)
        series = progress_series(D(start), last, final)
    for d, pc in series:
        note = None
        if tid == "task_muchangjiang_housing" and d == D("2019-07-25"):
            note = "城西新区管委会会议室宣布农房改造工作再次启动"
        add("progress", "report" if note else "filler", initiative=tid, date=d, percent=pc, note=note)

# Projects and campaigns of "red leading".
PROJECTS = [
    (
        "proj_youcaotang_housing",
        "project",
        "油草塘村农房改造",
        "youcaotang",
        "youcaotang_branch",
        "2017-03-01",
        "2019-09-30",
        1,
        [
            ("2017-12-31", 30),
            ("2018-06-30", 55),
            ("2018-12-31", 78),
            ("2019-03-31", 88),
            ("2019-06-30", 93),
            ("2019-07-22", 95),
        ],
        "report",
    ),
    (
        "proj_youcaotang_park",
        "project",
        "油草塘村生态公园建设",
        "youcaotang",
        "youcaotang_branch",
        "2019-04-01",
        "2019-12-31",
        1,
        [("2019-04-30", 10), ("2019-05-31", 22), ("2019-06-30", 35), ("2019-07-26", 46)],
        "report",
    ),
    (
        "proj_ecommerce_town",
        "project",
        "电商物流小镇",
        "huachuan",
        "tf_ecommerce",
        "2018-03-01",
        "2023-12-31",
        3,
        [("2018-06-30", 2), ("2018-12-31", 6), ("2019-03-31", 9), ("2019-06-30", 13)],
        "report",
    ),
    (
        "proj_field_complex",
        "project",
        "上谢、油草塘、西田畈田园综合体",
        "huachuan_area",
        "nongjizhen_rc",
        "2018-09-01",
        "2020-12-31",
        2,
        [("2018-12-31", 10), ("2019-03-31", 20), ("2019-06-30", 32)],
        "report",
    ),
    (
        "proj_fanzhai_corners",
        "project",
        "范宅村街角小品和文化墙",
        "fanzhai",
        "fanzhai_branch",
        "2018-05-01",
        "2018-12-31",
        1,
        [("2018-06-30", 35), ("2018-08-31", 80), ("2018-10-31", 100)],
        "report",
    ),
    (
        "camp_wushui",
        "campaign",
        "五水共治",
        "chengxi",
        "chengxi_committee",
        "2019-01-01",
        "2019-12-31",
        1,
        [("2019-03-31", 25), ("2019-06-30", 52), ("2019-07-31", 60)],
        "report",
    ),
    (
        "camp_garbage",
        "campaign",
        "垃圾分类",
        "chengxi",
        "chengxi_committee",
        "2019-01-01",
        "2019-12-31",
        1,
        [("2019-03-31", 20), ("2019-06-30", 45), ("2019-07-31", 55)],
        "report",
    ),
    (
        "camp_environment",
        "campaign",
        "环境整治",
        "chengxi",
        "chengxi_committee",
        "2019-01-01",
        "2019-12-31",
        1,
        [("2019-03-31", 30), ("2019-06-30", 58), ("2019-07-31", 66)],
        "report",
    ),
    (
        "camp_danger_demolition",
        "campaign",
        "治危拆违",
        "chengxi",
        "chengxi_committee",
        "2019-01-01",
        "2019-12-31",
        1,
        [("2019-03-31", 28), ("2019-06-30", 60), ("2019-07-31", 68)],
        "report",
    ),
]
for pid, kind, title, u, owner, start, deadline, w, series, src in PROJECTS:
    claim(pid)
    add(
        "initiatives",
        src,
        id=pid,
        kind=kind,
        programme="leading",
        title=title,
        unit=u,
        owner=owner,
        start=D(start),
        deadline=D(deadline),
        weight=w,
    )
    for i, (d, pc) in enumerate(series):
        s = "report" if (pid == "proj_youcaotang_housing" and pc == 95) else "filler"
        note = "农房改造已完成近95%" if s == "report" else None
        add("progress", s, initiative=pid, date=D(d), percent=pc, note=note)

# ---------------------------------------------------------------------------------------------
# Roads: chiefs and patrols; workshops: instructors and visits
# ---------------------------------------------------------------------------------------------

ACTS = []


def act(src, kind, date, subject, people=None, note=None, id_=None):
    assert date <= AS_OF, (kind, date, subject)
    ACTS.append(dict(src=src, kind=kind, date=date, subject=subject, people=people or None, note=note, id=id_))


chief_pool = (
    [p for p in old_staff[11:] + young_staff[19:]]
    + [SECRETARY[f"{v}_branch"] for v in ("tangjing", "sikoufang", "lidian", "qiancang", "houshan", "lingtou")]
    + [SECRETARY[f"{e}_branch"] for e in XIZHOU_ABOVE[5:8]]
    + [SECRETARY[f"{e}_branch"] for e in MEITANG_ABOVE[8:11]]
)
R.shuffle(chief_pool)
CHIEF_ASSIGN = []  # (person, road, start, end)
ci = 0
for rid, rname, rparent, rlen, nchiefs in ROADS:
    if rid == "xizhou_road":
        CHIEF_ASSIGN.append((cty, rid, D("2019-04-01"), None))
        continue
    for k in range(nchiefs):
        p = chief_pool[ci % len(chief_pool)]
        ci += 1
        start = D("2019-03-15") if rlen >= 1500 else rand_date(D("2019-03-25"), D("2019-04-12"))
        if rid == "meitang_road":
            CHIEF_ASSIGN.append((p, rid, start, D("2019-06-10")))
            p2 = chief_pool[ci % len(chief_pool)]
            ci += 1
            CHIEF_ASSIGN.append((p2, rid, D("2019-06-24"), None))
        else:
            CHIEF_ASSIGN.append((p, rid, start, None))
for p, rid, start, end in CHIEF_ASSIGN:
    src = "report" if p == cty else "filler"
    role(src, p, "road_chief", rid, start, end, title="路长")

POOR_CHIEF_ROADS = {"tangli_road", "jinqiao_road"}
for p, rid, start, end in CHIEF_ASSIGN:
    last = end or AS_OF
    if p == cty:
        d = start
        while d <= last:
            act("filler", "patrol", d, rid, [p])
            d += days(R.choices([1, 2, 3], weights=[2, 5, 5])[0])
        if ACTS[-1]["date"] != AS_OF:
            act("filler", "patrol", AS_OF, rid, [p], note="巡查西周路沿线企业门前环境")
        continue
    d = start + days(R.randint(0, 1))
    poor = rid in POOR_CHIEF_ROADS
    while d <= last:
        act("filler", "patrol", d, rid, [p])
        if R.random() < (0.18 if poor else 0.03):
            gap = R.randint(4, 7)
        else:
            gap = R.choices([1, 2, 3], weights=[2, 5, 4])[0]
        d += days(gap)

# Instructors: roles on the 7 red workshops and on the 6 enterprises covered only by work.
for i, ((wid, e), since) in enumerate(zip(WORKSHOPS, WS_SINCE)):
    role("filler", INSTRUCTORS[i % 5], "instructor", wid, since, title="党建指导员")
INSTRUCTOR_SINCE = {}
for i, e in enumerate(INSTRUCTOR_ONLY):
    INSTRUCTOR_SINCE[e] = rand_date(D("2019-04-22"), D("2019-06-10"))
    role("filler", INSTRUCTORS[(i + 2) % 5], "instructor", e, INSTRUCTOR_SINCE[e], title="党建指导员")
MISSED_VISITS = {("xinduo_workshop", 4)} | {(WORKSHOPS[3][0], 6)}
for i, ((wid, e), since) in enumerate(zip(WORKSHOPS, WS_SINCE)):
    y, m = since.year, since.month
    while dt.date(y, m, 1) <= AS_OF:
        if not (y == 2019 and (wid, m) in MISSED_VISITS):
            lo = max(dt.date(y, m, 3), since)
            d = workday(lo, min(month_end(y, m) - days(2), AS_OF))
            act("filler", "instructor_visit", d, wid, [INSTRUCTORS[i % 5]], note="红色车间党建指导")
        y, m = (y + (m == 12), m % 12 + 1)
for i, e in enumerate(INSTRUCTOR_ONLY):
    act(
        "filler",
        "instructor_visit",
        workday(INSTRUCTOR_SINCE[e] + days(3), D("2019-07-26")),
        e,
        [INSTRUCTORS[(i + 2) % 5]],
        note="指导企业筹建党组织",
    )

# ---------------------------------------------------------------------------------------------
# Facts stated in the report
# ---------------------------------------------------------------------------------------------

act(
    "report",
    "onsite_meeting",
    D("2019-06-05"),
    "task_jinshantou_economy",
    [ye, tang] + TF_MEMBERS["tf_jinshantou"][1:],
    note="2+1结对帮扶精准扶贫现场办公会：叶建永带领金山头村攻坚党小组成员及帮扶企业在田间地头召开",
    id_="act_jinshantou_onsite",
)
act(
    "report",
    "work_meeting",
    D("2019-07-25"),
    "task_muchangjiang_housing",
    [zhu, hu] + TF_MEMBERS["tf_muchangjiang"][1:4],
    note="在城西新区管委会会议室宣布木长降村农房改造工作再次启动",
    id_="act_muchangjiang_restart",
)
act(
    "report",
    "oath_renewal",
    D("2019-07-01"),
    "chengxi_committee",
    None,
    note="新区党员七一重温入党誓词",
    id_="act_oath_renewal_0701",
)
act(
    "report",
    "commitment",
    D("2019-07-01"),
    "chengxi_committee",
    None,
    note="党员干部在承诺墙上签名",
    id_="act_commitment_wall",
)
act(
    "report",
    "work_meeting",
    D("2019-07-03"),
    "chengxi_committee",
    [ye, zhu] + LEADERS,
    note="攻坚点、促提升活动部署暨7月份工作例会",
    id_="act_july_work_meeting",
)
# 朱敏's group going door to door about the graves (dates generated).
for d in (
    "2019-06-12",
    "2019-06-19",
    "2019-06-27",
    "2019-07-04",
    "2019-07-11",
    "2019-07-18",
    "2019-07-24",
    "2019-07-30",
):
    act(
        "filler",
        "home_visit",
        D(d),
        "task_muchangjiang_graves",
        [zhu, hu, R.choice(TF_MEMBERS["tf_muchangjiang"][1:4])],
        note="上门沟通移坟政策处理",
    )
# 胡东升 goes to the village every week.
d = D("2019-03-04")
while d <= AS_OF:
    act("filler", "home_visit", min(d + days(R.randint(0, 4)), AS_OF), "muchangjiang", [hu], note="入村走访了解村情")
    d += days(7)
# 2+1 pairing visits in 金山头村.
for d in ("2019-04-16", "2019-05-21", "2019-06-18", "2019-07-16"):
    act("filler", "pairing_visit", D(d), "jinshantou", [tang], note="2+1结对帮扶")

# ---------------------------------------------------------------------------------------------
# 三会一课: branch activities in 2019, with attendance on organisation-life activities
# ---------------------------------------------------------------------------------------------

BRANCHES = [o for o, r in ORG.items() if r["kind"] in ("branch", "joint_branch")]
ROLE_HOLDERS = {r["person"] for r in ROWS["roles"]}
M_CUTOFF = D("2019-01-31")
RECORDING = []
for b in BRANCHES:
    kind_host = UNIT[ORG[b]["hosts"][0]]["kind"]
    if kind_host in ("village", "office", "workshop") or ORG[b]["kind"] == "joint_branch" or R.random() < 0.6:
        RECORDING.append(b)
eligible = [
    p
    for b in RECORDING
    if ORG[b]["established"] < YEAR_START
    for p in MEMBERS[b]
    if p not in ROLE_HOLDERS and PEOPLE[p]["joined"] and PEOPLE[p]["joined"] <= M_CUTOFF and p not in REPORT_PEOPLE
]
ABSENTEES = sorted(R.sample(eligible, 12))
WEAK_BRANCHES = set(R.sample(sorted(BRANCHES), 6))


def attendance(b, members=None):
    if b not in RECORDING:
        return None
    pool = members if members is not None else MEMBERS[b]
    out = []
    for p in pool:
        if p in ABSENTEES:
            continue
        j = PEOPLE[p]["joined"]
        if R.random() < 0.86:
            out.append(p)
    if SECRETARY.get(b) and SECRETARY[b] not in out and SECRETARY[b] in pool:
        out.insert(0, SECRETARY[b])
    return out


def months_from(est):
    out = []
    for m in range(1, 8):
        ms, me = dt.date(2019, m, 1), month_end(2019, m)
        if me < est:
            continue
        lo = max(ms, est)
        out.append((m, lo, min(me, AS_OF)))
    return out


for b in BRANCHES:
    est = ORG[b]["established"]
    miss = 0.35 if b in WEAK_BRANCHES else 0.06
    for m, lo, hi in months_from(est):
        partial = lo > dt.date(2019, m, 1)
        if partial and R.random() < 0.5:
            continue
        if R.random() > miss:
            act("filler", "committee_meeting", workday(lo, hi), b)
        if R.random() > miss:
            if m == 7 and lo <= D("2019-07-01") and R.random() < 0.5:
                dd, note = D("2019-07-01"), "七一主题党日"
            else:
                dd, note = workday(lo, hi), None
            act("filler", "theme_day", dd, b, attendance(b), note=note)
        if m in (3, 6) or (m == 7 and R.random() < 0.25):
            qlo = max(dt.date(2019, m - 2 if m in (3, 6) else 7, 1), est)
            for kind in ("member_assembly", "party_lesson"):
                if R.random() > miss + 0.04:
                    act("filler", kind, workday(qlo, hi), b, attendance(b))
    if UNIT[ORG[b]["hosts"][0]]["kind"] in ("village", "office"):
        act(
            "filler",
            "org_life_meeting",
            rand_date(D("2019-01-14"), D("2019-01-28")),
            b,
            attendance(b),
            note="2018年度组织生活会和民主评议党员",
        )

for gid, parent, gm in GROUPS:
    est = ORG[gid]["established"]
    for m, lo, hi in months_from(est):
        if lo > dt.date(2019, m, 1):
            continue
        if R.random() > 0.1:
            act("filler", "group_meeting", workday(lo, hi), gid, attendance(parent, gm))

# Everyone but the designed absentees appears at least once in (2019-01-31, 2019-07-31] in an
# org that records attendance: add the missing ones to that org's latest listed activity.
ORG_LIFE = ("member_assembly", "group_meeting", "party_lesson", "theme_day", "org_life_meeting")
LISTED, LAST_LISTED = {}, {}
for a in ACTS:
    if a["kind"] in ORG_LIFE and a["people"] and M_CUTOFF < a["date"] <= AS_OF:
        s = a["subject"]
        for t in [s] + ([ORG[s]["parent"]] if ORG[s]["kind"] == "group" else []):
            LISTED.setdefault(t, set()).update(a["people"])
        if ORG[s]["kind"] != "group" and (s not in LAST_LISTED or a["date"] >= LAST_LISTED[s]["date"]):
            LAST_LISTED[s] = a
for b in RECORDING:
    if b not in LAST_LISTED:
        continue
    for p in MEMBERS[b]:
        j = PEOPLE[p]["joined"]
        if p not in ABSENTEES and j and j <= M_CUTOFF and p not in LISTED[b]:
            LAST_LISTED[b]["people"].append(p)

# ---------------------------------------------------------------------------------------------
# Duties
# ---------------------------------------------------------------------------------------------

DUTIES = [
    ("road_patrol", "patrol", "role:road_chief", "3d", "report"),
    ("workshop_visit", "instructor_visit", "designation:red_workshop", "1m", "report"),
    ("branch_committee_meeting", "committee_meeting", "org:branch", "1m", "filler"),
    ("theme_day", "theme_day", "org:branch", "1m", "filler"),
    ("member_assembly", "member_assembly", "org:branch", "1q", "filler"),
    ("party_lesson", "party_lesson", "org:branch", "1q", "filler"),
    ("group_meeting", "group_meeting", "org:group", "1m", "filler"),
]
for did, a, ap, cad, src in DUTIES:
    add("duties", src, id=did, activity=a, applies_to=ap, cadence=cad, min_count=1)

# ---------------------------------------------------------------------------------------------
# Indicators, observations, targets
# ---------------------------------------------------------------------------------------------

INDICATORS = [
    ("lotus_area", "莲子种植面积", "亩", "sum", None, "report"),
    ("lotus_varieties", "莲子品种数", "种", "max", None, "report"),
    ("lotus_revenue_per_mu", "莲子亩均收入", "元/亩", "mean", None, "report"),
    ("lotus_revenue", "莲子种植收入", "元", "sum", "lotus_area * lotus_revenue_per_mu", "report"),
    ("population", "户籍人口", "人", "sum", None, "report"),
    ("migrants", "外来人口", "人", "sum", None, "report"),
    ("housing_renovation", "农房改造完成率", "%", "mean", None, "report"),
    ("planned_investment", "计划总投资", "元", "sum", None, "report"),
    ("completed_investment", "累计完成投资", "元", "sum", None, "filler"),
    ("collective_income", "村级集体经济收入", "元", "sum", None, "filler"),
]
for iid, name, measure, agg, formula, src in INDICATORS:
    add("indicators", src, id=iid, name=name, measure=measure, aggregate=agg, formula=formula)


def obs(src, ind, u, date, value, note=None):
    add("observations", src, indicator=ind, unit=u, date=D(date), value=value, note=note)


obs("filler", "lotus_area", "shangxie", "2018-07-10", 60)
obs("report", "lotus_area", "shangxie", "2019-07-12", 105, "百余亩莲子种植基地")
obs("report", "lotus_varieties", "shangxie", "2019-07-12", 82, "品种80余种")
obs("filler", "lotus_revenue_per_mu", "shangxie", "2018-10-15", 6200)
obs("report", "lotus_revenue_per_mu", "shangxie", "2019-07-12", 6500, "每亩六至七千元")
for v in VILLAGES:
    if v == "huachuan":
        obs("report", "population", v, "2018-12-31", 1620, "本村人口约1600多人")
        obs("report", "migrants", v, "2018-12-31", 9800, "外来人口近万人")
    else:
        obs("filler", "population", v, "2018-12-31", R.randrange(520, 2300, 10))
        if v in VNAME and UNIT[v]["parent"] == "huachuan_area":
            obs("filler", "migrants", v, "2018-12-31", R.randrange(150, 1600, 10))
    income = 65000 if v == "jinshantou" else R.randrange(150000, 1200000, 5000)
    if v == "huachuan":
        income = 2850000
    obs("filler", "collective_income", v, "2018-12-31", income)
obs("filler", "housing_renovation", "youcaotang", "2018-12-31", 78)
obs("filler", "housing_renovation", "youcaotang", "2019-06-30", 93)
obs("report", "housing_renovation", "youcaotang", "2019-07-22", 95, "农房改造已完成近95%")
obs("filler", "housing_renovation", "muchangjiang", "2019-07-25", 0, "搁置近十年后再次启动")
obs("report", "planned_investment", "huachuan", "2019-07-01", 5000000000, "电商物流小镇计划总投资50亿元")
obs("filler", "completed_investment", "huachuan", "2018-12-31", 360000000, "电商物流小镇")
obs("filler", "completed_investment", "huachuan", "2019-06-30", 820000000, "电商物流小镇")

add("targets", "report", metric="coverage.org", scope="chengxi", due=D("2019-12-31"), value=1)
# The report's next step (班子成员联企联党建): every enterprise linked to a leadership member.
add("targets", "report", metric="coverage.liaison", scope="chengxi", due=D("2019-12-31"), value=1)
add("targets", "report", metric="committees.two_new", scope="chengxi", due=D("2019-12-31"), value=2, baseline=0)
add("targets", "report", metric="tasks.completed", scope="chengxi", due=D("2019-12-31"), value=1)
add("targets", "filler", metric="lotus_revenue", scope="shangxie", due=D("2019-12-31"), value=700000)

# ---------------------------------------------------------------------------------------------
# Statistics and attendance (docs/STATS.md): workplaces, employees, attendance counts, the
# member assembly's quorum and one exemption. Drawn from a generator of their own, after
# everything else, so that the rows above do not move.
# ---------------------------------------------------------------------------------------------

R2 = random.Random(2026)


def enterprise_of(u):
    """The enterprise a unit is or belongs to (a workshop's enterprise), else None."""
    while u is not None:
        if UNIT[u]["kind"] == "enterprise":
            return u
        u = UNIT[u].get("parent")
    return None


for u in UNIT.values():
    if u["kind"] == "enterprise" and u.get("above_scale"):
        u["employees"] = R2.randrange(60, 1500)
# Members work where their branch is: an enterprise's own orgs, or one of a joint branch's
# hosts (dealt round the hosts in turn).
for o in ORG.values():
    if o["kind"] not in ("committee", "general_branch", "branch", "joint_branch", "group"):
        continue
    ents = [e for e in (enterprise_of(h) for h in o["hosts"]) if e]
    if not ents:
        continue
    mem = [p for p in PEOPLE.values() if p.get("org") == o["id"]]
    for i, p in enumerate(mem):
        p["workplace"] = ents[0] if len(ents) == 1 else ents[i % len(ents)]
# Some enterprises without a party organisation have members working there, whose
# membership sits in a village branch: one with 3 formal members (应建尚未建立), three with
# one or two.
COVERED = set()
for o in ORG.values():
    if o["kind"] in ("committee", "general_branch", "branch", "joint_branch") and o["established"] <= AS_OF:
        COVERED.update(o["hosts"])
UNCOVERED = [
    u["id"] for u in UNIT.values() if u["kind"] == "enterprise" and u.get("above_scale") and u["id"] not in COVERED
]
VILLAGE_MEMBERS = [
    p
    for p in PEOPLE.values()
    if p.get("org")
    and UNIT[ORG[p["org"]]["hosts"][0]]["kind"] == "village"
    and p.get("confirmed")
    and not p.get("workplace")
    and p["id"] not in REPORT_PEOPLE
]
R2.shuffle(VILLAGE_MEMBERS)
for e, n in zip(UNCOVERED[:4], (3, 1, 2, 1)):
    for _ in range(n):
        VILLAGE_MEMBERS.pop()["workplace"] = e


# Attendance: every member assembly records how many were expected (the branch's members on
# the day) and, where no names are listed, how many came; a few fall short of the quorum.
def members_on(o, d):
    return sum(1 for p in PEOPLE.values() if p.get("org") == o and p.get("joined") and p["joined"] <= d)


for a in ACTS:
    if a["kind"] != "member_assembly":
        continue
    exp = max(members_on(a["subject"], a["date"]), len(a["people"] or []))
    a["expected"] = exp
    if not a["people"]:
        a["attended"] = exp // 2 if R2.random() < 0.12 else max(exp // 2 + 1, round(exp * R2.uniform(0.6, 1.0)))
for d in ROWS["duties"]:
    if d["id"] == "member_assembly":
        d["quorum"] = 0.5
# One branch is excused from its member assembly for the second quarter (不召开党员大会支部):
# the first branch established before 2019 that held none then.
Q2 = (D("2019-04-01"), D("2019-06-30"))
HELD_Q2 = {a["subject"] for a in ACTS if a["kind"] == "member_assembly" and Q2[0] <= a["date"] <= Q2[1]}
EXEMPT = next(
    b for b in BRANCHES if ORG[b]["kind"] == "branch" and ORG[b]["established"] < YEAR_START and b not in HELD_Q2
)
add(
    "exemptions",
    "filler",
    duty="member_assembly",
    subject=EXEMPT,
    **{"from": Q2[0], "to": Q2[1]},
    reason="支部班子调整，经党委同意本季度不召开党员大会",
)

# ---------------------------------------------------------------------------------------------
# Write
# ---------------------------------------------------------------------------------------------

ACTS.sort(key=lambda a: (a["date"], a["kind"], a["subject"]))
n = 0
for a in ACTS:
    if a["id"] is None:
        n += 1
        a["id"] = f"act_{n:05d}"
    add(
        "activities",
        a["src"],
        id=a["id"],
        kind=a["kind"],
        date=a["date"],
        subject=a["subject"],
        people=a["people"],
        expected=a.get("expected"),
        attended=a.get("attended"),
        note=a["note"],
    )

os.makedirs(OUT, exist_ok=True)
for table, cols in COLUMNS.items():
    path = os.path.join(OUT, f"{table}.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols + ["x_source"])
        for row in ROWS[table]:
            w.writerow([fmt(row.get(c)) for c in cols + ["x_source"]])
if __name__ == "__main__":
    print("wrote", OUT, {t: len(r) for t, r in ROWS.items()})
