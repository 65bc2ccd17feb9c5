"""Key figures of a disclosure and comparisons between disclosures. Pure functions.

Every figure is read from the printed tables (``build_tables(filing).rounded(2)``) or the
narrative facts (:func:`juesuan.narrative.facts.gather_facts`), so it is exactly what the
published document states: 万元, rounded half-up to two decimals. Nothing is re-derived.

A figure the filing does not give is ``None`` (shown as 无数据, never as 0): the “三公”
items whose 决算数 the filing leaves empty, and 机关运行经费 when the filing has none.
A comparison computes a change only where both sides have the figure.

Changes: the difference of the two printed figures (exact, so already two decimals) and
the rate difference / |base| × 100, rounded half-up to two decimals (None when the base
is 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from juesuan.filing.model import Filing
from juesuan.narrative.facts import Gap, gather_facts, percent
from juesuan.tables.figures import stated as stated_figure
from juesuan.tables.table import TableSet

UNIT = "万元"
MISSING = "无数据"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    group: str


MEASURES: tuple[Measure, ...] = (
    Measure("grand_total", "收入支出总计", "收支总体"),
    Measure("income_total", "本年收入合计", "收支总体"),
    Measure("expenditure_total", "本年支出合计", "收支总体"),
    Measure("basic", "基本支出", "收支总体"),
    Measure("project", "项目支出", "收支总体"),
    Measure("fiscal_total", "财政拨款收入支出总计", "财政拨款"),
    Measure("fiscal_income", "财政拨款本年收入", "财政拨款"),
    Measure("fiscal_expenditure", "财政拨款本年支出", "财政拨款"),
    Measure("general_budget", "一般公共预算财政拨款支出", "一般公共预算财政拨款"),
    Measure("general_budget_basic", "一般公共预算财政拨款基本支出", "一般公共预算财政拨款"),
    Measure("general_budget_project", "一般公共预算财政拨款项目支出", "一般公共预算财政拨款"),
    Measure("three_public", "“三公”经费合计", "“三公”经费（决算数）"),
    Measure("three_public.outbound", "因公出国（境）费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle", "公务用车购置及运行维护费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle_purchase", "公务用车购置费", "“三公”经费（决算数）"),
    Measure("three_public.vehicle_operation", "公务用车运行维护费", "“三公”经费（决算数）"),
    Measure("three_public.reception", "公务接待费", "“三公”经费（决算数）"),
    Measure("operating_costs", "机关运行经费", "机关运行经费"),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)

Figures = Mapping[str, Decimal | None]


def _printed(value: object) -> Decimal:
    """A printed table cell as an amount (published tables leave zero cells blank)."""
    return value if isinstance(value, Decimal) else Decimal("0.00")


def key_figures(filing: Filing, printed: TableSet) -> dict[str, Decimal | None]:
    """The key figures of a filing from its printed tables (rounded to 0.01 万元)."""
    facts = gather_facts(filing, printed)
    gb = facts.general_budget
    tp = facts.three_public
    stated = {key: getattr(filing.three_public, key).final is not None
              for key in ("outbound", "vehicle_purchase", "vehicle_operation", "reception")}
    stated["vehicle"] = stated["vehicle_purchase"] and stated["vehicle_operation"]
    stated["total"] = all(stated.values())

    def three(key: str) -> Decimal | None:
        return getattr(tp, key).final if stated[key] else None

    operating = facts.operating_costs
    return {
        "grand_total": facts.grand_total.value,
        "income_total": facts.income_total,
        "expenditure_total": facts.expenditure_total,
        "basic": stated_figure(printed, "expenditure.basic"),
        "project": stated_figure(printed, "expenditure.project"),
        "fiscal_total": facts.fiscal_total.value,
        "fiscal_income": facts.fiscal_income,
        "fiscal_expenditure": facts.fiscal_expenditure,
        "general_budget": gb.total,
        "general_budget_basic": gb.basic,
        "general_budget_project": gb.project,
        "three_public": three("total"),
        "three_public.outbound": three("outbound"),
        "three_public.vehicle": three("vehicle"),
        "three_public.vehicle_purchase": three("vehicle_purchase"),
        "three_public.vehicle_operation": three("vehicle_operation"),
        "three_public.reception": three("reception"),
        "operating_costs": None if isinstance(operating, Gap) else operating.value,
    }


# --- comparisons -----------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One compared disclosure."""

    key: str  # region/year/department/unit
    name: str  # the unit's name
    region: str  # the region's name
    year: int
    figures: Figures
    url: str = ""


