"""What a figure of a report's running text (情况说明) is: a :class:`Claim`, its :class:`Kind`
and its :class:`Measure`.

A claim is one number stated in the text — amount (万元/元), percentage, count, score, year —
with, where the sentence follows the wording of the templates, its *role*: a **topic** (which
figure: ``grand_total`` 收入支出总计, ``income.fiscal`` 财政拨款收入, ``three_public`` “三公”经费,
``general_budget.item`` one 项 of 五（三）…, named in :data:`TOPIC_NAMES`) and a **measure**
(what is said of it: the value, the change against last year, its share, the budget, the
completion rate…).

A few statements carry no number but are claims about numbers all the same, and are claims
of kind ``statement``: comparison words (“决算数小于预算数”, “持平”), the presence of a reason
(“主要原因”) and duplicated words (“增加增加”).

The claims are read by :func:`juesuan.audit.claims.extract_claims`; the checks are in
:mod:`juesuan.audit.text_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    AMOUNT = "amount"  # 万元 / 元 / 亿元 (and an incomplete “万”)
    PERCENT = "percent"
    POINTS = "points"  # 百分点
    COUNT = "count"  # 个、辆、台（套）、人次…
    SCORE = "score"  # 分
    YEAR = "year"
    DATE = "date"  # 月 / 日
    OTHER = "other"  # a number without a unit: a code, a hotline (12345)…
    STATEMENT = "statement"  # no number: a comparison word, a reason, a duplicated word


class Measure(StrEnum):
    VALUE = "value"  # the figure itself (收入支出总计2995.39万元)
    PRIOR = "prior"  # last year's figure (比上年决算收入1205.87万元)
    CHANGE = "change"  # 增加/减少 X 万元 against last year
    CHANGE_PCT = "change_pct"  # 增长/下降 Y%
    SHARE = "share"  # 占 Z%
    BUDGET = "budget"  # 年初预算（数）为
    ADJUSTED_BUDGET = "adjusted_budget"  # 全年预算（数）为
    FINAL = "final"  # （支出）决算（数）为 / 执行数
    COMPLETION = "completion"  # 完成（年初）预算的 C% / 执行率
    BUDGET_DIFF = "budget_diff"  # 比年初预算数…增加 X 万元
    BUDGET_DIFF_PCT = "budget_diff_pct"  # 预决算差异率 / 比年初预算…上升 Y%
    COUNT = "count"
    SCORE = "score"
    REPORT_YEAR = "report_year"  # 2024年度部门决算, 截至2024年12月31日
    PRIOR_YEAR = "prior_year"  # 与2023年度相比
    COMPARISON = "comparison"  # statement: 决算数大于/小于/等于/与…持平 预算数
    TREND = "trend"  # statement: 与上年持平
    REASON = "reason"  # statement: 主要原因…
    DUPLICATE = "duplicate"  # statement: a word or punctuation mark printed twice
    PURPOSE = "purpose"  # statement: 主要用于：… (what an item's money was spent on)


# Topics: the figure a claim is about. Amount topics map to table cells in claim_subject (ClaimSet.cell).
TOPIC_NAMES: dict[str, str] = {
    "grand_total": "收入支出总计",
    "fiscal_grand_total": "财政拨款收入支出总计",
    "income_total": "本年收入合计",
    "expenditure_total": "本年支出合计",
    "income.fiscal": "财政拨款收入",
    "income.superior_subsidy": "上级补助收入",
    "income.business": "事业收入",
    "income.operating": "经营收入",
    "income.affiliated_remittance": "附属单位上缴收入",
    "income.other": "其他收入",
    "expenditure.basic": "基本支出",
    "expenditure.project": "项目支出",
    "expenditure.remit_superior": "上缴上级支出",
    "expenditure.operating": "经营支出",
    "expenditure.subsidy_affiliated": "对附属单位补助支出",
    "general_budget": "一般公共预算财政拨款支出",
    "general_budget.basic": "一般公共预算财政拨款基本支出",
    "general_budget.class": "一般公共预算财政拨款支出（类）",
    "expenditure.class": "支出（类）",
    "government_fund.income": "政府性基金预算财政拨款收入",
    "government_fund.expenditure": "政府性基金预算财政拨款支出",
    "state_capital.income": "国有资本经营预算财政拨款收入",
    "state_capital.expenditure": "国有资本经营预算财政拨款支出",
    "general_budget.item": "一般公共预算财政拨款支出（项）",
    "personnel": "人员经费",
    "public": "公用经费",
    "operating_costs": "机关运行经费",
    "three_public": "“三公”经费",
    "outbound": "因公出国（境）费",
    "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "reception": "公务接待费",
    "reception.foreign": "外宾接待费",
    "procurement.total": "政府采购金额",
    "procurement.goods": "货物采购金额",
    "procurement.works": "工程采购金额",
    "procurement.services": "服务采购金额",
    "procurement.sme_reserved": "面向中小企业预留政府采购项目预算金额",
    "procurement.small_reserved": "面向小微企业预留政府采购项目预算金额",
    "procurement.sme_reserved_awarded": "面向中小企业预留项目中由中小企业中标或成交的金额",
    "procurement.small_reserved_awarded": "面向小微企业预留项目中由小微企业中标或成交的金额",
    "procurement.other_sme_awarded": "其他政府采购项目中由中小企业中标或成交的金额",
    "vehicles": "车辆",
    "vehicles.kind": "车辆（按用途）",
    "equipment": "单价100万元（含）以上设备",
    "equipment.unit_price": "设备单价标准",
    "performance.targets": "编报绩效目标的项目",
    "performance.tracking": "绩效跟踪评价的项目",
    "performance.self": "绩效自评的项目",
    "performance.rated": "绩效评级",
    "performance.issues": "绩效自评发现问题",
    "performance.rectified": "已完成整改的问题",
    "performance.rectifying": "正在整改的问题",
    "performance.project": "项目支出绩效自评",
}

MEASURE_NAMES: dict[Measure, str] = {
    Measure.VALUE: "金额",
    Measure.PRIOR: "上年数",
    Measure.CHANGE: "增减额",
    Measure.CHANGE_PCT: "增减率",
    Measure.SHARE: "占比",
    Measure.BUDGET: "年初预算数",
    Measure.ADJUSTED_BUDGET: "全年预算数",
    Measure.FINAL: "决算数",
    Measure.COMPLETION: "预算完成率",
    Measure.BUDGET_DIFF: "决算与预算差额",
    Measure.BUDGET_DIFF_PCT: "预决算差异率",
    Measure.COUNT: "数量",
    Measure.SCORE: "得分",
    Measure.REPORT_YEAR: "报告年度",
    Measure.PRIOR_YEAR: "上年度",
    Measure.COMPARISON: "决算与预算比较",
    Measure.TREND: "与上年比较",
    Measure.REASON: "原因说明",
    Measure.DUPLICATE: "重复字词",
    Measure.PURPOSE: "主要用途",
}


@dataclass(frozen=True)
class Claim:
    """One number (or one statement about numbers) in the running text."""

    text: str  # as printed, with its unit: "2995.39万元", "93.27了%", "决算数小于预算数"
    value: Decimal | None  # the number as far as it can be read; None for statements
    kind: Kind
    unit: str = ""  # 万元 / 元 / % / 个 …, as printed ("" when none)
    places: int = 0  # decimals printed
    topic: str | None = None
    measure: Measure | None = None
    subject: str | None = None  # the 类, the 类/款/项, the project, the vehicle kind, the rating
    direction: int | None = None  # +1 增加, −1 减少, 0 持平/等于; None when not a change
    word: str | None = None  # the direction or comparison word as printed
    reference: str | None = None  # share: denominator topic; completion/comparison: budget kind
    approximate: bool = False  # 96余人, 2万多个
    malformed: str | None = None  # what is wrong with the figure as printed
    line: int = 0
    page: int | None = None
    section: str | None = None  # the headings it stands under, " / " between levels
    quote: str = field(default="", compare=False)  # the sentence, as printed
    sentence: int = 0  # index of its sentence in the document
    paragraph: int = 0  # index of its paragraph (a list item or the text under a heading)
    offset: int = 0  # position inside the sentence
    heading: bool = False  # stated in a heading (第三部分…2024年度…, 一、…), not running text

    @property
    def role(self) -> str | None:
        """``topic:measure`` (``grand_total:change``), or None when not recognised."""
        if self.topic is None or self.measure is None:
            return None
        return f"{self.topic}:{self.measure.value}"

    @property
    def name(self) -> str:
        """What the figure is, in Chinese: 一般公共服务支出（类）占比."""
        topic = TOPIC_NAMES.get(self.topic or "", self.topic or "数字")
        if self.subject:
            if self.topic in ("general_budget.class", "expenditure.class"):
                topic = f"{self.subject}（类）"
            elif self.topic == "general_budget.item":
                topic = "".join(f"{part}（{level}）" for part, level in
                                zip(self.subject.split("/"), "类款项", strict=False))
            else:
                topic = f"{topic}（{self.subject}）"
        measure = MEASURE_NAMES.get(self.measure, "") if self.measure else ""
        if self.measure in (Measure.VALUE, Measure.COUNT, None):
            return topic
        return f"{topic}{measure}"
