"""绩效自评表 printed in a report, read back into a :class:`~juesuan.filing.performance.Performance`.

Pure: reads the grids of a :class:`~juesuan.audit.source.SourceDocument` and returns what
the forms state — the funds block (预算数、执行数、执行率、得分), the indicators (一级、二级、
三级指标, 年初目标值 / 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析), the 年度目标 blocks of
a 部门整体 form with their points, 总分 and the 偏差原因分析 / 改进措施 rows — in the model a
filing uses, so the P.* rules judge a published form exactly as they judge a filing.

Three form families are recognised (domain.md §5): the Hubei 20/80 form (预算数(A) /
执行数(B) / 执行率(B/A) / 得分(20分*执行率); 年初目标值(A) / 实际完成值(B) / 得分; a
部门整体 form with 年度目标1:(30分) blocks and one 得分 per block), the central 10/50/30/10
form (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分 with 年度资金总额 and 其中 rows;
年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施) and Sichuan's 10/90 form (指标性质,
度量单位). Columns are found by their header words; a row's cells are read from its first
cell (a merged 一级指标 or 二级指标 cell printed once for several rows is carried down).

What a published form does not record is inferred from what it prints, and said so:

* the scheme: 20 points for budget execution → hubei-2020; 10 → central-2020, or
  sichuan-2023 when the form has a 指标性质 column;
* indicator weights of a Hubei project form (which prints only 得分): the printed scores,
  when they add up to the block's points (every indicator full);
* the tier of a qualitative indicator (or one whose actual value cannot be compared with its
  target): from its printed score over its weight — ≥ 80 % 达成, ≥ 50 % 部分达成, else 未达成
  — with the printed score as its fraction; in a 年度目标 block that prints one score, the
  block's score less what the quantitative indicators earn, shared by the qualitative ones.
  So the audit judges the form's arithmetic, not the evaluator's judgement.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import ValidationError

from juesuan.audit.figures import WELL_FORMED
from juesuan.audit.source import Grid, Line, SourceDocument, normalise
from juesuan.filing.io import type_message
from juesuan.filing.model import Department, ExpenditureRow, Filing, Fund, Level
from juesuan.filing.performance import (
    AnnualTarget,
    DepartmentEvaluation,
    Direction,
    FirstLevel,
    Funds,
    Indicator,
    Performance,
    ProjectEvaluation,
    ProjectFunds,
    Stated,
    Tier,
)
from juesuan.limits import MAX_NUMBER_CHARS
from juesuan.money import ZERO, number_problem
from juesuan.performance.scheme import Scheme
from juesuan.performance.scoring import Basis, score_department, score_project
from juesuan.rules.finding import Finding
from juesuan.tables.table import TableSet

# --- text helpers ---------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def compact(text: str) -> str:
    return _WS.sub("", normalise(text))


_POINTS = re.compile(r"[(（](\d+(?:\.\d+)?)分")
_POINTS_ANY = re.compile(r"(\d+(?:\.\d+)?)分")


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
    found = _figure(text)
    return found if isinstance(found, Figure) else None


def _figure(text: str) -> Figure | str | None:
    """:func:`figure`, or why a number out of bounds was not read."""
    if len(text) > 4 * MAX_NUMBER_CHARS:  # no cell printing one number is that long
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


def _points(text: str | None) -> Decimal | None:
    """Points printed in a label ("（30分）"), None when absent or out of bounds."""
    if not text or len(text) > MAX_NUMBER_CHARS:
        return None
    value = Decimal(text)
    return None if number_problem(value) else value


def _strip_points(text: str) -> str:
    return re.sub(r"[(（]\d+(?:\.\d+)?分[)）]", "", text)


# --- indicator names -------------------------------------------------------------------------

_LEVEL1 = {
    "产出指标": FirstLevel.OUTPUT, "产出": FirstLevel.OUTPUT, "成本指标": FirstLevel.OUTPUT,
    "效益指标": FirstLevel.BENEFIT, "效益": FirstLevel.BENEFIT,
    "满意度指标": FirstLevel.SATISFACTION, "满意度": FirstLevel.SATISFACTION,
    "服务对象满意度指标": FirstLevel.SATISFACTION,
}
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|可持续影响"
    r"|服务对象满意度|满意度)(?:指标)?$"
)
_LEVEL2_PARENT = {
    "数量": FirstLevel.OUTPUT, "质量": FirstLevel.OUTPUT, "时效": FirstLevel.OUTPUT,
    "成本": FirstLevel.OUTPUT, "经济成本": FirstLevel.OUTPUT, "社会成本": FirstLevel.OUTPUT,
    "生态环境成本": FirstLevel.OUTPUT, "经济效益": FirstLevel.BENEFIT,
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
_HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("项目名称", "name"), ("主管部门", "department"), ("项目实施单位", "implementer"),
    ("实施单位", "implementer"), ("项目类别", "category"), ("项目属性", "attribute"),
    ("项目类型", "kind"), ("单位名称", "unit_name"), ("部门名称", "unit_name"),
    ("部门(单位)名称", "unit_name"), ("部门（单位）名称", "unit_name"),
    ("基本支出总额", "basic_total"), ("项目支出总额", "project_total"),
)
_TARGET_BLOCK = re.compile(r"^年度(?:绩效)?目标(\d*)[:：]?(?:[(（](\d+(?:\.\d+)?)分[)）])?[:：]?$")
# a 年度目标 row that prints its description in the same cell, its points in the 分值 and
# 得分 columns: “年度目标1：保障服务大厅正常运行 | … | 15 | 15”
_TARGET_INLINE = re.compile(
    r"^年度(?:绩效)?目标\s*(\d*)\s*(?:[(（](\d+(?:\.\d+)?)分[)）])?\s*[:：]\s*(\S.*)$")
# what an unfilled text cell prints instead of nothing
_PLACEHOLDER = re.compile(r"^[(（]?(?:未填写|空|暂无|待填写)[)）]?$")
_TOTAL_LABELS = ("总分", "总计", "合计", "综合得分", "自评得分", "自评总分")
_TITLE = re.compile(r"(?:自评|评价)(?:得分)?表")


def _field(word: str) -> Field | None:
    for needle, key in _FIELD_WORDS:
        if needle in word:
            return key
    return None


def _funds_key(word: str) -> FundsKey | None:
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
class _Row:
    cells: tuple[str, ...]  # stripped, trailing blanks removed
    words: tuple[str, ...]  # compact
    printed: Printed
    raw: tuple[str, ...]  # stripped, every cell as read (for positional reading)


def _rows(grids: Sequence[Grid]) -> list[_Row]:
    out: list[_Row] = []
    for grid in grids:
        for k, raw in enumerate(grid.rows):
            full = tuple(c.strip() for c in raw)
            cells = list(full)
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            line = grid.line + k if grid.line else None
            out.append(_Row(tuple(cells), tuple(compact(c) for c in cells),
                            Printed(line, grid.page, " | ".join(cells)), full))
    return out


def _is_indicator_header(row: _Row) -> bool:
    return "三级指标" in row.words or ("一级指标" in row.words and "二级指标" in row.words)


def _is_funds_header(row: _Row) -> bool:
    hits = sum(1 for w in row.words if _funds_key(w) in ("initial", "adjusted", "executed", "rate"))
    return hits >= 2 and not _is_indicator_header(row)


def _header_label(word: str) -> str | None:
    for needle, key in _HEADER_LABELS:
        if word == needle or word.rstrip(":：") == needle:
            return key
    return None


def _looks_like_form(rows: Sequence[_Row]) -> bool:
    indicator = any(_is_indicator_header(r) for r in rows)
    funds = any(_is_funds_header(r) for r in rows)
    header = any(_header_label(w) for r in rows for w in r.words[:1])
    return indicator or (funds and header)


# --- reading one form -------------------------------------------------------------------------


@dataclass
class _Indicator:
    level1: FirstLevel
    level2: str | None
    values: dict[Field, str]
    printed: Printed


@dataclass
class _Block:
    """A 年度目标 block (department form) or the indicator block of a project form."""

    description: str | None
    weight: Decimal | None
    printed: Printed
    indicators: list[_Indicator] = field(default_factory=list)
    score: Decimal | None = None  # the block's 得分, when printed on its own row


@dataclass
class _Draft:
    """What one form states, before it becomes a model."""

    title: str | None
    title_printed: Printed | None
    header: dict[str, str] = field(default_factory=dict)
    header_printed: dict[str, Printed] = field(default_factory=dict)
    funds: dict[str, dict[FundsKey, Figure]] = field(default_factory=dict)  # row kind → values
    funds_printed: Printed | None = None
    funds_header_printed: Printed | None = None
    execution_weight: Decimal | None = None
    goal: str | None = None
    achieved: str | None = None
    blocks: list[_Block] = field(default_factory=list)
    indicator_header: Printed | None = None
    total: Decimal | None = None
    total_printed: Printed | None = None
    deviation: str | None = None
    deviation_printed: Printed | None = None
    improvement: str | None = None
    improvement_printed: Printed | None = None
    directions: bool = False  # a 指标性质 column (Sichuan)
    improvement_column: bool = False  # the indicators' 偏差原因分析及改进措施 column names both
    notes: list[str] = field(default_factory=list)
    first: Printed | None = None

    @property
    def department(self) -> bool:
        if "unit_name" in self.header and "name" not in self.header:
            return True
        if self.title and ("部门整体" in self.title or "整体支出" in self.title):
            return True
        return len([b for b in self.blocks if b.description]) > 1 and "name" not in self.header


def _funds_row_kind(label: str) -> str:
    if "当年" in label or "本年" in label:
        return "current_year"
    if "上年结转" in label or "结转" in label:
        return "carried_over"
    if "其他资金" in label:
        return "other"
    return "total"


def _choice(text: str) -> str:
    """The ticked option of “1、部门预算项目√□ 2、市直专项 □”, else the text."""
    options = [o.strip() for o in re.split(r"\d+[、.．]", text) if o.strip()]
    if len(options) > 1 or any(m in text for m in "□☑√■"):
        ticked = [o for o in options if any(m in o for m in "√☑■✓✔")]
        if len(ticked) == 1:
            return re.sub(r"[□☑√■✓✔\s]", "", ticked[0])
        return ""
    return text.strip()


class _Reader:
    def __init__(self, title: str | None, title_printed: Printed | None) -> None:
        self.d = _Draft(title, title_printed)
        self.fields: list[Field | None] = []
        self.header_width = 0
        self.pos1: int | None = None
        self.prefix: list[str] = []
        self.pos2: int | None = None
        self.positions: list[tuple[int, Field | None]] = []
        self.name_first = False  # the 三级指标 column stands before 一级指标 (juesuan's form)
        self.funds_keys: list[FundsKey | None] = []
        self.funds_header_width = 0
        self.section: Literal["header", "funds", "goal", "indicators", "footer"] = "header"
        self.level1: FirstLevel = FirstLevel.OUTPUT
        self.level2: str | None = None
        self.goal_next = False

    # -- rows --------------------------------------------------------------------------------

    def read(self, rows: Sequence[_Row]) -> _Draft:
        for row in rows:
            if self.d.first is None:
                self.d.first = row.printed
            self.row(row)
        return self.d

    def row(self, row: _Row) -> None:
        first = row.words[0] if row.words else ""
        if self.goal_next:
            self.goal_next = False
            texts = [c for c in row.cells if c]
            if texts and not _is_indicator_header(row):
                self.d.goal = texts[0]
                self.d.achieved = texts[1] if len(texts) > 1 else None
                return
        if _is_indicator_header(row):
            self.indicator_header(row)
            return
        if _is_funds_header(row):
            self.funds_header(row)
            return
        if first.startswith(_TOTAL_LABELS) and self.section in ("indicators", "footer"):
            self.total(row)
            return
        if "偏差" in first or ("原因分析" in first and "改进" not in first):
            self.d.deviation = self._text(row) or self.d.deviation
            self.d.deviation_printed = row.printed
            if "改进" in first:  # 偏差原因分析及改进措施 as one row
                self.d.improvement = self.d.deviation
                self.d.improvement_printed = row.printed
            self.section = "footer"
            return
        if "改进措施" in first or "结果应用" in first:
            self.d.improvement = self._text(row) or self.d.improvement
            self.d.improvement_printed = row.printed
            self.section = "footer"
            return
        if "总体目标" in first:
            self.section = "goal"
            rest = [c for c in row.cells[1:] if c]
            words = [compact(c) for c in rest]
            if any("预期目标" in w or "实际完成" in w for w in words):
                self.goal_next = True
            elif rest:
                self.d.goal = rest[0]
                self.d.achieved = rest[1] if len(rest) > 1 else None
            return
        m = _TARGET_BLOCK.match(first)
        if m:
            rest = [c for c in row.cells[1:] if c]
            self._target(rest[0] if rest else None, _points(m.group(2)), None, row)
            return
        inline = _TARGET_INLINE.match(normalise(row.cells[0]).strip()) if row.cells else None
        if inline and self.section in ("indicators", "funds", "header"):
            weight, score = self._block_points(row)
            points = _points(inline.group(2))
            self._target(inline.group(3).strip(), points if points is not None else weight, score,
                         row)
            return
        label = _header_label(first)
        if label is not None and self.section in ("header", "funds"):
            self.header(row)  # before the funds rows: 基本支出总额 | 175.77万元 is no funds row
            return
        if self.section == "funds" and self.funds_row(row):
            return
        if self.section == "indicators" and self.fields:
            self.indicator(row)
            return
        if self.section == "header":
            self.header(row)

    def _text(self, row: _Row) -> str | None:
        texts = [c for c in row.cells[1:] if c and not _PLACEHOLDER.match(compact(c))]
        return "\n".join(texts) if texts else None

    def _target(self, description: str | None, weight: Decimal | None, score: Decimal | None,
                row: _Row) -> None:
        """A 年度目标 row: a new block, or the block an indicator header already opened."""
        last = self.d.blocks[-1] if self.d.blocks else None
        if last is not None and not last.indicators and last.description is None:
            last.description = description
            last.weight = weight if weight is not None else last.weight
            last.score = score
            last.printed = row.printed
        else:
            self.d.blocks.append(_Block(description, weight, row.printed, score=score))
        self.section = "indicators"

    def _block_points(self, row: _Row) -> tuple[Decimal | None, Decimal | None]:
        """The 分值 and 得分 a 年度目标 row prints in the indicator columns."""
        found: dict[Field, Decimal] = {}
        if self.positions and len(row.raw) == self.header_width:
            for n, key in self.positions:
                if key in ("weight", "score") and n < len(row.raw):
                    f = figure(row.raw[n])
                    if f is not None:
                        found.setdefault(key, f.value)
            return found.get("weight"), found.get("score")
        numbers = [f.value for f in (figure(c) for c in row.cells[1:]) if f is not None]
        if len(numbers) == 2:
            return numbers[0], numbers[1]
        return None, None

    def header(self, row: _Row) -> None:
        cells = row.cells
        i = 0
        while i < len(cells):
            key = _header_label(compact(cells[i]))
            if key is None:
                i += 1
                continue
            j = i + 1
            while j < len(cells) and not cells[j] and j < i + 3:
                j += 1
            value = cells[j] if j < len(cells) and _header_label(compact(cells[j])) is None else ""
            if value:
                self.d.header.setdefault(key, value)
                self.d.header_printed.setdefault(key, row.printed)
            i = j + 1 if value else i + 1

    def funds_header(self, row: _Row) -> None:
        self.section = "funds"
        self.d.funds_header_printed = row.printed
        self.funds_keys = [_funds_key(compact(w)) for w in row.raw[1:]]
        self.funds_header_width = len(row.raw)
        for n, word in enumerate(row.words):
            m = _POINTS.search(word) or (_POINTS_ANY.search(word) if "得分" in word else None)
            if m and (n == 0 or "预算执行" in word or "资金" in word or "得分" in word):
                self.d.execution_weight = _points(m.group(1))
                break

    def funds_row(self, row: _Row) -> bool:
        label_at = next((n for n, c in enumerate(row.cells) if c and figure(c) is None), None)
        if label_at is None or label_at > 2:
            return False
        if not any(figure(c) for c in row.cells[label_at + 1:]):
            return False
        pairs: list[tuple[FundsKey | None, str]]
        if len(row.raw) == self.funds_header_width:  # cell by cell under the header
            pairs = list(zip(self.funds_keys, row.raw[1:], strict=False))
            pairs = [(k, t) for n, (k, t) in enumerate(pairs, 1) if n != label_at]
        else:
            named = [k for k in self.funds_keys if k is not None]
            values = list(row.cells[label_at + 1:])
            while len(values) > len(named) and values and not values[0]:
                values = values[1:]
            pairs = list(zip(named, values, strict=False))
        label = row.cells[label_at]
        kind = _funds_row_kind(compact(label))
        slot = self.d.funds.setdefault(kind, {})
        for key, text in pairs:
            if key is None:
                continue
            f = _figure(text)
            if isinstance(f, str):
                self.d.notes.append(f"{label}“{text.strip()[:30]}”{f}，未读取")
                continue
            if f is None:
                continue
            if f.malformed:
                self.d.notes.append(f"{label}“{f.malformed}”书写有误，按 {f.value} 读取")
            slot.setdefault(key, f)
        if kind == "total":
            self.d.funds_printed = row.printed
            weight = slot.get("weight")
            if weight is not None and self.d.execution_weight is None:
                self.d.execution_weight = weight.value
        return True

    def indicator_header(self, row: _Row) -> None:
        self.section = "indicators"
        seen = self.d.indicator_header is not None
        if not seen:
            self.d.indicator_header = row.printed
        words = list(row.words)
        start = 0
        if "二级指标" in words:
            start = words.index("二级指标") + 1
        elif "一级指标" in words:
            start = words.index("一级指标") + 1
        self.fields = []
        for word in words[start:]:
            key = _field(word)
            self.fields.append(key if key is not None and key not in self.fields else None)
        if "direction" in self.fields:
            self.d.directions = True
        if any("改进" in w for w in words[start:]):
            self.d.improvement_column = True
        raw = [compact(c) for c in row.raw]
        self.header_width = len(raw)
        self.pos1 = raw.index("一级指标") if "一级指标" in raw else None
        self.prefix = raw[: self.pos1 or 0]
        self.pos2 = raw.index("二级指标") if "二级指标" in raw else None
        first_field = max(p for p in (self.pos1, self.pos2, -1) if p is not None) + 1
        # columns before 一级指标 are label columns, or (juesuan's form) the 三级指标 itself
        self.positions = [(n, _field(w)) for n, w in enumerate(raw)
                          if n >= first_field or (n < (self.pos1 or 0) and _field(w) == "name")]
        self.name_first = any(n < (self.pos1 or 0) and key == "name" for n, key in self.positions)
        if self.name_first and "name" in self.fields:
            self.fields[self.fields.index("name")] = None
        label = words[0] if words and words[0] not in ("一级指标", "二级指标", "三级指标") else ""
        points = _POINTS.search(label)
        weight = _points(points.group(1)) if points else None
        last = self.d.blocks[-1] if self.d.blocks else None
        if last is not None and not last.indicators:
            if last.weight is None:
                last.weight = weight  # the header under a 年度目标 row: the same block
        elif last is not None and seen and weight is None and "目标" not in label:
            pass  # the header repeated after a page break: the block goes on
        else:
            self.d.blocks.append(_Block(None, weight, row.printed))

    def indicator(self, row: _Row) -> None:
        cells = list(row.cells)
        if not any(cells):
            return
        if self._positional(row):
            return
        name: str | None = None
        if self.name_first:
            name, cells = cells[0], cells[1:]
        k = 0
        while k < len(cells) and not cells[k] and k < (0 if self.name_first else self.pos1 or 0) + 2:
            k += 1  # the header's label column, or merged 一级/二级 cells printed blank
        cells = cells[k:]
        k = 0
        if not cells:
            return
        explicit = level1_of(cells[0])
        if explicit is not None:
            self.level1 = explicit
            k = 1
            if k < len(cells):
                self.level2 = level2_of(cells[k]) or (cells[k].strip() or self.level2)
                k += 1
        else:
            second = level2_of(cells[0])
            if second is not None:
                self.level2 = second
                self.level1 = _LEVEL2_PARENT.get(second.removesuffix("指标"), self.level1)
                k = 1
        values: dict[Field, str] = {"name": name} if name else {}
        for key, text in zip(self.fields, cells[k:], strict=False):
            if key is not None and text and key not in values:
                values[key] = text
        self._add(values, row)

    def _positional(self, row: _Row) -> bool:
        """Read a row cell by cell under its header, when it is as wide as the header and its
        一级指标 cell is blank (merged) or a 一级指标 (the seed's rows drop merged cells)."""
        if len(row.raw) != self.header_width or self.pos1 is None:
            return False
        if any(cell and compact(cell) != self.prefix[n] and _field(self.prefix[n]) != "name"
               for n, cell in enumerate(row.raw[:self.pos1])):
            return False  # the row starts before the header's 一级指标 column: merged cells dropped
        first = row.raw[self.pos1]
        if first and level1_of(first) is None:
            return False
        if first:
            self.level1 = level1_of(first) or self.level1
        if self.pos2 is not None and row.raw[self.pos2]:
            second = row.raw[self.pos2]
            self.level2 = level2_of(second) or second
            if not first and (parent := _LEVEL2_PARENT.get(self.level2.removesuffix("指标"))):
                self.level1 = parent
        values: dict[Field, str] = {}
        for n, key in self.positions:
            text = row.raw[n] if n < len(row.raw) else ""
            if key is not None and text and key not in values:
                values[key] = text
        self._add(values, row)
        return True

    def _add(self, values: dict[Field, str], row: _Row) -> None:
        if not values.get("name") and not values.get("target"):
            return
        if not self.d.blocks:
            self.d.blocks.append(_Block(None, None, row.printed))
        self.d.blocks[-1].indicators.append(_Indicator(self.level1, self.level2, values, row.printed))

    def total(self, row: _Row) -> None:
        numbers = [f for f in (figure(c) for c in row.cells[1:]) if f is not None]
        if self.positions and len(row.raw) == self.header_width:
            scores = [figure(row.raw[n]) for n, key in self.positions if key == "score"]
            numbers = [f for f in scores if f is not None] or numbers
        if numbers:
            self.d.total = numbers[-1].value
            self.d.total_printed = row.printed
        self.section = "footer"


# --- from draft to model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """One 自评表 as read: the evaluation and where each of its parts was printed."""

    kind: Literal["project", "department"]
    title: str | None
    path: str  # performance.department / performance.projects[N]
    evaluation: ProjectEvaluation | DepartmentEvaluation
    execution_weight: Decimal | None
    directions: bool  # the form has a 指标性质 column
    printed: dict[str, Printed]  # field path (relative to ``path``) → the row printing it
    notes: tuple[str, ...]  # what was read with a remark (a malformed figure, a guessed weight)

    @property
    def place(self) -> Printed:
        return self.printed[""]


@dataclass(frozen=True)
class SelfEvaluation:
    """Every form found in a report, the scheme guessed from them and the Performance."""

    forms: tuple[Form, ...]
    scheme: str
    performance: Performance
    notes: tuple[str, ...] = ()

    def locate(self, path: str | None) -> tuple[Form, Printed] | None:
        """The form and printed row a field path (performance.projects[1].stated.total) points at."""
        if not path:
            return None
        for form in self.forms:
            if path != form.path and not path.startswith((form.path + ".", form.path + "[")):
                continue
            rest = path[len(form.path):].lstrip(".")
            while True:
                if rest in form.printed:
                    return form, form.printed[rest]
                if not rest:
                    return form, form.place
                cut = max(rest.rfind("."), rest.rfind("["))
                rest = rest[:cut] if cut > 0 else ""
        return None


def _amount(draft: _Draft, kind: str, key: FundsKey) -> Decimal | None:
    f = draft.funds.get(kind, {}).get(key)
    return f.value if f is not None else None


def _funds(draft: _Draft, kind: str) -> Funds | None:
    slot = draft.funds.get(kind)
    if not slot:
        return None
    return Funds(initial=_amount(draft, kind, "initial"), adjusted=_amount(draft, kind, "adjusted"),
                 executed=_amount(draft, kind, "executed"))


def _stated(draft: _Draft) -> Stated:
    rate = draft.funds.get("total", {}).get("rate")
    score = draft.funds.get("total", {}).get("score")
    percent = False
    if rate is not None:
        percent = rate.percent or rate.value > Decimal("1.5")
    return Stated(rate=rate.value if rate else None, rate_is_percent=percent,
                  execution_score=score.value if score else None, total=draft.total)


def _text_value(values: dict[Field, str], key: Field) -> str | None:
    text = values.get(key)
    return text.strip() if text and text.strip() else None


_DIRECTIONS = {"≥": Direction.AT_LEAST, ">=": Direction.AT_LEAST, "≤": Direction.AT_MOST,
               "<=": Direction.AT_MOST, "=": Direction.EQUAL, "＝": Direction.EQUAL,
               "≧": Direction.AT_LEAST, "≦": Direction.AT_MOST,
               "正向": Direction.AT_LEAST, "反向": Direction.AT_MOST}


def _indicator(item: _Indicator, notes: list[str]) -> Indicator | None:
    v = item.values
    name = _text_value(v, "name") or item.level2 or "（未命名指标）"
    target = _text_value(v, "target") or ""
    actual = _text_value(v, "actual")
    direction = _DIRECTIONS.get(compact(v.get("direction", "")))
    unit = _text_value(v, "unit")
    if WELL_FORMED.match(compact(target)):  # a bare number: 指标性质 and 度量单位 in their own columns
        target = f"{direction.value if direction else ''}{target.strip()}{unit or ''}"
    if actual and unit and WELL_FORMED.match(compact(actual)):
        actual = f"{actual}{unit}"
    weight = figure(v.get("weight", ""))
    score = figure(v.get("score", ""))
    deviation = "\n".join(t for t in (_text_value(v, "deviation"), _text_value(v, "improvement")) if t)
    try:
        return Indicator(
            level1=item.level1, level2=item.level2, name=name, target=target, actual=actual,
            weight=weight.value if weight and weight.value >= 0 else None,
            direction=direction, unit=unit,
            stated_score=score.value if score else None, deviation=deviation or None,
        )
    except ValidationError:
        notes.append(f"第{item.printed.line}行的指标未能读出")
        return None


def _header_text(draft: _Draft, key: str) -> str | None:
    value = draft.header.get(key)
    if value is None:
        return None
    if key in ("category", "attribute", "kind"):
        return _choice(value) or None
    return value.strip() or None


_TITLE_NAME = re.compile(
    r"^(?:附件\d*[:：]?)?(?:(?:19|20)\d{2}年度?)?(?P<name>.+?)(?:项目支出|项目)?(?:绩效)?(?:自评|评价)(?:得分)?表$"
)


def _title_name(title: str | None) -> str | None:
    if not title:
        return None
    m = _TITLE_NAME.match(form_key(title))
    return m.group("name") if m and m.group("name") else None


def _explanations(draft: _Draft) -> None:
    """A form with a 偏差原因分析 column per indicator and no 偏差原因分析 row (the central
    form): the indicators' texts, each after its indicator's name, are the form's."""
    if draft.deviation_printed is not None or draft.improvement_printed is not None:
        return
    texts = []
    for block in draft.blocks:
        for item in block.indicators:
            text = "；".join(t for t in (_text_value(item.values, "deviation"),
                                         _text_value(item.values, "improvement")) if t)
            if text:
                name = _text_value(item.values, "name") or item.level2 or ""
                texts.append(f"{name}：{text}" if name else text)
    if texts:
        draft.deviation = "\n".join(texts)
        if draft.improvement_column:
            draft.improvement = draft.deviation


def _build(draft: _Draft, path: str, summary: str | None) -> Form | str:
    """The form as a model, or why it could not be read."""
    notes = list(draft.notes)
    printed: dict[str, Printed] = {}
    place = draft.title_printed or draft.first
    if place is None:
        return "自评表没有内容"
    printed[""] = place
    execution = draft.funds_printed or draft.funds_header_printed
    if execution is not None:
        for key in ("stated.rate", "stated.execution_score", "funds", "budget", "executed",
                    "stated.rate_is_percent"):
            printed[key] = execution
    if draft.total_printed is not None:
        printed["stated.total"] = draft.total_printed
        printed["stated.grade"] = draft.total_printed
    if draft.deviation_printed is not None:
        printed["deviation_analysis"] = draft.deviation_printed
    if draft.improvement_printed is not None:
        printed["improvement"] = draft.improvement_printed
    for key, row in draft.header_printed.items():
        printed[{"unit_name": "name"}.get(key, key)] = row
    if draft.indicator_header is not None:
        printed["indicators"] = draft.indicator_header
        printed["targets"] = draft.indicator_header
    _explanations(draft)
    kind: Literal["project", "department"] = "department" if draft.department else "project"
    try:
        stated = _stated(draft)
        if kind == "department":
            budget = _amount(draft, "total", "adjusted")
            if budget is None:
                budget = _amount(draft, "total", "initial")
            executed = _amount(draft, "total", "executed")
            if budget is None or executed is None:
                return "部门整体支出的预算数或执行数未能读出"
            targets: list[AnnualTarget] = []
            for n, block in enumerate(draft.blocks):
                slot = f"targets[{n}]"
                printed[slot] = block.printed
                printed[f"{slot}.stated_score"] = (block.indicators[0].printed if block.indicators
                                                   else block.printed)
                inds: list[Indicator] = []
                for x in block.indicators:
                    ind = _indicator(x, notes)
                    if ind is not None:
                        printed[f"{slot}.indicators[{len(inds)}]"] = x.printed
                        inds.append(ind)
                weight = block.weight
                if weight is None:
                    stated_weights = [i.weight for i in inds]
                    if stated_weights and all(w is not None for w in stated_weights):
                        weight = sum((w for w in stated_weights if w is not None), ZERO)
                    else:
                        notes.append(f"年度目标{n + 1}未注明分值，按 0 分读取")
                        weight = ZERO
                score = block.score
                indicator_scores = [i.stated_score for i in inds]
                if score is not None:
                    printed[f"{slot}.stated_score"] = block.printed
                elif indicator_scores and indicator_scores[0] is not None \
                        and all(s is None for s in indicator_scores[1:]):
                    score = indicator_scores[0]  # one 得分 per 年度目标, printed on its first row
                    inds[0] = inds[0].model_copy(update={"stated_score": None})
                targets.append(AnnualTarget(description=block.description or f"年度目标{n + 1}",
                                            weight=weight, indicators=tuple(inds),
                                            stated_score=score))
            basic = figure(draft.header.get("basic_total", ""))
            project = figure(draft.header.get("project_total", ""))
            evaluation: ProjectEvaluation | DepartmentEvaluation = DepartmentEvaluation(
                name=_header_text(draft, "unit_name") or _header_text(draft, "name"),
                basic_total=basic.value if basic else None,
                project_total=project.value if project else None,
                budget=budget, executed=executed, targets=tuple(targets),
                deviation_analysis=draft.deviation, improvement=draft.improvement, stated=stated)
        else:
            total = _funds(draft, "total") or Funds()
            funds = ProjectFunds(total=total, current_year=_funds(draft, "current_year"),
                                 carried_over=_funds(draft, "carried_over"),
                                 other=_funds(draft, "other"))
            inds = []
            for block in draft.blocks:
                for x in block.indicators:
                    ind = _indicator(x, notes)
                    if ind is not None:
                        printed[f"indicators[{len(inds)}]"] = x.printed
                        inds.append(ind)
            name = _header_text(draft, "name") or _title_name(draft.title) or "（未注明项目名称）"
            evaluation = ProjectEvaluation(
                name=name, department=_header_text(draft, "department"),
                implementer=_header_text(draft, "implementer"),
                category=_header_text(draft, "category"), attribute=_header_text(draft, "attribute"),
                kind=_header_text(draft, "kind"), funds=funds, goal=draft.goal,
                achieved=draft.achieved, indicators=tuple(inds),
                deviation_analysis=draft.deviation, improvement=draft.improvement,
                summary=summary, stated=stated)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        ctx = error.get("ctx") or {}
        where = ".".join(str(part) for part in error["loc"])
        reason = str(ctx["error"]) if "error" in ctx else type_message(error["type"])[0]
        return f"{where}：{reason}" if where else reason
    return Form(kind, draft.title, path, evaluation, draft.execution_weight, draft.directions,
                printed, tuple(notes))


# --- finding the forms ------------------------------------------------------------------------


def _title_at(blocks: Sequence[Any], index: int) -> int | None:
    """The index of the form's title: a line naming a 自评表 among the three lines above its
    grid (not counting a 编制部门 / 单位 line between them)."""
    counted = 0
    for j in range(index - 1, max(index - 7, -1), -1):
        block = blocks[j]
        if isinstance(block, Grid):
            return None
        if _is_title(block.text):
            return j
        if not _NOTE_LINE.match(normalise(block.text).strip()):
            counted += 1
            if counted == 3:
                return None
    return None


def _is_title(text: str) -> bool:
    t = compact(text)
    return bool(_TITLE.search(t)) and len(t) <= 80


# A form printed in parts, each under its own title (juesuan's forms: “…自评表（预算执行情况）”
# and “…自评表（绩效指标）”), or continued (续表): the parts name the same form.
_PART_SUFFIX = re.compile(r"[(（](?:[^()（）]{0,12}(?:情况|指标|续表?|明细)[^()（）]{0,4})[)）]$")


def form_key(title: str) -> str:
    """A form's title without the part it prints: one key for every part of one form."""
    return _PART_SUFFIX.sub("", compact(title))


# --- text printed around a form's grids --------------------------------------------------------

_FIELD_LABELS = tuple(sorted(
    {label for label, _ in _HEADER_LABELS} | {
        "偏差大或目标未完成原因分析", "偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析",
        "改进措施及结果应用方案", "改进措施", "年度总体目标"},
    key=len, reverse=True))
_NOTE_LABELS = ("编制部门", "评分办法", "计分办法", "备注", "注", "单位")
_FIELD_LINE = re.compile(
    "^(?P<label>" + "|".join(re.escape(x) for x in _FIELD_LABELS) + r")\s*[:：]\s*(?P<value>.*)$")
_NOTE_LINE = re.compile(
    "^(?:(?:" + "|".join(re.escape(x) for x in _NOTE_LABELS) + r")\s*[:：]|执行率\s*=)")
# where a text that a PDF reader put into one grid cell starts a new line: a form's title, a
# field or note label with its colon, or the juesuan form's calculation note
_SEGMENT = re.compile(
    r"(?:19|20)\d{2}年度?[^：:，。；]{1,60}?(?:自评|评价)(?:得分)?表(?:[(（][^()（）]{1,12}[)）])?"
    "|(?:" + "|".join(re.escape(x) for x in (*_FIELD_LABELS, *_NOTE_LABELS)) + r")\s*[:：]"
    r"|执行率\s*=")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
_TRAILING_LINES = 12  # how far after a form's last grid its notes are looked for


def _field_row(line: Line) -> _Row | None:
    """A line “项目名称：互联网+放管服” printed beside a form's grid, as the row it stands for."""
    m = _FIELD_LINE.match(normalise(line.text).strip())
    if m is None:
        return None
    cells = (m.group("label"), m.group("value").strip())
    return _Row(cells, tuple(compact(c) for c in cells), Printed(line.line, line.page, line.text),
                cells)


def _split_text_rows(grid: Grid) -> list[Any]:
    """A grid whose rows include text a PDF reader took into the table (one cell holding a
    form's title, its 项目名称：… fields, its notes) as lines and the grids between them."""
    out: list[Any] = []
    rows: list[tuple[str, ...]] = []
    start = 0
    for k, row in enumerate(grid.rows):
        filled = [c for c in row if c.strip()]
        text = row[0].strip() if row else ""
        if len(row) > 1 and len(filled) == 1 and text and _SEGMENT.search(normalise(text)):
            if rows:
                out.append(Grid(tuple(rows), grid.line + start, grid.page))
                rows = []
            norm = normalise(text)
            cuts = sorted({0, *(m.start() for m in _SEGMENT.finditer(norm))})
            for a, b in itertools.pairwise([*cuts, len(norm)]):
                piece = norm[a:b].strip()
                if piece:
                    out.append(Line(piece, grid.line + k, grid.page))
            start = k + 1
            continue
        if not rows:
            start = k
        rows.append(row)
    if rows:
        out.append(Grid(tuple(rows), grid.line + start, grid.page))
    return out


def _blocks(source: SourceDocument) -> tuple[Any, ...]:
    """The report's blocks, with text taken into a form's grid (by a PDF reader) set apart."""
    out: list[Any] = []
    for block in source.blocks:
        if isinstance(block, Grid) and any("自评" in cell or _FORMISH.search(cell)
                                            for row in block.rows for cell in row[:1]):
            out.extend(_split_text_rows(block))
        else:
            out.append(block)
    return tuple(out)


def _summary_for(blocks: Sequence[Any], start: int, index: int, name: str) -> str | None:
    """The 项目自评综述 sentence printed before a project form, if it names the project."""
    key = compact(name)
    if not key:
        return None
    for j in range(index - 1, max(start, 0) - 1, -1):
        block = blocks[j]
        if isinstance(block, Grid):
            break
        text = block.text
        if "自评综述" in compact(text) and key in compact(text):
            m = re.search(r"自评综述\s*[:：]\s*(.+)$", text)
            if m:
                return m.group(1).strip() or None
    return None


@dataclass
class _Group:
    first: int  # block index of the first grid
    last: int  # block index of the last grid
    title: Line | None
    grids: list[Grid]
    rows: list[_Row]
    start: int  # where the text before it begins (after the previous form)
    lines: list[int] = field(default_factory=list)  # the text lines that belong to the form


def _starts_form(rows: Sequence[_Row]) -> bool:
    return any(r.words and _header_label(r.words[0]) in ("name", "unit_name") for r in rows[:3])


_FORMISH = re.compile(r"指\s*标|执\s*行\s*[数率]|项\s*目\s*名\s*称|单\s*位\s*名\s*称")


def _text_rows(blocks: Sequence[Any], start: int, end: int, taken: list[int]) -> list[_Row]:
    """The fields printed as lines between a form's grids (项目名称：…), as rows; the indexes
    of the lines that belong to the form (fields, notes, the titles of its parts) go to
    ``taken``."""
    rows: list[_Row] = []
    for j in range(start, end):
        block = blocks[j]
        if isinstance(block, Grid):
            continue
        row = _field_row(block)
        if row is not None:
            rows.append(row)
            taken.append(j)
        elif _NOTE_LINE.match(normalise(block.text).strip()) or _is_title(block.text):
            taken.append(j)
    return rows


def _close(group: _Group, blocks: Sequence[Any], stop: int) -> None:
    """Take the fields and notes printed after the form's last grid (偏差原因分析：…), up to
    the next grid, title or heading."""
    for j in range(group.last + 1, min(stop, group.last + 1 + _TRAILING_LINES)):
        block = blocks[j]
        if isinstance(block, Grid):
            return
        text = normalise(block.text).strip()
        if _is_title(text) or _HEADING.match(text):
            return
        row = _field_row(block)
        if row is not None:
            group.rows.append(row)
            group.lines.append(j)
        elif _NOTE_LINE.match(text):
            group.lines.append(j)


def _has_total(rows: Sequence[_Row]) -> bool:
    return any(r.words and r.words[0].startswith(_TOTAL_LABELS) for r in rows)


def _continues(group: _Group, blocks: Sequence[Any], index: int, title: Line | None,
               rows: Sequence[_Row]) -> bool:
    """Whether a grid goes on with the form before it: after a page break (no title, no
    header of its own), or as the next part of the same form under its own title."""
    if _starts_form(rows) or any(_is_funds_header(r) for r in rows) or _finished(group.rows):
        return False
    if title is None:
        return index - group.last <= 3
    return (group.title is not None and form_key(title.text) == form_key(group.title.text)
            and index - group.last <= _TRAILING_LINES and not _has_total(group.rows))


def _groups(blocks: Sequence[Any]) -> Iterator[_Group]:
    """The grids of each form, with its title and the text printed around them; a grid that
    goes on with a form's rows after a page break (no title, no header of its own), or under
    its part's title, is joined to it."""
    current: _Group | None = None
    previous_end = 0
    for index, block in enumerate(blocks):
        if not isinstance(block, Grid):
            continue
        if current is None and not any(_FORMISH.search(cell) for row in block.rows for cell in row):
            continue  # cheap: most grids of a report are the nine tables
        rows = _rows([block])
        at = _title_at(blocks, index)
        title: Line | None = blocks[at] if at is not None else None
        if current is not None and _continues(current, blocks, index, title, rows):
            current.rows.extend(_text_rows(blocks, current.last + 1, index, current.lines))
            current.grids.append(block)
            current.rows.extend(rows)
            current.last = index
            continue
        if current is not None:
            _close(current, blocks, at if at is not None else index)
            yield current
            previous_end = current.last + 1
            current = None
        formish = any(_is_funds_header(r) or _is_indicator_header(r) for r in rows)
        if _looks_like_form(rows) or (title is not None and (formish or _starts_form(rows))):
            current = _Group(index, index, title, [block], [], previous_end)
            if at is not None:
                current.lines.append(at)
                current.rows.extend(_text_rows(blocks, at + 1, index, current.lines))
            current.rows.extend(rows)
    if current is not None:
        _close(current, blocks, len(blocks))
        yield current


def _finished(rows: Sequence[_Row]) -> bool:
    return any(r.words and ("改进措施" in r.words[0] or "结果应用" in r.words[0]) for r in rows[-2:])


def form_lines(source: SourceDocument) -> frozenset[int]:
    """The line numbers of the text printed as part of a 自评表 (its titles, the fields and
    notes around its grids): read by this module, not running text."""
    blocks = _blocks(source)
    taken: set[int] = set()
    for group in _groups(blocks):
        taken.update(blocks[j].line for j in group.lines)
    return frozenset(taken)


def read_forms(source: SourceDocument) -> list[Form]:
    """Every 自评表 of the report, in order: a 部门整体 form at ``performance.department``
    (the first, if several), project forms at ``performance.projects[N]``."""
    return _read(source)[0]


def _read(source: SourceDocument) -> tuple[list[Form], list[str]]:
    """The forms, and why the ones that could not be read were not."""
    forms: list[Form] = []
    problems: list[str] = []
    projects = 0
    department = False
    blocks = _blocks(source)
    for group in _groups(blocks):
        title = group.title
        draft = _Reader(title.text if title else None,
                        Printed(title.line, title.page, title.text) if title else None
                        ).read(group.rows)
        if not draft.blocks and not draft.funds:
            continue
        is_department = draft.department
        if is_department and department:
            where = title.text if title else "部门整体绩效自评表"
            problems.append(f"{where}：第二张部门整体自评表未读入（填报只容一张）")
            continue
        path = "performance.department" if is_department else f"performance.projects[{projects}]"
        name = draft.header.get("name") or _title_name(draft.title) or ""
        summary = None if is_department else _summary_for(blocks, group.start, group.first, name)
        form = _build(draft, path, summary)
        if isinstance(form, str):
            where = title.text if title else "自评表"
            line = group.rows[0].printed.line if group.rows else None
            problems.append(f"{where}（第 {line} 行）未能读出：{form}" if line else f"{where}未能读出：{form}")
            continue
        forms.append(form)
        if is_department:
            department = True
        else:
            projects += 1
    return forms, problems


# --- scheme and inferred figures -------------------------------------------------------------------


def guess_scheme(forms: Sequence[Form]) -> str:
    """hubei-2020 for a 20-point budget execution, central-2020 or (with 指标性质) sichuan-2023
    for 10 points; without a printed weight, by the indicators' points (80 or 90)."""
    weights = {f.execution_weight for f in forms if f.execution_weight is not None}
    directions = any(f.directions for f in forms)
    if Decimal(20) in weights:
        return "hubei-2020"
    if Decimal(10) in weights:
        return "sichuan-2023" if directions else "central-2020"
    for f in forms:
        e = f.evaluation
        if isinstance(e, DepartmentEvaluation):
            points = sum((t.weight for t in e.targets), ZERO)
        else:
            points = sum((i.weight or ZERO for i in e.indicators), ZERO)
            if not points:
                scores = [i.stated_score for i in e.indicators]
                if scores and all(s is not None for s in scores):
                    points = sum((s for s in scores if s is not None), ZERO)
        if points == 80:
            return "hubei-2020"
        if points == 90:
            return "sichuan-2023" if directions else "central-2020"
    return "sichuan-2023" if directions else "central-2020"


_FRACTION = Decimal("0.00000001")


def _fraction(score: Decimal, weight: Decimal) -> Decimal:
    if weight <= 0:
        return Decimal(1) if score > 0 else ZERO
    value = min(max(score / weight, ZERO), Decimal(1))
    return value.quantize(_FRACTION, rounding=ROUND_HALF_UP).normalize()


def _tier(fraction: Decimal, scheme: Scheme) -> Tier:
    for tier in (Tier.MET, Tier.PARTLY, Tier.UNMET):
        band = scheme.qualitative[tier]
        if band.low <= fraction <= band.high:
            return tier
    return Tier.UNMET


def _with_weights(project: ProjectEvaluation, scheme: Scheme) -> tuple[ProjectEvaluation, bool]:
    """A Hubei project form prints scores but no weights: when the scores add up to the
    block's points every indicator is full, and its weight is its score."""
    inds = project.indicators
    if not inds or scheme.indicators.level1_weights is not None:
        return project, False
    if any(i.weight is not None for i in inds) or any(i.stated_score is None for i in inds):
        return project, False
    total = sum((i.stated_score or ZERO for i in inds), ZERO)
    if total != scheme.indicators.total:
        return project, False
    new = tuple(i.model_copy(update={"weight": i.stated_score}) for i in inds)
    return project.model_copy(update={"indicators": new}), True


def _set_tier(indicator: Indicator, fraction: Decimal, scheme: Scheme) -> Indicator:
    return indicator.model_copy(update={"tier": _tier(fraction, scheme), "fraction": fraction})


def _infer_project(project: ProjectEvaluation, index: int, scheme: Scheme) -> ProjectEvaluation:
    result = score_project(project, index, scheme)
    by_path = {item.path: item for item in result.indicators}
    new = list(project.indicators)
    for n, ind in enumerate(project.indicators):
        item = by_path.get(f"{result.path}.indicators[{n}]")
        if item is None or ind.stated_score is None or ind.tier is not None:
            continue
        if item.basis is Basis.UNSCORED or (item.basis is Basis.DROPPED and ind.stated_score > 0):
            new[n] = _set_tier(ind, _fraction(ind.stated_score, item.weight), scheme)
    return project.model_copy(update={"indicators": tuple(new)})


def _infer_department(department: DepartmentEvaluation, scheme: Scheme) -> DepartmentEvaluation:
    result = score_department(department, department.name or "", scheme)
    targets = list(department.targets)
    for g, (target, group) in enumerate(zip(department.targets, result.groups, strict=True)):
        inds = list(target.indicators)
        unscored = [n for n, item in enumerate(group.indicators) if item.basis is Basis.UNSCORED]
        if not unscored:
            continue
        if all(inds[n].stated_score is not None for n in unscored):
            for n in unscored:
                score = inds[n].stated_score
                assert score is not None
                inds[n] = _set_tier(inds[n], _fraction(score, group.indicators[n].weight), scheme)
        elif target.stated_score is not None:
            earned = sum((item.score if item.exact is None else item.exact
                          for n, item in enumerate(group.indicators)
                          if n not in unscored and item.basis is not Basis.DROPPED), ZERO)
            weight = sum((group.indicators[n].weight for n in unscored), ZERO)
            fraction = _fraction(target.stated_score - earned, weight)
            for n in unscored:
                if inds[n].tier is None:
                    inds[n] = _set_tier(inds[n], fraction, scheme)
        targets[g] = target.model_copy(update={"indicators": tuple(inds)})
    return department.model_copy(update={"targets": tuple(targets)})


def infer(forms: Sequence[Form], scheme: Scheme) -> list[Form]:
    """The forms with what they do not print inferred from what they do (see the module doc)."""
    out: list[Form] = []
    projects = 0
    for form in forms:
        e = form.evaluation
        notes = list(form.notes)
        if isinstance(e, ProjectEvaluation):
            e, weighted = _with_weights(e, scheme)
            if weighted:
                notes.append("表上未印各指标分值：各指标得分之和等于指标总分，按得分推定分值")
            e = _infer_project(e, projects, scheme)
            projects += 1
        else:
            e = _infer_department(e, scheme)
        inferred = [i for i in _indicators(e) if i.tier is not None]
        if inferred:
            notes.append("定性指标（及完成值不能与目标比较的指标）的评价档次按表上得分推定："
                         + "、".join(i.name for i in inferred))
        out.append(replace(form, evaluation=e, notes=tuple(notes)))
    return out


def _indicators(e: ProjectEvaluation | DepartmentEvaluation) -> list[Indicator]:
    if isinstance(e, ProjectEvaluation):
        return list(e.indicators)
    return [i for t in e.targets for i in t.indicators]


def _scheme(name: str, schemes: Mapping[str, Scheme] | None) -> Scheme | None:
    """The scheme ``name`` from those the caller resolved (``juesuan.performance.scheme.bundled_schemes``);
    None when it is not among them. The audit reads no scheme file itself."""
    return None if schemes is None else schemes.get(name)


def self_evaluation(source: SourceDocument, schemes: Mapping[str, Scheme] | None = None) -> SelfEvaluation | None:
    """The report's 自评表 as a Performance under the guessed scheme, or None without forms.

    What the forms do not print is inferred under that scheme when it is among ``schemes``;
    otherwise the forms are as read (and :func:`check_forms` does not score them)."""
    forms, problems = _read(source)
    if not forms:
        return None
    name = guess_scheme(forms)
    scheme = _scheme(name, schemes)
    if scheme is not None:
        forms = infer(forms, scheme)
    department = next((f.evaluation for f in forms if isinstance(f.evaluation, DepartmentEvaluation)),
                      None)
    projects = tuple(f.evaluation for f in forms if isinstance(f.evaluation, ProjectEvaluation))
    assert department is None or isinstance(department, DepartmentEvaluation)
    performance = Performance(scheme=name, department=department, projects=projects)
    notes = tuple(problems) + tuple(n for f in forms for n in f.notes)
    return SelfEvaluation(tuple(forms), name, performance, notes)


# --- the P.* checks on the forms ---------------------------------------------------------------


def _expenditure(tables: TableSet | None) -> list[ExpenditureRow]:
    """表5's 项 rows as 一般公共预算 expenditure (for P.department-totals)."""
    if tables is None:
        return []
    table = next((t for t in tables.tables if t.number == 5), None)
    if table is None:
        return []
    rows: list[ExpenditureRow] = []
    keys = table.column_keys
    for row in table.rows:
        if row.code is None or len(row.code) != 7:
            continue
        values = dict(zip(keys, row.values, strict=False))
        basic, project = values.get("basic"), values.get("project")
        if not isinstance(basic, Decimal) and not isinstance(project, Decimal):
            continue
        try:
            rows.append(ExpenditureRow(code=row.code, fund=Fund.GENERAL_BUDGET,
                                       basic=basic if isinstance(basic, Decimal) else None,
                                       project=project if isinstance(project, Decimal) else None))
        except ValidationError:
            continue
    return rows


def _filing(found: SelfEvaluation, tables: TableSet | None, department: str | None,
            year: int | None) -> Filing:
    name = department or (found.performance.department.name if found.performance.department
                          else None) or "（未认出部门）"
    filing_year = year if year is not None and 2000 <= year <= 2100 else 2000
    base = dict(year=filing_year, unit="万元",
                department=Department(name=name, region="（未注明）", level=Level.COUNTY),
                income=(), performance=found.performance)
    try:
        return Filing.model_validate({**base, "expenditure": tuple(_expenditure(tables))})
    except ValidationError:
        return Filing.model_validate({**base, "expenditure": ()})


def _form_title(form: Form) -> str:
    if form.title:
        return form.title
    e = form.evaluation
    if isinstance(e, ProjectEvaluation):
        return f"{e.name}项目支出绩效自评表"
    return "部门整体支出绩效自评表"


def check_forms(found: SelfEvaluation, *, file: str, tables: TableSet | None = None,
                department: str | None = None, year: int | None = None,
                schemes: Mapping[str, Scheme] | None = None) -> list[Finding]:
    """The P.* findings on the forms, scored under the guessed scheme, each located at the
    form's printed row (line, page, the form's title as section, the row as quote); none
    when that scheme is not among ``schemes`` (the forms are not scored)."""
    from juesuan.performance.rules import check_performance

    scheme = _scheme(found.scheme, schemes)
    if scheme is None:
        return []
    _, findings = check_performance(_filing(found, tables, department, year), scheme)
    located: list[Finding] = []
    for f in findings:
        where = found.locate(f.location.path)
        loc = replace(f.location, file=file)
        if where is not None:
            form, printed = where
            loc = replace(loc, line=printed.line, page=printed.page, section=_form_title(form),
                          quote=printed.quote)
        located.append(replace(f, location=loc))
    return located
