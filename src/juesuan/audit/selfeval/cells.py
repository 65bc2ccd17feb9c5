"""The words and figures of a 自评表's cells: numbers, points, indicator names, the header
words of its columns and rows, the rows of its grids and the key of its title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from juesuan.audit.figures import WELL_FORMED
from juesuan.audit.source import Grid, normalise
from juesuan.filing.performance import FirstLevel
from juesuan.limits import MAX_NUMBER_CHARS
from juesuan.money import number_problem

# --- text helpers ---------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def compact(text: str) -> str:
    return _WS.sub("", normalise(text))


POINTS = re.compile(r"[(（](\d+(?:\.\d+)?)分")
POINTS_ANY = re.compile(r"(\d+(?:\.\d+)?)分")


@dataclass(frozen=True)
class Figure:
    """A number printed in a form cell."""

    value: Decimal
    percent: bool = False
    malformed: str | None = None  # the cell as printed when it was not a well-formed number


def figure(text: str) -> Figure | None:
    """A form cell as a number: 1,234.5 / 87.25% / 175.77万元 / 30分; a stray trailing point
    (“1121.82.”) is read as the number it ends and recorded as malformed. A number beyond
    the bounds of every number (juesuan.money.number_problem) is no figure: the cell is
    unreadable, as a word would be."""
    found = figure_or_problem(text)
    return found if isinstance(found, Figure) else None


# a cell longer than this many times MAX_NUMBER_CHARS prints no one number (read unparsed); not
# calibrated on a case, a bound (test_selfeval.py::test_figures_beyond_the_bounds: 5000 nines)
_NUMBER_CELL_FACTOR = 4


def figure_or_problem(text: str) -> Figure | str | None:
    """:func:`figure`, or why a number out of bounds was not read."""
    if len(text) > _NUMBER_CELL_FACTOR * MAX_NUMBER_CHARS:  # no cell printing one number is that long
        return None
    t = compact(text).replace("，", ",").replace("－", "-").replace("−", "-")
    if not t or not any(ch.isdigit() for ch in t):
        return None
    percent = t.endswith("%")
    core = t.rstrip("%")
    for suffix in ("万元", "元", "分"):
        if core.endswith(suffix):
            core = core[: -len(suffix)]
            break
    malformed = None
    if core.endswith((".", "。")) and WELL_FORMED.match(core[:-1]):
        core, malformed = core[:-1], text.strip()
    if not WELL_FORMED.match(core):
        return None
    if len(core) > MAX_NUMBER_CHARS:
        return f"位数过多（超过 {MAX_NUMBER_CHARS} 个字符）"
    try:
        value = Decimal(core.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None
    return number_problem(value) or Figure(value, percent, malformed)


def points_of(text: str | None) -> Decimal | None:
    """Points printed in a label ("（30分）"), None when absent or out of bounds."""
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    value = Decimal(text)
    return None if number_problem(value) else value


def _strip_points(text: str) -> str:
    return re.sub(r"[(（]\d+(?:\.\d+)?分[)）]", "", text)


# --- indicator names -------------------------------------------------------------------------

_LEVEL1 = {
    "产出指标": FirstLevel.OUTPUT, "产出": FirstLevel.OUTPUT, "成本指标": FirstLevel.COST,
    "效益指标": FirstLevel.BENEFIT, "效益": FirstLevel.BENEFIT,
    "满意度指标": FirstLevel.SATISFACTION, "满意度": FirstLevel.SATISFACTION,
    "服务对象满意度指标": FirstLevel.SATISFACTION,
}
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|可持续影响"
    r"|服务对象满意度|满意度)(?:指标)?$"
)
LEVEL2_PARENT = {
    "数量": FirstLevel.OUTPUT, "质量": FirstLevel.OUTPUT, "时效": FirstLevel.OUTPUT,
    # 成本 under 产出 in the forms of 财预〔2020〕10号; 成本指标 a 一级指标 of its own, with these
    # three under it, in the 2021+ forms (a scheme may count it within 产出: level1_within).
    "成本": FirstLevel.OUTPUT, "经济成本": FirstLevel.COST, "社会成本": FirstLevel.COST,
    "生态环境成本": FirstLevel.COST, "经济效益": FirstLevel.BENEFIT,
    "社会效益": FirstLevel.BENEFIT, "生态效益": FirstLevel.BENEFIT,
    "可持续影响": FirstLevel.BENEFIT, "服务对象满意度": FirstLevel.SATISFACTION,
    "满意度": FirstLevel.SATISFACTION,
}


def level1_of(text: str) -> FirstLevel | None:
    return _LEVEL1.get(_strip_points(compact(text)))


def level2_of(text: str) -> str | None:
    """The 二级指标 as its usual name (社会效益 指标 → 社会效益指标), or None."""
    m = _LEVEL2.match(_strip_points(compact(text)))
    return f"{m.group(1)}指标" if m else None


# --- form structure ---------------------------------------------------------------------------

Field = Literal["name", "target", "actual", "weight", "score", "deviation", "improvement",
                "direction", "unit"]
FundsKey = Literal["initial", "adjusted", "executed", "weight", "rate", "score"]

_FIELD_WORDS: tuple[tuple[str, Field], ...] = (
    ("三级指标", "name"),
    ("指标性质", "direction"),
    ("度量单位", "unit"), ("计量单位", "unit"),
    ("偏差原因", "deviation"), ("未完成原因", "deviation"),
    ("改进措施", "improvement"),
    ("实际完成", "actual"), ("实际值", "actual"), ("完成值", "actual"), ("全年实际", "actual"),
    ("指标值", "target"), ("目标值", "target"),
    ("分值", "weight"), ("权重", "weight"),
    ("得分", "score"),
)
_FUNDS_WORDS: tuple[tuple[str, FundsKey], ...] = (
    ("得分", "score"),
    ("年初预算", "initial"),
    ("执行率", "rate"), ("完成率", "rate"),
    ("执行数", "executed"), ("支出数", "executed"),
    ("预算数", "adjusted"),
    ("分值", "weight"), ("权重", "weight"),
)
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("项目名称", "name"), ("主管部门", "department"), ("项目实施单位", "implementer"),
    ("实施单位", "implementer"), ("项目类别", "category"), ("项目属性", "attribute"),
    ("项目类型", "kind"), ("单位名称", "unit_name"), ("部门名称", "unit_name"),
    ("部门(单位)名称", "unit_name"), ("部门（单位）名称", "unit_name"),
    ("基本支出总额", "basic_total"), ("项目支出总额", "project_total"),
)
TARGET_BLOCK = re.compile(r"^年度(?:绩效)?目标(\d*)[:：]?(?:[(（](\d+(?:\.\d+)?)分[)）])?[:：]?$")
# a 年度目标 row that prints its description in the same cell, its points in the 分值 and
# 得分 columns: “年度目标1：保障服务大厅正常运行 | … | 15 | 15”
TARGET_INLINE = re.compile(
    r"^年度(?:绩效)?目标\s*(\d*)\s*(?:[(（](\d+(?:\.\d+)?)分[)）])?\s*[:：]\s*(\S.*)$")
# what an unfilled text cell prints instead of nothing
PLACEHOLDER = re.compile(r"^[(（]?(?:未填写|空|暂无|待填写)[)）]?$")
TOTAL_LABELS = ("总分", "总计", "合计", "综合得分", "自评得分", "自评总分")
TITLE = re.compile(r"(?:自评|评价)(?:得分)?表")


def field_of(word: str) -> Field | None:
    for needle, key in _FIELD_WORDS:
        if needle in word:
            return key
    return None


def funds_key(word: str) -> FundsKey | None:
    for needle, key in _FUNDS_WORDS:
        if needle in word:
            return key
    return None


@dataclass(frozen=True)
class Printed:
    """Where a row of a form was printed."""

    line: int | None
    page: int | None
    quote: str


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]  # stripped, trailing blanks removed
    words: tuple[str, ...]  # compact
    printed: Printed
    raw: tuple[str, ...]  # stripped, every cell as read (for positional reading)


def form_rows(grids: Sequence[Grid]) -> list[Row]:
    out: list[Row] = []
    for grid in grids:
        for k, raw in enumerate(grid.rows):
            full = tuple(c.strip() for c in raw)
            cells = list(full)
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            line = grid.row_lines[k] if grid.row_lines else (grid.line + k if grid.line else None)
            out.append(Row(tuple(cells), tuple(compact(c) for c in cells),
                            Printed(line, grid.page, " | ".join(cells)), full))
    return out


def is_indicator_header(row: Row) -> bool:
    return "三级指标" in row.words or ("一级指标" in row.words and "二级指标" in row.words)


# a row is a form's funds header when it names at least this many of 年初预算数/全年预算数/全年执行数/
# 执行率; calibrated on the seed's forms (tests/fixtures/reports/seed-suizhou-2020.txt,
# test_selfeval.py::test_seed_forms_are_found_with_their_titles)
_FUNDS_HEADER_HITS = 2


def is_funds_header(row: Row) -> bool:
    hits = sum(1 for w in row.words if funds_key(w) in ("initial", "adjusted", "executed", "rate"))
    return hits >= _FUNDS_HEADER_HITS and not is_indicator_header(row)


def header_label(word: str) -> str | None:
    for needle, key in HEADER_LABELS:
        if word == needle or word.rstrip(":：") == needle:
            return key
    return None


def looks_like_form(rows: Sequence[Row]) -> bool:
    indicator = any(is_indicator_header(r) for r in rows)
    funds = any(is_funds_header(r) for r in rows)
    header = any(header_label(w) for r in rows for w in r.words[:1])
    return indicator or (funds and header)



# A form printed in parts, each under its own title (juesuan's forms: “…自评表（预算执行情况）”
# and “…自评表（绩效指标）”), or continued (续表): the parts name the same form.
_PART_SUFFIX = re.compile(r"[(（](?:[^()（）]{0,12}(?:情况|指标|续表?|明细)[^()（）]{0,4})[)）]$")


def form_key(title: str) -> str:
    """A form's title without the part it prints: one key for every part of one form."""
    return _PART_SUFFIX.sub("", compact(title))
