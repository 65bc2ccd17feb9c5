"""Checks of the filing itself: what the tables cannot show.

Amounts here are in the filing's own unit, locations are field paths such as
``expenditure[3].basic`` (the command line adds file and line).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from juesuan import codes
from juesuan.filing.model import (
    EXPENDITURE_KINDS,
    INCOME_SOURCES,
    Filing,
    Fund,
)
from juesuan.money import ZERO, AmountUnit, per_wan
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import NotEvaluated, Report, Rule, rule, show
from juesuan.tables.amounts import NIL, Amt, amt, amt_sum

F_REF = "juesuan"

FUND_NAMES = {
    Fund.GENERAL_BUDGET: "一般公共预算财政拨款",
    Fund.GOVERNMENT_FUND: "政府性基金预算财政拨款",
    Fund.STATE_CAPITAL: "国有资本经营预算财政拨款",
    Fund.NON_FISCAL: "非财政拨款资金",
}


def where(*path: str | int) -> Location:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return Location(path=text)


def native(filing: Filing, value: Decimal | None) -> Amt:
    """An amount in the filing's own unit, with the rounding error of how it was written."""
    if filing.unit is AmountUnit.YUAN:
        return NIL if value is None else Amt(value, ZERO)  # a filing in 元 is exact
    a = amt(value, filing.unit)
    scale = per_wan(filing.unit)
    return Amt(a.value * scale, a.error * scale)


def amounts(filing: Filing) -> Iterator[tuple[tuple[str | int, ...], str, Decimal]]:
    """Every money amount of the filing with its location and Chinese name."""
    for i, irow in enumerate(filing.income):
        for source in INCOME_SOURCES:
            v = getattr(irow, source)
            if v is not None:
                yield ("income", i, source), f"收入 {irow.code}", v
    for i, erow in enumerate(filing.expenditure):
        for kind in EXPENDITURE_KINDS:
            v = getattr(erow, kind)
            if v is not None:
                yield ("expenditure", i, kind), f"支出 {erow.code}", v
    for i, econ in enumerate(filing.basic_economic):
        if econ.amount is not None:
            yield ("basic_economic", i, "amount"), f"基本支出 {econ.code}", econ.amount
    tp = filing.three_public
    for key in ("outbound", "vehicle_purchase", "vehicle_operation", "reception"):
        item = getattr(tp, key)
        for stage in ("budget", "final"):
            v = getattr(item, stage)
            if v is not None:
                yield ("three_public", key, stage), "“三公”经费", v
    if filing.procurement is not None:
        for name, v in filing.procurement:
            if isinstance(v, Decimal):
                yield ("procurement", name), "政府采购", v
    if filing.operating_costs is not None:
        for stage in ("final", "budget"):
            v = getattr(filing.operating_costs, stage)
            if v is not None:
                yield ("operating_costs", stage), "机关运行经费", v
    for key in ("income_initial", "expenditure_initial", "general_budget_initial"):
        v = getattr(filing.budget, key)
        if v is not None:
            yield ("budget", key), "预算数", v
    for i, item in enumerate(filing.budget.items):
        for stage in ("initial", "adjusted"):
            v = getattr(item, stage)
            if v is not None:
                yield ("budget", "items", i, stage), f"预算 {item.code}", v


@rule("F.negative", "金额不能为负", severity=Severity.ERROR, scope="filing",
      description="收入、支出、经济分类支出、“三公”经费、政府采购、机关运行经费和预算数不能为负数。"
      "结转结余允许为负（会作为警告提示）。", reference=F_REF)
def negative(filing: Filing, report: Report) -> None:
    for path, name, v in amounts(filing):
        if v < 0:
            report.fail(f"{name}金额为负数", where(*path), expected="≥ 0", found=show(v))
    for i, carry in enumerate(filing.carry_over):
        for stage, label in (("opening", "年初结转和结余"), ("closing", "年末结转和结余")):
            v = getattr(carry, stage)
            if v is not None and v < 0:
                report.fail(f"{FUND_NAMES[carry.fund]}{label}为负数，请确认", where("carry_over", i, stage),
                            expected="≥ 0", found=show(v), severity=Severity.WARNING)


def duplicates(keys: Iterable[tuple[int, object]]) -> Iterator[tuple[int, int]]:
    """(first index, repeated index) for every key seen before."""
    seen: dict[object, int] = {}
    for index, key in keys:
        if key in seen:
            yield seen[key], index
        else:
            seen[key] = index


@rule("F.duplicate-row", "重复行", severity=Severity.ERROR, scope="filing",
      description="同一功能分类项（支出再按资金来源）、同一经济分类款、同一资金的结转结余、同一预算项只能填一行；"
      "重复行会被合计，可能重复计算。", reference=F_REF)
