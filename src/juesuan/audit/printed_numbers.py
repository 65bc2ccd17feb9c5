"""The numbers printed in the running text, each with its unit and its kind.

Numbers are read as printed: the decimals shown are the precision the checks judge them at,
and a malformed figure (“93.27了%”, “1121.82.”, “2,9 40.05”) is kept, parsed as far as it can
be, with what is wrong recorded (:attr:`Number.malformed`, then
:attr:`juesuan.audit.claim_model.Claim.malformed`). A list ordinal (1、) and a label's number
(图1) are no figures; a number beyond the core's bounds is never converted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from juesuan.audit.claim_model import Kind
from juesuan.audit.figures import WELL_FORMED
from juesuan.limits import MAX_NUMBER_CHARS
from juesuan.money import number_problem

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
class Number:
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
COMMA_BEFORE = "数字前多出一个逗号"
LAYOUT_PROBLEMS = frozenset({SPACE_INSIDE, COMMA_BEFORE})
# a comma between a word that takes its figure directly and the figure: “共计 ,0 个” (a slip, or a
# figure left out before the comma: not proven either way, so a warning)
_COMMA_BEFORE = re.compile(r"(?:共计|合计|总计|累计|共)\s*[,，]\s*$")
# characters before a number searched for _COMMA_BEFORE
_COMMA_WINDOW = 8


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


def numbers(text: str) -> Iterator[Number]:
    for match in _number_matches(text):
        digits = match.group("num")
        problems: list[str] = []
        if " " in digits:
            problems.append(SPACE_INSIDE)
        if "," in digits and not WELL_FORMED.match(digits):
            problems.append(COMMA_MISPLACED)
        if _COMMA_BEFORE.search(text, max(0, match.start() - _COMMA_WINDOW), match.start()):
            problems.append(COMMA_BEFORE)
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
                yield Number(match.start(), after, shown, None, Kind.OTHER, scale + base, 0, False,
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
        yield Number(match.start(), after, printed, value, kind, unit, places,
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
