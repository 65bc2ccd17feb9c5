"""Chart data of the 情况说明, from the same facts as the text (万元, as printed). Pure."""

from __future__ import annotations

from decimal import Decimal

from juesuan.content import Chart, Series
from juesuan.narrative.facts import Change, Facts, YearOverYear

INCOME_STRUCTURE = "income_structure"
EXPENDITURE_STRUCTURE = "expenditure_structure"
GENERAL_BUDGET_VS_INITIAL = "general_budget_budget_vs_final"
YEAR_OVER_YEAR = "year_over_year"
THREE_PUBLIC = "three_public"


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
    """The charts by key; a chart without data is left out."""
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
    return {chart.key: chart for chart in charts}
