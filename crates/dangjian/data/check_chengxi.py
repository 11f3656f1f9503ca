#!/usr/bin/env python3
"""Self-check of the embedded 城西新区 example ledger (stdlib only).

    python3 crates/dangjian/data/check_chengxi.py [--figures]

Checks the validation rules of docs/LEDGER.md (errors and warnings) and the facts of docs/DOMAIN.md's
table as README.md states them, then prints the designed figures.  The metric figures are an
independent re-computation following docs/METRICS.md; the Rust library is authoritative.
Exit status 1 when a check fails.
"""

import csv
import datetime as dt
import os
import re
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "chengxi")
AS_OF = dt.date(2019, 7, 31)
FROM = dt.date(2019, 1, 1)

COLUMNS = {
    "units": ["id", "kind", "name", "parent", "above_scale", "length_m", "since", "until", "tags", "employees"],
    "designations": ["unit", "designation", "since", "until"],
    "orgs": ["id", "kind", "name", "hosts", "parent", "established", "dissolved"],
    "elections": ["org", "date", "note"],
    "people": ["id", "name", "birth_date", "org", "joined", "confirmed", "workplace"],
    "roles": ["person", "role", "target", "start", "end"],
    "initiatives": ["id", "kind", "programme", "title", "unit", "owner", "start", "deadline", "weight"],
    "progress": ["initiative", "date", "percent", "note"],
    "activities": ["id", "kind", "date", "subject", "people", "note", "expected", "attended"],
    "duties": ["id", "activity", "applies_to", "cadence", "min_count", "from", "to", "quorum"],
    "indicators": ["id", "name", "measure", "aggregate", "formula"],
    "observations": ["indicator", "unit", "date", "value", "note"],
    "targets": ["metric", "scope", "due", "value", "baseline"],
    "exemptions": ["duty", "subject", "from", "to", "reason"],
}
REQUIRED = {
    "units": ["id", "kind", "name"],
    "designations": ["unit", "designation", "since"],
    "orgs": ["id", "kind", "name", "hosts", "established"],
    "elections": ["org", "date"],
    "people": ["id", "name"],
    "roles": ["person", "role", "target", "start"],
    "initiatives": ["id", "kind", "programme", "title", "deadline"],
    "progress": ["initiative", "date", "percent"],
    "activities": ["kind", "date", "subject"],
    "duties": ["id", "activity", "applies_to", "cadence"],
    "indicators": ["id", "name"],
    "observations": ["indicator", "unit", "date", "value"],
    "targets": ["metric", "due", "value"],
    "exemptions": ["duty", "subject", "from"],
}
DATE_COLS = {
    "units": ["since", "until"],
    "designations": ["since", "until"],
    "orgs": ["established", "dissolved"],
    "elections": ["date"],
    "people": ["birth_date", "joined", "confirmed"],
    "roles": ["start", "end"],
    "initiatives": ["start", "deadline"],
    "progress": ["date"],
    "activities": ["date"],
    "duties": ["from", "to"],
    "observations": ["date"],
    "targets": ["due"],
    "exemptions": ["from", "to"],
}
FUTURE_OK = {("initiatives", "start"), ("initiatives", "deadline"), ("targets", "due")}
UNIT_KINDS = {"district", "area", "village", "block", "enterprise", "workshop", "road", "office"}
ORG_KINDS = {
    "committee",
    "general_branch",
    "branch",
    "joint_branch",
    "group",
    "task_force",
    "regional_committee",
    "two_new_committee",
}
ROLES = {
    "secretary",
    "first_secretary",
    "liaison_cadre",
    "leadership",
    "staff",
    "leader",
    "member",
    "shock_team",
    "road_chief",
    "instructor",
    "enterprise_liaison",
    "party_delegate",
    "npc_deputy",
    "cppcc_member",
    "villager_rep",
}
CADRE_ROLES = {
    "secretary",
    "first_secretary",
    "liaison_cadre",
    "leadership",
    "enterprise_liaison",
    "staff",
    "leader",
    "shock_team",
}
PROGRAMMES = {"growth", "leading", "coverage"}
INIT_KINDS = {"key_task", "project", "campaign"}
ORG_LIFE = {"member_assembly", "group_meeting", "party_lesson", "theme_day", "org_life_meeting"}

FAILS = []


def check(cond, msg):
    if not cond:
        FAILS.append(msg)
    return cond


def D(s):
    return dt.date.fromisoformat(s) if s else None


