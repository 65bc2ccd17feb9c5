"""A 自评表 printed one cell a line, as its rows.

A web page's table copied as text (and the stored copies of many published pages) prints
every cell on a line of its own: “项目名称 |”, “51000021R…-工资性支出 |”, an empty cell as a
bare “|”. The text reader sees one-cell grids broken by empty lines; the form reader needs the
rows. The rows are put back from the form's own structure: its column headers (the run of
年初预算 / 调整后预算数 / 预算执行数 / 执行率 … or 一级指标 / 二级指标 / 三级指标 …) say how many
cells a row holds, the funds rows start at their labels (总额, 其中：财政资金, …), and an
indicator row is its 一级/二级 cells (when printed: merged cells are printed once), its name and
one cell per column after the name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from juesuan.audit.selfeval.cells import (
    POINTS,
    TITLE,
    TOTAL_LABELS,
    compact,
    field_of,
    figure,
    funds_key,
    header_label,
    level1_of,
    level2_of,
)
from juesuan.audit.source import Grid, Line

# a run of one-cell lines is read as a form only when it holds at least this many cells (a
# form's funds header alone has six); not calibrated on a case, a floor against short lists
_MIN_CELLS = 12
# cells that hold no word: empty, or the dash or slash of a cell not applicable
_NOT_TEXT = frozenset({"", "/", "／", "-", "—", "——", "－", "\\"})
# a header run is looked for no further than this many cells (the widest form header has 12): a run
# of text lines is then read in time linear in its length
_MAX_HEADER_CELLS = 24
_LEVEL_HEADERS = ("一级指标", "二级指标")
_FUNDS_HEADER_KEYS = ("initial", "adjusted", "executed", "rate")
# the rows printed after the indicators: a label and the cell beside it
_FOOTER_LABELS = ("评价结论", "存在问题", "改进措施", "偏差", "原因分析", "结果应用")


@dataclass(frozen=True)
class _Cell:
    text: str
    line: int
    page: int | None

    @property
    def word(self) -> str:
        return compact(self.text)


def _one_cell(block: Any) -> bool:
    """A block of the one-cell-a-line print: a grid whose rows hold one cell, or a bare “|”."""
    if isinstance(block, Line):
        return block.text.strip() == "|"
    return all(not any(c.strip() for c in row[1:]) for row in block.rows)


def _cells(blocks: Sequence[Any]) -> list[_Cell]:
    out: list[_Cell] = []
    for block in blocks:
        if isinstance(block, Line):
            out.append(_Cell("", block.line, block.page))
            continue
        for k, row in enumerate(block.rows):
            out.append(_Cell(row[0].strip() if row else "", block.line + k, block.page))
    return out


def _is_text(cell: _Cell) -> bool:
    return cell.word not in _NOT_TEXT and figure(cell.text) is None


def _funds_label(word: str) -> bool:
    return funds_key(word) is None and any(w in word for w in ("总额", "资金", "财政拨款", "结转"))


def _funds_header(cells: Sequence[_Cell], i: int) -> int:
    """The end of the funds header that starts at ``i`` (``i`` when none starts there)."""
    j = i
    stop = min(len(cells), i + _MAX_HEADER_CELLS)
    while j < stop and _is_text(cells[j]) and not _funds_label(cells[j].word) \
            and cells[j].word not in (*_LEVEL_HEADERS, "三级指标"):
        j += 1
    hits = sum(1 for c in cells[i:j] if funds_key(c.word) in _FUNDS_HEADER_KEYS)
    return j if hits >= 2 else i


def _indicator_header(cells: Sequence[_Cell], i: int) -> int:
    """The end of the indicator header that starts at ``i`` (``i`` when none starts there)."""
    j = i
    stop = min(len(cells), i + _MAX_HEADER_CELLS)
    while j < stop and _is_text(cells[j]) and (
            cells[j].word in _LEVEL_HEADERS or field_of(cells[j].word) is not None):
        j += 1
    run = [c.word for c in cells[i:j]]
    return j if "三级指标" in run or all(h in run for h in _LEVEL_HEADERS) else i


def _without_group_headers(header: list[_Cell]) -> list[_Cell]:
    """The header without a cell spanning others (年度预算数（万元） over 年初预算 and 调整后预算数):
    its key is printed again by a cell it spans."""
    keys = [funds_key(c.word) for c in header]
    return [c for n, c in enumerate(header)
            if not ("万元" in c.word and keys[n] is not None and keys[n] in keys[n + 1:])]


@dataclass
class _Row:
    cells: list[_Cell]
    line: int  # the line a finding on the row names: its first cell's, an indicator's name's


def reflow_rows(cells: Sequence[_Cell]) -> list[_Row] | None:
    """The rows of a form printed one cell a line; None when the cells hold no form header."""
    rows: list[_Row] = []
    mode = "header"
    per_row = 0  # the cells of an indicator row after its name
    width = 0  # the cells of the indicator header
    found = False
    i = 0
    n = len(cells)
    while i < n:
        cell = cells[i]
        if not _is_text(cell) and mode != "indicators":
            if rows and mode in ("funds", "total"):
                rows[-1].cells.append(cell)  # a value of the row its label opened
            i += 1
            continue
        if (end := _indicator_header(cells, i)) > i:
            header = list(cells[i:end])
            if rows and len(rows[-1].cells) == 1 and POINTS.search(rows[-1].cells[0].word):
                header = rows.pop().cells + header  # 绩效指标（90分）: the label column of the header
            rows.append(_Row(header, header[0].line))
            width = len(header)
            words = [c.word for c in cells[i:end]]
            name_at = next((k for k, w in enumerate(words) if field_of(w) == "name"),
                           len([w for w in words if w in _LEVEL_HEADERS]) - 1)
            per_row = len(words) - name_at - 1
            mode, found, i = "indicators", True, end
            continue
        if mode != "indicators" and (end := _funds_header(cells, i)) > i:
            header = _without_group_headers(list(cells[i:end]))
            if funds_key(header[0].word) is not None:  # the label column's header went before
                label = rows.pop().cells if rows and len(rows[-1].cells) == 1 else \
                    [_Cell("", cell.line, cell.page)]
                header = label + header
            rows.append(_Row(header, header[0].line))
            mode, found, i = "funds", True, end
            continue
        word = cell.word
        if word.startswith(TOTAL_LABELS):
            rows.append(_Row([cell], cell.line))
            mode, i = "total", i + 1
            continue
        if mode != "header" and any(word.startswith(label) for label in _FOOTER_LABELS):
            mode = "footer"
        if mode == "indicators":
            row = []
            if level1_of(word) is not None:
                row.append(cells[i])
                i += 1
            if i < n and level2_of(cells[i].word) is not None:
                row.append(cells[i])
                i += 1
            # the row is the indicator its name names: a finding on it stands on the name's line
            line = cells[i].line if i < n else row[0].line
            row.extend(cells[i:i + 1 + per_row])  # the name, and a cell per column after it
            i += 1 + per_row
            rows.append(_Row(row, line))
            continue
        if mode == "footer" or header_label(word) is not None:
            # a label and the cell beside it: 项目名称 | …, 评价结论 | …
            pair = list(cells[i:i + 2])
            rows.append(_Row(pair, cell.line))
            i += len(pair)
            continue
        if mode == "total":
            mode = "header"
        rows.append(_Row([cell], cell.line))
        i += 1
    if not found:
        return None
    return [_Row(_aligned(r.cells, width), r.line) for r in rows]


def _aligned(row: list[_Cell], width: int) -> list[_Cell]:
    """A 合计 row under the indicator header, its figures under the header's last columns (its
    label spans the columns before them)."""
    if not width or not row[0].word.startswith(TOTAL_LABELS) or len(row) >= width:
        return row
    blank = _Cell("", row[0].line, row[0].page)
    return [row[0], *([blank] * (width - len(row))), *row[1:]]


def reflow(blocks: Sequence[Any]) -> list[Any]:
    """``blocks`` with each run of one-cell lines that prints a form as its grid (one row per
    row of the form, each with the line it starts on) and its title as a line."""
    out: list[Any] = []
    k = 0
    while k < len(blocks):
        j = k
        while j < len(blocks) and isinstance(blocks[j], Grid | Line) and _one_cell(blocks[j]) \
                and (isinstance(blocks[j], Grid) or j > k):
            j += 1
        cells = _cells(blocks[k:j]) if j > k else []
        rows = reflow_rows(cells) if len(cells) >= _MIN_CELLS else None
        if rows is None:  # no form in the run (nor in any part of it): the blocks as they are
            end = max(j, k + 1)
            out.extend(blocks[k:end])
            k = end
            continue
        grid_rows: list[_Row] = []
        for row in rows:
            if len(row.cells) == 1 and TITLE.search(row.cells[0].word):
                if grid_rows:
                    out.append(_grid(grid_rows))
                    grid_rows = []
                first = row.cells[0]
                out.append(Line(first.text, first.line, first.page))
            else:
                grid_rows.append(row)
        if grid_rows:
            out.append(_grid(grid_rows))
        k = j
    return out


def _grid(rows: Sequence[_Row]) -> Grid:
    return Grid(tuple(tuple(c.text for c in row.cells) for row in rows), rows[0].line,
                rows[0].cells[0].page, row_lines=tuple(row.line for row in rows))
