"""The figures a report states in its running text (情况说明), each with what it is.

:func:`extract_claims` reads the :class:`~juesuan.audit.source.Line` blocks of a
:class:`~juesuan.audit.source.SourceDocument` and returns one :class:`Claim` per number
stated in the text — amount (万元/元), percentage, count, score, year — with, where the
sentence follows the wording of the templates, its *role*: a **topic** (which figure:
``grand_total`` 收入支出总计, ``income.fiscal`` 财政拨款收入, ``three_public`` “三公”经费,
``general_budget.item`` one 项 of 五（三）…) and a **measure** (what is said of it: the
value, the change against last year, its share, the budget, the completion rate…).

A few statements carry no number but are claims about numbers all the same, and are
returned as claims of kind ``statement``: comparison words (“决算数小于预算数”,
“持平”), the presence of a reason (“主要原因”) and duplicated words (“增加增加”).

Numbers are read as printed: the decimals shown are the precision the checks judge
them at, and a malformed figure (“93.27了%”, “1121.82.”, “2,9 40.05”) is kept, parsed as
far as it can be, with what is wrong recorded in :attr:`Claim.malformed`.

The module is pure: no I/O, no tables; the checks are in :mod:`juesuan.audit.text_checks`.
"""

from __future__ import annotations

import itertools
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from juesuan import codes
from juesuan.audit.figures import WELL_FORMED
from juesuan.audit.source import Grid, Line, SourceDocument
from juesuan.limits import MAX_NUMBER_CHARS, MAX_QUOTE_CHARS, MAX_REPORT_FIGURES
from juesuan.money import number_problem
from juesuan.rules.finding import excerpt
from juesuan.template.catalogue import bundled_templates


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


# --- text of the document: paragraphs with headings --------------------------------------

_MARKER = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_LIST_START = re.compile(
    r"^\s*(?:\d+[、.．](?!\d)|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|（\d+）)"
)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?\d{1,3}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$")
_HEADING_PUNCT = re.compile(r"[，；：、！？,;:]")


def _canonical(text: str) -> str:
    """ASCII punctuation of Chinese text to full width (one character for one)."""
    text = text.replace("(", "（").replace(")", "）").replace(":", "：").replace(";", "；")
    text = text.replace("\"", "”").replace("!", "！").replace("?", "？")
    return re.sub(r"(?<!\d),|,(?!\d)", "，", text)


# a heading is no longer: the longest of the fixtures, 01's 第三部分上海市普陀区财政局2024年度部门决算情况说明
# (tests/fixtures/reports/01, wrapped at L319–320), is half of it; pinned by test_claims.py::test_headings
_HEADING_CHARS = 60
# a line repeats the one before only if that one has this many characters (one character would
# start half the lines); calibrated on 03's 第四部分 / 名词解释 (tests/fixtures/reports/03, L387–388)
_REPEATED_MIN_CHARS = 2
# the longest end of a heading wrapped onto a line of its own; calibrated on 01's …决算情况 / 说明
# (tests/fixtures/reports/01, L319–320)
_WRAPPED_HEADING_TAIL_CHARS = 6


def heading_level(text: str) -> int | None:
    """0 for 第X部分, 1 for 一、, 2 for （一）; None when the line is not a heading.

    A heading is short and has no clause punctuation after its marker (a paragraph
    that starts with （一） has commas: “(一)2020年,全年无团组…”)."""
    canon = _canonical(text).strip()
    match = _MARKER.match(canon)
    if match is None or len(canon) > _HEADING_CHARS:
        return None
    body = canon[match.end():]
    if _HEADING_PUNCT.search(body) or "。" in body.rstrip("。 "):
        return None
    marker = match.group(1)
    return 0 if marker.startswith("第") else 1 if marker.endswith("、") else 2


_SPACE = re.compile(r"\s")