def load():
    T = {}
    for t, cols in COLUMNS.items():
        path = os.path.join(DIR, f"{t}.csv")
        raw = open(path, "rb").read()
        check(not raw.startswith(b"\xef\xbb\xbf"), f"{t}: BOM present")
        with open(path, encoding="utf-8", newline="") as f:
            rd = csv.reader(f)
            header = next(rd)
            rows = [dict(zip(header, r)) for r in rd]
            for i, r in enumerate(rows):
                check(len(r) == len(header), f"{t}:{i + 2}: wrong cell count")
        check(header[-1] == "x_source", f"{t}: last column is {header[-1]}, not x_source")
        for c in header:
            check(c in cols or c.startswith("x_"), f"{t}: unknown column {c}")
        for c in REQUIRED[t]:
            check(c in header, f"{t}: missing required column {c}")
        for i, r in enumerate(rows):
            line = i + 2
            check(r["x_source"] in ("report", "filler"), f"{t}:{line}: x_source {r['x_source']!r}")
            for c in REQUIRED[t]:
                check(r.get(c, "") != "", f"{t}:{line}: empty required {c}")
            for c in DATE_COLS.get(t, []):
                v = r.get(c, "")
                if v:
                    if not check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v), f"{t}:{line}: bad date {c}={v}"):
                        continue
                    try:
                        d = D(v)
                    except ValueError:
                        check(False, f"{t}:{line}: bad date {c}={v}")
                        continue
                    if (t, c) not in FUTURE_OK:
                        check(d <= AS_OF, f"{t}:{line}: {c} {v} after {AS_OF}")
            for c, v in r.items():
                check(v == v.strip() and "\n" not in v, f"{t}:{line}: whitespace in {c}")
        T[t] = rows
    return T


def lst(v):
    return [x for x in v.split(";") if x] if v else []


def num(v):
    check(re.fullmatch(r"-?\d+(\.\d+)?", v) is not None, f"bad number {v!r}")
    return float(v)


def active(start, end, d):
    return (start is None or start <= d) and (end is None or d <= end)


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def add_years(d, n):
    try:
        return d.replace(year=d.year + n)
    except ValueError:
        return d.replace(year=d.year + n, day=28)


