"""The elimination checks of 汇总 as rules (scope ``consolidation``, ids H.*): for one parent
consolidated with its children, its side of a flow against theirs. Pure.

:func:`juesuan.consolidate.consolidate` runs :data:`RULES` on a :class:`Flows` for each parent
with children in the set; the catalogue lists them with the other rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.money import ZERO, AmountUnit, per_wan, printable
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import Report, Rule, rule, show
from juesuan.tables.amounts import Amt
from juesuan.tolerance import allowed, grade

H_REF = "部门决算汇总抵消；docs/consolidate.md"


@dataclass(frozen=True)
class Flows:
    """One parent and its children in the set: each side of the two flows between them, in
    万元 with the rounding error of how the units wrote them (:func:`juesuan.tables.amounts.amt`)."""

    parent: str  # the parent's key (code)
    parent_name: str
    children: tuple[str, ...]  # names of its children in the set
    outside: tuple[str, ...]  # keys of its children not in the set (选择汇总)
    subsidy_paid: Amt  # the parent's 对附属单位补助支出
    subsidy_received: Amt  # the children's 上级补助收入
    remittance_received: Amt  # the parent's 附属单位上缴收入
    remittance_paid: Amt  # the children's 上缴上级支出
    unit: AmountUnit  # of the consolidated filing: the unit the findings state figures in


@rule("H.1", "上级补助收入与对附属单位补助支出抵消", severity=Severity.ERROR, scope="consolidation",
      description="同时汇总的上级单位与其下级单位：下级单位上级补助收入合计应等于上级单位对附属单位补助支出合计。"
      "两方均全额抵消（选择汇总只选了部分下级单位时，上级一方只抵消所选下级单位的数额，并给出警告）。",
      reference=H_REF)
def subsidy(flows: Flows, report: Report) -> None:
    _compare(report, flows, flows.subsidy_paid, flows.subsidy_received,
             ("对附属单位补助支出", "上级补助收入"), "expenditure[*].subsidy_affiliated")


@rule("H.2", "附属单位上缴收入与上缴上级支出抵消", severity=Severity.ERROR, scope="consolidation",
      description="同时汇总的上级单位与其下级单位：上级单位附属单位上缴收入合计应等于下级单位上缴上级支出合计。"
      "两方均全额抵消（选择汇总只选了部分下级单位时，上级一方只抵消所选下级单位的数额，并给出警告）。",
      reference=H_REF)
def remittance(flows: Flows, report: Report) -> None:
    _compare(report, flows, flows.remittance_received, flows.remittance_paid,
             ("附属单位上缴收入", "上缴上级支出"), "income[*].affiliated_remittance")


RULES: tuple[Rule, ...] = (subsidy, remittance)


def _compare(report: Report, flows: Flows, paid: Amt, received: Amt, labels: tuple[str, str],
             path: str) -> None:
    """The parent's side (expected) against its children's (found), within the rounding of
    how each figure was written (juesuan.tolerance), stated in the consolidated unit. With
    children outside the set the parent's side may exceed theirs: a warning, not an error."""
    scale = per_wan(flows.unit)
    expected, found = paid.value * scale, received.value * scale
    tolerance = allowed(paid, received) * scale
    unit = flows.unit.value
    p_label, c_label = labels
    names = "、".join(printable(c, 30) for c in flows.children[:8]) + ("等" if len(flows.children) > 8 else "")
    who = f"{printable(flows.parent_name, 40)}（{printable(flows.parent, 30)}）"
    detail = (f"{who}{p_label} {show(expected)}{unit}，下级单位（{names}）{c_label}合计 "
              f"{show(found)}{unit}")
    severity: Severity | None = None  # the rule's
    if flows.outside:
        if found - expected > tolerance:
            message = (f"{detail}：所选下级单位的{c_label}大于上级单位{p_label}总额，差额 "
                       f"{show(found - expected)}{unit}；两方均已全额抵消")
        elif expected == 0 and found == 0:
            return
        else:
            severity = Severity.WARNING
            outside = "、".join(printable(k, 30) for k in flows.outside[:8])
            message = (f"{detail}：选择汇总只包括部分下级单位（未选 {outside}"
                       f"{'等' if len(flows.outside) > 8 else ''}），上级一方只抵消所选下级单位的数额，"
                       f"其余 {show(max(expected - found, ZERO))}{unit} 作为与汇总范围外单位的往来保留")
    else:
        graded = grade(paid, received)
        if graded == "ok":
            return
        if graded == "rounding":
            severity = Severity.INFO
            message = (f"{detail}，差额 {show(found - expected)}{unit}，在四舍五入误差范围内"
                       f"（允许 ±{show(tolerance)}）；两方均已全额抵消")
        else:
            message = (f"{detail}，两方不符，差额 {show(found - expected)}{unit}；两方均已全额抵消，"
                       f"汇总后非财政拨款收支相差此数，请核对各单位填报")
    report.fail(f"{report.rule.title}：{message}", Location(file=flows.parent, path=path),
                expected=show(expected), found=show(found), severity=severity,
                tolerance=tolerance)