class _Paragraph:
    """Running text between headings, list items and tables: the unit the checks group by.

    ``chars`` is the canonical text (spaces dropped except between digits), ``origin``
    the index of each character in ``raw`` (the lines joined as printed), and ``line_at``
    the Line a character came from. Lines are collected in lists and joined once, when
    first read: a paragraph of many lines costs its length, not its length squared."""

    def __init__(self, path: tuple[str, ...], heading: bool) -> None:
        self.path = path
        self.heading = heading
        self._raw: list[str] = []
        self._chars: list[str] = []
        self._joined: tuple[str, str] | None = None
        self._raw_length = 0
        self._last = ""  # the last kept character
        self.origin = array("I")  # 4 bytes a character (a report is under MAX_REPORT_CHARS)
        self._starts: list[int] = []  # where each line starts in raw
        self._lines: list[Line] = []

    def add(self, line: Line) -> None:
        start = self._raw_length
        self._starts.append(start)
        self._lines.append(line)
        self._raw.append(line.text)
        self._raw_length += len(line.text)
        self._joined = None
        text = _canonical(line.text)
        # slices between the spaces, not a list of characters: a Chinese character alone is an
        # object of 76 bytes, 150 MB for a line of 2,000,000 (fuzz seed 1 #33886)
        kept: list[str] = []
        position = 0
        for space in _SPACE.finditer(text):
            i = space.start()
            kept.append(text[position:i])
            self.origin.extend(range(start + position, start + i))
            before = text[i - 1] if i else self._last
            after = text[i + 1] if i + 1 < len(text) else ""
            if before[-1:].isdigit() and after.isdigit():
                kept.append(" ")  # a space inside digits is kept (read as 1 234.56)
                self.origin.append(start + i)
            position = i + 1
        kept.append(text[position:])
        self.origin.extend(range(start + position, start + len(text)))
        chars = "".join(kept)
        if chars:
            self._last = chars[-1]
        self._chars.append(chars)

    def _join(self) -> tuple[str, str]:
        if self._joined is None:
            self._joined = ("".join(self._raw), "".join(self._chars))
        return self._joined

    @property
    def raw(self) -> str:
        return self._join()[0]

    @property
    def chars(self) -> str:
        return self._join()[1]

    def line_at(self, index: int) -> Line:
        if not self.origin:
            return self._lines[0]
        raw = self.origin[max(0, min(index, len(self.origin) - 1))]
        return self._lines[bisect_right(self._starts, raw) - 1]

    def _raw_span(self, start: int, end: int) -> tuple[int, int]:
        last = len(self.origin) - 1
        lo = self.origin[max(0, min(start, last))]
        hi = self.origin[max(0, min(max(end - 1, start), last))] + 1
        return lo, hi

    def quote_fits(self, start: int, end: int) -> bool:
        """Whether ``quote(start, end)`` is whole, whatever it is centred on."""
        if not self.origin:
            return True
        lo, hi = self._raw_span(start, end)
        return hi - lo <= MAX_QUOTE_CHARS

    def quote(self, start: int, end: int, focus: tuple[int, int] | None = None) -> str:
        """The raw text of ``chars[start:end]`` as printed; when longer than MAX_QUOTE_CHARS,
        the part around ``focus`` (positions in ``chars``), with "…" where cut."""
        if not self.origin:
            return ""
        lo, hi = self._raw_span(start, end)
        around = self._raw_span(*focus) if focus is not None else None
        return excerpt(self.raw, lo, hi, focus=around)


def _paragraphs(source: SourceDocument, skip: frozenset[int] = frozenset()) -> Iterator[_Paragraph]:
    """The paragraphs of running text; a grid, or a line in ``skip`` (the text of a 自评表),
    ends one."""
    path: list[str] = ["", "", ""]
    current: _Paragraph | None = None
    heading_at: int | None = None  # level of ``current`` when it is a heading
    previous = ""  # the last line added, without spaces
    for block in source.blocks:
        if isinstance(block, Grid) or block.line in skip:
            if current is not None:
                yield current
            current, heading_at = None, None
            continue
        text = block.text.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        level = heading_level(text)
        bare = re.sub(r"\s+", "", _canonical(text))
        # a line that begins with the whole line before it repeats it (a chart's title and
        # then its caption “收入结构 / 收入结构数据（单位：万元）”, a part's heading and then
        # its section “第四部分 名词解释 / 名词解释”): a new paragraph, never a wrapped line
        repeats = len(previous) >= _REPEATED_MIN_CHARS and (bare.startswith(previous) or previous.endswith(bare))
        previous = bare
        if (level is None and current is not None and heading_at is not None and not repeats
                and len(text) <= _WRAPPED_HEADING_TAIL_CHARS and not re.search(r"[\d，。；：、,.;:]", text)
                and len(path[heading_at]) + len(text) <= _HEADING_CHARS):
            # the end of a heading wrapped onto the next line (…决算情况 / 说明); only as
            # long as a heading can be, or a column of short lines would make one huge
            current.add(block)
            path[heading_at] += text
            current.path = tuple(path)
            continue
        if level is not None:
            if current is not None:
                yield current
            path[level] = text
            for deeper in range(level + 1, len(path)):
                path[deeper] = ""
            current, heading_at = _Paragraph(tuple(path), heading=True), level
            current.add(block)
            continue
        if current is None or current.heading or repeats or _LIST_START.match(_canonical(text)):
            if current is not None:
                yield current
            current, heading_at = _Paragraph(tuple(path), heading=False), None
        current.add(block)
    if current is not None:
        yield current


