"""Realistic synthetic filings for benchmarks and tests.

``generate_filing(seed)`` builds one department's 部门决算 filing that passes every
ERROR rule: about 150 expenditure rows over real 项 codes from the bundled
functional list (``src/juesuan/codes/data/functional.csv``), several funds
(一般公共预算, 政府性基金, 国有资本经营 when the list has its codes, and 非财政拨款),
a 经济分类 breakdown of the 一般公共预算 basic expenditure that adds up to it (with
the social-insurance 款 equal to their 功能 项, as rule X12 expects), carry-over that
balances per fund (and per 项 for the fund tables), “三公”经费 not below their
经济科目, 机关运行经费, 政府采购 and 预算 figures that add up.

Amounts are ``Decimal`` in 元 with two decimals, drawn from integer 分 so every sum is
exact. The same seed gives the same filing.

    .venv/bin/python benchmarks/generate.py --seed 7 > /tmp/synthetic.yaml
    .venv/bin/juesuan check /tmp/synthetic.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import yaml

from juesuan import codes
from juesuan.filing.io import filing_to_data
from juesuan.filing.model import Filing

YEARS = (2020, 2021, 2022, 2023, 2024)

# 款 of 政府性基金预算 expenditure (a sample; only codes in the bundled list are used).
GOVERNMENT_FUND_KUAN = frozenset(
    {
        "20707",
        "20709",
        "21208",
        "21209",
        "21210",
        "21211",
        "21213",
        "21214",
        "21215",
        "21216",
        "21217",
        "21218",
        "21219",
        "21366",
        "21367",
        "21369",
        "21460",
        "21462",
        "22904",
        "22908",
        "22960",
    }
)
STATE_CAPITAL_CLASS = "223"  # 国有资本经营预算支出

# 功能 项 whose 基本支出 is one 经济 款 (X12 compares them).
SOCIAL_INSURANCE = {
    "2080505": "30108",  # 机关事业单位基本养老保险缴费支出
    "2080506": "30109",  # 机关事业单位职业年金缴费支出
    "2101101": "30110",  # 行政单位医疗
    "2101102": "30110",  # 事业单位医疗
    "2101103": "30111",  # 公务员医疗补助
    "2210201": "30113",  # 住房公积金
}
# 功能 项 paid from 对个人和家庭的补助.
PERSONAL = {
    "2080501": "30302",  # 行政单位离退休 → 退休费
    "2080502": "30302",  # 事业单位离退休 → 退休费
    "2210202": "30399",  # 提租补贴
    "2210203": "30399",  # 购房补贴
}
# Shares of the salary base.
SALARY = {"30101": 0.30, "30102": 0.35, "30103": 0.10, "30107": 0.25}
ON_SALARY = {
    "30108": 0.16,
    "30109": 0.08,
    "30110": 0.07,
    "30111": 0.015,
    "30112": 0.01,
    "30113": 0.12,
    "30199": 0.02,
}
# 公用经费 款 and their weights; 30212/30217/30231 are also “三公”经费.
PUBLIC = {
    "30201": 10,
    "30205": 2,
    "30206": 4,
    "30207": 3,
    "30209": 6,
    "30211": 6,
    "30212": 1,
    "30213": 5,
    "30215": 1,
    "30216": 2,
    "30217": 1,
    "30226": 5,
    "30228": 3,
    "30229": 3,
    "30231": 3,
    "30239": 8,
    "30299": 4,
    "31002": 3,
    "31007": 2,
}
OTHER_PERSONAL = {"30305": 1, "30307": 2}

REGIONS = (
    "浙江省湖州市德清县",
    "四川省绵阳市",
    "江苏省",
    "湖北省宜昌市夷陵区",
    "广东省佛山市南海区",
    "山东省潍坊市",
    "上海市普陀区",
)
LEVELS = ("省级", "市级", "县级")
DEPARTMENTS = (
    "财政局",
    "审计局",
    "统计局",
    "生态环境局",
    "文化和旅游局",
    "城市管理局",
    "自然资源和规划局",
    "人力资源和社会保障局",
    "卫生健康委员会",
    "住房和城乡建设局",
)


def money(cents: int) -> Decimal:
    """分 → 元 with two decimals."""
    return Decimal(cents).scaleb(-2)


def split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` 分 in parts proportional to ``weights``, summing exactly."""
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    parts[parts.index(max(parts))] += total - sum(parts)
    return parts


