"""Chart data of the 情况说明, from the same facts as the text (万元, as printed). Pure.

Every renderer (PDF, HTML, DOCX) draws the charts built here and the value axis of
:func:`value_axis`, so a chart reads the same in every format. A bar chart whose
smallest bar would be a sliver beside its largest (0.39 beside 9,859) is split by
:func:`split_by_scale` into charts of their own scale, here and not in a renderer:
the split is a decision about what the reader is shown, the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from juesuan.content import Chart, Series
from juesuan.narrative.facts import Change, Facts, YearOverYear

INCOME_STRUCTURE = "income_structure"
EXPENDITURE_STRUCTURE = "expenditure_structure"
GENERAL_BUDGET_VS_INITIAL = "general_budget_budget_vs_final"
YEAR_OVER_YEAR = "year_over_year"
THREE_PUBLIC = "three_public"

SMALL_SHARE = Decimal("0.03")
"""A non-zero bar shorter than this share of its value axis is hard to see, let alone
compare: its category goes to a chart of its own scale."""

TICKS = 5  # about this many steps on a value axis
_NICE = (Decimal(1), Decimal(2), Decimal(5), Decimal(10))
_SMALLEST_STEP = Decimal("0.01")  # amounts are printed to 0.01: no finer tick is worth a label
_CONTINUED = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九")


@dataclass(frozen=True)
class Axis:
    """A value axis from ``bottom`` to ``top`` in ``step``\\ s of 1, 2 or 5 × 10ⁿ, its tick
    labels printed with ``decimals`` places (the places the step needs: 0.2 → one)."""

    bottom: Decimal
    top: Decimal
    step: Decimal
    decimals: int

    @property
    def span(self) -> Decimal:
        return self.top - self.bottom

    @property
    def ticks(self) -> tuple[Decimal, ...]:
        count = int((self.span / self.step).to_integral_value())
        return tuple(self.bottom + self.step * i for i in range(count + 1))

    def label(self, value: Decimal) -> str:
        """A tick's label: thousands separated, ``decimals`` places (0 → "0", not "-0")."""
        text = f"{value:,.{self.decimals}f}"
        return text[1:] if text.startswith("-") and value == 0 else text


def value_axis(values: Iterable[Decimal | None]) -> Axis:
    """The axis every renderer draws for ``values``: from zero (or below it, for a
    negative value) to the first tick at or past the largest, about :data:`TICKS` steps."""
    known = [v for v in values if v is not None]
    low = min([Decimal(0), *known])
    high = max([Decimal(0), *known])
    if low == high:
        high = Decimal(1)  # nothing but zeros: an axis 0–1, the bars flat on it
    step = _nice_step((high - low) / TICKS)
    bottom = (low / step).to_integral_value(ROUND_FLOOR) * step
    top = (high / step).to_integral_value(ROUND_CEILING) * step
    decimals = max(0, -int(step.normalize().as_tuple().exponent))
    places = Decimal(1).scaleb(-decimals)  # plain figures: 10000, not 1.0E+4
    return Axis(bottom.quantize(places), top.quantize(places), step.quantize(places), decimals)


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest of 1, 2, 5 × 10ⁿ at least ``raw`` (and at least 0.01)."""
    if raw <= _SMALLEST_STEP:
        return _SMALLEST_STEP
    power = Decimal(1).scaleb(raw.adjusted())
    return next(m * power for m in _NICE if m * power >= raw)


def _column(chart: Chart, i: int) -> list[Decimal]:
    """The known values of category ``i``, one per series."""
    values = (s.values[i] if i < len(s.values) else None for s in chart.series)
    return [v for v in values if v is not None]


def _fits(axis: Axis, values: list[Decimal]) -> bool:
    """Whether every non-zero value's bar is at least :data:`SMALL_SHARE` of the axis."""
    return all(abs(v) >= SMALL_SHARE * axis.span for v in values if v != 0)