def section_of(path: tuple[str, ...]) -> str | None:
    """The headings a claim stands under: from 一、 down when there is one, else the part."""
    inner = [p for p in path[1:] if p]
    if inner:
        return " / ".join(inner)
    return path[0] or None


# --- numbers ---------------------------------------------------------------------------

_NUMBER = re.compile(
    # not the minutes of a time (11:30,13:30)
    # (possessive: a group repeated a million times must not keep a million backtracking points,
    # 370 MB for a line of 2,000,000 digits; fuzz seed 1 #33886)
    r"(?<![\d.])(?<!\d[:：])(?P<sign>-)?(?P<num>\d(?:[\d,]|\s(?=\d))*+(?:\.\d+)?)(?P<dot>\.(?![\d]))?"
)
# The number of a label (图1, 表 1, 附表2, 附件3, 图1-2) ends at a space: "图1 2024年度与2023年度
# 决算数对比" is figure 1 and the year 2024, not one figure with a space in it.
_LABEL_BEFORE = re.compile(r"(?:图|表|附件)\s?(?:\d+[-－—–.．])*$")
# characters before a number searched for its label; calibrated on test_claims.py::
# test_a_label_number_is_not_joined_to_the_next_figure (图1 / 附表2 / 图 1-2 right before it): a bound
_LABEL_WINDOW = 24
# Digits with spaces read as one (malformed) number only when the spaces stand where thousands
# separators would (1 121.82) or a comma shows grouping was meant (2,9 40.05 of 04); "10 10",
# "90 89.974" are figures side by side (table cells run together in a text:
# tests/fixtures/real/anhui-2022-tangxi-zipingbiao).
_SPACED_GROUPS = re.compile(r"[\d,]+(?:\s\d{3}(?![\d,]))++(?:\.\d+)?")
_UNSPACED = re.compile(r"(?P<sign>-)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<dot>\.(?![\d]))?")
_UNIT = re.compile(
    r"(?P<stray>[\u4e00-\u9fff](?=%))?"
    r"(?P<scale>万|亿)?(?P<approx>余|多)?"
    r"(?P<base>元|%|‰|个百分点|百分点|台（套）|台|套|辆|批次|人次|人|次|个|项|家|件|分|年度|年|月|日|倍|天|户|名)?"
)
_COUNT_UNITS = {"台（套）", "台", "套", "辆", "批次", "人次", "人", "次", "个", "项", "家", "件",
                "倍", "天", "户", "名"}


# an unreadable figure (too long, out of bounds) longer than _SHOWN_CHARS is shown by its first
# _SHOWN_HEAD and last _SHOWN_TAIL characters; pinned by test_bounds.py::
# test_numbers_beyond_the_core_bounds_are_no_figures (a shown figure is at most 64 characters)
_SHOWN_CHARS = 40
_SHOWN_HEAD = 20
_SHOWN_TAIL = 10
# a 4-digit number before 年/年度 is a year when strictly between these; not calibrated on a case:
# plausible years of a report (the fixtures' are 2019–2024), so 12.5年 or 3000年 is a duration
_YEAR_DIGITS = 4
_YEAR_AFTER = 1949
_YEAR_BEFORE = 2100


@dataclass(frozen=True)
class _Number:
    start: int
    end: int  # after the unit
    text: str
    value: Decimal | None
    kind: Kind
    unit: str
    places: int
    approximate: bool
    malformed: str | None


# Problems of a printed number: a space inside digits is most often the layout of the text (a
# PDF's spacing), not what was printed, so only LAYOUT_PROBLEMS make a warning rather than an
# error (juesuan.audit.text_checks.statements.check_malformed)
SPACE_INSIDE = "数字中间有空格"
COMMA_MISPLACED = "千分位逗号位置不对"
LAYOUT_PROBLEMS = frozenset({SPACE_INSIDE})