def duplicate_rows(filing: Filing, report: Report) -> None:
    checks: list[tuple[str, str, Iterable[tuple[int, object]]]] = [
        ("income", "收入", ((i, r.code) for i, r in enumerate(filing.income))),
        ("expenditure", "支出", ((i, (r.code, r.fund)) for i, r in enumerate(filing.expenditure))),
        ("basic_economic", "基本支出经济分类",
         ((i, r.code) for i, r in enumerate(filing.basic_economic))),
        ("carry_over", "结转结余", ((i, (r.fund, r.code)) for i, r in enumerate(filing.carry_over))),
    ]
    for section, name, keys in checks:
        for first, again in duplicates(keys):
            report.fail(f"{name}第 {again + 1} 行与第 {first + 1} 行重复（同一科目和资金来源）",
                        where(section, again), expected="每个科目只填一行",
                        found=f"与 {section}[{first}] 重复")
    items = ((i, (r.code, r.fund)) for i, r in enumerate(filing.budget.items))
    for first, again in duplicates(items):
        report.fail(f"预算项第 {again + 1} 行与第 {first + 1} 行重复", where("budget", "items", again),
                    expected="每个科目只填一行", found=f"与 budget.items[{first}] 重复")


@rule("F.code-unknown", "科目编码不在该年度科目表中", severity=Severity.WARNING, scope="filing",
      description="功能分类、经济分类编码应是填报年度《政府收支分类科目》中的有效编码。"
      "随附科目表并不完整，未收录的编码会作为警告列出，请与当年科目表核对。", reference="政府收支分类科目")
def code_unknown(filing: Filing, report: Report) -> None:
    year = filing.year
    functional, economic = codes.functional(), codes.economic()
    if not functional.covers(year):
        report.fail(f"随附科目表不含 {year} 年度，无法核对科目编码", where("year"),
                    expected=f"{codes.FIRST_YEAR}–{codes.LAST_YEAR}", found=str(year))
        return
    seen: set[str] = set()
    # (path of the code, code); the location is made only for a code that fails
    coded: list[tuple[tuple[str | int, ...], str]] = []
    coded += [(("income", i, "code"), r.code) for i, r in enumerate(filing.income)]
    coded += [(("expenditure", i, "code"), r.code) for i, r in enumerate(filing.expenditure)]
    coded += [(("carry_over", i, "code"), r.code) for i, r in enumerate(filing.carry_over)
              if r.code]
    coded += [(("budget", "items", i, "code"), r.code)
              for i, r in enumerate(filing.budget.items)]
    for path, code in coded:
        for level_code in (code[:3], code[:5], code):
            if level_code in seen:
                continue
            seen.add(level_code)
            if functional.lookup(year, level_code) is None:
                report.fail(f"功能分类科目 {level_code} 不在 {year} 年度科目表中", where(*path),
                            expected="有效的功能分类编码", found=level_code)
    for i, econ in enumerate(filing.basic_economic):
        for level_code in (econ.code[:3], econ.code):
            if level_code in seen:
                continue
            seen.add(level_code)
            if economic.lookup(year, level_code) is None:
                report.fail(f"经济分类科目 {level_code} 不在 {year} 年度科目表中",
                            where("basic_economic", i, "code"), expected="有效的经济分类编码",
                            found=level_code)


