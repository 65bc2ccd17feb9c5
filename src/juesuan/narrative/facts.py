"""Every figure the 情况说明 states, computed once. Pure functions.

Amounts come from the printed tables (``build_tables(f).rounded(2)``), so no figure in
the text can disagree with a table. Figures the tables do not carry (上年数, 预算数,
机关运行经费, 政府采购, 国有资产, counts) come from the filing, converted to 万元 and
rounded half-up to 0.01 as they will be printed. Every percentage is computed from
those printed figures and rounded half-up to two decimals.

Nothing is invented: where the text needs something the filing does not give — a
prior-year figure, a budget, a reason for a change — the fact is a :class:`Gap`,
which the text shows as a visible placeholder (【待填写：…】) and the narrative rules
report as a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, FloatOperation, localcontext
from typing import Literal

from juesuan import codes
from juesuan.content import placeholder
from juesuan.filing.model import BudgetItem, Filing, Fund, Reception
from juesuan.filing.performance import ProjectCount
from juesuan.money import ZERO, AmountUnit, decimal_places, format_wan, round_half_up, to_wan
from juesuan.performance.scoring import EvaluationResult, PerformanceResult
from juesuan.tables.figures import stated
from juesuan.tables.table import Row, Table, TableSet

PLACES = 2
HUNDRED = Decimal(100)

GapKind = Literal["reason", "prior", "budget", "data"]


@dataclass(frozen=True)
class Gap:
    """Something the text needs that the filing does not give.

    ``label`` is what the placeholder asks for, ``path`` the filing field that would
    fill it, ``message`` the Chinese explanation of the finding. ``section`` is set when
    the gap is printed (the heading of the section it is printed in).
    """

    kind: GapKind
    label: str
    path: str
    message: str
    section: str = ""
    suffix: str = ""  # printed after the placeholder, e.g. "。" when it ends a sentence

    @property
    def text(self) -> str:
        return placeholder(self.label)


Figure = Decimal | Gap
Text = str | Gap
Count = int | Gap


# --- arithmetic -------------------------------------------------------------------------


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator × 100, rounded half-up to two decimals; None when the
    denominator is zero. Exact: computed with 60 significant digits, floats refused."""
    if denominator == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[FloatOperation] = True
        return (numerator * HUNDRED / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def money(value: Decimal, unit_is_yuan: bool) -> Decimal:
    """A filing amount as printed in the text: 万元, two decimals, half-up."""
    unit = AmountUnit.YUAN if unit_is_yuan else AmountUnit.WAN_YUAN
    return round_half_up(to_wan(value, unit), PLACES)


BLANK = Decimal("0.00")


def printed(value: object) -> Decimal:
    """A printed table cell as an amount: blank cells are 0.00."""
    return value if isinstance(value, Decimal) else BLANK


# --- changes and comparisons -----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A figure against its base: the prior year's figure, or the budget.

    ``base`` is a :class:`Gap` when the filing does not give it; then nothing about the
    change is known.
    """

    current: Decimal
    base: Figure

    @property
    def known(self) -> bool:
        return isinstance(self.base, Decimal)

    @property
    def difference(self) -> Decimal | None:
        return self.current - self.base if isinstance(self.base, Decimal) else None

    @property
    def direction(self) -> Literal["up", "down", "flat"] | None:
        diff = self.difference
        if diff is None:
            return None
        return "up" if diff > 0 else "down" if diff < 0 else "flat"

    @property
    def up(self) -> bool:
        return self.direction == "up"

    @property
    def down(self) -> bool:
        return self.direction == "down"

    @property
    def flat(self) -> bool:
        return self.direction == "flat"

    @property
    def amount(self) -> Decimal | None:
        """The difference without its sign."""
        diff = self.difference
        return None if diff is None else abs(diff)

    @property
    def rate(self) -> Decimal | None:
        """The difference as a percentage of the base, without its sign; None when the
        base is unknown or zero."""
        if not isinstance(self.base, Decimal) or self.amount is None:
            return None
        return percent(self.amount, self.base)

    @property
    def signed_rate(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else (-rate if self.down else rate)

    @property
    def completion(self) -> Decimal | None:
        """current / base × 100 (完成预算的 X%); None when the base is unknown or zero."""
        if not isinstance(self.base, Decimal):
            return None
        return percent(self.current, self.base)


def reason(text: str | None, change: Change, gap: Gap) -> Text | None:
    """The stated reason for a change; a gap when the change needs one and none is given.

    A change that is 持平 needs no reason. When the base is unknown the base itself is
    the gap to fill; the reason is asked for once the change is known.
    """
    if text:
        return text
    if change.known and not change.flat:
        return gap
    return None


@dataclass(frozen=True)
class Share:
    name: str
    amount: Decimal
    share: Decimal | None  # percentage of the denominator; None when it is zero


def shares(items: list[tuple[str, Decimal]], denominator: Decimal) -> tuple[Share, ...]:
    return tuple(Share(name, value, percent(value, denominator)) for name, value in items
                 if value != 0)


# --- the facts -------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    """One 功能分类 项: 年初预算 against 决算 (五（三）, 八, 九)."""

    code: str
    name: str  # 行政运行
    label: str  # 一般公共服务支出（类）财政事务（款）行政运行（项）
    purpose: Text
    initial: Figure  # 年初预算数
    adjusted: Decimal | None  # 全年预算数, stated when 年初预算 is 0
    final: Decimal
    comparison: Change  # final against 年初预算 (or 全年预算 when 年初预算 is 0)
    basis: Literal["initial", "adjusted"]
    completion: Figure | None  # 完成年初（全年）预算的 X%
    reason: Text | None


@dataclass(frozen=True)
class YearOverYear:
    value: Decimal
    change: Change
    reason: Text | None


@dataclass(frozen=True)
class GeneralBudget:
    total: Decimal  # 表5 合计
    basic: Decimal
    project: Decimal
    share: Decimal | None  # of 本年支出合计
    change: Change
    reason: Text | None
    classes: tuple[Share, ...]  # 类, share of the 表5 合计
    budget: Change  # 决算 against 年初预算
    completion: Figure | None
    budget_reason: Text | None
    items: tuple[BudgetLine, ...]


@dataclass(frozen=True)
class Basic:
    total: Decimal  # 表5 合计·基本支出
    personnel: Decimal
    personnel_items: tuple[str, ...]
    public: Decimal
    public_items: tuple[str, ...]


@dataclass(frozen=True)
class ThreePublicLine:
    key: str
    name: str
    budget: Decimal
    final: Decimal
    completion: Decimal | None  # None when the budget is 0
    share: Decimal | None  # of the 决算 合计
    change: Change  # against the prior year
    reason: Text | None

    @property
    def spent(self) -> bool:
        return self.final != 0


@dataclass(frozen=True)
class ReceptionPart:
    """国内公务接待 or 外事接待 within 公务接待费."""

    final: Figure
    batches: Count | None
    persons: Count | None
    purpose: str | None


@dataclass(frozen=True)
class ThreePublic:
    total: ThreePublicLine
    outbound: ThreePublicLine
    vehicle: ThreePublicLine
    vehicle_purchase: ThreePublicLine
    vehicle_operation: ThreePublicLine
    reception: ThreePublicLine
    budget: Change  # 决算 合计 against 预算 合计
    budget_reason: Text | None
    groups: Count | None
    persons: Count | None
    vehicles_bought: Count | None
    fleet: Count | None
    batches: Count | None
    reception_persons: Count | None
    reception_about: bool = False  # the persons are approximate: 96余人次
    domestic: ReceptionPart | None = None  # the 国内/外事 split, when the filing gives 外事接待
    foreign: ReceptionPart | None = None

    @property
    def items(self) -> tuple[ThreePublicLine, ThreePublicLine, ThreePublicLine]:
        return self.outbound, self.vehicle, self.reception

    @property
    def nothing(self) -> bool:
        """No budget, no spending, and no spending the year before."""
        t = self.total
        return t.budget == 0 and t.final == 0 and (not t.change.known or t.change.flat)


@dataclass(frozen=True)
class FundFacts:
    """政府性基金 / 国有资本经营预算财政拨款 (表8, 表9)."""

    empty: bool
    income: Decimal | None  # None when the table has no income column
    expenditure: Decimal
    items: tuple[BudgetLine, ...]


@dataclass(frozen=True)
class EvaluationLine:
    name: str
    budget: Decimal
    executed: Decimal
    rate: Decimal | None  # 执行率, %
    score: Decimal
    grade: str


@dataclass(frozen=True)
class PerformanceFacts:
    projects: int
    budget: Decimal
    average: Decimal | None
    grades: tuple[tuple[str, int], ...]
    department: EvaluationLine | None
    lines: tuple[EvaluationLine, ...]
    # 预算绩效管理情况 as the filing states it (2024 template 十); None when not given.
    description: str | None = None
    targets: tuple[int, Decimal | None] | None = None  # 编报绩效目标的项目: count, amount
    tracking: tuple[int, Decimal | None] | None = None  # 绩效跟踪评价的项目
    problems: tuple[int | None, int | None, int | None] | None = None  # 发现、已整改、正在整改
    # The department's own texts as paragraphs, each a gap when not filed (printed only by the
    # templates whose form has them: 湖北 2020 七（一）（二）（三）).
    management: tuple[Text, ...] = ()
    summaries: tuple[tuple[str, Text], ...] = ()  # (项目名称, 项目自评综述)
    application: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Procurement:
    total: Figure
    goods: Figure
    works: Figure
    services: Figure
    sme_reserved: Figure
    small_micro_reserved: Figure
    sme_awarded_reserved: Figure
    small_micro_awarded_reserved: Figure
    sme_awarded_other: Figure
    description: str | None


@dataclass(frozen=True)
class Assets:
    as_of: str  # 2024年12月31日
    vehicles: Count  # a gap when the filing does not state its vehicles
    by_use: tuple[tuple[str, int], ...]
    large_equipment: Count
    description: str | None


@dataclass(frozen=True)
class SeedComparisons:
    """The seed's 部门预决算对比: 收入 and 支出 against the budget and the prior year."""

    income_budget: Change
    income_budget_reason: Text | None
    income_change: Change
    income_reason: Text | None
    expenditure_budget: Change
    expenditure_budget_reason: Text | None
    expenditure_change: Change
    expenditure_reason: Text | None


@dataclass(frozen=True)
class Facts:
    department: str
    short_name: str
    year: int
    prior_year: int
    grand_total: YearOverYear  # 表1 总计
    income_total: Decimal  # 本年收入合计
    income: tuple[Share, ...]  # 表2 columns, share of 本年收入合计
    expenditure_total: Decimal  # 本年支出合计
    expenditure: tuple[Share, ...]  # 表3 kinds, share of 本年支出合计
    expenditure_classes: tuple[Share, ...]  # 表3 类, share of 本年支出合计
    fiscal_income: Decimal  # 表4 本年收入合计
    fiscal_expenditure: Decimal  # 表4 本年支出合计
    fiscal_total: YearOverYear  # 表4 总计
    general_budget: GeneralBudget
    basic: Basic
    three_public: ThreePublic
    government_fund: FundFacts
    state_capital: FundFacts
    operating_costs: YearOverYear | Gap
    procurement: Procurement | Gap
    assets: Assets | Gap
    performance: PerformanceFacts | Gap
    seed: SeedComparisons


# --- gathering -------------------------------------------------------------------------


class _Reader:
    """Reads the filing's own figures as printed (万元, two decimals) and makes gaps."""

    def __init__(self, filing: Filing) -> None:
        self.filing = filing
        self.yuan = filing.unit is AmountUnit.YUAN
        self.year = filing.year
        self.prior_year = filing.year - 1

    def amount(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else money(value, self.yuan)

    def prior(self, value: Decimal | None, what: str, path: str) -> Figure:
        if value is not None:
            return money(value, self.yuan)
        return Gap("prior", "增减额和增减幅度", path,
                   f"缺少{self.prior_year}年度{what}（{path}），无法说明增减额和增减幅度")

    def budget(self, value: Decimal | None, what: str, path: str) -> Figure:
        if value is not None:
            return money(value, self.yuan)
        return Gap("budget", what, path, f"缺少{what}（{path}），无法说明预算完成情况")

    def reason(self, text: str | None, change: Change, what: str, path: str, *,
               budget: bool = False) -> Text | None:
        """The stated reason for ``change`` of ``what``; a gap when one is needed and missing.

        ``budget``: the change is 决算 against 预算 (a 差异原因), else against the prior year.
        """
        base = change.base if isinstance(change.base, Decimal) else None
        if budget:
            label = "决算数与预算数差异原因"
            how = (f"决算数{format_wan(change.current)}万元{'大于' if change.up else '小于'}"
                   f"预算数{format_wan(base)}万元")
        else:
            label = "增减原因"
            how = (f"较{self.prior_year}年度{'增加' if change.up else '减少'}"
                   f"{format_wan(change.amount)}万元")
        if base is None or change.flat:
            how = ""
        gap = Gap("reason", label, path, f"{what}{how}，但未填写{label}（{path}）")
        return reason(text, change, gap)

    def data(self, label: str, path: str, what: str | None = None) -> Gap:
        return Gap("data", label, path, f"缺少{what or label}（{path}）")


def _yoy(r: _Reader, value: Decimal, prior: Decimal | None, what: str, prior_path: str,
         text: str | None, reason_path: str) -> YearOverYear:
    change = Change(value, r.prior(prior, what, prior_path))
    return YearOverYear(value, change, r.reason(text, change, what, reason_path))


def _functional_names(tables: tuple[Table, ...], code: str, year: int) -> tuple[str, str, str]:
    """Names of the 类, 款 and 项 of a 项 code, as printed in the tables."""

    def name(c: str) -> str:
        for table in tables:
            found = table.find(c)
            if found is not None and found.code == c:
                return found.name
        return codes.functional().name(year, c) or c

    return name(code[:3]), name(code[:5]), name(code)


def _budget_items(filing: Filing, fund: Fund) -> dict[str, tuple[int, BudgetItem]]:
    return {item.code: (i, item) for i, item in enumerate(filing.budget.items) if item.fund is fund}


def _budget_lines(r: _Reader, table: Table, column: str, fund: Fund,
                  label_tables: tuple[Table, ...]) -> tuple[BudgetLine, ...]:
    filing = r.filing
    spent = {row.code: printed(row.values[table.column_index(column)])
             for row in table.rows if row.code is not None and len(row.code) == 7}
    budgeted = _budget_items(filing, fund)
    lines: list[BudgetLine] = []
    for code in sorted(set(spent) | set(budgeted)):
        final = spent.get(code, ZERO)
        found = budgeted.get(code)
        class_name, section_name, name = _functional_names(label_tables, code, filing.year)
        label = f"{class_name}（类）{section_name}（款）{name}（项）"
        if found is None:
            path = "budget.items"
            initial: Figure = r.budget(None, f"{code} 年初预算数", path)
            purpose: Text = r.data("主要用途", path, f"{code} 的主要用途")
            adjusted = None
        else:
            index, item = found
            path = f"budget.items[{index}]"
            initial = r.budget(item.initial, f"{code} 年初预算数", f"{path}.initial")
            purpose = item.purpose or r.data("主要用途", f"{path}.purpose", f"{code} 的主要用途")
            adjusted = r.amount(item.adjusted)
        if isinstance(initial, Decimal) and initial == 0 and final == 0 and not adjusted:
            continue  # nothing budgeted, nothing spent
        basis: Literal["initial", "adjusted"] = "initial"
        base: Figure = initial
        if isinstance(initial, Decimal) and initial == 0:
            # R004: no 年初预算 — say how much of the 全年预算 was spent, never "年初预算的X%".
            basis = "adjusted"
            if adjusted:
                base = adjusted
            else:
                base = Gap("budget", f"{code} 全年预算数", f"{path}.adjusted",
                           f"{code} 年初预算为0，缺少全年预算数（{path}.adjusted），"
                           "无法说明完成全年预算的比例")
        comparison = Change(final, base)
        completion: Figure | None = base if isinstance(base, Gap) else comparison.completion
        text = filing.reasons.items.get(code)
        why = r.reason(text, comparison, label, f"reasons.items.{code}", budget=True)
        lines.append(BudgetLine(code, name, label, purpose, initial, adjusted, final, comparison, basis,
                                completion, why))
    return tuple(lines)


def _level(table: Table, level: int) -> Iterator[Row]:
    return (row for row in table.rows if row.code is not None and row.level == level)


def _three_public(r: _Reader, t7: Table) -> ThreePublic:
    filing = r.filing
    tp = filing.three_public
    prior = filing.prior_year.three_public
    reasons = filing.reasons

    def label(key: str) -> str:
        column = t7.columns[t7.column_index(f"{key}.final")]
        names = [g for g in (*column.groups, column.label)
                 if g not in ("预算数", "决算数", "小计")]
        return names[-1]

    def cell(key: str, stage: str) -> Decimal:
        return stated(t7, "three_public" if key == "total" else key,
                      "value" if stage == "final" else "budget")

    base = "prior_year.three_public"
    priors: dict[str, Figure] = {
        key: r.prior(getattr(prior, key), f"{label(key)}决算数", f"{base}.{key}")
        for key in ("outbound", "vehicle_purchase", "vehicle_operation", "reception")
    }

    def summed(keys: tuple[str, ...], what: str, path: str) -> Figure:
        values = [priors[k] for k in keys]
        if all(isinstance(v, Decimal) for v in values):
            return sum((v for v in values if isinstance(v, Decimal)), ZERO)
        return r.prior(None, what, path)

    priors["vehicle"] = summed(("vehicle_purchase", "vehicle_operation"),
                               f"{label('vehicle')}决算数", f"{base}.vehicle_purchase")
    priors["total"] = summed(("outbound", "vehicle_purchase", "vehicle_operation", "reception"),
                             "“三公”经费决算数", base)
    total_final = cell("total", "final")
    reason_of = {
        "total": ("three_public_change", "“三公”经费财政拨款支出决算数"),
        "outbound": ("outbound_change", "因公出国（境）费支出决算数"),
        "vehicle": ("vehicle_change", f"{label('vehicle')}支出决算数"),
        "vehicle_purchase": ("vehicle_change", "公务用车购置费支出决算数"),
        "vehicle_operation": ("vehicle_change", f"{label('vehicle_operation')}支出决算数"),
        "reception": ("reception_change", "公务接待费支出决算数"),
    }

    def line(key: str) -> ThreePublicLine:
        budget, final = cell(key, "budget"), cell(key, "final")
        change = Change(final, priors[key])
        field_name, what = reason_of[key]
        why = r.reason(getattr(reasons, field_name), change, what, f"reasons.{field_name}")
        return ThreePublicLine(key, "“三公”经费" if key == "total" else label(key), budget, final,
                               percent(final, budget), percent(final, total_final), change, why)

    lines = {key: line(key) for key in ("total", "outbound", "vehicle", "vehicle_purchase",
                                       "vehicle_operation", "reception")}
    total = lines["total"]
    budget = Change(total.final, total.budget)
    budget_reason = r.reason(reasons.three_public_vs_budget, budget, "“三公”经费财政拨款支出",
                             "reasons.three_public_vs_budget", budget=True)

    def count(value: int | None, needed: bool, what: str, path: str) -> Count | None:
        if value is None and needed:
            return r.data(what, path)
        return value

    t = "three_public"
    return ThreePublic(
        total=total, outbound=lines["outbound"], vehicle=lines["vehicle"],
        vehicle_purchase=lines["vehicle_purchase"], vehicle_operation=lines["vehicle_operation"],
        reception=lines["reception"], budget=budget, budget_reason=budget_reason,
        groups=count(tp.outbound.groups, lines["outbound"].final > 0, "因公出国（境）团组数",
                     f"{t}.outbound.groups"),
        persons=count(tp.outbound.persons, lines["outbound"].final > 0, "因公出国（境）人次",
                      f"{t}.outbound.persons"),
        vehicles_bought=count(tp.vehicle_purchase.vehicles, lines["vehicle_purchase"].final > 0,
                              "公务用车购置数量", f"{t}.vehicle_purchase.vehicles"),
        fleet=count(tp.vehicle_operation.fleet, lines["vehicle"].final > 0, "公务用车保有量",
                    f"{t}.vehicle_operation.fleet"),
        batches=count(tp.reception.batches, lines["reception"].final > 0, "公务接待批次",
                      f"{t}.reception.batches"),
        reception_persons=count(tp.reception.persons, lines["reception"].final > 0,
                                "公务接待人次", f"{t}.reception.persons"),
        reception_about=tp.reception.persons_approximate,
        **_reception_split(r, tp.reception, lines["reception"].final),
    )


def _reception_split(r: _Reader, reception: Reception, final: Decimal) -> dict[str, ReceptionPart]:
    """国内公务接待 and 外事接待 when the filing gives the 外事 part: 国内 = 公务接待费 − 外事."""
    foreign = reception.foreign
    if foreign is None:
        return {}
    path = "three_public.reception.foreign"
    amount = r.amount(foreign.final)
    outside: Figure = amount if amount is not None else r.data("外事接待支出", f"{path}.final")
    inside: Figure = final - amount if amount is not None else r.data(
        "国内公务接待支出", f"{path}.final")
    return {
        "domestic": ReceptionPart(inside, reception.batches, reception.persons, reception.purpose),
        "foreign": ReceptionPart(outside, foreign.batches, foreign.persons, foreign.purpose),
    }


def _fund(r: _Reader, table: Table, fund: Fund, label_tables: tuple[Table, ...]) -> FundFacts:
    has_income = "income" in table.column_keys
    topic = "government_fund" if fund is Fund.GOVERNMENT_FUND else "state_capital"
    income = stated(table, f"{topic}.income") if has_income else None
    expenditure = stated(table, f"{topic}.expenditure")
    items = () if table.empty else _budget_lines(r, table, "expenditure", fund, label_tables)
    return FundFacts(table.empty, income, expenditure, items)


def printed_total(e: EvaluationResult) -> Decimal:
    """The total the public form prints: the stated one of a transcribed form, else juesuan's."""
    return e.stated.total if e.stated.total is not None else e.total


def printed_grade(e: EvaluationResult, scheme_grades: bool) -> str | None:
    """The grade the public form prints: the stated one, else juesuan's when the scheme's
    form has grades; none for a transcribed form that states none."""
    if e.stated.total is not None:
        return e.stated.grade
    return e.grade if scheme_grades else None


def _evaluation(e: EvaluationResult, scheme_grades: bool) -> EvaluationLine:
    budget = round_half_up(e.execution.budget or ZERO, PLACES)
    executed = round_half_up(e.execution.executed or ZERO, PLACES)
    return EvaluationLine(e.name, budget, executed, percent(executed, budget), printed_total(e),
                          printed_grade(e, scheme_grades) or "")


def _paragraphs(r: _Reader, text: str | None, label: str, path: str) -> tuple[Text, ...]:
    if not text or not text.strip():
        return (r.data(label, path),)
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _performance(r: _Reader, result: PerformanceResult | None) -> PerformanceFacts | Gap:
    performance = r.filing.performance
    if performance is None:
        return r.data("预算绩效管理情况", "performance", "预算绩效自评（绩效自评表）")
    m = performance.management
    if result is None and (m is None or m.self_evaluation is None):
        return r.data("绩效自评结果", "performance.scheme",
                      "可用的评分办法，绩效自评结果无法计算")
    if m is not None and m.self_evaluation is not None:
        projects, budget = m.self_evaluation.projects, m.self_evaluation.amount or ZERO
    else:
        assert result is not None
        projects = len(result.projects)
        budget = sum((p.execution.budget or ZERO for p in result.projects), ZERO)
    scheme_grades = result.scheme.grades.stated if result is not None else True
    # The average and grades the department states, else those of the forms as printed; a
    # grade no form states is not made up (no 参考等级 in the public text).
    average: Decimal | None = m.average_score if m is not None else None
    if average is None and result is not None and result.projects:
        totals = [printed_total(p) for p in result.projects]
        places = max(result.scheme.score_places, *(decimal_places(t) for t in totals))
        average = round_half_up(sum(totals, ZERO) / len(totals), places)
    grades: tuple[tuple[str, int], ...] = ()
    if m is not None and m.grades is not None:
        grades = tuple(m.grades.items())
    elif result is not None:
        printed = [printed_grade(p, scheme_grades) for p in result.projects]
        if printed and all(printed):
            named = [b.name for b in result.scheme.grades.bands]
            order = named + sorted({g for g in printed if g and g not in named})
            grades = tuple((name, printed.count(name)) for name in order)

    def count(c: ProjectCount | None) -> tuple[int, Decimal | None] | None:
        if c is None:
            return None
        return c.projects, None if c.amount is None else round_half_up(c.amount, PLACES)

    problems = None
    if m is not None and any(v is not None for v in (m.problems_found, m.problems_fixed,
                                                       m.problems_fixing)):
        problems = (m.problems_found, m.problems_fixed, m.problems_fixing)
    base = "performance.management"
    return PerformanceFacts(
        projects=projects,
        budget=round_half_up(budget, PLACES),
        average=average,
        grades=grades,
        department=(None if result is None or result.department is None
                    else _evaluation(result.department, scheme_grades)),
        lines=() if result is None else tuple(_evaluation(p, scheme_grades) for p in result.projects),
        description=m.description if m is not None else None,
        targets=count(m.targets) if m is not None else None,
        tracking=count(m.tracking) if m is not None else None,
        problems=problems,
        management=_paragraphs(r, m.description if m else None, "预算绩效管理工作开展情况",
                               f"{base}.description"),
        summaries=tuple((p.name, p.summary or r.data(f"{p.name}项目自评综述",
                                                     f"performance.projects[{n}].summary"))
                        for n, p in enumerate(performance.projects)),
        application=_paragraphs(r, m.application if m else None, "绩效评价结果应用情况",
                                f"{base}.application"),
    )


def _procurement(r: _Reader) -> Procurement | Gap:
    p = r.filing.procurement
    if p is None:
        return r.data("政府采购情况", "procurement", "政府采购支出情况")

    def fig(name: str, what: str) -> Figure:
        value = r.amount(getattr(p, name))
        return value if value is not None else r.data(what, f"procurement.{name}")

    parts = [r.amount(v) for v in (p.goods, p.works, p.services)]
    total: Figure
    if p.total is not None:
        total = money(p.total, r.yuan)
    elif all(v is not None for v in parts):
        total = sum((v for v in parts if v is not None), ZERO)
    else:
        total = r.data("政府采购金额", "procurement.total")
    return Procurement(
        total=total,
        goods=fig("goods", "货物采购金额"),
        works=fig("works", "工程采购金额"),
        services=fig("services", "服务采购金额"),
        sme_reserved=fig("sme_reserved", "面向中小企业预留政府采购项目预算金额"),
        small_micro_reserved=fig("small_micro_reserved", "面向小微企业预留政府采购项目预算金额"),
        sme_awarded_reserved=fig("sme_awarded_reserved", "预留项目中由中小企业中标或成交的采购金额"),
        small_micro_awarded_reserved=fig("small_micro_awarded_reserved",
                                         "小微企业预留项目中由小微企业中标或成交的采购金额"),
        sme_awarded_other=fig("sme_awarded_other", "其他项目中由中小企业中标或成交的采购金额"),
        description=p.description,
    )


VEHICLE_USES = (
    ("ministerial", "部级领导干部用车"),
    ("principal_leader", "主要领导干部用车"),
    ("confidential", "机要通信用车"),
    ("emergency", "应急保障用车"),
    ("law_enforcement", "执法执勤用车"),
    ("special_technical", "特种专业技术用车"),
    ("retired_cadres", "离退休干部用车"),
    ("other", "其他用车"),
)


def _date_text(text: str | None, year: int) -> str:
    if text:
        parts = text.strip().split("-")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
        return text
    return f"{year}年12月31日"


def _assets(r: _Reader) -> Assets | Gap:
    a = r.filing.assets
    if a is None:
        return r.data("国有资产占有使用情况", "assets", "国有资产占有使用情况（车辆、大型设备）")
    vehicles: Count
    if a.vehicles is None:
        by_use: tuple[tuple[str, int], ...] = ()
        vehicles = r.data("车辆数（按用途）", "assets.vehicles")
    else:
        by_use = tuple((name, int(getattr(a.vehicles, key))) for key, name in VEHICLE_USES)
        vehicles = sum(n for _, n in by_use)
    equipment: Count = (a.large_equipment if a.large_equipment is not None else
                        r.data("单价100万元（含）以上设备台（套）数", "assets.large_equipment"))
    return Assets(_date_text(a.as_of, r.year), vehicles, by_use, equipment, a.description)


def _operating_costs(r: _Reader) -> YearOverYear | Gap:
    oc = r.filing.operating_costs
    if oc is None:
        return r.data("机关运行经费支出情况", "operating_costs.final", "机关运行经费支出")
    return _yoy(r, money(oc.final, r.yuan), r.filing.prior_year.operating_costs, "机关运行经费",
                "prior_year.operating_costs", r.filing.reasons.operating_costs_change,
                "reasons.operating_costs_change")


def gather_facts(filing: Filing, tables: TableSet,
                 performance: PerformanceResult | None = None) -> Facts:
    """Every fact of the 情况说明, from the printed tables and the filing."""
    r = _Reader(filing)
    t2, t3, t5, t6, t7, t8 = (tables[n] for n in (2, 3, 5, 6, 7, 8))
    t9 = tables.get(9)  # templates before 2019 print eight tables
    prior = filing.prior_year
    reasons = filing.reasons
    label_tables = (t5, t3, t2, t8) + ((t9,) if t9 is not None else ())

    income_total = stated(tables, "income_total")
    expenditure_total = stated(tables, "expenditure_total")
    income = shares([(c.label, stated(tables, f"income.{c.key}")) for c in t2.columns[1:]],
                    income_total)
    expenditure = shares([(c.label, stated(tables, f"expenditure.{c.key}"))
                          for c in t3.columns[1:]],
                         expenditure_total)
    classes = shares([(row.name, printed(row.values[0])) for row in _level(t3, 1)],
                     expenditure_total)

    grand_total = _yoy(r, stated(tables, "grand_total"), prior.grand_total,
                       "收入支出总计", "prior_year.grand_total", reasons.grand_total_change,
                       "reasons.grand_total_change")
    fiscal_total = _yoy(r, stated(tables, "fiscal_grand_total"),
                        prior.fiscal_grand_total, "财政拨款收入支出总计",
                        "prior_year.fiscal_grand_total", reasons.fiscal_total_change,
                        "reasons.fiscal_total_change")

    gb_total = stated(tables, "general_budget")
    gb = _yoy(r, gb_total, prior.general_budget_expenditure, "一般公共预算财政拨款支出",
              "prior_year.general_budget_expenditure", reasons.general_budget_change,
              "reasons.general_budget_change")
    gb_budget = Change(gb_total, r.budget(filing.budget.general_budget_initial,
                                          "一般公共预算财政拨款支出年初预算数",
                                          "budget.general_budget_initial"))
    general_budget = GeneralBudget(
        total=gb_total,
        basic=stated(tables, "general_budget.basic"),
        project=stated(tables, "general_budget.project"),
        share=percent(gb_total, expenditure_total),
        change=gb.change,
        reason=gb.reason,
        classes=shares([(row.name, printed(row.values[0])) for row in _level(t5, 1)], gb_total),
        budget=gb_budget,
        completion=(gb_budget.completion if gb_budget.known else gb_budget.base),
        budget_reason=r.reason(reasons.general_budget_vs_initial, gb_budget,
                               "一般公共预算财政拨款支出", "reasons.general_budget_vs_initial",
                               budget=True),
        items=_budget_lines(r, t5, "total", Fund.GENERAL_BUDGET, label_tables),
    )

    def named(section: str) -> tuple[str, ...]:
        index = t6.column_index("personnel" if section == "人员经费" else "public")
        return tuple(row.name for row in t6.rows
                     if row.section == section and row.level == 2
                     and printed(row.values[index]) != 0)

    basic = Basic(
        total=general_budget.basic,
        personnel=stated(tables, "personnel"),
        personnel_items=named("人员经费"),
        public=stated(tables, "public"),
        public_items=named("公用经费"),
    )

    seed = _seed(r, income_total, expenditure_total)
    facts = Facts(
        department=filing.department.name,
        short_name=filing.display_name,
        year=filing.year,
        prior_year=filing.year - 1,
        grand_total=grand_total,
        income_total=income_total,
        income=income,
        expenditure_total=expenditure_total,
        expenditure=expenditure,
        expenditure_classes=classes,
        fiscal_income=stated(tables, "fiscal.income"),
        fiscal_expenditure=stated(tables, "fiscal.expenditure"),
        fiscal_total=fiscal_total,
        general_budget=general_budget,
        basic=basic,
        three_public=_three_public(r, t7),
        government_fund=_fund(r, t8, Fund.GOVERNMENT_FUND, label_tables),
        state_capital=(_fund(r, t9, Fund.STATE_CAPITAL, label_tables) if t9 is not None
                       else FundFacts(True, None, ZERO, ())),
        operating_costs=_operating_costs(r),
        procurement=_procurement(r),
        assets=_assets(r),
        performance=_performance(r, performance),
        seed=seed,
    )
    return facts


def _seed(r: _Reader, income_total: Decimal, expenditure_total: Decimal) -> SeedComparisons:
    filing = r.filing
    budget, prior, reasons = filing.budget, filing.prior_year, filing.reasons
    income_budget = Change(income_total, r.budget(budget.income_initial, "部门预算收入（年初预算数）",
                                                  "budget.income_initial"))
    expenditure_budget = Change(expenditure_total,
                                r.budget(budget.expenditure_initial, "部门预算支出（年初预算数）",
                                         "budget.expenditure_initial"))
    income = _yoy(r, income_total, prior.income_total, "决算收入", "prior_year.income_total",
                  reasons.income_change, "reasons.income_change")
    expenditure = _yoy(r, expenditure_total, prior.expenditure_total, "决算支出",
                       "prior_year.expenditure_total", reasons.expenditure_change,
                       "reasons.expenditure_change")
    return SeedComparisons(
        income_budget=income_budget,
        income_budget_reason=r.reason(reasons.income_budget_vs_final, income_budget,
                                      "收入", "reasons.income_budget_vs_final", budget=True),
        income_change=income.change,
        income_reason=income.reason,
        expenditure_budget=expenditure_budget,
        expenditure_budget_reason=r.reason(reasons.expenditure_budget_vs_final,
                                           expenditure_budget, "支出",
                                           "reasons.expenditure_budget_vs_final", budget=True),
        expenditure_change=expenditure.change,
        expenditure_reason=expenditure.reason,
    )