def valid_codes(year: int) -> list[str]:
    """项 codes valid in ``year`` whose 类 and 款 are valid too."""
    functional = codes.functional()
    return sorted(
        e.code
        for e in functional.entries
        if len(e.code) == 7
        and e.valid_in(year)
        and functional.lookup(year, e.code[:5]) is not None
        and functional.lookup(year, e.code[:3]) is not None
    )


class Generator:
    def __init__(self, seed: int, rows: int, year: int | None) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.rows = rows
        self.year = year if year is not None else self.rng.choice(YEARS)

    def cents(self, low_yuan: float, high_yuan: float) -> int:
        """A log-uniform amount in 分 between two amounts in 元."""
        rng = self.rng
        return int(100 * low_yuan * (high_yuan / low_yuan) ** rng.random()) + rng.randint(0, 99)

    def share(self, cents: int, low: float, high: float) -> int:
        return int(cents * self.rng.uniform(low, high))

    # -- choosing the rows ---------------------------------------------------------

    def choose_codes(self) -> None:
        rng, year = self.rng, self.year
        available = valid_codes(year)
        economic = codes.economic()
        self.gov_codes = [c for c in available if c[:5] in GOVERNMENT_FUND_KUAN][:3]
        self.sc_codes = [c for c in available if c[:3] == STATE_CAPITAL_CLASS][:2]
        general = [c for c in available if c not in self.gov_codes and c[:3] != STATE_CAPITAL_CLASS]
        self.social = {
            f: e
            for f, e in SOCIAL_INSURANCE.items()
            if f in general and economic.lookup(year, e) is not None
        }
        self.personal = {
            f: e
            for f, e in PERSONAL.items()
            if f in general and economic.lookup(year, e) is not None
        }
        required = sorted({*self.social, *self.personal})
        run = [c for c in general if c[5:] in ("01", "50") and c not in required]
        rest = self.rows - len(self.gov_codes) - len(self.sc_codes)
        n_gpb = max(len(required) + 1, min(len(general), round(rest * 0.72)))
        self.run_codes = sorted(rng.sample(run, min(len(run), rng.randint(3, 6))))
        others = [c for c in general if c not in required and c not in self.run_codes]
        extra = max(0, min(len(others), n_gpb - len(required) - len(self.run_codes)))
        self.gpb_codes = sorted({*required, *self.run_codes, *rng.sample(others, extra)})
        nf_pool = [c for c in general if c not in required]
        self.nf_codes = sorted(
            rng.sample(nf_pool, max(0, min(len(nf_pool), rest - len(self.gpb_codes))))
        )

    # -- 经济分类 and the 一般公共预算 basic expenditure ----------------------------------

    def economic_breakdown(self) -> dict[str, int]:
        econ: dict[str, int] = {}
        salary_base = self.cents(2_000_000, 40_000_000)
        for code, cents in zip(
            SALARY,
            split(salary_base, [w * self.rng.uniform(0.8, 1.2) for w in SALARY.values()]),
            strict=True,
        ):
            econ[code] = cents
        linked = set(self.social.values())
        for code, rate in ON_SALARY.items():
            if code in linked or code in ("30112", "30199"):
                econ[code] = int(salary_base * rate * self.rng.uniform(0.9, 1.1))
        public_total = self.share(salary_base, 0.15, 0.40)
        keys = list(PUBLIC)
        for code, cents in zip(
            keys,
            split(public_total, [PUBLIC[k] * self.rng.uniform(0.3, 1.7) for k in keys]),
            strict=True,
        ):
            econ[code] = cents
        if self.rng.random() < 0.3:  # a car bought from basic expenditure this year
            econ["31013"] = self.cents(120_000, 300_000)
        if self.rng.random() < 0.6:  # no trips abroad in many departments
            econ["30212"] = 0
        for code, weight in OTHER_PERSONAL.items():
            econ[code] = self.share(salary_base, 0.002, 0.01) * weight
        if self.personal:
            econ["30302"] = self.share(salary_base, 0.05, 0.20)
            if any(e == "30399" for e in self.personal.values()):
                econ["30399"] = self.share(salary_base, 0.01, 0.05)
        return {code: cents for code, cents in econ.items() if cents > 0}

    def gpb_basic(self, econ: dict[str, int]) -> dict[str, int]:
        """Basic expenditure per 功能 项, adding up to the 经济分类 breakdown."""
        basic: dict[str, int] = {}
        linked: dict[str, list[str]] = {}
        for functional, economic in (*self.social.items(), *self.personal.items()):
            linked.setdefault(economic, []).append(functional)
        for economic, functionals in linked.items():
            total = econ.get(economic, 0)
            weights = [self.rng.uniform(0.2, 1.0) for _ in functionals]
            for functional, cents in zip(functionals, split(total, weights), strict=True):
                basic[functional] = cents
        remaining = sum(econ.values()) - sum(basic.values())
        weights = [self.rng.uniform(0.2, 1.0) for _ in self.run_codes]
        for code, cents in zip(self.run_codes, split(remaining, weights), strict=True):
            basic[code] = cents
        return basic

    # -- the filing ----------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        rng = self.rng
        self.choose_codes()
        econ = self.economic_breakdown()
        basic = self.gpb_basic(econ)

        expenditure: list[dict[str, Any]] = []
        income: dict[str, dict[str, int]] = {}
        carry: list[dict[str, Any]] = []
        gpb_spent: dict[str, int] = {}

        def add_income(code: str, source: str, cents: int) -> None:
            if cents > 0:
                slot = income.setdefault(code, {})
                slot[source] = slot.get(source, 0) + cents

        # 一般公共预算财政拨款
        gpb_open = gpb_close = 0
        for code in self.gpb_codes:
            row: dict[str, Any] = {"code": code}
            b = basic.get(code, 0)
            p = 0
            linked = code in self.social or code in self.personal
            if not linked and (b == 0 or rng.random() < 0.3):
                p = self.cents(20_000, 8_000_000)
            if b:
                row["basic"] = money(b)
            if p:
                row["project"] = money(p)
            expenditure.append(row)
            spent = b + p
            gpb_spent[code] = spent
            opening = self.share(p, 0.0, 0.3) if p and rng.random() < 0.3 else 0
            closing = self.share(p, 0.0, 0.25) if p and rng.random() < 0.3 else 0
            gpb_open += opening
            gpb_close += closing
            add_income(code, "general_budget", spent + closing - opening)
        carry.append(
            {"fund": "general_budget", "opening": money(gpb_open), "closing": money(gpb_close)}
        )

        # 政府性基金 and 国有资本经营: carry-over per 项, each row balancing
        for fund, fund_codes in (
            ("government_fund", self.gov_codes),
            ("state_capital", self.sc_codes),
        ):
            for code in fund_codes:
                p = self.cents(100_000, 20_000_000)
                opening = self.share(p, 0.0, 0.5)
                closing = self.share(p, 0.0, 0.4)
                expenditure.append({"code": code, "fund": fund, "project": money(p)})
                add_income(code, fund, p + closing - opening)
                carry.append(
                    {
                        "fund": fund,
                        "code": code,
                        "opening": money(opening),
                        "closing": money(closing),
                    }
                )

        # 非财政拨款: other kinds of expenditure and other sources of income
        nf_open = nf_close = 0
        for code in self.nf_codes:
            row = {"code": code, "fund": "non_fiscal"}
            kind = "basic" if code[5:] in ("01", "50") and rng.random() < 0.5 else "project"
            cents = self.cents(5_000, 2_000_000)
            row[kind] = money(cents)
            spent = cents
            extra_kind = rng.choices(
                ("", "operating", "subsidy_affiliated", "remit_superior"), (85, 7, 5, 3)
            )[0]
            if extra_kind:
                extra = self.cents(5_000, 500_000)
                row[extra_kind] = money(extra)
                spent += extra
            expenditure.append(row)
            opening = self.share(spent, 0.0, 0.2) if rng.random() < 0.4 else 0
            closing = self.share(spent, 0.0, 0.2) if rng.random() < 0.4 else 0
            nf_open += opening
            nf_close += closing
            received = spent + closing - opening
            sources = ["business", "other", "superior_subsidy"]
            if extra_kind == "operating":
                sources.append("operating")
            chosen = rng.sample(sources, rng.randint(1, 2))
            weights = [rng.uniform(0.2, 1.0) for _ in chosen]
            for source, part in zip(chosen, split(received, weights), strict=True):
                add_income(code, source, part)
        if self.nf_codes:
            carry.append(
                {"fund": "non_fiscal", "opening": money(nf_open), "closing": money(nf_close)}
            )

        # “三公”经费: never below the 经济科目 that book part of them (X11)
        def three(economic: str | None, p_project: float) -> tuple[int, int]:
            booked = econ.get(economic, 0) if economic else 0
            final = booked + (self.cents(2_000, 80_000) if rng.random() < p_project else 0)
            budget = int(final * rng.uniform(1.0, 1.4)) if final else 0
            return budget, final

        out_budget, out_final = three("30212", 0.2)
        buy_budget, buy_final = three("31013", 0.0)
        run_budget, run_final = three("30231", 0.5)
        rec_budget, rec_final = three("30217", 0.5)
        vehicles = {
            "law_enforcement": rng.randint(0, 6),
            "emergency": rng.randint(0, 2),
            "confidential": rng.randint(0, 1),
            "other": rng.randint(1, 4),
        }
        fleet = sum(vehicles.values())
        groups = rng.randint(1, 3)
        three_public = {
            "outbound": {
                "budget": money(out_budget),
                "final": money(out_final),
                **({"groups": groups, "persons": groups * rng.randint(2, 5)} if out_final else {}),
            },
            "vehicle_purchase": {
                "budget": money(buy_budget),
                "final": money(buy_final),
                **({"vehicles": 1} if buy_final else {}),
            },
            "vehicle_operation": {
                "budget": money(run_budget),
                "final": money(run_final),
                **({"fleet": fleet} if run_final else {}),
            },
            "reception": {
                "budget": money(rec_budget),
                "final": money(rec_final),
                **(
                    {"batches": rng.randint(5, 80), "persons": rng.randint(30, 600)}
                    if rec_final
                    else {}
                ),
            },
        }

        public_total = sum(c for code, c in econ.items() if code[:3] not in ("301", "303"))
        operating_final = self.share(public_total, 0.85, 1.0)

        goods, works, services = (self.cents(10_000, 3_000_000) for _ in range(3))
        reserved = self.share(goods + works + services, 0.2, 0.5)

        items = []
        for code in self.gpb_codes:
            spent = gpb_spent[code]
            items.append(
                {
                    "code": code,
                    "initial": money(self.share(spent, 0.7, 1.15)),
                    "adjusted": money(spent),
                }
            )
        initial_total = sum(int(i["initial"] * 100) for i in items)
        income_total = sum(sum(v.values()) for v in income.values())
        expenditure_total = sum(gpb_spent.values()) + sum(
            int(v * 100)
            for r in expenditure
            if r.get("fund")
            for k, v in r.items()
            if k not in ("code", "fund")
        )

        name = rng.choice(DEPARTMENTS)
        region = rng.choice(REGIONS)
        return {
            "year": self.year,
            "unit": "元",
            "department": {
                "name": f"{region}{name}（合成{self.seed}）",
                "short_name": name,
                "region": region,
                "level": rng.choice(LEVELS),
                "units": [{"name": f"{name}机关"}, {"name": f"{name}信息中心"}],
            },
            "organisation": {
                "duties": ["贯彻执行有关法律法规和政策。", "承办上级交办的其他事项。"],
                "staffing": f"编制 {rng.randint(20, 300)} 人。",
            },
            "income": [
                {"code": code, **{s: money(c) for s, c in sorted(by.items())}}
                for code, by in sorted(income.items())
            ],
            "expenditure": expenditure,
            "basic_economic": [
                {"code": code, "amount": money(cents)} for code, cents in sorted(econ.items())
            ],
            "carry_over": carry,
            "three_public": three_public,
            "operating_costs": {
                "final": money(operating_final),
                "budget": money(self.share(operating_final, 0.9, 1.2)),
            },
            "procurement": {
                "total": money(goods + works + services),
                "goods": money(goods),
                "works": money(works),
                "services": money(services),
                "sme_reserved": money(reserved),
                "sme_awarded_reserved": money(self.share(reserved, 0.6, 1.0)),
                "description": "主要用于办公设备、信息系统运维和物业服务。",
            },
            "assets": {
                "as_of": f"{self.year}-12-31",
                "vehicles": vehicles,
                "large_equipment": rng.randint(0, 5),
            },
            "budget": {
                "income_initial": money(self.share(income_total, 0.75, 1.05)),
                "expenditure_initial": money(self.share(expenditure_total, 0.75, 1.05)),
                "general_budget_initial": money(initial_total),
                "items": items,
            },
            "prior_year": {
                "income_total": money(self.share(income_total, 0.8, 1.2)),
                "expenditure_total": money(self.share(expenditure_total, 0.8, 1.2)),
                "operating_costs": money(self.share(operating_final, 0.8, 1.2)),
                "three_public": {
                    "reception": money(self.share(rec_final, 0.7, 1.3)),
                    "vehicle_operation": money(self.share(run_final, 0.7, 1.3)),
                },
            },
        }


