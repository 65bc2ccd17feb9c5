"""A new year's filing from last year's (由上年度生成): what carries over, nothing invented.

The result is plain data in the shape :func:`juesuan.filing.io.filing_to_data` gives, read
back by :func:`juesuan.filing.io.filing_from_data`. Pure: no files, no web app.

Brought over:

* 部门、单位构成、公开模板、部门概况（职能、机构设置、人员情况）;
* 收入 rows (科目编码、名称) and 支出 rows (科目编码、名称、资金来源), every amount empty;
* 基本支出经济分类 rows (科目编码、名称), 决算数 empty (the checks and tables take it as
  not filled, never as 0);
* 年初结转和结余: one row per last year's row that has a 年末结转和结余, same fund and
  code, ``opening`` = that ``closing``, ``closing`` empty;
* 预算数: one item per (科目, 资金来源) of last year's 支出 rows, amounts and 主要用于 empty;
* 预算绩效自评 drafts: 评分办法, 预算绩效管理工作开展情况 (its rules and mechanisms), each
  project's name and descriptions, 年度总体目标, and its indicators' names and 年度指标值
  (分值 too is left empty), every figure, completion and score empty;
* 上年数 when the caller gives them (:func:`juesuan.web.filings.imports.prior_year_data`
  reads them from last year's tables; this package may not import the table builders,
  which import it).

Left out, absent rather than zero: “三公”经费, 机关运行经费, 政府采购, 国有资产,
使用非财政拨款结余, 结余分配, the 部门整体绩效自评 (its 预算数, 执行数 and 目标分值 are
required figures), the rest of
预算绩效管理情况 (last year's project counts, scores and 结果应用), 增减和差异原因 (they
explain last year's changes) and the 封面说明 (about last year's document).
"""

from __future__ import annotations

from typing import Any

from juesuan.filing.base import Model
from juesuan.filing.model import (
    Budget,
    BudgetItem,
    CarryOver,
    EconomicRow,
    ExpenditureRow,
    Filing,
    Fund,
    IncomeRow,
    PriorYear,
)
from juesuan.filing.performance import (
    Funds,
    Indicator,
    Management,
    Performance,
    ProjectEvaluation,
    ProjectFunds,
)


def _data(model: Model) -> dict[str, Any]:
    # The shape filing_to_data gives: JSON types, amounts as strings, defaults left out.
    return model.model_dump(mode="json", exclude_defaults=True)


def carry_forward(last: Filing, year: int, *,
                  prior_year: PriorYear | None = None) -> dict[str, Any]:
    """The data of ``year``'s filing started from ``last`` (the filing of ``year - 1``).

    ``prior_year`` is 上年数 as last year's tables print them; without it the new filing
    has none (the narrative then asks for them), never zeros.
    """
    if year != last.year + 1:
        raise ValueError(f"上年度填报是 {last.year} 年度的，只能生成 {last.year + 1} 年度的填报，"
                         f"不能生成 {year} 年度的")
    data: dict[str, Any] = {"year": year, "unit": last.unit.value}
    if last.layout is not None:
        data["layout"] = last.layout
    data["department"] = _data(last.department)
    organisation = _data(last.organisation)
    if organisation:
        data["organisation"] = organisation
    data["income"] = [_data(IncomeRow(code=row.code, name=row.name)) for row in last.income]
    data["expenditure"] = [_data(ExpenditureRow(code=row.code, name=row.name, fund=row.fund))
                           for row in last.expenditure]
    economic = [_data(EconomicRow(code=row.code, name=row.name)) for row in last.basic_economic]
    if economic:
        data["basic_economic"] = economic
    carry = [_data(CarryOver(fund=row.fund, code=row.code, opening=row.closing))
             for row in last.carry_over if row.closing is not None]
    if carry:
        data["carry_over"] = carry
    budget = _data(Budget(items=tuple(BudgetItem(code=code, fund=fund)
                                      for code, fund in _budget_keys(last))))
    if budget:
        data["budget"] = budget
    if prior_year is not None:
        prior = _data(prior_year)
        if prior:
            data["prior_year"] = prior
    performance = _performance_drafts(last.performance)
    if performance is not None:
        data["performance"] = _data(performance)
    return data


def _budget_keys(last: Filing) -> list[tuple[str, Fund]]:
    """(科目, 资金来源) of last year's 支出 rows, once each, in their order."""
    return list(dict.fromkeys((row.code, row.fund) for row in last.expenditure))


def _performance_drafts(last: Performance | None) -> Performance | None:
    """The texts of last year's self-evaluation as drafts for this year's: the description of
    预算绩效管理 (its rules and mechanisms) and the projects; None when there is neither."""
    if last is None:
        return None
    description = last.management.description if last.management else None
    management = Management(description=description) if description else None
    if management is None and not last.projects:
        return None
    projects = tuple(
        ProjectEvaluation(
            name=p.name, department=p.department, implementer=p.implementer,
            category=p.category, attribute=p.attribute, kind=p.kind,
            funds=ProjectFunds(total=Funds()), goal=p.goal,
            indicators=tuple(
                Indicator(level1=i.level1, level2=i.level2, name=i.name, target=i.target,
                          direction=i.direction, unit=i.unit)
                for i in p.indicators))
        for p in last.projects)
    return Performance(management=management, scheme=last.scheme, projects=projects)
