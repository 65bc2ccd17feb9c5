"""The 汇总 elimination checks H.1 and H.2 as rules: each passes on a parent whose flows with
its children agree and fires, with the real expected/found and the tolerance used, when one
side is changed; rounding is info, a parent with children outside the set (选择汇总) a warning.

The parent 某某局 (101) pays its two children 1,839,382.18 元 of 对附属单位补助支出 and receives
52,000.00 元 of 附属单位上缴收入 from them; the children show the same. Whole-department runs
(the sides read off real filings) are in tests/consolidate/.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import pytest

from juesuan.catalogue import REGISTRY
from juesuan.consolidate.rules import RULES, Flows
from juesuan.money import AmountUnit
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import run, run_outcomes
from juesuan.tables.amounts import Amt, amt

CONSOLIDATION_RULES = sorted(r.id for r in REGISTRY.values() if r.scope == "consolidation")


def yuan(value: str) -> Amt:
    return amt(Decimal(value), AmountUnit.YUAN)


def wan(value: str) -> Amt:
    """A figure of a filing in 万元, with the rounding error of its decimals."""
    return amt(Decimal(value), AmountUnit.WAN_YUAN)


GOOD = Flows("101", "某某局", ("某某中心", "某某所"), (),
             subsidy_paid=yuan("1839382.18"), subsidy_received=yuan("1839382.18"),
             remittance_received=yuan("52000.00"), remittance_paid=yuan("52000.00"),
             unit=AmountUnit.YUAN)
IN_WAN = replace(GOOD, subsidy_paid=wan("183.94"), subsidy_received=wan("183.94"),
                 remittance_received=wan("5.20"), remittance_paid=wan("5.20"),
                 unit=AmountUnit.WAN_YUAN)
# 选择汇总: the chosen child 某某中心 got 640,595.77 of the parent's 1,839,382.18; 101002 is not chosen
PARTIAL = replace(GOOD, children=("某某中心",), outside=("101002",),
                  subsidy_received=yuan("640595.77"), remittance_received=yuan("0"),
                  remittance_paid=yuan("0"))


@dataclass(frozen=True)
class Case:
    description: str
    subject: Flows
    expected: str
    found: str
    tolerance: str
    says: str  # a phrase of the message
    severity: Severity | None = None  # the rule's unless given


CONSOLIDATION_CASES: dict[str, list[Case]] = {
    "H.1": [
        Case("children received 100 元 more", replace(GOOD, subsidy_received=yuan("1839482.18")),
             "1839382.18", "1839482.18", "0.00", "两方不符，差额 100.00元"),
        Case("万元 figures 0.02 apart beyond ±0.01", replace(IN_WAN, subsidy_received=wan("183.96")),
             "183.94", "183.96", "0.01", "差额 0.02万元"),
        Case("万元 figures 0.01 apart: rounding", replace(IN_WAN, subsidy_received=wan("183.95")),
             "183.94", "183.95", "0.01", "在四舍五入误差范围内（允许 ±0.01）", Severity.INFO),
        Case("选择汇总: the rest went to a child outside the set", PARTIAL,
             "1839382.18", "640595.77", "0.00", "其余 1198786.41元 作为与汇总范围外单位的往来保留",
             Severity.WARNING),
        Case("选择汇总: the chosen child received more than the parent paid",
             replace(PARTIAL, subsidy_received=yuan("1839382.19")), "1839382.18", "1839382.19",
             "0.00", "所选下级单位的上级补助收入大于上级单位对附属单位补助支出总额，差额 0.01元"),
    ],
    "H.2": [
        Case("children remitted 0.01 元 less", replace(GOOD, remittance_paid=yuan("51999.99")),
             "52000.00", "51999.99", "0.00", "两方不符，差额 -0.01元"),
        Case("the parent shows no remittance", replace(GOOD, remittance_received=yuan("0")),
             "0.00", "52000.00", "0.00", "附属单位上缴收入 0.00元"),
    ],
}

FLAT_CASES = [
    pytest.param(rule_id, case, id=f"{rule_id}-{case.description}")
    for rule_id, cases in CONSOLIDATION_CASES.items()
    for case in cases
]
PATHS = {"H.1": "expenditure[*].subsidy_affiliated", "H.2": "income[*].affiliated_remittance"}


def test_rules_are_the_catalogues() -> None:
    assert CONSOLIDATION_RULES == ["H.1", "H.2"]
    assert [r.id for r in RULES] == CONSOLIDATION_RULES
    assert all(REGISTRY[r.id] is r for r in RULES)


@pytest.mark.parametrize("rule_id", CONSOLIDATION_RULES)
def test_every_consolidation_rule_has_a_failing_case(rule_id: str) -> None:
    assert CONSOLIDATION_CASES.get(rule_id), f"rule {rule_id} has no failing case"


@pytest.mark.parametrize("subject", [GOOD, IN_WAN], ids=["元", "万元"])
def test_agreeing_flows_pass(subject: Flows) -> None:
    findings, outcomes = run_outcomes(RULES, subject, unit=subject.unit.value)
    assert findings == []
    assert [(o.rule, o.result) for o in outcomes] == [("H.1", "passed"), ("H.2", "passed")]


@pytest.mark.parametrize(("rule_id", "case"), FLAT_CASES)
def test_rule_fires(rule_id: str, case: Case) -> None:
    findings = run(RULES, case.subject, unit=case.subject.unit.value)
    [finding] = [f for f in findings if f.rule == rule_id]
    assert finding.severity is (case.severity or REGISTRY[rule_id].severity)
    assert (finding.expected, finding.found, finding.tolerance) == (case.expected, case.found,
                                                                     case.tolerance)
    assert finding.location == Location(file="101", path=PATHS[rule_id])
    assert finding.message.startswith(f"{REGISTRY[rule_id].title}：某某局（101）")
    assert case.says in finding.message, finding.message
    _, outcomes = run_outcomes(RULES, case.subject, unit=case.subject.unit.value)
    result = {o.rule: o.result for o in outcomes}[rule_id]
    assert result == ("passed" if finding.severity is Severity.INFO else "failed")


def test_partial_without_flows_is_silent() -> None:
    """A parent with children outside the set that pays them nothing has nothing to warn of."""
    findings = run(RULES, replace(PARTIAL, subsidy_paid=yuan("0"), subsidy_received=yuan("0")))
    assert findings == []


def test_many_children_are_named_up_to_eight() -> None:
    names = tuple(f"单位{n}" for n in range(1, 11))
    subject = replace(GOOD, children=names, subsidy_received=yuan("1839382.28"))
    [finding] = run(RULES, subject, unit="元")
    assert "下级单位（单位1、单位2、单位3、单位4、单位5、单位6、单位7、单位8等）上级补助收入合计" in finding.message
    assert "单位9" not in finding.message
