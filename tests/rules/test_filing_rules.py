"""Checks of the filing itself: every F.* rule passes on the good filing and fires, at the
right field path and with the real figures, when the filing is changed to break it.

Each failing case mutates a deep copy of the good filing's dict (amounts in 元), then
runs the filing rules as ``check_filing`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from mutations import both, delete, set_

from juesuan.catalogue import REGISTRY
from juesuan.filing.model import Filing
from juesuan.rules import filing as filing_rules
from juesuan.rules.check import check_filing
from juesuan.rules.finding import Finding, Location, Severity
from juesuan.rules.registry import run

FILING_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "filing")

# Indices into the good filing (see conftest.py).
EXP_2010601, EXP_2010602, EXP_2080505, EXP_FUND, EXP_NON_FISCAL = 0, 1, 2, 5, 6
CARRY_GPB, CARRY_FUND, CARRY_NON_FISCAL = 0, 1, 2
ECON_30201, ECON_31002 = 5, 11

Data = dict[str, Any]


def filing_findings(data: Data) -> list[Finding]:
    filing = Filing.model_validate(data)
    return run(filing_rules.RULES, filing, unit=filing.unit.value)


# --- mutations ---------------------------------------------------------------------


def repeat(section: str, index: int) -> Callable[[Data], None]:
    """Append a copy of ``section[index]`` (``budget.items`` for budget items)."""

    def mutate(data: Data) -> None:
        node: Any = data
        for part in section.split("."):
            node = node[part]
        node.append(dict(node[index]))

    return mutate


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Data], None]
    path: str
    expected: str
    found: str
    severity: Severity | None = None  # None: the rule's own severity


C = Case

FILING_CASES: dict[str, list[Case]] = {
    "F.negative": [
        C("negative project expenditure", set_("expenditure.1.project", "-400000.00"),
          "expenditure[1].project", "≥ 0", "-400000.00"),
        C("negative income", set_("income.0.other", "-50000.00"),
          "income[0].other", "≥ 0", "-50000.00"),
        C("negative economic amount", set_("basic_economic.5.amount", "-1.50"),
          "basic_economic[5].amount", "≥ 0", "-1.50"),
        C("negative 三公 budget", set_("three_public.reception.budget", "-10000.00"),
          "three_public.reception.budget", "≥ 0", "-10000.00"),
        C("negative procurement", set_("procurement.goods", "-1.00"),
          "procurement.goods", "≥ 0", "-1.00"),
        C("negative operating costs", set_("operating_costs.final", "-2.00"),
          "operating_costs.final", "≥ 0", "-2.00"),
        C("negative budget item", set_("budget.items.1.adjusted", "-3.00"),
          "budget.items[1].adjusted", "≥ 0", "-3.00"),
        C("negative budget total", set_("budget.general_budget_initial", "-1700000.00"),
          "budget.general_budget_initial", "≥ 0", "-1700000.00"),
        C("negative department budget", set_("budget.income_initial", "-4.00"),
          "budget.income_initial", "≥ 0", "-4.00"),
        C("negative operating costs budget", set_("operating_costs.budget", "-5.00"),
          "operating_costs.budget", "≥ 0", "-5.00"),
        C("negative closing balance is only a warning", set_("carry_over.0.closing", "-50000.00"),
          "carry_over[0].closing", "≥ 0", "-50000.00", Severity.WARNING),
    ],
    "F.duplicate-row": [
        C("expenditure", repeat("expenditure", EXP_2080505),
          "expenditure[8]", "每个科目只填一行", "与 expenditure[2] 重复"),
        C("income", repeat("income", 3), "income[6]", "每个科目只填一行", "与 income[3] 重复"),
        C("economic", repeat("basic_economic", ECON_31002),
          "basic_economic[12]", "每个科目只填一行", "与 basic_economic[11] 重复"),
        C("carry-over", repeat("carry_over", CARRY_GPB),
          "carry_over[3]", "每个科目只填一行", "与 carry_over[0] 重复"),
        C("budget item", repeat("budget.items", 0),
          "budget.items[6]", "每个科目只填一行", "与 budget.items[0] 重复"),
    ],
    "F.code-unknown": [
        C("unknown 项", set_("budget.items.0.code", "2010698"),
          "budget.items[0].code", "有效的功能分类编码", "2010698"),
        C("unknown 款", set_("expenditure.7.code", "2018801"),
          "expenditure[7].code", "有效的功能分类编码", "20188"),
        C("unknown 类", set_("income.4.code", "2980101"),
          "income[4].code", "有效的功能分类编码", "298"),
        C("unknown 经济分类 款", set_("basic_economic.11.code", "31098"),
          "basic_economic[11].code", "有效的经济分类编码", "31098"),
        C("year outside the code list", set_("year", 2018), "year", "2019–2026", "2018"),
    ],
    "F.code-name": [
        C("expenditure", set_("expenditure.0.name", "行政运行经费"),
          "expenditure[0].name", "行政运行", "行政运行经费"),
        C("income", set_("income.0.name", "财政事务"), "income[0].name", "行政运行", "财政事务"),
        C("economic", set_("basic_economic.5.name", "办公用品"),
          "basic_economic[5].name", "办公费", "办公用品"),
    ],
    "F.fund-balance": [
        C("general budget closing +10000", set_("carry_over.0.closing", "60000.00"),
          "carry_over", "1900000.00", "1910000.00"),
        C("government fund income +10000", set_("income.5.government_fund", "210000.00"),
          "carry_over", "220000.00", "210000.00"),
        C("non-fiscal balance used left out", delete("non_fiscal_balance_used"),
          "carry_over", "130000.00", "140000.00"),
    ],
    "F.fiscal-kind": [
        C("上缴上级支出 from the general budget", set_("expenditure.0.remit_superior", "1000.00"),
          "expenditure[0].remit_superior", "资金来源 non_fiscal", "1000.00"),
        C("对附属单位补助 from the general budget",
          set_("expenditure.2.subsidy_affiliated", "500.00"),
          "expenditure[2].subsidy_affiliated", "资金来源 non_fiscal", "500.00"),
        C("经营支出 from a fund is an error", set_("expenditure.5.operating", "1000.00"),
          "expenditure[5].operating", "资金来源 non_fiscal", "1000.00", Severity.ERROR),
    ],
    "F.fund-carry-code": [
        C("government fund carry-over without code", delete("carry_over.1.code"),
          "carry_over[1]", "7 位功能分类编码", "缺失"),
        C("state capital carry-over without code",
          lambda d: d["carry_over"].append({"fund": "state_capital", "opening": "0.00"}),
          "carry_over[3]", "7 位功能分类编码", "缺失"),
    ],
    "F.three-public-counts": [
        C("出国 without groups", set_("three_public.outbound.groups", None),
          "three_public.outbound.groups", "团组数 > 0", "未填"),
        C("接待 with zero persons", set_("three_public.reception.persons", 0),
          "three_public.reception.persons", "接待人次 > 0", "0"),
        C("运行费 without fleet", delete("three_public.vehicle_operation.fleet"),
          "three_public.vehicle_operation.fleet", "公务用车保有量 > 0", "未填"),
        C("vehicles bought without money", set_("three_public.vehicle_purchase.final", "0.00"),
          "three_public.vehicle_purchase.final", "> 0", "0.00"),
        C("groups without money", delete("three_public.outbound.final"),
          "three_public.outbound.final", "> 0", "0.00"),
    ],
    "F.procurement-total": [
        C("goods +10000", set_("procurement.goods", "210000.00"),
          "procurement.total", "510000.00", "500000.00"),
        C("SME award above reservation", set_("procurement.sme_awarded_reserved", "350000.00"),
          "procurement.sme_awarded_reserved", "≤ 300000.00", "350000.00"),
    ],
    "F.budget-total": [
        C("total +100000", set_("budget.general_budget_initial", "1800000.00"),
          "budget.general_budget_initial", "1700000.00", "1800000.00"),
        C("item -0.01", set_("budget.items.4.initial", "89999.99"),
          "budget.general_budget_initial", "1699999.99", "1700000.00"),
    ],
    "F.operating-costs": [
        C("above 公用经费", set_("operating_costs.final", "260000.00"),
          "operating_costs.final", "≤ 250000.00", "260000.00"),
    ],
    "F.empty": [
        C("no income and no expenditure", both(set_("income", []), set_("expenditure", [])),
          "income", "至少一行收支", "无"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}:{case.name}")
    for rule_id, cases in FILING_CASES.items()
    for case in cases
]


@pytest.mark.parametrize("rule_id", FILING_RULES)
def test_every_filing_rule_has_a_failing_case(rule_id: str) -> None:
    assert FILING_CASES.get(rule_id), (
        f"rule {rule_id} has no failing case: add one to FILING_CASES in {__file__}"
    )


def test_failing_cases_name_registered_rules() -> None:
    assert set(FILING_CASES) <= set(FILING_RULES)


def test_good_filing_passes_every_filing_rule(good: Filing) -> None:
    assert run(filing_rules.RULES, good, unit=good.unit.value) == []


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case, good_data: Data) -> None:
    case.mutate(good_data)
    findings = [f for f in filing_findings(good_data) if f.rule == rule_id]
    at_path = [f for f in findings if f.location == Location(path=case.path)]
    assert at_path, f"{rule_id} did not fire at {case.path}; findings: {findings}"
    matching = [f for f in at_path if (f.expected, f.found) == (case.expected, case.found)]
    assert matching, f"expected {case.expected!r}, found {case.found!r}; findings: {at_path}"
    assert matching[0].severity is (case.severity or REGISTRY[rule_id].severity)
    assert matching[0].message


def test_fund_balance_message_states_the_figures_in_yuan(good_data: Data) -> None:
    set_("carry_over.0.closing", "60000.00")(good_data)
    [finding] = [f for f in filing_findings(good_data) if f.rule == "F.fund-balance"]
    assert finding.message.startswith("一般公共预算财政拨款：")
    assert "年初 100000.00，收入 1800000.00，支出 1850000.00，年末 60000.00" in finding.message
    assert "差额 10000.00元" in finding.message


def test_check_filing_includes_filing_rules(good_data: Data) -> None:
    set_("procurement.goods", "210000.00")(good_data)
    findings = check_filing(Filing.model_validate(good_data))
    assert [(f.rule, f.location.path) for f in findings] == [
        ("F.procurement-total", "procurement.total")
    ]


# --- the passing side of the softer rules ----------------------------------------------


def test_same_code_from_another_fund_is_not_a_duplicate(good: Filing) -> None:
    assert good.expenditure[EXP_2010601].code == good.expenditure[EXP_NON_FISCAL].code
    assert not [f for f in run(filing_rules.RULES, good, unit="元") if f.rule == "F.duplicate-row"]


def test_names_compare_without_spaces_and_bracket_width(good: Filing) -> None:
    # The good filing writes " 一般行政 管理事务 " and "因公出国(境)费用".
    assert good.expenditure[EXP_2010602].name == "一般行政 管理事务"
    assert "(" in (good.basic_economic[6].name or "")
    assert not [f for f in run(filing_rules.RULES, good, unit="元") if f.rule == "F.code-name"]


def test_non_fiscal_money_may_pay_operating_expenditure(good_data: Data) -> None:
    set_("expenditure.6.operating", "1000.00")(good_data)
    rules = {f.rule for f in filing_findings(good_data)}
    assert "F.fiscal-kind" not in rules
    assert "F.fund-balance" in rules  # the extra 1000 元 unbalances the non-fiscal money


def test_operating_costs_equal_to_public_funds_pass(good_data: Data) -> None:
    set_("operating_costs.final", "250000.00")(good_data)
    assert filing_findings(good_data) == []


def test_negative_opening_balance_is_a_warning_only(good_data: Data) -> None:
    both(set_("carry_over.2.opening", "-10000.00"),
         set_("carry_over.2.closing", "0.00"))(good_data)
    findings = filing_findings(good_data)
    assert [(f.rule, f.severity, f.location.path) for f in findings] == [
        ("F.negative", Severity.WARNING, "carry_over[2].opening")
    ]


# --- rounding in a filing in 万元 -------------------------------------------------------


# The general budget balance adds 13 amounts written to 0.01 万元 (opening, 5 incomes,
# 6 expenditures, closing): ±0.065 万元 is rounding.
@pytest.mark.parametrize(("delta", "severity"), [
    ("0.01", Severity.INFO), ("0.06", Severity.INFO), ("-0.06", Severity.INFO),
    ("0.07", Severity.ERROR), ("1.00", Severity.ERROR),
])
def test_fund_balance_in_wan_allows_rounding(
    delta: str, severity: Severity, good_data: Data,
    to_wan: Callable[[Data], Data],
) -> None:
    data = to_wan(good_data)
    carry = data["carry_over"][CARRY_GPB]
    carry["closing"] = str(Decimal(carry["closing"]) + Decimal(delta))
    findings = filing_findings(data)
    assert [(f.rule, f.severity, f.location.path) for f in findings] == [
        ("F.fund-balance", severity, "carry_over")
    ]
    assert findings[0].expected == "190.00"
    assert "万元" in findings[0].message


def test_procurement_in_wan_allows_rounding(good_data: Data, to_wan: Callable[[Data], Data]) -> None:
    data = to_wan(good_data)
    data["procurement"]["total"] = "50.02"  # 20.00 + 10.00 + 30.00 within ±0.02
    [finding] = filing_findings(data)
    assert (finding.rule, finding.severity) == ("F.procurement-total", Severity.INFO)
    data["procurement"]["total"] = "50.03"
    [finding] = filing_findings(data)
    assert (finding.rule, finding.severity) == ("F.procurement-total", Severity.ERROR)