def generate_data(seed: int, *, rows: int = 150, year: int | None = None) -> dict[str, Any]:
    """The plain data of a synthetic filing (amounts as Decimal)."""
    return Generator(seed, rows, year).data()


def generate_filing(seed: int, *, rows: int = 150, year: int | None = None) -> Filing:
    """A synthetic, consistent filing: about ``rows`` expenditure rows, amounts in 元."""
    return Filing.model_validate(generate_data(seed, rows=rows, year=year))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="输出一份合成的决算填报（YAML）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=int, default=150, help="支出行数（约）")
    parser.add_argument("--year", type=int, choices=YEARS, default=None)
    args = parser.parse_args(argv)
    filing = generate_filing(args.seed, rows=args.rows, year=args.year)
    yaml.safe_dump(filing_to_data(filing), sys.stdout, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main()


# --- a department of units, with the flows between them (汇总 tests) -----------------------


def _move(row: dict[str, Any], source: str, target: str) -> None:
    """Book ``row[source]`` under ``target`` instead: the row's total stays, so does the balance."""
    if source in row:
        row[target] = row.get(target, Decimal(0)) + row.pop(source)


def _unit_flows(data: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The unit's 非财政拨款 expenditure rows (one made when it has none) and income rows by code."""
    income = {row["code"]: row for row in data["income"]}
    rows = [r for r in data["expenditure"] if r.get("fund") == "non_fiscal"]
    if not rows:
        code = data["expenditure"][0]["code"]
        rows = [{"code": code, "fund": "non_fiscal", "project": Decimal("0.00")}]
        data["expenditure"].append(rows[0])
    return rows, income


def _book(income: dict[str, dict[str, Any]], code: str, source: str, cents: int) -> None:
    row = income.setdefault(code, {"code": code})
    row[source] = row.get(source, Decimal("0.00")) + money(cents)


def generate_department(seed: int, *, units: int = 12, depth: int = 3, rows: int = 150,
                        year: int | None = None) -> tuple[list[Filing], dict[str, str | None]]:
    """A department's 单位决算 filings and its unit tree (code → parent code, None for the top
    unit), ``depth`` levels deep, each unit a valid filing of :func:`generate_data`.

    The flows inside the department agree: each parent's 对附属单位补助支出 is split over its
    children's 上级补助收入, and its 附属单位上缴收入 is what its children show as 上缴上级支出,
    so a correct 汇总 has no error finding. Each flow is booked with its counterpart in the
    same unit (a child spends the subsidy it receives; a parent finances the subsidy it pays
    from 其他收入), so every unit and the 汇总 still balance. The top unit keeps the
    上级补助收入 and 上缴上级支出 the generator gave it: flows with units outside the department."""
    if units < depth or depth < 1:
        raise ValueError("units must be at least depth, depth at least 1")
    rng = random.Random(seed)
    year = year if year is not None else rng.choice(YEARS)
    level_of = [0]
    parent_of: list[int | None] = [None]
    for n in range(1, units):
        level = n if n < depth else rng.randint(1, depth - 1)
        above = [m for m in range(n) if level_of[m] == level - 1]
        parent_of.append(above[-1] if n < depth else rng.choice(above))
        level_of.append(level)
    codes_of: list[str] = []
    for n in range(units):
        parent = parent_of[n]
        if parent is None:
            codes_of.append(f"{seed % 1000:03d}")
        else:
            siblings = [m for m in range(n) if parent_of[m] == parent]
            codes_of.append(f"{codes_of[parent]}{len(siblings) + 1:03d}")
    datas = [generate_data(seed * 1000 + n, rows=rows, year=year) for n in range(units)]
    top = datas[0]["department"]
    for n, data in enumerate(datas):
        department = data["department"]
        if n:
            department.update(name=f"{top['name']}所属单位{n}", short_name=f"所属单位{n}",
                              region=top["region"], level=top["level"],
                              units=[{"name": f"{top['short_name']}所属单位{n}"}])
        department["code"] = codes_of[n]
        # flows of the generator that are not between these units
        for row in data["expenditure"]:
            _move(row, "subsidy_affiliated", "project")
            if n:
                _move(row, "remit_superior", "project")
        if n:
            for row in data["income"]:
                _move(row, "superior_subsidy", "other")
    gen = Generator(seed, rows, year)  # for its amounts only
    for n in range(1, units):
        parent = parent_of[n]
        assert parent is not None
        child_rows, child_income = _unit_flows(datas[n])
        parent_rows, parent_income = _unit_flows(datas[parent])
        subsidy = gen.cents(50_000, 3_000_000)
        row = rng.choice(child_rows)
        _book(child_income, row["code"], "superior_subsidy", subsidy)
        row["project"] = row.get("project", Decimal("0.00")) + money(subsidy)
        paying = rng.choice(parent_rows)
        paying["subsidy_affiliated"] = paying.get("subsidy_affiliated", Decimal("0.00")) + money(subsidy)
        _book(parent_income, paying["code"], "other", subsidy)
        if rng.random() < 0.5:
            remitted = gen.cents(10_000, 800_000)
            row = rng.choice(child_rows)
            row["remit_superior"] = row.get("remit_superior", Decimal("0.00")) + money(remitted)
            _book(child_income, row["code"], "business", remitted)
            receiving = rng.choice(parent_rows)
            _book(parent_income, receiving["code"], "affiliated_remittance", remitted)
            receiving["project"] = receiving.get("project", Decimal("0.00")) + money(remitted)
        datas[n]["income"] = sorted(child_income.values(), key=lambda r: r["code"])
        datas[parent]["income"] = sorted(parent_income.values(), key=lambda r: r["code"])
    filings = [Filing.model_validate(data) for data in datas]
    tree: dict[str, str | None] = {}
    for n in range(units):
        parent = parent_of[n]
        tree[codes_of[n]] = None if parent is None else codes_of[parent]
    return filings, tree
