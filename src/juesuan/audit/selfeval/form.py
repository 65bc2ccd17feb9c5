"""Reading one 自评表 from its rows into a draft: what the form states, before it is a model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from juesuan.audit.selfeval.cells import (
    LEVEL2_PARENT,
    PLACEHOLDER,
    POINTS,
    POINTS_ANY,
    TARGET_BLOCK,
    TARGET_INLINE,
    TOTAL_LABELS,
    Field,
    Figure,
    FundsKey,
    Printed,
    Row,
    compact,
    field_of,
    figure,
    figure_or_problem,
    funds_key,
    header_label,
    is_funds_header,
    is_indicator_header,
    level1_of,
    level2_of,
    points_of,
)
from juesuan.audit.source import normalise
from juesuan.filing.performance import FirstLevel

# --- reading one form -------------------------------------------------------------------------


@dataclass
class DraftIndicator:
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
    indicators: list[DraftIndicator] = field(default_factory=list)
    score: Decimal | None = None  # the block's 得分, when printed on its own row


@dataclass
class Draft:
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


def _funds_row_kind(label: str, first: bool) -> str | None:
    """Which funds a row prints: the first row is the total unless it names a part; a row naming
    no part the form model holds (财政专户管理资金, 单位资金 of later forms) is None."""
    if "当年" in label or "本年" in label:
        return "current_year"
    if "上年结转" in label or "结转" in label:
        return "carried_over"
    if "其他资金" in label:
        return "other"
    if first or any(w in label for w in ("总额", "总计", "合计")):
        return "total"
    return None


def choice(text: str) -> str:
    """The ticked option of “1、部门预算项目√□ 2、市直专项 □”, else the text."""
    options = [o.strip() for o in re.split(r"\d+[、.．]", text) if o.strip()]
    if len(options) > 1 or any(m in text for m in "□☑√■"):
        ticked = [o for o in options if any(m in o for m in "√☑■✓✔")]
        if len(ticked) == 1:
            return re.sub(r"[□☑√■✓✔\s]", "", ticked[0])
        return ""
    return text.strip()


class Reader:
    def __init__(self, title: str | None, title_printed: Printed | None) -> None:
        self.d = Draft(title, title_printed)
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

    def read(self, rows: Sequence[Row]) -> Draft:
        for row in rows:
            if self.d.first is None:
                self.d.first = row.printed
            self.row(row)
        return self.d

    def row(self, row: Row) -> None:
        first = row.words[0] if row.words else ""
        if self.goal_next:
            self.goal_next = False
            texts = [c for c in row.cells if c]
            if texts and not is_indicator_header(row):
                self.d.goal = texts[0]
                self.d.achieved = texts[1] if len(texts) > 1 else None
                return
        if is_indicator_header(row):
            self.indicator_header(row)
            return
        if is_funds_header(row):
            self.funds_header(row)
            return
        if first.startswith(TOTAL_LABELS) and self.section in ("indicators", "footer"):
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
        m = TARGET_BLOCK.match(first)
        if m:
            rest = [c for c in row.cells[1:] if c]
            self._target(rest[0] if rest else None, points_of(m.group(2)), None, row)
            return
        inline = TARGET_INLINE.match(normalise(row.cells[0]).strip()) if row.cells else None
        if inline and self.section in ("indicators", "funds", "header"):
            weight, score = self._block_points(row)
            points = points_of(inline.group(2))
            self._target(inline.group(3).strip(), points if points is not None else weight, score,
                         row)
            return
        label = header_label(first)
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

    def _text(self, row: Row) -> str | None:
        texts = [c for c in row.cells[1:] if c and not PLACEHOLDER.match(compact(c))]
        return "\n".join(texts) if texts else None

    def _target(self, description: str | None, weight: Decimal | None, score: Decimal | None,
                row: Row) -> None:
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

    def _block_points(self, row: Row) -> tuple[Decimal | None, Decimal | None]:
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

    def header(self, row: Row) -> None:
        cells = row.cells
        i = 0
        while i < len(cells):
            key = header_label(compact(cells[i]))
            if key is None:
                i += 1
                continue
            j = i + 1
            while j < len(cells) and not cells[j] and j < i + 3:
                j += 1
            value = cells[j] if j < len(cells) and header_label(compact(cells[j])) is None else ""
            if value:
                self.d.header.setdefault(key, value)
                self.d.header_printed.setdefault(key, row.printed)
            i = j + 1 if value else i + 1

    def funds_header(self, row: Row) -> None:
        self.section = "funds"
        self.d.funds_header_printed = row.printed
        self.funds_keys = [funds_key(compact(w)) for w in row.raw[1:]]
        self.funds_header_width = len(row.raw)
        for n, word in enumerate(row.words):
            m = POINTS.search(word) or (POINTS_ANY.search(word) if "得分" in word else None)
            if m and (n == 0 or "预算执行" in word or "资金" in word or "得分" in word):
                self.d.execution_weight = points_of(m.group(1))
                break

    def funds_row(self, row: Row) -> bool:
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
        kind = _funds_row_kind(compact(label), not self.d.funds)
        if kind is None:
            return True
        slot = self.d.funds.setdefault(kind, {})
        for key, text in pairs:
            if key is None:
                continue
            f = figure_or_problem(text)
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

    def indicator_header(self, row: Row) -> None:
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
            key = field_of(word)
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
        self.positions = [(n, field_of(w)) for n, w in enumerate(raw)
                          if n >= first_field or (n < (self.pos1 or 0) and field_of(w) == "name")]
        self.name_first = any(n < (self.pos1 or 0) and key == "name" for n, key in self.positions)
        if self.name_first and "name" in self.fields:
            self.fields[self.fields.index("name")] = None
        label = words[0] if words and words[0] not in ("一级指标", "二级指标", "三级指标") else ""
        points = POINTS.search(label)
        weight = points_of(points.group(1)) if points else None
        last = self.d.blocks[-1] if self.d.blocks else None
        if last is not None and not last.indicators:
            if last.weight is None:
                last.weight = weight  # the header under a 年度目标 row: the same block
        elif last is not None and seen and weight is None and "目标" not in label:
            pass  # the header repeated after a page break: the block goes on
        else:
            self.d.blocks.append(_Block(None, weight, row.printed))

    def indicator(self, row: Row) -> None:
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
                self.level1 = LEVEL2_PARENT.get(second.removesuffix("指标"), self.level1)
                k = 1
        values: dict[Field, str] = {"name": name} if name else {}
        for key, text in zip(self.fields, cells[k:], strict=False):
            if key is not None and text and key not in values:
                values[key] = text
        self._add(values, row)

    def _positional(self, row: Row) -> bool:
        """Read a row cell by cell under its header, when it is as wide as the header and its
        一级指标 cell is blank (merged) or a 一级指标 (the seed's rows drop merged cells)."""
        if len(row.raw) != self.header_width or self.pos1 is None:
            return False
        if any(cell and compact(cell) != self.prefix[n] and field_of(self.prefix[n]) != "name"
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
            if not first and (parent := LEVEL2_PARENT.get(self.level2.removesuffix("指标"))):
                self.level1 = parent
        values: dict[Field, str] = {}
        for n, key in self.positions:
            text = row.raw[n] if n < len(row.raw) else ""
            if key is not None and text and key not in values:
                values[key] = text
        self._add(values, row)
        return True

    def _add(self, values: dict[Field, str], row: Row) -> None:
        if not values.get("name") and not values.get("target"):
            return
        if not self.d.blocks:
            self.d.blocks.append(_Block(None, None, row.printed))
        self.d.blocks[-1].indicators.append(DraftIndicator(self.level1, self.level2, values, row.printed))

    def total(self, row: Row) -> None:
        numbers = [f for f in (figure(c) for c in row.cells[1:]) if f is not None]
        if self.positions and len(row.raw) == self.header_width:
            scores = [figure(row.raw[n]) for n, key in self.positions if key == "score"]
            weights = [figure(row.raw[n]) for n, key in self.positions if key == "weight"]
            if not any(scores) and any(weights):
                numbers = []  # 合计 of the 权重 column, the 得分 cell left blank: no total stated
            numbers = [f for f in scores if f is not None] or numbers
        if numbers:
            self.d.total = numbers[-1].value
            self.d.total_printed = row.printed
        self.section = "footer"
