"""Checks of the 情况说明 (第三部分): what the text needs and the filing does not give.

The generator never invents a figure or a reason. Where one is missing the text shows
a placeholder (【待填写：…】) and these rules say what to fill in, and where. They read
the gaps the rendered text actually printed, so every placeholder has a finding and
every finding a placeholder — except the reasons for changes while no 收入 or 支出 amount
of the year is filled in (a new filing, one started from last year's): there is no change
to explain yet, so N.reason-missing is not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.filing.model import EXPENDITURE_KINDS, INCOME_SOURCES, Filing
from juesuan.narrative.facts import Gap, GapKind
from juesuan.rules.finding import Location, Severity
from juesuan.rules.registry import NotEvaluated, Report, Rule, rule

TEMPLATE_REF = "上海区级部门决算模板2024 第三部分；domain §3.3"


@dataclass(frozen=True)
class Narrative:
    """What the narrative rules read: the filing, the style of the text and the gaps
    (with the heading of the section each is printed in)."""

    filing: Filing
    style: str
    gaps: tuple[Gap, ...]


def _report(subject: Narrative, report: Report, kind: GapKind, expected: str) -> None:
    for gap in subject.gaps:
        if gap.kind == kind:
            where = f"“{gap.section}”：" if gap.section else ""
            report.fail(f"{where}{gap.message}，说明中留有“{gap.text}”", Location(path=gap.path),
                        expected=expected, found="未填")


def figures_entered(filing: Filing) -> bool:
    """Whether any 收入 or 支出 amount of the year is filled in (a row without amounts, as a
    filing started from last year's has, is not a figure of 0)."""
    return (any(getattr(row, key) is not None for row in filing.income for key in INCOME_SOURCES)
            or any(getattr(row, key) is not None
                   for row in filing.expenditure for key in EXPENDITURE_KINDS))


@rule("N.reason-missing", "增减或差异原因未填写", severity=Severity.WARNING, scope="narrative",
      description="情况说明中与上年相比有增减（非持平），或决算数与预算数不一致时，须说明主要原因；"
      "填报文件 reasons 中没有相应原因的，说明中留待填写占位符，不代写原因。"
      "本年收入、支出尚未填写任何金额时（如新建或由上年度生成的填报）不检查：还没有可说明的增减。",
      reference=f"{TEMPLATE_REF}（“如持平作持平表述”）")
def reason_missing(subject: Narrative, report: Report) -> None:
    if not figures_entered(subject.filing):
        # Against nothing filed, every figure of last year (and every budget) reads as a
        # decrease to 0: no warning until the year's figures are entered.
        raise NotEvaluated("本年收入、支出尚未填写金额，暂不比较与上年和预算的增减")
    _report(subject, report, "reason", "填写主要原因")


@rule("N.prior-missing", "上年数缺失", severity=Severity.WARNING, scope="narrative",
      description="情况说明须与上年度比较增减额和增减幅度；填报文件 prior_year 中缺少所需的上年决算数时，"
      "不推算、不照抄，说明中留待填写占位符。",
      reference=TEMPLATE_REF)
def prior_missing(subject: Narrative, report: Report) -> None:
    _report(subject, report, "prior", "填写上年决算数")


@rule("N.budget-missing", "预算数缺失", severity=Severity.WARNING, scope="narrative",
      description="情况说明须比较决算数与年初预算数并给出完成预算的百分比；年初预算为0的项须给出全年预算数"
      "（说“完成全年预算”，不说“完成年初预算的X%”）。预算数缺失时说明中留待填写占位符。",
      reference=f"{TEMPLATE_REF}；GovBudgetChecker R004")
def budget_missing(subject: Narrative, report: Report) -> None:
    _report(subject, report, "budget", "填写预算数")


@rule("N.data-missing", "说明所需资料缺失", severity=Severity.WARNING, scope="narrative",
      description="情况说明所需的其他资料（科目主要用途、“三公”经费团组、人次、车辆数、接待批次，"
      "机关运行经费、政府采购、国有资产、预算绩效自评）在填报文件中缺失时，说明中留待填写占位符。",
      reference=TEMPLATE_REF)
def data_missing(subject: Narrative, report: Report) -> None:
    _report(subject, report, "data", "填写所需资料")


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    reason_missing,
    prior_missing,
    budget_missing,
    data_missing,
)