@dataclass(frozen=True)
class Change:
    amount: Decimal  # value − base, 万元
    rate: Decimal | None  # amount / |base| × 100, half-up to 0.01; None when the base is 0

    @property
    def direction(self) -> Literal["up", "down", "flat"]:
        return "up" if self.amount > 0 else "down" if self.amount < 0 else "flat"


def change(value: Decimal | None, base: Decimal | None) -> Change | None:
    """The change from ``base`` to ``value``; None unless both are known."""
    if value is None or base is None:
        return None
    amount = value - base
    return Change(amount, percent(amount, abs(base)))


@dataclass(frozen=True)
class Line:
    measure: Measure
    values: tuple[Decimal | None, ...]  # one per subject
    changes: tuple[Change | None, ...]  # one per subject; None for the base and where unknown

    @property
    def complete(self) -> bool:
        """Every compared disclosure has this figure."""
        return all(v is not None for v in self.values)


ComparisonKind = Literal["departments", "years"]


@dataclass(frozen=True)
class Comparison:
    """Key figures side by side. ``departments``: changes against the first subject (the
    base); ``years``: subjects are one unit's years, oldest first, each change against the
    year before."""

    kind: ComparisonKind
    subjects: tuple[Subject, ...]
    lines: tuple[Line, ...]

    @property
    def title(self) -> str:
        if self.kind == "years" and self.subjects:
            first, last = self.subjects[0], self.subjects[-1]
            return f"{first.name} {first.year}—{last.year} 年度比较"
        names = "、".join(s.name for s in self.subjects)
        year = self.subjects[0].year if self.subjects else ""
        return f"{year} 年度部门比较：{names}"

    @property
    def base_label(self) -> str:
        return "较上年" if self.kind == "years" else "较基准"


def compare(kind: ComparisonKind, subjects: Sequence[Subject]) -> Comparison:
    subjects = tuple(subjects)
    lines = []
    for measure in MEASURES:
        values = tuple(s.figures.get(measure.key) for s in subjects)
        changes: list[Change | None] = [None]
        for i in range(1, len(values)):
            base = values[i - 1] if kind == "years" else values[0]
            changes.append(change(values[i], base))
        lines.append(Line(measure, values, tuple(changes[: len(values)])))
    return Comparison(kind, subjects, tuple(lines))


def amount_text(value: Decimal | None) -> str | None:
    """An amount as a decimal string with two places (None stays None)."""
    if value is None:
        return None
    return f"{abs(value) if value == 0 else value:.2f}"


def signed_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"+{value:.2f}" if value > 0 else amount_text(value)


def comparison_data(c: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data: amounts and rates as decimal strings, null = 无数据."""
    return {
        "kind": c.kind,
        "title": c.title,
        "unit": UNIT,
        "base": ("previous_year" if c.kind == "years" else (c.subjects[0].key if c.subjects else None)),
        "subjects": [{"key": s.key, "name": s.name, "region": s.region, "year": s.year, "url": s.url}
                     for s in c.subjects],
        "measures": [
            {
                "key": line.measure.key,
                "label": line.measure.label,
                "group": line.measure.group,
                "complete": line.complete,
                "values": [amount_text(v) for v in line.values],
                "changes": [None if ch is None else {"amount": amount_text(ch.amount),
                                                     "rate": amount_text(ch.rate)}
                            for ch in line.changes],
            }
            for line in c.lines
        ],
    }


CSV_COLUMNS = ("指标键", "指标", "分组", "公开件", "单位", "行政区划", "年度", "金额（万元）",
               "增减额（万元）", "增减率（%）", "比较基准", "说明")


def comparison_csv(c: Comparison) -> str:
    """One line per (measure, disclosure); an empty amount with 说明 无数据 where the
    filing does not give the figure. RFC 4180, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in c.lines:
        for i, (subject, value, ch) in enumerate(zip(c.subjects, line.values, line.changes, strict=True)):
            if i == 0:
                base = ""
            elif c.kind == "years":
                base = str(c.subjects[i - 1].year)
            else:
                base = c.subjects[0].key
            note = MISSING if value is None else ("" if ch is not None or i == 0 else "比较基准无数据")
            writer.writerow((line.measure.key, line.measure.label, line.measure.group, subject.key,
                             subject.name, subject.region, subject.year, amount_text(value) or "",
                             "" if ch is None else amount_text(ch.amount),
                             "" if ch is None or ch.rate is None else amount_text(ch.rate),
                             base, note))
    return out.getvalue()
