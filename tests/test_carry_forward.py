"""A new year's filing from last year's (由上年度生成): the rows, 年初结转和结余 = last year's
年末, the 预算数 codes and the texts come over with every amount empty, and the new filing
warns of no change against last year until the year's figures are entered.

Run on the two bundled examples and on synthetic filings of benchmarks/generate.py.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from juesuan.assess import check_all
from juesuan.filing.carry_forward import carry_forward
from juesuan.filing.io import filing_from_data, filing_to_data, load_filing
from juesuan.filing.model import EXPENDITURE_KINDS, INCOME_SOURCES, Filing, Fund, PriorYear
from juesuan.narrative.rules import figures_entered
from juesuan.rules.finding import Finding
from juesuan.rules.tables import evaluate_tables
from juesuan.tables.build import build_tables
from juesuan.web.filings.imports import prior_year_data  # pure: last year's tables, no Django
from test_benchmark_generator import generate  # benchmarks/generate.py

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {"shanghai": ROOT / "examples" / "shanghai-putuo-czj-2024.yaml",
            "suizhou": ROOT / "examples" / "suizhou-zwfw-2020.yaml"}
SEEDS = (0, 1, 2)
# What a filing says of last year: never carried into the new year's data.
NOT_CARRIED = ("three_public", "operating_costs", "procurement", "assets",
               "reasons", "notices", "non_fiscal_balance_used", "surplus_distribution")




def last_filing(name: str) -> Filing:
    if name in EXAMPLES:
        return load_filing(EXAMPLES[name]).filing
    result: Filing = generate.generate_filing(int(name.removeprefix("seed")))
    return result


LASTS = [*EXAMPLES, *(f"seed{s}" for s in SEEDS)]


@pytest.fixture(scope="module", params=LASTS)
def last(request: pytest.FixtureRequest) -> Filing:
    return last_filing(request.param)


def started(last: Filing) -> tuple[dict[str, Any], Filing]:
    """The new year's data (上年数 from last year's tables, as the web app gives them) and
    the filing it reads as."""
    prior = PriorYear.model_validate(prior_year_data(last))
    data = carry_forward(last, last.year + 1, prior_year=prior)
    return data, filing_from_data(data, "由上年度生成")


def test_the_rows_are_last_years_codes_with_no_amount(last: Filing) -> None:
    data, new = started(last)
    assert new.year == last.year + 1 and new.unit is last.unit and new.layout == last.layout
    assert last.income and last.expenditure
    assert [(r.code, r.name) for r in new.income] == [(r.code, r.name) for r in last.income]
    assert ([(r.code, r.name, r.fund) for r in new.expenditure]
            == [(r.code, r.name, r.fund) for r in last.expenditure])
    assert all(getattr(r, key) is None for r in new.income for key in INCOME_SOURCES)
    assert all(getattr(r, key) is None for r in new.expenditure for key in EXPENDITURE_KINDS)
    assert not figures_entered(new) and figures_entered(last)
    # plain data in the very shape filing_to_data gives, amounts left out rather than zero
    assert filing_to_data(new) == data
    assert all(set(row) <= {"code", "name", "fund"} for row in data["expenditure"])


def test_the_economic_rows_come_over_without_their_amounts(last: Filing) -> None:
    data, new = started(last)
    assert last.basic_economic, "every example and synthetic filing has 基本支出经济分类"
    assert ([(r.code, r.name) for r in new.basic_economic]
            == [(r.code, r.name) for r in last.basic_economic])
    assert all(r.amount is not None for r in last.basic_economic)
    assert all(r.amount is None for r in new.basic_economic)
    # left out of the data, never written as 0, and read back the same
    assert all(set(row) <= {"code", "name"} for row in data["basic_economic"])
    assert filing_from_data(filing_to_data(new), "x") == new


def test_unfilled_economic_rows_are_blank_in_table6_and_not_checked(last: Filing) -> None:
    _, new = started(last)
    t6 = build_tables(new)[6]
    codes = list(dict.fromkeys(r.code for r in new.basic_economic))
    assert t6.unfilled == tuple(codes)
    for code in codes:  # each row printed, its cell blank (not 0.00)
        assert t6.row(code).values == (None, None)
    outcomes = {o.rule: o for o in evaluate_tables(build_tables(new))[1]}
    assert outcomes["X7"].result == "not_evaluated"
    assert outcomes["X7"].reason == f"表6 经济分类科目 {'、'.join(codes)} 尚未填写决算数"


def test_opening_is_last_years_closing(last: Filing) -> None:
    _, new = started(last)
    closed = [(c.fund, c.code, c.closing) for c in last.carry_over if c.closing is not None]
    assert closed, "every example and synthetic filing has a 年末结转和结余"
    assert [(c.fund, c.code, c.opening) for c in new.carry_over] == closed
    assert all(isinstance(c.opening, Decimal) for c in new.carry_over)
    assert all(c.closing is None for c in new.carry_over)


def test_budget_items_are_last_years_expenditure_codes(last: Filing) -> None:
    _, new = started(last)
    keys = list(dict.fromkeys((r.code, r.fund) for r in last.expenditure))
    assert [(i.code, i.fund) for i in new.budget.items] == keys
    assert all(i.initial is None and i.adjusted is None and i.purpose is None
               for i in new.budget.items)
    budget = new.budget
    assert (budget.income_initial, budget.expenditure_initial, budget.general_budget_initial) == (
        None, None, None)


def test_department_texts_come_over_and_last_years_own_do_not(last: Filing) -> None:
    data, new = started(last)
    assert new.department == last.department and new.organisation == last.organisation
    for key in NOT_CARRIED:
        assert key not in data, key
    assert new.prior_year == PriorYear.model_validate(prior_year_data(last))


def test_the_examples_figures() -> None:
    """Pinned: 上海 2024 年末 一般公共预算 21.63, 非财政拨款 33.71; 随州 2020 年末 6.30."""
    _, shanghai = started(last_filing("shanghai"))
    assert [(c.fund, c.opening) for c in shanghai.carry_over] == [
        (Fund.GENERAL_BUDGET, Decimal("21.63")), (Fund.NON_FISCAL, Decimal("33.71"))]
    assert len(shanghai.income) == len(shanghai.expenditure) == len(shanghai.budget.items) == 11
    assert shanghai.prior_year.grand_total == Decimal("2995.40")
    assert shanghai.organisation.duties[0] == last_filing("shanghai").organisation.duties[0]
    _, suizhou = started(last_filing("suizhou"))
    assert [(c.fund, c.code, c.opening) for c in suizhou.carry_over] == [
        (Fund.GENERAL_BUDGET, None, Decimal("6.30"))]
    assert [r.code for r in suizhou.income] == ["2010301", "2010306", "2010399"]


def test_performance_projects_are_drafts_without_figures() -> None:
    old = last_filing("suizhou")
    assert old.performance is not None and old.performance.management is not None
    _, new = started(old)
    perf = new.performance
    assert perf is not None and perf.scheme == "hubei-2020"
    assert [p.name for p in perf.projects] == [p.name for p in old.performance.projects]
    assert perf.department is None  # its 预算数, 执行数 and 目标分值 are figures
    assert perf.management is not None
    assert perf.management.description == old.performance.management.description
    assert perf.management.application is None and perf.management.targets is None
    for was, project in zip(old.performance.projects, perf.projects, strict=True):
        assert (project.goal, project.implementer) == (was.goal, was.implementer)
        assert project.achieved is None and project.summary is None
        assert project.funds.total.model_dump(exclude_defaults=True) == {}
        assert project.funds.current_year is None and project.stated.total is None
        assert ([(i.level1, i.name, i.target) for i in project.indicators]
                == [(i.level1, i.name, i.target) for i in was.indicators])
        for indicator in project.indicators:
            assert indicator.actual is None and indicator.tier is None
            assert indicator.weight is None and indicator.stated_score is None
    _, shanghai = started(last_filing("shanghai"))
    assert shanghai.performance is not None and shanghai.performance.projects == ()


def test_without_prior_year_figures_there_are_none() -> None:
    old = last_filing("suizhou")
    data = carry_forward(old, 2021)
    assert "prior_year" not in data
    assert filing_from_data(data, "x").prior_year == PriorYear()


def test_only_the_next_year_can_be_started() -> None:
    old = last_filing("suizhou")
    with pytest.raises(ValueError, match="上年度填报是 2020 年度的，只能生成 2021 年度的填报"):
        carry_forward(old, 2022)


def change_findings(findings: list[Finding], last: Filing) -> list[Finding]:
    """Findings about a change against last year: 增减原因, or a message on 较…年度."""
    return [f for f in findings
            if f.rule == "N.reason-missing" or f"较{last.year}年度" in f.message
            or (f.location.path or "").endswith("_change")]


def test_no_warning_about_changes_until_the_figures_are_entered(last: Filing) -> None:
    _, new = started(last)
    findings = check_all(new, scheme=None)
    assert change_findings(findings, last) == []
    # What remains: 年初结转和结余 without the year's figures does not balance yet (F.fund-balance
    # and the tables' T1/T4/T8 balances), and what the 情况说明 needs (预算数, 主要用途, …).
    rules = {f.rule for f in findings}
    assert rules <= {"F.fund-balance", "T1.e", "T4.c", "T4.d", "T8.a", "N.budget-missing",
                     "N.data-missing"}, rules
    assert "F.fund-balance" in rules and "N.data-missing" in rules
    # Once one amount is entered, the changes against last year are asked for again.
    data = filing_to_data(new)
    data["income"][0]["general_budget"] = "1.00"
    entered = filing_from_data(data, "x")
    assert change_findings(check_all(entered, scheme=None), last)


def test_the_shanghai_decrease_of_the_issue_is_gone() -> None:
    """The issue: the empty new filing warned of a 2,995.40 decrease (old start: no rows)."""
    old = last_filing("shanghai")
    _, new = started(old)
    messages = [f.message for f in check_all(new, scheme=None)]
    assert not [m for m in messages if "减少" in m]
    # F.fund-balance states the one imbalance there is: last year's 21.63 not yet used
    assert any("年初 21.63" in m for m in messages)
