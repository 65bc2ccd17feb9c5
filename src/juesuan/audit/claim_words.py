"""The words a report's running text names its figures with, and its statements about them.

The **topics** (收入支出总计, 财政拨款收入, “三公”经费, a 功能分类 类 …: :func:`find_topic`), a
paragraph's 类/款/项 or project (:data:`ITEM`, :data:`PROJECT`), the **measures** said of a
figure by the words just before it (增加/减少, 占, 年初预算, 完成…预算的 …: :data:`CHANGE_TAIL`,
:data:`MEASURES`) and the statements without a number (决算数大于/小于/等于预算数, 与上年持平,
主要原因, 主要用于, words printed twice). The direction and comparison words are those of the
bundled templates' wording (:class:`juesuan.template.model.Wording`), read once at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from juesuan import codes
from juesuan.audit.claim_model import Measure
from juesuan.audit.paragraphs import HEADING_CHARS
from juesuan.template.catalogue import bundled_templates

_Q = "[“”\"']?"

# Names of the 功能分类 类 (the code list's and the ones the templates print), longest first.
_CLASS_NAMES = "|".join(re.escape(name) for name in sorted(
    {e.name for e in codes.functional().entries if e.level == "类"}
    | {c.name for t in bundled_templates() for c in t.classes},
    key=lambda name: (-len(name), name)))
_TOPICS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), t) for p, t in [
        (r"财政拨款收入支出总计", "fiscal_grand_total"),
        (r"收入支出总计", "grand_total"),
        # 收入总计 and 支出总计 are one figure (表1: 支出总计 counts the 年末结转和结余)
        (r"(?<!拨款)(?:收入|支出)总计", "grand_total"),
        (r"本年收入合计", "income_total"),
        (r"本年支出合计", "expenditure_total"),
        (r"(?:部门)?(?:决算|预算)收入(?:总计|合计)?", "income_total"),
        (r"(?:部门)?(?:决算|预算)支出(?:总计|合计)?", "expenditure_total"),
        # "2018年收入合计3647.38万元，其中：…" (湖南 2018); not 财政拨款收入合计
        (r"(?<![款入])收入合计", "income_total"),
        (r"(?<![款出])支出合计", "expenditure_total"),
        (r"一般公共预算财政拨款基本支出", "general_budget.basic"),
        (r"政府性基金预算财政拨款收入", "government_fund.income"),
        (r"政府性基金预算财政拨款支出", "government_fund.expenditure"),
        (r"国有资本经营预算财政拨款收入", "state_capital.income"),
        (r"国有资本经营预算财政拨款支出", "state_capital.expenditure"),
        (r"一般公共预算财政拨款(?:支出)?", "general_budget"),
        (r"财政拨款收入", "income.fiscal"),
        (r"上级补助收入", "income.superior_subsidy"),
        (r"事业收入", "income.business"),
        (r"经营收入", "income.operating"),
        (r"附属单位上缴收入", "income.affiliated_remittance"),
        (r"其他收入", "income.other"),
        (r"基本支出", "expenditure.basic"),
        (r"项目支出(?!绩效)", "expenditure.project"),
        (r"上缴上级支出", "expenditure.remit_superior"),
        (r"(?<!非独立核算)经营支出", "expenditure.operating"),
        (r"对附属单位补助支出", "expenditure.subsidy_affiliated"),
        (r"人员经费", "personnel"),
        (r"机关运行经费|机关日常公用经费|日常公用经费", "operating_costs"),
        (r"公用经费", "public"),
        (rf"{_Q}三公{_Q}经费", "three_public"),
        (r"因公出国（境）费(?:用)?", "outbound"),
        # 公务车 for 公务用车, 运行及维护 for 运行维护 (tests/fixtures/real: anhui-2016-ningguo-cgj,
        # guangdong-2017-xuwen-spypjgj)
        (r"公务用?车购置及运行(?:及?维护)?费", "vehicle"),
        (r"公务用?车购置(?:费|支出)?", "vehicle_purchase"),
        (r"公务用?车运行(?:及?维护)?(?:费|支出)", "vehicle_operation"),
        (r"公务用车费", "vehicle"),
        (r"外宾接待(?:支出|费)?", "reception.foreign"),
        (r"公务接待(?:费)?", "reception"),
        (r"政府采购(?:金额|支出总额|总额)", "procurement.total"),
        (r"货物采购(?:金额)?", "procurement.goods"),
        (r"工程采购(?:金额)?", "procurement.works"),
        (r"服务采购(?:金额)?", "procurement.services"),
        (r"面向中小企业预留政府采购项目预算金额", "procurement.sme_reserved"),
        (r"面向小微企业预留政府采购项目预算金额", "procurement.small_reserved"),
        (r"在面向中小企业预留的?政府采购项目中", "procurement.sme_reserved_awarded"),
        (r"在面向小微企业预留的?政府采购项目中", "procurement.small_reserved_awarded"),
        (r"在其他政府采购项目中", "procurement.other_sme_awarded"),
        (r"共有车辆|(?:公务用车|车辆)保有量", "vehicles"),
        (r"(?P<s>部级领导干部|主要领导干部|机要通信|应急保障|执法执勤|特种专业技术|离退休干部|其他)用车",
         "vehicles.kind"),
        (r"单价", "equipment.unit_price"),
        (r"以上(?:通用|专用)?设备", "equipment"),
        (r"编报绩效目标", "performance.targets"),
        (r"绩效(?:跟踪评价|运行监控|监控)", "performance.tracking"),
        (r"绩效自评(?!中|综述|表)", "performance.self"),
        (rf"绩效评级为{_Q}(?P<s>不合格|合格|优|良|中|差){_Q}", "performance.rated"),
        (r"发现问题", "performance.issues"),
        (r"已(?:经)?完成整改", "performance.rectified"),
        (r"正在整改", "performance.rectifying"),
        # anchored after a delimiter (or the start): tried from every position of a long
        # run of words, the pattern alone would be quadratic
        (r"(?:^|(?<=[，；：。、（）\d]))(?P<s>[^，；：。、（）\d]+?)（类）", "general_budget.class"),
        # a 功能分类 类 named without （类）, as in "其中：一般公共服务支出2106.66万元，占71.65%"
        (rf"(?P<s>{_CLASS_NAMES})", "expenditure.class"),
    ]
]

# A name may hold a short bracketed part of its own: 政府办公厅（室）及相关机构事务（款）.
# At most HEADING_CHARS pieces: an unbounded lazy group keeps a backtracking point for every
# character tried, 300 MB on a paragraph of 2,000,000 characters (fuzz seed 1 #33886).
_NAME_PART = rf"(?:[^（）。]|（(?![类款项]）)[^（）。]{{1,6}}）){{1,{HEADING_CHARS}}}?"
ITEM = re.compile(
    rf"^\s*(?:\d+[、.．]|（\d+）)\s*(?P<c>{_NAME_PART})（类）(?P<k>{_NAME_PART})（款）(?P<x>{_NAME_PART})（项）"
)
PROJECT = re.compile(r"^\s*(?:\d+[、.．]|（\d+）)\s*(?P<p>[^：。]+?)项目自评综述")



def _words(kind: str) -> tuple[str, ...]:
    """The words of ``kind`` (Wording.up_words …) any bundled template reads, longest first
    (an alternation tries them in order)."""
    found: dict[str, None] = {}
    for template in bundled_templates():
        found.update(dict.fromkeys(getattr(template.wording, kind)))
    return tuple(sorted(found, key=len, reverse=True))


def _any(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in words)


_UP_WORDS, _DOWN_WORDS = _words("up_words"), _words("down_words")
CHANGE_WORDS = {**dict.fromkeys(_UP_WORDS, 1), **dict.fromkeys(_DOWN_WORDS, -1)}
DIR = _any(sorted(CHANGE_WORDS, key=len, reverse=True))
UP, DOWN = re.compile(_any(_UP_WORDS)), re.compile(_any(_DOWN_WORDS))
CHANGE_TAIL = re.compile(rf"(?P<w>(?:{DIR})(?:（(?:{DIR})）)?)了?$")
MEASURES: list[tuple[re.Pattern[str], Measure]] = [
    (re.compile(p), m) for p, m in [
        (r"预决算差异率(?:为|是)?$", Measure.BUDGET_DIFF_PCT),
        (r"完成(?P<ref>年初|全年)?预算(?:数)?的?$", Measure.COMPLETION),
        (r"(?:预算)?(?:执行率|完成率)(?:达到|为|是)?$", Measure.COMPLETION),
        (r"(?:比|较|与)(?P<ref>年初|全年)?预算(?:数)?(?:为)?$", Measure.BUDGET),
        (r"(?:比|较|与)(?:上年|上一年|上年度|上一年度)[^，；]*$", Measure.PRIOR),
        (r"全年预算(?:数)?(?:为|是)?$", Measure.ADJUSTED_BUDGET),
        (r"预算(?:数)?(?:为|是)?$", Measure.BUDGET),
        (r"预算(?:收入|支出)(?:数)?(?:为|是)?$", Measure.BUDGET),
        (r"(?:决算|执行)(?:数)?(?:为|是)?$", Measure.FINAL),
        (r"占[^，；。]*$", Measure.SHARE),
    ]
]
PRIOR_CLAUSE = re.compile(r"(?:比|较|与)(?:上年|上一年|上年度|上一年度|\d{4}年度?)[^，；增减上下]*$")
BUDGET_REFERENCE = re.compile(r"(?:比|较|与)(?:年初|全年)?预算")
YEAR_REFERENCE = re.compile(r"(?:比|较|与)(?:上年|上一年|上年度|\d{4}年)")
PCT_WITHOUT_SIGN = re.compile(rf"(?:{DIR}|占|的|差异率|执行率(?:达到|为)?)了?$")

COMPARISON_WORDS = {**dict.fromkeys(_words("above_words"), 1), **dict.fromkeys(_words("below_words"), -1),
                     **dict.fromkeys(_words("equal_words"), 0)}
COMPARISON = re.compile(
    rf"决算数?(?:(?P<w>{_any(sorted(COMPARISON_WORDS, key=len, reverse=True))})(?P<ref>全年|年初)?预算数?"
    rf"|(?:与|同|和)(?P<ref2>全年|年初)?预算数?(?P<basic>基本)?(?P<w2>{_any(_words('same_words'))}))"
)
TREND = re.compile(rf"(?P<basic>基本)?(?:{_any(_words('flat_words'))})")
REASON = re.compile(r"原因|由于|因为|主要是|主要情况")  # …大于上年决算数的主要情况：… (广东)
PURPOSE = re.compile(r"主要用于：?(?P<p>[^。]+)")
DUPLICATE = re.compile(r"([\u4e00-\u9fff]{2,6})\1|([。，；：、])\2")
SENTENCE_END = re.compile(r"[。！？]+")  # a run of stops ends one sentence (。。 is a duplicate, found apart)
REPORT_YEAR_AFTER = re.compile(
    r"^(?:部门|单位)?决算(?!数)|^(?:收入支出总计|财政拨款收入支出总计|政府采购|预算绩效管理|无)"
)


_CJK = re.compile(r"[\u4e00-\u9fff]")
FUND_INCOME = {"government_fund.income": "government_fund.expenditure",
               "state_capital.income": "state_capital.expenditure"}
BARE_SPENDING = re.compile(r"(?:^|[，；、])\s*支出(?:决算)?(?:为|是)?$")


def find_topic(label: str) -> tuple[str, str | None] | None:
    if not _CJK.search(label):  # every topic is named in Chinese: spare the ~50 patterns
        return None
    best: tuple[int, int, str, str | None] | None = None
    for pattern, topic in _TOPICS:
        for match in pattern.finditer(label):
            subject = match.groupdict().get("s")
            key = (match.end(), match.end() - match.start())
            if best is None or key > (best[0], best[1]):
                best = (key[0], key[1], topic, subject)
    if best is None:
        return None
    return best[2], best[3]