def age(b, on):
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def main():
    T = load()
    U = {r["id"]: r for r in T["units"]}
    O = {r["id"]: r for r in T["orgs"]}
    P = {r["id"]: r for r in T["people"]}
    I = {r["id"]: r for r in T["initiatives"]}

    # ---- ids ------------------------------------------------------------------------------
    all_ids = [r["id"] for t in ("units", "orgs", "people", "initiatives") for r in T[t]]
    dup = [k for k, n in Counter(all_ids).items() if n > 1]
    check(not dup, f"duplicate ids: {dup}")
    ANY = set(all_ids)
    for i in all_ids:
        check(re.fullmatch(r"[a-z0-9_]+", i) is not None, f"id not readable ASCII: {i}")
    act_ids = [r["id"] for r in T["activities"] if r["id"]]
    check(len(act_ids) == len(set(act_ids)), "duplicate activity ids")
    check(not (set(act_ids) & ANY), "activity ids clash with entity ids")

    # ---- vocabularies and references -------------------------------------------------------
    for r in T["units"]:
        check(r["kind"] in UNIT_KINDS, f"unit kind {r['kind']}")
        if r["id"] == "chengxi":
            check(r["parent"] == "" and r["kind"] == "district" and r["name"] == "城西新区", "root unit")
        else:
            check(r["parent"] in U, f"unit {r['id']} parent {r['parent']}")
        check(r["above_scale"] in ("", "true", "false"), f"bool {r['above_scale']}")
        if r["length_m"]:
            num(r["length_m"])
        if r["since"] and r["until"]:
            check(D(r["until"]) >= D(r["since"]), f"unit {r['id']} until<since")
    for r in T["designations"]:
        check(r["unit"] in U, f"designation unit {r['unit']}")
        if r["until"]:
            check(D(r["until"]) >= D(r["since"]), "designation until<since")
    for r in T["orgs"]:
        check(r["kind"] in ORG_KINDS, f"org kind {r['kind']}")
        hs = lst(r["hosts"])
        check(hs and all(h in U for h in hs), f"org {r['id']} hosts {hs}")
        check(len(hs) == len(set(hs)), f"org {r['id']} duplicate host")
        check(r["parent"] == "" or r["parent"] in O, f"org {r['id']} parent")
        if r["dissolved"]:
            check(D(r["dissolved"]) >= D(r["established"]), "dissolved<established")
    for r in T["elections"]:
        check(r["org"] in O, f"election org {r['org']}")
        if r["org"] in O:
            check(D(r["date"]) >= D(O[r["org"]]["established"]), f"election before established {r['org']}")
    for r in T["people"]:
        check(r["org"] == "" or r["org"] in O, f"person {r['id']} org")
        if r["confirmed"]:
            check(r["joined"] != "" and D(r["confirmed"]) >= D(r["joined"]), f"confirmed<joined {r['id']}")
        if r["joined"] and r["birth_date"]:
            check(age(D(r["birth_date"]), D(r["joined"])) >= 18, f"joined under 18 {r['id']}")
    for r in T["roles"]:
        check(r["person"] in P, f"role person {r['person']}")
        check(r["role"] in ROLES, f"role {r['role']}")
        check(r["target"] in ANY, f"role target {r['target']}")
        if r["end"]:
            check(D(r["end"]) >= D(r["start"]), "role end<start")
    for r in T["initiatives"]:
        check(r["kind"] in INIT_KINDS and r["programme"] in PROGRAMMES, f"initiative {r['id']} kind/programme")
        check(r["unit"] == "" or r["unit"] in U, f"initiative unit {r['unit']}")
        check(r["owner"] == "" or r["owner"] in O, f"initiative owner {r['owner']}")
        if r["start"]:
            check(D(r["deadline"]) >= D(r["start"]), f"deadline<start {r['id']}")
        if r["weight"]:
            check(num(r["weight"]) > 0, "weight")
    prog = defaultdict(list)
    for r in T["progress"]:
        check(r["initiative"] in I, f"progress initiative {r['initiative']}")
        pc = num(r["percent"])
        check(0 <= pc <= 100, "percent range")
        prog[r["initiative"]].append((D(r["date"]), pc))
    for k, ups in prog.items():
        ds = [d for d, _ in ups]
        check(len(ds) == len(set(ds)), f"two progress updates one day: {k}")
        ups.sort()
        check(all(a[1] <= b[1] for a, b in zip(ups, ups[1:])), f"progress decreases: {k}")
    for r in T["activities"]:
        check(r["subject"] in ANY, f"activity subject {r['subject']}")
        for p in lst(r["people"]):
            check(p in P, f"activity person {p}")
        check(len(lst(r["people"])) == len(set(lst(r["people"]))), f"activity {r['id']} repeats a person")
    for r in T["duties"]:
        m = re.fullmatch(r"(role|unit|org|designation):(.+)", r["applies_to"])
        check(m is not None, f"applies_to {r['applies_to']}")
        if m:
            k, v = m.groups()
            check(
                k == "designation" or v in {"role": ROLES, "unit": UNIT_KINDS, "org": ORG_KINDS}[k],
                f"applies_to {r['applies_to']}",
            )
        check(re.fullmatch(r"[1-9]\d*d|1w|1m|1q|6m|1y", r["cadence"]) is not None, f"cadence {r['cadence']}")
        if r["min_count"]:
            check(re.fullmatch(r"[1-9]\d*", r["min_count"]) is not None, "min_count")
        if r["quorum"]:
            check(0 < float(r["quorum"]) <= 1, f"quorum {r['quorum']}")
            unrecorded = [
                a
                for a in T["activities"]
                if a["kind"] == r["activity"] and (not a["expected"] or not (a["attended"] or a["people"]))
            ]
            check(not unrecorded, f"duty {r['id']}: {len(unrecorded)} activities without attendance (warning)")
    for r in T["units"]:
        if r["employees"]:
            check(re.fullmatch(r"\d+", r["employees"]) is not None, f"employees {r['employees']}")
    for r in T["people"]:
        if r["workplace"]:
            check(r["workplace"] in U, f"workplace {r['workplace']}")
    for r in T["activities"]:
        for c in ("expected", "attended"):
            if r[c]:
                check(re.fullmatch(r"\d+", r[c]) is not None, f"activity {r['id']} {c} {r[c]}")
        if r["expected"] and r["attended"]:
            check(int(r["attended"]) <= int(r["expected"]), f"activity {r['id']} attended > expected (warning)")
    for r in T["exemptions"]:
        check(r["duty"] in {d["id"] for d in T["duties"]}, f"exemption duty {r['duty']}")
        check(r["subject"] in U or r["subject"] in O, f"exemption subject {r['subject']}")
        check(not r["to"] or D(r["to"]) >= D(r["from"]), "exemption to before from")
    IND = {r["id"]: r for r in T["indicators"]}
    for r in T["indicators"]:
        check(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", r["id"]) is not None, f"indicator id {r['id']}")
        check(r["aggregate"] in ("", "sum", "mean", "min", "max"), "aggregate")
        if r["formula"]:
            toks = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[-+*/()]|\S", r["formula"])
            for tk in toks:
                if re.fullmatch(r"[A-Za-z_]\w*", tk):
                    check(tk in IND and not IND[tk]["formula"], f"formula operand {tk}")
                else:
                    check(re.fullmatch(r"\d+(\.\d+)?|[-+*/()]", tk) is not None, f"formula token {tk}")
    seen = set()
    for r in T["observations"]:
        check(r["indicator"] in IND and not IND[r["indicator"]]["formula"], f"observation indicator {r['indicator']}")
        check(r["unit"] in U, f"observation unit {r['unit']}")
        num(r["value"])
        k = (r["indicator"], r["unit"], r["date"])
        check(k not in seen, f"two observations {k}")
        seen.add(k)
    seen = set()
    for r in T["targets"]:
        check(r["scope"] == "" or r["scope"] in U, "target scope")
        num(r["value"])
        k = (r["metric"], r["scope"] or "chengxi", r["due"])
        check(k not in seen, f"two targets {k}")
        seen.add(k)

    # ---- cycles ----------------------------------------------------------------------------
    for table, M in (("units", U), ("orgs", O)):
        for start in M:
            seen, x = set(), start
            while x:
                if not check(x not in seen, f"{table} parent cycle at {start}"):
                    break
                seen.add(x)
                x = M[x]["parent"] if x in M else ""

    # ---- warnings: branch sizes, joint hosts, latest date ----------------------------------
    members = defaultdict(list)
    for r in T["people"]:
        if r["org"]:
            members[r["org"]].append(r)
    for o in O.values():
        if o["kind"] in ("branch", "joint_branch") and active(D(o["established"]), D(o["dissolved"]), AS_OF):
            formal = [p for p in members[o["id"]] if p["confirmed"] and D(p["confirmed"]) <= AS_OF]
            check(len(formal) >= 3, f"branch {o['id']} has {len(formal)} formal members")
            check(len(members[o["id"]]) <= 50, f"branch {o['id']} has >50 members")
            if o["kind"] == "joint_branch":
                check(2 <= len(lst(o["hosts"])) <= 5, f"joint branch {o['id']} hosts")
    latest = max(D(r["date"]) for t in ("progress", "activities", "observations") for r in T[t])
    check(latest == AS_OF, f"latest dated record {latest}, want {AS_OF}")

    # ---- helpers ---------------------------------------------------------------------------
    children = defaultdict(list)
    for u in U.values():
        if u["parent"]:
            children[u["parent"]].append(u["id"])

    def subtree(u):
        out, st = [], [u]
        while st:
            x = st.pop()
            out.append(x)
            st.extend(children[x])
        return out

    roles = T["roles"]
    act = T["activities"]
    role_on = lambda r, d: active(D(r["start"]), D(r["end"]), d)
    des = T["designations"]

    # ---- facts -----------------------------------------------------------------------------
    kt = [r for r in T["initiatives"] if r["kind"] == "key_task"]
    check(len(kt) == 33, f"{len(kt)} key tasks")
    check(all(r["programme"] == "growth" for r in kt), "key task programme")
    started = [r for r in kt if D(r["start"]) <= AS_OF]
    check(len(started) == 25, f"{len(started)} started key tasks")
    for r in kt:
        check(D(r["deadline"]) <= dt.date(2019, 12, 31), f"deadline {r['id']}")
        check(O[r["owner"]]["kind"] == "task_force", f"owner of {r['id']}")
        if D(r["start"]) > AS_OF:
            check(dt.date(2019, 8, 1) <= D(r["start"]) <= dt.date(2019, 10, 31), f"future start {r['id']}")
            check(r["id"] not in prog, f"future task with progress {r['id']}")
    check(I["task_muchangjiang_housing"]["start"] == "2019-07-25", "muchangjiang housing start")
    tf = I["task_muchangjiang_housing"]["owner"]
    check(any(r["person"] == "p_zhumin" and r["role"] == "leader" and r["target"] == tf for r in roles), "朱敏 leads")
    check(
        any(r["person"] == "p_zhumin" and r["role"] == "leadership" and r["target"] == "chengxi" for r in roles),
        "朱敏 leadership",
    )
    check(I["task_muchangjiang_graves"]["unit"] == "muchangjiang", "graves unit")
    check(I["task_jinshantou_economy"]["unit"] == "jinshantou", "jinshantou task")
    om = [a for a in act if a["kind"] == "onsite_meeting" and a["subject"] in ("task_jinshantou_economy", "jinshantou")]
    check(
        len(om) == 1 and om[0]["date"].startswith("2019-06-0") and "p_yejianyong" in lst(om[0]["people"]),
        "onsite meeting",
    )
    check(
        any(
            r["person"] == "p_tangwei" and r["role"] == "first_secretary" and r["target"] == "jinshantou" for r in roles
        ),
        "唐伟",
    )
    hu = [
        r
        for r in roles
        if r["person"] == "p_hudongsheng" and r["role"] == "liaison_cadre" and r["target"] == "muchangjiang"
    ]
    check(
        len(hu) == 1 and hu[0]["start"].startswith("2019") and age(D(P["p_hudongsheng"]["birth_date"]), AS_OF) <= 35,
        "胡东升",
    )
    check(
        any(r["person"] == "p_yejianyong" and r["role"] == "leadership" and r["target"] == "chengxi" for r in roles),
        "叶建永 leadership",
    )
    check(
        any(
            r["person"] == "p_yejianyong" and r["role"] == "secretary" and r["target"] == "chengxi_committee"
            for r in roles
        ),
        "叶建永 secretary",
    )

    ents = [u for u in U.values() if u["kind"] == "enterprise"]
    above = [u["id"] for u in ents if u["above_scale"] == "true"]
    check(len(above) == 98, f"{len(above)} above-scale enterprises")
    check(
        O["duodeshi_branch"]["kind"] == "branch"
        and O["duodeshi_branch"]["established"] == "2019-07-09"
        and "duodeshi" in above,
        "多德士",
    )
    check(
        any(
            r["person"] == "p_mawenwei" and r["role"] == "secretary" and r["target"] == "duodeshi_branch" for r in roles
        ),
        "麻文卫",
    )
    check(O["xinduo_committee"]["kind"] == "committee" and "xinduo" in above, "新多 committee")
    check(
        any(
            r["person"] == "p_huheping" and r["role"] == "secretary" and r["target"] == "xinduo_committee"
            for r in roles
        ),
        "胡和平",
    )
    check(U["xinduo_workshop"]["parent"] == "xinduo" and U["xinduo_workshop"]["kind"] == "workshop", "新多 workshop")
    check(
        10 <= len(members["xinduo_workshop_branch"]) <= 19
        and lst(O["xinduo_workshop_branch"]["hosts"]) == ["xinduo_workshop"],
        "新多 workshop branch size",
    )
    red = sorted(
        {r["unit"] for r in des if r["designation"] == "red_workshop" and active(D(r["since"]), D(r["until"]), AS_OF)}
    )
    check(
        len(red) == 7 and all(U[w]["kind"] == "workshop" and U[U[w]["parent"]]["kind"] == "enterprise" for w in red),
        f"red workshops {red}",
    )
    DU = {r["id"]: r for r in T["duties"]}
    check(
        DU["workshop_visit"]["activity"] == "instructor_visit"
        and DU["workshop_visit"]["applies_to"] == "designation:red_workshop"
        and DU["workshop_visit"]["cadence"] == "1m",
        "workshop duty",
    )
    check(
        DU["road_patrol"]["activity"] == "patrol"
        and DU["road_patrol"]["applies_to"] == "role:road_chief"
        and DU["road_patrol"]["cadence"] == "3d",
        "patrol duty",
    )
    expected_duties = {
        "branch_committee_meeting": ("committee_meeting", "org:branch", "1m"),
        "theme_day": ("theme_day", "org:branch", "1m"),
        "member_assembly": ("member_assembly", "org:branch", "1q"),
        "party_lesson": ("party_lesson", "org:branch", "1q"),
        "group_meeting": ("group_meeting", "org:group", "1m"),
    }
    for k, v in expected_duties.items():
        check(k in DU and (DU[k]["activity"], DU[k]["applies_to"], DU[k]["cadence"]) == v, f"duty {k}")
    blocks = [u["id"] for u in U.values() if u["kind"] == "block"]
    check(sorted(blocks) == ["huachuan_block", "meitang_block"], "blocks")
    TG = {(r["metric"], r["scope"]): r for r in T["targets"]}
    check(
        ("committees.two_new", "chengxi") in TG
        and TG[("committees.two_new", "chengxi")]["value"] == "2"
        and TG[("committees.two_new", "chengxi")]["due"] == "2019-12-31",
        "two_new target",
    )
    check(
        ("coverage.org", "chengxi") in TG
        and TG[("coverage.org", "chengxi")]["value"] == "1"
        and TG[("coverage.org", "chengxi")]["due"] == "2019-12-31",
        "coverage target",
    )
    # DOMAIN.md, enterprise liaison: the next step, not done yet; every enterprise linked by year end.
    check(not any(r["role"] == "enterprise_liaison" for r in T["roles"]), "no enterprise liaison yet")
    check(
        ("coverage.liaison", "chengxi") in TG
        and TG[("coverage.liaison", "chengxi")]["value"] == "1"
        and TG[("coverage.liaison", "chengxi")]["due"] == "2019-12-31",
        "liaison target",
    )
    roads = [u["id"] for u in U.values() if u["kind"] == "road"]
    check(25 <= len(roads) <= 40, f"{len(roads)} roads")
    check(U["xizhou_road"]["length_m"] == "400", "xizhou length")
    xz = [u for u in ents if u["parent"] == "xizhou_road"]
    check(len(xz) == 17, f"{len(xz)} enterprises on xizhou_road")
    check(
        D(P["p_chentianyun"]["birth_date"]).year == 1953 and age(D(P["p_chentianyun"]["birth_date"]), AS_OF) == 66,
        "陈天云 age",
    )
    cr = [r for r in roles if r["person"] == "p_chentianyun" and r["role"] == "road_chief"]
    check(
        len(cr) == 1 and cr[0]["target"] == "xizhou_road" and cr[0]["start"] == "2019-04-01" and cr[0]["end"] == "",
        "陈天云 chief",
    )
    check(any(r["person"] == "p_chentianyun" and r["role"] == "party_delegate" for r in roles), "陈天云 delegate")
    pd = sorted(
        D(a["date"])
        for a in act
        if a["kind"] == "patrol" and a["subject"] == "xizhou_road" and "p_chentianyun" in lst(a["people"])
    )
    check(pd and pd[0] == dt.date(2019, 4, 1) and pd[-1] >= dt.date(2019, 7, 29), "陈天云 patrol span")
    gaps = [(b - a).days for a, b in zip(pd, pd[1:])]
    check(max(gaps) <= 3, f"陈天云 max gap {max(gaps)}")
    hv = [u["id"] for u in U.values() if u["parent"] == "huachuan_area" and u["kind"] == "village"]
    check(
        sorted(U[v]["name"] for v in hv)
        == sorted(
            [
                "花川村",
                "上谢村",
                "油草塘村",
                "塘景村",
                "寺口方村",
                "叶儿坑村",
                "应益村",
                "木长降村",
                "西田畈村",
                "溪湾周村",
            ]
        ),
        "花川片 villages",
    )
    for v in hv:
        check(any(r["unit"] == v and r["designation"] == "beautiful_circle" for r in des), f"circle {v}")
    rc = O["nongjizhen_rc"]
    check(
        rc["kind"] == "regional_committee"
        and rc["established"] == "2018-06-30"
        and sorted(lst(rc["hosts"])) == sorted(hv),
        "regional committee",
    )
    lv = [u["id"] for u in U.values() if u["parent"] == "lidian_area" and u["kind"] == "village"]
    check(
        "fanzhai" in lv and all(any(r["unit"] == v and r["designation"] == "beautiful_line" for r in des) for v in lv),
        "李店片 line",
    )
    check(
        any(
            r["person"] == "p_fanchaoxiong" and r["role"] == "secretary" and r["target"] == "fanzhai_branch"
            for r in roles
        ),
        "范超雄",
    )
    check(
        any(
            r["person"] == "p_xietingshu" and r["role"] == "secretary" and r["target"] == "shangxie_branch"
            for r in roles
        ),
        "谢庭树",
    )
    check(
        any(
            r["person"] == "p_yaoshula" and r["role"] == "secretary" and r["target"] == "huachuan_branch" for r in roles
        ),
        "姚舒拉",
    )
    check(IND["lotus_revenue"]["formula"].replace(" ", "") == "lotus_area*lotus_revenue_per_mu", "lotus formula")
    fc = sorted(r["unit"] for r in des if r["designation"] == "field_complex")
    check(fc == ["shangxie", "xitianfan", "youcaotang"], "field complex")
    yp = sorted(prog["proj_youcaotang_housing"])
    check(yp[-1][1] == 95 and I["proj_youcaotang_housing"]["kind"] == "project", "油草塘 95")
    obs = T["observations"]

    def latest_obs(ind, u):
        xs = sorted(
            (D(r["date"]), float(r["value"]))
            for r in obs
            if r["indicator"] == ind and r["unit"] == u and D(r["date"]) <= AS_OF
        )
        return xs[-1][1] if xs else None

    check(latest_obs("planned_investment", "huachuan") == 5e9, "planned investment")
    check(1500 <= latest_obs("population", "huachuan") <= 1700, "population")
    check(9000 <= latest_obs("migrants", "huachuan") <= 10000, "migrants")
    camps = sorted(r["title"] for r in T["initiatives"] if r["kind"] == "campaign")
    check(camps == sorted(["五水共治", "垃圾分类", "环境整治", "治危拆违"]), f"campaigns {camps}")

    # ---- figures (docs/METRICS.md) --------------------------------------------------------------
    F = {}
    org_active = lambda o, d=AS_OF: active(D(o["established"]), D(o["dissolved"]), d)
    COVER = {"committee", "general_branch", "branch", "joint_branch"}
    org_cov, own_cov, work_cov, joint_only, instr_only, nothing = [], [], [], [], [], []
    for e in above:
        hosted = [o for o in O.values() if e in lst(o["hosts"]) and org_active(o)]
        oc = any(o["kind"] in COVER for o in hosted)
        own = any(o["kind"] in COVER - {"joint_branch"} and lst(o["hosts"]) == [e] for o in hosted)
        targets = {e} | {o["id"] for o in hosted}
        ins = any(r["role"] == "instructor" and r["target"] in targets and role_on(r, AS_OF) for r in roles)
        if oc:
            org_cov.append(e)
        if own:
            own_cov.append(e)
        if oc or ins:
            work_cov.append(e)
        if oc and not own:
            joint_only.append(e)
        if ins and not oc:
            instr_only.append(e)
        if not oc and not ins:
            nothing.append(e)
    F["coverage.org"] = (len(org_cov), 98)
    F["coverage.own_org"] = (len(own_cov), 98)
    F["coverage.work"] = (len(work_cov), 98)
    linked = [
        e
        for e in above
        if any(
            r["role"] == "enterprise_liaison"
            and role_on(r, AS_OF)
            and (r["target"] == e or (r["target"] in O and e in lst(O[r["target"]]["hosts"])))
            for r in roles
        )
    ]
    F["coverage.liaison"] = (len(linked), 98)
    F["enterprises joint-branch only / instructor only / nothing"] = (len(joint_only), len(instr_only), len(nothing))
    F["joint-branch-only enterprises"] = sorted(joint_only)
    F["instructor-only enterprises"] = sorted(instr_only)
    F["uncovered enterprises"] = sorted(nothing)
    F["above-scale enterprises per parent"] = dict(
        Counter(U[e]["parent"] if U[U[e]["parent"]]["kind"] != "village" else "(villages)" for e in above)
    )
    new2019 = sorted(o["id"] for o in O.values() if o["established"] >= "2019-01-01" and o["kind"] in COVER)
    F["coverage orgs established in 2019"] = new2019
    F["workshops.red"] = len(red)
    F["committees.two_new"] = sum(1 for o in O.values() if o["kind"] == "two_new_committee" and org_active(o))
    # roads
    chief_roles = [r for r in roles if r["role"] == "road_chief"]
    covered = [u for u in roads if any(r["target"] == u and role_on(r, AS_OF) for r in chief_roles)]
    F["roads"] = len(roads)
    F["roads.chief_coverage"] = (len(covered), len(roads))
    F["road_chief assignments / distinct chiefs"] = (len(chief_roles), len({r["person"] for r in chief_roles}))
    per_road = Counter(r["target"] for r in chief_roles if role_on(r, AS_OF))
    F["roads with 2 active chiefs"] = sorted(k for k, n in per_road.items() if n == 2)
    villages = [u["id"] for u in U.values() if u["kind"] == "village"]
    lc = [
        v
        for v in villages
        if any(
            r["role"] in ("liaison_cadre", "first_secretary") and r["target"] == v and role_on(r, AS_OF) for r in roles
        )
    ]
    F["villages.liaison_coverage"] = (len(lc), len(villages))

    # key tasks
    status = Counter()
    num_, den_, spi_n, spi_d = 0.0, 0.0, 0.0, 0.0
    per_task = {}
    for r in kt:
        ups = sorted(u for u in prog.get(r["id"], []) if u[0] <= AS_OF)
        actual = ups[-1][1] / 100 if ups else 0.0
        s = D(r["start"])
        st = (s and s <= AS_OF) or any(p > 0 for _, p in ups)
        eff = s or (ups[0][0] if ups else None)
        dl = D(r["deadline"])
        if not st:
            exp = 0.0
        elif dl <= eff:
            exp = 1.0
        else:
            exp = min(1.0, max(0.0, (AS_OF - eff).days / (dl - eff).days))
        if actual == 1:
            sta = "done"
        elif AS_OF > dl:
            sta = "overdue"
        elif not st:
            sta = "not_started"
        elif exp - actual >= 0.10 - 1e-9:
            sta = "at_risk"
        else:
            sta = "on_track"
        status[sta] += 1
        per_task[r["id"]] = (sta, round(actual, 3), round(exp, 3))
        w = float(r["weight"] or 1)
        num_ += w * actual
        den_ += w
        if st and sta != "done":
            spi_n += w * actual
            spi_d += w * exp
    F["tasks status"] = dict(status)
    F["tasks.progress"] = round(num_ / den_, 4)
    F["tasks.spi"] = round(spi_n / spi_d, 4)
    F["tasks per status"] = {k: sorted(t for t, v in per_task.items() if v[0] == k) for k in status}

    # cadres
    cadres = {}
    for r in roles:
        if r["role"] in CADRE_ROLES and role_on(r, AS_OF):
            cadres[r["person"]] = True
    young = [p for p in cadres if P[p]["birth_date"] and age(D(P[p]["birth_date"]), AS_OF) <= 35]
    F["cadres / young cadres"] = (len(cadres), len(young))
    tf_ids = {o["id"] for o in O.values() if o["kind"] == "task_force"} | {r["id"] for r in kt}
    yt = [
        p
        for p in young
        if any(
            r["person"] == p and r["role"] in ("leader", "member") and r["target"] in tf_ids and role_on(r, AS_OF)
            for r in roles
        )
    ]
    F["cadres.young_on_tasks"] = (len(yt), len(young))
    breadth = [len({r["role"] for r in roles if r["person"] == p and D(r["start"]) <= AS_OF}) for p in young]
    F["cadres.breadth"] = round(sum(breadth) / len(breadth), 3)

    # renewal
    el = defaultdict(list)
    for r in T["elections"]:
        el[r["org"]].append(D(r["date"]))
    overdue, due, with_el = [], [], 0
    for o in O.values():
        if o["kind"] not in COVER or not org_active(o) or not el[o["id"]]:
            continue
        with_el += 1
        last = max(el[o["id"]])
        first_host = lst(o["hosts"])[0]
        term = 5 if o["kind"] == "committee" or U[first_host]["kind"] == "village" else 3
        end = add_years(last, term)
        if end < AS_OF:
            overdue.append(o["id"])
        elif end <= AS_OF + dt.timedelta(days=183):
            due.append(o["id"])
    F["orgs.renewal_overdue"] = (len(overdue), with_el)
    F["orgs.renewal_due"] = len(due)
    F["renewal overdue orgs"] = sorted(overdue)
    F["renewal due orgs"] = sorted(due)
    br = [o for o in O.values() if o["kind"] in ("branch", "joint_branch") and org_active(o)]
    F["orgs.viable"] = (sum(1 for o in br if sum(1 for p in members[o["id"]] if p["confirmed"]) >= 3), len(br))

    # no org life
    M = add_months(AS_OF, -6)
    listed = defaultdict(set)
    recorded = set()
    for a in act:
        if a["kind"] in ORG_LIFE and lst(a["people"]) and M < D(a["date"]) <= AS_OF:
            s = a["subject"]
            if s in O:
                tgt = [s]
                if O[s]["kind"] == "group" and O[s]["parent"]:
                    tgt.append(O[s]["parent"])
                for t in tgt:
                    recorded.add(t)
                    listed[t].update(lst(a["people"]))
    nl_num, nl_den, nolife = 0, 0, []
    for o in O.values():
        if o["id"] not in recorded or not org_active(o):
            continue
        for p in members[o["id"]]:
            if p["joined"] and D(p["joined"]) <= M:
                nl_den += 1
                if p["id"] not in listed[o["id"]]:
                    nl_num += 1
                    nolife.append(p["id"])
    F["members.no_org_life"] = (nl_num, nl_den)
    F["members without organisation life"] = sorted(nolife)

    # duties
    def periods(cad, lo, hi):
        out = []
        d = dt.date(lo.year, 1, 1)
        step = {"1m": 1, "1q": 3, "6m": 6, "1y": 12}[cad]
        while d <= hi:
            e = add_months(d, step) - dt.timedelta(days=1)
            if d >= lo and e <= hi:
                out.append((d, e))
            d = add_months(d, step)
        return out

    def meets(a, q):
        # docs/STATS.md: attendance is `attended`, else the people listed; expected has no default.
        if not q:
            return True
        att = int(a["attended"]) if a["attended"] else (len(lst(a["people"])) if a["people"] else None)
        exp = int(a["expected"]) if a["expected"] else None
        return att is not None and exp is not None and att > float(q) * exp + 1e-9

    exempt = defaultdict(list)
    for x in T["exemptions"]:
        exempt[(x["duty"], x["subject"])].append((D(x["from"]), D(x["to"]) or dt.date.max))

    for du in T["duties"]:
        acts_by = defaultdict(list)
        for a in act:
            if a["kind"] == du["activity"] and meets(a, du["quorum"]):
                acts_by[(a["kind"], a["subject"])].append(D(a["date"]))
        for k in acts_by:
            acts_by[k].sort()
        kind, sel = du["applies_to"].split(":", 1)
        obligations = []
        if kind == "role":
            obligations = [(r["target"], D(r["start"]), D(r["end"])) for r in roles if r["role"] == sel]
        elif kind == "org":
            obligations = [(o["id"], D(o["established"]), D(o["dissolved"])) for o in O.values() if o["kind"] == sel]
        elif kind == "designation":
            obligations = [(r["unit"], D(r["since"]), D(r["until"])) for r in des if r["designation"] == sel]
        elif kind == "unit":
            obligations = [(u["id"], D(u["since"]), D(u["until"])) for u in U.values() if u["kind"] == sel]
        ok = tot = 0
        worst = 0
        for subj, s, e in obligations:
            lo, hi = max(s or FROM, FROM), min(e or AS_OF, AS_OF)
            dates = [d for d in acts_by[(du["activity"], subj)] if d <= AS_OF]
            spans = exempt[(du["id"], subj)]
            run = 0
            if du["cadence"].endswith("d") and du["cadence"] != "1d" or du["cadence"] == "1d":
                n = int(du["cadence"][:-1])
                d = lo
                while d <= hi:
                    if any(a <= d <= b for a, b in spans):
                        run = 0
                        d += dt.timedelta(days=1)
                        continue
                    grace = s is not None and (d - s).days < n - 1
                    c = grace or any(d - dt.timedelta(days=n - 1) <= x <= d for x in dates)
                    tot += 1
                    ok += c
                    run = 0 if c else run + 1
                    worst = max(worst, run)
                    d += dt.timedelta(days=1)
            else:
                for a, b in periods(du["cadence"], lo, hi):
                    if any(x <= b and a <= y for x, y in spans):
                        run = 0
                        continue
                    c = any(a <= x <= b for x in dates)
                    tot += 1
                    ok += c
                    run = 0 if c else run + 1
                    worst = max(worst, run)
        F[f"duty.{du['id']}"] = (ok, tot, round(ok / tot, 4) if tot else None, f"lapse {worst}")
    F["indicator.lotus_revenue (shangxie)"] = latest_obs("lotus_area", "shangxie") * latest_obs(
        "lotus_revenue_per_mu", "shangxie"
    )
    F["people"] = len(T["people"])
    F["activities"] = len(act)
    F["activities by kind"] = dict(Counter(a["kind"] for a in act).most_common())
    F["orgs by kind"] = dict(Counter(o["kind"] for o in O.values()).most_common())
    F["units by kind"] = dict(Counter(u["kind"] for u in U.values()).most_common())
    F["non-above-scale enterprises"] = len(ents) - len(above)
    F["size (bytes)"] = sum(os.path.getsize(os.path.join(DIR, f)) for f in os.listdir(DIR))
    check(F["size (bytes)"] < 1_000_000, "folder too big")
    check(len(act) <= 5000, "too many activities")

    if "--figures" in sys.argv or FAILS:
        for k, v in F.items():
            print(f"{k}: {v}")
    if FAILS:
        print(f"\n{len(FAILS)} FAILED:")
        for f in FAILS[:200]:
            print("  -", f)
        sys.exit(1)
    print("chengxi ledger: all checks passed")


if __name__ == "__main__":
    main()