def _normal(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


@rule("F.code-name", "科目名称与编码不符", severity=Severity.WARNING, scope="filing",
      description="填报的科目名称应与科目表中该编码的名称一致（忽略空格和全角半角括号）。", reference="政府收支分类科目")
def code_name(filing: Filing, report: Report) -> None:
    year = filing.year
    functional, economic = codes.functional(), codes.economic()
    # (section, row, code, name, code list); the location is made only for a name that fails
    named: list[tuple[str, int, str, str | None, codes.CodeList]] = []
    named += [("income", i, r.code, r.name, functional) for i, r in enumerate(filing.income)]
    named += [("expenditure", i, r.code, r.name, functional)
              for i, r in enumerate(filing.expenditure)]
    named += [("basic_economic", i, r.code, r.name, economic)
              for i, r in enumerate(filing.basic_economic)]
    for section, i, code, name, code_list in named:
        if not name:
            continue
        official = code_list.name(year, code)
        if official and _normal(name) != _normal(official):
            report.fail(f"科目 {code} 的名称应为“{official}”，填报为“{name}”", where(section, i, "name"),
                        expected=official, found=name)


@rule("F.fund-balance", "各资金收支平衡", severity=Severity.ERROR, scope="filing",
      description="每类资金：年初结转和结余 + 本年收入（+ 使用非财政拨款结余）= 本年支出（+ 结余分配）"
      "+ 年末结转和结余。", reference="domain.md §3.1 T4.d；会计恒等式")
def fund_balance(filing: Filing, report: Report) -> None:
    # One pass over the rows, per fund: [opening, income, spent, closing] as Amt in the file's unit.
    sums: dict[Fund, list[Amt]] = {fund: [NIL, NIL, NIL, NIL] for fund in Fund}
    found: list[tuple[Fund, int, Decimal]] = []  # every amount, in the order of the file

    def add(fund: Fund, slot: int, value: Decimal | None) -> None:
        if value is not None:
            found.append((fund, slot, value))

    # The blank fields (most of them) skipped here rather than in add(): the same sums.
    income_fields = [(fund, fund.value) for fund in FISCAL_FUNDS]
    income_fields += [(Fund.NON_FISCAL, source) for source in INCOME_SOURCES[3:]]
    for r in filing.income:
        for fund, name in income_fields:
            if (value := getattr(r, name)) is not None:
                found.append((fund, 1, value))
    for e in filing.expenditure:
        for kind in EXPENDITURE_KINDS:
            if (value := getattr(e, kind)) is not None:
                found.append((e.fund, 2, value))
    for c in filing.carry_over:
        add(c.fund, 0, c.opening)
        add(c.fund, 3, c.closing)
    add(Fund.NON_FISCAL, 1, filing.non_fiscal_balance_used)
    add(Fund.NON_FISCAL, 2, filing.surplus_distribution)
    if filing.unit is AmountUnit.YUAN:
        # native() is Amt(value, ZERO) here: the same running sums of the values, without an
        # Amt for each (the errors stay ZERO, and Amt(ZERO, ZERO) is NIL)
        totals = {fund: [ZERO, ZERO, ZERO, ZERO] for fund in Fund}
        for fund, slot, value in found:
            fund_totals = totals[fund]
            fund_totals[slot] += value
        sums = {fund: [Amt(total, ZERO) for total in fund_totals] for fund, fund_totals in totals.items()}
    else:
        for fund, slot, value in found:
            fund_sums = sums[fund]
            fund_sums[slot] = fund_sums[slot] + native(filing, value)
    for fund, (opening, income, spent, closing) in sums.items():
        if not any(a.value for a in (income, spent, opening, closing)):
            continue
        if opening.value + income.value == spent.value + closing.value:
            continue
        name = FUND_NAMES[fund]
        report.equal(opening + income, spent + closing, where("carry_over"),
                     f"{name}：本年支出与年末结转和结余之和应等于年初结转和结余与本年收入之和"
                     f"（年初 {show(opening.value)}，收入 {show(income.value)}，支出 {show(spent.value)}，"
                     f"年末 {show(closing.value)}）")


FISCAL_FUNDS = (Fund.GENERAL_BUDGET, Fund.GOVERNMENT_FUND, Fund.STATE_CAPITAL)


@rule("F.fiscal-kind", "财政拨款支出性质", severity=Severity.WARNING, scope="filing",
      description="财政拨款只形成基本支出和项目支出；上缴上级支出、经营支出、对附属单位补助支出应来自非财政拨款资金。",
      reference="部门决算报表编制说明")
def fiscal_kind(filing: Filing, report: Report) -> None:
    names = {"remit_superior": "上缴上级支出", "operating": "经营支出",
             "subsidy_affiliated": "对附属单位补助支出"}
    for i, r in enumerate(filing.expenditure):
        if not r.fund.fiscal:
            continue
        for kind, name in names.items():
            v = getattr(r, kind)
            if v:
                severity = Severity.ERROR if kind == "operating" else None
                report.fail(f"{FUND_NAMES[r.fund]}支出中填有{name}", where("expenditure", i, kind),
                            expected="资金来源 non_fiscal", found=show(v), severity=severity)


@rule("F.fund-carry-code", "基金结转结余须有科目", severity=Severity.ERROR, scope="filing",
      description="政府性基金和国有资本经营预算财政拨款的结转结余按功能分类项列示（表8、表9），须填科目编码。",
      reference="domain.md §2 表8")
def fund_carry_code(filing: Filing, report: Report) -> None:
    for i, c in enumerate(filing.carry_over):
        if c.fund in (Fund.GOVERNMENT_FUND, Fund.STATE_CAPITAL) and c.code is None:
            report.fail(f"{FUND_NAMES[c.fund]}的结转结余没有填写功能分类科目编码", where("carry_over", i),
                        expected="7 位功能分类编码", found="缺失")


@rule("F.three-public-counts", "“三公”经费与数量一致", severity=Severity.WARNING, scope="filing",
      description="有因公出国（境）费须有团组和人次；有公务接待费须有批次和人次；有公务用车运行维护费须有保有量；"
      "有购置费须有购置数；反之数量大于零时应有相应支出。", reference="部门决算公开模板 七")
def three_public_counts(filing: Filing, report: Report) -> None:
    tp = filing.three_public
    checks: list[tuple[str, str, Decimal | None, list[tuple[str, str, int | None]]]] = [
        ("outbound", "因公出国（境）费", tp.outbound.final,
         [("groups", "团组数", tp.outbound.groups), ("persons", "人次", tp.outbound.persons)]),
        ("reception", "公务接待费", tp.reception.final,
         [("batches", "接待批次", tp.reception.batches), ("persons", "接待人次", tp.reception.persons)]),
        ("vehicle_purchase", "公务用车购置费", tp.vehicle_purchase.final,
         [("vehicles", "购置车辆数", tp.vehicle_purchase.vehicles)]),
        ("vehicle_operation", "公务用车运行维护费", tp.vehicle_operation.final,
         [("fleet", "公务用车保有量", tp.vehicle_operation.fleet)]),
    ]
    for key, name, final, counts in checks:
        spent = final is not None and final > 0
        for field, label, count in counts:
            if spent and not count:
                report.fail(f"{name}决算数为 {show(final or Decimal(0))}，但{label}为空或为零",
                            where("three_public", key, field), expected=f"{label} > 0",
                            found=str(count) if count is not None else "未填")
            if not spent and count:
                report.fail(f"{label}为 {count}，但{name}决算数为零", where("three_public", key, "final"),
                            expected="> 0", found=show(final or Decimal(0)))


@rule("F.procurement-total", "政府采购分项之和", severity=Severity.ERROR, scope="filing",
      description="政府采购金额 = 货物 + 工程 + 服务采购金额；授予中小企业的金额不应超过相应采购金额。",
      reference="部门决算公开模板 十一（二）")
def procurement_total(filing: Filing, report: Report) -> None:
    p = filing.procurement
    if p is None:
        return
    if p.total is not None and any(v is not None for v in (p.goods, p.works, p.services)):
        parts = amt_sum(native(filing, v) for v in (p.goods, p.works, p.services))
        report.equal(parts, native(filing, p.total), where("procurement", "total"),
                     "政府采购金额应等于货物、工程、服务采购金额之和")
    if p.sme_awarded_reserved is not None and p.sme_reserved is not None:
        report.at_most(native(filing, p.sme_reserved), native(filing, p.sme_awarded_reserved),
                       where("procurement", "sme_awarded_reserved"),
                       "预留项目中由中小企业中标的金额不应超过面向中小企业预留的预算金额")


@rule("F.budget-total", "预算分项之和", severity=Severity.ERROR, scope="filing",
      description="一般公共预算财政拨款各项年初预算之和 = 一般公共预算财政拨款支出年初预算合计。",
      reference="部门决算公开模板 五（三）")
def budget_total(filing: Filing, report: Report) -> None:
    b = filing.budget
    items = [i for i in b.items if i.fund is Fund.GENERAL_BUDGET and i.initial is not None]
    if b.general_budget_initial is None or not items:
        return
    report.equal(amt_sum(native(filing, i.initial) for i in items),
                 native(filing, b.general_budget_initial), where("budget", "general_budget_initial"),
                 "一般公共预算财政拨款支出年初预算合计应等于各项年初预算之和")


@rule("F.operating-costs", "机关运行经费不超过公用经费", severity=Severity.WARNING, scope="filing",
      description="机关运行经费是一般公共预算财政拨款基本支出中的日常公用经费，不应超过基本支出表的公用经费合计。"
      "公用经费科目尚有未填写决算数的（如由上年度生成的填报）时不检查。",
      reference="名词解释 机关运行经费")
def operating_costs(filing: Filing, report: Report) -> None:
    if filing.operating_costs is None or not filing.basic_economic:
        return
    public_rows = [e for e in filing.basic_economic if e.code[:3] not in ("301", "303")]
    unfilled = [e.code for e in public_rows if e.amount is None]
    if unfilled:
        # the filled rows alone would understate 公用经费: no verdict until all are filled
        raise NotEvaluated(f"公用经费科目 {'、'.join(unfilled)} 尚未填写决算数")
    public = amt_sum(native(filing, e.amount) for e in public_rows)
    report.at_most(public, native(filing, filing.operating_costs.final),
                   where("operating_costs", "final"), "机关运行经费不应超过公用经费合计")


@rule("F.empty", "没有收支数据", severity=Severity.WARNING, scope="filing",
      description="填报文件没有任何收入和支出，九张表将全部为空。", reference=F_REF)
def empty(filing: Filing, report: Report) -> None:
    if not filing.income and not filing.expenditure:
        report.fail("填报文件没有任何收入和支出数据", where("income"), expected="至少一行收支", found="无")


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    negative,
    duplicate_rows,
    code_unknown,
    code_name,
    fund_balance,
    fiscal_kind,
    fund_carry_code,
    three_public_counts,
    procurement_total,
    budget_total,
    operating_costs,
    empty,
)
