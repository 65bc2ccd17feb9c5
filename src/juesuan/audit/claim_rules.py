"""Checks of the figures stated in a published report's text (情况说明), scope ``claims``.

Each rule reads a :class:`juesuan.audit.claim_subject.ClaimSet` — the claims extracted from
the text by :func:`juesuan.audit.claims.extract_claims` and, when they were read, the
report's tables. The checks themselves are in :mod:`juesuan.audit.text_checks` (figures
against tables and their inputs in :mod:`~juesuan.audit.text_checks.figures`, what the text
says in words in :mod:`~juesuan.audit.text_checks.statements`); this module gives each its
id, severity and Chinese description.

Recomputed percentages are judged by interval arithmetic from the decimals their inputs
are printed with: a figure rounding explains is info, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from juesuan.audit.claim_model import Claim
from juesuan.audit.claim_subject import ClaimSet
from juesuan.audit.text_checks import figures, statements
from juesuan.rules.finding import Finding, Severity, sort_findings
from juesuan.rules.registry import Report, Rule, rule, run
from juesuan.tables.table import TableSet

TEMPLATE = "上海区级部门决算模板2024 第三部分；domain §3.3"
GBC = "GovBudgetChecker rules/v3_3.yaml"


@rule("C.table", "说明数字与决算表不一致", severity=Severity.ERROR, scope="claims",
      description="情况说明中的金额应与决算表对应单元格一致：收入支出总计—表1总计，本年收入合计及各项收入—表2"
                  "合计行，本年支出合计及基本/项目支出—表3合计行，财政拨款收入支出总计—表4总计，一般公共预算"
                  "财政拨款支出（总额、各类、各项决算数）—表5，人员经费/公用经费—表6，“三公”经费预算数与决算数—"
                  "表7。差额在四舍五入误差范围内的只作提示。",
      reference=f"{TEMPLATE}；{GBC} V33-2xx")
def c_table(subject: Any, report: Report) -> None:
    figures.check_table(subject, report)


@rule("C.total", "说明中合计与分项不符", severity=Severity.ERROR, scope="claims",
      description="说明中“其中”所列各项之和应等于合计：本年收入合计、本年支出合计、基本支出（人员经费+公用经费）、"
                  "一般公共预算财政拨款支出（各类；各项年初预算与决算）、“三公”经费、政府采购金额（货物+工程+服务）、"
                  "车辆数、绩效评级项目数、发现问题数。各项之和大于合计为错误，小于合计为警告（可能漏列）；"
                  "四舍五入可以解释的差额只作提示。",
      reference=TEMPLATE)
def c_total(subject: Any, report: Report) -> None:
    figures.check_total(subject, report)


@rule("C.share", "占比计算错误", severity=Severity.ERROR, scope="claims",
      description="“占XX%”应等于该项金额除以合计：收入各项占本年收入合计，支出各项占本年支出合计，一般公共预算"
                  "财政拨款支出占本年支出合计、各类占一般公共预算财政拨款支出，“三公”各项占决算合计。按所列金额的"
                  "小数位用区间算术复核，四舍五入可以解释的只作提示。",
      reference=f"{TEMPLATE}；{GBC} 占比口径")
def c_share(subject: Any, report: Report) -> None:
    figures.check_share(subject, report)


@rule("C.change", "增减额或增减率计算错误", severity=Severity.ERROR, scope="claims",
      description="与上年相比的增减额应等于本年数与上年数之差，增减率应等于增减额除以上年数；决算与预算的差额、"
                  "预决算差异率同理。上年数未列出时由本年数和增减额推算。按所列数字的小数位用区间算术复核，"
                  "四舍五入可以解释的只作提示，截去尾数而非四舍五入的报警告；同一句中的增加额大于本年数（推算的上年数为负）为错误。",
      reference=TEMPLATE)
def c_change(subject: Any, report: Report) -> None:
    figures.check_change(subject, report)


@rule("C.completion", "预算完成率计算错误", severity=Severity.ERROR, scope="claims",
      description="“完成年初预算的XX%”（执行率）应等于决算数除以预算数；预算数未在说明中列出时取表7的预算数。"
                  "按所列数字的小数位用区间算术复核，四舍五入可以解释的只作提示。",
      reference=TEMPLATE)
def c_completion(subject: Any, report: Report) -> None:
    figures.check_completion(subject, report)


@rule("C.direction", "增减方向表述与数字不符", severity=Severity.ERROR, scope="claims",
      description="“增加/减少”“增长/下降”应与本年数和上年数（或决算数和预算数）的大小一致，金额与比率的方向应相同；"
                  "“决算数大于/小于/等于预算数”应与所列数字相符；写“持平”时不应另有增减额；写“基本持平”而相差"
                  "超过1%的，或写“持平”却说明增减原因的，为警告。（模板备选词未删除，如“下降（增长）”，由"
                  "A.template-text 报告。）",
      reference=f"{GBC} V33-110")
def c_direction(subject: Any, report: Report) -> None:
    statements.check_direction(subject, report)


@rule("C.unit", "金额单位错误", severity=Severity.ERROR, scope="claims",
      description="以万元编报的说明中，金额写成“元”：与决算表中万元数值相同的为错误，无表可对照的为警告；"
                  "单位只写“万”的为警告。",
      reference=f"{GBC} R001")
def c_unit(subject: Any, report: Report) -> None:
    figures.check_unit(subject, report)


@rule("C.malformed", "数字书写有误", severity=Severity.ERROR, scope="claims",
      description="说明中的数字书写不规范：数字与百分号之间夹有文字（“93.27了%”）、末尾多小数点（“1121.82.”）、"
                  "数字中间有空格或千分位逗号位置不对（“2,9 40.05”）、增减率缺少“%”。",
      reference=TEMPLATE)
def c_malformed(subject: Any, report: Report) -> None:
    statements.check_malformed(subject, report)


@rule("C.duplicate-word", "重复字词或标点", severity=Severity.WARNING, scope="claims",
      description="说明中同一词语、标点或整句连续出现两次（如“增加增加”“。。”“本单位无下属单位。本单位无下属单位。”），多为编辑错误。",
      reference=f"{GBC} R003")
def c_duplicate_word(subject: Any, report: Report) -> None:
    statements.check_duplicate(subject, report)


@rule("C.reason-missing", "说明中缺少增减原因", severity=Severity.WARNING, scope="claims",
      description="与上年相比有增减，或决算数与预算数不一致（决算数大于/小于预算数）时，同一段落（或同一节其后的段落，"
      "如“……大于上年决算数的主要情况：……”）应说明主要原因，否则报警告；写了“主要原因：”“主要是”却没有内容（“主要是。”）"
      "为错误。",
      reference=f"{TEMPLATE}；{GBC} V33-110")
def c_reason_missing(subject: Any, report: Report) -> None:
    statements.check_reason_missing(subject, report)


@rule("C.budget-zero", "预算为零仍表述完成率", severity=Severity.WARNING, scope="claims",
      description="年初预算为0时不应表述“完成年初预算的X%”：完成率无意义，应说明无年初预算或按全年预算表述；"
                  "“三公”各项的预算数取自说明或表7。",
      reference=f"{GBC} R004")
def c_budget_zero(subject: Any, report: Report) -> None:
    figures.check_budget_zero(subject, report)


@rule("C.precision", "百分比或金额小数位不足", severity=Severity.WARNING, scope="claims",
      description="占比、增减率、完成率应保留两位小数，金额（万元）应保留两位小数。少写小数位且按两位小数会是"
                  "另一个数、且与之相差超过其百分之一（如0.92%写作1%、1.22%写作1.2%）的为警告；按所写位数四舍五入无误、"
                  "相差不到百分之一的（52.94%写作52.9%）是报告的写法，所列数字定不出两位小数的（基数很小）无从要求，"
                  "与不影响数值的一样只作提示。数值本身按其所写的精度复核。",
      reference=f"{GBC} V33-232")
def c_precision(subject: Any, report: Report) -> None:
    figures.check_precision(subject, report)


@rule("C.repeat", "同一数字前后不一致", severity=Severity.WARNING, scope="claims",
      description="说明中同一项目的同一金额（如一般公共预算财政拨款支出、“三公”经费决算数）在不同段落出现时应一致；"
      "不一致报警告：同一名称在不同句中可能是不同口径（其中数、预算数、上年数、本级与汇总），文字不足以断定是错。",
      reference=TEMPLATE)
def c_repeat(subject: Any, report: Report) -> None:
    statements.check_repeat(subject, report)


@rule("C.year", "年度表述错误", severity=Severity.ERROR, scope="claims",
      description="说明正文中的报告年度（“XXXX年度收入支出总计”“截至XXXX年12月31日”等）应为决算年度，"
                  "“与XXXX年度相比”应为上一年度：写作本年或以后的年度为错误，写作更早的年度为警告（可能有意与"
                  "那一年比较），同一句已与上年比较、又与更早的年度比较（“比2019年（疫情前）”）的只作提示。"
                  "（标题和目录中的年度由 A.year 核对。）",
      reference=f"{GBC} V33-001")
def c_year(subject: Any, report: Report) -> None:
    statements.check_year(subject, report)


@rule("C.purpose", "主要用途与科目不符", severity=Severity.WARNING, scope="claims",
      description="五（三）各项“主要用于”的说明应与该项科目相符：如住房公积金（项）说明为医疗保险支出、"
                  "行政单位医疗（项）说明为养老保险支出，多为复制粘贴错误。",
      reference=f"{GBC} R005")
def c_purpose(subject: Any, report: Report) -> None:
    statements.check_purpose(subject, report)


@rule("C.three-public-counts", "“三公”经费说明数量", severity=Severity.WARNING, scope="claims",
      description="表7 中有因公出国（境）费、公务用车购置及运行维护费或公务接待费支出的，“三公”经费说明应写明"
                  "相应数量：团组数和人次、车辆购置数或保有量、接待批次和人次。",
      reference="部门决算公开模板 七（二）")
def c_three_public_counts(subject: Any, report: Report) -> None:
    figures.check_three_public_counts(subject, report)


# Every rule of this module, in the order they are run.
RULES: tuple[Rule, ...] = (
    c_table,
    c_total,
    c_share,
    c_change,
    c_completion,
    c_direction,
    c_unit,
    c_malformed,
    c_duplicate_word,
    c_reason_missing,
    c_budget_zero,
    c_precision,
    c_repeat,
    c_year,
    c_purpose,
    c_three_public_counts,
)


def check_claims(claims: Iterable[Claim], tables: TableSet | None = None) -> list[Finding]:
    """Every claim rule on the claims of one report (and its tables, when read)."""
    subject = ClaimSet(tuple(claims), tables)
    unit = tables.tables[0].unit if tables is not None and tables.tables else "万元"
    return sort_findings(run(RULES, subject, unit=unit))