def _number_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _NUMBER, a label's number (see _LABEL_BEFORE) and figures side by side
    (see _SPACED_GROUPS) cut at the first space."""
    position = 0
    while (match := _NUMBER.search(text, position)) is not None:
        if " " in match.group("num"):
            start = match.start()
            num = match.group("num")
            if _LABEL_BEFORE.search(text, max(0, start - _LABEL_WINDOW), start) or \
                    ("," not in num and not _SPACED_GROUPS.fullmatch(num)):
                label = _UNSPACED.match(text, start)
                assert label is not None  # the same digits, up to the space
                match = label
        yield match
        position = match.end()


def _numbers(text: str) -> Iterator[_Number]:
    for match in _number_matches(text):
        digits = match.group("num")
        problems: list[str] = []
        if " " in digits:
            problems.append(SPACE_INSIDE)
        if "," in digits and not WELL_FORMED.match(digits):
            problems.append(COMMA_MISPLACED)
        cleaned = digits.replace(",", "").replace(" ", "")
        dot = match.group("dot")
        end = match.end("num")
        if dot and "." in cleaned:
            problems.append("数字末尾多了小数点")
            end = match.end()
        elif dot:
            dot = None
        unit_match = _UNIT.match(text, end)
        assert unit_match is not None  # every group is optional
        stray = unit_match.group("stray")
        scale = unit_match.group("scale") or ""
        base = unit_match.group("base") or ""
        approximate = unit_match.group("approx") is not None
        if stray:
            problems.append(f"数字与“%”之间夹有“{stray}”")
        if not base and not scale:
            approximate = False
        after = unit_match.end() if (base or scale) else end
        # a list ordinal (1、 2. ), not a figure
        if not base and not scale and text[end:end + 1] in ("、", ".", "．") and "." not in cleaned:
            continue
        printed = text[match.start():after]
        # Beyond the core's bounds a number is never converted (or computed with): with a
        # unit it is a malformed figure, without one (an account number) no figure at all.
        try:
            value = None if len(cleaned) > MAX_NUMBER_CHARS else Decimal(cleaned)
        except InvalidOperation:  # pragma: no cover - the pattern only matches digits
            continue
        if value is not None and match.group("sign") and match.start() > 0 and \
                not text[match.start() - 1].isdigit():
            value = -value
        bound = f"数字过长（{len(cleaned):,} 位）" if value is None else number_problem(value)
        if bound is not None:
            if scale or base:
                shown = printed if len(printed) <= _SHOWN_CHARS else \
                    printed[:_SHOWN_HEAD] + "…" + printed[-_SHOWN_TAIL:]
                yield _Number(match.start(), after, shown, None, Kind.OTHER, scale + base, 0, False,
                              bound)
            continue
        places = len(cleaned.split(".")[1]) if "." in cleaned else 0
        unit = scale + base
        kind = _kind(unit, cleaned)
        if kind is Kind.YEAR and base == "年度":
            unit = "年度"
        if kind is not Kind.YEAR and base in ("年", "年度"):
            # "3年" is a duration; "年度" after a short number is not a year either
            kind = Kind.COUNT
        yield _Number(match.start(), after, printed, value, kind, unit, places,
                      approximate, "；".join(problems) or None)


def _kind(unit: str, digits: str) -> Kind:
    if unit in ("万元", "亿元", "元", "万"):
        return Kind.AMOUNT
    if unit in ("%", "‰"):
        return Kind.PERCENT
    if unit.endswith("百分点"):
        return Kind.POINTS
    if unit in ("年", "年度"):
        return Kind.YEAR if len(digits) == _YEAR_DIGITS and digits.isdigit() \
            and _YEAR_AFTER < int(digits) < _YEAR_BEFORE \
            else Kind.COUNT  # "12.5年" is a duration, not a year
    if unit in ("月", "日"):
        return Kind.DATE
    if unit == "分":
        return Kind.SCORE
    base = unit[1:] if unit[:1] in ("万", "亿") else unit
    if base in _COUNT_UNITS:
        return Kind.COUNT
    return Kind.OTHER


# --- topics and measures -----------------------------------------------------------------

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
        (r"本年收入合计", "income_total"),
        (r"本年支出合计", "expenditure_total"),
        (r"(?:部门)?(?:决算|预算)收入(?:总计|合计)?", "income_total"),
        (r"(?:部门)?(?:决算|预算)支出(?:总计|合计)?", "expenditure_total"),
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
        (r"公务用车购置及运行(?:维护)?费", "vehicle"),
        (r"公务用车购置(?:费|支出)", "vehicle_purchase"),
        (r"公务用车运行(?:维护)?(?:费|支出)", "vehicle_operation"),
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
# At most _HEADING_CHARS pieces: an unbounded lazy group keeps a backtracking point for every
# character tried, 300 MB on a paragraph of 2,000,000 characters (fuzz seed 1 #33886).
_NAME_PART = rf"(?:[^（）。]|（(?![类款项]）)[^（）。]{{1,6}}）){{1,{_HEADING_CHARS}}}?"
_ITEM = re.compile(
    rf"^\s*(?:\d+[、.．]|（\d+）)\s*(?P<c>{_NAME_PART})（类）(?P<k>{_NAME_PART})（款）(?P<x>{_NAME_PART})（项）"
)
_PROJECT = re.compile(r"^\s*(?:\d+[、.．]|（\d+）)\s*(?P<p>[^：。]+?)项目自评综述")



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
_CHANGE_WORDS = {**dict.fromkeys(_UP_WORDS, 1), **dict.fromkeys(_DOWN_WORDS, -1)}
_DIR = _any(sorted(_CHANGE_WORDS, key=len, reverse=True))
_UP, _DOWN = re.compile(_any(_UP_WORDS)), re.compile(_any(_DOWN_WORDS))
_CHANGE_TAIL = re.compile(rf"(?P<w>(?:{_DIR})(?:（(?:{_DIR})）)?)了?$")
_MEASURES: list[tuple[re.Pattern[str], Measure]] = [
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
_PRIOR_CLAUSE = re.compile(r"(?:比|较|与)(?:上年|上一年|上年度|上一年度|\d{4}年度?)[^，；增减上下]*$")
_BUDGET_REFERENCE = re.compile(r"(?:比|较|与)(?:年初|全年)?预算")
_YEAR_REFERENCE = re.compile(r"(?:比|较|与)(?:上年|上一年|上年度|\d{4}年)")
_PCT_WITHOUT_SIGN = re.compile(rf"(?:{_DIR}|占|的|差异率|执行率(?:达到|为)?)了?$")

_COMPARISON_WORDS = {**dict.fromkeys(_words("above_words"), 1), **dict.fromkeys(_words("below_words"), -1),
                     **dict.fromkeys(_words("equal_words"), 0)}
_COMPARISON = re.compile(
    rf"决算数?(?:(?P<w>{_any(sorted(_COMPARISON_WORDS, key=len, reverse=True))})(?P<ref>全年|年初)?预算数?"
    rf"|(?:与|同|和)(?P<ref2>全年|年初)?预算数?(?P<basic>基本)?(?P<w2>{_any(_words('same_words'))}))"
)
_TREND = re.compile(rf"(?P<basic>基本)?(?:{_any(_words('flat_words'))})")
_REASON = re.compile(r"原因|由于|因为|主要是")
_PURPOSE = re.compile(r"主要用于：?(?P<p>[^。]+)")
_DUPLICATE = re.compile(r"([\u4e00-\u9fff]{2,6})\1|([。，；：、])\2")
_SENTENCE_END = re.compile(r"[。！？]+")  # a run of stops ends one sentence (。。 is a duplicate, found apart)
_REPORT_YEAR_AFTER = re.compile(
    r"^(?:部门|单位)?决算(?!数)|^(?:收入支出总计|财政拨款收入支出总计|政府采购|预算绩效管理|无)"
)


@dataclass
class _Context:
    topic: str | None = None
    subject: str | None = None
    reference: Measure = Measure.PRIOR  # what 增加/减少 compare with in this sentence


_CJK = re.compile(r"[\u4e00-\u9fff]")
_FUND_INCOME = {"government_fund.income": "government_fund.expenditure",
                "state_capital.income": "state_capital.expenditure"}
_BARE_SPENDING = re.compile(r"(?:^|[，；、])\s*支出(?:决算)?(?:为|是)?$")


def _find_topic(label: str) -> tuple[str, str | None] | None:
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


@dataclass
class _Event:
    start: int
    end: int
    number: _Number | None = None
    measure: Measure | None = None  # statements
    text: str = ""
    direction: int | None = None
    word: str | None = None
    reference: str | None = None


def _statements(sentence: str) -> list[_Event]:
    events: list[_Event] = []
    taken: list[tuple[int, int]] = []
    for m in _COMPARISON.finditer(sentence):
        word = m.group("w") or m.group("w2")
        ref = m.group("ref") or m.group("ref2")
        direction = _COMPARISON_WORDS.get(word, 0)
        events.append(_Event(m.start(), m.end(), measure=Measure.COMPARISON, text=m.group(0),
                             direction=direction, word=(m.group("basic") or "") + word,
                             reference=("adjusted_budget" if ref == "全年" else
                                        "budget" if ref == "年初" else None)))
        taken.append((m.start(), m.end()))
    for m in _TREND.finditer(sentence):
        if any(a <= m.start() < b for a, b in taken):
            continue
        events.append(_Event(m.start(), m.end(), measure=Measure.TREND, text=m.group(0),
                             direction=0, word=m.group(0)))
    purpose = _PURPOSE.search(sentence)
    if purpose is not None:
        # the event is the words 主要用于: the figures after them keep their own labels
        events.append(_Event(purpose.start(), purpose.start("p"), measure=Measure.PURPOSE,
                             text=purpose.group("p").strip()))
    reason = _REASON.search(sentence)
    if reason is not None:
        rest = sentence[reason.end():]
        ups = bool(_UP.search(rest))
        downs = bool(_DOWN.search(rest))
        events.append(_Event(reason.start(), reason.end(), measure=Measure.REASON,
                             text=sentence[reason.start():].rstrip("。"),
                             direction=1 if ups and not downs else -1 if downs and not ups else None))
    return events


def _measure_of(label: str, number: _Number, context: _Context) -> tuple[
    Measure | None, int | None, str | None, str | None
]:
    """(measure, direction, word, reference) of a number from the words just before it."""
    tail = label.rstrip()
    if number.kind is Kind.YEAR:
        return None, None, None, None
    change = _CHANGE_TAIL.search(tail)
    if change is not None and number.kind in (Kind.AMOUNT, Kind.PERCENT, Kind.POINTS):
        word = change.group("w")
        directions = {_CHANGE_WORDS[w] for w in re.findall(_DIR, word)}
        direction = directions.pop() if len(directions) == 1 else None
        pct = number.kind is not Kind.AMOUNT
        if context.reference is Measure.BUDGET:
            return (Measure.BUDGET_DIFF_PCT if pct else Measure.BUDGET_DIFF), direction, word, None
        return (Measure.CHANGE_PCT if pct else Measure.CHANGE), direction, word, None
    for pattern, measure in _MEASURES:
        match = pattern.search(tail)
        if match is None:
            continue
        if measure is Measure.PRIOR and number.kind is not Kind.AMOUNT:
            continue
        reference = match.groupdict().get("ref")
        if measure is Measure.SHARE:
            found = _find_topic(match.group(0)[1:])
            return measure, None, None, found[0] if found else None
        if measure is Measure.COMPLETION:
            return measure, None, None, ("adjusted_budget" if reference == "全年" else
                                         "budget" if reference == "年初" else None)
        if measure in (Measure.BUDGET, Measure.FINAL, Measure.ADJUSTED_BUDGET) and \
                number.kind is not Kind.AMOUNT:
            continue
        if measure is Measure.BUDGET_DIFF_PCT and number.kind is not Kind.PERCENT:
            continue
        return measure, None, None, None
    if number.kind is Kind.COUNT:
        return Measure.COUNT, None, None, None
    if number.kind is Kind.SCORE:
        return Measure.SCORE, None, None, None
    if number.kind in (Kind.AMOUNT, Kind.PERCENT):
        return Measure.VALUE, None, None, None
    return None, None, None, None


def extract_claims(source: SourceDocument, *, limit: int = MAX_REPORT_FIGURES) -> list[Claim]:
    """Every number stated in the running text of ``source``, in reading order; at most
    ``limit`` of them (a report states a few hundred: a text that states more is read up
    to there, and ``len(result) == limit`` tells the caller so)."""
    from juesuan.audit.selfeval import form_lines

    claims: list[Claim] = []
    sentence_index = 0
    # the text printed with a 自评表 (its titles, 项目名称：…, 项目支出总额：…) is the form's,
    # read and judged by juesuan.audit.selfeval, not running text
    skip = form_lines(source)
    for paragraph_index, paragraph in enumerate(_paragraphs(source, skip)):
        if len(claims) >= limit:
            break
        context = _Context()
        item = _ITEM.match(paragraph.chars)
        project = _PROJECT.match(paragraph.chars) if item is None else None
        if item is not None:
            context.topic = "general_budget.item"
            context.subject = "/".join(_subject(item.group(g)) for g in ("c", "k", "x"))
        elif project is not None:
            context.topic = "performance.project"
            context.subject = _subject(project.group("p"))
        section = section_of(paragraph.path)
        text = paragraph.chars
        start = 0
        for end_match in [*_SENTENCE_END.finditer(text), None]:
            end = end_match.end() if end_match is not None else len(text)
            if end <= start:
                continue
            if len(claims) >= limit:
                break
            claims.extend(_sentence_claims(paragraph, start, end, context, section,
                                           sentence_index, paragraph_index, limit - len(claims)))
            sentence_index += 1
            start = end
        claims.extend(itertools.islice(_duplicates(paragraph, section, sentence_index - 1,
                                                   paragraph_index), max(limit - len(claims), 0)))
    return claims


def _subject(text: str) -> str:
    """A 类/款/项 or project name as printed; no real one is longer than _HEADING_CHARS (it
    is named in messages, so a paragraph without its closing bracket must not be)."""
    text = text.strip()
    return text if len(text) <= _HEADING_CHARS else text[:_HEADING_CHARS - 1] + "…"


def _duplicates(paragraph: _Paragraph, section: str | None, sentence_index: int,
                paragraph_index: int) -> Iterator[Claim]:
    """Words and punctuation printed twice (增加增加, 。。), across sentence ends too."""
    chars = paragraph.chars
    sentence_start = 0  # after the last 。 before the match: found going forward, once
    full_stops = re.compile("。")
    scanned = 0
    for match in _DUPLICATE.finditer(chars):
        for stop in full_stops.finditer(chars, scanned, match.start()):
            sentence_start = stop.end()
        scanned = max(scanned, match.start())
        line = paragraph.line_at(match.start())
        yield Claim(match.group(0), None, Kind.STATEMENT, measure=Measure.DUPLICATE,
                    line=line.line, page=line.page, section=section,
                    quote=paragraph.quote(sentence_start, match.end(), (match.start(), match.end())),
                    sentence=sentence_index, paragraph=paragraph_index, offset=match.start())


# How far back from a figure its label (the words naming it) and its clause are read. A
# clause of a report is well under this; reading no further keeps each figure's work
# bounded, so a sentence of a million characters costs a million, not its square. Not calibrated
# on a case (a bound); pinned by test_bounds.py::test_a_megabyte_of_the_worst_text_finishes.
_WINDOW = 160
_CLAUSE_DELIMITER = re.compile(r"[，；：、]")
_CJK_AFTER = re.compile(r"[\d.]*[\u4e00-\u9fff]")


def _sentence_claims(paragraph: _Paragraph, start: int, end: int, context: _Context,
                     section: str | None, sentence_index: int,
                     paragraph_index: int, room: int) -> list[Claim]:
    text = paragraph.chars
    sentence = text[start:end]
    events = [_Event(n.start, n.end, number=n) for n in itertools.islice(_numbers(sentence), room)]
    if len(events) == room:  # the last figure read: the sentence is read no further
        sentence = sentence[:events[-1].end] if events else ""
    events.extend(_statements(sentence))
    events.sort(key=lambda e: (e.start, e.number is None))
    context.reference = Measure.PRIOR
    del events[room:]
    if not events:  # most sentences state nothing: no quote to cut
        return []
    claims: list[Claim] = []
    previous_end = 0
    clause_start = 0
    short_quote = paragraph.quote(start, end) if paragraph.quote_fits(start, end) else None
    quote = short_quote or ""
    for event in events:
        near = max(previous_end, event.start - _WINDOW)
        label = sentence[near:event.start] if event.start >= previous_end else ""
        for delimiter in _CLAUSE_DELIMITER.finditer(sentence, near, max(near, event.start)):
            clause_start = delimiter.end()
        clause = sentence[max(clause_start, event.start - _WINDOW):event.start]
        if _BUDGET_REFERENCE.search(clause):
            context.reference = Measure.BUDGET
        elif _YEAR_REFERENCE.search(clause):
            context.reference = Measure.PRIOR
        topic_label = label
        share = re.search(r"占[^，；。]*$", label.rstrip())
        if share is not None:
            topic_label = label[:share.start()]
        found = _find_topic(topic_label)
        if found is not None:
            context.topic, context.subject = found
        elif context.topic in _FUND_INCOME and _BARE_SPENDING.search(topic_label):
            # "政府性基金预算财政拨款收入X万元，支出Y万元": the same fund's expenditure
            context.topic = _FUND_INCOME[context.topic]
        line = paragraph.line_at(start + event.start)
        if short_quote is None:  # a long sentence: each figure quoted with what is around it
            quote = paragraph.quote(start, end, (start + event.start, start + event.end))
        common: dict[str, Any] = {
            "line": line.line, "page": line.page, "section": section, "quote": quote,
            "sentence": sentence_index, "paragraph": paragraph_index, "offset": event.start,
            "heading": paragraph.heading,
        }
        if event.number is None:
            assert event.measure is not None
            topic = context.topic if event.measure in (
                Measure.COMPARISON, Measure.TREND, Measure.PURPOSE) else None
            claims.append(Claim(event.text, None, Kind.STATEMENT, topic=topic,
                                measure=event.measure,
                                subject=context.subject if topic else None,
                                direction=event.direction, word=event.word,
                                reference=event.reference, **common))
            previous_end = max(previous_end, event.end)
            continue
        number = event.number
        kind, unit, malformed = number.kind, number.unit, number.malformed
        if kind is Kind.OTHER and number.value is not None and \
                _PCT_WITHOUT_SIGN.search(label.rstrip()) and "." in number.text and \
                not _CJK_AFTER.match(sentence, number.end, number.end + _WINDOW):
            kind, malformed = Kind.PERCENT, "百分数缺少“%”"
        elif kind is Kind.AMOUNT and unit == "万":
            malformed = None  # an incomplete unit is a unit problem (C.unit), the number is fine
        measure, direction, word, reference = _measure_of(label, _with_kind(number, kind), context)
        if measure is None and kind is Kind.YEAR:
            measure = _year_role(sentence, number)
        if kind is Kind.AMOUNT and measure in (None, Measure.VALUE) and \
                _PRIOR_CLAUSE.search(clause):
            measure = Measure.PRIOR  # 比2019年30.63万元: the year is a figure of its own
        topic = context.topic if measure not in (None, Measure.REPORT_YEAR,
                                                 Measure.PRIOR_YEAR) else None
        subject = context.subject if topic else None
        if kind is Kind.YEAR:
            topic = "year" if measure else None
        value = number.value
        if direction and value is not None and value < 0 and measure in _CHANGES:
            value, direction = -value, -direction  # 增长-5.86%: a fall of 5.86%
        claims.append(Claim(
            number.text, value, kind, unit, number.places, topic, measure, subject,
            direction, word, reference, number.approximate, malformed, **common,
        ))
        previous_end = event.end
    return claims


_CHANGES = frozenset({Measure.CHANGE, Measure.CHANGE_PCT, Measure.BUDGET_DIFF, Measure.BUDGET_DIFF_PCT})


def _with_kind(number: _Number, kind: Kind) -> _Number:
    if kind is number.kind:
        return number
    return _Number(number.start, number.end, number.text, number.value, kind, number.unit,
                   number.places, number.approximate, number.malformed)


# characters after a year read for the word that makes it the report's (the longest, 财政拨款收入支出总计,
# is 10) and before it for 与/比/较/截至; calibrated on 截至2023年12月31日 of 04 (test_claims.py::
# test_planted_defects_of_04) and 比2019年 of the seed (test_claims.py::test_claims_of_the_seed)
_YEAR_WORDS_AFTER = 20
_YEAR_WORDS_BEFORE = 4


def _year_role(sentence: str, number: _Number) -> Measure | None:
    """与2023年度相比 → the prior year; 2024年度部门决算, 截至2024年12月31日 → the report's."""
    after = sentence[number.end:number.end + _YEAR_WORDS_AFTER]
    before = sentence[max(0, number.start - _YEAR_WORDS_BEFORE):number.start]
    if re.search(r"(?:与|比|较)$", before):
        # 与2020年度预算相比: the year's budget, not the year before
        return None if re.match(r"(?:年度?)?(?:年初|全年)?预算", after) else Measure.PRIOR_YEAR
    if before.endswith("截至") and re.match(r"12月31日", after):
        return Measure.REPORT_YEAR
    if _REPORT_YEAR_AFTER.search(after):
        return Measure.REPORT_YEAR
    return None


def claims_text(claims: list[Claim]) -> str:
    """One line per claim, for reading and debugging: line, role, figure, sentence."""
    rows = []
    for c in claims:
        if c.kind is Kind.STATEMENT and c.measure is Measure.REASON:
            continue
        rows.append(f"{c.line:>4} {c.role or '-':<40} {c.text:<16} {c.name}")
    return "\n".join(rows)