def split_by_scale(chart: Chart) -> tuple[Chart, ...]:
    """The chart, or — when some category's bars would be slivers beside the largest —
    the chart of the large categories and charts of the smaller ones, each on its own
    scale. Categories keep their order within each chart; a category of zeros stays in
    the first. The later charts are titled ``（续）`` (``（续一）``, ``（续二）`` … when
    there are more than two) and keyed ``<key>_2``, ``<key>_3`` ….

    A category is never split: one whose own bars differ that much stays together."""
    if chart.kind == "pie" or len(chart.categories) < 2:
        return (chart,)
    peaks = {i: max((abs(v) for v in _column(chart, i)), default=Decimal(0))
             for i in range(len(chart.categories))}
    groups: list[list[int]] = []
    zeros: list[int] = []
    for i in sorted(peaks, key=lambda i: (-peaks[i], i)):
        if peaks[i] == 0:
            zeros.append(i)
            continue
        if groups:
            last = groups[-1]
            values = [v for j in (*last, i) for v in _column(chart, j)]
            if _fits(value_axis(values), _column(chart, i)):
                last.append(i)
                continue
        groups.append([i])
    if len(groups) <= 1:
        return (chart,)
    groups[0] += zeros
    parts = []
    for n, group in enumerate(groups):
        order = sorted(group)
        title = chart.title
        if n:
            title += f"（续{_CONTINUED[n] if len(groups) > 2 and n < len(_CONTINUED) else ''}）"
        parts.append(replace(
            chart,
            key=chart.key if n == 0 else f"{chart.key}_{n + 1}",
            title=title,
            categories=tuple(chart.categories[i] for i in order),
            series=tuple(Series(s.name, tuple(s.values[i] if i < len(s.values) else None
                                              for i in order)) for s in chart.series),
        ))
    return tuple(parts)


def charts_for(charts: dict[str, Chart], keys: Iterable[str]) -> tuple[Chart, ...]:
    """The charts of ``keys`` in order, each followed by the charts split off it
    (``<key>_2``, ``<key>_3`` …); a key without a chart is skipped."""
    found: list[Chart] = []
    for key in keys:
        if key not in charts:
            continue
        found.append(charts[key])
        n = 2
        while f"{key}_{n}" in charts:
            found.append(charts[f"{key}_{n}"])
            n += 1
    return tuple(found)


def _known(value: object) -> Decimal | None:
    return value if isinstance(value, Decimal) else None


def _year_over_year(f: Facts) -> Chart | None:
    candidates: list[tuple[str, Change]] = [
        ("收入支出总计", f.grand_total.change),
        ("本年收入合计", f.seed.income_change),
        ("本年支出合计", f.seed.expenditure_change),
        ("财政拨款收入支出总计", f.fiscal_total.change),
        ("一般公共预算财政拨款支出", f.general_budget.change),
        ("“三公”经费", f.three_public.total.change),
    ]
    if isinstance(f.operating_costs, YearOverYear):
        candidates.append(("机关运行经费", f.operating_costs.change))
    known = [(name, c) for name, c in candidates if c.known]
    if not known:
        return None
    return Chart(
        YEAR_OVER_YEAR, f"{f.year}年度与{f.prior_year}年度决算数对比", "grouped_bar",
        tuple(name for name, _ in known),
        (Series("上年", tuple(_known(c.base) for _, c in known)),
         Series("本年", tuple(c.current for _, c in known))),
    )


def build_charts(f: Facts) -> dict[str, Chart]:
    """The charts by key, a bar chart split by :func:`split_by_scale` into its parts
    (found with :func:`charts_for`); a chart without data is left out."""
    charts: list[Chart] = []
    if f.income:
        charts.append(Chart(INCOME_STRUCTURE, "收入结构", "pie",
                            tuple(s.name for s in f.income),
                            (Series("本年收入", tuple(s.amount for s in f.income)),)))
    if f.expenditure:
        charts.append(Chart(EXPENDITURE_STRUCTURE, "支出结构", "pie",
                            tuple(s.name for s in f.expenditure),
                            (Series("本年支出", tuple(s.amount for s in f.expenditure)),)))
    items = f.general_budget.items
    if items:
        charts.append(Chart(
            GENERAL_BUDGET_VS_INITIAL, "一般公共预算财政拨款支出年初预算与决算（按项）", "grouped_bar",
            tuple(f"{i.name}（{i.code}）" for i in items),
            (Series("年初预算", tuple(_known(i.initial) for i in items)),
             Series("决算", tuple(i.final for i in items))),
        ))
    yoy = _year_over_year(f)
    if yoy is not None:
        charts.append(yoy)
    tp = f.three_public
    if not tp.nothing:
        charts.append(Chart(THREE_PUBLIC, "“三公”经费预算数与决算数", "grouped_bar",
                            tuple(i.name for i in tp.items),
                            (Series("预算数", tuple(i.budget for i in tp.items)),
                             Series("决算数", tuple(i.final for i in tp.items)))))
    return {part.key: part for chart in charts for part in split_by_scale(chart)}
