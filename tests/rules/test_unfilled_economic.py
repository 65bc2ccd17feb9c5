"""A 基本支出经济分类 row without its 决算数 (as a filing started from last year's has) is not
filled yet, never 0: 表6 prints the row blank and every rule that needs it is "not evaluated",
where a 0 would make X7 and F.operating-costs fail (or pass) on a figure nobody entered.

The good filing (conftest.py): 302 = 30201 120,000 + 30212 10,000 + 30217 8,000 + 30231 30,000
+ 30299 52,000 元; 公用经费 250,000 ≥ 机关运行经费 200,000; 表5 基本支出 1,300,000 = 表6.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from juesuan.filing.model import Filing
from juesuan.rules import filing as filing_rules
from juesuan.rules.check import check_filing
from juesuan.rules.registry import Outcome, run_outcomes
from juesuan.rules.tables import evaluate_tables
from juesuan.tables.build import build_tables

ECON_30108, ECON_30201 = 2, 5


def without_amount(data: dict[str, Any], index: int) -> Filing:
    del data["basic_economic"][index]["amount"]
    return Filing.model_validate(data)


def outcomes(filing: Filing) -> dict[str, Outcome]:
    found = run_outcomes(filing_rules.RULES, filing, unit=filing.unit.value)[1]
    found += evaluate_tables(build_tables(filing))[1]
    return {o.rule: o for o in found}


def test_the_row_is_printed_blank_and_not_summed(good_data: dict[str, Any]) -> None:
    filing = without_amount(good_data, ECON_30201)
    assert filing.basic_economic[ECON_30201].amount is None
    t6 = build_tables(filing)[6]
    assert t6.unfilled == ("30201",)
    assert t6.row("30201").values == (None, None)  # blank, not 0.00
    # 302 and 公用经费合计 hold what was entered: 100,000 and 130,000 元
    assert t6.cell("302", "public") == Decimal("10.0000")
    assert t6.cell("public_total", "public") == Decimal("13.0000")
    # a row of a 款 the template does not print is shown too, for the filer to fill
    good_data["basic_economic"].append({"code": "30906"})
    t6 = build_tables(Filing.model_validate(good_data))[6]
    assert t6.unfilled == ("30201", "30906") and t6.row("30906").values == (None, None)


def test_the_rules_that_need_it_are_not_evaluated(good_data: dict[str, Any]) -> None:
    filing = without_amount(good_data, ECON_30201)
    found = outcomes(filing)
    assert found["X7"] == Outcome("X7", "not_evaluated", "表6 经济分类科目 30201 尚未填写决算数")
    assert found["F.operating-costs"] == Outcome(
        "F.operating-costs", "not_evaluated", "公用经费科目 30201 尚未填写决算数")
    assert found["X12"].result == "passed" and found["F.negative"].result == "passed"
    assert check_filing(filing) == []


def test_a_zero_entered_is_checked(good_data: dict[str, Any]) -> None:
    """The same row with 0 entered: 表6 is 120,000 元 short of 表5 and 公用经费 130,000 is below
    机关运行经费 200,000, and both rules say so."""
    good_data["basic_economic"][ECON_30201]["amount"] = "0.00"
    filing = Filing.model_validate(good_data)
    found = outcomes(filing)
    assert found["X7"].result == "failed" and found["F.operating-costs"].result == "failed"
    x7 = [f for f in check_filing(filing) if f.rule == "X7"]
    assert [(f.expected, f.found) for f in x7] == [("130.00", "118.00")]


def test_an_unfilled_personnel_row_stops_only_its_pair(good_data: dict[str, Any]) -> None:
    """30108 pairs with 2080505 in X12; 公用经费 does not need it."""
    filing = without_amount(good_data, ECON_30108)
    found = outcomes(filing)
    assert found["X12"] == Outcome("X12", "not_evaluated", "表6 经济分类科目 30108 尚未填写决算数")
    assert found["X7"].result == "not_evaluated"
    assert found["F.operating-costs"].result == "passed"
    assert check_filing(filing) == []
